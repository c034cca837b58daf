/*
 * notify: desktop notifications of deadlines through libnotify (the
 * freedesktop.org notification service on the session bus).  No session
 * bus or no notification server is an ordinary failure with a reason,
 * never a crash; the caller decides what to log and what to retry.
 */
#ifndef MYNA_NOTIFY_H
#define MYNA_NOTIFY_H

#include <time.h>

#include "store.h"

#define NOTIFY_APP_NAME	   "myna"
#define NOTIFY_NORMAL_DAYS 7	/* due within this many days: normal urgency */

/* The freedesktop urgency levels (the values of the "urgency" hint). */
enum notify_urgency { NOTIFY_LOW = 0, NOTIFY_NORMAL = 1, NOTIFY_CRITICAL = 2 };

/* Critical when due today or overdue, normal within NOTIFY_NORMAL_DAYS
 * days, low otherwise. */
enum notify_urgency notify_urgency(time_t due, time_t now);

/* The summary line: the deadline's title in the language in use.  Owned by
 * d. */
const char *notify_summary(const struct store_deadline *d);

/* The body: the date in words with its distance from now, then one line
 * saying what to do.  Returns a newly allocated string. */
char *notify_body(const struct store_deadline *d, time_t now);

/* Shows the notification of d at now (notify_init on first use).  Returns
 * 0 once the notification server accepted it, or -1 with a newly allocated
 * reason in *cause.  Has the reminder_deliver_fn shape; ctx is unused. */
int notify_deadline(void *ctx, const struct store_deadline *d, time_t now, char **cause);

/*
 * Actions.  With a handler set, a notification offers Open, Done and
 * Snooze 1 day when the notification server supports actions
 * (GetCapabilities lists "actions"), and is kept until the server closes
 * it, so that an action the resident picks comes back as a D-Bus signal.
 * Signals are dispatched by GLib's default main context: the caller must
 * iterate it (mynad folds it into its one poll()).
 */
enum notify_action { NOTIFY_ACTION_OPEN, NOTIFY_ACTION_DONE, NOTIFY_ACTION_SNOOZE };

#define NOTIFY_KEPT_MAX 32	/* notifications kept for their actions */

typedef void (*notify_action_fn)(void *ctx, const char *deadline_id, enum notify_action action);

/* Sets the handler of actions (NULL: offer none). */
void notify_set_actions(notify_action_fn fn, void *ctx);
/* 1 when the notification server last asked supports actions, 0 when it
 * does not, -1 when it was not asked yet. */
int notify_server_has_actions(void);
/* The name of an action as written in the log ("open", "done", "snooze"). */
const char *notify_action_name(enum notify_action action);

/* Lets go of libnotify (at exit); safe when it was never used. */
void notify_close(void);

#endif
