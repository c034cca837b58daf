# mynad hands its reminders to the notification helper, myna-notify, a
# process of its own: the daemon itself loads no desktop or speech library.
# With a real notification server (dunst under Xvfb in a private session
# bus, every Notify call recorded by dbus-monitor) and the clock fixed by
# faketime: the helper's protocol on its own; a helper that is missing or
# not executable, one killed in the middle of a batch, one that hangs, and
# one that crashes while it waits for actions; each costs one log line,
# keeps what was not delivered for the next chance, and never shows a
# delivered reminder twice.  The helper lives as long as its notifications
# can be acted on, and goes when the daemon goes.
if [ -z "${MYNA_TEST_SESSION_BUS:-}" ]; then
	MYNA_TEST_SESSION_BUS=1 exec dbus-run-session -- bash "$0" "$@"
fi
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib/notify.sh"
export FAKETIME_DONT_FAKE_MONOTONIC=1
# libfaketime is preloaded ahead of the sanitizer runtime in SANITIZE=1
# builds; and a helper crashed on purpose with SIGSEGV must die of it, not
# be reported by ASan.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0:handle_segv=0
db=$XDG_DATA_HOME/myna/myna.db
config=$XDG_CONFIG_HOME/myna/config
q() { sqlite3 "$db" "$1"; }
gone() { ! kill -0 "$1" 2>/dev/null || [ "$(ps -o stat= -p "$1")" = Z ]; }
faketime_lib=$(ls /usr/lib/*/faketime/libfaketime.so.1 | head -n1)
# at TIME CMD...: CMD with the clock starting at TIME (Tokyo).
at() { local t=$1; shift; LD_PRELOAD=$faketime_lib FAKETIME="@$t" "$@"; }

sent_rows() { q "SELECT count(*) FROM reminders_sent WHERE deadline_id LIKE '$1@%'"; }
# helper_pid LOG: the process of the last helper the daemon started.
helper_pid() { grep -oE 'notification helper [^ ]*: process [0-9]+, ' "$1" | tail -n1 | grep -oE '[0-9]+, $' | tr -d ', '; }
# started LOG: how many helpers the daemon started.
started() { grep -cE 'notification helper [^ ]*: process [0-9]+, ' "$1"; }

# 0. The daemon links none of the desktop and speech libraries; the helper
#    does.
needed() { readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' '; }
is "mynad loads no desktop or speech library" \
	"$(needed "$BIN/mynad" | grep -oE 'lib(notify|glib|gobject|gio|gdk|speechd|espeak|mecab|pulse|dbus)[^ ]*')" ""
like "myna-notify does" "$(needed "$BIN/myna-notify")" 'libnotify.*libspeechd.*libespeak-ng.*libmecab'

start_notification_server
start_bff
ok "sign in as demo" login_as demo
# Monday 10 June 2030, noon in Tokyo.  The demo data is years older: no
# reminders of its own.
a=$(post_deadline "Pay the resident tax" "住民税の納付" 2030-06-10T23:59:59+09:00) || bail "cannot post"
b=$(post_deadline "Submit the moving-out notification" "転出届の提出" 2030-06-12T23:59:59+09:00) || bail "cannot post"
c=$(post_deadline "Renew the health insurance card" "保険証の更新" 2030-06-13T23:59:59+09:00) || bail "cannot post"
NOON='2030-06-10 12:00:00'

# 1. The helper's protocol on its own: a batch in, one answer a line out.
batch='{"language":"en","lang":"en","notifications":true,"speech":false,"settings":{},"actions":null,"linger":0,"reminders":[{"id":"d-1","summary":"Protocol check","body":"Due today","urgency":2,"speech":"Reminder: Protocol check"}]}'
out=$(printf '%s' "$batch" | myna-notify 2>"$T/helper.err")
is "the helper exits 0" "$?" "0"
is "it answers delivered" "$(jq -c '{event, id, shown, spoken}' <<<"$out")" \
	'{"event":"delivered","id":"d-1","shown":true,"spoken":false}'
ok "and the notification server got it" wait_for 5 calls_are 1
is "with its summary" "$(summaries | tail -n1)" "Protocol check"
out=$(printf '%s' "$batch" | env -u DBUS_SESSION_BUS_ADDRESS -u DISPLAY myna-notify 2>/dev/null)
is "without a session bus: failed, with the reason" "$(jq -c '{event, id, why}' <<<"$out")" \
	'{"event":"failed","id":"d-1","why":"show"}'
like "and the reason in words" "$(jq -r .message <<<"$out")" '.'
echo '{"nothing": 1}' | myna-notify >"$T/bad.out" 2>"$T/bad.err"
is "input that is not a batch: exit 2" "$?" "2"
like "with a line that says so" "$(cat "$T/bad.err")" 'myna-notify error: .*batch'
is "and no answer" "$(cat "$T/bad.out")" ""
before=$(ncalls)

# 2. The helper is missing, or cannot be run: one clear line, nothing
#    recorded, the daemon's work done.
MYNA_NOTIFY_HELPER=$T/nowhere/myna-notify at "$NOON" mynad --once 2>"$T/missing.log"
is "helper missing: mynad --once exits 0" "$?" "0"
is "one line says so" "$(grep -c 'cannot show notifications' "$T/missing.log")" "1"
like "naming the helper and why" "$(cat "$T/missing.log")" \
	"mynad warn: cannot show notifications \\(cannot start the notification helper $T/nowhere/myna-notify: No such file or directory\\); 3 reminders are kept for the next try"
like "the sync still ran" "$(cat "$T/missing.log")" 'mynad info: synced'
is "nothing is recorded" "$(q 'SELECT count(*) FROM reminders_sent')" "0"
printf '#!/bin/sh\nexit 0\n' >"$T/noexec"
chmod 644 "$T/noexec"
MYNA_NOTIFY_HELPER=$T/noexec at "$NOON" mynad --once 2>"$T/noexec.log"
is "helper not executable: exit 0" "$?" "0"
like "one line says so" "$(grep 'cannot show' "$T/noexec.log")" \
	"cannot start the notification helper $T/noexec: Permission denied\\); 3 reminders are kept"
is "nothing is recorded" "$(q 'SELECT count(*) FROM reminders_sent')" "0"
# A daemon installed without its helper looks for it where `make install`
# puts it, and says where it looked.
libexec=$(grep -oE 'MYNA_LIBEXECDIR=[^ ]*' "$ROOT/build/flags" | cut -d= -f2)
if [ -e "$libexec/myna-notify" ]; then
	echo "ok $((_tap_n += 1)) # SKIP a helper is installed in $libexec"
else
	mkdir -p "$T/alone"
	cp "$BIN/mynad" "$T/alone/mynad"
	at "$NOON" "$T/alone/mynad" --once 2>"$T/alone.log"
	like "a daemon without its helper names the one it looked for" "$(cat "$T/alone.log")" \
		"cannot start the notification helper $libexec/myna-notify: No such file or directory"
fi
is "no Notify call came from any of them" "$(ncalls)" "$before"

# 3. A helper killed in the middle of a batch: the real helper shows the
#    first reminder and answers, then its process is killed (SIGKILL)
#    before it shows the others.
cat >"$T/killed" <<EOF
#!/bin/bash
jq -c '.reminders |= .[:1]' | "$BIN/myna-notify" | { IFS= read -r line; printf '%s\n' "\$line"; }
kill -KILL \$\$
EOF
chmod +x "$T/killed"
MYNA_NOTIFY_HELPER=$T/killed at "$NOON" mynad --once 2>"$T/killed.log"
is "helper killed: mynad --once exits 0" "$?" "0"
like "the first reminder counts as sent" "$(cat "$T/killed.log")" 'mynad info: sent 1 reminder$'
like "the kill is one line, and the rest is kept" "$(cat "$T/killed.log")" \
	'cannot show notifications \(the notification helper was killed by signal 9 \(Killed\)\); 2 reminders are kept for the next try'
ok "its Notify arrived" wait_for 5 calls_are $((before + 1))
is "it was the first deadline's" "$(summaries | tail -n1)" "Pay the resident tax"
is "that one is recorded" "$(sent_rows "$a")" "5"
is "the others are not" "$(sent_rows "$b")/$(sent_rows "$c")" "0/0"
at '2030-06-10 12:01:00' mynad --once 2>"$T/next.log"
like "the next chance sends the other two" "$(cat "$T/next.log")" 'mynad info: sent 2 reminders$'
ok "two more Notify calls" wait_for 5 calls_are $((before + 3))
is "each deadline was shown once" "$(summaries | tail -n +$((before + 1)) | sort | uniq -c | awk '{ print $1 }' | tr '\n' ' ')" "1 1 1 "
is "and recorded" "$(sent_rows "$b")/$(sent_rows "$c")" "3/3"
at '2030-06-10 12:02:00' mynad --once 2>"$T/again.log"
is "a third run sends nothing" "$(grep -c 'reminder' "$T/again.log")" "0"

# 4. A helper that hangs: the daemon is not held up, stops it after the
#    bound (MYNA_NOTIFY_TIMEOUT), keeps the reminder, and gives it to the
#    next helper at the next chance (a sync).
q 'DELETE FROM reminders_sent'
before=$(ncalls)
cat >"$T/hang" <<EOF
#!/bin/sh
if [ -e "$T/hang-once" ]; then
	rm -f "$T/hang-once"
	echo \$\$ >"$T/hang.pid"
	exec sleep 600
fi
exec "$BIN/myna-notify"
EOF
chmod +x "$T/hang"
touch "$T/hang-once"
MYNA_NOTIFY_HELPER=$T/hang MYNA_NOTIFY_TIMEOUT=3 MYNA_LOG=debug \
	LD_PRELOAD=$faketime_lib FAKETIME="@$NOON" mynad --foreground 2>"$T/hang.log" &
pid=$!
track "$pid"
ok "the hanging helper starts" wait_for 10 test -s "$T/hang.pid"
hang=$(cat "$T/hang.pid")
t0=$SECONDS
like "meanwhile the daemon answers" "$(myna status)" "Daemon: running \\(process $pid\\)"
ok "and stops the helper after the bound" wait_for 10 gone "$hang"
ok "saying so once" wait_for 5 grep -q \
	'cannot show notifications (the notification helper did not answer within 3 seconds and was stopped); 3 reminders are kept for the next try' "$T/hang.log"
like "not before the bound" "$((SECONDS - t0 >= 2))" '^1$'
is "nothing was recorded" "$(q 'SELECT count(*) FROM reminders_sent')" "0"
is "nothing was shown" "$(ncalls)" "$before"
is "the daemon started no other helper meanwhile" "$(started "$T/hang.log")" "1"
is "myna sync, the next chance" "$(myna sync)" "Up to date"
ok "the three reminders go out" wait_for 10 grep -q 'mynad info: sent 3 reminders' "$T/hang.log"
ok "three Notify calls" wait_for 5 calls_are $((before + 3))
is "each once" "$(summaries | tail -n +$((before + 1)) | sort | uniq -c | awk '{ print $1 }' | tr '\n' ' ')" "1 1 1 "

# 5. The helper waits for actions while its notifications are open, and
#    a crash then costs the daemon one line, nothing else.
helper=$(helper_pid "$T/hang.log")
like "the helper stays for the actions" "$helper" '^[0-9]+$'
ok "it is running" kill -0 "$helper"
kill -SEGV "$helper"
ok "a crash of the helper is one line" wait_for 5 grep -q \
	'mynad warn: the notification helper was killed by signal 11 (Segmentation fault)' "$T/hang.log"
ok "the daemon runs on" kill -0 "$pid"
like "and answers" "$(myna status)" "Daemon: running \\(process $pid\\)"
is "what was delivered stays recorded" "$(q 'SELECT count(*) FROM reminders_sent')" "11"
n=$(ncalls)
is "myna sync" "$(myna sync)" "Up to date"
sleep 1
is "and nothing is shown twice" "$(ncalls)" "$n"
kill -TERM "$pid"
ok "SIGTERM stops the daemon" wait_for 5 gone "$pid"
wait "$pid"
is "with status 0" "$?" "0"

# 5b. A slow helper: each answer comes within the bound, the whole batch
#     takes longer than it; the bound is for each answer, so all count.
q 'DELETE FROM reminders_sent'
cat >"$T/slow" <<EOF
#!/bin/sh
"$BIN/myna-notify" | while IFS= read -r line; do sleep 2; printf '%s\n' "\$line"; done
EOF
chmod +x "$T/slow"
MYNA_NOTIFY_HELPER=$T/slow MYNA_NOTIFY_TIMEOUT=3 MYNA_LOG=debug \
	LD_PRELOAD=$faketime_lib FAKETIME="@$NOON" mynad --once 2>"$T/slow.log"
is "a slow helper: mynad --once ends with status 0" "$?" "0"
ok "no answer was given up on" test "$(grep -c 'did not answer within' "$T/slow.log")" -eq 0
like "every reminder of the batch was recorded" "$(cat "$T/slow.log")" 'mynad info: sent [3-9] reminders|mynad info: sent [1-9][0-9] reminders'

# 6. A helper goes when its notifications are closed, and when the daemon
#    goes.
q 'DELETE FROM reminders_sent'
MYNA_LOG=debug LD_PRELOAD=$faketime_lib FAKETIME="@$NOON" mynad --foreground 2>"$T/life.log" &
pid=$!
track "$pid"
ok "the reminders go out" wait_for 10 grep -q 'mynad info: sent 3 reminders' "$T/life.log"
helper=$(helper_pid "$T/life.log")
sleep 1
ok "the helper waits while they are open" kill -0 "$helper"
dunstctl close-all
ok "and exits once they are closed" wait_for 5 gone "$helper"
ok "which the daemon notes" wait_for 5 grep -q "notification helper: process $helper ended" "$T/life.log"
q 'DELETE FROM reminders_sent'
is "myna sync brings the reminders again" "$(myna sync)" "Up to date"
twice() { [ "$(grep -c 'mynad info: sent 3 reminders' "$T/life.log")" -eq 2 ]; }
ok "they go out" wait_for 10 twice
is "through a second helper" "$(started "$T/life.log")" "2"
helper=$(helper_pid "$T/life.log")
ok "a new helper waits for actions" kill -0 "$helper"
kill -KILL "$pid"
ok "killed, the daemon leaves no helper behind" wait_for 5 gone "$helper"

done_testing
