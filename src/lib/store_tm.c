/* The translation memory in the store: units, variants, props and notes, the n-gram index over
 * each variant's folded text, duplicate detection, and the probes that matching is built on.
 * Part of the store module: the only other file that knows SQL.
 *
 * The index is a posting list per gram, in chunks of about 4 KB (tm_posting). Units added in a
 * transaction leave their postings in memory, grouped by gram, and the lists are written at
 * commit (or when the memory held passes a ceiling): one row write per gram and chunk rather
 * than one B-tree insert per gram and variant, which was most of an import's time. */
#include "toponym/tm.h"
#include "buf_int.h"
#include "error_int.h"
#include "norm_int.h"
#include "store_int.h"
#include "tm_int.h"

#include <stdlib.h>
#include <string.h>

enum { SCOPE_HEADER = 1, SCOPE_UNIT = 2, SCOPE_VARIANT = 3 };

#define CHUNK_BYTES 4000                          /* a posting chunk is cut after this */
#define PENDING_MAX ((size_t)64 * 1024 * 1024)    /* postings held in memory before a flush */

/* Attributes are stored as name US value RS name US value ...: XML forbids both characters. */
#define US '\x1F'
#define RS '\x1E'

/* The postings of one gram not yet written: varint (variant, unit) deltas, the first one from
 * (0, 0) so that a flush can rebase it on the stored list's last posting. */
typedef struct pending {
    uint64_t gram;        /* 0: empty slot (tp_tm_hash never gives 0 in practice; see add) */
    int64_t last_variant, last_unit;
    size_t n;
    unsigned char *ids;
    size_t len, cap;
} pending;

struct tp_store_tm {
    sqlite3_stmt *ins_header, *ins_unit, *ins_variant, *ins_meta;
    sqlite3_stmt *by_hash, *get_unit, *get_variants, *get_meta;
    sqlite3_stmt *probe_gram, *probe_fold, *variant_fold, *variant_row, *gram_size;
    sqlite3_stmt *last_variant;
    sqlite3_stmt *last_chunk, *put_chunk;
    pending *pend;        /* open addressing on gram */
    size_t pend_cap, pend_n;
    size_t pend_bytes;    /* memory the pending postings hold */
    int pend_failed;      /* postings were lost (out of memory, failed write): only a rollback */
    /* A bulk import into an empty memory builds the two hash indexes after the rows (sorting
     * once costs far less than a random B-tree insert a row) and finds duplicates meanwhile in
     * seen, open addressing on the unit hash (0: empty slot). */
    int deferred;
    int asked;            /* this transaction has asked whether the memory was empty */
    struct seen_unit { uint64_t hash; int64_t id; } *seen;
    size_t seen_cap, seen_n;
};

/* The indexes a bulk import builds after its rows: as in the store's migration 2 -> 3. */
static const char drop_indexes[] = "DROP INDEX tm_unit_by_hash; DROP INDEX tm_variant_by_fold";
static const char make_indexes[] = "CREATE INDEX tm_unit_by_hash ON tm_unit(hash);"
                                   "CREATE INDEX tm_variant_by_fold ON tm_variant(lang_base, fold_hash)";

/* Spreads a hash over a table's slots. */
static uint64_t mix(uint64_t h)
{
    return h * 0x9E3779B97F4A7C15ULL;
}

static void pending_free(struct tp_store_tm *t)
{
    for (size_t i = 0; i < t->pend_cap; i++)
        free(t->pend[i].ids);
    free(t->pend);
    t->pend = NULL;
    t->pend_cap = t->pend_n = t->pend_bytes = 0;
}

/* Forgets what belongs to the transaction: pending postings, the deferred state. */
static void txn_reset(struct tp_store_tm *t)
{
    pending_free(t);
    free(t->seen);
    t->seen = NULL;
    t->seen_cap = t->seen_n = 0;
    t->deferred = t->asked = t->pend_failed = 0;
}

void tp_store_tm_close(tp_store *s)
{
    if (!s->tm)
        return;
    sqlite3_stmt *all[] = {s->tm->ins_header, s->tm->ins_unit, s->tm->ins_variant,
                           s->tm->ins_meta, s->tm->by_hash, s->tm->get_unit,
                           s->tm->get_variants, s->tm->get_meta,
                           s->tm->probe_gram, s->tm->probe_fold, s->tm->variant_fold,
                           s->tm->variant_row, s->tm->last_chunk, s->tm->put_chunk,
                           s->tm->gram_size, s->tm->last_variant};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        sqlite3_finalize(all[i]);
    txn_reset(s->tm);
    free(s->tm);
    s->tm = NULL;
}

/* Prepares the statements on first use, so that glossary-only sessions pay nothing. */
static tp_status tm(tp_store *s, int write, tp_error *err)
{
    if (write && s->readonly)
        return tp_error_set(err, TP_ERR_READONLY, "the store is open read-only");
    if (s->tm)
        return TP_OK;
    if (!(s->tm = calloc(1, sizeof *s->tm)))
        return tp_error_nomem(err);
    struct tp_store_tm *t = s->tm;
    tp_status st;
    if ((st = tp_store_prepare(s, &t->by_hash, "SELECT id FROM tm_unit WHERE hash = ?1", err)) ||
        (st = tp_store_prepare(s, &t->get_unit,
                               "SELECT srclang, attrs FROM tm_unit WHERE id = ?1", err)) ||
        (st = tp_store_prepare(s, &t->get_variants,
                               "SELECT id, lang, text, markup, codes, fold, attrs FROM tm_variant "
                               "WHERE unit_id = ?1 ORDER BY seq", err)) ||
        (st = tp_store_prepare(s, &t->get_meta,
                               "SELECT kind, type, lang, encoding, text FROM tm_meta "
                               "WHERE scope = ?1 AND owner = ?2 ORDER BY seq", err)) ||
        (st = tp_store_prepare(s, &t->probe_gram,
                               "SELECT n, ids FROM tm_posting WHERE gram = ?1 ORDER BY seq", err)) ||
        (st = tp_store_prepare(s, &t->probe_fold,
                               "SELECT id, unit_id FROM tm_variant WHERE lang_base = ?1 AND "
                               "fold_hash = ?2 AND fold = ?3", err)) ||
        (st = tp_store_prepare(s, &t->variant_fold,
                               "SELECT fold FROM tm_variant WHERE id = ?1", err)) ||
        (st = tp_store_prepare(s, &t->variant_row,
                               "SELECT unit_id, text, codes FROM tm_variant WHERE id = ?1", err)) ||
        (st = tp_store_prepare(s, &t->gram_size,
                               "SELECT n FROM tm_posting WHERE gram = ?1 ORDER BY seq", err)) ||
        (st = tp_store_prepare(s, &t->last_variant, "SELECT max(id) FROM tm_variant", err)))
        return st;
    if (s->readonly)
        return TP_OK;
    if ((st = tp_store_prepare(s, &t->ins_header,
                               "INSERT INTO tm_header(source, version, attrs) VALUES(?1,?2,?3)",
                               err)) ||
        (st = tp_store_prepare(s, &t->ins_unit,
                               "INSERT INTO tm_unit(header_id, srclang, attrs, hash) "
                               "VALUES(?1,?2,?3,?4)", err)) ||
        (st = tp_store_prepare(s, &t->ins_variant,
                               "INSERT INTO tm_variant(unit_id, seq, lang, lang_base, text, markup, "
                               "codes, fold, fold_hash, attrs) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,"
                               "?10)", err)) ||
        (st = tp_store_prepare(s, &t->ins_meta,
                               "INSERT INTO tm_meta(scope, owner, seq, kind, type, lang, encoding, "
                               "text) VALUES(?1,?2,?3,?4,?5,?6,?7,?8)", err)) ||
        (st = tp_store_prepare(s, &t->last_chunk,
                               "SELECT seq, n, last_variant, last_unit, ids FROM tm_posting "
                               "WHERE gram = ?1 ORDER BY seq DESC LIMIT 1", err)) ||
        (st = tp_store_prepare(s, &t->put_chunk,
                               "INSERT OR REPLACE INTO tm_posting(gram, seq, n, last_variant, "
                               "last_unit, ids) VALUES(?1,?2,?3,?4,?5,?6)", err)))
        return st;
    return TP_OK;
}

static tp_status encode_attrs(const tp_tm_attr *a, size_t n, tp_buf *b)
{
    tp_buf_reset(b);
    tp_status st = tp_buf_append(b, "", 0);
    for (size_t i = 0; !st && i < n; i++) {
        if (i)
            st = tp_buf_putc(b, RS);
        if (!st)
            st = tp_buf_puts(b, a[i].name);
        if (!st)
            st = tp_buf_putc(b, US);
        if (!st)
            st = tp_buf_puts(b, a[i].value);
    }
    return st;
}

static tp_status decode_attrs(const char *s, tp_tm_attr **attrs, size_t *count, tp_error *err)
{
    if (!s || !*s)
        return TP_OK;
    while (*s) {
        size_t rec = strcspn(s, "\x1E");
        const char *sep = memchr(s, US, rec);
        if (sep) {
            char *name = strndup(s, (size_t)(sep - s));
            char *value = strndup(sep + 1, rec - (size_t)(sep - s) - 1);
            tp_status st = name && value ? tp_tm_attr_add(attrs, count, name, value, err)
                                         : tp_error_nomem(err);
            free(name);
            free(value);
            if (st)
                return st;
        }
        s += rec;
        if (*s)
            s++;
    }
    return TP_OK;
}

static tp_status add_meta(tp_store *s, int scope, int64_t owner, const tp_tm_meta *m, size_t n,
                          tp_error *err)
{
    sqlite3_stmt *q = s->tm->ins_meta;
    tp_status st = TP_OK;
    for (size_t i = 0; !st && i < n; i++) {
        sqlite3_bind_int(q, 1, scope);
        sqlite3_bind_int64(q, 2, owner);
        sqlite3_bind_int64(q, 3, (sqlite3_int64)i);
        sqlite3_bind_int(q, 4, (int)m[i].kind);
        tp_store_bind_text(q, 5, m[i].type);
        tp_store_bind_text(q, 6, m[i].lang);
        tp_store_bind_text(q, 7, m[i].encoding);
        tp_store_bind_text(q, 8, m[i].text);
        st = tp_store_step_done(s, q, err, "cannot store a prop or note");
    }
    return st;
}

tp_status tp_store_tm_add_header(tp_store *s, const tp_tm_header *h, const char *source,
                                 int64_t *id, tp_error *err)
{
    tp_status st = tm(s, 1, err);
    if (st)
        return st;
    tp_buf attrs = TP_BUF_INIT;
    if ((st = encode_attrs(h->attrs, h->attr_count, &attrs))) {
        tp_buf_free(&attrs); /* what was encoded before the failure */
        return tp_error_set(err, st, "cannot store header: %s", tp_strerror(st));
    }
    if ((st = tp_store_exec(s, "SAVEPOINT tm_header", err))) {
        tp_buf_free(&attrs);
        return st;
    }
    tp_store_bind_text(s->tm->ins_header, 1, source);
    tp_store_bind_text(s->tm->ins_header, 2, h->version);
    tp_store_bind_text(s->tm->ins_header, 3, attrs.data);
    st = tp_store_step_done(s, s->tm->ins_header, err, "cannot store header");
    int64_t hid = sqlite3_last_insert_rowid(s->db);
    if (!st)
        st = add_meta(s, SCOPE_HEADER, hid, h->meta, h->meta_count, err);
    tp_buf_free(&attrs);
    if (st) {
        sqlite3_exec(s->db, "ROLLBACK TO tm_header; RELEASE tm_header", NULL, NULL, NULL);
        return st;
    }
    if (id)
        *id = hid;
    return tp_store_exec(s, "RELEASE tm_header", err);
}

/* The canonical form of a unit's content for duplicate detection: each variant as
 * "lang US content", sorted, joined by RS. Content is the markup when there is one. */
static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static tp_status canonical(const tp_tm_variant *v, size_t n, tp_buf *out)
{
    char **items = calloc(n ? n : 1, sizeof *items);
    if (!items)
        return TP_ERR_NOMEM;
    tp_status st = TP_OK;
    for (size_t i = 0; !st && i < n; i++) {
        const char *content = v[i].markup ? v[i].markup : v[i].text;
        size_t len = strlen(v[i].lang) + strlen(content) + 2;
        if (!(items[i] = malloc(len))) {
            st = TP_ERR_NOMEM;
            break;
        }
        /* The whole tag, lower-cased: en-US and en-GB are different variants. */
        size_t k = 0;
        for (const char *p = v[i].lang; *p; p++)
            items[i][k++] = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
        items[i][k++] = US;
        strcpy(items[i] + k, content);
    }
    if (!st)
        qsort(items, n, sizeof *items, cmp_str);
    tp_buf_reset(out);
    if (!st)
        st = tp_buf_append(out, "", 0);
    for (size_t i = 0; !st && i < n; i++) {
        if (i)
            st = tp_buf_putc(out, RS);
        if (!st)
            st = tp_buf_puts(out, items[i]);
    }
    for (size_t i = 0; i < n; i++)
        free(items[i]);
    free(items);
    return st;
}

static int seen_add(struct tp_store_tm *t, uint64_t hash, int64_t id)
{
    if ((t->seen_n + 1) * 2 > t->seen_cap) {
        size_t cap = t->seen_cap ? t->seen_cap * 2 : 4096;
        struct seen_unit *p = calloc(cap, sizeof *p);
        if (!p)
            return -1;
        for (size_t i = 0; i < t->seen_cap; i++) {
            if (!t->seen[i].hash)
                continue;
            size_t h = (size_t)(mix(t->seen[i].hash) >> 20) & (cap - 1);
            while (p[h].hash)
                h = (h + 1) & (cap - 1);
            p[h] = t->seen[i];
        }
        free(t->seen);
        t->seen = p;
        t->seen_cap = cap;
    }
    size_t h = (size_t)(mix(hash | 1) >> 20) & (t->seen_cap - 1);
    while (t->seen[h].hash)
        h = (h + 1) & (t->seen_cap - 1);
    t->seen[h].hash = hash | 1;   /* never 0, the empty slot */
    t->seen[h].id = id;
    t->seen_n++;
    return 0;
}

static int same_canonical(tp_store *s, int64_t id, const char *canon, tp_status *st,
                          tp_error *err)
{
    tp_tm_unit *u = NULL;
    tp_buf other = TP_BUF_INIT;
    int same = 0;
    if (!(*st = tp_store_tm_get_unit(s, id, &u, err)))
        same = canonical(u->variants, u->variant_count, &other) == TP_OK &&
               strcmp(other.data, canon) == 0;
    tp_tm_unit_free(u);
    tp_buf_free(&other);
    return same;
}

/* The stored unit with the same canonical content, or 0. */
static tp_status find_duplicate(tp_store *s, uint64_t hash, const char *canon, int64_t *dup,
                                tp_error *err)
{
    *dup = 0;
    struct tp_store_tm *t = s->tm;
    if (t->deferred) {
        /* Every unit of the memory was added by this import and is in seen. */
        tp_status st = TP_OK;
        if (!t->seen_cap)
            return TP_OK;
        for (size_t h = (size_t)(mix(hash | 1) >> 20) & (t->seen_cap - 1);
             !st && !*dup && t->seen[h].hash; h = (h + 1) & (t->seen_cap - 1))
            if (t->seen[h].hash == (hash | 1) && same_canonical(s, t->seen[h].id, canon, &st, err))
                *dup = t->seen[h].id;
        return st;
    }
    sqlite3_stmt *q = t->by_hash;
    sqlite3_bind_int64(q, 1, (sqlite3_int64)hash);
    tp_status st = TP_OK;
    int rc;
    tp_buf other = TP_BUF_INIT;
    while (!*dup && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(q, 0);
        tp_tm_unit *u = NULL;
        /* get_unit uses other statements: by_hash stays stepped meanwhile, which SQLite allows. */
        if ((st = tp_store_tm_get_unit(s, id, &u, err)))
            break;
        /* A failure here must not read as "no duplicate": the unit would be stored twice
         * (found by tests/fault/test_fault.c). */
        st = canonical(u->variants, u->variant_count, &other);
        if (st)
            st = tp_error_set(err, st, "cannot compare units: %s", tp_strerror(st));
        else if (strcmp(other.data, canon) == 0)
            *dup = id;
        tp_tm_unit_free(u);
        if (st)
            break;
    }
    if (!st && !*dup && rc != SQLITE_DONE)
        st = tp_store_db_error(s, err, "cannot look for an equal unit");
    sqlite3_reset(q);
    tp_buf_free(&other);
    return st;
}

/* ---- the n-gram index: posting lists ---- */

static size_t put_varint(unsigned char *p, uint64_t v)
{
    size_t n = 0;
    for (; v >= 0x80; v >>= 7)
        p[n++] = (unsigned char)(v | 0x80);
    p[n++] = (unsigned char)v;
    return n;
}

/* Reads a varint at *pos; 0 when the bytes end first or it runs past 64 bits. */
static int get_varint(const unsigned char *p, size_t len, size_t *pos, uint64_t *v)
{
    uint64_t x = 0;
    for (unsigned shift = 0; *pos < len && shift < 64; shift += 7) {
        unsigned char b = p[(*pos)++];
        x |= (uint64_t)(b & 0x7F) << shift;
        if (!(b & 0x80)) {
            *v = x;
            return 1;
        }
    }
    return 0;
}

static int pending_grow(struct tp_store_tm *t)
{
    size_t cap = t->pend_cap ? t->pend_cap * 2 : 4096;
    pending *p = calloc(cap, sizeof *p);
    if (!p)
        return -1;
    for (size_t i = 0; i < t->pend_cap; i++) {
        if (!t->pend[i].n)
            continue;
        size_t h = (size_t)(mix(t->pend[i].gram) >> 20) & (cap - 1);
        while (p[h].n)
            h = (h + 1) & (cap - 1);
        p[h] = t->pend[i];
    }
    free(t->pend);
    t->pend_bytes += (cap - t->pend_cap) * sizeof *p;
    t->pend = p;
    t->pend_cap = cap;
    return 0;
}

/* Adds one posting; variant ids only grow, so each list stays sorted. */
static int pending_add(struct tp_store_tm *t, uint64_t gram, int64_t variant, int64_t unit)
{
    if ((t->pend_n + 1) * 2 > t->pend_cap && pending_grow(t))
        return -1;
    size_t h = (size_t)(mix(gram) >> 20) & (t->pend_cap - 1);
    while (t->pend[h].n && t->pend[h].gram != gram)
        h = (h + 1) & (t->pend_cap - 1);
    pending *e = &t->pend[h];
    if (e->len + 20 > e->cap) {
        size_t cap = e->cap ? e->cap * 2 : 16;
        unsigned char *ids = realloc(e->ids, cap);
        if (!ids)
            return -1;
        t->pend_bytes += cap - e->cap;
        e->ids = ids;
        e->cap = cap;
    }
    if (!e->n) {
        e->gram = gram;
        t->pend_n++;
    }
    e->len += put_varint(e->ids + e->len, (uint64_t)(variant - e->last_variant));
    e->len += put_varint(e->ids + e->len, (uint64_t)(unit - e->last_unit));
    e->last_variant = variant;
    e->last_unit = unit;
    e->n++;
    return 0;
}

static tp_status put_chunk(tp_store *s, uint64_t gram, int64_t seq, size_t n, int64_t lv,
                           int64_t lu, const unsigned char *ids, size_t len, tp_error *err)
{
    sqlite3_stmt *q = s->tm->put_chunk;
    sqlite3_bind_int64(q, 1, (sqlite3_int64)gram);
    sqlite3_bind_int64(q, 2, seq);
    sqlite3_bind_int64(q, 3, (sqlite3_int64)n);
    sqlite3_bind_int64(q, 4, lv);
    sqlite3_bind_int64(q, 5, lu);
    sqlite3_bind_blob(q, 6, ids, (int)len, SQLITE_STATIC);
    return tp_store_step_done(s, q, err, "cannot write the segment index");
}

/* Appends one gram's pending postings to its stored list: into the last chunk while it has
 * room, then in new chunks. out has room for CHUNK_BYTES + 20. */
static tp_status flush_one(tp_store *s, const pending *e, unsigned char *out, tp_error *err)
{
    sqlite3_stmt *q = s->tm->last_chunk;
    sqlite3_bind_int64(q, 1, (sqlite3_int64)e->gram);
    int64_t seq = 0, cur_v = 0, cur_u = 0;
    size_t len = 0, n = 0;
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        seq = sqlite3_column_int64(q, 0);
        cur_v = sqlite3_column_int64(q, 2);
        cur_u = sqlite3_column_int64(q, 3);
        const void *ids = sqlite3_column_blob(q, 4);
        size_t have = (size_t)sqlite3_column_bytes(q, 4);
        if (have < CHUNK_BYTES && ids) {
            memcpy(out, ids, have);
            len = have;
            n = (size_t)sqlite3_column_int64(q, 1);
        } else {
            seq++;
        }
    }
    sqlite3_reset(q);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return tp_store_db_error(s, err, "cannot read the segment index");
    tp_status st = TP_OK;
    int64_t v = 0, u = 0;
    size_t pos = 0;
    for (size_t k = 0; !st && k < e->n; k++) {
        uint64_t dv, du;
        if (!get_varint(e->ids, e->len, &pos, &dv) || !get_varint(e->ids, e->len, &pos, &du))
            return tp_error_set(err, TP_ERR_STORE, "the segment index is corrupt");
        v += (int64_t)dv;
        u += (int64_t)du;
        if (v <= cur_v || u < cur_u)
            return tp_error_set(err, TP_ERR_STORE, "segment index out of order");
        len += put_varint(out + len, (uint64_t)(v - cur_v));
        len += put_varint(out + len, (uint64_t)(u - cur_u));
        cur_v = v;
        cur_u = u;
        n++;
        if (len >= CHUNK_BYTES) {
            st = put_chunk(s, e->gram, seq++, n, cur_v, cur_u, out, len, err);
            len = n = 0;
        }
    }
    if (!st && n)
        st = put_chunk(s, e->gram, seq, n, cur_v, cur_u, out, len, err);
    return st;
}

static int by_gram(const void *a, const void *b)
{
    uint64_t x = (*(pending *const *)a)->gram, y = (*(pending *const *)b)->gram;
    return x < y ? -1 : x > y;
}

/* Writes the pending postings; at the end of the transaction (last), builds the deferred
 * indexes too. */
static tp_status flush(tp_store *s, int last, tp_error *err);

tp_status tp_store_tm_flush(tp_store *s, tp_error *err)
{
    return flush(s, 1, err);
}

static tp_status flush(tp_store *s, int last, tp_error *err)
{
    struct tp_store_tm *t = s->tm;
    if (t && last && t->deferred && !t->pend_failed) {
        tp_status st = tp_store_exec(s, make_indexes, err);
        if (st) {
            t->pend_failed = 1;
            return st;
        }
        t->deferred = 0;
    }
    if (!t)
        return TP_OK;
    if (t->pend_failed)
        return tp_error_set(err, TP_ERR_STORE, "the segment index could not be written (out of "
                                               "memory or a failed write): rolled back");
    if (!t->pend_n) {
        if (last)
            txn_reset(t);
        return TP_OK;
    }
    /* In gram order, so that the index B-tree is written from one end to the other. */
    pending **order = malloc(t->pend_n * sizeof *order);
    unsigned char *out = malloc(CHUNK_BYTES + 20);
    tp_status st = order && out ? TP_OK : tp_error_nomem(err);
    size_t n = 0;
    for (size_t i = 0; !st && i < t->pend_cap; i++)
        if (t->pend[i].n)
            order[n++] = &t->pend[i];
    if (!st)
        qsort(order, n, sizeof *order, by_gram);
    for (size_t i = 0; !st && i < n; i++)
        st = flush_one(s, order[i], out, err);
    free(order);
    free(out);
    if (st) {
        t->pend_failed = 1;   /* part of the lists may be written: only a rollback is right */
        return st;
    }
    if (last)
        txn_reset(t);
    else
        pending_free(t);
    return TP_OK;
}

void tp_store_tm_discard(tp_store *s)
{
    if (s->tm)
        txn_reset(s->tm);
}

/* The postings of one unit, made before any of them goes to the pending lists, so that a unit
 * that fails half-way leaves none behind. */
typedef struct unit_grams {
    uint64_t *gram;
    int64_t *variant;
    size_t n, cap;
} unit_grams;

static tp_status collect_grams(unit_grams *ug, int64_t vid, const char *fold, const char *base)
{
    uint64_t *g = NULL;
    size_t n = 0;
    if (tp_tm_grams(fold, base, TP_GRAMS_INDEX, &g, &n))
        return TP_ERR_NOMEM;
    if (ug->n + n > ug->cap) {
        size_t cap = (ug->n + n) * 2;
        uint64_t *ng = realloc(ug->gram, cap * sizeof *ng);
        if (ng)
            ug->gram = ng;
        int64_t *nv = ng ? realloc(ug->variant, cap * sizeof *nv) : NULL;
        if (!nv) {
            free(g);
            return TP_ERR_NOMEM;
        }
        ug->variant = nv;
        ug->cap = cap;
    }
    for (size_t i = 0; i < n; i++) {
        ug->gram[ug->n] = g[i];
        ug->variant[ug->n++] = vid;
    }
    free(g);
    return TP_OK;
}

static void post_grams(tp_store *s, const unit_grams *ug, int64_t unit)
{
    for (size_t i = 0; i < ug->n && !s->tm->pend_failed; i++)
        if (pending_add(s->tm, ug->gram[i], ug->variant[i], unit))
            s->tm->pend_failed = 1;
}

tp_status tp_store_tm_reindex(tp_store *s, tp_error *err)
{
    tp_status st = tm(s, 1, err);
    if (st)
        return st;
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(s->db, "SELECT id, unit_id, lang_base, fold FROM tm_variant ORDER BY id",
                           -1, &q, NULL) != SQLITE_OK)
        return tp_store_db_error(s, err, "cannot index segments");
    int rc;
    unit_grams ug = {NULL, NULL, 0, 0};
    while (!st && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        ug.n = 0;
        if (collect_grams(&ug, sqlite3_column_int64(q, 0), tp_store_col_text(q, 3),
                          tp_store_col_text(q, 2)))
            st = tp_error_nomem(err);
        else
            post_grams(s, &ug, sqlite3_column_int64(q, 1));
        if (!st && s->tm->pend_bytes > PENDING_MAX)
            st = flush(s, 0, err);
    }
    if (!st && rc != SQLITE_DONE)
        st = tp_store_db_error(s, err, "cannot index segments");
    sqlite3_finalize(q);
    free(ug.gram);
    free(ug.variant);
    if (!st)
        st = tp_store_tm_flush(s, err);
    if (st)
        tp_store_tm_discard(s);
    return st;
}

static tp_status insert_unit(tp_store *s, tp_tm_unit *u, int64_t header_id, uint64_t hash,
                             unit_grams *ug, tp_error *err)
{
    tp_buf attrs = TP_BUF_INIT, fold = TP_BUF_INIT;
    tp_status st = encode_attrs(u->attrs, u->attr_count, &attrs);
    sqlite3_stmt *q = s->tm->ins_unit;
    if (!st) {
        if (header_id)
            sqlite3_bind_int64(q, 1, header_id);
        else
            sqlite3_bind_null(q, 1);
        tp_store_bind_text(q, 2, u->srclang);
        tp_store_bind_text(q, 3, attrs.data);
        sqlite3_bind_int64(q, 4, (sqlite3_int64)hash);
        st = tp_store_step_done(s, q, err, "cannot store unit");
    } else {
        st = tp_error_set(err, st, "cannot store unit: %s", tp_strerror(st));
    }
    if (!st) {
        u->id = sqlite3_last_insert_rowid(s->db);
        st = add_meta(s, SCOPE_UNIT, u->id, u->meta, u->meta_count, err);
    }
    q = s->tm->ins_variant;
    for (size_t i = 0; !st && i < u->variant_count; i++) {
        tp_tm_variant *v = &u->variants[i];
        char base[16];
        tp_tm_lang_base(v->lang, base);
        size_t len = strlen(v->text);
        tp_buf_reset(&fold);
        st = len ? tp_norm_fold_buf(s->norm, v->text, len, &fold) : tp_buf_append(&fold, "", 0);
        if (!st)
            st = encode_attrs(v->attrs, v->attr_count, &attrs);
        if (st) {
            st = tp_error_set(err, st, "cannot normalise a segment: %s", tp_strerror(st));
            break;
        }
        sqlite3_bind_int64(q, 1, u->id);
        sqlite3_bind_int64(q, 2, (sqlite3_int64)i);
        tp_store_bind_text(q, 3, v->lang);
        tp_store_bind_text(q, 4, base);
        tp_store_bind_text(q, 5, v->text);
        tp_store_bind_text(q, 6, v->markup);
        tp_store_bind_text(q, 7, v->codes);
        tp_store_bind_text(q, 8, fold.data);
        sqlite3_bind_int64(q, 9, (sqlite3_int64)tp_tm_hash(fold.data, fold.len, TP_TM_HASH_SEED));
        tp_store_bind_text(q, 10, attrs.data);
        if ((st = tp_store_step_done(s, q, err, "cannot store variant")))
            break;
        v->id = sqlite3_last_insert_rowid(s->db);
        if (!(st = add_meta(s, SCOPE_VARIANT, v->id, v->meta, v->meta_count, err)) &&
            collect_grams(ug, v->id, fold.data, base))
            st = tp_error_nomem(err);
    }
    tp_buf_free(&attrs);
    tp_buf_free(&fold);
    return st;
}

/* At the first unit of a bulk transaction: when the memory is empty, drop the hash indexes
 * until the commit (DDL is transactional: a rollback brings them back). */
static tp_status defer_indexes(tp_store *s, tp_error *err)
{
    struct tp_store_tm *t = s->tm;
    sqlite3_stmt *q = NULL;
    int empty = 0;
    if (sqlite3_prepare_v2(s->db, "SELECT NOT EXISTS (SELECT 1 FROM tm_unit)", -1, &q, NULL) ==
            SQLITE_OK && sqlite3_step(q) == SQLITE_ROW)
        empty = sqlite3_column_int(q, 0);
    sqlite3_finalize(q);
    t->asked = 1;
    if (!empty)
        return TP_OK;
    tp_status st = tp_store_exec(s, drop_indexes, err);
    t->deferred = !st;
    return st;
}

tp_status tp_store_tm_add_unit(tp_store *s, tp_tm_unit *u, int64_t header_id, int *merged,
                               tp_error *err)
{
    if (merged)
        *merged = 0;
    tp_status st = tm(s, 1, err);
    if (st)
        return st;
    if (u->variant_count == 0)
        return tp_error_set(err, TP_ERR_ARG, "a translation unit without variants");
    tp_buf canon = TP_BUF_INIT;
    if ((st = canonical(u->variants, u->variant_count, &canon))) {
        tp_buf_free(&canon);
        return tp_error_set(err, st, "cannot store unit: %s", tp_strerror(st));
    }
    uint64_t hash = tp_tm_hash(canon.data, canon.len, TP_TM_HASH_SEED);
    int64_t dup = 0;
    if (s->bulk && !s->tm->asked && (st = defer_indexes(s, err))) {
        tp_buf_free(&canon);
        return st;
    }
    st = find_duplicate(s, hash, canon.data, &dup, err);
    tp_buf_free(&canon);
    if (st)
        return st;
    if (dup) {
        u->id = dup;
        if (merged)
            *merged = 1;
        return TP_OK;
    }
    /* In a bulk transaction the caller rolls everything back on failure: no savepoint. */
    int bulk = s->bulk;
    if (!bulk && (st = tp_store_exec(s, "SAVEPOINT tm_unit", err)))
        return st;
    unit_grams ug = {NULL, NULL, 0, 0};
    st = insert_unit(s, u, header_id, hash, &ug, err);
    if (!st)
        post_grams(s, &ug, u->id);
    if (!st && s->tm->deferred && seen_add(s->tm, hash, u->id))
        st = tp_error_nomem(err);
    free(ug.gram);
    free(ug.variant);
    /* Outside a transaction the unit's postings are written with it. */
    if (!st && !s->in_txn)
        st = tp_store_tm_flush(s, err);
    if (st) {
        if (bulk)
            s->bulk_failed = 1;
        else
            sqlite3_exec(s->db, "ROLLBACK TO tm_unit; RELEASE tm_unit", NULL, NULL, NULL);
        if (!s->in_txn)
            tp_store_tm_discard(s);
        u->id = 0;
        for (size_t i = 0; i < u->variant_count; i++)
            u->variants[i].id = 0;
        return st;
    }
    if (!bulk && (st = tp_store_exec(s, "RELEASE tm_unit", err)))
        return st;
    /* A flush failing here leaves the transaction only fit for a rollback (pend_failed). */
    if (s->tm->pend_bytes > PENDING_MAX)
        st = flush(s, 0, err);
    return st;
}

/* ---- reading ---- */

static tp_status read_meta(tp_store *s, int scope, int64_t owner, tp_tm_meta **meta,
                           size_t *count, tp_error *err)
{
    sqlite3_stmt *q = s->tm->get_meta;
    sqlite3_bind_int(q, 1, scope);
    sqlite3_bind_int64(q, 2, owner);
    tp_status st = TP_OK;
    int rc;
    while (!st && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        tp_tm_meta m = {(tp_tm_meta_kind)sqlite3_column_int(q, 0), (char *)tp_store_col_text(q, 1),
                        (char *)tp_store_col_text(q, 2), (char *)tp_store_col_text(q, 3),
                        (char *)tp_store_col_text(q, 4)};
        st = tp_tm_meta_add(meta, count, &m, err);
    }
    if (!st && rc != SQLITE_DONE)
        st = tp_store_db_error(s, err, "cannot read props and notes");
    sqlite3_reset(q);
    return st;
}

static tp_status set(char **field, const char *v, tp_error *err)
{
    if (!v)
        return TP_OK;
    if (!(*field = strdup(v)))
        return tp_error_nomem(err);
    return TP_OK;
}

tp_status tp_store_tm_get_unit(tp_store *s, int64_t id, tp_tm_unit **out, tp_error *err)
{
    tp_status st = tm(s, 0, err);
    if (st)
        return st;
    sqlite3_stmt *q = s->tm->get_unit;
    sqlite3_bind_int64(q, 1, id);
    int rc = sqlite3_step(q);
    if (rc != SQLITE_ROW) {
        sqlite3_reset(q);
        return rc == SQLITE_DONE
                   ? tp_error_set(err, TP_ERR_NOTFOUND, "no translation unit %lld", (long long)id)
                   : tp_store_db_error(s, err, "cannot read unit");
    }
    tp_tm_unit *u = tp_tm_unit_new();
    if (!u) {
        sqlite3_reset(q);
        return tp_error_nomem(err);
    }
    u->id = id;
    if (!(st = set(&u->srclang, tp_store_col_text(q, 0), err)))
        st = decode_attrs(tp_store_col_text(q, 1), &u->attrs, &u->attr_count, err);
    sqlite3_reset(q);
    if (!st)
        st = read_meta(s, SCOPE_UNIT, id, &u->meta, &u->meta_count, err);
    q = s->tm->get_variants;
    sqlite3_bind_int64(q, 1, id);
    while (!st && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        tp_tm_variant *v;
        if ((st = tp_tm_unit_add_variant(u, tp_store_col_text(q, 1), &v, err)))
            break;
        v->id = sqlite3_column_int64(q, 0);
        if ((st = set(&v->text, tp_store_col_text(q, 2), err)) ||
            (st = set(&v->markup, tp_store_col_text(q, 3), err)) ||
            (st = set(&v->codes, tp_store_col_text(q, 4), err)) ||
            (st = set(&v->fold, tp_store_col_text(q, 5), err)))
            break;
        st = decode_attrs(tp_store_col_text(q, 6), &v->attrs, &v->attr_count, err);
    }
    if (!st && rc != SQLITE_DONE)
        st = tp_store_db_error(s, err, "cannot read variants");
    sqlite3_reset(q);
    for (size_t i = 0; !st && i < u->variant_count; i++)
        st = read_meta(s, SCOPE_VARIANT, u->variants[i].id, &u->variants[i].meta,
                       &u->variants[i].meta_count, err);
    if (st) {
        tp_tm_unit_free(u);
        return st;
    }
    *out = u;
    return TP_OK;
}

tp_status tp_store_tm_each_unit(tp_store *s, tp_tm_unit_fn fn, void *ctx, tp_error *err)
{
    tp_status st = tm(s, 0, err);
    if (st)
        return st;
    /* A statement of its own: the walk may run while other reads use the shared ones. */
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(s->db, "SELECT id FROM tm_unit ORDER BY id", -1, &q, NULL) != SQLITE_OK)
        return tp_store_db_error(s, err, "cannot read units");
    int rc;
    while (!st && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        tp_tm_unit *u = NULL;
        if (!(st = tp_store_tm_get_unit(s, sqlite3_column_int64(q, 0), &u, err)))
            st = fn(ctx, u, err);
        tp_tm_unit_free(u);
    }
    if (!st && rc != SQLITE_DONE)
        st = tp_store_db_error(s, err, "cannot read units");
    sqlite3_finalize(q);
    return st;
}

tp_status tp_store_tm_count(tp_store *s, long *units, long *variants, tp_error *err)
{
    sqlite3_stmt *q = NULL;
    tp_status st = TP_OK;
    if (sqlite3_prepare_v2(s->db, "SELECT (SELECT count(*) FROM tm_unit), "
                           "(SELECT count(*) FROM tm_variant)", -1, &q, NULL) != SQLITE_OK ||
        sqlite3_step(q) != SQLITE_ROW) {
        st = tp_store_db_error(s, err, "cannot count units");
    } else {
        if (units)
            *units = (long)sqlite3_column_int64(q, 0);
        if (variants)
            *variants = (long)sqlite3_column_int64(q, 1);
    }
    sqlite3_finalize(q);
    return st;
}

/* ---- probes ---- */

static tp_status run_postings(tp_store *s, sqlite3_stmt *q, tp_tm_posting_fn fn, void *ctx,
                              tp_error *err)
{
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW)
        if (fn(ctx, sqlite3_column_int64(q, 0), sqlite3_column_int64(q, 1))) {
            rc = SQLITE_DONE;
            break;
        }
    tp_status st = rc == SQLITE_DONE ? TP_OK : tp_store_db_error(s, err, "search failed");
    sqlite3_reset(q);
    sqlite3_clear_bindings(q);
    return st;
}

/* get_varint with the one-byte case first: most deltas in a long list are small. */
static inline int read_delta(const unsigned char *p, size_t len, size_t *pos, uint64_t *v)
{
    if (*pos < len && p[*pos] < 0x80) {
        *v = p[(*pos)++];
        return 1;
    }
    return get_varint(p, len, pos, v);
}

tp_status tp_store_tm_probe_gram(tp_store *s, uint64_t gram, size_t limit, tp_tm_posting_fn fn,
                                 void *ctx, tp_error *err)
{
    tp_status st = tm(s, 0, err);
    if (!st && s->tm->pend_n)
        st = flush(s, 0, err);   /* a probe inside the transaction that added units */
    if (st)
        return st;
    sqlite3_stmt *q = s->tm->probe_gram;
    sqlite3_bind_int64(q, 1, (sqlite3_int64)gram);
    int64_t v = 0, u = 0;
    size_t seen = 0;
    int rc = SQLITE_DONE, stop = 0;
    while (!stop && seen < limit && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        const unsigned char *ids = sqlite3_column_blob(q, 1);
        size_t len = (size_t)sqlite3_column_bytes(q, 1), pos = 0;
        for (sqlite3_int64 k = sqlite3_column_int64(q, 0); k > 0 && seen < limit; k--) {
            uint64_t dv, du;
            if (!ids || !read_delta(ids, len, &pos, &dv) || !read_delta(ids, len, &pos, &du)) {
                sqlite3_reset(q);
                return tp_error_set(err, TP_ERR_STORE, "the segment index is corrupt");
            }
            v += (int64_t)dv;
            u += (int64_t)du;
            seen++;
            if (fn(ctx, v, u)) {
                stop = 1;
                break;
            }
        }
    }
    if (!stop && seen < limit && rc != SQLITE_DONE)
        st = tp_store_db_error(s, err, "search failed");
    sqlite3_reset(q);
    return st;
}

tp_status tp_store_tm_gram_size(tp_store *s, uint64_t gram, size_t limit, size_t *count,
                                 tp_error *err)
{
    tp_status st = tm(s, 0, err);
    if (!st && s->tm->pend_n)
        st = flush(s, 0, err);
    if (st)
        return st;
    /* Only the chunks' counts: their postings, most of a row, are not read. */
    sqlite3_stmt *q = s->tm->gram_size;
    sqlite3_bind_int64(q, 1, (sqlite3_int64)gram);
    size_t n = 0;
    int rc = SQLITE_DONE;
    while (n < limit && (rc = sqlite3_step(q)) == SQLITE_ROW)
        n += (size_t)sqlite3_column_int64(q, 0);
    if (n < limit && rc != SQLITE_DONE)
        st = tp_store_db_error(s, err, "search failed");
    sqlite3_reset(q);
    *count = n;
    return st;
}

tp_status tp_store_tm_last_variant(tp_store *s, int64_t *id, tp_error *err)
{
    tp_status st = tm(s, 0, err);
    if (st)
        return st;
    sqlite3_stmt *q = s->tm->last_variant;
    int rc = sqlite3_step(q);
    *id = rc == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        st = tp_store_db_error(s, err, "cannot read the memory's size");
    sqlite3_reset(q);
    return st;
}

tp_status tp_store_tm_probe_fold(tp_store *s, const char *lang, const char *fold,
                                 tp_tm_posting_fn fn, void *ctx, tp_error *err)
{
    tp_status st = tm(s, 0, err);
    if (st)
        return st;
    sqlite3_stmt *q = s->tm->probe_fold;
    sqlite3_bind_text(q, 1, lang, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 2, (sqlite3_int64)tp_tm_hash(fold, strlen(fold), TP_TM_HASH_SEED));
    sqlite3_bind_text(q, 3, fold, -1, SQLITE_STATIC);
    return run_postings(s, q, fn, ctx, err);
}

tp_status tp_store_tm_variant_fold(tp_store *s, int64_t variant_id, char **fold, tp_error *err)
{
    tp_status st = tm(s, 0, err);
    if (st)
        return st;
    sqlite3_stmt *q = s->tm->variant_fold;
    sqlite3_bind_int64(q, 1, variant_id);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        if (!(*fold = strdup(tp_store_col_text(q, 0))))
            st = tp_error_nomem(err);
    } else {
        st = rc == SQLITE_DONE ? tp_error_set(err, TP_ERR_NOTFOUND, "no variant %lld",
                                              (long long)variant_id)
                               : tp_store_db_error(s, err, "cannot read variant");
    }
    sqlite3_reset(q);
    return st;
}

tp_status tp_store_tm_variant_text(tp_store *s, int64_t variant_id, int64_t *unit_id, char **text,
                                   int *has_codes, tp_error *err)
{
    tp_status st = tm(s, 0, err);
    if (st)
        return st;
    sqlite3_stmt *q = s->tm->variant_row;
    sqlite3_bind_int64(q, 1, variant_id);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        *unit_id = sqlite3_column_int64(q, 0);
        *has_codes = sqlite3_column_type(q, 2) != SQLITE_NULL;
        if (!(*text = strdup(tp_store_col_text(q, 1))))
            st = tp_error_nomem(err);
    } else {
        st = rc == SQLITE_DONE ? tp_error_set(err, TP_ERR_NOTFOUND, "no variant %lld",
                                              (long long)variant_id)
                               : tp_store_db_error(s, err, "cannot read variant");
    }
    sqlite3_reset(q);
    return st;
}
