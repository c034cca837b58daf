/*
 * mem: allocation helpers.  Small allocations that fail abort the program
 * with a message (as tmux's xmalloc does): there is no useful recovery from
 * running out of memory for a 40-byte string.  Sizes that come from outside
 * must be capped before they reach these functions (see buf.h).
 */
#ifndef MYNA_MEM_H
#define MYNA_MEM_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
/* Reallocates an array of nmemb elements of size bytes, checking overflow. */
void *xreallocarray(void *p, size_t nmemb, size_t size);
/* xstrdup(NULL) returns NULL. */
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Returns a newly allocated formatted string; the caller frees it. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Frees *pp and sets it to NULL. */
void xfree(void *pp);

#endif
