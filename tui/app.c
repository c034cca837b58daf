/*
 * app: the TUI's state and actions (see app.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "control.h"
#include "date.h"
#include "fault.h"
#include "i18n.h"
#include "mem.h"
#include "session.h"
#include "settings.h"
#include "sync.h"
#include "voice.h"
#include "wizard.h"

static void app_build(struct app *a);

static struct app_place *
app_top(struct app *a)
{
	return &a->nav[a->depth - 1];
}

static void
app_place_release(struct app_place *p)
{
	free(p->subject);
	free(p->focus_id);
	memset(p, 0, sizeof *p);
}

static void
app_say(struct app *a, const char *text, int error)
{
	free(a->status);
	a->status = xstrdup(text);
	a->status_error = text != NULL && error;
	a->serial++;
}

void
app_announce(struct app *a, const char *text)
{
	app_say(a, text, 0);
}

void
app_error(struct app *a, const char *text)
{
	app_say(a, text, 1);
}

/* Announces a formatted message that the caller allocated (and frees). */
static void
app_announce_take(struct app *a, char *text)
{
	app_announce(a, text);
	free(text);
}

static void
app_error_take(struct app *a, char *text)
{
	app_error(a, text);
	free(text);
}

/* Lets the presenter show the announcement before something blocks. */
static void
app_busy(struct app *a, const char *text)
{
	app_announce(a, text);
	if (a->busy != NULL)
		a->busy(a);
}

size_t
app_focus(const struct app *a)
{
	return a->nav[a->depth - 1].focus;
}

const struct view_item *
app_item(const struct app *a)
{
	return a->view.nitems > 0 ? &a->view.items[app_focus(a)] : NULL;
}

void
app_set_focus(struct app *a, size_t i)
{
	struct app_place *p = app_top(a);

	if (a->view.nitems == 0)
		i = 0;
	else if (i >= a->view.nitems)
		i = a->view.nitems - 1;
	p->focus = i;
	free(p->focus_id);
	p->focus_id = a->view.nitems > 0 ? xstrdup(a->view.items[i].id) : NULL;
	a->serial++;
}

/* Stops typing into a field without taking the text. */
static void
app_stop_editing(struct app *a)
{
	if (a->editing)
		a->serial++;
	a->editing = 0;
}

/* Starts typing into the focused item with text. */
static void
app_start_editing(struct app *a, const char *text)
{
	edit_set(&a->edit, text);
	a->editing = 1;
	a->serial++;
}

/* Closes the form (its draft stays in the store) and says so. */
static void
app_close_wizard(struct app *a, int say)
{
	if (a->wizard == NULL)
		return;
	if (say && a->wizard->draft != 0)
		app_announce(a, _("Your draft is saved. Continue it from To do or Applications."));
	wizard_release(a->wizard);
	free(a->wizard);
	a->wizard = NULL;
}

/* Leaves the screen on top; the root screen is never popped. */
static void
app_pop(struct app *a)
{
	app_stop_editing(a);
	if (a->depth > 1) {
		if (app_top(a)->screen == VIEW_FORM)
			app_close_wizard(a, 1);
		app_place_release(app_top(a));
		a->depth--;
	}
	app_build(a);
}

/* Builds the form's view; a new question puts the focus on its field or
 * its current answer, and its text in the edit buffer. */
static void
app_build_form(struct app *a, struct app_place *p)
{
	const struct view_item *it;

	wizard_view(a->wizard, &a->view, a->width);
	if (!p->fresh && a->form_step == a->wizard->step)
		return;
	p->fresh = 1;
	a->form_step = a->wizard->step;
	free(p->focus_id);
	p->focus_id = NULL;
	a->editing = 0;
	if (a->view.initial < a->view.nitems) {
		it = &a->view.items[a->view.initial];
		if (it->kind == VIEW_ITEM_EDIT)
			app_start_editing(a, it->status);
	}
}

/* Builds the view of the screen on top of nav, keeping the focus on the
 * same item when it is still there, else at the same position (a screen
 * shown for the first time: at its initial item). */
static void
app_build(struct app *a)
{
	struct app_place *p = app_top(a);
	char *cause = NULL;
	time_t now = time(NULL);
	int found = 1, rc = 0;
	long i;

	switch (p->screen) {
	case VIEW_TODO:
		rc = view_todo(&a->view, a->store, now, &cause);
		break;
	case VIEW_NOTICES:
		rc = view_notices(&a->view, a->store, now, &cause);
		break;
	case VIEW_DEADLINE:
		rc = view_deadline(&a->view, a->store, p->subject, now, a->width, &found, &cause);
		break;
	case VIEW_NOTICE:
		rc = view_notice(&a->view, a->store, p->subject, now, a->width, &found, &cause);
		break;
	case VIEW_PROCEDURES:
		rc = view_procedures(&a->view, a->store, p->subject, &cause);
		break;
	case VIEW_PROCEDURE:
		rc = view_procedure(&a->view, a->store, p->subject, a->width, &found, &cause);
		break;
	case VIEW_APPLICATIONS:
		rc = view_applications(&a->view, a->store, now, &cause);
		break;
	case VIEW_APPLICATION:
		rc = view_application(&a->view, a->store, p->subject, now, a->width, &found,
				      &cause);
		break;
	case VIEW_RECORDS:
		rc = view_records(&a->view, a->store, &cause);
		break;
	case VIEW_RECORD:
		rc = view_record(&a->view, a->store, p->subject, a->width, &found, &cause);
		break;
	case VIEW_ACCESS:
		rc = view_access(&a->view, a->store, p->subject, &cause);
		break;
	case VIEW_ACCESS_ITEM:
		rc = view_access_item(&a->view, a->store, p->subject, a->width, &found, &cause);
		break;
	case VIEW_AGENCIES:
		rc = view_agencies(&a->view, a->store, &cause);
		break;
	case VIEW_SETTINGS:
		settings_view(&a->view, a->config, a->width);
		break;
	case VIEW_SNOOZE:
		rc = view_snooze(&a->view, a->store, p->subject, now, &found, &cause);
		break;
	case VIEW_FORM:
	case VIEW_REVIEW:
		app_build_form(a, p);
		break;
	case VIEW_HELP:
	case VIEW_SCREENS:
		view_help(&a->view,
			  p->subject != NULL && strcmp(p->subject, "all") == 0 ? VIEW_SCREENS :
										  p->help_of,
			  a->plain, a->width);
		break;
	}
	if (rc < 0) {
		app_error(a, cause);
		free(cause);
	} else if (!found) {
		/* Deleted by a sync while it was open. */
		app_announce(a, _("That item is no longer there; it was removed by the sender."));
		app_pop(a);
		return;
	}
	if (p->fresh) {
		p->fresh = 0;
		app_set_focus(a, a->view.initial);
		return;
	}
	i = view_find(&a->view, p->focus_id);
	app_set_focus(a, i >= 0 ? (size_t)i : p->focus);
}

/* Replaces the whole stack with one root screen. */
static void
app_go_root(struct app *a, enum view_screen screen, const char *subject)
{
	app_stop_editing(a);
	if (a->depth == 1 && a->nav[0].screen == screen &&
	    (subject == NULL) == (a->nav[0].subject == NULL)) {
		app_build(a);
		return;
	}
	app_close_wizard(a, 1);
	while (a->depth > 0)
		app_place_release(&a->nav[--a->depth]);
	a->nav[0].screen = screen;
	a->nav[0].subject = xstrdup(subject);
	a->nav[0].fresh = 1;
	a->depth = 1;
	app_build(a);
}

static void
app_push(struct app *a, enum view_screen screen, const char *subject)
{
	struct app_place *p;

	if (a->depth == APP_NAV_MAX) {
		app_error(a, _("Too many screens are open; press q to go back first."));
		return;
	}
	app_stop_editing(a);
	p = &a->nav[a->depth++];
	memset(p, 0, sizeof *p);
	p->screen = screen;
	p->subject = xstrdup(subject);
	p->help_of = a->view.screen;
	p->fresh = 1;
	app_build(a);
}

static int
app_strcmp(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* Counts the strings in fresh (sorted) that are not in *known, then makes
 * fresh the known set.  The first time (known NULL) nothing is new. */
static size_t
app_learn_ids(char ***known, size_t *nknown, char **fresh, size_t nfresh, int first)
{
	size_t i, added = 0;

	/* qsort and bsearch take no NULL array, even an empty one. */
	if (nfresh > 0)
		qsort(fresh, nfresh, sizeof *fresh, app_strcmp);
	for (i = 0; !first && i < nfresh; i++) {
		if (*nknown == 0 ||
		    bsearch(&fresh[i], *known, *nknown, sizeof **known, app_strcmp) == NULL)
			added++;
	}
	for (i = 0; i < *nknown; i++)
		free((*known)[i]);
	free(*known);
	*known = fresh;
	*nknown = nfresh;
	return added;
}

/* Reads every notice and deadline id, and every application's status,
 * and reports how many are new since the last call; *app names the
 * application that changed when one did (newly allocated). */
static int
app_learn(struct app *a, int first, size_t *new_notices, size_t *new_deadlines,
	  size_t *new_apps, char **app)
{
	struct wire_application ap;
	char **ids = NULL, *space, *id;
	size_t n = 0, i;
	int found = 0;

	*new_notices = *new_deadlines = *new_apps = 0;
	*app = NULL;
	if (store_ids(a->store, "notice", &ids, &n) < 0)
		return -1;
	*new_notices = app_learn_ids(&a->known_notices, &a->nknown_notices, ids, n, first);
	if (store_ids(a->store, "deadline", &ids, &n) < 0)
		return -1;
	*new_deadlines = app_learn_ids(&a->known_deadlines, &a->nknown_deadlines, ids, n, first);
	if (store_ids(a->store, "application", &ids, &n) < 0)
		return -1;
	/* Which one changed: the first whose "id status" is new. */
	if (n > 0)
		qsort(ids, n, sizeof *ids, app_strcmp);
	for (i = 0; !first && i < n; i++) {
		if (a->nknown_apps > 0 &&
		    bsearch(&ids[i], a->known_apps, a->nknown_apps, sizeof *ids, app_strcmp) != NULL)
			continue;
		space = strchr(ids[i], ' ');
		id = space != NULL ? xstrndup(ids[i], (size_t)(space - ids[i])) : xstrdup(ids[i]);
		if (store_application_get(a->store, id, &ap, &found) == 0 && found) {
			*app = xasprintf(_("%s: %s"),
					 i18n_pick(ap.procedure_name.ja, ap.procedure_name.en),
					 view_status_words(ap.status));
			wire_application_release(&ap);
		}
		free(id);
		break;
	}
	*new_apps = app_learn_ids(&a->known_apps, &a->nknown_apps, ids, n, first);
	return 0;
}

/* Announces what a sync brought: notices and deadlines counted, and an
 * application whose status moved named. */
static int
app_tell_news(struct app *a, size_t nn, size_t nd, size_t napps, char *app)
{
	char *news = view_news(nn, nd), *both;
	int said = 0;

	if (napps == 1 && app != NULL) {
		if (news != NULL) {
			both = xasprintf(_("%s, %s"), news, app);
			app_announce_take(a, both);
		} else {
			app_announce(a, app);
		}
		said = 1;
	} else if (napps > 1) {
		both = xasprintf(ngettext("%zu application changed", "%zu applications changed",
					  napps),
				 napps);
		if (news != NULL) {
			app_announce_take(a, xasprintf(_("%s, %s"), news, both));
			free(both);
		} else {
			app_announce_take(a, both);
		}
		said = 1;
	} else if (news != NULL) {
		app_announce(a, news);
		said = 1;
	}
	free(news);
	free(app);
	return said;
}

int
app_init(struct app *a, struct store *st, int width, int plain, char **cause)
{
	size_t nn, nd, na;
	char *app = NULL;

	memset(a, 0, sizeof *a);
	view_init(&a->view);
	a->store = st;
	a->width = width;
	a->plain = plain;
	a->depth = 1;
	a->nav[0].screen = VIEW_TODO;
	a->nav[0].fresh = 1;
	a->send_wait = APP_SEND_WAIT;
	edit_set(&a->edit, NULL);
	if (store_data_version(st, &a->data_version) < 0 ||
	    app_learn(a, 1, &nn, &nd, &na, &app) < 0) {
		*cause = xasprintf(_("Could not read the local store: %s"), store_error(st));
		free(app);
		return -1;
	}
	free(app);
	app_build(a);
	return 0;
}

void
app_set_config(struct app *a, struct config *c, const char *path, int speech)
{
	a->config = c;
	a->config_path = path;
	if (a->voice == NULL && (speech || (c != NULL && config_get_bool(c, "speech", 0))))
		a->voice = voice_open(c);
	if (a->nav[a->depth - 1].screen == VIEW_SETTINGS)
		app_build(a);
}

static void
app_ids_free(char **ids, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
}

void
app_release(struct app *a)
{
	app_close_wizard(a, 0);
	while (a->depth > 0)
		app_place_release(&a->nav[--a->depth]);
	view_release(&a->view);
	app_ids_free(a->known_notices, a->nknown_notices);
	app_ids_free(a->known_deadlines, a->nknown_deadlines);
	app_ids_free(a->known_apps, a->nknown_apps);
	a->known_notices = a->known_deadlines = a->known_apps = NULL;
	a->nknown_notices = a->nknown_deadlines = a->nknown_apps = 0;
	free(a->status);
	a->status = NULL;
	free(a->confirm);
	a->confirm = NULL;
	xfree(&a->echo_text);
	edit_release(&a->edit);
	voice_close(a->voice);
	a->voice = NULL;
}

void
app_set_width(struct app *a, int width)
{
	if (width == a->width)
		return;
	a->width = width;
	app_build(a);
}

/* Opens the wizard and its screen.  prefill and note as wizard_open. */
static void
app_start_wizard(struct app *a, const char *procedure, long long draft, json_object *prefill,
		 const char *note)
{
	struct wizard *w = xcalloc(1, sizeof *w);
	char *cause = NULL;

	if (a->wizard != NULL) {
		/* One form at a time: the open one is left first (its draft
		 * stays). */
		while (a->depth > 1 && app_top(a)->screen != VIEW_FORM)
			app_pop(a);
		if (app_top(a)->screen == VIEW_FORM)
			app_pop(a);
	}
	if (wizard_open(w, a->store, procedure, draft, prefill, note, &cause) < 0) {
		app_error_take(a, cause);
		free(w);
		return;
	}
	a->wizard = w;
	a->form_step = (size_t)-1;
	app_push(a, VIEW_FORM, procedure);
	if (a->depth == 0 || app_top(a)->screen != VIEW_FORM)
		app_close_wizard(a, 0);
}

/* Continues the newest draft of procedure being edited, or starts one. */
static void
app_apply(struct app *a, const char *procedure)
{
	struct store_draft *ds = NULL;
	size_t nd = 0, i;
	long long draft = 0;

	if (store_drafts_list(a->store, &ds, &nd) == 0) {
		for (i = 0; i < nd && draft == 0; i++) {
			if (strcmp(ds[i].procedure, procedure) == 0 &&
			    (ds[i].state == STORE_DRAFT_EDITING ||
			     ds[i].state == STORE_DRAFT_NEEDS_FIXING))
				draft = ds[i].id;
		}
	}
	store_drafts_free(ds, nd);
	app_start_wizard(a, procedure, draft, NULL, NULL);
	if (draft != 0 && a->wizard != NULL)
		app_announce(a, _("Continuing your draft where you left it."));
}

/* Reopens draft id (its number as text). */
static void
app_resume(struct app *a, const char *id)
{
	struct store_draft d;
	long long n = strtoll(id, NULL, 10);
	int found = 0;

	if (store_draft_get(a->store, n, &d, &found) < 0 || !found) {
		app_error(a, _("That draft is no longer there."));
		return;
	}
	app_start_wizard(a, d.procedure, n, NULL, NULL);
	store_draft_release(&d);
}

/* Opens the form again with the answers of application id, to change
 * what the operator asked for and send it again. */
static void
app_fix(struct app *a, const char *id)
{
	struct wire_application ap;
	json_object *prefill;
	const char *note = NULL;
	size_t i;
	int found = 0;

	if (store_application_get(a->store, id, &ap, &found) < 0 || !found) {
		app_error(a, _("That application is no longer there."));
		return;
	}
	if (ap.status == NULL || strcmp(ap.status, "needs_changes") != 0) {
		app_announce_take(a, xasprintf(_("This application is %s; only one that needs "
						 "changes is sent again."),
					       view_status_words(ap.status)));
		wire_application_release(&ap);
		return;
	}
	prefill = json_object_new_object();
	for (i = 0; i < ap.nanswers; i++) {
		const struct wire_answer *w = &ap.answers[i];

		json_object_object_add(prefill, w->name,
				       w->kind == WIRE_ANSWER_NUMBER ? json_object_new_int64(w->number) :
				       w->kind == WIRE_ANSWER_BOOL ? json_object_new_boolean(w->boolean) :
								     json_object_new_string(w->string));
	}
	if (ap.nhistory > 0)
		note = i18n_pick(ap.history[ap.nhistory - 1].message.ja,
				 ap.history[ap.nhistory - 1].message.en);
	app_start_wizard(a, ap.procedure, 0, prefill, note != NULL && note[0] ? note : NULL);
	json_object_put(prefill);
	wire_application_release(&ap);
}

/* Asks a running mynad to send what is queued now and says what became of
 * outbox item seq. */
static void
app_send(struct app *a, long long seq, const char *name)
{
	struct store_outbox *v = NULL;
	json_object *answer = NULL;
	char *cause = NULL;
	size_t n = 0, i;

	app_busy(a, _("Sending your application..."));
	switch (control_call("sync", a->send_wait, &answer, &cause)) {
	case CONTROL_NO_DAEMON:
		app_announce_take(a, xasprintf(_("Queued: %s. mynad sends it when it runs "
						 "(or run: mynad --once)."),
					       name));
		goto out;
	case CONTROL_FAILED:
		app_announce_take(a, xasprintf(_("Queued: %s. mynad sends it as soon as it can."),
					       name));
		goto out;
	case CONTROL_ANSWERED:
		break;
	}
	if (store_outbox_list(a->store, 0, &v, &n) < 0) {
		app_announce_take(a, xasprintf(_("Queued: %s."), name));
		goto out;
	}
	for (i = 0; i < n && v[i].seq != seq; i++)
		;
	if (i < n && v[i].state == STORE_OUTBOX_SENT)
		app_announce_take(a, xasprintf(_("Sent: %s, application %s."), name,
					       v[i].application_id ? v[i].application_id : "?"));
	else if (i < n && v[i].state == STORE_OUTBOX_NEEDS_FIXING)
		app_error_take(a, xasprintf(_("The server did not accept %s: %s. Press a on its "
					      "draft to fix it."),
					    name, v[i].last_error ? v[i].last_error : "?"));
	else
		app_announce_take(a, xasprintf(_("Queued: %s. mynad sends it as soon as it can."),
					       name));
out:
	store_outbox_free(v, n);
	json_object_put(answer);
	free(cause);
}

/* The review's Send: queues the answers, closes the form, shows
 * Applications. */
static void
app_submit(struct app *a)
{
	char key[STORE_KEY_SIZE], *cause = NULL, *name, *app = NULL;
	size_t nn, nd, na;
	long long seq = 0;
	int rc;

	rc = wizard_submit(a->wizard, a->store, key, &seq, &cause);
	if (rc < 0) {
		app_error_take(a, cause);
		return;
	}
	if (rc > 0) {
		app_build(a);
		app_error(a, a->wizard->error);
		return;
	}
	name = xstrdup(i18n_pick(a->wizard->proc.name.ja, a->wizard->proc.name.en));
	app_close_wizard(a, 0);
	app_go_root(a, VIEW_APPLICATIONS, NULL);
	app_send(a, seq, name);
	free(name);
	/* What mynad did meanwhile is shown now, under the announcement of
	 * it, rather than announced again by the next poll. */
	store_data_version(a->store, &a->data_version);
	if (app_learn(a, 0, &nn, &nd, &na, &app) == 0)
		free(app);
	app_build(a);
}

/* Takes answer text (a typed answer, or a choice's value) for the form's
 * question. */
static void
app_answer(struct app *a, const char *text)
{
	char *cause = NULL;
	int rc = wizard_answer(a->wizard, a->store, text, &cause);

	if (rc < 0) {
		app_error_take(a, cause);
		return;
	}
	app_build(a);
	if (rc > 0)
		app_error(a, a->wizard->error);
}

/* Leaves the form's question for the one before, or the form. */
static void
app_form_back(struct app *a)
{
	if (wizard_back(a->wizard, a->store) == 0)
		app_build(a);
	else
		app_pop(a);
}

/* A change of setting key took effect: the language (every screen is
 * built again in it, and the voice speaks it), speech. */
static void
app_setting_changed(struct app *a, const char *key)
{
	if (strcmp(key, "language") == 0) {
		/* Unset is "as the system is set": back to the locale's. */
		i18n_init(config_get(a->config, "language"));
		if (a->voice != NULL) {
			voice_close(a->voice);
			a->voice = voice_open(a->config);
		}
	} else if (strcmp(key, "era") == 0) {
		date_set_era(config_get_bool(a->config, "era", 0));
	} else if (strcmp(key, "speech") == 0) {
		if (config_get_bool(a->config, "speech", 0) && a->voice == NULL) {
			a->voice = voice_open(a->config);
		} else if (!config_get_bool(a->config, "speech", 0)) {
			voice_close(a->voice);
			a->voice = NULL;
		}
	} else if (strncmp(key, "speech.", 7) == 0) {
		voice_settings(a->voice, a->config);
	} else if (strcmp(key, "error_reports") == 0) {
		/* Off drops the reports that wait, at once. */
		fault_set_enabled(config_get_bool(a->config, "error_reports", 0));
	}
}

/* Changes a setting (value NULL: to its next value) and says so. */
static void
app_change_setting(struct app *a, const char *key, const char *value)
{
	char *said = NULL, *k = xstrdup(key);
	int rc;

	if (a->config == NULL) {
		app_error(a, _("Settings cannot be changed here."));
		free(k);
		return;
	}
	rc = settings_change(a->config, a->config_path, k, value, &said);
	if (rc == 0) {
		app_stop_editing(a);
		app_setting_changed(a, k);
		app_build(a);
		/* Said again in the language now in use. */
		free(said);
		said = settings_said(a->config, k);
		app_announce(a, said);
	} else {
		if (rc < 0)
			app_stop_editing(a);
		app_error(a, said);
	}
	free(said);
	free(k);
}

/* Snoozes the deadline of the snooze screen for the seconds of choice id. */
static void
app_snooze(struct app *a, const char *id)
{
	char *deadline = xstrdup(a->view.subject), *day, *cause = NULL;
	long secs = strtol(id, NULL, 10);
	time_t until = secs > 0 ? time(NULL) + secs : 0;
	json_object *answer = NULL;

	if (store_snooze_set(a->store, deadline, until) < 0) {
		app_error_take(a, xasprintf(_("Could not snooze the deadline: %s"),
					    store_error(a->store)));
		free(deadline);
		return;
	}
	/* A running mynad plans its wake-ups again on any request. */
	if (control_call("status", CONTROL_STATUS_TIMEOUT, &answer, &cause) == CONTROL_FAILED)
		xfree(&cause);
	json_object_put(answer);
	app_pop(a);
	if (until == 0) {
		app_announce(a, _("Not snoozed any more."));
	} else {
		day = date_human_day(until);
		app_announce_take(a, xasprintf(_("No reminder until %s."), day));
		free(day);
	}
	free(deadline);
}

/* Filters the access records below by the agency chosen. */
static void
app_filter(struct app *a, const char *agency)
{
	struct app_place *below;

	app_pop(a);
	below = app_top(a);
	if (below->screen != VIEW_ACCESS)
		return;
	free(below->subject);
	below->subject = agency[0] != '\0' ? xstrdup(agency) : NULL;
	below->focus = 0;
	below->fresh = 1;
	app_build(a);
	if (agency[0] != '\0')
		app_announce_take(a, xasprintf(_("Showing the records of %s only."), agency));
	else
		app_announce(a, _("Showing the records of every agency."));
}

void
app_open(struct app *a, size_t i)
{
	const struct view_item *it;
	enum view_screen screen = a->view.screen;
	char *id;

	if (i >= a->view.nitems)
		return;
	app_set_focus(a, i);
	it = &a->view.items[i];
	id = xstrdup(it->id);
	switch (it->kind) {
	case VIEW_ITEM_DEADLINE:
		app_push(a, VIEW_DEADLINE, id);
		break;
	case VIEW_ITEM_NOTICE:
		/* Reading it is what marks it read, as in a mail reader. */
		if (store_notice_mark_read(a->store, id, 1) < 0)
			app_error_take(a, xasprintf(_("Could not mark the notice read: %s"),
						    store_error(a->store)));
		app_push(a, VIEW_NOTICE, id);
		break;
	case VIEW_ITEM_PROCEDURE:
		app_push(a, VIEW_PROCEDURE, id);
		break;
	case VIEW_ITEM_APPLICATION:
		app_push(a, VIEW_APPLICATION, id);
		break;
	case VIEW_ITEM_RECORD:
		app_push(a, VIEW_RECORD, id);
		break;
	case VIEW_ITEM_ACCESS:
		app_push(a, VIEW_ACCESS_ITEM, id);
		break;
	case VIEW_ITEM_DRAFT:
		app_resume(a, id);
		break;
	case VIEW_ITEM_OUTBOX:
		app_announce(a, _("This application is waiting to be sent; mynad sends it as "
				  "soon as it can reach the server."));
		break;
	case VIEW_ITEM_SETTING:
		if (settings_typed(id) == 1) {
			char *text = settings_text(a->config, id);

			app_start_editing(a, text);
			free(text);
		} else {
			app_change_setting(a, id, NULL);
		}
		break;
	case VIEW_ITEM_EDIT:
		app_start_editing(a, it->status);
		break;
	case VIEW_ITEM_CHOICE:
		if (screen == VIEW_FORM)
			app_answer(a, id);
		else if (screen == VIEW_REVIEW && a->wizard != NULL) {
			wizard_goto(a->wizard, a->store, i);
			app_build(a);
		} else if (screen == VIEW_SNOOZE)
			app_snooze(a, id);
		else if (screen == VIEW_AGENCIES)
			app_filter(a, id);
		break;
	case VIEW_ITEM_ACTION:
		if (strcmp(id, "apply") == 0 && a->view.subject != NULL)
			app_apply(a, a->view.subject);
		else if (strcmp(id, "fix") == 0 && a->view.subject != NULL)
			app_fix(a, a->view.subject);
		else if (strcmp(id, "submit") == 0 && a->wizard != NULL)
			app_submit(a);
		break;
	case VIEW_ITEM_LINE:
		app_announce(a, _("There is nothing to open here."));
		break;
	}
	free(id);
}

void
app_done(struct app *a, size_t i)
{
	const char *id = NULL;
	char *title = NULL;
	int done = 1, changed = 0;

	if (a->view.screen == VIEW_DEADLINE) {
		id = a->view.subject;
		title = xstrdup(a->view.title);
		done = !a->view.subject_done;
	} else if (i < a->view.nitems && a->view.items[i].kind == VIEW_ITEM_DEADLINE) {
		id = a->view.items[i].id;
		title = xstrdup(a->view.items[i].label);
	}
	if (id == NULL) {
		app_announce(a, _("Only a deadline can be marked done; move to one first."));
		return;
	}
	if (store_deadline_set_done(a->store, id, done, &changed) < 0) {
		app_error_take(a, xasprintf(_("Could not mark the deadline: %s"),
					    store_error(a->store)));
	} else if (!changed) {
		app_announce(a, _("That deadline is no longer there."));
	} else {
		app_announce_take(a, xasprintf(done ? _("Marked done: %s") :
						      _("Marked open again: %s"),
					       title));
	}
	free(title);
	app_build(a);
}

/* z: the snooze screen of the focused deadline, or this one. */
static void
app_snooze_screen(struct app *a)
{
	const struct view_item *it = app_item(a);
	char *id = NULL;

	if (a->view.screen == VIEW_DEADLINE)
		id = xstrdup(a->view.subject);
	else if (it != NULL && it->kind == VIEW_ITEM_DEADLINE)
		id = xstrdup(it->id);
	if (id == NULL) {
		app_announce(a, _("Only a deadline can be snoozed; move to one first."));
		return;
	}
	app_push(a, VIEW_SNOOZE, id);
	free(id);
}

/* a: apply for the procedure, continue the draft, fix the application. */
static void
app_apply_key(struct app *a)
{
	const struct view_item *it = app_item(a);
	char *id;

	if (a->view.screen == VIEW_PROCEDURE && a->view.subject != NULL) {
		id = xstrdup(a->view.subject);
		app_apply(a, id);
		free(id);
		return;
	}
	if (a->view.screen == VIEW_APPLICATION && a->view.subject != NULL) {
		id = xstrdup(a->view.subject);
		app_fix(a, id);
		free(id);
		return;
	}
	if (it == NULL) {
		app_announce(a, _("Move to a procedure, a draft or an application first."));
		return;
	}
	id = xstrdup(it->id);
	switch (it->kind) {
	case VIEW_ITEM_PROCEDURE:
		app_apply(a, id);
		break;
	case VIEW_ITEM_DRAFT:
		app_resume(a, id);
		break;
	case VIEW_ITEM_APPLICATION:
		app_fix(a, id);
		break;
	default:
		app_announce(a, _("Move to a procedure, a draft or an application first."));
		break;
	}
	free(id);
}

/* x: deletes the focused draft, once asked twice. */
static void
app_delete_key(struct app *a)
{
	const struct view_item *it = app_item(a);

	if (it == NULL || it->kind != VIEW_ITEM_DRAFT) {
		app_announce(a, _("Only a draft can be deleted; move to one first."));
		return;
	}
	if (a->confirm == NULL || strcmp(a->confirm, it->id) != 0) {
		free(a->confirm);
		a->confirm = xstrdup(it->id);
		app_announce_take(a, xasprintf(_("Press x again to delete the draft %s; any other "
						 "key keeps it."),
					       it->label));
		return;
	}
	xfree(&a->confirm);
	if (wizard_delete_draft(a->store, strtoll(it->id, NULL, 10)) < 0) {
		app_error_take(a, xasprintf(_("Could not delete the draft: %s"),
					    store_error(a->store)));
		return;
	}
	app_announce_take(a, xasprintf(_("Deleted the draft %s."), it->label));
	app_build(a);
}

/* Syncs through mynad when it runs, else in this process as `myna sync`
 * does, and announces the result. */
static void
app_sync(struct app *a)
{
	struct session se;
	struct sync_result res;
	json_object *answer = NULL, *ok = NULL;
	char *cause = NULL, *app = NULL;
	size_t nn, nd, na;
	long long v;
	int told = 0;

	memset(&se, 0, sizeof se);
	memset(&res, 0, sizeof res);
	app_busy(a, _("Syncing with the server..."));
	switch (control_call("sync", APP_SYNC_WAIT, &answer, &cause)) {
	case CONTROL_ANSWERED:
		if (!json_object_object_get_ex(answer, "ok", &ok) || !json_object_get_boolean(ok)) {
			json_object *e = NULL;

			json_object_object_get_ex(answer, "error", &e);
			app_error_take(a, xasprintf(_("Sync failed: %s"),
						    e != NULL ? json_object_get_string(e) :
								_("mynad gave no reason")));
			goto out;
		}
		/* mynad wrote it: the changes show through data_version. */
		if (store_data_version(a->store, &v) == 0 && v == a->data_version)
			app_announce(a, _("Up to date"));
		else if (!app_poll(a))
			app_announce(a, _("Up to date"));
		else if (a->status == NULL)
			app_announce(a, _("Synced"));
		goto out;
	case CONTROL_FAILED:
		xfree(&cause);
		break;
	case CONTROL_NO_DAEMON:
		break;
	}
	if (session_open(&se, &cause) < 0) {
		app_error_take(a, xasprintf(_("Could not sync: %s"), cause));
		goto out;
	}
	if (sync_run(a->store, &se, &res, &cause) < 0) {
		fault_sync(&se, -1, &res);
		app_error_take(a, xasprintf(_("Sync failed: %s"), cause));
		goto out;
	}
	fault_sync(&se, 0, &res);
	if (res.changes > 0)
		a->data_serial++;
	/* Our own writes do not move data_version, but the ids are new. */
	if (app_learn(a, 0, &nn, &nd, &na, &app) == 0)
		told = app_tell_news(a, nn, nd, na, app);
	if (!told && res.changes > 0)
		app_announce_take(a, xasprintf(ngettext("Synced: %zu update",
							"Synced: %zu updates", res.changes),
					       res.changes));
	else if (!told)
		app_announce(a, _("Up to date"));
	store_data_version(a->store, &a->data_version);
	app_build(a);
out:
	json_object_put(answer);
	free(cause);
	session_release(&se);
}

void
app_leave_form(struct app *a)
{
	while (a->wizard != NULL && a->depth > 1 && app_top(a)->screen != VIEW_FORM)
		app_pop(a);
	if (a->wizard != NULL && a->depth > 1)
		app_pop(a);
}

void
app_search(struct app *a, const char *query)
{
	struct app_place *p;
	const char *q = query;

	while (q != NULL && (*q == ' ' || *q == '\t'))
		q++;
	if (q != NULL && *q == '\0')
		q = NULL;
	if (a->depth != 1 || a->nav[0].screen != VIEW_PROCEDURES)
		app_go_root(a, VIEW_PROCEDURES, NULL);
	p = app_top(a);
	free(p->subject);
	p->subject = xstrdup(q);
	p->fresh = 0;
	p->focus = 0;
	xfree(&p->focus_id);
	app_stop_editing(a);
	app_build(a);
	/* The first result, when there is one. */
	if (q != NULL && a->view.nitems > 1)
		app_set_focus(a, 1);
}

void
app_do(struct app *a, enum keys_action action, size_t page)
{
	size_t f = app_focus(a), n = a->view.nitems;
	enum view_screen screen = a->view.screen;

	if (page == 0)
		page = 1;
	if (action != KEYS_DELETE)
		xfree(&a->confirm);
	switch (action) {
	case KEYS_NONE:
		break;
	case KEYS_DOWN:
		if (f + 1 < n)
			app_set_focus(a, f + 1);
		break;
	case KEYS_UP:
		if (f > 0)
			app_set_focus(a, f - 1);
		break;
	case KEYS_PAGE_DOWN:
		app_set_focus(a, f + page);
		break;
	case KEYS_PAGE_UP:
		app_set_focus(a, f > page ? f - page : 0);
		break;
	case KEYS_FIRST:
		app_set_focus(a, 0);
		break;
	case KEYS_LAST:
		app_set_focus(a, n > 0 ? n - 1 : 0);
		break;
	case KEYS_OPEN:
		app_open(a, f);
		break;
	case KEYS_BACK:
		if ((screen == VIEW_FORM || screen == VIEW_REVIEW) && a->wizard != NULL)
			app_form_back(a);
		else if (a->depth > 1)
			app_pop(a);
		else if (a->nav[0].screen != VIEW_TODO)
			app_go_root(a, VIEW_TODO, NULL);
		else
			a->quit = 1;
		break;
	case KEYS_TODO:
		app_go_root(a, VIEW_TODO, NULL);
		break;
	case KEYS_NOTICES:
		app_go_root(a, VIEW_NOTICES, NULL);
		break;
	case KEYS_PROCEDURES:
		app_go_root(a, VIEW_PROCEDURES, NULL);
		break;
	case KEYS_APPLICATIONS:
		app_go_root(a, VIEW_APPLICATIONS, NULL);
		break;
	case KEYS_RECORDS:
		app_go_root(a, VIEW_RECORDS, NULL);
		break;
	case KEYS_ACCESS:
		app_go_root(a, VIEW_ACCESS, NULL);
		break;
	case KEYS_SETTINGS:
		app_go_root(a, VIEW_SETTINGS, NULL);
		break;
	case KEYS_HELP_ALL:
		app_go_root(a, VIEW_HELP, "all");
		break;
	case KEYS_DONE:
		app_done(a, f);
		break;
	case KEYS_SNOOZE:
		app_snooze_screen(a);
		break;
	case KEYS_APPLY:
		app_apply_key(a);
		break;
	case KEYS_DELETE:
		app_delete_key(a);
		break;
	case KEYS_SEARCH:
		if (a->depth != 1 || a->nav[0].screen != VIEW_PROCEDURES)
			app_go_root(a, VIEW_PROCEDURES, NULL);
		app_set_focus(a, 0);
		if (app_item(a) != NULL && app_item(a)->kind == VIEW_ITEM_EDIT)
			app_start_editing(a, app_item(a)->status);
		break;
	case KEYS_FILTER:
		app_push(a, VIEW_AGENCIES, NULL);
		break;
	case KEYS_SYNC:
		app_sync(a);
		break;
	case KEYS_HELP:
		if (screen != VIEW_HELP)
			app_push(a, VIEW_HELP, NULL);
		break;
	case KEYS_REPEAT:
		if (a->voice == NULL)
			app_announce(a, _("Speech is off. To turn it on, press 7 for Settings, then "
					  "Enter on Speech."));
		else if (voice_repeat(a->voice) < 0)
			app_announce(a, _("Nothing has been said yet."));
		break;
	case KEYS_REDRAW:
		app_build(a);
		break;
	}
}

/* Notes what was typed or deleted, for the echo (taken over). */
static void
app_echo(struct app *a, char *text, int deleted)
{
	free(a->echo_text);
	a->echo_text = text;
	a->echo_deleted = deleted;
	a->echo_serial++;
}

void
app_edit_insert(struct app *a, const char *utf8)
{
	char *cause = NULL;

	if (!a->editing || !edit_insert(&a->edit, utf8))
		return;
	app_echo(a, xstrdup(utf8), 0);
	a->serial++;
	/* Every keystroke of a form's answer is in the draft at once. */
	if (a->wizard != NULL && a->view.screen == VIEW_FORM &&
	    wizard_type(a->wizard, a->store, a->edit.text, &cause) < 0)
		app_error_take(a, cause);
}

/* After a deletion in a form's field, the draft follows. */
static void
app_edit_changed(struct app *a)
{
	char *cause = NULL;

	a->serial++;
	if (a->wizard != NULL && a->view.screen == VIEW_FORM &&
	    wizard_type(a->wizard, a->store, a->edit.text, &cause) < 0)
		app_error_take(a, cause);
}

void
app_edit_backspace(struct app *a)
{
	size_t pos = a->edit.pos;
	char *before;

	if (!a->editing)
		return;
	before = xstrdup(a->edit.text);
	if (edit_backspace(&a->edit)) {
		app_echo(a, xstrndup(before + a->edit.pos, pos - a->edit.pos), 1);
		app_edit_changed(a);
	}
	free(before);
}

void
app_edit_delete(struct app *a)
{
	size_t len = a->edit.len;
	char *before;

	if (!a->editing)
		return;
	before = xstrdup(a->edit.text);
	if (edit_delete(&a->edit)) {
		app_echo(a, xstrndup(before + a->edit.pos, len - a->edit.len), 1);
		app_edit_changed(a);
	}
	free(before);
}

void
app_edit_move(struct app *a, int where)
{
	if (!a->editing)
		return;
	if (where == -1)
		edit_left(&a->edit);
	else if (where == 1)
		edit_right(&a->edit);
	else if (where == -2)
		edit_home(&a->edit);
	else
		edit_end(&a->edit);
	a->serial++;
}

void
app_edit_replace(struct app *a, const char *text)
{
	if (!a->editing)
		return;
	edit_set(&a->edit, text);
	app_edit_changed(a);
}

void
app_edit_submit(struct app *a)
{
	const struct view_item *it = app_item(a);
	char *text, *id;

	if (!a->editing || it == NULL)
		return;
	text = xstrdup(a->edit.text);
	id = xstrdup(it->id);
	if (a->view.screen == VIEW_FORM && a->wizard != NULL)
		app_answer(a, text);
	else if (it->kind == VIEW_ITEM_SETTING)
		app_change_setting(a, id, text);
	else if (strcmp(id, "search") == 0)
		app_search(a, text);
	else
		app_stop_editing(a);
	free(text);
	free(id);
}

void
app_edit_cancel(struct app *a)
{
	if (!a->editing)
		return;
	if (a->view.screen == VIEW_FORM && a->wizard != NULL) {
		/* The text is in the draft already; Esc goes back a question. */
		app_form_back(a);
		return;
	}
	app_stop_editing(a);
}

int
app_poll(struct app *a)
{
	long long v;
	size_t nn = 0, nd = 0, na = 0;
	char *app = NULL;

	if (store_data_version(a->store, &v) < 0 || v == a->data_version)
		return 0;
	a->data_version = v;
	a->data_serial++;
	if (app_learn(a, 0, &nn, &nd, &na, &app) == 0)
		app_tell_news(a, nn, nd, na, app);
	/* A field being typed in keeps its text; the rest follows. */
	app_build(a);
	return 1;
}
