# toponym tm end to end: import (warnings with FILE:LINE:COL, --strict, the store unchanged on
# failure), validate, export that validates against the DTD and imports again, match and
# concordance with their exit codes and JSON.
. "$(dirname "$0")/lib.sh"
MEM="$TP_SOURCE_DIR/tmx/kuril-news.tmx"
SAMPLES="$TP_SHARED_DATA/tmx-samples"
DB="$SCRATCH/tm.db"

run --db "$DB" tm import "$MEM"
expect_rc 0
expect_out "imported 107 units (321 variants) from 1 file"
run --db "$DB" tm import "$MEM"
expect_rc 0
expect_out "imported 0 units (0 variants) from 1 file, 107 duplicates merged"

run --db "$DB" tm match --to ja "The ferry from Nemuro to Kunashir was cancelled because of strong winds."
expect_rc 0
expect_out "fuzzy"
expect_out "ja: 根室市から国後島へのフェリーは高波のため欠航した。"
expect_out "[-high-]{+strong+}"
expect_out "Kunashir -> 国後島"
# The segment's words need no quotes (as typed in the interactive session): the same match.
cp "$SCRATCH/out" "$SCRATCH/quoted"
run --db "$DB" tm match --to ja The ferry from Nemuro to Kunashir was cancelled because of strong winds.
expect_rc 0
check_same() { CHECKS=$((CHECKS + 1)); cmp -s "$SCRATCH/quoted" "$SCRATCH/out" || fail "unquoted segment matched differently"; }
check_same
run --db "$DB" tm concordance --lang en ferry from Nemuro
expect_rc 0
expect_out "The ferry from Nemuro to Kunashir"

run --db "$DB" tm match --json --from ja --to ru "根室市から国後島へのフェリーは高波のため欠航した。"
expect_rc 0
expect_out '"score":100,"match":"exact"'
expect_out '"text":"Паром из Немуро на Кунашир отменён из-за высоких волн."'
if command -v python3 >/dev/null; then
  CHECKS=$((CHECKS + 1))
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["matches"][0]["target"]["lang"]=="ru"; assert d["terms"]' "$SCRATCH/out" ||
    fail "JSON output does not parse or lacks fields"
fi

run --db "$DB" tm match "Gardening tools for sale."
expect_rc 1
expect_out "no match"

run --db "$DB" tm concordance 択捉
expect_rc 0
expect_out "unit 8"
expect_out "ru: На Итурупе открылся новый терминал аэропорта."
run --db "$DB" tm concordance "Zzyzx"
expect_rc 1
run --db "$DB" tm concordance 島
expect_rc 2
expect_err "two characters"

# Export: pair-wise, valid against the shipped DTD, and it imports again to the same units.
run --db "$DB" tm export --langs en,ja --source en -o "$SCRATCH/enja.tmx"
expect_rc 0
expect_err "wrote 107 units"
CHECKS=$((CHECKS + 1))
! grep -q 'xml:lang="ru"' "$SCRATCH/enja.tmx" || fail "pair-wise export has Russian"
if command -v xmllint >/dev/null; then
  CHECKS=$((CHECKS + 1))
  xmllint --noout --dtdvalid "$TP_SOURCE_DIR/src/lib/tmx14b.dtd" "$SCRATCH/enja.tmx" 2>"$SCRATCH/xl" ||
    { cat "$SCRATCH/xl" >&2; fail "export does not validate against the DTD"; }
fi
run --db "$SCRATCH/again.db" tm import "$SCRATCH/enja.tmx"
expect_rc 0
expect_out "imported 107 units (214 variants)"
run tm validate "$SCRATCH/enja.tmx" "$MEM"
expect_rc 0

# The glossary as TMX: a unit per concept with its preferred terms, valid, read back as a memory.
run --db "$DB" tm export --glossary --langs en,ja,ru -o "$SCRATCH/glossary.tmx"
expect_rc 0
expect_err "units to"
CHECKS=$((CHECKS + 1))
tr -d ' \n' <"$SCRATCH/glossary.tmx" | grep -qF '<tutuid="iturup"><proptype="x-subject">island</prop><tuvxml:lang="en"><seg>Iturup</seg></tuv><tuvxml:lang="ja"><seg>択捉島</seg></tuv><tuvxml:lang="ru"><seg>Итуруп</seg></tuv></tu>' ||
  fail "no Iturup unit with its preferred terms"
CHECKS=$((CHECKS + 1))
! grep -q 'Etorofu\|Kurile Islands\|xml:lang="ja-Latn"' "$SCRATCH/glossary.tmx" || fail "a term that is not preferred, or a language not asked for"
run tm validate "$SCRATCH/glossary.tmx"
expect_rc 0
run --db "$SCRATCH/gloss.db" tm import "$SCRATCH/glossary.tmx"
expect_rc 0
run --db "$SCRATCH/gloss.db" tm match --from en --to ja "Iturup"
expect_rc 0
expect_out "ja: 択捉島"
# A real client: Translate Toolkit's TMX reader (Debian's translate-toolkit) sees the same pairs.
if /usr/bin/python3 -c 'import translate.storage.tmx' 2>/dev/null; then
  CHECKS=$((CHECKS + 1))
  /usr/bin/python3 - "$SCRATCH/enja.tmx" <<'PYEOF' || fail "Translate Toolkit reads other pairs"
import sys
from translate.storage import tmx
units = tmx.tmxfile(open(sys.argv[1], 'rb'), 'en', 'ja').units
pairs = {u.source: u.target for u in units}
assert len(units) == 107, len(units)
assert pairs["A new airport terminal opened on Iturup."] == "択捉島で新しい空港ターミナルが開業した。"
assert pairs["Japan calls the four islands the Northern Territories."] == "日本は四島を北方領土と呼んでいる。"
PYEOF
else
  echo "skip: Translate Toolkit not installed"
fi

# Bad input: a truncated file aborts with its position, and the store is unchanged.
head -c 3000 "$MEM" >"$SCRATCH/cut.tmx"
run --db "$DB" tm export -o "$SCRATCH/before.tmx"
run --db "$DB" tm import "$SCRATCH/enja.tmx" "$SCRATCH/cut.tmx"
expect_rc 3
expect_err "cut.tmx:"
run --db "$DB" tm export -o "$SCRATCH/after.tmx"
CHECKS=$((CHECKS + 1))
[ "$(grep -c '<tu ' "$SCRATCH/before.tmx")" = "$(grep -c '<tu ' "$SCRATCH/after.tmx")" ] ||
  fail "a failed import changed the store"

run tm import
expect_rc 2
run tm frobnicate
expect_rc 2
expect_err "no subcommand 'frobnicate'"

if [ -d "$SAMPLES" ]; then
  run --db "$SCRATCH/s.db" tm import "$SAMPLES/omegat/invalid.tmx"
  expect_rc 0
  expect_err "invalid.tmx:12:"
  expect_err "(unit skipped)"
  expect_out "1 skipped"
  run --db "$SCRATCH/s.db" tm import --strict "$SAMPLES/omegat/invalid.tmx"
  expect_rc 3
  run tm validate "$SAMPLES/omegat/invalid.tmx"
  expect_rc 1
  expect_out "invalid.tmx:12:"
  expect_out "has no <bpt i=\"1\">"
  run tm validate "$SAMPLES/okapi/html_test.tmx"
  expect_rc 1
  expect_out "DTD: Element prop does not carry attribute type"
  # Every sample imports in one go (one transaction), UTF-16 and TMX 1.1 included.
  run --db "$SCRATCH/all.db" tm import "$SAMPLES"/*/*.tmx
  expect_rc 0
  expect_out "skipped"
else
  echo "skip: $SAMPLES absent"
fi

# The issue's spellings: `import FILE.tmx` and `export --format tmx` are the tm commands.
run --db "$SCRATCH/route.db" import "$MEM"
expect_rc 0
expect_out "imported 107 units"
cp "$MEM" "$SCRATCH/memory.xml"   # a memory told by its content, not its name
run --db "$SCRATCH/route2.db" import "$SCRATCH/memory.xml"
expect_rc 0
expect_out "imported 107 units"
run --db "$SCRATCH/route.db" export --format tmx --langs en,ru -o "$SCRATCH/route.tmx"
expect_rc 0
CHECKS=$((CHECKS + 1))
grep -q 'xml:lang="ru"' "$SCRATCH/route.tmx" && ! grep -q 'xml:lang="ja"' "$SCRATCH/route.tmx" ||
  fail "export --format tmx --langs en,ru wrote the wrong languages"
run --db "$SCRATCH/route.db" import --langs en,ja "$MEM"
expect_rc 2
expect_err "does not apply to a translation memory"
run --db "$SCRATCH/route.db" import "$MEM" "$TP_SOURCE_DIR/glossaries/kurils.tbx"
expect_rc 2
expect_err "separately"

# ---- A progress bar for a large memory on a terminal, erased before the summary; none in a pipe.
awk 'BEGIN { print "<?xml version=\"1.0\"?><tmx version=\"1.4\"><header srclang=\"en\"/><body>"
             for (i = 0; i < 6000; i++)
               printf "<tu><tuv xml:lang=\"en\"><seg>The ferry to Shikotan sails on day %d of the season, weather permitting, from the port of Korsakov.</seg></tuv><tuv xml:lang=\"ru\"><seg>Паром на Шикотан отходит в %d-й день сезона из порта Корсаков, если позволяет погода.</seg></tuv></tu>\n", i, i
             print "</body></tmx>" }' >"$SCRATCH/big.tmx"
if run_tty --db "$SCRATCH/bar.db" import "$SCRATCH/big.tmx"; then
  expect_rc 0
  expect_progress importing "imported 6000 units"
else
  echo "skip: no script(1) for a terminal"
fi
run --db "$SCRATCH/bar2.db" import "$SCRATCH/big.tmx"
expect_rc 0
expect_out "imported 6000 units"
expect_empty_err

done_testing
