/*
 * Unit tests for tui/ics.c: reminder triggers as RFC 5545 durations, and
 * the calendar's lines: CRLF, folded at 75 octets between characters, TEXT
 * escaped, done deadlines left out.  (tests/e2e/tui_cli.sh reads the file
 * back with a real parser.)
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "date.h"
#include "i18n.h"
#include "../../tui/ics.h"

static void
assert_trigger(int offset, int hour, const char *want)
{
	char out[32];

	assert_string_equal(ics_trigger(offset, hour, out, sizeof out), want);
}

static void
test_trigger(void **state)
{
	(void)state;
	assert_trigger(7, 9, "-P6DT15H");
	assert_trigger(30, 9, "-P29DT15H");
	assert_trigger(1, 0, "-P1D");
	assert_trigger(0, 9, "PT9H");
	assert_trigger(0, 0, "PT0S");
	assert_trigger(1, 23, "-PT1H");
}

static void
test_write(void **state)
{
	struct store_deadline d[2];
	int offsets[] = { 7, 0 };
	struct buf out;
	char *line, *save = NULL, *copy;
	size_t lines = 0, alarms = 0;

	(void)state;
	memset(d, 0, sizeof d);
	d[0].d.id = (char *)"d-1";
	d[0].d.title.en = (char *)"Pay; the tax, now\\ please";
	d[0].d.title.ja = (char *)"とても長い題名とても長い題名とても長い題名とても長い題名とても長い題名";
	d[0].d.due = (char *)"2027-03-15T23:59:59+09:00";
	date_parse(d[0].d.due, &d[0].due);
	d[1] = d[0];
	d[1].d.id = (char *)"d-2";
	d[1].done = 1;

	buf_init(&out, 0);
	ics_write(&out, d, 2, offsets, 2, 9, 0);
	assert_non_null(strstr(out.data, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
	assert_non_null(strstr(out.data, "UID:d-1@myna\r\n"));
	assert_null(strstr(out.data, "UID:d-2@myna"));
	assert_non_null(strstr(out.data, "DTSTART;VALUE=DATE:20270315\r\n"));
	assert_non_null(strstr(out.data, "DTEND;VALUE=DATE:20270316\r\n"));
	assert_non_null(strstr(out.data, "DTSTAMP:19700101T000000Z\r\n"));
	assert_non_null(strstr(out.data, "TRIGGER;RELATED=START:-P6DT15H\r\n"));
	assert_non_null(strstr(out.data, "TRIGGER;RELATED=START:PT9H\r\n"));
	assert_non_null(strstr(out.data, "\\nmyna id: d-1"));

	copy = strdup(out.data);
	for (line = strtok_r(copy, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		size_t len = strlen(line);

		lines++;
		assert_true(len >= 1 && line[len - 1] == '\r');
		/* 75 octets and the CR. */
		assert_true(len <= 76);
		/* Never cut inside a character. */
		assert_int_not_equal((unsigned char)line[line[0] == ' ' ? 1 : 0] & 0xc0, 0x80);
		alarms += strcmp(line, "BEGIN:VALARM\r") == 0;
	}
	assert_int_equal(alarms, 2);
	assert_true(lines > 20);
	free(copy);
	buf_release(&out);
}

/* A long id is whole in its UID (folded, not cut short), and text that is
 * not UTF-8 still ends (its lines cut where the octets run out). */
static void
test_long_and_bad(void **state)
{
	struct store_deadline d;
	int offsets[] = { 0 };
	char id[129], bad[300], *unfolded, *p, *q;
	struct buf out;

	(void)state;
	memset(&d, 0, sizeof d);
	memset(id, 'x', 128);
	id[128] = '\0';
	memset(bad, 0x80, sizeof bad - 1);
	bad[sizeof bad - 1] = '\0';
	d.d.id = id;
	d.d.title.ja = bad;
	d.d.title.en = bad;
	d.d.due = (char *)"2027-03-15T23:59:59+09:00";
	date_parse(d.d.due, &d.due);
	buf_init(&out, 0);
	ics_write(&out, &d, 1, offsets, 1, 9, 0);
	assert_non_null(strstr(out.data, "END:VCALENDAR\r\n"));
	/* Unfolded (CRLF and a space removed), the UID is all there. */
	unfolded = strdup(out.data);
	for (p = q = unfolded; *p != '\0'; p++) {
		if (p[0] == '\r' && p[1] == '\n' && p[2] == ' ') {
			p += 2;
			continue;
		}
		*q++ = *p;
	}
	*q = '\0';
	p = strstr(unfolded, "UID:");
	assert_non_null(p);
	assert_int_equal(strcspn(p + 4, "\r"), 128 + strlen("@myna"));
	free(unfolded);
	buf_release(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_trigger),
		cmocka_unit_test(test_write),
		cmocka_unit_test(test_long_and_bad),
	};

	setenv("TZ", "Asia/Tokyo", 1);
	i18n_init("ja");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
