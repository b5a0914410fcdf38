/* toponym — the cross-script normaliser.
 *
 * It turns a term or a query into match keys so that every spelling of one name meets: Unicode
 * folding (NFKC, case, width, kana, dashes, apostrophes, diacritics), Japanese romanisation keys
 * (Hepburn, Kunrei, Nihon-shiki, passport and wāpuro spellings; kana; kanji through readings) and
 * Russian romanisation keys (Cyrillic and BGN/PCGN, ISO 9, GOST, ICAO, ALA-LC and press spellings). */
#ifndef TOPONYM_NORM_H
#define TOPONYM_NORM_H

#include <stdint.h>
#include "toponym/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A normaliser: ICU transforms and a MeCab tagger, built once and reused. Not thread-safe: use
 * one per thread. */
typedef struct tp_norm tp_norm;

/* The kinds of key, in the order lookups rank them. Stored in the store: never renumber. */
typedef enum tp_key_kind {
    TP_KEY_EXACT = 1,   /* the text in NFC: meets only the same spelling */
    TP_KEY_FOLD = 2,    /* NFKC, case, width, kana, dash, apostrophe and diacritic folding */
    TP_KEY_JA = 3,      /* Japanese romanisation key (from Latin or kana) */
    TP_KEY_RU = 4,      /* Russian romanisation key (from Latin or Cyrillic) */
    TP_KEY_JA_READING = 5, /* Japanese key made from a kanji reading (the entry's, or MeCab's) */
    TP_KEY_PART = 6     /* a later name part of the fold key ("kurilsk" of "yuzhno kurilsk") */
} tp_key_kind;

typedef struct tp_key {
    tp_key_kind kind;
    char *text; /* NUL-terminated UTF-8, owned by the key set */
} tp_key;

/* A set of distinct keys. Made by tp_norm_keys(), freed with tp_keyset_free(). */
typedef struct tp_keyset {
    size_t count;
    tp_key *keys;
} tp_keyset;

/* Makes a normaliser. MeCab's dictionary is optional: without it kanji get no reading-derived
 * keys unless one is given. MeCab is started when a reading is first needed, not here. On
 * success *out is owned by the caller (tp_norm_free). */
tp_status tp_norm_new(tp_norm **out, tp_error *err);

/* Frees a normaliser. NULL is a no-op. */
void tp_norm_free(tp_norm *norm);

/* Nonzero when MeCab with a dictionary is available for kanji readings. */
int tp_norm_has_readings(const tp_norm *norm);

/* Folds text (UTF-8, len bytes): NFKC with case folding, katakana for hiragana, one apostrophe
 * and one separator for their families, Latin diacritics removed, ё as е, spaces collapsed and
 * trimmed. *out is NUL-terminated and freed by the caller with free(). */
tp_status tp_norm_fold(tp_norm *norm, const char *text, size_t len, char **out, tp_error *err);

/* Computes every key of a term or a query: fold, the name-part suffixes of the fold key, and the
 * romanisation keys (TP_KEY_EXACT is not made: the exact text is compared directly). lang is a BCP 47 tag ("en", "ja", "ru-Latn") or NULL
 * for a query of unknown language: then the script decides which romanisation keys are made
 * (Latin text gets both Japanese and Russian keys). reading is the kana reading of a Japanese
 * term, or NULL: then kanji are read by MeCab. *out is freed by the caller (tp_keyset_free).
 * Invalid UTF-8 gives TP_ERR_INPUT; empty text gives TP_ERR_ARG. */
tp_status tp_norm_keys(tp_norm *norm, const char *text, size_t len, const char *lang,
                       const char *reading, tp_keyset **out, tp_error *err);

/* Frees a key set. NULL is a no-op. */
void tp_keyset_free(tp_keyset *set);

/* The kana reading of text as MeCab gives it (katakana), or TP_ERR_DEPENDENCY without MeCab.
 * *out is freed by the caller. Kana and other characters pass through. */
tp_status tp_norm_reading(tp_norm *norm, const char *text, size_t len, char **out, tp_error *err);

/* Hashes of a fold key and of each variant of it with one character deleted: two keys within a
 * small edit distance share one. Keys shorter than 4 or longer than 40 characters, and keys with
 * kanji (one kanji apart is another name), get none. *out (malloc'd, *count entries) is freed by
 * the caller; it may be NULL when *count is 0. */
tp_status tp_norm_fuzzy_hashes(const char *key, uint64_t **out, size_t *count, tp_error *err);

/* The edit distance (Damerau: adjacent transpositions count one) between two keys, in code
 * points, or a value above max as soon as it exceeds max. */
unsigned tp_norm_distance(const char *a, const char *b, unsigned max);

/* The name of a key kind ("exact", "fold", "ja", "ru", "ja-reading", "part"). Static. */
const char *tp_key_kind_name(tp_key_kind kind);

#ifdef __cplusplus
}
#endif
#endif
