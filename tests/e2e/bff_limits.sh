# Limits and bad input against the real myna-bff: URL and query caps
# (414), header caps (431), body cap (413), JSON depth and shape (400),
# every string field capped (422), unknown routes (404) and wrong methods
# (405) -- all answered as application/problem+json -- and a server that
# keeps serving after each.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib/bff.sh"

start_bff
tok=$(token demo)
A=(-H "Authorization: Bearer $MYNA_BFF_ADMIN_TOKEN" -H 'Content-Type: application/json')
U=(-H "Authorization: Bearer $tok")

# problem NAME CURL ARGS...: one request; checks that the answer is a
# problem document of its status and prints the status.
problem() {
	local out st type pst
	out=$(curl -sS -i "$@" | tr -d '\r')
	st=$(sed -n '1s/^HTTP\/[0-9.]* \([0-9]*\).*/\1/p' <<<"$out")
	type=$(sed -n 's/^Content-Type: //Ip' <<<"$out")
	pst=$(sed '1,/^$/d' <<<"$out" | jq -r .status 2>/dev/null)
	if [ "$type" != application/problem+json ] || [ "$pst" != "$st" ]; then
		echo "$st not a problem: $type $pst"
		return
	fi
	echo "$st"
}
x() { head -c "$1" /dev/zero | tr '\0' "${2:-x}"; }

# --- URL, query and headers -----------------------------------------------------------

is "a URL over 2048 bytes: 414" "$(problem "$BFF_URL/healthz?pad=$(x 2040)")" 414
is "a URL of 2000 bytes is fine" "$(problem "$BFF_URL/nowhere?pad=$(x 1980)")" 404
is "17 query parameters: 414" "$(problem "$BFF_URL/healthz?$(for i in $(seq 17); do printf 'p%d=1&' "$i"; done)")" 414
is "a query parameter given twice: 400" "$(problem "$BFF_URL/v1/sync?cursor=a&limit=5&cursor=b")" 400
like "which says which one" "$(curl -sS "$BFF_URL/v1/sync?limit=1&limit=2" | jq -r .detail)" '"limit" is given more than once'
is "16 different ones are fine" "$(problem "$BFF_URL/nowhere?$(for i in $(seq 16); do printf 'p%d=1&' "$i"; done)")" 404
is "a header of 9 KB: 431" "$(problem -H "X-Pad: $(x 9000)" "$BFF_URL/healthz")" 431
is "65 header lines: 431" "$(problem $(for i in $(seq 65); do printf -- '-H X-H%d:1 ' "$i"; done) "$BFF_URL/healthz")" 431
# Beyond the library's own buffer (32 KiB) libmicrohttpd answers by itself.
is "headers over 32 KiB: 431 from the HTTP library, connection closed" \
	"$(curl -sS -o /dev/null -w '%{http_code}' -H "X-Pad: $(x 70000)" "$BFF_URL/healthz")" 431
is "the server keeps serving" "$(curl -sS "$BFF_URL/healthz")" ok

# --- routes and methods ------------------------------------------------------------------

is "an unknown path: 404" "$(problem "$BFF_URL/v2/sync")" 404
is "a path with a trailing slash: 404" "$(problem "$BFF_URL/v1/sync/")" 404
is "a wrong method: 405" "$(problem -X PUT "$BFF_URL/v1/applications")" 405
like "... with Allow" "$(curl -sSi -X PUT "$BFF_URL/v1/applications" | tr -d '\r' | grep '^Allow:')" '^Allow: POST$'
is "DELETE on a resident route: 405" "$(problem -X DELETE "${U[@]}" "$BFF_URL/v1/applications/a-1")" 405
is "a segment over the route: 404" "$(problem "${U[@]}" "$BFF_URL/v1/applications/a-1/history")" 404

# --- bodies -----------------------------------------------------------------------------

x 70000 >"$T/big"
is "a body over 64 KiB: 413" "$(problem "${A[@]}" --data-binary @"$T/big" "$BFF_URL/v1/admin/notices")" 413
is "a body over 64 KiB to a resident route: 413" \
	"$(problem "${U[@]}" -H 'Idempotency-Key: big' --data-binary @"$T/big" "$BFF_URL/v1/applications")" 413
deep=$(printf '{"audience":"all","title":"t","body":"b","sender":%s1%s}' "$(x 20 '[')" "$(x 20 ']')")
is "JSON nested 21 deep: 400" "$(problem "${A[@]}" --data "$deep" "$BFF_URL/v1/admin/notices")" 400
like "... saying why" "$(curl -sS "${A[@]}" --data "$deep" "$BFF_URL/v1/admin/notices" | jq -r .detail)" 'not valid JSON'
is "JSON with trailing data: 400" "$(problem "${A[@]}" --data '{"audience":"all"} {}' "$BFF_URL/v1/admin/notices")" 400
is "a JSON array instead of an object: 400" "$(problem "${A[@]}" --data '[1]' "$BFF_URL/v1/admin/notices")" 400
is "an empty body: 400" "$(problem "${A[@]}" -X POST "$BFF_URL/v1/admin/users")" 400
printf '{"id":"u\xc3","municipality":"131016","name":"n"}' >"$T/bad-utf8"
is "invalid UTF-8: 400" "$(problem "${A[@]}" --data-binary @"$T/bad-utf8" "$BFF_URL/v1/admin/users")" 400
is "a field of the wrong type: 400" "$(problem "${A[@]}" --data '{"id":7,"municipality":"131016","name":"n"}' "$BFF_URL/v1/admin/users")" 400
is "answers nested deeper than 16 in an application: 400" \
	"$(problem "${U[@]}" -H 'Idempotency-Key: deep' --data "{\"procedure\":\"kouki-koza\",\"answers\":{\"a\":$(x 17 '[')$(x 17 ']')}}" "$BFF_URL/v1/applications")" 400
many=$(jq -nc '{procedure: "kouki-koza", answers: ([range(0; 500)] | map({key: "f\(.)", value: 1}) | from_entries)}')
out=$(curl -sS "${U[@]}" -H 'Idempotency-Key: many' --data "$many" "$BFF_URL/v1/applications")
is "500 unknown answers: 422" "$(jq .status <<<"$out")" 422
ok "... with a bounded list of errors ($(jq '.errors | length' <<<"$out"))" test "$(jq '.errors | length' <<<"$out")" -le 80

# --- every string is capped --------------------------------------------------------------

notice() { printf '{"audience":"all","title":"%s","body":"%s","sender":"%s"}' "$1" "$2" "$3"; }
is "a title of 1025 bytes: 422" "$(problem "${A[@]}" --data "$(notice "$(x 1025)" b s)" "$BFF_URL/v1/admin/notices")" 422
is "a title of 1024 bytes is fine" "$(curl -sS -o /dev/null -w '%{http_code}' "${A[@]}" --data "$(notice "$(x 1024)" b s)" "$BFF_URL/v1/admin/notices")" 201
is "a title of 342 three-byte characters (1026 bytes): 422" \
	"$(problem "${A[@]}" --data "$(notice "$(for i in $(seq 342); do printf 'あ'; done)" b s)" "$BFF_URL/v1/admin/notices")" 422
is "a body of 16385 bytes: 422" "$(problem "${A[@]}" --data "$(notice t "$(x 16385)" s)" "$BFF_URL/v1/admin/notices")" 422
is "a sender of 257 bytes: 422" "$(problem "${A[@]}" --data "$(notice t b "$(x 257)")" "$BFF_URL/v1/admin/notices")" 422
is "a resident's name of 257 bytes: 422" \
	"$(problem "${A[@]}" --data "{\"id\":\"long\",\"municipality\":\"131016\",\"name\":\"$(x 257)\"}" "$BFF_URL/v1/admin/users")" 422
is "a user id of 65 characters: 422" \
	"$(problem "${A[@]}" --data "{\"id\":\"$(x 65)\",\"municipality\":\"131016\",\"name\":\"n\"}" "$BFF_URL/v1/admin/users")" 422
is "a deadline title of 1025 bytes: 422" \
	"$(problem "${A[@]}" --data "{\"user\":\"demo\",\"title\":\"$(x 1025)\",\"due\":\"2027-01-01T00:00:00Z\"}" "$BFF_URL/v1/admin/deadlines")" 422
app=$(curl -sS "${U[@]}" -H 'Idempotency-Key: cap' \
	--data '{"procedure":"kouki-koza","answers":{"bank_code":"0005","branch_code":"001","account_type":"futsu","account_number":"1234567","account_holder":"デモ","consent":true}}' \
	"$BFF_URL/v1/applications" | jq -r .id)
is "a status message of 4097 bytes: 422" \
	"$(problem "${A[@]}" --data "{\"status\":\"needs_changes\",\"message\":\"$(x 4097)\"}" "$BFF_URL/v1/admin/applications/$app/status")" 422
is "an Idempotency-Key of 256 characters: 400" \
	"$(problem "${U[@]}" -H "Idempotency-Key: $(x 256)" --data '{}' "$BFF_URL/v1/applications")" 400
is "a report message of 1025 bytes: 422" \
	"$(problem --data "{\"program\":\"myna\",\"version\":\"1\",\"kind\":\"error\",\"code\":\"c\",\"message\":\"$(x 1025)\"}" "$BFF_URL/v1/client-reports")" 422
is "a bearer token of 513 characters: 401" "$(problem -H "Authorization: Bearer $(x 513)" "$BFF_URL/v1/sync")" 401
is "a cursor of 30 digits: 400" "$(problem "${U[@]}" "$BFF_URL/v1/sync?cursor=s$(x 30 9)")" 400
is "a limit of 100000: 400" "$(problem "${U[@]}" "$BFF_URL/v1/sync?limit=100000")" 400

is "after all that the server still serves" "$(curl -sS "$BFF_URL/healthz")" ok
kill -TERM "$BFF_PID"
wait "$BFF_PID"
is "and stops cleanly" "$?" 0

done_testing
