/*
 * plain: the line-by-line presenter (see plain.h).
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "i18n.h"
#include "mem.h"
#include "plain.h"
#include "settings.h"
#include "voice.h"

/* Longest input line we look at: the longest answer of a form fits. */
#define PLAIN_LINE_MAX (16 * 1024)

void
plain_puts(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; *p != '\0'; p++) {
		if ((*p < 0x20 && *p != '\n') || *p == 0x7f)
			continue;
		/* C1 controls (U+0080..U+009F) are two bytes in UTF-8. */
		if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			p++;
			continue;
		}
		fputc(*p, out);
	}
}

static void
plain_vprintf(FILE *out, const char *fmt, va_list ap, int newline)
{
	char *s = NULL;

	if (vasprintf(&s, fmt, ap) < 0)
		return;
	plain_puts(out, s);
	if (newline)
		fputc('\n', out);
	free(s);
}

void
plain_printf(FILE *out, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	plain_vprintf(out, fmt, ap, 0);
	va_end(ap);
}

void
plain_printf_line(FILE *out, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	plain_vprintf(out, fmt, ap, 1);
	va_end(ap);
}

/* Prints the current screen: title, summary, section headings and
 * numbered items (detail and help lines unnumbered; a field as "label:
 * text"). */
static void
plain_show(struct app *a, FILE *out)
{
	const struct view *v = &a->view;
	const struct view_item *it;
	size_t i, num = 0;

	plain_printf(out, "%s\n", v->title != NULL ? v->title : "");
	if (v->summary != NULL && v->summary[0] != '\0')
		plain_printf(out, "%s\n", v->summary);
	for (i = 0; i < v->nitems; i++) {
		it = &v->items[i];
		if ((i == 0 || it->section != v->items[i - 1].section) &&
		    it->section < v->nsections && v->sections[it->section][0] != '\0')
			plain_printf(out, "%s\n", v->sections[it->section]);
		if (it->kind == VIEW_ITEM_LINE)
			plain_printf(out, "%s\n", it->label);
		else if (it->kind == VIEW_ITEM_EDIT)
			plain_printf(out, "%s: %s\n", it->label, it->status != NULL ? it->status : "");
		else if (it->status != NULL)
			plain_printf(out, "%zu. %s — %s\n", ++num, it->label, it->status);
		else
			plain_printf(out, "%zu. %s\n", ++num, it->label);
	}
}

/* The prompt for a field being typed in. */
static void
plain_prompt_field(struct app *a, FILE *out)
{
	const struct view_item *it = app_item(a);

	if (it == NULL)
		return;
	if (a->view.screen == VIEW_FORM) {
		plain_printf(out, _("Type your answer for %s and press Enter (an empty line keeps "
				    "what is there), < to go back a question, or . to leave the "
				    "form: "),
			     it->label);
	} else if (it->kind == VIEW_ITEM_SETTING) {
		plain_printf(out, _("New value for %s (%s; now %s), or an empty line to keep it: "),
			     it->label, settings_hint(it->id), a->edit.text);
	} else {
		plain_printf(out, "%s", _("Words to search for, or an empty line to search for "
					  "nothing: "));
	}
}

/* The prompt says what this screen accepts. */
static void
plain_prompt(struct app *a, FILE *out)
{
	size_t n = view_count(&a->view);

	if (a->editing) {
		plain_prompt_field(a, out);
		fflush(out);
		return;
	}
	switch (a->view.screen) {
	case VIEW_TODO:
		if (n > 0)
			plain_printf(out, _("Enter a number from 1 to %zu, n for notices, "
					    "? for help, or q to quit: "),
				     n);
		else
			plain_printf(out, "%s", _("Enter n for notices, s to sync, ? for help, "
						  "or q to quit: "));
		break;
	case VIEW_NOTICES:
		if (n > 0)
			plain_printf(out, _("Enter a number from 1 to %zu, t for to do, "
					    "? for help, or q to go back: "),
				     n);
		else
			plain_printf(out, "%s", _("Enter t for to do, s to sync, ? for help, "
						  "or q to go back: "));
		break;
	case VIEW_PROCEDURES:
		if (n > 0)
			plain_printf(out, _("Enter a number from 1 to %zu, / and words to search, "
					    "? for help, or q to go back: "),
				     n);
		else
			plain_printf(out, "%s", _("Enter / and words to search, ? for help, or q "
						  "to go back: "));
		break;
	case VIEW_DEADLINE:
		plain_printf(out, "%s",
			     a->view.subject_done ?
				     _("Enter d to mark it open again, ? for help, or q to go back: ") :
				     _("Enter d to mark it done, ? for help, or q to go back: "));
		break;
	case VIEW_FORM:
		plain_printf(out, _("Enter a number from 1 to %zu, < to go back a question, or . to "
				    "leave the form: "),
			     n);
		break;
	case VIEW_REVIEW:
		plain_printf(out, _("Enter %zu to send, a number from 1 to %zu to change that "
				    "answer, < to go back, or . to leave the form: "),
			     n, n > 1 ? n - 1 : 1);
		break;
	case VIEW_HELP:
		plain_printf(out, "%s", _("Enter q to go back: "));
		break;
	default:
		if (n > 0)
			plain_printf(out, _("Enter a number from 1 to %zu, ? for help, or q to go "
					    "back: "),
				     n);
		else
			plain_printf(out, "%s", _("Enter ? for help, or q to go back: "));
		break;
	}
	fflush(out);
}

/* Returns the index of the item numbered num (from 1), or -1. */
static long
plain_item_of(const struct view *v, unsigned long num)
{
	size_t i, k = 0;

	for (i = 0; i < v->nitems; i++) {
		if (view_numbered(&v->items[i]) && ++k == num)
			return (long)i;
	}
	return -1;
}

/* Parses a whole decimal number; returns 0 when s is not one. */
static unsigned long
plain_number(const char *s)
{
	char *end;
	unsigned long v;

	if (!isdigit((unsigned char)s[0]))
		return 0;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return 0;
	return v;
}

/* Reads one line into buf; returns 0, or -1 at end of input.  Longer lines
 * are read whole but cut. */
static int
plain_read(FILE *in, char *buf, size_t size)
{
	size_t n = 0;
	int c;

	while ((c = fgetc(in)) != EOF && c != '\n') {
		if (n + 1 < size)
			buf[n++] = (char)c;
	}
	buf[n] = '\0';
	if (c == EOF && n == 0)
		return -1;
	return 0;
}

/* Trims blanks at both ends, in place; returns the start. */
static char *
plain_trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t' || *s == '\r')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

/* A line typed for the field being typed in.  Returns 1 when the screen
 * should be printed again. */
static int
plain_field(struct app *a, const char *line)
{
	const struct view_item *it = app_item(a);

	if (a->view.screen == VIEW_FORM) {
		if (strcmp(line, "<") == 0) {
			app_edit_cancel(a);
			return 1;
		}
		if (strcmp(line, ".") == 0) {
			app_leave_form(a);
			return 1;
		}
		if (line[0] != '\0')
			app_edit_replace(a, line);
		app_edit_submit(a);
		return 1;
	}
	if (line[0] == '\0' && it != NULL && it->kind == VIEW_ITEM_SETTING) {
		app_edit_cancel(a);
		return 0;
	}
	app_edit_replace(a, line);
	app_edit_submit(a);
	/* A refused setting is chosen again by its number: the next line
	 * may well be one. */
	if (a->editing && it != NULL && it->kind == VIEW_ITEM_SETTING)
		app_edit_cancel(a);
	return 1;
}

/* Actions that take the number of an item on a list ("d 2"). */
static int
plain_takes_number(enum keys_action act)
{
	return act == KEYS_DONE || act == KEYS_SNOOZE || act == KEYS_APPLY || act == KEYS_DELETE;
}

/* Handles one line of input.  Returns 1 when the screen should be printed
 * again. */
static int
plain_handle(struct app *a, FILE *out, char *line)
{
	const struct view *v = &a->view;
	unsigned data = a->data_serial;
	unsigned long num;
	char *word = line, *arg;
	long i;
	enum keys_action act;

	if (a->editing)
		return plain_field(a, line);
	if (line[0] == '\0')
		return 0;
	if ((num = plain_number(line)) > 0 || (line[0] == '0' && line[1] == '\0')) {
		i = plain_item_of(v, num);
		if (view_count(v) == 0) {
			plain_printf(out, "%s\n", _("There are no numbered choices here."));
			return 0;
		}
		if (i < 0) {
			plain_printf(out, _("There is no item %s here.\n"), line);
			return 0;
		}
		app_open(a, (size_t)i);
		return 1;
	}
	if ((v->screen == VIEW_FORM || v->screen == VIEW_REVIEW) && strcmp(line, ".") == 0) {
		app_leave_form(a);
		return 1;
	}
	if (line[0] == '/' && line[1] != '\0' && line[1] != ' ') {
		/* "/words" as well as "/ words". */
		app_search(a, line + 1);
		return 1;
	}
	arg = strchr(line, ' ');
	if (arg != NULL) {
		*arg++ = '\0';
		arg = plain_trim(arg);
	}
	act = keys_lookup_plain(v->screen, word);
	if (act == KEYS_NONE) {
		plain_printf(out, _("\"%s\" is not a choice here.\n"), word);
		return 0;
	}
	if (act == KEYS_SEARCH && arg != NULL && arg[0] != '\0') {
		app_search(a, arg);
		return 1;
	}
	if (plain_takes_number(act) && view_count(v) > 0 && v->screen != VIEW_DEADLINE &&
	    v->screen != VIEW_PROCEDURE && v->screen != VIEW_APPLICATION) {
		num = arg != NULL ? plain_number(arg) : 0;
		i = num > 0 ? plain_item_of(v, num) : -1;
		if (act == KEYS_DONE && (i < 0 || v->items[i].kind != VIEW_ITEM_DEADLINE)) {
			plain_printf(out, "%s\n",
				     _("Enter d and the number of a deadline, for example: d 1"));
			return 0;
		}
		if (i < 0) {
			plain_printf(out, _("Enter %s and the number of an item, for example: %s 1\n"),
				     word, word);
			return 0;
		}
		app_set_focus(a, (size_t)i);
		if (act == KEYS_DONE)
			app_done(a, (size_t)i);
		else
			app_do(a, act, 1);
		return 1;
	}
	if (arg != NULL && arg[0] != '\0') {
		plain_printf(out, _("\"%s\" takes no number here.\n"), word);
		return 0;
	}
	app_do(a, act, 1);
	if (act == KEYS_SYNC)
		return a->data_serial != data;
	if (act == KEYS_REPEAT)
		return 0;
	return !a->quit;
}

int
plain_run(struct app *a, FILE *in, FILE *out, char **cause)
{
	char buf[PLAIN_LINE_MAX];
	int echo = !isatty(fileno(in)), show = 1;

	while (!a->quit) {
		if (app_poll(a))
			show = 1;
		if (a->status != NULL) {
			plain_printf(out, "%s\n", a->status);
			app_announce(a, NULL);
		}
		if (show) {
			plain_show(a, out);
			show = 0;
		}
		plain_prompt(a, out);
		if (ferror(out))
			break;
		voice_update(a->voice, a);
		if (plain_read(in, buf, sizeof buf) < 0) {
			plain_puts(out, "\n");
			break;
		}
		voice_stop(a->voice);
		/* What was typed does not show when input is not a terminal;
		 * end the prompt's line so that each answer starts a line. */
		if (echo)
			plain_puts(out, "\n");
		show = plain_handle(a, out, plain_trim(buf));
	}
	if (fflush(out) != 0 || ferror(out)) {
		*cause = xasprintf(_("Could not write the output: %s"), strerror(errno));
		return -1;
	}
	return 0;
}
