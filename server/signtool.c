/*
 * signtool: myna-bff sign-notice, the operators' tool that signs a notice
 * with an agency's private key (see signtool.h, docs/api.md).
 */
#include "signtool.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "admin.h"
#include "buf.h"
#include "date.h"
#include "field.h"
#include "http.h"
#include "i18n.h"
#include "mem.h"
#include "sig.h"
#include "wire.h"

/* The most that POST /v1/admin/notices takes. */
#define SIGNTOOL_INPUT_MAX (64 * 1024)

static void
signtool_usage(FILE *f)
{
	fprintf(f, "%s",
	        _("Usage: myna-bff sign-notice --key FILE [--agency ID] [--published TIME]\n"
	          "                            < notice.json > signed.json\n"
	          "\n"
	          "Signs a notice for POST /v1/admin/notices with an agency's Ed25519 private\n"
	          "key.  Reads the notice as that endpoint takes it, and writes it with its\n"
	          "text cleaned as the server will keep it, and with \"agency\", \"published\"\n"
	          "and \"signature\" set.  Anything changed after signing makes clients warn\n"
	          "that the signature does not match.\n"
	          "\n"
	          "  --key FILE        the agency's private key (PEM, as made by\n"
	          "                    openssl genpkey -algorithm ed25519)\n"
	          "  --agency ID       the agency's id (default: the notice's \"agency\")\n"
	          "  --published TIME  the publication time, RFC 3339 (default: the notice's\n"
	          "                    \"published\", else now)\n"
	          "  --help            show this help\n"));
}

/* Says what went wrong; returns the exit status 1. */
static int
signtool_fail(const char *what)
{
	fprintf(stderr, "myna-bff sign-notice: %s\n", what);
	return 1;
}

/* The detail of the problem in resp, for a message. */
static int
signtool_problem(const struct http_resp *resp)
{
	json_object *o = resp->body != NULL ? json_tokener_parse(resp->body) : NULL, *d = NULL;
	int rc;

	if (o != NULL && json_object_object_get_ex(o, "detail", &d))
		rc = signtool_fail(json_object_get_string(d));
	else
		rc = signtool_fail(_("the notice is not valid"));
	json_object_put(o);
	return rc;
}

/* Reads stdin whole, up to the cap. */
static int
signtool_read(struct buf *b)
{
	char chunk[4096];
	ssize_t got;

	buf_init(b, SIGNTOOL_INPUT_MAX);
	while ((got = read(STDIN_FILENO, chunk, sizeof chunk)) != 0) {
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0 || buf_add(b, chunk, (size_t)got) < 0)
			return -1;
	}
	return 0;
}

int
signtool_main(int argc, char **argv)
{
	static const struct option options[] = {
	        {"key", required_argument, NULL, 'k'},
	        {"agency", required_argument, NULL, 'a'},
	        {"published", required_argument, NULL, 'p'},
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0},
	};
	static const char *const fields[] = {"audience", "title",  "body",      "sender",
	                                     "published", "agency", "signature", NULL};
	const char *key_path = NULL, *agency = NULL, *published = NULL;
	struct http_req req;
	struct http_resp resp;
	struct wire_notice n;
	struct sig_key *key = NULL;
	json_object *body = NULL, *out = NULL, *audience = NULL;
	char when[40], *cause = NULL, *sig = NULL;
	struct buf in;
	time_t t;
	int opt, rc = 1;

	memset(&req, 0, sizeof req);
	memset(&resp, 0, sizeof resp);
	memset(&n, 0, sizeof n);
	buf_init(&in, 0);
	optind = 1;
	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (opt) {
		case 'k':
			key_path = optarg;
			break;
		case 'a':
			agency = optarg;
			break;
		case 'p':
			published = optarg;
			break;
		case 'h':
			signtool_usage(stdout);
			return 0;
		default:
			signtool_usage(stderr);
			return 2;
		}
	}
	if (optind < argc || key_path == NULL) {
		signtool_usage(stderr);
		return 2;
	}
	if (published != NULL && date_parse(published, &t) != 0)
		return signtool_fail(_("--published takes an RFC 3339 time, such as "
		                       "2026-11-20T10:00:00+09:00"));
	if ((key = sig_key_read(key_path, &cause)) == NULL) {
		rc = signtool_fail(cause);
		goto out;
	}
	if (signtool_read(&in) != 0) {
		rc = signtool_fail(_("cannot read the notice from the standard input, or it is "
		                     "larger than 64 KiB"));
		goto out;
	}
	/* The server's own reading of the body: what is signed is what it
	 * will keep. */
	req.method = "POST";
	req.path = "/v1/admin/notices";
	req.body = in.data;
	req.body_len = in.len;
	if (http_json_body(&req, &resp, &body) != 0 || field_known(body, fields, &resp) != 0 ||
	    admin_notice_read(body, &n, &resp) != 0) {
		rc = signtool_problem(&resp);
		goto out;
	}
	if (agency != NULL) {
		free(n.agency);
		n.agency = xstrdup(agency);
	}
	if (!sig_agency_valid(n.agency)) {
		rc = signtool_fail(_("say which agency signs with --agency ID (1 to 64 characters "
		                     "of a-z, 0-9 and -)"));
		goto out;
	}
	if (published != NULL || n.published == NULL) {
		if (published == NULL)
			t = time(NULL);
		free(n.published);
		n.published = xstrdup(date_format(t, when, sizeof when));
	}
	free(n.signature);
	n.signature = NULL;
	if ((sig = sig_sign(key, &n, &cause)) == NULL) {
		rc = signtool_fail(cause);
		goto out;
	}
	out = json_object_new_object();
	if (json_object_object_get_ex(body, "audience", &audience) && audience != NULL)
		json_object_object_add(out, "audience", json_object_get(audience));
	json_object_object_add(out, "title", wire_text_encode(&n.title));
	json_object_object_add(out, "body", wire_text_encode(&n.body));
	json_object_object_add(out, "sender", wire_text_encode(&n.sender));
	json_object_object_add(out, "published", json_object_new_string(n.published));
	json_object_object_add(out, "agency", json_object_new_string(n.agency));
	json_object_object_add(out, "signature", json_object_new_string(sig));
	printf("%s\n", json_object_to_json_string_ext(out, JSON_C_TO_STRING_PLAIN |
	                                                          JSON_C_TO_STRING_NOSLASHESCAPE));
	rc = fflush(stdout) == 0 ? 0 : signtool_fail(strerror(errno));
out:
	json_object_put(out);
	json_object_put(body);
	http_resp_release(&resp);
	wire_notice_release(&n);
	sig_key_free(key);
	buf_release(&in);
	free(sig);
	free(cause);
	return rc;
}
