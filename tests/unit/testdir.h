/*
 * Temporary directories for the unit tests: made under TMPDIR (else /tmp),
 * removed with everything in them.
 */
#ifndef MYNA_TESTDIR_H
#define MYNA_TESTDIR_H

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "mem.h"

static int
testdir_rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* A new empty directory "$TMPDIR/myna-NAME.XXXXXX" (newly allocated), or
 * NULL when it cannot be made. */
static __attribute__((unused)) char *
testdir_new(const char *name)
{
	const char *tmp = getenv("TMPDIR");
	char *dir = xasprintf("%s/myna-%s.XXXXXX", tmp != NULL && *tmp != '\0' ? tmp : "/tmp", name);

	if (mkdtemp(dir) == NULL) {
		free(dir);
		return NULL;
	}
	return dir;
}

/* Removes dir and all below it; NULL is a no-op. */
static __attribute__((unused)) void
testdir_remove(const char *dir)
{
	if (dir != NULL)
		nftw(dir, testdir_rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

#endif
