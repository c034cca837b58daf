/*
 * loop: mynad's one context and its main loop.  It owns the settings read
 * from the config file, the local store, the single-instance lock, the
 * control socket, the long-poll request, the signals and the wake-up timer.
 *
 * The loop never polls on a period: it computes the next moment something
 * is due (the next sync, a retry of the outbox, or the next reminder) and
 * sleeps in one poll() on a signalfd, a timerfd armed at that wall-clock
 * time, the control socket, the long-poll's connection and the pipes of
 * the notification helpers (deliver.h), which show the reminders and pass
 * on the actions the resident picks.  The timer is absolute on
 * CLOCK_REALTIME, so a reminder fires on time after a suspend, and it is
 * cancelled when the clock is set, so the schedule is then worked out again.
 * When the server offers long-polling (GET /v1/sync with wait=), the daemon
 * keeps one such request waiting at the server instead of syncing on a
 * timer: a change reaches it within a moment, and an idle daemon wakes
 * only when that request is renewed.
 *
 * SIGTERM and SIGINT end the loop after the current transaction (a
 * transfer in progress is abandoned between pages); SIGHUP reloads the
 * config.  Under systemd it sends READY=1, STOPPING=1 and, when the unit
 * has a watchdog, WATCHDOG=1 at half of $WATCHDOG_USEC.
 */
#ifndef MYNA_LOOP_H
#define MYNA_LOOP_H

#include "config.h"
#include "reminder.h"

#define LOOP_SYNC_INTERVAL_DEFAULT 15		/* minutes */
#define LOOP_SYNC_INTERVAL_MAX	   (7 * 24 * 60)	/* minutes */
#define LOOP_BACKOFF_FIRST	   30		/* seconds before the first retry */
#define LOOP_LONG_POLL_WAIT	   60		/* seconds a long-poll may wait
						   (the most docs/api.md allows) */
#define LOOP_LONG_POLL_RETRY	   3600		/* seconds before trying a long-poll
						   again on a server that refused */
#define LOOP_LONG_POLL_MARGIN	   30		/* seconds more before giving up */
#define LOOP_SNOOZE_ACTION	   (24 * 3600)	/* "Snooze 1 day" */
#define LOOP_OPEN_COMMAND_DEFAULT  "x-terminal-emulator -e myna"
#define LOOP_ARGS_MAX		   16		/* words of open_command */
#define LOOP_SQLITE_HEAP	   (256 * 1024)	/* bytes SQLite keeps, softly */

/* The settings mynad takes from the config file. */
struct loop_settings {
	long		       sync_interval;	/* seconds, at least 60 */
	struct reminder_config reminders;	/* with the quiet hours */
	int		       notifications;	/* 0: notifications = off */
	int		       speech;		/* 1: speech = on */
	int		       long_poll;	/* 0: long_poll = off */
	const char	      *open_command;	/* owned by the config read */
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

/* Seconds until a retry after failures failed tries in a row when the
 * server asked for retry_after seconds (-1: it did not): the back-off, or
 * what the server asked when that is longer. */
long loop_retry_delay(unsigned failures, long interval, long retry_after, double r);

/* Loads the config file into a new context.  Returns 0, or -1 with a newly
 * allocated *cause when the file is malformed; *out is set either way
 * (free it with loop_free). */
int loop_new(struct loop **out, char **cause);
/* Frees the context (closing the store and the lock); NULL is a no-op. */
void loop_free(struct loop *l);
/* The config's language setting, or NULL (follow the locale). */
const char *loop_language(const struct loop *l);
/* Applies the settings that go with the language (the era in dates). */
void loop_apply_language(const struct loop *l);

/* Opens the local store.  Returns 0, or -1 with *cause. */
int loop_open_store(struct loop *l, char **cause);

/* One outbox flush, one sync, then one reminder pass over the local store
 * (which runs even when the rest failed), waiting for the notification
 * helper to finish.  Returns 0, or -1 with *cause when the flush stopped
 * on a failure, the sync failed, or the pass failed.  A notification that
 * could not be shown is not a failure: it is logged and the reminder stays
 * pending. */
int loop_once(struct loop *l, char **cause);

/* Takes the single-instance lock, then syncs and reminds until SIGTERM or
 * SIGINT.  Returns 0 after a signal, or -1 with *cause ("mynad is already
 * running", or a failing system call). */
int loop_run(struct loop *l, char **cause);

#endif
