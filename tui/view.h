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
	VIEW_TODO,	/* home: open deadlines by urgency, unread notices */
	VIEW_NOTICES,	/* every notice, newest first */
	VIEW_DEADLINE,	/* one deadline in detail */
	VIEW_NOTICE,	/* one notice in detail */
	VIEW_HELP,	/* the keys of another screen */
	VIEW_SCREENS
};

#define VIEW_BIT(screen) (1u << (screen))

enum view_kind {
	VIEW_ITEM_DEADLINE,	/* id names a deadline; can be opened and marked done */
	VIEW_ITEM_NOTICE,	/* id names a notice; can be opened (and so read) */
	VIEW_ITEM_LINE		/* a line of text: detail, help or "nothing here" */
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
 * plain presenter's words when plain is 1. */
void view_help(struct view *v, enum view_screen of, int plain);

/* Returns the index of the item with that id, or -1. */
long view_find(const struct view *v, const char *id);
/* Returns the number of items that name a deadline or a notice. */
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
/* "Title, from Sender" on one line, or the title alone when there is no
 * sender.  Newly allocated. */
char *view_notice_label(const struct store_notice *n);
/* The labelled "key: value" lines of a deadline or notice (without the
 * title), then a notice's body line by line.  Free with view_lines_free. */
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
