# Hostile input at both ends.
#   - The client: SQL-injection and FTS-syntax strings, over-long and
#     invalid UTF-8 arguments in search, show, done, snooze and apply: a
#     clear answer or "not found", never a crash, never more than asked
#     for, and the store unchanged.
#   - The server: SQL-injection strings in path ids, query parameters and
#     JSON fields of resident and operator requests: 400/404/422, nothing
#     changed, the database sound.  Escapes and invalid UTF-8 posted by an
#     operator never come out of the feed.
# (Size caps of every server field, headers and bodies: bff_limits.sh.)
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/fault/fault.sh"
db=$XDG_DATA_HOME/myna/myna.db
counts() {
	sqlite3 "$db" "SELECT (SELECT count(*) FROM notices), (SELECT count(*) FROM deadlines),
		(SELECT count(*) FROM deadlines WHERE done = 1), (SELECT count(*) FROM snoozes),
		(SELECT count(*) FROM outbox), (SELECT count(*) FROM procedures)"
}

start_bff
ok "sign in as demo" login_as demo
myna sync >/dev/null || bail "sync failed"
store_before=$(store_dump)
c0=$(counts)

INJECT=(
	"x' OR '1'='1"
	"x' OR 1=1 --"
	"'; DROP TABLE notices; --"
	"\"); DROP TABLE deadlines; --"
	"x' UNION SELECT sql, sql, sql FROM sqlite_master --"
	'*'
	'"'
	'NEAR(a b'
	'a OR b'
	'title_ja:*'
	'%'
	'_'
	"$(printf 'x%.0s' $(seq 5000))"
	$'\xff\xfe\xc0\xaf'
	$'\x1b[2J\x1b]0;PWNED\x07'
	''
)
# sane RC: a normal exit (0, 1 or 2), not a signal or a sanitizer's.
sane() { [ "$1" -le 2 ]; }
total=$(sqlite3 "$db" 'SELECT count(*) FROM procedures')
n=0
for s in "${INJECT[@]}"; do
	n=$((n + 1))
	out=$(myna search "$s" --json 2>"$T/err"); rc=$?
	ok "search #$n: a normal exit ($rc)" sane "$rc"
	if [ "$rc" = 0 ]; then
		# A wildcard the query honoured would bring the whole
		# catalogue.
		got=$(jq 'length' <<<"$out" 2>/dev/null || echo bad)
		ok "search #$n: no catalogue dump ($got results)" test "$got" != bad -a "${got/bad/0}" -lt "$total"
	else
		ok "search #$n: says why" test -s "$T/err"
	fi
	ok "search #$n: its messages are clean" no_control "$T/err"
	for cmd in "show notice" "show deadline" "show application" "show procedure" "done" "snooze"; do
		extra=()
		[ "$cmd" = snooze ] && extra=(1d)
		# shellcheck disable=SC2086
		myna $cmd "$s" "${extra[@]}" >"$T/out" 2>&1
		rc=$?
		[ "$rc" -ne 0 ] && sane "$rc" && no_control "$T/out" >/dev/null ||
			echo "# $cmd #$n: exit $rc: $(head -c 200 "$T/out" | cat -v)" >>"$T/bad"
	done
done
is "show, done and snooze refused every one of them cleanly" "$(cat "$T/bad" 2>/dev/null)" ""
myna apply "x' OR '1'='1" --field "a'--=1" >"$T/apply.out" 2>&1
rc=$?
ok "apply with an injected procedure id: refused ($rc)" test "$rc" -ge 1 -a "$rc" -le 2
is "nothing was changed in the store" "$(counts)" "$c0"
is "the store is exactly as before" "$(store_dump)" "$store_before"
is "the store is sound" "$(integrity)" "ok"
# A real search still works, so the checks above could fail.
like "a real search finds a procedure" "$(myna search 転出 --json | jq -r '.[0].id')" 'tenshutsu'

# --- the server ------------------------------------------------------------
access=$(sed -n 's/^access_token *= *//p' "$XDG_STATE_HOME/myna/credentials")
code() { curl -sS -o /dev/null -w '%{http_code}' "$@"; }
ucode() { code -H "Authorization: Bearer $access" "$@"; }
acode() { code -H "Authorization: Bearer $MYNA_BFF_ADMIN_TOKEN" -H 'Content-Type: application/json' "$@"; }
bffq() { sqlite3 "$T/bff.db" "$1"; }
users0=$(bffq 'SELECT count(*) FROM users')
feed0=$(curl -sS -H "Authorization: Bearer $access" "$BFF_URL/v1/sync?limit=1000" | jq -S '.changes | map(.id) | sort')

is "cursor injection: 400" "$(ucode "$BFF_URL/v1/sync?cursor=%27%20OR%201%3D1%20--")" "400"
is "limit injection: 400" "$(ucode "$BFF_URL/v1/sync?limit=1;DROP%20TABLE%20users")" "400"
is "wait injection: 400" "$(ucode "$BFF_URL/v1/sync?wait=1%20OR%201")" "400"
is "application id injection: 404" "$(ucode "$BFF_URL/v1/applications/a-1%27%20OR%20%271%27%3D%271")" "404"
is "application id with a wildcard: 404" "$(ucode "$BFF_URL/v1/applications/%25")" "404"
for t in notices deadlines procedures records access-logs; do
	is "DELETE /v1/admin/$t/ with an injected id: 404" \
		"$(acode -X DELETE "$BFF_URL/v1/admin/$t/n-1%27%20OR%20%271%27%3D%271")" "404"
done
is "DELETE with a LIKE wildcard id: 404" "$(acode -X DELETE "$BFF_URL/v1/admin/notices/n-%25")" "404"
is "approve for an injected user: 404" \
	"$(acode -X POST --data '{"user_code":"BCDF-GHJK","user":"demo'"'"' OR '"'"'1'"'"'='"'"'1"}' "$BFF_URL/v1/admin/device/approve")" "404"
like "a user id with SQL in it: refused" \
	"$(acode -X POST --data '{"id":"x'"'"'); DROP TABLE users; --","municipality":"131016","name":"x"}' "$BFF_URL/v1/admin/users")" '^4(00|22)$'
is "a notice for an injected user: 422" \
	"$(acode -X POST --data '{"audience":{"user":"demo'"'"' OR 1=1 --"},"title":"t","body":"b","sender":"s"}' "$BFF_URL/v1/admin/notices")" "422"
is "a notice for an injected municipality: 422" \
	"$(acode -X POST --data '{"audience":{"municipality":"131016'"'"' OR 1=1"},"title":"t","body":"b","sender":"s"}' "$BFF_URL/v1/admin/notices")" "422"
is "an application for an injected procedure: 422" \
	"$(ucode -X POST -H 'Idempotency-Key: inj-1' -H 'Content-Type: application/json' --data '{"procedure":"x'"'"' OR '"'"'1'"'"'='"'"'1","answers":{}}' "$BFF_URL/v1/applications")" "422"
is "an Idempotency-Key with SQL in it is just a key" \
	"$(ucode -X POST -H "Idempotency-Key: k'OR'1'='1" -H 'Content-Type: application/json' --data '{"procedure":"x","answers":{}}' "$BFF_URL/v1/applications")" "422"
is "a device code with SQL in it: invalid_grant" \
	"$(curl -sS --data-urlencode grant_type=urn:ietf:params:oauth:grant-type:device_code --data-urlencode "device_code=' OR '1'='1" "$BFF_URL/v1/token" | jq -r .error)" "invalid_grant"
is "a refresh token with SQL in it: invalid_grant" \
	"$(curl -sS --data-urlencode grant_type=refresh_token --data-urlencode "refresh_token=x' OR 1=1 --" "$BFF_URL/v1/token" | jq -r .error)" "invalid_grant"
is "a bearer token with SQL in it: 401" "$(code -H "Authorization: Bearer x' OR '1'='1" "$BFF_URL/v1/sync")" "401"
is "no user was added or removed" "$(bffq 'SELECT count(*) FROM users')" "$users0"
is "the resident's feed holds the same items" \
	"$(curl -sS -H "Authorization: Bearer $access" "$BFF_URL/v1/sync?limit=1000" | jq -S '.changes | map(.id) | sort')" "$feed0"

# Invalid UTF-8 in an operator body: 400.  Escapes: cleaned before they
# are stored, so they never leave in the feed.
is "an operator body with invalid UTF-8: 400" \
	"$(acode -X POST --data-binary $'{"audience":"all","title":"bad\xff\xfe","body":"b","sender":"s"}' "$BFF_URL/v1/admin/notices")" "400"
is "a resident body with invalid UTF-8: 400" \
	"$(ucode -X POST -H 'Idempotency-Key: utf-1' -H 'Content-Type: application/json' --data-binary $'{"procedure":"x\xc0\xaf","answers":{}}' "$BFF_URL/v1/applications")" "400"
out=$(acode -X POST --data '{"audience":{"user":"demo"},"title":"esc\u001b]0;PWNED\u0007\u001b[31mtitle\u009b2J\u202e","body":"line\u001b[2J\r\nnext\u0000\u0007","sender":"op\u001bP1|x\u001b\\erator"}' "$BFF_URL/v1/admin/notices")
is "an operator notice full of escapes: 201" "$out" "201"
curl -sS -H "Authorization: Bearer $access" "$BFF_URL/v1/sync?limit=1000" |
	jq -r '.changes[] | select(.type == "notice") | .data | [.title.ja, .body.ja, .sender.ja] | .[]' >"$T/feed.txt"
ok "the feed's notice texts hold no control character" no_control "$T/feed.txt"
ok "and none of the escapes' contents" test -z "$(grep -aE 'PWNED' "$T/feed.txt")"
ok "the visible text is kept" grep -q '^esctitle$' "$T/feed.txt"

# Parameter pollution and content types.
is "a form field given twice: 400 invalid_request" \
	"$(curl -sS --data 'grant_type=refresh_token&grant_type=refresh_token&refresh_token=x' "$BFF_URL/v1/token" | jq -r .error)" "invalid_request"
is "a form body sent as JSON: 400 invalid_request" \
	"$(curl -sS -H 'Content-Type: application/json' --data '{"client_id":"myna"}' "$BFF_URL/v1/device/code" | jq -r .error)" "invalid_request"

# Path traversal, header and log injection, reflected markup, headers
# that tell too much.
is "an application id with ../: 404" "$(ucode "$BFF_URL/v1/applications/..%2F..%2F..%2Fetc%2Fpasswd")" "404"
is "a path with ../ segments: 404" "$(code --path-as-is "$BFF_URL/v1/../../etc/passwd")" "404"
curl -sS -D "$T/inj.h" -o /dev/null -H "Authorization: Bearer $access" \
	"$BFF_URL/v1/applications/a-1%0d%0aSet-Cookie:%20x=1%0d%0aX-Evil:%201"
ok "CR LF in a path puts no header into the answer" test -z "$(grep -aiE '^(Set-Cookie|X-Evil):' "$T/inj.h")"
nreq=$(grep -c 'request method=' "$T/bff.log")
curl -sS -o /dev/null "$BFF_URL/v1/%1b%5b2J%1b%5d0;PWNED%07%0a2030-01-01T00:00:00+09:00%20myna-bff%20info:%20forged"
logged() { [ "$(grep -c 'request method=' "$T/bff.log")" -gt "$nreq" ]; }
wait_for 5 logged
ok "escapes and line breaks in a path do not reach the server's log" no_control "$T/bff.log"
ok "nor forge a log line" test -z "$(grep -a '^2030-01-01T00:00:00+09:00 myna-bff info: forged' "$T/bff.log")"
page=$(curl -sS "$BFF_URL/device?user_code=%22%3E%3Cscript%3Ealert(1)%3C/script%3E")
ok "the demo page does not reflect markup" test -z "$(grep -aiF '<script>alert(1)' <<<"$page")"
like "the demo page forbids framing and scripts" "$(curl -sS -D - -o /dev/null "$BFF_URL/device" | tr -d '\r')" \
	"Content-Security-Policy: default-src 'none'.*frame-ancestors 'none'"
hdrs=$(curl -sS -D - -o /dev/null -H 'Origin: https://evil.example' -H "Authorization: Bearer $access" "$BFF_URL/v1/sync" | tr -d '\r')
ok "no Server or X-Powered-By header tells the software" test -z "$(grep -iE '^(Server|X-Powered-By):' <<<"$hdrs")"
ok "no CORS header lets another origin read answers" test -z "$(grep -i '^Access-Control-Allow' <<<"$hdrs")"
like "answers are not to be cached" "$hdrs" 'Cache-Control: no-store'
like "nor sniffed" "$hdrs" 'X-Content-Type-Options: nosniff'
is "the server's database is sound" "$(bffq 'PRAGMA integrity_check')" "ok"

done_testing
