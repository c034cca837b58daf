/*
 * Unit tests for tui/view.c and tui/keys.c: the view models built from a
 * real store in a temporary directory, the words they use, and wrapping.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "date.h"
#include "i18n.h"
#include "mem.h"
#include "store.h"
#include "text.h"
#include "../../tui/keys.h"
#include "../../tui/view.h"

#define DAY 86400

struct fixture {
	char	     *dir;
	struct store *st;
	time_t	      now;
};

static int
rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void
add_deadline(struct store *st, const char *id, const char *ja, const char *en, time_t due,
	     const char *procedure)
{
	struct wire_deadline d;
	char when[40];

	memset(&d, 0, sizeof d);
	d.id = (char *)id;
	d.title.ja = (char *)ja;
	d.title.en = (char *)en;
	d.due = date_format(due, when, sizeof when);
	d.procedure = (char *)procedure;
	assert_int_equal(store_deadline_upsert(st, &d), 0);
}

static void
add_notice(struct store *st, const char *id, const char *title_en, const char *sender_en,
	   const char *body_en, time_t published)
{
	struct wire_notice n;
	char when[40];

	memset(&n, 0, sizeof n);
	n.id = (char *)id;
	n.title.ja = (char *)"お知らせ";
	n.title.en = (char *)title_en;
	n.sender.ja = (char *)"デジタル庁";
	n.sender.en = (char *)sender_en;
	n.body.ja = (char *)"本文";
	n.body.en = (char *)body_en;
	n.published = date_format(published, when, sizeof when);
	assert_int_equal(store_notice_upsert(st, &n), 0);
}

static int
setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof *f);
	const char *tmp = getenv("TMPDIR");
	char *path, *cause = NULL;
	int changed = 0;

	setenv("TZ", "Asia/Tokyo", 1);
	tzset();
	i18n_init("en");
	f->dir = xasprintf("%s/myna-view.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	path = xasprintf("%s/myna.db", f->dir);
	if (store_open(path, &f->st, &cause) < 0) {
		fprintf(stderr, "store_open: %s\n", cause);
		return -1;
	}
	free(path);
	/* Noon, so that whole days from now stay on their calendar day. */
	f->now = date_day_start(time(NULL), 0) + 12 * 3600;
	add_deadline(f->st, "d-soon", "証明書の更新", "Renew the certificate", f->now + 6 * DAY,
		     "renew");
	add_deadline(f->st, "d-late", "届出", "File the notification", f->now - 3 * DAY, NULL);
	add_deadline(f->st, "d-today", "今日の期限", "Pay the tax", f->now, NULL);
	add_deadline(f->st, "d-done", "済んだ手続", "Finished task", f->now + 2 * DAY, NULL);
	assert_int_equal(store_deadline_set_done(f->st, "d-done", 1, &changed), 0);
	add_notice(f->st, "n-old", "Old news", "Tokyo", "First line\nSecond line",
		   f->now - 5 * DAY);
	add_notice(f->st, "n-new", "Fresh news", "Digital Agency", "Body", f->now - DAY);
	add_notice(f->st, "n-read", "Read news", "Osaka", "Body", f->now - 2 * DAY);
	assert_int_equal(store_notice_mark_read(f->st, "n-read", 1), 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	store_close(f->st);
	nftw(f->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(f->dir);
	free(f);
	return 0;
}

/* To do: open deadlines by urgency, overdue first, each with its status in
 * words; then the unread notices, newest first. */
static void
test_todo(void **state)
{
	struct fixture *f = *state;
	struct view v;
	char *cause = NULL;

	view_init(&v);
	assert_int_equal(view_todo(&v, f->st, f->now, &cause), 0);
	assert_int_equal(v.screen, VIEW_TODO);
	assert_string_equal(v.title, "To do");
	assert_string_equal(v.summary, "1 of 4 done, 2 unread notices");
	assert_int_equal(v.nsections, 2);
	assert_string_equal(v.sections[0], "3 open deadlines");
	assert_string_equal(v.sections[1], "2 unread notices");
	assert_int_equal(v.nitems, 5);
	assert_int_equal(view_count(&v), 5);

	assert_string_equal(v.items[0].id, "d-late");
	assert_int_equal(v.items[0].kind, VIEW_ITEM_DEADLINE);
	assert_string_equal(v.items[0].label, "File the notification");
	assert_string_equal(v.items[0].status, "3 days overdue");
	assert_string_equal(v.items[1].id, "d-today");
	assert_string_equal(v.items[1].status, "due today");
	assert_string_equal(v.items[2].id, "d-soon");
	assert_string_equal(v.items[2].status, "in 6 days");
	assert_int_equal(v.items[2].section, 0);
	assert_true(v.items[2].ndetail >= 3);
	assert_non_null(strstr(v.items[2].detail[0], "Due: "));
	assert_non_null(strstr(v.items[2].detail[0], ", in 6 days"));
	assert_string_equal(v.items[2].detail[1], "Status: open");
	assert_string_equal(v.items[2].detail[2], "Procedure: renew");

	assert_string_equal(v.items[3].id, "n-new");
	assert_int_equal(v.items[3].kind, VIEW_ITEM_NOTICE);
	assert_string_equal(v.items[3].label, "Fresh news, from Digital Agency");
	assert_string_equal(v.items[3].status, "unread");
	assert_int_equal(v.items[3].section, 1);
	assert_string_equal(v.items[4].id, "n-old");

	assert_int_equal(view_find(&v, "d-soon"), 2);
	assert_int_equal(view_find(&v, "d-done"), -1);
	view_release(&v);
	assert_null(v.items);
	assert_int_equal(v.nitems, 0);
}

/* Japanese readers get the Japanese titles and dates. */
static void
test_todo_japanese(void **state)
{
	struct fixture *f = *state;
	struct view v;
	char *cause = NULL;

	i18n_init("ja");
	view_init(&v);
	assert_int_equal(view_todo(&v, f->st, f->now, &cause), 0);
	assert_string_equal(v.items[0].label, "届出");
	assert_string_equal(v.items[0].status, "3日超過");
	assert_string_equal(v.items[2].status, "あと6日");
	view_release(&v);
	i18n_init("en");
}

static void
test_notices(void **state)
{
	struct fixture *f = *state;
	struct view v;
	char *cause = NULL;

	view_init(&v);
	assert_int_equal(view_notices(&v, f->st, f->now, &cause), 0);
	assert_string_equal(v.title, "Notices");
	assert_string_equal(v.summary, "3 notices, 2 unread");
	assert_int_equal(v.nitems, 3);
	assert_string_equal(v.items[0].id, "n-new");
	assert_string_equal(v.items[1].id, "n-read");
	assert_string_equal(v.items[1].status, "read");
	assert_string_equal(v.items[2].id, "n-old");
	assert_string_equal(v.items[2].label, "Old news, from Tokyo");
	view_release(&v);
}

/* Detail screens: one line per item, labelled, wrapped at the width. */
static void
test_detail(void **state)
{
	struct fixture *f = *state;
	struct view v;
	char *cause = NULL;
	int found = -1;
	size_t i;

	view_init(&v);
	assert_int_equal(view_notice(&v, f->st, "n-old", f->now, 0, &found, &cause), 0);
	assert_int_equal(found, 1);
	assert_int_equal(v.screen, VIEW_NOTICE);
	assert_string_equal(v.subject, "n-old");
	assert_string_equal(v.title, "Old news");
	assert_string_equal(v.summary, "Notice, unread");
	assert_string_equal(v.items[0].label, "From: Tokyo");
	assert_non_null(strstr(v.items[1].label, "Published: "));
	assert_string_equal(v.items[2].label, "Status: unread");
	assert_string_equal(v.items[3].label, "Id: n-old");
	assert_string_equal(v.items[4].label, "");
	assert_string_equal(v.items[5].label, "First line");
	assert_string_equal(v.items[6].label, "Second line");
	assert_int_equal(view_count(&v), 0);

	assert_int_equal(view_deadline(&v, f->st, "d-soon", f->now, 12, &found, &cause), 0);
	assert_int_equal(found, 1);
	assert_string_equal(v.summary, "Deadline, in 6 days");
	assert_int_equal(v.subject_done, 0);
	for (i = 0; i < v.nitems; i++)
		assert_true(text_width(v.items[i].label) <= 12);
	assert_true(v.nitems > 4);

	assert_int_equal(view_deadline(&v, f->st, "d-done", f->now, 0, &found, &cause), 0);
	assert_int_equal(v.subject_done, 1);
	assert_string_equal(v.summary, "Deadline, done");
	assert_string_equal(v.items[1].label, "Status: done");

	assert_int_equal(view_deadline(&v, f->st, "d-nothing", f->now, 0, &found, &cause), 0);
	assert_int_equal(found, 0);
	assert_int_equal(v.nitems, 0);
	view_release(&v);
}

/* An empty store still gives a screen that says what to do. */
static void
test_empty(void **state)
{
	struct fixture *f = *state;
	struct store *st = NULL;
	struct view v;
	char *path = xasprintf("%s/empty.db", f->dir), *cause = NULL;

	assert_int_equal(store_open(path, &st, &cause), 0);
	view_init(&v);
	assert_int_equal(view_todo(&v, st, f->now, &cause), 0);
	assert_non_null(strstr(v.summary, "Press s to sync"));
	assert_int_equal(v.nitems, 1);
	assert_int_equal(v.items[0].kind, VIEW_ITEM_LINE);
	assert_string_equal(v.items[0].label, "No open deadlines.");
	assert_int_equal(view_count(&v), 0);
	assert_int_equal(view_notices(&v, st, f->now, &cause), 0);
	assert_string_equal(v.summary, "0 notices, 0 unread");
	assert_string_equal(v.items[0].label, "No notices yet.");
	view_release(&v);
	store_close(st);
	free(path);
}

/* Help lists exactly the keys of the screen it was asked on. */
static void
test_help(void **state)
{
	struct view v;
	size_t i;
	int has_done = 0, has_enter = 0, has_number = 0, has_quit = 0, has_back = 0;

	(void)state;
	view_init(&v);
	view_help(&v, VIEW_TODO, 0);
	assert_int_equal(v.screen, VIEW_HELP);
	assert_int_equal(v.help_for, VIEW_TODO);
	assert_string_equal(v.summary, "Keys for To do");
	for (i = 0; i < v.nitems; i++) {
		has_done |= strcmp(v.items[i].label, "d: Mark the deadline done") == 0;
		has_enter |= strncmp(v.items[i].label, "Enter: ", 7) == 0;
		has_quit |= strcmp(v.items[i].label, "q or Esc: Quit") == 0;
	}
	assert_true(has_done && has_enter && has_quit);

	view_help(&v, VIEW_NOTICE, 0);
	has_done = has_enter = 0;
	for (i = 0; i < v.nitems; i++) {
		has_done |= v.items[i].label[0] == 'd' && v.items[i].label[1] == ':';
		has_enter |= strncmp(v.items[i].label, "Enter: ", 7) == 0;
		has_back |= strcmp(v.items[i].label, "q or Esc: Go back") == 0;
	}
	assert_false(has_done);
	assert_false(has_enter);
	assert_true(has_back);

	view_help(&v, VIEW_TODO, 1);
	for (i = 0; i < v.nitems; i++) {
		has_number |= strncmp(v.items[i].label, "a number: ", 10) == 0;
		assert_null(strstr(v.items[i].label, "Down"));
	}
	assert_true(has_number);
	view_release(&v);
}

static void
test_keys(void **state)
{
	(void)state;
	assert_int_equal(keys_lookup(VIEW_TODO, 'j'), KEYS_DOWN);
	assert_int_equal(keys_lookup(VIEW_NOTICES, 'k'), KEYS_UP);
	assert_int_equal(keys_lookup(VIEW_TODO, 'd'), KEYS_DONE);
	assert_int_equal(keys_lookup(VIEW_NOTICES, 'd'), KEYS_NONE);
	assert_int_equal(keys_lookup(VIEW_DEADLINE, 'd'), KEYS_DONE);
	assert_int_equal(keys_lookup(VIEW_DEADLINE, '\n'), KEYS_NONE);
	assert_int_equal(keys_lookup(VIEW_TODO, 27), KEYS_BACK);
	assert_int_equal(keys_lookup(VIEW_HELP, '?'), KEYS_NONE);
	assert_int_equal(keys_lookup(VIEW_NOTICE, '1'), KEYS_TODO);
	assert_int_equal(keys_lookup_plain(VIEW_TODO, "n"), KEYS_NOTICES);
	assert_int_equal(keys_lookup_plain(VIEW_NOTICES, "t"), KEYS_TODO);
	assert_int_equal(keys_lookup_plain(VIEW_TODO, "j"), KEYS_NONE);
	assert_int_equal(keys_lookup_plain(VIEW_TODO, "q"), KEYS_BACK);
}

static void
test_news(void **state)
{
	char *s;

	(void)state;
	assert_null(view_news(0, 0));
	s = view_news(1, 0);
	assert_string_equal(s, "1 new notice");
	free(s);
	s = view_news(2, 1);
	assert_string_equal(s, "2 new notices, 1 new deadline");
	free(s);
	s = view_news(0, 3);
	assert_string_equal(s, "3 new deadlines");
	free(s);
}

static void
wrap_expect(const char *s, int cols, const char *const *want, size_t nwant)
{
	char **lines = NULL;
	size_t n = 0, i;

	view_wrap(s, cols, &lines, &n);
	assert_int_equal(n, nwant);
	for (i = 0; i < n; i++)
		assert_string_equal(lines[i], want[i]);
	view_lines_free(lines, n);
}

static void
test_wrap(void **state)
{
	static const char *const words[] = { "Renew the", "electronic", "certificates" };
	static const char *const nl[] = { "one", "", "two" };
	static const char *const jp[] = { "マイナン", "バーカー", "ド" };
	static const char *const cut[] = { "abcdefgh", "ijkl" };
	static const char *const whole[] = { "Renew the electronic certificates" };

	(void)state;
	wrap_expect("Renew the electronic certificates", 12, words, 3);
	wrap_expect("Renew the electronic certificates", 0, whole, 1);
	wrap_expect("one\n\ntwo", 20, nl, 3);
	/* Eight columns hold four Japanese characters. */
	wrap_expect("マイナンバーカード", 8, jp, 3);
	wrap_expect("abcdefghijkl", 8, cut, 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_todo, setup, teardown),
		cmocka_unit_test_setup_teardown(test_todo_japanese, setup, teardown),
		cmocka_unit_test_setup_teardown(test_notices, setup, teardown),
		cmocka_unit_test_setup_teardown(test_detail, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty, setup, teardown),
		cmocka_unit_test(test_help),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_news),
		cmocka_unit_test(test_wrap),
	};

	setenv("TZ", "Asia/Tokyo", 1);
	tzset();
	i18n_init("en");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
