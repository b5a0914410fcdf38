/* The store's bulk read of every term, in one ordered pass: what the checker builds its
 * in-memory matcher from. A scan is right here (it runs once per checker); lookups never scan. */
#include "toponym/store.h"
#include "error_int.h"
#include "store_int.h"

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
