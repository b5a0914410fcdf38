#!/usr/bin/env bash
# When the disk fills up or the store cannot be written: a clean error (exit 2, one line on
# stderr), and nothing lost: the store still opens, passes PRAGMA integrity_check and holds
# what it held (the same glossary and memory exports before and after).
# Disk full two ways: a small tmpfs when this user may mount one (root in CI), and a file size
# limit (ulimit -f, with SIGXFSZ ignored so that writes fail with EFBIG) everywhere.
. "$(dirname "$0")/lib.sh"
PROBE="$TP_BUILD_DIR/tests/store_probe"

awk 'BEGIN {
  print "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
  print "<tmx version=\"1.4\"><header srclang=\"en\" creationtool=\"gen\" creationtoolversion=\"1\" segtype=\"sentence\" o-tmf=\"gen\" adminlang=\"en\" datatype=\"plaintext\"/><body>"
  for (i = 1; i <= 3000; i++)
    printf "<tu><tuv xml:lang=\"en\"><seg>Ferry %d leaves Iturup for Kunashir.</seg></tuv><tuv xml:lang=\"ru\"><seg>Паром %d уходит с Итурупа на Кунашир.</seg></tuv></tu>\n", i, i
  print "</body></tmx>"
}' >"$SCRATCH/big.tmx"
awk 'BEGIN { for (i = 1; i <= 3000; i++) printf "Cape Gen%d\tМыс Ген%d\n", i, i }' >"$SCRATCH/big.tsv"

# dump STORE FILE: what the store holds, as toponym exports it (dates left out).
dump() {
  { "$TOPONYM" --db "$1" export --format tbx && "$TOPONYM" --db "$1" tm export; } 2>&1 |
    sed 's/creationdate="[^"]*"//; s/<date>[^<]*<\/date>//' >"$2"
}

# intact STORE BEFORE: the store opens, is intact and holds what BEFORE holds.
intact() {
  CHECKS=$((CHECKS + 1))
  "$PROBE" "$1" >"$SCRATCH/probe" || fail "store not intact: $(cat "$SCRATCH/probe")"
  dump "$1" "$SCRATCH/after"
  CHECKS=$((CHECKS + 1))
  cmp -s "$2" "$SCRATCH/after" || fail "the store changed: $(diff "$2" "$SCRATCH/after" | head -5)"
}

# disk_full DIR: imports into a store in DIR that the disk cannot hold.
disk_full() {
  local d=$1 how=$2
  run --db "$d/t.db" tm import "$SCRATCH/big.tmx"
  expect_rc 2
  expect_err "toponym: "
  CHECKS=$((CHECKS + 1))
  [ "$(wc -l <"$SCRATCH/err")" -le 2 ] || fail "$how: more than a clean error on stderr"
  intact "$d/t.db" "$SCRATCH/before"
  run --db "$d/t.db" import --format tsv --langs en,ru "$SCRATCH/big.tsv"
  expect_rc 2
  expect_err "toponym: "
  intact "$d/t.db" "$SCRATCH/before"
}

# ---- a full tmpfs ----
mkdir -p "$SCRATCH/small"
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=4m tmpfs "$SCRATCH/small" 2>/dev/null; then
  trap 'umount "$SCRATCH/small" 2>/dev/null; rm -rf "$SCRATCH"' EXIT
  run --db "$SCRATCH/small/t.db" tm import "$TP_SOURCE_DIR/tmx/kuril-news.tmx"
  expect_rc 0
  dump "$SCRATCH/small/t.db" "$SCRATCH/before"
  # Fill what is left but a little, so that the import runs out of room halfway.
  head -c $(( $(df -k --output=avail "$SCRATCH/small" | tail -1) * 1024 - 200000 )) /dev/zero \
    >"$SCRATCH/small/fill" 2>/dev/null
  disk_full "$SCRATCH/small" tmpfs
  expect_err "full"
  rm -f "$SCRATCH/small/fill"
  # With room again, an import goes through.
  head -n 50 "$SCRATCH/big.tsv" >"$SCRATCH/small.tsv"
  run --db "$SCRATCH/small/t.db" import --format tsv --langs en,ru "$SCRATCH/small.tsv"
  expect_rc 0
  expect_out "50"
  "$PROBE" "$SCRATCH/small/t.db" >/dev/null || fail "store not intact after the import"
  sync
  umount "$SCRATCH/small"
else
  echo "skip: a tmpfs cannot be mounted here; the file size limit stands for a full disk"
fi

# ---- a file size limit ----
mkdir -p "$SCRATCH/limit"
run --db "$SCRATCH/limit/t.db" tm import "$TP_SOURCE_DIR/tmx/kuril-news.tmx"
expect_rc 0
dump "$SCRATCH/limit/t.db" "$SCRATCH/before"
size_kb=$(( $(stat -c %s "$SCRATCH/limit/t.db") / 1024 + 64 ))
(
  trap '' XFSZ
  ulimit -f "$size_kb"
  disk_full "$SCRATCH/limit" "ulimit -f"
  exit "$FAILED"
) || FAILED=$((FAILED + $?))
CHECKS=$((CHECKS + 4))

# ---- a store this user cannot write ----
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null &&
   setpriv --reuid=nobody --regid=nogroup --clear-groups test -x "$TOPONYM"; then
  ro="$SCRATCH/ro"
  mkdir -p "$ro"
  run --db "$ro/t.db" tm import "$TP_SOURCE_DIR/tmx/kuril-news.tmx"
  expect_rc 0
  dump "$ro/t.db" "$SCRATCH/before"
  chmod 755 "$SCRATCH" "$ro"
  chmod 644 "$ro"/t.db*
  as_nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups env HOME=/nonexistent "$TOPONYM" "$@" >"$SCRATCH/out" 2>"$SCRATCH/err" </dev/null; RC=$?; }
  as_nobody --db "$ro/t.db" tm import "$SCRATCH/big.tmx"
  expect_rc 2
  expect_err "read-only"
  as_nobody --db "$ro/t.db" import --format tsv --langs en,ru "$SCRATCH/big.tsv"
  expect_rc 2
  expect_err "read-only"
  as_nobody --db "$ro/t.db" undo
  expect_rc 2
  as_nobody --db "$ro/t.db" lookup Iturup
  expect_rc 0
  intact "$ro/t.db" "$SCRATCH/before"
else
  echo "skip: a read-only store needs root and setpriv"
fi
done_testing
