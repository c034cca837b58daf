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
	KEYS_TODO,
	KEYS_NOTICES,
	KEYS_DONE,
	KEYS_SYNC,
	KEYS_HELP,
	KEYS_REDRAW
};

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
