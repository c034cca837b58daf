#include "metrics.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "mem.h"

#define METRICS_CODES 500 /* status codes 100 .. 599 */

static const double metrics_bounds[METRICS_BUCKETS] = {
        0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
};
static const char *const metrics_bound_names[METRICS_BUCKETS] = {
        "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1",
        "0.25",  "0.5",    "1",     "2.5",  "5",     "10",
};

static const char *const metrics_report_kinds[] = {"error", "crash", "other"};
#define METRICS_REPORT_KINDS (sizeof metrics_report_kinds / sizeof metrics_report_kinds[0])

struct metrics_route {
	atomic_ulong codes[METRICS_CODES];
	atomic_ulong buckets[METRICS_BUCKETS + 1]; /* the last one: beyond every bound */
	atomic_ullong micros;                      /* the sum of durations */
	atomic_ulong count;
};

struct metrics {
	size_t nroutes;
	struct metrics_route *routes; /* nroutes + 1 */
	atomic_long inflight;
	atomic_ulong changes;
	atomic_ulong limited[2];
	atomic_ulong reports[METRICS_REPORT_KINDS];
};

struct metrics *
metrics_new(size_t nroutes)
{
	struct metrics *m = xcalloc(1, sizeof *m);

	m->nroutes = nroutes;
	/* Zeroed memory is a valid initial state for these atomics. */
	m->routes = xcalloc(nroutes + 1, sizeof *m->routes);
	return m;
}

void
metrics_free(struct metrics *m)
{
	if (m == NULL)
		return;
	free(m->routes);
	free(m);
}

void
metrics_request(struct metrics *m, size_t route, int status, double seconds)
{
	struct metrics_route *r;
	size_t b;

	if (route > m->nroutes)
		route = m->nroutes;
	r = &m->routes[route];
	if (status >= 100 && status < 100 + METRICS_CODES)
		atomic_fetch_add(&r->codes[status - 100], 1);
	for (b = 0; b < METRICS_BUCKETS && seconds > metrics_bounds[b]; b++)
		;
	atomic_fetch_add(&r->buckets[b], 1);
	if (seconds > 0)
		atomic_fetch_add(&r->micros, (unsigned long long)(seconds * 1e6));
	atomic_fetch_add(&r->count, 1);
}

void
metrics_inflight(struct metrics *m, int delta)
{
	atomic_fetch_add(&m->inflight, delta);
}

long
metrics_inflight_now(struct metrics *m)
{
	return atomic_load(&m->inflight);
}

void
metrics_changes(struct metrics *m, long n)
{
	if (n > 0)
		atomic_fetch_add(&m->changes, (unsigned long)n);
}

void
metrics_limited(struct metrics *m, enum metrics_limit by)
{
	atomic_fetch_add(&m->limited[by == METRICS_LIMIT_TOKEN], 1);
}

void
metrics_report(struct metrics *m, const char *kind)
{
	size_t i;

	for (i = 0; i + 1 < METRICS_REPORT_KINDS; i++)
		if (kind != NULL && strcmp(kind, metrics_report_kinds[i]) == 0)
			break;
	atomic_fetch_add(&m->reports[i], 1);
}

void
metrics_render(struct metrics *m, struct buf *b, metrics_label_fn label)
{
	size_t i, c, k;

	buf_addstr(b, "# HELP myna_bff_requests_total Requests answered, by route and status.\n"
	              "# TYPE myna_bff_requests_total counter\n");
	for (i = 0; i <= m->nroutes; i++) {
		const char *meth = "", *l = "unmatched";

		if (i < m->nroutes)
			label(i, &meth, &l);
		for (c = 0; c < METRICS_CODES; c++) {
			unsigned long v = atomic_load(&m->routes[i].codes[c]);

			if (v > 0)
				buf_printf(b,
				           "myna_bff_requests_total{method=\"%s\",route=\"%s\","
				           "code=\"%zu\"} %lu\n",
				           meth, l, c + 100, v);
		}
	}
	buf_addstr(b, "# HELP myna_bff_request_duration_seconds Time spent answering, by route "
	              "(a long poll's waiting is left out).\n"
	              "# TYPE myna_bff_request_duration_seconds histogram\n");
	for (i = 0; i <= m->nroutes; i++) {
		const char *meth = "", *l = "unmatched";
		unsigned long count = atomic_load(&m->routes[i].count), cum = 0;

		if (count == 0)
			continue;
		if (i < m->nroutes)
			label(i, &meth, &l);
		for (k = 0; k <= METRICS_BUCKETS; k++) {
			cum += atomic_load(&m->routes[i].buckets[k]);
			buf_printf(b,
			           "myna_bff_request_duration_seconds_bucket{method=\"%s\",route="
			           "\"%s\","
			           "le=\"%s\"} %lu\n",
			           meth, l, k < METRICS_BUCKETS ? metrics_bound_names[k] : "+Inf",
			           cum);
		}
		buf_printf(b,
		           "myna_bff_request_duration_seconds_sum{method=\"%s\",route=\"%s\"} "
		           "%.6f\n",
		           meth, l, (double)atomic_load(&m->routes[i].micros) / 1e6);
		buf_printf(b,
		           "myna_bff_request_duration_seconds_count{method=\"%s\",route=\"%s\"} "
		           "%lu\n",
		           meth, l, count);
	}
	buf_printf(b,
	           "# HELP myna_bff_requests_in_flight Requests being handled, waiting long polls "
	           "included.\n"
	           "# TYPE myna_bff_requests_in_flight gauge\n"
	           "myna_bff_requests_in_flight %ld\n",
	           atomic_load(&m->inflight));
	buf_printf(b,
	           "# HELP myna_bff_feed_changes_served_total Changes sent in sync pages.\n"
	           "# TYPE myna_bff_feed_changes_served_total counter\n"
	           "myna_bff_feed_changes_served_total %lu\n",
	           atomic_load(&m->changes));
	buf_printf(b,
	           "# HELP myna_bff_rate_limited_total Requests refused with 429, by limit.\n"
	           "# TYPE myna_bff_rate_limited_total counter\n"
	           "myna_bff_rate_limited_total{limit=\"address\"} %lu\n"
	           "myna_bff_rate_limited_total{limit=\"token\"} %lu\n",
	           atomic_load(&m->limited[0]), atomic_load(&m->limited[1]));
	buf_addstr(b, "# HELP myna_bff_client_reports_total Error reports sent by clients.\n"
	              "# TYPE myna_bff_client_reports_total counter\n");
	for (k = 0; k < METRICS_REPORT_KINDS; k++)
		buf_printf(b, "myna_bff_client_reports_total{kind=\"%s\"} %lu\n",
		           metrics_report_kinds[k], atomic_load(&m->reports[k]));
}
