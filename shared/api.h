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

#include <poll.h>
#include <stddef.h>

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
/* Trusts only the certificate authorities in the PEM file path (copied),
 * instead of the system's, for a server with a private CA; NULL or "" goes
 * back to the system's.  Verification is never turned off. */
void api_set_ca_file(struct api *a, const char *path);
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

/* Whether to ask for gzip answers (Accept-Encoding); on by default.  Off
 * only to measure what compression saves. */
void api_set_gzip(struct api *a, int gzip);
/* fn(ctx) is called about once a second while a blocking request runs (a
 * service manager's watchdog is fed from it); when it returns non-zero the
 * request is abandoned (no answer: -1 with a cause).  NULL for none. */
void api_set_progress(struct api *a, int (*fn)(void *ctx), void *ctx);
/* The bytes sent and received by all requests of a so far, headers
 * included (libcurl's request, header and body sizes). */
void api_traffic(const struct api *a, unsigned long long *sent, unsigned long long *received);

/*
 * A GET waited for in the caller's own event loop (mynad's long-poll): the
 * transfer runs on non-blocking sockets that the caller polls, and its
 * timers are folded into the caller's poll timeout, so that waiting costs
 * no wake-up at all.  One such request at a time per struct api, and no
 * blocking request on it meanwhile.
 */
#define API_ASYNC_FDS 4

/* Starts GET base_url + path with a total timeout of timeout seconds (the
 * connect timeout too: curl's separate connect timer would be a wake-up
 * for nothing in the middle of a long wait).  r receives the answer and
 * must stay valid until the request ends.  Returns 0, or -1 with *cause. */
int api_async_get(struct api *a, const char *path, const char *if_none_match, long timeout,
		  struct api_response *r, char **cause);
/* Writes the sockets to poll into fds (at most max; API_ASYNC_FDS is
 * enough) and lowers *timeout_ms (-1: none yet) to when api_async_step must
 * run without any event.  Returns the number of fds written. */
size_t api_async_fds(const struct api *a, struct pollfd *fds, size_t max, int *timeout_ms);
/* Moves the request on after poll(): fds are those api_async_fds wrote,
 * with revents set.  Returns 0 while it runs, 1 when the answer is in r
 * (whatever its status), or -1 with *cause when no answer came; the
 * request is over after 1 or -1. */
int api_async_step(struct api *a, const struct pollfd *fds, size_t n, char **cause);
/* Whether a request is running. */
int api_async_active(const struct api *a);
/* Drops the running request, if any. */
void api_async_cancel(struct api *a);

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
