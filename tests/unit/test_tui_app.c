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
#include "testdir.h"
#include "store.h"
#include "config.h"
#include "wire.h"
#include "../../tui/app.h"
#include "../../tui/wizard.h"

#define DAY 86400

struct fixture {
	char	     *dir;
	char	     *path;
	struct store *st;
	struct app    a;
};

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
	char *cause = NULL, *d;

	f->dir = testdir_new("app");
	if (f->dir == NULL)
		return -1;
	/* No config and no credentials: not signed in. */
	d = xasprintf("%s/config", f->dir);
	setenv("XDG_CONFIG_HOME", d, 1);
	free(d);
	d = xasprintf("%s/state", f->dir);
	setenv("XDG_STATE_HOME", d, 1);
	free(d);
	/* No mynad to talk to: its socket would be here. */
	d = xasprintf("%s/run", f->dir);
	setenv("XDG_RUNTIME_DIR", d, 1);
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
	testdir_remove(f->dir);
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

static void
add_procedure(struct store *st, const char *id, const char *json_text)
{
	struct wire_procedure p;
	char *cause = NULL;
	json_object *o = wire_parse(json_text, strlen(json_text), &cause);

	if (o == NULL || wire_procedure_from_json(o, id, &p, &cause) < 0)
		fail_msg("procedure %s: %s", id, cause);
	assert_int_equal(store_procedure_upsert(st, &p), 0);
	wire_procedure_release(&p);
	json_object_put(o);
}

#define FORM_PROC                                                                        \
	"{\"name\": {\"ja\": \"転出届\", \"en\": \"Moving-out notification\"},"        \
	" \"agency\": {\"ja\": \"区役所\", \"en\": \"City Office\"},"                 \
	" \"documents\": [], \"online\": true,"                                         \
	" \"fields\": [{\"name\": \"postal\", \"type\": \"text\","                      \
	"   \"label\": {\"ja\": \"郵便番号\", \"en\": \"Postal code\"}, \"required\": true,"\
	"   \"max_length\": 8, \"pattern\": \"[0-9]{3}-?[0-9]{4}\"},"                   \
	"  {\"name\": \"movers\", \"type\": \"choice\", \"label\": {\"en\": \"Who\", \"ja\": \"誰\"},"\
	"   \"required\": true, \"choices\": [{\"value\": \"all\", \"label\": {\"ja\": \"全員\", \"en\": \"All\"}},"\
	"   {\"value\": \"part\", \"label\": {\"ja\": \"一部\", \"en\": \"Some\"}}]}]}"

/* Search, details, the form: a keystroke is in the draft at once, a
 * refused answer keeps the field, the review, and the outbox. */
static void
test_apply(void **state)
{
	struct fixture *f = *state;
	struct app *a = &f->a;
	struct store_draft *ds = NULL;
	struct store_outbox *os = NULL;
	size_t nd = 0, no = 0;
	unsigned serial;

	add_procedure(f->st, "p-move", FORM_PROC);
	app_do(a, KEYS_SEARCH, 1);
	assert_int_equal(a->view.screen, VIEW_PROCEDURES);
	assert_true(a->editing);
	app_edit_insert(a, "転");
	app_edit_insert(a, "出");
	/* Delete at the cursor, and at the start nothing to delete. */
	app_edit_move(a, -1);
	app_edit_delete(a);
	assert_string_equal(a->echo_text, "出");
	assert_true(a->echo_deleted);
	app_edit_move(a, -2);
	serial = a->echo_serial;
	app_edit_backspace(a);
	assert_int_equal(a->echo_serial, serial);
	app_edit_move(a, 2);
	app_edit_insert(a, "出");
	assert_string_equal(a->echo_text, "出");
	assert_false(a->echo_deleted);
	app_edit_submit(a);
	assert_false(a->editing);
	assert_string_equal(a->view.summary, "1 found for \"転出\"");
	assert_string_equal(focused_id(a), "p-move");
	app_do(a, KEYS_OPEN, 1);
	assert_int_equal(a->view.screen, VIEW_PROCEDURE);
	app_do(a, KEYS_APPLY, 1);
	assert_int_equal(a->view.screen, VIEW_FORM);
	assert_non_null(a->wizard);
	assert_true(a->editing);
	assert_int_equal(a->view.items[app_focus(a)].kind, VIEW_ITEM_EDIT);

	app_edit_insert(a, "5");
	/* What was typed, for the speech presenter's echo. */
	assert_string_equal(a->echo_text, "5");
	assert_false(a->echo_deleted);
	app_edit_insert(a, "3");
	assert_int_equal(store_drafts_list(f->st, &ds, &nd), 0);
	assert_int_equal(nd, 1);
	assert_string_equal(ds[0].fields, "{\"postal\":\"53\"}");
	store_drafts_free(ds, nd);
	serial = a->echo_serial;
	app_edit_backspace(a);
	/* What was deleted. */
	assert_string_equal(a->echo_text, "3");
	assert_true(a->echo_deleted);
	assert_int_equal(a->echo_serial, serial + 1);
	app_edit_submit(a);
	assert_true(a->status_error);
	assert_non_null(strstr(a->status, "not in the form asked for"));
	assert_true(a->editing);
	app_edit_replace(a, "530-0001");
	app_edit_submit(a);
	assert_int_equal(a->view.screen, VIEW_FORM);
	assert_false(a->editing);
	assert_string_equal(focused_id(a), "all");
	app_do(a, KEYS_DOWN, 1);
	app_do(a, KEYS_OPEN, 1);
	assert_int_equal(a->view.screen, VIEW_REVIEW);
	assert_string_equal(a->view.items[1].status, "Some");
	app_do(a, KEYS_BACK, 1);
	assert_int_equal(a->view.screen, VIEW_FORM);
	assert_string_equal(focused_id(a), "part");
	app_do(a, KEYS_OPEN, 1);
	app_do(a, KEYS_LAST, 1);
	assert_string_equal(focused_id(a), "submit");
	app_do(a, KEYS_OPEN, 1);
	assert_null(a->wizard);
	assert_int_equal(a->view.screen, VIEW_APPLICATIONS);
	assert_non_null(strstr(a->status, "Queued: Moving-out notification"));
	assert_int_equal(store_outbox_list(f->st, 1, &os, &no), 0);
	assert_int_equal(no, 1);
	assert_string_equal(os[0].fields, "{\"postal\":\"530-0001\",\"movers\":\"part\"}");
	store_outbox_free(os, no);
	/* It waits in the outbox, listed as such. */
	assert_int_equal(a->view.items[0].kind, VIEW_ITEM_OUTBOX);
}

/* Leaving a form keeps its draft; To do lists it and Enter resumes it
 * at the question it was at, with the text typed. */
static void
test_resume(void **state)
{
	struct fixture *f = *state;
	struct app *a = &f->a;
	long i;

	add_procedure(f->st, "p-move", FORM_PROC);
	app_search(a, "moving");
	app_do(a, KEYS_APPLY, 1);
	app_edit_insert(a, "1");
	app_edit_insert(a, "2");
	app_do(a, KEYS_TODO, 1);
	assert_null(a->wizard);
	assert_non_null(strstr(a->status, "Your draft is saved"));
	i = -1;
	for (size_t k = 0; k < a->view.nitems; k++) {
		if (a->view.items[k].kind == VIEW_ITEM_DRAFT)
			i = (long)k;
	}
	assert_true(i >= 0);
	assert_string_equal(a->view.sections[a->view.items[i].section], "1 unfinished application");
	app_open(a, (size_t)i);
	assert_int_equal(a->view.screen, VIEW_FORM);
	assert_true(a->editing);
	assert_string_equal(a->edit.text, "12");
	/* Esc in the first question's field leaves the form. */
	app_edit_cancel(a);
	assert_null(a->wizard);
	assert_int_equal(a->view.screen, VIEW_TODO);
	/* x twice deletes the draft. */
	app_do(a, KEYS_APPLICATIONS, 1);
	assert_int_equal(a->view.items[0].kind, VIEW_ITEM_DRAFT);
	app_do(a, KEYS_DELETE, 1);
	assert_non_null(strstr(a->status, "Press x again"));
	app_do(a, KEYS_DELETE, 1);
	assert_non_null(strstr(a->status, "Deleted the draft"));
	assert_int_not_equal(a->view.items[0].kind, VIEW_ITEM_DRAFT);
}

/* z snoozes the focused deadline; f filters access records. */
static void
test_snooze_filter(void **state)
{
	struct fixture *f = *state;
	struct app *a = &f->a;
	struct wire_access l;
	time_t until = 0;

	app_do(a, KEYS_SNOOZE, 1);
	assert_int_equal(a->view.screen, VIEW_SNOOZE);
	assert_string_equal(a->view.subject, "d-late");
	assert_string_equal(focused_id(a), "86400");
	app_do(a, KEYS_OPEN, 1);
	assert_int_equal(a->view.screen, VIEW_TODO);
	assert_non_null(strstr(a->status, "No reminder until"));
	assert_int_equal(store_snooze_get(f->st, "d-late", &until), 0);
	assert_true(until > time(NULL) + 86000 && until <= time(NULL) + 86400);

	memset(&l, 0, sizeof l);
	l.id = (char *)"l-1";
	l.when = (char *)"2026-11-24T14:05:00+09:00";
	l.agency.en = (char *)"Pension Service";
	l.item.en = (char *)"Income";
	l.item.ja = (char *)"所得";
	l.agency.ja = (char *)"年金機構";
	l.purpose.ja = (char *)"審査";
	assert_int_equal(store_access_upsert(f->st, &l), 0);
	l.id = (char *)"l-2";
	l.agency.en = (char *)"City";
	l.agency.ja = (char *)"市";
	assert_int_equal(store_access_upsert(f->st, &l), 0);
	app_do(a, KEYS_ACCESS, 1);
	assert_int_equal(a->view.nitems, 2);
	app_do(a, KEYS_FILTER, 1);
	assert_int_equal(a->view.screen, VIEW_AGENCIES);
	assert_int_equal(a->view.nitems, 3);
	app_do(a, KEYS_DOWN, 1);
	assert_string_equal(focused_id(a), "City");
	app_do(a, KEYS_OPEN, 1);
	assert_int_equal(a->view.screen, VIEW_ACCESS);
	assert_int_equal(a->view.nitems, 1);
	assert_string_equal(focused_id(a), "l-2");
	assert_string_equal(a->status, "Showing the records of City only.");
}

/* Settings are changed and written to the config file at once. */
static void
test_settings(void **state)
{
	struct fixture *f = *state;
	struct app *a = &f->a;
	struct config *c = config_new(), *back = config_new();
	char *path = xasprintf("%s/config/myna/config", f->dir), *cause = NULL;

	app_set_config(a, c, path, 0);
	app_do(a, KEYS_SETTINGS, 1);
	assert_int_equal(a->view.screen, VIEW_SETTINGS);
	app_set_focus(a, (size_t)view_find(&a->view, "notifications"));
	app_do(a, KEYS_OPEN, 1);
	assert_string_equal(a->status, "Desktop notifications: off");
	app_set_focus(a, (size_t)view_find(&a->view, "reminder_offsets"));
	app_do(a, KEYS_OPEN, 1);
	assert_true(a->editing);
	assert_string_equal(a->edit.text, "30,7,3,1,0");
	app_edit_replace(a, "14, 2, 2");
	app_edit_submit(a);
	assert_true(a->status_error);
	assert_true(a->editing);
	app_edit_replace(a, "14, 2 ,0");
	app_edit_submit(a);
	assert_false(a->editing);
	assert_string_equal(a->status,
			    "Reminders, days before a deadline: 14 days, 2 days, on the day");
	assert_int_equal(config_load(back, path, &cause), 0);
	assert_string_equal(config_get(back, "notifications"), "off");
	assert_string_equal(config_get(back, "reminder_offsets"), "14,2,0");
	app_do(a, KEYS_REPEAT, 1);
	assert_non_null(strstr(a->status, "Speech is off"));
	config_free(back);
	config_free(c);
	free(path);
}

/* A status change of an application synced by another process is
 * announced by name. */
static void
test_application_news(void **state)
{
	struct fixture *f = *state;
	struct app *a = &f->a;
	struct wire_application ap;
	struct wire_status h[2];
	struct store *other = NULL;
	char *cause = NULL;

	memset(&ap, 0, sizeof ap);
	memset(h, 0, sizeof h);
	ap.id = (char *)"a-1";
	ap.procedure = (char *)"p-move";
	ap.procedure_name.en = (char *)"Moving-out notification";
	ap.status = (char *)"received";
	ap.submitted = ap.updated = (char *)"2026-11-20T10:00:00+09:00";
	h[0].status = (char *)"received";
	h[0].at = (char *)"2026-11-20T10:00:00+09:00";
	h[1].status = (char *)"needs_changes";
	h[1].at = (char *)"2026-11-21T10:00:00+09:00";
	h[1].message.en = (char *)"Add the room number.";
	ap.history = h;
	ap.nhistory = 1;
	assert_int_equal(store_open(f->path, &other, &cause), 0);
	assert_int_equal(store_application_upsert(other, &ap), 0);
	assert_int_equal(app_poll(a), 1);
	assert_string_equal(a->status, "Moving-out notification: received");
	ap.status = (char *)"needs_changes";
	ap.nhistory = 2;
	assert_int_equal(store_application_upsert(other, &ap), 0);
	assert_int_equal(app_poll(a), 1);
	assert_string_equal(a->status, "Moving-out notification: needs changes");
	assert_non_null(strstr(a->view.summary, "1 application to fix"));
	store_close(other);
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
		cmocka_unit_test_setup_teardown(test_apply, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resume, setup, teardown),
		cmocka_unit_test_setup_teardown(test_snooze_filter, setup, teardown),
		cmocka_unit_test_setup_teardown(test_settings, setup, teardown),
		cmocka_unit_test_setup_teardown(test_application_news, setup, teardown),
	};

	setenv("TZ", "Asia/Tokyo", 1);
	tzset();
	i18n_init("en");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
