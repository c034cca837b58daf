#include "form.h"

#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "mem.h"

static int
form_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes s[0..len) into a new string; NULL on a bad escape or a NUL. */
static char *
form_decode(const char *s, size_t len)
{
	char *out = xmalloc(len + 1);
	size_t i, o = 0;

	for (i = 0; i < len; i++) {
		char c = s[i];

		if (c == '+') {
			c = ' ';
		} else if (c == '%') {
			int hi, lo;

			hi = i + 1 < len ? form_hex(s[i + 1]) : -1;
			lo = i + 2 < len ? form_hex(s[i + 2]) : -1;
			if (hi < 0 || lo < 0)
				goto bad;
			c = (char)(hi * 16 + lo);
			i += 2;
		}
		if (c == '\0')
			goto bad;
		out[o++] = c;
	}
	out[o] = '\0';
	return out;
bad:
	free(out);
	return NULL;
}

int
form_parse(struct form *f, const char *s, size_t len, char **cause)
{
	size_t pos = 0;

	memset(f, 0, sizeof *f);
	while (pos < len) {
		const char *pair = s + pos;
		const char *end = memchr(pair, '&', len - pos);
		size_t plen = end != NULL ? (size_t)(end - pair) : len - pos;
		const char *eq = memchr(pair, '=', plen);
		size_t nlen = eq != NULL ? (size_t)(eq - pair) : plen;
		char *name, *value;

		pos += plen + 1;
		if (plen == 0)
			continue;
		if (f->n == FORM_FIELDS_MAX) {
			*cause = xasprintf(_("too many form fields (at most %d)"), FORM_FIELDS_MAX);
			return -1;
		}
		name = form_decode(pair, nlen);
		value = eq != NULL ? form_decode(eq + 1, plen - nlen - 1) : xstrdup("");
		if (name == NULL || value == NULL) {
			free(name);
			free(value);
			*cause = xstrdup(_("malformed form encoding"));
			return -1;
		}
		if (form_get(f, name) != NULL) {
			*cause = xstrdup(_("a form field is given more than once"));
			free(name);
			free(value);
			return -1;
		}
		f->name[f->n] = name;
		f->value[f->n] = value;
		f->n++;
	}
	return 0;
}

void
form_release(struct form *f)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		free(f->name[i]);
		free(f->value[i]);
	}
	f->n = 0;
}

const char *
form_get(const struct form *f, const char *name)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (strcmp(f->name[i], name) == 0)
			return f->value[i];
	return NULL;
}
