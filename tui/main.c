/*
 * myna: the front end.  Parses the global options, sets up the language
 * from the user's config, opens the store when the command needs it, and
 * dispatches through the sub-command table (cmd.c); with no command, the
 * TUI runs.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "config.h"
#include "date.h"
#include "fault.h"
#include "i18n.h"
#include "log.h"
#include "mem.h"
#include "paths.h"
#include "store.h"

#ifndef MYNA_VERSION
#define MYNA_VERSION "0.1.0"
#endif

int
main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "plain", no_argument, NULL, 'p' },
		{ "speech", no_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	struct cmd_ctx ctx;
	const struct cmd_entry *e = NULL;
	char *cause = NULL, *store_path = NULL;
	int c, rc = CMD_FAIL, config_failed = 0;

	memset(&ctx, 0, sizeof ctx);
	ctx.config = config_new();
	ctx.config_path = paths_config_file();
	if (ctx.config_path != NULL && config_load(ctx.config, ctx.config_path, &cause) < 0)
		config_failed = 1;
	/* Before anything is printed, and before curses starts. */
	i18n_init(config_get(ctx.config, "language"));
	date_set_era(config_get_bool(ctx.config, "era", 0));
	log_init("myna");
	/* Interactive: only problems reach stderr unless MYNA_LOG says more. */
	if (getenv("MYNA_LOG") == NULL)
		log_set_level(LOG_WARN);
	if (config_failed) {
		cmd_error(_("Your settings file has a mistake: %s. Correct or remove that line."),
			  cause);
		goto out;
	}
	/* Before the store is opened, so that its errors are noted too. */
	fault_init("myna", MYNA_VERSION, ctx.config);

	opterr = 0;
	/* "+": options end at the command's name; the rest is the command's. */
	while ((c = getopt_long(argc, argv, "+hV", options, NULL)) != -1) {
		switch (c) {
		case 'h':
			cmd_help(stdout);
			rc = CMD_OK;
			goto out;
		case 'V':
			printf("myna %s\n", MYNA_VERSION);
			rc = CMD_OK;
			goto out;
		case 'p':
			ctx.plain = 1;
			break;
		case 's':
			ctx.speech = 1;
			break;
		default:
			rc = cmd_usage(NULL, _("Unknown option: %s"), argv[optind - 1]);
			goto out;
		}
	}
	if (optind < argc) {
		e = cmd_find(argv[optind]);
		if (e == NULL) {
			rc = cmd_usage(NULL, _("There is no command \"%s\"."), argv[optind]);
			goto out;
		}
	}

	if (e == NULL || e->needs_store) {
		store_path = paths_store_file();
		if (store_path == NULL) {
			cmd_error("%s", _("Cannot tell where to keep your data: set HOME or "
					  "XDG_DATA_HOME."));
			goto out;
		}
		if (store_open(store_path, &ctx.store, &cause) < 0) {
			cmd_error(_("Cannot open the local store %s: %s"), store_path, cause);
			goto out;
		}
		/* Notices are shown with what their signatures say; when this
		 * fails (the daemon holds the store), each is checked as it is
		 * read instead. */
		store_set_keyring(ctx.store, sig_keyring_load(ctx.config), NULL);
	}
	rc = e != NULL ? e->exec(&ctx, argc - optind, argv + optind) : cmd_tui(&ctx);
out:
	if (fflush(stdout) != 0 && rc == CMD_OK)
		rc = CMD_FAIL;
	store_close(ctx.store);
	config_free(ctx.config);
	free(ctx.config_path);
	free(store_path);
	free(cause);
	return rc;
}
