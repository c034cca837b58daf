/*
 * Unit tests for shared/i18n.c: catalogue lookup, the language setting and
 * the environment, plain Japanese (ja@easy) and its fallback to ja, the
 * UTF-8 LC_CTYPE, i18n_pick.  Small catalogues are compiled with msgfmt into
 * a temporary directory.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <langinfo.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "i18n.h"
#include "mem.h"

static char tmpdir[] = "/tmp/myna-test-i18n-XXXXXX";
static char *localedir;
/* Holds only the ja catalogue: plain Japanese must fall back to it. */
static char *ja_only_dir;

static const char test_po[] = "msgid \"\"\n"
                              "msgstr \"\"\n"
                              "\"Content-Type: text/plain; charset=UTF-8\\n\"\n"
                              "\n"
                              "msgid \"Hello\"\n"
                              "msgstr \"こんにちは\"\n"
                              "\n"
                              "msgid \"Goodbye\"\n"
                              "msgstr \"さようなら\"\n";

/* Plain Japanese lacks "Goodbye" on purpose. */
static const char easy_po[] = "msgid \"\"\n"
                              "msgstr \"\"\n"
                              "\"Content-Type: text/plain; charset=UTF-8\\n\"\n"
                              "\n"
                              "msgid \"Hello\"\n"
                              "msgstr \"やあ\"\n";

/* Compiles the catalogue text into dir/lang/LC_MESSAGES/myna.mo. */
static int compile_catalogue(const char *dir, const char *lang, const char *text)
{
	char *po = xasprintf("%s/%s.po", tmpdir, lang);
	char *cmd = xasprintf(
	        "mkdir -p '%s/%s/LC_MESSAGES' && msgfmt -o '%s/%s/LC_MESSAGES/myna.mo' '%s'", dir,
	        lang, dir, lang, po);
	FILE *f = fopen(po, "w");
	int rc = -1;

	if (f == NULL)
		goto out;
	fputs(text, f);
	fclose(f);
	rc = system(cmd) == 0 ? 0 : -1;
out:
	free(po);
	free(cmd);
	return rc;
}

/* Compiles the test catalogue into dir/ja/LC_MESSAGES/myna.mo. */
static int make_catalogue(const char *dir)
{
	return compile_catalogue(dir, "ja", test_po);
}

static const char *const locale_vars[] = {
        "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LC_CTYPE", "LANG",
};

/* Starts each test from an empty locale environment and the test
 * catalogue. */
static int reset_env(void **state)
{
	size_t i;

	(void)state;
	/* As a new process: no language setting left from the test before
	 * (i18n_init puts back the LANGUAGE a setting replaced). */
	i18n_init(NULL);
	for (i = 0; i < sizeof locale_vars / sizeof locale_vars[0]; i++)
		unsetenv(locale_vars[i]);
	setenv("MYNA_LOCALEDIR", localedir, 1);
	return 0;
}

static int ctype_is_utf8(void)
{
	return strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
}

static void test_language_ja(void **state)
{
	(void)state;
	setenv("LANG", "C", 1);
	i18n_init("ja");
	assert_string_equal(_("Hello"), "こんにちは");
	assert_string_equal(_("Not in the catalogue"), "Not in the catalogue");
	/* gettext("") would be the catalogue's header */
	assert_string_equal(_(""), "");
	assert_string_equal(i18n_lang(), "ja");
	assert_true(ctype_is_utf8());
	assert_string_equal(bindtextdomain("myna", NULL), localedir);
}

static void test_language_switch(void **state)
{
	(void)state;
	i18n_init("ja");
	assert_string_equal(_("Hello"), "こんにちは");
	i18n_init("en");
	assert_string_equal(_("Hello"), "Hello");
	assert_string_equal(i18n_lang(), "en");
	i18n_init("ja");
	assert_string_equal(_("Hello"), "こんにちは");
	assert_string_equal(i18n_lang(), "ja");
}

/* A setting changed while the program runs, back to none: the locale and
 * the LANGUAGE the program was given decide again, at once. */
static void test_language_back_to_environment(void **state)
{
	(void)state;
	setenv("LANG", "ja_JP.UTF-8", 1);
	i18n_init(NULL);
	assert_string_equal(_("Hello"), "こんにちは");
	i18n_init("en");
	assert_string_equal(_("Hello"), "Hello");
	i18n_init(NULL);
	assert_string_equal(_("Hello"), "こんにちは");
	assert_string_equal(i18n_lang(), "ja");
	assert_null(getenv("LANGUAGE"));
	i18n_init("ja-easy");
	assert_string_equal(_("Hello"), "やあ");
	i18n_init(NULL);
	assert_string_equal(_("Hello"), "こんにちは");
	assert_string_equal(i18n_variant(), "");

	/* LANGUAGE from the environment comes back as it was */
	setenv("LANG", "en_US.UTF-8", 1);
	setenv("LANGUAGE", "ja@easy:ja", 1);
	i18n_init("en");
	assert_string_equal(_("Hello"), "Hello");
	i18n_init(NULL);
	assert_string_equal(getenv("LANGUAGE"), "ja@easy:ja");
	assert_string_equal(_("Hello"), "やあ");
	assert_string_equal(i18n_variant(), "easy");
	i18n_init("ja");
	i18n_init("en");
	i18n_init(NULL);
	assert_string_equal(getenv("LANGUAGE"), "ja@easy:ja");
	assert_string_equal(_("Hello"), "やあ");
}

static void test_language_beats_environment(void **state)
{
	(void)state;
	setenv("LC_ALL", "ja_JP.UTF-8", 1);
	setenv("LANGUAGE", "ja", 1);
	i18n_init("en");
	assert_string_equal(_("Hello"), "Hello");
	assert_string_equal(i18n_lang(), "en");

	unsetenv("LANGUAGE");
	setenv("LC_ALL", "en_US.UTF-8", 1);
	i18n_init("ja");
	assert_string_equal(_("Hello"), "こんにちは");
	assert_string_equal(i18n_lang(), "ja");
}

static void test_unknown_language_follows_environment(void **state)
{
	(void)state;
	setenv("LANG", "ja_JP.UTF-8", 1);
	i18n_init("fr");
	assert_string_equal(_("Hello"), "こんにちは");
	assert_string_equal(i18n_lang(), "ja");
}

static void test_environment_ja(void **state)
{
	(void)state;
	setenv("LANG", "ja_JP.UTF-8", 1);
	i18n_init(NULL);
	assert_string_equal(_("Hello"), "こんにちは");
	assert_string_equal(i18n_lang(), "ja");
	assert_true(ctype_is_utf8());

	/* LC_MESSAGES decides, not LANG */
	setenv("LANG", "en_US.UTF-8", 1);
	setenv("LC_MESSAGES", "ja_JP.UTF-8", 1);
	i18n_init(NULL);
	assert_string_equal(_("Hello"), "こんにちは");
	assert_string_equal(i18n_lang(), "ja");
}

static void test_environment_en(void **state)
{
	(void)state;
	setenv("LANG", "en_US.UTF-8", 1);
	i18n_init(NULL);
	assert_string_equal(_("Hello"), "Hello");
	assert_string_equal(i18n_lang(), "en");

	/* LC_ALL beats LC_MESSAGES */
	setenv("LC_MESSAGES", "ja_JP.UTF-8", 1);
	setenv("LC_ALL", "en_US.UTF-8", 1);
	i18n_init(NULL);
	assert_string_equal(_("Hello"), "Hello");
	assert_string_equal(i18n_lang(), "en");
}

static void test_environment_language_var(void **state)
{
	(void)state;
	/* gettext follows LANGUAGE over the locale; so does i18n_lang */
	setenv("LANG", "ja_JP.UTF-8", 1);
	setenv("LANGUAGE", "en", 1);
	i18n_init(NULL);
	assert_string_equal(_("Hello"), "Hello");
	assert_string_equal(i18n_lang(), "en");

	setenv("LANG", "en_US.UTF-8", 1);
	setenv("LANGUAGE", "de:ja_JP:en", 1);
	i18n_init(NULL);
	assert_string_equal(_("Hello"), "こんにちは");
	assert_string_equal(i18n_lang(), "ja");
}

static void test_environment_c(void **state)
{
	(void)state;
	/* In the C locale gettext ignores LANGUAGE: messages stay English,
	 * and so does server text.  LC_CTYPE is made UTF-8 all the same. */
	setenv("LANG", "C", 1);
	setenv("LANGUAGE", "ja", 1);
	i18n_init(NULL);
	assert_string_equal(_("Hello"), "Hello");
	assert_string_equal(i18n_lang(), "en");
	assert_true(ctype_is_utf8());

	unsetenv("LANGUAGE");
	setenv("LC_ALL", "POSIX", 1);
	i18n_init(NULL);
	assert_string_equal(i18n_lang(), "en");
	assert_true(ctype_is_utf8());

	/* a locale the system does not have is the C locale */
	unsetenv("LC_ALL");
	setenv("LANG", "xx_YY.UTF-8", 1);
	i18n_init(NULL);
	assert_string_equal(_("Hello"), "Hello");
	assert_string_equal(i18n_lang(), "en");
	assert_true(ctype_is_utf8());
}

static void test_language_ja_easy(void **state)
{
	(void)state;
	setenv("LANG", "en_US.UTF-8", 1);
	setenv("LANGUAGE", "en", 1);
	i18n_init("ja-easy");
	assert_string_equal(_("Hello"), "やあ");
	/* a message the plain catalogue lacks comes from ja */
	assert_string_equal(_("Goodbye"), "さようなら");
	assert_string_equal(_("Not in the catalogue"), "Not in the catalogue");
	/* server text has only ja and en: plain Japanese reads ja */
	assert_string_equal(i18n_lang(), "ja");
	assert_string_equal(i18n_variant(), "easy");
	assert_string_equal(i18n_pick("日本語", "English"), "日本語");
	assert_true(ctype_is_utf8());

	/* the catalogue's own name is accepted as well */
	i18n_init("ja@easy");
	assert_string_equal(_("Hello"), "やあ");
	assert_string_equal(i18n_variant(), "easy");

	/* and switching back leaves no trace of it */
	i18n_init("ja");
	assert_string_equal(_("Hello"), "こんにちは");
	assert_string_equal(i18n_variant(), "");
	i18n_init("en");
	assert_string_equal(_("Hello"), "Hello");
	assert_string_equal(i18n_lang(), "en");
	assert_string_equal(i18n_variant(), "");
}

static void test_language_ja_easy_without_catalogue(void **state)
{
	(void)state;
	/* an installation without the plain catalogue speaks ja */
	setenv("MYNA_LOCALEDIR", ja_only_dir, 1);
	setenv("LANG", "C", 1);
	i18n_init("ja-easy");
	assert_string_equal(_("Hello"), "こんにちは");
	assert_string_equal(_("Goodbye"), "さようなら");
	assert_string_equal(i18n_lang(), "ja");
}

static void test_environment_ja_easy(void **state)
{
	(void)state;
	/* LANGUAGE selects the modified catalogue, as gettext does */
	setenv("LANG", "ja_JP.UTF-8", 1);
	setenv("LANGUAGE", "ja@easy:ja", 1);
	i18n_init(NULL);
	assert_string_equal(_("Hello"), "やあ");
	assert_string_equal(_("Goodbye"), "さようなら");
	assert_string_equal(i18n_lang(), "ja");
	assert_string_equal(i18n_variant(), "easy");

	setenv("LANG", "en_US.UTF-8", 1);
	setenv("LANGUAGE", "fr:ja_JP@easy", 1);
	i18n_init(NULL);
	assert_string_equal(_("Hello"), "やあ");
	assert_string_equal(i18n_variant(), "easy");

	/* only the entry that decides counts */
	setenv("LANGUAGE", "ja:ja@easy", 1);
	i18n_init(NULL);
	assert_string_equal(_("Hello"), "こんにちは");
	assert_string_equal(i18n_variant(), "");
	setenv("LANGUAGE", "en:ja@easy", 1);
	i18n_init(NULL);
	assert_string_equal(i18n_lang(), "en");
	assert_string_equal(i18n_variant(), "");
	setenv("LANGUAGE", "ja@easier", 1);
	i18n_init(NULL);
	assert_string_equal(i18n_variant(), "");

	/* no variant in the C locale, where messages stay English */
	setenv("LANG", "C", 1);
	setenv("LANGUAGE", "ja@easy", 1);
	i18n_init(NULL);
	assert_string_equal(_("Hello"), "Hello");
	assert_string_equal(i18n_variant(), "");

	/* the setting beats the environment both ways */
	setenv("LANG", "ja_JP.UTF-8", 1);
	setenv("LANGUAGE", "ja@easy", 1);
	i18n_init("ja");
	assert_string_equal(_("Hello"), "こんにちは");
	assert_string_equal(i18n_variant(), "");
	i18n_init("en");
	assert_string_equal(_("Hello"), "Hello");
	assert_string_equal(i18n_variant(), "");
}

static void test_pick(void **state)
{
	(void)state;
	i18n_init("en");
	assert_string_equal(i18n_pick("日本語", "English"), "English");
	assert_string_equal(i18n_pick("日本語", ""), "日本語");
	assert_string_equal(i18n_pick("日本語", NULL), "日本語");
	assert_string_equal(i18n_pick("", "English"), "English");
	assert_string_equal(i18n_pick(NULL, "English"), "English");
	assert_string_equal(i18n_pick("", ""), "");
	assert_string_equal(i18n_pick(NULL, NULL), "");

	i18n_init("ja");
	assert_string_equal(i18n_pick("日本語", "English"), "日本語");
	assert_string_equal(i18n_pick("日本語", ""), "日本語");
	assert_string_equal(i18n_pick("", "English"), "English");
	assert_string_equal(i18n_pick(NULL, "English"), "English");
	assert_string_equal(i18n_pick(NULL, NULL), "");
}

/* Runs the program at exe in child mode and returns what it printed
 * (caller frees). */
static char *run_child(const char *exe)
{
	char *cmd = xasprintf("env -u MYNA_LOCALEDIR LANG=C '%s' --child", exe);
	char out[PATH_MAX * 2] = "";
	FILE *p = popen(cmd, "r");
	size_t n;

	assert_non_null(p);
	n = fread(out, 1, sizeof out - 1, p);
	out[n] = '\0';
	assert_int_equal(pclose(p), 0);
	free(cmd);
	return xstrdup(out);
}

static void test_build_tree_catalogue(void **state)
{
	char *bin = xasprintf("%s/tree/bin", tmpdir);
	char *exe = xasprintf("%s/test_i18n", bin);
	char *build = xasprintf("%s/tree/build/locale", tmpdir);
	char *cmd = xasprintf("mkdir -p '%s' && cp /proc/%ld/exe '%s'", bin, (long)getpid(), exe);
	char *out, *want;

	(void)state;
	assert_int_equal(system(cmd), 0);
	/* no catalogue next to the program: the installed directory */
	out = run_child(exe);
	want = xasprintf("%s\nHello\n", MYNA_LOCALEDIR);
	assert_string_equal(out, want);
	free(out);
	free(want);
	/* an empty build/locale does not count */
	free(cmd);
	cmd = xasprintf("mkdir -p '%s/ja'", build);
	assert_int_equal(system(cmd), 0);
	out = run_child(exe);
	assert_true(strncmp(out, MYNA_LOCALEDIR "\n", strlen(MYNA_LOCALEDIR) + 1) == 0);
	free(out);
	/* a catalogue in bin/../build/locale is used */
	assert_int_equal(make_catalogue(build), 0);
	out = run_child(exe);
	want = xasprintf("%s/../build/locale\nこんにちは\n", bin);
	assert_string_equal(out, want);
	free(out);
	free(want);
	free(cmd);
	free(bin);
	free(exe);
	free(build);
}

static int setup(void **state)
{
	(void)state;
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	localedir = xasprintf("%s/locale", tmpdir);
	ja_only_dir = xasprintf("%s/ja-only", tmpdir);
	if (make_catalogue(ja_only_dir) != 0 || make_catalogue(localedir) != 0)
		return -1;
	return compile_catalogue(localedir, "ja@easy", easy_po);
}

static int teardown(void **state)
{
	char *cmd = xasprintf("rm -rf '%s'", tmpdir);
	int rc = system(cmd);

	(void)state;
	free(cmd);
	free(localedir);
	free(ja_only_dir);
	return rc == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup(test_language_ja, reset_env),
	        cmocka_unit_test_setup(test_language_switch, reset_env),
	        cmocka_unit_test_setup(test_language_back_to_environment, reset_env),
	        cmocka_unit_test_setup(test_language_beats_environment, reset_env),
	        cmocka_unit_test_setup(test_unknown_language_follows_environment, reset_env),
	        cmocka_unit_test_setup(test_environment_ja, reset_env),
	        cmocka_unit_test_setup(test_environment_en, reset_env),
	        cmocka_unit_test_setup(test_environment_language_var, reset_env),
	        cmocka_unit_test_setup(test_environment_c, reset_env),
	        cmocka_unit_test_setup(test_language_ja_easy, reset_env),
	        cmocka_unit_test_setup(test_language_ja_easy_without_catalogue, reset_env),
	        cmocka_unit_test_setup(test_environment_ja_easy, reset_env),
	        cmocka_unit_test_setup(test_pick, reset_env),
	        cmocka_unit_test_setup(test_build_tree_catalogue, reset_env),
	};

	/* Child mode for test_build_tree_catalogue: report where the
	 * catalogues were looked for and what they gave. */
	if (argc > 1 && strcmp(argv[1], "--child") == 0) {
		i18n_init("ja");
		printf("%s\n%s\n", bindtextdomain("myna", NULL), _("Hello"));
		return 0;
	}
	return cmocka_run_group_tests(tests, setup, teardown);
}
