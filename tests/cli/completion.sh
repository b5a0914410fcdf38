# The bash completion script: subcommands, options read from the help, schemes, and place names
# from the store in any script.
. "$(dirname "$0")/lib.sh"
script="$TP_SOURCE_DIR/src/cli/completion.bash"
dir=$(dirname "$TOPONYM")
"$TOPONYM" --db "$SCRATCH/c.db" stats >/dev/null

complete_line() { # complete_line WORD...: the completions of the last word, one a line
  bash -c '
    PATH="$1:$PATH"; . "$2"; shift 2
    COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
    _toponym; printf "%s\n" "${COMPREPLY[@]}"' _ "$dir" "$script" "$@" >"$SCRATCH/out" 2>"$SCRATCH/err"
  RC=$?
}

complete_line toponym loo
expect_rc 0
expect_out "lookup"
complete_line toponym lookup --j
expect_out "--json"
complete_line toponym translit --scheme hep
expect_out "hepburn"
expect_out "hepburn-trad"
complete_line toponym --db "$SCRATCH/c.db" lookup Yuzhno
expect_out "Yuzhno-Kurilsk"
expect_out "Yuzhno-Sakhalinsk"
complete_line toponym --db "$SCRATCH/c.db" lookup Итур
expect_out "Итуруп"

run --db "$SCRATCH/c.db" complete Etor
expect_rc 0
expect_out "Etorofu"
run --db "$SCRATCH/c.db" complete Qqqq
expect_rc 1

done_testing
