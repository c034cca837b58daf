/*
 * application: residents' applications.  POST /v1/applications takes
 * {"procedure", "answers"} with an Idempotency-Key header, checks the
 * answers against the procedure's form and files an application (a-N)
 * in the resident's feed.  GET /v1/applications/{id} shows one to its
 * owner.  Operators move its status (POST /v1/admin/applications/{id}/
 * status); each move is added to its history and reaches the owner's feed.
 *
 * Idempotency (draft-ietf-httpapi-idempotency-key-header): a key belongs
 * to one resident and is remembered with a fingerprint (SHA-256) of the
 * request body for APPLICATION_KEY_RETENTION seconds.  No key: 400.  The
 * same key with another body: 422.  The same key while its first request
 * is still being handled: 409.  The same key and body after it finished:
 * the first answer again (Idempotent-Replayed: true), and nothing new is
 * filed.  A request that fails (4xx, 5xx) releases its key.
 */
#ifndef MYNA_APPLICATION_H
#define MYNA_APPLICATION_H

#include "http.h"

#define APPLICATION_KEY_MAX 255      /* characters in an Idempotency-Key */
#define APPLICATION_IN_FLIGHT_MAX 60 /* seconds before an unfinished key counts as lost */

/* POST /v1/applications */
void application_post(struct http_req *req, struct http_resp *resp);
/* GET /v1/applications/{id} */
void application_get(struct http_req *req, struct http_resp *resp);
/* POST /v1/admin/applications/{id}/status */
void application_status_post(struct http_req *req, struct http_resp *resp);

/* Returns 1 when an application may move from status from to status to:
 * a final status (approved, rejected) never moves, no status moves to
 * itself or back to received. */
int application_move_allowed(const char *from, const char *to);

/* Parses an Idempotency-Key header value (a bare key or an RFC 8941
 * string, quotes and all) into out (APPLICATION_KEY_MAX + 1 bytes).
 * Returns 0, or -1 when it is empty, too long or not printable ASCII. */
int application_key_parse(const char *header, char *out);

#endif
