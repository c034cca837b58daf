# The three languages of myna's messages: English, Japanese and plain
# Japanese (やさしい日本語, the catalogue ja@easy).  First the catalogues:
# every entry translated and none fuzzy, translations that are really
# translated, printf conversions checked by msgfmt, and the template up to
# date with the sources.  Then what people see: a real myna-bff --demo, a
# sign-in and a sync, and `myna list deadlines`, `myna --plain` and the help
# in each language, chosen by LANG or by the `language` setting.
. "$(dirname "$0")/../lib.sh"
cd "$ROOT" || bail "no source tree"

CATALOGUES=(i18n/en.po i18n/ja.po i18n/ja@easy.po)

# Messages whose translation is rightly the English text: command syntax
# that people type as it is, and the name printed on a key.  Anything else
# left in English in ja or ja@easy is an untranslated message.
SAME_ON_PURPOSE=(
	'[--server URL]'
	'deadlines|notices|applications|records|access [--json]'
	'notice|deadline|application|procedure ID [--speech]'
	'application|procedure|notice|deadline ID [--speech]'
	'ID'
	'ID DURATION'
	'PROCEDURE_ID [--field NAME=VALUE]...'
	'WORDS [--json]'
	'ics [FILE]'
	'Enter'
)

# entries POFILE: one line per message of a catalogue or template, its
# msgid, msgid_plural, msgstr (or msgstr[0]) and msgstr[1] separated by
# tabs, each as written in the file (escapes kept: a tab is \t there).  The
# header and obsolete entries are left out.
entries() {
	msgcat --no-wrap "$1" | awk '
		function val(l) { sub(/^[^"]*"/, "", l); sub(/"$/, "", l); return l }
		function flush() { if (id != "") print id "\t" pl "\t" s0 "\t" s1; id = pl = s0 = s1 = "" }
		/^#~/ { next }
		/^msgid / { flush(); cur = "id"; id = val($0); next }
		/^msgid_plural / { cur = "pl"; pl = val($0); next }
		/^msgstr\[1\] / { cur = "s1"; s1 = val($0); next }
		/^msgstr(\[0\])? / { cur = "s0"; s0 = val($0); next }
		/^"/ { v = val($0)
			if (cur == "id") id = id v; else if (cur == "pl") pl = pl v
			else if (cur == "s0") s0 = s0 v; else if (cur == "s1") s1 = s1 v
			next }
		END { flush() }'
}

# Every catalogue is there and compiles with its printf conversions checked.
for po in "${CATALOGUES[@]}"; do
	ok "$po exists" test -s "$po"
	ok "$po passes msgfmt --check" msgfmt --check -o /dev/null "$po"
	is "$po has no untranslated entry" "$(msgattrib --untranslated --no-obsolete "$po" | entries - | cut -f1)" ""
	is "$po has no fuzzy entry" "$(msgattrib --only-fuzzy --no-obsolete "$po" | entries - | cut -f1)" ""
done
ok "the header of ja@easy names its language" grep -qx '"Language: ja@easy\\n"' i18n/ja@easy.po

# English is English on purpose: each translation is its msgid (the plural
# form its msgid_plural).
is "every English translation is its msgid" \
	"$(entries i18n/en.po | awk -F '\t' '$3 != $1 || $4 != $2 { print $1 }')" ""

# Japanese and plain Japanese: a translation equal to a msgid with words in
# ASCII letters (printf conversions such as %s or %zu and escapes such as
# \n do not count) is English left over, unless it is listed above.
for po in i18n/ja.po i18n/ja@easy.po; do
	left=$(entries "$po" | awk -F '\t' '$3 == $1 {
			w = $1
			gsub(/%([0-9]+[$])?[-+ #0]*[0-9*]*([.][0-9*]+)?(hh|h|ll|l|L|z|j|t)?[a-zA-Z%]/, "", w)
			gsub(/\\[nt"\\]/, "", w)
			if (w ~ /[A-Za-z]/) print $1 }' | grep -vxF -f <(printf '%s\n' "${SAME_ON_PURPOSE[@]}"))
	is "$po leaves no English message untranslated" "$left" ""
done
# Plain Japanese is a catalogue of its own, not a copy of ja: most
# translations differ.
total=$(entries i18n/ja.po | wc -l)
differ=$(awk -F '\t' 'NR == FNR { ja[$1] = $3; next } ja[$1] != $3' \
	<(entries i18n/ja.po) <(entries i18n/ja@easy.po) | wc -l)
is "ja@easy differs from ja in most messages ($differ of $total)" "$((differ * 4 > total * 3))" "1"

# The template is up to date with the sources: the same xgettext run as
# the Makefile's i18n/myna.pot rule, compared message by message.
xgettext --from-code=UTF-8 -k_ -kN_ --package-name=myna -o "$T/fresh.pot" \
	shared/*.c daemon/*.c notify/*.c tui/*.c server/*.c 2>"$T/xgettext.err" || { cat "$T/xgettext.err"; bail "xgettext failed"; }
entries "$T/fresh.pot" | cut -f1,2 | sort >"$T/fresh.ids"
entries i18n/myna.pot | cut -f1,2 | sort >"$T/pot.ids"
ok "the sources have messages" test "$(wc -l <"$T/fresh.ids")" -gt 100
if cmp -s "$T/fresh.ids" "$T/pot.ids"; then
	ok "i18n/myna.pot is up to date with the sources (make i18n/myna.pot)" true
else
	ok "i18n/myna.pot is up to date with the sources (make i18n/myna.pot)" false
	diff "$T/pot.ids" "$T/fresh.ids" | head -10 | sed 's/^/#   /'
fi
# ... and every catalogue translates every message of the sources.
for po in "${CATALOGUES[@]}"; do
	ok "$po translates every message of the sources (msgmerge it)" msgcmp "$po" "$T/fresh.pot"
done

# The catalogues are built where myna finds them.
for lang in en ja ja@easy; do
	ok "build/locale/$lang has myna.mo" test -s "build/locale/$lang/LC_MESSAGES/myna.mo"
done

# --- What people see -------------------------------------------------------

start_bff
login_as demo >/dev/null 2>&1 || bail "sign-in failed"
myna sync >/dev/null || bail "first sync failed"
nd=$(myna list deadlines --json | jq length)
like "the demo has deadlines" "$nd" '^[1-9][0-9]*$'
nover=$(myna list deadlines --json | jq '[.[] | select(.status == "overdue")] | length')
nopen=$(myna list deadlines --json | jq '[.[] | select(.status == "open")] | length')
like "the demo has overdue and open deadlines" "$nover $nopen" '^[1-9][0-9]* [1-9][0-9]*$'
config=$XDG_CONFIG_HOME/myna/config
mkdir -p "${config%/*}"
touch "$config"
cp "$config" "$T/config.orig"

# setting VALUE: the language setting is VALUE (none when empty).
setting() {
	cp "$T/config.orig" "$config"
	[ -z "$1" ] || echo "language = $1" >>"$config"
}

# ours: our own words in `myna list` or `myna --plain` output: the titles,
# which come from the server, are dropped from the numbered lines.
ours() { sed -E 's/^[0-9]+\. .* — (due|期限|しめきり) /\1 /; s/^[0-9]+\. .* — / /'; }

JA_DAY='20[0-9]{2}年[0-9]{1,2}月[0-9]{1,2}日（[日月火水木金土]）'
JA_DIST='(今日|明日|あと[0-9]+日|[0-9]+日超過)'
EASY_DIST='(きょう|あした|あと [0-9]+日|[0-9]+日 すぎました)'
EN_DAY='(Mon|Tue|Wed|Thu|Fri|Sat|Sun) [0-9]{1,2} [A-Z][a-z]{2} 20[0-9]{2}'

# check_ja OUTPUT WHAT: OUTPUT is `myna list deadlines` in Japanese.
check_ja() {
	is "$2: the count line is Japanese" "$(head -n1 <<<"$1")" "期限 ${nd}件"
	is "$2: every line has the date, the distance and the status in Japanese" \
		"$(tail -n +2 <<<"$1" | grep -cE "^[0-9]+\. .+ — 期限 $JA_DAY・$JA_DIST — (未完了|期限切れ|完了)（ID d-[0-9]+）\$")" "$nd"
	is "$2: overdue in words" "$(grep -c ' — 期限切れ（ID ' <<<"$1")" "$nover"
	is "$2: open in words" "$(grep -c ' — 未完了（ID ' <<<"$1")" "$nopen"
	is "$2: no English word" "$(ours <<<"$1" | grep -oE '[A-Za-z]{3,}' | head -3)" ""
}

# check_en OUTPUT WHAT: OUTPUT is `myna list deadlines` in English.
check_en() {
	is "$2: the count line is English" "$(head -n1 <<<"$1")" "$nd deadlines"
	is "$2: every line has the date, the distance and the status in English" \
		"$(tail -n +2 <<<"$1" | grep -cE "^[0-9]+\. .+ — due $EN_DAY, (today|tomorrow|in [0-9]+ days|[0-9]+ days? overdue) — (open|overdue|done) \(id d-[0-9]+\)\$")" "$nd"
	is "$2: no Japanese word of ours" "$(ours <<<"$1" | grep -cE '期限|未完了|件')" "0"
}

# check_easy OUTPUT WHAT: OUTPUT is `myna list deadlines` in plain Japanese.
check_easy() {
	is "$2: the count line is plain Japanese" "$(head -n1 <<<"$1")" "しめきり ${nd}こ"
	is "$2: every line has the date and the status in plain Japanese" \
		"$(tail -n +2 <<<"$1" | grep -cE "^[0-9]+\. .+ — しめきり $JA_DAY・$EASY_DIST — (まだ|しめきりが すぎた|おわった)（ID d-[0-9]+）\$")" "$nd"
	is "$2: overdue in plain words" "$(grep -c ' — しめきりが すぎた（ID ' <<<"$1")" "$nover"
	is "$2: open in plain words" "$(grep -c ' — まだ（ID ' <<<"$1")" "$nopen"
	is "$2: none of the harder words" "$(ours <<<"$1" | grep -cE '期限|未完了|件|超過|今日|明日')" "0"
	is "$2: no English word" "$(ours <<<"$1" | grep -oE '[A-Za-z]{3,}' | head -3)" ""
}

# Without a setting the locale decides.
setting ""
check_ja "$(LANG=ja_JP.UTF-8 myna list deadlines)" "LANG=ja_JP.UTF-8"
check_ja "$(LANG=en_US.UTF-8 LC_MESSAGES=ja_JP.UTF-8 myna list deadlines)" "LC_MESSAGES=ja_JP.UTF-8"
check_en "$(LANG=en_US.UTF-8 myna list deadlines)" "LANG=en_US.UTF-8"
check_en "$(LANG=ja_JP.UTF-8 LC_ALL=en_US.UTF-8 myna list deadlines)" "LC_ALL=en_US.UTF-8"
check_easy "$(LANG=ja_JP.UTF-8 LANGUAGE=ja@easy:ja myna list deadlines)" "LANGUAGE=ja@easy:ja"
is "the titles are the Japanese ones in Japanese" \
	"$(LANG=ja_JP.UTF-8 myna list deadlines | sed -n 2p | sed 's/^1\. \(.*\) — 期限 .*/\1/')" \
	"$(myna list deadlines --json | jq -r '.[0].title_ja')"

# The setting beats the locale.
setting ja-easy
check_easy "$(LANG=ja_JP.UTF-8 myna list deadlines)" "language = ja-easy"
check_easy "$(LANG=en_US.UTF-8 myna list deadlines)" "language = ja-easy under LANG=en_US.UTF-8"
is "plain Japanese shows the Japanese titles" \
	"$(LANG=en_US.UTF-8 myna list deadlines | sed -n 2p | sed 's/^1\. \(.*\) — しめきり .*/\1/')" \
	"$(LANG=ja_JP.UTF-8 myna list deadlines --json | jq -r '.[0].title_ja')"
setting en
check_en "$(LANG=ja_JP.UTF-8 myna list deadlines)" "language = en under LANG=ja_JP.UTF-8"
check_en "$(LANG=ja_JP.UTF-8 LANGUAGE=ja myna list deadlines)" "language = en over LANGUAGE=ja"
setting ja
check_ja "$(LANG=en_US.UTF-8 myna list deadlines)" "language = ja under LANG=en_US.UTF-8"
setting ""

# The plain home screen: title, summary, section, prompt, in each language.
home() { printf 'q\n' | myna --plain 2>&1; }
h=$(LANG=en_US.UTF-8 home)
is "English home: title" "$(head -n1 <<<"$h")" "To do"
like "English home: summary" "$(sed -n 2p <<<"$h")" '^[0-9]+ of [0-9]+ done, [0-9]+ unread notices$'
like "English home: section" "$h" "^$((nover + nopen)) open deadlines\$"
like "English home: prompt" "$h" 'Enter a number from 1 to [0-9]+, n for notices, \? for help, or q to quit: '
h=$(LANG=ja_JP.UTF-8 home)
is "Japanese home: title" "$(head -n1 <<<"$h")" "やること"
like "Japanese home: summary" "$(sed -n 2p <<<"$h")" '^完了 [0-9]+件（全[0-9]+件）、未読のお知らせ [0-9]+件$'
like "Japanese home: section" "$h" "^未完了の期限 $((nover + nopen))件\$"
like "Japanese home: an item says when" "$h" "^1\\. .+ — $JA_DIST\$"
like "Japanese home: prompt" "$h" '番号（1～[0-9]+）、n（お知らせ）、\?（ヘルプ）、q（終了）のいずれかを入力してください: '
is "Japanese home: no English word" "$(ours <<<"$h" | grep -oE '[A-Za-z]{3,}' | head -3)" ""
setting ja-easy
h=$(LANG=ja_JP.UTF-8 home)
is "plain Japanese home: title" "$(head -n1 <<<"$h")" "する こと"
like "plain Japanese home: summary" "$(sed -n 2p <<<"$h")" '^おわった もの [0-9]+こ（ぜんぶで [0-9]+こ）、読んで いない おしらせ [0-9]+こ$'
like "plain Japanese home: section" "$h" "^まだ おわって いない しめきり $((nover + nopen))こ\$"
like "plain Japanese home: prompt" "$h" 'ばんごう（1から [0-9]+ まで）、n（おしらせ）、\?（せつめい）、q（おわる）の どれかを 入力して ください: '
is "plain Japanese home: no English word" "$(ours <<<"$h" | grep -oE '[A-Za-z]{3,}' | head -3)" ""
setting ""

# Help and errors follow the language too, in all three programs.
like "myna --help in Japanese" "$(LANG=ja_JP.UTF-8 myna --help)" '^使い方: myna \[--plain\]'
like "myna --help lists the commands in Japanese" "$(LANG=ja_JP.UTF-8 myna --help)" 'done ID +期限を完了にします'
is "myna --help shows no catalogue header for commands without arguments" \
	"$(LANG=ja_JP.UTF-8 myna --help | grep -c 'Project-Id-Version')" "0"
is "a usage error in Japanese" "$(LANG=ja_JP.UTF-8 myna sync extra 2>&1)" \
	$'myna: sync には引数を付けられません。\n使い方: myna sync '
like "mynad --help in Japanese" "$(LANG=ja_JP.UTF-8 mynad --help)" '^使い方: mynad '
like "myna-bff --help in Japanese" "$(LANG=ja_JP.UTF-8 myna-bff --help)" '^使い方: myna-bff '
like "an error in Japanese" "$(LANG=ja_JP.UTF-8 myna show deadline d-none 2>&1)" \
	'^myna: ID が d-none の期限はありません。ID は myna list deadlines で確認できます$'
setting ja-easy
like "an error in plain Japanese" "$(LANG=ja_JP.UTF-8 myna show deadline d-none 2>&1)" \
	'^myna: ID が d-none の しめきりは ありません。'
setting ""
like "the same error in English" "$(LANG=en_US.UTF-8 myna show deadline d-none 2>&1)" \
	'^myna: There is no deadline with the id d-none\.'

# make demo in each language: tools/demo with the front end reading q from
# a pipe (so the plain presenter), its home screen in the language asked.
demo_home() { printf 'q\n' | env "$@" tools/demo 2>&1 | sed -n '/^demo: mynad is running/,$p'; }
out=$(demo_home LANG=ja_JP.UTF-8)
like "LANG=ja_JP.UTF-8 make demo is in Japanese" "$out" '^やること$'
like "... with its summary in Japanese" "$out" '^完了 [0-9]+件（全[0-9]+件）'
out=$(demo_home LANG=en_US.UTF-8)
like "LANG=en_US.UTF-8 make demo is in English" "$out" '^To do$'
out=$(demo_home LANG=en_US.UTF-8 MYNA_LANGUAGE=ja-easy)
like "MYNA_LANGUAGE=ja-easy make demo is in plain Japanese" "$out" '^する こと$'
like "... with its summary in plain Japanese" "$out" '^おわった もの [0-9]+こ（ぜんぶで [0-9]+こ）'
out=$(MYNA_LANGUAGE=fr tools/demo 2>&1 </dev/null)
is "make demo refuses a language it does not have" "$?" "2"
like "... and says which it has" "$out" 'MYNA_LANGUAGE is ja, en or ja-easy'

done_testing
