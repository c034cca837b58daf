#include "http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "admin.h"
#include "application.h"
#include "auth.h"
#include "bff.h"
#include "buf.h"
#include "demo.h"
#include "feed.h"
#include "i18n.h"
#include "log.h"
#include "mem.h"
#include "metrics.h"
#include "procedure.h"
#include "record.h"
#include "report.h"
#include "storage.h"
#include "text.h"
#include "throttle.h"
#include "token.h"
#include "user.h"
#include "waitlist.h"

struct http {
	struct bff *bff;
	struct MHD_Daemon *daemon;
};

/* One per request, from the first call of the access handler to the
 * completion callback. */
struct http_ctx {
	struct timespec start;
	struct buf body;
	int status;   /* what was answered, for the log */
	int queued;   /* a response went out before the body was read */
	size_t route; /* index in http_routes, HTTP_NROUTES for none */
	int limited;  /* the rate limits have been applied */
	int waiting;  /* suspended in the waitlist */
	long long wait_until_ms;
	long long suspended_at_ms;
	long long suspended_ms; /* time spent waiting, left out of the metrics */
	char method[16];
	char path[256]; /* for the log; longer ones are cut */
};

static void http_healthz(struct http_req *req, struct http_resp *resp);
static void http_metrics(struct http_req *req, struct http_resp *resp);

static const struct http_route http_routes[] = {
        {"GET", "/healthz", http_healthz, HTTP_AUTH_NONE, 0},
        {"GET", "/metrics", http_metrics, HTTP_AUTH_NONE, 0},
        {"POST", "/v1/device/code", auth_device_code, HTTP_AUTH_NONE, 0},
        {"POST", "/v1/token", auth_token, HTTP_AUTH_NONE, 0},
        {"POST", "/v1/token/revoke", auth_revoke, HTTP_AUTH_NONE, 0},
        {"GET", "/v1/sync", feed_sync, HTTP_AUTH_USER, 0},
        {"POST", "/v1/applications", application_post, HTTP_AUTH_USER, 0},
        {"GET", "/v1/applications/{id}", application_get, HTTP_AUTH_USER, 0},
        {"POST", "/v1/client-reports", report_post, HTTP_AUTH_NONE, 0},
        {"POST", "/v1/admin/device/approve", auth_approve, HTTP_AUTH_ADMIN, 0},
        {"POST", "/v1/admin/device/deny", auth_deny, HTTP_AUTH_ADMIN, 0},
        {"POST", "/v1/admin/users", admin_user_post, HTTP_AUTH_ADMIN, 0},
        {"POST", "/v1/admin/notices", admin_notice_post, HTTP_AUTH_ADMIN, 0},
        {"DELETE", "/v1/admin/notices/{id}", admin_notice_delete, HTTP_AUTH_ADMIN, 0},
        {"POST", "/v1/admin/deadlines", admin_deadline_post, HTTP_AUTH_ADMIN, 0},
        {"DELETE", "/v1/admin/deadlines/{id}", admin_deadline_delete, HTTP_AUTH_ADMIN, 0},
        {"POST", "/v1/admin/procedures", procedure_post, HTTP_AUTH_ADMIN, 0},
        {"DELETE", "/v1/admin/procedures/{id}", procedure_delete, HTTP_AUTH_ADMIN, 0},
        {"POST", "/v1/admin/records", record_post, HTTP_AUTH_ADMIN, 0},
        {"DELETE", "/v1/admin/records/{id}", record_delete, HTTP_AUTH_ADMIN, 0},
        {"POST", "/v1/admin/access-logs", record_access_post, HTTP_AUTH_ADMIN, 0},
        {"DELETE", "/v1/admin/access-logs/{id}", record_access_delete, HTTP_AUTH_ADMIN, 0},
        {"POST", "/v1/admin/applications/{id}/status", application_status_post, HTTP_AUTH_ADMIN, 0},
        {"POST", "/v1/admin/compact", admin_compact_post, HTTP_AUTH_ADMIN, 0},
        {"GET", "/device", demo_page, HTTP_AUTH_NONE, 1},
        {"POST", "/device", demo_page_post, HTTP_AUTH_NONE, 1},
};

#define HTTP_NROUTES (sizeof http_routes / sizeof http_routes[0])

size_t
http_route_count(void)
{
	return HTTP_NROUTES;
}

const struct http_route *
http_route_at(size_t i)
{
	return i < HTTP_NROUTES ? &http_routes[i] : NULL;
}

/* The labels of route i in the metrics. */
static void
http_route_labels(size_t i, const char **method, const char **route)
{
	*method = http_routes[i].method;
	*route = http_routes[i].pattern;
}

/* Matches path against pattern; each {name} takes one non-empty segment. */
static int
http_match(const char *pattern, const char *path, char **params, size_t *nparams)
{
	size_t n = 0;

	while (*pattern != '\0' && *path != '\0') {
		if (pattern[0] == '{') {
			size_t seg = strcspn(path, "/");
			const char *close = strchr(pattern, '}');

			if (seg == 0 || n == HTTP_PARAMS_MAX || close == NULL)
				goto fail;
			params[n++] = xstrndup(path, seg);
			path += seg;
			pattern = close + 1;
			continue;
		}
		if (*pattern != *path)
			goto fail;
		pattern++;
		path++;
	}
	if (*pattern != '\0' || *path != '\0')
		goto fail;
	*nparams = n;
	return 1;
fail:
	while (n > 0)
		free(params[--n]);
	*nparams = 0;
	return 0;
}

const struct http_route *
http_route_find(const char *method, const char *path, int demo, char **params,
                size_t *nparams, int *path_known)
{
	size_t i;

	*path_known = 0;
	*nparams = 0;
	/* HEAD is answered as GET; libmicrohttpd leaves the body out. */
	if (strcmp(method, "HEAD") == 0)
		method = "GET";
	for (i = 0; i < HTTP_NROUTES; i++) {
		if ((http_routes[i].demo_only && !demo) ||
		    !http_match(http_routes[i].pattern, path, params, nparams))
			continue;
		if (strcmp(http_routes[i].method, method) == 0)
			return &http_routes[i];
		while (*nparams > 0)
			free(params[--*nparams]);
		*path_known = 1;
	}
	return NULL;
}

/* The methods allowed on path, for the Allow header of a 405. */
static char *
http_allow(const char *path, int demo)
{
	struct buf b;
	char *allow;
	size_t i;

	buf_init(&b, 0);
	for (i = 0; i < HTTP_NROUTES; i++) {
		char *params[HTTP_PARAMS_MAX];
		size_t n = 0;

		if ((http_routes[i].demo_only && !demo) ||
		    !http_match(http_routes[i].pattern, path, params, &n))
			continue;
		while (n > 0)
			free(params[--n]);
		if (b.len > 0)
			buf_addstr(&b, ", ");
		buf_addstr(&b, http_routes[i].method);
		if (strcmp(http_routes[i].method, "GET") == 0)
			buf_addstr(&b, ", HEAD");
	}
	allow = buf_take(&b);
	buf_release(&b); /* buf_take leaves it ready for reuse */
	return allow;
}

void
http_resp_release(struct http_resp *resp)
{
	size_t i;

	free(resp->body);
	resp->body = NULL;
	resp->len = 0;
	for (i = 0; i < resp->nheaders; i++)
		free(resp->hvalue[i]);
	resp->nheaders = 0;
}

static void
http_set_body(struct http_resp *resp, int status, const char *type, char *body, size_t len)
{
	free(resp->body);
	resp->status = status;
	resp->type = type;
	resp->body = body;
	resp->len = len;
}

void
http_json(struct http_resp *resp, int status, json_object *o)
{
	const char *s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
	                                                          JSON_C_TO_STRING_NOSLASHESCAPE);
	size_t len = strlen(s);
	char *body = xmalloc(len + 2);

	memcpy(body, s, len);
	body[len++] = '\n';
	body[len] = '\0';
	json_object_put(o);
	http_set_body(resp, status, "application/json", body, len);
}

static const char *
http_reason(int status)
{
	const char *r = MHD_get_reason_phrase_for((unsigned int)status);

	return r != NULL && *r != '\0' ? r : "Error";
}

/* Writes a problem document; errors (taken, may be NULL) becomes its
 * "errors" member. */
static void
http_problem_v(struct http_resp *resp, int status, const char *title, json_object *errors,
               const char *fmt, va_list ap)
{
	json_object *o = json_object_new_object();
	char detail[1024];
	const char *s;
	size_t len;
	char *body;

	vsnprintf(detail, sizeof detail, fmt, ap);
	json_object_object_add(o, "type", json_object_new_string("about:blank"));
	json_object_object_add(o, "title",
	                       json_object_new_string(title != NULL ? title : http_reason(status)));
	json_object_object_add(o, "status", json_object_new_int(status));
	json_object_object_add(o, "detail", json_object_new_string(detail));
	if (errors != NULL)
		json_object_object_add(o, "errors", errors);
	s = json_object_to_json_string_ext(o,
	                                   JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	len = strlen(s);
	body = xmalloc(len + 2);
	memcpy(body, s, len);
	body[len++] = '\n';
	body[len] = '\0';
	json_object_put(o);
	http_set_body(resp, status, "application/problem+json", body, len);
}

void
http_problem(struct http_resp *resp, int status, const char *title, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	http_problem_v(resp, status, title, NULL, fmt, ap);
	va_end(ap);
}

void
http_problem_errors(struct http_resp *resp, int status, const char *title, json_object *errors,
                    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	http_problem_v(resp, status, title, errors, fmt, ap);
	va_end(ap);
}

void
http_text(struct http_resp *resp, int status, const char *type, const char *text)
{
	http_set_body(resp, status, type, xstrdup(text), strlen(text));
}

void
http_header(struct http_resp *resp, const char *name, const char *value)
{
	if (resp->nheaders == HTTP_HEADERS_MAX) {
		log_error("too many response headers; %s left out", name);
		return;
	}
	resp->hname[resp->nheaders] = name;
	resp->hvalue[resp->nheaders] = xstrdup(value);
	resp->nheaders++;
}

const char *
http_query(const struct http_req *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *
http_req_header(const struct http_req *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

int
http_json_body(struct http_req *req, struct http_resp *resp, json_object **out)
{
	struct json_tokener *tok = NULL;
	json_object *o = NULL;
	enum json_tokener_error jerr;
	int ret = -1;

	*out = NULL;
	if (!text_valid_utf8(req->body, req->body_len)) {
		http_problem(resp, 400, "Bad Request", "%s", _("The body is not valid UTF-8."));
		goto out;
	}
	if (req->body_len == 0) {
		http_problem(resp, 400, "Bad Request", "%s",
		             _("The body is empty; send a JSON object."));
		goto out;
	}
	tok = json_tokener_new_ex(HTTP_JSON_DEPTH);
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	o = json_tokener_parse_ex(tok, req->body, (int)req->body_len);
	jerr = json_tokener_get_error(tok);
	if (jerr == json_tokener_continue) {
		http_problem(resp, 400, "Bad Request", "%s", _("The JSON body ends too early."));
		goto out;
	}
	if (jerr != json_tokener_success) {
		http_problem(resp, 400, "Bad Request",
		             _("The body is not valid JSON: %s at byte %zu."),
		             json_tokener_error_desc(jerr), json_tokener_get_parse_end(tok));
		goto out;
	}
	/* Only blanks may follow the value. */
	for (size_t i = json_tokener_get_parse_end(tok); i < req->body_len; i++) {
		if (strchr(" \t\r\n", req->body[i]) == NULL) {
			http_problem(resp, 400, "Bad Request",
			             _("The body has more after the JSON value, at byte %zu."), i);
			goto out;
		}
	}
	if (!json_object_is_type(o, json_type_object)) {
		http_problem(resp, 400, "Bad Request", "%s", _("The body must be a JSON object."));
		goto out;
	}
	*out = o;
	o = NULL;
	ret = 0;
out:
	json_object_put(o);
	if (tok != NULL)
		json_tokener_free(tok);
	return ret;
}

/* GET /healthz */
static void
http_healthz(struct http_req *req, struct http_resp *resp)
{
	if (storage_ping(req->bff->storage) != 0) {
		http_text(resp, 503, "text/plain; charset=utf-8", "database unavailable\n");
		return;
	}
	http_text(resp, 200, "text/plain; charset=utf-8", "ok\n");
}

/* GET /metrics, in the Prometheus text format. */
static void
http_metrics(struct http_req *req, struct http_resp *resp)
{
	struct bff *bff = req->bff;
	struct storage_tx *tx = storage_begin(bff->storage, 0);
	long long users = -1, rows = -1, reports = -1;
	struct buf b;

	if (tx != NULL) {
		if (storage_user_count(tx, &users) != 0)
			users = -1;
		if (storage_feed_count(tx, &rows) != 0)
			rows = -1;
		if (storage_report_count(tx, &reports) != 0)
			reports = -1;
		storage_rollback(tx);
	}
	buf_init(&b, 0);
	metrics_render(bff->metrics, &b, http_route_labels);
	buf_printf(&b,
	           "# HELP myna_bff_long_polls_waiting Long polls waiting for a change.\n"
	           "# TYPE myna_bff_long_polls_waiting gauge\n"
	           "myna_bff_long_polls_waiting %ld\n",
	           waitlist_count(bff->waitlist));
	if (users >= 0)
		buf_printf(&b,
		           "# HELP myna_bff_users Residents known.\n"
		           "# TYPE myna_bff_users gauge\nmyna_bff_users %lld\n",
		           users);
	if (rows >= 0)
		buf_printf(&b,
		           "# HELP myna_bff_feed_items Items in the change feed, tombstones "
		           "included.\n"
		           "# TYPE myna_bff_feed_items gauge\nmyna_bff_feed_items %lld\n",
		           rows);
	if (reports >= 0)
		buf_printf(&b,
		           "# HELP myna_bff_client_reports_kept Client reports kept.\n"
		           "# TYPE myna_bff_client_reports_kept gauge\n"
		           "myna_bff_client_reports_kept %lld\n",
		           reports);
	http_set_body(resp, 200, "text/plain; version=0.0.4; charset=utf-8", NULL, 0);
	resp->len = b.len;
	resp->body = buf_take(&b);
}

/* The bearer token of the request, or NULL when there is none or it is not
 * a well-formed b64token (RFC 6750 section 2.1). */
static const char *
http_bearer(const struct http_req *req)
{
	const char *h = http_req_header(req, MHD_HTTP_HEADER_AUTHORIZATION);
	const char *tok;
	size_t len;

	if (h == NULL || strncasecmp(h, "Bearer ", 7) != 0)
		return NULL;
	tok = h + 7;
	while (*tok == ' ')
		tok++;
	len = strspn(tok, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/");
	len += strspn(tok + len, "=");
	if (len == 0 || len > TOKEN_MAX || tok[len] != '\0')
		return NULL;
	return tok;
}

static void
http_unauthorized(struct http_resp *resp, int had_token, const char *detail)
{
	http_problem(resp, 401, "Unauthorized", "%s", detail);
	http_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
	            had_token ? "Bearer realm=\"myna\", error=\"invalid_token\""
	                      : "Bearer realm=\"myna\"");
}

/* A 429 with Retry-After. */
static void
http_too_many(struct http_resp *resp, long wait, const char *detail)
{
	char secs[24];

	http_problem(resp, 429, "Too Many Requests", "%s", detail);
	snprintf(secs, sizeof secs, "%ld", wait);
	http_header(resp, "Retry-After", secs);
}

/* Checks the route's kind of credentials; fills req->user for residents,
 * and applies the per-token rate limit (first run only).  Returns 0, or
 * -1 with the refusal in resp. */
static int
http_authorize(struct http_req *req, struct http_resp *resp, enum http_auth auth, int limit)
{
	unsigned char hash[TOKEN_HASH_LEN];
	const char *tok;
	long wait;
	int rc;

	if (auth == HTTP_AUTH_NONE)
		return 0;
	if (auth == HTTP_AUTH_ADMIN && !req->bff->admin_set) {
		http_problem(
		        resp, 403, "Forbidden", "%s",
		        _("Operator endpoints are disabled because no admin token is configured. "
		          "Start myna-bff with --admin-token-file FILE or set "
		          "MYNA_BFF_ADMIN_TOKEN."));
		return -1;
	}
	tok = http_bearer(req);
	if (tok == NULL) {
		const char *h = http_req_header(req, MHD_HTTP_HEADER_AUTHORIZATION);

		/* A Bearer header with no usable token in it is a token that
		 * was sent and is not valid. */
		http_unauthorized(
		        resp, h != NULL && strncasecmp(h, "Bearer ", 7) == 0,
		        _("Send the token in an \"Authorization: Bearer TOKEN\" header."));
		return -1;
	}
	if (token_hash(tok, strlen(tok), hash) != 0) {
		http_problem(resp, 500, "Internal Server Error", "%s", _("Hashing failed."));
		return -1;
	}
	if (auth == HTTP_AUTH_ADMIN) {
		if (!auth_admin_token(req->bff, hash)) {
			http_unauthorized(resp, 1, _("The token is not the operator token."));
			return -1;
		}
		return 0;
	}
	rc = auth_user_token(req->bff, hash, &req->user);
	if (rc < 0) {
		http_problem(resp, 500, "Internal Server Error", "%s",
		             _("The database failed; try again later."));
		return -1;
	}
	if (rc == 0) {
		http_unauthorized(resp, 1,
		                  _("The access token is unknown or has expired; "
		                    "refresh it or sign in again."));
		return -1;
	}
	if (limit &&
	    (wait = throttle_take(req->bff->per_token, hash, sizeof hash, throttle_now())) > 0) {
		metrics_limited(req->bff->metrics, METRICS_LIMIT_TOKEN);
		http_too_many(resp, wait,
		              _("Too many requests with this access token; wait as long as "
		                "Retry-After says, then try again."));
		return -1;
	}
	return 0;
}

void
http_client_address(const struct http_req *req, char *out, size_t size)
{
	const union MHD_ConnectionInfo *ci =
	        MHD_get_connection_info(req->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci != NULL ? ci->client_addr : NULL;
	const char *xff;
	int loopback = 0;

	snprintf(out, size, "unknown");
	if (sa != NULL && sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;

		inet_ntop(AF_INET, &in->sin_addr, out, (socklen_t)size);
		loopback = (ntohl(in->sin_addr.s_addr) >> 24) == 127;
	} else if (sa != NULL && sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;

		inet_ntop(AF_INET6, &in6->sin6_addr, out, (socklen_t)size);
		loopback = IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr);
	}
	/* Behind a reverse proxy on this machine, the proxy's last hop names
	 * the client; trusted only when asked for and only from loopback. */
	xff = req->bff->forwarded_for && loopback ? http_req_header(req, "X-Forwarded-For") : NULL;
	if (xff != NULL) {
		const char *last = strrchr(xff, ',');
		char addr[INET6_ADDRSTRLEN];
		unsigned char bin[sizeof(struct in6_addr)];
		size_t len;

		last = last != NULL ? last + 1 : xff;
		last += strspn(last, " \t");
		len = strcspn(last, " \t");
		if (len > 0 && len < sizeof addr) {
			memcpy(addr, last, len);
			addr[len] = '\0';
			if (inet_pton(AF_INET, addr, bin) == 1 ||
			    inet_pton(AF_INET6, addr, bin) == 1)
				snprintf(out, size, "%s", addr);
		}
	}
}

/* Returns 1 when the client accepts gzip (RFC 9110 section 12.5.3). */
static int
http_accepts_gzip(struct MHD_Connection *conn)
{
	const char *h =
	        MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT_ENCODING);

	while (h != NULL && *h != '\0') {
		size_t len;

		h += strspn(h, " \t,");
		len = strcspn(h, ",");
		if (len >= 4 && strncasecmp(h, "gzip", 4) == 0 &&
		    (len == 4 || h[4] == ';' || h[4] == ' ')) {
			const char *q = memchr(h, '=', len);

			/* "gzip;q=0" (or 0.0, 0.000) refuses it. */
			if (q == NULL || strtod(q + 1, NULL) > 0.0)
				return 1;
			return 0;
		}
		h += len;
	}
	return 0;
}

/* Compresses body into a new gzip buffer; NULL when that fails. */
static char *
http_gzip(const char *body, size_t len, size_t *outlen)
{
	z_stream z;
	char *out = NULL;
	uLong bound;

	memset(&z, 0, sizeof z);
	if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
	    Z_OK)
		return NULL;
	bound = deflateBound(&z, (uLong)len);
	out = xmalloc(bound);
	z.next_in = (Bytef *)(uintptr_t)body;
	z.avail_in = (uInt)len;
	z.next_out = (Bytef *)out;
	z.avail_out = (uInt)bound;
	if (deflate(&z, Z_FINISH) != Z_STREAM_END) {
		free(out);
		out = NULL;
	} else {
		*outlen = z.total_out;
	}
	deflateEnd(&z);
	return out;
}

/* Hands resp to libmicrohttpd; resp is released either way. */
static enum MHD_Result
http_send(struct MHD_Connection *conn, struct http_ctx *ctx, struct http_resp *resp)
{
	struct MHD_Response *r;
	enum MHD_Result ret;
	size_t i;
	int gz = 0;

	if (resp->status == 0)
		http_problem(resp, 500, "Internal Server Error", "%s",
		             _("The request was not answered."));
	if (resp->body != NULL && resp->len >= HTTP_GZIP_MIN && http_accepts_gzip(conn)) {
		size_t zlen = 0;
		char *z = http_gzip(resp->body, resp->len, &zlen);

		if (z != NULL) {
			free(resp->body);
			resp->body = z;
			resp->len = zlen;
			gz = 1;
		}
	}
	if (resp->body != NULL) {
		r = MHD_create_response_from_buffer(resp->len, resp->body, MHD_RESPMEM_MUST_FREE);
		if (r != NULL)
			resp->body = NULL; /* libmicrohttpd frees it now */
	} else {
		r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	}
	if (r == NULL) {
		http_resp_release(resp);
		return MHD_NO;
	}
	if (resp->type != NULL)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, resp->type);
	if (gz)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip");
	MHD_add_response_header(r, MHD_HTTP_HEADER_VARY, "Accept-Encoding, Authorization");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	/* Answers are personal or secret (tokens, RFC 6749 section 5.1). */
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	for (i = 0; i < resp->nheaders; i++)
		MHD_add_response_header(r, resp->hname[i], resp->hvalue[i]);
	ret = MHD_queue_response(conn, (unsigned int)resp->status, r);
	MHD_destroy_response(r);
	ctx->status = resp->status;
	http_resp_release(resp);
	return ret;
}

/* Sums the sizes of the request's headers or query parameters. */
struct http_sizes {
	size_t count;
	size_t bytes;
};

static enum MHD_Result
http_size_one(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct http_sizes *z = cls;

	(void)kind;
	z->count++;
	z->bytes += strlen(key) + (value != NULL ? strlen(value) : 0) + 4;
	return MHD_YES;
}

/* Finds a query parameter given twice: the names seen so far, and the
 * first one repeated. */
struct http_names {
	const char *seen[HTTP_QUERY_MAX];
	size_t	    n;
	const char *twice;
};

static enum MHD_Result
http_name_one(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct http_names *z = cls;
	size_t i;

	(void)kind;
	(void)value;
	for (i = 0; i < z->n; i++) {
		if (strcmp(z->seen[i], key) == 0) {
			z->twice = key;
			return MHD_NO;
		}
	}
	if (z->n < HTTP_QUERY_MAX)
		z->seen[z->n++] = key;
	return MHD_YES;
}

/* Checks the URL and header caps; fills resp and returns -1 beyond them. */
static int
http_check_sizes(struct MHD_Connection *conn, const char *url, struct http_resp *resp)
{
	struct http_sizes q = {0, 0}, hd = {0, 0};
	struct http_names names = {{NULL}, 0, NULL};

	MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, http_size_one, &q);
	MHD_get_connection_values(conn, MHD_HEADER_KIND, http_size_one, &hd);
	if (strlen(url) + q.bytes > HTTP_URL_MAX || q.count > HTTP_QUERY_MAX) {
		http_problem(resp, 414, "URI Too Long",
		             _("The path and query are limited to %d bytes and %d parameters."),
		             HTTP_URL_MAX, HTTP_QUERY_MAX);
		return -1;
	}
	if (hd.bytes > HTTP_HEADER_BYTES || hd.count > HTTP_HEADER_COUNT) {
		http_problem(resp, 431, "Request Header Fields Too Large",
		             _("The request headers are limited to %d bytes and %d lines."),
		             HTTP_HEADER_BYTES, HTTP_HEADER_COUNT);
		return -1;
	}
	/* cursor=a&cursor=b has no one meaning: refused, not guessed at. */
	MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, http_name_one, &names);
	if (names.twice != NULL) {
		http_problem(resp, 400, "Bad Request",
		             _("The query parameter \"%s\" is given more than once."),
		             names.twice);
		return -1;
	}
	return 0;
}

/* Routes a complete request and answers it, or suspends it to wait. */
static enum MHD_Result
http_dispatch(struct http *h, struct MHD_Connection *conn, struct http_ctx *ctx, const char *method,
              const char *url)
{
	struct bff *bff = h->bff;
	struct http_resp resp;
	struct http_req req;
	const struct http_route *route;
	enum MHD_Result ret;
	int path_known = 0, first = !ctx->limited;
	long wait;

	memset(&resp, 0, sizeof resp);
	memset(&req, 0, sizeof req);
	req.bff = bff;
	req.conn = conn;
	req.method = method;
	req.path = url;
	req.body = ctx->body.data;
	req.body_len = ctx->body.len;
	req.wait_until_ms = ctx->wait_until_ms;
	ctx->limited = 1;

	route = http_route_find(method, url, bff->demo, req.params, &req.nparams, &path_known);
	ctx->route = route != NULL ? (size_t)(route - http_routes) : HTTP_NROUTES;
	if (first && bff->per_address != NULL) {
		char addr[INET6_ADDRSTRLEN + 1];

		http_client_address(&req, addr, sizeof addr);
		wait = throttle_take(bff->per_address, addr, strlen(addr), throttle_now());
		if (wait > 0) {
			metrics_limited(bff->metrics, METRICS_LIMIT_ADDRESS);
			http_too_many(&resp, wait,
			              _("Too many requests from this address; wait as long as "
			                "Retry-After says, then try again."));
			goto send;
		}
	}
	if (route == NULL && path_known) {
		char *allow = http_allow(url, bff->demo);

		http_problem(&resp, 405, "Method Not Allowed", _("Use %s on %s."), allow, url);
		http_header(&resp, MHD_HTTP_HEADER_ALLOW, allow);
		free(allow);
	} else if (route == NULL) {
		http_problem(&resp, 404, "Not Found", "%s",
		             _("There is nothing at this path; see docs/api.md."));
	} else if (ctx->body.toobig) {
		http_problem(&resp, 413, "Content Too Large",
		             _("The request body is larger than %d bytes."), HTTP_BODY_MAX);
	} else if (http_authorize(&req, &resp, route->auth, first) == 0) {
		route->handler(&req, &resp);
	}
	if (resp.status == 0 && resp.wait_until_ms > 0 && route != NULL &&
	    route->auth == HTTP_AUTH_USER) {
		/* Wait without a thread: the waitlist resumes the connection on a
		 * change or at the deadline, and the handler runs again. */
		ctx->waiting = 1;
		ctx->wait_until_ms = resp.wait_until_ms;
		ctx->suspended_at_ms = waitlist_now_ms();
		while (req.nparams > 0)
			free(req.params[--req.nparams]);
		http_resp_release(&resp);
		MHD_suspend_connection(conn);
		waitlist_add(bff->waitlist, conn, req.user.id, req.user.municipality, resp.wait_gen,
		             resp.wait_until_ms);
		return MHD_YES;
	}
send:
	while (req.nparams > 0)
		free(req.params[--req.nparams]);
	ret = http_send(conn, ctx, &resp);
	return ret;
}

static enum MHD_Result
http_access(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
            const char *version, const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	struct http *h = cls;
	struct http_ctx *ctx = *con_cls;

	(void)version;
	if (ctx == NULL) {
		struct http_resp resp;
		const char *cl;

		ctx = xcalloc(1, sizeof *ctx);
		clock_gettime(CLOCK_MONOTONIC, &ctx->start);
		buf_init(&ctx->body, HTTP_BODY_MAX);
		ctx->route = HTTP_NROUTES;
		metrics_inflight(h->bff->metrics, 1);
		snprintf(ctx->method, sizeof ctx->method, "%s", method);
		snprintf(ctx->path, sizeof ctx->path, "%s", url);
		*con_cls = ctx;
		memset(&resp, 0, sizeof resp);
		if (http_check_sizes(conn, url, &resp) != 0) {
			http_header(&resp, MHD_HTTP_HEADER_CONNECTION, "close");
			ctx->queued = 1;
			return http_send(conn, ctx, &resp);
		}
		/* Refuse a declared oversize body before reading any of it. */
		cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
		                                 MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl != NULL && strtoull(cl, NULL, 10) > HTTP_BODY_MAX) {
			http_problem(&resp, 413, "Content Too Large",
			             _("The request body is larger than %d bytes."), HTTP_BODY_MAX);
			http_header(&resp, MHD_HTTP_HEADER_CONNECTION, "close");
			ctx->queued = 1;
			return http_send(conn, ctx, &resp);
		}
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		/* Beyond the cap the rest is read and dropped; the answer is 413. */
		if (!ctx->body.toobig && !ctx->queued)
			buf_add(&ctx->body, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (ctx->queued)
		return MHD_YES;
	if (ctx->waiting) {
		/* Resumed by the waitlist: run the handler again. */
		ctx->waiting = 0;
		ctx->suspended_ms += waitlist_now_ms() - ctx->suspended_at_ms;
	}
	return http_dispatch(h, conn, ctx, method, url);
}

static void
http_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
               enum MHD_RequestTerminationCode toe)
{
	struct http *h = cls;
	struct http_ctx *ctx = *con_cls;
	struct timespec end;
	double ms;

	(void)conn;
	if (ctx == NULL)
		return;
	clock_gettime(CLOCK_MONOTONIC, &end);
	ms = (double)(end.tv_sec - ctx->start.tv_sec) * 1e3 +
	     (double)(end.tv_nsec - ctx->start.tv_nsec) / 1e6;
	metrics_request(h->bff->metrics, ctx->route, ctx->status,
	                (ms - (double)ctx->suspended_ms) / 1e3);
	log_info("request method=%s path=%s status=%d duration_ms=%.1f%s", ctx->method, ctx->path,
	         ctx->status, ms, toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " aborted=1");
	buf_release(&ctx->body);
	free(ctx);
	*con_cls = NULL;
	metrics_inflight(h->bff->metrics, -1);
}

static void
http_mhd_log(void *cls, const char *fmt, va_list ap)
{
	char line[512];
	size_t len;

	(void)cls;
	vsnprintf(line, sizeof line, fmt, ap);
	len = strlen(line);
	while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		line[--len] = '\0';
	log_warn("libmicrohttpd: %s", line);
}

int
http_listen(const char *host, const char *port, int *fd, int *bound_port, char **cause)
{
	struct addrinfo hints, *res = NULL, *ai;
	struct sockaddr_storage ss;
	socklen_t sslen = sizeof ss;
	int s = -1, one = 1, err = 0, rc;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	rc = getaddrinfo(host, port, &hints, &res);
	if (rc != 0) {
		*cause = xasprintf(_("cannot resolve %s: %s"), host, gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		s = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
		if (s < 0) {
			err = errno;
			continue;
		}
		setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		if (bind(s, ai->ai_addr, ai->ai_addrlen) == 0 && listen(s, 128) == 0)
			break;
		err = errno;
		close(s);
		s = -1;
	}
	freeaddrinfo(res);
	if (s < 0) {
		*cause = xasprintf(_("cannot listen on %s:%s: %s"), host, port, strerror(err));
		return -1;
	}
	if (getsockname(s, (struct sockaddr *)&ss, &sslen) != 0) {
		*cause = xasprintf(_("cannot read the bound address: %s"), strerror(errno));
		close(s);
		return -1;
	}
	if (ss.ss_family == AF_INET6)
		*bound_port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	else
		*bound_port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
	*fd = s;
	return 0;
}

int
http_start(struct bff *bff, int fd, unsigned int threads, unsigned int connections,
           struct http **out, char **cause)
{
	struct http *h = xcalloc(1, sizeof *h);
	unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
	                     MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
	h->bff = bff;
	/* The logger comes first so that it sees the other options' errors. */
	h->daemon = MHD_start_daemon(
	        flags, 0, NULL, NULL, http_access, h, MHD_OPTION_EXTERNAL_LOGGER, http_mhd_log, h,
	        MHD_OPTION_LISTEN_SOCKET, (MHD_socket)fd, MHD_OPTION_NOTIFY_COMPLETED,
	        http_completed, h, MHD_OPTION_THREAD_POOL_SIZE, threads,
	        MHD_OPTION_CONNECTION_LIMIT, connections, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
	        (size_t)HTTP_MEMORY_LIMIT, MHD_OPTION_CONNECTION_TIMEOUT,
	        (unsigned int)HTTP_TIMEOUT, MHD_OPTION_END);
	if (h->daemon == NULL) {
		*cause = xstrdup(_("cannot start the HTTP server"));
		close(fd);
		free(h);
		return -1;
	}
	*out = h;
	return 0;
}

void
http_stop(struct http *h)
{
	MHD_socket fd;
	int waited;

	if (h == NULL)
		return;
	fd = MHD_quiesce_daemon(h->daemon);
	if (fd != MHD_INVALID_SOCKET)
		close(fd);
	/* Long polls answer now, with what they have. */
	waitlist_close(h->bff->waitlist);
	/* Requests already being handled get their answers. */
	for (waited = 0; waited < HTTP_DRAIN_SECONDS * 100; waited++) {
		struct timespec ts = {0, 10 * 1000 * 1000};

		if (metrics_inflight_now(h->bff->metrics) <= 0)
			break;
		nanosleep(&ts, NULL);
	}
	MHD_stop_daemon(h->daemon);
	free(h);
}
