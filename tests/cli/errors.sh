# Bad input and bad stores: a clear message, the documented exit code, and the store unchanged.
. "$(dirname "$0")/lib.sh"

run lookup "$(printf 'Etor\377ofu')"
expect_rc 3
expect_err "invalid UTF-8"

run lookup ""
expect_rc 2
expect_err "empty"

# Enormous queries: 100 KB as an argument, 1 MB as a line of the scripted session.
run lookup "$(head -c 102400 /dev/zero | tr '\0' 'a')"
expect_rc 3
expect_err "limit"
head -c 1048576 /dev/zero | tr '\0' 'a' >"$SCRATCH/big.txt"
"$TOPONYM" <"$SCRATCH/big.txt" >"$SCRATCH/out" 2>"$SCRATCH/err"
RC=$?
expect_rc 3
expect_err "limit"

run lookup
expect_rc 2
expect_err "a query is needed"

run lookup --limit zero Etorofu
expect_rc 2
run lookup --lang xx Etorofu
expect_rc 2
run frobnicate
expect_rc 2
expect_err "no command 'frobnicate'"

run translit --scheme klingon Москва
expect_rc 2
expect_err "unknown scheme 'klingon'"
run translit Москва
expect_rc 2

# A file that is not a store is refused and left as it was.
printf 'just some text, not a database at all, long enough for SQLite to look at\n' >"$SCRATCH/notes.db"
before=$(cksum <"$SCRATCH/notes.db")
run --db "$SCRATCH/notes.db" lookup Etorofu
expect_rc 3
expect_err "is not a toponym store"
CHECKS=$((CHECKS + 1))
[ "$(cksum <"$SCRATCH/notes.db")" = "$before" ] || fail "the non-store file was changed"

# A store from a newer toponym is refused, untouched.
run --db "$SCRATCH/future.db" lookup Etorofu
expect_rc 0
if command -v sqlite3 >/dev/null; then
  sqlite3 "$SCRATCH/future.db" 'PRAGMA user_version=99'
  before=$(cksum <"$SCRATCH/future.db")
  run --db "$SCRATCH/future.db" lookup Etorofu
  expect_rc 2
  expect_err "newer toponym"
  CHECKS=$((CHECKS + 1))
  [ "$(cksum <"$SCRATCH/future.db")" = "$before" ] || fail "the newer store was changed"
fi

# A store in a directory that does not exist.
run --db "$SCRATCH/no/such/dir/t.db" lookup Etorofu
expect_rc 2
expect_err "cannot open store"

# Read-only: another user can look up in a store it cannot write, and cannot create one in a
# directory it cannot write to.
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
  ro="$SCRATCH/ro"
  mkdir -p "$ro"
  "$TOPONYM" --db "$ro/t.db" lookup Etorofu >/dev/null 2>&1
  chmod 755 "$SCRATCH" "$ro"
  chmod 644 "$ro"/t.db*
  as_nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups env HOME=/nonexistent "$TOPONYM" "$@" >"$SCRATCH/out" 2>"$SCRATCH/err" </dev/null; RC=$?; }
  if setpriv --reuid=nobody --regid=nogroup --clear-groups test -x "$TOPONYM"; then
    as_nobody --db "$ro/t.db" lookup Kunashiri
    expect_rc 0
    expect_out "Kunashir"
    as_nobody --db "$ro/new.db" lookup Kunashiri
    expect_rc 2
    expect_err "cannot open store"
  else
    echo "skip: the binary is not reachable by user nobody"
  fi
else
  echo "skip: read-only checks need root and setpriv"
fi

done_testing
