/*
 * demo: the --demo data set (two residents, deadlines relative to today,
 * notices in Japanese and English from real procedures) and a minimal
 * verification page that stands in for approving a sign-in with the My
 * Number Card.
 */
#ifndef MYNA_DEMO_H
#define MYNA_DEMO_H

#include <time.h>

#include "http.h"

struct storage;

/* Fills an empty database (no users) with the demo data, dated from now;
 * does nothing when there are users already.  Returns 0, or -1 with *cause. */
int demo_load(struct storage *s, time_t now, char **cause);

/* GET /device and POST /device (only with --demo). */
void demo_page(struct http_req *req, struct http_resp *resp);
void demo_page_post(struct http_req *req, struct http_resp *resp);

#endif
