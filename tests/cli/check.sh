# toponym check end to end: the drafts in docs/examples give exactly the findings in
# docs/examples/expected in every output format (TP_REGEN=1 rewrites them after a reviewed
# change), exit codes follow --fail-on, and bad input is located by file, line and column.
. "$(dirname "$0")/lib.sh"
EX="$TP_SOURCE_DIR/docs/examples"

for f in kurils-en.md kurils-ru.md kurils-ja.html kurils-en-ja.xlf kurils-en-ru.xlf kurils-ja.tmx; do
  for fmt in gnu json sarif checkstyle github; do
    want="$EX/expected/$f.$fmt"
    (cd "$EX" && "$TOPONYM" check --fail-on none --format "$fmt" "$f") >"$SCRATCH/out" 2>"$SCRATCH/err"
    RC=$?
    expect_rc 0
    expect_empty_err
    if [ "${TP_REGEN:-}" = 1 ]; then cp "$SCRATCH/out" "$want"; fi
    CHECKS=$((CHECKS + 1))
    diff -u "$want" "$SCRATCH/out" >"$SCRATCH/diff" || { cat "$SCRATCH/diff" >&2; fail "$f --format $fmt differs from $want"; }
  done
done

if command -v python3 >/dev/null; then
  (cd "$EX" && "$TOPONYM" check --format json kurils-en.md kurils-ru.md kurils-ja.html) >"$SCRATCH/out" 2>"$SCRATCH/err"
  CHECKS=$((CHECKS + 1))
  python3 - "$SCRATCH/out" <<'PY' || fail "JSON output does not follow docs/json.md"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["version"] == 1 and d["columnKind"] == "unicodeCodePoints"
assert [f["file"] for f in d["files"]] == ["kurils-en.md", "kurils-ru.md", "kurils-ja.html"]
assert [f["lang"] for f in d["files"]] == ["en", "ru", "ja"]
for f in d["files"]:
    for x in f["findings"]:
        assert set(x) == {"line", "column", "endLine", "endColumn", "severity", "rule", "message", "found", "suggestion", "concept"}
        assert x["severity"] in ("error", "warning", "info")
s = d["summary"]
assert s["files"] == 3 and s["findings"] == sum(len(f["findings"]) for f in d["files"])
PY
  (cd "$EX" && "$TOPONYM" check --format sarif kurils-en.md) >"$SCRATCH/out" 2>"$SCRATCH/err"
  CHECKS=$((CHECKS + 1))
  python3 - "$SCRATCH/out" <<'PY' || fail "SARIF output lacks what SARIF 2.1.0 requires"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["version"] == "2.1.0"
run = d["runs"][0]
assert run["columnKind"] == "unicodeCodePoints" and run["tool"]["driver"]["name"] == "toponym"
ids = {r["id"] for r in run["tool"]["driver"]["rules"]}
for r in run["results"]:
    assert r["ruleId"] in ids and r["level"] in ("error", "warning", "note")
    reg = r["locations"][0]["physicalLocation"]["region"]
    assert reg["startLine"] >= 1 and reg["startColumn"] >= 1 and reg["endColumn"] > reg["startColumn"] - (reg["endLine"] > reg["startLine"]) * 10**6
PY
fi

# Exit codes: a finding at or above --fail-on (default error) gives 1.
run check "$EX/kurils-en.md"
expect_rc 1
expect_out "[deprecated-term]"
run check "$EX/kurils-ru.md"
expect_rc 0
run check --fail-on warning "$EX/kurils-ru.md"
expect_rc 1
run check --fail-on none "$EX/kurils-en.md"
expect_rc 0

# Standard input, --lang and --input.
printf 'The Kurile Islands.\n' >"$SCRATCH/in.txt"
"$TOPONYM" check --fail-on none - <"$SCRATCH/in.txt" >"$SCRATCH/out" 2>"$SCRATCH/err"
RC=$?
expect_rc 0
expect_out "<stdin>:1:5: warning: \"Kurile Islands\" is superseded"
"$TOPONYM" check --input xml --fail-on none - <"$EX/kurils-en-ru.xlf" >"$SCRATCH/out" 2>"$SCRATCH/err"
RC=$?
expect_rc 0
expect_out '<stdin>:8:44: warning: the target lacks "Кунашир"'
printf '<p>The `East Sea`</p>\n' >"$SCRATCH/in.txt"
run check --input html "$SCRATCH/in.txt"
expect_rc 1
run check --input markdown "$SCRATCH/in.txt"
expect_rc 0
run check --summary --format json --lang ru "$SCRATCH/in.txt"
expect_out '"lang":"ru"'
expect_err "1 file, 1 place name, 1 finding (1 error"

# Usage and system errors: 2. Bad input: 3, located.
run check
expect_rc 2
expect_err "a file (or - for standard input) is needed"
run check --format yaml x
expect_rc 2
expect_err "--format takes gnu, json, sarif, checkstyle or github"
run check --fail-on sometimes x
expect_rc 2
run check "$SCRATCH/missing.md"
expect_rc 2
expect_err "missing.md: No such file or directory"
printf 'fine line\nKuril \377Islands\n' >"$SCRATCH/bad.txt"
run check "$SCRATCH/bad.txt"
expect_rc 3
expect_err "bad.txt:2:7: invalid UTF-8"

# The house style: a rule from the file, and a file that does not load.
cat >"$SCRATCH/house.toml" <<'TOML'
[[rule]]
id = "no-disputed"
find = "the disputed islands"
replace = "the southern Kuril Islands"
bad = ["They visited the disputed islands."]
good = ["They visited the southern Kuril Islands."]
TOML
printf 'Off to the disputed islands.\n' >"$SCRATCH/in.txt"
run check --fail-on warning --rules "$SCRATCH/house.toml" "$SCRATCH/in.txt"
expect_rc 1
expect_out 'in.txt:1:8: warning: the house style writes "the disputed islands" as "the southern Kuril Islands" [no-disputed]'
printf '[[rule]]\nid = "Bad Id"\n' >"$SCRATCH/house.toml"
run check --rules "$SCRATCH/house.toml" "$SCRATCH/in.txt"
expect_rc 3
expect_err "house.toml:2: a rule id is lower-case letters"

# The house style documented in docs/house-style.md loads (its rules pass their own examples).
awk '/^```toml/ {on=1; next} /^```/ {on=0} on' "$TP_SOURCE_DIR/docs/house-style.md" >"$SCRATCH/doc.toml"
printf 'The Southern Kurils and the disputed islands. The Kurile chain.\n' >"$SCRATCH/in.txt"
run check --rules "$SCRATCH/doc.toml" "$SCRATCH/in.txt"
expect_rc 0
expect_empty_err
expect_out "[gloss-southern-kurils]"
expect_out "[no-disputed]"
expect_out "write Kuril, the BGN/PCGN form [no-kurile]"

done_testing
