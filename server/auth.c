#include "auth.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "bff.h"
#include "db.h"
#include "field.h"
#include "form.h"
#include "i18n.h"
#include "log.h"
#include "mem.h"
#include "token.h"
#include "user.h"

/* device_codes.state */
enum { DEVICE_PENDING, DEVICE_APPROVED, DEVICE_DENIED, DEVICE_CONSUMED };
/* tokens.kind */
enum { TOKEN_ACCESS, TOKEN_REFRESH };

#define AUTH_SLOW_DOWN_STEP 5 /* seconds added by slow_down (RFC 8628 3.5) */
#define AUTH_DEVICE_KEEP                                                                           \
	3600 /* seconds an expired device code is kept,                                            \
	        so that its polls get expired_token */
#define AUTH_USER_CODE_TRIES 8

#define AUTH_GRANT_DEVICE "urn:ietf:params:oauth:grant-type:device_code"

int
auth_user_code_new(char *out)
{
	static const char alphabet[] = AUTH_USER_CODE_CHARS;
	const size_t n = sizeof alphabet - 1;
	unsigned char raw[32];
	size_t got = 0, i = 0;

	/* Rejection sampling: only bytes below the largest multiple of n are
	 * used, so every letter is equally likely. */
	while (got < 8) {
		if (i == 0 && token_random(raw, sizeof raw) != 0)
			return -1;
		if (raw[i] < 256 - 256 % n) {
			out[got < 4 ? got : got + 1] = alphabet[raw[i] % n];
			got++;
		}
		i = (i + 1) % sizeof raw;
	}
	out[4] = '-';
	out[AUTH_USER_CODE_LEN] = '\0';
	return 0;
}

int
auth_user_code_normalize(const char *in, char *out)
{
	size_t got = 0;

	if (in == NULL)
		return -1;
	for (; *in != '\0'; in++) {
		char c = *in;

		if (c == '-' || c == ' ')
			continue;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (strchr(AUTH_USER_CODE_CHARS, c) == NULL || c == '\0' || got == 8)
			return -1;
		out[got < 4 ? got : got + 1] = c;
		got++;
	}
	if (got != 8)
		return -1;
	out[4] = '-';
	out[AUTH_USER_CODE_LEN] = '\0';
	return 0;
}

static long long
auth_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* An RFC 6749 section 5.2 error. */
static void
auth_error(struct http_resp *resp, int status, const char *error, const char *description)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "error", json_object_new_string(error));
	json_object_object_add(o, "error_description", json_object_new_string(description));
	http_json(resp, status, o);
	http_header(resp, "Pragma", "no-cache");
}

static void
auth_db_failed(struct http_resp *resp, struct db *db, const char *what)
{
	log_error("%s: %s", what, db_error(db));
	http_problem(resp, 500, "Internal Server Error", "%s",
	             _("The database failed; try again later."));
}

/* Parses the form body; on failure puts an invalid_request into resp. */
static int
auth_form(struct http_req *req, struct http_resp *resp, struct form *f)
{
	const char *type = http_req_header(req, "Content-Type");
	char *cause = NULL;

	memset(f, 0, sizeof *f);
	if (type != NULL && strncasecmp(type, "application/x-www-form-urlencoded", 33) != 0) {
		auth_error(resp, 400, "invalid_request",
		           _("Send the parameters as application/x-www-form-urlencoded."));
		return -1;
	}
	if (form_parse(f, req->body, req->body_len, &cause) != 0) {
		auth_error(resp, 400, "invalid_request", cause);
		free(cause);
		return -1;
	}
	return 0;
}

/* Issues an access and a refresh token for user in family and writes the
 * token response.  Runs inside the caller's transaction.  Returns 0 or -1. */
static int
auth_issue(struct db *db, const char *user, const unsigned char *family, time_t now,
           json_object **out)
{
	static const char *const ins = "INSERT INTO tokens (hash, kind, user_id, family, expires) "
	                               "VALUES (?1, ?2, ?3, ?4, ?5)";
	char access[TOKEN_LEN + 1], refresh[TOKEN_LEN + 1];
	unsigned char hash[TOKEN_HASH_LEN];
	const char *tok[2] = {access, refresh};
	const long life[2] = {BFF_ACCESS_EXPIRY, BFF_REFRESH_EXPIRY};
	sqlite3_stmt *st;
	json_object *o;
	int k;

	*out = NULL;
	st = db_stmt(db, "DELETE FROM tokens WHERE expires <= ?1");
	if (st == NULL || sqlite3_bind_int64(st, 1, (sqlite3_int64)now) != SQLITE_OK ||
	    db_done(st) != 0)
		return -1;
	if (token_new(access) != 0 || token_new(refresh) != 0)
		return -1;
	for (k = 0; k < 2; k++) {
		if (token_hash(tok[k], TOKEN_LEN, hash) != 0)
			return -1;
		st = db_stmt(db, ins);
		if (st == NULL ||
		    sqlite3_bind_blob(st, 1, hash, TOKEN_HASH_LEN, SQLITE_TRANSIENT) != SQLITE_OK ||
		    sqlite3_bind_int(st, 2, k == 0 ? TOKEN_ACCESS : TOKEN_REFRESH) != SQLITE_OK ||
		    db_bind_text(st, 3, user) != 0 ||
		    sqlite3_bind_blob(st, 4, family, TOKEN_BYTES, SQLITE_TRANSIENT) != SQLITE_OK ||
		    sqlite3_bind_int64(st, 5, (sqlite3_int64)(now + life[k])) != SQLITE_OK ||
		    db_done(st) != 0)
			return -1;
	}
	o = json_object_new_object();
	json_object_object_add(o, "access_token", json_object_new_string(access));
	json_object_object_add(o, "token_type", json_object_new_string("Bearer"));
	json_object_object_add(o, "expires_in", json_object_new_int64(BFF_ACCESS_EXPIRY));
	json_object_object_add(o, "refresh_token", json_object_new_string(refresh));
	*out = o;
	return 0;
}

void
auth_device_code(struct http_req *req, struct http_resp *resp)
{
	struct bff *bff = req->bff;
	struct db *db = bff->db;
	char device[TOKEN_LEN + 1], user_code[AUTH_USER_CODE_LEN + 1];
	unsigned char hash[TOKEN_HASH_LEN];
	time_t now = time(NULL);
	struct form f;
	sqlite3_stmt *st;
	json_object *o;
	char *uri;
	int tries, rc = SQLITE_ERROR;

	if (auth_form(req, resp, &f) != 0)
		goto out;
	if (token_new(device) != 0 || token_hash(device, TOKEN_LEN, hash) != 0) {
		http_problem(resp, 500, "Internal Server Error", "%s",
		             _("No random numbers were available."));
		goto out;
	}
	db_lock(db);
	st = db_stmt(db, "DELETE FROM device_codes WHERE expires <= ?1");
	if (st == NULL ||
	    sqlite3_bind_int64(st, 1, (sqlite3_int64)(now - AUTH_DEVICE_KEEP)) != SQLITE_OK ||
	    db_done(st) != 0) {
		auth_db_failed(resp, db, "device code purge");
		db_unlock(db);
		goto out;
	}
	/* A clash of user codes is unlikely (20^8 codes) but possible. */
	for (tries = 0; tries < AUTH_USER_CODE_TRIES; tries++) {
		if (auth_user_code_new(user_code) != 0)
			break;
		st = db_stmt(db,
		             "INSERT INTO device_codes (code_hash, user_code, expires, interval) "
		             "VALUES (?1, ?2, ?3, ?4)");
		if (st == NULL ||
		    sqlite3_bind_blob(st, 1, hash, TOKEN_HASH_LEN, SQLITE_TRANSIENT) != SQLITE_OK ||
		    db_bind_text(st, 2, user_code) != 0 ||
		    sqlite3_bind_int64(st, 3, (sqlite3_int64)(now + bff->device_expiry)) !=
		            SQLITE_OK ||
		    sqlite3_bind_int64(st, 4, bff->device_interval) != SQLITE_OK)
			break;
		rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc != SQLITE_CONSTRAINT)
			break;
	}
	if (rc != SQLITE_DONE) {
		auth_db_failed(resp, db, "device code insert");
		db_unlock(db);
		goto out;
	}
	db_unlock(db);

	o = json_object_new_object();
	json_object_object_add(o, "device_code", json_object_new_string(device));
	json_object_object_add(o, "user_code", json_object_new_string(user_code));
	uri = xasprintf("%s/device", bff->base_url);
	json_object_object_add(o, "verification_uri", json_object_new_string(uri));
	free(uri);
	uri = xasprintf("%s/device?user_code=%s", bff->base_url, user_code);
	json_object_object_add(o, "verification_uri_complete", json_object_new_string(uri));
	free(uri);
	json_object_object_add(o, "expires_in", json_object_new_int64(bff->device_expiry));
	json_object_object_add(o, "interval", json_object_new_int64(bff->device_interval));
	http_json(resp, 200, o);
out:
	form_release(&f);
}

/* grant_type=urn:ietf:params:oauth:grant-type:device_code */
static void
auth_token_device(struct bff *bff, const char *code, struct http_resp *resp)
{
	struct db *db = bff->db;
	unsigned char hash[TOKEN_HASH_LEN];
	time_t now = time(NULL);
	long long now_ms = auth_now_ms();
	sqlite3_stmt *st;
	json_object *o = NULL;
	long long id, last_poll = -1, interval;
	char *user = NULL;
	time_t expires;
	int state, rc;

	if (code == NULL || *code == '\0') {
		auth_error(resp, 400, "invalid_request",
		           _("The device_code parameter is missing."));
		return;
	}
	if (token_hash(code, strlen(code), hash) != 0) {
		http_problem(resp, 500, "Internal Server Error", "%s", _("Hashing failed."));
		return;
	}
	db_lock(db);
	if (db_begin(db) != 0)
		goto dbfail;
	st = db_stmt(db, "SELECT id, expires, interval, last_poll_ms, user_id, state, code_hash "
	                 "FROM device_codes WHERE code_hash = ?1");
	if (st == NULL ||
	    sqlite3_bind_blob(st, 1, hash, TOKEN_HASH_LEN, SQLITE_TRANSIENT) != SQLITE_OK)
		goto dbfail;
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		auth_error(resp, 400, "invalid_grant", _("The device code is unknown."));
		goto out;
	}
	if (rc != SQLITE_ROW)
		goto dbfail;
	if (sqlite3_column_bytes(st, 6) != TOKEN_HASH_LEN ||
	    !token_hash_equal(sqlite3_column_blob(st, 6), hash)) {
		auth_error(resp, 400, "invalid_grant", _("The device code is unknown."));
		goto out;
	}
	id = sqlite3_column_int64(st, 0);
	expires = (time_t)sqlite3_column_int64(st, 1);
	interval = sqlite3_column_int64(st, 2);
	if (sqlite3_column_type(st, 3) != SQLITE_NULL)
		last_poll = sqlite3_column_int64(st, 3);
	if (sqlite3_column_type(st, 4) != SQLITE_NULL)
		user = xstrdup((const char *)sqlite3_column_text(st, 4));
	state = sqlite3_column_int(st, 5);
	sqlite3_reset(st);

	if (state == DEVICE_CONSUMED) {
		auth_error(resp, 400, "invalid_grant",
		           _("The device code has been used already; start the sign-in again."));
		goto out;
	}
	if (now >= expires) {
		auth_error(resp, 400, "expired_token",
		           _("The device code has expired; start the sign-in again."));
		goto out;
	}
	if (state == DEVICE_DENIED) {
		auth_error(resp, 400, "access_denied", _("The sign-in was refused."));
		goto out;
	}
	if (last_poll >= 0 && now_ms - last_poll < interval * 1000) {
		st = db_stmt(db,
		             "UPDATE device_codes SET interval = interval + ?2, last_poll_ms = ?3 "
		             "WHERE id = ?1");
		if (st == NULL || sqlite3_bind_int64(st, 1, id) != SQLITE_OK ||
		    sqlite3_bind_int(st, 2, AUTH_SLOW_DOWN_STEP) != SQLITE_OK ||
		    sqlite3_bind_int64(st, 3, now_ms) != SQLITE_OK || db_done(st) != 0)
			goto dbfail;
		auth_error(
		        resp, 400, "slow_down",
		        _("Polled faster than the interval; wait 5 seconds longer between polls."));
		goto commit;
	}
	st = db_stmt(db, "UPDATE device_codes SET last_poll_ms = ?2, state = ?3 WHERE id = ?1");
	if (st == NULL || sqlite3_bind_int64(st, 1, id) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 2, now_ms) != SQLITE_OK ||
	    sqlite3_bind_int(st, 3, state == DEVICE_APPROVED ? DEVICE_CONSUMED : state) !=
	            SQLITE_OK ||
	    db_done(st) != 0)
		goto dbfail;
	if (state == DEVICE_PENDING || user == NULL) {
		auth_error(resp, 400, "authorization_pending",
		           _("The sign-in has not been approved yet."));
		goto commit;
	}
	{
		unsigned char family[TOKEN_BYTES];

		if (token_random(family, sizeof family) != 0 ||
		    auth_issue(db, user, family, now, &o) != 0)
			goto dbfail;
	}
commit:
	if (db_commit(db) != 0)
		goto dbfail;
	if (o != NULL) {
		http_json(resp, 200, o);
		o = NULL;
		http_header(resp, "Pragma", "no-cache");
		log_info("signed in user=%s", user);
	}
	goto out;
dbfail:
	auth_db_failed(resp, db, "device token");
out:
	json_object_put(o);
	db_rollback(db);
	db_unlock(db);
	free(user);
}

/* grant_type=refresh_token, with rotation and reuse detection. */
static void
auth_token_refresh(struct bff *bff, const char *refresh, struct http_resp *resp)
{
	struct db *db = bff->db;
	unsigned char hash[TOKEN_HASH_LEN], family[TOKEN_BYTES];
	time_t now = time(NULL);
	sqlite3_stmt *st;
	json_object *o = NULL;
	char *user = NULL;
	time_t expires;
	int used, rc;

	if (refresh == NULL || *refresh == '\0') {
		auth_error(resp, 400, "invalid_request",
		           _("The refresh_token parameter is missing."));
		return;
	}
	if (token_hash(refresh, strlen(refresh), hash) != 0) {
		http_problem(resp, 500, "Internal Server Error", "%s", _("Hashing failed."));
		return;
	}
	db_lock(db);
	if (db_begin(db) != 0)
		goto dbfail;
	st = db_stmt(db, "SELECT user_id, family, expires, used, hash FROM tokens "
	                 "WHERE hash = ?1 AND kind = ?2");
	if (st == NULL ||
	    sqlite3_bind_blob(st, 1, hash, TOKEN_HASH_LEN, SQLITE_TRANSIENT) != SQLITE_OK ||
	    sqlite3_bind_int(st, 2, TOKEN_REFRESH) != SQLITE_OK)
		goto dbfail;
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		auth_error(resp, 400, "invalid_grant",
		           _("The refresh token is unknown or has expired; sign in again."));
		goto out;
	}
	if (rc != SQLITE_ROW)
		goto dbfail;
	if (sqlite3_column_bytes(st, 4) != TOKEN_HASH_LEN ||
	    !token_hash_equal(sqlite3_column_blob(st, 4), hash) ||
	    sqlite3_column_bytes(st, 1) != TOKEN_BYTES) {
		auth_error(resp, 400, "invalid_grant",
		           _("The refresh token is unknown or has expired; sign in again."));
		goto out;
	}
	user = xstrdup((const char *)sqlite3_column_text(st, 0));
	memcpy(family, sqlite3_column_blob(st, 1), TOKEN_BYTES);
	expires = (time_t)sqlite3_column_int64(st, 2);
	used = sqlite3_column_int(st, 3);
	sqlite3_reset(st);

	if (used) {
		/* Someone holds a copy of a spent token: end the whole sign-in. */
		st = db_stmt(db, "DELETE FROM tokens WHERE family = ?1");
		if (st == NULL ||
		    sqlite3_bind_blob(st, 1, family, TOKEN_BYTES, SQLITE_TRANSIENT) != SQLITE_OK ||
		    db_done(st) != 0 || db_commit(db) != 0)
			goto dbfail;
		log_warn("a spent refresh token was used again; signed out user=%s", user);
		auth_error(resp, 400, "invalid_grant",
		           _("The refresh token was used already; for safety every session of this "
		             "sign-in has ended. Sign in again."));
		goto out;
	}
	if (now >= expires) {
		auth_error(resp, 400, "invalid_grant",
		           _("The refresh token is unknown or has expired; sign in again."));
		goto out;
	}
	st = db_stmt(db, "UPDATE tokens SET used = 1 WHERE hash = ?1");
	if (st == NULL ||
	    sqlite3_bind_blob(st, 1, hash, TOKEN_HASH_LEN, SQLITE_TRANSIENT) != SQLITE_OK ||
	    db_done(st) != 0)
		goto dbfail;
	if (auth_issue(db, user, family, now, &o) != 0 || db_commit(db) != 0)
		goto dbfail;
	http_json(resp, 200, o);
	o = NULL;
	http_header(resp, "Pragma", "no-cache");
	goto out;
dbfail:
	auth_db_failed(resp, db, "refresh");
out:
	json_object_put(o);
	db_rollback(db);
	db_unlock(db);
	free(user);
}

void
auth_token(struct http_req *req, struct http_resp *resp)
{
	const char *grant;
	struct form f;

	if (auth_form(req, resp, &f) != 0)
		goto out;
	grant = form_get(&f, "grant_type");
	if (grant == NULL)
		auth_error(resp, 400, "invalid_request", _("The grant_type parameter is missing."));
	else if (strcmp(grant, AUTH_GRANT_DEVICE) == 0)
		auth_token_device(req->bff, form_get(&f, "device_code"), resp);
	else if (strcmp(grant, "refresh_token") == 0)
		auth_token_refresh(req->bff, form_get(&f, "refresh_token"), resp);
	else
		auth_error(resp, 400, "unsupported_grant_type",
		           _("Use grant_type " AUTH_GRANT_DEVICE " or refresh_token."));
out:
	form_release(&f);
}

enum auth_decide
auth_device_decide(struct bff *bff, const char *user_code, const char *user_id, int approve)
{
	struct db *db = bff->db;
	enum auth_decide ret = AUTH_DECIDE_ERROR;
	char code[AUTH_USER_CODE_LEN + 1];
	struct user u;
	sqlite3_stmt *st;
	long long id;
	int rc, found = 0;

	if (auth_user_code_normalize(user_code, code) != 0)
		return AUTH_DECIDE_NO_CODE;
	db_lock(db);
	st = db_stmt(db, "SELECT id, expires, state FROM device_codes WHERE user_code = ?1");
	if (st == NULL || db_bind_text(st, 1, code) != 0)
		goto out;
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE ||
	    (rc == SQLITE_ROW && sqlite3_column_int64(st, 1) <= (sqlite3_int64)time(NULL))) {
		ret = AUTH_DECIDE_NO_CODE;
		goto out;
	}
	if (rc != SQLITE_ROW)
		goto out;
	id = sqlite3_column_int64(st, 0);
	if (sqlite3_column_int(st, 2) != DEVICE_PENDING) {
		ret = AUTH_DECIDE_DONE;
		goto out;
	}
	sqlite3_reset(st);
	if (approve) {
		if (user_get_locked(db, user_id, &u, &found) != 0)
			goto out;
		if (!found) {
			ret = AUTH_DECIDE_NO_USER;
			goto out;
		}
	}
	st = db_stmt(db, "UPDATE device_codes SET state = ?2, user_id = ?3 WHERE id = ?1");
	if (st == NULL || sqlite3_bind_int64(st, 1, id) != SQLITE_OK ||
	    sqlite3_bind_int(st, 2, approve ? DEVICE_APPROVED : DEVICE_DENIED) != SQLITE_OK ||
	    db_bind_text(st, 3, approve ? u.id : NULL) != 0 || db_done(st) != 0)
		goto out;
	ret = AUTH_DECIDE_OK;
out:
	if (ret == AUTH_DECIDE_ERROR)
		log_error("device decision: %s", db_error(db));
	db_unlock(db);
	return ret;
}

/* The operator endpoints' common part. */
static void
auth_decide_http(struct http_req *req, struct http_resp *resp, int approve)
{
	static const char *const approve_fields[] = {"user_code", "user", NULL};
	static const char *const deny_fields[] = {"user_code", NULL};
	json_object *body = NULL, *o;
	char *code = NULL, *user = NULL;

	if (http_json_body(req, resp, &body) != 0 ||
	    field_known(body, approve ? approve_fields : deny_fields, resp) != 0 ||
	    field_string(body, "user_code", 1, 64, 0, &code, resp) != 0 ||
	    (approve && field_string(body, "user", 1, USER_ID_MAX, 0, &user, resp) != 0))
		goto out;
	switch (auth_device_decide(req->bff, code, user, approve)) {
	case AUTH_DECIDE_OK:
		o = json_object_new_object();
		json_object_object_add(o, "status",
		                       json_object_new_string(approve ? "approved" : "denied"));
		http_json(resp, 200, o);
		break;
	case AUTH_DECIDE_NO_CODE:
		http_problem(resp, 404, "Not Found", "%s",
		             _("No sign-in is waiting with this user code, or it has expired."));
		break;
	case AUTH_DECIDE_NO_USER:
		http_problem(resp, 404, "Not Found", "%s", _("There is no user with this id."));
		break;
	case AUTH_DECIDE_DONE:
		http_problem(resp, 409, "Conflict", "%s",
		             _("This user code has been approved or denied already."));
		break;
	case AUTH_DECIDE_ERROR:
		http_problem(resp, 500, "Internal Server Error", "%s",
		             _("The database failed; try again later."));
		break;
	}
out:
	json_object_put(body);
	free(code);
	free(user);
}

void
auth_approve(struct http_req *req, struct http_resp *resp)
{
	auth_decide_http(req, resp, 1);
}

void
auth_deny(struct http_req *req, struct http_resp *resp)
{
	auth_decide_http(req, resp, 0);
}

int
auth_user_token(struct bff *bff, const char *token, struct user *out)
{
	struct db *db = bff->db;
	unsigned char hash[TOKEN_HASH_LEN];
	sqlite3_stmt *st;
	char *user = NULL;
	int ret = -1, rc, found = 0;

	if (token_hash(token, strlen(token), hash) != 0)
		return -1;
	db_lock(db);
	st = db_stmt(db, "SELECT user_id, expires, hash FROM tokens WHERE hash = ?1 AND kind = ?2");
	if (st == NULL ||
	    sqlite3_bind_blob(st, 1, hash, TOKEN_HASH_LEN, SQLITE_TRANSIENT) != SQLITE_OK ||
	    sqlite3_bind_int(st, 2, TOKEN_ACCESS) != SQLITE_OK)
		goto out;
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		ret = 0;
		goto out;
	}
	if (rc != SQLITE_ROW)
		goto out;
	if (sqlite3_column_bytes(st, 2) != TOKEN_HASH_LEN ||
	    !token_hash_equal(sqlite3_column_blob(st, 2), hash) ||
	    sqlite3_column_int64(st, 1) <= (sqlite3_int64)time(NULL)) {
		ret = 0;
		goto out;
	}
	user = xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_reset(st);
	if (user_get_locked(db, user, out, &found) != 0)
		goto out;
	ret = found;
out:
	if (ret < 0)
		log_error("token check: %s", db_error(db));
	db_unlock(db);
	free(user);
	return ret;
}

int
auth_admin_token(const struct bff *bff, const char *token)
{
	unsigned char hash[TOKEN_HASH_LEN];

	if (!bff->admin_set || token_hash(token, strlen(token), hash) != 0)
		return 0;
	return token_hash_equal(hash, bff->admin_hash);
}
