# `myna show KIND ID --speech`, end to end: a real myna-bff --demo on
# loopback, sign-in, sync, then the item read aloud through the speech module
# with espeak-ng (these machines have no sound card, so it synthesises to
# nothing) and MYNA_SPEECH_TRANSCRIPT capturing exactly what reached the
# synthesiser: in Japanese the reading (no kanji, no digits, dates read as
# dates), in English the English text, and never an escape sequence.
. "$(dirname "$0")/../lib.sh"

# A kanji, a digit, or a control character (ESC, BEL, other C0, DEL).
KANJI='[\x{3400}-\x{4DBF}\x{4E00}-\x{9FFF}\x{F900}-\x{FAFF}\x{3005}\x{3006}\x{3007}]'
CONTROL='[\x00-\x1F\x7F]'

# no_match FILE REGEX: passes when no line of FILE matches the PCRE REGEX.
no_match() { ! grep -qP -- "$2" "$1"; }

# norm TEXT: without spaces and pauses, so that spacing does not matter.
norm() { printf '%s' "$1" | sed 's/[ 、。]//g'; }

# The readings of months and days, as the due date must be said.
months=(- いちがつ にがつ さんがつ しがつ ごがつ ろくがつ しちがつ はちがつ くがつ
	じゅうがつ じゅういちがつ じゅうにがつ)
days=(- ついたち ふつか みっか よっか いつか むいか なのか ようか ここのか とおか
	じゅういちにち じゅうににち じゅうさんにち じゅうよっか じゅうごにち じゅうろくにち
	じゅうしちにち じゅうはちにち じゅうくにち はつか にじゅういちにち にじゅうににち
	にじゅうさんにち にじゅうよっか にじゅうごにち にじゅうろくにち にじゅうしちにち
	にじゅうはちにち にじゅうくにち さんじゅうにち さんじゅういちにち)

start_bff
ok "myna login completes" login_as demo

# A deadline with a date of our own, and a notice full of escape sequences.
out=$(admin POST /v1/admin/deadlines '{"user":"demo","title":{"ja":"個人住民税（第3期）の納付","en":"Resident tax, instalment 3 of 4"},"due":"2030-12-01T23:59:59+09:00","procedure":null}')
did=$(head -1 <<<"$out" | jq -r .id)
like "the deadline was added" "$did" '^d-[0-9]+$'
out=$(admin POST /v1/admin/notices '{"audience":{"user":"demo"},"title":{"ja":"\u001b[31m重要\u001b[0mなお知らせ\u0007","en":"\u001b]0;owned\u0007Important \u001b[1mnotice\u001b[0m"},"body":{"ja":"お問い合わせは03-1234-5678まで。\u001b[2J\r\n受付は9時から17時です。","en":"Call 03-1234-5678.\u001b[2J\r\nOpen 9:00 to 17:00."},"sender":{"ja":"千代田区役所","en":"Chiyoda City Office"}}')
nid=$(head -1 <<<"$out" | jq -r .id)
like "the notice was added" "$nid" '^n-[0-9]+$'
ok "myna sync" myna sync

# Japanese: the deadline.
ja=$T/ja.txt
LANG=ja_JP.UTF-8 MYNA_SPEECH_TRANSCRIPT=$ja myna show deadline "$did" --speech >"$T/ja.out" 2>"$T/ja.err"
is "show --speech in Japanese exits 0" "$?" "0"
like "the item is still printed" "$(cat "$T/ja.out")" '個人住民税（第3期）の納付'
is "nothing on stderr" "$(cat "$T/ja.err")" ""
is "three utterances: title, due date, status" "$(wc -l <"$ja")" "3"
is "the title is read" "$(norm "$(sed -n 1p "$ja")")" "$(norm 'こじんじゅうみんぜい だいさんき の のうふ')"
line=$(norm "$(sed -n 2p "$ja")")
like "the due date is read as a date with its weekday" "$line" \
	'^きげんにせんさんじゅうねんじゅうにがつついたちにちようびあと'
ok "no kanji reaches the synthesiser" no_match "$ja" "$KANJI"
ok "no digit reaches the synthesiser" no_match "$ja" '[0-9０-９]'

# With the era year on, the date is read with it.
echo 'era = on' >>"$XDG_CONFIG_HOME/myna/config"
: >"$ja"
LANG=ja_JP.UTF-8 MYNA_SPEECH_TRANSCRIPT=$ja myna show deadline "$did" --speech >"$T/ja.out" 2>&1
like "the era date is shown" "$(cat "$T/ja.out")" '令和12年12月1日（日）'
like "and read as an era year" "$(norm "$(sed -n 2p "$ja")")" \
	'^きげんれいわじゅうにねんじゅうにがつついたちにちようびあと'
ok "still no kanji reaches the synthesiser" no_match "$ja" "$KANJI"
sed -i '/^era = on$/d' "$XDG_CONFIG_HOME/myna/config"

# Japanese: a demo deadline, whose due date comes from the server.
json=$(myna list deadlines --json)
cert='.[] | select(.title_ja == "マイナンバーカードの電子証明書の更新")'
demo_id=$(jq -r "$cert | .id" <<<"$json")
due=$(jq -r "$cert | .due" <<<"$json")
like "the demo data has the certificate deadline" "$demo_id" '^d-[0-9]+$'

m=$((10#$(cut -c6-7 <<<"$due")))
d=$((10#$(cut -c9-10 <<<"$due")))
demo=$T/demo.txt
LANG=ja_JP.UTF-8 MYNA_SPEECH_TRANSCRIPT=$demo myna show deadline "$demo_id" --speech >/dev/null
is "a demo title is read" "$(norm "$(sed -n 1p "$demo")")" \
	"$(norm 'マイナンバーカードの でんししょうめいしょの こうしん')"
like "its due date ($due) is read as ${months[m]}${days[d]}" "$(norm "$(sed -n 2p "$demo")")" \
	"${months[m]}${days[d]}"
ok "no kanji in the demo deadline's speech" no_match "$demo" "$KANJI"

# English: the English title and the date in words.
en=$T/en.txt
MYNA_SPEECH_TRANSCRIPT=$en myna show deadline "$did" --speech >/dev/null
is "show --speech in English exits 0" "$?" "0"
is "the English title is said as written" "$(sed -n 1p "$en")" "Resident tax, instalment 3 of 4"
like "the due date in English" "$(sed -n 2p "$en")" '^Due: Sun 1 Dec 2030, '

# A notice with escape sequences: read, and never raw.
jn=$T/notice-ja.txt
LANG=ja_JP.UTF-8 MYNA_SPEECH_TRANSCRIPT=$jn myna show notice "$nid" --speech >/dev/null
is "show notice --speech exits 0" "$?" "0"
is "the notice title is read without its escapes" "$(sed -n 1p "$jn")" "じゅうようなおしらせ"
# An operator's notice carries no agency signature: that is said first, and
# the sender only as not verified.
is "the missing signature is said right after the title" "$(norm "$(sed -n 2p "$jn")")" \
	'しょめいがありませんさしだしにんわかくにんされていません'
is "the sender is read as not verified" "$(norm "$(sed -n 3p "$jn")")" \
	'さしだしにんみかくにんちよだくやくしょ'
like "the phone number is read digit by digit" "$(norm "$(cat "$jn")")" \
	'ぜろさんのいちにさんよんのごろくななはち'
like "the hours are read" "$(norm "$(cat "$jn")")" 'くじからじゅうしちじ'
ok "no control character in the Japanese transcript" no_match "$jn" "$CONTROL"
ok "no kanji in the notice's speech" no_match "$jn" "$KANJI"
en2=$T/notice-en.txt
MYNA_SPEECH_TRANSCRIPT=$en2 myna show notice "$nid" --speech >/dev/null
is "the English notice title, escapes removed" "$(sed -n 1p "$en2")" "Important notice"
is "then that it is unsigned" "$(sed -n 2p "$en2")" "Unsigned: sender not verified"
is "then the sender, as not verified" "$(sed -n 3p "$en2")" \
	"Sender (not verified): Chiyoda City Office"
like "the English body on one line" "$(cat "$en2")" '^Call 03-1234-5678\. Open 9:00 to 17:00\.$'
ok "no control character in the English transcript" no_match "$en2" "$CONTROL"

# Speech turned off, and a wrong option.
off=$T/off.txt
MYNA_SPEECH=off MYNA_SPEECH_TRANSCRIPT=$off myna show deadline "$did" --speech >"$T/off.out" 2>&1
is "with MYNA_SPEECH=off the command still succeeds" "$?" "0"
like "and still prints the item" "$(cat "$T/off.out")" 'Resident tax, instalment 3 of 4'
ok "and says nothing" test ! -e "$off"
myna show deadline "$did" --loud >/dev/null 2>"$T/usage.err"
is "an unknown option is a usage error" "$?" "2"
like "the usage line mentions --speech" "$(cat "$T/usage.err")" 'notice\|deadline ID \[--speech\]'

done_testing
