#include "admin.h"

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
#include "municipality.h"
#include "sig.h"
#include "storage.h"
#include "text.h"
#include "user.h"
#include "wire.h"

static void
admin_created(struct http_resp *resp, const char *id)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "id", json_object_new_string(id));
	http_json(resp, 201, o);
}

static void
admin_db_failed(struct http_resp *resp, const char *what, const char *cause)
{
	log_error("%s: %s", what, cause != NULL ? cause : "database error");
	http_problem(resp, 500, "Internal Server Error", "%s",
	             _("The database failed; try again later."));
}

/* Checks that user names a known resident; else a 422 problem. */
static int
admin_user_known(struct http_req *req, struct http_resp *resp, const char *user)
{
	struct storage_tx *tx = storage_begin(req->bff->storage, 0);
	struct user u;
	int found = 0, rc = tx != NULL ? storage_user_get(tx, user, &u, &found) : -1;

	storage_rollback(tx);
	if (rc != 0) {
		admin_db_failed(resp, "user lookup", NULL);
		return -1;
	}
	if (!found) {
		http_problem(resp, 422, "Unprocessable Content",
		             _("There is no user \"%s\"; register the user with POST "
		               "/v1/admin/users first."),
		             user);
		return -1;
	}
	return 0;
}

static int
admin_municipality_ok(struct http_resp *resp, const char *code)
{
	if (municipality_valid(code))
		return 0;
	http_problem(resp, 422, "Unprocessable Content",
	             _("\"%s\" is not a municipality code: it must be 6 digits whose last digit "
	               "is the check digit of the first five."),
	             code);
	return -1;
}

void
admin_user_post(struct http_req *req, struct http_resp *resp)
{
	static const char *const fields[] = {"id", "municipality", "name", NULL};
	json_object *body = NULL;
	struct storage_tx *tx;
	char *id = NULL, *municipality = NULL, *name = NULL;
	int exists = 0;

	if (http_json_body(req, resp, &body) != 0 || field_known(body, fields, resp) != 0 ||
	    field_string(body, "id", 1, USER_ID_MAX * 3, 0, &id, resp) != 0 ||
	    field_string(body, "municipality", 1, 64, 0, &municipality, resp) != 0 ||
	    field_string(body, "name", 1, USER_NAME_MAX, 0, &name, resp) != 0)
		goto out;
	if (!user_id_valid(id)) {
		http_problem(resp, 422, "Unprocessable Content",
		             _("A user id is 1 to %d characters of A-Z a-z 0-9 . _ -."),
		             USER_ID_MAX);
		goto out;
	}
	if (admin_municipality_ok(resp, municipality) != 0)
		goto out;
	tx = storage_begin(req->bff->storage, 1);
	if (tx == NULL || storage_user_add(tx, id, municipality, name, time(NULL), &exists) != 0) {
		storage_rollback(tx);
		admin_db_failed(resp, "user add", NULL);
		goto out;
	}
	if (storage_commit(tx) != 0)
		admin_db_failed(resp, "user add", NULL);
	else if (exists)
		http_problem(resp, 409, "Conflict", _("The user \"%s\" exists already."), id);
	else
		admin_created(resp, id);
out:
	json_object_put(body);
	free(id);
	free(municipality);
	free(name);
}

/* Reads "audience" into user / municipality (both NULL: everyone). */
static int
admin_audience(struct http_req *req, struct http_resp *resp, json_object *body, char **user,
               char **municipality)
{
	static const char *const fields[] = {"user", "municipality", NULL};
	json_object *a = NULL;

	*user = NULL;
	*municipality = NULL;
	if (!json_object_object_get_ex(body, "audience", &a) || a == NULL) {
		http_problem(resp, 400, "Bad Request", "%s",
		             _("The field \"audience\" is required: {\"user\": ID}, "
		               "{\"municipality\": CODE} or \"all\"."));
		return -1;
	}
	if (json_object_is_type(a, json_type_string)) {
		if (strcmp(json_object_get_string(a), "all") == 0)
			return 0;
		http_problem(resp, 400, "Bad Request", "%s",
		             _("The only audience given as a string is \"all\"."));
		return -1;
	}
	if (!json_object_is_type(a, json_type_object) || json_object_object_length(a) != 1) {
		http_problem(
		        resp, 400, "Bad Request", "%s",
		        _("The audience is {\"user\": ID}, {\"municipality\": CODE} or \"all\"."));
		return -1;
	}
	if (field_known(a, fields, resp) != 0 ||
	    field_string(a, "user", 0, USER_ID_MAX * 3, 0, user, resp) != 0 ||
	    field_string(a, "municipality", 0, 64, 0, municipality, resp) != 0)
		goto fail;
	if (*user != NULL && admin_user_known(req, resp, *user) != 0)
		goto fail;
	if (*municipality != NULL && admin_municipality_ok(resp, *municipality) != 0)
		goto fail;
	if (*user == NULL && *municipality == NULL) {
		http_problem(resp, 400, "Bad Request", "%s",
		             _("The audience names no user or municipality."));
		goto fail;
	}
	return 0;
fail:
	xfree(user);
	xfree(municipality);
	return -1;
}

int
admin_notice_read(json_object *body, struct wire_notice *n, struct http_resp *resp)
{
	char *published = NULL;
	char formatted[40];
	unsigned char raw[SIG_BYTES];
	time_t t;

	memset(n, 0, sizeof *n);
	if (field_text(body, "title", ADMIN_TITLE_MAX, 0, &n->title, resp) != 0 ||
	    field_text(body, "body", ADMIN_BODY_MAX, TEXT_MULTILINE, &n->body, resp) != 0 ||
	    field_text(body, "sender", ADMIN_SENDER_MAX, 0, &n->sender, resp) != 0 ||
	    field_string(body, "published", 0, 64, 0, &published, resp) != 0 ||
	    field_string(body, "agency", 0, SIG_AGENCY_MAX * 3, 0, &n->agency, resp) != 0 ||
	    field_string(body, "signature", 0, SIG_BASE64_LEN * 3, 0, &n->signature, resp) != 0)
		goto fail;
	if (published != NULL) {
		if (date_parse(published, &t) != 0) {
			http_problem(resp, 422, "Unprocessable Content", "%s",
			             _("\"published\" must be an RFC 3339 date and time, such as "
			               "2026-11-20T10:00:00+09:00."));
			goto fail;
		}
		/* In the server's time zone, as every time in the feed; the
		 * signature covers the instant, not how it is written. */
		n->published = xstrdup(date_format(t, formatted, sizeof formatted));
	}
	if (n->agency != NULL && !sig_agency_valid(n->agency)) {
		http_problem(resp, 422, "Unprocessable Content",
		             _("\"agency\" must be an agency id: 1 to %d characters of a-z, 0-9 "
		               "and -, not starting with -."),
		             SIG_AGENCY_MAX);
		goto fail;
	}
	if (n->signature != NULL && sig_decode(n->signature, raw) != 0) {
		http_problem(resp, 422, "Unprocessable Content", "%s",
		             _("\"signature\" must be an Ed25519 signature (64 bytes) in base64: "
		               "88 characters ending in ==."));
		goto fail;
	}
	free(published);
	return 0;
fail:
	free(published);
	wire_notice_release(n);
	return -1;
}

/* Checks that a signed notice has all a client needs to check it, and,
 * with --agency-keys, checks its signature as clients will (docs/api.md):
 * a notice that would be shown with a warning is refused rather than
 * published.  Returns 0, or -1 with a 422 problem. */
static int
admin_notice_check(const struct bff *bff, const struct wire_notice *n, struct http_resp *resp)
{
	if ((n->agency == NULL) != (n->signature == NULL)) {
		http_problem(resp, 422, "Unprocessable Content", "%s",
		             _("A signed notice has both \"agency\" and \"signature\"; an "
		               "unsigned one has neither."));
		return -1;
	}
	if (n->signature != NULL && n->published == NULL) {
		http_problem(resp, 422, "Unprocessable Content", "%s",
		             _("A signed notice needs the \"published\" time it was signed "
		               "with (myna-bff sign-notice sets it)."));
		return -1;
	}
	if (bff->keyring == NULL || n->signature == NULL)
		return 0;
	switch (sig_verify(bff->keyring, n)) {
	case SIG_VERIFIED:
		return 0;
	case SIG_UNKNOWN:
		http_problem(resp, 422, "Unprocessable Content",
		             _("This server has no key of the agency \"%s\" (--agency-keys): "
		               "clients that do not have it either would show the notice as "
		               "from an unknown signer."),
		             n->agency);
		return -1;
	default:
		http_problem(resp, 422, "Unprocessable Content", "%s",
		             _("The signature does not match the notice with the agency's key: "
		               "sign the text exactly as it is sent (myna-bff sign-notice), and "
		               "check that nothing was changed after signing."));
		return -1;
	}
}

void
admin_notice_post(struct http_req *req, struct http_resp *resp)
{
	static const char *const fields[] = {"audience", "title",     "body",      "sender",
	                                     "published", "agency", "signature", NULL};
	json_object *body = NULL;
	struct wire_notice n;
	struct feed_audience aud;
	char *user = NULL, *municipality = NULL, *id = NULL, *cause = NULL;

	memset(&n, 0, sizeof n);
	if (http_json_body(req, resp, &body) != 0 || field_known(body, fields, resp) != 0 ||
	    admin_audience(req, resp, body, &user, &municipality) != 0 ||
	    admin_notice_read(body, &n, resp) != 0 || admin_notice_check(req->bff, &n, resp) != 0)
		goto out;
	aud.user = user;
	aud.municipality = municipality;
	if (feed_notice_add(req->bff->storage, &aud, &n, &id, &cause) != 0) {
		admin_db_failed(resp, "notice add", cause);
		goto out;
	}
	log_info("notice %s published to %s%s%s%s", id,
	         user != NULL           ? "user "
	         : municipality != NULL ? "municipality "
	                                : "everyone",
	         user != NULL           ? user
	         : municipality != NULL ? municipality
	                                : "",
	         n.agency != NULL ? ", signed by " : ", unsigned", n.agency != NULL ? n.agency : "");
	admin_created(resp, id);
out:
	json_object_put(body);
	wire_notice_release(&n);
	free(user);
	free(municipality);
	free(id);
	free(cause);
}

void
admin_deadline_post(struct http_req *req, struct http_resp *resp)
{
	static const char *const fields[] = {"user", "title", "due", "procedure", NULL};
	json_object *body = NULL;
	struct wire_deadline d;
	char *user = NULL, *due = NULL, *id = NULL, *cause = NULL;
	char formatted[40];
	time_t t;

	memset(&d, 0, sizeof d);
	if (http_json_body(req, resp, &body) != 0 || field_known(body, fields, resp) != 0 ||
	    field_string(body, "user", 1, USER_ID_MAX * 3, 0, &user, resp) != 0 ||
	    admin_user_known(req, resp, user) != 0 ||
	    field_text(body, "title", ADMIN_TITLE_MAX, 0, &d.title, resp) != 0 ||
	    field_string(body, "due", 1, 64, 0, &due, resp) != 0 ||
	    field_string(body, "procedure", 0, WIRE_ID_MAX * 3, 0, &d.procedure, resp) != 0)
		goto out;
	if (date_parse(due, &t) != 0) {
		http_problem(resp, 422, "Unprocessable Content",
		             _("\"due\" must be an RFC 3339 date and time, such as "
		               "2027-03-15T23:59:59+09:00."));
		goto out;
	}
	if (d.procedure != NULL && !wire_id_valid(d.procedure)) {
		http_problem(resp, 422, "Unprocessable Content",
		             _("\"procedure\" must be a procedure id: 1 to %d characters of "
		               "A-Z a-z 0-9 - _ . :"),
		             WIRE_ID_MAX);
		goto out;
	}
	/* Stored in the server's time zone, as every time in the feed. */
	d.due = date_format(t, formatted, sizeof formatted);
	if (feed_deadline_add(req->bff->storage, user, &d, &id, &cause) != 0) {
		d.due = NULL;
		admin_db_failed(resp, "deadline add", cause);
		goto out;
	}
	d.due = NULL;
	log_info("deadline %s added for user %s", id, user);
	admin_created(resp, id);
out:
	json_object_put(body);
	wire_text_release(&d.title);
	free(d.procedure);
	free(user);
	free(due);
	free(id);
	free(cause);
}

void
admin_delete(struct http_req *req, struct http_resp *resp, const char *type)
{
	const char *id = req->nparams == 1 ? req->params[0] : NULL;
	int found = 0;

	if (id == NULL || !wire_id_valid(id)) {
		http_problem(resp, 404, "Not Found", "%s", _("There is no item with this id."));
		return;
	}
	if (feed_delete(req->bff->storage, type, id, &found) != 0) {
		admin_db_failed(resp, "delete", NULL);
		return;
	}
	if (!found) {
		http_problem(resp, 404, "Not Found",
		             _("There is no %s \"%s\", or it was deleted already."), type, id);
		return;
	}
	log_info("%s %s deleted", type, id);
	resp->status = 204;
}

void
admin_notice_delete(struct http_req *req, struct http_resp *resp)
{
	admin_delete(req, resp, "notice");
}

void
admin_deadline_delete(struct http_req *req, struct http_resp *resp)
{
	admin_delete(req, resp, "deadline");
}

int
admin_maintain(struct bff *bff, long long *removed)
{
	time_t now = time(NULL);
	struct storage_tx *tx = storage_begin(bff->storage, 1);

	*removed = 0;
	if (tx == NULL || storage_feed_compact(tx, now - bff->tombstone_retention, removed) != 0 ||
	    storage_token_purge(tx, now) != 0 || storage_device_purge(tx, now - 3600) != 0 ||
	    storage_idem_purge(tx, now - BFF_IDEMPOTENCY_RETENTION,
	                       now - BFF_IDEMPOTENCY_DONE_RETENTION) != 0) {
		storage_rollback(tx);
		return -1;
	}
	if (storage_commit(tx) != 0)
		return -1;
	if (*removed > 0) {
		log_info("maintenance: removed %lld tombstones", *removed);
		if (bff->tips != NULL && feed_tips_load(bff->tips, bff->storage) != 0)
			return -1;
	}
	return 0;
}

void
admin_compact_post(struct http_req *req, struct http_resp *resp)
{
	static const char *const fields[] = {NULL};
	json_object *body = NULL, *o;
	long long removed = 0;

	if (req->body_len > 0 &&
	    (http_json_body(req, resp, &body) != 0 || field_known(body, fields, resp) != 0))
		goto out;
	if (admin_maintain(req->bff, &removed) != 0) {
		admin_db_failed(resp, "maintenance", NULL);
		goto out;
	}
	o = json_object_new_object();
	json_object_object_add(o, "tombstones_removed", json_object_new_int64(removed));
	http_json(resp, 200, o);
out:
	json_object_put(body);
}
