/*
 * db: the server's own SQLite database.  WAL mode, a busy timeout, foreign
 * keys on, schema changes by numbered migrations (PRAGMA user_version).
 *
 * A struct db is one connection with its lock and its cache of prepared
 * statements.  A caller takes the lock (db_lock), gets cached prepared
 * statements with db_stmt, steps them, and releases the lock (db_unlock),
 * which also resets every statement it used.  A statement from db_stmt is
 * valid only while the lock is held.  One connection writes (db_open,
 * which also migrates); keeping one writer at a time is what SQLite does
 * anyway, and the lock makes a read-check-write sequence (BEGIN IMMEDIATE
 * ... COMMIT) atomic.  Readers (db_open_reader) run beside it and beside
 * each other, each in its own snapshot (WAL).
 */
#ifndef MYNA_DB_H
#define MYNA_DB_H

#include <sqlite3.h>

#define DB_BUSY_TIMEOUT_MS 5000

struct db;

/* Opens (creating and migrating) the database at path.  Returns 0, or -1
 * with a newly allocated reason in *cause. */
int db_open(const char *path, struct db **out, char **cause);
/* Opens another connection to a database that db_open has set up, for
 * reading only (PRAGMA query_only). */
int db_open_reader(const char *path, struct db **out, char **cause);
/* Closes the database; db_close(NULL) is a no-op.  No lock may be held. */
void db_close(struct db *db);

void db_lock(struct db *db);
/* Takes the lock when it is free: 0, else -1 at once. */
int db_trylock(struct db *db);
void db_unlock(struct db *db);

/* Returns the cached, reset statement for sql (a string literal: it is
 * also the cache key), preparing it on first use; NULL on error (see
 * db_error).  The lock must be held. */
sqlite3_stmt *db_stmt(struct db *db, const char *sql);

/* BEGIN IMMEDIATE / BEGIN DEFERRED (a read transaction) / COMMIT /
 * ROLLBACK.  Return 0 or -1.  Lock held. */
int db_begin(struct db *db);
int db_begin_read(struct db *db);
int db_commit(struct db *db);
int db_rollback(struct db *db);

/* The last SQLite error message (owned by the connection).  Lock held. */
const char *db_error(struct db *db);

/* Returns 0 when the database answers a trivial query, else -1. */
int db_ping(struct db *db);

/* Helpers for the common step patterns.  Lock held. */
/* Steps st once and expects SQLITE_DONE.  Returns 0 or -1. */
int db_done(sqlite3_stmt *st);
/* Binds text (NULL binds SQL NULL); the string must outlive the step. */
int db_bind_text(sqlite3_stmt *st, int i, const char *s);

#endif
