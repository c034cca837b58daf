/*
 * Unit tests for shared/api.c against a real HTTP server (libmicrohttpd)
 * on 127.0.0.1, started inside the test.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "api.h"
#include "mem.h"
#include "testhttp.h"

/* What the server saw last, and the script for the token endpoint. */
struct seen {
	char  method[16];
	char  path[256];
	char *body;
	char *authorization;
	char *user_agent;
	char *accept_encoding;
	char *content_type;
	char *if_none_match;
	char *idempotency_key;
	char *grant_type;
	char *device_code;
	char *refresh_token;
	int   token_calls;
	const char *const *token_script;	/* one answer per call */
};

static struct seen seen;
static struct th_server *srv;

static void
seen_reset(void)
{
	free(seen.body);
	free(seen.authorization);
	free(seen.user_agent);
	free(seen.accept_encoding);
	free(seen.content_type);
	free(seen.if_none_match);
	free(seen.idempotency_key);
	free(seen.grant_type);
	free(seen.device_code);
	free(seen.refresh_token);
	memset(&seen, 0, sizeof seen);
}

/* Copies the value of key in an x-www-form-urlencoded body, decoded. */
static char *
form_value(const char *body, const char *key)
{
	size_t klen = strlen(key);
	const char *p = body;
	struct buf b;

	while (p != NULL && *p != '\0') {
		if (strncmp(p, key, klen) == 0 && p[klen] == '=') {
			p += klen + 1;
			buf_init(&b, 0);
			for (; *p != '\0' && *p != '&'; p++) {
				if (*p == '%' && p[1] && p[2]) {
					char hex[3] = { p[1], p[2], 0 };

					buf_addch(&b, (char)strtol(hex, NULL, 16));
					p += 2;
				} else {
					buf_addch(&b, *p == '+' ? ' ' : *p);
				}
			}
			{
				char *v = buf_take(&b);

				buf_release(&b);
				return v;
			}
		}
		p = strchr(p, '&');
		if (p != NULL)
			p++;
	}
	return NULL;
}

static void
handler(void *arg, struct th_exchange *x)
{
	(void)arg;
	/* Keep the token script across requests; forget the rest. */
	{
		const char *const *script = seen.token_script;
		int calls = seen.token_calls;

		seen_reset();
		seen.token_script = script;
		seen.token_calls = calls;
	}
	snprintf(seen.method, sizeof seen.method, "%s", x->method);
	snprintf(seen.path, sizeof seen.path, "%s", x->path);
	seen.body = xstrndup(x->body, x->body_len);
	seen.authorization = xstrdup(th_header(x, "Authorization"));
	seen.user_agent = xstrdup(th_header(x, "User-Agent"));
	seen.accept_encoding = xstrdup(th_header(x, "Accept-Encoding"));
	seen.content_type = xstrdup(th_header(x, "Content-Type"));
	seen.if_none_match = xstrdup(th_header(x, "If-None-Match"));
	seen.idempotency_key = xstrdup(th_header(x, "Idempotency-Key"));

	if (strcmp(x->path, "/hello") == 0) {
		th_reply(x, 200, "application/json", "{\"hello\": \"world\"}");
	} else if (strcmp(x->path, "/problem") == 0) {
		th_reply(x, 404, "application/problem+json",
			 "{\"type\": \"about:blank\", \"title\": \"Not Found\", \"status\": 404,"
			 " \"detail\": \"no such \\u001b[31mthing\"}");
	} else if (strcmp(x->path, "/bare500") == 0) {
		th_reply(x, 500, "text/html", "<h1>oops</h1>");
	} else if (strcmp(x->path, "/etag") == 0) {
		const char *inm = th_header(x, "If-None-Match");

		th_add_header(x, "ETag", "\"v1\"");
		if (inm != NULL && strcmp(inm, "\"v1\"") == 0)
			th_reply(x, 304, NULL, "");
		else
			th_reply(x, 200, "application/json", "{\"v\": 1}");
	} else if (strcmp(x->path, "/busy") == 0) {
		th_add_header(x, "Retry-After", "7");
		th_reply(x, 429, "application/problem+json",
			 "{\"title\": \"Too Many Requests\"}");
	} else if (strcmp(x->path, "/busy-date") == 0) {
		char date[64];
		time_t t = time(NULL) + 120;
		struct tm tm;

		gmtime_r(&t, &tm);
		strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
		th_add_header(x, "Retry-After", date);
		th_reply(x, 503, NULL, "");
	} else if (strcmp(x->path, "/gzip") == 0) {
		const char *ae = th_header(x, "Accept-Encoding");

		th_reply(x, 200, "application/json",
			 "{\"text\": \"compressed compressed compressed compressed\"}");
		x->gzip = ae != NULL && strstr(ae, "gzip") != NULL;
	} else if (strcmp(x->path, "/big") == 0) {
		/* One byte over the cap, announced in Content-Length. */
		free(x->reply);
		x->reply = xmalloc(API_BODY_MAX + 1);
		memset(x->reply, 'x', API_BODY_MAX + 1);
		x->reply_len = API_BODY_MAX + 1;
	} else if (strcmp(x->path, "/stream-over") == 0) {
		x->stream_len = API_BODY_MAX + 1;
	} else if (strcmp(x->path, "/stream-exact") == 0) {
		x->stream_len = API_BODY_MAX;
	} else if (strcmp(x->path, "/slow") == 0) {
		/* A long-poll that finds news after a while. */
		usleep(300 * 1000);
		th_reply(x, 200, "application/json", "{\"news\": true}");
	} else if (strcmp(x->path, "/slower") == 0) {
		usleep(1300 * 1000);
		th_reply(x, 200, "application/json", "{}");
	} else if (strcmp(x->path, "/redirect") == 0) {
		th_add_header(x, "Location", "/hello");
		th_reply(x, 302, NULL, "");
	} else if (strcmp(x->path, "/v1/device/code") == 0) {
		th_reply(x, 200, "application/json",
			 "{\"device_code\": \"dev-123\", \"user_code\": \"WDJB-MJHT\","
			 " \"verification_uri\": \"http://127.0.0.1/device\","
			 " \"verification_uri_complete\": \"http://127.0.0.1/device?user_code=WDJB-MJHT\","
			 " \"expires_in\": 600, \"interval\": 5}");
	} else if (strcmp(x->path, "/v1/token") == 0) {
		const char *answer = seen.token_script ? seen.token_script[seen.token_calls] : NULL;
		unsigned int status = 400;

		seen.token_calls++;
		seen.grant_type = form_value(seen.body, "grant_type");
		seen.device_code = form_value(seen.body, "device_code");
		seen.refresh_token = form_value(seen.body, "refresh_token");
		if (answer == NULL)
			answer = "500 {}";
		status = (unsigned int)strtoul(answer, NULL, 10);
		th_reply(x, status, "application/json", strchr(answer, ' ') + 1);
	} else {
		th_reply(x, 404, NULL, "");
	}
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
	seen_reset();
	return 0;
}

static struct api *
client(void)
{
	char *cause = NULL;
	struct api *a = api_new(srv->url, &cause);

	if (a == NULL)
		fail_msg("api_new: %s", cause);
	return a;
}

/* Expects url to be refused with a reason that mentions want. */
static void
refused(const char *url, const char *want)
{
	char *cause = NULL;
	struct api *a = api_new(url, &cause);

	if (a != NULL)
		fail_msg("%s was accepted", url);
	if (cause == NULL || strstr(cause, want) == NULL)
		fail_msg("%s: reason \"%s\" does not mention \"%s\"", url, cause ? cause : "",
			 want);
	free(cause);
}

/* Expects url to be accepted, with the given base. */
static void
accepted(const char *url, const char *base)
{
	char *cause = NULL;
	struct api *a = api_new(url, &cause);

	if (a == NULL)
		fail_msg("%s refused: %s", url, cause);
	assert_string_equal(api_base_url(a), base);
	api_free(a);
}

static void
test_url_rules(void **state)
{
	(void)state;
	accepted("https://myna.example.jp", "https://myna.example.jp");
	accepted("https://myna.example.jp:8443/bff/", "https://myna.example.jp:8443/bff");
	accepted("HTTPS://Example.JP", "https://Example.JP");
	accepted("http://127.0.0.1:8080", "http://127.0.0.1:8080");
	accepted("http://127.45.6.7/", "http://127.45.6.7");
	accepted("http://localhost:9", "http://localhost:9");
	accepted("http://[::1]:8080", "http://[::1]:8080");

	refused("http://192.168.1.1", "https://");
	refused("http://192.168.1.1:8080/", "not be encrypted");
	refused("http://myna.example.jp", "https://");
	refused("http://127.0.0.1.example.jp", "https://");
	refused("http://[::ffff:192.168.1.1]", "https://");
	refused("http://[2001:db8::1]", "https://");
	refused("ftp://127.0.0.1", "https://");
	refused("file:///etc/passwd", "https://");
	refused("gopher://example.jp", "https://");
	refused("myna.example.jp", "https://");
	refused("", "https://");
	refused("https://user:secret@myna.example.jp", "user name");
	refused("https://myna.example.jp/?x=1", "query");
	refused("https://myna.example.jp/#top", "fragment");
	{
		char *cause = NULL;

		assert_null(api_new(NULL, &cause));
		free(cause);
	}
	api_free(NULL);
}

static void
test_get(void **state)
{
	struct api *a = client();
	struct api_response r;
	char *cause = NULL;
	int conns = th_connections(srv);

	(void)state;
	api_response_init(&r);
	api_set_token(a, "tok-1");
	assert_int_equal(api_get(a, "/hello", NULL, &r, &cause), 0);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body.data, "{\"hello\": \"world\"}");
	assert_null(r.etag);
	assert_int_equal(r.retry_after, -1);
	assert_string_equal(seen.method, "GET");
	assert_string_equal(seen.authorization, "Bearer tok-1");
	assert_string_equal(seen.user_agent, "myna/0.1");
	assert_null(seen.if_none_match);

	/* Without a token no Authorization header goes out. */
	api_set_token(a, NULL);
	assert_int_equal(api_get(a, "/hello", NULL, &r, &cause), 0);
	assert_null(seen.authorization);

	/* Unknown paths are a response too. */
	assert_int_equal(api_get(a, "/nowhere", NULL, &r, &cause), 0);
	assert_int_equal(r.status, 404);
	assert_int_equal(r.body.len, 0);

	/* Both requests went over one connection. */
	assert_int_equal(th_connections(srv) - conns, 1);

	/* A path must be a path. */
	assert_int_equal(api_get(a, "hello", NULL, &r, &cause), -1);
	xfree(&cause);
	assert_int_equal(api_get(a, "/he\nllo", NULL, &r, &cause), -1);
	xfree(&cause);
	api_response_release(&r);
	api_free(a);
}

static void
test_problem(void **state)
{
	struct api *a = client();
	struct api_response r;
	char *cause = NULL, *p;

	(void)state;
	api_response_init(&r);
	assert_int_equal(api_get(a, "/problem", NULL, &r, &cause), 0);
	assert_int_equal(r.status, 404);
	p = api_problem(&r);
	/* The escape sequence does not survive. */
	assert_string_equal(p, "Not Found: no such thing");
	free(p);

	assert_int_equal(api_get(a, "/bare500", NULL, &r, &cause), 0);
	assert_int_equal(r.status, 500);
	p = api_problem(&r);
	assert_string_equal(p, "the server answered HTTP 500");
	free(p);

	assert_int_equal(api_get(a, "/busy", NULL, &r, &cause), 0);
	assert_int_equal(r.status, 429);
	assert_int_equal(r.retry_after, 7);
	p = api_problem(&r);
	assert_string_equal(p, "Too Many Requests");
	free(p);

	/* Retry-After as an HTTP date, about two minutes ahead. */
	assert_int_equal(api_get(a, "/busy-date", NULL, &r, &cause), 0);
	assert_int_equal(r.status, 503);
	assert_in_range(r.retry_after, 100, 121);

	/* OAuth errors, and a problem text that is far too long. */
	buf_reset(&r.body);
	buf_addstr(&r.body, "{\"error\": \"invalid_grant\", \"error_description\": \"used\"}");
	p = api_problem(&r);
	assert_string_equal(p, "invalid_grant: used");
	free(p);
	buf_reset(&r.body);
	buf_addstr(&r.body, "{\"error\": \"invalid_grant\"}");
	p = api_problem(&r);
	assert_string_equal(p, "invalid_grant");
	free(p);
	buf_reset(&r.body);
	buf_addstr(&r.body, "{\"title\": \"");
	for (int i = 0; i < 3000; i++)
		buf_addstr(&r.body, "長");
	buf_addstr(&r.body, "\"}");
	p = api_problem(&r);
	assert_true(strlen(p) <= 1024);
	assert_int_equal(strlen(p) % 3, 0);	/* whole characters only */
	free(p);
	api_response_release(&r);
	api_free(a);
}

static void
test_etag(void **state)
{
	struct api *a = client();
	struct api_response r;
	char *cause = NULL, *etag;

	(void)state;
	api_response_init(&r);
	assert_int_equal(api_get(a, "/etag", NULL, &r, &cause), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(r.etag);
	assert_string_equal(r.etag, "\"v1\"");
	etag = xstrdup(r.etag);
	assert_int_equal(api_get(a, "/etag", etag, &r, &cause), 0);
	assert_string_equal(seen.if_none_match, "\"v1\"");
	assert_int_equal(r.status, 304);
	assert_int_equal(r.body.len, 0);
	assert_int_equal(api_get(a, "/etag", "\"v0\"", &r, &cause), 0);
	assert_int_equal(r.status, 200);
	/* An ETag is not carried over to a response that has none. */
	assert_int_equal(api_get(a, "/hello", NULL, &r, &cause), 0);
	assert_null(r.etag);
	/* Header injection through If-None-Match is refused. */
	assert_int_equal(api_get(a, "/etag", "\"v1\"\r\nX-Evil: 1", &r, &cause), -1);
	assert_non_null(cause);
	xfree(&cause);
	free(etag);
	api_response_release(&r);
	api_free(a);
}

static void
test_gzip(void **state)
{
	struct api *a = client();
	struct api_response r;
	char *cause = NULL;

	(void)state;
	api_response_init(&r);
	assert_int_equal(api_get(a, "/gzip", NULL, &r, &cause), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(seen.accept_encoding);
	assert_non_null(strstr(seen.accept_encoding, "gzip"));
	assert_string_equal(r.body.data,
			    "{\"text\": \"compressed compressed compressed compressed\"}");
	api_response_release(&r);
	api_free(a);
}

static void
test_too_large(void **state)
{
	struct api *a = client();
	struct api_response r;
	char *cause = NULL;

	(void)state;
	api_response_init(&r);
	assert_int_equal(api_get(a, "/big", NULL, &r, &cause), -1);
	assert_non_null(cause);
	assert_non_null(strstr(cause, "response too large"));
	xfree(&cause);
	assert_int_equal(r.body.len, 0);

	assert_int_equal(api_get(a, "/stream-over", NULL, &r, &cause), -1);
	assert_non_null(strstr(cause, "response too large"));
	xfree(&cause);

	/* Exactly at the cap is fine. */
	assert_int_equal(api_get(a, "/stream-exact", NULL, &r, &cause), 0);
	assert_int_equal(r.body.len, API_BODY_MAX);

	/* And the client still works after refusing. */
	assert_int_equal(api_get(a, "/hello", NULL, &r, &cause), 0);
	assert_int_equal(r.status, 200);
	api_response_release(&r);
	api_free(a);
}

static void
test_no_redirect(void **state)
{
	struct api *a = client();
	struct api_response r;
	char *cause = NULL;

	(void)state;
	api_response_init(&r);
	assert_int_equal(api_get(a, "/redirect", NULL, &r, &cause), 0);
	assert_int_equal(r.status, 302);
	assert_string_equal(seen.path, "/redirect");
	api_response_release(&r);
	api_free(a);
}

static void
test_post(void **state)
{
	struct api *a = client();
	struct api_response r;
	char *cause = NULL;

	(void)state;
	api_response_init(&r);
	assert_int_equal(api_post_form(a, "/hello", "a=1&b=%20", &r, &cause), 0);
	assert_string_equal(seen.method, "POST");
	assert_string_equal(seen.body, "a=1&b=%20");
	assert_string_equal(seen.content_type, "application/x-www-form-urlencoded");
	assert_null(seen.idempotency_key);

	assert_int_equal(api_post_json(a, "/hello", "{\"x\": 1}", "key-42", &r, &cause), 0);
	assert_string_equal(seen.method, "POST");
	assert_string_equal(seen.body, "{\"x\": 1}");
	assert_string_equal(seen.content_type, "application/json");
	assert_string_equal(seen.idempotency_key, "key-42");

	/* After a POST, a GET is a GET again. */
	assert_int_equal(api_get(a, "/hello", NULL, &r, &cause), 0);
	assert_string_equal(seen.method, "GET");
	assert_string_equal(seen.body, "");
	api_response_release(&r);
	api_free(a);
}

static void
test_unreachable(void **state)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof sin;
	struct api_response r;
	struct api *a;
	char *cause = NULL, *url;
	int fd;

	(void)state;
	/* A port that was free a moment ago and has no listener. */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof sin), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	url = xasprintf("http://127.0.0.1:%u", (unsigned)ntohs(sin.sin_port));
	a = api_new(url, &cause);
	assert_non_null(a);
	api_response_init(&r);
	assert_int_equal(api_get(a, "/hello", NULL, &r, &cause), -1);
	assert_non_null(cause);
	assert_non_null(strstr(cause, "cannot reach"));
	assert_non_null(strstr(cause, url));
	free(cause);
	close(fd);
	free(url);
	api_response_release(&r);
	api_free(a);
}

static void
test_escape(void **state)
{
	char *s;

	(void)state;
	s = api_escape("a b&c=d/é~-._+");
	assert_string_equal(s, "a%20b%26c%3Dd%2F%C3%A9~-._%2B");
	free(s);
	s = api_escape("");
	assert_string_equal(s, "");
	free(s);
}

static void
test_device_flow(void **state)
{
	static const char *const script[] = {
		"400 {\"error\": \"authorization_pending\"}",
		"400 {\"error\": \"slow_down\"}",
		"400 {\"error\": \"access_denied\"}",
		"400 {\"error\": \"expired_token\"}",
		"400 {\"error\": \"invalid_grant\", \"error_description\": \"no such code\"}",
		"503 {\"title\": \"Service Unavailable\"}",
		"200 {\"access_token\": \"at-1\", \"token_type\": \"mac\"}",
		"200 {\"access_token\": \"at-1\", \"token_type\": \"Bearer\","
		" \"expires_in\": 3600, \"refresh_token\": \"rt-1\"}",
		NULL,
	};
	struct api *a = client();
	struct api_device d;
	struct api_tokens t;
	char *cause = NULL;

	(void)state;
	assert_int_equal(api_device_start(a, &d, &cause), 0);
	assert_string_equal(seen.path, "/v1/device/code");
	assert_string_equal(seen.method, "POST");
	assert_string_equal(d.device_code, "dev-123");
	assert_string_equal(d.user_code, "WDJB-MJHT");
	assert_string_equal(d.verification_uri, "http://127.0.0.1/device");
	assert_string_equal(d.verification_uri_complete,
			    "http://127.0.0.1/device?user_code=WDJB-MJHT");
	assert_int_equal(d.expires_in, 600);
	assert_int_equal(d.interval, 5);

	seen.token_script = script;
	seen.token_calls = 0;
	assert_int_equal(api_device_poll(a, d.device_code, &t, &cause), API_POLL_PENDING);
	assert_string_equal(seen.grant_type, "urn:ietf:params:oauth:grant-type:device_code");
	assert_string_equal(seen.device_code, "dev-123");
	assert_int_equal(api_device_poll(a, d.device_code, &t, &cause), API_POLL_SLOW_DOWN);
	assert_int_equal(api_device_poll(a, d.device_code, &t, &cause), API_POLL_DENIED);
	assert_int_equal(api_device_poll(a, d.device_code, &t, &cause), API_POLL_EXPIRED);
	assert_null(cause);
	assert_int_equal(api_device_poll(a, d.device_code, &t, &cause), API_POLL_ERROR);
	assert_non_null(cause);
	assert_non_null(strstr(cause, "invalid_grant: no such code"));
	xfree(&cause);
	assert_int_equal(api_device_poll(a, d.device_code, &t, &cause), API_POLL_ERROR);
	assert_non_null(strstr(cause, "Service Unavailable"));
	xfree(&cause);
	assert_int_equal(api_device_poll(a, d.device_code, &t, &cause), API_POLL_ERROR);
	assert_non_null(strstr(cause, "Bearer"));
	xfree(&cause);
	assert_int_equal(api_device_poll(a, d.device_code, &t, &cause), API_POLL_OK);
	assert_string_equal(t.access_token, "at-1");
	assert_string_equal(t.refresh_token, "rt-1");
	assert_int_equal(t.expires_in, 3600);
	api_tokens_release(&t);
	api_tokens_release(NULL);
	api_device_release(&d);
	api_device_release(NULL);
	seen.token_script = NULL;
	api_free(a);
}

static void
test_refresh(void **state)
{
	static const char *const script[] = {
		"200 {\"access_token\": \"at-2\", \"token_type\": \"Bearer\","
		" \"expires_in\": 60, \"refresh_token\": \"rt-2\"}",
		"400 {\"error\": \"invalid_grant\"}",
		"503 {}",
		"200 {\"token_type\": \"Bearer\"}",
		"200 {\"access_token\": \"bad\\r\\nX: y\", \"token_type\": \"Bearer\"}",
		NULL,
	};
	struct api *a = client();
	struct api_tokens t;
	char *cause = NULL;
	int refused = -1;

	(void)state;
	seen.token_script = script;
	seen.token_calls = 0;
	assert_int_equal(api_refresh(a, "rt 1&x", &t, &cause), 0);
	assert_string_equal(seen.grant_type, "refresh_token");
	assert_string_equal(seen.refresh_token, "rt 1&x");
	assert_string_equal(t.access_token, "at-2");
	assert_string_equal(t.refresh_token, "rt-2");
	assert_int_equal(t.expires_in, 60);
	api_tokens_release(&t);

	assert_int_equal(api_refresh_ex(a, "rt-1", &t, &refused, &cause), -1);
	assert_int_equal(refused, 1);
	assert_non_null(strstr(cause, "invalid_grant"));
	xfree(&cause);
	assert_int_equal(api_refresh_ex(a, "rt-1", &t, &refused, &cause), -1);
	assert_int_equal(refused, 0);
	assert_non_null(strstr(cause, "HTTP 503"));
	xfree(&cause);
	/* No access token, or one that could not be sent back safely. */
	assert_int_equal(api_refresh(a, "rt-1", &t, &cause), -1);
	assert_non_null(strstr(cause, "access_token"));
	xfree(&cause);
	assert_int_equal(api_refresh(a, "rt-1", &t, &cause), -1);
	assert_non_null(strstr(cause, "access_token"));
	xfree(&cause);
	seen.token_script = NULL;
	api_free(a);
}

static void
test_token_injection(void **state)
{
	struct api *a = client();
	struct api_response r;
	char *cause = NULL;

	(void)state;
	api_response_init(&r);
	api_set_token(a, "tok\r\nX-Evil: 1");
	assert_int_equal(api_get(a, "/hello", NULL, &r, &cause), -1);
	assert_non_null(cause);
	xfree(&cause);
	api_response_release(&r);
	api_free(a);
}

/* Runs the event loop of an async request until it ends; returns its
 * result and counts the poll() calls in *polls. */
static int
async_run(struct api *a, char **cause, int *polls)
{
	struct pollfd fds[API_ASYNC_FDS];
	size_t n;
	int timeout, rc;

	*polls = 0;
	for (;;) {
		timeout = -1;
		n = api_async_fds(a, fds, API_ASYNC_FDS, &timeout);
		/* Something is always watched or timed while it runs. */
		assert_true(n > 0 || timeout >= 0);
		assert_true(timeout < 0 || timeout <= 120 * 1000);
		if (poll(fds, n, timeout) < 0)
			fail_msg("poll: %s", strerror(errno));
		(*polls)++;
		rc = api_async_step(a, fds, n, cause);
		if (rc != 0)
			return rc;
		if (*polls > 1000)
			fail_msg("the request never ended");
	}
}

static void
test_async(void **state)
{
	struct api *a = client();
	struct api_response r, r2;
	unsigned long long sent, received, sent2, received2;
	char *cause = NULL;
	int polls;

	(void)state;
	api_response_init(&r);
	api_response_init(&r2);
	api_set_token(a, "tok");
	assert_false(api_async_active(a));
	assert_int_equal(api_async_get(a, "/slow", "\"e1\"", 10, &r, &cause), 0);
	assert_true(api_async_active(a));
	/* One request at a time on a connection. */
	assert_int_equal(api_get(a, "/hello", NULL, &r2, &cause), -1);
	xfree(&cause);
	assert_int_equal(api_async_get(a, "/hello", NULL, 10, &r2, &cause), -1);
	xfree(&cause);
	assert_int_equal(async_run(a, &cause, &polls), 1);
	assert_false(api_async_active(a));
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body.data, "{\"news\": true}");
	assert_string_equal(seen.path, "/slow");
	assert_string_equal(seen.authorization, "Bearer tok");
	assert_string_equal(seen.if_none_match, "\"e1\"");
	/* Waiting took a handful of wake-ups, not one per tick. */
	assert_true(polls < 20);

	/* The blocking way works again on the same handle. */
	api_traffic(a, &sent, &received);
	assert_true(sent > 50 && received > 50);
	assert_int_equal(api_get(a, "/hello", NULL, &r2, &cause), 0);
	assert_int_equal(r2.status, 200);
	api_traffic(a, &sent2, &received2);
	assert_true(sent2 > sent && received2 > received + strlen("{\"hello\": \"world\"}"));

	/* Cancelled: nothing is left running. */
	assert_int_equal(api_async_get(a, "/slow", NULL, 10, &r, &cause), 0);
	api_async_cancel(a);
	assert_false(api_async_active(a));
	api_async_cancel(a);

	/* The total timeout holds. */
	assert_int_equal(api_async_get(a, "/slower", NULL, 1, &r, &cause), 0);
	assert_int_equal(async_run(a, &cause, &polls), -1);
	assert_non_null(strstr(cause, "cannot reach"));
	xfree(&cause);
	api_response_release(&r);
	api_response_release(&r2);
	api_free(a);

	/* Nobody listening. */
	{
		struct th_server *gone = th_start(handler, NULL);
		char *url = xstrdup(gone->url);

		th_stop(gone);
		a = api_new(url, &cause);
		api_response_init(&r);
		assert_int_equal(api_async_get(a, "/hello", NULL, 5, &r, &cause), 0);
		assert_int_equal(async_run(a, &cause, &polls), -1);
		assert_non_null(strstr(cause, "cannot reach"));
		xfree(&cause);
		api_response_release(&r);
		/* Freed while a request runs. */
		api_response_init(&r);
		assert_int_equal(api_async_get(a, "/hello", NULL, 5, &r, &cause), 0);
		api_free(a);
		api_response_release(&r);
		free(url);
	}
}

static void
test_gzip_off(void **state)
{
	struct api *a = client();
	struct api_response r;
	char *cause = NULL;

	(void)state;
	api_response_init(&r);
	api_set_gzip(a, 0);
	assert_int_equal(api_get(a, "/gzip", NULL, &r, &cause), 0);
	assert_string_equal(seen.accept_encoding, "identity");
	assert_string_equal(r.body.data,
			    "{\"text\": \"compressed compressed compressed compressed\"}");
	api_response_release(&r);
	api_free(a);
}

static int
abort_now(void *ctx)
{
	int *calls = ctx;

	(*calls)++;
	return 1;
}

static void
test_progress_abort(void **state)
{
	struct api *a = client();
	struct api_response r;
	char *cause = NULL;
	int calls = 0;

	(void)state;
	api_response_init(&r);
	api_set_progress(a, abort_now, &calls);
	assert_int_equal(api_get(a, "/slow", NULL, &r, &cause), -1);
	assert_true(calls >= 1);
	xfree(&cause);
	api_set_progress(a, NULL, NULL);
	assert_int_equal(api_get(a, "/hello", NULL, &r, &cause), 0);
	api_response_release(&r);
	api_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_url_rules),
		cmocka_unit_test(test_get),
		cmocka_unit_test(test_problem),
		cmocka_unit_test(test_etag),
		cmocka_unit_test(test_gzip),
		cmocka_unit_test(test_too_large),
		cmocka_unit_test(test_no_redirect),
		cmocka_unit_test(test_post),
		cmocka_unit_test(test_unreachable),
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_device_flow),
		cmocka_unit_test(test_refresh),
		cmocka_unit_test(test_token_injection),
		cmocka_unit_test(test_async),
		cmocka_unit_test(test_gzip_off),
		cmocka_unit_test(test_progress_abort),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
