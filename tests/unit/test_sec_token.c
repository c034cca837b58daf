/*
 * Security properties of the server's secrets (server/token.c): a secret
 * is 32 lowercase hex digits, never repeated, with every digit position
 * spread over all sixteen values (128 random bits, not a counter or a
 * clock); the hash kept at rest is SHA-256 (a known answer); and the
 * hash comparison looks at every byte (a difference at any position is
 * seen), through CRYPTO_memcmp, whose time does not depend on where the
 * first difference is.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "../../server/token.h"

#define DRAWS 4096

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(a, b);
}

static void
test_secrets_are_random(void **state)
{
	char(*v)[TOKEN_LEN + 1] = calloc(DRAWS, sizeof *v);
	unsigned seen[TOKEN_LEN][16];
	size_t i, j;

	(void)state;
	assert_non_null(v);
	memset(seen, 0, sizeof seen);
	for (i = 0; i < DRAWS; i++) {
		assert_int_equal(token_new(v[i]), 0);
		assert_int_equal(strlen(v[i]), TOKEN_LEN);
		for (j = 0; j < TOKEN_LEN; j++) {
			const char *hex = "0123456789abcdef", *p = strchr(hex, v[i][j]);

			assert_true(v[i][j] != '\0' && p != NULL);
			seen[j][p - hex]++;
		}
	}
	/* Every position takes every value: with 4096 draws a missing
	 * value has a chance of 16 * (15/16)^4096, about 10^-113. */
	for (j = 0; j < TOKEN_LEN; j++) {
		for (i = 0; i < 16; i++)
			assert_true(seen[j][i] > 0);
	}
	qsort(v, DRAWS, sizeof *v, cmp_str);
	for (i = 1; i < DRAWS; i++)
		assert_true(strcmp(v[i - 1], v[i]) != 0);
	free(v);
}

static void
test_hash_is_sha256(void **state)
{
	/* SHA-256("abc"), FIPS 180-2 appendix B.1. */
	static const unsigned char want[TOKEN_HASH_LEN] = {
		0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40,
		0xde, 0x5d, 0xae, 0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17,
		0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad
	};
	unsigned char got[TOKEN_HASH_LEN];

	(void)state;
	assert_int_equal(token_hash("abc", 3, got), 0);
	assert_memory_equal(got, want, TOKEN_HASH_LEN);
}

static void
test_compare_sees_every_byte(void **state)
{
	unsigned char a[TOKEN_HASH_LEN], b[TOKEN_HASH_LEN];
	size_t i;
	int bit;

	(void)state;
	assert_int_equal(token_hash("secret", 6, a), 0);
	memcpy(b, a, sizeof b);
	assert_true(token_hash_equal(a, b));
	for (i = 0; i < TOKEN_HASH_LEN; i++) {
		for (bit = 0; bit < 8; bit++) {
			b[i] ^= (unsigned char)(1u << bit);
			assert_false(token_hash_equal(a, b));
			b[i] ^= (unsigned char)(1u << bit);
		}
	}
	assert_true(token_hash_equal(a, b));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_secrets_are_random),
		cmocka_unit_test(test_hash_is_sha256),
		cmocka_unit_test(test_compare_sees_every_byte),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
