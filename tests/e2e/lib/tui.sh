# Helpers for the tests that drive the curses presenter in tmux
# (tests/e2e/tui_*.sh).  Source it after lib.sh:
#   . "$(dirname "$0")/lib/tui.sh"
# The rule checked after every key: the hardware cursor sits on the line
# of the focused item (the one line that starts with ">"), at its start,
# or at the insertion point of a field being typed in; and no box-drawing
# or block glyph is on the screen.

SOCK=myna-$$
tm() { tmux -L "$SOCK" "$@"; }
screen() { tm capture-pane -p -t myna; }
cursor() { tm display -p -t myna '#{cursor_x} #{cursor_y}'; }
marker_line() { screen | grep -m1 '^> '; }
# re TEXT: TEXT with the characters that mean something in an ERE escaped.
re() { printf '%s' "$1" | sed 's/[][\.*^$(){}?+|/]/\\&/g'; }

# start_tui [SIZE] COMMAND: runs COMMAND (a shell line) in a new tmux
# session of SIZE (default 80x24) and waits for the first screen; the exit
# status of COMMAND goes to $T/rc.
start_tui() {
	local size=80x24
	case "$1" in [0-9]*x[0-9]*) size=$1; shift ;; esac
	rm -f "$T/rc"
	[ -f "$T/tmux.conf" ] || echo 'set -g status off' >"$T/tmux.conf"
	if tm has-session -t myna 2>/dev/null; then
		tm kill-session -t myna
	fi
	# The tmux server lives on after this command: keep it off this
	# script's output, which is the test's log.
	tm -f "$T/tmux.conf" new-session -d -s myna -x "${size%x*}" -y "${size#*x}" \
		"$1; echo \$? >'$T/rc'" </dev/null >/dev/null 2>&1
	wait_for 10 state_ok '^> ' || { screen | sed 's/^/#   | /'; bail "the TUI did not start"; }
}

_no_boxes() { ! grep -qP '[\x{2500}-\x{259F}]' <<<"$1"; }

# state_ok MARKER TEXT...: exactly one line has the focus marker and it
# matches the extended regex MARKER; the cursor is on column 0 of that
# line; the screen shows every TEXT; there is no box drawing or block glyph.
state_ok() {
	local marker=$1 s t row
	shift
	s=$(screen) || return 1
	[ "$(grep -c '^> ' <<<"$s")" = 1 ] || return 1
	grep -m1 '^> ' <<<"$s" | grep -qE -- "$marker" || return 1
	for t in "$@"; do
		grep -qF -- "$t" <<<"$s" || return 1
	done
	row=$(grep -n '^> ' <<<"$s" | cut -d: -f1)
	[ "$(cursor)" = "0 $((row - 1))" ] || return 1
	_no_boxes "$s"
}

# field_ok LABEL TEXT MORE...: the focused line is the field "> LABEL:
# TEXT" and the cursor sits right after TEXT (its insertion point); the
# screen shows every MORE.
field_ok() {
	local want="> $1: $2" s t row line
	shift 2
	s=$(screen) || return 1
	[ "$(grep -c '^> ' <<<"$s")" = 1 ] || return 1
	line=$(grep -m1 '^> ' <<<"$s")
	# capture-pane drops the blanks at the end of a line.
	[ "$line" = "$(sed 's/ *$//' <<<"$want")" ] || return 1
	for t in "$@"; do
		grep -qF -- "$t" <<<"$s" || return 1
	done
	row=$(grep -n '^> ' <<<"$s" | cut -d: -f1)
	[ "$(cursor)" = "$(printf '%s' "$want" | wc -L) $((row - 1))" ] || return 1
	_no_boxes "$s"
}

_show_failure() {
	echo "#   cursor: $(cursor); screen:"
	screen | sed 's/^/#   | /'
}

# expect DESCRIPTION MARKER TEXT...: waits for state_ok; one TAP line.
expect() {
	local desc=$1
	shift
	if wait_for 5 state_ok "$@"; then
		ok "$desc" true
	else
		ok "$desc" false
		echo "#   marker: $1"
		_show_failure
	fi
}

# expect_field DESCRIPTION LABEL TEXT MORE...: waits for field_ok.
expect_field() {
	local desc=$1
	shift
	if wait_for 5 field_ok "$@"; then
		ok "$desc" true
	else
		ok "$desc" false
		echo "#   field: > $1: $2"
		_show_failure
	fi
}

# key DESCRIPTION KEY MARKER TEXT...: presses KEY, then expect.
key() {
	local desc=$1 k=$2
	shift 2
	tm send-keys -t myna "$k"
	expect "$desc" "$@"
}

# type TEXT: types TEXT literally (any script, Japanese included).
type_text() { tm send-keys -t myna -l "$1"; }

# status_line: the last line of the screen.
status_line() { screen | tail -n1; }

# tui_rc: waits for the TUI to end and prints its exit status.
tui_rc() { wait_for 5 test -s "$T/rc" && cat "$T/rc"; }
