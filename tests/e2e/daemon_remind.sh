# mynad's reminders with a real notification server (dunst under Xvfb in a
# private session bus) on a fixed clock: quiet hours hold reminders back
# and the daemon wakes exactly at their end, when the missed ones come as
# one catch-up per deadline; a reminder is shown once across two runs;
# the actions of a notification (Done, Snooze 1 day, Open) picked in dunst
# reach the daemon; `myna snooze` puts a deadline off and the daemon plans
# the end of the snooze.
if [ -z "${MYNA_TEST_SESSION_BUS:-}" ]; then
	MYNA_TEST_SESSION_BUS=1 exec dbus-run-session -- bash "$0" "$@"
fi
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib/notify.sh"
export FAKETIME_DONT_FAKE_MONOTONIC=1
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
db=$XDG_DATA_HOME/myna/myna.db
sock=$XDG_RUNTIME_DIR/myna/mynad.sock
config=$XDG_CONFIG_HOME/myna/config
q() { sqlite3 "$db" "$1"; }
gone() { ! kill -0 "$1" 2>/dev/null || [ "$(ps -o stat= -p "$1")" = Z ]; }
faketime_lib=$(ls /usr/lib/*/faketime/libfaketime.so.1 | head -n1)

# dunst's context menu runs "dmenu" with one line per action; this one
# picks the line that $T/pick names and says what it was offered.
cat >"$T/dmenu" <<EOF
#!/bin/sh
cat >"$T/menu"
grep -F -- "\$(cat "$T/pick")" "$T/menu" | head -n1
EOF
chmod +x "$T/dmenu"
# open_command: records its arguments, where its descriptors lead and the
# signals it ignores.
cat >"$T/open" <<EOF
#!/bin/sh
for f in /proc/\$\$/fd/*; do readlink "\$f"; done >"$T/opened.fds"
sed -n 's/^SigIgn:[[:space:]]*//p' /proc/\$\$/status >"$T/opened.sigign"
echo "\$@" >"$T/opened"
EOF
chmod +x "$T/open"

# at TIME CMD...: runs CMD with the clock starting at TIME (Tokyo).  The
# daemon is started the same way but directly, so that $! is its pid.
at() { local t=$1; shift; LD_PRELOAD=$faketime_lib FAKETIME="@$t" "$@"; }

start_notification_server "dmenu = $T/dmenu"
start_bff
ok "sign in as demo" login_as demo

# Tuesday 11 June 2030.  The demo data is years older: no reminders.
a=$(post_deadline "Pay the resident tax" "住民税の納付" 2030-06-12T23:59:59+09:00) || bail "cannot post"
b=$(post_deadline "Renew the health insurance card" "保険証の更新" 2030-06-13T23:59:59+09:00) || bail "cannot post"
c=$(post_deadline "Send the current status report" "現況届の提出" 2030-06-14T23:59:59+09:00) || bail "cannot post"
cat >>"$config" <<EOF
quiet_hours = 22-7
open_command = $T/open %s
EOF

# 1. At 23:00 everything is held back.
at '2030-06-10 23:00:00' mynad --once 2>"$T/quiet.log"
is "mynad --once exits 0 in quiet hours" "$?" "0"
like "it says the reminders wait" "$(cat "$T/quiet.log")" \
	'mynad info: quiet hours: 3 reminders wait until 2030-06-11T07:00:00\+09:00'
is "nothing was shown" "$(ncalls)" "0"
is "nothing was recorded" "$(q 'SELECT count(*) FROM reminders_sent')" "0"

# 2. The daemon starts at 06:59:57 and wakes at 07:00:00 exactly: one
#    catch-up per deadline.
LD_PRELOAD=$faketime_lib FAKETIME='@2030-06-11 06:59:57' MYNA_LOG=debug \
	mynad --foreground 2>"$T/d1.log" &
pid=$!
track "$pid"
ok "the daemon plans its wake-up for the end of quiet hours" \
	wait_for 10 grep -q 'next wake-up at 2030-06-11T07:00:00+09:00' "$T/d1.log"
ok "three notifications arrive" wait_for 10 calls_are 3
is "one per deadline" "$(summaries | sort | tr '\n' '|')" \
	"Pay the resident tax|Renew the health insurance card|Send the current status report|"
ok "at 07:00:00" grep -qE '^2030-06-11T07:00:0[0-2]\+09:00 mynad info: sent 3 reminders' "$T/d1.log"
is "the missed offsets were recorded with them" \
	"$(q "SELECT offset_days FROM reminders_sent WHERE deadline_id LIKE '$a@%' ORDER BY 1" | tr '\n' ' ')" \
	"3 7 30 "
ok "it asked the server about actions" grep -q 'next wake-up' "$T/d1.log"

# 3. The actions, picked in dunst's menu.
echo "#Done (Pay the resident tax)" >"$T/pick"
dunstctl context
ok "Done reaches the daemon" wait_for 5 grep -q "mynad info: marked $a done from its notification" "$T/d1.log"
like "dunst offered Open, Done and Snooze 1 day" "$(grep -F '(Pay the resident tax)' "$T/menu" | cut -d' ' -f1 | sort -u | tr '\n' ' ')" \
	'^#Done #Open #Snooze $'
is "the deadline is done" "$(q "SELECT done FROM deadlines WHERE id = '$a'")" "1"
echo "#Snooze 1 day (Renew the health insurance card)" >"$T/pick"
dunstctl context
ok "Snooze reaches the daemon" wait_for 5 grep -q "mynad info: snoozed $b until 2030-06-12T07:00" "$T/d1.log"
like "the snooze is stored" "$(q "SELECT datetime(until_ts, 'unixepoch', '+9 hours') FROM snoozes WHERE deadline_id = '$b'")" \
	'^2030-06-12 07:00:0[0-9]$'
echo "#Open (Send the current status report)" >"$T/pick"
dunstctl context
ok "Open starts open_command" wait_for 5 test -s "$T/opened"
is "with the deadline's id" "$(cat "$T/opened")" "$c"
is "with none of the daemon's sockets, pipes or event descriptors" \
	"$(grep -cE '^(socket|pipe|anon_inode):' "$T/opened.fds")" 0
is "and SIGPIPE at its default, not ignored as in the daemon" \
	"$(( (0x$(cat "$T/opened.sigign") >> 12) & 1 ))" 0
like "and logs it" "$(cat "$T/d1.log")" "mynad info: opened myna for $c \\(process [0-9]+\\)"

# The daemon now plans: the 1-day reminder of $c at 09:00; $b waits for
# its snooze; $a is done.
like "the next wake-up is 09:00" "$(tail -n 3 "$T/d1.log")" 'next wake-up at 2030-06-11T09:00:00\+09:00'
kill -TERM "$pid"
ok "SIGTERM stops it" wait_for 2 gone "$pid"
wait "$pid"
is "with status 0" "$?" "0"

# 4. A second run a minute later shows nothing again.
before=$(ncalls)
at '2030-06-11 07:01:00' mynad --once 2>"$T/again.log"
is "the second run exits 0" "$?" "0"
is "and sends nothing" "$(grep -c 'sent [0-9]* reminder' "$T/again.log")" "0"
d=$(post_deadline "Marker deadline" "目印" 2030-06-11T18:00:00+09:00) || bail "cannot post"
at '2030-06-11 07:02:00' mynad --once 2>"$T/marker.log"
ok "a marker's Notify arrives" wait_for 5 calls_are $((before + 1))
is "and nothing came before it" "$(summaries | tail -n1)" "Marker deadline"

# 5. myna snooze, with the daemon running: it plans the end of the snooze.
#    (The marker is done first: its own reminder at 09:00 would hide it.)
q "UPDATE deadlines SET done = 1 WHERE id = '$d'"
LD_PRELOAD=$faketime_lib FAKETIME='@2030-06-11 08:00:00' MYNA_LOG=debug \
	mynad --foreground 2>"$T/d2.log" &
pid=$!
track "$pid"
ok "the daemon starts" wait_for 10 test -S "$sock"
ok "and plans the 09:00 reminder of $c" wait_for 5 grep -q 'next wake-up at 2030-06-11T09:00:00+09:00' "$T/d2.log"
out=$(at '2030-06-11 08:00:10' myna snooze "$c" 3h)
like "myna snooze says until when" "$out" "^No reminder until Tue 11 Jun 2030 11:00: Send the current status report\$"
ok "the daemon plans the end of the snooze instead" \
	wait_for 5 grep -q 'next wake-up at 2030-06-11T11:00:1[0-9]+09:00' "$T/d2.log"
like "myna snooze rejects a bad duration" "$(myna snooze "$c" soon 2>&1 >/dev/null)" \
	'^myna: "soon" is not a duration: give minutes, hours, days or weeks'
myna snooze "$c" off >/dev/null
is "snooze off removes it" "$(q "SELECT count(*) FROM snoozes WHERE deadline_id = '$c'")" "0"
kill -TERM "$pid"
wait "$pid"

# 6. speech = on, notifications = off: the reminder is spoken (through the
#    speech module, without sound; its transcript shows what was said).
printf 'speech = on\nnotifications = off\n' >>"$config"
e=$(post_deadline "Pay the water bill" "水道料金の支払い" 2030-06-11T23:59:59+09:00) || bail "cannot post"
before=$(ncalls)
MYNA_SPEECH=silent MYNA_SPEECH_TRANSCRIPT=$T/said at '2030-06-11 12:00:00' mynad --once 2>"$T/speech.log"
is "mynad --once exits 0" "$?" "0"
like "the reminder was spoken" "$(cat "$T/said")" '^Reminder: Pay the water bill, due Tue 11 Jun 2030, today$'
is "and recorded" "$(q "SELECT count(*) FROM reminders_sent WHERE deadline_id LIKE '$e@%'")" "5"
is "no notification was shown" "$(ncalls)" "$before"

done_testing
