#!/usr/bin/env bash
# Translation-memory speed: import and fuzzy match in toponym against Translate Toolkit
# (build_tmdb, tmdb) and xmllint --stream (which only parses), on EN/JA/RU memories made from the
# Japanese and Russian translations in this machine's .mo files. Not a test: run it by hand.
#
#   bench/tm.sh [SIZES...]      (default: 10000 100000; the build must exist in build/, with
#                                bench_tm: cmake --build build --target bench_tm)
#
# Needs translate-toolkit, libxml2-utils and GNU time. Writes bench/out/tm-*.
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

# Real sentences: every msgid translated in both the ja and ru catalogues of one domain. Larger
# memories repeat them with a number appended, so each unit stays distinct.
gen() {
  $PY - "$1" "$2" "$3" <<'PYEOF'
import gettext, glob, os, sys, random
from xml.sax.saxutils import escape
n, tmx, queries = int(sys.argv[1]), sys.argv[2], sys.argv[3]
def cat(path):
    try:
        with open(path, 'rb') as f:
            return gettext.GNUTranslations(f)._catalog
    except Exception:
        return {}
pairs = []
for ja in sorted(glob.glob('/usr/share/locale/ja/LC_MESSAGES/*.mo')):
    ru = ja.replace('/ja/', '/ru/')
    if not os.path.exists(ru):
        continue
    cj, cr = cat(ja), cat(ru)
    for k, v in cj.items():
        if isinstance(k, str) and k and k in cr and isinstance(cr[k], str) and v and cr[k] \
                and 12 <= len(k) <= 200 and not any(ord(c) < 32 for c in k + v + cr[k]):
            pairs.append((k, v, cr[k]))
pairs = sorted(set(pairs))
random.seed(7)
with open(tmx, 'w', encoding='utf-8') as f:
    f.write('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header creationtool="bench" '
            'creationtoolversion="1" segtype="sentence" o-tmf="bench" adminlang="en" srclang="en" '
            'datatype="plaintext"/>\n<body>\n')
    chosen = []
    for i in range(n):
        en, ja, ru = pairs[i % len(pairs)]
        rep = i // len(pairs)
        if rep:
            en, ja, ru = f'{en} ({rep})', f'{ja}（{rep}）', f'{ru} ({rep})'
        chosen.append(en)
        f.write(f'<tu><tuv xml:lang="en"><seg>{escape(en)}</seg></tuv><tuv xml:lang="ja"><seg>'
                f'{escape(ja)}</seg></tuv><tuv xml:lang="ru"><seg>{escape(ru)}</seg></tuv></tu>\n')
    f.write('</body></tmx>\n')
# 200 queries: a stored English segment with one word dropped or two letters swapped.
with open(queries, 'w', encoding='utf-8') as q:
    for en in random.sample(chosen, 200):
        w = en.split()
        if len(w) > 3:
            del w[random.randrange(1, len(w))]
            s = ' '.join(w)
        else:
            s = en[:-2] + en[-1] + en[-2]
        q.write(f'{en}\t{s}\n')
print(len(pairs), 'distinct EN/JA/RU sentences')
PYEOF
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# Runs a command under GNU time: prints "seconds cpu_seconds peak_MB" (wall time, user + system:
# on a shared machine the CPU time is the steadier figure).
measure() {
  /usr/bin/time -f "%e %U %S %M" -o "$OUT/time.txt" "$@" >/dev/null 2>"$OUT/stderr.txt" ||
    { cat "$OUT/stderr.txt" >&2; return 1; }
  awk '{printf "%s %.2f %.0f\n", $1, $2 + $3, $4/1024}' "$OUT/time.txt"
}

printf '| units | MB | toponym import s, cpu s (peak MB) | build_tmdb s, cpu s (peak MB) | xmllint --stream s, cpu s (peak MB) | library match median ms (found) | toponym match process median ms (found) | tmdb median ms (found) |\n'
printf '|---|---|---|---|---|---|---|---|\n'
for n in $SIZES; do
  TMX="$OUT/tm-$n.tmx" Q="$OUT/tm-$n.queries"
  [ -f "$TMX" ] || gen "$n" "$TMX" "$Q" >&2
  mb=$(du -m "$TMX" | cut -f1)
  rm -f "$OUT/tm-$n.db"* "$OUT/tm-$n.tmdb"
  imp=$(measure "$TOPONYM" --db "$OUT/tm-$n.db" tm import "$TMX")
  tk=$(measure build_tmdb -d "$OUT/tm-$n.tmdb" -s en -t ja "$TMX")
  xl=$(measure xmllint --stream --noout "$TMX")
  # Whole toponym processes, one per query; found = the original segment is the best match.
  found=0
  : >"$OUT/tm-$n.ms"
  while IFS=$'\t' read -r orig q; do
    s=$(date +%s%N)
    "$TOPONYM" --db "$OUT/tm-$n.db" tm match --json --from en --to ja --limit 1 -- "$q" >"$OUT/m.json" || true
    e=$(date +%s%N)
    echo $(((e - s) / 1000)) >>"$OUT/tm-$n.ms"
    $PY -c 'import json,sys; d=json.load(open(sys.argv[1])); m=d["matches"]; sys.exit(0 if m and m[0]["source"]["text"]==sys.argv[2] else 1)' "$OUT/m.json" "$orig" && found=$((found + 1))
  done <"$Q"
  tmed=$(median <"$OUT/tm-$n.ms" | awk '{printf "%.1f", $1/1000}')
  lib=$("$BENCH_TM" "$OUT/tm-$n.db" "$Q" en ja | awk '{printf "%s (%s)", $5, $14}')
  # tmdb inside one Python process: its own timing per query.
  tkm=$($PY - "$OUT/tm-$n.tmdb" "$Q" <<'PYEOF'
import sys, time, statistics
from translate.storage.tmdb import TMDB
db = TMDB(sys.argv[1])
times, found = [], 0
for line in open(sys.argv[2], encoding='utf-8'):
    orig, q = line.rstrip('\n').split('\t')
    t = time.perf_counter()
    r = db.translate_unit(q, 'en', 'ja')
    times.append((time.perf_counter() - t) * 1000)
    found += bool(r) and r[0]['source'] == orig
print(f'{statistics.median(times):.1f} ({found/len(times):.2f})')
PYEOF
)
  printf '| %s | %s | %s, %s (%s) | %s, %s (%s) | %s, %s (%s) | %s | %s (%.2f) | %s |\n' "$n" "$mb" $imp $tk \
    $xl "$lib" "$tmed" "$(echo "$found / 200" | bc -l)" "$tkm"
done
