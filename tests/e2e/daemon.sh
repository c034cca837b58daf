# mynad against the real myna-bff: --once fills the store; no session bus
# is one log line and reminders kept for later; with a notification server
# they are sent once and never again; a server that is down is exit 1 with
# a clear message and the store intact (reminders still work); not signed
# in; the single-instance lock; SIGHUP and SIGTERM in loop mode.
if [ -z "${MYNA_TEST_SESSION_BUS:-}" ]; then
	MYNA_TEST_SESSION_BUS=1 exec dbus-run-session -- bash "$0" "$@"
fi
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib/notify.sh"
export FAKETIME_DONT_FAKE_MONOTONIC=1
# libfaketime is preloaded ahead of the sanitizer runtime in SANITIZE=1
# builds; ASan must be told that this is fine.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
db=$XDG_DATA_HOME/myna/myna.db
q() { sqlite3 "$db" "$1"; }
# gone PID: the process has exited (a zombie not yet waited for counts).
gone() { ! kill -0 "$1" 2>/dev/null || [ "$(ps -o stat= -p "$1")" = Z ]; }

# Runs mynad as on a machine with no session bus at all.
mynad_nobus() {
	env -u DBUS_SESSION_BUS_ADDRESS -u DISPLAY -u WAYLAND_DISPLAY mynad "$@"
}

start_bff
ok "sign in as demo" login_as demo

# One deadline surely due for a reminder now, whatever the demo data holds.
soon=$(TZ=Asia/Tokyo date -d '+2 days' +%Y-%m-%dT23:59:59+09:00)
out=$(admin POST /v1/admin/deadlines "{\"user\":\"demo\",\"title\":{\"ja\":\"国民年金保険料の納付\",\"en\":\"Pay the national pension premium\"},\"due\":\"$soon\",\"procedure\":null}")
is "a deadline due in two days is posted" "$(tail -n1 <<<"$out")" "201"
soon_id=$(head -n1 <<<"$out" | jq -r .id)

# What the server holds for demo, fetched with a token of our own.
dc=$(curl -sS -X POST --data 'client_id=test' "$BFF_URL/v1/device/code")
admin POST /v1/admin/device/approve "{\"user_code\":\"$(jq -r .user_code <<<"$dc")\",\"user\":\"demo\"}" >/dev/null
tok=$(curl -sS -X POST --data-urlencode 'grant_type=urn:ietf:params:oauth:grant-type:device_code' \
	--data-urlencode "device_code=$(jq -r .device_code <<<"$dc")" "$BFF_URL/v1/token" | jq -r .access_token)
feed=$(curl -sS -H "Authorization: Bearer $tok" "$BFF_URL/v1/sync?limit=1000")
want_d=$(jq -r '.changes[] | select(.type=="deadline" and .op=="upsert") | .id' <<<"$feed" | sort)
want_n=$(jq -r '.changes[] | select(.type=="notice" and .op=="upsert") | .id' <<<"$feed" | sort)

# 1. No session bus: the sync works, the reminders wait.
mynad_nobus --once 2>"$T/nobus.log"
is "without a session bus mynad --once exits 0" "$?" "0"
is "the store holds the server's deadlines" "$(q 'SELECT id FROM deadlines' | sort)" "$want_d"
is "the store holds the server's notices" "$(q 'SELECT id FROM notices' | sort)" "$want_n"
like "the sync is logged" "$(cat "$T/nobus.log")" 'mynad info: synced [0-9]+ changes'
is "one log line says notifications cannot be shown" \
	"$(grep -c 'cannot show notifications' "$T/nobus.log")" "1"
like "it says how many reminders are kept" "$(cat "$T/nobus.log")" \
	'cannot show notifications \(.+\); [1-9][0-9]* reminders? (is|are) kept for the next try'
pending=$(grep -oE '[0-9]+ reminders? (is|are) kept' "$T/nobus.log" | grep -oE '^[0-9]+')
is "no reminder is recorded as sent" "$(q 'SELECT count(*) FROM reminders_sent')" "0"

# 2. A notification server appears: the kept reminders go out, once.
start_notification_server
mynad --once 2>"$T/bus1.log"
is "with a notification server mynad --once exits 0" "$?" "0"
like "the kept reminders are sent" "$(cat "$T/bus1.log")" "mynad info: sent $pending reminders?\$"
like "the two-day deadline is recorded under its due date" \
	"$(q "SELECT offset_days FROM reminders_sent WHERE deadline_id = '$soon_id@${soon%%T*}' ORDER BY 1" | tr '\n' ' ')" \
	'^3 7 30 $'
sent=$(q 'SELECT deadline_id, offset_days, sent_at FROM reminders_sent ORDER BY 1, 2')
mynad --once 2>"$T/bus2.log"
is "the second run exits 0" "$?" "0"
is "the second run logs no reminder" "$(grep -c 'reminder' "$T/bus2.log")" "0"
is "reminders_sent is unchanged" "$(q 'SELECT deadline_id, offset_days, sent_at FROM reminders_sent ORDER BY 1, 2')" "$sent"

# 3. Not signed in.
XDG_STATE_HOME=$T/elsewhere mynad_nobus --once 2>"$T/nologin.log"
is "not signed in: exit 1" "$?" "1"
is "not signed in: one clear line" "$(cat "$T/nologin.log")" "mynad: not signed in: run myna login"

# 4. Loop mode: sync at start, single instance, SIGHUP, SIGTERM.
mynad --foreground 2>"$T/loop.log" &
pid=$!
track "$pid"
ok "the daemon syncs at start" wait_for 10 grep -q 'mynad info: synced' "$T/loop.log"
ok "the lock file names the daemon" wait_for 5 grep -qx "$pid" "$XDG_RUNTIME_DIR/myna/mynad.lock"
mynad --foreground 2>"$T/second.log"
is "a second daemon exits 1" "$?" "1"
is "and says why" "$(cat "$T/second.log")" "mynad: another mynad is already running (process $pid)"
ok "the first one still runs" kill -0 "$pid"
echo 'sync_interval = 5' >>"$XDG_CONFIG_HOME/myna/config"
kill -HUP "$pid"
ok "SIGHUP reloads the settings" wait_for 5 grep -q 'settings reloaded: sync every 5 minutes' "$T/loop.log"
kill -TERM "$pid"
ok "SIGTERM stops it within 2 seconds" wait_for 2 gone "$pid"
wait "$pid"
is "with exit status 0" "$?" "0"
like "and a log line" "$(tail -n1 "$T/loop.log")" 'mynad info: stopping on '
mynad --foreground 2>"$T/loop2.log" &
pid=$!
track "$pid"
ok "a new daemon can start once it is gone" wait_for 10 grep -q 'mynad info: synced' "$T/loop2.log"
kill -INT "$pid"
ok "SIGINT stops it too" wait_for 2 gone "$pid"
wait "$pid"
is "with exit status 0" "$?" "0"

# 5. The server is down: exit 1 with what happened, the store untouched,
#    and the reminders still sent from the local store (at noon on the
#    two-day deadline's day, when its 1- and 0-day reminders are due).
kill "$BFF_PID"
wait "$BFF_PID" 2>/dev/null
ids=$(q 'SELECT id, due, done FROM deadlines ORDER BY id')
rows=$(q "SELECT count(*) FROM reminders_sent WHERE deadline_id = '$soon_id@${soon%%T*}'")
faketime -f "@${soon%%T*} 12:00:00" mynad --once 2>"$T/down.log"
is "server down: exit 1" "$?" "1"
like "server down: the last line says what happened" "$(tail -n1 "$T/down.log")" \
	"^mynad: .*$BFF_URL.*; try again later\$"
is "server down: the deadlines are untouched" "$(q 'SELECT id, due, done FROM deadlines ORDER BY id')" "$ids"
is "server down: the store is sound" "$(q 'PRAGMA integrity_check')" "ok"
like "server down: the day's reminder is still sent" "$(cat "$T/down.log")" 'mynad info: sent [0-9]+ reminders?'
like "and recorded" "$(q "SELECT count(*) FROM reminders_sent WHERE deadline_id = '$soon_id@${soon%%T*}'")" \
	"^$((rows + 2))\$"

done_testing
