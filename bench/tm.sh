#!/usr/bin/env bash
# Translation-memory speed: import and fuzzy match in toponym against Translate Toolkit
# (build_tmdb, tmdb) and xmllint --stream (which only parses), on EN/JA/RU memories of distinct
# units made from the Japanese and Russian translations in this machine's .mo files
# (bench/tm_gen.py). Not a test: run it by hand.
#
#   bench/tm.sh [SIZES...]      (default: 10000 100000; the build must exist in build/, with
#                                bench_tm: cmake --build build --target bench_tm)
#
# Needs translate-toolkit, libxml2-utils and GNU time; the more catalogues the better (the
# figures in bench/README.md had libreoffice-l10n-ja, libreoffice-l10n-ru, gcc-12-locales,
# libc-l10n, blender-data, gnucash-common and the wesnoth-1.16 data and campaign packages
# installed: 71,403 sentences). Set TMDB_MAX to the largest size tmdb is run at (default all).
# Writes bench/out/tm-*.
set -euo pipefail
cd "$(dirname "$0")/.."
TOPONYM=${TOPONYM:-build/src/toponym}
BENCH_TM=${BENCH_TM:-build/bench/bench_tm}
OUT=bench/out
PY=/usr/bin/python3
mkdir -p "$OUT"
SIZES=${*:-"10000 100000"}
[ -x "$TOPONYM" ] || { echo "build toponym first (make)"; exit 2; }
[ -x "$BENCH_TM" ] || { echo "build bench_tm first (cmake --build build --target bench_tm)"; exit 2; }
for tool in build_tmdb xmllint /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install translate-toolkit libxml2-utils time)"; exit 2; }
done

# Distinct units of real text: bench/tm_gen.py (the sentences of this machine's catalogues, and
# distinct pairs of them past their number).
gen() {
  $PY bench/tm_gen.py "$1" "$2" "$3"
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# Runs a command under GNU time: prints "seconds cpu_seconds peak_MB" (wall time, user + system:
# on a shared machine the CPU time is the steadier figure).
measure() {
  /usr/bin/time -f "%e %U %S %M" -o "$OUT/time.txt" "$@" >/dev/null 2>"$OUT/stderr.txt" ||
    { cat "$OUT/stderr.txt" >&2; return 1; }
  awk '{printf "%s %.2f %.0f\n", $1, $2 + $3, $4/1024}' "$OUT/time.txt"
}

TMDB_MAX=${TMDB_MAX:-1000000000}
printf '| units | MB | toponym import s, cpu s (peak MB) | build_tmdb s, cpu s (peak MB) | xmllint --stream s, cpu s (peak MB) | library match median ms, cpu ms (found) | toponym match process median ms, mean cpu ms (found) | tmdb median ms, cpu ms (found) |\n'
printf '|---|---|---|---|---|---|---|---|\n'
for n in $SIZES; do
  TMX="$OUT/tm-$n.tmx" Q="$OUT/tm-$n.queries"
  [ -f "$TMX" ] || gen "$n" "$TMX" "$Q" >&2
  mb=$(du -m "$TMX" | cut -f1)
  rm -f "$OUT/tm-$n.db"* "$OUT/tm-$n.tmdb"
  imp=$(measure "$TOPONYM" --db "$OUT/tm-$n.db" tm import "$TMX")
  tk="- - -" tkm="not run"
  if [ "$n" -le "$TMDB_MAX" ]; then
    tk=$(measure build_tmdb -d "$OUT/tm-$n.tmdb" -s en -t ja "$TMX")
    # Without statistics SQLite 3.40 plans tmdb's full-text query as a loop over every target
    # with the match inside it: minutes a query at 100k units. ANALYZE fixes the plan.
    $PY -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute("ANALYZE"); c.commit()' \
      "$OUT/tm-$n.tmdb"
  fi
  xl=$(measure xmllint --stream --noout "$TMX")
  # Whole toponym processes, one per query: the CPU time of them all (run from a loop that does
  # nothing else), then each one's wall time.
  mkdir -p "$OUT/tm-$n.out"
  /usr/bin/time -f "%U %S" -o "$OUT/time.txt" bash -c '
    i=0
    while IFS=$(printf "\t") read -r orig q; do
      i=$((i + 1))
      "$1" --db "$2" tm match --json --from en --to ja --limit 1 -- "$q" >"$3/$i.json" || true
    done <"$4"' _ "$TOPONYM" "$OUT/tm-$n.db" "$OUT/tm-$n.out" "$Q"
  tcpu=$(awk -v q="$(wc -l <"$Q")" '{printf "%.1f", ($1 + $2) * 1000 / q}' "$OUT/time.txt")
  while IFS=$'\t' read -r orig q; do
    s=$(date +%s%N)
    "$TOPONYM" --db "$OUT/tm-$n.db" tm match --json --from en --to ja --limit 1 -- "$q" >/dev/null || true
    e=$(date +%s%N)
    echo $(((e - s) / 1000))
  done <"$Q" >"$OUT/tm-$n.out/ms"
  tmed=$(median <"$OUT/tm-$n.out/ms" | awk '{printf "%.1f", $1/1000}')
  # found = the original segment is the best match.
  found=$($PY - "$OUT/tm-$n.out" "$Q" <<'PYEOF'
import json, sys
found = total = 0
for i, line in enumerate(open(sys.argv[2], encoding='utf-8'), 1):
    orig = line.split('\t')[0]
    total += 1
    try:
        m = json.load(open(f'{sys.argv[1]}/{i}.json'))['matches']
    except ValueError:
        continue
    found += bool(m) and m[0]['source']['text'] == orig
print(f'{found / total:.2f}')
PYEOF
)
  lib=$("$BENCH_TM" "$OUT/tm-$n.db" "$Q" en ja | awk '{printf "%s, %s (%s)", $5, $17, $14}')
  # tmdb inside one Python process: its own timing per query, after an untimed first search
  # (which reads the database in); a search still running after 10 s is stopped and counts as
  # not found.
  [ "$n" -le "$TMDB_MAX" ] && tkm=$($PY - "$OUT/tm-$n.tmdb" "$Q" <<'PYEOF'
import sqlite3, statistics, sys, threading, time
from translate.storage.tmdb import TMDB
db = TMDB(sys.argv[1])
lines = open(sys.argv[2], encoding='utf-8').read().splitlines()
db.translate_unit(lines[0].split('\t')[1], 'en', 'ja')
times, cpu, found, stopped = [], [], 0, 0
for line in lines:
    orig, q = line.split('\t')
    timer = threading.Timer(10, db.connection.interrupt)
    t, c = time.perf_counter(), time.process_time()
    timer.start()
    try:
        r = db.translate_unit(q, 'en', 'ja')
    except sqlite3.OperationalError:
        r, stopped = None, stopped + 1
    timer.cancel()
    times.append((time.perf_counter() - t) * 1000)
    cpu.append((time.process_time() - c) * 1000)
    found += bool(r) and r[0]['source'] == orig
print(f'{statistics.median(times):.1f}, {statistics.median(cpu):.1f} ({found/len(times):.2f})'
      + (f', {stopped} stopped' if stopped else ''))
PYEOF
)
  printf '| %s | %s | %s, %s (%s) | %s, %s (%s) | %s, %s (%s) | %s | %s, %s (%s) | %s |\n' "$n" "$mb" \
    $imp $tk $xl "$lib" "$tmed" "$tcpu" "$found" "$tkm"
done
