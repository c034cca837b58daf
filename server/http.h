/*
 * http: the HTTP side of myna-bff on libmicrohttpd.  A pool of threads
 * serves every connection (epoll); a long poll suspends its connection
 * instead of holding a thread (waitlist.h).  Request bodies are collected
 * into a buffer capped at HTTP_BODY_MAX (413 beyond); the URL and the
 * headers are capped too (414, 431).  Requests are routed through one
 * const table of {method, path pattern, handler, auth kind}, rate-limited
 * per client address and per token (429), and each gets one log line
 * (method, path, status, duration) and its place in the metrics.
 *
 * A handler gets the request (body, query, headers, the signed-in user for
 * resident routes) and fills in the response with http_json, http_problem
 * or http_text, or asks to wait (resp->wait_until_ms).  Handlers run on
 * the pool's threads, several at once; storage serialises itself.
 */
#ifndef MYNA_HTTP_H
#define MYNA_HTTP_H

#include <stddef.h>
#include <json-c/json.h>

#include "user.h"

struct bff;
struct http;
struct MHD_Connection;

#define HTTP_BODY_MAX (64 * 1024)    /* bytes in a request body */
#define HTTP_PARAMS_MAX 4            /* {} segments in a pattern */
#define HTTP_HEADERS_MAX 8           /* extra response headers */
#define HTTP_JSON_DEPTH 16           /* nesting in a JSON body */
#define HTTP_GZIP_MIN 512            /* smaller bodies go plain */
#define HTTP_URL_MAX 2048            /* bytes of path and query (414) */
#define HTTP_QUERY_MAX 16            /* query parameters (414) */
#define HTTP_HEADER_BYTES (8 * 1024) /* bytes of request headers (431) */
#define HTTP_HEADER_COUNT 64         /* request header lines (431) */
/* What libmicrohttpd may use per connection; a request line or headers
 * beyond it are refused by the library itself (431 or 414, closed). */
#define HTTP_MEMORY_LIMIT (32 * 1024)
#define HTTP_CONNECTIONS_MAX 1024 /* default --max-connections */
#define HTTP_THREADS 4            /* default --threads */
#define HTTP_TIMEOUT 30           /* idle seconds before a close */
#define HTTP_DRAIN_SECONDS 10     /* wait for requests at shutdown */

enum http_auth {
	HTTP_AUTH_NONE, /* anyone */
	HTTP_AUTH_USER, /* a resident's access token */
	HTTP_AUTH_ADMIN /* the operator token */
};

struct http_req {
	struct bff *bff;
	struct MHD_Connection *conn;
	const char *method;
	const char *path;
	const char *body; /* NUL-terminated; body_len bytes */
	size_t body_len;
	char *params[HTTP_PARAMS_MAX]; /* the {} segments */
	size_t nparams;
	struct user user; /* the signed-in resident (HTTP_AUTH_USER) */
	/* 0 on a request's first run; when it waited and runs again, the
	 * deadline it was given (waitlist_now_ms time). */
	long long wait_until_ms;
};

struct http_resp {
	int status;
	char *body; /* owned; NULL for none */
	size_t len;
	const char *type; /* Content-Type (a literal) */
	size_t nheaders;
	const char *hname[HTTP_HEADERS_MAX]; /* literals */
	char *hvalue[HTTP_HEADERS_MAX];      /* owned */
	/* Set by a handler (with no answer) to wait for a change of the
	 * signed-in user's feed until this time, counting changes after
	 * generation wait_gen (waitlist.h); the handler then runs again. */
	long long wait_until_ms;
	unsigned long wait_gen;
};

typedef void (*http_handler)(struct http_req *req, struct http_resp *resp);

struct http_route {
	const char *method;
	const char *pattern; /* "/v1/admin/notices/{id}": {...} is one segment */
	http_handler handler;
	enum http_auth auth;
	int demo_only; /* served only with --demo */
};

/* Opens a listening TCP socket on host:port (port 0: any free port).
 * Returns 0 and sets *fd and *bound_port, or -1 with *cause. */
int http_listen(const char *host, const char *port, int *fd, int *bound_port, char **cause);

/* Starts serving on fd (taken over) with threads threads and at most
 * connections connections.  Returns 0, or -1 with *cause. */
int http_start(struct bff *bff, int fd, unsigned int threads, unsigned int connections,
               struct http **out, char **cause);
/* Stops accepting, lets requests in flight finish (up to
 * HTTP_DRAIN_SECONDS), closes every connection and frees h.  NULL is a no-op. */
void http_stop(struct http *h);

/* Responses.  Each replaces what resp held before. */
/* A JSON body; takes over o. */
void http_json(struct http_resp *resp, int status, json_object *o);
/* An RFC 9457 problem (application/problem+json); title is a short fixed
 * phrase, detail says what was wrong and what to do. */
void http_problem(struct http_resp *resp, int status, const char *title, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));
/* The same with an "errors" member (a JSON array, taken), for field-level
 * errors: [{"field": ..., "code": ..., "message": ...}]. */
void http_problem_errors(struct http_resp *resp, int status, const char *title, json_object *errors,
                         const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* A body of the given type (a literal), copied. */
void http_text(struct http_resp *resp, int status, const char *type, const char *text);
/* Adds a response header (name a literal; value copied). */
void http_header(struct http_resp *resp, const char *name, const char *value);
void http_resp_release(struct http_resp *resp);

/* Request accessors.  The strings are owned by the connection. */
const char *http_query(const struct http_req *req, const char *name);
const char *http_req_header(const struct http_req *req, const char *name);

/* Parses the body as one JSON object (valid UTF-8, strict JSON, nesting
 * at most HTTP_JSON_DEPTH, nothing after it).  Returns 0 with *out (the
 * caller puts it), or -1 with a 400 problem already in resp. */
int http_json_body(struct http_req *req, struct http_resp *resp, json_object **out);

/* The route table, for the metrics, --list-routes and the tests. */
size_t http_route_count(void);
const struct http_route *http_route_at(size_t i);

/* The client's address as text ("127.0.0.1"), into out. */
void http_client_address(const struct http_req *req, char *out, size_t size);

/* Finds the route for method and path; exported for the unit tests.
 * Returns the route, or NULL with *path_known set when another method
 * would have matched.  The demo's routes count only when demo is not 0. */
const struct http_route *http_route_find(const char *method, const char *path, int demo,
                                         char **params, size_t *nparams, int *path_known);

#endif
