# myna's sub-commands and its plain presenter, end to end: a real myna-bff
# --demo on loopback, `myna login` approved by the operator endpoint, then
# `myna sync`, list, show, done, status, logout, and `myna --plain` driven
# through stdin.  Output is compared with what the server holds.
. "$(dirname "$0")/../lib.sh"

ESC=$'\x1b'

# re TEXT: TEXT with the characters that mean something in an ERE escaped.
re() { printf '%s' "$1" | sed 's/[][\.*^$(){}?+|/]/\\&/g'; }

start_bff
# The demo agencies' keys, which sign the demo notices (docs/security.md).
mkdir -p "$XDG_CONFIG_HOME/myna"
echo "agency_keys = $ROOT/keys/demo" >"$XDG_CONFIG_HOME/myna/config"

# Signed out: every command that needs the server says how to sign in.
out=$(myna sync 2>&1); rc=$?
is "sync before sign-in fails with status 1" "$rc" "1"
like "sync before sign-in says how to sign in" "$out" 'myna login'
out=$(myna login 2>&1); rc=$?
is "login with no server known is a usage error" "$rc" "2"
like "login with no server known asks for --server" "$out" '--server URL'
like "login usage line" "$out" 'Usage: myna login \[--server URL\]'
out=$(myna status); rc=$?
is "status works signed out" "$rc" "0"
like "status says not signed in" "$out" '^Signed in: no$'
like "status says how to sign in" "$out" 'To sign in: myna login --server URL'

ok "myna login completes after operator approval" login_as demo
login_out=$(cat "$T/login.log")
like "login says what to do before the code" "$login_out" '^To sign in, open this page in a web browser:'
ok "login prints the code alone on its line" grep -qxE '[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}' "$T/login.log"
ok "login prints the verification URI alone on its line" grep -qxF "$BFF_URL/device" "$T/login.log"
ok "login prints the complete URI alone on its line" grep -qxE "$BFF_URL/device\\?user_code=[A-Z]{4}-[A-Z]{4}" "$T/login.log"
is "credentials are private" "$(stat -c %a "$XDG_STATE_HOME/myna/credentials")" "600"

out=$(myna sync); rc=$?
is "first sync exits 0" "$rc" "0"
like "first sync counts what came" "$out" '^Synced: [0-9]+ new notices, [0-9]+ new deadlines$'
is "second sync has nothing new" "$(myna sync)" "Up to date"

# What the server holds for demo, read with a token of our own.
dc=$(curl -sS -X POST --data 'client_id=test' "$BFF_URL/v1/device/code")
admin POST /v1/admin/device/approve "{\"user_code\":\"$(jq -r .user_code <<<"$dc")\",\"user\":\"demo\"}" >/dev/null
tok=$(curl -sS -X POST --data-urlencode 'grant_type=urn:ietf:params:oauth:grant-type:device_code' \
	--data-urlencode "device_code=$(jq -r .device_code <<<"$dc")" "$BFF_URL/v1/token" | jq -r .access_token)
feed=$(curl -sS -H "Authorization: Bearer $tok" "$BFF_URL/v1/sync?limit=1000")
want_d=$(jq -c '[.changes[] | select(.type=="deadline" and .op=="upsert") |
	{id, title_ja: .data.title.ja, title_en: .data.title.en, due: .data.due,
	 procedure: .data.procedure}] | sort_by(.id)' <<<"$feed")
want_n=$(jq -c '[.changes[] | select(.type=="notice" and .op=="upsert") |
	{id, title: .data.title.en, sender: .data.sender.en, published: .data.published,
	 body: .data.body.en}] | sort_by(.id)' <<<"$feed")
nd=$(jq length <<<"$want_d")
nn=$(jq length <<<"$want_n")
like "the server holds deadlines for demo" "$nd" '^[1-9][0-9]*$'

json_d=$(myna list deadlines --json)
is "list deadlines --json matches the server" \
	"$(jq -c '[.[] | {id, title_ja, title_en, due, procedure}] | sort_by(.id)' <<<"$json_d")" "$want_d"
is "English readers get the English title" \
	"$(jq -c '[.[] | select(.title != .title_en)] | length' <<<"$json_d")" "0"
is "Japanese readers get the Japanese title" \
	"$(LANG=ja_JP.UTF-8 myna list deadlines --json | jq -c '[.[] | select(.title != .title_ja)] | length')" "0"
# The sender is "sender" when the agency's signature verified, else
# "claimed_sender".
is "list notices --json matches the server" \
	"$(myna list notices --json | jq -c '[.[] | {id, title, sender: (.sender // .claimed_sender), published, body}] | sort_by(.id)')" "$want_n"
is "--json says which notices are signed, as the server has them" \
	"$(myna list notices --json | jq -c '[.[] | {id, agency}] | sort_by(.id)')" \
	"$(jq -c '[.changes[] | select(.type=="notice" and .op=="upsert") | {id, agency: .data.agency}] | sort_by(.id)' <<<"$feed")"
is "only verified notices have a sender, the others a claimed sender" \
	"$(myna list notices --json | jq -c '[.[] | select((.signature == "verified") != (.sender != null and .claimed_sender == null and .verified_sender != null))] | length')" "0"
is "every notice starts unread" "$(myna list notices --json | jq -r '[.[].status] | unique | join(",")')" "unread"

# days_left and status follow the calendar in Tokyo.
today=$(date +%F)
bad=0
while IFS=$'\t' read -r due days status; do
	want=$(( ($(date -d "$(date -d "$due" +%F)" +%s) - $(date -d "$today" +%s)) / 86400 ))
	[ "$days" = "$want" ] || { echo "# $due: days_left $days, want $want"; bad=1; }
	if [ "$want" -lt 0 ]; then ws=overdue; else ws=open; fi
	[ "$status" = "$ws" ] || { echo "# $due: status $status, want $ws"; bad=1; }
done < <(jq -r '.[] | [.due, .days_left, .status] | @tsv' <<<"$json_d")
is "days_left and status agree with the dates" "$bad" "0"
is "deadlines come earliest first" "$(jq -c '[.[].due]' <<<"$json_d")" "$(jq -c '[.[].due] | sort_by(.)' <<<"$json_d")"

list=$(myna list deadlines)
is "plain list says how many first" "$(head -n1 <<<"$list")" "$nd deadlines"
is "plain list has one line per deadline" "$(tail -n +2 <<<"$list" | wc -l)" "$nd"
first_id=$(jq -r '.[0].id' <<<"$json_d")
first_title=$(jq -r '.[0].title' <<<"$json_d")
first_status=$(jq -r '.[0].status' <<<"$json_d")
like "a plain line says title, date in words and status" "$(sed -n 2p <<<"$list")" \
	"^1\\. $(re "$first_title") — due (Mon|Tue|Wed|Thu|Fri|Sat|Sun) [0-9]{1,2} [A-Z][a-z]{2} 20[0-9]{2}, (today|tomorrow|in [0-9]+ days|[0-9]+ days? overdue) — $first_status \\(id $first_id\\)\$"
is "every plain line has a status in words" \
	"$(tail -n +2 <<<"$list" | grep -cE ' — (open|overdue|done) \(id [^)]+\)$')" "$nd"
nlist=$(myna list notices)
is "plain notices list says how many first" "$(head -n1 <<<"$nlist")" "$nn notices"
like "plain notices name the verified sender and say unread" "$(sed -n 2p <<<"$nlist")" '^1\. .+, from .+ \(demo key\) — .+ — unread, verified sender \(id [^)]+\)$'
is "every plain notice says whether its sender is verified" \
	"$(tail -n +2 <<<"$nlist" | grep -cE ' — (unread|read), (verified sender|unsigned|bad signature|unknown signer) \(id [^)]+\)$')" "$nn"
is "and only the verified ones are said to be from anyone" \
	"$(tail -n +2 <<<"$nlist" | grep -E ', from ' | grep -cvE 'verified sender \(id')" "0"

# done marks a deadline; the lists say so.
open_id=$(jq -r '[.[] | select(.status=="open")][0].id' <<<"$json_d")
open_title=$(jq -r --arg id "$open_id" '.[] | select(.id==$id) | .title' <<<"$json_d")
is "done exits 0 and names the deadline" "$(myna done "$open_id")" "Marked done: $open_title"
is "the deadline is done in --json" \
	"$(myna list deadlines --json | jq -r --arg id "$open_id" '.[] | select(.id==$id) | .status')" "done"
like "the plain list says done" "$(myna list deadlines)" " — done \\(id $open_id\\)"
is "done twice is fine" "$(myna done "$open_id")" "Already done: $open_title"
out=$(myna done d-no-such-thing 2>&1); rc=$?
is "done on an unknown id fails with 1" "$rc" "1"
like "and says where the ids are" "$out" 'There is no deadline with the id d-no-such-thing.*myna list deadlines'
like "status counts the done deadline" "$(myna status)" 'Deadlines: [0-9]+ \([0-9]+ open, [0-9]+ overdue, 1 done\)'

# show: labelled lines; showing a notice reads it.
nid=$(jq -r '.[0].id' <<<"$want_n")
show=$(myna show notice "$nid"); rc=$?
is "show notice exits 0" "$rc" "0"
like "show notice starts with the title" "$show" "^Title: $(re "$(jq -r '.[0].title' <<<"$want_n")")"
like "show notice says who verifiably sent it, first" "$(sed -n 2p <<<"$show")" "^Verified sender: .+ \\(demo key\\)$"
like "show notice names the sender" "$show" "^From: $(re "$(jq -r '.[0].sender' <<<"$want_n")")$"
like "show notice says read" "$show" "^Status: read$"
is "the notice is read afterwards" \
	"$(myna list notices --json | jq -r --arg id "$nid" '.[] | select(.id==$id) | .status')" "read"
like "show deadline gives the due date in words" "$(myna show deadline "$first_id")" \
	"^Due: (Mon|Tue|Wed|Thu|Fri|Sat|Sun) [0-9]"
out=$(myna show notice n-no-such 2>&1); rc=$?
is "show of an unknown notice fails with 1" "$rc" "1"
like "and says so" "$out" 'There is no notice with the id n-no-such'

# Usage errors exit 2 with a usage line on stderr, and nothing on stdout.
usage_case() {
	local desc=$1; shift
	local out err rc
	out=$(myna "$@" 2>"$T/err"); rc=$?
	err=$(cat "$T/err")
	is "$desc exits 2" "$rc" "2"
	like "$desc prints a usage line" "$err" 'Usage: myna'
	is "$desc prints nothing on stdout" "$out" ""
}
usage_case "list without a kind" list
usage_case "list of an unknown kind" list apples
usage_case "an unknown command" frobnicate
usage_case "an unknown option" --bogus
usage_case "show without an id" show notice
usage_case "done without an id" done
usage_case "sync with an argument" sync now
like "--help lists the commands" "$(myna --help)" 'list deadlines\|notices\|applications\|records\|access \[--json\]'
like "--help lists search and export" "$(myna --help)" 'search WORDS \[--json\].*'
like "--help names --speech" "$(myna --help)" '--speech +speak what is in focus'
like "--version names the program" "$(myna --version)" '^myna [0-9]'

# An operator's notice with terminal escapes in its title arrives clean.
out=$(admin POST /v1/admin/notices '{"audience":"all",
	"title":{"ja":"\u001b[31m赤\u001b]0;pwned\u0007い","en":"\u001b[2J\u001b[31mRed\u009b1m alert\u001b[0m"},
	"body":{"ja":"本文\u001b[5m","en":"Body\u001b[5m text"},"sender":{"ja":"運用","en":"Operator"}}')
is "operator notice with escapes is accepted" "$(tail -n1 <<<"$out")" "201"
is "sync brings it" "$(myna sync)" "Synced: 1 new notice"
myna list notices >"$T/list.out"
myna list notices --json >"$T/list.json"
printf '? \nq\nn\n1\nq\nq\n' | myna --plain >"$T/plain.out" 2>&1
rc=$?
is "plain session exits 0" "$rc" "0"
for f in list.out list.json plain.out; do
	is "no escape byte in $f" "$(grep -c "$ESC" "$T/$f")" "0"
done
like "the cleaned title is shown" "$(cat "$T/plain.out")" 'Not verified: Red alert, sender: Operator'
like "the cleaned title is listed" "$(cat "$T/list.out")" '^1\. Not verified: Red alert, sender: Operator'
like "the unsigned notice says so in the list" "$(cat "$T/plain.out")" 'Not verified: Red alert, sender: Operator — unread, unsigned$'
is "and in its details, before anything else" \
	"$(grep -A3 '^Red alert$' "$T/plain.out" | head -n4 | tail -n2)" \
	"Unsigned: sender not verified
Sender (not verified): Operator"

# The plain presenter: title, counts, numbered items, a prompt that says
# what it expects; q quits cleanly.
echo q | myna --plain >"$T/q.out" 2>&1
rc=$?
is "echo q | myna --plain exits 0" "$rc" "0"
is "it starts with the screen's title" "$(head -n1 "$T/q.out")" "To do"
like "it gives a summary in words" "$(sed -n 2p "$T/q.out")" '^1 of [0-9]+ done, [0-9]+ unread notices$'
open_n=$(myna list deadlines --json | jq '[.[] | select(.status != "done")] | length')
unread_n=$(myna list notices --json | jq '[.[] | select(.status == "unread")] | length')
like "it counts the open deadlines" "$(cat "$T/q.out")" "^$open_n open deadlines$"
like "the most urgent deadline is number 1" "$(cat "$T/q.out")" "^1\\. $(re "$first_title") — "
like "it counts the unread notices" "$(cat "$T/q.out")" "^$unread_n unread notices$"
total=$((open_n + unread_n))
like "the prompt says what it expects" "$(tail -n1 "$T/q.out")" \
	"^Enter a number from 1 to $total, n for notices, \\? for help, or q to quit: \$"
is "numbered items match the prompt" "$(grep -cE '^[0-9]+\. ' "$T/q.out")" "$total"

printf '1\nd\nq\n' | myna --plain >"$T/num.out" 2>&1
rc=$?
is "numbers and d work, end of input quits with 0" "$rc" "0"
like "1 opens the first deadline" "$(cat "$T/num.out")" "^Status: $first_status$"
like "d marks it done and says so" "$(cat "$T/num.out")" "^Marked done: $(re "$first_title")$"
is "the store has it done" \
	"$(myna list deadlines --json | jq -r --arg id "$first_id" '.[] | select(.id==$id) | .status')" "done"
printf '?\nq\nd 99\nbanana\n' | myna --plain >"$T/help.out" 2>&1
like "? lists the plain keys of To do" "$(cat "$T/help.out")" "^a number: +Open the item"
like "help says how to go back" "$(cat "$T/help.out")" 'Enter q to go back: '
like "a wrong number is explained" "$(cat "$T/help.out")" 'Enter d and the number of a deadline'
like "an unknown word is explained" "$(cat "$T/help.out")" '"banana" is not a choice here\.'

# TERM=dumb on a real terminal still gets the plain presenter: no escapes.
printf 'q\n' | script -q -e -c 'env TERM=dumb myna' /dev/null >"$T/dumb.out" 2>&1
like "TERM=dumb shows the plain prompt" "$(cat "$T/dumb.out")" 'Enter a number from 1 to [0-9]+'
is "TERM=dumb writes no escape byte" "$(grep -c "$ESC" "$T/dumb.out")" "0"
# ... while a capable terminal gets curses (so the check above can fail).
printf 'q' | script -q -e -c 'env TERM=xterm myna' /dev/null >"$T/xterm.out" 2>&1
like "TERM=xterm gets the full-screen presenter" "$(cat "$T/xterm.out")" "$ESC"

# logout forgets the tokens; sync then says what to do.
is "logout" "$(myna logout)" "Signed out. What was synced stays on this computer."
out=$(myna sync 2>&1); rc=$?
is "sync after logout fails with 1" "$rc" "1"
like "and says how to sign in" "$out" 'not signed in.*myna login'
like "status after logout" "$(myna status)" '^Signed in: no$'
like "the data stays" "$(myna list deadlines | head -n1)" "^$nd deadlines\$"

# login without --server uses the configured server.
myna login >"$T/login2.log" 2>&1 &
lpid=$!
track "$lpid"
wait_for 10 grep -qE '^[A-Z]{4}-[A-Z]{4}$' "$T/login2.log"
code=$(grep -m1 -E '^[A-Z]{4}-[A-Z]{4}$' "$T/login2.log")
admin POST /v1/admin/device/approve "{\"user_code\":\"$code\",\"user\":\"demo\"}" >/dev/null
wait "$lpid"
is "login without --server uses the configured one" "$?" "0"
status=$(myna status)
like "status signed in again" "$status" '^Signed in: yes$'
like "status names the server" "$status" "^Server: $BFF_URL\$"

# A refused sign-in stops with a clear message and keeps the old sign-in.
myna login >"$T/login3.log" 2>&1 &
lpid=$!
track "$lpid"
wait_for 10 grep -qE '^[A-Z]{4}-[A-Z]{4}$' "$T/login3.log"
code=$(grep -m1 -E '^[A-Z]{4}-[A-Z]{4}$' "$T/login3.log")
is "the operator refuses the code" "$(admin POST /v1/admin/device/deny "{\"user_code\":\"$code\"}" | tail -n1)" "200"
wait "$lpid"
is "a refused login exits 1" "$?" "1"
like "and says it was refused" "$(cat "$T/login3.log")" 'sign-in was refused'
like "the earlier sign-in still works" "$(myna sync)" '^(Up to date|Synced: .*)$'

# An expired code stops with a clear message; the configured server stays.
myna-bff --listen 127.0.0.1:0 --db "$T/bff2.db" --device-interval 1 --device-expiry 2 2>"$T/bff2.log" &
track $!
wait_for 10 grep -q 'listening on http://' "$T/bff2.log" || bail "second myna-bff did not start"
url2=$(grep -m1 -oE 'http://[^ ]+' "$T/bff2.log")
myna login --server "$url2" >"$T/login4.log" 2>&1
is "an expired login exits 1" "$?" "1"
like "and says the code expired and what to do" "$(cat "$T/login4.log")" 'code expired.*Run myna login again'
like "the configured server did not change" "$(myna status)" "^Server: $BFF_URL\$"

# The new screens in plain mode, by their words; search with "/ words".
printf 'p\n/ 転出\napps\ninfo\naccess\nsettings\nhelp\nq\nq\n' | myna --plain >"$T/screens.out" 2>&1
rc=$?
is "a walk through every screen exits 0" "$rc" "0"
out=$(cat "$T/screens.out")
like "p lists the catalogue and says how to search" "$out" \
	'Enter a number from 1 to [0-9]+, / and words to search, \? for help, or q to go back: '
like "/ words searches, in Japanese too" "$out" '^1 found for "転出"$'
like "the result is numbered" "$out" '^1\. Moving-out notification, Chiyoda City Office — online$'
like "apps shows Applications" "$out" '^No applications yet\. Press 3 to find a procedure'
like "info shows My information by category" "$out" '^[0-9]+ records held about you$'
like "access shows the access records" "$out" 'times agencies looked at your information'
like "settings lists each setting with its value" "$out" '^[0-9]+\. Reminder hour — 9:00$'
like "help lists the keys of every screen" "$out" '^On Access records$'
like "with the plain words" "$out" '^apps: +Go to Applications$'
is "no escape byte in the walk" "$(grep -c "$ESC" "$T/screens.out")" "0"

# The wizard in plain mode: numbered choices, one question per prompt,
# the review, then the outbox (mynad is not running).
proc=$(myna search checkup --json | jq -r '[.[] | select(.online)][0].id')
printf '/ checkup\n1\na\n9\n1\nClinic Tanaka\n3\n' | myna --plain >"$T/wizard.out" 2>&1
rc=$?
is "the plain wizard exits 0" "$rc" "0"
out=$(cat "$T/wizard.out")
like "the first question's answers are numbered" "$out" '^1\. Lost$'
like "its prompt says what it takes" "$out" \
	'Enter a number from 1 to 3, < to go back a question, or \. to leave the form: '
like "a number out of range is explained" "$out" 'There is no item 9 here\.'
like "a text question says how to answer" "$out" \
	'Type your answer for Clinic you want to go to and press Enter \(an empty line keeps what is there\), < to go back a question, or \. to leave the form: '
like "the review lists the answers" "$out" '^2\. Clinic you want to go to — Clinic Tanaka$'
like "and how to send" "$out" 'Enter 3 to send, a number from 1 to 2 to change that answer'
like "sending without mynad queues it and says so" "$out" \
	'^Queued: .+\. mynad sends it when it runs \(or run: mynad --once\)\.$'
is "no escape byte in the wizard" "$(grep -c "$ESC" "$T/wizard.out")" "0"
like "the submission waits in the outbox" "$(myna status)" '^Waiting to be sent: 1$'
mynad --once >/dev/null 2>&1
json=$(myna list applications --json)
is "mynad --once sends it" "$(jq -r '.[0].procedure' <<<"$json")" "$proc"
is "with the answers given" "$(jq -c '.[0].answers' <<<"$json")" '{"reason":"lost","clinic":"Clinic Tanaka"}'

done_testing
