/*
 * form: application/x-www-form-urlencoded bodies (the OAuth endpoints and
 * the demo verification page).  Names and values are percent-decoded and
 * '+' becomes a space; a field given twice makes the whole form invalid, as
 * RFC 6749 section 3.2 asks.
 */
#ifndef MYNA_FORM_H
#define MYNA_FORM_H

#include <stddef.h>

#define FORM_FIELDS_MAX 16

struct form {
	size_t n;
	char *name[FORM_FIELDS_MAX];
	char *value[FORM_FIELDS_MAX];
};

/* Parses s[0..len) into f.  Returns 0, or -1 with a newly allocated reason
 * in *cause (bad escape, repeated field, too many fields, NUL byte).  f is
 * always left initialised; release it with form_release. */
int form_parse(struct form *f, const char *s, size_t len, char **cause);
void form_release(struct form *f);

/* Returns the value of name (owned by f), or NULL when absent. */
const char *form_get(const struct form *f, const char *name);

#endif
