/*
 * throttle: rate limits by token bucket.  Each key (a client address, or
 * the hash of a bearer token) has a bucket that holds up to burst
 * requests and refills at rate requests per second; a request finds its
 * bucket empty, is refused (429) and told when to come back.
 *
 * Buckets live in a fixed table (4-way sets, keyed by a 64-bit hash with a
 * random seed), so memory stays bounded whatever the number of clients.
 * When a set is full, the bucket with the most requests left is reused: a
 * full bucket carries no state, so only clients under heavy use from many
 * colliding keys at once can lose some of their history.
 */
#ifndef MYNA_THROTTLE_H
#define MYNA_THROTTLE_H

#include <stddef.h>

struct throttle;

struct throttle_rate {
	double rate;  /* requests per second; 0: no limit */
	double burst; /* bucket size, at least 1 */
};

/* Parses "RATE/BURST", "RATE" (burst = 2 * rate, at least 1) or "off" (no
 * limit).  Returns 0, or -1 when malformed. */
int throttle_rate_parse(const char *s, struct throttle_rate *out);

/* A table of about slots buckets.  NULL when rate.rate is 0 (no limit). */
struct throttle *throttle_new(struct throttle_rate rate, size_t slots);
void throttle_free(struct throttle *t);

/* Takes one request from key's bucket at time now (seconds, monotonic).
 * Returns 0 when allowed, else the whole seconds to wait (at least 1).
 * A NULL t allows everything. */
long throttle_take(struct throttle *t, const void *key, size_t len, double now);

/* CLOCK_MONOTONIC in seconds. */
double throttle_now(void);

#endif
