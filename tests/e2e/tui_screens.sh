# Every screen of the curses presenter reached by keys alone, with the
# cursor rule checked after every key: Procedures (search in English,
# details), Applications, My information (by category, a record), Access
# records (filtered by agency), Settings (changed and written to the config
# file), Help (the keys of every screen), the keys of one screen, snoozing a
# deadline; then the same at 40 columns, and no colour with NO_COLOR.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib/tui.sh"

start_bff
login_as demo >/dev/null 2>&1 || bail "sign-in failed"
myna sync >/dev/null || bail "first sync failed"
config=$XDG_CONFIG_HOME/myna/config
nproc=$(myna search a --json | jq length)
first_record=$(myna list records --json | jq -r '.[0].title')
first_access=$(myna list access --json | jq -r '.[0] | "\(.agency): \(.item)"' | cut -c1-30)

start_tui "myna 2>'$T/tui.err'"
key "3 goes to Procedures, on the search field" 3 '^> Search:$' "Procedures" "Catalogue"
like "the summary counts the catalogue" "$(screen)" '^[0-9]+ procedures?\. Press / to search\.$'
key "j moves into the catalogue" j '^> .+ — (online|not online)$'
key "Enter opens a procedure" Enter '^> Agency: ' "Id: "
like "the details say whether it is online" "$(screen)" '^  Online: (yes|no)'
key "Esc goes back to the list" Escape '^> .+ — (online|not online)$' "Catalogue"
key "g goes back to the field" g '^> Search:$'
tm send-keys -t myna Enter
expect_field "Enter on the field starts typing" "Search" ""
type_text "PASSPORT"
tm send-keys -t myna Enter
expect "an English search ignores case" '^> Passport renewal, .+ — online$' 'found for "PASSPORT"'
tm send-keys -t myna /
expect_field "/ edits the search again" "Search" "PASSPORT"
tm send-keys -t myna C-u
type_text "zzzqqq"
tm send-keys -t myna Enter
expect "a search that finds nothing says what to try" '^> Search: zzzqqq$' \
	'Nothing found for "zzzqqq". Try fewer or other words.'
tm send-keys -t myna / C-u Escape
expect "Esc leaves the field without searching" '^> Search: zzzqqq$' 'Nothing found'

key "4 goes to Applications" 4 '^> No applications sent yet\.$' "Applications" \
	"No applications yet. Press 3 to find a procedure, then a to apply."
key "5 goes to My information" 5 "^> $(re "$first_record") — " "My information" \
	"records held about you"
like "records come under their category" "$(screen)" '^(Tax|Pension|Health insurance|Health checkups|Child allowance)$'
key "Enter opens a record" Enter '^> Category: ' "Held by: " "Updated: "
key "Esc goes back" Escape "^> $(re "$first_record") — "
key "6 goes to Access records" 6 "^> $(re "$first_access").* — (Mon|Tue|Wed|Thu|Fri|Sat|Sun) " \
	"Access records" "Press f to choose one agency."
key "Enter opens an access record" Enter '^> When: ' "Who looked: " "Why: "
key "Esc goes back" Escape "^> $(re "$first_access")"
key "f lists the agencies" f '^> All agencies — [0-9]+ records$' "Choose an agency"
key "j moves to an agency" j '^> .+ — [0-9]+ records?$'
agency=$(marker_line | sed -e 's/^> //' -e 's/ — [0-9]* records*$//')
want=$(myna list access --json | jq --arg a "$agency" '[.[] | select(.agency==$a)] | length')
key "Enter filters by it and says so" Enter "^> $(re "$agency"): " \
	"Showing the records of $agency only."
is "only that agency's records are listed" \
	"$(screen | grep -cE '^(  |> ).+ — (Mon|Tue|Wed|Thu|Fri|Sat|Sun) ')" "$want"
key "f and Enter on All agencies shows every record again" f '^> All agencies'
key "Enter shows all" Enter '^> ' "Showing the records of every agency."

key "7 goes to Settings" 7 '^> Language — as the system is set$' "Settings" \
	"Speech — off" "Reminder hour — 9:00" "Quiet hours — off"
key "j to speech" j '^> Speech — off$'
key "j to its rate" j '^> Speech rate — 0$'
tm send-keys -t myna Enter C-u
tm send-keys -t myna -l -- "-40"
tm send-keys -t myna Enter
expect "the rate is saved" '^> Speech rate — -40$' "Speech rate: -40"
key "j to its pitch" j '^> Speech pitch — 0$'
tm send-keys -t myna Enter
expect_field "Enter on the pitch puts its value in a field" "Speech pitch" "0"
tm send-keys -t myna C-u
type_text "120"
tm send-keys -t myna Enter
expect_field "a pitch out of range is refused" "Speech pitch" "120"
like "... saying what to type" "$(status_line)" '^Not accepted: type a number from -100 \(lowest\) to 100 \(highest\)'
tm send-keys -t myna C-u
type_text "25"
tm send-keys -t myna Enter
expect "the pitch is saved and said" '^> Speech pitch — 25$' "Speech pitch: 25"
key "j to its volume" j '^> Speech volume — 0$'
tm send-keys -t myna Enter C-u
tm send-keys -t myna -l -- "-10"
tm send-keys -t myna Enter
expect "the volume is saved" '^> Speech volume — -10$' "Speech volume: -10"
like "rate, pitch and volume are in the config file" "$(grep -E '^speech\.(rate|pitch|volume) ' "$config" | sort | tr '\n' ' ')" \
	'^speech.pitch = 25 speech.rate = -40 speech.volume = -10 $'
key "j to its voice" j '^> Speech voice — '
key "j to the typing echo" j '^> Typing echo — each character$'
key "Enter: words" Enter '^> Typing echo — each word$' "Typing echo: each word"
key "Enter: off" Enter '^> Typing echo — off$'
like "in the config file" "$(cat "$config")" '^speech_echo = off$'
key "Enter: each character again" Enter '^> Typing echo — each character$'
key "j" j '^> Reminders, days before a deadline — 30 days, 7 days, 3 days, 1 day, on the day$'
key "j to the reminder hour" j '^> Reminder hour — 9:00$'
tm send-keys -t myna Enter
expect_field "Enter on a typed setting puts its value in a field" "Reminder hour" "9"
tm send-keys -t myna BSpace
type_text "25"
tm send-keys -t myna Enter
expect_field "a value out of range is refused, the field stays" "Reminder hour" "25"
like "and the status line says what to type" "$(status_line)" '^Not accepted: type the hour of the day, from 0 to 23\.$'
tm send-keys -t myna C-u
type_text "8"
tm send-keys -t myna Enter
expect "a good value is saved and said" '^> Reminder hour — 8:00$' "Reminder hour: 8:00"
like "it is in the config file" "$(cat "$config")" '^reminder_hour = 8$'
key "j to quiet hours" j '^> Quiet hours — off$'
tm send-keys -t myna Enter C-u
type_text "22-7"
tm send-keys -t myna Enter
expect "quiet hours are saved" '^> Quiet hours — 22-7$'
like "in the config file too" "$(cat "$config")" '^quiet_hours = 22-7$'
key "j to notifications" j '^> Desktop notifications — on$'
key "Enter turns them off" Enter '^> Desktop notifications — off$' "Desktop notifications: off"
like "the config file says off" "$(cat "$config")" '^notifications = off$'
key "j to the era year in dates" j '^> Japanese dates with the era year \(Reiwa\) — off$'
key "Enter turns it on" Enter '^> Japanese dates with the era year \(Reiwa\) — on$'
like "the config file says on" "$(cat "$config")" '^era = on$'
key "Enter turns it off again" Enter '^> Japanese dates with the era year \(Reiwa\) — off$'
key "j to error reports" j '^> Send error reports \(nothing personal\) — off$'
key "Enter opts in" Enter '^> Send error reports \(nothing personal\) — on$'
like "the config file says on" "$(cat "$config")" '^error_reports = on$'
key "j: what an error report holds is said next to it" j '^> Error reports hold only the program' \
	"and version"
key "k back to error reports" k '^> Send error reports'
key "Enter opts out again" Enter '^> Send error reports \(nothing personal\) — off$'
like "the config file says off" "$(cat "$config")" '^error_reports = off$'
like "the server setting is kept" "$(cat "$config")" "^server = $BFF_URL\$"
is "the config file is private" "$(stat -c %a "$config")" "600"

key "8 goes to Help, the keys of every screen" 8 '^> j or Down: +Move to the next item$' \
	"Help" "On most screens" "Search the procedures" "Go to Help"
is "what each key does starts in one column" \
	"$(screen | grep -E '^  (/|8|s): ' | sed -E 's/^(  [^:]*: *).*/\1/' | awk '{ print length($0) }' | sort -u)" "13"
key "G goes to the end of help, the keys of the last screen" G '^> q or Esc: +Go back one question' \
	"On checking an application before sending it"
key "q leaves help for To do" q '^> .+ — ' "To do"
key "? lists the keys of To do" '?' '^> ' "Keys for To do" "Snooze the deadline's reminders"
key "q leaves help" q '^> .+ — ' "To do"

title=$(marker_line | sed -e 's/^> //' -e 's/ — .*$//')
key "z asks how long to snooze the deadline" z '^> 1 day — until ' "Snooze: $title" \
	"2 weeks — until"
key "Enter snoozes it and says until when" Enter "^> $(re "$title") — " \
	"No reminder until "
key "Enter opens the deadline" Enter '^> Due: ' "Reminders: snoozed until "
key "z on the deadline offers to stop snoozing" z '^> 1 day' "Stop snoozing"
key "G to stop" G '^> Stop snoozing$'
key "Enter stops the snooze" Enter '^> Due: ' "Not snoozed any more."
key "q goes back to To do" q "^> $(re "$title") — " "To do"

# 40 columns: the new screens keep the rules.
tm resize-window -t myna -x 40 -y 24
expect "at 40 columns To do keeps the cursor rule" '^> ' "To do"
for k in 3 4 5 6 7 8; do
	key "screen $k at 40 columns" "$k" '^> '
	ok "screen $k fits in 40 columns" test "$(screen | wc -L)" -le 40
done
key "Procedures at 40 columns" 3 '^> Search:'
tm send-keys -t myna /
type_text "マイナンバーカード"
expect_field "a field of Japanese text at 40 columns: the cursor after the text" "Search" \
	"マイナンバーカード"
tm send-keys -t myna Enter
expect "the results at 40 columns" '^> ' 'found for'
ok "no line is wider than 40 columns" test "$(screen | wc -L)" -le 40
tm resize-window -t myna -x 80 -y 24

# No colour at all: only bold and reverse video (NO_COLOR is set by lib.sh).
# Every attribute of every SGR sequence on the screen: only reset (0 or
# none), bold (1, 22), reverse (7, 27) and the default colours (39, 49).
sgr=$(tm capture-pane -p -e -t myna | grep -oE $'\x1b''\[[0-9;]*m' | tr -d '\033[m' | tr ';' '\n' | sort -u | tr '\n' ' ')
like "no colour is used, only bold and reverse" "$sgr" '^((0|1|7|22|27|39|49)? )+$'

tm send-keys -t myna 1 q
is "q quits with status 0" "$(tui_rc)" "0"
is "nothing was written to stderr" "$(cat "$T/tui.err")" ""

done_testing
