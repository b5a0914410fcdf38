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
