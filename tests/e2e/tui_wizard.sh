# The Apply wizard in the curses presenter, end to end: a search in
# Japanese, the procedure's details, one question per step with the cursor
# in the field, a refused answer that says what to do, kill -9 in the
# middle of typing and the typed text back after a restart, the review,
# sending through the real mynad and myna-bff, the operator asking for
# changes (announced without a key press), and the fixed application sent
# again.  After every key the cursor is on the focused line.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib/tui.sh"

start_bff
login_as demo >/dev/null 2>&1 || bail "sign-in failed"
echo 'notifications = off' >>"$XDG_CONFIG_HOME/myna/config"
myna sync >/dev/null || bail "first sync failed"
mynad --foreground 2>"$T/mynad.log" &
track $!
wait_for 10 test -S "$XDG_RUNTIME_DIR/myna/mynad.sock" || bail "mynad did not start"

start_tui "myna 2>'$T/tui.err'"
tm send-keys -t myna /
expect_field "/ goes to the search field of Procedures" "Search" "" "Procedures"
type_text "転出"
expect_field "Japanese is typed into the field" "Search" "転出"
key "Enter searches; the focus is on the first result" Enter \
	'^> Moving-out notification, Chiyoda City Office — online$' '1 found for "転出"'
key "Enter opens the procedure" Enter '^> Agency: Chiyoda City Office$' \
	'Procedure, can be done online: press a to apply' 'Document 1: My Number Card'

tm send-keys -t myna a
expect_field "a opens the form at its first question, cursor in the field" "Moving date" "" \
	"Apply: Moving-out notification" "Question 1 of 5, needs an answer" \
	"A date as year-month-day"
type_text "2027/3/31"
tm send-keys -t myna Enter
expect_field "a date with slashes is taken; the next question" "Postal code of the new address" "" \
	"Question 2 of 5" "For example 530-0001"
type_text "530-000"
tm send-keys -t myna Enter
expect_field "a refused answer stays in the field" "Postal code of the new address" "530-000" \
	"Not accepted: The value is not in the form asked for. For example 530-0001"
like "the status line says what to do" "$(status_line)" \
	'^The value is not in the form asked for\. For example 530-0001'
tm send-keys -t myna BSpace
type_text "01"
expect_field "Backspace and typing edit the field" "Postal code of the new address" "530-0001"
tm send-keys -t myna Enter
expect_field "the third question" "New address" "" "Question 3 of 5"
type_text "Osaka Kita 1-2-3 Room"
expect_field "the address is typed" "New address" "Osaka Kita 1-2-3 Room"

# kill -9 in the middle of the field: every keystroke is in the draft.
pane=$(tm list-panes -t myna -F '#{pane_pid}')
pid=$(pgrep -P "$pane" -x myna)
like "myna runs in the pane" "$pid" '^[0-9]+$'
kill -9 "$pid"
is "myna was killed" "$(tui_rc)" "137"
start_tui "myna 2>'$T/tui.err'"
like "To do lists the unfinished application" "$(screen)" \
	'^  Moving-out notification — not sent yet, saved (Mon|Tue|Wed|Thu|Fri|Sat|Sun) '
like "with a heading that counts it" "$(screen)" '^1 unfinished application$'
key "4 goes to Applications, on the draft" 4 '^> Moving-out notification — not sent yet' \
	"1 draft"
tm send-keys -t myna Enter
expect_field "Enter resumes at the question it was at, with the text typed" "New address" \
	"Osaka Kita 1-2-3 Room" "Question 3 of 5"
type_text " 405"
tm send-keys -t myna Enter
expect "a choice question lists its answers" '^> The whole household$' "Question 4 of 5" \
	"Part of the household"
key "j moves among the answers" j '^> Part of the household$'
tm send-keys -t myna Enter
expect_field "the last question" "Daytime phone number" "" "Question 5 of 5"
type_text "03-1234-5678"
tm send-keys -t myna Enter
expect "the review lists every answer" '^> Moving date — 2027-03-31$' "Check your answers" \
	"Postal code of the new address — 530-0001" "New address — Osaka Kita 1-2-3 Room 405" \
	"Who is moving — Part of the household" "Send the application"
tm send-keys -t myna Escape
expect_field "Esc goes back to the last question" "Daytime phone number" "03-1234-5678"
tm send-keys -t myna Enter
expect "Enter comes back to the review" '^> Moving date — 2027-03-31$' "Check your answers"
key "G goes to Send" G '^> Send the application$'
tm send-keys -t myna Enter
expect "Send goes to Applications" '^> ' "Applications"
if wait_for 10 sh -c "tmux -L '$SOCK' capture-pane -p -t myna | tail -n1 | grep -qE '^Sent: Moving-out notification, application a-[0-9]+\\.\$'"; then
	ok "mynad sent it and the status line says so" true
else
	ok "mynad sent it and the status line says so" false
	_show_failure
fi
app=$(status_line | grep -oE 'a-[0-9]+')
json=$(myna list applications --json)
is "the server has it, received" "$(jq -r --arg id "$app" '.[] | select(.id==$id) | .status' <<<"$json")" \
	"received"
is "with the answers as typed and checked" \
	"$(jq -c --arg id "$app" '.[] | select(.id==$id) | .answers' <<<"$json")" \
	'{"move_date":"2027-03-31","new_postal_code":"530-0001","new_address":"Osaka Kita 1-2-3 Room 405","movers":"part","phone":"03-1234-5678"}'
expect "Applications lists it" '^> ' "Moving-out notification — received"

# The operator asks for changes; mynad brings it; the TUI says so itself.
out=$(admin POST "/v1/admin/applications/$app/status" \
	'{"status":"needs_changes","message":{"ja":"部屋番号を確認してください","en":"Check the room number."}}')
is "the operator moves it to needs_changes" "$(tail -n1 <<<"$out")" "200"
if wait_for 10 sh -c "tmux -L '$SOCK' capture-pane -p -t myna | tail -n1 | grep -qx 'Moving-out notification: needs changes'"; then
	ok "the change is announced without a key press" true
else
	ok "the change is announced without a key press" false
	_show_failure
fi
expect "the list shows it" '^> ' "Moving-out notification — needs changes"
key "1 goes to To do, which lists it to fix" 1 '^> ' "1 application to fix"
key "4 and Enter open it" 4 '^> Moving-out notification — needs changes$'
key "Enter shows its history" Enter '^> Procedure: Moving-out notification$' \
	"Status: needs changes" "What to change: Check the room number." "History: 2 steps"
key "a opens the form again at the review, with the message" a \
	'^> Moving date — 2027-03-31$' "What to change: Check the room number."
tm send-keys -t myna j j Enter
expect_field "Enter on an answer asks that question again" "New address" \
	"Osaka Kita 1-2-3 Room 405"
type_text "B"
tm send-keys -t myna Enter
expect "the changed answer goes back to the review" '^> Moving date — 2027-03-31$' \
	"New address — Osaka Kita 1-2-3 Room 405B"
tm send-keys -t myna G Enter
if wait_for 10 sh -c "tmux -L '$SOCK' capture-pane -p -t myna | tail -n1 | grep -qE '^Sent: Moving-out notification, application a-[0-9]+\\.\$'"; then
	ok "the fixed application is sent" true
else
	ok "the fixed application is sent" false
	_show_failure
fi
app2=$(status_line | grep -oE 'a-[0-9]+')
like "as a new application" "$app2" "^a-[0-9]+\$"
ok "with another id" test "$app2" != "$app"
is "with the changed address" \
	"$(myna list applications --json | jq -r --arg id "$app2" '.[] | select(.id==$id) | .answers.new_address')" \
	"Osaka Kita 1-2-3 Room 405B"

tm send-keys -t myna 1
expect "1 goes home" '^> ' "To do"
tm send-keys -t myna q
is "q quits with status 0" "$(tui_rc)" "0"
is "nothing was written to stderr" "$(cat "$T/tui.err")" ""

done_testing
