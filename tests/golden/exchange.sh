# The golden cases of glossary exchange (exchange/CASES) through the CLI: import into a new
# store, export, compare with the expected file. TP_GOLDEN_UPDATE=1 writes them instead.
set -u
: "${TOPONYM:?TOPONYM must name the toponym binary}"
HERE=$(cd "$(dirname "$0")/exchange" && pwd)
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/tp_golden.XXXXXX")
trap 'rm -rf "$SCRATCH"' EXIT
mkdir -p "$SCRATCH/empty"
export TOPONYM_GLOSSARIES="$SCRATCH/empty" HOME="$SCRATCH"
FAILED=0 CASES=0
while read -r name input langs kinds format expected; do
  case $name in ''|'#'*) continue ;; esac
  CASES=$((CASES + 1))
  imp=() exp=(--format "$format")
  [ "$langs" = - ] || { imp+=(--langs "$langs"); exp+=(--langs "$langs"); }
  [ "$kinds" = - ] || imp+=(--kinds "$kinds")
  db="$SCRATCH/$name.db"
  if ! "$TOPONYM" --db "$db" import "${imp[@]}" "$HERE/$input" >/dev/null ||
     ! "$TOPONYM" --db "$db" export "${exp[@]}" >"$SCRATCH/$name.out"; then
    echo "FAIL $name: toponym failed" >&2; FAILED=$((FAILED + 1)); continue
  fi
  if [ "${TP_GOLDEN_UPDATE:-0}" = 1 ]; then
    cp "$SCRATCH/$name.out" "$HERE/$expected"
  elif ! cmp -s "$SCRATCH/$name.out" "$HERE/$expected"; then
    echo "FAIL $name: export differs from $expected" >&2
    diff -u "$HERE/$expected" "$SCRATCH/$name.out" | head -40 >&2
    FAILED=$((FAILED + 1))
  fi
done <"$HERE/CASES"
echo "$((CASES - FAILED)) of $CASES golden cases pass"
[ "$FAILED" = 0 ] && [ "$CASES" -gt 0 ]
