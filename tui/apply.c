/*
 * apply: a submission queued from the command line (see apply.h).
 */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply.h"
#include "control.h"
#include "i18n.h"
#include "mem.h"
#include "plain.h"
#include "store.h"
#include "text.h"
#include "wire.h"

/* Reads "NAME=VALUE" (text) or "NAME:=JSON" (a number, true or false)
 * into fields; returns CMD_OK or a usage error. */
static int
apply_field(json_object *fields, const char *arg)
{
	const char *eq = strchr(arg, '=');
	json_object *value = NULL;
	char *name, *why = NULL;
	int raw;

	if (eq == NULL || eq == arg)
		return cmd_usage("apply", _("A field is given as NAME=VALUE, not \"%s\"."), arg);
	raw = eq[-1] == ':';
	name = xstrndup(arg, (size_t)(eq - arg - raw));
	if (!wire_id_valid(name)) {
		cmd_usage("apply", _("\"%s\" is not a field name: use letters, digits, - and _."),
			  name);
		free(name);
		return CMD_USAGE;
	}
	if (json_object_object_get_ex(fields, name, NULL)) {
		cmd_usage("apply", _("The field %s is given twice."), name);
		free(name);
		return CMD_USAGE;
	}
	if (strlen(eq + 1) > APPLY_VALUE_MAX || !text_valid_utf8(eq + 1, strlen(eq + 1))) {
		cmd_usage("apply", _("The value of %s must be UTF-8 text of at most %d bytes."),
			  name, APPLY_VALUE_MAX);
		free(name);
		return CMD_USAGE;
	}
	if (raw) {
		value = wire_parse(eq + 1, strlen(eq + 1), &why);
		if (value == NULL || !(json_object_is_type(value, json_type_int) ||
				       json_object_is_type(value, json_type_double) ||
				       json_object_is_type(value, json_type_boolean))) {
			cmd_usage("apply", _("The value of %s after := must be a number, true or "
					     "false."), name);
			json_object_put(value);
			free(why);
			free(name);
			return CMD_USAGE;
		}
	} else {
		value = json_object_new_string(eq + 1);
	}
	json_object_object_add(fields, name, value);
	free(name);
	return CMD_OK;
}

/* Says what became of outbox item seq after the daemon's flush. */
static int
apply_report(struct cmd_ctx *ctx, long long seq, const char *procedure)
{
	struct store_outbox *v = NULL;
	size_t n = 0, i;
	int rc = CMD_OK;

	if (store_outbox_list(ctx->store, 0, &v, &n) < 0)
		return cmd_store_error(ctx);
	for (i = 0; i < n && v[i].seq != seq; i++)
		;
	if (i == n) {
		printf(_("Queued: %s\n"), procedure);
	} else if (v[i].state == STORE_OUTBOX_SENT) {
		plain_printf_line(stdout, _("Sent: %s, application %s"), procedure,
				  v[i].application_id ? v[i].application_id : "?");
	} else if (v[i].state == STORE_OUTBOX_NEEDS_FIXING) {
		cmd_error(_("The server did not accept %s: %s"), procedure,
			  v[i].last_error ? v[i].last_error : _("no reason given"));
		rc = CMD_FAIL;
	} else {
		plain_printf_line(stdout, _("Queued: %s; mynad sends it as soon as it can (%s)"),
				  procedure, v[i].last_error ? v[i].last_error : _("waiting"));
	}
	store_outbox_free(v, n);
	return rc;
}

int
apply_cmd(struct cmd_ctx *ctx, int argc, char **argv)
{
	json_object *fields = NULL, *answer = NULL;
	const char *procedure = NULL;
	char key[STORE_KEY_SIZE], *cause = NULL;
	long long draft = 0, seq = 0;
	int i, nfields = 0, rc = CMD_USAGE;

	fields = json_object_new_object();
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--field") == 0 || strcmp(argv[i], "-f") == 0) {
			if (i + 1 == argc) {
				cmd_usage("apply", _("--field needs NAME=VALUE."));
				goto out;
			}
			if (++nfields > APPLY_FIELDS_MAX) {
				cmd_usage("apply", _("At most %d fields."), APPLY_FIELDS_MAX);
				goto out;
			}
			if (apply_field(fields, argv[++i]) != CMD_OK)
				goto out;
		} else if (strncmp(argv[i], "--field=", 8) == 0) {
			if (++nfields > APPLY_FIELDS_MAX) {
				cmd_usage("apply", _("At most %d fields."), APPLY_FIELDS_MAX);
				goto out;
			}
			if (apply_field(fields, argv[i] + 8) != CMD_OK)
				goto out;
		} else if (argv[i][0] == '-') {
			cmd_usage("apply", _("Unknown option: %s"), argv[i]);
			goto out;
		} else if (procedure == NULL) {
			procedure = argv[i];
		} else {
			cmd_usage("apply", _("Give one procedure id."));
			goto out;
		}
	}
	if (procedure == NULL || !wire_id_valid(procedure)) {
		cmd_usage("apply", procedure == NULL ? _("Give the id of the procedure to apply for.")
						     : _("\"%s\" is not a procedure id."),
			  procedure);
		goto out;
	}
	rc = CMD_FAIL;
	/* The draft and its outbox item: what was typed is kept whatever
	 * happens next. */
	if (store_draft_save(ctx->store, &draft, procedure,
			     json_object_to_json_string_ext(fields, JSON_C_TO_STRING_PLAIN |
								    JSON_C_TO_STRING_NOSLASHESCAPE)) < 0 ||
	    store_outbox_queue(ctx->store, draft, key, &seq) < 0) {
		cmd_error(_("Could not queue the submission: %s"), store_error(ctx->store));
		goto out;
	}
	switch (control_call("sync", CONTROL_SYNC_TIMEOUT, &answer, &cause)) {
	case CONTROL_ANSWERED:
		rc = apply_report(ctx, seq, procedure);
		break;
	case CONTROL_NO_DAEMON:
		printf(_("Queued: %s\n"), procedure);
		printf("%s\n", _("mynad is not running: it sends the submission when it starts "
				 "(or run: mynad --once)."));
		rc = CMD_OK;
		break;
	case CONTROL_FAILED:
		printf(_("Queued: %s\n"), procedure);
		cmd_error(_("mynad did not answer (%s); it sends the submission later."), cause);
		rc = CMD_OK;
		break;
	}
out:
	free(cause);
	json_object_put(answer);
	json_object_put(fields);
	return rc;
}
