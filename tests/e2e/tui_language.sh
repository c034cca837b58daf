# The language changed on the Settings screen applies at once to every
# screen, without a restart, in every direction: from the locale's
# language (Japanese here) to Japanese chosen, to English, to plain
# Japanese, and back to the locale's; the status line says the change in
# the new language, the config file follows, and the speech presenter
# speaks the new language.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib/tui.sh"

start_bff
login_as demo >/dev/null 2>&1 || bail "sign-in failed"
myna sync >/dev/null || bail "first sync failed"
config=$XDG_CONFIG_HOME/myna/config
export LANG=ja_JP.UTF-8

# home TITLE SUMMARY: To do (1) shows TITLE and a summary matching SUMMARY.
home() {
	tm send-keys -t myna 1
	expect "To do is $1" '^> ' "$1"
	like "... with its summary in the same language" "$(screen | sed -n 2p)" "$2"
}
# notices TITLE: Notices (2) has the title TITLE.
notices() {
	tm send-keys -t myna 2
	expect "Notices is $1" '^> ' "$1"
	is "... as its first line" "$(screen | head -n1)" "$1"
}
# help LINE: Help (8) lists LINE.
help_has() {
	tm send-keys -t myna 8
	expect "Help lists $1" '^> ' "$1"
}
# language WORDS TITLE STATUS: Settings (7), Enter on Language: the item
# says WORDS, the title is TITLE, the status line STATUS.
language() {
	tm send-keys -t myna 7
	expect "Settings" '^> '
	tm send-keys -t myna g Enter
	expect "Enter on Language: $1" "^> .+ — $(re "$1")\$" "$2"
	is "... the title is $2" "$(screen | head -n1)" "$2"
	is "... and the status line says it in the new language" "$(status_line)" "$3"
}

start_tui "myna 2>'$T/tui.err'"
expect "the locale's language: Japanese" '^> ' "やること"
home "やること" '^完了 [0-9]+件（全[0-9]+件）'

language "日本語 (Japanese)" "設定" "言語: 日本語 (Japanese)"
like "the config file says ja" "$(cat "$config")" '^language = ja$'
home "やること" '^完了 [0-9]+件'

language "English" "Settings" "Language: English"
like "the config file says en" "$(cat "$config")" '^language = en$'
home "To do" '^[0-9]+ of [0-9]+ done, [0-9]+ unread notices'
notices "Notices"
help_has "j or Down:"

language "やさしい日本語 (plain Japanese)" "せってい" "ことば: やさしい日本語 (plain Japanese)"
like "the config file says ja-easy" "$(cat "$config")" '^language = ja-easy$'
home "する こと" '^おわった もの [0-9]+こ（ぜんぶで [0-9]+こ）'
notices "おしらせ"

# Back to the locale's: the setting is removed and Japanese comes back.
language "システムの設定どおり" "設定" "言語: システムの設定どおり"
is "the config file has no language any more" "$(grep -c '^language' "$config")" "0"
home "やること" '^完了 [0-9]+件（全[0-9]+件）'
notices "お知らせ"
is "no English is left on To do's first lines" "$(tm send-keys -t myna 1; sleep 0.3; screen | head -n2 | grep -cE '[A-Za-z]{3,}')" "0"

language "日本語 (Japanese)" "設定" "言語: 日本語 (Japanese)"
tm send-keys -t myna q q
is "q quits with status 0" "$(tui_rc)" "0"
is "nothing was written to stderr" "$(cat "$T/tui.err")" ""

# Under an English locale, back to the locale's is English again.
sed -i '/^language/d' "$config"
echo "language = ja" >>"$config"
start_tui "LANG=en_US.UTF-8 myna 2>'$T/tui.err'"
expect "the setting says Japanese" '^> ' "やること"
tm send-keys -t myna 7 g Enter
expect "Enter: English" '^> Language — English$' "Settings"
tm send-keys -t myna Enter
expect "Enter: plain Japanese" '^> ことば — ' "せってい"
tm send-keys -t myna Enter
expect "Enter: as the system is set, which is English" '^> Language — as the system is set$' "Settings"
home "To do" '^[0-9]+ of [0-9]+ done'
tm send-keys -t myna q
is "quits" "$(tui_rc)" "0"

# The speech presenter speaks the language chosen, at once.
export MYNA_SPEECH=silent MYNA_SPEECH_TRANSCRIPT=$T/speech.txt
: >"$T/speech.txt"
echo "language = en" >>"$config"
start_tui "myna --speech 2>'$T/tui.err'"
ok "the first screen is said in English" wait_for 5 grep -q '^To do\. ' "$T/speech.txt"
tm send-keys -t myna 7 g Enter
ok "the change is said in plain Japanese" wait_for 5 grep -q '^ことば、やさしいにほんご' "$T/speech.txt"
ok "after the switch to plain Japanese, the screen is said in it" \
	wait_for 5 grep -q '^せってい。' "$T/speech.txt"
tm send-keys -t myna q q
is "quits" "$(tui_rc)" "0"

done_testing
