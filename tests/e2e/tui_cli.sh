# myna's sub-commands for the synced catalogue and applications, end to end
# against a real myna-bff: search in Japanese and English (plain and
# --json), show procedure and application, list applications, records and
# access (plain and --json, compared with the server's feed), exit codes,
# and `export ics` read back by a real iCalendar parser (ical.js from npm,
# installed under build/ on first use).
. "$(dirname "$0")/../lib.sh"

ESC=$'\x1b'
start_bff
login_as demo >/dev/null 2>&1 || bail "sign-in failed"
echo 'notifications = off' >>"$XDG_CONFIG_HOME/myna/config"
myna sync >/dev/null || bail "first sync failed"

# What the server holds for demo.
dc=$(curl -sS -X POST "$BFF_URL/v1/device/code")
admin POST /v1/admin/device/approve "{\"user_code\":\"$(jq -r .user_code <<<"$dc")\",\"user\":\"demo\"}" >/dev/null
tok=$(curl -sS --data-urlencode 'grant_type=urn:ietf:params:oauth:grant-type:device_code' \
	--data-urlencode "device_code=$(jq -r .device_code <<<"$dc")" "$BFF_URL/v1/token" | jq -r .access_token)
feed=$(curl -sS -H "Authorization: Bearer $tok" "$BFF_URL/v1/sync?limit=1000")

# search
out=$(myna search 転出); rc=$?
is "search exits 0" "$rc" "0"
is "a Japanese search says how many it found" "$(head -n1 <<<"$out")" '1 procedure found for "転出"'
like "and lists it with its id" "$out" '^1\. Moving-out notification, Chiyoda City Office — online \(id 131016:tenshutsu\)$'
json=$(myna search moving --json)
is "an English search in JSON" "$(jq -r '[.[].id] | sort | join(" ")' <<<"$json")" \
	"131016:tenkyo 131016:tennyu 131016:tenshutsu"
is "JSON gives both languages" "$(jq -r '.[] | select(.id=="131016:tenshutsu") | .name_ja' <<<"$json")" "転出届"
is "and whether it is online" "$(jq -r '.[] | select(.id=="131016:tennyu") | .online' <<<"$json")" "false"
is "several words must all match" "$(myna search 児童 手当 --json | jq -r '.[].id')" "131016:jidouteate-nintei"
json=$(LANG=ja_JP.UTF-8 myna search passport --json)
is "Japanese readers get Japanese names" "$(jq -r '.[0].name' <<<"$json")" "$(jq -r '.[0].name_ja' <<<"$json")"
out=$(myna search zzzqqq); rc=$?
is "a search that finds nothing exits 0" "$rc" "0"
is "and says so" "$out" '0 procedures found for "zzzqqq"'
out=$(myna search 2>"$T/err"); rc=$?
is "search without words is a usage error" "$rc" "2"
like "with a usage line" "$(cat "$T/err")" 'Usage: myna search WORDS \[--json\]'
is "and nothing on stdout" "$out" ""

# show procedure
out=$(myna show procedure 131016:tenshutsu); rc=$?
is "show procedure exits 0" "$rc" "0"
like "it names the agency" "$out" '^Agency: Chiyoda City Office$'
like "what it is for" "$out" '^What it is for: Tell the city when you move'
like "the deadline" "$out" '^Deadline: Before you move'
like "the documents, counted" "$out" '^Documents needed: 1$'
like "whether it is online" "$out" '^Online: yes, a form of 5 questions$'
like "and each question" "$out" '^Question 2: Postal code of the new address \(text, needed; field new_postal_code\)$'
# Amounts of money are named as yen, with separators.
out=$(myna show procedure 131016:furusato-onestop)
like "an amount field says it takes yen" "$out" \
	'^Question 2: Amount donated \(yen\) \(an amount in yen, needed; field donation_amount\)$'
out=$(myna show procedure nothing-here 2>&1); rc=$?
is "an unknown procedure exits 1" "$rc" "1"
like "and says how to find ids" "$out" 'myna search'

# list: applications (none yet), records and access as the server has them.
is "no applications yet" "$(myna list applications | head -n1)" "0 applications"
is "as JSON, an empty list" "$(myna list applications --json | jq -c .)" "[]"
want=$(jq -c '[.changes[] | select(.type=="record" and .op=="upsert") | {id, title: .data.title.en}] | sort_by(.id)' <<<"$feed")
is "list records --json matches the server" "$(myna list records --json | jq -c '[.[] | {id, title}] | sort_by(.id)')" "$want"
nrec=$(jq length <<<"$want")
is "plain records say how many first" "$(myna list records | head -n1)" "$nrec records"
like "and a line each with category and holder" "$(myna list records | sed -n 2p)" '^1\. .+ — .+, held by .+ \(id r-[0-9]+\)$'
want=$(jq -c '[.changes[] | select(.type=="access_log" and .op=="upsert") | {id, agency: .data.agency.en, purpose: .data.purpose.en}] | sort_by(.id)' <<<"$feed")
is "list access --json matches the server" \
	"$(myna list access --json | jq -c '[.[] | {id, agency, purpose}] | sort_by(.id)')" "$want"
is "access is newest first" "$(myna list access --json | jq -c '[.[].when]')" \
	"$(myna list access --json | jq -c '[.[].when] | sort | reverse')"
like "plain access lines say who, what and why" "$(myna list access | sed -n 2p)" \
	'^1\. (Mon|Tue|Wed|Thu|Fri|Sat|Sun) [0-9]+ [A-Z][a-z]+ 20[0-9]{2}: .+ looked at .+, for .+ \(id l-[0-9]+\)$'

# An application through the outbox, mynad --once, then list and show.
proc=$(myna search checkup --json | jq -r '[.[] | select(.online)][0].id')
myna apply "$proc" --field reason=lost >/dev/null 2>&1
mynad --once >/dev/null 2>&1
json=$(myna list applications --json)
is "mynad sent the application; it is listed" "$(jq length <<<"$json")" "1"
app=$(jq -r '.[0].id' <<<"$json")
is "with its status" "$(jq -r '.[0].status' <<<"$json")" "received"
is "its history" "$(jq -c '[.[0].history[].status]' <<<"$json")" '["received"]'
is "and its answers" "$(jq -c '.[0].answers' <<<"$json")" '{"reason":"lost"}'
like "plain list says status in words and since when" "$(myna list applications | sed -n 2p)" \
	"^1\\. .+ — received since (Mon|Tue|Wed|Thu|Fri|Sat|Sun) .+ \\(id $app\\)\$"
admin POST "/v1/admin/applications/$app/status" '{"status":"needs_changes","message":{"ja":"理由を詳しく","en":"Say more about the reason."}}' >/dev/null
mynad --once >/dev/null 2>&1
out=$(myna show application "$app"); rc=$?
is "show application exits 0" "$rc" "0"
like "it gives the status in words" "$out" '^Status: needs changes$'
like "what to change" "$out" '^What to change: Say more about the reason\.$'
like "the history, step by step" "$out" '^History: 2 steps$'
like "each step with its date" "$out" '^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) .+ [0-9]{2}:[0-9]{2}: needs changes, Say more about the reason\.$'
like "and the answers by their labels" "$out" '^Answers: 1$'
out=$(myna show application a-999999 2>&1); rc=$?
is "an unknown application exits 1" "$rc" "1"
out=$(myna show thing x 2>&1); rc=$?
is "show of an unknown kind is a usage error" "$rc" "2"
out=$(myna list nothing 2>&1); rc=$?
is "list of an unknown kind is a usage error" "$rc" "2"
for f in "search 転出" "search moving --json" "list applications" "list records" "list access --json" \
	"show procedure 131016:tenshutsu" "show application $app"; do
	# shellcheck disable=SC2086
	is "no escape byte in: myna $f" "$(myna $f | grep -c "$ESC")" "0"
done

# Japanese dates with the era year, when asked for.
first=$(myna list deadlines --json | jq -r '.[0].id')
out=$(LANG=ja_JP.UTF-8 myna show deadline "$first")
like "Japanese dates give the western year" "$out" '20[0-9][0-9]年[0-9]+月[0-9]+日（.）'
ok "and no era by default" test "$(grep -c 令和 <<<"$out")" -eq 0
echo 'era = on' >>"$XDG_CONFIG_HOME/myna/config"
out=$(LANG=ja_JP.UTF-8 myna show deadline "$first")
like "with era = on, the era year" "$out" '令和([0-9]+|元)年[0-9]+月[0-9]+日（.）'
out=$(LANG=ja_JP.UTF-8 myna list deadlines)
like "in lists too" "$out" '令和([0-9]+|元)年[0-9]+月[0-9]+日（.）'
out=$(myna show deadline "$first")
ok "English dates never name an era" test "$(grep -cE 'Reiwa|令和' <<<"$out")" -eq 0
sed -i '/^era = on$/d' "$XDG_CONFIG_HOME/myna/config"

# export ics: every open deadline with a reminder per offset, read back
# by ical.js.
printf 'reminder_offsets = 14,2,0\nreminder_hour = 8\n' >>"$XDG_CONFIG_HOME/myna/config"
admin POST /v1/admin/deadlines '{"user":"demo","title":{"ja":"提出; 期限, 重要\\注意 とても長いタイトルが続きますとても長いタイトルが続きますとても長いタイトル","en":"Submit; due, important\\ note, and a very long title that goes on and on past the line length"},"due":"2031-01-10T23:59:59+09:00","procedure":null}' >/dev/null
myna sync >/dev/null
myna done "$(myna list deadlines --json | jq -r '[.[] | select(.status != "done")][0].id')" >/dev/null
out=$(myna export ics "$T/deadlines.ics"); rc=$?
is "export ics exits 0" "$rc" "0"
open=$(myna list deadlines --json | jq '[.[] | select(.status != "done")] | length')
is "and says how many it wrote" "$out" "Wrote $open deadlines to $T/deadlines.ics"
ok "lines end in CRLF" test "$(grep -c $'\r$' "$T/deadlines.ics")" -eq "$(wc -l <"$T/deadlines.ics")"
ok "no line is longer than 75 octets" test "$(tr -d '\r' <"$T/deadlines.ics" | awk '{ print length($0) }' LC_ALL=C | sort -n | tail -n1)" -le 75
is "stdout gets the same calendar" "$(myna export ics | grep -v '^DTSTAMP')" "$(grep -v '^DTSTAMP' "$T/deadlines.ics")"
out=$(myna export pdf 2>&1); rc=$?
is "another format is a usage error" "$rc" "2"
out=$(myna export ics /nonexistent/dir/x.ics 2>&1); rc=$?
is "an unwritable file exits 1" "$rc" "1"
like "and says why" "$out" 'Could not write the calendar'

ICAL=$ROOT/build/npm-ical
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
	bail "node and npm are needed to read the calendar back (make deps installs them)"
fi
if [ ! -f "$ICAL/node_modules/ical.js/dist/ical.es5.cjs" ]; then
	mkdir -p "$ICAL"
	(cd "$ICAL" && npm install --no-audit --no-fund --silent ical.js@2) >"$T/npm.log" 2>&1
fi
ok "ical.js is installed" test -f "$ICAL/node_modules/ical.js/dist/ical.es5.cjs" || cat "$T/npm.log"
cat >"$T/read.js" <<EOF
const ICAL = require('$ICAL/node_modules/ical.js/dist/ical.es5.cjs');
const text = require('fs').readFileSync(process.argv[2], 'utf8');
const cal = new ICAL.Component(ICAL.parse(text));
const out = cal.getAllSubcomponents('vevent').map((v) => {
	const e = new ICAL.Event(v);
	return {
		uid: e.uid,
		summary: e.summary,
		start: e.startDate.toString(),
		allday: e.startDate.isDate,
		alarms: v.getAllSubcomponents('valarm').map((a) => ({
			action: a.getFirstPropertyValue('action'),
			seconds: a.getFirstPropertyValue('trigger').toSeconds(),
		})),
	};
});
console.log(JSON.stringify({ version: cal.getFirstPropertyValue('version'), events: out }));
EOF
parsed=$(node "$T/read.js" "$T/deadlines.ics" 2>"$T/node.err")
ok "ical.js parses it" test -n "$parsed" || cat "$T/node.err"
is "it is iCalendar 2.0" "$(jq -r .version <<<"$parsed")" "2.0"
is "one event per open deadline" "$(jq '.events | length' <<<"$parsed")" "$open"
want=$(myna list deadlines --json | jq -c '[.[] | select(.status != "done") | {uid: "\(.id)@myna", summary: .title}] | sort_by(.uid)')
is "each with the deadline's id and title" "$(jq -c '[.events[] | {uid, summary}] | sort_by(.uid)' <<<"$parsed")" "$want"
is "a title with ; , and \\ and longer than a line comes back whole" \
	"$(jq -r '.events[] | select(.summary | startswith("Submit;")) | .summary' <<<"$parsed")" \
	'Submit; due, important\ note, and a very long title that goes on and on past the line length'
is "events are all-day, on the local due date" \
	"$(jq -c '[.events[] | {uid, start, allday}] | sort_by(.uid)' <<<"$parsed")" \
	"$(myna list deadlines --json | jq -c '[.[] | select(.status != "done") | {uid: "\(.id)@myna", start: (.due[0:10]), allday: true}] | sort_by(.uid)')"
is "each has one display alarm per reminder offset, at 8:00" \
	"$(jq -c '[.events[].alarms] | unique' <<<"$parsed")" \
	"[[{\"action\":\"DISPLAY\",\"seconds\":$((-14 * 86400 + 8 * 3600))},{\"action\":\"DISPLAY\",\"seconds\":$((-2 * 86400 + 8 * 3600))},{\"action\":\"DISPLAY\",\"seconds\":$((8 * 3600))}]]"
ok "no escape byte in the calendar" test "$(grep -c "$ESC" "$T/deadlines.ics")" -eq 0
LANG=ja_JP.UTF-8 myna export ics "$T/ja.ics" >/dev/null
is "a long Japanese title, folded between characters, comes back whole" \
	"$(node "$T/read.js" "$T/ja.ics" | jq -r '.events[] | select(.summary | startswith("提出")) | .summary')" \
	'提出; 期限, 重要\注意 とても長いタイトルが続きますとても長いタイトルが続きますとても長いタイトル'
ok "and it was folded" grep -q '^ ' "$T/ja.ics"

done_testing
