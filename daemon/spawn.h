/*
 * spawn: starting the daemon's child processes clean.
 */
#ifndef MYNA_SPAWN_H
#define MYNA_SPAWN_H

#include <sys/types.h>

/* Starts path with argv (searched in PATH when search is not 0), its
 * standard input and output from in and out (-1: the daemon's own), and
 * nothing else of the daemon's: no other descriptor (libcurl's connections
 * are not close-on-exec), no signal blocked (the daemon blocks the ones its
 * signalfd reads), SIGPIPE at its default (the daemon ignores it).
 * Returns 0 with *pid set, or an errno value. */
int spawn_clean(pid_t *pid, const char *path, int search, char *const argv[], int in, int out);

#endif
