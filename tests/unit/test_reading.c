/*
 * Unit tests for shared/reading.c: the corpus of notice phrasing in
 * tests/data/readings.tsv (at least 95% read exactly as people say it, and
 * never a kanji in any reading), and the rules for numbers, dates, times,
 * counters, phone numbers, Latin words and hostile input.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "mem.h"
#include "reading.h"
#include "text.h"

#define CORPUS "tests/data/readings.tsv"

static struct reading *reader;

static int
setup(void **state)
{
	char *cause = NULL;

	(void)state;
	reader = reading_open(NULL, &cause);
	if (reader == NULL) {
		printf("# MeCab cannot be opened: %s\n", cause);
		free(cause);
		return -1;
	}
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	reading_close(reader);
	return 0;
}

/* Katakana to hiragana, without spaces and the pauses 、。！？. */
static char *
norm(const char *s)
{
	struct buf b;
	unsigned int cp;
	size_t n, len = strlen(s);
	char tmp[8];

	buf_init(&b, 0);
	buf_addstr(&b, "");
	while ((n = text_decode(s, len, &cp)) > 0) {
		s += n;
		len -= n;
		if (cp == ' ' || cp == 0x3001 || cp == 0x3002 || cp == 0xFF01 || cp == 0xFF1F)
			continue;
		if (cp >= 0x30A1 && cp <= 0x30F6)
			cp -= 0x60;
		if (cp < 0x80) {
			buf_addch(&b, (char)cp);
		} else if (cp < 0x800) {
			tmp[0] = (char)(0xC0 | (cp >> 6));
			tmp[1] = (char)(0x80 | (cp & 0x3F));
			buf_add(&b, tmp, 2);
		} else {
			tmp[0] = (char)(0xE0 | (cp >> 12));
			tmp[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
			tmp[2] = (char)(0x80 | (cp & 0x3F));
			buf_add(&b, tmp, 3);
		}
	}
	return buf_take(&b);
}

/* Does s hold a kanji or a digit (which the contract forbids)? */
static int
has_kanji_or_digit(const char *s)
{
	unsigned int cp;
	size_t n, len = strlen(s);

	while ((n = text_decode(s, len, &cp)) > 0) {
		if (reading_is_kanji(cp) || (cp >= '0' && cp <= '9'))
			return 1;
		s += n;
		len -= n;
	}
	return 0;
}

/* Only what the contract allows: kana, pauses, spaces, ASCII words. */
static int
only_allowed(const char *s)
{
	unsigned int cp;
	size_t n, len = strlen(s);

	while ((n = text_decode(s, len, &cp)) > 0) {
		if (!(reading_is_kana(cp) || cp == ' ' || cp == 0x3001 || cp == 0x3002 ||
		      cp == 0xFF01 || cp == 0xFF1F || (cp >= 'A' && cp <= 'Z') ||
		      (cp >= 'a' && cp <= 'z') || (cp < 0x80 && strchr("-'._@/", (int)cp) && cp)))
			return 0;
		s += n;
		len -= n;
	}
	return 1;
}

/* Reads text and compares with want after normalising both. */
#define READS(text, want) check_reads(reader, text, want, __LINE__)

static void
check_reads(struct reading *r, const char *text, const char *want, int line)
{
	char *got = reading_of(r, text), *g = norm(got), *w = norm(want);

	if (strcmp(g, w) != 0)
		printf("# line %d: %s\n#   got:  %s\n#   want: %s\n", line, text, got, want);
	assert_string_equal(g, w);
	assert_false(has_kanji_or_digit(got));
	assert_true(only_allowed(got));
	free(got);
	free(g);
	free(w);
}

/* Reads exactly (spaces and pauses included). */
static void
check_exact(const char *text, const char *want)
{
	char *got = reading_of(reader, text);

	assert_string_equal(got, want);
	free(got);
}

static void
test_corpus(void **state)
{
	FILE *f = fopen(CORPUS, "r");
	char *line = NULL, *tab, *got, *g, *w;
	size_t cap = 0, total = 0, exact = 0, kanji = 0;
	ssize_t n;

	(void)state;
	assert_non_null(f);
	while ((n = getline(&line, &cap, f)) > 0) {
		if (line[n - 1] == '\n')
			line[--n] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		tab = strchr(line, '\t');
		assert_non_null(tab);
		*tab = '\0';
		got = reading_of(reader, line);
		g = norm(got);
		w = norm(tab + 1);
		total++;
		if (strcmp(g, w) == 0) {
			exact++;
		} else {
			printf("# mismatch: %s -> %s (want %s)\n", line, got, tab + 1);
		}
		if (has_kanji_or_digit(got) || !only_allowed(got)) {
			printf("# not speakable: %s -> %s\n", line, got);
			kanji++;
		}
		free(got);
		free(g);
		free(w);
	}
	free(line);
	fclose(f);
	printf("# corpus: %zu of %zu read exactly (%.1f%%)\n", exact, total,
	       total ? 100.0 * (double)exact / (double)total : 0.0);
	assert_true(total >= 120);
	assert_int_equal(kanji, 0);
	/* At least 95% exact. */
	assert_true(exact * 100 >= total * 95);
}

static void
test_numbers(void **state)
{
	(void)state;
	READS("0", "ぜろ");
	READS("1", "いち");
	READS("10", "じゅう");
	READS("11", "じゅういち");
	READS("100", "ひゃく");
	READS("300", "さんびゃく");
	READS("600", "ろっぴゃく");
	READS("800", "はっぴゃく");
	READS("1000", "せん");
	READS("3000", "さんぜん");
	READS("8000", "はっせん");
	READS("2026", "にせんにじゅうろく");
	READS("1,500", "せんごひゃく");
	READS("10,000", "いちまん");
	READS("10000", "いちまん");
	READS("12,345,678", "せんにひゃくさんじゅうよんまんごせんろっぴゃくななじゅうはち");
	READS("1億", "いちおく");
	READS("1億2,000万", "いちおくにせんまん");
	READS("1000万", "いっせんまん");
	READS("1兆", "いっちょう");
	READS("10兆", "じゅっちょう");
	READS("3千", "さんぜん");
	READS("1.5", "いってんご");
	READS("0.25", "れいてんにご");
	/* Any size: a 20-digit amount with separators is still a number. */
	READS("12,345,678,901,234,567,890",
	      "せんにひゃくさんじゅうよんけいごせんろっぴゃくななじゅうはっちょう"
	      "きゅうせんじゅうにおくさんぜんよんひゃくごじゅうろくまん"
	      "ななせんはっぴゃくきゅうじゅう");
	/* Long codes and leading zeros: digit by digit. */
	READS("123456789012", "いちにさんよんごろくななはちきゅうぜろいちに");
	READS("007", "ぜろぜろなな");
	/* Full-width digits are digits. */
	READS("２０２６", "にせんにじゅうろく");
	READS("１，５００円", "せんごひゃくえん");
}

static void
test_dates(void **state)
{
	static const char *const days[32] = {
	        NULL,
	        "ついたち",
	        "ふつか",
	        "みっか",
	        "よっか",
	        "いつか",
	        "むいか",
	        "なのか",
	        "ようか",
	        "ここのか",
	        "とおか",
	        "じゅういちにち",
	        "じゅうににち",
	        "じゅうさんにち",
	        "じゅうよっか",
	        "じゅうごにち",
	        "じゅうろくにち",
	        "じゅうしちにち",
	        "じゅうはちにち",
	        "じゅうくにち",
	        "はつか",
	        "にじゅういちにち",
	        "にじゅうににち",
	        "にじゅうさんにち",
	        "にじゅうよっか",
	        "にじゅうごにち",
	        "にじゅうろくにち",
	        "にじゅうしちにち",
	        "にじゅうはちにち",
	        "にじゅうくにち",
	        "さんじゅうにち",
	        "さんじゅういちにち",
	};
	static const char *const months[13] = {
	        NULL,         "いちがつ",       "にがつ",       "さんがつ", "しがつ",
	        "ごがつ",     "ろくがつ",       "しちがつ",     "はちがつ", "くがつ",
	        "じゅうがつ", "じゅういちがつ", "じゅうにがつ",
	};
	char in[32], want[128];
	int d, m;

	(void)state;
	for (d = 1; d <= 31; d++) {
		snprintf(in, sizeof in, "12月%d日", d);
		snprintf(want, sizeof want, "じゅうにがつ%s", days[d]);
		READS(in, want);
	}
	for (m = 1; m <= 12; m++) {
		snprintf(in, sizeof in, "%d月", m);
		READS(in, months[m]);
	}
	READS("12月1日", "じゅうにがつついたち");
	READS("2026年12月1日（火）", "にせんにじゅうろくねんじゅうにがつついたち かようび");
	/* the dates with the era on (date_set_era) */
	READS("令和8年12月1日（火）", "れいわはちねんじゅうにがつついたち かようび");
	READS("2026年（令和8年）12月1日（火）",
	      "にせんにじゅうろくねん れいわはちねん じゅうにがつついたち かようび");
	READS("令和元年5月1日（水）", "れいわがんねんごがつついたち すいようび");
	/* amounts as the forms show them (amount_yen) */
	READS("90,000円", "きゅうまんえん");
	READS("100,000,000円", "いちおくえん");
	READS("¥1,500", "せんごひゃくえん");
	READS("(月・祝)", "げつようび しゅくじつ");
	READS("12/1", "じゅうにがつついたち");
	READS("2026/12/01", "にせんにじゅうろくねんじゅうにがつついたち");
	READS("16日から3月15日まで", "じゅうろくにちからさんがつじゅうごにちまで");
	READS("4月1日～5月31日", "しがつついたちからごがつさんじゅういちにち");
	READS("令和8年", "れいわはちねん");
	READS("令和元年", "れいわがんねん");
	READS("令和8年度", "れいわはちねんど");
	/* 1日 on its own is the first of the month; counted, it is a day. */
	READS("毎月1日", "まいつきついたち");
	READS("あと1日", "あといちにち");
	READS("1日3回", "いちにちさんかい");
	READS("1日以内", "いちにちいない");
}

static void
test_times(void **state)
{
	(void)state;
	READS("9時", "くじ");
	READS("4時", "よじ");
	READS("7時", "しちじ");
	READS("0時", "れいじ");
	READS("14時", "じゅうよじ");
	READS("9時30分", "くじさんじゅっぷん");
	READS("9:30", "くじさんじゅっぷん");
	READS("6:05", "ろくじごふん");
	READS("1分", "いっぷん");
	READS("3分", "さんぷん");
	READS("4分", "よんぷん");
	READS("6分", "ろっぷん");
	READS("8分", "はっぷん");
	READS("10分", "じゅっぷん");
	READS("15分", "じゅうごふん");
	READS("4時間", "よじかん");
	READS("9時間", "くじかん");
}

static void
test_counters(void **state)
{
	(void)state;
	READS("1,500円", "せんごひゃくえん");
	READS("4円", "よえん");
	READS("¥1,500", "せんごひゃくえん");
	READS("3日間", "みっかかん");
	READS("あと6日", "あとむいか");
	READS("1件", "いっけん");
	READS("6件", "ろっけん");
	READS("10件", "じゅっけん");
	READS("100件", "ひゃっけん");
	READS("20歳", "はたち");
	READS("1歳", "いっさい");
	READS("8歳", "はっさい");
	READS("10歳", "じゅっさい");
	READS("2枚", "にまい");
	READS("3か月", "さんかげつ");
	READS("6ヶ月", "ろっかげつ");
	READS("1回", "いっかい");
	READS("4年", "よねん");
	READS("1人", "ひとり");
	READS("2人", "ふたり");
	READS("4人", "よにん");
	READS("3本", "さんぼん");
	READS("1本", "いっぽん");
	READS("3階", "さんがい");
	READS("1つ", "ひとつ");
	READS("10%", "じゅっぱーせんと");
	READS("8％", "はっぱーせんと");
	READS("3割", "さんわり");
	READS("3分の1", "さんぶんのいち");
	READS("12月分", "じゅうにがつぶん");
	READS("3日後", "みっかご");
	READS("2回目", "にかいめ");
	READS("6月末", "ろくがつまつ");
	READS("第1期", "だいいっき");
	READS("年4回", "ねんよんかい");
}

static void
test_phone_postal(void **state)
{
	(void)state;
	check_exact("03-1234-5678", "ぜろさん の いちにさんよん の ごろくななはち");
	check_exact("〒100-8111", "ゆうびんばんごう いちぜろぜろ の はちいちいちいち");
	READS("〒1000013", "ゆうびんばんごう いちぜろぜろ の ぜろぜろいちさん");
	READS("０３ー１２３４ー５６７８", "ぜろさん の いちにさんよん の ごろくななはち");
	READS("0120-123-456", "ぜろいちにぜろ の いちにさん の よんごろく");
	/* A short address number is a number. */
	READS("1-3-20", "いち の さん の にじゅう");
}

static void
test_latin(void **state)
{
	(void)state;
	READS("NHK", "エヌエイチケー");
	READS("ID", "アイディー");
	READS("URL", "ユーアールエル");
	READS("e-Tax", "いーたっくす");
	/* Other words stay for the English voice, apart from the kana. */
	check_exact("Mynaportalに", "Mynaportal に");
	check_exact("Hello world", "Hello world");
}

static void
test_punctuation(void **state)
{
	(void)state;
	/* Pauses are kept; brackets are not spoken. */
	check_exact("はい、いいえ。", "はい、いいえ。");
	check_exact("「はい」", "はい");
	check_exact("、はい", "はい");
	check_exact("はい、。", "はい。");
	/* A newline is a pause, and the reading is one line. */
	check_exact("はい\nいいえ", "はい。いいえ");
	/* Half-width katakana become full-width. */
	check_exact("ﾏｲﾅﾝﾊﾞｰｶｰﾄﾞ", "マイナンバーカード");
	/* The particles は and へ are said わ and え. */
	READS("窓口へ", "まどぐちえ");
	READS("今日は", "きょうわ");
}

static void
test_hostile(void **state)
{
	char *got, *big;
	size_t i;

	(void)state;
	/* Escape sequences and controls never come through. */
	got = reading_of(reader, "\x1b[31m赤\x1b[0m\x07字\x1b]0;title\x07");
	assert_null(strchr(got, '\x1b'));
	assert_null(strchr(got, '\x07'));
	assert_false(has_kanji_or_digit(got));
	assert_string_equal(got, "あかじ");
	free(got);
	/* Invalid UTF-8, an unknown kanji, emoji: left out. */
	got = reading_of(reader, "\xff\xfe龘🔔");
	assert_string_equal(got, "");
	free(got);
	got = reading_of(reader, NULL);
	assert_string_equal(got, "");
	free(got);
	/* Very long input is cut, not refused. */
	big = xmalloc(READING_MAX_INPUT * 2 + 1);
	for (i = 0; i + 3 <= READING_MAX_INPUT * 2; i += 3)
		memcpy(big + i, "税", 3);
	big[i] = '\0';
	got = reading_of(reader, big);
	assert_false(has_kanji_or_digit(got));
	assert_true(strlen(got) > 0);
	free(got);
	free(big);
}

/* Many generated mixtures of the pieces that rules act on: the reading is
 * always speakable. */
static void
test_never_kanji(void **state)
{
	static const char *const pieces[] = {
	        "12月",
	        "1日",
	        "令和",
	        "8年",
	        "1,500円",
	        "〒",
	        "100-8111",
	        "03-1234-5678",
	        "NHK",
	        "e-Tax",
	        "（",
	        "）",
	        "火",
	        "・",
	        "：",
	        "9:30",
	        "%",
	        "分",
	        "の",
	        "龘",
	        "𠮷",
	        "々",
	        "〆",
	        "〇",
	        "一",
	        "年",
	        "日",
	        "月",
	        "時",
	        "人",
	        "歳",
	        "か月",
	        "ヶ",
	        "ｶﾞ",
	        "①",
	        "\n",
	        "、",
	        "。",
	        "~",
	        "¥",
	        "3.",
	        ".5",
	        "1.2.3",
	        ",",
	        "-",
	        "/",
	        "12/",
	        "/31",
	        "0",
	        "00",
	        "9999999999999999999999999999999999999999999999999999999",
	};
	unsigned int seed = 12345;
	struct buf b;
	char *got;
	int i, j, k;

	(void)state;
	for (i = 0; i < 2000; i++) {
		buf_init(&b, 0);
		k = 1 + i % 8;
		for (j = 0; j < k; j++) {
			seed = seed * 1103515245u + 12345u;
			buf_addstr(&b, pieces[(seed >> 16) % (sizeof pieces / sizeof pieces[0])]);
		}
		got = reading_of(i % 5 == 0 ? NULL : reader, b.data ? b.data : "");
		if (has_kanji_or_digit(got) || !only_allowed(got))
			printf("# not speakable: %s -> %s\n", b.data, got);
		assert_false(has_kanji_or_digit(got));
		assert_true(only_allowed(got));
		free(got);
		buf_release(&b);
	}
}

/* Without MeCab: numbers and kana are still read, kanji left out. */
static void
test_without_dictionary(void **state)
{
	char *got;

	(void)state;
	got = reading_of(NULL, "12月1日まで1,500円の納付");
	assert_string_equal(got, "じゅうにがつついたちまでせんごひゃくえんの");
	free(got);
}

static void
test_open_failure(void **state)
{
	char *cause = NULL;
	struct reading *r;

	(void)state;
	r = reading_open("/nonexistent/dictionary", &cause);
	assert_null(r);
	assert_non_null(cause);
	assert_non_null(strstr(cause, "/nonexistent/dictionary"));
	free(cause);
	cause = NULL;

	/* MYNA_MECAB_DICDIR is the dictionary when no directory is given. */
	setenv("MYNA_MECAB_DICDIR", "/nonexistent/from-env", 1);
	r = reading_open(NULL, &cause);
	assert_null(r);
	assert_non_null(strstr(cause, "/nonexistent/from-env"));
	free(cause);
	cause = NULL;
	unsetenv("MYNA_MECAB_DICDIR");

	/* Without MeCab's configuration file, Debian's dictionary is found. */
	setenv("MECABRC", "/nonexistent/mecabrc", 1);
	r = reading_open(NULL, &cause);
	unsetenv("MECABRC");
	assert_non_null(r);
	check_reads(r, "期限", "きげん", __LINE__);
	reading_close(r);
	reading_close(NULL);
}

static void
test_classes(void **state)
{
	(void)state;
	assert_true(reading_is_kanji(0x4E00)); /* 一 */
	assert_true(reading_is_kanji(0x9FFF));
	assert_true(reading_is_kanji(0x3400));
	assert_true(reading_is_kanji(0x3005));  /* 々 */
	assert_true(reading_is_kanji(0x3006));  /* 〆 */
	assert_true(reading_is_kanji(0x20BB7)); /* 𠮷 */
	assert_false(reading_is_kanji(0x3042)); /* あ */
	assert_false(reading_is_kanji('A'));
	assert_true(reading_is_kana(0x3042));
	assert_true(reading_is_kana(0x30A2));  /* ア */
	assert_true(reading_is_kana(0x30FC));  /* ー */
	assert_false(reading_is_kana(0x30FB)); /* ・ */
	assert_false(reading_is_kana(0x4E00));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_corpus),
	        cmocka_unit_test(test_numbers),
	        cmocka_unit_test(test_dates),
	        cmocka_unit_test(test_times),
	        cmocka_unit_test(test_counters),
	        cmocka_unit_test(test_phone_postal),
	        cmocka_unit_test(test_latin),
	        cmocka_unit_test(test_punctuation),
	        cmocka_unit_test(test_hostile),
	        cmocka_unit_test(test_never_kanji),
	        cmocka_unit_test(test_without_dictionary),
	        cmocka_unit_test(test_open_failure),
	        cmocka_unit_test(test_classes),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
