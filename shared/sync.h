/*
 * sync: pulls the change feed into the store.  Follows the cursor until
 * has_more is false; each page and its cursor are written in one
 * transaction, so an interrupted sync resumes where it stopped and never
 * applies a page twice.  On 401 the session is refreshed once.  Used by
 * mynad and by `myna sync` when no daemon runs.
 */
#ifndef MYNA_SYNC_H
#define MYNA_SYNC_H

#include <stddef.h>

#include "session.h"
#include "store.h"

#define SYNC_PAGE_LIMIT 200

struct sync_result {
	size_t pages;
	size_t changes;		/* changes applied */
	size_t skipped;		/* changes of types this version does not know */
	int    not_modified;	/* the server answered 304 */
	size_t new_notices;	/* notices not seen before */
	size_t new_deadlines;
};

/* Returns 0, or -1 with a newly allocated reason in *cause.  *res is filled
 * in either way with what was applied before a failure. */
int sync_run(struct store *st, struct session *se, struct sync_result *res, char **cause);

#endif
