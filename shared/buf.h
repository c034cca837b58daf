/*
 * buf: a growable byte buffer with an optional size cap, for everything read
 * from outside (HTTP bodies, files).  Invariants: data is never NULL after
 * buf_init and is always NUL-terminated; len never exceeds max when max > 0.
 * An empty buffer owns no storage until something is added.
 */
#ifndef MYNA_BUF_H
#define MYNA_BUF_H

#include <stddef.h>

struct buf {
	char  *data;
	size_t len;
	size_t alloc;
	size_t max;	/* 0: no cap */
	int    toobig;	/* set once an append was refused for the cap */
};

/* Initialises an empty buffer holding at most max bytes (0: no cap). */
void buf_init(struct buf *b, size_t max);
/* Appends n bytes; returns 0, or -1 (and sets toobig) if the cap would be passed. */
int buf_add(struct buf *b, const void *p, size_t n);
int buf_addstr(struct buf *b, const char *s);
int buf_addch(struct buf *b, char c);
int buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Empties the buffer, keeping its storage. */
void buf_reset(struct buf *b);
/* Hands over the NUL-terminated contents (never NULL); you now own them.
 * The buffer is empty again and owns no storage: it may be reused, and
 * releasing it is not needed (but harmless). */
char *buf_take(struct buf *b);
/* Frees the contents; the buffer must be initialised again before reuse. */
void buf_release(struct buf *b);

#endif
