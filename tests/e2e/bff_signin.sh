# Sign-in, completed: token revocation (RFC 7009), short-lived access
# tokens that expire, and the rate limits per client address and per token
# (429 with Retry-After), each against a real myna-bff.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib/bff.sh"

# revoke TOKEN [HINT]: POST /v1/token/revoke; prints the body, then the status.
revoke() {
	curl -sS -w '\n%{http_code}\n' --data-urlencode "token=$1" ${2:+--data-urlencode "token_type_hint=$2"} \
		"$BFF_URL/v1/token/revoke"
}
refresh() {
	curl -sS --data-urlencode grant_type=refresh_token --data-urlencode "refresh_token=$1" \
		"$BFF_URL/v1/token"
}
sync_code() { code GET /v1/sync -H "Authorization: Bearer $1"; }
# burst N URL [CURL ARGS...]: N requests from one curl on one connection;
# prints their status codes.
burst() {
	local n=$1 url=$2 args=() i
	shift 2
	for ((i = 0; i < n; i++)); do
		args+=(-o /dev/null "$url")
	done
	curl -sS -w '%{http_code} ' "$@" "${args[@]}"
}

# --- revocation -----------------------------------------------------------------------

start_bff
t=$(signin demo)
a=$(jq -r .access_token <<<"$t")
r=$(jq -r .refresh_token <<<"$t")
is "the access token works" "$(sync_code "$a")" 200
out=$(revoke "$a" access_token)
is "revoking the access token: 200" "$(tail -n1 <<<"$out")" 200
is "... with an empty body" "$(head -n1 <<<"$out")" ""
is "the access token no longer works" "$(sync_code "$a")" 401
t2=$(refresh "$r")
a2=$(jq -r .access_token <<<"$t2")
r2=$(jq -r .refresh_token <<<"$t2")
is "revoking an access token leaves its refresh token: it still refreshes" "$(sync_code "$a2")" 200
t3=$(signin demo)
a3=$(jq -r .access_token <<<"$t3")
is "revoking the refresh token (no hint): 200" "$(tail -n1 <<<"$(revoke "$r2")")" 200
is "its sign-in has ended: the refresh token is refused" "$(refresh "$r2" | jq -r .error)" invalid_grant
is "... and so is the access token it gave" "$(sync_code "$a2")" 401
is "another sign-in of the same resident goes on" "$(sync_code "$a3")" 200
is "a refresh token given the wrong hint is still found" \
	"$(tail -n1 <<<"$(revoke "$(jq -r .refresh_token <<<"$t3")" access_token)")/$(sync_code "$a3")" 200/401
is "an unknown token: 200 as well (RFC 7009 2.2)" "$(tail -n1 <<<"$(revoke 0123456789abcdef0123456789abcdef)")" 200
is "a token over 512 characters: 200, and nothing happens" "$(tail -n1 <<<"$(revoke "$(printf 'x%.0s' $(seq 600))")")" 200
out=$(curl -sS -w '\n%{http_code}\n' --data 'token_type_hint=access_token' "$BFF_URL/v1/token/revoke")
is "no token: 400 invalid_request" "$(tail -n1 <<<"$out") $(head -n1 <<<"$out" | jq -r .error)" "400 invalid_request"
is "a JSON body: 400" \
	"$(curl -sS -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' --data '{"token":"x"}' "$BFF_URL/v1/token/revoke")" 400
is "GET on the revocation endpoint: 405" "$(code GET /v1/token/revoke)" 405
is "the revocation answer is not to be cached" \
	"$(curl -sSi --data token=x "$BFF_URL/v1/token/revoke" | tr -d '\r' | grep -i '^cache-control:')" "Cache-Control: no-store"
like "revocations are logged" "$(cat "$T/bff.log")" 'revoked 1 token of user=demo'
kill -TERM "$BFF_PID"
wait "$BFF_PID"

# --- short-lived access tokens ---------------------------------------------------------

myna-bff --listen 127.0.0.1:0 --db "$T/short.db" --demo --device-interval 1 --access-expiry 4 2>"$T/short.log" &
short=$!
track "$short"
wait_for 10 grep -q 'listening on' "$T/short.log" || bail "the short-lived myna-bff did not start"
BFF_URL=$(grep -m1 -oE 'http://[^ ]+' "$T/short.log")
t=$(signin demo)
is "expires_in is the configured lifetime" "$(jq .expires_in <<<"$t")" 4
a=$(jq -r .access_token <<<"$t")
is "a fresh access token works" "$(sync_code "$a")" 200
# (a lifetime of a few seconds, so that a loaded machine is not too slow
# for the fresh token; then past it)
sleep 4.2
out=$(curl -sSi -H "Authorization: Bearer $a" "$BFF_URL/v1/sync" | tr -d '\r')
like "an expired access token: 401" "$(head -n1 <<<"$out")" ' 401'
like "... with error=invalid_token" "$out" 'WWW-Authenticate: Bearer realm="myna", error="invalid_token"'
is "the refresh token gives a new one" "$(sync_code "$(refresh "$(jq -r .refresh_token <<<"$t")" | jq -r .access_token)")" 200
kill -TERM "$short"
wait "$short"

# --- rate limits -------------------------------------------------------------------------
# One curl sends several requests at once on one connection, so that the
# bucket (3 at once, refilled one every 2 s) cannot refill in between.

myna-bff --listen 127.0.0.1:0 --db "$T/addr.db" --demo --rate-address 0.5/3 --rate-token off 2>"$T/addr.log" &
addr=$!
track "$addr"
wait_for 10 grep -q 'listening on' "$T/addr.log" || bail "the rate-limited myna-bff did not start"
BFF_URL=$(grep -m1 -oE 'http://[^ ]+' "$T/addr.log")
codes=$(burst 5 "$BFF_URL/healthz")
is "per address: 3 at once, then 429" "$codes" "200 200 200 429 429 "
out=$(curl -sSi "$BFF_URL/healthz" | tr -d '\r')
is "... with Retry-After in seconds" "$(sed -n 's/^Retry-After: //p' <<<"$out")" 2
like "... as a problem" "$(sed '1,/^$/d' <<<"$out" | jq -r '[.status, .detail] | join(" ")')" '^429 Too many requests from this address'
like "... of every route, even unknown ones" "$(curl -sS -o /dev/null -w '%{http_code}' "$BFF_URL/nowhere")" '^429$'
sleep 2.1
codes=$(burst 2 "$BFF_URL/healthz")
is "after Retry-After one more is let through" "$codes" "200 429 "
is "X-Forwarded-For is not trusted without --forwarded-for" \
	"$(curl -sS -o /dev/null -w '%{http_code}' -H 'X-Forwarded-For: 10.9.9.9' "$BFF_URL/healthz")" 429
sleep 2.1
out=$(curl -sS "$BFF_URL/metrics")
like "refusals are counted by limit" "$(grep 'rate_limited_total{limit="address"}' <<<"$out")" ' [1-9][0-9]*$'
kill -TERM "$addr"
wait "$addr"

myna-bff --listen 127.0.0.1:0 --db "$T/tok.db" --demo --device-interval 1 --rate-address off --rate-token 0.5/3 2>"$T/tok.log" &
tokserver=$!
track "$tokserver"
wait_for 10 grep -q 'listening on' "$T/tok.log" || bail "the token-limited myna-bff did not start"
BFF_URL=$(grep -m1 -oE 'http://[^ ]+' "$T/tok.log")
a=$(token demo)
b=$(token demo)
codes=$(burst 5 "$BFF_URL/v1/sync" -H "Authorization: Bearer $a")
is "per token: 3 at once, then 429" "$codes" "200 200 200 429 429 "
out=$(curl -sSi -H "Authorization: Bearer $a" "$BFF_URL/v1/sync" | tr -d '\r')
is "... with Retry-After" "$(sed -n 's/^Retry-After: //p' <<<"$out")" 2
like "... saying it is this token" "$(sed '1,/^$/d' <<<"$out" | jq -r .detail)" 'this access token'
is "another token of the same address goes on" "$(sync_code "$b")" 200
is "requests without a token are not counted against it" "$(code GET /healthz)" 200
is "the operator token is not limited" \
	"$(burst 5 "$BFF_URL/v1/admin/compact" -H "Authorization: Bearer $MYNA_BFF_ADMIN_TOKEN" --data '{}')" \
	"200 200 200 200 200 "
kill -TERM "$tokserver"
wait "$tokserver"

# Behind a reverse proxy on loopback, each client has its own bucket.
myna-bff --listen 127.0.0.1:0 --db "$T/proxy.db" --rate-address 0.5/2 --forwarded-for 2>"$T/proxy.log" &
proxy=$!
track "$proxy"
wait_for 10 grep -q 'listening on' "$T/proxy.log" || bail "the proxied myna-bff did not start"
BFF_URL=$(grep -m1 -oE 'http://[^ ]+' "$T/proxy.log")
is "--forwarded-for: one client behind the proxy is limited" \
	"$(burst 3 "$BFF_URL/healthz" -H 'X-Forwarded-For: 203.0.113.7, 10.0.0.1')" "200 200 429 "
is "... another is not" "$(burst 2 "$BFF_URL/healthz" -H 'X-Forwarded-For: 203.0.113.7, 10.0.0.2')" "200 200 "
is "... a malformed address counts as the proxy's own" "$(burst 3 "$BFF_URL/healthz" -H 'X-Forwarded-For: nonsense')" "200 200 429 "
kill -TERM "$proxy"
wait "$proxy"

is "bad limits are a usage error (exit 2)" \
	"$(myna-bff --listen 127.0.0.1:0 --db "$T/x.db" --rate-token 5/0 2>/dev/null; echo $?)" 2

done_testing
