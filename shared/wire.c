/*
 * wire: the JSON codec of the change feed (see wire.h and docs/api.md).
 *
 * Decoding trusts nothing: the parser has a depth limit, every string is
 * capped and cleaned, ids are checked against WIRE_ID_CHARS, and a page is
 * either decoded whole or refused with a reason.
 */
#include <errno.h>
#include <limits.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "amount.h"
#include "buf.h"
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

/* Decodes a notice's optional agency or signature: a string of at most
 * WIRE_SIG_FIELD_MAX bytes, kept (cleaned) whatever it holds, since a
 * malformed one is for the client's check to find and show, not a reason
 * to refuse the page. */
static int
wire_sig_field(json_object *data, const char *name, char **out, char **cause)
{
	json_object *v = NULL;

	*out = NULL;
	if (!json_object_object_get_ex(data, name, &v) || v == NULL)
		return 0;
	*out = wire_clean_string(v, name, WIRE_SIG_FIELD_MAX, 0, cause);
	if (*out == NULL)
		return -1;
	/* Cleaning may lengthen bad bytes (U+FFFD): the cap holds for what is
	 * kept too, so that what is kept is taken again. */
	if (strlen(*out) > WIRE_SIG_FIELD_MAX) {
		*cause = xasprintf(_("field \"%s\" is longer than %zu bytes"), name,
				   (size_t)WIRE_SIG_FIELD_MAX);
		xfree(out);
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
	    (out->published = wire_time(c->data, "published", &why)) == NULL ||
	    wire_sig_field(c->data, "agency", &out->agency, &why) < 0 ||
	    wire_sig_field(c->data, "signature", &out->signature, &why) < 0)
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
	free(n->agency);
	free(n->signature);
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
	wire_add_string(o, "agency", n->agency);
	wire_add_string(o, "signature", n->signature);
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

/* --- pages written as text ----------------------------------------------- */

/* Appends s as a JSON string. */
static void
wire_buf_string(struct buf *b, const char *s)
{
	buf_addch(b, '"');
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			buf_printf(b, "\\%c", c);
		else if (c < 0x20)
			buf_printf(b, "\\u%04x", c);
		else
			buf_addch(b, (char)c);
	}
	buf_addch(b, '"');
}

void
wire_page_text_add(struct buf *changes, const char *type, const char *id, int deleted,
		   const char *data_json, size_t data_len)
{
	if (changes->len > 0)
		buf_addch(changes, ',');
	buf_addstr(changes, "{\"type\":");
	wire_buf_string(changes, type);
	buf_addstr(changes, ",\"id\":");
	wire_buf_string(changes, id);
	if (deleted || data_json == NULL) {
		buf_addstr(changes, ",\"op\":\"delete\"}");
		return;
	}
	buf_addstr(changes, ",\"op\":\"upsert\",\"data\":");
	buf_add(changes, data_json, data_len);
	buf_addch(changes, '}');
}

void
wire_page_text_end(struct buf *out, const char *cursor, int has_more, const struct buf *changes)
{
	buf_addstr(out, "{\"cursor\":");
	wire_buf_string(out, cursor ? cursor : "");
	buf_printf(out, ",\"has_more\":%s,\"changes\":[", has_more ? "true" : "false");
	buf_add(out, changes->data, changes->len);
	buf_addstr(out, "]}\n");
}

/* --- helpers for the other types -------------------------------------------- */

static json_object *
wire_member(json_object *o, const char *name)
{
	json_object *v = NULL;

	if (!json_object_object_get_ex(o, name, &v))
		return NULL;
	return v;
}

/* An id-like string member (WIRE_ID_CHARS, no NUL inside).  Absent or
 * null gives NULL, which fails when required. */
static int
wire_id_member(json_object *data, const char *name, int required, char **out, char **cause)
{
	json_object *v = wire_member(data, name);

	*out = NULL;
	if (v == NULL) {
		if (!required)
			return 0;
		*cause = xasprintf(_("field \"%s\" is missing"), name);
		return -1;
	}
	if (!wire_json_id(v)) {
		*cause = xasprintf(_("field \"%s\" is not a valid id"), name);
		return -1;
	}
	*out = xstrdup(json_object_get_string(v));
	return 0;
}

/* A boolean member; absent or null gives def. */
static int
wire_bool_member(json_object *data, const char *name, int def, int *out, char **cause)
{
	json_object *v = wire_member(data, name);

	*out = def;
	if (v == NULL)
		return 0;
	if (!json_object_is_type(v, json_type_boolean)) {
		*cause = xasprintf(_("field \"%s\" is not true or false"), name);
		return -1;
	}
	*out = json_object_get_boolean(v);
	return 0;
}

/* A whole-number member; *present says whether it was there. */
static int
wire_int_member(json_object *data, const char *name, int *present, long long *out, char **cause)
{
	json_object *v = wire_member(data, name);

	*present = 0;
	if (v == NULL)
		return 0;
	if (!json_object_is_type(v, json_type_int)) {
		*cause = xasprintf(_("field \"%s\" is not a whole number"), name);
		return -1;
	}
	errno = 0;
	*out = json_object_get_int64(v);
	if (errno != 0) {
		*cause = xasprintf(_("field \"%s\" is out of range"), name);
		return -1;
	}
	*present = 1;
	return 0;
}

/* An array member of at most max elements; absent or null gives NULL. */
static int
wire_array_member(json_object *data, const char *name, size_t max, json_object **out,
		  size_t *n, char **cause)
{
	json_object *v = wire_member(data, name);

	*out = NULL;
	*n = 0;
	if (v == NULL)
		return 0;
	if (!json_object_is_type(v, json_type_array)) {
		*cause = xasprintf(_("field \"%s\" is not a list"), name);
		return -1;
	}
	*n = json_object_array_length(v);
	if (*n > max) {
		*cause = xasprintf(_("field \"%s\" holds more than %zu entries"), name, max);
		return -1;
	}
	*out = v;
	return 0;
}

/* Returns 1 when s is "YYYY-MM-DD", a date that exists. */
static int
wire_date_valid(const char *s)
{
	static const int days[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, m, d, i;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return 0;
	y = atoi(s);
	m = atoi(s + 5);
	d = atoi(s + 8);
	if (y < 1 || m < 1 || m > 12 || d < 1 || d > days[m - 1])
		return 0;
	if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 0;
	return 1;
}

/* Returns 1 when name is a valid field name. */
static int
wire_name_valid(const char *name, size_t len)
{
	return len > 0 && len <= WIRE_NAME_MAX && strlen(name) == len &&
	       strspn(name, WIRE_NAME_CHARS) == len;
}

static void
wire_text_add(json_object *o, const char *key, const struct wire_text *t)
{
	if (t->ja != NULL || t->en != NULL)
		json_object_object_add(o, key, wire_text_encode(t));
}

/* Compiles pattern anchored at both ends; 0 when it compiles. */
static int
wire_pattern_compile(const char *pattern, regex_t *re)
{
	char *anchored = xasprintf("^(%s)$", pattern);
	int rc = regcomp(re, anchored, REG_EXTENDED | REG_NOSUB);

	free(anchored);
	return rc == 0 ? 0 : -1;
}

/* Counts the characters of the UTF-8 string s. */
static size_t
wire_chars(const char *s)
{
	size_t len = strlen(s), n = 0, step;
	unsigned int cp;

	while ((step = text_decode(s, len, &cp)) > 0) {
		s += step;
		len -= step;
		n++;
	}
	return n;
}

/* --- procedure ------------------------------------------------------------------ */

static const char *const wire_field_types[] = { "text", "number", "date", "choice", "bool" };

static void
wire_field_release(struct wire_field *f)
{
	size_t i;

	free(f->name);
	wire_text_release(&f->label);
	wire_text_release(&f->help);
	free(f->pattern);
	for (i = 0; i < f->nchoices; i++) {
		free(f->choices[i].value);
		wire_text_release(&f->choices[i].label);
	}
	free(f->choices);
	memset(f, 0, sizeof *f);
}

static int
wire_choices_decode(json_object *list, size_t n, struct wire_field *f, char **cause)
{
	size_t i, j;

	f->choices = xcalloc(n, sizeof *f->choices);
	for (i = 0; i < n; i++) {
		json_object *c = json_object_array_get_idx(list, i);
		struct wire_choice *ch = &f->choices[i];
		char *why = NULL;

		if (!json_object_is_type(c, json_type_object)) {
			*cause = xasprintf(_("choice %zu is not an object"), i + 1);
			return -1;
		}
		f->nchoices++;
		if (wire_id_member(c, "value", 1, &ch->value, &why) < 0 ||
		    wire_text_field(c, "label", 1, 0, &ch->label, &why) < 0) {
			*cause = xasprintf(_("choice %zu: %s"), i + 1, why);
			free(why);
			return -1;
		}
		for (j = 0; j < i; j++) {
			if (strcmp(f->choices[j].value, ch->value) == 0) {
				*cause = xasprintf(_("choice \"%s\" is given twice"), ch->value);
				return -1;
			}
		}
	}
	return 0;
}

/* Decodes one field of a form. */
static int
wire_field_decode(json_object *o, struct wire_field *f, char **cause)
{
	json_object *v, *choices = NULL;
	long long num = 0;
	size_t i, n = 0;
	int present = 0;
	regex_t re;

	if (!json_object_is_type(o, json_type_object)) {
		*cause = xstrdup(_("not an object"));
		return -1;
	}
	v = wire_member(o, "name");
	if (!json_object_is_type(v, json_type_string) ||
	    !wire_name_valid(json_object_get_string(v), (size_t)json_object_get_string_len(v))) {
		*cause = xasprintf(_("field \"name\" must be 1 to %d characters of %s"),
				   WIRE_NAME_MAX, "a-z 0-9 _");
		return -1;
	}
	f->name = xstrdup(json_object_get_string(v));
	v = wire_member(o, "type");
	for (i = 0; i < sizeof wire_field_types / sizeof wire_field_types[0]; i++)
		if (json_object_is_type(v, json_type_string) &&
		    strcmp(json_object_get_string(v), wire_field_types[i]) == 0)
			break;
	if (i == sizeof wire_field_types / sizeof wire_field_types[0]) {
		*cause = xstrdup(_("field \"type\" must be text, number, date, choice or bool"));
		return -1;
	}
	f->type = (enum wire_field_type)i;
	if (wire_text_field(o, "label", 1, 0, &f->label, cause) < 0 ||
	    wire_text_field(o, "help", 0, 0, &f->help, cause) < 0 ||
	    wire_bool_member(o, "required", 0, &f->required, cause) < 0)
		return -1;

	f->max_length = WIRE_LENGTH_DEFAULT;
	if (wire_int_member(o, "max_length", &present, &num, cause) < 0)
		return -1;
	if (present) {
		if (f->type != WIRE_FIELD_TEXT || num < 1 || num > WIRE_LENGTH_MAX) {
			*cause = xasprintf(_("field \"max_length\" must be 1 to %d, on text "
					     "fields only"), WIRE_LENGTH_MAX);
			return -1;
		}
		f->max_length = (long)num;
	}
	v = wire_member(o, "pattern");
	if (v != NULL) {
		if (f->type != WIRE_FIELD_TEXT || !json_object_is_type(v, json_type_string) ||
		    json_object_get_string_len(v) > WIRE_PATTERN_MAX ||
		    (size_t)json_object_get_string_len(v) != strlen(json_object_get_string(v)) ||
		    !text_valid_utf8(json_object_get_string(v),
				     (size_t)json_object_get_string_len(v))) {
			*cause = xasprintf(_("field \"pattern\" must be a string of at most %d "
					     "bytes, on text fields only"), WIRE_PATTERN_MAX);
			return -1;
		}
		if (wire_pattern_compile(json_object_get_string(v), &re) < 0) {
			*cause = xstrdup(_("field \"pattern\" is not a valid regular expression"));
			return -1;
		}
		regfree(&re);
		f->pattern = xstrdup(json_object_get_string(v));
	}
	if (wire_int_member(o, "min", &f->has_min, &f->min, cause) < 0 ||
	    wire_int_member(o, "max", &f->has_max, &f->max, cause) < 0)
		return -1;
	v = wire_member(o, "unit");
	if (v != NULL) {
		if (f->type != WIRE_FIELD_NUMBER || !json_object_is_type(v, json_type_string)) {
			*cause = xstrdup(_("field \"unit\" must be a string, on number fields only"));
			return -1;
		}
		if (strcmp(json_object_get_string(v), "yen") == 0)
			f->unit = WIRE_UNIT_YEN;
	}
	if ((f->has_min || f->has_max) && f->type != WIRE_FIELD_NUMBER) {
		*cause = xstrdup(_("\"min\" and \"max\" belong to number fields only"));
		return -1;
	}
	if (f->has_min && f->has_max && f->min > f->max) {
		*cause = xstrdup(_("\"min\" is larger than \"max\""));
		return -1;
	}
	if (wire_array_member(o, "choices", WIRE_CHOICES_MAX, &choices, &n, cause) < 0)
		return -1;
	if ((f->type == WIRE_FIELD_CHOICE) != (n > 0)) {
		*cause = xstrdup(_("a choice field needs \"choices\", and only it may have them"));
		return -1;
	}
	return n > 0 ? wire_choices_decode(choices, n, f, cause) : 0;
}

/* Checks that data is an object and gives it a cleaned id. */
static int
wire_data(json_object *data, const char *id, char **outid, char **cause)
{
	*outid = NULL;
	if (!json_object_is_type(data, json_type_object)) {
		*cause = xstrdup(_("the data is not an object"));
		return -1;
	}
	if (id != NULL) {
		if (!wire_id_valid(id)) {
			*cause = xstrdup(_("the id is not valid"));
			return -1;
		}
		*outid = xstrdup(id);
	}
	return 0;
}

int
wire_procedure_from_json(json_object *data, const char *id, struct wire_procedure *out,
			 char **cause)
{
	json_object *list = NULL, *v;
	char *why = NULL;
	size_t i, j, n = 0;

	memset(out, 0, sizeof *out);
	if (wire_data(data, id, &out->id, &why) < 0 ||
	    wire_text_field(data, "name", 1, 0, &out->name, &why) < 0 ||
	    wire_text_field(data, "agency", 1, 0, &out->agency, &why) < 0 ||
	    wire_text_field(data, "description", 0, TEXT_MULTILINE, &out->description, &why) < 0 ||
	    wire_text_field(data, "deadline", 0, 0, &out->deadline, &why) < 0 ||
	    wire_bool_member(data, "online", 0, &out->online, &why) < 0)
		goto fail;
	v = wire_member(data, "municipality");
	if (v != NULL) {
		const char *m = json_object_get_string(v);

		if (!json_object_is_type(v, json_type_string) ||
		    json_object_get_string_len(v) != 6 || strspn(m, "0123456789") != 6) {
			why = xstrdup(_("field \"municipality\" is not a 6-digit code"));
			goto fail;
		}
		out->municipality = xstrdup(m);
	}
	if (wire_array_member(data, "documents", WIRE_LIST_MAX, &list, &n, &why) < 0)
		goto fail;
	out->documents = xcalloc(n ? n : 1, sizeof *out->documents);
	for (i = 0; i < n; i++) {
		char *w = NULL;

		if (wire_text_decode(json_object_array_get_idx(list, i), &out->documents[i], 0,
				     &w) < 0 || out->documents[i].ja == NULL) {
			why = xasprintf(_("document %zu: %s"), i + 1,
					w ? w : _("no Japanese text"));
			free(w);
			out->ndocuments = i + 1;
			goto fail;
		}
		out->ndocuments++;
	}
	if (wire_array_member(data, "fields", WIRE_LIST_MAX, &list, &n, &why) < 0)
		goto fail;
	out->fields = xcalloc(n ? n : 1, sizeof *out->fields);
	for (i = 0; i < n; i++) {
		char *w = NULL;

		out->nfields++;
		if (wire_field_decode(json_object_array_get_idx(list, i), &out->fields[i],
				      &w) < 0) {
			why = xasprintf(_("form field %zu: %s"), i + 1, w);
			free(w);
			goto fail;
		}
		for (j = 0; j < i; j++) {
			if (strcmp(out->fields[j].name, out->fields[i].name) == 0) {
				why = xasprintf(_("form field \"%s\" is given twice"),
						out->fields[i].name);
				goto fail;
			}
		}
	}
	return 0;
fail:
	*cause = xasprintf(_("procedure %s: %s"), id ? id : "?", why);
	free(why);
	wire_procedure_release(out);
	return -1;
}

int
wire_procedure_decode(const struct wire_change *c, struct wire_procedure *out, char **cause)
{
	memset(out, 0, sizeof *out);
	if (wire_change_data(c, "procedure", cause) < 0)
		return -1;
	return wire_procedure_from_json(c->data, c->id, out, cause);
}

void
wire_procedure_release(struct wire_procedure *p)
{
	size_t i;

	if (p == NULL)
		return;
	free(p->id);
	wire_text_release(&p->name);
	wire_text_release(&p->agency);
	wire_text_release(&p->description);
	wire_text_release(&p->deadline);
	for (i = 0; i < p->ndocuments; i++)
		wire_text_release(&p->documents[i]);
	free(p->documents);
	free(p->municipality);
	for (i = 0; i < p->nfields; i++)
		wire_field_release(&p->fields[i]);
	free(p->fields);
	memset(p, 0, sizeof *p);
}

static json_object *
wire_field_encode(const struct wire_field *f)
{
	json_object *o = json_object_new_object(), *a;
	size_t i;

	json_object_object_add(o, "name", json_object_new_string(f->name));
	json_object_object_add(o, "type", json_object_new_string(wire_field_types[f->type]));
	json_object_object_add(o, "label", wire_text_encode(&f->label));
	wire_text_add(o, "help", &f->help);
	json_object_object_add(o, "required", json_object_new_boolean(f->required != 0));
	if (f->type == WIRE_FIELD_TEXT) {
		json_object_object_add(o, "max_length", json_object_new_int64(f->max_length));
		wire_add_string(o, "pattern", f->pattern);
	}
	if (f->has_min)
		json_object_object_add(o, "min", json_object_new_int64(f->min));
	if (f->has_max)
		json_object_object_add(o, "max", json_object_new_int64(f->max));
	if (f->type == WIRE_FIELD_NUMBER && f->unit == WIRE_UNIT_YEN)
		json_object_object_add(o, "unit", json_object_new_string("yen"));
	if (f->nchoices > 0) {
		a = json_object_new_array();
		for (i = 0; i < f->nchoices; i++) {
			json_object *c = json_object_new_object();

			json_object_object_add(c, "value",
					       json_object_new_string(f->choices[i].value));
			json_object_object_add(c, "label", wire_text_encode(&f->choices[i].label));
			json_object_array_add(a, c);
		}
		json_object_object_add(o, "choices", a);
	}
	return o;
}

json_object *
wire_procedure_encode(const struct wire_procedure *p)
{
	json_object *o = json_object_new_object(), *a;
	size_t i;

	json_object_object_add(o, "name", wire_text_encode(&p->name));
	json_object_object_add(o, "agency", wire_text_encode(&p->agency));
	json_object_object_add(o, "description", wire_text_encode(&p->description));
	wire_text_add(o, "deadline", &p->deadline);
	a = json_object_new_array();
	for (i = 0; i < p->ndocuments; i++)
		json_object_array_add(a, wire_text_encode(&p->documents[i]));
	json_object_object_add(o, "documents", a);
	json_object_object_add(o, "online", json_object_new_boolean(p->online != 0));
	json_object_object_add(o, "municipality",
			       p->municipality ? json_object_new_string(p->municipality) : NULL);
	a = json_object_new_array();
	for (i = 0; i < p->nfields; i++)
		json_object_array_add(a, wire_field_encode(&p->fields[i]));
	json_object_object_add(o, "fields", a);
	return o;
}

/* --- checking answers against a form ------------------------------------------ */

void
wire_answer_release(struct wire_answer *a)
{
	if (a == NULL)
		return;
	free(a->name);
	free(a->string);
	memset(a, 0, sizeof *a);
}

void
wire_answers_free(struct wire_answer *a, size_t n)
{
	size_t i;

	for (i = 0; a != NULL && i < n; i++)
		wire_answer_release(&a[i]);
	free(a);
}

void
wire_field_errors_free(struct wire_field_error *e, size_t n)
{
	size_t i;

	for (i = 0; e != NULL && i < n; i++) {
		free(e[i].field);
		free(e[i].message);
	}
	free(e);
}

/* Sets the failure of a field check. */
static int
wire_check_fail(const char **code, char **message, const char *c, char *m)
{
	*code = c;
	*message = m;
	return -1;
}

int
wire_field_check(const struct wire_field *f, json_object *value, struct wire_answer *out,
		 const char **code, char **message)
{
	struct wire_answer a;
	char *s = NULL;
	size_t i, len;
	regex_t re;
	int rc;

	memset(&a, 0, sizeof a);
	if (out != NULL)
		memset(out, 0, sizeof *out);
	if (value != NULL && json_object_is_type(value, json_type_string)) {
		len = (size_t)json_object_get_string_len(value);
		if (len > WIRE_ANSWER_MAX)
			return wire_check_fail(code, message, "too_long",
					       xasprintf(_("Enter at most %ld characters."),
							 f->max_length));
		s = text_clean(json_object_get_string(value), len, 0);
		/* Blanks around a typed value are not part of it. */
		len = strlen(s);
		while (len > 0 && s[len - 1] == ' ')
			s[--len] = '\0';
		if (s[0] == ' ') {
			char *t = xstrdup(s + strspn(s, " "));

			free(s);
			s = t;
		}
		if (*s == '\0')
			xfree(&s);
	}
	if (value == NULL || json_object_is_type(value, json_type_null) ||
	    (json_object_is_type(value, json_type_string) && s == NULL)) {
		if (f->required)
			return wire_check_fail(code, message, "required",
					       xstrdup(_("This field is required.")));
		return 0;
	}
	switch (f->type) {
	case WIRE_FIELD_TEXT:
	case WIRE_FIELD_DATE:
	case WIRE_FIELD_CHOICE:
		if (s == NULL) {
			rc = wire_check_fail(code, message, "type",
					     xstrdup(_("Enter text here.")));
			goto fail;
		}
		a.kind = WIRE_ANSWER_STRING;
		break;
	case WIRE_FIELD_NUMBER:
		if (!json_object_is_type(value, json_type_int)) {
			rc = wire_check_fail(code, message, "type",
					     xstrdup(_("Enter a whole number.")));
			goto fail;
		}
		errno = 0;
		a.kind = WIRE_ANSWER_NUMBER;
		a.number = json_object_get_int64(value);
		if ((errno != 0 || (f->has_min && a.number < f->min) ||
		     (f->has_max && a.number > f->max)) && f->unit == WIRE_UNIT_YEN) {
			char *lo = amount_yen(f->min), *hi = amount_yen(f->max);

			if (f->has_min && f->has_max)
				rc = wire_check_fail(code, message, "range",
						     xasprintf(_("Enter an amount from %s to %s."),
							       lo, hi));
			else if (f->has_min)
				rc = wire_check_fail(code, message, "range",
						     xasprintf(_("Enter an amount of %s or more."),
							       lo));
			else
				rc = wire_check_fail(code, message, "range",
						     xasprintf(_("Enter an amount of %s or less."),
							       hi));
			free(lo);
			free(hi);
			goto fail;
		}
		if (errno != 0 || (f->has_min && a.number < f->min) ||
		    (f->has_max && a.number > f->max)) {
			if (f->has_min && f->has_max)
				rc = wire_check_fail(code, message, "range",
						     xasprintf(_("Enter a number from %lld to %lld."),
							       f->min, f->max));
			else if (f->has_min)
				rc = wire_check_fail(code, message, "range",
						     xasprintf(_("Enter %lld or more."), f->min));
			else
				rc = wire_check_fail(code, message, "range",
						     xasprintf(_("Enter %lld or less."), f->max));
			goto fail;
		}
		break;
	case WIRE_FIELD_BOOL:
		if (!json_object_is_type(value, json_type_boolean)) {
			rc = wire_check_fail(code, message, "type",
					     xstrdup(_("Answer yes or no.")));
			goto fail;
		}
		a.kind = WIRE_ANSWER_BOOL;
		a.boolean = json_object_get_boolean(value);
		break;
	}
	if (f->type == WIRE_FIELD_TEXT) {
		if (wire_chars(s) > (size_t)f->max_length) {
			rc = wire_check_fail(code, message, "too_long",
					     xasprintf(_("Enter at most %ld characters."),
						       f->max_length));
			goto fail;
		}
		if (f->pattern != NULL) {
			if (wire_pattern_compile(f->pattern, &re) < 0) {
				rc = wire_check_fail(code, message, "pattern",
						     xstrdup(_("This field cannot be checked.")));
				goto fail;
			}
			rc = regexec(&re, s, 0, NULL, 0);
			regfree(&re);
			if (rc != 0) {
				rc = wire_check_fail(code, message, "pattern",
						     xstrdup(_("The value is not in the form "
							       "asked for.")));
				goto fail;
			}
		}
	} else if (f->type == WIRE_FIELD_DATE && !wire_date_valid(s)) {
		rc = wire_check_fail(code, message, "date",
				     xstrdup(_("Enter a date as YYYY-MM-DD, such as 2027-04-01.")));
		goto fail;
	} else if (f->type == WIRE_FIELD_CHOICE) {
		for (i = 0; i < f->nchoices; i++)
			if (strcmp(f->choices[i].value, s) == 0)
				break;
		if (i == f->nchoices) {
			rc = wire_check_fail(code, message, "choice",
					     xstrdup(_("Choose one of the choices offered.")));
			goto fail;
		}
	}
	a.name = xstrdup(f->name);
	a.string = s;
	if (out != NULL)
		*out = a;
	else
		wire_answer_release(&a);
	return 0;
fail:
	free(s);
	return rc;
}

size_t
wire_answers_check(const struct wire_field *fields, size_t nfields, json_object *answers,
		   struct wire_answer **out, size_t *nout, struct wire_field_error **errs,
		   size_t *nerrs)
{
	struct wire_answer *got = xcalloc(nfields ? nfields : 1, sizeof *got);
	struct wire_field_error *e = NULL;
	size_t i, n = 0, ne = 0, cap = 0;

	*out = NULL;
	*nout = 0;
	*errs = NULL;
	*nerrs = 0;
	for (i = 0; i < nfields; i++) {
		json_object *v = NULL;
		const char *code = NULL;
		char *message = NULL;

		if (answers != NULL)
			json_object_object_get_ex(answers, fields[i].name, &v);
		if (wire_field_check(&fields[i], v, &got[n], &code, &message) < 0) {
			if (ne == cap) {
				cap = cap ? cap * 2 : 8;
				e = xreallocarray(e, cap, sizeof *e);
			}
			e[ne].field = xstrdup(fields[i].name);
			e[ne].code = code;
			e[ne].message = message;
			ne++;
			continue;
		}
		if (got[n].name != NULL)
			n++;
	}
	if (answers != NULL) {
		json_object_object_foreach(answers, key, val) {
			(void)val;
			for (i = 0; i < nfields; i++)
				if (strcmp(fields[i].name, key) == 0)
					break;
			if (i < nfields || ne >= nfields + WIRE_LIST_MAX)
				continue;
			if (ne == cap) {
				cap = cap ? cap * 2 : 8;
				e = xreallocarray(e, cap, sizeof *e);
			}
			e[ne].field = text_clean(key, strnlen(key, WIRE_NAME_MAX), 0);
			e[ne].code = "unknown";
			e[ne].message = xstrdup(_("The form has no such field."));
			ne++;
		}
	}
	if (ne > 0) {
		wire_answers_free(got, n);
		*errs = e;
		*nerrs = ne;
		return ne;
	}
	*out = got;
	*nout = n;
	return 0;
}

/* --- application ---------------------------------------------------------------- */

static const char *const wire_statuses[] = {
	"received", "under_review", "needs_changes", "approved", "rejected",
};

int
wire_status_valid(const char *status)
{
	size_t i;

	for (i = 0; status != NULL && i < sizeof wire_statuses / sizeof wire_statuses[0]; i++)
		if (strcmp(status, wire_statuses[i]) == 0)
			return 1;
	return 0;
}

static int
wire_answers_decode(json_object *o, struct wire_application *a, char **cause)
{
	size_t n;

	if (o == NULL)
		return 0;
	if (!json_object_is_type(o, json_type_object)) {
		*cause = xstrdup(_("field \"answers\" is not an object"));
		return -1;
	}
	n = (size_t)json_object_object_length(o);
	if (n > WIRE_LIST_MAX) {
		*cause = xasprintf(_("field \"answers\" holds more than %d entries"),
				   WIRE_LIST_MAX);
		return -1;
	}
	a->answers = xcalloc(n ? n : 1, sizeof *a->answers);
	json_object_object_foreach(o, key, val) {
		struct wire_answer *w = &a->answers[a->nanswers];

		if (!wire_name_valid(key, strlen(key))) {
			*cause = xstrdup(_("an answer has no valid field name"));
			return -1;
		}
		if (json_object_is_type(val, json_type_string)) {
			w->kind = WIRE_ANSWER_STRING;
			w->string = wire_clean_string(val, key, WIRE_ANSWER_MAX, 0, cause);
			if (w->string == NULL)
				return -1;
		} else if (json_object_is_type(val, json_type_int)) {
			w->kind = WIRE_ANSWER_NUMBER;
			w->number = json_object_get_int64(val);
		} else if (json_object_is_type(val, json_type_boolean)) {
			w->kind = WIRE_ANSWER_BOOL;
			w->boolean = json_object_get_boolean(val);
		} else {
			*cause = xasprintf(_("answer \"%s\" is not text, a whole number or "
					     "true/false"), key);
			return -1;
		}
		w->name = xstrdup(key);
		a->nanswers++;
	}
	return 0;
}

int
wire_application_from_json(json_object *data, const char *id, struct wire_application *out,
			   char **cause)
{
	json_object *list = NULL;
	char *why = NULL;
	size_t i, n = 0;

	memset(out, 0, sizeof *out);
	if (wire_data(data, id, &out->id, &why) < 0 ||
	    wire_id_member(data, "procedure", 1, &out->procedure, &why) < 0 ||
	    wire_text_field(data, "procedure_name", 0, 0, &out->procedure_name, &why) < 0 ||
	    wire_id_member(data, "status", 1, &out->status, &why) < 0 ||
	    (out->submitted = wire_time(data, "submitted", &why)) == NULL ||
	    (out->updated = wire_time(data, "updated", &why)) == NULL ||
	    wire_answers_decode(wire_member(data, "answers"), out, &why) < 0 ||
	    wire_array_member(data, "history", WIRE_LIST_MAX, &list, &n, &why) < 0)
		goto fail;
	if (!wire_status_valid(out->status)) {
		why = xasprintf(_("unknown status \"%s\""), out->status);
		goto fail;
	}
	if (n == 0) {
		why = xstrdup(_("field \"history\" is missing or empty"));
		goto fail;
	}
	out->history = xcalloc(n, sizeof *out->history);
	for (i = 0; i < n; i++) {
		json_object *h = json_object_array_get_idx(list, i);
		struct wire_status *s = &out->history[i];
		char *w = NULL;

		out->nhistory++;
		if (!json_object_is_type(h, json_type_object)) {
			w = xstrdup(_("not an object"));
		} else if (wire_id_member(h, "status", 1, &s->status, &w) == 0 &&
			   (s->at = wire_time(h, "at", &w)) != NULL &&
			   wire_text_field(h, "message", 0, TEXT_MULTILINE, &s->message,
					   &w) == 0 &&
			   !wire_status_valid(s->status)) {
			w = xasprintf(_("unknown status \"%s\""), s->status);
		}
		if (w != NULL) {
			why = xasprintf(_("history entry %zu: %s"), i + 1, w);
			free(w);
			goto fail;
		}
	}
	return 0;
fail:
	*cause = xasprintf(_("application %s: %s"), id ? id : "?", why);
	free(why);
	wire_application_release(out);
	return -1;
}

int
wire_application_decode(const struct wire_change *c, struct wire_application *out, char **cause)
{
	memset(out, 0, sizeof *out);
	if (wire_change_data(c, "application", cause) < 0)
		return -1;
	return wire_application_from_json(c->data, c->id, out, cause);
}

void
wire_application_release(struct wire_application *a)
{
	size_t i;

	if (a == NULL)
		return;
	free(a->id);
	free(a->procedure);
	wire_text_release(&a->procedure_name);
	free(a->status);
	free(a->submitted);
	free(a->updated);
	wire_answers_free(a->answers, a->nanswers);
	for (i = 0; i < a->nhistory; i++) {
		free(a->history[i].status);
		free(a->history[i].at);
		wire_text_release(&a->history[i].message);
	}
	free(a->history);
	memset(a, 0, sizeof *a);
}

json_object *
wire_application_encode(const struct wire_application *a)
{
	json_object *o = json_object_new_object(), *ans, *hist;
	size_t i;

	json_object_object_add(o, "procedure", json_object_new_string(a->procedure));
	wire_text_add(o, "procedure_name", &a->procedure_name);
	json_object_object_add(o, "status", json_object_new_string(a->status));
	wire_add_string(o, "submitted", a->submitted);
	wire_add_string(o, "updated", a->updated);
	ans = json_object_new_object();
	for (i = 0; i < a->nanswers; i++) {
		const struct wire_answer *w = &a->answers[i];
		json_object *v = NULL;

		if (w->kind == WIRE_ANSWER_NUMBER)
			v = json_object_new_int64(w->number);
		else if (w->kind == WIRE_ANSWER_BOOL)
			v = json_object_new_boolean(w->boolean != 0);
		else
			v = json_object_new_string(w->string ? w->string : "");
		json_object_object_add(ans, w->name, v);
	}
	json_object_object_add(o, "answers", ans);
	hist = json_object_new_array();
	for (i = 0; i < a->nhistory; i++) {
		json_object *h = json_object_new_object();

		json_object_object_add(h, "status", json_object_new_string(a->history[i].status));
		wire_add_string(h, "at", a->history[i].at);
		wire_text_add(h, "message", &a->history[i].message);
		json_object_array_add(hist, h);
	}
	json_object_object_add(o, "history", hist);
	return o;
}

/* --- record ------------------------------------------------------------------------ */

int
wire_record_from_json(json_object *data, const char *id, struct wire_record *out, char **cause)
{
	json_object *list = NULL;
	char *why = NULL;
	size_t i, n = 0;

	memset(out, 0, sizeof *out);
	if (wire_data(data, id, &out->id, &why) < 0 ||
	    wire_id_member(data, "category", 1, &out->category, &why) < 0 ||
	    wire_text_field(data, "title", 1, 0, &out->title, &why) < 0 ||
	    wire_text_field(data, "source", 0, 0, &out->source, &why) < 0 ||
	    (out->updated = wire_time(data, "updated", &why)) == NULL ||
	    wire_array_member(data, "items", WIRE_LIST_MAX, &list, &n, &why) < 0)
		goto fail;
	out->items = xcalloc(n ? n : 1, sizeof *out->items);
	for (i = 0; i < n; i++) {
		json_object *it = json_object_array_get_idx(list, i);
		char *w = NULL;

		out->nitems++;
		if (!json_object_is_type(it, json_type_object))
			w = xstrdup(_("not an object"));
		else if (wire_text_field(it, "label", 1, 0, &out->items[i].label, &w) == 0)
			wire_text_field(it, "value", 1, TEXT_MULTILINE, &out->items[i].value, &w);
		if (w != NULL) {
			why = xasprintf(_("item %zu: %s"), i + 1, w);
			free(w);
			goto fail;
		}
	}
	return 0;
fail:
	*cause = xasprintf(_("record %s: %s"), id ? id : "?", why);
	free(why);
	wire_record_release(out);
	return -1;
}

int
wire_record_decode(const struct wire_change *c, struct wire_record *out, char **cause)
{
	memset(out, 0, sizeof *out);
	if (wire_change_data(c, "record", cause) < 0)
		return -1;
	return wire_record_from_json(c->data, c->id, out, cause);
}

void
wire_record_release(struct wire_record *r)
{
	size_t i;

	if (r == NULL)
		return;
	free(r->id);
	free(r->category);
	wire_text_release(&r->title);
	wire_text_release(&r->source);
	free(r->updated);
	for (i = 0; i < r->nitems; i++) {
		wire_text_release(&r->items[i].label);
		wire_text_release(&r->items[i].value);
	}
	free(r->items);
	memset(r, 0, sizeof *r);
}

json_object *
wire_record_encode(const struct wire_record *r)
{
	json_object *o = json_object_new_object(), *a;
	size_t i;

	json_object_object_add(o, "category", json_object_new_string(r->category));
	json_object_object_add(o, "title", wire_text_encode(&r->title));
	wire_text_add(o, "source", &r->source);
	wire_add_string(o, "updated", r->updated);
	a = json_object_new_array();
	for (i = 0; i < r->nitems; i++) {
		json_object *it = json_object_new_object();

		json_object_object_add(it, "label", wire_text_encode(&r->items[i].label));
		json_object_object_add(it, "value", wire_text_encode(&r->items[i].value));
		json_object_array_add(a, it);
	}
	json_object_object_add(o, "items", a);
	return o;
}

/* --- access_log ------------------------------------------------------------------- */

int
wire_access_from_json(json_object *data, const char *id, struct wire_access *out, char **cause)
{
	char *why = NULL;

	memset(out, 0, sizeof *out);
	if (wire_data(data, id, &out->id, &why) < 0 ||
	    (out->when = wire_time(data, "when", &why)) == NULL ||
	    wire_text_field(data, "agency", 1, 0, &out->agency, &why) < 0 ||
	    wire_text_field(data, "provider", 0, 0, &out->provider, &why) < 0 ||
	    wire_text_field(data, "item", 1, 0, &out->item, &why) < 0 ||
	    wire_text_field(data, "purpose", 1, 0, &out->purpose, &why) < 0)
		goto fail;
	return 0;
fail:
	*cause = xasprintf(_("access record %s: %s"), id ? id : "?", why);
	free(why);
	wire_access_release(out);
	return -1;
}

int
wire_access_decode(const struct wire_change *c, struct wire_access *out, char **cause)
{
	memset(out, 0, sizeof *out);
	if (wire_change_data(c, "access_log", cause) < 0)
		return -1;
	return wire_access_from_json(c->data, c->id, out, cause);
}

void
wire_access_release(struct wire_access *a)
{
	if (a == NULL)
		return;
	free(a->id);
	free(a->when);
	wire_text_release(&a->agency);
	wire_text_release(&a->provider);
	wire_text_release(&a->item);
	wire_text_release(&a->purpose);
	memset(a, 0, sizeof *a);
}

json_object *
wire_access_encode(const struct wire_access *a)
{
	json_object *o = json_object_new_object();

	wire_add_string(o, "when", a->when);
	json_object_object_add(o, "agency", wire_text_encode(&a->agency));
	wire_text_add(o, "provider", &a->provider);
	json_object_object_add(o, "item", wire_text_encode(&a->item));
	json_object_object_add(o, "purpose", wire_text_encode(&a->purpose));
	return o;
}
