/*
 * wire: the JSON codec of the change feed, used by both myna-bff (encode)
 * and the client (decode), so the two cannot drift apart.  docs/api.md is
 * the contract this module implements.
 *
 * A feed page:
 *   {"cursor": "...", "has_more": false,
 *    "changes": [{"type": "notice", "id": "n-1", "op": "upsert", "data": {...}},
 *                {"type": "deadline", "id": "d-9", "op": "delete"}]}
 *
 * Decoding is defensive: every string is size-capped and passed through
 * text_clean; ids are restricted to WIRE_ID_CHARS; anything malformed fails
 * with a reason instead of being half-applied.
 */
#ifndef MYNA_WIRE_H
#define MYNA_WIRE_H

#include <stddef.h>
#include <json-c/json.h>

#define WIRE_ID_MAX	   128		/* bytes in an id */
#define WIRE_TEXT_MAX	   (64 * 1024)	/* bytes in one text field */
#define WIRE_PAGE_MAX	   1000		/* changes in one page */
#define WIRE_CURSOR_MAX	   256
#define WIRE_ID_CHARS	   "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.:"
#define WIRE_DEPTH_MAX	   32		/* nesting of arrays and objects */

/* Localised text: {"ja": "...", "en": "..."}; either may be NULL. */
struct wire_text {
	char *ja;
	char *en;
};

struct wire_notice {
	char		*id;
	struct wire_text title;
	struct wire_text body;
	struct wire_text sender;
	char		*published;	/* RFC 3339 */
};

struct wire_deadline {
	char		*id;
	struct wire_text title;
	char		*due;		/* RFC 3339 */
	char		*procedure;	/* procedure id, or NULL */
};

struct wire_change {
	char	    *type;	/* "notice", "deadline", ...; unknown types are kept */
	char	    *id;
	int	     deleted;	/* op "delete" */
	json_object *data;	/* owned reference; NULL when deleted */
};

struct wire_page {
	char		   *cursor;
	int		    has_more;
	size_t		    nchanges;
	struct wire_change *changes;
};

/* Parses one JSON document from json[0..len) with the nesting limited to
 * WIRE_DEPTH_MAX and nothing but blanks after it.  Returns a new object that
 * the caller owns (json_object_put), or NULL with a newly allocated reason in
 * *cause.  For every JSON that comes from outside. */
json_object *wire_parse(const char *json, size_t len, char **cause);

/* Returns 1 if id is a valid item id (1..WIRE_ID_MAX bytes of WIRE_ID_CHARS). */
int wire_id_valid(const char *id);

/* Decodes a feed page from json[0..len).  Returns 0, or -1 with a newly
 * allocated reason in *cause.  Release with wire_page_release. */
int wire_page_decode(const char *json, size_t len, struct wire_page *out, char **cause);
void wire_page_release(struct wire_page *p);

/* Decode a change's data.  Strings are cleaned copies that out owns. */
int wire_notice_decode(const struct wire_change *c, struct wire_notice *out, char **cause);
int wire_deadline_decode(const struct wire_change *c, struct wire_deadline *out, char **cause);
void wire_notice_release(struct wire_notice *n);
void wire_deadline_release(struct wire_deadline *d);

/* Decodes {"ja": ..., "en": ...} (a plain string is taken as ja).  Missing
 * fields stay NULL.  Returns 0 or -1 with *cause. */
int wire_text_decode(json_object *o, struct wire_text *out, int flags, char **cause);
void wire_text_release(struct wire_text *t);

/* Encoders return a new json_object that the caller owns (json_object_put). */
json_object *wire_text_encode(const struct wire_text *t);
json_object *wire_notice_encode(const struct wire_notice *n);
json_object *wire_deadline_encode(const struct wire_deadline *d);

/* Builds a page: wire_page_new, then wire_page_add for each change (data is
 * taken over; NULL for a delete), then json_object_to_json_string_ext. */
json_object *wire_page_new(const char *cursor, int has_more);
void wire_page_add(json_object *page, const char *type, const char *id, int deleted, json_object *data);

#endif
