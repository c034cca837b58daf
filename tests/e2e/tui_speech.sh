# The speech presenter (myna --speech, or speech = on), seen through the
# transcript of everything handed to the synthesiser
# (MYNA_SPEECH_TRANSCRIPT; MYNA_SPEECH=silent synthesises to nothing):
# a new screen is said whole, each focus change says the focused item, r
# says the last utterance again, announcements and errors are said first,
# Settings turn speech off, and `show procedure --speech` reads one aloud.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib/tui.sh"

export MYNA_SPEECH=silent MYNA_SPEECH_TRANSCRIPT=$T/speech.txt
: >"$T/speech.txt"
last() { tail -n1 "$T/speech.txt"; }
# said LINE: waits until the transcript's last line is exactly LINE.
said() { wait_for 5 sh -c "[ \"\$(tail -n1 '$T/speech.txt')\" = \"\$1\" ]" sh "$1"; }
says() {
	local desc=$1 want=$2
	if said "$want"; then
		ok "$desc" true
	else
		ok "$desc" false
		echo "#   want: $want"
		tail -n5 "$T/speech.txt" | sed 's/^/#   said: /'
	fi
}

start_bff
login_as demo >/dev/null 2>&1 || bail "sign-in failed"
myna sync >/dev/null || bail "first sync failed"
json=$(myna list deadlines --json)
open=$(jq -c '[.[] | select(.status != "done")]' <<<"$json")
n=$(jq length <<<"$json")
t1=$(jq -r '.[0].title' <<<"$open")
t2=$(jq -r '.[1].title' <<<"$open")

start_tui "myna --speech 2>'$T/tui.err'"
w1=$(marker_line | sed 's/^.* — //')
unread=$(myna list notices --json | jq '[.[] | select(.status=="unread")] | length')
says "the first screen is said whole: title, summary, focused item" \
	"To do. 0 of $n done, $unread unread notices. $t1, $w1"
tm send-keys -t myna j
expect "j moves the focus" "^> $(re "${t2:0:30}")"
w2=$(marker_line | sed 's/^.* — //')
says "the focused item is said on every focus change" "$t2, $w2"
tm send-keys -t myna k
says "and again" "$t1, $w1"
lines=$(wc -l <"$T/speech.txt")
tm send-keys -t myna r
count_is() { [ "$(wc -l <"$T/speech.txt")" -eq "$1" ]; }
ok "r says the last utterance again, as one more utterance" wait_for 5 count_is "$((lines + 1))"
is "the same words" "$(last)" "$t1, $w1"
tm send-keys -t myna Z
says "an error is said" "That key does nothing here. Press ? for the keys."
tm send-keys -t myna Enter
expect "Enter opens the deadline" '^> Due: '
like "a new screen is said with its title and first line" "$(last)" \
	"^$(re "$t1")\\. Deadline, .+\\. Due: (Mon|Tue|Wed|Thu|Fri|Sat|Sun) "
tm send-keys -t myna Escape
says "back on To do, the screen is said again" "To do. 0 of $n done, $unread unread notices. $t1, $w1"

# An announcement comes before the focus text that follows it.
out=$(admin POST /v1/admin/notices '{"audience":"all","title":{"ja":"臨時","en":"Extra notice"},"body":{"ja":"本文","en":"Body"},"sender":{"ja":"デジタル庁","en":"Digital Agency"}}')
is "operator notice is created" "$(tail -n1 <<<"$out")" "201"
myna sync >/dev/null
says "the live update's screen is said" \
	"To do. 0 of $n done, $((unread + 1)) unread notices. $t1, $w1"
is "after its announcement" "$(tail -n2 "$T/speech.txt" | head -n1)" "1 new notice"

# Settings: speech off at once.
tm send-keys -t myna 7
says "Settings are said, as sentences" "Settings. Enter changes a setting; it is saved at once. Language, as the system is set"
tm send-keys -t myna j
says "the speech setting" "Speech, off"
tm send-keys -t myna Enter
expect "Enter on it saves speech = on" '^> Speech — on$'
like "in the config file" "$(cat "$XDG_CONFIG_HOME/myna/config")" '^speech = on$'
tm send-keys -t myna Enter
expect "Enter again turns speech off" '^> Speech — off$'
quiet() {
	local n
	n=$(wc -l <"$T/speech.txt")
	tm send-keys -t myna j
	wait_for 5 state_ok '^> Speech rate — 0$' || return 1
	tm send-keys -t myna k
	wait_for 5 state_ok '^> Speech — off$' || return 1
	[ "$(wc -l <"$T/speech.txt")" = "$n" ]
}
ok "nothing is said once speech is off" quiet
tm send-keys -t myna 1 q
is "q quits with status 0" "$(tui_rc)" "0"
is "nothing was written to stderr" "$(cat "$T/tui.err")" ""

# speech = on in the settings starts the speech presenter without --speech.
sed -i 's/^speech = off$/speech = on/' "$XDG_CONFIG_HOME/myna/config"
: >"$T/speech.txt"
start_tui "myna 2>'$T/tui.err'"
says "speech = on speaks the first screen" "To do. 0 of $n done, $((unread + 1)) unread notices. $t1, $w1"
tm send-keys -t myna q
is "and quits" "$(tui_rc)" "0"

# The plain presenter speaks too: each screen as it is printed (a line
# typed stops speech, so the lines come one by one, as a person types).
: >"$T/speech.txt"
mkfifo "$T/in"
myna --plain --speech <"$T/in" >"$T/plain.out" 2>&1 &
track $!
exec 3>"$T/in"
says "the plain presenter says the first screen" "To do. 0 of $n done, $((unread + 1)) unread notices. $t1, $w1"
echo n >&3
ok "and the next one" wait_for 5 grep -qE '^Notices\. [0-9]+ notices, [0-9]+ unread\. ' "$T/speech.txt"
printf 'q\nq\n' >&3
exec 3>&-
ok "it quits at the end of input" wait_for 5 grep -q 'or q to quit: $' "$T/plain.out"
is "and writes no escape byte" "$(grep -c $'\x1b' "$T/plain.out")" "0"

# show --speech reads one procedure aloud, line by line.
: >"$T/speech.txt"
out=$(myna show procedure 131016:tenshutsu --speech)
like "show procedure prints it" "$out" '^Agency: Chiyoda City Office$'
is "and says its title first" "$(head -n1 "$T/speech.txt")" "Moving-out notification"
is "then its lines" "$(sed -n 2p "$T/speech.txt")" "Agency: Chiyoda City Office"
ok "every printed line is said" test "$(wc -l <"$T/speech.txt")" -eq "$(wc -l <<<"$out")"

done_testing
