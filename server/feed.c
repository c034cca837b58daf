#include "feed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bff.h"
#include "date.h"
#include "db.h"
#include "i18n.h"
#include "log.h"
#include "mem.h"
#include "token.h"

#define FEED_JSON_FLAGS (JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

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

/* Gives the next number for ids of type, inside the caller's transaction. */
static int
feed_next_id(struct db *db, const char *type, long long *n)
{
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO item_ids (type, last) VALUES (?1, 1) "
	                               "ON CONFLICT (type) DO UPDATE SET last = last + 1 "
	                               "RETURNING last");
	int ret = -1;

	if (st == NULL || db_bind_text(st, 1, type) != 0)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW) {
		*n = sqlite3_column_int64(st, 0);
		ret = 0;
	}
	sqlite3_reset(st);
	return ret;
}

/* Puts the row of an item in its latest state, inside a transaction. */
static int
feed_put(struct db *db, const char *type, const char *id, const char *user,
         const char *municipality, int deleted, const char *data)
{
	sqlite3_stmt *st;

	st = db_stmt(db, "DELETE FROM feed WHERE type = ?1 AND item_id = ?2");
	if (st == NULL || db_bind_text(st, 1, type) != 0 || db_bind_text(st, 2, id) != 0 ||
	    db_done(st) != 0)
		return -1;
	st = db_stmt(db, "INSERT INTO feed (type, item_id, user_id, municipality, deleted, data) "
	                 "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
	if (st == NULL || db_bind_text(st, 1, type) != 0 || db_bind_text(st, 2, id) != 0 ||
	    db_bind_text(st, 3, user) != 0 || db_bind_text(st, 4, municipality) != 0 ||
	    sqlite3_bind_int(st, 5, deleted) != SQLITE_OK || db_bind_text(st, 6, data) != 0 ||
	    db_done(st) != 0)
		return -1;
	return 0;
}

typedef json_object *(*feed_encode)(const void *item, const char *id);

static json_object *
feed_encode_notice(const void *item, const char *id)
{
	struct wire_notice n = *(const struct wire_notice *)item;
	char published[40];

	n.id = (char *)id;
	if (n.published == NULL)
		n.published = date_format(time(NULL), published, sizeof published);
	return wire_notice_encode(&n);
}

static json_object *
feed_encode_deadline(const void *item, const char *id)
{
	struct wire_deadline d = *(const struct wire_deadline *)item;

	d.id = (char *)id;
	return wire_deadline_encode(&d);
}

/* Adds a new item of type with ids "PREFIX-N". */
static int
feed_add(struct db *db, const char *type, const char *prefix, const char *user,
         const char *municipality, feed_encode encode, const void *item, char **id, char **cause)
{
	json_object *data = NULL;
	char *newid = NULL;
	long long n;
	int ret = -1;

	*id = NULL;
	*cause = NULL;
	db_lock(db);
	if (db_begin(db) != 0 || feed_next_id(db, type, &n) != 0)
		goto out;
	newid = xasprintf("%s-%lld", prefix, n);
	data = encode(item, newid);
	if (data == NULL) {
		*cause = xstrdup(_("the item could not be encoded"));
		goto fail;
	}
	if (feed_put(db, type, newid, user, municipality, 0,
	             json_object_to_json_string_ext(data, FEED_JSON_FLAGS)) != 0 ||
	    db_commit(db) != 0)
		goto out;
	*id = newid;
	newid = NULL;
	ret = 0;
out:
	if (ret != 0 && *cause == NULL)
		*cause = xasprintf(_("database error: %s"), db_error(db));
fail:
	db_rollback(db);
	db_unlock(db);
	json_object_put(data);
	free(newid);
	return ret;
}

int
feed_notice_add(struct db *db, const struct feed_audience *aud, const struct wire_notice *n,
                char **id, char **cause)
{
	return feed_add(db, "notice", "n", aud->user, aud->municipality, feed_encode_notice, n, id,
	                cause);
}

int
feed_deadline_add(struct db *db, const char *user, const struct wire_deadline *d, char **id,
                  char **cause)
{
	return feed_add(db, "deadline", "d", user, NULL, feed_encode_deadline, d, id, cause);
}

int
feed_delete(struct db *db, const char *type, const char *id, int *found)
{
	sqlite3_stmt *st;
	char *user = NULL, *municipality = NULL;
	int ret = -1, rc;

	*found = 0;
	db_lock(db);
	if (db_begin(db) != 0)
		goto out;
	st = db_stmt(db, "SELECT user_id, municipality FROM feed "
	                 "WHERE type = ?1 AND item_id = ?2 AND deleted = 0");
	if (st == NULL || db_bind_text(st, 1, type) != 0 || db_bind_text(st, 2, id) != 0)
		goto out;
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		ret = 0;
		goto out;
	}
	if (rc != SQLITE_ROW)
		goto out;
	user = xstrdup((const char *)sqlite3_column_text(st, 0));
	municipality = xstrdup((const char *)sqlite3_column_text(st, 1));
	sqlite3_reset(st);
	if (feed_put(db, type, id, user, municipality, 1, NULL) != 0 || db_commit(db) != 0)
		goto out;
	*found = 1;
	ret = 0;
out:
	if (ret != 0)
		log_error("feed delete: %s", db_error(db));
	db_rollback(db);
	db_unlock(db);
	free(user);
	free(municipality);
	return ret;
}

int
feed_count(struct db *db, long long *n)
{
	sqlite3_stmt *st;
	int ret = -1;

	db_lock(db);
	st = db_stmt(db, "SELECT count(*) FROM feed");
	if (st != NULL && sqlite3_step(st) == SQLITE_ROW) {
		*n = sqlite3_column_int64(st, 0);
		ret = 0;
	}
	db_unlock(db);
	return ret;
}

/* Parses the limit parameter: absent gives the default. */
static int
feed_limit_parse(const char *s, long *limit)
{
	char *end = NULL;
	long v;

	if (s == NULL) {
		*limit = FEED_LIMIT_DEFAULT;
		return 0;
	}
	if (*s < '0' || *s > '9' || strlen(s) > 5)
		return -1;
	v = strtol(s, &end, 10);
	if (*end != '\0' || v < 1 || v > FEED_LIMIT_MAX)
		return -1;
	*limit = v;
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

/* Reads the page after seq for the user into page; under the lock.
 * Returns 0 and sets *next (the new cursor's seq), or -1. */
static int
feed_read(struct db *db, const struct user *u, long long seq, long limit, json_object **page,
          long long *next, int *gone)
{
	sqlite3_stmt *st;
	json_object *p = NULL;
	json_object *data[FEED_LIMIT_MAX];
	char *type[FEED_LIMIT_MAX], *id[FEED_LIMIT_MAX];
	int deleted[FEED_LIMIT_MAX];
	long long last = seq, top = 0;
	size_t bytes = 0;
	long n = 0, i;
	int rc, has_more = 0, ret = -1;
	char cursor[32];

	*gone = 0;
	st = db_stmt(db, "SELECT seq FROM sqlite_sequence WHERE name = 'feed'");
	if (st == NULL)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		top = sqlite3_column_int64(st, 0);
	else if (rc != SQLITE_DONE)
		return -1;
	sqlite3_reset(st);
	if (seq > top) {
		*gone = 1;
		return 0;
	}
	st = db_stmt(
	        db,
	        "SELECT seq, type, item_id, deleted, data FROM feed WHERE seq > ?1 AND "
	        "(user_id = ?2 OR municipality = ?3 OR (user_id IS NULL AND municipality IS NULL)) "
	        "ORDER BY seq LIMIT ?4");
	if (st == NULL || sqlite3_bind_int64(st, 1, seq) != SQLITE_OK ||
	    db_bind_text(st, 2, u->id) != 0 || db_bind_text(st, 3, u->municipality) != 0 ||
	    sqlite3_bind_int64(st, 4, limit + 1) != SQLITE_OK)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *d = (const char *)sqlite3_column_text(st, 4);
		size_t dlen = (size_t)sqlite3_column_bytes(st, 4);

		if (n == limit || (n > 0 && bytes + dlen > FEED_PAGE_BYTES)) {
			has_more = 1;
			break;
		}
		bytes += dlen;
		last = sqlite3_column_int64(st, 0);
		type[n] = xstrdup((const char *)sqlite3_column_text(st, 1));
		id[n] = xstrdup((const char *)sqlite3_column_text(st, 2));
		deleted[n] = sqlite3_column_int(st, 3);
		data[n] = NULL;
		if (!deleted[n] && d != NULL) {
			data[n] = json_tokener_parse(d);
			if (data[n] == NULL)
				log_error("feed row %lld holds malformed JSON", last);
		}
		n++;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		goto out;
	/* With the whole backlog read, the cursor may skip the rows of others. */
	if (!has_more && top > last)
		last = top;
	feed_cursor_format(last, cursor, sizeof cursor);
	p = wire_page_new(cursor, has_more);
	for (i = 0; i < n; i++) {
		wire_page_add(p, type[i], id[i], deleted[i], data[i]);
		data[i] = NULL;
	}
	*page = p;
	*next = last;
	ret = 0;
out:
	for (i = 0; i < n; i++) {
		free(type[i]);
		free(id[i]);
		json_object_put(data[i]);
	}
	return ret;
}

void
feed_sync(struct http_req *req, struct http_resp *resp)
{
	struct db *db = req->bff->db;
	const char *cursor = http_query(req, "cursor");
	unsigned char hash[TOKEN_HASH_LEN];
	json_object *page = NULL;
	long long seq = 0, next = 0;
	char etag[2 * 16 + 3];
	long limit;
	int gone = 0, rc;
	size_t i;

	if (feed_limit_parse(http_query(req, "limit"), &limit) != 0) {
		http_problem(resp, 400, "Bad Request",
		             _("limit must be a whole number from 1 to %d."), FEED_LIMIT_MAX);
		return;
	}
	if (cursor != NULL && *cursor != '\0' && feed_cursor_parse(cursor, &seq) != 0) {
		http_problem(resp, 400, "Bad Request", "%s",
		             _("The cursor is malformed; send back the cursor of the last page, "
		               "or none to start from the beginning."));
		return;
	}
	db_lock(db);
	rc = feed_read(db, &req->user, seq, limit, &page, &next, &gone);
	if (rc != 0)
		log_error("sync: %s", db_error(db));
	db_unlock(db);
	if (rc != 0) {
		http_problem(resp, 500, "Internal Server Error", "%s",
		             _("The database failed; try again later."));
		return;
	}
	if (gone) {
		http_problem(
		        resp, 410, "Gone", "%s",
		        _("This server never gave out this cursor (its data may have been reset). "
		          "Drop the synced items and sync again without a cursor."));
		return;
	}
	http_json(resp, 200, page);
	/* A strong validator of exactly these bytes. */
	if (token_hash(resp->body, resp->len, hash) == 0) {
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
}
