/*
 * storage_sqlite: the SQLite backend of the storage interface, on db.c
 * (connections, their locks, cached prepared statements, migrations).
 *
 * One connection writes; a unit of work that writes holds its lock from
 * begin to end, in a BEGIN IMMEDIATE transaction, so writing units are
 * serialised and the listener sees commits in order.  Reading units take
 * one of SQ_READERS read connections (WAL lets them read beside the
 * writer and each other), each in a BEGIN DEFERRED transaction: one
 * snapshot for all their statements.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "db.h"
#include "i18n.h"
#include "log.h"
#include "mem.h"
#include "storage_backend.h"

struct sq_tx {
	struct db *db;
	int write;
};

#define SQ_READERS 4

/* A unit per connection at a time: each connection has its lock. */
struct sq {
	struct db *db; /* the writer */
	struct sq_tx tx;
	struct db *readers[SQ_READERS];
	struct sq_tx rtx[SQ_READERS];
	atomic_uint next; /* where the search for a free reader starts */
	int owner;        /* an fd holding flock(LOCK_EX) on the database file */
};

#define SQ_DB(t) (((struct sq_tx *)(t))->db)

/* Logs a failed step with the statement's purpose. */
static int
sq_fail(struct db *db, const char *what)
{
	log_error("storage: %s: %s", what, db_error(db));
	return -1;
}

static void
sq_close(void *impl)
{
	struct sq *s = impl;
	int i;

	for (i = 0; i < SQ_READERS; i++)
		db_close(s->readers[i]);
	db_close(s->db);
	close(s->owner);
	free(s);
}

int
storage_sqlite_open(const char *path, void **impl, char **cause)
{
	struct sq *s = xcalloc(1, sizeof *s);

	if (db_open(path, &s->db, cause) != 0) {
		free(s);
		return -1;
	}
	/* One server per database: what it keeps in memory (the feed's tips,
	 * the long polls) follows only its own commits.  flock() is apart
	 * from SQLite's own fcntl() locks, so other readers (the sqlite3
	 * shell, a backup) are not hindered. */
	s->owner = open(path, O_RDONLY | O_CLOEXEC);
	if (s->owner < 0 || flock(s->owner, LOCK_EX | LOCK_NB) != 0) {
		*cause = errno == EWOULDBLOCK
		                 ? xasprintf(_("the database %s is in use by another myna-bff; "
		                               "run one server per database"),
		                             path)
		                 : xasprintf(_("cannot lock the database %s: %s"), path,
		                             strerror(errno));
		if (s->owner >= 0)
			close(s->owner);
		db_close(s->db);
		free(s);
		return -1;
	}
	s->tx.db = s->db;
	s->tx.write = 1;
	for (int i = 0; i < SQ_READERS; i++) {
		if (db_open_reader(path, &s->readers[i], cause) != 0) {
			sq_close(s);
			return -1;
		}
		s->rtx[i].db = s->readers[i];
	}
	*impl = s;
	return 0;
}

static int
sq_ping(void *impl)
{
	struct sq *s = impl;
	int i;

	for (i = 0; i < SQ_READERS; i++)
		if (db_ping(s->readers[i]) != 0)
			return -1;
	return db_ping(s->db);
}

/* Takes a free reader, or waits for one. */
static struct sq_tx *
sq_reader(struct sq *s)
{
	unsigned int start = atomic_fetch_add(&s->next, 1), i;

	for (i = 0; i < SQ_READERS; i++) {
		unsigned int k = (start + i) % SQ_READERS;

		if (db_trylock(s->readers[k]) == 0)
			return &s->rtx[k];
	}
	db_lock(s->readers[start % SQ_READERS]);
	return &s->rtx[start % SQ_READERS];
}

static void *
sq_begin(void *impl, int write)
{
	struct sq *s = impl;
	struct sq_tx *tx;

	if (write) {
		tx = &s->tx;
		db_lock(tx->db);
	} else {
		tx = sq_reader(s);
	}
	/* A read unit is a transaction too: one snapshot and one round of
	 * file locks for all its statements, not one per statement. */
	if ((write ? db_begin(tx->db) : db_begin_read(tx->db)) != 0) {
		sq_fail(tx->db, "begin");
		db_unlock(tx->db);
		return NULL;
	}
	return tx;
}

static int
sq_commit(void *t, void (*after)(void *), void *arg)
{
	struct sq_tx *tx = t;
	int rc = 0;

	if (db_commit(tx->db) != 0) {
		rc = sq_fail(tx->db, "commit");
		db_rollback(tx->db);
	} else if (tx->write) {
		after(arg);
	}
	db_unlock(tx->db);
	return rc;
}

static void
sq_rollback(void *t)
{
	struct sq_tx *tx = t;

	db_rollback(tx->db);
	db_unlock(tx->db);
}

/* Copies column i (text, possibly NULL) into a new string or NULL. */
static char *
sq_text(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	return s != NULL ? xstrdup((const char *)s) : NULL;
}

/* Copies column i into out[size], cut to fit; "" for NULL. */
static void
sq_text_into(sqlite3_stmt *st, int i, char *out, size_t size)
{
	const unsigned char *s = sqlite3_column_text(st, i);
	size_t len = s != NULL ? strlen((const char *)s) : 0;

	if (len >= size)
		len = size - 1;
	if (len > 0)
		memcpy(out, s, len);
	out[len] = '\0';
}

static int
sq_bind_blob(sqlite3_stmt *st, int i, const unsigned char *p, size_t len)
{
	return sqlite3_bind_blob(st, i, p, (int)len, SQLITE_TRANSIENT) == SQLITE_OK ? 0 : -1;
}

/* Runs a statement that returns one integer into *n. */
static int
sq_count(struct db *db, const char *sql, long long *n)
{
	sqlite3_stmt *st = db_stmt(db, sql);

	if (st == NULL || sqlite3_step(st) != SQLITE_ROW)
		return sq_fail(db, "count");
	*n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return 0;
}

/* --- residents ---------------------------------------------------------------- */

static int
sq_user_get(void *t, const char *id, struct user *out, int *found)
{
	struct db *db = SQ_DB(t);
	sqlite3_stmt *st = db_stmt(db, "SELECT municipality FROM users WHERE id = ?1");
	int rc;

	*found = 0;
	if (st == NULL || db_bind_text(st, 1, id) != 0)
		return sq_fail(db, "user get");
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW)
		return sq_fail(db, "user get");
	memset(out, 0, sizeof *out);
	memcpy(out->id, id, strlen(id)); /* user_id_valid bounds it */
	sq_text_into(st, 0, out->municipality, sizeof out->municipality);
	sqlite3_reset(st);
	*found = 1;
	return 0;
}

static int
sq_user_add(void *t, const char *id, const char *municipality, const char *name, time_t now,
            int *exists)
{
	struct db *db = SQ_DB(t);
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO users (id, municipality, name, created) "
	                               "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (id) DO NOTHING");

	*exists = 0;
	if (st == NULL || db_bind_text(st, 1, id) != 0 || db_bind_text(st, 2, municipality) != 0 ||
	    db_bind_text(st, 3, name) != 0 ||
	    sqlite3_bind_int64(st, 4, (sqlite3_int64)now) != SQLITE_OK || db_done(st) != 0)
		return sq_fail(db, "user add");
	*exists = sqlite3_changes(sqlite3_db_handle(st)) == 0;
	return 0;
}

static int
sq_user_count(void *t, long long *n)
{
	return sq_count(SQ_DB(t), "SELECT count(*) FROM users", n);
}

/* --- device codes ---------------------------------------------------------------- */

static int
sq_device_purge(void *t, time_t before)
{
	struct db *db = SQ_DB(t);
	sqlite3_stmt *st = db_stmt(db, "DELETE FROM device_codes WHERE expires <= ?1");

	if (st == NULL || sqlite3_bind_int64(st, 1, (sqlite3_int64)before) != SQLITE_OK ||
	    db_done(st) != 0)
		return sq_fail(db, "device purge");
	return 0;
}

static int
sq_device_add(void *t, const unsigned char *hash, const char *user_code, time_t expires,
              long interval, int *clash)
{
	struct db *db = SQ_DB(t);
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO device_codes (code_hash, user_code, expires, "
	                               "interval) VALUES (?1, ?2, ?3, ?4) "
	                               "ON CONFLICT DO NOTHING");

	*clash = 0;
	if (st == NULL || sq_bind_blob(st, 1, hash, TOKEN_HASH_LEN) != 0 ||
	    db_bind_text(st, 2, user_code) != 0 ||
	    sqlite3_bind_int64(st, 3, (sqlite3_int64)expires) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 4, interval) != SQLITE_OK || db_done(st) != 0)
		return sq_fail(db, "device add");
	*clash = sqlite3_changes(sqlite3_db_handle(st)) == 0;
	return 0;
}

#define SQ_DEVICE_COLUMNS "id, user_code, expires, interval, last_poll_ms, user_id, state"

static int
sq_device_row(struct db *db, sqlite3_stmt *st, struct storage_device *out, int *found)
{
	int rc = sqlite3_step(st);

	*found = 0;
	if (rc == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW)
		return sq_fail(db, "device get");
	memset(out, 0, sizeof *out);
	out->id = sqlite3_column_int64(st, 0);
	sq_text_into(st, 1, out->user_code, sizeof out->user_code);
	out->expires = (time_t)sqlite3_column_int64(st, 2);
	out->interval = (long)sqlite3_column_int64(st, 3);
	out->last_poll_ms =
	        sqlite3_column_type(st, 4) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 4);
	sq_text_into(st, 5, out->user, sizeof out->user);
	out->state = (enum storage_device_state)sqlite3_column_int(st, 6);
	sqlite3_reset(st);
	*found = 1;
	return 0;
}

static int
sq_device_by_hash(void *t, const unsigned char *hash, struct storage_device *out, int *found)
{
	struct db *db = SQ_DB(t);
	sqlite3_stmt *st =
	        db_stmt(db, "SELECT " SQ_DEVICE_COLUMNS " FROM device_codes WHERE code_hash = ?1");

	*found = 0;
	if (st == NULL || sq_bind_blob(st, 1, hash, TOKEN_HASH_LEN) != 0)
		return sq_fail(db, "device get");
	return sq_device_row(db, st, out, found);
}

static int
sq_device_by_user_code(void *t, const char *user_code, struct storage_device *out, int *found)
{
	struct db *db = SQ_DB(t);
	sqlite3_stmt *st =
	        db_stmt(db, "SELECT " SQ_DEVICE_COLUMNS " FROM device_codes WHERE user_code = ?1");

	*found = 0;
	if (st == NULL || db_bind_text(st, 1, user_code) != 0)
		return sq_fail(db, "device get");
	return sq_device_row(db, st, out, found);
}

static int
sq_device_update(void *t, const struct storage_device *d)
{
	struct db *db = SQ_DB(t);
	sqlite3_stmt *st = db_stmt(db, "UPDATE device_codes SET interval = ?2, last_poll_ms = ?3, "
	                               "user_id = ?4, state = ?5 WHERE id = ?1");

	if (st == NULL || sqlite3_bind_int64(st, 1, d->id) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 2, d->interval) != SQLITE_OK ||
	    (d->last_poll_ms >= 0 ? sqlite3_bind_int64(st, 3, d->last_poll_ms)
	                          : sqlite3_bind_null(st, 3)) != SQLITE_OK ||
	    db_bind_text(st, 4, d->user[0] != '\0' ? d->user : NULL) != 0 ||
	    sqlite3_bind_int(st, 5, (int)d->state) != SQLITE_OK || db_done(st) != 0)
		return sq_fail(db, "device update");
	return 0;
}

/* --- tokens ------------------------------------------------------------------ */

static int
sq_token_purge(void *t, time_t now)
{
	struct db *db = SQ_DB(t);
	sqlite3_stmt *st = db_stmt(db, "DELETE FROM tokens WHERE expires <= ?1");

	if (st == NULL || sqlite3_bind_int64(st, 1, (sqlite3_int64)now) != SQLITE_OK ||
	    db_done(st) != 0)
		return sq_fail(db, "token purge");
	return 0;
}

static int
sq_token_add(void *t, const unsigned char *hash, enum storage_token_kind kind, const char *user,
             const unsigned char *family, time_t expires)
{
	struct db *db = SQ_DB(t);
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO tokens (hash, kind, user_id, family, expires) "
	                               "VALUES (?1, ?2, ?3, ?4, ?5)");

	if (st == NULL || sq_bind_blob(st, 1, hash, TOKEN_HASH_LEN) != 0 ||
	    sqlite3_bind_int(st, 2, (int)kind) != SQLITE_OK || db_bind_text(st, 3, user) != 0 ||
	    sq_bind_blob(st, 4, family, TOKEN_BYTES) != 0 ||
	    sqlite3_bind_int64(st, 5, (sqlite3_int64)expires) != SQLITE_OK || db_done(st) != 0)
		return sq_fail(db, "token add");
	return 0;
}

static int
sq_token_get(void *t, const unsigned char *hash, enum storage_token_kind kind,
             struct storage_token *out, int *found)
{
	struct db *db = SQ_DB(t);
	sqlite3_stmt *st = db_stmt(db, "SELECT user_id, family, expires, used FROM tokens "
	                               "WHERE hash = ?1 AND kind = ?2");
	int rc;

	*found = 0;
	if (st == NULL || sq_bind_blob(st, 1, hash, TOKEN_HASH_LEN) != 0 ||
	    sqlite3_bind_int(st, 2, (int)kind) != SQLITE_OK)
		return sq_fail(db, "token get");
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW)
		return sq_fail(db, "token get");
	memset(out, 0, sizeof *out);
	sq_text_into(st, 0, out->user, sizeof out->user);
	if (sqlite3_column_bytes(st, 1) == TOKEN_BYTES) {
		memcpy(out->family, sqlite3_column_blob(st, 1), TOKEN_BYTES);
		*found = 1;
	}
	out->expires = (time_t)sqlite3_column_int64(st, 2);
	out->used = sqlite3_column_int(st, 3);
	sqlite3_reset(st);
	return 0;
}

static int
sq_token_mark_used(void *t, const unsigned char *hash)
{
	struct db *db = SQ_DB(t);
	sqlite3_stmt *st = db_stmt(db, "UPDATE tokens SET used = 1 WHERE hash = ?1");

	if (st == NULL || sq_bind_blob(st, 1, hash, TOKEN_HASH_LEN) != 0 || db_done(st) != 0)
		return sq_fail(db, "token mark used");
	return 0;
}

static int
sq_token_delete(void *t, const unsigned char *hash, long long *n)
{
	struct db *db = SQ_DB(t);
	sqlite3_stmt *st = db_stmt(db, "DELETE FROM tokens WHERE hash = ?1");

	if (st == NULL || sq_bind_blob(st, 1, hash, TOKEN_HASH_LEN) != 0 || db_done(st) != 0)
		return sq_fail(db, "token delete");
	*n = sqlite3_changes(sqlite3_db_handle(st));
	return 0;
}

static int
sq_token_delete_family(void *t, const unsigned char *family, long long *n)
{
	struct db *db = SQ_DB(t);
	sqlite3_stmt *st = db_stmt(db, "DELETE FROM tokens WHERE family = ?1");

	if (st == NULL || sq_bind_blob(st, 1, family, TOKEN_BYTES) != 0 || db_done(st) != 0)
		return sq_fail(db, "token family delete");
	*n = sqlite3_changes(sqlite3_db_handle(st));
	return 0;
}

/* --- the change feed -------------------------------------------------------- */

static int
sq_feed_next_id(void *t, const char *type, long long *n)
{
	struct db *db = SQ_DB(t);
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO item_ids (type, last) VALUES (?1, 1) "
	                               "ON CONFLICT (type) DO UPDATE SET last = last + 1 "
	                               "RETURNING last");

	if (st == NULL || db_bind_text(st, 1, type) != 0 || sqlite3_step(st) != SQLITE_ROW)
		return sq_fail(db, "next id");
	*n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return 0;
}

static int
sq_feed_put(void *t, const struct storage_item *it, long long *seq)
{
	struct db *db = SQ_DB(t);
	sqlite3_stmt *st = db_stmt(db, "DELETE FROM feed WHERE type = ?1 AND item_id = ?2");

	if (st == NULL || db_bind_text(st, 1, it->type) != 0 || db_bind_text(st, 2, it->id) != 0 ||
	    db_done(st) != 0)
		return sq_fail(db, "feed put");
	st = db_stmt(db, "INSERT INTO feed (type, item_id, user_id, municipality, deleted, data, "
	                 "changed) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
	if (st == NULL || db_bind_text(st, 1, it->type) != 0 || db_bind_text(st, 2, it->id) != 0 ||
	    db_bind_text(st, 3, it->user) != 0 || db_bind_text(st, 4, it->municipality) != 0 ||
	    sqlite3_bind_int(st, 5, it->deleted != 0) != SQLITE_OK ||
	    db_bind_text(st, 6, it->deleted ? NULL : it->data) != 0 ||
	    sqlite3_bind_int64(st, 7, (sqlite3_int64)it->changed) != SQLITE_OK || db_done(st) != 0)
		return sq_fail(db, "feed put");
	*seq = sqlite3_last_insert_rowid(sqlite3_db_handle(st));
	return 0;
}

static int
sq_feed_last(void *t, const char *user, const char *municipality, long long *seq)
{
	struct db *db = SQ_DB(t);
	sqlite3_stmt *st;

	*seq = 0;
	if (user != NULL) {
		st = db_stmt(db, "SELECT max(seq) FROM feed WHERE user_id = ?1");
		if (st == NULL || db_bind_text(st, 1, user) != 0)
			return sq_fail(db, "feed last");
	} else if (municipality != NULL) {
		st = db_stmt(db, "SELECT max(seq) FROM feed WHERE municipality = ?1");
		if (st == NULL || db_bind_text(st, 1, municipality) != 0)
			return sq_fail(db, "feed last");
	} else {
		st = db_stmt(db, "SELECT max(seq) FROM feed "
		                 "WHERE user_id IS NULL AND municipality IS NULL");
		if (st == NULL)
			return sq_fail(db, "feed last");
	}
	if (sqlite3_step(st) != SQLITE_ROW)
		return sq_fail(db, "feed last");
	*seq = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return 0;
}

#define SQ_ROW_COLUMNS "seq, type, item_id, user_id, municipality, deleted, data, changed"

/* Fills r from the current row of a statement selecting SQ_ROW_COLUMNS;
 * with copy 0 the strings point into the statement (valid until the next
 * step), which is how rows are lent to a page's callback. */
static void
sq_row(sqlite3_stmt *st, struct storage_row *r, int copy)
{
	r->seq = sqlite3_column_int64(st, 0);
	if (copy) {
		r->type = sq_text(st, 1);
		r->id = sq_text(st, 2);
		r->user = sq_text(st, 3);
		r->municipality = sq_text(st, 4);
		r->data = sq_text(st, 6);
	} else {
		r->type = (char *)sqlite3_column_text(st, 1);
		r->id = (char *)sqlite3_column_text(st, 2);
		r->user = (char *)sqlite3_column_text(st, 3);
		r->municipality = (char *)sqlite3_column_text(st, 4);
		r->data = (char *)sqlite3_column_text(st, 6);
	}
	r->deleted = sqlite3_column_int(st, 5);
	r->data_len = (size_t)sqlite3_column_bytes(st, 6);
	r->changed = (time_t)sqlite3_column_int64(st, 7);
}

static int
sq_feed_get(void *t, const char *type, const char *id, struct storage_row *out, int *found)
{
	struct db *db = SQ_DB(t);
	sqlite3_stmt *st =
	        db_stmt(db, "SELECT " SQ_ROW_COLUMNS " FROM feed WHERE type = ?1 AND item_id = ?2");
	int rc;

	*found = 0;
	memset(out, 0, sizeof *out);
	if (st == NULL || db_bind_text(st, 1, type) != 0 || db_bind_text(st, 2, id) != 0)
		return sq_fail(db, "feed get");
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW)
		return sq_fail(db, "feed get");
	sq_row(st, out, 1);
	sqlite3_reset(st);
	*found = 1;
	return 0;
}

static int
sq_feed_epoch(void *t, long long *epoch)
{
	struct db *db = SQ_DB(t);
	sqlite3_stmt *st;

	/* Made on first use: a random number kept with the data. */
	st = db_stmt(db, "INSERT INTO meta (key, value) VALUES ('epoch', abs(random())) "
	                 "ON CONFLICT (key) DO NOTHING");
	if (st == NULL || db_done(st) != 0)
		return sq_fail(db, "feed epoch");
	st = db_stmt(db, "SELECT value FROM meta WHERE key = 'epoch'");
	if (st == NULL || sqlite3_step(st) != SQLITE_ROW)
		return sq_fail(db, "feed epoch");
	*epoch = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return 0;
}

static int
sq_feed_top(void *t, long long *top)
{
	struct db *db = SQ_DB(t);
	sqlite3_stmt *st = db_stmt(db, "SELECT seq FROM sqlite_sequence WHERE name = 'feed'");
	int rc;

	*top = 0;
	if (st == NULL)
		return sq_fail(db, "feed top");
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*top = sqlite3_column_int64(st, 0);
	else if (rc != SQLITE_DONE)
		return sq_fail(db, "feed top");
	sqlite3_reset(st);
	return 0;
}

static int
sq_feed_horizon(void *t, long long *horizon)
{
	struct db *db = SQ_DB(t);
	sqlite3_stmt *st = db_stmt(db, "SELECT value FROM meta WHERE key = 'horizon'");
	int rc;

	*horizon = 0;
	if (st == NULL)
		return sq_fail(db, "feed horizon");
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*horizon = sqlite3_column_int64(st, 0);
	else if (rc != SQLITE_DONE)
		return sq_fail(db, "feed horizon");
	sqlite3_reset(st);
	return 0;
}

static int
sq_feed_page(void *t, const struct user *u, long long after, long limit, storage_row_fn fn,
             void *arg, int *has_more)
{
	struct db *db = SQ_DB(t);
	sqlite3_stmt *st;
	struct storage_row r;
	long n = 0;
	int rc;

	*has_more = 0;
	/* Three indexed ranges (a user's rows, a municipality's, everyone's)
	 * merged by seq. */
	st = db_stmt(db, "SELECT " SQ_ROW_COLUMNS " FROM feed WHERE seq > ?1 AND "
	                 "(user_id = ?2 OR municipality = ?3 OR "
	                 "(user_id IS NULL AND municipality IS NULL)) ORDER BY seq LIMIT ?4");
	if (st == NULL || sqlite3_bind_int64(st, 1, after) != SQLITE_OK ||
	    db_bind_text(st, 2, u->id) != 0 ||
	    db_bind_text(st, 3, u->municipality[0] != '\0' ? u->municipality : NULL) != 0 ||
	    sqlite3_bind_int64(st, 4, (sqlite3_int64)limit + 1) != SQLITE_OK)
		return sq_fail(db, "feed page");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == limit) {
			*has_more = 1;
			break;
		}
		memset(&r, 0, sizeof r);
		sq_row(st, &r, 0);
		if (fn(arg, &r) != 0) {
			*has_more = 1;
			break;
		}
		n++;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sq_fail(db, "feed page");
	sqlite3_reset(st);
	return 0;
}

static int
sq_feed_count(void *t, long long *n)
{
	return sq_count(SQ_DB(t), "SELECT count(*) FROM feed", n);
}

static int
sq_feed_compact(void *t, time_t before, long long *removed)
{
	struct db *db = SQ_DB(t);
	sqlite3_stmt *st;
	long long top = 0;

	*removed = 0;
	st = db_stmt(db, "SELECT max(seq), count(*) FROM feed WHERE deleted = 1 AND changed <= ?1");
	if (st == NULL || sqlite3_bind_int64(st, 1, (sqlite3_int64)before) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW)
		return sq_fail(db, "compact");
	top = sqlite3_column_int64(st, 0);
	*removed = sqlite3_column_int64(st, 1);
	sqlite3_reset(st);
	if (*removed == 0)
		return 0;
	st = db_stmt(db, "DELETE FROM feed WHERE deleted = 1 AND changed <= ?1");
	if (st == NULL || sqlite3_bind_int64(st, 1, (sqlite3_int64)before) != SQLITE_OK ||
	    db_done(st) != 0)
		return sq_fail(db, "compact");
	st = db_stmt(db, "INSERT INTO meta (key, value) VALUES ('horizon', ?1) "
	                 "ON CONFLICT (key) DO UPDATE SET value = max(value, excluded.value)");
	if (st == NULL || sqlite3_bind_int64(st, 1, top) != SQLITE_OK || db_done(st) != 0)
		return sq_fail(db, "compact");
	return 0;
}

/* --- idempotency keys ------------------------------------------------------------- */

static int
sq_idem_get(void *t, const char *user, const char *key, struct storage_idem *out, int *found)
{
	struct db *db = SQ_DB(t);
	sqlite3_stmt *st = db_stmt(db, "SELECT fingerprint, created, done, status, body, location "
	                               "FROM idempotency WHERE user_id = ?1 AND key = ?2");
	int rc;

	*found = 0;
	memset(out, 0, sizeof *out);
	if (st == NULL || db_bind_text(st, 1, user) != 0 || db_bind_text(st, 2, key) != 0)
		return sq_fail(db, "idempotency get");
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW)
		return sq_fail(db, "idempotency get");
	if (sqlite3_column_bytes(st, 0) == STORAGE_FINGERPRINT_LEN)
		memcpy(out->fingerprint, sqlite3_column_blob(st, 0), STORAGE_FINGERPRINT_LEN);
	out->created = (time_t)sqlite3_column_int64(st, 1);
	out->done = sqlite3_column_int(st, 2);
	out->status = sqlite3_column_int(st, 3);
	out->body = sq_text(st, 4);
	out->location = sq_text(st, 5);
	sqlite3_reset(st);
	*found = 1;
	return 0;
}

static int
sq_idem_put(void *t, const char *user, const char *key, const unsigned char *fingerprint,
            time_t created)
{
	struct db *db = SQ_DB(t);
	sqlite3_stmt *st = db_stmt(db, "INSERT OR REPLACE INTO idempotency (user_id, key, "
	                               "fingerprint, created) VALUES (?1, ?2, ?3, ?4)");

	if (st == NULL || db_bind_text(st, 1, user) != 0 || db_bind_text(st, 2, key) != 0 ||
	    sq_bind_blob(st, 3, fingerprint, STORAGE_FINGERPRINT_LEN) != 0 ||
	    sqlite3_bind_int64(st, 4, (sqlite3_int64)created) != SQLITE_OK || db_done(st) != 0)
		return sq_fail(db, "idempotency put");
	return 0;
}

static int
sq_idem_finish(void *t, const char *user, const char *key, int status, const char *body,
               const char *location)
{
	struct db *db = SQ_DB(t);
	sqlite3_stmt *st = db_stmt(db, "UPDATE idempotency SET done = 1, status = ?3, body = ?4, "
	                               "location = ?5 WHERE user_id = ?1 AND key = ?2");

	if (st == NULL || db_bind_text(st, 1, user) != 0 || db_bind_text(st, 2, key) != 0 ||
	    sqlite3_bind_int(st, 3, status) != SQLITE_OK || db_bind_text(st, 4, body) != 0 ||
	    db_bind_text(st, 5, location) != 0 || db_done(st) != 0)
		return sq_fail(db, "idempotency finish");
	return 0;
}

static int
sq_idem_delete(void *t, const char *user, const char *key)
{
	struct db *db = SQ_DB(t);
	sqlite3_stmt *st = db_stmt(db, "DELETE FROM idempotency WHERE user_id = ?1 AND key = ?2");

	if (st == NULL || db_bind_text(st, 1, user) != 0 || db_bind_text(st, 2, key) != 0 ||
	    db_done(st) != 0)
		return sq_fail(db, "idempotency delete");
	return 0;
}

static int
sq_idem_purge(void *t, time_t open_before, time_t done_before)
{
	struct db *db = SQ_DB(t);
	sqlite3_stmt *st = db_stmt(db, "DELETE FROM idempotency WHERE (done = 0 AND created < ?1) "
	                               "OR created < ?2");

	if (st == NULL || sqlite3_bind_int64(st, 1, (sqlite3_int64)open_before) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 2, (sqlite3_int64)done_before) != SQLITE_OK || db_done(st) != 0)
		return sq_fail(db, "idempotency purge");
	return 0;
}

/* --- client reports ------------------------------------------------------------- */

static int
sq_report_add(void *t, const struct storage_report *r, long keep)
{
	struct db *db = SQ_DB(t);
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO client_reports (received, program, version, "
	                               "kind, code, os, occurred, message) "
	                               "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");

	if (st == NULL || sqlite3_bind_int64(st, 1, (sqlite3_int64)r->received) != SQLITE_OK ||
	    db_bind_text(st, 2, r->program) != 0 || db_bind_text(st, 3, r->version) != 0 ||
	    db_bind_text(st, 4, r->kind) != 0 || db_bind_text(st, 5, r->code) != 0 ||
	    db_bind_text(st, 6, r->os) != 0 || db_bind_text(st, 7, r->occurred) != 0 ||
	    db_bind_text(st, 8, r->message) != 0 || db_done(st) != 0)
		return sq_fail(db, "report add");
	st = db_stmt(db, "DELETE FROM client_reports WHERE id <= "
	                 "(SELECT max(id) FROM client_reports) - ?1");
	if (st == NULL || sqlite3_bind_int64(st, 1, keep) != SQLITE_OK || db_done(st) != 0)
		return sq_fail(db, "report trim");
	return 0;
}

static int
sq_report_count(void *t, long long *n)
{
	return sq_count(SQ_DB(t), "SELECT count(*) FROM client_reports", n);
}

const struct storage_ops storage_sqlite_ops = {
        .name = "sqlite",
        .close = sq_close,
        .ping = sq_ping,
        .begin = sq_begin,
        .commit = sq_commit,
        .rollback = sq_rollback,
        .user_get = sq_user_get,
        .user_add = sq_user_add,
        .user_count = sq_user_count,
        .device_purge = sq_device_purge,
        .device_add = sq_device_add,
        .device_by_hash = sq_device_by_hash,
        .device_by_user_code = sq_device_by_user_code,
        .device_update = sq_device_update,
        .token_purge = sq_token_purge,
        .token_add = sq_token_add,
        .token_get = sq_token_get,
        .token_mark_used = sq_token_mark_used,
        .token_delete = sq_token_delete,
        .token_delete_family = sq_token_delete_family,
        .feed_next_id = sq_feed_next_id,
        .feed_put = sq_feed_put,
        .feed_last = sq_feed_last,
        .feed_get = sq_feed_get,
        .feed_epoch = sq_feed_epoch,
        .feed_top = sq_feed_top,
        .feed_horizon = sq_feed_horizon,
        .feed_page = sq_feed_page,
        .feed_count = sq_feed_count,
        .feed_compact = sq_feed_compact,
        .idem_get = sq_idem_get,
        .idem_put = sq_idem_put,
        .idem_finish = sq_idem_finish,
        .idem_delete = sq_idem_delete,
        .idem_purge = sq_idem_purge,
        .report_add = sq_report_add,
        .report_count = sq_report_count,
};
