/*
 * buf: growable, optionally capped byte buffer (see buf.h).
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "mem.h"

#define BUF_MIN_ALLOC 64

/* An empty buffer points here and owns no storage (alloc 0), as git's
 * strbuf_slopbuf does: buf_init cannot fail, and a buffer whose contents
 * were taken holds nothing that needs releasing.  It is never written. */
static char buf_empty[1];

void buf_init(struct buf *b, size_t max)
{
	b->alloc = 0;
	b->data = buf_empty;
	b->len = 0;
	b->max = max;
	b->toobig = 0;
}

/* Makes room for n more bytes plus the terminating NUL, or refuses when the
 * cap (or size_t) would be passed. */
static int buf_grow(struct buf *b, size_t n)
{
	size_t need, alloc;

	if (n > SIZE_MAX - 1 - b->len || (b->max > 0 && b->len + n > b->max)) {
		b->toobig = 1;
		return -1;
	}
	need = b->len + n + 1;
	if (need <= b->alloc)
		return 0;
	alloc = b->alloc ? b->alloc : BUF_MIN_ALLOC;
	while (alloc < need)
		alloc = alloc > SIZE_MAX / 2 ? need : alloc * 2;
	/* Never reserve far more than the cap allows. */
	if (b->max > 0 && alloc > b->max + 1)
		alloc = b->max + 1;
	if (b->alloc == 0) {
		b->data = xmalloc(alloc);
		b->data[0] = '\0';
	} else {
		b->data = xrealloc(b->data, alloc);
	}
	b->alloc = alloc;
	return 0;
}

int buf_add(struct buf *b, const void *p, size_t n)
{
	if (n == 0)
		return 0;
	if (buf_grow(b, n) < 0)
		return -1;
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int buf_addstr(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

int buf_addch(struct buf *b, char c)
{
	return buf_add(b, &c, 1);
}

int buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	char small[256];
	char *big = NULL;
	int n, rc;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	if ((size_t)n < sizeof small)
		return buf_add(b, small, (size_t)n);
	/* Check the cap before formatting a long string a second time. */
	if (b->max > 0 && (size_t)n > b->max - b->len) {
		b->toobig = 1;
		return -1;
	}
	big = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	rc = buf_add(b, big, (size_t)n);
	free(big);
	return rc;
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->alloc > 0)
		b->data[0] = '\0';
	b->toobig = 0;
}

char *buf_take(struct buf *b)
{
	char *p = b->alloc > 0 ? b->data : xstrdup("");

	buf_init(b, b->max);
	return p;
}

void buf_release(struct buf *b)
{
	if (b->alloc > 0)
		free(b->data);
	b->data = buf_empty;
	b->len = 0;
	b->alloc = 0;
	b->toobig = 0;
}
