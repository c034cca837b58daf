/*
 * Fuzzes the server's reading of JSON request bodies, the path every
 * operator and resident POST takes: http_json_body (UTF-8 check, strict
 * JSON with a depth cap, nothing after the value, an object), then the
 * field checks of server/field.c as the notice endpoint uses them, and
 * its reading of a whole notice (admin_notice_read: published, agency,
 * signature).
 * Whatever the bytes, the answer is either values that are valid UTF-8
 * with no control character and within their caps, or a 400/422 problem.
 */
#include <stdlib.h>
#include <string.h>

#include "../../server/admin.h"
#include "../../server/field.h"
#include "../../server/http.h"
#include "date.h"
#include "fuzz.h"
#include "sig.h"
#include "text.h"

#define FUZZ_BODY_TITLE_MAX  1024
#define FUZZ_BODY_BODY_MAX   16384
#define FUZZ_BODY_SENDER_MAX 256

/* Aborts unless s is NULL or clean text of at most max bytes; multi
 * allows line breaks. */
static void
fuzz_body_clean(const char *s, size_t max, int multi)
{
	size_t len, i;

	if (s == NULL)
		return;
	len = strlen(s);
	if (len > max || !text_valid_utf8(s, len))
		abort();
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 && !(multi && c == '\n')) || c == 0x7f)
			abort();
		/* C1 controls as UTF-8: C2 80 to C2 9F. */
		if (c == 0xc2 && i + 1 < len && (unsigned char)s[i + 1] >= 0x80 &&
		    (unsigned char)s[i + 1] <= 0x9f)
			abort();
	}
}

static void
fuzz_body_problem(const struct http_resp *resp)
{
	if ((resp->status != 400 && resp->status != 422) || resp->body == NULL)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const allowed[] = { "audience", "title",  "body",      "sender", "user",
					       "published", "agency", "signature", NULL };
	struct http_req req;
	struct http_resp resp;
	struct wire_text title = { 0 }, body = { 0 }, sender = { 0 };
	json_object *o = NULL;
	char *copy, *user = NULL;

	/* The server hands handlers a NUL-terminated copy of the body. */
	copy = malloc(size + 1);
	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	copy[size] = '\0';
	memset(&req, 0, sizeof req);
	memset(&resp, 0, sizeof resp);
	req.method = "POST";
	req.path = "/v1/admin/notices";
	req.body = copy;
	req.body_len = size;
	if (http_json_body(&req, &resp, &o) < 0) {
		if (o != NULL)
			abort();
		fuzz_body_problem(&resp);
		goto out;
	}
	if (!json_object_is_type(o, json_type_object))
		abort();
	if (field_known(o, allowed, &resp) < 0) {
		fuzz_body_problem(&resp);
		goto out;
	}
	if (field_text(o, "title", FUZZ_BODY_TITLE_MAX, 0, &title, &resp) < 0 ||
	    field_text(o, "body", FUZZ_BODY_BODY_MAX, TEXT_MULTILINE, &body, &resp) < 0 ||
	    field_text(o, "sender", FUZZ_BODY_SENDER_MAX, 0, &sender, &resp) < 0 ||
	    field_string(o, "user", 0, 64, 0, &user, &resp) < 0) {
		fuzz_body_problem(&resp);
		goto out;
	}
	if (title.ja == NULL || body.ja == NULL || sender.ja == NULL)
		abort();
	fuzz_body_clean(title.ja, FUZZ_BODY_TITLE_MAX, 0);
	fuzz_body_clean(title.en, FUZZ_BODY_TITLE_MAX, 0);
	fuzz_body_clean(body.ja, FUZZ_BODY_BODY_MAX, 1);
	fuzz_body_clean(body.en, FUZZ_BODY_BODY_MAX, 1);
	fuzz_body_clean(sender.ja, FUZZ_BODY_SENDER_MAX, 0);
	fuzz_body_clean(sender.en, FUZZ_BODY_SENDER_MAX, 0);
	fuzz_body_clean(user, 64, 0);
	/* The whole notice as POST /v1/admin/notices and sign-notice read it:
	 * a checked agency id, a signature of the right form, a time. */
	{
		struct wire_notice n;
		unsigned char raw[SIG_BYTES];
		time_t t;

		http_resp_release(&resp);
		memset(&resp, 0, sizeof resp);
		if (admin_notice_read(o, &n, &resp) < 0) {
			fuzz_body_problem(&resp);
		} else {
			if ((n.agency != NULL && !sig_agency_valid(n.agency)) ||
			    (n.signature != NULL && sig_decode(n.signature, raw) != 0) ||
			    (n.published != NULL && date_parse(n.published, &t) != 0))
				abort();
			wire_notice_release(&n);
		}
	}
out:
	wire_text_release(&title);
	wire_text_release(&body);
	wire_text_release(&sender);
	free(user);
	json_object_put(o);
	http_resp_release(&resp);
	free(copy);
	return 0;
}
