/*
 * keys: the key table (see keys.h).
 */
#include <curses.h>
#include <string.h>

#include "i18n.h"
#include "keys.h"

#define B(s) VIEW_BIT(VIEW_##s)

#define ALL	 KEYS_EVERY
#define FORMS	 (B(FORM) | B(REVIEW))
/* Where Enter opens or chooses something. */
#define OPENS	 (ALL & ~B(HELP))
#define NOT_HOME (ALL & ~B(TODO) & ~FORMS)
#define NOT_HELP (ALL & ~B(HELP))
/* Screens that go on when a sync brings news; forms and choosers wait. */
#define SYNCS	 (KEYS_COMMON)
#define APPLY_LISTS (B(TODO) | B(PROCEDURES) | B(APPLICATIONS))
#define APPLY_ONE   (B(PROCEDURE) | B(APPLICATION))

#define KEY_ESC	   27
#define KEY_CTRL_L 12

/* Help lists the rows in this order, so the common keys come first. */
const struct keys_entry keys_table[] = {
	{ ALL, 'j', N_("j or Down"), NULL, NULL, KEYS_DOWN, N_("Move to the next item") },
	{ ALL, KEY_DOWN, NULL, NULL, NULL, KEYS_DOWN, NULL },
	{ ALL, 'k', N_("k or Up"), NULL, NULL, KEYS_UP, N_("Move to the previous item") },
	{ ALL, KEY_UP, NULL, NULL, NULL, KEYS_UP, NULL },
	{ ALL, KEY_NPAGE, N_("Page Down"), NULL, NULL, KEYS_PAGE_DOWN, N_("Move one page down") },
	{ ALL, KEY_PPAGE, N_("Page Up"), NULL, NULL, KEYS_PAGE_UP, N_("Move one page up") },
	{ ALL, 'g', N_("g or Home"), NULL, NULL, KEYS_FIRST, N_("Move to the first item") },
	{ ALL, KEY_HOME, NULL, NULL, NULL, KEYS_FIRST, NULL },
	{ ALL, 'G', N_("G or End"), NULL, NULL, KEYS_LAST, N_("Move to the last item") },
	{ ALL, KEY_END, NULL, NULL, NULL, KEYS_LAST, NULL },
	{ OPENS, '\n', N_("Enter"), NULL, N_("a number"), KEYS_OPEN,
	  N_("Open the item (a notice is then marked read), or choose it") },
	{ OPENS, '\r', NULL, NULL, NULL, KEYS_OPEN, NULL },
	{ OPENS, KEY_ENTER, NULL, NULL, NULL, KEYS_OPEN, NULL },
	{ B(TODO), 'd', "d", "d", N_("d and a number"), KEYS_DONE, N_("Mark the deadline done") },
	{ B(DEADLINE), 'd', "d", "d", NULL, KEYS_DONE,
	  N_("Mark this deadline done, or open again if it is done") },
	{ B(TODO), 'z', "z", "z", N_("z and a number"), KEYS_SNOOZE,
	  N_("Snooze the deadline's reminders for a while") },
	{ B(DEADLINE), 'z', "z", "z", NULL, KEYS_SNOOZE,
	  N_("Snooze this deadline's reminders for a while") },
	{ APPLY_LISTS, 'a', "a", "a", N_("a and a number"), KEYS_APPLY,
	  N_("Apply for the procedure, continue the draft, or fix the application") },
	{ APPLY_ONE, 'a', "a", "a", NULL, KEYS_APPLY,
	  N_("Apply for this procedure, or fix this application") },
	{ B(APPLICATIONS), 'x', "x", "x", N_("x and a number"), KEYS_DELETE,
	  N_("Delete the draft") },
	{ NOT_HELP & ~FORMS, '/', "/", "/", N_("/ and words"), KEYS_SEARCH,
	  N_("Search the procedures") },
	{ B(ACCESS), 'f', "f", "f", NULL, KEYS_FILTER,
	  N_("Show the records of one agency, or of all") },
	{ ALL, '1', "1", "t", NULL, KEYS_TODO, N_("Go to To do") },
	{ ALL, '2', "2", "n", NULL, KEYS_NOTICES, N_("Go to Notices") },
	{ ALL, '3', "3", "p", NULL, KEYS_PROCEDURES, N_("Go to Procedures") },
	{ ALL, '4', "4", "apps", NULL, KEYS_APPLICATIONS, N_("Go to Applications") },
	{ ALL, '5', "5", "info", NULL, KEYS_RECORDS, N_("Go to My information") },
	{ ALL, '6', "6", "access", NULL, KEYS_ACCESS, N_("Go to Access records") },
	{ ALL, '7', "7", "settings", NULL, KEYS_SETTINGS, N_("Go to Settings") },
	{ ALL, '8', "8", "help", NULL, KEYS_HELP_ALL, N_("Go to Help: the keys of every screen") },
	{ SYNCS, 's', "s", "s", NULL, KEYS_SYNC, N_("Sync with the server now") },
	{ NOT_HELP, '?', "?", "?", NULL, KEYS_HELP, N_("List the keys of this screen") },
	{ ALL, 'r', "r", "r", NULL, KEYS_REPEAT, N_("Say the last thing spoken again") },
	{ ALL, KEY_CTRL_L, "Ctrl-L", "l", NULL, KEYS_REDRAW, N_("Show the screen again") },
	{ B(TODO), 'q', N_("q or Esc"), "q", NULL, KEYS_BACK, N_("Quit") },
	{ B(TODO), KEY_ESC, NULL, NULL, NULL, KEYS_BACK, NULL },
	{ NOT_HOME, 'q', N_("q or Esc"), "q", NULL, KEYS_BACK, N_("Go back") },
	{ NOT_HOME, KEY_ESC, NULL, NULL, NULL, KEYS_BACK, NULL },
	{ FORMS, 'q', N_("q or Esc"), "<", NULL, KEYS_BACK,
	  N_("Go back one question; your answers are kept") },
	{ FORMS, KEY_ESC, NULL, NULL, NULL, KEYS_BACK, NULL },
};

const size_t keys_count = sizeof keys_table / sizeof keys_table[0];

enum keys_action
keys_lookup(enum view_screen screen, int key)
{
	size_t i;

	for (i = 0; i < keys_count; i++) {
		if ((keys_table[i].screens & VIEW_BIT(screen)) && keys_table[i].key == key)
			return keys_table[i].action;
	}
	return KEYS_NONE;
}

enum keys_action
keys_lookup_plain(enum view_screen screen, const char *word)
{
	size_t i;

	for (i = 0; i < keys_count; i++) {
		if ((keys_table[i].screens & VIEW_BIT(screen)) && keys_table[i].plain != NULL &&
		    strcmp(keys_table[i].plain, word) == 0)
			return keys_table[i].action;
	}
	return KEYS_NONE;
}
