/*
 * view: the screens of the front end as view models built from the store.
 * A screen is a title, a summary line, optional section headings and a list
 * of items; each item has a one-line label, a status in words and detail
 * lines.  The presenters (curses, plain) only render a view; they never
 * read the store themselves.  All text in a view is clean (it came through
 * text_clean) and in the language in use (i18n_lang).
 *
 * A view owns every string in it; view_release frees them and leaves an
 * empty view that can be built again.
 */
#ifndef MYNA_VIEW_H
#define MYNA_VIEW_H

#include <stddef.h>
#include <time.h>

#include "store.h"

enum view_screen {
	VIEW_TODO,		/* home: open deadlines by urgency, what to fix, unread notices */
	VIEW_NOTICES,		/* every notice, newest first */
	VIEW_DEADLINE,		/* one deadline in detail */
	VIEW_NOTICE,		/* one notice in detail */
	VIEW_HELP,		/* the keys of one screen, or of every screen */
	VIEW_PROCEDURES,	/* the catalogue, or what a search found */
	VIEW_PROCEDURE,		/* one procedure in detail */
	VIEW_APPLICATIONS,	/* drafts, submissions waiting, applications */
	VIEW_APPLICATION,	/* one application with its status history */
	VIEW_RECORDS,		/* My information: records by category */
	VIEW_RECORD,		/* one record in detail */
	VIEW_ACCESS,		/* Access records, newest first, maybe of one agency */
	VIEW_ACCESS_ITEM,	/* one access record in detail */
	VIEW_AGENCIES,		/* the agency to filter access records by */
	VIEW_SETTINGS,		/* the settings, each with its value */
	VIEW_SNOOZE,		/* how long to snooze a deadline */
	VIEW_FORM,		/* one step of the Apply wizard */
	VIEW_REVIEW,		/* the wizard's review page */
	VIEW_SCREENS		/* the number of screens; as help_for: every screen */
};

#define VIEW_BIT(screen) (1u << (screen))

enum view_kind {
	VIEW_ITEM_DEADLINE,	/* id names a deadline; can be opened and marked done */
	VIEW_ITEM_NOTICE,	/* id names a notice; can be opened (and so read) */
	VIEW_ITEM_LINE,		/* a line of text: detail, help or "nothing here" */
	VIEW_ITEM_PROCEDURE,	/* id names a procedure */
	VIEW_ITEM_APPLICATION,	/* id names an application */
	VIEW_ITEM_DRAFT,	/* id is a draft's number: Enter continues it */
	VIEW_ITEM_OUTBOX,	/* id is an outbox item's number: waiting to be sent */
	VIEW_ITEM_RECORD,	/* id names a record */
	VIEW_ITEM_ACCESS,	/* id names an access record */
	VIEW_ITEM_SETTING,	/* id is the setting's key; status its value in words */
	VIEW_ITEM_CHOICE,	/* id is the value chosen (a form's choice, a snooze,
				   an agency, a review's answer) */
	VIEW_ITEM_ACTION,	/* id says what Enter does: "apply", "fix", "submit" */
	VIEW_ITEM_EDIT		/* a text field: label, and its text as status */
};

struct view_item {
	enum view_kind kind;
	char	      *id;	/* NULL for a line */
	char	      *label;	/* one line, never NULL */
	char	      *status;	/* status in words ("in 6 days", "unread"), or NULL */
	size_t	       section;	/* index into view.sections */
	char	     **detail;	/* the lines a detail screen shows */
	size_t	       ndetail;
};

struct view {
	enum view_screen  screen;
	enum view_screen  help_for;	/* VIEW_HELP: the screen whose keys are listed */
	char		 *subject;	/* detail screens: the id shown, else NULL */
	int		  subject_done;	/* VIEW_DEADLINE: the deadline is done */
	char		 *title;
	char		 *summary;
	char		**sections;	/* headings; "" for none */
	size_t		  nsections;
	struct view_item *items;
	size_t		  nitems;
	size_t		  initial;	/* the item to focus when the screen is new */
};

/* The state of a deadline, as JSON names it and as words say it. */
enum view_state { VIEW_OPEN, VIEW_OVERDUE, VIEW_DONE };

void view_init(struct view *v);
/* Frees the contents; v is empty (as after view_init) afterwards. */
void view_release(struct view *v);

/* Builders.  Each releases what v held first.  They return 0, or -1 with a
 * newly allocated reason in *cause (v is then empty). */
int view_todo(struct view *v, struct store *st, time_t now, char **cause);
int view_notices(struct view *v, struct store *st, time_t now, char **cause);
/* A detail screen, one item per line.  width > 0 wraps long lines at that
 * many columns (each wrapped piece is its own item); 0 keeps them whole.
 * *found is 0 (and v empty) when there is no such item. */
int view_deadline(struct view *v, struct store *st, const char *id, time_t now, int width,
		  int *found, char **cause);
int view_notice(struct view *v, struct store *st, const char *id, time_t now, int width,
		int *found, char **cause);
/* The keys of screen `of`, from the key table: the curses names, or the
 * plain presenter's words when plain is 1.  of VIEW_SCREENS lists every
 * screen, each under its own heading, after the keys that go to screens.
 * Each line is "key:" padded to the widest key (in terminal columns) and
 * what it does; width > 0 wraps what it does into that column (or, when
 * that would leave it fewer than 16 columns, wraps whole lines). */
void view_help(struct view *v, enum view_screen of, int plain, int width);

/* The catalogue (query NULL or blank: the first VIEW_LIST_MAX procedures
 * in id order), or the procedures a search finds (at most VIEW_FOUND_MAX,
 * best first). */
#define VIEW_LIST_MAX  200
#define VIEW_FOUND_MAX 100
int view_procedures(struct view *v, struct store *st, const char *query, char **cause);
int view_procedure(struct view *v, struct store *st, const char *id, int width, int *found,
		   char **cause);
/* Drafts, submissions waiting to be sent, then applications (newest
 * first). */
int view_applications(struct view *v, struct store *st, time_t now, char **cause);
int view_application(struct view *v, struct store *st, const char *id, time_t now, int width,
		     int *found, char **cause);
/* My information: records under a heading per category. */
int view_records(struct view *v, struct store *st, char **cause);
int view_record(struct view *v, struct store *st, const char *id, int width, int *found,
		char **cause);
/* Access records, newest first; agency non-NULL keeps that agency's. */
int view_access(struct view *v, struct store *st, const char *agency, char **cause);
int view_access_item(struct view *v, struct store *st, const char *id, int width, int *found,
		     char **cause);
/* The agencies that looked at the resident's information, to filter by;
 * the first choice (id "") is every agency. */
int view_agencies(struct view *v, struct store *st, char **cause);
/* How long to snooze deadline id; choice ids are seconds ("0": stop
 * snoozing). */
int view_snooze(struct view *v, struct store *st, const char *id, time_t now, int *found,
		char **cause);

/* Words for the facts of the new types, shared with the sub-commands. */
const char *view_procedure_name(const struct wire_procedure *p);
const char *view_procedure_agency(const struct wire_procedure *p);
/* "received", "needs changes", ... translated; unknown statuses as they are. */
const char *view_status_words(const char *status);
/* "Pension", "Tax", ...; an unknown category with "_" read as blanks
 * (newly allocated). */
char *view_category_words(const char *category);
/* Labelled lines, one fact per line, for show and the detail screens.
 * form may be NULL (answers are then labelled by their field names). */
void view_procedure_lines(const struct wire_procedure *p, char ***lines, size_t *n);
void view_application_lines(const struct wire_application *a, const struct wire_procedure *form,
			    char ***lines, size_t *n);
void view_record_lines(const struct wire_record *r, char ***lines, size_t *n);
void view_access_lines(const struct wire_access *a, char ***lines, size_t *n);
/* An answer as people read it: the choice's label, "yes"/"no", the number
 * or the text.  f may be NULL.  Newly allocated. */
char *view_answer_words(const struct wire_field *f, const struct wire_answer *a);

/* Helpers for the other builders (wizard, settings): an item (label and
 * status are taken over, id is copied) and a section heading (taken
 * over). */
struct view_item *view_add_item(struct view *v, enum view_kind kind, const char *id, char *label,
				char *status, size_t section);
size_t view_add_section(struct view *v, char *heading);
/* Appends lines as LINE items wrapped at width, in a new section. */
void view_add_lines(struct view *v, char **lines, size_t n, int width);
void view_lines_push(char ***lines, size_t *n, char *line);
/* s with every newline made a blank (labels are one line).  Newly
 * allocated. */
char *view_one_line(const char *s);
/* 1 for an item that plain mode numbers (not a line, not a text field). */
int view_numbered(const struct view_item *it);

/* Returns the index of the item with that id, or -1. */
long view_find(const struct view *v, const char *id);
/* Returns the number of items that plain mode numbers (view_numbered). */
size_t view_count(const struct view *v);

/* Words and facts shared by the screens and the sub-commands. */
enum view_state view_deadline_state(const struct store_deadline *d, time_t now);
/* "open", "overdue", "done": fixed names for JSON. */
const char *view_state_name(enum view_state s);
/* The same, translated, for people. */
const char *view_state_words(enum view_state s);
/* How near the deadline is, in words: "in 6 days", "due today",
 * "3 days overdue", or "done".  Newly allocated. */
char *view_deadline_when(const struct store_deadline *d, time_t now);
const char *view_deadline_title(const struct store_deadline *d);
const char *view_notice_title(const struct store_notice *n);
const char *view_notice_sender(const struct store_notice *n);
const char *view_notice_body(const struct store_notice *n);
/* "unread, verified sender", "read, bad signature"... (who sent a notice,
 * in words: sender.h).  Newly allocated. */
char *view_notice_status(const struct store_notice *n);
/* "Title, from Agency" for a verified notice, "Title, sender (not
 * verified): Sender" otherwise, or the title alone when no sender is
 * named.  Newly allocated. */
char *view_notice_label(const struct store_notice *n);
/* The labelled "key: value" lines of a deadline or notice (without the
 * title; a notice's start with sender_check and sender_line),
 * then a notice's body line by line.  Free with view_lines_free. */
void view_deadline_lines(const struct store_deadline *d, time_t now, char ***lines, size_t *n);
void view_notice_lines(const struct store_notice *n, char ***lines, size_t *count);
void view_lines_free(char **lines, size_t n);

/* "2 new notices, 1 new deadline", or NULL when both are 0.  Newly
 * allocated. */
char *view_news(size_t notices, size_t deadlines);

/* Splits s at newlines, then each line at cols columns (at a space when
 * there is one in the second half of the line, else between characters);
 * cols <= 0 splits only at newlines.  Appends the pieces, newly allocated,
 * to *lines (which may be NULL with *n 0). */
void view_wrap(const char *s, int cols, char ***lines, size_t *n);

#endif
