# make install puts the binary, library, headers, pkg-config file, man page and glossaries in
# place, and the installed binary seeds a new store from the installed glossaries.
. "$(dirname "$0")/lib.sh"
: "${TP_BUILD_DIR:?}"

prefix="$SCRATCH/prefix"
if ! cmake --install "$TP_BUILD_DIR" --prefix "$prefix" >"$SCRATCH/out" 2>"$SCRATCH/err"; then
  RC=1; fail "cmake --install failed"
fi
for f in bin/toponym share/bash-completion/completions/toponym include/toponym/toponym.h include/toponym/store.h share/man/man1/toponym.1 \
         share/toponym/glossaries/kurils.tbx; do
  CHECKS=$((CHECKS + 1))
  [ -f "$prefix/$f" ] || fail "not installed: $f"
done
CHECKS=$((CHECKS + 1))
ls "$prefix"/lib*/libtoponym.* >/dev/null 2>&1 || fail "library not installed"
CHECKS=$((CHECKS + 1))
pc=$(ls "$prefix"/lib*/pkgconfig/toponym.pc 2>/dev/null | head -1)
[ -n "$pc" ] && grep -q '^Libs: .*-ltoponym' "$pc" || fail "pkg-config file missing or wrong"

# The installed binary, pointed at the installed glossaries, seeds and finds.
TOPONYM="$prefix/bin/toponym" TOPONYM_GLOSSARIES="$prefix/share/toponym/glossaries" \
  run --db "$SCRATCH/i.db" lookup Shikotan
expect_rc 0
expect_out "色丹島"

done_testing
