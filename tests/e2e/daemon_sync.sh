# mynad's sync against the real myna-bff: 304 for an unchanged feed, the
# long-poll that brings a change within a moment, the control socket
# (its modes, status and sync as JSON, `myna sync` and `myna status`
# through it, a stale socket after kill -9), and a full resync after 410
# that keeps the marks, the drafts and the outbox.
. "$(dirname "$0")/../lib.sh"
db=$XDG_DATA_HOME/myna/myna.db
sock=$XDG_RUNTIME_DIR/myna/mynad.sock
q() { sqlite3 "$db" "$1"; }
gone() { ! kill -0 "$1" 2>/dev/null || [ "$(ps -o stat= -p "$1")" = Z ]; }
# request JSON: one request line on the control socket, the answer line.
request() { printf '%s\n' "$1" | socat -t 5 - "UNIX-CONNECT:$sock"; }
# No session bus here: no notifications, and no libnotify trying to start
# one.  (The daemon is started with `env` directly so that $! is its pid.)
nobus="env -u DBUS_SESSION_BUS_ADDRESS -u DISPLAY -u WAYLAND_DISPLAY"
mynad_nobus() { $nobus mynad "$@"; }
# bff_syncs: the statuses of the feed requests the server answered, in order.
bff_syncs() { grep -oE 'path=/v1/sync status=[0-9]+' "$T/bff.log" | cut -d= -f3; }

start_bff
ok "sign in as demo" login_as demo

# 1. mynad --once: the first sync brings the feed, the second learns the
#    ETag of the empty page after it, and the third is a 304.
mynad_nobus --once 2>"$T/once1.log"
is "the first sync exits 0" "$?" "0"
like "and stores the feed" "$(q 'SELECT count(*) FROM deadlines')" '^[1-9][0-9]*$'
mynad_nobus --once 2>"$T/once2.log"
is "the second sync exits 0" "$?" "0"
n=$(bff_syncs | wc -l)
mynad_nobus --once 2>"$T/once3.log"
is "the third sync exits 0" "$?" "0"
is "and was answered 304 Not Modified" "$(bff_syncs | tail -n +$((n + 1)) | tr '\n' ' ')" "304 "
like "it logs nothing new" "$(cat "$T/once3.log")" 'mynad info: synced: nothing new'

# 2. The daemon: the control socket and the long-poll.
MYNA_LOG=debug $nobus mynad --foreground 2>"$T/d.log" &
pid=$!
track "$pid"
ok "the daemon starts and syncs" wait_for 10 grep -q 'mynad info: synced' "$T/d.log"
ok "it holds a long-poll at the server" wait_for 5 grep -q 'long-poll: waiting' "$T/d.log"
is "the socket has mode 0600" "$(stat -c %a "$sock")" "600"
is "its folder has mode 0700" "$(stat -c %a "$(dirname "$sock")")" "700"

status=$(request '{"request":"status"}')
is "status answers ok" "$(jq -r .ok <<<"$status")" "true"
is "status names the daemon" "$(jq -r .pid <<<"$status")" "$pid"
is "status: signed in" "$(jq -r .signed_in <<<"$status")" "true"
is "status: the long-poll waits" "$(jq -r .long_poll <<<"$status")" "true"
like "status: the last sync" "$(jq -r .last_sync <<<"$status")" '^20[0-9]{2}-[0-9]{2}-[0-9]{2}T'
like "status: the next reminder" "$(jq -r .next_reminder <<<"$status")" '^20[0-9]{2}-.*T09:00:00\+09:00$'
is "status: nothing waits in the outbox" "$(jq -r .outbox <<<"$status")" "0"
is "status: no failures" "$(jq -r '.failures, .last_error' <<<"$status" | tr '\n' ' ')" "0 null "
is "an unknown request is refused" "$(request '{"request":"dance"}' | jq -r .ok)" "false"
like "so is a line that is not JSON" "$(request 'sync please' | jq -r .error)" 'not JSON'
ok "the daemon lives on" kill -0 "$pid"

# A change reaches the daemon through the long-poll, within a moment.
before=$(q 'SELECT count(*) FROM notices')
out=$(admin POST /v1/admin/notices '{"audience":{"user":"demo"},"title":{"ja":"速報","en":"News"},"body":"本文","sender":"市役所"}')
is "an operator posts a notice" "$(tail -n1 <<<"$out")" "201"
more_notices() { [ "$(q 'SELECT count(*) FROM notices')" -gt "$1" ]; }
ok "it is in the store within 2 seconds" wait_for 2 more_notices "$before"
like "the daemon logs it" "$(cat "$T/d.log")" 'mynad info: synced 1 changes: 0 new deadlines, 1 new notices'

# `myna sync` and `myna status` go through the daemon.
is "myna sync through the daemon" "$(myna sync)" "Up to date"
like "the daemon did the sync" "$(grep -c 'control socket: request sync' "$T/d.log")" '^1$'
st=$(myna status)
like "myna status: signed in" "$st" '^Signed in: yes$'
like "myna status: the daemon runs" "$st" "Daemon: running \\(process $pid\\)"
like "myna status: the long-poll" "$st" 'Next sync: as soon as the server has news'
like "myna status: the outbox" "$st" 'Waiting to be sent: 0'

# 3. SIGTERM removes the socket; the commands work without the daemon.
kill -TERM "$pid"
ok "SIGTERM stops it at once, in the middle of the long-poll" wait_for 2 gone "$pid"
wait "$pid"
is "with exit status 0" "$?" "0"
ok "the socket is gone" test ! -e "$sock"
like "myna status says so" "$(myna status)" 'Daemon: not running'
is "myna sync works in-process" "$(myna sync)" "Up to date"

# 4. kill -9 leaves the socket behind: the commands see no daemon, and a
#    new daemon takes the socket over.
$nobus mynad --foreground 2>"$T/d2.log" &
pid=$!
track "$pid"
ok "a daemon starts again" wait_for 10 test -S "$sock"
ok "and has synced" wait_for 10 grep -q 'mynad info: synced' "$T/d2.log"
kill -KILL "$pid"
wait "$pid" 2>/dev/null
ok "the killed daemon left its socket" test -S "$sock"
is "myna sync then syncs in-process" "$(myna sync 2>&1)" "Up to date"
$nobus mynad --foreground 2>"$T/d3.log" &
pid=$!
track "$pid"
ok "a new daemon starts" wait_for 10 grep -q 'mynad info: synced' "$T/d3.log"
is "and answers on the socket" "$(request '{"request":"status"}' | jq -r .pid)" "$pid"
kill -TERM "$pid"
wait "$pid"

# 5. 410: the server no longer knows our cursor.  The resync keeps the
#    read marks, the drafts and the outbox.
q "UPDATE notices SET read = 1 WHERE id = (SELECT min(id) FROM notices)"
read_id=$(q 'SELECT id FROM notices WHERE read = 1')
myna apply no-such-procedure --field name=test >/dev/null 2>&1
drafts=$(q 'SELECT id, procedure, fields FROM drafts')
outbox=$(q 'SELECT seq, idem_key, procedure FROM outbox')
ok "a submission is in the outbox" test -n "$outbox"
q "UPDATE meta SET value = 's999999' WHERE key = 'sync.cursor'"
n=$(bff_syncs | wc -l)
nd=$(q 'SELECT count(*) FROM deadlines')
mynad_nobus --once 2>"$T/gone.log"
is "the resync exits 0" "$?" "0"
like "the server answered 410, then the whole feed" "$(bff_syncs | tail -n +$((n + 1)) | tr '\n' ' ')" '^410 200 '
is "the deadlines are back" "$(q 'SELECT count(*) FROM deadlines')" "$nd"
like "nothing is announced as new" "$(cat "$T/gone.log")" 'synced [0-9]+ changes: 0 new deadlines, 0 new notices'
is "the read mark is kept" "$(q 'SELECT id FROM notices WHERE read = 1')" "$read_id"
is "the drafts are kept" "$(q 'SELECT id, procedure, fields FROM drafts')" "$drafts"
is "the outbox is kept" "$(q 'SELECT seq, idem_key, procedure FROM outbox')" "$outbox"
like "the cursor is a new one" "$(q "SELECT value FROM meta WHERE key = 'sync.cursor'")" '^[^s]|^s[0-9]{1,5}$'

# A socket where mynad's should be, but another user listens on it: myna
# does not take its answers (it would report whatever that user wants).
if [ "$(id -u)" = 0 ]; then
	pkill -TERM -x mynad 2>/dev/null
	# (the test's own folder is private: the other user listens in one
	# of theirs, and the socket is moved into place)
	other=$(mktemp -d "${TMPDIR:-/tmp}/myna-other.XXXXXX")
	chmod 777 "$other"
	setpriv --reuid=65534 --regid=65534 --clear-groups socat \
		UNIX-LISTEN:"$other/s",fork SYSTEM:'echo "{\"ok\":true,\"synced\":true}"' &
	track $!
	wait_for 5 test -S "$other/s"
	mkdir -p "$XDG_RUNTIME_DIR/myna"
	rm -f "$XDG_RUNTIME_DIR/myna/mynad.sock"
	mv "$other/s" "$XDG_RUNTIME_DIR/myna/mynad.sock"
	rmdir "$other"
	out=$(myna status 2>&1)
	like "a socket of another user is refused" "$out" 'mynad.sock: it belongs to another user'
	ok "and not reported as the daemon" test "$(grep -c 'Daemon: running' <<<"$out")" -eq 0
else
	ok "this check needs root to listen as another user" false
fi

done_testing
