/*
 * app: the TUI's state and actions (see app.h).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "i18n.h"
#include "mem.h"
#include "session.h"
#include "sync.h"

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

void
app_announce(struct app *a, const char *text)
{
	free(a->status);
	a->status = xstrdup(text);
	a->serial++;
}

/* Announces a formatted message that the caller allocated (and frees). */
static void
app_announce_take(struct app *a, char *text)
{
	app_announce(a, text);
	free(text);
}

size_t
app_focus(const struct app *a)
{
	return a->nav[a->depth - 1].focus;
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

static void app_build(struct app *a);

/* Leaves the screen on top; the root screen is never popped. */
static void
app_pop(struct app *a)
{
	if (a->depth > 1) {
		app_place_release(app_top(a));
		a->depth--;
	}
	app_build(a);
}

/* Builds the view of the screen on top of nav, keeping the focus on the
 * same item when it is still there, else at the same position. */
static void
app_build(struct app *a)
{
	struct app_place *p = app_top(a);
	char *cause = NULL;
	int found = 1, rc = 0;
	long i;

	switch (p->screen) {
	case VIEW_TODO:
		rc = view_todo(&a->view, a->store, time(NULL), &cause);
		break;
	case VIEW_NOTICES:
		rc = view_notices(&a->view, a->store, time(NULL), &cause);
		break;
	case VIEW_DEADLINE:
		rc = view_deadline(&a->view, a->store, p->subject, time(NULL), a->width, &found,
				   &cause);
		break;
	case VIEW_NOTICE:
		rc = view_notice(&a->view, a->store, p->subject, time(NULL), a->width, &found,
				 &cause);
		break;
	case VIEW_HELP:
	case VIEW_SCREENS:
		view_help(&a->view, a->depth > 1 ? a->nav[a->depth - 2].screen : VIEW_TODO,
			  a->plain);
		break;
	}
	if (rc < 0) {
		app_announce(a, cause);
		free(cause);
	} else if (!found) {
		/* Deleted by a sync while it was open. */
		app_announce(a, _("That item is no longer there; it was removed by the sender."));
		app_pop(a);
		return;
	}
	i = view_find(&a->view, p->focus_id);
	app_set_focus(a, i >= 0 ? (size_t)i : p->focus);
}

/* Replaces the whole stack with one root screen. */
static void
app_go_root(struct app *a, enum view_screen screen)
{
	if (a->depth == 1 && a->nav[0].screen == screen) {
		app_build(a);
		return;
	}
	while (a->depth > 0)
		app_place_release(&a->nav[--a->depth]);
	a->nav[0].screen = screen;
	a->depth = 1;
	app_build(a);
}

static void
app_push(struct app *a, enum view_screen screen, const char *subject)
{
	struct app_place *p;

	if (a->depth == APP_NAV_MAX)
		return;
	p = &a->nav[a->depth++];
	memset(p, 0, sizeof *p);
	p->screen = screen;
	p->subject = xstrdup(subject);
	app_build(a);
}

static int
app_strcmp(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* Counts the ids in fresh (sorted) that are not in *known, then makes
 * fresh the known set.  The first time (known NULL) nothing is new. */
static size_t
app_learn_ids(char ***known, size_t *nknown, char **fresh, size_t nfresh, int first)
{
	size_t i, added = 0;

	qsort(fresh, nfresh, sizeof *fresh, app_strcmp);
	for (i = 0; !first && i < nfresh; i++) {
		if (bsearch(&fresh[i], *known, *nknown, sizeof **known, app_strcmp) == NULL)
			added++;
	}
	for (i = 0; i < *nknown; i++)
		free((*known)[i]);
	free(*known);
	*known = fresh;
	*nknown = nfresh;
	return added;
}

/* Reads every notice and deadline id and reports how many are new since
 * the last call. */
static int
app_learn(struct app *a, int first, size_t *new_notices, size_t *new_deadlines)
{
	struct store_notice *ns = NULL;
	struct store_deadline *ds = NULL;
	size_t nn = 0, nd = 0, i;
	char **ids;
	int rc = -1;

	*new_notices = *new_deadlines = 0;
	if (store_notices_list(a->store, &ns, &nn) < 0 ||
	    store_deadlines_list(a->store, 0, &ds, &nd) < 0)
		goto out;
	ids = xcalloc(nn + 1, sizeof *ids);
	for (i = 0; i < nn; i++)
		ids[i] = xstrdup(ns[i].n.id);
	*new_notices = app_learn_ids(&a->known_notices, &a->nknown_notices, ids, nn, first);
	ids = xcalloc(nd + 1, sizeof *ids);
	for (i = 0; i < nd; i++)
		ids[i] = xstrdup(ds[i].d.id);
	*new_deadlines = app_learn_ids(&a->known_deadlines, &a->nknown_deadlines, ids, nd, first);
	rc = 0;
out:
	store_notices_free(ns, nn);
	store_deadlines_free(ds, nd);
	return rc;
}

int
app_init(struct app *a, struct store *st, int width, int plain, char **cause)
{
	size_t nn, nd;

	memset(a, 0, sizeof *a);
	view_init(&a->view);
	a->store = st;
	a->width = width;
	a->plain = plain;
	a->depth = 1;
	a->nav[0].screen = VIEW_TODO;
	if (store_data_version(st, &a->data_version) < 0 || app_learn(a, 1, &nn, &nd) < 0) {
		*cause = xasprintf(_("Could not read the local store: %s"), store_error(st));
		return -1;
	}
	app_build(a);
	return 0;
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
	while (a->depth > 0)
		app_place_release(&a->nav[--a->depth]);
	view_release(&a->view);
	app_ids_free(a->known_notices, a->nknown_notices);
	app_ids_free(a->known_deadlines, a->nknown_deadlines);
	a->known_notices = a->known_deadlines = NULL;
	a->nknown_notices = a->nknown_deadlines = 0;
	free(a->status);
	a->status = NULL;
}

void
app_set_width(struct app *a, int width)
{
	if (width == a->width)
		return;
	a->width = width;
	app_build(a);
}

void
app_open(struct app *a, size_t i)
{
	const struct view_item *it;

	if (i >= a->view.nitems)
		return;
	app_set_focus(a, i);
	it = &a->view.items[i];
	switch (it->kind) {
	case VIEW_ITEM_DEADLINE:
		app_push(a, VIEW_DEADLINE, it->id);
		break;
	case VIEW_ITEM_NOTICE:
		/* Reading it is what marks it read, as in a mail reader. */
		if (store_notice_mark_read(a->store, it->id, 1) < 0) {
			app_announce_take(a, xasprintf(_("Could not mark the notice read: %s"),
						       store_error(a->store)));
		}
		app_push(a, VIEW_NOTICE, it->id);
		break;
	case VIEW_ITEM_LINE:
		app_announce(a, _("There is nothing to open here."));
		break;
	}
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
		app_announce_take(a, xasprintf(_("Could not mark the deadline: %s"),
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

/* Syncs in this process, as `myna sync` does, and announces the result. */
static void
app_sync(struct app *a)
{
	struct session se;
	struct sync_result res;
	char *cause = NULL, *news;
	size_t nn, nd;

	memset(&se, 0, sizeof se);
	memset(&res, 0, sizeof res);
	if (session_open(&se, &cause) < 0) {
		app_announce_take(a, xasprintf(_("Could not sync: %s"), cause));
		goto out;
	}
	if (sync_run(a->store, &se, &res, &cause) < 0) {
		app_announce_take(a, xasprintf(_("Sync failed: %s"), cause));
		goto out;
	}
	if (res.changes > 0)
		a->data_serial++;
	news = view_news(res.new_notices, res.new_deadlines);
	if (news != NULL)
		app_announce_take(a, news);
	else if (res.changes > 0)
		app_announce_take(a, xasprintf(ngettext("Synced: %zu update",
							"Synced: %zu updates", res.changes),
					       res.changes));
	else
		app_announce(a, _("Up to date"));
out:
	free(cause);
	session_release(&se);
	/* Our own writes do not move data_version, but the ids are new. */
	app_learn(a, 0, &nn, &nd);
	store_data_version(a->store, &a->data_version);
	app_build(a);
}

void
app_do(struct app *a, enum keys_action action, size_t page)
{
	size_t f = app_focus(a), n = a->view.nitems;

	if (page == 0)
		page = 1;
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
		if (a->depth > 1)
			app_pop(a);
		else if (a->nav[0].screen != VIEW_TODO)
			app_go_root(a, VIEW_TODO);
		else
			a->quit = 1;
		break;
	case KEYS_TODO:
		app_go_root(a, VIEW_TODO);
		break;
	case KEYS_NOTICES:
		app_go_root(a, VIEW_NOTICES);
		break;
	case KEYS_DONE:
		app_done(a, f);
		break;
	case KEYS_SYNC:
		app_sync(a);
		break;
	case KEYS_HELP:
		if (a->view.screen != VIEW_HELP)
			app_push(a, VIEW_HELP, NULL);
		break;
	case KEYS_REDRAW:
		app_build(a);
		break;
	}
}

int
app_poll(struct app *a)
{
	long long v;
	size_t nn = 0, nd = 0;
	char *news;

	if (store_data_version(a->store, &v) < 0 || v == a->data_version)
		return 0;
	a->data_version = v;
	a->data_serial++;
	if (app_learn(a, 0, &nn, &nd) == 0) {
		news = view_news(nn, nd);
		if (news != NULL)
			app_announce_take(a, news);
	}
	app_build(a);
	return 1;
}
