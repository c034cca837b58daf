/*
 * mem: allocation helpers that abort on failure (see mem.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mem.h"

/* Reports running out of memory and stops; the only exit in libmyna, since
 * there is no caller that could do better. */
static void __attribute__((noreturn)) mem_fatal(const char *what, size_t n)
{
	char line[128];
	int len;

	len = snprintf(line, sizeof line, "fatal: %s of %zu bytes failed\n", what, n);
	if (len > 0 && write(STDERR_FILENO, line, (size_t)len) < 0)
		abort();
	abort();
}

void *xmalloc(size_t n)
{
	void *p;

	if (n == 0)
		n = 1;
	p = malloc(n);
	if (p == NULL)
		mem_fatal("malloc", n);
	return p;
}

void *xcalloc(size_t nmemb, size_t size)
{
	void *p;

	if (nmemb == 0 || size == 0)
		nmemb = size = 1;
	if (size != 0 && nmemb > SIZE_MAX / size)
		mem_fatal("calloc (overflow)", SIZE_MAX);
	p = calloc(nmemb, size);
	if (p == NULL)
		mem_fatal("calloc", nmemb * size);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q;

	if (n == 0)
		n = 1;
	q = realloc(p, n);
	if (q == NULL)
		mem_fatal("realloc", n);
	return q;
}

void *xreallocarray(void *p, size_t nmemb, size_t size)
{
	if (size != 0 && nmemb > SIZE_MAX / size)
		mem_fatal("reallocarray (overflow)", SIZE_MAX);
	return xrealloc(p, nmemb * size);
}

char *xstrdup(const char *s)
{
	if (s == NULL)
		return NULL;
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p;

	if (s == NULL)
		return NULL;
	n = strnlen(s, n);
	if (n == SIZE_MAX)
		mem_fatal("strndup (overflow)", n);
	p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0 || s == NULL)
		mem_fatal("asprintf", 0);
	return s;
}

void xfree(void *pp)
{
	void **p = pp;

	if (p == NULL)
		return;
	free(*p);
	*p = NULL;
}
