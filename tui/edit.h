/*
 * edit: one line of text being typed (a search, a setting, an answer of a
 * form) as UTF-8, with a cursor between characters.  Invariants: text is
 * never NULL and always NUL-terminated valid UTF-8 without control
 * characters; len <= EDIT_MAX; pos <= len and at the start of a character.
 */
#ifndef MYNA_TUI_EDIT_H
#define MYNA_TUI_EDIT_H

#include <stddef.h>

#define EDIT_MAX (16 * 1024)	/* bytes of one line: the longest form answer */

struct edit {
	char  *text;
	size_t len;
	size_t pos;	/* the cursor, in bytes */
};

/* Sets the text (a copy of text, NULL for empty; cut to EDIT_MAX at a
 * character and cleaned of controls), the cursor at its end.  Works on a
 * zeroed or released edit too. */
void edit_set(struct edit *e, const char *text);
void edit_release(struct edit *e);

/* Inserts utf8 at the cursor.  Returns 1 when the text changed, 0 when it
 * did not (a control character, invalid UTF-8, or no room). */
int edit_insert(struct edit *e, const char *utf8);
/* Deletes the character before the cursor (backspace) or at it (delete).
 * Returns 1 when the text changed. */
int edit_backspace(struct edit *e);
int edit_delete(struct edit *e);
/* Moves the cursor one character left or right, or to either end. */
void edit_left(struct edit *e);
void edit_right(struct edit *e);
void edit_home(struct edit *e);
void edit_end(struct edit *e);

#endif
