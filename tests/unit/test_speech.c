/*
 * Unit tests for shared/speech.c with the real espeak-ng synthesising to
 * nothing (MYNA_SPEECH=silent: these machines have no sound card) and the
 * transcript as the witness of what reached the synthesiser: readings
 * instead of kanji, one line per utterance, the order that priorities
 * give, stop, repeat, settings, and speech turned off.  The speech-
 * dispatcher path is tested against a small SSIP server in this file,
 * which answers as speech-dispatcher does and records what it was told.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "buf.h"
#include "config.h"
#include "mem.h"
#include "reading.h"
#include "speech.h"
#include "text.h"

static char dir[] = "/tmp/myna-speech-test.XXXXXX";
static char transcript[256];

static int
setup(void **state)
{
	(void)state;
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(transcript, sizeof transcript, "%s/transcript", dir);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	unlink(transcript);
	rmdir(dir);
	return 0;
}

/* Each test starts with silent espeak-ng and an empty transcript. */
static int
fresh(void **state)
{
	(void)state;
	unlink(transcript);
	setenv("MYNA_SPEECH", "silent", 1);
	setenv("MYNA_SPEECH_TRANSCRIPT", transcript, 1);
	return 0;
}

/* The transcript's lines (newly allocated array of n strings). */
static char **
lines(size_t *n)
{
	FILE *f = fopen(transcript, "r");
	char **out = NULL, *line = NULL;
	size_t cap = 0;
	ssize_t len;

	*n = 0;
	if (f == NULL)
		return NULL;
	while ((len = getline(&line, &cap, f)) > 0) {
		assert_true(line[len - 1] == '\n');
		line[len - 1] = '\0';
		out = xreallocarray(out, *n + 1, sizeof *out);
		out[(*n)++] = xstrdup(line);
	}
	free(line);
	fclose(f);
	return out;
}

static void
lines_free(char **l, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(l[i]);
	free(l);
}

static int
has_kanji(const char *s)
{
	unsigned int cp;
	size_t n, len = strlen(s);

	while ((n = text_decode(s, len, &cp)) > 0) {
		if (reading_is_kanji(cp))
			return 1;
		s += n;
		len -= n;
	}
	return 0;
}

static void
test_japanese_is_read(void **state)
{
	struct speech *s = speech_open("ja", NULL);
	struct speech_stats st;
	char **l;
	size_t n;

	(void)state;
	assert_string_equal(speech_backend(s), "espeak-ng");
	assert_int_equal(speech_say(s, "12月1日（火）までに1,500円を納付", SPEECH_FOCUS), 0);
	assert_int_equal(speech_say(s, "Due: Tue 1 Dec 2026, in 6 days", SPEECH_TEXT), 0);
	speech_wait(s);
	speech_stats(s, &st);
	assert_int_equal(st.said, 2);
	/* Without a sound card the utterances still count as spoken. */
	assert_int_equal(st.spoken, 2);
	speech_close(s);

	l = lines(&n);
	assert_int_equal(n, 2);
	assert_false(has_kanji(l[0]));
	assert_non_null(strstr(l[0], "じゅうにがつついたち"));
	assert_non_null(strstr(l[0], "せんごひゃくえん"));
	/* English text goes as written, for the English voice. */
	assert_string_equal(l[1], "Due: Tue 1 Dec 2026, in 6 days");
	lines_free(l, n);
}

static void
test_hostile_text(void **state)
{
	struct speech *s = speech_open("en", NULL);
	char **l;
	size_t n, i;

	(void)state;
	assert_int_equal(speech_say(s, "\x1b[2J\x1b]0;owned\x07Pay \x1b[31mnow\x1b[0m\nplease\r\n",
	                            SPEECH_FOCUS),
	                 0);
	assert_int_equal(speech_say(s, "納付\x1b[1m期限\x1b[0m\x07\x01です", SPEECH_TEXT), 0);
	speech_wait(s);
	speech_close(s);

	l = lines(&n);
	assert_int_equal(n, 2);
	for (i = 0; i < n; i++) {
		const char *p;

		for (p = l[i]; *p != '\0'; p++)
			assert_true((unsigned char)*p >= 0x20 && *p != 0x7f);
	}
	assert_string_equal(l[0], "Pay now. please");
	assert_string_equal(l[1], "のうふきげんです");
	lines_free(l, n);
}

/* Held utterances line up by priority: errors, announcements, then the
 * last focus text (an earlier one is replaced), then reading in order. */
static void
test_priorities(void **state)
{
	struct speech *s = speech_open("en", NULL);
	struct speech_stats st;
	char **l;
	size_t n;

	(void)state;
	speech_hold(s, 1);
	speech_say(s, "focus one", SPEECH_FOCUS);
	speech_say(s, "read one", SPEECH_TEXT);
	speech_say(s, "focus two", SPEECH_FOCUS);
	speech_say(s, "announcement", SPEECH_ANNOUNCE);
	speech_say(s, "read two", SPEECH_TEXT);
	speech_say(s, "error", SPEECH_ERROR);
	speech_say(s, "read three", SPEECH_TEXT);
	speech_hold(s, 0);
	speech_wait(s);
	speech_stats(s, &st);
	assert_int_equal(st.said, 7);
	assert_int_equal(st.dropped, 2); /* focus one, read one */
	assert_int_equal(st.spoken, 5);
	speech_close(s);

	l = lines(&n);
	assert_int_equal(n, 5);
	assert_string_equal(l[0], "error");
	assert_string_equal(l[1], "announcement");
	assert_string_equal(l[2], "focus two");
	assert_string_equal(l[3], "read two");
	assert_string_equal(l[4], "read three");
	lines_free(l, n);
}

static void
test_stop(void **state)
{
	struct speech *s = speech_open("en", NULL);
	struct speech_stats st;
	char **l;
	size_t n;

	(void)state;
	speech_hold(s, 1);
	speech_say(s, "one", SPEECH_TEXT);
	speech_say(s, "two", SPEECH_TEXT);
	speech_say(s, "three", SPEECH_ANNOUNCE);
	speech_stop(s);
	speech_hold(s, 0);
	speech_wait(s);
	speech_stats(s, &st);
	assert_int_equal(st.dropped, 3);
	assert_int_equal(st.spoken, 0);
	/* Speech goes on after a stop. */
	speech_say(s, "four", SPEECH_FOCUS);
	speech_wait(s);
	speech_close(s);
	l = lines(&n);
	assert_int_equal(n, 1);
	assert_string_equal(l[0], "four");
	lines_free(l, n);
}

static void
test_repeat(void **state)
{
	struct speech *s = speech_open("ja", NULL);
	char **l;
	size_t n;

	(void)state;
	assert_int_equal(speech_repeat(s), -1);
	speech_say(s, "あと6日", SPEECH_FOCUS);
	speech_wait(s);
	assert_int_equal(speech_repeat(s), 0);
	speech_wait(s);
	speech_close(s);
	l = lines(&n);
	assert_int_equal(n, 2);
	assert_string_equal(l[0], "あとむいか");
	assert_string_equal(l[1], "あとむいか");
	lines_free(l, n);
}

/* Digits alone are read in the handle's language. */
static void
test_language(void **state)
{
	struct speech *ja = speech_open("ja", NULL), *en;
	char **l;
	size_t n;

	(void)state;
	speech_say(ja, "2026", SPEECH_FOCUS);
	speech_wait(ja);
	speech_close(ja);
	en = speech_open("en", NULL);
	speech_say(en, "2026", SPEECH_FOCUS);
	/* Japanese text is read in Japanese whatever the language. */
	speech_say(en, "千代田区役所", SPEECH_TEXT);
	speech_wait(en);
	speech_close(en);
	l = lines(&n);
	assert_int_equal(n, 3);
	assert_string_equal(l[0], "にせんにじゅうろく");
	assert_string_equal(l[1], "2026");
	assert_string_equal(l[2], "ちよだくやくしょ");
	lines_free(l, n);
}

static void
test_nothing_to_say(void **state)
{
	struct speech *s = speech_open("ja", NULL);
	struct stat sb;

	(void)state;
	assert_int_equal(speech_say(s, "", SPEECH_FOCUS), -1);
	assert_int_equal(speech_say(s, " 、。（）\n", SPEECH_FOCUS), -1);
	assert_int_equal(speech_say(s, "龘", SPEECH_FOCUS), -1);
	assert_int_equal(speech_say(s, "\x1b[0m", SPEECH_FOCUS), -1);
	assert_int_equal(speech_say(s, NULL, SPEECH_FOCUS), -1);
	speech_wait(s);
	speech_close(s);
	/* The transcript exists (opened) but nothing was spoken. */
	assert_int_equal(stat(transcript, &sb), 0);
	assert_int_equal(sb.st_size, 0);
}

static void
test_off(void **state)
{
	struct speech *s;
	struct stat sb;

	(void)state;
	setenv("MYNA_SPEECH", "off", 1);
	s = speech_open("ja", NULL);
	assert_string_equal(speech_backend(s), "off");
	assert_int_equal(speech_say(s, "こんにちは", SPEECH_ERROR), -1);
	assert_int_equal(speech_repeat(s), -1);
	speech_stop(s);
	speech_wait(s);
	speech_close(s);
	assert_int_equal(stat(transcript, &sb), -1);
	speech_close(NULL);
}

static void
test_settings(void **state)
{
	struct speech_settings st;
	struct config *c = config_new();
	struct speech *s;
	char *cause = NULL;

	(void)state;
	speech_settings_init(&st);
	assert_int_equal(st.enabled, 1);
	assert_int_equal(st.rate, 0);
	assert_int_equal(config_parse(c,
	                              "speech = off\nspeech.rate = 40\nspeech.pitch = -20\n"
	                              "speech.volume = 500\nspeech.voice = ja+f3\n",
	                              "test", &cause),
	                 0);
	speech_settings_load(&st, c);
	assert_int_equal(st.enabled, 0);
	assert_int_equal(st.rate, 40);
	assert_int_equal(st.pitch, -20);
	assert_int_equal(st.volume, 0); /* out of range: kept */
	assert_string_equal(st.voice, "ja+f3");
	config_free(c);

	/* Turned off by the settings: nothing is said until turned on. */
	s = speech_open("ja", &st);
	assert_int_equal(speech_say(s, "はい", SPEECH_FOCUS), -1);
	st.enabled = 1;
	st.rate = 100;
	speech_set(s, &st);
	assert_int_equal(speech_say(s, "はい", SPEECH_FOCUS), 0);
	speech_wait(s);
	st.enabled = 0;
	speech_set(s, &st);
	assert_int_equal(speech_say(s, "いいえ", SPEECH_FOCUS), -1);
	speech_close(s);
}

/* espeak-ng is one per process: a second handle speaks to nothing, and
 * still works. */
static void
test_second_handle(void **state)
{
	struct speech *a = speech_open("ja", NULL), *b = speech_open("ja", NULL);
	char **l;
	size_t n;

	(void)state;
	assert_string_equal(speech_backend(a), "espeak-ng");
	assert_string_equal(speech_backend(b), "none");
	assert_int_equal(speech_say(b, "はい", SPEECH_FOCUS), 0);
	speech_wait(b);
	speech_close(b);
	speech_close(a);
	l = lines(&n);
	assert_int_equal(n, 1);
	assert_string_equal(l[0], "はい");
	lines_free(l, n);
	/* Once the first is closed, espeak-ng is free again. */
	a = speech_open("ja", NULL);
	assert_string_equal(speech_backend(a), "espeak-ng");
	speech_close(a);
}

/* The transcript is appended to, never truncated. */
static void
test_transcript_appends(void **state)
{
	FILE *f = fopen(transcript, "w");
	struct speech *s;
	char **l;
	size_t n;

	(void)state;
	assert_non_null(f);
	fputs("before\n", f);
	fclose(f);
	s = speech_open("en", NULL);
	speech_say(s, "after", SPEECH_FOCUS);
	speech_wait(s);
	speech_close(s);
	l = lines(&n);
	assert_int_equal(n, 2);
	assert_string_equal(l[0], "before");
	assert_string_equal(l[1], "after");
	lines_free(l, n);
}

/* A focus change stops a long reading in the middle: the synthesiser is
 * told to stop (the reading takes seconds to synthesise; the focus text
 * comes as soon as the reading has reached the synthesiser). */
static void
test_interrupt(void **state)
{
	struct speech *s = speech_open("en", NULL);
	struct speech_stats st;
	struct buf long_text;
	struct stat sb;
	char **l;
	size_t n;
	int i;

	(void)state;
	buf_init(&long_text, 0);
	while (long_text.len < 60000)
		buf_addstr(&long_text, "This is a long sentence for the synthesiser to read. ");
	assert_int_equal(speech_say(s, long_text.data, SPEECH_TEXT), 0);
	buf_release(&long_text);
	for (i = 0; i < 500 && (stat(transcript, &sb) < 0 || sb.st_size == 0); i++)
		usleep(10000);
	assert_true(sb.st_size > 0);
	assert_int_equal(speech_say(s, "stop that", SPEECH_FOCUS), 0);
	speech_wait(s);
	speech_stats(s, &st);
	assert_int_equal(st.spoken, 2);
	assert_int_equal(st.interrupted, 1);
	speech_close(s);
	l = lines(&n);
	assert_int_equal(n, 2);
	assert_string_equal(l[1], "stop that");
	lines_free(l, n);
}

/* --- A speech-dispatcher stand-in ------------------------------------ */

#define SSIP_CLIENTS 4

struct ssip {
	int listen_fd;
	int stop_pipe[2];
	pthread_t thread;
	pthread_mutex_t mu;
	char path[100]; /* fits a sockaddr_un */
	char log[8192]; /* one line per event */
	int hang_up;    /* close every connection on its next command */
};

struct ssip_client {
	int fd;
	char name[64];
	char priority[16];
	char language[16];
	char line[4096];
	size_t len;
	int data; /* between SPEAK and "." */
	char text[4096];
};

static void ssip_record(struct ssip *sv, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

static void
ssip_record(struct ssip *sv, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	pthread_mutex_lock(&sv->mu);
	n = strlen(sv->log);
	va_start(ap, fmt);
	vsnprintf(sv->log + n, sizeof sv->log - n, fmt, ap);
	va_end(ap);
	pthread_mutex_unlock(&sv->mu);
}

static void
ssip_reply(int fd, const char *s)
{
	ssize_t n = write(fd, s, strlen(s));

	(void)n;
}

/* Handles one line from a client; returns -1 to hang up. */
static int
ssip_line(struct ssip *sv, struct ssip_client *c, const char *line)
{
	const char *q;

	if (c->data) {
		if (strcmp(line, ".") == 0) {
			c->data = 0;
			ssip_record(sv, "%s %s %s: %s\n", c->name, c->priority, c->language,
			            c->text);
			c->text[0] = '\0';
			ssip_reply(c->fd, "225-1\r\n225 OK MESSAGE QUEUED\r\n");
		} else {
			snprintf(c->text + strlen(c->text), sizeof c->text - strlen(c->text), "%s",
			         line);
		}
		return 0;
	}
	pthread_mutex_lock(&sv->mu);
	if (sv->hang_up) {
		pthread_mutex_unlock(&sv->mu);
		return -1;
	}
	pthread_mutex_unlock(&sv->mu);
	if (strncmp(line, "SET SELF CLIENT_NAME ", 21) == 0 && (q = strrchr(line, ':')) != NULL) {
		snprintf(c->name, sizeof c->name, "%.*s", (int)strcspn(q + 1, "\""), q + 1);
	} else if (strncmp(line, "SET SELF PRIORITY ", 18) == 0) {
		snprintf(c->priority, sizeof c->priority, "%s", line + 18);
	} else if (strncasecmp(line, "SET SELF LANGUAGE ", 18) == 0) {
		snprintf(c->language, sizeof c->language, "%s", line + 18);
	} else if (strcasecmp(line, "SPEAK") == 0) {
		c->data = 1;
		ssip_reply(c->fd, "230 OK RECEIVING DATA\r\n");
		return 0;
	} else {
		ssip_record(sv, "%s %s\n", c->name, line);
	}
	ssip_reply(c->fd, "200 OK\r\n");
	return 0;
}

static void *
ssip_serve(void *arg)
{
	struct ssip *sv = arg;
	struct ssip_client clients[SSIP_CLIENTS];
	struct pollfd pfd[SSIP_CLIENTS + 2];
	size_t i, n;
	ssize_t got;
	char *nl;

	memset(clients, 0, sizeof clients);
	for (i = 0; i < SSIP_CLIENTS; i++)
		clients[i].fd = -1;
	for (;;) {
		pfd[0].fd = sv->listen_fd;
		pfd[0].events = POLLIN;
		pfd[1].fd = sv->stop_pipe[0];
		pfd[1].events = POLLIN;
		for (i = 0; i < SSIP_CLIENTS; i++) {
			pfd[i + 2].fd = clients[i].fd;
			pfd[i + 2].events = POLLIN;
		}
		if (poll(pfd, SSIP_CLIENTS + 2, -1) < 0)
			continue;
		if (pfd[1].revents)
			break;
		if (pfd[0].revents & POLLIN) {
			int fd = accept(sv->listen_fd, NULL, NULL);

			for (i = 0; i < SSIP_CLIENTS && clients[i].fd >= 0; i++)
				;
			if (i == SSIP_CLIENTS) {
				close(fd);
			} else {
				memset(&clients[i], 0, sizeof clients[i]);
				clients[i].fd = fd;
				snprintf(clients[i].priority, sizeof clients[i].priority,
				         "MESSAGE");
			}
		}
		for (i = 0; i < SSIP_CLIENTS; i++) {
			struct ssip_client *c = &clients[i];

			if (c->fd < 0 || !(pfd[i + 2].revents & (POLLIN | POLLHUP)))
				continue;
			got = read(c->fd, c->line + c->len, sizeof c->line - 1 - c->len);
			if (got <= 0) {
				close(c->fd);
				c->fd = -1;
				continue;
			}
			c->len += (size_t)got;
			c->line[c->len] = '\0';
			while ((nl = strstr(c->line, "\r\n")) != NULL) {
				*nl = '\0';
				if (c->fd >= 0 && ssip_line(sv, c, c->line) < 0) {
					close(c->fd);
					c->fd = -1;
				}
				n = (size_t)(nl + 2 - c->line);
				memmove(c->line, nl + 2, c->len - n + 1);
				c->len -= n;
			}
		}
	}
	for (i = 0; i < SSIP_CLIENTS; i++)
		if (clients[i].fd >= 0)
			close(clients[i].fd);
	return NULL;
}

static void
ssip_start(struct ssip *sv)
{
	struct sockaddr_un sa;
	char address[300];

	memset(sv, 0, sizeof *sv);
	pthread_mutex_init(&sv->mu, NULL);
	snprintf(sv->path, sizeof sv->path, "%s/speechd.sock", dir);
	unlink(sv->path);
	sv->listen_fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(sv->listen_fd >= 0);
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, sv->path, strlen(sv->path) + 1);
	assert_int_equal(bind(sv->listen_fd, (struct sockaddr *)&sa, sizeof sa), 0);
	assert_int_equal(listen(sv->listen_fd, 4), 0);
	assert_int_equal(pipe(sv->stop_pipe), 0);
	assert_int_equal(pthread_create(&sv->thread, NULL, ssip_serve, sv), 0);
	snprintf(address, sizeof address, "unix_socket:%s", sv->path);
	setenv("SPEECHD_ADDRESS", address, 1);
	unsetenv("MYNA_SPEECH");
}

static void
ssip_stop(struct ssip *sv)
{
	ssize_t n = write(sv->stop_pipe[1], "x", 1);

	(void)n;
	pthread_join(sv->thread, NULL);
	close(sv->listen_fd);
	close(sv->stop_pipe[0]);
	close(sv->stop_pipe[1]);
	unlink(sv->path);
	pthread_mutex_destroy(&sv->mu);
	unsetenv("SPEECHD_ADDRESS");
}

/* Does the server's log have this line? */
static int
ssip_heard(struct ssip *sv, const char *line)
{
	char want[1024];
	int found;

	snprintf(want, sizeof want, "%s\n", line);
	pthread_mutex_lock(&sv->mu);
	found = strstr(sv->log, want) != NULL;
	pthread_mutex_unlock(&sv->mu);
	if (!found)
		printf("# not heard: %s\n# log:\n%s", line, sv->log);
	return found;
}

/* With a session speech-dispatcher, it speaks: focus text on one
 * connection (cancelled before each focus), errors and announcements on
 * the other, in the language of the text. */
static void
test_speech_dispatcher(void **state)
{
	struct speech_settings st;
	struct speech *s;
	struct ssip sv;
	char **l;
	size_t n;

	(void)state;
	ssip_start(&sv);
	speech_settings_init(&st);
	st.rate = 40;
	s = speech_open("en", &st);
	assert_string_equal(speech_backend(s), "speech-dispatcher");
	assert_true(ssip_heard(&sv, "focus SET SELF RATE 40"));
	assert_true(ssip_heard(&sv, "announce SET SELF RATE 40"));

	assert_int_equal(speech_say(s, "first focus", SPEECH_FOCUS), 0);
	assert_true(ssip_heard(&sv, "focus CANCEL SELF"));
	assert_true(ssip_heard(&sv, "focus TEXT en: first focus"));
	assert_int_equal(speech_say(s, "\x1b[1mSaved\x1b[0m", SPEECH_ANNOUNCE), 0);
	assert_true(ssip_heard(&sv, "announce MESSAGE en: Saved"));
	assert_int_equal(speech_say(s, "Cannot sync", SPEECH_ERROR), 0);
	assert_true(ssip_heard(&sv, "announce IMPORTANT en: Cannot sync"));
	assert_int_equal(speech_say(s, "12月1日まで", SPEECH_TEXT), 0);
	assert_true(ssip_heard(&sv, "focus MESSAGE ja: じゅうにがつついたちまで"));
	speech_stop(s);
	assert_true(ssip_heard(&sv, "announce CANCEL SELF"));

	/* The server goes away: speech goes on with espeak-ng. */
	pthread_mutex_lock(&sv.mu);
	sv.hang_up = 1;
	pthread_mutex_unlock(&sv.mu);
	assert_int_equal(speech_say(s, "still here", SPEECH_FOCUS), 0);
	assert_string_equal(speech_backend(s), "espeak-ng");
	speech_wait(s);
	speech_close(s);
	ssip_stop(&sv);

	l = lines(&n);
	assert_int_equal(n, 5);
	assert_string_equal(l[0], "first focus");
	assert_string_equal(l[1], "Saved");
	assert_string_equal(l[3], "じゅうにがつついたちまで");
	assert_string_equal(l[4], "still here");
	lines_free(l, n);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup(test_japanese_is_read, fresh),
	        cmocka_unit_test_setup(test_hostile_text, fresh),
	        cmocka_unit_test_setup(test_priorities, fresh),
	        cmocka_unit_test_setup(test_stop, fresh),
	        cmocka_unit_test_setup(test_repeat, fresh),
	        cmocka_unit_test_setup(test_language, fresh),
	        cmocka_unit_test_setup(test_nothing_to_say, fresh),
	        cmocka_unit_test_setup(test_off, fresh),
	        cmocka_unit_test_setup(test_settings, fresh),
	        cmocka_unit_test_setup(test_second_handle, fresh),
	        cmocka_unit_test_setup(test_transcript_appends, fresh),
	        cmocka_unit_test_setup(test_speech_dispatcher, fresh),
	        cmocka_unit_test_setup(test_interrupt, fresh),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
