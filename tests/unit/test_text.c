/*
 * Unit tests for shared/text.c: UTF-8 checking, cleaning of hostile text,
 * display widths.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

/* Cleans the C string s (without its NUL) and compares with want. */
static void check_clean(const char *s, int flags, const char *want)
{
	char *got = text_clean(s, strlen(s), flags);

	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void check_clean_n(const char *s, size_t len, int flags, const char *want)
{
	char *got = text_clean(s, len, flags);

	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

#define VALID(lit) text_valid_utf8(lit, sizeof(lit) - 1)

static void test_valid_utf8(void **state)
{
	(void)state;
	assert_true(text_valid_utf8("", 0));
	assert_true(VALID("plain ASCII"));
	assert_true(VALID("マイナポータル"));
	assert_true(VALID("\x00"));             /* NUL is a character */
	assert_true(VALID("\xc2\x80"));         /* U+0080 */
	assert_true(VALID("\xdf\xbf"));         /* U+07FF */
	assert_true(VALID("\xe0\xa0\x80"));     /* U+0800 */
	assert_true(VALID("\xed\x9f\xbf"));     /* U+D7FF */
	assert_true(VALID("\xee\x80\x80"));     /* U+E000 */
	assert_true(VALID("\xef\xbf\xbd"));     /* U+FFFD */
	assert_true(VALID("\xf0\x90\x80\x80")); /* U+10000 */
	assert_true(VALID("\xf0\x9f\x98\x80")); /* emoji */
	assert_true(VALID("\xf4\x8f\xbf\xbf")); /* U+10FFFF */

	/* overlong forms */
	assert_false(VALID("\xc0\xaf"));
	assert_false(VALID("\xc1\xbf"));
	assert_false(VALID("\xe0\x80\xaf"));
	assert_false(VALID("\xe0\x9f\xbf"));
	assert_false(VALID("\xf0\x80\x80\xaf"));
	assert_false(VALID("\xf0\x8f\xbf\xbf"));
	/* surrogates */
	assert_false(VALID("\xed\xa0\x80"));
	assert_false(VALID("\xed\xbf\xbf"));
	/* past U+10FFFF */
	assert_false(VALID("\xf4\x90\x80\x80"));
	assert_false(VALID("\xf5\x80\x80\x80"));
	assert_false(VALID("\xf8\x88\x80\x80\x80"));
	assert_false(VALID("\xff"));
	assert_false(VALID("\xfe"));
	/* stray continuation bytes and cut sequences */
	assert_false(VALID("\x80"));
	assert_false(VALID("a\xbf"));
	assert_false(VALID("\xe3\x81"));
	assert_false(VALID("\xf0\x9f\x98"));
	assert_false(VALID("\xc2"));
	assert_false(VALID("\xe3\x41\x81")); /* ASCII inside */
	assert_false(VALID("\xe3\x81\xc2\x80"));
	/* the length is honoured: a valid prefix of a cut sequence */
	assert_true(text_valid_utf8("ab\xe3\x81\x82", 2));
	assert_false(text_valid_utf8("ab\xe3\x81\x82", 4));
	assert_true(text_valid_utf8("ab\xe3\x81\x82", 5));
}

static void test_decode(void **state)
{
	unsigned int cp = 1;

	(void)state;
	assert_int_equal(text_decode("", 0, &cp), 0);
	assert_int_equal(text_decode("A", 1, &cp), 1);
	assert_int_equal(cp, 'A');
	assert_int_equal(text_decode("\xc3\xa9", 2, &cp), 2);
	assert_int_equal(cp, 0xE9);
	assert_int_equal(text_decode("\xe6\x97\xa5", 3, &cp), 3); /* 日 */
	assert_int_equal(cp, 0x65E5);
	assert_int_equal(text_decode("\xf0\x9f\x98\x80", 4, &cp), 4);
	assert_int_equal(cp, 0x1F600);
	assert_int_equal(text_decode("\xf4\x8f\xbf\xbf", 4, &cp), 4);
	assert_int_equal(cp, 0x10FFFF);
	/* invalid input: U+FFFD, one byte */
	assert_int_equal(text_decode("\xff", 1, &cp), 1);
	assert_int_equal(cp, 0xFFFD);
	assert_int_equal(text_decode("\xc0\xaf", 2, &cp), 1);
	assert_int_equal(cp, 0xFFFD);
	assert_int_equal(text_decode("\xed\xa0\x80", 3, &cp), 1);
	assert_int_equal(cp, 0xFFFD);
	assert_int_equal(text_decode("\x80", 1, &cp), 1);
	assert_int_equal(cp, 0xFFFD);
	/* a sequence longer than len is cut, hence invalid */
	assert_int_equal(text_decode("\xe6\x97\xa5", 2, &cp), 1);
	assert_int_equal(cp, 0xFFFD);
	/* U+FFFD itself decodes normally */
	assert_int_equal(text_decode("\xef\xbf\xbd", 3, &cp), 3);
	assert_int_equal(cp, 0xFFFD);
}

static void test_clean_plain(void **state)
{
	(void)state;
	check_clean("", 0, "");
	check_clean_n("abc", 0, TEXT_MULTILINE, "");
	check_clean("Hello, world!", 0, "Hello, world!");
	check_clean("マイナンバーカードの電子証明書の有効期限が近づいています。", 0,
	            "マイナンバーカードの電子証明書の有効期限が近づいています。");
	check_clean("全角　スペース　と　ＡＢＣ", 0, "全角　スペース　と　ＡＢＣ");
	check_clean("\xf0\x9f\x98\x80 emoji", 0, "\xf0\x9f\x98\x80 emoji");
	check_clean("U+00A0:\xc2\xa0.", 0, "U+00A0:\xc2\xa0."); /* not C1 */
	check_clean("\xef\xbf\xbd", 0, "\xef\xbf\xbd");
	/* only len bytes are read */
	check_clean_n("abcdef", 3, 0, "abc");
}

static void test_clean_c0_del(void **state)
{
	(void)state;
	check_clean_n("a\0b", 3, 0, "ab");
	check_clean("\x01\x02\x03\x04\x05\x06\x07\x08x\x0b\x0c\x0e\x0f", 0, "x");
	check_clean("\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1c\x1d\x1e\x1fy", 0, "y");
	check_clean("a\x7f"
	            "b",
	            0, "ab");
	check_clean("a\x08\x08\x08xyz", 0, "axyz");
	check_clean("a\tb\t\tc", 0, "a b  c");
	check_clean("a\tb", TEXT_MULTILINE, "a b");
}

static void test_clean_newlines(void **state)
{
	(void)state;
	check_clean("a\nb", TEXT_MULTILINE, "a\nb");
	check_clean("a\r\nb", TEXT_MULTILINE, "a\nb");
	check_clean("a\rb", TEXT_MULTILINE, "a\nb");
	check_clean("a\r\rb", TEXT_MULTILINE, "a\n\nb");
	check_clean("a\r\r\nb", TEXT_MULTILINE, "a\n\nb");
	check_clean("a\n\rb", TEXT_MULTILINE, "a\n\nb");
	check_clean("a\r", TEXT_MULTILINE, "a\n");
	check_clean("一行目\r\n二行目\n", TEXT_MULTILINE, "一行目\n二行目\n");
	/* Without TEXT_MULTILINE a line break becomes a space, so that words
	 * on two lines do not run together. */
	check_clean("a\nb", 0, "a b");
	check_clean("a\r\nb", 0, "a b");
	check_clean("a\rb", 0, "a b");
	check_clean("line\n", 0, "line ");
	check_clean("x\x0by", TEXT_MULTILINE, "xy"); /* VT is no line break */
}

static void test_clean_csi(void **state)
{
	(void)state;
	check_clean("a\x1b[31mred\x1b[0m b", 0, "ared b");
	check_clean("\x1b[1;31;42mx\x1b[m", 0, "x");
	check_clean("\x1b[?25lhidden cursor\x1b[?25h", 0, "hidden cursor");
	check_clean("\x1b[2Jclear", 0, "clear");
	check_clean("\x1b[2 qshape", 0, "shape"); /* intermediate byte */
	check_clean("\x1b[>0;1cx", 0, "x");
	check_clean("a\x1b[@b", 0, "ab"); /* final byte 0x40 */
	check_clean("a\x1b[~b", 0, "ab"); /* final byte 0x7E */
	check_clean("\x1b[1m日本語\x1b[0m", 0, "日本語");
	check_clean("\x1b[6n", 0, "");                        /* report request */
	check_clean("\x1b]52;c;SGVsbG8=\x07safe", 0, "safe"); /* clipboard */
	/* cut off at the end: dropped whole */
	check_clean("abc\x1b[31", 0, "abc");
	check_clean("abc\x1b[", 0, "abc");
	check_clean("abc\x1b[1;2;3;", 0, "abc");
	check_clean("abc\x1b[ ", 0, "abc");
	/* broken off by something that cannot be in a CSI */
	check_clean("a\x1b[3\nb", TEXT_MULTILINE, "a\nb");
	check_clean("a\x1b[3日本", 0, "a日本");
	check_clean("a\x1b[3\x1b[1mb", 0, "ab");
	check_clean("a\x1b[3\x7f"
	            "b",
	            0, "ab");
}

static void test_clean_osc(void **state)
{
	(void)state;
	check_clean("a\x1b]0;window title\x07"
	            "b",
	            0, "ab");
	check_clean("a\x1b]2;タイトル\x07"
	            "b",
	            0, "ab");
	check_clean("a\x1b]0;title\x1b\\b", 0, "ab");
	check_clean("\x1b]8;;https://example.org/\x1b\\link\x1b]8;;\x1b\\", 0, "link");
	/* ended by the C1 ST in its UTF-8 form */
	check_clean("a\x1b]0;t\xc2\x9c"
	            "b",
	            0, "ab");
	/* cut off */
	check_clean("a\x1b]0;title", 0, "a");
	check_clean("a\x1b]", 0, "a");
	check_clean("a\x1b]0;title\x1b", 0, "a");
	/* ESC that is not ST ends the OSC and is cleaned itself */
	check_clean("a\x1b]0;t\x1b[31mb", 0, "ab");
	/* a newline inside an OSC is part of it */
	check_clean("a\x1b]0;x\ny\x07"
	            "b",
	            TEXT_MULTILINE, "ab");
}

static void test_clean_strings(void **state)
{
	(void)state;
	/* DCS, SOS, PM, APC: ended only by ST */
	check_clean("a\x1bPq#0;2;0;0;0#0~~\x1b\\b", 0, "ab");
	check_clean("a\x1bP1$r\x07x\x1b\\b", 0, "ab"); /* BEL does not end a DCS */
	check_clean("a\x1bXsos string\x1b\\b", 0, "ab");
	check_clean("a\x1b^privacy message\x1b\\b", 0, "ab");
	check_clean("a\x1b_application command\x1b\\b", 0, "ab");
	check_clean("a\x1b_G\xe6\x97\xa5\x1b\\b", 0, "ab");
	check_clean("a\x1bPdata\xc2\x9c"
	            "b",
	            0, "ab");
	/* cut off */
	check_clean("a\x1bPdata", 0, "a");
	check_clean("a\x1bP", 0, "a");
	check_clean("a\x1b_x\x1b", 0, "a");
	check_clean("a\x1bX\x07\x07", 0, "a");
}

static void test_clean_short_escapes(void **state)
{
	(void)state;
	check_clean("a\x1b"
	            "7b\x1b"
	            "8c",
	            0, "abc"); /* save/restore */
	check_clean("a\x1b"
	            "cb",
	            0, "ab"); /* full reset */
	check_clean("a\x1b=b\x1b>c", 0, "abc");
	check_clean("a\x1bMb", 0, "ab");
	check_clean("\x1b(Bx\x1b)0y", 0, "xy"); /* charsets */
	check_clean("\x1b#8x", 0, "x");
	check_clean("\x1b%Gx", 0, "x");
	check_clean("a\x1b", 0, "a");  /* lone ESC at end */
	check_clean("a\x1b(", 0, "a"); /* cut off */
	/* ESC before something that cannot end an escape: only ESC goes */
	check_clean("a\x1b日b", 0, "a日b");
	check_clean("a\x1b\x07"
	            "b",
	            0, "ab");
	check_clean("a\x1b\nb", TEXT_MULTILINE, "a\nb");
	check_clean("\x1b\x1b[1mx", 0, "x");
	check_clean("a\x1b\x7f"
	            "b",
	            0, "ab");
}

static void test_clean_c1(void **state)
{
	(void)state;
	/* 8-bit CSI, OSC, DCS, SOS, PM, APC in their UTF-8 form */
	check_clean("a\xc2\x9b"
	            "31mb",
	            0, "ab");
	check_clean("a\xc2\x9b?1049hb", 0, "ab");
	check_clean("a\xc2\x9d"
	            "0;title\x07"
	            "b",
	            0, "ab");
	check_clean("a\xc2\x9d"
	            "0;title\xc2\x9c"
	            "b",
	            0, "ab");
	check_clean("a\xc2\x9d"
	            "0;title\x1b\\b",
	            0, "ab");
	check_clean("a\xc2\x90q\x07x\xc2\x9c"
	            "b",
	            0, "ab");
	check_clean("a\xc2\x98sos\xc2\x9c"
	            "b",
	            0, "ab");
	check_clean("a\xc2\x9epm\xc2\x9c"
	            "b",
	            0, "ab");
	check_clean("a\xc2\x9f"
	            "apc\xc2\x9c"
	            "b",
	            0, "ab");
	check_clean("a\xc2\x9b"
	            "31",
	            0, "a"); /* cut off */
	check_clean("a\xc2\x9d"
	            "0;t",
	            0, "a");
	/* other C1 controls go on their own */
	check_clean("a\xc2\x80"
	            "b\xc2\x85"
	            "c\xc2\x8e"
	            "d\xc2\x9c"
	            "e\xc2\x9a"
	            "f",
	            0, "abcdef");
	/* the raw 8-bit bytes are not UTF-8: each becomes U+FFFD */
	check_clean("a\x9b"
	            "31mb",
	            0,
	            "a\xef\xbf\xbd"
	            "31mb");
}

static void test_clean_bidi(void **state)
{
	(void)state;
	check_clean("a\xe2\x80\xaa"
	            "b",
	            0, "ab"); /* U+202A LRE */
	check_clean("a\xe2\x80\xab"
	            "b",
	            0, "ab"); /* U+202B RLE */
	check_clean("a\xe2\x80\xac"
	            "b",
	            0, "ab"); /* U+202C PDF */
	check_clean("a\xe2\x80\xad"
	            "b",
	            0, "ab"); /* U+202D LRO */
	check_clean("a\xe2\x80\xae"
	            "b",
	            0, "ab"); /* U+202E RLO */
	check_clean("a\xe2\x81\xa6"
	            "b",
	            0, "ab"); /* U+2066 LRI */
	check_clean("a\xe2\x81\xa7"
	            "b",
	            0, "ab"); /* U+2067 RLI */
	check_clean("a\xe2\x81\xa8"
	            "b",
	            0, "ab"); /* U+2068 FSI */
	check_clean("a\xe2\x81\xa9"
	            "b",
	            0, "ab"); /* U+2069 PDI */
	/* neighbours stay */
	check_clean("a\xe2\x80\xa9"
	            "b",
	            0,
	            "a\xe2\x80\xa9"
	            "b"); /* U+2029 */
	check_clean("a\xe2\x80\xaf"
	            "b",
	            0,
	            "a\xe2\x80\xaf"
	            "b"); /* U+202F */
	check_clean("a\xe2\x81\xa5"
	            "b",
	            0,
	            "a\xe2\x81\xa5"
	            "b"); /* U+2065 */
	check_clean("a\xe2\x81\xaa"
	            "b",
	            0,
	            "a\xe2\x81\xaa"
	            "b"); /* U+206A */
	check_clean("invoice_\xe2\x80\xae"
	            "fdp.exe",
	            0, "invoice_fdp.exe");
}

static void test_clean_invalid(void **state)
{
	(void)state;
	check_clean("a\xff"
	            "b",
	            0,
	            "a\xef\xbf\xbd"
	            "b");
	check_clean("\xc0\xaf", 0, "\xef\xbf\xbd\xef\xbf\xbd");
	check_clean("\xed\xa0\x80", 0, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	check_clean("\xf4\x90\x80\x80", 0, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	/* a character cut at the end of the input */
	check_clean("日本\xe8\xaa", 0, "日本\xef\xbf\xbd\xef\xbf\xbd");
	/* a cut character followed by valid text: the text survives */
	check_clean("\xe6\x97"
	            "abc",
	            0,
	            "\xef\xbf\xbd\xef\xbf\xbd"
	            "abc");
	check_clean("\xe6\x97日", 0, "\xef\xbf\xbd\xef\xbf\xbd日");
	/* Shift_JIS bytes for "日本" */
	check_clean("\x93\xfa\x96\x7b", 0, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd{");
}

/* Checks that s is what text_clean promises: valid UTF-8 with no control
 * characters (but newlines when multiline), no bidi controls. */
static void check_is_clean(const char *s, int multiline)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), i;

	assert_true(text_valid_utf8(s, len));
	for (i = 0; i < len; i++) {
		if (p[i] == '\n' && multiline)
			continue;
		assert_false(p[i] < 0x20 || p[i] == 0x7F);
		if (p[i] == 0xC2)
			assert_false(p[i + 1] >= 0x80 && p[i + 1] <= 0x9F);
		if (p[i] == 0xE2 && p[i + 1] == 0x80)
			assert_false(p[i + 2] >= 0xAA && p[i + 2] <= 0xAE);
		if (p[i] == 0xE2 && p[i + 1] == 0x81)
			assert_false(p[i + 2] >= 0xA6 && p[i + 2] <= 0xA9);
	}
}

/* Random input built from the pieces that matter (escape introducers,
 * terminators, C1 forms, parts of characters): whatever comes in, what comes
 * out is clean, and cleaning again changes nothing. */
static void test_clean_random(void **state)
{
	static const char *const pieces[] = {
	        "\x1b",
	        "[",
	        "]",
	        "P",
	        "X",
	        "^",
	        "_",
	        "\\",
	        "\x07",
	        "\r",
	        "\n",
	        "\t",
	        "\x7f",
	        "\xc2\x9b",
	        "\xc2\x9d",
	        "\xc2\x9c",
	        "\xc2\x90",
	        "\xc2\x85",
	        "\xc2",
	        "\xe6\x97",
	        "\xe6\x97\xa5",
	        "\xe2\x80\xae",
	        "\xe2\x81\xa6",
	        "\xff",
	        "\x80",
	        "0",
	        ";",
	        "m",
	        "a",
	        " ",
	        "(",
	        "\xf0\x9f\x98\x80",
	        "\xf0\x9f",
	        "\xed\xa0\x80",
	        "\x00",
	};
	unsigned int seed = 12345;
	char in[256];
	int round, flags;

	(void)state;
	for (round = 0; round < 20000; round++) {
		size_t len = 0, plen;
		char *once, *twice;

		while (len < sizeof in - 8) {
			const char *pc;

			seed = seed * 1103515245u + 12345u;
			if ((seed >> 16) % 40 == 0)
				break;
			pc = pieces[(seed >> 8) % (sizeof pieces / sizeof pieces[0])];
			plen = pc[0] == '\0' ? 1 : strlen(pc);
			memcpy(in + len, pc, plen);
			len += plen;
		}
		flags = round % 2 ? TEXT_MULTILINE : 0;
		once = text_clean(in, len, flags);
		check_is_clean(once, flags);
		twice = text_clean(once, strlen(once), flags);
		assert_string_equal(once, twice);
		free(once);
		free(twice);
	}
}

static void test_width(void **state)
{
	(void)state;
	assert_int_equal(text_width(""), 0);
	assert_int_equal(text_width("abc"), 3);
	assert_int_equal(text_width("日本語"), 6);
	assert_int_equal(text_width("ﾏｲﾅ"), 3);       /* half-width kana */
	assert_int_equal(text_width("ＡＢ"), 4);      /* full-width Latin */
	assert_int_equal(text_width("e\xcc\x81"), 1); /* combining accent */
	assert_int_equal(text_width("a日b"), 4);
	assert_int_equal(text_width("\x01"), 0);             /* unprintable: 0 */
	assert_int_equal(text_width("\xf0\x9f\x98\x80"), 2); /* emoji */
}

static void test_fit(void **state)
{
	const char *ja = "日本語";

	(void)state;
	assert_int_equal(text_fit(ja, 100), 9);
	assert_int_equal(text_fit(ja, 6), 9);
	assert_int_equal(text_fit(ja, 5), 6); /* never half a character */
	assert_int_equal(text_fit(ja, 4), 6);
	assert_int_equal(text_fit(ja, 3), 3);
	assert_int_equal(text_fit(ja, 1), 0);
	assert_int_equal(text_fit(ja, 0), 0);
	assert_int_equal(text_fit(ja, -1), 0);
	assert_int_equal(text_fit("abc", 2), 2);
	assert_int_equal(text_fit("", 5), 0);
	assert_int_equal(text_fit("a日", 2), 1);
	/* a combining mark stays with its base character */
	assert_int_equal(text_fit("e\xcc\x81x", 1), 3);
	assert_int_equal(text_fit("\xf0\x9f\x98\x80x", 2), 4);
	assert_int_equal(text_fit("\xf0\x9f\x98\x80x", 1), 0);
}

static int setup_locale(void **state)
{
	(void)state;
	/* wcwidth needs a UTF-8 LC_CTYPE. */
	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL)
		return -1;
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_valid_utf8),
	        cmocka_unit_test(test_decode),
	        cmocka_unit_test(test_clean_plain),
	        cmocka_unit_test(test_clean_c0_del),
	        cmocka_unit_test(test_clean_newlines),
	        cmocka_unit_test(test_clean_csi),
	        cmocka_unit_test(test_clean_osc),
	        cmocka_unit_test(test_clean_strings),
	        cmocka_unit_test(test_clean_short_escapes),
	        cmocka_unit_test(test_clean_c1),
	        cmocka_unit_test(test_clean_bidi),
	        cmocka_unit_test(test_clean_invalid),
	        cmocka_unit_test(test_clean_random),
	        cmocka_unit_test(test_width),
	        cmocka_unit_test(test_fit),
	};

	return cmocka_run_group_tests(tests, setup_locale, NULL);
}
