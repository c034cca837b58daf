/*
 * wire: the JSON codec of the change feed (see wire.h and docs/api.md).
 *
 * Decoding trusts nothing: the parser has a depth limit, every string is
 * capped and cleaned, ids are checked against WIRE_ID_CHARS, and a page is
 * either decoded whole or refused with a reason.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "date.h"
#include "i18n.h"
#include "mem.h"
#include "text.h"
#include "wire.h"

#define WIRE_DATE_MAX 64	/* bytes in an RFC 3339 time */

int
wire_id_valid(const char *id)
{
	size_t len;

	if (id == NULL)
		return 0;
	len = strlen(id);
	if (len == 0 || len > WIRE_ID_MAX)
		return 0;
	return strspn(id, WIRE_ID_CHARS) == len;
}

json_object *
wire_parse(const char *json, size_t len, char **cause)
{
	struct json_tokener *tok = NULL;
	json_object *o = NULL;
	enum json_tokener_error err;
	size_t end;

	if (len > INT_MAX) {
		*cause = xstrdup(_("the JSON document is too large"));
		return NULL;
	}
	tok = json_tokener_new_ex(WIRE_DEPTH_MAX);
	if (tok == NULL) {
		*cause = xstrdup(_("out of memory while parsing JSON"));
		return NULL;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	o = json_tokener_parse_ex(tok, json, (int)len);
	err = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	if (err == json_tokener_continue) {
		/* A bare number or literal at the very end cannot know it has
		 * ended until the tokener sees a NUL. */
		o = json_tokener_parse_ex(tok, "", 1);
		err = json_tokener_get_error(tok);
		end = len;
	}
	if (err == json_tokener_continue || (err != json_tokener_success && end >= len)) {
		*cause = xstrdup(_("the JSON document is incomplete"));
		goto fail;
	}
	if (err != json_tokener_success) {
		*cause = xasprintf(_("invalid JSON: %s"), json_tokener_error_desc(err));
		goto fail;
	}
	/* json-c represents a JSON null as NULL. */
	if (o == NULL) {
		*cause = xstrdup(_("the document is null, not a JSON object"));
		goto fail;
	}
	/* Only blanks may follow the value: "{} {}" is not one document. */
	for (; end < len; end++) {
		if (strchr(" \t\r\n", json[end]) == NULL || json[end] == '\0') {
			*cause = xstrdup(_("invalid JSON: data after the end of the document"));
			goto fail;
		}
	}
	json_tokener_free(tok);
	return o;
fail:
	json_object_put(o);
	json_tokener_free(tok);
	return NULL;
}

/* Returns a cleaned copy of the string o, which must be at most max bytes;
 * NULL with *cause otherwise.  name is the field, for the message. */
static char *
wire_clean_string(json_object *o, const char *name, size_t max, int flags, char **cause)
{
	size_t len;

	if (!json_object_is_type(o, json_type_string)) {
		*cause = xasprintf(_("field \"%s\" is not a string"), name);
		return NULL;
	}
	len = (size_t)json_object_get_string_len(o);
	if (len > max) {
		*cause = xasprintf(_("field \"%s\" is longer than %zu bytes"), name, max);
		return NULL;
	}
	return text_clean(json_object_get_string(o), len, flags);
}

/* Decodes an RFC 3339 time field; it must be present and parse. */
static char *
wire_time(json_object *data, const char *name, char **cause)
{
	json_object *v = NULL;
	char *s;
	time_t t;

	if (!json_object_object_get_ex(data, name, &v) || v == NULL) {
		*cause = xasprintf(_("field \"%s\" is missing"), name);
		return NULL;
	}
	if ((s = wire_clean_string(v, name, WIRE_DATE_MAX, 0, cause)) == NULL)
		return NULL;
	if (date_parse(s, &t) < 0) {
		*cause = xasprintf(_("field \"%s\" is not an RFC 3339 time: %s"), name, s);
		free(s);
		return NULL;
	}
	return s;
}

int
wire_text_decode(json_object *o, struct wire_text *out, int flags, char **cause)
{
	static const char *const langs[] = { "ja", "en" };
	char **slots[] = { &out->ja, &out->en };
	json_object *v;
	size_t i;

	memset(out, 0, sizeof *out);
	if (o == NULL)
		return 0;
	if (json_object_is_type(o, json_type_string)) {
		out->ja = wire_clean_string(o, "ja", WIRE_TEXT_MAX, flags, cause);
		return out->ja == NULL ? -1 : 0;
	}
	if (!json_object_is_type(o, json_type_object)) {
		*cause = xstrdup(_("localised text is neither an object nor a string"));
		return -1;
	}
	for (i = 0; i < sizeof langs / sizeof langs[0]; i++) {
		v = NULL;
		if (!json_object_object_get_ex(o, langs[i], &v) || v == NULL)
			continue;
		*slots[i] = wire_clean_string(v, langs[i], WIRE_TEXT_MAX, flags, cause);
		if (*slots[i] == NULL) {
			wire_text_release(out);
			return -1;
		}
	}
	return 0;
}

void
wire_text_release(struct wire_text *t)
{
	if (t == NULL)
		return;
	free(t->ja);
	free(t->en);
	t->ja = t->en = NULL;
}

/* Decodes the localised text field name of data; required fields must hold
 * some text in at least one language. */
static int
wire_text_field(json_object *data, const char *name, int required, int flags,
		struct wire_text *out, char **cause)
{
	json_object *v = NULL;
	char *why = NULL;

	memset(out, 0, sizeof *out);
	json_object_object_get_ex(data, name, &v);
	if (wire_text_decode(v, out, flags, &why) < 0) {
		*cause = xasprintf("%s: %s", name, why);
		free(why);
		return -1;
	}
	if (required && (out->ja == NULL || *out->ja == '\0') &&
	    (out->en == NULL || *out->en == '\0')) {
		wire_text_release(out);
		*cause = xasprintf(_("field \"%s\" is missing"), name);
		return -1;
	}
	return 0;
}

/* Checks that c carries data of the given type. */
static int
wire_change_data(const struct wire_change *c, const char *type, char **cause)
{
	if (c->type == NULL || strcmp(c->type, type) != 0) {
		*cause = xasprintf(_("change %s is not a %s"), c->id ? c->id : "?", type);
		return -1;
	}
	if (c->deleted || !json_object_is_type(c->data, json_type_object)) {
		*cause = xasprintf(_("change %s has no data"), c->id ? c->id : "?");
		return -1;
	}
	return 0;
}

int
wire_notice_decode(const struct wire_change *c, struct wire_notice *out, char **cause)
{
	char *why = NULL;

	memset(out, 0, sizeof *out);
	if (wire_change_data(c, "notice", cause) < 0)
		return -1;
	out->id = xstrdup(c->id);
	if (wire_text_field(c->data, "title", 1, 0, &out->title, &why) < 0 ||
	    wire_text_field(c->data, "body", 0, TEXT_MULTILINE, &out->body, &why) < 0 ||
	    wire_text_field(c->data, "sender", 0, 0, &out->sender, &why) < 0 ||
	    (out->published = wire_time(c->data, "published", &why)) == NULL)
		goto fail;
	return 0;
fail:
	*cause = xasprintf(_("notice %s: %s"), c->id, why);
	free(why);
	wire_notice_release(out);
	return -1;
}

int
wire_deadline_decode(const struct wire_change *c, struct wire_deadline *out, char **cause)
{
	json_object *v = NULL;
	char *why = NULL;

	memset(out, 0, sizeof *out);
	if (wire_change_data(c, "deadline", cause) < 0)
		return -1;
	out->id = xstrdup(c->id);
	if (wire_text_field(c->data, "title", 1, 0, &out->title, &why) < 0 ||
	    (out->due = wire_time(c->data, "due", &why)) == NULL)
		goto fail;
	if (json_object_object_get_ex(c->data, "procedure", &v) && v != NULL) {
		if (!json_object_is_type(v, json_type_string) ||
		    !wire_id_valid(json_object_get_string(v)) ||
		    (size_t)json_object_get_string_len(v) != strlen(json_object_get_string(v))) {
			why = xstrdup(_("field \"procedure\" is not a valid id"));
			goto fail;
		}
		out->procedure = xstrdup(json_object_get_string(v));
	}
	return 0;
fail:
	*cause = xasprintf(_("deadline %s: %s"), c->id, why);
	free(why);
	wire_deadline_release(out);
	return -1;
}

void
wire_notice_release(struct wire_notice *n)
{
	if (n == NULL)
		return;
	free(n->id);
	wire_text_release(&n->title);
	wire_text_release(&n->body);
	wire_text_release(&n->sender);
	free(n->published);
	memset(n, 0, sizeof *n);
}

void
wire_deadline_release(struct wire_deadline *d)
{
	if (d == NULL)
		return;
	free(d->id);
	wire_text_release(&d->title);
	free(d->due);
	free(d->procedure);
	memset(d, 0, sizeof *d);
}

/* Returns 1 if the JSON string o is a valid id (no embedded NUL). */
static int
wire_json_id(json_object *o)
{
	return json_object_is_type(o, json_type_string) &&
	       (size_t)json_object_get_string_len(o) == strlen(json_object_get_string(o)) &&
	       wire_id_valid(json_object_get_string(o));
}

/* Decodes one element of "changes" into c. */
static int
wire_change_decode(json_object *o, size_t index, struct wire_change *c, char **cause)
{
	json_object *type = NULL, *id = NULL, *op = NULL, *data = NULL;
	const char *ops;

	if (!json_object_is_type(o, json_type_object)) {
		*cause = xasprintf(_("change %zu is not an object"), index + 1);
		return -1;
	}
	json_object_object_get_ex(o, "type", &type);
	json_object_object_get_ex(o, "id", &id);
	json_object_object_get_ex(o, "op", &op);
	json_object_object_get_ex(o, "data", &data);
	/* Types follow the id rules, so even unknown ones are safe to log. */
	if (!wire_json_id(type)) {
		*cause = xasprintf(_("change %zu has no valid type"), index + 1);
		return -1;
	}
	if (!wire_json_id(id)) {
		*cause = xasprintf(_("change %zu has no valid id"), index + 1);
		return -1;
	}
	ops = json_object_is_type(op, json_type_string) ? json_object_get_string(op) : "";
	if (strcmp(ops, "delete") == 0)
		c->deleted = 1;
	else if (strcmp(ops, "upsert") == 0)
		c->deleted = 0;
	else {
		*cause = xasprintf(_("change %zu (%s) has no valid op"), index + 1,
				   json_object_get_string(id));
		return -1;
	}
	if (!c->deleted) {
		if (!json_object_is_type(data, json_type_object)) {
			*cause = xasprintf(_("change %zu (%s) has no data object"), index + 1,
					   json_object_get_string(id));
			return -1;
		}
		c->data = json_object_get(data);
	}
	c->type = xstrdup(json_object_get_string(type));
	c->id = xstrdup(json_object_get_string(id));
	return 0;
}

int
wire_page_decode(const char *json, size_t len, struct wire_page *out, char **cause)
{
	json_object *root = NULL, *cursor = NULL, *has_more = NULL, *changes = NULL;
	char *why = NULL;
	size_t i, n, clen;
	int rc = -1;

	memset(out, 0, sizeof *out);
	if ((root = wire_parse(json, len, &why)) == NULL)
		goto out;
	if (!json_object_is_type(root, json_type_object)) {
		why = xstrdup(_("the page is not a JSON object"));
		goto out;
	}
	json_object_object_get_ex(root, "cursor", &cursor);
	json_object_object_get_ex(root, "has_more", &has_more);
	json_object_object_get_ex(root, "changes", &changes);
	if (!json_object_is_type(cursor, json_type_string)) {
		why = xstrdup(_("field \"cursor\" is missing or not a string"));
		goto out;
	}
	/* The cursor goes back to the server as it came: refuse rather than
	 * clean it, since a cleaned cursor would point somewhere else. */
	clen = (size_t)json_object_get_string_len(cursor);
	if (clen > WIRE_CURSOR_MAX || clen != strlen(json_object_get_string(cursor))) {
		why = xstrdup(_("field \"cursor\" is too long or not text"));
		goto out;
	}
	out->cursor = text_clean(json_object_get_string(cursor), clen, 0);
	if (strcmp(out->cursor, json_object_get_string(cursor)) != 0) {
		why = xstrdup(_("field \"cursor\" holds control characters or invalid UTF-8"));
		goto out;
	}
	if (!json_object_is_type(has_more, json_type_boolean)) {
		why = xstrdup(_("field \"has_more\" is missing or not true/false"));
		goto out;
	}
	out->has_more = json_object_get_boolean(has_more);
	if (!json_object_is_type(changes, json_type_array)) {
		why = xstrdup(_("field \"changes\" is missing or not an array"));
		goto out;
	}
	n = json_object_array_length(changes);
	if (n > WIRE_PAGE_MAX) {
		why = xasprintf(_("the page holds %zu changes, more than %d"), n, WIRE_PAGE_MAX);
		goto out;
	}
	out->changes = xcalloc(n ? n : 1, sizeof *out->changes);
	for (i = 0; i < n; i++) {
		if (wire_change_decode(json_object_array_get_idx(changes, i), i,
				       &out->changes[i], &why) < 0)
			goto out;
		out->nchanges++;
	}
	rc = 0;
out:
	json_object_put(root);
	if (rc < 0) {
		*cause = xasprintf(_("bad feed page: %s"), why);
		free(why);
		wire_page_release(out);
	}
	return rc;
}

void
wire_page_release(struct wire_page *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->nchanges; i++) {
		free(p->changes[i].type);
		free(p->changes[i].id);
		json_object_put(p->changes[i].data);
	}
	free(p->changes);
	free(p->cursor);
	memset(p, 0, sizeof *p);
}

/* Adds key: s when s is not NULL. */
static void
wire_add_string(json_object *o, const char *key, const char *s)
{
	if (s != NULL)
		json_object_object_add(o, key, json_object_new_string(s));
}

json_object *
wire_text_encode(const struct wire_text *t)
{
	json_object *o = json_object_new_object();

	wire_add_string(o, "ja", t->ja);
	wire_add_string(o, "en", t->en);
	return o;
}

json_object *
wire_notice_encode(const struct wire_notice *n)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "title", wire_text_encode(&n->title));
	json_object_object_add(o, "body", wire_text_encode(&n->body));
	json_object_object_add(o, "sender", wire_text_encode(&n->sender));
	wire_add_string(o, "published", n->published);
	return o;
}

json_object *
wire_deadline_encode(const struct wire_deadline *d)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "title", wire_text_encode(&d->title));
	wire_add_string(o, "due", d->due);
	json_object_object_add(o, "procedure",
			       d->procedure ? json_object_new_string(d->procedure) : NULL);
	return o;
}

json_object *
wire_page_new(const char *cursor, int has_more)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "cursor", json_object_new_string(cursor ? cursor : ""));
	json_object_object_add(o, "has_more", json_object_new_boolean(has_more != 0));
	json_object_object_add(o, "changes", json_object_new_array());
	return o;
}

void
wire_page_add(json_object *page, const char *type, const char *id, int deleted, json_object *data)
{
	json_object *changes = NULL, *c;

	if (!json_object_object_get_ex(page, "changes", &changes)) {
		json_object_put(data);
		return;
	}
	c = json_object_new_object();
	json_object_object_add(c, "type", json_object_new_string(type));
	json_object_object_add(c, "id", json_object_new_string(id));
	json_object_object_add(c, "op", json_object_new_string(deleted ? "delete" : "upsert"));
	if (deleted)
		json_object_put(data);
	else
		json_object_object_add(c, "data", data);
	json_object_array_add(changes, c);
}
