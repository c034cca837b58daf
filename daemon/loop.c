/*
 * loop: mynad's context and main loop (see loop.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "date.h"
#include "i18n.h"
#include "log.h"
#include "loop.h"
#include "mem.h"
#include "notify.h"
#include "paths.h"
#include "service.h"
#include "session.h"
#include "store.h"
#include "sync.h"

struct loop {
	char		    *config_path;
	struct config	    *config;
	struct loop_settings settings;
	char		    *store_path;
	struct store	    *store;
	int		     lock_fd;
	int		     signal_fd;
	int		     timer_fd;
	time_t		     next_sync;
	unsigned	     failures;		/* failed syncs in a row */
	char		    *last_failure;	/* to log a repeated failure once */
	char		    *last_delivery_error;	/* likewise */
	size_t		     last_off_pending;	/* likewise, notifications = off */
	int		     stop;		/* SIGTERM or SIGINT arrived */
};

/* Keeps the first warning; later ones are dropped. */
static void
loop_warn(char **warning, char *w)
{
	if (*warning == NULL)
		*warning = w;
	else
		free(w);
}

int
loop_settings_read(struct loop_settings *s, const struct config *c, char **warning)
{
	const char *v;
	long minutes, hour;
	char *cause = NULL;

	*warning = NULL;
	memset(s, 0, sizeof *s);

	minutes = config_get_int(c, "sync_interval", LONG_MIN, LONG_MIN + 1, LONG_MAX);
	if (config_get(c, "sync_interval") == NULL) {
		minutes = LOOP_SYNC_INTERVAL_DEFAULT;
	} else if (minutes == LONG_MIN) {
		loop_warn(warning, xasprintf(_("sync_interval must be a number of minutes; "
					       "using %d"), LOOP_SYNC_INTERVAL_DEFAULT));
		minutes = LOOP_SYNC_INTERVAL_DEFAULT;
	} else if (minutes < 1 || minutes > LOOP_SYNC_INTERVAL_MAX) {
		long clamped = minutes < 1 ? 1 : LOOP_SYNC_INTERVAL_MAX;

		loop_warn(warning, xasprintf(_("sync_interval must be from 1 to %d minutes; "
					       "using %ld"), LOOP_SYNC_INTERVAL_MAX, clamped));
		minutes = clamped;
	}
	s->sync_interval = minutes * 60;

	hour = config_get_int(c, "reminder_hour", LONG_MIN, LONG_MIN + 1, LONG_MAX);
	if (config_get(c, "reminder_hour") == NULL)
		hour = REMINDER_DEFAULT_HOUR;
	else if (hour < 0 || hour > 23)
		hour = -1;	/* reminder_config_parse says what is wrong */
	if (reminder_config_parse(&s->reminders, config_get(c, "reminder_offsets"), (int)hour,
				  &cause) != 0) {
		loop_warn(warning, xasprintf(_("%s; using %s at %d:00"), cause,
					     REMINDER_DEFAULT_OFFSETS, REMINDER_DEFAULT_HOUR));
		free(cause);
	}

	v = config_get(c, "notifications");
	s->notifications = config_get_bool(c, "notifications", -1);
	if (s->notifications < 0) {
		if (v != NULL)
			loop_warn(warning, xstrdup(_("notifications must be on or off; using on")));
		s->notifications = 1;
	}
	return *warning == NULL ? 0 : -1;
}

long
loop_sync_delay(long interval, double r)
{
	long d = (long)((double)interval * (0.9 + 0.2 * r));

	return d < 1 ? 1 : d;
}

long
loop_backoff(unsigned failures, long interval, double r)
{
	long d = LOOP_BACKOFF_FIRST;
	unsigned i;

	for (i = 1; i < failures && d < interval; i++)
		d *= 2;
	if (d > interval)
		d = interval;
	/* Upper half: never hammer a server that just came back, and
	 * spread the clients that lost it at the same moment. */
	d = d / 2 + (long)((double)(d - d / 2) * r);
	return d < 1 ? 1 : d;
}

/* A random number in [0, 1) for jitter; not for secrets. */
static double
loop_random(void)
{
	uint32_t u = 0;

	if (getrandom(&u, sizeof u, GRND_NONBLOCK) != (ssize_t)sizeof u)
		u = (uint32_t)time(NULL) * 2654435761u;
	return (double)u / 4294967296.0;
}

/* The wall-clock time, read from the same clock the timer runs on: time()
 * may come from a coarse clock that lags the timer's expiry by a tick. */
static time_t
loop_now(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
		return time(NULL);
	return ts.tv_sec;
}

/* Reads the config file into l (replacing what was there only on success). */
static int
loop_load_config(struct loop *l, char **cause)
{
	struct config *c = config_new();
	struct loop_settings s;
	char *warning = NULL;

	if (l->config_path == NULL) {
		*cause = xstrdup(_("cannot find the settings: set HOME or XDG_CONFIG_HOME"));
		config_free(c);
		return -1;
	}
	if (config_load(c, l->config_path, cause) != 0) {
		config_free(c);
		return -1;
	}
	if (loop_settings_read(&s, c, &warning) != 0) {
		log_warn("%s: %s", l->config_path, warning);
		free(warning);
	}
	config_free(l->config);
	l->config = c;
	l->settings = s;
	return 0;
}

int
loop_new(struct loop **out, char **cause)
{
	struct loop *l = xcalloc(1, sizeof *l);
	char *warning = NULL;

	l->lock_fd = l->signal_fd = l->timer_fd = -1;
	l->config = config_new();
	loop_settings_read(&l->settings, l->config, &warning);
	free(warning);
	l->config_path = paths_config_file();
	*out = l;
	return loop_load_config(l, cause);
}

void
loop_free(struct loop *l)
{
	if (l == NULL)
		return;
	store_close(l->store);
	config_free(l->config);
	if (l->lock_fd >= 0)
		close(l->lock_fd);
	if (l->signal_fd >= 0)
		close(l->signal_fd);
	if (l->timer_fd >= 0)
		close(l->timer_fd);
	free(l->config_path);
	free(l->store_path);
	free(l->last_failure);
	free(l->last_delivery_error);
	free(l);
}

const char *
loop_language(const struct loop *l)
{
	return config_get(l->config, "language");
}

int
loop_open_store(struct loop *l, char **cause)
{
	free(l->store_path);
	l->store_path = paths_store_file();
	if (l->store_path == NULL) {
		*cause = xstrdup(_("cannot find the local store: set HOME or XDG_DATA_HOME"));
		return -1;
	}
	return store_open(l->store_path, &l->store, cause);
}

/* One sync with a fresh session: the credentials are read again each
 * time, so a `myna login` or a token refresh by `myna sync` while the
 * daemon runs is picked up. */
static int
loop_sync(struct loop *l, char **cause)
{
	struct session se;
	struct sync_result res;
	int rv = -1;

	memset(&se, 0, sizeof se);
	memset(&res, 0, sizeof res);
	if (session_open(&se, cause) != 0)
		goto out;
	if (sync_run(l->store, &se, &res, cause) != 0)
		goto out;
	if (res.not_modified || res.changes == 0)
		log_info(_("synced: nothing new"));
	else
		log_info(_("synced %zu changes: %zu new deadlines, %zu new notices"),
			 res.changes, res.new_deadlines, res.new_notices);
	rv = 0;
out:
	session_release(&se);
	return rv;
}

/* One reminder pass at now; logs what it did.  A machine with no
 * notification server, or with notifications off, would otherwise log the
 * same line at every pass: it is logged again only when it changes.
 * Returns 0, or -1 with *cause when the store failed. */
static int
loop_remind(struct loop *l, time_t now, char **cause)
{
	struct reminder_stats st;
	enum log_level level;
	int rv;

	rv = reminder_run(l->store, &l->settings.reminders, now,
			  l->settings.notifications ? notify_deadline : NULL, NULL, &st, cause);
	if (st.sent > 0)
		log_info(ngettext("sent %zu reminder", "sent %zu reminders", st.sent), st.sent);
	if (!l->settings.notifications) {
		if (st.pending > 0)
			log_msg(st.pending == l->last_off_pending ? LOG_DEBUG : LOG_INFO,
				ngettext("notifications are off; %zu reminder not shown",
					 "notifications are off; %zu reminders not shown",
					 st.pending),
				st.pending);
		l->last_off_pending = st.pending;
	} else if (st.delivery_error != NULL) {
		level = l->last_delivery_error != NULL &&
			strcmp(l->last_delivery_error, st.delivery_error) == 0 ? LOG_DEBUG : LOG_WARN;
		log_msg(level, ngettext("cannot show notifications (%s); %zu reminder is kept "
					"for the next try",
					"cannot show notifications (%s); %zu reminders are kept "
					"for the next try", st.pending),
			st.delivery_error, st.pending);
		free(l->last_delivery_error);
		l->last_delivery_error = st.delivery_error;
		st.delivery_error = NULL;
	} else if (st.sent > 0) {
		xfree(&l->last_delivery_error);
	}
	if (st.sent == 0 && st.pending == 0)
		log_debug("no reminder due");
	reminder_stats_release(&st);
	return rv;
}

int
loop_once(struct loop *l, char **cause)
{
	char *sync_cause = NULL, *remind_cause = NULL;
	int rv = 0;

	if (loop_sync(l, &sync_cause) != 0) {
		/* A cause that already says what to do is left alone; the
		 * others are trouble with the network or the server. */
		if (strstr(sync_cause, "myna login") == NULL) {
			char *advised = xasprintf(_("%s; try again later"), sync_cause);

			free(sync_cause);
			sync_cause = advised;
		}
		rv = -1;
	}
	/* Reminders come from the local store: they must not wait for the
	 * network. */
	if (loop_remind(l, loop_now(), &remind_cause) != 0)
		rv = -1;
	if (sync_cause != NULL && remind_cause != NULL) {
		log_error("%s", remind_cause);
		*cause = sync_cause;
		free(remind_cause);
	} else if (rv != 0) {
		*cause = sync_cause != NULL ? sync_cause : remind_cause;
	}
	return rv;
}

/* Takes the single-instance lock, keeping it open for the daemon's life;
 * the lock goes with the process, however it ends. */
static int
loop_lock(struct loop *l, char **cause)
{
	char *path = paths_lock_file(), pid[32];
	int n, rv = -1;

	if (path == NULL || paths_make_parent(path, cause) != 0) {
		if (path == NULL)
			*cause = xstrdup(_("cannot find the runtime directory: set XDG_RUNTIME_DIR"));
		goto out;
	}
	l->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (l->lock_fd < 0) {
		*cause = xasprintf(_("cannot open the lock file %s: %s"), path, strerror(errno));
		goto out;
	}
	if (flock(l->lock_fd, LOCK_EX | LOCK_NB) != 0) {
		if (errno == EWOULDBLOCK) {
			ssize_t got = pread(l->lock_fd, pid, sizeof pid - 1, 0);

			pid[got > 0 ? got : 0] = '\0';
			pid[strspn(pid, "0123456789")] = '\0';
			*cause = pid[0] != '\0'
				 ? xasprintf(_("another mynad is already running (process %s)"), pid)
				 : xstrdup(_("another mynad is already running"));
		} else
			*cause = xasprintf(_("cannot lock %s: %s"), path, strerror(errno));
		goto out;
	}
	/* The pid is for people looking; the lock itself is the flock. */
	n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
	if (ftruncate(l->lock_fd, 0) != 0 || write(l->lock_fd, pid, (size_t)n) != n)
		log_debug("cannot write the pid into %s", path);
	rv = 0;
out:
	free(path);
	return rv;
}

/* Blocks the signals the loop handles and opens a signalfd and the timer. */
static int
loop_signals(struct loop *l, char **cause)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL) != 0 ||
	    (l->signal_fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC)) < 0) {
		*cause = xasprintf(_("cannot set up signal handling: %s"), strerror(errno));
		return -1;
	}
	l->timer_fd = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK | TFD_CLOEXEC);
	if (l->timer_fd < 0) {
		*cause = xasprintf(_("cannot create a timer: %s"), strerror(errno));
		return -1;
	}
	return 0;
}

/* Reloads the config after SIGHUP; a broken file keeps the old settings. */
static void
loop_reload(struct loop *l)
{
	char *cause = NULL, *ignored = NULL;

	service_notify("RELOADING=1", &ignored);
	free(ignored);
	ignored = NULL;
	if (loop_load_config(l, &cause) != 0) {
		log_error(_("cannot reload the settings (%s); keeping the previous ones"), cause);
		free(cause);
	} else {
		log_info(_("settings reloaded: sync every %ld minutes"),
			 l->settings.sync_interval / 60);
	}
	/* A new interval applies from now on. */
	if (l->next_sync > loop_now() + l->settings.sync_interval)
		l->next_sync = loop_now() + loop_sync_delay(l->settings.sync_interval,
							   loop_random());
	service_notify("READY=1", &ignored);
	free(ignored);
}

/* Handles every signal that has arrived, without waiting. */
static void
loop_read_signals(struct loop *l)
{
	struct signalfd_siginfo si;

	while (read(l->signal_fd, &si, sizeof si) == (ssize_t)sizeof si) {
		if (si.ssi_signo == SIGHUP) {
			loop_reload(l);
		} else if (!l->stop) {
			log_info(_("stopping on %s"), strsignal((int)si.ssi_signo));
			l->stop = 1;
		}
	}
}

/* The sync step of the loop: sync, then schedule the next one. */
static void
loop_sync_step(struct loop *l)
{
	char *cause = NULL;
	long delay;

	if (loop_sync(l, &cause) == 0) {
		l->failures = 0;
		xfree(&l->last_failure);
		delay = loop_sync_delay(l->settings.sync_interval, loop_random());
	} else {
		l->failures++;
		delay = loop_backoff(l->failures, l->settings.sync_interval, loop_random());
		/* A daemon left offline for a day should not fill the journal
		 * with the same line: say it again only when it changes. */
		if (l->last_failure == NULL || strcmp(l->last_failure, cause) != 0)
			log_warn(_("%s; trying again in %ld seconds"), cause, delay);
		else
			log_debug("%s; trying again in %ld seconds", cause, delay);
		free(l->last_failure);
		l->last_failure = cause;
		cause = NULL;
	}
	l->next_sync = loop_now() + delay;
}

/* Sleeps until wake (wall-clock time) or a signal.  Returns 0, or -1 with
 * *cause when the system calls fail. */
static int
loop_sleep(struct loop *l, time_t wake, char **cause)
{
	struct itimerspec its = { .it_value = { .tv_sec = wake, .tv_nsec = 0 } };
	struct pollfd fds[2] = {
		{ .fd = l->signal_fd, .events = POLLIN },
		{ .fd = l->timer_fd, .events = POLLIN },
	};
	uint64_t expirations;
	int n;

	if (timerfd_settime(l->timer_fd, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &its,
			    NULL) != 0) {
		*cause = xasprintf(_("cannot set the timer: %s"), strerror(errno));
		return -1;
	}
	do
		n = poll(fds, 2, -1);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		*cause = xasprintf(_("cannot wait: %s"), strerror(errno));
		return -1;
	}
	/* ECANCELED: the clock was set; the caller works the schedule out
	 * again either way. */
	if (read(l->timer_fd, &expirations, sizeof expirations) < 0 && errno == ECANCELED)
		log_info(_("the clock was changed; rescheduling"));
	return 0;
}

int
loop_run(struct loop *l, char **cause)
{
	char *ignored = NULL, *why = NULL;
	int rv = -1;

	if (loop_lock(l, cause) != 0 || loop_signals(l, cause) != 0)
		goto out;
	log_info(_("started; syncing every %ld minutes"), l->settings.sync_interval / 60);
	if (service_notify("READY=1", &why) != 0) {
		log_warn("%s", why);
		xfree(&why);
	}
	l->next_sync = loop_now();
	for (;;) {
		time_t now, next_reminder = 0, wake;
		char at[64];
		long longest = l->settings.sync_interval + l->settings.sync_interval / 10 + 1;

		loop_read_signals(l);
		if (l->stop)
			break;
		now = loop_now();
		/* After the clock was set back, a sync planned by the old
		 * clock could be far away: sync now rather than wait for
		 * longer than one interval. */
		if (l->next_sync > now + longest)
			l->next_sync = now;
		if (now >= l->next_sync) {
			loop_sync_step(l);
			loop_read_signals(l);
			if (l->stop)
				break;
			now = loop_now();
		}
		if (loop_remind(l, now, &why) != 0) {
			log_error("%s", why);
			xfree(&why);
		}
		if (reminder_next_in_store(l->store, &l->settings.reminders, now, &next_reminder,
					   &why) != 0) {
			log_error("%s", why);
			xfree(&why);
		}
		wake = l->next_sync;
		if (next_reminder != 0 && next_reminder < wake)
			wake = next_reminder;
		log_debug("next wake-up at %s", date_format(wake, at, sizeof at));
		if (loop_sleep(l, wake, cause) != 0)
			goto out;
	}
	rv = 0;
out:
	service_notify("STOPPING=1", &ignored);
	free(ignored);
	return rv;
}
