#!/usr/bin/env bash
# bench/repl.sh — the interactive session's speed as a person sees it: start-up of `toponym`
# (store opened, ICU and MeCab ready) against the sqlite3 shell's on the same store, the time
# per line of a session fed 200 lookups, and the cost of a Tab (tp_complete), on the shipped
# glossary and on a generated store of 200,000 concepts. Targets (issue 5): start-up < 100 ms,
# every response < 50 ms. Medians; peers in the same run.
#
# Usage: bench/repl.sh [GENERATED_DB]   GENERATED_DB: a store made by `bench_lookup generate`
#   (bench/run.sh --keep leaves one in bench/out/); without it, one of TP_BENCH_CONCEPTS
#   (200000) concepts is generated here, which takes a few minutes.
# Environment: BUILD_DIR (default build), TP_BENCH_RUNS (30).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD_DIR:-$ROOT/build}
RUNS=${TP_BENCH_RUNS:-30}
CONCEPTS=${TP_BENCH_CONCEPTS:-200000}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/toponym-repl.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

[ -f "$BUILD/CMakeCache.txt" ] || cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$BUILD" --target bench_lookup toponym_cli -j"$(nproc)" >/dev/null
TOPONYM=$BUILD/src/toponym
BENCH=$BUILD/bench/bench_lookup

# median_ms CMD...: median wall time of RUNS runs of CMD (stdin from $IN), in milliseconds.
median_ms() {
    local i t0 t1
    for ((i = 0; i < RUNS; i++)); do
        t0=$(date +%s%N)
        "$@" <"$IN" >/dev/null 2>&1 || true
        t1=$(date +%s%N)
        echo $(((t1 - t0) / 1000))
    done | sort -n | awk '{ v[NR] = $1 } END { printf "%.2f", v[int((NR + 1) / 2)] / 1000 }'
}
verdict() { awk -v m="$1" -v t="$2" 'BEGIN { print (m < t ? "PASS" : "FAIL") }'; }

measure() { # measure NAME DB QUERIES_FILE PREFIXES...
    local name=$1 db=$2 queries=$3
    shift 3
    IN=/dev/null
    local start sqlite
    start=$(median_ms "$TOPONYM" --db "$db" repl)
    sqlite=$(median_ms sqlite3 -readonly "$db" .quit)
    IN=$queries
    local lines full per
    lines=$(wc -l <"$queries")
    # The session's answers must be the same each time: a speed-up that changes them is caught.
    "$TOPONYM" --db "$db" <"$queries" | md5sum >"$TMP/a" || true
    full=$(median_ms "$TOPONYM" --db "$db")
    "$TOPONYM" --db "$db" <"$queries" | md5sum >"$TMP/b" || true
    cmp -s "$TMP/a" "$TMP/b" || { echo "CHECK: the session's output changed between runs"; exit 1; }
    per=$(awk -v f="$full" -v s="$start" -v n="$lines" 'BEGIN { printf "%.3f", (f - s) / n }')
    echo "== $name"
    echo "start-up: toponym ${start} ms, sqlite3 shell ${sqlite} ms (ratio $(awk -v a="$start" -v b="$sqlite" 'BEGIN { printf "%.2f", a / b }'))"
    echo "session of $lines lookups: ${full} ms, ${per} ms a line"
    "$BENCH" complete "$db" "$@" --runs 200
    SUMMARY+=("$(printf '| %-22s | start-up %7s ms | %-4s | per line %6s ms | %-4s |' "$name" \
        "$start" "$(verdict "$start" 100)" "$per" "$(verdict "$per" 50)")")
}

SUMMARY=()
echo "cores: $(nproc); $(lscpu | sed -n 's/^Model name: *//p')"

SHIPPED=$TMP/shipped.db
"$TOPONYM" --db "$SHIPPED" stats >/dev/null
sqlite3 -readonly "$SHIPPED" "SELECT text FROM term ORDER BY id LIMIT 200" >"$TMP/shipped.q"
measure "shipped glossary" "$SHIPPED" "$TMP/shipped.q" Etor Итур えと Yuzhno K

GEN=${1:-}
if [ -z "$GEN" ]; then
    GEN=$TMP/gen.db
    echo "generating $CONCEPTS concepts..."
    "$BENCH" generate "$GEN" "$CONCEPTS" >/dev/null
fi
sqlite3 -readonly "$GEN" "SELECT text FROM term WHERE id % 4000 = 1 LIMIT 200" >"$TMP/gen.q"
measure "$(sqlite3 -readonly "$GEN" 'SELECT count(*) FROM concept') concepts" "$GEN" "$TMP/gen.q" \
    Ta Yu Ку え

printf '\n%s\n' "${SUMMARY[@]}"
