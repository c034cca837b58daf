/*
 * myna-notify: mynad's notification helper.  mynad starts it for each
 * batch of reminders: it reads the batch (one JSON object) on standard
 * input, shows each reminder as a desktop notification (libnotify) and says
 * it aloud (the speech module, as `myna --speech` does) as asked, and
 * answers on standard output, one JSON object a line: delivered or failed
 * for each reminder in turn, then the actions the resident picks.  The
 * protocol is described in daemon/deliver.h.
 *
 * It lives as long as its notifications may be acted on: until the
 * notification server has closed all that offer actions, the batch's
 * "linger" seconds have passed, or mynad has gone (its end of the answers'
 * pipe is closed); then it finishes speaking and exits.  It never opens the
 * local store: mynad records what was delivered and carries out the
 * actions.  Keeping the desktop and speech libraries (GLib, D-Bus,
 * speech-dispatcher, espeak-ng, MeCab) in this short-lived process keeps
 * them out of the long-lived daemon's memory, and a crash or a hang in
 * them costs the daemon a log line and a retry, never itself.
 *
 * Exit status: 0, or 2 when the input is not a batch.  It writes log lines
 * to standard error (the daemon's log).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib-unix.h>
#include <json-c/json.h>
#include <libnotify/notify.h>

#include "config.h"
#include "i18n.h"
#include "log.h"
#include "mem.h"
#include "speech.h"
#include "wire.h"

#define HELPER_APP_NAME	 "myna"
#define HELPER_INPUT_MAX (8 << 20)	/* bytes of a batch */
#define HELPER_KEPT_MAX	 32		/* notifications kept for their actions */

/* The action keys sent over D-Bus and the names of the protocol; "default"
 * is what clicking the notification itself does. */
static const struct {
	const char *key;
	const char *name;
} helper_actions[] = {
	{ "default", "open" },
	{ "open", "open" },
	{ "done", "done" },
	{ "snooze", "snooze" },
};

static struct {
	json_object	   *labels;	/* the batch's "actions", or NULL */
	long		    linger;
	int		    has_actions;	/* -1: not asked yet */
	NotifyNotification *kept[HELPER_KEPT_MAX];
	size_t		    nkept;
	GMainLoop	   *loop;
	int		    gone;	/* mynad no longer reads the answers */
} helper = { .has_actions = -1 };

/* Writes one answer line; when mynad has gone, the helper stops waiting. */
static void
helper_answer(json_object *o)
{
	const char *text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	char *line = xasprintf("%s\n", text);
	size_t len = strlen(line), done = 0;
	ssize_t w;

	while (!helper.gone && done < len) {
		w = write(STDOUT_FILENO, line + done, len - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			helper.gone = 1;
			if (helper.loop != NULL)
				g_main_loop_quit(helper.loop);
			break;
		}
		done += (size_t)w;
	}
	free(line);
	json_object_put(o);
}

static json_object *
helper_event(const char *event, const char *id)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "event", json_object_new_string(event));
	json_object_object_add(o, "id", json_object_new_string(id));
	return o;
}

/* GLib's and libnotify's own warnings ("Failed to connect to proxy") would
 * add lines of their own to every failed try; mynad logs one line with the
 * reason instead, so they go to the debug level. */
static void
helper_glib_log(const gchar *domain, GLogLevelFlags level, const gchar *message, gpointer data)
{
	(void)data;
	log_msg(level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL) ? LOG_WARN : LOG_DEBUG,
		"%s: %s", domain != NULL ? domain : "glib", message);
}

/* Asks the server whether it shows actions (once). */
static int
helper_ask_actions(void)
{
	GList *caps, *c;

	if (helper.has_actions >= 0)
		return helper.has_actions;
	caps = notify_get_server_caps();
	helper.has_actions = 0;
	for (c = caps; c != NULL; c = c->next)
		if (c->data != NULL && strcmp(c->data, "actions") == 0)
			helper.has_actions = 1;
	g_list_free_full(caps, g_free);
	return helper.has_actions;
}

/* Stops keeping n; the main loop ends with the last one. */
static void
helper_forget(NotifyNotification *n)
{
	size_t i;

	for (i = 0; i < helper.nkept; i++) {
		if (helper.kept[i] != n)
			continue;
		memmove(&helper.kept[i], &helper.kept[i + 1],
			(helper.nkept - i - 1) * sizeof helper.kept[0]);
		helper.nkept--;
		g_object_unref(n);
		break;
	}
	if (helper.nkept == 0 && helper.loop != NULL)
		g_main_loop_quit(helper.loop);
}

static void
helper_closed(NotifyNotification *n, gpointer data)
{
	(void)data;
	helper_forget(n);
}

/* libnotify calls this when the resident picks an action; data is the
 * deadline id. */
static void
helper_invoked(NotifyNotification *n, char *key, gpointer data)
{
	json_object *o;
	size_t i;

	(void)n;
	for (i = 0; i < sizeof helper_actions / sizeof helper_actions[0]; i++) {
		if (strcmp(helper_actions[i].key, key) != 0)
			continue;
		o = helper_event("action", data);
		json_object_object_add(o, "action", json_object_new_string(helper_actions[i].name));
		helper_answer(o);
		return;
	}
}

/* The label the batch gives an action. */
static const char *
helper_label(const char *name)
{
	json_object *v;

	if (json_object_object_get_ex(helper.labels, name, &v) &&
	    json_object_is_type(v, json_type_string))
		return json_object_get_string(v);
	return name;
}

static const char *
helper_string(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static int
helper_bool(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) && json_object_get_boolean(v);
}

/* Shows one reminder.  Returns 0 once the notification server accepted it,
 * or -1 with *why ("init" or "show") and a newly allocated *message (or
 * NULL). */
static int
helper_show(json_object *r, const char **why, char **message)
{
	static const NotifyUrgency urgencies[] = {
		NOTIFY_URGENCY_LOW, NOTIFY_URGENCY_NORMAL, NOTIFY_URGENCY_CRITICAL,
	};
	const char *id = helper_string(r, "id");
	NotifyNotification *n;
	GError *err = NULL;
	json_object *u;
	int urgency = 1, actions, rv = -1;
	size_t i;

	/* notify_init only records the application name; the session bus is
	 * first contacted by notify_notification_show. */
	if (!notify_is_initted() && !notify_init(HELPER_APP_NAME)) {
		*why = "init";
		return -1;
	}
	if (json_object_object_get_ex(r, "urgency", &u))
		urgency = json_object_get_int(u);
	if (urgency < 0 || urgency > 2)
		urgency = 1;
	n = notify_notification_new(helper_string(r, "summary"), helper_string(r, "body"), NULL);
	notify_notification_set_urgency(n, urgencies[urgency]);
	notify_notification_set_category(n, "x-myna.deadline");
	actions = helper.labels != NULL && helper.linger > 0 && wire_id_valid(id) &&
		  helper_ask_actions() == 1;
	if (actions) {
		for (i = 0; i < sizeof helper_actions / sizeof helper_actions[0]; i++)
			notify_notification_add_action(n, helper_actions[i].key,
						       helper_label(helper_actions[i].name),
						       helper_invoked, g_strdup(id), g_free);
	}
	if (!notify_notification_show(n, &err)) {
		*why = "show";
		*message = err != NULL && err->message != NULL ? xstrdup(err->message) : NULL;
		goto out;
	}
	if (actions) {
		/* Kept for its actions; the oldest goes when there are too
		 * many (its buttons then do nothing). */
		if (helper.nkept == HELPER_KEPT_MAX)
			helper_forget(helper.kept[0]);
		g_signal_connect(n, "closed", G_CALLBACK(helper_closed), NULL);
		helper.kept[helper.nkept++] = g_object_ref(n);
	}
	rv = 0;
out:
	if (err != NULL)
		g_error_free(err);
	g_object_unref(n);
	return rv;
}

/* Reads the whole batch from standard input. */
static json_object *
helper_read_batch(void)
{
	char *text = NULL;
	size_t len = 0, cap = 0;
	ssize_t got;
	json_object *o;

	for (;;) {
		if (len + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 16384;
			text = xrealloc(text, cap);
		}
		got = read(STDIN_FILENO, text + len, cap - len - 1);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		len += (size_t)got;
		if (len > HELPER_INPUT_MAX) {
			free(text);
			return NULL;
		}
	}
	if (text == NULL)
		return NULL;
	text[len] = '\0';
	o = json_tokener_parse(text);
	free(text);
	if (o != NULL && !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		o = NULL;
	}
	return o;
}

/* The speech module with the voice settings of the batch. */
static struct speech *
helper_speech(json_object *batch)
{
	struct speech_settings st;
	struct config *c = config_new();
	json_object *set;
	const char *lang = helper_string(batch, "lang");
	struct speech *s;

	if (json_object_object_get_ex(batch, "settings", &set) &&
	    json_object_is_type(set, json_type_object)) {
		json_object_object_foreach(set, key, v)
			if (json_object_is_type(v, json_type_string))
				config_set(c, key, json_object_get_string(v));
	}
	speech_settings_init(&st);
	speech_settings_load(&st, c);
	st.enabled = 1;
	config_free(c);
	s = speech_open(lang != NULL && strcmp(lang, "en") == 0 ? "en" : "ja", &st);
	log_debug("speech: %s", speech_backend(s));
	return s;
}

/* mynad closed its end of the answers: nobody is left to act on them. */
static gboolean
helper_hangup(gint fd, GIOCondition condition, gpointer data)
{
	(void)fd;
	(void)condition;
	(void)data;
	helper.gone = 1;
	g_main_loop_quit(helper.loop);
	return G_SOURCE_REMOVE;
}

static gboolean
helper_timeout(gpointer data)
{
	(void)data;
	log_debug("waited %ld seconds for actions; leaving", helper.linger);
	g_main_loop_quit(helper.loop);
	return G_SOURCE_REMOVE;
}

int
main(void)
{
	json_object *batch, *reminders, *r, *o, *v;
	struct speech *speech = NULL;
	const char *id, *why, *text;
	char *message;
	int notifications, say, shown, said;
	size_t i, n;

	log_init("myna-notify");
	/* The locale first (mynad's environment names its language), then
	 * the batch's setting. */
	i18n_init(NULL);
	/* Answers that cannot be written say that mynad has gone. */
	signal(SIGPIPE, SIG_IGN);
	g_log_set_default_handler(helper_glib_log, NULL);
	batch = helper_read_batch();
	if (batch == NULL || !json_object_object_get_ex(batch, "reminders", &reminders) ||
	    !json_object_is_type(reminders, json_type_array)) {
		log_error("%s", _("standard input is not a batch of reminders "
				  "(this helper is started by mynad)"));
		json_object_put(batch);
		return 2;
	}
	/* The daemon's language, for what the speech module logs. */
	if (helper_string(batch, "language") != NULL)
		i18n_init(helper_string(batch, "language"));
	notifications = helper_bool(batch, "notifications");
	say = helper_bool(batch, "speech");
	if (json_object_object_get_ex(batch, "actions", &v) &&
	    json_object_is_type(v, json_type_object))
		helper.labels = v;
	if (json_object_object_get_ex(batch, "linger", &v))
		helper.linger = json_object_get_int64(v);

	n = json_object_array_length(reminders);
	for (i = 0; i < n && !helper.gone; i++) {
		r = json_object_array_get_idx(reminders, i);
		id = json_object_is_type(r, json_type_object) ? helper_string(r, "id") : NULL;
		if (id == NULL || helper_string(r, "summary") == NULL ||
		    helper_string(r, "body") == NULL) {
			log_error(_("reminder %zu of the batch has no id, summary or body"), i);
			break;
		}
		why = NULL;
		message = NULL;
		shown = notifications ? helper_show(r, &why, &message) : -1;
		said = -1;
		text = helper_string(r, "speech");
		if (say && text != NULL) {
			if (speech == NULL)
				speech = helper_speech(batch);
			said = speech_say(speech, text, SPEECH_ANNOUNCE);
		}
		if (shown == 0 || said == 0) {
			o = helper_event("delivered", id);
			json_object_object_add(o, "shown", json_object_new_boolean(shown == 0));
			json_object_object_add(o, "spoken", json_object_new_boolean(said == 0));
			if (shown != 0 && message != NULL)
				json_object_object_add(o, "message", json_object_new_string(message));
			helper_answer(o);
			free(message);
			continue;
		}
		/* The first failure ends the batch: the rest waits in mynad
		 * for its next chance. */
		o = helper_event("failed", id);
		json_object_object_add(o, "why", json_object_new_string(why != NULL ? why
									   : "speech"));
		if (message != NULL)
			json_object_object_add(o, "message", json_object_new_string(message));
		helper_answer(o);
		free(message);
		break;
	}

	/* Wait for the resident's answer while a notification offers one. */
	if (helper.nkept > 0 && helper.linger > 0 && !helper.gone) {
		helper.loop = g_main_loop_new(NULL, FALSE);
		g_unix_fd_add(STDOUT_FILENO, G_IO_ERR | G_IO_HUP, helper_hangup, NULL);
		g_timeout_add_seconds(helper.linger > G_MAXUINT ? G_MAXUINT : (guint)helper.linger,
				      helper_timeout, NULL);
		g_main_loop_run(helper.loop);
		g_main_loop_unref(helper.loop);
		helper.loop = NULL;
	}
	if (speech != NULL) {
		/* What was said is said to the end (unless mynad is gone). */
		if (!helper.gone)
			speech_wait(speech);
		speech_close(speech);
	}
	while (helper.nkept > 0)
		helper_forget(helper.kept[0]);
	if (notify_is_initted())
		notify_uninit();
	json_object_put(batch);
	return 0;
}
