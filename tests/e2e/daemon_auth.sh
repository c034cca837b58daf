# mynad's sign-in and failure handling against the real myna-bff: the
# access token expires (401, refreshed without a word), the sign-in is
# revoked (a clear "sign in again" state in `myna status`, no retries
# until then), the server goes away (back-off with jitter, said once), and
# the server rate-limits (Retry-After honoured).
. "$(dirname "$0")/../lib.sh"
db=$XDG_DATA_HOME/myna/myna.db
sock=$XDG_RUNTIME_DIR/myna/mynad.sock
creds=$XDG_STATE_HOME/myna/credentials
q() { sqlite3 "$db" "$1"; }
request() { printf '%s\n' "$1" | socat -t 5 - "UNIX-CONNECT:$sock"; }
status() { request '{"request":"status"}'; }
nobus="env -u DBUS_SESSION_BUS_ADDRESS -u DISPLAY -u WAYLAND_DISPLAY"
cred() { sed -n "s/^$1 = //p" "$creds"; }
count_notices() { q 'SELECT count(*) FROM notices'; }
more_notices() { [ "$(count_notices)" -gt "$1" ]; }
post_notice() {
	admin POST /v1/admin/notices "{\"audience\":{\"user\":\"demo\"},\"title\":\"$1\",\"body\":\"b\",\"sender\":\"s\"}" | tail -n1
}
# point_at_bff: the config names the server of BFF_URL.
point_at_bff() { sed -i "s|^server = .*|server = $BFF_URL|" "$XDG_CONFIG_HOME/myna/config"; }

# 1. Access tokens that live 2 seconds: refreshed when the server says 401.
#    (No notifications in this test: their warnings are not what it is about.)
start_bff --access-expiry 2
ok "sign in as demo" login_as demo
echo 'notifications = off' >>"$XDG_CONFIG_HOME/myna/config"
at1=$(cred access_token)
rt1=$(cred refresh_token)
MYNA_LOG=debug $nobus mynad --foreground 2>"$T/d.log" &
pid=$!
track "$pid"
ok "the daemon syncs" wait_for 10 grep -q 'mynad info: synced' "$T/d.log"
ok "and waits in a long-poll" wait_for 5 grep -q 'long-poll: waiting' "$T/d.log"
sleep 2.2
n=$(count_notices)
is "a notice is posted after the token expired" "$(post_notice 'one')" "201"
ok "it arrives" wait_for 5 more_notices "$n"
token_changed() { [ "$(cred access_token)" != "$at1" ]; }
ok "the next long-poll gets 401 and the daemon renews the sign-in" wait_for 5 token_changed
is "the refresh token was rotated too" "$([ "$(cred refresh_token)" != "$rt1" ] && echo yes)" "yes"
n=$(count_notices)
is "another notice" "$(post_notice 'two')" "201"
ok "arrives with the new token" wait_for 5 more_notices "$n"
is "no warning was logged" "$(grep -c 'mynad warn' "$T/d.log")" "0"
is "status: signed in" "$(status | jq -r .signed_in)" "true"
kill "$pid"
wait "$pid"
BFF_LOG_1=$(cat "$T/bff.log")
kill "$BFF_PID"
wait "$BFF_PID" 2>/dev/null

# 2. The sign-in is revoked: a refresh token presented twice revokes every
#    token of the sign-in (docs/api.md), as when it was copied.
start_bff
point_at_bff
ok "sign in again" login_as demo
$nobus mynad --foreground 2>"$T/d2.log" &
pid=$!
track "$pid"
ok "the daemon syncs" wait_for 10 grep -q 'mynad info: synced' "$T/d2.log"
rt=$(cred refresh_token)
refresh() { curl -sS -o /dev/null -w '%{http_code}' --data-urlencode grant_type=refresh_token \
	--data-urlencode "refresh_token=$rt" "$BFF_URL/v1/token"; }
is "someone spends the daemon's refresh token" "$(refresh)" "200"
is "and spends it again" "$(refresh)" "400"
out=$(myna sync 2>&1)
is "myna sync through the daemon fails" "$?" "1"
like "and says to sign in again" "$out" 'myna login'
st=$(status)
is "status: signed out" "$(jq -r .signed_in <<<"$st")" "false"
like "status: the problem" "$(jq -r .sign_in_problem <<<"$st")" 'myna login'
is "status: no back-off, nothing to retry" "$(jq -r '.failures, .retry_at' <<<"$st" | tr '\n' ' ')" "0 null "
next=$(date -d "$(jq -r .next_sync <<<"$st")" +%s)
like "the next try is at the usual interval" "$((next - $(date +%s)))" '^(8[0-9][0-9]|9[0-9][0-9])$'
is "no long-poll while signed out" "$(jq -r .long_poll <<<"$st")" "false"
out=$(myna status)
like "myna status: not signed in" "$out" '^Signed in: no$'
like "myna status: what to do" "$out" '^Sign-in problem: .*myna login'
like "myna status: how" "$out" '^To sign in: myna login$'
is "the daemon said it once" "$(grep -c 'mynad warn: .*myna login' "$T/d2.log")" "1"
n=$(grep -c 'path=/v1/sync' "$T/bff.log")
sleep 1
is "and does not hammer the server" "$(grep -c 'path=/v1/sync' "$T/bff.log")" "$n"
ok "sign in once more" login_as demo
like "myna sync works again" "$(myna sync)" '^(Up to date|Synced: .*)$'
is "status: signed in" "$(status | jq -r .signed_in)" "true"
like "the daemon says so" "$(cat "$T/d2.log")" 'mynad info: signed in again'
ok "and holds a long-poll again" wait_for 5 sh -c "printf '%s\n' '{\"request\":\"status\"}' | socat -t 5 - UNIX-CONNECT:$sock | grep -q '\"long_poll\":true'"

# 3. The server goes away: back-off, said once.
kill -KILL "$BFF_PID"
wait "$BFF_PID" 2>/dev/null
ok "the daemon notices" wait_for 5 grep -q 'trying again in' "$T/d2.log"
like "and waits 15 to 30 seconds first" "$(grep -m1 'trying again in' "$T/d2.log")" \
	'mynad warn: cannot reach .*; trying again in (1[5-9]|2[0-9]|30) seconds$'
st=$(status)
is "status: one failure" "$(jq -r .failures <<<"$st")" "1"
like "status: what failed" "$(jq -r .last_error <<<"$st")" 'cannot reach'
like "status: when it tries again" "$(jq -r .retry_at <<<"$st")" '^20[0-9]{2}-'
like "myna status says it" "$(myna status)" '^Last sync failed: cannot reach .*; trying again '
like "myna sync says it" "$(myna sync 2>&1)" 'Sync failed: .*cannot reach'
n=$(grep -c 'mynad warn: cannot reach' "$T/d2.log")
like "myna sync again" "$(myna sync 2>&1)" 'Sync failed: .*cannot reach'
is "the same failure is not logged again" "$(grep -c 'mynad warn: cannot reach' "$T/d2.log")" "$n"

# 4. The server is back but rate-limits this client: Retry-After wins over
#    the back-off.
start_bff --rate-token 0.01/3
point_at_bff
myna sync >/dev/null 2>&1
myna sync >/dev/null 2>&1
out=$(myna sync 2>&1)
like "the server asks to wait" "$out" 'asks to wait [0-9]+ seconds'
wait_s=$(grep -oE 'asks to wait [0-9]+' <<<"$out" | grep -oE '[0-9]+$')
delay=$(grep 'Too Many Requests' "$T/d2.log" | tail -n1 | grep -oE 'trying again in [0-9]+' | grep -oE '[0-9]+$')
like "the daemon waits that long, not the 30-second back-off" "$delay" '^[0-9]+$'
ok "  ($delay >= $wait_s > 30)" test "${delay:-0}" -ge "$wait_s" -a "$wait_s" -gt 30
kill "$pid"
wait "$pid"
is "the daemon stops cleanly" "$?" "0"

done_testing
