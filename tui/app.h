/*
 * app: the front end's one context while the TUI runs: the store, where the
 * person is (a small stack of screens, each with its focus), the view of
 * the current screen, the announcement for the status line, the text
 * being typed into a field, and the Apply wizard when a form is open.
 * The presenters (curses, plain, and the speech presenter beside either)
 * drive it with actions from the key table and render app.view; none of
 * them touches the store itself.
 *
 * Invariants after app_init succeeds: depth >= 1 (nav[0] is a root screen:
 * one of the eight that the digits go to); view holds the screen on top of
 * nav; focus < view.nitems whenever view.nitems > 0; wizard is not NULL
 * exactly while a VIEW_FORM place is on nav; editing is 1 only while the
 * focused item is a field (EDIT) or a typed setting, and then edit holds
 * its text.
 */
#ifndef MYNA_APP_H
#define MYNA_APP_H

#include <stddef.h>

#include "config.h"
#include "edit.h"
#include "keys.h"
#include "store.h"
#include "view.h"

#define APP_NAV_MAX 8
/* Seconds to wait for mynad to send a submission before saying it is
 * queued; the TUI shows "Sending" meanwhile. */
#define APP_SEND_WAIT 15
/* Seconds to wait for mynad's sync when s is pressed. */
#define APP_SYNC_WAIT 60

struct wizard;
struct voice;

struct app_place {
	enum view_screen screen;
	char		*subject;	/* details: the item's id; Procedures: the search;
					   Access records: the agency; a form: the
					   procedure; Help: "all" for every screen */
	char		*focus_id;	/* id of the focused item, when it has one */
	size_t		 focus;		/* index of the focused item */
	enum view_screen help_of;	/* VIEW_HELP: the screen whose keys are listed */
	int		 fresh;		/* not shown yet: focus the view's initial item */
};

struct app {
	struct store	*store;		/* borrowed; the caller closes it */
	struct config	*config;	/* borrowed; the settings (NULL: defaults) */
	const char	*config_path;	/* borrowed; NULL: settings are not saved */
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
	char	       **known_apps;	/* sorted "id status" of applications seen */
	size_t		 nknown_apps;
	char		*status;	/* the announcement, or NULL */
	int		 status_error;	/* the announcement is an error */
	unsigned	 serial;	/* grows whenever the view or status changes */
	unsigned	 data_serial;	/* grows whenever synced data changed */
	int		 quit;
	struct voice	*voice;		/* the speech presenter, or NULL (owned) */
	struct wizard	*wizard;	/* the form being filled in, or NULL (owned) */
	size_t		 form_step;	/* the question the field's text belongs to */
	struct edit	 edit;		/* the text of the field being typed in */
	int		 editing;
	/* The last change typed into the field, for the speech presenter's
	 * echo: echo_serial grows with each; echo_text is what was inserted,
	 * or deleted when echo_deleted is 1 (NULL: nothing yet). */
	unsigned	 echo_serial;
	char		*echo_text;
	int		 echo_deleted;
	char		*confirm;	/* the draft that x would delete at once */
	long		 send_wait;	/* APP_SEND_WAIT; tests may shorten it */
	/* Called before something that blocks (a sync, sending) once the
	 * announcement says so, for the presenter to show it; may be NULL.
	 * presenter is the presenter's own state, for it. */
	void	       (*busy)(struct app *a);
	void		*presenter;
};

/* Starts on To do.  width and plain as above.  Returns 0, or -1 with a
 * newly allocated reason in *cause. */
int app_init(struct app *a, struct store *st, int width, int plain, char **cause);
void app_release(struct app *a);
/* Gives the app the settings to show and change on the Settings screen
 * (path NULL: changes are not saved) and opens the speech presenter when
 * speech is on or forced (--speech). */
void app_set_config(struct app *a, struct config *c, const char *path, int speech);

/* The focused item's index (0 when the view is empty), and the item
 * (NULL when the view is empty). */
size_t app_focus(const struct app *a);
const struct view_item *app_item(const struct app *a);
/* Moves the focus to item i (clamped to the list). */
void app_set_focus(struct app *a, size_t i);
/* Wraps detail text at a new width and rebuilds the view. */
void app_set_width(struct app *a, int width);

/* Performs an action on the current screen.  page is the number of items
 * that one screenful shows (for page up and down). */
void app_do(struct app *a, enum keys_action action, size_t page);
/* Opens or chooses item i (Enter on it, or its number in plain mode). */
void app_open(struct app *a, size_t i);
/* Marks the deadline at item i done (or open again when it is done). */
void app_done(struct app *a, size_t i);
/* Goes to Procedures and shows what query finds (NULL or blank: the whole
 * catalogue). */
void app_search(struct app *a, const char *query);
/* Leaves the form open at once (its draft stays), back to where it was
 * opened from. */
void app_leave_form(struct app *a);

/* The field being typed in (while editing): insert text at the cursor,
 * delete, move, replace the whole text (plain mode), take it (Enter), or
 * leave it (Esc).  A form's field saves the draft on every change. */
void app_edit_insert(struct app *a, const char *utf8);
void app_edit_backspace(struct app *a);
void app_edit_delete(struct app *a);
void app_edit_move(struct app *a, int where);	/* -1 left, 1 right, -2 home, 2 end */
void app_edit_replace(struct app *a, const char *text);
void app_edit_submit(struct app *a);
void app_edit_cancel(struct app *a);

/* Checks whether another process changed the store (a sync by mynad or
 * `myna sync`); if so, rebuilds the view keeping the focus on the same item
 * and announces what is new.  Returns 1 when the view changed, else 0. */
int app_poll(struct app *a);

/* Sets the announcement (a copy of text; NULL clears it); app_error sets
 * one that is an error (spoken first). */
void app_announce(struct app *a, const char *text);
void app_error(struct app *a, const char *text);

#endif
