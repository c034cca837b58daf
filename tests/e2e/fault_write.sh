# Writes that fail, on the real programs: tests/fault/failwrite.c is
# preloaded and makes write, pwrite, fsync, ftruncate and the like fail
# with ENOSPC (SQLITE_FULL) or EIO (SQLITE_IOERR) on the files named,
# after a given number of calls.
#   - mynad syncing 250 changes (two feed pages) into a store whose writes
#     fail after every count from 0 on: each run says so clearly and exits
#     1, the store stays sound (PRAGMA integrity_check), and holds
#     nothing new, exactly the first page with its cursor, or all of it
#     (when a write after the last page failed), never half a page; the
#     next run without the fault completes the sync, and the
#     store then equals a fresh sync of the account.
#   - myna done, snooze, apply and show with the store's writes failing:
#     a clear error, exit 1, nothing changed.
#   - the config and the credentials failing to save (sign-in, token
#     refresh): a clear error, exit 1, the old file intact.
#   - myna-bff with its database's writes failing while it runs: operator
#     and application POSTs get a 500 problem, nothing half made, an
#     Idempotency-Key released; once the disk is back the same requests
#     succeed, and the database is sound.
#
# When the credentials cannot be saved, no refresh is attempted: the
# refresh token the server would rotate would be lost with the process, and
# the next run would present the spent one, which the server takes as
# stolen, signing the resident out.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/fault/fault.sh"
db=$XDG_DATA_HOME/myna/myna.db
creds=$XDG_STATE_HOME/myna/credentials
cfg=$XDG_CONFIG_HOME/myna/config
fault_build
# failing PATTERN [AFTER [ERRNO]] CMD...: runs CMD with the writes to files
# whose path holds PATTERN failing after AFTER calls.
failing() {
	local pat=$1 after=$2 err=$3
	shift 3
	LD_PRELOAD=$FAILWRITE_SO FAILWRITE_PATH=$pat FAILWRITE_AFTER=$after \
		FAILWRITE_ERRNO=$err FAILWRITE_LOG=$T/failwrite.log "$@"
}
count() { sqlite3 "$db" "SELECT count(*) FROM $1"; }
cursor() { sqlite3 "$db" "SELECT value FROM meta WHERE key = 'sync.cursor'"; }
restore() { rm -f "$db" "$db-wal" "$db-shm"; cp "$T/base.db" "$db"; }

start_bff --rate-address off
ok "sign in as demo" login_as demo
nobus mynad --once 2>/dev/null || bail "first sync failed"

# 250 new notices: two pages of the feed (200 and 50).
for i in $(seq 1 250); do
	printf '{"audience":{"user":"demo"},"title":"fault %d","body":"b","sender":"s"}\n' "$i"
done >"$T/posts"
while read -r l; do
	curl -sS -o /dev/null -w '%{http_code}\n' -X POST -H "Authorization: Bearer $MYNA_BFF_ADMIN_TOKEN" \
		-H 'Content-Type: application/json' --data "$l" "$BFF_URL/v1/admin/notices"
done <"$T/posts" >"$T/codes"
is "the operator posted 250 notices" "$(grep -c '^201$' "$T/codes")" "250"
sqlite3 "$db" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
cp "$db" "$T/base.db"
n0=$(count notices)
c0=$(cursor)
base_dump=$(store_dump "$T/base.db")

# Every fault point from the first write on, on every file of the store
# (database, WAL, shared memory), until a run gets through.
runs=0 partial=0 untouched=0 complete=0 bad=0 msgs=0 fails=0
for after in $(seq 0 2 80); do
	restore
	for errno in ENOSPC EIO; do
		restore
		failing myna.db "$after" "$errno" nobus mynad --once >"$T/run.log" 2>&1
		rc=$?
		runs=$((runs + 1))
		delta=$(( $(count notices) - n0 ))
		[ "$(integrity)" = ok ] || { echo "# after $after $errno: integrity: $(integrity)"; bad=$((bad + 1)); }
		if [ $rc -eq 0 ]; then
			[ $delta -eq 250 ] || { echo "# after $after $errno: exit 0 with $delta new"; bad=$((bad + 1)); }
			continue
		fi
		fails=$((fails + 1))
		if grep -qE '^mynad: .*(database or disk is full|disk I/O error)' "$T/run.log"; then
			msgs=$((msgs + 1))
		else
			echo "# after $after $errno: unclear: $(grep -v notif "$T/run.log")"
		fi
		case $delta in
		0)	untouched=$((untouched + 1))
			[ "$(store_dump)" = "$base_dump" ] || { echo "# after $after $errno: nothing new, yet the store changed"; bad=$((bad + 1)); } ;;
		200)	partial=$((partial + 1))
			[ "$(cursor)" != "$c0" ] || { echo "# after $after $errno: a page without its cursor"; bad=$((bad + 1)); } ;;
		250)	complete=$((complete + 1)) ;;
		*)	echo "# after $after $errno: half a page: $delta new"; bad=$((bad + 1)) ;;
		esac
	done
	[ $rc -eq 0 ] && break
done
echo "# $runs runs, $fails failed: $untouched left the store untouched, $partial kept the first page, $complete all of it"
is "no run left the store unsound or half a page in it" "$bad" "0"
is "every failed run said the disk was full or failing" "$msgs" "$fails"
ok "some runs failed before anything was kept" test "$untouched" -gt 0
ok "some runs failed after the first page was kept" test "$partial" -gt 0
is "the last run got through" "$rc" "0"
ok "faults were injected" test -s "$T/failwrite.log"
grep -c . "$T/failwrite.log" | sed 's/^/# calls refused: /'

# A failed run, then the next without the fault: the sync completes.
restore
failing myna.db-wal 10 ENOSPC nobus mynad --once >/dev/null 2>&1
is "a sync failing half-way exits 1" "$?" "1"
nobus mynad --once 2>/dev/null
is "the next sync exits 0" "$?" "0"
is "and brings all 250" "$(( $(count notices) - n0 ))" "250"
fresh=$(fresh_sync) || bail "the fresh sync failed"
is "the store equals a fresh sync of the account" "$(synced_dump "$db")" "$(synced_dump "$fresh")"
is "and is sound" "$(integrity)" "ok"

# The front end's writes to the store.
did=$(sqlite3 "$db" 'SELECT id FROM deadlines WHERE done = 0 ORDER BY id LIMIT 1')
nid=$(sqlite3 "$db" 'SELECT id FROM notices WHERE read = 0 ORDER BY id LIMIT 1')
before=$(store_dump)
out=$(failing myna.db-wal 0 ENOSPC myna done "$did" 2>&1); rc=$?
is "myna done on a full disk exits 1" "$rc" "1"
like "and says so" "$out" '^myna: Could not mark the deadline done: .*database or disk is full$'
out=$(failing myna.db-wal 0 EIO myna snooze "$did" 1d 2>&1); rc=$?
is "myna snooze on a failing disk exits 1" "$rc" "1"
like "and says so" "$out" '^myna: Could not snooze the deadline: .*disk I/O error$'
out=$(failing myna.db-wal 0 ENOSPC myna apply 131016:tokutei-kenshin --field reason=x 2>&1); rc=$?
is "myna apply on a full disk exits 1" "$rc" "1"
like "and says so" "$out" '^myna: Could not queue the submission: .*database or disk is full$'
is "nothing changed in the store" "$(store_dump)" "$before"
is "the store is sound" "$(integrity)" "ok"
out=$(myna done "$did" 2>&1); rc=$?
is "with the disk back, myna done works" "$rc" "0"
is "and the deadline is done" "$(sqlite3 "$db" "SELECT done FROM deadlines WHERE id = '$did'")" "1"

# login_failing PATTERN ERRNO URL: `myna login --server URL` with the
# writes to PATTERN failing, the code approved as the card reader would;
# its output goes to $T/login.log, its status is returned.
login_failing() {
	local code lpid
	: >"$T/login.log"
	failing "$1" 0 "$2" myna login --server "$3" >"$T/login.log" 2>&1 </dev/null &
	lpid=$!
	track "$lpid"
	if wait_for 10 grep -qE '^[A-Z]{4}-[A-Z]{4}$' "$T/login.log"; then
		code=$(grep -m1 -E '^[A-Z]{4}-[A-Z]{4}$' "$T/login.log")
		admin POST /v1/admin/device/approve "{\"user_code\":\"$code\",\"user\":\"demo\"}" >/dev/null
	fi
	wait "$lpid"
}

# The config: a sign-in to another address saves the URL.
cp "$cfg" "$T/cfg.saved"
cp "$creds" "$T/creds.saved"
login_failing "$XDG_CONFIG_HOME/myna/" ENOSPC "${BFF_URL/127.0.0.1/localhost}"
is "saving the config on a full disk: login exits 1" "$?" "1"
like "with a clear message" "$(cat "$T/login.log")" 'the server address could not be saved: .*No space left on device'
ok "the old config is intact" cmp "$T/cfg.saved" "$cfg"
is "no temporary file is left" "$(ls -A "$XDG_CONFIG_HOME/myna")" "config"
ok "nor are the credentials changed" cmp "$T/creds.saved" "$creds"

# The credentials, at sign-in: approved, but the tokens cannot be saved.
login_failing "$XDG_STATE_HOME/myna/" ENOSPC "$BFF_URL"
is "saving the tokens on a full disk: login exits 1" "$?" "1"
like "with a clear message" "$(cat "$T/login.log")" 'the tokens could not be saved: .*No space left on device'
ok "the old credentials are intact" cmp "$T/creds.saved" "$creds"
is "the credentials folder holds nothing else" "$(ls -A "$XDG_STATE_HOME/myna")" "credentials"
nobus mynad --once 2>/dev/null
is "the old sign-in still syncs" "$?" "0"

# The credentials, at a token refresh: the access token is revoked, so
# the next request gets 401 and the client refreshes.
access=$(sed -n 's/^access_token *= *//p' "$creds")
curl -sS -o /dev/null --data-urlencode "token=$access" "$BFF_URL/v1/token/revoke"
cp "$creds" "$T/creds.saved"
failing "$XDG_STATE_HOME/myna/" 0 EIO nobus mynad --once >"$T/refresh.log" 2>&1
is "refreshing with the credentials unwritable: exit 1" "$?" "1"
like "with a clear message" "$(grep -v notif "$T/refresh.log")" 'Input/output error'
ok "the old credentials are intact" cmp "$T/creds.saved" "$creds"
is "the store is sound" "$(integrity)" "ok"
nobus mynad --once >"$T/after-refresh.log" 2>&1
is "after the disk is back, the sign-in still works" "$?" "0"

# --- myna-bff on a disk that fills up while it runs ------------------------
: >"$T/fbff.log"
LD_PRELOAD=$FAILWRITE_SO FAILWRITE_PATH=fbff.db FAILWRITE_WHILE=$T/full FAILWRITE_LOG=$T/bff-faults.log \
	myna-bff --listen 127.0.0.1:0 --db "$T/fbff.db" --demo 2>"$T/fbff.log" &
fpid=$!
track "$fpid"
wait_for 10 grep -q 'listening on http://' "$T/fbff.log" || bail "myna-bff did not start"
FURL=$(grep -m1 -oE 'http://[^ ]+' "$T/fbff.log")
fpost() {
	curl -sS -X POST -H "Authorization: Bearer $MYNA_BFF_ADMIN_TOKEN" -H 'Content-Type: application/json' \
		-w '\n%{http_code}' --data "$2" "$FURL$1"
}
notice='{"audience":"all","title":"disk full test","body":"b","sender":"s"}'
# A resident's token on this server, for an application.
dev=$(curl -sS --data client_id=myna "$FURL/v1/device/code")
fpost /v1/admin/device/approve "{\"user_code\":\"$(jq -r .user_code <<<"$dev")\",\"user\":\"demo\"}" >/dev/null
faccess=$(curl -sS --data "grant_type=urn:ietf:params:oauth:grant-type:device_code&device_code=$(jq -r .device_code <<<"$dev")" "$FURL/v1/token" | jq -r .access_token)
reason=$(curl -sS -H "Authorization: Bearer $faccess" "$FURL/v1/sync?limit=1000" |
	jq -r '.changes[] | select(.id == "131016:tokutei-kenshin") | .data.fields[] | select(.name == "reason") | .choices[0].value')
fapply() {
	curl -sS -X POST -H "Authorization: Bearer $faccess" -H 'Idempotency-Key: disk-full-1' \
		-H 'Content-Type: application/json' -w '\n%{http_code}' \
		--data "{\"procedure\":\"131016:tokutei-kenshin\",\"answers\":{\"reason\":\"$reason\"}}" "$FURL/v1/applications"
}
nf0=$(sqlite3 "$T/fbff.db" "SELECT count(*) FROM sqlite_master")
touch "$T/full"
out=$(fpost /v1/admin/notices "$notice")
is "server, disk full: an operator POST gets 500" "$(tail -n1 <<<"$out")" "500"
is "... as a problem document" "$(head -n1 <<<"$out" | jq -r .status)" "500"
out=$(fapply)
is "server: an application POST gets 500" "$(tail -n1 <<<"$out")" "500"
like "the server logs the cause" "$(cat "$T/fbff.log")" 'database or disk is full|disk I/O error'
ok "faults were injected into the server" test -s "$T/bff-faults.log"
is "it still answers /healthz" "$(curl -sS -o /dev/null -w '%{http_code}' "$FURL/healthz")" "200"
rm -f "$T/full"
out=$(fpost /v1/admin/notices "$notice")
is "with the disk back, the same POST gets 201" "$(tail -n1 <<<"$out")" "201"
out=$(fapply)
is "the application with the same key: 201, not a replay of the 500" "$(tail -n1 <<<"$out")" "201"
out2=$(fapply)
is "and a retry replays it: the same application" "$(head -n1 <<<"$out2" | jq -r .id)" "$(head -n1 <<<"$out" | jq -r .id)"
kill -TERM "$fpid"
wait "$fpid"
is "the server stops cleanly (exit 0)" "$?" "0"
is "its database is sound" "$(sqlite3 "$T/fbff.db" 'PRAGMA integrity_check')" "ok"
is "only the accepted notice is there, once" \
	"$(sqlite3 "$T/fbff.db" "SELECT count(*) FROM sqlite_master") $(grep -c . <<<"$(sqlite3 "$T/fbff.db" .dump | grep -o 'disk full test')")" "$nf0 1"

done_testing
