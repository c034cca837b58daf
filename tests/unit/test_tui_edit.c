/*
 * Unit tests for tui/edit.c: a line of UTF-8 text with a cursor between
 * characters.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "../../tui/edit.h"

static void
test_edit(void **state)
{
	struct edit e;
	char *big;

	(void)state;
	memset(&e, 0, sizeof e);
	edit_set(&e, NULL);
	assert_string_equal(e.text, "");
	assert_int_equal(edit_insert(&e, "転"), 1);
	assert_int_equal(edit_insert(&e, "出"), 1);
	assert_string_equal(e.text, "転出");
	assert_int_equal(e.pos, 6);
	edit_left(&e);
	assert_int_equal(e.pos, 3);
	assert_int_equal(edit_insert(&e, "a"), 1);
	assert_string_equal(e.text, "転a出");
	assert_int_equal(edit_backspace(&e), 1);
	assert_int_equal(edit_backspace(&e), 1);
	assert_string_equal(e.text, "出");
	assert_int_equal(edit_backspace(&e), 0);
	assert_int_equal(edit_delete(&e), 1);
	assert_string_equal(e.text, "");
	assert_int_equal(edit_delete(&e), 0);

	/* No control character or broken UTF-8 gets in. */
	assert_int_equal(edit_insert(&e, "\x1b"), 0);
	assert_int_equal(edit_insert(&e, "\xc2\x9b"), 0);
	assert_int_equal(edit_insert(&e, "\xe8"), 0);
	assert_string_equal(e.text, "");
	edit_set(&e, "a\x1b[31mb");
	assert_string_equal(e.text, "ab");
	edit_home(&e);
	assert_int_equal(e.pos, 0);
	edit_right(&e);
	edit_right(&e);
	edit_right(&e);
	assert_int_equal(e.pos, 2);
	edit_end(&e);
	assert_int_equal(e.pos, 2);

	/* Capped, and cut at a character. */
	big = xcalloc(EDIT_MAX + 10, 1);
	memset(big, 'x', EDIT_MAX - 1);
	strcat(big, "転");
	edit_set(&e, big);
	assert_int_equal(e.len, EDIT_MAX - 1);
	assert_int_equal(edit_insert(&e, "y"), 1);
	assert_int_equal(edit_insert(&e, "z"), 0);
	free(big);
	edit_release(&e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_edit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
