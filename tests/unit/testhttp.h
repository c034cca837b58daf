/*
 * testhttp: a small real HTTP server for unit tests, on 127.0.0.1 and a
 * port the kernel picks, run by libmicrohttpd in its own thread.  The test
 * gives a handler that sees each request (method, path, query arguments,
 * headers, body) and fills in the answer.  Header-only: include it in one
 * test file.
 */
#ifndef MYNA_TESTHTTP_H
#define MYNA_TESTHTTP_H

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "buf.h"
#include "mem.h"

#define TH_HEADERS_MAX 8

struct th_exchange {
	/* The request. */
	struct MHD_Connection *conn;
	const char	      *method;
	const char	      *path;
	const char	      *body;
	size_t		       body_len;
	/* The answer: status 200 and an empty body unless the handler says. */
	unsigned int	       status;
	char		      *reply;		/* malloc'd; taken over */
	size_t		       reply_len;
	long long	       stream_len;	/* >= 0: send this many bytes of 'x'
						   with no Content-Length */
	int		       gzip;		/* compress reply (Content-Encoding) */
	int		       nheaders;
	char		      *headers[TH_HEADERS_MAX][2];
};

typedef void (*th_handler)(void *arg, struct th_exchange *x);

struct th_server {
	struct MHD_Daemon *d;
	unsigned short	   port;
	char		  *url;		/* http://127.0.0.1:PORT */
	th_handler	   handler;
	void		  *arg;
	int		   connections;	/* connections accepted so far */
};

/* Returns the request header name, or NULL. */
static inline const char *
th_header(struct th_exchange *x, const char *name)
{
	return MHD_lookup_connection_value(x->conn, MHD_HEADER_KIND, name);
}

/* Returns the query argument name (decoded), or NULL. */
static inline const char *
th_arg(struct th_exchange *x, const char *name)
{
	return MHD_lookup_connection_value(x->conn, MHD_GET_ARGUMENT_KIND, name);
}

/* Sets the answer. */
static inline void
th_reply(struct th_exchange *x, unsigned int status, const char *content_type,
	 const char *body)
{
	x->status = status;
	free(x->reply);
	x->reply = xstrdup(body ? body : "");
	x->reply_len = strlen(x->reply);
	if (content_type != NULL && x->nheaders < TH_HEADERS_MAX) {
		x->headers[x->nheaders][0] = xstrdup("Content-Type");
		x->headers[x->nheaders][1] = xstrdup(content_type);
		x->nheaders++;
	}
}

/* Adds a header to the answer. */
static inline void
th_add_header(struct th_exchange *x, const char *name, const char *value)
{
	if (x->nheaders < TH_HEADERS_MAX) {
		x->headers[x->nheaders][0] = xstrdup(name);
		x->headers[x->nheaders][1] = xstrdup(value);
		x->nheaders++;
	}
}

/* Compresses p[0..n) in the gzip format; *out_len gets the size. */
static inline char *
th_gzip(const char *p, size_t n, size_t *out_len)
{
	z_stream z;
	size_t cap = n + n / 100 + 64;
	char *out = xmalloc(cap);

	memset(&z, 0, sizeof z);
	if (deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		abort();
	z.next_in = (unsigned char *)p;
	z.avail_in = (uInt)n;
	z.next_out = (unsigned char *)out;
	z.avail_out = (uInt)cap;
	if (deflate(&z, Z_FINISH) != Z_STREAM_END)
		abort();
	*out_len = z.total_out;
	deflateEnd(&z);
	return out;
}

struct th_stream {
	long long left;
};

static inline ssize_t
th_stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct th_stream *s = cls;
	size_t n;

	(void)pos;
	if (s->left <= 0)
		return MHD_CONTENT_READER_END_OF_STREAM;
	n = (long long)max < s->left ? max : (size_t)s->left;
	memset(buf, 'x', n);
	s->left -= (long long)n;
	return (ssize_t)n;
}

static inline void
th_stream_free(void *cls)
{
	free(cls);
}

struct th_request {
	struct buf body;
};

static inline enum MHD_Result
th_access(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
	  const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	struct th_server *srv = cls;
	struct th_request *req = *con_cls;
	struct th_exchange x;
	struct MHD_Response *resp;
	enum MHD_Result ret;
	int i;

	(void)version;
	if (req == NULL) {
		req = xcalloc(1, sizeof *req);
		buf_init(&req->body, 1 << 20);
		*con_cls = req;
		return MHD_YES;
	}
	if (*upload_size > 0) {
		buf_add(&req->body, upload, *upload_size);
		*upload_size = 0;
		return MHD_YES;
	}
	memset(&x, 0, sizeof x);
	x.conn = conn;
	x.method = method;
	x.path = url;
	x.body = req->body.data;
	x.body_len = req->body.len;
	x.status = 200;
	x.stream_len = -1;
	srv->handler(srv->arg, &x);
	if (x.stream_len >= 0) {
		struct th_stream *s = xcalloc(1, sizeof *s);

		s->left = x.stream_len;
		resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 64 * 1024,
							 th_stream_read, s, th_stream_free);
	} else if (x.gzip) {
		size_t zlen;
		char *z = th_gzip(x.reply ? x.reply : "", x.reply_len, &zlen);

		resp = MHD_create_response_from_buffer(zlen, z, MHD_RESPMEM_MUST_FREE);
		MHD_add_response_header(resp, "Content-Encoding", "gzip");
	} else {
		resp = MHD_create_response_from_buffer(x.reply_len, x.reply ? x.reply : (char *)"",
						       x.reply ? MHD_RESPMEM_MUST_FREE
							       : MHD_RESPMEM_PERSISTENT);
		x.reply = NULL;
	}
	for (i = 0; i < x.nheaders; i++) {
		MHD_add_response_header(resp, x.headers[i][0], x.headers[i][1]);
		free(x.headers[i][0]);
		free(x.headers[i][1]);
	}
	free(x.reply);
	ret = MHD_queue_response(conn, x.status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static inline void
th_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
	     enum MHD_RequestTerminationCode toe)
{
	struct th_request *req = *con_cls;

	(void)cls;
	(void)conn;
	(void)toe;
	if (req != NULL) {
		buf_release(&req->body);
		free(req);
		*con_cls = NULL;
	}
}

static inline void
th_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
	      enum MHD_ConnectionNotificationCode toe)
{
	struct th_server *srv = cls;

	(void)conn;
	(void)socket_context;
	if (toe == MHD_CONNECTION_NOTIFY_STARTED)
		__atomic_add_fetch(&srv->connections, 1, __ATOMIC_SEQ_CST);
}

/* Starts a server on 127.0.0.1 and a free port; returns NULL on failure. */
static inline struct th_server *
th_start(th_handler handler, void *arg)
{
	struct th_server *srv = xcalloc(1, sizeof *srv);
	struct sockaddr_in sin;
	const union MHD_DaemonInfo *info;

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = 0;
	srv->handler = handler;
	srv->arg = arg;
	srv->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, 0, NULL,
				  NULL, th_access, srv, MHD_OPTION_SOCK_ADDR, &sin,
				  MHD_OPTION_NOTIFY_COMPLETED, th_completed, srv,
				  MHD_OPTION_NOTIFY_CONNECTION, th_connection, srv,
				  MHD_OPTION_END);
	if (srv->d == NULL) {
		free(srv);
		return NULL;
	}
	info = MHD_get_daemon_info(srv->d, MHD_DAEMON_INFO_BIND_PORT);
	srv->port = info ? info->port : 0;
	srv->url = xasprintf("http://127.0.0.1:%u", (unsigned)srv->port);
	return srv;
}

static inline int
th_connections(struct th_server *srv)
{
	return __atomic_load_n(&srv->connections, __ATOMIC_SEQ_CST);
}

static inline void
th_stop(struct th_server *srv)
{
	if (srv == NULL)
		return;
	MHD_stop_daemon(srv->d);
	free(srv->url);
	free(srv);
}

#endif
