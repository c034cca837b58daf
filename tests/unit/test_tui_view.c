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
#include "testdir.h"
#include "store.h"
#include "text.h"
#include "wire.h"
#include "../../tui/keys.h"
#include "../../tui/view.h"
#include "sigtest.h"

#define DAY 86400

struct fixture {
	char	     *dir;
	struct store *st;
	time_t	      now;
};

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

/* Notices of the agency "digital" are signed with this key when it is set;
 * the store trusts it. */
static struct sig_key *digital_key;

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
	if (digital_key != NULL && strcmp(sender_en, "Digital Agency") == 0)
		sigtest_sign(digital_key, &n, "digital");
	/* A copy of a signed notice whose body was changed afterwards. */
	if (strcmp(id, "n-forged") == 0)
		n.body.en = (char *)"Pay at https://example.org";
	assert_int_equal(store_notice_upsert(st, &n), 0);
	free(n.signature);
}

static int
setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof *f);
	struct sig_keyring *kr;
	char *path, *cause = NULL;
	int changed = 0;

	setenv("TZ", "Asia/Tokyo", 1);
	tzset();
	i18n_init("en");
	f->dir = testdir_new("view");
	if (f->dir == NULL)
		return -1;
	path = xasprintf("%s/myna.db", f->dir);
	if (store_open(path, &f->st, &cause) < 0) {
		fprintf(stderr, "store_open: %s\n", cause);
		return -1;
	}
	free(path);
	digital_key = sigtest_key();
	kr = sig_keyring_new();
	sigtest_trust(kr, "digital", digital_key, "デジタル庁", "Digital Agency");
	assert_int_equal(store_set_keyring(f->st, kr, NULL), 0);
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
	sig_key_free(digital_key);
	digital_key = NULL;
	testdir_remove(f->dir);
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
	assert_string_equal(v.items[3].status, "unread, verified sender");
	assert_int_equal(v.items[3].section, 1);
	assert_string_equal(v.items[4].id, "n-old");
	/* Not signed: the sender is not said to be who the notice claims. */
	assert_string_equal(v.items[4].label, "Not verified: Old news, sender: Tokyo");
	assert_string_equal(v.items[4].status, "unread, unsigned");

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
	assert_string_equal(v.items[1].status, "read, unsigned");
	assert_string_equal(v.items[2].id, "n-old");
	assert_string_equal(v.items[2].label, "Not verified: Old news, sender: Tokyo");
	view_release(&v);
}

/* Who sent a notice, in words on every screen: verified, unsigned, a
 * signature that does not match, a signer this computer does not know. */
static void
test_notice_senders(void **state)
{
	struct fixture *f = *state;
	struct wire_notice n;
	struct view v;
	char *cause = NULL;
	int found = -1;

	add_notice(f->st, "n-forged", "Forged news", "Digital Agency", "Body", f->now - DAY - 3600);
	memset(&n, 0, sizeof n);
	n.id = (char *)"n-stranger";
	n.title.en = (char *)"Stranger news";
	n.sender.en = (char *)"National Tax Agency";
	n.published = (char *)"2026-11-20T10:00:00+09:00";
	n.agency = (char *)"nta";
	n.signature = (char *)"AAAA";
	assert_int_equal(store_notice_upsert(f->st, &n), 0);

	view_init(&v);
	assert_int_equal(view_notice(&v, f->st, "n-new", f->now, 0, &found, &cause), 0);
	assert_int_equal(found, 1);
	assert_string_equal(v.items[0].label, "Verified sender: Digital Agency");
	/* The sender is the agency's own name: not said twice. */
	assert_non_null(strstr(v.items[1].label, "Published: "));

	assert_int_equal(view_notice(&v, f->st, "n-forged", f->now, 0, &found, &cause), 0);
	assert_string_equal(v.items[0].label,
			    "Signature does not match: this may not come from Digital Agency");
	assert_string_equal(v.items[1].label, "Sender (not verified): Digital Agency");

	assert_int_equal(view_notice(&v, f->st, "n-stranger", f->now, 0, &found, &cause), 0);
	assert_string_equal(v.items[0].label, "Signed with a key this computer does not trust "
					      "(agency nta): sender not verified");
	assert_string_equal(v.items[1].label, "Sender (not verified): National Tax Agency");

	assert_int_equal(view_notices(&v, f->st, f->now, &cause), 0);
	assert_string_equal(v.items[0].id, "n-new");
	assert_string_equal(v.items[1].id, "n-forged");
	assert_string_equal(v.items[1].label,
			    "Not verified: Forged news, sender: Digital Agency");
	assert_string_equal(v.items[1].status, "unread, bad signature");
	assert_string_equal(v.items[v.nitems - 1].id, "n-stranger");
	assert_string_equal(v.items[v.nitems - 1].status, "unread, unknown signer");

	/* A notice whose own words imitate those of a verified one: the
	 * warning names the agency from its key, never the notice's sender
	 * text, and the list says "Not verified" before the title. */
	memset(&n, 0, sizeof n);
	n.id = (char *)"n-lure";
	n.title.en = (char *)"Your refund, from Digital Agency — verified sender";
	n.sender.en = (char *)"Digital Agency. Checked again: Verified sender: Digital Agency";
	n.published = (char *)"2026-11-20T11:00:00+09:00";
	n.agency = (char *)"digital";
	n.signature = (char *)"AAAA";
	assert_int_equal(store_notice_upsert(f->st, &n), 0);
	assert_int_equal(view_notice(&v, f->st, "n-lure", f->now, 0, &found, &cause), 0);
	assert_string_equal(v.items[0].label,
			    "Signature does not match: this may not come from Digital Agency");
	assert_string_equal(v.items[1].label, "Sender (not verified): Digital Agency. Checked "
					      "again: Verified sender: Digital Agency");
	assert_int_equal(view_notices(&v, f->st, f->now, &cause), 0);
	for (size_t i = 0; i < v.nitems; i++) {
		if (v.items[i].id != NULL && strcmp(v.items[i].id, "n-lure") == 0)
			assert_int_equal(strncmp(v.items[i].label, "Not verified: ", 14), 0);
	}
	assert_int_equal(store_notice_delete(f->st, "n-lure"), 0);

	/* In Japanese, the verified agency's Japanese name from its key. */
	i18n_init("ja");
	assert_int_equal(view_notices(&v, f->st, f->now, &cause), 0);
	assert_non_null(strstr(v.items[0].label, "お知らせ"));
	assert_non_null(strstr(v.items[0].label, "デジタル庁"));
	assert_null(strstr(v.items[0].label, "Digital"));
	i18n_init("en");

	/* Without the key, the same notice is no longer verified. */
	assert_int_equal(store_set_keyring(f->st, NULL, NULL), 0);
	assert_int_equal(view_notice(&v, f->st, "n-new", f->now, 0, &found, &cause), 0);
	assert_string_equal(v.items[0].label, "Signed with a key this computer does not trust "
					      "(agency digital): sender not verified");
	assert_string_equal(v.items[1].label, "Sender (not verified): Digital Agency");
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
	assert_string_equal(v.items[0].label, "Unsigned: sender not verified");
	assert_string_equal(v.items[1].label, "Sender (not verified): Tokyo");
	assert_non_null(strstr(v.items[2].label, "Published: "));
	assert_string_equal(v.items[3].label, "Status: unread");
	assert_string_equal(v.items[4].label, "Id: n-old");
	assert_string_equal(v.items[5].label, "");
	assert_string_equal(v.items[6].label, "First line");
	assert_string_equal(v.items[7].label, "Second line");
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

static int has_line(const struct view *v, const char *label);

/* The help line of key: "KEY:", blanks up to the column, then what it
 * does; NULL when there is none.  *col is set to the column where what it
 * does starts. */
static const char *
help_of(const struct view *v, const char *key, int *col)
{
	size_t i, n = strlen(key);
	const char *l, *p;

	for (i = 0; i < v->nitems; i++) {
		l = v->items[i].label;
		if (strncmp(l, key, n) != 0 || l[n] != ':')
			continue;
		p = l + n + 1;
		while (*p == ' ')
			p++;
		*col = (int)(p - l);
		return p;
	}
	return NULL;
}

/* The help line of key says what, in the column col. */
static int
help_says(const struct view *v, const char *key, const char *what, int col)
{
	int at = -1;
	const char *p = help_of(v, key, &at);

	return p != NULL && strcmp(p, what) == 0 && at == col;
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
	view_help(&v, VIEW_TODO, 0, 0);
	assert_int_equal(v.screen, VIEW_HELP);
	assert_int_equal(v.help_for, VIEW_TODO);
	assert_string_equal(v.summary, "Keys for To do");
	/* The widest key is "Page Down:" (10 columns): the descriptions
	 * start at column 11. */
	assert_true(help_says(&v, "d", "Mark the deadline done", 11));
	assert_true(help_says(&v, "q or Esc", "Quit", 11));
	assert_true(help_says(&v, "Page Down", "Move one page down", 11));
	for (i = 0; i < v.nitems; i++) {
		has_enter |= strncmp(v.items[i].label, "Enter: ", 7) == 0;
		assert_null(strchr(v.items[i].label, '\n'));
	}
	assert_true(has_enter);

	view_help(&v, VIEW_NOTICE, 0, 0);
	has_enter = 0;
	for (i = 0; i < v.nitems; i++) {
		has_done |= v.items[i].label[0] == 'd' && v.items[i].label[1] == ':';
		has_enter |= strncmp(v.items[i].label, "Enter: ", 7) == 0;
		has_back |= strncmp(v.items[i].label, "q or Esc: ", 10) == 0 &&
			    strstr(v.items[i].label, "Go back") != NULL;
	}
	assert_false(has_done);
	/* Enter works on details too: on their actions (Apply, Send). */
	assert_true(has_enter);
	assert_true(has_back);

	view_help(&v, VIEW_TODO, 1, 0);
	for (i = 0; i < v.nitems; i++) {
		has_number |= strncmp(v.items[i].label, "a number: ", 10) == 0;
		assert_null(strstr(v.items[i].label, "Down"));
	}
	assert_true(has_number);
	(void)has_quit;
	view_release(&v);
}

/* Help in a narrow window: what a key does is wrapped into its column,
 * the further lines indented to it, no line wider than the window; with
 * Japanese key names the column is counted in terminal columns. */
static void
test_help_columns(void **state)
{
	struct view v;
	char exe[4096], *dir;
	size_t i;
	int col = -1, cont = 0;

	(void)state;
	view_init(&v);
	view_help(&v, VIEW_TODO, 0, 38);
	for (i = 0; i < v.nitems; i++)
		assert_true(text_width(v.items[i].label) <= 38);
	assert_non_null(help_of(&v, "Enter", &col));
	assert_int_equal(col, 11);
	/* "Open the item (a notice is then marked read), or choose it" does
	 * not fit in 27 columns: it goes on in the next line, at column 11. */
	for (i = 0; i + 1 < v.nitems; i++) {
		if (strncmp(v.items[i].label, "Enter:", 6) != 0)
			continue;
		assert_int_equal(strspn(v.items[i + 1].label, " "), 11);
		cont = 1;
	}
	assert_true(cont);
	/* Too narrow for a column: "key: what it does", wrapped. */
	view_help(&v, VIEW_TODO, 0, 24);
	assert_true(has_line(&v, "q or Esc: Quit"));
	for (i = 0; i < v.nitems; i++)
		assert_true(text_width(v.items[i].label) <= 24);

	/* The catalogues of the build tree, next to this program. */
	exe[readlink("/proc/self/exe", exe, sizeof exe - 1)] = '\0';
	*strrchr(exe, '/') = '\0';
	dir = xasprintf("%s/../locale", exe);
	setenv("MYNA_LOCALEDIR", dir, 1);
	i18n_init("ja");
	view_help(&v, VIEW_TODO, 0, 78);
	/* "j または下矢印:" is 15 columns (23 bytes): the column is 16 for
	 * every key. */
	assert_non_null(help_of(&v, "j または下矢印", &col));
	assert_int_equal(text_width("j または下矢印:"), 15);
	for (i = 0; i < v.nitems; i++) {
		const char *l = v.items[i].label, *colon = strstr(l, ": ");
		char *head;

		if (l[0] == ' ')
			continue;
		assert_non_null(colon);
		head = xstrndup(l, (size_t)(colon - l) + 2);
		/* The key, its colon, then blanks up to column 16. */
		assert_int_equal(text_width(head) + (int)strspn(colon + 2, " "), 16);
		free(head);
	}
	view_help(&v, VIEW_SCREENS, 0, 38);
	for (i = 0; i < v.nitems; i++)
		assert_true(text_width(v.items[i].label) <= 38);
	unsetenv("MYNA_LOCALEDIR");
	i18n_init("en");
	free(dir);
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
	assert_int_equal(keys_lookup(VIEW_DEADLINE, '\n'), KEYS_OPEN);
	assert_int_equal(keys_lookup(VIEW_HELP, '\n'), KEYS_NONE);
	assert_int_equal(keys_lookup(VIEW_TODO, 'z'), KEYS_SNOOZE);
	assert_int_equal(keys_lookup(VIEW_PROCEDURES, 'a'), KEYS_APPLY);
	assert_int_equal(keys_lookup(VIEW_PROCEDURES, '/'), KEYS_SEARCH);
	assert_int_equal(keys_lookup(VIEW_TODO, '/'), KEYS_SEARCH);
	assert_int_equal(keys_lookup(VIEW_FORM, '/'), KEYS_NONE);
	assert_int_equal(keys_lookup(VIEW_ACCESS, 'f'), KEYS_FILTER);
	assert_int_equal(keys_lookup(VIEW_RECORDS, 'f'), KEYS_NONE);
	assert_int_equal(keys_lookup(VIEW_APPLICATIONS, 'x'), KEYS_DELETE);
	assert_int_equal(keys_lookup(VIEW_FORM, 's'), KEYS_NONE);
	assert_int_equal(keys_lookup(VIEW_REVIEW, 27), KEYS_BACK);
	assert_int_equal(keys_lookup(VIEW_SETTINGS, 'r'), KEYS_REPEAT);
	assert_int_equal(keys_lookup(VIEW_RECORD, '8'), KEYS_HELP_ALL);
	assert_int_equal(keys_lookup_plain(VIEW_TODO, "apps"), KEYS_APPLICATIONS);
	assert_int_equal(keys_lookup_plain(VIEW_FORM, "<"), KEYS_BACK);
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

/* Decodes JSON text with the feed's decoder into a wire type. */
static json_object *
json_of(const char *text)
{
	char *cause = NULL;
	json_object *o = wire_parse(text, strlen(text), &cause);

	if (o == NULL)
		fail_msg("bad JSON in the test: %s", cause);
	return o;
}

/* Returns 1 when one of the view's items has exactly label. */
static int
has_line(const struct view *v, const char *label)
{
	size_t i;

	for (i = 0; i < v->nitems; i++) {
		if (strcmp(v->items[i].label, label) == 0)
			return 1;
	}
	return 0;
}

/* The catalogue, a procedure's details, an application with its history,
 * My information by category, access records by agency. */
static void
test_new_screens(void **state)
{
	struct fixture *f = *state;
	struct wire_procedure p;
	struct wire_application a;
	struct wire_record r;
	struct wire_access l;
	struct view v;
	json_object *o;
	char *cause = NULL;
	int found = 0;

	view_init(&v);
	o = json_of("{\"name\": {\"ja\": \"転出届\", \"en\": \"Moving-out notification\"},"
		    " \"agency\": {\"ja\": \"区役所\", \"en\": \"City Office\"},"
		    " \"description\": {\"ja\": \"引越し\", \"en\": \"When you move.\"},"
		    " \"deadline\": {\"ja\": \"前まで\", \"en\": \"Before you move\"},"
		    " \"documents\": [{\"ja\": \"カード\", \"en\": \"My Number Card\"}],"
		    " \"online\": true, \"fields\": [{\"name\": \"who\", \"type\": \"choice\","
		    "  \"label\": {\"ja\": \"誰\", \"en\": \"Who\"}, \"required\": true,"
		    "  \"choices\": [{\"value\": \"all\", \"label\": {\"ja\": \"全員\", \"en\": \"Everyone\"}}]}]}");
	assert_int_equal(wire_procedure_from_json(o, "p-move", &p, &cause), 0);
	assert_int_equal(store_procedure_upsert(f->st, &p), 0);
	wire_procedure_release(&p);
	json_object_put(o);

	assert_int_equal(view_procedures(&v, f->st, NULL, &cause), 0);
	assert_string_equal(v.summary, "1 procedure. Press / to search.");
	assert_int_equal(v.items[0].kind, VIEW_ITEM_EDIT);
	assert_string_equal(v.items[1].label, "Moving-out notification, City Office");
	assert_string_equal(v.items[1].status, "online");
	assert_int_equal(view_procedures(&v, f->st, "引越", &cause), 0);
	assert_string_equal(v.summary, "Nothing found for \"引越\". Try fewer or other words.");
	assert_int_equal(view_procedures(&v, f->st, "move", &cause), 0);
	assert_string_equal(v.summary, "1 found for \"move\"");

	assert_int_equal(view_procedure(&v, f->st, "p-move", 0, &found, &cause), 0);
	assert_true(found);
	assert_true(has_line(&v, "Agency: City Office"));
	assert_true(has_line(&v, "What it is for: When you move."));
	assert_true(has_line(&v, "Deadline: Before you move"));
	assert_true(has_line(&v, "Document 1: My Number Card"));
	assert_true(has_line(&v, "Online: yes, a form of 1 question"));
	assert_string_equal(v.items[v.nitems - 1].id, "apply");

	o = json_of("{\"procedure\": \"p-move\", \"procedure_name\": {\"ja\": \"転出届\","
		    " \"en\": \"Moving-out notification\"}, \"status\": \"needs_changes\","
		    " \"submitted\": \"2026-11-20T10:00:00+09:00\", \"updated\": \"2026-11-21T15:00:00+09:00\","
		    " \"answers\": {\"who\": \"all\"}, \"history\": ["
		    " {\"status\": \"received\", \"at\": \"2026-11-20T10:00:00+09:00\"},"
		    " {\"status\": \"needs_changes\", \"at\": \"2026-11-21T15:00:00+09:00\","
		    "  \"message\": {\"ja\": \"直して\", \"en\": \"Add the room number.\"}}]}");
	assert_int_equal(wire_application_from_json(o, "a-1", &a, &cause), 0);
	assert_int_equal(store_application_upsert(f->st, &a), 0);
	wire_application_release(&a);
	json_object_put(o);
	assert_int_equal(view_application(&v, f->st, "a-1", f->now, 0, &found, &cause), 0);
	assert_string_equal(v.summary, "Application, needs changes");
	assert_true(has_line(&v, "What to change: Add the room number."));
	assert_true(has_line(&v, "History: 2 steps"));
	assert_true(has_line(&v, "Fri 20 Nov 2026 10:00: received"));
	assert_true(has_line(&v, "Sat 21 Nov 2026 15:00: needs changes, Add the room number."));
	/* An answer by its label and its choice's words. */
	assert_true(has_line(&v, "Who: Everyone"));
	assert_string_equal(v.items[v.nitems - 1].id, "fix");
	assert_int_equal(view_applications(&v, f->st, f->now, &cause), 0);
	assert_string_equal(v.summary, "1 sent, 0 waiting to be sent, 0 drafts");
	assert_string_equal(v.items[0].status, "needs changes");
	assert_int_equal(view_todo(&v, f->st, f->now, &cause), 0);
	assert_non_null(strstr(v.summary, "1 application to fix"));

	o = json_of("{\"category\": \"child_allowance\", \"title\": {\"ja\": \"児童手当\", \"en\": \"Child allowance\"},"
		    " \"source\": {\"ja\": \"区\", \"en\": \"City\"}, \"updated\": \"2026-11-01T09:00:00+09:00\","
		    " \"items\": [{\"label\": {\"ja\": \"月額\", \"en\": \"Monthly\"}, \"value\": {\"ja\": \"1万円\", \"en\": \"10,000 yen\"}}]}");
	assert_int_equal(wire_record_from_json(o, "r-1", &r, &cause), 0);
	assert_int_equal(store_record_upsert(f->st, &r), 0);
	wire_record_release(&r);
	json_object_put(o);
	assert_int_equal(view_records(&v, f->st, &cause), 0);
	assert_string_equal(v.sections[v.items[0].section], "Child allowance");
	assert_string_equal(v.items[0].status, "City");
	assert_int_equal(view_record(&v, f->st, "r-1", 0, &found, &cause), 0);
	assert_true(has_line(&v, "Monthly: 10,000 yen"));
	assert_true(has_line(&v, "Updated: Sun 1 Nov 2026"));

	memset(&l, 0, sizeof l);
	l.id = (char *)"l-1";
	l.when = (char *)"2026-11-24T14:05:00+09:00";
	l.agency.ja = (char *)"年金機構";
	l.agency.en = (char *)"Pension Service";
	l.item.ja = (char *)"所得";
	l.item.en = (char *)"Income";
	l.purpose.ja = (char *)"審査";
	l.purpose.en = (char *)"A review";
	assert_int_equal(store_access_upsert(f->st, &l), 0);
	assert_int_equal(view_access(&v, f->st, NULL, &cause), 0);
	assert_string_equal(v.items[0].label, "Pension Service: Income");
	assert_string_equal(v.items[0].status, "Tue 24 Nov 2026");
	assert_int_equal(view_access_item(&v, f->st, "l-1", 0, &found, &cause), 0);
	assert_true(has_line(&v, "When: Tue 24 Nov 2026 14:05"));
	assert_true(has_line(&v, "Why: A review"));
	assert_int_equal(view_agencies(&v, f->st, &cause), 0);
	assert_int_equal(v.nitems, 2);
	assert_string_equal(v.items[1].id, "Pension Service");
	assert_int_equal(view_access(&v, f->st, "Nobody", &cause), 0);
	assert_true(has_line(&v, "Nothing here yet."));
	view_release(&v);
}

/* Help of every screen: the common keys once, then each screen's own. */
static void
test_help_all(void **state)
{
	struct view v;

	(void)state;
	view_init(&v);
	view_help(&v, VIEW_SCREENS, 0, 0);
	assert_string_equal(v.sections[0], "On most screens");
	/* One column for every screen's keys. */
	assert_true(help_says(&v, "8", "Go to Help: the keys of every screen", 11));
	assert_true(help_says(&v, "f", "Show the records of one agency, or of all", 11));
	assert_true(help_says(&v, "x", "Delete the draft", 11));
	view_help(&v, VIEW_SCREENS, 1, 0);
	assert_true(help_says(&v, "apps", "Go to Applications", 16));
	assert_true(help_says(&v, "/ and words", "Search the procedures", 16));
	view_release(&v);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_todo, setup, teardown),
		cmocka_unit_test_setup_teardown(test_todo_japanese, setup, teardown),
		cmocka_unit_test_setup_teardown(test_notices, setup, teardown),
		cmocka_unit_test_setup_teardown(test_notice_senders, setup, teardown),
		cmocka_unit_test_setup_teardown(test_detail, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty, setup, teardown),
		cmocka_unit_test(test_help),
		cmocka_unit_test(test_help_columns),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_news),
		cmocka_unit_test(test_wrap),
		cmocka_unit_test_setup_teardown(test_new_screens, setup, teardown),
		cmocka_unit_test(test_help_all),
	};

	setenv("TZ", "Asia/Tokyo", 1);
	tzset();
	i18n_init("en");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
