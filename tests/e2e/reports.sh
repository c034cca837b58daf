# Opt-in error reports, end to end against the real myna-bff: with
# error_reports off (the default) nothing is queued or sent, whatever goes
# wrong; turned on (in the config file or on the Settings screen) the
# client reports an unexpected server status, a store error and a crash of
# myna and of mynad (noted by the signal handler, reported at the next
# start), deduplicated with a count, and nothing else: the server's stored
# reports hold only program, version, kind, code and count, never the
# user, an item, a token or a notice's text; turned off again, the queue is
# emptied.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib/tui.sh"

start_bff
login_as demo >/dev/null 2>&1 || bail "sign-in failed"
myna sync >/dev/null || bail "first sync failed"
config=$XDG_CONFIG_HOME/myna/config
store=$XDG_DATA_HOME/myna/myna.db
queue=$XDG_STATE_HOME/myna/reports
echo 'notifications = off' >>"$config"
# The status of a program ended by SIGSEGV: 128 + 11; in a build with
# AddressSanitizer (make check SANITIZE=1), whose handler the crash
# handler hands the signal on to, 1.
crashed=139
grep -q fsanitize "$ROOT/build/flags" 2>/dev/null && crashed=1

# reports: the reports the server keeps, one "program kind code message"
# line each.
reports() { sqlite3 "$T/bff.db" "SELECT program, kind, code, message FROM client_reports ORDER BY id" | tr '|' ' '; }
metric() { curl -sS "$BFF_URL/metrics" | grep -F "myna_bff_client_reports_total{kind=\"$1\"}" | awk '{print $2}'; }
# break_cursor: the store's sync cursor made one the server cannot read (a
# fault of the client's own state: the server answers 400).
break_cursor() { sqlite3 "$store" "UPDATE meta SET value = 'not-a-cursor' WHERE key = 'sync.cursor'"; }
mend_cursor() { sqlite3 "$store" "DELETE FROM meta WHERE key IN ('sync.cursor', 'sync.etag')"; }
# crash_tui: starts the front end and ends it with SIGSEGV, as a crash.
crash_tui() {
	start_tui "myna 2>'$T/tui.err'"
	local pane pid
	pane=$(tm list-panes -t myna -F '#{pane_pid}')
	pid=$(pgrep -P "$pane" -x myna)
	kill -SEGV "$pid"
	wait_for 5 test -s "$T/rc"
	cat "$T/rc"
}
# to_setting: Settings, then down to Send error reports (the twelfth).
to_setting() {
	local i
	tm send-keys -t myna 7 g
	for i in 1 2 3 4 5 6 7 8 9 10 11 12; do tm send-keys -t myna j; done
}
# hold_store SECONDS: another process holds the store's write lock.
hold_store() {
	(echo 'BEGIN IMMEDIATE;'; sleep "$1"; echo 'COMMIT;') | sqlite3 "$store" &
	track $!
	sleep 0.5
}

# --- Off (the default): nothing at all -----------------------------------

break_cursor
ok "a sync the server refuses fails" sh -c '! myna sync >/dev/null 2>&1'
is "crash of myna: killed by SIGSEGV" "$(crash_tui)" "$crashed"
mend_cursor
myna sync >/dev/null 2>&1
mynad --once 2>"$T/mynad.log"
is "off: nothing queued" "$(ls -A "$queue" 2>/dev/null | grep -vc '^\.lock$')" "0"
is "off: the server has no report" "$(reports)" ""
is "off: the metrics count none" "$(metric error) $(metric crash)" "0 0"

# --- On -------------------------------------------------------------------

echo 'error_reports = on' >>"$config"
break_cursor
ok "the refused sync fails again" sh -c '! myna sync >/dev/null 2>&1'
is "an unexpected status is reported by myna sync at once" "$(reports)" \
	"myna error sync.status.400 count=1"
is "the metrics count it" "$(metric error)" "1"
is "sent reports leave the queue" "$(ls "$queue" | wc -l)" "0"
mend_cursor

# Two crashes of myna: one report, counted twice, sent by mynad.
is "myna crashes" "$(crash_tui)" "$crashed"
is "myna crashes again" "$(crash_tui)" "$crashed"
ok "the crash is queued (no signal-unsafe work was done in the handler)" \
	test -n "$(ls "$queue")"
mynad --once 2>"$T/mynad.log"
is "mynad sends one report of both crashes" "$(reports | tail -n1)" "myna crash sigsegv count=2"
is "the crash metric" "$(metric crash)" "1"
like "mynad says it sent it" "$(cat "$T/mynad.log")" 'sent 1 error report'

# A crash of mynad, reported at its next start.
mynad --foreground 2>"$T/mynad.log" &
pid=$!
track $pid
wait_for 10 test -S "$XDG_RUNTIME_DIR/myna/mynad.sock" || bail "mynad did not start"
kill -SEGV $pid
{ wait $pid; } 2>/dev/null
is "mynad is ended by SIGSEGV" "$?" "$crashed"
rm -f "$XDG_RUNTIME_DIR/myna/mynad.sock"
mynad --once 2>"$T/mynad.log"
is "mynad's crash is reported at its next start" "$(reports | tail -n1)" "mynad crash sigsegv count=1"

# A store error: the store is locked by another process for longer than
# myna waits.
id=$(myna list deadlines --json | jq -r '.[0].id')
hold_store 8
ok "myna done fails on the locked store" sh -c "! myna done $id >/dev/null 2>&1"
is "the store error is queued with SQLite's code" "$(ls "$queue")" "myna.error.store.busy"
wait_for 10 sh -c "myna list deadlines >/dev/null 2>&1"
mynad --once 2>"$T/mynad.log"
is "and sent" "$(reports | tail -n1)" "myna error store.busy count=1"

# Nothing personal in any report the server keeps.
all=$(sqlite3 "$T/bff.db" "SELECT * FROM client_reports")
is "os, time and message are all the server could get besides the codes" \
	"$(sqlite3 "$T/bff.db" "SELECT count(*) FROM client_reports WHERE os IS NOT NULL OR occurred IS NOT NULL OR message NOT GLOB 'count=[0-9]*'")" "0"
token=$(sed -n 's/^access_token = //p' "$XDG_STATE_HOME/myna/credentials")
for secret in demo "$id" "$token" d- n- "$(myna list notices --json | jq -r '.[0].title')"; do
	is "no report holds \"${secret:0:12}\"" "$(grep -cF -- "$secret" <<<"$all")" "0"
done
is "the programs and kinds are the fixed words" \
	"$(sqlite3 "$T/bff.db" "SELECT DISTINCT program || ' ' || kind FROM client_reports ORDER BY 1" | tr '\n' ',')" \
	"myna crash,myna error,mynad crash,"
is "the version is the program's" "$(sqlite3 "$T/bff.db" "SELECT DISTINCT version FROM client_reports")" \
	"$(myna --version | cut -d' ' -f2)"

# --- Turned off on the Settings screen: the queue is emptied ---------------

is "myna crashes once more" "$(crash_tui)" "$crashed"
ok "it is queued" test -n "$(ls "$queue")"
start_tui "myna 2>'$T/tui.err'"
to_setting
expect "the error reports setting" '^> Send error reports \(nothing personal\) — on$'
key "Enter turns them off" Enter '^> Send error reports \(nothing personal\) — off$' \
	"Send error reports (nothing personal): off"
is "the queue is emptied at once" "$(ls "$queue" | wc -l)" "0"
tm send-keys -t myna q q
tui_rc >/dev/null
n=$(reports | wc -l)
is "crash of myna while off" "$(crash_tui)" "$crashed"
break_cursor
myna sync >/dev/null 2>&1
mynad --once 2>"$T/mynad.log"
mend_cursor
is "off again: nothing more reaches the server" "$(reports | wc -l)" "$n"
is "and nothing is queued" "$(ls "$queue" | wc -l)" "0"

# --- Turned on on the Settings screen ---------------------------------------
start_tui "myna 2>'$T/tui.err'"
to_setting
key "Enter opts in" Enter '^> Send error reports \(nothing personal\) — on$'
tm send-keys -t myna q q
tui_rc >/dev/null
is "crash" "$(crash_tui)" "$crashed"
mynad --once 2>"$T/mynad.log"
is "on again: the crash is reported" "$(reports | tail -n1)" "myna crash sigsegv count=1"

done_testing
