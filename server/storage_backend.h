/*
 * storage_backend: what a storage backend provides (see storage.h for the
 * meaning of each primitive).  Only storage.c and the backends include it.
 *
 * A backend fills one const struct storage_ops.  begin returns the
 * backend's handle for a unit of work (NULL on failure); commit and
 * rollback end it and free the handle.  commit calls after(arg) once the
 * unit is committed and before another unit can begin (this is how the
 * listener sees commits in order).  Each primitive gets the handle.
 * storage.c keeps what is common: the unit of work object, the audiences a
 * unit touched, and the listener called after a commit.
 */
#ifndef MYNA_STORAGE_BACKEND_H
#define MYNA_STORAGE_BACKEND_H

#include "storage.h"

struct storage_ops {
	const char *name;
	void (*close)(void *impl);
	int (*ping)(void *impl);
	void *(*begin)(void *impl, int write);
	int (*commit)(void *tx, void (*after)(void *arg), void *arg);
	void (*rollback)(void *tx);

	int (*user_get)(void *tx, const char *id, struct user *out, int *found);
	int (*user_add)(void *tx, const char *id, const char *municipality, const char *name,
	                time_t now, int *exists);
	int (*user_count)(void *tx, long long *n);

	int (*device_purge)(void *tx, time_t before);
	int (*device_add)(void *tx, const unsigned char *hash, const char *user_code,
	                  time_t expires, long interval, int *clash);
	int (*device_by_hash)(void *tx, const unsigned char *hash, struct storage_device *out,
	                      int *found);
	int (*device_by_user_code)(void *tx, const char *user_code, struct storage_device *out,
	                           int *found);
	int (*device_update)(void *tx, const struct storage_device *d);

	int (*token_purge)(void *tx, time_t now);
	int (*token_add)(void *tx, const unsigned char *hash, enum storage_token_kind kind,
	                 const char *user, const unsigned char *family, time_t expires);
	int (*token_get)(void *tx, const unsigned char *hash, enum storage_token_kind kind,
	                 struct storage_token *out, int *found);
	int (*token_mark_used)(void *tx, const unsigned char *hash);
	int (*token_delete)(void *tx, const unsigned char *hash, long long *n);
	int (*token_delete_family)(void *tx, const unsigned char *family, long long *n);

	int (*feed_next_id)(void *tx, const char *type, long long *n);
	int (*feed_put)(void *tx, const struct storage_item *it, long long *seq);
	int (*feed_last)(void *tx, const char *user, const char *municipality, long long *seq);
	int (*feed_get)(void *tx, const char *type, const char *id, struct storage_row *out,
	                int *found);
	int (*feed_epoch)(void *tx, long long *epoch);
	int (*feed_top)(void *tx, long long *top);
	int (*feed_horizon)(void *tx, long long *horizon);
	int (*feed_page)(void *tx, const struct user *u, long long after, long limit,
	                 storage_row_fn fn, void *arg, int *has_more);
	int (*feed_count)(void *tx, long long *n);
	int (*feed_compact)(void *tx, time_t before, long long *removed);

	int (*idem_get)(void *tx, const char *user, const char *key, struct storage_idem *out,
	                int *found);
	int (*idem_put)(void *tx, const char *user, const char *key,
	                const unsigned char *fingerprint, time_t created);
	int (*idem_finish)(void *tx, const char *user, const char *key, int status,
	                   const char *body, const char *location);
	int (*idem_delete)(void *tx, const char *user, const char *key);
	int (*idem_purge)(void *tx, time_t open_before, time_t done_before);

	int (*report_add)(void *tx, const struct storage_report *r, long keep);
	int (*report_count)(void *tx, long long *n);
};

/* The SQLite backend: opens path and sets *impl.  Returns 0 or -1 with
 * *cause. */
extern const struct storage_ops storage_sqlite_ops;
int storage_sqlite_open(const char *path, void **impl, char **cause);

#endif
