/*
 * token: the secrets of the sign-in flow (device codes, access and refresh
 * tokens).  A secret is 128 random bits written as 32 lowercase hex digits.
 * The server keeps only SHA-256 hashes of secrets and compares hashes in
 * constant time.
 */
#ifndef MYNA_TOKEN_H
#define MYNA_TOKEN_H

#include <stddef.h>

#define TOKEN_BYTES 16              /* random bytes in a secret */
#define TOKEN_LEN (TOKEN_BYTES * 2) /* hex digits in a secret */
#define TOKEN_HASH_LEN 32           /* SHA-256 */
#define TOKEN_MAX 512               /* longest bearer token accepted */

/* Fills buf with n bytes from the kernel's random source.  Returns 0, or -1
 * when none could be had (the caller must not fall back to weaker ones). */
int token_random(void *buf, size_t n);

/* Writes a new secret (TOKEN_LEN hex digits and a NUL) into out, which holds
 * at least TOKEN_LEN + 1 bytes.  Returns 0 or -1. */
int token_new(char *out);

/* SHA-256 of s[0..len) into out (TOKEN_HASH_LEN bytes).  Returns 0 or -1. */
int token_hash(const char *s, size_t len, unsigned char *out);

/* Returns 1 when the two hashes are equal, compared in constant time. */
int token_hash_equal(const unsigned char *a, const unsigned char *b);

#endif
