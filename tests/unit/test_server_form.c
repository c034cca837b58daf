/*
 * Unit tests for server/form.c: application/x-www-form-urlencoded bodies
 * as the OAuth endpoints receive them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../server/form.h"

static int
parse(struct form *f, const char *s)
{
	char *cause = NULL;
	int rc = form_parse(f, s, strlen(s), &cause);

	if (rc == 0)
		assert_null(cause);
	else
		assert_non_null(cause);
	free(cause);
	return rc;
}

static void
test_decoding(void **state)
{
	struct form f;

	(void)state;
	assert_int_equal(parse(&f,
	                       "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code"
	                       "&device_code=abc&note=two+words&bytes=%E3%81%82"),
	                 0);
	assert_int_equal(f.n, 4);
	assert_string_equal(form_get(&f, "grant_type"),
	                    "urn:ietf:params:oauth:grant-type:device_code");
	assert_string_equal(form_get(&f, "device_code"), "abc");
	assert_string_equal(form_get(&f, "note"), "two words");
	assert_string_equal(form_get(&f, "bytes"), "あ");
	assert_null(form_get(&f, "missing"));
	form_release(&f);
}

static void
test_edges(void **state)
{
	struct form f;

	(void)state;
	assert_int_equal(parse(&f, ""), 0);
	assert_int_equal(f.n, 0);
	form_release(&f);
	assert_int_equal(parse(&f, "flag&a=&&b=2&"), 0);
	assert_int_equal(f.n, 3);
	assert_string_equal(form_get(&f, "flag"), "");
	assert_string_equal(form_get(&f, "a"), "");
	assert_string_equal(form_get(&f, "b"), "2");
	form_release(&f);
	assert_int_equal(parse(&f, "a=x=y"), 0);
	assert_string_equal(form_get(&f, "a"), "x=y");
	form_release(&f);
}

static void
test_refused(void **state)
{
	struct form f;
	char many[FORM_FIELDS_MAX * 8 + 16] = "";
	int i;

	(void)state;
	assert_int_equal(parse(&f, "a=1&a=2"), -1); /* RFC 6749 3.2 */
	form_release(&f);
	assert_int_equal(parse(&f, "a=%4"), -1);
	form_release(&f);
	assert_int_equal(parse(&f, "a=%zz"), -1);
	form_release(&f);
	assert_int_equal(parse(&f, "a=%00b"), -1);
	form_release(&f);
	assert_int_equal(parse(&f, "a%=1"), -1);
	form_release(&f);
	for (i = 0; i <= FORM_FIELDS_MAX; i++) {
		char one[24];

		snprintf(one, sizeof one, "f%d=1&", i);
		strcat(many, one);
	}
	assert_int_equal(parse(&f, many), -1);
	form_release(&f);
}

static void
test_length_is_respected(void **state)
{
	struct form f;
	char *cause = NULL;

	(void)state;
	/* Only the first 3 bytes are the body. */
	assert_int_equal(form_parse(&f, "a=1&b=2", 3, &cause), 0);
	assert_int_equal(f.n, 1);
	assert_string_equal(form_get(&f, "a"), "1");
	form_release(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_decoding),
	        cmocka_unit_test(test_edges),
	        cmocka_unit_test(test_refused),
	        cmocka_unit_test(test_length_is_respected),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
