/*
 * listing: the sub-commands that list and show the catalogue, applications,
 * My information and access records, and `myna search`.  Plain output
 * says how many items there are, then one numbered line each with its
 * status in words and its id; --json gives the same as a JSON array for
 * scripts.  Each function returns an exit status (cmd.h).
 */
#ifndef MYNA_TUI_LISTING_H
#define MYNA_TUI_LISTING_H

#include "cmd.h"

/* list applications|records|access [--json] (kind as given). */
int listing_list(struct cmd_ctx *ctx, const char *kind, int json);
/* 1 when kind is one listing_list knows. */
int listing_knows(const char *kind);
/* show application|procedure ID; kind as given; speech 1 also reads it
 * aloud.  Returns CMD_USAGE for a kind it does not know. */
int listing_show(struct cmd_ctx *ctx, const char *kind, const char *id, int speech);
/* search TEXT... [--json] */
int listing_search_cmd(struct cmd_ctx *ctx, int argc, char **argv);

#endif
