/*
 * Unit tests for tui/wizard.c: one question at a time against a real store,
 * answers checked as the server checks them, the draft saved on every
 * change and resumed where it was, the review, and the outbox.
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

#include "i18n.h"
#include "mem.h"
#include "testdir.h"
#include "store.h"
#include "wire.h"
#include "../../tui/wizard.h"

struct fixture {
	char	     *dir;
	struct store *st;
};

#define FORM                                                                                     \
	"{\"name\": {\"ja\": \"届\", \"en\": \"The form\"}, \"agency\": {\"ja\": \"区\"},"      \
	" \"documents\": [], \"online\": true, \"fields\": ["                                      \
	" {\"name\": \"postal\", \"type\": \"text\", \"label\": {\"ja\": \"郵便番号\", \"en\": \"Postal code\"},"\
	"  \"required\": true, \"max_length\": 8, \"pattern\": \"[0-9]{3}-?[0-9]{4}\","          \
	"  \"help\": {\"ja\": \"例：530-0001\", \"en\": \"For example 530-0001\"}},"              \
	" {\"name\": \"people\", \"type\": \"number\", \"label\": {\"ja\": \"人数\", \"en\": \"People\"},"\
	"  \"required\": true, \"min\": 1, \"max\": 9},"                                          \
	" {\"name\": \"day\", \"type\": \"date\", \"label\": {\"ja\": \"日\", \"en\": \"Day\"}, \"required\": true},"\
	" {\"name\": \"who\", \"type\": \"choice\", \"label\": {\"ja\": \"誰\", \"en\": \"Who\"},"  \
	"  \"required\": true, \"choices\": [{\"value\": \"all\", \"label\": {\"ja\": \"全員\", \"en\": \"All\"}},"\
	"  {\"value\": \"part\", \"label\": {\"ja\": \"一部\", \"en\": \"Some\"}}]},"             \
	" {\"name\": \"agree\", \"type\": \"bool\", \"label\": {\"ja\": \"同意\", \"en\": \"I agree\"}, \"required\": true},"\
	" {\"name\": \"note\", \"type\": \"text\", \"label\": {\"ja\": \"備考\", \"en\": \"Note\"}, \"required\": false}]}"

static void
add_procedure(struct store *st, const char *id, const char *text)
{
	struct wire_procedure p;
	char *cause = NULL;
	json_object *o = wire_parse(text, strlen(text), &cause);

	if (o == NULL || wire_procedure_from_json(o, id, &p, &cause) < 0)
		fail_msg("procedure: %s", cause);
	assert_int_equal(store_procedure_upsert(st, &p), 0);
	wire_procedure_release(&p);
	json_object_put(o);
}

static int
setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof *f);
	char *cause = NULL, *path;

	f->dir = testdir_new("wizard");
	if (f->dir == NULL)
		return -1;
	path = xasprintf("%s/myna.db", f->dir);
	if (store_open(path, &f->st, &cause) < 0)
		return -1;
	free(path);
	add_procedure(f->st, "p-form", FORM);
	add_procedure(f->st, "p-yen",
		      "{\"name\": {\"ja\": \"寄附\", \"en\": \"Donation\"}, \"agency\": {\"ja\": \"区\"},"
		      " \"documents\": [], \"online\": true, \"fields\": [{\"name\": \"amount\","
		      " \"type\": \"number\", \"label\": {\"ja\": \"金額\", \"en\": \"Amount\"},"
		      " \"required\": true, \"min\": 1, \"max\": 100000000, \"unit\": \"yen\"}]}");
	add_procedure(f->st, "p-offline",
		      "{\"name\": {\"ja\": \"窓口\"}, \"agency\": {\"ja\": \"区\"}, \"documents\": [],"
		      " \"online\": false, \"fields\": []}");
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	store_close(f->st);
	testdir_remove(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

/* The JSON text of the value typed text gives for field i of the form. */
static void
assert_value(const struct wire_procedure *p, size_t i, const char *text, const char *want)
{
	json_object *v = wizard_value(&p->fields[i], text);
	const char *got = v != NULL ? json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN) :
				      "(none)";

	if (strcmp(got, want) != 0)
		fail_msg("\"%s\" as field %zu: got %s, want %s", text, i, got, want);
	json_object_put(v);
}

static void
test_value(void **state)
{
	struct fixture *f = *state;
	struct wire_procedure p;
	int found = 0;

	assert_int_equal(store_procedure_get(f->st, "p-form", &p, &found), 0);
	assert_value(&p, 1, "12", "12");
	assert_value(&p, 1, "１，５００", "1500");
	assert_value(&p, 1, " 1,500 ", "1500");
	assert_value(&p, 1, "−3", "-3");
	assert_value(&p, 1, "12x", "\"12x\"");
	assert_value(&p, 1, "   ", "(none)");
	assert_value(&p, 2, "2027/4/1", "\"2027-04-01\"");
	assert_value(&p, 2, "２０２７．１２．３１", "\"2027-12-31\"");
	assert_value(&p, 2, "2027-04-01", "\"2027-04-01\"");
	assert_value(&p, 2, "2027年4月1日", "\"2027-04-01\"");
	assert_value(&p, 2, "２０２７年１２月３１日", "\"2027-12-31\"");
	assert_value(&p, 2, "next week", "\"next week\"");
	assert_value(&p, 0, "530-0001", "\"530-0001\"");
	wire_procedure_release(&p);
}

/* The draft of id as its fields text (newly allocated). */
static char *
draft_fields(struct store *st, long long id)
{
	struct store_draft d;
	char *r;
	int found = 0;

	assert_int_equal(store_draft_get(st, id, &d, &found), 0);
	assert_true(found);
	r = xstrdup(d.fields);
	store_draft_release(&d);
	return r;
}

static void
test_flow(void **state)
{
	struct fixture *f = *state;
	struct wizard w;
	struct view v;
	struct store_outbox *os = NULL;
	struct store_draft d;
	char *cause = NULL, *t, key[STORE_KEY_SIZE], *step = NULL;
	long long seq = 0, draft;
	size_t no = 0;
	int found = 0;

	view_init(&v);
	assert_int_equal(wizard_open(&w, f->st, "p-form", 0, NULL, NULL, &cause), 0);
	assert_int_equal(w.step, 0);
	assert_int_equal(w.draft, 0);
	assert_string_equal(wizard_field(&w)->name, "postal");

	/* The question, its help and its rule; the field focused. */
	wizard_view(&w, &v, 0);
	assert_int_equal(v.screen, VIEW_FORM);
	assert_string_equal(v.title, "Apply: The form");
	assert_string_equal(v.summary, "Question 1 of 6, needs an answer");
	assert_string_equal(v.items[0].label, "For example 530-0001");
	assert_string_equal(v.items[1].label, "At most 8 characters.");
	assert_int_equal(v.items[v.initial].kind, VIEW_ITEM_EDIT);
	assert_string_equal(v.items[v.initial].label, "Postal code");

	/* Typing saves the draft, text and all. */
	assert_int_equal(wizard_type(&w, f->st, "53", &cause), 0);
	assert_int_not_equal(w.draft, 0);
	t = draft_fields(f->st, w.draft);
	assert_string_equal(t, "{\"postal\":\"53\"}");
	free(t);

	/* A refused answer says what to do and stays. */
	assert_int_equal(wizard_answer(&w, f->st, "530-000", &cause), 1);
	assert_string_equal(w.error, "The value is not in the form asked for. For example 530-0001");
	assert_int_equal(w.step, 0);
	wizard_view(&w, &v, 0);
	assert_string_equal(v.items[2].label,
			    "Not accepted: The value is not in the form asked for. For example 530-0001");
	assert_int_equal(wizard_answer(&w, f->st, "", &cause), 1);
	assert_string_equal(w.error, "This question needs an answer: type it, then press Enter.");
	assert_int_equal(wizard_answer(&w, f->st, " 530-0001 ", &cause), 0);
	assert_null(w.error);
	assert_int_equal(w.step, 1);
	assert_int_equal(wizard_answer(&w, f->st, "12", &cause), 1);
	assert_string_equal(w.error, "Enter a number from 1 to 9.");
	assert_int_equal(wizard_answer(&w, f->st, "２", &cause), 0);
	assert_int_equal(wizard_answer(&w, f->st, "2027/4/1", &cause), 0);
	assert_int_equal(w.step, 3);

	/* A choice: its answers are the items. */
	wizard_view(&w, &v, 0);
	assert_int_equal(v.items[v.initial].kind, VIEW_ITEM_CHOICE);
	assert_string_equal(v.items[v.initial].id, "all");
	assert_int_equal(wizard_answer(&w, f->st, "nobody", &cause), 1);
	assert_int_equal(wizard_answer(&w, f->st, "part", &cause), 0);
	assert_int_equal(wizard_answer(&w, f->st, "false", &cause), 0);
	/* An optional question may be left out. */
	assert_int_equal(wizard_answer(&w, f->st, "", &cause), 0);
	assert_true(wizard_on_review(&w));
	t = draft_fields(f->st, w.draft);
	assert_string_equal(t, "{\"postal\":\"530-0001\",\"people\":2,\"day\":\"2027-04-01\","
			       "\"who\":\"part\",\"agree\":false}");
	free(t);

	/* The review: every answer in words, then Send. */
	wizard_view(&w, &v, 0);
	assert_int_equal(v.screen, VIEW_REVIEW);
	assert_int_equal(v.nitems, 7);
	assert_string_equal(v.items[3].status, "Some");
	assert_string_equal(v.items[4].status, "no");
	assert_string_equal(v.items[5].status, "not answered");
	assert_string_equal(v.items[6].id, "submit");

	/* Back goes to the last question; a change from the review returns
	 * there. */
	assert_int_equal(wizard_back(&w, f->st), 0);
	assert_int_equal(w.step, 5);
	assert_int_equal(wizard_back(&w, f->st), 0);
	assert_int_equal(w.step, 4);
	w.step = 6;
	wizard_goto(&w, f->st, 1);
	assert_int_equal(w.step, 1);
	assert_int_equal(wizard_answer(&w, f->st, "3", &cause), 0);
	assert_true(wizard_on_review(&w));

	/* Send: the checked answers go to the outbox, typed. */
	draft = w.draft;
	assert_int_equal(wizard_submit(&w, f->st, key, &seq, &cause), 0);
	assert_int_equal(strlen(key), 36);
	assert_int_equal(store_outbox_list(f->st, 1, &os, &no), 0);
	assert_int_equal(no, 1);
	assert_int_equal(os[0].seq, seq);
	assert_string_equal(os[0].key, key);
	assert_string_equal(os[0].fields, "{\"postal\":\"530-0001\",\"people\":3,"
					  "\"day\":\"2027-04-01\",\"who\":\"part\",\"agree\":false}");
	store_outbox_free(os, no);
	assert_int_equal(store_draft_get(f->st, draft, &d, &found), 0);
	assert_int_equal(d.state, STORE_DRAFT_QUEUED);
	store_draft_release(&d);
	assert_int_equal(store_meta_get(f->st, "draft.1.step", &step), 0);
	assert_null(step);
	wizard_release(&w);
	wizard_release(NULL);
	view_release(&v);
}

/* An amount in yen: the rule, the refusal and the review name yen, with
 * separators, in the language in use; the answer stays a plain number. */
static void
test_yen(void **state)
{
	struct fixture *f = *state;
	struct wizard w;
	struct view v;
	char *cause = NULL, *t;

	view_init(&v);
	assert_int_equal(wizard_open(&w, f->st, "p-yen", 0, NULL, NULL, &cause), 0);
	wizard_view(&w, &v, 0);
	assert_string_equal(v.items[0].label, "An amount in yen, from ¥1 to ¥100,000,000.");
	assert_int_equal(wizard_answer(&w, f->st, "0", &cause), 1);
	assert_string_equal(w.error, "Enter an amount from ¥1 to ¥100,000,000.");
	assert_int_equal(wizard_answer(&w, f->st, "３０，０００", &cause), 0);
	t = draft_fields(f->st, w.draft);
	assert_string_equal(t, "{\"amount\":30000}");
	free(t);
	wizard_view(&w, &v, 0);
	assert_int_equal(v.screen, VIEW_REVIEW);
	assert_string_equal(v.items[0].status, "¥30,000");
	i18n_init("ja");
	wizard_view(&w, &v, 0);
	assert_string_equal(v.items[0].status, "30,000円");
	i18n_init("en");
	wizard_release(&w);
	view_release(&v);
}

/* A draft resumes at the question it was at, with the text being typed;
 * the server's refusal points at the field to fix. */
static void
test_resume(void **state)
{
	struct fixture *f = *state;
	struct wizard w;
	struct view v;
	char *cause = NULL, *t;
	long long id, seq = 0;

	view_init(&v);
	assert_int_equal(wizard_open(&w, f->st, "p-form", 0, NULL, NULL, &cause), 0);
	assert_int_equal(wizard_answer(&w, f->st, "530-0001", &cause), 0);
	assert_int_equal(wizard_type(&w, f->st, "1", &cause), 0);
	id = w.draft;
	wizard_release(&w);

	assert_int_equal(wizard_open(&w, f->st, "p-form", id, NULL, NULL, &cause), 0);
	assert_int_equal(w.step, 1);
	t = wizard_text(&w, 1);
	assert_string_equal(t, "1");
	free(t);
	t = wizard_text(&w, 0);
	assert_string_equal(t, "530-0001");
	free(t);
	/* Leaving the first question is the caller's to do. */
	assert_int_equal(wizard_back(&w, f->st), 0);
	assert_int_equal(wizard_back(&w, f->st), 1);
	wizard_release(&w);

	/* Sent and refused: the field's message comes back with it. */
	assert_int_equal(store_draft_save(f->st, &id, "p-form",
					  "{\"postal\":\"530-0001\",\"people\":1,\"day\":\"2027-04-01\","
					  "\"who\":\"all\",\"agree\":true}"),
			 0);
	assert_int_equal(store_outbox_queue(f->st, id, NULL, &seq), 0);
	assert_int_equal(store_outbox_mark_needs_fixing(f->st, seq,
							"{\"day\": \"That day is a holiday.\"}",
							"1 answer needs fixing"),
			 0);
	assert_int_equal(wizard_open(&w, f->st, "p-form", id, NULL, NULL, &cause), 0);
	assert_int_equal(w.step, 2);
	wizard_view(&w, &v, 0);
	assert_string_equal(v.items[0].label, "The server did not accept this: That day is a holiday.");
	assert_int_equal(wizard_answer(&w, f->st, "2027-04-02", &cause), 0);
	assert_true(wizard_on_review(&w));
	wizard_release(&w);
	view_release(&v);
	assert_int_equal(wizard_delete_draft(f->st, id), 0);
	assert_int_equal(wizard_open(&w, f->st, "p-form", id, NULL, NULL, &cause), -1);
	assert_non_null(strstr(cause, "no draft"));
	free(cause);
}

static void
test_prefill_and_refusals(void **state)
{
	struct fixture *f = *state;
	struct wizard w;
	json_object *prefill = json_object_new_object();
	char *cause = NULL, key[STORE_KEY_SIZE];
	long long seq = 0;

	/* An offline procedure has no form to fill. */
	assert_int_equal(wizard_open(&w, f->st, "p-offline", 0, NULL, NULL, &cause), -1);
	assert_non_null(strstr(cause, "cannot be done online"));
	free(cause);
	cause = NULL;
	assert_int_equal(wizard_open(&w, f->st, "p-none", 0, NULL, NULL, &cause), -1);
	assert_non_null(strstr(cause, "not in your catalogue"));
	free(cause);
	cause = NULL;

	/* Answers to fix: saved at once, reviewed first, with the message. */
	json_object_object_add(prefill, "postal", json_object_new_string("530-0001"));
	json_object_object_add(prefill, "people", json_object_new_int(4));
	assert_int_equal(wizard_open(&w, f->st, "p-form", 0, prefill, "Add the day.", &cause), 0);
	json_object_put(prefill);
	assert_true(wizard_on_review(&w));
	assert_int_not_equal(w.draft, 0);
	assert_string_equal(w.note, "Add the day.");
	/* Send checks everything: the first missing answer is asked. */
	assert_int_equal(wizard_submit(&w, f->st, key, &seq, &cause), 1);
	assert_int_equal(w.step, 2);
	assert_string_equal(w.error, "This question needs an answer: type it, then press Enter.");
	assert_int_equal(wizard_answer(&w, f->st, "2027-04-01", &cause), 0);
	/* From a refusal at Send, the answer returns to the review. */
	assert_true(wizard_on_review(&w));
	wizard_release(&w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_value, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flow, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resume, setup, teardown),
		cmocka_unit_test_setup_teardown(test_yen, setup, teardown),
		cmocka_unit_test_setup_teardown(test_prefill_and_refusals, setup, teardown),
	};

	i18n_init("en");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
