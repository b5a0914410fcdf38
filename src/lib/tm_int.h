/* What the translation-memory files share beyond tm.h: language subtags, the n-grams of the
 * candidate index, and the segment limits. Internal to the library. */
#ifndef TP_TM_INT_H
#define TP_TM_INT_H

#include <stddef.h>
#include <stdint.h>
#include "toponym/tm.h"

/* Longest segment text accepted, in bytes: far beyond any sentence, and it bounds the work of
 * folding, indexing and scoring one segment. Longer segments are a semantic problem. */
#define TP_TM_SEGMENT_MAX ((size_t)256 * 1024)

/* A unit holds at most TP_TM_VARIANTS_MAX variants (far more than there are languages): a
 * variant's id in the store is its unit's id times TP_TM_VARIANT_SPAN plus its place. */
#define TP_TM_VARIANTS_MAX 4096
#define TP_TM_VARIANT_SPAN 4097

/* Most distinct n-grams indexed for one variant. */
#define TP_TM_GRAMS_MAX 2048

/* A gram's index list is named by its hash's top 50 bits (store_tm.c): grams are distinct when
 * these differ, so that no list gets one variant twice. */
#define TP_TM_GRAM_LIST_SHIFT 13

/* The primary language subtag of tag, lower-cased, into out (at most 15 characters; "" for
 * NULL or "*all*"). */
void tp_tm_lang_base(const char *tag, char out[16]);

/* A 63-bit hash (FNV-1a; fits SQLite's signed integers). */
uint64_t tp_tm_hash(const char *s, size_t n, uint64_t seed);
#define TP_TM_HASH_SEED 0xcbf29ce484222325ULL

/* *ha = tp_tm_hash(a, na, *ha) and *hb = tp_tm_hash(b, nb, *hb), made side by side: a hash
 * is a chain of multiplications, each waiting for the one before, and two chains overlap. */
void tp_tm_hash_pair(const char *a, size_t na, uint64_t *ha, const char *b, size_t nb,
                     uint64_t *hb);

/* Sorts n integers in ascending order (a sentence's grams, a unit's keys: short arrays, where
 * qsort's call a comparison costs more than the sort). */
void tp_tm_sort_u64(uint64_t *a, size_t n);

typedef enum tp_gram_mode {
    TP_GRAMS_INDEX,       /* what a stored variant is indexed by */
    TP_GRAMS_PROBE        /* what a concordance query must share with every hit */
} tp_gram_mode;

/* The n-grams of folded text in language base lang (see tp_tm_lang_base): for Han and kana,
 * every pair of neighbouring characters (a lone character on its own), so that a name of two
 * kanji is found; for words of other scripts, the word's first four characters, and in INDEX
 * mode also the whole word when longer. Each gram is hashed with the language, so posting lists
 * are per language. *out (sorted, distinct (TP_TM_GRAM_LIST_SHIFT); malloc'd, may be NULL when
 * *count is 0) is freed by the caller. */
tp_status tp_tm_grams(const char *fold, const char *lang, tp_gram_mode mode, uint64_t **out,
                      size_t *count);

/* tp_tm_grams into a buffer the caller keeps from one call to the next: *buf (malloc'd, *cap
 * elements; both may start as NULL and 0) is grown as needed and stays the caller's, also on
 * failure. The same grams, but not sorted unless there are many (what indexing a variant
 * needs). */
tp_status tp_tm_grams_into(const char *fold, const char *lang, tp_gram_mode mode, uint64_t **buf,
                           size_t *cap, size_t *count);

/* A unit made ready to be written: its variants' folded text, its packed row, content hash and
 * index entries (store_tm.c). Making one touches no table, and folds with the normaliser it is
 * given, so a thread may make it while another writes to the store; the large import makes
 * them on whichever of its two threads has time, each thread with a normaliser of its own
 * (tmx.c). A tp_tm_prep keeps its buffers from one unit to the next. */
typedef struct tp_tm_prep tp_tm_prep;

/* A new, empty tp_tm_prep, or NULL when out of memory; tp_tm_prep_free(NULL) is a no-op. */
tp_tm_prep *tp_tm_prep_new(void);
void tp_tm_prep_free(tp_tm_prep *p);

/* Frees the buffers a very large unit left in p. */
void tp_tm_prep_trim(tp_tm_prep *p);

/* Makes u ready in p, folding with norm (NULL: the store's normaliser, only for the thread that
 * may use it). TP_ERR_ARG for a unit the store does not take (no variants, too many, a variant
 * without language or text). u is borrowed; p holds nothing of it. */
tp_status tp_tm_prep_make(tp_tm_prep *p, tp_store *store, tp_norm *norm, const tp_tm_unit *u,
                          tp_error *err);

/* tp_store_tm_add_unit for a unit made ready in p by tp_tm_prep_make (u must not have changed
 * since); p may be made again afterwards. */
tp_status tp_store_tm_add_prepared(tp_store *store, tp_tm_unit *u, tp_tm_prep *p,
                                   int64_t header_id, int *merged, tp_error *err);

#endif
