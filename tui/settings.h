/*
 * settings: the Settings screen.  One const table names each setting the
 * resident may change (the keys mynad and the speech module read from the
 * same config file), how it is shown and what it accepts.  A change is
 * checked, then written to the config file at once (config_save, mode
 * 0600); a value that is refused leaves the file as it was.
 *
 * Kinds: on/off and a short list of values change in place (Enter moves
 * to the next value); numbers and text are typed.
 *
 * The settings: language, speech (on/off), speech.rate, speech.pitch,
 * speech.volume, speech.voice, speech_echo (what typing says: characters,
 * words, off), reminder_offsets, reminder_hour, quiet_hours,
 * notifications, error_reports.
 */
#ifndef MYNA_TUI_SETTINGS_H
#define MYNA_TUI_SETTINGS_H

#include "config.h"
#include "view.h"

/* The Settings screen: one SETTING item per setting, id its key, status
 * its value in words; then lines (wrapped at width columns, 0: not
 * wrapped) that say what an error report holds. */
void settings_view(struct view *v, const struct config *c, int width);
/* "Label: value in words" for key as it is set now, in the language in
 * use ("" when key is not a setting).  Newly allocated. */
char *settings_said(const struct config *c, const char *key);

/* 1 when key's value is typed (number or text), 0 when Enter changes it
 * in place, -1 when key is not a setting. */
int settings_typed(const char *key);
/* The value of key as text to edit ("" when unset).  Newly allocated. */
char *settings_text(const struct config *c, const char *key);
/* What a typed value of key should look like, for prompts. */
const char *settings_hint(const char *key);

/* Changes key: to the next value (value NULL; on/off and lists), or to
 * value as typed.  Returns 0 and a newly allocated announcement in *said
 * ("Speech: on"), 1 when value is refused (*said says what to type), or
 * -1 when the file could not be written (*said says why; c is as it was).
 * path NULL keeps the change in memory only. */
int settings_change(struct config *c, const char *path, const char *key, const char *value,
		    char **said);

/* Reads reminder offsets ("30,7,3,1,0": days before a deadline, 0 to 366,
 * at most 16, each once) into offsets, nearest last as written.  Returns
 * the number read, or -1 when spec is not such a list.  spec NULL gives
 * the default 30, 7, 3, 1, 0. */
int settings_offsets(const char *spec, int *offsets, int max);

#define SETTINGS_OFFSETS_DEFAULT "30,7,3,1,0"
#define SETTINGS_OFFSETS_MAX	 16
#define SETTINGS_HOUR_DEFAULT	 9

#endif
