/*
 * deliver: mynad's side of the notification helper, myna-notify.
 *
 * Desktop notifications (libnotify, GLib, D-Bus) and speech
 * (speech-dispatcher, espeak-ng, MeCab) are not loaded into the daemon: for
 * each batch of reminders mynad starts the helper, hands it the batch on
 * standard input and reads its answers, one JSON object a line, on its
 * standard output.  The helper shows and says what it is given; it never
 * opens the store.  mynad records each reminder the helper reports as
 * delivered and carries out the actions the resident picks.  The helper
 * lives as long as its notifications may still be acted on (at most
 * DELIVER_LINGER_SECONDS), then exits.  A helper that is missing, crashes
 * or hangs costs a log line and a retry of the reminders it did not
 * deliver; the daemon never waits for it outside its poll().
 *
 * The helper is $MYNA_NOTIFY_HELPER when set, else myna-notify next to the
 * running program (the build tree), else MYNA_LIBEXECDIR/myna-notify (where
 * `make install` puts it).
 *
 * Input (one object, then end of file):
 *   { "language": "ja" | "en" | "ja-easy" | null,  the language setting
 *     "lang": "ja" | "en",                          the language of speech
 *     "notifications": true, "speech": false,
 *     "settings": { "speech.rate": "10", ... },      the speech.* settings
 *     "actions": { "open": LABEL, "done": LABEL, "snooze": LABEL } | null,
 *     "linger": SECONDS,                             waiting for actions
 *     "reminders": [ { "id", "summary", "body", "urgency": 0|1|2,
 *                      "speech" } ... ] }
 * Answers, in the order of the reminders, each at most one:
 *   { "event": "delivered", "id", "shown": bool, "spoken": bool,
 *     "message": why it was not shown (spoken only) }
 *   { "event": "failed", "id", "why": "init" | "show" | "speech",
 *     "message" }                              the rest is not tried
 * and at any time after a delivered one:
 *   { "event": "action", "id", "action": "open" | "done" | "snooze" }
 */
#ifndef MYNA_DELIVER_H
#define MYNA_DELIVER_H

#include <poll.h>
#include <stddef.h>

#include "config.h"
#include "notify.h"

#define DELIVER_HELPER		"myna-notify"
#define DELIVER_HELPERS_MAX	4		/* at once; the oldest goes first */
#define DELIVER_FDS		(2 * DELIVER_HELPERS_MAX)
#define DELIVER_ANSWER_SECONDS	60		/* for each answer: more than two
						   D-Bus calls that time out (25 s) */
#define DELIVER_LINGER_SECONDS	(8 * 3600)	/* a working day for Done or Snooze */
#define DELIVER_GRACE_SECONDS	120		/* to finish speaking and exit */
#define DELIVER_LINE_MAX	65536		/* bytes of one answer */

struct deliver;

/* One reminder as the helper gets it. */
struct deliver_reminder {
	const char	   *id;
	const char	   *summary;
	const char	   *body;
	enum notify_urgency urgency;
	const char	   *speech;	/* what is said aloud */
};

/* One batch. */
struct deliver_request {
	const char		      *language;	/* setting, or NULL */
	const char		      *lang;		/* "ja" or "en" */
	int			       notifications;
	int			       speech;
	int			       actions;		/* offer them and wait */
	const struct config	      *config;		/* speech.* settings */
	const struct deliver_reminder *reminders;
	size_t			       n;
};

enum deliver_kind {
	DELIVER_SHOWN,	/* id reached the resident */
	DELIVER_FAILED,	/* the batch stopped here: reason */
	DELIVER_ACTION,	/* the resident picked action on id's notification */
	DELIVER_END,	/* no answer is owed any more: the batch is over */
};

struct deliver_event {
	enum deliver_kind  kind;
	const char	  *id;		/* SHOWN, ACTION; FAILED when known */
	const char	  *reason;	/* FAILED; SHOWN: why it was only spoken */
	enum notify_action action;	/* ACTION */
};

typedef void (*deliver_fn)(void *ctx, const struct deliver_event *ev);

struct deliver *deliver_new(void);
/* Ends every helper (SIGKILL: they hold nothing to lose) and frees dv;
 * NULL is a no-op. */
void deliver_free(struct deliver *dv);

/* The helper to start: newly allocated. */
char *deliver_helper_path(void);

/* Starts a helper for the batch rq.  Returns 0, or -1 with a newly
 * allocated *cause when it could not be started (nothing was delivered).
 * Answers come through deliver_step or deliver_wait. */
int deliver_start(struct deliver *dv, const struct deliver_request *rq, char **cause);
/* 1 while a batch waits for answers. */
int deliver_busy(const struct deliver *dv);
/* The number of helpers running. */
size_t deliver_running(const struct deliver *dv);

/* Writes the descriptors to poll into fds (at most max; DELIVER_FDS is
 * enough) and lowers *timeout_ms (-1: none) to the next bound of a helper.
 * Returns the number written. */
size_t deliver_fds(struct deliver *dv, struct pollfd *fds, size_t max, int *timeout_ms);
/* Reads what poll() found on fds (as written by deliver_fds) and stops
 * the helpers past their bound; each answer goes to fn. */
void deliver_step(struct deliver *dv, const struct pollfd *fds, size_t n, deliver_fn fn,
		  void *ctx);
/* Reaps the helpers that have exited (call it on SIGCHLD, which the caller
 * must block and read through a signalfd), handing their last answers to
 * fn; the answers owed by one that ended without them fail. */
void deliver_reap(struct deliver *dv, deliver_fn fn, void *ctx);
/* Waits (in poll) until every helper has ended, handing the answers to fn
 * (mynad --once). */
void deliver_wait(struct deliver *dv, deliver_fn fn, void *ctx);

#endif
