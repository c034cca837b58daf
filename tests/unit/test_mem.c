/*
 * Unit tests for shared/mem.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mem.h"

static void test_strings(void **state)
{
	char *s;

	(void)state;
	assert_null(xstrdup(NULL));
	assert_null(xstrndup(NULL, 3));
	s = xstrdup("マイナ");
	assert_string_equal(s, "マイナ");
	free(s);
	s = xstrndup("abcdef", 3);
	assert_string_equal(s, "abc");
	free(s);
	s = xstrndup("ab", 10); /* stops at the NUL */
	assert_string_equal(s, "ab");
	free(s);
	s = xasprintf("%s=%d", "n", -7);
	assert_string_equal(s, "n=-7");
	free(s);
	s = xasprintf("%s", "");
	assert_string_equal(s, "");
	free(s);
}

static void test_alloc(void **state)
{
	int *a;
	size_t i;
	char *p;

	(void)state;
	a = xcalloc(100, sizeof *a);
	for (i = 0; i < 100; i++)
		assert_int_equal(a[i], 0);
	a = xreallocarray(a, 1000, sizeof *a);
	a[999] = 5;
	assert_int_equal(a[0], 0);
	free(a);
	p = xmalloc(0); /* never NULL */
	assert_non_null(p);
	free(p);
	p = xcalloc(0, 0);
	assert_non_null(p);
	xfree(&p);
	assert_null(p);
	xfree(&p); /* freeing NULL again is harmless */
	xfree(NULL);
}

/* Runs fn in a child and returns its wait status. */
static int in_child(void (*fn)(void))
{
	pid_t pid = fork();
	int status = 0;

	assert_true(pid >= 0);
	if (pid == 0) {
		/* Keep the expected "fatal:" line out of the test output. */
		int fd = dup2(open("/dev/null", O_WRONLY), 2);

		(void)fd;
		fn();
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return status;
}

static void overflow_array(void)
{
	void *p = xreallocarray(NULL, SIZE_MAX / 2, 4);

	free(p);
}

static void overflow_calloc(void)
{
	void *p = xcalloc(SIZE_MAX / 2, 4);

	free(p);
}

static void test_overflow_aborts(void **state)
{
	int status;

	(void)state;
	status = in_child(overflow_array);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGABRT);
	status = in_child(overflow_calloc);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGABRT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_strings),
	        cmocka_unit_test(test_alloc),
	        cmocka_unit_test(test_overflow_aborts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
