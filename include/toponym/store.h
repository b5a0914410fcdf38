/* toponym — the store: concepts, terms and their match keys in one file.
 *
 * The store is the only module that knows the storage engine (SQLite today; a PostgreSQL backend
 * may follow behind this same interface). Keys are computed by the normaliser when a term is
 * written and indexed, so every lookup probe is an index search, never a scan. */
#ifndef TOPONYM_STORE_H
#define TOPONYM_STORE_H

#include <stdint.h>
#include "toponym/concept.h"
#include "toponym/error.h"
#include "toponym/norm.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct tp_store tp_store;

/* The store format this build writes; older stores are migrated on open. */
#define TP_STORE_SCHEMA_VERSION 2

enum {
    TP_STORE_READONLY = 1 << 0, /* never write; TP_ERR_READONLY for any change */
    TP_STORE_NOCREATE = 1 << 1  /* fail with TP_ERR_NOTFOUND rather than create a new file */
};

/* Opens (creating when allowed) the store at path. norm is borrowed for computing keys and must
 * outlive the store. A file that is not a toponym store gives TP_ERR_NOT_STORE, one written by a
 * newer toponym TP_ERR_VERSION; in both cases the file is left untouched. A store that exists but
 * cannot be written is opened read-only. *out is closed by the caller (tp_store_close). */
tp_status tp_store_open(const char *path, unsigned flags, tp_norm *norm, tp_store **out,
                        tp_error *err);

/* Closes the store, rolling back an unfinished transaction. NULL is a no-op. */
void tp_store_close(tp_store *store);

/* Nonzero when this open created the store (so the caller may seed it). */
int tp_store_created(const tp_store *store);

/* Nonzero when the store is open read-only. */
int tp_store_readonly(const tp_store *store);

/* Groups changes into one transaction: all of them land, or none. Without an explicit
 * transaction each change is its own. */
tp_status tp_store_begin(tp_store *store, tp_error *err);
tp_status tp_store_commit(tp_store *store, tp_error *err);
void tp_store_rollback(tp_store *store);

/* Adds a concept with all its terms, links and keys. Sets c->id and each term's id. A concept
 * whose ext_id is already stored gives TP_ERR_ARG and changes nothing. */
tp_status tp_store_add_concept(tp_store *store, tp_concept *c, tp_error *err);

/* Reads a concept by row id or by ext_id. *out is freed by the caller (tp_concept_free).
 * TP_ERR_NOTFOUND when there is none. */
tp_status tp_store_get_concept(tp_store *store, int64_t id, tp_concept **out, tp_error *err);
tp_status tp_store_find_concept(tp_store *store, const char *ext_id, tp_concept **out,
                                tp_error *err);

/* Counts for `toponym stats`. */
typedef struct tp_store_count {
    char lang[32];
    tp_term_status status;
    long count;
} tp_store_count;

typedef struct tp_store_stats {
    long concepts;
    long terms;
    long keys;
    size_t count_len;          /* entries in counts */
    tp_store_count *counts;    /* terms by language and status, sorted */
} tp_store_stats;

/* Fills *out; free it with tp_store_stats_free(). */
tp_status tp_store_stats_get(tp_store *store, tp_store_stats **out, tp_error *err);
void tp_store_stats_free(tp_store_stats *stats);

/* ---- Probes, the store's side of lookup (match.c). Each hit is passed to a callback; a
 * nonzero return stops the probe early. The hit's strings live until the callback returns. */

typedef struct tp_store_hit {
    int64_t term_id;
    int64_t concept_id;
    tp_key_kind kind;   /* the kind of the stored key that matched */
    const char *key;    /* the stored key (for fuzzy hits: the term's fold key) */
} tp_store_hit;

typedef int (*tp_store_hit_fn)(void *ctx, const tp_store_hit *hit);

/* Every stored key of the given kind equal to key. */
tp_status tp_store_probe_key(tp_store *store, tp_key_kind kind, const char *key,
                             tp_store_hit_fn fn, void *ctx, tp_error *err);

/* Stored keys of the given kind that start with prefix, in key order, at most limit of them. */
tp_status tp_store_probe_prefix(tp_store *store, tp_key_kind kind, const char *prefix,
                                size_t limit, tp_store_hit_fn fn, void *ctx, tp_error *err);

/* Terms whose fold key, or a one-deletion variant of it, has one of the given hashes (see
 * tp_norm_fuzzy_hashes); the caller verifies the edit distance on hit->key. */
tp_status tp_store_probe_fuzzy(tp_store *store, const uint64_t *hashes, size_t count,
                               tp_store_hit_fn fn, void *ctx, tp_error *err);

#ifdef __cplusplus
}
#endif
#endif
