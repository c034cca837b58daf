/*
 * procedure: the catalogue of procedures in the feed.  National procedures
 * are addressed to everyone and keep their plain id (kakutei-shinkoku);
 * those of a municipality (and of its prefecture and insurers, as offered
 * to its residents) are addressed to that municipality, with the id
 * "CODE:ID" (131016:tenshutsu), so that each municipality can describe its
 * own.  Each one has its agency, a description, the documents to have at
 * hand, whether it can be done online, and a form of typed fields
 * (wire.h) that applications are checked against.
 *
 * The demo catalogue follows the real procedures residents face (dates and
 * rules as in the law or as is usual); operators replace or add entries
 * with POST /v1/admin/procedures and remove them with DELETE.
 */
#ifndef MYNA_PROCEDURE_H
#define MYNA_PROCEDURE_H

#include <stddef.h>

#include "http.h"

struct storage;

#define PROCEDURE_ID_MAX 96 /* bytes in a catalogue id */

/* Writes into out the id under which municipality's residents find the
 * demo procedure base ("kakutei-shinkoku", "131016:tenshutsu").  Returns
 * 0, or -1 when the catalogue has no such procedure. */
int procedure_demo_id(const char *municipality, const char *base, char *out, size_t size);

/* Adds the demo catalogue: the national procedures and those of each
 * municipality (of the demo's, 131016 and 271004).  Returns 0, or -1 with
 * *cause. */
int procedure_demo_load(struct storage *s, const char *const *municipalities, size_t n,
                        char **cause);

/* POST /v1/admin/procedures: publishes or replaces one procedure. */
void procedure_post(struct http_req *req, struct http_resp *resp);
/* DELETE /v1/admin/procedures/{id} */
void procedure_delete(struct http_req *req, struct http_resp *resp);

#endif
