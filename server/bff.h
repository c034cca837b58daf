/*
 * bff: the one context of the myna-bff program, made in main() and shared
 * read-only by every request thread (only the counters change, atomically).
 */
#ifndef MYNA_BFF_H
#define MYNA_BFF_H

#include <stdatomic.h>

#include "token.h"

struct db;

/* Defaults of the sign-in flow (RFC 8628 and docs/api.md). */
#define BFF_DEVICE_EXPIRY 600L               /* seconds a device code lives */
#define BFF_DEVICE_INTERVAL 5L               /* seconds between polls */
#define BFF_ACCESS_EXPIRY 3600L              /* seconds an access token lives */
#define BFF_REFRESH_EXPIRY (30L * 24 * 3600) /* seconds a refresh token lives */

struct bff {
	struct db *db;
	int admin_set;                            /* 0: operator endpoints answer 403 */
	unsigned char admin_hash[TOKEN_HASH_LEN]; /* SHA-256 of the admin token */
	int demo;                                 /* --demo: the verification page is served */
	long device_interval;
	long device_expiry;
	char *base_url; /* "http://HOST:PORT", no trailing slash */

	/* Counters for GET /metrics, indexed by status class (1xx .. 5xx). */
	atomic_ulong requests[6];
	atomic_long inflight; /* requests being handled now */
};

#endif
