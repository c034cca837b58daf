/*
 * Unit tests for server/feed.c: cursors, ids, and the one-row-per-item
 * rule (a change or a delete replaces the item's row with a newer one).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "../../server/db.h"
#include "../../server/feed.h"
#include "../../server/user.h"

static void
test_cursor_round_trip(void **state)
{
	static const long long seqs[] = {0, 1, 9, 10, 123456789, 999999999999999999LL};
	char buf[32];
	long long got;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof seqs / sizeof seqs[0]; i++) {
		feed_cursor_format(seqs[i], buf, sizeof buf);
		assert_int_equal(buf[0], 's');
		assert_int_equal(feed_cursor_parse(buf, &got), 0);
		assert_true(got == seqs[i]);
	}
}

static void
test_cursor_malformed(void **state)
{
	static const char *const bad[] = {
	        "",
	        "s",
	        "1",
	        "x1",
	        "s-1",
	        "s+1",
	        "s01",
	        "s1x",
	        "s 1",
	        "S1",
	        "s1234567890123456789",
	        "s1.5",
	};
	long long got = 42;
	size_t i;

	(void)state;
	assert_int_equal(feed_cursor_parse(NULL, &got), -1);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(feed_cursor_parse(bad[i], &got), -1);
	assert_true(got == 42);
}

struct fixture {
	char dir[64];
	char path[128];
	struct db *db;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	char *cause = NULL;

	setenv("TZ", "Asia/Tokyo", 1);
	tzset();
	snprintf(f->dir, sizeof f->dir, "%s/myna-feedtest.XXXXXX",
	         getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->path, sizeof f->path, "%s/bff.db", f->dir);
	if (db_open(f->path, &f->db, &cause) != 0 ||
	    user_add(f->db, "demo", "131016", "demo") != USER_ADDED)
		return -1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char p[160];

	db_close(f->db);
	snprintf(p, sizeof p, "%s-wal", f->path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", f->path);
	unlink(p);
	unlink(f->path);
	rmdir(f->dir);
	free(f);
	return 0;
}

/* The feed rows as "item_id:deleted" in seq order, and their seqs. */
static char *
rows(struct db *db, long long *max_seq)
{
	static char out[512];
	sqlite3_stmt *st;

	out[0] = '\0';
	db_lock(db);
	st = db_stmt(db, "SELECT item_id, deleted, seq FROM feed ORDER BY seq");
	while (sqlite3_step(st) == SQLITE_ROW) {
		size_t len = strlen(out);

		snprintf(out + len, sizeof out - len, "%s%s:%d", len ? " " : "",
		         (const char *)sqlite3_column_text(st, 0), sqlite3_column_int(st, 1));
		*max_seq = sqlite3_column_int64(st, 2);
	}
	db_unlock(db);
	return out;
}

static char *
data_of(struct db *db, const char *id)
{
	sqlite3_stmt *st;
	char *d = NULL;

	db_lock(db);
	st = db_stmt(db, "SELECT data FROM feed WHERE item_id = ?1");
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) != NULL)
		d = strdup((const char *)sqlite3_column_text(st, 0));
	db_unlock(db);
	return d;
}

static void
test_items(void **state)
{
	struct fixture *f = *state;
	struct feed_audience to_demo = {"demo", NULL}, to_all = {NULL, NULL};
	struct wire_notice n;
	struct wire_deadline d;
	char *id = NULL, *cause = NULL, *data;
	long long seq = 0, seq2 = 0, count = 0;
	int found = -1;

	memset(&n, 0, sizeof n);
	n.title.ja = "お知らせ";
	n.title.en = "Notice";
	n.body.ja = "本文";
	n.sender.ja = "千代田区役所";
	n.published = "2026-11-20T10:00:00+09:00";
	assert_int_equal(feed_notice_add(f->db, &to_demo, &n, &id, &cause), 0);
	assert_string_equal(id, "n-1");
	free(id);
	n.published = NULL; /* published now */
	assert_int_equal(feed_notice_add(f->db, &to_all, &n, &id, &cause), 0);
	assert_string_equal(id, "n-2");
	free(id);

	memset(&d, 0, sizeof d);
	d.title.ja = "確定申告";
	d.due = "2027-03-15T23:59:59+09:00";
	d.procedure = "kakutei-shinkoku";
	assert_int_equal(feed_deadline_add(f->db, "demo", &d, &id, &cause), 0);
	assert_string_equal(id, "d-1");
	free(id);
	assert_null(cause);

	assert_string_equal(rows(f->db, &seq), "n-1:0 n-2:0 d-1:0");
	data = data_of(f->db, "d-1");
	assert_string_equal(
	        data, "{\"title\":{\"ja\":\"確定申告\"},\"due\":\"2027-03-15T23:59:59+09:00\","
	              "\"procedure\":\"kakutei-shinkoku\"}");
	free(data);
	data = data_of(f->db, "n-2");
	assert_non_null(strstr(data, "\"published\":\""));
	assert_non_null(strstr(data, "+09:00\""));
	free(data);

	/* A delete replaces the row with a newer one, without data. */
	assert_int_equal(feed_delete(f->db, "notice", "n-1", &found), 0);
	assert_int_equal(found, 1);
	assert_string_equal(rows(f->db, &seq2), "n-2:0 d-1:0 n-1:1");
	assert_true(seq2 > seq);
	assert_null(data_of(f->db, "n-1"));
	assert_int_equal(feed_delete(f->db, "notice", "n-1", &found), 0);
	assert_int_equal(found, 0);
	assert_int_equal(feed_delete(f->db, "deadline", "n-2", &found), 0);
	assert_int_equal(found, 0);
	assert_int_equal(feed_count(f->db, &count), 0);
	assert_int_equal(count, 3);

	/* Ids are never reused, even after a delete. */
	assert_int_equal(feed_notice_add(f->db, &to_demo, &n, &id, &cause), 0);
	assert_string_equal(id, "n-3");
	free(id);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_cursor_round_trip),
	        cmocka_unit_test(test_cursor_malformed),
	        cmocka_unit_test_setup_teardown(test_items, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
