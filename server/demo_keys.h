/*
 * demo_keys: the published private keys of the demo agencies (see
 * demo_keys.c).  For the demo and the tests only.
 */
#ifndef MYNA_DEMO_KEYS_H
#define MYNA_DEMO_KEYS_H

#include <stddef.h>

struct demo_key {
	const char *agency; /* its id; keys/demo/AGENCY.pem holds the public half */
	const char *pem;    /* PKCS #8 PEM */
};

extern const struct demo_key demo_keys[];
extern const size_t demo_nkeys;

#endif
