/*
 * metrics: the counters behind GET /metrics (Prometheus text format 0.0.4).
 * Requests by route and status code, a latency histogram per route, feed
 * changes served, refusals by the rate limits, client reports, requests in
 * flight.  Every counter is an atomic, so request threads update them
 * without a lock; nothing personal is kept.
 */
#ifndef MYNA_METRICS_H
#define MYNA_METRICS_H

#include <stddef.h>

struct buf;
struct metrics;

/* The upper bounds of the latency buckets, in seconds (then +Inf). */
#define METRICS_BUCKETS 13

enum metrics_limit { METRICS_LIMIT_ADDRESS, METRICS_LIMIT_TOKEN };

/* Counters for routes 0 .. nroutes-1, and nroutes for requests that
 * matched no route. */
struct metrics *metrics_new(size_t nroutes);
void metrics_free(struct metrics *m);

/* One answered request: its route, status and time spent working on it. */
void metrics_request(struct metrics *m, size_t route, int status, double seconds);
void metrics_inflight(struct metrics *m, int delta);
long metrics_inflight_now(struct metrics *m);
void metrics_changes(struct metrics *m, long n);
void metrics_limited(struct metrics *m, enum metrics_limit by);
/* kind: "error" or "crash"; others count as "other". */
void metrics_report(struct metrics *m, const char *kind);

/* The method and pattern of route i ("GET", "/v1/sync"); i == nroutes is
 * never asked. */
typedef void (*metrics_label_fn)(size_t i, const char **method, const char **route);
/* Appends every counter to b. */
void metrics_render(struct metrics *m, struct buf *b, metrics_label_fn label);

#endif
