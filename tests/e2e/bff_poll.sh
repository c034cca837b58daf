# Long polls (GET /v1/sync?wait=N) against the real myna-bff: a change
# committed by an operator reaches a waiting client within a second; only
# the clients it concerns wake; time runs out with an empty page (or 304);
# waiting clients hold no thread; SIGTERM answers them at once.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib/bff.sh"

start_bff
tok=$(token demo)
tok2=$(token demo2)
waiting() { metric myna_bff_long_polls_waiting; }
waiting_is() { test "$(waiting)" = "$1"; }
now() { date +%s.%N; }
# poll NAME TOKEN CURSOR WAIT [CURL ARGS...]: a long poll in the background;
# its body goes to $T/NAME.out, the status and time to $T/NAME.status, and
# its pid into the variable NAME_pid.
poll() {
	local name=$1 tok=$2 cursor=$3 wait=$4
	shift 4
	curl -sS -o "$T/$name.out" -w '%{http_code} %{time_total}' -H "Authorization: Bearer $tok" "$@" \
		"$BFF_URL/v1/sync?cursor=$cursor&wait=$wait" >"$T/$name.status" &
	eval "${name}_pid=$!"
	track "$!"
}
notice() {
	admin POST /v1/admin/notices "{\"audience\":$1,\"title\":{\"ja\":\"$2\",\"en\":\"$2\"},\"body\":\"b\",\"sender\":\"s\"}" | head -n1 | jq -r .id
}

is "wait over 60 seconds: 400" "$(code GET '/v1/sync?wait=61' -H "Authorization: Bearer $tok")" 400
is "wait that is not a number: 400" "$(code GET '/v1/sync?wait=soon' -H "Authorization: Bearer $tok")" 400
is "wait without a token: 401 at once" "$(code GET '/v1/sync?wait=30')" 401
c1=$(sync_feed "$tok" | jq -r .cursor)
c2=$(sync_feed "$tok2" | jq -r .cursor)
start=$(now)
r=$(curl -sS -w '\n%{http_code}' -H "Authorization: Bearer $tok" "$BFF_URL/v1/sync?wait=30&limit=5")
is "wait with changes already there answers at once" "$(tail -n1 <<<"$r")/$(head -n1 <<<"$r" | jq '.changes | length')" 200/5
ok "... without waiting" awk -v s="$start" -v e="$(now)" 'BEGIN { exit !(e - s < 1) }'

# --- a notice reaches the waiting client within a second ----------------------------

poll a "$tok" "$c1" 30
ok "the long poll waits" wait_for 5 waiting_is 1
ok "... for real: it has not answered" test ! -s "$T/a.status"
sent=$(now)
nid=$(notice '{"user":"demo"}' 至急)
wait "$a_pid"
took=$(awk -v s="$sent" -v e="$(now)" 'BEGIN { printf "%.3f", e - s }')
ok "the notice reached the waiting client within a second (${took}s)" awk -v t="$took" 'BEGIN { exit !(t < 1) }'
is "... answered 200 with exactly that notice" "$(cut -d' ' -f1 "$T/a.status") $(jq -c '[.changes[].id]' "$T/a.out")" "200 [\"$nid\"]"
is "nobody waits any more" "$(waiting)" 0
c1=$(jq -r .cursor "$T/a.out")

# --- only the clients a change concerns wake ---------------------------------------------

poll a "$tok" "$c1" 30
poll b "$tok2" "$c2" 30
ok "two long polls wait" wait_for 5 waiting_is 2
oid=$(notice '{"municipality":"271004"}' 大阪)
wait "$b_pid"
is "a notice to Osaka wakes the Osaka resident" "$(jq -c '[.changes[].id]' "$T/b.out")" "[\"$oid\"]"
is "... not the Chiyoda one, who still waits" "$(waiting)" 1
ok "... and has not answered" test ! -s "$T/a.status"
aid=$(notice '"all"' 全員)
wait "$a_pid"
is "a notice to everyone wakes them" "$(jq -c '[.changes[].id]' "$T/a.out")" "[\"$aid\"]"
c1=$(jq -r .cursor "$T/a.out")

# --- an application's status reaches its owner -----------------------------------------

app=$(curl -sS -H "Authorization: Bearer $tok" -H 'Idempotency-Key: poll-1' \
	--data '{"procedure":"kouki-koza","answers":{"bank_code":"0005","branch_code":"001","account_type":"futsu","account_number":"1234567","account_holder":"デモ タロウ","consent":true}}' \
	"$BFF_URL/v1/applications" | jq -r .id)
c1=$(sync_feed "$tok" "cursor=$c1" | jq -r .cursor)
poll a "$tok" "$c1" 30
ok "the owner waits" wait_for 5 waiting_is 1
sent=$(now)
admin POST "/v1/admin/applications/$app/status" '{"status":"approved"}' >/dev/null
wait "$a_pid"
took=$(awk -v s="$sent" -v e="$(now)" 'BEGIN { printf "%.3f", e - s }')
ok "a status change reaches the waiting owner within a second (${took}s)" awk -v t="$took" 'BEGIN { exit !(t < 1) }'
is "... as the application, approved" "$(jq -c '[.changes[] | [.id, .data.status]]' "$T/a.out")" "[[\"$app\",\"approved\"]]"
c1=$(jq -r .cursor "$T/a.out")

# --- time runs out ------------------------------------------------------------------------

start=$(now)
r=$(curl -sSi -H "Authorization: Bearer $tok" "$BFF_URL/v1/sync?cursor=$c1&wait=1" | tr -d '\r')
took=$(awk -v s="$start" -v e="$(now)" 'BEGIN { printf "%.2f", e - s }')
ok "with nothing new, wait=1 answers after about a second (${took}s)" awk -v t="$took" 'BEGIN { exit !(t >= 0.9 && t < 3) }'
like "... 200" "$(head -n1 <<<"$r")" ' 200'
is "... with no changes" "$(sed '1,/^$/d' <<<"$r" | jq -c '[.changes, .has_more]')" '[[],false]'
etag=$(sed -n 's/^ETag: //p' <<<"$r")
c1=$(sed '1,/^$/d' <<<"$r" | jq -r .cursor)
is "the same wait with If-None-Match of that answer: 304" \
	"$(code GET "/v1/sync?cursor=$c1&wait=1" -H "Authorization: Bearer $tok" -H "If-None-Match: $etag")" 304

# --- waiting clients hold no thread -------------------------------------------------------

threads() { ls "/proc/$BFF_PID/task" | wc -l; }
before=$(threads)
pids=()
for i in $(seq 100); do
	curl -sS -o /dev/null -w '%{http_code}\n' -H "Authorization: Bearer $tok" \
		"$BFF_URL/v1/sync?cursor=$c1&wait=30" >>"$T/many.codes" &
	pids+=("$!")
	track "$!"
done
ok "100 long polls wait" wait_for 10 waiting_is 100
is "... on the same threads as before ($before)" "$(threads)" "$before"
like "... counted in flight" "$(metric myna_bff_requests_in_flight)" '^10[0-9]$'
notice '"all"' みんな >/dev/null
for p in "${pids[@]}"; do wait "$p"; done
is "one notice to everyone answers all 100" "$(grep -c '^200$' "$T/many.codes")" 100
c1=$(sync_feed "$tok" "cursor=$c1" | jq -r .cursor)
is "nobody waits any more" "$(waiting)" 0
like "the time spent waiting stays out of the latency histogram" \
	"$(curl -sS "$BFF_URL/metrics" | grep 'duration_seconds_bucket{method="GET",route="/v1/sync",le="1"}')" ' [0-9]+$'
le1=$(curl -sS "$BFF_URL/metrics" | sed -n 's/^myna_bff_request_duration_seconds_bucket{method="GET",route="\/v1\/sync",le="1"} //p')
all=$(curl -sS "$BFF_URL/metrics" | sed -n 's/^myna_bff_request_duration_seconds_count{method="GET",route="\/v1\/sync"} //p')
is "... every sync took under a second of work" "$le1" "$all"

# --- SIGTERM answers the waiting clients at once ------------------------------------------

poll a "$tok" "$c1" 30
ok "a long poll waits" wait_for 5 waiting_is 1
start=$(now)
kill -TERM "$BFF_PID"
wait "$a_pid"
is "SIGTERM: the waiting client gets its answer" "$(cut -d' ' -f1 "$T/a.status") $(jq -c .changes "$T/a.out")" "200 []"
wait "$BFF_PID"
is "... and the server exits 0" "$?" 0
ok "... at once, not at the end of the wait" awk -v s="$start" -v e="$(now)" 'BEGIN { exit !(e - s < 3) }'

done_testing
