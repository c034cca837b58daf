# kill -9 against myna-bff while an operator posts notices and a resident
# files applications (POST /v1/applications with an Idempotency-Key), over
# and over.  A request that got no answer is sent again with the same key
# once the server is back, as mynad does.  After every kill the database
# passes PRAGMA integrity_check; at the end every 201 the clients were
# given is in the feed exactly once: no acknowledged notice or
# application is lost, and no retried application is filed twice.
#   CRASH_KILLS=N   how many kills (default 10; tools/soak runs more)
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/fault/fault.sh"
kills=${CRASH_KILLS:-10}
bffdb=$T/bff.db

# serve: starts myna-bff on the database kept across kills (the demo data
# only goes into the empty one of the first start); sets BFF_URL, BFF_PID
# and writes the URL where the clients look for it.
serve() {
	start_bff --rate-address off --rate-token off "$@"
	echo "$BFF_URL" >"$T/url.new"
	mv "$T/url.new" "$T/url"
}

serve
ok "sign in as demo" login_as demo
access=$(sed -n 's/^access_token *= *//p' "$XDG_STATE_HOME/myna/credentials")
stop_bff() { kill -KILL "$BFF_PID"; wait "$BFF_PID" 2>/dev/null; }
# url_moved OLD: the server was started again (its URL is no longer OLD).
url_moved() { [ "$(cat "$T/url")" != "$1" ]; }

# The operator: notice "crash N" for N = 1, 2, ...; each 201 is written
# down with its id.  No answer: the notice may or may not exist (there is
# no key to retry it with), so it is written down as in doubt and the
# next number is used.
operator() {
	local i=0 out code url
	while [ ! -e "$T/stop" ]; do
		i=$((i + 1))
		url=$(cat "$T/url")
		out=$(curl -sS -m 10 -X POST -H "Authorization: Bearer $MYNA_BFF_ADMIN_TOKEN" \
			-H 'Content-Type: application/json' -w '\n%{http_code}' \
			--data "{\"audience\":{\"user\":\"demo\"},\"title\":\"crash $i\",\"body\":\"b\",\"sender\":\"s\"}" \
			"$url/v1/admin/notices" 2>/dev/null)
		code=$(tail -n1 <<<"$out")
		if [ "$code" = 201 ]; then
			echo "crash $i $(head -n1 <<<"$out" | jq -r .id)" >>"$T/notices.acked"
		else
			echo "crash $i $code" >>"$T/notices.doubt"
			wait_for 10 url_moved "$url"
		fi
	done
}

# The resident: application N with key "crash-key-N", sent until it gets
# an answer; each answer is written down (key, status, id).  409 means the
# first try with that key is still in hand (cut short by the kill): it is
# left for the end.
resident() {
	local i=0 out code url key
	while [ ! -e "$T/stop" ]; do
		i=$((i + 1))
		key=crash-key-$i
		while :; do
			url=$(cat "$T/url")
			out=$(curl -sS -m 10 -X POST -H "Authorization: Bearer $access" \
				-H "Idempotency-Key: $key" -H 'Content-Type: application/json' \
				-w '\n%{http_code}' --data "$APP_BODY" "$url/v1/applications" 2>/dev/null)
			code=$(tail -n1 <<<"$out")
			case $code in
			201)	echo "$key $(head -n1 <<<"$out" | jq -r .id)" >>"$T/apps.acked"; break ;;
			409)	echo "$key" >>"$T/apps.later"; break ;;
			000|"")	echo "$key" >>"$T/apps.retried"
				wait_for 10 url_moved "$url"
				[ -e "$T/stop" ] && { echo "$key" >>"$T/apps.later"; break; } ;;
			*)	echo "$key $code $(head -n1 <<<"$out")" >>"$T/apps.failed"; break ;;
			esac
		done
	done
}
APP_BODY='{"procedure":"131016:tokutei-kenshin","answers":{"reason":"age"}}'
reason=$(curl -sS -H "Authorization: Bearer $access" "$BFF_URL/v1/sync?limit=1000" |
	jq -r '.changes[] | select(.id == "131016:tokutei-kenshin") | .data.fields[] | select(.name == "reason") | .choices[0].value')
APP_BODY="{\"procedure\":\"131016:tokutei-kenshin\",\"answers\":{\"reason\":\"$reason\"}}"
out=$(curl -sS -w '\n%{http_code}' -X POST -H "Authorization: Bearer $access" \
	-H 'Idempotency-Key: crash-key-probe' -H 'Content-Type: application/json' \
	--data "$APP_BODY" "$BFF_URL/v1/applications")
is "an application can be filed" "$(tail -n1 <<<"$out")" "201"
echo "crash-key-probe $(head -n1 <<<"$out" | jq -r .id)" >"$T/apps.acked"

: >"$T/notices.acked"; : >"$T/notices.doubt"; : >"$T/apps.later"; : >"$T/apps.retried"; : >"$T/apps.failed"
operator &
op_pid=$!
track "$op_pid"
resident &
res_pid=$!
track "$res_pid"
bad=0
for k in $(seq 1 "$kills"); do
	# A random moment from 100 to 600 ms into this server's life.
	sleep "0.$(printf '%03d' $((RANDOM % 500 + 100)))"
	stop_bff
	r=$(sqlite3 "$bffdb" 'PRAGMA integrity_check')
	[ "$r" = ok ] || { echo "# after kill $k: $r"; bad=$((bad + 1)); }
	serve
done
touch "$T/stop"
wait "$op_pid" "$res_pid"
is "the database passed integrity_check after every kill" "$bad" "0"

# The keys left for the end: once the server has dropped the tries that
# were cut short (60 seconds; here on a clock a minute and a half ahead),
# each is sent again and must be answered 201.
if [ -s "$T/apps.later" ]; then
	stop_bff
	serve_later() {
		FAKETIME='+90s' LD_PRELOAD=$(ls /usr/lib/*/faketime/libfaketime.so.1 | head -n1) \
			FAKETIME_DONT_FAKE_MONOTONIC=1 serve
	}
	serve_later
fi
later_bad=0
for key in $(sort -u "$T/apps.later"); do
	out=$(curl -sS -X POST -H "Authorization: Bearer $access" -H "Idempotency-Key: $key" \
		-H 'Content-Type: application/json' -w '\n%{http_code}' --data "$APP_BODY" "$BFF_URL/v1/applications")
	if [ "$(tail -n1 <<<"$out")" = 201 ]; then
		echo "$key $(head -n1 <<<"$out" | jq -r .id)" >>"$T/apps.acked"
	else
		echo "# $key: $(tail -n1 <<<"$out") $(head -n1 <<<"$out")"
		later_bad=$((later_bad + 1))
	fi
done
is "every application left for the end was filed" "$later_bad" "0"
is "no application was refused" "$(cat "$T/apps.failed")" ""

use_server "$BFF_URL"
fresh=$(fresh_sync) || bail "the fresh sync failed"
echo "# $kills kills; notices: $(grep -c . "$T/notices.acked") acknowledged, $(grep -c . "$T/notices.doubt") in doubt; applications: $(grep -c . "$T/apps.acked") acknowledged, $(grep -c . "$T/apps.retried") tries without an answer, $(sort -u "$T/apps.later" | grep -c .) left for the end"
ok "the operator got many answers" test "$(grep -c . "$T/notices.acked")" -ge "$kills"

# Every acknowledged notice is there, once, under its id.
missing=0
while read -r _ n id; do
	got=$(sqlite3 "$fresh" "SELECT count(*) FROM notices WHERE id = '$id' AND title_ja = 'crash $n'")
	[ "$got" = 1 ] || { echo "# notice crash $n ($id): $got"; missing=$((missing + 1)); }
done <"$T/notices.acked"
is "every acknowledged notice is in the feed" "$missing" "0"
is "no notice title is there twice" \
	"$(sqlite3 "$fresh" "SELECT title_ja FROM notices WHERE title_ja LIKE 'crash %' GROUP BY title_ja HAVING count(*) > 1")" ""

# Every acknowledged application is there; a key never made two.
missing=0
while read -r key id; do
	[ "$(sqlite3 "$fresh" "SELECT count(*) FROM applications WHERE id = '$id'")" = 1 ] ||
		{ echo "# $key ($id) missing"; missing=$((missing + 1)); }
done <"$T/apps.acked"
is "every acknowledged application is in the feed" "$missing" "0"
is "each key got one application id" "$(awk '{print $1}' "$T/apps.acked" | sort | uniq -d; awk '{print $1, $2}' "$T/apps.acked" | sort -u | awk '{print $1}' | uniq -d)" ""
is "the server holds exactly one application per key" \
	"$(sqlite3 "$fresh" 'SELECT count(*) FROM applications')" "$(awk '{print $1}' "$T/apps.acked" | sort -u | grep -c .)"
is "the database is sound at the end" "$(sqlite3 "$bffdb" 'PRAGMA integrity_check')" "ok"

done_testing
