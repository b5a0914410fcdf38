#!/usr/bin/env bash
# Many people on one store: a scripted REPL session adds concepts one by one while three batch
# checks run over and over and a memory import holds the write lock for seconds. No process may
# report the store locked or busy, every edit must be there afterwards, and the import whole.
set -u
: "${TOPONYM:?TOPONYM must name the toponym binary}" "${STORE_PROBE:?STORE_PROBE must name store_probe}"
S=$(mktemp -d "${TMPDIR:-/tmp}/tp_conc.XXXXXX")
trap 'rm -rf "$S"' EXIT
export HOME="$S/home" XDG_DATA_HOME="$S/data"
unset TOPONYM_DB
mkdir -p "$HOME"
EDITS=${TP_CONC_EDITS:-60}
UNITS=${TP_CONC_UNITS:-3000}

awk -v n="$UNITS" 'BEGIN {
  print "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
  print "<tmx version=\"1.4\"><header srclang=\"en\" creationtool=\"gen\" creationtoolversion=\"1\" segtype=\"sentence\" o-tmf=\"gen\" adminlang=\"en\" datatype=\"plaintext\"/><body>"
  for (i = 1; i <= n; i++)
    printf "<tu><tuv xml:lang=\"en\"><seg>Ferry %d leaves Iturup for Kunashir.</seg></tuv><tuv xml:lang=\"ru\"><seg>Паром %d уходит с Итурупа на Кунашир.</seg></tuv></tu>\n", i, i
  print "</body></tmx>"
}' >"$S/big.tmx"
for i in $(seq 1 40); do
  echo "The ferry from Kunashiri reaches Etorofu and Iturup; Yuzhno-Kurilsk is on Kunashir ($i)."
done >"$S/doc.md"

DB="$S/t.db"
"$TOPONYM" --db "$DB" stats >/dev/null || { echo "cannot make a store" >&2; exit 1; }
before=$("$STORE_PROBE" "$DB")

"$TOPONYM" --db "$DB" tm import "$S/big.tmx" >"$S/import.out" 2>"$S/import.err" &
import=$!
sleep 0.5 # the import holds the write lock by now: the edits meet it
# The session: one add at a time, as a person would type them (quickly).
( for i in $(seq 1 "$EDITS"); do
    echo "add --id edit$i en:Editcape$i ru:Эдиткейп$i"
    sleep 0.03
  done ) | "$TOPONYM" --db "$DB" >"$S/repl.out" 2>"$S/repl.err" &
repl=$!
checks=""
for k in 1 2 3; do
  ( rc=0
    for j in $(seq 1 8); do
      "$TOPONYM" --db "$DB" check "$S/doc.md" >/dev/null 2>>"$S/check$k.err"
      r=$?
      [ "$r" -le 1 ] || rc=$r
    done
    exit $rc ) &
  checks="$checks $!"
done

bad=0
wait "$import" || { echo "FAIL: the import failed: $(cat "$S/import.err")" >&2; bad=1; }
for p in $checks; do wait "$p" || { echo "FAIL: a check failed" >&2; bad=1; }; done
wait "$repl" || { echo "FAIL: the session ended with an error" >&2; bad=1; }
if grep -il 'locked\|busy' "$S"/*.err "$S/repl.out" >/dev/null; then
  echo "FAIL: a process reported the store locked or busy:" >&2
  grep -i 'locked\|busy' "$S"/*.err "$S/repl.out" | head -5 >&2
  bad=1
fi
[ -s "$S/repl.err" ] && { echo "FAIL: the session wrote errors: $(head -3 "$S/repl.err")" >&2; bad=1; }
missing=0
for i in $(seq 1 "$EDITS"); do
  "$TOPONYM" --db "$DB" show "edit$i" >/dev/null 2>&1 || missing=$((missing + 1))
done
[ "$missing" = 0 ] || { echo "FAIL: $missing of $EDITS edits are missing" >&2; bad=1; }
after=$("$STORE_PROBE" "$DB") || { echo "FAIL: store not intact: $after" >&2; bad=1; }
echo "before: $before"
echo "after:  $after"
units=$(sed -n 's/.*units=\([0-9]*\).*/\1/p' <<<"$after")
[ "$units" = "$UNITS" ] || { echo "FAIL: $units units, want $UNITS" >&2; bad=1; }
echo "$EDITS edits in the session, 24 checks, one import of $UNITS units, all at once: $([ $bad = 0 ] && echo ok || echo FAILED)"
exit $bad
