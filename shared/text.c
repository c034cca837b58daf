/*
 * text: UTF-8 checking and cleaning of text from outside (see text.h).
 */
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "buf.h"
#include "mem.h"
#include "text.h"

#define TEXT_REPLACEMENT 0xFFFDu

/* Decodes one well-formed UTF-8 sequence at s (len > 0 bytes); returns its
 * length, or 0 when the bytes there are not valid UTF-8 (stray continuation
 * byte, overlong form, surrogate, past U+10FFFF, cut short). */
static size_t text_utf8_seq(const unsigned char *s, size_t len, unsigned int *cp)
{
	unsigned int c = s[0];
	unsigned char lo = 0x80, hi = 0xBF;
	size_t n, i;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		n = 2;
		c &= 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3;
		if (c == 0xE0)
			lo = 0xA0; /* overlong */
		else if (c == 0xED)
			hi = 0x9F; /* surrogates */
		c &= 0x0F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4;
		if (c == 0xF0)
			lo = 0x90; /* overlong */
		else if (c == 0xF4)
			hi = 0x8F; /* past U+10FFFF */
		c &= 0x07;
	} else {
		return 0; /* continuation byte, C0/C1 overlong, F5..FF */
	}
	if (len < n)
		return 0;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3F);
	}
	*cp = c;
	return n;
}

int text_valid_utf8(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned int cp;
	size_t n;

	while (len > 0) {
		n = text_utf8_seq(p, len, &cp);
		if (n == 0)
			return 0;
		p += n;
		len -= n;
	}
	return 1;
}

size_t text_decode(const char *s, size_t len, unsigned int *cp)
{
	size_t n;

	if (len == 0) {
		*cp = 0;
		return 0;
	}
	n = text_utf8_seq((const unsigned char *)s, len, cp);
	if (n == 0) {
		*cp = TEXT_REPLACEMENT;
		return 1;
	}
	return n;
}

/* Appends code point cp as UTF-8. */
static void text_put(struct buf *b, unsigned int cp)
{
	char u[4];
	size_t n;

	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xC0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xE0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		u[0] = (char)(0xF0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[3] = (char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	buf_add(b, u, n);
}

/* Kinds of escape sequence, by what ends them. */
enum text_seq {
	TEXT_SEQ_CSI,    /* parameters, then a final byte 0x40..0x7E */
	TEXT_SEQ_OSC,    /* a string ended by BEL or ST */
	TEXT_SEQ_STRING, /* DCS, SOS, PM, APC: a string ended by ST */
};

#define TEXT_ESC 0x1B
#define TEXT_C1_ST 0x9Cu

/*
 * Returns how many bytes from s (the first byte after the introducer) belong
 * to a sequence of the given kind, or, when the input ends before the
 * sequence does, all remaining bytes (a cut sequence is dropped whole).
 * A sequence broken off by something that cannot be part of it (a control
 * or ESC inside CSI, ESC not followed by '\' inside a string) ends just before
 * that byte, which is then cleaned on its own, as a terminal would do.
 */
static size_t text_seq_len(const unsigned char *s, size_t len, enum text_seq kind)
{
	unsigned int cp;
	size_t i = 0, n;

	while (i < len) {
		if (kind == TEXT_SEQ_CSI) {
			if (s[i] >= 0x40 && s[i] <= 0x7E)
				return i + 1;
			if (s[i] >= 0x20 && s[i] <= 0x3F) {
				i++;
				continue;
			}
			return i;
		}
		if (s[i] == 0x07 && kind == TEXT_SEQ_OSC)
			return i + 1;
		if (s[i] == TEXT_ESC) {
			if (i + 1 == len)
				return len;
			if (s[i + 1] == '\\')
				return i + 2;
			return i;
		}
		n = text_utf8_seq(s + i, len - i, &cp);
		if (n > 0 && cp == TEXT_C1_ST)
			return i + n;
		i += n > 0 ? n : 1;
	}
	return len;
}

/* Returns the number of bytes of the escape sequence starting with ESC at
 * s[0] (len >= 1), all of which are dropped. */
static size_t text_esc_len(const unsigned char *s, size_t len)
{
	size_t i;

	if (len < 2)
		return len;
	switch (s[1]) {
	case '[':
		return 2 + text_seq_len(s + 2, len - 2, TEXT_SEQ_CSI);
	case ']':
		return 2 + text_seq_len(s + 2, len - 2, TEXT_SEQ_OSC);
	case 'P':
	case 'X':
	case '^':
	case '_':
		return 2 + text_seq_len(s + 2, len - 2, TEXT_SEQ_STRING);
	}
	/* Other escapes: intermediates 0x20..0x2F, then one final byte
	 * 0x30..0x7E (ESC ( B, ESC 7, ESC c ...).  Anything else ends the
	 * escape, leaving that byte to be cleaned on its own. */
	for (i = 1; i < len && s[i] >= 0x20 && s[i] <= 0x2F; i++)
		;
	if (i == len)
		return len;
	if (s[i] >= 0x30 && s[i] <= 0x7E)
		return i + 1;
	return i;
}

/* Bidirectional embedding, override and isolate controls, which can make
 * text display in an order other than the one it is stored in. */
static int text_is_bidi_control(unsigned int cp)
{
	return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

char *text_clean(const char *s, size_t len, int flags)
{
	const unsigned char *p = (const unsigned char *)s;
	struct buf b;
	unsigned int cp;
	size_t i = 0, n;
	char nl = (flags & TEXT_MULTILINE) ? '\n' : ' ';

	buf_init(&b, 0);
	while (i < len) {
		unsigned char c = p[i];

		if (c == TEXT_ESC) {
			i += text_esc_len(p + i, len - i);
			continue;
		}
		if (c == '\r') {
			/* CR LF and a lone CR are one line break. */
			buf_addch(&b, nl);
			i += (i + 1 < len && p[i + 1] == '\n') ? 2 : 1;
			continue;
		}
		if (c == '\n') {
			buf_addch(&b, nl);
			i++;
			continue;
		}
		if (c == '\t') {
			buf_addch(&b, ' ');
			i++;
			continue;
		}
		if (c < 0x20 || c == 0x7F) {
			i++;
			continue;
		}
		n = text_utf8_seq(p + i, len - i, &cp);
		if (n == 0) {
			text_put(&b, TEXT_REPLACEMENT);
			i++;
			continue;
		}
		i += n;
		if (cp >= 0x80 && cp <= 0x9F) {
			/* C1 controls in their UTF-8 form; the ones that
			 * introduce a sequence take it with them. */
			switch (cp) {
			case 0x9B: /* CSI */
				i += text_seq_len(p + i, len - i, TEXT_SEQ_CSI);
				break;
			case 0x9D: /* OSC */
				i += text_seq_len(p + i, len - i, TEXT_SEQ_OSC);
				break;
			case 0x90: /* DCS */
			case 0x98: /* SOS */
			case 0x9E: /* PM */
			case 0x9F: /* APC */
				i += text_seq_len(p + i, len - i, TEXT_SEQ_STRING);
				break;
			}
			continue;
		}
		if (text_is_bidi_control(cp))
			continue;
		text_put(&b, cp);
	}
	/* The buffer's storage is the result. */
	return buf_take(&b);
}

/* Columns of code point cp; unprintable characters take none. */
static int text_cp_width(unsigned int cp)
{
	int w = wcwidth((wchar_t)cp);

	return w < 0 ? 0 : w;
}

int text_width(const char *s)
{
	size_t len = strlen(s), n;
	unsigned int cp;
	int w = 0;

	while ((n = text_decode(s, len, &cp)) > 0) {
		w += text_cp_width(cp);
		s += n;
		len -= n;
	}
	return w;
}

size_t text_fit(const char *s, int cols)
{
	size_t len = strlen(s), used = 0, n;
	unsigned int cp;
	int w = 0, cw;

	if (cols < 0)
		return 0;
	while ((n = text_decode(s + used, len - used, &cp)) > 0) {
		cw = text_cp_width(cp);
		if (w + cw > cols)
			break;
		w += cw;
		used += n;
	}
	return used;
}

char *text_pad(const char *s, int cols)
{
	int w = text_width(s), pad = cols > w ? cols - w : 0;
	size_t len = strlen(s);
	char *r = xmalloc(len + (size_t)pad + 1);

	memcpy(r, s, len);
	memset(r + len, ' ', (size_t)pad);
	r[len + (size_t)pad] = '\0';
	return r;
}
