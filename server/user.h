/*
 * user: the residents the server knows (table users): an id, the
 * municipality they live in (which decides the notices they see) and a
 * display name.
 */
#ifndef MYNA_USER_H
#define MYNA_USER_H

#include "municipality.h"

struct db;

#define USER_ID_MAX 64    /* bytes in a user id */
#define USER_NAME_MAX 256 /* bytes in a name */

struct user {
	char id[USER_ID_MAX + 1];
	char municipality[MUNICIPALITY_LEN + 1];
};

/* Returns 1 when id is 1..USER_ID_MAX bytes of [A-Za-z0-9._-], else 0. */
int user_id_valid(const char *id);

/* Looks a user up.  Returns 0 and sets *found (0 or 1), or -1 on a
 * database error.  Takes the database lock itself. */
int user_get(struct db *db, const char *id, struct user *out, int *found);
/* The same with the lock already held. */
int user_get_locked(struct db *db, const char *id, struct user *out, int *found);

enum user_add_result { USER_ADDED, USER_EXISTS, USER_ERROR };

/* Adds a user (id and municipality must be valid, name clean).  Takes the
 * lock itself. */
enum user_add_result user_add(struct db *db, const char *id, const char *municipality,
                              const char *name);

/* Sets *n to the number of users.  Returns 0 or -1. */
int user_count(struct db *db, long long *n);

#endif
