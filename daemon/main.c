/*
 * mynad: keeps the local store in sync with myna-bff, sends the
 * applications queued in its outbox, and reminds the resident of deadlines
 * through desktop notifications and speech.  It never forks
 * into the background: run it under systemd (systemd/mynad.service) or
 * from a session start-up script with '&'.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fault.h"
#include "i18n.h"
#include "log.h"
#include "loop.h"

#ifndef MYNA_VERSION
#define MYNA_VERSION "0.1.0"
#endif

enum main_mode { MAIN_LOOP, MAIN_ONCE, MAIN_HELP, MAIN_VERSION };

static const struct main_option {
	const char    *name;
	enum main_mode mode;
} main_options[] = {
	{ "--once", MAIN_ONCE },
	{ "--foreground", MAIN_LOOP },
	{ "--help", MAIN_HELP },
	{ "-h", MAIN_HELP },
	{ "--version", MAIN_VERSION },
};

static void
main_usage(void)
{
	printf("%s", _("Usage: mynad [--once] [--foreground]\n"
		       "Keeps your deadlines and notices from Mynaportal in sync, sends the\n"
		       "applications you queued, and reminds you before each deadline with a\n"
		       "desktop notification.\n"
		       "\n"
		       "  --once        send the queued applications, sync once, send the\n"
		       "                reminders that are due, and exit\n"
		       "  --foreground  run until stopped (the default; mynad never forks)\n"
		       "  --help        show this help\n"
		       "  --version     show the version\n"
		       "\n"
		       "Sign in first with: myna login\n"
		       "Settings: ~/.config/myna/config; see man mynad.\n"));
}

int
main(int argc, char **argv)
{
	enum main_mode mode = MAIN_LOOP;
	const char *bad = NULL;
	struct loop *l = NULL;
	char *cause = NULL, *config_cause = NULL;
	int i, rc = 1;
	size_t k;

	log_init("mynad");
	/* A notification helper or a server connection that goes away must
	 * not kill the daemon. */
	signal(SIGPIPE, SIG_IGN);
	for (i = 1; i < argc; i++) {
		for (k = 0; k < sizeof main_options / sizeof main_options[0]; k++)
			if (strcmp(argv[i], main_options[k].name) == 0)
				break;
		if (k == sizeof main_options / sizeof main_options[0]) {
			if (bad == NULL)
				bad = argv[i];
			continue;
		}
		/* --help and --version win over the rest; --once over
		 * --foreground. */
		if (main_options[k].mode > mode)
			mode = main_options[k].mode;
	}

	/* The config names the language, so it is read before any message. */
	loop_new(&l, &config_cause);
	i18n_init(config_cause == NULL ? loop_language(l) : NULL);
	if (config_cause == NULL)
		loop_apply_language(l);
	fault_init("mynad", MYNA_VERSION, NULL);

	if (mode == MAIN_HELP) {
		main_usage();
		rc = 0;
		goto out;
	}
	if (mode == MAIN_VERSION) {
		printf("mynad %s\n", MYNA_VERSION);
		rc = 0;
		goto out;
	}
	if (bad != NULL) {
		fprintf(stderr, _("mynad: unknown option %s; see mynad --help\n"), bad);
		rc = 2;
		goto out;
	}
	if (config_cause != NULL) {
		fprintf(stderr, _("mynad: %s; fix the settings file and start again\n"),
			config_cause);
		goto out;
	}
	if (loop_open_store(l, &cause) != 0) {
		fprintf(stderr, _("mynad: cannot open the local store: %s\n"), cause);
		goto out;
	}
	if (mode == MAIN_ONCE ? loop_once(l, &cause) : loop_run(l, &cause)) {
		fprintf(stderr, "mynad: %s\n", cause);
		goto out;
	}
	rc = 0;
out:
	loop_free(l);
	free(cause);
	free(config_cause);
	return rc;
}
