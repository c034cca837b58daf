/*
 * storage: the backend-neutral part of the storage interface: opening by
 * name, units of work, and the listener told about feed changes after a
 * commit.  Every primitive is a call through the backend's table.
 */
#include "storage.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "log.h"
#include "mem.h"
#include "municipality.h"
#include "storage_backend.h"

/* Audiences remembered per unit of work; more than this wakes everyone. */
#define STORAGE_AUDIENCES_MAX 16

struct storage {
	const struct storage_ops *ops;
	void *impl;
	pthread_mutex_t listen_mutex;
	storage_listener listener;
	void *listener_arg;
};

struct storage_audience {
	char user[USER_ID_MAX + 1];
	char municipality[MUNICIPALITY_LEN + 1];
	long long seq; /* the highest seq put for it */
};

struct storage_tx {
	struct storage *s;
	void *impl;
	size_t naud;
	int overflow;  /* more audiences than remembered */
	long long top; /* the highest seq put in this unit */
	struct storage_audience aud[STORAGE_AUDIENCES_MAX];
};

int
storage_open(const char *spec, struct storage **out, char **cause)
{
	struct storage *s;
	const char *path = spec;
	void *impl = NULL;

	*out = NULL;
	if (strncmp(spec, "sqlite:", 7) == 0)
		path = spec + 7;
	else if (strncmp(spec, "postgresql:", 11) == 0 || strncmp(spec, "postgres:", 9) == 0) {
		*cause = xstrdup(_("this myna-bff has no PostgreSQL backend; use a SQLite path"));
		return -1;
	}
	if (*path == '\0') {
		*cause = xstrdup(_("the database path is empty"));
		return -1;
	}
	if (storage_sqlite_open(path, &impl, cause) != 0)
		return -1;
	s = xcalloc(1, sizeof *s);
	s->ops = &storage_sqlite_ops;
	s->impl = impl;
	pthread_mutex_init(&s->listen_mutex, NULL);
	*out = s;
	return 0;
}

void
storage_close(struct storage *s)
{
	if (s == NULL)
		return;
	s->ops->close(s->impl);
	pthread_mutex_destroy(&s->listen_mutex);
	free(s);
}

int
storage_ping(struct storage *s)
{
	return s->ops->ping(s->impl);
}

void
storage_listen(struct storage *s, storage_listener fn, void *arg)
{
	pthread_mutex_lock(&s->listen_mutex);
	s->listener = fn;
	s->listener_arg = arg;
	pthread_mutex_unlock(&s->listen_mutex);
}

struct storage_tx *
storage_begin(struct storage *s, int write)
{
	struct storage_tx *tx;
	void *impl = s->ops->begin(s->impl, write);

	if (impl == NULL)
		return NULL;
	tx = xcalloc(1, sizeof *tx);
	tx->s = s;
	tx->impl = impl;
	return tx;
}

/* Remembers that the feed of an audience changed in this unit. */
static void
storage_touch(struct storage_tx *tx, const char *user, const char *municipality, long long seq)
{
	struct storage_audience a;
	size_t i;

	if (seq > tx->top)
		tx->top = seq;
	if (tx->overflow)
		return;
	if ((user != NULL && strlen(user) > USER_ID_MAX) ||
	    (municipality != NULL && strlen(municipality) > MUNICIPALITY_LEN)) {
		tx->overflow = 1;
		return;
	}
	memset(&a, 0, sizeof a);
	if (user != NULL)
		memcpy(a.user, user, strlen(user));
	if (municipality != NULL)
		memcpy(a.municipality, municipality, strlen(municipality));
	for (i = 0; i < tx->naud; i++) {
		if (strcmp(tx->aud[i].user, a.user) == 0 &&
		    strcmp(tx->aud[i].municipality, a.municipality) == 0) {
			if (seq > tx->aud[i].seq)
				tx->aud[i].seq = seq;
			return;
		}
	}
	if (tx->naud == STORAGE_AUDIENCES_MAX) {
		tx->overflow = 1;
		return;
	}
	a.seq = seq;
	tx->aud[tx->naud++] = a;
}

/* Tells the listener what the committed unit changed; called by the
 * backend while the unit still holds its lock. */
static void
storage_after_commit(void *arg)
{
	struct storage_tx *tx = arg;
	struct storage *s = tx->s;
	storage_listener fn;
	void *larg;
	size_t i;

	if (!tx->overflow && tx->naud == 0)
		return;
	pthread_mutex_lock(&s->listen_mutex);
	fn = s->listener;
	larg = s->listener_arg;
	pthread_mutex_unlock(&s->listen_mutex);
	if (fn == NULL)
		return;
	if (tx->overflow) {
		fn(larg, NULL, NULL, tx->top);
		return;
	}
	for (i = 0; i < tx->naud; i++)
		fn(larg, tx->aud[i].user[0] != '\0' ? tx->aud[i].user : NULL,
		   tx->aud[i].municipality[0] != '\0' ? tx->aud[i].municipality : NULL,
		   tx->aud[i].seq);
}

int
storage_commit(struct storage_tx *tx)
{
	int rc = tx->s->ops->commit(tx->impl, storage_after_commit, tx);

	free(tx);
	return rc;
}

void
storage_rollback(struct storage_tx *tx)
{
	if (tx == NULL)
		return;
	tx->s->ops->rollback(tx->impl);
	free(tx);
}

void
storage_row_release(struct storage_row *r)
{
	if (r == NULL)
		return;
	free(r->type);
	free(r->id);
	free(r->user);
	free(r->municipality);
	free(r->data);
	memset(r, 0, sizeof *r);
}

void
storage_idem_release(struct storage_idem *i)
{
	if (i == NULL)
		return;
	free(i->body);
	free(i->location);
	i->body = NULL;
	i->location = NULL;
}

/* The primitives: one call through the backend's table each. */
#define OPS(tx) ((tx)->s->ops)

int
storage_user_get(struct storage_tx *tx, const char *id, struct user *out, int *found)
{
	*found = 0;
	if (!user_id_valid(id))
		return 0;
	return OPS(tx)->user_get(tx->impl, id, out, found);
}

int
storage_user_add(struct storage_tx *tx, const char *id, const char *municipality, const char *name,
                 time_t now, int *exists)
{
	return OPS(tx)->user_add(tx->impl, id, municipality, name, now, exists);
}

int
storage_user_count(struct storage_tx *tx, long long *n)
{
	return OPS(tx)->user_count(tx->impl, n);
}

int
storage_device_purge(struct storage_tx *tx, time_t before)
{
	return OPS(tx)->device_purge(tx->impl, before);
}

int
storage_device_add(struct storage_tx *tx, const unsigned char hash[TOKEN_HASH_LEN],
                   const char *user_code, time_t expires, long interval, int *clash)
{
	return OPS(tx)->device_add(tx->impl, hash, user_code, expires, interval, clash);
}

int
storage_device_by_hash(struct storage_tx *tx, const unsigned char hash[TOKEN_HASH_LEN],
                       struct storage_device *out, int *found)
{
	return OPS(tx)->device_by_hash(tx->impl, hash, out, found);
}

int
storage_device_by_user_code(struct storage_tx *tx, const char *user_code,
                            struct storage_device *out, int *found)
{
	return OPS(tx)->device_by_user_code(tx->impl, user_code, out, found);
}

int
storage_device_update(struct storage_tx *tx, const struct storage_device *d)
{
	return OPS(tx)->device_update(tx->impl, d);
}

int
storage_token_purge(struct storage_tx *tx, time_t now)
{
	return OPS(tx)->token_purge(tx->impl, now);
}

int
storage_token_add(struct storage_tx *tx, const unsigned char hash[TOKEN_HASH_LEN],
                  enum storage_token_kind kind, const char *user,
                  const unsigned char family[TOKEN_BYTES], time_t expires)
{
	return OPS(tx)->token_add(tx->impl, hash, kind, user, family, expires);
}

int
storage_token_get(struct storage_tx *tx, const unsigned char hash[TOKEN_HASH_LEN],
                  enum storage_token_kind kind, struct storage_token *out, int *found)
{
	return OPS(tx)->token_get(tx->impl, hash, kind, out, found);
}

int
storage_token_mark_used(struct storage_tx *tx, const unsigned char hash[TOKEN_HASH_LEN])
{
	return OPS(tx)->token_mark_used(tx->impl, hash);
}

int
storage_token_delete(struct storage_tx *tx, const unsigned char hash[TOKEN_HASH_LEN], long long *n)
{
	return OPS(tx)->token_delete(tx->impl, hash, n);
}

int
storage_token_delete_family(struct storage_tx *tx, const unsigned char family[TOKEN_BYTES],
                            long long *n)
{
	return OPS(tx)->token_delete_family(tx->impl, family, n);
}

int
storage_feed_next_id(struct storage_tx *tx, const char *type, long long *n)
{
	return OPS(tx)->feed_next_id(tx->impl, type, n);
}

int
storage_feed_put(struct storage_tx *tx, const struct storage_item *it)
{
	long long seq = 0;

	if (OPS(tx)->feed_put(tx->impl, it, &seq) != 0)
		return -1;
	storage_touch(tx, it->user, it->municipality, seq);
	return 0;
}

int
storage_feed_last(struct storage_tx *tx, const char *user, const char *municipality, long long *seq)
{
	return OPS(tx)->feed_last(tx->impl, user, municipality, seq);
}

int
storage_feed_get(struct storage_tx *tx, const char *type, const char *id, struct storage_row *out,
                 int *found)
{
	return OPS(tx)->feed_get(tx->impl, type, id, out, found);
}

int
storage_feed_epoch(struct storage_tx *tx, long long *epoch)
{
	return OPS(tx)->feed_epoch(tx->impl, epoch);
}

int
storage_feed_top(struct storage_tx *tx, long long *top)
{
	return OPS(tx)->feed_top(tx->impl, top);
}

int
storage_feed_horizon(struct storage_tx *tx, long long *horizon)
{
	return OPS(tx)->feed_horizon(tx->impl, horizon);
}

int
storage_feed_page(struct storage_tx *tx, const struct user *u, long long after, long limit,
                  storage_row_fn fn, void *arg, int *has_more)
{
	return OPS(tx)->feed_page(tx->impl, u, after, limit, fn, arg, has_more);
}

int
storage_feed_count(struct storage_tx *tx, long long *n)
{
	return OPS(tx)->feed_count(tx->impl, n);
}

int
storage_feed_compact(struct storage_tx *tx, time_t before, long long *removed)
{
	return OPS(tx)->feed_compact(tx->impl, before, removed);
}

int
storage_idem_get(struct storage_tx *tx, const char *user, const char *key, struct storage_idem *out,
                 int *found)
{
	return OPS(tx)->idem_get(tx->impl, user, key, out, found);
}

int
storage_idem_put(struct storage_tx *tx, const char *user, const char *key,
                 const unsigned char fingerprint[STORAGE_FINGERPRINT_LEN], time_t created)
{
	return OPS(tx)->idem_put(tx->impl, user, key, fingerprint, created);
}

int
storage_idem_finish(struct storage_tx *tx, const char *user, const char *key, int status,
                    const char *body, const char *location)
{
	return OPS(tx)->idem_finish(tx->impl, user, key, status, body, location);
}

int
storage_idem_delete(struct storage_tx *tx, const char *user, const char *key)
{
	return OPS(tx)->idem_delete(tx->impl, user, key);
}

int
storage_idem_purge(struct storage_tx *tx, time_t open_before, time_t done_before)
{
	return OPS(tx)->idem_purge(tx->impl, open_before, done_before);
}

int
storage_report_add(struct storage_tx *tx, const struct storage_report *r, long keep)
{
	return OPS(tx)->report_add(tx->impl, r, keep);
}

int
storage_report_count(struct storage_tx *tx, long long *n)
{
	return OPS(tx)->report_count(tx->impl, n);
}
