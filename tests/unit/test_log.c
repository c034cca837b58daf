/*
 * Unit tests for shared/log.c: line format, levels from MYNA_LOG, cleaning.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "mem.h"

static FILE *capture;
static int saved_stderr = -1;

/* Sends stderr to a temporary file until captured() is called. */
static void capture_start(void)
{
	capture = tmpfile();
	assert_non_null(capture);
	fflush(stderr);
	saved_stderr = dup(2);
	assert_true(saved_stderr >= 0);
	assert_int_equal(dup2(fileno(capture), 2), 2);
}

/* Restores stderr and returns what was written to it (caller frees). */
static char *captured(void)
{
	char *out;
	long n;

	assert_int_equal(dup2(saved_stderr, 2), 2);
	close(saved_stderr);
	fseek(capture, 0, SEEK_END);
	n = ftell(capture);
	rewind(capture);
	out = xmalloc((size_t)n + 1);
	assert_int_equal(fread(out, 1, (size_t)n, capture), (size_t)n);
	out[n] = '\0';
	fclose(capture);
	return out;
}

static void assert_matches(const char *s, const char *pattern)
{
	regex_t re;

	assert_int_equal(regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB), 0);
	if (regexec(&re, s, 0, NULL, 0) != 0)
		fail_msg("\"%s\" does not match /%s/", s, pattern);
	regfree(&re);
}

#define STAMP "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\+09:00"

static void test_format(void **state)
{
	char *out;

	(void)state;
	unsetenv("MYNA_LOG");
	log_init("mynad");
	capture_start();
	log_info("synced %d changes", 12);
	log_error("cannot open %s", "x.db");
	out = captured();
	assert_matches(out, "^" STAMP " mynad info: synced 12 changes\n" STAMP
	                    " mynad error: cannot open x.db\n$");
	free(out);
}

static void test_timestamp_is_now(void **state)
{
	char *out, want[32];
	struct tm tm;
	time_t now;

	(void)state;
	log_init("t");
	now = time(NULL);
	capture_start();
	log_info("x");
	out = captured();
	localtime_r(&now, &tm);
	/* the date part (a test run at midnight could see the next day) */
	strftime(want, sizeof want, "%Y-%m-%dT", &tm);
	if (strncmp(out, want, strlen(want)) != 0) {
		now += 2;
		localtime_r(&now, &tm);
		strftime(want, sizeof want, "%Y-%m-%dT", &tm);
		assert_memory_equal(out, want, strlen(want));
	}
	free(out);
}

static void test_program_name(void **state)
{
	char *out;

	(void)state;
	log_init("/usr/local/bin/myna-bff");
	capture_start();
	log_warn("w");
	out = captured();
	assert_matches(out, "^" STAMP " myna-bff warn: w\n$");
	free(out);
}

/* Logs one message at each level and returns the output. */
static char *log_all_levels(void)
{
	capture_start();
	log_error("e");
	log_warn("w");
	log_info("i");
	log_debug("d");
	return captured();
}

static void check_levels(const char *env, const char *want)
{
	char *out;

	if (env != NULL)
		setenv("MYNA_LOG", env, 1);
	else
		unsetenv("MYNA_LOG");
	log_init("p");
	out = log_all_levels();
	{
		/* keep only the level letters, in order */
		char got[8] = "";
		const char *p = out;
		size_t n = 0;

		while ((p = strstr(p, " p ")) != NULL && n < sizeof got - 1) {
			got[n++] = p[3];
			p += 3;
		}
		got[n] = '\0';
		if (strcmp(got, want) != 0)
			fail_msg("MYNA_LOG=%s: levels \"%s\", want \"%s\"", env ? env : "(unset)",
			         got, want);
	}
	free(out);
}

static void test_levels(void **state)
{
	(void)state;
	check_levels(NULL, "ewi");
	check_levels("", "ewi");
	check_levels("error", "e");
	check_levels("warn", "ew");
	check_levels("info", "ewi");
	check_levels("debug", "ewid");
	check_levels("DEBUG", "ewid");
	check_levels("nonsense", "ewi");

	setenv("MYNA_LOG", "debug", 1);
	log_init("p");
	log_set_level(LOG_ERROR);
	{
		char *out = log_all_levels();

		assert_matches(out, "^" STAMP " p error: e\n$");
		free(out);
	}
	unsetenv("MYNA_LOG");
}

static void test_cleaned(void **state)
{
	char *out;

	(void)state;
	log_init("p");
	capture_start();
	log_info("title: %s", "\x1b]0;pwned\x07red\x1b[31m text\nsecond line\r\x1b");
	out = captured();
	assert_matches(out, "^" STAMP " p info: title: red text second line \n$");
	free(out);
}

static void test_long_message(void **state)
{
	char *big = xmalloc(20000), *out;
	size_t ys;

	(void)state;
	memset(big, 'y', 19999);
	big[19999] = '\0';
	log_init("p");
	capture_start();
	log_info("%s", big);
	log_info("next");
	out = captured();
	/* cut, but still one whole line, followed by the next */
	assert_matches(out, "^" STAMP " p info: yyyy(y*)\n" STAMP " p info: next\n$");
	ys = strspn(strstr(out, "info: ") + 6, "y");
	assert_true(ys >= 1000 && ys < 19999);
	free(out);
	free(big);
}

static int setup(void **state)
{
	(void)state;
	setenv("TZ", "Asia/Tokyo", 1);
	tzset();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_format),       cmocka_unit_test(test_timestamp_is_now),
	        cmocka_unit_test(test_program_name), cmocka_unit_test(test_levels),
	        cmocka_unit_test(test_cleaned),      cmocka_unit_test(test_long_message),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
