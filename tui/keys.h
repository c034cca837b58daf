/*
 * keys: the one table that maps keys to actions, per screen.  The curses
 * presenter looks up key codes (getch values); the plain presenter looks up
 * the words people type; help screens list the table.  A row with a NULL
 * name is an alias of the row before it and is not listed in help.
 */
#ifndef MYNA_KEYS_H
#define MYNA_KEYS_H

#include <stddef.h>

#include "view.h"

enum keys_action {
	KEYS_NONE,
	KEYS_DOWN,
	KEYS_UP,
	KEYS_PAGE_DOWN,
	KEYS_PAGE_UP,
	KEYS_FIRST,
	KEYS_LAST,
	KEYS_OPEN,
	KEYS_BACK,
	KEYS_TODO,		/* the screens, 1 to 8 */
	KEYS_NOTICES,
	KEYS_PROCEDURES,
	KEYS_APPLICATIONS,
	KEYS_RECORDS,
	KEYS_ACCESS,
	KEYS_SETTINGS,
	KEYS_HELP_ALL,
	KEYS_DONE,
	KEYS_SNOOZE,
	KEYS_APPLY,
	KEYS_DELETE,
	KEYS_SEARCH,
	KEYS_FILTER,
	KEYS_SYNC,
	KEYS_HELP,
	KEYS_REPEAT,
	KEYS_REDRAW
};

/* Every screen, and the usual ones (lists and details) whose common keys
 * help lists once. */
#define KEYS_EVERY  ((1u << VIEW_SCREENS) - 1)
#define KEYS_COMMON                                                                          \
	(VIEW_BIT(VIEW_TODO) | VIEW_BIT(VIEW_NOTICES) | VIEW_BIT(VIEW_DEADLINE) |              \
	 VIEW_BIT(VIEW_NOTICE) | VIEW_BIT(VIEW_PROCEDURES) | VIEW_BIT(VIEW_PROCEDURE) |        \
	 VIEW_BIT(VIEW_APPLICATIONS) | VIEW_BIT(VIEW_APPLICATION) | VIEW_BIT(VIEW_RECORDS) |   \
	 VIEW_BIT(VIEW_RECORD) | VIEW_BIT(VIEW_ACCESS) | VIEW_BIT(VIEW_ACCESS_ITEM) |          \
	 VIEW_BIT(VIEW_SETTINGS))

struct keys_entry {
	unsigned	 screens;	/* VIEW_BIT() of the screens it works on */
	int		 key;		/* curses key code; 0: none */
	const char	*name;		/* the key as help shows it; NULL: an alias */
	const char	*plain;		/* the word typed in plain mode; NULL: none */
	const char	*plain_name;	/* how plain help shows it; NULL: plain */
	enum keys_action action;
	const char	*help;		/* what it does (N_, translate when shown) */
};

extern const struct keys_entry keys_table[];
extern const size_t keys_count;

/* The action of curses key code key on screen, or KEYS_NONE. */
enum keys_action keys_lookup(enum view_screen screen, int key);
/* The action of the plain word on screen, or KEYS_NONE. */
enum keys_action keys_lookup_plain(enum view_screen screen, const char *word);

#endif
