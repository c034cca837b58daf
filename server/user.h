/*
 * user: the residents the server knows: an id, the municipality they live
 * in (which decides the notices and procedures they see) and a display
 * name.  They are kept by storage (storage_user_*).
 */
#ifndef MYNA_USER_H
#define MYNA_USER_H

#include "municipality.h"

#define USER_ID_MAX 64    /* bytes in a user id */
#define USER_NAME_MAX 256 /* bytes in a name */

struct user {
	char id[USER_ID_MAX + 1];
	char municipality[MUNICIPALITY_LEN + 1];
};

/* Returns 1 when id is 1..USER_ID_MAX bytes of [A-Za-z0-9._-], else 0. */
int user_id_valid(const char *id);

#endif
