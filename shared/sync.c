/*
 * sync: pulls the change feed into the store (see sync.h and docs/api.md).
 *
 * State in the store's meta table:
 *   sync.cursor  where the next page starts (absent: from the beginning)
 *   sync.etag    the ETag of the last page, kept only while the cursor it
 *                was answered for is still the one we ask with, so that
 *                If-None-Match can only ever mean "this same request"
 *   sync.last    RFC 3339 time of the last successful sync
 *   sync.refetch present when the store wants a sync from the beginning,
 *                as after 410 Gone (store migration 4: notices with their
 *                signatures)
 * A page is applied in one transaction with its cursor, and only when the
 * cursor read inside that transaction is still the one the page was asked
 * with, so two processes syncing at once cannot apply a page twice or an
 * old page over a newer one.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "date.h"
#include "i18n.h"
#include "mem.h"
#include "sync.h"
#include "wire.h"

#define SYNC_KEY_CURSOR "sync.cursor"
#define SYNC_KEY_ETAG	"sync.etag"
#define SYNC_KEY_LAST	"sync.last"
/* Set when the store asks for everything again (after a migration that
 * keeps more of each item than the store held before). */
#define SYNC_KEY_REFETCH "sync.refetch"

/* A feed bigger than this many pages in one run is a server bug (a cursor
 * going round in a circle), not a real backlog. */
#define SYNC_MAX_PAGES 10000

/* What one page did, added to the result only once it is committed. */
struct sync_page_counts {
	size_t changes;
	size_t skipped;
	size_t new_notices;
	size_t new_deadlines;
	int    store_failed;	/* a change failed in the store, not in decoding */
};

/* Applies one notice change. */
static int
sync_notice(struct store *st, const struct wire_change *c, struct sync_page_counts *n,
	    char **cause)
{
	struct wire_notice notice;
	int known = 0, rc;

	if (c->deleted) {
		if (store_notice_delete(st, c->id) < 0)
			goto store_fail;
		return 0;
	}
	if (wire_notice_decode(c, &notice, cause) < 0)
		return -1;
	rc = store_notice_known(st, c->id, &known);
	if (rc == 0)
		rc = store_notice_upsert(st, &notice);
	wire_notice_release(&notice);
	if (rc < 0)
		goto store_fail;
	if (!known)
		n->new_notices++;
	return 0;
store_fail:
	n->store_failed = 1;
	*cause = xstrdup(store_error(st));
	return -1;
}

/* Applies one deadline change. */
static int
sync_deadline(struct store *st, const struct wire_change *c, struct sync_page_counts *n,
	      char **cause)
{
	struct wire_deadline deadline;
	int known = 0, rc;

	if (c->deleted) {
		if (store_deadline_delete(st, c->id) < 0)
			goto store_fail;
		return 0;
	}
	if (wire_deadline_decode(c, &deadline, cause) < 0)
		return -1;
	rc = store_deadline_known(st, c->id, &known);
	if (rc == 0)
		rc = store_deadline_upsert(st, &deadline);
	wire_deadline_release(&deadline);
	if (rc < 0)
		goto store_fail;
	if (!known)
		n->new_deadlines++;
	return 0;
store_fail:
	n->store_failed = 1;
	*cause = xstrdup(store_error(st));
	return -1;
}

/*
 * Procedures, applications, records and access records: stored whole,
 * removed by a delete; nothing local to keep across an upsert.
 */

/* Turns a failed store call into the cause of the page's failure. */
static int
sync_store_fail(struct store *st, struct sync_page_counts *n, char **cause)
{
	n->store_failed = 1;
	*cause = xstrdup(store_error(st));
	return -1;
}

static int
sync_procedure(struct store *st, const struct wire_change *c, struct sync_page_counts *n,
	       char **cause)
{
	struct wire_procedure p;
	int rc;

	if (c->deleted)
		return store_procedure_delete(st, c->id) < 0 ? sync_store_fail(st, n, cause) : 0;
	if (wire_procedure_decode(c, &p, cause) < 0)
		return -1;
	rc = store_procedure_upsert(st, &p);
	wire_procedure_release(&p);
	return rc < 0 ? sync_store_fail(st, n, cause) : 0;
}

static int
sync_application(struct store *st, const struct wire_change *c, struct sync_page_counts *n,
		 char **cause)
{
	struct wire_application a;
	int rc;

	if (c->deleted)
		return store_application_delete(st, c->id) < 0 ? sync_store_fail(st, n, cause) : 0;
	if (wire_application_decode(c, &a, cause) < 0)
		return -1;
	rc = store_application_upsert(st, &a);
	wire_application_release(&a);
	return rc < 0 ? sync_store_fail(st, n, cause) : 0;
}

static int
sync_record(struct store *st, const struct wire_change *c, struct sync_page_counts *n,
	    char **cause)
{
	struct wire_record r;
	int rc;

	if (c->deleted)
		return store_record_delete(st, c->id) < 0 ? sync_store_fail(st, n, cause) : 0;
	if (wire_record_decode(c, &r, cause) < 0)
		return -1;
	rc = store_record_upsert(st, &r);
	wire_record_release(&r);
	return rc < 0 ? sync_store_fail(st, n, cause) : 0;
}

static int
sync_access(struct store *st, const struct wire_change *c, struct sync_page_counts *n,
	    char **cause)
{
	struct wire_access a;
	int rc;

	if (c->deleted)
		return store_access_delete(st, c->id) < 0 ? sync_store_fail(st, n, cause) : 0;
	if (wire_access_decode(c, &a, cause) < 0)
		return -1;
	rc = store_access_upsert(st, &a);
	wire_access_release(&a);
	return rc < 0 ? sync_store_fail(st, n, cause) : 0;
}

/* The change types this version stores. */
static const struct {
	const char *type;
	int (*apply)(struct store *, const struct wire_change *, struct sync_page_counts *,
		     char **);
} sync_types[] = {
	{ "notice", sync_notice },
	{ "deadline", sync_deadline },
	{ "procedure", sync_procedure },
	{ "application", sync_application },
	{ "record", sync_record },
	{ "access_log", sync_access },
};

/* Returns 1 if the two cursors (NULL: none) are the same. */
static int
sync_same_cursor(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* Writes a page and the cursor after it in one transaction.  etag is the
 * page's ETag; it is kept only when the next request will be the same as
 * this one.  Returns 0, 1 when the store's cursor is no longer
 * asked_cursor (the page is dropped), or -1 with *cause and the kind of
 * failure in res. */
static int
sync_apply(struct store *st, const struct wire_page *p, const char *asked_cursor,
	   const char *etag, struct sync_page_counts *n, struct sync_result *res, char **cause)
{
	char *now_cursor = NULL;
	size_t i, j;
	int rc;

	memset(n, 0, sizeof *n);
	res->fault = SYNC_FAULT_STORE;
	if (store_begin(st) < 0) {
		*cause = xstrdup(store_error(st));
		return -1;
	}
	if (store_meta_get(st, SYNC_KEY_CURSOR, &now_cursor) < 0) {
		*cause = xstrdup(store_error(st));
		goto fail;
	}
	if (!sync_same_cursor(now_cursor, asked_cursor)) {
		free(now_cursor);
		store_rollback(st);
		res->fault = SYNC_FAULT_NONE;
		return 1;
	}
	free(now_cursor);
	for (i = 0; i < p->nchanges; i++) {
		const struct wire_change *c = &p->changes[i];

		for (j = 0; j < sizeof sync_types / sizeof sync_types[0]; j++) {
			if (strcmp(c->type, sync_types[j].type) == 0)
				break;
		}
		if (j == sizeof sync_types / sizeof sync_types[0]) {
			n->skipped++;
			continue;
		}
		if (sync_types[j].apply(st, c, n, cause) < 0) {
			if (!n->store_failed) {
				res->fault = SYNC_FAULT_DECODE;
				res->fault_type = sync_types[j].type;
			}
			goto fail;
		}
		n->changes++;
	}
	rc = *p->cursor ? store_meta_set(st, SYNC_KEY_CURSOR, p->cursor)
			: store_meta_delete(st, SYNC_KEY_CURSOR);
	if (rc == 0)
		rc = etag && sync_same_cursor(asked_cursor, *p->cursor ? p->cursor : NULL)
			     ? store_meta_set(st, SYNC_KEY_ETAG, etag)
			     : store_meta_delete(st, SYNC_KEY_ETAG);
	if (rc < 0 || store_commit(st) < 0) {
		*cause = xstrdup(store_error(st));
		goto fail;
	}
	res->fault = SYNC_FAULT_NONE;
	return 0;
fail:
	store_rollback(st);
	memset(n, 0, sizeof *n);
	return -1;
}

/* Forgets everything synced, for a full resync after 410 Gone.  Drafts,
 * the outbox, snoozes and reminders_sent are not synced data: they stay. */
static int
sync_restart(struct store *st, char **cause)
{
	if (store_begin(st) < 0)
		goto fail;
	if (store_clear_synced(st) < 0 || store_meta_delete(st, SYNC_KEY_CURSOR) < 0 ||
	    store_meta_delete(st, SYNC_KEY_ETAG) < 0 || store_meta_delete(st, SYNC_KEY_REFETCH) < 0 ||
	    store_commit(st) < 0) {
		*cause = xstrdup(store_error(st));
		store_rollback(st);
		return -1;
	}
	return 0;
fail:
	*cause = xstrdup(store_error(st));
	return -1;
}

/* Records the time of this successful sync. */
static int
sync_done(struct store *st, char **cause)
{
	char now[40];

	date_format(time(NULL), now, sizeof now);
	if (store_meta_set(st, SYNC_KEY_LAST, now) < 0) {
		*cause = xstrdup(store_error(st));
		return -1;
	}
	return 0;
}

/* Turns an error answer into a cause. */
static char *
sync_http_error(const struct api_response *r)
{
	char *problem = api_problem(r), *msg;

	if (r->status == 401)
		msg = xasprintf(_("the server did not accept the sign-in (%s): "
				  "sign in again with: myna login"), problem);
	else if (r->retry_after >= 0)
		msg = xasprintf(_("sync failed: %s (the server asks to wait %ld seconds)"),
				problem, r->retry_after);
	else
		msg = xasprintf(_("sync failed: %s"), problem);
	free(problem);
	return msg;
}

int
sync_request_make(struct store *st, long wait, struct sync_request *rq, char **cause)
{
	struct buf b;
	char *esc, *refetch = NULL;

	memset(rq, 0, sizeof *rq);
	if (store_meta_get(st, SYNC_KEY_REFETCH, &refetch) < 0) {
		*cause = xstrdup(store_error(st));
		return -1;
	}
	if (refetch != NULL) {
		free(refetch);
		if (sync_restart(st, cause) < 0)
			return -1;
	}
	if (store_meta_get(st, SYNC_KEY_CURSOR, &rq->cursor) < 0 ||
	    store_meta_get(st, SYNC_KEY_ETAG, &rq->etag) < 0) {
		*cause = xstrdup(store_error(st));
		sync_request_release(rq);
		return -1;
	}
	buf_init(&b, 0);
	buf_addstr(&b, "/v1/sync?");
	if (rq->cursor != NULL) {
		esc = api_escape(rq->cursor);
		buf_printf(&b, "cursor=%s&", esc);
		free(esc);
	}
	buf_printf(&b, "limit=%d", SYNC_PAGE_LIMIT);
	if (wait > 0)
		buf_printf(&b, "&wait=%ld", wait);
	rq->path = buf_take(&b);
	return 0;
}

void
sync_request_release(struct sync_request *rq)
{
	if (rq == NULL)
		return;
	free(rq->cursor);
	free(rq->etag);
	free(rq->path);
	memset(rq, 0, sizeof *rq);
}

/* Applies a 200 answer to rq.  Returns 0 (applied; *more says whether the
 * server has more), 1 (dropped: the cursor moved meanwhile), or -1 with
 * *cause. */
static int
sync_page(struct store *st, const struct sync_request *rq, const struct api_response *r,
	  struct sync_result *res, int *more, char **cause)
{
	struct wire_page page = { 0 };
	struct sync_page_counts n;
	char *why = NULL;
	int rc = -1;

	*more = 0;
	if (wire_page_decode(r->body.data, r->body.len, &page, &why) < 0) {
		res->fault = SYNC_FAULT_DECODE;
		res->fault_type = NULL;
		*cause = xasprintf(_("sync failed: %s"), why);
		goto out;
	}
	if (page.has_more && sync_same_cursor(rq->cursor, *page.cursor ? page.cursor : NULL)) {
		res->fault = SYNC_FAULT_LOOP;
		*cause = xstrdup(_("sync failed: the server keeps sending more changes "
				   "without moving on; try again later"));
		goto out;
	}
	rc = sync_apply(st, &page, rq->cursor, r->etag, &n, res, cause);
	if (rc != 0)
		goto out;
	res->pages++;
	res->changes += n.changes;
	res->skipped += n.skipped;
	res->new_notices += n.new_notices;
	res->new_deadlines += n.new_deadlines;
	*more = page.has_more;
out:
	free(why);
	wire_page_release(&page);
	return rc;
}

int
sync_take(struct store *st, const struct sync_request *rq, const struct api_response *r,
	  struct sync_result *res, char **cause)
{
	int more = 0, rc;

	if (r->status == 304) {
		res->not_modified = 1;
		goto done;
	}
	if (r->status != 200)
		return SYNC_TAKE_AGAIN;
	rc = sync_page(st, rq, r, res, &more, cause);
	if (rc < 0)
		return -1;
	if (rc == 1)
		return SYNC_TAKE_AGAIN;
	if (more)
		return SYNC_TAKE_MORE;
done:
	if (sync_done(st, cause) < 0) {
		res->fault = SYNC_FAULT_STORE;
		return -1;
	}
	return SYNC_TAKE_DONE;
}

int
sync_run(struct store *st, struct session *se, struct sync_result *res, char **cause)
{
	struct api_response r;
	struct sync_request rq = { 0 };
	size_t rounds = 0;
	int refreshed = 0, restarted = 0, more, rc = -1;

	memset(res, 0, sizeof *res);
	res->retry_after = -1;
	api_response_init(&r);
	if (se->api == NULL) {
		res->signed_out = 1;
		res->fault = SYNC_FAULT_SIGNIN;
		*cause = xstrdup(_("not signed in: run myna login"));
		goto out;
	}
	for (;;) {
		sync_request_release(&rq);
		/* Pages dropped for a moved cursor count too: a bound on the
		 * requests of one run whatever happens. */
		if (++rounds > SYNC_MAX_PAGES) {
			res->fault = SYNC_FAULT_LOOP;
			*cause = xasprintf(_("sync failed: the server sent more than %d pages "
					     "in a row; try again later"), SYNC_MAX_PAGES);
			goto out;
		}
		if (sync_request_make(st, 0, &rq, cause) < 0) {
			res->fault = SYNC_FAULT_STORE;
			goto out;
		}
		if (api_get(se->api, rq.path, rq.etag, &r, cause) < 0) {
			res->fault = SYNC_FAULT_NETWORK;
			goto out;
		}

		if (r.status == 304) {
			res->not_modified = 1;
			break;
		}
		if (r.status == 401 && !refreshed) {
			refreshed = 1;
			if (session_refresh(se, cause) < 0) {
				res->status = 401;
				res->signed_out = se->signed_out;
				res->fault = se->signed_out ? SYNC_FAULT_SIGNIN : SYNC_FAULT_NETWORK;
				goto out;
			}
			continue;
		}
		if (r.status == 410 && !restarted) {
			/* The server no longer has the changes since our cursor:
			 * fetch everything again. */
			restarted = 1;
			if (sync_restart(st, cause) < 0) {
				res->fault = SYNC_FAULT_STORE;
				goto out;
			}
			continue;
		}
		if (r.status != 200) {
			res->status = r.status;
			res->retry_after = r.retry_after;
			/* Refreshed a moment ago and still refused. */
			res->signed_out = r.status == 401;
			res->fault = r.status == 401 ? SYNC_FAULT_SIGNIN : SYNC_FAULT_STATUS;
			*cause = sync_http_error(&r);
			goto out;
		}
		rc = sync_page(st, &rq, &r, res, &more, cause);
		if (rc < 0)
			goto out;
		if (rc == 1)
			more = 1;	/* dropped: ask again from the new cursor */
		rc = -1;
		if (!more)
			break;
	}
	if (sync_done(st, cause) < 0) {
		res->fault = SYNC_FAULT_STORE;
		goto out;
	}
	rc = 0;
out:
	sync_request_release(&rq);
	api_response_release(&r);
	return rc;
}
