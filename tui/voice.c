/*
 * voice: the speech presenter (see voice.h).
 */
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "buf.h"
#include "i18n.h"
#include "mem.h"
#include "speech.h"
#include "text.h"
#include "voice.h"

struct voice {
	struct speech *speech;
	char	      *status;	/* the announcement last said, or NULL */
	char	      *place;	/* what identifies the screen last said */
	char	      *focus;	/* the focus text last said */
	int	       editing;	/* a field was being typed in at the last update */
	unsigned       echo_serial;	/* the app's echo_serial last seen */
};

/* The names of the ASCII signs, said instead of the sign itself (most
 * synthesisers say nothing for a lone sign). */
static const struct {
	char	    sign;
	const char *name;	/* N_ */
} voice_signs[] = {
	{ ' ', N_("space") },
	{ '!', N_("exclamation mark") },
	{ '"', N_("quotation mark") },
	{ '#', N_("number sign") },
	{ '$', N_("dollar sign") },
	{ '%', N_("percent sign") },
	{ '&', N_("ampersand") },
	{ '\'', N_("apostrophe") },
	{ '(', N_("left parenthesis") },
	{ ')', N_("right parenthesis") },
	{ '*', N_("asterisk") },
	{ '+', N_("plus sign") },
	{ ',', N_("comma") },
	{ '-', N_("hyphen") },
	{ '.', N_("full stop") },
	{ '/', N_("slash") },
	{ ':', N_("colon") },
	{ ';', N_("semicolon") },
	{ '<', N_("less-than sign") },
	{ '=', N_("equals sign") },
	{ '>', N_("greater-than sign") },
	{ '?', N_("question mark") },
	{ '@', N_("at sign") },
	{ '[', N_("left square bracket") },
	{ '\\', N_("backslash") },
	{ ']', N_("right square bracket") },
	{ '^', N_("caret") },
	{ '_', N_("underscore") },
	{ '`', N_("grave accent") },
	{ '{', N_("left curly bracket") },
	{ '|', N_("vertical bar") },
	{ '}', N_("right curly bracket") },
	{ '~', N_("tilde") },
};

/* Characters that end a word, for speech_echo = words: blanks and signs,
 * and the Japanese ones (the ideographic space, 、 。 ， ． ！ ？ 「 」 （ ）
 * ・). */
static int
voice_separator(unsigned int cp)
{
	static const unsigned int wide[] = { 0x3000, 0x3001, 0x3002, 0xff0c, 0xff0e, 0xff01,
					     0xff1f, 0x300c, 0x300d, 0xff08, 0xff09, 0x30fb };
	size_t i;

	if (cp < 0x80)
		return cp == ' ' || (cp > ' ' && cp < 0x7f && strchr(
			"!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", (int)cp) != NULL);
	for (i = 0; i < sizeof wide / sizeof wide[0]; i++) {
		if (wide[i] == cp)
			return 1;
	}
	return 0;
}

/* What to say for text typed or deleted: a sign by its name, the
 * ideographic space as a space, anything else as it is.  Newly
 * allocated. */
static char *
voice_char_words(const char *s)
{
	size_t i;

	if (strcmp(s, "\xe3\x80\x80") == 0)	/* U+3000 */
		return xstrdup(_("space"));
	if (s[0] != '\0' && s[1] == '\0') {
		for (i = 0; i < sizeof voice_signs / sizeof voice_signs[0]; i++) {
			if (voice_signs[i].sign == s[0])
				return xstrdup(_(voice_signs[i].name));
		}
	}
	return xstrdup(s);
}

/* The word that ends where the separator just typed begins (at end in
 * text), or NULL when there is none.  Newly allocated. */
static char *
voice_word_before(const char *text, size_t end)
{
	size_t off = 0, start = 0, n;
	unsigned int cp;

	while (off < end && (n = text_decode(text + off, end - off, &cp)) > 0) {
		off += n;
		if (voice_separator(cp))
			start = off;
	}
	return start < end ? xstrndup(text + start, end - start) : NULL;
}

/* Says what was just typed into the field of a, as speech_echo asks:
 * "characters" (the default) each character, "words" each word when a
 * blank or sign ends it, "off" nothing; a deletion is said in both
 * ("deleted a"). */
static void
voice_echo(struct voice *v, const struct app *a)
{
	const char *mode = config_get(a->config, "speech_echo"), *t = a->echo_text;
	char *say = NULL, *what;
	unsigned int cp = 0;
	size_t n;

	if (t == NULL || t[0] == '\0' || (mode != NULL && strcmp(mode, "off") == 0))
		return;
	if (a->echo_deleted) {
		what = voice_char_words(t);
		say = xasprintf(_("deleted %s"), what);
		free(what);
	} else if (mode != NULL && strcmp(mode, "words") == 0) {
		n = text_decode(t, strlen(t), &cp);
		if (n == strlen(t) && voice_separator(cp) && a->edit.pos >= n)
			say = voice_word_before(a->edit.text, a->edit.pos - n);
	} else {
		say = voice_char_words(t);
	}
	if (say != NULL)
		speech_say(v->speech, say, SPEECH_FOCUS);
	free(say);
}

/* Speech settings from c; speech is on whenever this presenter runs. */
static void
voice_load(struct speech_settings *st, const struct config *c)
{
	speech_settings_init(st);
	speech_settings_load(st, c);
	st->enabled = 1;
}

struct voice *
voice_open(const struct config *c)
{
	struct voice *v = xcalloc(1, sizeof *v);
	struct speech_settings st;

	voice_load(&st, c);
	v->speech = speech_open(i18n_lang(), &st);
	return v;
}

void
voice_close(struct voice *v)
{
	if (v == NULL)
		return;
	speech_close(v->speech);
	free(v->status);
	free(v->place);
	free(v->focus);
	free(v);
}

char *
voice_focus_text(const struct app *a)
{
	const struct view_item *it;

	if (a->view.nitems == 0)
		return xstrdup("");
	it = &a->view.items[app_focus(a)];
	if (a->editing)
		return xasprintf(_("%s: %s"), it->label, a->edit.text != NULL ? a->edit.text : "");
	if (it->kind == VIEW_ITEM_EDIT)
		return xasprintf(_("%s: %s"), it->label, it->status != NULL ? it->status : "");
	if (it->status != NULL && it->status[0] != '\0')
		return xasprintf(_("%s, %s"), it->label, it->status);
	return xstrdup(it->label);
}

/* Ends s with a full stop unless it ends a sentence already. */
static void
voice_sentence(struct buf *b, const char *s)
{
	static const char *const ends[] = { ".", "?", "!", "\xe3\x80\x82" /* 。 */ };
	size_t i, len = strlen(s);

	if (len == 0)
		return;
	if (b->len > 0)
		buf_addch(b, ' ');
	buf_addstr(b, s);
	for (i = 0; i < sizeof ends / sizeof ends[0]; i++) {
		if (len >= strlen(ends[i]) && strcmp(s + len - strlen(ends[i]), ends[i]) == 0)
			return;
	}
	buf_addch(b, '.');
}

/* "Title. Summary. Focus" as sentences.  Newly allocated. */
static char *
voice_join(const char *title, const char *summary, const char *focus)
{
	struct buf b;

	buf_init(&b, 0);
	voice_sentence(&b, title != NULL ? title : "");
	voice_sentence(&b, summary != NULL ? summary : "");
	if (b.len > 0 && focus[0] != '\0')
		buf_addch(&b, ' ');
	buf_addstr(&b, focus);
	return buf_take(&b);
}

/* Replaces *slot with a copy of s; returns 1 when it differed. */
static int
voice_changed(char **slot, const char *s)
{
	if (*slot == NULL ? s == NULL : s != NULL && strcmp(*slot, s) == 0)
		return 0;
	free(*slot);
	*slot = xstrdup(s);
	return 1;
}

void
voice_update(struct voice *v, const struct app *a)
{
	const struct view *w = &a->view;
	char *place, *focus, *all;
	int new_place, entered, echo;

	if (v == NULL)
		return;
	/* Errors and announcements first, and only once each. */
	if (voice_changed(&v->status, a->status) && a->status != NULL)
		speech_say(v->speech, a->status, a->status_error ? SPEECH_ERROR : SPEECH_ANNOUNCE);
	/* A field says "label: text" when it is entered; then each key
	 * typed into it says what it typed or deleted (voice_echo), not the
	 * whole text again. */
	place = xasprintf("%d\n%s\n%s\n%s", (int)w->screen, w->title ? w->title : "",
			  w->subject ? w->subject : "", w->summary ? w->summary : "");
	focus = voice_focus_text(a);
	new_place = voice_changed(&v->place, place);
	entered = a->editing && !v->editing;
	v->editing = a->editing;
	echo = a->echo_serial != v->echo_serial;
	v->echo_serial = a->echo_serial;
	if (new_place) {
		voice_changed(&v->focus, focus);
		all = voice_join(w->title, w->summary, focus);
		speech_say(v->speech, all, SPEECH_FOCUS);
		free(all);
	} else if (entered) {
		voice_changed(&v->focus, focus);
		speech_say(v->speech, focus, SPEECH_FOCUS);
	} else if (a->editing) {
		if (echo)
			voice_echo(v, a);
	} else if (voice_changed(&v->focus, focus)) {
		speech_say(v->speech, focus, SPEECH_FOCUS);
	}
	free(place);
	free(focus);
}

void
voice_stop(struct voice *v)
{
	if (v != NULL)
		speech_stop(v->speech);
}

int
voice_repeat(struct voice *v)
{
	return v != NULL ? speech_repeat(v->speech) : -1;
}

void
voice_settings(struct voice *v, const struct config *c)
{
	struct speech_settings st;

	if (v == NULL)
		return;
	voice_load(&st, c);
	speech_set(v->speech, &st);
}
