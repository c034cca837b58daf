#include "auth.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "bff.h"
#include "field.h"
#include "form.h"
#include "i18n.h"
#include "log.h"
#include "mem.h"
#include "storage.h"
#include "token.h"
#include "user.h"

#define AUTH_SLOW_DOWN_STEP 5 /* seconds added by slow_down (RFC 8628 3.5) */
#define AUTH_DEVICE_KEEP                                                                           \
	3600 /* seconds an expired device code is kept,                                            \
	        so that its polls get expired_token */
#define AUTH_USER_CODE_TRIES 8

#define AUTH_GRANT_DEVICE "urn:ietf:params:oauth:grant-type:device_code"

struct auth_cached {
	unsigned char hash[TOKEN_HASH_LEN];
	unsigned long gen; /* 0: empty */
	time_t expires;
	struct user user;
};

#define AUTH_CACHE_LOCKS 16

struct auth_cache {
	atomic_ulong gen; /* raised by every revocation */
	size_t nslots;
	struct auth_cached *slots;
	pthread_mutex_t locks[AUTH_CACHE_LOCKS];
};

struct auth_cache *
auth_cache_new(size_t slots)
{
	struct auth_cache *c = xcalloc(1, sizeof *c);
	size_t i;

	atomic_init(&c->gen, 1);
	c->nslots = slots > 0 ? slots : 1;
	c->slots = xcalloc(c->nslots, sizeof *c->slots);
	for (i = 0; i < AUTH_CACHE_LOCKS; i++)
		pthread_mutex_init(&c->locks[i], NULL);
	return c;
}

void
auth_cache_free(struct auth_cache *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < AUTH_CACHE_LOCKS; i++)
		pthread_mutex_destroy(&c->locks[i]);
	free(c->slots);
	free(c);
}

/* The slot of a hash: its first bytes are as random as any. */
static size_t
auth_cache_slot(const struct auth_cache *c, const unsigned char *hash)
{
	uint64_t v;

	memcpy(&v, hash, sizeof v);
	return (size_t)(v % c->nslots);
}

/* Looks hash up; 1 and *out when it is cached, current and not expired. */
static int
auth_cache_get(struct auth_cache *c, const unsigned char *hash, time_t now, struct user *out)
{
	size_t i = auth_cache_slot(c, hash);
	pthread_mutex_t *lock = &c->locks[i % AUTH_CACHE_LOCKS];
	int hit;

	pthread_mutex_lock(lock);
	hit = c->slots[i].gen == atomic_load(&c->gen) && c->slots[i].expires > now &&
	      memcmp(c->slots[i].hash, hash, TOKEN_HASH_LEN) == 0;
	if (hit)
		*out = c->slots[i].user;
	pthread_mutex_unlock(lock);
	return hit;
}

/* Keeps a token found valid; gen is the generation read before the
 * storage was asked, so that a revocation in between wins. */
static void
auth_cache_put(struct auth_cache *c, const unsigned char *hash, unsigned long gen, time_t expires,
               const struct user *u)
{
	size_t i = auth_cache_slot(c, hash);
	pthread_mutex_t *lock = &c->locks[i % AUTH_CACHE_LOCKS];

	pthread_mutex_lock(lock);
	memcpy(c->slots[i].hash, hash, TOKEN_HASH_LEN);
	c->slots[i].gen = gen;
	c->slots[i].expires = expires;
	c->slots[i].user = *u;
	pthread_mutex_unlock(lock);
}

/* Forgets every cached token (after a revocation has committed). */
static void
auth_cache_forget(struct auth_cache *c)
{
	if (c != NULL)
		atomic_fetch_add(&c->gen, 1);
}

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
auth_db_failed(struct http_resp *resp)
{
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
 * token response, inside the caller's unit of work.  Returns 0 or -1. */
static int
auth_issue(struct bff *bff, struct storage_tx *tx, const char *user, const unsigned char *family,
           time_t now, json_object **out)
{
	char access[TOKEN_LEN + 1], refresh[TOKEN_LEN + 1];
	unsigned char hash[TOKEN_HASH_LEN];
	json_object *o;

	*out = NULL;
	if (storage_token_purge(tx, now) != 0 || token_new(access) != 0 || token_new(refresh) != 0)
		return -1;
	if (token_hash(access, TOKEN_LEN, hash) != 0 ||
	    storage_token_add(tx, hash, STORAGE_TOKEN_ACCESS, user, family,
	                      now + bff->access_expiry) != 0 ||
	    token_hash(refresh, TOKEN_LEN, hash) != 0 ||
	    storage_token_add(tx, hash, STORAGE_TOKEN_REFRESH, user, family,
	                      now + BFF_REFRESH_EXPIRY) != 0)
		return -1;
	o = json_object_new_object();
	json_object_object_add(o, "access_token", json_object_new_string(access));
	json_object_object_add(o, "token_type", json_object_new_string("Bearer"));
	json_object_object_add(o, "expires_in", json_object_new_int64(bff->access_expiry));
	json_object_object_add(o, "refresh_token", json_object_new_string(refresh));
	*out = o;
	return 0;
}

void
auth_device_code(struct http_req *req, struct http_resp *resp)
{
	struct bff *bff = req->bff;
	char device[TOKEN_LEN + 1], user_code[AUTH_USER_CODE_LEN + 1];
	unsigned char hash[TOKEN_HASH_LEN];
	time_t now = time(NULL);
	struct storage_tx *tx = NULL;
	struct form f;
	json_object *o;
	char *uri;
	int tries, clash = 1;

	if (auth_form(req, resp, &f) != 0)
		goto out;
	if (token_new(device) != 0 || token_hash(device, TOKEN_LEN, hash) != 0) {
		http_problem(resp, 500, "Internal Server Error", "%s",
		             _("No random numbers were available."));
		goto out;
	}
	tx = storage_begin(bff->storage, 1);
	if (tx == NULL || storage_device_purge(tx, now - AUTH_DEVICE_KEEP) != 0)
		goto dbfail;
	/* A clash of user codes is unlikely (20^8 codes) but possible. */
	for (tries = 0; clash && tries < AUTH_USER_CODE_TRIES; tries++) {
		if (auth_user_code_new(user_code) != 0)
			goto dbfail;
		if (storage_device_add(tx, hash, user_code, now + bff->device_expiry,
		                       bff->device_interval, &clash) != 0)
			goto dbfail;
	}
	if (clash) {
		log_error("device code: no free user code after %d tries", AUTH_USER_CODE_TRIES);
		goto dbfail;
	}
	if (storage_commit(tx) != 0) {
		tx = NULL;
		goto dbfail;
	}
	tx = NULL;

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
	goto out;
dbfail:
	auth_db_failed(resp);
out:
	storage_rollback(tx);
	form_release(&f);
}

/* grant_type=urn:ietf:params:oauth:grant-type:device_code */
static void
auth_token_device(struct bff *bff, const char *code, struct http_resp *resp)
{
	unsigned char hash[TOKEN_HASH_LEN];
	time_t now = time(NULL);
	long long now_ms = auth_now_ms();
	struct storage_tx *tx = NULL;
	struct storage_device d;
	json_object *o = NULL;
	int found = 0, state;

	if (code == NULL || *code == '\0') {
		auth_error(resp, 400, "invalid_request",
		           _("The device_code parameter is missing."));
		return;
	}
	if (token_hash(code, strlen(code), hash) != 0) {
		http_problem(resp, 500, "Internal Server Error", "%s", _("Hashing failed."));
		return;
	}
	tx = storage_begin(bff->storage, 1);
	if (tx == NULL || storage_device_by_hash(tx, hash, &d, &found) != 0)
		goto dbfail;
	if (!found) {
		auth_error(resp, 400, "invalid_grant", _("The device code is unknown."));
		goto out;
	}
	state = d.state;
	if (state == STORAGE_DEVICE_CONSUMED) {
		auth_error(resp, 400, "invalid_grant",
		           _("The device code has been used already; start the sign-in again."));
		goto out;
	}
	if (now >= d.expires) {
		auth_error(resp, 400, "expired_token",
		           _("The device code has expired; start the sign-in again."));
		goto out;
	}
	if (state == STORAGE_DEVICE_DENIED) {
		auth_error(resp, 400, "access_denied", _("The sign-in was refused."));
		goto out;
	}
	if (d.last_poll_ms >= 0 && now_ms - d.last_poll_ms < d.interval * 1000) {
		d.interval += AUTH_SLOW_DOWN_STEP;
		d.last_poll_ms = now_ms;
		if (storage_device_update(tx, &d) != 0)
			goto dbfail;
		auth_error(
		        resp, 400, "slow_down",
		        _("Polled faster than the interval; wait 5 seconds longer between polls."));
		goto commit;
	}
	d.last_poll_ms = now_ms;
	if (state == STORAGE_DEVICE_APPROVED)
		d.state = STORAGE_DEVICE_CONSUMED;
	if (storage_device_update(tx, &d) != 0)
		goto dbfail;
	if (state == STORAGE_DEVICE_PENDING || d.user[0] == '\0') {
		auth_error(resp, 400, "authorization_pending",
		           _("The sign-in has not been approved yet."));
		goto commit;
	}
	{
		unsigned char family[TOKEN_BYTES];

		if (token_random(family, sizeof family) != 0 ||
		    auth_issue(bff, tx, d.user, family, now, &o) != 0)
			goto dbfail;
	}
commit:
	if (storage_commit(tx) != 0) {
		tx = NULL;
		goto dbfail;
	}
	tx = NULL;
	if (o != NULL) {
		http_json(resp, 200, o);
		o = NULL;
		http_header(resp, "Pragma", "no-cache");
		log_info("signed in user=%s", d.user);
	}
	goto out;
dbfail:
	auth_db_failed(resp);
out:
	json_object_put(o);
	storage_rollback(tx);
}

/* grant_type=refresh_token, with rotation and reuse detection. */
static void
auth_token_refresh(struct bff *bff, const char *refresh, struct http_resp *resp)
{
	unsigned char hash[TOKEN_HASH_LEN];
	time_t now = time(NULL);
	struct storage_tx *tx = NULL;
	struct storage_token t;
	json_object *o = NULL;
	long long n = 0;
	int found = 0;

	if (refresh == NULL || *refresh == '\0') {
		auth_error(resp, 400, "invalid_request",
		           _("The refresh_token parameter is missing."));
		return;
	}
	if (token_hash(refresh, strlen(refresh), hash) != 0) {
		http_problem(resp, 500, "Internal Server Error", "%s", _("Hashing failed."));
		return;
	}
	tx = storage_begin(bff->storage, 1);
	if (tx == NULL || storage_token_get(tx, hash, STORAGE_TOKEN_REFRESH, &t, &found) != 0)
		goto dbfail;
	if (!found) {
		auth_error(resp, 400, "invalid_grant",
		           _("The refresh token is unknown or has expired; sign in again."));
		goto out;
	}
	if (t.used) {
		/* Someone holds a copy of a spent token: end the whole sign-in. */
		if (storage_token_delete_family(tx, t.family, &n) != 0)
			goto dbfail;
		if (storage_commit(tx) != 0) {
			tx = NULL;
			goto dbfail;
		}
		tx = NULL;
		auth_cache_forget(bff->tokens);
		log_warn("a spent refresh token was used again; signed out user=%s", t.user);
		auth_error(resp, 400, "invalid_grant",
		           _("The refresh token was used already; for safety every session of this "
		             "sign-in has ended. Sign in again."));
		goto out;
	}
	if (now >= t.expires) {
		auth_error(resp, 400, "invalid_grant",
		           _("The refresh token is unknown or has expired; sign in again."));
		goto out;
	}
	if (storage_token_mark_used(tx, hash) != 0 ||
	    auth_issue(bff, tx, t.user, t.family, now, &o) != 0)
		goto dbfail;
	if (storage_commit(tx) != 0) {
		tx = NULL;
		goto dbfail;
	}
	tx = NULL;
	http_json(resp, 200, o);
	o = NULL;
	http_header(resp, "Pragma", "no-cache");
	goto out;
dbfail:
	auth_db_failed(resp);
out:
	json_object_put(o);
	storage_rollback(tx);
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
	else {
		char *why = xasprintf(_("Use grant_type %s or %s."), AUTH_GRANT_DEVICE,
		                      "refresh_token");

		auth_error(resp, 400, "unsupported_grant_type", why);
		free(why);
	}
out:
	form_release(&f);
}

void
auth_revoke(struct http_req *req, struct http_resp *resp)
{
	static const enum storage_token_kind kinds[2] = {STORAGE_TOKEN_ACCESS,
	                                                 STORAGE_TOKEN_REFRESH};
	unsigned char hash[TOKEN_HASH_LEN];
	struct storage_tx *tx = NULL;
	struct storage_token t;
	const char *token, *hint;
	long long n = 0;
	struct form f;
	int k, first = 0, found = 0;

	if (auth_form(req, resp, &f) != 0)
		goto out;
	token = form_get(&f, "token");
	hint = form_get(&f, "token_type_hint");
	if (token == NULL || *token == '\0') {
		auth_error(resp, 400, "invalid_request", _("The token parameter is missing."));
		goto out;
	}
	/* RFC 7009 section 2.1: the hint says where to look first; an
	 * unknown hint is no error. */
	if (hint != NULL && strcmp(hint, "refresh_token") == 0)
		first = 1;
	if (strlen(token) <= TOKEN_MAX) {
		if (token_hash(token, strlen(token), hash) != 0) {
			auth_db_failed(resp);
			goto out;
		}
		tx = storage_begin(req->bff->storage, 1);
		if (tx == NULL)
			goto dbfail;
		for (k = 0; k < 2 && !found; k++)
			if (storage_token_get(tx, hash, kinds[(first + k) % 2], &t, &found) != 0)
				goto dbfail;
		if (found && kinds[(first + k - 1) % 2] == STORAGE_TOKEN_REFRESH) {
			/* A refresh token ends its whole sign-in, as RFC 7009
			 * section 2.1 asks: every access token it gave too. */
			if (storage_token_delete_family(tx, t.family, &n) != 0)
				goto dbfail;
		} else if (found && storage_token_delete(tx, hash, &n) != 0) {
			goto dbfail;
		}
		if (storage_commit(tx) != 0) {
			tx = NULL;
			goto dbfail;
		}
		tx = NULL;
		if (found) {
			auth_cache_forget(req->bff->tokens);
			log_info("revoked %lld token%s of user=%s", n, n == 1 ? "" : "s", t.user);
		}
	}
	/* Unknown and invalid tokens are answered the same (section 2.2). */
	resp->status = 200;
	http_header(resp, "Pragma", "no-cache");
	goto out;
dbfail:
	auth_db_failed(resp);
out:
	storage_rollback(tx);
	form_release(&f);
}

enum auth_decide
auth_device_decide(struct bff *bff, const char *user_code, const char *user_id, int approve)
{
	enum auth_decide ret = AUTH_DECIDE_ERROR;
	char code[AUTH_USER_CODE_LEN + 1];
	struct storage_tx *tx = NULL;
	struct storage_device d;
	struct user u;
	int found = 0;

	if (auth_user_code_normalize(user_code, code) != 0)
		return AUTH_DECIDE_NO_CODE;
	tx = storage_begin(bff->storage, 1);
	if (tx == NULL || storage_device_by_user_code(tx, code, &d, &found) != 0)
		goto out;
	if (!found || d.expires <= time(NULL)) {
		ret = AUTH_DECIDE_NO_CODE;
		goto out;
	}
	if (d.state != STORAGE_DEVICE_PENDING) {
		ret = AUTH_DECIDE_DONE;
		goto out;
	}
	if (approve) {
		if (storage_user_get(tx, user_id, &u, &found) != 0)
			goto out;
		if (!found) {
			ret = AUTH_DECIDE_NO_USER;
			goto out;
		}
		memcpy(d.user, u.id, sizeof d.user);
	}
	d.state = approve ? STORAGE_DEVICE_APPROVED : STORAGE_DEVICE_DENIED;
	if (storage_device_update(tx, &d) != 0)
		goto out;
	ret = storage_commit(tx) == 0 ? AUTH_DECIDE_OK : AUTH_DECIDE_ERROR;
	tx = NULL;
out:
	storage_rollback(tx);
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
auth_user_token(struct bff *bff, const unsigned char hash[TOKEN_HASH_LEN], struct user *out)
{
	struct storage_tx *tx;
	struct storage_token t;
	time_t now = time(NULL);
	unsigned long gen = 0;
	int found = 0, ret = -1;

	if (bff->tokens != NULL) {
		if (auth_cache_get(bff->tokens, hash, now, out))
			return 1;
		gen = atomic_load(&bff->tokens->gen);
	}
	tx = storage_begin(bff->storage, 0);
	if (tx == NULL || storage_token_get(tx, hash, STORAGE_TOKEN_ACCESS, &t, &found) != 0)
		goto out;
	ret = 0;
	if (!found || t.expires <= now)
		goto out;
	if (storage_user_get(tx, t.user, out, &found) != 0) {
		ret = -1;
		goto out;
	}
	ret = found;
	if (found && bff->tokens != NULL)
		auth_cache_put(bff->tokens, hash, gen, t.expires, out);
out:
	storage_rollback(tx);
	return ret;
}

int
auth_admin_token(const struct bff *bff, const unsigned char hash[TOKEN_HASH_LEN])
{
	if (!bff->admin_set)
		return 0;
	return token_hash_equal(hash, bff->admin_hash);
}
