#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan and UBSan) and runs each for a bounded time on
# seeds from the source tree and ../shared/data (read in place, never copied into the repo).
# Fails on any crash, leak, timeout or out-of-memory; a crashing input is left in
# BUILD/fuzz-out/artifacts/<target>/ (add it to tests/fuzz-regress/<target>/ with the fix).
#   fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]      (FUZZ_BUILD: build dir, default build-fuzz;
#                                                      FUZZ_JOBS: targets at a time, default nproc)
set -uo pipefail
cd "$(dirname "$0")/.."
SRC=$PWD
SECS=${1:-45}
shift || true
TARGETS=${*:-"tmx tbx tsv enamdict norm check rules"}
BUILD=${FUZZ_BUILD:-build-fuzz}
SHARED=${TP_SHARED_DATA:-$SRC/../shared/data}

command -v clang >/dev/null || { echo "fuzz: clang is missing (apt-get install clang libclang-rt-14-dev)" >&2; exit 2; }
CC=clang CXX=clang++ cmake -S "$SRC" -B "$BUILD" -DTP_FUZZ=ON -DTP_SANITIZE=address,undefined \
  -DBUILD_TESTING=OFF -DTP_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null || exit 2
cmake --build "$BUILD" -j2 >/dev/null || { cmake --build "$BUILD" -j1; exit 2; }

OUT=$BUILD/fuzz-out
rm -rf "$OUT"
mkdir -p "$OUT"
# The targets write each input to a scratch file: keep those in memory when possible.
[ -w /dev/shm ] && export TMPDIR=/dev/shm
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:allocator_may_return_null=1"
export LSAN_OPTIONS="suppressions=$SRC/tests/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

# Seeds made at run time: the house style documented in docs/, ENAMDICT lines from Debian's
# file when installed, and single names (language byte first) for the normaliser.
GEN=$OUT/seeds
mkdir -p "$GEN/rules" "$GEN/enamdict" "$GEN/norm" "$GEN/check"
awk '/^```toml/ {on=1; next} /^```/ {on=0} on' "$SRC/docs/house-style.md" >"$GEN/rules/doc.toml"
[ -r /usr/share/edict/enamdict ] && head -n 60 /usr/share/edict/enamdict >"$GEN/enamdict/head"
printf '\xe5\x8a\xa0\xe8\x8c\x82 [\xe3\x81\x8b\xe3\x82\x82] /(p) Kamo/(s) Kamo (Niigata)/\n' >"$GEN/enamdict/utf8"
n=0
for f in "$SHARED/placenames/subdivisions_JP_RU_en_ja_ru.tsv" "$SRC"/glossaries/*.tbx; do
  [ -r "$f" ] || continue
  grep -o '>[^<>]*</term>\|	[^	]*' "$f" 2>/dev/null | sed 's/^[>	]//; s/<\/term>$//' | head -n 120 |
  while IFS= read -r name; do
    n=$((n + 1))
    printf "\\x$(printf %02x $((n % 256)))%s" "$name" >"$GEN/norm/$n"
  done
done
# The checker's seeds: the first byte picks the reader (low two bits), the language and the
# chunk size. The examples in every reader, and the bilingual ones (XLIFF 1.2 and 2.0, TMX: the
# key-term check) in the XML reader with their own language, whole and in small chunks.
for f in "$SRC"/docs/examples/*.md "$SRC"/docs/examples/*.html; do
  for b in 0 1 2 3; do printf "\\x$(printf %02x $(( (b) | (RANDOM % 4) * 4 | (RANDOM % 8) * 16 )))" >"$GEN/check/$b.$(basename "$f")"; cat "$f" >>"$GEN/check/$b.$(basename "$f")"; done
done
for f in "$SRC"/docs/examples/*.xlf "$SRC"/docs/examples/*.tmx; do
  for chunk in 0 3 5; do printf "\\x$(printf %02x $((3 | chunk * 16)))" >"$GEN/check/x$chunk.$(basename "$f")"; cat "$f" >>"$GEN/check/x$chunk.$(basename "$f")"; done
done

seeds() {
  case $1 in
    tmx) echo "$SRC/tmx $SHARED/tmx-samples" ;;
    tbx) echo "$SRC/glossaries $SHARED/tbx" ;;
    tsv) echo "$SHARED/glossary-samples $SHARED/placenames" ;;
    enamdict) echo "$GEN/enamdict" ;;
    norm) echo "$GEN/norm" ;;
    check) echo "$GEN/check" ;;
    rules) echo "$GEN/rules" ;;
  esac
}

# One target: fuzzes it, then writes its summary line to $OUT/$t.result (and exits nonzero when
# it failed).
run_one() {
  local t=$1 dirs="" d rc runs speed cov ft result
  mkdir -p "$OUT/corpus/$t" "$OUT/artifacts/$t"
  for d in $(seeds "$t") "$SRC/tests/fuzz-regress/$t"; do [ -d "$d" ] && dirs="$dirs $d"; done
  # The first folder receives what the fuzzer finds; the seed folders are only read.
  # shellcheck disable=SC2086
  "$BUILD/fuzz/fuzz_$t" "$OUT/corpus/$t" $dirs -max_total_time="$SECS" -timeout=10 \
    -rss_limit_mb=2048 -malloc_limit_mb=1024 -max_len=32768 -print_final_stats=1 \
    -artifact_prefix="$OUT/artifacts/$t/" >"$OUT/$t.log" 2>&1
  rc=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$OUT/$t.log" | tail -1)
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$OUT/$t.log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$OUT/$t.log" | tail -1 | cut -d' ' -f2)
  ft=$(grep -o 'ft: [0-9]*' "$OUT/$t.log" | tail -1 | cut -d' ' -f2)
  result=ok
  [ "$rc" = 0 ] || result="FAILED (exit $rc; see $OUT/$t.log, input in $OUT/artifacts/$t/)"
  printf '%-9s %9s %9s %7s %7s %s\n' "$t" "${runs:-?}" "${speed:-?}" "${cov:-?}" "${ft:-?}" \
    "$result" >"$OUT/$t.result"
  return "$rc"
}

# As many targets at a time as there are cores (FUZZ_JOBS), each for SECS seconds.
JOBS=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 1)}
running=0
for t in $TARGETS; do
  if [ "$running" -ge "$JOBS" ]; then
    wait -n
    running=$((running - 1))
  fi
  run_one "$t" &
  running=$((running + 1))
done
wait

printf '%-9s %9s %9s %7s %7s %s\n' target runs exec/s cov ft result | tee "$OUT/summary.txt"
failed=0
for t in $TARGETS; do
  tee -a "$OUT/summary.txt" <"$OUT/$t.result"
  if ! grep -q ' ok$' "$OUT/$t.result"; then
    failed=1
    grep -m1 -A12 'ERROR\|==ERROR\|runtime error\|fuzz:' "$OUT/$t.log" >&2
  fi
done
exit $failed
