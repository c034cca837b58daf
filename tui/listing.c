/*
 * listing: lists, searches and details for the command line (see
 * listing.h).
 */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "date.h"
#include "i18n.h"
#include "listing.h"
#include "mem.h"
#include "plain.h"
#include "speech.h"
#include "store.h"
#include "view.h"
#include "wire.h"

/* At most this many words of a search from the command line, in bytes. */
#define LISTING_QUERY_MAX 1024

static void
listing_json_print(json_object *o)
{
	printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
							     JSON_C_TO_STRING_SPACED |
							     JSON_C_TO_STRING_NOSLASHESCAPE));
}

static json_object *
listing_str(const char *s)
{
	return s != NULL ? json_object_new_string(s) : NULL;
}

/* Adds key (the text in the language in use), key_ja and key_en. */
static void
listing_text(json_object *o, const char *key, const struct wire_text *t)
{
	char *k;

	json_object_object_add(o, key, json_object_new_string(i18n_pick(t->ja, t->en)));
	k = xasprintf("%s_ja", key);
	json_object_object_add(o, k, listing_str(t->ja));
	free(k);
	k = xasprintf("%s_en", key);
	json_object_object_add(o, k, listing_str(t->en));
	free(k);
}

/* A hint for an empty list that was never synced. */
static void
listing_hint_unsynced(struct store *st)
{
	char *v = NULL;

	if (store_meta_get(st, "sync.last", &v) == 0 && v == NULL)
		printf("%s\n", _("Nothing has been synced yet. Run: myna sync"));
	free(v);
}

/* A day from the feed in words, or "?" (newly allocated). */
static char *
listing_day(const char *rfc3339)
{
	time_t t;

	if (rfc3339 == NULL || date_parse(rfc3339, &t) < 0)
		return xstrdup("?");
	return date_human_day(t);
}

static json_object *
listing_answer_json(const struct wire_answer *a)
{
	switch (a->kind) {
	case WIRE_ANSWER_NUMBER:
		return json_object_new_int64(a->number);
	case WIRE_ANSWER_BOOL:
		return json_object_new_boolean(a->boolean);
	case WIRE_ANSWER_STRING:
		break;
	}
	return listing_str(a->string);
}

static json_object *
listing_application_json(const struct wire_application *a)
{
	json_object *o = json_object_new_object(), *h, *e, *ans;
	size_t i;

	json_object_object_add(o, "id", json_object_new_string(a->id));
	json_object_object_add(o, "procedure", listing_str(a->procedure));
	listing_text(o, "procedure_name", &a->procedure_name);
	json_object_object_add(o, "status", listing_str(a->status));
	json_object_object_add(o, "status_words",
			       json_object_new_string(view_status_words(a->status)));
	json_object_object_add(o, "submitted", listing_str(a->submitted));
	json_object_object_add(o, "updated", listing_str(a->updated));
	h = json_object_new_array();
	for (i = 0; i < a->nhistory; i++) {
		e = json_object_new_object();
		json_object_object_add(e, "status", listing_str(a->history[i].status));
		json_object_object_add(e, "at", listing_str(a->history[i].at));
		if (a->history[i].message.ja != NULL || a->history[i].message.en != NULL)
			listing_text(e, "message", &a->history[i].message);
		json_object_array_add(h, e);
	}
	json_object_object_add(o, "history", h);
	ans = json_object_new_object();
	for (i = 0; i < a->nanswers; i++)
		json_object_object_add(ans, a->answers[i].name, listing_answer_json(&a->answers[i]));
	json_object_object_add(o, "answers", ans);
	return o;
}

static int
listing_applications(struct cmd_ctx *ctx, int json)
{
	struct wire_application *as = NULL;
	json_object *arr;
	size_t n = 0, i;
	char *day;

	if (store_applications_list(ctx->store, &as, &n) < 0)
		return cmd_store_error(ctx);
	if (json) {
		arr = json_object_new_array();
		for (i = 0; i < n; i++)
			json_object_array_add(arr, listing_application_json(&as[i]));
		listing_json_print(arr);
		json_object_put(arr);
	} else {
		printf(ngettext("%zu application\n", "%zu applications\n", n), n);
		for (i = 0; i < n; i++) {
			day = listing_day(as[i].updated != NULL ? as[i].updated : as[i].submitted);
			printf("%zu. ", i + 1);
			plain_printf_line(stdout, _("%s — %s since %s (id %s)"),
					  i18n_pick(as[i].procedure_name.ja, as[i].procedure_name.en),
					  view_status_words(as[i].status), day, as[i].id);
			free(day);
		}
		if (n == 0)
			listing_hint_unsynced(ctx->store);
	}
	store_applications_free(as, n);
	return CMD_OK;
}

static int
listing_records(struct cmd_ctx *ctx, int json)
{
	struct wire_record *rs = NULL;
	json_object *arr, *o, *items, *it;
	size_t n = 0, i, j;
	char *cat;

	if (store_records_list(ctx->store, &rs, &n) < 0)
		return cmd_store_error(ctx);
	if (json) {
		arr = json_object_new_array();
		for (i = 0; i < n; i++) {
			o = json_object_new_object();
			json_object_object_add(o, "id", json_object_new_string(rs[i].id));
			json_object_object_add(o, "category", listing_str(rs[i].category));
			listing_text(o, "title", &rs[i].title);
			listing_text(o, "source", &rs[i].source);
			json_object_object_add(o, "updated", listing_str(rs[i].updated));
			items = json_object_new_array();
			for (j = 0; j < rs[i].nitems; j++) {
				it = json_object_new_object();
				listing_text(it, "label", &rs[i].items[j].label);
				listing_text(it, "value", &rs[i].items[j].value);
				json_object_array_add(items, it);
			}
			json_object_object_add(o, "items", items);
			json_object_array_add(arr, o);
		}
		listing_json_print(arr);
		json_object_put(arr);
	} else {
		printf(ngettext("%zu record\n", "%zu records\n", n), n);
		for (i = 0; i < n; i++) {
			cat = view_category_words(rs[i].category);
			printf("%zu. ", i + 1);
			plain_printf_line(stdout, _("%s — %s, held by %s (id %s)"),
					  i18n_pick(rs[i].title.ja, rs[i].title.en), cat,
					  i18n_pick(rs[i].source.ja, rs[i].source.en), rs[i].id);
			free(cat);
		}
		if (n == 0)
			listing_hint_unsynced(ctx->store);
	}
	store_records_free(rs, n);
	return CMD_OK;
}

static int
listing_access(struct cmd_ctx *ctx, int json)
{
	struct wire_access *ls = NULL;
	json_object *arr, *o;
	size_t n = 0, i;
	char *day;

	if (store_access_list(ctx->store, NULL, &ls, &n) < 0)
		return cmd_store_error(ctx);
	if (json) {
		arr = json_object_new_array();
		for (i = 0; i < n; i++) {
			o = json_object_new_object();
			json_object_object_add(o, "id", json_object_new_string(ls[i].id));
			json_object_object_add(o, "when", listing_str(ls[i].when));
			listing_text(o, "agency", &ls[i].agency);
			listing_text(o, "provider", &ls[i].provider);
			listing_text(o, "item", &ls[i].item);
			listing_text(o, "purpose", &ls[i].purpose);
			json_object_array_add(arr, o);
		}
		listing_json_print(arr);
		json_object_put(arr);
	} else {
		printf(ngettext("%zu access record\n", "%zu access records\n", n), n);
		for (i = 0; i < n; i++) {
			day = listing_day(ls[i].when);
			printf("%zu. ", i + 1);
			plain_printf_line(stdout, _("%s: %s looked at %s, for %s (id %s)"), day,
					  i18n_pick(ls[i].agency.ja, ls[i].agency.en),
					  i18n_pick(ls[i].item.ja, ls[i].item.en),
					  i18n_pick(ls[i].purpose.ja, ls[i].purpose.en), ls[i].id);
			free(day);
		}
		if (n == 0)
			listing_hint_unsynced(ctx->store);
	}
	store_access_free(ls, n);
	return CMD_OK;
}

int
listing_knows(const char *kind)
{
	return strcmp(kind, "applications") == 0 || strcmp(kind, "records") == 0 ||
	       strcmp(kind, "access") == 0;
}

int
listing_list(struct cmd_ctx *ctx, const char *kind, int json)
{
	if (strcmp(kind, "applications") == 0)
		return listing_applications(ctx, json);
	if (strcmp(kind, "records") == 0)
		return listing_records(ctx, json);
	if (strcmp(kind, "access") == 0)
		return listing_access(ctx, json);
	return cmd_usage("list", _("Cannot list \"%s\"."), kind);
}

/* Prints labelled lines, one fact per line, after the title; with speech,
 * reads them aloud too and waits until they are said. */
static void
listing_print_lines(struct cmd_ctx *ctx, const char *title, char **lines, size_t n,
		    int speech)
{
	struct speech_settings st;
	struct speech *sp;
	size_t i;

	plain_printf_line(stdout, _("Title: %s"), title);
	for (i = 0; i < n; i++)
		plain_printf_line(stdout, "%s", lines[i]);
	if (!speech)
		return;
	fflush(stdout);
	speech_settings_init(&st);
	speech_settings_load(&st, ctx->config);
	st.enabled = 1;
	sp = speech_open(i18n_lang(), &st);
	speech_say(sp, title, SPEECH_TEXT);
	for (i = 0; i < n; i++)
		speech_say(sp, lines[i], SPEECH_TEXT);
	speech_wait(sp);
	speech_close(sp);
}

/* What a question of a form takes, in words. */
static const char *
listing_field_kind(const struct wire_field *f)
{
	switch (f->type) {
	case WIRE_FIELD_NUMBER:
		return f->unit == WIRE_UNIT_YEN ? _("an amount in yen") : _("a whole number");
	case WIRE_FIELD_DATE:
		return _("a date");
	case WIRE_FIELD_CHOICE:
		return _("a choice");
	case WIRE_FIELD_BOOL:
		return _("yes or no");
	case WIRE_FIELD_TEXT:
		break;
	}
	return _("text");
}

static int
listing_show_procedure(struct cmd_ctx *ctx, const char *id, int speech)
{
	struct wire_procedure p;
	char **lines = NULL;
	size_t n = 0, i;
	int found = 0;

	if (store_procedure_get(ctx->store, id, &p, &found) < 0)
		return cmd_store_error(ctx);
	if (!found) {
		cmd_error(_("There is no procedure with the id %s. Find the ids with: myna search "
			    "WORDS"),
			  id);
		return CMD_FAIL;
	}
	view_procedure_lines(&p, &lines, &n);
	for (i = 0; i < p.nfields; i++)
		view_lines_push(&lines, &n,
				xasprintf(_("Question %zu: %s (%s, %s; field %s)"), i + 1,
					  i18n_pick(p.fields[i].label.ja, p.fields[i].label.en),
					  listing_field_kind(&p.fields[i]),
					  p.fields[i].required ? _("needed") : _("may be left out"),
					  p.fields[i].name));
	listing_print_lines(ctx, view_procedure_name(&p), lines, n, speech);
	view_lines_free(lines, n);
	wire_procedure_release(&p);
	return CMD_OK;
}

static int
listing_show_application(struct cmd_ctx *ctx, const char *id, int speech)
{
	struct wire_application a;
	struct wire_procedure p;
	char **lines = NULL;
	size_t n = 0;
	int found = 0, have_form = 0;

	memset(&p, 0, sizeof p);
	if (store_application_get(ctx->store, id, &a, &found) < 0)
		return cmd_store_error(ctx);
	if (!found) {
		cmd_error(_("There is no application with the id %s. See the ids with: myna list "
			    "applications"),
			  id);
		return CMD_FAIL;
	}
	if (a.procedure != NULL && store_procedure_get(ctx->store, a.procedure, &p, &have_form) < 0)
		have_form = 0;
	view_application_lines(&a, have_form ? &p : NULL, &lines, &n);
	listing_print_lines(ctx, i18n_pick(a.procedure_name.ja, a.procedure_name.en), lines, n,
			    speech);
	view_lines_free(lines, n);
	if (have_form)
		wire_procedure_release(&p);
	wire_application_release(&a);
	return CMD_OK;
}

int
listing_show(struct cmd_ctx *ctx, const char *kind, const char *id, int speech)
{
	if (strcmp(kind, "procedure") == 0)
		return listing_show_procedure(ctx, id, speech);
	if (strcmp(kind, "application") == 0)
		return listing_show_application(ctx, id, speech);
	return CMD_USAGE;
}

int
listing_search_cmd(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct wire_procedure *ps = NULL;
	json_object *arr, *o;
	struct buf q;
	size_t n = 0, i;
	int json = 0, more = 0, words = 0, k, rc = CMD_FAIL;

	buf_init(&q, LISTING_QUERY_MAX);
	for (k = 1; k < argc; k++) {
		if (strcmp(argv[k], "--json") == 0) {
			json = 1;
		} else if (argv[k][0] == '-' && argv[k][1] != '\0') {
			rc = cmd_usage("search", _("Unknown option: %s"), argv[k]);
			goto out;
		} else {
			if ((words++ > 0 && buf_addch(&q, ' ') < 0) || buf_addstr(&q, argv[k]) < 0) {
				rc = cmd_usage("search", _("Search for at most %d bytes of words."),
					       LISTING_QUERY_MAX);
				goto out;
			}
		}
	}
	if (q.len == 0 || q.data[strspn(q.data, " ")] == '\0') {
		rc = cmd_usage("search", _("Say what to search for, such as: myna search 転出"));
		goto out;
	}
	if (store_procedures_search(ctx->store, q.data, STORE_SEARCH_MAX, &ps, &n, &more) < 0) {
		rc = cmd_store_error(ctx);
		goto out;
	}
	if (json) {
		arr = json_object_new_array();
		for (i = 0; i < n; i++) {
			o = json_object_new_object();
			json_object_object_add(o, "id", json_object_new_string(ps[i].id));
			listing_text(o, "name", &ps[i].name);
			listing_text(o, "agency", &ps[i].agency);
			listing_text(o, "deadline", &ps[i].deadline);
			json_object_object_add(o, "online", json_object_new_boolean(ps[i].online));
			json_object_array_add(arr, o);
		}
		listing_json_print(arr);
		json_object_put(arr);
	} else {
		if (more)
			plain_printf_line(stdout, _("More than %zu procedures found for \"%s\"; the "
						    "best %zu:"),
					  n, q.data, n);
		else
			plain_printf_line(stdout, ngettext("%zu procedure found for \"%s\"",
							   "%zu procedures found for \"%s\"", n),
					  n, q.data);
		for (i = 0; i < n; i++) {
			printf("%zu. ", i + 1);
			plain_printf_line(stdout, _("%s, %s — %s (id %s)"), view_procedure_name(&ps[i]),
					  view_procedure_agency(&ps[i]),
					  ps[i].online ? _("online") : _("not online"), ps[i].id);
		}
		if (n == 0)
			listing_hint_unsynced(ctx->store);
	}
	rc = CMD_OK;
out:
	store_procedures_free(ps, n);
	buf_release(&q);
	return rc;
}
