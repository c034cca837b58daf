# kill -9 against myna while it writes what the resident typed: `myna
# apply` (a draft and its outbox item in one transaction) and `myna done`
# killed at random moments; the curses front end killed while keys are
# pressed; and its form wizard killed in the middle of typing an answer,
# which must be kept keystroke by keystroke (the draft holds a prefix of
# what was typed, all of it once the screen showed it, and there is never
# a second draft).  After every kill the store passes PRAGMA integrity_check and
# holds no half-made submission: every queued draft has exactly one outbox
# item and every outbox item its draft.  At the end mynad sends them all,
# and the server holds exactly one application per outbox item.
#   CRASH_KILLS=N   how many kills of each kind (default 15)
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/fault/fault.sh"
db=$XDG_DATA_HOME/myna/myna.db
kills=${CRASH_KILLS:-15}
q() { sqlite3 "$db" "$1"; }
# whole: no queued draft without its one outbox item, no item without its
# draft.
whole() {
	[ "$(q "SELECT count(*) FROM drafts d WHERE d.state <> 'editing' AND
		(SELECT count(*) FROM outbox o WHERE o.draft_id = d.id) <> 1")" = 0 ] &&
	[ "$(q "SELECT count(*) FROM outbox o WHERE o.draft_id <> 0 AND
		NOT EXISTS (SELECT 1 FROM drafts d WHERE d.id = o.draft_id)")" = 0 ]
}

start_bff --rate-token off
ok "sign in as demo" login_as demo
myna sync >/dev/null || bail "sync failed"
proc=131016:tokutei-kenshin
choice=$(q "SELECT data FROM procedures WHERE id = '$proc'" |
	jq -r '.fields[] | select(.name == "reason") | .choices[0].value')

bad=0 landed=0
for k in $(seq 1 "$kills"); do
	myna apply "$proc" --field "reason=$choice" >/dev/null 2>&1 &
	pid=$!
	did=$(q "SELECT id FROM deadlines WHERE done = 0 ORDER BY random() LIMIT 1")
	myna done "$did" >/dev/null 2>&1 &
	pid2=$!
	# A random moment within the first 40 ms.
	sleep "0.0$(printf '%02d' $((RANDOM % 40)))"
	kill -KILL "$pid" "$pid2" 2>/dev/null && landed=$((landed + 1))
	wait "$pid" "$pid2" 2>/dev/null
	[ "$(integrity)" = ok ] || { echo "# kill $k: $(integrity)"; bad=$((bad + 1)); }
	whole || { echo "# kill $k: a half-made submission"; bad=$((bad + 1)); }
done
is "after every kill of apply and done the store is sound and whole" "$bad" "0"

# The curses front end, killed while keys are pressed.
SOCK=myna-$$
tm() { tmux -L "$SOCK" "$@"; }
bad=0
for k in $(seq 1 "$kills"); do
	tm -f /dev/null new-session -d -s crash -x 80 -y 24 "exec myna"
	pid=$(tm display -p -t crash '#{pane_pid}')
	for key in Down Down Enter Escape n Down Enter Escape; do
		tm send-keys -t crash "$key" 2>/dev/null
	done
	sleep "0.0$(printf '%02d' $((RANDOM % 60)))"
	kill -KILL "$pid" 2>/dev/null
	tm kill-session -t crash 2>/dev/null
	[ "$(integrity)" = ok ] || { echo "# TUI kill $k: $(integrity)"; bad=$((bad + 1)); }
done
is "after every kill of the front end the store is sound" "$bad" "0"

# The form wizard: Procedures, search, the procedure, apply, then digits
# typed into its first field (after clearing what the last round left).
screen_has() { tm capture-pane -p -t form | grep -qF -- "$1"; }
draft() { q "SELECT json_extract(fields, '$.insured_number') FROM drafts WHERE procedure = '131016:kaigo' AND state = 'editing'"; }
bad=0 rounds=$(( (kills + 1) / 2 ))
for k in $(seq 1 "$rounds"); do
	tm -f /dev/null new-session -d -s form -x 100 -y 30 "exec myna"
	pid=$(tm display -p -t form '#{pane_pid}')
	step() { tm send-keys -t form "$@"; }
	wait_for 5 screen_has 'To do' || { echo "# round $k: no home screen"; bad=$((bad + 1)); }
	step 3; wait_for 5 screen_has 'Search'
	step /; step -l '介護'; step Enter; wait_for 5 screen_has '1 found'
	step Enter; step a
	if ! wait_for 5 screen_has 'Question 1 of 5'; then
		echo "# round $k: the form did not open"; tm capture-pane -p -t form | sed 's/^/#   /' | head -8
		bad=$((bad + 1))
	fi
	for i in 1 2 3 4 5 6 7 8 9 10 11 12; do step BSpace; done
	wait_for 5 test -z "$(draft)"
	typed=$(printf '%06d' $((RANDOM * 7 % 1000000)))
	if [ $((k % 2)) -eq 1 ]; then
		# Killed right after a random one of the digits was sent,
		# while it may still be on its way in.
		cut=$((RANDOM % 6))
		for ((i = 0; i <= cut; i++)); do step -l "${typed:$i:1}"; done
		kill -KILL "$pid" 2>/dev/null
	else
		# Killed once the screen shows them all: all must be kept.
		for ((i = 0; i < 6; i++)); do step -l "${typed:$i:1}"; done
		wait_for 5 screen_has "insurance number: $typed"
		kill -KILL "$pid" 2>/dev/null
	fi
	tm kill-session -t form 2>/dev/null
	got=$(draft)
	[ "$(integrity)" = ok ] || { echo "# form round $k: $(integrity)"; bad=$((bad + 1)); }
	# None yet is fine (killed before the first keystroke was saved);
	# two never.
	[ "$(q "SELECT count(*) FROM drafts WHERE procedure = '131016:kaigo' AND state = 'editing'")" -le 1 ] ||
		{ echo "# form round $k: a second draft"; bad=$((bad + 1)); }
	case $typed in "$got"*) ;; *) echo "# form round $k: typed $typed, kept '$got'"; bad=$((bad + 1)) ;; esac
	if [ $((k % 2)) -eq 0 ] && [ "$got" != "$typed" ]; then
		echo "# form round $k: the screen showed $typed, the draft kept '$got'"
		bad=$((bad + 1))
	fi
done
is "the form wizard killed mid-typing: a sound store, one draft, every shown keystroke kept" "$bad" "0"

queued=$(q "SELECT count(*) FROM outbox")
echo "# $landed kills of apply and done landed; $queued submissions queued"
ok "some submissions were queued" test "$queued" -gt 0
nobus mynad --once 2>"$T/send.log"
is "mynad sends them (exit 0)" "$?" "0"
is "every one is sent" "$(q "SELECT count(*) FROM outbox WHERE state = 'sent' AND application_id LIKE 'a-%'")" "$queued"
fresh=$(fresh_sync) || bail "the fresh sync failed"
is "the server holds exactly one application per submission" "$(sqlite3 "$fresh" 'SELECT count(*) FROM applications')" "$queued"
is "the store is sound" "$(integrity)" "ok"

done_testing
