/*
 * Unit tests for server/municipality.c: the check digit of the 6-digit
 * local government codes (weights 6,5,4,3,2; (11 - sum mod 11) mod 10).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "../../server/municipality.h"

/* Real codes: Sapporo and some of its wards, Chiyoda, Osaka, Naha,
 * Hachioji, Yokohama, Tomakomai. */
static const char *const real_codes[] = {
        "011002", "011011", "011029", "011037", "011070", "011100",
        "131016", "271004", "472018", "132012", "141003", "012131",
};

static void
test_real_codes_verify(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof real_codes / sizeof real_codes[0]; i++)
		assert_int_equal(municipality_valid(real_codes[i]), 1);
}

static void
test_check_digit_by_hand(void **state)
{
	(void)state;
	/* 1*6 + 3*5 + 1*4 + 0*3 + 1*2 = 27; 27 mod 11 = 5; 11 - 5 = 6. */
	assert_int_equal(municipality_check_digit("13101"), 6);
	/* 2*6 + 7*5 + 1*4 + 0 + 0 = 51; 51 mod 11 = 7; 11 - 7 = 4. */
	assert_int_equal(municipality_check_digit("27100"), 4);
	/* A sum of 0 mod 11 gives (11 - 0) mod 10 = 1 (Sapporo Chuo-ku:
	 * 0 + 5 + 4 + 0 + 2 = 11). */
	assert_int_equal(municipality_check_digit("01101"), 1);
	/* A sum of 1 mod 11 gives 10 mod 10 = 0 (Sapporo Nishi-ku:
	 * 0 + 5 + 4 + 0 + 14 = 23). */
	assert_int_equal(municipality_check_digit("01107"), 0);
	assert_int_equal(municipality_check_digit("1x101"), -1);
}

static void
test_every_wrong_digit_fails(void **state)
{
	char code[24];
	int d, valid = 0;

	(void)state;
	for (d = 0; d <= 9; d++) {
		snprintf(code, sizeof code, "13101%d", d);
		valid += municipality_valid(code);
	}
	assert_int_equal(valid, 1);
}

static void
test_malformed(void **state)
{
	(void)state;
	assert_int_equal(municipality_valid(NULL), 0);
	assert_int_equal(municipality_valid(""), 0);
	assert_int_equal(municipality_valid("13101"), 0);
	assert_int_equal(municipality_valid("1310166"), 0);
	assert_int_equal(municipality_valid("13101a"), 0);
	assert_int_equal(municipality_valid(" 13101"), 0);
	assert_int_equal(municipality_valid("１３１０１６"), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_real_codes_verify),
	        cmocka_unit_test(test_check_digit_by_hand),
	        cmocka_unit_test(test_every_wrong_digit_fails),
	        cmocka_unit_test(test_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
