/*
 * bff: the one context of the myna-bff program, made in main() and shared
 * read-only by every request thread.  What changes while serving lives in
 * the modules it points to, each with its own locking (storage, waitlist,
 * throttle) or atomics (metrics).
 */
#ifndef MYNA_BFF_H
#define MYNA_BFF_H

#include "token.h"

struct auth_cache;
struct feed_tips;
struct metrics;
struct sig_keyring;
struct storage;
struct throttle;
struct waitlist;

/* Defaults of the sign-in flow (RFC 8628 and docs/api.md). */
#define BFF_DEVICE_EXPIRY 600L               /* seconds a device code lives */
#define BFF_DEVICE_INTERVAL 5L               /* seconds between polls */
#define BFF_ACCESS_EXPIRY 3600L              /* seconds an access token lives */
#define BFF_REFRESH_EXPIRY (30L * 24 * 3600) /* seconds a refresh token lives */
/* Seconds a tombstone is kept before compaction may remove it; a cursor
 * older than the removed tombstones gets 410. */
#define BFF_TOMBSTONE_RETENTION (30L * 24 * 3600)
#define BFF_IDEMPOTENCY_RETENTION (24L * 3600) /* seconds an unanswered key is remembered */
/* Seconds a key that filed an application is remembered: longer than any
 * client keeps retrying (a resident offline for weeks, a laptop left shut),
 * so that a late retry still finds the first answer and files nothing new. */
#define BFF_IDEMPOTENCY_DONE_RETENTION (400L * 24 * 3600)
#define BFF_MAINTENANCE_INTERVAL 3600L         /* seconds between compactions */
/* Default rate limits: generous, for many residents behind one address. */
#define BFF_RATE_ADDRESS "100/1000"
#define BFF_RATE_TOKEN "20/200"

struct bff {
	struct storage *storage;
	int admin_set;                            /* 0: operator endpoints answer 403 */
	unsigned char admin_hash[TOKEN_HASH_LEN]; /* SHA-256 of the admin token */
	int demo;                                 /* --demo: the verification page is served */
	long device_interval;
	long device_expiry;
	long access_expiry;
	long tombstone_retention;
	long application_delay_ms; /* for tests: how long an application stays in flight */
	int forwarded_for;         /* take the client address from X-Forwarded-For */
	char *base_url;            /* "http://HOST:PORT", no trailing slash */
	struct sig_keyring *keyring; /* --agency-keys: signatures are checked; NULL: not */

	struct metrics *metrics;
	struct waitlist *waitlist;
	struct feed_tips *tips;       /* NULL: every sync reads the database */
	struct auth_cache *tokens;    /* NULL: every token is looked up */
	struct throttle *per_address; /* NULL: no limit */
	struct throttle *per_token;
};

#endif
