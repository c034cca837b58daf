/*
 * fault: error reports, sent only when the resident opted in
 * (error_reports = on; off by default), so that operators can tell faults
 * of the program from faults of a resident's machine or network.
 *
 * A report says which program had the fault, its version, the kind
 * ("error" or "crash"), a short code and how many times it happened.  It
 * holds nothing else: no item ids, no text of notices or answers, no user
 * id, no token, no time of day, no address.  Codes are fixed words made
 * here, never text from the server or the resident:
 *
 *   sync.decode.page         a feed page that cannot be decoded
 *   sync.decode.TYPE         a change of a known TYPE that cannot be decoded
 *   sync.status.NNN          an answer with a status the client does not
 *                            expect (not 200 or 304; not 401, 429 or 503,
 *                            which are the sign-in or a busy server; a
 *                            410 only when it comes again after a resync)
 *   sync.loop                a feed that kept sending pages without moving on
 *   store.NAME, store.open.NAME   the local store failed (NAME is SQLite's
 *                            primary result code: busy, corrupt, full,
 *                            ioerr, readonly, cantopen, ...; "other")
 *   sigsegv, sigbus, sigfpe, sigill, sigabrt   (kind crash) the program
 *                            ended on that signal
 *
 * Any program queues; mynad (and `myna sync` when no daemon runs) sends,
 * after each sync attempt that reached the server, to that same server's
 * POST /v1/client-reports (docs/api.md), without the sign-in token.  The
 * queue is a directory of small files, $XDG_STATE_HOME/myna/reports/
 * (~/.local/state), one per program, kind and code, so the same fault
 * twice is one report with a count.  At most FAULT_QUEUE_MAX reports
 * wait; a report the server does not answer is tried at most
 * FAULT_ATTEMPTS_MAX times; one it refuses is dropped.  Turning the
 * setting off empties the queue, and nothing is queued or sent while it
 * is off.
 *
 * A crash is noted by a signal handler (SIGSEGV, SIGBUS, SIGFPE, SIGILL,
 * SIGABRT) that only appends a byte to a marker file whose name was made
 * beforehand (open, write and close are async-signal-safe), then lets the
 * signal do what it did before.  The markers become reports at the next
 * start of either program, or at the next send.
 */
#ifndef MYNA_FAULT_H
#define MYNA_FAULT_H

#include "config.h"
#include "session.h"
#include "sync.h"

#define FAULT_QUEUE_MAX	   16	/* reports waiting at most */
#define FAULT_ATTEMPTS_MAX 5	/* tries without an answer, then it is dropped */
#define FAULT_FILE_MAX	   1024	/* bytes of one queued report */
#define FAULT_COUNT_MAX	   1000000

/* What a round of sending did. */
struct fault_stats {
	size_t sent;	/* accepted by the server */
	size_t dropped;	/* refused, or tried too often */
	size_t waiting;	/* still queued */
};

/* Names this program ("myna" or "mynad") and its version, reads the
 * setting from c (NULL: from the config file), and when it is on arms the
 * crash handler, turns crash markers left by earlier runs into reports,
 * and has store errors queued. */
void fault_init(const char *program, const char *version, const struct config *c);
/* The setting changed while the program runs: on arms the handler; off
 * disarms it and empties the queue. */
void fault_set_enabled(int on);
int fault_enabled(void);

/* Queues a report of kind ("error" or "crash") and code (1 to 64 of
 * a-z 0-9 _ . -) for this program, or counts one more of the same.  Does
 * nothing while the setting is off. */
void fault_note(const char *kind, const char *code);

/* The code for a failed sync (rc < 0) in res, or NULL when the failure is
 * not the client's or the server's fault (no answer, the sign-in refused,
 * the server busy). */
const char *fault_sync_code(const struct sync_result *res, char *buf, size_t size);

/* After a sync attempt with the session se (NULL: none could be opened):
 * queues the fault of a failed one (rc < 0), then, when the attempt
 * reached the server, sends what waits.  The setting is read again from
 * the config file first. */
void fault_sync(struct session *se, int rc, const struct sync_result *res);

/* Sends the queued reports to se's server (turning crash markers into
 * reports first).  Returns 0, or -1 when the server could not be
 * reached (what is left waits for the next round).  st may be NULL. */
int fault_send(struct session *se, struct fault_stats *st);

/* The queue's directory (newly allocated), or NULL without HOME. */
char *fault_dir(void);

#endif
