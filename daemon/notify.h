/*
 * notify: what a reminder says, in the language in use: the summary, body
 * and urgency of its desktop notification, the labels of its actions and
 * the sentence said aloud.  mynad composes all of it; the notification
 * helper (myna-notify, see deliver.h) only shows and says what it is given,
 * so that the desktop and speech libraries never load into the daemon.
 */
#ifndef MYNA_NOTIFY_H
#define MYNA_NOTIFY_H

#include <time.h>

#include "store.h"

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

/* What is said aloud: "Reminder: TITLE, due DATE".  Newly allocated. */
char *notify_speech(const struct store_deadline *d, time_t now);

/*
 * Actions.  A notification offers Open, Done and Snooze 1 day when the
 * notification server supports actions; the helper reports the one the
 * resident picks, and mynad carries it out.
 */
enum notify_action { NOTIFY_ACTION_OPEN, NOTIFY_ACTION_DONE, NOTIFY_ACTION_SNOOZE };

#define NOTIFY_ACTIONS 3

/* The name of an action in the helper's protocol and in the log ("open",
 * "done", "snooze"). */
const char *notify_action_name(enum notify_action action);
/* The action named name; returns 0, or -1 when there is none of that name. */
int notify_action_parse(const char *name, enum notify_action *action);
/* The label of an action's button, in the language in use. */
const char *notify_action_label(enum notify_action action);

#endif
