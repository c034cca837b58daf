/*
 * i18n: gettext set-up (see i18n.h).
 */
#include <dirent.h>
#include <langinfo.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "i18n.h"
#include "mem.h"
#include "paths.h"

#ifndef MYNA_LOCALEDIR
#define MYNA_LOCALEDIR "/usr/local/share/locale"
#endif

/* The language and variant chosen by i18n_init from the setting ("" when
 * there is none: follow the locale). */
static char i18n_language[3];
static char i18n_chosen_variant[8];

/* LANGUAGE as it was before a setting replaced it (i18n_language_had: it
 * was set at all), and the value the setting put there (NULL: none), so
 * that a later i18n_init without a setting, or with another, starts from
 * the environment the program was given. */
static char *i18n_language_saved;
static int i18n_language_had;
static char *i18n_language_ours;

/* Returns 1 if dir holds a catalogue for the text domain, in any language. */
static int i18n_has_catalogue(const char *dir)
{
	struct dirent *de;
	struct stat st;
	char *mo;
	DIR *d = opendir(dir);
	int found = 0;

	if (d == NULL)
		return 0;
	while (!found && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		mo = xasprintf("%s/%s/LC_MESSAGES/myna.mo", dir, de->d_name);
		found = stat(mo, &st) == 0 && S_ISREG(st.st_mode);
		free(mo);
	}
	closedir(d);
	return found;
}

/* Returns the directory to bind the text domain to: $MYNA_LOCALEDIR, the
 * build tree next to the running program (so that bin/myna works before it
 * is installed), or the installed LOCALEDIR.  The caller frees it. */
static char *i18n_localedir(void)
{
	return paths_find("MYNA_LOCALEDIR", "../build/locale", i18n_has_catalogue,
			  MYNA_LOCALEDIR);
}

/* Returns 1 if the current LC_CTYPE encodes text as UTF-8. */
static int i18n_ctype_utf8(void)
{
	const char *cs = nl_langinfo(CODESET);

	return cs != NULL && strcmp(cs, "UTF-8") == 0;
}

/* Sets LC_MESSAGES for language ("ja", "ja-easy" or "en") and tells
 * gettext to use it even over a LANGUAGE from the environment.  Plain
 * Japanese is the catalogue with the modifier "easy" (ja@easy); gettext
 * selects modified catalogues only through LANGUAGE, since no system has a
 * locale named ja_JP.UTF-8@easy, and the ":ja" after it gives the ordinary
 * Japanese text for any message the plain catalogue lacks. */
static void i18n_set_language(const char *language)
{
	static const struct {
		const char *name;
		const char *lang;
		const char *variant;
		const char *gettext_language;
		const char *locales[3];
	} table[] = {
	        {"ja", "ja", "", "ja", {"ja_JP.UTF-8", "ja_JP.utf8", "C.UTF-8"}},
	        {"ja-easy", "ja", "easy", "ja@easy:ja", {"ja_JP.UTF-8", "ja_JP.utf8", "C.UTF-8"}},
	        {"ja@easy", "ja", "easy", "ja@easy:ja", {"ja_JP.UTF-8", "ja_JP.utf8", "C.UTF-8"}},
	        {"en", "en", "", "en", {"en_US.UTF-8", "en_US.utf8", "C.UTF-8"}},
	};
	size_t i, j;

	for (i = 0; i < sizeof table / sizeof table[0]; i++) {
		if (strcmp(language, table[i].name) != 0)
			continue;
		/* gettext ignores LANGUAGE in the C locale, so the messages
		 * locale has to be set explicitly too. */
		for (j = 0; j < 3; j++) {
			if (setlocale(LC_MESSAGES, table[i].locales[j]) != NULL)
				break;
		}
		i18n_language_had = getenv("LANGUAGE") != NULL;
		free(i18n_language_saved);
		i18n_language_saved = i18n_language_had ? xstrdup(getenv("LANGUAGE")) : NULL;
		setenv("LANGUAGE", table[i].gettext_language, 1);
		free(i18n_language_ours);
		i18n_language_ours = xstrdup(table[i].gettext_language);
		snprintf(i18n_language, sizeof i18n_language, "%s", table[i].lang);
		snprintf(i18n_chosen_variant, sizeof i18n_chosen_variant, "%s",
		         table[i].variant);
		return;
	}
}

/* Puts back the LANGUAGE that a setting replaced, unless something else
 * has changed it since (then that is the environment to follow). */
static void i18n_restore_language(void)
{
	const char *now = getenv("LANGUAGE");

	if (i18n_language_ours == NULL)
		return;
	if (now != NULL && strcmp(now, i18n_language_ours) == 0) {
		if (i18n_language_had)
			setenv("LANGUAGE", i18n_language_saved, 1);
		else
			unsetenv("LANGUAGE");
	}
	xfree(&i18n_language_ours);
	xfree(&i18n_language_saved);
	i18n_language_had = 0;
}

void i18n_init(const char *language)
{
	char *dir;

	i18n_language[0] = '\0';
	i18n_chosen_variant[0] = '\0';
	/* Each call starts from the environment the program was given, so
	 * that a change of the setting (to another language, or back to the
	 * locale's) applies at once. */
	i18n_restore_language();
	/* A locale the system does not have leaves "C"; LC_CTYPE is mended
	 * below. */
	setlocale(LC_ALL, "");
	if (language != NULL)
		i18n_set_language(language);
	if (!i18n_ctype_utf8()) {
		if (setlocale(LC_CTYPE, "C.UTF-8") == NULL || !i18n_ctype_utf8())
			setlocale(LC_CTYPE, "en_US.UTF-8");
	}
	dir = i18n_localedir();
	bindtextdomain("myna", dir);
	bind_textdomain_codeset("myna", "UTF-8");
	textdomain("myna");
	free(dir);
}

/* Returns "ja" or "en" if s names one of them (as "ja", "ja_JP.UTF-8",
 * "en_GB"...), else NULL. */
static const char *i18n_lang_of(const char *s)
{
	if (strncmp(s, "ja", 2) == 0 &&
	    (s[2] == '\0' || s[2] == '_' || s[2] == '.' || s[2] == '@' || s[2] == ':'))
		return "ja";
	if (strncmp(s, "en", 2) == 0 &&
	    (s[2] == '\0' || s[2] == '_' || s[2] == '.' || s[2] == '@' || s[2] == ':'))
		return "en";
	return NULL;
}

/* Finds what decides the language of messages when no setting does: the
 * first entry of LANGUAGE naming ja or en (gettext follows LANGUAGE first,
 * so server text should too), else the messages locale.  Returns it, or
 * NULL in the C locale, where messages are the English originals. */
static const char *i18n_deciding_name(void)
{
	const char *loc, *language, *p;

	loc = setlocale(LC_MESSAGES, NULL);
	if (loc == NULL || strcmp(loc, "C") == 0 || strcmp(loc, "POSIX") == 0)
		return NULL;
	language = getenv("LANGUAGE");
	if (language != NULL) {
		for (p = language; *p != '\0'; p++) {
			if (p != language && p[-1] != ':')
				continue;
			if (i18n_lang_of(p) != NULL)
				return p;
		}
	}
	return loc;
}

const char *i18n_lang(void)
{
	const char *name, *l;

	if (i18n_language[0] != '\0')
		return i18n_language;
	name = i18n_deciding_name();
	if (name == NULL)
		return "en";
	l = i18n_lang_of(name);
	return l != NULL ? l : "en";
}

const char *i18n_variant(void)
{
	const char *name, *l, *end, *at;

	if (i18n_language[0] != '\0')
		return i18n_chosen_variant;
	name = i18n_deciding_name();
	l = name != NULL ? i18n_lang_of(name) : NULL;
	if (l == NULL || strcmp(l, "ja") != 0)
		return "";
	/* The modifier of this entry only: "ja_JP@easy:en" has it, "ja:x@easy"
	 * does not. */
	end = strchr(name, ':');
	if (end == NULL)
		end = name + strlen(name);
	at = memchr(name, '@', (size_t)(end - name));
	if (at != NULL && (size_t)(end - at - 1) == strlen("easy") &&
	    strncmp(at + 1, "easy", strlen("easy")) == 0)
		return "easy";
	return "";
}

const char *i18n_pick(const char *ja, const char *en)
{
	int has_ja = ja != NULL && ja[0] != '\0';
	int has_en = en != NULL && en[0] != '\0';

	if (has_en && strcmp(i18n_lang(), "en") == 0)
		return en;
	if (has_ja)
		return ja;
	if (has_en)
		return en;
	return "";
}
