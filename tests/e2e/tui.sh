# The curses presenter, driven in tmux as a person would: after every key
# the hardware cursor must sit at the start of the focused item's line (the
# line with the ">" marker), the screen must show what the key did, and no
# box-drawing or block glyph may appear.  Also: 40 columns, scrolling, and
# the live update when another process syncs.
. "$(dirname "$0")/../lib.sh"

SOCK=myna-$$
tm() { tmux -L "$SOCK" "$@"; }
screen() { tm capture-pane -p -t myna; }
cursor() { tm display -p -t myna '#{cursor_x} #{cursor_y}'; }
marker_line() { screen | grep -m1 '^> '; }
# re TEXT: TEXT with the characters that mean something in an ERE escaped.
re() { printf '%s' "$1" | sed 's/[][\.*^$(){}?+|/]/\\&/g'; }

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
	! grep -qP '[\x{2500}-\x{259F}]' <<<"$s"
}

# expect DESCRIPTION MARKER TEXT...: waits for state_ok; one TAP line.
expect() {
	local desc=$1
	shift
	if wait_for 5 state_ok "$@"; then
		ok "$desc" true
	else
		ok "$desc" false
		echo "#   cursor: $(cursor); marker: $1; screen:"
		screen | sed 's/^/#   | /'
	fi
}

# key DESCRIPTION KEY MARKER TEXT...: presses KEY, then expect.
key() {
	local desc=$1 k=$2
	shift 2
	tm send-keys -t myna "$k"
	expect "$desc" "$@"
}

WHEN=' — ([0-9]+ days? overdue|due today|tomorrow|in [0-9]+ days)$'

start_bff
# The demo agencies' keys, which sign the demo notices.
mkdir -p "$XDG_CONFIG_HOME/myna"
echo "agency_keys = $ROOT/keys/demo" >"$XDG_CONFIG_HOME/myna/config"
login_as demo >/dev/null 2>&1 || bail "sign-in failed"
myna sync >/dev/null || bail "first sync failed"
json_d=$(myna list deadlines --json)
open_titles=$(jq -r '[.[] | select(.status != "done")] | .[].title' <<<"$json_d")
t1=$(sed -n 1p <<<"$open_titles")
t2=$(sed -n 2p <<<"$open_titles")
n_all=$(jq length <<<"$json_d")
first_notice=$(myna list notices --json | jq -r '.[0].title')
is "the newest demo notice is signed by its agency" \
	"$(myna list notices --json | jq -r '.[0].signature')" "verified"

echo 'set -g status off' >"$T/tmux.conf"
tm -f "$T/tmux.conf" new-session -d -s myna -x 80 -y 24 "myna 2>'$T/tui.err'; echo \$? >'$T/rc'" </dev/null >/dev/null 2>&1

wait_for 10 state_ok '^> ' "To do" || { screen | sed 's/^/#   | /'; bail "the TUI did not start"; }
expect "the TUI starts on To do, cursor on the most urgent deadline" "^> $(re "${t1:0:30}").*$WHEN" \
	"To do" "0 of $n_all done"
like "the marker line is in reverse video" "$(tm capture-pane -p -e -t myna | grep -m1 '> ')" $'\x1b''\[[0-9;]*7m'
like "the status line says how to get help" "$(screen | tail -n1)" 'Press \? for the keys'
like "open deadlines are counted" "$(screen)" '^[0-9]+ open deadlines$'
like "unread notices are counted" "$(screen)" '^[0-9]+ unread notices$'

key "j moves down" j "^> $(re "${t2:0:30}")"
key "k moves up" k "^> $(re "${t1:0:30}")"
key "Down moves down" Down "^> $(re "${t2:0:30}")"
key "Enter opens the deadline" Enter '^> Due: (Mon|Tue|Wed|Thu|Fri|Sat|Sun) ' "Deadline, " "$t2"
like "the detail says the status in words" "$(screen)" '^  Status: (open|overdue)$'
key "Esc goes back to To do, focus where it was" Escape "^> $(re "${t2:0:30}")" "To do"
key "2 goes to Notices" 2 "^> $(re "${first_notice:0:30}").* — unread, verified sender$" "Notices"
like "a notice whose signature does not match says so in its line" "$(screen)" \
	'^  .* — unread, bad signature$'
like "an unsigned notice says so in its line" "$(screen)" '^  .* — unread, unsigned$'
key "Enter reads the notice; the focus starts on who sent it" Enter \
	'^> Verified sender: .+ \(demo key\)$' "Status: read" "$first_notice"
key "Esc goes back to Notices; the notice is read" Escape \
	"^> $(re "${first_notice:0:30}").* — read, verified sender$" "Notices"
key "1 goes to To do" 1 "^> $(re "${t1:0:30}")" "To do"
key "? lists the keys of To do" '?' '^> ' "Keys for To do" "Mark the deadline done" "Open the item"
like "... a key and what it does on each line" "$(screen | grep -F 'Mark the deadline done')" '^  d: +Mark the deadline done$'
like "help's status line says how to leave" "$(screen | tail -n1)" 'Press q to go back'
key "Esc leaves help" Escape "^> $(re "${t1:0:30}")" "To do"
key "d marks the focused deadline done and says so" d "^> $(re "${t2:0:30}")" \
	"Marked done: ${t1:0:20}" "1 of $n_all done"
is "the store has it done" \
	"$(myna list deadlines --json | jq -r --arg t "$t1" '.[] | select(.title==$t) | .status')" "done"
key "a key clears the announcement" k "^> $(re "${t2:0:30}")" "Press ? for the keys"

# A long list scrolls so that the focus stays on screen.
last_notice=$(myna list notices --json | jq -r '[.[] | select(.status=="unread")] | last | .title')
key "G goes to the last item, scrolling" G "^> $(re "${last_notice:0:30}")"
like "the title stays at the top" "$(screen | head -n1)" '^To do$'
key "g goes back to the first item" g "^> $(re "${t2:0:30}")" "open deadlines"

# 40 columns: everything is cut at the width, the cursor rule holds.
tm resize-window -t myna -x 40 -y 24
expect "after resizing to 40 columns the cursor is on the focus" "^> .*$WHEN" "To do"
ok "no line is wider than 40 columns" test "$(screen | wc -L)" -le 40
is "long items are cut, not wrapped: every item line ends with its status" \
	"$(screen | grep -E '^(  |> )' | grep -cvE "($WHEN)|( — (unread|read), (verified sender|unsigned|bad signature|unknown signer)\$)")" "0"
key "j at 40 columns" j "^> .*$WHEN"
key "Enter at 40 columns" Enter '^> Due: ' "Deadline, "
ok "detail lines are wrapped within 40 columns" test "$(screen | wc -L)" -le 40
key "Esc at 40 columns" Escape "^> .*$WHEN" "To do"
tm resize-window -t myna -x 80 -y 24
# Redrawn for 80 columns once a line is wider than 40 again.
wide() { [ "$(screen | wc -L)" -gt 40 ] && state_ok "^> .*$WHEN" "To do"; }
ok "back at 80 columns" wait_for 5 wide

# Live update: an operator publishes, another process syncs, and the TUI
# announces it without a key press, keeping the focus where it was.
before=$(marker_line)
out=$(admin POST /v1/admin/notices '{"audience":"all","title":{"ja":"臨時のお知らせ","en":"Extra notice"},"body":{"ja":"本文","en":"Body"},"sender":{"ja":"デジタル庁","en":"Digital Agency"}}')
is "operator notice is created" "$(tail -n1 <<<"$out")" "201"
is "myna sync outside the TUI brings it" "$(myna sync)" "Synced: 1 new notice"
expect "the TUI announces the new notice by itself" "^$(re "$before")\$" "1 new notice"
like "the announcement is on the status line" "$(screen | tail -n1)" '^1 new notice$'
like "the new notice is listed, unsigned and not said to be from the agency it names" "$(screen)" \
	'^  Not verified: Extra notice, sender: Digital Agency — unread, unsigned$'

# s syncs in the TUI itself.
out=$(admin POST /v1/admin/deadlines '{"user":"demo","title":{"ja":"転入届","en":"Submit the moving-in notification"},"due":"2031-01-10T23:59:59+09:00","procedure":null}')
is "operator deadline is created" "$(tail -n1 <<<"$out")" "201"
key "s syncs in the TUI and announces" s "^$(re "$before")\$" "1 new deadline"

tm send-keys -t myna q
if wait_for 5 test -s "$T/rc"; then
	is "q at home quits with status 0" "$(cat "$T/rc")" "0"
	is "nothing was written to stderr" "$(cat "$T/tui.err")" ""
else
	ok "q at home quits" false
fi

done_testing
