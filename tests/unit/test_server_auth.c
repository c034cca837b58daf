/*
 * Unit tests for the user codes of server/auth.c (RFC 8628 section 6.1):
 * eight letters from BCDFGHJKLMNPQRSTVWXZ shown as XXXX-XXXX, every letter
 * equally likely, and what a person types normalised back to that form.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "../../server/auth.h"

static void
test_shape(void **state)
{
	char c[AUTH_USER_CODE_LEN + 1];
	int i, k;

	(void)state;
	for (i = 0; i < 500; i++) {
		assert_int_equal(auth_user_code_new(c), 0);
		assert_int_equal(strlen(c), 9);
		assert_int_equal(c[4], '-');
		for (k = 0; k < 9; k++)
			if (k != 4)
				assert_non_null(strchr(AUTH_USER_CODE_CHARS, c[k]));
	}
}

static void
test_letters_are_uniform(void **state)
{
	enum { CODES = 20000 };
	const size_t n = strlen(AUTH_USER_CODE_CHARS);
	long count[26] = {0};
	char c[AUTH_USER_CODE_LEN + 1];
	size_t i, k;

	(void)state;
	for (i = 0; i < CODES; i++) {
		assert_int_equal(auth_user_code_new(c), 0);
		for (k = 0; k < 9; k++)
			if (k != 4)
				count[c[k] - 'A']++;
	}
	/* 160,000 letters over 20: 8,000 each, standard deviation about 87.
	 * Taking a byte mod 20 without rejection (256 = 12 * 20 + 16) would
	 * give the last 4 letters 12/256 instead of 1/20, about 7,500 each,
	 * below these bounds. */
	for (k = 0; k < n; k++) {
		long got = count[AUTH_USER_CODE_CHARS[k] - 'A'];

		assert_in_range(got, 7600, 8400);
	}
}

static void
test_codes_differ(void **state)
{
	char c[200][AUTH_USER_CODE_LEN + 1];
	int i, j;

	(void)state;
	for (i = 0; i < 200; i++) {
		assert_int_equal(auth_user_code_new(c[i]), 0);
		for (j = 0; j < i; j++)
			assert_string_not_equal(c[i], c[j]);
	}
}

static void
test_normalize(void **state)
{
	char out[AUTH_USER_CODE_LEN + 1];

	(void)state;
	assert_int_equal(auth_user_code_normalize("WDJB-MJHT", out), 0);
	assert_string_equal(out, "WDJB-MJHT");
	assert_int_equal(auth_user_code_normalize("wdjb-mjht", out), 0);
	assert_string_equal(out, "WDJB-MJHT");
	assert_int_equal(auth_user_code_normalize("WDJBMJHT", out), 0);
	assert_string_equal(out, "WDJB-MJHT");
	assert_int_equal(auth_user_code_normalize(" wdjb mjht ", out), 0);
	assert_string_equal(out, "WDJB-MJHT");
}

static void
test_normalize_refuses(void **state)
{
	char out[AUTH_USER_CODE_LEN + 1];

	(void)state;
	assert_int_equal(auth_user_code_normalize(NULL, out), -1);
	assert_int_equal(auth_user_code_normalize("", out), -1);
	assert_int_equal(auth_user_code_normalize("WDJB-MJH", out), -1);
	assert_int_equal(auth_user_code_normalize("WDJB-MJHTX", out), -1);
	assert_int_equal(auth_user_code_normalize("WDJA-MJHT", out), -1); /* a vowel */
	assert_int_equal(auth_user_code_normalize("WDJB-MJH1", out), -1);
	assert_int_equal(auth_user_code_normalize("WDJB_MJHT", out), -1);
	assert_int_equal(auth_user_code_normalize("WDJB-MJHT\"><script>", out), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_shape),
	        cmocka_unit_test(test_letters_are_uniform),
	        cmocka_unit_test(test_codes_differ),
	        cmocka_unit_test(test_normalize),
	        cmocka_unit_test(test_normalize_refuses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
