# The walking skeleton, end to end: myna-bff --demo on a loopback port,
# `myna login` approved through the operator endpoint, `mynad --once`, and
# `myna list … --json` compared with what the server itself holds.
. "$(dirname "$0")/../lib.sh"

start_bff
like "myna-bff announces its address" "$BFF_URL" '^http://127\.0\.0\.1:[0-9]+$'

ok "myna login completes after operator approval" login_as demo
like "login printed the user code on a line of its own" "$(cat "$T/login.log")" '^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$'
like "login printed the verification URI on a line of its own" "$(cat "$T/login.log")" "^ *$BFF_URL/device\$"
creds=$XDG_STATE_HOME/myna/credentials
is "credentials file has mode 0600" "$(stat -c %a "$creds" 2>/dev/null)" "600"
like "credentials hold an access token" "$(cat "$creds" 2>/dev/null)" '^access_token = .+'
like "config names the server" "$(cat "$XDG_CONFIG_HOME/myna/config" 2>/dev/null)" "server = $BFF_URL"

ok "mynad --once syncs and exits 0" mynad --once
ok "the store exists" test -s "$XDG_DATA_HOME/myna/myna.db"

# What the server holds for demo, fetched with a token of our own.
dc=$(curl -sS -X POST --data 'client_id=test' "$BFF_URL/v1/device/code")
code=$(jq -r .user_code <<<"$dc")
admin POST /v1/admin/device/approve "{\"user_code\":\"$code\",\"user\":\"demo\"}" >/dev/null
tok=$(curl -sS -X POST --data-urlencode 'grant_type=urn:ietf:params:oauth:grant-type:device_code' \
	--data-urlencode "device_code=$(jq -r .device_code <<<"$dc")" "$BFF_URL/v1/token" | jq -r .access_token)
feed=$(curl -sS -H "Authorization: Bearer $tok" "$BFF_URL/v1/sync?limit=1000")
want_d=$(jq -c '[.changes[] | select(.type=="deadline" and .op=="upsert") | {id, title: .data.title.ja, due: .data.due}] | sort_by(.id)' <<<"$feed")
want_n=$(jq -c '[.changes[] | select(.type=="notice" and .op=="upsert") | {id, title: .data.title.ja, published: .data.published}] | sort_by(.id)' <<<"$feed")
like "the server holds at least 10 deadlines for demo" "$(jq length <<<"$want_d")" '^([1-9][0-9]+)$'
like "the server holds at least 10 notices for demo" "$(jq length <<<"$want_n")" '^([1-9][0-9]+)$'

got_d=$(LANG=ja_JP.UTF-8 myna list deadlines --json | jq -c '[.[] | {id, title, due}] | sort_by(.id)')
got_n=$(LANG=ja_JP.UTF-8 myna list notices --json | jq -c '[.[] | {id, title, published}] | sort_by(.id)')
is "myna list deadlines --json matches the server" "$got_d" "$want_d"
is "myna list notices --json matches the server" "$got_n" "$want_n"
like "every deadline has a status in words" \
	"$(myna list deadlines --json | jq -r '.[].status' | sort -u | tr '\n' ' ')" '^((open|overdue|done) )+$'

# An operator publishes; the next sync brings exactly that.
out=$(admin POST /v1/admin/deadlines '{"user":"demo","title":{"ja":"転出届の提出","en":"Submit the moving-out notification"},"due":"2027-04-30T23:59:59+09:00","procedure":"tenshutsu"}')
is "operator deadline is created" "$(tail -n1 <<<"$out")" "201"
new_id=$(head -n1 <<<"$out" | jq -r .id)
ok "a second mynad --once succeeds" mynad --once
is "the new deadline arrived" "$(myna list deadlines --json | jq -r --arg id "$new_id" '.[] | select(.id==$id) | .title_en')" \
	"Submit the moving-out notification"

# demo2 must never see demo's items.
out=$(admin POST /v1/admin/notices '{"audience":{"user":"demo2"},"title":{"ja":"demo2だけへのお知らせ","en":"For demo2 only"},"body":{"ja":"本文","en":"Body"},"sender":{"ja":"大阪市","en":"Osaka City"}}')
is "operator notice for demo2 is created" "$(tail -n1 <<<"$out")" "201"
ok "sync again" mynad --once
is "demo does not receive demo2's notice" "$(myna list notices --json | jq '[.[] | select(.title_en=="For demo2 only" or .title=="For demo2 only")] | length')" "0"

done_testing
