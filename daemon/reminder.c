/*
 * reminder: the reminder schedule and the reminder pass (see reminder.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "date.h"
#include "i18n.h"
#include "mem.h"
#include "reminder.h"

static const struct reminder_config reminder_defaults = {
	.offsets = { 0, 1, 3, 7, 30 },
	.noffsets = 5,
	.hour = REMINDER_DEFAULT_HOUR,
};

int
reminder_config_parse(struct reminder_config *rc, const char *offsets, int hour, char **cause)
{
	struct reminder_config parsed = { .noffsets = 0, .hour = hour };
	const char *p = offsets;
	size_t i, j;

	*rc = reminder_defaults;
	if (hour < 0 || hour > 23) {
		*cause = xasprintf(_("reminder_hour must be a whole hour from 0 to 23, not %d"), hour);
		return -1;
	}
	if (offsets == NULL) {
		rc->hour = hour;
		return 0;
	}
	for (;;) {
		char *end;
		long v;

		while (*p == ' ' || *p == '\t')
			p++;
		errno = 0;
		v = strtol(p, &end, 10);
		if (end == p || errno != 0 || v < 0 || v > REMINDER_OFFSET_LIMIT)
			goto bad;
		p = end;
		while (*p == ' ' || *p == '\t')
			p++;
		for (i = 0; i < parsed.noffsets && parsed.offsets[i] != (int)v; i++)
			;
		if (i == parsed.noffsets) {
			if (parsed.noffsets == REMINDER_OFFSETS_MAX)
				goto bad;
			parsed.offsets[parsed.noffsets++] = (int)v;
		}
		if (*p == '\0')
			break;
		if (*p != ',')
			goto bad;
		p++;
	}
	/* Nearest first: reminder_due() relies on the order. */
	for (i = 1; i < parsed.noffsets; i++) {
		int v = parsed.offsets[i];

		for (j = i; j > 0 && parsed.offsets[j - 1] > v; j--)
			parsed.offsets[j] = parsed.offsets[j - 1];
		parsed.offsets[j] = v;
	}
	*rc = parsed;
	return 0;
bad:
	*cause = xasprintf(_("reminder_offsets must be up to %d numbers of days from 0 to %d "
			     "separated by commas, such as %s"),
			   REMINDER_OFFSETS_MAX, REMINDER_OFFSET_LIMIT, REMINDER_DEFAULT_OFFSETS);
	return -1;
}

/* Reads "H" or "H:MM" at *p into minutes after midnight. */
static int
reminder_clock(const char **p, int *minutes)
{
	char *end;
	long h, m = 0;

	if (**p < '0' || **p > '9')
		return -1;
	h = strtol(*p, &end, 10);
	if (end - *p > 2 || h > 24)
		return -1;
	*p = end;
	if (**p == ':') {
		(*p)++;
		if ((*p)[0] < '0' || (*p)[0] > '5' || (*p)[1] < '0' || (*p)[1] > '9')
			return -1;
		m = ((*p)[0] - '0') * 10 + ((*p)[1] - '0');
		*p += 2;
	}
	if (h == 24 && m != 0)
		return -1;
	*minutes = (int)((h % 24) * 60 + m);
	return 0;
}

int
reminder_quiet_parse(struct reminder_config *rc, const char *spec, char **cause)
{
	const char *p = spec;
	int start, end;

	rc->quiet_start = rc->quiet_end = 0;
	if (spec == NULL || *spec == '\0' || strcmp(spec, "off") == 0 || strcmp(spec, "none") == 0)
		return 0;
	while (*p == ' ')
		p++;
	if (reminder_clock(&p, &start) < 0)
		goto bad;
	while (*p == ' ')
		p++;
	if (*p++ != '-')
		goto bad;
	while (*p == ' ')
		p++;
	if (reminder_clock(&p, &end) < 0)
		goto bad;
	while (*p == ' ')
		p++;
	if (*p != '\0' || start == end)
		goto bad;
	rc->quiet_start = start;
	rc->quiet_end = end;
	return 0;
bad:
	*cause = xasprintf(_("quiet_hours must be two times of day such as 22-7 or 22:30-6:45, "
			     "or off, not \"%s\""), spec);
	return -1;
}

time_t
reminder_quiet_end(const struct reminder_config *rc, time_t t)
{
	struct tm tm;
	int m, in;

	if (rc->quiet_start == rc->quiet_end || localtime_r(&t, &tm) == NULL)
		return t;
	m = tm.tm_hour * 60 + tm.tm_min;
	if (rc->quiet_start < rc->quiet_end)
		in = m >= rc->quiet_start && m < rc->quiet_end;
	else
		in = m >= rc->quiet_start || m < rc->quiet_end;
	if (!in)
		return t;
	/* Quiet hours across midnight that started this evening end
	 * tomorrow. */
	if (rc->quiet_start > rc->quiet_end && m >= rc->quiet_start)
		tm.tm_mday++;
	tm.tm_hour = rc->quiet_end / 60;
	tm.tm_min = rc->quiet_end % 60;
	tm.tm_sec = 0;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

time_t
reminder_time(time_t due, int offset, int hour)
{
	struct tm tm;

	if (localtime_r(&due, &tm) == NULL)
		return due;
	/* mktime() normalises the day across month and year ends and picks
	 * the right UTC offset for that day (tm_isdst -1). */
	tm.tm_mday -= offset;
	tm.tm_hour = hour;
	tm.tm_min = 0;
	tm.tm_sec = 0;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

char *
reminder_key(const char *id, time_t due, char *key, size_t size)
{
	struct tm tm;

	if (localtime_r(&due, &tm) == NULL)
		memset(&tm, 0, sizeof tm);
	snprintf(key, size, "%s@%04d-%02d-%02d", id, tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday);
	return key;
}

int
reminder_due(const struct reminder_config *rc, const struct reminder_item *it, time_t now,
	     unsigned *record)
{
	unsigned come = 0, pending, nearer_sent;
	size_t i;
	int send = -1;

	*record = 0;
	if (it->done || date_days_until(it->due, now) < -REMINDER_STALE_DAYS)
		return -1;
	/* Everything waits for the end of a snooze and of quiet hours. */
	if (it->snoozed > now || reminder_quiet_end(rc, now) != now)
		return -1;
	for (i = 0; i < rc->noffsets; i++)
		if (reminder_time(it->due, rc->offsets[i], rc->hour) <= now)
			come |= 1u << i;
	pending = come & ~it->sent;
	if (pending == 0)
		return it->snoozed != 0 ? REMINDER_SNOOZED : -1;
	/* Offsets are nearest first, so the lowest pending bit is the nearest
	 * reminder; one already sent nearer than it makes it old news. */
	nearer_sent = come & it->sent;
	for (i = 0; i < rc->noffsets; i++) {
		unsigned bit = 1u << i;

		if (nearer_sent & bit)
			break;
		if (pending & bit) {
			send = (int)i;
			break;
		}
	}
	*record = pending;
	if (send < 0 && it->snoozed != 0)
		send = REMINDER_SNOOZED;
	return send;
}

time_t
reminder_next(const struct reminder_config *rc, const struct reminder_item *items, size_t n,
	      time_t now)
{
	time_t next = 0, t, e;
	size_t k, i;

	for (k = 0; k < n; k++) {
		const struct reminder_item *it = &items[k];

		if (it->done || date_days_until(it->due, now) < -REMINDER_STALE_DAYS)
			continue;
		/* Each candidate is shown at the earliest now (when it is
		 * overdue only because quiet hours hold it back), and never
		 * inside quiet hours. */
		for (i = 0; i <= rc->noffsets; i++) {
			if (i == rc->noffsets) {
				if (it->snoozed == 0)
					continue;
				t = it->snoozed;
			} else {
				if (it->sent & (1u << i))
					continue;
				t = reminder_time(it->due, rc->offsets[i], rc->hour);
				/* The end of the snooze shows it. */
				if (it->snoozed != 0 && t <= it->snoozed)
					continue;
			}
			e = reminder_quiet_end(rc, t > now ? t : now);
			if (e > now && (next == 0 || e < next))
				next = e;
		}
	}
	return next;
}

/* Reads which of rc's offsets were sent for d's current due date. */
static int
reminder_sent_mask(struct store *st, const struct reminder_config *rc,
		   const struct store_deadline *d, unsigned *mask)
{
	char key[REMINDER_KEY_MAX];
	size_t i;

	*mask = 0;
	reminder_key(d->d.id, d->due, key, sizeof key);
	for (i = 0; i < rc->noffsets; i++) {
		int sent = 0;

		if (store_reminder_sent(st, key, rc->offsets[i], &sent) != 0)
			return -1;
		if (sent)
			*mask |= 1u << i;
	}
	return 0;
}

/* Records the offsets in mask as sent for d, and ends its snooze when
 * unsnooze is set, in one transaction. */
static int
reminder_record(struct store *st, const struct reminder_config *rc,
		const struct store_deadline *d, unsigned mask, int unsnooze, time_t now)
{
	char key[REMINDER_KEY_MAX];
	size_t i;

	reminder_key(d->d.id, d->due, key, sizeof key);
	if (store_begin(st) != 0)
		return -1;
	if (unsnooze && store_snooze_set(st, d->d.id, 0) != 0) {
		store_rollback(st);
		return -1;
	}
	for (i = 0; i < rc->noffsets; i++) {
		if ((mask & (1u << i)) == 0)
			continue;
		if (store_reminder_mark(st, key, rc->offsets[i], now) != 0) {
			store_rollback(st);
			return -1;
		}
	}
	return store_commit(st);
}

int
reminder_collect(struct store *st, const struct reminder_config *rc, time_t now, int on,
		 struct reminder_batch *b, struct reminder_stats *stats, char **cause)
{
	size_t k;

	memset(stats, 0, sizeof *stats);
	memset(b, 0, sizeof *b);
	b->rc = *rc;
	if (store_deadlines_list(st, 1, &b->v, &b->n) != 0)
		goto store_failed;
	b->show = xcalloc(b->n ? b->n : 1, sizeof *b->show);
	for (k = 0; k < b->n; k++) {
		struct reminder_item it = { .due = b->v[k].due, .done = b->v[k].done };
		unsigned record;
		int send;

		if (reminder_sent_mask(st, rc, &b->v[k], &it.sent) != 0 ||
		    store_snooze_get(st, b->v[k].d.id, &it.snoozed) != 0)
			goto store_failed;
		send = reminder_due(rc, &it, now, &record);
		if (send == -1 && record == 0) {
			/* Held back by quiet hours only? */
			if (it.snoozed <= now && reminder_quiet_end(rc, now) != now) {
				struct reminder_config loud = *rc;

				loud.quiet_start = loud.quiet_end = 0;
				if (reminder_due(&loud, &it, now, &record) != -1)
					stats->quiet++;
			}
			continue;
		}
		if (send == -1) {
			if (reminder_record(st, rc, &b->v[k], record, 0, now) != 0)
				goto store_failed;
			stats->superseded++;
			continue;
		}
		if (!on) {
			stats->pending++;
			continue;
		}
		b->show[b->nshow++] = (struct reminder_show){
			.k = k, .record = record, .unsnooze = it.snoozed != 0,
		};
	}
	return 0;
store_failed:
	*cause = xasprintf(_("cannot read or record reminders in the local store: %s"),
			   store_error(st));
	return -1;
}

int
reminder_mark(struct store *st, const struct reminder_batch *b, size_t i, time_t now)
{
	const struct reminder_show *s = &b->show[i];

	return reminder_record(st, &b->rc, &b->v[s->k], s->record, s->unsnooze, now);
}

long
reminder_batch_find(const struct reminder_batch *b, const char *id)
{
	size_t i;

	for (i = 0; i < b->nshow; i++)
		if (strcmp(b->v[b->show[i].k].d.id, id) == 0)
			return (long)i;
	return -1;
}

void
reminder_batch_release(struct reminder_batch *b)
{
	if (b == NULL)
		return;
	store_deadlines_free(b->v, b->n);
	free(b->show);
	memset(b, 0, sizeof *b);
}

int
reminder_run(struct store *st, const struct reminder_config *rc, time_t now,
	     reminder_deliver_fn deliver, void *ctx, struct reminder_stats *stats, char **cause)
{
	struct reminder_batch b;
	size_t i;
	int rv = -1;

	if (reminder_collect(st, rc, now, deliver != NULL, &b, stats, cause) != 0)
		goto out;
	for (i = 0; i < b.nshow; i++) {
		if (deliver(ctx, &b.v[b.show[i].k], now, &stats->delivery_error) != 0) {
			/* After the first failure the rest waits. */
			if (stats->delivery_error == NULL)
				stats->delivery_error = xstrdup(_("the notification was not shown"));
			stats->pending += b.nshow - i;
			break;
		}
		if (reminder_mark(st, &b, i, now) != 0) {
			*cause = xasprintf(_("cannot read or record reminders in the local store: %s"),
					   store_error(st));
			goto out;
		}
		stats->sent++;
	}
	rv = 0;
out:
	reminder_batch_release(&b);
	return rv;
}

void
reminder_stats_release(struct reminder_stats *stats)
{
	if (stats == NULL)
		return;
	free(stats->delivery_error);
	stats->delivery_error = NULL;
}

int
reminder_next_in_store(struct store *st, const struct reminder_config *rc, time_t now,
		       time_t *next, char **cause)
{
	struct store_deadline *v = NULL;
	struct reminder_item *items = NULL;
	size_t n = 0, k;
	int rv = -1;

	*next = 0;
	if (store_deadlines_list(st, 1, &v, &n) != 0)
		goto store_failed;
	items = xcalloc(n ? n : 1, sizeof *items);
	for (k = 0; k < n; k++) {
		items[k].due = v[k].due;
		items[k].done = v[k].done;
		if (reminder_sent_mask(st, rc, &v[k], &items[k].sent) != 0 ||
		    store_snooze_get(st, v[k].d.id, &items[k].snoozed) != 0)
			goto store_failed;
	}
	*next = reminder_next(rc, items, n, now);
	rv = 0;
	goto out;
store_failed:
	*cause = xasprintf(_("cannot read reminders from the local store: %s"), store_error(st));
out:
	free(items);
	store_deadlines_free(v, n);
	return rv;
}
