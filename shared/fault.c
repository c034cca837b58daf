/*
 * fault: opt-in error reports (see fault.h).
 *
 * The queue directory holds:
 *   PROGRAM.KIND.CODE      one report: "key = value" lines (program,
 *                          version, kind, code, count, attempts)
 *   marker.PROGRAM.SIGNAL  a crash: one byte per crash, appended by the
 *                          signal handler
 *   .lock                  flock()ed while a report is read and rewritten
 *   .tmp.*                 a report being written (renamed into place)
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "api.h"
#include "buf.h"
#include "config.h"
#include "fault.h"
#include "i18n.h"
#include "log.h"
#include "mem.h"
#include "paths.h"
#include "store.h"

#define FAULT_CODE_MAX	  64
#define FAULT_PATH	  "/v1/client-reports"
#define FAULT_MARKER	  "marker."
#define FAULT_ALTSTACK	  (64 * 1024)

static const struct {
	int	    sig;
	const char *code;
} fault_signals[] = {
	{ SIGSEGV, "sigsegv" }, { SIGBUS, "sigbus" }, { SIGFPE, "sigfpe" },
	{ SIGILL, "sigill" },	{ SIGABRT, "sigabrt" },
};
#define FAULT_NSIGNALS (sizeof fault_signals / sizeof fault_signals[0])

static char fault_program[8];
static char fault_version[33];
static int fault_on;

/* The signal handler's state, made before any signal can come. */
static volatile sig_atomic_t fault_armed;
static int fault_altstack_set;
static char fault_markers[FAULT_NSIGNALS][PATH_MAX];
static struct sigaction fault_old[FAULT_NSIGNALS];
static char fault_altstack[FAULT_ALTSTACK];

char *
fault_dir(void)
{
	const char *state = getenv("XDG_STATE_HOME"), *home = getenv("HOME");

	if (state != NULL && state[0] == '/')
		return xasprintf("%s/myna/reports", state);
	if (home == NULL || home[0] == '\0')
		return NULL;
	return xasprintf("%s/.local/state/myna/reports", home);
}

/* Makes the queue's directory (0700, ours).  Returns it, or NULL. */
static char *
fault_make_dir(void)
{
	char *dir = fault_dir(), *probe, *cause = NULL;

	if (dir == NULL)
		return NULL;
	probe = xasprintf("%s/.lock", dir);
	if (paths_make_parent(probe, &cause) < 0) {
		log_debug("error reports: %s", cause);
		free(cause);
		xfree(&dir);
	}
	free(probe);
	return dir;
}

/* Returns 1 when s is 1 to max characters of a-z 0-9 _ . - (and does not
 * start with a dot, so that it can be part of a file name). */
static int
fault_word(const char *s, size_t max)
{
	size_t len = s != NULL ? strlen(s) : 0;

	return len > 0 && len <= max && s[0] != '.' &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_.-") == len;
}

/* --- The crash handler ----------------------------------------------- */

static void
fault_on_crash(int sig)
{
	int saved = errno, fd;
	size_t i;
	ssize_t w;

	for (i = 0; i < FAULT_NSIGNALS && fault_signals[i].sig != sig; i++)
		;
	if (i == FAULT_NSIGNALS) {
		signal(sig, SIG_DFL);
	} else {
		if (fault_armed && fault_markers[i][0] != '\0') {
			fd = open(fault_markers[i], O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW,
				  0600);
			if (fd >= 0) {
				w = write(fd, "x", 1);
				(void)w;
				close(fd);
			}
		}
		/* What the signal did before (the default: end the program,
		 * with a core dump). */
		sigaction(sig, &fault_old[i], NULL);
	}
	errno = saved;
	/* Blocked while this handler runs: it takes effect on return. */
	raise(sig);
}

/* Makes the markers' names and installs the handler (once). */
static void
fault_arm(void)
{
	struct sigaction sa, cur;
	stack_t ss, old;
	char *dir;
	size_t i;

	if (fault_program[0] == '\0')
		return;
	dir = fault_make_dir();
	if (dir == NULL)
		return;
	for (i = 0; i < FAULT_NSIGNALS; i++) {
		if ((size_t)snprintf(fault_markers[i], sizeof fault_markers[i], "%s/%s%s.%s", dir,
				     FAULT_MARKER, fault_program,
				     fault_signals[i].code) >= sizeof fault_markers[i])
			fault_markers[i][0] = '\0';
	}
	free(dir);
	if (!fault_altstack_set) {
		/* A stack of its own, so that a stack overflow is noted too. */
		if (sigaltstack(NULL, &old) == 0 && (old.ss_flags & SS_DISABLE)) {
			memset(&ss, 0, sizeof ss);
			ss.ss_sp = fault_altstack;
			ss.ss_size = sizeof fault_altstack;
			sigaltstack(&ss, NULL);
		}
		fault_altstack_set = 1;
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = fault_on_crash;
	sa.sa_flags = SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < FAULT_NSIGNALS; i++) {
		/* Installed once; again only when something replaced it. */
		if (sigaction(fault_signals[i].sig, NULL, &cur) == 0 &&
		    cur.sa_handler != fault_on_crash)
			sigaction(fault_signals[i].sig, &sa, &fault_old[i]);
	}
	fault_armed = 1;
}

/* --- The queue ------------------------------------------------------- */

/* One report as queued. */
struct fault_report {
	char *name;	/* file name in the queue */
	char  program[8];
	char  version[33];
	char  kind[8];
	char  code[FAULT_CODE_MAX + 1];
	long  count;
	long  attempts;
};

/* Takes the queue's lock; returns its descriptor, or -1. */
static int
fault_lock(const char *dir)
{
	char *path = xasprintf("%s/.lock", dir);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);

	free(path);
	if (fd >= 0 && flock(fd, LOCK_EX) != 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

static void
fault_unlock(int fd)
{
	if (fd >= 0)
		close(fd);
}

/* Reads report file name in dir into r.  Returns 0, or -1 when it is
 * missing, too big or not a report (the caller removes it). */
static int
fault_read(const char *dir, const char *name, struct fault_report *r)
{
	struct config *c = config_new();
	struct stat sb;
	char *path = xasprintf("%s/%s", dir, name), *cause = NULL;
	const char *program, *version, *kind, *code;
	int rc = -1;

	memset(r, 0, sizeof *r);
	if (lstat(path, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size > FAULT_FILE_MAX ||
	    config_load(c, path, &cause) != 0)
		goto out;
	program = config_get(c, "program");
	version = config_get(c, "version");
	kind = config_get(c, "kind");
	code = config_get(c, "code");
	if (program == NULL || (strcmp(program, "myna") != 0 && strcmp(program, "mynad") != 0) ||
	    kind == NULL || (strcmp(kind, "error") != 0 && strcmp(kind, "crash") != 0) ||
	    !fault_word(code, FAULT_CODE_MAX) || version == NULL || version[0] == '\0' ||
	    strlen(version) >= sizeof r->version ||
	    strspn(version, "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.+-~") !=
		    strlen(version))
		goto out;
	r->name = xstrdup(name);
	snprintf(r->program, sizeof r->program, "%s", program);
	snprintf(r->version, sizeof r->version, "%s", version);
	snprintf(r->kind, sizeof r->kind, "%s", kind);
	snprintf(r->code, sizeof r->code, "%s", code);
	r->count = config_get_int(c, "count", 1, 1, FAULT_COUNT_MAX);
	r->attempts = config_get_int(c, "attempts", 0, 0, FAULT_ATTEMPTS_MAX);
	rc = 0;
out:
	free(cause);
	free(path);
	config_free(c);
	return rc;
}

/* Writes r into dir (a new file renamed over the old).  Returns 0 or -1. */
static int
fault_write(const char *dir, const struct fault_report *r)
{
	char *tmp = xasprintf("%s/.tmp.XXXXXX", dir), *path = xasprintf("%s/%s", dir, r->name);
	char text[FAULT_FILE_MAX];
	int fd, n, rc = -1;

	n = snprintf(text, sizeof text,
		     "program = %s\nversion = %s\nkind = %s\ncode = %s\ncount = %ld\n"
		     "attempts = %ld\n",
		     r->program, r->version, r->kind, r->code, r->count, r->attempts);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		goto out;
	if (n < 0 || (size_t)n >= sizeof text || write(fd, text, (size_t)n) != n) {
		close(fd);
		unlink(tmp);
		goto out;
	}
	if (close(fd) != 0 || rename(tmp, path) != 0) {
		unlink(tmp);
		goto out;
	}
	rc = 0;
out:
	free(tmp);
	free(path);
	return rc;
}

/* Removes report file name from dir. */
static void
fault_remove(const char *dir, const char *name)
{
	char *path = xasprintf("%s/%s", dir, name);

	unlink(path);
	free(path);
}

/* The names of the reports in dir (not the markers, the lock or
 * temporary files), sorted.  Returns their number. */
static size_t
fault_names(const char *dir, char ***names)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	size_t n = 0;

	*names = NULL;
	if (d == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' ||
		    strncmp(de->d_name, FAULT_MARKER, strlen(FAULT_MARKER)) == 0)
			continue;
		*names = xreallocarray(*names, n + 1, sizeof **names);
		(*names)[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	return n;
}

static void
fault_names_free(char **names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* Adds count more of (program, kind, code) to the queue in dir, with the
 * queue's lock held. */
static void
fault_add_locked(const char *dir, const char *program, const char *kind, const char *code,
		 long count)
{
	struct fault_report r;
	char *name = xasprintf("%s.%s.%s", program, kind, code), **names;
	size_t n;

	if (fault_read(dir, name, &r) == 0) {
		r.count = r.count + count > FAULT_COUNT_MAX ? FAULT_COUNT_MAX : r.count + count;
	} else {
		n = fault_names(dir, &names);
		fault_names_free(names, n);
		if (n >= FAULT_QUEUE_MAX) {
			log_debug("error reports: the queue is full; %s not kept", code);
			free(name);
			return;
		}
		memset(&r, 0, sizeof r);
		r.name = xstrdup(name);
		snprintf(r.program, sizeof r.program, "%s", program);
		snprintf(r.version, sizeof r.version, "%s", fault_version);
		snprintf(r.kind, sizeof r.kind, "%s", kind);
		snprintf(r.code, sizeof r.code, "%s", code);
		r.count = count > FAULT_COUNT_MAX ? FAULT_COUNT_MAX : count;
	}
	if (fault_write(dir, &r) == 0)
		log_debug("error reports: queued %s %s %s (%ld)", program, kind, code, r.count);
	free(r.name);
	free(name);
}

/* Turns the crash markers in dir into reports, with the lock held. */
static void
fault_fold_markers(const char *dir)
{
	struct dirent *de;
	struct stat sb;
	char *path, *program, *dot;
	DIR *d = opendir(dir);

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, FAULT_MARKER, strlen(FAULT_MARKER)) != 0)
			continue;
		path = xasprintf("%s/%s", dir, de->d_name);
		program = xstrdup(de->d_name + strlen(FAULT_MARKER));
		dot = strchr(program, '.');
		if (lstat(path, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size > 0 && dot != NULL &&
		    fault_word(dot + 1, FAULT_CODE_MAX)) {
			*dot = '\0';
			if (strcmp(program, "myna") == 0 || strcmp(program, "mynad") == 0)
				fault_add_locked(dir, program, "crash", dot + 1,
						 sb.st_size > FAULT_COUNT_MAX ? FAULT_COUNT_MAX :
										(long)sb.st_size);
		}
		unlink(path);
		free(program);
		free(path);
	}
	closedir(d);
}

/* Removes every report and marker, under the queue's lock (which stays:
 * another process may be waiting on it). */
static void
fault_purge(void)
{
	struct dirent *de;
	char *dir = fault_dir(), *path;
	DIR *d;
	int lock;

	if (dir == NULL)
		return;
	lock = fault_lock(dir);
	d = opendir(dir);
	if (d != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0 ||
			    strcmp(de->d_name, ".lock") == 0)
				continue;
			path = xasprintf("%s/%s", dir, de->d_name);
			unlink(path);
			free(path);
		}
		closedir(d);
	}
	fault_unlock(lock);
	free(dir);
}

/* Whether the report called name is still in the queue of dir. */
static int
fault_queued(const char *dir, const char *name)
{
	char *path = xasprintf("%s/%s", dir, name);
	int there = access(path, F_OK) == 0;

	free(path);
	return there;
}

/* Store errors go to the queue (store_set_fault_hook). */
static void
fault_store_hook(const char *code)
{
	fault_note("error", code);
}

void
fault_note(const char *kind, const char *code)
{
	char *dir;
	int lock;

	if (!fault_on || fault_program[0] == '\0' || !fault_word(code, FAULT_CODE_MAX) ||
	    kind == NULL || (strcmp(kind, "error") != 0 && strcmp(kind, "crash") != 0))
		return;
	dir = fault_make_dir();
	if (dir == NULL)
		return;
	lock = fault_lock(dir);
	if (lock >= 0) {
		fault_add_locked(dir, fault_program, kind, code, 1);
		fault_unlock(lock);
	}
	free(dir);
}

void
fault_set_enabled(int on)
{
	fault_on = on != 0;
	if (fault_on) {
		fault_arm();
		store_set_fault_hook(fault_store_hook);
	} else {
		fault_armed = 0;
		store_set_fault_hook(NULL);
		fault_purge();
	}
}

int
fault_enabled(void)
{
	return fault_on;
}

/* The setting as the config file says now. */
static int
fault_setting(void)
{
	struct config *c = config_new();
	char *path = paths_config_file(), *cause = NULL;
	int on = 0;

	if (path != NULL && config_load(c, path, &cause) == 0)
		on = config_get_bool(c, "error_reports", 0);
	free(cause);
	free(path);
	config_free(c);
	return on;
}

void
fault_init(const char *program, const char *version, const struct config *c)
{
	char *dir;
	int lock;

	snprintf(fault_program, sizeof fault_program, "%s", program);
	snprintf(fault_version, sizeof fault_version, "%s", version);
	fault_on = c != NULL ? config_get_bool(c, "error_reports", 0) : fault_setting();
	if (!fault_on) {
		/* Markers or reports kept from before the setting was turned
		 * off (by hand, in the file) go now. */
		fault_purge();
		return;
	}
	fault_set_enabled(1);
	dir = fault_make_dir();
	if (dir == NULL)
		return;
	lock = fault_lock(dir);
	if (lock >= 0) {
		fault_fold_markers(dir);
		fault_unlock(lock);
	}
	free(dir);
}

/* --- Sending --------------------------------------------------------- */

const char *
fault_sync_code(const struct sync_result *res, char *buf, size_t size)
{
	switch (res->fault) {
	case SYNC_FAULT_DECODE:
		snprintf(buf, size, "sync.decode.%s", res->fault_type != NULL ? res->fault_type :
									       "page");
		return buf;
	case SYNC_FAULT_STATUS:
		/* Busy or briefly away: the server said so on purpose. */
		if (res->status == 429 || res->status == 503 || res->status == 401 ||
		    res->status < 100 || res->status > 999)
			return NULL;
		snprintf(buf, size, "sync.status.%ld", res->status);
		return buf;
	case SYNC_FAULT_LOOP:
		snprintf(buf, size, "sync.loop");
		return buf;
	case SYNC_FAULT_STORE:
		/* Noted with SQLite's code by the store itself. */
	case SYNC_FAULT_NONE:
	case SYNC_FAULT_NETWORK:
	case SYNC_FAULT_SIGNIN:
		break;
	}
	return NULL;
}

/* A request in progress is given up when the program is asked to stop
 * (mynad blocks SIGTERM and SIGINT and reads them from a signalfd). */
static int
fault_progress(void *ctx)
{
	sigset_t set;

	(void)ctx;
	if (sigpending(&set) != 0)
		return 0;
	return sigismember(&set, SIGTERM) == 1 || sigismember(&set, SIGINT) == 1;
}

/* The body of report r: only the fields of docs/api.md that say nothing
 * about the resident.  Newly allocated. */
static char *
fault_body(const struct fault_report *r)
{
	json_object *o = json_object_new_object();
	char count[32], *s;

	snprintf(count, sizeof count, "count=%ld", r->count);
	json_object_object_add(o, "program", json_object_new_string(r->program));
	json_object_object_add(o, "version", json_object_new_string(r->version));
	json_object_object_add(o, "kind", json_object_new_string(r->kind));
	json_object_object_add(o, "code", json_object_new_string(r->code));
	json_object_object_add(o, "message", json_object_new_string(count));
	s = xstrdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	return s;
}

/* After an answer to report r: sent (2xx) takes the count sent off the
 * queued one (more may have come meanwhile); refused (4xx) drops it;
 * anything else is one more attempt.  With the lock held. */
static void
fault_answered(const char *dir, const struct fault_report *sent, long status,
	       struct fault_stats *st)
{
	struct fault_report now;
	int have = fault_read(dir, sent->name, &now) == 0;

	if (status >= 200 && status < 300) {
		st->sent++;
		if (have && now.count > sent->count) {
			now.count -= sent->count;
			now.attempts = 0;
			fault_write(dir, &now);
		} else {
			fault_remove(dir, sent->name);
		}
	} else if (status >= 400 && status < 500 && status != 408 && status != 429) {
		/* The server will never take it. */
		log_warn(_("error reports: the server refused %s (status %ld); it is dropped"),
			 sent->code, status);
		st->dropped++;
		fault_remove(dir, sent->name);
	} else if (have) {
		if (++now.attempts >= FAULT_ATTEMPTS_MAX) {
			st->dropped++;
			fault_remove(dir, sent->name);
		} else {
			fault_write(dir, &now);
		}
	}
	if (have)
		free(now.name);
}

int
fault_send(struct session *se, struct fault_stats *out)
{
	struct fault_stats st = { 0, 0, 0 };
	struct fault_report *rs = NULL;
	struct api_response r;
	struct api *api = NULL;
	char *dir = NULL, **names = NULL, *body, *cause = NULL;
	size_t n = 0, nr = 0, i;
	int lock, rc = 0, reached;

	if (out != NULL)
		memset(out, 0, sizeof *out);
	if (se == NULL || se->api == NULL || (dir = fault_dir()) == NULL)
		return 0;
	lock = fault_lock(dir);
	if (lock < 0) {
		free(dir);
		return 0;
	}
	fault_fold_markers(dir);
	n = fault_names(dir, &names);
	if (n > 0)
		rs = xcalloc(n, sizeof *rs);
	for (i = 0; i < n; i++) {
		if (fault_read(dir, names[i], &rs[nr]) == 0)
			nr++;
		else
			fault_remove(dir, names[i]);
	}
	fault_unlock(lock);
	if (nr == 0)
		goto out;
	/* A client of its own: the same server and certificate authorities,
	 * but no token, so that a report cannot be tied to a person. */
	api = session_api_new(se, api_base_url(se->api), &cause);
	if (api == NULL) {
		log_debug("error reports: %s", cause);
		rc = -1;
		goto out;
	}
	api_set_progress(api, fault_progress, NULL);
	for (i = 0; i < nr; i++) {
		/* Turned off meanwhile (the queue is emptied then), or sent by
		 * another process: not sent. */
		lock = fault_lock(dir);
		reached = lock >= 0 && fault_setting() && fault_queued(dir, rs[i].name);
		fault_unlock(lock);
		if (!reached)
			continue;
		body = fault_body(&rs[i]);
		api_response_init(&r);
		reached = api_post_json(api, FAULT_PATH, body, NULL, &r, &cause) == 0;
		free(body);
		lock = fault_lock(dir);
		if (lock >= 0) {
			fault_answered(dir, &rs[i], reached ? r.status : 0, &st);
			fault_unlock(lock);
		}
		api_response_release(&r);
		if (!reached) {
			/* The rest waits for a round that reaches the server. */
			log_debug("error reports: %s", cause);
			xfree(&cause);
			rc = -1;
			break;
		}
	}
	if (st.sent > 0)
		log_info(ngettext("sent %zu error report", "sent %zu error reports", st.sent),
			 st.sent);
out:
	fault_names_free(names, n);
	st.waiting = fault_names(dir, &names);
	fault_names_free(names, st.waiting);
	for (i = 0; i < nr; i++)
		free(rs[i].name);
	free(rs);
	api_free(api);
	free(cause);
	free(dir);
	if (out != NULL)
		*out = st;
	return rc;
}

void
fault_sync(struct session *se, int rc, const struct sync_result *res)
{
	char buf[FAULT_CODE_MAX + 1];
	const char *code;

	/* Turned on or off meanwhile, by myna or by hand. */
	if (fault_setting() != fault_on)
		fault_set_enabled(!fault_on);
	if (!fault_on)
		return;
	if (rc < 0 && res != NULL && (code = fault_sync_code(res, buf, sizeof buf)) != NULL)
		fault_note("error", code);
	/* Sending after no answer would only wait for another. */
	if (se == NULL || (rc < 0 && res != NULL &&
			   (res->fault == SYNC_FAULT_NETWORK || res->fault == SYNC_FAULT_NONE)))
		return;
	fault_send(se, NULL);
}
