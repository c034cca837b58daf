/*
 * i18n: gettext set-up.  Every user-facing string is written as _("English")
 * and translated through the catalogues in i18n/ (text domain "myna").
 * Catalogues are looked for in $MYNA_LOCALEDIR, then in the build tree next
 * to the program (bin/../build/locale), then in the installed LOCALEDIR.
 */
#ifndef MYNA_I18N_H
#define MYNA_I18N_H

#include <libintl.h>

/* gettext, except that "" stays "": gettext("") is the catalogue's header,
 * and empty labels (a command that takes no arguments) do pass through _().
 * format_arg keeps printf(_("...")) checked by -Wformat. */
__attribute__((format_arg(1))) static inline char *i18n_gettext(const char *s)
{
	return s[0] != '\0' ? gettext(s) : (char *)s;
}

#define _(s)  i18n_gettext(s)
#define N_(s) (s)

/* Sets the locale from the environment and binds the catalogues.  language
 * is the config's "language" setting: "ja", "en", or "ja-easy" for plain
 * Japanese (やさしい日本語; the catalogue "ja@easy", falling back to "ja" for
 * any message it lacks); NULL or an unknown value follows LANGUAGE /
 * LC_ALL / LC_MESSAGES / LANG, where LANGUAGE=ja@easy:ja also selects plain
 * Japanese.  Makes LC_CTYPE UTF-8 even when the environment's locale is not
 * (wcwidth needs it).  Called again, it changes the language at once: every
 * message translated afterwards is in the new one, and NULL goes back to
 * what the environment chooses (the LANGUAGE that a setting replaced is put
 * back). */
void i18n_init(const char *language);

/* The language in use for server text: "ja" or "en" (plain Japanese is
 * "ja": the server sends only those two). */
const char *i18n_lang(void);

/* The variant of the language in use: "easy" when messages are in plain
 * Japanese, else "".  For text made outside the catalogues (dates,
 * readings) that should follow the same wording. */
const char *i18n_variant(void);

/* Picks the text for the language in use: en when the language is English
 * and en is non-empty, else ja, else en, else "". */
const char *i18n_pick(const char *ja, const char *en);

#endif
