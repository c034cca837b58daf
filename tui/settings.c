/*
 * settings: the Settings screen (see settings.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "i18n.h"
#include "mem.h"
#include "settings.h"

enum settings_kind { SETTINGS_ONOFF, SETTINGS_LIST, SETTINGS_NUMBER, SETTINGS_TEXT };

struct settings_entry {
	const char	  *key;
	const char	  *label;	/* N_ */
	enum settings_kind kind;
	const char	  *def;		/* the value when unset */
	long		   min, max;	/* numbers */
	const char *const *values;	/* lists: the values in order, NULL-terminated */
	const char *const *words;	/* lists: each value in words (N_), or NULL */
	const char	  *hint;	/* what to type (N_) */
	/* Checks a typed value and returns it as it is to be written (newly
	 * allocated), or NULL; NULL check: numbers within min and max. */
	char *(*check)(const char *value);
};

/* "" is "follow the system": the key is removed from the file.  The
 * languages are named in their own words, which are not translated: a
 * person who cannot read the current language must still find theirs. */
static const char *const settings_languages[] = { "", "ja", "en", "ja-easy", NULL };
static const char *const settings_language_words[] = {
	N_("as the system is set"), "日本語 (Japanese)", "English",
	"やさしい日本語 (plain Japanese)", NULL
};
/* What the speech presenter says while a field is typed in. */
static const char *const settings_echoes[] = { "characters", "words", "off", NULL };
static const char *const settings_echo_words[] = {
	N_("each character"), N_("each word"), N_("off"), NULL
};

static char *settings_check_offsets(const char *value);
static char *settings_check_quiet(const char *value);
static char *settings_check_voice(const char *value);

static const struct settings_entry settings_table[] = {
	{ "language", N_("Language"), SETTINGS_LIST, "", 0, 0, settings_languages,
	  settings_language_words, NULL, NULL },
	{ "speech", N_("Speech"), SETTINGS_ONOFF, "off", 0, 0, NULL, NULL, NULL, NULL },
	{ "speech.rate", N_("Speech rate"), SETTINGS_NUMBER, "0", -100, 100, NULL, NULL,
	  N_("a number from -100 (slowest) to 100 (fastest); 0 is the synthesiser's own"), NULL },
	{ "speech.pitch", N_("Speech pitch"), SETTINGS_NUMBER, "0", -100, 100, NULL, NULL,
	  N_("a number from -100 (lowest) to 100 (highest); 0 is the synthesiser's own"), NULL },
	{ "speech.volume", N_("Speech volume"), SETTINGS_NUMBER, "0", -100, 100, NULL, NULL,
	  N_("a number from -100 (quietest) to 100 (loudest); 0 is the synthesiser's own"),
	  NULL },
	{ "speech.voice", N_("Speech voice"), SETTINGS_TEXT, "", 0, 0, NULL, NULL,
	  N_("the name of a voice of your synthesiser, or nothing for its own"),
	  settings_check_voice },
	{ "speech_echo", N_("Typing echo"), SETTINGS_LIST, "characters", 0, 0, settings_echoes,
	  settings_echo_words, NULL, NULL },
	{ "reminder_offsets", N_("Reminders, days before a deadline"), SETTINGS_TEXT,
	  SETTINGS_OFFSETS_DEFAULT, 0, 0, NULL, NULL,
	  N_("days before the deadline, separated by commas, such as 30,7,3,1,0"),
	  settings_check_offsets },
	{ "reminder_hour", N_("Reminder hour"), SETTINGS_NUMBER, "9", 0, 23, NULL, NULL,
	  N_("the hour of the day, from 0 to 23"), NULL },
	{ "quiet_hours", N_("Quiet hours"), SETTINGS_TEXT, "off", 0, 0, NULL, NULL,
	  N_("from-to as hours, such as 22-7 or 22:30-6:45, or off"), settings_check_quiet },
	{ "notifications", N_("Desktop notifications"), SETTINGS_ONOFF, "on", 0, 0, NULL, NULL,
	  NULL, NULL },
	{ "era", N_("Japanese dates with the era year (Reiwa)"), SETTINGS_ONOFF, "off", 0, 0,
	  NULL, NULL, NULL, NULL },
	{ "error_reports", N_("Send error reports (nothing personal)"), SETTINGS_ONOFF, "off", 0,
	  0, NULL, NULL, NULL, NULL },
};

#define SETTINGS_COUNT (sizeof settings_table / sizeof settings_table[0])

static const struct settings_entry *
settings_find(const char *key)
{
	size_t i;

	for (i = 0; key != NULL && i < SETTINGS_COUNT; i++) {
		if (strcmp(settings_table[i].key, key) == 0)
			return &settings_table[i];
	}
	return NULL;
}

int
settings_offsets(const char *spec, int *offsets, int max)
{
	const char *p = spec != NULL ? spec : SETTINGS_OFFSETS_DEFAULT;
	char *end;
	long v;
	int n = 0, i;

	for (;;) {
		while (*p == ' ')
			p++;
		if (*p < '0' || *p > '9')
			return -1;
		errno = 0;
		v = strtol(p, &end, 10);
		if (errno != 0 || v < 0 || v > 366 || n == max)
			return -1;
		for (i = 0; i < n; i++) {
			if (offsets[i] == v)
				return -1;
		}
		offsets[n++] = (int)v;
		p = end;
		while (*p == ' ')
			p++;
		if (*p == '\0')
			return n;
		if (*p++ != ',')
			return -1;
	}
}

static char *
settings_check_offsets(const char *value)
{
	int offsets[SETTINGS_OFFSETS_MAX], n, i;
	struct buf b;

	n = settings_offsets(value, offsets, SETTINGS_OFFSETS_MAX);
	if (n <= 0)
		return NULL;
	buf_init(&b, 0);
	for (i = 0; i < n; i++)
		buf_printf(&b, i > 0 ? ",%d" : "%d", offsets[i]);
	return buf_take(&b);
}

/* Reads "H" or "H:MM" into minutes after midnight; -1 when it is not. */
static int
settings_clock(const char *s, size_t len)
{
	int h = 0, m = 0, used = 0;
	char *t = xstrndup(s, len);

	if (!((sscanf(t, "%2d:%2d%n", &h, &m, &used) == 2 && (size_t)used == len) ||
	      (sscanf(t, "%2d%n", &h, &used) == 1 && (size_t)used == len && (m = 0) == 0)) ||
	    t[0] < '0' || t[0] > '9' || h < 0 || h > 23 || m < 0 || m > 59) {
		free(t);
		return -1;
	}
	free(t);
	return h * 60 + m;
}

static char *
settings_check_quiet(const char *value)
{
	const char *dash = strchr(value, '-');

	if (strcmp(value, "off") == 0 || value[0] == '\0')
		return xstrdup("off");
	if (dash == NULL || settings_clock(value, (size_t)(dash - value)) < 0 ||
	    settings_clock(dash + 1, strlen(dash + 1)) < 0)
		return NULL;
	return xstrdup(value);
}

static char *
settings_check_voice(const char *value)
{
	if (strlen(value) > 63 ||
	    strspn(value, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_+.-") !=
		    strlen(value))
		return NULL;
	return xstrdup(value);
}

/* The current value of e (its default when unset). */
static const char *
settings_value(const struct config *c, const struct settings_entry *e)
{
	const char *v = config_get(c, e->key);

	return v != NULL ? v : e->def;
}

/* Whether an on/off value says on, as config_get_bool reads it. */
static int
settings_on(const char *v)
{
	return strcmp(v, "on") == 0 || strcmp(v, "yes") == 0 || strcmp(v, "true") == 0 ||
	       strcmp(v, "1") == 0;
}

/* A value in words for the screen and announcements.  Newly allocated. */
static char *
settings_words(const struct settings_entry *e, const char *v)
{
	int offsets[SETTINGS_OFFSETS_MAX], n, i;
	struct buf b;

	switch (e->kind) {
	case SETTINGS_ONOFF:
		return xstrdup(settings_on(v) ? _("on") : _("off"));
	case SETTINGS_LIST:
		for (i = 0; e->values[i] != NULL; i++) {
			if (strcmp(e->values[i], v) == 0)
				return xstrdup(_(e->words[i]));
		}
		/* A value written by hand that is not one of the list: what
		 * reads the setting takes the default. */
		return settings_words(e, e->def);
	case SETTINGS_NUMBER:
		if (strcmp(e->key, "reminder_hour") == 0)
			return xasprintf("%s:00", v);
		return xstrdup(v);
	case SETTINGS_TEXT:
		break;
	}
	if (strcmp(e->key, "reminder_offsets") == 0 &&
	    (n = settings_offsets(v, offsets, SETTINGS_OFFSETS_MAX)) > 0) {
		buf_init(&b, 0);
		for (i = 0; i < n; i++) {
			if (i > 0)
				buf_addstr(&b, ", ");
			if (offsets[i] == 0)
				buf_addstr(&b, _("on the day"));
			else
				buf_printf(&b, ngettext("%d day", "%d days", (unsigned long)offsets[i]),
					   offsets[i]);
		}
		return buf_take(&b);
	}
	if (strcmp(e->key, "quiet_hours") == 0 && strcmp(v, "off") == 0)
		return xstrdup(_("off"));
	if (v[0] == '\0')
		return xstrdup(_("the synthesiser's own"));
	return xstrdup(v);
}

void
settings_view(struct view *v, const struct config *c, int width)
{
	char *about;
	size_t i, sec;

	view_release(v);
	v->screen = VIEW_SETTINGS;
	v->title = xstrdup(_("Settings"));
	v->summary = xstrdup(_("Enter changes a setting; it is saved at once."));
	sec = view_add_section(v, xstrdup(""));
	for (i = 0; i < SETTINGS_COUNT; i++)
		view_add_item(v, VIEW_ITEM_SETTING, settings_table[i].key,
			      xstrdup(_(settings_table[i].label)),
			      settings_words(&settings_table[i],
					     settings_value(c, &settings_table[i])),
			      sec);
	/* What an error report holds, said where it is chosen. */
	about = xstrdup(_("Error reports hold only the program's name and version, a short "
			  "code of the error and how many times it happened: never your name, "
			  "your deadlines, notices or applications, or your sign-in. They go to "
			  "your myna-bff server, and only when this is on."));
	view_add_lines(v, &about, 1, width);
	free(about);
}

char *
settings_said(const struct config *c, const char *key)
{
	const struct settings_entry *e = settings_find(key);
	char *words, *said;

	if (e == NULL)
		return xstrdup("");
	words = settings_words(e, settings_value(c, e));
	said = xasprintf(_("%s: %s"), _(e->label), words);
	free(words);
	return said;
}

int
settings_typed(const char *key)
{
	const struct settings_entry *e = settings_find(key);

	if (e == NULL)
		return -1;
	return e->kind == SETTINGS_NUMBER || e->kind == SETTINGS_TEXT;
}

char *
settings_text(const struct config *c, const char *key)
{
	const struct settings_entry *e = settings_find(key);

	return xstrdup(e != NULL ? settings_value(c, e) : "");
}

const char *
settings_hint(const char *key)
{
	const struct settings_entry *e = settings_find(key);

	return e != NULL && e->hint != NULL ? _(e->hint) : "";
}

/* The value after v in a list, or the other of on/off. */
static const char *
settings_next(const struct settings_entry *e, const char *v)
{
	size_t i;

	if (e->kind == SETTINGS_ONOFF)
		return settings_on(v) ? "off" : "on";
	for (i = 0; e->values[i] != NULL; i++) {
		if (strcmp(e->values[i], v) == 0)
			return e->values[i + 1] != NULL ? e->values[i + 1] : e->values[0];
	}
	return e->values[0];
}

int
settings_change(struct config *c, const char *path, const char *key, const char *value,
		char **said)
{
	const struct settings_entry *e = settings_find(key);
	char *nv = NULL, *old = NULL, *why = NULL, *words, *end;
	long n;
	int rc = -1;

	*said = NULL;
	if (e == NULL) {
		*said = xasprintf(_("There is no setting %s."), key);
		return 1;
	}
	if (value == NULL) {
		nv = xstrdup(settings_next(e, settings_value(c, e)));
	} else if (e->kind == SETTINGS_NUMBER) {
		errno = 0;
		n = strtol(value, &end, 10);
		if (errno == 0 && end != value && *end == '\0' && n >= e->min && n <= e->max)
			nv = xasprintf("%ld", n);
	} else if (e->check != NULL) {
		nv = e->check(value);
	} else {
		nv = xstrdup(value);
	}
	if (nv == NULL) {
		*said = xasprintf(_("Not accepted: type %s."), _(e->hint));
		return 1;
	}
	old = xstrdup(config_get(c, key));
	/* Unset is the default, so that a later version's default applies. */
	if (config_set(c, key, nv[0] == '\0' && e->kind == SETTINGS_LIST ? NULL : nv) < 0) {
		*said = xasprintf(_("%s cannot be set to that."), _(e->label));
		rc = 1;
		goto out;
	}
	if (path != NULL && config_save(c, path, 0600, &why) < 0) {
		config_set(c, key, old);
		*said = xasprintf(_("Could not save the settings: %s"), why);
		goto out;
	}
	words = settings_words(e, nv);
	*said = xasprintf(_("%s: %s"), _(e->label), words);
	free(words);
	rc = 0;
out:
	free(why);
	free(old);
	free(nv);
	return rc;
}
