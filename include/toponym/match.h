/* toponym — lookup: from any spelling of a place name to its concepts, ranked.
 *
 * A query is normalised into keys (see norm.h), each key is probed in the store's indexes, and
 * the concepts found are ranked: exact > folded > romanisation-equivalent > reading-derived >
 * name-part prefix > fuzzy (a small edit distance, for typos). */
#ifndef TOPONYM_MATCH_H
#define TOPONYM_MATCH_H

#include "toponym/concept.h"
#include "toponym/norm.h"
#include "toponym/store.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum tp_match_kind {
    TP_MATCH_EXACT = 1,   /* the same text (NFC)                               score 100 */
    TP_MATCH_FOLD,        /* the same after folding (case, width, kana, marks)  score 95 */
    TP_MATCH_ROMAN,       /* another romanisation or script of the same name    score 85 */
    TP_MATCH_READING,     /* met through a kanji reading                        score 75 */
    TP_MATCH_PREFIX,      /* the query begins the name or one of its parts      score 60 */
    TP_MATCH_FUZZY        /* within a small edit distance                       score 50, 40 */
} tp_match_kind;

typedef struct tp_match {
    tp_concept *concept;  /* owned by the match set */
    int score;            /* 0-100 */
    tp_match_kind kind;
    size_t term;          /* index in concept->terms of the term that matched */
    unsigned distance;    /* edit distance for fuzzy matches, else 0 */
} tp_match;

typedef struct tp_matches {
    size_t count;
    tp_match *items;      /* best first */
} tp_matches;

enum {
    TP_LOOKUP_NO_PREFIX = 1 << 0,
    TP_LOOKUP_NO_FUZZY = 1 << 1
};

typedef struct tp_lookup_opts {
    const char *lang;     /* the query's language (en, ja, ru) or NULL: only that language's
                             romanisation rules are applied */
    size_t limit;         /* most concepts returned; 0 means 10 */
    unsigned flags;       /* TP_LOOKUP_* */
} tp_lookup_opts;

/* Looks up query (UTF-8, len bytes). opts may be NULL. On success *out holds zero or more
 * matches (freed by the caller with tp_matches_free); the store is not changed. Invalid UTF-8
 * and oversized queries give TP_ERR_INPUT, an empty query TP_ERR_ARG. */
tp_status tp_lookup(tp_store *store, tp_norm *norm, const char *query, size_t len,
                    const tp_lookup_opts *opts, tp_matches **out, tp_error *err);

void tp_matches_free(tp_matches *m);

/* Completions of what a user has typed so far (for the REPL's Tab key). */
typedef struct tp_completions {
    size_t count;
    char **items;         /* distinct term texts, owned by the set */
} tp_completions;

/* Distinct names whose keys begin with prefix (UTF-8, len bytes), at most limit (0: 50), those
 * that begin with it letter for letter first. Names are offered in the script typed: Latin for
 * Latin, Cyrillic for Cyrillic, kana readings and kanji for kana. *out is freed by the caller
 * with tp_completions_free(); the store is not changed. */
tp_status tp_complete(tp_store *store, tp_norm *norm, const char *prefix, size_t len,
                      size_t limit, tp_completions **out, tp_error *err);

void tp_completions_free(tp_completions *c);

/* "exact", "fold", "romanisation", "reading", "prefix", "fuzzy". Static. */
const char *tp_match_kind_name(tp_match_kind kind);

#ifdef __cplusplus
}
#endif
#endif
