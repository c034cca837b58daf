/*
 * loop: mynad's one context and its main loop.  It owns the settings read
 * from the config file, the local store, the single-instance lock, the
 * signals and the wake-up timer.
 *
 * The loop never polls: it computes the next moment something is due (the
 * next sync, or the next reminder) and sleeps in one poll() on a signalfd
 * and a timerfd armed at that wall-clock time.  The timer is absolute on
 * CLOCK_REALTIME, so a reminder fires on time after a suspend, and it is
 * cancelled when the clock is set, so the schedule is then worked out again.
 * SIGTERM and SIGINT end the loop after the current step; SIGHUP reloads
 * the config.
 */
#ifndef MYNA_LOOP_H
#define MYNA_LOOP_H

#include "config.h"
#include "reminder.h"

#define LOOP_SYNC_INTERVAL_DEFAULT 15		/* minutes */
#define LOOP_SYNC_INTERVAL_MAX	   (7 * 24 * 60)	/* minutes */
#define LOOP_BACKOFF_FIRST	   30		/* seconds before the first retry */

/* The settings mynad takes from the config file. */
struct loop_settings {
	long		       sync_interval;	/* seconds, at least 60 */
	struct reminder_config reminders;
	int		       notifications;	/* 0: notifications = off */
};

struct loop;

/* Reads the settings from c.  Bad values are replaced by their defaults;
 * then -1 is returned with a newly allocated *warning naming the first one
 * (the settings are usable either way).  Returns 0 when all were good. */
int loop_settings_read(struct loop_settings *s, const struct config *c, char **warning);

/* Seconds until the next regular sync: the interval with +-10% jitter.  r
 * is a random number in [0, 1). */
long loop_sync_delay(long interval, double r);

/* Seconds until a retry after failures (>= 1) failed syncs in a row: 30 s
 * doubling with each failure, never more than interval, with jitter (a
 * random point in the upper half).  r is a random number in [0, 1). */
long loop_backoff(unsigned failures, long interval, double r);

/* Loads the config file into a new context.  Returns 0, or -1 with a newly
 * allocated *cause when the file is malformed; *out is set either way
 * (free it with loop_free). */
int loop_new(struct loop **out, char **cause);
/* Frees the context (closing the store and the lock); NULL is a no-op. */
void loop_free(struct loop *l);
/* The config's language setting, or NULL (follow the locale). */
const char *loop_language(const struct loop *l);

/* Opens the local store.  Returns 0, or -1 with *cause. */
int loop_open_store(struct loop *l, char **cause);

/* One sync, then one reminder pass over the local store (which runs even
 * when the sync failed).  Returns 0, or -1 with *cause when the sync or the
 * pass failed.  A notification that could not be shown is not a failure:
 * it is logged and the reminder stays pending. */
int loop_once(struct loop *l, char **cause);

/* Takes the single-instance lock, then syncs and reminds until SIGTERM or
 * SIGINT.  Returns 0 after a signal, or -1 with *cause ("mynad is already
 * running", or a failing system call). */
int loop_run(struct loop *l, char **cause);

#endif
