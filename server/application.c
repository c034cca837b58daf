#include "application.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bff.h"
#include "date.h"
#include "feed.h"
#include "field.h"
#include "i18n.h"
#include "log.h"
#include "mem.h"
#include "storage.h"
#include "text.h"
#include "token.h"
#include "user.h"
#include "wire.h"

#define APPLICATION_MESSAGE_MAX 4096 /* bytes of an operator's message, per language */
#define APPLICATION_JSON_FLAGS (JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

int
application_key_parse(const char *header, char *out)
{
	size_t len, i, o = 0;

	if (header == NULL)
		return -1;
	len = strlen(header);
	/* An RFC 8941 sf-string: the key is what is between the quotes,
	 * spaces included, with \" and \\ standing for " and \. */
	if (len >= 2 && header[0] == '"' && header[len - 1] == '"') {
		for (i = 1; i < len - 1; i++) {
			char c = header[i];

			if (c == '\\') {
				if (i + 1 >= len - 1 || (header[i + 1] != '"' && header[i + 1] != '\\'))
					return -1;
				c = header[++i];
			} else if (c < 0x20 || c > 0x7e || c == '"') {
				return -1;
			}
			if (o == APPLICATION_KEY_MAX)
				return -1;
			out[o++] = c;
		}
		out[o] = '\0';
		return o > 0 ? 0 : -1;
	}
	/* Bare, as many clients send it: visible characters only. */
	if (len == 0 || len > APPLICATION_KEY_MAX)
		return -1;
	for (i = 0; i < len; i++)
		if (header[i] < 0x21 || header[i] > 0x7e || header[i] == '"' || header[i] == '\\')
			return -1;
	memcpy(out, header, len);
	out[len] = '\0';
	return 0;
}

int
application_move_allowed(const char *from, const char *to)
{
	if (!wire_status_valid(from) || !wire_status_valid(to))
		return 0;
	if (strcmp(from, "approved") == 0 || strcmp(from, "rejected") == 0)
		return 0;
	return strcmp(from, to) != 0 && strcmp(to, "received") != 0;
}

static void
application_db_failed(struct http_resp *resp)
{
	http_problem(resp, 500, "Internal Server Error", "%s",
	             _("The database failed; try again later."));
}

/* {"id": id, ...the members of data} as a new object. */
static json_object *
application_with_id(const char *id, json_object *data)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "id", json_object_new_string(id));
	json_object_object_foreach(data, key, val)
	{
		json_object_object_add(o, key, json_object_get(val));
	}
	return o;
}

/* One field error as {"field", "code", "message"}. */
static json_object *
application_error(const char *field, const char *code, const char *message)
{
	json_object *e = json_object_new_object();

	json_object_object_add(e, "field", json_object_new_string(field));
	json_object_object_add(e, "code", json_object_new_string(code));
	json_object_object_add(e, "message", json_object_new_string(message));
	return e;
}

/* A 422 naming one field. */
static void
application_refuse(struct http_resp *resp, const char *field, const char *code, const char *message)
{
	json_object *errors = json_object_new_array();

	json_object_array_add(errors, application_error(field, code, message));
	http_problem_errors(resp, 422, "Unprocessable Content", errors, "%s", message);
}

enum application_claim {
	CLAIM_NEW,      /* the key is ours now */
	CLAIM_MISMATCH, /* the key came with another body */
	CLAIM_IN_FLIGHT,
	CLAIM_DONE, /* *replay holds the first answer */
	CLAIM_FAILED
};

/* Takes the key for this request, or says why not. */
static enum application_claim
application_claim(struct storage *s, const char *user, const char *key, const unsigned char *fp,
                  struct storage_idem *replay)
{
	struct storage_tx *tx = storage_begin(s, 1);
	time_t now = time(NULL);
	enum application_claim ret = CLAIM_FAILED;
	int found = 0;

	memset(replay, 0, sizeof *replay);
	if (tx == NULL || storage_idem_purge(tx, now - BFF_IDEMPOTENCY_RETENTION,
	                       now - BFF_IDEMPOTENCY_DONE_RETENTION) != 0 ||
	    storage_idem_get(tx, user, key, replay, &found) != 0)
		goto out;
	if (found && !replay->done && replay->created + APPLICATION_IN_FLIGHT_MAX < now) {
		/* Its request never finished (the server stopped mid-way): the
		 * key is free again. */
		log_warn("idempotency key of user=%s was in flight for too long; taken over", user);
		found = 0;
	}
	if (found) {
		if (memcmp(replay->fingerprint, fp, STORAGE_FINGERPRINT_LEN) != 0)
			ret = CLAIM_MISMATCH;
		else
			ret = replay->done ? CLAIM_DONE : CLAIM_IN_FLIGHT;
		goto out;
	}
	storage_idem_release(replay);
	if (storage_idem_put(tx, user, key, fp, now) != 0)
		goto out;
	ret = storage_commit(tx) == 0 ? CLAIM_NEW : CLAIM_FAILED;
	tx = NULL;
out:
	storage_rollback(tx);
	return ret;
}

/* Lets go of a key whose request failed. */
static void
application_release_key(struct storage *s, const char *user, const char *key)
{
	struct storage_tx *tx = storage_begin(s, 1);

	if (tx == NULL || storage_idem_delete(tx, user, key) != 0) {
		storage_rollback(tx);
		return;
	}
	storage_commit(tx);
}

/* Reads the procedure id as the user may see it; *p is filled when found. */
static int
application_procedure(struct storage *s, const struct user *u, const char *id,
                      struct wire_procedure *p, int *found)
{
	struct storage_tx *tx = storage_begin(s, 0);
	struct storage_row row;
	json_object *data = NULL;
	char *cause = NULL;
	int have = 0, ret = -1;

	*found = 0;
	memset(&row, 0, sizeof row);
	if (tx == NULL || storage_feed_get(tx, "procedure", id, &row, &have) != 0)
		goto out;
	ret = 0;
	if (!have || row.deleted || row.data == NULL || row.user != NULL ||
	    (row.municipality != NULL && strcmp(row.municipality, u->municipality) != 0))
		goto out;
	data = wire_parse(row.data, row.data_len, &cause);
	if (data == NULL || wire_procedure_from_json(data, id, p, &cause) != 0) {
		log_error("procedure %s in the feed does not decode: %s", id, cause);
		ret = -1;
		goto out;
	}
	*found = 1;
out:
	storage_rollback(tx);
	storage_row_release(&row);
	json_object_put(data);
	free(cause);
	return ret;
}

/* Files the application and finishes the key, in one unit of work. */
static void
application_file(struct http_req *req, struct http_resp *resp, const char *key)
{
	static const char *const fields[] = {"procedure", "answers", NULL};
	struct bff *bff = req->bff;
	struct wire_procedure p;
	struct wire_application a;
	struct wire_answer *answers = NULL;
	struct wire_field_error *errs = NULL;
	struct wire_status first;
	struct storage_tx *tx = NULL;
	struct feed_audience aud = {req->user.id, NULL};
	json_object *body = NULL, *ans = NULL, *data = NULL, *out = NULL, *errors;
	char *procedure = NULL, *id = NULL, *location = NULL;
	char now[40];
	size_t nanswers = 0, nerrs = 0, i;
	long long n;
	int found = 0;

	memset(&p, 0, sizeof p);
	memset(&a, 0, sizeof a);
	if (http_json_body(req, resp, &body) != 0 || field_known(body, fields, resp) != 0 ||
	    field_string(body, "procedure", 1, WIRE_ID_MAX * 3, 0, &procedure, resp) != 0)
		goto out;
	if (!json_object_object_get_ex(body, "answers", &ans) ||
	    !json_object_is_type(ans, json_type_object)) {
		http_problem(resp, 400, "Bad Request", "%s",
		             _("The field \"answers\" is required: an object of the form's field "
		               "names and values."));
		goto out;
	}
	if (wire_id_valid(procedure) &&
	    application_procedure(bff->storage, &req->user, procedure, &p, &found) != 0) {
		application_db_failed(resp);
		goto out;
	}
	if (!found) {
		application_refuse(resp, "procedure", "unknown",
		                   _("There is no such procedure for you; see the procedures in "
		                     "your feed."));
		goto out;
	}
	if (!p.online) {
		application_refuse(resp, "procedure", "offline",
		                   _("This procedure cannot be done online; its description says "
		                     "where to go."));
		goto out;
	}
	if (wire_answers_check(p.fields, p.nfields, ans, &answers, &nanswers, &errs, &nerrs) > 0) {
		errors = json_object_new_array();
		for (i = 0; i < nerrs; i++)
			json_object_array_add(errors, application_error(errs[i].field, errs[i].code,
			                                                errs[i].message));
		http_problem_errors(resp, 422, "Unprocessable Content", errors,
		                    ngettext("%zu answer needs fixing; see \"errors\".",
		                             "%zu answers need fixing; see \"errors\".", nerrs),
		                    nerrs);
		goto out;
	}

	date_format(time(NULL), now, sizeof now);
	a.procedure = p.id;
	a.procedure_name = p.name;
	a.status = (char *)"received";
	a.submitted = now;
	a.updated = now;
	a.answers = answers;
	a.nanswers = nanswers;
	memset(&first, 0, sizeof first);
	first.status = (char *)"received";
	first.at = now;
	a.history = &first;
	a.nhistory = 1;
	data = wire_application_encode(&a);

	tx = storage_begin(bff->storage, 1);
	if (tx == NULL || storage_feed_next_id(tx, "application", &n) != 0)
		goto dbfail;
	id = xasprintf("a-%lld", n);
	location = xasprintf("/v1/applications/%s", id);
	out = application_with_id(id, data);
	if (feed_item_put_tx(tx, "application", id, &aud, data) != 0 ||
	    storage_idem_finish(tx, req->user.id, key, 201,
	                        json_object_to_json_string_ext(out, APPLICATION_JSON_FLAGS),
	                        location) != 0)
		goto dbfail;
	if (storage_commit(tx) != 0) {
		tx = NULL;
		goto dbfail;
	}
	tx = NULL;
	log_info("application %s filed for %s by user=%s", id, p.id, req->user.id);
	http_json(resp, 201, out);
	out = NULL;
	http_header(resp, "Location", location);
	goto out;
dbfail:
	application_db_failed(resp);
out:
	storage_rollback(tx);
	json_object_put(body);
	json_object_put(data);
	json_object_put(out);
	wire_answers_free(answers, nanswers);
	wire_field_errors_free(errs, nerrs);
	wire_procedure_release(&p);
	free(procedure);
	free(id);
	free(location);
}

void
application_post(struct http_req *req, struct http_resp *resp)
{
	struct bff *bff = req->bff;
	const char *header = http_req_header(req, "Idempotency-Key");
	unsigned char fp[TOKEN_HASH_LEN];
	char key[APPLICATION_KEY_MAX + 1];
	struct storage_idem replay;

	if (header == NULL) {
		http_problem(resp, 400, "Bad Request", "%s",
		             _("The Idempotency-Key header is required: send a new random key "
		               "(a UUID) with each new application, and the same key when you "
		               "retry it."));
		return;
	}
	if (application_key_parse(header, key) != 0) {
		http_problem(resp, 400, "Bad Request",
		             _("The Idempotency-Key must be 1 to %d printable ASCII characters."),
		             APPLICATION_KEY_MAX);
		return;
	}
	if (token_hash(req->body, req->body_len, fp) != 0) {
		application_db_failed(resp);
		return;
	}
	switch (application_claim(bff->storage, req->user.id, key, fp, &replay)) {
	case CLAIM_NEW:
		break;
	case CLAIM_MISMATCH:
		http_problem(resp, 422, "Unprocessable Content", "%s",
		             _("This Idempotency-Key was used with a different request; use a new "
		               "key for a new application."));
		goto out;
	case CLAIM_IN_FLIGHT:
		http_problem(resp, 409, "Conflict", "%s",
		             _("The first request with this Idempotency-Key is still being "
		               "handled; try again in a moment."));
		http_header(resp, "Retry-After", "1");
		goto out;
	case CLAIM_DONE:
		http_text(resp, replay.status, "application/json",
		          replay.body != NULL ? replay.body : "{}");
		if (replay.location != NULL)
			http_header(resp, "Location", replay.location);
		http_header(resp, "Idempotent-Replayed", "true");
		goto out;
	case CLAIM_FAILED:
		application_db_failed(resp);
		goto out;
	}
	if (bff->application_delay_ms > 0) {
		struct timespec ts;

		log_info("application in flight user=%s key=%s", req->user.id, key);
		ts.tv_sec = bff->application_delay_ms / 1000;
		ts.tv_nsec = (bff->application_delay_ms % 1000) * 1000000;
		nanosleep(&ts, NULL);
	}
	application_file(req, resp, key);
	if (resp->status != 201)
		application_release_key(bff->storage, req->user.id, key);
out:
	storage_idem_release(&replay);
}

/* Reads the application id as a row; *found only when it is not deleted. */
static int
application_row(struct storage_tx *tx, const char *id, struct storage_row *row, int *found)
{
	int have = 0;

	*found = 0;
	if (storage_feed_get(tx, "application", id, row, &have) != 0)
		return -1;
	*found = have && !row->deleted && row->data != NULL && row->user != NULL;
	return 0;
}

void
application_get(struct http_req *req, struct http_resp *resp)
{
	const char *id = req->nparams == 1 ? req->params[0] : NULL;
	struct storage_tx *tx;
	struct storage_row row;
	json_object *data;
	char *cause = NULL;
	int found = 0;

	memset(&row, 0, sizeof row);
	if (id == NULL || !wire_id_valid(id)) {
		http_problem(resp, 404, "Not Found", "%s",
		             _("There is no application with this id."));
		return;
	}
	tx = storage_begin(req->bff->storage, 0);
	if (tx == NULL || application_row(tx, id, &row, &found) != 0) {
		storage_rollback(tx);
		application_db_failed(resp);
		return;
	}
	storage_rollback(tx);
	/* Someone else's application is answered as if it did not exist. */
	if (!found || strcmp(row.user, req->user.id) != 0) {
		http_problem(resp, 404, "Not Found", "%s",
		             _("There is no application with this id."));
		goto out;
	}
	data = wire_parse(row.data, row.data_len, &cause);
	if (data == NULL) {
		log_error("application %s holds malformed JSON: %s", id, cause);
		application_db_failed(resp);
		goto out;
	}
	http_json(resp, 200, application_with_id(id, data));
	json_object_put(data);
out:
	storage_row_release(&row);
	free(cause);
}

void
application_status_post(struct http_req *req, struct http_resp *resp)
{
	static const char *const fields[] = {"status", "message", NULL};
	const char *id = req->nparams == 1 ? req->params[0] : NULL;
	struct wire_application a;
	struct wire_status *h;
	struct storage_tx *tx = NULL;
	struct storage_row row;
	struct wire_text message;
	struct feed_audience aud;
	json_object *body = NULL, *data = NULL, *stored = NULL, *v = NULL;
	char *status = NULL, *cause = NULL;
	char now[40];
	int found = 0;

	memset(&a, 0, sizeof a);
	memset(&row, 0, sizeof row);
	memset(&message, 0, sizeof message);
	if (http_json_body(req, resp, &body) != 0 || field_known(body, fields, resp) != 0 ||
	    field_string(body, "status", 1, 64, 0, &status, resp) != 0)
		goto out;
	if (json_object_object_get_ex(body, "message", &v) && v != NULL &&
	    field_text(body, "message", APPLICATION_MESSAGE_MAX, TEXT_MULTILINE, &message, resp) !=
	            0)
		goto out;
	if (!wire_status_valid(status) || strcmp(status, "received") == 0) {
		http_problem(resp, 422, "Unprocessable Content", "%s",
		             _("\"status\" must be under_review, needs_changes, approved or "
		               "rejected."));
		goto out;
	}
	if (strcmp(status, "needs_changes") == 0 && message.ja == NULL) {
		http_problem(resp, 422, "Unprocessable Content", "%s",
		             _("needs_changes needs a \"message\" that tells the resident what to "
		               "change."));
		goto out;
	}
	if (id == NULL || !wire_id_valid(id)) {
		http_problem(resp, 404, "Not Found", "%s",
		             _("There is no application with this id."));
		goto out;
	}
	tx = storage_begin(req->bff->storage, 1);
	if (tx == NULL || application_row(tx, id, &row, &found) != 0)
		goto dbfail;
	if (!found) {
		http_problem(resp, 404, "Not Found", "%s",
		             _("There is no application with this id."));
		goto out;
	}
	stored = wire_parse(row.data, row.data_len, &cause);
	if (stored == NULL || wire_application_from_json(stored, id, &a, &cause) != 0) {
		log_error("application %s does not decode: %s", id, cause);
		goto dbfail;
	}
	if (!application_move_allowed(a.status, status)) {
		http_problem(resp, 409, "Conflict",
		             _("The application is %s; it cannot move to %s."), a.status, status);
		goto out;
	}
	if (a.nhistory >= WIRE_LIST_MAX) {
		http_problem(resp, 409, "Conflict",
		             _("The application has %d status changes already, the most it "
		               "keeps."),
		             WIRE_LIST_MAX);
		goto out;
	}
	date_format(time(NULL), now, sizeof now);
	a.history = xreallocarray(a.history, a.nhistory + 1, sizeof *a.history);
	h = &a.history[a.nhistory++];
	memset(h, 0, sizeof *h);
	h->status = xstrdup(status);
	h->at = xstrdup(now);
	h->message = message;
	memset(&message, 0, sizeof message);
	free(a.status);
	a.status = xstrdup(status);
	free(a.updated);
	a.updated = xstrdup(now);
	data = wire_application_encode(&a);
	aud.user = row.user;
	aud.municipality = NULL;
	if (feed_item_put_tx(tx, "application", id, &aud, data) != 0)
		goto dbfail;
	if (storage_commit(tx) != 0) {
		tx = NULL;
		goto dbfail;
	}
	tx = NULL;
	log_info("application %s is now %s", id, status);
	http_json(resp, 200, application_with_id(id, data));
	goto out;
dbfail:
	application_db_failed(resp);
out:
	storage_rollback(tx);
	storage_row_release(&row);
	wire_application_release(&a);
	wire_text_release(&message);
	json_object_put(body);
	json_object_put(stored);
	json_object_put(data);
	free(status);
	free(cause);
}
