/*
 * Unit tests for the route table of server/http.c: methods, {} segments,
 * 405 detection, and that every operator path asks for the admin token.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "../../server/auth.h"
#include "../../server/feed.h"
#include "../../server/http.h"

static const struct http_route *
find(const char *method, const char *path, int *known, char **param)
{
	char *params[HTTP_PARAMS_MAX];
	size_t n = 0;
	const struct http_route *r = http_route_find(method, path, params, &n, known);

	*param = NULL;
	if (n > 0)
		*param = params[0];
	while (n > 1)
		free(params[--n]);
	return r;
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
	        {"POST", "/v1/admin/device/approve"},  {"POST", "/v1/admin/device/deny"},
	        {"POST", "/v1/admin/users"},           {"POST", "/v1/admin/notices"},
	        {"POST", "/v1/admin/deadlines"},       {"DELETE", "/v1/admin/notices/n-1"},
	        {"DELETE", "/v1/admin/deadlines/d-1"},
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_exact_paths),
	        cmocka_unit_test(test_wrong_method_and_unknown_path),
	        cmocka_unit_test(test_segments),
	        cmocka_unit_test(test_admin_paths_need_the_admin_token),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
