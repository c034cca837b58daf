# mynad's outbox against the real myna-bff: `myna apply` queues a
# submission with a new idempotency key; the daemon sends it and records
# the application id; a refusal with field errors goes back to the draft
# as "needs fixing"; and kill -9 at random moments during flushes (at least
# 20 of them) loses nothing and duplicates nothing: the server ends up
# with exactly one application per queued item.
. "$(dirname "$0")/../lib.sh"
db=$XDG_DATA_HOME/myna/myna.db
q() { sqlite3 "$db" "$1"; }
nobus="env -u DBUS_SESSION_BUS_ADDRESS -u DISPLAY -u WAYLAND_DISPLAY"
gone() { ! kill -0 "$1" 2>/dev/null || [ "$(ps -o stat= -p "$1")" = Z ]; }
proc=131016:tokutei-kenshin
queue() { myna apply "$proc" --field reason=lost --field "clinic=$1" >/dev/null; }
pending() { q "SELECT count(*) FROM outbox WHERE state = 'queued'"; }
sent() { q "SELECT count(*) FROM outbox WHERE state = 'sent'"; }
posts() { grep -c 'method=POST path=/v1/applications ' "$T/bff.log"; }

# Each application takes the server 30 ms, so that kills land while
# requests are in flight as well as between them.
start_bff --test-application-delay 30
ok "sign in as demo" login_as demo
echo 'notifications = off' >>"$XDG_CONFIG_HOME/myna/config"
mynad --once 2>/dev/null	# the catalogue of procedures, for the record

# 1. Queued without a daemon, sent by mynad --once.
out=$(myna apply "$proc" --field reason=lost --field clinic=中央クリニック)
is "myna apply queues" "$?" "0"
like "and says mynad will send it" "$out" 'mynad is not running: it sends the submission when it starts'
like "the key is a UUID version 4" "$(q 'SELECT idem_key FROM outbox')" \
	'^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$'
like "myna status counts it" "$(myna status)" '^Waiting to be sent: 1$'
mynad --once 2>"$T/once.log"
is "mynad --once exits 0" "$?" "0"
like "it logs the submission" "$(cat "$T/once.log")" "submission sent: $proc, application a-[0-9]+"
app=$(q "SELECT application_id FROM outbox")
like "the application id is kept" "$app" '^a-[0-9]+$'
is "the draft is sent" "$(q 'SELECT state FROM drafts')" "sent"
is "the application is on the server" "$(jq -r .status <<<"$(curl -sS -H "Authorization: Bearer $(sed -n 's/^access_token = //p' "$XDG_STATE_HOME/myna/credentials")" "$BFF_URL/v1/applications/$app")")" "received"

# 2. Field errors go back to the draft.
myna apply "$proc" --field reason=stolen >/dev/null
mynad --once 2>"$T/fix.log"
is "a refusal is not a failure of mynad" "$?" "0"
is "the item needs fixing" "$(q 'SELECT state FROM outbox ORDER BY seq DESC LIMIT 1')" "needs_fixing"
is "so does the draft" "$(q 'SELECT state FROM drafts ORDER BY id DESC LIMIT 1')" "needs_fixing"
like "with the server's message for the field" "$(q 'SELECT errors FROM drafts ORDER BY id DESC LIMIT 1')" '^\{"reason":".+"\}$'
like "the log says to fix it" "$(cat "$T/fix.log")" "submission refused: $proc: Unprocessable Content"

# 3. With a daemon running, myna apply has it sent at once.
$nobus mynad --foreground 2>"$T/d.log" &
pid=$!
track "$pid"
ok "the daemon starts" wait_for 10 grep -q 'mynad info: synced' "$T/d.log"
like "myna apply reports the application" "$(myna apply "$proc" --field reason=damaged)" \
	"^Sent: $proc, application a-[0-9]+\$"
like "a bad answer is reported at once" "$(myna apply "$proc" --field reason=stolen 2>&1)" \
	"^myna: The server did not accept $proc: Unprocessable Content"
kill -TERM "$pid"
wait "$pid"

# 4. kill -9 during flushes.  Each round queues two more submissions,
#    starts the daemon and kills it 0 to 120 ms later; a round counts when
#    the kill cut a flush short (some of the round's items sent, some not).
base_sent=$(sent)
queued=$(q 'SELECT count(*) FROM outbox')
for i in $(seq 1 10); do queue "first-$i"; done
cut=0
rounds=0
while [ "$cut" -lt 20 ] && [ "$rounds" -lt 80 ]; do
	rounds=$((rounds + 1))
	queue "round-$rounds-a"
	queue "round-$rounds-b"
	before=$(pending)
	$nobus mynad --foreground 2>>"$T/kill.log" &
	pid=$!
	sleep "0.$(printf '%03d' $((RANDOM % 120)))"
	kill -KILL "$pid"
	wait "$pid" 2>/dev/null
	after=$(pending)
	[ "$after" -gt 0 ] && [ "$after" -lt "$before" ] && cut=$((cut + 1))
done
ok "at least 20 kills cut a flush short ($cut in $rounds rounds)" test "$cut" -ge 20
is "the store is sound" "$(q 'PRAGMA integrity_check')" "ok"
total=$(( $(q 'SELECT count(*) FROM outbox') - queued ))
# What is left goes out now (an item the server still holds gets 409 and a
# retry a moment later).
for i in $(seq 1 20); do
	[ "$(pending)" -eq 0 ] && break
	mynad --once 2>>"$T/rest.log" || sleep 1
done
is "everything was sent" "$(pending)" "0"
is "every item has its own application" \
	"$(q "SELECT count(DISTINCT application_id) FROM outbox WHERE state = 'sent'")" "$(sent)"
answered=$(q "SELECT count(*) FROM outbox WHERE state != 'queued'")
ok "some items went over the wire more than once ($(posts) posts for $answered items)" \
	test "$(posts)" -gt "$answered"

# The server's own count, through the feed: exactly one application per
# queued item, and the ids the daemon kept.
tok=$(sed -n 's/^access_token = //p' "$XDG_STATE_HOME/myna/credentials")
feed=$(curl -sS -H "Authorization: Bearer $tok" "$BFF_URL/v1/sync?limit=1000")
server_ids=$(jq -r '.changes[] | select(.type == "application" and .op == "upsert") | .id' <<<"$feed" | sort)
is "the server holds one application per item sent" "$(wc -l <<<"$server_ids")" "$(sent)"
is "and they are the ones the daemon recorded" "$server_ids" \
	"$(q "SELECT application_id FROM outbox WHERE state = 'sent'" | sort)"
is "the kill rounds' items are all there" "$(( $(sent) - base_sent ))" "$total"

done_testing
