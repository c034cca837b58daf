#include "report.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bff.h"
#include "date.h"
#include "field.h"
#include "i18n.h"
#include "log.h"
#include "metrics.h"
#include "storage.h"
#include "text.h"

static const char *const report_programs[] = {"myna", "mynad", NULL};
static const char *const report_kinds[] = {"error", "crash", NULL};

/* Returns 1 when s is one of list. */
static int
report_one_of(const char *s, const char *const *list)
{
	size_t i;

	for (i = 0; list[i] != NULL; i++)
		if (strcmp(s, list[i]) == 0)
			return 1;
	return 0;
}

/* Returns 1 when s is 1..max characters of chars. */
static int
report_word(const char *s, size_t max, const char *chars)
{
	size_t len = strlen(s);

	return len > 0 && len <= max && strspn(s, chars) == len;
}

void
report_post(struct http_req *req, struct http_resp *resp)
{
	static const char *const fields[] = {"program", "version",  "kind",    "code",
	                                     "os",      "occurred", "message", NULL};
	struct storage_report r;
	struct storage_tx *tx;
	json_object *body = NULL, *o;
	char *program = NULL, *version = NULL, *kind = NULL, *code = NULL, *os = NULL;
	char *occurred = NULL, *message = NULL;
	time_t t;

	if (req->body_len > REPORT_BODY_MAX) {
		http_problem(resp, 413, "Content Too Large", _("A report is limited to %d bytes."),
		             REPORT_BODY_MAX);
		return;
	}
	if (http_json_body(req, resp, &body) != 0 || field_known(body, fields, resp) != 0 ||
	    field_string(body, "program", 1, 16, 0, &program, resp) != 0 ||
	    field_string(body, "version", 1, 32, 0, &version, resp) != 0 ||
	    field_string(body, "kind", 1, 16, 0, &kind, resp) != 0 ||
	    field_string(body, "code", 1, 64, 0, &code, resp) != 0 ||
	    field_string(body, "os", 0, 64, 0, &os, resp) != 0 ||
	    field_string(body, "occurred", 0, 64, 0, &occurred, resp) != 0 ||
	    field_string(body, "message", 0, REPORT_MESSAGE_MAX, TEXT_MULTILINE, &message, resp) !=
	            0)
		goto out;
	if (!report_one_of(program, report_programs) || !report_one_of(kind, report_kinds)) {
		http_problem(resp, 422, "Unprocessable Content", "%s",
		             _("\"program\" must be myna or mynad, and \"kind\" error or crash."));
		goto out;
	}
	if (!report_word(version, 32,
	                 "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.+-~") ||
	    !report_word(code, 64, "abcdefghijklmnopqrstuvwxyz0123456789_.-")) {
		http_problem(resp, 422, "Unprocessable Content", "%s",
		             _("\"version\" is a version number and \"code\" a short code of "
		               "a-z 0-9 _ . -."));
		goto out;
	}
	if (occurred != NULL && date_parse(occurred, &t) != 0) {
		http_problem(resp, 422, "Unprocessable Content", "%s",
		             _("\"occurred\" must be an RFC 3339 date and time."));
		goto out;
	}
	memset(&r, 0, sizeof r);
	r.received = time(NULL);
	r.program = program;
	r.version = version;
	r.kind = kind;
	r.code = code;
	r.os = os;
	r.occurred = occurred;
	r.message = message;
	tx = storage_begin(req->bff->storage, 1);
	if (tx == NULL || storage_report_add(tx, &r, REPORT_KEEP) != 0) {
		storage_rollback(tx);
		tx = NULL;
	}
	if (tx == NULL || storage_commit(tx) != 0) {
		http_problem(resp, 500, "Internal Server Error", "%s",
		             _("The database failed; try again later."));
		goto out;
	}
	metrics_report(req->bff->metrics, kind);
	log_info("client report program=%s version=%s kind=%s code=%s", program, version, kind,
	         code);
	o = json_object_new_object();
	json_object_object_add(o, "status", json_object_new_string("accepted"));
	http_json(resp, 202, o);
out:
	json_object_put(body);
	free(program);
	free(version);
	free(kind);
	free(code);
	free(os);
	free(occurred);
	free(message);
}
