#!/usr/bin/env bash
# bench/run.sh — toponym's lookup benchmark, end to end: (a) `toponym lookup` as a whole process
# against grep -F -i and the sqlite3 CLI on the same terms, (b) tp_lookup on the shipped glossary,
# (c) tp_lookup on a generated store of 200,000 concepts; then a pass/fail table against the
# targets. Every figure is a median over repeated runs, and peers are timed in the same run.
#
# Usage: bench/run.sh [--keep] [--reuse]      exits 0 when every output check passes and every
#                                            target is met, 1 otherwise
#   --keep    keep the generated store (bench/out/gen-N.db) instead of deleting it
#   --reuse   time an existing bench/out/gen-N.db made by the same bench_lookup.c
# Environment: BUILD_DIR (default build), TP_BENCH_CONCEPTS (200000), TP_BENCH_CLI_RUNS (50),
#   TP_BENCH_LIB_RUNS (300), TP_BENCH_NO_HYPERFINE=1 (time with the shell loop even when
#   hyperfine is installed).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD_DIR:-$ROOT/build}
OUT=$ROOT/bench/out
CONCEPTS=${TP_BENCH_CONCEPTS:-200000}
CLI_RUNS=${TP_BENCH_CLI_RUNS:-50}
LIB_RUNS=${TP_BENCH_LIB_RUNS:-300}
KEEP=0 REUSE=0
for arg in "$@"; do
    case $arg in
        --keep) KEEP=1 ;;
        --reuse) REUSE=1; KEEP=1 ;;
        -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
        *) echo "run.sh: unknown option $arg" >&2; exit 2 ;;
    esac
done

# Targets from the issue, in milliseconds.
TARGET_CLI_MS=20 TARGET_LIB_MS=0.2 TARGET_BIG_MS=1

TMP=$(mktemp -d "${TMPDIR:-/tmp}/toponym-bench.XXXXXX")
GEN_DB=$OUT/gen-$CONCEPTS.db
cleanup() {
    rm -rf "$TMP"
    if [ "$KEEP" = 0 ]; then rm -f "$GEN_DB" "$GEN_DB"-journal "$GEN_DB"-wal "$GEN_DB"-shm \
        "$OUT/gen-$CONCEPTS.queries" "$OUT/gen-$CONCEPTS.stamp"; fi
}
trap cleanup EXIT

die() { echo "run.sh: $*" >&2; exit 1; }
section() { printf '\n== %s\n' "$*"; }
# ms A B: A / B to two places (awk does the float arithmetic bash lacks).
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
verdict() { awk -v m="$1" -v t="$2" 'BEGIN { print (m < t ? "PASS" : "FAIL") }'; }

section "machine"
echo "cores: $(nproc)"
lscpu | grep -E '^(Model name|CPU\(s\)|Thread|L2|L3|Hypervisor)' || true
echo "kernel: $(uname -sr)"
echo "peers: $(grep --version | head -1); sqlite3 $(sqlite3 --version | cut -d' ' -f1)"
HYPERFINE=0
if [ "${TP_BENCH_NO_HYPERFINE:-0}" != 1 ] && command -v hyperfine >/dev/null; then HYPERFINE=1; fi
if [ "$HYPERFINE" = 1 ]; then echo "timer: $(hyperfine --version)"
else echo "timer: shell loop with date +%s%N"; fi

section "build"
[ -f "$BUILD/CMakeCache.txt" ] || cmake -S "$ROOT" -B "$BUILD" >/dev/null
cmake --build "$BUILD" --target bench_lookup toponym_cli -j"$(nproc)" >/dev/null
BUILD_TYPE=$(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$BUILD/CMakeCache.txt")
CC_PATH=$(sed -n 's/^CMAKE_C_COMPILER:[A-Z]*=//p' "$BUILD/CMakeCache.txt")
echo "build type: ${BUILD_TYPE:-RelWithDebInfo (the project default)};" \
     "compiler: $("$CC_PATH" --version | head -1)"
TOPONYM=$BUILD/src/toponym
BENCH=$BUILD/bench/bench_lookup
if [ ! -x "$TOPONYM" ] || [ ! -x "$BENCH" ]; then
    die "build did not produce toponym and bench_lookup"
fi

# ---- (a) whole process: toponym lookup vs grep -F -i vs sqlite3 --------------------------------
section "(a) whole-process lookup over the shipped glossary"
SHIPPED=$TMP/shipped.db
"$TOPONYM" --db "$SHIPPED" stats >/dev/null      # a new store is seeded from glossaries/*.tbx
QUERY=Iturup EXPECT=iturup
# The peers get the same terms: a TSV dump exported from the store with the sqlite3 CLI.
TSV=$TMP/terms.tsv
sqlite3 -readonly -separator $'\t' "$SHIPPED" \
    "SELECT c.ext_id, t.lang, t.text FROM term t JOIN concept c ON c.id = t.concept_id
     ORDER BY t.id" >"$TSV"
echo "store: $(wc -l <"$TSV") terms; query: $QUERY"
# sqlite3's equivalent of toponym's first probe: the fold key through the term_key index, then
# every term of the concepts found. The key is folded beforehand (untimed), a head start.
KEY=$("$TOPONYM" --db "$SHIPPED" key "$QUERY" | awk -F'\t' '$1 == "fold" { print $2 }')
SQL="SELECT c.ext_id, t.lang, t.text FROM term_key k JOIN term h ON h.id = k.term_id
 JOIN concept c ON c.id = h.concept_id JOIN term t ON t.concept_id = c.id
 WHERE k.kind = 2 AND k.key = '$KEY' ORDER BY c.id, t.seq"
SQL=${SQL//$'\n'/}
sqlite3 -readonly "$SHIPPED" "EXPLAIN QUERY PLAN $SQL" | grep -q 'SCAN' \
    && die "the sqlite3 peer query scans a table: not an indexed query"

# Output checks before timing: every tool finds the entry, and toponym's answer is stable.
CMD_TOPONYM=("$TOPONYM" --db "$SHIPPED" lookup "$QUERY")
"${CMD_TOPONYM[@]}" >"$TMP/out1"
"${CMD_TOPONYM[@]}" >"$TMP/out2"
cmp -s "$TMP/out1" "$TMP/out2" || die "toponym lookup gave different output on two runs"
grep -q "\[$EXPECT\]" "$TMP/out1" || die "toponym lookup $QUERY did not find $EXPECT"
grep -F -i "$QUERY" "$TSV" | grep -q "^$EXPECT"$'\t' || die "grep did not find $EXPECT"
sqlite3 -readonly "$SHIPPED" "$SQL" | grep -q "^$EXPECT|" || die "sqlite3 did not find $EXPECT"
echo "output checks: ok (all three find $EXPECT; toponym output identical across runs)"

declare -A MED   # tool -> median ms
if [ "$HYPERFINE" = 1 ]; then
    hyperfine -N --warmup 5 --runs "$CLI_RUNS" --style basic --export-csv "$TMP/cli.csv" \
        -n toponym "'$TOPONYM' --db '$SHIPPED' lookup '$QUERY'" \
        -n grep "grep -F -i '$QUERY' '$TSV'" \
        -n sqlite3 "sqlite3 -readonly '$SHIPPED' \"$SQL\""
    while IFS=, read -r name _mean _sd median _rest; do
        MED[$name]=$(awk -v s="$median" 'BEGIN { printf "%.2f", s * 1000 }')
    done < <(tail -n +2 "$TMP/cli.csv")
else
    # Fallback: the three tools in turn, CLI_RUNS rounds, median of each tool's wall times.
    for _ in $(seq "$CLI_RUNS"); do
        for tool in toponym grep sqlite3; do
            t0=$(date +%s%N)
            case $tool in
                toponym) "${CMD_TOPONYM[@]}" >/dev/null ;;
                grep) grep -F -i "$QUERY" "$TSV" >/dev/null ;;
                sqlite3) sqlite3 -readonly "$SHIPPED" "$SQL" >/dev/null ;;
            esac
            echo $(( $(date +%s%N) - t0 )) >>"$TMP/loop-$tool"
        done
    done
    for tool in toponym grep sqlite3; do
        MED[$tool]=$(sort -n "$TMP/loop-$tool" | awk '{ v[NR] = $1 } END {
            m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.2f", m / 1e6 }')
    done
fi
printf '%-8s %10s\n' tool median_ms toponym "${MED[toponym]}" grep "${MED[grep]}" \
    sqlite3 "${MED[sqlite3]}"
R_GREP=$(ratio "${MED[toponym]}" "${MED[grep]}")
R_SQL=$(ratio "${MED[toponym]}" "${MED[sqlite3]}")
echo "ratios (same run): toponym/grep = $R_GREP, toponym/sqlite3 = $R_SQL"

# ---- (b) library lookups on the shipped glossary ------------------------------------------------
section "(b) tp_lookup on the shipped glossary ($LIB_RUNS runs per query)"
SHIPPED_QUERIES=(
    exact=Iturup=iturup exact=Yuzhno-Sakhalinsk=yuzhno-sakhalinsk exact=Wakkanai=wakkanai
    folded=ITURUP=iturup "folded=yuzhno sakhalinsk=yuzhno-sakhalinsk" folded=korsakov=korsakov
    romanised=Etorohu=iturup romanised=Kunasiri=kunashir romanised=Sikotan=shikotan
    kana=エトロフ=iturup kana=クナシリ=kunashir kana=わっかない=wakkanai
    cyrillic=Итуруп=iturup cyrillic=Южно-Сахалинск=yuzhno-sakhalinsk cyrillic=Корсаков=korsakov
    kanji=択捉島=iturup kanji=国後島=kunashir kanji=稚内=wakkanai
    fuzzy=Itrup=iturup fuzzy=Korsakof=korsakov fuzzy=Sakhailn=sakhalin
    miss=Qxqxzqvx miss=Квзхщъ miss=ヰヱヲヴ
)
# bench_lookup exits 1 when a check fails; the run goes on so the table still shows it.
CHECKS_OK=1
"$BENCH" time "$SHIPPED" "${SHIPPED_QUERIES[@]}" --runs "$LIB_RUNS" | tee "$TMP/lib.txt" || CHECKS_OK=0
LIB_LINE=$(grep '^overall ' "$TMP/lib.txt") || die "bench_lookup printed no summary"

# ---- (c) library lookups on a generated store -------------------------------------------------
section "(c) tp_lookup on a generated store of $CONCEPTS concepts"
mkdir -p "$OUT"
STAMP="$(sha256sum "$ROOT/bench/bench_lookup.c" | cut -c1-16) $CONCEPTS"
if [ "$REUSE" = 1 ] && [ -f "$GEN_DB" ] && [ "$(cat "$OUT/gen-$CONCEPTS.stamp" 2>/dev/null)" = "$STAMP" ]
then
    echo "reusing $GEN_DB"
else
    rm -f "$GEN_DB" "$GEN_DB"-journal "$GEN_DB"-wal "$GEN_DB"-shm "$OUT/gen-$CONCEPTS.stamp"
    "$BENCH" generate "$GEN_DB" "$CONCEPTS" --queries "$OUT/gen-$CONCEPTS.queries"
    echo "$STAMP" >"$OUT/gen-$CONCEPTS.stamp"
fi
echo "store: $(du -h "$GEN_DB" | cut -f1)"
mapfile -t GEN_QUERIES <"$OUT/gen-$CONCEPTS.queries"
"$BENCH" time "$GEN_DB" "${GEN_QUERIES[@]}" --runs "$LIB_RUNS" | tee "$TMP/big.txt" || CHECKS_OK=0
BIG_LINE=$(grep '^overall ' "$TMP/big.txt") || die "bench_lookup printed no summary"

# ---- summary -------------------------------------------------------------------------------------
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$2"; }
us2ms() { awk -v u="$1" 'BEGIN { printf "%.3f", u / 1000 }'; }
LIB_MS=$(us2ms "$(field median_us "$LIB_LINE")")
BIG_MS=$(us2ms "$(field median_us "$BIG_LINE")")
BIG_SLOW_MS=$(us2ms "$(field slowest_median_us "$BIG_LINE")")
BIG_SLOW_KIND=$(field slowest_kind "$BIG_LINE")

section "summary"
printf '| %-52s | %12s | %8s | %-6s |\n' measure median target result
printf '|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..54})" "$(printf -- '-%.0s' {1..14})" \
    "$(printf -- '-%.0s' {1..10})" "$(printf -- '-%.0s' {1..8})"
MET=1
row() {
    local v; v=$(verdict "$2" "$3")
    [ "$v" = PASS ] || MET=0
    printf '| %-52s | %9s ms | %5s ms | %-6s |\n' "$1" "$2" "$3" "$v"
}
row "(1) toponym lookup $QUERY, whole process" "${MED[toponym]}" "$TARGET_CLI_MS"
row "(2) tp_lookup, shipped glossary, all kinds" "$LIB_MS" "$TARGET_LIB_MS"
row "(3) tp_lookup, $CONCEPTS concepts, all kinds" "$BIG_MS" "$TARGET_BIG_MS"
row "(3) tp_lookup, $CONCEPTS concepts, slowest kind ($BIG_SLOW_KIND)" "$BIG_SLOW_MS" \
    "$TARGET_BIG_MS"
echo
echo "peers, whole process: grep -F -i ${MED[grep]} ms, sqlite3 ${MED[sqlite3]} ms;" \
     "toponym/grep = $R_GREP, toponym/sqlite3 = $R_SQL"
echo "output checks: shipped $(field checks "$LIB_LINE"), generated $(field checks "$BIG_LINE")"
[ "$CHECKS_OK" = 1 ] || die "output checks failed (see CHECK lines above)"
[ "$MET" = 1 ] || { echo "run.sh: some targets are not met" >&2; exit 1; }
