/*
 * control: the control socket's protocol and client (see control.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "control.h"
#include "date.h"
#include "i18n.h"
#include "mem.h"
#include "paths.h"
#include "wire.h"

char *
control_request_line(const char *name)
{
	json_object *o = json_object_new_object();
	char *line;

	json_object_object_add(o, "request", json_object_new_string(name));
	line = xasprintf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	return line;
}

char *
control_request_parse(const char *line, size_t len, char **cause)
{
	json_object *o, *v = NULL;
	char *name = NULL, *why = NULL;

	if ((o = wire_parse(line, len, &why)) == NULL) {
		*cause = xasprintf(_("the request is not JSON: %s"), why);
		free(why);
		return NULL;
	}
	if (!json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, "request", &v) ||
	    !json_object_is_type(v, json_type_string) || !wire_id_valid(json_object_get_string(v)))
		*cause = xstrdup(_("the request must be a JSON object with a \"request\" name"));
	else
		name = xstrdup(json_object_get_string(v));
	json_object_put(o);
	return name;
}

/* Milliseconds left until deadline (CLOCK_MONOTONIC ms), at least 0. */
static int
control_left(long long deadline)
{
	long long now = date_mono_ms();

	if (deadline <= now)
		return 0;
	return deadline - now > 1000000000LL ? 1000000000 : (int)(deadline - now);
}

/* Waits until fd is ready for events or the deadline passes.  Returns 0
 * when ready, -1 with errno ETIMEDOUT or poll's error otherwise. */
static int
control_wait(int fd, short events, long long deadline)
{
	struct pollfd p = { .fd = fd, .events = events };
	int n;

	for (;;) {
		n = poll(&p, 1, control_left(deadline));
		if (n > 0)
			return 0;
		if (n == 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		if (errno != EINTR)
			return -1;
	}
}

enum control_call
control_call(const char *request, long timeout, json_object **answer, char **cause)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct buf b;
	char *path = paths_socket_file(), *line = NULL, *why = NULL, chunk[4096];
	enum control_call rv = CONTROL_FAILED;
	long long deadline;
	size_t off = 0, len;
	struct ucred peer;
	socklen_t peerlen = sizeof peer;
	ssize_t n;
	int fd = -1;

	*answer = NULL;
	buf_init(&b, CONTROL_ANSWER_MAX);
	deadline = date_mono_ms() + timeout * 1000;
	if (path == NULL || strlen(path) >= sizeof sa.sun_path) {
		rv = CONTROL_NO_DAEMON;
		goto out;
	}
	memcpy(sa.sun_path, path, strlen(path));
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		*cause = xasprintf(_("cannot reach mynad: %s"), strerror(errno));
		goto out;
	}
	/* A local connect does not wait for the daemon: it is queued at once
	 * (or refused); the waiting is for the answer. */
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0 ||
	    fcntl(fd, F_SETFL, O_NONBLOCK) < 0) {
		/* No socket, or one left behind by a daemon that is gone. */
		if (errno == ENOENT || errno == ECONNREFUSED || errno == ENOTDIR) {
			rv = CONTROL_NO_DAEMON;
		} else {
			*cause = xasprintf(_("cannot reach mynad through %s: %s"), path,
					   strerror(errno));
		}
		goto out;
	}
	/* Only our own daemon is asked: a socket someone else listens on (in
	 * a folder they could make first) would answer with made-up news. */
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &peerlen) < 0 ||
	    peer.uid != geteuid()) {
		*cause = xasprintf(_("cannot use %s: it belongs to another user"), path);
		goto out;
	}
	line = control_request_line(request);
	len = strlen(line);
	while (off < len) {
		n = send(fd, line + off, len - off, MSG_NOSIGNAL);
		if (n > 0) {
			off += (size_t)n;
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EINTR) &&
		    control_wait(fd, POLLOUT, deadline) == 0)
			continue;
		goto io_failed;
	}
	for (;;) {
		n = recv(fd, chunk, sizeof chunk, 0);
		if (n > 0) {
			if (buf_add(&b, chunk, (size_t)n) < 0) {
				*cause = xstrdup(_("mynad's answer is too long"));
				goto out;
			}
			if (memchr(chunk, '\n', (size_t)n) != NULL)
				break;
			continue;
		}
		if (n == 0)
			break;
		if ((errno == EAGAIN || errno == EINTR) && control_wait(fd, POLLIN, deadline) == 0)
			continue;
		goto io_failed;
	}
	if (b.len == 0) {
		*cause = xstrdup(_("mynad closed the connection without answering"));
		goto out;
	}
	len = strcspn(b.data, "\n");
	if ((*answer = wire_parse(b.data, len, &why)) == NULL ||
	    !json_object_is_type(*answer, json_type_object)) {
		*cause = xasprintf(_("mynad's answer is not a JSON object: %s"),
				   why ? why : _("another type"));
		json_object_put(*answer);
		*answer = NULL;
		goto out;
	}
	rv = CONTROL_ANSWERED;
	goto out;
io_failed:
	if (errno == ETIMEDOUT)
		*cause = xasprintf(ngettext("mynad did not answer within %ld second",
					    "mynad did not answer within %ld seconds", timeout),
				   timeout);
	else
		*cause = xasprintf(_("cannot talk to mynad: %s"), strerror(errno));
out:
	free(why);
	free(line);
	free(path);
	buf_release(&b);
	if (fd >= 0)
		close(fd);
	return rv;
}
