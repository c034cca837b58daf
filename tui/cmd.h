/*
 * cmd: the sub-commands of myna, as one const table, and the TUI's entry.
 * main() parses the global options, opens what a command needs and calls
 * its handler; handlers print their results on stdout and their errors on
 * stderr, and return an exit status: CMD_OK, CMD_FAIL (something went
 * wrong; the message says what to do) or CMD_USAGE (bad arguments; a usage
 * line follows the message).
 */
#ifndef MYNA_CMD_H
#define MYNA_CMD_H

#include <stddef.h>
#include <stdio.h>

#include "config.h"
#include "store.h"

enum { CMD_OK = 0, CMD_FAIL = 1, CMD_USAGE = 2 };

struct cmd_ctx {
	struct config *config;		/* the user's settings, loaded by main */
	char	      *config_path;
	struct store  *store;		/* open when the command needs it */
	int	       plain;		/* --plain was given */
	int	       speech;		/* --speech was given */
};

struct cmd_entry {
	const char *name;
	const char *usage;	/* arguments after the name (N_) */
	const char *help;	/* one line on what it does (N_) */
	int	  (*exec)(struct cmd_ctx *ctx, int argc, char **argv);
	int	    needs_store;
};

extern const struct cmd_entry cmd_table[];
extern const size_t cmd_count;

/* The entry named name, or NULL. */
const struct cmd_entry *cmd_find(const char *name);

/* Prints "myna: MESSAGE" on stderr. */
void cmd_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Says the local store could not be read, with its error; returns
 * CMD_FAIL. */
int cmd_store_error(struct cmd_ctx *ctx);
/* Prints "myna: MESSAGE" and the command's usage line on stderr; returns
 * CMD_USAGE. */
int cmd_usage(const char *name, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The text of --help. */
void cmd_help(FILE *out);

/* Runs the TUI (no sub-command): curses on a terminal, else plain. */
int cmd_tui(struct cmd_ctx *ctx);

#endif
