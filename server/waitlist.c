#include "waitlist.h"

#include <microhttpd.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "date.h"
#include "log.h"
#include "mem.h"
#include "municipality.h"
#include "user.h"

/* Waiters whose time is up within this many milliseconds are answered
 * together, a little early, rather than each by a wake-up of its own. */
#define WAITLIST_SLACK_MS 50

/* A plain list: every change scans it, which is fine for the few thousand
 * connections one server holds; an index by user would come first if it
 * had to hold many more. */
struct waiter {
	struct waiter *next;
	struct MHD_Connection *conn;
	char user[USER_ID_MAX + 1];
	char municipality[MUNICIPALITY_LEN + 1];
	long long deadline_ms;
};

/* A change, remembered for waiters that register just after it. */
struct waitlist_change {
	unsigned long gen;
	int everyone;
	char user[USER_ID_MAX + 1];
	char municipality[MUNICIPALITY_LEN + 1];
};

struct waitlist {
	pthread_mutex_t mutex;
	pthread_cond_t cond;
	pthread_t thread;
	int started;
	int closing;
	unsigned long gen;
	struct waitlist_change recent[WAITLIST_RECENT];
	struct waiter *head;
	long count;
};

long long
waitlist_now_ms(void)
{
	return date_mono_ms();
}

/* Unlinks *pp and resumes its connection; under the mutex. */
static void
waitlist_resume(struct waitlist *w, struct waiter **pp)
{
	struct waiter *x = *pp;

	*pp = x->next;
	w->count--;
	MHD_resume_connection(x->conn);
	free(x);
}

/* The timer: resumes waiters whose deadline has come. */
static void *
waitlist_run(void *arg)
{
	struct waitlist *w = arg;

	pthread_mutex_lock(&w->mutex);
	while (!w->closing) {
		long long now = waitlist_now_ms(), next = -1;
		struct waiter **pp = &w->head;

		/* Deadlines close together are served by one pass. */
		while (*pp != NULL) {
			if ((*pp)->deadline_ms <= now + WAITLIST_SLACK_MS) {
				waitlist_resume(w, pp);
				continue;
			}
			if (next < 0 || (*pp)->deadline_ms < next)
				next = (*pp)->deadline_ms;
			pp = &(*pp)->next;
		}
		if (next < 0) {
			pthread_cond_wait(&w->cond, &w->mutex);
		} else {
			/* The condition variable runs on CLOCK_MONOTONIC (see
			 * waitlist_new), like the deadlines. */
			struct timespec ts;

			ts.tv_sec = (time_t)(next / 1000);
			ts.tv_nsec = (long)(next % 1000) * 1000000;
			pthread_cond_timedwait(&w->cond, &w->mutex, &ts);
		}
	}
	pthread_mutex_unlock(&w->mutex);
	return NULL;
}

struct waitlist *
waitlist_new(void)
{
	struct waitlist *w = xcalloc(1, sizeof *w);
	pthread_condattr_t attr;

	pthread_mutex_init(&w->mutex, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&w->cond, &attr);
	pthread_condattr_destroy(&attr);
	if (pthread_create(&w->thread, NULL, waitlist_run, w) != 0) {
		log_error("waitlist: cannot start the timer thread");
		waitlist_free(w);
		return NULL;
	}
	w->started = 1;
	return w;
}

void
waitlist_close(struct waitlist *w)
{
	if (w == NULL)
		return;
	pthread_mutex_lock(&w->mutex);
	w->closing = 1;
	while (w->head != NULL)
		waitlist_resume(w, &w->head);
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->mutex);
	if (w->started) {
		pthread_join(w->thread, NULL);
		w->started = 0;
	}
}

void
waitlist_free(struct waitlist *w)
{
	if (w == NULL)
		return;
	waitlist_close(w);
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->mutex);
	free(w);
}

unsigned long
waitlist_generation(struct waitlist *w)
{
	unsigned long g;

	pthread_mutex_lock(&w->mutex);
	g = w->gen;
	pthread_mutex_unlock(&w->mutex);
	return g;
}

int
waitlist_closing(struct waitlist *w)
{
	int c;

	pthread_mutex_lock(&w->mutex);
	c = w->closing;
	pthread_mutex_unlock(&w->mutex);
	return c;
}

/* Returns 1 when a change for (everyone, user, municipality) concerns x. */
static int
waitlist_matches(int everyone, const char *user, const char *municipality, const char *xuser,
                 const char *xmunicipality)
{
	if (everyone)
		return 1;
	if (*user != '\0')
		return strcmp(user, xuser) == 0;
	return *municipality != '\0' && strcmp(municipality, xmunicipality) == 0;
}

void
waitlist_wake(struct waitlist *w, const char *user, const char *municipality)
{
	struct waitlist_change *c;
	struct waiter **pp;

	pthread_mutex_lock(&w->mutex);
	w->gen++;
	c = &w->recent[w->gen % WAITLIST_RECENT];
	memset(c, 0, sizeof *c);
	c->gen = w->gen;
	c->everyone = user == NULL && municipality == NULL;
	if (user != NULL && strlen(user) <= USER_ID_MAX)
		memcpy(c->user, user, strlen(user));
	if (municipality != NULL && strlen(municipality) <= MUNICIPALITY_LEN)
		memcpy(c->municipality, municipality, strlen(municipality));
	if (!c->everyone && c->user[0] == '\0' && c->municipality[0] == '\0')
		c->everyone = 1; /* a name too long to keep: wake everyone */
	pp = &w->head;
	while (*pp != NULL) {
		if (waitlist_matches(c->everyone, c->user, c->municipality, (*pp)->user,
		                     (*pp)->municipality))
			waitlist_resume(w, pp);
		else
			pp = &(*pp)->next;
	}
	pthread_mutex_unlock(&w->mutex);
}

void
waitlist_add(struct waitlist *w, struct MHD_Connection *conn, const char *user,
             const char *municipality, unsigned long gen, long long deadline_ms)
{
	struct waiter *x = xcalloc(1, sizeof *x);
	int now = 0;
	unsigned long g;

	x->conn = conn;
	x->deadline_ms = deadline_ms;
	if (strlen(user) <= USER_ID_MAX)
		memcpy(x->user, user, strlen(user));
	if (municipality != NULL && strlen(municipality) <= MUNICIPALITY_LEN)
		memcpy(x->municipality, municipality, strlen(municipality));
	pthread_mutex_lock(&w->mutex);
	if (w->closing || w->gen - gen >= WAITLIST_RECENT)
		now = 1;
	for (g = gen + 1; !now && g <= w->gen; g++) {
		const struct waitlist_change *c = &w->recent[g % WAITLIST_RECENT];

		if (waitlist_matches(c->everyone, c->user, c->municipality, x->user,
		                     x->municipality))
			now = 1;
	}
	if (now) {
		MHD_resume_connection(conn);
		free(x);
	} else {
		x->next = w->head;
		w->head = x;
		w->count++;
		pthread_cond_signal(&w->cond);
	}
	pthread_mutex_unlock(&w->mutex);
}

long
waitlist_count(struct waitlist *w)
{
	long n;

	pthread_mutex_lock(&w->mutex);
	n = w->count;
	pthread_mutex_unlock(&w->mutex);
	return n;
}
