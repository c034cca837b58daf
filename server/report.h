/*
 * report: error reports that clients send when their user has opted in
 * (POST /v1/client-reports), so that operators can tell faults of the
 * application from faults of a resident's environment.  A report has a
 * fixed set of fields, none of them personal; any other field is refused,
 * and so is a body over REPORT_BODY_MAX.  Reports are kept (the newest
 * REPORT_KEEP), logged in one line each and counted in the metrics.
 */
#ifndef MYNA_REPORT_H
#define MYNA_REPORT_H

#include "http.h"

#define REPORT_BODY_MAX 4096    /* bytes in a report */
#define REPORT_MESSAGE_MAX 1024 /* bytes in its message */
#define REPORT_KEEP 10000       /* reports kept */

/* POST /v1/client-reports */
void report_post(struct http_req *req, struct http_resp *resp);

#endif
