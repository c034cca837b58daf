/*
 * Unit tests for shared/buf.c: growth, the cap, ownership hand-over.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "buf.h"

static void test_init_empty(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 0);
	assert_non_null(b.data);
	assert_string_equal(b.data, "");
	assert_int_equal(b.len, 0);
	assert_int_equal(b.toobig, 0);
	buf_release(&b);
	assert_string_equal(b.data, "");
}

static void test_grow(void **state)
{
	struct buf b;
	size_t i;

	(void)state;
	buf_init(&b, 0);
	for (i = 0; i < 10000; i++)
		assert_int_equal(buf_addch(&b, (char)('a' + i % 26)), 0);
	assert_int_equal(b.len, 10000);
	assert_true(b.alloc > b.len);
	assert_int_equal(b.data[10000], '\0');
	for (i = 0; i < 10000; i++)
		assert_int_equal(b.data[i], 'a' + i % 26);
	assert_int_equal(strlen(b.data), 10000);
	buf_release(&b);
}

static void test_binary(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 0);
	assert_int_equal(buf_add(&b, "a\0b", 3), 0);
	assert_int_equal(b.len, 3);
	assert_memory_equal(b.data, "a\0b", 4);
	assert_int_equal(buf_add(&b, NULL, 0), 0);
	assert_int_equal(b.len, 3);
	buf_release(&b);
}

static void test_cap(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 10);
	assert_int_equal(buf_addstr(&b, "01234"), 0);
	/* an append that would pass the cap is refused whole */
	assert_int_equal(buf_addstr(&b, "567890"), -1);
	assert_int_equal(b.toobig, 1);
	assert_int_equal(b.len, 5);
	assert_string_equal(b.data, "01234");
	/* up to the cap exactly is fine */
	assert_int_equal(buf_addstr(&b, "56789"), 0);
	assert_int_equal(b.len, 10);
	assert_string_equal(b.data, "0123456789");
	assert_int_equal(buf_addch(&b, 'x'), -1);
	assert_int_equal(b.len, 10);
	assert_int_equal(b.data[10], '\0');
	/* toobig stays set once set */
	assert_int_equal(b.toobig, 1);
	buf_release(&b);

	/* a cap bigger than the first allocation */
	buf_init(&b, 1000);
	{
		char block[1000];

		memset(block, 'z', sizeof block);
		assert_int_equal(buf_add(&b, block, 999), 0);
		assert_int_equal(buf_add(&b, block, 2), -1);
		assert_int_equal(buf_add(&b, block, 1), 0);
		assert_int_equal(b.len, 1000);
		assert_int_equal(b.data[1000], '\0');
		assert_int_equal(buf_add(&b, block, 1), -1);
	}
	buf_release(&b);

	/* a huge request does not wrap around */
	buf_init(&b, 0);
	assert_int_equal(buf_addstr(&b, "x"), 0);
	assert_int_equal(buf_add(&b, "y", SIZE_MAX), -1);
	assert_int_equal(b.toobig, 1);
	assert_string_equal(b.data, "x");
	buf_release(&b);
}

static void test_printf(void **state)
{
	struct buf b;
	char big[1001];
	size_t i;

	(void)state;
	buf_init(&b, 0);
	assert_int_equal(buf_printf(&b, "%d-%s", 42, "x"), 0);
	assert_int_equal(buf_printf(&b, "%s", ""), 0);
	assert_string_equal(b.data, "42-x");
	assert_int_equal(b.len, 4);
	/* longer than any internal scratch space */
	memset(big, 'q', 1000);
	big[1000] = '\0';
	assert_int_equal(buf_printf(&b, "[%s]", big), 0);
	assert_int_equal(b.len, 4 + 1002);
	assert_int_equal(b.data[4], '[');
	for (i = 5; i < 1005; i++)
		assert_int_equal(b.data[i], 'q');
	assert_int_equal(b.data[1005], ']');
	assert_int_equal(b.data[1006], '\0');
	buf_release(&b);

	buf_init(&b, 8);
	assert_int_equal(buf_printf(&b, "%s", "12345"), 0);
	assert_int_equal(buf_printf(&b, "%s", "6789"), -1);
	assert_int_equal(b.toobig, 1);
	assert_string_equal(b.data, "12345");
	assert_int_equal(buf_printf(&b, "[%s]", big), -1);
	assert_string_equal(b.data, "12345");
	assert_int_equal(buf_printf(&b, "%d", 678), 0);
	assert_string_equal(b.data, "12345678");
	buf_release(&b);
}

static void test_reset(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 4);
	assert_int_equal(buf_addstr(&b, "abcd"), 0);
	assert_int_equal(buf_addstr(&b, "e"), -1);
	buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.data, "");
	assert_int_equal(b.toobig, 0);
	/* the cap still holds */
	assert_int_equal(buf_addstr(&b, "abcde"), -1);
	assert_int_equal(buf_addstr(&b, "wxyz"), 0);
	assert_string_equal(b.data, "wxyz");
	buf_release(&b);
}

static void test_take(void **state)
{
	struct buf b;
	char *s, *t;

	(void)state;
	buf_init(&b, 6);
	assert_int_equal(buf_addstr(&b, "hello"), 0);
	s = buf_take(&b);
	assert_string_equal(s, "hello");
	/* the buffer is empty and usable again, with the same cap */
	assert_non_null(b.data);
	assert_ptr_not_equal(b.data, s);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.data, "");
	assert_int_equal(buf_addstr(&b, "1234567"), -1);
	assert_int_equal(buf_addstr(&b, "world"), 0);
	t = buf_take(&b);
	assert_string_equal(t, "world");
	assert_string_equal(s, "hello");
	/* taking an empty buffer gives "" */
	free(s);
	s = buf_take(&b);
	assert_non_null(s);
	assert_string_equal(s, "");
	free(s);
	free(t);
	buf_release(&b);
	/* initialised again after release */
	buf_init(&b, 0);
	assert_int_equal(buf_addstr(&b, "again"), 0);
	assert_string_equal(b.data, "again");
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_init_empty), cmocka_unit_test(test_grow),
	        cmocka_unit_test(test_binary),     cmocka_unit_test(test_cap),
	        cmocka_unit_test(test_printf),     cmocka_unit_test(test_reset),
	        cmocka_unit_test(test_take),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
