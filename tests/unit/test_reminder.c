/*
 * Tests for daemon/reminder.c: the reminder schedule (pure, with the time
 * passed in) in the residents' time zone, and the reminder pass over a
 * real store with a delivery function that records what it was asked to
 * show.  Also the urgency and body of the notification (daemon/notify.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "i18n.h"
#include "../../daemon/notify.h"
#include "../../daemon/reminder.h"
#include "store.h"

/* Japan Standard Time, worked out without the code under test. */
static time_t
jst(int y, int mo, int d, int h, int mi, int s)
{
	struct tm tm = {
		.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d,
		.tm_hour = h, .tm_min = mi, .tm_sec = s,
	};

	return timegm(&tm) - 9 * 3600;
}

static struct reminder_config
config_of(const char *offsets, int hour)
{
	struct reminder_config rc;
	char *cause = NULL;

	assert_int_equal(reminder_config_parse(&rc, offsets, hour, &cause), 0);
	assert_null(cause);
	return rc;
}

/* The bit of offset in rc (the tests name offsets, not indexes). */
static unsigned
bit(const struct reminder_config *rc, int offset)
{
	size_t i;

	for (i = 0; i < rc->noffsets; i++)
		if (rc->offsets[i] == offset)
			return 1u << i;
	fail_msg("offset %d is not configured", offset);
	return 0;
}

/* The offset an index returned by reminder_due stands for; -1 fails. */
static int
offset_of(const struct reminder_config *rc, int send)
{
	assert_in_range(send, 0, (int)rc->noffsets - 1);
	return rc->offsets[send];
}

static int
setup_tokyo(void **state)
{
	(void)state;
	setenv("TZ", "Asia/Tokyo", 1);
	tzset();
	i18n_init("en");
	return 0;
}

static void
test_config_parse(void **state)
{
	struct reminder_config rc;
	char *cause = NULL;

	(void)state;
	rc = config_of(NULL, 9);
	assert_int_equal(rc.noffsets, 5);
	assert_int_equal(rc.offsets[0], 0);
	assert_int_equal(rc.offsets[4], 30);

	/* Sorted nearest first, duplicates dropped, blanks allowed. */
	rc = config_of(" 7, 30,0 ,7", 18);
	assert_int_equal(rc.noffsets, 3);
	assert_int_equal(rc.offsets[0], 0);
	assert_int_equal(rc.offsets[1], 7);
	assert_int_equal(rc.offsets[2], 30);
	assert_int_equal(rc.hour, 18);

	static const char *const bad[] = { "", "x", "7,,3", "7,", "-1", "367", "3;7", "1 2",
					   "0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(reminder_config_parse(&rc, bad[i], 9, &cause), -1);
		assert_non_null(cause);
		free(cause);
		cause = NULL;
		/* The defaults stay usable. */
		assert_int_equal(rc.noffsets, 5);
		assert_int_equal(rc.hour, 9);
	}
	assert_int_equal(reminder_config_parse(&rc, "7", 24, &cause), -1);
	assert_non_null(strstr(cause, "reminder_hour"));
	free(cause);
}

static void
test_time_at_configured_hour(void **state)
{
	time_t due = jst(2026, 12, 1, 23, 59, 59);

	(void)state;
	assert_int_equal(reminder_time(due, 0, 9), jst(2026, 12, 1, 9, 0, 0));
	assert_int_equal(reminder_time(due, 7, 9), jst(2026, 11, 24, 9, 0, 0));
	assert_int_equal(reminder_time(due, 30, 9), jst(2026, 11, 1, 9, 0, 0));
	assert_int_equal(reminder_time(due, 1, 0), jst(2026, 11, 30, 0, 0, 0));
	assert_int_equal(reminder_time(due, 3, 18), jst(2026, 11, 28, 18, 0, 0));
	/* Across a year end and a leap day. */
	assert_int_equal(reminder_time(jst(2027, 1, 5, 12, 0, 0), 7, 9),
			 jst(2026, 12, 29, 9, 0, 0));
	assert_int_equal(reminder_time(jst(2028, 3, 1, 17, 0, 0), 1, 9),
			 jst(2028, 2, 29, 9, 0, 0));
}

static void
test_time_zone_tokyo(void **state)
{
	/* 15:30 UTC on 30 November is 00:30 on 1 December in Tokyo: the
	 * resident's due date is the 1st. */
	time_t due = jst(2026, 12, 1, 0, 30, 0);
	char key[REMINDER_KEY_MAX];

	(void)state;
	assert_int_equal(reminder_time(due, 0, 9), jst(2026, 12, 1, 9, 0, 0));
	assert_string_equal(reminder_key("d-1", due, key, sizeof key), "d-1@2026-12-01");

	/* The same instant read in UTC is still the 30th: the schedule
	 * really follows TZ. */
	setenv("TZ", "UTC", 1);
	tzset();
	assert_string_equal(reminder_key("d-1", due, key, sizeof key), "d-1@2026-11-30");
	assert_int_equal(reminder_time(due, 0, 9), jst(2026, 11, 30, 18, 0, 0));
	setup_tokyo(NULL);
}

static void
test_smallest_due_offset(void **state)
{
	struct reminder_config rc = config_of("30,7,3,1,0", 9);
	struct reminder_item it = { .due = jst(2026, 12, 1, 23, 59, 59) };
	unsigned record;
	int send;

	(void)state;
	/* Before the first reminder time: nothing. */
	assert_int_equal(reminder_due(&rc, &it, jst(2026, 11, 1, 8, 59, 59), &record), -1);
	assert_int_equal(record, 0);
	/* At the exact second: the 30-day reminder. */
	send = reminder_due(&rc, &it, jst(2026, 11, 1, 9, 0, 0), &record);
	assert_int_equal(offset_of(&rc, send), 30);
	assert_int_equal(record, bit(&rc, 30));

	/* 30 and 7 were sent; on the 28th after 9:00 the 3-day one is due. */
	it.sent = bit(&rc, 30) | bit(&rc, 7);
	send = reminder_due(&rc, &it, jst(2026, 11, 28, 10, 0, 0), &record);
	assert_int_equal(offset_of(&rc, send), 3);
	assert_int_equal(record, bit(&rc, 3));
	/* ... and only that one: once recorded, nothing until the next. */
	it.sent |= record;
	assert_int_equal(reminder_due(&rc, &it, jst(2026, 11, 30, 8, 59, 59), &record), -1);
	assert_int_equal(record, 0);
}

static void
test_catch_up_collapses(void **state)
{
	struct reminder_config rc = config_of(NULL, 9);
	struct reminder_item it = { .due = jst(2026, 12, 1, 23, 59, 59) };
	unsigned record;
	int send;

	(void)state;
	/* The machine was off from before the 30-day reminder until the
	 * evening before the deadline: one notification, the nearest one,
	 * and the four missed reminders recorded together. */
	send = reminder_due(&rc, &it, jst(2026, 11, 30, 20, 0, 0), &record);
	assert_int_equal(offset_of(&rc, send), 1);
	assert_int_equal(record, bit(&rc, 30) | bit(&rc, 7) | bit(&rc, 3) | bit(&rc, 1));
	it.sent = record;
	assert_int_equal(reminder_due(&rc, &it, jst(2026, 12, 1, 8, 59, 59), &record), -1);
	send = reminder_due(&rc, &it, jst(2026, 12, 1, 9, 0, 0), &record);
	assert_int_equal(offset_of(&rc, send), 0);
	assert_int_equal(record, bit(&rc, 0));
	it.sent |= record;
	/* Everything sent: never again, not even long after. */
	assert_int_equal(reminder_due(&rc, &it, jst(2026, 12, 20, 9, 0, 0), &record), -1);
	assert_int_equal(record, 0);
}

static void
test_overdue(void **state)
{
	struct reminder_config rc = config_of(NULL, 9);
	struct reminder_item it = { .due = jst(2026, 11, 20, 23, 59, 59) };
	unsigned record;
	int send;

	(void)state;
	/* First seen eight days late: the on-the-day reminder, once. */
	send = reminder_due(&rc, &it, jst(2026, 11, 28, 10, 0, 0), &record);
	assert_int_equal(offset_of(&rc, send), 0);
	assert_int_equal(record, (1u << rc.noffsets) - 1);
	it.sent = record;
	assert_int_equal(reminder_due(&rc, &it, jst(2026, 11, 29, 10, 0, 0), &record), -1);

	/* Thirty days overdue still reminds; thirty-one does not. */
	it.sent = 0;
	assert_int_not_equal(reminder_due(&rc, &it, jst(2026, 12, 20, 23, 0, 0), &record), -1);
	assert_int_equal(reminder_due(&rc, &it, jst(2026, 12, 21, 0, 0, 0), &record), -1);
	assert_int_equal(record, 0);
}

static void
test_superseded(void **state)
{
	/* 14 was added to the settings after the 7-day reminder had been
	 * shown: the 14-day one is old news, recorded but not shown. */
	struct reminder_config rc = config_of("30,14,7,0", 9);
	struct reminder_item it = {
		.due = jst(2026, 12, 10, 17, 0, 0),
		.sent = 0,
	};
	unsigned record;

	(void)state;
	it.sent = bit(&rc, 30) | bit(&rc, 7);
	assert_int_equal(reminder_due(&rc, &it, jst(2026, 12, 5, 12, 0, 0), &record), -1);
	assert_int_equal(record, bit(&rc, 14));
}

static void
test_done_skipped(void **state)
{
	struct reminder_config rc = config_of(NULL, 9);
	struct reminder_item items[] = {
		{ .due = jst(2026, 12, 1, 23, 59, 59), .done = 1 },
		{ .due = jst(2026, 12, 20, 23, 59, 59), .done = 0 },
	};
	unsigned record;

	(void)state;
	assert_int_equal(reminder_due(&rc, &items[0], jst(2026, 11, 30, 10, 0, 0), &record), -1);
	assert_int_equal(record, 0);
	/* The done one's reminder on the 1st is not a reason to wake up. */
	assert_int_equal(reminder_next(&rc, items, 2, jst(2026, 11, 30, 10, 0, 0)),
			 jst(2026, 12, 13, 9, 0, 0));
}

static void
test_next_wake_up(void **state)
{
	struct reminder_config rc = config_of(NULL, 9);
	struct reminder_item items[] = {
		{ .due = jst(2026, 12, 10, 23, 59, 59) },
		{ .due = jst(2026, 12, 1, 23, 59, 59) },
	};
	time_t now = jst(2026, 11, 28, 10, 0, 0);
	unsigned record;

	(void)state;
	assert_int_equal(reminder_next(&rc, items, 0, now), 0);
	/* Dec 1 minus 1 day, 9:00, beats Dec 10 minus 7 days, 9:00. */
	assert_int_equal(reminder_next(&rc, items, 2, now), jst(2026, 11, 30, 9, 0, 0));
	/* Strictly after now: at that very second the next one is later. */
	now = jst(2026, 11, 30, 9, 0, 0);
	assert_int_not_equal(reminder_due(&rc, &items[1], now, &record), -1);
	assert_int_equal(reminder_next(&rc, items, 2, now), jst(2026, 12, 1, 9, 0, 0));
	/* A sent offset is no reason to wake. */
	items[1].sent = bit(&rc, 0);
	assert_int_equal(reminder_next(&rc, items, 2, now), jst(2026, 12, 3, 9, 0, 0));
	/* Nothing left in the future. */
	assert_int_equal(reminder_next(&rc, items, 2, jst(2026, 12, 11, 0, 0, 0)), 0);
	/* The hour follows the setting. */
	rc = config_of("3", 21);
	items[1].sent = 0;
	assert_int_equal(reminder_next(&rc, items, 2, jst(2026, 11, 1, 0, 0, 0)),
			 jst(2026, 11, 28, 21, 0, 0));
}

static void
test_key_follows_due_date(void **state)
{
	char a[REMINDER_KEY_MAX], b[REMINDER_KEY_MAX];

	(void)state;
	/* Another time on the same day keeps the schedule... */
	reminder_key("d-7", jst(2026, 12, 1, 23, 59, 59), a, sizeof a);
	reminder_key("d-7", jst(2026, 12, 1, 17, 0, 0), b, sizeof b);
	assert_string_equal(a, b);
	/* ...another day starts a new one. */
	reminder_key("d-7", jst(2026, 12, 8, 23, 59, 59), b, sizeof b);
	assert_string_not_equal(a, b);
}

/* A store in a temporary folder, and a delivery that records its calls. */
struct fixture {
	char	      dir[64];
	char	      path[96];
	struct store *st;
	int	      calls;
	int	      fail;	/* deliveries fail while set */
	char	      last[128];
};

static int
deliver(void *ctx, const struct store_deadline *d, time_t now, char **cause)
{
	struct fixture *f = ctx;

	(void)now;
	f->calls++;
	if (f->fail) {
		*cause = strdup("no notification server");
		return -1;
	}
	snprintf(f->last, sizeof f->last, "%s", d->d.id);
	return 0;
}

static int
setup_store(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	char *cause = NULL;

	snprintf(f->dir, sizeof f->dir, "%s", "/tmp/test_reminder.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof f->path, "%s/myna.db", f->dir);
	if (store_open(f->path, &f->st, &cause) != 0)
		fail_msg("store_open: %s", cause);
	*state = f;
	return 0;
}

static int
teardown_store(void **state)
{
	struct fixture *f = *state;
	char cmd[160];

	store_close(f->st);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static void
put_deadline(struct store *st, const char *id, const char *due)
{
	struct wire_deadline d = {
		.id = (char *)id,
		.title = { .ja = (char *)"住民税の納付", .en = (char *)"Pay the resident tax" },
		.due = (char *)due,
	};

	assert_int_equal(store_deadline_upsert(st, &d), 0);
}

static struct reminder_stats
pass(struct fixture *f, const struct reminder_config *rc, time_t now, int on)
{
	struct reminder_stats s;
	char *cause = NULL;

	if (reminder_run(f->st, rc, now, on ? deliver : NULL, f, &s, &cause) != 0)
		fail_msg("reminder_run: %s", cause);
	return s;
}

static void
test_pass_records_after_delivery(void **state)
{
	struct fixture *f = *state;
	struct reminder_config rc = config_of(NULL, 9);
	time_t now = jst(2026, 11, 30, 20, 0, 0);
	struct reminder_stats s;
	int sent = 0;

	put_deadline(f->st, "d-1", "2026-12-01T23:59:59+09:00");
	put_deadline(f->st, "d-2", "2027-03-15T23:59:59+09:00");

	/* No notification server: nothing recorded, the reminder waits. */
	f->fail = 1;
	s = pass(f, &rc, now, 1);
	assert_int_equal(f->calls, 1);
	assert_int_equal(s.sent, 0);
	assert_int_equal(s.pending, 1);
	assert_string_equal(s.delivery_error, "no notification server");
	reminder_stats_release(&s);
	assert_int_equal(store_reminder_sent(f->st, "d-1@2026-12-01", 1, &sent), 0);
	assert_int_equal(sent, 0);

	/* Notifications off: not shown, not recorded either. */
	f->fail = 0;
	s = pass(f, &rc, now, 0);
	assert_int_equal(f->calls, 1);
	assert_int_equal(s.pending, 1);
	assert_null(s.delivery_error);

	/* The server is back: one catch-up for d-1, four offsets recorded. */
	s = pass(f, &rc, now, 1);
	assert_int_equal(f->calls, 2);
	assert_string_equal(f->last, "d-1");
	assert_int_equal(s.sent, 1);
	assert_int_equal(s.pending, 0);
	for (int o = 1; o <= 30; o++) {
		assert_int_equal(store_reminder_sent(f->st, "d-1@2026-12-01", o, &sent), 0);
		assert_int_equal(sent, o == 1 || o == 3 || o == 7 || o == 30);
	}
	assert_int_equal(store_reminder_sent(f->st, "d-1@2026-12-01", 0, &sent), 0);
	assert_int_equal(sent, 0);

	/* Never twice. */
	s = pass(f, &rc, now + 3600, 1);
	assert_int_equal(f->calls, 2);
	assert_int_equal(s.sent, 0);

	/* The next wake-up is the on-the-day reminder, to the second. */
	time_t next;
	char *cause = NULL;
	assert_int_equal(reminder_next_in_store(f->st, &rc, now, &next, &cause), 0);
	assert_int_equal(next, jst(2026, 12, 1, 9, 0, 0));
}

/* The two halves of a pass as mynad uses them with its helper: the batch
 * is recorded, reminder by reminder, with the schedule it was made by. */
static void
test_batch_collect_then_mark(void **state)
{
	struct fixture *f = *state;
	struct reminder_config rc = config_of(NULL, 9), later = config_of("2", 18);
	time_t now = jst(2026, 11, 30, 20, 0, 0);
	struct reminder_batch b;
	struct reminder_stats s;
	char *cause = NULL;
	int sent = 0;

	put_deadline(f->st, "d-1", "2026-12-01T23:59:59+09:00");
	put_deadline(f->st, "d-2", "2026-12-02T23:59:59+09:00");
	put_deadline(f->st, "d-3", "2027-03-15T23:59:59+09:00");
	assert_int_equal(reminder_collect(f->st, &rc, now, 1, &b, &s, &cause), 0);
	assert_int_equal(b.nshow, 2);
	assert_string_equal(b.v[b.show[0].k].d.id, "d-1");
	assert_string_equal(b.v[b.show[1].k].d.id, "d-2");
	assert_int_equal(reminder_batch_find(&b, "d-2"), 1);
	assert_int_equal(reminder_batch_find(&b, "d-3"), -1);
	/* Nothing is recorded until a reminder is reported delivered. */
	assert_int_equal(store_reminder_sent(f->st, "d-1@2026-12-01", 1, &sent), 0);
	assert_int_equal(sent, 0);
	/* The settings are reloaded meanwhile: the batch keeps its own. */
	rc = later;
	assert_int_equal(reminder_mark(f->st, &b, 0, now), 0);
	assert_int_equal(store_reminder_sent(f->st, "d-1@2026-12-01", 1, &sent), 0);
	assert_int_equal(sent, 1);
	assert_int_equal(store_reminder_sent(f->st, "d-1@2026-12-01", 2, &sent), 0);
	assert_int_equal(sent, 0);
	reminder_batch_release(&b);
	reminder_stats_release(&s);

	/* d-2 was not reported: it is due again, d-1 is not. */
	rc = config_of(NULL, 9);
	assert_int_equal(reminder_collect(f->st, &rc, now + 60, 1, &b, &s, &cause), 0);
	assert_int_equal(b.nshow, 1);
	assert_string_equal(b.v[b.show[0].k].d.id, "d-2");
	reminder_batch_release(&b);
	reminder_stats_release(&s);

	/* Off: nothing to show, counted as pending. */
	assert_int_equal(reminder_collect(f->st, &rc, now + 120, 0, &b, &s, &cause), 0);
	assert_int_equal(b.nshow, 0);
	assert_int_equal(s.pending, 1);
	reminder_batch_release(&b);
	reminder_stats_release(&s);
}

static void
test_pass_moved_due_date_rearms(void **state)
{
	struct fixture *f = *state;
	struct reminder_config rc = config_of(NULL, 9);
	time_t now = jst(2026, 11, 30, 20, 0, 0);
	struct reminder_stats s;

	put_deadline(f->st, "d-1", "2026-12-01T23:59:59+09:00");
	s = pass(f, &rc, now, 1);
	assert_int_equal(s.sent, 1);
	/* The agency extends the deadline by a week: the resident hears of
	 * the new date once, and its reminders follow the new schedule. */
	put_deadline(f->st, "d-1", "2026-12-08T23:59:59+09:00");
	s = pass(f, &rc, now + 60, 1);
	assert_int_equal(s.sent, 1);
	assert_int_equal(f->calls, 2);
	s = pass(f, &rc, now + 120, 1);
	assert_int_equal(s.sent, 0);
	s = pass(f, &rc, jst(2026, 12, 5, 9, 0, 0), 1);
	assert_int_equal(s.sent, 1);
	assert_int_equal(f->calls, 3);
	/* Moving it only to another hour of the same day changes nothing. */
	put_deadline(f->st, "d-1", "2026-12-08T17:00:00+09:00");
	s = pass(f, &rc, jst(2026, 12, 5, 10, 0, 0), 1);
	assert_int_equal(s.sent, 0);
}

static void
test_pass_skips_done(void **state)
{
	struct fixture *f = *state;
	struct reminder_config rc = config_of(NULL, 9);
	struct reminder_stats s;
	int changed = 0;
	time_t next;
	char *cause = NULL;

	put_deadline(f->st, "d-1", "2026-12-01T23:59:59+09:00");
	assert_int_equal(store_deadline_set_done(f->st, "d-1", 1, &changed), 0);
	assert_int_equal(changed, 1);
	s = pass(f, &rc, jst(2026, 11, 30, 20, 0, 0), 1);
	assert_int_equal(s.sent + s.pending + s.superseded, 0);
	assert_int_equal(f->calls, 0);
	assert_int_equal(reminder_next_in_store(f->st, &rc, jst(2026, 11, 30, 20, 0, 0), &next,
						&cause), 0);
	assert_int_equal(next, 0);
}

static void
test_quiet_parse(void **state)
{
	struct reminder_config rc = config_of(NULL, 9);
	char *cause = NULL;
	static const char *const bad[] = { "22", "22-", "-7", "25-7", "22-7x", "22:6-7",
					   "7-7", "22:60-7", "24:30-7", "a-b", "22-7-3" };

	(void)state;
	assert_int_equal(reminder_quiet_parse(&rc, "22-7", &cause), 0);
	assert_int_equal(rc.quiet_start, 22 * 60);
	assert_int_equal(rc.quiet_end, 7 * 60);
	assert_int_equal(reminder_quiet_parse(&rc, " 22:30 - 6:45 ", &cause), 0);
	assert_int_equal(rc.quiet_start, 22 * 60 + 30);
	assert_int_equal(rc.quiet_end, 6 * 60 + 45);
	assert_int_equal(reminder_quiet_parse(&rc, "12-13", &cause), 0);
	assert_int_equal(rc.quiet_end, 13 * 60);
	assert_int_equal(reminder_quiet_parse(&rc, "off", &cause), 0);
	assert_int_equal(rc.quiet_start, rc.quiet_end);
	assert_int_equal(reminder_quiet_parse(&rc, NULL, &cause), 0);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		rc.quiet_start = 1;
		if (reminder_quiet_parse(&rc, bad[i], &cause) != -1)
			fail_msg("quiet_hours \"%s\" was accepted", bad[i]);
		assert_non_null(strstr(cause, "quiet_hours"));
		assert_int_equal(rc.quiet_start, rc.quiet_end);
		free(cause);
		cause = NULL;
	}
}

static void
test_quiet_end(void **state)
{
	struct reminder_config rc = config_of(NULL, 9);
	char *cause = NULL;

	(void)state;
	/* None: every time is itself. */
	assert_int_equal(reminder_quiet_end(&rc, jst(2026, 12, 1, 23, 0, 0)),
			 jst(2026, 12, 1, 23, 0, 0));
	assert_int_equal(reminder_quiet_parse(&rc, "22-7", &cause), 0);
	/* Across midnight: the evening ends tomorrow, the night today. */
	assert_int_equal(reminder_quiet_end(&rc, jst(2026, 12, 31, 22, 0, 0)),
			 jst(2027, 1, 1, 7, 0, 0));
	assert_int_equal(reminder_quiet_end(&rc, jst(2026, 12, 2, 3, 15, 0)),
			 jst(2026, 12, 2, 7, 0, 0));
	assert_int_equal(reminder_quiet_end(&rc, jst(2026, 12, 2, 6, 59, 59)),
			 jst(2026, 12, 2, 7, 0, 0));
	/* The edges: 07:00 is loud, 21:59:59 too, 22:00 quiet. */
	assert_int_equal(reminder_quiet_end(&rc, jst(2026, 12, 2, 7, 0, 0)),
			 jst(2026, 12, 2, 7, 0, 0));
	assert_int_equal(reminder_quiet_end(&rc, jst(2026, 12, 2, 21, 59, 59)),
			 jst(2026, 12, 2, 21, 59, 59));
	/* Within one day. */
	assert_int_equal(reminder_quiet_parse(&rc, "12:30-13:30", &cause), 0);
	assert_int_equal(reminder_quiet_end(&rc, jst(2026, 12, 2, 13, 0, 0)),
			 jst(2026, 12, 2, 13, 30, 0));
	assert_int_equal(reminder_quiet_end(&rc, jst(2026, 12, 2, 23, 0, 0)),
			 jst(2026, 12, 2, 23, 0, 0));
}

static void
test_quiet_holds_back(void **state)
{
	struct reminder_config rc = config_of(NULL, 21);
	struct reminder_item it = { .due = jst(2026, 12, 1, 23, 59, 59) };
	char *cause = NULL;
	unsigned record;
	int send;

	(void)state;
	/* Reminders at 21:00, quiet from 20:00: held until 07:00. */
	assert_int_equal(reminder_quiet_parse(&rc, "20-7", &cause), 0);
	assert_int_equal(reminder_due(&rc, &it, jst(2026, 11, 28, 21, 0, 0), &record), -1);
	assert_int_equal(record, 0);
	assert_int_equal(reminder_next(&rc, &it, 1, jst(2026, 11, 28, 21, 0, 0)),
			 jst(2026, 11, 29, 7, 0, 0));
	/* Before quiet hours the next one is also put off to their end. */
	assert_int_equal(reminder_next(&rc, &it, 1, jst(2026, 11, 28, 12, 0, 0)),
			 jst(2026, 11, 29, 7, 0, 0));
	/* At 07:00 the 30, 7 and 3 day reminders come as one. */
	send = reminder_due(&rc, &it, jst(2026, 11, 29, 7, 0, 0), &record);
	assert_int_equal(offset_of(&rc, send), 3);
	assert_int_equal(record, bit(&rc, 30) | bit(&rc, 7) | bit(&rc, 3));
}

static void
test_snooze(void **state)
{
	struct reminder_config rc = config_of(NULL, 9);
	struct reminder_item it = { .due = jst(2026, 12, 10, 23, 59, 59) };
	unsigned record;
	int send;

	(void)state;
	/* The 7-day reminder was shown on the 3rd and snoozed for a day. */
	it.sent = bit(&rc, 30) | bit(&rc, 7);
	it.snoozed = jst(2026, 12, 4, 9, 30, 0);
	assert_int_equal(reminder_due(&rc, &it, jst(2026, 12, 4, 9, 29, 59), &record), -1);
	assert_int_equal(record, 0);
	assert_int_equal(reminder_next(&rc, &it, 1, jst(2026, 12, 3, 10, 0, 0)),
			 jst(2026, 12, 4, 9, 30, 0));
	/* Its end is a reminder of its own... */
	assert_int_equal(reminder_due(&rc, &it, jst(2026, 12, 4, 9, 30, 0), &record),
			 REMINDER_SNOOZED);
	assert_int_equal(record, 0);

	/* ... and one that came due meanwhile is shown with it, once. */
	it.snoozed = jst(2026, 12, 8, 12, 0, 0);
	assert_int_equal(reminder_next(&rc, &it, 1, jst(2026, 12, 4, 10, 0, 0)),
			 jst(2026, 12, 8, 12, 0, 0));
	assert_int_equal(reminder_due(&rc, &it, jst(2026, 12, 7, 9, 0, 0), &record), -1);
	send = reminder_due(&rc, &it, jst(2026, 12, 8, 12, 0, 0), &record);
	assert_int_equal(offset_of(&rc, send), 3);
	assert_int_equal(record, bit(&rc, 3));
	/* Snooze over (the pass clears it): the next ones follow. */
	it.sent |= record;
	it.snoozed = 0;
	assert_int_equal(reminder_next(&rc, &it, 1, jst(2026, 12, 8, 12, 0, 0)),
			 jst(2026, 12, 9, 9, 0, 0));
}

static void
test_pass_snooze_and_quiet(void **state)
{
	struct fixture *f = *state;
	struct reminder_config rc = config_of(NULL, 9);
	struct reminder_stats s;
	time_t until, next;
	char *cause = NULL;

	put_deadline(f->st, "d-1", "2026-12-10T23:59:59+09:00");
	s = pass(f, &rc, jst(2026, 12, 3, 9, 0, 0), 1);
	assert_int_equal(s.sent, 1);
	assert_int_equal(store_snooze_set(f->st, "d-1", jst(2026, 12, 4, 9, 0, 0)), 0);
	assert_int_equal(reminder_next_in_store(f->st, &rc, jst(2026, 12, 3, 9, 0, 1), &next,
						&cause), 0);
	assert_int_equal(next, jst(2026, 12, 4, 9, 0, 0));

	/* Quiet hours at the end of the snooze hold it back too. */
	assert_int_equal(reminder_quiet_parse(&rc, "8-10", &cause), 0);
	s = pass(f, &rc, jst(2026, 12, 4, 9, 0, 0), 1);
	assert_int_equal(s.sent, 0);
	assert_int_equal(s.quiet, 1);
	assert_int_equal(f->calls, 1);
	assert_int_equal(reminder_next_in_store(f->st, &rc, jst(2026, 12, 4, 9, 0, 0), &next,
						&cause), 0);
	assert_int_equal(next, jst(2026, 12, 4, 10, 0, 0));

	/* Delivery fails: the snooze stays for the next try. */
	f->fail = 1;
	s = pass(f, &rc, jst(2026, 12, 4, 10, 0, 0), 1);
	assert_int_equal(s.pending, 1);
	reminder_stats_release(&s);
	assert_int_equal(store_snooze_get(f->st, "d-1", &until), 0);
	assert_int_not_equal(until, 0);
	f->fail = 0;
	s = pass(f, &rc, jst(2026, 12, 4, 10, 1, 0), 1);
	assert_int_equal(s.sent, 1);
	assert_int_equal(f->calls, 3);
	assert_int_equal(store_snooze_get(f->st, "d-1", &until), 0);
	assert_int_equal(until, 0);
	/* Shown once. */
	s = pass(f, &rc, jst(2026, 12, 4, 10, 2, 0), 1);
	assert_int_equal(s.sent, 0);
}

static void
test_urgency(void **state)
{
	time_t now = jst(2026, 12, 2, 12, 0, 0);

	(void)state;
	assert_int_equal(notify_urgency(jst(2026, 12, 2, 23, 59, 59), now), NOTIFY_CRITICAL);
	assert_int_equal(notify_urgency(jst(2026, 11, 20, 23, 59, 59), now), NOTIFY_CRITICAL);
	assert_int_equal(notify_urgency(jst(2026, 12, 3, 0, 0, 0), now), NOTIFY_NORMAL);
	assert_int_equal(notify_urgency(jst(2026, 12, 9, 23, 59, 59), now), NOTIFY_NORMAL);
	assert_int_equal(notify_urgency(jst(2026, 12, 10, 0, 0, 0), now), NOTIFY_LOW);
}

static void
test_notification_text(void **state)
{
	struct store_deadline d = {
		.d = {
			.id = (char *)"d-3",
			.title = { .ja = (char *)"確定申告", .en = (char *)"File your tax return" },
			.procedure = (char *)"kakutei-shinkoku",
		},
		.due = jst(2026, 12, 1, 23, 59, 59),
	};
	char *body;

	(void)state;
	assert_string_equal(notify_summary(&d), "File your tax return");
	body = notify_body(&d, jst(2026, 11, 25, 9, 0, 0));
	assert_string_equal(body, "Tue 1 Dec 2026, in 6 days\nApply with: myna apply kakutei-shinkoku");
	free(body);
	d.d.procedure = NULL;
	d.d.title.en = NULL;
	assert_string_equal(notify_summary(&d), "確定申告");
	body = notify_body(&d, jst(2026, 12, 2, 9, 0, 0));
	assert_string_equal(body, "Tue 1 Dec 2026, 1 day overdue\nSee what to do: myna show deadline d-3");
	free(body);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_parse),
		cmocka_unit_test(test_time_at_configured_hour),
		cmocka_unit_test(test_time_zone_tokyo),
		cmocka_unit_test(test_smallest_due_offset),
		cmocka_unit_test(test_catch_up_collapses),
		cmocka_unit_test(test_overdue),
		cmocka_unit_test(test_superseded),
		cmocka_unit_test(test_done_skipped),
		cmocka_unit_test(test_next_wake_up),
		cmocka_unit_test(test_key_follows_due_date),
		cmocka_unit_test_setup_teardown(test_pass_records_after_delivery, setup_store,
						teardown_store),
		cmocka_unit_test_setup_teardown(test_batch_collect_then_mark, setup_store,
						teardown_store),
		cmocka_unit_test_setup_teardown(test_pass_moved_due_date_rearms, setup_store,
						teardown_store),
		cmocka_unit_test_setup_teardown(test_pass_skips_done, setup_store, teardown_store),
		cmocka_unit_test(test_quiet_parse),
		cmocka_unit_test(test_quiet_end),
		cmocka_unit_test(test_quiet_holds_back),
		cmocka_unit_test(test_snooze),
		cmocka_unit_test_setup_teardown(test_pass_snooze_and_quiet, setup_store,
						teardown_store),
		cmocka_unit_test(test_urgency),
		cmocka_unit_test(test_notification_text),
	};

	return cmocka_run_group_tests(tests, setup_tokyo, NULL);
}
