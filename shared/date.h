/*
 * date: RFC 3339 times and the dates people read.  Calendar arithmetic uses
 * the local time zone (TZ), which for residents is Asia/Tokyo.
 */
#ifndef MYNA_DATE_H
#define MYNA_DATE_H

#include <stddef.h>
#include <time.h>

/* Parses an RFC 3339 date-time ("2026-12-01T23:59:59+09:00", "...Z",
 * fractional seconds allowed) into *out.  Returns 0, or -1 if malformed. */
int date_parse(const char *s, time_t *out);

/* Formats t as RFC 3339 in the local time zone with its offset, into out
 * (at least 26 bytes).  Returns out. */
char *date_format(time_t t, char *out, size_t size);

/* Calendar days from now's local date to t's local date: 0 today,
 * 1 tomorrow, -3 three days ago. */
int date_days_until(time_t t, time_t now);

/* Local midnight of the day that is days after t's local date. */
time_t date_day_start(time_t t, int days);

/* The date as people read it, in the language in use (i18n_lang), with the
 * distance from now: "2026年12月1日（火）・あと6日", "Tue 1 Dec 2026, in 6 days".
 * Returns a newly allocated string. */
char *date_human(time_t t, time_t now);

/* Only the date part: "2026年12月1日（火）" / "Tue 1 Dec 2026"; with the era
 * on, "令和8年12月1日（火）" (plain Japanese: "2026年（令和8年）12月1日（火）"). */
char *date_human_day(time_t t);

/* Only the distance: "あと6日", "今日", "3日超過" / "in 6 days", "today",
 * "3 days overdue". */
char *date_distance(time_t t, time_t now);

/* Milliseconds of the monotonic clock: for timeouts and deadlines, which
 * must not jump when the wall clock is set. */
long long date_mono_ms(void);

/* Japanese dates name the era year (和暦) when on is not 0; English dates
 * never do.  Off by default. */
void date_set_era(int on);

/* The era year of the Gregorian date y-m-d, such as "令和8年" or "令和元年",
 * into out.  Returns 0, or -1 before the Meiji era's Gregorian dates. */
int date_era_year(int y, int m, int d, char *out, size_t size);

#endif
