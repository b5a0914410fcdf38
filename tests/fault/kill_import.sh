#!/usr/bin/env bash
# Crash safety: `toponym tm import` of a generated memory, and `toponym import` of a generated
# glossary, killed with SIGKILL at random moments, many times. After each kill the store must
# open, pass PRAGMA integrity_check, and hold either none or all of that import; a kill after
# the command reported the import must find all of it.
#
# Each kill is placed by what the command is doing at that moment, seen from outside: reading
# its input (the input file is open), committing (the file is closed: the n-gram index and the
# match keys are being written and the transaction committed), or closing (it has printed what
# it imported). Half the kills land anywhere from the start to a little past the end of a whole
# import, half in the commit phase (for the glossary, which reads its file at once so that the
# phase cannot be seen, the last 40 % of the import).
#
# Parameters (environment):
#   TP_KILL_UNITS    units in the memory (default 4000, about a second of import; the issue's
#                    figure is 1000000)
#   TP_KILL_ROWS     rows in the glossary (default TP_KILL_UNITS / 2, at most 200000)
#   TP_KILL_RUNS     kills at most (default 60)
#   TP_KILL_SECONDS  time budget for the kills (default 60); at least 4 kills run whatever it is
set -u
: "${TOPONYM:?TOPONYM must name the toponym binary}" "${STORE_PROBE:?STORE_PROBE must name store_probe}"
UNITS=${TP_KILL_UNITS:-4000}
ROWS=${TP_KILL_ROWS:-$((UNITS / 2 < 200000 ? UNITS / 2 : 200000))}
BUDGET=${TP_KILL_SECONDS:-60}
MAXRUNS=${TP_KILL_RUNS:-60}
S=$(mktemp -d "${TMPDIR:-/tmp}/tp_kill.XXXXXX")
trap 'rm -rf "$S"' EXIT
export HOME="$S/home" XDG_DATA_HOME="$S/data"
unset TOPONYM_DB
mkdir -p "$HOME"
# Line-buffered stdout, so that "imported ..." is in the file as soon as it is printed. stdbuf
# preloads a library, which AddressSanitizer refuses unless told that it may come first.
LINEBUF=()
if command -v stdbuf >/dev/null; then
  LINEBUF=(stdbuf -oL)
  ldd "$TOPONYM" 2>/dev/null | grep -q libasan &&
    LINEBUF=(env "ASAN_OPTIONS=${ASAN_OPTIONS:-}:verify_asan_link_order=0" stdbuf -oL)
fi

# A memory of UNITS units in three languages, and a glossary of ROWS rows.
awk -v n="$UNITS" 'BEGIN {
  print "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
  print "<tmx version=\"1.4\"><header srclang=\"en\" creationtool=\"gen\" creationtoolversion=\"1\" segtype=\"sentence\" o-tmf=\"gen\" adminlang=\"en\" datatype=\"plaintext\"/><body>"
  for (i = 1; i <= n; i++)
    printf "<tu><tuv xml:lang=\"en\"><seg>Ferry %d leaves Iturup for Kunashir at %d.</seg></tuv><tuv xml:lang=\"ru\"><seg>Паром %d уходит с Итурупа на Кунашир в %d.</seg></tuv><tuv xml:lang=\"ja\"><seg>フェリー%dは択捉島から国後島へ%d時に出ます。</seg></tuv></tu>\n", i, i % 24, i, i % 24, i, i % 24
  print "</body></tmx>"
}' >"$S/big.tmx"
awk -v n="$ROWS" 'BEGIN { for (i = 1; i <= n; i++) printf "Cape Gen%d\tМыс Ген%d\tpreferred\n", i, i }' >"$S/big.tsv"

"$TOPONYM" --db "$S/base.db" stats >/dev/null || { echo "cannot make a store" >&2; exit 1; }
base=$("$STORE_PROBE" "$S/base.db") || { echo "base store: $base" >&2; exit 1; }
field() { sed -n "s/.*$1=\([0-9-]*\).*/\1/p" <<<"$2"; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# Starts an import of kind (memory, glossary) into store db, in the background: $pid.
start_import() {
  local kind=$1 db=$2
  : >"$S/out"
  if [ "$kind" = memory ]; then
    "${LINEBUF[@]}" "$TOPONYM" --db "$db" tm import "$S/big.tmx" >"$S/out" 2>&1 &
  else
    "${LINEBUF[@]}" "$TOPONYM" --db "$db" import --format tsv --langs en,ru "$S/big.tsv" >"$S/out" 2>&1 &
  fi
  pid=$!
}

# What the import $pid is doing now: reading (its input is open), committing (it was seen
# reading, and the input is closed), closing (it printed its summary), ended, or working (none
# of these: starting, or the glossary import, which reads its whole file at once, at work).
# $saw_input tells whether it was seen reading before.
phase_of() {
  local input=$1
  if ! kill -0 "$pid" 2>/dev/null; then echo ended
  elif grep -qE '^imported | added, ' "$S/out" 2>/dev/null; then echo closing
  elif ls -l "/proc/$pid/fd" 2>/dev/null | grep -qF "$input"; then echo reading
  elif [ "$saw_input" = 1 ]; then echo committing
  else echo working; fi
}

# Watches the import's phase (every poll_ms) until ms milliseconds after t0, or, with a fourth
# argument, after the moment it is first seen committing. Gives its phase at the end, whether
# it was seen reading, and when (ms after t0) it was first seen committing and ended, or -.
watch_until() {
  local input=$1 t0=$2 ms=$3 after_commit=${4:-} start=$2 left phase seen_commit=- seen_end=-
  while :; do
    phase=$(phase_of "$input")
    [ "$phase" = reading ] && saw_input=1
    if [ "$seen_commit" = - ] && [ "$saw_input" = 1 ] && [ "$phase" = committing ]; then
      seen_commit=$(($(now_ms) - start))
    fi
    [ "$phase" = ended ] && seen_end=$(($(now_ms) - start))
    if [ -n "$after_commit" ] && [ "$phase" != reading ] && [ "$phase" != working ]; then
      after_commit= t0=$(now_ms)
    fi
    left=$((t0 + ms - $(now_ms)))
    [ -n "$after_commit" ] && left=$poll_ms
    [ "$left" -le 0 ] || [ "$phase" = ended ] && break
    [ "$left" -gt "$poll_ms" ] && left=$poll_ms
    sleep "$(printf '%d.%03d' $((left / 1000)) $((left % 1000)))"
  done
  echo "$phase $saw_input $seen_commit $seen_end"
}

# One whole import of each, for the counts "all" means, how long an import takes and when its
# commit phase starts (the input closed).
whole_import() {
  local kind=$1 input=$2 t0 t1 t_commit= phase
  saw_input=0 poll_ms=20
  t0=$(now_ms)
  start_import "$kind" "$S/full.db"
  while kill -0 "$pid" 2>/dev/null; do
    phase=$(phase_of "$input")
    [ "$phase" = reading ] && saw_input=1
    if [ -z "$t_commit" ] && [ "$saw_input" = 1 ] && [ "$phase" != reading ]; then t_commit=$(now_ms); fi
    sleep 0.02
  done
  wait "$pid" || { echo "$kind import fails: $(cat "$S/out")" >&2; exit 1; }
  t1=$(now_ms)
  [ -n "$t_commit" ] || t_commit=$((t0 + (t1 - t0) * 6 / 10))
  eval "${kind}_ms=$((t1 - t0)) ${kind}_commit_ms=$((t_commit - t0))"
}
cp "$S/base.db" "$S/full.db"
whole_import memory "$S/big.tmx"
whole_import glossary "$S/big.tsv"
full=$("$STORE_PROBE" "$S/full.db")
echo "whole imports: tm import of $UNITS units ${memory_ms} ms (commit phase from ${memory_commit_ms} ms)," \
     "import of $ROWS rows ${glossary_ms} ms (aimed at from ${glossary_commit_ms} ms)"
echo "base: $base"
echo "full: $full"

declare -A seen
runs=0 none=0 all=0 bad=0 start=$SECONDS
while { [ $((SECONDS - start)) -lt "$BUDGET" ] || [ "$runs" -lt 4 ]; } && [ "$runs" -lt "$MAXRUNS" ]; do
  runs=$((runs + 1))
  cp "$S/base.db" "$S/t.db"
  rm -f "$S/t.db-wal" "$S/t.db-shm"
  if [ $((runs % 3)) = 0 ]; then
    kind=glossary ms=$glossary_ms commit_ms=$glossary_commit_ms input=$S/big.tsv
  else
    kind=memory ms=$memory_ms commit_ms=$memory_commit_ms input=$S/big.tmx
  fi
  # Every other kill in the commit phase (for the memory: a moment from the input closed to a
  # little past the end of a whole import's commit phase), the others anywhere from the start
  # to a little past the end.
  aim=
  if [ $((runs % 2)) = 0 ] && [ "$kind" = memory ]; then
    from=0 span=$((ms - commit_ms + ms / 20 + 1)) aim=commit
  elif [ $((runs % 2)) = 0 ]; then
    from=$commit_ms span=$((ms - commit_ms + ms / 20 + 1))
  else
    from=0 span=$((ms + ms / 10 + 1))
  fi
  delay=$((from + (RANDOM * 32768 + RANDOM) % span))
  # Watched every 20 ms, or 500 times in a whole import when that is longer (each look forks).
  saw_input=0 poll_ms=$((ms / 500 > 20 ? ms / 500 : 20))
  t0=$(now_ms)
  start_import "$kind" "$S/t.db"
  read -r phase saw_input seen_commit seen_end < <(watch_until "$input" "$t0" "$delay" $aim)
  killed_at=$(($(now_ms) - t0))
  # The machine's load changes how long an import takes: what was seen of this one corrects
  # the times the next kills are chosen from.
  [ "$seen_end" != - ] && eval "${kind}_ms=$seen_end"
  [ "$seen_commit" != - ] && [ "$kind" = memory ] && eval "${kind}_commit_ms=$seen_commit"
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  got=$("$STORE_PROBE" "$S/t.db")
  ok=$?
  if [ "$kind" = memory ]; then
    u=$(field units "$got") v=$(field variants "$got")
    if [ "$u" = "$(field units "$base")" ] && [ "$v" = "$(field variants "$base")" ]; then outcome=none
    elif [ "$u" = "$(field units "$full")" ] && [ "$v" = "$(field variants "$full")" ]; then outcome=all
    else outcome=part; fi
  else
    c=$(field concepts "$got") t=$(field terms "$got")
    if [ "$c" = "$(field concepts "$base")" ] && [ "$t" = "$(field terms "$base")" ]; then outcome=none
    elif [ "$c" = "$(field concepts "$full")" ] && [ "$t" = "$(field terms "$full")" ]; then outcome=all
    else outcome=part; fi
  fi
  case $outcome in
    none) none=$((none + 1)) ;;
    all) all=$((all + 1)) ;;
    *) ok=1 ;;
  esac
  # Reported means kept: a kill after the command printed its summary must find all of it.
  { [ "$phase" = closing ] || [ "$phase" = ended ]; } && [ "$outcome" != all ] && ok=1
  # The store must also open for toponym and answer.
  "$TOPONYM" --db "$S/t.db" lookup Iturup >/dev/null 2>&1 || ok=1
  seen["$kind $phase $outcome"]=$(( ${seen["$kind $phase $outcome"]:-0} + 1 ))
  if [ "$ok" != 0 ]; then
    bad=$((bad + 1))
    echo "FAIL run $runs ($kind import killed after ${killed_at} ms, $phase): $outcome; $got" >&2
  fi
  [ -n "${TP_KILL_VERBOSE:-}" ] && echo "run $runs: $kind killed at ${killed_at} ms ($phase): $outcome"
done
echo "$runs kills in $((SECONDS - start)) s, $bad bad; by import, phase at the kill and outcome:"
for k in "${!seen[@]}"; do echo "  $k: ${seen[$k]}"; done | sort
[ "$bad" = 0 ] && [ "$none" -gt 0 ] && [ "$all" -gt 0 ]
