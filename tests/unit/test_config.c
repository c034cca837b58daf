/*
 * Unit tests for shared/config.c: parsing, typed getters, atomic saving.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "mem.h"

static char tmpdir[] = "/tmp/myna-test-config-XXXXXX";

/* Returns tmpdir/name in a static buffer. */
static const char *tmp_path(const char *name)
{
	static char path[PATH_MAX];

	snprintf(path, sizeof path, "%s/%s", tmpdir, name);
	return path;
}

static void write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* Returns the whole of path (caller frees), or NULL if it does not exist. */
static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *data;
	long n;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	data = xmalloc((size_t)n + 1);
	assert_int_equal(fread(data, 1, (size_t)n, f), (size_t)n);
	data[n] = '\0';
	fclose(f);
	return data;
}

/* Number of entries in dir, apart from . and .. */
static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			n++;
	}
	closedir(d);
	return n;
}

static void test_parse_basic(void **state)
{
	struct config *c = config_new();
	char *cause = NULL;
	const char *text = "# settings\n"
	                   "\n"
	                   "server = http://127.0.0.1:8080\n"
	                   "   \t\n"
	                   "  # indented comment\n"
	                   "language=ja\n"
	                   "\treminder.days \t=\t 30, 7, 1 \t\n"
	                   "empty =\n"
	                   "url = http://x/#a=b\n"
	                   "name = 山田 太郎\n"
	                   "dos = yes\r\n"
	                   "last = no newline";

	(void)state;
	assert_int_equal(config_parse(c, text, "test", &cause), 0);
	assert_null(cause);
	assert_string_equal(config_get(c, "server"), "http://127.0.0.1:8080");
	assert_string_equal(config_get(c, "language"), "ja");
	assert_string_equal(config_get(c, "reminder.days"), "30, 7, 1");
	assert_string_equal(config_get(c, "empty"), "");
	assert_string_equal(config_get(c, "url"), "http://x/#a=b");
	assert_string_equal(config_get(c, "name"), "山田 太郎");
	assert_string_equal(config_get(c, "dos"), "yes");
	assert_string_equal(config_get(c, "last"), "no newline");
	assert_null(config_get(c, "settings"));
	assert_null(config_get(c, "# settings"));
	assert_null(config_get(c, "missing"));
	assert_null(config_get(c, "Server"));
	config_free(c);
	config_free(NULL);
}

static void test_parse_later_wins(void **state)
{
	struct config *c = config_new();
	char *cause = NULL;

	(void)state;
	assert_int_equal(config_parse(c, "a = 1\nb = 2\na = 3\n", "t", &cause), 0);
	assert_string_equal(config_get(c, "a"), "3");
	/* a second parse adds to what is there */
	assert_int_equal(config_parse(c, "b = 4\nc = 5\n", "t", &cause), 0);
	assert_string_equal(config_get(c, "a"), "3");
	assert_string_equal(config_get(c, "b"), "4");
	assert_string_equal(config_get(c, "c"), "5");
	config_free(c);
}

/* Parses text, expecting failure with exactly want as the reason's start. */
static void check_parse_error(const char *text, const char *want_prefix)
{
	struct config *c = config_new();
	char *cause = NULL;

	assert_int_equal(config_parse(c, text, "my.conf", &cause), -1);
	assert_non_null(cause);
	if (strncmp(cause, want_prefix, strlen(want_prefix)) != 0)
		fail_msg("cause \"%s\" does not start with \"%s\"", cause, want_prefix);
	free(cause);
	config_free(c);
}

static void test_parse_errors(void **state)
{
	struct config *c = config_new();
	char *cause = NULL;

	(void)state;
	check_parse_error("just words\n", "my.conf:1: ");
	check_parse_error("a = 1\n\n# c\nno equals sign\n", "my.conf:4: ");
	check_parse_error("= value\n", "my.conf:1: ");
	check_parse_error("Key = value\n", "my.conf:1: ");
	check_parse_error("my key = value\n", "my.conf:1: ");
	check_parse_error("a = 1\nkey! = v\n", "my.conf:2: ");
	check_parse_error("日本 = v\n", "my.conf:1: ");
	check_parse_error("a = x\x01y\n", "my.conf:1: ");
	check_parse_error("a = \xff\n", "my.conf:1: ");
	check_parse_error("a = 1\r\nb = 2\r\nc\r\n", "my.conf:3: ");

	/* the lines before the bad one are kept */
	assert_int_equal(config_parse(c, "a = 1\nb = 2\nbad\nc = 3\n", "x", &cause), -1);
	assert_string_equal(cause, "x:3: expected \"key = value\"");
	free(cause);
	assert_string_equal(config_get(c, "a"), "1");
	assert_string_equal(config_get(c, "b"), "2");
	assert_null(config_get(c, "c"));
	config_free(c);
}

static void test_get_int(void **state)
{
	struct config *c = config_new();
	char *cause = NULL;

	(void)state;
	assert_int_equal(config_parse(c,
	                              "n = 42\nneg = -5\nzero = 0\nbig = 99999999999999999999\n"
	                              "junk = 12x\nempty =\nspace = 1 2\nhex = 0x10\nplus = +7\n",
	                              "t", &cause),
	                 0);
	assert_int_equal(config_get_int(c, "n", 1, 0, 100), 42);
	assert_int_equal(config_get_int(c, "n", 1, 0, 41), 1);
	assert_int_equal(config_get_int(c, "n", 1, 43, 100), 1);
	assert_int_equal(config_get_int(c, "n", 1, 42, 42), 42);
	assert_int_equal(config_get_int(c, "neg", 1, -10, 10), -5);
	assert_int_equal(config_get_int(c, "neg", 1, 0, 10), 1);
	assert_int_equal(config_get_int(c, "zero", 9, 0, 10), 0);
	assert_int_equal(config_get_int(c, "big", 9, LONG_MIN, LONG_MAX), 9);
	assert_int_equal(config_get_int(c, "junk", 9, 0, 100), 9);
	assert_int_equal(config_get_int(c, "empty", 9, 0, 100), 9);
	assert_int_equal(config_get_int(c, "space", 9, 0, 100), 9);
	assert_int_equal(config_get_int(c, "hex", 9, 0, 100), 9);
	assert_int_equal(config_get_int(c, "plus", 9, 0, 100), 7);
	assert_int_equal(config_get_int(c, "absent", 9, 0, 100), 9);
	config_free(c);
}

static void test_get_bool(void **state)
{
	struct config *c = config_new();
	char *cause = NULL;

	(void)state;
	assert_int_equal(config_parse(c,
	                              "a = on\nb = YES\nc = true\nd = 1\n"
	                              "e = off\nf = No\ng = false\nh = 0\n"
	                              "i = maybe\nj =\nk = 2\n",
	                              "t", &cause),
	                 0);
	assert_int_equal(config_get_bool(c, "a", -1), 1);
	assert_int_equal(config_get_bool(c, "b", -1), 1);
	assert_int_equal(config_get_bool(c, "c", -1), 1);
	assert_int_equal(config_get_bool(c, "d", -1), 1);
	assert_int_equal(config_get_bool(c, "e", -1), 0);
	assert_int_equal(config_get_bool(c, "f", -1), 0);
	assert_int_equal(config_get_bool(c, "g", -1), 0);
	assert_int_equal(config_get_bool(c, "h", -1), 0);
	assert_int_equal(config_get_bool(c, "i", -1), -1);
	assert_int_equal(config_get_bool(c, "j", 1), 1);
	assert_int_equal(config_get_bool(c, "j", 0), 0);
	assert_int_equal(config_get_bool(c, "k", -1), -1);
	assert_int_equal(config_get_bool(c, "absent", 1), 1);
	config_free(c);
}

static void test_set(void **state)
{
	struct config *c = config_new();

	(void)state;
	assert_int_equal(config_set(c, "a", "1"), 0);
	assert_string_equal(config_get(c, "a"), "1");
	assert_int_equal(config_set(c, "a", "2"), 0);
	assert_string_equal(config_get(c, "a"), "2");
	assert_int_equal(config_set(c, "a", NULL), 0);
	assert_null(config_get(c, "a"));
	assert_int_equal(config_set(c, "a", NULL), 0); /* absent: fine */
	assert_int_equal(config_set(c, "ok-key_1.x", "v"), 0);
	assert_int_equal(config_set(c, "ok", ""), 0);
	assert_string_equal(config_get(c, "ok"), "");

	assert_int_equal(config_set(c, "", "v"), -1);
	assert_int_equal(config_set(c, "Bad", "v"), -1);
	assert_int_equal(config_set(c, "a b", "v"), -1);
	assert_int_equal(config_set(c, "a=b", "v"), -1);
	assert_int_equal(config_set(c, "#a", "v"), -1);
	assert_int_equal(config_set(c, NULL, "v"), -1);
	assert_int_equal(config_set(c, "k", "line\nbreak"), -1);
	assert_int_equal(config_set(c, "k", "cr\r"), -1);
	assert_int_equal(config_set(c, "k", "\xff"), -1);
	assert_null(config_get(c, "k"));
	assert_null(config_get(c, "Bad"));
	config_free(c);
}

static void test_save_load(void **state)
{
	struct config *c = config_new(), *d = config_new();
	char *cause = NULL, *data;
	char *path = xstrdup(tmp_path("sub/dir/config"));
	struct stat st;

	(void)state;
	config_set(c, "zeta", "1");
	config_set(c, "alpha", "two words");
	config_set(c, "mid", "日本語");
	config_set(c, "gone", "x");
	config_set(c, "empty", "");
	config_set(c, "zeta", "3"); /* replaced in place */
	config_set(c, "gone", NULL);
	assert_int_equal(config_save(c, path, 0600, &cause), 0);
	assert_null(cause);

	data = read_file(path);
	assert_non_null(data);
	/* insertion order, one "key = value" per line */
	assert_string_equal(data, "zeta = 3\nalpha = two words\nmid = 日本語\nempty = \n");
	free(data);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	/* the directories it made are private */
	assert_int_equal(stat(tmp_path("sub/dir"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	assert_int_equal(stat(tmp_path("sub"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	/* no temporary file is left behind */
	assert_int_equal(count_entries(tmp_path("sub/dir")), 1);

	assert_int_equal(config_load(d, path, &cause), 0);
	assert_string_equal(config_get(d, "zeta"), "3");
	assert_string_equal(config_get(d, "alpha"), "two words");
	assert_string_equal(config_get(d, "mid"), "日本語");
	assert_string_equal(config_get(d, "empty"), "");
	assert_null(config_get(d, "gone"));

	/* saving again replaces the file, with the new mode */
	config_set(d, "alpha", NULL);
	assert_int_equal(config_save(d, path, 0644, &cause), 0);
	data = read_file(path);
	assert_string_equal(data, "zeta = 3\nmid = 日本語\nempty = \n");
	free(data);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	assert_int_equal(count_entries(tmp_path("sub/dir")), 1);
	free(path);
	config_free(c);
	config_free(d);
}

static void test_save_empty(void **state)
{
	struct config *c = config_new();
	char *cause = NULL, *data;
	char *path = xstrdup(tmp_path("empty.conf"));

	(void)state;
	write_file(path, "old = 1\n", 8);
	assert_int_equal(config_save(c, path, 0600, &cause), 0);
	data = read_file(path);
	assert_string_equal(data, "");
	free(data);
	free(path);
	config_free(c);
}

static void test_save_fails(void **state)
{
	struct config *c = config_new();
	char *cause = NULL;
	struct stat st;

	(void)state;
	config_set(c, "a", "1");
	/* the parent "directory" is a file */
	write_file(tmp_path("plainfile"), "x", 1);
	assert_int_equal(config_save(c, tmp_path("plainfile/config"), 0600, &cause), -1);
	assert_non_null(cause);
	assert_non_null(strstr(cause, "plainfile"));
	free(cause);
	cause = NULL;
	/* the target is a directory: the rename fails and the temporary file
	 * is removed */
	assert_int_equal(mkdir(tmp_path("isdir"), 0700), 0);
	assert_int_equal(mkdir(tmp_path("isdir/target"), 0700), 0);
	assert_int_equal(config_save(c, tmp_path("isdir/target"), 0600, &cause), -1);
	assert_non_null(cause);
	free(cause);
	assert_int_equal(count_entries(tmp_path("isdir")), 1);
	assert_int_equal(stat(tmp_path("isdir/target"), &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	config_free(c);
}

static void test_load_cases(void **state)
{
	struct config *c = config_new();
	char *cause = NULL, *want, *big;
	size_t bigsize = 2 * 1024 * 1024, i;

	(void)state;
	/* a missing file is no error and changes nothing */
	config_set(c, "keep", "1");
	assert_int_equal(config_load(c, tmp_path("does-not-exist"), &cause), 0);
	assert_null(cause);
	assert_string_equal(config_get(c, "keep"), "1");

	/* errors carry the path and line */
	write_file(tmp_path("bad.conf"), "a = 1\nb = 2\noops\n", 16);
	assert_int_equal(config_load(c, tmp_path("bad.conf"), &cause), -1);
	want = xasprintf("%s:3: ", tmp_path("bad.conf"));
	assert_non_null(cause);
	assert_memory_equal(cause, want, strlen(want));
	free(want);
	free(cause);
	cause = NULL;
	assert_string_equal(config_get(c, "b"), "2");
	assert_string_equal(config_get(c, "keep"), "1");

	/* a NUL byte would hide the rest of the file */
	write_file(tmp_path("nul.conf"), "a = 1\0b = 2\n", 12);
	assert_int_equal(config_load(c, tmp_path("nul.conf"), &cause), -1);
	assert_non_null(cause);
	free(cause);
	cause = NULL;

	/* a directory is not a config file */
	assert_int_equal(config_load(c, tmpdir, &cause), -1);
	assert_non_null(cause);
	free(cause);
	cause = NULL;

	/* nor is something huge */
	big = xmalloc(bigsize);
	for (i = 0; i < bigsize; i++)
		big[i] = i % 64 == 63 ? '\n' : '#';
	write_file(tmp_path("big.conf"), big, bigsize);
	free(big);
	assert_int_equal(config_load(c, tmp_path("big.conf"), &cause), -1);
	assert_non_null(cause);
	free(cause);
	config_free(c);
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
	        cmocka_unit_test(test_parse_basic),  cmocka_unit_test(test_parse_later_wins),
	        cmocka_unit_test(test_parse_errors), cmocka_unit_test(test_get_int),
	        cmocka_unit_test(test_get_bool),     cmocka_unit_test(test_set),
	        cmocka_unit_test(test_save_load),    cmocka_unit_test(test_save_empty),
	        cmocka_unit_test(test_save_fails),   cmocka_unit_test(test_load_cases),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
