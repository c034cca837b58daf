/*
 * reading: Japanese text to the kana that a synthesiser can say (see
 * reading.h).  The text is first normalised (full-width ASCII, half-width
 * katakana, circled numbers, dashes), then scanned once from the left:
 *
 *   - digits start a number token, read by the rules below together with
 *     the counter after it (円, 日, 月, 時, 分, 人, 回, か月, ...) and a
 *     suffix after that (分 ぶん, 後 ご, 目 め, 前 まえ, 頃 ごろ, 末 まつ);
 *     phone numbers and postal codes are read digit by digit;
 *   - runs of kana and kanji go to MeCab as one piece, so that it sees
 *     whole words;
 *   - Latin words are spelled (acronyms) or passed through;
 *   - punctuation becomes a pause or a space.
 *
 * Why our own number rules: the dictionaries read 12月1日 as 12ツキ1ニチ
 * or ジュウニガツイチニチ and 1,500 as イチ,ゴゼロゼロ.  Japanese counters
 * change sound with the number before them (いっぷん, さんぷん, ろっぷん;
 * よねん, よじ, くじ; ついたち, はつか), which the tables here spell out.
 */
#include "reading.h"

#include <mecab.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "i18n.h"
#include "mem.h"
#include "text.h"

/* Dictionaries that Debian installs, tried when MeCab's own configuration
 * (mecabrc) is missing or broken. */
static const char *const reading_debian_dicdirs[] = {
        "/var/lib/mecab/dic/debian",
        "/var/lib/mecab/dic/naist-jdic",
        "/var/lib/mecab/dic/ipadic-utf8",
};

struct reading {
	mecab_t *mecab;
};

/* --- Characters ------------------------------------------------------ */

int
reading_is_kanji(unsigned int cp)
{
	return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
	       (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x3FFFF) || cp == 0x3005 ||
	       cp == 0x3006 || cp == 0x3007 || cp == 0x303B;
}

int
reading_is_kana(unsigned int cp)
{
	return (cp >= 0x3041 && cp <= 0x309F) || (cp >= 0x30A1 && cp <= 0x30FA) ||
	       (cp >= 0x30FC && cp <= 0x30FF) || (cp >= 0x31F0 && cp <= 0x31FF);
}

static void
reading_put_cp(struct buf *b, unsigned int cp)
{
	char s[4];

	if (cp < 0x80) {
		buf_addch(b, (char)cp);
	} else if (cp < 0x800) {
		s[0] = (char)(0xC0 | (cp >> 6));
		s[1] = (char)(0x80 | (cp & 0x3F));
		buf_add(b, s, 2);
	} else if (cp < 0x10000) {
		s[0] = (char)(0xE0 | (cp >> 12));
		s[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		s[2] = (char)(0x80 | (cp & 0x3F));
		buf_add(b, s, 3);
	} else {
		s[0] = (char)(0xF0 | (cp >> 18));
		s[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		s[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		s[3] = (char)(0x80 | (cp & 0x3F));
		buf_add(b, s, 4);
	}
}

/* Decodes the character at s (NUL-terminated); returns its length, 0 at
 * the end. */
static size_t
reading_cp(const char *s, unsigned int *cp)
{
	size_t n = strnlen(s, 4);

	if (n == 0) {
		*cp = 0;
		return 0;
	}
	return text_decode(s, n, cp);
}

static int
reading_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int
reading_alpha(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static int
reading_starts(const char *s, const char *lit)
{
	return strncmp(s, lit, strlen(lit)) == 0;
}

/* --- Normalising ----------------------------------------------------- */

/* Half-width katakana U+FF61..U+FF9D, as full-width characters. */
static const char reading_halfwidth[] =
        "。「」、・ヲァィゥェォャュョッーアイウエオカキクケコサシスセソタチツテトナニヌネノ"
        "ハヒフヘホマミムメモヤユヨラリルレロワン";

/* The full-width form of the half-width katakana cp. */
static unsigned int
reading_halfwidth_cp(unsigned int cp)
{
	const char *s = reading_halfwidth;
	unsigned int i, out = 0;
	size_t n;

	for (i = 0; i <= cp - 0xFF61; i++) {
		n = reading_cp(s, &out);
		if (n == 0)
			return 0x30FB;
		s += n;
	}
	return out;
}

/* Adds a voiced (semi: 1 for the handakuten) mark to the katakana cp when
 * it has such a form, else returns 0. */
static unsigned int
reading_voiced(unsigned int cp, int semi)
{
	static const char voicable[] = "カキクケコサシスセソタチツテトハヒフヘホ";
	static const char semivoicable[] = "ハヒフヘホ";
	const char *s = semi ? semivoicable : voicable;
	unsigned int c;
	size_t n;

	if (!semi && cp == 0x30A6) /* ウ -> ヴ */
		return 0x30F4;
	while ((n = reading_cp(s, &c)) > 0) {
		if (c == cp)
			return cp + (semi ? 2 : 1);
		s += n;
	}
	return 0;
}

/* Returns a newly allocated normalised copy of the clean text s: full-width
 * ASCII becomes ASCII, half-width katakana becomes full-width, circled
 * numbers become digits, dashes between digits become '-', wave dashes
 * become '~', tabs and ideographic spaces become spaces. */
static char *
reading_normalise(const char *s)
{
	struct buf b;
	unsigned int cp, next, last = 0;
	size_t n, len = strlen(s), lastpos = 0;

	buf_init(&b, 0);
	buf_addstr(&b, "");
	while ((n = text_decode(s, len, &cp)) > 0) {
		s += n;
		len -= n;
		if (cp >= 0xFF01 && cp <= 0xFF5E) {
			cp -= 0xFEE0;
		} else if (cp == 0x3000 || cp == '\t') {
			cp = ' ';
		} else if (cp >= 0xFF61 && cp <= 0xFF9D) {
			cp = reading_halfwidth_cp(cp);
		} else if (cp == 0xFF9E || cp == 0xFF9F || cp == 0x309B || cp == 0x309C) {
			/* A separate (half-width) voiced mark joins the kana before it. */
			unsigned int v = reading_voiced(last, cp == 0xFF9F || cp == 0x309C);

			if (v != 0) {
				b.len = lastpos;
				b.data[b.len] = '\0';
				reading_put_cp(&b, v);
				last = v;
			}
			continue;
		} else if (cp >= 0x2460 && cp <= 0x2473) {
			/* ① .. ⑳ */
			buf_printf(&b, "%u", cp - 0x2460 + 1);
			last = '0';
			continue;
		} else if ((cp >= 0x2010 && cp <= 0x2015) || cp == 0x2212 || cp == 0xFE63) {
			cp = '-';
		} else if (cp == 0x301C || cp == 0x2053) {
			cp = '~';
		} else if (cp == 0xFFE5) {
			cp = 0xA5;
		} else if (cp == 0x30FC && reading_digit((char)(last < 0x80 ? last : 0))) {
			/* ー between digits stands for a hyphen (03ー1234ー5678). */
			next = 0;
			if (len > 0)
				text_decode(s, len, &next);
			if ((next >= '0' && next <= '9') || (next >= 0xFF10 && next <= 0xFF19))
				cp = '-';
		}
		lastpos = b.len;
		reading_put_cp(&b, cp);
		last = cp;
	}
	return buf_take(&b);
}

/* --- Numbers --------------------------------------------------------- */

static const char *const reading_digits[10] = {
        "ぜろ", "いち", "に", "さん", "よん", "ご", "ろく", "なな", "はち", "きゅう",
};
static const char *const reading_tens[10] = {
        "",         "じゅう",     "にじゅう",   "さんじゅう", "よんじゅう",
        "ごじゅう", "ろくじゅう", "ななじゅう", "はちじゅう", "きゅうじゅう",
};
static const char *const reading_hundreds[10] = {
        "",         "ひゃく",     "にひゃく",   "さんびゃく", "よんひゃく",
        "ごひゃく", "ろっぴゃく", "ななひゃく", "はっぴゃく", "きゅうひゃく",
};
static const char *const reading_thousands[10] = {
        "",       "せん",     "にせん",   "さんぜん", "よんせん",
        "ごせん", "ろくせん", "ななせん", "はっせん", "きゅうせん",
};

/* Powers of 10,000: 万, 億, 兆, 京 and the rarer ones after them. */
#define READING_GROUPS 13
static const char *const reading_units[READING_GROUPS] = {
        "",       "まん", "おく", "ちょう", "けい", "がい", "じょ",
        "じょう", "こう", "かん", "せい",   "さい", "ごく",
};
/* The written multipliers that may follow digits, and their power. */
static const struct {
	const char *text;
	int power;
} reading_multipliers[] = {
        {"万", 1},
        {"億", 2},
        {"兆", 3},
        {"京", 4},
};

/* Sound changes of a counter after a number (see reading_join). */
enum {
	RS_ICHI = 1 << 0,  /* いち -> いっ */
	RS_ROKU = 1 << 1,  /* ろく -> ろっ */
	RS_HACHI = 1 << 2, /* はち -> はっ */
	RS_JUU = 1 << 3,   /* じゅう -> じゅっ */
	RS_HYAKU = 1 << 4, /* ひゃく -> ひゃっ */
	RS_HP = 1 << 5,    /* after っ: は行 -> ぱ行 */
	RS_NP = 1 << 6,    /* after ん: は行 -> ぱ行 */
	RS_SANB = 1 << 7,  /* after さん: は行 -> ば行, か行 -> が行 */
	RS_YON = 1 << 8,   /* よん -> よ */
	RS_NANA = 1 << 9,  /* なな -> しち */
	RS_KYUU = 1 << 10, /* きゅう -> く */
};
#define RS_K (RS_ICHI | RS_ROKU | RS_HACHI | RS_JUU | RS_HYAKU)
#define RS_S (RS_ICHI | RS_HACHI | RS_JUU)

enum reading_kind {
	RK_PLAIN,
	RK_DAY,    /* 日: ついたち, ふつか ... */
	RK_DAYS,   /* 日間: a count of days */
	RK_MONTH,  /* 月: いちがつ ... くがつ */
	RK_PEOPLE, /* 人: ひとり, ふたり */
	RK_AGE,    /* 歳: はたち */
	RK_TSU,    /* つ: ひとつ ... ここのつ */
	RK_HOUR,   /* 時: れいじ */
	RK_MINUTE, /* 分: and 分の for fractions */
};

/* Suffixes are allowed after this counter (分 ぶん, 後 ご, ...). */
#define RC_SUFFIX 1

struct reading_counter {
	const char *text;
	const char *reading;
	unsigned sound;
	enum reading_kind kind;
	int flags;
};

/* The longest match wins, so 日間 comes before 日 whatever the order. */
static const struct reading_counter reading_counters[] = {
        {"か月間", "かげつかん", RS_K, RK_PLAIN, 0},
        {"ヶ月間", "かげつかん", RS_K, RK_PLAIN, 0},
        {"ヵ月間", "かげつかん", RS_K, RK_PLAIN, 0},
        {"カ月間", "かげつかん", RS_K, RK_PLAIN, 0},
        {"ケ月間", "かげつかん", RS_K, RK_PLAIN, 0},
        {"箇月間", "かげつかん", RS_K, RK_PLAIN, 0},
        {"か月", "かげつ", RS_K, RK_PLAIN, RC_SUFFIX},
        {"ヶ月", "かげつ", RS_K, RK_PLAIN, RC_SUFFIX},
        {"ヵ月", "かげつ", RS_K, RK_PLAIN, RC_SUFFIX},
        {"カ月", "かげつ", RS_K, RK_PLAIN, RC_SUFFIX},
        {"ケ月", "かげつ", RS_K, RK_PLAIN, RC_SUFFIX},
        {"箇月", "かげつ", RS_K, RK_PLAIN, RC_SUFFIX},
        {"年度", "ねんど", RS_YON, RK_PLAIN, RC_SUFFIX},
        {"年間", "ねんかん", RS_YON, RK_PLAIN, 0},
        {"年", "ねん", RS_YON, RK_PLAIN, RC_SUFFIX},
        {"月", "がつ", 0, RK_MONTH, RC_SUFFIX},
        {"日間", "かん", 0, RK_DAYS, 0},
        {"日", "にち", 0, RK_DAY, RC_SUFFIX},
        {"時間", "じかん", RS_YON | RS_KYUU, RK_PLAIN, RC_SUFFIX},
        {"時", "じ", RS_YON | RS_NANA | RS_KYUU, RK_HOUR, 0},
        {"分間", "ふんかん", RS_K | RS_HP | RS_NP, RK_PLAIN, 0},
        {"分", "ふん", RS_K | RS_HP | RS_NP, RK_MINUTE, 0},
        {"秒間", "びょうかん", 0, RK_PLAIN, 0},
        {"秒", "びょう", 0, RK_PLAIN, 0},
        {"週間", "しゅうかん", RS_S, RK_PLAIN, RC_SUFFIX},
        {"週", "しゅう", RS_S, RK_PLAIN, RC_SUFFIX},
        {"円", "えん", RS_YON, RK_PLAIN, 0},
        {"件", "けん", RS_K, RK_PLAIN, RC_SUFFIX},
        {"歳", "さい", RS_S, RK_AGE, 0},
        {"才", "さい", RS_S, RK_AGE, 0},
        {"枚", "まい", 0, RK_PLAIN, RC_SUFFIX},
        {"回", "かい", RS_K, RK_PLAIN, RC_SUFFIX},
        {"人", "にん", RS_YON, RK_PEOPLE, RC_SUFFIX},
        {"名", "めい", 0, RK_PLAIN, 0},
        {"個", "こ", RS_K, RK_PLAIN, RC_SUFFIX},
        {"期", "き", RS_K, RK_PLAIN, RC_SUFFIX},
        {"通", "つう", RS_S, RK_PLAIN, 0},
        {"階", "かい", RS_K | RS_SANB, RK_PLAIN, 0},
        {"号室", "ごうしつ", 0, RK_PLAIN, 0},
        {"号", "ごう", 0, RK_PLAIN, 0},
        {"番地", "ばんち", 0, RK_PLAIN, 0},
        {"番", "ばん", 0, RK_PLAIN, RC_SUFFIX},
        {"丁目", "ちょうめ", RS_S, RK_PLAIN, 0},
        {"度", "ど", 0, RK_PLAIN, RC_SUFFIX},
        {"割", "わり", 0, RK_PLAIN, 0},
        {"倍", "ばい", 0, RK_PLAIN, 0},
        {"点", "てん", RS_S, RK_PLAIN, 0},
        {"本", "ほん", RS_K | RS_HP | RS_SANB, RK_PLAIN, 0},
        {"冊", "さつ", RS_S, RK_PLAIN, 0},
        {"社", "しゃ", RS_S, RK_PLAIN, 0},
        {"台", "だい", 0, RK_PLAIN, 0},
        {"世帯", "せたい", RS_S, RK_PLAIN, 0},
        {"か所", "かしょ", RS_K, RK_PLAIN, 0},
        {"ヶ所", "かしょ", RS_K, RK_PLAIN, 0},
        {"カ所", "かしょ", RS_K, RK_PLAIN, 0},
        {"箇所", "かしょ", RS_K, RK_PLAIN, 0},
        {"か国", "かこく", RS_K, RK_PLAIN, 0},
        {"ヶ国", "かこく", RS_K, RK_PLAIN, 0},
        {"カ国", "かこく", RS_K, RK_PLAIN, 0},
        {"%", "ぱーせんと", RS_ICHI | RS_ROKU | RS_HACHI | RS_JUU, RK_PLAIN, 0},
        {"パーセント", "ぱーせんと", RS_ICHI | RS_ROKU | RS_HACHI | RS_JUU, RK_PLAIN, 0},
        {"ページ", "ぺーじ", 0, RK_PLAIN, 0},
        {"つ", "", 0, RK_TSU, 0},
};

/* Words after a counter that change their reading there. */
static const struct {
	const char *text, *reading;
} reading_suffixes[] = {
        {"分", "ぶん"}, {"後", "ご"},   {"目", "め"}, {"前", "まえ"},
        {"頃", "ごろ"}, {"末", "まつ"}, {"児", "じ"},
};

static const char *const reading_day_names[11] = {
        NULL,     "ついたち", "ふつか", "みっか",   "よっか", "いつか",
        "むいか", "なのか",   "ようか", "ここのか", "とおか",
};
static const char *const reading_month_names[13] = {
        NULL,         "いちがつ",       "にがつ",       "さんがつ", "しがつ",
        "ごがつ",     "ろくがつ",       "しちがつ",     "はちがつ", "くがつ",
        "じゅうがつ", "じゅういちがつ", "じゅうにがつ",
};
static const char *const reading_tsu_names[11] = {
        NULL,     "ひとつ", "ふたつ", "みっつ",   "よっつ", "いつつ",
        "むっつ", "ななつ", "やっつ", "ここのつ", "とお",
};

/* A number as 4-digit groups (groups[0] holds the ones), with its value
 * when it is small enough to know. */
struct reading_num {
	int groups[READING_GROUPS];
	int overflow; /* more digits than the groups hold */
	uint64_t value;
	int value_ok;
};

/* Adds the decimal digits d[0..n) times 10000^power to num. */
static void
reading_num_add(struct reading_num *num, const char *d, size_t n, int power)
{
	int carry = 0, k = power, g, mul;
	size_t i = n;

	while (i > 0 || carry > 0) {
		g = 0;
		mul = 1;
		while (i > 0 && mul < 10000) {
			g += (d[--i] - '0') * mul;
			mul *= 10;
		}
		if (k >= READING_GROUPS) {
			if (g != 0 || carry != 0 || i > 0)
				num->overflow = 1;
			return;
		}
		g += num->groups[k] + carry;
		carry = g / 10000;
		num->groups[k] = g % 10000;
		k++;
	}
}

static void
reading_num_value(struct reading_num *num)
{
	int k;

	num->value = 0;
	num->value_ok = !num->overflow;
	for (k = READING_GROUPS - 1; k >= 0; k--) {
		if (k >= 5 && num->groups[k] != 0)
			num->value_ok = 0;
		if (k < 5)
			num->value = num->value * 10000 + (uint64_t)num->groups[k];
	}
}

static int
reading_ends(const struct buf *b, const char *lit)
{
	size_t n = strlen(lit);

	return b->len >= n && memcmp(b->data + b->len - n, lit, n) == 0;
}

/* Cuts the last n bytes of b. */
static void
reading_cut(struct buf *b, size_t n)
{
	b->len -= n;
	b->data[b->len] = '\0';
}

/* Reads one group g (1..9999); with_unit: a unit (万 ...) follows. */
static void
reading_group(struct buf *b, int g, int with_unit)
{
	if (with_unit && g == 1) {
		buf_addstr(b, "いち");
		return;
	}
	if (with_unit && g == 1000) {
		buf_addstr(b, "いっせん");
		return;
	}
	buf_addstr(b, reading_thousands[g / 1000]);
	buf_addstr(b, reading_hundreds[g / 100 % 10]);
	buf_addstr(b, reading_tens[g / 10 % 10]);
	if (g % 10 != 0)
		buf_addstr(b, reading_digits[g % 10]);
}

static void reading_join(struct buf *b, const char *counter, unsigned sound);

/* Appends the reading of the integer num ("ぜろ" for zero). */
static void
reading_num_read(struct buf *b, const struct reading_num *num)
{
	int k, any = 0;

	for (k = READING_GROUPS - 1; k >= 0; k--) {
		if (num->groups[k] == 0)
			continue;
		reading_group(b, num->groups[k], k > 0);
		if (k > 0)
			reading_join(b, reading_units[k], k == 3 ? RS_S : k >= 4 ? RS_K : 0);
		any = 1;
	}
	if (!any)
		buf_addstr(b, reading_digits[0]);
}

/* Appends the digits d[0..n) one by one. */
static void
reading_digitwise(struct buf *b, const char *d, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		buf_addstr(b, reading_digits[d[i] - '0']);
}

/* Joins the reading of a counter to the number reading at the end of b,
 * with the sound changes that sound allows (RS_*). */
static void
reading_join(struct buf *b, const char *counter, unsigned sound)
{
	static const struct {
		const char *from, *to;
		unsigned when;
	} ends[] = {
	        {"いち", "いっ", RS_ICHI},      {"ろく", "ろっ", RS_ROKU},
	        {"はち", "はっ", RS_HACHI},     {"じゅう", "じゅっ", RS_JUU},
	        {"ひゃく", "ひゃっ", RS_HYAKU}, {"びゃく", "びゃっ", RS_HYAKU},
	        {"ぴゃく", "ぴゃっ", RS_HYAKU}, {"よん", "よ", RS_YON},
	        {"なな", "しち", RS_NANA},      {"きゅう", "く", RS_KYUU},
	};
	static const char *const h_row[] = {"は", "ひ", "ふ", "へ", "ほ"};
	static const char *const p_row[] = {"ぱ", "ぴ", "ぷ", "ぺ", "ぽ"};
	static const char *const b_row[] = {"ば", "び", "ぶ", "べ", "ぼ"};
	static const char *const k_row[] = {"か", "き", "く", "け", "こ"};
	static const char *const g_row[] = {"が", "ぎ", "ぐ", "げ", "ご"};
	int gem = 0, after_n = reading_ends(b, "ん"), after_san = reading_ends(b, "さん");
	size_t i;

	for (i = 0; i < sizeof ends / sizeof ends[0]; i++) {
		if ((sound & ends[i].when) && reading_ends(b, ends[i].from)) {
			reading_cut(b, strlen(ends[i].from));
			buf_addstr(b, ends[i].to);
			gem = reading_ends(b, "っ");
			break;
		}
	}
	for (i = 0; i < 5; i++) {
		if (reading_starts(counter, h_row[i])) {
			if ((gem && (sound & RS_HP)) || (after_n && !gem && (sound & RS_NP) &&
			                                 !(after_san && (sound & RS_SANB)))) {
				buf_addstr(b, p_row[i]);
				buf_addstr(b, counter + strlen(h_row[i]));
				return;
			}
			if (after_san && (sound & RS_SANB)) {
				buf_addstr(b, b_row[i]);
				buf_addstr(b, counter + strlen(h_row[i]));
				return;
			}
		}
		if (reading_starts(counter, k_row[i]) && after_san && (sound & RS_SANB)) {
			buf_addstr(b, g_row[i]);
			buf_addstr(b, counter + strlen(k_row[i]));
			return;
		}
	}
	buf_addstr(b, counter);
}

/* --- Scanning -------------------------------------------------------- */

struct reading_scan {
	struct reading *r;
	const char *in; /* the normalised text */
	size_t len;
	size_t chunk; /* start of the pending kana/kanji run, or len+1 */
	struct buf out;
};

#define READING_NO_CHUNK(sc) ((sc)->len + 1)

static void reading_chunk(struct reading_scan *sc, const char *s, size_t len, int before_number);

/* Sends the pending run of kana and kanji to MeCab. */
static void
reading_flush(struct reading_scan *sc, size_t pos, int before_number)
{
	if (sc->chunk == READING_NO_CHUNK(sc))
		return;
	reading_chunk(sc, sc->in + sc->chunk, pos - sc->chunk, before_number);
	sc->chunk = READING_NO_CHUNK(sc);
}

static void
reading_space(struct reading_scan *sc)
{
	if (sc->out.len > 0 && !reading_ends(&sc->out, " "))
		buf_addch(&sc->out, ' ');
}

/* Does in[0..pos) end with lit? */
static int
reading_before(const char *in, size_t pos, const char *lit)
{
	size_t n = strlen(lit);

	return pos >= n && memcmp(in + pos - n, lit, n) == 0;
}

/* Is 1日 at [start, end) a count of days (いちにち) rather than the first
 * of a month (ついたち)?  Known from the words around it. */
static int
reading_day_count(const char *in, size_t start, size_t end)
{
	static const char *const before[] = {
	        "あと", "残り", "約", "最大", "最長", "最短", "わずか", "たった", "毎",
	};
	static const char *const after[] = {
	        "間", "以内", "以上", "以下", "未満", "あたり", "当たり", "中",   "おき", "ごと",
	        "分", "目",   "後",   "前",   "遅れ", "経過",   "超過",   "程度", "ほど",
	};
	const char *rest = in + end;
	size_t i;

	if (reading_before(in, start, "月"))
		return 0;
	for (i = 0; i < sizeof before / sizeof before[0]; i++)
		if (reading_before(in, start, before[i]))
			return 1;
	for (i = 0; i < sizeof after / sizeof after[0]; i++)
		if (reading_starts(rest, after[i]))
			return 1;
	/* 1日3回, 1日に3回 */
	return reading_digit(rest[0]) ||
	       (reading_starts(rest, "に") && reading_digit(rest[strlen("に")]));
}

/* Appends the reading of a day number (as 日 or 日間). */
static void
reading_day(struct buf *b, const struct reading_num *num, int count)
{
	uint64_t v = num->value;

	if (num->value_ok && v == 1 && count) {
		buf_addstr(b, "いちにち");
	} else if (num->value_ok && v >= 1 && v <= 10) {
		buf_addstr(b, reading_day_names[v]);
	} else if (num->value_ok && v == 20) {
		buf_addstr(b, "はつか");
	} else {
		reading_num_read(b, num);
		if (reading_ends(b, "よん")) {
			reading_cut(b, strlen("ん"));
			buf_addstr(b, "っか");
		} else {
			reading_join(b, "にち", RS_NANA | RS_KYUU);
		}
	}
}

/* The counter written at s (the longest that matches), or NULL. */
static const struct reading_counter *
reading_counter_at(const char *s)
{
	const struct reading_counter *c = NULL;
	size_t i, n, best = 0;

	for (i = 0; i < sizeof reading_counters / sizeof reading_counters[0]; i++) {
		n = strlen(reading_counters[i].text);
		if (n > best && strncmp(s, reading_counters[i].text, n) == 0) {
			best = n;
			c = &reading_counters[i];
		}
	}
	return c;
}

/* Appends to b the number num (whose plain reading is numtext) with the
 * counter written at in + *pos; start is where the number's digits began
 * in in (the words before it matter for 日).  Returns 1 when a counter was
 * there (*pos moves past it and any suffix), 0 when there is none. */
static int
reading_counter(struct buf *b, const char *in, const struct reading_num *num, const char *numtext,
                int decimal, size_t start, size_t *pos)
{
	const struct reading_counter *c = reading_counter_at(in + *pos);
	const char *at = in + *pos;
	size_t i, best;
	unsigned sound;
	uint64_t v = num->value;
	int small = num->value_ok && !decimal;

	if (c == NULL)
		return 0;
	best = strlen(c->text);
	if (c->kind == RK_TSU && !(small && v >= 1 && v <= 10))
		return 0;
	sound = decimal ? c->sound & (RS_YON | RS_NANA | RS_KYUU) : c->sound;
	switch (c->kind) {
	case RK_DAY:
	case RK_DAYS:
		if (decimal) {
			buf_addstr(b, numtext);
			buf_addstr(b, "にち");
		} else {
			reading_day(b, num,
			            c->kind == RK_DAYS ||
			                    reading_day_count(in, start, *pos + best));
		}
		if (c->kind == RK_DAYS)
			buf_addstr(b, c->reading);
		break;
	case RK_MONTH:
		if (small && v >= 1 && v <= 12) {
			buf_addstr(b, reading_month_names[v]);
		} else {
			buf_addstr(b, numtext);
			buf_addstr(b, "がつ");
		}
		break;
	case RK_PEOPLE:
		if (small && (v == 1 || v == 2)) {
			buf_addstr(b, v == 1 ? "ひとり" : "ふたり");
		} else {
			buf_addstr(b, numtext);
			reading_join(b, c->reading, sound);
		}
		break;
	case RK_AGE:
		buf_addstr(b, numtext);
		if (small && v == 20) {
			reading_cut(b, strlen(numtext));
			buf_addstr(b, "はたち");
		} else {
			reading_join(b, c->reading, sound);
		}
		break;
	case RK_TSU:
		buf_addstr(b, reading_tsu_names[v]);
		break;
	case RK_HOUR:
		if (small && v == 0)
			buf_addstr(b, "れい");
		else
			buf_addstr(b, numtext);
		reading_join(b, c->reading, sound);
		break;
	case RK_MINUTE:
		buf_addstr(b, numtext);
		/* 3分の1: a fraction, さんぶんのいち */
		if (reading_starts(at + best, "の") && reading_digit(at[best + strlen("の")]))
			buf_addstr(b, "ぶん");
		else
			reading_join(b, c->reading, sound);
		break;
	case RK_PLAIN:
		buf_addstr(b, numtext);
		reading_join(b, c->reading, sound);
		break;
	}
	*pos += best;
	if (c->flags & RC_SUFFIX) {
		for (i = 0; i < sizeof reading_suffixes / sizeof reading_suffixes[0]; i++) {
			if (reading_starts(in + *pos, reading_suffixes[i].text)) {
				buf_addstr(b, reading_suffixes[i].reading);
				*pos += strlen(reading_suffixes[i].text);
				break;
			}
		}
	}
	return 1;
}

/* Length of the run of digits at s. */
static size_t
reading_digit_run(const char *s)
{
	size_t n = 0;

	while (reading_digit(s[n]))
		n++;
	return n;
}

/* Parses a small number d[0..n) (at most 9 digits). */
static long
reading_small(const char *d, size_t n)
{
	long v = 0;
	size_t i;

	if (n > 9)
		return -1;
	for (i = 0; i < n; i++)
		v = v * 10 + (d[i] - '0');
	return v;
}

static void
reading_num_set(struct reading_num *num, const char *d, size_t n)
{
	memset(num, 0, sizeof *num);
	reading_num_add(num, d, n, 0);
	reading_num_value(num);
}

/* Appends the number d[0..n) with the counter at in + at, as if it were
 * written there (times and slash dates use this: "月日" with at 3 is a
 * day of a month). */
static void
reading_with(struct reading_scan *sc, const char *d, size_t n, const char *in, size_t at)
{
	struct reading_num num;
	struct buf nb;

	reading_num_set(&num, d, n);
	buf_init(&nb, 0);
	reading_num_read(&nb, &num);
	if (!reading_counter(&sc->out, in, &num, nb.data, 0, at, &at))
		buf_addstr(&sc->out, nb.data);
	buf_release(&nb);
}

/* H:MM -> くじさんじゅっぷん.  Returns the end, or 0 when it is not a time. */
static size_t
reading_time(struct reading_scan *sc, size_t pos, size_t n)
{
	const char *s = sc->in + pos;
	long h = reading_small(s, n), m;

	if (n > 2 || s[n] != ':' || !reading_digit(s[n + 1]) || !reading_digit(s[n + 2]) ||
	    reading_digit(s[n + 3]))
		return 0;
	m = reading_small(s + n + 1, 2);
	if (h > 48 || m > 59)
		return 0;
	reading_with(sc, s, n, "時", 0);
	if (m > 0)
		reading_with(sc, s[n + 1] == '0' ? s + n + 2 : s + n + 1, s[n + 1] == '0' ? 1 : 2,
		             "分", 0);
	return pos + n + 3;
}

/* Groups of digits joined by hyphens: phone numbers and postal codes are
 * read digit by digit ("ぜろさん の いちにさんよん ..."), other short groups
 * as numbers joined by の.  Returns the end, or 0 when there is no hyphen. */
static size_t
reading_hyphens(struct reading_scan *sc, size_t pos)
{
	const char *s = sc->in + pos;
	size_t i = 0, n, starts[8], lens[8], ng = 0, total = 0, k;
	int digitwise = 0;
	struct reading_num num;

	while (ng < 8) {
		n = reading_digit_run(s + i);
		if (n == 0)
			break;
		starts[ng] = i;
		lens[ng] = n;
		total += n;
		if (n > 1 && s[i] == '0')
			digitwise = 1;
		ng++;
		i += n;
		if (s[i] != '-' || !reading_digit(s[i + 1]))
			break;
		i++;
	}
	if (ng < 2)
		return 0;
	if (total >= 6)
		digitwise = 1;
	reading_space(sc);
	for (k = 0; k < ng; k++) {
		if (k > 0)
			buf_addstr(&sc->out, " の ");
		if (digitwise) {
			reading_digitwise(&sc->out, s + starts[k], lens[k]);
		} else {
			reading_num_set(&num, s + starts[k], lens[k]);
			reading_num_read(&sc->out, &num);
		}
	}
	buf_addch(&sc->out, ' ');
	return pos + i;
}

/* M/D and Y/M/D dates.  Returns the end, or 0 when it is not a date. */
static size_t
reading_slash(struct reading_scan *sc, size_t pos, size_t n)
{
	const char *s = sc->in + pos;
	size_t n2, n3;
	long a, b2, c;

	if (s[n] != '/' || !reading_digit(s[n + 1]))
		return 0;
	n2 = reading_digit_run(s + n + 1);
	a = reading_small(s, n);
	b2 = reading_small(s + n + 1, n2);
	if (n == 4 && s[n + 1 + n2] == '/' && reading_digit(s[n + 2 + n2])) {
		n3 = reading_digit_run(s + n + 2 + n2);
		c = reading_small(s + n + 2 + n2, n3);
		if (b2 < 1 || b2 > 12 || c < 1 || c > 31)
			return 0;
		reading_with(sc, s, n, "年", 0);
		reading_with(sc, s + n + 1, n2, "月", 0);
		reading_with(sc, s + n + 2 + n2, n3, "月日", strlen("月"));
		return pos + n + 2 + n2 + n3;
	}
	if (n > 2 || n2 > 2 || a < 1 || a > 12 || b2 < 1 || b2 > 31)
		return 0;
	reading_with(sc, s, n, "月", 0);
	reading_with(sc, s + n + 1, n2, "月日", strlen("月"));
	return pos + n + 1 + n2;
}

/* The power of the written multiplier (万 1, 億 2 ...) at s, or 0; *len
 * gets its length. */
static int
reading_multiplier_at(const char *s, size_t *len)
{
	size_t k;

	for (k = 0; k < sizeof reading_multipliers / sizeof reading_multipliers[0]; k++) {
		if (reading_starts(s, reading_multipliers[k].text)) {
			*len = strlen(reading_multipliers[k].text);
			return reading_multipliers[k].power;
		}
	}
	*len = 0;
	return 0;
}

/* A number at pos (a digit), with what belongs to it.  yen: a yen sign came
 * before it.  Returns the position after it. */
static size_t
reading_number(struct reading_scan *sc, size_t pos, int yen)
{
	const char *s = sc->in;
	size_t first, n, e, k, mlen, dstart = 0, dlen = 0;
	struct reading_num num;
	struct buf digits, nb;
	int decimal = 0, commas = 0, multiplied = 0, power, dec_power = 0;

	first = reading_digit_run(s + pos);
	if ((e = reading_time(sc, pos, first)) != 0 || (e = reading_hyphens(sc, pos)) != 0 ||
	    (e = reading_slash(sc, pos, first)) != 0)
		return e;

	memset(&num, 0, sizeof num);
	buf_init(&digits, 0);
	buf_init(&nb, 0);
	/* The integer, with its separators and written multipliers:
	 * 1,500 / 10万 / 1億2,000万; or a decimal fraction: 1.5, 1.5万. */
	e = pos;
	for (;;) {
		buf_reset(&digits);
		n = reading_digit_run(s + e);
		buf_add(&digits, s + e, n);
		e += n;
		while (s[e] == ',' && reading_digit_run(s + e + 1) == 3) {
			buf_add(&digits, s + e + 1, 3);
			e += 4;
			commas = 1;
		}
		/* 3千円, 5千万円: a written thousand after one digit. */
		if (digits.len == 1 && reading_starts(s + e, "千")) {
			buf_addstr(&digits, "000");
			e += strlen("千");
			commas = 1;
		}
		power = reading_multiplier_at(s + e, &mlen);
		if (power == 0 && !multiplied && s[e] == '.' && reading_digit(s[e + 1])) {
			decimal = 1;
			dstart = e + 1;
			dlen = reading_digit_run(s + dstart);
			reading_num_add(&num, digits.data, digits.len, 0);
			e = dstart + dlen;
			dec_power = reading_multiplier_at(s + e, &mlen);
			e += mlen;
			break;
		}
		reading_num_add(&num, digits.data, digits.len, power);
		if (power == 0)
			break;
		e += mlen;
		multiplied = 1;
		if (!reading_digit(s[e]))
			break;
	}
	reading_num_value(&num);

	if (decimal) {
		if (num.value_ok && num.value == 0)
			buf_addstr(&nb, "れい");
		else
			reading_num_read(&nb, &num);
		reading_join(&nb, "てん", RS_ICHI | RS_HACHI | RS_JUU);
		reading_digitwise(&nb, s + dstart, dlen);
		buf_addstr(&nb, reading_units[dec_power]);
	} else if (num.overflow || (!commas && !multiplied &&
	                            ((first > 1 && s[pos] == '0') ||
	                             (first >= 9 && reading_counter_at(s + e) == NULL)))) {
		/* Codes, numbers with leading zeros and long runs of digits that
		 * count nothing are read digit by digit. */
		buf_reset(&digits);
		for (k = pos; k < e; k++)
			if (reading_digit(s[k]))
				buf_addch(&digits, s[k]);
		reading_digitwise(&sc->out, digits.data, digits.len);
		goto out;
	} else {
		reading_num_read(&nb, &num);
	}
	if (!reading_counter(&sc->out, s, &num, nb.data, decimal, pos, &e)) {
		buf_addstr(&sc->out, nb.data);
		if (yen)
			buf_addstr(&sc->out, "えん");
	}
out:
	buf_release(&digits);
	buf_release(&nb);
	return e;
}

/* 〒100-8111: ゆうびんばんごう いちぜろぜろ の はちいちいちいち. */
static size_t
reading_postal(struct reading_scan *sc, size_t pos)
{
	const char *s = sc->in;
	size_t p = pos, n;

	reading_space(sc);
	buf_addstr(&sc->out, "ゆうびんばんごう ");
	while (s[p] == ' ')
		p++;
	n = reading_digit_run(s + p);
	if (n == 3 && s[p + 3] == '-' && reading_digit_run(s + p + 4) == 4) {
		reading_digitwise(&sc->out, s + p, 3);
		buf_addstr(&sc->out, " の ");
		reading_digitwise(&sc->out, s + p + 4, 4);
		p += 8;
	} else if (n == 7) {
		reading_digitwise(&sc->out, s + p, 3);
		buf_addstr(&sc->out, " の ");
		reading_digitwise(&sc->out, s + p + 3, 4);
		p += 7;
	} else {
		return pos;
	}
	buf_addch(&sc->out, ' ');
	return p;
}

/* Latin words with a settled Japanese pronunciation. */
static const struct {
	const char *word, *reading;
} reading_words[] = {
        {"e-Tax", "いーたっくす"}, {"eLTAX", "えるたっくす"}, {"Wi-Fi", "わいふぁい"},
        {"FAX", "ふぁっくす"},     {"Fax", "ふぁっくす"},
};

/* The Japanese names of the Latin letters, for acronyms. */
static const char *const reading_letters[26] = {
        "エー",   "ビー",   "シー", "ディー", "イー",       "エフ",     "ジー", "エイチ", "アイ",
        "ジェー", "ケー",   "エル", "エム",   "エヌ",       "オー",     "ピー", "キュー", "アール",
        "エス",   "ティー", "ユー", "ブイ",   "ダブリュー", "エックス", "ワイ", "ゼット",
};

/* A Latin word at pos: letters, with - ' . _ @ / joining letters. */
static size_t
reading_latin(struct reading_scan *sc, size_t pos)
{
	const char *s = sc->in + pos;
	size_t n = 0, i;
	int caps = 1;

	while (reading_alpha(s[n]) ||
	       (n > 0 && s[n] != '\0' && strchr("-'._@/", s[n]) != NULL && reading_alpha(s[n + 1])))
		n++;
	for (i = 0; i < sizeof reading_words / sizeof reading_words[0]; i++) {
		if (strlen(reading_words[i].word) == n &&
		    strncmp(s, reading_words[i].word, n) == 0) {
			buf_addstr(&sc->out, reading_words[i].reading);
			return pos + n;
		}
	}
	for (i = 0; i < n; i++)
		if (!(s[i] >= 'A' && s[i] <= 'Z'))
			caps = 0;
	if (caps && n <= 6) {
		for (i = 0; i < n; i++)
			buf_addstr(&sc->out, reading_letters[s[i] - 'A']);
		return pos + n;
	}
	reading_space(sc);
	buf_add(&sc->out, s, n);
	buf_addch(&sc->out, ' ');
	return pos + n;
}

/* "(火)", "(月・祝)" after a date: the days of the week in words.  Returns
 * the end, or 0 when the brackets hold something else. */
static size_t
reading_weekday(struct reading_scan *sc, size_t pos)
{
	static const struct {
		const char *kanji, *reading;
	} days[] = {
	        {"日", "にちようび"}, {"月", "げつようび"}, {"火", "かようび"},
	        {"水", "すいようび"}, {"木", "もくようび"}, {"金", "きんようび"},
	        {"土", "どようび"},   {"祝", "しゅくじつ"},
	};
	const char *s = sc->in + pos + 1;
	struct buf words;
	size_t i, found;

	buf_init(&words, 0);
	for (;;) {
		found = 0;
		for (i = 0; i < sizeof days / sizeof days[0]; i++) {
			if (reading_starts(s, days[i].kanji)) {
				buf_addstr(&words, " ");
				buf_addstr(&words, days[i].reading);
				s += strlen(days[i].kanji);
				found = 1;
				break;
			}
		}
		if (!found)
			break;
		if (reading_starts(s, "曜日"))
			s += strlen("曜日");
		else if (reading_starts(s, "曜"))
			s += strlen("曜");
		if (reading_starts(s, "・"))
			s += strlen("・");
		else
			break;
	}
	if (words.len == 0 || *s != ')') {
		buf_release(&words);
		return 0;
	}
	buf_addstr(&sc->out, words.data);
	buf_addch(&sc->out, ' ');
	buf_release(&words);
	return (size_t)(s + 1 - sc->in);
}

/* Punctuation and everything else that is neither a word nor a number. */
static void
reading_punct(struct reading_scan *sc, unsigned int cp)
{
	switch (cp) {
	case 0x3001: /* 、 */
	case ',':
	case 0x30FB: /* ・ */
	case ':':
	case ';':
		buf_addstr(&sc->out, "、");
		break;
	case 0x3002: /* 。 */
	case '.':
		buf_addstr(&sc->out, "。");
		break;
	case '!':
		buf_addstr(&sc->out, "！");
		break;
	case '?':
		buf_addstr(&sc->out, "？");
		break;
	case '\n':
		if (!reading_ends(&sc->out, "。") && !reading_ends(&sc->out, "、") &&
		    !reading_ends(&sc->out, "！") && !reading_ends(&sc->out, "？") &&
		    sc->out.len > 0)
			buf_addstr(&sc->out, "。");
		reading_space(sc);
		break;
	case '~':
		buf_addstr(&sc->out, " から ");
		break;
	case '%':
		buf_addstr(&sc->out, "ぱーせんと");
		break;
	case '&':
		buf_addstr(&sc->out, " あんど ");
		break;
	default:
		/* Brackets, quotes, symbols, emoji: a word boundary only. */
		reading_space(sc);
		break;
	}
}

/* --- MeCab ----------------------------------------------------------- */

struct reading_tok {
	char *surface; /* as written */
	char *kana;    /* what to say; NULL: look up character by character */
	int verb;      /* a verb or auxiliary verb (for 方 -> かた) */
};

/* Is s[0..len) all kana (hiragana, katakana, ー)? */
static int
reading_all_kana(const char *s, size_t len)
{
	unsigned int cp;
	size_t n;

	if (len == 0)
		return 0;
	while (len > 0 && (n = text_decode(s, len, &cp)) > 0) {
		if (!reading_is_kana(cp))
			return 0;
		s += n;
		len -= n;
	}
	return 1;
}

/* The katakana form of a hiragana or katakana code point. */
static unsigned int
reading_kata(unsigned int cp)
{
	return cp >= 0x3041 && cp <= 0x3096 ? cp + 0x60 : cp;
}

/* Returns the kana (a newly allocated copy of word, in hiragana when
 * hira) with は and へ written as said where pron (the dictionary's
 * pronunciation, katakana) says わ and え.  pron may be NULL. */
static char *
reading_said(const char *word, size_t wlen, int hira, const char *pron)
{
	struct buf b;
	unsigned int cp, pc;
	size_t n, pn = 0, plen = pron != NULL ? strlen(pron) : 0;
	const char *p = pron;
	int aligned = 1;

	buf_init(&b, 0);
	buf_addstr(&b, "");
	while (wlen > 0 && (n = text_decode(word, wlen, &cp)) > 0) {
		pc = 0;
		if (aligned && plen > 0 && (pn = text_decode(p, plen, &pc)) > 0) {
			p += pn;
			plen -= pn;
		} else {
			aligned = 0;
		}
		if (aligned && reading_kata(cp) == 0x30CF && pc == 0x30EF) /* ハ -> ワ */
			cp = cp == 0x30CF ? 0x30EF : 0x308F;
		else if (aligned && reading_kata(cp) == 0x30D8 && pc == 0x30A8) /* ヘ -> エ */
			cp = cp == 0x30D8 ? 0x30A8 : 0x3048;
		if (hira && cp >= 0x30A1 && cp <= 0x30F6)
			cp -= 0x60;
		reading_put_cp(&b, cp);
		word += n;
		wlen -= n;
	}
	return buf_take(&b);
}

/* Splits a MeCab feature string at commas into at most max fields (copied
 * into store, which must be as long as the feature).  Returns the count. */
static int
reading_fields(const char *feature, char *store, const char **f, int max)
{
	int nf = 0;

	memcpy(store, feature, strlen(feature) + 1);
	f[nf++] = store;
	for (; *store != '\0' && nf < max; store++) {
		if (*store == ',') {
			*store = '\0';
			f[nf++] = store + 1;
		}
	}
	return nf;
}

/* The reading MeCab gives for s[0..len) as one word, or NULL. */
static char *
reading_lookup(struct reading *r, const char *s, size_t len)
{
	const mecab_node_t *node;
	const char *f[12];
	char *store, *out = NULL;
	int nf;

	if (r == NULL || r->mecab == NULL)
		return NULL;
	node = mecab_sparse_tonode2(r->mecab, s, len);
	for (; node != NULL; node = node->next) {
		if (node->stat == MECAB_BOS_NODE || node->stat == MECAB_EOS_NODE)
			continue;
		if (node->length != len || node->feature == NULL)
			break;
		store = xmalloc(strlen(node->feature) + 1);
		nf = reading_fields(node->feature, store, f, 12);
		if (nf > 7 && reading_all_kana(f[7], strlen(f[7])))
			out = reading_said(f[7], strlen(f[7]), 1, NULL);
		else if (nf > 5 && reading_all_kana(f[5], strlen(f[5])))
			out = reading_said(f[5], strlen(f[5]), 1, NULL);
		free(store);
		break;
	}
	return out;
}

/* Words after which "の方" means a person (対象の方: the people it is
 * for), not a direction or a side. */
static int
reading_person_word(const char *w)
{
	static const char *const words[] = {
	        "以上", "以下", "未満",   "以外", "対象", "該当",
	        "希望", "本人", "ご本人", "予定", "利用", "申請",
	};
	size_t i;

	for (i = 0; i < sizeof words / sizeof words[0]; i++)
		if (strcmp(w, words[i]) == 0)
			return 1;
	return 0;
}

/* Words of notices that the Debian dictionaries misread, with the reading
 * people use.  Kept short: a word belongs here only when every reading of
 * it in a notice would be this one. */
static const struct {
	const char *word, *reading;
} reading_lexicon[] = {
        {"日本年金機構", "にほんねんきんきこう"},
        {"各月末", "かくげつまつ"},
        {"各月", "かくげつ"},
        {"対象月", "たいしょうづき"},
        {"偶数月", "ぐうすうづき"},
        {"奇数月", "きすうづき"},
        {"出張所", "しゅっちょうじょ"},
        {"健診", "けんしん"},
};

/* Reads a run of kana and kanji with MeCab and appends the reading.
 * before_number: a number follows the run. */
static void
reading_mecab(struct reading_scan *sc, const char *s, size_t len, int before_number)
{
	struct reading *r = sc->r;
	const mecab_node_t *node = NULL;
	struct reading_tok *toks = NULL;
	size_t ntoks = 0, alloc = 0, i, n, slen;
	const char *f[12], *p;
	char *store, *one;
	unsigned int cp;
	int nf;

	if (r != NULL && r->mecab != NULL)
		node = mecab_sparse_tonode2(r->mecab, s, len);
	if (node == NULL) {
		/* No dictionary: kana are said, kanji are left out. */
		toks = xcalloc(1, sizeof *toks);
		toks[0].surface = xstrndup(s, len);
		ntoks = 1;
	}
	for (; node != NULL; node = node->next) {
		if (node->stat == MECAB_BOS_NODE || node->stat == MECAB_EOS_NODE ||
		    node->length == 0)
			continue;
		if (ntoks == alloc) {
			alloc = alloc ? alloc * 2 : 16;
			toks = xreallocarray(toks, alloc, sizeof *toks);
		}
		memset(&toks[ntoks], 0, sizeof toks[ntoks]);
		/* Copied: the nodes are gone after the next parse. */
		toks[ntoks].surface = xstrndup(node->surface, node->length);
		if (node->feature != NULL) {
			store = xmalloc(strlen(node->feature) + 1);
			nf = reading_fields(node->feature, store, f, 12);
			toks[ntoks].verb = strcmp(f[0], "動詞") == 0 || strcmp(f[0], "助動詞") == 0;
			if (reading_all_kana(node->surface, node->length))
				toks[ntoks].kana = reading_said(node->surface, node->length, 0,
				                                nf > 8 ? f[8] : NULL);
			else if (nf > 7 && reading_all_kana(f[7], strlen(f[7])))
				toks[ntoks].kana =
				        reading_said(f[7], strlen(f[7]), 1, nf > 8 ? f[8] : NULL);
			else if (nf > 5 && nf <= 7 && reading_all_kana(f[5], strlen(f[5])))
				/* JUMAN's dictionary: the reading is the sixth field. */
				toks[ntoks].kana = reading_said(f[5], strlen(f[5]), 1, NULL);
			free(store);
		}
		ntoks++;
	}

	/* Readings that depend on the words around them. */
	for (i = 0; i < ntoks; i++) {
		if (toks[i].kana == NULL)
			continue;
		/* 年4回: "a year", ねん, not とし. */
		if (i == ntoks - 1 && before_number && strcmp(toks[i].surface, "年") == 0 &&
		    strcmp(toks[i].kana, "とし") == 0) {
			free(toks[i].kana);
			toks[i].kana = xstrdup("ねん");
		}
		/* 納める方, 65歳以上の方: a person, かた, not ほう. */
		if (strcmp(toks[i].surface, "方") == 0 && strcmp(toks[i].kana, "ほう") == 0 &&
		    ((i > 0 && toks[i - 1].verb) ||
		     (i > 1 && strcmp(toks[i - 1].surface, "の") == 0 &&
		      reading_person_word(toks[i - 2].surface)))) {
			free(toks[i].kana);
			toks[i].kana = xstrdup("かた");
		}
	}

	for (i = 0; i < ntoks; i++) {
		if (toks[i].kana != NULL) {
			buf_addstr(&sc->out, toks[i].kana);
		} else {
			/* Unknown to the dictionary: each character on its own;
			 * what has no reading is left out. */
			p = toks[i].surface;
			slen = strlen(p);
			while ((n = text_decode(p, slen, &cp)) > 0) {
				if (reading_is_kana(cp)) {
					buf_add(&sc->out, p, n);
				} else if ((one = reading_lookup(r, p, n)) != NULL) {
					buf_addstr(&sc->out, one);
					free(one);
				}
				p += n;
				slen -= n;
			}
		}
		free(toks[i].surface);
		free(toks[i].kana);
	}
	free(toks);
}

/* Reads a run of kana and kanji: words of the lexicon directly, the rest
 * with MeCab. */
static void
reading_chunk(struct reading_scan *sc, const char *s, size_t len, int before_number)
{
	size_t i = 0, from = 0, k, n, best;
	const char *reading;
	unsigned int cp;

	while (i < len) {
		best = 0;
		reading = NULL;
		for (k = 0; k < sizeof reading_lexicon / sizeof reading_lexicon[0]; k++) {
			n = strlen(reading_lexicon[k].word);
			if (n > best && n <= len - i &&
			    memcmp(s + i, reading_lexicon[k].word, n) == 0) {
				best = n;
				reading = reading_lexicon[k].reading;
			}
		}
		if (reading == NULL) {
			n = text_decode(s + i, len - i, &cp);
			i += n > 0 ? n : 1;
			continue;
		}
		if (i > from)
			reading_mecab(sc, s + from, i - from, 0);
		buf_addstr(&sc->out, reading);
		i += best;
		from = i;
	}
	if (len > from)
		reading_mecab(sc, s + from, len - from, before_number);
}

/* --- Output ---------------------------------------------------------- */

static int
reading_pause(unsigned int cp)
{
	return cp == 0x3001 || cp == 0x3002 || cp == 0xFF01 || cp == 0xFF1F;
}

/* Keeps only what the contract allows (kana, ASCII letters and a few
 * signs inside Latin words, pauses, single spaces), and tidies pauses:
 * no pause first, no space before a pause, "、。" becomes "。". */
static char *
reading_finish(const char *s)
{
	struct buf b;
	unsigned int cp, last = ' ';
	size_t n, len = strlen(s), mark;
	int space = 0;

	buf_init(&b, 0);
	buf_addstr(&b, "");
	while ((n = text_decode(s, len, &cp)) > 0) {
		s += n;
		len -= n;
		if (cp == '!')
			cp = 0xFF01;
		else if (cp == '?')
			cp = 0xFF1F;
		if (cp == ' ') {
			space = 1;
			continue;
		}
		if (reading_pause(cp)) {
			if (b.len == 0)
				continue;
			if (reading_pause(last)) {
				/* Keep the stronger of two pauses in a row. */
				if (last == 0x3001) {
					mark = b.len - strlen("、");
					b.len = mark;
					b.data[b.len] = '\0';
					reading_put_cp(&b, cp);
					last = cp;
				}
				space = 0;
				continue;
			}
			reading_put_cp(&b, cp);
			last = cp;
			space = 0;
			continue;
		}
		if (!(reading_is_kana(cp) || reading_alpha((char)(cp < 0x80 ? cp : 0)) ||
		      (cp > 0 && cp < 0x80 && strchr("-'._@/", (int)cp) != NULL)))
			continue;
		if (space && b.len > 0 && !reading_pause(last))
			buf_addch(&b, ' ');
		space = 0;
		reading_put_cp(&b, cp);
		last = cp;
	}
	return buf_take(&b);
}

char *
reading_of(struct reading *r, const char *text)
{
	struct reading_scan sc;
	char *clean, *norm, *out;
	size_t len, pos, n, end;
	unsigned int cp;

	if (text == NULL)
		text = "";
	len = strlen(text);
	if (len > READING_MAX_INPUT) {
		/* Cut at a character boundary. */
		len = READING_MAX_INPUT;
		while (len > 0 && ((unsigned char)text[len] & 0xC0) == 0x80)
			len--;
	}
	clean = text_clean(text, len, TEXT_MULTILINE);
	norm = reading_normalise(clean);
	free(clean);

	memset(&sc, 0, sizeof sc);
	sc.r = r;
	sc.in = norm;
	sc.len = strlen(norm);
	sc.chunk = READING_NO_CHUNK(&sc);
	buf_init(&sc.out, 0);
	buf_addstr(&sc.out, "");
	pos = 0;
	while (pos < sc.len) {
		if (reading_digit(norm[pos])) {
			reading_flush(&sc, pos, 1);
			pos = reading_number(&sc, pos, 0);
			continue;
		}
		n = text_decode(norm + pos, sc.len - pos, &cp);
		if (n == 0)
			break;
		if (reading_is_kanji(cp) || reading_is_kana(cp)) {
			if (sc.chunk == READING_NO_CHUNK(&sc))
				sc.chunk = pos;
			pos += n;
			continue;
		}
		reading_flush(&sc, pos, 0);
		if (cp == 0x3012) { /* 〒 */
			pos = reading_postal(&sc, pos + n);
		} else if (cp == 0xA5 && reading_digit(norm[pos + n])) { /* ¥1,500 */
			pos = reading_number(&sc, pos + n, 1);
		} else if (reading_alpha(norm[pos])) {
			pos = reading_latin(&sc, pos);
		} else if (cp == '(' && (end = reading_weekday(&sc, pos)) != 0) {
			pos = end;
		} else {
			reading_punct(&sc, cp);
			pos += n;
		}
	}
	reading_flush(&sc, pos, 0);
	out = reading_finish(sc.out.data);
	buf_release(&sc.out);
	free(norm);
	return out;
}

/* --- Opening --------------------------------------------------------- */

/* Opens MeCab on the dictionary in dir, ignoring any mecabrc. */
static mecab_t *
reading_mecab_dir(const char *dir)
{
	char *argv[] = {(char *)"mecab", (char *)"-r", (char *)"/dev/null",
	                (char *)"-d",    (char *)dir,  NULL};

	return mecab_new(5, argv);
}

struct reading *
reading_open(const char *dicdir, char **cause)
{
	struct reading *r;
	const char *env = getenv("MYNA_MECAB_DICDIR");
	size_t i;

	if (dicdir == NULL && env != NULL && env[0] != '\0')
		dicdir = env;
	r = xcalloc(1, sizeof *r);
	if (dicdir != NULL) {
		r->mecab = reading_mecab_dir(dicdir);
		if (r->mecab == NULL) {
			*cause = xasprintf(_("MeCab cannot use the dictionary in %s: %s"), dicdir,
			                   mecab_strerror(NULL));
			free(r);
			return NULL;
		}
		return r;
	}
	r->mecab = mecab_new2("");
	for (i = 0; r->mecab == NULL &&
	            i < sizeof reading_debian_dicdirs / sizeof reading_debian_dicdirs[0];
	     i++)
		r->mecab = reading_mecab_dir(reading_debian_dicdirs[i]);
	if (r->mecab == NULL) {
		*cause = xasprintf(_("MeCab has no dictionary (install mecab-naist-jdic, or set "
		                     "MYNA_MECAB_DICDIR): %s"),
		                   mecab_strerror(NULL));
		free(r);
		return NULL;
	}
	return r;
}

void
reading_close(struct reading *r)
{
	if (r == NULL)
		return;
	if (r->mecab != NULL)
		mecab_destroy(r->mecab);
	free(r);
}
