/* The translation memory in the store: units, variants, props and notes, the n-gram index over
 * each variant's folded text, duplicate detection, and the probes that matching is built on.
 * Part of the store module: the only other file that knows SQL. */
#include "toponym/tm.h"
#include "buf_int.h"
#include "error_int.h"
#include "norm_int.h"
#include "store_int.h"
#include "tm_int.h"

#include <stdlib.h>
#include <string.h>

enum { SCOPE_HEADER = 1, SCOPE_UNIT = 2, SCOPE_VARIANT = 3 };

/* Attributes are stored as name US value RS name US value ...: XML forbids both characters. */
#define US '\x1F'
#define RS '\x1E'

struct tp_store_tm {
    sqlite3_stmt *ins_header, *ins_unit, *ins_variant, *ins_meta, *ins_gram;
    sqlite3_stmt *by_hash, *get_unit, *get_variants, *get_meta;
    sqlite3_stmt *probe_gram, *probe_fold, *variant_fold;
};

void tp_store_tm_close(tp_store *s)
{
    if (!s->tm)
        return;
    sqlite3_stmt *all[] = {s->tm->ins_header, s->tm->ins_unit, s->tm->ins_variant,
                           s->tm->ins_meta, s->tm->ins_gram, s->tm->by_hash, s->tm->get_unit,
                           s->tm->get_variants, s->tm->get_meta,
                           s->tm->probe_gram, s->tm->probe_fold, s->tm->variant_fold};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        sqlite3_finalize(all[i]);
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
                               "SELECT g.variant_id, v.unit_id FROM tm_gram g JOIN tm_variant v "
                               "ON v.id = g.variant_id WHERE g.gram = ?1 LIMIT ?2", err)) ||
        (st = tp_store_prepare(s, &t->probe_fold,
                               "SELECT id, unit_id FROM tm_variant WHERE lang_base = ?1 AND "
                               "fold_hash = ?2 AND fold = ?3", err)) ||
        (st = tp_store_prepare(s, &t->variant_fold,
                               "SELECT fold FROM tm_variant WHERE id = ?1", err)))
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
        (st = tp_store_prepare(s, &t->ins_gram,
                               "INSERT OR IGNORE INTO tm_gram(gram, variant_id) VALUES(?1,?2)",
                               err)))
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

/* The stored unit with the same canonical content, or 0. */
static tp_status find_duplicate(tp_store *s, uint64_t hash, const char *canon, int64_t *dup,
                                tp_error *err)
{
    *dup = 0;
    sqlite3_stmt *q = s->tm->by_hash;
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

static tp_status index_variant(tp_store *s, int64_t vid, const char *fold, const char *base,
                               tp_error *err)
{
    uint64_t *g = NULL;
    size_t n = 0;
    if (tp_tm_grams(fold, base, TP_GRAMS_INDEX, &g, &n))
        return tp_error_nomem(err);
    tp_status st = TP_OK;
    for (size_t i = 0; !st && i < n; i++) {
        sqlite3_bind_int64(s->tm->ins_gram, 1, (sqlite3_int64)g[i]);
        sqlite3_bind_int64(s->tm->ins_gram, 2, vid);
        st = tp_store_step_done(s, s->tm->ins_gram, err, "cannot index segment");
    }
    free(g);
    return st;
}

static tp_status insert_unit(tp_store *s, tp_tm_unit *u, int64_t header_id, uint64_t hash,
                             tp_error *err)
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
        if (!(st = add_meta(s, SCOPE_VARIANT, v->id, v->meta, v->meta_count, err)))
            st = index_variant(s, v->id, fold.data, base, err);
    }
    tp_buf_free(&attrs);
    tp_buf_free(&fold);
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
    if ((st = tp_store_exec(s, "SAVEPOINT tm_unit", err)))
        return st;
    st = insert_unit(s, u, header_id, hash, err);
    if (st) {
        sqlite3_exec(s->db, "ROLLBACK TO tm_unit; RELEASE tm_unit", NULL, NULL, NULL);
        u->id = 0;
        for (size_t i = 0; i < u->variant_count; i++)
            u->variants[i].id = 0;
        return st;
    }
    return tp_store_exec(s, "RELEASE tm_unit", err);
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

tp_status tp_store_tm_probe_gram(tp_store *s, uint64_t gram, size_t limit, tp_tm_posting_fn fn,
                                 void *ctx, tp_error *err)
{
    tp_status st = tm(s, 0, err);
    if (st)
        return st;
    sqlite3_bind_int64(s->tm->probe_gram, 1, (sqlite3_int64)gram);
    sqlite3_bind_int64(s->tm->probe_gram, 2, (sqlite3_int64)limit);
    return run_postings(s, s->tm->probe_gram, fn, ctx, err);
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
