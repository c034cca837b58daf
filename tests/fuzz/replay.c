/*
 * replay: runs every file of a harness's corpus through it, one TAP line
 * per file.  The program test_fuzz_NAME replays tests/fuzz/corpus/NAME
 * (relative to the source tree, where tests/run starts it).  A crash or a
 * sanitizer report ends the run with a non-zero status, which the runner
 * counts as a failure.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../shared/buf.h"
#include "../../shared/mem.h"
#include "fuzz.h"

#define REPLAY_FILE_MAX (1024 * 1024)

static int
replay_read(const char *path, struct buf *b)
{
	char chunk[8192];
	size_t n;
	FILE *f = fopen(path, "rb");

	if (f == NULL)
		return -1;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (buf_add(b, chunk, n) < 0)
			break;
	}
	fclose(f);
	return b->toobig ? -1 : 0;
}

static int
replay_compare(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
main(int argc, char **argv)
{
	const char *base = strrchr(argv[0], '/');
	char *dir, **names = NULL;
	size_t n = 0, i;
	int failed = 0;
	DIR *d;
	struct dirent *e;

	(void)argc;
	base = base ? base + 1 : argv[0];
	if (strncmp(base, "test_fuzz_", 10) != 0) {
		fprintf(stderr, "replay: cannot tell the corpus from the name %s\n", base);
		return 1;
	}
	dir = xasprintf("tests/fuzz/corpus/%s", base + 10);
	if ((d = opendir(dir)) == NULL) {
		fprintf(stderr, "replay: cannot open %s\n", dir);
		return 1;
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		names = xreallocarray(names, n + 1, sizeof *names);
		names[n++] = xasprintf("%s/%s", dir, e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof *names, replay_compare);
	printf("1..%zu\n", n);
	for (i = 0; i < n; i++) {
		struct buf b;

		buf_init(&b, REPLAY_FILE_MAX);
		if (replay_read(names[i], &b) < 0) {
			printf("not ok %zu - %s cannot be read\n", i + 1, names[i]);
			failed = 1;
		} else {
			LLVMFuzzerTestOneInput((const uint8_t *)b.data, b.len);
			printf("ok %zu - %s\n", i + 1, names[i]);
		}
		fflush(stdout);
		buf_release(&b);
		free(names[i]);
	}
	free(names);
	free(dir);
	return failed;
}
