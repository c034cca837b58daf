/*
 * Unit tests for shared/store.c against real SQLite files in a temporary
 * directory.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <ftw.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mem.h"
#include "testdir.h"
#include "store.h"
#include "sigtest.h"

struct fixture {
	char *dir;
	char *path;
};

static int
setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof *f);

	f->dir = testdir_new("store");
	if (f->dir == NULL)
		return -1;
	/* The parent of the store does not exist yet: store_open makes it. */
	f->path = xasprintf("%s/data/myna/myna.db", f->dir);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	testdir_remove(f->dir);
	free(f->dir);
	free(f->path);
	free(f);
	return 0;
}

static struct store *
open_ok(const char *path)
{
	struct store *s = NULL;
	char *cause = NULL;

	if (store_open(path, &s, &cause) < 0)
		fail_msg("store_open: %s", cause);
	return s;
}

/* Runs a query on the file with plain SQLite and returns the first column
 * of the first row as an integer. */
static long long
sql_int(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	long long v = -1;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static void
sql_exec(const char *path, const char *sql)
{
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static struct wire_notice
notice(const char *id, const char *title, const char *published)
{
	struct wire_notice n = {
		.id = (char *)id,
		.title = { (char *)title, NULL },
		.body = { "本文", "Body" },
		.sender = { "市役所", NULL },
		.published = (char *)published,
	};
	return n;
}

static struct wire_deadline
deadline(const char *id, const char *title, const char *due)
{
	struct wire_deadline d = {
		.id = (char *)id,
		.title = { (char *)title, "Title" },
		.due = (char *)due,
		.procedure = "kakutei-shinkoku",
	};
	return d;
}

static void
test_open_migrates(void **state)
{
	struct fixture *f = *state;
	struct store *s = open_ok(f->path);
	struct stat sb;
	char *v = NULL;

	/* New file: private, WAL, and at the current schema. */
	assert_int_equal(stat(f->path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_true(sql_int(f->path, "PRAGMA user_version") >= 2);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM sqlite_master WHERE name IN "
					  "('meta', 'notices', 'deadlines', 'reminders_sent', "
					  "'drafts', 'outbox', 'snoozes')"),
			 7);
	{
		sqlite3 *db = NULL;
		sqlite3_stmt *st = NULL;

		assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
		assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL),
				 SQLITE_OK);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
		sqlite3_finalize(st);
		sqlite3_close(db);
	}

	assert_int_equal(store_meta_set(s, "sync.cursor", "c-1"), 0);
	store_close(s);

	/* Reopening migrates nothing and keeps the data. */
	s = open_ok(f->path);
	assert_true(sql_int(f->path, "PRAGMA user_version") >= 2);
	assert_int_equal(store_meta_get(s, "sync.cursor", &v), 0);
	assert_string_equal(v, "c-1");
	free(v);
	store_close(s);
	store_close(NULL);
}

static void
test_meta(void **state)
{
	struct fixture *f = *state;
	struct store *s = open_ok(f->path);
	char *v = (char *)"unchanged";

	assert_int_equal(store_meta_get(s, "absent", &v), 0);
	assert_null(v);
	assert_int_equal(store_meta_set(s, "k", "1"), 0);
	assert_int_equal(store_meta_set(s, "k", "2"), 0);
	assert_int_equal(store_meta_get(s, "k", &v), 0);
	assert_string_equal(v, "2");
	free(v);
	assert_int_equal(store_meta_delete(s, "k"), 0);
	assert_int_equal(store_meta_delete(s, "k"), 0);
	assert_int_equal(store_meta_get(s, "k", &v), 0);
	assert_null(v);
	assert_int_equal(store_meta_set(s, "k", "3"), 0);
	assert_int_equal(store_meta_set(s, "k", NULL), 0);
	assert_int_equal(store_meta_get(s, "k", &v), 0);
	assert_null(v);
	store_close(s);
}

static void
test_upsert_keeps_marks(void **state)
{
	struct fixture *f = *state;
	struct store *s = open_ok(f->path);
	struct wire_notice n = notice("n-1", "古い件名", "2026-11-20T10:00:00+09:00");
	struct wire_deadline d = deadline("d-1", "古い期限", "2027-03-15T23:59:59+09:00");
	struct store_notice sn;
	struct store_deadline sd;
	int found, changed;

	assert_int_equal(store_notice_upsert(s, &n), 0);
	assert_int_equal(store_notice_get(s, "n-1", &sn, &found), 0);
	assert_true(found);
	assert_false(sn.read);
	assert_string_equal(sn.n.title.ja, "古い件名");
	assert_null(sn.n.title.en);
	assert_string_equal(sn.n.body.en, "Body");
	assert_string_equal(sn.n.published, "2026-11-20T10:00:00+09:00");
	assert_int_equal(sn.published, 1795136400);	/* 2026-11-20T01:00:00Z */
	store_notice_release(&sn);

	assert_int_equal(store_notice_mark_read(s, "n-1", 1), 0);
	n.title.ja = "新しい件名";
	assert_int_equal(store_notice_upsert(s, &n), 0);
	assert_int_equal(store_notice_get(s, "n-1", &sn, &found), 0);
	assert_true(sn.read);
	assert_string_equal(sn.n.title.ja, "新しい件名");
	store_notice_release(&sn);

	assert_int_equal(store_deadline_upsert(s, &d), 0);
	assert_int_equal(store_deadline_set_done(s, "d-1", 1, &changed), 0);
	assert_true(changed);
	assert_int_equal(store_deadline_set_done(s, "d-nope", 1, &changed), 0);
	assert_false(changed);
	d.due = "2027-03-16T23:59:59+09:00";
	d.procedure = NULL;
	assert_int_equal(store_deadline_upsert(s, &d), 0);
	assert_int_equal(store_deadline_get(s, "d-1", &sd, &found), 0);
	assert_true(found);
	assert_true(sd.done);
	assert_string_equal(sd.d.due, "2027-03-16T23:59:59+09:00");
	assert_int_equal(sd.due, 1805209199);
	assert_null(sd.d.procedure);
	assert_string_equal(sd.d.title.en, "Title");
	store_deadline_release(&sd);

	assert_int_equal(store_deadline_set_done(s, "d-1", 0, &changed), 0);
	assert_int_equal(store_deadline_get(s, "d-1", &sd, &found), 0);
	assert_false(sd.done);
	store_deadline_release(&sd);

	assert_int_equal(store_notice_get(s, "n-absent", &sn, &found), 0);
	assert_false(found);
	store_notice_release(&sn);
	store_close(s);
}

static void
test_lists_ordered(void **state)
{
	struct fixture *f = *state;
	struct store *s = open_ok(f->path);
	struct wire_notice n1 = notice("n-1", "old", "2026-10-01T09:00:00+09:00");
	struct wire_notice n2 = notice("n-2", "new", "2026-11-01T09:00:00+09:00");
	/* Same instant as n-1 written in another zone: ties go by id. */
	struct wire_notice n3 = notice("n-0", "old too", "2026-10-01T00:00:00Z");
	struct wire_deadline d1 = deadline("d-1", "late", "2027-03-15T23:59:59+09:00");
	struct wire_deadline d2 = deadline("d-2", "soon", "2026-12-01T23:59:59+09:00");
	struct wire_deadline d3 = deadline("d-3", "middle", "2027-01-10T00:00:00+09:00");
	struct store_notice *nv = NULL;
	struct store_deadline *dv = NULL;
	size_t n = 99;
	int changed;

	assert_int_equal(store_notices_list(s, &nv, &n), 0);
	assert_int_equal(n, 0);
	store_notices_free(nv, n);

	assert_int_equal(store_notice_upsert(s, &n1), 0);
	assert_int_equal(store_notice_upsert(s, &n2), 0);
	assert_int_equal(store_notice_upsert(s, &n3), 0);
	assert_int_equal(store_notice_mark_read(s, "n-2", 1), 0);
	assert_int_equal(store_notices_list(s, &nv, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(nv[0].n.id, "n-2");
	assert_true(nv[0].read);
	assert_string_equal(nv[1].n.id, "n-0");
	assert_string_equal(nv[2].n.id, "n-1");
	assert_false(nv[2].read);
	store_notices_free(nv, n);
	store_notices_free(NULL, 0);

	assert_int_equal(store_deadline_upsert(s, &d1), 0);
	assert_int_equal(store_deadline_upsert(s, &d2), 0);
	assert_int_equal(store_deadline_upsert(s, &d3), 0);
	assert_int_equal(store_deadline_set_done(s, "d-2", 1, &changed), 0);
	assert_int_equal(store_deadlines_list(s, 0, &dv, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(dv[0].d.id, "d-2");
	assert_true(dv[0].done);
	assert_string_equal(dv[1].d.id, "d-3");
	assert_string_equal(dv[2].d.id, "d-1");
	store_deadlines_free(dv, n);
	assert_int_equal(store_deadlines_list(s, 1, &dv, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(dv[0].d.id, "d-3");
	assert_string_equal(dv[1].d.id, "d-1");
	store_deadlines_free(dv, n);
	store_deadlines_free(NULL, 0);
	store_close(s);
}

static void
test_delete(void **state)
{
	struct fixture *f = *state;
	struct store *s = open_ok(f->path);
	struct wire_notice n = notice("n-1", "t", "2026-10-01T09:00:00+09:00");
	struct wire_deadline d = deadline("d-1", "t", "2027-03-15T23:59:59+09:00");
	struct store_notice sn;
	struct store_deadline sd;
	int found;

	assert_int_equal(store_notice_upsert(s, &n), 0);
	assert_int_equal(store_deadline_upsert(s, &d), 0);
	assert_int_equal(store_notice_delete(s, "n-1"), 0);
	assert_int_equal(store_deadline_delete(s, "d-1"), 0);
	/* Deleting what is not there is not an error. */
	assert_int_equal(store_notice_delete(s, "n-1"), 0);
	assert_int_equal(store_notice_get(s, "n-1", &sn, &found), 0);
	assert_false(found);
	assert_int_equal(store_deadline_get(s, "d-1", &sd, &found), 0);
	assert_false(found);
	store_close(s);
}

static void
test_reminders_unique(void **state)
{
	struct fixture *f = *state;
	struct store *s = open_ok(f->path);
	int sent = -1;

	assert_int_equal(store_reminder_sent(s, "d-1", 7, &sent), 0);
	assert_false(sent);
	assert_int_equal(store_reminder_mark(s, "d-1", 7, 1000), 0);
	assert_int_equal(store_reminder_mark(s, "d-1", 7, 2000), 0);
	assert_int_equal(store_reminder_sent(s, "d-1", 7, &sent), 0);
	assert_true(sent);
	assert_int_equal(store_reminder_sent(s, "d-1", 3, &sent), 0);
	assert_false(sent);
	assert_int_equal(store_reminder_sent(s, "d-2", 7, &sent), 0);
	assert_false(sent);
	store_close(s);
	/* One row, with the time it was first sent. */
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM reminders_sent"), 1);
	assert_int_equal(sql_int(f->path, "SELECT sent_at FROM reminders_sent"), 1000);
}

static void
test_transactions(void **state)
{
	struct fixture *f = *state;
	struct store *s = open_ok(f->path);
	struct store *other = open_ok(f->path);
	char *v = NULL;

	/* Nothing to roll back is fine. */
	assert_int_equal(store_rollback(s), 0);
	assert_int_equal(store_begin(s), 0);
	assert_int_equal(store_meta_set(s, "k", "in transaction"), 0);
	/* Others do not see it yet. */
	assert_int_equal(store_meta_get(other, "k", &v), 0);
	assert_null(v);
	assert_int_equal(store_rollback(s), 0);
	assert_int_equal(store_meta_get(s, "k", &v), 0);
	assert_null(v);

	assert_int_equal(store_begin(s), 0);
	assert_int_equal(store_meta_set(s, "k", "committed"), 0);
	assert_int_equal(store_commit(s), 0);
	assert_int_equal(store_meta_get(other, "k", &v), 0);
	assert_string_equal(v, "committed");
	free(v);
	/* Committing twice is an error with a reason. */
	assert_int_equal(store_commit(s), -1);
	assert_non_null(strstr(store_error(s), "no transaction"));
	store_close(other);
	store_close(s);
}

static void
test_data_version(void **state)
{
	struct fixture *f = *state;
	struct store *a = open_ok(f->path);
	struct store *b = open_ok(f->path);
	long long v1, v2, v3;

	assert_int_equal(store_data_version(a, &v1), 0);
	assert_int_equal(store_data_version(a, &v2), 0);
	assert_int_equal(v1, v2);
	assert_int_equal(store_notice_mark_read(b, "n-x", 1), 0);
	assert_int_equal(store_meta_set(b, "k", "v"), 0);
	assert_int_equal(store_data_version(a, &v3), 0);
	assert_true(v3 != v2);
	store_close(b);
	store_close(a);
}

static void
test_clear_synced(void **state)
{
	struct fixture *f = *state;
	struct store *s = open_ok(f->path);
	struct wire_notice n1 = notice("n-1", "read one", "2026-10-01T09:00:00+09:00");
	struct wire_notice n2 = notice("n-2", "unread one", "2026-10-02T09:00:00+09:00");
	struct wire_deadline d1 = deadline("d-1", "done one", "2027-03-15T23:59:59+09:00");
	struct store_notice *nv = NULL;
	struct store_deadline *dv = NULL;
	struct store_notice sn;
	struct store_deadline sd;
	size_t n;
	int found, known, sent, changed;
	char *v = NULL;

	assert_int_equal(store_notice_upsert(s, &n1), 0);
	assert_int_equal(store_notice_upsert(s, &n2), 0);
	assert_int_equal(store_deadline_upsert(s, &d1), 0);
	assert_int_equal(store_notice_mark_read(s, "n-1", 1), 0);
	assert_int_equal(store_deadline_set_done(s, "d-1", 1, &changed), 0);
	assert_int_equal(store_reminder_mark(s, "d-1", 7, 1000), 0);
	assert_int_equal(store_meta_set(s, "setting", "kept"), 0);
	assert_int_equal(store_notice_known(s, "n-3", &known), 0);
	assert_false(known);

	assert_int_equal(store_clear_synced(s), 0);
	assert_int_equal(store_notices_list(s, &nv, &n), 0);
	assert_int_equal(n, 0);
	store_notices_free(nv, n);
	assert_int_equal(store_deadlines_list(s, 0, &dv, &n), 0);
	assert_int_equal(n, 0);
	store_deadlines_free(dv, n);
	/* Local state stays: reminders, meta, and what was seen. */
	assert_int_equal(store_reminder_sent(s, "d-1", 7, &sent), 0);
	assert_true(sent);
	assert_int_equal(store_meta_get(s, "setting", &v), 0);
	assert_string_equal(v, "kept");
	free(v);
	assert_int_equal(store_notice_known(s, "n-1", &known), 0);
	assert_true(known);
	assert_int_equal(store_deadline_known(s, "d-1", &known), 0);
	assert_true(known);
	assert_int_equal(store_notice_known(s, "n-3", &known), 0);
	assert_false(known);

	/* Items coming back bring their marks with them. */
	assert_int_equal(store_notice_upsert(s, &n1), 0);
	assert_int_equal(store_notice_upsert(s, &n2), 0);
	assert_int_equal(store_deadline_upsert(s, &d1), 0);
	assert_int_equal(store_notice_get(s, "n-1", &sn, &found), 0);
	assert_true(sn.read);
	store_notice_release(&sn);
	assert_int_equal(store_notice_get(s, "n-2", &sn, &found), 0);
	assert_false(sn.read);
	store_notice_release(&sn);
	assert_int_equal(store_deadline_get(s, "d-1", &sd, &found), 0);
	assert_true(sd.done);
	store_deadline_release(&sd);

	/* A mark changed afterwards wins over the remembered one, also
	 * through a second clear. */
	assert_int_equal(store_notice_mark_read(s, "n-1", 0), 0);
	assert_int_equal(store_clear_synced(s), 0);
	assert_int_equal(store_notice_upsert(s, &n1), 0);
	assert_int_equal(store_notice_get(s, "n-1", &sn, &found), 0);
	assert_false(sn.read);
	store_notice_release(&sn);

	/* Inside a caller's transaction it is undone with it. */
	assert_int_equal(store_begin(s), 0);
	assert_int_equal(store_clear_synced(s), 0);
	assert_int_equal(store_rollback(s), 0);
	assert_int_equal(store_notice_get(s, "n-1", &sn, &found), 0);
	assert_true(found);
	store_notice_release(&sn);
	store_close(s);
}

static void
test_newer_schema_refused(void **state)
{
	struct fixture *f = *state;
	struct store *s = open_ok(f->path);
	char *cause = NULL;

	store_close(s);
	sql_exec(f->path, "PRAGMA user_version = 99");
	s = (struct store *)0x1;
	assert_int_equal(store_open(f->path, &s, &cause), -1);
	assert_null(s);
	assert_non_null(cause);
	if (strstr(cause, "newer version") == NULL || strstr(cause, "99") == NULL)
		fail_msg("unclear reason: %s", cause);
	free(cause);
	/* And the file is left as it was. */
	assert_int_equal(sql_int(f->path, "PRAGMA user_version"), 99);
}

static void
test_corrupt_file(void **state)
{
	struct fixture *f = *state;
	struct store *s = NULL;
	char *cause = NULL;
	char junk[8192];
	FILE *fp;

	s = open_ok(f->path);	/* creates the folder */
	store_close(s);
	unlink(f->path);
	memset(junk, 'x', sizeof junk);
	fp = fopen(f->path, "w");
	assert_non_null(fp);
	assert_int_equal(fwrite(junk, 1, sizeof junk, fp), sizeof junk);
	fclose(fp);
	assert_int_equal(store_open(f->path, &s, &cause), -1);
	assert_null(s);
	if (cause == NULL || strstr(cause, f->path) == NULL || strstr(cause, "damaged") == NULL)
		fail_msg("unclear reason: %s", cause ? cause : "(none)");
	free(cause);
}

static void
test_corrupt_page(void **state)
{
	struct fixture *f = *state;
	struct store *s = open_ok(f->path);
	struct store_notice *nv = NULL;
	char junk[4096], title[2000];
	size_t n;
	int i, fd;

	/* Enough rows to spread the notices table over several pages. */
	memset(title, 'a', sizeof title - 1);
	title[sizeof title - 1] = '\0';
	for (i = 0; i < 50; i++) {
		char id[16];
		struct wire_notice wn = notice(id, title, "2026-10-01T09:00:00+09:00");

		snprintf(id, sizeof id, "n-%d", i);
		assert_int_equal(store_notice_upsert(s, &wn), 0);
	}
	store_close(s);
	sql_exec(f->path, "PRAGMA wal_checkpoint(TRUNCATE)");

	/* Scribble over every page but the first (which holds the schema). */
	fd = open(f->path, O_WRONLY);
	assert_true(fd >= 0);
	memset(junk, 0xA5, sizeof junk);
	for (i = 1; i < 20; i++)
		assert_int_equal(pwrite(fd, junk, sizeof junk, (off_t)i * 4096), sizeof junk);
	close(fd);

	/* Either open or the first read says so; nothing crashes. */
	{
		char *cause = NULL;

		if (store_open(f->path, &s, &cause) < 0) {
			assert_non_null(cause);
			free(cause);
			return;
		}
	}
	assert_int_equal(store_notices_list(s, &nv, &n), -1);
	assert_null(nv);
	if (strstr(store_error(s), "malformed") == NULL)
		fail_msg("unclear reason: %s", store_error(s));
	store_close(s);
}

static void
test_unopenable(void **state)
{
	struct fixture *f = *state;
	struct store *s = NULL;
	char *cause = NULL, *path;
	FILE *fp;

	/* A file stands where the folder should be. */
	path = xasprintf("%s/plain", f->dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fclose(fp);
	free(path);
	path = xasprintf("%s/plain/myna.db", f->dir);
	assert_int_equal(store_open(path, &s, &cause), -1);
	assert_null(s);
	assert_non_null(cause);
	assert_non_null(strstr(cause, path));
	free(cause);
	free(path);

	/* The store path is a folder. */
	path = xasprintf("%s/adir", f->dir);
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(store_open(path, &s, &cause), -1);
	assert_non_null(strstr(cause, "not a regular file"));
	free(cause);
	free(path);
}

/* Opens a read-only store as a user who may not write it (root may write
 * anything, so the child drops to nobody first) and reports the outcome
 * through a pipe: "ok" or the reason. */
static void
test_read_only(void **state)
{
	struct fixture *f = *state;
	struct store *s = open_ok(f->path);
	char *dir, msg[1024] = "";
	int p[2], status;
	ssize_t got, n = 0;
	pid_t pid;

	store_close(s);
	sql_exec(f->path, "PRAGMA wal_checkpoint(TRUNCATE)");
	dir = xasprintf("%s/data", f->dir);
	assert_int_equal(chmod(f->dir, 0755), 0);
	assert_int_equal(chmod(dir, 0755), 0);
	free(dir);
	/* The folder and file belong to the user (as they would), but neither
	 * may be written. */
	dir = xasprintf("%s/data/myna", f->dir);
	if (geteuid() == 0) {
		assert_int_equal(chown(dir, 65534, 65534), 0);
		assert_int_equal(chown(f->path, 65534, 65534), 0);
	}
	assert_int_equal(chmod(dir, 0555), 0);
	assert_int_equal(chmod(f->path, 0444), 0);
	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char *cause = NULL;
		const char *out;

		close(p[0]);
		if (geteuid() == 0 && (setgid(65534) < 0 || setuid(65534) < 0))
			_exit(3);
		if (store_open(f->path, &s, &cause) == 0) {
			store_close(s);
			out = "ok";
		} else {
			out = cause;
		}
		if (write(p[1], out, strlen(out)) < 0)
			_exit(4);
		_exit(0);
	}
	close(p[1]);
	while ((got = read(p[0], msg + n, sizeof msg - 1 - (size_t)n)) > 0)
		n += got;
	msg[n] = '\0';
	close(p[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	chmod(dir, 0700);
	chmod(f->path, 0600);
	free(dir);
	if (strcmp(msg, "ok") == 0 || strstr(msg, f->path) == NULL ||
	    strstr(msg, "permissions") == NULL)
		fail_msg("read-only store: got \"%s\"", msg);
}

/* A store of the first schema (as the first release wrote it) gains the
 * outbox tables and keeps its data. */
static void
test_migrates_from_first_schema(void **state)
{
	struct fixture *f = *state;
	struct store *s = open_ok(f->path);
	long long id = 0;

	store_close(s);
	sql_exec(f->path, "DROP TABLE outbox; DROP TABLE drafts; DROP TABLE snoozes;"
			  "DROP TABLE procedures; DROP TABLE procedures_fts;"
			  "DROP TABLE procedures_names_fts; DROP TABLE procedure_grams; DROP INDEX notices_unread;"
			  "DROP TABLE applications; DROP TABLE records; DROP TABLE access_logs;"
			  "ALTER TABLE notices DROP COLUMN agency;"
			  "ALTER TABLE notices DROP COLUMN signature;"
			  "ALTER TABLE notices DROP COLUMN trust;"
			  "ALTER TABLE notices DROP COLUMN trust_keys;"
			  "INSERT INTO meta(key, value) VALUES ('sync.cursor', 'c-7');"
			  "PRAGMA user_version = 1;");
	s = open_ok(f->path);
	assert_true(sql_int(f->path, "PRAGMA user_version") >= 2);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM meta WHERE value = 'c-7'"), 1);
	assert_int_equal(store_draft_save(s, &id, "tenshutsu", "{}"), 0);
	assert_int_equal(store_outbox_queue(s, id, NULL, NULL), 0);
	store_close(s);
}

/* A store of schema 3 (before signed notices) gains the columns; its
 * notices, stored without their signatures, stay (unsigned until the
 * sync that sync.refetch asks for brings them again), with their marks. */
static void
test_migrates_to_signed_notices(void **state)
{
	struct fixture *f = *state;
	struct store *s = open_ok(f->path);
	struct wire_notice n = notice("n-1", "古い件名", "2026-11-20T10:00:00+09:00");
	struct store_notice got;
	char *v = NULL;
	int found = 0;

	assert_int_equal(store_notice_upsert(s, &n), 0);
	assert_int_equal(store_notice_mark_read(s, "n-1", 1), 0);
	assert_int_equal(store_meta_set(s, "sync.cursor", "c-3"), 0);
	store_close(s);
	sql_exec(f->path, "ALTER TABLE notices DROP COLUMN agency;"
			  "ALTER TABLE notices DROP COLUMN signature;"
			  "ALTER TABLE notices DROP COLUMN trust;"
			  "ALTER TABLE notices DROP COLUMN trust_keys;"
			  "PRAGMA user_version = 3;");
	s = open_ok(f->path);
	assert_int_equal(sql_int(f->path, "PRAGMA user_version"), 4);
	assert_int_equal(store_meta_get(s, "sync.refetch", &v), 0);
	assert_non_null(v);
	free(v);
	assert_int_equal(store_notice_get(s, "n-1", &got, &found), 0);
	assert_int_equal(found, 1);
	assert_int_equal(got.read, 1);
	assert_int_equal(got.trust, SIG_UNSIGNED);
	store_notice_release(&got);
	store_close(s);

	/* A store with no notice has nothing to fetch again. */
	sql_exec(f->path, "DELETE FROM notices; DELETE FROM meta;"
			  "ALTER TABLE notices DROP COLUMN agency;"
			  "ALTER TABLE notices DROP COLUMN signature;"
			  "ALTER TABLE notices DROP COLUMN trust;"
			  "ALTER TABLE notices DROP COLUMN trust_keys;"
			  "PRAGMA user_version = 3;");
	s = open_ok(f->path);
	assert_int_equal(store_meta_get(s, "sync.refetch", &v), 0);
	assert_null(v);
	store_close(s);
}

/* Signed notices: checked when saved, with the trust kept and read back;
 * checked again when the keys change, and on reading when the row was
 * checked with other keys (another process's). */
static void
test_notice_trust(void **state)
{
	struct fixture *f = *state;
	struct store *s = open_ok(f->path), *other;
	struct sig_key *key = sigtest_key(), *stranger = sigtest_key();
	struct sig_keyring *kr = sig_keyring_new();
	struct wire_notice good = notice("n-good", "署名あり", "2026-11-20T10:00:00+09:00");
	struct wire_notice bad = notice("n-bad", "書き換え", "2026-11-21T10:00:00+09:00");
	struct wire_notice plain = notice("n-plain", "署名なし", "2026-11-22T10:00:00+09:00");
	struct store_notice got;
	size_t checked = 99;
	int found = 0;

	sigtest_trust(kr, "city", key, "市役所", "City Office");
	assert_int_equal(store_set_keyring(s, kr, &checked), 0);
	assert_int_equal(checked, 0);
	sigtest_sign(key, &good, "city");
	sigtest_sign(key, &bad, "city");
	bad.title.ja = (char *)"至急：こちらへお支払いください";
	assert_int_equal(store_notice_upsert(s, &good), 0);
	assert_int_equal(store_notice_upsert(s, &bad), 0);
	assert_int_equal(store_notice_upsert(s, &plain), 0);

	/* Kept as checked at saving. */
	assert_int_equal(sql_int(f->path, "SELECT trust FROM notices WHERE id = 'n-good'"),
			 SIG_VERIFIED);
	assert_int_equal(sql_int(f->path, "SELECT trust FROM notices WHERE id = 'n-bad'"), SIG_BAD);
	assert_int_equal(sql_int(f->path, "SELECT trust FROM notices WHERE id = 'n-plain'"),
			 SIG_UNSIGNED);
	assert_int_equal(store_notice_get(s, "n-good", &got, &found), 0);
	assert_int_equal(got.trust, SIG_VERIFIED);
	assert_string_equal(got.n.agency, "city");
	assert_string_equal(got.n.signature, good.signature);
	assert_string_equal(got.agency_name.ja, "市役所");
	assert_string_equal(got.agency_name.en, "City Office");
	store_notice_release(&got);
	assert_int_equal(store_notice_get(s, "n-bad", &got, &found), 0);
	assert_int_equal(got.trust, SIG_BAD);
	/* The agency the bad signature claims is named by its key. */
	assert_string_equal(got.agency_name.en, "City Office");
	store_notice_release(&got);

	/* A row cannot make itself trusted: trust is only taken with the
	 * fingerprint of the keys it was found with. */
	sql_exec(f->path, "UPDATE notices SET trust = 1, trust_keys = 'forged' WHERE id = 'n-bad'");
	assert_int_equal(store_notice_get(s, "n-bad", &got, &found), 0);
	assert_int_equal(got.trust, SIG_BAD);
	store_notice_release(&got);

	/* Another process with other keys reads the notices checked with its
	 * own keys, without writing. */
	other = open_ok(f->path);
	assert_int_equal(store_notice_get(other, "n-good", &got, &found), 0);
	assert_int_equal(got.trust, SIG_UNKNOWN);
	assert_null(got.agency_name.ja);
	store_notice_release(&got);
	assert_int_equal(sql_int(f->path, "SELECT trust FROM notices WHERE id = 'n-good'"),
			 SIG_VERIFIED);
	store_close(other);

	/* The keys change (the city's key is replaced): every notice is
	 * checked again at once, and the new trust is kept. */
	kr = sig_keyring_new();
	sigtest_trust(kr, "city", stranger, NULL, NULL);
	assert_int_equal(store_set_keyring(s, kr, &checked), 0);
	assert_int_equal(checked, 3);
	assert_int_equal(sql_int(f->path, "SELECT trust FROM notices WHERE id = 'n-good'"), SIG_BAD);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM notices WHERE trust_keys = "
					  "(SELECT value FROM meta WHERE key = 'notices.trust_keys')"),
			 3);
	/* The same keys again: nothing to check. */
	kr = sig_keyring_new();
	sigtest_trust(kr, "city", stranger, NULL, NULL);
	assert_int_equal(store_set_keyring(s, kr, &checked), 0);
	assert_int_equal(checked, 0);

	/* Both keys (a rotation): the old notices verify again. */
	kr = sig_keyring_new();
	sigtest_trust(kr, "city", stranger, NULL, NULL);
	sigtest_trust(kr, "city", key, NULL, NULL);
	assert_int_equal(store_set_keyring(s, kr, &checked), 0);
	assert_int_equal(sql_int(f->path, "SELECT trust FROM notices WHERE id = 'n-good'"),
			 SIG_VERIFIED);

	store_close(s);
	free(good.signature);
	free(bad.signature);
	sig_key_free(key);
	sig_key_free(stranger);
}

/* Returns 1 if key is a UUID version 4 written in lowercase. */
static int
is_uuid4(const char *key)
{
	static const char form[] = "xxxxxxxx-xxxx-4xxx-Vxxx-xxxxxxxxxxxx";
	size_t i;

	if (strlen(key) != sizeof form - 1)
		return 0;
	for (i = 0; form[i] != '\0'; i++) {
		if (form[i] == '-' || form[i] == '4') {
			if (key[i] != form[i])
				return 0;
		} else if (form[i] == 'V') {
			if (strchr("89ab", key[i]) == NULL)
				return 0;
		} else if (strchr("0123456789abcdef", key[i]) == NULL) {
			return 0;
		}
	}
	return 1;
}

static void
test_drafts(void **state)
{
	struct fixture *f = *state;
	struct store *s = open_ok(f->path);
	struct store_draft d, *v = NULL;
	long long a = 0, b = 0, missing = 999;
	size_t n;
	int found;

	assert_int_equal(store_draft_save(s, &a, "tenshutsu", "{\"name\": \"佐藤\"}"), 0);
	assert_true(a > 0);
	assert_int_equal(store_draft_save(s, &b, "jidou-teate", NULL), 0);
	assert_true(b != a);
	assert_int_equal(store_draft_get(s, a, &d, &found), 0);
	assert_true(found);
	assert_string_equal(d.procedure, "tenshutsu");
	assert_string_equal(d.fields, "{\"name\": \"佐藤\"}");
	assert_int_equal(d.state, STORE_DRAFT_EDITING);
	assert_null(d.errors);
	store_draft_release(&d);
	assert_int_equal(store_draft_get(s, b, &d, &found), 0);
	assert_string_equal(d.fields, "{}");
	store_draft_release(&d);
	store_draft_release(NULL);

	assert_int_equal(store_draft_save(s, &a, "tenshutsu", "{\"name\": \"鈴木\"}"), 0);
	assert_int_equal(store_draft_get(s, a, &d, &found), 0);
	assert_string_equal(d.fields, "{\"name\": \"鈴木\"}");
	store_draft_release(&d);
	assert_int_equal(store_draft_save(s, &missing, "x", "{}"), -1);
	assert_non_null(strstr(store_error(s), "999"));

	assert_int_equal(store_drafts_list(s, &v, &n), 0);
	assert_int_equal(n, 2);
	store_drafts_free(v, n);
	store_drafts_free(NULL, 0);
	assert_int_equal(store_draft_delete(s, b), 0);
	assert_int_equal(store_draft_get(s, b, &d, &found), 0);
	assert_false(found);
	store_close(s);
}

static void
test_outbox(void **state)
{
	struct fixture *f = *state;
	struct store *s = open_ok(f->path);
	struct store_outbox *v = NULL;
	struct store_draft d;
	char k1[STORE_KEY_SIZE], k2[STORE_KEY_SIZE], k3[STORE_KEY_SIZE];
	long long a = 0, b = 0, s1 = 0, s2 = 0, s3 = 0;
	size_t n;
	int found;

	assert_int_equal(store_draft_save(s, &a, "tenshutsu", "{\"name\": \"佐藤\"}"), 0);
	assert_int_equal(store_draft_save(s, &b, "jidou-teate", "{\"child\": \"花子\"}"), 0);
	assert_int_equal(store_outbox_queue(s, a, k1, &s1), 0);
	assert_int_equal(store_outbox_queue(s, b, k2, &s2), 0);
	assert_true(is_uuid4(k1));
	assert_true(is_uuid4(k2));
	assert_string_not_equal(k1, k2);
	assert_true(s1 < s2);
	assert_int_equal(store_outbox_queue(s, 4242, k3, &s3), -1);
	assert_int_equal(store_outbox_pending(s, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(store_draft_get(s, a, &d, &found), 0);
	assert_int_equal(d.state, STORE_DRAFT_QUEUED);
	store_draft_release(&d);

	/* The outbox keeps the fields as queued. */
	assert_int_equal(store_draft_save(s, &a, "tenshutsu", "{\"name\": \"変更\"}"), 0);
	assert_int_equal(store_outbox_list(s, 1, &v, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].seq, s1);
	assert_string_equal(v[0].key, k1);
	assert_string_equal(v[0].procedure, "tenshutsu");
	assert_string_equal(v[0].fields, "{\"name\": \"佐藤\"}");
	assert_int_equal(v[0].draft_id, a);
	assert_int_equal(v[0].state, STORE_OUTBOX_QUEUED);
	assert_int_equal(v[1].seq, s2);
	store_outbox_free(v, n);

	/* A try without a final answer, then the answers. */
	assert_int_equal(store_outbox_attempt(s, s1, "cannot reach the server"), 0);
	assert_int_equal(store_outbox_attempt(s, s1, "503"), 0);
	assert_int_equal(store_outbox_queue(s, a, k3, &s3), 0);	/* queued again */
	assert_int_equal(store_outbox_mark_sent(s, s1, "a-17"), 0);
	assert_int_equal(store_outbox_mark_needs_fixing(s, s2, "{\"child\": \"too long\"}",
							"Unprocessable Content"), 0);
	/* A repeated answer changes nothing. */
	assert_int_equal(store_outbox_mark_sent(s, s2, "a-99"), 0);
	assert_int_equal(store_outbox_list(s, 0, &v, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(v[0].state, STORE_OUTBOX_SENT);
	assert_string_equal(v[0].application_id, "a-17");
	assert_int_equal(v[0].attempts, 2);
	assert_null(v[0].last_error);
	assert_true(v[0].sent > 0);
	assert_int_equal(v[1].state, STORE_OUTBOX_NEEDS_FIXING);
	assert_null(v[1].application_id);
	assert_string_equal(v[1].last_error, "Unprocessable Content");
	assert_int_equal(v[2].state, STORE_OUTBOX_QUEUED);
	assert_string_equal(v[2].fields, "{\"name\": \"変更\"}");
	store_outbox_free(v, n);
	assert_int_equal(store_outbox_pending(s, &n), 0);
	assert_int_equal(n, 1);

	/* The answer to the older copy leaves the re-queued draft alone. */
	assert_int_equal(store_draft_get(s, a, &d, &found), 0);
	assert_int_equal(d.state, STORE_DRAFT_QUEUED);
	store_draft_release(&d);
	assert_int_equal(store_draft_get(s, b, &d, &found), 0);
	assert_int_equal(d.state, STORE_DRAFT_NEEDS_FIXING);
	assert_string_equal(d.errors, "{\"child\": \"too long\"}");
	store_draft_release(&d);
	assert_int_equal(store_outbox_mark_sent(s, s3, "a-18"), 0);
	assert_int_equal(store_draft_get(s, a, &d, &found), 0);
	assert_int_equal(d.state, STORE_DRAFT_SENT);
	store_draft_release(&d);

	/* A deleted draft leaves its sent item. */
	assert_int_equal(store_draft_delete(s, a), 0);
	assert_int_equal(store_outbox_list(s, 0, &v, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(v[0].draft_id, 0);
	store_outbox_free(v, n);
	store_outbox_free(NULL, 0);
	store_close(s);
}

static void
test_outbox_survives_clear(void **state)
{
	struct fixture *f = *state;
	struct store *s = open_ok(f->path);
	struct wire_deadline d1 = deadline("d-1", "one", "2027-03-15T23:59:59+09:00");
	long long a = 0;
	size_t n;
	time_t until;

	assert_int_equal(store_deadline_upsert(s, &d1), 0);
	assert_int_equal(store_draft_save(s, &a, "tenshutsu", "{}"), 0);
	assert_int_equal(store_outbox_queue(s, a, NULL, NULL), 0);
	assert_int_equal(store_snooze_set(s, "d-1", 5000), 0);
	assert_int_equal(store_clear_synced(s), 0);
	assert_int_equal(store_outbox_pending(s, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM drafts"), 1);
	assert_int_equal(store_snooze_get(s, "d-1", &until), 0);
	assert_int_equal(until, 5000);
	store_close(s);
}

static void
test_snoozes(void **state)
{
	struct fixture *f = *state;
	struct store *s = open_ok(f->path);
	time_t until = 1;

	assert_int_equal(store_snooze_get(s, "d-1", &until), 0);
	assert_int_equal(until, 0);
	assert_int_equal(store_snooze_set(s, "d-1", 1000), 0);
	assert_int_equal(store_snooze_set(s, "d-1", 2000), 0);
	assert_int_equal(store_snooze_get(s, "d-1", &until), 0);
	assert_int_equal(until, 2000);
	assert_int_equal(store_snooze_set(s, "d-1", 0), 0);
	assert_int_equal(store_snooze_get(s, "d-1", &until), 0);
	assert_int_equal(until, 0);
	assert_int_equal(store_snooze_set(s, "d-1", 0), 0);
	store_close(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_open_migrates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_meta, setup, teardown),
		cmocka_unit_test_setup_teardown(test_upsert_keeps_marks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lists_ordered, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delete, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reminders_unique, setup, teardown),
		cmocka_unit_test_setup_teardown(test_transactions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_data_version, setup, teardown),
		cmocka_unit_test_setup_teardown(test_clear_synced, setup, teardown),
		cmocka_unit_test_setup_teardown(test_newer_schema_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupt_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupt_page, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unopenable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_migrates_from_first_schema, setup, teardown),
		cmocka_unit_test_setup_teardown(test_migrates_to_signed_notices, setup, teardown),
		cmocka_unit_test_setup_teardown(test_notice_trust, setup, teardown),
		cmocka_unit_test_setup_teardown(test_drafts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_outbox, setup, teardown),
		cmocka_unit_test_setup_teardown(test_outbox_survives_clear, setup, teardown),
		cmocka_unit_test_setup_teardown(test_snoozes, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
