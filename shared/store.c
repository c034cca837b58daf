/*
 * store: the client's local SQLite store (see store.h).
 *
 * The schema changes only through the numbered migrations below; the
 * database's PRAGMA user_version says how many have run.  Statements are
 * prepared on first use and kept until store_close.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "date.h"
#include "i18n.h"
#include "mem.h"
#include "paths.h"
#include "sig.h"
#include "store.h"
#include "text.h"

#define STORE_BUSY_TIMEOUT 5000	/* ms to wait for another writer */
/* The fingerprint of the keyring every notice was last checked with. */
#define STORE_KEY_TRUST "notices.trust_keys"

/*
 * Migrations, in order; migration i brings user_version from i to i + 1.
 * Never edit one that has shipped: add a new one.
 *
 * cleared_items keeps, for items removed by store_clear_synced, whether
 * they were read or done and that they had been seen, so that a full resync
 * neither resets those marks nor announces old items as new.
 * reminders_sent has no foreign key on purpose: a reminder once sent stays
 * sent even when its deadline is removed and comes back.
 */
static const char *const store_migrations[] = {
	/* 1: the first schema. */
	"CREATE TABLE meta ("
	"  key   TEXT PRIMARY KEY,"
	"  value TEXT NOT NULL"
	");"
	"CREATE TABLE notices ("
	"  id           TEXT PRIMARY KEY,"
	"  title_ja     TEXT,"
	"  title_en     TEXT,"
	"  body_ja      TEXT,"
	"  body_en      TEXT,"
	"  sender_ja    TEXT,"
	"  sender_en    TEXT,"
	"  published    TEXT,"
	"  published_ts INTEGER,"
	"  read         INTEGER NOT NULL DEFAULT 0"
	");"
	"CREATE INDEX notices_published ON notices(published_ts DESC, id);"
	"CREATE TABLE deadlines ("
	"  id        TEXT PRIMARY KEY,"
	"  title_ja  TEXT,"
	"  title_en  TEXT,"
	"  due       TEXT,"
	"  due_ts    INTEGER,"
	"  procedure TEXT,"
	"  done      INTEGER NOT NULL DEFAULT 0"
	");"
	"CREATE INDEX deadlines_due ON deadlines(due_ts, id);"
	"CREATE TABLE reminders_sent ("
	"  deadline_id TEXT NOT NULL,"
	"  offset_days INTEGER NOT NULL,"
	"  sent_at     INTEGER NOT NULL,"
	"  PRIMARY KEY (deadline_id, offset_days)"
	");"
	"CREATE TABLE cleared_items ("
	"  kind  TEXT NOT NULL,"
	"  id    TEXT NOT NULL,"
	"  state INTEGER NOT NULL DEFAULT 0,"
	"  PRIMARY KEY (kind, id)"
	");",
	/* 2: drafts, the outbox and snoozes.  The outbox keeps its fields as
	 * queued (a draft may change afterwards) and its idempotency key for
	 * every retry; seq is AUTOINCREMENT so that a key's item is never
	 * confused with a later one after deletions. */
	"CREATE TABLE drafts ("
	"  id         INTEGER PRIMARY KEY,"
	"  procedure  TEXT NOT NULL,"
	"  fields     TEXT NOT NULL DEFAULT '{}',"
	"  state      TEXT NOT NULL DEFAULT 'editing'"
	"             CHECK (state IN ('editing', 'queued', 'needs_fixing', 'sent')),"
	"  errors     TEXT,"
	"  updated_at INTEGER NOT NULL"
	");"
	"CREATE TABLE outbox ("
	"  seq            INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  idem_key       TEXT NOT NULL UNIQUE,"
	"  draft_id       INTEGER REFERENCES drafts(id) ON DELETE SET NULL,"
	"  procedure      TEXT NOT NULL,"
	"  fields         TEXT NOT NULL,"
	"  state          TEXT NOT NULL DEFAULT 'queued'"
	"                 CHECK (state IN ('queued', 'sent', 'needs_fixing')),"
	"  attempts       INTEGER NOT NULL DEFAULT 0,"
	"  last_error     TEXT,"
	"  application_id TEXT,"
	"  queued_at      INTEGER NOT NULL,"
	"  sent_at        INTEGER"
	");"
	"CREATE INDEX outbox_state ON outbox(state, seq);"
	"CREATE INDEX outbox_draft ON outbox(draft_id);"
	"CREATE TABLE snoozes ("
	"  deadline_id TEXT PRIMARY KEY,"
	"  until_ts    INTEGER NOT NULL"
	");",
	/* 3: the catalogue of procedures, applications, records and access
	 * records.  Each keeps its feed data whole (as the wire codec encodes
	 * it, cleaned) plus the columns that lists sort and filter by.
	 * procedures_fts and procedures_names_fts share the rowid of
	 * procedures; their trigram tokenizer matches any part of a word, so
	 * Japanese (which has no spaces between words) is found as well as
	 * English.  Trigrams cannot find words of one or two characters, which
	 * Japanese has many of (年金, 税), so procedure_grams indexes every one
	 * and two characters of Japanese text in names (col 0) and agencies
	 * (col 1). */
	"CREATE TABLE procedures ("
	"  id           TEXT PRIMARY KEY,"
	"  name_ja      TEXT,"
	"  name_en      TEXT,"
	"  agency_ja    TEXT,"
	"  agency_en    TEXT,"
	"  deadline_ja  TEXT,"
	"  deadline_en  TEXT,"
	"  online       INTEGER NOT NULL DEFAULT 0,"
	"  municipality TEXT,"
	"  data         TEXT NOT NULL"
	");"
	"CREATE VIRTUAL TABLE procedures_fts USING fts5(name, agency, body, tokenize = 'trigram');"
	"CREATE VIRTUAL TABLE procedures_names_fts USING fts5(name, tokenize = 'trigram');"
	"CREATE TABLE procedure_grams ("
	"  gram TEXT NOT NULL,"
	"  col  INTEGER NOT NULL,"
	"  pid  INTEGER NOT NULL,"
	"  PRIMARY KEY (gram, col, pid)"
	") WITHOUT ROWID;"
	"CREATE TABLE applications ("
	"  id           TEXT PRIMARY KEY,"
	"  procedure    TEXT,"
	"  status       TEXT NOT NULL,"
	"  updated_ts   INTEGER,"
	"  data         TEXT NOT NULL"
	");"
	"CREATE INDEX applications_updated ON applications(updated_ts DESC, id);"
	"CREATE TABLE records ("
	"  id           TEXT PRIMARY KEY,"
	"  category     TEXT NOT NULL,"
	"  data         TEXT NOT NULL"
	");"
	"CREATE INDEX records_category ON records(category, id);"
	"CREATE TABLE access_logs ("
	"  id           TEXT PRIMARY KEY,"
	"  when_ts      INTEGER,"
	"  agency_ja    TEXT,"
	"  agency_en    TEXT,"
	"  data         TEXT NOT NULL"
	");"
	"CREATE INDEX access_logs_when ON access_logs(when_ts DESC, id);"
	/* To do lists the unread notices of thousands. */
	"CREATE INDEX notices_unread ON notices(read, published_ts DESC, id);",
	/* 4: signed notices.  agency and signature as the feed carries them;
	 * trust is what checking them found (enum sig_trust) and trust_keys
	 * the fingerprint of the keyring they were checked with (NULL: not
	 * checked), so that a notice is checked again when the trusted keys
	 * change.  Notices synced before were stored without their
	 * signatures: sync.refetch has the next sync fetch everything again
	 * (keeping read and done marks, as after 410 Gone). */
	"ALTER TABLE notices ADD COLUMN agency TEXT;"
	"ALTER TABLE notices ADD COLUMN signature TEXT;"
	"ALTER TABLE notices ADD COLUMN trust INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE notices ADD COLUMN trust_keys TEXT;"
	"INSERT INTO meta(key, value) SELECT 'sync.refetch', '1' "
	"  WHERE EXISTS (SELECT 1 FROM notices) "
	"  ON CONFLICT(key) DO UPDATE SET value = excluded.value;",
};

#define STORE_SCHEMA_VERSION ((int)(sizeof store_migrations / sizeof store_migrations[0]))

enum store_stmt {
	ST_BEGIN,
	ST_COMMIT,
	ST_ROLLBACK,
	ST_META_GET,
	ST_META_SET,
	ST_META_DELETE,
	ST_NOTICE_UPSERT,
	ST_NOTICE_DELETE,
	ST_NOTICE_LIST,
	ST_NOTICE_GET,
	ST_NOTICE_READ,
	ST_NOTICE_KNOWN,
	ST_DEADLINE_UPSERT,
	ST_DEADLINE_DELETE,
	ST_DEADLINE_LIST,
	ST_DEADLINE_LIST_OPEN,
	ST_DEADLINE_GET,
	ST_DEADLINE_DONE,
	ST_DEADLINE_KNOWN,
	ST_CLEARED_FORGET,
	ST_CLEAR_KEEP_NOTICES,
	ST_CLEAR_KEEP_DEADLINES,
	ST_CLEAR_NOTICES,
	ST_CLEAR_DEADLINES,
	ST_REMINDER_SENT,
	ST_REMINDER_MARK,
	ST_DATA_VERSION,
	/* Drafts, the outbox and snoozes (migration 2). */
	ST_DRAFT_INSERT,
	ST_DRAFT_UPDATE,
	ST_DRAFT_GET,
	ST_DRAFT_LIST,
	ST_DRAFT_DELETE,
	ST_DRAFT_QUEUED,
	ST_OUTBOX_INSERT,
	ST_OUTBOX_LIST,
	ST_OUTBOX_LIST_PENDING,
	ST_OUTBOX_PENDING,
	ST_OUTBOX_ATTEMPT,
	ST_OUTBOX_SENT,
	ST_OUTBOX_FIX,
	ST_OUTBOX_DRAFT_STATE,
	ST_SNOOZE_SET,
	ST_SNOOZE_DELETE,
	ST_SNOOZE_GET,
	/* Procedures, applications, records, access records (migration 3). */
	ST_PROC_UPSERT,
	ST_PROC_DELETE,
	ST_PROC_FTS_DELETE,
	ST_PROC_FTS_INSERT,
	ST_PROC_GET,
	ST_PROC_LIST,
	ST_PROC_COUNT,
	ST_PROC_OLD,
	ST_PROC_NAMES_DELETE,
	ST_PROC_NAMES_INSERT,
	ST_PROC_GRAM_INSERT,
	ST_PROC_GRAM_DELETE,
	ST_PROC_MATCH,
	ST_PROC_NAME_MATCH,
	ST_PROC_GRAM,
	ST_PROC_LIKE_NAME,
	ST_PROC_LIKE_AGENCY,
	ST_APP_UPSERT,
	ST_APP_DELETE,
	ST_APP_GET,
	ST_APP_LIST,
	ST_RECORD_UPSERT,
	ST_RECORD_DELETE,
	ST_RECORD_GET,
	ST_RECORD_LIST,
	ST_ACCESS_UPSERT,
	ST_ACCESS_DELETE,
	ST_ACCESS_GET,
	ST_ACCESS_LIST,
	ST_ACCESS_LIST_AGENCY,
	ST_CLEAR_PROCEDURES,
	ST_CLEAR_PROCEDURES_FTS,
	ST_CLEAR_PROCEDURES_NAMES,
	ST_CLEAR_PROCEDURE_GRAMS,
	ST_CLEAR_APPLICATIONS,
	ST_CLEAR_RECORDS,
	ST_CLEAR_ACCESS,
	ST_IDS_NOTICES,
	ST_IDS_DEADLINES,
	ST_IDS_APPLICATIONS,
	ST_NOTICES_UNREAD,
	ST_NOTICES_COUNT,
	/* Signed notices (migration 4). */
	ST_NOTICE_TRUST_SET,
	ST_NOTICES_UNCHECKED,
	ST_COUNT
};

#define NOTICE_COLUMNS \
	"id, title_ja, title_en, body_ja, body_en, sender_ja, sender_en, " \
	"published, published_ts, read, agency, signature, trust, trust_keys"
#define DEADLINE_COLUMNS "id, title_ja, title_en, due, due_ts, procedure, done"
#define DRAFT_COLUMNS	 "id, procedure, fields, state, errors, updated_at"
#define OUTBOX_COLUMNS \
	"seq, idem_key, draft_id, procedure, fields, state, attempts, last_error, " \
	"application_id, queued_at, sent_at"
/* What lists of procedures show (migration 3). */
#define PROC_BRIEF_COLUMNS \
	"p.id, p.name_ja, p.name_en, p.agency_ja, p.agency_en, p.deadline_ja, p.deadline_en, " \
	"p.online"
/* Names, agencies and nothing else, as searches look at short words. */
#define PROC_TEXT_COLUMNS \
	"coalesce(p.name_ja, '') || ' ' || coalesce(p.name_en, ''), " \
	"coalesce(p.agency_ja, '') || ' ' || coalesce(p.agency_en, ''), ''"

static const char *const store_sql[ST_COUNT] = {
	[ST_BEGIN] = "BEGIN IMMEDIATE",
	[ST_COMMIT] = "COMMIT",
	[ST_ROLLBACK] = "ROLLBACK",
	[ST_META_GET] = "SELECT value FROM meta WHERE key = ?1",
	[ST_META_SET] = "INSERT INTO meta(key, value) VALUES (?1, ?2) "
			"ON CONFLICT(key) DO UPDATE SET value = excluded.value",
	[ST_META_DELETE] = "DELETE FROM meta WHERE key = ?1",
	[ST_NOTICE_UPSERT] =
		"INSERT INTO notices(" NOTICE_COLUMNS ") VALUES "
		"(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
		" COALESCE((SELECT state FROM cleared_items"
		"           WHERE kind = 'notice' AND id = ?1), 0), ?10, ?11, ?12, ?13) "
		"ON CONFLICT(id) DO UPDATE SET "
		"title_ja = excluded.title_ja, title_en = excluded.title_en, "
		"body_ja = excluded.body_ja, body_en = excluded.body_en, "
		"sender_ja = excluded.sender_ja, sender_en = excluded.sender_en, "
		"published = excluded.published, published_ts = excluded.published_ts, "
		"agency = excluded.agency, signature = excluded.signature, "
		"trust = excluded.trust, trust_keys = excluded.trust_keys",
	[ST_NOTICE_DELETE] = "DELETE FROM notices WHERE id = ?1",
	[ST_NOTICE_LIST] = "SELECT " NOTICE_COLUMNS " FROM notices "
			   "ORDER BY published_ts DESC, id",
	[ST_NOTICE_GET] = "SELECT " NOTICE_COLUMNS " FROM notices WHERE id = ?1",
	[ST_NOTICE_READ] = "UPDATE notices SET read = ?2 WHERE id = ?1",
	[ST_NOTICE_KNOWN] = "SELECT EXISTS(SELECT 1 FROM notices WHERE id = ?1) OR "
			    "EXISTS(SELECT 1 FROM cleared_items WHERE kind = 'notice' AND id = ?1)",
	[ST_DEADLINE_UPSERT] =
		"INSERT INTO deadlines(" DEADLINE_COLUMNS ") VALUES "
		"(?1, ?2, ?3, ?4, ?5, ?6, "
		" COALESCE((SELECT state FROM cleared_items"
		"           WHERE kind = 'deadline' AND id = ?1), 0)) "
		"ON CONFLICT(id) DO UPDATE SET "
		"title_ja = excluded.title_ja, title_en = excluded.title_en, "
		"due = excluded.due, due_ts = excluded.due_ts, "
		"procedure = excluded.procedure",
	[ST_DEADLINE_DELETE] = "DELETE FROM deadlines WHERE id = ?1",
	[ST_DEADLINE_LIST] = "SELECT " DEADLINE_COLUMNS " FROM deadlines ORDER BY due_ts, id",
	[ST_DEADLINE_LIST_OPEN] = "SELECT " DEADLINE_COLUMNS " FROM deadlines "
				  "WHERE done = 0 ORDER BY due_ts, id",
	[ST_DEADLINE_GET] = "SELECT " DEADLINE_COLUMNS " FROM deadlines WHERE id = ?1",
	[ST_DEADLINE_DONE] = "UPDATE deadlines SET done = ?2 WHERE id = ?1",
	[ST_DEADLINE_KNOWN] = "SELECT EXISTS(SELECT 1 FROM deadlines WHERE id = ?1) OR "
			      "EXISTS(SELECT 1 FROM cleared_items WHERE kind = 'deadline' AND id = ?1)",
	/* A mark set by the user on a present item replaces a remembered one. */
	[ST_CLEARED_FORGET] = "DELETE FROM cleared_items WHERE kind = ?1 AND id = ?2",
	[ST_CLEAR_KEEP_NOTICES] = "INSERT INTO cleared_items(kind, id, state) "
				  "SELECT 'notice', id, read FROM notices WHERE true "
				  "ON CONFLICT(kind, id) DO UPDATE SET state = excluded.state",
	[ST_CLEAR_KEEP_DEADLINES] = "INSERT INTO cleared_items(kind, id, state) "
				    "SELECT 'deadline', id, done FROM deadlines WHERE true "
				    "ON CONFLICT(kind, id) DO UPDATE SET state = excluded.state",
	[ST_CLEAR_NOTICES] = "DELETE FROM notices",
	[ST_CLEAR_DEADLINES] = "DELETE FROM deadlines",
	[ST_REMINDER_SENT] = "SELECT 1 FROM reminders_sent "
			     "WHERE deadline_id = ?1 AND offset_days = ?2",
	[ST_REMINDER_MARK] = "INSERT INTO reminders_sent(deadline_id, offset_days, sent_at) "
			     "VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
	[ST_DATA_VERSION] = "PRAGMA data_version",
	/* Drafts, the outbox and snoozes (migration 2). */
	[ST_DRAFT_INSERT] = "INSERT INTO drafts(procedure, fields, state, updated_at) "
			    "VALUES (?1, ?2, 'editing', ?3)",
	[ST_DRAFT_UPDATE] = "UPDATE drafts SET procedure = ?2, fields = ?3, state = 'editing', "
			    "errors = NULL, updated_at = ?4 WHERE id = ?1",
	[ST_DRAFT_GET] = "SELECT " DRAFT_COLUMNS " FROM drafts WHERE id = ?1",
	[ST_DRAFT_LIST] = "SELECT " DRAFT_COLUMNS " FROM drafts ORDER BY updated_at DESC, id DESC",
	[ST_DRAFT_DELETE] = "DELETE FROM drafts WHERE id = ?1",
	[ST_DRAFT_QUEUED] = "UPDATE drafts SET state = 'queued', errors = NULL, updated_at = ?2 "
			    "WHERE id = ?1",
	[ST_OUTBOX_INSERT] = "INSERT INTO outbox(idem_key, draft_id, procedure, fields, state, "
			     "queued_at) SELECT ?1, id, procedure, fields, 'queued', ?2 "
			     "FROM drafts WHERE id = ?3",
	[ST_OUTBOX_LIST] = "SELECT " OUTBOX_COLUMNS " FROM outbox ORDER BY seq",
	[ST_OUTBOX_LIST_PENDING] = "SELECT " OUTBOX_COLUMNS " FROM outbox "
				   "WHERE state = 'queued' ORDER BY seq",
	[ST_OUTBOX_PENDING] = "SELECT count(*) FROM outbox WHERE state = 'queued'",
	[ST_OUTBOX_ATTEMPT] = "UPDATE outbox SET attempts = attempts + 1, last_error = ?2 "
			      "WHERE seq = ?1 AND state = 'queued'",
	[ST_OUTBOX_SENT] = "UPDATE outbox SET state = 'sent', application_id = ?2, sent_at = ?3, "
			   "last_error = NULL WHERE seq = ?1 AND state = 'queued'",
	[ST_OUTBOX_FIX] = "UPDATE outbox SET state = 'needs_fixing', last_error = ?2 "
			  "WHERE seq = ?1 AND state = 'queued'",
	/* The draft follows its latest item only: a draft queued again
	 * after an edit is not marked by the answer to its older copy. */
	[ST_OUTBOX_DRAFT_STATE] = "UPDATE drafts SET state = ?2, errors = ?3, updated_at = ?4 "
				  "WHERE id = (SELECT draft_id FROM outbox WHERE seq = ?1) "
				  "AND NOT EXISTS (SELECT 1 FROM outbox o "
				  "  WHERE o.draft_id = drafts.id AND o.seq > ?1)",
	[ST_SNOOZE_SET] = "INSERT INTO snoozes(deadline_id, until_ts) VALUES (?1, ?2) "
			  "ON CONFLICT(deadline_id) DO UPDATE SET until_ts = excluded.until_ts",
	[ST_SNOOZE_DELETE] = "DELETE FROM snoozes WHERE deadline_id = ?1",
	[ST_SNOOZE_GET] = "SELECT until_ts FROM snoozes WHERE deadline_id = ?1",
	/* Procedures, applications, records, access records (migration 3). */
	[ST_PROC_UPSERT] =
		"INSERT INTO procedures(id, name_ja, name_en, agency_ja, agency_en, deadline_ja, "
		"deadline_en, online, municipality, data) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) "
		"ON CONFLICT(id) DO UPDATE SET name_ja = excluded.name_ja, "
		"name_en = excluded.name_en, agency_ja = excluded.agency_ja, "
		"agency_en = excluded.agency_en, deadline_ja = excluded.deadline_ja, "
		"deadline_en = excluded.deadline_en, online = excluded.online, "
		"municipality = excluded.municipality, data = excluded.data "
		"RETURNING rowid",
	[ST_PROC_DELETE] = "DELETE FROM procedures WHERE id = ?1",
	[ST_PROC_FTS_DELETE] = "DELETE FROM procedures_fts WHERE rowid = ?1",
	[ST_PROC_FTS_INSERT] = "INSERT INTO procedures_fts(rowid, name, agency, body) "
			       "VALUES (?1, ?2, ?3, ?4)",
	[ST_PROC_GET] = "SELECT id, data FROM procedures WHERE id = ?1",
	[ST_PROC_LIST] = "SELECT " PROC_BRIEF_COLUMNS " FROM procedures p ORDER BY p.id LIMIT ?1",
	[ST_PROC_COUNT] = "SELECT count(*) FROM procedures",
	[ST_PROC_OLD] = "SELECT rowid, name_ja, name_en, agency_ja, agency_en FROM procedures "
			"WHERE id = ?1",
	[ST_PROC_NAMES_DELETE] = "DELETE FROM procedures_names_fts WHERE rowid = ?1",
	[ST_PROC_NAMES_INSERT] = "INSERT INTO procedures_names_fts(rowid, name) VALUES (?1, ?2)",
	[ST_PROC_GRAM_INSERT] = "INSERT OR IGNORE INTO procedure_grams(gram, col, pid) "
				"VALUES (?1, ?2, ?3)",
	[ST_PROC_GRAM_DELETE] = "DELETE FROM procedure_grams WHERE gram = ?1 AND col = ?2 "
				"AND pid = ?3",
	/* A search runs in stages, each in the order of an index so that it
	 * stops at the first matches it needs instead of ranking every match:
	 * first what matches in names, then the rest.  Columns 8 to 10 are
	 * the text that short words are looked for in (names and agencies);
	 * 11 is the rowid. */
	[ST_PROC_MATCH] = "SELECT " PROC_BRIEF_COLUMNS ", " PROC_TEXT_COLUMNS ", p.rowid "
			  "FROM procedures_fts f JOIN procedures p ON p.rowid = f.rowid "
			  "WHERE procedures_fts MATCH ?1",
	[ST_PROC_NAME_MATCH] = "SELECT " PROC_BRIEF_COLUMNS ", " PROC_TEXT_COLUMNS ", p.rowid "
			       "FROM procedures_names_fts f JOIN procedures p ON p.rowid = f.rowid "
			       "WHERE procedures_names_fts MATCH ?1",
	[ST_PROC_GRAM] = "SELECT " PROC_BRIEF_COLUMNS ", " PROC_TEXT_COLUMNS ", p.rowid "
			 "FROM procedure_grams g JOIN procedures p ON p.rowid = g.pid "
			 "WHERE g.gram = ?1 AND g.col = ?2",
	/* Short words with Latin letters: a scan of names, then agencies. */
	[ST_PROC_LIKE_NAME] = "SELECT " PROC_BRIEF_COLUMNS ", " PROC_TEXT_COLUMNS ", p.rowid "
			      "FROM procedures p "
			      "WHERE p.name_ja LIKE ?1 ESCAPE '\\' OR p.name_en LIKE ?1 ESCAPE '\\'",
	[ST_PROC_LIKE_AGENCY] = "SELECT " PROC_BRIEF_COLUMNS ", " PROC_TEXT_COLUMNS ", p.rowid "
				"FROM procedures p "
				"WHERE p.agency_ja LIKE ?1 ESCAPE '\\' "
				"OR p.agency_en LIKE ?1 ESCAPE '\\'",
	[ST_APP_UPSERT] = "INSERT INTO applications(id, procedure, status, updated_ts, data) "
			  "VALUES (?1, ?2, ?3, ?4, ?5) "
			  "ON CONFLICT(id) DO UPDATE SET procedure = excluded.procedure, "
			  "status = excluded.status, updated_ts = excluded.updated_ts, "
			  "data = excluded.data",
	[ST_APP_DELETE] = "DELETE FROM applications WHERE id = ?1",
	[ST_APP_GET] = "SELECT id, data FROM applications WHERE id = ?1",
	[ST_APP_LIST] = "SELECT id, data FROM applications ORDER BY updated_ts DESC, id",
	[ST_RECORD_UPSERT] = "INSERT INTO records(id, category, data) VALUES (?1, ?2, ?3) "
			     "ON CONFLICT(id) DO UPDATE SET category = excluded.category, "
			     "data = excluded.data",
	[ST_RECORD_DELETE] = "DELETE FROM records WHERE id = ?1",
	[ST_RECORD_GET] = "SELECT id, data FROM records WHERE id = ?1",
	[ST_RECORD_LIST] = "SELECT id, data FROM records ORDER BY category, id",
	[ST_ACCESS_UPSERT] = "INSERT INTO access_logs(id, when_ts, agency_ja, agency_en, data) "
			     "VALUES (?1, ?2, ?3, ?4, ?5) "
			     "ON CONFLICT(id) DO UPDATE SET when_ts = excluded.when_ts, "
			     "agency_ja = excluded.agency_ja, agency_en = excluded.agency_en, "
			     "data = excluded.data",
	[ST_ACCESS_DELETE] = "DELETE FROM access_logs WHERE id = ?1",
	[ST_ACCESS_GET] = "SELECT id, data FROM access_logs WHERE id = ?1",
	[ST_ACCESS_LIST] = "SELECT id, data FROM access_logs ORDER BY when_ts DESC, id",
	[ST_ACCESS_LIST_AGENCY] = "SELECT id, data FROM access_logs "
				  "WHERE agency_ja = ?1 OR agency_en = ?1 "
				  "ORDER BY when_ts DESC, id",
	[ST_CLEAR_PROCEDURES] = "DELETE FROM procedures",
	[ST_CLEAR_PROCEDURES_FTS] = "DELETE FROM procedures_fts",
	[ST_CLEAR_PROCEDURES_NAMES] = "DELETE FROM procedures_names_fts",
	[ST_CLEAR_PROCEDURE_GRAMS] = "DELETE FROM procedure_grams",
	[ST_CLEAR_APPLICATIONS] = "DELETE FROM applications",
	[ST_CLEAR_RECORDS] = "DELETE FROM records",
	[ST_CLEAR_ACCESS] = "DELETE FROM access_logs",
	/* What the front end needs to tell what is new, and To do's unread
	 * notices, without reading every notice whole. */
	[ST_IDS_NOTICES] = "SELECT id FROM notices",
	[ST_IDS_DEADLINES] = "SELECT id FROM deadlines",
	[ST_IDS_APPLICATIONS] = "SELECT id || ' ' || status FROM applications",
	[ST_NOTICES_UNREAD] = "SELECT " NOTICE_COLUMNS " FROM notices WHERE read = 0 "
			      "ORDER BY published_ts DESC, id",
	[ST_NOTICES_COUNT] = "SELECT count(*) FROM notices",
	/* Signed notices (migration 4). */
	[ST_NOTICE_TRUST_SET] = "UPDATE notices SET trust = ?2, trust_keys = ?3 WHERE id = ?1",
	/* A batch at a time: each one checked leaves the selection. */
	[ST_NOTICES_UNCHECKED] = "SELECT " NOTICE_COLUMNS " FROM notices "
				 "WHERE trust_keys IS NOT ?1 LIMIT 256",
};

struct store {
	sqlite3	     *db;
	char	     *path;
	char	     *error;
	int	      damaged;	/* SQLite found the file corrupt */
	int	      opening;	/* store_open has not finished */
	sqlite3_stmt *stmt[ST_COUNT];
	struct sig_keyring *keyring;	/* never NULL: empty until one is set */
};

static void (*store_fault_hook)(const char *code);

void
store_set_fault_hook(void (*fn)(const char *code))
{
	store_fault_hook = fn;
}

/* Tells the fault hook that s failed, by SQLite's primary result code. */
static void
store_fault(struct store *s)
{
	static const char *const names[] = {
		[SQLITE_ERROR] = "error",	[SQLITE_INTERNAL] = "internal",
		[SQLITE_PERM] = "perm",		[SQLITE_ABORT] = "abort",
		[SQLITE_BUSY] = "busy",		[SQLITE_LOCKED] = "locked",
		[SQLITE_NOMEM] = "nomem",	[SQLITE_READONLY] = "readonly",
		[SQLITE_INTERRUPT] = "interrupt", [SQLITE_IOERR] = "ioerr",
		[SQLITE_CORRUPT] = "corrupt",	[SQLITE_NOTFOUND] = "notfound",
		[SQLITE_FULL] = "full",		[SQLITE_CANTOPEN] = "cantopen",
		[SQLITE_PROTOCOL] = "protocol", [SQLITE_EMPTY] = "empty",
		[SQLITE_SCHEMA] = "schema",	[SQLITE_TOOBIG] = "toobig",
		[SQLITE_CONSTRAINT] = "constraint", [SQLITE_MISMATCH] = "mismatch",
		[SQLITE_MISUSE] = "misuse",	[SQLITE_NOLFS] = "nolfs",
		[SQLITE_AUTH] = "auth",		[SQLITE_FORMAT] = "format",
		[SQLITE_RANGE] = "range",	[SQLITE_NOTADB] = "notadb",
	};
	const char *name = "other";
	char code[48];
	int rc = s->db != NULL ? sqlite3_errcode(s->db) & 0xff : SQLITE_OK;

	if (store_fault_hook == NULL)
		return;
	if (rc > 0 && (size_t)rc < sizeof names / sizeof names[0] && names[rc] != NULL)
		name = names[rc];
	snprintf(code, sizeof code, "store.%s%s", s->opening ? "open." : "", name);
	store_fault_hook(code);
}

/* Replaces the kept reason with a formatted one; returns -1 for the caller
 * to pass on. */
static int __attribute__((format(printf, 2, 3)))
store_fail(struct store *s, const char *fmt, ...)
{
	va_list ap;
	char *msg = NULL;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	free(s->error);
	s->error = msg ? msg : xstrdup(_("out of memory"));
	store_fault(s);
	return -1;
}

/* Notes whether SQLite's last error says the file is damaged. */
static void
store_check_damage(struct store *s)
{
	int code = sqlite3_errcode(s->db) & 0xff;

	if (code == SQLITE_NOTADB || code == SQLITE_CORRUPT)
		s->damaged = 1;
}

/* Records SQLite's reason for the failure of what. */
static int
store_db_fail(struct store *s, const char *what)
{
	store_check_damage(s);
	return store_fail(s, _("store %s: %s: %s"), s->path, what, sqlite3_errmsg(s->db));
}

/* Returns the statement for id, prepared on first use and reset for reuse;
 * NULL when it cannot be prepared (the reason is kept). */
static sqlite3_stmt *
store_stmt(struct store *s, enum store_stmt id)
{
	sqlite3_stmt *st = s->stmt[id];

	if (st != NULL) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		return st;
	}
	if (sqlite3_prepare_v3(s->db, store_sql[id], -1, SQLITE_PREPARE_PERSISTENT, &st,
			       NULL) != SQLITE_OK) {
		store_db_fail(s, _("preparing a statement"));
		return NULL;
	}
	s->stmt[id] = st;
	return st;
}

/* Binds text, or NULL when t is NULL. */
static int
store_bind_text(sqlite3_stmt *st, int i, const char *t)
{
	if (t == NULL)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_text(st, i, t, -1, SQLITE_TRANSIENT);
}

/* Runs st to completion (a statement that returns no rows). */
static int
store_done(struct store *s, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return store_db_fail(s, what);
	return 0;
}

/* Runs a statement whose only parameter is one text value. */
static int
store_exec1(struct store *s, enum store_stmt id, const char *arg, const char *what)
{
	sqlite3_stmt *st = store_stmt(s, id);

	if (st == NULL)
		return -1;
	if (arg != NULL && store_bind_text(st, 1, arg) != SQLITE_OK)
		return store_db_fail(s, what);
	return store_done(s, st, what);
}

/* Returns a copy of column i, or NULL when it is NULL. */
static char *
store_column_text(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t ? xstrdup((const char *)t) : NULL;
}

/* Reads the single integer a pragma answers. */
static int
store_pragma_int(struct store *s, const char *sql, int *out)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return store_db_fail(s, sql);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		store_db_fail(s, sql);
		sqlite3_finalize(st);
		return -1;
	}
	*out = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_finalize(st);
	return 0;
}

/* Runs constant SQL (pragmas and migrations: no parameters, nothing from
 * outside). */
static int
store_exec(struct store *s, const char *sql)
{
	char *err = NULL;

	if (sqlite3_exec(s->db, sql, NULL, NULL, &err) != SQLITE_OK) {
		store_check_damage(s);
		store_fail(s, _("store %s: %s"), s->path, err ? err : sqlite3_errmsg(s->db));
		sqlite3_free(err);
		return -1;
	}
	return 0;
}

/* Brings the schema up to date, one migration per transaction, and refuses
 * a store written by a newer version (which we could only damage). */
static int
store_migrate(struct store *s)
{
	char bump[64];
	int version;

	for (;;) {
		if (store_pragma_int(s, "PRAGMA user_version", &version) < 0)
			return -1;
		if (version > STORE_SCHEMA_VERSION)
			return store_fail(s,
					  _("store %s was written by a newer version of myna "
					    "(schema %d; this version knows up to %d): "
					    "update myna, or move the file away to start afresh"),
					  s->path, version, STORE_SCHEMA_VERSION);
		if (version == STORE_SCHEMA_VERSION)
			return 0;
		if (store_exec(s, "BEGIN IMMEDIATE") < 0)
			return -1;
		/* Another process may have migrated while we waited for the lock. */
		if (store_pragma_int(s, "PRAGMA user_version", &version) < 0)
			goto fail;
		if (version >= STORE_SCHEMA_VERSION) {
			store_exec(s, "ROLLBACK");
			continue;
		}
		snprintf(bump, sizeof bump, "PRAGMA user_version = %d", version + 1);
		if (store_exec(s, store_migrations[version]) < 0 || store_exec(s, bump) < 0 ||
		    store_exec(s, "COMMIT") < 0)
			goto fail;
	}
fail:
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

/* Creates the file with mode 0600 before SQLite sees it (SQLite gives its
 * -wal and -shm files the same mode). */
static int
store_create_file(struct store *s)
{
	struct stat sb;
	int fd;

	if (stat(s->path, &sb) == 0) {
		if (!S_ISREG(sb.st_mode))
			return store_fail(s, _("cannot open store %s: not a regular file"), s->path);
		return 0;
	}
	fd = open(s->path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 && errno != EEXIST)
		return store_fail(s, _("cannot create store %s: %s"), s->path, strerror(errno));
	if (fd >= 0)
		close(fd);
	return 0;
}

/* Switches to WAL, which lets the TUI read while mynad writes; SQLite
 * answers with the mode it could set. */
static int
store_wal(struct store *s)
{
	sqlite3_stmt *st = NULL;
	const char *mode;
	int rc = -1;

	if (sqlite3_prepare_v2(s->db, "PRAGMA journal_mode = WAL", -1, &st, NULL) != SQLITE_OK)
		return store_db_fail(s, _("setting WAL mode"));
	if (sqlite3_step(st) != SQLITE_ROW) {
		store_db_fail(s, _("setting WAL mode"));
		goto out;
	}
	mode = (const char *)sqlite3_column_text(st, 0);
	if (mode == NULL || strcmp(mode, "wal") != 0) {
		store_fail(s, _("store %s: cannot use WAL mode (journal mode is %s): "
				"is its folder writable?"), s->path, mode ? mode : "?");
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

/* Sets up the connection: lock waits, WAL, foreign keys, then the schema. */
static int
store_setup(struct store *s)
{
	int fk = 0;

	sqlite3_busy_timeout(s->db, STORE_BUSY_TIMEOUT);
	sqlite3_extended_result_codes(s->db, 1);
	if (store_wal(s) < 0 || store_exec(s, "PRAGMA synchronous = NORMAL") < 0 ||
	    store_exec(s, "PRAGMA foreign_keys = ON") < 0 ||
	    store_pragma_int(s, "PRAGMA foreign_keys", &fk) < 0)
		return -1;
	if (fk != 1)
		return store_fail(s, _("store %s: SQLite was built without foreign keys"), s->path);
	return store_migrate(s);
}

int
store_open(const char *path, struct store **out, char **cause)
{
	struct store *s;
	char *why = NULL;
	int rc;

	*out = NULL;
	if (paths_make_parent(path, &why) < 0) {
		*cause = xasprintf(_("cannot create the folder for store %s: %s"), path, why);
		free(why);
		return -1;
	}
	s = xcalloc(1, sizeof *s);
	s->path = xstrdup(path);
	s->opening = 1;
	s->keyring = sig_keyring_new();
	if (store_create_file(s) < 0)
		goto fail;
	rc = sqlite3_open_v2(path, &s->db,
			     SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE,
			     NULL);
	if (rc != SQLITE_OK) {
		store_fail(s, _("cannot open store %s: %s"), path,
			   s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
		goto fail;
	}
	if (sqlite3_db_readonly(s->db, "main") == 1) {
		store_fail(s, _("cannot open store %s for writing: check its permissions"), path);
		goto fail;
	}
	if (store_setup(s) < 0)
		goto fail;
	s->opening = 0;
	*out = s;
	return 0;
fail:
	/* A damaged file is worth naming plainly: the synced data can always
	 * be fetched again. */
	if (s->damaged)
		*cause = xasprintf(_("%s (the file is damaged: move it away and sync again)"),
				   s->error);
	else
		*cause = xstrdup(s->error);
	store_close(s);
	return -1;
}

void
store_close(struct store *s)
{
	int i;

	if (s == NULL)
		return;
	for (i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(s->stmt[i]);
	sqlite3_close(s->db);
	sig_keyring_free(s->keyring);
	free(s->path);
	free(s->error);
	free(s);
}

const char *
store_error(struct store *s)
{
	if (s == NULL || s->error == NULL)
		return _("no error");
	return s->error;
}

int
store_begin(struct store *s)
{
	return store_exec1(s, ST_BEGIN, NULL, _("starting a transaction"));
}

int
store_commit(struct store *s)
{
	return store_exec1(s, ST_COMMIT, NULL, _("committing"));
}

int
store_rollback(struct store *s)
{
	/* Nothing to undo (SQLite may have rolled back itself on an error). */
	if (sqlite3_get_autocommit(s->db))
		return 0;
	return store_exec1(s, ST_ROLLBACK, NULL, _("rolling back"));
}

int
store_meta_get(struct store *s, const char *key, char **value)
{
	sqlite3_stmt *st = store_stmt(s, ST_META_GET);
	int rc;

	*value = NULL;
	if (st == NULL)
		return -1;
	store_bind_text(st, 1, key);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*value = store_column_text(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_db_fail(s, _("reading state"));
	return 0;
}

int
store_meta_set(struct store *s, const char *key, const char *value)
{
	sqlite3_stmt *st;

	if (value == NULL)
		return store_meta_delete(s, key);
	if ((st = store_stmt(s, ST_META_SET)) == NULL)
		return -1;
	store_bind_text(st, 1, key);
	store_bind_text(st, 2, value);
	return store_done(s, st, _("saving state"));
}

int
store_meta_delete(struct store *s, const char *key)
{
	return store_exec1(s, ST_META_DELETE, key, _("removing state"));
}

/* Parses an RFC 3339 time for sorting; unknown times sort as 0. */
static long long
store_time(const char *rfc3339)
{
	time_t t;

	if (rfc3339 == NULL || date_parse(rfc3339, &t) < 0)
		return 0;
	return (long long)t;
}

int
store_notice_upsert(struct store *s, const struct wire_notice *n)
{
	sqlite3_stmt *st = store_stmt(s, ST_NOTICE_UPSERT);

	if (st == NULL)
		return -1;
	store_bind_text(st, 1, n->id);
	store_bind_text(st, 2, n->title.ja);
	store_bind_text(st, 3, n->title.en);
	store_bind_text(st, 4, n->body.ja);
	store_bind_text(st, 5, n->body.en);
	store_bind_text(st, 6, n->sender.ja);
	store_bind_text(st, 7, n->sender.en);
	store_bind_text(st, 8, n->published);
	sqlite3_bind_int64(st, 9, store_time(n->published));
	store_bind_text(st, 10, n->agency);
	store_bind_text(st, 11, n->signature);
	sqlite3_bind_int(st, 12, (int)sig_verify(s->keyring, n));
	store_bind_text(st, 13, sig_keyring_fingerprint(s->keyring));
	return store_done(s, st, _("saving a notice"));
}

int
store_notice_delete(struct store *s, const char *id)
{
	return store_exec1(s, ST_NOTICE_DELETE, id, _("removing a notice"));
}

int
store_deadline_upsert(struct store *s, const struct wire_deadline *d)
{
	sqlite3_stmt *st = store_stmt(s, ST_DEADLINE_UPSERT);

	if (st == NULL)
		return -1;
	store_bind_text(st, 1, d->id);
	store_bind_text(st, 2, d->title.ja);
	store_bind_text(st, 3, d->title.en);
	store_bind_text(st, 4, d->due);
	sqlite3_bind_int64(st, 5, store_time(d->due));
	store_bind_text(st, 6, d->procedure);
	return store_done(s, st, _("saving a deadline"));
}

int
store_deadline_delete(struct store *s, const char *id)
{
	return store_exec1(s, ST_DEADLINE_DELETE, id, _("removing a deadline"));
}

int
store_clear_synced(struct store *s)
{
	static const enum store_stmt steps[] = {
		ST_CLEAR_KEEP_NOTICES, ST_CLEAR_KEEP_DEADLINES,
		ST_CLEAR_NOTICES, ST_CLEAR_DEADLINES,
		ST_CLEAR_PROCEDURES, ST_CLEAR_PROCEDURES_FTS, ST_CLEAR_PROCEDURES_NAMES,
		ST_CLEAR_PROCEDURE_GRAMS, ST_CLEAR_APPLICATIONS,
		ST_CLEAR_RECORDS, ST_CLEAR_ACCESS,
	};
	size_t i;
	int own = sqlite3_get_autocommit(s->db);

	/* All or nothing: inside the caller's transaction, or in our own. */
	if (own && store_begin(s) < 0)
		return -1;
	for (i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		if (store_exec1(s, steps[i], NULL, _("clearing synced data")) < 0)
			goto fail;
	}
	if (own && store_commit(s) < 0)
		goto fail;
	return 0;
fail:
	if (own)
		store_rollback(s);
	return -1;
}

/* Fills the item at out from the current row of a statement. */
typedef void (*store_row_fn)(struct store *s, sqlite3_stmt *st, void *out);

/* Reads every row of st into a new array of items of size bytes, each
 * filled by row; on failure, releases what was read (release_all) and says
 * what failed.  An st of NULL (its preparation failed) is a failure. */
static int
store_rows(struct store *s, sqlite3_stmt *st, size_t size, store_row_fn row,
	   void (*release_all)(void *v, size_t n), const char *what, void **out, size_t *n)
{
	char *v = NULL;
	size_t len = 0, alloc = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (len == alloc) {
			alloc = alloc ? alloc * 2 : 16;
			v = xreallocarray(v, alloc, size);
		}
		row(s, st, v + len++ * size);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		release_all(v, len);
		return store_db_fail(s, what);
	}
	*out = v;
	*n = len;
	return 0;
}

/* Reads the one row of st (its parameters bound) into out, of size bytes;
 * *found says whether there was one. */
static int
store_row_one(struct store *s, sqlite3_stmt *st, size_t size, store_row_fn row,
	      const char *what, void *out, int *found)
{
	int rc;

	memset(out, 0, size);
	*found = 0;
	if (st == NULL)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		row(s, st, out);
		*found = 1;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_db_fail(s, what);
	return 0;
}

/* The count that statement id answers (one row, one number) in *count. */
static int
store_count(struct store *s, enum store_stmt id, const char *what, size_t *count)
{
	sqlite3_stmt *st = store_stmt(s, id);
	int rc;

	*count = 0;
	if (st == NULL)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*count = (size_t)sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : store_db_fail(s, what);
}

/* Fills n from a row of NOTICE_COLUMNS.  The trust kept in the row
 * stands when it was found with the keys the store has now; otherwise the
 * notice is checked here. */
static void
store_notice_row(struct store *s, sqlite3_stmt *st, void *out)
{
	struct store_notice *n = out;
	const struct wire_text *names;
	const char *keys;
	int trust;

	memset(n, 0, sizeof *n);
	n->n.id = store_column_text(st, 0);
	n->n.title.ja = store_column_text(st, 1);
	n->n.title.en = store_column_text(st, 2);
	n->n.body.ja = store_column_text(st, 3);
	n->n.body.en = store_column_text(st, 4);
	n->n.sender.ja = store_column_text(st, 5);
	n->n.sender.en = store_column_text(st, 6);
	n->n.published = store_column_text(st, 7);
	n->published = (time_t)sqlite3_column_int64(st, 8);
	n->read = sqlite3_column_int(st, 9) != 0;
	n->n.agency = store_column_text(st, 10);
	n->n.signature = store_column_text(st, 11);
	keys = (const char *)sqlite3_column_text(st, 13);
	trust = sqlite3_column_int(st, 12);
	if (keys != NULL && strcmp(keys, sig_keyring_fingerprint(s->keyring)) == 0 &&
	    trust >= SIG_UNSIGNED && trust <= SIG_UNKNOWN)
		n->trust = (enum sig_trust)trust;
	else
		n->trust = sig_verify(s->keyring, &n->n);
	names = sig_keyring_names(s->keyring, n->n.agency);
	if (names != NULL) {
		n->agency_name.ja = xstrdup(names->ja);
		n->agency_name.en = xstrdup(names->en);
	}
}

/* Fills d from a row of DEADLINE_COLUMNS. */
static void
store_deadline_row(struct store *s, sqlite3_stmt *st, void *out)
{
	struct store_deadline *d = out;

	(void)s;
	memset(d, 0, sizeof *d);
	d->d.id = store_column_text(st, 0);
	d->d.title.ja = store_column_text(st, 1);
	d->d.title.en = store_column_text(st, 2);
	d->d.due = store_column_text(st, 3);
	d->due = (time_t)sqlite3_column_int64(st, 4);
	d->d.procedure = store_column_text(st, 5);
	d->done = sqlite3_column_int(st, 6) != 0;
}

/* store_notices_free for store_rows. */
static void
store_notices_free_any(void *v, size_t n)
{
	store_notices_free(v, n);
}

int
store_notices_list(struct store *s, struct store_notice **out, size_t *n)
{
	void *v;
	int rc = store_rows(s, store_stmt(s, ST_NOTICE_LIST), sizeof **out, store_notice_row,
			    store_notices_free_any, _("listing notices"), &v, n);

	*out = v;
	return rc;
}

void
store_notices_free(struct store_notice *v, size_t n)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++)
		store_notice_release(&v[i]);
	free(v);
}

int
store_notice_get(struct store *s, const char *id, struct store_notice *out, int *found)
{
	sqlite3_stmt *st = store_stmt(s, ST_NOTICE_GET);

	if (st != NULL)
		store_bind_text(st, 1, id);
	return store_row_one(s, st, sizeof *out, store_notice_row, _("reading a notice"), out, found);
}

void
store_notice_release(struct store_notice *n)
{
	if (n == NULL)
		return;
	wire_notice_release(&n->n);
	wire_text_release(&n->agency_name);
	n->published = 0;
	n->read = 0;
	n->trust = SIG_UNSIGNED;
}

/* Checks the notices not yet checked with the store's keyring, and keeps
 * what was found.  In the caller's transaction. */
static int
store_notices_check_tx(struct store *s, size_t *checked)
{
	const char *fp = sig_keyring_fingerprint(s->keyring);
	struct store_notice *v = NULL;
	size_t len, alloc = 0, i;
	sqlite3_stmt *st, *up;
	int rc;

	for (;;) {
		if ((st = store_stmt(s, ST_NOTICES_UNCHECKED)) == NULL)
			return -1;
		store_bind_text(st, 1, fp);
		len = 0;
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			if (len == alloc) {
				alloc = alloc ? alloc * 2 : 16;
				v = xreallocarray(v, alloc, sizeof *v);
			}
			/* The row's trust is not taken: its keys differ. */
			store_notice_row(s, st, &v[len++]);
		}
		sqlite3_reset(st);
		if (rc != SQLITE_DONE)
			goto fail;
		if (len == 0)
			break;
		for (i = 0; i < len; i++) {
			if ((up = store_stmt(s, ST_NOTICE_TRUST_SET)) == NULL)
				goto fail_quiet;
			store_bind_text(up, 1, v[i].n.id);
			sqlite3_bind_int(up, 2, (int)v[i].trust);
			store_bind_text(up, 3, fp);
			if (store_done(s, up, _("saving what a notice's signature showed")) < 0)
				goto fail_quiet;
		}
		*checked += len;
		for (i = 0; i < len; i++)
			store_notice_release(&v[i]);
	}
	free(v);
	return 0;
fail:
	store_db_fail(s, _("checking the signatures of notices"));
fail_quiet:
	for (i = 0; i < len; i++)
		store_notice_release(&v[i]);
	free(v);
	return -1;
}

int
store_set_keyring(struct store *s, struct sig_keyring *kr, size_t *checked)
{
	char *done = NULL;
	const char *fp;
	size_t n = 0;
	int same;

	if (checked != NULL)
		*checked = 0;
	sig_keyring_free(s->keyring);
	s->keyring = kr != NULL ? kr : sig_keyring_new();
	fp = sig_keyring_fingerprint(s->keyring);
	if (store_meta_get(s, STORE_KEY_TRUST, &done) < 0)
		return -1;
	same = done != NULL && strcmp(done, fp) == 0;
	free(done);
	if (same)
		return 0;
	/* The keys changed since the notices were last checked: check them
	 * again now, rather than on every read until the next sync. */
	if (store_begin(s) < 0)
		return -1;
	if (store_notices_check_tx(s, &n) < 0 || store_meta_set(s, STORE_KEY_TRUST, fp) < 0 ||
	    store_commit(s) < 0) {
		store_rollback(s);
		return -1;
	}
	if (checked != NULL)
		*checked = n;
	return 0;
}

/* Sets a user mark (read, done) on the item kind/id with statement id;
 * *changed says whether the item exists. */
static int
store_mark(struct store *s, enum store_stmt id, const char *kind, const char *item, int value,
	   int *changed)
{
	sqlite3_stmt *st = store_stmt(s, id);

	*changed = 0;
	if (st == NULL)
		return -1;
	store_bind_text(st, 1, item);
	sqlite3_bind_int(st, 2, value != 0);
	if (store_done(s, st, _("saving a mark")) < 0)
		return -1;
	*changed = sqlite3_changes(s->db) > 0;
	if (!*changed)
		return 0;
	if ((st = store_stmt(s, ST_CLEARED_FORGET)) == NULL)
		return -1;
	store_bind_text(st, 1, kind);
	store_bind_text(st, 2, item);
	return store_done(s, st, _("saving a mark"));
}

int
store_notice_mark_read(struct store *s, const char *id, int read)
{
	int changed;

	return store_mark(s, ST_NOTICE_READ, "notice", id, read, &changed);
}

/* store_deadlines_free for store_rows. */
static void
store_deadlines_free_any(void *v, size_t n)
{
	store_deadlines_free(v, n);
}

int
store_deadlines_list(struct store *s, int open_only, struct store_deadline **out, size_t *n)
{
	void *v;
	int rc = store_rows(s, store_stmt(s, open_only ? ST_DEADLINE_LIST_OPEN : ST_DEADLINE_LIST),
			    sizeof **out, store_deadline_row, store_deadlines_free_any,
			    _("listing deadlines"), &v, n);

	*out = v;
	return rc;
}

void
store_deadlines_free(struct store_deadline *v, size_t n)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++)
		store_deadline_release(&v[i]);
	free(v);
}

int
store_deadline_get(struct store *s, const char *id, struct store_deadline *out, int *found)
{
	sqlite3_stmt *st = store_stmt(s, ST_DEADLINE_GET);

	if (st != NULL)
		store_bind_text(st, 1, id);
	return store_row_one(s, st, sizeof *out, store_deadline_row, _("reading a deadline"), out, found);
}

void
store_deadline_release(struct store_deadline *d)
{
	if (d == NULL)
		return;
	wire_deadline_release(&d->d);
	d->due = 0;
	d->done = 0;
}

int
store_deadline_set_done(struct store *s, const char *id, int done, int *changed)
{
	int dummy;

	return store_mark(s, ST_DEADLINE_DONE, "deadline", id, done,
			  changed ? changed : &dummy);
}

/* Answers a one-value yes/no query about id. */
static int
store_ask(struct store *s, enum store_stmt id, const char *item, int arg2, int *yes)
{
	sqlite3_stmt *st = store_stmt(s, id);
	int rc;

	*yes = 0;
	if (st == NULL)
		return -1;
	store_bind_text(st, 1, item);
	if (sqlite3_bind_parameter_count(st) >= 2)
		sqlite3_bind_int(st, 2, arg2);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*yes = sqlite3_column_int(st, 0) != 0;
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_db_fail(s, _("reading the store"));
	return 0;
}

int
store_notice_known(struct store *s, const char *id, int *known)
{
	return store_ask(s, ST_NOTICE_KNOWN, id, 0, known);
}

int
store_deadline_known(struct store *s, const char *id, int *known)
{
	return store_ask(s, ST_DEADLINE_KNOWN, id, 0, known);
}

int
store_reminder_sent(struct store *s, const char *deadline_id, int offset, int *sent)
{
	return store_ask(s, ST_REMINDER_SENT, deadline_id, offset, sent);
}

int
store_reminder_mark(struct store *s, const char *deadline_id, int offset, time_t at)
{
	sqlite3_stmt *st = store_stmt(s, ST_REMINDER_MARK);

	if (st == NULL)
		return -1;
	store_bind_text(st, 1, deadline_id);
	sqlite3_bind_int(st, 2, offset);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)at);
	return store_done(s, st, _("saving a reminder"));
}

int
store_data_version(struct store *s, long long *version)
{
	sqlite3_stmt *st = store_stmt(s, ST_DATA_VERSION);
	int rc;

	*version = 0;
	if (st == NULL)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*version = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return store_db_fail(s, _("reading the data version"));
	return 0;
}

/*
 * Drafts, the outbox and snoozes (migration 2).
 */

/* The state names as stored, indexed by the enums. */
static const char *const store_draft_states[] = {
	[STORE_DRAFT_EDITING] = "editing",
	[STORE_DRAFT_QUEUED] = "queued",
	[STORE_DRAFT_NEEDS_FIXING] = "needs_fixing",
	[STORE_DRAFT_SENT] = "sent",
};

static const char *const store_outbox_states[] = {
	[STORE_OUTBOX_QUEUED] = "queued",
	[STORE_OUTBOX_SENT] = "sent",
	[STORE_OUTBOX_NEEDS_FIXING] = "needs_fixing",
};

/* The index of name in names (n entries), or 0 when it is not there. */
static int
store_state_index(const char *const *names, size_t n, const unsigned char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < n; i++) {
		if (strcmp(names[i], (const char *)name) == 0)
			return (int)i;
	}
	return 0;
}

/* Writes a new random UUID (version 4, RFC 9562) into key.  The key is
 * what makes a retried submission harmless, so only the kernel's random
 * source will do. */
static int
store_new_key(struct store *s, char *key)
{
	unsigned char b[16];
	size_t got = 0;
	ssize_t n;

	while (got < sizeof b) {
		n = getrandom(b + got, sizeof b - got, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return store_fail(s, _("cannot make a submission key: %s"),
					  strerror(n < 0 ? errno : EIO));
		got += (size_t)n;
	}
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	snprintf(key, STORE_KEY_SIZE,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
		 b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
		 b[14], b[15]);
	return 0;
}

int
store_draft_save(struct store *s, long long *id, const char *procedure, const char *fields)
{
	sqlite3_stmt *st = store_stmt(s, *id == 0 ? ST_DRAFT_INSERT : ST_DRAFT_UPDATE);
	int i = 1;

	if (st == NULL)
		return -1;
	if (*id != 0)
		sqlite3_bind_int64(st, i++, *id);
	store_bind_text(st, i++, procedure);
	store_bind_text(st, i++, fields != NULL ? fields : "{}");
	sqlite3_bind_int64(st, i, (sqlite3_int64)time(NULL));
	if (store_done(s, st, _("saving a draft")) < 0)
		return -1;
	if (*id == 0)
		*id = sqlite3_last_insert_rowid(s->db);
	else if (sqlite3_changes(s->db) == 0)
		return store_fail(s, _("there is no draft %lld"), *id);
	return 0;
}

/* Fills d from a row of DRAFT_COLUMNS. */
static void
store_draft_row(struct store *s, sqlite3_stmt *st, void *out)
{
	struct store_draft *d = out;

	(void)s;
	memset(d, 0, sizeof *d);
	d->id = sqlite3_column_int64(st, 0);
	d->procedure = store_column_text(st, 1);
	d->fields = store_column_text(st, 2);
	if (d->fields == NULL)
		d->fields = xstrdup("{}");
	d->state = (enum store_draft_state)store_state_index(
		store_draft_states, sizeof store_draft_states / sizeof store_draft_states[0],
		sqlite3_column_text(st, 3));
	d->errors = store_column_text(st, 4);
	d->updated = (time_t)sqlite3_column_int64(st, 5);
}

int
store_draft_get(struct store *s, long long id, struct store_draft *out, int *found)
{
	sqlite3_stmt *st = store_stmt(s, ST_DRAFT_GET);

	if (st != NULL)
		sqlite3_bind_int64(st, 1, id);
	return store_row_one(s, st, sizeof *out, store_draft_row, _("reading a draft"), out, found);
}

/* store_drafts_free for store_rows. */
static void
store_drafts_free_any(void *v, size_t n)
{
	store_drafts_free(v, n);
}

int
store_drafts_list(struct store *s, struct store_draft **out, size_t *n)
{
	void *v;
	int rc = store_rows(s, store_stmt(s, ST_DRAFT_LIST), sizeof **out, store_draft_row,
			    store_drafts_free_any, _("listing drafts"), &v, n);

	*out = v;
	return rc;
}

int
store_draft_delete(struct store *s, long long id)
{
	sqlite3_stmt *st = store_stmt(s, ST_DRAFT_DELETE);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	return store_done(s, st, _("removing a draft"));
}

void
store_draft_release(struct store_draft *d)
{
	if (d == NULL)
		return;
	free(d->procedure);
	free(d->fields);
	free(d->errors);
	memset(d, 0, sizeof *d);
}

void
store_drafts_free(struct store_draft *v, size_t n)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++)
		store_draft_release(&v[i]);
	free(v);
}

int
store_outbox_queue(struct store *s, long long draft_id, char *key, long long *seq)
{
	int own = sqlite3_get_autocommit(s->db);
	sqlite3_stmt *st;
	char k[STORE_KEY_SIZE];
	time_t now = time(NULL);

	if (store_new_key(s, k) < 0)
		return -1;
	if (own && store_begin(s) < 0)
		return -1;
	if ((st = store_stmt(s, ST_OUTBOX_INSERT)) == NULL)
		goto fail;
	store_bind_text(st, 1, k);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)now);
	sqlite3_bind_int64(st, 3, draft_id);
	if (store_done(s, st, _("queuing a submission")) < 0)
		goto fail;
	if (sqlite3_changes(s->db) == 0) {
		store_fail(s, _("there is no draft %lld"), draft_id);
		goto fail;
	}
	if (seq != NULL)
		*seq = sqlite3_last_insert_rowid(s->db);
	if ((st = store_stmt(s, ST_DRAFT_QUEUED)) == NULL)
		goto fail;
	sqlite3_bind_int64(st, 1, draft_id);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)now);
	if (store_done(s, st, _("queuing a submission")) < 0)
		goto fail;
	if (own && store_commit(s) < 0)
		goto fail;
	if (key != NULL)
		memcpy(key, k, sizeof k);
	return 0;
fail:
	if (own)
		store_rollback(s);
	return -1;
}

/* Fills o from a row of OUTBOX_COLUMNS. */
static void
store_outbox_row(struct store *s, sqlite3_stmt *st, void *out)
{
	struct store_outbox *o = out;
	const unsigned char *k;

	(void)s;
	memset(o, 0, sizeof *o);
	o->seq = sqlite3_column_int64(st, 0);
	k = sqlite3_column_text(st, 1);
	snprintf(o->key, sizeof o->key, "%s", k != NULL ? (const char *)k : "");
	o->draft_id = sqlite3_column_int64(st, 2);
	o->procedure = store_column_text(st, 3);
	o->fields = store_column_text(st, 4);
	o->state = (enum store_outbox_state)store_state_index(
		store_outbox_states, sizeof store_outbox_states / sizeof store_outbox_states[0],
		sqlite3_column_text(st, 5));
	o->attempts = sqlite3_column_int(st, 6);
	o->last_error = store_column_text(st, 7);
	o->application_id = store_column_text(st, 8);
	o->queued = (time_t)sqlite3_column_int64(st, 9);
	o->sent = (time_t)sqlite3_column_int64(st, 10);
}

/* store_outbox_free for store_rows. */
static void
store_outbox_free_any(void *v, size_t n)
{
	store_outbox_free(v, n);
}

int
store_outbox_list(struct store *s, int pending_only, struct store_outbox **out, size_t *n)
{
	void *v;
	int rc = store_rows(s, store_stmt(s, pending_only ? ST_OUTBOX_LIST_PENDING :
								  ST_OUTBOX_LIST),
			    sizeof **out, store_outbox_row, store_outbox_free_any,
			    _("reading the outbox"), &v, n);

	*out = v;
	return rc;
}

void
store_outbox_release(struct store_outbox *o)
{
	if (o == NULL)
		return;
	free(o->procedure);
	free(o->fields);
	free(o->last_error);
	free(o->application_id);
	memset(o, 0, sizeof *o);
}

void
store_outbox_free(struct store_outbox *v, size_t n)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++)
		store_outbox_release(&v[i]);
	free(v);
}

int
store_outbox_pending(struct store *s, size_t *n)
{
	sqlite3_stmt *st = store_stmt(s, ST_OUTBOX_PENDING);
	int rc;

	*n = 0;
	if (st == NULL)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*n = (size_t)sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return store_db_fail(s, _("reading the outbox"));
	return 0;
}

int
store_outbox_attempt(struct store *s, long long seq, const char *error)
{
	sqlite3_stmt *st = store_stmt(s, ST_OUTBOX_ATTEMPT);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, seq);
	store_bind_text(st, 2, error);
	return store_done(s, st, _("saving the outbox"));
}

/* Moves item seq out of the queue with statement id (binding value as ?2,
 * and the time as ?3 when the statement has it), and its draft to
 * draft_state with errors, in one transaction. */
static int
store_outbox_answer(struct store *s, long long seq, enum store_stmt id, const char *value,
		    enum store_draft_state draft_state, const char *errors)
{
	int own = sqlite3_get_autocommit(s->db);
	sqlite3_stmt *st;
	time_t now = time(NULL);

	if (own && store_begin(s) < 0)
		return -1;
	if ((st = store_stmt(s, id)) == NULL)
		goto fail;
	sqlite3_bind_int64(st, 1, seq);
	store_bind_text(st, 2, value);
	if (sqlite3_bind_parameter_count(st) >= 3)
		sqlite3_bind_int64(st, 3, (sqlite3_int64)now);
	if (store_done(s, st, _("saving the outbox")) < 0)
		goto fail;
	/* An item answered before (a retry after a crash) keeps its state,
	 * and so does its draft. */
	if (sqlite3_changes(s->db) > 0) {
		if ((st = store_stmt(s, ST_OUTBOX_DRAFT_STATE)) == NULL)
			goto fail;
		sqlite3_bind_int64(st, 1, seq);
		store_bind_text(st, 2, store_draft_states[draft_state]);
		store_bind_text(st, 3, errors);
		sqlite3_bind_int64(st, 4, (sqlite3_int64)now);
		if (store_done(s, st, _("saving a draft")) < 0)
			goto fail;
	}
	if (own && store_commit(s) < 0)
		goto fail;
	return 0;
fail:
	if (own)
		store_rollback(s);
	return -1;
}

int
store_outbox_mark_sent(struct store *s, long long seq, const char *application_id)
{
	return store_outbox_answer(s, seq, ST_OUTBOX_SENT, application_id, STORE_DRAFT_SENT, NULL);
}

int
store_outbox_mark_needs_fixing(struct store *s, long long seq, const char *errors,
			       const char *message)
{
	return store_outbox_answer(s, seq, ST_OUTBOX_FIX, message, STORE_DRAFT_NEEDS_FIXING,
				   errors);
}

int
store_snooze_set(struct store *s, const char *deadline_id, time_t until)
{
	sqlite3_stmt *st;

	if (until == 0)
		return store_exec1(s, ST_SNOOZE_DELETE, deadline_id, _("saving a snooze"));
	if ((st = store_stmt(s, ST_SNOOZE_SET)) == NULL)
		return -1;
	store_bind_text(st, 1, deadline_id);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)until);
	return store_done(s, st, _("saving a snooze"));
}

int
store_snooze_get(struct store *s, const char *deadline_id, time_t *until)
{
	sqlite3_stmt *st = store_stmt(s, ST_SNOOZE_GET);
	int rc;

	*until = 0;
	if (st == NULL)
		return -1;
	store_bind_text(st, 1, deadline_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*until = (time_t)sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_db_fail(s, _("reading a snooze"));
	return 0;
}

/*
 * Procedures, applications, records and access records (migration 3).
 */

/* The JSON text of o as it is kept in a data column; o is released. */
static char *
store_json_take(json_object *o)
{
	char *t = xstrdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
							     JSON_C_TO_STRING_NOSLASHESCAPE));

	json_object_put(o);
	return t;
}

/* Parses the data column (index col) of a row: our own encoding, read
 * back with the same decoder as the feed so that it is checked again. */
static json_object *
store_json_column(struct store *s, sqlite3_stmt *st, int col)
{
	const char *t = (const char *)sqlite3_column_text(st, col);
	char *why = NULL;
	json_object *o;

	if (t == NULL) {
		store_fail(s, _("store %s: an item has no data"), s->path);
		return NULL;
	}
	o = wire_parse(t, (size_t)sqlite3_column_bytes(st, col), &why);
	if (o == NULL) {
		store_fail(s, _("store %s: an item's data is damaged: %s"), s->path, why);
		free(why);
	}
	return o;
}

/* A write of several statements runs in the caller's transaction when one
 * is open, else in its own: store_own_begin, the statements, then
 * store_own_end with their result. */
static int
store_own_begin(struct store *s, int *own)
{
	*own = sqlite3_get_autocommit(s->db);
	return *own ? store_begin(s) : 0;
}

static int
store_own_end(struct store *s, int own, int rc)
{
	if (!own)
		return rc;
	if (rc == 0 && store_commit(s) == 0)
		return 0;
	store_rollback(s);
	return -1;
}

/* Appends both languages of t to b, separated by newlines. */
static void
store_text_add(struct buf *b, const struct wire_text *t)
{
	if (t->ja != NULL) {
		buf_addstr(b, t->ja);
		buf_addch(b, '\n');
	}
	if (t->en != NULL) {
		buf_addstr(b, t->en);
		buf_addch(b, '\n');
	}
}

/* Calls fn for every Japanese (not ASCII) character of text, and every
 * two of them in a row: the grams that procedure_grams holds. */
static int
store_grams(const char *text, int (*fn)(struct store *, const char *, size_t, int,
					  sqlite3_int64),
	    struct store *s, int col, sqlite3_int64 pid)
{
	size_t len = text != NULL ? strlen(text) : 0, off = 0, a, b;
	unsigned int cp;

	while (off < len) {
		a = text_decode(text + off, len - off, &cp);
		if (cp < 0x80) {
			off += a;
			continue;
		}
		if (fn(s, text + off, a, col, pid) < 0)
			return -1;
		if (off + a < len) {
			b = text_decode(text + off + a, len - off - a, &cp);
			if (cp >= 0x80 && fn(s, text + off, a + b, col, pid) < 0)
				return -1;
		}
		off += a;
	}
	return 0;
}

static int
store_gram_put(struct store *s, const char *gram, size_t len, int col, sqlite3_int64 pid)
{
	sqlite3_stmt *st = store_stmt(s, ST_PROC_GRAM_INSERT);

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, gram, (int)len, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 2, col);
	sqlite3_bind_int64(st, 3, pid);
	return store_done(s, st, _("indexing a procedure"));
}

static int
store_gram_drop(struct store *s, const char *gram, size_t len, int col, sqlite3_int64 pid)
{
	sqlite3_stmt *st = store_stmt(s, ST_PROC_GRAM_DELETE);

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, gram, (int)len, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 2, col);
	sqlite3_bind_int64(st, 3, pid);
	return store_done(s, st, _("indexing a procedure"));
}

/* Removes what the indexes hold of procedure id, if it is there: its
 * grams (computed again from its names and agencies) and its full-text
 * entries.  *rid is set to its rowid, 0 when there is none. */
static int
store_procedure_unindex(struct store *s, const char *id, sqlite3_int64 *rid)
{
	sqlite3_stmt *st = store_stmt(s, ST_PROC_OLD);
	char *text[4] = { NULL, NULL, NULL, NULL };
	int rc, i, ret = -1;

	*rid = 0;
	if (st == NULL)
		return -1;
	store_bind_text(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*rid = sqlite3_column_int64(st, 0);
		for (i = 0; i < 4; i++)
			text[i] = store_column_text(st, i + 1);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		store_db_fail(s, _("indexing a procedure"));
		goto out;
	}
	if (*rid == 0) {
		ret = 0;
		goto out;
	}
	for (i = 0; i < 4; i++) {
		if (store_grams(text[i], store_gram_drop, s, i / 2, *rid) < 0)
			goto out;
	}
	if ((st = store_stmt(s, ST_PROC_FTS_DELETE)) == NULL)
		goto out;
	sqlite3_bind_int64(st, 1, *rid);
	if (store_done(s, st, _("indexing a procedure")) < 0)
		goto out;
	if ((st = store_stmt(s, ST_PROC_NAMES_DELETE)) == NULL)
		goto out;
	sqlite3_bind_int64(st, 1, *rid);
	ret = store_done(s, st, _("indexing a procedure"));
out:
	for (i = 0; i < 4; i++)
		free(text[i]);
	return ret;
}

/* Writes the index entries of procedure p, whose rowid is rid. */
static int
store_procedure_index(struct store *s, sqlite3_int64 rid, const struct wire_procedure *p)
{
	struct buf name, agency, body;
	sqlite3_stmt *st;
	size_t i;
	int rc = -1;

	buf_init(&name, 0);
	buf_init(&agency, 0);
	buf_init(&body, 0);
	store_text_add(&name, &p->name);
	store_text_add(&agency, &p->agency);
	store_text_add(&body, &p->description);
	store_text_add(&body, &p->deadline);
	for (i = 0; i < p->ndocuments; i++)
		store_text_add(&body, &p->documents[i]);
	if ((st = store_stmt(s, ST_PROC_FTS_INSERT)) == NULL)
		goto out;
	sqlite3_bind_int64(st, 1, rid);
	sqlite3_bind_text(st, 2, name.len ? name.data : "", (int)name.len, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, agency.len ? agency.data : "", (int)agency.len, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, body.len ? body.data : "", (int)body.len, SQLITE_TRANSIENT);
	if (store_done(s, st, _("indexing a procedure")) < 0)
		goto out;
	if ((st = store_stmt(s, ST_PROC_NAMES_INSERT)) == NULL)
		goto out;
	sqlite3_bind_int64(st, 1, rid);
	sqlite3_bind_text(st, 2, name.len ? name.data : "", (int)name.len, SQLITE_TRANSIENT);
	if (store_done(s, st, _("indexing a procedure")) < 0)
		goto out;
	if (store_grams(p->name.ja, store_gram_put, s, 0, rid) < 0 ||
	    store_grams(p->name.en, store_gram_put, s, 0, rid) < 0 ||
	    store_grams(p->agency.ja, store_gram_put, s, 1, rid) < 0 ||
	    store_grams(p->agency.en, store_gram_put, s, 1, rid) < 0)
		goto out;
	rc = 0;
out:
	buf_release(&name);
	buf_release(&agency);
	buf_release(&body);
	return rc;
}

int
store_procedure_upsert(struct store *s, const struct wire_procedure *p)
{
	sqlite3_stmt *st;
	sqlite3_int64 rid = 0;
	char *data = store_json_take(wire_procedure_encode(p));
	int own, rc = -1, step;

	if (store_own_begin(s, &own) < 0) {
		free(data);
		return -1;
	}
	if (store_procedure_unindex(s, p->id, &rid) < 0)
		goto out;
	if ((st = store_stmt(s, ST_PROC_UPSERT)) == NULL)
		goto out;
	store_bind_text(st, 1, p->id);
	store_bind_text(st, 2, p->name.ja);
	store_bind_text(st, 3, p->name.en);
	store_bind_text(st, 4, p->agency.ja);
	store_bind_text(st, 5, p->agency.en);
	store_bind_text(st, 6, p->deadline.ja);
	store_bind_text(st, 7, p->deadline.en);
	sqlite3_bind_int(st, 8, p->online != 0);
	store_bind_text(st, 9, p->municipality);
	store_bind_text(st, 10, data);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW)
		rid = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (step != SQLITE_ROW) {
		store_db_fail(s, _("saving a procedure"));
		goto out;
	}
	rc = store_procedure_index(s, rid, p);
out:
	free(data);
	return store_own_end(s, own, rc);
}

int
store_procedure_delete(struct store *s, const char *id)
{
	sqlite3_int64 rid = 0;
	int own, rc = -1;

	if (store_own_begin(s, &own) < 0)
		return -1;
	if (store_procedure_unindex(s, id, &rid) == 0)
		rc = store_exec1(s, ST_PROC_DELETE, id, _("removing a procedure"));
	return store_own_end(s, own, rc);
}

/* Reads one item by id with statement id (columns: id, data) through
 * decode. */
static int
store_item_get(struct store *s, enum store_stmt id, const char *item, const char *what,
	       int (*decode)(json_object *, const char *, void *, char **), void *out,
	       int *found)
{
	sqlite3_stmt *st = store_stmt(s, id);
	json_object *o = NULL;
	char *why = NULL;
	int rc, ret = 0;

	*found = 0;
	if (st == NULL)
		return -1;
	store_bind_text(st, 1, item);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		o = store_json_column(s, st, 1);
		if (o == NULL) {
			ret = -1;
		} else if (decode(o, (const char *)sqlite3_column_text(st, 0), out, &why) < 0) {
			ret = store_fail(s, _("store %s: %s"), s->path, why);
			free(why);
		} else {
			*found = 1;
		}
	} else if (rc != SQLITE_DONE) {
		ret = store_db_fail(s, what);
	}
	sqlite3_reset(st);
	json_object_put(o);
	return ret;
}

/* The decoders with a common signature for store_item_get and
 * store_items_list. */
static int
store_decode_procedure(json_object *o, const char *id, void *out, char **cause)
{
	return wire_procedure_from_json(o, id, out, cause);
}

static int
store_decode_application(json_object *o, const char *id, void *out, char **cause)
{
	return wire_application_from_json(o, id, out, cause);
}

static int
store_decode_record(json_object *o, const char *id, void *out, char **cause)
{
	return wire_record_from_json(o, id, out, cause);
}

static int
store_decode_access(json_object *o, const char *id, void *out, char **cause)
{
	return wire_access_from_json(o, id, out, cause);
}

/* Reads every row of st (columns: id, data; parameters bound) into a new
 * array of items of size bytes, each through decode; on failure, releases
 * what was read (release_all).  An st of NULL is a failure. */
static int
store_items_list(struct store *s, sqlite3_stmt *st, const char *what, size_t size,
		 int (*decode)(json_object *, const char *, void *, char **),
		 void (*release_all)(void *v, size_t n), void **out, size_t *n)
{
	char *v = NULL, *why = NULL;
	size_t len = 0, alloc = 0;
	json_object *o;
	int rc, ret = 0;

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (len == alloc) {
			alloc = alloc ? alloc * 2 : 16;
			v = xreallocarray(v, alloc, size);
		}
		o = store_json_column(s, st, 1);
		if (o == NULL) {
			ret = -1;
			break;
		}
		memset(v + len * size, 0, size);
		if (decode(o, (const char *)sqlite3_column_text(st, 0), v + len * size, &why) < 0) {
			json_object_put(o);
			ret = store_fail(s, _("store %s: %s"), s->path, why);
			free(why);
			break;
		}
		json_object_put(o);
		len++;
	}
	sqlite3_reset(st);
	if (ret == 0 && rc != SQLITE_DONE)
		ret = store_db_fail(s, what);
	if (ret < 0) {
		release_all(v, len);
		return ret;
	}
	*out = v;
	*n = len;
	return 0;
}

int
store_procedure_get(struct store *s, const char *id, struct wire_procedure *out, int *found)
{
	memset(out, 0, sizeof *out);
	return store_item_get(s, ST_PROC_GET, id, _("reading a procedure"),
			      store_decode_procedure, out, found);
}

/* Fills a brief procedure from columns 0..7 of PROC_BRIEF_COLUMNS. */
static void
store_procedure_brief(sqlite3_stmt *st, struct wire_procedure *p)
{
	memset(p, 0, sizeof *p);
	p->id = store_column_text(st, 0);
	p->name.ja = store_column_text(st, 1);
	p->name.en = store_column_text(st, 2);
	p->agency.ja = store_column_text(st, 3);
	p->agency.en = store_column_text(st, 4);
	p->deadline.ja = store_column_text(st, 5);
	p->deadline.en = store_column_text(st, 6);
	p->online = sqlite3_column_int(st, 7) != 0;
}

void
store_procedures_free(struct wire_procedure *v, size_t n)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++)
		wire_procedure_release(&v[i]);
	free(v);
}

/* store_procedure_brief and store_procedures_free for store_rows. */
static void
store_procedure_brief_row(struct store *s, sqlite3_stmt *st, void *out)
{
	(void)s;
	store_procedure_brief(st, out);
}

static void
store_procedures_free_any(void *v, size_t n)
{
	store_procedures_free(v, n);
}

int
store_procedures_list(struct store *s, size_t limit, struct wire_procedure **out, size_t *n,
		      size_t *total)
{
	sqlite3_stmt *st;
	void *v;
	int rc;

	*out = NULL;
	*n = 0;
	if (total != NULL && store_count(s, ST_PROC_COUNT, _("listing procedures"), total) < 0)
		return -1;
	st = store_stmt(s, ST_PROC_LIST);
	if (st != NULL)
		sqlite3_bind_int64(st, 1, limit == 0 ? -1 : (sqlite3_int64)limit);
	rc = store_rows(s, st, sizeof **out, store_procedure_brief_row, store_procedures_free_any,
			_("listing procedures"), &v, n);
	*out = v;
	return rc;
}

#define STORE_QUERY_WORDS 16	/* words of a search that count */
#define STORE_WORD_MAX	  256	/* bytes of one word */

struct store_query {
	char  *words[STORE_QUERY_WORDS];
	size_t nwords;
	int    is_short[STORE_QUERY_WORDS];	/* fewer than three characters */
};

static void
store_query_release(struct store_query *q)
{
	size_t i;

	for (i = 0; i < q->nwords; i++)
		free(q->words[i]);
	memset(q, 0, sizeof *q);
}

/* Splits a query into words at blanks: ASCII blanks and the ideographic
 * space (U+3000) that Japanese keyboards type. */
static void
store_query_parse(const char *query, struct store_query *q)
{
	const char *p = query, *start;
	size_t chars, len, off;
	unsigned int cp;

	memset(q, 0, sizeof *q);
	while (*p != '\0' && q->nwords < STORE_QUERY_WORDS) {
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' ||
		       strncmp(p, "\xe3\x80\x80", 3) == 0)
			p += *p == '\xe3' ? 3 : 1;
		if (*p == '\0')
			break;
		start = p;
		chars = 0;
		while (*p != '\0' && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r' &&
		       strncmp(p, "\xe3\x80\x80", 3) != 0) {
			off = text_decode(p, strlen(p), &cp);
			p += off;
			chars++;
		}
		len = (size_t)(p - start);
		if (len > STORE_WORD_MAX)
			len = STORE_WORD_MAX;
		q->words[q->nwords] = text_clean(start, len, 0);
		q->is_short[q->nwords] = chars < 3;
		q->nwords++;
	}
}

/* Does haystack hold every short word of q (ASCII case ignored)? */
static int
store_query_short_match(const struct store_query *q, const char *a, const char *b,
			const char *c)
{
	size_t i;

	for (i = 0; i < q->nwords; i++) {
		if (!q->is_short[i])
			continue;
		if ((a == NULL || strcasestr(a, q->words[i]) == NULL) &&
		    (b == NULL || strcasestr(b, q->words[i]) == NULL) &&
		    (c == NULL || strcasestr(c, q->words[i]) == NULL))
			return 0;
	}
	return 1;
}

/* What a search has found so far. */
struct store_found {
	struct wire_procedure *v;	/* limit entries */
	sqlite3_int64	      *rids;	/* their rowids */
	size_t		       len, limit;
	int		       more;	/* something beyond the limit matched */
};

/* Runs one stage of a search: adds the rows of st (bound) that hold every
 * short word of q and were not found before, up to the limit.  Returns 0
 * or -1. */
static int
store_search_stage(struct store *s, sqlite3_stmt *st, const struct store_query *q,
		   struct store_found *f)
{
	sqlite3_int64 rid;
	size_t i;
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		rid = sqlite3_column_int64(st, 11);
		for (i = 0; i < f->len && f->rids[i] != rid; i++)
			;
		if (i < f->len ||
		    !store_query_short_match(q, (const char *)sqlite3_column_text(st, 8),
					     (const char *)sqlite3_column_text(st, 9),
					     (const char *)sqlite3_column_text(st, 10)))
			continue;
		if (f->len == f->limit) {
			f->more = 1;
			break;
		}
		f->rids[f->len] = rid;
		store_procedure_brief(st, &f->v[f->len++]);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return store_db_fail(s, _("searching procedures"));
	return 0;
}

/* Runs statement id with text as ?1 (and col as ?2 when the statement
 * has it) as a stage, unless the limit is reached already. */
static int
store_search_run(struct store *s, enum store_stmt id, const char *text, int col,
		 const struct store_query *q, struct store_found *f)
{
	sqlite3_stmt *st;

	if (f->more)
		return 0;
	if ((st = store_stmt(s, id)) == NULL)
		return -1;
	sqlite3_bind_text(st, 1, text, -1, SQLITE_TRANSIENT);
	if (sqlite3_bind_parameter_count(st) >= 2)
		sqlite3_bind_int(st, 2, col);
	return store_search_stage(s, st, q, f);
}

/* Writes word as a LIKE pattern for any part of a text. */
static void
store_like_pattern(struct buf *b, const char *word)
{
	const char *w;

	buf_addch(b, '%');
	for (w = word; *w != '\0'; w++) {
		if (*w == '%' || *w == '_' || *w == '\\')
			buf_addch(b, '\\');
		buf_addch(b, *w);
	}
	buf_addch(b, '%');
}

/* 1 when s has no ASCII character: procedure_grams can find it. */
static int
store_all_wide(const char *s)
{
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s < 0x80)
			return 0;
	}
	return 1;
}

int
store_procedures_search(struct store *s, const char *query, size_t limit,
			struct wire_procedure **out, size_t *n, int *more)
{
	struct store_query q;
	struct store_found f;
	struct buf words, like;
	const char *w, *first_short = NULL;
	size_t i;
	int ret = -1;

	*out = NULL;
	*n = 0;
	*more = 0;
	memset(&f, 0, sizeof f);
	f.limit = limit == 0 || limit > STORE_SEARCH_MAX ? STORE_SEARCH_MAX : limit;
	store_query_parse(query != NULL ? query : "", &q);
	buf_init(&words, 0);
	buf_init(&like, 0);
	/* Each long word is one FTS5 string ("a ""b"""), all of them must
	 * match; short words are checked here, on the row's text. */
	for (i = 0; i < q.nwords; i++) {
		if (q.is_short[i]) {
			if (first_short == NULL)
				first_short = q.words[i];
			continue;
		}
		if (words.len > 0)
			buf_addch(&words, ' ');
		buf_addch(&words, '"');
		for (w = q.words[i]; *w != '\0'; w++) {
			if (*w == '"')
				buf_addch(&words, '"');
			buf_addch(&words, *w);
		}
		buf_addch(&words, '"');
	}
	if (words.len == 0 && first_short == NULL) {
		ret = 0;
		goto out;
	}
	f.v = xcalloc(f.limit, sizeof *f.v);
	f.rids = xcalloc(f.limit, sizeof *f.rids);
	/* Names first, then everything else that matches. */
	if (words.len > 0) {
		if (store_search_run(s, ST_PROC_NAME_MATCH, words.data, 0, &q, &f) < 0 ||
		    store_search_run(s, ST_PROC_MATCH, words.data, 0, &q, &f) < 0)
			goto out;
	} else if (store_all_wide(first_short)) {
		if (store_search_run(s, ST_PROC_GRAM, first_short, 0, &q, &f) < 0 ||
		    store_search_run(s, ST_PROC_GRAM, first_short, 1, &q, &f) < 0)
			goto out;
	} else {
		store_like_pattern(&like, first_short);
		if (store_search_run(s, ST_PROC_LIKE_NAME, like.data, 0, &q, &f) < 0 ||
		    store_search_run(s, ST_PROC_LIKE_AGENCY, like.data, 0, &q, &f) < 0)
			goto out;
	}
	ret = 0;
out:
	if (ret == 0 && f.len > 0) {
		*out = f.v;
		*n = f.len;
		*more = f.more;
	} else {
		store_procedures_free(f.v, f.len);
	}
	free(f.rids);
	buf_release(&words);
	buf_release(&like);
	store_query_release(&q);
	return ret;
}

int
store_application_upsert(struct store *s, const struct wire_application *a)
{
	sqlite3_stmt *st = store_stmt(s, ST_APP_UPSERT);
	char *data;
	int rc;

	if (st == NULL)
		return -1;
	data = store_json_take(wire_application_encode(a));
	store_bind_text(st, 1, a->id);
	store_bind_text(st, 2, a->procedure);
	store_bind_text(st, 3, a->status);
	sqlite3_bind_int64(st, 4, store_time(a->updated != NULL ? a->updated : a->submitted));
	store_bind_text(st, 5, data);
	rc = store_done(s, st, _("saving an application"));
	free(data);
	return rc;
}

int
store_application_delete(struct store *s, const char *id)
{
	return store_exec1(s, ST_APP_DELETE, id, _("removing an application"));
}

int
store_application_get(struct store *s, const char *id, struct wire_application *out, int *found)
{
	memset(out, 0, sizeof *out);
	return store_item_get(s, ST_APP_GET, id, _("reading an application"),
			      store_decode_application, out, found);
}

/* store_applications_free for store_items_list. */
static void
store_applications_free_any(void *v, size_t n)
{
	store_applications_free(v, n);
}

int
store_applications_list(struct store *s, struct wire_application **out, size_t *n)
{
	sqlite3_stmt *st = store_stmt(s, ST_APP_LIST);
	void *v;
	int rc;

	rc = store_items_list(s, st, _("listing applications"), sizeof **out,
			      store_decode_application, store_applications_free_any, &v, n);
	*out = v;
	return rc;
}

void
store_applications_free(struct wire_application *v, size_t n)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++)
		wire_application_release(&v[i]);
	free(v);
}

int
store_record_upsert(struct store *s, const struct wire_record *r)
{
	sqlite3_stmt *st = store_stmt(s, ST_RECORD_UPSERT);
	char *data;
	int rc;

	if (st == NULL)
		return -1;
	data = store_json_take(wire_record_encode(r));
	store_bind_text(st, 1, r->id);
	store_bind_text(st, 2, r->category != NULL ? r->category : "");
	store_bind_text(st, 3, data);
	rc = store_done(s, st, _("saving a record"));
	free(data);
	return rc;
}

int
store_record_delete(struct store *s, const char *id)
{
	return store_exec1(s, ST_RECORD_DELETE, id, _("removing a record"));
}

int
store_record_get(struct store *s, const char *id, struct wire_record *out, int *found)
{
	memset(out, 0, sizeof *out);
	return store_item_get(s, ST_RECORD_GET, id, _("reading a record"), store_decode_record,
			      out, found);
}

/* store_records_free for store_items_list. */
static void
store_records_free_any(void *v, size_t n)
{
	store_records_free(v, n);
}

int
store_records_list(struct store *s, struct wire_record **out, size_t *n)
{
	sqlite3_stmt *st = store_stmt(s, ST_RECORD_LIST);
	void *v;
	int rc;

	rc = store_items_list(s, st, _("listing records"), sizeof **out, store_decode_record,
			      store_records_free_any, &v, n);
	*out = v;
	return rc;
}

void
store_records_free(struct wire_record *v, size_t n)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++)
		wire_record_release(&v[i]);
	free(v);
}

int
store_access_upsert(struct store *s, const struct wire_access *a)
{
	sqlite3_stmt *st = store_stmt(s, ST_ACCESS_UPSERT);
	char *data;
	int rc;

	if (st == NULL)
		return -1;
	data = store_json_take(wire_access_encode(a));
	store_bind_text(st, 1, a->id);
	sqlite3_bind_int64(st, 2, store_time(a->when));
	store_bind_text(st, 3, a->agency.ja);
	store_bind_text(st, 4, a->agency.en);
	store_bind_text(st, 5, data);
	rc = store_done(s, st, _("saving an access record"));
	free(data);
	return rc;
}

int
store_access_delete(struct store *s, const char *id)
{
	return store_exec1(s, ST_ACCESS_DELETE, id, _("removing an access record"));
}

int
store_access_get(struct store *s, const char *id, struct wire_access *out, int *found)
{
	memset(out, 0, sizeof *out);
	return store_item_get(s, ST_ACCESS_GET, id, _("reading an access record"),
			      store_decode_access, out, found);
}

/* store_access_free for store_items_list. */
static void
store_access_free_any(void *v, size_t n)
{
	store_access_free(v, n);
}

int
store_access_list(struct store *s, const char *agency, struct wire_access **out, size_t *n)
{
	sqlite3_stmt *st = store_stmt(s, agency != NULL ? ST_ACCESS_LIST_AGENCY : ST_ACCESS_LIST);
	void *v;
	int rc;

	if (st != NULL && agency != NULL)
		store_bind_text(st, 1, agency);
	rc = store_items_list(s, st, _("listing access records"), sizeof **out, store_decode_access,
			      store_access_free_any, &v, n);
	*out = v;
	return rc;
}

void
store_access_free(struct wire_access *v, size_t n)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++)
		wire_access_release(&v[i]);
	free(v);
}

int
store_ids(struct store *s, const char *kind, char ***ids, size_t *n)
{
	sqlite3_stmt *st;
	enum store_stmt id;
	char **v = NULL;
	size_t len = 0, alloc = 0;
	int rc;

	*ids = NULL;
	*n = 0;
	if (strcmp(kind, "notice") == 0)
		id = ST_IDS_NOTICES;
	else if (strcmp(kind, "deadline") == 0)
		id = ST_IDS_DEADLINES;
	else if (strcmp(kind, "application") == 0)
		id = ST_IDS_APPLICATIONS;
	else
		return store_fail(s, _("there are no items of the kind %s"), kind);
	if ((st = store_stmt(s, id)) == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (len == alloc) {
			alloc = alloc ? alloc * 2 : 64;
			v = xreallocarray(v, alloc, sizeof *v);
		}
		v[len] = store_column_text(st, 0);
		if (v[len] != NULL)
			len++;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		store_ids_free(v, len);
		return store_db_fail(s, _("reading the store"));
	}
	*ids = v;
	*n = len;
	return 0;
}

void
store_ids_free(char **ids, size_t n)
{
	size_t i;

	if (ids == NULL)
		return;
	for (i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
}

int
store_notices_unread(struct store *s, struct store_notice **out, size_t *n, size_t *total)
{
	void *v;
	int rc;

	*out = NULL;
	*n = 0;
	if (store_count(s, ST_NOTICES_COUNT, _("listing notices"), total) < 0)
		return -1;
	rc = store_rows(s, store_stmt(s, ST_NOTICES_UNREAD), sizeof **out, store_notice_row,
			store_notices_free_any, _("listing notices"), &v, n);
	*out = v;
	return rc;
}
