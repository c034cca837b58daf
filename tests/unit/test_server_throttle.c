/*
 * Unit tests for server/throttle.c: parsing RATE/BURST, a bucket that
 * allows a burst then refills at its rate, keys kept apart, and a full
 * table that keeps working.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "../../server/throttle.h"

static void
test_parse(void **state)
{
	struct throttle_rate r;

	(void)state;
	assert_int_equal(throttle_rate_parse("100/1000", &r), 0);
	assert_true(r.rate == 100 && r.burst == 1000);
	assert_int_equal(throttle_rate_parse("0.5/3", &r), 0);
	assert_true(r.rate == 0.5 && r.burst == 3);
	assert_int_equal(throttle_rate_parse("10", &r), 0);
	assert_true(r.rate == 10 && r.burst == 20);
	assert_int_equal(throttle_rate_parse("0.1", &r), 0);
	assert_true(r.burst == 1);
	assert_int_equal(throttle_rate_parse("off", &r), 0);
	assert_true(r.rate == 0);
	assert_null(throttle_new(r, 16));
	assert_int_equal(throttle_rate_parse(NULL, &r), -1);
	assert_int_equal(throttle_rate_parse("", &r), -1);
	assert_int_equal(throttle_rate_parse("0", &r), -1);
	assert_int_equal(throttle_rate_parse("5/0", &r), -1);
	assert_int_equal(throttle_rate_parse("5/0.5", &r), -1);
	assert_int_equal(throttle_rate_parse("-5/10", &r), -1);
	assert_int_equal(throttle_rate_parse("5/", &r), -1);
	assert_int_equal(throttle_rate_parse("/5", &r), -1);
	assert_int_equal(throttle_rate_parse("5x/10", &r), -1);
	assert_int_equal(throttle_rate_parse("1e9999", &r), -1);
}

static void
test_bucket(void **state)
{
	struct throttle_rate r = {2, 3}; /* 3 at once, then 2 a second */
	struct throttle *t = throttle_new(r, 64);
	double now = 1000;

	(void)state;
	assert_int_equal(throttle_take(t, "a", 1, now), 0);
	assert_int_equal(throttle_take(t, "a", 1, now), 0);
	assert_int_equal(throttle_take(t, "a", 1, now), 0);
	/* Empty: one more is possible in half a second, said as 1 s. */
	assert_int_equal(throttle_take(t, "a", 1, now), 1);
	assert_int_equal(throttle_take(t, "a", 1, now + 0.2), 1);
	/* Another key has its own bucket. */
	assert_int_equal(throttle_take(t, "b", 1, now), 0);
	/* Half a second refills one. */
	assert_int_equal(throttle_take(t, "a", 1, now + 0.5), 0);
	assert_int_equal(throttle_take(t, "a", 1, now + 0.5), 1);
	/* A long pause refills no more than the burst. */
	assert_int_equal(throttle_take(t, "a", 1, now + 100), 0);
	assert_int_equal(throttle_take(t, "a", 1, now + 100), 0);
	assert_int_equal(throttle_take(t, "a", 1, now + 100), 0);
	assert_int_equal(throttle_take(t, "a", 1, now + 100), 1);
	throttle_free(t);
	throttle_free(NULL);
	/* No table: no limit. */
	assert_int_equal(throttle_take(NULL, "a", 1, now), 0);
}

static void
test_slow_rate(void **state)
{
	struct throttle_rate r = {0.1, 1}; /* one every 10 s */
	struct throttle *t = throttle_new(r, 64);

	(void)state;
	assert_int_equal(throttle_take(t, "k", 1, 50), 0);
	assert_int_equal(throttle_take(t, "k", 1, 50), 10);
	assert_int_equal(throttle_take(t, "k", 1, 55), 5);
	assert_int_equal(throttle_take(t, "k", 1, 60), 0);
	throttle_free(t);
}

/* Far more keys than slots: limited keys stay limited while their set
 * has room, and the table never refuses a fresh key. */
static void
test_full_table(void **state)
{
	struct throttle_rate r = {1, 1};
	struct throttle *t = throttle_new(r, 8);
	char key[32];
	int i, fresh = 0;

	(void)state;
	for (i = 0; i < 1000; i++) {
		snprintf(key, sizeof key, "key-%d", i);
		if (throttle_take(t, key, strlen(key), 10) == 0)
			fresh++;
	}
	assert_int_equal(fresh, 1000);
	throttle_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_parse),
	        cmocka_unit_test(test_bucket),
	        cmocka_unit_test(test_slow_rate),
	        cmocka_unit_test(test_full_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
