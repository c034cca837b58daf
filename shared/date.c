/*
 * date: RFC 3339 times and the dates people read (see date.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "date.h"
#include "i18n.h"
#include "mem.h"

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar (after
 * Howard Hinnant's days_from_civil); independent of any time zone. */
static long long date_days_from_civil(long long y, unsigned m, unsigned d)
{
	long long era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long long)doe - 719468;
}

static int date_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int date_month_days(int y, int m)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	return m == 2 && date_leap(y) ? 29 : days[m - 1];
}

/* Reads exactly n digits at *s into *v and moves past them. */
static int date_digits(const char **s, int n, int *v)
{
	int i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if ((*s)[i] < '0' || (*s)[i] > '9')
			return -1;
		*v = *v * 10 + ((*s)[i] - '0');
	}
	*s += n;
	return 0;
}

/* Expects character c (either case for letters) at *s and moves past it. */
static int date_expect(const char **s, char c)
{
	char got = **s;

	if (got >= 'a' && got <= 'z')
		got = (char)(got - 'a' + 'A');
	if (got != c)
		return -1;
	(*s)++;
	return 0;
}

int date_parse(const char *s, time_t *out)
{
	int y, mo, d, h, mi, sec, oh = 0, om = 0, sign = 0;
	long long t;

	if (s == NULL)
		return -1;
	if (date_digits(&s, 4, &y) < 0 || date_expect(&s, '-') < 0 || date_digits(&s, 2, &mo) < 0 ||
	    date_expect(&s, '-') < 0 || date_digits(&s, 2, &d) < 0)
		return -1;
	/* RFC 3339 allows a space for the T, and either case for T and Z. */
	if (*s == ' ')
		s++;
	else if (date_expect(&s, 'T') < 0)
		return -1;
	if (date_digits(&s, 2, &h) < 0 || date_expect(&s, ':') < 0 || date_digits(&s, 2, &mi) < 0 ||
	    date_expect(&s, ':') < 0 || date_digits(&s, 2, &sec) < 0)
		return -1;
	if (*s == '.') {
		s++;
		if (*s < '0' || *s > '9')
			return -1;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	if (*s == '+' || *s == '-') {
		sign = *s == '-' ? -1 : 1;
		s++;
		if (date_digits(&s, 2, &oh) < 0 || date_expect(&s, ':') < 0 ||
		    date_digits(&s, 2, &om) < 0)
			return -1;
	} else if (date_expect(&s, 'Z') < 0) {
		return -1;
	}
	if (*s != '\0')
		return -1;
	/* A leap second (:60) is accepted and lands on the next minute. */
	if (mo < 1 || mo > 12 || d < 1 || d > date_month_days(y, mo) || h > 23 || mi > 59 ||
	    sec > 60 || oh > 23 || om > 59)
		return -1;
	t = date_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400LL + h * 3600LL + mi * 60LL +
	    sec;
	t -= sign * (oh * 3600LL + om * 60LL);
	*out = (time_t)t;
	return 0;
}

char *date_format(time_t t, char *out, size_t size)
{
	struct tm tm;
	long off;

	if (size == 0)
		return out;
	if (localtime_r(&t, &tm) == NULL) {
		snprintf(out, size, "%s", "");
		return out;
	}
	off = tm.tm_gmtoff / 60;
	snprintf(out, size, "%04d-%02d-%02dT%02d:%02d:%02d%c%02ld:%02ld", tm.tm_year + 1900,
	         tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, off < 0 ? '-' : '+',
	         labs(off) / 60, labs(off) % 60);
	return out;
}

/* The local calendar day of t, as days since 1970-01-01. */
static long long date_local_day(time_t t)
{
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL)
		return 0;
	return date_days_from_civil(tm.tm_year + 1900LL, (unsigned)tm.tm_mon + 1,
	                            (unsigned)tm.tm_mday);
}

int date_days_until(time_t t, time_t now)
{
	/* Comparing calendar dates, not dividing seconds by 86400: a day
	 * with a DST change is 23 or 25 hours long. */
	return (int)(date_local_day(t) - date_local_day(now));
}

time_t date_day_start(time_t t, int days)
{
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL)
		return t;
	tm.tm_mday += days;
	tm.tm_hour = 0;
	tm.tm_min = 0;
	tm.tm_sec = 0;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

/* Both languages are built in rather than translated: the formats are
 * fixed, and the names must not follow the C library's locale data. */
static const char *const date_wday_ja[] = {"日", "月", "火", "水", "木", "金", "土"};
static const char *const date_wday_en[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
static const char *const date_mon_en[] = {
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};

static int date_is_ja(void)
{
	return strcmp(i18n_lang(), "ja") == 0;
}

static int date_era_on;

void date_set_era(int on)
{
	date_era_on = on != 0;
}

/* The eras since the Gregorian calendar came to Japan, newest first: the
 * name and the first day (y, m, d) of each. */
static const struct {
	const char *name;
	int y, m, d;
} date_eras[] = {
        {"令和", 2019, 5, 1},
        {"平成", 1989, 1, 8},
        {"昭和", 1926, 12, 25},
        {"大正", 1912, 7, 30},
        {"明治", 1873, 1, 1},
};

int date_era_year(int y, int m, int d, char *out, size_t size)
{
	size_t i;
	int n;

	for (i = 0; i < sizeof date_eras / sizeof date_eras[0]; i++) {
		if (y > date_eras[i].y ||
		    (y == date_eras[i].y &&
		     (m > date_eras[i].m || (m == date_eras[i].m && d >= date_eras[i].d)))) {
			n = y - date_eras[i].y + 1;
			/* The first year of an era is 元年, not 1年. */
			if (n == 1)
				snprintf(out, size, "%s元年", date_eras[i].name);
			else
				snprintf(out, size, "%s%d年", date_eras[i].name, n);
			return 0;
		}
	}
	return -1;
}

char *date_human_day(time_t t)
{
	struct tm tm;
	char era[32];

	if (localtime_r(&t, &tm) == NULL)
		return xstrdup("?");
	if (date_is_ja() && date_era_on &&
	    date_era_year(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, era, sizeof era) == 0) {
		/* Plain Japanese keeps the western year first: it is the one
		 * every reader knows. */
		if (strcmp(i18n_variant(), "easy") == 0)
			return xasprintf("%d年（%s）%d月%d日（%s）", tm.tm_year + 1900, era,
			                 tm.tm_mon + 1, tm.tm_mday, date_wday_ja[tm.tm_wday]);
		return xasprintf("%s%d月%d日（%s）", era, tm.tm_mon + 1, tm.tm_mday,
		                 date_wday_ja[tm.tm_wday]);
	}
	if (date_is_ja())
		return xasprintf("%d年%d月%d日（%s）", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
		                 date_wday_ja[tm.tm_wday]);
	return xasprintf("%s %d %s %d", date_wday_en[tm.tm_wday], tm.tm_mday,
	                 date_mon_en[tm.tm_mon], tm.tm_year + 1900);
}

char *date_distance(time_t t, time_t now)
{
	int days = date_days_until(t, now);

	if (date_is_ja() && strcmp(i18n_variant(), "easy") == 0) {
		/* Plain Japanese: words in kana, a verb instead of 超過. */
		if (days == 0)
			return xstrdup("きょう");
		if (days == 1)
			return xstrdup("あした");
		if (days > 1)
			return xasprintf("あと %d日", days);
		return xasprintf("%d日 すぎました", -days);
	}
	if (date_is_ja()) {
		if (days == 0)
			return xstrdup("今日");
		if (days == 1)
			return xstrdup("明日");
		if (days > 1)
			return xasprintf("あと%d日", days);
		return xasprintf("%d日超過", -days);
	}
	if (days == 0)
		return xstrdup("today");
	if (days == 1)
		return xstrdup("tomorrow");
	if (days > 1)
		return xasprintf("in %d days", days);
	if (days == -1)
		return xstrdup("1 day overdue");
	return xasprintf("%d days overdue", -days);
}

char *date_human(time_t t, time_t now)
{
	char *day = date_human_day(t), *dist = date_distance(t, now), *s;

	s = xasprintf(date_is_ja() ? "%s・%s" : "%s, %s", day, dist);
	free(day);
	free(dist);
	return s;
}

long long date_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
