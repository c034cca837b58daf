/*
 * ics: `myna export ics [FILE]`: the open deadlines as an iCalendar file
 * (RFC 5545) for any calendar program.  Each deadline is an all-day event
 * on its local due date, with one VALARM per reminder offset of the
 * settings (reminder_offsets at reminder_hour, as mynad reminds), so that
 * a calendar reminds as myna does.  FILE is written whole or not at all;
 * without FILE (or with "-") the calendar goes to stdout.
 */
#ifndef MYNA_TUI_ICS_H
#define MYNA_TUI_ICS_H

#include <stddef.h>
#include <time.h>

#include "buf.h"
#include "cmd.h"
#include "store.h"

int ics_cmd(struct cmd_ctx *ctx, int argc, char **argv);

/* Writes the calendar of the open deadlines ds[0..n) into out: reminders
 * at offsets[0..noffsets) days before, at hour; now is the DTSTAMP. */
void ics_write(struct buf *out, const struct store_deadline *ds, size_t n, const int *offsets,
	       size_t noffsets, int hour, time_t now);

/* The TRIGGER duration of a reminder offset days before an all-day event,
 * at hour: "-P6DT15H" for 7 days at 9:00, "PT9H" on the day.  Into out
 * (at least 32 bytes); returns out. */
char *ics_trigger(int offset, int hour, char *out, size_t size);

#endif
