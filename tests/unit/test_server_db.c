/*
 * Unit tests for server/db.c, the SQLite side of server/storage.c, and
 * server/user.c: the schema is created by migration, reopening changes
 * nothing, a newer schema is refused, and users are added and found.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "../../server/db.h"
#include "../../server/storage.h"
#include "../../server/user.h"

struct fixture {
	char dir[64];
	char path[128];
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);

	snprintf(f->dir, sizeof f->dir, "%s/myna-dbtest.XXXXXX",
	         getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->path, sizeof f->path, "%s/bff.db", f->dir);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char p[160];

	snprintf(p, sizeof p, "%s-wal", f->path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", f->path);
	unlink(p);
	unlink(f->path);
	rmdir(f->dir);
	free(f);
	return 0;
}

static long long
pragma(struct db *db, const char *sql)
{
	sqlite3_stmt *st;
	long long v = -1;

	db_lock(db);
	st = db_stmt(db, sql);
	if (st != NULL && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	db_unlock(db);
	return v;
}

static void
test_open_migrates(void **state)
{
	struct fixture *f = *state;
	struct db *db = NULL;
	struct storage *s = NULL;
	struct storage_tx *tx;
	char *cause = NULL;
	sqlite3_stmt *st;
	const unsigned char *mode = NULL;
	int exists = -1;

	assert_int_equal(db_open(f->path, &db, &cause), 0);
	assert_null(cause);
	assert_true(pragma(db, "PRAGMA user_version") >= 1);
	assert_int_equal(pragma(db, "PRAGMA foreign_keys"), 1);
	assert_int_equal(pragma(db, "SELECT count(*) FROM sqlite_master WHERE name IN "
	                            "('users', 'device_codes', 'tokens', 'feed', 'item_ids', "
	                            "'meta', 'idempotency', 'client_reports')"),
	                 8);
	assert_int_equal(pragma(db, "PRAGMA user_version"), 2);
	db_lock(db);
	st = db_stmt(db, "PRAGMA journal_mode");
	assert_non_null(st);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	mode = sqlite3_column_text(st, 0);
	assert_string_equal((const char *)mode, "wal");
	db_unlock(db);
	assert_int_equal(db_ping(db), 0);
	db_close(db);

	/* Reopening keeps the data and the version. */
	assert_int_equal(storage_open(f->path, &s, &cause), 0);
	tx = storage_begin(s, 1);
	assert_non_null(tx);
	assert_int_equal(storage_user_add(tx, "a", "131016", "A", 1, &exists), 0);
	assert_int_equal(exists, 0);
	assert_int_equal(storage_commit(tx), 0);
	storage_close(s);
	assert_int_equal(db_open(f->path, &db, &cause), 0);
	assert_int_equal(pragma(db, "SELECT count(*) FROM users"), 1);
	db_close(db);
	db_close(NULL);
}

static void
test_newer_schema_is_refused(void **state)
{
	struct fixture *f = *state;
	struct db *db = NULL;
	char *cause = NULL;
	sqlite3 *raw = NULL;

	assert_int_equal(sqlite3_open(f->path, &raw), SQLITE_OK);
	assert_int_equal(sqlite3_exec(raw, "PRAGMA user_version = 999", NULL, NULL, NULL),
	                 SQLITE_OK);
	sqlite3_close(raw);
	assert_int_equal(db_open(f->path, &db, &cause), -1);
	assert_null(db);
	assert_non_null(cause);
	assert_non_null(strstr(cause, "999"));
	free(cause);
}

static void
test_unopenable(void **state)
{
	struct fixture *f = *state;
	struct db *db = NULL;
	char *cause = NULL;
	char p[160];

	snprintf(p, sizeof p, "%s/missing/dir/bff.db", f->dir);
	assert_int_equal(db_open(p, &db, &cause), -1);
	assert_null(db);
	assert_non_null(strstr(cause, p));
	free(cause);
}

static void
test_users(void **state)
{
	struct fixture *f = *state;
	struct storage *s = NULL;
	struct storage_tx *tx;
	char *cause = NULL;
	struct user u;
	long long n = -1;
	int found = -1, exists = -1;

	assert_int_equal(storage_open(f->path, &s, &cause), 0);
	tx = storage_begin(s, 1);
	assert_int_equal(storage_user_count(tx, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(storage_user_add(tx, "demo", "131016", "デモ", 1, &exists), 0);
	assert_int_equal(exists, 0);
	assert_int_equal(storage_user_add(tx, "demo", "271004", "other", 1, &exists), 0);
	assert_int_equal(exists, 1);
	assert_int_equal(storage_commit(tx), 0);
	tx = storage_begin(s, 0);
	assert_int_equal(storage_user_get(tx, "demo", &u, &found), 0);
	assert_int_equal(found, 1);
	assert_string_equal(u.id, "demo");
	assert_string_equal(u.municipality, "131016");
	assert_int_equal(storage_user_get(tx, "nobody", &u, &found), 0);
	assert_int_equal(found, 0);
	assert_int_equal(storage_user_get(tx, "bad id!", &u, &found), 0);
	assert_int_equal(found, 0);
	assert_int_equal(storage_user_count(tx, &n), 0);
	assert_int_equal(n, 1);
	storage_rollback(tx);
	/* A rolled-back unit leaves nothing behind. */
	tx = storage_begin(s, 1);
	assert_int_equal(storage_user_add(tx, "gone", "131016", "x", 1, &exists), 0);
	storage_rollback(tx);
	tx = storage_begin(s, 0);
	assert_int_equal(storage_user_get(tx, "gone", &u, &found), 0);
	assert_int_equal(found, 0);
	storage_rollback(tx);
	storage_close(s);
	storage_close(NULL);
}

/* A spec naming another backend is refused with a reason. */
static void
test_spec(void **state)
{
	struct fixture *f = *state;
	struct storage *s = NULL;
	char *cause = NULL, spec[200];

	assert_int_equal(storage_open("postgresql://localhost/myna", &s, &cause), -1);
	assert_null(s);
	assert_non_null(strstr(cause, "PostgreSQL"));
	free(cause);
	cause = NULL;
	assert_int_equal(storage_open("sqlite:", &s, &cause), -1);
	free(cause);
	snprintf(spec, sizeof spec, "sqlite:%s", f->path);
	assert_int_equal(storage_open(spec, &s, &cause), 0);
	assert_int_equal(storage_ping(s), 0);
	storage_close(s);
}

static void
test_user_id_valid(void **state)
{
	char longest[USER_ID_MAX + 2];

	(void)state;
	assert_int_equal(user_id_valid("demo"), 1);
	assert_int_equal(user_id_valid("A.b_c-9"), 1);
	assert_int_equal(user_id_valid(""), 0);
	assert_int_equal(user_id_valid(NULL), 0);
	assert_int_equal(user_id_valid("a b"), 0);
	assert_int_equal(user_id_valid("a/b"), 0);
	assert_int_equal(user_id_valid("山田"), 0);
	memset(longest, 'x', USER_ID_MAX);
	longest[USER_ID_MAX] = '\0';
	assert_int_equal(user_id_valid(longest), 1);
	longest[USER_ID_MAX] = 'x';
	longest[USER_ID_MAX + 1] = '\0';
	assert_int_equal(user_id_valid(longest), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_open_migrates, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_newer_schema_is_refused, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_unopenable, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_users, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_spec, setup, teardown),
	        cmocka_unit_test(test_user_id_valid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
