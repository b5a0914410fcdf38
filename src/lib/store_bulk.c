/* The store's side of large imports: inside a bulk transaction the match keys and typo hashes
 * of new terms wait in memory and are written sorted, a batch at a time, 64 rows a statement,
 * with the indexes by term id rebuilt afterwards when the batch is most of the store. Written
 * one term at a time they landed at random places in the term_key and term_fuzz B-trees,
 * three quarters of an ENAMDICT import. */
#include "toponym/store.h"
#include "error_int.h"
#include "store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A batch is written when its rows take this much memory: ENAMDICT's 210,000 place entries
 * take about 110 MB, so they go in as one. */
#define PENDING_MAX_BYTES ((size_t)128 * 1024 * 1024)
#define ROWS_PER_INSERT 64

typedef struct pend_term {
    int64_t id;
    int dead;           /* deleted before the batch was written: its rows are dropped */
} pend_term;

typedef struct pend_key {
    size_t off;         /* in the text arena */
    uint32_t len;
    uint32_t term;      /* index in terms */
    int kind;
} pend_key;

typedef struct pend_fuzz {
    int64_t hash;
    uint32_t term;
} pend_fuzz;

struct tp_store_pending {
    pend_term *terms;
    size_t term_len, term_cap;
    size_t dead;        /* entries of terms marked dead */
    pend_key *keys;
    size_t key_len, key_cap;
    pend_fuzz *fuzz;
    size_t fuzz_len, fuzz_cap;
    char *text;         /* the keys' text, NUL-free, back to back */
    size_t text_len, text_cap;
    uint32_t *slots;    /* term id -> 1 + index of its latest entry in terms; 0 is empty */
    size_t slot_cap;
    sqlite3_stmt *terms_of; /* the term ids of a concept, for tp_store_pending_forget */
    sqlite3_stmt *many_keys, *many_fuzz; /* ROWS_PER_INSERT rows a step */
};

/* What the keys are sorted as: the arena may move while keys are queued, so the text pointer
 * is made when the batch is written. */
typedef struct key_ref {
    const char *text;
    const pend_key *key;
} key_ref;

/* Grows *arr (of elem-sized items, *cap of them) to hold need; 0 on success. */
static int grow(void *arr, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    size_t cap2 = *cap ? *cap * 2 : 1024;
    while (cap2 < need)
        cap2 *= 2;
    void *p = realloc(*(void **)arr, cap2 * elem);
    if (!p)
        return -1;
    *(void **)arr = p;
    *cap = cap2;
    return 0;
}

static size_t slot_of(const tp_store_pending *p, int64_t id)
{
    size_t mask = p->slot_cap - 1, i = (size_t)((uint64_t)id * 0x9E3779B97F4A7C15ULL >> 20) & mask;
    while (p->slots[i] && p->terms[p->slots[i] - 1].id != id)
        i = (i + 1) & mask;
    return i;
}

/* Makes term id's entry the latest with that id (SQLite may give a deleted term's id again). */
static int map_term(tp_store_pending *p, int64_t id, uint32_t index)
{
    if ((p->term_len + 1) * 2 > p->slot_cap) {
        size_t cap = p->slot_cap ? p->slot_cap * 2 : 4096;
        uint32_t *old = p->slots;
        size_t old_cap = p->slot_cap;
        if (!(p->slots = calloc(cap, sizeof *p->slots))) {
            p->slots = old;
            return -1;
        }
        p->slot_cap = cap;
        for (size_t i = 0; i < old_cap; i++)
            if (old[i])
                p->slots[slot_of(p, p->terms[old[i] - 1].id)] = old[i];
        free(old);
    }
    p->slots[slot_of(p, id)] = index + 1;
    return 0;
}

static size_t pending_bytes(const tp_store_pending *p)
{
    /* What the rows take, not what is allocated: the arrays are kept from batch to batch. */
    return p->term_len * (sizeof *p->terms + 2 * sizeof *p->slots) +
           p->key_len * (sizeof *p->keys + sizeof(key_ref)) + p->fuzz_len * sizeof *p->fuzz +
           p->text_len;
}

tp_status tp_store_pending_add(tp_store *s, int64_t term_id, const tp_keyset *keys,
                               const uint64_t *hashes, size_t hash_count, tp_error *err)
{
    tp_store_pending *p = s->pending;
    if (!p && !(p = s->pending = calloc(1, sizeof *p)))
        return tp_error_nomem(err);
    size_t text = 0;
    for (size_t i = 0; i < keys->count; i++)
        text += strlen(keys->keys[i].text);
    if (p->term_len >= UINT32_MAX - 1 ||
        grow(&p->terms, &p->term_cap, p->term_len + 1, sizeof *p->terms) ||
        grow(&p->keys, &p->key_cap, p->key_len + keys->count, sizeof *p->keys) ||
        grow(&p->fuzz, &p->fuzz_cap, p->fuzz_len + hash_count, sizeof *p->fuzz) ||
        grow(&p->text, &p->text_cap, p->text_len + text, 1))
        return tp_error_nomem(err);
    uint32_t index = (uint32_t)p->term_len;
    if (map_term(p, term_id, index))
        return tp_error_nomem(err);
    p->terms[p->term_len++] = (pend_term){term_id, 0};
    for (size_t i = 0; i < keys->count; i++) {
        size_t n = strlen(keys->keys[i].text);
        memcpy(p->text + p->text_len, keys->keys[i].text, n);
        p->keys[p->key_len++] = (pend_key){p->text_len, (uint32_t)n, index,
                                           (int)keys->keys[i].kind};
        p->text_len += n;
    }
    for (size_t i = 0; i < hash_count; i++)
        p->fuzz[p->fuzz_len++] = (pend_fuzz){(int64_t)hashes[i], index};
    return pending_bytes(p) >= PENDING_MAX_BYTES ? tp_store_pending_flush(s, err) : TP_OK;
}


/* The order of the term_key primary key: kind, key (binary collation), then the term, whose
 * queue order is its id order but for ids SQLite gave again after a delete. */
static int cmp_key_ref(const void *a, const void *b)
{
    const key_ref *x = a, *y = b;
    const pend_key *p = x->key, *q = y->key;
    if (p->kind != q->kind)
        return p->kind < q->kind ? -1 : 1;
    int c = memcmp(x->text, y->text, p->len < q->len ? p->len : q->len);
    if (c || p->len != q->len)
        return c ? c : p->len < q->len ? -1 : 1;
    return p->term < q->term ? -1 : p->term > q->term;
}

static int cmp_fuzz(const void *a, const void *b)
{
    const pend_fuzz *x = a, *y = b;
    if (x->hash != y->hash)
        return x->hash < y->hash ? -1 : 1;
    return x->term < y->term ? -1 : x->term > y->term;
}

static void pending_reset(tp_store_pending *p)
{
    p->term_len = p->key_len = p->fuzz_len = p->text_len = p->dead = 0;
    if (p->slots)
        memset(p->slots, 0, p->slot_cap * sizeof *p->slots);
}

/* Prepares "INSERT OR IGNORE INTO table VALUES row, row, ..." for ROWS_PER_INSERT rows: one
 * statement step for many rows saves most of what a step costs besides the B-tree. */
static tp_status prepare_many(tp_store *s, sqlite3_stmt **st, const char *table,
                              const char *row, tp_error *err)
{
    char sql[1024];
    size_t n = (size_t)snprintf(sql, sizeof sql, "INSERT OR IGNORE INTO %s VALUES", table);
    for (int i = 0; i < ROWS_PER_INSERT && n < sizeof sql; i++)
        n += (size_t)snprintf(sql + n, sizeof sql - n, "%s%s", i ? "," : "", row);
    return tp_store_prepare(s, st, sql, err);
}

static tp_status query_max_term(tp_store *s, int64_t *out, tp_error *err)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT max(id) FROM term", -1, &st, NULL) != SQLITE_OK)
        return tp_store_db_error(s, err, "store");
    int rc = sqlite3_step(st);
    *out = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? TP_OK : tp_store_db_error(s, err, "store");
}

tp_status tp_store_pending_flush(tp_store *s, tp_error *err)
{
    tp_store_pending *p = s->pending;
    if (!p || !p->term_len)
        return TP_OK;
    /* The rows go in sorted by key, so the indexes by term id take them in random order, at
     * several microseconds a row. A batch at least as large as what is stored already goes in
     * faster without them, rebuilt after it with one sort each. */
    int64_t terms = 0;
    tp_status st = query_max_term(s, &terms, err);
    int rebuild = !st && (int64_t)p->term_len * 2 >= terms;
    if (rebuild)
        st = tp_store_exec(s, "DROP INDEX term_key_by_term; DROP INDEX term_fuzz_by_term", err);
    key_ref *refs = p->key_len ? malloc(p->key_len * sizeof *refs) : NULL;
    if (p->key_len && !refs)
        st = tp_error_nomem(err);
    for (size_t i = 0; !st && i < p->key_len; i++)
        refs[i] = (key_ref){p->text + p->keys[i].off, &p->keys[i]};
    if (!st && p->key_len)
        qsort(refs, p->key_len, sizeof *refs, cmp_key_ref);
    if (!st && !p->many_keys)
        st = prepare_many(s, &p->many_keys, "term_key(kind, key, term_id)", "(?,?,?)", err);
    size_t chunk[ROWS_PER_INSERT], n = 0;
    for (size_t i = 0; !st && i <= p->key_len; i++) {
        if (i < p->key_len && p->dead && p->terms[refs[i].key->term].dead)
            continue;
        /* Full chunks through the many-row statement, the rest one by one. */
        sqlite3_stmt *ins = n == ROWS_PER_INSERT ? p->many_keys : s->ins_key;
        for (size_t j = 0; (n == ROWS_PER_INSERT || i == p->key_len) && !st && j < n; j++) {
            const key_ref *r = &refs[chunk[j]];
            int at = ins == s->ins_key ? 0 : 3 * (int)j;
            sqlite3_bind_int(ins, at + 1, r->key->kind);
            sqlite3_bind_text(ins, at + 2, r->text, (int)r->key->len, SQLITE_STATIC);
            sqlite3_bind_int64(ins, at + 3, p->terms[r->key->term].id);
            if (ins == s->ins_key || j == n - 1)
                st = tp_store_step_done(s, ins, err, "cannot store key");
        }
        if (n == ROWS_PER_INSERT || i == p->key_len)
            n = 0;
        chunk[n++] = i;
    }
    free(refs);
    /* Term indexes grow with term ids inside a batch, so sorting by them keeps the id order. */
    if (!st && p->fuzz_len)
        qsort(p->fuzz, p->fuzz_len, sizeof *p->fuzz, cmp_fuzz);
    if (!st && !p->many_fuzz)
        st = prepare_many(s, &p->many_fuzz, "term_fuzz(hash, term_id)", "(?,?)", err);
    n = 0;
    for (size_t i = 0; !st && i <= p->fuzz_len; i++) {
        if (i < p->fuzz_len && p->dead && p->terms[p->fuzz[i].term].dead)
            continue;
        sqlite3_stmt *ins = n == ROWS_PER_INSERT ? p->many_fuzz : s->ins_fuzz;
        for (size_t j = 0; (n == ROWS_PER_INSERT || i == p->fuzz_len) && !st && j < n; j++) {
            const pend_fuzz *r = &p->fuzz[chunk[j]];
            int at = ins == s->ins_fuzz ? 0 : 2 * (int)j;
            sqlite3_bind_int64(ins, at + 1, r->hash);
            sqlite3_bind_int64(ins, at + 2, p->terms[r->term].id);
            if (ins == s->ins_fuzz || j == n - 1)
                st = tp_store_step_done(s, ins, err, "cannot store key");
        }
        if (n == ROWS_PER_INSERT || i == p->fuzz_len)
            n = 0;
        chunk[n++] = i;
    }
    /* As the first migration (store.c) made them. */
    if (!st && rebuild)
        st = tp_store_exec(s, "PRAGMA threads=2;"
                              "CREATE INDEX term_key_by_term ON term_key(term_id);"
                              "CREATE INDEX term_fuzz_by_term ON term_fuzz(term_id);"
                              "PRAGMA threads=0", err);
    pending_reset(p);
    return st;
}

static void forget_term(tp_store_pending *p, int64_t id)
{
    uint32_t slot = p->slots[slot_of(p, id)];
    if (slot && !p->terms[slot - 1].dead) {
        p->terms[slot - 1].dead = 1;
        p->dead++;
    }
}

tp_status tp_store_pending_forget(tp_store *s, int64_t concept_id, int64_t term_id,
                                  tp_error *err)
{
    tp_store_pending *p = s->pending;
    if (!p || !p->term_len)
        return TP_OK;
    if (term_id) {
        forget_term(p, term_id);
        return TP_OK;
    }
    tp_status st;
    if (!p->terms_of &&
        (st = tp_store_prepare(s, &p->terms_of, "SELECT id FROM term WHERE concept_id = ?1", err)))
        return st;
    sqlite3_bind_int64(p->terms_of, 1, concept_id);
    int rc;
    while ((rc = sqlite3_step(p->terms_of)) == SQLITE_ROW)
        forget_term(p, sqlite3_column_int64(p->terms_of, 0));
    sqlite3_reset(p->terms_of);
    return rc == SQLITE_DONE ? TP_OK : tp_store_db_error(s, err, "store");
}

void tp_store_pending_clear(tp_store *s)
{
    if (s->pending)
        pending_reset(s->pending);
}

void tp_store_pending_free(tp_store *s)
{
    tp_store_pending *p = s->pending;
    if (!p)
        return;
    sqlite3_finalize(p->terms_of);
    sqlite3_finalize(p->many_keys);
    sqlite3_finalize(p->many_fuzz);
    free(p->terms);
    free(p->keys);
    free(p->fuzz);
    free(p->text);
    free(p->slots);
    free(p);
    s->pending = NULL;
}
