/*
 * store: the client's local SQLite store, shared by mynad (the only writer of
 * synced data) and myna (which writes only user intent: read marks, done
 * marks, settings, drafts, outbox).  WAL mode, a busy timeout, numbered
 * migrations (PRAGMA user_version), prepared statements only.
 *
 * Functions return 0 on success and -1 on failure; the reason is kept and
 * returned by store_error() (owned by the store, valid until the next call).
 * Lists are returned as arrays that the caller frees with the matching
 * _free function; freeing NULL is a no-op.
 */
#ifndef MYNA_STORE_H
#define MYNA_STORE_H

#include <stddef.h>
#include <time.h>

#include "wire.h"

struct store;

struct store_notice {
	struct wire_notice n;
	time_t		   published;	/* parsed n.published, 0 if unknown */
	int		   read;
};

struct store_deadline {
	struct wire_deadline d;
	time_t		     due;	/* parsed d.due */
	int		     done;
};

/* Opens (creating and migrating) the store at path; the parent directory is
 * created.  Returns 0, or -1 with a newly allocated reason in *cause. */
int store_open(const char *path, struct store **out, char **cause);
/* Closes the store; store_close(NULL) is a no-op. */
void store_close(struct store *s);
const char *store_error(struct store *s);

/* Transactions: begin takes the write lock at once (BEGIN IMMEDIATE). */
int store_begin(struct store *s);
int store_commit(struct store *s);
int store_rollback(struct store *s);

/* Small key/value state (sync cursor, last sync time).  *value is newly
 * allocated, or NULL when key is absent. */
int store_meta_get(struct store *s, const char *key, char **value);
int store_meta_set(struct store *s, const char *key, const char *value);
/* Removes key (absent is not an error); store_meta_set with value NULL does
 * the same. */
int store_meta_delete(struct store *s, const char *key);

/* Synced data.  Upserts keep local state (read, done). */
int store_notice_upsert(struct store *s, const struct wire_notice *n);
int store_notice_delete(struct store *s, const char *id);
int store_deadline_upsert(struct store *s, const struct wire_deadline *d);
int store_deadline_delete(struct store *s, const char *id);
/* Removes all synced items but keeps local-only state (for a full resync):
 * the read and done marks of the removed items come back with them, and
 * reminders_sent is untouched.  Runs in the caller's transaction if one is
 * open, else in its own. */
int store_clear_synced(struct store *s);
/* Sets *known to 1 when the item is in the store, or was until
 * store_clear_synced removed it (so that a full resync does not announce
 * old items as new), else 0. */
int store_notice_known(struct store *s, const char *id, int *known);
int store_deadline_known(struct store *s, const char *id, int *known);

/* Notices, newest first. */
int store_notices_list(struct store *s, struct store_notice **out, size_t *n);
void store_notices_free(struct store_notice *v, size_t n);
/* Looks one up; returns 0 and sets *found to 0 or 1. */
int store_notice_get(struct store *s, const char *id, struct store_notice *out, int *found);
void store_notice_release(struct store_notice *n);
int store_notice_mark_read(struct store *s, const char *id, int read);

/* Deadlines by due date, earliest first; open_only leaves out done ones. */
int store_deadlines_list(struct store *s, int open_only, struct store_deadline **out, size_t *n);
void store_deadlines_free(struct store_deadline *v, size_t n);
int store_deadline_get(struct store *s, const char *id, struct store_deadline *out, int *found);
void store_deadline_release(struct store_deadline *d);
/* Sets *changed to 1 when a deadline with that id existed. */
int store_deadline_set_done(struct store *s, const char *id, int done, int *changed);

/* reminders_sent: each (deadline, offset in days) at most once ever. */
int store_reminder_sent(struct store *s, const char *deadline_id, int offset, int *sent);
int store_reminder_mark(struct store *s, const char *deadline_id, int offset, time_t at);

/* PRAGMA data_version: changes when another connection commits. */
int store_data_version(struct store *s, long long *version);

#endif
