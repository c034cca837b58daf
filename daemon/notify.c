/*
 * notify: desktop notifications of deadlines (see notify.h).
 */
#include <stdlib.h>
#include <string.h>

#include <libnotify/notify.h>

#include "date.h"
#include "i18n.h"
#include "log.h"
#include "mem.h"
#include "notify.h"
#include "wire.h"

/* The action table: the key sent over D-Bus, its label, what it does.
 * "default" is what clicking the notification itself does. */
static const struct notify_action_entry {
	const char	  *key;
	const char	  *label;	/* N_ */
	enum notify_action action;
} notify_actions[] = {
	{ "default", N_("Open"), NOTIFY_ACTION_OPEN },
	{ "open", N_("Open"), NOTIFY_ACTION_OPEN },
	{ "done", N_("Done"), NOTIFY_ACTION_DONE },
	{ "snooze", N_("Snooze 1 day"), NOTIFY_ACTION_SNOOZE },
};

/* The one context of this module: libnotify itself is process-wide. */
static struct {
	notify_action_fn    fn;
	void		   *ctx;
	int		    has_actions;	/* -1: not asked yet */
	NotifyNotification *kept[NOTIFY_KEPT_MAX];
	size_t		    nkept;
} notify_state = { .has_actions = -1 };

void
notify_set_actions(notify_action_fn fn, void *ctx)
{
	notify_state.fn = fn;
	notify_state.ctx = ctx;
}

int
notify_server_has_actions(void)
{
	return notify_state.has_actions;
}

const char *
notify_action_name(enum notify_action action)
{
	static const char *const names[] = {
		[NOTIFY_ACTION_OPEN] = "open",
		[NOTIFY_ACTION_DONE] = "done",
		[NOTIFY_ACTION_SNOOZE] = "snooze",
	};

	return names[action];
}

/* Asks the server whether it shows actions; the answer is kept until a
 * notification fails (the server may have been replaced then). */
static int
notify_ask_actions(void)
{
	GList *caps, *c;

	if (notify_state.has_actions >= 0)
		return notify_state.has_actions;
	caps = notify_get_server_caps();
	if (caps == NULL)
		return 0;
	notify_state.has_actions = 0;
	for (c = caps; c != NULL; c = c->next) {
		if (c->data != NULL && strcmp(c->data, "actions") == 0)
			notify_state.has_actions = 1;
	}
	g_list_free_full(caps, g_free);
	return notify_state.has_actions;
}

/* Stops keeping n (it was closed, or is pushed out by a newer one). */
static void
notify_forget(NotifyNotification *n)
{
	size_t i;

	for (i = 0; i < notify_state.nkept; i++) {
		if (notify_state.kept[i] != n)
			continue;
		memmove(&notify_state.kept[i], &notify_state.kept[i + 1],
			(notify_state.nkept - i - 1) * sizeof notify_state.kept[0]);
		notify_state.nkept--;
		g_object_unref(n);
		return;
	}
}

static void
notify_closed(NotifyNotification *n, gpointer data)
{
	(void)data;
	notify_forget(n);
}

/* libnotify calls this when the resident picks an action; data is the
 * deadline id. */
static void
notify_invoked(NotifyNotification *n, char *key, gpointer data)
{
	size_t i;

	(void)n;
	for (i = 0; i < sizeof notify_actions / sizeof notify_actions[0]; i++) {
		if (strcmp(notify_actions[i].key, key) == 0 && notify_state.fn != NULL) {
			notify_state.fn(notify_state.ctx, data, notify_actions[i].action);
			return;
		}
	}
}

/* Adds the actions to n and keeps it until it is closed. */
static void
notify_offer_actions(NotifyNotification *n, const char *id)
{
	size_t i;

	for (i = 0; i < sizeof notify_actions / sizeof notify_actions[0]; i++)
		notify_notification_add_action(n, notify_actions[i].key,
					       _(notify_actions[i].label), notify_invoked,
					       g_strdup(id), g_free);
}

/* Keeps n for its actions; the oldest one goes when there are too many
 * (its actions then do nothing). */
static void
notify_keep(NotifyNotification *n)
{
	if (notify_state.nkept == NOTIFY_KEPT_MAX)
		notify_forget(notify_state.kept[0]);
	g_signal_connect(n, "closed", G_CALLBACK(notify_closed), NULL);
	notify_state.kept[notify_state.nkept++] = g_object_ref(n);
}

enum notify_urgency
notify_urgency(time_t due, time_t now)
{
	int days = date_days_until(due, now);

	if (days <= 0)
		return NOTIFY_CRITICAL;
	if (days <= NOTIFY_NORMAL_DAYS)
		return NOTIFY_NORMAL;
	return NOTIFY_LOW;
}

const char *
notify_summary(const struct store_deadline *d)
{
	return i18n_pick(d->d.title.ja, d->d.title.en);
}

char *
notify_body(const struct store_deadline *d, time_t now)
{
	char *when = date_human(d->due, now), *todo, *body;

	/* Ids are checked here again because servers may show the body as
	 * markup: an id of WIRE_ID_CHARS cannot carry any. */
	if (d->d.procedure != NULL && wire_id_valid(d->d.procedure))
		todo = xasprintf(_("Apply with: myna apply %s"), d->d.procedure);
	else if (wire_id_valid(d->d.id))
		todo = xasprintf(_("See what to do: myna show deadline %s"), d->d.id);
	else
		todo = xstrdup(_("See what to do in myna."));
	body = xasprintf("%s\n%s", when, todo);
	free(when);
	free(todo);
	return body;
}

/* libnotify's own warnings ("Failed to connect to proxy") would add
 * lines of their own to every failed try; the caller logs one line with
 * the reason instead, so they go to the debug level. */
static void
notify_glib_log(const gchar *domain, GLogLevelFlags level, const gchar *message, gpointer data)
{
	(void)data;
	(void)level;
	log_debug("%s: %s", domain != NULL ? domain : "glib", message);
}

int
notify_deadline(void *ctx, const struct store_deadline *d, time_t now, char **cause)
{
	static const NotifyUrgency urgencies[] = {
		[NOTIFY_LOW] = NOTIFY_URGENCY_LOW,
		[NOTIFY_NORMAL] = NOTIFY_URGENCY_NORMAL,
		[NOTIFY_CRITICAL] = NOTIFY_URGENCY_CRITICAL,
	};
	NotifyNotification *n = NULL;
	GError *err = NULL;
	char *body = NULL;
	int rv = -1, actions;

	(void)ctx;
	/* notify_init only records the application name; the session bus is
	 * first contacted by notify_notification_show. */
	if (!notify_is_initted())
		g_log_set_handler("libnotify", G_LOG_LEVEL_MASK, notify_glib_log, NULL);
	if (!notify_is_initted() && !notify_init(NOTIFY_APP_NAME)) {
		*cause = xstrdup(_("the notification library could not start"));
		goto out;
	}
	body = notify_body(d, now);
	n = notify_notification_new(notify_summary(d), body, NULL);
	notify_notification_set_urgency(n, urgencies[notify_urgency(d->due, now)]);
	notify_notification_set_category(n, "x-myna.deadline");
	actions = notify_state.fn != NULL && wire_id_valid(d->d.id) && notify_ask_actions() == 1;
	if (actions)
		notify_offer_actions(n, d->d.id);
	if (!notify_notification_show(n, &err)) {
		*cause = xstrdup(err != NULL && err->message != NULL
				 ? err->message : _("no notification server answered"));
		notify_state.has_actions = -1;
		goto out;
	}
	if (actions)
		notify_keep(n);
	rv = 0;
out:
	if (err != NULL)
		g_error_free(err);
	if (n != NULL)
		g_object_unref(n);
	free(body);
	return rv;
}

void
notify_close(void)
{
	while (notify_state.nkept > 0)
		notify_forget(notify_state.kept[0]);
	if (notify_is_initted())
		notify_uninit();
}
