/*
 * notify: desktop notifications of deadlines (see notify.h).
 */
#include <stdlib.h>
#include <string.h>

#include <libnotify/notify.h>

#include "date.h"
#include "i18n.h"
#include "mem.h"
#include "notify.h"
#include "wire.h"

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
	int rv = -1;

	(void)ctx;
	/* notify_init only records the application name; the session bus is
	 * first contacted by notify_notification_show. */
	if (!notify_is_initted() && !notify_init(NOTIFY_APP_NAME)) {
		*cause = xstrdup(_("the notification library could not start"));
		goto out;
	}
	body = notify_body(d, now);
	n = notify_notification_new(notify_summary(d), body, NULL);
	notify_notification_set_urgency(n, urgencies[notify_urgency(d->due, now)]);
	notify_notification_set_category(n, "x-myna.deadline");
	if (!notify_notification_show(n, &err)) {
		*cause = xstrdup(err != NULL && err->message != NULL
				 ? err->message : _("no notification server answered"));
		goto out;
	}
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
	if (notify_is_initted())
		notify_uninit();
}
