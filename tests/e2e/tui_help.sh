# The Help screen lines what each key does up in one column, measured in
# terminal columns (a Japanese character takes two), at 80 and at 40
# columns: every description starts in the same column, a description too
# long for the window goes on in the next line in that column, and no
# line is wider than the window.  `myna --help` pads its commands by
# columns too.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib/tui.sh"

# help_lines: the list rows of the Help screen (between the blank line
# after the summary and the status line), without the focus marker's two
# columns and without headings and blank lines.
help_lines() {
	screen | sed -n '4,$p' | sed '$d' | grep -E '^(> |  )' | cut -c3-
}
# columns: for each help line, the column where its description starts
# (a line that goes on from the one before: where its text starts).
columns() {
	help_lines | while IFS= read -r l; do
		if [[ $l == " "* ]]; then
			printf '%s' "${l%%[! ]*}" | wc -L
		else
			printf '%s' "$l" | sed -E 's/^([^:]*: *).*/\1/' | wc -L
		fi
	done | sort -u
}
widest() { screen | while IFS= read -r l; do printf '%s\n' "$l" | wc -L; done | sort -n | tail -n1; }

# check SIZE LANG WHAT: the Help screen (8) and To do's help (?) in a
# window of SIZE under LANG.
check() {
	local size=$1 lang=$2 what=$3 cols=${1%x*}
	start_tui "$size" "LANG=$lang myna 2>'$T/tui.err'"
	tm send-keys -t myna 8
	expect "$what $size: Help" '^> '
	is "$what $size: every description starts in one column" "$(columns | wc -l)" "1"
	ok "$what $size: no line is wider than the window" test "$(widest)" -le "$cols"
	# Page through it: the column holds on every page.
	tm send-keys -t myna NPage
	expect "$what $size: the next page" '^> '
	is "$what $size: the column holds on the next page" "$(columns | wc -l)" "1"
	tm send-keys -t myna 1 '?'
	expect "$what $size: the keys of To do" '^> '
	is "$what $size: one column there too" "$(columns | wc -l)" "1"
	ok "$what $size: no line wider than the window" test "$(widest)" -le "$cols"
	col=$(columns)
	tm send-keys -t myna q q
	is "$what $size: quits" "$(tui_rc)" "0"
}

check 80x24 ja_JP.UTF-8 "Japanese"
is "Japanese 80x24: the column is after the widest key, 「j または下矢印:」 (15 columns)" "$col" "16"
check 40x30 ja_JP.UTF-8 "Japanese"
is "Japanese 40x30: the same column" "$col" "16"
# At 40 columns the long descriptions go on in the next line.
start_tui 40x30 "LANG=ja_JP.UTF-8 myna 2>'$T/tui.err'"
tm send-keys -t myna '?'
expect "Japanese 40x30: To do's keys" '^> '
like "a description wrapped into its column" "$(screen)" $'\n  Enter: +開く・選ぶ（お知らせは *\n {18}既読になる）'
tm send-keys -t myna q q
tui_rc >/dev/null

check 80x24 en_US.UTF-8 "English"
is "English 80x24: the column is after Page Down:" "$col" "11"
check 40x24 en_US.UTF-8 "English"

mkdir -p "$XDG_CONFIG_HOME/myna"
echo "language = ja-easy" >"$XDG_CONFIG_HOME/myna/config"
check 80x24 ja_JP.UTF-8 "Plain Japanese"
check 40x24 ja_JP.UTF-8 "Plain Japanese"
rm "$XDG_CONFIG_HOME/myna/config"

# myna --help: the descriptions of the commands in one column, by
# terminal columns.
is "myna --help lines its commands up" \
	"$(LANG=ja_JP.UTF-8 myna --help | grep -E '^  [a-z]+ ' | while IFS= read -r l; do
		case $l in *'   '*) printf '%s' "$l" | sed -E 's/^(.*   )[^ ].*/\1/' | wc -L ;; esac
	done | sort -u)" "33"

done_testing
