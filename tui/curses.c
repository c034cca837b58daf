/*
 * curses: the full-screen presenter (see curses.h).
 *
 * Layout, top to bottom: the screen's title, its summary, a blank line, the
 * list (section headings, items), and the status line on the last row.
 * Every line is cut at the width, never wrapped into the next one; an
 * item's status in words is kept whole and its label is cut instead.  A
 * field being typed in shows "label: text" on its line, scrolled sideways
 * so that the cursor (at the insertion point) stays on screen.
 */
#include <curses.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#include "curses.h"
#include "i18n.h"
#include "mem.h"
#include "text.h"
#include "voice.h"

/* Rows above the list and below it (a blank line and the status line). */
#define CURSES_HEAD 3
#define CURSES_FOOT 2
/* Marker of the focused item; the cursor is put on its column. */
#define CURSES_MARK   "> "
#define CURSES_NOMARK "  "
#define CURSES_MARK_COLS 2
/* Milliseconds to wait for a key before looking for fresh data. */
#define CURSES_POLL_MS 1000

#define CURSES_ESC	  27
#define CURSES_CTRL_U	  21
#define CURSES_DEL	  127
#define CURSES_CTRL_H	  8

/* Set by the signal handler; the only state outside the app context,
 * because a signal handler can reach nothing else. */
static volatile sig_atomic_t curses_stop;

static void
curses_on_signal(int sig)
{
	(void)sig;
	curses_stop = 1;
}

/* One display row of the list: an item, a section heading or a blank. */
struct curses_row {
	long	    item;	/* index into view.items, or -1 */
	const char *text;	/* headings only */
};

struct curses_ui {
	size_t		   top;		/* first list row shown */
	struct curses_row *rows;
	size_t		   nrows;
	size_t		   focus_row;
	int		   list_y;	/* screen row of the first list row */
	int		   list_h;	/* list rows that fit */
	int		   cursor_x;	/* where the cursor goes on the focused row */
};

/* Writes s at (y, x), cut to cols columns, as wide characters so that
 * Japanese text is measured and drawn correctly. */
static void
curses_put(int y, int x, const char *s, int cols)
{
	size_t n = text_fit(s, cols), off = 0, k = 0, r;
	mbstate_t st;
	wchar_t *w;

	if (cols <= 0 || n == 0)
		return;
	w = xcalloc(n + 1, sizeof *w);
	memset(&st, 0, sizeof st);
	while (off < n) {
		r = mbrtowc(&w[k], s + off, n - off, &st);
		if (r == 0 || r > n - off)
			break;
		off += r;
		k++;
	}
	mvaddnwstr(y, x, w, (int)k);
	free(w);
}

static void
curses_push_row(struct curses_ui *ui, long item, const char *text)
{
	ui->rows = xreallocarray(ui->rows, ui->nrows + 1, sizeof *ui->rows);
	ui->rows[ui->nrows].item = item;
	ui->rows[ui->nrows].text = text;
	ui->nrows++;
}

/* Lays the view out in rows: a heading before each section that has one,
 * a blank row between sections. */
static void
curses_layout(struct curses_ui *ui, const struct view *v, size_t focus)
{
	size_t i;
	const char *heading;

	ui->nrows = 0;
	ui->focus_row = 0;
	for (i = 0; i < v->nitems; i++) {
		if (i == 0 || v->items[i].section != v->items[i - 1].section) {
			if (i > 0)
				curses_push_row(ui, -1, "");
			heading = v->items[i].section < v->nsections ?
					  v->sections[v->items[i].section] :
					  "";
			if (heading[0] != '\0')
				curses_push_row(ui, -1, heading);
		}
		if (i == focus)
			ui->focus_row = ui->nrows;
		curses_push_row(ui, (long)i, NULL);
	}
}

/* Scrolls so that the focused row is visible, with its section heading
 * when that fits too. */
static void
curses_scroll(struct curses_ui *ui)
{
	size_t fr = ui->focus_row, h = (size_t)(ui->list_h > 0 ? ui->list_h : 1), want = fr;

	if (fr > 0 && ui->rows[fr - 1].item < 0 && ui->rows[fr - 1].text[0] != '\0')
		want = fr - 1;
	if (ui->top > want)
		ui->top = want;
	if (fr >= ui->top + h)
		ui->top = fr - h + 1;
	if (ui->nrows > h && ui->top > ui->nrows - h)
		ui->top = ui->nrows - h;
	if (ui->nrows <= h)
		ui->top = 0;
}

/* Draws one item: marker, label cut to fit, then " — status" kept whole. */
static void
curses_draw_item(int y, const struct view_item *it, int focused, int cols)
{
	char *tail = NULL, *line;
	int avail = cols - CURSES_MARK_COLS, tw = 0;
	size_t fit;

	if (it->kind == VIEW_ITEM_EDIT)
		tail = xasprintf(": %s", it->status != NULL ? it->status : "");
	else if (it->status != NULL)
		tail = xasprintf(" — %s", it->status);
	if (tail != NULL)
		tw = text_width(tail);
	if (tail != NULL && it->kind != VIEW_ITEM_EDIT && tw + 4 <= avail) {
		fit = text_fit(it->label, avail - tw);
		line = xasprintf("%s%.*s%s", focused ? CURSES_MARK : CURSES_NOMARK, (int)fit,
				 it->label, tail);
	} else {
		line = xasprintf("%s%s%s", focused ? CURSES_MARK : CURSES_NOMARK, it->label,
				 tail != NULL ? tail : "");
	}
	if (focused)
		attron(A_REVERSE);
	curses_put(y, 0, line, cols);
	if (focused)
		attroff(A_REVERSE);
	free(line);
	free(tail);
}

/* Draws the field being typed in on row y: "> label: text", the text
 * scrolled so that the insertion point fits; sets ui->cursor_x to it. */
static void
curses_draw_edit(struct curses_ui *ui, int y, const struct view_item *it, const struct edit *e,
		 int cols)
{
	int room = cols - CURSES_MARK_COLS - 1, pw, before;
	size_t cut, skip = 0;
	char *prefix, *line, *head;
	unsigned int cp;

	prefix = xasprintf("%s: ", it->label);
	/* A label that would leave less than half the line for the text is
	 * cut: the text and the cursor matter more. */
	if (text_width(prefix) > room / 2) {
		cut = text_fit(prefix, room / 2);
		head = xasprintf("%.*s: ", (int)(cut > 2 ? cut - 2 : cut), prefix);
		free(prefix);
		prefix = head;
	}
	pw = text_width(prefix);
	head = xstrndup(e->text, e->pos);
	before = text_width(head);
	free(head);
	/* Drop characters from the front until the cursor fits. */
	while (pw + before >= room && skip < e->pos) {
		size_t n = text_decode(e->text + skip, e->len - skip, &cp);

		head = xstrndup(e->text + skip, n);
		before -= text_width(head);
		free(head);
		skip += n;
	}
	line = xasprintf("%s%s%s", CURSES_MARK, prefix, e->text + skip);
	attron(A_REVERSE);
	curses_put(y, 0, line, cols);
	attroff(A_REVERSE);
	ui->cursor_x = CURSES_MARK_COLS + pw + before;
	if (ui->cursor_x > cols - 1)
		ui->cursor_x = cols - 1;
	free(line);
	free(prefix);
}

/* The status line when nothing is announced: what this screen wants. */
static const char *
curses_hint(const struct app *a)
{
	if (a->editing && a->view.screen == VIEW_FORM)
		return _("Type the answer, then Enter. Esc goes back a question.");
	if (a->editing)
		return _("Type, then Enter. Esc leaves the field.");
	switch (a->view.screen) {
	case VIEW_HELP:
		return _("Press q to go back.");
	case VIEW_TODO:
		return _("Press ? for the keys, q to quit.");
	case VIEW_FORM:
		return _("Enter chooses. q or Esc goes back a question.");
	case VIEW_REVIEW:
		return _("Enter on an answer changes it; Send is last.");
	default:
		break;
	}
	return _("Press ? for the keys, q to go back.");
}

/* Draws the whole screen and leaves the cursor at the focused item (at
 * the insertion point of a field being typed in). */
static void
curses_draw(struct app *a, struct curses_ui *ui)
{
	const struct view *v = &a->view;
	const char *status = a->status;
	int rows = LINES, cols = COLS, y, cursor_y;
	size_t r;

	if (rows >= CURSES_HEAD + CURSES_FOOT + 2) {
		ui->list_y = CURSES_HEAD;
		ui->list_h = rows - CURSES_HEAD - CURSES_FOOT;
	} else {
		/* A very small window: title, list, status. */
		ui->list_y = rows >= 3 ? 1 : 0;
		ui->list_h = rows >= 3 ? rows - 2 : 1;
	}
	curses_layout(ui, v, app_focus(a));
	curses_scroll(ui);
	ui->cursor_x = 0;

	erase();
	if (ui->list_y > 0) {
		attron(A_BOLD);
		curses_put(0, 0, v->title != NULL ? v->title : "", cols);
		attroff(A_BOLD);
	}
	if (ui->list_y > 1)
		curses_put(1, 0, v->summary != NULL ? v->summary : "", cols);
	for (r = ui->top; r < ui->nrows && r < ui->top + (size_t)ui->list_h; r++) {
		y = ui->list_y + (int)(r - ui->top);
		if (ui->rows[r].item < 0) {
			attron(A_BOLD);
			curses_put(y, 0, ui->rows[r].text, cols);
			attroff(A_BOLD);
		} else if ((size_t)ui->rows[r].item == app_focus(a) && a->editing) {
			curses_draw_edit(ui, y, &v->items[ui->rows[r].item], &a->edit, cols);
		} else {
			curses_draw_item(y, &v->items[ui->rows[r].item],
					 (size_t)ui->rows[r].item == app_focus(a), cols);
		}
	}
	if (status == NULL)
		status = curses_hint(a);
	/* One column short: writing the bottom-right cell scrolls some
	 * terminals. */
	if (rows > 1)
		curses_put(rows - 1, 0, status, cols - 1);

	cursor_y = ui->nrows > 0 ? ui->list_y + (int)(ui->focus_row - ui->top) : 0;
	move(cursor_y, ui->cursor_x);
	refresh();
}

/* The busy hook: shows the announcement before the app blocks. */
static void
curses_busy(struct app *a)
{
	curses_draw(a, a->presenter);
	voice_update(a->voice, a);
}

/* Screen readers get nothing useful from log lines written over the
 * screen, so stderr goes to /dev/null while curses owns the terminal.
 * Returns the saved descriptor, or -1. */
static int
curses_mute_stderr(void)
{
	int saved, null;

	if (!isatty(STDERR_FILENO))
		return -1;
	null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (null < 0)
		return -1;
	saved = dup(STDERR_FILENO);
	if (saved >= 0)
		dup2(null, STDERR_FILENO);
	close(null);
	return saved;
}

static void
curses_restore_stderr(int saved)
{
	if (saved < 0)
		return;
	dup2(saved, STDERR_FILENO);
	close(saved);
}

/* A key while a field is being typed in. */
static void
curses_edit_key(struct app *a, int code, wint_t wc)
{
	char utf8[MB_LEN_MAX + 1];
	mbstate_t st;
	size_t n;

	if (code == KEY_CODE_YES) {
		switch (wc) {
		case KEY_BACKSPACE:
			app_edit_backspace(a);
			break;
		case KEY_DC:
			app_edit_delete(a);
			break;
		case KEY_LEFT:
			app_edit_move(a, -1);
			break;
		case KEY_RIGHT:
			app_edit_move(a, 1);
			break;
		case KEY_HOME:
			app_edit_move(a, -2);
			break;
		case KEY_END:
			app_edit_move(a, 2);
			break;
		case KEY_ENTER:
			app_edit_submit(a);
			break;
		default:
			break;
		}
		return;
	}
	switch (wc) {
	case '\n':
	case '\r':
		app_edit_submit(a);
		return;
	case CURSES_ESC:
		app_edit_cancel(a);
		return;
	case CURSES_DEL:
	case CURSES_CTRL_H:
		app_edit_backspace(a);
		return;
	case CURSES_CTRL_U:
		app_edit_replace(a, "");
		return;
	default:
		break;
	}
	if (wc < 0x20)
		return;
	memset(&st, 0, sizeof st);
	n = wcrtomb(utf8, (wchar_t)wc, &st);
	if (n == (size_t)-1)
		return;
	utf8[n] = '\0';
	app_edit_insert(a, utf8);
}

int
curses_run(struct app *a, char **cause)
{
	struct curses_ui ui;
	struct sigaction sa, old_int, old_term, old_hup;
	SCREEN *scr;
	unsigned drawn = 0;
	int code, saved_err = -1, first = 1, ch;
	wint_t wc;
	enum keys_action act;

	(void)cause;
	memset(&ui, 0, sizeof ui);
	/* Our handlers are in place before ncurses starts, so it leaves
	 * them alone and we can end curses properly on ^C or a hang-up. */
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = curses_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	sigaction(SIGHUP, &sa, &old_hup);
	curses_stop = 0;

	scr = newterm(NULL, stdout, stdin);
	if (scr == NULL) {
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGTERM, &old_term, NULL);
		sigaction(SIGHUP, &old_hup, NULL);
		return 1;
	}
	saved_err = curses_mute_stderr();
	set_term(scr);
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	intrflush(stdscr, FALSE);
	set_escdelay(100);
	curs_set(1);
	/* No colour is used; this only keeps the terminal's own colours
	 * (and NO_COLOR means not even that). */
	if (getenv("NO_COLOR") == NULL && has_colors()) {
		start_color();
		use_default_colors();
	}
	timeout(CURSES_POLL_MS);
	a->busy = curses_busy;
	a->presenter = &ui;
	app_set_width(a, COLS - CURSES_MARK_COLS);

	while (!a->quit && !curses_stop) {
		if (first || a->serial != drawn) {
			curses_draw(a, &ui);
			voice_update(a->voice, a);
			drawn = a->serial;
			first = 0;
		}
		code = get_wch(&wc);
		if (curses_stop)
			break;
		if (code == ERR) {
			app_poll(a);
			continue;
		}
		if (code == KEY_CODE_YES && wc == KEY_RESIZE) {
			app_set_width(a, COLS - CURSES_MARK_COLS);
			clearok(curscr, TRUE);
			first = 1;
			continue;
		}
		/* Any key stops speech; what it does is said next. */
		voice_stop(a->voice);
		if (a->status != NULL)
			app_announce(a, NULL);
		if (a->editing) {
			curses_edit_key(a, code, wc);
			continue;
		}
		ch = code == KEY_CODE_YES ? (int)wc : (wc == '\r' ? '\n' : (int)wc);
		act = keys_lookup(a->view.screen, ch);
		if (act == KEYS_REDRAW)
			clearok(curscr, TRUE);
		if (act == KEYS_NONE) {
			app_announce(a, _("That key does nothing here. Press ? for the keys."));
			continue;
		}
		app_do(a, act, (size_t)(ui.list_h > 1 ? ui.list_h - 1 : 1));
	}

	a->busy = NULL;
	a->presenter = NULL;
	endwin();
	delscreen(scr);
	curses_restore_stderr(saved_err);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGHUP, &old_hup, NULL);
	free(ui.rows);
	return 0;
}
