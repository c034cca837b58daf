#include "throttle.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mem.h"
#include "token.h"

#define THROTTLE_WAYS 4
#define THROTTLE_LOCKS 16

struct throttle_bucket {
	uint64_t key; /* 0: free */
	double tokens;
	double last;
};

struct throttle {
	struct throttle_rate rate;
	uint64_t seed;
	size_t nsets;
	struct throttle_bucket *buckets; /* nsets * THROTTLE_WAYS */
	pthread_mutex_t locks[THROTTLE_LOCKS];
};

double
throttle_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Parses a positive decimal number. */
static int
throttle_number(const char *s, size_t len, double *out)
{
	char buf[32], *end = NULL;

	if (len == 0 || len >= sizeof buf || strspn(s, "0123456789.") < len)
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	errno = 0;
	*out = strtod(buf, &end);
	if (errno != 0 || *end != '\0' || !(*out >= 0) || *out > 1e9)
		return -1;
	return 0;
}

int
throttle_rate_parse(const char *s, struct throttle_rate *out)
{
	const char *slash;

	memset(out, 0, sizeof *out);
	if (s == NULL)
		return -1;
	if (strcmp(s, "off") == 0)
		return 0;
	slash = strchr(s, '/');
	if (throttle_number(s, slash ? (size_t)(slash - s) : strlen(s), &out->rate) != 0)
		return -1;
	if (slash != NULL) {
		if (throttle_number(slash + 1, strlen(slash + 1), &out->burst) != 0 ||
		    out->burst < 1)
			return -1;
	} else {
		out->burst = out->rate * 2 < 1 ? 1 : out->rate * 2;
	}
	if (out->rate == 0)
		return -1; /* "off" says it plainly */
	return 0;
}

struct throttle *
throttle_new(struct throttle_rate rate, size_t slots)
{
	struct throttle *t;
	size_t i;

	if (rate.rate <= 0)
		return NULL;
	t = xcalloc(1, sizeof *t);
	t->rate = rate;
	t->nsets = slots / THROTTLE_WAYS > 0 ? slots / THROTTLE_WAYS : 1;
	t->buckets = xcalloc(t->nsets * THROTTLE_WAYS, sizeof *t->buckets);
	/* A secret seed, so that nobody can aim keys at one set. */
	if (token_random(&t->seed, sizeof t->seed) != 0)
		t->seed = (uint64_t)time(NULL) * 0x9e3779b97f4a7c15ULL;
	for (i = 0; i < THROTTLE_LOCKS; i++)
		pthread_mutex_init(&t->locks[i], NULL);
	return t;
}

void
throttle_free(struct throttle *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < THROTTLE_LOCKS; i++)
		pthread_mutex_destroy(&t->locks[i]);
	free(t->buckets);
	free(t);
}

/* FNV-1a over the seed and the key, then a final mix. */
static uint64_t
throttle_hash(const struct throttle *t, const void *key, size_t len)
{
	const unsigned char *p = key;
	uint64_t h = 0xcbf29ce484222325ULL ^ t->seed;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h != 0 ? h : 1;
}

/* The bucket's requests at now. */
static double
throttle_refill(const struct throttle *t, const struct throttle_bucket *b, double now)
{
	double v = b->tokens + (now - b->last) * t->rate.rate;

	return v > t->rate.burst ? t->rate.burst : v;
}

long
throttle_take(struct throttle *t, const void *key, size_t len, double now)
{
	struct throttle_bucket *set, *b = NULL;
	uint64_t h;
	size_t i, s;
	long wait = 0;

	if (t == NULL)
		return 0;
	h = throttle_hash(t, key, len);
	s = (size_t)(h % t->nsets);
	set = &t->buckets[s * THROTTLE_WAYS];
	pthread_mutex_lock(&t->locks[s % THROTTLE_LOCKS]);
	for (i = 0; i < THROTTLE_WAYS; i++)
		if (set[i].key == h)
			b = &set[i];
	if (b == NULL) {
		/* A free bucket, else the one with the most requests left. */
		double best = -1;

		for (i = 0; i < THROTTLE_WAYS; i++) {
			double v = set[i].key == 0 ? t->rate.burst + 1
			                           : throttle_refill(t, &set[i], now);

			if (v > best) {
				best = v;
				b = &set[i];
			}
		}
		b->key = h;
		b->tokens = t->rate.burst;
		b->last = now;
	}
	b->tokens = throttle_refill(t, b, now);
	b->last = now;
	if (b->tokens >= 1) {
		b->tokens -= 1;
	} else {
		wait = (long)ceil((1 - b->tokens) / t->rate.rate);
		if (wait < 1)
			wait = 1;
	}
	pthread_mutex_unlock(&t->locks[s % THROTTLE_LOCKS]);
	return wait;
}
