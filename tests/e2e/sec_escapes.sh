# Terminal escapes and other control characters from a hostile server
# never reach the resident's terminal.  A server that does not clean
# anything (tests/fault/badserver.c serving a feed made here) puts OSC
# (window title, clipboard), CSI (clear screen, colours), DCS, C1 controls,
# BEL, backspace, DEL, CR, NUL, a lone surrogate and bidirectional
# overrides into every text field of every item type (a notice's agency
# and signature too).  After `myna sync`
# and `mynad --once` nothing of it is in the store, nor in what the
# resident sees: plain lists, --json output, show, speech transcripts,
# the plain presenter, the curses presenter (read back from tmux with its
# attributes, and the pane title an OSC would set), desktop notifications
# (dbus-monitor on a private session bus) and the daemon's log.  Raw
# invalid UTF-8 and an over-long field are refused or repaired, never
# passed on.
if [ -z "${MYNA_TEST_SESSION_BUS:-}" ]; then
	MYNA_TEST_SESSION_BUS=1 exec dbus-run-session -- bash "$0" "$@"
fi
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/fault/fault.sh"
export FAKETIME_DONT_FAKE_MONOTONIC=1
db=$XDG_DATA_HOME/myna/myna.db
fault_build

# P: the payload, as JSON escapes; every text field gets "tag<P>end".
P='\u001b]0;PWNED\u0007\u001b]52;c;cm0gLXJmIH4=\u0007\u001b[2J\u001b[38;5;196m\u009b31m\u001bP1|DCS\u001b\\\u202e\u2066\u0007\u0008\u007f\u0085\r\u0000\ud800\u001b(0'
t() { printf '"%s%s-end"' "$1" "$P"; }
l() { printf '{"ja":%s,"en":%s}' "$(t "$1ja")" "$(t "$1en")"; }
cat >"$T/feed.json" <<JSON
{"cursor":"evil-1","has_more":false,"changes":[
 {"type":"notice","id":"n-666","op":"upsert","data":{"title":$(l ntitle),"body":$(l nbody),"sender":$(l nsender),"published":"2030-06-10T10:00:00+09:00","agency":$(t nagency),"signature":$(t nsig)}},
 {"type":"deadline","id":"d-666","op":"upsert","data":{"title":$(l dtitle),"due":"2030-06-11T18:00:00+09:00","procedure":"evil-proc"}},
 {"type":"procedure","id":"evil-proc","op":"upsert","data":{"name":$(l pname),"agency":$(l pagency),"description":$(l pdesc),"deadline":$(l pdeadline),"documents":[$(l pdoc)],"online":true,"municipality":null,"fields":[
   {"name":"f_text","type":"text","label":$(l flabel),"required":true,"max_length":20,"help":$(l fhelp)},
   {"name":"f_choice","type":"choice","label":$(l clabel),"required":true,"choices":[{"value":"a","label":$(l choicea)}]}]}},
 {"type":"application","id":"a-666","op":"upsert","data":{"procedure":"evil-proc","procedure_name":$(l aname),"status":"needs_changes","submitted":"2030-06-01T10:00:00+09:00","updated":"2030-06-02T10:00:00+09:00","answers":{"f_text":$(t aanswer),"f_choice":"a"},"history":[{"status":"received","at":"2030-06-01T10:00:00+09:00"},{"status":"needs_changes","at":"2030-06-02T10:00:00+09:00","message":$(l amsg)}]}},
 {"type":"record","id":"r-666","op":"upsert","data":{"category":"tax","title":$(l rtitle),"source":$(l rsource),"updated":"2030-06-01T09:00:00+09:00","items":[{"label":$(l rlabel),"value":$(l rvalue)}]}},
 {"type":"access_log","id":"l-666","op":"upsert","data":{"when":"2030-06-01T14:05:00+09:00","agency":$(l lagency),"provider":$(l lprovider),"item":$(l litem),"purpose":$(l lpurpose)}}
]}
JSON
ok "the hostile feed was written" test -s "$T/feed.json"

# escaped FILE: passes when FILE holds neither a control character nor
# the text an escape would carry (an OSC's title, a DCS's payload) nor a
# JSON-escaped control.
escaped_free() {
	no_control "$1" || return 1
	if LC_ALL=C grep -naiE 'PWNED|DCS|cm0gLXJm|\\u00(1b|9b|07|08|7f|85|00)|\\u20(2e|66)|\\ud800' "$1" | head -n3 | grep .; then
		return 1
	fi
}
# shows FILE TAG: the visible part of a field survived the cleaning.
shows() { grep -qF "$2" "$1"; }

start_bad ok "$T/feed.json"
use_server "$BAD_URL"
fake_signin
out=$(myna sync 2>&1); rc=$?
is "myna sync takes the hostile feed (exit 0)" "$rc" "0"
printf '%s\n' "$out" >"$T/sync.out"
ok "its own output is clean" escaped_free "$T/sync.out"

# The store.
store_dump >"$T/store.sql"
ok "the store holds no control character and no escape" escaped_free "$T/store.sql"
for tag in ntitleja nbodyja nsenderja nagency nsig dtitleja pnameja pdescja pdocja flabelja fhelpja choiceaja anameja aanswer amsgja rtitleja rvalueja lagencyja lpurposeja; do
	ok "the store keeps the text of $tag" shows "$T/store.sql" "$tag"
done

# The sub-commands, in English and Japanese.
for lang in en_US.UTF-8 ja_JP.UTF-8; do
	n=0
	for kind in notices deadlines applications records access; do
		for json in "" --json; do
			LANG=$lang myna list "$kind" $json >"$T/list.out" 2>&1 || continue
			n=$((n + 1))
			ok "$lang: list $kind $json is clean" escaped_free "$T/list.out"
		done
	done
	ok "$lang: at least notices and deadlines were listed" test "$n" -ge 4
	LANG=$lang myna list notices >"$T/l.out" 2>&1
	ok "$lang: the notice is in the list" grep -q 'ntitle' "$T/l.out"
	for item in "notice n-666" "deadline d-666" "application a-666" "procedure evil-proc"; do
		# shellcheck disable=SC2086
		LANG=$lang myna show $item >"$T/show.out" 2>&1 || continue
		ok "$lang: show $item is clean" escaped_free "$T/show.out"
	done
	# shellcheck disable=SC2086
	LANG=$lang MYNA_SPEECH_TRANSCRIPT=$T/speech.txt myna show notice n-666 --speech >"$T/sp.out" 2>&1
	ok "$lang: the speech transcript is clean" escaped_free "$T/speech.txt"
	ok "$lang: and speaks the title" grep -q 'ntitle' "$T/speech.txt"
done
LANG=en_US.UTF-8 myna search evil >"$T/search.out" 2>&1 && ok "search output is clean" escaped_free "$T/search.out"

# The plain presenter: the To do screen, the notices, the first notice.
printf 'n\n1\nq\nq\nq\n' | myna --plain >"$T/plain.out" 2>&1
ok "the plain presenter is clean" escaped_free "$T/plain.out"
ok "and shows the notice" grep -q 'ntitle' "$T/plain.out"

# The curses presenter, in tmux (the notice unread again, as `show`
# marked it read).
sqlite3 "$db" "UPDATE notices SET read = 0 WHERE id = 'n-666'"
SOCK=myna-$$
tm() { tmux -L "$SOCK" "$@"; }
tm -f /dev/null new-session -d -s esc -x 100 -y 40 "env LANG=en_US.UTF-8 TERM=xterm-256color myna"
tm set -g set-titles off 2>/dev/null
title0=$(tm display -p -t esc '#{pane_title}')
screen_has() { tm capture-pane -p -t esc | grep -q "$1"; }
ok "the TUI's home screen shows the deadline" wait_for 10 screen_has 'dtitle'
ok "and the unread notice" screen_has 'ntitle'
tm capture-pane -e -p -t esc >"$T/tui-home.txt"
# Enter opens the focused item, the most urgent deadline.
tm send-keys -t esc Enter
ok "Enter opens the deadline" wait_for 5 screen_has 'evil-proc'
tm capture-pane -e -p -t esc >"$T/tui-item.txt"
for f in home item; do
	ok "TUI $f: no injected colour, title or payload in the screen" \
		test -z "$(grep -aE '38;5;196|PWNED|DCS|cm0gLXJm' "$T/tui-$f.txt")"
	ok "TUI $f: only the TUI's own attributes (SGR), no other sequence" \
		test -z "$(sed 's/\x1b\[[0-9;]*m//g' "$T/tui-$f.txt" | LC_ALL=C grep -aP '[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\xaa-\xae]')"
done
is "the pane title was not set by the feed" "$(tm display -p -t esc '#{pane_title}')" "$title0"
tm send-keys -t esc q q q
tm kill-session -t esc 2>/dev/null

# Desktop notifications, on a fixed clock the day before the deadline.
Xvfb -displayfd 3 -nolisten tcp -screen 0 640x480x24 3>"$T/display" 2>"$T/xvfb.log" &
track $!
wait_for 10 grep -qE '^[0-9]+$' "$T/display" || bail "Xvfb did not start"
export DISPLAY=:$(head -n1 "$T/display")
printf '[global]\n    monitor = 0\n    follow = none\n' >"$T/dunstrc"
dunst -config "$T/dunstrc" >"$T/dunst.log" 2>&1 &
track $!
notification_server_up() {
	dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
		org.freedesktop.DBus.NameHasOwner string:org.freedesktop.Notifications | grep -q 'boolean true'
}
wait_for 10 notification_server_up || bail "dunst did not start"
dbus-monitor --session "interface='org.freedesktop.Notifications',member='Notify'" >"$T/monitor.log" 2>&1 &
track $!
wait_for 10 grep -q 'member=NameLost' "$T/monitor.log" || bail "dbus-monitor did not start"
faketime -f '@2030-06-10 12:00:00' mynad --once 2>"$T/mynad.log"
is "mynad --once exits 0" "$?" "0"
ok "a reminder for the deadline was sent" wait_for 10 grep -q 'dtitle' "$T/monitor.log"
ok "the notification holds no control character or escape" escaped_free "$T/monitor.log"
ok "mynad's log is clean" escaped_free "$T/mynad.log"

# Raw invalid UTF-8 and an over-long field.
before=$(store_dump)
printf '{"cursor":"evil-2","has_more":false,"changes":[{"type":"notice","id":"n-667","op":"upsert","data":{"title":{"ja":"bad\xff\xfe\xc0\xaf\xed\xa0\x80utf8"},"body":{"ja":"b\xe3\x81"},"sender":{"ja":"s"},"published":"2030-06-10T10:00:00+09:00"}}]}' >"$T/badutf8.json"
start_bad ok "$T/badutf8.json"
use_server "$BAD_URL"
out=$(myna sync 2>&1); rc=$?
if [ "$rc" = 0 ]; then
	ok "raw invalid UTF-8: taken, and stored as valid UTF-8" sh -c "sqlite3 '$db' \"SELECT title_ja, body_ja FROM notices WHERE id = 'n-667'\" | iconv -f UTF-8 -t UTF-8 >/dev/null"
	like "... with the bad bytes replaced" "$(sqlite3 "$db" "SELECT title_ja FROM notices WHERE id = 'n-667'")" '^bad.*utf8$'
else
	like "raw invalid UTF-8: refused with a clear message" "$out" 'Sync failed: .*(UTF-8|invalid)'
	is "... and the store is unchanged" "$(store_dump)" "$before"
fi
printf '{"cursor":"evil-3","has_more":false,"changes":[{"type":"notice","id":"n-668","op":"upsert","data":{"title":{"ja":"%s"},"body":{"ja":"b"},"sender":{"ja":"s"},"published":"2030-06-10T10:00:00+09:00"}}]}' \
	"$(head -c 3000000 /dev/zero | tr '\0' 'x')" >"$T/long.json"
start_bad ok "$T/long.json"
use_server "$BAD_URL"
before=$(store_dump)
out=$(myna sync 2>&1); rc=$?
if [ "$rc" = 0 ]; then
	len=$(sqlite3 "$db" "SELECT length(title_ja) FROM notices WHERE id = 'n-668'")
	ok "a 3 MB title: cut to a bounded length ($len)" test "${len:-0}" -le 65536
else
	like "a 3 MB title: refused with a clear message" "$out" '^myna: Sync failed: '
	is "... and the store is unchanged" "$(store_dump)" "$before"
fi
is "the store is sound" "$(integrity)" "ok"

done_testing
