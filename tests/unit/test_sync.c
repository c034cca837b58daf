/*
 * Unit tests for shared/sync.c and shared/session.c: a real store, a real
 * session (config and credentials files under temporary XDG folders) and a
 * scripted feed served over HTTP on 127.0.0.1 by libmicrohttpd.
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

#include "config.h"
#include "date.h"
#include "fault.h"
#include "mem.h"
#include "testdir.h"
#include "session.h"
#include "store.h"
#include "sync.h"
#include "testhttp.h"

#define FEED_MAX 8
#define LOG_MAX	 32

/* One scripted answer of /v1/sync, chosen by the cursor asked for. */
struct feed_page {
	const char  *cursor;	/* NULL: the request without a cursor */
	unsigned int status;
	const char  *body;
	const char  *etag;	/* sent with the answer; 304 when asked with it */
};

struct request_log {
	char *cursor;		/* NULL when none was sent */
	char *limit;
	char *if_none_match;
	char *authorization;
};

static struct {
	struct feed_page   pages[FEED_MAX];
	const char	  *good_token;		/* others get 401 */
	const char	  *token_answer;	/* answer of /v1/token: "STATUS JSON" */
	const char	  *retry_after;		/* sent with every answer but 200 */
	char		  *refresh_seen;
	int		   nlog;
	struct request_log log[LOG_MAX];
} feed;

static struct th_server *srv;
static char *tmpdir;

/* Forgets the requests seen so far. */
static void
feed_log_clear(void)
{
	int i;

	for (i = 0; i < feed.nlog; i++) {
		free(feed.log[i].cursor);
		free(feed.log[i].limit);
		free(feed.log[i].if_none_match);
		free(feed.log[i].authorization);
	}
	memset(feed.log, 0, sizeof feed.log);
	feed.nlog = 0;
}

static void
feed_reset(void)
{
	feed_log_clear();
	free(feed.refresh_seen);
	memset(&feed, 0, sizeof feed);
}

static void
handler(void *arg, struct th_exchange *x)
{
	const char *cursor, *auth, *inm;
	int i;

	(void)arg;
	if (strcmp(x->path, "/v1/token") == 0) {
		const char *a = feed.token_answer ? feed.token_answer : "400 {\"error\": \"invalid_grant\"}";
		const char *rt = strstr(x->body ? x->body : "", "refresh_token=");

		free(feed.refresh_seen);
		feed.refresh_seen = rt ? xstrndup(rt + 14, strcspn(rt + 14, "&")) : NULL;
		th_reply(x, (unsigned int)strtoul(a, NULL, 10), "application/json", strchr(a, ' ') + 1);
		return;
	}
	if (strcmp(x->path, "/v1/sync") != 0) {
		th_reply(x, 404, NULL, "");
		return;
	}
	cursor = th_arg(x, "cursor");
	auth = th_header(x, "Authorization");
	inm = th_header(x, "If-None-Match");
	if (feed.nlog < LOG_MAX) {
		struct request_log *l = &feed.log[feed.nlog++];

		l->cursor = xstrdup(cursor);
		l->limit = xstrdup(th_arg(x, "limit"));
		l->if_none_match = xstrdup(inm);
		l->authorization = xstrdup(auth);
	}
	if (feed.good_token != NULL) {
		char *want = xasprintf("Bearer %s", feed.good_token);
		int ok = auth != NULL && strcmp(auth, want) == 0;

		free(want);
		if (!ok) {
			th_add_header(x, "WWW-Authenticate", "Bearer");
			th_reply(x, 401, "application/problem+json",
				 "{\"title\": \"Unauthorized\", \"status\": 401}");
			return;
		}
	}
	for (i = 0; i < FEED_MAX; i++) {
		struct feed_page *p = &feed.pages[i];

		if (p->status == 0)
			continue;
		if (p->cursor == NULL ? cursor != NULL
				      : (cursor == NULL || strcmp(cursor, p->cursor) != 0))
			continue;
		if (p->etag != NULL) {
			th_add_header(x, "ETag", p->etag);
			if (inm != NULL && strcmp(inm, p->etag) == 0) {
				th_reply(x, 304, NULL, "");
				return;
			}
		}
		if (p->status != 200 && feed.retry_after != NULL)
			th_add_header(x, "Retry-After", feed.retry_after);
		th_reply(x, p->status, "application/json", p->body);
		return;
	}
	th_reply(x, 500, "application/problem+json",
		 "{\"title\": \"Test server\", \"detail\": \"no page scripted\"}");
}

/* Each test: fresh folders, a config naming the server, the given tokens
 * (NULL: none), an empty feed. */
static void
fresh(const char *access, const char *refresh)
{
	struct config *c;
	char *cause = NULL, *dir, *path;

	feed_reset();
	if (tmpdir != NULL) {
		testdir_remove(tmpdir);
		free(tmpdir);
	}
	tmpdir = testdir_new("sync");
	assert_non_null(tmpdir);
	dir = xasprintf("%s/config", tmpdir);
	setenv("XDG_CONFIG_HOME", dir, 1);
	free(dir);
	dir = xasprintf("%s/state", tmpdir);
	setenv("XDG_STATE_HOME", dir, 1);
	free(dir);
	dir = xasprintf("%s/data", tmpdir);
	setenv("XDG_DATA_HOME", dir, 1);
	free(dir);

	c = config_new();
	assert_int_equal(config_set(c, "server", srv->url), 0);
	path = xasprintf("%s/config/myna/config", tmpdir);
	if (config_save(c, path, 0600, &cause) < 0)
		fail_msg("config_save: %s", cause);
	free(path);
	config_free(c);
	if (access != NULL) {
		c = config_new();
		config_set(c, "access_token", access);
		config_set(c, "refresh_token", refresh);
		path = xasprintf("%s/state/myna/credentials", tmpdir);
		if (config_save(c, path, 0600, &cause) < 0)
			fail_msg("config_save: %s", cause);
		free(path);
		config_free(c);
	}
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

static void
open_session(struct session *se)
{
	char *cause = NULL;

	if (session_open(se, &cause) < 0)
		fail_msg("session_open: %s", cause);
}

static char *
meta(struct store *st, const char *key)
{
	char *v = NULL;

	assert_int_equal(store_meta_get(st, key, &v), 0);
	return v;
}

/* Asserts that meta key holds want (NULL: absent). */
static void
assert_meta(struct store *st, const char *key, const char *want)
{
	char *v = meta(st, key);

	if (want == NULL && v != NULL)
		fail_msg("%s = \"%s\", expected none", key, v);
	if (want != NULL && (v == NULL || strcmp(v, want) != 0))
		fail_msg("%s = \"%s\", expected \"%s\"", key, v ? v : "(none)", want);
	free(v);
}

static int
notice_exists(struct store *st, const char *id, int *read)
{
	struct store_notice n;
	int found = 0;

	assert_int_equal(store_notice_get(st, id, &n, &found), 0);
	if (read != NULL)
		*read = n.read;
	store_notice_release(&n);
	return found;
}

static int
deadline_exists(struct store *st, const char *id)
{
	struct store_deadline d;
	int found = 0;

	assert_int_equal(store_deadline_get(st, id, &d, &found), 0);
	store_deadline_release(&d);
	return found;
}

#define NOTICE(id, title)                                                            \
	"{\"type\": \"notice\", \"id\": \"" id "\", \"op\": \"upsert\", \"data\": {"  \
	"\"title\": {\"ja\": \"" title "\", \"en\": \"" title "\"},"                  \
	"\"body\": {\"ja\": \"本文\"}, \"sender\": {\"ja\": \"市\"},"                  \
	"\"published\": \"2026-11-20T10:00:00+09:00\"}}"
#define DEADLINE(id)                                                                 \
	"{\"type\": \"deadline\", \"id\": \"" id "\", \"op\": \"upsert\", \"data\": {" \
	"\"title\": {\"ja\": \"期限\"}, \"due\": \"2027-03-15T23:59:59+09:00\","       \
	"\"procedure\": null}}"
#define DELETE(type, id) "{\"type\": \"" type "\", \"id\": \"" id "\", \"op\": \"delete\"}"
/* Changes are joined with "," by the caller: NOTICE(...) "," DEADLINE(...). */
#define PAGE(cursor, more, changes) \
	"{\"cursor\": \"" cursor "\", \"has_more\": " more ", \"changes\": [" changes "]}"

static void
test_session_errors(void **state)
{
	struct session se;
	char *cause = NULL;
	struct config *c;
	char *path;

	(void)state;
	/* Signed out. */
	fresh(NULL, NULL);
	assert_int_equal(session_open(&se, &cause), -1);
	assert_string_equal(cause, "not signed in: run myna login");
	xfree(&cause);
	session_release(&se);

	/* No server. */
	path = xasprintf("%s/config/myna/config", tmpdir);
	c = config_new();
	assert_int_equal(config_save(c, path, 0600, &cause), 0);
	config_free(c);
	assert_int_equal(session_open(&se, &cause), -1);
	assert_string_equal(cause, "no server configured: run myna login --server URL");
	xfree(&cause);
	session_release(&se);

	/* A server URL the rules refuse. */
	c = config_new();
	config_set(c, "server", "http://192.168.1.1");
	config_set(c, "access_token", "x");
	assert_int_equal(config_save(c, path, 0600, &cause), 0);
	free(path);
	path = xasprintf("%s/state/myna/credentials", tmpdir);
	assert_int_equal(config_save(c, path, 0600, &cause), 0);
	config_free(c);
	free(path);
	assert_int_equal(session_open(&se, &cause), -1);
	assert_non_null(strstr(cause, "https://"));
	xfree(&cause);
	session_release(&se);

	/* session_refresh without a session. */
	memset(&se, 0, sizeof se);
	assert_int_equal(session_refresh(&se, &cause), -1);
	assert_non_null(strstr(cause, "myna login"));
	xfree(&cause);
	session_release(NULL);
}

static void
test_session_tokens(void **state)
{
	struct session se;
	struct api_tokens t = { .access_token = "at-9", .refresh_token = NULL, .expires_in = 3600 };
	char *cause = NULL, *path;
	struct config *c;
	struct stat sb;
	time_t before = time(NULL);
	long exp;

	(void)state;
	fresh(NULL, NULL);
	/* Login: only the config, then a server, then tokens. */
	assert_int_equal(session_load(&se, &cause), 0);
	assert_null(se.api);
	assert_int_equal(session_set_server(&se, "http://localhost:1/", &cause), 0);
	assert_non_null(se.api);
	assert_string_equal(api_base_url(se.api), "http://localhost:1");
	assert_int_equal(session_set_server(&se, "http://10.0.0.1", &cause), -1);
	assert_non_null(strstr(cause, "https://"));
	xfree(&cause);
	t.refresh_token = "rt-9";
	assert_int_equal(session_save_tokens(&se, &t, &cause), 0);
	/* A later save without a refresh token keeps the old one. */
	t.access_token = "at-10";
	t.refresh_token = NULL;
	assert_int_equal(session_save_tokens(&se, &t, &cause), 0);
	session_release(&se);

	path = xasprintf("%s/state/myna/credentials", tmpdir);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	c = config_new();
	assert_int_equal(config_load(c, path, &cause), 0);
	assert_string_equal(config_get(c, "access_token"), "at-10");
	assert_string_equal(config_get(c, "refresh_token"), "rt-9");
	exp = config_get_int(c, "expires_at", -1, 0, 1L << 40);
	assert_in_range(exp, before + 3600, time(NULL) + 3600);
	config_free(c);

	/* The saved server and tokens open a session. */
	open_session(&se);
	assert_string_equal(api_base_url(se.api), "http://localhost:1");
	assert_int_equal(session_forget(&se, &cause), 0);
	session_release(&se);
	assert_int_equal(stat(path, &sb), -1);
	assert_int_equal(session_open(&se, &cause), -1);
	assert_string_equal(cause, "not signed in: run myna login");
	xfree(&cause);
	session_release(&se);
	free(path);
}

static void
test_first_sync(void **state)
{
	struct session se;
	struct store *st;
	struct sync_result res;
	char *cause = NULL, *last;
	time_t t;

	(void)state;
	fresh("at-1", "rt-1");
	feed.pages[0] = (struct feed_page){ NULL, 200,
		PAGE("c 1/あ&", "true", NOTICE("n-1", "一") ","
		     DEADLINE("d-1") ","
		     "{\"type\": \"survey\", \"id\": \"s-1\", \"op\": \"upsert\", \"data\": {}}" ","
		     DELETE("deadline", "d-unknown")), NULL };
	feed.pages[1] = (struct feed_page){ "c 1/あ&", 200,
		PAGE("c2", "false", NOTICE("n-2", "二") ","
		     NOTICE("n-1", "一改") ","
		     DEADLINE("d-2")),
		NULL };
	open_session(&se);
	st = open_store();
	if (sync_run(st, &se, &res, &cause) < 0)
		fail_msg("sync_run: %s", cause);
	assert_int_equal(res.pages, 2);
	assert_int_equal(res.changes, 6);
	assert_int_equal(res.skipped, 1);
	assert_false(res.not_modified);
	assert_int_equal(res.new_notices, 2);
	assert_int_equal(res.new_deadlines, 2);

	/* The requests: no cursor at first, then the cursor as sent, escaped
	 * on the way and decoded by the server; the page size always. */
	assert_int_equal(feed.nlog, 2);
	assert_null(feed.log[0].cursor);
	assert_string_equal(feed.log[0].limit, "200");
	assert_string_equal(feed.log[0].authorization, "Bearer at-1");
	assert_string_equal(feed.log[1].cursor, "c 1/あ&");
	assert_string_equal(feed.log[1].limit, "200");

	assert_true(notice_exists(st, "n-1", NULL));
	assert_true(notice_exists(st, "n-2", NULL));
	assert_true(deadline_exists(st, "d-1"));
	assert_true(deadline_exists(st, "d-2"));
	{
		struct store_notice n;
		int found;

		assert_int_equal(store_notice_get(st, "n-1", &n, &found), 0);
		assert_string_equal(n.n.title.ja, "一改");
		store_notice_release(&n);
	}
	assert_meta(st, "sync.cursor", "c2");
	assert_meta(st, "sync.etag", NULL);
	last = meta(st, "sync.last");
	assert_non_null(last);
	assert_int_equal(date_parse(last, &t), 0);
	assert_in_range(t, time(NULL) - 60, time(NULL));
	free(last);
	store_close(st);
	session_release(&se);
}

static void
test_etag_not_modified(void **state)
{
	struct session se;
	struct store *st;
	struct sync_result res;
	char *cause = NULL;
	int read;

	(void)state;
	fresh("at-1", "rt-1");
	feed.pages[0] = (struct feed_page){ NULL, 200, PAGE("c1", "false", NOTICE("n-1", "一")),
					    "\"e0\"" };
	feed.pages[1] = (struct feed_page){ "c1", 200, PAGE("c1", "false", ""), "\"e1\"" };
	open_session(&se);
	st = open_store();
	assert_int_equal(sync_run(st, &se, &res, &cause), 0);
	/* The cursor moved, so the ETag (of the request without one) is not
	 * kept. */
	assert_meta(st, "sync.etag", NULL);
	assert_null(feed.log[0].if_none_match);

	/* Nothing new: same cursor back, and its ETag is kept. */
	assert_int_equal(sync_run(st, &se, &res, &cause), 0);
	assert_int_equal(res.pages, 1);
	assert_int_equal(res.changes, 0);
	assert_meta(st, "sync.cursor", "c1");
	assert_meta(st, "sync.etag", "\"e1\"");
	assert_null(feed.log[1].if_none_match);

	/* Next time it is sent, and 304 changes nothing. */
	assert_int_equal(store_notice_mark_read(st, "n-1", 1), 0);
	assert_int_equal(store_meta_set(st, "sync.last", "2000-01-01T00:00:00Z"), 0);
	assert_int_equal(sync_run(st, &se, &res, &cause), 0);
	assert_string_equal(feed.log[2].if_none_match, "\"e1\"");
	assert_string_equal(feed.log[2].cursor, "c1");
	assert_true(res.not_modified);
	assert_int_equal(res.pages, 0);
	assert_int_equal(res.changes, 0);
	assert_meta(st, "sync.cursor", "c1");
	assert_meta(st, "sync.etag", "\"e1\"");
	assert_true(notice_exists(st, "n-1", &read));
	assert_true(read);
	/* A 304 is a successful sync. */
	{
		char *last = meta(st, "sync.last");

		assert_string_not_equal(last, "2000-01-01T00:00:00Z");
		free(last);
	}
	store_close(st);
	session_release(&se);
}

static void
test_new_counts(void **state)
{
	struct session se;
	struct store *st;
	struct sync_result res;
	char *cause = NULL;

	(void)state;
	fresh("at-1", "rt-1");
	feed.pages[0] = (struct feed_page){ NULL, 200,
		PAGE("c1", "false", NOTICE("n-1", "一") ","
		     DEADLINE("d-1")), NULL };
	feed.pages[1] = (struct feed_page){ "c1", 200,
		PAGE("c2", "false", NOTICE("n-1", "一改") ","
		     NOTICE("n-3", "三") ","
		     DELETE("deadline", "d-1")), NULL };
	open_session(&se);
	st = open_store();
	assert_int_equal(sync_run(st, &se, &res, &cause), 0);
	assert_int_equal(res.new_notices, 1);
	assert_int_equal(res.new_deadlines, 1);
	assert_int_equal(sync_run(st, &se, &res, &cause), 0);
	assert_int_equal(res.changes, 3);
	assert_int_equal(res.new_notices, 1);	/* only n-3 */
	assert_int_equal(res.new_deadlines, 0);
	assert_false(deadline_exists(st, "d-1"));
	store_close(st);
	session_release(&se);
}

static void
test_bad_page_rolls_back(void **state)
{
	struct session se;
	struct store *st;
	struct sync_result res;
	char *cause = NULL, code[80];

	(void)state;
	fresh("at-1", "rt-1");
	feed.pages[0] = (struct feed_page){ NULL, 200, PAGE("c1", "true", NOTICE("n-1", "一")),
					    NULL };
	/* A good change, then one without a title: none of it may stay. */
	feed.pages[1] = (struct feed_page){ "c1", 200,
		PAGE("c2", "false", NOTICE("n-2", "二") ","
		     "{\"type\": \"notice\", \"id\": \"n-bad\", \"op\": \"upsert\","
		     " \"data\": {\"published\": \"2026-11-20T10:00:00+09:00\"}}"), NULL };
	open_session(&se);
	st = open_store();
	assert_int_equal(sync_run(st, &se, &res, &cause), -1);
	assert_non_null(cause);
	assert_non_null(strstr(cause, "n-bad"));
	xfree(&cause);
	/* For error reports: a change of a known type that does not decode. */
	assert_int_equal(res.fault, SYNC_FAULT_DECODE);
	assert_string_equal(res.fault_type, "notice");
	assert_string_equal(fault_sync_code(&res, code, sizeof code), "sync.decode.notice");
	/* The first page stays applied and counted; the second not at all. */
	assert_int_equal(res.pages, 1);
	assert_int_equal(res.changes, 1);
	assert_true(notice_exists(st, "n-1", NULL));
	assert_false(notice_exists(st, "n-2", NULL));
	assert_meta(st, "sync.cursor", "c1");
	assert_meta(st, "sync.last", NULL);

	/* Not JSON at all. */
	feed.pages[1].body = "<html>";
	assert_int_equal(sync_run(st, &se, &res, &cause), -1);
	assert_non_null(strstr(cause, "bad feed page"));
	xfree(&cause);
	assert_int_equal(res.fault, SYNC_FAULT_DECODE);
	assert_null(res.fault_type);
	assert_string_equal(fault_sync_code(&res, code, sizeof code), "sync.decode.page");
	assert_meta(st, "sync.cursor", "c1");

	/* Once the server is fixed, sync goes on from where it stopped. */
	feed.pages[1].body = PAGE("c2", "false", NOTICE("n-2", "二"));
	assert_int_equal(sync_run(st, &se, &res, &cause), 0);
	assert_string_equal(feed.log[feed.nlog - 1].cursor, "c1");
	assert_true(notice_exists(st, "n-2", NULL));
	assert_meta(st, "sync.cursor", "c2");
	store_close(st);
	session_release(&se);
}

static void
test_refresh_on_401(void **state)
{
	struct session se;
	struct store *st;
	struct sync_result res;
	struct config *c;
	char *cause = NULL, *path;

	(void)state;
	fresh("at-old", "rt-1");
	feed.good_token = "at-new";
	feed.token_answer = "200 {\"access_token\": \"at-new\", \"token_type\": \"Bearer\","
			    " \"expires_in\": 3600, \"refresh_token\": \"rt-2\"}";
	feed.pages[0] = (struct feed_page){ NULL, 200, PAGE("c1", "false", NOTICE("n-1", "一")),
					    NULL };
	open_session(&se);
	st = open_store();
	if (sync_run(st, &se, &res, &cause) < 0)
		fail_msg("sync_run: %s", cause);
	assert_int_equal(res.changes, 1);
	assert_int_equal(feed.nlog, 2);
	assert_string_equal(feed.log[0].authorization, "Bearer at-old");
	assert_string_equal(feed.log[1].authorization, "Bearer at-new");
	assert_string_equal(feed.refresh_seen, "rt-1");

	/* The new tokens were saved for next time. */
	path = xasprintf("%s/state/myna/credentials", tmpdir);
	c = config_new();
	assert_int_equal(config_load(c, path, &cause), 0);
	assert_string_equal(config_get(c, "access_token"), "at-new");
	assert_string_equal(config_get(c, "refresh_token"), "rt-2");
	assert_non_null(config_get(c, "expires_at"));
	config_free(c);
	free(path);
	session_release(&se);

	/* The server refuses the refresh token: sign in again. */
	feed.good_token = "at-newer";
	feed.token_answer = "400 {\"error\": \"invalid_grant\"}";
	open_session(&se);
	assert_int_equal(sync_run(st, &se, &res, &cause), -1);
	assert_non_null(strstr(cause, "invalid_grant"));
	assert_non_null(strstr(cause, "myna login"));
	xfree(&cause);
	session_release(&se);

	/* Refreshing works but the server still says 401: once only. */
	feed.token_answer = "200 {\"access_token\": \"at-other\", \"token_type\": \"Bearer\"}";
	feed_log_clear();
	open_session(&se);
	assert_int_equal(sync_run(st, &se, &res, &cause), -1);
	assert_non_null(strstr(cause, "myna login"));
	assert_int_equal(feed.nlog, 2);
	xfree(&cause);
	session_release(&se);
	store_close(st);
}

static void
test_401_without_refresh_token(void **state)
{
	struct session se;
	struct store *st;
	struct sync_result res;
	char *cause = NULL;

	(void)state;
	fresh("at-old", NULL);
	feed.good_token = "at-new";
	open_session(&se);
	st = open_store();
	assert_int_equal(sync_run(st, &se, &res, &cause), -1);
	assert_non_null(strstr(cause, "myna login"));
	xfree(&cause);
	store_close(st);
	session_release(&se);
}

static void
test_gone_restarts(void **state)
{
	struct session se;
	struct store *st;
	struct sync_result res;
	char *cause = NULL, code[80];
	int read;

	(void)state;
	fresh("at-1", "rt-1");
	feed.pages[0] = (struct feed_page){ NULL, 200,
		PAGE("c1", "false", NOTICE("n-old", "古") ","
		     NOTICE("n-gone", "消")), NULL };
	open_session(&se);
	st = open_store();
	assert_int_equal(sync_run(st, &se, &res, &cause), 0);
	assert_int_equal(store_notice_mark_read(st, "n-old", 1), 0);
	assert_int_equal(store_reminder_mark(st, "d-x", 7, 1000), 0);
	/* As if the last answer for c1 had come with an ETag. */
	assert_int_equal(store_meta_set(st, "sync.etag", "\"stale\""), 0);

	/* The server has forgotten c1: start over. */
	feed.pages[0] = (struct feed_page){ NULL, 200,
		PAGE("c9", "false", NOTICE("n-old", "古") ","
		     NOTICE("n-new", "新")), "\"e9\"" };
	feed.pages[1] = (struct feed_page){ "c1", 410, "{\"title\": \"Gone\"}", NULL };
	assert_int_equal(sync_run(st, &se, &res, &cause), 0);
	assert_int_equal(res.pages, 1);
	assert_int_equal(res.new_notices, 1);	/* n-old is not new */
	assert_true(notice_exists(st, "n-old", &read));
	assert_true(read);			/* and keeps its mark */
	assert_true(notice_exists(st, "n-new", NULL));
	assert_false(notice_exists(st, "n-gone", NULL));
	assert_meta(st, "sync.cursor", "c9");
	{
		int sent;

		assert_int_equal(store_reminder_sent(st, "d-x", 7, &sent), 0);
		assert_true(sent);
	}
	/* The restart asked without cursor and without an old ETag. */
	assert_string_equal(feed.log[feed.nlog - 2].cursor, "c1");
	assert_string_equal(feed.log[feed.nlog - 2].if_none_match, "\"stale\"");
	assert_null(feed.log[feed.nlog - 1].cursor);
	assert_null(feed.log[feed.nlog - 1].if_none_match);

	/* Gone even from the start: give up after one restart. */
	feed.pages[0] = (struct feed_page){ NULL, 410, "{\"title\": \"Gone\"}", NULL };
	feed.pages[1] = (struct feed_page){ "c9", 410, "{\"title\": \"Gone\"}", NULL };
	assert_int_equal(sync_run(st, &se, &res, &cause), -1);
	assert_non_null(strstr(cause, "Gone"));
	xfree(&cause);
	/* Gone again after starting over is the server's fault. */
	assert_int_equal(res.fault, SYNC_FAULT_STATUS);
	assert_string_equal(fault_sync_code(&res, code, sizeof code), "sync.status.410");
	store_close(st);
	session_release(&se);
}

/* A store that asks for everything again (store migration 4: notices
 * stored before their signatures were kept) syncs from the start once,
 * keeping read marks, and not announcing old notices as new; a notice's
 * agency and signature are stored as the feed carries them. */
static void
test_refetch(void **state)
{
	struct session se;
	struct store *st;
	struct sync_result res;
	struct store_notice n;
	char *cause = NULL, *v = NULL;
	int read, found = 0;

	(void)state;
	fresh("at-1", "rt-1");
	feed.pages[0] = (struct feed_page){ NULL, 200, PAGE("c1", "false", NOTICE("n-1", "古")),
					    NULL };
	open_session(&se);
	st = open_store();
	assert_int_equal(sync_run(st, &se, &res, &cause), 0);
	assert_int_equal(store_notice_mark_read(st, "n-1", 1), 0);
	assert_int_equal(store_meta_set(st, "sync.refetch", "1"), 0);

	feed.pages[0] = (struct feed_page){ NULL, 200,
		PAGE("c2", "false",
		     "{\"type\": \"notice\", \"id\": \"n-1\", \"op\": \"upsert\", \"data\": {"
		     "\"title\": {\"ja\": \"古\"}, \"sender\": {\"ja\": \"市\"},"
		     "\"published\": \"2026-11-20T10:00:00+09:00\","
		     "\"agency\": \"city\", \"signature\": \"not base64\"}}"),
		NULL };
	feed.pages[1] = (struct feed_page){ "c2", 200, PAGE("c2", "false", ""), NULL };
	assert_int_equal(sync_run(st, &se, &res, &cause), 0);
	/* Asked without a cursor, though the store had one. */
	assert_null(feed.log[feed.nlog - 1].cursor);
	assert_meta(st, "sync.cursor", "c2");
	assert_int_equal(store_meta_get(st, "sync.refetch", &v), 0);
	assert_null(v);
	assert_int_equal(res.new_notices, 0);
	assert_true(notice_exists(st, "n-1", &read));
	assert_true(read);
	assert_int_equal(store_notice_get(st, "n-1", &n, &found), 0);
	assert_string_equal(n.n.agency, "city");
	assert_string_equal(n.n.signature, "not base64");
	/* No key of "city" here. */
	assert_int_equal(n.trust, SIG_UNKNOWN);
	store_notice_release(&n);

	/* Once only: the next sync goes on from the cursor. */
	assert_int_equal(sync_run(st, &se, &res, &cause), 0);
	assert_string_equal(feed.log[feed.nlog - 1].cursor, "c2");
	store_close(st);
	session_release(&se);
}

static void
test_server_errors(void **state)
{
	struct session se;
	struct store *st;
	struct sync_result res;
	char *cause = NULL, code[80];

	(void)state;
	fresh("at-1", "rt-1");
	feed.pages[0] = (struct feed_page){ NULL, 200, PAGE("c1", "false", NOTICE("n-1", "一")),
					    NULL };
	feed.pages[1] = (struct feed_page){ "c1", 503,
		"{\"title\": \"Service Unavailable\", \"detail\": \"maintenance\"}", NULL };
	open_session(&se);
	st = open_store();
	assert_int_equal(sync_run(st, &se, &res, &cause), 0);
	assert_int_equal(sync_run(st, &se, &res, &cause), -1);
	assert_non_null(strstr(cause, "Service Unavailable: maintenance"));
	xfree(&cause);
	assert_meta(st, "sync.cursor", "c1");
	/* Busy or away on purpose: not a fault to report. */
	assert_int_equal(res.fault, SYNC_FAULT_STATUS);
	assert_null(fault_sync_code(&res, code, sizeof code));

	feed.pages[1] = (struct feed_page){ "c1", 429, "{\"title\": \"Too Many Requests\"}",
					    NULL };
	assert_int_equal(sync_run(st, &se, &res, &cause), -1);
	assert_non_null(strstr(cause, "Too Many Requests"));
	xfree(&cause);
	assert_null(fault_sync_code(&res, code, sizeof code));

	/* A status the client does not expect. */
	feed.pages[1] = (struct feed_page){ "c1", 500, "{\"title\": \"Internal\"}", NULL };
	assert_int_equal(sync_run(st, &se, &res, &cause), -1);
	xfree(&cause);
	assert_int_equal(res.fault, SYNC_FAULT_STATUS);
	assert_string_equal(fault_sync_code(&res, code, sizeof code), "sync.status.500");
	feed.pages[1] = (struct feed_page){ "c1", 400, "{\"title\": \"Bad Request\"}", NULL };
	assert_int_equal(sync_run(st, &se, &res, &cause), -1);
	xfree(&cause);
	assert_string_equal(fault_sync_code(&res, code, sizeof code), "sync.status.400");

	/* A server that says "more" but never moves on. */
	feed.pages[1] = (struct feed_page){ "c1", 200, PAGE("c1", "true", ""), NULL };
	assert_int_equal(sync_run(st, &se, &res, &cause), -1);
	assert_non_null(strstr(cause, "without moving on"));
	xfree(&cause);
	assert_true(feed.nlog < 10);
	assert_int_equal(res.fault, SYNC_FAULT_LOOP);
	assert_string_equal(fault_sync_code(&res, code, sizeof code), "sync.loop");

	/* Nobody listening. */
	{
		struct th_server *gone = th_start(handler, NULL);
		char *url = xstrdup(gone->url);

		th_stop(gone);
		api_free(se.api);
		se.api = api_new(url, &cause);
		assert_non_null(se.api);
		assert_int_equal(sync_run(st, &se, &res, &cause), -1);
		assert_non_null(strstr(cause, "cannot reach"));
		xfree(&cause);
		free(url);
		/* No answer: the network's, not the program's. */
		assert_int_equal(res.fault, SYNC_FAULT_NETWORK);
		assert_null(fault_sync_code(&res, code, sizeof code));
	}
	store_close(st);
	session_release(&se);
}

static void
test_failure_details(void **state)
{
	struct session se;
	struct store *st;
	struct sync_result res;
	char *cause = NULL;

	(void)state;
	fresh("at-1", "rt-1");
	feed.pages[0] = (struct feed_page){ NULL, 429, "{\"title\": \"Too Many Requests\"}",
					    NULL };
	feed.retry_after = "120";
	open_session(&se);
	st = open_store();
	assert_int_equal(sync_run(st, &se, &res, &cause), -1);
	assert_int_equal(res.status, 429);
	assert_int_equal(res.retry_after, 120);
	assert_false(res.signed_out);
	xfree(&cause);

	feed.pages[0].status = 503;
	feed.retry_after = NULL;
	assert_int_equal(sync_run(st, &se, &res, &cause), -1);
	assert_int_equal(res.status, 503);
	assert_int_equal(res.retry_after, -1);
	xfree(&cause);

	/* Refused for good: the refresh token is not accepted. */
	feed.good_token = "at-2";
	feed.token_answer = "400 {\"error\": \"invalid_grant\"}";
	assert_int_equal(sync_run(st, &se, &res, &cause), -1);
	assert_true(res.signed_out);
	assert_int_equal(res.status, 401);
	assert_int_equal(res.fault, SYNC_FAULT_SIGNIN);
	xfree(&cause);
	session_release(&se);

	/* The token endpoint is down: not signed out, try again later. */
	fresh("at-1", "rt-1");
	feed.good_token = "at-2";
	feed.token_answer = "503 {\"error\": \"temporarily_unavailable\"}";
	open_session(&se);
	assert_int_equal(sync_run(st, &se, &res, &cause), -1);
	assert_false(res.signed_out);
	assert_int_equal(res.fault, SYNC_FAULT_NETWORK);
	xfree(&cause);
	session_release(&se);

	/* No session at all. */
	memset(&se, 0, sizeof se);
	assert_int_equal(sync_run(st, &se, &res, &cause), -1);
	assert_true(res.signed_out);
	assert_int_equal(res.fault, SYNC_FAULT_SIGNIN);
	xfree(&cause);
	store_close(st);
}

/* A page asked for with a cursor that another process moved meanwhile is
 * dropped, not applied over the newer state. */
static void
test_moved_cursor(void **state)
{
	struct session se;
	struct store *st;
	struct sync_result res;
	struct sync_request rq;
	struct api_response r;
	char *cause = NULL;

	(void)state;
	fresh("at-1", "rt-1");
	feed.pages[0] = (struct feed_page){ NULL, 200, PAGE("c1", "false", NOTICE("n-1", "一")),
					    NULL };
	feed.pages[1] = (struct feed_page){ "c1", 200,
		PAGE("c2", "false", NOTICE("n-2", "二")), "\"e2\"" };
	feed.pages[2] = (struct feed_page){ "c2", 200, PAGE("c2", "false", ""), "\"e3\"" };
	open_session(&se);
	st = open_store();
	assert_int_equal(sync_run(st, &se, &res, &cause), 0);
	assert_meta(st, "sync.cursor", "c1");

	/* The long-poll's request, with wait=. */
	assert_int_equal(sync_request_make(st, 60, &rq, &cause), 0);
	assert_string_equal(rq.cursor, "c1");
	assert_non_null(strstr(rq.path, "cursor=c1"));
	assert_non_null(strstr(rq.path, "&wait=60"));
	api_response_init(&r);
	assert_int_equal(api_get(se.api, rq.path, rq.etag, &r, &cause), 0);
	assert_int_equal(r.status, 200);

	/* Meanwhile `myna sync` went on to c2. */
	assert_int_equal(sync_run(st, &se, &res, &cause), 0);
	assert_meta(st, "sync.cursor", "c2");
	assert_int_equal(store_notice_delete(st, "n-2"), 0);
	memset(&res, 0, sizeof res);
	assert_int_equal(sync_take(st, &rq, &r, &res, &cause), SYNC_TAKE_AGAIN);
	assert_int_equal(res.changes, 0);
	assert_false(notice_exists(st, "n-2", NULL));
	assert_meta(st, "sync.cursor", "c2");
	sync_request_release(&rq);

	/* Taken with the right cursor it is applied; 304 is up to date. */
	assert_int_equal(store_meta_delete(st, "sync.etag"), 0);
	assert_int_equal(sync_request_make(st, 0, &rq, &cause), 0);
	assert_null(rq.etag);
	assert_null(strstr(rq.path, "wait="));
	assert_int_equal(api_get(se.api, rq.path, rq.etag, &r, &cause), 0);
	assert_int_equal(r.status, 200);
	assert_int_equal(sync_take(st, &rq, &r, &res, &cause), SYNC_TAKE_DONE);
	assert_false(res.not_modified);
	assert_meta(st, "sync.etag", "\"e3\"");
	sync_request_release(&rq);
	assert_int_equal(sync_request_make(st, 0, &rq, &cause), 0);
	assert_string_equal(rq.etag, "\"e3\"");
	assert_int_equal(api_get(se.api, rq.path, rq.etag, &r, &cause), 0);
	assert_int_equal(r.status, 304);
	memset(&res, 0, sizeof res);
	assert_int_equal(sync_take(st, &rq, &r, &res, &cause), SYNC_TAKE_DONE);
	assert_true(res.not_modified);
	sync_request_release(&rq);
	sync_request_release(NULL);

	/* An error answer is for sync_run to deal with. */
	r.status = 503;
	assert_int_equal(sync_take(st, &rq, &r, &res, &cause), SYNC_TAKE_AGAIN);
	api_response_release(&r);
	store_close(st);
	session_release(&se);
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
	feed_reset();
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
		cmocka_unit_test(test_session_errors),
		cmocka_unit_test(test_failure_details),
		cmocka_unit_test(test_moved_cursor),
		cmocka_unit_test(test_session_tokens),
		cmocka_unit_test(test_first_sync),
		cmocka_unit_test(test_etag_not_modified),
		cmocka_unit_test(test_new_counts),
		cmocka_unit_test(test_bad_page_rolls_back),
		cmocka_unit_test(test_refresh_on_401),
		cmocka_unit_test(test_401_without_refresh_token),
		cmocka_unit_test(test_gone_restarts),
		cmocka_unit_test(test_refetch),
		cmocka_unit_test(test_server_errors),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
