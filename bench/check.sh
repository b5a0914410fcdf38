#!/usr/bin/env bash
# toponym check against grep -F -o -f on the same place names and the same generated English
# text, in the same run: throughput (MB/s, median of RUNS), CPU time (user + system: on a shared
# machine it moves less than the wall time), peak memory, and the number of names each finds
# (which must agree); the two run alternately. Usage: bench/check.sh [NAMES] [MEGABYTES] [RUNS]
# Builds in build-bench/ (Release) unless TOPONYM names a binary. Writes scratch files to
# $TMPDIR, or to KEEP (a directory kept afterwards, for profiling the same files). Results go to
# stdout; bench/README.md ("toponym check") records them.
set -euo pipefail
NAMES=${1:-5000}
MB=${2:-20}
RUNS=${3:-3}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "${TOPONYM:-}" ]; then
  cmake -S "$ROOT" -B "$ROOT/build-bench" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
  cmake --build "$ROOT/build-bench" -j2 >/dev/null
  TOPONYM="$ROOT/build-bench/src/toponym"
fi
if [ -n "${KEEP:-}" ]; then
  W=$KEEP
  rm -rf "$W" && mkdir -p "$W"
else
  W=$(mktemp -d "${TMPDIR:-/tmp}/tp_bench_check.XXXXXX")
  trap 'rm -rf "$W"' EXIT
fi

# Names: capitalised made-up words of four syllables ("Zokumavi"), all distinct and of one
# length, so that no name occurs inside another and grep -o counts exactly the whole names.
python3 - "$NAMES" "$MB" "$W" <<'PY'
import random, sys
n, mb, w = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
rng = random.Random(7)
cons, vows = "bdfgklmnprstvz", "aeiou"
names = set()
while len(names) < n:
    names.add("Zq" + "".join(rng.choice(cons) + rng.choice(vows) for _ in range(4)))
names = sorted(names)
with open(f"{w}/names.txt", "w") as f:
    f.write("\n".join(names) + "\n")
import os
os.mkdir(f"{w}/glossary")
with open(f"{w}/glossary/bench.tbx", "w") as f:
    f.write('<?xml version="1.0" encoding="UTF-8"?>\n<tbx type="TBX-Basic" style="dca" '
            'xml:lang="en" xmlns="urn:iso:std:iso:30042:ed-2"><tbxHeader><fileDesc><sourceDesc>'
            '<p>bench</p></sourceDesc></fileDesc></tbxHeader><text><body>\n')
    for i, name in enumerate(names):
        f.write(f'<conceptEntry id="c{i}"><langSec xml:lang="en"><termSec><term>{name}</term>'
                '<termNote type="administrativeStatus">preferredTerm-admn-sts</termNote>'
                '</termSec></langSec></conceptEntry>\n')
    f.write("</body></text></tbx>\n")
# English-like text: common words, sentences with capitals, a name every ~40 words.
words = ("the of and to in a is that for it as was with be by on not he this are or his from at "
         "which but have an they you were her she there been one all we their has would when "
         "island islands sea strait coast ferry harbour north south east west village fishing "
         "season weather winter summer mountain volcano border treaty history government people "
         "between through during because important together nothing looking started").split()
target = mb * 1024 * 1024
size = 0
with open(f"{w}/text.txt", "w") as f:
    while size < target:
        k = rng.randint(8, 20)
        s = [rng.choice(words) for _ in range(k)]
        if rng.random() < 0.4:
            s[rng.randrange(k)] = rng.choice(names)
        s[0] = s[0][0].upper() + s[0][1:]
        line = " ".join(s) + ". "
        if rng.random() < 0.1:
            line += "\n"
        f.write(line)
        size += len(line.encode())
PY
export TOPONYM_GLOSSARIES="$W/glossary" TOPONYM_DB="$W/bench.db"
"$TOPONYM" stats >/dev/null   # creates and seeds the store from the generated glossary

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
timeit() { # command... -> wall seconds, peak KB, CPU seconds
  /usr/bin/time -f "%e %M %U %S" -o "$W/time" "$@" >"$W/out" 2>/dev/null || true
  awk '{ printf "%s %s %.2f\n", $1, $2, $3 + $4 }' "$W/time"
}
BYTES=$(stat -c %s "$W/text.txt")
# The first check of a new glossary builds the matcher and saves its image in the store; the
# checks after it load the image (docs/check.md).
: >"$W/empty.txt"
db_before=$(stat -c %s "$W/bench.db")
read -r fs fk fc < <(timeit "$TOPONYM" check --fail-on none "$W/empty.txt")
db_after=$(stat -c %s "$W/bench.db")
wal=$(stat -c %s "$W/bench.db-wal" 2>/dev/null || echo 0)
for r in $(seq "$RUNS"); do
  read -r gs gk gc < <(timeit grep -F -o -f "$W/names.txt" "$W/text.txt")
  g_n=$(wc -l <"$W/out"); echo "$gs $gk $gc" >>"$W/grep.times"
  read -r ts tk tc < <(timeit "$TOPONYM" check --fail-on none --format json "$W/text.txt")
  t_n=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["summary"]["names"])' "$W/out")
  echo "$ts $tk $tc" >>"$W/tp.times"
done
# The matcher alone: the same store, an empty text (loading the image).
for r in $(seq "$RUNS"); do
  timeit "$TOPONYM" check --fail-on none "$W/empty.txt" >>"$W/build.times"
done
gsec=$(cut -d' ' -f1 "$W/grep.times" | median); gkb=$(cut -d' ' -f2 "$W/grep.times" | median)
tsec=$(cut -d' ' -f1 "$W/tp.times" | median); tkb=$(cut -d' ' -f2 "$W/tp.times" | median)
gcpu=$(cut -d' ' -f3 "$W/grep.times" | median); tcpu=$(cut -d' ' -f3 "$W/tp.times" | median)
bsec=$(cut -d' ' -f1 "$W/build.times" | median); bcpu=$(cut -d' ' -f3 "$W/build.times" | median)
mbs() { awk -v b="$BYTES" -v s="$1" 'BEGIN { printf "%.1f", (s > 0 ? b / 1048576 / s : 0) }'; }
echo "text: $((BYTES / 1048576)) MB of generated English, $NAMES names, median of $RUNS runs"
printf '%-22s %8s %10s %8s %10s %10s\n' tool seconds "MB/s" "CPU s" "peak MB" names
printf '%-22s %8s %10s %8s %10s %10s\n' "grep -F -o -f" "$gsec" "$(mbs "$gsec")" "$gcpu" "$((gkb / 1024))" "$g_n"
printf '%-22s %8s %10s %8s %10s %10s\n' "toponym check" "$tsec" "$(mbs "$tsec")" "$tcpu" "$((tkb / 1024))" "$t_n"
echo "first check of the new glossary, empty text (building the matcher, saving its image): $fs s, $fc s CPU, peak $((fk / 1024)) MB; store file grew by $(( (db_after - db_before) / 1048576 )) MB (write-ahead log: $(( wal / 1048576 )) MB)"
echo "toponym check on an empty text (loading the matcher's image): $bsec s, $bcpu s CPU"
awk -v g="$gsec" -v t="$tsec" -v gc="$gcpu" -v tc="$tcpu" 'BEGIN {
  printf "toponym check / grep throughput: %.2f (by CPU time: %.2f)\n", (t > 0 ? g / t : 0), (tc > 0 ? gc / tc : 0) }'
if [ "$g_n" != "$t_n" ]; then
  echo "MISMATCH: grep found $g_n names, toponym check $t_n" >&2
  exit 1
fi
