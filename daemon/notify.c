/*
 * notify: what a reminder says (see notify.h).
 */
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "i18n.h"
#include "mem.h"
#include "notify.h"
#include "wire.h"

static const struct {
	const char *name;
	const char *label;	/* N_ */
} notify_actions[NOTIFY_ACTIONS] = {
	[NOTIFY_ACTION_OPEN] = { "open", N_("Open") },
	[NOTIFY_ACTION_DONE] = { "done", N_("Done") },
	[NOTIFY_ACTION_SNOOZE] = { "snooze", N_("Snooze 1 day") },
};

const char *
notify_action_name(enum notify_action action)
{
	return notify_actions[action].name;
}

int
notify_action_parse(const char *name, enum notify_action *action)
{
	int i;

	for (i = 0; i < NOTIFY_ACTIONS; i++) {
		if (strcmp(notify_actions[i].name, name) == 0) {
			*action = (enum notify_action)i;
			return 0;
		}
	}
	return -1;
}

const char *
notify_action_label(enum notify_action action)
{
	return _(notify_actions[action].label);
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

char *
notify_speech(const struct store_deadline *d, time_t now)
{
	char *when = date_human(d->due, now), *text;

	text = xasprintf(_("Reminder: %s, due %s"), notify_summary(d), when);
	free(when);
	return text;
}
