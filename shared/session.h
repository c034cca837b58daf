/*
 * session: the signed-in state of this user: the server URL (config key
 * "server") and the tokens in the credentials file (mode 0600, keys
 * access_token, refresh_token, expires_at).  Used by `myna login`, `myna
 * sync` and mynad, so that all of them sign in and refresh the same way.
 */
#ifndef MYNA_SESSION_H
#define MYNA_SESSION_H

#include "api.h"
#include "config.h"

struct session {
	char	      *config_path;
	char	      *creds_path;
	struct config *config;
	struct config *creds;
	struct api    *api;	/* NULL until session_open succeeds */
	int	       signed_out;	/* set when the server refused the sign-in
					   for good (no refresh possible): only
					   `myna login` helps */
};

/* Loads the config and credentials.  Returns 0 (c->api ready with the access
 * token), or -1 with *cause: no server configured, not signed in, bad URL.
 * Call session_release afterwards in either case. */
int session_open(struct session *c, char **cause);
/* Loads only the config (for login, before any credentials exist). */
int session_load(struct session *c, char **cause);
void session_release(struct session *c);

/* A client for url with the settings of c applied (ca_file: the only
 * certificate authorities to trust, for a server with a private CA).
 * Returns NULL with *cause as api_new does; free with api_free. */
struct api *session_api_new(struct session *c, const char *url, char **cause);
/* Checks url (api_new's rules), saves it as the config's "server" and makes
 * c->api a client for it, without a token (for `myna login --server URL`,
 * after session_load).  Returns 0, or -1 with *cause. */
int session_set_server(struct session *c, const char *url, char **cause);

/* Stores tokens in the credentials file (0600, atomically) and in c->api. */
int session_save_tokens(struct session *c, const struct api_tokens *t, char **cause);
/* Uses the refresh token to get new tokens and saves them.  Returns 0, or
 * -1 with *cause ("sign in again with: myna login"); c->signed_out is set
 * when the server refused the refresh token or none is saved, so that
 * trying again later cannot help.  The credentials file must take a write
 * before the refresh token is spent: when it cannot, nothing is sent (the
 * token stays good for a later try). */
int session_refresh(struct session *c, char **cause);
/* Forgets the tokens (logout). */
int session_forget(struct session *c, char **cause);

#endif
