/*
 * auth: sign-in by the OAuth 2.0 Device Authorization Grant (RFC 8628),
 * refresh with rotation, and the checks of bearer tokens.
 *
 * A device code lives bff->device_expiry seconds and can be exchanged for
 * tokens once; polling faster than the interval gets slow_down and adds
 * 5 seconds to that code's interval.  Access tokens live
 * bff->access_expiry seconds (--access-expiry), refresh tokens
 * BFF_REFRESH_EXPIRY.  Each refresh spends the
 * refresh token and returns a new pair; a spent refresh token presented
 * again revokes every token descended from the same sign-in (RFC 9700
 * section 4.14.2).  Revoking (RFC 7009) an access token ends it alone; a
 * refresh token ends its whole sign-in.  Only SHA-256 hashes of secrets
 * are stored.
 */
#ifndef MYNA_AUTH_H
#define MYNA_AUTH_H

#include "http.h"
#include "token.h"

struct bff;
struct user;

#define AUTH_USER_CODE_CHARS "BCDFGHJKLMNPQRSTVWXZ"
#define AUTH_USER_CODE_LEN 9 /* "XXXX-XXXX" */

/* POST /v1/device/code */
void auth_device_code(struct http_req *req, struct http_resp *resp);
/* POST /v1/token */
void auth_token(struct http_req *req, struct http_resp *resp);
/* POST /v1/token/revoke (RFC 7009) */
void auth_revoke(struct http_req *req, struct http_resp *resp);
/* POST /v1/admin/device/approve and /v1/admin/device/deny */
void auth_approve(struct http_req *req, struct http_resp *resp);
void auth_deny(struct http_req *req, struct http_resp *resp);

enum auth_decide {
	AUTH_DECIDE_OK,
	AUTH_DECIDE_NO_CODE, /* unknown or expired user code */
	AUTH_DECIDE_NO_USER, /* unknown user (approve only) */
	AUTH_DECIDE_DONE,    /* already approved, denied or used */
	AUTH_DECIDE_ERROR    /* database error */
};

/* Approves (approve = 1, for user_id) or denies the device code with this
 * user code.  Used by the operator endpoints and the demo page. */
enum auth_decide auth_device_decide(struct bff *bff, const char *user_code, const char *user_id,
                                    int approve);

/*
 * The token cache: access tokens found valid, by hash, with their user and
 * expiry, so that most requests need no storage to be authorized.  Any
 * revocation forgets the whole cache (a generation number), so a revoked
 * token stops working at once; expiry is checked on every use.
 */
struct auth_cache;

#define AUTH_CACHE_SLOTS 65536

struct auth_cache *auth_cache_new(size_t slots);
void auth_cache_free(struct auth_cache *c);

/* Checks a resident's access token, given by its hash (token_hash).
 * Returns 1 and fills *out when it is valid, 0 when it is unknown or
 * expired, -1 on a database error. */
int auth_user_token(struct bff *bff, const unsigned char hash[TOKEN_HASH_LEN], struct user *out);
/* Returns 1 when hash is that of the operator token (constant-time
 * compare). */
int auth_admin_token(const struct bff *bff, const unsigned char hash[TOKEN_HASH_LEN]);

/* Writes a new random user code "XXXX-XXXX" into out (at least
 * AUTH_USER_CODE_LEN + 1 bytes).  Returns 0 or -1. */
int auth_user_code_new(char *out);
/* Normalises what a person typed (case, blanks and dashes do not matter)
 * into "XXXX-XXXX" in out.  Returns 0, or -1 when it cannot be a user code. */
int auth_user_code_normalize(const char *in, char *out);

#endif
