/*
 * view: view models built from the store (see view.h).
 */
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "i18n.h"
#include "keys.h"
#include "mem.h"
#include "text.h"
#include "view.h"

void
view_init(struct view *v)
{
	memset(v, 0, sizeof *v);
}

void
view_lines_free(char **lines, size_t n)
{
	size_t i;

	if (lines == NULL)
		return;
	for (i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
}

void
view_release(struct view *v)
{
	size_t i;

	for (i = 0; i < v->nitems; i++) {
		free(v->items[i].id);
		free(v->items[i].label);
		free(v->items[i].status);
		view_lines_free(v->items[i].detail, v->items[i].ndetail);
	}
	free(v->items);
	view_lines_free(v->sections, v->nsections);
	free(v->subject);
	free(v->title);
	free(v->summary);
	view_init(v);
}

/* Appends a line (taken over) to a growing array of lines. */
static void
view_lines_push(char ***lines, size_t *n, char *line)
{
	*lines = xreallocarray(*lines, *n + 1, sizeof **lines);
	(*lines)[(*n)++] = line;
}

/* Adds a section heading (taken over) and returns its index. */
static size_t
view_add_section(struct view *v, char *heading)
{
	view_lines_push(&v->sections, &v->nsections, heading);
	return v->nsections - 1;
}

/* Adds an item; label and status are taken over; id is copied. */
static struct view_item *
view_add_item(struct view *v, enum view_kind kind, const char *id, char *label, char *status,
	      size_t section)
{
	struct view_item *it;

	v->items = xreallocarray(v->items, v->nitems + 1, sizeof *v->items);
	it = &v->items[v->nitems++];
	memset(it, 0, sizeof *it);
	it->kind = kind;
	it->id = xstrdup(id);
	it->label = label;
	it->status = status;
	it->section = section;
	return it;
}

long
view_find(const struct view *v, const char *id)
{
	size_t i;

	if (id == NULL)
		return -1;
	for (i = 0; i < v->nitems; i++) {
		if (v->items[i].id != NULL && strcmp(v->items[i].id, id) == 0)
			return (long)i;
	}
	return -1;
}

size_t
view_count(const struct view *v)
{
	size_t i, n = 0;

	for (i = 0; i < v->nitems; i++)
		n += v->items[i].kind != VIEW_ITEM_LINE;
	return n;
}

enum view_state
view_deadline_state(const struct store_deadline *d, time_t now)
{
	if (d->done)
		return VIEW_DONE;
	if (date_days_until(d->due, now) < 0)
		return VIEW_OVERDUE;
	return VIEW_OPEN;
}

const char *
view_state_name(enum view_state s)
{
	switch (s) {
	case VIEW_OVERDUE:
		return "overdue";
	case VIEW_DONE:
		return "done";
	case VIEW_OPEN:
		break;
	}
	return "open";
}

const char *
view_state_words(enum view_state s)
{
	switch (s) {
	case VIEW_OVERDUE:
		return _("overdue");
	case VIEW_DONE:
		return _("done");
	case VIEW_OPEN:
		break;
	}
	return _("open");
}

char *
view_deadline_when(const struct store_deadline *d, time_t now)
{
	if (d->done)
		return xstrdup(_("done"));
	/* "today" alone would not say that something is due. */
	if (date_days_until(d->due, now) == 0)
		return xstrdup(_("due today"));
	return date_distance(d->due, now);
}

const char *
view_deadline_title(const struct store_deadline *d)
{
	return i18n_pick(d->d.title.ja, d->d.title.en);
}

const char *
view_notice_title(const struct store_notice *n)
{
	return i18n_pick(n->n.title.ja, n->n.title.en);
}

const char *
view_notice_sender(const struct store_notice *n)
{
	return i18n_pick(n->n.sender.ja, n->n.sender.en);
}

const char *
view_notice_body(const struct store_notice *n)
{
	return i18n_pick(n->n.body.ja, n->n.body.en);
}

/* Newlines in a one-line label would break the layout of every presenter;
 * titles are single-line text, but the feed could still carry one. */
static char *
view_one_line(const char *s)
{
	char *r = xstrdup(s), *p;

	for (p = r; *p != '\0'; p++) {
		if (*p == '\n')
			*p = ' ';
	}
	return r;
}

char *
view_notice_label(const struct store_notice *n)
{
	const char *sender = view_notice_sender(n);
	char *label, *r;

	if (sender[0] == '\0')
		return view_one_line(view_notice_title(n));
	label = xasprintf(_("%s, from %s"), view_notice_title(n), sender);
	r = view_one_line(label);
	free(label);
	return r;
}

void
view_deadline_lines(const struct store_deadline *d, time_t now, char ***lines, size_t *n)
{
	char *when = date_human(d->due, now);

	*lines = NULL;
	*n = 0;
	view_lines_push(lines, n, xasprintf(_("Due: %s"), when));
	view_lines_push(lines, n,
			xasprintf(_("Status: %s"), view_state_words(view_deadline_state(d, now))));
	if (d->d.procedure != NULL && d->d.procedure[0] != '\0')
		view_lines_push(lines, n, xasprintf(_("Procedure: %s"), d->d.procedure));
	view_lines_push(lines, n, xasprintf(_("Id: %s"), d->d.id));
	free(when);
}

void
view_notice_lines(const struct store_notice *no, char ***lines, size_t *n)
{
	const char *sender = view_notice_sender(no), *body = view_notice_body(no);
	char *day;

	*lines = NULL;
	*n = 0;
	if (sender[0] != '\0')
		view_lines_push(lines, n, xasprintf(_("From: %s"), sender));
	if (no->published != 0) {
		day = date_human_day(no->published);
		view_lines_push(lines, n, xasprintf(_("Published: %s"), day));
		free(day);
	}
	view_lines_push(lines, n,
			xasprintf(_("Status: %s"), no->read ? _("read") : _("unread")));
	view_lines_push(lines, n, xasprintf(_("Id: %s"), no->n.id));
	if (body[0] != '\0') {
		view_lines_push(lines, n, xstrdup(""));
		view_wrap(body, 0, lines, n);
	}
}

/* Sorts open deadlines by urgency: overdue ones come first simply because
 * they are due earliest; ties go by id so that the order is stable. */
static int
view_deadline_cmp(const void *a, const void *b)
{
	const struct store_deadline *x = *(const struct store_deadline *const *)a;
	const struct store_deadline *y = *(const struct store_deadline *const *)b;

	if (x->due != y->due)
		return x->due < y->due ? -1 : 1;
	return strcmp(x->d.id, y->d.id);
}

static char *
view_store_cause(struct store *st, const char *what)
{
	return xasprintf(_("Could not read the %s from the local store: %s"), what,
			 store_error(st));
}

static void
view_add_deadline(struct view *v, const struct store_deadline *d, time_t now, size_t section)
{
	struct view_item *it;

	it = view_add_item(v, VIEW_ITEM_DEADLINE, d->d.id, view_one_line(view_deadline_title(d)),
			   view_deadline_when(d, now), section);
	view_deadline_lines(d, now, &it->detail, &it->ndetail);
}

static void
view_add_notice(struct view *v, const struct store_notice *n, size_t section)
{
	struct view_item *it;

	it = view_add_item(v, VIEW_ITEM_NOTICE, n->n.id, view_notice_label(n),
			   xstrdup(n->read ? _("read") : _("unread")), section);
	view_notice_lines(n, &it->detail, &it->ndetail);
}

int
view_todo(struct view *v, struct store *st, time_t now, char **cause)
{
	struct store_deadline *ds = NULL, **open = NULL;
	struct store_notice *ns = NULL;
	size_t nd = 0, nn = 0, nopen = 0, ndone = 0, nunread = 0, i, sec;
	char *done_part, *unread_part;
	int rc = -1;

	view_release(v);
	v->screen = VIEW_TODO;
	if (store_deadlines_list(st, 0, &ds, &nd) < 0) {
		*cause = view_store_cause(st, _("deadlines"));
		goto out;
	}
	if (store_notices_list(st, &ns, &nn) < 0) {
		*cause = view_store_cause(st, _("notices"));
		goto out;
	}
	open = xcalloc(nd + 1, sizeof *open);
	for (i = 0; i < nd; i++) {
		if (ds[i].done)
			ndone++;
		else
			open[nopen++] = &ds[i];
	}
	qsort(open, nopen, sizeof *open, view_deadline_cmp);
	for (i = 0; i < nn; i++)
		nunread += !ns[i].read;

	v->title = xstrdup(_("To do"));
	if (nd == 0 && nn == 0) {
		v->summary = xstrdup(_("Nothing here yet. Press s to sync with the server."));
	} else {
		done_part = xasprintf(_("%zu of %zu done"), ndone, nd);
		unread_part = xasprintf(ngettext("%zu unread notice", "%zu unread notices", nunread),
					nunread);
		v->summary = xasprintf(_("%s, %s"), done_part, unread_part);
		free(done_part);
		free(unread_part);
	}

	sec = view_add_section(v, xasprintf(ngettext("%zu open deadline", "%zu open deadlines",
						     nopen),
					    nopen));
	for (i = 0; i < nopen; i++)
		view_add_deadline(v, open[i], now, sec);
	if (nopen == 0)
		view_add_item(v, VIEW_ITEM_LINE, NULL, xstrdup(_("No open deadlines.")), NULL, sec);

	if (nunread > 0) {
		sec = view_add_section(v, xasprintf(ngettext("%zu unread notice",
							     "%zu unread notices", nunread),
						    nunread));
		for (i = 0; i < nn; i++) {
			if (!ns[i].read)
				view_add_notice(v, &ns[i], sec);
		}
	}
	rc = 0;
out:
	if (rc < 0)
		view_release(v);
	free(open);
	store_deadlines_free(ds, nd);
	store_notices_free(ns, nn);
	return rc;
}

int
view_notices(struct view *v, struct store *st, time_t now, char **cause)
{
	struct store_notice *ns = NULL;
	size_t nn = 0, nunread = 0, i, sec;
	char *count, *unread;

	(void)now;
	view_release(v);
	v->screen = VIEW_NOTICES;
	if (store_notices_list(st, &ns, &nn) < 0) {
		*cause = view_store_cause(st, _("notices"));
		return -1;
	}
	for (i = 0; i < nn; i++)
		nunread += !ns[i].read;
	v->title = xstrdup(_("Notices"));
	count = xasprintf(ngettext("%zu notice", "%zu notices", nn), nn);
	unread = xasprintf(_("%zu unread"), nunread);
	v->summary = xasprintf(_("%s, %s"), count, unread);
	free(count);
	free(unread);
	sec = view_add_section(v, xstrdup(""));
	for (i = 0; i < nn; i++)
		view_add_notice(v, &ns[i], sec);
	if (nn == 0)
		view_add_item(v, VIEW_ITEM_LINE, NULL, xstrdup(_("No notices yet.")), NULL, sec);
	store_notices_free(ns, nn);
	return 0;
}

/* Turns lines into the items of a detail screen, wrapped at width. */
static void
view_add_lines(struct view *v, char **lines, size_t n, int width)
{
	char **wrapped = NULL;
	size_t nw = 0, i, sec = view_add_section(v, xstrdup(""));

	for (i = 0; i < n; i++) {
		if (lines[i][0] == '\0')
			view_lines_push(&wrapped, &nw, xstrdup(""));
		else
			view_wrap(lines[i], width, &wrapped, &nw);
	}
	for (i = 0; i < nw; i++) {
		view_add_item(v, VIEW_ITEM_LINE, NULL, wrapped[i], NULL, sec);
		wrapped[i] = NULL;
	}
	view_lines_free(wrapped, nw);
}

int
view_deadline(struct view *v, struct store *st, const char *id, time_t now, int width,
	      int *found, char **cause)
{
	struct store_deadline d;
	char **lines = NULL, *when;
	size_t n = 0;

	view_release(v);
	memset(&d, 0, sizeof d);
	*found = 0;
	if (store_deadline_get(st, id, &d, found) < 0) {
		*cause = view_store_cause(st, _("deadline"));
		return -1;
	}
	if (!*found)
		return 0;
	v->screen = VIEW_DEADLINE;
	v->subject = xstrdup(id);
	v->subject_done = d.done;
	v->title = view_one_line(view_deadline_title(&d));
	when = view_deadline_when(&d, now);
	v->summary = xasprintf(_("Deadline, %s"), when);
	free(when);
	view_deadline_lines(&d, now, &lines, &n);
	view_add_lines(v, lines, n, width);
	view_lines_free(lines, n);
	store_deadline_release(&d);
	return 0;
}

int
view_notice(struct view *v, struct store *st, const char *id, time_t now, int width, int *found,
	    char **cause)
{
	struct store_notice no;
	char **lines = NULL;
	size_t n = 0;

	(void)now;
	view_release(v);
	memset(&no, 0, sizeof no);
	*found = 0;
	if (store_notice_get(st, id, &no, found) < 0) {
		*cause = view_store_cause(st, _("notice"));
		return -1;
	}
	if (!*found)
		return 0;
	v->screen = VIEW_NOTICE;
	v->subject = xstrdup(id);
	v->title = view_one_line(view_notice_title(&no));
	v->summary = xasprintf(_("Notice, %s"), no.read ? _("read") : _("unread"));
	view_notice_lines(&no, &lines, &n);
	view_add_lines(v, lines, n, width);
	view_lines_free(lines, n);
	store_notice_release(&no);
	return 0;
}

static const char *
view_screen_name(enum view_screen s)
{
	switch (s) {
	case VIEW_TODO:
		return _("To do");
	case VIEW_NOTICES:
		return _("Notices");
	case VIEW_DEADLINE:
		return _("a deadline");
	case VIEW_NOTICE:
		return _("a notice");
	case VIEW_HELP:
	case VIEW_SCREENS:
		break;
	}
	return _("Help");
}

void
view_help(struct view *v, enum view_screen of, int plain)
{
	const struct keys_entry *k;
	const char *name;
	size_t i, sec;

	view_release(v);
	v->screen = VIEW_HELP;
	v->help_for = of;
	v->title = xstrdup(_("Help"));
	v->summary = xasprintf(_("Keys for %s"), view_screen_name(of));
	sec = view_add_section(v, xstrdup(""));
	for (i = 0; i < keys_count; i++) {
		k = &keys_table[i];
		if (!(k->screens & VIEW_BIT(of)) || k->name == NULL)
			continue;
		name = plain ? (k->plain_name != NULL ? k->plain_name : k->plain) : k->name;
		if (name == NULL)
			continue;
		view_add_item(v, VIEW_ITEM_LINE, NULL, xasprintf("%s: %s", _(name), _(k->help)),
			      NULL, sec);
	}
}

char *
view_news(size_t notices, size_t deadlines)
{
	char *a = NULL, *b = NULL, *r;

	if (notices > 0)
		a = xasprintf(ngettext("%zu new notice", "%zu new notices", notices), notices);
	if (deadlines > 0)
		b = xasprintf(ngettext("%zu new deadline", "%zu new deadlines", deadlines),
			      deadlines);
	if (a != NULL && b != NULL)
		r = xasprintf(_("%s, %s"), a, b);
	else
		r = xstrdup(a != NULL ? a : b);
	free(a);
	free(b);
	return r;
}

/* Appends the pieces of one line (no newline in it) cut at cols columns. */
static void
view_wrap_line(const char *p, size_t len, int cols, char ***lines, size_t *n)
{
	char *line = xstrndup(p, len), *s = line;
	size_t fit, cut, i;
	unsigned int cp;

	while (cols > 0 && text_width(s) > cols) {
		fit = text_fit(s, cols);
		if (fit == 0) {
			/* A character wider than the whole width: it goes on
			 * a line of its own rather than looping forever. */
			fit = text_decode(s, strlen(s), &cp);
		}
		cut = fit;
		for (i = fit; i > fit / 2; i--) {
			if (s[i] == ' ') {
				cut = i;
				break;
			}
		}
		view_lines_push(lines, n, xstrndup(s, cut));
		s += cut;
		while (*s == ' ')
			s++;
	}
	if (*s != '\0' || s == line)
		view_lines_push(lines, n, xstrdup(s));
	free(line);
}

void
view_wrap(const char *s, int cols, char ***lines, size_t *n)
{
	const char *nl;

	for (;;) {
		nl = strchr(s, '\n');
		if (nl == NULL) {
			view_wrap_line(s, strlen(s), cols, lines, n);
			return;
		}
		view_wrap_line(s, (size_t)(nl - s), cols, lines, n);
		s = nl + 1;
	}
}
