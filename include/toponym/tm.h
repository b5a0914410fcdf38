/* toponym — the translation memory: translation units with their variants in every language, kept
 * in the store, and the matching that finds them again (exact, fuzzy, concordance, pivot).
 *
 * A unit holds one variant per TUV, each in its own language; nothing is "source" or "target" by
 * position. Inline markup (TMX level 2) is kept verbatim beside the plain text that matching uses. */
#ifndef TOPONYM_TM_H
#define TOPONYM_TM_H

#include <stdint.h>
#include "toponym/error.h"
#include "toponym/norm.h"
#include "toponym/store.h"

#ifdef __cplusplus
extern "C" {
#endif

/* An XML attribute kept as it was written (name and value UTF-8). */
typedef struct tp_tm_attr {
    char *name;
    char *value;
} tp_tm_attr;

typedef enum tp_tm_meta_kind {
    TP_TM_PROP = 1,       /* <prop type="...">; stored by value: never renumber */
    TP_TM_NOTE = 2        /* <note> */
} tp_tm_meta_kind;

/* A prop or a note of a header, a unit or a variant. */
typedef struct tp_tm_meta {
    tp_tm_meta_kind kind;
    char *type;           /* prop type, or NULL (notes; a prop written without one) */
    char *lang;           /* xml:lang of the prop or note, or NULL */
    char *encoding;       /* o-encoding, or NULL */
    char *text;           /* the content, never NULL */
} tp_tm_meta;

typedef struct tp_tm_variant {
    int64_t id;           /* store row id, 0 before it is stored */
    char *lang;           /* the language tag as written (xml:lang, or TMX 1.1 lang) */
    char *text;           /* plain text: inline codes left out, <hi> content kept; never NULL */
    char *markup;         /* the <seg> content as XML when it has inline elements, else NULL */
    char *codes;          /* the inline codes in order ("bpt:1 ph ept:1"), or NULL when none */
    char *fold;           /* the normalised text the index is built on, as stores of format 7
                             kept it; NULL otherwise (tp_norm_fold of text gives it) */
    tp_tm_attr *attrs;    /* every attribute of <tuv> but the language */
    size_t attr_count;
    tp_tm_meta *meta;
    size_t meta_count;
    unsigned long line;   /* where the <tuv> starts in its file, 0 when not read from one */
} tp_tm_variant;

typedef struct tp_tm_unit {
    int64_t id;           /* store row id, 0 before it is stored */
    char *srclang;        /* effective source language (the tu's, else the header's), "*all*",
                             or NULL */
    tp_tm_attr *attrs;    /* every attribute of <tu> as written (tuid, dates, srclang, ...) */
    size_t attr_count;
    tp_tm_meta *meta;
    size_t meta_count;
    tp_tm_variant *variants; /* grown by tp_tm_unit_add_variant only (it keeps spare room) */
    size_t variant_count;
    unsigned long line;   /* where the <tu> starts, 0 when not read from a file */
} tp_tm_unit;

/* A new, empty unit, or NULL when out of memory. Freed with tp_tm_unit_free(); NULL is a no-op. */
tp_tm_unit *tp_tm_unit_new(void);
void tp_tm_unit_free(tp_tm_unit *u);

/* Appends an empty variant in lang (copied); *out points into the unit until the next append. */
tp_status tp_tm_unit_add_variant(tp_tm_unit *u, const char *lang, tp_tm_variant **out,
                                 tp_error *err);

/* Appends a copy of an attribute, or of a prop or note, to the given arrays. */
tp_status tp_tm_attr_add(tp_tm_attr **attrs, size_t *count, const char *name, const char *value,
                         tp_error *err);
tp_status tp_tm_meta_add(tp_tm_meta **meta, size_t *count, const tp_tm_meta *m, tp_error *err);

/* The value of the named attribute, or NULL. Borrowed from the array. */
const char *tp_tm_attr_get(const tp_tm_attr *attrs, size_t count, const char *name);

/* Nonzero when language tag tag meets want: case-insensitive, and BCP 47 fallback in both
 * directions on whole subtags ("ja" meets "ja-JP", "EN-us" meets "en-US"; "e" does not meet "en"). */
int tp_tm_lang_meets(const char *tag, const char *want);

/* The first variant of u whose language meets lang, or NULL. Borrowed from the unit. */
const tp_tm_variant *tp_tm_unit_variant(const tp_tm_unit *u, const char *lang);

/* ---- The memory in the store. All of these leave the store unchanged on failure. ---- */

/* Records a TMX header (the file it came from, its attributes, props and notes) and gives its id,
 * to which the units read with it are linked. */
typedef struct tp_tm_header {
    char *version;        /* tmx@version ("1.4"), or NULL */
    tp_tm_attr *attrs;
    size_t attr_count;
    tp_tm_meta *meta;
    size_t meta_count;
} tp_tm_header;

tp_status tp_store_tm_add_header(tp_store *store, const tp_tm_header *h, const char *source,
                                 int64_t *id, tp_error *err);

/* Adds a unit with its variants, props and notes, and indexes each variant's normalised text.
 * A unit that holds the same texts in the same languages as a stored one is not added again:
 * *merged (may be NULL) is set to 1 and u->id to the stored unit's id. header_id may be 0. */
tp_status tp_store_tm_add_unit(tp_store *store, tp_tm_unit *u, int64_t header_id, int *merged,
                               tp_error *err);

/* Reads the unit with row id id. *out is freed by the caller (tp_tm_unit_free). */
tp_status tp_store_tm_get_unit(tp_store *store, int64_t id, tp_tm_unit **out, tp_error *err);

/* Calls fn for every unit in the order they were added. The unit is borrowed for the call; a
 * status other than TP_OK stops the walk and is returned. */
typedef tp_status (*tp_tm_unit_fn)(void *ctx, const tp_tm_unit *u, tp_error *err);
tp_status tp_store_tm_each_unit(tp_store *store, tp_tm_unit_fn fn, void *ctx, tp_error *err);

/* Counts of units and variants. */
tp_status tp_store_tm_count(tp_store *store, long *units, long *variants, tp_error *err);

/* ---- Probes: the store's side of matching (tm_match.c). A nonzero return from the callback
 * stops the probe early. ---- */

typedef int (*tp_tm_posting_fn)(void *ctx, int64_t variant_id, int64_t unit_id);

/* Variants indexed under one n-gram hash (made by the library's n-gram function), at most
 * limit of them. */
tp_status tp_store_tm_probe_gram(tp_store *store, uint64_t gram, size_t limit,
                                 tp_tm_posting_fn fn, void *ctx, tp_error *err);

/* How many variants are indexed under one n-gram hash, counted until limit is reached (so
 * *count may pass it by a chunk's worth); cheaper than reading them. */
tp_status tp_store_tm_gram_size(tp_store *store, uint64_t gram, size_t limit, size_t *count,
                                tp_error *err);

/* The highest unit id: about the memory's size in units, at the cost of one probe. */
tp_status tp_store_tm_last_unit(tp_store *store, int64_t *id, tp_error *err);

/* Variants whose language's primary subtag is lang ("ja") and whose folded text is fold. */
tp_status tp_store_tm_probe_fold(tp_store *store, const char *lang, const char *fold,
                                 tp_tm_posting_fn fn, void *ctx, tp_error *err);

/* The folded text of a variant; *fold is freed by the caller. TP_ERR_NOTFOUND when none. */
tp_status tp_store_tm_variant_fold(tp_store *store, int64_t variant_id, char **fold,
                                   tp_error *err);

/* The plain text of a variant, whether it has inline codes, and its unit, without reading the
 * whole unit (for scoring candidates). *text is freed by the caller. TP_ERR_NOTFOUND when none. */
tp_status tp_store_tm_variant_text(tp_store *store, int64_t variant_id, int64_t *unit_id,
                                   char **text, int *has_codes, tp_error *err);

/* ---- Matching ---- */

typedef enum tp_tm_match_kind {
    TP_TM_EXACT = 1,      /* the same text; a small penalty when inline codes differ */
    TP_TM_FUZZY = 2,      /* similar text, scored by token and character edit distance */
    TP_TM_PIVOT = 3       /* found in another unit that shares the pivot language's text */
} tp_tm_match_kind;

typedef enum tp_tm_diff_op {
    TP_DIFF_SAME = 0,     /* in both the segment and the memory */
    TP_DIFF_SEGMENT = 1,  /* only in the segment being translated */
    TP_DIFF_MEMORY = 2    /* only in the memory's text */
} tp_tm_diff_op;

typedef struct tp_tm_diff {
    tp_tm_diff_op op;
    char *text;           /* a token (word, punctuation) */
} tp_tm_diff;

typedef struct tp_tm_match {
    tp_tm_unit *unit;     /* the unit that matched, owned by the match set */
    size_t source;        /* index of the variant that matched the segment */
    const tp_tm_variant *target; /* the translation: in unit, or in pivot_unit; NULL if none */
    tp_tm_unit *pivot_unit; /* for TP_TM_PIVOT: the unit the target comes from, else NULL */
    tp_tm_match_kind kind;
    int score;            /* 0-100 */
    tp_tm_diff *diff;     /* word-level diff of the segment against the source variant */
    size_t diff_count;
} tp_tm_match;

typedef struct tp_tm_matches {
    size_t count;
    tp_tm_match *items;   /* best first */
} tp_tm_matches;

typedef struct tp_tm_match_opts {
    const char *from;     /* the segment's language (BCP 47); NULL: any */
    const char *to;       /* the language wanted; NULL: any other than from */
    const char *pivot;    /* pivot language when no unit holds both; NULL means "en" */
    int min_score;        /* matches below are dropped; 0 means 50 */
    size_t limit;         /* most matches returned; 0 means 5 */
} tp_tm_match_opts;

/* Finds translation units for segment (UTF-8, len bytes): exact matches first, then fuzzy ones,
 * from the candidates the n-gram index gives (never a scan). With from and to set and no unit
 * holding both, units are paired through the pivot language's text. The store is not changed.
 * *out is freed by the caller (tp_tm_matches_free). */
tp_status tp_tm_find(tp_store *store, tp_norm *norm, const char *segment, size_t len,
                     const tp_tm_match_opts *opts, tp_tm_matches **out, tp_error *err);
void tp_tm_matches_free(tp_tm_matches *m);

/* "exact", "fuzzy", "pivot". Static. */
const char *tp_tm_match_kind_name(tp_tm_match_kind kind);

/* A concordance hit: a unit whose variant in lang contains the text once normalised. */
typedef struct tp_tm_hit {
    tp_tm_unit *unit;     /* owned by the hit set */
    size_t variant;       /* index of the variant that holds the text */
    size_t start, end;    /* byte range of the hit in that variant's text; start == end when the
                             hit cannot be placed in the original text */
} tp_tm_hit;

typedef struct tp_tm_hits {
    size_t count;
    tp_tm_hit *items;     /* in the order the units were added */
} tp_tm_hits;

/* Every unit (at most limit; 0 means 100) with a variant containing text after folding (case,
 * width, kana), in language lang (NULL: any). Text needs two characters at least (one Japanese
 * name of two kanji is enough). *out is freed by the caller (tp_tm_hits_free). */
tp_status tp_tm_concordance(tp_store *store, tp_norm *norm, const char *text, size_t len,
                            const char *lang, size_t limit, tp_tm_hits **out, tp_error *err);
void tp_tm_hits_free(tp_tm_hits *h);

/* A glossary term found in a segment, with the entry's preferred form in the wanted language. */
typedef struct tp_tm_term {
    char *found;          /* the text in the segment */
    size_t start, end;    /* its byte range in the segment */
    char *concept;        /* the entry's ext_id, or NULL */
    char *preferred;      /* the preferred term in the wanted language, or NULL if none */
    char *preferred_lang;
} tp_tm_term;

typedef struct tp_tm_terms {
    size_t count;
    tp_tm_term *items;    /* in segment order */
} tp_tm_terms;

/* The glossary's place names in segment (any spelling the lookup knows), longest first, without
 * overlap; to is the language whose preferred form is wanted (NULL: "en"). *out is freed by the
 * caller (tp_tm_terms_free). The store is not changed. */
tp_status tp_tm_terms_in(tp_store *store, tp_norm *norm, const char *segment, size_t len,
                         const char *to, tp_tm_terms **out, tp_error *err);
void tp_tm_terms_free(tp_tm_terms *t);

#ifdef __cplusplus
}
#endif
#endif
