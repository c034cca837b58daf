/*
 * Fuzzes the feed decoder that every byte from the server goes through:
 * a page, then each change by its type; a notice's signature is checked
 * (against the demo key of demo-nta) and must check the same after a
 * round trip through the codec.  A procedure's form is also used
 * to check the page's first application's answers, so form validation
 * sees server-made schemas and values alike.
 */
#include <stdlib.h>
#include <string.h>

#include "../../server/demo_keys.h"
#include "../../shared/sig.h"
#include "../../shared/wire.h"
#include "fuzz.h"

/* A keyring trusting the demo key of demo-nta, made once. */
static struct sig_keyring *
fuzz_keyring(void)
{
	static struct sig_keyring *kr;
	struct sig_key *k;
	char *pem, *cause = NULL;
	size_t i;

	if (kr != NULL)
		return kr;
	kr = sig_keyring_new();
	for (i = 0; i < demo_nkeys; i++) {
		if (strcmp(demo_keys[i].agency, "demo-nta") != 0)
			continue;
		k = sig_key_from_pem(demo_keys[i].pem, strlen(demo_keys[i].pem), &cause);
		if (k == NULL)
			abort();
		pem = sig_key_public_pem(k);
		if (pem == NULL ||
		    sig_keyring_add_pem(kr, "demo-nta", pem, strlen(pem), "fuzz", &cause) != 0)
			abort();
		free(pem);
		sig_key_free(k);
	}
	return kr;
}

/* Decodes one change with the decoder of its type. */
static void
fuzz_wire_change(const struct wire_change *c, struct wire_procedure *proc, int *have_proc)
{
	char *cause = NULL;

	if (strcmp(c->type, "notice") == 0) {
		struct wire_notice n;

		if (wire_notice_decode(c, &n, &cause) == 0) {
			json_object *o = wire_notice_encode(&n);
			struct wire_change again = { c->type, c->id, 0, o };
			struct wire_notice m;
			char *cause2 = NULL;
			enum sig_trust t = sig_verify(fuzz_keyring(), &n);

			if (t != SIG_UNSIGNED && t != SIG_VERIFIED && t != SIG_BAD &&
			    t != SIG_UNKNOWN)
				abort();
			/* Only a notice with no agency and no signature is unsigned. */
			if ((t == SIG_UNSIGNED) != (n.agency == NULL && n.signature == NULL))
				abort();
			/* What was accepted must encode into something accepted,
			 * and checks the same way again. */
			if (wire_notice_decode(&again, &m, &cause2) < 0)
				abort();
			if (sig_verify(fuzz_keyring(), &m) != t)
				abort();
			wire_notice_release(&m);
			json_object_put(o);
			wire_notice_release(&n);
		}
	} else if (strcmp(c->type, "deadline") == 0) {
		struct wire_deadline d;

		if (wire_deadline_decode(c, &d, &cause) == 0)
			wire_deadline_release(&d);
	} else if (strcmp(c->type, "procedure") == 0) {
		struct wire_procedure p;

		if (wire_procedure_decode(c, &p, &cause) == 0) {
			if (*have_proc)
				wire_procedure_release(&p);
			else {
				*proc = p;
				*have_proc = 1;
			}
		}
	} else if (strcmp(c->type, "application") == 0) {
		struct wire_application a;

		if (wire_application_decode(c, &a, &cause) == 0)
			wire_application_release(&a);
	} else if (strcmp(c->type, "record") == 0) {
		struct wire_record r;

		if (wire_record_decode(c, &r, &cause) == 0)
			wire_record_release(&r);
	} else if (strcmp(c->type, "access_log") == 0) {
		struct wire_access a;

		if (wire_access_decode(c, &a, &cause) == 0)
			wire_access_release(&a);
	}
	free(cause);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wire_page page = { 0 };
	struct wire_procedure proc;
	int have_proc = 0;
	char *cause = NULL;
	size_t i;

	if (wire_page_decode((const char *)data, size, &page, &cause) < 0) {
		if (cause == NULL)
			abort(); /* every refusal says why */
		free(cause);
		return 0;
	}
	for (i = 0; i < page.nchanges; i++)
		fuzz_wire_change(&page.changes[i], &proc, &have_proc);
	if (have_proc) {
		for (i = 0; i < page.nchanges; i++) {
			struct wire_answer *answers = NULL;
			struct wire_field_error *errs = NULL;
			size_t nanswers = 0, nerrs = 0;
			json_object *a = page.changes[i].data;

			if (a == NULL || !json_object_object_get_ex(a, "answers", &a))
				continue;
			wire_answers_check(proc.fields, proc.nfields, a, &answers, &nanswers,
					   &errs, &nerrs);
			wire_answers_free(answers, nanswers);
			wire_field_errors_free(errs, nerrs);
		}
		wire_procedure_release(&proc);
	}
	wire_page_release(&page);
	return 0;
}
