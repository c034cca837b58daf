/*
 * speech: the one way myna speaks (the TUI's speech presenter, `myna show
 * --speech`, mynad).  A speech handle picks its synthesiser once:
 *
 *   1. speech-dispatcher, when the session already runs one (it is never
 *      started for us): the user's own synthesiser and voice;
 *   2. else espeak-ng directly, through its library, played on the sound
 *      device, or synthesised to nothing when there is no sound device (the
 *      utterance still counts as spoken);
 *   3. else nothing ("none"): one log line, and every call still works.
 *
 * MYNA_SPEECH chooses: "off" (say nothing), "espeak" (skip speech-
 * dispatcher), "silent" (espeak-ng synthesising to nothing, for tests and
 * machines without sound), anything else or unset: the order above.
 *
 * Japanese text (anything with kana or kanji) is turned into its reading
 * first (reading.h) and the reading is what the synthesiser gets, with the
 * Japanese voice; Latin words left in a reading, and text without Japanese,
 * go to the English voice.  Text without letters (digits alone) is read in
 * the handle's language.  Control characters and escape sequences never
 * reach a synthesiser; newlines become pauses.
 *
 * When MYNA_SPEECH_TRANSCRIPT names a file, each utterance is appended to
 * it as one line, exactly as handed to the synthesiser (one write per line,
 * O_APPEND), at the moment it is handed over.  Tests read speech there.
 *
 * A handle is used from one thread.  Nothing here fails in a way the caller
 * must handle: a synthesiser that breaks is logged once and speech goes on
 * without sound.
 */
#ifndef MYNA_SPEECH_H
#define MYNA_SPEECH_H

#include <stddef.h>

#include "config.h"

/* What an utterance is, which decides what it interrupts. */
enum speech_priority {
	/* An error: stops whatever is being said (except another error) and
	 * is said before anything waiting. */
	SPEECH_ERROR,
	/* An announcement (status line): stops focus text and reading, and
	 * is said after errors, before focus text. */
	SPEECH_ANNOUNCE,
	/* The focused item: replaces the focus text or reading being said or
	 * waiting; waits for errors and announcements. */
	SPEECH_FOCUS,
	/* Reading on (the lines of an item): said after everything before it,
	 * interrupts nothing; a new focus text or speech_stop drops it. */
	SPEECH_TEXT,
};

/* Voice settings, in speech-dispatcher's scale: -100 .. 100, 0 is the
 * synthesiser's default. */
struct speech_settings {
	int enabled; /* 0: speech is off */
	int rate;
	int pitch;
	int volume;
	char voice[64]; /* synthesiser voice for the handle's language; "" default */
};

/* What a handle has done, for tests and diagnostics. */
struct speech_stats {
	size_t said;        /* utterances accepted by speech_say or speech_repeat */
	size_t spoken;      /* handed to the synthesiser (or to nothing, without sound) */
	size_t interrupted; /* stopped while being spoken */
	size_t dropped;     /* replaced or stopped before being spoken */
};

/* Defaults: enabled, rate, pitch and volume 0, no voice. */
void speech_settings_init(struct speech_settings *st);
/* Reads the user's settings: speech (on/off), speech.rate, speech.pitch,
 * speech.volume (-100 .. 100) and speech.voice; absent or malformed keys
 * keep what st holds. */
void speech_settings_load(struct speech_settings *st, const struct config *c);

/* Opens speech in lang ("ja" or "en") with the settings (NULL: defaults).
 * Never returns NULL. */
struct speech *speech_open(const char *lang, const struct speech_settings *st);
/* Stops speaking, drops what waits, and frees the handle; speech_close(NULL)
 * is a no-op.  Call speech_wait first to let queued speech finish. */
void speech_close(struct speech *s);

/* "speech-dispatcher", "espeak-ng", "none" or "off". */
const char *speech_backend(struct speech *s);

/* Says text (UTF-8, from anywhere: it is cleaned) with priority p.  Returns
 * 0 when the utterance was accepted, -1 when speech is off or the text has
 * nothing to say. */
int speech_say(struct speech *s, const char *text, enum speech_priority p);
/* Says the last utterance that speech_say accepted again, with its
 * priority.  Returns 0, or -1 when there is none. */
int speech_repeat(struct speech *s);
/* Stops what is being said and drops what waits. */
void speech_stop(struct speech *s);
/* Waits until everything accepted has been spoken (espeak-ng; speech-
 * dispatcher keeps its own queue, so this returns at once). */
void speech_wait(struct speech *s);
/* Changes rate, pitch, volume and voice for what is said next; enabled 0
 * stops speech and turns it off, 1 turns it on again. */
void speech_set(struct speech *s, const struct speech_settings *st);
void speech_stats(struct speech *s, struct speech_stats *out);

/* For tests: hold 1 keeps utterances waiting (nothing is handed to the
 * synthesiser) so that the queue's order can be checked; hold 0 lets them
 * go.  Only the espeak-ng and none synthesisers have a queue of ours. */
void speech_hold(struct speech *s, int hold);

#endif
