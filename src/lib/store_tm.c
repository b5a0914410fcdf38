/* The translation memory in the store: units with their variants, props and notes, the lists
 * that index them, duplicate detection, and the probes that matching is built on. Part of the
 * store module: the only other file that knows SQL.
 *
 * A unit is one row of tm_unit: its variants, attributes, props and notes packed into one blob
 * (an import wrote about eight rows a unit when each had rows of its own). A variant's id is
 * made from its unit's id and its place in the unit (VARIANT_ID).
 *
 * The indexes are lists in tm_list, in chunks of about 4 KB, one row a chunk: a list per
 * n-gram of the variants' folded text, and a list per hash bucket for the exact folded text of
 * a variant and for the content of a unit (duplicates). Units added in a transaction leave
 * their entries in memory, grouped by list, and the lists are written in key order at commit
 * (when the memory held passes a ceiling, what is held goes to a sorted run of a temporary
 * file, merged in at the commit): a row write per list and chunk rather than a B-tree insert
 * per gram and variant. */
#define _DEFAULT_SOURCE /* madvise */
#include "toponym/tm.h"
#include "buf_int.h"
#include "error_int.h"
#include "norm_int.h"
#include "pool_int.h"
#include "store_int.h"
#include "tm_int.h"

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>

#define SCOPE_HEADER 1                            /* tm_meta holds only headers' props now */

/* A variant's id: its unit's id times TP_TM_VARIANT_SPAN plus its place. Ids sort as units and
 * variants were added, and their low bits vary with the unit (matching hashes them). */
#define VARIANT_ID(unit, seq) ((int64_t)(unit) * TP_TM_VARIANT_SPAN + (int64_t)(seq))
#define VARIANT_UNIT(id) ((id) / TP_TM_VARIANT_SPAN)
#define VARIANT_SEQ(id) ((id) % TP_TM_VARIANT_SPAN)

#define CHUNK_BYTES 4000                          /* a list's chunk is cut after this */
#define CHUNK_BITS 12                             /* a chunk's row id: list << 12 | chunk */
#define CHUNK_LAST ((1 << CHUNK_BITS) - 1)
#define PENDING_MAX ((size_t)128 * 1024 * 1024)   /* entries held in memory before a spill */
/* New rows of a bulk import (index chunks, units) go in BATCH_ROWS to a statement: its cursor
 * stays at the end of the table between its rows, so that each row is an append rather than a
 * search from the root (the search and the statement's own overhead were most of writing a
 * row). */
#define BATCH_ROWS 64
#define TM_BULK_CACHE_KB "-16384"                 /* page cache while a bulk import adds units */

/* The lists' keys (below 2^51): an n-gram's list is its hash's top 50 bits; a bucket list has
 * bit 50 set, its kind and the low bits of the hash. A bucket entry carries 4 more bits of the
 * hash, so that a probe reads only the few rows that may be the one it wants. */
#define BUCKET_BITS 12
#define BUCKET_LIST ((int64_t)1 << 50)
enum { BUCKET_FOLD = 1, BUCKET_UNIT = 2 };

static int64_t gram_list(uint64_t gram)
{
    return (int64_t)(gram >> TP_TM_GRAM_LIST_SHIFT);
}

static int64_t bucket_list(int kind, uint64_t hash)
{
    return BUCKET_LIST | (int64_t)kind << BUCKET_BITS |
           (int64_t)(hash & ((1u << BUCKET_BITS) - 1));
}

static uint32_t bucket_check(uint64_t hash)
{
    return (uint32_t)(hash >> BUCKET_BITS);
}

/* Attributes of a header are stored as name US value RS name US value ...: XML forbids both
 * characters. Formats 3 to 6 stored units' and variants' attributes so too (read by the upgrade). */
#define US '\x1F'
#define RS '\x1E'

/* The entries of one list not yet written. An entry is varint(unit delta << 3 | min(seq, 7)),
 * then varint(seq - 7) when seq >= 7, then for bucket lists 4 check bytes. The first entry's
 * delta is from unit 0, so that a flush can rebase it on the stored list's last unit. */
typedef struct pending {
    int64_t list;
    int64_t last_unit;
    unsigned char *bytes;   /* a block of the pool of 32 << k bytes; NULL: a free slot */
    uint32_t n;
    uint32_t len : 27;      /* below the pool's largest block, 128 MB (PENDING_MAX spills first) */
    uint32_t k : 5;
} pending;
#define LEN_MASK ((1u << 27) - 1)
/* Slots of 32 bytes, two a cache line (the table is on 2 MB boundaries): a probe is one miss. */
_Static_assert(sizeof(pending) == 32, "a pending slot is half a cache line");

/* The entries of one unit, made before any of them goes to the pending lists, so that a unit
 * that fails half-way leaves none behind. */
typedef struct unit_entries {
    int64_t *list;
    uint32_t *seq;        /* the variant's place in the unit */
    uint32_t *check;      /* of a bucket entry */
    pending **slot;       /* where the list is pending (post_entries) */
    size_t n, cap;
    uint64_t *grams;      /* scratch: a variant's grams (variant_entries) */
    size_t grams_cap;
} unit_entries;

struct tp_store_tm {
    sqlite3_stmt *ins_header, *ins_unit, *ins_meta;
    sqlite3_stmt *get_unit, *all_units, *probe_list, *list_size, *last_unit;
    sqlite3_stmt *last_chunk, *put_chunk, *new_chunk, *new_chunks, *new_units;
    /* The pending lists: a table with open addressing on list (a slot is free while its
     * bytes are NULL), their bytes in blocks of a pool. Both are read at random, a unit's
     * entries each a cache miss away: they are on huge pages (pool_int.h), which took a
     * fifth off storing a unit. */
    pending *pend;
    void *pend_base;      /* to free pend with */
    size_t pend_cap, pend_n;
    tp_pool pool;
    size_t pend_bytes;    /* memory the pending entries hold: the table and the pool */
    size_t pend_max;      /* past it, the pending lists go to the spill file (PENDING_MAX) */
    /* Pending lists put aside when memory ran short: runs in a temporary file, each sorted by
     * list, merged with what is still pending at the commit (spill, flush). */
    FILE *spill;
    struct spill_run { long start, end; } *runs;
    size_t run_n, run_cap;
    int pend_failed;      /* entries were lost (out of memory, failed write): only a rollback */
    /* Asked at the transaction's first unit: whether the memory had units and lists then. A
     * memory without units needs no probe for duplicates in the store, and lists that were
     * empty need no read of their last chunk at the first flush. */
    int asked, had_units, lists_empty;
    /* The units of this transaction, open addressing on the unit hash (0: empty slot). */
    struct seen_unit { uint64_t hash; int64_t id; } *seen;
    void *seen_base;      /* to free seen with */
    size_t seen_cap, seen_n;
    /* The rows of a bulk import's units, written BATCH_ROWS at a time (as chunk rows are, and
     * for the same reason) with ids given out here from next_unit (0: not known yet). */
    struct unit_row {
        int64_t id, header_id;
        uint64_t hash;
        size_t variants;
        tp_buf body;
    } *rows;
    size_t row_n;
    int64_t next_unit;
    tp_tm_prep *prep;     /* scratch: a unit being added on its own (add_unit) */
    tp_buf read_fold;     /* scratch: a stored variant's folded text (variant_fold) */
};

/* A unit made ready to be written (tm_int.h). */
struct tp_tm_prep {
    tp_buf body;          /* its row, but for its id and header */
    tp_buf fold;          /* scratch: a variant's folded text, when the unit has none */
    uint64_t hash;        /* of its content: what duplicates share */
    uint64_t *keys;       /* the variants' keys (variant_key), sorted */
    size_t keys_cap;
    unit_entries ue;      /* its index entries: each variant's, then the unit's bucket */
};

/* Spreads a hash over a table's slots. */
static uint64_t mix(uint64_t h)
{
    return h * 0x9E3779B97F4A7C15ULL;
}

/* A pending list's block of 32 << k bytes comes from the pool below this class (64 KB), from
 * malloc from it on: realloc grows a large block in place or by moving its pages, where the
 * pool would keep each size a list outgrew (as much again as the list: a third of the memory
 * of a 1M import). Large lists are few, and their tails are in the cache anyway. */
#define POOL_LARGE_K 11

static void pending_free(struct tp_store_tm *t)
{
    for (size_t i = 0; i < t->pend_cap; i++)
        if (t->pend[i].bytes && t->pend[i].k >= POOL_LARGE_K)
            free(t->pend[i].bytes);
    tp_pool_free(&t->pool);
    tp_huge_free(t->pend_base);
    t->pend = t->pend_base = NULL;
    t->pend_cap = t->pend_n = t->pend_bytes = 0;
}

/* Forgets what belongs to the transaction: pending entries, the units seen. */
static void txn_reset(struct tp_store_tm *t)
{
    pending_free(t);
    tp_huge_free(t->seen_base);
    t->seen = t->seen_base = NULL;
    t->seen_cap = t->seen_n = 0;
    t->asked = t->had_units = t->lists_empty = t->pend_failed = 0;
    t->row_n = 0;
    t->next_unit = 0;
    if (t->spill)
        fclose(t->spill);
    t->spill = NULL;
    free(t->runs);
    t->runs = NULL;
    t->run_n = t->run_cap = 0;
}

void tp_store_tm_close(tp_store *s)
{
    if (!s->tm)
        return;
    struct tp_store_tm *t = s->tm;
    sqlite3_stmt *all[] = {t->ins_header, t->ins_unit,   t->ins_meta,   t->get_unit,
                           t->all_units,  t->probe_list, t->list_size,  t->last_unit,
                           t->last_chunk, t->put_chunk,  t->new_chunk,  t->new_chunks,
                           t->new_units};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        sqlite3_finalize(all[i]);
    txn_reset(t);
    if (t->rows)
        for (size_t i = 0; i < BATCH_ROWS; i++)
            tp_buf_free(&t->rows[i].body);
    free(t->rows);
    tp_tm_prep_free(t->prep);
    tp_buf_free(&t->read_fold);
    free(t);
    s->tm = NULL;
}


/* INSERT INTO table(columns) VALUES (?, ...) with BATCH_ROWS rows of width values. */
static tp_status prepare_batch(tp_store *s, sqlite3_stmt **q, const char *into, int width,
                               tp_error *err)
{
    char sql[128 + BATCH_ROWS * 16];
    size_t n = (size_t)snprintf(sql, sizeof sql, "INSERT INTO %s VALUES ", into);
    for (int i = 0; i < BATCH_ROWS; i++)
        for (int k = 0; k < width; k++)
            n += (size_t)snprintf(sql + n, sizeof sql - n, "%s?%s", k ? "," : i ? ",(" : "(",
                                  k + 1 == width ? ")" : "");
    return tp_store_prepare(s, q, sql, err);
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
    t->pend_max = PENDING_MAX;
    tp_status st;
    if ((st = tp_store_prepare(s, &t->get_unit, "SELECT body FROM tm_unit WHERE id = ?1", err)) ||
        (st = tp_store_prepare(s, &t->probe_list,
                               "SELECT n, ids FROM tm_list WHERE id BETWEEN ?1 AND ?2 ORDER BY id",
                               err)) ||
        (st = tp_store_prepare(s, &t->list_size,
                               "SELECT n FROM tm_list WHERE id BETWEEN ?1 AND ?2 ORDER BY id",
                               err)) ||
        (st = tp_store_prepare(s, &t->last_unit, "SELECT max(id) FROM tm_unit", err)))
        return st;
    if (s->readonly)
        return TP_OK;
    if ((st = tp_store_prepare(s, &t->ins_header,
                               "INSERT INTO tm_header(source, version, attrs) VALUES(?1,?2,?3)",
                               err)) ||
        (st = tp_store_prepare(s, &t->ins_unit,
                               "INSERT INTO tm_unit(id, header_id, hash, variants, body) "
                               "VALUES(?1,?2,?3,?4,?5)", err)) ||
        (st = tp_store_prepare(s, &t->ins_meta,
                               "INSERT INTO tm_meta(scope, owner, seq, kind, type, lang, encoding, "
                               "text) VALUES(?1,?2,?3,?4,?5,?6,?7,?8)", err)) ||
        (st = tp_store_prepare(s, &t->last_chunk,
                               "SELECT id, n, last, ids FROM tm_list WHERE id BETWEEN ?1 AND ?2 "
                               "ORDER BY id DESC LIMIT 1", err)) ||
        (st = tp_store_prepare(s, &t->new_chunk,
                               "INSERT INTO tm_list(id, n, last, ids) VALUES(?1,?2,?3,?4)", err)) ||
        (st = tp_store_prepare(s, &t->put_chunk,
                               "INSERT OR REPLACE INTO tm_list(id, n, last, ids) VALUES(?1,?2,?3,?4)",
                               err)))
        return st;
    return TP_OK;
}

/* ---- varints and the packed unit ---- */

static size_t put_varint(unsigned char *p, uint64_t v)
{
    size_t n = 0;
    for (; v >= 0x80; v >>= 7)
        p[n++] = (unsigned char)(v | 0x80);
    p[n++] = (unsigned char)v;
    return n;
}

/* Reads a varint at *pos; 0 when the bytes end first or it runs past 64 bits. In line: it is
 * read for every entry of every list a commit writes. */
static inline int get_varint(const unsigned char *p, size_t len, size_t *pos, uint64_t *v)
{
    if (*pos < len && p[*pos] < 0x80) {
        /* One byte: most of the index's entries. */
        *v = p[(*pos)++];
        return 1;
    }
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

/* The body of a unit: str srclang, attrs, metas, varint variant count, then each variant: str
 * lang, text, markup, codes, fold, attrs, metas. A str is varint(length + 1) and the bytes with
 * their NUL (so that a reader can use them in place), or varint 0 for NULL; attrs are a varint
 * count of (str name, str value); metas a varint count of (varint kind, str type, lang,
 * encoding, text). The fold is NULL from format 8 on: it is made again from the text when a
 * probe needs it (variant_fold), which took a third off a memory's size. */
static tp_status put_num(tp_buf *b, uint64_t v)
{
    unsigned char tmp[10];
    return tp_buf_append(b, (const char *)tmp, put_varint(tmp, v));
}

static tp_status put_str(tp_buf *b, const char *s)
{
    if (!s)
        return put_num(b, 0);
    size_t n = strlen(s);
    tp_status st = put_num(b, (uint64_t)n + 1);
    return st ? st : tp_buf_append(b, s, n + 1);
}

static tp_status put_attrs(tp_buf *b, const tp_tm_attr *a, size_t n)
{
    tp_status st = put_num(b, n);
    for (size_t i = 0; !st && i < n; i++)
        if (!(st = put_str(b, a[i].name)))
            st = put_str(b, a[i].value);
    return st;
}

static tp_status put_metas(tp_buf *b, const tp_tm_meta *m, size_t n)
{
    tp_status st = put_num(b, n);
    for (size_t i = 0; !st && i < n; i++)
        if (!(st = put_num(b, (uint64_t)m[i].kind)) && !(st = put_str(b, m[i].type)) &&
            !(st = put_str(b, m[i].lang)) && !(st = put_str(b, m[i].encoding)))
            st = put_str(b, m[i].text);
    return st;
}

/* A read position in a stored body; bad is set when the bytes do not parse. */
typedef struct cursor {
    const unsigned char *p;
    size_t len, pos;
    int bad;
} cursor;

static uint64_t get_num(cursor *c)
{
    uint64_t v = 0;
    if (!c->bad && !get_varint(c->p, c->len, &c->pos, &v))
        c->bad = 1;
    return c->bad ? 0 : v;
}

/* A string of the body, in place (NUL-terminated), or NULL. */
static const char *get_str(cursor *c)
{
    uint64_t n = get_num(c);
    if (c->bad || n == 0)
        return NULL;
    if (n > c->len - c->pos || c->p[c->pos + n - 1] != '\0') {
        c->bad = 1;
        return NULL;
    }
    const char *s = (const char *)c->p + c->pos;
    c->pos += (size_t)n;
    return s;
}

static void skip_attrs(cursor *c)
{
    for (uint64_t n = get_num(c); !c->bad && n; n--) {
        get_str(c);
        get_str(c);
    }
}

static void skip_metas(cursor *c)
{
    for (uint64_t n = get_num(c); !c->bad && n; n--) {
        get_num(c);
        for (int k = 0; k < 4; k++)
            get_str(c);
    }
}

/* One variant of a body, in place. */
typedef struct packed_variant {
    const char *lang, *text, *markup, *codes;
    const char *fold;     /* format 7 stored it; NULL from format 8 on (variant_fold) */
} packed_variant;

/* Moves past the unit's own fields; gives the variant count. */
static uint64_t seek_variants(cursor *c)
{
    get_str(c);
    skip_attrs(c);
    skip_metas(c);
    return get_num(c);
}

static void get_variant_head(cursor *c, packed_variant *v)
{
    v->lang = get_str(c);
    v->text = get_str(c);
    v->markup = get_str(c);
    v->codes = get_str(c);
    v->fold = get_str(c);
}

/* The variant at seq of a body, in place; 0 when there is none or the body is corrupt. */
static int find_variant(const void *body, size_t len, uint64_t seq, packed_variant *v)
{
    cursor c = {body, len, 0, !body};
    uint64_t n = seek_variants(&c);
    if (c.bad || seq >= n)
        return 0;
    for (uint64_t i = 0; i < seq && !c.bad; i++) {
        get_variant_head(&c, v);
        skip_attrs(&c);
        skip_metas(&c);
    }
    get_variant_head(&c, v);
    return !c.bad && v->lang && v->text;
}

static tp_status set(char **field, const char *v)
{
    if (v && !(*field = strdup(v)))
        return TP_ERR_NOMEM;
    return TP_OK;
}

static tp_status read_attrs(cursor *c, tp_tm_attr **attrs, size_t *count, tp_error *err)
{
    tp_status st = TP_OK;
    for (uint64_t n = get_num(c); !st && !c->bad && n; n--) {
        const char *name = get_str(c), *value = get_str(c);
        if (!c->bad)
            st = tp_tm_attr_add(attrs, count, name, value, err);
    }
    return st;
}

static tp_status read_metas(cursor *c, tp_tm_meta **meta, size_t *count, tp_error *err)
{
    tp_status st = TP_OK;
    for (uint64_t n = get_num(c); !st && !c->bad && n; n--) {
        tp_tm_meta m;
        m.kind = (tp_tm_meta_kind)get_num(c);
        m.type = (char *)get_str(c);
        m.lang = (char *)get_str(c);
        m.encoding = (char *)get_str(c);
        m.text = (char *)get_str(c);
        if (!c->bad)
            st = tp_tm_meta_add(meta, count, &m, err);
    }
    return st;
}

/* Builds a unit from its stored body. *out is freed by the caller. */
static tp_status unpack_unit(int64_t id, const void *body, size_t len, tp_tm_unit **out,
                             tp_error *err)
{
    tp_tm_unit *u = tp_tm_unit_new();
    if (!u)
        return tp_error_nomem(err);
    u->id = id;
    cursor c = {body, len, 0, !body};
    tp_status st = set(&u->srclang, get_str(&c)) ? tp_error_nomem(err) : TP_OK;
    if (!st)
        st = read_attrs(&c, &u->attrs, &u->attr_count, err);
    if (!st)
        st = read_metas(&c, &u->meta, &u->meta_count, err);
    uint64_t n = get_num(&c);
    if (!st && n > TP_TM_VARIANTS_MAX)
        c.bad = 1;
    for (uint64_t i = 0; !st && !c.bad && i < n; i++) {
        packed_variant pv;
        get_variant_head(&c, &pv);
        tp_tm_variant *v;
        if (c.bad || !pv.lang || !pv.text)
            break;
        if ((st = tp_tm_unit_add_variant(u, pv.lang, &v, err)))
            break;
        v->id = VARIANT_ID(id, i);
        if (set(&v->text, pv.text) || set(&v->markup, pv.markup) || set(&v->codes, pv.codes) ||
            (pv.fold && set(&v->fold, pv.fold)))
            st = tp_error_nomem(err);
        if (!st)
            st = read_attrs(&c, &v->attrs, &v->attr_count, err);
        if (!st)
            st = read_metas(&c, &v->meta, &v->meta_count, err);
    }
    if (!st && (c.bad || u->variant_count != n))
        st = tp_error_set(err, TP_ERR_STORE, "translation unit %lld is corrupt", (long long)id);
    if (st) {
        tp_tm_unit_free(u);
        return st;
    }
    *out = u;
    return TP_OK;
}

/* ---- headers ---- */

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

/* ---- duplicates ---- */

/* A variant's content for duplicate detection: its whole language tag, lower-cased (en-US and
 * en-GB are different variants), and its markup when it has one, else its text. */
static const char *content(const char *markup, const char *text)
{
    return markup ? markup : text;
}

/* A variant key's hash state after the language: what its content is hashed from. */
static uint64_t key_seed(const char *lang)
{
    uint64_t h = TP_TM_HASH_SEED;
    for (const char *p = lang; *p; p++) {
        h ^= (unsigned char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
        h *= 0x100000001b3ULL;
    }
    h ^= (unsigned char)US;
    h *= 0x100000001b3ULL;
    return h;
}

static uint64_t variant_key(const char *lang, const char *body)
{
    return tp_tm_hash(body, strlen(body), key_seed(lang));
}

static uint64_t unit_hash(const uint64_t *keys, size_t n)
{
    return tp_tm_hash((const char *)keys, n * sizeof *keys, TP_TM_HASH_SEED);
}

/* Whether the stored body holds the same (language, content) pairs as u, whose sorted keys
 * are given. */
static int same_content(const tp_tm_unit *u, const uint64_t *keys, const void *body, size_t len)
{
    cursor c = {body, len, 0, !body};
    uint64_t n = seek_variants(&c);
    if (c.bad || n != u->variant_count)
        return 0;
    uint64_t *other = malloc(n * sizeof *other);
    if (!other)
        return -1;
    int same = 1;
    for (uint64_t i = 0; i < n && !c.bad; i++) {
        packed_variant pv;
        get_variant_head(&c, &pv);
        skip_attrs(&c);
        skip_metas(&c);
        if (!c.bad && pv.lang && pv.text)
            other[i] = variant_key(pv.lang, content(pv.markup, pv.text));
        else
            c.bad = 1;
    }
    if (c.bad)
        same = 0;
    else if (n > 1)
        tp_tm_sort_u64(other, n);
    for (uint64_t i = 0; same && i < n; i++)
        same = other[i] == keys[i];
    free(other);
    if (!same)
        return 0;
    /* Equal keys: make sure of the text itself, pair by pair. */
    c.pos = 0;
    c.bad = 0;
    seek_variants(&c);
    for (uint64_t i = 0; same && i < n && !c.bad; i++) {
        packed_variant pv;
        get_variant_head(&c, &pv);
        skip_attrs(&c);
        skip_metas(&c);
        same = 0;
        for (size_t k = 0; !same && k < u->variant_count; k++)
            same = !strcasecmp(pv.lang, u->variants[k].lang) &&
                   !strcmp(content(pv.markup, pv.text),
                           content(u->variants[k].markup, u->variants[k].text));
    }
    return same && !c.bad;
}

/* Writes the unit rows waiting for their batch. */
static tp_status write_unit_rows(tp_store *s, tp_error *err)
{
    struct tp_store_tm *t = s->tm;
    tp_status st = TP_OK;
    /* The batch statement is made when a first batch is full (small imports never need it). */
    if (t->row_n == BATCH_ROWS && !t->new_units &&
        (st = prepare_batch(s, &t->new_units, "tm_unit(id, header_id, hash, variants, body)", 5,
                            err)))
        return st;
    sqlite3_stmt *q = t->row_n == BATCH_ROWS ? t->new_units : t->ins_unit;
    for (size_t i = 0; !st && i < t->row_n; i++) {
        int at = q == t->new_units ? (int)i * 5 : 0;
        const struct unit_row *r = &t->rows[i];
        sqlite3_bind_int64(q, at + 1, r->id);
        if (r->header_id)
            sqlite3_bind_int64(q, at + 2, r->header_id);
        else
            sqlite3_bind_null(q, at + 2);
        sqlite3_bind_int64(q, at + 3, (sqlite3_int64)r->hash);
        sqlite3_bind_int64(q, at + 4, (sqlite3_int64)r->variants);
        sqlite3_bind_blob(q, at + 5, r->body.data, (int)r->body.len, SQLITE_STATIC);
        if (q == t->ins_unit || i + 1 == t->row_n)
            st = tp_store_step_done(s, q, err, "cannot store unit");
    }
    t->row_n = 0;
    return st;
}

/* Whether stored unit id holds u's content; -1 when it cannot be read. */
static int same_unit(tp_store *s, int64_t id, const tp_tm_unit *u, const uint64_t *keys)
{
    if (s->tm->row_n && write_unit_rows(s, NULL))
        return -1;   /* the unit may be among the rows not written yet */
    sqlite3_stmt *q = s->tm->get_unit;
    sqlite3_bind_int64(q, 1, id);
    int same = -1;
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW)
        same = same_content(u, keys, sqlite3_column_blob(q, 0),
                            (size_t)sqlite3_column_bytes(q, 0));
    else if (rc == SQLITE_DONE)
        same = 0;
    sqlite3_reset(q);
    return same;
}

static int seen_add(struct tp_store_tm *t, uint64_t hash, int64_t id)
{
    if ((t->seen_n + 1) * 2 > t->seen_cap) {
        size_t cap = t->seen_cap ? t->seen_cap * 2 : 4096;
        void *base;
        struct seen_unit *p = tp_huge_calloc(cap * sizeof *p, &base);
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
        tp_huge_free(t->seen_base);
        t->seen = p;
        t->seen_base = base;
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

/* Calls fn for each entry of a stored list (unit, seq, and for bucket lists the check bits),
 * in order, until fn returns nonzero or limit entries were given. */
typedef int (*entry_fn)(void *ctx, int64_t unit, int64_t seq, uint32_t check);
static tp_status walk_list(tp_store *s, int64_t list, size_t limit, entry_fn fn, void *ctx,
                           tp_error *err);

typedef struct dup_probe {
    tp_store *s;
    const tp_tm_unit *u;
    const uint64_t *keys;
    uint32_t check;
    int64_t dup;
    int failed;
} dup_probe;

static int on_dup_entry(void *ctx, int64_t unit, int64_t seq, uint32_t check)
{
    (void)seq;
    dup_probe *d = ctx;
    if (check != d->check)
        return 0;
    int same = same_unit(d->s, unit, d->u, d->keys);
    if (same < 0)
        d->failed = 1;
    else if (same)
        d->dup = unit;
    return same != 0;
}

/* The stored unit with the same content as u (hash, sorted keys), or 0. */
static tp_status find_duplicate(tp_store *s, const tp_tm_unit *u, uint64_t hash,
                                const uint64_t *keys, int64_t *dup, tp_error *err)
{
    struct tp_store_tm *t = s->tm;
    *dup = 0;
    if (t->seen_cap)
        for (size_t h = (size_t)(mix(hash | 1) >> 20) & (t->seen_cap - 1); t->seen[h].hash;
             h = (h + 1) & (t->seen_cap - 1)) {
            if (t->seen[h].hash != (hash | 1))
                continue;
            int same = same_unit(s, t->seen[h].id, u, keys);
            /* A failure here must not read as "no duplicate": the unit would be stored twice
             * (found by tests/fault/test_fault.c). */
            if (same < 0)
                return tp_store_db_error(s, err, "cannot compare units");
            if (same) {
                *dup = t->seen[h].id;
                return TP_OK;
            }
        }
    if (!t->had_units)
        return TP_OK;   /* every unit of the memory was added in this transaction */
    dup_probe d = {s, u, keys, bucket_check(hash), 0, 0};
    tp_status st = walk_list(s, bucket_list(BUCKET_UNIT, hash), SIZE_MAX, on_dup_entry, &d, err);
    if (!st && d.failed)
        st = tp_store_db_error(s, err, "cannot compare units");
    *dup = d.dup;
    return st;
}

/* ---- the lists ---- */

static int pending_grow(struct tp_store_tm *t, size_t need)
{
    size_t cap = t->pend_cap ? t->pend_cap : 4096;
    while (need * 2 > cap)
        cap *= 2;
    if (cap == t->pend_cap)
        return 0;
    void *base;
    pending *p = tp_huge_calloc(cap * sizeof *p, &base);
    if (!p)
        return -1;
    for (size_t i = 0; i < t->pend_cap; i++) {
        if (!t->pend[i].bytes)
            continue;
        size_t h = (size_t)(mix((uint64_t)t->pend[i].list) >> 20) & (cap - 1);
        while (p[h].bytes)
            h = (h + 1) & (cap - 1);
        p[h] = t->pend[i];
    }
    tp_huge_free(t->pend_base);
    t->pend_bytes += (cap - t->pend_cap) * sizeof *p;
    t->pend = p;
    t->pend_base = base;
    t->pend_cap = cap;
    return 0;
}

/* The slot of a list in the table (there must be one). */
static pending *pending_find(struct tp_store_tm *t, int64_t list)
{
    size_t h = (size_t)(mix((uint64_t)list) >> 20) & (t->pend_cap - 1);
    while (t->pend[h].list != list || !t->pend[h].bytes)
        h = (h + 1) & (t->pend_cap - 1);
    return &t->pend[h];
}

/* The slot of list in the table, claimed (with room for a first entry) when the list is new;
 * NULL when out of memory. A slot is free while its bytes are NULL. */
static pending *pending_slot(struct tp_store_tm *t, int64_t list)
{
    size_t h = (size_t)(mix((uint64_t)list) >> 20) & (t->pend_cap - 1);
    while (t->pend[h].bytes && t->pend[h].list != list)
        h = (h + 1) & (t->pend_cap - 1);
    pending *e = &t->pend[h];
    if (!e->bytes) {
        size_t held = t->pool.held;
        if (!(e->bytes = tp_pool_get(&t->pool, 0)))
            return NULL;
        e->list = list;
        e->k = 0;
        t->pend_n++;
        t->pend_bytes += t->pool.held - held;
    }
    return e;
}

/* Adds an entry to a list's slot; units only grow (and a unit's variants in order), so each
 * list stays sorted. check is used for bucket lists only. */
static int pending_add(struct tp_store_tm *t, pending *e, int64_t unit, int64_t seq,
                       uint32_t check)
{
    if ((size_t)e->len + 24 > (size_t)32 << e->k) {
        /* The next size up, the old block given back. */
        unsigned k = e->k;
        unsigned char *b;
        if (k + 1 >= TP_POOL_CLASSES) {
            return -1;   /* 128 MB in one list: PENDING_MAX spills long before */
        } else if (k + 1 >= POOL_LARGE_K) {
            b = k >= POOL_LARGE_K ? realloc(e->bytes, (size_t)32 << (k + 1))
                                  : malloc((size_t)32 << (k + 1));
            if (!b)
                return -1;
            t->pend_bytes += (size_t)32 << k;
            if (k < POOL_LARGE_K) {
                memcpy(b, e->bytes, e->len);
                tp_pool_put(&t->pool, e->bytes, k);
            }
        } else {
            size_t held = t->pool.held;
            if (!(b = tp_pool_get(&t->pool, k + 1)))
                return -1;
            t->pend_bytes += t->pool.held - held;
            memcpy(b, e->bytes, e->len);
            tp_pool_put(&t->pool, e->bytes, k);
        }
        e->bytes = b;
        e->k = (k + 1) & 31u;
    }
    /* The block has room for the entry (at most 16 bytes), so len stays below 2^27. */
    uint32_t len = e->len;
    uint64_t low = seq < 7 ? (uint64_t)seq : 7;
    len += (uint32_t)put_varint(e->bytes + len, (uint64_t)(unit - e->last_unit) << 3 | low);
    if (low == 7)
        len += (uint32_t)put_varint(e->bytes + len, (uint64_t)(seq - 7));
    if (e->list & BUCKET_LIST) {
        memcpy(e->bytes + len, &check, 4);
        len += 4;
    }
    e->len = len & LEN_MASK;
    e->last_unit = unit;
    e->n++;
    return 0;
}

/* Reads one entry at *pos into (unit delta, seq, check); 0 when the bytes are corrupt. */
static inline int get_entry(const unsigned char *p, size_t len, size_t *pos, int bucket,
                            uint64_t *du, uint64_t *seq, uint32_t *check)
{
    uint64_t x;
    if (!get_varint(p, len, pos, &x))
        return 0;
    *du = x >> 3;
    *seq = x & 7;
    if (*seq == 7) {
        if (!get_varint(p, len, pos, &x) || x >= TP_TM_VARIANTS_MAX)
            return 0;
        *seq += x;
    }
    *check = 0;
    if (bucket) {
        if (len - *pos < 4)
            return 0;
        memcpy(check, p + *pos, 4);
        *pos += 4;
    }
    return 1;
}

static tp_status walk_list(tp_store *s, int64_t list, size_t limit, entry_fn fn, void *ctx,
                           tp_error *err)
{
    sqlite3_stmt *q = s->tm->probe_list;
    sqlite3_bind_int64(q, 1, list << CHUNK_BITS);
    sqlite3_bind_int64(q, 2, list << CHUNK_BITS | CHUNK_LAST);
    int64_t unit = 0;
    size_t seen = 0;
    int rc = SQLITE_DONE, stop = 0, bucket = (list & BUCKET_LIST) != 0;
    tp_status st = TP_OK;
    while (!stop && seen < limit && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        const unsigned char *ids = sqlite3_column_blob(q, 1);
        size_t len = (size_t)sqlite3_column_bytes(q, 1), pos = 0;
        for (sqlite3_int64 k = sqlite3_column_int64(q, 0); k > 0 && seen < limit; k--) {
            uint64_t du, seq;
            uint32_t check;
            if (!ids || !get_entry(ids, len, &pos, bucket, &du, &seq, &check)) {
                sqlite3_reset(q);
                return tp_error_set(err, TP_ERR_STORE, "the segment index is corrupt");
            }
            unit += (int64_t)du;
            seen++;
            if (fn(ctx, unit, (int64_t)seq, check)) {
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

/* New chunk rows waiting for their batch (BATCH_ROWS). A chunk made in flush_one's buffer is
 * copied into the row's own room; a list's pending bytes are pointed to (they live until the
 * flush ends). */
typedef struct chunk_row {
    int64_t id, last;
    size_t n, len;
    const unsigned char *ids;
} chunk_row;

typedef struct chunk_batch {
    chunk_row rows[BATCH_ROWS];
    size_t count;
    unsigned char room[BATCH_ROWS][CHUNK_BYTES + 32];
} chunk_batch;

static tp_status write_rows(tp_store *s, chunk_batch *b, tp_error *err)
{
    tp_status st = TP_OK;
    if (b->count == BATCH_ROWS && !s->tm->new_chunks &&
        (st = prepare_batch(s, &s->tm->new_chunks, "tm_list(id, n, last, ids)", 4, err)))
        return st;
    sqlite3_stmt *q = b->count == BATCH_ROWS ? s->tm->new_chunks : s->tm->new_chunk;
    for (size_t i = 0; !st && i < b->count; i++) {
        /* The batch statement takes every row at once, the single one a row a step. */
        int at = q == s->tm->new_chunks ? (int)i * 4 : 0;
        const chunk_row *r = &b->rows[i];
        sqlite3_bind_int64(q, at + 1, r->id);
        sqlite3_bind_int64(q, at + 2, (sqlite3_int64)r->n);
        sqlite3_bind_int64(q, at + 3, r->last);
        sqlite3_bind_blob(q, at + 4, r->ids, (int)r->len, SQLITE_STATIC);
        if (q == s->tm->new_chunk || i + 1 == b->count)
            st = tp_store_step_done(s, q, err, "cannot write the segment index");
    }
    b->count = 0;
    return st;
}

/* Writes a chunk: over the stored one when replace is set (a statement of its own), else as a
 * new row, in a batch. copy: ids is flush_one's buffer, reused for the next chunk. */
static tp_status put_chunk(tp_store *s, chunk_batch *b, int64_t id, size_t n, int64_t last,
                           const unsigned char *ids, size_t len, int replace, int copy,
                           tp_error *err)
{
    if (replace) {
        sqlite3_stmt *q = s->tm->put_chunk;
        sqlite3_bind_int64(q, 1, id);
        sqlite3_bind_int64(q, 2, (sqlite3_int64)n);
        sqlite3_bind_int64(q, 3, last);
        sqlite3_bind_blob(q, 4, ids, (int)len, SQLITE_STATIC);
        return tp_store_step_done(s, q, err, "cannot write the segment index");
    }
    chunk_row *r = &b->rows[b->count];
    if (copy) {
        memcpy(b->room[b->count], ids, len);
        ids = b->room[b->count];
    }
    *r = (chunk_row){id, last, n, len, ids};
    return ++b->count == BATCH_ROWS ? write_rows(s, b, err) : TP_OK;
}

/* A list being written by a flush, from one or more segments of entries (spilled runs, then
 * what is pending), each segment's first delta from unit 0: its chunks so far, and the one
 * being filled in out. */
typedef struct list_writer {
    int64_t first, id;    /* the list's first chunk id; the chunk being filled */
    int64_t last;         /* the unit of the list's last entry so far */
    size_t len, n;        /* bytes and entries in out */
    int replace;          /* out began as the stored last chunk: it is written over it */
    int bucket;
    unsigned char *out;   /* room for CHUNK_BYTES + 32 */
} list_writer;

/* Starts list: after its stored chunks (read unless the memory had no lists: fresh). */
static tp_status list_begin(tp_store *s, list_writer *w, int64_t list, int fresh,
                            unsigned char *out, tp_error *err)
{
    *w = (list_writer){list << CHUNK_BITS, list << CHUNK_BITS, 0, 0, 0, 0,
                       (list & BUCKET_LIST) != 0, out};
    if (fresh)
        return TP_OK;
    sqlite3_stmt *q = s->tm->last_chunk;
    sqlite3_bind_int64(q, 1, w->first);
    sqlite3_bind_int64(q, 2, w->first | CHUNK_LAST);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        w->id = sqlite3_column_int64(q, 0);
        w->last = sqlite3_column_int64(q, 2);
        const void *ids = sqlite3_column_blob(q, 3);
        size_t have = (size_t)sqlite3_column_bytes(q, 3);
        if (have < CHUNK_BYTES && ids) {
            memcpy(out, ids, have);
            w->len = have;
            w->n = (size_t)sqlite3_column_int64(q, 1);
            w->replace = 1;
        } else {
            w->id++;
        }
    }
    sqlite3_reset(q);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return tp_store_db_error(s, err, "cannot read the segment index");
    return TP_OK;
}

/* Appends a segment of count entries whose last is of unit last: the first rebased on the
 * list's last unit, the rest copied as they are, a chunk at a time. */
static tp_status list_append(tp_store *s, chunk_batch *b, list_writer *w,
                             const unsigned char *bytes, size_t blen, uint32_t count,
                             int64_t last, tp_error *err)
{
    int64_t unit = 0;
    size_t pos = 0;
    size_t run = 0;       /* where the entries not yet in out start in bytes */
    tp_status st = TP_OK;
    for (uint32_t k = 0; !st && k < count; k++) {
        if (k > 0 && w->len + (blen - run) < CHUNK_BYTES) {
            /* The rest fits the chunk being filled (as most segments do): copied whole, with
             * no entry read. */
            if (last < unit)
                return tp_error_set(err, TP_ERR_STORE, "segment index out of order");
            w->last = last;
            w->n += count - k;
            pos = blen;
            break;
        }
        uint64_t du, seq;
        uint32_t check;
        if (!get_entry(bytes, blen, &pos, w->bucket, &du, &seq, &check))
            return tp_error_set(err, TP_ERR_STORE, "the segment index is corrupt");
        unit += (int64_t)du;
        if (k == 0) {
            if (unit < w->last)
                return tp_error_set(err, TP_ERR_STORE, "segment index out of order");
            uint64_t low = seq < 7 ? seq : 7;
            w->len += put_varint(w->out + w->len, (uint64_t)(unit - w->last) << 3 | low);
            if (low == 7)
                w->len += put_varint(w->out + w->len, seq - 7);
            if (w->bucket) {
                memcpy(w->out + w->len, &check, 4);
                w->len += 4;
            }
            run = pos;
        }
        w->last = unit;
        w->n++;
        if (w->len + (pos - run) >= CHUNK_BYTES) {
            if ((w->id & CHUNK_LAST) == CHUNK_LAST)
                return tp_error_set(err, TP_ERR_STORE, "an index list is too long");
            memcpy(w->out + w->len, bytes + run, pos - run);
            w->len += pos - run;
            run = pos;
            st = put_chunk(s, b, w->id++, w->n, w->last, w->out, w->len, w->replace, 1, err);
            w->replace = 0;
            w->len = w->n = 0;
        }
    }
    memcpy(w->out + w->len, bytes + run, pos - run);
    w->len += pos - run;
    return st;
}

static tp_status list_end(tp_store *s, chunk_batch *b, list_writer *w, tp_error *err)
{
    return w->n ? put_chunk(s, b, w->id, w->n, w->last, w->out, w->len, w->replace, 1, err)
                : TP_OK;
}

/* A spilled list: this header, then len bytes of entries. */
typedef struct spill_head {
    int64_t list, last_unit;
    uint32_t n, len;
} spill_head;

/* Puts the pending lists aside in a new run of the spill file, in list order, and frees them:
 * memory ran short before the commit. Writing them to the store instead would make the
 * commit read back and rewrite the last chunk of nearly every list (three seconds of a 1M
 * import); a run is read once, in order, when the lists are written. */
static tp_status spill(tp_store *s, const uint64_t *keys, size_t n, tp_error *err)
{
    struct tp_store_tm *t = s->tm;
    if (t->run_n == t->run_cap) {
        size_t cap = t->run_cap ? t->run_cap * 2 : 8;
        struct spill_run *r = realloc(t->runs, cap * sizeof *r);
        if (!r)
            return tp_error_nomem(err);
        t->runs = r;
        t->run_cap = cap;
    }
    if (!t->spill && !(t->spill = tmpfile()))
        return tp_error_set(err, TP_ERR_IO, "cannot make a temporary file for the index: %s",
                            strerror(errno));
    long start = ftell(t->spill);
    int ok = start >= 0;
    for (size_t i = 0; ok && i < n; i++) {
        const pending *e = pending_find(t, (int64_t)keys[i]);
        spill_head h = {e->list, e->last_unit, e->n, e->len};
        ok = fwrite(&h, sizeof h, 1, t->spill) == 1 && fwrite(e->bytes, 1, e->len, t->spill) == e->len;
    }
    long end = ok ? ftell(t->spill) : -1;
    if (!ok || end < 0 || fflush(t->spill) != 0)
        return tp_error_set(err, TP_ERR_IO, "cannot write the index's temporary file: %s",
                            strerror(errno));
    t->runs[t->run_n++] = (struct spill_run){start, end};
    pending_free(t);
    return TP_OK;
}

/* A run of the spill file being read back, mapped: its next list. */
typedef struct run_reader {
    const unsigned char *p, *end;
    spill_head h;         /* h.list < 0: the run is read */
    const unsigned char *bytes;
    const unsigned char *released;  /* the run's pages before this are given back */
} run_reader;

static int run_next(run_reader *r)
{
    if (r->end - r->p < (ptrdiff_t)sizeof r->h) {
        r->h.list = -1;
        return r->p == r->end;
    }
    memcpy(&r->h, r->p, sizeof r->h);
    r->bytes = r->p + sizeof r->h;
    if (r->h.list < 0 || (size_t)(r->end - r->bytes) < r->h.len)
        return 0;
    r->p = r->bytes + r->h.len;
    /* The pages read are given back as the run goes on, so that they do not add to the
     * import's memory (a batched row pointing into them reads them from the file again). */
    if (r->p - r->released > (4 << 20)) {
        const unsigned char *to = (const unsigned char *)((uintptr_t)r->bytes & ~(uintptr_t)4095);
        if (to > r->released) {
            madvise((void *)r->released, (size_t)(to - r->released), MADV_DONTNEED);
            r->released = to;
        }
    }
    return 1;
}

/* Writes the pending entries (with the runs spilled before); at the end of the transaction
 * (last), forgets its state too. Otherwise (memory ran short) puts them in a new run. */
static tp_status flush(tp_store *s, int last, tp_error *err)
{
    struct tp_store_tm *t = s->tm;
    if (!t)
        return TP_OK;
    if (t->pend_failed)
        return tp_error_set(err, TP_ERR_STORE, "the segment index could not be written (out of "
                                               "memory or a failed write): rolled back");
    if (t->row_n) {
        tp_status st = write_unit_rows(s, err);
        if (st) {
            t->pend_failed = 1;
            return st;
        }
    }
    if (!t->pend_n && !t->run_n) {
        if (last)
            txn_reset(t);
        return TP_OK;
    }
    /* In list order, so that the B-tree is written from one end to the other: the keys sorted
     * alone (a comparison is an instruction, not a call that reads two slots), each slot found
     * again by its key. */
    uint64_t *order = malloc((t->pend_n ? t->pend_n : 1) * sizeof *order);
    unsigned char *out = malloc(CHUNK_BYTES + 32);
    chunk_batch *b = malloc(sizeof *b);
    run_reader *rr = calloc(t->run_n ? t->run_n : 1, sizeof *rr);
    tp_status st = order && out && b && rr ? TP_OK : tp_error_nomem(err);
    if (b)
        b->count = 0;
    size_t n = 0;
    for (size_t i = 0; !st && i < t->pend_cap; i++)
        if (t->pend[i].n)
            order[n++] = (uint64_t)t->pend[i].list;
    if (!st)
        tp_tm_sort_u64(order, n);
    if (!st && !last) {
        st = spill(s, order, n, err);
        free(order);
        free(out);
        free(b);
        free(rr);
        if (st)
            t->pend_failed = 1;
        return st;
    }
    /* The runs, mapped and read side by side with the pending lists, list by list. */
    void *map = NULL;
    size_t map_len = t->run_n ? (size_t)t->runs[t->run_n - 1].end : 0;
    if (!st && map_len) {
        map = mmap(NULL, map_len, PROT_READ, MAP_PRIVATE, fileno(t->spill), 0);
        if (map == MAP_FAILED) {
            map = NULL;
            st = tp_error_set(err, TP_ERR_IO, "cannot read the index's temporary file: %s",
                              strerror(errno));
        }
    }
    for (size_t r = 0; !st && r < t->run_n; r++) {
        rr[r].p = (const unsigned char *)map + t->runs[r].start;
        rr[r].end = (const unsigned char *)map + t->runs[r].end;
        /* Pages are given back from the run's first page boundary (madvise takes no other; on
         * a system of larger pages the calls fail and nothing is given back). */
        size_t first_page = ((size_t)t->runs[r].start + 4095) & ~(size_t)4095;
        rr[r].released = (const unsigned char *)map + first_page;
        if (!run_next(&rr[r]))
            st = tp_error_set(err, TP_ERR_STORE, "the index's temporary file is corrupt");
    }
    int fresh = t->asked && t->lists_empty;
    size_t i = 0;
    for (;;) {
        if (st)
            break;
        /* The smallest list still to write, of the runs' and the pending ones. */
        int64_t list = i < n ? (int64_t)order[i] : -1;
        for (size_t r = 0; r < t->run_n; r++)
            if (rr[r].h.list >= 0 && (list < 0 || rr[r].h.list < list))
                list = rr[r].h.list;
        if (list < 0)
            break;
        const pending *e = i < n && (int64_t)order[i] == list ? pending_find(t, list) : NULL;
        list_writer w;
        st = list_begin(s, &w, list, fresh, out, err);
        size_t segments = 0;
        const unsigned char *one = NULL;
        spill_head oneh = {0, 0, 0, 0};
        for (size_t r = 0; r < t->run_n; r++)
            if (rr[r].h.list == list) {
                segments++;
                one = rr[r].bytes;
                oneh = rr[r].h;
            }
        if (e) {
            segments++;
            one = e->bytes;
            oneh = (spill_head){e->list, e->last_unit, e->n, e->len};
        }
        if (!st && segments == 1 && w.len == 0 && w.last == 0 && w.id == w.first &&
            oneh.len < CHUNK_BYTES) {
            /* A list new to the store that fits one chunk (most of them) goes in as it is: its
             * first delta is already from unit 0. */
            st = put_chunk(s, b, w.id, oneh.n, oneh.last_unit, one, oneh.len, 0, 0, err);
        } else {
            for (size_t r = 0; !st && r < t->run_n; r++)
                if (rr[r].h.list == list)
                    st = list_append(s, b, &w, rr[r].bytes, rr[r].h.len, rr[r].h.n,
                                     rr[r].h.last_unit, err);
            if (!st && e)
                st = list_append(s, b, &w, e->bytes, e->len, e->n, e->last_unit, err);
            if (!st)
                st = list_end(s, b, &w, err);
        }
        for (size_t r = 0; !st && r < t->run_n; r++)
            if (rr[r].h.list == list && !run_next(&rr[r]))
                st = tp_error_set(err, TP_ERR_STORE, "the index's temporary file is corrupt");
        i += e != NULL;
    }
    if (!st)
        st = write_rows(s, b, err);
    if (map)
        munmap(map, map_len);
    free(order);
    free(out);
    free(b);
    free(rr);
    if (st) {
        t->pend_failed = 1;   /* part of the lists may be written: only a rollback is right */
        return st;
    }
    txn_reset(t);
    return TP_OK;
}

tp_status tp_store_tm_set_pending_max(tp_store *s, size_t bytes, tp_error *err)
{
    tp_status st = tm(s, 1, err);
    if (!st) {
        s->tm->pend_max = bytes;
        /* The pool's pieces in proportion, else the first would pass a small ceiling. */
        s->tm->pool.piece = bytes / 8 > 4096 ? bytes / 8 : 4096;
    }
    return st;
}

tp_status tp_store_tm_flush(tp_store *s, tp_error *err)
{
    return flush(s, 1, err);
}

void tp_store_tm_discard(tp_store *s)
{
    if (s->tm)
        txn_reset(s->tm);
}

/* ---- writing units ---- */

/* The hash of a variant's exact folded text (its bucket): from the hash of its language's
 * primary subtag. */
static uint64_t fold_seed(const char *base)
{
    return tp_tm_hash(base, strlen(base), TP_TM_HASH_SEED);
}

static uint64_t fold_hash(const char *base, const char *fold, size_t len)
{
    return tp_tm_hash(fold, len, fold_seed(base));
}

static int entries_room(unit_entries *ue, size_t more)
{
    if (ue->n + more <= ue->cap)
        return 0;
    size_t cap = (ue->n + more) * 2;
    int64_t *l = realloc(ue->list, cap * sizeof *l);
    if (l)
        ue->list = l;
    uint32_t *q = l ? realloc(ue->seq, cap * sizeof *q) : NULL;
    if (q)
        ue->seq = q;
    uint32_t *c = q ? realloc(ue->check, cap * sizeof *c) : NULL;
    if (c)
        ue->check = c;
    pending **e = c ? realloc(ue->slot, cap * sizeof *e) : NULL;
    if (!e)
        return -1;
    ue->slot = e;
    ue->cap = cap;
    return 0;
}

static void entries_free(unit_entries *ue)
{
    free(ue->list);
    free(ue->seq);
    free(ue->check);
    free(ue->slot);
    free(ue->grams);
}

/* A variant's grams and its exact-text bucket (fh, fold_hash). */
static tp_status variant_entries(unit_entries *ue, size_t seq, const char *base, const char *fold,
                                 uint64_t fh)
{
    size_t n = 0;
    if (tp_tm_grams_into(fold, base, TP_GRAMS_INDEX, &ue->grams, &ue->grams_cap, &n) ||
        entries_room(ue, n + 1))
        return TP_ERR_NOMEM;
    const uint64_t *g = ue->grams;
    for (size_t i = 0; i < n; i++) {
        ue->list[ue->n] = gram_list(g[i]);
        ue->seq[ue->n] = (uint32_t)seq;
        ue->check[ue->n++] = 0;
    }
    ue->list[ue->n] = bucket_list(BUCKET_FOLD, fh);
    ue->seq[ue->n] = (uint32_t)seq;
    ue->check[ue->n++] = bucket_check(fh);
    return TP_OK;
}

/* Puts a unit's entries in the pending lists. The lists are spread over a table far larger
 * than the caches: the slots of all the unit's entries are fetched first, then their lists'
 * ends, then the entries written, so that the memory reads overlap instead of waiting one by
 * one (they were a fifth of an import). */
static void post_entries(struct tp_store_tm *t, unit_entries *ue, int64_t unit)
{
    if (t->pend_failed || pending_grow(t, t->pend_n + ue->n)) {
        t->pend_failed = 1;
        return;
    }
    for (size_t i = 0; i < ue->n; i++)
        __builtin_prefetch(&t->pend[(size_t)(mix((uint64_t)ue->list[i]) >> 20) &
                                    (t->pend_cap - 1)]);
    for (size_t i = 0; i < ue->n; i++) {
        pending *e = pending_slot(t, ue->list[i]);
        if (!e) {
            t->pend_failed = 1;
            return;
        }
        ue->slot[i] = e;
        __builtin_prefetch(e->bytes + e->len, 1);
    }
    for (size_t i = 0; i < ue->n; i++) {
        /* A variant's grams name distinct lists (TP_TM_GRAM_LIST_SHIFT): no list gets one
         * variant twice. */
        if (pending_add(t, ue->slot[i], unit, ue->seq[i], ue->check[i])) {
            t->pend_failed = 1;
            return;
        }
    }
}

tp_tm_prep *tp_tm_prep_new(void)
{
    return calloc(1, sizeof(tp_tm_prep));
}

void tp_tm_prep_free(tp_tm_prep *p)
{
    if (!p)
        return;
    tp_buf_free(&p->body);
    tp_buf_free(&p->fold);
    free(p->keys);
    entries_free(&p->ue);
    free(p);
}

/* Lets go of the memory a very large unit left in p (its buffers are kept for the next). */
void tp_tm_prep_trim(tp_tm_prep *p)
{
    const size_t keep = 64 * 1024;
    if (p->body.cap > keep)
        tp_buf_free(&p->body);
    if (p->fold.cap > keep)
        tp_buf_free(&p->fold);
    if (p->ue.cap > keep / 8) {
        entries_free(&p->ue);
        memset(&p->ue, 0, sizeof p->ue);
    }
}

/* A unit's folded text when it has none: made with norm into p's scratch (NULL norm: none). */
static tp_status variant_fold_of(tp_tm_prep *p, tp_norm *norm, const tp_tm_variant *v,
                                 const char **fold, size_t *flen)
{
    if (v->fold) {
        *fold = v->fold;
        *flen = strlen(v->fold);
        return TP_OK;
    }
    if (!norm)
        return TP_ERR_ARG;
    size_t len = strlen(v->text);
    tp_buf_reset(&p->fold);
    tp_status st = len ? tp_norm_fold_buf(norm, v->text, len, &p->fold)
                       : tp_buf_append(&p->fold, "", 0);
    *fold = p->fold.data;
    *flen = p->fold.len;
    return st;
}

/* Makes u ready to be written into p: checks it, packs its row, makes its keys, content hash
 * and index entries. The folded text of variants without one is made with norm. */
static tp_status prep_make(tp_tm_prep *p, tp_norm *norm, const tp_tm_unit *u, tp_error *err)
{
    if (u->variant_count == 0)
        return tp_error_set(err, TP_ERR_ARG, "a translation unit without variants");
    if (u->variant_count > TP_TM_VARIANTS_MAX)
        return tp_error_set(err, TP_ERR_ARG, "a translation unit with more than %d variants",
                            TP_TM_VARIANTS_MAX);
    for (size_t i = 0; i < u->variant_count; i++)
        if (!u->variants[i].lang || !u->variants[i].text)
            return tp_error_set(err, TP_ERR_ARG, "a variant without language or text");
    if (u->variant_count > p->keys_cap) {
        uint64_t *k = realloc(p->keys, u->variant_count * sizeof *k);
        if (!k)
            return tp_error_nomem(err);
        p->keys = k;
        p->keys_cap = u->variant_count;
    }
    tp_buf *b = &p->body;
    tp_buf_reset(b);
    tp_status st = put_str(b, u->srclang);
    if (!st)
        st = put_attrs(b, u->attrs, u->attr_count);
    if (!st)
        st = put_metas(b, u->meta, u->meta_count);
    if (!st)
        st = put_num(b, u->variant_count);
    if (st)
        return tp_error_set(err, st, "cannot store unit: %s", tp_strerror(st));
    unit_entries *ue = &p->ue;
    ue->n = 0;
    for (size_t i = 0; !st && i < u->variant_count; i++) {
        const tp_tm_variant *v = &u->variants[i];
        char base[16];
        tp_tm_lang_base(v->lang, base);
        const char *fold;
        size_t flen;
        if ((st = variant_fold_of(p, norm, v, &fold, &flen))) {
            st = tp_error_set(err, st, "cannot normalise a segment: %s", tp_strerror(st));
            break;
        }
        if ((st = put_str(b, v->lang)) || (st = put_str(b, v->text)) ||
            (st = put_str(b, v->markup)) || (st = put_str(b, v->codes)) ||
            (st = put_str(b, NULL)) || (st = put_attrs(b, v->attrs, v->attr_count)) ||
            (st = put_metas(b, v->meta, v->meta_count))) {
            st = tp_error_set(err, st, "cannot store unit: %s", tp_strerror(st));
            break;
        }
        /* The variant's key (duplicates) and its fold's hash (exact matches) at once. */
        const char *body = content(v->markup, v->text);
        uint64_t fh = fold_seed(base);
        p->keys[i] = key_seed(v->lang);
        tp_tm_hash_pair(body, strlen(body), &p->keys[i], fold, flen, &fh);
        if (variant_entries(ue, i, base, fold, fh))
            st = tp_error_nomem(err);
    }
    if (st)
        return st;
    /* The keys sorted: the unit hash does not depend on the order of the TUVs. */
    if (u->variant_count > 1)
        tp_tm_sort_u64(p->keys, u->variant_count);
    p->hash = unit_hash(p->keys, u->variant_count);
    if (entries_room(ue, 1))
        return tp_error_nomem(err);
    ue->list[ue->n] = bucket_list(BUCKET_UNIT, p->hash);
    ue->seq[ue->n] = 0;
    ue->check[ue->n++] = bucket_check(p->hash);
    return TP_OK;
}

tp_status tp_tm_prep_make(tp_tm_prep *p, tp_store *store, tp_norm *norm, const tp_tm_unit *u,
                          tp_error *err)
{
    return prep_make(p, norm ? norm : store->norm, u, err);
}

/* Writes u's row (with id when nonzero, else a new one) from p; sets the ids of u. A row that
 * waits for its batch takes p's body, and p gets the row's old buffer. */
static tp_status insert_unit(tp_store *s, tp_tm_unit *u, tp_tm_prep *p, int64_t id,
                             int64_t header_id, tp_error *err)
{
    struct tp_store_tm *t = s->tm;
    if (s->bulk && !id && t->next_unit) {
        /* A bulk import's row waits for its batch. */
        if (!t->rows && !(t->rows = calloc(BATCH_ROWS, sizeof *t->rows)))
            return tp_error_nomem(err);
        struct unit_row *r = &t->rows[t->row_n];
        tp_buf body = p->body;
        p->body = r->body;
        *r = (struct unit_row){t->next_unit, header_id, p->hash, u->variant_count, body};
        t->row_n++;
        u->id = t->next_unit++;
        for (size_t i = 0; i < u->variant_count; i++)
            u->variants[i].id = VARIANT_ID(u->id, i);
        return t->row_n == BATCH_ROWS ? write_unit_rows(s, err) : TP_OK;
    }
    sqlite3_stmt *q = t->ins_unit;
    if (id)
        sqlite3_bind_int64(q, 1, id);
    else
        sqlite3_bind_null(q, 1);
    if (header_id)
        sqlite3_bind_int64(q, 2, header_id);
    else
        sqlite3_bind_null(q, 2);
    sqlite3_bind_int64(q, 3, (sqlite3_int64)p->hash);
    sqlite3_bind_int64(q, 4, (sqlite3_int64)u->variant_count);
    sqlite3_bind_blob(q, 5, p->body.data, (int)p->body.len, SQLITE_STATIC);
    tp_status st = tp_store_step_done(s, q, err, "cannot store unit");
    if (st)
        return st;
    u->id = sqlite3_last_insert_rowid(s->db);
    for (size_t i = 0; i < u->variant_count; i++)
        u->variants[i].id = VARIANT_ID(u->id, i);
    return TP_OK;
}

/* At the transaction's first unit: what the memory held before it. */
static tp_status ask(tp_store *s, tp_error *err)
{
    struct tp_store_tm *t = s->tm;
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(s->db, "SELECT EXISTS (SELECT 1 FROM tm_unit), "
                           "EXISTS (SELECT 1 FROM tm_list)", -1, &q, NULL) != SQLITE_OK ||
        sqlite3_step(q) != SQLITE_ROW) {
        sqlite3_finalize(q);
        return tp_store_db_error(s, err, "cannot read the memory");
    }
    t->had_units = sqlite3_column_int(q, 0);
    t->lists_empty = !sqlite3_column_int(q, 1);
    sqlite3_finalize(q);
    t->asked = 1;
    /* The ids a bulk import gives its units (insert_unit). */
    int64_t last = 0;
    tp_status st = s->bulk ? tp_store_tm_last_unit(s, &last, err) : TP_OK;
    if (st)
        return st;
    t->next_unit = s->bulk ? last + 1 : 0;
    /* A memory's rows and lists go in at the end of their tables: the large page cache of a
     * bulk transaction would only hold written pages (at 1M units it was most of the import's
     * memory). The end of the transaction sets the cache back. */
    if (s->bulk)
        return tp_store_exec(s, "PRAGMA cache_size=" TM_BULK_CACHE_KB, err);
    return TP_OK;
}

/* Stores a unit made ready in p, or finds it already stored (*merged). */
static tp_status write_unit(tp_store *s, tp_tm_unit *u, tp_tm_prep *p, int64_t id,
                            int64_t header_id, int *merged, tp_error *err)
{
    struct tp_store_tm *t = s->tm;
    int64_t dup = 0;
    tp_status st = t->asked ? TP_OK : ask(s, err);
    if (!st)
        st = find_duplicate(s, u, p->hash, p->keys, &dup, err);
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
    st = insert_unit(s, u, p, id, header_id, err);
    if (!st)
        post_entries(t, &p->ue, u->id);
    if (!st && seen_add(t, p->hash, u->id))
        st = tp_error_nomem(err);
    /* Outside a transaction the unit's entries are written with it. */
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
    if (t->pend_bytes > t->pend_max)
        st = flush(s, 0, err);
    return st;
}

static tp_status add_unit(tp_store *s, tp_tm_unit *u, int64_t id, int64_t header_id, int *merged,
                          tp_error *err)
{
    if (merged)
        *merged = 0;
    tp_status st = tm(s, 1, err);
    if (st)
        return st;
    struct tp_store_tm *t = s->tm;
    if (!t->prep && !(t->prep = tp_tm_prep_new()))
        return tp_error_nomem(err);
    st = prep_make(t->prep, s->norm, u, err);
    if (!st)
        st = write_unit(s, u, t->prep, id, header_id, merged, err);
    tp_tm_prep_trim(t->prep);
    return st;
}

tp_status tp_store_tm_add_prepared(tp_store *s, tp_tm_unit *u, tp_tm_prep *p, int64_t header_id,
                                   int *merged, tp_error *err)
{
    if (merged)
        *merged = 0;
    tp_status st = tm(s, 1, err);
    return st ? st : write_unit(s, u, p, 0, header_id, merged, err);
}

tp_status tp_store_tm_add_unit(tp_store *s, tp_tm_unit *u, int64_t header_id, int *merged,
                               tp_error *err)
{
    return add_unit(s, u, 0, header_id, merged, err);
}

/* ---- the earlier layout (formats 3 to 6) to format 7 ---- */

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

static tp_status old_meta(tp_store *s, sqlite3_stmt *q, int scope, int64_t owner,
                          tp_tm_meta **meta, size_t *count, tp_error *err)
{
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

/* One unit of the earlier layout (tm_unit_v4, tm_variant_v4, tm_meta scopes 2 and 3). */
static tp_status old_unit(tp_store *s, sqlite3_stmt *row, sqlite3_stmt *vq, sqlite3_stmt *mq,
                          tp_tm_unit *u, tp_error *err)
{
    int64_t id = sqlite3_column_int64(row, 0);
    tp_status st = set(&u->srclang, tp_store_col_text(row, 2)) ? tp_error_nomem(err) : TP_OK;
    if (!st)
        st = decode_attrs(tp_store_col_text(row, 3), &u->attrs, &u->attr_count, err);
    if (!st)
        st = old_meta(s, mq, 2, id, &u->meta, &u->meta_count, err);
    sqlite3_bind_int64(vq, 1, id);
    int rc = SQLITE_DONE;
    while (!st && (rc = sqlite3_step(vq)) == SQLITE_ROW) {
        tp_tm_variant *v;
        if ((st = tp_tm_unit_add_variant(u, tp_store_col_text(vq, 1), &v, err)))
            break;
        v->id = sqlite3_column_int64(vq, 0);
        if (set(&v->text, tp_store_col_text(vq, 2)) || set(&v->markup, tp_store_col_text(vq, 3)) ||
            set(&v->codes, tp_store_col_text(vq, 4)) || set(&v->fold, tp_store_col_text(vq, 5)))
            st = tp_error_nomem(err);
        else
            st = decode_attrs(tp_store_col_text(vq, 6), &v->attrs, &v->attr_count, err);
    }
    if (!st && rc != SQLITE_DONE)
        st = tp_store_db_error(s, err, "cannot read variants");
    sqlite3_reset(vq);
    for (size_t i = 0; !st && i < u->variant_count; i++)
        st = old_meta(s, mq, 3, u->variants[i].id, &u->variants[i].meta,
                      &u->variants[i].meta_count, err);
    return st;
}

tp_status tp_store_tm_upgrade(tp_store *s, tp_error *err)
{
    tp_status st = tm(s, 1, err);
    if (st)
        return st;
    sqlite3_stmt *uq = NULL, *vq = NULL, *mq = NULL;
    if (sqlite3_prepare_v2(s->db, "SELECT id, header_id, srclang, attrs FROM tm_unit_v4 "
                           "ORDER BY id", -1, &uq, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(s->db, "SELECT id, lang, text, markup, codes, fold, attrs FROM "
                           "tm_variant_v4 WHERE unit_id = ?1 ORDER BY seq", -1, &vq,
                           NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(s->db, "SELECT kind, type, lang, encoding, text FROM tm_meta WHERE "
                           "scope = ?1 AND owner = ?2 ORDER BY seq", -1, &mq, NULL) != SQLITE_OK)
        st = tp_store_db_error(s, err, "cannot upgrade the translation memory");
    int rc = SQLITE_DONE;
    /* The migration's transaction is open (check_schema's): the entries wait for the end. */
    int in_txn = s->in_txn;
    s->in_txn = 1;
    while (!st && (rc = sqlite3_step(uq)) == SQLITE_ROW) {
        tp_tm_unit *u = tp_tm_unit_new();
        if (!u) {
            st = tp_error_nomem(err);
            break;
        }
        if (!(st = old_unit(s, uq, vq, mq, u, err)) && u->variant_count)
            st = add_unit(s, u, sqlite3_column_int64(uq, 0), sqlite3_column_int64(uq, 1), NULL,
                          err);
        tp_tm_unit_free(u);
    }
    s->in_txn = in_txn;
    if (!st && rc != SQLITE_DONE)
        st = tp_store_db_error(s, err, "cannot upgrade the translation memory");
    sqlite3_finalize(uq);
    sqlite3_finalize(vq);
    sqlite3_finalize(mq);
    if (!st)
        st = tp_store_tm_flush(s, err);
    if (!st)
        st = tp_store_exec(s, "DROP TABLE tm_variant_v4; DROP TABLE tm_unit_v4;"
                              "DELETE FROM tm_meta WHERE scope <> 1", err);
    if (st)
        tp_store_tm_discard(s);
    return st;
}

/* ---- reading ---- */

tp_status tp_store_tm_get_unit(tp_store *s, int64_t id, tp_tm_unit **out, tp_error *err)
{
    tp_status st = tm(s, 0, err);
    if (st)
        return st;
    sqlite3_stmt *q = s->tm->get_unit;
    sqlite3_bind_int64(q, 1, id);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW)
        st = unpack_unit(id, sqlite3_column_blob(q, 0), (size_t)sqlite3_column_bytes(q, 0), out,
                         err);
    else
        st = rc == SQLITE_DONE
                 ? tp_error_set(err, TP_ERR_NOTFOUND, "no translation unit %lld", (long long)id)
                 : tp_store_db_error(s, err, "cannot read unit");
    sqlite3_reset(q);
    return st;
}

tp_status tp_store_tm_each_unit(tp_store *s, tp_tm_unit_fn fn, void *ctx, tp_error *err)
{
    tp_status st = tm(s, 0, err);
    if (st)
        return st;
    /* A statement of its own: the walk may run while other reads use the shared ones. */
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(s->db, "SELECT id, body FROM tm_unit ORDER BY id", -1, &q, NULL) !=
        SQLITE_OK)
        return tp_store_db_error(s, err, "cannot read units");
    int rc;
    while (!st && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        tp_tm_unit *u = NULL;
        if (!(st = unpack_unit(sqlite3_column_int64(q, 0), sqlite3_column_blob(q, 1),
                               (size_t)sqlite3_column_bytes(q, 1), &u, err)))
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
    if (sqlite3_prepare_v2(s->db, "SELECT count(*), total(variants) FROM tm_unit", -1, &q,
                           NULL) != SQLITE_OK ||
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

/* A probe inside the transaction that added units sees them: their entries are written first. */
static tp_status ready(tp_store *s, tp_error *err)
{
    tp_status st = tm(s, 0, err);
    if (!st && s->tm->pend_n)
        st = flush(s, 0, err);
    return st;
}

typedef struct posting_walk {
    tp_tm_posting_fn fn;
    void *ctx;
} posting_walk;

static int on_posting(void *ctx, int64_t unit, int64_t seq, uint32_t check)
{
    (void)check;
    posting_walk *w = ctx;
    return w->fn(w->ctx, VARIANT_ID(unit, seq), unit);
}

tp_status tp_store_tm_probe_gram(tp_store *s, uint64_t gram, size_t limit, tp_tm_posting_fn fn,
                                 void *ctx, tp_error *err)
{
    tp_status st = ready(s, err);
    if (st)
        return st;
    posting_walk w = {fn, ctx};
    return walk_list(s, gram_list(gram), limit, on_posting, &w, err);
}

tp_status tp_store_tm_gram_size(tp_store *s, uint64_t gram, size_t limit, size_t *count,
                                tp_error *err)
{
    tp_status st = ready(s, err);
    if (st)
        return st;
    /* Only the chunks' counts: their entries, most of a row, are not read. */
    sqlite3_stmt *q = s->tm->list_size;
    sqlite3_bind_int64(q, 1, gram_list(gram) << CHUNK_BITS);
    sqlite3_bind_int64(q, 2, gram_list(gram) << CHUNK_BITS | CHUNK_LAST);
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

tp_status tp_store_tm_last_unit(tp_store *s, int64_t *id, tp_error *err)
{
    tp_status st = tm(s, 0, err);
    if (st)
        return st;
    sqlite3_stmt *q = s->tm->last_unit;
    int rc = sqlite3_step(q);
    *id = rc == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        st = tp_store_db_error(s, err, "cannot read the memory's size");
    sqlite3_reset(q);
    return st;
}

/* A stored variant, read in place: valid until the statement is reset. */
static tp_status variant_row(tp_store *s, int64_t variant_id, packed_variant *v, tp_error *err)
{
    sqlite3_stmt *q = s->tm->get_unit;
    sqlite3_bind_int64(q, 1, VARIANT_UNIT(variant_id));
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        if (!find_variant(sqlite3_column_blob(q, 0), (size_t)sqlite3_column_bytes(q, 0),
                          (uint64_t)VARIANT_SEQ(variant_id), v)) {
            sqlite3_reset(q);
            return tp_error_set(err, TP_ERR_NOTFOUND, "no variant %lld", (long long)variant_id);
        }
        return TP_OK;
    }
    sqlite3_reset(q);
    return rc == SQLITE_DONE
               ? tp_error_set(err, TP_ERR_NOTFOUND, "no variant %lld", (long long)variant_id)
               : tp_store_db_error(s, err, "cannot read variant");
}

/* The folded text of a stored variant: made again from its text with the store's normaliser
 * (format 7 stored it, doubling a memory's text for little gain). Valid until the next call. */
static tp_status variant_fold(tp_store *s, const packed_variant *v, const char **fold,
                              tp_error *err)
{
    if (v->fold) {
        *fold = v->fold;
        return TP_OK;
    }
    tp_buf *b = &s->tm->read_fold;
    tp_buf_reset(b);
    size_t len = strlen(v->text);
    tp_status st = len ? tp_norm_fold_buf(s->norm, v->text, len, b) : tp_buf_append(b, "", 0);
    if (st)
        return tp_error_set(err, st, "cannot normalise a segment: %s", tp_strerror(st));
    *fold = b->data;
    return TP_OK;
}

typedef struct fold_probe {
    tp_store *s;
    const char *lang, *fold;
    uint32_t check;
    tp_tm_posting_fn fn;
    void *ctx;
    int64_t *hits;        /* the variants that hold the text, before fn is called */
    size_t n, cap;
    tp_status st;
    tp_error *err;
} fold_probe;

static int on_fold_entry(void *ctx, int64_t unit, int64_t seq, uint32_t check)
{
    fold_probe *p = ctx;
    if (check != p->check)
        return 0;
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 8;
        int64_t *h = realloc(p->hits, cap * sizeof *h);
        if (!h) {
            p->st = TP_ERR_NOMEM;
            return 1;
        }
        p->hits = h;
        p->cap = cap;
    }
    p->hits[p->n++] = VARIANT_ID(unit, seq);
    return 0;
}

tp_status tp_store_tm_probe_fold(tp_store *s, const char *lang, const char *fold,
                                 tp_tm_posting_fn fn, void *ctx, tp_error *err)
{
    tp_status st = ready(s, err);
    if (st)
        return st;
    uint64_t fh = fold_hash(lang, fold, strlen(fold));
    fold_probe p = {s, lang, fold, bucket_check(fh), fn, ctx, NULL, 0, 0, TP_OK, err};
    st = walk_list(s, bucket_list(BUCKET_FOLD, fh), SIZE_MAX, on_fold_entry, &p, err);
    if (!st && p.st)
        st = tp_error_nomem(err);
    /* The bucket's list is read whole before the variants are, as both use the same rows. */
    for (size_t i = 0; !st && i < p.n; i++) {
        packed_variant v;
        if ((st = variant_row(s, p.hits[i], &v, err)))
            break;
        char base[16];
        tp_tm_lang_base(v.lang, base);
        const char *vf = NULL;
        int same = !strcmp(base, lang) && !(st = variant_fold(s, &v, &vf, err)) &&
                   !strcmp(vf, fold);
        sqlite3_reset(s->tm->get_unit);
        if (st)
            break;
        if (same && fn(ctx, p.hits[i], VARIANT_UNIT(p.hits[i])))
            break;
    }
    free(p.hits);
    return st;
}

tp_status tp_store_tm_variant_fold(tp_store *s, int64_t variant_id, char **fold, tp_error *err)
{
    tp_status st = tm(s, 0, err);
    packed_variant v;
    if (st || (st = variant_row(s, variant_id, &v, err)))
        return st;
    const char *vf = NULL;
    if (!(st = variant_fold(s, &v, &vf, err)) && !(*fold = strdup(vf)))
        st = tp_error_nomem(err);
    sqlite3_reset(s->tm->get_unit);
    return st;
}

tp_status tp_store_tm_variant_text(tp_store *s, int64_t variant_id, int64_t *unit_id, char **text,
                                   int *has_codes, tp_error *err)
{
    tp_status st = tm(s, 0, err);
    packed_variant v;
    if (st || (st = variant_row(s, variant_id, &v, err)))
        return st;
    *unit_id = VARIANT_UNIT(variant_id);
    *has_codes = v.codes != NULL;
    if (!(*text = strdup(v.text)))
        st = tp_error_nomem(err);
    sqlite3_reset(s->tm->get_unit);
    return st;
}
