/*
 * storage: everything myna-bff keeps, behind one small interface, so that
 * another backend (PostgreSQL for a fleet of servers) can follow without
 * touching the handlers.  SQLite (storage_sqlite.c, on db.c) is the one
 * implementation today; storage_backend.h is what a backend provides.
 *
 * The interface is units of work plus record-level primitives.  Every
 * primitive runs inside a unit of work: storage_begin gives one (read-only
 * or writing), storage_commit or storage_rollback ends it.  A writing unit
 * is atomic and isolated (SQLite: BEGIN IMMEDIATE under the connection's
 * lock), so read-check-write sequences in the handlers are safe.  Keep
 * units short: no network waits or sleeps inside one.
 *
 * Primitives return 0 on success and -1 on a storage failure, which the
 * backend logs with its cause; "not found" is not a failure (*found = 0).
 * Strings handed in are copied or used only during the call; strings
 * handed out are newly allocated unless said otherwise.
 *
 * When a writing unit that put feed rows commits, the listener set with
 * storage_listen is told which audiences changed and the highest seq of
 * each (so that caches follow and long polls wake).  It is called in
 * commit order, before any later unit can start, so that what it is told
 * never arrives out of order.
 */
#ifndef MYNA_STORAGE_H
#define MYNA_STORAGE_H

#include <stddef.h>
#include <time.h>

#include "token.h"
#include "user.h"

struct storage;
struct storage_tx;

/* Opens the storage named by spec: "sqlite:PATH" or a plain PATH (SQLite).
 * Creates and migrates it as needed.  Returns 0, or -1 with *cause. */
int storage_open(const char *spec, struct storage **out, char **cause);
/* Closes it; no unit of work may be open.  NULL is a no-op. */
void storage_close(struct storage *s);
/* Returns 0 when the storage answers a trivial query, else -1. */
int storage_ping(struct storage *s);

/* Called at a commit, once per audience whose feed changed: user set,
 * municipality set, or both NULL for a change everyone may see; seq is the
 * highest seq the unit gave that audience.  When a unit touched more
 * audiences than storage remembers, it is called once with everyone's
 * audience and the unit's highest seq, and each cached audience must be
 * taken as changed.  It must be quick and must not use the storage. */
typedef void (*storage_listener)(void *arg, const char *user, const char *municipality,
                                 long long seq);
void storage_listen(struct storage *s, storage_listener fn, void *arg);

/* Units of work.  storage_begin returns NULL (logged) when it cannot start
 * one.  storage_commit ends the unit either way and returns 0 or -1;
 * storage_rollback ends it without its changes (NULL is a no-op). */
struct storage_tx *storage_begin(struct storage *s, int write);
int storage_commit(struct storage_tx *tx);
void storage_rollback(struct storage_tx *tx);

/* --- residents --------------------------------------------------------- */

int storage_user_get(struct storage_tx *tx, const char *id, struct user *out, int *found);
/* Sets *exists (and adds nothing) when the id is taken. */
int storage_user_add(struct storage_tx *tx, const char *id, const char *municipality,
                     const char *name, time_t now, int *exists);
int storage_user_count(struct storage_tx *tx, long long *n);

/* --- device codes (RFC 8628) ------------------------------------------- */

#define STORAGE_USER_CODE_MAX 15

enum storage_device_state {
	STORAGE_DEVICE_PENDING,
	STORAGE_DEVICE_APPROVED,
	STORAGE_DEVICE_DENIED,
	STORAGE_DEVICE_CONSUMED
};

struct storage_device {
	long long id;
	char user_code[STORAGE_USER_CODE_MAX + 1];
	time_t expires;
	long interval;
	long long last_poll_ms;     /* -1: never polled */
	char user[USER_ID_MAX + 1]; /* "" until approved */
	enum storage_device_state state;
};

/* Forgets codes that expired before before. */
int storage_device_purge(struct storage_tx *tx, time_t before);
/* Adds a pending code; *clash is set (and nothing added) when user_code is
 * taken already. */
int storage_device_add(struct storage_tx *tx, const unsigned char hash[TOKEN_HASH_LEN],
                       const char *user_code, time_t expires, long interval, int *clash);
int storage_device_by_hash(struct storage_tx *tx, const unsigned char hash[TOKEN_HASH_LEN],
                           struct storage_device *out, int *found);
int storage_device_by_user_code(struct storage_tx *tx, const char *user_code,
                                struct storage_device *out, int *found);
/* Writes interval, last_poll_ms, user and state of the code d->id. */
int storage_device_update(struct storage_tx *tx, const struct storage_device *d);

/* --- tokens -------------------------------------------------------------- */

enum storage_token_kind { STORAGE_TOKEN_ACCESS, STORAGE_TOKEN_REFRESH };

struct storage_token {
	char user[USER_ID_MAX + 1];
	unsigned char family[TOKEN_BYTES]; /* one per sign-in */
	time_t expires;
	int used; /* a rotated refresh token */
};

/* Forgets tokens that expired at or before now. */
int storage_token_purge(struct storage_tx *tx, time_t now);
int storage_token_add(struct storage_tx *tx, const unsigned char hash[TOKEN_HASH_LEN],
                      enum storage_token_kind kind, const char *user,
                      const unsigned char family[TOKEN_BYTES], time_t expires);
int storage_token_get(struct storage_tx *tx, const unsigned char hash[TOKEN_HASH_LEN],
                      enum storage_token_kind kind, struct storage_token *out, int *found);
int storage_token_mark_used(struct storage_tx *tx, const unsigned char hash[TOKEN_HASH_LEN]);
/* Sets *n to the number of tokens removed. */
int storage_token_delete(struct storage_tx *tx, const unsigned char hash[TOKEN_HASH_LEN],
                         long long *n);
int storage_token_delete_family(struct storage_tx *tx, const unsigned char family[TOKEN_BYTES],
                                long long *n);

/* --- the change feed ------------------------------------------------------ */

/*
 * One row per item in its latest state; putting an item replaces its row
 * with one at a higher sequence number (seq), so "the rows after seq S" are
 * every change since S, each item once.  A deleted item keeps a row without
 * data (a tombstone) until compaction removes it; the highest seq removed
 * so far is the horizon.
 */
struct storage_item {
	const char *type;
	const char *id;
	const char *user;         /* audience: one resident ... */
	const char *municipality; /* ... or one municipality; both NULL: everyone */
	int deleted;
	const char *data; /* JSON text; NULL when deleted */
	time_t changed;
};

/* A row as read back; every string is newly allocated (storage_row_release). */
struct storage_row {
	long long seq;
	char *type;
	char *id;
	char *user;
	char *municipality;
	int deleted;
	char *data;
	size_t data_len;
	time_t changed;
};

void storage_row_release(struct storage_row *r);

/* Gives the next number for ids of type (1, 2, ...; never reused). */
int storage_feed_next_id(struct storage_tx *tx, const char *type, long long *n);
/* Puts the item's latest state (replacing its previous row). */
int storage_feed_put(struct storage_tx *tx, const struct storage_item *it);
/* Sets *seq to the highest seq of the rows addressed to exactly this
 * audience (user, or municipality, or both NULL: everyone's), 0 for none. */
int storage_feed_last(struct storage_tx *tx, const char *user, const char *municipality,
                      long long *seq);
/* Reads the row of one item, deleted or not. */
int storage_feed_get(struct storage_tx *tx, const char *type, const char *id,
                     struct storage_row *out, int *found);
/* A number that tells this feed's history from any other: the same for
 * the life of the storage, new when it is created again (so that a seq
 * never means two things under one epoch). */
int storage_feed_epoch(struct storage_tx *tx, long long *epoch);
/* The highest seq given out so far (0 for none) and the horizon. */
int storage_feed_top(struct storage_tx *tx, long long *top);
int storage_feed_horizon(struct storage_tx *tx, long long *horizon);

/* Called for each row of a page, in seq order; the row is only lent.
 * Returns 0 to go on, 1 to stop before this row (it is not taken). */
typedef int (*storage_row_fn)(void *arg, const struct storage_row *r);
/* Reads the rows after seq that u may see (their own, their municipality's,
 * everyone's), at most limit, and sets *has_more when one more row was
 * there (or fn stopped). */
int storage_feed_page(struct storage_tx *tx, const struct user *u, long long after, long limit,
                      storage_row_fn fn, void *arg, int *has_more);
int storage_feed_count(struct storage_tx *tx, long long *n);
/* Removes the tombstones changed at or before before and raises the horizon;
 * sets *removed. */
int storage_feed_compact(struct storage_tx *tx, time_t before, long long *removed);

/* --- idempotency keys (POST /v1/applications) ----------------------------- */

#define STORAGE_FINGERPRINT_LEN 32

struct storage_idem {
	unsigned char fingerprint[STORAGE_FINGERPRINT_LEN];
	time_t created;
	int done;   /* 0: the first request is still being handled */
	int status; /* when done: the answer */
	char *body; /* when done; newly allocated */
	char *location;
};

void storage_idem_release(struct storage_idem *i);
int storage_idem_get(struct storage_tx *tx, const char *user, const char *key,
                     struct storage_idem *out, int *found);
/* Records the key as in flight (replacing any row it had). */
int storage_idem_put(struct storage_tx *tx, const char *user, const char *key,
                     const unsigned char fingerprint[STORAGE_FINGERPRINT_LEN], time_t created);
/* Records the answer of the request that holds the key. */
int storage_idem_finish(struct storage_tx *tx, const char *user, const char *key, int status,
                        const char *body, const char *location);
int storage_idem_delete(struct storage_tx *tx, const char *user, const char *key);
/* Forgets keys still in flight that were taken before open_before, and
 * answered ones taken before done_before. */
int storage_idem_purge(struct storage_tx *tx, time_t open_before, time_t done_before);

/* --- client error reports ---------------------------------------------------- */

struct storage_report {
	time_t received;
	const char *program;
	const char *version;
	const char *kind;
	const char *code;
	const char *os;
	const char *occurred; /* may be NULL */
	const char *message;  /* may be NULL */
};

/* Adds a report and keeps only the newest keep reports. */
int storage_report_add(struct storage_tx *tx, const struct storage_report *r, long keep);
int storage_report_count(struct storage_tx *tx, long long *n);

#endif
