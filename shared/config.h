/*
 * config: "key = value" files, as used for the user's settings and the
 * credentials file.  Lines starting with '#' and blank lines are ignored (and
 * not kept on save).  Keys are [a-z0-9_.-]+; the value is the rest of the
 * line with surrounding blanks trimmed.  A later line replaces an earlier one.
 */
#ifndef MYNA_CONFIG_H
#define MYNA_CONFIG_H

struct config;

struct config *config_new(void);
/* Frees the configuration; config_free(NULL) is a no-op. */
void config_free(struct config *c);

/* Reads path into c.  A missing file is not an error (c stays as it is).
 * A malformed line fails with "PATH:LINE: reason" in *cause (newly
 * allocated); c then holds the lines before it. */
int config_load(struct config *c, const char *path, char **cause);
/* Parses text as a config file; name is used in messages. */
int config_parse(struct config *c, const char *text, const char *name, char **cause);

/* Returns the value of key (owned by c, valid until the next set), or NULL. */
const char *config_get(const struct config *c, const char *key);
/* Returns the value as an integer, or def when absent, malformed or outside
 * [min, max]. */
long config_get_int(const struct config *c, const char *key, long def, long min, long max);
/* Returns 1 for on/yes/true/1, 0 for off/no/false/0, def otherwise. */
int config_get_bool(const struct config *c, const char *key, int def);
/* Sets key to a copy of value; value NULL removes the key.  Returns 0, or -1
 * when key or value is not storable (bad key, newline in value). */
int config_set(struct config *c, const char *key, const char *value);

/* Writes c to path atomically (temporary file, fsync, rename) with the given
 * mode, creating the parent directory (0700). Returns 0 or -1 with *cause. */
int config_save(const struct config *c, const char *path, int mode, char **cause);

#endif
