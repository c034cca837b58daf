# The three programs under valgrind (memcheck, --leak-check=full; definite
# and indirect leaks count as errors, and any error makes valgrind exit
# 99): mynad --once syncing the demo account, sending an application from
# the outbox and reminders to a real notification server (Xvfb, dunst, a
# private session bus); myna's sub-commands; myna-bff serving sign-in,
# feed, long poll, operator and application requests, then stopped with
# SIGTERM.  tests/valgrind.supp holds the suppressions (none today).
# Skipped in SANITIZE=1 builds: ASan and valgrind do not mix.
if [ -z "${MYNA_TEST_SESSION_BUS:-}" ]; then
	MYNA_TEST_SESSION_BUS=1 exec dbus-run-session -- bash "$0" "$@"
fi
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/fault/fault.sh"
db=$XDG_DATA_HOME/myna/myna.db
if grep -q fsanitize "$ROOT/build/flags" 2>/dev/null; then
	echo "ok 1 # SKIP a sanitizer build: valgrind cannot run it"
	done_testing
	exit 0
fi
command -v valgrind >/dev/null || bail "valgrind is needed"
VG=(valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect
	--errors-for-leak-kinds=definite,indirect --num-callers=30
	--suppressions="$ROOT/tests/valgrind.supp")
# vg NAME CMD...: CMD under valgrind, its report in $T/vg-NAME.log.
vg() {
	local name=$1
	shift
	"${VG[@]}" --log-file="$T/vg-$name.log" "$@"
}
report() { grep -v '^==[0-9]*== *$' "$T/vg-$1.log" | head -40 | sed 's/^/# /'; }
check() {
	local name=$1 rc=$2 want=${3:-0}
	is "$name under valgrind: exit $want, no error" "$rc" "$want"
	[ "$rc" = 99 ] && report "$name"
	ok "$name: valgrind reported nothing" test ! -s "$T/vg-$name.log"
}

# A notification server, as notify.sh has it.
Xvfb -displayfd 3 -nolisten tcp -screen 0 640x480x24 3>"$T/display" 2>"$T/xvfb.log" &
track $!
wait_for 10 grep -qE '^[0-9]+$' "$T/display" || bail "Xvfb did not start"
export DISPLAY=:$(head -n1 "$T/display")
printf '[global]\n    monitor = 0\n    follow = none\n' >"$T/dunstrc"
dunst -config "$T/dunstrc" >"$T/dunst.log" 2>&1 &
track $!
notification_server_up() {
	dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
		org.freedesktop.DBus.NameHasOwner string:org.freedesktop.Notifications | grep -q 'boolean true'
}
wait_for 10 notification_server_up || bail "dunst did not start"

# --- the server --------------------------------------------------------------
: >"$T/vbff.log"
"${VG[@]}" --log-file="$T/vg-myna-bff.log" myna-bff --listen 127.0.0.1:0 --db "$T/vbff.db" --demo \
	--device-interval 1 2>"$T/vbff.log" &
vpid=$!
track "$vpid"
wait_for 60 grep -q 'listening on http://' "$T/vbff.log" || bail "myna-bff under valgrind did not start"
BFF_URL=$(grep -m1 -oE 'http://[^ ]+' "$T/vbff.log")
ok "myna-bff answers under valgrind" curl -sS -o /dev/null --fail "$BFF_URL/healthz"
ok "myna login against it" login_as demo
access=$(sed -n 's/^access_token *= *//p' "$XDG_STATE_HOME/myna/credentials")
refresh=$(sed -n 's/^refresh_token *= *//p' "$XDG_STATE_HOME/myna/credentials")
H=(-H "Authorization: Bearer $access")
is "a gzip feed page" "$(curl -sS -o /dev/null -w '%{http_code}' --compressed "${H[@]}" "$BFF_URL/v1/sync?limit=5")" "200"
etag=$(curl -sS -D - -o /dev/null "${H[@]}" "$BFF_URL/v1/sync" | tr -d '\r' | sed -n 's/^[Ee][Tt]ag: //p')
is "a 304" "$(curl -sS -o /dev/null -w '%{http_code}' "${H[@]}" -H "If-None-Match: $etag" "$BFF_URL/v1/sync")" "304"
cursor=$(curl -sS "${H[@]}" "$BFF_URL/v1/sync?limit=1000" | jq -r .cursor)
is "a long poll that times out" "$(curl -sS -o /dev/null -w '%{http_code}' "${H[@]}" "$BFF_URL/v1/sync?cursor=$cursor&wait=1")" "200"
is "an operator notice" "$(tail -n1 <<<"$(admin POST /v1/admin/notices '{"audience":{"user":"demo"},"title":"valgrind","body":"b","sender":"s"}')")" "201"
is "a bad operator body" "$(tail -n1 <<<"$(admin POST /v1/admin/notices '{"audience":')")" "400"
head -c 70000 /dev/zero | tr '\0' ' ' >"$T/big"
is "a too large body" "$(curl -sS -o /dev/null -w '%{http_code}' "${H[@]}" -H 'Content-Type: application/json' -H 'Idempotency-Key: vg' --data-binary "@$T/big" "$BFF_URL/v1/applications")" "413"
is "metrics" "$(curl -sS -o /dev/null -w '%{http_code}' "$BFF_URL/metrics")" "200"
is "a refresh" "$(curl -sS --data-urlencode grant_type=refresh_token --data-urlencode "refresh_token=$refresh" "$BFF_URL/v1/token" | jq -r .token_type)" "Bearer"
# The tokens rotated: sign in again for the client runs below.
ok "myna login again" login_as demo

# --- the client ------------------------------------------------------------
myna sync >/dev/null || bail "sync failed"
proc=131016:tokutei-kenshin
choice=$(sqlite3 "$db" "SELECT data FROM procedures WHERE id = '$proc'" |
	jq -r '.fields[] | select(.name == "reason") | .choices[0].value')
myna apply "$proc" --field "reason=$choice" >/dev/null 2>&1 || bail "apply failed"
vg mynad mynad --once 2>"$T/mynad.log"
check mynad $?
like "mynad sent the application" "$(sqlite3 "$db" "SELECT state FROM outbox")" '^sent$'
like "and reminders" "$(cat "$T/mynad.log")" 'sent [0-9]+ reminders?'
vg sync myna sync >/dev/null 2>&1
check "myna sync" $?
vg list myna list deadlines --json >/dev/null 2>&1
check "myna list" $?
did=$(sqlite3 "$db" 'SELECT id FROM deadlines ORDER BY id LIMIT 1')
vg show myna show deadline "$did" >/dev/null 2>&1
check "myna show" $?
vg search myna search 転出 >/dev/null 2>&1
check "myna search" $?
printf '1\nq\nq\n' >"$T/keys"
vg plain myna --plain <"$T/keys" >/dev/null 2>&1
check "myna --plain" $?

kill -TERM "$vpid"
wait "$vpid"
check myna-bff $?

done_testing
