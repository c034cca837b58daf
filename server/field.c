#include "field.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "mem.h"
#include "text.h"

int
field_known(json_object *o, const char *const *allowed, struct http_resp *resp)
{
	json_object_object_foreach(o, key, val)
	{
		size_t i;

		(void)val;
		for (i = 0; allowed[i] != NULL; i++)
			if (strcmp(allowed[i], key) == 0)
				break;
		if (allowed[i] == NULL) {
			char *clean = text_clean(key, strlen(key), 0);

			http_problem(resp, 400, "Bad Request", _("Unknown field \"%.64s\"."),
			             clean);
			free(clean);
			return -1;
		}
	}
	return 0;
}

/* Cleans the JSON string v into *out; -1 with a problem when too long. */
static int
field_clean(json_object *v, const char *name, size_t max, int flags, char **out,
            struct http_resp *resp)
{
	const char *s = json_object_get_string(v);
	size_t len = (size_t)json_object_get_string_len(v);
	char *clean;

	*out = NULL;
	/* A cheap bound before the copy: cleaning never makes text longer
	 * than three bytes per input byte (U+FFFD for a bad byte). */
	if (len > max * 3) {
		http_problem(resp, 422, "Unprocessable Content",
		             _("The field \"%s\" is longer than %zu bytes."), name, max);
		return -1;
	}
	clean = text_clean(s, len, flags);
	if (strlen(clean) > max) {
		http_problem(resp, 422, "Unprocessable Content",
		             _("The field \"%s\" is longer than %zu bytes."), name, max);
		free(clean);
		return -1;
	}
	if (*clean == '\0') {
		free(clean);
		return 0;
	}
	*out = clean;
	return 0;
}

/* field_string with label naming the field in messages ("title.ja"). */
static int
field_get(json_object *o, const char *name, const char *label, int required, size_t max, int flags,
          char **out, struct http_resp *resp)
{
	json_object *v = NULL;

	*out = NULL;
	if (json_object_object_get_ex(o, name, &v) && v != NULL) {
		if (!json_object_is_type(v, json_type_string)) {
			http_problem(resp, 400, "Bad Request",
			             _("The field \"%s\" must be a string."), label);
			return -1;
		}
		if (field_clean(v, label, max, flags, out, resp) != 0)
			return -1;
	}
	if (*out == NULL && required) {
		http_problem(resp, 400, "Bad Request", _("The field \"%s\" is required."), label);
		return -1;
	}
	return 0;
}

int
field_string(json_object *o, const char *name, int required, size_t max, int flags, char **out,
             struct http_resp *resp)
{
	return field_get(o, name, name, required, max, flags, out, resp);
}

int
field_text(json_object *o, const char *name, size_t max, int flags, struct wire_text *out,
           struct http_resp *resp)
{
	static const char *const langs[] = {"ja", "en", NULL};
	json_object *v = NULL;
	char label[64];

	memset(out, 0, sizeof *out);
	if (!json_object_object_get_ex(o, name, &v) || v == NULL) {
		http_problem(resp, 400, "Bad Request",
		             _("The field \"%s\" is required: {\"ja\": \"...\", \"en\": \"...\"}."),
		             name);
		return -1;
	}
	if (json_object_is_type(v, json_type_string)) {
		if (field_clean(v, name, max, flags, &out->ja, resp) != 0)
			return -1;
	} else if (json_object_is_type(v, json_type_object)) {
		if (field_known(v, langs, resp) != 0)
			return -1;
		snprintf(label, sizeof label, "%.40s.ja", name);
		if (field_get(v, "ja", label, 0, max, flags, &out->ja, resp) != 0)
			goto fail;
		snprintf(label, sizeof label, "%.40s.en", name);
		if (field_get(v, "en", label, 0, max, flags, &out->en, resp) != 0)
			goto fail;
	} else {
		http_problem(
		        resp, 400, "Bad Request",
		        _("The field \"%s\" must be an object {\"ja\": \"...\", \"en\": \"...\"}."),
		        name);
		return -1;
	}
	if (out->ja == NULL) {
		http_problem(resp, 400, "Bad Request",
		             _("The field \"%s\" needs Japanese text in \"ja\"."), name);
		goto fail;
	}
	return 0;
fail:
	wire_text_release(out);
	return -1;
}
