/*
 * edit: a line of text being typed (see edit.h).
 */
#include <stdlib.h>
#include <string.h>

#include "edit.h"
#include "mem.h"
#include "text.h"

void
edit_set(struct edit *e, const char *text)
{
	size_t len = text != NULL ? strlen(text) : 0;
	unsigned int cp;
	size_t off = 0, n;

	free(e->text);
	/* Cut at a character so that the text stays valid. */
	if (len > EDIT_MAX) {
		while (off < len && (n = text_decode(text + off, len - off, &cp)) > 0 &&
		       off + n <= EDIT_MAX)
			off += n;
		len = off;
	}
	e->text = text_clean(text != NULL ? text : "", len, 0);
	e->len = strlen(e->text);
	e->pos = e->len;
}

void
edit_release(struct edit *e)
{
	free(e->text);
	memset(e, 0, sizeof *e);
}

int
edit_insert(struct edit *e, const char *utf8)
{
	size_t n = strlen(utf8), i;

	if (e->text == NULL)
		edit_set(e, NULL);
	if (n == 0 || !text_valid_utf8(utf8, n) || e->len + n > EDIT_MAX)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)utf8[i];

		/* C0, DEL and C1 (0xC2 0x80..0x9F) never enter the text. */
		if (c < 0x20 || c == 0x7f || (c == 0xc2 && i + 1 < n &&
					      (unsigned char)utf8[i + 1] >= 0x80 &&
					      (unsigned char)utf8[i + 1] <= 0x9f))
			return 0;
	}
	e->text = xrealloc(e->text, e->len + n + 1);
	memmove(e->text + e->pos + n, e->text + e->pos, e->len - e->pos + 1);
	memcpy(e->text + e->pos, utf8, n);
	e->len += n;
	e->pos += n;
	return 1;
}

/* The start of the character before byte offset pos. */
static size_t
edit_prev(const struct edit *e, size_t pos)
{
	while (pos > 0) {
		pos--;
		if (((unsigned char)e->text[pos] & 0xc0) != 0x80)
			break;
	}
	return pos;
}

/* The start of the character after the one at pos. */
static size_t
edit_next(const struct edit *e, size_t pos)
{
	unsigned int cp;

	if (pos >= e->len)
		return e->len;
	return pos + text_decode(e->text + pos, e->len - pos, &cp);
}

/* Removes the bytes [from, to). */
static void
edit_cut(struct edit *e, size_t from, size_t to)
{
	memmove(e->text + from, e->text + to, e->len - to + 1);
	e->len -= to - from;
	e->pos = from;
}

int
edit_backspace(struct edit *e)
{
	if (e->text == NULL || e->pos == 0)
		return 0;
	edit_cut(e, edit_prev(e, e->pos), e->pos);
	return 1;
}

int
edit_delete(struct edit *e)
{
	if (e->text == NULL || e->pos >= e->len)
		return 0;
	edit_cut(e, e->pos, edit_next(e, e->pos));
	return 1;
}

void
edit_left(struct edit *e)
{
	if (e->text != NULL)
		e->pos = edit_prev(e, e->pos);
}

void
edit_right(struct edit *e)
{
	if (e->text != NULL)
		e->pos = edit_next(e, e->pos);
}

void
edit_home(struct edit *e)
{
	e->pos = 0;
}

void
edit_end(struct edit *e)
{
	e->pos = e->len;
}
