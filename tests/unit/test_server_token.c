/*
 * Unit tests for server/token.c: random secrets, SHA-256 hashing (the only
 * form in which the server stores them) and the constant-time comparison.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "../../server/token.h"

static void
test_new_is_hex_of_the_right_length(void **state)
{
	char t[TOKEN_LEN + 1];

	(void)state;
	assert_int_equal(token_new(t), 0);
	assert_int_equal(strlen(t), TOKEN_LEN);
	assert_int_equal(strspn(t, "0123456789abcdef"), TOKEN_LEN);
}

static void
test_new_differs_each_time(void **state)
{
	char a[TOKEN_LEN + 1], b[TOKEN_LEN + 1];
	int i;

	(void)state;
	for (i = 0; i < 100; i++) {
		assert_int_equal(token_new(a), 0);
		assert_int_equal(token_new(b), 0);
		assert_string_not_equal(a, b);
	}
}

static void
test_random_fills_every_byte(void **state)
{
	unsigned char buf[4096];
	int seen[256] = {0};
	size_t i, distinct = 0;

	(void)state;
	memset(buf, 0, sizeof buf);
	assert_int_equal(token_random(buf, sizeof buf), 0);
	for (i = 0; i < sizeof buf; i++)
		seen[buf[i]] = 1;
	for (i = 0; i < 256; i++)
		distinct += (size_t)seen[i];
	/* 4096 random bytes miss a given value with probability ~1e-7. */
	assert_true(distinct > 250);
}

static void
test_hash_known_vectors(void **state)
{
	/* FIPS 180-2 test vector for "abc", and the empty string. */
	static const unsigned char abc[TOKEN_HASH_LEN] = {
	        0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40,
	        0xde, 0x5d, 0xae, 0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17,
	        0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad,
	};
	static const unsigned char empty[TOKEN_HASH_LEN] = {
	        0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4,
	        0xc8, 0x99, 0x6f, 0xb9, 0x24, 0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b,
	        0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55,
	};
	unsigned char h[TOKEN_HASH_LEN];

	(void)state;
	assert_int_equal(token_hash("abc", 3, h), 0);
	assert_memory_equal(h, abc, TOKEN_HASH_LEN);
	assert_int_equal(token_hash("", 0, h), 0);
	assert_memory_equal(h, empty, TOKEN_HASH_LEN);
}

static void
test_hash_equal(void **state)
{
	unsigned char a[TOKEN_HASH_LEN], b[TOKEN_HASH_LEN];

	(void)state;
	assert_int_equal(token_hash("secret", 6, a), 0);
	assert_int_equal(token_hash("secret", 6, b), 0);
	assert_int_equal(token_hash_equal(a, b), 1);
	b[TOKEN_HASH_LEN - 1] ^= 1;
	assert_int_equal(token_hash_equal(a, b), 0);
	assert_int_equal(token_hash("secreT", 6, b), 0);
	assert_int_equal(token_hash_equal(a, b), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_new_is_hex_of_the_right_length),
	        cmocka_unit_test(test_new_differs_each_time),
	        cmocka_unit_test(test_random_fills_every_byte),
	        cmocka_unit_test(test_hash_known_vectors),
	        cmocka_unit_test(test_hash_equal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
