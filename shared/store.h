/*
 * store: the client's local SQLite store, shared by mynad (the only writer of
 * synced data) and myna (which writes only user intent: read marks, done
 * marks, settings, drafts, outbox).  WAL mode, a busy timeout, numbered
 * migrations (PRAGMA user_version), prepared statements only.
 *
 * Functions return 0 on success and -1 on failure; the reason is kept and
 * returned by store_error() (owned by the store, valid until the next call).
 * Lists are returned as arrays that the caller frees with the matching
 * _free function; freeing NULL is a no-op.
 */
#ifndef MYNA_STORE_H
#define MYNA_STORE_H

#include <stddef.h>
#include <time.h>

#include "sig.h"
#include "wire.h"

struct store;

struct store_notice {
	struct wire_notice n;
	time_t		   published;	/* parsed n.published, 0 if unknown */
	int		   read;
	enum sig_trust	   trust;	/* n's signature, checked with the store's
					   keyring (store_set_keyring) */
	struct wire_text   agency_name;	/* the names the keyring gives n.agency,
					   when it has that agency (a verified
					   notice's sender, or the agency a bad
					   signature claims); else empty */
};

struct store_deadline {
	struct wire_deadline d;
	time_t		     due;	/* parsed d.due */
	int		     done;
};

/* fn(code) is called whenever a store call fails, with a short fixed code
 * for error reports (fault.h): "store." and SQLite's primary result code
 * in words ("store.busy", "store.corrupt", "store.full", ...; "store.other"
 * for a failure that is not SQLite's), "store.open." before it while the
 * store is being opened.  NULL: none.  For the whole process. */
void store_set_fault_hook(void (*fn)(const char *code));

/* Opens (creating and migrating) the store at path; the parent directory is
 * created.  Returns 0, or -1 with a newly allocated reason in *cause. */
int store_open(const char *path, struct store **out, char **cause);
/* Closes the store; store_close(NULL) is a no-op. */
void store_close(struct store *s);
const char *store_error(struct store *s);

/* Transactions: begin takes the write lock at once (BEGIN IMMEDIATE). */
int store_begin(struct store *s);
int store_commit(struct store *s);
int store_rollback(struct store *s);

/* Small key/value state (sync cursor, last sync time).  *value is newly
 * allocated, or NULL when key is absent. */
int store_meta_get(struct store *s, const char *key, char **value);
int store_meta_set(struct store *s, const char *key, const char *value);
/* Removes key (absent is not an error); store_meta_set with value NULL does
 * the same. */
int store_meta_delete(struct store *s, const char *key);

/* The agency keys that notices are checked with (sig.h), taken over by
 * the store (NULL: none).  Until one is set the keyring is empty: every
 * signed notice is then one of an unknown signer.  A notice is checked
 * when it is saved, and again when it is read with other keys than it was
 * checked with; when the keys differ from those the store last checked
 * every notice with, all are checked again at once (in a transaction of
 * their own: not inside the caller's) and *checked (may be NULL) says how
 * many.  Returns 0, or -1 when that failed (the keys are in use anyway;
 * reads check what was not). */
int store_set_keyring(struct store *s, struct sig_keyring *kr, size_t *checked);

/* Synced data.  Upserts keep local state (read, done). */
int store_notice_upsert(struct store *s, const struct wire_notice *n);
int store_notice_delete(struct store *s, const char *id);
int store_deadline_upsert(struct store *s, const struct wire_deadline *d);
int store_deadline_delete(struct store *s, const char *id);
/* Removes all synced items but keeps local-only state (for a full resync):
 * the read and done marks of the removed items come back with them, and
 * reminders_sent is untouched.  Runs in the caller's transaction if one is
 * open, else in its own. */
int store_clear_synced(struct store *s);
/* Sets *known to 1 when the item is in the store, or was until
 * store_clear_synced removed it (so that a full resync does not announce
 * old items as new), else 0. */
int store_notice_known(struct store *s, const char *id, int *known);
int store_deadline_known(struct store *s, const char *id, int *known);

/* Notices, newest first. */
int store_notices_list(struct store *s, struct store_notice **out, size_t *n);
void store_notices_free(struct store_notice *v, size_t n);
/* Looks one up; returns 0 and sets *found to 0 or 1. */
int store_notice_get(struct store *s, const char *id, struct store_notice *out, int *found);
void store_notice_release(struct store_notice *n);
int store_notice_mark_read(struct store *s, const char *id, int read);

/* Deadlines by due date, earliest first; open_only leaves out done ones. */
int store_deadlines_list(struct store *s, int open_only, struct store_deadline **out, size_t *n);
void store_deadlines_free(struct store_deadline *v, size_t n);
int store_deadline_get(struct store *s, const char *id, struct store_deadline *out, int *found);
void store_deadline_release(struct store_deadline *d);
/* Sets *changed to 1 when a deadline with that id existed. */
int store_deadline_set_done(struct store *s, const char *id, int done, int *changed);

/* reminders_sent: each (deadline, offset in days) at most once ever. */
int store_reminder_sent(struct store *s, const char *deadline_id, int offset, int *sent);
int store_reminder_mark(struct store *s, const char *deadline_id, int offset, time_t at);

/* PRAGMA data_version: changes when another connection commits. */
int store_data_version(struct store *s, long long *version);

/*
 * Drafts, the outbox and snoozes (user intent, written by myna and mynad;
 * never touched by a full resync).
 *
 * A draft is a procedure's form being filled in: fields is a JSON object
 * of field name to value (text).  Queuing a draft copies its fields into
 * the outbox with a new idempotency key (a UUID version 4 from getrandom),
 * in one transaction with the draft's state.  mynad sends outbox items in
 * order (seq) and records the server's answer: sent (with the application
 * id), or needs fixing (with the server's field errors, handed back to the
 * draft).  An item is sent again with the same key until the server has
 * answered, so a repeat creates nothing on the server.
 */
#define STORE_KEY_SIZE 37	/* a UUID: 36 characters and the NUL */

enum store_draft_state {
	STORE_DRAFT_EDITING,
	STORE_DRAFT_QUEUED,
	STORE_DRAFT_NEEDS_FIXING,
	STORE_DRAFT_SENT
};

enum store_outbox_state { STORE_OUTBOX_QUEUED, STORE_OUTBOX_SENT, STORE_OUTBOX_NEEDS_FIXING };

struct store_draft {
	long long	       id;
	char		      *procedure;
	char		      *fields;	/* JSON object text, never NULL */
	enum store_draft_state state;
	char		      *errors;	/* JSON object of field to message, or NULL */
	time_t		       updated;
};

struct store_outbox {
	long long		seq;	/* sending order */
	char			key[STORE_KEY_SIZE];
	long long		draft_id;	/* 0 once the draft is deleted */
	char		       *procedure;
	char		       *fields;	/* JSON object text as queued */
	enum store_outbox_state state;
	int			attempts;	/* answers that were not final */
	char		       *last_error;	/* or NULL */
	char		       *application_id;	/* once sent */
	time_t			queued;
	time_t			sent;	/* 0 until sent */
};

/* Saves a draft: a new one when *id is 0 (*id is then set), else replaces
 * the procedure and fields of draft *id and makes it editable again (its
 * errors are cleared).  fields must be a JSON object's text. */
int store_draft_save(struct store *s, long long *id, const char *procedure, const char *fields);
/* Looks a draft up; *found is set to 0 or 1. */
int store_draft_get(struct store *s, long long id, struct store_draft *out, int *found);
/* All drafts, newest first. */
int store_drafts_list(struct store *s, struct store_draft **out, size_t *n);
int store_draft_delete(struct store *s, long long id);
void store_draft_release(struct store_draft *d);
void store_drafts_free(struct store_draft *v, size_t n);

/* Queues draft id for sending: a new outbox item with a new key (copied
 * into key, at least STORE_KEY_SIZE bytes) holding the draft's fields as
 * they are now, and the draft marked queued, in one transaction (the
 * caller's when one is open).  Fails when there is no such draft or no
 * random key can be made. */
int store_outbox_queue(struct store *s, long long draft_id, char *key, long long *seq);
/* Outbox items in sending order; pending_only lists only the queued ones. */
int store_outbox_list(struct store *s, int pending_only, struct store_outbox **out, size_t *n);
void store_outbox_free(struct store_outbox *v, size_t n);
void store_outbox_release(struct store_outbox *o);
/* Sets *n to the number of queued (not yet answered) items. */
int store_outbox_pending(struct store *s, size_t *n);
/* Records a try that got no final answer (network error, 5xx): attempts
 * grows by one, error is kept. */
int store_outbox_attempt(struct store *s, long long seq, const char *error);
/* Records the server's 2xx: the item and its draft are sent, with the
 * application id.  Does nothing to an item that is no longer queued. */
int store_outbox_mark_sent(struct store *s, long long seq, const char *application_id);
/* Records a refusal the resident must fix (422 and other final 4xx): the
 * item needs fixing, and its draft too, with errors (a JSON object of
 * field to message, or NULL) and message (what the server said). */
int store_outbox_mark_needs_fixing(struct store *s, long long seq, const char *errors,
				   const char *message);

/* Snoozes: no reminder of the deadline before until; then one.  until 0
 * removes the snooze.  *until is 0 when the deadline is not snoozed. */
int store_snooze_set(struct store *s, const char *deadline_id, time_t until);
int store_snooze_get(struct store *s, const char *deadline_id, time_t *until);

/*
 * Procedures, applications, records and access records (migration 3):
 * synced data like notices, replaced whole by each upsert and removed by
 * store_clear_synced.  The wire types are used as they are; what a getter
 * or list fills in is the caller's to release with the wire module's
 * _release (one) or the _free below (an array; NULL is a no-op).
 *
 * A "brief" procedure, as lists and searches give it, has only id, name,
 * agency, deadline and online filled in (no description, documents or
 * form): enough for a list line, cheap for a catalogue of 50,000.
 */
#define STORE_SEARCH_MAX 1000	/* results of one search at most */

int store_procedure_upsert(struct store *s, const struct wire_procedure *p);
int store_procedure_delete(struct store *s, const char *id);
/* The whole procedure, with its form; *found is set to 0 or 1. */
int store_procedure_get(struct store *s, const char *id, struct wire_procedure *out, int *found);
/* Brief procedures in id order, at most limit of them (0: all); *total is
 * the number in the store (may be NULL). */
int store_procedures_list(struct store *s, size_t limit, struct wire_procedure **out, size_t *n,
			  size_t *total);
/* Searches names, agencies, descriptions, deadlines and documents in both
 * languages for every word of query (words are split at blanks, the
 * ideographic space included; case does not matter for Latin letters).  A
 * word of three characters or more may be any part of a word; a shorter
 * one is looked for in names and agencies only.  What matches in names
 * comes first, then the rest, each in the catalogue's order (a search
 * stops at the matches it needs rather than ranking every one, so that it
 * stays fast in a catalogue of 50,000); at most limit (1 ..
 * STORE_SEARCH_MAX) brief entries; *more is set to 1 when more matched.
 * A query with no word finds nothing. */
int store_procedures_search(struct store *s, const char *query, size_t limit,
			    struct wire_procedure **out, size_t *n, int *more);
void store_procedures_free(struct wire_procedure *v, size_t n);

int store_application_upsert(struct store *s, const struct wire_application *a);
int store_application_delete(struct store *s, const char *id);
int store_application_get(struct store *s, const char *id, struct wire_application *out,
			  int *found);
/* Most recently updated first. */
int store_applications_list(struct store *s, struct wire_application **out, size_t *n);
void store_applications_free(struct wire_application *v, size_t n);

int store_record_upsert(struct store *s, const struct wire_record *r);
int store_record_delete(struct store *s, const char *id);
int store_record_get(struct store *s, const char *id, struct wire_record *out, int *found);
/* By category, then id. */
int store_records_list(struct store *s, struct wire_record **out, size_t *n);
void store_records_free(struct wire_record *v, size_t n);

int store_access_upsert(struct store *s, const struct wire_access *a);
int store_access_delete(struct store *s, const char *id);
int store_access_get(struct store *s, const char *id, struct wire_access *out, int *found);
/* Newest first; agency non-NULL keeps only the records whose agency is
 * exactly agency in either language. */
int store_access_list(struct store *s, const char *agency, struct wire_access **out, size_t *n);
void store_access_free(struct wire_access *v, size_t n);

/* For the front end, which must tell what is new and show To do quickly
 * however much the store holds: the ids of every item of kind ("notice",
 * "deadline", or "application", whose entries are "ID STATUS"), newly
 * allocated (free with store_ids_free); and the unread notices, newest
 * first, with *total the number of all notices. */
int store_ids(struct store *s, const char *kind, char ***ids, size_t *n);
void store_ids_free(char **ids, size_t n);
int store_notices_unread(struct store *s, struct store_notice **out, size_t *n, size_t *total);

#endif
