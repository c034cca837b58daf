/*
 * outbox: sends the submissions queued in the local store (store.h:
 * drafts and the outbox) to the server, POST /v1/applications with each
 * item's Idempotency-Key (docs/api.md).
 *
 * Items go in order.  An item is marked sent only once the server answered
 * 2xx with an application (its id is kept; a 2xx whose body is not one,
 * say from a proxy, counts as no answer); a 422 hands the server's field errors
 * back to the draft ("needs fixing"), as do other final refusals (4xx);
 * a network error, 408, 409 (an earlier try with the key is still being
 * handled), 429 or 5xx stops the flush, leaving this item and
 * the ones after it queued for a retry with the same key, so the server
 * never sees a submission twice, whatever moment the daemon is killed at.
 */
#ifndef MYNA_OUTBOX_H
#define MYNA_OUTBOX_H

#include <stddef.h>

#include "session.h"
#include "store.h"

#define OUTBOX_PATH	  "/v1/applications"
#define OUTBOX_ERRORS_MAX 64	/* field errors kept from one answer */
#define OUTBOX_FIELD_MAX  128	/* bytes of a field name */
#define OUTBOX_ERROR_MAX  1024	/* bytes of one error message */

struct outbox_result {
	size_t sent;		/* marked sent in this flush */
	size_t needs_fixing;	/* handed back to their drafts */
	size_t pending;		/* still queued afterwards */
	int    retry;		/* stopped on a failure worth retrying */
	long   retry_after;	/* seconds the server asked to wait, or -1 */
	int    in_flight;	/* 409: an earlier try is still being handled;
				   retry_after is then when to ask again */
	int    signed_out;	/* the sign-in was refused for good */
};

/* Builds the request body of an item: {"procedure": ..., "answers": {...}}
 * with the item's fields as the answers.
 * Returns a newly allocated string, or NULL with *cause when the stored
 * fields are not a JSON object. */
char *outbox_body(const struct store_outbox *o, char **cause);

/* Reads the field errors of a 422 answer body into a new JSON object text
 * ({"field": "message", ...}; every string cleaned and capped), or NULL
 * when the body names none. */
char *outbox_field_errors(const char *body, size_t len);

/* Sends the queued items in order.  Returns 0 when the flush ran (whatever
 * the server answered: see *res), or -1 with *cause when the store
 * failed or the flush stopped on a failure worth retrying (res->retry). */
int outbox_flush(struct store *st, struct session *se, struct outbox_result *res, char **cause);

#endif
