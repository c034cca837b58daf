/*
 * login: device sign-in and sign-out (see login.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "api.h"
#include "i18n.h"
#include "login.h"
#include "mem.h"
#include "plain.h"
#include "session.h"

/* RFC 8628 3.5: a slow_down answer adds 5 seconds to the interval. */
#define LOGIN_SLOW_DOWN	       5
#define LOGIN_DEFAULT_INTERVAL 5
#define LOGIN_DEFAULT_EXPIRY   600
/* Bounds on what the server may ask, so a bad answer cannot make us spin
 * or hang for a day. */
#define LOGIN_MAX_INTERVAL 60
#define LOGIN_MAX_EXPIRY   3600

/* The user code as people type it: "WDJBMJHT" becomes "WDJB-MJHT". */
static char *
login_user_code(const char *code)
{
	if (strlen(code) == 8 && strchr(code, '-') == NULL)
		return xasprintf("%.4s-%.4s", code, code + 4);
	return xstrdup(code);
}

/* Tells the person what to do; the code and each address stand on lines
 * of their own so that they can be copied, read and brailled alone. */
static void
login_instructions(const struct api_device *dev, long expires)
{
	char *code = login_user_code(dev->user_code);
	long minutes = (expires + 59) / 60;

	printf("%s\n", _("To sign in, open this page in a web browser:"));
	plain_printf_line(stdout, "%s", dev->verification_uri);
	printf("%s\n", _("and enter this code:"));
	plain_printf_line(stdout, "%s", code);
	if (dev->verification_uri_complete != NULL && dev->verification_uri_complete[0] != '\0') {
		printf("%s\n", _("Or open this page, which has the code filled in:"));
		plain_printf_line(stdout, "%s", dev->verification_uri_complete);
	}
	printf(ngettext("Waiting for your approval; the code works for %ld minute.\n",
			"Waiting for your approval; the code works for %ld minutes.\n", minutes),
	       minutes);
	/* Whoever reads our output through a pipe needs the code now, not
	 * when we exit. */
	fflush(stdout);
	free(code);
}

/* Waits seconds, whole. */
static void
login_sleep(long seconds)
{
	struct timespec ts = { .tv_sec = seconds, .tv_nsec = 0 };

	while (nanosleep(&ts, &ts) < 0) {
		/* Interrupted by a signal that did not end us: keep waiting. */
	}
}

/* Polls until the code is approved, refused or expired.  Returns 0 with
 * *tokens filled in, or -1 after printing why. */
static int
login_poll(struct api *api, const struct api_device *dev, struct api_tokens *tokens)
{
	long interval = dev->interval, expires = dev->expires_in;
	time_t end;
	char *cause = NULL;
	enum api_poll r;

	if (interval <= 0)
		interval = LOGIN_DEFAULT_INTERVAL;
	if (interval > LOGIN_MAX_INTERVAL)
		interval = LOGIN_MAX_INTERVAL;
	if (expires <= 0 || expires > LOGIN_MAX_EXPIRY)
		expires = LOGIN_DEFAULT_EXPIRY;
	end = time(NULL) + expires;
	for (;;) {
		login_sleep(interval);
		if (time(NULL) > end) {
			cmd_error("%s", _("The code expired before it was approved. Run myna login "
					  "again for a new code."));
			return -1;
		}
		r = api_device_poll(api, dev->device_code, tokens, &cause);
		switch (r) {
		case API_POLL_OK:
			return 0;
		case API_POLL_PENDING:
			break;
		case API_POLL_SLOW_DOWN:
			interval += LOGIN_SLOW_DOWN;
			break;
		case API_POLL_EXPIRED:
			cmd_error("%s", _("The code expired before it was approved. Run myna login "
					  "again for a new code."));
			return -1;
		case API_POLL_DENIED:
			cmd_error("%s", _("The sign-in was refused. If that was not you, nothing "
					  "more is needed; to try again, run myna login."));
			return -1;
		case API_POLL_ERROR:
			cmd_error(_("Sign-in failed: %s. Check the connection to the server and "
				    "run myna login again."),
				  cause != NULL ? cause : _("unknown error"));
			free(cause);
			return -1;
		}
		free(cause);
		cause = NULL;
	}
}

int
login_cmd(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct session se;
	struct api_device dev;
	struct api_tokens tokens;
	struct api *api = NULL;
	const char *server = NULL;
	char *url = NULL, *cause = NULL;
	int i, rc = CMD_FAIL;

	(void)ctx;
	memset(&se, 0, sizeof se);
	memset(&dev, 0, sizeof dev);
	memset(&tokens, 0, sizeof tokens);
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--server") == 0 && i + 1 < argc)
			server = argv[++i];
		else if (strncmp(argv[i], "--server=", 9) == 0)
			server = argv[i] + 9;
		else if (strcmp(argv[i], "--server") == 0)
			return cmd_usage("login", _("--server needs the server's address."));
		else
			return cmd_usage("login", _("Unknown argument: %s"), argv[i]);
	}
	if (session_load(&se, &cause) < 0) {
		cmd_error(_("Cannot sign in: %s"), cause);
		goto out;
	}
	if (server == NULL && se.config != NULL)
		server = config_get(se.config, "server");
	if (server == NULL || server[0] == '\0') {
		rc = cmd_usage("login", "%s", _("No server is set yet; give its address with "
						"--server URL."));
		goto out;
	}
	/* The config may be changed below; keep our own copy of the URL. */
	url = xstrdup(server);
	api = session_api_new(&se, url, &cause);
	if (api == NULL) {
		cmd_error(_("Cannot use the server address %s: %s"), url, cause);
		goto out;
	}
	if (api_device_start(api, &dev, &cause) < 0) {
		cmd_error(_("Could not start the sign-in at %s: %s. Check the address and the "
			    "connection, then try again."),
			  url, cause);
		goto out;
	}
	login_instructions(&dev, dev.expires_in > 0 ? dev.expires_in : LOGIN_DEFAULT_EXPIRY);
	if (login_poll(api, &dev, &tokens) < 0)
		goto out;

	/* Only a sign-in that worked changes the configured server. */
	if (session_set_server(&se, url, &cause) < 0) {
		cmd_error(_("Signed in, but the server address could not be saved: %s"), cause);
		goto out;
	}
	if (session_save_tokens(&se, &tokens, &cause) < 0) {
		cmd_error(_("Signed in, but the tokens could not be saved: %s"), cause);
		goto out;
	}
	plain_printf_line(stdout, _("Signed in to %s."), url);
	printf("%s\n", _("Run myna sync to fetch your notices and deadlines, or just myna."));
	rc = CMD_OK;
out:
	free(cause);
	free(url);
	api_tokens_release(&tokens);
	api_device_release(&dev);
	api_free(api);
	session_release(&se);
	return rc;
}

int
login_logout_cmd(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct session se;
	char *cause = NULL;
	int rc = CMD_FAIL;

	(void)ctx;
	(void)argv;
	if (argc > 1)
		return cmd_usage("logout", _("logout takes no arguments."));
	memset(&se, 0, sizeof se);
	if (session_load(&se, &cause) < 0 || session_forget(&se, &cause) < 0) {
		cmd_error(_("Could not sign out: %s"), cause);
		goto out;
	}
	printf("%s\n", _("Signed out. What was synced stays on this computer."));
	rc = CMD_OK;
out:
	free(cause);
	session_release(&se);
	return rc;
}
