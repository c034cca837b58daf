/*
 * control: the protocol of mynad's control socket
 * ($XDG_RUNTIME_DIR/myna/mynad.sock, mode 0600 in a 0700 folder), and its
 * client, used by `myna sync` and `myna status`.
 *
 * One request per connection: the client writes one line holding a JSON
 * object, {"request": "sync"} or {"request": "status"}, and reads one line
 * holding the JSON answer, then both close.  Every answer has "ok" (true or
 * false); a failed one has "error" (a sentence for people).
 *
 *   sync    flushes the outbox and syncs at once (waking the daemon from
 *           its sleep or its long-poll), and answers when that is over:
 *           "changes", "new_notices", "new_deadlines", "not_modified",
 *           "outbox" (items still waiting), "outbox_error" (why they wait,
 *           when sending failed), "signed_in", or ok false with "error".
 *   status  answers at once: "pid", "signed_in" (false once the server
 *           refused the sign-in for good), "sign_in_problem" (or null),
 *           "last_sync" and "next_sync" (RFC 3339 or null), "long_poll"
 *           (true while a long-poll waits at the server), "next_reminder"
 *           (RFC 3339 or null), "outbox" (items waiting), "failures" (failed
 *           syncs in a row), "last_error" (or null), "retry_at" (or null).
 *
 * Every request also makes the daemon read its schedule from the store
 * again (`myna snooze` relies on it to have the end of a snooze planned).
 */
#ifndef MYNA_CONTROL_H
#define MYNA_CONTROL_H

#include <json-c/json.h>

#define CONTROL_LINE_MAX   1024		/* bytes of a request line */
#define CONTROL_ANSWER_MAX (64 * 1024)	/* bytes of an answer line */
#define CONTROL_SYNC_TIMEOUT   300	/* seconds `myna sync` waits */
#define CONTROL_STATUS_TIMEOUT 5

enum control_call {
	CONTROL_ANSWERED,	/* *answer holds the daemon's answer */
	CONTROL_NO_DAEMON,	/* no daemon listens: do the work in-process */
	CONTROL_FAILED		/* a daemon is there but did not answer; *cause */
};

/* Sends request ("sync", "status") to the daemon and waits at most timeout
 * seconds for the answer.  On CONTROL_ANSWERED, *answer is a new JSON
 * object that the caller owns (json_object_put); on CONTROL_FAILED, *cause
 * is newly allocated. */
enum control_call control_call(const char *request, long timeout, json_object **answer,
			       char **cause);

/* Builds the request line for name (newly allocated, ending in "\n"). */
char *control_request_line(const char *name);
/* Reads the request name out of one line (without its newline).  Returns a
 * newly allocated name, or NULL with *cause when the line is not a
 * request. */
char *control_request_parse(const char *line, size_t len, char **cause);

#endif
