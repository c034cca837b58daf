/*
 * text: everything that came from the network passes text_clean before it is
 * stored or shown.  The result is valid UTF-8 with no control characters: no
 * C0 (other than newline where allowed), no DEL, no C1, no terminal escape
 * sequence (CSI, OSC, DCS, SOS, PM, APC and two-byte escapes are removed
 * whole, not just their ESC), and no bidirectional override characters.
 * Invalid UTF-8 becomes U+FFFD.  Tabs become a space.
 */
#ifndef MYNA_TEXT_H
#define MYNA_TEXT_H

#include <stddef.h>

#define TEXT_MULTILINE 0x1	/* keep "\n" (CR LF and lone CR become "\n") */

/* Returns 1 if s[0..len) is valid UTF-8 (no overlongs, surrogates or
 * values past U+10FFFF), else 0. */
int text_valid_utf8(const char *s, size_t len);

/* Returns a newly allocated clean copy of s[0..len); the caller frees it. */
char *text_clean(const char *s, size_t len, int flags);

/* Decodes one UTF-8 character at s (at most len bytes) into *cp; returns its
 * length in bytes, or 0 at the end; invalid input yields U+FFFD and length 1. */
size_t text_decode(const char *s, size_t len, unsigned int *cp);

/* Terminal columns that the (clean) UTF-8 string s takes, using wcwidth:
 * 2 for most Japanese characters.  Needs a UTF-8 LC_CTYPE (see i18n_init). */
int text_width(const char *s);

/* Returns the number of bytes of s that fit in cols columns without cutting
 * a character. */
size_t text_fit(const char *s, int cols);

/* Returns s followed by the blanks that make it cols columns wide (as
 * text_width counts them: a Japanese character is 2), newly allocated;
 * s as it is when it is that wide already. */
char *text_pad(const char *s, int cols);

#endif
