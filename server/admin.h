/*
 * admin: the operator endpoints (/v1/admin/...), which publish notices and
 * deadlines into the feed and register residents.  Every field is
 * validated; text is passed through text_clean before it is stored.
 */
#ifndef MYNA_ADMIN_H
#define MYNA_ADMIN_H

#include "http.h"

#define ADMIN_TITLE_MAX 1024 /* bytes per language */
#define ADMIN_BODY_MAX (16 * 1024)
#define ADMIN_SENDER_MAX 256

#include <json-c/json.h>

#include "wire.h"

/* Reads the content of a notice from an operator's body as POST
 * /v1/admin/notices takes it: title, body and sender cleaned and capped,
 * published (optional) parsed and written in the server's time zone,
 * agency and signature (optional) checked for their form, not yet for
 * each other.  The audience is left to the caller.  Returns 0, or -1 with
 * a 400 or 422 problem in resp.  Used by myna-bff sign-notice too, so that
 * what is signed is what the server will keep. */
int admin_notice_read(json_object *body, struct wire_notice *n, struct http_resp *resp);

/* POST /v1/admin/users */
void admin_user_post(struct http_req *req, struct http_resp *resp);
/* POST /v1/admin/notices, DELETE /v1/admin/notices/{id} */
void admin_notice_post(struct http_req *req, struct http_resp *resp);
void admin_notice_delete(struct http_req *req, struct http_resp *resp);
/* POST /v1/admin/deadlines, DELETE /v1/admin/deadlines/{id} */
void admin_deadline_post(struct http_req *req, struct http_resp *resp);
void admin_deadline_delete(struct http_req *req, struct http_resp *resp);
/* DELETE of the item of type whose id is the route's parameter: 204, or a
 * 404 problem when there is none. */
void admin_delete(struct http_req *req, struct http_resp *resp, const char *type);

/* POST /v1/admin/compact: runs the maintenance now. */
void admin_compact_post(struct http_req *req, struct http_resp *resp);

struct bff;

/* The maintenance, also run every BFF_MAINTENANCE_INTERVAL seconds:
 * removes tombstones older than bff->tombstone_retention (raising the
 * horizon, so older cursors get 410), expired tokens and device codes,
 * and idempotency keys past BFF_IDEMPOTENCY_RETENTION (unanswered) or
 * BFF_IDEMPOTENCY_DONE_RETENTION (answered).  Sets
 * *removed to the tombstones removed.  Returns 0 or -1. */
int admin_maintain(struct bff *bff, long long *removed);

#endif
