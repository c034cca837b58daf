# Keystroke echo in the speech presenter, as screen readers do it: a field
# says "label: text" when it is entered, then each character typed into
# it (signs by their names), and each character deleted ("deleted a",
# "削除 あ"), interrupting what was being said; speech_echo = words says
# a word when a blank or sign ends it, and off says nothing.  Checked in
# the search field, a setting's field and a field of the Apply wizard,
# through the transcript of what reaches the synthesiser.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib/tui.sh"

export MYNA_SPEECH=silent MYNA_SPEECH_TRANSCRIPT=$T/speech.txt
: >"$T/speech.txt"
# said LINE: waits until the transcript's last line is exactly LINE.
said() { wait_for 5 sh -c "[ \"\$(tail -n1 '$T/speech.txt')\" = \"\$1\" ]" sh "$1"; }
says() {
	local desc=$1 want=$2
	if said "$want"; then
		ok "$desc" true
	else
		ok "$desc" false
		echo "#   want: $want"
		tail -n5 "$T/speech.txt" | sed 's/^/#   said: /'
	fi
}
# press KEY WANT DESC: sends one key (tmux key name) and waits for WANT.
press() { tm send-keys -t myna "$1"; says "$3" "$2"; }
# typ TEXT WANT DESC: types TEXT literally and waits for WANT.
typ() { tm send-keys -t myna -l -- "$1"; says "$3" "$2"; }
lines() { wc -l <"$T/speech.txt"; }

start_bff
login_as demo >/dev/null 2>&1 || bail "sign-in failed"
echo 'notifications = off' >>"$XDG_CONFIG_HOME/myna/config"
myna sync >/dev/null || bail "first sync failed"
config=$XDG_CONFIG_HOME/myna/config

start_tui "myna --speech 2>'$T/tui.err'"
ok "the first screen is said" wait_for 5 grep -q '^To do\. ' "$T/speech.txt"

# The search field: each character, then deletions.
tm send-keys -t myna /
expect_field "/ enters the search field" "Search" "" "Procedures"
ok "entering the field (here with its screen) ends with its label" \
	wait_for 5 sh -c "tail -n1 '$T/speech.txt' | grep -q '^Procedures\..* Search:\$'"
typ t "t" "a typed letter is said"
typ a "a" "the next one"
typ x "x" "and the next"
typ " " "space" "a blank is said as space"
typ "-" "hyphen" "a sign by its name"
typ "7" "7" "a digit"
expect_field "the field holds what was typed" "Search" "tax -7"
press BSpace "deleted 7" "Backspace says the character it deleted"
press BSpace "deleted hyphen" "a deleted sign by its name"
n=$(lines)
tm send-keys -t myna Left
sleep 0.5
is "moving the cursor says nothing" "$(lines)" "$n"
press DC "deleted space" "Delete says the character it deleted (at the cursor)"
expect_field "the field follows" "Search" "tax"
typ "あ" "あ" "a kana is said"
press BSpace "deleted あ" "and its deletion"
tm send-keys -t myna Escape
expect "Esc leaves the field" '^> Search:$'

# Words: said when a blank or a sign ends them.
tm send-keys -t myna 7
ok "Settings are said" wait_for 5 grep -q '^Settings\. ' "$T/speech.txt"
for i in 1 2 3 4 5 6; do tm send-keys -t myna j; done
expect "the typing echo setting" '^> Typing echo — each character$'
key "Enter: words" Enter '^> Typing echo — each word$'
like "saved" "$(cat "$config")" '^speech_echo = words$'
tm send-keys -t myna k Enter
expect_field "a setting's field: the voice" "Speech voice" ""
says "entering it says its label" "Speech voice:"
n=$(lines)
type_text "e"
sleep 0.3
type_text "n"
expect_field "typed" "Speech voice" "en"
sleep 0.5
is "letters alone say nothing in words mode" "$(lines)" "$n"
typ "-" "en" "a sign ends the word: the word is said"
typ "u" "en" "the next letter says nothing"
typ "s" "en" "nor this one"
press BSpace "deleted s" "a deletion is still said"
tm send-keys -t myna Escape
expect "Esc leaves the voice as it was" '^> Speech voice — the synthesiser.s own$'

# Off: nothing at all while typing.
tm send-keys -t myna j Enter
expect "Enter: off" '^> Typing echo — off$'
like "saved" "$(cat "$config")" '^speech_echo = off$'
tm send-keys -t myna k Enter
says "the field is still said when entered" "Speech voice:"
n=$(lines)
type_text "ab"
expect_field "typed" "Speech voice" "ab"
tm send-keys -t myna BSpace
expect_field "deleted" "Speech voice" "a"
sleep 0.5
is "off says nothing for typing or deleting" "$(lines)" "$n"
tm send-keys -t myna Escape
tm send-keys -t myna j Enter
expect "Enter: back to each character" '^> Typing echo — each character$'

# A field of the Apply wizard.
tm send-keys -t myna /
expect_field "the search field" "Search" ""
type_text "転出"
tm send-keys -t myna Enter
expect "the search finds it" '^> Moving-out notification, Chiyoda City Office — online$'
tm send-keys -t myna Enter
expect "its details" '^> Agency: '
tm send-keys -t myna a
expect_field "the form's first question" "Moving date" ""
ok "the question is said" wait_for 5 grep -q 'Moving date:' "$T/speech.txt"
typ 2 "2" "a digit typed into the form"
typ 0 "0" "another"
typ / "slash" "a sign"
press BSpace "deleted slash" "a deletion in the form"
expect_field "the form's field holds it" "Moving date" "20"
tm send-keys -t myna Escape
expect "Esc on the first question leaves the form" '^> Agency: '
tm send-keys -t myna q q q
is "quits" "$(tui_rc)" "0"

# In Japanese: 削除 and the character.
: >"$T/speech.txt"
start_tui "LANG=ja_JP.UTF-8 myna --speech 2>'$T/tui.err'"
ok "the first screen is said in Japanese" wait_for 5 grep -q '^やること' "$T/speech.txt"
tm send-keys -t myna /
expect_field "the search field" "検索" ""
typ "い" "い" "a kana"
typ "-" "ハイフン" "a sign by its Japanese name"
press BSpace "さくじょ ハイフン" "a deletion: 削除 and the sign"
press BSpace "さくじょ い" "削除 and the kana"
tm send-keys -t myna Escape q q
is "quits" "$(tui_rc)" "0"

done_testing
