/*
 * voice: the speech presenter (`myna --speech`, or speech = on in the
 * settings), beside curses or plain.  After every key and every live
 * update the presenter calls voice_update, which says what changed:
 * first the announcement of the status line (an error with the highest
 * priority), then the focused item, or the whole new screen (title,
 * summary, focused item) when the screen changed.  Focus text interrupts
 * the focus text before it; any key stops speech (voice_stop); r says the
 * last utterance again.  All speech goes through shared/speech.h, so
 * MYNA_SPEECH_TRANSCRIPT records it.
 */
#ifndef MYNA_TUI_VOICE_H
#define MYNA_TUI_VOICE_H

#include "config.h"

struct app;
struct voice;

/* Opens speech with the settings of c (rate, pitch, volume, voice) in the
 * language in use.  Never NULL. */
struct voice *voice_open(const struct config *c);
/* Stops speaking and frees v; NULL is a no-op. */
void voice_close(struct voice *v);

/* Says what changed in a since the last call. */
void voice_update(struct voice *v, const struct app *a);
/* Stops what is being said (a key was pressed). */
void voice_stop(struct voice *v);
/* Says the last utterance again; returns -1 when there was none. */
int voice_repeat(struct voice *v);
/* Takes new rate, pitch, volume and voice from c. */
void voice_settings(struct voice *v, const struct config *c);

/* The words for the focused item of a: "label, status", or for a field
 * being typed in "label: text".  Newly allocated; "" when there is no
 * item. */
char *voice_focus_text(const struct app *a);

#endif
