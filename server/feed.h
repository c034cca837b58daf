/*
 * feed: the change feed (GET /v1/sync).  Each item (notice n-N, deadline
 * d-N) has one row in its latest state; a change deletes the old row and
 * adds a new one with a higher seq, so a reader that remembers the last seq
 * it saw gets every change since, each item once.  A row is addressed to
 * one user, to the residents of one municipality, or to everyone.
 *
 * The cursor is "s" followed by the decimal seq; clients treat it as opaque.
 */
#ifndef MYNA_FEED_H
#define MYNA_FEED_H

#include <stddef.h>

#include "http.h"
#include "wire.h"

struct db;

#define FEED_LIMIT_DEFAULT 200
#define FEED_LIMIT_MAX WIRE_PAGE_MAX
/* A page stops early (has_more true) once its items' data passes this
 * many bytes, so that it stays well under the client's response cap
 * (API_BODY_MAX, 8 MiB) even when limit items are all large. */
#define FEED_PAGE_BYTES (4 * 1024 * 1024)

/* Who sees an item: user set, municipality set, or neither (everyone). */
struct feed_audience {
	const char *user;
	const char *municipality;
};

/* Adds a notice: gives it the next id ("n-N", returned newly allocated in
 * *id), and publishes it now when n->published is NULL.  n->id is left
 * untouched.  Returns 0, or -1 with *cause. */
int feed_notice_add(struct db *db, const struct feed_audience *aud, const struct wire_notice *n,
                    char **id, char **cause);
/* Adds a deadline for one user ("d-N"). */
int feed_deadline_add(struct db *db, const char *user, const struct wire_deadline *d, char **id,
                      char **cause);
/* Replaces an item by a delete for the same audience.  Returns 0 and sets
 * *found (0 when there was no such item, or it was deleted already), or -1. */
int feed_delete(struct db *db, const char *type, const char *id, int *found);

/* GET /v1/sync */
void feed_sync(struct http_req *req, struct http_resp *resp);

/* Parses a cursor into *seq.  Returns 0, or -1 when malformed. */
int feed_cursor_parse(const char *s, long long *seq);
/* Writes the cursor for seq into out. */
void feed_cursor_format(long long seq, char *out, size_t size);

/* Sets *n to the number of rows in the feed (for /metrics).  Returns 0 or -1. */
int feed_count(struct db *db, long long *n);

#endif
