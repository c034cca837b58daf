/*
 * wizard: the Apply wizard (see wizard.h).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "amount.h"
#include "buf.h"
#include "i18n.h"
#include "mem.h"
#include "wire.h"
#include "wizard.h"

/* Where the question reached is kept beside draft id. */
static void
wizard_step_key(long long id, char *key, size_t size)
{
	snprintf(key, size, "draft.%lld.step", id);
}

/* Saves the answers as the draft (making it on the first change) and the
 * question reached. */
static int
wizard_save(struct wizard *w, struct store *st, char **cause)
{
	const char *text = json_object_to_json_string_ext(w->answers, JSON_C_TO_STRING_PLAIN |
							      JSON_C_TO_STRING_NOSLASHESCAPE);
	char key[64], step[32];

	if (store_draft_save(st, &w->draft, w->proc.id, text) < 0)
		goto fail;
	wizard_step_key(w->draft, key, sizeof key);
	snprintf(step, sizeof step, "%zu", w->step);
	if (store_meta_set(st, key, step) < 0)
		goto fail;
	return 0;
fail:
	*cause = xasprintf(_("Could not save your draft: %s"), store_error(st));
	return -1;
}

/* Keeps the question reached of a saved draft; a failure only loses the
 * place, never an answer, so it is not reported. */
static void
wizard_save_step(struct wizard *w, struct store *st)
{
	char key[64], step[32];

	if (w->draft == 0)
		return;
	wizard_step_key(w->draft, key, sizeof key);
	snprintf(step, sizeof step, "%zu", w->step);
	store_meta_set(st, key, step);
}

/* The answer given to field i, or NULL. */
static json_object *
wizard_get(const struct wizard *w, size_t i)
{
	json_object *v = NULL;

	if (w->answers == NULL || i >= w->proc.nfields ||
	    !json_object_object_get_ex(w->answers, w->proc.fields[i].name, &v) ||
	    json_object_is_type(v, json_type_null))
		return NULL;
	return v;
}

static void
wizard_set_error(struct wizard *w, char *error)
{
	free(w->error);
	w->error = error;
}

/* The message the server sent back about field i, or NULL. */
static const char *
wizard_server_error(const struct wizard *w, size_t i)
{
	json_object *v = NULL;

	if (w->errors == NULL || i >= w->proc.nfields ||
	    !json_object_object_get_ex(w->errors, w->proc.fields[i].name, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* The first question without an accepted answer, else the review. */
static size_t
wizard_first_open(const struct wizard *w)
{
	const char *code;
	char *msg = NULL;
	size_t i;
	json_object *v;

	for (i = 0; i < w->proc.nfields; i++) {
		v = wizard_get(w, i);
		if (v == NULL && !w->proc.fields[i].required)
			continue;
		if (v == NULL || wire_field_check(&w->proc.fields[i], v, NULL, &code, &msg) < 0) {
			free(msg);
			return i;
		}
	}
	return w->proc.nfields;
}

int
wizard_open(struct wizard *w, struct store *st, const char *procedure, long long draft,
	    json_object *prefill, const char *note, char **cause)
{
	struct store_draft d;
	char key[64], *step = NULL, *why = NULL, *end;
	unsigned long long n;
	size_t i;
	int found = 0;

	memset(w, 0, sizeof *w);
	memset(&d, 0, sizeof d);
	if (store_procedure_get(st, procedure, &w->proc, &found) < 0) {
		*cause = xasprintf(_("Could not read the procedure: %s"), store_error(st));
		goto fail;
	}
	if (!found) {
		*cause = xasprintf(_("The procedure %s is not in your catalogue. Sync, then try "
				     "again."),
				   procedure);
		goto fail;
	}
	if (!w->proc.online) {
		*cause = xasprintf(_("%s cannot be done online. Its details say where to apply."),
				   i18n_pick(w->proc.name.ja, w->proc.name.en));
		goto fail;
	}
	if (draft == 0) {
		w->answers = prefill != NULL ? json_object_get(prefill) : json_object_new_object();
		w->note = xstrdup(note);
		w->step = wizard_first_open(w);
		/* Answers to fix are a draft at once, reviewed first. */
		if (prefill != NULL) {
			w->step = w->proc.nfields;
			if (wizard_save(w, st, cause) < 0)
				goto fail;
		}
		return 0;
	}
	if (store_draft_get(st, draft, &d, &found) < 0) {
		*cause = xasprintf(_("Could not read the draft: %s"), store_error(st));
		goto fail;
	}
	if (!found) {
		*cause = xasprintf(_("There is no draft %lld any more."), draft);
		goto fail;
	}
	w->draft = draft;
	w->answers = wire_parse(d.fields, strlen(d.fields), &why);
	if (w->answers == NULL || !json_object_is_type(w->answers, json_type_object)) {
		*cause = xasprintf(_("The draft cannot be read (%s); delete it and start again."),
				   why != NULL ? why : _("not an object"));
		goto fail;
	}
	if (d.errors != NULL) {
		w->errors = wire_parse(d.errors, strlen(d.errors), &why);
		if (w->errors != NULL && !json_object_is_type(w->errors, json_type_object)) {
			json_object_put(w->errors);
			w->errors = NULL;
		}
	}
	w->step = wizard_first_open(w);
	wizard_step_key(draft, key, sizeof key);
	if (store_meta_get(st, key, &step) == 0 && step != NULL) {
		errno = 0;
		n = strtoull(step, &end, 10);
		if (errno == 0 && *end == '\0' && end != step && n <= w->proc.nfields)
			w->step = (size_t)n;
	}
	/* The server's refusal points at the question to fix first. */
	for (i = 0; w->errors != NULL && i < w->proc.nfields; i++) {
		if (wizard_server_error(w, i) != NULL) {
			w->step = i;
			w->from_review = 1;
			break;
		}
	}
	free(step);
	free(why);
	store_draft_release(&d);
	return 0;
fail:
	free(why);
	store_draft_release(&d);
	wizard_release(w);
	return -1;
}

void
wizard_release(struct wizard *w)
{
	if (w == NULL)
		return;
	wire_procedure_release(&w->proc);
	json_object_put(w->answers);
	json_object_put(w->errors);
	free(w->error);
	free(w->note);
	memset(w, 0, sizeof *w);
}

int
wizard_on_review(const struct wizard *w)
{
	return w->step >= w->proc.nfields;
}

const struct wire_field *
wizard_field(const struct wizard *w)
{
	return wizard_on_review(w) ? NULL : &w->proc.fields[w->step];
}

char *
wizard_text(const struct wizard *w, size_t i)
{
	json_object *v = wizard_get(w, i);

	if (v == NULL)
		return xstrdup("");
	if (json_object_is_type(v, json_type_string))
		return xstrdup(json_object_get_string(v));
	if (json_object_is_type(v, json_type_int))
		return xasprintf("%lld", (long long)json_object_get_int64(v));
	if (json_object_is_type(v, json_type_boolean))
		return xstrdup(json_object_get_boolean(v) ? "true" : "false");
	return xstrdup("");
}

int
wizard_type(struct wizard *w, struct store *st, const char *text, char **cause)
{
	const struct wire_field *f = wizard_field(w);

	if (f == NULL)
		return 0;
	if (text == NULL || text[0] == '\0')
		json_object_object_del(w->answers, f->name);
	else
		json_object_object_add(w->answers, f->name, json_object_new_string(text));
	return wizard_save(w, st, cause);
}

/* Appends the UTF-8 of a full-width digit, comma, full stop, slash or
 * minus sign at *p as ASCII and moves past it; returns 0 when *p is none
 * of them. */
static int
wizard_narrow(const char **p, struct buf *b)
{
	const unsigned char *u = (const unsigned char *)*p;

	/* U+FF10..FF19 are EF BC 90..99; U+FF0C is EF BC 8C; U+FF0D and
	 * U+2212 are minus signs. */
	if (u[0] == 0xef && u[1] == 0xbc && u[2] >= 0x90 && u[2] <= 0x99) {
		buf_addch(b, (char)('0' + (u[2] - 0x90)));
	} else if (u[0] == 0xef && u[1] == 0xbc && u[2] == 0x8c) {
		buf_addch(b, ',');
	} else if ((u[0] == 0xef && u[1] == 0xbc && u[2] == 0x8d) ||
		   (u[0] == 0xe2 && u[1] == 0x88 && u[2] == 0x92)) {
		buf_addch(b, '-');
	} else if (u[0] == 0xef && u[1] == 0xbc && (u[2] == 0x8e || u[2] == 0x8f)) {
		buf_addch(b, u[2] == 0x8e ? '.' : '/');
	} else {
		return 0;
	}
	*p += 3;
	return 1;
}

/* text with full-width digits made ASCII and blanks left out; a date
 * written the Japanese way (2027年4月1日) becomes 2027-4-1. */
static char *
wizard_ascii(const char *text)
{
	struct buf b;
	const char *p = text;

	buf_init(&b, 0);
	while (*p != '\0') {
		if (wizard_narrow(&p, &b))
			continue;
		if (strncmp(p, "年", strlen("年")) == 0 || strncmp(p, "月", strlen("月")) == 0) {
			buf_addch(&b, '-');
			p += strlen("年");
			continue;
		}
		if (strncmp(p, "日", strlen("日")) == 0 && p[strlen("日")] == '\0') {
			p += strlen("日");
			continue;
		}
		if (*p != ' ')
			buf_addch(&b, *p);
		p++;
	}
	return buf_take(&b);
}

json_object *
wizard_value(const struct wire_field *f, const char *text)
{
	json_object *o;
	char *a, *d, *end;
	long long n;
	int y, m, day, used = 0;
	size_t i;

	if (text == NULL || text[strspn(text, " \t")] == '\0')
		return NULL;
	if (f->type == WIRE_FIELD_NUMBER) {
		a = wizard_ascii(text);
		/* Thousands separators: 1,500 is 1500. */
		for (d = a, i = 0; a[i] != '\0'; i++) {
			if (a[i] != ',')
				*d++ = a[i];
		}
		*d = '\0';
		errno = 0;
		n = strtoll(a, &end, 10);
		if (a[0] != '\0' && *end == '\0' && errno == 0 && strspn(a, "-0123456789") ==
		    strlen(a)) {
			free(a);
			return json_object_new_int64(n);
		}
		free(a);
	} else if (f->type == WIRE_FIELD_DATE) {
		a = wizard_ascii(text);
		if (sscanf(a, "%4d%*[-/.]%2d%*[-/.]%2d%n", &y, &m, &day, &used) == 3 &&
		    a[used] == '\0' && strlen(a) >= 8) {
			d = xasprintf("%04d-%02d-%02d", y, m, day);
			o = json_object_new_string(d);
			free(d);
			free(a);
			return o;
		}
		free(a);
	}
	return json_object_new_string(text);
}

/* The message for a refused answer: what happened and what to do. */
static char *
wizard_refusal(const struct wire_field *f, const char *code, const char *message)
{
	const char *help = i18n_pick(f->help.ja, f->help.en);

	if (strcmp(code, "required") == 0)
		return xstrdup(f->type == WIRE_FIELD_CHOICE || f->type == WIRE_FIELD_BOOL ?
				       _("This question needs an answer: choose one.") :
				       _("This question needs an answer: type it, then press "
					 "Enter."));
	if (help[0] != '\0' && (strcmp(code, "pattern") == 0 || strcmp(code, "too_long") == 0 ||
				strcmp(code, "type") == 0))
		return xasprintf(_("%s %s"), message, help);
	return xstrdup(message);
}

/* Puts the checked answer a (or none) as field f's value. */
static void
wizard_keep(struct wizard *w, const struct wire_field *f, const struct wire_answer *a)
{
	json_object *v = NULL;

	if (a->name != NULL) {
		switch (a->kind) {
		case WIRE_ANSWER_STRING:
			v = json_object_new_string(a->string != NULL ? a->string : "");
			break;
		case WIRE_ANSWER_NUMBER:
			v = json_object_new_int64(a->number);
			break;
		case WIRE_ANSWER_BOOL:
			v = json_object_new_boolean(a->boolean);
			break;
		}
	}
	if (v == NULL)
		json_object_object_del(w->answers, f->name);
	else
		json_object_object_add(w->answers, f->name, v);
}

int
wizard_answer(struct wizard *w, struct store *st, const char *text, char **cause)
{
	const struct wire_field *f = wizard_field(w);
	struct wire_answer a;
	json_object *value = NULL;
	const char *code = NULL;
	char *msg = NULL;
	int rc;

	if (f == NULL)
		return 0;
	if (f->type == WIRE_FIELD_BOOL)
		value = text == NULL || text[0] == '\0' ? NULL :
			json_object_new_boolean(strcmp(text, "true") == 0);
	else if (f->type == WIRE_FIELD_CHOICE)
		value = text == NULL || text[0] == '\0' ? NULL : json_object_new_string(text);
	else
		value = wizard_value(f, text);
	if (wire_field_check(f, value, &a, &code, &msg) < 0) {
		wizard_set_error(w, wizard_refusal(f, code, msg));
		free(msg);
		json_object_put(value);
		/* What was typed stays, refused or not. */
		if (f->type != WIRE_FIELD_BOOL && f->type != WIRE_FIELD_CHOICE && text != NULL &&
		    text[0] != '\0')
			json_object_object_add(w->answers, f->name, json_object_new_string(text));
		return wizard_save(w, st, cause) < 0 ? -1 : 1;
	}
	json_object_put(value);
	wizard_keep(w, f, &a);
	wire_answer_release(&a);
	wizard_set_error(w, NULL);
	if (w->errors != NULL)
		json_object_object_del(w->errors, f->name);
	w->step = w->from_review ? w->proc.nfields : w->step + 1;
	if (wizard_on_review(w))
		w->from_review = 0;
	rc = wizard_save(w, st, cause);
	return rc < 0 ? -1 : 0;
}

int
wizard_back(struct wizard *w, struct store *st)
{
	if (wizard_on_review(w)) {
		if (w->proc.nfields == 0)
			return 1;
		w->step = w->proc.nfields - 1;
	} else if (w->from_review) {
		w->step = w->proc.nfields;
	} else if (w->step == 0) {
		return 1;
	} else {
		w->step--;
	}
	w->from_review = 0;
	wizard_set_error(w, NULL);
	wizard_save_step(w, st);
	return 0;
}

void
wizard_goto(struct wizard *w, struct store *st, size_t i)
{
	if (i >= w->proc.nfields)
		return;
	w->step = i;
	w->from_review = 1;
	wizard_set_error(w, NULL);
	wizard_save_step(w, st);
}

/* The answers as the form takes them: text being typed read as its
 * field's type.  A new object. */
static json_object *
wizard_typed(const struct wizard *w)
{
	json_object *o = json_object_new_object(), *v;
	size_t i;

	for (i = 0; i < w->proc.nfields; i++) {
		v = wizard_get(w, i);
		if (v == NULL)
			continue;
		if (json_object_is_type(v, json_type_string))
			v = wizard_value(&w->proc.fields[i], json_object_get_string(v));
		else
			v = json_object_get(v);
		if (v != NULL)
			json_object_object_add(o, w->proc.fields[i].name, v);
	}
	return o;
}

int
wizard_submit(struct wizard *w, struct store *st, char *key, long long *seq, char **cause)
{
	struct wire_answer *out = NULL;
	struct wire_field_error *errs = NULL;
	json_object *typed = wizard_typed(w), *final = NULL;
	size_t nout = 0, nerrs = 0, i;
	char step_key[64];
	int rc = -1;

	if (wire_answers_check(w->proc.fields, w->proc.nfields, typed, &out, &nout, &errs,
			       &nerrs) > 0) {
		for (i = 0; i < w->proc.nfields; i++) {
			if (strcmp(w->proc.fields[i].name, errs[0].field) == 0)
				break;
		}
		if (i < w->proc.nfields) {
			w->step = i;
			w->from_review = 1;
			wizard_set_error(w, wizard_refusal(&w->proc.fields[i], errs[0].code,
							   errs[0].message));
			wizard_save_step(w, st);
		}
		rc = 1;
		goto out;
	}
	final = json_object_new_object();
	for (i = 0; i < nout; i++) {
		json_object *v = NULL;

		switch (out[i].kind) {
		case WIRE_ANSWER_STRING:
			v = json_object_new_string(out[i].string);
			break;
		case WIRE_ANSWER_NUMBER:
			v = json_object_new_int64(out[i].number);
			break;
		case WIRE_ANSWER_BOOL:
			v = json_object_new_boolean(out[i].boolean);
			break;
		}
		json_object_object_add(final, out[i].name, v);
	}
	json_object_put(w->answers);
	w->answers = json_object_get(final);
	/* The draft as sent and its outbox item, together or not at all. */
	if (store_begin(st) < 0)
		goto store_fail;
	if (store_draft_save(st, &w->draft, w->proc.id,
			     json_object_to_json_string_ext(final, JSON_C_TO_STRING_PLAIN |
								   JSON_C_TO_STRING_NOSLASHESCAPE)) < 0 ||
	    store_outbox_queue(st, w->draft, key, seq) < 0)
		goto store_fail;
	wizard_step_key(w->draft, step_key, sizeof step_key);
	if (store_meta_delete(st, step_key) < 0 || store_commit(st) < 0)
		goto store_fail;
	rc = 0;
	goto out;
store_fail:
	*cause = xasprintf(_("Could not queue the application: %s"), store_error(st));
	store_rollback(st);
out:
	json_object_put(typed);
	json_object_put(final);
	wire_answers_free(out, nout);
	wire_field_errors_free(errs, nerrs);
	return rc;
}

int
wizard_delete_draft(struct store *st, long long id)
{
	char key[64];

	wizard_step_key(id, key, sizeof key);
	if (store_draft_delete(st, id) < 0)
		return -1;
	return store_meta_delete(st, key);
}

/* What an amount field accepts, in words. */
static char *
wizard_rule_yen(const struct wire_field *f)
{
	char *lo = amount_yen(f->min), *hi = amount_yen(f->max), *r;

	if (f->has_min && f->has_max)
		r = xasprintf(_("An amount in yen, from %s to %s."), lo, hi);
	else if (f->has_min)
		r = xasprintf(_("An amount in yen, %s or more."), lo);
	else if (f->has_max)
		r = xasprintf(_("An amount in yen, %s or less."), hi);
	else
		r = xstrdup(_("An amount in yen."));
	free(lo);
	free(hi);
	return r;
}

/* What a field accepts, in words, or NULL. */
static char *
wizard_rule(const struct wire_field *f)
{
	switch (f->type) {
	case WIRE_FIELD_TEXT:
		return xasprintf(ngettext("At most %ld character.", "At most %ld characters.",
					  (unsigned long)f->max_length),
				 f->max_length);
	case WIRE_FIELD_NUMBER:
		if (f->unit == WIRE_UNIT_YEN)
			return wizard_rule_yen(f);
		if (f->has_min && f->has_max)
			return xasprintf(_("A whole number from %lld to %lld."), f->min, f->max);
		if (f->has_min)
			return xasprintf(_("A whole number, %lld or more."), f->min);
		if (f->has_max)
			return xasprintf(_("A whole number, %lld or less."), f->max);
		return xstrdup(_("A whole number."));
	case WIRE_FIELD_DATE:
		return xstrdup(_("A date as year-month-day, such as 2027-04-01."));
	case WIRE_FIELD_CHOICE:
		return xasprintf(ngettext("Choose the answer.", "Choose one of %zu answers.",
					  f->nchoices),
				 f->nchoices);
	case WIRE_FIELD_BOOL:
		break;
	}
	return xstrdup(_("Choose yes or no."));
}

/* The label of field f. */
static const char *
wizard_label(const struct wire_field *f)
{
	const char *l = i18n_pick(f->label.ja, f->label.en);

	return l[0] != '\0' ? l : f->name;
}

/* Field i's answer in words for the review, and whether it is missing. */
static char *
wizard_answer_words(const struct wizard *w, size_t i)
{
	const struct wire_field *f = &w->proc.fields[i];
	json_object *v = wizard_get(w, i);
	struct wire_answer a;
	char *r, *line;

	if (v == NULL)
		return xstrdup(f->required ? _("not answered yet, needed") : _("not answered"));
	memset(&a, 0, sizeof a);
	if (json_object_is_type(v, json_type_boolean)) {
		a.kind = WIRE_ANSWER_BOOL;
		a.boolean = json_object_get_boolean(v);
	} else if (json_object_is_type(v, json_type_int)) {
		a.kind = WIRE_ANSWER_NUMBER;
		a.number = json_object_get_int64(v);
	} else {
		a.kind = WIRE_ANSWER_STRING;
		a.string = (char *)json_object_get_string(v);
	}
	r = view_answer_words(f, &a);
	line = view_one_line(r);
	free(r);
	return line;
}

void
wizard_view(const struct wizard *w, struct view *v, int width)
{
	const struct wire_field *f = wizard_field(w);
	const char *help, *server;
	char **lines = NULL, *text, *cur = NULL;
	size_t n = 0, i, sec;

	view_release(v);
	v->title = xasprintf(_("Apply: %s"), i18n_pick(w->proc.name.ja, w->proc.name.en));
	v->subject = xstrdup(w->proc.id);
	if (f == NULL) {
		v->screen = VIEW_REVIEW;
		v->summary = w->note != NULL ?
				     xasprintf(_("Check your answers, then choose Send. What to "
						 "change: %s"),
					       w->note) :
				     xstrdup(_("Check your answers, then choose Send. Enter on an "
					       "answer changes it."));
		sec = view_add_section(v, xasprintf(ngettext("%zu answer", "%zu answers",
							     w->proc.nfields),
						    w->proc.nfields));
		for (i = 0; i < w->proc.nfields; i++)
			view_add_item(v, VIEW_ITEM_CHOICE, w->proc.fields[i].name,
				      view_one_line(wizard_label(&w->proc.fields[i])),
				      wizard_answer_words(w, i), sec);
		sec = view_add_section(v, xstrdup(""));
		view_add_item(v, VIEW_ITEM_ACTION, "submit", xstrdup(_("Send the application")),
			      NULL, sec);
		return;
	}
	v->screen = VIEW_FORM;
	v->summary = xasprintf(f->required ? _("Question %zu of %zu, needs an answer") :
					     _("Question %zu of %zu, you may leave it out"),
			       w->step + 1, w->proc.nfields);
	if (w->note != NULL)
		view_lines_push(&lines, &n, xasprintf(_("What to change: %s"), w->note));
	server = wizard_server_error(w, w->step);
	if (server != NULL)
		view_lines_push(&lines, &n, xasprintf(_("The server did not accept this: %s"),
						      server));
	help = i18n_pick(f->help.ja, f->help.en);
	if (help[0] != '\0')
		view_lines_push(&lines, &n, xstrdup(help));
	view_lines_push(&lines, &n, wizard_rule(f));
	if (w->error != NULL)
		view_lines_push(&lines, &n, xasprintf(_("Not accepted: %s"), w->error));
	view_add_lines(v, lines, n, width);
	view_lines_free(lines, n);
	sec = view_add_section(v, xstrdup(""));
	v->initial = v->nitems;
	switch (f->type) {
	case WIRE_FIELD_CHOICE:
		text = wizard_text(w, w->step);
		for (i = 0; i < f->nchoices; i++) {
			if (strcmp(text, f->choices[i].value) == 0)
				v->initial = v->nitems;
			view_add_item(v, VIEW_ITEM_CHOICE, f->choices[i].value,
				      view_one_line(i18n_pick(f->choices[i].label.ja,
							      f->choices[i].label.en)),
				      strcmp(text, f->choices[i].value) == 0 ?
					      xstrdup(_("chosen")) :
					      NULL,
				      sec);
		}
		if (!f->required)
			view_add_item(v, VIEW_ITEM_CHOICE, "", xstrdup(_("No answer")), NULL, sec);
		free(text);
		break;
	case WIRE_FIELD_BOOL:
		cur = wizard_text(w, w->step);
		view_add_item(v, VIEW_ITEM_CHOICE, "true", xstrdup(_("Yes")),
			      strcmp(cur, "true") == 0 ? xstrdup(_("chosen")) : NULL, sec);
		view_add_item(v, VIEW_ITEM_CHOICE, "false", xstrdup(_("No")),
			      strcmp(cur, "false") == 0 ? xstrdup(_("chosen")) : NULL, sec);
		if (strcmp(cur, "false") == 0)
			v->initial = v->nitems - 1;
		if (!f->required)
			view_add_item(v, VIEW_ITEM_CHOICE, "", xstrdup(_("No answer")), NULL, sec);
		free(cur);
		break;
	case WIRE_FIELD_TEXT:
	case WIRE_FIELD_NUMBER:
	case WIRE_FIELD_DATE:
		view_add_item(v, VIEW_ITEM_EDIT, f->name, view_one_line(wizard_label(f)),
			      wizard_text(w, w->step), sec);
		break;
	}
}
