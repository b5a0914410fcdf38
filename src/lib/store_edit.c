/* The store's editing side: updating and deleting concepts and terms, finding the concept an
 * imported one is the same as, walking every concept for export, and the change history that
 * undo reverts. A change keeps each concept it touched as it was before, in the undo_* tables,
 * so undo is a delete and a re-insert, with keys recomputed by the normaliser. */
#include "toponym/store.h"
#include "error_int.h"
#include "store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

tp_status tp_store_history_prepare(tp_store *s, tp_error *err)
{
    tp_status st;
    if ((st = tp_store_prepare(s, &s->rec_change, "INSERT INTO change(summary) VALUES(?1)",
                               err)) ||
        (st = tp_store_prepare(s, &s->rec_new,
                               "INSERT OR IGNORE INTO undo_concept(change_id, concept_id, existed) "
                               "VALUES(?1, ?2, 0)", err)) ||
        (st = tp_store_prepare(s, &s->rec_concept,
                               "INSERT OR IGNORE INTO undo_concept(change_id, concept_id, existed, "
                               "ext_id, subject, note, source, extra) SELECT ?1, id, 1, ext_id, "
                               "subject, note, source, extra FROM concept WHERE id = ?2", err)) ||
        (st = tp_store_prepare(s, &s->rec_terms,
                               "INSERT INTO undo_term SELECT ?1, concept_id, id, seq, lang, text, "
                               "status, scheme, reading, usage, note, source, extra FROM term "
                               "WHERE concept_id = ?2", err)))
        return st;
    return tp_store_prepare(s, &s->rec_links,
                            "INSERT INTO undo_link(change_id, concept_id, target, text) SELECT ?1, "
                            "concept_id, target, text FROM "
                            "concept_link WHERE concept_id = ?2", err);
}

void tp_store_history_close(tp_store *s)
{
    sqlite3_stmt *all[] = {s->rec_change, s->rec_new, s->rec_concept, s->rec_terms, s->rec_links};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        sqlite3_finalize(all[i]);
    free(s->change_summary);
    s->change_summary = NULL;
}

tp_status tp_store_describe(tp_store *s, const char *summary, tp_error *err)
{
    char *copy = summary ? strdup(summary) : NULL;
    if (summary && !copy)
        return tp_error_nomem(err);
    free(s->change_summary);
    s->change_summary = copy;
    return TP_OK;
}

static tp_status step_id(tp_store *s, sqlite3_stmt *st, int64_t a, int64_t b, tp_error *err)
{
    sqlite3_bind_int64(st, 1, a);
    sqlite3_bind_int64(st, 2, b);
    return tp_store_step_done(s, st, err, "cannot record the change");
}

tp_status tp_store_record(tp_store *s, int64_t concept_id, int existed, tp_error *err)
{
    tp_status st;
    if (!s->change_id) {
        tp_store_bind_text(s->rec_change, 1, s->change_summary ? s->change_summary : "edit");
        if ((st = tp_store_step_done(s, s->rec_change, err, "cannot record the change")))
            return st;
        s->change_id = sqlite3_last_insert_rowid(s->db);
    }
    if (!existed)
        return step_id(s, s->rec_new, s->change_id, concept_id, err);
    if ((st = step_id(s, s->rec_concept, s->change_id, concept_id, err)))
        return st;
    /* Already recorded in this change: the first image is the one to go back to. */
    if (sqlite3_changes(s->db) == 0)
        return TP_OK;
    if ((st = step_id(s, s->rec_terms, s->change_id, concept_id, err)))
        return st;
    return step_id(s, s->rec_links, s->change_id, concept_id, err);
}

tp_status tp_store_change_done(tp_store *s, const char *sql, tp_error *err)
{
    tp_status st = tp_store_exec(s, sql, err);
    if (!s->in_txn) {
        s->change_id = 0;
        free(s->change_summary);
        s->change_summary = NULL;
    }
    return st;
}

static tp_status need_write(tp_store *s, tp_error *err)
{
    return s->readonly ? tp_error_set(err, TP_ERR_READONLY, "the store is open read-only") : TP_OK;
}

/* Runs a one-shot query that returns one integer (or none: then *out is 0). */
static tp_status query_int(tp_store *s, const char *sql, int64_t a, int64_t *out, tp_error *err)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return tp_store_db_error(s, err, "store");
    sqlite3_bind_int64(st, 1, a);
    int rc = sqlite3_step(st);
    *out = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? TP_OK : tp_store_db_error(s, err, "store");
}

static tp_status delete_rows(tp_store *s, const char *sql, int64_t id, tp_error *err)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return tp_store_db_error(s, err, "store");
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? TP_OK : tp_store_db_error(s, err, "cannot delete");
}

/* Runs each statement with ?1 bound to id. */
static tp_status delete_all(tp_store *s, const char *const *sql, size_t n, int64_t id,
                            tp_error *err)
{
    tp_status st = TP_OK;
    for (size_t i = 0; !st && i < n; i++)
        st = delete_rows(s, sql[i], id, err);
    return st;
}

/* Deletes a concept, or a term, with the rows that hang off it. The schema's cascades would do
 * it, but a bulk transaction runs without foreign-key enforcement (store.c). */
static tp_status delete_concept_rows(tp_store *s, int64_t id, tp_error *err)
{
    static const char *const sql[] = {
        "DELETE FROM term_key WHERE term_id IN (SELECT id FROM term WHERE concept_id = ?1)",
        "DELETE FROM term_fuzz WHERE term_id IN (SELECT id FROM term WHERE concept_id = ?1)",
        "DELETE FROM term WHERE concept_id = ?1",
        "DELETE FROM concept_link WHERE concept_id = ?1",
        "DELETE FROM concept WHERE id = ?1",
    };
    tp_status st = tp_store_pending_forget(s, id, 0, err);
    return st ? st : delete_all(s, sql, sizeof sql / sizeof sql[0], id, err);
}

static tp_status delete_term_rows(tp_store *s, int64_t concept, int64_t id, tp_error *err)
{
    static const char *const sql[] = {
        "DELETE FROM term_key WHERE term_id = ?1",
        "DELETE FROM term_fuzz WHERE term_id = ?1",
        "DELETE FROM term WHERE id = ?1",
    };
    tp_status st = tp_store_pending_forget(s, concept, id, err);
    return st ? st : delete_all(s, sql, sizeof sql / sizeof sql[0], id, err);
}

/* Runs body inside a savepoint: on failure the store is as before, and so is the history. */
static tp_status in_savepoint(tp_store *s, tp_status (*body)(tp_store *, void *, tp_error *),
                              void *arg, tp_error *err)
{
    tp_status st = need_write(s, err);
    if (st || (st = tp_store_exec(s, "SAVEPOINT edit", err)))
        return st;
    int64_t change = s->change_id;
    if ((st = body(s, arg, err))) {
        sqlite3_exec(s->db, "ROLLBACK TO edit; RELEASE edit", NULL, NULL, NULL);
        s->change_id = change;
        /* Keys queued for the terms just rolled back cannot be written any more. */
        s->bulk_failed |= s->bulk;
        return st;
    }
    return tp_store_change_done(s, "RELEASE edit", err);
}

static tp_status do_update(tp_store *s, void *arg, tp_error *err)
{
    tp_concept *c = arg;
    int64_t found;
    tp_status st;
    if (c->term_count == 0)
        return tp_error_set(err, TP_ERR_ARG, "a concept needs at least one term");
    if ((st = query_int(s, "SELECT id FROM concept WHERE id = ?1", c->id, &found, err)))
        return st;
    if (!found)
        return tp_error_set(err, TP_ERR_NOTFOUND, "no concept %lld", (long long)c->id);
    if ((st = tp_store_record(s, c->id, 1, err)) || (st = delete_concept_rows(s, c->id, err)))
        return st;
    for (size_t i = 0; i < c->term_count; i++)
        c->terms[i].id = 0;
    return tp_store_insert_concept(s, c, err);
}

tp_status tp_store_update_concept(tp_store *s, tp_concept *c, tp_error *err)
{
    return in_savepoint(s, do_update, c, err);
}

static tp_status do_delete_concept(tp_store *s, void *arg, tp_error *err)
{
    int64_t id = *(int64_t *)arg, found;
    tp_status st = query_int(s, "SELECT id FROM concept WHERE id = ?1", id, &found, err);
    if (st)
        return st;
    if (!found)
        return tp_error_set(err, TP_ERR_NOTFOUND, "no concept %lld", (long long)id);
    if ((st = tp_store_record(s, id, 1, err)))
        return st;
    return delete_concept_rows(s, id, err);
}

tp_status tp_store_delete_concept(tp_store *s, int64_t id, tp_error *err)
{
    return in_savepoint(s, do_delete_concept, &id, err);
}

static tp_status do_delete_term(tp_store *s, void *arg, tp_error *err)
{
    int64_t id = *(int64_t *)arg, concept, count;
    tp_status st = query_int(s, "SELECT concept_id FROM term WHERE id = ?1", id, &concept, err);
    if (st)
        return st;
    if (!concept)
        return tp_error_set(err, TP_ERR_NOTFOUND, "no term %lld", (long long)id);
    if ((st = query_int(s, "SELECT count(*) FROM term WHERE concept_id = ?1", concept, &count,
                        err)))
        return st;
    if (count < 2)
        return tp_error_set(err, TP_ERR_ARG,
                            "that is the concept's last term: remove the concept instead");
    if ((st = tp_store_record(s, concept, 1, err)))
        return st;
    return delete_term_rows(s, concept, id, err);
}

tp_status tp_store_delete_term(tp_store *s, int64_t term_id, tp_error *err)
{
    return in_savepoint(s, do_delete_term, &term_id, err);
}

/* Nonzero when stored concept id has, in every language where c has a preferred term, either
 * no preferred term or that same one. */
static int agrees(tp_store *s, int64_t id, const tp_concept *c, sqlite3_stmt *other)
{
    for (size_t i = 0; i < c->term_count; i++) {
        const tp_term *t = &c->terms[i];
        if (t->status != TP_TERM_PREFERRED)
            continue;
        sqlite3_bind_int64(other, 1, id);
        tp_store_bind_text(other, 2, t->lang);
        tp_store_bind_text(other, 3, t->text);
        int rc = sqlite3_step(other);
        sqlite3_reset(other);
        if (rc != SQLITE_DONE)
            return 0;
    }
    (void)s;
    return 1;
}

tp_status tp_store_find_same(tp_store *s, const tp_concept *c, int64_t *id, tp_error *err)
{
    tp_status st;
    *id = 0;
    if (c->ext_id) {
        tp_concept *found = NULL;
        st = tp_store_find_concept(s, c->ext_id, &found, err);
        if (st == TP_OK) {
            *id = found->id;
            tp_concept_free(found);
            return TP_OK;
        }
        if (st != TP_ERR_NOTFOUND)
            return st;
    }
    const tp_term *first = NULL;
    for (size_t i = 0; i < c->term_count && !first; i++)
        if (c->terms[i].status == TP_TERM_PREFERRED)
            first = &c->terms[i];
    if (!first)
        return TP_OK;
    if (!s->same_cand &&
        ((st = tp_store_prepare(s, &s->same_cand,
                                "SELECT concept_id FROM term WHERE text = ?1 AND lang = ?2 AND "
                                "status = 1 ORDER BY concept_id", err)) ||
         (st = tp_store_prepare(s, &s->same_other,
                                "SELECT 1 FROM term WHERE concept_id = ?1 AND lang = ?2 AND "
                                "status = 1 AND text <> ?3 LIMIT 1", err))))
        return st;
    sqlite3_stmt *cand = s->same_cand;
    tp_store_bind_text(cand, 1, first->text);
    tp_store_bind_text(cand, 2, first->lang);
    int rc;
    while ((rc = sqlite3_step(cand)) == SQLITE_ROW) {
        int64_t cid = sqlite3_column_int64(cand, 0);
        if (agrees(s, cid, c, s->same_other)) {
            *id = cid;
            break;
        }
    }
    st = rc == SQLITE_ROW || rc == SQLITE_DONE ? TP_OK : tp_store_db_error(s, err, "store");
    sqlite3_reset(cand);
    sqlite3_clear_bindings(cand);
    return st;
}

tp_status tp_store_each_concept(tp_store *s, tp_concept_fn fn, void *ctx, tp_error *err)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT id, ext_id, subject, note, source, extra FROM concept "
                           "ORDER BY id", -1, &st, NULL) != SQLITE_OK)
        return tp_store_db_error(s, err, "cannot read concepts");
    tp_status res = TP_OK;
    int rc;
    while (!res && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        tp_concept *c = NULL;
        if ((res = tp_store_concept_from_row(s, st, &c, err)))
            break;
        res = fn(ctx, c, 0, err);
        tp_concept_free(c);
    }
    if (!res && rc != SQLITE_DONE)
        res = tp_store_db_error(s, err, "cannot read concepts");
    sqlite3_finalize(st);
    return res;
}

tp_status tp_store_last_change(tp_store *s, tp_store_change *out, tp_error *err)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT id, at, summary, (SELECT count(*) FROM undo_concept u WHERE "
                           "u.change_id = change.id) FROM change ORDER BY id DESC LIMIT 1",
                           -1, &st, NULL) != SQLITE_OK)
        return tp_store_db_error(s, err, "cannot read the history");
    int rc = sqlite3_step(st);
    tp_status res = TP_OK;
    if (rc == SQLITE_ROW) {
        out->id = sqlite3_column_int64(st, 0);
        snprintf(out->at, sizeof out->at, "%s", tp_store_col_text(st, 1));
        snprintf(out->summary, sizeof out->summary, "%s", tp_store_col_text(st, 2));
        out->concepts = (long)sqlite3_column_int64(st, 3);
    } else if (rc == SQLITE_DONE) {
        res = tp_error_set(err, TP_ERR_NOTFOUND, "nothing to undo");
    } else {
        res = tp_store_db_error(s, err, "cannot read the history");
    }
    sqlite3_finalize(st);
    return res;
}

tp_status tp_store_forget_history(tp_store *s, tp_error *err)
{
    tp_status st = need_write(s, err);
    if (st)
        return st;
    if (s->in_txn)
        return tp_error_set(err, TP_ERR_ARG, "cannot forget the history inside a transaction");
    /* The undo_* rows go with their change (ON DELETE CASCADE). */
    return tp_store_exec(s, "DELETE FROM change", err);
}

/* Puts back the concepts change id changed or deleted, from the undo tables. */
static tp_status restore(tp_store *s, int64_t change, tp_error *err)
{
    sqlite3_stmt *cs = NULL, *ts = NULL, *ls = NULL;
    tp_status res = TP_OK;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT concept_id, ext_id, subject, note, source, extra FROM "
                           "undo_concept WHERE change_id = ?1 AND existed = 1", -1, &cs,
                           NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(s->db,
                           "SELECT id, lang, text, status, scheme, reading, usage, note, source, "
                           "extra FROM undo_term WHERE change_id = ?1 AND concept_id = ?2 ORDER "
                           "BY seq", -1, &ts, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(s->db,
                           "SELECT target, text FROM undo_link WHERE change_id = ?1 AND concept_id = ?2",
                           -1, &ls, NULL) != SQLITE_OK)
        res = tp_store_db_error(s, err, "cannot read the history");
    if (!res)
        sqlite3_bind_int64(cs, 1, change);
    while (!res && sqlite3_step(cs) == SQLITE_ROW) {
        tp_concept *c = tp_concept_new();
        if (!c) {
            res = tp_error_nomem(err);
            break;
        }
        c->id = sqlite3_column_int64(cs, 0);
        if ((res = tp_concept_set(&c->ext_id, tp_store_col_text(cs, 1), err)) ||
            (res = tp_concept_set(&c->subject, tp_store_col_text(cs, 2), err)) ||
            (res = tp_concept_set(&c->note, tp_store_col_text(cs, 3), err)) ||
            (res = tp_concept_set(&c->source, tp_store_col_text(cs, 4), err)) ||
            (res = tp_concept_set(&c->extra, tp_store_col_text(cs, 5), err))) {
            tp_concept_free(c);
            break;
        }
        sqlite3_bind_int64(ts, 1, change);
        sqlite3_bind_int64(ts, 2, c->id);
        while (!res && sqlite3_step(ts) == SQLITE_ROW) {
            tp_term t = {0};
            t.id = sqlite3_column_int64(ts, 0);
            t.lang = (char *)tp_store_col_text(ts, 1);
            t.text = (char *)tp_store_col_text(ts, 2);
            t.status = (tp_term_status)sqlite3_column_int(ts, 3);
            if (tp_store_col_text(ts, 4))
                tp_scheme_parse(tp_store_col_text(ts, 4), &t.scheme);
            t.reading = (char *)tp_store_col_text(ts, 5);
            t.usage = (char *)tp_store_col_text(ts, 6);
            t.note = (char *)tp_store_col_text(ts, 7);
            t.source = (char *)tp_store_col_text(ts, 8);
            t.extra = (char *)tp_store_col_text(ts, 9);
            res = tp_concept_add_term(c, &t, err);
        }
        sqlite3_reset(ts);
        sqlite3_bind_int64(ls, 1, change);
        sqlite3_bind_int64(ls, 2, c->id);
        while (!res && sqlite3_step(ls) == SQLITE_ROW)
            res = tp_concept_add_link(c, tp_store_col_text(ls, 0), tp_store_col_text(ls, 1),
                                      err);
        sqlite3_reset(ls);
        if (!res)
            res = tp_store_insert_concept(s, c, err);
        tp_concept_free(c);
    }
    sqlite3_finalize(cs);
    sqlite3_finalize(ts);
    sqlite3_finalize(ls);
    return res;
}

tp_status tp_store_undo(tp_store *s, tp_store_change *undone, tp_error *err)
{
    tp_status st = need_write(s, err);
    if (st)
        return st;
    if (s->in_txn)
        return tp_error_set(err, TP_ERR_ARG, "cannot undo inside an open transaction");
    tp_store_change last;
    if ((st = tp_store_exec(s, "BEGIN IMMEDIATE", err)))
        return st;
    s->guarded = 1;
    /* Everything the change touched goes first, so that restored rows meet no ext_id clash. */
    if ((st = tp_store_last_change(s, &last, err)) ||
        (st = delete_rows(s, "DELETE FROM concept WHERE id IN (SELECT concept_id FROM "
                             "undo_concept WHERE change_id = ?1)", last.id, err)) ||
        (st = restore(s, last.id, err)) ||
        (st = delete_rows(s, "DELETE FROM change WHERE id = ?1", last.id, err)) ||
        (st = tp_store_commit_guarded(s, err))) {
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        s->guarded = 0;
        return st;
    }
    if (undone)
        *undone = last;
    return TP_OK;
}
