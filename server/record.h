/*
 * record: what agencies hold about a resident (自己情報, feed type record:
 * tax and income, pension, health insurance, medical checkups, child
 * allowance, ...) and the record of who looked at it (情報提供等記録, feed
 * type access_log: when, which agency, which item of information, why).
 * Both are addressed to one resident.  Agencies' systems publish them
 * through the operator endpoints; --demo fills in realistic ones.
 */
#ifndef MYNA_RECORD_H
#define MYNA_RECORD_H

#include <time.h>

#include "http.h"

struct storage;

/* Adds the demo residents' records and access records, dated from now.
 * Returns 0, or -1 with *cause. */
int record_demo_load(struct storage *s, time_t now, char **cause);

/* POST /v1/admin/records, DELETE /v1/admin/records/{id} */
void record_post(struct http_req *req, struct http_resp *resp);
void record_delete(struct http_req *req, struct http_resp *resp);
/* POST /v1/admin/access-logs, DELETE /v1/admin/access-logs/{id} */
void record_access_post(struct http_req *req, struct http_resp *resp);
void record_access_delete(struct http_req *req, struct http_resp *resp);

#endif
