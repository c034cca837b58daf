/*
 * keys: the key table (see keys.h).
 */
#include <curses.h>
#include <string.h>

#include "i18n.h"
#include "keys.h"

#define ALL	 (VIEW_BIT(VIEW_TODO) | VIEW_BIT(VIEW_NOTICES) | VIEW_BIT(VIEW_DEADLINE) | \
		  VIEW_BIT(VIEW_NOTICE) | VIEW_BIT(VIEW_HELP))
#define LISTS	 (VIEW_BIT(VIEW_TODO) | VIEW_BIT(VIEW_NOTICES))
#define NOT_HOME (ALL & ~VIEW_BIT(VIEW_TODO))
#define NOT_HELP (ALL & ~VIEW_BIT(VIEW_HELP))

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
	{ LISTS, '\n', N_("Enter"), NULL, N_("a number"), KEYS_OPEN,
	  N_("Open the item; a notice is then marked read") },
	{ LISTS, '\r', NULL, NULL, NULL, KEYS_OPEN, NULL },
	{ LISTS, KEY_ENTER, NULL, NULL, NULL, KEYS_OPEN, NULL },
	{ VIEW_BIT(VIEW_TODO), 'd', "d", "d", N_("d and a number"), KEYS_DONE,
	  N_("Mark the deadline done") },
	{ VIEW_BIT(VIEW_DEADLINE), 'd', "d", "d", NULL, KEYS_DONE,
	  N_("Mark this deadline done, or open again if it is done") },
	{ ALL, '1', "1", "t", NULL, KEYS_TODO, N_("Go to To do") },
	{ ALL, '2', "2", "n", NULL, KEYS_NOTICES, N_("Go to Notices") },
	{ NOT_HELP, 's', "s", "s", NULL, KEYS_SYNC, N_("Sync with the server now") },
	{ NOT_HELP, '?', "?", "?", NULL, KEYS_HELP, N_("List the keys of this screen") },
	{ ALL, KEY_CTRL_L, "Ctrl-L", "l", NULL, KEYS_REDRAW, N_("Show the screen again") },
	{ VIEW_BIT(VIEW_TODO), 'q', N_("q or Esc"), "q", NULL, KEYS_BACK, N_("Quit") },
	{ VIEW_BIT(VIEW_TODO), KEY_ESC, NULL, NULL, NULL, KEYS_BACK, NULL },
	{ NOT_HOME, 'q', N_("q or Esc"), "q", NULL, KEYS_BACK, N_("Go back") },
	{ NOT_HOME, KEY_ESC, NULL, NULL, NULL, KEYS_BACK, NULL },
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
