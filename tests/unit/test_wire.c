/*
 * Unit tests for shared/wire.c: the feed codec, both directions, and what
 * it refuses.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "mem.h"
#include "text.h"
#include "wire.h"

static const char good_page[] =
	"{\"cursor\": \"c-2\", \"has_more\": true, \"changes\": ["
	" {\"type\": \"notice\", \"id\": \"n-1\", \"op\": \"upsert\", \"data\": {"
	"   \"title\": {\"ja\": \"お知らせ\", \"en\": \"Notice\"},"
	"   \"body\": {\"ja\": \"一行目\\r\\n二行目\\u001b[31m赤\", \"en\": \"line\\ttab\"},"
	"   \"sender\": \"デジタル庁\","
	"   \"published\": \"2026-11-20T10:00:00+09:00\"}},"
	" {\"type\": \"deadline\", \"id\": \"d-3\", \"op\": \"delete\"},"
	" {\"type\": \"procedure\", \"id\": \"p:kakutei.1\", \"op\": \"upsert\","
	"  \"data\": {\"future\": [1, 2, 3]}}"
	"]}";

/* Decodes s and expects a refusal whose reason contains want. */
static void
expect_refused(const char *s, const char *want)
{
	struct wire_page p;
	char *cause = NULL;

	memset(&p, 0x5a, sizeof p);
	assert_int_equal(wire_page_decode(s, strlen(s), &p, &cause), -1);
	assert_non_null(cause);
	if (strstr(cause, want) == NULL)
		fail_msg("reason \"%s\" does not mention \"%s\"", cause, want);
	/* A refused page leaves nothing half-built behind. */
	assert_null(p.changes);
	assert_null(p.cursor);
	assert_int_equal(p.nchanges, 0);
	free(cause);
}

static void
test_id_valid(void **state)
{
	char id[WIRE_ID_MAX + 2];

	(void)state;
	assert_true(wire_id_valid("n-1"));
	assert_true(wire_id_valid("A.b_c:D-9"));
	assert_false(wire_id_valid(NULL));
	assert_false(wire_id_valid(""));
	assert_false(wire_id_valid("n 1"));
	assert_false(wire_id_valid("n/1"));
	assert_false(wire_id_valid("n-1\n"));
	assert_false(wire_id_valid("お知らせ"));
	memset(id, 'a', WIRE_ID_MAX);
	id[WIRE_ID_MAX] = '\0';
	assert_true(wire_id_valid(id));
	id[WIRE_ID_MAX] = 'a';
	id[WIRE_ID_MAX + 1] = '\0';
	assert_false(wire_id_valid(id));
}

static void
test_page_decode(void **state)
{
	struct wire_page p;
	char *cause = NULL;

	(void)state;
	assert_int_equal(wire_page_decode(good_page, strlen(good_page), &p, &cause), 0);
	assert_null(cause);
	assert_string_equal(p.cursor, "c-2");
	assert_true(p.has_more);
	assert_int_equal(p.nchanges, 3);
	assert_string_equal(p.changes[0].type, "notice");
	assert_string_equal(p.changes[0].id, "n-1");
	assert_false(p.changes[0].deleted);
	assert_non_null(p.changes[0].data);
	assert_string_equal(p.changes[1].type, "deadline");
	assert_true(p.changes[1].deleted);
	assert_null(p.changes[1].data);
	/* Unknown types are kept, data and all, for the caller to skip. */
	assert_string_equal(p.changes[2].type, "procedure");
	assert_string_equal(p.changes[2].id, "p:kakutei.1");
	assert_true(json_object_is_type(p.changes[2].data, json_type_object));
	wire_page_release(&p);
	assert_null(p.changes);
	wire_page_release(&p);	/* twice is harmless */
	wire_page_release(NULL);
}

static void
test_page_empty(void **state)
{
	static const char s[] = " {\"cursor\": \"\", \"has_more\": false, \"changes\": []}\n";
	struct wire_page p;
	char *cause = NULL;

	(void)state;
	assert_int_equal(wire_page_decode(s, strlen(s), &p, &cause), 0);
	assert_string_equal(p.cursor, "");
	assert_false(p.has_more);
	assert_int_equal(p.nchanges, 0);
	wire_page_release(&p);
}

static void
test_page_refused(void **state)
{
	(void)state;
	expect_refused("", "incomplete");
	expect_refused("{\"cursor\": \"c\"", "incomplete");
	expect_refused("[]", "not a JSON object");
	expect_refused("\"page\"", "not a JSON object");
	expect_refused("null", "not a JSON object");
	expect_refused("{'cursor': 'c'}", "invalid JSON");
	expect_refused("{\"cursor\": \"c\", \"has_more\": false, \"changes\": []} {}", "JSON");
	expect_refused("{\"cursor\": \"c\", \"has_more\": false, \"changes\": [],}", "invalid JSON");
	expect_refused("{\"has_more\": false, \"changes\": []}", "cursor");
	expect_refused("{\"cursor\": 7, \"has_more\": false, \"changes\": []}", "cursor");
	expect_refused("{\"cursor\": \"c\\u001b[2J\", \"has_more\": false, \"changes\": []}",
		       "cursor");
	expect_refused("{\"cursor\": \"c\", \"changes\": []}", "has_more");
	expect_refused("{\"cursor\": \"c\", \"has_more\": \"no\", \"changes\": []}", "has_more");
	expect_refused("{\"cursor\": \"c\", \"has_more\": false}", "changes");
	expect_refused("{\"cursor\": \"c\", \"has_more\": false, \"changes\": {}}", "changes");
	expect_refused("{\"cursor\": \"c\", \"has_more\": false, \"changes\": [1]}", "not an object");
	expect_refused("{\"cursor\": \"c\", \"has_more\": false, \"changes\": ["
		       "{\"type\": \"notice\", \"id\": \"../etc\", \"op\": \"delete\"}]}",
		       "id");
	expect_refused("{\"cursor\": \"c\", \"has_more\": false, \"changes\": ["
		       "{\"type\": \"notice\", \"op\": \"delete\"}]}",
		       "id");
	expect_refused("{\"cursor\": \"c\", \"has_more\": false, \"changes\": ["
		       "{\"type\": \"no tice\", \"id\": \"n-1\", \"op\": \"delete\"}]}",
		       "type");
	expect_refused("{\"cursor\": \"c\", \"has_more\": false, \"changes\": ["
		       "{\"type\": \"notice\", \"id\": \"n-1\", \"op\": \"remove\"}]}",
		       "op");
	expect_refused("{\"cursor\": \"c\", \"has_more\": false, \"changes\": ["
		       "{\"type\": \"notice\", \"id\": \"n-1\", \"op\": \"upsert\"}]}",
		       "data");
	expect_refused("{\"cursor\": \"c\", \"has_more\": false, \"changes\": ["
		       "{\"type\": \"notice\", \"id\": \"n-1\", \"op\": \"upsert\", \"data\": [1]}]}",
		       "data");
	/* An id with a NUL inside must not pass as its prefix. */
	expect_refused("{\"cursor\": \"c\", \"has_more\": false, \"changes\": ["
		       "{\"type\": \"notice\", \"id\": \"n-1\\u0000x\", \"op\": \"delete\"}]}",
		       "id");
}

static void
test_page_limits(void **state)
{
	struct buf b;
	int i;

	(void)state;
	/* One change more than a page may hold. */
	buf_init(&b, 0);
	buf_addstr(&b, "{\"cursor\": \"c\", \"has_more\": false, \"changes\": [");
	for (i = 0; i <= WIRE_PAGE_MAX; i++)
		buf_printf(&b, "%s{\"type\": \"notice\", \"id\": \"n-%d\", \"op\": \"delete\"}",
			   i ? "," : "", i);
	buf_addstr(&b, "]}");
	expect_refused(b.data, "more than");
	buf_release(&b);

	/* Exactly a full page is fine. */
	{
		struct wire_page p;
		char *cause = NULL;

		buf_init(&b, 0);
		buf_addstr(&b, "{\"cursor\": \"c\", \"has_more\": false, \"changes\": [");
		for (i = 0; i < WIRE_PAGE_MAX; i++)
			buf_printf(&b, "%s{\"type\": \"n\", \"id\": \"n-%d\", \"op\": \"delete\"}",
				   i ? "," : "", i);
		buf_addstr(&b, "]}");
		assert_int_equal(wire_page_decode(b.data, b.len, &p, &cause), 0);
		assert_int_equal(p.nchanges, WIRE_PAGE_MAX);
		wire_page_release(&p);
		buf_release(&b);
	}

	/* Nesting past the depth limit. */
	buf_init(&b, 0);
	buf_addstr(&b, "{\"cursor\": \"c\", \"has_more\": false, \"changes\": [{\"type\": \"x\", "
		       "\"id\": \"x\", \"op\": \"upsert\", \"data\": {\"deep\": ");
	for (i = 0; i < 200; i++)
		buf_addch(&b, '[');
	for (i = 0; i < 200; i++)
		buf_addch(&b, ']');
	buf_addstr(&b, "}}]}");
	expect_refused(b.data, "invalid JSON");
	buf_release(&b);

	/* A cursor longer than WIRE_CURSOR_MAX. */
	buf_init(&b, 0);
	buf_addstr(&b, "{\"cursor\": \"");
	for (i = 0; i <= WIRE_CURSOR_MAX; i++)
		buf_addch(&b, 'c');
	buf_addstr(&b, "\", \"has_more\": false, \"changes\": []}");
	expect_refused(b.data, "cursor");
	buf_release(&b);
}

/* Decodes the first change of a page made of one change with data. */
static void
one_change(const char *type, const char *data, struct wire_page *p)
{
	char *s, *cause = NULL;

	s = xasprintf("{\"cursor\": \"c\", \"has_more\": false, \"changes\": ["
		      "{\"type\": \"%s\", \"id\": \"x-1\", \"op\": \"upsert\", \"data\": %s}]}",
		      type, data);
	if (wire_page_decode(s, strlen(s), p, &cause) < 0)
		fail_msg("page refused: %s", cause);
	free(s);
}

static void
test_notice_decode(void **state)
{
	struct wire_page p;
	struct wire_notice n;
	char *cause = NULL;

	(void)state;
	assert_int_equal(wire_page_decode(good_page, strlen(good_page), &p, &cause), 0);
	assert_int_equal(wire_notice_decode(&p.changes[0], &n, &cause), 0);
	assert_string_equal(n.id, "n-1");
	assert_string_equal(n.title.ja, "お知らせ");
	assert_string_equal(n.title.en, "Notice");
	/* Body keeps its lines (CR LF becomes LF) but loses the escape. */
	assert_string_equal(n.body.ja, "一行目\n二行目赤");
	assert_string_equal(n.body.en, "line tab");
	/* A plain string is Japanese. */
	assert_string_equal(n.sender.ja, "デジタル庁");
	assert_null(n.sender.en);
	assert_string_equal(n.published, "2026-11-20T10:00:00+09:00");
	wire_notice_release(&n);
	wire_notice_release(NULL);

	/* Not a notice. */
	assert_int_equal(wire_notice_decode(&p.changes[2], &n, &cause), -1);
	assert_non_null(cause);
	xfree(&cause);
	/* A delete has no data. */
	assert_int_equal(wire_notice_decode(&p.changes[1], &n, &cause), -1);
	xfree(&cause);
	wire_page_release(&p);

	/* Titles are one line, and escapes in them vanish whole. */
	one_change("notice",
		   "{\"title\": {\"ja\": \"a\\nb\\u001b]0;owned\\u0007c\\u202ed\"},"
		   " \"published\": \"2026-11-20T01:00:00Z\"}", &p);
	assert_int_equal(wire_notice_decode(&p.changes[0], &n, &cause), 0);
	assert_string_equal(n.title.ja, "a bcd");
	assert_null(n.title.en);
	assert_null(n.body.ja);
	assert_null(n.sender.ja);
	wire_notice_release(&n);
	wire_page_release(&p);
}

/* Expects the data to be refused as a notice (or deadline) with a reason
 * that mentions want. */
static void
expect_bad_data(const char *type, const char *data, const char *want)
{
	struct wire_page p;
	struct wire_notice n;
	struct wire_deadline d;
	char *cause = NULL;
	int rc;

	one_change(type, data, &p);
	if (strcmp(type, "notice") == 0)
		rc = wire_notice_decode(&p.changes[0], &n, &cause);
	else
		rc = wire_deadline_decode(&p.changes[0], &d, &cause);
	assert_int_equal(rc, -1);
	assert_non_null(cause);
	if (strstr(cause, want) == NULL)
		fail_msg("reason \"%s\" does not mention \"%s\"", cause, want);
	free(cause);
	wire_page_release(&p);
}

static void
test_notice_refused(void **state)
{
	struct buf b;
	size_t i;

	(void)state;
	expect_bad_data("notice", "{\"published\": \"2026-11-20T10:00:00+09:00\"}", "title");
	expect_bad_data("notice", "{\"title\": {\"ja\": \"\"}, "
				  "\"published\": \"2026-11-20T10:00:00+09:00\"}", "title");
	expect_bad_data("notice", "{\"title\": {\"ja\": 5}, "
				  "\"published\": \"2026-11-20T10:00:00+09:00\"}", "ja");
	expect_bad_data("notice", "{\"title\": [\"t\"], "
				  "\"published\": \"2026-11-20T10:00:00+09:00\"}", "title");
	expect_bad_data("notice", "{\"title\": \"t\"}", "published");
	expect_bad_data("notice", "{\"title\": \"t\", \"published\": \"yesterday\"}", "published");
	expect_bad_data("notice", "{\"title\": \"t\", \"published\": 1700000000}", "published");
	expect_bad_data("notice", "{\"title\": \"t\", \"body\": 3, "
				  "\"published\": \"2026-11-20T10:00:00+09:00\"}", "body");

	/* A body one byte over WIRE_TEXT_MAX is refused; at the limit it passes. */
	buf_init(&b, 0);
	buf_addstr(&b, "{\"title\": \"t\", \"published\": \"2026-11-20T10:00:00+09:00\", "
		       "\"body\": {\"en\": \"");
	for (i = 0; i <= WIRE_TEXT_MAX; i++)
		buf_addch(&b, 'x');
	buf_addstr(&b, "\"}}");
	expect_bad_data("notice", b.data, "longer than");
	buf_release(&b);
	{
		struct wire_page p;
		struct wire_notice n;
		char *cause = NULL;

		buf_init(&b, 0);
		buf_addstr(&b, "{\"title\": \"t\", \"published\": \"2026-11-20T10:00:00+09:00\", "
			       "\"body\": {\"en\": \"");
		for (i = 0; i < WIRE_TEXT_MAX; i++)
			buf_addch(&b, 'x');
		buf_addstr(&b, "\"}}");
		one_change("notice", b.data, &p);
		assert_int_equal(wire_notice_decode(&p.changes[0], &n, &cause), 0);
		assert_int_equal(strlen(n.body.en), WIRE_TEXT_MAX);
		wire_notice_release(&n);
		wire_page_release(&p);
		buf_release(&b);
	}
}

static void
test_deadline_decode(void **state)
{
	struct wire_page p;
	struct wire_deadline d;
	char *cause = NULL;

	(void)state;
	one_change("deadline",
		   "{\"title\": {\"ja\": \"確定申告\", \"en\": \"Tax return\"},"
		   " \"due\": \"2027-03-15T23:59:59+09:00\", \"procedure\": \"kakutei-shinkoku\"}",
		   &p);
	assert_int_equal(wire_deadline_decode(&p.changes[0], &d, &cause), 0);
	assert_string_equal(d.id, "x-1");
	assert_string_equal(d.title.ja, "確定申告");
	assert_string_equal(d.title.en, "Tax return");
	assert_string_equal(d.due, "2027-03-15T23:59:59+09:00");
	assert_string_equal(d.procedure, "kakutei-shinkoku");
	wire_deadline_release(&d);
	wire_page_release(&p);

	one_change("deadline", "{\"title\": \"t\", \"due\": \"2027-03-15T14:59:59Z\","
			       " \"procedure\": null}", &p);
	assert_int_equal(wire_deadline_decode(&p.changes[0], &d, &cause), 0);
	assert_null(d.procedure);
	wire_deadline_release(&d);
	wire_deadline_release(NULL);
	wire_page_release(&p);

	expect_bad_data("deadline", "{\"title\": \"t\"}", "due");
	expect_bad_data("deadline", "{\"title\": \"t\", \"due\": \"2027-02-30T00:00:00Z\"}", "due");
	expect_bad_data("deadline", "{\"due\": \"2027-03-15T14:59:59Z\"}", "title");
	expect_bad_data("deadline", "{\"title\": \"t\", \"due\": \"2027-03-15T14:59:59Z\","
				    " \"procedure\": \"a b\"}", "procedure");
	expect_bad_data("deadline", "{\"title\": \"t\", \"due\": \"2027-03-15T14:59:59Z\","
				    " \"procedure\": 12}", "procedure");
	/* Decoding a notice as a deadline. */
	expect_bad_data("notice", "{\"title\": \"t\", \"due\": \"2027-03-15T14:59:59Z\"}",
			"published");
}

static void
test_text_decode(void **state)
{
	struct wire_text t;
	json_object *o;
	char *cause = NULL;

	(void)state;
	assert_int_equal(wire_text_decode(NULL, &t, 0, &cause), 0);
	assert_null(t.ja);
	assert_null(t.en);

	o = json_tokener_parse("{\"en\": \"only English\", \"ko\": \"ignored\", \"ja\": null}");
	assert_int_equal(wire_text_decode(o, &t, 0, &cause), 0);
	assert_null(t.ja);
	assert_string_equal(t.en, "only English");
	wire_text_release(&t);
	json_object_put(o);

	o = json_tokener_parse("{\"ja\": \"a\\nb\"}");
	assert_int_equal(wire_text_decode(o, &t, TEXT_MULTILINE, &cause), 0);
	assert_string_equal(t.ja, "a\nb");
	wire_text_release(&t);
	json_object_put(o);

	o = json_tokener_parse("{\"ja\": \"ok\", \"en\": true}");
	assert_int_equal(wire_text_decode(o, &t, 0, &cause), -1);
	assert_non_null(cause);
	assert_null(t.ja);	/* nothing left allocated */
	xfree(&cause);
	json_object_put(o);

	o = json_tokener_parse("42");
	assert_int_equal(wire_text_decode(o, &t, 0, &cause), -1);
	xfree(&cause);
	json_object_put(o);

	/* Invalid UTF-8 becomes U+FFFD rather than passing through. */
	o = json_object_new_string_len("a\xff" "b", 3);
	assert_int_equal(wire_text_decode(o, &t, 0, &cause), 0);
	assert_string_equal(t.ja, "a\xef\xbf\xbd" "b");
	wire_text_release(&t);
	json_object_put(o);
}

static void
test_encode_roundtrip(void **state)
{
	struct wire_notice n = {
		.id = "n-7",
		.title = { "件名", "Subject" },
		.body = { "本文\n二行目", NULL },
		.sender = { "市役所", "City hall" },
		.published = "2026-11-20T10:00:00+09:00",
	};
	struct wire_deadline d = {
		.id = "d-1",
		.title = { "期限", NULL },
		.due = "2027-03-15T23:59:59+09:00",
		.procedure = NULL,
	};
	struct wire_page p;
	struct wire_notice n2;
	struct wire_deadline d2;
	json_object *page;
	const char *s;
	char *cause = NULL;

	(void)state;
	page = wire_page_new("cur\"sor", 1);
	wire_page_add(page, "notice", n.id, 0, wire_notice_encode(&n));
	wire_page_add(page, "deadline", d.id, 0, wire_deadline_encode(&d));
	wire_page_add(page, "deadline", "d-2", 1, NULL);
	s = json_object_to_json_string_ext(page, JSON_C_TO_STRING_PLAIN);
	/* A null procedure is written as null, not left out. */
	assert_non_null(strstr(s, "\"procedure\":null"));
	assert_int_equal(wire_page_decode(s, strlen(s), &p, &cause), 0);
	assert_string_equal(p.cursor, "cur\"sor");
	assert_true(p.has_more);
	assert_int_equal(p.nchanges, 3);
	assert_int_equal(wire_notice_decode(&p.changes[0], &n2, &cause), 0);
	assert_string_equal(n2.title.ja, "件名");
	assert_string_equal(n2.title.en, "Subject");
	assert_string_equal(n2.body.ja, "本文\n二行目");
	assert_null(n2.body.en);
	assert_string_equal(n2.sender.en, "City hall");
	assert_string_equal(n2.published, n.published);
	assert_int_equal(wire_deadline_decode(&p.changes[1], &d2, &cause), 0);
	assert_string_equal(d2.title.ja, "期限");
	assert_null(d2.procedure);
	assert_string_equal(d2.due, d.due);
	assert_true(p.changes[2].deleted);
	assert_string_equal(p.changes[2].id, "d-2");
	wire_notice_release(&n2);
	wire_deadline_release(&d2);
	wire_page_release(&p);
	json_object_put(page);
}

static void
test_parse(void **state)
{
	json_object *o;
	char *cause = NULL;

	(void)state;
	o = wire_parse("{\"a\": [1, 2]}\r\n", 15, &cause);
	assert_non_null(o);
	json_object_put(o);
	/* len is honoured: what follows it is not read. */
	o = wire_parse("{}garbage", 2, &cause);
	assert_non_null(o);
	json_object_put(o);
	assert_null(wire_parse("{}\0{}", 5, &cause));
	assert_non_null(cause);
	xfree(&cause);
	assert_null(wire_parse("tru", 3, &cause));
	xfree(&cause);
	assert_null(wire_parse("null", 4, &cause));
	assert_non_null(strstr(cause, "null"));
	xfree(&cause);
	o = wire_parse("42", 2, &cause);
	assert_non_null(o);
	assert_int_equal(json_object_get_int(o), 42);
	json_object_put(o);
	assert_null(wire_parse("[1,", 3, &cause));
	xfree(&cause);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_id_valid),
		cmocka_unit_test(test_page_decode),
		cmocka_unit_test(test_page_empty),
		cmocka_unit_test(test_page_refused),
		cmocka_unit_test(test_page_limits),
		cmocka_unit_test(test_notice_decode),
		cmocka_unit_test(test_notice_refused),
		cmocka_unit_test(test_deadline_decode),
		cmocka_unit_test(test_text_decode),
		cmocka_unit_test(test_encode_roundtrip),
		cmocka_unit_test(test_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
