#include "token.h"

#include <errno.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <sys/random.h>

int
token_random(void *buf, size_t n)
{
	unsigned char *p = buf;

	while (n > 0) {
		ssize_t got = getrandom(p, n, 0);

		if (got < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += got;
		n -= (size_t)got;
	}
	return 0;
}

int
token_new(char *out)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char raw[TOKEN_BYTES];
	size_t i;

	if (token_random(raw, sizeof raw) != 0)
		return -1;
	for (i = 0; i < sizeof raw; i++) {
		out[2 * i] = hex[raw[i] >> 4];
		out[2 * i + 1] = hex[raw[i] & 0xf];
	}
	out[TOKEN_LEN] = '\0';
	OPENSSL_cleanse(raw, sizeof raw);
	return 0;
}

int
token_hash(const char *s, size_t len, unsigned char *out)
{
	unsigned int outlen = 0;

	if (EVP_Digest(s, len, out, &outlen, EVP_sha256(), NULL) != 1 || outlen != TOKEN_HASH_LEN)
		return -1;
	return 0;
}

int
token_hash_equal(const unsigned char *a, const unsigned char *b)
{
	return CRYPTO_memcmp(a, b, TOKEN_HASH_LEN) == 0;
}
