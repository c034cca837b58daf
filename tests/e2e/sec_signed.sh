# Signed notices, end to end (docs/security.md, "Signed notices"): an
# agency's key made with the openssl command line; the operator signs with
# `myna-bff sign-notice` and posts to a real myna-bff; the canonical form
# rebuilt by hand and signed by `openssl pkeyutl` gives the same
# signature; the server passes agency and signature through and refuses
# malformed ones; a notice changed in the server's database, an unsigned
# one and one from an agency nobody trusts are shown with their warning in
# words by every presenter (plain, --json, show, speech, curses) and never
# as coming from the agency; the keys come from the shipped folder or the
# agency_keys setting, and a change of keys is seen without a new sync;
# mynad keeps what it found; myna-bff --agency-keys refuses what would not
# verify.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib/tui.sh"

ESC=$'\x1b'
config=$XDG_CONFIG_HOME/myna/config
mkdir -p "$XDG_CONFIG_HOME/myna" "$T/keys" "$T/none"
# No shipped keys unless a test says so.
export MYNA_KEYDIR=$T/none

# The agency: a key pair, and its public key file with its names.
openssl genpkey -algorithm ed25519 -out "$T/city.key" 2>/dev/null
ok "openssl makes the agency's key" test -s "$T/city.key"
{
	echo "# Chiyoda City's notice key"
	echo "name.ja: 千代田区役所"
	echo "name.en: Chiyoda City Office"
	openssl pkey -in "$T/city.key" -pubout
} >"$T/keys/chiyoda.pem"
echo "agency_keys = $T/keys" >"$config"

start_bff
ok "myna login completes" login_as demo

# --- the operator signs ---------------------------------------------------
cat >"$T/notice.json" <<'EOF'
{"audience":{"user":"demo"},
 "title":{"ja":"\u001b[31m粗大ごみ\u001b[0mの収集日が変わります","en":"\u001b]0;owned\u0007Bulky waste collection day changes"},
 "body":{"ja":"4月から、粗大ごみの収集日は毎月第2水曜日です。\r\n申し込みは区役所へ。","en":"From April, bulky waste is collected on the second Wednesday of each month.\r\nBook it with the city office."},
 "sender":{"ja":"千代田区役所","en":"Chiyoda City Office"}}
EOF
myna-bff sign-notice --key "$T/city.key" --agency chiyoda --published 2026-11-20T10:00:00+09:00 \
	<"$T/notice.json" >"$T/signed.json" 2>"$T/sign.err"
is "sign-notice exits 0" "$?" "0"
is "and says nothing on stderr" "$(cat "$T/sign.err")" ""
is "it sets agency and published" "$(jq -r '[.agency, .published] | join(" ")' "$T/signed.json")" \
	"chiyoda 2026-11-20T10:00:00+09:00"
like "and an Ed25519 signature in base64" "$(jq -r .signature "$T/signed.json")" '^[A-Za-z0-9+/]{86}==$'
is "the text is cleaned as the server keeps it (escapes gone, CR LF made LF)" \
	"$(jq -c '[.title.ja, .title.en, .body.en]' "$T/signed.json")" \
	'["粗大ごみの収集日が変わります","Bulky waste collection day changes","From April, bulky waste is collected on the second Wednesday of each month.\nBook it with the city office."]'
is "the audience is kept" "$(jq -c .audience "$T/signed.json")" '{"user":"demo"}'

# The canonical form of docs/api.md, built by hand, signed by openssl:
# the same signature (Ed25519 is deterministic).
field() { printf '%d:%s\n' "$(printf '%s' "$1" | wc -c)" "$1"; }
{
	printf 'myna-notice-v1\n'
	field chiyoda
	field "$(jq -r .sender.ja "$T/signed.json")"
	field "$(jq -r .sender.en "$T/signed.json")"
	field "$(jq -r .title.ja "$T/signed.json")"
	field "$(jq -r .title.en "$T/signed.json")"
	field "$(jq -r .body.ja "$T/signed.json")"
	field "$(jq -r .body.en "$T/signed.json")"
	field 2026-11-20T01:00:00Z
} >"$T/canonical"
is "openssl pkeyutl over the documented canonical form gives the same signature" \
	"$(openssl pkeyutl -sign -rawin -inkey "$T/city.key" -in "$T/canonical" | base64 -w0)" \
	"$(jq -r .signature "$T/signed.json")"

out=$(admin POST /v1/admin/notices "$(cat "$T/signed.json")")
is "the signed notice is accepted" "$(tail -n1 <<<"$out")" "201"
good=$(head -n1 <<<"$out" | jq -r .id)
like "the server's log says who signed it" "$(cat "$T/bff.log")" "notice $good published to user demo, signed by chiyoda"

# The same content, signed, then changed in the server's database.
out=$(admin POST /v1/admin/notices "$(cat "$T/signed.json")")
forged=$(head -n1 <<<"$out" | jq -r .id)
sqlite3 "$T/bff.db" "UPDATE feed SET data = replace(replace(data, '毎月第2水曜日', '毎週月曜日'), 'the second Wednesday of each month', 'every Monday') WHERE item_id = '$forged'"
is "the database now holds a changed body" \
	"$(sqlite3 "$T/bff.db" "SELECT count(*) FROM feed WHERE item_id = '$forged' AND data LIKE '%毎週月曜日%' AND data LIKE '%every Monday%'")" "1"

# An operator's notice without a signature, naming a national agency.
out=$(admin POST /v1/admin/notices '{"audience":{"user":"demo"},"title":{"ja":"還付金のお知らせ","en":"Your tax refund"},"body":{"ja":"還付金を受け取るには、次のサイトで口座番号を入力してください。","en":"To receive your refund, enter your account number at the site below."},"sender":{"ja":"国税庁","en":"National Tax Agency"}}')
is "an unsigned notice is accepted" "$(tail -n1 <<<"$out")" "201"
unsigned=$(head -n1 <<<"$out" | jq -r .id)

# Signed by an agency this resident has no key of.
openssl genpkey -algorithm ed25519 -out "$T/stranger.key" 2>/dev/null
jq -c '.sender = {"ja":"国税庁","en":"National Tax Agency"} | .title.en = "Signed by a stranger"' "$T/notice.json" |
	myna-bff sign-notice --key "$T/stranger.key" --agency nta >"$T/stranger.json"
out=$(admin POST /v1/admin/notices "$(cat "$T/stranger.json")")
is "a notice signed by an unknown agency is accepted (this server checks no keys)" "$(tail -n1 <<<"$out")" "201"
stranger=$(head -n1 <<<"$out" | jq -r .id)

# --- what the server refuses ----------------------------------------------
problem() { admin POST /v1/admin/notices "$1" | tail -n1; }
detail() { admin POST /v1/admin/notices "$1" | head -n1 | jq -r .detail; }
signed=$(cat "$T/signed.json")
is "an agency id that is not one: 422" "$(problem "$(jq -c '.agency = "../chiyoda"' <<<"$signed")")" "422"
is "a signature that is not base64: 422" "$(problem "$(jq -c '.signature = "not a signature"' <<<"$signed")")" "422"
is "a signature of the wrong length: 422" \
	"$(problem "$(jq -c '.signature = (.signature[0:84] + "==")' <<<"$signed")")" "422"
is "an agency without a signature: 422" "$(problem "$(jq -c 'del(.signature)' <<<"$signed")")" "422"
is "a signature without an agency: 422" "$(problem "$(jq -c 'del(.agency)' <<<"$signed")")" "422"
is "a signature without its time: 422" "$(problem "$(jq -c 'del(.published)' <<<"$signed")")" "422"
like "... saying what to do" "$(detail "$(jq -c 'del(.published)' <<<"$signed")")" 'sign-notice'
is "a time that is not RFC 3339: 422" "$(problem "$(jq -c '.published = "yesterday"' <<<"$signed")")" "422"
is "a signature that is not a string: 400" "$(problem "$(jq -c '.signature = 7' <<<"$signed")")" "400"

# The feed carries agency and signature as they were posted.
dc=$(curl -sS -X POST --data 'client_id=test' "$BFF_URL/v1/device/code")
admin POST /v1/admin/device/approve "{\"user_code\":\"$(jq -r .user_code <<<"$dc")\",\"user\":\"demo\"}" >/dev/null
tok=$(curl -sS -X POST --data-urlencode 'grant_type=urn:ietf:params:oauth:grant-type:device_code' \
	--data-urlencode "device_code=$(jq -r .device_code <<<"$dc")" "$BFF_URL/v1/token" | jq -r .access_token)
feed=$(curl -sS -H "Authorization: Bearer $tok" "$BFF_URL/v1/sync?limit=1000")
is "the feed carries the agency and the signature unchanged" \
	"$(jq -c --arg id "$good" '.changes[] | select(.id == $id) | .data | [.agency, .signature, .published]' <<<"$feed")" \
	"$(jq -c '[.agency, .signature, .published]' "$T/signed.json")"
is "an unsigned notice has neither" \
	"$(jq -c --arg id "$unsigned" '.changes[] | select(.id == $id) | .data | [.agency, .signature]' <<<"$feed")" \
	"[null,null]"

# --- what the resident sees -----------------------------------------------
ok "myna sync" myna sync
json=$(myna list notices --json)
sig_of() { jq -r --arg id "$1" '.[] | select(.id == $id) | .signature' <<<"$json"; }
is "the signed notice is verified" "$(sig_of "$good")" "verified"
is "the changed one has a bad signature" "$(sig_of "$forged")" "bad_signature"
is "the operator's one is unsigned" "$(sig_of "$unsigned")" "unsigned"
is "the unknown agency's one has an unknown signer" "$(sig_of "$stranger")" "unknown_signer"
is "--json: a verified notice has its sender and the verified agency" \
	"$(jq -c --arg id "$good" '.[] | select(.id == $id) | [.sender, .verified_sender, .claimed_sender, .agency]' <<<"$json")" \
	'["Chiyoda City Office","Chiyoda City Office",null,"chiyoda"]'
for id in "$forged" "$unsigned" "$stranger"; do
	is "--json: $id has no sender and no verified agency, only a claimed sender" \
		"$(jq -c --arg id "$id" '.[] | select(.id == $id) | [.sender, .verified_sender, (.claimed_sender | length > 0)]' <<<"$json")" \
		'[null,null,true]'
done
is "--json: the warning in words" \
	"$(jq -r --arg id "$forged" '.[] | select(.id == $id) | .signature_words' <<<"$json")" \
	"Signature does not match: this may not come from Chiyoda City Office"

list=$(myna list notices)
line_of() { grep -F "(id $1)" <<<"$list"; }
like "the list: the verified notice is from its agency" "$(line_of "$good")" \
	'^[0-9]+\. Bulky waste collection day changes, from Chiyoda City Office — .* — unread, verified sender \(id '
like "the list: the changed one is not said to be from anyone" "$(line_of "$forged")" \
	'Not verified: .*, sender: Chiyoda City Office — .* — unread, bad signature \(id '
like "the list: the unsigned one" "$(line_of "$unsigned")" \
	'^[0-9]+\. Not verified: Your tax refund, sender: National Tax Agency — .* — unread, unsigned \(id '
like "the list: the unknown signer" "$(line_of "$stranger")" 'Not verified: .*, sender: National Tax Agency — .* — unread, unknown signer \(id '
is "only the verified notice is said to be from anyone" "$(grep -c ', from ' <<<"$list")" \
	"$(jq '[.[] | select(.signature == "verified")] | length' <<<"$json")"

# Keys that are not plain files, or a folder named relative to wherever
# myna happens to start: refused, with a warning, and nothing waits.
mkfifo "$T/keys/zz.pem"
out=$(timeout 20 myna list notices 2>"$T/fifo.err"); rc=$?
is "a FIFO among the keys: myna does not wait on it" "$rc" "0"
like "... it is left out with a warning" "$(cat "$T/fifo.err")" 'zz.pem: not a regular file'
like "... and the good key still counts" "$(grep -F "(id $good)" <<<"$out")" 'verified sender'
rm -f "$T/keys/zz.pem"
cp "$config" "$config.abs"
sed -i "s|^agency_keys = .*|agency_keys = keys|" "$config"
mkdir -p "$T/cwd/keys" && cp "$T/keys/chiyoda.pem" "$T/cwd/keys/"
out=$(cd "$T/cwd" && myna list notices 2>"$T/rel.err")
like "a relative agency_keys is left out, with a warning" "$(cat "$T/rel.err")" \
	'agency_keys must be an absolute path'
like "... so keys in the current folder are not trusted" "$(grep -F "(id $good)" <<<"$out")" \
	'unknown signer'
mv "$config.abs" "$config"

show=$(myna show notice "$good")
is "show: the verified sender right after the title" "$(sed -n 2p <<<"$show")" "Verified sender: Chiyoda City Office"
ok "show: no escape byte" test "$(grep -c "$ESC" <<<"$show")" = 0
show=$(myna show notice "$forged")
is "show: the changed notice warns first" "$(sed -n 2,3p <<<"$show")" \
	"Signature does not match: this may not come from Chiyoda City Office
Sender (not verified): Chiyoda City Office"
like "show: and its changed body is still shown, under the warning" "$show" 'collected on every Monday'
show=$(myna show notice "$unsigned")
is "show: the unsigned notice" "$(sed -n 2,3p <<<"$show")" \
	"Unsigned: sender not verified
Sender (not verified): National Tax Agency"
show=$(myna show notice "$stranger")
is "show: the unknown signer" "$(sed -n 2p <<<"$show")" \
	"Signed with a key this computer does not trust (agency nta): sender not verified"
show=$(LANG=ja_JP.UTF-8 myna show notice "$forged")
is "in Japanese too" "$(sed -n 2,3p <<<"$show")" \
	"署名が一致しません。千代田区役所 からのお知らせではないおそれがあります
差出人（未確認）: 千代田区役所"
show=$(MYNA_LANGUAGE= LANG=ja_JP.UTF-8 LANGUAGE=ja@easy:ja myna show notice "$unsigned")
is "and in plain Japanese" "$(sed -n 2p <<<"$show")" "しょめいが ありません。差出人は たしかめて いません"

# Speech: the warning is said right after the title.
MYNA_SPEECH=silent MYNA_SPEECH_TRANSCRIPT=$T/say.txt myna show notice "$forged" --speech >/dev/null
is "speech: the title, then the warning, then the sender as not verified" "$(sed -n 2,3p "$T/say.txt")" \
	"Signature does not match: this may not come from Chiyoda City Office
Sender (not verified): Chiyoda City Office"

# --- which keys are trusted -------------------------------------------------
: >"$config.new"
grep -v '^agency_keys' "$config" >"$config.new"
mv "$config.new" "$config"
json=$(myna list notices --json)
is "without the setting the agency is unknown: no notice is verified" \
	"$(jq '[.[] | select(.signature == "verified")] | length' <<<"$json")" "0"
is "the signed notice has an unknown signer" "$(sig_of "$good")" "unknown_signer"
is "the changed one too (no key to tell)" "$(sig_of "$forged")" "unknown_signer"
like "the demo notices too: the demo keys are never trusted by default" \
	"$(jq -r '[.[] | select(.agency != null and (.agency | startswith("demo-"))) | .signature] | unique | join(",")' <<<"$json")" \
	'^unknown_signer$'
is "the shipped folder (MYNA_KEYDIR here) is trusted" \
	"$(MYNA_KEYDIR=$T/keys myna list notices --json | jq -r --arg id "$good" '.[] | select(.id == $id) | .signature')" \
	"verified"
echo "agency_keys = $T/keys/chiyoda.pem" >>"$config"
is "a key file named by the setting is trusted" "$(myna list notices --json | jq -r --arg id "$good" '.[] | select(.id == $id) | .signature')" "verified"
echo "agency_keys = $ROOT/keys/demo" >>"$config"
json=$(myna list notices --json)
is "the demo keys when the setting names them: the city's key is no longer trusted" "$(sig_of "$good")" "unknown_signer"
like "... and the demo notices verify" \
	"$(jq -r '[.[] | select(.agency == "demo-nta") | .signature] | unique | join(",")' <<<"$json")" '^verified$'
is "the demo's forged notice does not" \
	"$(jq -r '.[] | select(.title == "Important: you must apply again for your My Number points") | .signature' <<<"$json")" \
	"bad_signature"

# A second key of the agency (changing keys): notices of both keys verify.
openssl genpkey -algorithm ed25519 -out "$T/city2.key" 2>/dev/null
openssl pkey -in "$T/city2.key" -pubout >"$T/keys/chiyoda.2027.pem"
echo "agency_keys = $T/keys" >>"$config"
jq -c '.title.en = "Signed with the new key"' "$T/notice.json" |
	myna-bff sign-notice --key "$T/city2.key" --agency chiyoda >"$T/new.json"
out=$(admin POST /v1/admin/notices "$(cat "$T/new.json")")
newkey=$(head -n1 <<<"$out" | jq -r .id)
ok "sync" myna sync
json=$(myna list notices --json)
is "a notice signed with the new key verifies" "$(sig_of "$newkey")" "verified"
is "and the one signed with the old key still does" "$(sig_of "$good")" "verified"
like "a key file that cannot be used is said on stderr" \
	"$(echo 'not a key' >"$T/keys/broken.pem"; myna list notices 2>&1 >/dev/null)" 'broken.pem'
rm -f "$T/keys/broken.pem"

# --- mynad keeps what it found ----------------------------------------------
store=$XDG_DATA_HOME/myna/myna.db
q() { sqlite3 "$store" "$1"; }
mynad --once 2>"$T/mynad1.log"
is "mynad --once exits 0" "$?" "0"
is "the store keeps each notice's trust (verified = 1, bad = 2, unsigned = 0, unknown = 3)" \
	"$(q "SELECT trust FROM notices WHERE id IN ('$good', '$forged', '$unsigned', '$stranger') ORDER BY CAST(substr(id, 3) AS INTEGER)")" \
	"$(printf '1\n2\n0\n3')"
is "every notice was checked with the keys of now" \
	"$(q "SELECT count(*) FROM notices WHERE trust_keys IS NOT (SELECT value FROM meta WHERE key = 'notices.trust_keys')")" "0"
# A forged trust in the store is not believed.
q "UPDATE notices SET trust = 1, trust_keys = 'x' WHERE id = '$forged'"
is "a row that claims to be verified with other keys is checked again when read" \
	"$(myna list notices --json | jq -r --arg id "$forged" '.[] | select(.id == $id) | .signature')" "bad_signature"
# The keys change: mynad checks every notice again, once.
rm "$T/keys/chiyoda.pem" "$T/keys/chiyoda.2027.pem"
mynad --once 2>"$T/mynad2.log"
like "mynad says that the keys changed" "$(cat "$T/mynad2.log")" 'the agency keys changed: checked the signatures of [0-9]+ notices again'
is "and keeps what it found" "$(q "SELECT trust FROM notices WHERE id = '$good'")" "3"
mynad --once 2>"$T/mynad3.log"
ok "the same keys again: nothing is checked again" sh -c "! grep -q 'agency keys changed' '$T/mynad3.log'"
{
	echo "name.en: Chiyoda City Office"
	openssl pkey -in "$T/city.key" -pubout
} >"$T/keys/chiyoda.pem"

# --- the curses presenter ---------------------------------------------------
start_tui "myna 2>'$T/tui.err'"
key "2 goes to Notices" 2 '^> ' "Notices"
like "the changed notice's line says bad signature" "$(screen)" '— unread, bad signature$'
like "the unsigned notice's line says unsigned" "$(screen)" '^  Not verified: Your tax refund, sender: National Tax .* — read, unsigned$'
like "the unknown signer's line says so" "$(screen)" '^  Not verified: Signed by a stranger, sender: .* — read, unknown signer$'
like "the verified notice's line says verified sender" "$(screen)" '— (unread|read), verified sender$'
ok "no line says a notice is from an agency unless verified" \
	sh -c "! tmux -L '$SOCK' capture-pane -p -t myna | grep -E ', from ' | grep -vE 'verified sender\$'"
# Open the changed notice: the focus starts on the warning.
for _ in $(seq 30); do
	marker_line | grep -q 'bad signature$' && break
	tm send-keys -t myna j
	sleep 0.1
done
key "Enter opens the changed notice; the focus is on the warning" Enter \
	'^> Signature does not match: this may not come from Chiyoda City Office$' \
	"Sender (not verified): Chiyoda City Office"
tm send-keys -t myna q q q
is "the TUI ends with status 0" "$(tui_rc)" "0"

# --- myna-bff --agency-keys ---------------------------------------------------
url1=$BFF_URL
mkdir -p "$T/bff2"
myna-bff --listen 127.0.0.1:0 --db "$T/bff2/bff.db" --agency-keys "$T/keys" 2>"$T/bff2.log" &
track $!
wait_for 10 grep -q 'listening on http://' "$T/bff2.log" || bail "myna-bff --agency-keys did not start"
BFF_URL=$(grep -m1 -oE 'http://[^ ]+' "$T/bff2.log")
admin POST /v1/admin/users '{"id":"demo","municipality":"131016","name":"テスト"}' >/dev/null
is "with --agency-keys a notice that verifies is accepted" "$(problem "$(cat "$T/signed.json")")" "201"
is "one changed after signing is refused" \
	"$(problem "$(jq -c '.body.en = "Pay at the site below."' "$T/signed.json")")" "422"
like "... saying why" "$(detail "$(jq -c '.body.en = "Pay at the site below."' "$T/signed.json")")" \
	'does not match'
is "one signed by an agency this server has no key of is refused" "$(problem "$(cat "$T/stranger.json")")" "422"
is "an unsigned one is still accepted" \
	"$(problem '{"audience":"all","title":"t","body":"b","sender":"s"}')" "201"
BFF_URL=$url1
myna-bff --listen 127.0.0.1:0 --db "$T/bff2/other.db" --agency-keys "$T/none" 2>"$T/bff3.log"
is "--agency-keys naming no key stops the server at start" "$?" "1"
like "... saying so" "$(cat "$T/bff3.log")" 'holds no key'

done_testing
