/* The checker's insides, shared by its files: check.c (matcher, tokenizer, findings),
 * check_read.c (the text, Markdown, HTML and XML readers), check_ru.c (Russian inflection) and
 * check_rules.c (the house style file). Internal. */
#ifndef TP_CHECK_INT_H
#define TP_CHECK_INT_H

#include <stdint.h>
#include "buf_int.h"
#include "toponym/store.h"
#include "toponym/check.h"

/* ---- Russian inflection (check_ru.c) ---- */

/* How a word of a Russian term may change in running text. */
typedef enum tp_ru_class {
    TP_RU_EXACT = 0,   /* never inflected here: foreign names, frozen genitives, non-Russian */
    TP_RU_NOUN_HARD,   /* Итуруп, Курильск, остров(а), Камчатка, Курилы */
    TP_RU_NOUN_SOFT,   /* край, область, Россия */
    TP_RU_NOUN_MORE,   /* море, Приморье: neuter in -е */
    TP_RU_ADJ          /* Курильские, Южные, Кунаширский */
} tp_ru_class;

/* Classifies one folded word of a Russian term (lower case, UTF-8). noun_seen says whether an
 * earlier word of the term was a noun: later nouns are frozen (пролив Лаперуза, острова
 * Хабомаи). Sets *cls and *is_noun and returns the stem's length in bytes. */
size_t tp_ru_term_word(const char *word, size_t len, int noun_seen, tp_ru_class *cls,
                       int *is_noun);

/* The stems a folded Cyrillic word of running text may have: its own length first, then shorter
 * ones where what is cut off is a known ending. Writes at most 4 byte lengths; returns how many. */
size_t tp_ru_stems(const char *word, size_t len, size_t stems[4]);

/* Nonzero when ending (UTF-8, len bytes; "" for none) is one that class takes. */
int tp_ru_ending_ok(tp_ru_class cls, const char *ending, size_t len);

/* ---- the reader's calls into the checker (check.c) ---- */

/* Text of the source at line, column (1-based, code points): every code point takes one
 * column. */
tp_status tp_check_text_at(tp_check_doc *doc, const char *text, size_t len, unsigned long line,
                           unsigned long column);
/* One code point that stands for width columns of source (a decoded entity). */
tp_status tp_check_cp_at(tp_check_doc *doc, uint32_t cp, unsigned long line, unsigned long column,
                         unsigned long width);
/* Skipped source (markup, code): no name runs across it. sentence also ends the sentence. */
void tp_check_gap(tp_check_doc *doc, int sentence);
/* `toponym: disable RULE...` (enable = 0) or `enable` in a comment at line, column; rules is a
 * space-separated list, empty for every rule. */
tp_status tp_check_suppress(tp_check_doc *doc, int enable, const char *rules, size_t len,
                            unsigned long line, unsigned long column);
/* The document's own language declaration (the first one counts). */
void tp_check_declare_lang(tp_check_doc *doc, const char *lang, size_t len);

/* Bilingual documents (XLIFF, TMX). A segment's text starts: role TP_SEG_SOURCE or
 * TP_SEG_TARGET, in language lang (a BCP 47 tag, may be empty); TP_SEG_NONE ends it. Text outside
 * segments is not checked. */
enum { TP_SEG_NONE = 0, TP_SEG_SOURCE = 1, TP_SEG_TARGET = 2 };
void tp_check_segment(tp_check_doc *doc, int role, const char *lang);
/* The translation unit (XLIFF 1.2 trans-unit, XLIFF 2 segment, TMX tu) ends: its source and
 * target segments are compared term by term (the key-term check). */
void tp_check_unit_end(tp_check_doc *doc);

/* ---- the readers (check_read.c) ---- */

/* Nested XLIFF elements' translate attribute: bit i is level i's, 1 for "no" (levels past 64
 * take the 64th's). */
typedef struct tp_translate_stack {
    uint64_t bits;
    unsigned depth;
} tp_translate_stack;

/* A line, or the end of one, held back by the Markdown reader while a code span is open. */
typedef struct tp_held {
    unsigned long line, col;   /* where the held text starts */
    size_t off, len;           /* its bytes in tp_reader.hold */
} tp_held;

typedef struct tp_reader {
    tp_check_format format;
    int state;              /* the format's state between lines (in a tag, comment, fence) */
    int fence_char;         /* Markdown fence: '`' or '~' */
    size_t fence_len;
    int prev_blank;         /* Markdown: the previous line was blank */
    int in_list;            /* Markdown: the paragraph is a list */
    int skip_depth;         /* HTML: open <code>/<pre> elements */
    char raw_end[16];       /* HTML: the end tag of the raw text element being skipped */
    tp_buf tag;             /* HTML/XML: the tag or comment being read */
    unsigned long tag_line, tag_col;
    /* bilingual XML: what its root said, and where in a unit the reader is */
    int root_seen;
    int bilingual;          /* 0, or the root's kind (BI_* in check_read.c) */
    int in_seg;             /* inside a source or target (a TMX <seg>) */
    int code_depth;         /* inside inline native code (bpt, ept, it, ph, ut): not text */
    int aside_depth;        /* XLIFF alt-trans, seg-source: text that is no segment of the unit */
    /* XLIFF content not to be translated is not read: translate="no" on file, group, unit or
     * trans-unit (inherited; "yes" inside turns it back on), on <mrk> (or 1.2's
     * mtype="protected"), between <sm translate="no"/> and its <em/>, and <ignorable> */
    tp_translate_stack units;   /* file, group, unit, trans-unit */
    tp_translate_stack marks;   /* mrk */
    char sm_ids[8][16];         /* open <sm translate="no"> markers */
    int sm_open;                /* how many (more than 8: the later ones have no id kept) */
    int ignorable_depth;
    int tuv_first;          /* TMX: the next <seg> is its unit's first */
    char src_lang[16], trg_lang[16];  /* the file's (TMX: the header's srclang) */
    char unit_src[16];      /* TMX: the unit's srclang */
    char seg_lang[16];      /* TMX: the <tuv>'s language */
    /* Markdown: an open code span (its backtick run) and the text held back since it opened */
    size_t span_run;
    int span_overflow;      /* too much to hold: the span will be taken as text */
    tp_buf hold;
    tp_held held[64];
    size_t held_count;
} tp_reader;

/* Reads one line (without its newline; len bytes of valid UTF-8) of source line number line. */
tp_status tp_reader_line(tp_reader *r, tp_check_doc *doc, const char *s, size_t len,
                         unsigned long line);
/* The document ends: text still held back is read. */
tp_status tp_reader_end(tp_reader *r, tp_check_doc *doc);
/* Nonzero while the reader holds lines back (their newlines are then its to give). */
int tp_reader_holding(const tp_reader *r);
void tp_reader_free(tp_reader *r);

/* ---- the house style (check_rules.c) ---- */

typedef enum tp_rule_kind {
    TP_RULE_FORBID = 1,     /* the phrase must not be used */
    TP_RULE_SUBSTITUTE,     /* the phrase must be replaced by `replace` */
    TP_RULE_GLOSS_FIRST     /* the first `find` must have a `with` in its sentence */
} tp_rule_kind;

typedef struct tp_rule {
    char *id;
    tp_rule_kind kind;
    tp_severity severity;
    char *message;          /* or NULL */
    char *replace;          /* or NULL */
    unsigned long line;     /* where the rule starts in its file */
    char **bad, **good;     /* the rule's own examples */
    size_t bad_count, good_count;
} tp_rule;

/* What the house style file sets; owned by the checker. */
typedef struct tp_house {
    tp_rule *rules;
    size_t rule_count;
    tp_severity builtin[16];   /* by index in tp_check_rules; 0 = the default */
    int russian_scheme;        /* tp_scheme: TP_SCHEME_BGN_PCGN, TP_SCHEME_ISO9 or 0 */
    int japanese_macrons;      /* 1 wants macrons, 0 does not, -1 no preference */
    char **preferred;          /* [preferred] terms: the house's suggestion for their place */
    size_t preferred_count;
    unsigned long preferred_line;
} tp_house;

/* A rule's phrase, handed back to the checker to add to its rule matcher: role 0 is `find`,
 * 1 is `with`. */
typedef tp_status (*tp_rule_phrase_fn)(void *ctx, size_t rule, int role, const char *phrase,
                                       tp_error *err);

/* Parses a house style file into *house (zeroed by the caller), calling fn for each phrase. */
tp_status tp_house_parse(const char *path, tp_house *house, tp_rule_phrase_fn fn, void *ctx,
                         tp_error *err);
void tp_house_free(tp_house *house);

/* ---- the matcher (check.c), built from the store or loaded from its image there
 * (check_cache.c) ---- */

#define NONE32 UINT32_MAX
#define MAX_WORDS 8          /* longest term, in words, the matcher takes */
#define JA_TERM_MAX 32       /* longest Japanese term, in characters */

/* Strings that live as long as the checker (check.c: arena_dup). */
typedef struct arena_block {
    struct arena_block *next;
    size_t used, cap;
    char data[];
} arena_block;

/* An open-addressing hash of 64-bit keys to chains of hits. */
typedef struct slot {
    uint64_t key;      /* 0: empty */
    uint32_t head;     /* first hit, or NONE32 */
    uint32_t prefix;   /* nonzero: a longer term starts with this window */
} slot;

typedef struct mtable {
    slot *slots;
    size_t cap, used;
} mtable;

/* A term a window's hash leads to. Its words are here too, so that checking a hit does not
 * have to load the term (with 200,000 terms every load is a cache miss). */
#define HIT_STEM 15           /* bytes of a term's last word kept in its hit (32-byte hits) */

typedef struct hit {
    uint32_t term;
    uint32_t next;
    uint32_t word0;    /* the term's first word in words[] */
    uint8_t nwords;
    uint8_t last_len;  /* the last word's stem length when it fits in last_stem, else 0xFF */
    uint8_t last_cls;  /* the last word's tp_ru_class */
    uint8_t loud;      /* matching the term may give a finding or evidence (a status other
                          than preferred or admitted, a name of one side, a BGN/PCGN
                          spelling); a quiet one is only counted, without loading more */
    uint8_t caps;      /* the term's mterm.caps */
    char last_stem[HIT_STEM];
} hit;

typedef struct mword {
    const char *stem;   /* folded; a Russian word's stem without its ending */
    uint16_t len;
    uint8_t cls;        /* tp_ru_class */
} mword;

typedef struct mterm {
    uint32_t concept;   /* index in concepts, or NONE32 for a house rule's phrase */
    uint32_t word0;     /* first of its words in words[] (Latin, Cyrillic) */
    int32_t rule;       /* house rule index for a rule's phrase, else -1 */
    uint8_t nwords;
    uint8_t status;     /* tp_term_status */
    uint8_t side;
    uint8_t script;
    uint8_t role;       /* rule phrase: 0 find, 1 with */
    uint8_t bgn;        /* a Latin form that is also the BGN/PCGN romanisation */
    uint8_t lang_rank;  /* 0 for en, ru, ja; 1 for a -Latn romanisation */
    uint8_t caps;       /* bit i: word i must begin with a capital in the text (a glossary term
                           of several words whose word i does) */
    int64_t id;         /* store row id */
    const char *text;
    const char *lang;
    const char *usage;
    const char *key;    /* folded words joined by spaces, or the folded Japanese string */
} mterm;

typedef struct mconcept {
    const char *ext_id;
    int64_t id;
    uint32_t preferred[3];   /* preferred term per script (en, ru, ja), or NONE32 */
    uint8_t sides[3];        /* bit per side used by its terms, per script */
} mconcept;

typedef struct vec {
    void *items;
    size_t count, cap, size;
} vec;

#define VEC(type) {NULL, 0, 0, sizeof(type)}
#define AT(v, type, i) (((type *)(v).items)[i])

struct tp_checker {
    tp_store *store;
    tp_norm *norm;
    arena_block *arena;
    vec terms, words, concepts, hits;
    mtable word_tab;    /* Latin and Cyrillic word windows */
    mtable ja_tab;      /* Japanese strings */
    mtable rule_tab;    /* the house rules' phrases (rebuilt on every load) */
    mtable by_id;       /* store term id -> term index; made when first needed */
    mtable house_pref;  /* concept and script -> the term the house style prefers */
    mtable macron;      /* folded word -> term whose text writes it with a macron */
    uint64_t *bloom;    /* one-deletion hashes of the terms, for the misspelling check: a blocked
                           filter, both bits of a hash in one word (one cache miss a hash) */
    size_t bloom_words; /* a power of two */
    uint8_t lengths[2]; /* bit n-1: a Latin (0) or Cyrillic (1) term has n words, n <= 8 */
    uint64_t no_typo[4096]; /* hashes of word sequences lately found to be no misspelling: text
                               repeats its capitalised words, the check need not */
    unsigned max_words, ja_max;
    tp_house house;
};

/* The matcher's image in the store: what tp_checker_new builds from the glossary (terms,
 * words, concepts, hits, the hash tables, the misspelling filter), saved so that the next
 * checker of an unchanged glossary loads it instead of building it. */
#define TP_MATCHER_IMAGE "check-matcher"
/* Glossaries smaller than this are built each time: quicker than a write to the store. */
#define TP_MATCHER_IMAGE_MIN_TERMS 2000

/* Memory for a large array probed at random (hash tables, hits): on huge pages where the
 * system has them. Not zeroed; freed with free(). */
void *tp_check_table_alloc(size_t n);

/* Fills a checker that holds no terms yet from an image of len bytes. On TP_ERR_INPUT (an image
 * of another layout or build, or damaged) or any other failure the checker holds no terms again
 * and may be built from the store. */
tp_status tp_matcher_load(tp_checker *ck, tp_store_image *image, size_t len);
/* Saves the checker's matcher, built from the glossary at stamp, as its image in the store (best
 * effort: see tp_store_image_save). Call before any house style is loaded. */
tp_status tp_matcher_save(tp_checker *ck, int64_t stamp, tp_error *err);

#endif
