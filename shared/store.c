/*
 * store: the client's local SQLite store (see store.h).
 *
 * The schema changes only through the numbered migrations below; the
 * database's PRAGMA user_version says how many have run.  Statements are
 * prepared on first use and kept until store_close.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "date.h"
#include "i18n.h"
#include "mem.h"
#include "paths.h"
#include "store.h"

#define STORE_BUSY_TIMEOUT 5000	/* ms to wait for another writer */

/*
 * Migrations, in order; migration i brings user_version from i to i + 1.
 * Never edit one that has shipped: add a new one.
 *
 * cleared_items keeps, for items removed by store_clear_synced, whether
 * they were read or done and that they had been seen, so that a full resync
 * neither resets those marks nor announces old items as new.
 * reminders_sent has no foreign key on purpose: a reminder once sent stays
 * sent even when its deadline is removed and comes back.
 */
static const char *const store_migrations[] = {
	/* 1: the first schema. */
	"CREATE TABLE meta ("
	"  key   TEXT PRIMARY KEY,"
	"  value TEXT NOT NULL"
	");"
	"CREATE TABLE notices ("
	"  id           TEXT PRIMARY KEY,"
	"  title_ja     TEXT,"
	"  title_en     TEXT,"
	"  body_ja      TEXT,"
	"  body_en      TEXT,"
	"  sender_ja    TEXT,"
	"  sender_en    TEXT,"
	"  published    TEXT,"
	"  published_ts INTEGER,"
	"  read         INTEGER NOT NULL DEFAULT 0"
	");"
	"CREATE INDEX notices_published ON notices(published_ts DESC, id);"
	"CREATE TABLE deadlines ("
	"  id        TEXT PRIMARY KEY,"
	"  title_ja  TEXT,"
	"  title_en  TEXT,"
	"  due       TEXT,"
	"  due_ts    INTEGER,"
	"  procedure TEXT,"
	"  done      INTEGER NOT NULL DEFAULT 0"
	");"
	"CREATE INDEX deadlines_due ON deadlines(due_ts, id);"
	"CREATE TABLE reminders_sent ("
	"  deadline_id TEXT NOT NULL,"
	"  offset_days INTEGER NOT NULL,"
	"  sent_at     INTEGER NOT NULL,"
	"  PRIMARY KEY (deadline_id, offset_days)"
	");"
	"CREATE TABLE cleared_items ("
	"  kind  TEXT NOT NULL,"
	"  id    TEXT NOT NULL,"
	"  state INTEGER NOT NULL DEFAULT 0,"
	"  PRIMARY KEY (kind, id)"
	");",
};

#define STORE_SCHEMA_VERSION ((int)(sizeof store_migrations / sizeof store_migrations[0]))

enum store_stmt {
	ST_BEGIN,
	ST_COMMIT,
	ST_ROLLBACK,
	ST_META_GET,
	ST_META_SET,
	ST_META_DELETE,
	ST_NOTICE_UPSERT,
	ST_NOTICE_DELETE,
	ST_NOTICE_LIST,
	ST_NOTICE_GET,
	ST_NOTICE_READ,
	ST_NOTICE_KNOWN,
	ST_DEADLINE_UPSERT,
	ST_DEADLINE_DELETE,
	ST_DEADLINE_LIST,
	ST_DEADLINE_LIST_OPEN,
	ST_DEADLINE_GET,
	ST_DEADLINE_DONE,
	ST_DEADLINE_KNOWN,
	ST_CLEARED_FORGET,
	ST_CLEAR_KEEP_NOTICES,
	ST_CLEAR_KEEP_DEADLINES,
	ST_CLEAR_NOTICES,
	ST_CLEAR_DEADLINES,
	ST_REMINDER_SENT,
	ST_REMINDER_MARK,
	ST_DATA_VERSION,
	ST_COUNT
};

#define NOTICE_COLUMNS \
	"id, title_ja, title_en, body_ja, body_en, sender_ja, sender_en, " \
	"published, published_ts, read"
#define DEADLINE_COLUMNS "id, title_ja, title_en, due, due_ts, procedure, done"

static const char *const store_sql[ST_COUNT] = {
	[ST_BEGIN] = "BEGIN IMMEDIATE",
	[ST_COMMIT] = "COMMIT",
	[ST_ROLLBACK] = "ROLLBACK",
	[ST_META_GET] = "SELECT value FROM meta WHERE key = ?1",
	[ST_META_SET] = "INSERT INTO meta(key, value) VALUES (?1, ?2) "
			"ON CONFLICT(key) DO UPDATE SET value = excluded.value",
	[ST_META_DELETE] = "DELETE FROM meta WHERE key = ?1",
	[ST_NOTICE_UPSERT] =
		"INSERT INTO notices(" NOTICE_COLUMNS ") VALUES "
		"(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
		" COALESCE((SELECT state FROM cleared_items"
		"           WHERE kind = 'notice' AND id = ?1), 0)) "
		"ON CONFLICT(id) DO UPDATE SET "
		"title_ja = excluded.title_ja, title_en = excluded.title_en, "
		"body_ja = excluded.body_ja, body_en = excluded.body_en, "
		"sender_ja = excluded.sender_ja, sender_en = excluded.sender_en, "
		"published = excluded.published, published_ts = excluded.published_ts",
	[ST_NOTICE_DELETE] = "DELETE FROM notices WHERE id = ?1",
	[ST_NOTICE_LIST] = "SELECT " NOTICE_COLUMNS " FROM notices "
			   "ORDER BY published_ts DESC, id",
	[ST_NOTICE_GET] = "SELECT " NOTICE_COLUMNS " FROM notices WHERE id = ?1",
	[ST_NOTICE_READ] = "UPDATE notices SET read = ?2 WHERE id = ?1",
	[ST_NOTICE_KNOWN] = "SELECT EXISTS(SELECT 1 FROM notices WHERE id = ?1) OR "
			    "EXISTS(SELECT 1 FROM cleared_items WHERE kind = 'notice' AND id = ?1)",
	[ST_DEADLINE_UPSERT] =
		"INSERT INTO deadlines(" DEADLINE_COLUMNS ") VALUES "
		"(?1, ?2, ?3, ?4, ?5, ?6, "
		" COALESCE((SELECT state FROM cleared_items"
		"           WHERE kind = 'deadline' AND id = ?1), 0)) "
		"ON CONFLICT(id) DO UPDATE SET "
		"title_ja = excluded.title_ja, title_en = excluded.title_en, "
		"due = excluded.due, due_ts = excluded.due_ts, "
		"procedure = excluded.procedure",
	[ST_DEADLINE_DELETE] = "DELETE FROM deadlines WHERE id = ?1",
	[ST_DEADLINE_LIST] = "SELECT " DEADLINE_COLUMNS " FROM deadlines ORDER BY due_ts, id",
	[ST_DEADLINE_LIST_OPEN] = "SELECT " DEADLINE_COLUMNS " FROM deadlines "
				  "WHERE done = 0 ORDER BY due_ts, id",
	[ST_DEADLINE_GET] = "SELECT " DEADLINE_COLUMNS " FROM deadlines WHERE id = ?1",
	[ST_DEADLINE_DONE] = "UPDATE deadlines SET done = ?2 WHERE id = ?1",
	[ST_DEADLINE_KNOWN] = "SELECT EXISTS(SELECT 1 FROM deadlines WHERE id = ?1) OR "
			      "EXISTS(SELECT 1 FROM cleared_items WHERE kind = 'deadline' AND id = ?1)",
	/* A mark set by the user on a present item replaces a remembered one. */
	[ST_CLEARED_FORGET] = "DELETE FROM cleared_items WHERE kind = ?1 AND id = ?2",
	[ST_CLEAR_KEEP_NOTICES] = "INSERT INTO cleared_items(kind, id, state) "
				  "SELECT 'notice', id, read FROM notices WHERE true "
				  "ON CONFLICT(kind, id) DO UPDATE SET state = excluded.state",
	[ST_CLEAR_KEEP_DEADLINES] = "INSERT INTO cleared_items(kind, id, state) "
				    "SELECT 'deadline', id, done FROM deadlines WHERE true "
				    "ON CONFLICT(kind, id) DO UPDATE SET state = excluded.state",
	[ST_CLEAR_NOTICES] = "DELETE FROM notices",
	[ST_CLEAR_DEADLINES] = "DELETE FROM deadlines",
	[ST_REMINDER_SENT] = "SELECT 1 FROM reminders_sent "
			     "WHERE deadline_id = ?1 AND offset_days = ?2",
	[ST_REMINDER_MARK] = "INSERT INTO reminders_sent(deadline_id, offset_days, sent_at) "
			     "VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
	[ST_DATA_VERSION] = "PRAGMA data_version",
};

struct store {
	sqlite3	     *db;
	char	     *path;
	char	     *error;
	int	      damaged;	/* SQLite found the file corrupt */
	sqlite3_stmt *stmt[ST_COUNT];
};

/* Replaces the kept reason with a formatted one; returns -1 for the caller
 * to pass on. */
static int __attribute__((format(printf, 2, 3)))
store_fail(struct store *s, const char *fmt, ...)
{
	va_list ap;
	char *msg = NULL;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	free(s->error);
	s->error = msg ? msg : xstrdup(_("out of memory"));
	return -1;
}

/* Notes whether SQLite's last error says the file is damaged. */
static void
store_check_damage(struct store *s)
{
	int code = sqlite3_errcode(s->db) & 0xff;

	if (code == SQLITE_NOTADB || code == SQLITE_CORRUPT)
		s->damaged = 1;
}

/* Records SQLite's reason for the failure of what. */
static int
store_db_fail(struct store *s, const char *what)
{
	store_check_damage(s);
	return store_fail(s, _("store %s: %s: %s"), s->path, what, sqlite3_errmsg(s->db));
}

/* Returns the statement for id, prepared on first use and reset for reuse;
 * NULL when it cannot be prepared (the reason is kept). */
static sqlite3_stmt *
store_stmt(struct store *s, enum store_stmt id)
{
	sqlite3_stmt *st = s->stmt[id];

	if (st != NULL) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		return st;
	}
	if (sqlite3_prepare_v3(s->db, store_sql[id], -1, SQLITE_PREPARE_PERSISTENT, &st,
			       NULL) != SQLITE_OK) {
		store_db_fail(s, _("preparing a statement"));
		return NULL;
	}
	s->stmt[id] = st;
	return st;
}

/* Binds text, or NULL when t is NULL. */
static int
store_bind_text(sqlite3_stmt *st, int i, const char *t)
{
	if (t == NULL)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_text(st, i, t, -1, SQLITE_TRANSIENT);
}

/* Runs st to completion (a statement that returns no rows). */
static int
store_done(struct store *s, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return store_db_fail(s, what);
	return 0;
}

/* Runs a statement whose only parameter is one text value. */
static int
store_exec1(struct store *s, enum store_stmt id, const char *arg, const char *what)
{
	sqlite3_stmt *st = store_stmt(s, id);

	if (st == NULL)
		return -1;
	if (arg != NULL && store_bind_text(st, 1, arg) != SQLITE_OK)
		return store_db_fail(s, what);
	return store_done(s, st, what);
}

/* Returns a copy of column i, or NULL when it is NULL. */
static char *
store_column_text(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t ? xstrdup((const char *)t) : NULL;
}

/* Reads the single integer a pragma answers. */
static int
store_pragma_int(struct store *s, const char *sql, int *out)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return store_db_fail(s, sql);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		store_db_fail(s, sql);
		sqlite3_finalize(st);
		return -1;
	}
	*out = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_finalize(st);
	return 0;
}

/* Runs constant SQL (pragmas and migrations: no parameters, nothing from
 * outside). */
static int
store_exec(struct store *s, const char *sql)
{
	char *err = NULL;

	if (sqlite3_exec(s->db, sql, NULL, NULL, &err) != SQLITE_OK) {
		store_check_damage(s);
		store_fail(s, _("store %s: %s"), s->path, err ? err : sqlite3_errmsg(s->db));
		sqlite3_free(err);
		return -1;
	}
	return 0;
}

/* Brings the schema up to date, one migration per transaction, and refuses
 * a store written by a newer version (which we could only damage). */
static int
store_migrate(struct store *s)
{
	char bump[64];
	int version;

	for (;;) {
		if (store_pragma_int(s, "PRAGMA user_version", &version) < 0)
			return -1;
		if (version > STORE_SCHEMA_VERSION)
			return store_fail(s,
					  _("store %s was written by a newer version of myna "
					    "(schema %d; this version knows up to %d): "
					    "update myna, or move the file away to start afresh"),
					  s->path, version, STORE_SCHEMA_VERSION);
		if (version == STORE_SCHEMA_VERSION)
			return 0;
		if (store_exec(s, "BEGIN IMMEDIATE") < 0)
			return -1;
		/* Another process may have migrated while we waited for the lock. */
		if (store_pragma_int(s, "PRAGMA user_version", &version) < 0)
			goto fail;
		if (version >= STORE_SCHEMA_VERSION) {
			store_exec(s, "ROLLBACK");
			continue;
		}
		snprintf(bump, sizeof bump, "PRAGMA user_version = %d", version + 1);
		if (store_exec(s, store_migrations[version]) < 0 || store_exec(s, bump) < 0 ||
		    store_exec(s, "COMMIT") < 0)
			goto fail;
	}
fail:
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

/* Creates the file with mode 0600 before SQLite sees it (SQLite gives its
 * -wal and -shm files the same mode). */
static int
store_create_file(struct store *s)
{
	struct stat sb;
	int fd;

	if (stat(s->path, &sb) == 0) {
		if (!S_ISREG(sb.st_mode))
			return store_fail(s, _("cannot open store %s: not a regular file"), s->path);
		return 0;
	}
	fd = open(s->path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 && errno != EEXIST)
		return store_fail(s, _("cannot create store %s: %s"), s->path, strerror(errno));
	if (fd >= 0)
		close(fd);
	return 0;
}

/* Switches to WAL, which lets the TUI read while mynad writes; SQLite
 * answers with the mode it could set. */
static int
store_wal(struct store *s)
{
	sqlite3_stmt *st = NULL;
	const char *mode;
	int rc = -1;

	if (sqlite3_prepare_v2(s->db, "PRAGMA journal_mode = WAL", -1, &st, NULL) != SQLITE_OK)
		return store_db_fail(s, _("setting WAL mode"));
	if (sqlite3_step(st) != SQLITE_ROW) {
		store_db_fail(s, _("setting WAL mode"));
		goto out;
	}
	mode = (const char *)sqlite3_column_text(st, 0);
	if (mode == NULL || strcmp(mode, "wal") != 0) {
		store_fail(s, _("store %s: cannot use WAL mode (journal mode is %s): "
				"is its folder writable?"), s->path, mode ? mode : "?");
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

/* Sets up the connection: lock waits, WAL, foreign keys, then the schema. */
static int
store_setup(struct store *s)
{
	int fk = 0;

	sqlite3_busy_timeout(s->db, STORE_BUSY_TIMEOUT);
	sqlite3_extended_result_codes(s->db, 1);
	if (store_wal(s) < 0 || store_exec(s, "PRAGMA synchronous = NORMAL") < 0 ||
	    store_exec(s, "PRAGMA foreign_keys = ON") < 0 ||
	    store_pragma_int(s, "PRAGMA foreign_keys", &fk) < 0)
		return -1;
	if (fk != 1)
		return store_fail(s, _("store %s: SQLite was built without foreign keys"), s->path);
	return store_migrate(s);
}

int
store_open(const char *path, struct store **out, char **cause)
{
	struct store *s;
	char *why = NULL;
	int rc;

	*out = NULL;
	if (paths_make_parent(path, &why) < 0) {
		*cause = xasprintf(_("cannot create the folder for store %s: %s"), path, why);
		free(why);
		return -1;
	}
	s = xcalloc(1, sizeof *s);
	s->path = xstrdup(path);
	if (store_create_file(s) < 0)
		goto fail;
	rc = sqlite3_open_v2(path, &s->db,
			     SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE,
			     NULL);
	if (rc != SQLITE_OK) {
		store_fail(s, _("cannot open store %s: %s"), path,
			   s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
		goto fail;
	}
	if (sqlite3_db_readonly(s->db, "main") == 1) {
		store_fail(s, _("cannot open store %s for writing: check its permissions"), path);
		goto fail;
	}
	if (store_setup(s) < 0)
		goto fail;
	*out = s;
	return 0;
fail:
	/* A damaged file is worth naming plainly: the synced data can always
	 * be fetched again. */
	if (s->damaged)
		*cause = xasprintf(_("%s (the file is damaged: move it away and sync again)"),
				   s->error);
	else
		*cause = xstrdup(s->error);
	store_close(s);
	return -1;
}

void
store_close(struct store *s)
{
	int i;

	if (s == NULL)
		return;
	for (i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(s->stmt[i]);
	sqlite3_close(s->db);
	free(s->path);
	free(s->error);
	free(s);
}

const char *
store_error(struct store *s)
{
	if (s == NULL || s->error == NULL)
		return _("no error");
	return s->error;
}

int
store_begin(struct store *s)
{
	return store_exec1(s, ST_BEGIN, NULL, _("starting a transaction"));
}

int
store_commit(struct store *s)
{
	return store_exec1(s, ST_COMMIT, NULL, _("committing"));
}

int
store_rollback(struct store *s)
{
	/* Nothing to undo (SQLite may have rolled back itself on an error). */
	if (sqlite3_get_autocommit(s->db))
		return 0;
	return store_exec1(s, ST_ROLLBACK, NULL, _("rolling back"));
}

int
store_meta_get(struct store *s, const char *key, char **value)
{
	sqlite3_stmt *st = store_stmt(s, ST_META_GET);
	int rc;

	*value = NULL;
	if (st == NULL)
		return -1;
	store_bind_text(st, 1, key);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*value = store_column_text(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_db_fail(s, _("reading state"));
	return 0;
}

int
store_meta_set(struct store *s, const char *key, const char *value)
{
	sqlite3_stmt *st;

	if (value == NULL)
		return store_meta_delete(s, key);
	if ((st = store_stmt(s, ST_META_SET)) == NULL)
		return -1;
	store_bind_text(st, 1, key);
	store_bind_text(st, 2, value);
	return store_done(s, st, _("saving state"));
}

int
store_meta_delete(struct store *s, const char *key)
{
	return store_exec1(s, ST_META_DELETE, key, _("removing state"));
}

/* Parses an RFC 3339 time for sorting; unknown times sort as 0. */
static long long
store_time(const char *rfc3339)
{
	time_t t;

	if (rfc3339 == NULL || date_parse(rfc3339, &t) < 0)
		return 0;
	return (long long)t;
}

int
store_notice_upsert(struct store *s, const struct wire_notice *n)
{
	sqlite3_stmt *st = store_stmt(s, ST_NOTICE_UPSERT);

	if (st == NULL)
		return -1;
	store_bind_text(st, 1, n->id);
	store_bind_text(st, 2, n->title.ja);
	store_bind_text(st, 3, n->title.en);
	store_bind_text(st, 4, n->body.ja);
	store_bind_text(st, 5, n->body.en);
	store_bind_text(st, 6, n->sender.ja);
	store_bind_text(st, 7, n->sender.en);
	store_bind_text(st, 8, n->published);
	sqlite3_bind_int64(st, 9, store_time(n->published));
	return store_done(s, st, _("saving a notice"));
}

int
store_notice_delete(struct store *s, const char *id)
{
	return store_exec1(s, ST_NOTICE_DELETE, id, _("removing a notice"));
}

int
store_deadline_upsert(struct store *s, const struct wire_deadline *d)
{
	sqlite3_stmt *st = store_stmt(s, ST_DEADLINE_UPSERT);

	if (st == NULL)
		return -1;
	store_bind_text(st, 1, d->id);
	store_bind_text(st, 2, d->title.ja);
	store_bind_text(st, 3, d->title.en);
	store_bind_text(st, 4, d->due);
	sqlite3_bind_int64(st, 5, store_time(d->due));
	store_bind_text(st, 6, d->procedure);
	return store_done(s, st, _("saving a deadline"));
}

int
store_deadline_delete(struct store *s, const char *id)
{
	return store_exec1(s, ST_DEADLINE_DELETE, id, _("removing a deadline"));
}

int
store_clear_synced(struct store *s)
{
	static const enum store_stmt steps[] = {
		ST_CLEAR_KEEP_NOTICES, ST_CLEAR_KEEP_DEADLINES,
		ST_CLEAR_NOTICES, ST_CLEAR_DEADLINES,
	};
	size_t i;
	int own = sqlite3_get_autocommit(s->db);

	/* All or nothing: inside the caller's transaction, or in our own. */
	if (own && store_begin(s) < 0)
		return -1;
	for (i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		if (store_exec1(s, steps[i], NULL, _("clearing synced data")) < 0)
			goto fail;
	}
	if (own && store_commit(s) < 0)
		goto fail;
	return 0;
fail:
	if (own)
		store_rollback(s);
	return -1;
}

/* Fills n from a row of NOTICE_COLUMNS. */
static void
store_notice_row(sqlite3_stmt *st, struct store_notice *n)
{
	memset(n, 0, sizeof *n);
	n->n.id = store_column_text(st, 0);
	n->n.title.ja = store_column_text(st, 1);
	n->n.title.en = store_column_text(st, 2);
	n->n.body.ja = store_column_text(st, 3);
	n->n.body.en = store_column_text(st, 4);
	n->n.sender.ja = store_column_text(st, 5);
	n->n.sender.en = store_column_text(st, 6);
	n->n.published = store_column_text(st, 7);
	n->published = (time_t)sqlite3_column_int64(st, 8);
	n->read = sqlite3_column_int(st, 9) != 0;
}

/* Fills d from a row of DEADLINE_COLUMNS. */
static void
store_deadline_row(sqlite3_stmt *st, struct store_deadline *d)
{
	memset(d, 0, sizeof *d);
	d->d.id = store_column_text(st, 0);
	d->d.title.ja = store_column_text(st, 1);
	d->d.title.en = store_column_text(st, 2);
	d->d.due = store_column_text(st, 3);
	d->due = (time_t)sqlite3_column_int64(st, 4);
	d->d.procedure = store_column_text(st, 5);
	d->done = sqlite3_column_int(st, 6) != 0;
}

int
store_notices_list(struct store *s, struct store_notice **out, size_t *n)
{
	sqlite3_stmt *st = store_stmt(s, ST_NOTICE_LIST);
	struct store_notice *v = NULL;
	size_t len = 0, alloc = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (len == alloc) {
			alloc = alloc ? alloc * 2 : 16;
			v = xreallocarray(v, alloc, sizeof *v);
		}
		store_notice_row(st, &v[len++]);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		store_notices_free(v, len);
		return store_db_fail(s, _("listing notices"));
	}
	*out = v;
	*n = len;
	return 0;
}

void
store_notices_free(struct store_notice *v, size_t n)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++)
		store_notice_release(&v[i]);
	free(v);
}

int
store_notice_get(struct store *s, const char *id, struct store_notice *out, int *found)
{
	sqlite3_stmt *st = store_stmt(s, ST_NOTICE_GET);
	int rc;

	memset(out, 0, sizeof *out);
	*found = 0;
	if (st == NULL)
		return -1;
	store_bind_text(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		store_notice_row(st, out);
		*found = 1;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_db_fail(s, _("reading a notice"));
	return 0;
}

void
store_notice_release(struct store_notice *n)
{
	if (n == NULL)
		return;
	wire_notice_release(&n->n);
	n->published = 0;
	n->read = 0;
}

/* Sets a user mark (read, done) on the item kind/id with statement id;
 * *changed says whether the item exists. */
static int
store_mark(struct store *s, enum store_stmt id, const char *kind, const char *item, int value,
	   int *changed)
{
	sqlite3_stmt *st = store_stmt(s, id);

	*changed = 0;
	if (st == NULL)
		return -1;
	store_bind_text(st, 1, item);
	sqlite3_bind_int(st, 2, value != 0);
	if (store_done(s, st, _("saving a mark")) < 0)
		return -1;
	*changed = sqlite3_changes(s->db) > 0;
	if (!*changed)
		return 0;
	if ((st = store_stmt(s, ST_CLEARED_FORGET)) == NULL)
		return -1;
	store_bind_text(st, 1, kind);
	store_bind_text(st, 2, item);
	return store_done(s, st, _("saving a mark"));
}

int
store_notice_mark_read(struct store *s, const char *id, int read)
{
	int changed;

	return store_mark(s, ST_NOTICE_READ, "notice", id, read, &changed);
}

int
store_deadlines_list(struct store *s, int open_only, struct store_deadline **out, size_t *n)
{
	sqlite3_stmt *st = store_stmt(s, open_only ? ST_DEADLINE_LIST_OPEN : ST_DEADLINE_LIST);
	struct store_deadline *v = NULL;
	size_t len = 0, alloc = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (len == alloc) {
			alloc = alloc ? alloc * 2 : 16;
			v = xreallocarray(v, alloc, sizeof *v);
		}
		store_deadline_row(st, &v[len++]);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		store_deadlines_free(v, len);
		return store_db_fail(s, _("listing deadlines"));
	}
	*out = v;
	*n = len;
	return 0;
}

void
store_deadlines_free(struct store_deadline *v, size_t n)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++)
		store_deadline_release(&v[i]);
	free(v);
}

int
store_deadline_get(struct store *s, const char *id, struct store_deadline *out, int *found)
{
	sqlite3_stmt *st = store_stmt(s, ST_DEADLINE_GET);
	int rc;

	memset(out, 0, sizeof *out);
	*found = 0;
	if (st == NULL)
		return -1;
	store_bind_text(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		store_deadline_row(st, out);
		*found = 1;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_db_fail(s, _("reading a deadline"));
	return 0;
}

void
store_deadline_release(struct store_deadline *d)
{
	if (d == NULL)
		return;
	wire_deadline_release(&d->d);
	d->due = 0;
	d->done = 0;
}

int
store_deadline_set_done(struct store *s, const char *id, int done, int *changed)
{
	int dummy;

	return store_mark(s, ST_DEADLINE_DONE, "deadline", id, done,
			  changed ? changed : &dummy);
}

/* Answers a one-value yes/no query about id. */
static int
store_ask(struct store *s, enum store_stmt id, const char *item, int arg2, int *yes)
{
	sqlite3_stmt *st = store_stmt(s, id);
	int rc;

	*yes = 0;
	if (st == NULL)
		return -1;
	store_bind_text(st, 1, item);
	if (sqlite3_bind_parameter_count(st) >= 2)
		sqlite3_bind_int(st, 2, arg2);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*yes = sqlite3_column_int(st, 0) != 0;
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_db_fail(s, _("reading the store"));
	return 0;
}

int
store_notice_known(struct store *s, const char *id, int *known)
{
	return store_ask(s, ST_NOTICE_KNOWN, id, 0, known);
}

int
store_deadline_known(struct store *s, const char *id, int *known)
{
	return store_ask(s, ST_DEADLINE_KNOWN, id, 0, known);
}

int
store_reminder_sent(struct store *s, const char *deadline_id, int offset, int *sent)
{
	return store_ask(s, ST_REMINDER_SENT, deadline_id, offset, sent);
}

int
store_reminder_mark(struct store *s, const char *deadline_id, int offset, time_t at)
{
	sqlite3_stmt *st = store_stmt(s, ST_REMINDER_MARK);

	if (st == NULL)
		return -1;
	store_bind_text(st, 1, deadline_id);
	sqlite3_bind_int(st, 2, offset);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)at);
	return store_done(s, st, _("saving a reminder"));
}

int
store_data_version(struct store *s, long long *version)
{
	sqlite3_stmt *st = store_stmt(s, ST_DATA_VERSION);
	int rc;

	*version = 0;
	if (st == NULL)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*version = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return store_db_fail(s, _("reading the data version"));
	return 0;
}
