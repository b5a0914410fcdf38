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
#define TP_STORE_SCHEMA_VERSION 8

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
/* As tp_store_begin, for imports of many concepts: a concept is no longer atomic on its own
 * (no savepoint each, which costs a copy of every page it touches), so after a failed write
 * the transaction can only be rolled back; tp_store_commit refuses it with TP_ERR_ARG. Match
 * keys are written sorted, in batches and at commit, so they cost a fraction of writing them
 * one term at a time; lookups inside the transaction write the pending ones first. */
tp_status tp_store_begin_bulk(tp_store *store, tp_error *err);
void tp_store_rollback(tp_store *store);

/* Adds a concept with all its terms, links and keys. Sets c->id and each term's id. A concept
 * whose ext_id is already stored gives TP_ERR_ARG and changes nothing. Outside a transaction
 * the concept is added whole or not at all; inside one, after any other failure the caller
 * rolls the transaction back. */
tp_status tp_store_add_concept(tp_store *store, tp_concept *c, tp_error *err);

/* Reads that follow see one snapshot of the store until tp_store_read_end(), and cost one lock
 * instead of one per statement. A no-op inside a write transaction. Pairs nest: the outermost
 * pair begins and ends the snapshot. */
tp_status tp_store_read_begin(tp_store *store, tp_error *err);
void tp_store_read_end(tp_store *store);

/* Reads a concept by row id or by ext_id. *out is freed by the caller (tp_concept_free).
 * TP_ERR_NOTFOUND when there is none. */
tp_status tp_store_get_concept(tp_store *store, int64_t id, tp_concept **out, tp_error *err);
tp_status tp_store_find_concept(tp_store *store, const char *ext_id, tp_concept **out,
                                tp_error *err);

/* ---- Editing, import and export. Every change (a transaction, or a single write outside
 * one) is recorded with the concepts as they were before it, so tp_store_undo() can revert it.
 * Writes on a read-only store give TP_ERR_READONLY. */

/* Names the next change in the history ("import kurils.tbx", "edit iturup"); copied. Without
 * it a change is named after its first write. */
tp_status tp_store_describe(tp_store *store, const char *summary, tp_error *err);

/* Replaces the stored concept c->id by c: its fields, terms, links and extra data (so this is
 * also "replace" for imports). The terms get new ids, set in c. TP_ERR_NOTFOUND when c->id is
 * not stored, TP_ERR_ARG when c has no terms or its ext_id names another concept; then the
 * store is unchanged. */
tp_status tp_store_update_concept(tp_store *store, tp_concept *c, tp_error *err);

/* Deletes a concept with its terms and links. TP_ERR_NOTFOUND when there is none. */
tp_status tp_store_delete_concept(tp_store *store, int64_t id, tp_error *err);

/* Deletes one term. The last term of a concept is not deleted (TP_ERR_ARG): delete the concept. */
tp_status tp_store_delete_term(tp_store *store, int64_t term_id, tp_error *err);

/* Finds the stored concept an imported one is the same as: the one with c->ext_id when c has
 * one and it is stored; else one that has c's first preferred term as its preferred term in
 * that language and no different preferred term in any other language of c. *id is 0 when
 * there is none. The store is not changed. */
tp_status tp_store_find_same(tp_store *store, const tp_concept *c, int64_t *id, tp_error *err);

/* Passes every concept, oldest first, to fn (the concept is freed when fn returns); a status
 * other than TP_OK from fn stops the walk and is returned. For export. */
tp_status tp_store_each_concept(tp_store *store, tp_concept_fn fn, void *ctx, tp_error *err);

typedef struct tp_store_change {
    int64_t id;
    char at[32];           /* UTC, ISO 8601 */
    char summary[256];
    long concepts;         /* concepts it touched */
} tp_store_change;

/* The last recorded change, without changing anything. TP_ERR_NOTFOUND when there is none. */
tp_status tp_store_last_change(tp_store *store, tp_store_change *out, tp_error *err);

/* Empties the history: what the store holds now becomes its starting point, which undo does not
 * go back past. For a new store's seed (the shipped glossaries are not an edit to undo). The
 * concepts are not changed. TP_ERR_ARG inside an open transaction. */
tp_status tp_store_forget_history(tp_store *store, tp_error *err);

/* Reverts the last change in one transaction: concepts it added are deleted, concepts it
 * changed or deleted are put back as they were, under their old ids. undone (may be NULL)
 * receives what was reverted. TP_ERR_NOTFOUND when there is nothing to undo; TP_ERR_ARG inside
 * an open transaction. */
tp_status tp_store_undo(tp_store *store, tp_store_change *undone, tp_error *err);

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

/* Calls fn once for every term in the store, in concept order (each concept's terms in their
 * stored order), with the concept's row id and ext_id (NULL when it has none). The term and the
 * id are borrowed until fn returns; a nonzero return stops early. The store is not changed.
 * (store_terms.c; used to build the checker's matcher.) */
typedef int (*tp_store_term_fn)(void *ctx, int64_t concept_id, const char *ext_id,
                                const tp_term *term);
tp_status tp_store_each_term(tp_store *store, tp_store_term_fn fn, void *ctx, tp_error *err);

/* ---- A cache of images built from the glossary (store_terms.c), such as the checker's matcher:
 * each is kept under a name with the glossary stamp it was built at, and dropped by the next
 * change of any term or concept (the stamp is raised by every change the history records, by
 * undo and by any update or delete of a term or concept row). */

/* An open cached image, read (or written) in pieces. */
typedef struct tp_store_image tp_store_image;

/* Starts a read snapshot (tp_store_read_begin; the caller ends it with tp_store_read_end, after
 * reading the terms the image stands for, if it reads them) and gives the glossary's current
 * stamp. When an image named name was built at that stamp, *image is opened on it (closed by
 * the caller with tp_store_image_close) with its length in *len; otherwise *image is NULL. The
 * store is not changed. */
tp_status tp_store_image_open(tp_store *store, const char *name, int64_t *stamp,
                              tp_store_image **image, size_t *len, tp_error *err);
/* Reads n bytes at offset of an open image into buf. */
tp_status tp_store_image_read(tp_store_image *image, void *buf, size_t n, size_t offset,
                              tp_error *err);
/* Writes n bytes of buf at offset of an image being saved (inside tp_store_image_save's fn). */
tp_status tp_store_image_write(tp_store_image *image, const void *buf, size_t n, size_t offset,
                               tp_error *err);
void tp_store_image_close(tp_store_image *image);

/* Saves an image of len bytes under name for stamp: fn writes it with tp_store_image_write and
 * returns TP_OK, or anything else to give up. It is best effort and never waits: nothing is
 * saved, and TP_OK returned, when the store is read-only, a transaction is open on it, another
 * process is writing, or the glossary has changed since stamp. Errors are returned as fn's, or
 * the store's on a failed write (nothing is then saved). */
typedef tp_status (*tp_store_image_fn)(void *ctx, tp_store_image *image, tp_error *err);
tp_status tp_store_image_save(tp_store *store, const char *name, int64_t stamp, size_t len,
                              tp_store_image_fn fn, void *ctx, tp_error *err);

/* ---- Probes, the store's side of lookup (match.c). Each hit is passed to a callback; a
 * nonzero return stops the probe early. The hit's strings live until the callback returns. */

typedef struct tp_store_hit {
    int64_t term_id;
    int64_t concept_id;
    tp_key_kind kind;   /* the kind of the stored key that matched */
    const char *key;    /* the stored key (for fuzzy hits: the term's fold key) */
    const char *text;   /* the term's text */
    const char *lang;   /* the term's language */
    const char *reading; /* the term's kana reading, or NULL */
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
