# toponym lookup end to end: the default store is created and seeded on first use, any spelling
# finds its entry, exit codes say whether anything matched, JSON is well formed.
. "$(dirname "$0")/lib.sh"

run lookup Etorofu
expect_rc 0
expect_out "Iturup"
expect_out "択捉島"
expect_out "Итуруп"
expect_out "reading えとろふとう"
expect_empty_err
CHECKS=$((CHECKS + 1))
[ -f "$XDG_DATA_HOME/toponym/toponym.db" ] || fail "default store not created under XDG_DATA_HOME"

run lookup Kunasiri
expect_rc 0
expect_out "match: romanisation, score 85"
expect_out "Kunashir"

run lookup "zé zhuō dǎo"
expect_rc 1
expect_out "no entry"

run lookup Etorofu "zé zhuō dǎo"
expect_rc 0

run lookup --json Kunashr
expect_rc 0
expect_out '"match":"fuzzy"'
expect_out '"concept":"kunashir"'
if command -v python3 >/dev/null; then
  CHECKS=$((CHECKS + 1))
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["query"]=="Kunashr"; assert d["matches"][0]["terms"]' "$SCRATCH/out" ||
    fail "JSON output does not parse or lacks fields"
fi

run lookup --limit 1 Yuzhno
expect_rc 0
CHECKS=$((CHECKS + 1))
[ "$(grep -c '^  match:' "$SCRATCH/out")" = 1 ] || fail "--limit 1 printed more than one entry"

# TOPONYM_DB and --db choose another store, seeded the same way.
TOPONYM_DB="$SCRATCH/env.db" run lookup 北海道
expect_rc 0
CHECKS=$((CHECKS + 1))
[ -f "$SCRATCH/env.db" ] || fail "TOPONYM_DB not used"
run --db "$SCRATCH/opt.db" lookup Хоккайдо
expect_rc 0
run lookup --db "$SCRATCH/opt.db" Hokkaidoh
expect_rc 0
expect_out "Hokkaido"

# The REPL read from a pipe: one lookup a line, exit 1 when a line found nothing.
printf 'Etorofu\n\nKurils\n' | "$TOPONYM" >"$SCRATCH/out" 2>"$SCRATCH/err"
RC=$?
expect_rc 0
expect_out "Kuril Islands"
printf 'Etorofu\nqqqqqqq\n' | "$TOPONYM" >"$SCRATCH/out" 2>"$SCRATCH/err"
RC=$?
expect_rc 1

run stats
expect_rc 0
expect_out "concepts"
CHECKS=$((CHECKS + 1))
n=$(awk '/^concepts/ {print $2}' "$SCRATCH/out")
[ "${n:-0}" -ge 80 ] || fail "the shipped glossary has $n concepts, want at least 80"

done_testing
