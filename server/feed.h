/*
 * feed: the change feed (GET /v1/sync) and the writing of items into it.
 * Items are notices (n-N), deadlines (d-N), procedures (their catalogue
 * id), applications (a-N), records (r-N) and access records (l-N).  Each
 * item has one row in its latest state (storage.h); a reader that
 * remembers the last seq it saw gets every change since, each item once.
 * An item is addressed to one user, to the residents of one municipality,
 * or to everyone.
 *
 * The cursor is "s" followed by the decimal seq; clients treat it as
 * opaque.  A cursor is refused with 410 when it is beyond anything given
 * out (the database was reset) or older than the compaction horizon
 * (tombstones after it have been removed, so deletes would be missed).
 */
#ifndef MYNA_FEED_H
#define MYNA_FEED_H

#include <stddef.h>
#include <time.h>
#include <json-c/json.h>

#include "http.h"
#include "wire.h"

struct storage;
struct storage_tx;

#define FEED_LIMIT_DEFAULT 200
#define FEED_LIMIT_MAX WIRE_PAGE_MAX
/* A page stops early (has_more true) once its items' data passes this
 * many bytes, so that it stays well under the client's response cap
 * (API_BODY_MAX, 8 MiB) even when limit items are all large. */
#define FEED_PAGE_BYTES (4 * 1024 * 1024)
#define FEED_WAIT_MAX 60 /* seconds a long poll may wait */

/* Who sees an item: user set, municipality set, or neither (everyone). */
struct feed_audience {
	const char *user;
	const char *municipality;
};

/* Adds a new item of type whose id is "PREFIX-N" (the next N), with data
 * (not taken).  Returns 0 with the id newly allocated in *id, or -1 with
 * *cause. */
int feed_item_add(struct storage *s, const char *type, const char *prefix,
                  const struct feed_audience *aud, json_object *data, char **id, char **cause);
/* Puts an item with a given id (new, or replacing it). */
int feed_item_put(struct storage *s, const char *type, const char *id,
                  const struct feed_audience *aud, json_object *data, char **cause);
/* The same inside the caller's unit of work. */
int feed_item_put_tx(struct storage_tx *tx, const char *type, const char *id,
                     const struct feed_audience *aud, json_object *data);

/* Adds a notice, published now when n->published is NULL ("n-N"). */
int feed_notice_add(struct storage *s, const struct feed_audience *aud, const struct wire_notice *n,
                    char **id, char **cause);
/* Adds a deadline for one user ("d-N"). */
int feed_deadline_add(struct storage *s, const char *user, const struct wire_deadline *d, char **id,
                      char **cause);
/* Replaces an item by a tombstone for the same audience.  Returns 0 and
 * sets *found (0 when there was no such item, or it was deleted already),
 * or -1. */
int feed_delete(struct storage *s, const char *type, const char *id, int *found);

/* Removes tombstones changed before before; sets *removed.  Returns 0 or -1. */
int feed_compact(struct storage *s, time_t before, long long *removed);

/*
 * The tips: the highest seq addressed to each audience (a user, a
 * municipality, everyone), the highest seq given out and the horizon,
 * kept in memory so that a sync that has nothing new -- the common case,
 * clients polling -- is answered without the database.  It follows every
 * commit through the storage listener (called in commit order), so it
 * never says "nothing new" when something is; an audience it does not
 * hold (a bounded table) is read from the storage once.
 */
struct feed_tips;

#define FEED_TIPS_SLOTS 65536

struct feed_tips *feed_tips_new(size_t slots);
void feed_tips_free(struct feed_tips *t);
/* Reads the highest seq and the horizon from storage.  Returns 0 or -1. */
int feed_tips_load(struct feed_tips *t, struct storage *s);
/* Records a committed change (a storage_listener's arguments); both NULL
 * forgets every audience, as the listener's rules ask. */
void feed_tips_note(struct feed_tips *t, const char *user, const char *municipality, long long seq);
/* Records a new horizon (after a compaction). */
void feed_tips_horizon(struct feed_tips *t, long long horizon);

/* GET /v1/sync */
void feed_sync(struct http_req *req, struct http_resp *resp);

/* Parses a cursor into *seq.  Returns 0, or -1 when malformed. */
int feed_cursor_parse(const char *s, long long *seq);
/* Writes the cursor for seq into out. */
void feed_cursor_format(long long seq, char *out, size_t size);

/* Sets *n to the number of rows in the feed (for /metrics).  Returns 0 or -1. */
int feed_count(struct storage *s, long long *n);

#endif
