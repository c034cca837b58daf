/*
 * paths: where myna keeps its files, after the XDG base directories (see
 * paths.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include "i18n.h"
#include "mem.h"
#include "paths.h"

/* Returns the XDG variable's value if it is usable.  The XDG spec says a
 * relative path in these variables is invalid and must be ignored. */
static const char *paths_xdg(const char *var)
{
	const char *v = getenv(var);

	if (v == NULL || v[0] != '/')
		return NULL;
	return v;
}

/* Returns "$VAR/myna/NAME", or "$HOME/FALLBACK/myna/NAME" when VAR is not
 * usable, or NULL when HOME is not set either. */
static char *paths_under(const char *var, const char *fallback, const char *name)
{
	const char *base = paths_xdg(var), *home;

	if (base != NULL)
		return xasprintf("%s/myna/%s", base, name);
	home = getenv("HOME");
	if (home == NULL || home[0] == '\0')
		return NULL;
	return xasprintf("%s/%s/myna/%s", home, fallback, name);
}

/* Returns "$XDG_RUNTIME_DIR/myna/NAME"; when the session has no runtime
 * directory (a plain ssh login, cron), the state directory, which no other
 * user can make first; "/tmp/myna-UID/NAME" only without a home. */
static char *paths_runtime(const char *name)
{
	const char *base = paths_xdg("XDG_RUNTIME_DIR");
	char *p;

	if (base != NULL)
		return xasprintf("%s/myna/%s", base, name);
	p = paths_under("XDG_STATE_HOME", ".local/state", name);
	if (p != NULL)
		return p;
	return xasprintf("/tmp/myna-%lu/%s", (unsigned long)getuid(), name);
}

char *paths_config_file(void)
{
	return paths_under("XDG_CONFIG_HOME", ".config", "config");
}

char *paths_store_file(void)
{
	return paths_under("XDG_DATA_HOME", ".local/share", "myna.db");
}

char *paths_credentials_file(void)
{
	return paths_under("XDG_STATE_HOME", ".local/state", "credentials");
}

char *paths_socket_file(void)
{
	return paths_runtime("mynad.sock");
}

char *paths_lock_file(void)
{
	return paths_runtime("mynad.lock");
}

/* Creates directory dir (0700) unless a directory is already there. */
static int paths_mkdir(const char *dir, char **cause)
{
	struct stat st;

	if (mkdir(dir, 0700) == 0)
		return 0;
	if (errno != EEXIST) {
		*cause = xasprintf(_("cannot create %s: %s"), dir, strerror(errno));
		return -1;
	}
	if (stat(dir, &st) < 0) {
		*cause = xasprintf(_("cannot use %s: %s"), dir, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		*cause = xasprintf(_("cannot use %s: it is not a directory"), dir);
		return -1;
	}
	return 0;
}

int paths_make_parent(const char *file, char **cause)
{
	char *dir = xstrdup(file), *slash, *p;
	struct stat st;
	int rc = -1;

	slash = strrchr(dir, '/');
	if (slash == NULL || slash == dir) {
		/* The current directory or the root: nothing to create. */
		rc = 0;
		goto out;
	}
	*slash = '\0';
	/* Each ancestor in turn, as mkdir -p does; the leading '/' of an
	 * absolute path is not a component. */
	for (p = dir + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (p[-1] != '/' && paths_mkdir(dir, cause) < 0)
			goto out;
		*p = '/';
	}
	if (paths_mkdir(dir, cause) < 0)
		goto out;
	/* Our own files (credentials, the socket) go in here: a directory that
	 * someone else made for us, say under /tmp, is not to be trusted, nor
	 * a link someone else made to one of ours (the link itself is checked
	 * first: they could point it elsewhere later). */
	if (lstat(dir, &st) < 0) {
		*cause = xasprintf(_("cannot use %s: %s"), dir, strerror(errno));
		goto out;
	}
	if (st.st_uid == geteuid() && S_ISLNK(st.st_mode) && stat(dir, &st) < 0) {
		*cause = xasprintf(_("cannot use %s: %s"), dir, strerror(errno));
		goto out;
	}
	if (st.st_uid != geteuid()) {
		*cause = xasprintf(_("cannot use %s: it belongs to another user"), dir);
		goto out;
	}
	rc = 0;
out:
	free(dir);
	return rc;
}

int paths_is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int paths_exists(const char *path)
{
	return access(path, F_OK) == 0;
}

char *paths_find(const char *env, const char *beside, int (*there)(const char *path),
		 const char *installed)
{
	const char *v = getenv(env);
	char exe[PATH_MAX], *slash, *path;
	ssize_t n;

	if (v != NULL && v[0] != '\0')
		return xstrdup(v);
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash != NULL) {
			*slash = '\0';
			path = xasprintf("%s/%s", exe, beside);
			if (there(path))
				return path;
			free(path);
		}
	}
	return xstrdup(installed);
}
