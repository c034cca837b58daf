/*
 * cmd: the sub-command table and the commands that read the store (see
 * cmd.h).  Sign-in lives in login.c.
 */
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "apply.h"
#include "cmd.h"
#include "control.h"
#include "curses.h"
#include "date.h"
#include "fault.h"
#include "i18n.h"
#include "ics.h"
#include "listing.h"
#include "login.h"
#include "mem.h"
#include "plain.h"
#include "sender.h"
#include "session.h"
#include "speech.h"
#include "sync.h"
#include "text.h"
#include "view.h"
#include "wire.h"

static int cmd_sync(struct cmd_ctx *ctx, int argc, char **argv);
static int cmd_status(struct cmd_ctx *ctx, int argc, char **argv);
static int cmd_list(struct cmd_ctx *ctx, int argc, char **argv);
static int cmd_show(struct cmd_ctx *ctx, int argc, char **argv);
static int cmd_done(struct cmd_ctx *ctx, int argc, char **argv);
static int cmd_snooze(struct cmd_ctx *ctx, int argc, char **argv);

const struct cmd_entry cmd_table[] = {
	{ "login", N_("[--server URL]"), N_("Sign in with a code that you approve in a web browser"),
	  login_cmd, 0 },
	{ "logout", "", N_("Sign out and forget the tokens on this computer"), login_logout_cmd,
	  0 },
	{ "sync", "", N_("Fetch new notices and deadlines from the server now"), cmd_sync, 1 },
	{ "status", "", N_("Say whether you are signed in, and when you last synced"), cmd_status,
	  1 },
	{ "list", N_("deadlines|notices|applications|records|access [--json]"),
	  N_("List your deadlines, notices, applications, records or access records"), cmd_list,
	  1 },
	{ "search", N_("WORDS [--json]"), N_("Search the procedures (Japanese or English)"),
	  listing_search_cmd, 1 },
	{ "show", N_("application|procedure|notice|deadline ID [--speech]"),
	  N_("Show one notice (marking it read), deadline, application or procedure; --speech "
	     "reads it aloud"),
	  cmd_show, 1 },
	{ "done", N_("ID"), N_("Mark a deadline done"), cmd_done, 1 },
	{ "snooze", N_("ID DURATION"),
	  N_("No reminder of a deadline for a while (30m, 3h, 1d, 2w; off to undo)"), cmd_snooze,
	  1 },
	{ "apply", N_("PROCEDURE_ID [--field NAME=VALUE]..."),
	  N_("Queue an application with these fields for mynad to send"), apply_cmd, 1 },
	{ "export", N_("ics [FILE]"),
	  N_("Write the open deadlines as a calendar (iCalendar), with their reminders"), ics_cmd,
	  1 },
};

const size_t cmd_count = sizeof cmd_table / sizeof cmd_table[0];

const struct cmd_entry *
cmd_find(const char *name)
{
	size_t i;

	for (i = 0; i < cmd_count; i++) {
		if (strcmp(cmd_table[i].name, name) == 0)
			return &cmd_table[i];
	}
	return NULL;
}

/* Writes "myna: " and the formatted message (cleaned of controls) and a
 * newline on stderr. */
static void
cmd_verror(const char *fmt, va_list ap)
{
	char *s = NULL;

	if (vasprintf(&s, fmt, ap) < 0)
		return;
	fputs("myna: ", stderr);
	plain_puts(stderr, s);
	fputc('\n', stderr);
	free(s);
}

void
cmd_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cmd_verror(fmt, ap);
	va_end(ap);
}

int
cmd_store_error(struct cmd_ctx *ctx)
{
	cmd_error(_("Could not read the local store: %s"), store_error(ctx->store));
	return CMD_FAIL;
}

/* Reads the deadline id into *d, or says why not (the store failed, or no
 * such deadline) and returns -1. */
static int
cmd_deadline_get(struct cmd_ctx *ctx, const char *id, struct store_deadline *d)
{
	int found = 0;

	if (store_deadline_get(ctx->store, id, d, &found) < 0) {
		cmd_store_error(ctx);
		return -1;
	}
	if (!found) {
		cmd_error(_("There is no deadline with the id %s. See the ids with: myna list "
			    "deadlines"),
			  id);
		return -1;
	}
	return 0;
}

int
cmd_usage(const char *name, const char *fmt, ...)
{
	const struct cmd_entry *e = name != NULL ? cmd_find(name) : NULL;
	va_list ap;

	va_start(ap, fmt);
	cmd_verror(fmt, ap);
	va_end(ap);
	if (e != NULL)
		fprintf(stderr, _("Usage: myna %s %s\n"), e->name, _(e->usage));
	else
		fprintf(stderr, "%s", _("Usage: myna [--plain] [COMMAND [ARGUMENTS]]; see myna --help\n"));
	return CMD_USAGE;
}

void
cmd_help(FILE *out)
{
	size_t i;
	char *left, *padded;

	fprintf(out, "%s", _("Usage: myna [--plain] [--speech]\n"
			     "       myna COMMAND [ARGUMENTS]\n"
			     "\n"
			     "With no command, myna shows what you have to do: open deadlines, then\n"
			     "unread notices.  Press ? in it for the keys.\n"
			     "\n"
			     "Commands:\n"));
	for (i = 0; i < cmd_count; i++) {
		left = xasprintf("%s %s", cmd_table[i].name, _(cmd_table[i].usage));
		/* Padded by terminal columns, not bytes: usages may be Japanese. */
		padded = text_pad(left, 30);
		fprintf(out, "  %s %s\n", padded, _(cmd_table[i].help));
		free(padded);
		free(left);
	}
	fprintf(out, "%s", _("\n"
			     "Options:\n"
			     "  --plain       line by line, without full-screen display\n"
			     "  --speech      speak what is in focus (self-voicing)\n"
			     "  --help        show this help\n"
			     "  --version     show the version\n"
			     "\n"
			     "Exit status: 0 success, 1 failure, 2 wrong usage.\n"));
}

/* A number member of a daemon's answer, 0 when absent. */
static size_t
cmd_answer_count(json_object *answer, const char *key)
{
	json_object *v = NULL;

	if (!json_object_object_get_ex(answer, key, &v) || !json_object_is_type(v, json_type_int))
		return 0;
	return json_object_get_int64(v) > 0 ? (size_t)json_object_get_int64(v) : 0;
}

/* A string member of a daemon's answer, or NULL. */
static const char *
cmd_answer_string(json_object *answer, const char *key)
{
	json_object *v = NULL;

	if (!json_object_object_get_ex(answer, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* Says what a sync brought: "Synced: 3 new notices, 2 new deadlines", or
 * "Up to date". */
static void
cmd_sync_say(size_t new_notices, size_t new_deadlines, size_t changes)
{
	char *news = view_news(new_notices, new_deadlines);

	if (news != NULL)
		printf(_("Synced: %s\n"), news);
	else if (changes > 0)
		printf(ngettext("Synced: %zu update\n", "Synced: %zu updates\n", changes), changes);
	else
		printf("%s\n", _("Up to date"));
	free(news);
}

/* `myna sync` through the running daemon.  Returns the exit status, or -1
 * when no daemon answered (then the sync is done here). */
static int
cmd_sync_daemon(void)
{
	json_object *answer = NULL, *ok = NULL;
	char *cause = NULL;
	const char *error;
	size_t waiting;
	int rc = -1;

	switch (control_call("sync", CONTROL_SYNC_TIMEOUT, &answer, &cause)) {
	case CONTROL_NO_DAEMON:
		return -1;
	case CONTROL_FAILED:
		cmd_error(_("mynad did not answer (%s); syncing here instead."), cause);
		free(cause);
		return -1;
	case CONTROL_ANSWERED:
		break;
	}
	error = cmd_answer_string(answer, "error");
	if (json_object_object_get_ex(answer, "ok", &ok) && json_object_get_boolean(ok)) {
		cmd_sync_say(cmd_answer_count(answer, "new_notices"),
			     cmd_answer_count(answer, "new_deadlines"),
			     cmd_answer_count(answer, "changes"));
		rc = CMD_OK;
	} else {
		cmd_error(_("Sync failed: %s"), error != NULL ? error : _("mynad gave no reason"));
		rc = CMD_FAIL;
	}
	waiting = cmd_answer_count(answer, "outbox");
	if (waiting > 0)
		printf(ngettext("%zu submission is waiting to be sent.\n",
				"%zu submissions are waiting to be sent.\n", waiting),
		       waiting);
	if ((error = cmd_answer_string(answer, "outbox_error")) != NULL)
		cmd_error(_("Sending failed: %s; mynad tries again later."), error);
	json_object_put(answer);
	return rc;
}

/* "Synced: 3 new notices, 2 new deadlines", "Up to date"... */
static int
cmd_sync(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct session se;
	struct sync_result res;
	char *cause = NULL, *news = NULL;
	int rc = CMD_FAIL;

	(void)argv;
	if (argc > 1)
		return cmd_usage("sync", _("sync takes no arguments."));
	/* The daemon is the one that talks to the server when it runs. */
	if ((rc = cmd_sync_daemon()) >= 0)
		return rc;
	rc = CMD_FAIL;
	memset(&se, 0, sizeof se);
	memset(&res, 0, sizeof res);
	if (session_open(&se, &cause) < 0) {
		cmd_error(_("Cannot sync: %s"), cause);
		goto out;
	}
	if (sync_run(ctx->store, &se, &res, &cause) < 0) {
		fault_sync(&se, -1, &res);
		cmd_error(_("Sync failed: %s"), cause);
		if (res.changes > 0)
			cmd_error(ngettext("%zu change was saved before the failure; run myna sync "
					   "again to fetch the rest.",
					   "%zu changes were saved before the failure; run myna sync "
					   "again to fetch the rest.",
					   res.changes),
				  res.changes);
		goto out;
	}
	fault_sync(&se, 0, &res);
	news = view_news(res.new_notices, res.new_deadlines);
	if (news != NULL)
		printf(_("Synced: %s\n"), news);
	else if (res.changes > 0)
		printf(ngettext("Synced: %zu update\n", "Synced: %zu updates\n", res.changes),
		       res.changes);
	else
		printf("%s\n", _("Up to date"));
	rc = CMD_OK;
out:
	free(news);
	free(cause);
	session_release(&se);
	return rc;
}

/* The local time of t with the date as people read it: "Tue 1 Dec 2026
 * 09:30". */
static char *
cmd_when(time_t t)
{
	struct tm tm;
	char *day = date_human_day(t), *s;

	if (localtime_r(&t, &tm) == NULL)
		return day;
	s = xasprintf("%s %02d:%02d", day, tm.tm_hour, tm.tm_min);
	free(day);
	return s;
}

/* The last sync time from the store, in words; "never" when there is none. */
static char *
cmd_last_sync(struct store *st)
{
	char *v = NULL, *end, *s;
	time_t t;
	long long secs;

	if (store_meta_get(st, "sync.last", &v) < 0 || v == NULL) {
		free(v);
		return xstrdup(_("never"));
	}
	if (date_parse(v, &t) == 0) {
		s = cmd_when(t);
	} else {
		/* Seconds since the epoch are accepted as well. */
		secs = strtoll(v, &end, 10);
		s = (end != v && *end == '\0') ? cmd_when((time_t)secs) : xstrdup(v);
	}
	free(v);
	return s;
}

/* A time of a daemon's answer, in words: "Tue 1 Dec 2026 09:30"; NULL
 * when absent. */
static char *
cmd_answer_when(json_object *answer, const char *key)
{
	const char *v = cmd_answer_string(answer, key);
	time_t t;

	if (v == NULL || date_parse(v, &t) < 0)
		return NULL;
	return cmd_when(t);
}

/* The daemon's part of `myna status`, one fact per line. */
static void
cmd_status_daemon(struct cmd_ctx *ctx, json_object *d, const char *why)
{
	json_object *v = NULL;
	const char *problem, *error;
	char *next = NULL, *reminder = NULL, *retry = NULL;
	size_t waiting = 0;

	if (d == NULL) {
		if (why != NULL)
			plain_printf_line(stdout, _("Daemon: could not be asked: %s"), why);
		else
			printf("%s\n", _("Daemon: not running"));
		if (store_outbox_pending(ctx->store, &waiting) == 0)
			printf(_("Waiting to be sent: %zu\n"), waiting);
		return;
	}
	printf(_("Daemon: running (process %zu)\n"), cmd_answer_count(d, "pid"));
	next = cmd_answer_when(d, "next_sync");
	if (json_object_object_get_ex(d, "long_poll", &v) && json_object_get_boolean(v))
		printf(_("Next sync: as soon as the server has news (at the latest %s)\n"),
		       next != NULL ? next : "?");
	else
		printf(_("Next sync: %s\n"), next != NULL ? next : _("none planned"));
	reminder = cmd_answer_when(d, "next_reminder");
	printf(_("Next reminder: %s\n"), reminder != NULL ? reminder : _("none planned"));
	printf(_("Waiting to be sent: %zu\n"), cmd_answer_count(d, "outbox"));
	if ((problem = cmd_answer_string(d, "sign_in_problem")) != NULL)
		plain_printf_line(stdout, _("Sign-in problem: %s"), problem);
	if (cmd_answer_count(d, "failures") > 0 &&
	    (error = cmd_answer_string(d, "last_error")) != NULL) {
		retry = cmd_answer_when(d, "retry_at");
		plain_printf_line(stdout, _("Last sync failed: %s; trying again %s"), error,
				  retry != NULL ? retry : _("later"));
	}
	free(next);
	free(reminder);
	free(retry);
}

static int
cmd_status(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct session se;
	struct store_deadline *ds = NULL;
	struct store_notice *ns = NULL;
	size_t nd = 0, nn = 0, i, nopen = 0, nover = 0, ndone = 0, nunread = 0;
	char *cause = NULL, *last = NULL, *dcause = NULL;
	json_object *daemon = NULL, *dsigned = NULL;
	const char *server;
	time_t now = time(NULL);
	int signed_in, rc = CMD_FAIL;

	(void)argv;
	if (argc > 1)
		return cmd_usage("status", _("status takes no arguments."));
	memset(&se, 0, sizeof se);
	signed_in = session_open(&se, &cause) == 0;
	if (!signed_in) {
		session_release(&se);
		memset(&se, 0, sizeof se);
		free(cause);
		cause = NULL;
		session_load(&se, &cause);
	}
	server = se.config != NULL ? config_get(se.config, "server") : NULL;
	if (server == NULL)
		server = config_get(ctx->config, "server");
	if (store_deadlines_list(ctx->store, 0, &ds, &nd) < 0 ||
	    store_notices_list(ctx->store, &ns, &nn) < 0) {
		cmd_store_error(ctx);
		goto out;
	}
	for (i = 0; i < nd; i++) {
		switch (view_deadline_state(&ds[i], now)) {
		case VIEW_OPEN:
			nopen++;
			break;
		case VIEW_OVERDUE:
			nover++;
			break;
		case VIEW_DONE:
			ndone++;
			break;
		}
	}
	for (i = 0; i < nn; i++)
		nunread += !ns[i].read;
	last = cmd_last_sync(ctx->store);
	/* A running daemon knows more: whether the server still accepts the
	 * sign-in, and what it plans. */
	if (control_call("status", CONTROL_STATUS_TIMEOUT, &daemon, &dcause) == CONTROL_ANSWERED &&
	    json_object_object_get_ex(daemon, "signed_in", &dsigned) &&
	    !json_object_get_boolean(dsigned))
		signed_in = 0;

	printf(_("Signed in: %s\n"), signed_in ? _("yes") : _("no"));
	printf(_("Server: %s\n"), server != NULL ? server : _("none set"));
	printf(_("Last sync: %s\n"), last);
	printf(_("Deadlines: %zu (%zu open, %zu overdue, %zu done)\n"), nd, nopen, nover, ndone);
	printf(_("Notices: %zu (%zu unread)\n"), nn, nunread);
	cmd_status_daemon(ctx, daemon, dcause);
	if (!signed_in)
		printf("%s\n", server != NULL ? _("To sign in: myna login") :
						_("To sign in: myna login --server URL"));
	rc = CMD_OK;
out:
	json_object_put(daemon);
	free(dcause);
	free(last);
	free(cause);
	store_deadlines_free(ds, nd);
	store_notices_free(ns, nn);
	session_release(&se);
	return rc;
}

static json_object *
cmd_json_str(const char *s)
{
	return s != NULL ? json_object_new_string(s) : NULL;
}

/* Prints a JSON value and a newline; slashes stay unescaped (URLs, dates). */
static void
cmd_json_print(json_object *o)
{
	printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
							      JSON_C_TO_STRING_NOSLASHESCAPE));
}

/* A hint for an empty list that was never synced. */
static void
cmd_hint_unsynced(struct store *st)
{
	char *v = NULL;

	if (store_meta_get(st, "sync.last", &v) == 0 && v == NULL)
		printf("%s\n", _("Nothing has been synced yet. Run: myna sync"));
	free(v);
}

static int
cmd_list_deadlines(struct cmd_ctx *ctx, int json)
{
	struct store_deadline *ds = NULL;
	size_t nd = 0, i;
	time_t now = time(NULL);
	json_object *arr, *o;
	enum view_state state;
	char *when;

	if (store_deadlines_list(ctx->store, 0, &ds, &nd) < 0)
		return cmd_store_error(ctx);
	if (json) {
		arr = json_object_new_array();
		for (i = 0; i < nd; i++) {
			o = json_object_new_object();
			json_object_object_add(o, "id", json_object_new_string(ds[i].d.id));
			json_object_object_add(o, "title",
					       json_object_new_string(view_deadline_title(&ds[i])));
			json_object_object_add(o, "title_ja", cmd_json_str(ds[i].d.title.ja));
			json_object_object_add(o, "title_en", cmd_json_str(ds[i].d.title.en));
			json_object_object_add(o, "due", cmd_json_str(ds[i].d.due));
			json_object_object_add(o, "procedure", cmd_json_str(ds[i].d.procedure));
			json_object_object_add(o, "status",
					       json_object_new_string(view_state_name(
						       view_deadline_state(&ds[i], now))));
			json_object_object_add(o, "days_left",
					       json_object_new_int(date_days_until(ds[i].due, now)));
			json_object_array_add(arr, o);
		}
		cmd_json_print(arr);
		json_object_put(arr);
	} else {
		printf(ngettext("%zu deadline\n", "%zu deadlines\n", nd), nd);
		for (i = 0; i < nd; i++) {
			state = view_deadline_state(&ds[i], now);
			when = date_human(ds[i].due, now);
			printf("%zu. ", i + 1);
			plain_printf_line(stdout, _("%s — due %s — %s (id %s)"),
					  view_deadline_title(&ds[i]), when,
					  view_state_words(state), ds[i].d.id);
			free(when);
		}
		if (nd == 0)
			cmd_hint_unsynced(ctx->store);
	}
	store_deadlines_free(ds, nd);
	return CMD_OK;
}

/* Who a notice is from, for scripts as for people: "sender" only when the
 * agency's signature verified, so that no script shows an unverified
 * notice as an agency's; "claimed_sender" otherwise. */
static void
cmd_json_notice_sender(json_object *o, const struct store_notice *n)
{
	const char *sender = view_notice_sender(n);
	int verified = n->trust == SIG_VERIFIED;
	char *check = sender_check(n);

	json_object_object_add(o, "signature", json_object_new_string(sig_trust_name(n->trust)));
	json_object_object_add(o, "signature_words", json_object_new_string(check));
	json_object_object_add(o, "agency", cmd_json_str(n->n.agency));
	json_object_object_add(o, "verified_sender",
			       verified ? json_object_new_string(sender_agency(n)) : NULL);
	json_object_object_add(o, "sender",
			       verified ? json_object_new_string(sender) : NULL);
	json_object_object_add(o, "claimed_sender",
			       verified || sender[0] == '\0' ? NULL : json_object_new_string(sender));
	free(check);
}

static int
cmd_list_notices(struct cmd_ctx *ctx, int json)
{
	struct store_notice *ns = NULL;
	size_t nn = 0, i;
	json_object *arr, *o;
	char *label, *day, *status;

	if (store_notices_list(ctx->store, &ns, &nn) < 0)
		return cmd_store_error(ctx);
	if (json) {
		arr = json_object_new_array();
		for (i = 0; i < nn; i++) {
			o = json_object_new_object();
			json_object_object_add(o, "id", json_object_new_string(ns[i].n.id));
			json_object_object_add(o, "title",
					       json_object_new_string(view_notice_title(&ns[i])));
			json_object_object_add(o, "title_ja", cmd_json_str(ns[i].n.title.ja));
			json_object_object_add(o, "title_en", cmd_json_str(ns[i].n.title.en));
			cmd_json_notice_sender(o, &ns[i]);
			json_object_object_add(o, "published", cmd_json_str(ns[i].n.published));
			json_object_object_add(o, "status",
					       json_object_new_string(ns[i].read ? "read" :
										   "unread"));
			json_object_object_add(o, "body",
					       json_object_new_string(view_notice_body(&ns[i])));
			json_object_array_add(arr, o);
		}
		cmd_json_print(arr);
		json_object_put(arr);
	} else {
		printf(ngettext("%zu notice\n", "%zu notices\n", nn), nn);
		for (i = 0; i < nn; i++) {
			label = view_notice_label(&ns[i]);
			status = view_notice_status(&ns[i]);
			day = ns[i].published != 0 ? date_human_day(ns[i].published) : NULL;
			printf("%zu. ", i + 1);
			if (day != NULL)
				plain_printf_line(stdout, _("%s — %s — %s (id %s)"), label,
						  day, status, ns[i].n.id);
			else
				plain_printf_line(stdout, _("%s — %s (id %s)"), label, status,
						  ns[i].n.id);
			free(label);
			free(status);
			free(day);
		}
		if (nn == 0)
			cmd_hint_unsynced(ctx->store);
	}
	store_notices_free(ns, nn);
	return CMD_OK;
}

static int
cmd_list(struct cmd_ctx *ctx, int argc, char **argv)
{
	const char *kind = NULL;
	int json = 0, i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = 1;
		else if (argv[i][0] == '-')
			return cmd_usage("list", _("Unknown option: %s"), argv[i]);
		else if (kind == NULL)
			kind = argv[i];
		else
			return cmd_usage("list", _("Too many arguments."));
	}
	if (kind == NULL)
		return cmd_usage("list", _("Say what to list: deadlines, notices, applications, "
					   "records or access."));
	if (strcmp(kind, "deadlines") == 0)
		return cmd_list_deadlines(ctx, json);
	if (strcmp(kind, "notices") == 0)
		return cmd_list_notices(ctx, json);
	if (listing_knows(kind))
		return listing_list(ctx, kind, json);
	return cmd_usage("list", _("Cannot list \"%s\": say deadlines, notices, applications, "
				   "records or access."),
			 kind);
}

/* Prints labelled lines, one fact per line. */
static void
cmd_print_lines(const char *title, char **lines, size_t n)
{
	size_t i;

	plain_printf_line(stdout, _("Title: %s"), title);
	for (i = 0; i < n; i++)
		plain_printf_line(stdout, "%s", lines[i]);
}

/* Reads the parts aloud (the NULL ones are skipped), one utterance each, in
 * the user's language, and returns when they have been spoken. */
static void
cmd_speak(struct cmd_ctx *ctx, char **parts, size_t n)
{
	struct speech_settings st;
	struct speech *sp;
	size_t i;

	speech_settings_init(&st);
	speech_settings_load(&st, ctx->config);
	st.enabled = 1; /* asked for on the command line */
	sp = speech_open(i18n_lang(), &st);
	for (i = 0; i < n; i++) {
		if (parts[i] != NULL)
			speech_say(sp, parts[i], SPEECH_TEXT);
		free(parts[i]);
	}
	speech_wait(sp);
	speech_close(sp);
}

static int
cmd_show_deadline(struct cmd_ctx *ctx, const char *id, int speech)
{
	struct store_deadline d;
	char **lines = NULL;
	size_t n = 0;

	memset(&d, 0, sizeof d);
	if (cmd_deadline_get(ctx, id, &d) < 0)
		return CMD_FAIL;
	view_deadline_lines(&d, time(NULL), &lines, &n);
	cmd_print_lines(view_deadline_title(&d), lines, n);
	view_lines_free(lines, n);
	if (speech) {
		char *when = date_human(d.due, time(NULL));
		char *parts[3] = {
			xstrdup(view_deadline_title(&d)),
			xasprintf(_("Due: %s"), when),
			xasprintf(_("Status: %s"),
				  view_state_words(view_deadline_state(&d, time(NULL)))),
		};

		free(when);
		cmd_speak(ctx, parts, 3);
	}
	store_deadline_release(&d);
	return CMD_OK;
}

static int
cmd_show_notice(struct cmd_ctx *ctx, const char *id, int speech)
{
	struct store_notice no;
	char **lines = NULL;
	size_t n = 0;
	int found = 0;

	memset(&no, 0, sizeof no);
	if (store_notice_get(ctx->store, id, &no, &found) < 0)
		return cmd_store_error(ctx);
	if (!found) {
		cmd_error(_("There is no notice with the id %s. See the ids with: myna list "
			    "notices"),
			  id);
		return CMD_FAIL;
	}
	/* Showing a notice is reading it. */
	if (!no.read && store_notice_mark_read(ctx->store, id, 1) < 0) {
		cmd_error(_("Could not mark the notice read: %s"), store_error(ctx->store));
		store_notice_release(&no);
		return CMD_FAIL;
	}
	no.read = 1;
	view_notice_lines(&no, &lines, &n);
	cmd_print_lines(view_notice_title(&no), lines, n);
	view_lines_free(lines, n);
	if (speech) {
		char *day = no.published != 0 ? date_human_day(no.published) : NULL;
		char *parts[5] = {
			xstrdup(view_notice_title(&no)),
			sender_check(&no),
			sender_line(&no),
			day != NULL ? xasprintf(_("Published: %s"), day) : NULL,
			xstrdup(view_notice_body(&no)),
		};

		free(day);
		cmd_speak(ctx, parts, 5);
	}
	store_notice_release(&no);
	return CMD_OK;
}

static int
cmd_show(struct cmd_ctx *ctx, int argc, char **argv)
{
	int speech = argc == 4 && strcmp(argv[3], "--speech") == 0;

	if (argc != 3 + speech)
		return cmd_usage("show", _("Say what to show: notice, deadline, application or "
					   "procedure, then its id."));
	if (!wire_id_valid(argv[2]))
		return cmd_usage("show", _("\"%s\" is not an id; ids look like n-1 or d-3."),
				 argv[2]);
	if (strcmp(argv[1], "notice") == 0)
		return cmd_show_notice(ctx, argv[2], speech);
	if (strcmp(argv[1], "deadline") == 0)
		return cmd_show_deadline(ctx, argv[2], speech);
	if (strcmp(argv[1], "application") == 0 || strcmp(argv[1], "procedure") == 0)
		return listing_show(ctx, argv[1], argv[2], speech);
	return cmd_usage("show", _("Cannot show \"%s\": say notice, deadline, application or "
				   "procedure."),
			 argv[1]);
}

static int
cmd_done(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct store_deadline d;
	int changed = 0, rc = CMD_FAIL;

	if (argc != 2)
		return cmd_usage("done", _("Give the id of one deadline."));
	if (!wire_id_valid(argv[1]))
		return cmd_usage("done", _("\"%s\" is not an id; ids look like d-3."), argv[1]);
	memset(&d, 0, sizeof d);
	if (cmd_deadline_get(ctx, argv[1], &d) < 0)
		return CMD_FAIL;
	if (d.done) {
		plain_printf_line(stdout, _("Already done: %s"), view_deadline_title(&d));
		rc = CMD_OK;
	} else if (store_deadline_set_done(ctx->store, argv[1], 1, &changed) < 0 || !changed) {
		cmd_error(_("Could not mark the deadline done: %s"), store_error(ctx->store));
	} else {
		plain_printf_line(stdout, _("Marked done: %s"), view_deadline_title(&d));
		rc = CMD_OK;
	}
	store_deadline_release(&d);
	return rc;
}

/* Reads a duration such as 30m, 3h, 1d or 2w into seconds (at most a
 * year); -1 when it is not one. */
static long
cmd_duration(const char *s)
{
	static const struct {
		char unit;
		long seconds;
	} units[] = { { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 }, { 'w', 7 * 86400 } };
	char *end;
	long n;
	size_t i;

	if (*s < '1' || *s > '9')
		return -1;
	n = strtol(s, &end, 10);
	if (end[0] == '\0' || end[1] != '\0' || n > 366 * 24 * 60)
		return -1;
	for (i = 0; i < sizeof units / sizeof units[0]; i++) {
		if (*end == units[i].unit)
			return n * units[i].seconds > 366L * 86400 ? -1 : n * units[i].seconds;
	}
	return -1;
}

static int
cmd_snooze(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct store_deadline d;
	json_object *answer = NULL;
	time_t until = 0;
	long secs = 0;
	int rc = CMD_FAIL;
	char *when, *cause = NULL;

	if (argc != 3)
		return cmd_usage("snooze", _("Give the id of one deadline and how long, such as 1d."));
	if (!wire_id_valid(argv[1]))
		return cmd_usage("snooze", _("\"%s\" is not an id; ids look like d-3."), argv[1]);
	if (strcmp(argv[2], "off") != 0 && (secs = cmd_duration(argv[2])) < 0)
		return cmd_usage("snooze", _("\"%s\" is not a duration: give minutes, hours, days "
					     "or weeks, such as 30m, 3h, 1d or 2w (at most a "
					     "year), or off."), argv[2]);
	memset(&d, 0, sizeof d);
	if (cmd_deadline_get(ctx, argv[1], &d) < 0)
		return CMD_FAIL;
	if (secs > 0)
		until = time(NULL) + secs;
	if (store_snooze_set(ctx->store, argv[1], until) < 0) {
		cmd_error(_("Could not snooze the deadline: %s"), store_error(ctx->store));
		goto out;
	}
	/* Any request makes a running mynad plan its wake-ups again, so that
	 * it wakes when the snooze ends. */
	if (control_call("status", CONTROL_STATUS_TIMEOUT, &answer, &cause) == CONTROL_FAILED)
		xfree(&cause);
	json_object_put(answer);
	if (until == 0) {
		plain_printf_line(stdout, _("Not snoozed any more: %s"), view_deadline_title(&d));
		rc = CMD_OK;
	} else {
		when = cmd_when(until);
		plain_printf_line(stdout, _("No reminder until %s: %s"), when,
				  view_deadline_title(&d));
		free(when);
		rc = CMD_OK;
	}
out:
	store_deadline_release(&d);
	return rc;
}

int
cmd_tui(struct cmd_ctx *ctx)
{
	struct app a;
	const char *term = getenv("TERM");
	char *cause = NULL;
	int plain, r, rc = CMD_FAIL;

	plain = ctx->plain || !isatty(STDOUT_FILENO) || !isatty(STDIN_FILENO) || term == NULL ||
		term[0] == '\0' || strcmp(term, "dumb") == 0;
	if (app_init(&a, ctx->store, 0, plain, &cause) < 0) {
		cmd_error("%s", cause);
		free(cause);
		return CMD_FAIL;
	}
	app_set_config(&a, ctx->config, ctx->config_path, ctx->speech);
	if (!plain) {
		r = curses_run(&a, &cause);
		if (r == 1) {
			/* The terminal type is unknown: lines still work. */
			plain = 1;
			a.plain = 1;
			app_set_width(&a, 0);
		} else if (r < 0) {
			cmd_error("%s", cause);
			goto out;
		}
	}
	if (plain && plain_run(&a, stdin, stdout, &cause) < 0) {
		cmd_error("%s", cause);
		goto out;
	}
	rc = CMD_OK;
out:
	free(cause);
	app_release(&a);
	return rc;
}
