/*
 * Unit tests for the rules of server/application.c: what an
 * Idempotency-Key may be, and which status moves are allowed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "../../server/application.h"

static void
test_key(void **state)
{
	char out[APPLICATION_KEY_MAX + 1], longest[APPLICATION_KEY_MAX + 2],
		quoted[APPLICATION_KEY_MAX + 4];

	(void)state;
	assert_int_equal(application_key_parse("8e03978e-40d5-43e8-bc93-6894a57f9324", out), 0);
	assert_string_equal(out, "8e03978e-40d5-43e8-bc93-6894a57f9324");
	/* An RFC 8941 string: the quotes are not part of the key. */
	assert_int_equal(application_key_parse("\"abc\"", out), 0);
	assert_string_equal(out, "abc");
	assert_int_equal(application_key_parse(NULL, out), -1);
	assert_int_equal(application_key_parse("", out), -1);
	assert_int_equal(application_key_parse("\"\"", out), -1);
	assert_int_equal(application_key_parse("a b", out), -1);
	assert_int_equal(application_key_parse("a\"b", out), -1);
	assert_int_equal(application_key_parse("a\\b", out), -1);
	assert_int_equal(application_key_parse("キー", out), -1);
	assert_int_equal(application_key_parse("a\tb", out), -1);
	/* Quoted, a space is part of the key, and \" and \\ are escapes. */
	assert_int_equal(application_key_parse("\"a b\"", out), 0);
	assert_string_equal(out, "a b");
	assert_int_equal(application_key_parse("\"say \\\"hi\\\" \\\\ there\"", out), 0);
	assert_string_equal(out, "say \"hi\" \\ there");
	assert_int_equal(application_key_parse("\"a\\b\"", out), -1);
	assert_int_equal(application_key_parse("\"a\\\"", out), -1);
	assert_int_equal(application_key_parse("\"a\"b\"", out), -1);
	assert_int_equal(application_key_parse("\"a\tb\"", out), -1);
	assert_int_equal(application_key_parse("\" \"", out), 0);
	assert_string_equal(out, " ");
	memset(longest, 'k', APPLICATION_KEY_MAX);
	longest[APPLICATION_KEY_MAX] = '\0';
	assert_int_equal(application_key_parse(longest, out), 0);
	longest[APPLICATION_KEY_MAX] = 'k';
	longest[APPLICATION_KEY_MAX + 1] = '\0';
	assert_int_equal(application_key_parse(longest, out), -1);
	/* Quoted, the limit is on the key, not on the quotes. */
	quoted[0] = '"';
	memset(quoted + 1, 'k', APPLICATION_KEY_MAX);
	quoted[APPLICATION_KEY_MAX + 1] = '"';
	quoted[APPLICATION_KEY_MAX + 2] = '\0';
	assert_int_equal(application_key_parse(quoted, out), 0);
	assert_int_equal(strlen(out), APPLICATION_KEY_MAX);
	quoted[APPLICATION_KEY_MAX + 1] = 'k';
	quoted[APPLICATION_KEY_MAX + 2] = '"';
	quoted[APPLICATION_KEY_MAX + 3] = '\0';
	assert_int_equal(application_key_parse(quoted, out), -1);
}

static void
test_moves(void **state)
{
	static const char *const all[] = {"received", "under_review", "needs_changes", "approved",
	                                  "rejected"};
	size_t i, j;

	(void)state;
	for (i = 0; i < 5; i++) {
		for (j = 0; j < 5; j++) {
			int want = i != j && j != 0 && i < 3;

			if (application_move_allowed(all[i], all[j]) != want)
				fail_msg("%s -> %s should be %s", all[i], all[j],
				         want ? "allowed" : "refused");
		}
	}
	assert_false(application_move_allowed("received", "lost"));
	assert_false(application_move_allowed("lost", "approved"));
	assert_false(application_move_allowed(NULL, "approved"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_key),
	        cmocka_unit_test(test_moves),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
