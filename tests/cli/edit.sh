# Editing by hand: add, edit, rm, show and undo, each one change that undo reverts whole, with
# lookups following every step; bad edits change nothing.
. "$(dirname "$0")/lib.sh"
mkdir -p "$SCRATCH/empty"
export TOPONYM_GLOSSARIES="$SCRATCH/empty"
DB="$SCRATCH/e.db"

run --db "$DB" undo
expect_rc 1
expect_err "nothing to undo"

run --db "$DB" add --id shikotan --subject island --note "Lesser Kuril Chain." \
  en:Shikotan "ja:色丹島;reading=しこたんとう" "ru:Шикотан" "ja-Latn:Shikotan-tō;scheme=hepburn"
expect_rc 0
expect_out "added shikotan"
run --db "$DB" lookup --no-fuzzy しこたんとう
expect_rc 0
expect_out "色丹島"
run --db "$DB" show shikotan
expect_rc 0
expect_out "reading しこたんとう"
expect_out "hepburn"
expect_out "Lesser Kuril Chain."
run --db "$DB" show --json shikotan
expect_out '"concept":"shikotan"'
expect_out '"lang":"ru","text":"Шикотан","status":"preferred"'

# The same id again is bad input, and changes nothing.
run --db "$DB" add --id shikotan en:Other
expect_rc 3
expect_err "already in the store"

# edit: a new variant, a changed status and note, a removed term; one change.
run --db "$DB" edit shikotan --term "en:Sikotan;status=deprecated;note=Kunrei spelling" \
  --term "ja-Latn:Shikotan-tō;status=admitted" --rm-term ru:Шикотан --note "Edited."
expect_rc 0
run --db "$DB" show shikotan
expect_out "Sikotan"
expect_out "deprecated"
expect_out "note: Kunrei spelling"
expect_out "Edited."
expect_no_out "Шикотан"
run --db "$DB" undo --dry-run
expect_out "would undo: edit shikotan"
run --db "$DB" undo
expect_out "undone: edit shikotan"
run --db "$DB" lookup --no-fuzzy Шикотан
expect_rc 0
run --db "$DB" show shikotan
expect_no_out "Sikotan"

# rm a term, rm the concept, and back.
run --db "$DB" rm shikotan --term ru:Шикотан
expect_rc 0
run --db "$DB" rm shikotan --term ru:Шикотан
expect_rc 1
run --db "$DB" rm shikotan
expect_rc 0
run --db "$DB" show shikotan
expect_rc 1
expect_err "no concept 'shikotan'"
run --db "$DB" undo
expect_out "undone: rm shikotan"
run --db "$DB" undo
expect_out "undone: rm shikotan ru:Шикотан"
run --db "$DB" show shikotan
expect_out "Шикотан"
run --db "$DB" undo
expect_out "undone: add shikotan"
run --db "$DB" show shikotan
expect_rc 1

# A new store seeded from the shipped glossaries starts with nothing to undo: the seed stays.
SEEDED="$SCRATCH/seeded.db"
TOPONYM_GLOSSARIES="$TP_SOURCE_DIR/glossaries" run --db "$SEEDED" undo
expect_rc 1
expect_err "nothing to undo"
run --db "$SEEDED" show iturup
expect_rc 0
expect_out "Iturup"
run --db "$SEEDED" add --id habomai en:Habomai
expect_rc 0
run --db "$SEEDED" undo
expect_out "undone: add habomai"
run --db "$SEEDED" undo
expect_rc 1
run --db "$SEEDED" lookup --no-fuzzy Iturup
expect_rc 0

# Usage errors.
run --db "$DB" add en
expect_rc 2
run --db "$DB" add "xx-!:Foo"
expect_rc 2
expect_err "unknown language code"
run --db "$DB" add "en:Foo;status=sometimes"
expect_rc 2
run --db "$DB" edit nowhere --note x
expect_rc 1
run --db "$DB" show '#zero'
expect_rc 2

done_testing
