# mynad as a service: the sd_notify protocol read from a real datagram
# socket (READY=1, WATCHDOG=1 at half of $WATCHDOG_USEC, STOPPING=1), no
# watchdog for another process's $WATCHDOG_PID, and an idle daemon that
# makes no system call at all while it waits (no polling loop).
. "$(dirname "$0")/../lib.sh"
nobus="env -u DBUS_SESSION_BUS_ADDRESS -u DISPLAY -u WAYLAND_DISPLAY"
gone() { ! kill -0 "$1" 2>/dev/null || [ "$(ps -o stat= -p "$1")" = Z ]; }

start_bff
ok "sign in as demo" login_as demo
echo 'notifications = off' >>"$XDG_CONFIG_HOME/myna/config"

# listen FILE: receives sd_notify datagrams on $T/notify.sock into FILE
# (back to back: messages reads them one per line).
listen() {
	rm -f "$T/notify.sock"
	socat -u UNIX-RECV:"$T/notify.sock" - >"$1" 2>/dev/null &
	SOCAT_PID=$!
	track "$SOCAT_PID"
	wait_for 5 test -S "$T/notify.sock"
}

command -v socat >/dev/null || bail "socat is needed (make deps installs it)"

# 1. The watchdog: every 0.25 s for WATCHDOG_USEC=500000.
listen "$T/notify.out"
NOTIFY_SOCKET=$T/notify.sock WATCHDOG_USEC=500000 MYNA_LOG=debug \
	$nobus mynad --foreground 2>"$T/d.log" &
pid=$!
track "$pid"
ok "the daemon syncs" wait_for 10 grep -q 'mynad info: synced' "$T/d.log"
messages() { grep -oE '(READY|RELOADING|STOPPING|WATCHDOG)=1' "$1"; }
pings() { messages "$T/notify.out" | grep -c '^WATCHDOG=1$'; }
n=$(pings)
sleep 1.6
like "it pings the watchdog every quarter second while idle" "$(( $(pings) - n ))" '^[5-8]$'
is "READY=1 came first" "$(messages "$T/notify.out" | head -n1)" "READY=1"
kill -TERM "$pid"
ok "SIGTERM stops it" wait_for 2 gone "$pid"
wait "$pid"
is "with status 0" "$?" "0"
sleep 0.1
is "STOPPING=1 came last" "$(messages "$T/notify.out" | tail -n1)" "STOPPING=1"
kill "$SOCAT_PID" 2>/dev/null

# 2. A watchdog meant for another process is not ours to feed.
listen "$T/notify2.out"
NOTIFY_SOCKET=$T/notify.sock WATCHDOG_USEC=500000 WATCHDOG_PID=1 \
	$nobus mynad --foreground 2>"$T/d2.log" &
pid=$!
track "$pid"
ok "the daemon syncs" wait_for 10 grep -q 'mynad info: synced' "$T/d2.log"
sleep 0.6
is "no WATCHDOG=1 for WATCHDOG_PID=1" "$(grep -c WATCHDOG "$T/notify2.out")" "0"
kill -TERM "$pid"
wait "$pid"
kill "$SOCAT_PID" 2>/dev/null

# 3. Idle: the daemon sleeps in one poll() that does not return.  Traced
#    for 2 seconds while its long-poll waits at the server.
if command -v strace >/dev/null && strace -o /dev/null true 2>/dev/null; then
	$nobus mynad --foreground 2>"$T/d3.log" &
	pid=$!
	track "$pid"
	ok "the daemon syncs" wait_for 10 grep -q 'mynad info: synced' "$T/d3.log"
	wait_for 5 sh -c "printf '{\"request\":\"status\"}\n' | socat -t 5 - UNIX-CONNECT:$XDG_RUNTIME_DIR/myna/mynad.sock | grep -q '\"long_poll\":true'"
	sleep 0.3
	timeout -s INT 2 strace -f -p "$pid" -o "$T/strace.out" 2>/dev/null
	calls=$(grep -vcE 'resumed>|unfinished|detached|attached|restart_syscall' "$T/strace.out")
	is "no system call in 2 idle seconds" "$calls" "0"
	kill -TERM "$pid"
	wait "$pid"
else
	ok "strace can trace the daemon (make deps installs it)" false
fi

done_testing
