/*
 * outbox: sends the queued submissions (see outbox.h).
 */
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "i18n.h"
#include "log.h"
#include "mem.h"
#include "outbox.h"
#include "text.h"
#include "wire.h"

char *
outbox_body(const struct store_outbox *o, char **cause)
{
	json_object *req, *fields;
	char *why = NULL, *body;

	fields = wire_parse(o->fields, strlen(o->fields), &why);
	if (fields == NULL || !json_object_is_type(fields, json_type_object)) {
		*cause = xasprintf(_("the queued submission %s has damaged fields: %s"), o->key,
				   why ? why : _("not a JSON object"));
		free(why);
		json_object_put(fields);
		return NULL;
	}
	req = json_object_new_object();
	json_object_object_add(req, "procedure", json_object_new_string(o->procedure));
	json_object_object_add(req, "answers", fields);
	body = xstrdup(json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN |
							   JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(req);
	return body;
}

/* Returns a cleaned copy of s cut to max bytes on a character boundary. */
static char *
outbox_clean(const char *s, size_t max)
{
	char *c = text_clean(s, strlen(s), 0);
	size_t len = strlen(c), cut = 0, n;
	unsigned int cp;

	if (len <= max)
		return c;
	while (cut < len) {
		n = text_decode(c + cut, len - cut, &cp);
		if (n == 0 || cut + n > max)
			break;
		cut += n;
	}
	c[cut] = '\0';
	return c;
}

/* Adds one field error to errs (capped), both strings cleaned. */
static void
outbox_add_error(json_object *errs, const char *field, const char *message)
{
	char *f, *m;

	if (field == NULL || *field == '\0' || message == NULL ||
	    json_object_object_length(errs) >= OUTBOX_ERRORS_MAX)
		return;
	f = outbox_clean(field, OUTBOX_FIELD_MAX);
	m = outbox_clean(message, OUTBOX_ERROR_MAX);
	if (*f != '\0')
		json_object_object_add(errs, f, json_object_new_string(m));
	free(f);
	free(m);
}

/* The string member key of o, or NULL. */
static const char *
outbox_member(json_object *o, const char *key)
{
	json_object *v = NULL;

	if (o == NULL || !json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

char *
outbox_field_errors(const char *body, size_t len)
{
	json_object *o, *v = NULL, *errs;
	char *why = NULL, *out = NULL;
	size_t i, n;

	if (body == NULL || len == 0 || (o = wire_parse(body, len, &why)) == NULL) {
		free(why);
		return NULL;
	}
	errs = json_object_new_object();
	/* {"errors": {"field": "message"}} or {"errors": [{"field", "message"}]},
	 * and RFC 9457's example shape {"invalid_params": [{"name", "reason"}]}. */
	if (json_object_is_type(o, json_type_object) && json_object_object_get_ex(o, "errors", &v)) {
		if (json_object_is_type(v, json_type_object)) {
			json_object_object_foreach(v, key, val)
			{
				if (json_object_is_type(val, json_type_string))
					outbox_add_error(errs, key, json_object_get_string(val));
			}
		} else if (json_object_is_type(v, json_type_array)) {
			n = json_object_array_length(v);
			for (i = 0; i < n; i++) {
				json_object *e = json_object_array_get_idx(v, i);
				const char *msg = outbox_member(e, "message");

				outbox_add_error(errs, outbox_member(e, "field"),
						 msg ? msg : outbox_member(e, "detail"));
			}
		}
	}
	if (json_object_is_type(o, json_type_object) &&
	    (json_object_object_get_ex(o, "invalid_params", &v) ||
	     json_object_object_get_ex(o, "invalid-params", &v)) &&
	    json_object_is_type(v, json_type_array)) {
		n = json_object_array_length(v);
		for (i = 0; i < n; i++) {
			json_object *e = json_object_array_get_idx(v, i);

			outbox_add_error(errs, outbox_member(e, "name"), outbox_member(e, "reason"));
		}
	}
	if (json_object_object_length(errs) > 0)
		out = xstrdup(json_object_to_json_string_ext(errs, JSON_C_TO_STRING_PLAIN |
								  JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(errs);
	json_object_put(o);
	return out;
}

/* The application id of a 2xx answer, cleaned, or NULL. */
static char *
outbox_application_id(const struct api_response *r)
{
	json_object *o;
	const char *id;
	char *why = NULL, *out = NULL;

	if ((o = wire_parse(r->body.data, r->body.len, &why)) == NULL) {
		free(why);
		return NULL;
	}
	id = outbox_member(o, "id");
	if (id != NULL && wire_id_valid(id))
		out = xstrdup(id);
	json_object_put(o);
	return out;
}

/* Whether an answer without success is worth sending again as it is.
 * 409 means the server is still handling an earlier try with the same key
 * (one cut short by a crash): the retry gets that try's answer. */
static int
outbox_retryable(long status)
{
	return status == 408 || status == 409 || status == 425 || status == 429 ||
	       status >= 500;
}

int
outbox_flush(struct store *st, struct session *se, struct outbox_result *res, char **cause)
{
	struct store_outbox *v = NULL;
	struct api_response r;
	size_t n = 0, i;
	char *body = NULL, *why = NULL, *problem = NULL, *errors = NULL, *app = NULL;
	int refreshed = 0, rc = -1;

	memset(res, 0, sizeof *res);
	res->retry_after = -1;
	api_response_init(&r);
	if (store_outbox_list(st, 1, &v, &n) < 0) {
		*cause = xstrdup(store_error(st));
		goto out;
	}
	if (n > 0 && se->api == NULL) {
		res->signed_out = 1;
		res->pending = n;
		*cause = xstrdup(_("not signed in: run myna login"));
		goto out;
	}
	for (i = 0; i < n; i++) {
		const struct store_outbox *o = &v[i];

		xfree(&body);
		if ((body = outbox_body(o, &why)) == NULL) {
			/* Sending it can never work: the resident has to
			 * fill the form in again. */
			log_error("%s", why);
			if (store_outbox_mark_needs_fixing(st, o->seq, NULL, why) < 0)
				goto store_failed;
			xfree(&why);
			res->needs_fixing++;
			continue;
		}
		if (api_post_json(se->api, OUTBOX_PATH, body, o->key, &r, &why) < 0) {
			/* No answer: the server may or may not have it; the
			 * same key makes sending it again harmless. */
			if (store_outbox_attempt(st, o->seq, why) < 0)
				goto store_failed;
			res->retry = 1;
			*cause = xasprintf(_("cannot send the submission: %s"), why);
			goto unsent;
		}
		if (r.status == 401 && !refreshed) {
			refreshed = 1;
			if (session_refresh(se, &why) < 0) {
				res->signed_out = se->signed_out;
				res->retry = !se->signed_out;
				*cause = why;
				why = NULL;
				goto unsent;
			}
			i--;	/* the same item again, with the new token */
			continue;
		}
		if (r.status >= 200 && r.status < 300) {
			/* Only an answer that is an application is the server's:
			 * anything else (a proxy's page, a truncated body) leaves
			 * the item queued, and the same key gets the real answer
			 * later. */
			if ((app = outbox_application_id(&r)) == NULL) {
				why = xasprintf(_("the answer to the submission (HTTP %ld) is not "
						  "an application"), r.status);
				if (store_outbox_attempt(st, o->seq, why) < 0)
					goto store_failed;
				res->retry = 1;
				*cause = why;
				why = NULL;
				goto unsent;
			}
			if (store_outbox_mark_sent(st, o->seq, app) < 0)
				goto store_failed;
			log_info(_("submission sent: %s, application %s"), o->procedure, app);
			xfree(&app);
			res->sent++;
			continue;
		}
		problem = api_problem(&r);
		if (outbox_retryable(r.status)) {
			if (store_outbox_attempt(st, o->seq, problem) < 0)
				goto store_failed;
			res->retry = 1;
			res->retry_after = r.retry_after;
			res->in_flight = r.status == 409;
			*cause = xasprintf(_("the server could not take the submission now: %s"),
					   problem);
			goto unsent;
		}
		if (r.status == 401) {
			res->signed_out = 1;
			*cause = xasprintf(_("the server did not accept the sign-in (%s): "
					     "sign in again with: myna login"), problem);
			goto unsent;
		}
		/* A final refusal: back to the draft, and on with the next. */
		if (r.status == 422)
			errors = outbox_field_errors(r.body.data, r.body.len);
		if (store_outbox_mark_needs_fixing(st, o->seq, errors, problem) < 0)
			goto store_failed;
		log_warn(_("submission refused: %s: %s; fix it in myna and send it again"),
			 o->procedure, problem);
		res->needs_fixing++;
		xfree(&errors);
		xfree(&problem);
	}
	rc = 0;
	goto out;
store_failed:
	*cause = xasprintf(_("cannot record the outbox in the local store: %s"),
			   store_error(st));
	goto out;
unsent:
	/* The rest waits: sending in order is part of the promise. */
	;
out:
	if (store_outbox_pending(st, &res->pending) < 0)
		res->pending = 0;
	free(body);
	free(why);
	free(problem);
	free(errors);
	free(app);
	store_outbox_free(v, n);
	api_response_release(&r);
	return rc;
}
