/*
 * Unit tests for shared/fault.c: nothing is queued while error_reports is
 * off; a report is queued once per program, kind and code and counted;
 * the queue is capped; turning the setting off empties it; the crash
 * handler leaves a marker that the next start turns into a report; store
 * errors are queued with SQLite's code; and sending, against a real HTTP
 * server on 127.0.0.1: exactly the report's fields and no token, a sent
 * report gone, a refused one dropped, one without an answer tried again
 * and dropped after FAULT_ATTEMPTS_MAX tries.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ftw.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "fault.h"
#include "mem.h"
#include "session.h"
#include "store.h"
#include "testhttp.h"

#define SEEN_MAX 32

static struct {
	unsigned int status;	/* the answer to a report */
	int	     n;
	char	    *body[SEEN_MAX];
	char	    *authorization[SEEN_MAX];
	char	    *path[SEEN_MAX];
} server;

static struct th_server *srv;
static char *tmpdir;

static void
handler(void *arg, struct th_exchange *x)
{
	(void)arg;
	if (server.n < SEEN_MAX) {
		server.body[server.n] = xstrndup(x->body != NULL ? x->body : "", x->body_len);
		server.authorization[server.n] = xstrdup(th_header(x, "Authorization"));
		server.path[server.n] = xstrdup(x->path);
		server.n++;
	}
	th_reply(x, server.status, "application/json", "{\"status\": \"accepted\"}");
}

static void
server_reset(unsigned int status)
{
	int i;

	for (i = 0; i < server.n; i++) {
		free(server.body[i]);
		free(server.authorization[i]);
		free(server.path[i]);
	}
	memset(&server, 0, sizeof server);
	server.status = status;
}

static int
rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Writes the config file with error_reports = on or off, a server and a
 * token. */
static void
write_config(int on)
{
	struct config *c = config_new();
	char *cause = NULL, *path = xasprintf("%s/config/myna/config", tmpdir);

	config_set(c, "server", srv->url);
	config_set(c, "error_reports", on ? "on" : "off");
	if (config_save(c, path, 0600, &cause) < 0)
		fail_msg("config_save: %s", cause);
	free(path);
	config_free(c);
	c = config_new();
	config_set(c, "access_token", "secret-token-of-demo");
	path = xasprintf("%s/state/myna/credentials", tmpdir);
	if (config_save(c, path, 0600, &cause) < 0)
		fail_msg("config_save: %s", cause);
	free(path);
	config_free(c);
}

static int
setup(void **state)
{
	char *dir;

	(void)state;
	server_reset(202);
	tmpdir = xstrdup("/tmp/myna-fault.XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	dir = xasprintf("%s/config", tmpdir);
	setenv("XDG_CONFIG_HOME", dir, 1);
	free(dir);
	dir = xasprintf("%s/state", tmpdir);
	setenv("XDG_STATE_HOME", dir, 1);
	free(dir);
	write_config(0);
	fault_set_enabled(0);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	fault_set_enabled(0);
	nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	xfree(&tmpdir);
	server_reset(202);
	return 0;
}

/* The queued report file name, as a config; NULL when there is none. */
static struct config *
queued(const char *name)
{
	struct config *c;
	char *dir = fault_dir(), *path = xasprintf("%s/%s", dir, name), *cause = NULL;

	free(dir);
	if (access(path, F_OK) != 0) {
		free(path);
		return NULL;
	}
	c = config_new();
	assert_int_equal(config_load(c, path, &cause), 0);
	free(path);
	return c;
}

/* The size of the queue's file name, or -1 when there is none. */
static long
file_size(const char *name)
{
	char *dir = fault_dir(), *path = xasprintf("%s/%s", dir, name);
	struct stat sb;
	long n = stat(path, &sb) == 0 ? (long)sb.st_size : -1;

	free(path);
	free(dir);
	return n;
}

/* The number of entries in the queue's directory that are reports. */
static int
nqueued(void)
{
	char *dir = fault_dir(), *cmd = xasprintf("ls '%s' 2>/dev/null | wc -l", dir);
	FILE *p = popen(cmd, "r");
	int n = -1;

	assert_non_null(p);
	assert_int_equal(fscanf(p, "%d", &n), 1);
	pclose(p);
	free(cmd);
	free(dir);
	return n;
}

static void
test_off_queues_nothing(void **state)
{
	(void)state;
	fault_init("myna", "1.2.3", NULL);
	assert_false(fault_enabled());
	fault_note("error", "sync.status.500");
	assert_int_equal(nqueued(), 0);
}

static void
test_queue(void **state)
{
	struct config *c;
	char *dir, code[32];
	struct stat sb;
	int i;

	(void)state;
	write_config(1);
	fault_init("myna", "1.2.3", NULL);
	assert_true(fault_enabled());
	fault_note("error", "sync.status.500");
	c = queued("myna.error.sync.status.500");
	assert_non_null(c);
	assert_string_equal(config_get(c, "program"), "myna");
	assert_string_equal(config_get(c, "version"), "1.2.3");
	assert_string_equal(config_get(c, "kind"), "error");
	assert_string_equal(config_get(c, "code"), "sync.status.500");
	assert_string_equal(config_get(c, "count"), "1");
	config_free(c);
	/* The same again: one report, counted. */
	fault_note("error", "sync.status.500");
	fault_note("error", "sync.status.500");
	c = queued("myna.error.sync.status.500");
	assert_string_equal(config_get(c, "count"), "3");
	config_free(c);
	assert_int_equal(nqueued(), 1);
	/* Private. */
	dir = fault_dir();
	assert_int_equal(stat(dir, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0700);
	free(dir);

	/* Codes that are not words of a-z 0-9 _ . - are not queued. */
	fault_note("error", "Sync Status");
	fault_note("error", "../../x");
	fault_note("error", "");
	fault_note("warning", "x");
	assert_int_equal(nqueued(), 1);

	/* At most FAULT_QUEUE_MAX reports wait. */
	for (i = 0; i < FAULT_QUEUE_MAX + 5; i++) {
		snprintf(code, sizeof code, "test.%d", i);
		fault_note("error", code);
	}
	assert_int_equal(nqueued(), FAULT_QUEUE_MAX);
	/* One already queued is still counted. */
	fault_note("error", "sync.status.500");
	c = queued("myna.error.sync.status.500");
	assert_string_equal(config_get(c, "count"), "4");
	config_free(c);

	/* Off empties the queue. */
	fault_set_enabled(0);
	assert_int_equal(nqueued(), 0);
	fault_note("error", "sync.status.500");
	assert_int_equal(nqueued(), 0);
}

/* A crash leaves a marker from the signal handler; the next start makes
 * it a report of kind crash, counting each crash. */
static void
test_crash_marker(void **state)
{
	struct config *c;
	pid_t pid;
	int status, i;

	(void)state;
	write_config(1);
	for (i = 0; i < 2; i++) {
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			/* As a program starts: the default actions, not the
			 * test framework's handlers. */
			signal(SIGSEGV, SIG_DFL);
			fault_init("mynad", "1.2.3", NULL);
			raise(SIGSEGV);
			_exit(0);
		}
		assert_int_equal(waitpid(pid, &status, 0), pid);
		/* The signal still ends the program as before. */
		assert_true(WIFSIGNALED(status));
		assert_int_equal(WTERMSIG(status), SIGSEGV);
	}
	/* The second start turned the first crash's marker into a report;
	 * the second crash left a marker of its own (a byte per crash). */
	assert_int_equal(file_size("marker.mynad.sigsegv"), 1);
	/* The next start of either program turns it into a report. */
	fault_init("myna", "1.2.3", NULL);
	assert_int_equal(file_size("marker.mynad.sigsegv"), -1);
	c = queued("mynad.crash.sigsegv");
	assert_non_null(c);
	assert_string_equal(config_get(c, "program"), "mynad");
	assert_string_equal(config_get(c, "kind"), "crash");
	assert_string_equal(config_get(c, "code"), "sigsegv");
	assert_string_equal(config_get(c, "count"), "2");
	config_free(c);

	/* Off: the handler writes nothing. */
	write_config(0);
	fault_init("myna", "1.2.3", NULL);
	pid = fork();
	if (pid == 0) {
		signal(SIGABRT, SIG_DFL);
		fault_init("myna", "1.2.3", NULL);
		raise(SIGABRT);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(nqueued(), 0);
}

/* Store errors are queued with SQLite's code. */
static void
test_store_errors(void **state)
{
	struct store *st = NULL;
	char *cause = NULL, *path = xasprintf("%s/not-a-db", tmpdir);
	FILE *f;
	struct config *c;

	(void)state;
	write_config(1);
	fault_init("myna", "1.2.3", NULL);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("this is not a database, but long enough to be looked at as one......\n", f);
	fclose(f);
	assert_int_equal(store_open(path, &st, &cause), -1);
	free(cause);
	c = queued("myna.error.store.open.notadb");
	assert_non_null(c);
	assert_string_equal(config_get(c, "code"), "store.open.notadb");
	config_free(c);
	free(path);
}

/* Sends what is queued with the session of the config and credentials
 * files. */
static int
send_now(struct fault_stats *st)
{
	struct session se;
	char *cause = NULL;
	int rc;

	memset(&se, 0, sizeof se);
	if (session_open(&se, &cause) < 0)
		fail_msg("session_open: %s", cause);
	rc = fault_send(&se, st);
	session_release(&se);
	return rc;
}

static void
test_send(void **state)
{
	struct fault_stats st;
	json_object *o, *v;
	struct config *c;
	int i;

	(void)state;
	write_config(1);
	fault_init("mynad", "1.2.3", NULL);
	fault_note("error", "sync.decode.page");
	fault_note("error", "sync.decode.page");
	assert_int_equal(send_now(&st), 0);
	assert_int_equal(st.sent, 1);
	assert_int_equal(st.waiting, 0);
	assert_int_equal(server.n, 1);
	assert_string_equal(server.path[0], "/v1/client-reports");
	/* No token: a report cannot be tied to the person who sent it. */
	assert_null(server.authorization[0]);
	/* Exactly these fields. */
	o = json_tokener_parse(server.body[0]);
	assert_non_null(o);
	assert_int_equal(json_object_object_length(o), 5);
	assert_true(json_object_object_get_ex(o, "program", &v));
	assert_string_equal(json_object_get_string(v), "mynad");
	assert_true(json_object_object_get_ex(o, "version", &v));
	assert_string_equal(json_object_get_string(v), "1.2.3");
	assert_true(json_object_object_get_ex(o, "kind", &v));
	assert_string_equal(json_object_get_string(v), "error");
	assert_true(json_object_object_get_ex(o, "code", &v));
	assert_string_equal(json_object_get_string(v), "sync.decode.page");
	assert_true(json_object_object_get_ex(o, "message", &v));
	assert_string_equal(json_object_get_string(v), "count=2");
	json_object_put(o);
	assert_null(strstr(server.body[0], "secret-token"));
	assert_int_equal(nqueued(), 0);

	/* Refused (422): dropped at once. */
	server_reset(422);
	fault_note("error", "sync.status.500");
	assert_int_equal(send_now(&st), 0);
	assert_int_equal(st.dropped, 1);
	assert_int_equal(nqueued(), 0);

	/* The server fails (500): tried again, at most FAULT_ATTEMPTS_MAX
	 * times. */
	server_reset(500);
	fault_note("error", "sync.status.404");
	for (i = 1; i < FAULT_ATTEMPTS_MAX; i++) {
		assert_int_equal(send_now(&st), 0);
		assert_int_equal(st.waiting, 1);
		c = queued("mynad.error.sync.status.404");
		assert_non_null(c);
		assert_int_equal(config_get_int(c, "attempts", -1, -1, 100), i);
		config_free(c);
	}
	assert_int_equal(send_now(&st), 0);
	assert_int_equal(st.dropped, 1);
	assert_int_equal(nqueued(), 0);
	assert_int_equal(server.n, FAULT_ATTEMPTS_MAX);

	/* Off: the queue is emptied and nothing goes out. */
	server_reset(202);
	fault_note("error", "sync.loop");
	write_config(0);
	{
		struct sync_result res;
		struct session se;
		char *cause = NULL;

		memset(&res, 0, sizeof res);
		memset(&se, 0, sizeof se);
		assert_int_equal(session_open(&se, &cause), 0);
		fault_sync(&se, 0, &res);
		session_release(&se);
	}
	assert_false(fault_enabled());
	assert_int_equal(server.n, 0);
	assert_int_equal(nqueued(), 0);
}

/* No server: the report waits, one attempt more. */
static void
test_send_unreachable(void **state)
{
	struct th_server *gone = th_start(handler, NULL);
	struct fault_stats st;
	struct config *c;
	struct session se;
	char *cause = NULL;

	(void)state;
	write_config(1);
	fault_init("myna", "1.2.3", NULL);
	fault_note("error", "sync.loop");
	memset(&se, 0, sizeof se);
	assert_int_equal(session_open(&se, &cause), 0);
	api_free(se.api);
	se.api = api_new(gone->url, &cause);
	th_stop(gone);
	assert_int_equal(fault_send(&se, &st), -1);
	session_release(&se);
	c = queued("myna.error.sync.loop");
	assert_non_null(c);
	assert_string_equal(config_get(c, "attempts"), "1");
	config_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_off_queues_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_queue, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crash_marker, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_send, setup, teardown),
		cmocka_unit_test_setup_teardown(test_send_unreachable, setup, teardown),
	};
	int rc;

	srv = th_start(handler, NULL);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	th_stop(srv);
	return rc;
}
