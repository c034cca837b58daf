/*
 * view: view models built from the store (see view.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "amount.h"
#include "date.h"
#include "i18n.h"
#include "keys.h"
#include "mem.h"
#include "sender.h"
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
void
view_lines_push(char ***lines, size_t *n, char *line)
{
	*lines = xreallocarray(*lines, *n + 1, sizeof **lines);
	(*lines)[(*n)++] = line;
}

/* Adds a section heading (taken over) and returns its index. */
size_t
view_add_section(struct view *v, char *heading)
{
	view_lines_push(&v->sections, &v->nsections, heading);
	return v->nsections - 1;
}

/* Adds an item; label and status are taken over; id is copied. */
struct view_item *
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

int
view_numbered(const struct view_item *it)
{
	return it->kind != VIEW_ITEM_LINE && it->kind != VIEW_ITEM_EDIT;
}

size_t
view_count(const struct view *v)
{
	size_t i, n = 0;

	for (i = 0; i < v->nitems; i++)
		n += view_numbered(&v->items[i]);
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
char *
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
view_notice_status(const struct store_notice *n)
{
	return xasprintf(_("%s, %s"), n->read ? _("read") : _("unread"), sender_words(n));
}

char *
view_notice_label(const struct store_notice *n)
{
	const char *claimed = sender_claimed(n);
	char *label, *r;

	/* Only a verified notice is said to be from anyone.  Any other says so
	 * first, before its title: a title is the sender's to write, and could
	 * imitate the words of a verified one. */
	if (n->trust == SIG_VERIFIED)
		label = xasprintf(_("%s, from %s"), view_notice_title(n), sender_agency(n));
	else if (claimed[0] != '\0')
		label = xasprintf(_("Not verified: %s, sender: %s"), view_notice_title(n),
				  claimed);
	else
		label = xasprintf(_("Not verified: %s"), view_notice_title(n));
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
	const char *body = view_notice_body(no);
	char *day, *from;

	*lines = NULL;
	*n = 0;
	/* Who sent it comes first, so that a warning is read before the
	 * notice. */
	view_lines_push(lines, n, sender_check(no));
	if ((from = sender_line(no)) != NULL)
		view_lines_push(lines, n, from);
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
			   view_notice_status(n), section);
	view_notice_lines(n, &it->detail, &it->ndetail);
}

/* The name of a draft's procedure, or its id when the catalogue no longer
 * has it.  Newly allocated. */
static char *
view_draft_name(struct store *st, const char *procedure)
{
	struct wire_procedure p;
	char *name;
	int found = 0;

	if (store_procedure_get(st, procedure, &p, &found) < 0 || !found)
		return xstrdup(procedure);
	name = view_one_line(view_procedure_name(&p));
	wire_procedure_release(&p);
	return name;
}

/* A draft's state in words. */
static const char *
view_draft_words(enum store_draft_state s)
{
	switch (s) {
	case STORE_DRAFT_NEEDS_FIXING:
		return _("needs fixing");
	case STORE_DRAFT_QUEUED:
		return _("waiting to be sent");
	case STORE_DRAFT_SENT:
		return _("sent");
	case STORE_DRAFT_EDITING:
		break;
	}
	return _("not sent yet");
}

static void
view_add_draft(struct view *v, struct store *st, const struct store_draft *d, size_t sec)
{
	char id[32], *day = date_human_day(d->updated);

	snprintf(id, sizeof id, "%lld", d->id);
	view_add_item(v, VIEW_ITEM_DRAFT, id, view_draft_name(st, d->procedure),
		      d->state == STORE_DRAFT_EDITING ?
			      xasprintf(_("not sent yet, saved %s"), day) :
			      xstrdup(view_draft_words(d->state)),
		      sec);
	free(day);
}

static void
view_add_application(struct view *v, const struct wire_application *a, size_t sec)
{
	view_add_item(v, VIEW_ITEM_APPLICATION, a->id,
		      view_one_line(i18n_pick(a->procedure_name.ja, a->procedure_name.en)),
		      xstrdup(view_status_words(a->status)), sec);
}

/* Adds To do's sections of applications: those the resident must fix (the
 * operator asked for changes, or the server refused a submission) and
 * drafts not sent yet.  *nfix is set to the number to fix. */
static int
view_add_work(struct view *v, struct store *st, size_t *nfix, char **cause)
{
	struct wire_application *as = NULL;
	struct store_draft *ds = NULL;
	size_t na = 0, nd = 0, i, nedit = 0, sec;
	int rc = -1;

	*nfix = 0;
	if (store_applications_list(st, &as, &na) < 0) {
		*cause = view_store_cause(st, _("applications"));
		goto out;
	}
	if (store_drafts_list(st, &ds, &nd) < 0) {
		*cause = view_store_cause(st, _("drafts"));
		goto out;
	}
	for (i = 0; i < na; i++)
		*nfix += as[i].status != NULL && strcmp(as[i].status, "needs_changes") == 0;
	for (i = 0; i < nd; i++) {
		*nfix += ds[i].state == STORE_DRAFT_NEEDS_FIXING;
		nedit += ds[i].state == STORE_DRAFT_EDITING;
	}
	if (*nfix > 0) {
		sec = view_add_section(v, xasprintf(ngettext("%zu application to fix",
							     "%zu applications to fix", *nfix),
						    *nfix));
		for (i = 0; i < na; i++) {
			if (as[i].status != NULL && strcmp(as[i].status, "needs_changes") == 0)
				view_add_application(v, &as[i], sec);
		}
		for (i = 0; i < nd; i++) {
			if (ds[i].state == STORE_DRAFT_NEEDS_FIXING)
				view_add_draft(v, st, &ds[i], sec);
		}
	}
	if (nedit > 0) {
		sec = view_add_section(v, xasprintf(ngettext("%zu unfinished application",
							     "%zu unfinished applications", nedit),
						    nedit));
		for (i = 0; i < nd; i++) {
			if (ds[i].state == STORE_DRAFT_EDITING)
				view_add_draft(v, st, &ds[i], sec);
		}
	}
	rc = 0;
out:
	store_applications_free(as, na);
	store_drafts_free(ds, nd);
	return rc;
}

int
view_todo(struct view *v, struct store *st, time_t now, char **cause)
{
	struct store_deadline *ds = NULL, **open = NULL;
	struct store_notice *ns = NULL;
	size_t nd = 0, nn = 0, nopen = 0, ndone = 0, nunread = 0, nfix = 0, i, sec;
	char *done_part, *unread_part, *fix_part;
	int rc = -1;

	view_release(v);
	v->screen = VIEW_TODO;
	if (store_deadlines_list(st, 0, &ds, &nd) < 0) {
		*cause = view_store_cause(st, _("deadlines"));
		goto out;
	}
	/* Only the unread ones are listed: a long-time resident may have
	 * thousands of notices. */
	if (store_notices_unread(st, &ns, &nunread, &nn) < 0) {
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

	if (view_add_work(v, st, &nfix, cause) < 0)
		goto out;
	if (nfix > 0) {
		fix_part = xasprintf(ngettext("%zu application to fix",
					      "%zu applications to fix", nfix),
				     nfix);
		done_part = v->summary;
		v->summary = xasprintf(_("%s, %s"), done_part, fix_part);
		free(done_part);
		free(fix_part);
	}

	if (nunread > 0) {
		sec = view_add_section(v, xasprintf(ngettext("%zu unread notice",
							     "%zu unread notices", nunread),
						    nunread));
		for (i = 0; i < nunread; i++)
			view_add_notice(v, &ns[i], sec);
	}
	rc = 0;
out:
	if (rc < 0)
		view_release(v);
	free(open);
	store_deadlines_free(ds, nd);
	store_notices_free(ns, nunread);
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
void
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
	time_t until = 0;

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
	if (store_snooze_get(st, id, &until) == 0 && until > now) {
		when = date_human_day(until);
		view_lines_push(&lines, &n, xasprintf(_("Reminders: snoozed until %s"), when));
		free(when);
	}
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
	case VIEW_PROCEDURES:
		return _("Procedures");
	case VIEW_PROCEDURE:
		return _("a procedure");
	case VIEW_APPLICATIONS:
		return _("Applications");
	case VIEW_APPLICATION:
		return _("an application");
	case VIEW_RECORDS:
		return _("My information");
	case VIEW_RECORD:
		return _("a record of my information");
	case VIEW_ACCESS:
		return _("Access records");
	case VIEW_ACCESS_ITEM:
		return _("an access record");
	case VIEW_AGENCIES:
		return _("choosing an agency");
	case VIEW_SETTINGS:
		return _("Settings");
	case VIEW_SNOOZE:
		return _("choosing how long to snooze");
	case VIEW_FORM:
		return _("a question of an application form");
	case VIEW_REVIEW:
		return _("checking an application before sending it");
	case VIEW_HELP:
	case VIEW_SCREENS:
		break;
	}
	return _("Help");
}

/* Columns that descriptions need at least to be put in a column of their
 * own: eight Japanese characters. */
#define VIEW_HELP_ROOM 16

/* The name help shows for key table row k when it is listed for mask
 * (with common 1, only rows that work on every common screen, KEYS_COMMON;
 * with common -1, only those that do not), translated; NULL when it is
 * not listed. */
static const char *
view_help_name(const struct keys_entry *k, unsigned mask, int common, int plain)
{
	int everywhere = (k->screens & KEYS_COMMON) == KEYS_COMMON;
	const char *name;

	if (!(k->screens & mask) || k->name == NULL || (common > 0 && !everywhere) ||
	    (common < 0 && everywhere))
		return NULL;
	name = plain ? (k->plain_name != NULL ? k->plain_name : k->plain) : k->name;
	return name != NULL ? _(name) : NULL;
}

/* The widest "name:" of the rows listed for mask, in columns. */
static int
view_help_column(unsigned mask, int common, int plain)
{
	const char *name;
	size_t i;
	int w, widest = 0;

	for (i = 0; i < keys_count; i++) {
		name = view_help_name(&keys_table[i], mask, common, plain);
		if (name != NULL && (w = text_width(name) + 1) > widest)
			widest = w;
	}
	return widest;
}

/* Adds the keys of the table listed for mask (as view_help_name) as lines
 * "key:  what it does", the descriptions in one column that starts col + 1
 * columns in (measured in terminal columns, so that Japanese names line
 * up).  With width > 0 a description is wrapped to fit, its further lines
 * starting in the same column; when the column would leave fewer than
 * VIEW_HELP_ROOM columns for them, lines are "key: what it does" wrapped
 * at the width instead. */
static void
view_help_keys(struct view *v, unsigned mask, int common, int plain, int col, int width,
	       size_t sec)
{
	const struct keys_entry *k;
	const char *name;
	char **lines, *head, *indent;
	size_t i, j, n;
	int aligned = width <= 0 || width - (col + 1) >= VIEW_HELP_ROOM;

	indent = text_pad("", col);
	for (i = 0; i < keys_count; i++) {
		k = &keys_table[i];
		name = view_help_name(k, mask, common, plain);
		if (name == NULL)
			continue;
		lines = NULL;
		n = 0;
		head = xasprintf("%s:", name);
		if (!aligned) {
			char *whole = xasprintf("%s %s", head, _(k->help));

			view_wrap(whole, width, &lines, &n);
			free(whole);
			for (j = 0; j < n; j++)
				view_add_item(v, VIEW_ITEM_LINE, NULL, lines[j], NULL, sec);
			free(lines);
			free(head);
			continue;
		}
		view_wrap(_(k->help), width > 0 ? width - col - 1 : 0, &lines, &n);
		for (j = 0; j < n; j++) {
			char *left = j == 0 ? text_pad(head, col) : NULL;

			view_add_item(v, VIEW_ITEM_LINE, NULL,
				      xasprintf("%s %s", j == 0 ? left : indent, lines[j]), NULL,
				      sec);
			free(left);
			free(lines[j]);
		}
		free(lines);
		free(head);
	}
	free(indent);
}

void
view_help(struct view *v, enum view_screen of, int plain, int width)
{
	size_t sec;
	int s, col, c;

	view_release(v);
	v->screen = VIEW_HELP;
	v->help_for = of;
	v->title = xstrdup(_("Help"));
	if (of != VIEW_SCREENS) {
		v->summary = xasprintf(_("Keys for %s"), view_screen_name(of));
		sec = view_add_section(v, xstrdup(""));
		col = view_help_column(VIEW_BIT(of), 0, plain);
		view_help_keys(v, VIEW_BIT(of), 0, plain, col, width, sec);
		return;
	}
	/* Every screen: the keys that work on all the usual screens once,
	 * then what each screen adds, all in one column. */
	col = view_help_column(KEYS_COMMON, 1, plain);
	for (s = 0; s < VIEW_SCREENS; s++) {
		if (s != VIEW_HELP && (c = view_help_column(VIEW_BIT(s), -1, plain)) > col)
			col = c;
	}
	v->summary = xstrdup(_("The keys of every screen. Press ? on any screen for its own."));
	sec = view_add_section(v, xstrdup(_("On most screens")));
	view_help_keys(v, KEYS_COMMON, 1, plain, col, width, sec);
	for (s = 0; s < VIEW_SCREENS; s++) {
		if (s == VIEW_HELP)
			continue;
		sec = view_add_section(v, xasprintf(_("On %s"), view_screen_name((enum view_screen)s)));
		view_help_keys(v, VIEW_BIT(s), -1, plain, col, width, sec);
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

/*
 * Procedures, applications, My information, access records, snoozes.
 */

const char *
view_procedure_name(const struct wire_procedure *p)
{
	return i18n_pick(p->name.ja, p->name.en);
}

const char *
view_procedure_agency(const struct wire_procedure *p)
{
	return i18n_pick(p->agency.ja, p->agency.en);
}

const char *
view_status_words(const char *status)
{
	static const struct {
		const char *name;
		const char *words;
	} statuses[] = {
		{ "received", N_("received") },
		{ "under_review", N_("under review") },
		{ "needs_changes", N_("needs changes") },
		{ "approved", N_("approved") },
		{ "rejected", N_("rejected") },
	};
	size_t i;

	if (status == NULL)
		return "";
	for (i = 0; i < sizeof statuses / sizeof statuses[0]; i++) {
		if (strcmp(status, statuses[i].name) == 0)
			return _(statuses[i].words);
	}
	return status;
}

char *
view_category_words(const char *category)
{
	static const struct {
		const char *name;
		const char *words;
	} categories[] = {
		{ "tax", N_("Tax") },
		{ "pension", N_("Pension") },
		{ "health_insurance", N_("Health insurance") },
		{ "checkup", N_("Health checkups") },
		{ "child_allowance", N_("Child allowance") },
	};
	char *r, *p;
	size_t i;

	if (category == NULL || category[0] == '\0')
		return xstrdup(_("Other"));
	for (i = 0; i < sizeof categories / sizeof categories[0]; i++) {
		if (strcmp(category, categories[i].name) == 0)
			return xstrdup(_(categories[i].words));
	}
	r = xstrdup(category);
	for (p = r; *p != '\0'; p++) {
		if (*p == '_')
			*p = ' ';
	}
	return r;
}

/* A time from the feed as a day people read, or NULL when it is not one.
 * Newly allocated. */
static char *
view_day(const char *rfc3339)
{
	time_t t;

	if (rfc3339 == NULL || date_parse(rfc3339, &t) < 0)
		return NULL;
	return date_human_day(t);
}

/* The same with the time of day: "Tue 24 Nov 2026 14:05". */
static char *
view_day_time(const char *rfc3339)
{
	struct tm tm;
	time_t t;
	char *day, *r;

	if (rfc3339 == NULL || date_parse(rfc3339, &t) < 0 || localtime_r(&t, &tm) == NULL)
		return NULL;
	day = date_human_day(t);
	r = xasprintf("%s %02d:%02d", day, tm.tm_hour, tm.tm_min);
	free(day);
	return r;
}

/* Pushes "label: value", or nothing when value is empty. */
static void
view_push_fact(char ***lines, size_t *n, const char *label, const char *value)
{
	if (value != NULL && value[0] != '\0')
		view_lines_push(lines, n, xasprintf("%s: %s", label, value));
}

void
view_procedure_lines(const struct wire_procedure *p, char ***lines, size_t *n)
{
	const char *desc = i18n_pick(p->description.ja, p->description.en);
	size_t i;

	*lines = NULL;
	*n = 0;
	view_push_fact(lines, n, _("Agency"), view_procedure_agency(p));
	view_push_fact(lines, n, _("What it is for"), desc);
	view_push_fact(lines, n, _("Deadline"), i18n_pick(p->deadline.ja, p->deadline.en));
	if (p->ndocuments == 0)
		view_lines_push(lines, n, xstrdup(_("Documents needed: none")));
	else
		view_lines_push(lines, n, xasprintf(_("Documents needed: %zu"), p->ndocuments));
	for (i = 0; i < p->ndocuments; i++)
		view_lines_push(lines, n,
				xasprintf(_("Document %zu: %s"), i + 1,
					  i18n_pick(p->documents[i].ja, p->documents[i].en)));
	if (p->online)
		view_lines_push(lines, n,
				xasprintf(ngettext("Online: yes, a form of %zu question",
						   "Online: yes, a form of %zu questions",
						   p->nfields),
					  p->nfields));
	else
		view_lines_push(lines, n, xstrdup(_("Online: no, apply at the agency")));
	view_lines_push(lines, n, xasprintf(_("Id: %s"), p->id));
}

/* The field of form named name, or NULL. */
static const struct wire_field *
view_form_field(const struct wire_procedure *form, const char *name)
{
	size_t i;

	for (i = 0; form != NULL && i < form->nfields; i++) {
		if (strcmp(form->fields[i].name, name) == 0)
			return &form->fields[i];
	}
	return NULL;
}

char *
view_answer_words(const struct wire_field *f, const struct wire_answer *a)
{
	size_t i;

	switch (a->kind) {
	case WIRE_ANSWER_BOOL:
		return xstrdup(a->boolean ? _("yes") : _("no"));
	case WIRE_ANSWER_NUMBER:
		if (f != NULL && f->type == WIRE_FIELD_NUMBER && f->unit == WIRE_UNIT_YEN)
			return amount_yen(a->number);
		return xasprintf("%lld", a->number);
	case WIRE_ANSWER_STRING:
		break;
	}
	for (i = 0; f != NULL && f->type == WIRE_FIELD_CHOICE && i < f->nchoices; i++) {
		if (a->string != NULL && strcmp(f->choices[i].value, a->string) == 0)
			return view_one_line(
				i18n_pick(f->choices[i].label.ja, f->choices[i].label.en));
	}
	return xstrdup(a->string != NULL ? a->string : "");
}

void
view_application_lines(const struct wire_application *a, const struct wire_procedure *form,
			char ***lines, size_t *n)
{
	const struct wire_status *last = a->nhistory > 0 ? &a->history[a->nhistory - 1] : NULL;
	const struct wire_field *f;
	const char *msg;
	char *day, *words;
	size_t i;

	*lines = NULL;
	*n = 0;
	view_push_fact(lines, n, _("Procedure"),
		       i18n_pick(a->procedure_name.ja, a->procedure_name.en));
	view_push_fact(lines, n, _("Status"), view_status_words(a->status));
	if (last != NULL && a->status != NULL && strcmp(a->status, "needs_changes") == 0) {
		msg = i18n_pick(last->message.ja, last->message.en);
		view_push_fact(lines, n, _("What to change"), msg);
	}
	day = view_day(a->submitted);
	view_push_fact(lines, n, _("Submitted"), day);
	free(day);
	view_lines_push(lines, n, xasprintf(ngettext("History: %zu step", "History: %zu steps",
						     a->nhistory),
					    a->nhistory));
	for (i = 0; i < a->nhistory; i++) {
		day = view_day_time(a->history[i].at);
		msg = i18n_pick(a->history[i].message.ja, a->history[i].message.en);
		if (msg[0] != '\0')
			view_lines_push(lines, n, xasprintf(_("%s: %s, %s"), day ? day : "?",
							    view_status_words(a->history[i].status),
							    msg));
		else
			view_lines_push(lines, n, xasprintf(_("%s: %s"), day ? day : "?",
							    view_status_words(a->history[i].status)));
		free(day);
	}
	view_lines_push(lines, n, xasprintf(ngettext("Answers: %zu", "Answers: %zu", a->nanswers),
					    a->nanswers));
	for (i = 0; i < a->nanswers; i++) {
		f = view_form_field(form, a->answers[i].name);
		words = view_answer_words(f, &a->answers[i]);
		view_lines_push(lines, n,
				xasprintf("%s: %s",
					  f != NULL ? i18n_pick(f->label.ja, f->label.en) :
						      a->answers[i].name,
					  words));
		free(words);
	}
	view_lines_push(lines, n, xasprintf(_("Id: %s"), a->id));
}

void
view_record_lines(const struct wire_record *r, char ***lines, size_t *n)
{
	char *day = view_day(r->updated), *cat = view_category_words(r->category);
	size_t i;

	*lines = NULL;
	*n = 0;
	view_push_fact(lines, n, _("Category"), cat);
	view_push_fact(lines, n, _("Held by"), i18n_pick(r->source.ja, r->source.en));
	view_push_fact(lines, n, _("Updated"), day);
	for (i = 0; i < r->nitems; i++)
		view_lines_push(lines, n,
				xasprintf("%s: %s",
					  i18n_pick(r->items[i].label.ja, r->items[i].label.en),
					  i18n_pick(r->items[i].value.ja, r->items[i].value.en)));
	view_lines_push(lines, n, xasprintf(_("Id: %s"), r->id));
	free(day);
	free(cat);
}

void
view_access_lines(const struct wire_access *a, char ***lines, size_t *n)
{
	char *when = view_day_time(a->when);

	*lines = NULL;
	*n = 0;
	view_push_fact(lines, n, _("When"), when);
	view_push_fact(lines, n, _("Who looked"), i18n_pick(a->agency.ja, a->agency.en));
	view_push_fact(lines, n, _("Who gave it"), i18n_pick(a->provider.ja, a->provider.en));
	view_push_fact(lines, n, _("Information"), i18n_pick(a->item.ja, a->item.en));
	view_push_fact(lines, n, _("Why"), i18n_pick(a->purpose.ja, a->purpose.en));
	view_lines_push(lines, n, xasprintf(_("Id: %s"), a->id));
	free(when);
}

/* "Name, Agency" on one line. */
static char *
view_procedure_label(const struct wire_procedure *p)
{
	char *l = xasprintf(_("%s, %s"), view_procedure_name(p), view_procedure_agency(p)), *r;

	r = view_one_line(l);
	free(l);
	return r;
}

static void
view_add_procedures(struct view *v, const struct wire_procedure *ps, size_t n, size_t sec)
{
	size_t i;

	for (i = 0; i < n; i++)
		view_add_item(v, VIEW_ITEM_PROCEDURE, ps[i].id, view_procedure_label(&ps[i]),
			      xstrdup(ps[i].online ? _("online") : _("not online")), sec);
}

/* Returns 1 when s has something other than blanks. */
static int
view_blank(const char *s)
{
	return s == NULL || s[strspn(s, " \t")] == '\0';
}

int
view_procedures(struct view *v, struct store *st, const char *query, char **cause)
{
	struct wire_procedure *ps = NULL;
	size_t n = 0, total = 0, sec;
	int more = 0, rc = -1;

	view_release(v);
	v->screen = VIEW_PROCEDURES;
	v->title = xstrdup(_("Procedures"));
	sec = view_add_section(v, xstrdup(""));
	/* The search field comes first, so that / and Enter find it. */
	view_add_item(v, VIEW_ITEM_EDIT, "search", xstrdup(_("Search")),
		      xstrdup(query != NULL ? query : ""), sec);
	if (view_blank(query)) {
		if (store_procedures_list(st, VIEW_LIST_MAX, &ps, &n, &total) < 0) {
			*cause = view_store_cause(st, _("procedures"));
			goto out;
		}
		if (total == 0)
			v->summary = xstrdup(_("No procedures yet. Press s to sync with the server."));
		else if (n < total)
			v->summary = xasprintf(_("%zu procedures; the first %zu are listed. Press / "
						 "to search."),
					       total, n);
		else
			v->summary = xasprintf(ngettext("%zu procedure. Press / to search.",
							"%zu procedures. Press / to search.", total),
					       total);
	} else {
		if (store_procedures_search(st, query, VIEW_FOUND_MAX, &ps, &n, &more) < 0) {
			*cause = view_store_cause(st, _("procedures"));
			goto out;
		}
		if (n == 0)
			v->summary = xasprintf(_("Nothing found for \"%s\". Try fewer or other "
						 "words."),
					       query);
		else if (more)
			v->summary = xasprintf(_("More than %zu found for \"%s\"; the best %zu are "
						 "listed."),
					       n, query, n);
		else
			v->summary = xasprintf(ngettext("%zu found for \"%s\"",
							"%zu found for \"%s\"", n),
					       n, query);
	}
	sec = view_add_section(v, n > 0 ? xstrdup(view_blank(query) ? _("Catalogue") :
								       _("Results")) :
					  xstrdup(""));
	view_add_procedures(v, ps, n, sec);
	rc = 0;
out:
	if (rc < 0)
		view_release(v);
	store_procedures_free(ps, n);
	return rc;
}

int
view_procedure(struct view *v, struct store *st, const char *id, int width, int *found,
	       char **cause)
{
	struct wire_procedure p;
	char **lines = NULL;
	size_t n = 0, sec;

	view_release(v);
	if (store_procedure_get(st, id, &p, found) < 0) {
		*cause = view_store_cause(st, _("procedure"));
		return -1;
	}
	if (!*found)
		return 0;
	v->screen = VIEW_PROCEDURE;
	v->subject = xstrdup(id);
	v->title = view_one_line(view_procedure_name(&p));
	v->summary = xstrdup(p.online ? _("Procedure, can be done online: press a to apply") :
					_("Procedure, cannot be done online"));
	view_procedure_lines(&p, &lines, &n);
	view_add_lines(v, lines, n, width);
	view_lines_free(lines, n);
	if (p.online) {
		sec = view_add_section(v, xstrdup(""));
		view_add_item(v, VIEW_ITEM_ACTION, "apply", xstrdup(_("Apply online")), NULL, sec);
	}
	wire_procedure_release(&p);
	return 0;
}

int
view_applications(struct view *v, struct store *st, time_t now, char **cause)
{
	struct wire_application *as = NULL;
	struct store_draft *ds = NULL;
	struct store_outbox *os = NULL;
	size_t na = 0, nd = 0, no = 0, i, ndraft = 0, sec;
	char id[32], *name, *day, *sent, *wait, *drafts;
	int rc = -1;

	(void)now;
	view_release(v);
	v->screen = VIEW_APPLICATIONS;
	if (store_applications_list(st, &as, &na) < 0 || store_drafts_list(st, &ds, &nd) < 0 ||
	    store_outbox_list(st, 1, &os, &no) < 0) {
		*cause = view_store_cause(st, _("applications"));
		goto out;
	}
	for (i = 0; i < nd; i++)
		ndraft += ds[i].state == STORE_DRAFT_EDITING ||
			  ds[i].state == STORE_DRAFT_NEEDS_FIXING;
	v->title = xstrdup(_("Applications"));
	if (na + ndraft + no == 0) {
		v->summary = xstrdup(_("No applications yet. Press 3 to find a procedure, then a "
				       "to apply."));
	} else {
		sent = xasprintf(ngettext("%zu sent", "%zu sent", na), na);
		wait = xasprintf(ngettext("%zu waiting to be sent", "%zu waiting to be sent", no),
				 no);
		drafts = xasprintf(ngettext("%zu draft", "%zu drafts", ndraft), ndraft);
		v->summary = xasprintf(_("%s, %s, %s"), sent, wait, drafts);
		free(sent);
		free(wait);
		free(drafts);
	}
	if (ndraft > 0) {
		sec = view_add_section(v, xasprintf(ngettext("%zu draft", "%zu drafts", ndraft),
						    ndraft));
		for (i = 0; i < nd; i++) {
			if (ds[i].state == STORE_DRAFT_EDITING ||
			    ds[i].state == STORE_DRAFT_NEEDS_FIXING)
				view_add_draft(v, st, &ds[i], sec);
		}
	}
	if (no > 0) {
		sec = view_add_section(v, xasprintf(ngettext("%zu waiting to be sent",
							     "%zu waiting to be sent", no),
						    no));
		for (i = 0; i < no; i++) {
			snprintf(id, sizeof id, "%lld", os[i].seq);
			name = view_draft_name(st, os[i].procedure);
			day = date_human_day(os[i].queued);
			view_add_item(v, VIEW_ITEM_OUTBOX, id, name,
				      os[i].attempts > 0 ?
					      xasprintf(_("waiting since %s, tried %d times"), day,
							os[i].attempts) :
					      xasprintf(_("waiting since %s"), day),
				      sec);
			free(day);
		}
	}
	sec = view_add_section(v, xasprintf(ngettext("%zu application", "%zu applications", na),
					    na));
	for (i = 0; i < na; i++)
		view_add_application(v, &as[i], sec);
	if (na == 0)
		view_add_item(v, VIEW_ITEM_LINE, NULL, xstrdup(_("No applications sent yet.")), NULL,
			      sec);
	rc = 0;
out:
	if (rc < 0)
		view_release(v);
	store_applications_free(as, na);
	store_drafts_free(ds, nd);
	store_outbox_free(os, no);
	return rc;
}

int
view_application(struct view *v, struct store *st, const char *id, time_t now, int width,
		 int *found, char **cause)
{
	struct wire_application a;
	struct wire_procedure p;
	char **lines = NULL;
	size_t n = 0, sec;
	int have_form = 0;

	(void)now;
	view_release(v);
	memset(&p, 0, sizeof p);
	if (store_application_get(st, id, &a, found) < 0) {
		*cause = view_store_cause(st, _("application"));
		return -1;
	}
	if (!*found)
		return 0;
	if (a.procedure != NULL && store_procedure_get(st, a.procedure, &p, &have_form) < 0)
		have_form = 0;
	v->screen = VIEW_APPLICATION;
	v->subject = xstrdup(id);
	v->title = view_one_line(i18n_pick(a.procedure_name.ja, a.procedure_name.en));
	v->summary = xasprintf(_("Application, %s"), view_status_words(a.status));
	view_application_lines(&a, have_form ? &p : NULL, &lines, &n);
	view_add_lines(v, lines, n, width);
	view_lines_free(lines, n);
	if (a.status != NULL && strcmp(a.status, "needs_changes") == 0) {
		sec = view_add_section(v, xstrdup(""));
		view_add_item(v, VIEW_ITEM_ACTION, "fix", xstrdup(_("Change the answers and send "
								     "again")),
			      NULL, sec);
	}
	if (have_form)
		wire_procedure_release(&p);
	wire_application_release(&a);
	return 0;
}

int
view_records(struct view *v, struct store *st, char **cause)
{
	struct wire_record *rs = NULL;
	size_t n = 0, i, sec = 0;

	view_release(v);
	v->screen = VIEW_RECORDS;
	if (store_records_list(st, &rs, &n) < 0) {
		*cause = view_store_cause(st, _("records"));
		return -1;
	}
	v->title = xstrdup(_("My information"));
	v->summary = n == 0 ? xstrdup(_("No records yet. Press s to sync with the server.")) :
			      xasprintf(ngettext("%zu record held about you",
						 "%zu records held about you", n),
					n);
	for (i = 0; i < n; i++) {
		if (i == 0 || strcmp(rs[i].category, rs[i - 1].category) != 0)
			sec = view_add_section(v, view_category_words(rs[i].category));
		view_add_item(v, VIEW_ITEM_RECORD, rs[i].id,
			      view_one_line(i18n_pick(rs[i].title.ja, rs[i].title.en)),
			      view_one_line(i18n_pick(rs[i].source.ja, rs[i].source.en)), sec);
	}
	if (n == 0)
		view_add_item(v, VIEW_ITEM_LINE, NULL, xstrdup(_("Nothing here yet.")), NULL,
			      view_add_section(v, xstrdup("")));
	store_records_free(rs, n);
	return 0;
}

int
view_record(struct view *v, struct store *st, const char *id, int width, int *found,
	    char **cause)
{
	struct wire_record r;
	char **lines = NULL;
	size_t n = 0;

	view_release(v);
	if (store_record_get(st, id, &r, found) < 0) {
		*cause = view_store_cause(st, _("record"));
		return -1;
	}
	if (!*found)
		return 0;
	v->screen = VIEW_RECORD;
	v->subject = xstrdup(id);
	v->title = view_one_line(i18n_pick(r.title.ja, r.title.en));
	v->summary = xasprintf(_("Held by %s"), i18n_pick(r.source.ja, r.source.en));
	view_record_lines(&r, &lines, &n);
	view_add_lines(v, lines, n, width);
	view_lines_free(lines, n);
	wire_record_release(&r);
	return 0;
}

int
view_access(struct view *v, struct store *st, const char *agency, char **cause)
{
	struct wire_access *ls = NULL;
	size_t n = 0, i, sec;
	char *label, *day;

	view_release(v);
	v->screen = VIEW_ACCESS;
	if (store_access_list(st, view_blank(agency) ? NULL : agency, &ls, &n) < 0) {
		*cause = view_store_cause(st, _("access records"));
		return -1;
	}
	v->title = xstrdup(_("Access records"));
	if (!view_blank(agency)) {
		v->subject = xstrdup(agency);
		v->summary = xasprintf(ngettext("%zu time %s looked at your information. Press f "
						"for all agencies.",
						"%zu times %s looked at your information. Press f "
						"for all agencies.",
						n),
				       n, agency);
	} else if (n == 0) {
		v->summary = xstrdup(_("No access records yet. Press s to sync with the server."));
	} else {
		v->summary = xasprintf(ngettext("%zu time an agency looked at your information. "
						"Press f to choose one agency.",
						"%zu times agencies looked at your information. "
						"Press f to choose one agency.",
						n),
				       n);
	}
	sec = view_add_section(v, xstrdup(""));
	for (i = 0; i < n; i++) {
		label = xasprintf(_("%s: %s"), i18n_pick(ls[i].agency.ja, ls[i].agency.en),
				  i18n_pick(ls[i].item.ja, ls[i].item.en));
		day = view_day(ls[i].when);
		view_add_item(v, VIEW_ITEM_ACCESS, ls[i].id, view_one_line(label),
			      day != NULL ? day : xstrdup(_("date unknown")), sec);
		free(label);
	}
	if (n == 0)
		view_add_item(v, VIEW_ITEM_LINE, NULL, xstrdup(_("Nothing here yet.")), NULL, sec);
	store_access_free(ls, n);
	return 0;
}

int
view_access_item(struct view *v, struct store *st, const char *id, int width, int *found,
		 char **cause)
{
	struct wire_access a;
	char **lines = NULL;
	size_t n = 0;

	view_release(v);
	if (store_access_get(st, id, &a, found) < 0) {
		*cause = view_store_cause(st, _("access record"));
		return -1;
	}
	if (!*found)
		return 0;
	v->screen = VIEW_ACCESS_ITEM;
	v->subject = xstrdup(id);
	v->title = view_one_line(i18n_pick(a.agency.ja, a.agency.en));
	v->summary = xstrdup(_("Access record: who looked at your information, and why"));
	view_access_lines(&a, &lines, &n);
	view_add_lines(v, lines, n, width);
	view_lines_free(lines, n);
	wire_access_release(&a);
	return 0;
}

static int
view_strcmp(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

int
view_agencies(struct view *v, struct store *st, char **cause)
{
	struct wire_access *ls = NULL;
	size_t n = 0, i, j, k = 0, sec, count;
	const char **names;

	view_release(v);
	v->screen = VIEW_AGENCIES;
	if (store_access_list(st, NULL, &ls, &n) < 0) {
		*cause = view_store_cause(st, _("access records"));
		return -1;
	}
	names = xcalloc(n + 1, sizeof *names);
	for (i = 0; i < n; i++)
		names[i] = i18n_pick(ls[i].agency.ja, ls[i].agency.en);
	qsort(names, n, sizeof *names, view_strcmp);
	v->title = xstrdup(_("Choose an agency"));
	sec = view_add_section(v, xstrdup(""));
	view_add_item(v, VIEW_ITEM_CHOICE, "", xstrdup(_("All agencies")),
		      xasprintf(ngettext("%zu record", "%zu records", n), n), sec);
	for (i = 0; i < n; i = j) {
		for (j = i; j < n && strcmp(names[j], names[i]) == 0; j++)
			;
		count = j - i;
		view_add_item(v, VIEW_ITEM_CHOICE, names[i], view_one_line(names[i]),
			      xasprintf(ngettext("%zu record", "%zu records", count), count), sec);
		k++;
	}
	v->summary = xasprintf(ngettext("%zu agency looked at your information",
					"%zu agencies looked at your information", k),
			       k);
	free(names);
	store_access_free(ls, n);
	return 0;
}

int
view_snooze(struct view *v, struct store *st, const char *id, time_t now, int *found,
	    char **cause)
{
	static const struct {
		long seconds;
		const char *words;
	} lengths[] = {
		{ 86400, N_("1 day") },
		{ 3 * 86400, N_("3 days") },
		{ 7 * 86400, N_("1 week") },
		{ 14 * 86400, N_("2 weeks") },
	};
	struct store_deadline d;
	time_t until = 0;
	char value[32], *day;
	size_t i, sec;

	view_release(v);
	memset(&d, 0, sizeof d);
	if (store_deadline_get(st, id, &d, found) < 0 || store_snooze_get(st, id, &until) < 0) {
		*cause = view_store_cause(st, _("deadline"));
		return -1;
	}
	if (!*found)
		return 0;
	v->screen = VIEW_SNOOZE;
	v->subject = xstrdup(id);
	day = view_one_line(view_deadline_title(&d));
	v->title = xasprintf(_("Snooze: %s"), day);
	free(day);
	if (until > now) {
		day = date_human_day(until);
		v->summary = xasprintf(_("No reminder until %s. How long from now?"), day);
		free(day);
	} else {
		v->summary = xstrdup(_("No reminder for how long?"));
	}
	sec = view_add_section(v, xstrdup(""));
	for (i = 0; i < sizeof lengths / sizeof lengths[0]; i++) {
		snprintf(value, sizeof value, "%ld", lengths[i].seconds);
		day = date_human_day(now + lengths[i].seconds);
		view_add_item(v, VIEW_ITEM_CHOICE, value, xstrdup(_(lengths[i].words)),
			      xasprintf(_("until %s"), day), sec);
		free(day);
	}
	if (until > now)
		view_add_item(v, VIEW_ITEM_CHOICE, "0", xstrdup(_("Stop snoozing")), NULL, sec);
	store_deadline_release(&d);
	return 0;
}
