/*
 * deliver: mynad's side of the notification helper (see deliver.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "deliver.h"
#include "date.h"
#include "i18n.h"
#include "log.h"
#include "mem.h"
#include "paths.h"
#include "spawn.h"

#ifndef MYNA_LIBEXECDIR
#define MYNA_LIBEXECDIR "/usr/local/lib/myna"
#endif


/* One running helper and the batch it was given. */
struct deliver_helper {
	pid_t	  pid;
	int	  out;		/* its standard output; -1 after the end */
	char	 *buf;		/* an answer not yet complete */
	size_t	  len;
	int	  skipping;	/* the rest of a line too long to be an answer */
	char	**ids;		/* the deadlines of its batch, in order */
	size_t	  nids;
	size_t	  answered;	/* the first ones: delivered */
	int	  owed;		/* answers are still owed */
	int	  actions;	/* it waits for actions */
	long long answer_by;	/* monotonic ms, while answers are owed */
	long long answer_ms;	/* the time allowed for each answer */
	long long end_by;	/* monotonic ms, once none is */
	char	 *stopped;	/* why we killed it, or NULL */
	int	  told;		/* that reason was given with the batch's end */
	int	  reaped;
	int	  status;
};

struct deliver {
	struct deliver_helper *h[DELIVER_HELPERS_MAX];	/* oldest first */
	size_t		       n;
	long		       answer_seconds;
};

struct deliver *
deliver_new(void)
{
	struct deliver *dv = xcalloc(1, sizeof *dv);
	const char *env = getenv("MYNA_NOTIFY_TIMEOUT");
	char *end;
	long v;

	dv->answer_seconds = DELIVER_ANSWER_SECONDS;
	if (env != NULL && *env != '\0') {
		v = strtol(env, &end, 10);
		if (*end == '\0' && v > 0 && v <= 3600)
			dv->answer_seconds = v;
	}
	return dv;
}

char *
deliver_helper_path(void)
{
	/* The build tree: bin/mynad and bin/myna-notify side by side. */
	return paths_find("MYNA_NOTIFY_HELPER", DELIVER_HELPER, paths_exists,
			  MYNA_LIBEXECDIR "/" DELIVER_HELPER);
}

static void
deliver_helper_free(struct deliver_helper *h)
{
	size_t i;

	if (h == NULL)
		return;
	if (h->out >= 0)
		close(h->out);
	for (i = 0; i < h->nids; i++)
		free(h->ids[i]);
	free(h->ids);
	free(h->buf);
	free(h->stopped);
	free(h);
}

/* Kills h (it is ours and not reaped yet, so its pid is still its own). */
static void
deliver_kill(struct deliver_helper *h, char *why)
{
	if (h->stopped == NULL)
		h->stopped = why;
	else
		free(why);
	if (!h->reaped)
		kill(h->pid, SIGKILL);
}

/* Ends h at once (the daemon is stopping, or needs the room): it holds
 * nothing that could be lost, and SIGKILL also ends a stopped process. */
static void
deliver_terminate(struct deliver_helper *h)
{
	if (h->reaped)
		return;
	kill(h->pid, SIGKILL);
	while (waitpid(h->pid, &h->status, 0) < 0 && errno == EINTR)
		;
	h->reaped = 1;
}

void
deliver_free(struct deliver *dv)
{
	size_t i;

	if (dv == NULL)
		return;
	for (i = 0; i < dv->n; i++) {
		deliver_terminate(dv->h[i]);
		deliver_helper_free(dv->h[i]);
	}
	free(dv);
}

int
deliver_busy(const struct deliver *dv)
{
	size_t i;

	for (i = 0; i < dv->n; i++)
		if (dv->h[i]->owed)
			return 1;
	return 0;
}

size_t
deliver_running(const struct deliver *dv)
{
	return dv->n;
}

/* The batch as the helper reads it. */
static char *
deliver_input(const struct deliver_request *rq, long linger)
{
	static const char *const speech_keys[] = {
		"speech.rate", "speech.pitch", "speech.volume", "speech.voice",
	};
	json_object *o = json_object_new_object(), *a, *set, *r;
	const char *v;
	char *text;
	size_t i;
	int k;

	json_object_object_add(o, "language", rq->language != NULL
				       ? json_object_new_string(rq->language) : NULL);
	json_object_object_add(o, "lang", json_object_new_string(rq->lang));
	json_object_object_add(o, "notifications", json_object_new_boolean(rq->notifications));
	json_object_object_add(o, "speech", json_object_new_boolean(rq->speech));
	set = json_object_new_object();
	for (i = 0; i < sizeof speech_keys / sizeof speech_keys[0]; i++) {
		v = rq->config != NULL ? config_get(rq->config, speech_keys[i]) : NULL;
		if (v != NULL)
			json_object_object_add(set, speech_keys[i], json_object_new_string(v));
	}
	json_object_object_add(o, "settings", set);
	if (rq->actions) {
		a = json_object_new_object();
		for (k = 0; k < NOTIFY_ACTIONS; k++)
			json_object_object_add(a, notify_action_name((enum notify_action)k),
					       json_object_new_string(notify_action_label(
						       (enum notify_action)k)));
		json_object_object_add(o, "actions", a);
	} else {
		json_object_object_add(o, "actions", NULL);
	}
	json_object_object_add(o, "linger", json_object_new_int64(rq->actions ? linger : 0));
	a = json_object_new_array();
	for (i = 0; i < rq->n; i++) {
		const struct deliver_reminder *d = &rq->reminders[i];

		r = json_object_new_object();
		json_object_object_add(r, "id", json_object_new_string(d->id));
		json_object_object_add(r, "summary", json_object_new_string(d->summary));
		json_object_object_add(r, "body", json_object_new_string(d->body));
		json_object_object_add(r, "urgency", json_object_new_int(d->urgency));
		json_object_object_add(r, "speech", json_object_new_string(d->speech));
		json_object_array_add(a, r);
	}
	json_object_object_add(o, "reminders", a);
	text = xstrdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	return text;
}

/* A file in memory holding text, read from its start: the helper's
 * standard input.  Unlike a pipe, it never makes the daemon wait for the
 * helper to read.  Returns the descriptor, or -1. */
static int
deliver_memfile(const char *text)
{
	size_t len = strlen(text), done = 0;
	ssize_t w;
	int fd = memfd_create("myna-notify-input", MFD_CLOEXEC);

	if (fd < 0)
		return -1;
	while (done < len) {
		w = write(fd, text + done, len - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			close(fd);
			return -1;
		}
		done += (size_t)w;
	}
	if (lseek(fd, 0, SEEK_SET) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

int
deliver_start(struct deliver *dv, const struct deliver_request *rq, char **cause)
{
	struct deliver_helper *h = NULL;
	char *path = deliver_helper_path(), *input = NULL;
	char *argv[] = { (char *)DELIVER_HELPER, NULL };
	int in = -1, pipefd[2] = { -1, -1 }, rc;
	size_t i;

	/* Room for one more: the oldest goes (its notifications stay on the
	 * screen; their buttons no longer do anything). */
	if (dv->n == DELIVER_HELPERS_MAX) {
		log_debug("%s: too many at once; stopping process %ld", DELIVER_HELPER,
			  (long)dv->h[0]->pid);
		deliver_terminate(dv->h[0]);
		deliver_helper_free(dv->h[0]);
		memmove(&dv->h[0], &dv->h[1], --dv->n * sizeof dv->h[0]);
	}
	input = deliver_input(rq, DELIVER_LINGER_SECONDS);
	in = deliver_memfile(input);
	if (in < 0 || pipe2(pipefd, O_CLOEXEC) != 0) {
		*cause = xasprintf(_("cannot start the notification helper %s: %s"), path,
				   strerror(errno));
		goto fail;
	}
	/* Its descriptors are the batch, the answers and the log. */
	h = xcalloc(1, sizeof *h);
	h->out = -1;
	rc = spawn_clean(&h->pid, path, 0, argv, in, pipefd[1]);
	if (rc != 0) {
		*cause = xasprintf(_("cannot start the notification helper %s: %s"), path,
				   strerror(rc));
		goto fail;
	}
	close(pipefd[1]);
	pipefd[1] = -1;
	h->out = pipefd[0];
	pipefd[0] = -1;
	fcntl(h->out, F_SETFL, fcntl(h->out, F_GETFL) | O_NONBLOCK);
	h->ids = xcalloc(rq->n ? rq->n : 1, sizeof *h->ids);
	for (i = 0; i < rq->n; i++)
		h->ids[i] = xstrdup(rq->reminders[i].id);
	h->nids = rq->n;
	h->owed = rq->n > 0;
	h->actions = rq->actions;
	h->answer_ms = dv->answer_seconds * 1000LL;
	h->answer_by = date_mono_ms() + h->answer_ms;
	if (!h->owed)
		h->end_by = date_mono_ms() + (h->actions ? DELIVER_LINGER_SECONDS : 0) * 1000LL +
			    DELIVER_GRACE_SECONDS * 1000LL;
	dv->h[dv->n++] = h;
	log_debug("notification helper %s: process %ld, %zu reminders", path, (long)h->pid,
		  rq->n);
	close(in);
	free(input);
	free(path);
	return 0;
fail:
	if (in >= 0)
		close(in);
	if (pipefd[0] >= 0)
		close(pipefd[0]);
	if (pipefd[1] >= 0)
		close(pipefd[1]);
	free(h);
	free(input);
	free(path);
	return -1;
}

size_t
deliver_fds(struct deliver *dv, struct pollfd *fds, size_t max, int *timeout_ms)
{
	long long now = date_mono_ms(), by;
	size_t i, n = 0;
	long long left;

	for (i = 0; i < dv->n; i++) {
		struct deliver_helper *h = dv->h[i];

		if (h->out >= 0 && n < max)
			fds[n++] = (struct pollfd){ .fd = h->out, .events = POLLIN };
		if (h->stopped != NULL)
			continue;	/* killed: its exit comes at once */
		by = h->owed ? h->answer_by : h->end_by;
		if (by == 0)
			continue;
		left = by - now;
		left = left < 0 ? 0 : left > INT_MAX ? INT_MAX : left;
		if (*timeout_ms < 0 || left < *timeout_ms)
			*timeout_ms = (int)left;
	}
	return n;
}

/* The batch of h is over: no more answers are owed. */
static void
deliver_settle(struct deliver_helper *h, deliver_fn fn, void *ctx)
{
	struct deliver_event ev = { .kind = DELIVER_END };

	h->owed = 0;
	h->end_by = date_mono_ms() + (h->actions ? DELIVER_LINGER_SECONDS : 0) * 1000LL +
		    DELIVER_GRACE_SECONDS * 1000LL;
	fn(ctx, &ev);
}

/* The batch of h stops at its next reminder, for reason. */
static void
deliver_fail(struct deliver_helper *h, const char *reason, deliver_fn fn, void *ctx)
{
	struct deliver_event ev = {
		.kind = DELIVER_FAILED,
		.id = h->answered < h->nids ? h->ids[h->answered] : NULL,
		.reason = reason,
	};

	fn(ctx, &ev);
	deliver_settle(h, fn, ctx);
}

static const char *
deliver_string(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static int
deliver_bool(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_boolean) &&
	       json_object_get_boolean(v);
}

/* One answer of h. */
static void
deliver_answer(struct deliver_helper *h, const char *line, deliver_fn fn, void *ctx)
{
	json_object *o = json_tokener_parse(line);
	const char *event = NULL, *id, *why, *message, *name;
	struct deliver_event ev = { .kind = DELIVER_SHOWN };
	size_t i;

	if (o != NULL && json_object_is_type(o, json_type_object))
		event = deliver_string(o, "event");
	id = o != NULL ? deliver_string(o, "id") : NULL;
	if (event == NULL || id == NULL) {
		log_debug("%s: not an answer: %.80s", DELIVER_HELPER, line);
		goto out;
	}
	message = deliver_string(o, "message");
	if (strcmp(event, "delivered") == 0 || strcmp(event, "failed") == 0) {
		/* Answers come in the order of the batch. */
		if (!h->owed || h->answered >= h->nids || strcmp(id, h->ids[h->answered]) != 0) {
			log_debug("%s: an answer out of turn for %s", DELIVER_HELPER, id);
			goto out;
		}
		if (event[0] == 'd') {
			/* The time allowed is for each answer: a slow first
			 * one does not shorten the next one's. */
			h->answer_by = date_mono_ms() + h->answer_ms;
			ev.id = h->ids[h->answered++];
			ev.reason = !deliver_bool(o, "shown") ? message : NULL;
			fn(ctx, &ev);
			if (h->answered == h->nids)
				deliver_settle(h, fn, ctx);
			goto out;
		}
		why = deliver_string(o, "why");
		if (why != NULL && strcmp(why, "init") == 0)
			message = _("the notification library could not start");
		else if (why != NULL && strcmp(why, "speech") == 0)
			message = _("speech is not available");
		else if (message == NULL || *message == '\0')
			message = _("no notification server answered");
		deliver_fail(h, message, fn, ctx);
		goto out;
	}
	if (strcmp(event, "action") == 0) {
		/* Only for a notification of this helper that was shown, with
		 * buttons. */
		name = deliver_string(o, "action");
		if (!h->actions) {
			log_debug("%s: an action, but none was offered: %.80s", DELIVER_HELPER,
				  line);
			goto out;
		}
		for (i = 0; i < h->answered; i++)
			if (strcmp(h->ids[i], id) == 0)
				break;
		if (name == NULL || notify_action_parse(name, &ev.action) != 0 || i == h->answered) {
			log_debug("%s: an action that is not one: %.80s", DELIVER_HELPER, line);
			goto out;
		}
		ev.kind = DELIVER_ACTION;
		ev.id = h->ids[i];
		fn(ctx, &ev);
		goto out;
	}
	log_debug("%s: unknown answer %.40s", DELIVER_HELPER, event);
out:
	json_object_put(o);
}

/* Reaps h when it has exited. */
static void
deliver_waitpid(struct deliver_helper *h)
{
	pid_t r;

	if (h->reaped)
		return;
	do
		r = waitpid(h->pid, &h->status, WNOHANG);
	while (r < 0 && errno == EINTR);
	if (r == h->pid || (r < 0 && errno == ECHILD))
		h->reaped = 1;
}

/* Reads what h wrote; answers go to fn.  Its exit comes with SIGCHLD. */
static void
deliver_read(struct deliver_helper *h, deliver_fn fn, void *ctx)
{
	char chunk[4096], *nl, *line;
	ssize_t got;

	while (h->out >= 0) {
		got = read(h->out, chunk, sizeof chunk);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (got <= 0) {
			close(h->out);
			h->out = -1;
			return;
		}
		h->buf = xrealloc(h->buf, h->len + (size_t)got + 1);
		memcpy(h->buf + h->len, chunk, (size_t)got);
		h->len += (size_t)got;
		h->buf[h->len] = '\0';
		line = h->buf;
		while ((nl = memchr(line, '\n', h->len - (size_t)(line - h->buf))) != NULL) {
			*nl = '\0';
			if (!h->skipping)
				deliver_answer(h, line, fn, ctx);
			h->skipping = 0;
			line = nl + 1;
		}
		h->len -= (size_t)(line - h->buf);
		memmove(h->buf, line, h->len);
		if (h->len > DELIVER_LINE_MAX) {
			log_debug("%s: an answer longer than %d bytes, skipped", DELIVER_HELPER,
				  DELIVER_LINE_MAX);
			h->skipping = 1;
			h->len = 0;
		}
	}
}

/* Why h ended, in words; NULL for an ordinary end.  Newly allocated. */
static char *
deliver_end_reason(const struct deliver_helper *h)
{
	if (h->stopped != NULL)
		return xstrdup(h->stopped);
	if (WIFSIGNALED(h->status))
		return xasprintf(_("the notification helper was killed by signal %d (%s)"),
				 WTERMSIG(h->status), strsignal(WTERMSIG(h->status)));
	if (WIFEXITED(h->status) && (WEXITSTATUS(h->status) != 0 || h->owed))
		return xasprintf(_("the notification helper exited with status %d"),
				 WEXITSTATUS(h->status));
	return NULL;
}

/* Stops the helpers past their bound. */
static void
deliver_bounds(struct deliver *dv, deliver_fn fn, void *ctx)
{
	long long now = date_mono_ms();
	size_t i;

	for (i = 0; i < dv->n; i++) {
		struct deliver_helper *h = dv->h[i];

		if (h->reaped || h->stopped != NULL)
			continue;
		if (h->owed && now >= h->answer_by) {
			deliver_kill(h, xasprintf(_("the notification helper did not answer "
						    "within %ld seconds and was stopped"),
						  dv->answer_seconds));
			h->told = 1;
			deliver_fail(h, h->stopped, fn, ctx);
		} else if (!h->owed && h->end_by != 0 && now >= h->end_by) {
			deliver_kill(h, xstrdup(_("the notification helper did not end in time "
						  "and was stopped")));
		}
	}
}

/* Hands on the last answers of the helpers that were reaped, and forgets
 * them. */
static void
deliver_finish(struct deliver *dv, deliver_fn fn, void *ctx)
{
	size_t i;
	char *why;

	for (i = 0; i < dv->n;) {
		struct deliver_helper *h = dv->h[i];

		if (!h->reaped) {
			i++;
			continue;
		}
		/* What it wrote last is read first. */
		deliver_read(h, fn, ctx);
		why = deliver_end_reason(h);
		if (h->owed) {
			deliver_fail(h, why != NULL ? why : _("no notification server answered"), fn,
				     ctx);
		} else if (why != NULL && !h->told) {
			/* A crash, or a stop, while it waited for actions: the
			 * buttons of its notifications no longer do anything. */
			log_warn("%s", why);
		}
		log_debug("notification helper: process %ld ended", (long)h->pid);
		free(why);
		deliver_helper_free(h);
		memmove(&dv->h[i], &dv->h[i + 1], (dv->n - i - 1) * sizeof dv->h[0]);
		dv->n--;
	}
}

void
deliver_reap(struct deliver *dv, deliver_fn fn, void *ctx)
{
	size_t i;

	for (i = 0; i < dv->n; i++)
		deliver_waitpid(dv->h[i]);
	deliver_finish(dv, fn, ctx);
}

void
deliver_step(struct deliver *dv, const struct pollfd *fds, size_t n, deliver_fn fn, void *ctx)
{
	size_t i, k;

	for (i = 0; i < dv->n; i++) {
		struct deliver_helper *h = dv->h[i];

		for (k = 0; k < n; k++)
			if (fds[k].revents != 0 && fds[k].fd == h->out)
				deliver_read(h, fn, ctx);
	}
	deliver_bounds(dv, fn, ctx);
	deliver_finish(dv, fn, ctx);
}

void
deliver_wait(struct deliver *dv, deliver_fn fn, void *ctx)
{
	struct pollfd fds[DELIVER_FDS + 1];
	struct signalfd_siginfo si;
	sigset_t chld, old;
	size_t n;
	int timeout, rc, sfd;

	/* SIGCHLD through a signalfd of our own, as the daemon's loop has
	 * it; an exit before it was set up is found by the first reap. */
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, &old);
	sfd = signalfd(-1, &chld, SFD_NONBLOCK | SFD_CLOEXEC);
	deliver_reap(dv, fn, ctx);
	while (dv->n > 0) {
		timeout = -1;
		n = deliver_fds(dv, fds, DELIVER_FDS, &timeout);
		if (sfd >= 0)
			fds[n++] = (struct pollfd){ .fd = sfd, .events = POLLIN };
		else if (timeout < 0 || timeout > 1000)
			timeout = 1000;	/* no signalfd: look for exits now and then */
		do
			rc = poll(fds, n, timeout);
		while (rc < 0 && errno == EINTR);
		if (rc < 0) {
			log_error("poll: %s", strerror(errno));
			break;
		}
		while (sfd >= 0 && read(sfd, &si, sizeof si) == (ssize_t)sizeof si)
			;
		deliver_step(dv, fds, n, fn, ctx);
		deliver_reap(dv, fn, ctx);
	}
	if (sfd >= 0)
		close(sfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
}
