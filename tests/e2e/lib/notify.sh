# For the tests that need a real notification server, sourced after
# ../lib.sh inside dbus-run-session: Xvfb on a free display, dunst, and
# dbus-monitor writing every Notify call into $T/monitor.log.

# start_notification_server [LINE...]: starts them; each LINE is added to
# dunst's [global] section (such as "dmenu = PATH").
start_notification_server() {
	local line
	Xvfb -displayfd 3 -nolisten tcp -screen 0 640x480x24 3>"$T/display" 2>"$T/xvfb.log" &
	track $!
	wait_for 10 grep -qE '^[0-9]+$' "$T/display" || { cat "$T/xvfb.log"; bail "Xvfb did not start"; }
	export DISPLAY=:$(head -n1 "$T/display")
	{
		printf '[global]\n    monitor = 0\n    follow = none\n'
		for line in "$@"; do printf '    %s\n' "$line"; done
	} >"$T/dunstrc"
	dunst -config "$T/dunstrc" >"$T/dunst.log" 2>&1 &
	track $!
	wait_for 10 notification_server_up || { cat "$T/dunst.log"; bail "dunst did not start"; }
	dbus-monitor --session "interface='org.freedesktop.Notifications',member='Notify'" \
		>"$T/monitor.log" 2>&1 &
	track $!
	wait_for 10 grep -q 'member=NameLost' "$T/monitor.log" || bail "dbus-monitor did not start"
}

# Asks the bus without starting anything: the bus would otherwise start a
# dunst of its own, on no display.
notification_server_up() {
	dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
		org.freedesktop.DBus.NameHasOwner string:org.freedesktop.Notifications |
		grep -q 'boolean true'
}

# summaries: the summary of each Notify call, one per line.
summaries() {
	awk '/^method call .*member=Notify/ { n = 1; s = 0; next }
	     /^(method|signal|error)/ { n = 0 }
	     n && /^   string "/ { s++; if (s == 3) { v = $0; sub(/^   string "/, "", v); sub(/"$/, "", v); print v } }' \
		"$T/monitor.log"
}
ncalls() { summaries | wc -l; }
calls_are() { [ "$(ncalls)" -eq "$1" ]; }

# post_deadline TITLE_EN TITLE_JA DUE [PROCEDURE]: a deadline for demo;
# prints its id.
post_deadline() {
	local proc=null out
	[ -n "${4:-}" ] && proc="\"$4\""
	out=$(admin POST /v1/admin/deadlines "{\"user\":\"demo\",\"title\":{\"ja\":\"$2\",\"en\":\"$1\"},\"due\":\"$3\",\"procedure\":$proc}")
	[ "$(tail -n1 <<<"$out")" = 201 ] || { echo "$out" >&2; return 1; }
	head -n1 <<<"$out" | jq -r .id
}
