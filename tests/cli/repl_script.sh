# The interactive session read from a pipe: the same commands as the command line, session
# settings, shorthands, edits saved at once and undone, and an exit status that reports whether
# any line failed.
. "$(dirname "$0")/lib.sh"

session() { # session LINES...: one line each, through a pipe
  printf '%s\n' "$@" | "$TOPONYM" --db "$SCRATCH/s.db" >"$SCRATCH/out" 2>"$SCRATCH/err"
  RC=$?
}

session "Kunasiri" "Etorohu"
expect_rc 0
expect_out "[kunashir]"
expect_out "[iturup]"
expect_no_out "toponym>"
CHECKS=$((CHECKS + 1))
grep -qF $'\033[' "$SCRATCH/out" && fail "colour in a pipe"

# Settings: the heading language, a romanisation shown with each entry, JSON.
session "lang ja" "scheme hepburn" "Shikotan"
expect_rc 0
expect_out "色丹島  (island)"
expect_out "hepburn: Shikotantō"
session "format json" "Kunashir"
expect_out '{"query":"Kunashir","matches":[{"concept":"kunashir"'
session "lang xx"
expect_rc 2
expect_err "lang takes en, ja or ru"

# Commands of the command line, and the shorthands.
session "translit --scheme iso9 Южно-Курильск" "key Hokkaidō" "stats"
expect_rc 0
expect_out "Ûžno-Kurilʹsk"
expect_out "$(printf 'ja\thokkaido')"
expect_out "concepts"
session "scheme kunrei" "translit くなしり"
expect_out "Kunasiri"
session "check We sailed along the Kurile Islands."
expect_rc 0
expect_out '"Kurile Islands" is superseded; use "Kuril Islands"'
session "tm import $TP_SOURCE_DIR/tmx/kuril-news.tmx" "concordance Kunashir"
expect_rc 0
expect_out "国後島"

# Edits are saved at once; undo steps back.
session 'add --id test-isle "en:Test Isle" "ru:Тестовый"'
expect_rc 0
session "Test Isle"
expect_rc 0
expect_out "[test-isle]"
session "undo" "Test Isle"
expect_rc 1
expect_out "Test Isle: no entry"

# The exit status is that of the first failed line; later lines still run.
session "qqqqqqqq" "Kunashir"
expect_rc 1
expect_out "[kunashir]"
session "frobnicate --now" "Kunashir"
expect_rc 1
session 'lookup "unterminated'
expect_rc 2
expect_err "unterminated quote"
session "help"
expect_rc 0
expect_out "concordance TEXT"
session "quit" "Kunashir"
expect_rc 0
expect_no_out "[kunashir]"

done_testing
