/*
 * config: "key = value" files (see config.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "config.h"
#include "i18n.h"
#include "mem.h"
#include "paths.h"
#include "text.h"

/* A settings file is a few hundred bytes; anything this big is not one. */
#define CONFIG_FILE_MAX (1024 * 1024)

struct config_entry {
	char *key;
	char *value;
};

/* Entries in the order they were first set, which is the order of the
 * file, so that a save keeps the user's layout. */
struct config {
	struct config_entry *entries;
	size_t n;
	size_t alloc;
};

struct config *config_new(void)
{
	return xcalloc(1, sizeof(struct config));
}

void config_free(struct config *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->n; i++) {
		free(c->entries[i].key);
		free(c->entries[i].value);
	}
	free(c->entries);
	free(c);
}

/* Returns 1 if key[0..len) is a storable key: [a-z0-9_.-]+. */
static int config_key_ok(const char *key, size_t len)
{
	size_t i;

	if (len == 0)
		return 0;
	for (i = 0; i < len; i++) {
		char ch = key[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' ||
		      ch == '.' || ch == '-'))
			return 0;
	}
	return 1;
}

/* Returns 1 if value[0..len) can be written on one line and read back:
 * valid UTF-8 without line breaks or other controls (tabs allowed). */
static int config_value_ok(const char *value, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)value[i];

		if ((ch < 0x20 && ch != '\t') || ch == 0x7F)
			return 0;
	}
	return text_valid_utf8(value, len);
}

static struct config_entry *config_find(const struct config *c, const char *key)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		if (strcmp(c->entries[i].key, key) == 0)
			return &c->entries[i];
	}
	return NULL;
}

/* Stores key = value (both already checked), replacing an earlier value in
 * its place. */
static void config_put(struct config *c, char *key, char *value)
{
	struct config_entry *e = config_find(c, key);

	if (e != NULL) {
		free(key);
		free(e->value);
		e->value = value;
		return;
	}
	if (c->n == c->alloc) {
		c->alloc = c->alloc ? c->alloc * 2 : 8;
		c->entries = xreallocarray(c->entries, c->alloc, sizeof *c->entries);
	}
	c->entries[c->n].key = key;
	c->entries[c->n].value = value;
	c->n++;
}

static int config_is_blank(char ch)
{
	return ch == ' ' || ch == '\t';
}

int config_parse(struct config *c, const char *text, const char *name, char **cause)
{
	const char *line = text, *end, *p, *k, *v, *ve;
	size_t klen;
	long lineno = 0;

	if (name == NULL)
		name = "config";
	while (*line != '\0') {
		lineno++;
		end = strchr(line, '\n');
		if (end == NULL)
			end = line + strlen(line);
		/* Drop the CR of a CR LF line end. */
		ve = end;
		if (ve > line && ve[-1] == '\r')
			ve--;
		p = line;
		while (p < ve && config_is_blank(*p))
			p++;
		if (p == ve || *p == '#')
			goto next;
		k = p;
		while (p < ve && *p != '=' && !config_is_blank(*p))
			p++;
		klen = (size_t)(p - k);
		while (p < ve && config_is_blank(*p))
			p++;
		if (p == ve || *p != '=') {
			*cause = xasprintf(_("%s:%ld: expected \"key = value\""), name, lineno);
			return -1;
		}
		if (!config_key_ok(k, klen)) {
			*cause = xasprintf(_("%s:%ld: bad key \"%.*s\" (use a-z, 0-9, _ . -)"),
			                   name, lineno, (int)(klen > 64 ? 64 : klen), k);
			return -1;
		}
		v = p + 1;
		while (v < ve && config_is_blank(*v))
			v++;
		while (ve > v && config_is_blank(ve[-1]))
			ve--;
		if (!config_value_ok(v, (size_t)(ve - v))) {
			*cause = xasprintf(
			        _("%s:%ld: the value has control characters or is not UTF-8"), name,
			        lineno);
			return -1;
		}
		config_put(c, xstrndup(k, klen), xstrndup(v, (size_t)(ve - v)));
	next:
		line = *end == '\n' ? end + 1 : end;
	}
	return 0;
}

int config_load(struct config *c, const char *path, char **cause)
{
	struct buf b;
	char chunk[4096];
	ssize_t n;
	int fd = -1, rc = -1;

	buf_init(&b, CONFIG_FILE_MAX);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT) {
			rc = 0;
			goto out;
		}
		*cause = xasprintf(_("%s: cannot open: %s"), path, strerror(errno));
		goto out;
	}
	for (;;) {
		n = read(fd, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			*cause = xasprintf(_("%s: cannot read: %s"), path, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		if (buf_add(&b, chunk, (size_t)n) < 0) {
			*cause = xasprintf(_("%s: too big for a settings file"), path);
			goto out;
		}
	}
	if (memchr(b.data, '\0', b.len) != NULL) {
		*cause = xasprintf(_("%s: not a text file"), path);
		goto out;
	}
	rc = config_parse(c, b.data, path, cause);
out:
	if (fd >= 0)
		close(fd);
	buf_release(&b);
	return rc;
}

const char *config_get(const struct config *c, const char *key)
{
	const struct config_entry *e;

	if (c == NULL || key == NULL)
		return NULL;
	e = config_find(c, key);
	return e != NULL ? e->value : NULL;
}

long config_get_int(const struct config *c, const char *key, long def, long min, long max)
{
	const char *v = config_get(c, key);
	char *end;
	long n;

	if (v == NULL || *v == '\0')
		return def;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno != 0 || *end != '\0' || n < min || n > max)
		return def;
	return n;
}

int config_get_bool(const struct config *c, const char *key, int def)
{
	static const char *const yes[] = {"on", "yes", "true", "1"};
	static const char *const no[] = {"off", "no", "false", "0"};
	const char *v = config_get(c, key);
	size_t i;

	if (v == NULL)
		return def;
	for (i = 0; i < sizeof yes / sizeof yes[0]; i++) {
		if (strcasecmp(v, yes[i]) == 0)
			return 1;
		if (strcasecmp(v, no[i]) == 0)
			return 0;
	}
	return def;
}

int config_set(struct config *c, const char *key, const char *value)
{
	size_t i;

	if (key == NULL || !config_key_ok(key, strlen(key)))
		return -1;
	if (value == NULL) {
		for (i = 0; i < c->n; i++) {
			if (strcmp(c->entries[i].key, key) != 0)
				continue;
			free(c->entries[i].key);
			free(c->entries[i].value);
			memmove(&c->entries[i], &c->entries[i + 1],
			        (c->n - i - 1) * sizeof *c->entries);
			c->n--;
			break;
		}
		return 0;
	}
	if (!config_value_ok(value, strlen(value)))
		return -1;
	config_put(c, xstrdup(key), xstrdup(value));
	return 0;
}

/* Writes all of p[0..n) to fd. */
static int config_write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int config_save(const struct config *c, const char *path, int mode, char **cause)
{
	struct buf b;
	char *tmp = NULL, *dir = NULL, *slash;
	size_t i;
	int fd = -1, dfd = -1, rc = -1;

	buf_init(&b, 0);
	if (paths_make_parent(path, cause) < 0)
		goto out;
	for (i = 0; i < c->n; i++)
		buf_printf(&b, "%s = %s\n", c->entries[i].key, c->entries[i].value);

	/* The temporary file lives in the same directory, so that the rename
	 * is atomic: a reader sees the old file or the new one, never half. */
	tmp = xasprintf("%s.XXXXXX", path);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		*cause = xasprintf(_("%s: cannot create a temporary file: %s"), path,
		                   strerror(errno));
		xfree(&tmp);
		goto out;
	}
	if (config_write_all(fd, b.data, b.len) < 0 || fsync(fd) < 0) {
		*cause = xasprintf(_("%s: cannot write: %s"), tmp, strerror(errno));
		goto out;
	}
	if (fchmod(fd, (mode_t)mode) < 0) {
		*cause = xasprintf(_("%s: cannot set permissions: %s"), tmp, strerror(errno));
		goto out;
	}
	if (close(fd) < 0) {
		fd = -1;
		*cause = xasprintf(_("%s: cannot write: %s"), tmp, strerror(errno));
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) < 0) {
		*cause = xasprintf(_("%s: cannot replace: %s"), path, strerror(errno));
		goto out;
	}
	xfree(&tmp);

	/* Make the rename itself durable. */
	dir = xstrdup(path);
	slash = strrchr(dir, '/');
	if (slash == NULL) {
		free(dir);
		dir = xstrdup(".");
	} else if (slash == dir) {
		slash[1] = '\0';
	} else {
		*slash = '\0';
	}
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || fsync(dfd) < 0) {
		*cause = xasprintf(_("%s: cannot sync the directory: %s"), dir, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	if (tmp != NULL)
		unlink(tmp);
	if (dfd >= 0)
		close(dfd);
	free(tmp);
	free(dir);
	buf_release(&b);
	return rc;
}
