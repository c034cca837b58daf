/*
 * listener: mynad's end of the control socket (see listener.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "control.h"
#include "date.h"
#include "i18n.h"
#include "listener.h"
#include "log.h"
#include "mem.h"
#include "paths.h"

enum listener_state { CLIENT_READING, CLIENT_WAITING, CLIENT_WRITING };

struct listener_client {
	int		    fd;
	enum listener_state state;
	struct buf	    in;
	char		   *request;	/* while waiting */
	char		   *out;	/* while writing */
	size_t		    out_len, out_off;
	long long	    deadline;	/* monotonic ms; 0 while waiting */
};

struct listener {
	int		       fd;
	char		      *path;
	struct listener_client clients[LISTENER_CLIENTS];
	size_t		       nclients;
};

int
listener_open(struct listener **out, char **cause)
{
	struct listener *l = xcalloc(1, sizeof *l);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char *dir = NULL, *slash;
	mode_t old;
	int rc;

	*out = NULL;
	l->fd = -1;
	l->path = paths_socket_file();
	if (l->path == NULL || paths_make_parent(l->path, cause) < 0) {
		if (l->path == NULL)
			*cause = xstrdup(_("cannot find the runtime directory: set XDG_RUNTIME_DIR"));
		goto fail;
	}
	if (strlen(l->path) >= sizeof sa.sun_path) {
		*cause = xasprintf(_("the control socket path %s is too long"), l->path);
		goto fail;
	}
	/* The folder is ours (paths_make_parent checked): make it private
	 * even when someone created it with a looser mode. */
	dir = xstrdup(l->path);
	if ((slash = strrchr(dir, '/')) != NULL && slash != dir) {
		*slash = '\0';
		if (chmod(dir, 0700) < 0)
			log_debug("cannot chmod %s: %s", dir, strerror(errno));
	}
	memcpy(sa.sun_path, l->path, strlen(l->path));
	l->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (l->fd < 0) {
		*cause = xasprintf(_("cannot create the control socket: %s"), strerror(errno));
		goto fail;
	}
	/* We hold the single-instance lock: a socket there is a leftover. */
	if (unlink(l->path) < 0 && errno != ENOENT) {
		*cause = xasprintf(_("cannot remove the old control socket %s: %s"), l->path,
				   strerror(errno));
		goto fail;
	}
	old = umask(0177);
	rc = bind(l->fd, (struct sockaddr *)&sa, sizeof sa);
	umask(old);
	if (rc < 0 || chmod(l->path, 0600) < 0 || listen(l->fd, LISTENER_CLIENTS) < 0) {
		*cause = xasprintf(_("cannot listen on the control socket %s: %s"), l->path,
				   strerror(errno));
		goto fail;
	}
	free(dir);
	*out = l;
	return 0;
fail:
	free(dir);
	if (l->fd >= 0)
		close(l->fd);
	free(l->path);
	free(l);
	return -1;
}

/* Closes client i; the last one takes its place. */
static void
listener_drop(struct listener *l, size_t i)
{
	struct listener_client *c = &l->clients[i];

	close(c->fd);
	buf_release(&c->in);
	free(c->request);
	free(c->out);
	l->clients[i] = l->clients[--l->nclients];
	memset(&l->clients[l->nclients], 0, sizeof l->clients[0]);
}

void
listener_free(struct listener *l)
{
	if (l == NULL)
		return;
	while (l->nclients > 0)
		listener_drop(l, l->nclients - 1);
	close(l->fd);
	unlink(l->path);
	free(l->path);
	free(l);
}

size_t
listener_fds(const struct listener *l, struct pollfd *fds, size_t max, int *timeout_ms)
{
	long long now = date_mono_ms(), left;
	size_t i, n = 0;

	if (max == 0)
		return 0;
	fds[n++] = (struct pollfd){ .fd = l->fd, .events = POLLIN };
	for (i = 0; i < l->nclients && n < max; i++) {
		const struct listener_client *c = &l->clients[i];

		/* A waiting client is watched for hanging up. */
		fds[n++] = (struct pollfd){ .fd = c->fd,
					    .events = c->state == CLIENT_WRITING ? POLLOUT : POLLIN };
		if (c->deadline != 0) {
			left = c->deadline - now;
			if (left < 0)
				left = 0;
			if (*timeout_ms < 0 || left < *timeout_ms)
				*timeout_ms = (int)left;
		}
	}
	return n;
}

/* Sets client c to write answer (one line). */
static void
listener_reply(struct listener_client *c, json_object *answer)
{
	free(c->request);
	c->request = NULL;
	free(c->out);
	c->out = xasprintf("%s\n", json_object_to_json_string_ext(answer, JSON_C_TO_STRING_PLAIN |
								   JSON_C_TO_STRING_NOSLASHESCAPE));
	c->out_len = strlen(c->out);
	c->out_off = 0;
	c->state = CLIENT_WRITING;
	c->deadline = date_mono_ms() + LISTENER_TIMEOUT * 1000;
}

/* An answer saying what was wrong with a request. */
static json_object *
listener_refusal(const char *error)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "ok", json_object_new_boolean(0));
	json_object_object_add(o, "error", json_object_new_string(error));
	return o;
}

/* Reads from client c; hands a complete request to fn.  Returns -1 when
 * the client is to be dropped. */
static int
listener_read(struct listener_client *c, listener_fn fn, void *ctx)
{
	char chunk[512], *nl, *why = NULL;
	json_object *answer = NULL;
	ssize_t got;

	got = recv(c->fd, chunk, sizeof chunk, 0);
	if (got == 0)
		return -1;
	if (got < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	/* Anything sent after the request is ignored. */
	if (c->state != CLIENT_READING)
		return 0;
	if (buf_add(&c->in, chunk, (size_t)got) < 0) {
		log_warn(_("control socket: a request longer than %d bytes was refused"),
			 CONTROL_LINE_MAX);
		return -1;
	}
	if ((nl = memchr(c->in.data, '\n', c->in.len)) == NULL)
		return 0;
	c->request = control_request_parse(c->in.data, (size_t)(nl - c->in.data), &why);
	if (c->request == NULL) {
		log_warn(_("control socket: %s"), why);
		answer = listener_refusal(why);
		free(why);
		listener_reply(c, answer);
		json_object_put(answer);
		return 0;
	}
	log_debug("control socket: request %s", c->request);
	if (fn(ctx, c->request, &answer) == LISTENER_LATER) {
		c->state = CLIENT_WAITING;
		c->deadline = 0;
		return 0;
	}
	if (answer == NULL)
		answer = listener_refusal(_("no answer"));
	listener_reply(c, answer);
	json_object_put(answer);
	return 0;
}

/* Writes what is left of the answer; returns -1 when the client is done
 * (or gone) and is to be dropped. */
static int
listener_write(struct listener_client *c)
{
	ssize_t n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off, MSG_NOSIGNAL);

	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	c->out_off += (size_t)n;
	return c->out_off == c->out_len ? -1 : 0;
}

/* Takes a new connection, if any. */
static void
listener_accept(struct listener *l)
{
	struct listener_client *c;
	struct ucred cred;
	socklen_t len = sizeof cred;
	int fd;

	fd = accept4(l->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 || cred.uid != geteuid()) {
		log_warn(_("control socket: refused a connection from another user"));
		close(fd);
		return;
	}
	if (l->nclients == LISTENER_CLIENTS) {
		log_warn(_("control socket: too many connections at once; one was closed"));
		close(fd);
		return;
	}
	c = &l->clients[l->nclients++];
	memset(c, 0, sizeof *c);
	c->fd = fd;
	c->state = CLIENT_READING;
	buf_init(&c->in, CONTROL_LINE_MAX);
	c->deadline = date_mono_ms() + LISTENER_TIMEOUT * 1000;
}

void
listener_step(struct listener *l, const struct pollfd *fds, size_t n, listener_fn fn, void *ctx)
{
	long long now = date_mono_ms();
	size_t i, k;
	int accept_ready = 0;

	for (k = 0; k < n; k++) {
		if (fds[k].revents == 0)
			continue;
		if (fds[k].fd == l->fd) {
			accept_ready = 1;
			continue;
		}
		for (i = 0; i < l->nclients && l->clients[i].fd != fds[k].fd; i++)
			;
		if (i == l->nclients)
			continue;
		if (l->clients[i].state == CLIENT_WRITING ? listener_write(&l->clients[i]) < 0
							  : listener_read(&l->clients[i], fn, ctx) < 0)
			listener_drop(l, i);
	}
	for (i = l->nclients; i-- > 0;) {
		if (l->clients[i].deadline != 0 && l->clients[i].deadline <= now)
			listener_drop(l, i);
	}
	if (accept_ready)
		listener_accept(l);
}

size_t
listener_answer(struct listener *l, const char *request, json_object *answer)
{
	size_t i, n = 0;

	for (i = l->nclients; i-- > 0;) {
		struct listener_client *c = &l->clients[i];

		if (c->state != CLIENT_WAITING || strcmp(c->request, request) != 0)
			continue;
		listener_reply(c, answer);
		/* Most answers fit the socket's buffer: send at once. */
		if (listener_write(c) < 0)
			listener_drop(l, i);
		n++;
	}
	return n;
}

size_t
listener_waiting(const struct listener *l, const char *request)
{
	size_t i, n = 0;

	for (i = 0; i < l->nclients; i++) {
		if (l->clients[i].state == CLIENT_WAITING &&
		    strcmp(l->clients[i].request, request) == 0)
			n++;
	}
	return n;
}
