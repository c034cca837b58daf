# kill -9 against mynad, again and again, while an operator publishes and
# deletes items and the resident queues applications: the daemon is killed
# at random moments (in the middle of a feed page, an outbox flush or a
# reminder pass) and started again.  After every kill the store passes
# PRAGMA integrity_check; at the end its synced items equal, item for item,
# a fresh sync of the same account, and every queued application reached
# the server exactly once.
#   CRASH_KILLS=N   how many kills (default 14; tools/soak runs more)
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/fault/fault.sh"
db=$XDG_DATA_HOME/myna/myna.db
kills=${CRASH_KILLS:-14}
gone() { ! kill -0 "$1" 2>/dev/null || [ "$(ps -o stat= -p "$1")" = Z ]; }

start_bff --rate-address off --rate-token off
ok "sign in as demo" login_as demo
nobus mynad --once 2>/dev/null || bail "first sync failed"
proc=131016:tokutei-kenshin
choice=$(sqlite3 "$db" "SELECT data FROM procedures WHERE id = '$proc'" |
	jq -r '.fields[] | select(.name == "reason") | .choices[0].value')
[ -n "$choice" ] || bail "no form for $proc"

# The operator: notices and deadlines, and now and then a delete of an
# earlier one, until told to stop (or 2000 requests).
operator() {
	local i=0 out id ids=()
	while [ ! -e "$T/stop" ] && [ $i -lt 2000 ]; do
		i=$((i + 1))
		if [ $((i % 7)) -eq 0 ] && [ ${#ids[@]} -gt 0 ]; then
			id=${ids[$((RANDOM % ${#ids[@]}))]}
			curl -sS -o /dev/null -X DELETE -H "Authorization: Bearer $MYNA_BFF_ADMIN_TOKEN" \
				"$BFF_URL/v1/admin/notices/$id"
			continue
		fi
		if [ $((i % 3)) -eq 0 ]; then
			out=$(admin POST /v1/admin/deadlines "{\"user\":\"demo\",\"title\":{\"ja\":\"期限 $i\",\"en\":\"Deadline $i\"},\"due\":\"2031-0$((i % 9 + 1))-15T23:59:59+09:00\"}")
		else
			out=$(admin POST /v1/admin/notices "{\"audience\":{\"user\":\"demo\"},\"title\":{\"ja\":\"お知らせ $i\",\"en\":\"Notice $i\"},\"body\":\"$(printf 'line %d\\n' 1 2 3)\",\"sender\":\"crash\"}")
			[ "$(tail -n1 <<<"$out")" = 201 ] && ids+=("$(head -n1 <<<"$out" | jq -r .id)")
		fi
		echo "$i" >"$T/operator.count"
	done
}
operator &
op=$!
track "$op"

queued=0 bad=0 killed=0
for k in $(seq 1 "$kills"); do
	# Now and then a new application, queued while the daemon runs.
	if [ $((k % 2)) -eq 1 ]; then
		myna apply "$proc" --field "reason=$choice" >/dev/null 2>&1 && queued=$((queued + 1))
	fi
	if [ $((k % 3)) -eq 0 ]; then
		$NOBUS mynad --once >>"$T/daemon.log" 2>&1 &
	else
		$NOBUS mynad --foreground >>"$T/daemon.log" 2>&1 &
	fi
	pid=$!
	track "$pid"
	# A random moment from 20 to 500 ms after the start.
	sleep "0.$(printf '%03d' $((RANDOM % 480 + 20)))"
	if ! gone "$pid"; then
		kill -KILL "$pid"
		killed=$((killed + 1))
	fi
	wait "$pid" 2>/dev/null
	r=$(integrity)
	[ "$r" = ok ] || { echo "# after kill $k: $r"; bad=$((bad + 1)); }
done
touch "$T/stop"
wait "$op"
echo "# $killed kills landed while mynad ran; the operator made $(cat "$T/operator.count") requests; $queued applications queued"
is "the store passed integrity_check after every kill" "$bad" "0"
ok "most kills hit a running daemon" test "$killed" -ge $((kills / 2))

# Let it finish, then compare with a fresh sync of the same account.
nobus mynad --once 2>"$T/final.log"
is "a last mynad --once exits 0" "$?" "0"
nobus mynad --once 2>/dev/null
fresh=$(fresh_sync) || bail "the fresh sync failed"
is "the store equals a fresh sync, item for item" "$(synced_dump "$db")" "$(synced_dump "$fresh")"
is "the same number of notices as the server's" "$(sqlite3 "$db" 'SELECT count(*) FROM notices')" "$(sqlite3 "$fresh" 'SELECT count(*) FROM notices')"
is "the same number of deadlines" "$(sqlite3 "$db" 'SELECT count(*) FROM deadlines')" "$(sqlite3 "$fresh" 'SELECT count(*) FROM deadlines')"
is "every queued application was sent" "$(sqlite3 "$db" "SELECT count(*) FROM outbox WHERE state = 'sent' AND application_id LIKE 'a-%'")" "$queued"
is "each to its own application" "$(sqlite3 "$db" 'SELECT count(DISTINCT application_id) FROM outbox')" "$queued"
is "and the server holds exactly that many" "$(sqlite3 "$fresh" 'SELECT count(*) FROM applications')" "$queued"
is "the store is sound" "$(integrity)" "ok"

done_testing
