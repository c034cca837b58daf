# Operating myna-bff: client error reports (opt-in, no personal fields,
# size-capped, counted), the Prometheus metrics (requests by route and
# status, latency histogram, changes served, long polls waiting), the
# route table, and the hardening of the systemd unit measured with
# systemd-analyze security (exposure at most 2.0).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib/bff.sh"

start_bff
report() { call POST /v1/client-reports -H 'Content-Type: application/json' --data "$1"; }
good='{"program":"mynad","version":"0.1.0","kind":"error","code":"sync.timeout","os":"Debian 12","occurred":"2026-11-30T09:00:00+09:00","message":"the server did not answer in 30 s"}'

# --- client reports -------------------------------------------------------------------

out=$(report "$good")
is "a report: 202, with no token needed" "$(status_of "$out")" 202
is "... accepted" "$(body_of "$out")" '{"status":"accepted"}'
like "... and logged in one line, without its message" "$(grep 'client report' "$T/bff.log")" \
	'client report program=mynad version=0.1.0 kind=error code=sync.timeout$'
is "a crash report with only the required fields: 202" \
	"$(status_of "$(report '{"program":"myna","version":"0.2.0~rc1","kind":"crash","code":"sigsegv"}')")" 202
out=$(report '{"program":"myna","version":"0.1.0","kind":"error","code":"x","user":"demo"}')
is "a field that is not one of the report's: 400" "$(status_of "$out")" 400
like "... naming it" "$(body_of "$out" | jq -r .detail)" 'Unknown field "user"'
is "an address field: 400" "$(status_of "$(report '{"program":"myna","version":"0.1.0","kind":"error","code":"x","address":"東京都"}')")" 400
is "an unknown program: 422" "$(status_of "$(report "${good/mynad/browser}")")" 422
is "an unknown kind: 422" "$(status_of "$(report "${good/\"error\"/\"warning\"}")")" 422
is "a code with blanks: 422" "$(status_of "$(report "${good/sync.timeout/sync timeout}")")" 422
is "a time that is not RFC 3339: 422" "$(status_of "$(report "${good/2026-11-30T09:00:00+09:00/yesterday}")")" 422
is "a message over 1024 bytes: 422" \
	"$(status_of "$(report "$(jq -c '.message = ("x" * 1025)' <<<"$good")")")" 422
is "a report over 4 KiB: 413" \
	"$(status_of "$(report "$(jq -c '.message = ("x" * 4100)' <<<"$good")")")" 413
is "a missing code: 400" "$(status_of "$(report '{"program":"myna","version":"0.1.0","kind":"error"}')")" 400
is "GET on the reports: 405" "$(code GET /v1/client-reports)" 405

# --- metrics ---------------------------------------------------------------------------

tok=$(token demo)
n=$(sync_feed "$tok" | jq '.changes | length')
for i in 1 2 3; do curl -sS -o /dev/null "$BFF_URL/healthz"; done
curl -sS -o /dev/null "$BFF_URL/nowhere"
out=$(curl -sSi "$BFF_URL/metrics" | tr -d '\r')
like "metrics are Prometheus text" "$(sed -n 's/^Content-Type: //p' <<<"$out")" '^text/plain; version=0.0.4'
m=$(sed '1,/^$/d' <<<"$out")
is "every sample line is NAME{LABELS} VALUE" \
	"$(grep -v '^#' <<<"$m" | grep -cvE '^[a-z_]+(\{[a-z_]+="[^"]*"(,[a-z_]+="[^"]*")*\})? [0-9.e+-]+$')" 0
is "every metric has HELP and TYPE" \
	"$(for name in $(grep -v '^#' <<<"$m" | sed -E 's/[{ ].*//; s/_(bucket|sum|count)$//' | sort -u); do
		grep -q "^# HELP $name " <<<"$m" && grep -q "^# TYPE $name " <<<"$m" || echo "$name"; done)" ""
is "requests by route and status" "$(grep -F 'myna_bff_requests_total{method="GET",route="/healthz",code="200"}' <<<"$m" | awk '{print $2}')" 3
is "... unmatched paths by status" "$(grep -F 'myna_bff_requests_total{method="",route="unmatched",code="404"}' <<<"$m" | awk '{print $2}')" 1
is "... reports by status" "$(grep -F 'myna_bff_requests_total{method="POST",route="/v1/client-reports",code="202"}' <<<"$m" | awk '{print $2}')" 2
buckets=$(grep -F 'myna_bff_request_duration_seconds_bucket{method="GET",route="/healthz"' <<<"$m" | awk '{print $2}' | tr '\n' ' ')
is "a latency histogram per route, cumulative, ending at the count" \
	"$(awk -v b="$buckets" 'BEGIN { n = split(b, v, " "); for (i = 2; i <= n; i++) if (v[i] < v[i-1]) { print "decreasing"; exit } print v[n] }')" \
	"$(grep -F 'myna_bff_request_duration_seconds_count{method="GET",route="/healthz"}' <<<"$m" | awk '{print $2}')"
like "... with its le bounds up to +Inf" "$(grep -F 'duration_seconds_bucket{method="GET",route="/healthz"' <<<"$m" | tr '\n' ' ')" 'le="0.001".*le="10".*le="\+Inf"'
is "feed changes served" "$(grep '^myna_bff_feed_changes_served_total ' <<<"$m" | awk '{print $2}')" "$n"
is "long polls waiting" "$(grep '^myna_bff_long_polls_waiting ' <<<"$m" | awk '{print $2}')" 0
is "client reports counted by kind" \
	"$(grep '^myna_bff_client_reports_total' <<<"$m" | tr '\n' ' ')" \
	'myna_bff_client_reports_total{kind="error"} 1 myna_bff_client_reports_total{kind="crash"} 1 myna_bff_client_reports_total{kind="other"} 0 '
is "... and kept" "$(grep '^myna_bff_client_reports_kept ' <<<"$m" | awk '{print $2}')" 2
is "residents known" "$(grep '^myna_bff_users ' <<<"$m" | awk '{print $2}')" 2
ok "nothing personal: no user id or token in the metrics" eval "! grep -qE 'demo|$tok' <<<\"\$m\""

# --- the route table ----------------------------------------------------------------

routes=$(myna-bff --list-routes)
like "--list-routes prints method, pattern and who may call" "$(head -n1 <<<"$routes")" '^GET /healthz none$'
is "... every operator route is under /v1/admin" \
	"$(awk '$3 == "admin" && $2 !~ /^\/v1\/admin\// ' <<<"$routes")" ""
is "... and every route under /v1/admin is an operator route" \
	"$(awk '$2 ~ /^\/v1\/admin\// && $3 != "admin"' <<<"$routes")" ""

# --- storage ----------------------------------------------------------------------------

timeout 10 myna-bff --listen 127.0.0.1:0 --db "$T/bff.db" 2>"$T/second.err"
is "a second server on the same database refuses to start (exit 1)" "$?" 1
like "... saying why" "$(cat "$T/second.err")" 'in use by another myna-bff'
is "... while the first goes on" "$(curl -sS "$BFF_URL/healthz")" ok
is "the database can be read beside it" "$(sqlite3 "$T/bff.db" 'SELECT count(*) FROM users')" 2
is "a storage that is not built in is refused" \
	"$(myna-bff --listen 127.0.0.1:0 --db postgresql://db/myna 2>&1 >/dev/null | grep -c PostgreSQL)" 1
is "only the SQLite backend speaks SQL: no other server file includes db.h or sqlite3.h" \
	"$(cd "$ROOT/server" && grep -lE '#include [<"](db|sqlite3)\.h' ./*.c ./*.h | sed 's|^\./||' | sort | tr '\n' ' ')" \
	"db.c db.h storage_sqlite.c "

# --- the systemd unit ------------------------------------------------------------------

# exposure UNIT: the overall exposure systemd-analyze gives the unit.
exposure() {
	systemd-analyze security --offline=true "$1" 2>/dev/null |
		sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p'
}
ok "systemd-analyze is installed" command -v systemd-analyze
e=$(exposure "$ROOT/systemd/myna-bff.service")
like "systemd-analyze rates myna-bff.service" "$e" '^[0-9]+\.[0-9]$'
ok "... with an exposure of at most 2.0 ($e)" awk -v e="$e" 'BEGIN { exit !(e <= 2.0) }'
# The measure can tell: the same unit without its hardening rates worse.
sed -E '/^(NoNewPrivileges|CapabilityBoundingSet|Protect|Private|Restrict|SystemCall|MemoryDeny|LockPersonality|IPAddress|RemoveIPC|UMask|DynamicUser)/d' \
	"$ROOT/systemd/myna-bff.service" >"$T/myna-bff.service"
e2=$(exposure "$T/myna-bff.service")
ok "... while the same unit unhardened rates above 2.0 ($e2)" awk -v e="$e2" 'BEGIN { exit !(e > 2.0) }'
ok "the unit's ExecStart runs myna-bff on loopback" grep -q '^ExecStart=.*myna-bff --listen 127\.0\.0\.1:' "$ROOT/systemd/myna-bff.service"

done_testing
