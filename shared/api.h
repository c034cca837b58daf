/*
 * api: the HTTP client for myna-bff (libcurl).  Only https URLs are
 * accepted, except plain http to a loopback address (127.0.0.0/8, ::1,
 * localhost).  TLS verification is always on.  Every response body is
 * capped (API_BODY_MAX); connect and total timeouts are set.
 *
 * Functions return 0 when an HTTP response arrived (whatever its status)
 * and -1 with a newly allocated reason in *cause when none did.
 *
 * Threads: a struct api keeps one connection and is for one thread at a
 * time.  The first api_new initialises libcurl (curl_global_init, which is
 * not thread safe, run once through pthread_once); a program that also uses
 * libcurl elsewhere in other threads must call curl_global_init itself
 * before it starts them.
 */
#ifndef MYNA_API_H
#define MYNA_API_H

#include "buf.h"

#define API_BODY_MAX	    (8 * 1024 * 1024)
#define API_CONNECT_TIMEOUT 10L		/* seconds */
#define API_TOTAL_TIMEOUT   60L		/* seconds, without long-poll */

struct api;

struct api_response {
	long	   status;
	struct buf body;
	char	  *etag;	/* ETag header, or NULL */
	long	   retry_after;	/* seconds from Retry-After, or -1 */
};

/* Checks base_url (scheme and host rules above) and prepares a client.
 * Returns NULL with *cause on a refused or malformed URL. */
struct api *api_new(const char *base_url, char **cause);
void api_free(struct api *a);
/* The bearer token sent with every request (copied); NULL for none. */
void api_set_token(struct api *a, const char *access_token);
const char *api_base_url(const struct api *a);

void api_response_init(struct api_response *r);
void api_response_release(struct api_response *r);

/* GET base_url + path (path includes any query). if_none_match may be NULL. */
int api_get(struct api *a, const char *path, const char *if_none_match,
	    struct api_response *r, char **cause);
/* POST an application/x-www-form-urlencoded body. */
int api_post_form(struct api *a, const char *path, const char *form,
		  struct api_response *r, char **cause);
/* POST a JSON body; idempotency_key may be NULL. */
int api_post_json(struct api *a, const char *path, const char *json,
		  const char *idempotency_key, struct api_response *r, char **cause);

/* Returns a newly allocated form-encoded copy of s. */
char *api_escape(const char *s);

/* The problem detail of an error response: "title: detail" from an RFC 9457
 * body, or the OAuth "error" / "error_description", or the HTTP status.
 * Returns a newly allocated, cleaned string. */
char *api_problem(const struct api_response *r);

/* RFC 8628 device authorization. */
struct api_device {
	char *device_code;
	char *user_code;		/* "XXXX-XXXX" */
	char *verification_uri;
	char *verification_uri_complete;	/* may be NULL */
	long  expires_in;		/* seconds */
	long  interval;			/* seconds between polls */
};

struct api_tokens {
	char *access_token;
	char *refresh_token;	/* may be NULL */
	long  expires_in;	/* seconds, 0 if not given */
};

enum api_poll {
	API_POLL_OK,		/* tokens filled in */
	API_POLL_PENDING,	/* authorization_pending: wait interval, poll again */
	API_POLL_SLOW_DOWN,	/* slow_down: add 5 seconds to the interval */
	API_POLL_EXPIRED,	/* expired_token: start again */
	API_POLL_DENIED,	/* access_denied */
	API_POLL_ERROR		/* anything else; *cause says what */
};

int api_device_start(struct api *a, struct api_device *out, char **cause);
void api_device_release(struct api_device *d);
enum api_poll api_device_poll(struct api *a, const char *device_code,
			      struct api_tokens *out, char **cause);
/* grant_type=refresh_token.  Returns 0, or -1 with *cause. */
int api_refresh(struct api *a, const char *refresh_token, struct api_tokens *out, char **cause);
/* As api_refresh, and sets *refused to 1 when the server answered that the
 * refresh token is not (or no longer) good (400 or 401), so that signing in
 * again is the remedy; 0 when no answer came or the server failed. */
int api_refresh_ex(struct api *a, const char *refresh_token, struct api_tokens *out,
		   int *refused, char **cause);
void api_tokens_release(struct api_tokens *t);

#endif
