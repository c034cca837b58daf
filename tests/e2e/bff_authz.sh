# The authorization matrix: every route of myna-bff's route table (as
# --list-routes prints it), called with no token, user A's token, user B's
# token, an expired token of user A and the operator token.  Resident
# routes take resident tokens only, and show a resident only their own
# items; operator routes take the operator token only; open routes ignore
# tokens.  A route missing from the matrix fails the test.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib/bff.sh"

# An expired token: issued by a server that gives 1-second tokens, on the
# database the real test server then uses.
myna-bff --listen 127.0.0.1:0 --db "$T/bff.db" --demo --device-interval 1 --access-expiry 1 2>"$T/short.log" &
short=$!
track "$short"
wait_for 10 grep -q 'listening on' "$T/short.log" || bail "the first myna-bff did not start"
BFF_URL=$(grep -m1 -oE 'http://[^ ]+' "$T/short.log")
expired=$(token demo)
kill -TERM "$short"
wait "$short"
start_bff
a=$(token demo)
b=$(token demo2)
sleep 1.1
is "the expired token is expired" "$(code GET /v1/sync -H "Authorization: Bearer $expired")" 401
is "A's token works" "$(code GET /v1/sync -H "Authorization: Bearer $a")" 200

# Items for the item routes, made by the operator before the matrix.
made() { admin POST "$1" "$2" | head -n1 | jq -r .id; }
notice=$(made /v1/admin/notices '{"audience":"all","title":"t","body":"b","sender":"s"}')
deadline=$(made /v1/admin/deadlines '{"user":"demo","title":"t","due":"2030-01-01T00:00:00Z"}')
record=$(made /v1/admin/records '{"user":"demo","category":"tax","title":"t","updated":"2026-01-01T00:00:00Z","items":[]}')
access=$(made /v1/admin/access-logs '{"user":"demo","when":"2026-01-01T00:00:00Z","agency":"a","item":"i","purpose":"p"}')
made /v1/admin/procedures '{"id":"zz-test","name":"n","agency":"a","description":"d","documents":[],"online":false,"fields":[]}' >/dev/null
kouki='{"procedure":"kouki-koza","answers":{"bank_code":"0005","branch_code":"001","account_type":"futsu","account_number":"1234567","account_holder":"デモ","consent":true}}'
app=$(curl -sS -H "Authorization: Bearer $a" -H 'Idempotency-Key: authz-a' --data "$kouki" "$BFF_URL/v1/applications" | jq -r .id)
like "A has an application" "$app" '^a-[0-9]+$'

# The matrix: METHOD PATTERN, then the path and body to use, then the
# status for: none, A, B, expired, admin (called in that order).
matrix() {
	cat <<EOF
GET /healthz|/healthz||200 200 200 200 200
GET /metrics|/metrics||200 200 200 200 200
POST /v1/device/code|/v1/device/code||200 200 200 200 200
POST /v1/token|/v1/token|grant_type=refresh_token&refresh_token=nothing|400 400 400 400 400
POST /v1/token/revoke|/v1/token/revoke|token=nothing|200 200 200 200 200
GET /v1/sync|/v1/sync||401 200 200 401 401
POST /v1/applications|/v1/applications|$kouki|401 201 201 401 401
GET /v1/applications/{id}|/v1/applications/$app||401 200 404 401 401
POST /v1/client-reports|/v1/client-reports|{"program":"myna","version":"1","kind":"error","code":"authz"}|202 202 202 202 202
POST /v1/admin/device/approve|/v1/admin/device/approve|{"user_code":"BBBB-BBBB","user":"demo"}|401 401 401 401 404
POST /v1/admin/device/deny|/v1/admin/device/deny|{"user_code":"BBBB-BBBB"}|401 401 401 401 404
POST /v1/admin/users|/v1/admin/users|{"id":"authz","municipality":"011002","name":"n"}|401 401 401 401 201
POST /v1/admin/notices|/v1/admin/notices|{"audience":"all","title":"t","body":"b","sender":"s"}|401 401 401 401 201
DELETE /v1/admin/notices/{id}|/v1/admin/notices/$notice||401 401 401 401 204
POST /v1/admin/deadlines|/v1/admin/deadlines|{"user":"demo","title":"t","due":"2030-01-01T00:00:00Z"}|401 401 401 401 201
DELETE /v1/admin/deadlines/{id}|/v1/admin/deadlines/$deadline||401 401 401 401 204
POST /v1/admin/procedures|/v1/admin/procedures|{"id":"zz-new","name":"n","agency":"a","description":"d","documents":[],"online":false,"fields":[]}|401 401 401 401 201
DELETE /v1/admin/procedures/{id}|/v1/admin/procedures/zz-test||401 401 401 401 204
POST /v1/admin/records|/v1/admin/records|{"user":"demo","category":"tax","title":"t","updated":"2026-01-01T00:00:00Z","items":[]}|401 401 401 401 201
DELETE /v1/admin/records/{id}|/v1/admin/records/$record||401 401 401 401 204
POST /v1/admin/access-logs|/v1/admin/access-logs|{"user":"demo","when":"2026-01-01T00:00:00Z","agency":"a","item":"i","purpose":"p"}|401 401 401 401 201
DELETE /v1/admin/access-logs/{id}|/v1/admin/access-logs/$access||401 401 401 401 204
POST /v1/admin/applications/{id}/status|/v1/admin/applications/$app/status|{"status":"under_review"}|401 401 401 401 200
POST /v1/admin/compact|/v1/admin/compact||401 401 401 401 200
GET /device|/device||200 200 200 200 200
POST /device|/device|user_code=BBBB-BBBB&user=demo&action=approve|404 404 404 404 404
EOF
}

routes=$(myna-bff --list-routes | awk '{print $1, $2}')
is "the matrix covers every route, and only routes there are" \
	"$(matrix | cut -d'|' -f1 | sort)" "$(sort <<<"$routes")"

n=0
while IFS='|' read -r route path body want; do
	got=""
	method=${route%% *}
	n=$((n + 1))
	for who in none a b expired admin; do
		hdr=()
		case $who in
		a) hdr=(-H "Authorization: Bearer $a") ;;
		b) hdr=(-H "Authorization: Bearer $b") ;;
		expired) hdr=(-H "Authorization: Bearer $expired") ;;
		admin) hdr=(-H "Authorization: Bearer $MYNA_BFF_ADMIN_TOKEN") ;;
		esac
		data=()
		[ -n "$body" ] && data=(--data "$body")
		case $body in
		'{'*) data+=(-H 'Content-Type: application/json') ;;
		esac
		got="$got $(curl -sS -o /dev/null -w '%{http_code}' -X "$method" "${hdr[@]}" "${data[@]}" \
			-H "Idempotency-Key: authz-$n-$who" "$BFF_URL$path")"
	done
	is "$route: none A B expired admin" "${got# }" "$want"
done < <(matrix)

# Every 401 says how to authenticate.
out=$(curl -sSi -H "Authorization: Bearer $MYNA_BFF_ADMIN_TOKEN" "$BFF_URL/v1/sync" | tr -d '\r')
like "the operator token on a resident route: 401 with WWW-Authenticate" "$out" $'\nWWW-Authenticate: Bearer realm="myna", error="invalid_token"'
out=$(curl -sSi -H "Authorization: Bearer $a" -X POST "$BFF_URL/v1/admin/compact" | tr -d '\r')
like "a resident token on an operator route: the same" "$out" $'\nWWW-Authenticate: Bearer realm="myna", error="invalid_token"'

done_testing
