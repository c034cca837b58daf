/*
 * loop: mynad's context and main loop (see loop.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
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
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>
#include <sqlite3.h>

#include "control.h"
#include "date.h"
#include "deliver.h"
#include "fault.h"
#include "i18n.h"
#include "listener.h"
#include "log.h"
#include "loop.h"
#include "mem.h"
#include "notify.h"
#include "outbox.h"
#include "paths.h"
#include "service.h"
#include "spawn.h"
#include "session.h"
#include "store.h"
#include "sync.h"


#define LOOP_CHILDREN_MAX 8	/* open_command processes not yet reaped */
#define LOOP_POLL_FIXED	  2	/* the signalfd and the timerfd */

enum loop_long_poll { LP_UNKNOWN, LP_ON, LP_OFF };

struct loop {
	char		    *config_path;
	struct config	    *config;
	struct loop_settings settings;
	char		    *store_path;
	struct store	    *store;
	int		     lock_fd;
	int		     signal_fd;
	int		     timer_fd;
	struct listener	    *listener;
	int		     stop;		/* SIGTERM or SIGINT arrived */

	/* Sync. */
	time_t		     next_sync;
	int		     sync_now;		/* asked for (socket, long-poll) */
	unsigned	     failures;		/* failed syncs in a row */
	time_t		     retry_at;		/* while failing */
	char		    *last_failure;	/* to log a repeated failure once */
	int		     signed_out;	/* only `myna login` helps */
	char		    *sign_in_problem;

	/* The long-poll request and its own session. */
	enum loop_long_poll  lp_mode;
	struct session	     lp_se;
	struct sync_request  lp_rq;
	struct api_response  lp_r;
	int		     lp_active;
	time_t		     lp_started;
	unsigned	     lp_quick;		/* answers that came back at once */
	time_t		     lp_retry;		/* LP_OFF until then */

	/* The outbox. */
	unsigned	     outbox_failures;
	time_t		     next_flush;	/* 0: no retry planned */
	char		    *outbox_failure;	/* to log a repeated failure once */

	/* Reminders. */
	int		     once;		/* mynad --once */
	time_t		     next_reminder;
	struct deliver	    *dv;		/* the notification helpers */
	struct reminder_batch batch;		/* in the helper's hands */
	int		     batch_active;
	size_t		     batch_sent;
	char		    *batch_error;	/* why the rest was not delivered */
	char		    *batch_store_error;	/* a reminder could not be recorded */
	int		     remind_held;	/* after a failure: wait for the next */
	time_t		     remind_retry_at;	/* sync, or this reminder time (0: none) */
	char		    *last_delivery_error;	/* to log it once */
	size_t		     last_off_pending;	/* likewise, notifications = off */
	size_t		     last_quiet;	/* likewise, quiet hours */

	/* The service manager's watchdog (0: none). */
	long long	     watchdog_ms;	/* ping interval */
	long long	     watchdog_at;	/* next ping, monotonic ms */

	/* open_command processes to reap. */
	pid_t		     children[LOOP_CHILDREN_MAX];
	size_t		     nchildren;

	int		     trim;		/* memory to give back before sleeping */
};

static void loop_action(void *ctx, const char *id, enum notify_action action);

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
		cause = NULL;
	}
	if (reminder_quiet_parse(&s->reminders, config_get(c, "quiet_hours"), &cause) != 0) {
		loop_warn(warning, xasprintf(_("%s; using no quiet hours"), cause));
		free(cause);
		cause = NULL;
	}

	v = config_get(c, "notifications");
	s->notifications = config_get_bool(c, "notifications", -1);
	if (s->notifications < 0) {
		if (v != NULL)
			loop_warn(warning, xstrdup(_("notifications must be on or off; using on")));
		s->notifications = 1;
	}
	s->speech = config_get_bool(c, "speech", -1);
	if (s->speech < 0) {
		if (config_get(c, "speech") != NULL)
			loop_warn(warning, xstrdup(_("speech must be on or off; using off")));
		s->speech = 0;
	}
	s->long_poll = config_get_bool(c, "long_poll", -1);
	if (s->long_poll < 0) {
		if (config_get(c, "long_poll") != NULL)
			loop_warn(warning, xstrdup(_("long_poll must be on or off; using on")));
		s->long_poll = 1;
	}
	v = config_get(c, "open_command");
	s->open_command = v != NULL && *v != '\0' ? v : LOOP_OPEN_COMMAND_DEFAULT;
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

long
loop_retry_delay(unsigned failures, long interval, long retry_after, double r)
{
	long d = loop_backoff(failures, interval, r);

	/* The server knows best how long it needs; api caps the value. */
	return retry_after > d ? retry_after : d;
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

/* Monotonic milliseconds, for the watchdog. */
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
	api_response_init(&l->lp_r);
	l->dv = deliver_new();
	*out = l;
	return loop_load_config(l, cause);
}

/* Forgets the long-poll request that ended (or is dropped), keeping its
 * session: the next long-poll goes over the same connection. */
static void
loop_lp_end(struct loop *l)
{
	if (l->lp_se.api != NULL)
		api_async_cancel(l->lp_se.api);
	sync_request_release(&l->lp_rq);
	api_response_release(&l->lp_r);
	api_response_init(&l->lp_r);
	l->lp_active = 0;
}

/* Drops the long-poll request and its session (and connection). */
static void
loop_lp_close(struct loop *l)
{
	loop_lp_end(l);
	session_release(&l->lp_se);
}

void
loop_free(struct loop *l)
{
	if (l == NULL)
		return;
	loop_lp_close(l);
	api_response_release(&l->lp_r);
	deliver_free(l->dv);
	reminder_batch_release(&l->batch);
	listener_free(l->listener);
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
	free(l->sign_in_problem);
	free(l->outbox_failure);
	free(l->last_delivery_error);
	free(l->batch_error);
	free(l->batch_store_error);
	free(l);
}

const char *
loop_language(const struct loop *l)
{
	return config_get(l->config, "language");
}

void
loop_apply_language(const struct loop *l)
{
	date_set_era(config_get_bool(l->config, "era", 0));
}

/* Gives the store the agency keys of the settings; when they changed, the
 * store checks every notice's signature again. */
static void
loop_set_keys(struct loop *l)
{
	size_t checked = 0;

	if (store_set_keyring(l->store, sig_keyring_load(l->config), &checked) < 0)
		log_warn(_("cannot check the signatures of notices again: %s"),
			 store_error(l->store));
	else if (checked > 0)
		log_info(_("the agency keys changed: checked the signatures of %zu notices again"),
			 checked);
}

int
loop_open_store(struct loop *l, char **cause)
{
	/* SQLite's page cache would grow to 2 MiB (its default cache_size)
	 * and stay, while the daemon reads a few rows a minute: past this
	 * soft limit it reuses its pages instead (the operating system keeps
	 * the file's pages cached all the same). */
	sqlite3_soft_heap_limit64(LOOP_SQLITE_HEAP);
	free(l->store_path);
	l->store_path = paths_store_file();
	if (l->store_path == NULL) {
		*cause = xstrdup(_("cannot find the local store: set HOME or XDG_DATA_HOME"));
		return -1;
	}
	if (store_open(l->store_path, &l->store, cause) != 0)
		return -1;
	loop_set_keys(l);
	return 0;
}

/* Tells the service manager's watchdog that the daemon is alive, when it
 * is time to. */
static void
loop_watchdog(struct loop *l)
{
	long long now;
	char *why = NULL;

	if (l->watchdog_ms <= 0)
		return;
	now = date_mono_ms();
	if (now < l->watchdog_at)
		return;
	l->watchdog_at = now + l->watchdog_ms;
	if (service_notify("WATCHDOG=1", &why) != 0) {
		log_debug("%s", why);
		free(why);
	}
}

/* Whether SIGTERM or SIGINT is waiting to be read. */
static int
loop_stop_pending(void)
{
	sigset_t set;

	if (sigpending(&set) != 0)
		return 0;
	return sigismember(&set, SIGTERM) == 1 || sigismember(&set, SIGINT) == 1;
}

/* Called about once a second during a blocking transfer: feeds the
 * watchdog, and abandons the transfer when the daemon is asked to stop
 * (the pages already stored stay; the sync resumes from there). */
static int
loop_progress(void *ctx)
{
	struct loop *l = ctx;

	loop_watchdog(l);
	return l->signal_fd >= 0 && loop_stop_pending();
}

/* Logs what a session sent and received (headers included), for the
 * measurements of bench/daemon. */
static void
loop_log_traffic(const struct session *se)
{
	unsigned long long sent = 0, received = 0;

	if (se->api == NULL)
		return;
	api_traffic(se->api, &sent, &received);
	log_debug("network: sent %llu bytes, received %llu bytes", sent, received);
}

/* Opens a fresh session: the credentials are read again each time, so a
 * `myna login` or a token refresh by another process is picked up. */
static int
loop_session(struct loop *l, struct session *se, char **cause)
{
	memset(se, 0, sizeof *se);
	if (session_open(se, cause) != 0)
		return -1;
	api_set_progress(se->api, loop_progress, l);
	return 0;
}

/* Notes the sign-in state: a problem only `myna login` can solve is said
 * once, and kept for `myna status`. */
static void
loop_set_signed_out(struct loop *l, const char *problem)
{
	if (problem == NULL) {
		if (l->signed_out)
			log_info(_("signed in again"));
		l->signed_out = 0;
		xfree(&l->sign_in_problem);
		return;
	}
	if (!l->signed_out || l->sign_in_problem == NULL ||
	    strcmp(l->sign_in_problem, problem) != 0)
		log_warn("%s", problem);
	l->signed_out = 1;
	free(l->sign_in_problem);
	l->sign_in_problem = xstrdup(problem);
}

/* One flush of the outbox with the session se (NULL: none could be
 * opened).  Plans the retry after a failure.  Returns 0, or -1 with
 * *cause. */
static int
loop_flush(struct loop *l, struct session *se, char **cause)
{
	struct outbox_result res;
	struct session none;
	char *why = NULL;
	size_t pending = 0;
	long delay;
	int rc;

	if (store_outbox_pending(l->store, &pending) != 0) {
		*cause = xstrdup(store_error(l->store));
		return -1;
	}
	if (pending == 0) {
		l->next_flush = 0;
		l->outbox_failures = 0;
		return 0;
	}
	if (se == NULL) {
		memset(&none, 0, sizeof none);
		se = &none;
	}
	rc = outbox_flush(l->store, se, &res, &why);
	if (res.sent > 0 || res.needs_fixing > 0)
		log_info(_("outbox: %zu sent, %zu need fixing, %zu waiting"), res.sent,
			 res.needs_fixing, res.pending);
	if (rc == 0 || res.signed_out) {
		/* Signed out: nothing to retry until the next sign-in, which
		 * the next sync finds. */
		l->outbox_failures = 0;
		l->next_flush = 0;
		xfree(&l->outbox_failure);
		if (rc == 0) {
			free(why);
			return 0;
		}
		*cause = why;
		return -1;
	}
	if (!res.retry) {
		*cause = why;
		return -1;
	}
	/* An earlier try still in the server's hands (a crash cut it short)
	 * is answered in a moment: ask again when the server says. */
	if (res.in_flight && res.retry_after >= 0) {
		delay = res.retry_after > 0 ? res.retry_after : 1;
	} else {
		l->outbox_failures++;
		delay = loop_retry_delay(l->outbox_failures, l->settings.sync_interval,
					 res.retry_after, loop_random());
	}
	l->next_flush = loop_now() + delay;
	if (l->outbox_failure == NULL || strcmp(l->outbox_failure, why) != 0)
		log_warn(ngettext("%s; %zu submission waits, next try in %ld seconds",
				  "%s; %zu submissions wait, next try in %ld seconds", res.pending),
			 why, res.pending, delay);
	free(l->outbox_failure);
	l->outbox_failure = xstrdup(why);
	*cause = why;
	return -1;
}

/* The answer to a `sync` request on the control socket: error says why
 * the sync failed, outbox_error why submissions wait (NULL: none). */
static json_object *
loop_sync_answer(struct loop *l, int ok, const struct sync_result *res, const char *error,
		 const char *outbox_error)
{
	json_object *o = json_object_new_object();
	size_t pending = 0;

	store_outbox_pending(l->store, &pending);
	json_object_object_add(o, "ok", json_object_new_boolean(ok));
	json_object_object_add(o, "changes", json_object_new_int64((int64_t)res->changes));
	json_object_object_add(o, "new_notices", json_object_new_int64((int64_t)res->new_notices));
	json_object_object_add(o, "new_deadlines",
			       json_object_new_int64((int64_t)res->new_deadlines));
	json_object_object_add(o, "not_modified", json_object_new_boolean(res->not_modified));
	json_object_object_add(o, "outbox", json_object_new_int64((int64_t)pending));
	json_object_object_add(o, "signed_in", json_object_new_boolean(!l->signed_out));
	if (error != NULL)
		json_object_object_add(o, "error", json_object_new_string(error));
	if (outbox_error != NULL)
		json_object_object_add(o, "outbox_error", json_object_new_string(outbox_error));
	return o;
}

/* Logs what a successful sync brought. */
static void
loop_log_synced(const struct sync_result *res)
{
	if (res->not_modified || res->changes == 0)
		log_info(_("synced: nothing new"));
	else
		log_info(_("synced %zu changes: %zu new deadlines, %zu new notices"),
			 res->changes, res->new_deadlines, res->new_notices);
}

/* Plans the retry after a failed sync and logs the failure once. */
static void
loop_sync_failed(struct loop *l, char *cause, long retry_after)
{
	long delay;

	l->lp_quick = 0;
	l->failures++;
	delay = loop_retry_delay(l->failures, l->settings.sync_interval, retry_after,
				 loop_random());
	l->next_sync = loop_now() + delay;
	l->retry_at = l->next_sync;
	/* A daemon left offline for a day should not fill the journal with
	 * the same line: say it again only when it changes. */
	if (l->last_failure == NULL || strcmp(l->last_failure, cause) != 0)
		log_warn(_("%s; trying again in %ld seconds"), cause, delay);
	else
		log_debug("%s; trying again in %ld seconds", cause, delay);
	free(l->last_failure);
	l->last_failure = cause;
}

/* Notes a successful sync and plans the next one. */
static void
loop_sync_ok(struct loop *l)
{
	l->failures = 0;
	l->retry_at = 0;
	xfree(&l->last_failure);
	loop_set_signed_out(l, NULL);
	l->next_sync = loop_now() + loop_sync_delay(l->settings.sync_interval, loop_random());
}

/* The sync step: flush the outbox, sync, answer who asked, plan the next
 * one. */
static void
loop_sync_step(struct loop *l)
{
	struct session se;
	struct sync_result res;
	char *cause = NULL, *flush_cause = NULL;
	int opened, ok = 0;

	loop_lp_close(l);
	l->sync_now = 0;
	l->remind_held = 0;	/* a sync is the next chance of held reminders */
	memset(&res, 0, sizeof res);
	res.retry_after = -1;
	opened = loop_session(l, &se, &cause) == 0;
	if (loop_flush(l, opened ? &se : NULL, &flush_cause) != 0 && !opened)
		xfree(&flush_cause);	/* the sync's cause says it */
	if (!opened) {
		res.signed_out = 1;
	} else if (sync_run(l->store, &se, &res, &cause) == 0) {
		ok = 1;
	} else if (loop_stop_pending()) {
		log_info(_("stopping: the sync was interrupted; it goes on from there at the "
			   "next start"));
		xfree(&cause);
		cause = xstrdup(_("mynad is stopping"));
	}
	fault_sync(opened ? &se : NULL, ok ? 0 : -1, &res);
	if (ok) {
		loop_log_synced(&res);
		loop_sync_ok(l);
	} else if (res.signed_out) {
		/* Retrying cannot help: try again at the usual time, or
		 * when asked (after `myna login`). */
		loop_set_signed_out(l, cause);
		l->failures = 0;
		l->retry_at = 0;
		l->next_sync = loop_now() + loop_sync_delay(l->settings.sync_interval,
							   loop_random());
	} else if (!loop_stop_pending()) {
		loop_sync_failed(l, xstrdup(cause), res.retry_after);
	}
	if (listener_waiting(l->listener, "sync") > 0) {
		json_object *a = loop_sync_answer(l, ok, &res, ok ? NULL : cause, flush_cause);

		listener_answer(l->listener, "sync", a);
		json_object_put(a);
	}
	free(cause);
	free(flush_cause);
	loop_log_traffic(&se);
	session_release(&se);
	l->trim = 1;
}

/* Starts the long-poll: one request that waits at the server for the next
 * change.  Falls back to syncing on the timer when it cannot. */
static void
loop_lp_start(struct loop *l)
{
	char *cause = NULL;

	/* A session kept from the last long-poll has a token that still
	 * works; when it stops working the full sync renews it. */
	if ((l->lp_se.api == NULL && loop_session(l, &l->lp_se, &cause) != 0) ||
	    sync_request_make(l->store, LOOP_LONG_POLL_WAIT, &l->lp_rq, &cause) != 0 ||
	    api_async_get(l->lp_se.api, l->lp_rq.path, l->lp_rq.etag,
			  LOOP_LONG_POLL_WAIT + LOOP_LONG_POLL_MARGIN, &l->lp_r, &cause) != 0) {
		log_debug("no long-poll: %s", cause);
		free(cause);
		loop_lp_close(l);
		l->sync_now = 1;
		return;
	}
	l->lp_active = 1;
	l->lp_started = loop_now();
	log_debug("long-poll: waiting up to %d seconds for changes", LOOP_LONG_POLL_WAIT);
}

/* Handles the end of the long-poll request: rc is api_async_step's. */
static void
loop_lp_done(struct loop *l, int rc, char *cause)
{
	struct sync_result res;
	char *why = NULL;
	long status = l->lp_r.status;
	int took;

	l->remind_held = 0;	/* as after any sync */
	memset(&res, 0, sizeof res);
	if (rc < 0) {
		/* No answer: the network or the server went away. */
		loop_lp_close(l);
		loop_sync_failed(l, cause, -1);
		return;
	}
	free(cause);
	loop_log_traffic(&l->lp_se);
	took = sync_take(l->store, &l->lp_rq, &l->lp_r, &res, &why);
	fault_sync(&l->lp_se, took < 0 ? -1 : 0, &res);
	if (took < 0) {
		loop_lp_close(l);
		loop_sync_failed(l, why, -1);
		return;
	}
	if (took == SYNC_TAKE_DONE) {
		if (res.changes > 0) {
			loop_log_synced(&res);
			l->trim = 1;
		} else {
			log_debug("long-poll: nothing new");
		}
		/* A server that answers "nothing new" at once does not hold
		 * requests: polling it so would be a busy loop. */
		if (res.changes == 0 && loop_now() - l->lp_started < LOOP_LONG_POLL_WAIT / 2) {
			if (++l->lp_quick >= 2) {
				l->lp_mode = LP_OFF;
				l->lp_retry = loop_now() + LOOP_LONG_POLL_RETRY;
				log_info(_("the server does not hold sync requests; syncing every "
					   "%ld minutes"), l->settings.sync_interval / 60);
			}
		} else {
			l->lp_quick = 0;
			if (l->lp_mode == LP_UNKNOWN)
				l->lp_mode = LP_ON;
		}
		loop_sync_ok(l);
	} else {
		/* 400: this server does not know wait=. */
		if (status == 400 && l->lp_mode != LP_ON) {
			l->lp_mode = LP_OFF;
			l->lp_retry = loop_now() + LOOP_LONG_POLL_RETRY;
			log_info(_("the server does not offer long-polling; syncing every "
				   "%ld minutes"), l->settings.sync_interval / 60);
		}
		/* More pages, 401, 410, errors: the full sync deals with them. */
		l->sync_now = 1;
		loop_lp_close(l);
		return;
	}
	loop_lp_end(l);
}

/* The end of a batch: logs what was sent and why the rest was not, and
 * holds the rest back until the next chance (the next sync, or the next
 * reminder time).  A machine with no notification server would otherwise
 * log the same line at every pass: it is logged again only when it
 * changes. */
static void
loop_remind_end(struct loop *l)
{
	size_t pending = l->batch.nshow - l->batch_sent;
	const char *error;
	enum log_level level;
	char *why = NULL;

	if (l->batch_sent > 0)
		log_info(ngettext("sent %zu reminder", "sent %zu reminders", l->batch_sent),
			 l->batch_sent);
	if (pending > 0) {
		error = l->batch_error != NULL ? l->batch_error : _("the notification was not shown");
		level = l->last_delivery_error != NULL &&
			strcmp(l->last_delivery_error, error) == 0 ? LOG_DEBUG : LOG_WARN;
		log_msg(level, ngettext("cannot show notifications (%s); %zu reminder is kept "
					"for the next try",
					"cannot show notifications (%s); %zu reminders are kept "
					"for the next try", pending),
			error, pending);
		free(l->last_delivery_error);
		l->last_delivery_error = xstrdup(error);
		l->remind_held = 1;
		if (reminder_next_in_store(l->store, &l->settings.reminders, loop_now(),
					   &l->remind_retry_at, &why) != 0) {
			log_error("%s", why);
			free(why);
			l->remind_retry_at = 0;
		}
	} else if (l->batch_sent > 0) {
		xfree(&l->last_delivery_error);
	}
	if (l->batch_store_error != NULL && !l->once) {
		log_error("%s", l->batch_store_error);
		xfree(&l->batch_store_error);
	}
	reminder_batch_release(&l->batch);
	xfree(&l->batch_error);
	l->batch_sent = 0;
	l->batch_active = 0;
	l->trim = 1;
}

/* What the notification helper answers (deliver_fn). */
static void
loop_delivered(void *ctx, const struct deliver_event *ev)
{
	struct loop *l = ctx;
	long i;

	switch (ev->kind) {
	case DELIVER_SHOWN:
		i = l->batch_active ? reminder_batch_find(&l->batch, ev->id) : -1;
		if (i < 0)
			break;
		if (ev->reason != NULL)
			log_debug("spoken, not shown: %s", ev->reason);
		/* It reached the resident: counted as sent even when the
		 * record fails (the store says why). */
		l->batch_sent++;
		if (reminder_mark(l->store, &l->batch, (size_t)i, loop_now()) != 0 &&
		    l->batch_store_error == NULL)
			l->batch_store_error = xasprintf(_("cannot read or record reminders in "
							   "the local store: %s"),
							 store_error(l->store));
		break;
	case DELIVER_FAILED:
		if (l->batch_error == NULL)
			l->batch_error = xstrdup(ev->reason);
		break;
	case DELIVER_ACTION:
		loop_action(l, ev->id, ev->action);
		break;
	case DELIVER_END:
		if (l->batch_active)
			loop_remind_end(l);
		break;
	}
}

/* One reminder pass at now: what is due goes to a notification helper
 * (and, with --once, the pass waits for it).  Returns 0, or -1 with
 * *cause when the store failed. */
static int
loop_remind(struct loop *l, time_t now, char **cause)
{
	struct reminder_stats st;
	struct deliver_reminder *rs;
	struct deliver_request rq;
	int on = l->settings.notifications || l->settings.speech, rv;
	char *why = NULL;
	size_t i, n;

	/* One batch at a time: the reminders in a helper's hands are not
	 * due again. */
	if (l->batch_active)
		return 0;
	if (l->remind_held) {
		if (l->remind_retry_at == 0 || now < l->remind_retry_at)
			return 0;
		l->remind_held = 0;
	}
	rv = reminder_collect(l->store, &l->settings.reminders, now, on, &l->batch, &st, cause);
	if (st.quiet != l->last_quiet && st.quiet > 0) {
		char at[64];

		date_format(reminder_quiet_end(&l->settings.reminders, now), at, sizeof at);
		log_info(ngettext("quiet hours: %zu reminder waits until %s",
				  "quiet hours: %zu reminders wait until %s", st.quiet),
			 st.quiet, at);
	}
	l->last_quiet = st.quiet;
	if (!on) {
		if (st.pending > 0)
			log_msg(st.pending == l->last_off_pending ? LOG_DEBUG : LOG_INFO,
				ngettext("notifications are off; %zu reminder not shown",
					 "notifications are off; %zu reminders not shown",
					 st.pending),
				st.pending);
		l->last_off_pending = st.pending;
	}
	if (rv != 0 || l->batch.nshow == 0) {
		if (rv == 0 && st.pending == 0 && st.quiet == 0)
			log_debug("no reminder due");
		reminder_batch_release(&l->batch);
		reminder_stats_release(&st);
		return rv;
	}
	reminder_stats_release(&st);

	n = l->batch.nshow;
	rs = xcalloc(n, sizeof *rs);
	for (i = 0; i < n; i++) {
		const struct store_deadline *d = &l->batch.v[l->batch.show[i].k];

		rs[i] = (struct deliver_reminder){
			.id = d->d.id,
			.summary = notify_summary(d),
			.body = notify_body(d, now),
			.urgency = notify_urgency(d->due, now),
			.speech = notify_speech(d, now),
		};
	}
	rq = (struct deliver_request){
		.language = loop_language(l),
		.lang = i18n_lang(),
		.notifications = l->settings.notifications,
		.speech = l->settings.speech,
		/* --once does not stay for the resident's answer. */
		.actions = !l->once && l->settings.notifications,
		.config = l->config,
		.reminders = rs,
		.n = n,
	};
	l->batch_active = 1;
	if (deliver_start(l->dv, &rq, &why) != 0) {
		l->batch_error = why;
		loop_remind_end(l);
	} else if (l->once) {
		/* What was said is said to the end before --once exits. */
		deliver_wait(l->dv, loop_delivered, l);
	}
	for (i = 0; i < n; i++) {
		free((char *)rs[i].body);
		free((char *)rs[i].speech);
	}
	free(rs);
	if (l->batch_store_error != NULL) {
		*cause = l->batch_store_error;
		l->batch_store_error = NULL;
		return -1;
	}
	return 0;
}

int
loop_once(struct loop *l, char **cause)
{
	struct session se;
	struct sync_result res;
	char *sync_cause = NULL, *flush_cause = NULL, *remind_cause = NULL;
	int opened, synced, rv = 0;

	memset(&res, 0, sizeof res);
	opened = loop_session(l, &se, &sync_cause) == 0;
	if (opened && loop_flush(l, &se, &flush_cause) != 0)
		rv = -1;
	synced = opened && sync_run(l->store, &se, &res, &sync_cause) == 0;
	if (synced)
		loop_log_synced(&res);
	else
		rv = -1;
	fault_sync(opened ? &se : NULL, synced ? 0 : -1, &res);
	if (sync_cause != NULL && strstr(sync_cause, "myna login") == NULL) {
		/* A cause that already says what to do is left alone; the
		 * others are trouble with the network or the server. */
		char *advised = xasprintf(_("%s; try again later"), sync_cause);

		free(sync_cause);
		sync_cause = advised;
	}
	loop_log_traffic(&se);
	session_release(&se);
	/* Reminders come from the local store: they must not wait for the
	 * network. */
	l->once = 1;
	if (loop_remind(l, loop_now(), &remind_cause) != 0)
		rv = -1;
	if (rv != 0) {
		/* The first cause is the answer; the others are logged. */
		char **first = sync_cause ? &sync_cause : flush_cause ? &flush_cause : &remind_cause;

		if (flush_cause != NULL && first != &flush_cause)
			log_error("%s", flush_cause);
		if (remind_cause != NULL && first != &remind_cause)
			log_error("%s", remind_cause);
		*cause = *first;
		*first = NULL;
	}
	free(sync_cause);
	free(flush_cause);
	free(remind_cause);
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
	sigaddset(&set, SIGCHLD);
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
		i18n_init(loop_language(l));
		loop_apply_language(l);
		log_info(_("settings reloaded: sync every %ld minutes"),
			 l->settings.sync_interval / 60);
		/* agency_keys, or the keys in its folder, may have changed. */
		if (l->store != NULL)
			loop_set_keys(l);
	}
	/* A new interval applies from now on. */
	if (l->next_sync > loop_now() + l->settings.sync_interval)
		l->next_sync = loop_now() + loop_sync_delay(l->settings.sync_interval,
							   loop_random());
	/* long_poll may have been turned on or off; notifications or speech
	 * too, which is a next chance for the reminders held back.  (The
	 * voice settings go with each batch to the notification helper.) */
	if (!l->settings.long_poll)
		loop_lp_close(l);
	l->remind_held = 0;
	service_notify("READY=1", &ignored);
	free(ignored);
}

/* Reaps the open_command processes that have ended. */
static void
loop_reap(struct loop *l)
{
	size_t i;
	int status;

	for (i = l->nchildren; i-- > 0;) {
		if (waitpid(l->children[i], &status, WNOHANG) != l->children[i])
			continue;
		l->children[i] = l->children[--l->nchildren];
	}
}

/* Handles every signal that has arrived, without waiting. */
static void
loop_read_signals(struct loop *l)
{
	struct signalfd_siginfo si;

	while (read(l->signal_fd, &si, sizeof si) == (ssize_t)sizeof si) {
		if (si.ssi_signo == SIGHUP) {
			loop_reload(l);
		} else if (si.ssi_signo == SIGCHLD) {
			loop_reap(l);
			deliver_reap(l->dv, loop_delivered, l);
		} else if (!l->stop) {
			log_info(_("stopping on %s"), strsignal((int)si.ssi_signo));
			l->stop = 1;
		}
	}
}

/* Starts open_command for the deadline id, without a shell: the command
 * is split at blanks, and a word "%s" becomes the id. */
static void
loop_open(struct loop *l, const char *id)
{
	char *words = xstrdup(l->settings.open_command), *argv[LOOP_ARGS_MAX + 1], *p = words;
	pid_t pid;
	size_t n = 0, len;
	int rc;

	while (n < LOOP_ARGS_MAX) {
		p += strspn(p, " \t");
		if (*p == '\0')
			break;
		len = strcspn(p, " \t");
		argv[n++] = len == 2 && strncmp(p, "%s", 2) == 0 ? (char *)id : p;
		if (p[len] == '\0')
			break;
		p[len] = '\0';
		p += len + 1;
	}
	argv[n] = NULL;
	if (n == 0 || l->nchildren == LOOP_CHILDREN_MAX) {
		log_warn(_("cannot open myna for %s: %s"), id,
			 n == 0 ? _("open_command is empty") : _("too many are open"));
		free(words);
		return;
	}
	rc = spawn_clean(&pid, argv[0], 1, argv, -1, -1);
	if (rc != 0)
		log_warn(_("cannot open myna for %s: %s: %s"), id, argv[0], strerror(rc));
	else {
		l->children[l->nchildren++] = pid;
		log_info(_("opened myna for %s (process %ld)"), id, (long)pid);
	}
	free(words);
}

/* A notification action picked by the resident. */
static void
loop_action(void *ctx, const char *id, enum notify_action action)
{
	struct loop *l = ctx;
	time_t until;
	int changed = 0;
	char at[64];

	switch (action) {
	case NOTIFY_ACTION_OPEN:
		loop_open(l, id);
		break;
	case NOTIFY_ACTION_DONE:
		if (store_deadline_set_done(l->store, id, 1, &changed) != 0)
			log_error(_("cannot mark %s done: %s"), id, store_error(l->store));
		else
			log_info(_("marked %s done from its notification"), id);
		break;
	case NOTIFY_ACTION_SNOOZE:
		until = loop_now() + LOOP_SNOOZE_ACTION;
		if (store_snooze_set(l->store, id, until) != 0)
			log_error(_("cannot snooze %s: %s"), id, store_error(l->store));
		else
			log_info(_("snoozed %s until %s from its notification"), id,
				 date_format(until, at, sizeof at));
		break;
	}
}

/* The answer to a `status` request. */
static json_object *
loop_status(struct loop *l)
{
	json_object *o = json_object_new_object();
	char at[64], *last = NULL;
	size_t pending = 0;

#define LOOP_TIME(key, t)                                                          \
	json_object_object_add(o, key, (t) != 0 ? json_object_new_string(date_format( \
							  (t), at, sizeof at))   \
						: NULL)
	store_meta_get(l->store, "sync.last", &last);
	store_outbox_pending(l->store, &pending);
	json_object_object_add(o, "ok", json_object_new_boolean(1));
	json_object_object_add(o, "pid", json_object_new_int64((int64_t)getpid()));
	json_object_object_add(o, "signed_in", json_object_new_boolean(!l->signed_out));
	json_object_object_add(o, "sign_in_problem", l->sign_in_problem != NULL
				       ? json_object_new_string(l->sign_in_problem) : NULL);
	json_object_object_add(o, "last_sync", last != NULL ? json_object_new_string(last) : NULL);
	if (l->lp_active)
		LOOP_TIME("next_sync", l->lp_started + LOOP_LONG_POLL_WAIT);
	else
		LOOP_TIME("next_sync", l->next_sync);
	json_object_object_add(o, "long_poll", json_object_new_boolean(l->lp_active));
	LOOP_TIME("next_reminder", l->next_reminder);
	json_object_object_add(o, "outbox", json_object_new_int64((int64_t)pending));
	json_object_object_add(o, "failures", json_object_new_int64(l->failures));
	json_object_object_add(o, "last_error", l->last_failure != NULL
				       ? json_object_new_string(l->last_failure) : NULL);
	LOOP_TIME("retry_at", l->retry_at);
#undef LOOP_TIME
	free(last);
	return o;
}

/* A request on the control socket. */
static enum listener_verdict
loop_request(void *ctx, const char *request, json_object **answer)
{
	struct loop *l = ctx;

	if (strcmp(request, "status") == 0) {
		*answer = loop_status(l);
		return LISTENER_NOW;
	}
	if (strcmp(request, "sync") == 0) {
		/* Answered once the sync is over; it starts at once. */
		l->sync_now = 1;
		return LISTENER_LATER;
	}
	*answer = json_object_new_object();
	json_object_object_add(*answer, "ok", json_object_new_boolean(0));
	json_object_object_add(*answer, "error",
			       json_object_new_string(_("unknown request: use sync or status")));
	return LISTENER_NOW;
}

/* Gives the memory freed after a sync or a batch back to the system
 * before the daemon sleeps: feed pages and the deadlines of a pass are
 * parsed into many small blocks, and the free ones left between those
 * still in use would otherwise stay in the daemon's heap while it idles. */
static void
loop_trim(struct loop *l)
{
	struct mallinfo2 before, after;

	if (!l->trim)
		return;
	l->trim = 0;
	before = mallinfo2();
	malloc_trim(0);
	after = mallinfo2();
	log_debug("memory: heap %zu KiB (%zu KiB in use), %zu KiB given back; SQLite %lld KiB",
		  (after.arena + after.hblkhd) / 1024, after.uordblks / 1024,
		  before.arena + before.hblkhd > after.arena + after.hblkhd
		  ? (before.arena + before.hblkhd - after.arena - after.hblkhd) / 1024 : 0,
		  (long long)sqlite3_memory_used() / 1024);
}

/* Sleeps until wake (wall-clock time), a signal, a request on the control
 * socket, the end of the long-poll, or word from a notification helper,
 * and handles what came.  Returns 0, or -1 with *cause when the system
 * calls fail. */
static int
loop_wait(struct loop *l, time_t wake, char **cause)
{
	struct itimerspec its = { .it_value = { .tv_sec = wake, .tv_nsec = 0 } };
	struct pollfd fds[LOOP_POLL_FIXED + LISTENER_FDS + API_ASYNC_FDS + DELIVER_FDS];
	size_t nfds, nlisten, napi = 0, ndeliver;
	uint64_t expirations;
	long long left;
	int timeout = -1, n, step;
	char *why = NULL;

	if (timerfd_settime(l->timer_fd, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &its,
			    NULL) != 0) {
		*cause = xasprintf(_("cannot set the timer: %s"), strerror(errno));
		return -1;
	}
	fds[0] = (struct pollfd){ .fd = l->signal_fd, .events = POLLIN };
	fds[1] = (struct pollfd){ .fd = l->timer_fd, .events = POLLIN };
	nfds = LOOP_POLL_FIXED;
	nlisten = listener_fds(l->listener, fds + nfds, LISTENER_FDS, &timeout);
	nfds += nlisten;
	if (l->lp_active) {
		napi = api_async_fds(l->lp_se.api, fds + nfds, API_ASYNC_FDS, &timeout);
		nfds += napi;
	}
	/* The notification helpers: their answers, their exits, and their
	 * bounds (only while one runs). */
	ndeliver = deliver_fds(l->dv, fds + nfds, DELIVER_FDS, &timeout);
	nfds += ndeliver;
	if (l->watchdog_ms > 0) {
		left = l->watchdog_at - date_mono_ms();
		left = left < 0 ? 0 : left > INT_MAX ? INT_MAX : left;
		if (timeout < 0 || left < timeout)
			timeout = (int)left;
	}
	do
		n = poll(fds, nfds, timeout);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		*cause = xasprintf(_("cannot wait: %s"), strerror(errno));
		return -1;
	}
	/* ECANCELED: the clock was set; the caller works the schedule out
	 * again either way. */
	if (read(l->timer_fd, &expirations, sizeof expirations) < 0 && errno == ECANCELED)
		log_info(_("the clock was changed; rescheduling"));
	listener_step(l->listener, fds + LOOP_POLL_FIXED, nlisten, loop_request, l);
	if (l->lp_active) {
		step = api_async_step(l->lp_se.api, fds + LOOP_POLL_FIXED + nlisten, napi, &why);
		if (step != 0)
			loop_lp_done(l, step, why);
		why = NULL;
	}
	deliver_step(l->dv, fds + nfds - ndeliver, ndeliver, loop_delivered, l);
	return 0;
}

/* Reads $WATCHDOG_USEC (and $WATCHDOG_PID, when set, must be ours). */
static void
loop_watchdog_setup(struct loop *l)
{
	const char *usec = getenv("WATCHDOG_USEC"), *pid = getenv("WATCHDOG_PID");
	long long v;
	char *end;

	l->watchdog_ms = 0;
	if (usec == NULL || *usec == '\0')
		return;
	if (pid != NULL && *pid != '\0' && strtol(pid, NULL, 10) != (long)getpid())
		return;
	v = strtoll(usec, &end, 10);
	if (*end != '\0' || v <= 0)
		return;
	/* Half the period, as sd_watchdog_enabled(3) advises. */
	l->watchdog_ms = v / 2000 > 0 ? v / 2000 : 1;
	l->watchdog_at = 0;
	log_debug("watchdog: every %lld ms", l->watchdog_ms);
}

int
loop_run(struct loop *l, char **cause)
{
	char *ignored = NULL, *why = NULL;
	int rv = -1;

	if (loop_lock(l, cause) != 0 || loop_signals(l, cause) != 0 ||
	    listener_open(&l->listener, cause) != 0)
		goto out;
	loop_watchdog_setup(l);
	log_info(_("started; syncing every %ld minutes"), l->settings.sync_interval / 60);
	if (service_notify("READY=1", &why) != 0) {
		log_warn("%s", why);
		xfree(&why);
	}
	l->sync_now = 1;
	for (;;) {
		time_t now, wake;
		char at[64];
		long longest = l->settings.sync_interval + l->settings.sync_interval / 10 + 1;

		loop_read_signals(l);
		if (l->stop)
			break;
		loop_watchdog(l);
		now = loop_now();
		/* After the clock was set back, a sync planned by the old
		 * clock could be far away: sync now rather than wait for
		 * longer than one interval. */
		if (!l->lp_active && l->next_sync > now + longest)
			l->next_sync = now;
		if (l->sync_now || (!l->lp_active && now >= l->next_sync)) {
			loop_sync_step(l);
			continue;	/* signals first */
		}
		if (l->next_flush != 0 && now >= l->next_flush) {
			struct session se;
			int opened = loop_session(l, &se, &why) == 0;

			xfree(&why);
			if (opened && loop_flush(l, &se, &why) != 0)
				xfree(&why);
			session_release(&se);
			if (!opened)
				l->next_flush = 0;	/* the next sync says why */
			continue;
		}
		if (loop_remind(l, now, &why) != 0) {
			log_error("%s", why);
			xfree(&why);
		}
		if (reminder_next_in_store(l->store, &l->settings.reminders, now, &l->next_reminder,
					   &why) != 0) {
			log_error("%s", why);
			xfree(&why);
		}
		/* A server that refused long-polls is asked again now and then:
		 * it may have been upgraded or restarted. */
		if (l->lp_mode == LP_OFF && now >= l->lp_retry) {
			l->lp_mode = LP_UNKNOWN;
			l->lp_quick = 0;
		}
		if (!l->lp_active && l->settings.long_poll && l->lp_mode != LP_OFF &&
		    !l->signed_out && l->failures == 0) {
			loop_lp_start(l);
			if (l->sync_now)
				continue;
		}
		wake = l->lp_active ? 0 : l->next_sync;
		if (l->next_flush != 0 && (wake == 0 || l->next_flush < wake))
			wake = l->next_flush;
		if (l->next_reminder != 0 && (wake == 0 || l->next_reminder < wake))
			wake = l->next_reminder;
		if (wake == 0) {
			/* Nothing on the clock: a far point the timer can hold,
			 * re-armed after any event. */
			wake = now + LOOP_SYNC_INTERVAL_MAX * 60L;
		}
		if (l->lp_active)
			log_debug("next wake-up at %s, or when the server has news",
				  date_format(wake, at, sizeof at));
		else
			log_debug("next wake-up at %s", date_format(wake, at, sizeof at));
		loop_trim(l);
		if (loop_wait(l, wake, cause) != 0)
			goto out;
	}
	rv = 0;
out:
	service_notify("STOPPING=1", &ignored);
	free(ignored);
	return rv;
}
