/*
 * Fuzzes the sanitiser that all network text passes through.  Beyond not
 * crashing, it checks the promises of text.h: the result is valid UTF-8,
 * holds no control character (no ESC above all) and is a fixed point.
 */
#include <stdlib.h>
#include <string.h>

#include "../../shared/text.h"
#include "fuzz.h"

static void
fuzz_text_check(const char *s, int flags)
{
	size_t len = strlen(s), i;
	char *again;

	if (!text_valid_utf8(s, len))
		abort();
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 && !(c == '\n' && (flags & TEXT_MULTILINE))) || c == 0x7f)
			abort();
		/* C1 controls encoded in UTF-8: C2 80 .. C2 9F. */
		if (c == 0xc2 && i + 1 < len && (unsigned char)s[i + 1] >= 0x80 &&
		    (unsigned char)s[i + 1] <= 0x9f)
			abort();
	}
	again = text_clean(s, len, flags);
	if (strcmp(again, s) != 0)
		abort();
	free(again);
	if (text_fit(s, 10) > len)
		abort();
	(void)text_width(s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *one = text_clean((const char *)data, size, 0);
	char *multi = text_clean((const char *)data, size, TEXT_MULTILINE);

	(void)text_valid_utf8((const char *)data, size);
	fuzz_text_check(one, 0);
	fuzz_text_check(multi, TEXT_MULTILINE);
	free(one);
	free(multi);
	return 0;
}
