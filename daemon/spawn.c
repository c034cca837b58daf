/*
 * spawn: starting the daemon's child processes clean (see spawn.h).
 */
#include <signal.h>
#include <spawn.h>

#include "spawn.h"

extern char **environ;

int spawn_clean(pid_t *pid, const char *path, int search, char *const argv[], int in, int out)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, dflt;
	int rc;

	sigemptyset(&none);
	sigemptyset(&dflt);
	sigaddset(&dflt, SIGPIPE);
	posix_spawnattr_init(&attr);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &dflt);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	posix_spawn_file_actions_init(&fa);
	if (in >= 0)
		posix_spawn_file_actions_adddup2(&fa, in, 0);
	if (out >= 0)
		posix_spawn_file_actions_adddup2(&fa, out, 1);
	posix_spawn_file_actions_addclosefrom_np(&fa, 3);
	rc = search ? posix_spawnp(pid, path, &fa, &attr, argv, environ) :
		      posix_spawn(pid, path, &fa, &attr, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	return rc;
}
