/*
 * field: the fields of a JSON request body, checked one by one.  Each
 * function either gives the value or puts a problem (400 for a wrong type
 * or shape, 422 for a value that is well-formed but not acceptable) into
 * resp and returns -1, so a handler can stop at the first bad field.
 * Strings come back as newly allocated copies passed through text_clean.
 */
#ifndef MYNA_FIELD_H
#define MYNA_FIELD_H

#include <stddef.h>
#include <json-c/json.h>

#include "http.h"
#include "wire.h"

/* Fails (400) when o has a member not named in allowed (NULL-terminated). */
int field_known(json_object *o, const char *const *allowed, struct http_resp *resp);

/* A string member of at most max bytes (after cleaning).  Absent or null
 * gives *out = NULL, which is a 400 when required.  flags are text_clean's.
 * A string that is empty after cleaning counts as absent. */
int field_string(json_object *o, const char *name, int required, size_t max, int flags, char **out,
                 struct http_resp *resp);

/* Localised text: {"ja": "...", "en": "..."} or a plain string (taken as
 * ja); ja is required, en optional, each at most max bytes after cleaning. */
int field_text(json_object *o, const char *name, size_t max, int flags, struct wire_text *out,
               struct http_resp *resp);

#endif
