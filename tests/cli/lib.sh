# Helpers for the CLI tests: each test runs the real toponym binary in a scratch home and checks
# the exit code, stdout and stderr together. Sourced by tests/cli/*.sh (run through ctest, which
# sets TOPONYM, TP_SOURCE_DIR and TP_GOLDEN_DIR).
set -u
: "${TOPONYM:?TOPONYM must name the toponym binary}"
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/tp_cli.XXXXXX")
trap 'rm -rf "$SCRATCH"' EXIT
export HOME="$SCRATCH/home" XDG_DATA_HOME="$SCRATCH/data" XDG_STATE_HOME="$SCRATCH/state"
unset TOPONYM_DB NO_COLOR
mkdir -p "$HOME"
FAILED=0
CHECKS=0

# run ARGS...: runs toponym, leaving $RC, $SCRATCH/out and $SCRATCH/err.
run() {
  "$TOPONYM" "$@" >"$SCRATCH/out" 2>"$SCRATCH/err" </dev/null
  RC=$?
}

# run_tty ARGS...: runs toponym with its output on a terminal (the pseudo-terminal of script(1),
# util-linux), leaving $RC and all the terminal received in $SCRATCH/tty. Fails without script.
run_tty() {
  command -v script >/dev/null || return 1
  script -qefc "$(printf '%q ' "$TOPONYM" "$@")" /dev/null >"$SCRATCH/tty" </dev/null
  RC=$?
}

# expect_progress LABEL NEXT: $SCRATCH/tty shows a progress bar for LABEL rising through at least
# five percentages, erased before NEXT (the text that follows it) is written on its line.
expect_progress() {
  CHECKS=$((CHECKS + 1))
  local pcts line
  pcts=$(tr '\r' '\n' <"$SCRATCH/tty" | sed -n "s/^.*$1 \[[# ]*\] *\([0-9]*\)%$/\1/p")
  [ "$(printf '%s\n' $pcts | sort -n | uniq | wc -l)" -ge 5 ] ||
    fail "no progress bar for $1 on the terminal: $(head -c 300 "$SCRATCH/tty" | cat -v)"
  [ "$(printf '%s\n' $pcts)" = "$(printf '%s\n' $pcts | sort -n)" ] || fail "the bar goes backwards"
  CHECKS=$((CHECKS + 1))
  line=$(tr '\r' '\n' <"$SCRATCH/tty" | grep -F -- "$2" | head -n 1)
  case "$line" in
    "$(printf '\033[K')$2"*) ;;
    *) fail "the bar is not erased before '$2': $(printf '%s' "$line" | cat -v)" ;;
  esac
}

fail() {
  FAILED=$((FAILED + 1))
  echo "FAIL (line ${BASH_LINENO[1]}): $*" >&2
  echo "  stdout: $(head -c 600 "$SCRATCH/out")" >&2
  echo "  stderr: $(head -c 600 "$SCRATCH/err")" >&2
}

expect_rc() { CHECKS=$((CHECKS + 1)); [ "$RC" = "$1" ] || fail "exit code $RC, want $1"; }
expect_out() { CHECKS=$((CHECKS + 1)); grep -qF -- "$1" "$SCRATCH/out" || fail "stdout lacks: $1"; }
expect_no_out() { CHECKS=$((CHECKS + 1)); ! grep -qF -- "$1" "$SCRATCH/out" || fail "stdout has: $1"; }
expect_err() { CHECKS=$((CHECKS + 1)); grep -qF -- "$1" "$SCRATCH/err" || fail "stderr lacks: $1"; }
expect_empty_err() { CHECKS=$((CHECKS + 1)); [ ! -s "$SCRATCH/err" ] || fail "stderr not empty"; }

done_testing() {
  echo "$((CHECKS - FAILED)) passed, $FAILED failed"
  [ "$FAILED" = 0 ]
}
