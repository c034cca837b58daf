/*
 * Unit tests for shared/paths.c: the XDG rules and mkdir -p.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mem.h"
#include "paths.h"

static char tmpdir[] = "/tmp/myna-test-paths-XXXXXX";

static const char *const xdg_vars[] = {
        "XDG_CONFIG_HOME",
        "XDG_DATA_HOME",
        "XDG_STATE_HOME",
        "XDG_RUNTIME_DIR",
};

static void clear_env(void)
{
	size_t i;

	for (i = 0; i < sizeof xdg_vars / sizeof xdg_vars[0]; i++)
		unsetenv(xdg_vars[i]);
	setenv("HOME", "/home/tester", 1);
}

/* Compares the newly allocated path p with want (NULL: expects NULL). */
static void check_path(char *p, const char *want)
{
	if (want == NULL) {
		assert_null(p);
		return;
	}
	assert_non_null(p);
	assert_string_equal(p, want);
	free(p);
}

static void test_home_defaults(void **state)
{
	(void)state;
	clear_env();
	check_path(paths_config_file(), "/home/tester/.config/myna/config");
	check_path(paths_store_file(), "/home/tester/.local/share/myna/myna.db");
	check_path(paths_credentials_file(), "/home/tester/.local/state/myna/credentials");
}

static void test_xdg_set(void **state)
{
	(void)state;
	clear_env();
	setenv("XDG_CONFIG_HOME", "/cfg", 1);
	setenv("XDG_DATA_HOME", "/data", 1);
	setenv("XDG_STATE_HOME", "/state", 1);
	setenv("XDG_RUNTIME_DIR", "/run/user/1000", 1);
	check_path(paths_config_file(), "/cfg/myna/config");
	check_path(paths_store_file(), "/data/myna/myna.db");
	check_path(paths_credentials_file(), "/state/myna/credentials");
	check_path(paths_socket_file(), "/run/user/1000/myna/mynad.sock");
	check_path(paths_lock_file(), "/run/user/1000/myna/mynad.lock");
	/* HOME is not needed when the XDG variables are set */
	unsetenv("HOME");
	check_path(paths_config_file(), "/cfg/myna/config");
}

static void test_xdg_relative_ignored(void **state)
{
	(void)state;
	clear_env();
	setenv("XDG_CONFIG_HOME", "relative/cfg", 1);
	setenv("XDG_DATA_HOME", "", 1);
	setenv("XDG_STATE_HOME", "./state", 1);
	setenv("XDG_RUNTIME_DIR", "run", 1);
	check_path(paths_config_file(), "/home/tester/.config/myna/config");
	check_path(paths_store_file(), "/home/tester/.local/share/myna/myna.db");
	check_path(paths_credentials_file(), "/home/tester/.local/state/myna/credentials");
	/* without a runtime directory, the state directory: not a shared
	 * folder another user could make first */
	check_path(paths_socket_file(), "/home/tester/.local/state/myna/mynad.sock");
	check_path(paths_lock_file(), "/home/tester/.local/state/myna/mynad.lock");
	setenv("XDG_STATE_HOME", "/srv/state", 1);
	check_path(paths_socket_file(), "/srv/state/myna/mynad.sock");

}

static void test_no_home(void **state)
{
	char want[64];

	(void)state;
	clear_env();
	unsetenv("HOME");
	check_path(paths_config_file(), NULL);
	check_path(paths_store_file(), NULL);
	check_path(paths_credentials_file(), NULL);
	setenv("HOME", "", 1);
	check_path(paths_config_file(), NULL);
	/* a relative XDG variable does not stand in for HOME */
	setenv("XDG_CONFIG_HOME", "cfg", 1);
	check_path(paths_config_file(), NULL);
	/* the runtime files always have a place */
	snprintf(want, sizeof want, "/tmp/myna-%lu/mynad.sock", (unsigned long)getuid());
	check_path(paths_socket_file(), want);
	snprintf(want, sizeof want, "/tmp/myna-%lu/mynad.lock", (unsigned long)getuid());
	check_path(paths_lock_file(), want);
}

/* Returns tmpdir/name, newly allocated. */
static char *tmp_path(const char *name)
{
	return xasprintf("%s/%s", tmpdir, name);
}

static void check_mode(const char *name, mode_t want)
{
	char *p = tmp_path(name);
	struct stat st;

	assert_int_equal(stat(p, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, want);
	free(p);
}

static void test_make_parent(void **state)
{
	char *cause = NULL, *p;
	struct stat st;

	(void)state;
	p = tmp_path("a/b/c/file");
	assert_int_equal(paths_make_parent(p, &cause), 0);
	assert_null(cause);
	check_mode("a", 0700);
	check_mode("a/b", 0700);
	check_mode("a/b/c", 0700);
	/* the file itself is not created */
	assert_int_equal(stat(p, &st), -1);
	/* again: everything exists already */
	assert_int_equal(paths_make_parent(p, &cause), 0);
	free(p);

	/* doubled slashes and a trailing slash */
	p = tmp_path("d//e/f/");
	assert_int_equal(paths_make_parent(p, &cause), 0);
	check_mode("d/e/f", 0700);
	free(p);

	/* nothing to create */
	assert_int_equal(paths_make_parent("file-in-cwd", &cause), 0);
	assert_int_equal(paths_make_parent("/file-at-root", &cause), 0);
	assert_null(cause);

	/* an existing directory keeps its mode */
	p = tmp_path("open");
	assert_int_equal(mkdir(p, 0755), 0);
	free(p);
	p = tmp_path("open/file");
	assert_int_equal(paths_make_parent(p, &cause), 0);
	free(p);
	check_mode("open", 0755);
}

static void test_make_parent_fails(void **state)
{
	char *cause = NULL, *p;
	FILE *f;

	(void)state;
	p = tmp_path("file");
	f = fopen(p, "w");
	assert_non_null(f);
	fclose(f);
	free(p);
	/* a file where a directory should be, at the end and in the middle */
	p = tmp_path("file/x");
	assert_int_equal(paths_make_parent(p, &cause), -1);
	assert_non_null(cause);
	assert_non_null(strstr(cause, "/file"));
	free(cause);
	cause = NULL;
	free(p);
	p = tmp_path("file/x/y/z");
	assert_int_equal(paths_make_parent(p, &cause), -1);
	assert_non_null(cause);
	free(cause);
	free(p);
}

static void test_make_parent_foreign(void **state)
{
	char *cause = NULL, *p;

	(void)state;
	if (geteuid() != 0)
		skip();
	/* a directory someone else made (as under /tmp) is refused */
	p = tmp_path("foreign");
	assert_int_equal(mkdir(p, 0777), 0);
	assert_int_equal(chown(p, 65534, 65534), 0);
	free(p);
	p = tmp_path("foreign/mynad.sock");
	assert_int_equal(paths_make_parent(p, &cause), -1);
	assert_non_null(cause);
	assert_non_null(strstr(cause, "foreign"));
	free(cause);
	cause = NULL;
	free(p);

	/* a link of our own to a directory of ours is followed */
	p = tmp_path("ours");
	assert_int_equal(mkdir(p, 0700), 0);
	free(p);
	p = tmp_path("ourlink");
	assert_int_equal(symlink("ours", p), 0);
	free(p);
	p = tmp_path("ourlink/mynad.sock");
	assert_int_equal(paths_make_parent(p, &cause), 0);
	free(p);
	/* someone else's link to it is not: they could point it elsewhere */
	p = tmp_path("theirlink");
	assert_int_equal(symlink("ours", p), 0);
	assert_int_equal(lchown(p, 65534, 65534), 0);
	free(p);
	p = tmp_path("theirlink/mynad.sock");
	assert_int_equal(paths_make_parent(p, &cause), -1);
	assert_non_null(cause);
	assert_non_null(strstr(cause, "another user"));
	free(cause);
	free(p);
}

static int setup(void **state)
{
	(void)state;
	umask(022);
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int teardown(void **state)
{
	char *cmd = xasprintf("rm -rf '%s'", tmpdir);
	int rc = system(cmd);

	(void)state;
	free(cmd);
	return rc == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_home_defaults),
	        cmocka_unit_test(test_xdg_set),
	        cmocka_unit_test(test_xdg_relative_ignored),
	        cmocka_unit_test(test_no_home),
	        cmocka_unit_test(test_make_parent),
	        cmocka_unit_test(test_make_parent_fails),
	        cmocka_unit_test(test_make_parent_foreign),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
