# Helpers for the fault, crash and security tests (bash), sourced after
# tests/lib.sh:
#   . "$ROOT/tests/fault/fault.sh"
# They build the two fault tools of this folder into the test's own
# temporary folder (a C compiler is needed, as for the build), start the
# misbehaving server, and point the client at a server of the test's
# choosing with a made-up sign-in.

FAULT_DIR=$T/fault
mkdir -p "$FAULT_DIR"
# The shim is preloaded ahead of the sanitizer runtime in SANITIZE=1
# builds; ASan must be told that this is fine.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0

# fault_build: compiles failwrite.so and badserver; sets FAILWRITE_SO and
# BADSERVER.
fault_build() {
	FAILWRITE_SO=$FAULT_DIR/failwrite.so
	BADSERVER=$FAULT_DIR/badserver
	${CC:-cc} -std=c17 -O1 -Wall -Wextra -Werror -shared -fPIC -o "$FAILWRITE_SO" \
		"$ROOT/tests/fault/failwrite.c" -ldl || bail "cannot build failwrite.so"
	${CC:-cc} -std=c17 -O1 -Wall -Wextra -Werror -o "$BADSERVER" \
		"$ROOT/tests/fault/badserver.c" || bail "cannot build badserver"
}

# start_bad MODE [BODYFILE] [STATUS]: starts badserver; sets BAD_URL,
# BAD_PID and BAD_LOG.  The one before it, if any, is stopped.
_bad_n=0
start_bad() {
	[ -n "${BAD_PID:-}" ] && { kill "$BAD_PID" 2>/dev/null; wait "$BAD_PID" 2>/dev/null; }
	_bad_n=$((_bad_n + 1))
	BAD_LOG=$T/bad-$_bad_n.log
	: >"$BAD_LOG"
	"$BADSERVER" "$@" 2>"$BAD_LOG" &
	BAD_PID=$!
	track "$BAD_PID"
	wait_for 5 grep -q '^listening on http://' "$BAD_LOG" || { cat "$BAD_LOG"; bail "badserver did not start"; }
	BAD_URL=$(grep -m1 -oE 'http://[0-9.:]+' "$BAD_LOG")
}

# bad_requests: how many requests the current badserver has seen.
bad_requests() { grep -c '^request ' "$BAD_LOG"; }

# use_server URL: makes URL the configured server (the rest of the config
# is kept).
use_server() {
	local cfg=$XDG_CONFIG_HOME/myna/config
	mkdir -p "$(dirname "$cfg")"
	touch "$cfg"
	grep -v '^server *=' "$cfg" >"$cfg.new"
	echo "server = $1" >>"$cfg.new"
	mv "$cfg.new" "$cfg"
}

# fake_signin: a credentials file with made-up tokens that expire in an
# hour, as after a sign-in.
fake_signin() {
	local creds=$XDG_STATE_HOME/myna/credentials
	mkdir -p "$(dirname "$creds")"
	printf 'access_token = %s\nrefresh_token = %s\nexpires_at = %s\n' \
		"fake-access-$RANDOM$RANDOM" "fake-refresh-$RANDOM$RANDOM" "$(( $(date +%s) + 3600 ))" >"$creds"
	chmod 600 "$creds"
}

# store_dump [DB]: the whole store as SQL text, for before/after
# comparisons (nothing lost, nothing duplicated, nothing half applied).
store_dump() { sqlite3 "${1:-$XDG_DATA_HOME/myna/myna.db}" .dump; }

# integrity [DB]: prints SQLite's integrity check ("ok" when sound).
integrity() { sqlite3 "${1:-$XDG_DATA_HOME/myna/myna.db}" 'PRAGMA integrity_check'; }

# synced_dump DB: the synced items of a store, in a fixed order: what a
# fresh sync of the same account must equal.
synced_dump() {
	sqlite3 "$1" "
		SELECT 'notice', id, title_ja, body_ja, sender_ja FROM notices ORDER BY id;
		SELECT 'deadline', id, title_ja, due FROM deadlines ORDER BY id;
		SELECT 'procedure', id, data FROM procedures ORDER BY id;
		SELECT 'application', id, status, data FROM applications ORDER BY id;
		SELECT 'record', id, data FROM records ORDER BY id;
		SELECT 'access_log', id, data FROM access_logs ORDER BY id;" 2>&1
}

# no_control FILE: passes when FILE holds no terminal control: no C0 but
# tab and newline, no DEL, no C1 (as UTF-8), no ESC, no bidirectional
# override or isolate.  On failure it shows the first offending line.
no_control() {
	if LC_ALL=C grep -naP '[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\xaa-\xae]|\xe2\x81[\xa6-\xa9]' "$1" |
		head -n3 | cat -v | grep .; then
		return 1
	fi
	return 0
}

# nobus CMD...: runs CMD without a session bus (no notification server;
# libnotify must not try to start one).  $NOBUS is the same as a prefix
# that execs CMD, for `$NOBUS mynad &` when $! must be mynad's own pid.
NOBUS="env -u DBUS_SESSION_BUS_ADDRESS -u DISPLAY -u WAYLAND_DISPLAY"
nobus() { $NOBUS "$@"; }

# fresh_sync: syncs the signed-in account into a new, empty store of its
# own (with its own runtime folder, so that no running daemon is asked);
# prints that store's path.
_fresh_n=0
fresh_sync() {
	_fresh_n=$((_fresh_n + 1))
	local d=$T/fresh-$_fresh_n
	mkdir -p "$d/data" "$d/run"
	chmod 700 "$d/run"
	XDG_DATA_HOME=$d/data XDG_RUNTIME_DIR=$d/run myna sync >"$d/sync.log" 2>&1 ||
		{ cat "$d/sync.log" >&2; return 1; }
	echo "$d/data/myna/myna.db"
}
