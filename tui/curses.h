/*
 * curses: the full-screen presenter (ncursesw).  Renders app.view with the
 * focused item marked by "> " and reverse video, one status line at the
 * bottom, and the hardware cursor left at the start of the focused item's
 * line after every refresh, so that screen readers and braille displays
 * follow the focus.  No colour, no frames, no animation.
 */
#ifndef MYNA_TUI_CURSES_H
#define MYNA_TUI_CURSES_H

#include "app.h"

/* Runs the TUI on the terminal until the person quits.  Returns 0; 1 when
 * the terminal cannot be driven (unknown TERM: the caller falls back to the
 * plain presenter); -1 with a newly allocated reason in *cause. */
int curses_run(struct app *a, char **cause);

#endif
