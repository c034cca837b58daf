/*
 * Unit tests for shared/amount.c: digits with separators, yen in each
 * language.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "amount.h"
#include "i18n.h"

static void check(char *got, const char *want)
{
	assert_string_equal(got, want);
	free(got);
}

static void test_digits(void **state)
{
	(void)state;
	check(amount_digits(0), "0");
	check(amount_digits(7), "7");
	check(amount_digits(999), "999");
	check(amount_digits(1000), "1,000");
	check(amount_digits(1500), "1,500");
	check(amount_digits(30000), "30,000");
	check(amount_digits(100000), "100,000");
	check(amount_digits(3100000), "3,100,000");
	check(amount_digits(-1000), "-1,000");
	check(amount_digits(-999), "-999");
	check(amount_digits(LLONG_MAX), "9,223,372,036,854,775,807");
	check(amount_digits(LLONG_MIN), "-9,223,372,036,854,775,808");
}

static void test_yen(void **state)
{
	(void)state;
	i18n_init("ja");
	check(amount_yen(1500), "1,500円");
	check(amount_yen(0), "0円");
	check(amount_yen(-64000), "-64,000円");
	i18n_init("ja-easy");
	check(amount_yen(150900), "150,900円");
	i18n_init("en");
	check(amount_yen(1500), "¥1,500");
	check(amount_yen(-64000), "-¥64,000");
	check(amount_yen(100000000), "¥100,000,000");
}

static int setup(void **state)
{
	(void)state;
	unsetenv("MYNA_LOCALEDIR");
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_digits),
	        cmocka_unit_test(test_yen),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
