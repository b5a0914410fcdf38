/* The store's bulk read of every term, in one ordered pass: what the checker builds its
 * in-memory matcher from. A scan is right here (it runs once per checker); lookups never scan.
 * And the cache of images built from the glossary (the checker's matcher), each valid for the
 * glossary stamp it was built at (migration 4 -> 5 in store.c). */
#include "toponym/store.h"
#include "error_int.h"
#include "store_int.h"

#include <limits.h>
#include <stdlib.h>

tp_status tp_store_each_term(tp_store *s, tp_store_term_fn fn, void *ctx, tp_error *err)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT t.concept_id, c.ext_id, t.id, t.lang, t.text, t.status, "
                           "t.scheme, t.reading, t.usage, t.note, t.source FROM term t JOIN "
                           "concept c ON c.id = t.concept_id ORDER BY t.concept_id, t.seq",
                           -1, &st, NULL) != SQLITE_OK)
        return tp_store_db_error(s, err, "cannot read terms");
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        tp_term t = {0};
        t.id = sqlite3_column_int64(st, 2);
        t.lang = (char *)tp_store_col_text(st, 3);
        t.text = (char *)tp_store_col_text(st, 4);
        t.status = (tp_term_status)sqlite3_column_int(st, 5);
        if (tp_store_col_text(st, 6))
            tp_scheme_parse(tp_store_col_text(st, 6), &t.scheme);
        t.reading = (char *)tp_store_col_text(st, 7);
        t.usage = (char *)tp_store_col_text(st, 8);
        t.note = (char *)tp_store_col_text(st, 9);
        t.source = (char *)tp_store_col_text(st, 10);
        if (!t.lang || !t.text)
            continue;
        if (fn(ctx, sqlite3_column_int64(st, 0), tp_store_col_text(st, 1), &t)) {
            rc = SQLITE_DONE;
            break;
        }
    }
    tp_status res = rc == SQLITE_DONE ? TP_OK : tp_store_db_error(s, err, "cannot read terms");
    sqlite3_finalize(st);
    return res;
}

/* ---- images built from the glossary, cached with the stamp they were built at ---- */

struct tp_store_image {
    tp_store *store;
    sqlite3_blob *blob;
};

static tp_status read_stamp(tp_store *s, int64_t *stamp, tp_error *err)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, "SELECT n FROM glossary_stamp", -1, &st, NULL) != SQLITE_OK)
        return tp_store_db_error(s, err, "cannot read the glossary stamp");
    int rc = sqlite3_step(st);
    *stamp = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE
               ? TP_OK
               : tp_store_db_error(s, err, "cannot read the glossary stamp");
}

tp_status tp_store_image_open(tp_store *s, const char *name, int64_t *stamp,
                              tp_store_image **image, size_t *len, tp_error *err)
{
    *image = NULL;
    *len = 0;
    tp_status st = tp_store_read_begin(s, err);
    if (st || (st = read_stamp(s, stamp, err)))
        return st;
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(s->db, "SELECT rowid FROM glossary_image WHERE name = ?1 AND "
                                  "stamp = ?2", -1, &q, NULL) != SQLITE_OK)
        return tp_store_db_error(s, err, "cannot read the image cache");
    sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 2, *stamp);
    int rc = sqlite3_step(q);
    int64_t row = rc == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
    sqlite3_finalize(q);
    if (rc != SQLITE_ROW)
        return rc == SQLITE_DONE ? TP_OK : tp_store_db_error(s, err, "cannot read the image cache");
    tp_store_image *im = calloc(1, sizeof *im);
    if (!im)
        return tp_error_nomem(err);
    im->store = s;
    if (sqlite3_blob_open(s->db, "main", "glossary_image", "image", row, 0, &im->blob) !=
        SQLITE_OK) {
        free(im);
        return tp_store_db_error(s, err, "cannot open a cached image");
    }
    *len = (size_t)sqlite3_blob_bytes(im->blob);
    *image = im;
    return TP_OK;
}

tp_status tp_store_image_read(tp_store_image *im, void *buf, size_t n, size_t offset,
                              tp_error *err)
{
    if (n > INT_MAX || offset > INT_MAX ||
        sqlite3_blob_read(im->blob, buf, (int)n, (int)offset) != SQLITE_OK)
        return tp_store_db_error(im->store, err, "cannot read a cached image");
    return TP_OK;
}

tp_status tp_store_image_write(tp_store_image *im, const void *buf, size_t n, size_t offset,
                               tp_error *err)
{
    if (n > INT_MAX || offset > INT_MAX ||
        sqlite3_blob_write(im->blob, buf, (int)n, (int)offset) != SQLITE_OK)
        return tp_store_db_error(im->store, err, "cannot write a cached image");
    return TP_OK;
}

void tp_store_image_close(tp_store_image *im)
{
    if (!im)
        return;
    sqlite3_blob_close(im->blob);
    free(im);
}

tp_status tp_store_image_save(tp_store *s, const char *name, int64_t stamp, size_t len,
                              tp_store_image_fn fn, void *ctx, tp_error *err)
{
    if (s->readonly || s->in_txn || len > INT_MAX)
        return TP_OK;
    tp_store_read_end(s);
    /* Never wait: the image is a convenience, and another writer may hold the store for
     * minutes (an import). */
    s->no_wait = 1;
    int rc = sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    s->no_wait = 0;
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED || rc == SQLITE_READONLY)
        return TP_OK;
    if (rc != SQLITE_OK)
        return tp_store_db_error(s, err, "cannot save an image");
    int64_t now = 0;
    tp_status st = read_stamp(s, &now, err);
    if (st || now != stamp)
        goto done; /* the glossary changed meanwhile: the image is stale already */
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(s->db, "INSERT OR REPLACE INTO glossary_image(name, stamp, image) "
                                  "VALUES(?1, ?2, zeroblob(?3))", -1, &q, NULL) != SQLITE_OK) {
        st = tp_store_db_error(s, err, "cannot save an image");
        goto done;
    }
    sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 2, stamp);
    sqlite3_bind_int64(q, 3, (sqlite3_int64)len);
    rc = sqlite3_step(q);
    sqlite3_finalize(q);
    if (rc != SQLITE_DONE) {
        st = tp_store_db_error(s, err, "cannot save an image");
        goto done;
    }
    tp_store_image im = {s, NULL};
    if (sqlite3_blob_open(s->db, "main", "glossary_image", "image",
                          sqlite3_last_insert_rowid(s->db), 1, &im.blob) != SQLITE_OK) {
        st = tp_store_db_error(s, err, "cannot save an image");
        goto done;
    }
    st = fn(ctx, &im, err);
    sqlite3_blob_close(im.blob);
done:
    if (!st && now == stamp && sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        st = tp_store_db_error(s, err, "cannot save an image");
    if (st || now != stamp)
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    return st;
}
