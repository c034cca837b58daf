#include "db.h"

#include <pthread.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "mem.h"

#define DB_STMT_MAX 128

struct db_cached {
	const char *sql;
	sqlite3_stmt *st;
};

struct db {
	sqlite3 *conn;
	pthread_mutex_t mutex;
	struct db_cached cache[DB_STMT_MAX];
	size_t ncache;
};

/*
 * Migration N (1-based) brings user_version from N-1 to N.  Never edit a
 * released migration; add a new one.
 */
static const char *const db_migrations[] = {
        /* 1: users, sign-in state, the change feed. */
        "CREATE TABLE users ("
        "  id TEXT PRIMARY KEY,"
        "  municipality TEXT NOT NULL,"
        "  name TEXT NOT NULL,"
        "  created INTEGER NOT NULL);"
        "CREATE INDEX users_municipality ON users(municipality);"
        /* state: 0 pending, 1 approved, 2 denied, 3 consumed. */
        "CREATE TABLE device_codes ("
        "  id INTEGER PRIMARY KEY,"
        "  code_hash BLOB NOT NULL UNIQUE,"
        "  user_code TEXT NOT NULL UNIQUE,"
        "  expires INTEGER NOT NULL,"
        "  interval INTEGER NOT NULL,"
        "  last_poll_ms INTEGER,"
        "  user_id TEXT REFERENCES users(id) ON DELETE CASCADE,"
        "  state INTEGER NOT NULL DEFAULT 0);"
        "CREATE INDEX device_codes_expires ON device_codes(expires);"
        /* kind: 0 access, 1 refresh.  used: a rotated refresh token, kept
         * until it expires so that its reuse can be noticed. */
        "CREATE TABLE tokens ("
        "  hash BLOB PRIMARY KEY,"
        "  kind INTEGER NOT NULL,"
        "  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
        "  family BLOB NOT NULL,"
        "  expires INTEGER NOT NULL,"
        "  used INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;"
        "CREATE INDEX tokens_expires ON tokens(expires);"
        "CREATE INDEX tokens_family ON tokens(family);"
        "CREATE TABLE item_ids ("
        "  type TEXT PRIMARY KEY,"
        "  last INTEGER NOT NULL) WITHOUT ROWID;"
        /* One row per item in its latest state; a change deletes the old row
         * and inserts a new one, so seq orders items by their last change. */
        "CREATE TABLE feed ("
        "  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
        "  type TEXT NOT NULL,"
        "  item_id TEXT NOT NULL,"
        "  user_id TEXT,"
        "  municipality TEXT,"
        "  deleted INTEGER NOT NULL DEFAULT 0,"
        "  data TEXT,"
        "  UNIQUE (type, item_id));"
        "CREATE INDEX feed_user ON feed(user_id, seq);"
        "CREATE INDEX feed_municipality ON feed(municipality, seq);",
        /* 2: compaction of tombstones, idempotency keys, client reports. */
        "ALTER TABLE feed ADD COLUMN changed INTEGER NOT NULL DEFAULT 0;"
        "CREATE INDEX feed_tombstones ON feed(changed) WHERE deleted = 1;"
        "CREATE TABLE meta ("
        "  key TEXT PRIMARY KEY,"
        "  value INTEGER NOT NULL) WITHOUT ROWID;"
        /* done 0: the first request with the key is still being handled. */
        "CREATE TABLE idempotency ("
        "  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
        "  key TEXT NOT NULL,"
        "  fingerprint BLOB NOT NULL,"
        "  created INTEGER NOT NULL,"
        "  done INTEGER NOT NULL DEFAULT 0,"
        "  status INTEGER,"
        "  body TEXT,"
        "  location TEXT,"
        "  PRIMARY KEY (user_id, key)) WITHOUT ROWID;"
        "CREATE INDEX idempotency_created ON idempotency(created);"
        "CREATE TABLE client_reports ("
        "  id INTEGER PRIMARY KEY,"
        "  received INTEGER NOT NULL,"
        "  program TEXT NOT NULL,"
        "  version TEXT NOT NULL,"
        "  kind TEXT NOT NULL,"
        "  code TEXT NOT NULL,"
        "  os TEXT,"
        "  occurred TEXT,"
        "  message TEXT);",
};

#define DB_VERSION ((int)(sizeof db_migrations / sizeof db_migrations[0]))

static int
db_exec_one(sqlite3 *conn, const char *sql)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(conn, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		;
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Runs every statement of a multi-statement script, each prepared in turn. */
static int
db_exec_script(sqlite3 *conn, const char *sql)
{
	const char *tail = sql;

	while (*tail != '\0') {
		sqlite3_stmt *st = NULL;
		const char *next = NULL;
		int rc;

		if (sqlite3_prepare_v2(conn, tail, -1, &st, &next) != SQLITE_OK)
			return -1;
		if (st == NULL) /* only blanks or comments were left */
			break;
		while ((rc = sqlite3_step(st)) == SQLITE_ROW)
			;
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			return -1;
		tail = next;
	}
	return 0;
}

static int
db_user_version(sqlite3 *conn, int *version)
{
	sqlite3_stmt *st = NULL;
	int ret = -1;

	if (sqlite3_prepare_v2(conn, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		goto out;
	if (sqlite3_step(st) != SQLITE_ROW)
		goto out;
	*version = sqlite3_column_int(st, 0);
	ret = 0;
out:
	sqlite3_finalize(st);
	return ret;
}

static int
db_migrate(sqlite3 *conn, char **cause)
{
	int version = 0;
	int i;

	if (db_user_version(conn, &version) != 0) {
		*cause = xasprintf(_("cannot read the schema version: %s"), sqlite3_errmsg(conn));
		return -1;
	}
	if (version > DB_VERSION) {
		*cause = xasprintf(_("the database has schema version %d but this "
		                     "myna-bff knows only up to %d: use a newer myna-bff"),
		                   version, DB_VERSION);
		return -1;
	}
	for (i = version; i < DB_VERSION; i++) {
		char pragma[64];

		/* PRAGMA takes no parameters; the number is our own. */
		snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", i + 1);
		if (db_exec_one(conn, "BEGIN IMMEDIATE") != 0)
			goto fail;
		if (db_exec_script(conn, db_migrations[i]) != 0 || db_exec_one(conn, pragma) != 0 ||
		    db_exec_one(conn, "COMMIT") != 0) {
			*cause = xasprintf(_("migration %d failed: %s"), i + 1,
			                   sqlite3_errmsg(conn));
			db_exec_one(conn, "ROLLBACK");
			return -1;
		}
	}
	return 0;
fail:
	*cause = xasprintf(_("migration %d failed: %s"), i + 1, sqlite3_errmsg(conn));
	return -1;
}

/* Opens a connection; reader 1 makes it refuse to write and skips the
 * migrations (the writer's connection has done them). */
static int
db_open_conn(const char *path, int reader, struct db **out, char **cause)
{
	struct db *db = xcalloc(1, sizeof *db);
	int flags = SQLITE_OPEN_READWRITE | (reader ? 0 : SQLITE_OPEN_CREATE) | SQLITE_OPEN_NOMUTEX;

	*out = NULL;
	pthread_mutex_init(&db->mutex, NULL);
	if (sqlite3_open_v2(path, &db->conn, flags, NULL) != SQLITE_OK) {
		*cause =
		        xasprintf(_("cannot open the database %s: %s"), path,
		                  db->conn != NULL ? sqlite3_errmsg(db->conn) : _("out of memory"));
		goto fail;
	}
	sqlite3_busy_timeout(db->conn, DB_BUSY_TIMEOUT_MS);
	if ((!reader && db_exec_one(db->conn, "PRAGMA journal_mode = WAL") != 0) ||
	    db_exec_one(db->conn, "PRAGMA synchronous = NORMAL") != 0 ||
	    db_exec_one(db->conn, "PRAGMA foreign_keys = ON") != 0 ||
	    (reader && db_exec_one(db->conn, "PRAGMA query_only = ON") != 0)) {
		*cause = xasprintf(_("cannot set up the database %s: %s"), path,
		                   sqlite3_errmsg(db->conn));
		goto fail;
	}
	if (!reader && db_migrate(db->conn, cause) != 0)
		goto fail;
	*out = db;
	return 0;
fail:
	db_close(db);
	return -1;
}

int
db_open(const char *path, struct db **out, char **cause)
{
	return db_open_conn(path, 0, out, cause);
}

int
db_open_reader(const char *path, struct db **out, char **cause)
{
	return db_open_conn(path, 1, out, cause);
}

void
db_close(struct db *db)
{
	size_t i;

	if (db == NULL)
		return;
	for (i = 0; i < db->ncache; i++)
		sqlite3_finalize(db->cache[i].st);
	sqlite3_close(db->conn);
	pthread_mutex_destroy(&db->mutex);
	free(db);
}

void
db_lock(struct db *db)
{
	pthread_mutex_lock(&db->mutex);
}

int
db_trylock(struct db *db)
{
	return pthread_mutex_trylock(&db->mutex) == 0 ? 0 : -1;
}

void
db_unlock(struct db *db)
{
	size_t i;

	/* A statement left mid-step would hold its read transaction open. */
	for (i = 0; i < db->ncache; i++)
		if (sqlite3_stmt_busy(db->cache[i].st))
			sqlite3_reset(db->cache[i].st);
	pthread_mutex_unlock(&db->mutex);
}

sqlite3_stmt *
db_stmt(struct db *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	size_t i;

	/* The SQL is a literal, so its address finds it; the text is the
	 * fallback for the same statement written twice. */
	for (i = 0; i < db->ncache; i++)
		if (db->cache[i].sql == sql)
			break;
	for (size_t k = 0; i == db->ncache && k < db->ncache; k++)
		if (strcmp(db->cache[k].sql, sql) == 0)
			i = k;
	if (i < db->ncache) {
		st = db->cache[i].st;
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		return st;
	}
	if (sqlite3_prepare_v3(db->conn, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) !=
	    SQLITE_OK)
		return NULL;
	if (db->ncache == DB_STMT_MAX) {
		/* More distinct statements than the program has: a bug, but not
		 * one worth failing a request for. */
		sqlite3_finalize(st);
		return NULL;
	}
	db->cache[db->ncache].sql = sql;
	db->cache[db->ncache].st = st;
	db->ncache++;
	return st;
}

int
db_begin(struct db *db)
{
	sqlite3_stmt *st = db_stmt(db, "BEGIN IMMEDIATE");

	return st != NULL ? db_done(st) : -1;
}

int
db_begin_read(struct db *db)
{
	sqlite3_stmt *st = db_stmt(db, "BEGIN DEFERRED");

	return st != NULL ? db_done(st) : -1;
}

int
db_commit(struct db *db)
{
	sqlite3_stmt *st = db_stmt(db, "COMMIT");

	return st != NULL ? db_done(st) : -1;
}

int
db_rollback(struct db *db)
{
	sqlite3_stmt *st = db_stmt(db, "ROLLBACK");

	if (sqlite3_get_autocommit(db->conn))
		return 0;
	return st != NULL ? db_done(st) : -1;
}

const char *
db_error(struct db *db)
{
	return sqlite3_errmsg(db->conn);
}

int
db_ping(struct db *db)
{
	sqlite3_stmt *st;
	int ret = -1;

	db_lock(db);
	st = db_stmt(db, "SELECT count(*) FROM sqlite_master");
	if (st != NULL && sqlite3_step(st) == SQLITE_ROW)
		ret = 0;
	db_unlock(db);
	return ret;
}

int
db_done(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
db_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s == NULL)
		return sqlite3_bind_null(st, i) == SQLITE_OK ? 0 : -1;
	return sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC) == SQLITE_OK ? 0 : -1;
}
