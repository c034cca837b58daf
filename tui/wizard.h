/*
 * wizard: the Apply wizard.  A procedure's form is asked one question at
 * a time, in the form's order, then a review page lists every answer, then
 * the application is queued in the outbox for mynad to send.
 *
 * Nothing typed is ever lost: the answers live in a draft in the store
 * (store_draft_save), saved on every change, the text of a question being
 * typed included, with the question reached kept beside it (the store's
 * meta key "draft.ID.step"), so that a draft resumes where it was after a
 * quit or a crash.  An answer is checked with the same rules the server
 * uses (wire_field_check); a refused one keeps the question with a message
 * that says what to do.
 *
 * The draft holds, per field, what the person gave: the text being typed
 * (a string, for any type), or the answer once accepted (a string, a whole
 * number or true/false).  What is queued is always the checked, typed
 * answers of the whole form.
 */
#ifndef MYNA_TUI_WIZARD_H
#define MYNA_TUI_WIZARD_H

#include <json-c/json.h>
#include <stddef.h>

#include "store.h"
#include "view.h"

struct wizard {
	long long	      draft;	/* 0 until the first change is saved */
	struct wire_procedure proc;	/* with its form */
	json_object	     *answers;	/* field name -> value, as in the draft */
	size_t		      step;	/* a question (< proc.nfields), or the review */
	int		      from_review; /* an answer changed from the review returns there */
	char		     *error;	/* what to do about the last answer, or NULL */
	char		     *note;	/* a message to keep in view (what to change), or NULL */
	json_object	     *errors;	/* field -> message the server sent back, or NULL */
};

/* Opens the wizard for procedure: a new draft (draft 0; prefill, when not
 * NULL, is a JSON object of answers to start from, such as those of an
 * application to fix, and note a message to show), or the draft numbered
 * draft, resumed where it was.  Returns 0, or -1 with a newly allocated
 * reason in *cause (no such procedure or draft, or the procedure cannot be
 * done online). */
int wizard_open(struct wizard *w, struct store *st, const char *procedure, long long draft,
		json_object *prefill, const char *note, char **cause);
/* Frees the contents; the draft stays in the store.  NULL is a no-op. */
void wizard_release(struct wizard *w);

/* Whether the review page is shown, and the question asked (NULL on the
 * review page). */
int wizard_on_review(const struct wizard *w);
const struct wire_field *wizard_field(const struct wizard *w);
/* Field i's answer as text to edit: "" when there is none.  Newly
 * allocated. */
char *wizard_text(const struct wizard *w, size_t i);

/* Keeps text as what is being typed for the question asked, and saves the
 * draft.  Returns 0, or -1 with *cause when the store failed. */
int wizard_type(struct wizard *w, struct store *st, const char *text, char **cause);
/* Answers the question asked: text as typed (any type: a number or a date
 * is read from it, "" is no answer), or for choice and yes/no questions
 * the choice's value, "true" or "false" ("" for no answer).  Returns 0
 * when it was accepted and the next question (or the review) is shown, 1
 * when it was refused (w->error says what to do), -1 with *cause when the
 * store failed. */
int wizard_answer(struct wizard *w, struct store *st, const char *text, char **cause);
/* Goes back one question (from the review: to the last question).
 * Returns 0, or 1 when there is nothing before (the caller leaves). */
int wizard_back(struct wizard *w, struct store *st);
/* From the review page, asks question i again. */
void wizard_goto(struct wizard *w, struct store *st, size_t i);
/* Checks every answer and queues the application: 0 when it is in the
 * outbox (key holds its idempotency key, at least STORE_KEY_SIZE bytes;
 * *seq its outbox number), 1 when an answer is refused (the question is
 * shown again with w->error), -1 with *cause when the store failed. */
int wizard_submit(struct wizard *w, struct store *st, char *key, long long *seq, char **cause);
/* Deletes draft id with what the wizard kept beside it. */
int wizard_delete_draft(struct store *st, long long id);

/* The screen of the question asked (VIEW_FORM: help and rules as lines,
 * then an EDIT item or the choices, focused as v->initial) or of the
 * review (VIEW_REVIEW: one CHOICE per answer, id the field's name, then
 * the "submit" ACTION).  width wraps long lines (0: none). */
void wizard_view(const struct wizard *w, struct view *v, int width);

/* Reads text typed for field f as the JSON value the form takes: a whole
 * number for a number field (full-width digits and thousands separators
 * allowed), "YYYY-MM-DD" for a date written with / or . as well, the text
 * otherwise; NULL for blank text.  A new reference the caller puts. */
json_object *wizard_value(const struct wire_field *f, const char *text);

#endif
