# myna-bff on its own, end to end with curl and jq: start-up, sign-in by
# the device grant (RFC 8628) and refresh rotation, the change feed with
# paging and per-user isolation, the operator endpoints and their checks,
# malformed requests, and a clean stop on SIGTERM.
. "$(dirname "$0")/../lib.sh"

GRANT=urn:ietf:params:oauth:grant-type:device_code

# poll DEVICE_CODE [URL]: one token request; prints the body.
poll() {
	curl -sS --data-urlencode "grant_type=$GRANT" --data-urlencode "device_code=$1" "${2:-$BFF_URL}/v1/token"
}

# signin USER: a whole device flow approved by the operator; prints the
# token response.
signin() {
	local dc code
	dc=$(curl -sS -X POST "$BFF_URL/v1/device/code")
	code=$(jq -r .user_code <<<"$dc")
	admin POST /v1/admin/device/approve "{\"user_code\":\"$code\",\"user\":\"$1\"}" >/dev/null
	poll "$(jq -r .device_code <<<"$dc")"
}

# sync TOKEN QUERY: GET /v1/sync?QUERY; prints the body.
sync_feed() {
	curl -sS -H "Authorization: Bearer $1" "$BFF_URL/v1/sync?$2"
}

# status METHOD PATH [CURL ARGS...]: prints only the status code.
status() {
	local m=$1 p=$2; shift 2
	curl -sS -o /dev/null -w '%{http_code}' -X "$m" "$@" "$BFF_URL$p"
}

# follow TOKEN CURSOR LIMIT: follows the feed to its end; prints one JSON
# object {pages, ids, sizes, cursor}.
follow() {
	local tok=$1 cursor=$2 limit=$3 page pages=0 ids='[]' sizes='[]' more=true
	while [ "$more" = true ]; do
		page=$(sync_feed "$tok" "limit=$limit${cursor:+&cursor=$cursor}")
		pages=$((pages + 1))
		ids=$(jq -c --argjson a "$ids" '$a + [.changes[].id]' <<<"$page")
		sizes=$(jq -c --argjson a "$sizes" '$a + [.changes | length]' <<<"$page")
		cursor=$(jq -r .cursor <<<"$page")
		more=$(jq -r .has_more <<<"$page")
		[ $pages -gt 100 ] && break
	done
	jq -nc --argjson ids "$ids" --argjson sizes "$sizes" --arg c "$cursor" --argjson p $pages \
		'{pages: $p, ids: $ids, sizes: $sizes, cursor: $c}'
}

# --- the command line ------------------------------------------------------

myna-bff --help >"$T/help.out" 2>&1
is "--help exits 0" "$?" 0
like "--help names every option" "$(cat "$T/help.out")" '--listen HOST:PORT.*--db PATH'
like "--version prints the version" "$(myna-bff --version 2>&1)" '^myna-bff [0-9]'
myna-bff --db "$T/x.db" 2>"$T/usage.err"
is "a missing --listen is a usage error (exit 2)" "$?" 2
like "the usage error says what is missing" "$(cat "$T/usage.err")" 'listen'
myna-bff --listen nonsense --db "$T/x.db" 2>/dev/null
is "a malformed --listen is a usage error (exit 2)" "$?" 2
myna-bff --listen 127.0.0.1:0 --db "$T/x.db" --device-interval 0 2>/dev/null
is "--device-interval 0 is a usage error (exit 2)" "$?" 2

# --- start-up --------------------------------------------------------------

# A 5-second interval, so that two polls in a row are surely too fast.
start_bff --device-interval 5
like "the start-up line is exact" "$(grep -m1 listening "$T/bff.log")" '^listening on http://127\.0\.0\.1:[1-9][0-9]*$'
is "GET /healthz answers ok" "$(curl -sS "$BFF_URL/healthz")" "ok"
is "an unknown path is 404" "$(status GET /nowhere)" 404
is "a wrong method is 405" "$(status DELETE /v1/sync)" 405
like "405 names the allowed methods" "$(curl -sSi -X DELETE "$BFF_URL/v1/sync" | tr -d '\r')" $'\nAllow: GET, HEAD'
like "the demo verification page is served" "$(curl -sS "$BFF_URL/device?user_code=bcdf-ghjk")" 'value="BCDF-GHJK"'

# --- sign-in: device grant -------------------------------------------------

dc=$(curl -sS -X POST --data 'client_id=myna' "$BFF_URL/v1/device/code")
like "device code: user code is XXXX-XXXX from the no-vowel alphabet" "$(jq -r .user_code <<<"$dc")" '^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$'
like "device code: 128-bit device code" "$(jq -r .device_code <<<"$dc")" '^[0-9a-f]{32}$'
is "device code: expires_in 600 and the configured interval" "$(jq -c '[.expires_in, .interval]' <<<"$dc")" "[600,5]"
is "device code: verification URIs point at this server" \
	"$(jq -r '.verification_uri + " " + .verification_uri_complete' <<<"$dc")" \
	"$BFF_URL/device $BFF_URL/device?user_code=$(jq -r .user_code <<<"$dc")"
dcode=$(jq -r .device_code <<<"$dc")
is "first poll: authorization_pending" "$(poll "$dcode" | jq -r .error)" authorization_pending
is "an immediate second poll: slow_down" "$(poll "$dcode" | jq -r .error)" slow_down
is "an unknown device code: invalid_grant" "$(poll 0123456789abcdef0123456789abcdef | jq -r .error)" invalid_grant
is "a missing grant_type: invalid_request" \
	"$(curl -sS --data 'device_code=x' "$BFF_URL/v1/token" | jq -r .error)" invalid_request
is "an unknown grant_type: unsupported_grant_type" \
	"$(curl -sS --data 'grant_type=password&username=a' "$BFF_URL/v1/token" | jq -r .error)" unsupported_grant_type
is "which names the grant types to use" \
	"$(curl -sS --data 'grant_type=password' "$BFF_URL/v1/token" | jq -r .error_description)" \
	"Use grant_type urn:ietf:params:oauth:grant-type:device_code or refresh_token."
is "a repeated parameter: invalid_request" \
	"$(curl -sS --data "grant_type=$GRANT&device_code=a&device_code=b" "$BFF_URL/v1/token" | jq -r .error)" invalid_request

dc=$(curl -sS -X POST "$BFF_URL/v1/device/code")
dcode=$(jq -r .device_code <<<"$dc")
ucode=$(jq -r .user_code <<<"$dc")
out=$(admin POST /v1/admin/device/approve "{\"user_code\":\"$ucode\",\"user\":\"nobody\"}")
is "approving for an unknown user: 404" "$(tail -n1 <<<"$out")" 404
out=$(admin POST /v1/admin/device/approve '{"user_code":"BBBB-BBBB","user":"demo"}')
is "approving an unknown user code: 404" "$(tail -n1 <<<"$out")" 404
# Typed as a person might: lower case, no dash.
typed=$(tr 'A-Z' 'a-z' <<<"${ucode/-/}")
out=$(admin POST /v1/admin/device/approve "{\"user_code\":\"$typed\",\"user\":\"demo\"}")
is "approval accepts the code in lower case without its dash" "$(head -n1 <<<"$out")" '{"status":"approved"}'
out=$(admin POST /v1/admin/device/approve "{\"user_code\":\"$ucode\",\"user\":\"demo\"}")
is "approving the same code again: 409" "$(tail -n1 <<<"$out")" 409
tokens=$(poll "$dcode")
like "the approved code gives an access token" "$(jq -r .access_token <<<"$tokens")" '^[0-9a-f]{32}$'
is "token response: Bearer, 3600 s, with a refresh token" \
	"$(jq -c '[.token_type, .expires_in, (.refresh_token | test("^[0-9a-f]{32}$"))]' <<<"$tokens")" '["Bearer",3600,true]'
is "the device code works only once: invalid_grant" "$(poll "$dcode" | jq -r .error)" invalid_grant
is "the token answer is not to be cached" \
	"$(curl -sSi --data "grant_type=$GRANT&device_code=$dcode" "$BFF_URL/v1/token" | tr -d '\r' | grep -i '^cache-control:')" \
	"Cache-Control: no-store"

dc=$(curl -sS -X POST "$BFF_URL/v1/device/code")
page=$(curl -sS -w '\n%{http_code}' --data "user_code=$(jq -r .user_code <<<"$dc")&user=demo2&action=approve" "$BFF_URL/device")
is "the demo page approves a code" "$(tail -n1 <<<"$page")" 200
like "... and says so" "$page" 'Approved'
is "... which then gives tokens" "$(poll "$(jq -r .device_code <<<"$dc")" | jq -r .token_type)" Bearer
is "the demo page refuses an unknown code" \
	"$(status POST /device --data 'user_code=BBBB-BBBB&user=demo&action=approve')" 404

dc=$(curl -sS -X POST "$BFF_URL/v1/device/code")
out=$(admin POST /v1/admin/device/deny "{\"user_code\":\"$(jq -r .user_code <<<"$dc")\"}")
is "the operator can deny a code" "$(head -n1 <<<"$out")" '{"status":"denied"}'
is "a denied code: access_denied" "$(poll "$(jq -r .device_code <<<"$dc")" | jq -r .error)" access_denied

# --- tokens: refresh rotation, and which token works where -----------------

t1=$(signin demo)
a1=$(jq -r .access_token <<<"$t1")
r1=$(jq -r .refresh_token <<<"$t1")
is "the access token opens the feed" "$(status GET /v1/sync -H "Authorization: Bearer $a1")" 200
t2=$(curl -sS --data-urlencode grant_type=refresh_token --data-urlencode "refresh_token=$r1" "$BFF_URL/v1/token")
a2=$(jq -r .access_token <<<"$t2")
r2=$(jq -r .refresh_token <<<"$t2")
like "refresh gives a new access token" "$a2" '^[0-9a-f]{32}$'
ok "refresh rotates both tokens" test "$a2" != "$a1" -a "$r2" != "$r1" -a -n "$r2" -a "$r2" != null
is "the new access token works" "$(status GET /v1/sync -H "Authorization: Bearer $a2")" 200
is "the spent refresh token is refused: invalid_grant" \
	"$(curl -sS --data "grant_type=refresh_token&refresh_token=$r1" "$BFF_URL/v1/token" | jq -r .error)" invalid_grant
is "reuse of a spent refresh token ends the sign-in: the newer refresh token is refused" \
	"$(curl -sS --data "grant_type=refresh_token&refresh_token=$r2" "$BFF_URL/v1/token" | jq -r .error)" invalid_grant
is "... and so is the newer access token" "$(status GET /v1/sync -H "Authorization: Bearer $a2")" 401

tok=$(signin demo | jq -r .access_token)
tok2=$(signin demo2 | jq -r .access_token)
like "demo2 can sign in too" "$tok2" '^[0-9a-f]{32}$'
is "no token: 401" "$(status GET /v1/sync)" 401
like "401 carries WWW-Authenticate: Bearer" "$(curl -sSi "$BFF_URL/v1/sync" | tr -d '\r')" $'\nWWW-Authenticate: Bearer realm="myna"\n'
like "a Bearer token that is not well formed: invalid_token" \
	"$(curl -sSi -H 'Authorization: Bearer not%a*token' "$BFF_URL/v1/sync" | tr -d '\r')" \
	$'\nWWW-Authenticate: Bearer realm="myna", error="invalid_token"'
like "another scheme is no token: no error code" \
	"$(curl -sSi -H "Authorization: Basic $tok" "$BFF_URL/v1/sync" | tr -d '\r')" \
	$'\nWWW-Authenticate: Bearer realm="myna"\n'
is "a wrong token: 401" "$(status GET /v1/sync -H 'Authorization: Bearer 0123456789abcdef0123456789abcdef')" 401
is "a malformed Authorization header: 401" "$(status GET /v1/sync -H "Authorization: Basic $tok")" 401
is "the admin token is not a user token" "$(status GET /v1/sync -H "Authorization: Bearer $MYNA_BFF_ADMIN_TOKEN")" 401
is "a user token is not the admin token" \
	"$(status POST /v1/admin/notices -H "Authorization: Bearer $tok" --data '{}')" 401
is "no token on an admin endpoint: 401" "$(status POST /v1/admin/notices --data '{}')" 401

# --- the change feed -------------------------------------------------------

feed=$(sync_feed "$tok" "limit=1000")
like "the whole feed fits one page" "$(jq -r .has_more <<<"$feed")" '^false$'
nd=$(jq '[.changes[] | select(.type == "deadline" and .op == "upsert")] | length' <<<"$feed")
nn=$(jq '[.changes[] | select(.type == "notice" and .op == "upsert")] | length' <<<"$feed")
ok "demo has at least 10 deadlines ($nd)" test "$nd" -ge 10
ok "demo has at least 10 notices ($nn)" test "$nn" -ge 10
is "every change has type, id and op upsert with data" \
	"$(jq '[.changes[] | select((.id | test("^([ndarl]-[0-9]+|([0-9]{6}:)?[a-z-]+)$")) and .op == "upsert" and (.data | type) == "object")] | length' <<<"$feed")" \
	"$(jq '.changes | length' <<<"$feed")"
is "every deadline has ja and en titles, a +09:00 due date and a procedure" \
	"$(jq '[.changes[] | select(.type == "deadline") | .data
		| select((.title.ja | length) > 0 and (.title.en | length) > 0
			and (.due | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\+09:00$"))
			and (.procedure == null or (.procedure | test("^(131016:)?[a-z-]+$"))))] | length' <<<"$feed")" "$nd"
procs=$(jq -c '[.changes[] | select(.type == "procedure") | .id]' <<<"$feed")
is "every deadline's procedure is in demo's catalogue" \
	"$(jq --argjson p "$procs" '[.changes[] | select(.type == "deadline" and .data.procedure != null) | .data.procedure | select(. as $x | $p | index($x) | not)]' <<<"$feed" | jq -c .)" '[]'
is "every notice has title, body and sender in ja and en, and a +09:00 publication time" \
	"$(jq '[.changes[] | select(.type == "notice") | .data
		| select(([.title, .body, .sender] | all((.ja | length) > 0 and (.en | length) > 0)) and
			(.published | test("\\+09:00$")))] | length' <<<"$feed")" "$nn"
now=$(date +%s)
dues=$(jq -c '[.changes[] | select(.type == "deadline") | .data.due | sub("\\+09:00$"; "Z") | fromdateiso8601 - 32400]' <<<"$feed")
ok "some deadlines are overdue" test "$(jq --argjson n "$now" '[.[] | select(. < $n)] | length' <<<"$dues")" -ge 2
ok "several deadlines fall within the next 7 days" \
	test "$(jq --argjson n "$now" '[.[] | select(. >= $n and . < $n + 7 * 86400)] | length' <<<"$dues")" -ge 3
ok "some deadlines are more than a month away" \
	test "$(jq --argjson n "$now" '[.[] | select(. > $n + 31 * 86400)] | length' <<<"$dues")" -ge 2
ok "the notices include Japanese text" grep -q '国民年金' <<<"$feed"
ids_all=$(jq -c '[.changes[].id] | sort' <<<"$feed")

paged=$(follow "$tok" "" 3)
is "paging by 3 returns the same items" "$(jq -c '.ids | sort' <<<"$paged")" "$ids_all"
is "paging by 3 has no duplicates" "$(jq '.ids | length == (unique | length)' <<<"$paged")" true
is "every page holds at most 3 changes" "$(jq '[.sizes[] | select(. > 3)] | length' <<<"$paged")" 0
is "pages needed: ceil(items / 3)" "$(jq '.pages' <<<"$paged")" "$(( ($(jq length <<<"$ids_all") + 2) / 3 ))"
cursor=$(jq -r .cursor <<<"$paged")
is "the final cursor gives no changes" "$(sync_feed "$tok" "cursor=$cursor" | jq -c '[.changes, .has_more]')" '[[],false]'
etag=$(curl -sSi -H "Authorization: Bearer $tok" "$BFF_URL/v1/sync?cursor=$cursor" | tr -d '\r' | sed -n 's/^ETag: //p')
like "sync answers carry an ETag" "$etag" '^"[0-9a-f]{32}"$'
is "If-None-Match with that ETag: 304" \
	"$(status GET "/v1/sync?cursor=$cursor" -H "Authorization: Bearer $tok" -H "If-None-Match: $etag")" 304
like "gzip when asked" "$(curl -sS -D - -o "$T/gz" -H 'Accept-Encoding: gzip' -H "Authorization: Bearer $tok" \
	"$BFF_URL/v1/sync" | tr -d '\r')" $'\nContent-Encoding: gzip'
is "the gzip body is the same feed" "$(gzip -dc "$T/gz" | jq -c '[.changes[].id] | sort')" "$ids_all"
is "a malformed cursor: 400 problem" "$(status GET '/v1/sync?cursor=bogus' -H "Authorization: Bearer $tok")" 400
is "a cursor this server never gave: 410" "$(status GET '/v1/sync?cursor=s999999' -H "Authorization: Bearer $tok")" 410
is "limit 0: 400" "$(status GET '/v1/sync?limit=0' -H "Authorization: Bearer $tok")" 400
is "limit 1001: 400" "$(status GET '/v1/sync?limit=1001' -H "Authorization: Bearer $tok")" 400

# --- isolation between residents ------------------------------------------

feed2=$(sync_feed "$tok2" "limit=1000")
ids2=$(jq -c '[.changes[].id] | sort' <<<"$feed2")
shared=$(jq -c --argjson a "$ids_all" '[.[] | select(. as $i | $a | index($i))]' <<<"$ids2")
all_ids=$(jq -c '[.changes[] | select(.data.title.en == "Mynaportal maintenance" or (.type == "procedure" and .data.municipality == null)) | .id] | sort' <<<"$feed")
is "demo and demo2 share only the notice and the national procedures to everyone" "$shared" "$all_ids"
is "that notice and the four national procedures exist" "$(jq length <<<"$all_ids")" 5
ok "demo2 has a deadline of its own" test "$(jq '[.changes[] | select(.type == "deadline")] | length' <<<"$feed2")" -ge 1
ok "demo2 has a notice of its own" test "$(jq '[.changes[] | select(.type == "notice")] | length' <<<"$feed2")" -ge 2
c1=$(jq -r .cursor <<<"$feed")
c2=$(jq -r .cursor <<<"$feed2")

out=$(admin POST /v1/admin/notices '{"audience":{"municipality":"271004"},"title":{"ja":"大阪市からのお知らせ","en":"From Osaka City"},"body":{"ja":"本文","en":"Body"},"sender":{"ja":"大阪市役所","en":"Osaka City Office"}}')
is "a notice to a municipality: 201" "$(tail -n1 <<<"$out")" 201
nid=$(head -n1 <<<"$out" | jq -r .id)
like "its id is n-N" "$nid" '^n-[0-9]+$'
is "a resident there sees it" "$(sync_feed "$tok2" "cursor=$c2" | jq -c '[.changes[].id]')" "[\"$nid\"]"
is "a resident elsewhere does not" "$(sync_feed "$tok" "cursor=$c1" | jq -c '[.changes[].id]')" "[]"

out=$(admin POST /v1/admin/notices '{"audience":{"user":"demo"},"title":"\u001b[31mRED\u001b[0m \u001b]0;owned\u0007title\u0000","body":{"ja":"一行目\r\n二行目\u001b[2J"},"sender":"テスト"}')
is "a notice with escape sequences is accepted" "$(tail -n1 <<<"$out")" 201
eid=$(head -n1 <<<"$out" | jq -r .id)
esc=$(sync_feed "$tok" "cursor=$c1" | jq -c --arg id "$eid" '.changes[] | select(.id == $id) | .data')
is "escape sequences are stripped from the title" "$(jq -r .title.ja <<<"$esc")" "RED title"
is "the body keeps its line break, without the escape" "$(jq -c .body.ja <<<"$esc")" '"一行目\n二行目"'
is "demo2 does not see demo's notice" "$(sync_feed "$tok2" "cursor=$c2" | jq -c '[.changes[].id]')" "[\"$nid\"]"

out=$(admin POST /v1/admin/deadlines '{"user":"demo2","title":{"ja":"テスト期限","en":"Test deadline"},"due":"2030-01-31T15:00:00Z","procedure":null}')
is "a deadline: 201" "$(tail -n1 <<<"$out")" 201
did=$(head -n1 <<<"$out" | jq -r .id)
got=$(sync_feed "$tok2" "cursor=$c2" | jq -c --arg id "$did" '.changes[] | select(.id == $id) | .data')
is "the deadline reaches demo2 with its due time in +09:00" "$(jq -c '[.due, .procedure]' <<<"$got")" '["2030-02-01T00:00:00+09:00",null]'
is "deleting it: 204" "$(tail -n1 <<<"$(admin DELETE "/v1/admin/deadlines/$did")")" 204
is "the feed then says delete, without data" \
	"$(sync_feed "$tok2" "cursor=$c2" | jq -c --arg id "$did" '[.changes[] | select(.id == $id) | [.op, has("data")]]')" '[["delete",false]]'
is "deleting it again: 404" "$(tail -n1 <<<"$(admin DELETE "/v1/admin/deadlines/$did")")" 404

# --- operator input checks -------------------------------------------------

problem() { tail -n1 <<<"$1"; }
out=$(admin POST /v1/admin/notices '{"audience":{"municipality":"271005"},"title":"t","body":"b","sender":"s"}')
is "a municipality code whose check digit fails: 422" "$(problem "$out")" 422
like "the problem says why" "$(head -n1 <<<"$out")" 'check digit'
is "a municipality code that is not 6 digits: 422" \
	"$(problem "$(admin POST /v1/admin/notices '{"audience":{"municipality":"13101"},"title":"t","body":"b","sender":"s"}')")" 422
is "an unknown user as audience: 422" \
	"$(problem "$(admin POST /v1/admin/notices '{"audience":{"user":"nobody"},"title":"t","body":"b","sender":"s"}')")" 422
is "an audience that is neither: 400" \
	"$(problem "$(admin POST /v1/admin/notices '{"audience":"some","title":"t","body":"b","sender":"s"}')")" 400
is "a title without ja: 400" \
	"$(problem "$(admin POST /v1/admin/notices '{"audience":"all","title":{"en":"t"},"body":"b","sender":"s"}')")" 400
is "an unknown field: 400" \
	"$(problem "$(admin POST /v1/admin/notices '{"audience":"all","title":"t","body":"b","sender":"s","colour":"red"}')")" 400
is "a due date that is not RFC 3339: 422" \
	"$(problem "$(admin POST /v1/admin/deadlines '{"user":"demo","title":"t","due":"next week"}')")" 422
out=$(admin POST /v1/admin/notices '{"audience": "all", "title": ')
is "malformed JSON: 400" "$(problem "$out")" 400
is "... as a problem document" "$(head -n1 <<<"$out" | jq -c '[.status, .type, (.detail | length > 0)]')" '[400,"about:blank",true]'
like "... served as application/problem+json" \
	"$(curl -sSi -H "Authorization: Bearer $MYNA_BFF_ADMIN_TOKEN" --data '{' "$BFF_URL/v1/admin/notices" | tr -d '\r')" \
	$'\nContent-Type: application/problem+json'
printf '{"audience":"all","title":"\xff\xfe","body":"b","sender":"s"}' >"$T/bad-utf8"
is "invalid UTF-8: 400" "$(status POST /v1/admin/notices -H "Authorization: Bearer $MYNA_BFF_ADMIN_TOKEN" --data-binary @"$T/bad-utf8")" 400
head -c 70000 /dev/zero | tr '\0' 'a' >"$T/big"
is "a body over 64 KiB: 413" "$(status POST /v1/admin/notices -H "Authorization: Bearer $MYNA_BFF_ADMIN_TOKEN" --data-binary @"$T/big")" 413
is "a body over 64 KiB sent chunked: 413" \
	"$(status POST /v1/admin/notices -H "Authorization: Bearer $MYNA_BFF_ADMIN_TOKEN" -H 'Transfer-Encoding: chunked' --data-binary @"$T/big")" 413
is "the server keeps serving" "$(curl -sS "$BFF_URL/healthz")" ok

is "a new resident: 201" "$(problem "$(admin POST /v1/admin/users '{"id":"sato","municipality":"011002","name":"佐藤"}')")" 201
is "the same id again: 409" "$(problem "$(admin POST /v1/admin/users '{"id":"sato","municipality":"011002","name":"佐藤"}')")" 409
is "a resident with a bad municipality code: 422" \
	"$(problem "$(admin POST /v1/admin/users '{"id":"kato","municipality":"011003","name":"加藤"}')")" 422
# Pages also stop at about 4 MiB of data, below the client's 8 MiB cap.
big=$(head -c 16000 /dev/zero | tr '\0' 'x')
printf '{"audience":{"user":"sato"},"title":"big","body":{"ja":"%s","en":"%s"},"sender":"s"}' "$big" "$big" >"$T/big-notice"
for i in $(seq 140); do
	curl -sS -o /dev/null -H "Authorization: Bearer $MYNA_BFF_ADMIN_TOKEN" --data-binary @"$T/big-notice" "$BFF_URL/v1/admin/notices"
done
tok3=$(signin sato | jq -r .access_token)
page=$(sync_feed "$tok3" "limit=1000")
ok "a page of large items stops early, under 5 MB" test "$(wc -c <<<"$page")" -lt 5000000
is "... and says there is more" "$(jq .has_more <<<"$page")" true
is "following it gives all 140 items and the items to everyone" "$(follow "$tok3" "" 1000 | jq '.ids | length')" $((140 + $(jq length <<<"$all_ids")))

like "the request log has one line per request" "$(grep -c 'request method=' "$T/bff.log")" '^[0-9]{2,}$'
like "a log line names method, path, status and duration" "$(grep -m1 'path=/healthz' "$T/bff.log")" 'method=GET path=/healthz status=200 duration_ms=[0-9.]+'
kill -TERM "$BFF_PID"
wait "$BFF_PID"
is "after all that, SIGTERM stops the server with status 0" "$?" 0

# --- a second server: expiry, token file, no re-seeding, SIGTERM -------------

printf '  file-token-%s\n' "$RANDOM$RANDOM$RANDOM" >"$T/admin-token"
chmod 600 "$T/admin-token"
file_token=$(tr -d ' \n' <"$T/admin-token")
myna-bff --listen 127.0.0.1:0 --db "$T/two.db" --demo --device-interval 1 --device-expiry 1 \
	--admin-token-file "$T/admin-token" 2>"$T/two.log" &
two=$!
track "$two"
wait_for 10 grep -q 'listening on' "$T/two.log" || bail "the second myna-bff did not start"
URL2=$(grep -m1 -oE 'http://[^ ]+' "$T/two.log")
is "the token file wins over the environment (env token refused)" \
	"$(curl -sS -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $MYNA_BFF_ADMIN_TOKEN" --data '{}' "$URL2/v1/admin/notices")" 401
is "the token file's token works" \
	"$(curl -sS -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $file_token" --data '{"audience":"all","title":"t","body":"b","sender":"s"}' "$URL2/v1/admin/notices")" 201
dc=$(curl -sS -X POST "$URL2/v1/device/code")
sleep 1.2
is "an expired device code: expired_token" "$(poll "$(jq -r .device_code <<<"$dc")" "$URL2" | jq -r .error)" expired_token
is "an expired code cannot be approved: 404" \
	"$(curl -sS -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $file_token" \
		--data "{\"user_code\":\"$(jq -r .user_code <<<"$dc")\",\"user\":\"demo\"}" "$URL2/v1/admin/device/approve")" 404
# A request in flight when SIGTERM comes still gets its answer: an upload
# throttled to about 2 s, and SIGTERM as soon as it has begun.
printf '{"audience":"all","title":"t","body":"%s","sender":"s"}' "$(head -c 4000 /dev/zero | tr '\0' x)" >"$T/slow"
curl -sS -o /dev/null -w '%{http_code}' --limit-rate 2k -H "Authorization: Bearer $file_token" \
	--data-binary @"$T/slow" "$URL2/v1/admin/notices" >"$T/slow.status" &
slow=$!
sleep 0.3
items=$(( $(curl -sS "$URL2/metrics" | sed -n 's/^myna_bff_feed_items //p') + 1 ))
kill -TERM "$two"
ok "after SIGTERM no new connection is accepted" wait_for 5 eval "! curl -sS -o /dev/null '$URL2/healthz'"
wait "$slow"
is "the request in flight got its answer" "$(cat "$T/slow.status")" 201
wait "$two"
is "SIGTERM: exit status 0" "$?" 0
like "SIGTERM is logged" "$(cat "$T/two.log")" 'SIGTERM: stopping'
myna-bff --listen 127.0.0.1:0 --db "$T/two.db" --demo 2>"$T/three.log" &
three=$!
track "$three"
wait_for 10 grep -q 'listening on' "$T/three.log" || bail "the third myna-bff did not start"
URL3=$(grep -m1 -oE 'http://[^ ]+' "$T/three.log")
is "--demo on a database with data adds nothing" "$(curl -sS "$URL3/metrics" | sed -n 's/^myna_bff_feed_items //p')" "$items"
kill -TERM "$three"
wait "$three"

env -u MYNA_BFF_ADMIN_TOKEN myna-bff --listen 127.0.0.1:0 --db "$T/four.db" 2>"$T/four.log" &
four=$!
track "$four"
wait_for 10 grep -q 'listening on' "$T/four.log" || bail "the fourth myna-bff did not start"
URL4=$(grep -m1 -oE 'http://[^ ]+' "$T/four.log")
out=$(curl -sS -w '\n%{http_code}' -H "Authorization: Bearer anything" --data '{}' "$URL4/v1/admin/notices")
is "no admin token configured: admin endpoints answer 403" "$(tail -n1 <<<"$out")" 403
like "... saying how to configure one" "$(head -n1 <<<"$out")" 'MYNA_BFF_ADMIN_TOKEN'
is "without --demo there is no verification page" "$(curl -sS -o /dev/null -w '%{http_code}' "$URL4/device")" 404
kill -TERM "$four"
wait "$four"

done_testing
