/*
 * reminder: when to remind the resident of a deadline, and the reminder
 * pass over the local store.
 *
 * The schedule is pure: every function takes the time "now" as an argument
 * and reads nothing else but the local time zone (TZ).  For a deadline due
 * on local date D, the reminder for offset o (days before) is due at local
 * time D - o days, hour:00.  A pass sends at most one notification per
 * deadline: the one for the smallest offset whose time has come and that
 * was not sent yet; every offset whose time has come is recorded with it,
 * so reminders missed while the machine was off collapse into one catch-up.
 *
 * Sent reminders are recorded per (deadline, due date, offset): the store
 * key is reminder_key(), which includes the local due date, so a deadline
 * whose due date moves is reminded again on its new schedule, while each
 * reminder of one schedule is shown at most once ever.
 *
 * Quiet hours (local time of day, such as 22:00 to 07:00) hold every
 * reminder back until they end; what came due meanwhile is then shown as
 * one catch-up per deadline.  A snoozed deadline gets no reminder until
 * its snooze ends, and then one (collapsing any offset that came due
 * during the snooze); the snooze is then over.
 */
#ifndef MYNA_REMINDER_H
#define MYNA_REMINDER_H

#include <stddef.h>
#include <time.h>

#include "store.h"

#define REMINDER_OFFSETS_MAX	16	/* offsets in one schedule */
#define REMINDER_OFFSET_LIMIT	366	/* largest offset, in days */
#define REMINDER_STALE_DAYS	30	/* no reminder once this overdue */
#define REMINDER_DEFAULT_OFFSETS "30,7,3,1,0"
#define REMINDER_DEFAULT_HOUR	9
#define REMINDER_KEY_MAX	(WIRE_ID_MAX + 16)
#define REMINDER_SNOOZED	(-2)	/* reminder_due: show the end of a snooze */

/* The schedule settings.  Invariant: offsets are distinct and ascending
 * (nearest first), 1 <= noffsets <= REMINDER_OFFSETS_MAX, 0 <= hour <= 23;
 * quiet hours run from minute quiet_start of the day to quiet_end (across
 * midnight when quiet_end is smaller), none when the two are equal. */
struct reminder_config {
	int    offsets[REMINDER_OFFSETS_MAX];
	size_t noffsets;
	int    hour;
	int    quiet_start;	/* minutes after midnight */
	int    quiet_end;
};

/* One deadline as the schedule sees it.  Bit i of sent is set when
 * rc->offsets[i] was already sent for this due date. */
struct reminder_item {
	time_t	 due;
	int	 done;
	unsigned sent;
	time_t	 snoozed;	/* snoozed until then; 0 when not snoozed */
};

/* Fills rc from the config values: offsets as "30,7,3,1,0" (NULL for the
 * default), hour 0 to 23.  Returns 0, or -1 with a newly allocated reason
 * in *cause; rc then holds the defaults. */
int reminder_config_parse(struct reminder_config *rc, const char *offsets, int hour, char **cause);

/* Sets rc's quiet hours from spec: "22-7", "22:30-6:45", or "off" / ""
 * / NULL for none.  Returns 0, or -1 with a newly allocated reason in
 * *cause (rc then has none). */
int reminder_quiet_parse(struct reminder_config *rc, const char *spec, char **cause);

/* t when it is outside the quiet hours, else the moment they end. */
time_t reminder_quiet_end(const struct reminder_config *rc, time_t t);

/* The local time at which the reminder offset days before due is due. */
time_t reminder_time(time_t due, int offset, int hour);

/* Writes the reminders_sent key of a deadline, "ID@YYYY-MM-DD" with the
 * local due date, into key (at least REMINDER_KEY_MAX bytes).  Returns key. */
char *reminder_key(const char *id, time_t due, char *key, size_t size);

/* What a pass at now does for one deadline: returns the index into
 * rc->offsets of the reminder to show, REMINDER_SNOOZED when a snooze has
 * ended and no offset is due, or -1 for none; *record gets the offsets
 * (bit i for rc->offsets[i]) to record as sent together with it.  Done
 * deadlines and deadlines overdue by more than REMINDER_STALE_DAYS get
 * nothing; nothing at all happens in quiet hours or while the deadline is
 * snoozed.  Offsets farther than one already sent are superseded: they are
 * recorded (even when -1 is returned) but never shown. */
int reminder_due(const struct reminder_config *rc, const struct reminder_item *it,
		 time_t now, unsigned *record);

/* The earliest moment strictly after now at which a reminder of items
 * will be shown (offsets not yet sent, snoozes ending, both moved to the
 * end of quiet hours, and what is held back by quiet hours now), or 0 when
 * none is scheduled. */
time_t reminder_next(const struct reminder_config *rc, const struct reminder_item *items,
		     size_t n, time_t now);

/* Shows a reminder of d at now.  Returns 0 once it was shown, or -1 with a
 * newly allocated reason in *cause. */
typedef int (*reminder_deliver_fn)(void *ctx, const struct store_deadline *d, time_t now,
				   char **cause);

struct reminder_stats {
	size_t sent;		/* notifications shown and recorded */
	size_t pending;		/* due but not shown (delivery failed or off) */
	size_t quiet;		/* held back by quiet hours */
	size_t superseded;	/* recorded without being shown */
	char  *delivery_error;	/* the first delivery failure, or NULL; the
				   caller frees it (reminder_stats_release) */
};

/* One reminder that a pass shows, and what is recorded once it was shown. */
struct reminder_show {
	size_t	 k;		/* index into the batch's deadlines */
	unsigned record;	/* offsets to record with it (bits of rc.offsets) */
	int	 unsnooze;	/* it ends the deadline's snooze */
};

/* The reminders one pass shows, with the schedule they were worked out by
 * (a reload of the settings meanwhile changes nothing of them). */
struct reminder_batch {
	struct reminder_config rc;
	struct store_deadline *v;	/* the open deadlines read */
	size_t		       n;
	struct reminder_show  *show;	/* in the order of v */
	size_t		       nshow;
};

/* The first half of a pass at now: records the superseded offsets, counts
 * what quiet hours hold back, and fills b with the reminders to show.
 * With on 0 (notifications and speech off) nothing is to be shown: each
 * is counted in stats->pending instead.  Returns 0, or -1 with *cause when
 * the store failed; b and *stats are filled in either way (release b with
 * reminder_batch_release). */
int reminder_collect(struct store *st, const struct reminder_config *rc, time_t now, int on,
		     struct reminder_batch *b, struct reminder_stats *stats, char **cause);
/* The second half, for each reminder once it reached the resident:
 * records b->show[i] as sent at now, with the offsets it collapses and
 * the end of the deadline's snooze, in one transaction.  Returns 0, or -1
 * (store_error says why). */
int reminder_mark(struct store *st, const struct reminder_batch *b, size_t i, time_t now);
/* The index into b->show of the deadline id, or -1. */
long reminder_batch_find(const struct reminder_batch *b, const char *id);
void reminder_batch_release(struct reminder_batch *b);

/* One pass over the open deadlines of the store at now.  Each reminder is
 * recorded only after deliver returned 0, in one transaction with the
 * offsets it collapses and the end of the deadline's snooze.  After the first delivery failure nothing more is
 * tried in this pass: the rest stays pending.  deliver NULL means
 * notifications are off: nothing is shown and nothing recorded.  Returns 0,
 * or -1 with *cause when the store failed; *stats is filled in either way. */
int reminder_run(struct store *st, const struct reminder_config *rc, time_t now,
		 reminder_deliver_fn deliver, void *ctx, struct reminder_stats *stats,
		 char **cause);
void reminder_stats_release(struct reminder_stats *stats);

/* Sets *next to the next reminder time after now over the store's open
 * deadlines (0 for none).  Returns 0, or -1 with *cause. */
int reminder_next_in_store(struct store *st, const struct reminder_config *rc, time_t now,
			   time_t *next, char **cause);

#endif
