/*
 * Unit tests for shared/date.c: RFC 3339 parsing and formatting, calendar
 * days in the local zone (with DST), the dates people read.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "date.h"
#include "i18n.h"

static void set_tz(const char *tz)
{
	setenv("TZ", tz, 1);
	tzset();
}

/* Parses s, which must be valid, and returns the time. */
static time_t parse_ok(const char *s)
{
	time_t t = 0;

	if (date_parse(s, &t) != 0)
		fail_msg("date_parse rejected \"%s\"", s);
	return t;
}

static void test_parse(void **state)
{
	(void)state;
	assert_int_equal(parse_ok("1970-01-01T00:00:00Z"), 0);
	assert_int_equal(parse_ok("2026-12-01T00:00:00Z"), 1796083200);
	assert_int_equal(parse_ok("2026-12-01T09:00:00+09:00"), 1796083200);
	assert_int_equal(parse_ok("2026-11-30T18:30:00-05:30"), 1796083200);
	assert_int_equal(parse_ok("2026-12-01T00:00:00+00:00"), 1796083200);
	assert_int_equal(parse_ok("2026-12-01T00:00:00-00:00"), 1796083200);
	assert_int_equal(parse_ok("2026-12-01T23:59:59+09:00"), 1796083200 + 14 * 3600 + 3599);
	/* fractions are allowed and dropped */
	assert_int_equal(parse_ok("2026-12-01T00:00:00.5Z"), 1796083200);
	assert_int_equal(parse_ok("2026-12-01T00:00:00.999999999+00:00"), 1796083200);
	/* RFC 3339 also allows lower case and a space */
	assert_int_equal(parse_ok("2026-12-01t00:00:00z"), 1796083200);
	assert_int_equal(parse_ok("2026-12-01 09:00:00+09:00"), 1796083200);
	/* before the epoch, leap days, centuries */
	assert_int_equal(parse_ok("1969-12-31T23:59:59Z"), -1);
	assert_int_equal(parse_ok("2000-02-29T00:00:00Z"), 951782400);
	assert_int_equal(parse_ok("2000-03-01T00:00:00Z"), 951868800);
	assert_int_equal(parse_ok("2028-02-29T12:00:00+09:00"), 1835406000);
	assert_int_equal(parse_ok("2100-03-01T00:00:00Z"), 4107542400);
	/* a leap second lands on the next minute */
	assert_int_equal(parse_ok("2016-12-31T23:59:60Z"), 1483228800);
	/* the result does not depend on the local zone */
	set_tz("America/New_York");
	assert_int_equal(parse_ok("2026-12-01T09:00:00+09:00"), 1796083200);
	set_tz("Asia/Tokyo");
}

/* Every day from 1900 to 2200 at a few times agrees with timegm. */
static void test_parse_matches_timegm(void **state)
{
	struct tm tm;
	char s[64];
	time_t t, got;

	(void)state;
	for (t = -2208988800LL; t < 7258118400LL; t += 86400 + 3607) {
		gmtime_r(&t, &tm);
		snprintf(s, sizeof s, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
		         tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
		assert_int_equal(date_parse(s, &got), 0);
		assert_int_equal(got, t);
	}
}

static void test_parse_rejects(void **state)
{
	static const char *const bad[] = {
	        "",
	        "garbage",
	        "2026-12-01",
	        "2026-12-01T00:00:00", /* no zone */
	        "2026-12-01T00:00Z",   /* no seconds */
	        "2026-12-01T00:00:00ZZ",
	        "2026-12-01T00:00:00Z ",
	        " 2026-12-01T00:00:00Z",
	        "2026-12-01T00:00:00+0900",
	        "2026-12-01T00:00:00+09",
	        "2026-12-01T00:00:00+9:00",
	        "2026-12-01T00:00:00.Z",
	        "2026-12-01T00:00:00,5Z",
	        "2026-12-01X00:00:00Z",
	        "2026-1-01T00:00:00Z",
	        "26-12-01T00:00:00Z",
	        "-2026-12-01T00:00:00Z",
	        "+2026-12-01T00:00:00Z",
	        "2026/12/01T00:00:00Z",
	        "2026-00-01T00:00:00Z",
	        "2026-13-01T00:00:00Z",
	        "2026-12-00T00:00:00Z",
	        "2026-12-32T00:00:00Z",
	        "2026-04-31T00:00:00Z",
	        "2026-02-29T00:00:00Z", /* not a leap year */
	        "2100-02-29T00:00:00Z", /* nor this */
	        "2026-12-01T24:00:00Z",
	        "2026-12-01T23:60:00Z",
	        "2026-12-01T23:59:61Z",
	        "2026-12-01T00:00:00+24:00",
	        "2026-12-01T00:00:00+09:60",
	        "2026-12-01T0a:00:00Z",
	        "２０２６-12-01T00:00:00Z",
	        "2026-12-01T00:00:00Z\n",
	};
	time_t t;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (date_parse(bad[i], &t) != -1)
			fail_msg("date_parse accepted \"%s\"", bad[i]);
	}
	assert_int_equal(date_parse(NULL, &t), -1);
}

static void test_format(void **state)
{
	char out[64];

	(void)state;
	assert_string_equal(date_format(0, out, sizeof out), "1970-01-01T09:00:00+09:00");
	assert_string_equal(date_format(1796083200 + 14 * 3600 + 3599, out, sizeof out),
	                    "2026-12-01T23:59:59+09:00");
	/* exactly the size the header promises is enough */
	{
		char small[26];

		assert_ptr_equal(date_format(0, small, sizeof small), small);
		assert_string_equal(small, "1970-01-01T09:00:00+09:00");
	}
	/* too small: cut, but terminated */
	memset(out, 'x', sizeof out);
	date_format(0, out, 5);
	assert_string_equal(out, "1970");

	set_tz("UTC");
	assert_string_equal(date_format(1796083200, out, sizeof out), "2026-12-01T00:00:00+00:00");
	set_tz("America/St_Johns"); /* -03:30 */
	assert_string_equal(date_format(1796083200, out, sizeof out), "2026-11-30T20:30:00-03:30");
	set_tz("Asia/Kolkata");
	assert_string_equal(date_format(1796083200, out, sizeof out), "2026-12-01T05:30:00+05:30");
	set_tz("America/New_York"); /* summer time */
	assert_string_equal(date_format(1782864000, out, sizeof out), "2026-06-30T20:00:00-04:00");
	set_tz("Asia/Tokyo");
}

static void test_format_round_trip(void **state)
{
	char out[64];
	time_t t, back;
	static const char *const zones[] = {
	        "Asia/Tokyo",       "UTC",
	        "America/New_York", "Australia/Lord_Howe",
	        "Pacific/Chatham",  "America/St_Johns",
	};
	size_t z;

	(void)state;
	for (z = 0; z < sizeof zones / sizeof zones[0]; z++) {
		set_tz(zones[z]);
		for (t = 1700000000; t < 1900000000; t += 86400 * 3 + 1234) {
			date_format(t, out, sizeof out);
			assert_int_equal(date_parse(out, &back), 0);
			assert_int_equal(back, t);
		}
	}
	set_tz("Asia/Tokyo");
}

static void test_days_until(void **state)
{
	time_t now = parse_ok("2026-11-25T23:59:59+09:00");

	(void)state;
	assert_int_equal(date_days_until(now, now), 0);
	assert_int_equal(date_days_until(parse_ok("2026-11-25T00:00:00+09:00"), now), 0);
	/* one second later is tomorrow */
	assert_int_equal(date_days_until(parse_ok("2026-11-26T00:00:00+09:00"), now), 1);
	assert_int_equal(date_days_until(parse_ok("2026-12-01T23:59:59+09:00"), now), 6);
	/* the UTC date is the 30th, the local date the 1st */
	assert_int_equal(date_days_until(parse_ok("2026-11-30T15:30:00Z"), now), 6);
	assert_int_equal(date_days_until(parse_ok("2026-11-22T12:00:00+09:00"), now), -3);
	assert_int_equal(date_days_until(parse_ok("2027-01-01T00:00:00+09:00"), now), 37);
	assert_int_equal(date_days_until(parse_ok("2025-11-25T12:00:00+09:00"), now), -365);
	assert_int_equal(date_days_until(parse_ok("2028-11-25T12:00:00+09:00"), now), 731);
}

static void test_days_until_dst(void **state)
{
	time_t now;

	(void)state;
	set_tz("America/New_York");
	/* 8 March 2026 has 23 hours */
	now = parse_ok("2026-03-07T12:00:00-05:00");
	assert_int_equal(date_days_until(parse_ok("2026-03-09T00:30:00-04:00"), now), 2);
	assert_int_equal(date_days_until(parse_ok("2026-03-08T23:59:59-04:00"), now), 1);
	now = parse_ok("2026-03-08T00:00:00-05:00");
	assert_int_equal(date_days_until(parse_ok("2026-03-08T23:30:00-04:00"), now), 0);
	/* 1 November 2026 has 25 hours: 24.5 hours later is the same day */
	now = parse_ok("2026-11-01T00:00:00-04:00");
	assert_int_equal(date_days_until(parse_ok("2026-11-01T23:30:00-05:00"), now), 0);
	assert_int_equal(date_days_until(parse_ok("2026-11-02T00:00:00-05:00"), now), 1);
	assert_int_equal(date_days_until(now, parse_ok("2026-11-01T23:30:00-05:00")), 0);
	set_tz("Asia/Tokyo");
}

static void test_day_start(void **state)
{
	time_t t = parse_ok("2026-12-01T15:00:00+09:00");

	(void)state;
	assert_int_equal(date_day_start(t, 0), parse_ok("2026-12-01T00:00:00+09:00"));
	assert_int_equal(date_day_start(t, 1), parse_ok("2026-12-02T00:00:00+09:00"));
	assert_int_equal(date_day_start(t, -1), parse_ok("2026-11-30T00:00:00+09:00"));
	assert_int_equal(date_day_start(t, 31), parse_ok("2027-01-01T00:00:00+09:00"));
	assert_int_equal(date_day_start(t, -366), parse_ok("2025-11-30T00:00:00+09:00"));
	/* midnight itself */
	t = parse_ok("2026-12-01T00:00:00+09:00");
	assert_int_equal(date_day_start(t, 0), t);

	set_tz("America/New_York");
	t = parse_ok("2026-03-07T22:00:00-05:00");
	assert_int_equal(date_day_start(t, 1), parse_ok("2026-03-08T00:00:00-05:00"));
	assert_int_equal(date_day_start(t, 2), parse_ok("2026-03-09T00:00:00-04:00"));
	t = parse_ok("2026-11-01T23:30:00-05:00");
	assert_int_equal(date_day_start(t, 0), parse_ok("2026-11-01T00:00:00-04:00"));
	set_tz("Asia/Tokyo");
}

/* Checks date_human, date_human_day and date_distance together. */
static void check_human(time_t t, time_t now, const char *day, const char *dist, const char *both)
{
	char *s;

	s = date_human_day(t);
	assert_string_equal(s, day);
	free(s);
	s = date_distance(t, now);
	assert_string_equal(s, dist);
	free(s);
	s = date_human(t, now);
	assert_string_equal(s, both);
	free(s);
}

static void test_human_ja(void **state)
{
	time_t now = parse_ok("2026-11-25T10:00:00+09:00");
	static const char *const days[] = {
	        "2026年11月29日（日）", "2026年11月30日（月）", "2026年12月1日（火）",
	        "2026年12月2日（水）",  "2026年12月3日（木）",  "2026年12月4日（金）",
	        "2026年12月5日（土）",
	};
	time_t t;
	char *s;
	int i;

	(void)state;
	i18n_init("ja");
	assert_string_equal(i18n_lang(), "ja");
	check_human(parse_ok("2026-12-01T23:59:59+09:00"), now, "2026年12月1日（火）", "あと6日",
	            "2026年12月1日（火）・あと6日");
	check_human(parse_ok("2026-11-25T23:59:59+09:00"), now, "2026年11月25日（水）", "今日",
	            "2026年11月25日（水）・今日");
	check_human(parse_ok("2026-11-26T00:00:00+09:00"), now, "2026年11月26日（木）", "明日",
	            "2026年11月26日（木）・明日");
	check_human(parse_ok("2026-11-27T00:00:00+09:00"), now, "2026年11月27日（金）", "あと2日",
	            "2026年11月27日（金）・あと2日");
	check_human(parse_ok("2026-11-24T23:59:59+09:00"), now, "2026年11月24日（火）", "1日超過",
	            "2026年11月24日（火）・1日超過");
	check_human(parse_ok("2026-11-22T09:00:00+09:00"), now, "2026年11月22日（日）", "3日超過",
	            "2026年11月22日（日）・3日超過");
	/* the local date, not the UTC one */
	s = date_human_day(parse_ok("2026-11-30T15:30:00Z"));
	assert_string_equal(s, "2026年12月1日（火）");
	free(s);
	/* every weekday */
	for (i = 0; i < 7; i++) {
		t = parse_ok("2026-11-29T12:00:00+09:00") + i * 86400;
		s = date_human_day(t);
		assert_string_equal(s, days[i]);
		free(s);
	}
}

static void test_human_easy(void **state)
{
	time_t now = parse_ok("2026-11-25T10:00:00+09:00");

	(void)state;
	i18n_init("ja-easy");
	assert_string_equal(i18n_variant(), "easy");
	check_human(parse_ok("2026-12-01T23:59:59+09:00"), now, "2026年12月1日（火）", "あと 6日",
	            "2026年12月1日（火）・あと 6日");
	check_human(parse_ok("2026-11-25T23:59:59+09:00"), now, "2026年11月25日（水）", "きょう",
	            "2026年11月25日（水）・きょう");
	check_human(parse_ok("2026-11-26T00:00:00+09:00"), now, "2026年11月26日（木）", "あした",
	            "2026年11月26日（木）・あした");
	check_human(parse_ok("2026-11-22T09:00:00+09:00"), now, "2026年11月22日（日）",
	            "3日 すぎました", "2026年11月22日（日）・3日 すぎました");
	i18n_init("ja");
	assert_string_equal(i18n_variant(), "");
}

static void test_human_en(void **state)
{
	time_t now = parse_ok("2026-11-25T10:00:00+09:00");
	static const char *const days[] = {
	        "Sun 29 Nov 2026", "Mon 30 Nov 2026", "Tue 1 Dec 2026", "Wed 2 Dec 2026",
	        "Thu 3 Dec 2026",  "Fri 4 Dec 2026",  "Sat 5 Dec 2026",
	};
	static const char *const months[] = {
	        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
	};
	char want[32], iso[40];
	time_t t;
	char *s;
	int i;

	(void)state;
	i18n_init("en");
	assert_string_equal(i18n_lang(), "en");
	check_human(parse_ok("2026-12-01T23:59:59+09:00"), now, "Tue 1 Dec 2026", "in 6 days",
	            "Tue 1 Dec 2026, in 6 days");
	check_human(parse_ok("2026-11-25T00:00:00+09:00"), now, "Wed 25 Nov 2026", "today",
	            "Wed 25 Nov 2026, today");
	check_human(parse_ok("2026-11-26T23:00:00+09:00"), now, "Thu 26 Nov 2026", "tomorrow",
	            "Thu 26 Nov 2026, tomorrow");
	check_human(parse_ok("2026-11-27T00:00:00+09:00"), now, "Fri 27 Nov 2026", "in 2 days",
	            "Fri 27 Nov 2026, in 2 days");
	check_human(parse_ok("2026-11-24T23:59:59+09:00"), now, "Tue 24 Nov 2026", "1 day overdue",
	            "Tue 24 Nov 2026, 1 day overdue");
	check_human(parse_ok("2026-11-22T09:00:00+09:00"), now, "Sun 22 Nov 2026", "3 days overdue",
	            "Sun 22 Nov 2026, 3 days overdue");
	for (i = 0; i < 7; i++) {
		t = parse_ok("2026-11-29T12:00:00+09:00") + i * 86400;
		s = date_human_day(t);
		assert_string_equal(s, days[i]);
		free(s);
	}
	/* every month name (the 15th of each month of 2027) */
	for (i = 0; i < 12; i++) {
		snprintf(iso, sizeof iso, "2027-%02d-15T12:00:00+09:00", i + 1);
		s = date_human_day(parse_ok(iso));
		assert_non_null(strstr(s, months[i]));
		snprintf(want, sizeof want, " 15 %s 2027", months[i]);
		assert_string_equal(s + 3, want);
		free(s);
	}
}

/* The era year: its boundaries, 元年, and where it is shown. */
static void test_era(void **state)
{
	char out[32];
	char *s;

	(void)state;
	assert_int_equal(date_era_year(2026, 12, 1, out, sizeof out), 0);
	assert_string_equal(out, "令和8年");
	assert_int_equal(date_era_year(2019, 5, 1, out, sizeof out), 0);
	assert_string_equal(out, "令和元年");
	assert_int_equal(date_era_year(2019, 4, 30, out, sizeof out), 0);
	assert_string_equal(out, "平成31年");
	assert_int_equal(date_era_year(2020, 1, 1, out, sizeof out), 0);
	assert_string_equal(out, "令和2年");
	assert_int_equal(date_era_year(1989, 1, 7, out, sizeof out), 0);
	assert_string_equal(out, "昭和64年");
	assert_int_equal(date_era_year(1989, 1, 8, out, sizeof out), 0);
	assert_string_equal(out, "平成元年");
	assert_int_equal(date_era_year(1926, 12, 25, out, sizeof out), 0);
	assert_string_equal(out, "昭和元年");
	assert_int_equal(date_era_year(1926, 12, 24, out, sizeof out), 0);
	assert_string_equal(out, "大正15年");
	assert_int_equal(date_era_year(1872, 12, 31, out, sizeof out), -1);

	date_set_era(1);
	i18n_init("ja");
	s = date_human_day(parse_ok("2026-12-01T23:59:59+09:00"));
	assert_string_equal(s, "令和8年12月1日（火）");
	free(s);
	s = date_human(parse_ok("2019-05-01T12:00:00+09:00"), parse_ok("2019-04-30T12:00:00+09:00"));
	assert_string_equal(s, "令和元年5月1日（水）・明日");
	free(s);
	i18n_init("ja-easy");
	s = date_human_day(parse_ok("2026-12-01T23:59:59+09:00"));
	assert_string_equal(s, "2026年（令和8年）12月1日（火）");
	free(s);
	i18n_init("en");
	s = date_human_day(parse_ok("2026-12-01T23:59:59+09:00"));
	assert_string_equal(s, "Tue 1 Dec 2026");
	free(s);
	date_set_era(0);
	i18n_init("ja");
	s = date_human_day(parse_ok("2026-12-01T23:59:59+09:00"));
	assert_string_equal(s, "2026年12月1日（火）");
	free(s);
}

static int setup(void **state)
{
	(void)state;
	unsetenv("MYNA_LOCALEDIR");
	set_tz("Asia/Tokyo");
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_parse),
	        cmocka_unit_test(test_parse_matches_timegm),
	        cmocka_unit_test(test_parse_rejects),
	        cmocka_unit_test(test_format),
	        cmocka_unit_test(test_format_round_trip),
	        cmocka_unit_test(test_days_until),
	        cmocka_unit_test(test_days_until_dst),
	        cmocka_unit_test(test_day_start),
	        cmocka_unit_test(test_human_ja),
	        cmocka_unit_test(test_human_easy),
	        cmocka_unit_test(test_human_en),
	        cmocka_unit_test(test_era),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
