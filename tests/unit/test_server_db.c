/*
 * Unit tests for server/db.c and server/user.c: the schema is created by
 * migration, reopening changes nothing, a newer schema is refused, and
 * users are added and found.
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
	char *cause = NULL;
	sqlite3_stmt *st;
	const unsigned char *mode = NULL;

	assert_int_equal(db_open(f->path, &db, &cause), 0);
	assert_null(cause);
	assert_true(pragma(db, "PRAGMA user_version") >= 1);
	assert_int_equal(pragma(db, "PRAGMA foreign_keys"), 1);
	assert_int_equal(pragma(db, "SELECT count(*) FROM sqlite_master WHERE name IN "
	                            "('users', 'device_codes', 'tokens', 'feed', 'item_ids')"),
	                 5);
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
	assert_int_equal(db_open(f->path, &db, &cause), 0);
	assert_int_equal(user_add(db, "a", "131016", "A"), USER_ADDED);
	db_close(db);
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
	struct db *db = NULL;
	char *cause = NULL;
	struct user u;
	long long n = -1;
	int found = -1;

	assert_int_equal(db_open(f->path, &db, &cause), 0);
	assert_int_equal(user_count(db, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(user_add(db, "demo", "131016", "デモ"), USER_ADDED);
	assert_int_equal(user_add(db, "demo", "271004", "other"), USER_EXISTS);
	assert_int_equal(user_get(db, "demo", &u, &found), 0);
	assert_int_equal(found, 1);
	assert_string_equal(u.id, "demo");
	assert_string_equal(u.municipality, "131016");
	assert_int_equal(user_get(db, "nobody", &u, &found), 0);
	assert_int_equal(found, 0);
	assert_int_equal(user_get(db, "bad id!", &u, &found), 0);
	assert_int_equal(found, 0);
	assert_int_equal(user_count(db, &n), 0);
	assert_int_equal(n, 1);
	db_close(db);
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
	        cmocka_unit_test(test_user_id_valid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
