# Secrets at rest and in logs.  The server keeps only SHA-256 hashes of
# device codes, access and refresh tokens (and of the operator token): the
# raw secrets are in none of its files (database, WAL, shared memory) nor
# in its log, while their hashes are (so the search itself is shown to
# work).  On the resident's side the tokens live only in the credentials
# file (0600, in a 0700 folder): not in the store, not in mynad's debug
# log, not on any command line.  A revoked sign-in makes the client say
# how to sign in again, and nothing else.
# (Revocation, expiry and rate limits as such: bff_signin.sh; which token
# opens which route: bff_authz.sh.)
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/fault/fault.sh"
db=$XDG_DATA_HOME/myna/myna.db
creds=$XDG_STATE_HOME/myna/credentials
GRANT=urn:ietf:params:oauth:grant-type:device_code
sha() { printf '%s' "$1" | sha256sum | cut -d' ' -f1; }
# in_files TEXT FILE...: TEXT occurs (as bytes) in one of the files.
in_files() {
	local t=$1 f
	shift
	for f in "$@"; do
		[ -e "$f" ] && LC_ALL=C grep -qaF -- "$t" "$f" && return 0
	done
	return 1
}
absent() { ! in_files "$@"; }

start_bff
MYNA_LOG=debug

# A sign-in by hand, so that every secret is known: the device code, two
# pairs of tokens (the second from a refresh).
dev=$(curl -sS --data client_id=myna "$BFF_URL/v1/device/code")
dcode=$(jq -r .device_code <<<"$dev")
ucode=$(jq -r .user_code <<<"$dev")
admin POST /v1/admin/device/approve "{\"user_code\":\"$ucode\",\"user\":\"demo\"}" >/dev/null
t1=$(curl -sS --data "grant_type=$GRANT&device_code=$dcode" "$BFF_URL/v1/token")
a1=$(jq -r .access_token <<<"$t1")
r1=$(jq -r .refresh_token <<<"$t1")
t2=$(curl -sS --data-urlencode grant_type=refresh_token --data-urlencode "refresh_token=$r1" "$BFF_URL/v1/token")
a2=$(jq -r .access_token <<<"$t2")
r2=$(jq -r .refresh_token <<<"$t2")
is "the access token works" "$(curl -sS -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $a2" "$BFF_URL/v1/sync")" "200"
# A client sign-in too, through myna login and mynad.
ok "myna login as demo" login_as demo
MYNA_LOG=debug nobus mynad --once 2>"$T/mynad.log"
is "mynad syncs" "$?" "0"
ma=$(sed -n 's/^access_token *= *//p' "$creds")
mr=$(sed -n 's/^refresh_token *= *//p' "$creds")
# Make the server write everything it holds to its files.
curl -sS -o /dev/null "$BFF_URL/healthz"
files=("$T/bff.db" "$T/bff.db-wal" "$T/bff.db-shm")
dumpfile=$T/bff.dump
sqlite3 "$T/bff.db" .dump >"$dumpfile"

for s in dcode a1 r1 a2 r2 ma mr; do
	v=${!s}
	ok "$s: a secret was issued" test ${#v} -ge 16
	ok "$s: not in the server's database files" absent "$v" "${files[@]}" "$dumpfile"
	ok "$s: not in the server's log" absent "$v" "$T/bff.log"
done
for s in a1 r1 a2 r2 ma mr; do
	v=${!s}
	ok "$s: its SHA-256 is what the server keeps" grep -qi "X'$(sha "$v")'" "$dumpfile"
done
ok "the device code's SHA-256 is kept instead of it" grep -qi "X'$(sha "$dcode")'" "$dumpfile"
ok "the operator token is in none of the server's files" absent "$MYNA_BFF_ADMIN_TOKEN" "${files[@]}" "$dumpfile" "$T/bff.log"

# The resident's side.
is "the credentials file is private (0600)" "$(stat -c %a "$creds")" "600"
is "in a private folder (0700)" "$(stat -c %a "$(dirname "$creds")")" "700"
ok "the store does not hold the tokens" absent "$ma" "$db" "$db-wal"
ok "nor the refresh token" absent "$mr" "$db" "$db-wal"
ok "mynad's debug log does not show them" absent "$ma" "$T/mynad.log"
ok "the login output does not show them" absent "$ma" "$T/login.log"
# While mynad runs, its command line and environment hold no token.
$NOBUS MYNA_LOG=debug mynad --foreground 2>"$T/d.log" &
pid=$!
track "$pid"
wait_for 10 grep -q 'synced' "$T/d.log"
ok "mynad's command line holds no token" absent "$ma" "/proc/$pid/cmdline"
ok "nor its environment" absent "$ma" "/proc/$pid/environ"
kill -TERM "$pid"
wait "$pid"

# Revoked: the whole sign-in ends, and the client says what to do.
curl -sS -o /dev/null --data-urlencode "token=$mr" --data token_type_hint=refresh_token "$BFF_URL/v1/token/revoke"
out=$(myna sync 2>&1); rc=$?
is "after revocation myna sync exits 1" "$rc" "1"
like "and says to sign in again" "$out" 'myna login'
nobus mynad --once 2>"$T/revoked.log"
is "mynad --once exits 1" "$?" "1"
like "and says to sign in again" "$(cat "$T/revoked.log")" 'myna login'
ok "the revoked tokens are not printed either" absent "$ma" "$T/revoked.log"
is "the store is sound" "$(integrity)" "ok"

done_testing
