# Applications against the real myna-bff: Idempotency-Key (missing 400,
# another body 422, in flight 409, a retry replays and files nothing),
# answers checked against the procedure's form with field-level errors,
# GET for the owner only, and operators moving the status, which reaches
# the owner's feed with its history.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib/bff.sh"

start_bff
tok=$(token demo)
tok2=$(token demo2)
c0=$(sync_feed "$tok" | jq -r .cursor)

# apply TOKEN KEY BODY [URL]: POST /v1/applications; prints headers and body.
apply() {
	local key=()
	[ -n "$2" ] && key=(-H "Idempotency-Key: $2")
	curl -sS -i -H "Authorization: Bearer $1" "${key[@]}" -H 'Content-Type: application/json' \
		--data "$3" "${4:-$BFF_URL}/v1/applications" | tr -d '\r'
}
status() { sed -n '1s/^HTTP\/[0-9.]* \([0-9]*\).*/\1/p' <<<"$1"; }
hdr() { sed -n "s/^$2: //Ip" <<<"$1" | head -n1; }
json() { sed '1,/^$/d' <<<"$1"; }
napps() { sync_feed "$1" | jq '[.changes[] | select(.type == "application")] | length'; }

good='{"procedure":"131016:tenshutsu","answers":{"move_date":"2027-03-31","new_postal_code":"530-0001","new_address":"大阪府大阪市北区梅田1-1-1","movers":"all","phone":"03-1234-5678"}}'

# --- the key ----------------------------------------------------------------------

r=$(apply "$tok" "" "$good")
is "no Idempotency-Key: 400" "$(status "$r")" 400
like "... a problem saying to send one" "$(json "$r" | jq -r .detail)" 'Idempotency-Key header is required'
is "... as application/problem+json" "$(hdr "$r" Content-Type)" application/problem+json
is "a key of 256 characters: 400" "$(status "$(apply "$tok" "$(printf 'k%.0s' $(seq 256))" "$good")")" 400
is "nothing was filed" "$(napps "$tok")" 0

# --- the answers --------------------------------------------------------------------

r=$(apply "$tok" k-bad '{"procedure":"131016:tenshutsu","answers":{"move_date":"2027-02-30","new_postal_code":"abc-defg","new_address":"","movers":"everyone","phone":"03-1234-5678","pets":2}}')
is "answers that do not fit the form: 422" "$(status "$r")" 422
is "... with one error per field: field, code" \
	"$(json "$r" | jq -c '[.errors[] | [.field, .code]]')" \
	'[["move_date","date"],["new_postal_code","pattern"],["new_address","required"],["movers","choice"],["pets","unknown"]]'
is "... each with a message" "$(json "$r" | jq '[.errors[] | select((.message | length) > 5)] | length')" 5
like "... and a detail that counts them" "$(json "$r" | jq -r .detail)" '^5 answers need fixing'
r=$(apply "$tok" k-bad "$good")
is "the same key with fixed answers is accepted: a failed request left no trace" "$(status "$r")" 201
is "a number out of range and a wrong type" \
	"$(json "$(apply "$tok" k-num '{"procedure":"131016:furusato-onestop","answers":{"donation_date":"2026-12-01","donation_amount":0,"no_tax_return":"yes","five_or_fewer":true}}')" | jq -c '[.errors[] | [.field, .code]]')" \
	'[["donation_amount","range"],["no_tax_return","type"]]'
is "a text longer than its max_length: too_long" \
	"$(json "$(apply "$tok" k-long "$(jq -c '.answers.new_address = ("あ" * 201)' <<<"$good")")" | jq -c '[.errors[] | [.field, .code]]')" \
	'[["new_address","too_long"]]'
r=$(apply "$tok" k-off '{"procedure":"131016:tennyu","answers":{}}')
is "a procedure that is not online: 422" "$(status "$r")" 422
is "... naming the procedure field, code offline" "$(json "$r" | jq -c '[.errors[] | [.field, .code]]')" '[["procedure","offline"]]'
r=$(apply "$tok" k-osaka "${good//131016/271004}")
is "Osaka's procedure, for a resident of Chiyoda: 422 unknown" \
	"$(json "$r" | jq -c '[.status, (.errors[] | [.field, .code])]')" '[422,["procedure","unknown"]]'
is "a procedure that does not exist: 422" "$(status "$(apply "$tok" k-none '{"procedure":"nothing","answers":{}}')")" 422
is "a procedure id that is not an id: 422" "$(status "$(apply "$tok" k-bad-id '{"procedure":"a b","answers":{}}')")" 422
is "answers that are not an object: 400" "$(status "$(apply "$tok" k-arr '{"procedure":"kouki-koza","answers":[]}')")" 400
is "a field besides procedure and answers: 400" "$(status "$(apply "$tok" k-extra '{"procedure":"kouki-koza","answers":{},"note":"x"}')")" 400
is "malformed JSON: 400" "$(status "$(apply "$tok" k-json '{"procedure":')")" 400
is "still only one application filed" "$(napps "$tok")" 1

# --- filing and replaying ------------------------------------------------------------

first=$(apply "$tok" k-1 "$good")
is "a good application: 201" "$(status "$first")" 201
aid=$(json "$first" | jq -r .id)
like "... with an id a-N" "$aid" '^a-[0-9]+$'
is "... and Location" "$(hdr "$first" Location)" "/v1/applications/$aid"
is "... received, with its answers cleaned and a history of one" \
	"$(json "$first" | jq -c '[.status, .procedure, .procedure_name.en, .answers.movers, (.history | map(.status))]')" \
	'["received","131016:tenshutsu","Moving-out notification","all",["received"]]'
like "... submitted now, in the server's time zone" "$(json "$first" | jq -r .submitted)" '\+09:00$'
n=$(napps "$tok")
again=$(apply "$tok" k-1 "$good")
is "the same key and body again: the same status" "$(status "$again")" 201
is "... the same body" "$(json "$again")" "$(json "$first")"
is "... the same Location" "$(hdr "$again" Location)" "/v1/applications/$aid"
is "... marked as replayed" "$(hdr "$again" Idempotent-Replayed)" true
is "... and nothing new filed" "$(napps "$tok")" "$n"
r=$(apply "$tok" k-1 "${good/all/part}")
is "the same key with another body: 422" "$(status "$r")" 422
like "... saying to use a new key" "$(json "$r" | jq -r .detail)" 'different request'
is "... and nothing new filed" "$(napps "$tok")" "$n"
r=$(apply "$tok2" k-1 '{"procedure":"kouki-koza","answers":{"bank_code":"0005","branch_code":"001","account_type":"futsu","account_number":"1234567","account_holder":"デモ ハナコ","consent":true}}')
is "another resident's key of the same name is theirs: 201" "$(status "$r")" 201
aid2=$(json "$r" | jq -r .id)

# --- GET for the owner only ---------------------------------------------------------

r=$(call GET "/v1/applications/$aid" -H "Authorization: Bearer $tok")
is "the owner reads it: 200" "$(status_of "$r")" 200
is "... the same as filed" "$(body_of "$r")" "$(json "$first")"
is "another resident gets 404" "$(code GET "/v1/applications/$aid" -H "Authorization: Bearer $tok2")" 404
is "... as for one that does not exist" "$(code GET /v1/applications/a-999 -H "Authorization: Bearer $tok")" 404
is "demo2 reads its own" "$(code GET "/v1/applications/$aid2" -H "Authorization: Bearer $tok2")" 200
is "demo cannot read demo2's" "$(code GET "/v1/applications/$aid2" -H "Authorization: Bearer $tok")" 404
is "an id that is not an id: 404" "$(code GET '/v1/applications/a%20b' -H "Authorization: Bearer $tok")" 404

# --- operators move the status ----------------------------------------------------------

move() { admin POST "/v1/admin/applications/$1/status" "$2"; }
is "under_review: 200" "$(tail -n1 <<<"$(move "$aid" '{"status":"under_review"}')")" 200
is "needs_changes without a message: 422" "$(tail -n1 <<<"$(move "$aid" '{"status":"needs_changes"}')")" 422
out=$(move "$aid" '{"status":"needs_changes","message":{"ja":"引越し先の住所に部屋番号を書いてください。","en":"Add the room number to the new address."}}')
is "needs_changes with a message: 200" "$(tail -n1 <<<"$out")" 200
is "... answered with the application" "$(head -n1 <<<"$out" | jq -c '[.id, .status]')" "[\"$aid\",\"needs_changes\"]"
is "back to received: 422" "$(tail -n1 <<<"$(move "$aid" '{"status":"received"}')")" 422
is "an unknown status: 422" "$(tail -n1 <<<"$(move "$aid" '{"status":"lost"}')")" 422
is "the same status again: 409" "$(tail -n1 <<<"$(move "$aid" '{"status":"needs_changes","message":"x"}')")" 409
is "approved: 200" "$(tail -n1 <<<"$(move "$aid" '{"status":"approved"}')")" 200
is "after approved, rejected: 409" "$(tail -n1 <<<"$(move "$aid" '{"status":"rejected"}')")" 409
is "an unknown application: 404" "$(tail -n1 <<<"$(move a-999 '{"status":"approved"}')")" 404
is "a status field besides status and message: 400" "$(tail -n1 <<<"$(move "$aid2" '{"status":"approved","by":"me"}')")" 400
got=$(sync_feed "$tok" "cursor=$c0")
app=$(jq -c --arg id "$aid" '.changes[] | select(.id == $id) | .data' <<<"$got")
is "the owner's feed has the application once, approved" \
	"$(jq --arg id "$aid" '[.changes[] | select(.id == $id)] | length' <<<"$got")/$(jq -r .status <<<"$app")" 1/approved
is "... with its whole history" "$(jq -c '[.history[].status]' <<<"$app")" '["received","under_review","needs_changes","approved"]'
is "... the message where it was given" "$(jq -r '.history[2].message.en' <<<"$app")" 'Add the room number to the new address.'
is "... and GET says the same" "$(curl -sS -H "Authorization: Bearer $tok" "$BFF_URL/v1/applications/$aid" | jq -c '[.status, (.history | length)]')" '["approved",4]'
is "demo2's feed has none of it" "$(sync_feed "$tok2" | jq --arg id "$aid" '[.changes[] | select(.id == $id)] | length')" 0

# --- in flight: a second server that holds each application 2 s -----------------------

myna-bff --listen 127.0.0.1:0 --db "$T/slow.db" --demo --test-application-delay 2000 2>"$T/slow.log" &
slow=$!
track "$slow"
wait_for 10 grep -q 'listening on' "$T/slow.log" || bail "the second myna-bff did not start"
URL2=$(grep -m1 -oE 'http://[^ ]+' "$T/slow.log")
stok=$(signin demo "$URL2" | jq -r .access_token)
apply "$stok" k-slow "$good" "$URL2" >"$T/first.out" &
firstpid=$!
wait_for 10 grep -q 'application in flight user=demo key=k-slow' "$T/slow.log" || bail "the first request did not start"
r=$(apply "$stok" k-slow "$good" "$URL2")
is "the same key while the first is in flight: 409" "$(status "$r")" 409
is "... with Retry-After" "$(hdr "$r" Retry-After)" 1
is "another body with that key meanwhile: 422" "$(status "$(apply "$stok" k-slow "${good/all/part}" "$URL2")")" 422
wait "$firstpid"
is "the first one ends 201" "$(status "$(cat "$T/first.out")")" 201
r=$(apply "$stok" k-slow "$good" "$URL2")
is "a retry after it: the first answer" "$(json "$r" | jq -r .id)/$(hdr "$r" Idempotent-Replayed)" "$(json "$(cat "$T/first.out")" | jq -r .id)/true"
is "one application on that server" \
	"$(curl -sS -H "Authorization: Bearer $stok" "$URL2/v1/sync?limit=1000" | jq '[.changes[] | select(.type == "application")] | length')" 1

# --- a retry after days offline ----------------------------------------------------
# A client whose answer was lost retries when it is back, days later: the
# key that filed an application is still known, so nothing new is filed.
r=$(apply "$tok" k-late "$good")
is "an application before going offline: 201" "$(status "$r")" 201
late_id=$(json "$r" | jq -r .id)
before=$(napps "$tok")
kill "$BFF_PID"
wait "$BFF_PID" 2>/dev/null
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
FAKETIME_DONT_FAKE_MONOTONIC=1 FAKETIME='+3d' \
	LD_PRELOAD=$(ls /usr/lib/*/faketime/libfaketime.so.1 | head -n1) start_bff
ok "the server runs three days later" test -n "$BFF_URL"
is "its maintenance has run" "$(admin POST /v1/admin/compact '{}' | tail -n1)" 200
ltok=$(token demo)
r=$(apply "$ltok" k-late "$good")
is "the retry three days later gets the first answer" \
	"$(status "$r") $(json "$r" | jq -r .id) $(hdr "$r" Idempotent-Replayed)" "201 $late_id true"
is "and files nothing new" "$(napps "$ltok")" "$before"

done_testing
