# Shared helpers for the end-to-end tests (bash).  Source it first:
#   . "$(dirname "$0")/../lib.sh"
# It gives each test a private temporary home with its own XDG directories,
# TAP output (ok / not ok / plan), real processes started on loopback and
# stopped on exit, and Asia/Tokyo time as residents have it.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=$ROOT/bin
export PATH="$BIN:$PATH"
export TZ=Asia/Tokyo
export LANG=en_US.UTF-8 LC_ALL= LANGUAGE=
export NO_COLOR=1
export MYNA_LOCALEDIR=$ROOT/build/locale

T=$(mktemp -d "${TMPDIR:-/tmp}/myna-test.XXXXXX")
export HOME=$T/home
export XDG_CONFIG_HOME=$T/config XDG_DATA_HOME=$T/data XDG_STATE_HOME=$T/state
export XDG_RUNTIME_DIR=$T/run
mkdir -p "$HOME" "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_STATE_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
export MYNA_BFF_ADMIN_TOKEN=admin-$RANDOM$RANDOM$RANDOM$RANDOM

_tap_n=0
_tap_failed=0
_pids=()

# ok DESCRIPTION COMMAND...: runs the command; passes when it exits 0.
ok() {
	local desc=$1; shift
	_tap_n=$((_tap_n + 1))
	if "$@" >"$T/last.out" 2>&1; then
		echo "ok $_tap_n - $desc"
	else
		echo "not ok $_tap_n - $desc"
		sed 's/^/#   /' "$T/last.out" | head -20
		_tap_failed=$((_tap_failed + 1))
	fi
}

# is DESCRIPTION GOT WANT: passes when the two strings are equal.
is() {
	_tap_n=$((_tap_n + 1))
	if [ "$2" == "$3" ]; then
		echo "ok $_tap_n - $1"
	else
		echo "not ok $_tap_n - $1"
		echo "#   got:  $(printf '%s' "$2" | head -c 600)"
		echo "#   want: $(printf '%s' "$3" | head -c 600)"
		_tap_failed=$((_tap_failed + 1))
	fi
}

# like DESCRIPTION TEXT REGEX: passes when TEXT matches the extended REGEX.
like() {
	_tap_n=$((_tap_n + 1))
	if printf '%s' "$2" | grep -qE -- "$3"; then
		echo "ok $_tap_n - $1"
	else
		echo "not ok $_tap_n - $1"
		echo "#   text: $(printf '%s' "$2" | head -c 600)"
		echo "#   does not match: $3"
		_tap_failed=$((_tap_failed + 1))
	fi
}

# bail MESSAGE: stops the test file as failed.
bail() {
	echo "Bail out! $*"
	exit 1
}

done_testing() {
	echo "1..$_tap_n"
	[ "$_tap_failed" -eq 0 ]
}

_cleanup() {
	local p
	for p in "${_pids[@]}"; do
		kill "$p" 2>/dev/null
	done
	for p in "${_pids[@]}"; do
		wait "$p" 2>/dev/null
	done
	tmux -L "myna-$$" kill-server 2>/dev/null
	rm -rf "$T"
}
trap _cleanup EXIT

# track PID: stopped at exit.
track() { _pids+=("$1"); }

# wait_for SECONDS COMMAND...: retries the command every 0.1 s until it
# succeeds; fails after SECONDS.
wait_for() {
	local limit=$(( $1 * 10 )); shift
	local i=0
	until "$@" >/dev/null 2>&1; do
		i=$((i + 1))
		[ $i -ge $limit ] && return 1
		sleep 0.1
	done
}

# start_bff [ARGS...]: starts myna-bff --demo on a free loopback port with a
# fresh database; sets BFF_URL and BFF_PID.  Extra arguments are passed on.
start_bff() {
	local log=$T/bff.log
	: >"$log"
	myna-bff --listen 127.0.0.1:0 --db "$T/bff.db" --demo --device-interval 1 "$@" 2>"$log" &
	BFF_PID=$!
	track "$BFF_PID"
	wait_for 10 grep -q 'listening on http://' "$log" || { cat "$log"; bail "myna-bff did not start"; }
	BFF_URL=$(grep -m1 -oE 'http://[^ ]+' "$log")
	export BFF_URL BFF_PID
}

# admin METHOD PATH [JSON]: an operator request; prints the body, then the
# status code on a last line of its own.
admin() {
	curl -sS -X "$1" -H "Authorization: Bearer $MYNA_BFF_ADMIN_TOKEN" \
		-H 'Content-Type: application/json' ${3:+--data "$3"} \
		-w '\n%{http_code}\n' "$BFF_URL$2"
}

# login_as USER: runs `myna login` against BFF_URL and approves its user
# code through the operator endpoint, as the card reader would.
login_as() {
	local user=$1 log=$T/login.log code
	: >"$log"
	myna login --server "$BFF_URL" >"$log" 2>&1 &
	local pid=$!
	track "$pid"
	wait_for 10 grep -qE '^[A-Z0-9]{4}-[A-Z0-9]{4}$' "$log" || { cat "$log"; return 1; }
	code=$(grep -m1 -E '^[A-Z0-9]{4}-[A-Z0-9]{4}$' "$log")
	admin POST /v1/admin/device/approve "{\"user_code\":\"$code\",\"user\":\"$user\"}" >"$T/approve.out"
	wait "$pid"
}
