/*
 * app: the front end's one context while the TUI runs: the store, where the
 * person is (a small stack of screens, each with its focus), the view of
 * the current screen, and the announcement for the status line.  Both
 * presenters drive it with actions from the key table and render app.view;
 * neither touches the store itself.
 *
 * Invariants after app_init succeeds: depth >= 1 (nav[0] is the root: To do
 * or Notices); view holds the screen on top of nav; focus < view.nitems
 * whenever view.nitems > 0.
 */
#ifndef MYNA_APP_H
#define MYNA_APP_H

#include <stddef.h>

#include "keys.h"
#include "store.h"
#include "view.h"

#define APP_NAV_MAX 6

struct app_place {
	enum view_screen screen;
	char		*subject;	/* detail screens: the item's id */
	char		*focus_id;	/* id of the focused item, when it has one */
	size_t		 focus;		/* index of the focused item */
};

struct app {
	struct store	*store;		/* borrowed; the caller closes it */
	int		 width;		/* columns for wrapping detail text; 0: none */
	int		 plain;		/* help lists the plain presenter's words */
	struct app_place nav[APP_NAV_MAX];
	size_t		 depth;
	struct view	 view;
	long long	 data_version;
	char	       **known_notices;	/* sorted ids seen so far, to count new ones */
	size_t		 nknown_notices;
	char	       **known_deadlines;
	size_t		 nknown_deadlines;
	char		*status;	/* the announcement, or NULL */
	unsigned	 serial;	/* grows whenever the view or status changes */
	unsigned	 data_serial;	/* grows whenever synced data changed */
	int		 quit;
};

/* Starts on To do.  width and plain as above.  Returns 0, or -1 with a
 * newly allocated reason in *cause. */
int app_init(struct app *a, struct store *st, int width, int plain, char **cause);
void app_release(struct app *a);

/* The focused item's index (0 when the view is empty). */
size_t app_focus(const struct app *a);
/* Moves the focus to item i (clamped to the list). */
void app_set_focus(struct app *a, size_t i);
/* Wraps detail text at a new width and rebuilds the view. */
void app_set_width(struct app *a, int width);

/* Performs an action on the current screen.  page is the number of items
 * that one screenful shows (for page up and down). */
void app_do(struct app *a, enum keys_action action, size_t page);
/* Opens item i (Enter on it, or its number in plain mode). */
void app_open(struct app *a, size_t i);
/* Marks the deadline at item i done (or open again when it is done). */
void app_done(struct app *a, size_t i);

/* Checks whether another process changed the store (a sync by mynad or
 * `myna sync`); if so, rebuilds the view keeping the focus on the same item
 * and announces what is new.  Returns 1 when the view changed, else 0. */
int app_poll(struct app *a);

/* Sets the announcement (a copy of text; NULL clears it). */
void app_announce(struct app *a, const char *text);

#endif
