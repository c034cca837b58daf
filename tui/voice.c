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
#include "voice.h"

struct voice {
	struct speech *speech;
	char	      *status;	/* the announcement last said, or NULL */
	char	      *place;	/* what identifies the screen last said */
	char	      *focus;	/* the focus text last said */
};

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
	int new_place, new_focus;

	if (v == NULL)
		return;
	/* Errors and announcements first, and only once each. */
	if (voice_changed(&v->status, a->status) && a->status != NULL)
		speech_say(v->speech, a->status, a->status_error ? SPEECH_ERROR : SPEECH_ANNOUNCE);
	/* Typing into a field says nothing per key: the text is spoken
	 * when the field is entered or the answer is taken. */
	place = xasprintf("%d\n%s\n%s\n%s", (int)w->screen, w->title ? w->title : "",
			  w->subject ? w->subject : "", w->summary ? w->summary : "");
	focus = voice_focus_text(a);
	new_place = voice_changed(&v->place, place);
	new_focus = (a->editing && !new_place) ? 0 : voice_changed(&v->focus, focus);
	if (new_place) {
		voice_changed(&v->focus, focus);
		all = voice_join(w->title, w->summary, focus);
		speech_say(v->speech, all, SPEECH_FOCUS);
		free(all);
	} else if (new_focus) {
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
