/*
 * Unit tests for the synced catalogue in shared/store.c (migration 3):
 * procedures with their full-text search, applications, records and
 * access records; and their arrival through shared/sync.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ftw.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api.h"
#include "buf.h"
#include "mem.h"
#include "testdir.h"
#include "store.h"
#include "sync.h"
#include "wire.h"

struct fixture {
	char	     *dir;
	char	     *path;
	struct store *st;
};

static int
setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof *f);
	char *cause = NULL;

	f->dir = testdir_new("catalogue");
	if (f->dir == NULL)
		return -1;
	f->path = xasprintf("%s/myna.db", f->dir);
	if (store_open(f->path, &f->st, &cause) < 0) {
		fprintf(stderr, "%s\n", cause);
		return -1;
	}
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
	free(f->path);
	free(f);
	return 0;
}

/* Decodes a JSON literal with the feed's decoder (as sync does). */
static json_object *
json(const char *text)
{
	char *cause = NULL;
	json_object *o = wire_parse(text, strlen(text), &cause);

	if (o == NULL)
		fail_msg("bad JSON in the test: %s", cause);
	return o;
}

static void
put_procedure(struct store *st, const char *id, const char *data)
{
	struct wire_procedure p;
	json_object *o = json(data);
	char *cause = NULL;

	if (wire_procedure_from_json(o, id, &p, &cause) < 0)
		fail_msg("procedure %s: %s", id, cause);
	assert_int_equal(store_procedure_upsert(st, &p), 0);
	wire_procedure_release(&p);
	json_object_put(o);
}

#define TENSHUTSU                                                                                 \
	"{\"name\": {\"ja\": \"転出届\", \"en\": \"Moving-out notification\"},"                 \
	" \"agency\": {\"ja\": \"千代田区役所\", \"en\": \"Chiyoda City Office\"},"             \
	" \"description\": {\"ja\": \"引越しのときの届出です。\", \"en\": \"Tell the city.\"},"    \
	" \"deadline\": {\"ja\": \"引越しの前まで\", \"en\": \"Before you move\"},"             \
	" \"documents\": [{\"ja\": \"マイナンバーカード\", \"en\": \"My Number Card\"}],"       \
	" \"online\": true, \"municipality\": \"131016\","                                      \
	" \"fields\": [{\"name\": \"move_date\", \"type\": \"date\","                           \
	"   \"label\": {\"ja\": \"引越しの日\", \"en\": \"Moving date\"}, \"required\": true},"  \
	"  {\"name\": \"postal\", \"type\": \"text\", \"label\": {\"ja\": \"郵便番号\"},"        \
	"   \"required\": true, \"max_length\": 8, \"pattern\": \"[0-9]{3}-?[0-9]{4}\"}]}"

#define GENKYO                                                                                    \
	"{\"name\": {\"ja\": \"児童手当 現況届\", \"en\": \"Child allowance status report\"},"   \
	" \"agency\": {\"ja\": \"千代田区役所\", \"en\": \"Chiyoda City Office\"},"             \
	" \"description\": {\"ja\": \"毎年6月に出します。\", \"en\": \"Every June.\"},"          \
	" \"documents\": [], \"online\": false, \"fields\": []}"

#define NENKIN                                                                                    \
	"{\"name\": {\"ja\": \"国民年金 口座振替\", \"en\": \"Pension premium by direct debit\"},"\
	" \"agency\": {\"ja\": \"日本年金機構\", \"en\": \"Japan Pension Service\"},"           \
	" \"description\": {\"ja\": \"保険料を口座から納めます。\","                            \
	"   \"en\": \"Pay the premium from your bank account.\"},"                             \
	" \"documents\": [{\"ja\": \"通帳\", \"en\": \"Bank passbook\"}],"                      \
	" \"online\": true, \"municipality\": null,"                                             \
	" \"fields\": [{\"name\": \"payment\", \"type\": \"choice\", \"label\": {\"ja\": \"方法\"},"\
	"   \"required\": true, \"choices\": [{\"value\": \"monthly\", \"label\": {\"ja\": \"毎月\"}}]}]}"

/* The ids a search finds, joined by spaces; *more as the store says. */
static char *
search(struct store *st, const char *query, size_t limit, int *more)
{
	struct wire_procedure *v = NULL;
	struct buf b;
	size_t n = 0, i;
	int m = 0;

	assert_int_equal(store_procedures_search(st, query, limit, &v, &n, &m), 0);
	buf_init(&b, 0);
	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_addch(&b, ' ');
		buf_addstr(&b, v[i].id);
		/* Brief entries: what a list line needs, no form. */
		assert_non_null(v[i].name.ja);
		assert_int_equal(v[i].nfields, 0);
	}
	store_procedures_free(v, n);
	if (more != NULL)
		*more = m;
	return buf_take(&b);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The ids in s (blank-separated) sorted, as one string. */
static char *
sorted(const char *s)
{
	char *copy = xstrdup(s), *words[64], *save = NULL, *w;
	struct buf b;
	size_t n = 0, i;

	for (w = strtok_r(copy, " ", &save); w != NULL && n < 64; w = strtok_r(NULL, " ", &save))
		words[n++] = w;
	qsort(words, n, sizeof *words, cmp_str);
	buf_init(&b, 0);
	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_addch(&b, ' ');
		buf_addstr(&b, words[i]);
	}
	free(copy);
	return buf_take(&b);
}

/* The search finds exactly the ids of want (in any order). */
static void
assert_search(struct store *st, const char *query, const char *want)
{
	char *got = search(st, query, 50, NULL), *g = sorted(got), *w = sorted(want);

	if (strcmp(g, w) != 0)
		fail_msg("search \"%s\": got \"%s\", want \"%s\"", query, got, want);
	free(got);
	free(g);
	free(w);
}

/* The search finds the ids of want in that order. */
static void
assert_search_order(struct store *st, const char *query, const char *want)
{
	char *got = search(st, query, 50, NULL);

	if (strcmp(got, want) != 0)
		fail_msg("search \"%s\": got \"%s\", want \"%s\" in this order", query, got, want);
	free(got);
}

static void
fill_catalogue(struct store *st)
{
	put_procedure(st, "131016:tenshutsu", TENSHUTSU);
	put_procedure(st, "131016:genkyo", GENKYO);
	put_procedure(st, "nenkin-kouza", NENKIN);
}

static void
test_procedure_get_list(void **state)
{
	struct fixture *f = *state;
	struct wire_procedure p, *v = NULL;
	size_t n = 0, total = 0;
	int found = 0;

	fill_catalogue(f->st);
	assert_int_equal(store_procedure_get(f->st, "131016:tenshutsu", &p, &found), 0);
	assert_true(found);
	assert_string_equal(p.id, "131016:tenshutsu");
	assert_string_equal(p.name.ja, "転出届");
	assert_string_equal(p.agency.en, "Chiyoda City Office");
	assert_string_equal(p.deadline.en, "Before you move");
	assert_int_equal(p.ndocuments, 1);
	assert_string_equal(p.documents[0].en, "My Number Card");
	assert_true(p.online);
	assert_string_equal(p.municipality, "131016");
	assert_int_equal(p.nfields, 2);
	assert_int_equal(p.fields[0].type, WIRE_FIELD_DATE);
	assert_true(p.fields[0].required);
	assert_string_equal(p.fields[1].pattern, "[0-9]{3}-?[0-9]{4}");
	assert_int_equal(p.fields[1].max_length, 8);
	wire_procedure_release(&p);

	assert_int_equal(store_procedure_get(f->st, "nothing", &p, &found), 0);
	assert_false(found);

	assert_int_equal(store_procedures_list(f->st, 0, &v, &n, &total), 0);
	assert_int_equal(n, 3);
	assert_int_equal(total, 3);
	assert_string_equal(v[0].id, "131016:genkyo");
	assert_string_equal(v[1].id, "131016:tenshutsu");
	assert_string_equal(v[2].id, "nenkin-kouza");
	assert_false(v[0].online);
	assert_true(v[1].online);
	assert_null(v[1].description.ja);
	store_procedures_free(v, n);

	assert_int_equal(store_procedures_list(f->st, 2, &v, &n, &total), 0);
	assert_int_equal(n, 2);
	assert_int_equal(total, 3);
	store_procedures_free(v, n);
	store_procedures_free(NULL, 0);
}

static void
test_procedure_search(void **state)
{
	struct fixture *f = *state;

	fill_catalogue(f->st);
	/* Japanese: the trigram index finds a part of a longer name. */
	assert_search(f->st, "現況届", "131016:genkyo");
	assert_search(f->st, "転出届", "131016:tenshutsu");
	/* English, any case, any part of a word. */
	assert_search(f->st, "moving", "131016:tenshutsu");
	assert_search(f->st, "MOVING-OUT", "131016:tenshutsu");
	assert_search(f->st, "pension", "nenkin-kouza");
	/* The agency, the description and the documents count too; names
	 * weigh most. */
	assert_search(f->st, "Chiyoda", "131016:genkyo 131016:tenshutsu");
	assert_search(f->st, "passbook", "nenkin-kouza");
	assert_search(f->st, "マイナンバーカード", "131016:tenshutsu");
	assert_search(f->st, "before you", "131016:tenshutsu");
	/* Every word must match; the ideographic space separates words. */
	assert_search(f->st, "child report", "131016:genkyo");
	assert_search(f->st, "child moving", "");
	assert_search(f->st, "児童手当　現況届", "131016:genkyo");
	/* Words shorter than three characters look at names and agencies. */
	assert_search(f->st, "年金", "nenkin-kouza");
	assert_search(f->st, "届", "131016:genkyo 131016:tenshutsu");
	assert_search(f->st, "届 現況届", "131016:genkyo");
	assert_search(f->st, "転出 Chiyoda", "131016:tenshutsu");
	/* Nothing to look for, and FTS5 syntax taken as plain text. */
	assert_search(f->st, "", "");
	assert_search(f->st, "   ", "");
	assert_search(f->st, "\"", "");
	assert_search(f->st, "moving\" OR \"pension", "");
	assert_search(f->st, "NEAR(moving pension)", "");
	assert_search(f->st, "* AND -", "");
	assert_search(f->st, "%", "");
	assert_search(f->st, "_", "");
}

static void
test_procedure_search_limit(void **state)
{
	struct fixture *f = *state;
	char id[32], *got;
	int i, more = 0;

	for (i = 0; i < 12; i++) {
		snprintf(id, sizeof id, "p-%02d", i);
		put_procedure(f->st, id, GENKYO);
	}
	got = search(f->st, "現況届", 10, &more);
	assert_true(more);
	assert_int_equal(strlen(got), 10 * 4 + 9);
	free(got);
	got = search(f->st, "現況届", 12, &more);
	assert_false(more);
	free(got);
	got = search(f->st, "届", 5, &more);
	assert_true(more);
	free(got);
}

/* What matches in a name comes before what matches elsewhere, whatever
 * the order of the catalogue. */
static void
test_procedure_search_order(void **state)
{
	struct fixture *f = *state;

	put_procedure(f->st, "p-about",
		      "{\"name\": {\"ja\": \"手当の案内\", \"en\": \"About allowances\"},"
		      " \"agency\": {\"ja\": \"現況課\", \"en\": \"Moving desk\"},"
		      " \"description\": {\"ja\": \"現況届のあとで\", \"en\": \"after the moving\"},"
		      " \"documents\": [], \"online\": false, \"fields\": []}");
	fill_catalogue(f->st);
	assert_search_order(f->st, "現況届", "131016:genkyo p-about");
	assert_search_order(f->st, "moving", "131016:tenshutsu p-about");
	/* Short words: names, then agencies. */
	assert_search_order(f->st, "現況", "131016:genkyo p-about");
}

static void
test_procedure_replace_delete(void **state)
{
	struct fixture *f = *state;

	fill_catalogue(f->st);
	/* A new version replaces the old one in the index too. */
	put_procedure(f->st, "131016:tenshutsu", GENKYO);
	assert_search(f->st, "moving", "");
	assert_search(f->st, "現況届", "131016:genkyo 131016:tenshutsu");
	assert_int_equal(store_procedure_delete(f->st, "131016:genkyo"), 0);
	assert_search(f->st, "現況届", "131016:tenshutsu");
	/* Deleting what is not there is not an error. */
	assert_int_equal(store_procedure_delete(f->st, "131016:genkyo"), 0);
	/* Inside the caller's transaction, and undone with it. */
	assert_int_equal(store_begin(f->st), 0);
	assert_int_equal(store_procedure_delete(f->st, "131016:tenshutsu"), 0);
	assert_search(f->st, "現況届", "");
	assert_int_equal(store_rollback(f->st), 0);
	assert_search(f->st, "現況届", "131016:tenshutsu");
}

#define APPLICATION(status, updated)                                                              \
	"{\"procedure\": \"131016:tenshutsu\","                                                   \
	" \"procedure_name\": {\"ja\": \"転出届\", \"en\": \"Moving-out notification\"},"       \
	" \"status\": \"" status "\", \"submitted\": \"2026-11-20T10:00:00+09:00\","            \
	" \"updated\": \"" updated "\","                                                         \
	" \"answers\": {\"move_date\": \"2027-03-31\", \"people\": 2, \"consent\": true},"     \
	" \"history\": [{\"status\": \"received\", \"at\": \"2026-11-20T10:00:00+09:00\"},"     \
	"  {\"status\": \"" status "\", \"at\": \"" updated "\","                              \
	"   \"message\": {\"ja\": \"部屋番号を\", \"en\": \"Add the room number.\"}}]}"

static void
put_application(struct store *st, const char *id, const char *data)
{
	struct wire_application a;
	json_object *o = json(data);
	char *cause = NULL;

	if (wire_application_from_json(o, id, &a, &cause) < 0)
		fail_msg("application %s: %s", id, cause);
	assert_int_equal(store_application_upsert(st, &a), 0);
	wire_application_release(&a);
	json_object_put(o);
}

static void
test_applications(void **state)
{
	struct fixture *f = *state;
	struct wire_application a, *v = NULL;
	size_t n = 0, i;
	int found = 0, people = 0;

	put_application(f->st, "a-1", APPLICATION("needs_changes", "2026-11-21T15:00:00+09:00"));
	put_application(f->st, "a-2", APPLICATION("under_review", "2026-11-22T15:00:00+09:00"));
	assert_int_equal(store_application_get(f->st, "a-1", &a, &found), 0);
	assert_true(found);
	assert_string_equal(a.status, "needs_changes");
	assert_string_equal(a.procedure, "131016:tenshutsu");
	assert_string_equal(a.procedure_name.en, "Moving-out notification");
	assert_int_equal(a.nhistory, 2);
	assert_string_equal(a.history[0].status, "received");
	assert_string_equal(a.history[1].message.en, "Add the room number.");
	assert_int_equal(a.nanswers, 3);
	for (i = 0; i < a.nanswers; i++) {
		if (strcmp(a.answers[i].name, "people") == 0) {
			assert_int_equal(a.answers[i].kind, WIRE_ANSWER_NUMBER);
			assert_int_equal(a.answers[i].number, 2);
			people = 1;
		}
	}
	assert_true(people);
	wire_application_release(&a);

	/* Newest change first; an upsert replaces the status. */
	assert_int_equal(store_applications_list(f->st, &v, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].id, "a-2");
	assert_string_equal(v[1].id, "a-1");
	store_applications_free(v, n);
	put_application(f->st, "a-1", APPLICATION("approved", "2026-11-23T15:00:00+09:00"));
	assert_int_equal(store_applications_list(f->st, &v, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].id, "a-1");
	assert_string_equal(v[0].status, "approved");
	store_applications_free(v, n);

	assert_int_equal(store_application_delete(f->st, "a-1"), 0);
	assert_int_equal(store_application_get(f->st, "a-1", &a, &found), 0);
	assert_false(found);
}

static void
put_record(struct store *st, const char *id, const char *category, const char *title)
{
	struct wire_record r;
	char *text = xasprintf("{\"category\": \"%s\", \"title\": {\"ja\": \"%s\"},"
			       " \"source\": {\"ja\": \"日本年金機構\", \"en\": \"JPS\"},"
			       " \"updated\": \"2026-11-01T09:00:00+09:00\","
			       " \"items\": [{\"label\": {\"ja\": \"加入期間\", \"en\": \"Months\"},"
			       "   \"value\": {\"ja\": \"252か月\", \"en\": \"252 months\"}}]}",
			       category, title);
	json_object *o = json(text);
	char *cause = NULL;

	if (wire_record_from_json(o, id, &r, &cause) < 0)
		fail_msg("record %s: %s", id, cause);
	assert_int_equal(store_record_upsert(st, &r), 0);
	wire_record_release(&r);
	json_object_put(o);
	free(text);
}

static void
test_records(void **state)
{
	struct fixture *f = *state;
	struct wire_record r, *v = NULL;
	size_t n = 0;
	int found = 0;

	put_record(f->st, "r-2", "tax", "住民税");
	put_record(f->st, "r-1", "pension", "年金記録");
	put_record(f->st, "r-3", "pension", "年金見込額");
	assert_int_equal(store_records_list(f->st, &v, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(v[0].id, "r-1");
	assert_string_equal(v[1].id, "r-3");
	assert_string_equal(v[2].id, "r-2");
	assert_string_equal(v[2].category, "tax");
	store_records_free(v, n);
	assert_int_equal(store_record_get(f->st, "r-1", &r, &found), 0);
	assert_true(found);
	assert_int_equal(r.nitems, 1);
	assert_string_equal(r.items[0].value.en, "252 months");
	assert_string_equal(r.source.en, "JPS");
	wire_record_release(&r);
	assert_int_equal(store_record_delete(f->st, "r-1"), 0);
	assert_int_equal(store_record_get(f->st, "r-1", &r, &found), 0);
	assert_false(found);
}

static void
put_access(struct store *st, const char *id, const char *when, const char *ja, const char *en)
{
	struct wire_access a;
	char *text = xasprintf("{\"when\": \"%s\", \"agency\": {\"ja\": \"%s\", \"en\": \"%s\"},"
			       " \"item\": {\"ja\": \"地方税関係情報\"},"
			       " \"purpose\": {\"ja\": \"審査\", \"en\": \"A review\"}}",
			       when, ja, en);
	json_object *o = json(text);
	char *cause = NULL;

	if (wire_access_from_json(o, id, &a, &cause) < 0)
		fail_msg("access %s: %s", id, cause);
	assert_int_equal(store_access_upsert(st, &a), 0);
	wire_access_release(&a);
	json_object_put(o);
	free(text);
}

static void
test_access(void **state)
{
	struct fixture *f = *state;
	struct wire_access a, *v = NULL;
	size_t n = 0;
	int found = 0;

	put_access(f->st, "l-1", "2026-11-24T14:05:00+09:00", "日本年金機構", "Japan Pension Service");
	put_access(f->st, "l-2", "2026-11-25T09:00:00+09:00", "千代田区", "Chiyoda City");
	put_access(f->st, "l-3", "2026-10-01T09:00:00+09:00", "日本年金機構", "Japan Pension Service");
	assert_int_equal(store_access_list(f->st, NULL, &v, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(v[0].id, "l-2");
	assert_string_equal(v[1].id, "l-1");
	assert_string_equal(v[2].id, "l-3");
	assert_string_equal(v[1].purpose.en, "A review");
	store_access_free(v, n);
	/* The filter takes the agency in either language. */
	assert_int_equal(store_access_list(f->st, "日本年金機構", &v, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].id, "l-1");
	store_access_free(v, n);
	assert_int_equal(store_access_list(f->st, "Chiyoda City", &v, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].id, "l-2");
	store_access_free(v, n);
	assert_int_equal(store_access_list(f->st, "Nobody", &v, &n), 0);
	assert_int_equal(n, 0);
	store_access_free(v, n);
	assert_int_equal(store_access_get(f->st, "l-3", &a, &found), 0);
	assert_true(found);
	assert_string_equal(a.item.ja, "地方税関係情報");
	wire_access_release(&a);
	assert_int_equal(store_access_delete(f->st, "l-3"), 0);
	assert_int_equal(store_access_get(f->st, "l-3", &a, &found), 0);
	assert_false(found);
}

static void
test_clear_synced(void **state)
{
	struct fixture *f = *state;
	struct wire_procedure *p = NULL;
	struct wire_application *a = NULL;
	struct wire_record *r = NULL;
	struct wire_access *l = NULL;
	size_t n = 0, total = 0;

	fill_catalogue(f->st);
	put_application(f->st, "a-1", APPLICATION("received", "2026-11-21T15:00:00+09:00"));
	put_record(f->st, "r-1", "tax", "住民税");
	put_access(f->st, "l-1", "2026-11-24T14:05:00+09:00", "千代田区", "Chiyoda City");
	assert_int_equal(store_clear_synced(f->st), 0);
	assert_int_equal(store_procedures_list(f->st, 0, &p, &n, &total), 0);
	assert_int_equal(total, 0);
	store_procedures_free(p, n);
	assert_search(f->st, "現況届", "");
	assert_int_equal(store_applications_list(f->st, &a, &n), 0);
	assert_int_equal(n, 0);
	store_applications_free(a, n);
	assert_int_equal(store_records_list(f->st, &r, &n), 0);
	assert_int_equal(n, 0);
	store_records_free(r, n);
	assert_int_equal(store_access_list(f->st, NULL, &l, &n), 0);
	assert_int_equal(n, 0);
	store_access_free(l, n);
	/* And they come back with the next sync. */
	fill_catalogue(f->st);
	assert_search(f->st, "現況届", "131016:genkyo");
}

/* Applies one feed page to the store as sync does with the server's
 * answer; returns sync_take's result. */
static int
take_page(struct store *st, const char *body, struct sync_result *res, char **cause)
{
	struct sync_request rq;
	struct api_response r;
	int rc;

	assert_int_equal(sync_request_make(st, 0, &rq, cause), 0);
	api_response_init(&r);
	r.status = 200;
	buf_addstr(&r.body, body);
	memset(res, 0, sizeof *res);
	rc = sync_take(st, &rq, &r, res, cause);
	api_response_release(&r);
	sync_request_release(&rq);
	return rc;
}

static void
test_sync_types(void **state)
{
	struct fixture *f = *state;
	struct sync_result res;
	struct wire_access *l = NULL;
	struct wire_record rec;
	struct wire_application app;
	char *cause = NULL, *page;
	size_t n = 0;
	int found = 0;

	page = xasprintf("{\"cursor\": \"c1\", \"has_more\": false, \"changes\": ["
			 "{\"type\": \"procedure\", \"id\": \"131016:tenshutsu\", \"op\": \"upsert\","
			 " \"data\": %s},"
			 "{\"type\": \"procedure\", \"id\": \"131016:genkyo\", \"op\": \"upsert\","
			 " \"data\": %s},"
			 "{\"type\": \"application\", \"id\": \"a-1\", \"op\": \"upsert\", \"data\": %s},"
			 "{\"type\": \"record\", \"id\": \"r-1\", \"op\": \"upsert\", \"data\":"
			 " {\"category\": \"tax\", \"title\": {\"ja\": \"住民税\"},"
			 "  \"source\": {\"ja\": \"千代田区\"}, \"updated\": \"2026-11-01T09:00:00+09:00\","
			 "  \"items\": []}},"
			 "{\"type\": \"access_log\", \"id\": \"l-1\", \"op\": \"upsert\", \"data\":"
			 " {\"when\": \"2026-11-24T14:05:00+09:00\", \"agency\": {\"ja\": \"千代田区\"},"
			 "  \"item\": {\"ja\": \"所得\"}, \"purpose\": {\"ja\": \"審査\"}}}]}",
			 TENSHUTSU, GENKYO, APPLICATION("needs_changes", "2026-11-21T15:00:00+09:00"));
	if (take_page(f->st, page, &res, &cause) != SYNC_TAKE_DONE)
		fail_msg("sync_take: %s", cause ? cause : "not done");
	free(page);
	assert_int_equal(res.changes, 5);
	assert_int_equal(res.skipped, 0);
	assert_search(f->st, "現況届", "131016:genkyo");
	assert_int_equal(store_application_get(f->st, "a-1", &app, &found), 0);
	assert_true(found);
	assert_string_equal(app.status, "needs_changes");
	wire_application_release(&app);
	assert_int_equal(store_record_get(f->st, "r-1", &rec, &found), 0);
	assert_true(found);
	wire_record_release(&rec);

	/* Deletes, and a page with one malformed item applies nothing. */
	if (take_page(f->st,
		      "{\"cursor\": \"c2\", \"has_more\": false, \"changes\": ["
		      "{\"type\": \"procedure\", \"id\": \"131016:genkyo\", \"op\": \"delete\"},"
		      "{\"type\": \"application\", \"id\": \"a-1\", \"op\": \"delete\"},"
		      "{\"type\": \"record\", \"id\": \"r-1\", \"op\": \"delete\"},"
		      "{\"type\": \"access_log\", \"id\": \"l-1\", \"op\": \"delete\"}]}",
		      &res, &cause) != SYNC_TAKE_DONE)
		fail_msg("sync_take: %s", cause ? cause : "not done");
	assert_int_equal(res.changes, 4);
	assert_search(f->st, "現況届", "");
	assert_int_equal(store_application_get(f->st, "a-1", &app, &found), 0);
	assert_false(found);
	assert_int_equal(store_access_list(f->st, NULL, &l, &n), 0);
	assert_int_equal(n, 0);
	store_access_free(l, n);

	assert_int_equal(take_page(f->st,
				   "{\"cursor\": \"c3\", \"has_more\": false, \"changes\": ["
				   "{\"type\": \"procedure\", \"id\": \"p-ok\", \"op\": \"upsert\","
				   " \"data\": " GENKYO "},"
				   "{\"type\": \"procedure\", \"id\": \"p-bad\", \"op\": \"upsert\","
				   " \"data\": {\"name\": {\"ja\": \"名前\"}}}]}",
				   &res, &cause),
			 -1);
	assert_non_null(cause);
	free(cause);
	assert_search(f->st, "現況届", "");
}

/* A store written before migration 3 gains the catalogue and keeps what
 * it held. */
static void
test_migrates_to_catalogue(void **state)
{
	struct fixture *f = *state;
	sqlite3 *db = NULL;
	char *cause = NULL, *v = NULL;

	assert_int_equal(store_meta_set(f->st, "sync.cursor", "c-9"), 0);
	store_close(f->st);
	f->st = NULL;
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
				      "DROP TABLE procedures; DROP TABLE procedures_fts;"
				      "DROP TABLE procedures_names_fts; DROP TABLE procedure_grams; DROP INDEX notices_unread;"
				      "DROP TABLE applications; DROP TABLE records;"
				      "DROP TABLE access_logs;"
				      "ALTER TABLE notices DROP COLUMN agency;"
				      "ALTER TABLE notices DROP COLUMN signature;"
				      "ALTER TABLE notices DROP COLUMN trust;"
				      "ALTER TABLE notices DROP COLUMN trust_keys;"
				      "PRAGMA user_version = 2;",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);
	if (store_open(f->path, &f->st, &cause) < 0)
		fail_msg("store_open: %s", cause);
	assert_int_equal(store_meta_get(f->st, "sync.cursor", &v), 0);
	assert_string_equal(v, "c-9");
	free(v);
	fill_catalogue(f->st);
	assert_search(f->st, "現況届", "131016:genkyo");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_procedure_get_list, setup, teardown),
		cmocka_unit_test_setup_teardown(test_procedure_search, setup, teardown),
		cmocka_unit_test_setup_teardown(test_procedure_search_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_procedure_search_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_procedure_replace_delete, setup, teardown),
		cmocka_unit_test_setup_teardown(test_applications, setup, teardown),
		cmocka_unit_test_setup_teardown(test_records, setup, teardown),
		cmocka_unit_test_setup_teardown(test_access, setup, teardown),
		cmocka_unit_test_setup_teardown(test_clear_synced, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sync_types, setup, teardown),
		cmocka_unit_test_setup_teardown(test_migrates_to_catalogue, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
