/*
 * session: the signed-in state of this user (see session.h).
 *
 * The refresh token is rotated by the server (the old one stops working),
 * and mynad and myna may both find the access token expired at the same
 * moment.  So refreshing happens under a lock file next to the credentials,
 * and whoever comes second takes the tokens the first one saved instead of
 * spending the old refresh token again.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "i18n.h"
#include "mem.h"
#include "paths.h"
#include "session.h"

#define SESSION_CREDS_MODE 0600
#define SESSION_CONFIG_MODE 0600

/* Finds the two files; fails when the environment names no home. */
static int
session_paths(struct session *c, char **cause)
{
	if (c->config_path == NULL)
		c->config_path = paths_config_file();
	if (c->creds_path == NULL)
		c->creds_path = paths_credentials_file();
	if (c->config_path == NULL || c->creds_path == NULL) {
		*cause = xstrdup(_("cannot tell where to keep settings: set HOME"));
		return -1;
	}
	return 0;
}

/* Reads the credentials file into a new config; a missing file gives an
 * empty one. */
static int
session_read_creds(const struct session *c, struct config **out, char **cause)
{
	struct config *creds = config_new();
	char *why = NULL;

	*out = NULL;
	if (config_load(creds, c->creds_path, &why) < 0) {
		*cause = xasprintf(_("cannot read the saved sign-in: %s; "
				     "sign in again with: myna login"), why);
		free(why);
		config_free(creds);
		return -1;
	}
	*out = creds;
	return 0;
}

int
session_load(struct session *c, char **cause)
{
	char *why = NULL;

	memset(c, 0, sizeof *c);
	if (session_paths(c, cause) < 0)
		return -1;
	c->config = config_new();
	if (config_load(c->config, c->config_path, &why) < 0) {
		*cause = xasprintf(_("cannot read the settings: %s"), why);
		free(why);
		return -1;
	}
	/* A damaged credentials file must not stop `myna login` from writing
	 * a good one: start from nothing then. */
	if (session_read_creds(c, &c->creds, &why) < 0) {
		free(why);
		c->creds = config_new();
	}
	return 0;
}

struct api *
session_api_new(struct session *c, const char *url, char **cause)
{
	struct api *a = api_new(url, cause);

	if (a != NULL)
		api_set_ca_file(a, config_get(c->config, "ca_file"));
	return a;
}

int
session_open(struct session *c, char **cause)
{
	const char *server, *token;
	struct config *creds = NULL;

	if (session_load(c, cause) < 0)
		return -1;
	server = config_get(c->config, "server");
	if (server == NULL || *server == '\0') {
		*cause = xstrdup(_("no server configured: run myna login --server URL"));
		return -1;
	}
	if (session_read_creds(c, &creds, cause) < 0)
		return -1;
	config_free(c->creds);
	c->creds = creds;
	token = config_get(c->creds, "access_token");
	if (token == NULL || *token == '\0') {
		*cause = xstrdup(_("not signed in: run myna login"));
		return -1;
	}
	if ((c->api = session_api_new(c, server, cause)) == NULL)
		return -1;
	api_set_token(c->api, token);
	return 0;
}

void
session_release(struct session *c)
{
	if (c == NULL)
		return;
	api_free(c->api);
	config_free(c->config);
	config_free(c->creds);
	free(c->config_path);
	free(c->creds_path);
	memset(c, 0, sizeof *c);
}

int
session_set_server(struct session *c, const char *url, char **cause)
{
	struct api *a;
	char *why = NULL;

	if ((a = session_api_new(c, url, cause)) == NULL)
		return -1;
	if (config_set(c->config, "server", api_base_url(a)) < 0 ||
	    config_save(c->config, c->config_path, SESSION_CONFIG_MODE, &why) < 0) {
		*cause = why ? xasprintf(_("cannot save the settings: %s"), why)
			     : xstrdup(_("cannot save the server URL"));
		free(why);
		api_free(a);
		return -1;
	}
	api_free(c->api);
	c->api = a;
	return 0;
}

int
session_save_tokens(struct session *c, const struct api_tokens *t, char **cause)
{
	char expires[32], *why = NULL;

	if (t->access_token == NULL || config_set(c->creds, "access_token", t->access_token) < 0)
		goto bad;
	/* RFC 6749 6: without a new refresh token the old one stays good. */
	if (t->refresh_token != NULL && config_set(c->creds, "refresh_token", t->refresh_token) < 0)
		goto bad;
	if (t->expires_in > 0) {
		snprintf(expires, sizeof expires, "%lld", (long long)time(NULL) + t->expires_in);
		config_set(c->creds, "expires_at", expires);
	} else {
		config_set(c->creds, "expires_at", NULL);
	}
	if (config_save(c->creds, c->creds_path, SESSION_CREDS_MODE, &why) < 0) {
		*cause = xasprintf(_("cannot save the sign-in: %s"), why);
		free(why);
		return -1;
	}
	if (c->api != NULL)
		api_set_token(c->api, t->access_token);
	return 0;
bad:
	*cause = xstrdup(_("the server sent a token that cannot be saved"));
	return -1;
}

/* Takes the refresh lock; returns its descriptor, or -1 when locking is not
 * possible (then refreshing goes ahead unlocked). */
static int
session_lock(const struct session *c)
{
	char *path, *why = NULL;
	int fd;

	if (paths_make_parent(c->creds_path, &why) < 0) {
		free(why);
		return -1;
	}
	path = xasprintf("%s.lock", c->creds_path);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	free(path);
	if (fd < 0)
		return -1;
	while (flock(fd, LOCK_EX) < 0) {
		if (errno != EINTR) {
			close(fd);
			return -1;
		}
	}
	return fd;
}

int
session_refresh(struct session *c, char **cause)
{
	struct api_tokens t = { 0 };
	struct config *disk = NULL;
	const char *mine, *theirs, *rt;
	char *why = NULL;
	int lock, refused = 0, rc = -1;

	if (c->api == NULL) {
		*cause = xstrdup(_("not signed in: run myna login"));
		return -1;
	}
	lock = session_lock(c);
	/* Someone else may have refreshed while we waited: use their tokens. */
	if (session_read_creds(c, &disk, &why) == 0) {
		mine = config_get(c->creds, "access_token");
		theirs = config_get(disk, "access_token");
		if (theirs != NULL && *theirs != '\0' && (mine == NULL || strcmp(mine, theirs) != 0)) {
			config_free(c->creds);
			c->creds = disk;
			disk = NULL;
			api_set_token(c->api, theirs);
			rc = 0;
			goto out;
		}
	}
	free(why);
	why = NULL;
	rt = config_get(c->creds, "refresh_token");
	if (rt == NULL || *rt == '\0') {
		c->signed_out = 1;
		*cause = xstrdup(_("your sign-in has expired: sign in again with: myna login"));
		goto out;
	}
	/* The server rotates the refresh token: new tokens that cannot be
	 * saved would be lost with this process, and the spent one would
	 * then sign the resident out.  So the file must take a write (the
	 * same one session_save_tokens makes) before the token is spent. */
	if (config_save(c->creds, c->creds_path, SESSION_CREDS_MODE, &why) < 0) {
		*cause = xasprintf(_("cannot save the sign-in, so it is not renewed now (it stays "
				     "good for a later try): %s"), why);
		goto out;
	}
	if (api_refresh_ex(c->api, rt, &t, &refused, &why) < 0) {
		c->signed_out = refused;
		if (refused)
			*cause = xasprintf(_("%s; sign in again with: myna login"), why);
		else
			*cause = xstrdup(why);
		goto out;
	}
	rc = session_save_tokens(c, &t, cause);
out:
	free(why);
	config_free(disk);
	api_tokens_release(&t);
	if (lock >= 0)
		close(lock);
	return rc;
}

int
session_forget(struct session *c, char **cause)
{
	if (c->creds_path == NULL && session_paths(c, cause) < 0)
		return -1;
	if (unlink(c->creds_path) < 0 && errno != ENOENT) {
		*cause = xasprintf(_("cannot remove the saved sign-in %s: %s"), c->creds_path,
				   strerror(errno));
		return -1;
	}
	config_free(c->creds);
	c->creds = config_new();
	if (c->api != NULL)
		api_set_token(c->api, NULL);
	return 0;
}
