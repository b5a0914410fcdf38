#!/usr/bin/env bash
# Import speed: the place entries of Debian's enamdict (JMnedict/ENAMDICT, EUC-JP) into a fresh
# toponym store, beside Translate Toolkit's csv2tbx converting the same entries (kanji and first
# romaji, as CSV) to TBX, in the same run. Prints a Markdown table row per measurement: wall
# time, and CPU time (user + system), which the other users of a shared machine change less.
#   bench/import.sh [BUILD_DIR]     (RUNS=3 for a median of three; default 1)
set -euo pipefail
BUILD=${1:-build}
TOPONYM="$BUILD/src/toponym"
DICT=/usr/share/edict/enamdict
RUNS=${RUNS:-1}
[ -x "$TOPONYM" ] || { echo "build first: $TOPONYM missing" >&2; exit 2; }
[ -f "$DICT" ] || { echo "apt-get install enamdict" >&2; exit 2; }
OUT=$(mktemp -d "${TMPDIR:-/tmp}/tp_bench.XXXXXX")
trap 'rm -rf "$OUT"' EXIT
mkdir -p "$OUT/empty"
export TOPONYM_GLOSSARIES="$OUT/empty"   # a fresh store, not seeded

# One run: "WALL CPU" in seconds.
secs() {
  /usr/bin/time -f '%e %U %S' -o "$OUT/time" "$@" >"$OUT/last.out" 2>"$OUT/last.err"
  awk '{ printf "%s %.2f\n", $1, $2 + $3 }' "$OUT/time"
}
# Wall seconds to the nanosecond, for short runs (time(1) gives hundredths).
wall() { local s=$(date +%s.%N); "$@" >"$OUT/last.out" 2>"$OUT/last.err"; echo "$(date +%s.%N) - $s" | bc; }
# The median of column K (default 1) of the runs.
median() { sort -n -k"${1:-1}" | awk -v k="${1:-1}" '{a[NR]=$k} END {print a[int((NR+1)/2)]}'; }
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

# toponym: the whole file, place entries only (the default kind "p").
for r in $(seq "$RUNS"); do
  rm -f "$OUT"/t.db*
  secs "$TOPONYM" --db "$OUT/t.db" import "$DICT"
done >"$OUT/tp.runs"
median 1 <"$OUT/tp.runs" >"$OUT/tp.time"
median 2 <"$OUT/tp.runs" >"$OUT/tp.cpu"
added=$(grep -o '^[0-9]* added' "$OUT/last.out" | cut -d' ' -f1)
echo "toponym import: $(cat "$OUT/last.out")" >&2

# The same entries as CSV for csv2tbx (preparing it is not timed).
iconv -f EUC-JP -t UTF-8 "$DICT" | awk -F' /' '
  /\/\((p|p,[a-z,]*|[a-z,]*,p|[a-z,]*,p,[a-z,]*)\)/ {
    head = $1; sub(/ \[.*/, "", head)
    rest = substr($0, length($1) + 3)
    if (match(rest, /\(([a-z]+,)*p(,[a-z]+)*\) [^\/]*/)) {
      g = substr(rest, RSTART, RLENGTH); sub(/^\([^)]*\) /, "", g)
      gsub(/"/, "\"\"", g); gsub(/"/, "\"\"", head)
      print "\"" head "\",\"" g "\""
    }
  }' | { echo source,target; cat; } >"$OUT/places.csv"
rows=$(($(wc -l <"$OUT/places.csv") - 1))
if command -v csv2tbx >/dev/null; then
  for r in $(seq "$RUNS"); do secs csv2tbx --progress=none "$OUT/places.csv" "$OUT/places.tbx"; done \
    >"$OUT/tt.runs"
  median 1 <"$OUT/tt.runs" >"$OUT/tt.time"
  median 2 <"$OUT/tt.runs" >"$OUT/tt.cpu"
  entries=$(grep -c '<termEntry' "$OUT/places.tbx")
else
  echo "n/a" >"$OUT/tt.time"; echo "n/a" >"$OUT/tt.cpu"; entries="n/a"
fi

# Lookups in the 200,000-concept store, as a whole process (median of 21).
for q in 択捉島 Etorofutou Ooya; do
  for r in $(seq 21); do wall "$TOPONYM" --db "$OUT/t.db" lookup --no-fuzzy "$q"; done | median >"$OUT/lk.$q"
done

echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
printf '| toponym import (enamdict, EUC-JP, place entries) | %s s | %s s | %s concepts added |\n' \
  "$(cat "$OUT/tp.time")" "$(cat "$OUT/tp.cpu")" "$added"
printf '| Translate Toolkit csv2tbx (same entries as CSV) | %s s | %s s | %s entries of %s rows |\n' \
  "$(cat "$OUT/tt.time")" "$(cat "$OUT/tt.cpu")" "$entries" "$rows"
for q in 択捉島 Etorofutou Ooya; do
  printf '| toponym lookup %s (whole process, %s-concept store) | %s s | | |\n' "$q" "$added" \
    "$(cat "$OUT/lk.$q")"
done
