/*
 * Unit tests for server/feed.c on server/storage.c: cursors, ids, the
 * one-row-per-item rule (a change or a delete replaces the item's row with
 * a newer one), audiences, compaction and its horizon, and the listener
 * told after a commit.
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

#include "../../server/feed.h"
#include "../../server/storage.h"
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
	struct storage *db;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	struct storage_tx *tx;
	char *cause = NULL;
	int exists = 0;

	setenv("TZ", "Asia/Tokyo", 1);
	tzset();
	snprintf(f->dir, sizeof f->dir, "%s/myna-feedtest.XXXXXX",
	         getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->path, sizeof f->path, "%s/bff.db", f->dir);
	if (storage_open(f->path, &f->db, &cause) != 0)
		return -1;
	tx = storage_begin(f->db, 1);
	if (tx == NULL || storage_user_add(tx, "demo", "131016", "demo", 1, &exists) != 0 ||
	    storage_user_add(tx, "osaka", "271004", "osaka", 1, &exists) != 0 ||
	    storage_commit(tx) != 0)
		return -1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char p[160];

	storage_close(f->db);
	snprintf(p, sizeof p, "%s-wal", f->path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", f->path);
	unlink(p);
	unlink(f->path);
	rmdir(f->dir);
	free(f);
	return 0;
}

struct rows {
	char out[512];
	long long max_seq;
	long stop_after; /* the callback stops after this many rows; 0 never */
	long n;
};

static int
rows_one(void *arg, const struct storage_row *r)
{
	struct rows *x = arg;
	size_t len = strlen(x->out);

	if (x->stop_after > 0 && x->n == x->stop_after)
		return 1;
	snprintf(x->out + len, sizeof x->out - len, "%s%s:%d", len ? " " : "", r->id, r->deleted);
	x->max_seq = r->seq;
	x->n++;
	return 0;
}

/* The rows the user (in municipality) sees after seq, as "item_id:deleted"
 * in seq order. */
static char *
rows_for(struct storage *db, const char *user, const char *municipality, long long after,
         long long *max_seq, int *has_more)
{
	static struct rows x;
	struct storage_tx *tx = storage_begin(db, 0);
	struct user u;
	int more = 0;

	memset(&x, 0, sizeof x);
	memset(&u, 0, sizeof u);
	strcpy(u.id, user);
	strcpy(u.municipality, municipality);
	assert_int_equal(storage_feed_page(tx, &u, after, 1000, rows_one, &x, &more), 0);
	storage_rollback(tx);
	if (max_seq != NULL)
		*max_seq = x.max_seq;
	if (has_more != NULL)
		*has_more = more;
	return x.out;
}

static char *
rows(struct storage *db, long long *max_seq)
{
	return rows_for(db, "demo", "131016", 0, max_seq, NULL);
}

static char *
data_of(struct storage *db, const char *type, const char *id)
{
	struct storage_tx *tx = storage_begin(db, 0);
	struct storage_row r;
	char *d = NULL;
	int found = 0;

	assert_int_equal(storage_feed_get(tx, type, id, &r, &found), 0);
	storage_rollback(tx);
	if (found && r.data != NULL)
		d = strdup(r.data);
	storage_row_release(&r);
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
	data = data_of(f->db, "deadline", "d-1");
	assert_string_equal(
	        data, "{\"title\":{\"ja\":\"確定申告\"},\"due\":\"2027-03-15T23:59:59+09:00\","
	              "\"procedure\":\"kakutei-shinkoku\"}");
	free(data);
	data = data_of(f->db, "notice", "n-2");
	assert_non_null(strstr(data, "\"published\":\""));
	assert_non_null(strstr(data, "+09:00\""));
	free(data);

	/* A delete replaces the row with a newer one, without data. */
	assert_int_equal(feed_delete(f->db, "notice", "n-1", &found), 0);
	assert_int_equal(found, 1);
	assert_string_equal(rows(f->db, &seq2), "n-2:0 d-1:0 n-1:1");
	assert_true(seq2 > seq);
	assert_null(data_of(f->db, "notice", "n-1"));
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

/* Audiences: a municipality's item reaches only its residents; a user's
 * only that user; everyone's everyone.  A page stops where asked. */
static void
test_audiences(void **state)
{
	struct fixture *f = *state;
	struct feed_audience to_osaka = {NULL, "271004"}, to_demo = {"demo", NULL},
	                     to_all = {NULL, NULL};
	json_object *data = json_object_new_object();
	char *id = NULL, *cause = NULL;
	long long seq = 0;
	int more = 0;

	assert_int_equal(feed_item_add(f->db, "record", "r", &to_demo, data, &id, &cause), 0);
	assert_string_equal(id, "r-1");
	free(id);
	assert_int_equal(
	        feed_item_put(f->db, "procedure", "271004:tenshutsu", &to_osaka, data, &cause), 0);
	assert_int_equal(
	        feed_item_put(f->db, "procedure", "kakutei-shinkoku", &to_all, data, &cause), 0);
	assert_string_equal(rows_for(f->db, "demo", "131016", 0, NULL, NULL),
	                    "r-1:0 kakutei-shinkoku:0");
	assert_string_equal(rows_for(f->db, "osaka", "271004", 0, NULL, NULL),
	                    "271004:tenshutsu:0 kakutei-shinkoku:0");
	/* Someone else in Osaka, with no items of their own. */
	assert_string_equal(rows_for(f->db, "other", "271004", 0, NULL, NULL),
	                    "271004:tenshutsu:0 kakutei-shinkoku:0");
	/* Putting the same id again replaces it. */
	assert_int_equal(
	        feed_item_put(f->db, "procedure", "kakutei-shinkoku", &to_all, data, &cause), 0);
	assert_string_equal(rows_for(f->db, "osaka", "271004", 0, &seq, NULL),
	                    "271004:tenshutsu:0 kakutei-shinkoku:0");
	assert_true(seq == 4);
	assert_string_equal(rows_for(f->db, "osaka", "271004", 2, NULL, &more),
	                    "kakutei-shinkoku:0");
	assert_int_equal(more, 0);
	json_object_put(data);
}

static void
test_page_stops(void **state)
{
	struct fixture *f = *state;
	struct storage_tx *tx;
	struct feed_audience to_demo = {"demo", NULL};
	json_object *data = json_object_new_object();
	struct rows x;
	struct user u;
	char *id = NULL, *cause = NULL;
	int i, more = 0;

	for (i = 0; i < 5; i++) {
		assert_int_equal(feed_item_add(f->db, "record", "r", &to_demo, data, &id, &cause),
		                 0);
		free(id);
	}
	memset(&u, 0, sizeof u);
	strcpy(u.id, "demo");
	strcpy(u.municipality, "131016");
	tx = storage_begin(f->db, 0);
	memset(&x, 0, sizeof x);
	assert_int_equal(storage_feed_page(tx, &u, 0, 3, rows_one, &x, &more), 0);
	assert_string_equal(x.out, "r-1:0 r-2:0 r-3:0");
	assert_int_equal(more, 1);
	memset(&x, 0, sizeof x);
	x.stop_after = 2;
	assert_int_equal(storage_feed_page(tx, &u, 0, 10, rows_one, &x, &more), 0);
	assert_string_equal(x.out, "r-1:0 r-2:0");
	assert_int_equal(more, 1);
	memset(&x, 0, sizeof x);
	assert_int_equal(storage_feed_page(tx, &u, 0, 5, rows_one, &x, &more), 0);
	assert_int_equal(more, 0);
	storage_rollback(tx);
	json_object_put(data);
}

/* Compaction removes old tombstones only and raises the horizon to the
 * highest one removed. */
static void
test_compact(void **state)
{
	struct fixture *f = *state;
	struct storage_tx *tx;
	struct feed_audience to_demo = {"demo", NULL};
	json_object *data = json_object_new_object();
	char *id = NULL, *cause = NULL;
	long long removed = -1, horizon = -1, top = -1;
	int found = 0, i;

	for (i = 0; i < 3; i++) {
		assert_int_equal(feed_item_add(f->db, "record", "r", &to_demo, data, &id, &cause),
		                 0);
		free(id);
	}
	assert_int_equal(feed_delete(f->db, "record", "r-1", &found), 0);
	assert_int_equal(found, 1);
	assert_int_equal(feed_delete(f->db, "record", "r-2", &found), 0);
	assert_string_equal(rows(f->db, NULL), "r-3:0 r-1:1 r-2:1");
	/* Nothing is old enough yet. */
	assert_int_equal(feed_compact(f->db, time(NULL) - 3600, &removed), 0);
	assert_true(removed == 0);
	assert_int_equal(feed_compact(f->db, time(NULL), &removed), 0);
	assert_true(removed == 2);
	assert_string_equal(rows(f->db, NULL), "r-3:0");
	tx = storage_begin(f->db, 0);
	assert_int_equal(storage_feed_horizon(tx, &horizon), 0);
	assert_int_equal(storage_feed_top(tx, &top), 0);
	storage_rollback(tx);
	assert_true(horizon == 5);
	assert_true(top == 5);
	/* The horizon never goes down. */
	assert_int_equal(feed_compact(f->db, time(NULL), &removed), 0);
	assert_true(removed == 0);
	tx = storage_begin(f->db, 0);
	assert_int_equal(storage_feed_horizon(tx, &horizon), 0);
	storage_rollback(tx);
	assert_true(horizon == 5);
	json_object_put(data);
}

struct heard {
	char what[256];
};

static void
listener(void *arg, const char *user, const char *municipality, long long seq)
{
	struct heard *h = arg;
	size_t len = strlen(h->what);

	snprintf(h->what + len, sizeof h->what - len, "%s[%s|%s|%lld]", len ? " " : "",
	         user ? user : "-", municipality ? municipality : "-", seq);
}

/* The listener hears each audience once per commit, and nothing of a
 * rollback. */
static void
test_listener(void **state)
{
	struct fixture *f = *state;
	struct storage_tx *tx;
	struct storage_item it;
	struct heard h;
	struct feed_audience to_demo = {"demo", NULL}, to_all = {NULL, NULL};
	json_object *data = json_object_new_object();
	char *id = NULL, *cause = NULL;

	memset(&h, 0, sizeof h);
	storage_listen(f->db, listener, &h);
	assert_int_equal(feed_item_add(f->db, "record", "r", &to_demo, data, &id, &cause), 0);
	free(id);
	assert_string_equal(h.what, "[demo|-|1]");
	memset(&h, 0, sizeof h);
	memset(&it, 0, sizeof it);
	it.type = "x";
	it.data = "{}";
	tx = storage_begin(f->db, 1);
	it.id = "1";
	it.municipality = "271004";
	assert_int_equal(storage_feed_put(tx, &it), 0);
	it.id = "2";
	assert_int_equal(storage_feed_put(tx, &it), 0);
	it.id = "3";
	it.municipality = NULL;
	it.user = "demo";
	assert_int_equal(storage_feed_put(tx, &it), 0);
	assert_int_equal(storage_commit(tx), 0);
	/* Each audience once, with the highest seq it got. */
	assert_string_equal(h.what, "[-|271004|3] [demo|-|4]");
	memset(&h, 0, sizeof h);
	tx = storage_begin(f->db, 1);
	assert_int_equal(storage_feed_put(tx, &it), 0);
	storage_rollback(tx);
	assert_string_equal(h.what, "");
	assert_int_equal(feed_item_put(f->db, "notice", "x", &to_all, data, &cause), 0);
	/* The rolled-back unit gave its seq back. */
	assert_string_equal(h.what, "[-|-|5]");
	storage_listen(f->db, NULL, NULL);
	json_object_put(data);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_cursor_round_trip),
	        cmocka_unit_test(test_cursor_malformed),
	        cmocka_unit_test_setup_teardown(test_items, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_audiences, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_page_stops, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_compact, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_listener, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
