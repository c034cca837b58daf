/*
 * plain: the line-by-line presenter (`myna --plain`, and whenever stdout is
 * not a terminal or TERM is dumb).  It never clears the screen and never
 * writes an escape sequence: the title, how many items, numbered items
 * ("1. label — status"), then a prompt that says what it expects; it reads
 * one line at a time.  End of input quits.
 */
#ifndef MYNA_PLAIN_H
#define MYNA_PLAIN_H

#include <stdio.h>

#include "app.h"

/* Runs until q at To do or end of input.  Returns 0, or -1 with a newly
 * allocated reason in *cause when out cannot be written. */
int plain_run(struct app *a, FILE *in, FILE *out, char **cause);

/* Writes s to out without any control character but newline: the last
 * guard that no escape sequence reaches the terminal. */
void plain_puts(FILE *out, const char *s);
/* plain_puts of a formatted string (the format is ours, the values may be
 * anyone's); the _line form adds a newline. */
void plain_printf(FILE *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void plain_printf_line(FILE *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
