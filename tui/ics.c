/*
 * ics: the open deadlines as iCalendar (see ics.h).
 *
 * RFC 5545: lines end in CRLF and are folded at 75 octets (never inside a
 * UTF-8 character); TEXT values escape backslash, semicolon, comma and
 * newline.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "date.h"
#include "i18n.h"
#include "ics.h"
#include "mem.h"
#include "plain.h"
#include "settings.h"
#include "view.h"

#ifndef MYNA_VERSION
#define MYNA_VERSION "0.1.0"
#endif

#define ICS_LINE_OCTETS 75

/* Appends one content line, folded, with CRLF. */
static void
ics_line(struct buf *out, const char *line)
{
	size_t len = strlen(line), start = 0, cut, room = ICS_LINE_OCTETS;

	while (len - start > room) {
		cut = start + room;
		/* Back to the start of a UTF-8 character. */
		while (cut > start && ((unsigned char)line[cut] & 0xc0) == 0x80)
			cut--;
		/* Not UTF-8 after all: cut where the octets run out. */
		if (cut == start)
			cut = start + room;
		buf_add(out, line + start, cut - start);
		buf_addstr(out, "\r\n ");
		start = cut;
		/* The leading space of a continuation counts. */
		room = ICS_LINE_OCTETS - 1;
	}
	buf_add(out, line + start, len - start);
	buf_addstr(out, "\r\n");
}

/* "NAME:" and the TEXT value escaped. */
static void
ics_text(struct buf *out, const char *name, const char *value)
{
	struct buf b;
	const char *p;

	buf_init(&b, 0);
	buf_addstr(&b, name);
	buf_addch(&b, ':');
	for (p = value; *p != '\0'; p++) {
		if (*p == '\\' || *p == ';' || *p == ',')
			buf_addch(&b, '\\');
		if (*p == '\n') {
			buf_addstr(&b, "\\n");
			continue;
		}
		buf_addch(&b, *p);
	}
	ics_line(out, b.len > 0 ? b.data : "");
	buf_release(&b);
}

char *
ics_trigger(int offset, int hour, char *out, size_t size)
{
	long minutes = -(long)offset * 1440 + hour * 60, a = minutes < 0 ? -minutes : minutes;
	long days = a / 1440, hours = (a % 1440) / 60, mins = a % 60;
	int n;

	n = snprintf(out, size, "%sP", minutes < 0 ? "-" : "");
	if (days > 0)
		n += snprintf(out + n, size - (size_t)n, "%ldD", days);
	if (hours > 0 || mins > 0) {
		n += snprintf(out + n, size - (size_t)n, "T");
		if (hours > 0)
			n += snprintf(out + n, size - (size_t)n, "%ldH", hours);
		if (mins > 0)
			snprintf(out + n, size - (size_t)n, "%ldM", mins);
	} else if (days == 0) {
		snprintf(out + n, size - (size_t)n, "T0S");
	}
	return out;
}

void
ics_write(struct buf *out, const struct store_deadline *ds, size_t n, const int *offsets,
	  size_t noffsets, int hour, time_t now)
{
	struct tm due, next, stamp;
	char line[128], trig[32], *when, *desc, *uid;
	time_t after;
	size_t i, j;

	gmtime_r(&now, &stamp);
	ics_line(out, "BEGIN:VCALENDAR");
	ics_line(out, "VERSION:2.0");
	ics_line(out, "PRODID:-//myna//myna " MYNA_VERSION "//EN");
	ics_line(out, "CALSCALE:GREGORIAN");
	ics_line(out, "METHOD:PUBLISH");
	for (i = 0; i < n; i++) {
		if (ds[i].done || localtime_r(&ds[i].due, &due) == NULL)
			continue;
		after = date_day_start(ds[i].due, 1);
		localtime_r(&after, &next);
		ics_line(out, "BEGIN:VEVENT");
		uid = xasprintf("%s@myna", ds[i].d.id);
		ics_text(out, "UID", uid);
		free(uid);
		strftime(line, sizeof line, "DTSTAMP:%Y%m%dT%H%M%SZ", &stamp);
		ics_line(out, line);
		strftime(line, sizeof line, "DTSTART;VALUE=DATE:%Y%m%d", &due);
		ics_line(out, line);
		strftime(line, sizeof line, "DTEND;VALUE=DATE:%Y%m%d", &next);
		ics_line(out, line);
		ics_text(out, "SUMMARY", view_deadline_title(&ds[i]));
		when = date_human_day(ds[i].due);
		desc = ds[i].d.procedure != NULL ?
			       xasprintf(_("Due: %s\nProcedure: %s\nmyna id: %s"), when,
					 ds[i].d.procedure, ds[i].d.id) :
			       xasprintf(_("Due: %s\nmyna id: %s"), when, ds[i].d.id);
		ics_text(out, "DESCRIPTION", desc);
		free(desc);
		free(when);
		ics_line(out, "TRANSP:TRANSPARENT");
		for (j = 0; j < noffsets; j++) {
			ics_line(out, "BEGIN:VALARM");
			ics_line(out, "ACTION:DISPLAY");
			ics_text(out, "DESCRIPTION", view_deadline_title(&ds[i]));
			snprintf(line, sizeof line, "TRIGGER;RELATED=START:%s",
				 ics_trigger(offsets[j], hour, trig, sizeof trig));
			ics_line(out, line);
			ics_line(out, "END:VALARM");
		}
		ics_line(out, "END:VEVENT");
	}
	ics_line(out, "END:VCALENDAR");
}

/* Writes data to path through a temporary file renamed over it, so that a
 * calendar program never reads half a file. */
static int
ics_save(const char *path, const struct buf *data, char **cause)
{
	/* A new name of our own (O_EXCL): never a file or link that was there,
	 * as in a shared folder. */
	char *tmp = xasprintf("%s.XXXXXX", path);
	size_t off = 0;
	ssize_t w;
	mode_t mask = umask(0);
	int fd, rc = -1;

	umask(mask);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		*cause = xasprintf(_("cannot create %s: %s"), tmp, strerror(errno));
		goto out;
	}
	/* A calendar as any file the user makes, not private as mkostemp's. */
	if (fchmod(fd, 0666 & ~mask) < 0) {
		*cause = xasprintf(_("cannot write %s: %s"), tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		goto out;
	}
	while (off < data->len) {
		w = write(fd, data->data + off, data->len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			*cause = xasprintf(_("cannot write %s: %s"), tmp, strerror(errno));
			close(fd);
			unlink(tmp);
			goto out;
		}
		off += (size_t)w;
	}
	if (fsync(fd) < 0 || close(fd) < 0) {
		*cause = xasprintf(_("cannot write %s: %s"), tmp, strerror(errno));
		unlink(tmp);
		goto out;
	}
	if (rename(tmp, path) < 0) {
		*cause = xasprintf(_("cannot write %s: %s"), path, strerror(errno));
		unlink(tmp);
		goto out;
	}
	rc = 0;
out:
	free(tmp);
	return rc;
}

int
ics_cmd(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct store_deadline *ds = NULL;
	int offsets[SETTINGS_OFFSETS_MAX], noff, hour;
	const char *file = NULL;
	char *cause = NULL;
	struct buf out;
	size_t n = 0, i, open = 0;
	int rc = CMD_FAIL;

	if (argc < 2 || strcmp(argv[1], "ics") != 0)
		return cmd_usage("export", _("Say what to export: ics."));
	if (argc > 3)
		return cmd_usage("export", _("Give at most one file name."));
	if (argc == 3 && strcmp(argv[2], "-") != 0)
		file = argv[2];
	noff = settings_offsets(config_get(ctx->config, "reminder_offsets"), offsets,
				SETTINGS_OFFSETS_MAX);
	if (noff < 0) {
		cmd_error(_("The setting reminder_offsets is not a list of days such as 30,7,3,1,0; "
			    "the calendar uses 30,7,3,1,0."));
		noff = settings_offsets(NULL, offsets, SETTINGS_OFFSETS_MAX);
	}
	hour = (int)config_get_int(ctx->config, "reminder_hour", SETTINGS_HOUR_DEFAULT, 0, 23);
	if (store_deadlines_list(ctx->store, 1, &ds, &n) < 0)
		return cmd_store_error(ctx);
	buf_init(&out, 0);
	ics_write(&out, ds, n, offsets, (size_t)noff, hour, time(NULL));
	for (i = 0; i < n; i++)
		open += !ds[i].done;
	if (file == NULL) {
		if (fwrite(out.data, 1, out.len, stdout) != out.len) {
			cmd_error(_("Could not write the calendar: %s"), strerror(errno));
			goto out;
		}
	} else if (ics_save(file, &out, &cause) < 0) {
		cmd_error(_("Could not write the calendar: %s"), cause);
		goto out;
	} else {
		plain_printf_line(stdout, ngettext("Wrote %zu deadline to %s",
						   "Wrote %zu deadlines to %s", open),
				  open, file);
	}
	rc = CMD_OK;
out:
	free(cause);
	buf_release(&out);
	store_deadlines_free(ds, n);
	return rc;
}
