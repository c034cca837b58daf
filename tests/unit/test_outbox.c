/*
 * Tests for daemon/outbox.c: a real store and session, and a scripted
 * server on 127.0.0.1 that answers POST /v1/applications as told and
 * records what it was sent.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config.h"
#include "mem.h"
#include "testdir.h"
#include "session.h"
#include "store.h"
#include "../../daemon/outbox.h"
#include "testhttp.h"

#define SCRIPT_MAX 16

/* The server's script: one "STATUS BODY" per request, in order. */
static struct {
	const char *answers[SCRIPT_MAX];
	const char *retry_after;
	const char *good_token;		/* others get 401 */
	const char *token_answer;
	int	    n;			/* requests seen */
	char	   *keys[SCRIPT_MAX];	/* their Idempotency-Key */
	char	   *bodies[SCRIPT_MAX];
} srvs;

static struct th_server *srv;
static char *tmpdir;

static void
script_reset(void)
{
	for (int i = 0; i < SCRIPT_MAX; i++) {
		free(srvs.keys[i]);
		free(srvs.bodies[i]);
	}
	memset(&srvs, 0, sizeof srvs);
}

static void
handler(void *arg, struct th_exchange *x)
{
	const char *a, *auth;

	(void)arg;
	if (strcmp(x->path, "/v1/token") == 0) {
		a = srvs.token_answer ? srvs.token_answer : "400 {\"error\": \"invalid_grant\"}";
		th_reply(x, (unsigned int)strtoul(a, NULL, 10), "application/json",
			 strchr(a, ' ') + 1);
		return;
	}
	if (strcmp(x->path, OUTBOX_PATH) != 0 || strcmp(x->method, "POST") != 0) {
		th_reply(x, 404, NULL, "");
		return;
	}
	auth = th_header(x, "Authorization");
	if (srvs.good_token != NULL) {
		char *want = xasprintf("Bearer %s", srvs.good_token);
		int ok = auth != NULL && strcmp(auth, want) == 0;

		free(want);
		if (!ok) {
			th_reply(x, 401, "application/problem+json", "{\"title\": \"Unauthorized\"}");
			return;
		}
	}
	if (srvs.n >= SCRIPT_MAX || srvs.answers[srvs.n] == NULL) {
		th_reply(x, 500, NULL, "{\"title\": \"not scripted\"}");
		return;
	}
	srvs.keys[srvs.n] = xstrdup(th_header(x, "Idempotency-Key"));
	srvs.bodies[srvs.n] = xstrndup(x->body, x->body_len);
	a = srvs.answers[srvs.n++];
	if (srvs.retry_after != NULL)
		th_add_header(x, "Retry-After", srvs.retry_after);
	th_reply(x, (unsigned int)strtoul(a, NULL, 10), "application/json", strchr(a, ' ') + 1);
}

/* Fresh folders, a config naming the server, tokens, an empty script. */
static void
fresh(void)
{
	struct config *c;
	char *cause = NULL, *path;
	static const char *const dirs[][2] = {
		{ "XDG_CONFIG_HOME", "config" },
		{ "XDG_STATE_HOME", "state" },
		{ "XDG_DATA_HOME", "data" },
	};

	script_reset();
	if (tmpdir != NULL) {
		testdir_remove(tmpdir);
		free(tmpdir);
	}
	tmpdir = testdir_new("outbox");
	assert_non_null(tmpdir);
	for (size_t i = 0; i < 3; i++) {
		path = xasprintf("%s/%s", tmpdir, dirs[i][1]);
		setenv(dirs[i][0], path, 1);
		free(path);
	}
	c = config_new();
	config_set(c, "server", srv->url);
	path = xasprintf("%s/config/myna/config", tmpdir);
	assert_int_equal(config_save(c, path, 0600, &cause), 0);
	free(path);
	config_free(c);
	c = config_new();
	config_set(c, "access_token", "at-1");
	config_set(c, "refresh_token", "rt-1");
	path = xasprintf("%s/state/myna/credentials", tmpdir);
	assert_int_equal(config_save(c, path, 0600, &cause), 0);
	free(path);
	config_free(c);
}

static struct store *
open_store(void)
{
	struct store *st = NULL;
	char *cause = NULL, *path = xasprintf("%s/data/myna/myna.db", tmpdir);

	if (store_open(path, &st, &cause) < 0)
		fail_msg("store_open: %s", cause);
	free(path);
	return st;
}

/* Queues a submission of procedure with fields; returns its seq. */
static long long
queue(struct store *st, const char *procedure, const char *fields)
{
	long long draft = 0, seq = 0;

	assert_int_equal(store_draft_save(st, &draft, procedure, fields), 0);
	assert_int_equal(store_outbox_queue(st, draft, NULL, &seq), 0);
	return seq;
}

static enum store_outbox_state
state_of(struct store *st, long long seq, char **app, char **key)
{
	struct store_outbox *v = NULL;
	size_t n = 0, i;
	enum store_outbox_state s = STORE_OUTBOX_QUEUED;

	assert_int_equal(store_outbox_list(st, 0, &v, &n), 0);
	for (i = 0; i < n && v[i].seq != seq; i++)
		;
	assert_true(i < n);
	s = v[i].state;
	if (app != NULL)
		*app = xstrdup(v[i].application_id);
	if (key != NULL)
		*key = xstrdup(v[i].key);
	store_outbox_free(v, n);
	return s;
}

static void
test_in_order_and_exactly_once(void **state)
{
	struct store *st;
	struct session se;
	struct outbox_result res;
	char *cause = NULL, *app = NULL, *key1 = NULL, *key2 = NULL;
	long long a, b, c;

	(void)state;
	fresh();
	st = open_store();
	a = queue(st, "tenshutsu", "{\"name\": \"佐藤\"}");
	b = queue(st, "jidou-teate", "{\"child\": \"花子\"}");
	c = queue(st, "tennyu", "{}");
	memset(&se, 0, sizeof se);
	assert_int_equal(session_open(&se, &cause), 0);

	/* The first is taken, the second finds the server busy: the third
	 * waits behind it. */
	srvs.answers[0] = "201 {\"id\": \"a-1\", \"status\": \"received\"}";
	srvs.answers[1] = "503 {\"title\": \"Service Unavailable\"}";
	srvs.retry_after = "30";
	assert_int_equal(outbox_flush(st, &se, &res, &cause), -1);
	assert_non_null(strstr(cause, "Service Unavailable"));
	xfree(&cause);
	assert_int_equal(srvs.n, 2);
	assert_true(res.retry);
	assert_int_equal(res.retry_after, 30);
	assert_int_equal(res.sent, 1);
	assert_int_equal(res.pending, 2);
	assert_int_equal(state_of(st, a, &app, NULL), STORE_OUTBOX_SENT);
	assert_string_equal(app, "a-1");
	xfree(&app);
	assert_string_equal(srvs.bodies[0],
			    "{\"procedure\":\"tenshutsu\",\"answers\":{\"name\":\"佐藤\"}}");
	assert_int_equal(state_of(st, b, NULL, &key1), STORE_OUTBOX_QUEUED);
	assert_string_equal(srvs.keys[1], key1);

	/* The retry carries the same key; 409 (still in hand) waits too. */
	script_reset();
	srvs.answers[0] = "409 {\"title\": \"Conflict\"}";
	assert_int_equal(outbox_flush(st, &se, &res, &cause), -1);
	xfree(&cause);
	assert_string_equal(srvs.keys[0], key1);
	assert_int_equal(state_of(st, b, NULL, NULL), STORE_OUTBOX_QUEUED);

	script_reset();
	srvs.answers[0] = "200 {\"id\": \"a-2\"}";	/* the replayed first answer */
	srvs.answers[1] = "201 {\"id\": \"a-3\"}";
	assert_int_equal(outbox_flush(st, &se, &res, &cause), 0);
	assert_int_equal(res.sent, 2);
	assert_int_equal(res.pending, 0);
	assert_string_equal(srvs.keys[0], key1);
	assert_int_equal(state_of(st, c, &app, &key2), STORE_OUTBOX_SENT);
	assert_string_equal(app, "a-3");
	assert_string_equal(srvs.keys[1], key2);
	assert_string_not_equal(key1, key2);
	xfree(&app);

	/* A 2xx that is not an application (a proxy's page): not sent. */
	c = queue(st, "tennyu", "{\"x\": 1}");
	script_reset();
	srvs.answers[0] = "200 <html>Welcome to the hotel network</html>";
	assert_int_equal(outbox_flush(st, &se, &res, &cause), -1);
	assert_true(res.retry);
	assert_non_null(strstr(cause, "not an application"));
	xfree(&cause);
	assert_int_equal(state_of(st, c, NULL, NULL), STORE_OUTBOX_QUEUED);
	script_reset();
	srvs.answers[0] = "201 {\"id\": \"a-4\"}";
	assert_int_equal(outbox_flush(st, &se, &res, &cause), 0);
	assert_int_equal(state_of(st, c, NULL, NULL), STORE_OUTBOX_SENT);

	/* Nothing left: no request at all. */
	script_reset();
	assert_int_equal(outbox_flush(st, &se, &res, &cause), 0);
	assert_int_equal(srvs.n, 0);
	free(key1);
	free(key2);
	session_release(&se);
	store_close(st);
}

static void
test_needs_fixing(void **state)
{
	struct store *st;
	struct session se;
	struct outbox_result res;
	struct store_draft d;
	char *cause = NULL;
	long long a, b, c;
	int found;

	(void)state;
	fresh();
	st = open_store();
	a = queue(st, "tenshutsu", "{\"name\": \"\"}");
	b = queue(st, "nowhere", "{}");
	c = queue(st, "tennyu", "{}");
	memset(&se, 0, sizeof se);
	assert_int_equal(session_open(&se, &cause), 0);
	srvs.answers[0] = "422 {\"title\": \"Unprocessable Content\", \"detail\": \"check the answers\","
			  " \"errors\": {\"name\": \"Enter your name.\", "
			  "\"date\": \"\\u001b[31mA date\\u001b[0m such as 2026-12-01.\"}}";
	srvs.answers[1] = "404 {\"title\": \"Not Found\", \"detail\": \"no such procedure\"}";
	srvs.answers[2] = "201 {\"id\": \"a-9\"}";
	assert_int_equal(outbox_flush(st, &se, &res, &cause), 0);
	assert_int_equal(res.needs_fixing, 2);
	assert_int_equal(res.sent, 1);
	assert_int_equal(state_of(st, a, NULL, NULL), STORE_OUTBOX_NEEDS_FIXING);
	assert_int_equal(state_of(st, b, NULL, NULL), STORE_OUTBOX_NEEDS_FIXING);
	assert_int_equal(state_of(st, c, NULL, NULL), STORE_OUTBOX_SENT);
	assert_int_equal(store_draft_get(st, 1, &d, &found), 0);
	assert_true(found);
	assert_int_equal(d.state, STORE_DRAFT_NEEDS_FIXING);
	/* The field errors, cleaned of the escape sequence. */
	assert_string_equal(d.errors, "{\"name\":\"Enter your name.\","
				      "\"date\":\"A date such as 2026-12-01.\"}");
	store_draft_release(&d);
	session_release(&se);
	store_close(st);
}

static void
test_field_errors_shapes(void **state)
{
	char *e;
	static const char arr[] = "{\"errors\": [{\"field\": \"a\", \"message\": \"m1\"},"
				  " {\"field\": \"b\", \"detail\": \"m2\"}, {\"x\": 1}]}";
	static const char rfc[] = "{\"invalid_params\": [{\"name\": \"age\", \"reason\": \"too young\"}]}";

	(void)state;
	e = outbox_field_errors(arr, strlen(arr));
	assert_string_equal(e, "{\"a\":\"m1\",\"b\":\"m2\"}");
	free(e);
	e = outbox_field_errors(rfc, strlen(rfc));
	assert_string_equal(e, "{\"age\":\"too young\"}");
	free(e);
	assert_null(outbox_field_errors("{\"title\": \"x\"}", 14));
	assert_null(outbox_field_errors("not json", 8));
	assert_null(outbox_field_errors(NULL, 0));
}

static void
test_refresh_and_network(void **state)
{
	struct store *st;
	struct session se;
	struct outbox_result res;
	char *cause = NULL;
	long long a;

	(void)state;
	fresh();
	st = open_store();
	a = queue(st, "tenshutsu", "{}");
	memset(&se, 0, sizeof se);
	assert_int_equal(session_open(&se, &cause), 0);

	/* 401: refreshed once, then sent with the new token. */
	srvs.good_token = "at-2";
	srvs.token_answer = "200 {\"access_token\": \"at-2\", \"token_type\": \"Bearer\"}";
	srvs.answers[0] = "201 {\"id\": \"a-1\"}";
	assert_int_equal(outbox_flush(st, &se, &res, &cause), 0);
	assert_int_equal(res.sent, 1);

	/* The refresh token refused: signed out, the item waits. */
	a = queue(st, "tenshutsu", "{}");
	script_reset();
	srvs.good_token = "at-3";
	assert_int_equal(outbox_flush(st, &se, &res, &cause), -1);
	assert_true(res.signed_out);
	assert_false(res.retry);
	assert_non_null(strstr(cause, "myna login"));
	xfree(&cause);
	assert_int_equal(state_of(st, a, NULL, NULL), STORE_OUTBOX_QUEUED);
	session_release(&se);

	/* Nobody listening: retry later, one try counted. */
	script_reset();
	{
		struct th_server *gone = th_start(handler, NULL);
		struct store_outbox *v = NULL;
		size_t n = 0;

		memset(&se, 0, sizeof se);
		assert_int_equal(session_open(&se, &cause), 0);
		api_free(se.api);
		se.api = api_new(gone->url, &cause);
		th_stop(gone);
		assert_int_equal(outbox_flush(st, &se, &res, &cause), -1);
		assert_true(res.retry);
		assert_non_null(strstr(cause, "cannot reach"));
		xfree(&cause);
		assert_int_equal(store_outbox_list(st, 1, &v, &n), 0);
		assert_int_equal(n, 1);
		assert_int_equal(v[0].attempts, 1);
		assert_non_null(v[0].last_error);
		store_outbox_free(v, n);
		session_release(&se);
	}
	store_close(st);
}

static int
group_setup(void **state)
{
	(void)state;
	srv = th_start(handler, NULL);
	return srv == NULL ? -1 : 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	th_stop(srv);
	script_reset();
	if (tmpdir != NULL) {
		testdir_remove(tmpdir);
		free(tmpdir);
	}
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_in_order_and_exactly_once),
		cmocka_unit_test(test_needs_fixing),
		cmocka_unit_test(test_field_errors_shapes),
		cmocka_unit_test(test_refresh_and_network),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
