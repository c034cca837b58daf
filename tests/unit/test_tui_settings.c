/*
 * Unit tests for tui/settings.c: what each setting accepts, the next value
 * of on/off and lists, and the file written at once (or not at all).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config.h"
#include "i18n.h"
#include "mem.h"
#include "testdir.h"
#include "../../tui/settings.h"

static void
test_offsets(void **state)
{
	int o[SETTINGS_OFFSETS_MAX];

	(void)state;
	assert_int_equal(settings_offsets(NULL, o, SETTINGS_OFFSETS_MAX), 5);
	assert_int_equal(o[0], 30);
	assert_int_equal(o[4], 0);
	assert_int_equal(settings_offsets(" 14 , 2,0 ", o, SETTINGS_OFFSETS_MAX), 3);
	assert_int_equal(o[1], 2);
	assert_int_equal(settings_offsets("366", o, SETTINGS_OFFSETS_MAX), 1);
	assert_int_equal(settings_offsets("367", o, SETTINGS_OFFSETS_MAX), -1);
	assert_int_equal(settings_offsets("1,1", o, SETTINGS_OFFSETS_MAX), -1);
	assert_int_equal(settings_offsets("1,", o, SETTINGS_OFFSETS_MAX), -1);
	assert_int_equal(settings_offsets("", o, SETTINGS_OFFSETS_MAX), -1);
	assert_int_equal(settings_offsets("-1", o, SETTINGS_OFFSETS_MAX), -1);
	assert_int_equal(settings_offsets("1 2", o, SETTINGS_OFFSETS_MAX), -1);
	assert_int_equal(settings_offsets("1,2,3", o, 2), -1);
}

/* Changes key to value and returns what was said; asserts the result. */
static char *
change(struct config *c, const char *path, const char *key, const char *value, int want)
{
	char *said = NULL;

	assert_int_equal(settings_change(c, path, key, value, &said), want);
	assert_non_null(said);
	return said;
}

static void
test_change(void **state)
{
	char *dir = testdir_new("settings");
	char *path, *said, *cause = NULL;
	struct config *c = config_new(), *back = config_new();
	struct stat sb;

	(void)state;
	assert_non_null(dir);
	path = xasprintf("%s/myna/config", dir);
	assert_int_equal(config_set(c, "server", "http://127.0.0.1:1"), 0);

	said = change(c, path, "speech", NULL, 0);
	assert_string_equal(said, "Speech: on");
	free(said);
	said = change(c, path, "speech", NULL, 0);
	assert_string_equal(said, "Speech: off");
	free(said);
	said = change(c, path, "notifications", NULL, 0);
	assert_string_equal(said, "Desktop notifications: off");
	free(said);
	/* Lists go round; the first value is "as the system is set". */
	said = change(c, path, "language", NULL, 0);
	assert_string_equal(config_get(c, "language"), "ja");
	free(said);
	free(change(c, path, "language", NULL, 0));
	free(change(c, path, "language", NULL, 0));
	assert_string_equal(config_get(c, "language"), "ja-easy");
	free(change(c, path, "language", NULL, 0));
	assert_null(config_get(c, "language"));

	said = change(c, path, "reminder_hour", "24", 1);
	assert_string_equal(said, "Not accepted: type the hour of the day, from 0 to 23.");
	free(said);
	free(change(c, path, "reminder_hour", "x", 1));
	free(change(c, path, "reminder_hour", "", 1));
	said = change(c, path, "reminder_hour", "07", 0);
	assert_string_equal(said, "Reminder hour: 7:00");
	free(said);
	assert_string_equal(config_get(c, "reminder_hour"), "7");
	free(change(c, path, "reminder_offsets", "3, 1 ,0", 0));
	assert_string_equal(config_get(c, "reminder_offsets"), "3,1,0");
	free(change(c, path, "reminder_offsets", "3,3", 1));
	free(change(c, path, "quiet_hours", "22:30-6:45", 0));
	free(change(c, path, "quiet_hours", "25-7", 1));
	free(change(c, path, "quiet_hours", "22", 1));
	free(change(c, path, "quiet_hours", "22:60-7", 1));
	free(change(c, path, "speech.rate", "-100", 0));
	free(change(c, path, "speech.rate", "101", 1));
	said = change(c, path, "speech.pitch", "25", 0);
	assert_string_equal(said, "Speech pitch: 25");
	free(said);
	said = change(c, path, "speech.pitch", "-101", 1);
	assert_string_equal(said, "Not accepted: type a number from -100 (lowest) to 100 "
				  "(highest); 0 is the synthesiser's own.");
	free(said);
	free(change(c, path, "speech.volume", "-100", 0));
	free(change(c, path, "speech.volume", "loud", 1));
	assert_int_equal(settings_typed("speech.pitch"), 1);
	assert_int_equal(settings_typed("speech.volume"), 1);
	/* Typing echo: characters (the default), words, off, and round. */
	assert_int_equal(settings_typed("speech_echo"), 0);
	said = change(c, path, "speech_echo", NULL, 0);
	assert_string_equal(said, "Typing echo: each word");
	free(said);
	assert_string_equal(config_get(c, "speech_echo"), "words");
	free(change(c, path, "speech_echo", NULL, 0));
	assert_string_equal(config_get(c, "speech_echo"), "off");
	said = settings_said(c, "speech_echo");
	assert_string_equal(said, "Typing echo: off");
	free(said);
	free(change(c, path, "speech_echo", NULL, 0));
	assert_string_equal(config_get(c, "speech_echo"), "characters");
	free(change(c, path, "speech.voice", "ja+f3", 0));
	free(change(c, path, "speech.voice", "a voice; rm", 1));
	free(change(c, path, "no_such", "1", 1));
	assert_int_equal(settings_typed("reminder_hour"), 1);
	assert_int_equal(settings_typed("speech"), 0);
	assert_int_equal(settings_typed("server"), -1);

	/* Written at once, private, with the other keys kept. */
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(config_load(back, path, &cause), 0);
	assert_string_equal(config_get(back, "server"), "http://127.0.0.1:1");
	assert_string_equal(config_get(back, "reminder_offsets"), "3,1,0");
	assert_string_equal(config_get(back, "quiet_hours"), "22:30-6:45");
	assert_string_equal(config_get(back, "speech.rate"), "-100");
	assert_string_equal(config_get(back, "speech.pitch"), "25");
	assert_string_equal(config_get(back, "speech.volume"), "-100");
	assert_string_equal(config_get(back, "notifications"), "off");

	/* A file that cannot be written: nothing changes in memory either. */
	free(path);
	path = xasprintf("%s/myna/config/not-a-dir/config", dir);
	said = change(c, path, "reminder_hour", "8", -1);
	assert_non_null(strstr(said, "Could not save the settings"));
	free(said);
	assert_string_equal(config_get(c, "reminder_hour"), "7");

	config_free(back);
	config_free(c);
	free(path);
	testdir_remove(dir);
	free(dir);
}

static void
test_view(void **state)
{
	struct config *c = config_new();
	struct view v;
	long i;

	(void)state;
	view_init(&v);
	settings_view(&v, c, 0);
	assert_int_equal(v.screen, VIEW_SETTINGS);
	i = view_find(&v, "reminder_offsets");
	assert_true(i >= 0);
	assert_string_equal(v.items[i].status, "30 days, 7 days, 3 days, 1 day, on the day");
	assert_string_equal(v.items[view_find(&v, "error_reports")].status, "off");
	assert_string_equal(v.items[view_find(&v, "notifications")].status, "on");
	assert_string_equal(v.items[view_find(&v, "reminder_hour")].status, "9:00");
	/* Every setting of the issue is on the screen. */
	assert_true(view_find(&v, "language") >= 0);
	assert_true(view_find(&v, "speech") >= 0);
	assert_string_equal(v.items[view_find(&v, "speech.rate")].status, "0");
	assert_string_equal(v.items[view_find(&v, "speech.pitch")].status, "0");
	assert_string_equal(v.items[view_find(&v, "speech.volume")].status, "0");
	assert_true(view_find(&v, "speech.voice") >= 0);
	assert_string_equal(v.items[view_find(&v, "speech_echo")].status, "each character");
	assert_true(view_find(&v, "quiet_hours") >= 0);
	/* A value written by hand that is not one of the list reads as the
	 * default, as the speech presenter reads it. */
	config_set(c, "speech_echo", "sometimes");
	settings_view(&v, c, 40);
	assert_string_equal(v.items[view_find(&v, "speech_echo")].status, "each character");
	/* What an error report holds, after the settings, wrapped. */
	assert_int_equal(v.items[v.nitems - 1].kind, VIEW_ITEM_LINE);
	assert_non_null(strstr(v.items[view_find(&v, "error_reports") + 1].label,
			       "Error reports hold only"));
	for (i = 0; i < (long)v.nitems; i++)
		assert_true(strlen(v.items[i].label) <= 40 || v.items[i].kind != VIEW_ITEM_LINE);
	view_release(&v);
	config_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_offsets),
		cmocka_unit_test(test_change),
		cmocka_unit_test(test_view),
	};

	i18n_init("en");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
