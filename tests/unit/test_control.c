/*
 * Tests for shared/control.c (the control socket's protocol and client)
 * and daemon/listener.c (its server end): a real socket in a temporary
 * runtime folder, the client in a child process, the listener driven by
 * poll() here as mynad drives it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "control.h"
#include "mem.h"
#include "../../daemon/listener.h"

static char dir[] = "/tmp/test_control.XXXXXX";

static int
setup(void **state)
{
	(void)state;
	if (mkdtemp(dir) == NULL)
		return -1;
	setenv("XDG_RUNTIME_DIR", dir, 1);
	return 0;
}

static int
teardown(void **state)
{
	char cmd[64];

	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void
test_protocol(void **state)
{
	char *line, *name, *cause = NULL;

	(void)state;
	line = control_request_line("status");
	assert_string_equal(line, "{\"request\":\"status\"}\n");
	name = control_request_parse(line, strlen(line) - 1, &cause);
	assert_string_equal(name, "status");
	free(name);
	free(line);
	static const char *const bad[] = { "status", "{}", "[\"sync\"]", "{\"request\": 1}",
					   "{\"request\": \"a b\"}", "{\"request\": \"sync\"" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		name = control_request_parse(bad[i], strlen(bad[i]), &cause);
		if (name != NULL)
			fail_msg("\"%s\" was taken as a request", bad[i]);
		assert_non_null(cause);
		free(cause);
		cause = NULL;
	}
}

static void
test_no_daemon(void **state)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	json_object *answer = NULL;
	char *cause = NULL, path[128];
	int fd;

	(void)state;
	/* No socket at all. */
	assert_int_equal(control_call("status", 1, &answer, &cause), CONTROL_NO_DAEMON);
	assert_null(answer);
	/* A socket left behind by a daemon that is gone. */
	snprintf(path, sizeof path, "%s/myna", dir);
	mkdir(path, 0700);
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s/myna/mynad.sock", dir);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	close(fd);
	assert_int_equal(control_call("status", 1, &answer, &cause), CONTROL_NO_DAEMON);
	/* A daemon that listens but never answers. */
	unlink(sa.sun_path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	assert_int_equal(listen(fd, 4), 0);
	assert_int_equal(control_call("status", 1, &answer, &cause), CONTROL_FAILED);
	assert_non_null(strstr(cause, "did not answer within 1 second"));
	free(cause);
	close(fd);
	unlink(sa.sun_path);
}

/* The daemon's side of the test: answers status at once, sync later. */
static enum listener_verdict
handle(void *ctx, const char *request, json_object **answer)
{
	int *syncs = ctx;

	if (strcmp(request, "sync") == 0) {
		(*syncs)++;
		return LISTENER_LATER;
	}
	*answer = json_object_new_object();
	json_object_object_add(*answer, "ok", json_object_new_boolean(1));
	json_object_object_add(*answer, "request", json_object_new_string(request));
	return LISTENER_NOW;
}

/* Runs control_call(request) in a child; returns its pid.  The child
 * exits 0 when the answer's "request" (or "synced") member is want. */
static pid_t
client(const char *request, const char *key, const char *want)
{
	pid_t pid = fork();

	if (pid == 0) {
		json_object *answer = NULL, *v = NULL;
		char *cause = NULL;
		int ok;

		if (control_call(request, 5, &answer, &cause) != CONTROL_ANSWERED)
			_exit(2);
		ok = json_object_object_get_ex(answer, key, &v) &&
		     strcmp(json_object_get_string(v), want) == 0;
		_exit(ok ? 0 : 3);
	}
	return pid;
}

/* Polls the listener until the child pid has exited; returns its status. */
static int
serve_until(struct listener *l, pid_t pid, int *syncs, int answer_sync)
{
	struct pollfd fds[LISTENER_FDS];
	int status, timeout;
	size_t n;

	for (int rounds = 0; rounds < 1000; rounds++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
		timeout = 50;
		n = listener_fds(l, fds, LISTENER_FDS, &timeout);
		poll(fds, n, timeout);
		listener_step(l, fds, n, handle, syncs);
		if (answer_sync && listener_waiting(l, "sync") > 0) {
			json_object *a = json_object_new_object();

			json_object_object_add(a, "synced", json_object_new_string("yes"));
			assert_int_equal(listener_answer(l, "sync", a), 1);
			json_object_put(a);
		}
	}
	fail_msg("the client never finished");
	return -1;
}

static void
test_listener(void **state)
{
	struct listener *l = NULL;
	struct stat sb;
	char *cause = NULL, path[128];
	int syncs = 0;

	(void)state;
	if (listener_open(&l, &cause) != 0)
		fail_msg("listener_open: %s", cause);
	snprintf(path, sizeof path, "%s/myna/mynad.sock", dir);
	assert_int_equal(stat(path, &sb), 0);
	assert_true(S_ISSOCK(sb.st_mode));
	assert_int_equal(sb.st_mode & 0777, 0600);
	snprintf(path, sizeof path, "%s/myna", dir);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0700);

	/* status is answered at once, sync once the work is done. */
	assert_int_equal(serve_until(l, client("status", "request", "status"), &syncs, 0), 0);
	assert_int_equal(serve_until(l, client("sync", "synced", "yes"), &syncs, 1), 0);
	assert_int_equal(syncs, 1);
	assert_int_equal(listener_waiting(l, "sync"), 0);

	/* A client that gives up while waiting is dropped, not answered. */
	{
		struct sockaddr_un sa = { .sun_family = AF_UNIX };
		int fd = socket(AF_UNIX, SOCK_STREAM, 0);
		struct pollfd fds[LISTENER_FDS];
		int timeout = 50;
		size_t n;

		snprintf(sa.sun_path, sizeof sa.sun_path, "%s/myna/mynad.sock", dir);
		assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
		assert_int_equal(write(fd, "{\"request\":\"sync\"}\n", 19), 19);
		for (int i = 0; i < 10 && listener_waiting(l, "sync") == 0; i++) {
			n = listener_fds(l, fds, LISTENER_FDS, &timeout);
			poll(fds, n, timeout);
			listener_step(l, fds, n, handle, &syncs);
		}
		assert_int_equal(listener_waiting(l, "sync"), 1);
		close(fd);
		for (int i = 0; i < 10 && listener_waiting(l, "sync") == 1; i++) {
			n = listener_fds(l, fds, LISTENER_FDS, &timeout);
			poll(fds, n, timeout);
			listener_step(l, fds, n, handle, &syncs);
		}
		assert_int_equal(listener_waiting(l, "sync"), 0);
	}
	listener_free(l);
	listener_free(NULL);
	snprintf(path, sizeof path, "%s/myna/mynad.sock", dir);
	assert_int_equal(stat(path, &sb), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_protocol),
		cmocka_unit_test(test_no_daemon),
		cmocka_unit_test(test_listener),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
