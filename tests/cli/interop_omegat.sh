#!/usr/bin/env bash
# A real CAT tool reads toponym's TMX: OmegaT 3.6 (Debian's omegat), in console mode, translates a
# source file with a pair-wise export of the sample memory in its project's tm/auto/, where it
# applies exact matches. Skipped (exit 77) when OmegaT is not installed; .ci/run installs it.
. "$(dirname "$0")/lib.sh"

if ! command -v omegat >/dev/null || ! command -v java >/dev/null; then
  echo "skip: OmegaT not installed (apt-get install omegat)"
  exit 77
fi
P="$SCRATCH/project"
mkdir -p "$P/source" "$P/target" "$P/tm/auto" "$P/glossary" "$P/dictionary" "$P/omegat"
cat >"$P/omegat.project" <<'XML'
<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<omegat>
  <project version="1.0">
    <source_dir>__DEFAULT__</source_dir>
    <source_dir_excludes/>
    <target_dir>__DEFAULT__</target_dir>
    <tm_dir>__DEFAULT__</tm_dir>
    <glossary_dir>__DEFAULT__</glossary_dir>
    <glossary_file>__DEFAULT__</glossary_file>
    <dictionary_dir>__DEFAULT__</dictionary_dir>
    <source_lang>EN</source_lang>
    <target_lang>JA</target_lang>
    <source_tok>org.omegat.tokenizer.LuceneEnglishTokenizer</source_tok>
    <target_tok>org.omegat.tokenizer.LuceneJapaneseTokenizer</target_tok>
    <sentence_seg>false</sentence_seg>
    <support_default_translations>true</support_default_translations>
    <remove_tags>false</remove_tags>
  </project>
</omegat>
XML
# Two sentences of the sample memory and one that is not in it, one paragraph each.
printf '%s\n\n%s\n\n%s\n' "Former residents of Shikotan visited the graves of their ancestors." \
  "A fish processing plant was built on Shikotan." "This sentence is in no memory." \
  >"$P/source/news.txt"

DB="$SCRATCH/tm.db"
run --db "$DB" tm import "$TP_SOURCE_DIR/tmx/kuril-news.tmx"
expect_rc 0
# EN+JA only: OmegaT would apply a unit lacking Japanese with its Russian text.
run --db "$DB" tm export --langs en,ja -o "$P/tm/auto/toponym.tmx"
expect_rc 0

# OmegaT writes its settings under the home directory: the scratch one.
CHECKS=$((CHECKS + 1))
if ! timeout 300 omegat "$P" --mode=console-translate >"$SCRATCH/omegat.log" 2>&1; then
  fail "omegat failed: $(tail -5 "$SCRATCH/omegat.log")"
fi
cp "$P/target/news.txt" "$SCRATCH/out" 2>/dev/null || : >"$SCRATCH/out"
expect_out "色丹島の元島民が先祖の墓を訪れた。"
expect_out "色丹島に水産加工場が建設された。"
# A segment without a match stays in the source language; no Russian text crept in.
expect_out "This sentence is in no memory."
CHECKS=$((CHECKS + 1))
! grep -q '[А-Яа-я]' "$SCRATCH/out" || fail "Russian text in the Japanese translation"
expect_no_out "Former residents"
done_testing
