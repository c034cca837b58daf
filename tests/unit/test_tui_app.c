/*
 * Unit tests for tui/app.c: the TUI's actions on a real store, and the
 * live update when another connection (mynad, `myna sync`) commits.
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
#include "../../tui/app.h"

#define DAY 86400

struct fixture {
	char	     *dir;
	char	     *path;
	struct store *st;
	struct app    a;
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
add_deadline(struct store *st, const char *id, const char *en, int days)
{
	struct wire_deadline d;
	char when[40];

	memset(&d, 0, sizeof d);
	d.id = (char *)id;
	d.title.ja = (char *)"期限";
	d.title.en = (char *)en;
	d.due = date_format(date_day_start(time(NULL), days) + 12 * 3600, when, sizeof when);
	assert_int_equal(store_deadline_upsert(st, &d), 0);
}

static void
add_notice(struct store *st, const char *id, const char *en, int days_ago)
{
	struct wire_notice n;
	char when[40];

	memset(&n, 0, sizeof n);
	n.id = (char *)id;
	n.title.ja = (char *)"お知らせ";
	n.title.en = (char *)en;
	n.sender.en = (char *)"Digital Agency";
	n.body.en = (char *)"Body";
	n.published = date_format(time(NULL) - days_ago * DAY, when, sizeof when);
	assert_int_equal(store_notice_upsert(st, &n), 0);
}

static int
setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof *f);
	const char *tmp = getenv("TMPDIR");
	char *cause = NULL, *d;

	f->dir = xasprintf("%s/myna-app.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	/* No config and no credentials: not signed in. */
	d = xasprintf("%s/config", f->dir);
	setenv("XDG_CONFIG_HOME", d, 1);
	free(d);
	d = xasprintf("%s/state", f->dir);
	setenv("XDG_STATE_HOME", d, 1);
	free(d);
	f->path = xasprintf("%s/myna.db", f->dir);
	if (store_open(f->path, &f->st, &cause) < 0)
		return -1;
	add_deadline(f->st, "d-late", "File the notification", -3);
	add_deadline(f->st, "d-today", "Pay the tax", 0);
	add_deadline(f->st, "d-soon", "Renew the certificate", 6);
	add_notice(f->st, "n-new", "Fresh news", 1);
	add_notice(f->st, "n-old", "Old news", 5);
	if (app_init(&f->a, f->st, 0, 0, &cause) < 0)
		return -1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	app_release(&f->a);
	store_close(f->st);
	nftw(f->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(f->dir);
	free(f->path);
	free(f);
	return 0;
}

static const char *
focused_id(const struct app *a)
{
	return a->view.items[app_focus(a)].id;
}

static void
test_move(void **state)
{
	struct fixture *f = *state;
	struct app *a = &f->a;

	assert_int_equal(a->view.screen, VIEW_TODO);
	assert_int_equal(a->view.nitems, 5);
	assert_string_equal(focused_id(a), "d-late");
	app_do(a, KEYS_UP, 1);
	assert_int_equal(app_focus(a), 0);
	app_do(a, KEYS_DOWN, 1);
	assert_string_equal(focused_id(a), "d-today");
	app_do(a, KEYS_LAST, 1);
	assert_string_equal(focused_id(a), "n-old");
	app_do(a, KEYS_DOWN, 1);
	assert_string_equal(focused_id(a), "n-old");
	app_do(a, KEYS_PAGE_UP, 3);
	assert_string_equal(focused_id(a), "d-today");
	app_do(a, KEYS_PAGE_DOWN, 10);
	assert_string_equal(focused_id(a), "n-old");
	app_do(a, KEYS_FIRST, 1);
	assert_string_equal(focused_id(a), "d-late");
}

/* Opening a notice reads it: back on To do it is no longer listed. */
static void
test_open_notice(void **state)
{
	struct fixture *f = *state;
	struct app *a = &f->a;
	struct store_notice n;
	int found = 0;

	app_set_focus(a, 3);
	assert_string_equal(focused_id(a), "n-new");
	app_do(a, KEYS_OPEN, 1);
	assert_int_equal(a->view.screen, VIEW_NOTICE);
	assert_string_equal(a->view.title, "Fresh news");
	assert_int_equal(store_notice_get(f->st, "n-new", &n, &found), 0);
	assert_int_equal(found, 1);
	assert_int_equal(n.read, 1);
	store_notice_release(&n);
	app_do(a, KEYS_DONE, 1);
	assert_non_null(a->status);
	assert_non_null(strstr(a->status, "Only a deadline"));

	app_do(a, KEYS_BACK, 1);
	assert_int_equal(a->view.screen, VIEW_TODO);
	assert_int_equal(view_find(&a->view, "n-new"), -1);
	/* The focus stays where the notice was: on the next one. */
	assert_string_equal(focused_id(a), "n-old");
}

/* d on To do marks the focused deadline done and says so. */
static void
test_done(void **state)
{
	struct fixture *f = *state;
	struct app *a = &f->a;
	struct store_deadline d;
	int found = 0;

	app_do(a, KEYS_DONE, 1);
	assert_string_equal(a->status, "Marked done: File the notification");
	assert_int_equal(view_find(&a->view, "d-late"), -1);
	assert_string_equal(focused_id(a), "d-today");
	assert_string_equal(a->view.summary, "1 of 3 done, 2 unread notices");
	assert_int_equal(store_deadline_get(f->st, "d-late", &d, &found), 0);
	assert_int_equal(d.done, 1);
	store_deadline_release(&d);

	/* In the detail screen d toggles. */
	app_do(a, KEYS_OPEN, 1);
	assert_int_equal(a->view.screen, VIEW_DEADLINE);
	assert_string_equal(a->view.subject, "d-today");
	app_do(a, KEYS_DONE, 1);
	assert_string_equal(a->status, "Marked done: Pay the tax");
	assert_int_equal(a->view.subject_done, 1);
	app_do(a, KEYS_DONE, 1);
	assert_string_equal(a->status, "Marked open again: Pay the tax");
	assert_int_equal(a->view.subject_done, 0);

	/* Enter on a line that is not an item opens nothing. */
	app_do(a, KEYS_OPEN, 1);
	assert_int_equal(a->view.screen, VIEW_DEADLINE);
}

/* Help lists the keys of the screen it came from; back returns there. */
static void
test_navigation(void **state)
{
	struct fixture *f = *state;
	struct app *a = &f->a;

	app_do(a, KEYS_DOWN, 1);
	app_do(a, KEYS_HELP, 1);
	assert_int_equal(a->view.screen, VIEW_HELP);
	assert_int_equal(a->view.help_for, VIEW_TODO);
	app_do(a, KEYS_BACK, 1);
	assert_int_equal(a->view.screen, VIEW_TODO);
	assert_string_equal(focused_id(a), "d-today");

	app_do(a, KEYS_NOTICES, 1);
	assert_int_equal(a->view.screen, VIEW_NOTICES);
	assert_int_equal(a->depth, 1);
	app_do(a, KEYS_OPEN, 1);
	assert_int_equal(a->view.screen, VIEW_NOTICE);
	app_do(a, KEYS_HELP, 1);
	assert_int_equal(a->view.help_for, VIEW_NOTICE);
	app_do(a, KEYS_TODO, 1);
	assert_int_equal(a->view.screen, VIEW_TODO);
	assert_int_equal(a->depth, 1);
	app_do(a, KEYS_NOTICES, 1);
	app_do(a, KEYS_BACK, 1);
	assert_int_equal(a->view.screen, VIEW_TODO);
	assert_int_equal(a->quit, 0);
	app_do(a, KEYS_BACK, 1);
	assert_int_equal(a->quit, 1);
}

/* Another process commits: the view is rebuilt, the focus stays on the
 * same item though its position moved, and the news is announced. */
static void
test_live_update(void **state)
{
	struct fixture *f = *state;
	struct app *a = &f->a;
	struct store *other = NULL;
	char *cause = NULL;

	assert_int_equal(app_poll(a), 0);
	app_set_focus(a, 2);
	assert_string_equal(focused_id(a), "d-soon");

	assert_int_equal(store_open(f->path, &other, &cause), 0);
	assert_int_equal(store_begin(other), 0);
	add_deadline(other, "d-new", "Brand new", 1);
	add_notice(other, "n-newer", "Newer news", 0);
	assert_int_equal(store_commit(other), 0);

	assert_int_equal(app_poll(a), 1);
	assert_non_null(a->status);
	assert_string_equal(a->status, "1 new notice, 1 new deadline");
	assert_string_equal(focused_id(a), "d-soon");
	assert_int_equal(app_focus(a), 3);
	assert_int_equal(view_find(&a->view, "d-new"), 2);
	assert_int_equal(app_poll(a), 0);

	/* A change that adds nothing rebuilds quietly. */
	app_announce(a, NULL);
	assert_int_equal(store_notice_mark_read(other, "n-old", 1), 0);
	assert_int_equal(app_poll(a), 1);
	assert_null(a->status);
	assert_int_equal(view_find(&a->view, "n-old"), -1);

	/* The open item vanishes: back to the list, with a word why. */
	app_set_focus(a, (size_t)view_find(&a->view, "d-new"));
	app_do(a, KEYS_OPEN, 1);
	assert_int_equal(a->view.screen, VIEW_DEADLINE);
	assert_int_equal(store_deadline_delete(other, "d-new"), 0);
	assert_int_equal(app_poll(a), 1);
	assert_int_equal(a->view.screen, VIEW_TODO);
	assert_non_null(strstr(a->status, "no longer there"));
	store_close(other);
}

/* s without a sign-in says what to do instead of failing silently. */
static void
test_sync_signed_out(void **state)
{
	struct fixture *f = *state;
	struct app *a = &f->a;

	app_do(a, KEYS_SYNC, 1);
	assert_non_null(a->status);
	assert_non_null(strstr(a->status, "Could not sync"));
	assert_non_null(strstr(a->status, "myna login"));
	assert_int_equal(a->view.screen, VIEW_TODO);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_move, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_notice, setup, teardown),
		cmocka_unit_test_setup_teardown(test_done, setup, teardown),
		cmocka_unit_test_setup_teardown(test_navigation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_live_update, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sync_signed_out, setup, teardown),
	};

	setenv("TZ", "Asia/Tokyo", 1);
	tzset();
	i18n_init("en");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
