# mynad and a real notification server: a private session bus
# (dbus-run-session), Xvfb, dunst, and dbus-monitor recording every Notify
# call.  mynad runs on a fixed clock (faketime) against deadlines posted
# for that time, so that exactly which reminders are due is known.
if [ -z "${MYNA_TEST_SESSION_BUS:-}" ]; then
	MYNA_TEST_SESSION_BUS=1 exec dbus-run-session -- bash "$0" "$@"
fi
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib/notify.sh"
export FAKETIME_DONT_FAKE_MONOTONIC=1
# libfaketime is preloaded ahead of the sanitizer runtime in SANITIZE=1
# builds; ASan must be told that this is fine.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
db=$XDG_DATA_HOME/myna/myna.db

# notify_calls: one line per Notify call seen: APP|SUMMARY|URGENCY.
notify_calls() {
	awk '
	function out() { if (n) print app "|" sum "|" urg; n = 0 }
	/^method call .*member=Notify/ { out(); n = 1; s = 0; app = sum = urg = ""; u = 0; next }
	/^(method|signal|error)/ { out(); next }
	n && /^   string "/ {
		s++; v = $0; sub(/^   string "/, "", v); sub(/"$/, "", v)
		if (s == 1) app = v; else if (s == 3) sum = v
	}
	n && /string "urgency"/ { u = 1; next }
	n && u && /byte/ { urg = $NF; u = 0 }
	END { out() }' "$T/monitor.log"
}

ncalls() { notify_calls | wc -l; }
# gone PID: the process has exited (a zombie not yet waited for counts).
gone() { ! kill -0 "$1" 2>/dev/null || [ "$(ps -o stat= -p "$1")" = Z ]; }

start_notification_server
start_bff
ok "sign in as demo" login_as demo

# The clock of these runs: Monday 10 June 2030, noon in Tokyo.  The demo
# data is dated around the server's today, years before: more than 30
# days overdue then, so it brings no reminder.
a=$(post_deadline "Pay the resident tax" "住民税の納付" 2030-06-10T23:59:59+09:00) || bail "cannot post"
b=$(post_deadline "Submit the moving-out notification" "転出届の提出" 2030-06-13T23:59:59+09:00 tenshutsu) || bail "cannot post"
c=$(post_deadline "Renew the health insurance card" "保険証の更新" 2030-06-30T23:59:59+09:00) || bail "cannot post"
d=$(post_deadline "Send the current status report" "現況届の提出" 2030-06-05T17:00:00+09:00) || bail "cannot post"
e=$(post_deadline "Long overdue filing" "長期超過の届出" 2030-05-01T23:59:59+09:00) || bail "cannot post"
f=$(post_deadline "Far away renewal" "先の更新" 2030-08-09T23:59:59+09:00) || bail "cannot post"
h=$(post_deadline "Apply for the childcare benefit" "児童手当の申請" 2030-06-12T23:59:59+09:00) || bail "cannot post"

FAKETIME_NOW='@2030-06-10 12:00:00'
faketime -f "$FAKETIME_NOW" mynad --once 2>"$T/once1.log"
is "mynad --once exits 0" "$?" "0"
others=$(sqlite3 "$db" "SELECT count(*) FROM deadlines WHERE due_ts >= strftime('%s', '2030-04-01') AND id NOT IN ('$a','$b','$c','$d','$e','$f','$h')")
is "no other deadline falls near the test's clock" "$others" "0"

ok "five Notify calls arrive" wait_for 10 calls_are 5
is "the Notify calls: app name, summary, urgency" "$(notify_calls | sort)" "$(sort <<EOF
myna|Pay the resident tax|2
myna|Send the current status report|2
myna|Submit the moving-out notification|1
myna|Apply for the childcare benefit|1
myna|Renew the health insurance card|0
EOF
)"
like "the body gives the date in words and what to do" "$(cat "$T/monitor.log")" \
	'string "Thu 13 Jun 2030, in 3 days'$'\n''Apply with: myna apply tenshutsu"'
like "an overdue deadline says so" "$(cat "$T/monitor.log")" \
	'string "Wed 5 Jun 2030, 5 days overdue'$'\n''See what to do: myna show deadline '"$d"'"'
like "the log counts what was sent" "$(cat "$T/once1.log")" 'mynad info: sent 5 reminders'
is "every missed offset is recorded, each with its due date" \
	"$(sqlite3 "$db" 'SELECT deadline_id || " " || offset_days FROM reminders_sent ORDER BY 1' | sort)" \
	"$(sort <<EOF
$a@2030-06-10 0
$a@2030-06-10 1
$a@2030-06-10 3
$a@2030-06-10 7
$a@2030-06-10 30
$b@2030-06-13 3
$b@2030-06-13 7
$b@2030-06-13 30
$c@2030-06-30 30
$d@2030-06-05 0
$d@2030-06-05 1
$d@2030-06-05 3
$d@2030-06-05 7
$d@2030-06-05 30
$h@2030-06-12 3
$h@2030-06-12 7
$h@2030-06-12 30
EOF
)"

# A second run a minute later sends nothing.  A deadline posted after it
# is a marker: the bus delivers calls in order, so once its Notify is seen,
# any call from the second run would have been seen before it.
faketime -f '@2030-06-10 12:01:00' mynad --once 2>"$T/once2.log"
is "the second run exits 0" "$?" "0"
is "the second run logs no reminder" "$(grep -c 'sent [0-9]* reminder' "$T/once2.log")" "0"
m=$(post_deadline "Marker deadline" "目印" 2030-06-10T18:00:00+09:00) || bail "cannot post"
faketime -f '@2030-06-10 12:02:00' mynad --once 2>"$T/once3.log"
ok "the marker run's Notify arrives" wait_for 10 calls_are 6
is "the second run sent no Notify, the marker one exactly one" "$(notify_calls | tail -n1)" \
	"myna|Marker deadline|2"

# notifications = off: nothing shown, nothing recorded.  The new deadline
# is due the next day; it is marked done afterwards, as `myna done` does.
k=$(post_deadline "Already handled" "対応済み" 2030-06-11T23:59:59+09:00) || bail "cannot post"
cp "$XDG_CONFIG_HOME/myna/config" "$T/config.saved"
echo 'notifications = off' >>"$XDG_CONFIG_HOME/myna/config"
rows=$(sqlite3 "$db" 'SELECT count(*) FROM reminders_sent')
faketime -f '@2030-06-10 21:00:00' mynad --once 2>"$T/off.log"
is "with notifications off mynad exits 0" "$?" "0"
like "it says the reminders were not shown" "$(cat "$T/off.log")" 'notifications are off; [0-9]+ reminders? not shown'
is "nothing is recorded while notifications are off" "$(sqlite3 "$db" 'SELECT count(*) FROM reminders_sent')" "$rows"
cp "$T/config.saved" "$XDG_CONFIG_HOME/myna/config"

# Loop mode wakes at the reminder time to the second.  At 09:00 on 11
# June the one-day reminder of $h is due; the daemon starts three seconds
# before and must sleep until then.  The done deadline gets nothing.  In
# Japanese this time.
echo 'language = ja' >>"$XDG_CONFIG_HOME/myna/config"
sqlite3 "$db" "UPDATE deadlines SET done = 1 WHERE id = '$k'"
before=$(ncalls)
# libfaketime is preloaded directly rather than through faketime(1), which
# would stay in between as the parent and take the signals.
faketime_lib=$(ls /usr/lib/*/faketime/libfaketime.so.1 | head -n1)
LD_PRELOAD=$faketime_lib FAKETIME='@2030-06-11 08:59:57' MYNA_LOG=debug \
	mynad --foreground 2>"$T/loop.log" &
pid=$!
track "$pid"
ok "the reminder of the morning arrives" wait_for 15 calls_are $((before + 1))
is "it is the childcare deadline, in Japanese, normal urgency" "$(notify_calls | tail -n1)" \
	"myna|児童手当の申請|1"
like "the body is in Japanese" "$(cat "$T/monitor.log")" 'string "2030年6月12日（水）・明日'
like "the daemon planned its wake-up for 09:00:00" "$(cat "$T/loop.log")" \
	'next wake-up at 2030-06-11T09:00:00\+09:00'
ok "and sent the reminder at 09:00:00" grep -qE '^2030-06-11T09:00:0[0-2]\+09:00 mynad info: ' "$T/loop.log"
kill -TERM "$pid"
ok "SIGTERM stops it within 2 seconds" wait_for 2 gone "$pid"
wait "$pid"
is "SIGTERM stops the daemon with status 0" "$?" "0"
is "nothing else was sent" "$(ncalls)" "$((before + 1))"

done_testing
