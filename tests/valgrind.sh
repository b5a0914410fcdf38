#!/usr/bin/env bash
# Runs the CLI tests (tests/cli/*.sh) with every toponym process under valgrind memcheck, and
# fails on any memcheck error or definite leak. Slow (each process loads ICU and MeCab under
# valgrind), so not part of ctest:
#   tests/valgrind.sh BUILD_DIR [TEST...]          e.g. tests/valgrind.sh build lookup tm
set -uo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "${1:?usage: tests/valgrind.sh BUILD_DIR [TEST...]}" && pwd)
shift
command -v valgrind >/dev/null || { echo "valgrind is missing (apt-get install valgrind)" >&2; exit 2; }
OUT=$BUILD/valgrind
rm -rf "$OUT"
mkdir -p "$OUT/logs"
chmod 755 "$OUT" && chmod 1777 "$OUT/logs" # tests that run toponym as nobody
# The wrapper stands in for the binary: the tests see the same exit codes and output.
cat >"$OUT/toponym" <<WRAP
#!/bin/sh
exec valgrind -q --tool=memcheck --leak-check=full --show-leak-kinds=definite \
  --errors-for-leak-kinds=definite --track-origins=no --num-callers=20 \
  --suppressions="$SRC/tests/valgrind.supp" --log-file="$OUT/logs/vg.%p" \
  "$BUILD/src/toponym" "\$@"
WRAP
chmod +x "$OUT/toponym"
tests=${*:-$(cd "$SRC/tests/cli" && ls ./*.sh | sed 's|\./||; s|\.sh$||' | grep -v '^lib$')}
failed=0
for t in $tests; do
  start=$SECONDS
  if TOPONYM="$OUT/toponym" TP_SOURCE_DIR="$SRC" TP_SHARED_DATA="$SRC/../shared/data" \
     TP_GOLDEN_DIR="$SRC/tests/golden" TP_BUILD_DIR="$BUILD" bash "$SRC/tests/cli/$t.sh" \
     >"$OUT/$t.log" 2>&1; then
    result=passed
  else
    result="FAILED (see $OUT/$t.log)"
    failed=1
  fi
  echo "$t: $result, $((SECONDS - start)) s"
done
runs=$(find "$OUT/logs" -name 'vg.*' | wc -l)
bad=$(grep -l . "$OUT"/logs/vg.* 2>/dev/null | wc -l)
echo "$runs toponym processes under memcheck; $bad with a report"
if [ "$bad" != 0 ]; then
  grep -h -A12 '^==[0-9]*== [A-Z]' $(grep -l . "$OUT"/logs/vg.* | head -3) | head -60
  failed=1
fi
exit $failed
