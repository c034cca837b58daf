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

struct buf;

#define WIRE_ID_MAX	   128		/* bytes in an id */
#define WIRE_TEXT_MAX	   (64 * 1024)	/* bytes in one text field */
#define WIRE_PAGE_MAX	   1000		/* changes in one page */
#define WIRE_CURSOR_MAX	   256
#define WIRE_ID_CHARS	   "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.:"
#define WIRE_DEPTH_MAX	   32		/* nesting of arrays and objects */
#define WIRE_SIG_FIELD_MAX 256		/* bytes in a notice's agency or signature */

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
	char		*agency;	/* the signing agency's id (sig.h), or NULL */
	char		*signature;	/* base64 Ed25519 signature, or NULL */
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

/* The same page written straight into a buffer, for a server that keeps
 * each change's data as JSON text already: wire_page_text_add for each
 * change (data_json is one JSON object, written as it is; NULL for a
 * delete), then wire_page_text_end.  type and id must be valid ids. */
void wire_page_text_add(struct buf *changes, const char *type, const char *id, int deleted,
			const char *data_json, size_t data_len);
void wire_page_text_end(struct buf *out, const char *cursor, int has_more,
			const struct buf *changes);

/*
 * The other types of the feed: procedure (the catalogue, with the form of
 * each), application (a resident's submissions and their status history),
 * record (自己情報: what agencies hold about the resident, by category) and
 * access_log (情報提供等記録: which agency looked at which information,
 * when and why).  docs/api.md gives each one's JSON.
 */
#define WIRE_LIST_MAX	   64		/* fields, documents, history entries, items */
#define WIRE_CHOICES_MAX   100		/* choices of one field */
#define WIRE_NAME_MAX	   64		/* bytes in a field name */
#define WIRE_NAME_CHARS	   "abcdefghijklmnopqrstuvwxyz0123456789_"
#define WIRE_PATTERN_MAX   256		/* bytes in a field's pattern */
#define WIRE_LENGTH_MAX	   4000		/* the largest max_length, in characters */
#define WIRE_LENGTH_DEFAULT 200		/* max_length of a text field that names none */
#define WIRE_ANSWER_MAX	   (WIRE_LENGTH_MAX * 4) /* bytes in one answer */

enum wire_field_type {
	WIRE_FIELD_TEXT,	/* a string of at most max_length characters */
	WIRE_FIELD_NUMBER,	/* a whole number, within min and max when given */
	WIRE_FIELD_DATE,	/* "YYYY-MM-DD" */
	WIRE_FIELD_CHOICE,	/* the value of one of the choices */
	WIRE_FIELD_BOOL		/* true or false */
};

/* What a number field counts.  A unit this client does not know is read as
 * none: the number is still a number. */
enum wire_unit {
	WIRE_UNIT_NONE,
	WIRE_UNIT_YEN		/* an amount of money in yen */
};

struct wire_choice {
	char		*value;		/* WIRE_ID_CHARS */
	struct wire_text label;
};

struct wire_field {
	char		    *name;	/* WIRE_NAME_CHARS, unique in the form */
	enum wire_field_type type;
	struct wire_text     label;
	struct wire_text     help;	/* may be empty */
	int		     required;
	char		    *pattern;	/* text: POSIX extended regular expression the
					   whole value must match, or NULL */
	long		     max_length; /* text: characters, 1..WIRE_LENGTH_MAX */
	int		     has_min, has_max;
	long long	     min, max;	/* number: inclusive bounds */
	enum wire_unit	     unit;	/* number: what it counts */
	struct wire_choice  *choices;	/* choice: 1..WIRE_CHOICES_MAX */
	size_t		     nchoices;
};

struct wire_procedure {
	char		 *id;
	struct wire_text  name;
	struct wire_text  agency;	/* who handles it */
	struct wire_text  description;	/* may hold line breaks */
	struct wire_text  deadline;	/* when it is due, in words; may be empty */
	struct wire_text *documents;	/* what to have at hand */
	size_t		  ndocuments;
	int		  online;	/* can be applied for through myna */
	char		 *municipality;	/* 6 digits, or NULL for a national one */
	struct wire_field *fields;	/* the form */
	size_t		  nfields;
};

enum wire_answer_kind { WIRE_ANSWER_STRING, WIRE_ANSWER_NUMBER, WIRE_ANSWER_BOOL };

/* One answer of a form: a string (text, date, choice), a number or a bool. */
struct wire_answer {
	char		      *name;
	enum wire_answer_kind  kind;
	char		      *string;
	long long	       number;
	int		       boolean;
};

/* One step of an application's history. */
struct wire_status {
	char		*status;	/* see wire_status_valid */
	char		*at;		/* RFC 3339 */
	struct wire_text message;	/* may be empty; set for needs_changes */
};

struct wire_application {
	char		   *id;
	char		   *procedure;
	struct wire_text    procedure_name;
	char		   *status;	/* the latest: history's last entry */
	char		   *submitted;	/* RFC 3339 */
	char		   *updated;	/* RFC 3339 */
	struct wire_answer *answers;
	size_t		    nanswers;
	struct wire_status *history;	/* oldest first, at least one */
	size_t		    nhistory;
};

struct wire_record_item {
	struct wire_text label;
	struct wire_text value;
};

struct wire_record {
	char		       *id;
	char		       *category;	/* tax, pension, health_insurance, checkup,
						   child_allowance, ... (an id) */
	struct wire_text	title;
	struct wire_text	source;		/* the agency that holds it */
	char		       *updated;	/* RFC 3339 */
	struct wire_record_item *items;
	size_t			nitems;
};

struct wire_access {
	char		*id;
	char		*when;		/* RFC 3339 */
	struct wire_text agency;	/* who asked for the information */
	struct wire_text provider;	/* who gave it */
	struct wire_text item;		/* which information */
	struct wire_text purpose;	/* why: the task it was needed for */
};

/* Returns 1 for the statuses of an application: received, under_review,
 * needs_changes, approved, rejected. */
int wire_status_valid(const char *status);

/* Decoders: as wire_notice_decode.  A procedure's form is checked whole
 * (names unique, patterns that compile, choices for choice fields). */
int wire_procedure_decode(const struct wire_change *c, struct wire_procedure *out, char **cause);
int wire_application_decode(const struct wire_change *c, struct wire_application *out,
			    char **cause);
int wire_record_decode(const struct wire_change *c, struct wire_record *out, char **cause);
int wire_access_decode(const struct wire_change *c, struct wire_access *out, char **cause);
/* The same from a data object alone (id is copied, may be NULL). */
int wire_procedure_from_json(json_object *data, const char *id, struct wire_procedure *out,
			     char **cause);
int wire_application_from_json(json_object *data, const char *id, struct wire_application *out,
			       char **cause);
int wire_record_from_json(json_object *data, const char *id, struct wire_record *out,
			  char **cause);
int wire_access_from_json(json_object *data, const char *id, struct wire_access *out,
			  char **cause);
void wire_procedure_release(struct wire_procedure *p);
void wire_application_release(struct wire_application *a);
void wire_record_release(struct wire_record *r);
void wire_access_release(struct wire_access *a);

json_object *wire_procedure_encode(const struct wire_procedure *p);
json_object *wire_application_encode(const struct wire_application *a);
json_object *wire_record_encode(const struct wire_record *r);
json_object *wire_access_encode(const struct wire_access *a);

/* Field names of a form's check results, and why a value failed. */
struct wire_field_error {
	char	   *field;	/* the field's name (cleaned, capped) */
	const char *code;	/* required, type, too_long, pattern, choice, range,
				   date, unknown */
	char	   *message;	/* a sentence for people, in the language in use */
};

/* Checks one value (a JSON value, NULL for none) against f.  Returns 0 and,
 * when out is not NULL, fills it with a cleaned copy (wire_answer_release);
 * an absent optional value gives 0 and out->name NULL.  Otherwise returns
 * -1 with *code and a newly allocated *message. */
int wire_field_check(const struct wire_field *f, json_object *value, struct wire_answer *out,
		     const char **code, char **message);
void wire_answer_release(struct wire_answer *a);
/* Checks the answers object against the form: every field, and no member
 * that is not a field.  Returns the number of errors: 0 with the answers
 * (in the form's order, absent optional ones left out) in *out / *nout, or
 * more with the errors in *errs / *nerrs (at most one per field, then the
 * unknown members). */
size_t wire_answers_check(const struct wire_field *fields, size_t nfields, json_object *answers,
			  struct wire_answer **out, size_t *nout,
			  struct wire_field_error **errs, size_t *nerrs);
void wire_answers_free(struct wire_answer *a, size_t n);
void wire_field_errors_free(struct wire_field_error *e, size_t n);

#endif
