/*
 * listener: mynad's end of the control socket (the protocol is in
 * shared/control.h).  The socket is $XDG_RUNTIME_DIR/myna/mynad.sock, mode
 * 0600 in a folder of mode 0700, and only connections from the same user
 * are served.  Everything is non-blocking and driven by the daemon's one
 * poll(): the listener says which descriptors to watch and hands each
 * complete request to a function of the daemon, which answers at once or
 * later (a sync request is answered when the sync is over).
 *
 * Limits: LISTENER_CLIENTS connections at once (more are closed at once),
 * CONTROL_LINE_MAX bytes per request, and LISTENER_TIMEOUT seconds to send
 * a request or take an answer.
 */
#ifndef MYNA_LISTENER_H
#define MYNA_LISTENER_H

#include <poll.h>
#include <stddef.h>

#include <json-c/json.h>

#define LISTENER_CLIENTS 16
#define LISTENER_TIMEOUT 5	/* seconds */
#define LISTENER_FDS	 (LISTENER_CLIENTS + 1)

struct listener;

enum listener_verdict {
	LISTENER_NOW,	/* *answer is set: send it */
	LISTENER_LATER	/* the client waits for listener_answer */
};

/* Handles one request (its name); may set *answer (taken over). */
typedef enum listener_verdict (*listener_fn)(void *ctx, const char *request,
					    json_object **answer);

/* Creates the socket (replacing one left behind: the caller holds the
 * single-instance lock) and listens.  Returns 0, or -1 with *cause. */
int listener_open(struct listener **out, char **cause);
/* Closes every connection and removes the socket; NULL is a no-op. */
void listener_free(struct listener *l);

/* Writes the descriptors to poll into fds (at most max) and lowers
 * *timeout_ms (-1: none) to the next connection deadline.  Returns the
 * number written. */
size_t listener_fds(const struct listener *l, struct pollfd *fds, size_t max, int *timeout_ms);
/* Serves what poll() found on fds (as written by listener_fds), and drops
 * connections past their deadline. */
void listener_step(struct listener *l, const struct pollfd *fds, size_t n, listener_fn fn,
		   void *ctx);
/* Answers every connection waiting for request; answer stays the
 * caller's.  Returns how many were answered. */
size_t listener_answer(struct listener *l, const char *request, json_object *answer);
/* The number of connections waiting for request. */
size_t listener_waiting(const struct listener *l, const char *request);

#endif
