/*
 * Tests for daemon/loop.c (settings, sync timing, back-off) and
 * daemon/service.c (the sd_notify datagram, read from a real socket).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "config.h"
#include "../../daemon/loop.h"
#include "../../daemon/service.h"

static struct config *
config_of(const char *text)
{
	struct config *c = config_new();
	char *cause = NULL;

	if (config_parse(c, text, "test", &cause) != 0)
		fail_msg("config_parse: %s", cause);
	return c;
}

static void
test_settings_defaults(void **state)
{
	struct config *c = config_of("server = http://127.0.0.1:1\n");
	struct loop_settings s;
	char *warning = NULL;

	(void)state;
	assert_int_equal(loop_settings_read(&s, c, &warning), 0);
	assert_null(warning);
	assert_int_equal(s.sync_interval, 15 * 60);
	assert_int_equal(s.notifications, 1);
	assert_int_equal(s.reminders.hour, 9);
	assert_int_equal(s.reminders.noffsets, 5);
	config_free(c);
}

static void
test_settings_values(void **state)
{
	struct config *c = config_of("sync_interval = 60\nreminder_offsets = 14,2\n"
				     "reminder_hour = 7\nnotifications = off\n");
	struct loop_settings s;
	char *warning = NULL;

	(void)state;
	assert_int_equal(loop_settings_read(&s, c, &warning), 0);
	assert_int_equal(s.sync_interval, 3600);
	assert_int_equal(s.notifications, 0);
	assert_int_equal(s.reminders.hour, 7);
	assert_int_equal(s.reminders.noffsets, 2);
	assert_int_equal(s.reminders.offsets[0], 2);
	assert_int_equal(s.reminders.offsets[1], 14);
	config_free(c);
}

static void
test_settings_bad_values(void **state)
{
	static const struct {
		const char *text;
		long	    interval;
		const char *says;
	} cases[] = {
		{ "sync_interval = 0\n", 60, "sync_interval" },
		{ "sync_interval = 99999\n", 7 * 24 * 3600, "sync_interval" },
		{ "sync_interval = soon\n", 15 * 60, "sync_interval" },
		{ "reminder_hour = 25\n", 15 * 60, "reminder_hour" },
		{ "reminder_offsets = 7;3\n", 15 * 60, "reminder_offsets" },
		{ "notifications = maybe\n", 15 * 60, "notifications" },
	};
	struct loop_settings s;
	char *warning = NULL;

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct config *c = config_of(cases[i].text);

		assert_int_equal(loop_settings_read(&s, c, &warning), -1);
		assert_non_null(strstr(warning, cases[i].says));
		assert_int_equal(s.sync_interval, cases[i].interval);
		assert_int_equal(s.notifications, 1);
		assert_int_equal(s.reminders.noffsets, 5);
		assert_int_equal(s.reminders.hour, 9);
		free(warning);
		config_free(c);
	}
}

static void
test_sync_delay_jitter(void **state)
{
	(void)state;
	assert_int_equal(loop_sync_delay(900, 0.0), 810);
	assert_int_equal(loop_sync_delay(900, 0.5), 900);
	assert_true(loop_sync_delay(900, 0.999999) <= 990);
	assert_true(loop_sync_delay(900, 0.999999) >= 989);
	assert_int_equal(loop_sync_delay(60, 0.0), 54);
}

static void
test_backoff(void **state)
{
	(void)state;
	/* 30 s doubling: the upper half of 30, 60, 120, 240... */
	assert_int_equal(loop_backoff(1, 900, 0.0), 15);
	assert_int_equal(loop_backoff(1, 900, 0.999999), 29);
	assert_int_equal(loop_backoff(2, 900, 0.0), 30);
	assert_int_equal(loop_backoff(3, 900, 0.0), 60);
	assert_int_equal(loop_backoff(4, 900, 0.0), 120);
	/* ...never past the interval, however long the outage. */
	assert_int_equal(loop_backoff(6, 900, 0.0), 450);
	assert_true(loop_backoff(6, 900, 0.999999) <= 900);
	assert_int_equal(loop_backoff(1000, 900, 0.0), 450);
	assert_int_equal(loop_backoff(1000, 60, 0.0), 30);
}

static void
test_settings_new_keys(void **state)
{
	struct config *c = config_of("quiet_hours = 22-7\nspeech = on\nlong_poll = off\n"
				     "open_command = xterm -e myna show deadline %s\n");
	struct loop_settings s;
	char *warning = NULL;

	(void)state;
	assert_int_equal(loop_settings_read(&s, c, &warning), 0);
	assert_int_equal(s.reminders.quiet_start, 22 * 60);
	assert_int_equal(s.reminders.quiet_end, 7 * 60);
	assert_int_equal(s.speech, 1);
	assert_int_equal(s.long_poll, 0);
	assert_string_equal(s.open_command, "xterm -e myna show deadline %s");
	config_free(c);

	c = config_of("server = http://127.0.0.1:1\n");
	assert_int_equal(loop_settings_read(&s, c, &warning), 0);
	assert_int_equal(s.reminders.quiet_start, s.reminders.quiet_end);
	assert_int_equal(s.speech, 0);
	assert_int_equal(s.long_poll, 1);
	assert_string_equal(s.open_command, LOOP_OPEN_COMMAND_DEFAULT);
	config_free(c);

	c = config_of("quiet_hours = evenings\nspeech = loud\n");
	assert_int_equal(loop_settings_read(&s, c, &warning), -1);
	assert_non_null(strstr(warning, "quiet_hours"));
	assert_int_equal(s.reminders.quiet_start, s.reminders.quiet_end);
	assert_int_equal(s.speech, 0);
	assert_int_equal(s.reminders.noffsets, 5);
	free(warning);
	config_free(c);
}

static void
test_retry_delay(void **state)
{
	(void)state;
	/* The back-off, unless the server asks for longer. */
	assert_int_equal(loop_retry_delay(1, 900, -1, 0.0), 15);
	assert_int_equal(loop_retry_delay(1, 900, 10, 0.0), 15);
	assert_int_equal(loop_retry_delay(1, 900, 120, 0.0), 120);
	assert_int_equal(loop_retry_delay(3, 900, 0, 0.0), 60);
	/* Retry-After may be longer than the interval: it wins. */
	assert_int_equal(loop_retry_delay(1, 60, 3600, 0.5), 3600);
}

static void
test_service_notify(void **state)
{
	char dir[] = "/tmp/test_loop.XXXXXX", path[96], got[64], *cause = NULL;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	ssize_t n;
	int fd;

	(void)state;
	/* Without NOTIFY_SOCKET there is no service manager to tell. */
	unsetenv("NOTIFY_SOCKET");
	assert_int_equal(service_notify("READY=1", &cause), 0);

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/notify", dir);
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	setenv("NOTIFY_SOCKET", path, 1);
	assert_int_equal(service_notify("READY=1\nSTATUS=syncing", &cause), 0);
	n = recv(fd, got, sizeof got - 1, MSG_DONTWAIT);
	assert_int_equal(n, strlen("READY=1\nSTATUS=syncing"));
	got[n] = '\0';
	assert_string_equal(got, "READY=1\nSTATUS=syncing");
	close(fd);
	unlink(path);
	rmdir(dir);

	/* Nobody listening: a reason, not a crash. */
	assert_int_equal(service_notify("STOPPING=1", &cause), -1);
	assert_non_null(strstr(cause, "STOPPING=1"));
	free(cause);
	cause = NULL;
	setenv("NOTIFY_SOCKET", "relative/path", 1);
	assert_int_equal(service_notify("READY=1", &cause), -1);
	free(cause);
	unsetenv("NOTIFY_SOCKET");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_settings_defaults),
		cmocka_unit_test(test_settings_values),
		cmocka_unit_test(test_settings_bad_values),
		cmocka_unit_test(test_sync_delay_jitter),
		cmocka_unit_test(test_backoff),
		cmocka_unit_test(test_service_notify),
		cmocka_unit_test(test_settings_new_keys),
		cmocka_unit_test(test_retry_delay),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
