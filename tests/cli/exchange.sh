# Glossary exchange end to end: import of TBX v2/v3, OmegaT TSV/CSV and ENAMDICT; export as TBX
# v3 (validated against the TBX-Basic RELAX NG schema), TBX v2, TSV and CSV; round trips that must
# give the same store; conflict policies; bad input that must leave the store unchanged.
. "$(dirname "$0")/lib.sh"

RNG="$TP_SHARED_DATA/tbx/TBXcoreStructV03_TBX-Basic_integrated.rng"
mkdir -p "$SCRATCH/empty"
export TOPONYM_GLOSSARIES="$SCRATCH/empty"   # stores made here start empty, not seeded
check() { CHECKS=$((CHECKS + 1)); "$@" || fail "$*"; }
# The store's content as TBX with layout removed: equal dumps mean equal concepts, terms,
# statuses, notes and kept data.
dump() { "$TOPONYM" --db "$1" export 2>/dev/null | tr -d ' \n'; }
validates() {
  if command -v xmllint >/dev/null && [ -f "$RNG" ]; then
    CHECKS=$((CHECKS + 1))
    xmllint --noout --relaxng "$RNG" "$1" 2>"$SCRATCH/rng.err" || { fail "$1 does not validate"; cat "$SCRATCH/rng.err" >&2; }
  fi
}

# ---- The shipped glossary: export validates, and export -> import -> export is the same.
run --db "$SCRATCH/a.db" import "$TP_SOURCE_DIR"/glossaries/*.tbx
expect_rc 0
expect_out "114 added, 0 merged"
run --db "$SCRATCH/a.db" export -o "$SCRATCH/a.tbx"
expect_rc 0
validates "$SCRATCH/a.tbx"
run --db "$SCRATCH/b.db" import "$SCRATCH/a.tbx"
expect_rc 0
check [ "$(dump "$SCRATCH/a.db")" = "$(dump "$SCRATCH/b.db")" ]
# Through TBX v2 too.
run --db "$SCRATCH/a.db" export --format tbx2 -o "$SCRATCH/a2.tbx"
expect_rc 0
CHECKS=$((CHECKS + 1)); grep -q '<martif' "$SCRATCH/a2.tbx" || fail "tbx2 is not martif"
run --db "$SCRATCH/c.db" import "$SCRATCH/a2.tbx"
check [ "$(dump "$SCRATCH/a.db")" = "$(dump "$SCRATCH/c.db")" ]
# Readings, schemes and statuses survive.
run --db "$SCRATCH/b.db" show iturup
expect_rc 0
expect_out "reading えとろふとう"
expect_out "hepburn"
expect_out "admitted"
# Cross-references keep their display text through the round trip, in TBX v3 and v2.
CHECKS=$((CHECKS + 1)); grep -q 'target="northern-territories">Northern Territories / Southern Kurils</ref>' "$SCRATCH/a.tbx" || fail "v3 export lost a cross-reference's text"
CHECKS=$((CHECKS + 1)); grep -q '>Greater Kuril Chain</ref>' "$SCRATCH/a2.tbx" || fail "v2 export lost a cross-reference's text"
run --db "$SCRATCH/c.db" show kuril-islands
expect_out "see also: Greater Kuril Chain (greater-kuril-chain), Lesser Kuril Chain (lesser-kuril-chain)"
run --db "$SCRATCH/c.db" lookup --json Kurils
expect_out '{"id":"greater-kuril-chain","text":"Greater Kuril Chain"}'
# A link added by hand has no text of its own: export shows the target's English name.
run --db "$SCRATCH/c.db" edit kunashir --link shikotan
expect_rc 0
run --db "$SCRATCH/c.db" export -o "$SCRATCH/c.tbx"
CHECKS=$((CHECKS + 1)); grep -q 'target="shikotan">Shikotan</ref>' "$SCRATCH/c.tbx" || fail "a link without text does not show its target's name"
run --db "$SCRATCH/c.db" undo
expect_rc 0
# ---- A progress bar for a large file on a terminal, erased before the summary; none in a pipe.
awk 'BEGIN { pad = sprintf("%300s", ""); gsub(/ /, "n", pad)
             for (i = 0; i < 4000; i++) printf "Placename%d\tPlacename%d-ja\tnote %s\n", i, i, pad }' >"$SCRATCH/big.tsv"
if run_tty --db "$SCRATCH/p.db" import --langs en,ja "$SCRATCH/big.tsv"; then
  expect_rc 0
  expect_progress big.tsv "4000 added"
else
  echo "skip: no script(1) for a terminal"
fi
run --db "$SCRATCH/p2.db" import --langs en,ja "$SCRATCH/big.tsv"
expect_rc 0
expect_empty_err
# A second import of the same file adds nothing.
run --db "$SCRATCH/b.db" import "$SCRATCH/a.tbx"
expect_out "0 added, 0 merged, 0 replaced, 114 skipped"

# ---- TBX from other tools: each validates after export and round-trips; extra data kept.
if [ -d "$TP_SHARED_DATA/tbx" ]; then
  for f in "$TP_SHARED_DATA"/tbx/*.tbx; do
    n=$(basename "$f" .tbx)
    run --db "$SCRATCH/$n.db" import "$f"
    expect_rc 0
    run --db "$SCRATCH/$n.db" export -o "$SCRATCH/$n.out.tbx"
    validates "$SCRATCH/$n.out.tbx"
    run --db "$SCRATCH/$n.2.db" import "$SCRATCH/$n.out.tbx"
    expect_rc 0
    check [ "$(dump "$SCRATCH/$n.db")" = "$(dump "$SCRATCH/$n.2.db")" ]
  done
  # partOfSpeech, definitions and transactions come back out.
  CHECKS=$((CHECKS + 1)); grep -q 'type="partOfSpeech"' "$SCRATCH/omegat_sampleTBXfile.out.tbx" || fail "partOfSpeech lost"
  CHECKS=$((CHECKS + 1)); grep -q 'type="definition"' "$SCRATCH/TBX-Basic_Example_Astronomy_DCA_VALID.out.tbx" || fail "definition lost"
  CHECKS=$((CHECKS + 1)); grep -q '<transacGrp>' "$SCRATCH/TBX-Basic_Example_Astronomy_DCA_VALID.out.tbx" || fail "transacGrp lost"
  # A v2 date with a time is not TBX-Basic's xsd:date: kept in tp:extra rather than dropped.
  CHECKS=$((CHECKS + 1)); grep -q '2005-04-22T14:06:32' "$SCRATCH/okapi_medtronic_tbx2.out.tbx" || fail "v2 transaction lost"
  # Outside TBX-Basic (abbreviatedFormFor) is kept in tp:extra, and read back.
  CHECKS=$((CHECKS + 1)); grep -q 'abbreviatedFormFor' "$SCRATCH/okapi_oracle_tbx2.out.tbx" || fail "abbreviatedFormFor lost"
  run --db "$SCRATCH/okapi_medtronic_tbx2.db" show --json c7331
  expect_out '"status":"preferred"'
else
  echo "skip: $TP_SHARED_DATA/tbx absent"
fi

# ---- OmegaT glossaries: TSV, CSV with quoting, UTF-16LE by BOM; the language pair from --langs.
G="$TP_SHARED_DATA/glossary-samples"
if [ -d "$G" ]; then
  run --db "$SCRATCH/g.db" import --langs en,fr "$G/omegat_test.csv"
  expect_out "7 added"
  run --db "$SCRATCH/g.db" export --format csv --langs en,fr
  expect_out '"""kde"",""q""",cdk,preferred'
  expect_out '"kde, qu",comma dot,preferred'
  run --db "$SCRATCH/g16.db" import --langs en,fr "$G/omegat_testUTF16LE.txt"
  expect_out "2 added"
  run --db "$SCRATCH/g16.db" export --format tsv --langs en,fr
  expect_out "$(printf 'LE\tLittle Endian\tpreferred; Comment #2')"
  run --db "$SCRATCH/gt.db" import --langs ja,fr "$G/omegat_test.tab"
  expect_out "4 added"
  run --db "$SCRATCH/gt.db" lookup --no-fuzzy 地球システム
  expect_rc 0
  run --db "$SCRATCH/gt.db" import "$G/omegat_test.tab"
  expect_rc 2
  expect_err "--langs"
fi
# Round trip of a TSV with variants and statuses, and its BOM.
printf '\xef\xbb\xbf# a comment\nKunashir\tKunashiri\tpreferred\nKunashir\tKunasiri\tadmitted; Kunrei-shiki\n\nIturup\tEtorofu\n' >"$SCRATCH/k.tsv"
run --db "$SCRATCH/k.db" import --langs en,ja-Latn "$SCRATCH/k.tsv"
expect_out "2 added, 1 merged"
run --db "$SCRATCH/k.db" export --format tsv --langs en,ja-Latn -o "$SCRATCH/k2.tsv"
run --db "$SCRATCH/k2.db" import --langs en,ja-Latn "$SCRATCH/k2.tsv"
check [ "$(dump "$SCRATCH/k.db")" = "$(dump "$SCRATCH/k2.db")" ]
check grep -q "$(printf 'Kunashir\tKunasiri\tadmitted; Kunrei-shiki')" "$SCRATCH/k2.tsv"

# The concept's note rides in the comment of its first row, and comes back on import.
run --db "$SCRATCH/n.db" add --id kunashir --note "Southern Kurils, Russia" en:Kunashir \
  "ja-Latn:Kunashiri" "ja-Latn:Kunasiri;status=admitted;note=Kunrei-shiki"
expect_rc 0
run --db "$SCRATCH/n.db" export --format tsv --langs en,ja-Latn -o "$SCRATCH/n.tsv"
check grep -qF "$(printf 'Kunashir\tKunashiri\tpreferred; concept note: Southern Kurils, Russia')" "$SCRATCH/n.tsv"
check grep -qF "$(printf 'Kunashir\tKunasiri\tadmitted; Kunrei-shiki\n')" "$SCRATCH/n.tsv"
run --db "$SCRATCH/n.db" export --format csv --langs en,ja-Latn -o "$SCRATCH/n.csv"
check grep -qF 'Kunashir,Kunashiri,"preferred; concept note: Southern Kurils, Russia"' "$SCRATCH/n.csv"
for f in n.tsv n.csv; do
  run --db "$SCRATCH/$f.db" import --langs en,ja-Latn "$SCRATCH/$f"
  expect_out "1 added, 1 merged"
  run --db "$SCRATCH/$f.db" show --json '#1'
  expect_out '"note":"Southern Kurils, Russia"'
  expect_out '"note":"Kunrei-shiki"'
done

# ---- Conflict policies and dry runs.
printf 'Kunashir\tKunashiri-to\tadmitted\n' >"$SCRATCH/k3.tsv"
run --db "$SCRATCH/k.db" import --dry-run --langs en,ja-Latn "$SCRATCH/k3.tsv"
expect_out "dry run, nothing written: 0 added, 1 merged"
run --db "$SCRATCH/k.db" import --on-conflict skip --langs en,ja-Latn "$SCRATCH/k3.tsv"
expect_out "0 added, 0 merged, 0 replaced, 1 skipped"
run --db "$SCRATCH/k.db" import --on-conflict replace --langs en,ja-Latn "$SCRATCH/k3.tsv"
expect_out "1 replaced"
run --db "$SCRATCH/k.db" show '#1'
expect_out "Kunashiri-to"
expect_no_out "Kunasiri"
run --db "$SCRATCH/k.db" undo
expect_out "undone: import"
run --db "$SCRATCH/k.db" show '#1'
expect_out "Kunasiri"

# ---- ENAMDICT: EUC-JP, place entries only by default, stations on request.
if command -v iconv >/dev/null; then
  printf '　？？？ /ENAMDICT - Japanese Proper Name Dictionary File/\n択捉島 [えとろふとう] /(p) Etorofutou/\n大野 [おおの] /(p,s) Oono/\n大野 [おおや] /(p) Ooya/\nアーレン /(p) Aalen (Germany)/Ahlen/\nＪＲ桂駅 [ジェイアールかつらえき] /(st) JR Katsura Station/\n鈴木 [すずき] /(s) Suzuki/\n' |
    iconv -f UTF-8 -t EUC-JP >"$SCRATCH/enam"
  run --db "$SCRATCH/e.db" import "$SCRATCH/enam"
  expect_rc 0
  expect_out "4 added"
  run --db "$SCRATCH/e.db" lookup --no-fuzzy Ooya
  expect_out "大野"
  expect_out "reading おおや"
  run --db "$SCRATCH/e.db" lookup --no-fuzzy Suzuki
  expect_rc 1
  run --db "$SCRATCH/e.db" import --kinds p,st "$SCRATCH/enam"
  expect_out "1 added, 0 merged, 0 replaced, 4 skipped"
  cp "$SCRATCH/enam" "$SCRATCH/enam-bad"
  printf '\xa4\xa2\xff\xfe [x] /(p) X/\n' >>"$SCRATCH/enam-bad"
  before=$(dump "$SCRATCH/e.db")
  run --db "$SCRATCH/e.db" import "$SCRATCH/enam-bad"
  expect_rc 3
  expect_err "enam-bad:8:2: bytes that are not EUC-JP"
  check [ "$(dump "$SCRATCH/e.db")" = "$before" ]
fi

# ---- Bad input: file:line:col, exit 3, and the store unchanged.
before=$(dump "$SCRATCH/k.db")
bad() { # FILE CONTENT EXPECTED-STDERR [IMPORT OPTIONS...]
  local f="$SCRATCH/$1" want="$3"
  printf '%b' "$2" >"$f"
  shift 3
  run --db "$SCRATCH/k.db" import "$@" "$f"
  expect_rc 3
  expect_err "$want"
  check [ "$(dump "$SCRATCH/k.db")" = "$before" ]
}
bad broken.tbx '<tbx><text><body>\n<conceptEntry id="a"><langSec xml:lang="en"><termSec><term>A</term></termSec></langSec>\n</body></text></tbx>\n' "broken.tbx:3:"
bad html.tbx '<html><body/></html>\n' "not a TBX file"
bad lang.tbx '<tbx><text><body><conceptEntry id="a">\n<langSec xml:lang="english!"><termSec><term>A</term></termSec></langSec></conceptEntry></body></text></tbx>\n' "lang.tbx:2:" 
bad dup.tbx '<tbx><text><body><conceptEntry id="a"><langSec xml:lang="en"><termSec><term>A</term></termSec></langSec></conceptEntry>\n<conceptEntry id="a"><langSec xml:lang="en"><termSec><term>B</term></termSec></langSec></conceptEntry></body></text></tbx>\n' 'duplicate entry id "a"'
bad quote.csv 'a,b\n"c,d\ne,f\n' "quote.csv:2:1: a quoted field that never ends" --langs en,fr
bad quote2.csv 'a,"b"x,c\n' "quote2.csv:1:6: text after a closing quote" --langs en,fr
bad u16.txt 'a\0\tb\0\n\0' "UTF-16 without a byte-order mark" --langs en,fr
bad u8.tsv 'ok\tfine\nbad\t\xff\n' "u8.tsv:2:5: invalid UTF-8" --langs en,fr
bad strict.tsv 'a\tb\nonly\n' "strict.tsv:2:1: a row needs a source and a target" --strict --langs en,fr
# --strict: what lenient reading passes over is an error, in every format.
bad strict-id.tbx '<tbx><text><body>\n<conceptEntry><langSec xml:lang="en"><termSec><term>A</term></termSec></langSec></conceptEntry></body></text></tbx>\n' "strict-id.tbx:2:" --strict
bad strict-sts.tbx '<tbx><text><body><conceptEntry id="s"><langSec xml:lang="en"><termSec><term>A</term>\n<termNote type="administrativeStatus">preferredTerm-admn-sts</termNote>\n<termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></termSec></langSec></conceptEntry></body></text></tbx>\n' "a second, different status" --strict
bad strict4.tsv 'a\tb\tc\td\n' "strict4.tsv:1:1: a row with more than three fields" --strict --langs en,fr
bad strict4.csv 'a,b,c,"d"\n' "strict4.csv:1:1: a row with more than three fields" --strict --langs en,fr
printf 'a\tb\tc\td\n' >"$SCRATCH/lenient4.tsv"
run --db "$SCRATCH/l.db" import --langs en,fr "$SCRATCH/lenient4.tsv"
expect_rc 0
expect_out "1 added"
if command -v iconv >/dev/null; then
  printf '　？？？ /ENAMDICT/\n大野 [おおの] /(p) Oono/\nnot an entry\n' | iconv -f UTF-8 -t EUC-JP >"$SCRATCH/strict.enam"
  run --db "$SCRATCH/k.db" import --strict --format enamdict "$SCRATCH/strict.enam"
  expect_rc 3
  expect_err "strict.enam:3:1: not an ENAMDICT entry"
  check [ "$(dump "$SCRATCH/k.db")" = "$before" ]
fi
# The same id in two files of one import: refused, naming the other file; nothing imported.
printf '<tbx><text><body><conceptEntry id="dup"><langSec xml:lang="en"><termSec><term>One</term></termSec></langSec></conceptEntry></body></text></tbx>\n' >"$SCRATCH/one.tbx"
printf '<tbx><text><body><conceptEntry id="dup"><langSec xml:lang="en"><termSec><term>Two</term></termSec></langSec></conceptEntry></body></text></tbx>\n' >"$SCRATCH/two.tbx"
run --db "$SCRATCH/k.db" import "$SCRATCH/one.tbx" "$SCRATCH/two.tbx"
expect_rc 3
expect_err "two.tbx:1:"
expect_err "duplicate entry id \"dup\" (also in $SCRATCH/one.tbx)"
check [ "$(dump "$SCRATCH/k.db")" = "$before" ]
run --db "$SCRATCH/k.db" import --langs en "$SCRATCH/k.tsv"
expect_rc 2
run --db "$SCRATCH/k.db" import --on-conflict maybe "$SCRATCH/k.tsv"
expect_rc 2
# An external DTD is never fetched.
printf '<?xml version="1.0"?>\n<!DOCTYPE martif SYSTEM "http://192.0.2.1/TBXcoreStructV02.dtd">\n<martif type="TBX"><text><body><termEntry id="z"><langSet xml:lang="en"><tig><term>Zed</term></tig></langSet></termEntry></body></text></martif>\n' >"$SCRATCH/dtd.tbx"
run --db "$SCRATCH/d.db" import "$SCRATCH/dtd.tbx"
expect_rc 0
expect_out "1 added"

done_testing
