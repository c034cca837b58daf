/*
 * Unit tests for the route table of server/http.c: methods, {} segments,
 * 405 detection, that every operator path asks for the admin token, and
 * that docs/api.md documents every route (and no route that is not there).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../server/auth.h"
#include "../../server/feed.h"
#include "../../server/http.h"

static const struct http_route *
find_in(int demo, const char *method, const char *path, int *known, char **param)
{
	char *params[HTTP_PARAMS_MAX];
	size_t n = 0;
	const struct http_route *r = http_route_find(method, path, demo, params, &n, known);

	*param = NULL;
	if (n > 0)
		*param = params[0];
	while (n > 1)
		free(params[--n]);
	return r;
}

static const struct http_route *
find(const char *method, const char *path, int *known, char **param)
{
	return find_in(1, method, path, known, param);
}

/* The demo's sign-in page exists only with --demo: without it, no method
 * of it is known (404, not 405). */
static void
test_demo_paths(void **state)
{
	char *p;
	int known;

	(void)state;
	assert_non_null(find_in(1, "GET", "/device", &known, &p));
	assert_non_null(find_in(1, "POST", "/device", &known, &p));
	assert_null(find_in(1, "DELETE", "/device", &known, &p));
	assert_int_equal(known, 1);
	assert_null(find_in(0, "GET", "/device", &known, &p));
	assert_int_equal(known, 0);
	assert_null(find_in(0, "POST", "/device", &known, &p));
	assert_int_equal(known, 0);
	assert_non_null(find_in(0, "GET", "/healthz", &known, &p));
}

static void
test_exact_paths(void **state)
{
	const struct http_route *r;
	char *p;
	int known;

	(void)state;
	r = find("GET", "/v1/sync", &known, &p);
	assert_non_null(r);
	assert_ptr_equal(r->handler, feed_sync);
	assert_int_equal(r->auth, HTTP_AUTH_USER);
	r = find("HEAD", "/v1/sync", &known, &p);
	assert_non_null(r);
	assert_ptr_equal(r->handler, feed_sync);
	r = find("POST", "/v1/token", &known, &p);
	assert_non_null(r);
	assert_ptr_equal(r->handler, auth_token);
	assert_int_equal(r->auth, HTTP_AUTH_NONE);
	r = find("GET", "/healthz", &known, &p);
	assert_non_null(r);
	assert_int_equal(r->auth, HTTP_AUTH_NONE);
}

static void
test_wrong_method_and_unknown_path(void **state)
{
	char *p;
	int known = -1;

	(void)state;
	assert_null(find("DELETE", "/v1/sync", &known, &p));
	assert_int_equal(known, 1);
	assert_null(find("GET", "/v1/token", &known, &p));
	assert_int_equal(known, 1);
	assert_null(find("GET", "/nowhere", &known, &p));
	assert_int_equal(known, 0);
	assert_null(find("GET", "/v1/sync/", &known, &p));
	assert_int_equal(known, 0);
	assert_null(find("GET", "/V1/SYNC", &known, &p));
	assert_int_equal(known, 0);
	assert_null(find("GET", "", &known, &p));
}

static void
test_segments(void **state)
{
	const struct http_route *r;
	char *p;
	int known;

	(void)state;
	r = find("DELETE", "/v1/admin/notices/n-5", &known, &p);
	assert_non_null(r);
	assert_string_equal(p, "n-5");
	free(p);
	r = find("DELETE", "/v1/admin/deadlines/d-12", &known, &p);
	assert_non_null(r);
	assert_string_equal(p, "d-12");
	free(p);
	assert_null(find("DELETE", "/v1/admin/notices/", &known, &p));
	assert_null(p);
	assert_null(find("DELETE", "/v1/admin/notices/a/b", &known, &p));
	assert_null(p);
	/* The collection itself takes POST only. */
	assert_null(find("DELETE", "/v1/admin/notices", &known, &p));
	assert_int_equal(known, 1);
}

static void
test_admin_paths_need_the_admin_token(void **state)
{
	static const char *const paths[][2] = {
	        {"POST", "/v1/admin/device/approve"},
	        {"POST", "/v1/admin/device/deny"},
	        {"POST", "/v1/admin/users"},
	        {"POST", "/v1/admin/notices"},
	        {"POST", "/v1/admin/deadlines"},
	        {"DELETE", "/v1/admin/notices/n-1"},
	        {"DELETE", "/v1/admin/deadlines/d-1"},
	        {"POST", "/v1/admin/applications/a-1/status"},
	        {"POST", "/v1/admin/procedures"},
	        {"DELETE", "/v1/admin/procedures/131016:tenshutsu"},
	        {"POST", "/v1/admin/records"},
	        {"DELETE", "/v1/admin/records/r-1"},
	        {"POST", "/v1/admin/access-logs"},
	        {"DELETE", "/v1/admin/access-logs/l-1"},
	        {"POST", "/v1/admin/compact"},
	};
	const struct http_route *r;
	size_t i;
	char *p;
	int known;

	(void)state;
	for (i = 0; i < sizeof paths / sizeof paths[0]; i++) {
		r = find(paths[i][0], paths[i][1], &known, &p);
		assert_non_null(r);
		assert_int_equal(r->auth, HTTP_AUTH_ADMIN);
		free(p);
	}
}

/* Every operator route is under /v1/admin/ and nothing else is. */
static void
test_admin_prefix(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < http_route_count(); i++) {
		const struct http_route *r = http_route_at(i);
		int admin = strncmp(r->pattern, "/v1/admin/", 10) == 0;

		if (admin != (r->auth == HTTP_AUTH_ADMIN))
			fail_msg("%s %s: operator routes and /v1/admin/ must agree", r->method,
			         r->pattern);
	}
	assert_null(http_route_at(http_route_count()));
}

#define DOC_SPANS_MAX 400

struct doc_span {
	char method[8];
	char path[128];
	int used;
};

/* Reads the `METHOD /path` spans of docs/api.md's headings into spans. */
static size_t
doc_spans(struct doc_span *spans)
{
	static const char *const methods[] = {"GET", "POST", "PUT", "PATCH", "DELETE", NULL};
	FILE *f = fopen("docs/api.md", "r");
	char line[1024];
	size_t n = 0, k;

	if (f == NULL)
		fail_msg("cannot read docs/api.md (run from the top of the tree)");
	while (fgets(line, sizeof line, f) != NULL) {
		char *p = line;

		if (line[0] != '#')
			continue;
		while ((p = strchr(p, '`')) != NULL) {
			char *end = strchr(p + 1, '`');
			char *sp;

			if (end == NULL)
				break;
			*end = '\0';
			sp = strchr(p + 1, ' ');
			for (k = 0; sp != NULL && methods[k] != NULL; k++) {
				if ((size_t)(sp - (p + 1)) == strlen(methods[k]) &&
				    strncmp(p + 1, methods[k], strlen(methods[k])) == 0 &&
				    sp[1] == '/' && n < DOC_SPANS_MAX) {
					snprintf(spans[n].method, sizeof spans[n].method, "%s",
					         methods[k]);
					snprintf(spans[n].path, sizeof spans[n].path, "%.*s",
					         (int)strcspn(sp + 1, "?"), sp + 1);
					spans[n].used = 0;
					n++;
				}
			}
			p = end + 1;
		}
	}
	fclose(f);
	return n;
}

/* docs/api.md and the route table agree: each route has a heading that
 * names it as `METHOD PATTERN`, and each such name is a route. */
static void
test_routes_documented(void **state)
{
	static struct doc_span spans[DOC_SPANS_MAX];
	size_t n = doc_spans(spans), i, k, missing = 0;

	(void)state;
	assert_true(n > 10);
	for (i = 0; i < http_route_count(); i++) {
		const struct http_route *r = http_route_at(i);

		for (k = 0; k < n; k++) {
			if (strcmp(spans[k].method, r->method) == 0 &&
			    strcmp(spans[k].path, r->pattern) == 0) {
				spans[k].used = 1;
				break;
			}
		}
		if (k == n) {
			print_error("docs/api.md has no heading for `%s %s`\n", r->method,
			            r->pattern);
			missing++;
		}
	}
	for (k = 0; k < n; k++) {
		if (!spans[k].used) {
			print_error("docs/api.md documents `%s %s`, which is no route\n",
			            spans[k].method, spans[k].path);
			missing++;
		}
	}
	assert_int_equal(missing, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_exact_paths),
	        cmocka_unit_test(test_demo_paths),
	        cmocka_unit_test(test_wrong_method_and_unknown_path),
	        cmocka_unit_test(test_segments),
	        cmocka_unit_test(test_admin_paths_need_the_admin_token),
	        cmocka_unit_test(test_admin_prefix),
	        cmocka_unit_test(test_routes_documented),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
