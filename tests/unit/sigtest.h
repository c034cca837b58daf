/*
 * Helpers for the tests of signed notices: fresh Ed25519 keys made with
 * OpenSSL, keyrings that trust them, and notices signed with them.
 */
#ifndef MYNA_SIGTEST_H
#define MYNA_SIGTEST_H

#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "mem.h"
#include "sig.h"

/* The PEM text of a new Ed25519 private key; newly allocated. */
static inline char *
sigtest_private_pem(void)
{
	EVP_PKEY *pkey = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	BIO *bio = BIO_new(BIO_s_mem());
	char *data = NULL, *pem;
	long len;

	assert_non_null(pkey);
	assert_non_null(bio);
	assert_int_equal(PEM_write_bio_PrivateKey(bio, pkey, NULL, NULL, 0, NULL, NULL), 1);
	len = BIO_get_mem_data(bio, &data);
	assert_true(len > 0);
	pem = xstrndup(data, (size_t)len);
	BIO_free(bio);
	EVP_PKEY_free(pkey);
	return pem;
}

/* A new private key. */
static inline struct sig_key *
sigtest_key(void)
{
	char *pem = sigtest_private_pem(), *cause = NULL;
	struct sig_key *k = sig_key_from_pem(pem, strlen(pem), &cause);

	if (k == NULL)
		fail_msg("sig_key_from_pem: %s", cause);
	free(pem);
	return k;
}

/* The text of a key file for k's public half, with the names given (NULL:
 * no such line).  Newly allocated. */
static inline char *
sigtest_key_file(const struct sig_key *k, const char *name_ja, const char *name_en)
{
	char *pub = sig_key_public_pem(k), *text;

	assert_non_null(pub);
	text = xasprintf("# a key for the tests\n%s%s%s%s%s%s%s", name_ja ? "name.ja: " : "",
			 name_ja ? name_ja : "", name_ja ? "\n" : "", name_en ? "name.en: " : "",
			 name_en ? name_en : "", name_en ? "\n" : "", pub);
	free(pub);
	return text;
}

/* Has kr trust k as agency's key. */
static inline void
sigtest_trust(struct sig_keyring *kr, const char *agency, const struct sig_key *k,
	      const char *name_ja, const char *name_en)
{
	char *text = sigtest_key_file(k, name_ja, name_en), *cause = NULL;

	if (sig_keyring_add_pem(kr, agency, text, strlen(text), "test", &cause) != 0)
		fail_msg("sig_keyring_add_pem: %s", cause);
	free(text);
}

/* Signs n as agency: n->agency points to agency, n->signature is newly
 * allocated (the caller frees it). */
static inline void
sigtest_sign(const struct sig_key *k, struct wire_notice *n, const char *agency)
{
	char *cause = NULL;

	n->agency = (char *)agency;
	n->signature = sig_sign(k, n, &cause);
	if (n->signature == NULL)
		fail_msg("sig_sign: %s", cause);
}

#endif
