#include "user.h"

#include <string.h>
#include <time.h>

#include "db.h"

int
user_id_valid(const char *id)
{
	size_t len;

	if (id == NULL)
		return 0;
	len = strlen(id);
	return len >= 1 && len <= USER_ID_MAX &&
	       strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") ==
	               len;
}

int
user_get_locked(struct db *db, const char *id, struct user *out, int *found)
{
	sqlite3_stmt *st;
	const unsigned char *m;
	int rc;

	*found = 0;
	if (!user_id_valid(id))
		return 0;
	st = db_stmt(db, "SELECT municipality FROM users WHERE id = ?1");
	if (st == NULL || db_bind_text(st, 1, id) != 0)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW)
		return -1;
	m = sqlite3_column_text(st, 0);
	memset(out, 0, sizeof *out);
	memcpy(out->id, id, strlen(id)); /* user_id_valid bounds it */
	if (m != NULL && strlen((const char *)m) == MUNICIPALITY_LEN)
		memcpy(out->municipality, m, MUNICIPALITY_LEN);
	*found = 1;
	return 0;
}

int
user_get(struct db *db, const char *id, struct user *out, int *found)
{
	int ret;

	db_lock(db);
	ret = user_get_locked(db, id, out, found);
	db_unlock(db);
	return ret;
}

enum user_add_result
user_add(struct db *db, const char *id, const char *municipality, const char *name)
{
	enum user_add_result ret = USER_ERROR;
	sqlite3_stmt *st;
	int rc;

	db_lock(db);
	st = db_stmt(db, "INSERT INTO users (id, municipality, name, created) "
	                 "VALUES (?1, ?2, ?3, ?4)");
	if (st == NULL || db_bind_text(st, 1, id) != 0 || db_bind_text(st, 2, municipality) != 0 ||
	    db_bind_text(st, 3, name) != 0 ||
	    sqlite3_bind_int64(st, 4, (sqlite3_int64)time(NULL)) != SQLITE_OK)
		goto out;
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE)
		ret = USER_ADDED;
	else if (sqlite3_extended_errcode(sqlite3_db_handle(st)) == SQLITE_CONSTRAINT_PRIMARYKEY)
		ret = USER_EXISTS;
out:
	db_unlock(db);
	return ret;
}

int
user_count(struct db *db, long long *n)
{
	sqlite3_stmt *st;
	int ret = -1;

	db_lock(db);
	st = db_stmt(db, "SELECT count(*) FROM users");
	if (st != NULL && sqlite3_step(st) == SQLITE_ROW) {
		*n = sqlite3_column_int64(st, 0);
		ret = 0;
	}
	db_unlock(db);
	return ret;
}
