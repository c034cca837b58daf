/*
 * sync: pulls the change feed into the store.  Follows the cursor until
 * has_more is false; each page and its cursor are written in one
 * transaction, so an interrupted sync resumes where it stopped and never
 * applies a page twice.  On 401 the session is refreshed once; on 410 the
 * synced items are dropped and fetched again (drafts, the outbox, marks,
 * snoozes and reminders_sent stay).  Used by mynad and by `myna sync` when
 * no daemon runs.
 *
 * A page is applied only while the store's cursor is still the one it was
 * asked for: when another process moved the cursor meanwhile, the page is
 * dropped and the sync goes on from the new cursor.
 */
#ifndef MYNA_SYNC_H
#define MYNA_SYNC_H

#include <stddef.h>

#include "api.h"
#include "session.h"
#include "store.h"

#define SYNC_PAGE_LIMIT 200

/* What kind of failure a failed sync had, for error reports (fault.h). */
enum sync_fault {
	SYNC_FAULT_NONE,
	SYNC_FAULT_NETWORK,	/* no answer came */
	SYNC_FAULT_SIGNIN,	/* the sign-in was refused, or there is none */
	SYNC_FAULT_STATUS,	/* an answer whose status is not one that moves on
				   (status says which) */
	SYNC_FAULT_DECODE,	/* a page, or a change in it, that cannot be decoded */
	SYNC_FAULT_STORE,	/* the local store failed */
	SYNC_FAULT_LOOP,	/* the server kept sending pages without moving on */
};

struct sync_result {
	size_t pages;
	size_t changes;		/* changes applied */
	size_t skipped;		/* changes of types this version does not know */
	int    not_modified;	/* the server answered 304 */
	size_t new_notices;	/* notices not seen before */
	size_t new_deadlines;
	/* Set when sync_run fails: */
	long   status;		/* HTTP status of the failing answer, 0 if none came */
	long   retry_after;	/* seconds the server asked to wait (Retry-After), or -1 */
	int    signed_out;	/* the sign-in was refused and cannot be renewed:
				   only `myna login` helps, retrying does not */
	enum sync_fault fault;	/* what kind of failure it was */
	const char *fault_type;	/* SYNC_FAULT_DECODE: the type of the change that
				   could not be decoded ("notice", ...), NULL
				   when the page itself could not (static) */
};

/* Returns 0, or -1 with a newly allocated reason in *cause.  *res is filled
 * in either way with what was applied before a failure. */
int sync_run(struct store *st, struct session *se, struct sync_result *res, char **cause);

/*
 * One feed request made by the caller (mynad's long-poll, which waits for
 * the answer in its own event loop), then handed back with sync_take.
 */
struct sync_request {
	char *cursor;	/* the cursor asked with, or NULL */
	char *etag;	/* for If-None-Match, or NULL */
	char *path;	/* path and query for api_get */
};

/* Prepares the request for the next page from the store's state; wait > 0
 * adds wait=SECONDS (docs/api.md: the server holds the request until
 * something changes or the time is up).  A store that asks for everything
 * again (sync.refetch, set by a migration) is cleared first, as after 410
 * Gone.  Returns 0, or -1 with *cause. */
int sync_request_make(struct store *st, long wait, struct sync_request *rq, char **cause);
void sync_request_release(struct sync_request *rq);

enum sync_take {
	SYNC_TAKE_DONE,		/* applied (or 304): up to date */
	SYNC_TAKE_MORE,		/* applied, and the server has more: sync_run */
	SYNC_TAKE_AGAIN,	/* anything else (401, 410, errors, a page for a
				   cursor moved meanwhile): sync_run decides */
};

/* Applies r, the answer to rq.  Adds to *res what was applied.  Returns
 * the outcome; -1 with *cause (and res->fault set) only when the store
 * failed or the page was malformed. */
int sync_take(struct store *st, const struct sync_request *rq, const struct api_response *r,
	      struct sync_result *res, char **cause);

#endif
