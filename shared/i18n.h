/*
 * i18n: gettext set-up.  Every user-facing string is written as _("English")
 * and translated through the catalogues in i18n/ (text domain "myna").
 * Catalogues are looked for in $MYNA_LOCALEDIR, then in the build tree next
 * to the program (bin/../build/locale), then in the installed LOCALEDIR.
 */
#ifndef MYNA_I18N_H
#define MYNA_I18N_H

#include <libintl.h>

#define _(s)  gettext(s)
#define N_(s) (s)

/* Sets the locale from the environment and binds the catalogues.  language
 * is the config's "language" setting ("ja" or "en"), or NULL to follow
 * LC_ALL / LC_MESSAGES / LANG.  Makes LC_CTYPE UTF-8 even when the
 * environment's locale is not (wcwidth needs it). */
void i18n_init(const char *language);

/* The language in use for server text: "ja" or "en". */
const char *i18n_lang(void);

/* Picks the text for the language in use: en when the language is English
 * and en is non-empty, else ja, else en, else "". */
const char *i18n_pick(const char *ja, const char *en);

#endif
