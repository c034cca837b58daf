/*
 * waitlist: the long polls (GET /v1/sync?wait=N) waiting for a change.
 * A waiting request is a suspended libmicrohttpd connection, not a thread:
 * the waitlist keeps the connection, whose feed it waits for, and until
 * when.  A commit that changes someone's feed (storage_listen) resumes the
 * connections of that audience at once; one thread of the waitlist's own
 * resumes those whose time is up.  A resumed request runs its handler
 * again and answers.
 *
 * Changes are numbered (the generation).  A handler reads the generation
 * before it reads the feed and hands it to waitlist_add, which resumes the
 * connection at once when a change for that audience came in between, so
 * that no change falls between reading and waiting.
 */
#ifndef MYNA_WAITLIST_H
#define MYNA_WAITLIST_H

struct waitlist;
struct MHD_Connection;

/* The number of recent changes remembered for the check above; a waiter
 * older than that many changes is resumed at once to look again. */
#define WAITLIST_RECENT 256

/* Starts the waitlist and its timer thread.  Returns NULL on failure. */
struct waitlist *waitlist_new(void);
/* Resumes every waiting connection, refuses new ones, stops the thread. */
void waitlist_close(struct waitlist *w);
/* Frees it (after waitlist_close and once the server is stopped).  NULL is
 * a no-op. */
void waitlist_free(struct waitlist *w);

unsigned long waitlist_generation(struct waitlist *w);
/* Returns 1 once waitlist_close has begun. */
int waitlist_closing(struct waitlist *w);

/* Records a change of the feed of user or municipality (both NULL:
 * everyone's) and resumes the connections waiting for it. */
void waitlist_wake(struct waitlist *w, const char *user, const char *municipality);

/* Adds conn, already suspended, as waiting for the feed of user (who lives
 * in municipality) until deadline_ms (CLOCK_MONOTONIC milliseconds).
 * Resumes it at once when a change for it came after generation gen, or
 * when closing. */
void waitlist_add(struct waitlist *w, struct MHD_Connection *conn, const char *user,
                  const char *municipality, unsigned long gen, long long deadline_ms);

/* The number of connections waiting now (for /metrics). */
long waitlist_count(struct waitlist *w);

/* CLOCK_MONOTONIC in milliseconds. */
long long waitlist_now_ms(void);

#endif
