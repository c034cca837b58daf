/*
 * speech: speech-dispatcher, espeak-ng, or nothing (see speech.h).
 *
 * With speech-dispatcher the server keeps the queue; the priorities map on
 * two connections so that a focus change cancels only focus text and
 * reading: errors (IMPORTANT) and announcements (MESSAGE) go on one
 * connection, focus text (TEXT: a new one replaces the old, and MESSAGE
 * interrupts it) and reading (MESSAGE, queued) on the other, which is
 * cancelled before each focus text.
 *
 * With espeak-ng (and with no synthesiser at all) a worker thread of ours
 * takes utterances from a small queue ordered by priority and synthesises
 * them one at a time in espeak-ng's synchronous modes; a synthesis is
 * stopped by returning 1 from espeak-ng's callback when `abort` is set.
 * espeak-ng is one synthesiser per process, so one handle at a time uses
 * it; another handle opened meanwhile speaks to nothing.
 */
#include "speech.h"

#include <dirent.h>
#include <errno.h>
#include <espeak-ng/speak_lib.h>
#include <fcntl.h>
#include <libspeechd.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "i18n.h"
#include "log.h"
#include "mem.h"
#include "reading.h"
#include "text.h"

enum speech_kind { SPEECH_OFF, SPEECH_NONE, SPEECH_ESPEAK, SPEECH_SPD };

static const char *const speech_kind_names[] = {
        "off",
        "none",
        "espeak-ng",
        "speech-dispatcher",
};

/* Utterances waiting in our queue at most; past that, the oldest reading
 * is dropped (a screen of lines is far fewer). */
#define SPEECH_QUEUE_MAX 64

struct speech_utt {
	char *text;   /* exactly what the synthesiser gets */
	int japanese; /* Japanese voice, Latin runs in English */
	enum speech_priority prio;
};

struct speech {
	enum speech_kind kind;
	char lang[8];
	struct speech_settings st;
	struct reading *reading;
	int reading_tried;
	int transcript; /* fd, or -1 */
	char *last;     /* the last text accepted, cleaned */
	enum speech_priority last_prio;

	SPDConnection *spd_focus, *spd_announce;
	const char *spd_lang; /* the language last set on both connections */

	/* Our queue (espeak-ng and none), guarded by mu. */
	pthread_mutex_t mu;
	pthread_cond_t cond;
	pthread_t worker;
	int worker_started;
	struct speech_utt queue[SPEECH_QUEUE_MAX];
	size_t nqueue;
	int busy; /* the worker is speaking busy_prio */
	enum speech_priority busy_prio;
	int hold, quit;
	int settings_changed;
	struct speech_stats stats;
	atomic_int abort; /* stop the synthesis in progress */
	int sound;        /* espeak-ng plays on the sound device */
};

/* espeak-ng is one synthesiser per process: started once (-1: not yet, 0:
 * synthesising to nothing, 1: playing on the sound device) and never
 * stopped, because espeak-ng 1.51 hangs when it is terminated a second time
 * after being started again; and lent to one handle at a time (its
 * callback has no other way to find the handle). */
static pthread_mutex_t speech_espeak_mu = PTHREAD_MUTEX_INITIALIZER;
static int speech_espeak_mode = -1;
static struct speech *_Atomic speech_espeak_owner;

/* --- Settings -------------------------------------------------------- */

void
speech_settings_init(struct speech_settings *st)
{
	memset(st, 0, sizeof *st);
	st->enabled = 1;
}

void
speech_settings_load(struct speech_settings *st, const struct config *c)
{
	const char *voice;

	if (c == NULL)
		return;
	st->enabled = config_get_bool(c, "speech", st->enabled);
	st->rate = (int)config_get_int(c, "speech.rate", st->rate, -100, 100);
	st->pitch = (int)config_get_int(c, "speech.pitch", st->pitch, -100, 100);
	st->volume = (int)config_get_int(c, "speech.volume", st->volume, -100, 100);
	voice = config_get(c, "speech.voice");
	if (voice != NULL && strlen(voice) < sizeof st->voice)
		snprintf(st->voice, sizeof st->voice, "%s", voice);
}

static int
speech_clamp(int v)
{
	return v < -100 ? -100 : v > 100 ? 100 : v;
}

/* --- Text ------------------------------------------------------------ */

/* Does s hold kana or kanji? */
static int
speech_has_japanese(const char *s)
{
	size_t n, len = strlen(s);
	unsigned int cp;

	while ((n = text_decode(s, len, &cp)) > 0) {
		if (reading_is_kana(cp) || reading_is_kanji(cp))
			return 1;
		s += n;
		len -= n;
	}
	return 0;
}

static int
speech_has_letter(const char *s)
{
	for (; *s != '\0'; s++)
		if ((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z'))
			return 1;
	return 0;
}

/* English (or other non-Japanese) text on one line: a newline before more
 * text ends a sentence, runs of blanks become one space. */
static char *
speech_one_line(const char *s)
{
	struct buf b;
	int space = 0, stop = 0;

	buf_init(&b, 0);
	buf_addstr(&b, "");
	for (; *s != '\0'; s++) {
		if (*s == '\n' || *s == ' ') {
			stop |= *s == '\n';
			space = 1;
			continue;
		}
		if (stop && b.len > 0 && strchr(".!?:;,", b.data[b.len - 1]) == NULL)
			buf_addch(&b, '.');
		if (space && b.len > 0)
			buf_addch(&b, ' ');
		space = stop = 0;
		buf_addch(&b, *s);
	}
	return buf_take(&b);
}

/* Does the utterance have anything to say (a letter, a digit or a kana,
 * not only pauses and signs)? */
static int
speech_has_words(const char *s)
{
	size_t n, len = strlen(s);
	unsigned int cp;

	while ((n = text_decode(s, len, &cp)) > 0) {
		if ((cp >= '0' && cp <= '9') || (cp >= 'A' && cp <= 'Z') ||
		    (cp >= 'a' && cp <= 'z') || reading_is_kana(cp) || (cp >= 0xC0 && cp < 0x2000))
			return 1;
		s += n;
		len -= n;
	}
	return 0;
}

/* Turns cleaned text into an utterance: the reading of Japanese text, or
 * the text on one line.  Returns 0, or -1 when there is nothing to say. */
static int
speech_utterance(struct speech *s, const char *clean, struct speech_utt *u)
{
	char *cause = NULL;
	int japanese = speech_has_japanese(clean) ||
	               (!speech_has_letter(clean) && strcmp(s->lang, "ja") == 0);

	if (japanese && s->reading == NULL && !s->reading_tried) {
		s->reading_tried = 1;
		s->reading = reading_open(NULL, &cause);
		if (s->reading == NULL) {
			/* Kana and numbers are still read; kanji are left out. */
			log_warn(_("speech: Japanese readings are not available: %s"), cause);
			free(cause);
		}
	}
	u->japanese = japanese;
	u->text = japanese ? reading_of(s->reading, clean) : speech_one_line(clean);
	if (!speech_has_words(u->text)) {
		xfree(&u->text);
		return -1;
	}
	return 0;
}

/* Appends the utterance to the transcript as one line, in one write. */
static void
speech_transcribe(struct speech *s, const char *text)
{
	struct buf line;
	ssize_t n;

	if (s->transcript < 0)
		return;
	buf_init(&line, 0);
	buf_addstr(&line, text);
	buf_addch(&line, '\n');
	do
		n = write(s->transcript, line.data, line.len);
	while (n < 0 && errno == EINTR);
	if (n < 0 || (size_t)n != line.len)
		log_warn(_("speech: cannot write the transcript: %s"),
		         n < 0 ? strerror(errno) : "short write");
	buf_release(&line);
}

/* --- espeak-ng ------------------------------------------------------- */

/* Is there a sound server or device for espeak-ng to play on?  Asked so
 * that a machine without sound gets silent synthesis instead of audio
 * errors printed on the terminal. */
static int
speech_sound_available(void)
{
	const char *runtime = getenv("XDG_RUNTIME_DIR"), *pulse = getenv("PULSE_SERVER");
	char path[512];
	struct stat sb;
	struct dirent *de;
	DIR *d;
	int found = 0;

	if (pulse != NULL && pulse[0] != '\0')
		return 1;
	if (runtime != NULL && runtime[0] != '\0') {
		snprintf(path, sizeof path, "%s/pulse/native", runtime);
		if (stat(path, &sb) == 0)
			return 1;
		snprintf(path, sizeof path, "%s/pipewire-0", runtime);
		if (stat(path, &sb) == 0)
			return 1;
	}
	d = opendir("/dev/snd");
	if (d == NULL)
		return 0;
	while (!found && (de = readdir(d)) != NULL) {
		size_t n = strlen(de->d_name);

		/* pcmC0D0p: a playback device */
		found = strncmp(de->d_name, "pcmC", 4) == 0 && n > 4 && de->d_name[n - 1] == 'p';
	}
	closedir(d);
	return found;
}

/* espeak-ng hands over sound (dropped: it was played already, or there is
 * nowhere to play it) and asks whether to go on. */
static int
speech_espeak_callback(short *wav, int samples, espeak_EVENT *events)
{
	struct speech *s = atomic_load(&speech_espeak_owner);

	(void)wav;
	(void)samples;
	(void)events;
	return s != NULL && atomic_load(&s->abort) ? 1 : 0;
}

/* Starts espeak-ng, playing on the sound device when sound is 1.  Called
 * with speech_espeak_mu held. */
static int
speech_espeak_init(int sound)
{
	int rate = espeak_Initialize(sound ? AUDIO_OUTPUT_SYNCH_PLAYBACK : AUDIO_OUTPUT_SYNCHRONOUS,
	                             200, NULL, espeakINITIALIZE_DONT_EXIT);

	if (rate <= 0)
		return -1;
	espeak_SetSynthCallback(speech_espeak_callback);
	speech_espeak_mode = sound;
	return 0;
}

/* Takes espeak-ng for s, starting it the first time (with sound when
 * allow_sound and a sound device exists).  Returns 0, or -1 when it cannot
 * be started or another handle has it. */
static int
speech_espeak_open(struct speech *s, int allow_sound)
{
	int ret = -1, sound;

	pthread_mutex_lock(&speech_espeak_mu);
	if (atomic_load(&speech_espeak_owner) != NULL) {
		log_warn(_("speech: espeak-ng is in use by another speech handle"));
		goto out;
	}
	if (speech_espeak_mode < 0) {
		sound = allow_sound && speech_sound_available();
		if (speech_espeak_init(sound) < 0 && (!sound || speech_espeak_init(0) < 0)) {
			log_warn(
			        _("speech: espeak-ng cannot start (is espeak-ng-data installed?)"));
			goto out;
		}
	}
	if (speech_espeak_mode == 1 && !allow_sound) {
		/* Started with sound for another handle; this one must be
		 * silent, so it speaks to nothing. */
		log_debug("speech: espeak-ng plays sound; a silent handle gets none");
		goto out;
	}
	s->sound = speech_espeak_mode == 1;
	atomic_store(&speech_espeak_owner, s);
	ret = 0;
out:
	pthread_mutex_unlock(&speech_espeak_mu);
	return ret;
}

static void
speech_espeak_close(struct speech *s)
{
	struct speech *expected = s;

	atomic_compare_exchange_strong(&speech_espeak_owner, &expected, NULL);
}

/* Scales a -100 .. 100 setting onto lo .. mid .. hi. */
static int
speech_scale(int v, int lo, int mid, int hi)
{
	v = speech_clamp(v);
	return v < 0 ? mid + (mid - lo) * v / 100 : mid + (hi - mid) * v / 100;
}

/* Sets the voice for a run (the settings' voice for the handle's own
 * language) and the rate, pitch and volume, which a voice change resets. */
static void
speech_espeak_voice(struct speech *s, const struct speech_settings *st, int japanese)
{
	const char *lang = japanese ? "ja" : "en";

	if (st->voice[0] == '\0' || strcmp(lang, s->lang) != 0 ||
	    espeak_SetVoiceByName(st->voice) != EE_OK)
		espeak_SetVoiceByName(lang);
	espeak_SetParameter(espeakRATE, speech_scale(st->rate, 80, 175, 450), 0);
	espeak_SetParameter(espeakPITCH, speech_scale(st->pitch, 0, 50, 100), 0);
	espeak_SetParameter(espeakVOLUME, speech_scale(st->volume, 0, 100, 150), 0);
}

/* Synthesises text[0..len) with the Japanese or English voice. */
static int
speech_espeak_run(struct speech *s, const struct speech_settings *st, const char *text, size_t len,
                  int japanese)
{
	char *run = xstrndup(text, len);
	espeak_ERROR err;

	speech_espeak_voice(s, st, japanese);
	err = espeak_Synth(run, len + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8, NULL, NULL);
	free(run);
	return err == EE_OK ? 0 : -1;
}

/* Says an utterance with espeak-ng: in a Japanese reading, runs of ASCII
 * that hold a letter are Latin words for the English voice. */
static int
speech_espeak_say(struct speech *s, const struct speech_settings *st, const struct speech_utt *u)
{
	const char *p = u->text, *start;
	int latin, letter;

	if (!u->japanese)
		return speech_espeak_run(s, st, p, strlen(p), 0);
	while (*p != '\0' && !atomic_load(&s->abort)) {
		start = p;
		latin = ((unsigned char)*p < 0x80);
		letter = 0;
		while (*p != '\0' && ((unsigned char)*p < 0x80) == latin) {
			letter |= (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z');
			p++;
		}
		/* ASCII without a letter (spaces) goes with the Japanese voice. */
		if (speech_espeak_run(s, st, start, (size_t)(p - start), !(latin && letter)) < 0)
			return -1;
	}
	return 0;
}

/* --- Our queue ------------------------------------------------------- */

static int
speech_rank(enum speech_priority p)
{
	return (int)p;
}

static void
speech_utt_release(struct speech_utt *u)
{
	xfree(&u->text);
}

/* Drops queued utterances of priority at least from (lower rank
 * numbers are more urgent).  Called with mu held. */
static void
speech_drop_from(struct speech *s, enum speech_priority from)
{
	size_t i, j = 0;

	for (i = 0; i < s->nqueue; i++) {
		if (speech_rank(s->queue[i].prio) >= speech_rank(from)) {
			speech_utt_release(&s->queue[i]);
			s->stats.dropped++;
		} else {
			s->queue[j++] = s->queue[i];
		}
	}
	s->nqueue = j;
}

/* Queues u (taking its text) by the rules in speech.h.  Called with mu
 * held. */
static void
speech_enqueue(struct speech *s, struct speech_utt *u)
{
	size_t at, i;

	switch (u->prio) {
	case SPEECH_ERROR:
		if (s->busy && s->busy_prio != SPEECH_ERROR)
			atomic_store(&s->abort, 1);
		break;
	case SPEECH_ANNOUNCE:
		if (s->busy && speech_rank(s->busy_prio) >= speech_rank(SPEECH_FOCUS))
			atomic_store(&s->abort, 1);
		break;
	case SPEECH_FOCUS:
		speech_drop_from(s, SPEECH_FOCUS);
		if (s->busy && speech_rank(s->busy_prio) >= speech_rank(SPEECH_FOCUS))
			atomic_store(&s->abort, 1);
		break;
	case SPEECH_TEXT:
		break;
	}
	if (s->nqueue == SPEECH_QUEUE_MAX) {
		/* Full of reading: the oldest waiting line goes. */
		for (i = 0; i < s->nqueue && s->queue[i].prio != SPEECH_TEXT; i++)
			;
		if (i == s->nqueue) {
			speech_utt_release(u);
			s->stats.dropped++;
			return;
		}
		speech_utt_release(&s->queue[i]);
		memmove(&s->queue[i], &s->queue[i + 1], (s->nqueue - i - 1) * sizeof s->queue[0]);
		s->nqueue--;
		s->stats.dropped++;
	}
	/* After everything as urgent or more, before everything less. */
	for (at = 0; at < s->nqueue && speech_rank(s->queue[at].prio) <= speech_rank(u->prio); at++)
		;
	memmove(&s->queue[at + 1], &s->queue[at], (s->nqueue - at) * sizeof s->queue[0]);
	s->queue[at] = *u;
	s->nqueue++;
	u->text = NULL;
	pthread_cond_broadcast(&s->cond);
}

static void *
speech_worker(void *arg)
{
	struct speech *s = arg;
	struct speech_utt u;
	struct speech_settings st;
	enum speech_kind kind;
	int failed;

	pthread_mutex_lock(&s->mu);
	for (;;) {
		while (!s->quit && (s->nqueue == 0 || s->hold))
			pthread_cond_wait(&s->cond, &s->mu);
		if (s->quit)
			break;
		u = s->queue[0];
		memmove(&s->queue[0], &s->queue[1], (s->nqueue - 1) * sizeof s->queue[0]);
		s->nqueue--;
		s->busy = 1;
		s->busy_prio = u.prio;
		atomic_store(&s->abort, 0);
		st = s->st;
		kind = s->kind;
		pthread_mutex_unlock(&s->mu);

		speech_transcribe(s, u.text);
		failed = kind == SPEECH_ESPEAK && speech_espeak_say(s, &st, &u) < 0;

		pthread_mutex_lock(&s->mu);
		if (failed) {
			/* A sound device that went away, or a broken voice: go
			 * on, saying nothing aloud. */
			log_warn(_("speech: espeak-ng failed; going on without sound"));
			s->kind = SPEECH_NONE;
		}
		s->stats.spoken++;
		if (atomic_load(&s->abort))
			s->stats.interrupted++;
		s->busy = 0;
		speech_utt_release(&u);
		pthread_cond_broadcast(&s->cond);
	}
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

/* Starts our worker (espeak-ng or none).  Returns 0, or -1. */
static int
speech_worker_start(struct speech *s)
{
	int err;

	if (s->worker_started)
		return 0;
	err = pthread_create(&s->worker, NULL, speech_worker, s);
	if (err != 0) {
		log_warn(_("speech: cannot start the speech thread: %s"), strerror(err));
		return -1;
	}
	s->worker_started = 1;
	return 0;
}

/* --- speech-dispatcher ----------------------------------------------- */

/* Connects to the session's speech-dispatcher at address (never starting
 * one: autospawn 0). */
static SPDConnection *
speech_spd_connect(const char *name, const SPDConnectionAddress *address)
{
	char *error = NULL;
	SPDConnection *c;

	c = spd_open2("myna", name, NULL, SPD_MODE_SINGLE, address, 0, &error);
	if (c == NULL)
		log_debug("speech: no speech-dispatcher: %s", error != NULL ? error : "?");
	free(error);
	return c;
}

static void
speech_spd_settings(struct speech *s)
{
	SPDConnection *conns[2] = {s->spd_focus, s->spd_announce};
	size_t i;

	for (i = 0; i < 2; i++) {
		spd_set_voice_rate(conns[i], speech_clamp(s->st.rate));
		spd_set_voice_pitch(conns[i], speech_clamp(s->st.pitch));
		spd_set_volume(conns[i], speech_clamp(s->st.volume));
		if (s->st.voice[0] != '\0')
			spd_set_synthesis_voice(conns[i], s->st.voice);
	}
}

/* A server that goes away must not kill us with SIGPIPE while we write to
 * it; a handler the program set itself is left alone. */
static void
speech_spd_ignore_sigpipe(void)
{
	struct sigaction sa;

	if (sigaction(SIGPIPE, NULL, &sa) == 0 && sa.sa_handler == SIG_DFL) {
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = SIG_IGN;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGPIPE, &sa, NULL);
	}
}

static int
speech_spd_open(struct speech *s)
{
	SPDConnectionAddress *address;
	char *error = NULL;
	struct stat sb;
	int ret = -1;

	address = spd_get_default_address(&error);
	if (address == NULL) {
		log_debug("speech: no speech-dispatcher address: %s", error != NULL ? error : "?");
		free(error);
		return -1;
	}
	/* No socket, no session speech-dispatcher: asked before connecting,
	 * which is quicker and spares libspeechd's failure path (it leaks). */
	if (address->method == SPD_METHOD_UNIX_SOCKET &&
	    (address->unix_socket_name == NULL || stat(address->unix_socket_name, &sb) < 0)) {
		log_debug("speech: no speech-dispatcher socket");
		goto out;
	}
	s->spd_focus = speech_spd_connect("focus", address);
	if (s->spd_focus == NULL)
		goto out;
	s->spd_announce = speech_spd_connect("announce", address);
	if (s->spd_announce == NULL) {
		spd_close(s->spd_focus);
		s->spd_focus = NULL;
		goto out;
	}
	speech_spd_ignore_sigpipe();
	speech_spd_settings(s);
	ret = 0;
out:
	SPDConnectionAddress__free(address);
	return ret;
}

static void
speech_spd_close(struct speech *s)
{
	if (s->spd_focus != NULL)
		spd_close(s->spd_focus);
	if (s->spd_announce != NULL)
		spd_close(s->spd_announce);
	s->spd_focus = NULL;
	s->spd_announce = NULL;
}

/* Hands an utterance to speech-dispatcher.  Returns 0, or -1. */
static int
speech_spd_say(struct speech *s, const struct speech_utt *u)
{
	const char *lang = u->japanese ? "ja" : "en";
	SPDConnection *c = u->prio == SPEECH_ERROR || u->prio == SPEECH_ANNOUNCE ? s->spd_announce
	                                                                         : s->spd_focus;
	SPDPriority p;

	if (s->spd_lang == NULL || strcmp(s->spd_lang, lang) != 0) {
		if (spd_set_language(s->spd_focus, lang) < 0 ||
		    spd_set_language(s->spd_announce, lang) < 0)
			return -1;
		s->spd_lang = lang;
	}
	switch (u->prio) {
	case SPEECH_ERROR:
		p = SPD_IMPORTANT;
		break;
	case SPEECH_ANNOUNCE:
		p = SPD_MESSAGE;
		break;
	case SPEECH_FOCUS:
		spd_cancel(s->spd_focus);
		p = SPD_TEXT;
		break;
	default:
		p = SPD_MESSAGE;
		break;
	}
	speech_transcribe(s, u->text);
	return spd_say(c, p, u->text) < 0 ? -1 : 0;
}

/* --- The handle ------------------------------------------------------ */

/* The synthesiser in use; the worker may change espeak-ng to none. */
static enum speech_kind
speech_kind(struct speech *s)
{
	enum speech_kind k;

	pthread_mutex_lock(&s->mu);
	k = s->kind;
	pthread_mutex_unlock(&s->mu);
	return k;
}

struct speech *
speech_open(const char *lang, const struct speech_settings *st)
{
	struct speech *s = xcalloc(1, sizeof *s);
	const char *mode = getenv("MYNA_SPEECH"), *path = getenv("MYNA_SPEECH_TRANSCRIPT");

	if (mode == NULL)
		mode = "";
	snprintf(s->lang, sizeof s->lang, "%s",
	         lang != NULL && strcmp(lang, "ja") == 0 ? "ja" : "en");
	if (st != NULL)
		s->st = *st;
	else
		speech_settings_init(&s->st);
	s->transcript = -1;
	atomic_init(&s->abort, 0);
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cond, NULL);

	if (strcmp(mode, "off") == 0) {
		log_info(_("speech: off (MYNA_SPEECH=off)"));
		s->kind = SPEECH_OFF;
		return s;
	}
	if (path != NULL && path[0] != '\0') {
		s->transcript = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
		if (s->transcript < 0)
			log_warn(_("speech: cannot open the transcript %s: %s"), path,
			         strerror(errno));
	}
	if (strcmp(mode, "espeak") != 0 && strcmp(mode, "silent") != 0 && speech_spd_open(s) == 0) {
		s->kind = SPEECH_SPD;
		return s;
	}
	s->kind = speech_espeak_open(s, strcmp(mode, "silent") != 0) == 0 ? SPEECH_ESPEAK
	                                                                  : SPEECH_NONE;
	if (speech_worker_start(s) < 0) {
		speech_espeak_close(s);
		s->kind = SPEECH_OFF;
	}
	log_debug("speech: %s%s", speech_kind_names[s->kind],
	          s->kind == SPEECH_ESPEAK && !s->sound ? " without sound" : "");
	return s;
}

const char *
speech_backend(struct speech *s)
{
	return speech_kind_names[speech_kind(s)];
}

int
speech_say(struct speech *s, const char *text, enum speech_priority p)
{
	struct speech_utt u;
	enum speech_kind kind = speech_kind(s);
	char *clean;
	size_t len;

	if (kind == SPEECH_OFF || !s->st.enabled || text == NULL)
		return -1;
	len = strnlen(text, READING_MAX_INPUT);
	while (len > 0 && len < strlen(text) && ((unsigned char)text[len] & 0xC0) == 0x80)
		len--;
	clean = text_clean(text, len, TEXT_MULTILINE);
	memset(&u, 0, sizeof u);
	u.prio = p;
	if (speech_utterance(s, clean, &u) < 0) {
		free(clean);
		return -1;
	}
	free(s->last);
	s->last = clean;
	s->last_prio = p;

	if (kind == SPEECH_SPD) {
		if (speech_spd_say(s, &u) == 0) {
			s->stats.said++;
			s->stats.spoken++;
			speech_utt_release(&u);
			return 0;
		}
		log_warn(_("speech: speech-dispatcher stopped answering; speaking with espeak-ng"));
		speech_spd_close(s);
		kind = speech_espeak_open(s, 1) == 0 ? SPEECH_ESPEAK : SPEECH_NONE;
		if (speech_worker_start(s) < 0) {
			speech_espeak_close(s);
			kind = SPEECH_OFF;
		}
		pthread_mutex_lock(&s->mu);
		s->kind = kind;
		pthread_mutex_unlock(&s->mu);
		if (kind == SPEECH_OFF) {
			speech_utt_release(&u);
			return -1;
		}
	}
	pthread_mutex_lock(&s->mu);
	s->stats.said++;
	speech_enqueue(s, &u);
	pthread_mutex_unlock(&s->mu);
	return 0;
}

int
speech_repeat(struct speech *s)
{
	char *again;
	int ret;

	if (s->last == NULL)
		return -1;
	again = xstrdup(s->last);
	ret = speech_say(s, again, s->last_prio);
	free(again);
	return ret;
}

void
speech_stop(struct speech *s)
{
	if (speech_kind(s) == SPEECH_SPD) {
		spd_cancel(s->spd_focus);
		spd_cancel(s->spd_announce);
		return;
	}
	pthread_mutex_lock(&s->mu);
	speech_drop_from(s, SPEECH_ERROR);
	if (s->busy)
		atomic_store(&s->abort, 1);
	pthread_mutex_unlock(&s->mu);
}

void
speech_wait(struct speech *s)
{
	if (!s->worker_started)
		return;
	pthread_mutex_lock(&s->mu);
	while ((s->nqueue > 0 && !s->hold) || s->busy)
		pthread_cond_wait(&s->cond, &s->mu);
	pthread_mutex_unlock(&s->mu);
}

void
speech_set(struct speech *s, const struct speech_settings *st)
{
	if (!st->enabled)
		speech_stop(s);
	pthread_mutex_lock(&s->mu);
	s->st = *st;
	s->st.rate = speech_clamp(s->st.rate);
	s->st.pitch = speech_clamp(s->st.pitch);
	s->st.volume = speech_clamp(s->st.volume);
	pthread_mutex_unlock(&s->mu);
	if (speech_kind(s) == SPEECH_SPD)
		speech_spd_settings(s);
}

void
speech_stats(struct speech *s, struct speech_stats *out)
{
	pthread_mutex_lock(&s->mu);
	*out = s->stats;
	pthread_mutex_unlock(&s->mu);
}

void
speech_hold(struct speech *s, int hold)
{
	pthread_mutex_lock(&s->mu);
	s->hold = hold;
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->mu);
}

void
speech_close(struct speech *s)
{
	if (s == NULL)
		return;
	if (s->worker_started) {
		pthread_mutex_lock(&s->mu);
		speech_drop_from(s, SPEECH_ERROR);
		s->quit = 1;
		atomic_store(&s->abort, 1);
		pthread_cond_broadcast(&s->cond);
		pthread_mutex_unlock(&s->mu);
		pthread_join(s->worker, NULL);
	}
	speech_espeak_close(s);
	speech_spd_close(s);
	reading_close(s->reading);
	if (s->transcript >= 0)
		close(s->transcript);
	free(s->last);
	pthread_cond_destroy(&s->cond);
	pthread_mutex_destroy(&s->mu);
	free(s);
}
