#include "feed.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bff.h"
#include "buf.h"
#include "date.h"
#include "i18n.h"
#include "log.h"
#include "mem.h"
#include "metrics.h"
#include "storage.h"
#include "token.h"
#include "waitlist.h"

#define FEED_JSON_FLAGS (JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)
#define FEED_TIP_KEY (2 + USER_ID_MAX + 1) /* "u:ID", "m:CODE", "*" */

/* One audience's highest seq, in a direct-mapped table: a newcomer takes
 * the slot, and the one it pushed out is read again when next needed. */
struct feed_tip {
	char key[FEED_TIP_KEY];
	long long seq;
};

struct feed_tips {
	pthread_mutex_t mutex;
	unsigned long gen; /* raised by every change noted */
	long long epoch;   /* storage_feed_epoch, for the ETags */
	long long top, horizon;
	size_t nslots;
	struct feed_tip *slots;
};

struct feed_tips *
feed_tips_new(size_t slots)
{
	struct feed_tips *t = xcalloc(1, sizeof *t);

	pthread_mutex_init(&t->mutex, NULL);
	t->nslots = slots > 0 ? slots : 1;
	t->slots = xcalloc(t->nslots, sizeof *t->slots);
	return t;
}

void
feed_tips_free(struct feed_tips *t)
{
	if (t == NULL)
		return;
	pthread_mutex_destroy(&t->mutex);
	free(t->slots);
	free(t);
}

/* Writes the key of an audience; 0 when it cannot have one. */
static int
feed_tip_key(char *key, const char *user, const char *municipality)
{
	if (user != NULL)
		return snprintf(key, FEED_TIP_KEY, "u:%s", user) < FEED_TIP_KEY;
	if (municipality != NULL)
		return snprintf(key, FEED_TIP_KEY, "m:%s", municipality) < FEED_TIP_KEY;
	snprintf(key, FEED_TIP_KEY, "*");
	return 1;
}

static struct feed_tip *
feed_tip_slot(struct feed_tips *t, const char *key)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	const char *p;

	for (p = key; *p != '\0'; p++) {
		h ^= (unsigned char)*p;
		h *= 0x100000001b3ULL;
	}
	return &t->slots[h % t->nslots];
}

/* Sets key's seq: raised by a commit (newest is exact), or filled from
 * storage only when the slot does not hold key (a commit's is newer). */
static void
feed_tip_set(struct feed_tips *t, const char *key, long long seq, int from_commit)
{
	struct feed_tip *slot = feed_tip_slot(t, key);

	if (strcmp(slot->key, key) == 0) {
		if (from_commit && seq > slot->seq)
			slot->seq = seq;
		return;
	}
	snprintf(slot->key, sizeof slot->key, "%s", key);
	slot->seq = seq;
}

/* Returns key's seq, or -1 when the table does not hold it. */
static long long
feed_tip_get(struct feed_tips *t, const char *key)
{
	struct feed_tip *slot = feed_tip_slot(t, key);

	return strcmp(slot->key, key) == 0 ? slot->seq : -1;
}

int
feed_tips_load(struct feed_tips *t, struct storage *s)
{
	struct storage_tx *tx = storage_begin(s, 1);
	long long top = 0, horizon = 0, epoch = 0;

	if (tx == NULL || storage_feed_epoch(tx, &epoch) != 0 || storage_feed_top(tx, &top) != 0 ||
	    storage_feed_horizon(tx, &horizon) != 0) {
		storage_rollback(tx);
		return -1;
	}
	if (storage_commit(tx) != 0)
		return -1;
	pthread_mutex_lock(&t->mutex);
	t->epoch = epoch;
	t->top = top;
	t->horizon = horizon;
	pthread_mutex_unlock(&t->mutex);
	return 0;
}

void
feed_tips_note(struct feed_tips *t, const char *user, const char *municipality, long long seq)
{
	char key[FEED_TIP_KEY];

	pthread_mutex_lock(&t->mutex);
	t->gen++;
	if (user == NULL && municipality == NULL)
		memset(t->slots, 0, t->nslots * sizeof *t->slots);
	if (feed_tip_key(key, user, municipality))
		feed_tip_set(t, key, seq, 1);
	if (seq > t->top)
		t->top = seq;
	pthread_mutex_unlock(&t->mutex);
}

void
feed_tips_horizon(struct feed_tips *t, long long horizon)
{
	pthread_mutex_lock(&t->mutex);
	if (horizon > t->horizon)
		t->horizon = horizon;
	pthread_mutex_unlock(&t->mutex);
}

enum feed_tips_answer { TIPS_EMPTY, TIPS_CHANGED, TIPS_UNKNOWN };

/* Whether u may see anything after seq; with TIPS_EMPTY, *top is the
 * cursor to give.  A cursor the database must judge (beyond the top,
 * before the horizon) is TIPS_CHANGED. */
static enum feed_tips_answer
feed_tips_check(struct feed_tips *t, const struct user *u, long long seq, long long *top)
{
	const char *users[3] = {u->id, NULL, NULL}, *places[3] = {NULL, u->municipality, NULL};
	enum feed_tips_answer ret = TIPS_EMPTY;
	char key[FEED_TIP_KEY];
	int i;

	pthread_mutex_lock(&t->mutex);
	*top = t->top;
	if (seq > t->top || seq < t->horizon)
		ret = TIPS_CHANGED;
	for (i = 0; i < 3 && ret == TIPS_EMPTY; i++) {
		long long last;

		if (i == 1 && u->municipality[0] == '\0')
			continue;
		feed_tip_key(key, users[i], places[i]);
		last = feed_tip_get(t, key);
		if (last < 0)
			ret = TIPS_UNKNOWN;
		else if (last > seq)
			ret = TIPS_CHANGED;
	}
	pthread_mutex_unlock(&t->mutex);
	return ret;
}

/* Reads u's three audiences from storage into the table. */
static int
feed_tips_fill(struct feed_tips *t, struct storage *s, const struct user *u)
{
	const char *users[3] = {u->id, NULL, NULL}, *places[3] = {NULL, u->municipality, NULL};
	struct storage_tx *tx;
	long long last[3] = {0, 0, 0};
	char key[FEED_TIP_KEY];
	unsigned long gen;
	int i, rc = 0;

	/* Reads run beside commits: what they found is written only when no
	 * change was noted meanwhile, else it may be older than a commit the
	 * table has already forgotten (its slot taken by another key). */
	pthread_mutex_lock(&t->mutex);
	gen = t->gen;
	pthread_mutex_unlock(&t->mutex);
	tx = storage_begin(s, 0);
	if (tx == NULL)
		return -1;
	for (i = 0; i < 3 && rc == 0; i++)
		if (i != 1 || u->municipality[0] != '\0')
			rc = storage_feed_last(tx, users[i], places[i], &last[i]);
	storage_rollback(tx);
	if (rc != 0)
		return rc;
	pthread_mutex_lock(&t->mutex);
	for (i = 0; i < 3 && t->gen == gen; i++)
		if ((i != 1 || u->municipality[0] != '\0') && feed_tip_key(key, users[i], places[i]))
			feed_tip_set(t, key, last[i], 0);
	pthread_mutex_unlock(&t->mutex);
	return 0;
}

int
feed_cursor_parse(const char *s, long long *seq)
{
	long long v = 0;
	size_t i, len;

	if (s == NULL || s[0] != 's')
		return -1;
	len = strlen(s + 1);
	/* Up to 18 digits cannot overflow a long long. */
	if (len == 0 || len > 18 || (len > 1 && s[1] == '0'))
		return -1;
	for (i = 1; i <= len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*seq = v;
	return 0;
}

void
feed_cursor_format(long long seq, char *out, size_t size)
{
	snprintf(out, size, "s%lld", seq);
}

int
feed_item_put_tx(struct storage_tx *tx, const char *type, const char *id,
                 const struct feed_audience *aud, json_object *data)
{
	struct storage_item it;

	memset(&it, 0, sizeof it);
	it.type = type;
	it.id = id;
	it.user = aud->user;
	it.municipality = aud->municipality;
	it.data = json_object_to_json_string_ext(data, FEED_JSON_FLAGS);
	it.changed = time(NULL);
	return storage_feed_put(tx, &it);
}

int
feed_item_put(struct storage *s, const char *type, const char *id, const struct feed_audience *aud,
              json_object *data, char **cause)
{
	struct storage_tx *tx = storage_begin(s, 1);

	*cause = NULL;
	if (tx == NULL || feed_item_put_tx(tx, type, id, aud, data) != 0) {
		storage_rollback(tx);
		*cause = xstrdup(_("the database failed"));
		return -1;
	}
	if (storage_commit(tx) != 0) {
		*cause = xstrdup(_("the database failed"));
		return -1;
	}
	return 0;
}

int
feed_item_add(struct storage *s, const char *type, const char *prefix,
              const struct feed_audience *aud, json_object *data, char **id, char **cause)
{
	struct storage_tx *tx = storage_begin(s, 1);
	char *newid = NULL;
	long long n;

	*id = NULL;
	*cause = NULL;
	if (tx == NULL || storage_feed_next_id(tx, type, &n) != 0)
		goto fail;
	newid = xasprintf("%s-%lld", prefix, n);
	if (feed_item_put_tx(tx, type, newid, aud, data) != 0)
		goto fail;
	if (storage_commit(tx) != 0) {
		tx = NULL;
		goto fail;
	}
	*id = newid;
	return 0;
fail:
	storage_rollback(tx);
	free(newid);
	*cause = xstrdup(_("the database failed"));
	return -1;
}

int
feed_notice_add(struct storage *s, const struct feed_audience *aud, const struct wire_notice *n,
                char **id, char **cause)
{
	struct wire_notice copy = *n;
	char published[40];
	json_object *data;
	int ret;

	if (copy.published == NULL)
		copy.published = date_format(time(NULL), published, sizeof published);
	data = wire_notice_encode(&copy);
	ret = feed_item_add(s, "notice", "n", aud, data, id, cause);
	json_object_put(data);
	return ret;
}

int
feed_deadline_add(struct storage *s, const char *user, const struct wire_deadline *d, char **id,
                  char **cause)
{
	struct feed_audience aud = {user, NULL};
	json_object *data = wire_deadline_encode(d);
	int ret = feed_item_add(s, "deadline", "d", &aud, data, id, cause);

	json_object_put(data);
	return ret;
}

int
feed_delete(struct storage *s, const char *type, const char *id, int *found)
{
	struct storage_tx *tx = storage_begin(s, 1);
	struct storage_row row;
	struct storage_item it;
	int have = 0;

	*found = 0;
	memset(&row, 0, sizeof row);
	if (tx == NULL || storage_feed_get(tx, type, id, &row, &have) != 0)
		goto fail;
	if (!have || row.deleted) {
		storage_rollback(tx);
		storage_row_release(&row);
		return 0;
	}
	memset(&it, 0, sizeof it);
	it.type = type;
	it.id = id;
	it.user = row.user;
	it.municipality = row.municipality;
	it.deleted = 1;
	it.changed = time(NULL);
	if (storage_feed_put(tx, &it) != 0)
		goto fail;
	storage_row_release(&row);
	*found = 1;
	return storage_commit(tx);
fail:
	storage_rollback(tx);
	storage_row_release(&row);
	return -1;
}

int
feed_compact(struct storage *s, time_t before, long long *removed)
{
	struct storage_tx *tx = storage_begin(s, 1);

	*removed = 0;
	if (tx == NULL || storage_feed_compact(tx, before, removed) != 0) {
		storage_rollback(tx);
		return -1;
	}
	return storage_commit(tx);
}

int
feed_count(struct storage *s, long long *n)
{
	struct storage_tx *tx = storage_begin(s, 0);
	int rc;

	if (tx == NULL)
		return -1;
	rc = storage_feed_count(tx, n);
	storage_rollback(tx);
	return rc;
}

/* Parses a whole number in [min, max]; absent gives def. */
static int
feed_number(const char *s, long min, long max, long def, long *out)
{
	char *end = NULL;
	long v;

	if (s == NULL) {
		*out = def;
		return 0;
	}
	if (*s < '0' || *s > '9' || strlen(s) > 5)
		return -1;
	v = strtol(s, &end, 10);
	if (*end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/* Returns 1 when the If-None-Match header names etag (RFC 9110 13.1.2:
 * weak comparison, "*" matches any). */
static int
feed_etag_matches(const char *inm, const char *etag)
{
	size_t elen = strlen(etag);

	if (inm == NULL)
		return 0;
	while (*inm != '\0') {
		size_t len;

		inm += strspn(inm, " \t,");
		if (strncmp(inm, "W/", 2) == 0)
			inm += 2;
		len = strcspn(inm, " \t,");
		if ((len == 1 && inm[0] == '*') || (len == elen && strncmp(inm, etag, len) == 0))
			return 1;
		inm += len;
	}
	return 0;
}

/* A page being read.  seqs lists the seqs of its rows: a row never
 * changes once written (a change is a new row), so with the epoch, the
 * cursor and has_more they fix the page's bytes, and its ETag is a hash
 * of them rather than of the whole body. */
struct feed_page {
	struct buf changes;
	struct buf seqs;
	size_t bytes;
	long n;
	long long last;
};

static int
feed_page_row(void *arg, const struct storage_row *r)
{
	struct feed_page *p = arg;

	if (p->n > 0 && p->bytes + r->data_len > FEED_PAGE_BYTES)
		return 1;
	p->bytes += r->data_len;
	p->last = r->seq;
	p->n++;
	wire_page_text_add(&p->changes, r->type, r->id, r->deleted, r->data, r->data_len);
	buf_printf(&p->seqs, ",%lld", r->seq);
	return 0;
}

enum feed_read_result { FEED_READ_OK, FEED_READ_FAILED, FEED_READ_UNKNOWN, FEED_READ_TOO_OLD };

/* Reads the page after seq for u into p; sets *has_more and *next (the
 * seq of the new cursor). */
static enum feed_read_result
feed_read(struct storage *s, const struct user *u, long long seq, long limit, struct feed_page *p,
          int *has_more, long long *next)
{
	struct storage_tx *tx = storage_begin(s, 0);
	enum feed_read_result ret = FEED_READ_FAILED;
	long long top = 0, horizon = 0;

	if (tx == NULL || storage_feed_top(tx, &top) != 0 ||
	    storage_feed_horizon(tx, &horizon) != 0)
		goto out;
	if (seq > top) {
		ret = FEED_READ_UNKNOWN;
		goto out;
	}
	if (seq > 0 && seq < horizon) {
		ret = FEED_READ_TOO_OLD;
		goto out;
	}
	p->last = seq;
	if (storage_feed_page(tx, u, seq, limit, feed_page_row, p, has_more) != 0)
		goto out;
	/* With the whole backlog read, the cursor may skip the rows of others. */
	*next = !*has_more && top > p->last ? top : p->last;
	ret = FEED_READ_OK;
out:
	storage_rollback(tx);
	return ret;
}

/* The version of the page's layout, part of every ETag: a server that
 * writes pages differently must give them other ETags. */
#define FEED_ETAG_LAYOUT "myna-feed-1"

/* Sets the ETag of the page (a strong validator: equal ETags mean equal
 * bytes) and turns a match of If-None-Match into 304. */
static void
feed_etag(struct http_req *req, struct http_resp *resp, long long epoch, const char *cursor,
          int has_more, const struct buf *seqs)
{
	unsigned char hash[TOKEN_HASH_LEN];
	char etag[2 * 16 + 3];
	struct buf in;
	size_t i;
	int rc;

	buf_init(&in, 0);
	buf_printf(&in, FEED_ETAG_LAYOUT " %lld %s %d ", epoch, cursor, has_more);
	buf_add(&in, seqs->data, seqs->len);
	rc = token_hash(in.data, in.len, hash);
	buf_release(&in);
	if (rc != 0)
		return;
	etag[0] = '"';
	for (i = 0; i < 16; i++)
		snprintf(etag + 1 + 2 * i, 3, "%02x", hash[i]);
	etag[33] = '"';
	etag[34] = '\0';
	if (feed_etag_matches(http_req_header(req, "If-None-Match"), etag)) {
		free(resp->body);
		resp->body = NULL;
		resp->len = 0;
		resp->status = 304;
		resp->type = NULL;
	}
	http_header(resp, "ETag", etag);
}

void
feed_sync(struct http_req *req, struct http_resp *resp)
{
	struct bff *bff = req->bff;
	const char *cursor = http_query(req, "cursor");
	struct feed_page page;
	struct buf body;
	long long seq = 0, next = 0, epoch = 0;
	unsigned long gen = 0;
	char out[32];
	long limit, wait;
	int has_more = 0;

	if (feed_number(http_query(req, "limit"), 1, FEED_LIMIT_MAX, FEED_LIMIT_DEFAULT, &limit) !=
	    0) {
		http_problem(resp, 400, "Bad Request",
		             _("limit must be a whole number from 1 to %d."), FEED_LIMIT_MAX);
		return;
	}
	if (feed_number(http_query(req, "wait"), 0, FEED_WAIT_MAX, 0, &wait) != 0) {
		http_problem(resp, 400, "Bad Request",
		             _("wait must be a whole number of seconds from 0 to %d."),
		             FEED_WAIT_MAX);
		return;
	}
	if (cursor != NULL && *cursor != '\0' && feed_cursor_parse(cursor, &seq) != 0) {
		http_problem(resp, 400, "Bad Request", "%s",
		             _("The cursor is malformed; send back the cursor of the last page, "
		               "or none to start from the beginning."));
		return;
	}
	if (wait > 0)
		gen = waitlist_generation(bff->waitlist);
	memset(&page, 0, sizeof page);
	buf_init(&page.changes, 0);
	buf_init(&page.seqs, 0);
	if (bff->tips != NULL && seq > 0) {
		enum feed_tips_answer tip = feed_tips_check(bff->tips, &req->user, seq, &next);

		if (tip == TIPS_UNKNOWN && feed_tips_fill(bff->tips, bff->storage, &req->user) == 0)
			tip = feed_tips_check(bff->tips, &req->user, seq, &next);
		if (tip == TIPS_EMPTY)
			goto empty;
	}
	switch (feed_read(bff->storage, &req->user, seq, limit, &page, &has_more, &next)) {
	case FEED_READ_OK:
		break;
	case FEED_READ_FAILED:
		http_problem(resp, 500, "Internal Server Error", "%s",
		             _("The database failed; try again later."));
		goto out;
	case FEED_READ_UNKNOWN:
		http_problem(resp, 410, "Gone", "%s",
		             _("This server never gave out this cursor (its data may have been "
		               "reset). Drop the synced items and sync again without a cursor."));
		goto out;
	case FEED_READ_TOO_OLD:
		http_problem(resp, 410, "Gone", "%s",
		             _("This cursor is older than the changes this server still keeps. "
		               "Drop the synced items and sync again without a cursor."));
		goto out;
	}
empty:
	if (page.n == 0 && wait > 0 && !waitlist_closing(bff->waitlist)) {
		long long now = waitlist_now_ms();
		long long until = req->wait_until_ms > 0 ? req->wait_until_ms : now + wait * 1000;

		if (until > now) {
			resp->wait_until_ms = until;
			resp->wait_gen = gen;
			goto out;
		}
	}
	metrics_changes(bff->metrics, page.n);
	feed_cursor_format(next, out, sizeof out);
	buf_init(&body, 0);
	wire_page_text_end(&body, out, has_more, &page.changes);
	resp->status = 200;
	resp->type = "application/json";
	resp->len = body.len;
	resp->body = buf_take(&body);
	if (bff->tips != NULL) {
		pthread_mutex_lock(&bff->tips->mutex);
		epoch = bff->tips->epoch;
		pthread_mutex_unlock(&bff->tips->mutex);
	}
	feed_etag(req, resp, epoch, out, has_more, &page.seqs);
out:
	buf_release(&page.changes);
	buf_release(&page.seqs);
}
