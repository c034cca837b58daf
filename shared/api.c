/*
 * api: the HTTP client for myna-bff (see api.h).
 *
 * One libcurl easy handle per struct api, so that the connection (and its
 * TLS session) is reused from one request to the next.  A struct api is not
 * safe to share between threads.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <curl/curl.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <poll.h>
#include <time.h>

#include "api.h"
#include "date.h"
#include "i18n.h"
#include "mem.h"
#include "text.h"
#include "wire.h"

#define API_USER_AGENT	 "myna/0.1"
#define API_CLIENT_ID	 "myna"
#define API_ETAG_MAX	 256	/* bytes of an ETag we keep */
#define API_TOKEN_MAX	 4096	/* bytes of a token */
#define API_FIELD_MAX	 2048	/* bytes of other fields in sign-in answers */
#define API_PROBLEM_MAX	 1024	/* bytes of a problem text */
#define API_RETRY_MAX	 86400L	/* seconds of Retry-After we believe */

struct api_async;

struct api {
	CURL *curl;
	char *base;	/* scheme://host[:port][/path], no trailing slash */
	char *token;
	char *ca_file;	/* trust only these CAs (PEM), or NULL: the system's */
	int   loopback;
	int   gzip;	/* ask for gzip (the default) */
	char  errbuf[CURL_ERROR_SIZE];
	int   (*progress)(void *);
	void  *progress_ctx;
	unsigned long long bytes_sent;		/* headers and bodies, all requests */
	unsigned long long bytes_received;
	struct api_async  *async;	/* the multi handle for requests waited
					   for in the caller's event loop, made
					   on first use, or NULL */
};

/* Requests run by curl's multi interface on sockets the caller polls.  The
 * multi handle stays from one request to the next, and with it the
 * connection: a long-poll renewed every minute costs no new handshake. */
struct api_async {
	CURLM		    *multi;
	int		     active;	/* a request runs */
	struct curl_slist   *hdr;
	struct api_response *r;
	struct {
		curl_socket_t fd;
		int	      what;	/* CURL_POLL_IN, _OUT, _INOUT */
	} socks[API_ASYNC_FDS];
	size_t		     nsocks;
	long long	     timer_at;	/* monotonic ms when curl wants to be
					   called, or -1 */
};

/*
 * curl_global_init is not thread safe; pthread_once makes the first api_new
 * safe, but a program that uses libcurl elsewhere in other threads at the
 * same moment must call curl_global_init itself first.
 */
static pthread_once_t api_once = PTHREAD_ONCE_INIT;
static CURLcode api_init_rc = CURLE_FAILED_INIT;

static void
api_global_init(void)
{
	api_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* Returns 1 if the host part of a URL (as curl gives it: IPv6 in
 * brackets) is this machine. */
static int
api_host_loopback(const char *host)
{
	struct in_addr a4;
	struct in6_addr a6;
	char buf[INET6_ADDRSTRLEN + 1];
	size_t len = strlen(host);

	if (strcasecmp(host, "localhost") == 0 || strcasecmp(host, "localhost.") == 0)
		return 1;
	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (len > 2 && host[0] == '[' && host[len - 1] == ']' && len - 2 < sizeof buf) {
		memcpy(buf, host + 1, len - 2);
		buf[len - 2] = '\0';
		if (inet_pton(AF_INET6, buf, &a6) == 1)
			return IN6_IS_ADDR_LOOPBACK(&a6);
	}
	return 0;
}

/* Checks url against the scheme and host rules; on success *base is the
 * normalised URL without a trailing slash. */
static int
api_check_url(const char *url, char **base, int *loopback, char **cause)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *part = NULL, *full = NULL;
	CURLUcode uc;
	size_t len;
	int rc = -1;

	*base = NULL;
	if (u == NULL) {
		*cause = xstrdup(_("out of memory"));
		return -1;
	}
	uc = curl_url_set(u, CURLUPART_URL, url, 0);
	if (uc != CURLUE_OK) {
		*cause = xasprintf(_("\"%s\" is not a valid server URL (%s): "
				     "give it as https://HOST[:PORT]"),
				   url, curl_url_strerror(uc));
		goto out;
	}
	if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
		*cause = xasprintf(_("\"%s\" is not a valid server URL: "
				     "give it as https://HOST[:PORT]"), url);
		goto out;
	}
	if (curl_url_get(u, CURLUPART_USER, &part, 0) == CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PASSWORD, &part, 0) == CURLUE_OK) {
		*cause = xasprintf(_("the server URL \"%s\" must not hold a user name or "
				     "password: give it as https://HOST[:PORT]"), url);
		goto out;
	}
	if (curl_url_get(u, CURLUPART_QUERY, &part, 0) == CURLUE_OK ||
	    curl_url_get(u, CURLUPART_FRAGMENT, &part, 0) == CURLUE_OK) {
		*cause = xasprintf(_("the server URL \"%s\" must not have a query or "
				     "fragment: give it as https://HOST[:PORT]"), url);
		goto out;
	}
	*loopback = api_host_loopback(host);
	if (strcmp(scheme, "https") == 0) {
		/* Encrypted and verified: fine anywhere. */
	} else if (strcmp(scheme, "http") == 0) {
		if (!*loopback) {
			*cause = xasprintf(_("refusing plain http to %s: the connection would "
					     "not be encrypted, so your sign-in and data could "
					     "be read on the way; use an https:// URL (plain "
					     "http is only allowed to this machine: 127.0.0.1, "
					     "::1 or localhost)"), host);
			goto out;
		}
	} else {
		*cause = xasprintf(_("unsupported scheme \"%s\" in the server URL: "
				     "use an https:// URL"), scheme);
		goto out;
	}
	if (curl_url_get(u, CURLUPART_URL, &full, 0) != CURLUE_OK) {
		*cause = xasprintf(_("\"%s\" is not a valid server URL"), url);
		goto out;
	}
	len = strlen(full);
	while (len > 0 && full[len - 1] == '/')
		len--;
	*base = xstrndup(full, len);
	rc = 0;
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(part);
	curl_free(full);
	curl_url_cleanup(u);
	return rc;
}

struct api *
api_new(const char *base_url, char **cause)
{
	struct api *a;
	char *base = NULL;
	int loopback = 0;

	if (base_url == NULL || *base_url == '\0') {
		*cause = xstrdup(_("no server URL given: give it as https://HOST[:PORT]"));
		return NULL;
	}
	if (api_check_url(base_url, &base, &loopback, cause) < 0)
		return NULL;
	pthread_once(&api_once, api_global_init);
	if (api_init_rc != CURLE_OK) {
		*cause = xasprintf(_("cannot start libcurl: %s"), curl_easy_strerror(api_init_rc));
		free(base);
		return NULL;
	}
	a = xcalloc(1, sizeof *a);
	a->base = base;
	a->loopback = loopback;
	a->gzip = 1;
	if ((a->curl = curl_easy_init()) == NULL) {
		*cause = xstrdup(_("cannot start libcurl"));
		api_free(a);
		return NULL;
	}
	return a;
}

void
api_free(struct api *a)
{
	if (a == NULL)
		return;
	api_async_cancel(a);
	if (a->async != NULL) {
		curl_multi_cleanup(a->async->multi);
		free(a->async);
	}
	if (a->curl != NULL)
		curl_easy_cleanup(a->curl);
	free(a->base);
	free(a->ca_file);
	if (a->token != NULL)
		explicit_bzero(a->token, strlen(a->token));
	free(a->token);
	free(a);
}

void
api_set_token(struct api *a, const char *access_token)
{
	if (a->token != NULL)
		explicit_bzero(a->token, strlen(a->token));
	free(a->token);
	a->token = xstrdup(access_token);
}

void
api_set_ca_file(struct api *a, const char *path)
{
	free(a->ca_file);
	a->ca_file = path != NULL && *path != '\0' ? xstrdup(path) : NULL;
}

const char *
api_base_url(const struct api *a)
{
	return a->base;
}

void
api_set_gzip(struct api *a, int gzip)
{
	a->gzip = gzip != 0;
}

void
api_set_progress(struct api *a, int (*fn)(void *ctx), void *ctx)
{
	a->progress = fn;
	a->progress_ctx = ctx;
}

void
api_traffic(const struct api *a, unsigned long long *sent, unsigned long long *received)
{
	*sent = a->bytes_sent;
	*received = a->bytes_received;
}

/* curl calls this about once a second during a blocking transfer. */
static int
api_xferinfo(void *arg, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
	     curl_off_t ulnow)
{
	struct api *a = arg;

	(void)dltotal;
	(void)dlnow;
	(void)ultotal;
	(void)ulnow;
	return a->progress != NULL && a->progress(a->progress_ctx) != 0;
}

void
api_response_init(struct api_response *r)
{
	r->status = 0;
	buf_init(&r->body, API_BODY_MAX);
	r->etag = NULL;
	r->retry_after = -1;
}

void
api_response_release(struct api_response *r)
{
	if (r == NULL)
		return;
	buf_release(&r->body);
	free(r->etag);
	r->etag = NULL;
	r->status = 0;
	r->retry_after = -1;
}

/* Returns 1 if s is safe in a header line: visible ASCII and spaces only. */
static int
api_header_safe(const char *s)
{
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return 0;
	}
	return 1;
}

static size_t
api_write(char *p, size_t size, size_t n, void *arg)
{
	struct api_response *r = arg;

	/* A short count makes curl stop the transfer at once. */
	if (buf_add(&r->body, p, size * n) < 0)
		return 0;
	return size * n;
}

/* Parses a Retry-After value: delta-seconds or an HTTP date. */
static long
api_retry_after(const char *v)
{
	char *end;
	long secs;
	time_t t, now;

	if (isdigit((unsigned char)*v)) {
		secs = strtol(v, &end, 10);
		if (*end != '\0' || secs < 0)
			return -1;
		return secs > API_RETRY_MAX ? API_RETRY_MAX : secs;
	}
	if ((t = curl_getdate(v, NULL)) < 0)
		return -1;
	now = time(NULL);
	if (t <= now)
		return 0;
	return t - now > API_RETRY_MAX ? API_RETRY_MAX : (long)(t - now);
}

static size_t
api_header(char *p, size_t size, size_t n, void *arg)
{
	struct api_response *r = arg;
	size_t len = size * n, name_len;
	const char *colon;
	char *value;

	/* A new status line (after 100 Continue, say): forget what came before. */
	if (len >= 5 && strncmp(p, "HTTP/", 5) == 0) {
		free(r->etag);
		r->etag = NULL;
		r->retry_after = -1;
		return len;
	}
	if ((colon = memchr(p, ':', len)) == NULL)
		return len;
	name_len = (size_t)(colon - p);
	colon++;
	while (colon < p + len && (*colon == ' ' || *colon == '\t'))
		colon++;
	len -= (size_t)(colon - p);
	while (len > 0 && strchr(" \t\r\n", colon[len - 1]) != NULL)
		len--;
	if (len > API_ETAG_MAX)
		return size * n;
	value = xstrndup(colon, len);
	if (name_len == 4 && strncasecmp(p, "ETag", 4) == 0 && len > 0 &&
	    api_header_safe(value)) {
		free(r->etag);
		r->etag = value;
		value = NULL;
	} else if (name_len == 11 && strncasecmp(p, "Retry-After", 11) == 0) {
		r->retry_after = api_retry_after(value);
	}
	free(value);
	return size * n;
}

/* Sets up a->curl for one request to base + path (post is NULL for a
 * GET) with a total timeout of timeout seconds.  *hdr receives the header
 * list, which must outlive the transfer.  Returns 0, or -1 with *cause. */
static int
api_prepare(struct api *a, const char *path, const char *post, const char *content_type,
	    const char *if_none_match, const char *idempotency_key, long timeout,
	    struct api_response *r, struct curl_slist **hdr_out, char **cause)
{
	struct curl_slist *hdr = NULL, *h;
	char *url = NULL, *line = NULL;
	CURL *c = a->curl;
	int rc = -1;

	*hdr_out = NULL;
	buf_reset(&r->body);
	free(r->etag);
	r->etag = NULL;
	r->status = 0;
	r->retry_after = -1;
	if (path == NULL || path[0] != '/' || !api_header_safe(path)) {
		*cause = xstrdup(_("invalid request path"));
		return -1;
	}
	url = xasprintf("%s%s", a->base, path);

	/* Header values come from the server or the credentials file: a line
	 * break in one would smuggle in another header. */
	if ((a->token && !api_header_safe(a->token)) ||
	    (if_none_match && !api_header_safe(if_none_match)) ||
	    (idempotency_key && !api_header_safe(idempotency_key))) {
		*cause = xstrdup(_("refusing to send a header with control characters"));
		goto out;
	}
#define API_HEADER(...)                                          \
	do {                                                     \
		line = xasprintf(__VA_ARGS__);                   \
		if ((h = curl_slist_append(hdr, line)) == NULL)  \
			goto oom;                                \
		hdr = h;                                         \
		explicit_bzero(line, strlen(line));              \
		free(line);                                      \
		line = NULL;                                     \
	} while (0)
	API_HEADER("Accept: application/json");
	if (a->token != NULL)
		API_HEADER("Authorization: Bearer %s", a->token);
	if (if_none_match != NULL)
		API_HEADER("If-None-Match: %s", if_none_match);
	if (idempotency_key != NULL)
		API_HEADER("Idempotency-Key: %s", idempotency_key);
	if (content_type != NULL)
		API_HEADER("Content-Type: %s", content_type);
	/* No "Expect: 100-continue" round trip for our small bodies. */
	API_HEADER("Expect:");
#undef API_HEADER

	/* curl copies the URL. */
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	/* Verification stays on either way; ca_file only names whom to trust. */
	curl_easy_setopt(c, CURLOPT_CAINFO, a->ca_file);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, API_CONNECT_TIMEOUT);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, timeout);
	curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, a->gzip ? "" : "identity");
	curl_easy_setopt(c, CURLOPT_USERAGENT, API_USER_AGENT);
	curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)API_BODY_MAX);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, api_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, api_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, a->errbuf);
	if (a->progress != NULL) {
		curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, api_xferinfo);
		curl_easy_setopt(c, CURLOPT_XFERINFODATA, a);
		curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	} else {
		curl_easy_setopt(c, CURLOPT_NOPROGRESS, 1L);
	}
	/* Every request goes to this machine: a proxy from the environment
	 * could only get in the way. */
	if (a->loopback)
		curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
	if (post != NULL) {
		curl_easy_setopt(c, CURLOPT_POST, 1L);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(post));
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, post);
	} else {
		curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
	}
	a->errbuf[0] = '\0';
	*hdr_out = hdr;
	hdr = NULL;
	rc = 0;
	goto out;
oom:
	*cause = xstrdup(_("out of memory"));
out:
	free(line);
	curl_slist_free_all(hdr);
	free(url);
	return rc;
}

/* Finishes a transfer that ended with cc: fills in r's status and the
 * byte counts, or says why no answer came. */
static int
api_finish(struct api *a, CURLcode cc, struct api_response *r, char **cause)
{
	CURL *c = a->curl;
	curl_off_t up = 0, down = 0;
	long hsize = 0, rsize = 0;
	int rc = -1;

	/* Do not leave pointers into this call's memory in the handle. */
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, NULL);
	if (curl_easy_getinfo(c, CURLINFO_SIZE_UPLOAD_T, &up) == CURLE_OK &&
	    curl_easy_getinfo(c, CURLINFO_SIZE_DOWNLOAD_T, &down) == CURLE_OK &&
	    curl_easy_getinfo(c, CURLINFO_HEADER_SIZE, &hsize) == CURLE_OK &&
	    curl_easy_getinfo(c, CURLINFO_REQUEST_SIZE, &rsize) == CURLE_OK) {
		a->bytes_sent += (unsigned long long)rsize + (unsigned long long)up;
		a->bytes_received += (unsigned long long)hsize + (unsigned long long)down;
	}
	if (cc == CURLE_FILESIZE_EXCEEDED || (cc == CURLE_WRITE_ERROR && r->body.toobig)) {
		*cause = xasprintf(_("%s: response too large (more than %d bytes)"), a->base,
				   API_BODY_MAX);
		goto out;
	}
	if (cc != CURLE_OK) {
		*cause = xasprintf(_("cannot reach %s: %s"), a->base,
				   a->errbuf[0] ? a->errbuf : curl_easy_strerror(cc));
		goto out;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	rc = 0;
out:
	if (rc < 0) {
		buf_reset(&r->body);
		free(r->etag);
		r->etag = NULL;
	}
	return rc;
}

/* Performs one request to base + path; post is NULL for a GET. */
static int
api_request(struct api *a, const char *path, const char *post, const char *content_type,
	    const char *if_none_match, const char *idempotency_key,
	    struct api_response *r, char **cause)
{
	struct curl_slist *hdr = NULL;
	CURLcode cc;
	int rc;

	if (api_async_active(a)) {
		*cause = xstrdup(_("a request is already waiting on this connection"));
		return -1;
	}
	if (api_prepare(a, path, post, content_type, if_none_match, idempotency_key,
			API_TOTAL_TIMEOUT, r, &hdr, cause) < 0)
		return -1;
	cc = curl_easy_perform(a->curl);
	rc = api_finish(a, cc, r, cause);
	curl_slist_free_all(hdr);
	return rc;
}

/* curl says which sockets to watch, and for what. */
static int
api_async_socket(CURL *easy, curl_socket_t fd, int what, void *arg, void *sockp)
{
	struct api_async *as = arg;
	size_t i;

	(void)easy;
	(void)sockp;
	for (i = 0; i < as->nsocks && as->socks[i].fd != fd; i++)
		;
	if (what == CURL_POLL_REMOVE) {
		if (i < as->nsocks)
			as->socks[i] = as->socks[--as->nsocks];
		return 0;
	}
	if (i == as->nsocks) {
		/* One HTTP request uses one connection (two while happy
		 * eyeballs tries IPv4 and IPv6): more is a bug. */
		if (as->nsocks == API_ASYNC_FDS)
			return -1;
		as->nsocks++;
	}
	as->socks[i].fd = fd;
	as->socks[i].what = what;
	return 0;
}

/* curl says when it wants to be called without any socket event. */
static int
api_async_timer(CURLM *multi, long timeout_ms, void *arg)
{
	struct api_async *as = arg;

	(void)multi;
	as->timer_at = timeout_ms < 0 ? -1 : date_mono_ms() + timeout_ms;
	return 0;
}

int
api_async_active(const struct api *a)
{
	return a->async != NULL && a->async->active;
}

void
api_async_cancel(struct api *a)
{
	struct api_async *as = a->async;

	if (as == NULL || !as->active)
		return;
	curl_multi_remove_handle(as->multi, a->curl);
	curl_easy_setopt(a->curl, CURLOPT_HTTPHEADER, NULL);
	curl_slist_free_all(as->hdr);
	as->hdr = NULL;
	as->r = NULL;
	as->active = 0;
	as->timer_at = -1;
}

int
api_async_get(struct api *a, const char *path, const char *if_none_match, long timeout,
	      struct api_response *r, char **cause)
{
	struct api_async *as = a->async;
	int running = 0;

	if (api_async_active(a)) {
		*cause = xstrdup(_("a request is already waiting on this connection"));
		return -1;
	}
	if (as == NULL) {
		as = xcalloc(1, sizeof *as);
		as->timer_at = -1;
		if ((as->multi = curl_multi_init()) == NULL) {
			*cause = xstrdup(_("cannot start libcurl"));
			free(as);
			return -1;
		}
		curl_multi_setopt(as->multi, CURLMOPT_SOCKETFUNCTION, api_async_socket);
		curl_multi_setopt(as->multi, CURLMOPT_SOCKETDATA, as);
		curl_multi_setopt(as->multi, CURLMOPT_TIMERFUNCTION, api_async_timer);
		curl_multi_setopt(as->multi, CURLMOPT_TIMERDATA, as);
		a->async = as;
	}
	as->r = r;
	as->active = 1;
	if (api_prepare(a, path, NULL, NULL, if_none_match, NULL, timeout, r, &as->hdr,
			cause) < 0) {
		api_async_cancel(a);
		return -1;
	}
	/* No progress callback: it would be a wake-up every second.  And the
	 * connect timeout is the whole request's: curl keeps its timer even
	 * on a reused connection, and it would wake the caller in the middle
	 * of every long wait for nothing. */
	curl_easy_setopt(a->curl, CURLOPT_NOPROGRESS, 1L);
	curl_easy_setopt(a->curl, CURLOPT_CONNECTTIMEOUT, timeout);
	if (curl_multi_add_handle(as->multi, a->curl) != CURLM_OK) {
		*cause = xstrdup(_("cannot start libcurl"));
		api_async_cancel(a);
		return -1;
	}
	curl_multi_socket_action(as->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	return 0;
}

size_t
api_async_fds(const struct api *a, struct pollfd *fds, size_t max, int *timeout_ms)
{
	const struct api_async *as = a->async;
	long long left;
	size_t i, n = 0;

	/* Between requests nothing is watched: a kept connection that the
	 * server closes is found out by the next request. */
	if (!api_async_active(a))
		return 0;
	for (i = 0; i < as->nsocks && n < max; i++) {
		fds[n].fd = as->socks[i].fd;
		fds[n].events = 0;
		fds[n].revents = 0;
		if (as->socks[i].what & CURL_POLL_IN)
			fds[n].events |= POLLIN;
		if (as->socks[i].what & CURL_POLL_OUT)
			fds[n].events |= POLLOUT;
		n++;
	}
	if (as->timer_at >= 0) {
		left = as->timer_at - date_mono_ms();
		if (left < 0)
			left = 0;
		if (left > INT_MAX)
			left = INT_MAX;
		if (*timeout_ms < 0 || left < *timeout_ms)
			*timeout_ms = (int)left;
	}
	return n;
}

int
api_async_step(struct api *a, const struct pollfd *fds, size_t n, char **cause)
{
	struct api_async *as = a->async;
	CURLMsg *msg;
	CURLcode cc = CURLE_OK;
	int running = 0, left = 0, done = 0, rc;
	size_t i;

	if (!api_async_active(a))
		return 0;
	for (i = 0; i < n; i++) {
		int mask = 0;

		if (fds[i].revents & POLLIN)
			mask |= CURL_CSELECT_IN;
		if (fds[i].revents & POLLOUT)
			mask |= CURL_CSELECT_OUT;
		if (fds[i].revents & (POLLERR | POLLHUP | POLLNVAL))
			mask |= CURL_CSELECT_ERR;
		if (mask != 0)
			curl_multi_socket_action(as->multi, fds[i].fd, mask, &running);
	}
	if (as->timer_at >= 0 && as->timer_at <= date_mono_ms()) {
		as->timer_at = -1;
		curl_multi_socket_action(as->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	}
	while ((msg = curl_multi_info_read(as->multi, &left)) != NULL) {
		if (msg->msg == CURLMSG_DONE && msg->easy_handle == a->curl) {
			cc = msg->data.result;
			done = 1;
		}
	}
	if (!done)
		return 0;
	curl_multi_remove_handle(as->multi, a->curl);
	rc = api_finish(a, cc, as->r, cause);
	curl_slist_free_all(as->hdr);
	as->hdr = NULL;
	as->r = NULL;
	as->active = 0;
	as->timer_at = -1;
	return rc < 0 ? -1 : 1;
}

int
api_get(struct api *a, const char *path, const char *if_none_match, struct api_response *r,
	char **cause)
{
	return api_request(a, path, NULL, NULL, if_none_match, NULL, r, cause);
}

int
api_post_form(struct api *a, const char *path, const char *form, struct api_response *r,
	      char **cause)
{
	return api_request(a, path, form ? form : "", "application/x-www-form-urlencoded",
			   NULL, NULL, r, cause);
}

int
api_post_json(struct api *a, const char *path, const char *json, const char *idempotency_key,
	      struct api_response *r, char **cause)
{
	return api_request(a, path, json ? json : "{}", "application/json", NULL,
			   idempotency_key, r, cause);
}

char *
api_escape(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	struct buf b;
	const unsigned char *p;
	char *out;

	buf_init(&b, 0);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		/* RFC 3986 unreserved characters, by hand: isalnum follows the
		 * locale. */
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' || *p == '_' ||
		    *p == '~') {
			buf_addch(&b, (char)*p);
		} else {
			buf_addch(&b, '%');
			buf_addch(&b, hex[*p >> 4]);
			buf_addch(&b, hex[*p & 0xf]);
		}
	}
	out = buf_take(&b);
	buf_release(&b);
	return out;
}

/* Parses a response body as a JSON object; NULL when it is not one. */
static json_object *
api_json(const struct api_response *r)
{
	json_object *o;
	char *why = NULL;

	if ((o = wire_parse(r->body.data, r->body.len, &why)) == NULL) {
		free(why);
		return NULL;
	}
	if (!json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

/* Returns the string member key of o, or NULL. */
static const char *
api_member(json_object *o, const char *key)
{
	json_object *v = NULL;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* Returns a cleaned, single-line copy of s cut to at most max bytes on a
 * character boundary. */
static char *
api_clean(const char *s, size_t max)
{
	char *c = text_clean(s, strlen(s), 0);
	size_t len = strlen(c), cut;
	unsigned int cp;

	if (len <= max)
		return c;
	for (cut = 0; cut < len;) {
		size_t n = text_decode(c + cut, len - cut, &cp);

		if (n == 0 || cut + n > max)
			break;
		cut += n;
	}
	c[cut] = '\0';
	return c;
}

char *
api_problem(const struct api_response *r)
{
	json_object *o = api_json(r);
	const char *title, *detail, *error, *desc;
	char *text = NULL, *clean;

	if (o != NULL) {
		title = api_member(o, "title");
		detail = api_member(o, "detail");
		error = api_member(o, "error");
		desc = api_member(o, "error_description");
		if (title && *title && detail && *detail)
			text = xasprintf("%s: %s", title, detail);
		else if (title && *title)
			text = xstrdup(title);
		else if (error && *error && desc && *desc)
			text = xasprintf("%s: %s", error, desc);
		else if (error && *error)
			text = xstrdup(error);
		else if (detail && *detail)
			text = xstrdup(detail);
		json_object_put(o);
	}
	if (text == NULL)
		text = xasprintf(_("the server answered HTTP %ld"), r->status);
	clean = api_clean(text, API_PROBLEM_MAX);
	free(text);
	return clean;
}

/* Returns a copy of the string member key of o checked against the limit
 * (and, for values sent back in headers, header safety); NULL with *cause
 * when it is missing or bad and required. */
static int
api_field(json_object *o, const char *key, int required, size_t max, int header,
	  char **out, char **cause)
{
	json_object *v = NULL;
	size_t len;

	*out = NULL;
	if (!json_object_object_get_ex(o, key, &v) || v == NULL) {
		if (!required)
			return 0;
		*cause = xasprintf(_("the server's answer has no \"%s\""), key);
		return -1;
	}
	if (!json_object_is_type(v, json_type_string)) {
		*cause = xasprintf(_("the server's answer has a bad \"%s\""), key);
		return -1;
	}
	len = (size_t)json_object_get_string_len(v);
	if (len == 0 || len > max || len != strlen(json_object_get_string(v)) ||
	    (header && !api_header_safe(json_object_get_string(v)))) {
		*cause = xasprintf(_("the server's answer has a bad \"%s\""), key);
		return -1;
	}
	*out = header ? xstrdup(json_object_get_string(v))
		      : text_clean(json_object_get_string(v), len, 0);
	return 0;
}

/* Returns the integer member key of o, def when absent; -1 when not a
 * non-negative integer. */
static long
api_long(json_object *o, const char *key, long def)
{
	json_object *v = NULL;
	int64_t n;

	if (!json_object_object_get_ex(o, key, &v) || v == NULL)
		return def;
	if (!json_object_is_type(v, json_type_int))
		return -1;
	n = json_object_get_int64(v);
	if (n < 0 || n > INT_MAX)
		return -1;
	return (long)n;
}

int
api_device_start(struct api *a, struct api_device *out, char **cause)
{
	struct api_response r;
	json_object *o = NULL;
	char *why = NULL, *problem;
	int rc = -1;

	memset(out, 0, sizeof *out);
	api_response_init(&r);
	if (api_post_form(a, "/v1/device/code", "client_id=" API_CLIENT_ID, &r, cause) < 0)
		goto out;
	if (r.status != 200) {
		problem = api_problem(&r);
		*cause = xasprintf(_("cannot start signing in: %s"), problem);
		free(problem);
		goto out;
	}
	if ((o = api_json(&r)) == NULL) {
		why = xstrdup(_("the server's answer is not a JSON object"));
		goto bad;
	}
	if (api_field(o, "device_code", 1, API_TOKEN_MAX, 1, &out->device_code, &why) < 0 ||
	    api_field(o, "user_code", 1, API_FIELD_MAX, 0, &out->user_code, &why) < 0 ||
	    api_field(o, "verification_uri", 1, API_FIELD_MAX, 0, &out->verification_uri,
		      &why) < 0 ||
	    api_field(o, "verification_uri_complete", 0, API_FIELD_MAX, 0,
		      &out->verification_uri_complete, &why) < 0)
		goto bad;
	out->expires_in = api_long(o, "expires_in", -1);
	/* RFC 8628 3.2: the interval defaults to 5 seconds. */
	out->interval = api_long(o, "interval", 5);
	if (out->expires_in <= 0 || out->interval < 0) {
		why = xstrdup(_("the server's answer has a bad \"expires_in\" or \"interval\""));
		goto bad;
	}
	if (out->interval == 0)
		out->interval = 5;
	rc = 0;
	goto out;
bad:
	*cause = xasprintf(_("cannot start signing in: %s"), why);
	free(why);
	api_device_release(out);
out:
	json_object_put(o);
	api_response_release(&r);
	return rc;
}

void
api_device_release(struct api_device *d)
{
	if (d == NULL)
		return;
	free(d->device_code);
	free(d->user_code);
	free(d->verification_uri);
	free(d->verification_uri_complete);
	memset(d, 0, sizeof *d);
}

/* Reads a token endpoint's success answer into out. */
static int
api_tokens_parse(const struct api_response *r, struct api_tokens *out, char **cause)
{
	json_object *o = api_json(r);
	const char *type;
	int rc = -1;

	memset(out, 0, sizeof *out);
	if (o == NULL) {
		*cause = xstrdup(_("the server's token answer is not a JSON object"));
		return -1;
	}
	type = api_member(o, "token_type");
	if (type != NULL && strcasecmp(type, "Bearer") != 0) {
		*cause = xstrdup(_("the server gave a token of a type other than Bearer"));
		goto out;
	}
	if (api_field(o, "access_token", 1, API_TOKEN_MAX, 1, &out->access_token, cause) < 0 ||
	    api_field(o, "refresh_token", 0, API_TOKEN_MAX, 1, &out->refresh_token, cause) < 0)
		goto out;
	out->expires_in = api_long(o, "expires_in", 0);
	if (out->expires_in < 0) {
		*cause = xstrdup(_("the server's answer has a bad \"expires_in\""));
		goto out;
	}
	rc = 0;
out:
	if (rc < 0)
		api_tokens_release(out);
	json_object_put(o);
	return rc;
}

/* The OAuth "error" code of a token endpoint answer, cleaned; NULL if none. */
static char *
api_oauth_error(const struct api_response *r)
{
	json_object *o = api_json(r);
	const char *e;
	char *code = NULL;

	if (o == NULL)
		return NULL;
	if ((e = api_member(o, "error")) != NULL)
		code = api_clean(e, 64);
	json_object_put(o);
	return code;
}

enum api_poll
api_device_poll(struct api *a, const char *device_code, struct api_tokens *out, char **cause)
{
	static const struct {
		const char   *error;
		enum api_poll poll;
	} errors[] = {
		{ "authorization_pending", API_POLL_PENDING },
		{ "slow_down", API_POLL_SLOW_DOWN },
		{ "expired_token", API_POLL_EXPIRED },
		{ "access_denied", API_POLL_DENIED },
	};
	struct api_response r;
	enum api_poll res = API_POLL_ERROR;
	char *form = NULL, *code = NULL, *problem;
	size_t i;

	memset(out, 0, sizeof *out);
	api_response_init(&r);
	code = api_escape(device_code);
	form = xasprintf("grant_type=urn%%3Aietf%%3Aparams%%3Aoauth%%3Agrant-type%%3Adevice_code"
			 "&device_code=%s&client_id=" API_CLIENT_ID, code);
	if (api_post_form(a, "/v1/token", form, &r, cause) < 0)
		goto out;
	if (r.status == 200) {
		if (api_tokens_parse(&r, out, cause) == 0)
			res = API_POLL_OK;
		goto out;
	}
	free(code);
	code = api_oauth_error(&r);
	if (r.status == 400 && code != NULL) {
		for (i = 0; i < sizeof errors / sizeof errors[0]; i++) {
			if (strcmp(code, errors[i].error) == 0) {
				res = errors[i].poll;
				goto out;
			}
		}
	}
	problem = api_problem(&r);
	*cause = xasprintf(_("signing in failed: %s"), problem);
	free(problem);
out:
	free(code);
	free(form);
	api_response_release(&r);
	return res;
}

int
api_refresh_ex(struct api *a, const char *refresh_token, struct api_tokens *out, int *refused,
	       char **cause)
{
	struct api_response r;
	char *form = NULL, *tok = NULL, *problem;
	int rc = -1;

	memset(out, 0, sizeof *out);
	*refused = 0;
	api_response_init(&r);
	tok = api_escape(refresh_token);
	form = xasprintf("grant_type=refresh_token&refresh_token=%s&client_id=" API_CLIENT_ID,
			 tok);
	if (api_post_form(a, "/v1/token", form, &r, cause) < 0)
		goto out;
	if (r.status == 200) {
		rc = api_tokens_parse(&r, out, cause);
		goto out;
	}
	/* RFC 6749 5.2: a bad or used refresh token is a 400 (401 for client
	 * authentication); anything else is the server's trouble. */
	*refused = r.status == 400 || r.status == 401;
	problem = api_problem(&r);
	*cause = xasprintf(_("renewing the sign-in failed: %s"), problem);
	free(problem);
out:
	explicit_bzero(form, strlen(form));
	explicit_bzero(tok, strlen(tok));
	free(form);
	free(tok);
	api_response_release(&r);
	return rc;
}

int
api_refresh(struct api *a, const char *refresh_token, struct api_tokens *out, char **cause)
{
	int refused;

	return api_refresh_ex(a, refresh_token, out, &refused, cause);
}

void
api_tokens_release(struct api_tokens *t)
{
	if (t == NULL)
		return;
	if (t->access_token != NULL)
		explicit_bzero(t->access_token, strlen(t->access_token));
	if (t->refresh_token != NULL)
		explicit_bzero(t->refresh_token, strlen(t->refresh_token));
	free(t->access_token);
	free(t->refresh_token);
	memset(t, 0, sizeof *t);
}
