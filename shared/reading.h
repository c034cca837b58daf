/*
 * reading: turns Japanese text into what a speech synthesiser should say.
 * espeak-ng reads kana but not kanji, and no dictionary reads numbers,
 * dates and counters as people say them, so the text becomes its reading:
 *
 *   "12月1日（火）は1,500円"  ->  "じゅうにがつついたち かようび わせんごひゃくえん"
 *
 * Kanji get their readings from MeCab (with the dictionary that MeCab is
 * set up with, or the one in MYNA_MECAB_DICDIR).  Numbers, dates, times,
 * money, counters, phone numbers and postal codes follow the project's own
 * rules (reading.c lists them).  The contract of the output:
 *
 *   - it never contains a kanji (U+3400-U+4DBF, U+4E00-U+9FFF, U+F900-
 *     U+FAFF, U+20000 and up, 々, 〆, 〇) nor a digit: what cannot be read
 *     is left out, never passed through;
 *   - it holds hiragana and katakana (readings of kanji words come out in
 *     hiragana, words written in katakana stay in katakana), the pauses
 *     "、" "。" "？" "！", single spaces between pieces, and ASCII words;
 *   - the particles は and へ are written as they are said (わ, え);
 *   - Latin words: acronyms written in capitals (NHK, ID, URL, up to six
 *     letters) are spelled with the Japanese names of the letters
 *     (エヌエイチケー); a few words that have a settled Japanese
 *     pronunciation (e-Tax) are replaced by it; every other ASCII word is
 *     passed through as written, for an English voice to say.  Any ASCII
 *     letter in the output therefore belongs to such a word (speech.c
 *     switches voice on them);
 *   - phone numbers are read digit by digit, groups joined by "の"
 *     ("03-1234-5678" -> "ぜろさん の いちにさんよん の ごろくななはち");
 *     "〒100-8111" -> "ゆうびんばんごう いちぜろぜろ の はちいちいちいち";
 *   - control characters and escape sequences are removed first
 *     (text_clean); a newline becomes a pause ("。").
 */
#ifndef MYNA_READING_H
#define MYNA_READING_H

#include <stddef.h>

/* Input longer than this many bytes is read up to the last whole character
 * before it; the rest is not read. */
#define READING_MAX_INPUT (64 * 1024)

struct reading;

/* Opens MeCab with the dictionary in dicdir, or (dicdir NULL) in
 * $MYNA_MECAB_DICDIR when set, else MeCab's default dictionary.  Returns
 * the reader, or NULL with a newly allocated reason in *cause.  A reader is
 * not safe to use from two threads at once. */
struct reading *reading_open(const char *dicdir, char **cause);
/* Closes the reader; reading_close(NULL) is a no-op. */
void reading_close(struct reading *r);

/* Returns the reading of text (UTF-8; invalid bytes are tolerated) as a
 * newly allocated string that the caller frees; never NULL.  r may be NULL
 * (MeCab could not be opened): numbers, kana and Latin words are still
 * read, and kanji are left out. */
char *reading_of(struct reading *r, const char *text);

/* Returns 1 if the code point is a kanji in the sense above, else 0. */
int reading_is_kanji(unsigned int cp);
/* Returns 1 if the code point is hiragana or katakana (including ー), else 0. */
int reading_is_kana(unsigned int cp);

#endif
