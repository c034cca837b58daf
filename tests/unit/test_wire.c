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
#include "i18n.h"
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
	assert_null(n.agency);
	assert_null(n.signature);
	wire_notice_release(&n);
	wire_page_release(&p);

	/* Agency and signature are kept whatever they hold (cleaned): a
	 * malformed one is for the check to find and show, not a reason to
	 * refuse the page. */
	one_change("notice",
		   "{\"title\": \"t\", \"published\": \"2026-11-20T01:00:00Z\","
		   " \"agency\": \"NTA\\u001b[2J\", \"signature\": \"%%%\"}", &p);
	assert_int_equal(wire_notice_decode(&p.changes[0], &n, &cause), 0);
	assert_string_equal(n.agency, "NTA");
	assert_string_equal(n.signature, "%%%");
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
	expect_bad_data("notice", "{\"title\": \"t\", \"agency\": 3, "
				  "\"published\": \"2026-11-20T10:00:00+09:00\"}", "agency");
	expect_bad_data("notice", "{\"title\": \"t\", \"signature\": [\"x\"], "
				  "\"published\": \"2026-11-20T10:00:00+09:00\"}", "signature");

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
		.agency = "city-hall",
		.signature = "c2lnbmF0dXJl",
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
	/* Agency and signature pass through as they are, for the client's
	 * check. */
	assert_string_equal(n2.agency, "city-hall");
	assert_string_equal(n2.signature, "c2lnbmF0dXJl");
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

/* A procedure with one field of each type, as the server writes them. */
static const char good_procedure[] =
	"{\"name\": {\"ja\": \"転出届\", \"en\": \"Moving-out notification\"},"
	" \"agency\": {\"ja\": \"千代田区役所\", \"en\": \"Chiyoda City Office\"},"
	" \"description\": {\"ja\": \"一行目\\n二行目\"},"
	" \"deadline\": {\"ja\": \"引越しの前まで\"},"
	" \"documents\": [{\"ja\": \"マイナンバーカード\", \"en\": \"My Number Card\"}],"
	" \"online\": true, \"municipality\": \"131016\","
	" \"fields\": ["
	"  {\"name\": \"address\", \"type\": \"text\", \"label\": {\"ja\": \"住所\"},"
	"   \"required\": true, \"max_length\": 5},"
	"  {\"name\": \"postal\", \"type\": \"text\", \"label\": \"郵便番号\","
	"   \"pattern\": \"[0-9]{3}-?[0-9]{4}\"},"
	"  {\"name\": \"people\", \"type\": \"number\", \"label\": \"人数\", \"min\": 1, \"max\": 9},"
	"  {\"name\": \"day\", \"type\": \"date\", \"label\": \"日付\", \"required\": true},"
	"  {\"name\": \"who\", \"type\": \"choice\", \"label\": \"誰\", \"required\": true,"
	"   \"choices\": [{\"value\": \"all\", \"label\": \"全員\"},"
	"                 {\"value\": \"part\", \"label\": {\"ja\": \"一部\", \"en\": \"Some\"}}]},"
	"  {\"name\": \"agree\", \"type\": \"bool\", \"label\": \"同意\", \"required\": true}"
	" ], \"future_member\": 1}";

static void
decode_procedure(const char *json, struct wire_procedure *p)
{
	char *cause = NULL;
	json_object *o = wire_parse(json, strlen(json), &cause);

	assert_non_null(o);
	if (wire_procedure_from_json(o, "131016:tenshutsu", p, &cause) != 0)
		fail_msg("procedure refused: %s", cause);
	json_object_put(o);
}

static void
test_procedure_decode(void **state)
{
	struct wire_procedure p, p2;
	struct wire_page page;
	json_object *o;
	char *cause = NULL;
	const char *s;

	(void)state;
	decode_procedure(good_procedure, &p);
	assert_string_equal(p.id, "131016:tenshutsu");
	assert_string_equal(p.name.en, "Moving-out notification");
	assert_string_equal(p.description.ja, "一行目\n二行目");
	assert_string_equal(p.municipality, "131016");
	assert_true(p.online);
	assert_int_equal(p.ndocuments, 1);
	assert_int_equal(p.nfields, 6);
	assert_int_equal(p.fields[0].type, WIRE_FIELD_TEXT);
	assert_int_equal(p.fields[0].max_length, 5);
	assert_true(p.fields[0].required);
	assert_int_equal(p.fields[1].max_length, WIRE_LENGTH_DEFAULT);
	assert_string_equal(p.fields[1].pattern, "[0-9]{3}-?[0-9]{4}");
	assert_false(p.fields[1].required);
	assert_int_equal(p.fields[2].type, WIRE_FIELD_NUMBER);
	assert_true(p.fields[2].has_min && p.fields[2].has_max);
	assert_true(p.fields[2].min == 1 && p.fields[2].max == 9);
	assert_int_equal(p.fields[4].type, WIRE_FIELD_CHOICE);
	assert_int_equal(p.fields[4].nchoices, 2);
	assert_string_equal(p.fields[4].choices[1].label.en, "Some");
	assert_int_equal(p.fields[5].type, WIRE_FIELD_BOOL);

	/* Encoded and decoded again, through a page as the client gets it. */
	o = wire_page_new("s1", 0);
	wire_page_add(o, "procedure", p.id, 0, wire_procedure_encode(&p));
	s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	assert_int_equal(wire_page_decode(s, strlen(s), &page, &cause), 0);
	assert_int_equal(wire_procedure_decode(&page.changes[0], &p2, &cause), 0);
	assert_string_equal(p2.fields[1].pattern, p.fields[1].pattern);
	assert_int_equal(p2.nfields, 6);
	assert_string_equal(p2.fields[4].choices[0].value, "all");
	assert_string_equal(p2.agency.ja, "千代田区役所");
	/* A national procedure has a null municipality. */
	assert_non_null(strstr(s, "\"municipality\":\"131016\""));
	wire_procedure_release(&p2);
	wire_page_release(&page);
	json_object_put(o);
	p.municipality[0] = '\0';
	free(p.municipality);
	p.municipality = NULL;
	o = wire_procedure_encode(&p);
	assert_non_null(strstr(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN),
			       "\"municipality\":null"));
	json_object_put(o);
	wire_procedure_release(&p);
	wire_procedure_release(NULL);
}

/* Replaces the first occurrence of from in good_procedure by to and
 * expects the procedure to be refused with a reason mentioning want. */
static void
expect_bad_procedure(const char *from, const char *to, const char *want)
{
	struct wire_procedure p;
	const char *at = strstr(good_procedure, from);
	char *json, *cause = NULL;
	json_object *o;

	assert_non_null(at);
	json = xasprintf("%.*s%s%s", (int)(at - good_procedure), good_procedure, to,
			 at + strlen(from));
	o = wire_parse(json, strlen(json), &cause);
	if (o == NULL)
		fail_msg("not JSON: %s", cause);
	assert_int_equal(wire_procedure_from_json(o, "p", &p, &cause), -1);
	if (strstr(cause, want) == NULL)
		fail_msg("reason \"%s\" does not mention \"%s\"", cause, want);
	assert_null(p.fields);
	free(cause);
	free(json);
	json_object_put(o);
}

static void
test_procedure_refused(void **state)
{
	(void)state;
	expect_bad_procedure("\"name\": {\"ja\": \"転出届\", \"en\": \"Moving-out notification\"},",
			     "", "name");
	expect_bad_procedure("\"type\": \"text\"", "\"type\": \"textarea\"", "type");
	expect_bad_procedure("\"name\": \"postal\"", "\"name\": \"address\"", "twice");
	expect_bad_procedure("\"name\": \"postal\"", "\"name\": \"Postal Code\"", "name");
	expect_bad_procedure("[0-9]{3}-?[0-9]{4}", "[0-9", "regular expression");
	expect_bad_procedure("\"max_length\": 5", "\"max_length\": 0", "max_length");
	expect_bad_procedure("\"max_length\": 5", "\"max_length\": 4001", "max_length");
	expect_bad_procedure("\"min\": 1, \"max\": 9", "\"min\": 9, \"max\": 1", "min");
	expect_bad_procedure("\"label\": \"人数\",", "\"label\": \"人数\", \"pattern\": \"x\",",
			     "pattern");
	expect_bad_procedure("\"label\": \"日付\",", "\"label\": \"日付\", \"min\": 1,", "min");
	expect_bad_procedure("\"choices\": [{\"value\": \"all\", \"label\": \"全員\"},",
			     "\"nochoices\": [{\"value\": \"all\", \"label\": \"全員\"},", "choice");
	expect_bad_procedure("{\"value\": \"part\"", "{\"value\": \"all\"", "twice");
	expect_bad_procedure("\"value\": \"part\"", "\"value\": \"a b\"", "value");
	expect_bad_procedure("\"online\": true", "\"online\": \"yes\"", "online");
	expect_bad_procedure("\"131016\"", "\"13101\"", "municipality");
	expect_bad_procedure("\"documents\": [", "\"documents\": [7, ", "document");
	expect_bad_procedure("\"label\": \"同意\", ", "", "label");
	expect_bad_procedure("\"label\": \"日付\",", "\"label\": \"日付\", \"unit\": \"yen\",",
			     "unit");
	expect_bad_procedure("\"min\": 1, \"max\": 9", "\"min\": 1, \"max\": 9, \"unit\": 5", "unit");
}

/* A number field's unit: yen is kept through encoding and named in range
 * messages; a unit this client does not know leaves a plain number. */
static void
test_procedure_unit(void **state)
{
	static const char *const units[] = {"\"yen\"", "\"furlong\""};
	struct wire_procedure p, p2;
	struct wire_answer a;
	const char *code = NULL, *s;
	char *json, *cause = NULL, *message = NULL;
	const char *at = strstr(good_procedure, "\"max\": 9");
	json_object *o, *v;
	size_t i;

	(void)state;
	i18n_init("en");
	for (i = 0; i < 2; i++) {
		json = xasprintf("%.*s\"max\": 90000, \"unit\": %s%s",
				 (int)(at - good_procedure), good_procedure, units[i],
				 at + strlen("\"max\": 9"));
		decode_procedure(json, &p);
		free(json);
		assert_int_equal(p.fields[2].unit, i == 0 ? WIRE_UNIT_YEN : WIRE_UNIT_NONE);
		o = wire_procedure_encode(&p);
		s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
		assert_true((strstr(s, "\"unit\":\"yen\"") != NULL) == (i == 0));
		assert_int_equal(wire_procedure_from_json(o, p.id, &p2, &cause), 0);
		assert_int_equal(p2.fields[2].unit, p.fields[2].unit);
		wire_procedure_release(&p2);
		json_object_put(o);

		v = json_object_new_int64(120000);
		memset(&a, 0, sizeof a);
		assert_int_not_equal(wire_field_check(&p.fields[2], v, &a, &code, &message), 0);
		assert_string_equal(code, "range");
		assert_string_equal(message, i == 0 ? "Enter an amount from ¥1 to ¥90,000." :
						      "Enter a number from 1 to 90000.");
		free(message);
		message = NULL;
		json_object_put(v);
		wire_procedure_release(&p);
	}
}

/* Checks value (JSON text, NULL for none) against field i of the good
 * procedure; want is the error code or NULL for a pass. */
static void
check_field(const struct wire_procedure *p, size_t i, const char *value, const char *want)
{
	json_object *v = value ? json_tokener_parse(value) : NULL;
	struct wire_answer a;
	const char *code = NULL;
	char *message = NULL;
	int rc = wire_field_check(&p->fields[i], v, &a, &code, &message);

	if (want == NULL) {
		if (rc != 0)
			fail_msg("%s=%s refused: %s %s", p->fields[i].name, value, code, message);
	} else {
		if (rc == 0)
			fail_msg("%s=%s passed, wanted %s", p->fields[i].name, value, want);
		assert_string_equal(code, want);
		assert_non_null(message);
		assert_true(strlen(message) > 0);
	}
	free(message);
	wire_answer_release(&a);
	json_object_put(v);
}

static void
test_field_check(void **state)
{
	struct wire_procedure p;
	struct wire_answer a;
	const char *code = NULL;
	char *message = NULL;
	json_object *v;

	(void)state;
	decode_procedure(good_procedure, &p);
	/* text, required, at most 5 characters (not bytes) */
	check_field(&p, 0, "\"大阪市北区\"", NULL);
	check_field(&p, 0, "\"大阪市北区梅\"", "too_long");
	check_field(&p, 0, NULL, "required");
	check_field(&p, 0, "null", "required");
	check_field(&p, 0, "\"   \"", "required");
	check_field(&p, 0, "12", "type");
	/* blanks around a value are dropped, escapes cleaned */
	v = json_tokener_parse("\"  ab\\u001b[2Jc  \"");
	assert_int_equal(wire_field_check(&p.fields[0], v, &a, &code, &message), 0);
	assert_string_equal(a.string, "abc");
	assert_string_equal(a.name, "address");
	assert_int_equal(a.kind, WIRE_ANSWER_STRING);
	wire_answer_release(&a);
	json_object_put(v);
	/* pattern over the whole value; optional */
	check_field(&p, 1, "\"530-0001\"", NULL);
	check_field(&p, 1, "\"5300001\"", NULL);
	check_field(&p, 1, "\"x530-0001\"", "pattern");
	check_field(&p, 1, "\"530-00011\"", "pattern");
	check_field(&p, 1, NULL, NULL);
	check_field(&p, 1, "\"\"", NULL);
	/* number within 1..9 */
	check_field(&p, 2, "3", NULL);
	check_field(&p, 2, "0", "range");
	check_field(&p, 2, "10", "range");
	check_field(&p, 2, "\"3\"", "type");
	check_field(&p, 2, "3.5", "type");
	/* date */
	check_field(&p, 3, "\"2028-02-29\"", NULL);
	check_field(&p, 3, "\"2027-02-29\"", "date");
	check_field(&p, 3, "\"2027-13-01\"", "date");
	check_field(&p, 3, "\"2027-1-01\"", "date");
	check_field(&p, 3, "\"tomorrow\"", "date");
	/* choice */
	check_field(&p, 4, "\"part\"", NULL);
	check_field(&p, 4, "\"some\"", "choice");
	check_field(&p, 4, "\"全員\"", "choice");
	/* bool: false is an answer */
	check_field(&p, 5, "false", NULL);
	check_field(&p, 5, "\"yes\"", "type");
	check_field(&p, 5, NULL, "required");
	wire_procedure_release(&p);
}

static void
test_answers_check(void **state)
{
	struct wire_procedure p;
	struct wire_answer *a = NULL;
	struct wire_field_error *e = NULL;
	size_t na = 0, ne = 0;
	json_object *o;

	(void)state;
	decode_procedure(good_procedure, &p);
	o = json_tokener_parse("{\"address\": \"北区\", \"day\": \"2027-04-01\", \"who\": \"all\","
			       " \"agree\": true, \"people\": 2}");
	assert_int_equal(wire_answers_check(p.fields, p.nfields, o, &a, &na, &e, &ne), 0);
	/* In the form's order; the absent optional one is left out. */
	assert_int_equal(na, 5);
	assert_string_equal(a[0].name, "address");
	assert_string_equal(a[1].name, "people");
	assert_true(a[1].number == 2 && a[1].kind == WIRE_ANSWER_NUMBER);
	assert_string_equal(a[4].name, "agree");
	assert_true(a[4].boolean && a[4].kind == WIRE_ANSWER_BOOL);
	assert_null(e);
	wire_answers_free(a, na);
	json_object_put(o);

	o = json_tokener_parse("{\"address\": \"北区\", \"day\": \"2027-02-30\", \"who\": \"x\","
			       " \"colour\": \"red\"}");
	assert_int_equal(wire_answers_check(p.fields, p.nfields, o, &a, &na, &e, &ne), 4);
	assert_null(a);
	assert_int_equal(ne, 4);
	assert_string_equal(e[0].field, "day");
	assert_string_equal(e[0].code, "date");
	assert_string_equal(e[1].field, "who");
	assert_string_equal(e[1].code, "choice");
	assert_string_equal(e[2].field, "agree");
	assert_string_equal(e[2].code, "required");
	assert_string_equal(e[3].field, "colour");
	assert_string_equal(e[3].code, "unknown");
	wire_field_errors_free(e, ne);
	json_object_put(o);
	wire_procedure_release(&p);
}

static void
test_application_roundtrip(void **state)
{
	static const char data[] =
		"{\"procedure\": \"131016:tenshutsu\", \"procedure_name\": {\"ja\": \"転出届\"},"
		" \"status\": \"needs_changes\", \"submitted\": \"2026-11-20T10:00:00+09:00\","
		" \"updated\": \"2026-11-21T10:00:00+09:00\","
		" \"answers\": {\"address\": \"北区\", \"people\": 2, \"agree\": false},"
		" \"history\": [{\"status\": \"received\", \"at\": \"2026-11-20T10:00:00+09:00\"},"
		"  {\"status\": \"needs_changes\", \"at\": \"2026-11-21T10:00:00+09:00\","
		"   \"message\": {\"ja\": \"住所を\\n確認\", \"en\": \"Check\"}}]}";
	struct wire_application a, b;
	json_object *o = json_tokener_parse(data), *enc;
	char *cause = NULL;

	(void)state;
	assert_int_equal(wire_application_from_json(o, "a-1", &a, &cause), 0);
	assert_string_equal(a.status, "needs_changes");
	assert_int_equal(a.nanswers, 3);
	assert_int_equal(a.nhistory, 2);
	assert_string_equal(a.history[1].message.ja, "住所を\n確認");
	enc = wire_application_encode(&a);
	assert_int_equal(wire_application_from_json(enc, "a-1", &b, &cause), 0);
	assert_string_equal(b.procedure, "131016:tenshutsu");
	assert_int_equal(b.nanswers, 3);
	assert_int_equal(b.answers[1].kind, WIRE_ANSWER_NUMBER);
	assert_int_equal(b.answers[2].kind, WIRE_ANSWER_BOOL);
	assert_false(b.answers[2].boolean);
	assert_string_equal(b.history[1].status, "needs_changes");
	wire_application_release(&a);
	wire_application_release(&b);
	json_object_put(enc);
	json_object_put(o);

	/* Refused: an unknown status, an empty history, a nested answer. */
	o = json_tokener_parse("{\"procedure\": \"p\", \"status\": \"lost\","
			       " \"submitted\": \"2026-11-20T10:00:00+09:00\","
			       " \"updated\": \"2026-11-20T10:00:00+09:00\","
			       " \"history\": [{\"status\": \"received\","
			       "   \"at\": \"2026-11-20T10:00:00+09:00\"}]}");
	assert_int_equal(wire_application_from_json(o, "a-1", &a, &cause), -1);
	assert_non_null(strstr(cause, "status"));
	xfree(&cause);
	json_object_object_add(o, "status", json_object_new_string("received"));
	assert_int_equal(wire_application_from_json(o, "a-1", &a, &cause), 0);
	wire_application_release(&a);
	json_object_object_add(o, "history", json_object_new_array());
	assert_int_equal(wire_application_from_json(o, "a-1", &a, &cause), -1);
	assert_non_null(strstr(cause, "history"));
	xfree(&cause);
	json_object_put(o);
	assert_true(wire_status_valid("under_review"));
	assert_false(wire_status_valid("done"));
	assert_false(wire_status_valid(NULL));
}

static void
test_record_and_access(void **state)
{
	struct wire_record r, r2;
	struct wire_access a, a2;
	struct wire_page p;
	json_object *page;
	const char *s;
	char *cause = NULL;
	json_object *o = json_tokener_parse(
		"{\"category\": \"pension\", \"title\": {\"ja\": \"年金記録\"},"
		" \"source\": \"日本年金機構\", \"updated\": \"2026-11-01T09:00:00+09:00\","
		" \"items\": [{\"label\": {\"ja\": \"加入期間\", \"en\": \"Months\"},"
		"             \"value\": {\"ja\": \"252か月\", \"en\": \"252 months\"}}]}");

	(void)state;
	assert_int_equal(wire_record_from_json(o, "r-1", &r, &cause), 0);
	assert_string_equal(r.category, "pension");
	assert_int_equal(r.nitems, 1);
	assert_string_equal(r.items[0].value.en, "252 months");
	json_object_put(o);
	o = json_tokener_parse("{\"when\": \"2026-11-01T14:05:00+09:00\","
			       " \"agency\": \"日本年金機構\", \"provider\": \"千代田区\","
			       " \"item\": \"地方税関係情報\", \"purpose\": \"免除の審査\"}");
	assert_int_equal(wire_access_from_json(o, "l-1", &a, &cause), 0);
	json_object_put(o);
	page = wire_page_new("s9", 0);
	wire_page_add(page, "record", "r-1", 0, wire_record_encode(&r));
	wire_page_add(page, "access_log", "l-1", 0, wire_access_encode(&a));
	s = json_object_to_json_string_ext(page, JSON_C_TO_STRING_PLAIN);
	assert_int_equal(wire_page_decode(s, strlen(s), &p, &cause), 0);
	assert_int_equal(wire_record_decode(&p.changes[0], &r2, &cause), 0);
	assert_int_equal(wire_access_decode(&p.changes[1], &a2, &cause), 0);
	assert_string_equal(r2.items[0].label.ja, "加入期間");
	assert_string_equal(a2.agency.ja, "日本年金機構");
	assert_string_equal(a2.purpose.ja, "免除の審査");
	assert_string_equal(a2.when, "2026-11-01T14:05:00+09:00");
	/* The wrong decoder refuses, leaving nothing allocated. */
	wire_record_release(&r2);
	assert_int_equal(wire_record_decode(&p.changes[1], &r2, &cause), -1);
	assert_null(r2.category);
	xfree(&cause);
	wire_record_release(&r);
	wire_record_release(&r2);
	wire_access_release(&a);
	wire_access_release(&a2);
	wire_page_release(&p);
	json_object_put(page);

	/* An access record needs when, agency, item and purpose. */
	o = json_tokener_parse("{\"when\": \"2026-11-01T14:05:00+09:00\", \"agency\": \"x\","
			       " \"item\": \"y\"}");
	assert_int_equal(wire_access_from_json(o, "l-1", &a, &cause), -1);
	assert_non_null(strstr(cause, "purpose"));
	xfree(&cause);
	json_object_put(o);
}

/* The text form of a page decodes as the object form does. */
static void
test_page_text(void **state)
{
	struct buf changes, out;
	struct wire_page p;
	char *cause = NULL;

	(void)state;
	buf_init(&changes, 0);
	buf_init(&out, 0);
	wire_page_text_add(&changes, "notice", "n-1", 0, "{\"title\":\"t\"}", 13);
	wire_page_text_add(&changes, "notice", "n-2", 1, NULL, 0);
	wire_page_text_end(&out, "s\"9", 1, &changes);
	assert_int_equal(wire_page_decode(out.data, out.len, &p, &cause), 0);
	assert_string_equal(p.cursor, "s\"9");
	assert_true(p.has_more);
	assert_int_equal(p.nchanges, 2);
	assert_false(p.changes[0].deleted);
	assert_true(p.changes[1].deleted);
	assert_string_equal(json_object_get_string(json_object_object_get(p.changes[0].data,
									  "title")), "t");
	wire_page_release(&p);
	buf_release(&out);
	buf_init(&out, 0);
	buf_reset(&changes);
	wire_page_text_end(&out, "", 0, &changes);
	assert_string_equal(out.data, "{\"cursor\":\"\",\"has_more\":false,\"changes\":[]}\n");
	buf_release(&out);
	buf_release(&changes);
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
		cmocka_unit_test(test_procedure_decode),
		cmocka_unit_test(test_procedure_refused),
		cmocka_unit_test(test_procedure_unit),
		cmocka_unit_test(test_field_check),
		cmocka_unit_test(test_answers_check),
		cmocka_unit_test(test_application_roundtrip),
		cmocka_unit_test(test_record_and_access),
		cmocka_unit_test(test_page_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
