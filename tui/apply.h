/*
 * apply: `myna apply PROCEDURE_ID [--field NAME=VALUE]...`, which fills a
 * procedure's form from the command line (no questions asked; NAME:=VALUE
 * gives a number, true or false rather than text) and queues
 * it in the outbox for mynad to send, with a new idempotency key.  When a
 * daemon runs it is asked to send at once, and the command says what the
 * server answered; otherwise the submission waits for mynad.
 */
#ifndef MYNA_APPLY_H
#define MYNA_APPLY_H

#include "cmd.h"

#define APPLY_FIELDS_MAX 64		/* --field options */
#define APPLY_VALUE_MAX	 (16 * 1024)	/* bytes of one value */

int apply_cmd(struct cmd_ctx *ctx, int argc, char **argv);

#endif
