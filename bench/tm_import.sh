#!/usr/bin/env bash
# TMX import speed against issue 4's targets, as ratios to the peers run on the same files in the
# same session: rounds of toponym (a new store each time), `xmllint --stream` (libxml2's reader
# alone: the floor for any reader of the file) and Translate Toolkit's `build_tmdb`, taken in
# turns so that a slow spell of a shared machine falls on all of them. Not a test: run it by hand.
#
#   bench/tm_import.sh [SIZES...]        (default: 100000 1000000)
#
# The issue measured, on its machine, 1M units in xmllint --stream 4.5 s and build_tmdb 166 s,
# 100k units in build_tmdb 10.3 s, and set toponym 15 s at 1M, 1 s at 100k, under 300 MB at 1M:
# ratios of 15 / 4.5 = 3.33 times xmllint's wall time, and 10.3 times faster than build_tmdb.
# Memories come from bench/tm_gen.py (EN/JA/RU, distinct units; see bench/README.md).
#   RUNS        rounds per size (default 3; medians are printed)
#   TMDB_MAX    largest size build_tmdb runs at (default 100000: at 1M it takes minutes)
#   TOPONYM     the binary (default build/src/toponym)
# Writes bench/out/tm-*.tmx (kept for later runs) and a scratch store it removes.
set -euo pipefail
cd "$(dirname "$0")/.."
TOPONYM=${TOPONYM:-build/src/toponym}
RUNS=${RUNS:-3}
TMDB_MAX=${TMDB_MAX:-100000}
OUT=bench/out
SIZES=${*:-"100000 1000000"}
[ -x "$TOPONYM" ] || { echo "build toponym first (make)" >&2; exit 2; }
for tool in build_tmdb xmllint /usr/bin/time; do
  command -v "$tool" >/dev/null ||
    { echo "missing $tool (apt-get install translate-toolkit libxml2-utils time)" >&2; exit 2; }
done
mkdir -p "$OUT"
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/tp_tmimport.XXXXXX")
trap 'rm -rf "$SCRATCH"' EXIT
mkdir -p "$SCRATCH/empty"
# A new store without the shipped glossary: the import alone, as build_tmdb makes a new database.
export TOPONYM_GLOSSARIES="$SCRATCH/empty"

# Runs a command under GNU time: "wall cpu peak_MB" (cpu = user + system).
measure() {
  /usr/bin/time -f "%e %U %S %M" -o "$SCRATCH/time" "$@" >"$SCRATCH/out" 2>"$SCRATCH/err" ||
    { cat "$SCRATCH/err" >&2; return 1; }
  awk '{ printf "%s %.2f %.0f\n", $1, $2 + $3, $4 / 1024 }' "$SCRATCH/time"
}
# Median of column K of the lines on stdin.
median() { sort -g -k"$1" | awk -v k="$1" '{ a[NR] = $k } END { print a[int((NR + 1) / 2)] }'; }

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $RUNS rounds a size" >&2
printf '| units | MB | toponym wall s, cpu s (peak MB) | xmllint --stream wall s, cpu s | build_tmdb wall s, cpu s (peak MB) | toponym / xmllint wall (target <= 3.33) | build_tmdb / toponym wall (target >= 10.3) |\n'
printf '|---|---|---|---|---|---|---|\n'
for n in $SIZES; do
  TMX="$OUT/tm-$n.tmx"
  [ -f "$TMX" ] || /usr/bin/python3 bench/tm_gen.py "$n" "$TMX" "$OUT/tm-$n.queries" >&2
  mb=$(du -mL "$TMX" | cut -f1)
  units=$(grep -c '<tu>' "$TMX")
  : >"$SCRATCH/tp" ; : >"$SCRATCH/xl" ; : >"$SCRATCH/tk"
  for r in $(seq "$RUNS"); do
    rm -f "$SCRATCH/s.db"*
    measure "$TOPONYM" --db "$SCRATCH/s.db" tm import "$TMX" >>"$SCRATCH/tp"
    # Same result: every unit of the file is in the store (the summary line says so).
    grep -q "imported $units units" "$SCRATCH/out" ||
      { echo "toponym: $(cat "$SCRATCH/out"), expected $units units" >&2; exit 1; }
    measure xmllint --stream --noout "$TMX" >>"$SCRATCH/xl"
    if [ "$n" -le "$TMDB_MAX" ]; then
      rm -f "$SCRATCH/tk.tmdb"
      measure build_tmdb -d "$SCRATCH/tk.tmdb" -s en -t ja "$TMX" >>"$SCRATCH/tk"
      got=$(/usr/bin/python3 -c 'import sqlite3, sys
print(sqlite3.connect(sys.argv[1]).execute("select count(*) from sources").fetchone()[0])' \
        "$SCRATCH/tk.tmdb")
      [ "$got" = "$units" ] || { echo "build_tmdb: $got sources, expected $units" >&2; exit 1; }
    fi
  done
  tw=$(median 1 <"$SCRATCH/tp") tc=$(median 2 <"$SCRATCH/tp") tm=$(sort -n -k3 "$SCRATCH/tp" | tail -1 | cut -d' ' -f3)
  xw=$(median 1 <"$SCRATCH/xl") xc=$(median 2 <"$SCRATCH/xl")
  if [ -s "$SCRATCH/tk" ]; then
    kw=$(median 1 <"$SCRATCH/tk") kc=$(median 2 <"$SCRATCH/tk") km=$(median 3 <"$SCRATCH/tk")
    tk="$kw, $kc ($km)" tkr=$(awk -v a="$kw" -v b="$tw" 'BEGIN { printf "%.1f", a / b }')
  else
    tk="not run" tkr="-"
  fi
  xr=$(awk -v a="$tw" -v b="$xw" 'BEGIN { printf "%.2f", a / b }')
  printf '| %s | %s | %s, %s (%s) | %s, %s | %s | %s | %s |\n' "$n" "$mb" "$tw" "$tc" "$tm" \
    "$xw" "$xc" "$tk" "$xr" "$tkr"
  echo "  $n: each round (wall cpu MB) toponym: $(tr '\n' ';' <"$SCRATCH/tp") xmllint: $(tr '\n' ';' <"$SCRATCH/xl") build_tmdb: $(tr '\n' ';' <"$SCRATCH/tk")" >&2
done
