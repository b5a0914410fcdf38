/* The SQLite store's insides, shared by the store's files (store.c: schema, concepts, probes;
 * and the store_*.c files that add tables for other capabilities). Internal: nothing outside
 * the store module includes it, so the rest of the library never sees SQL. */
#ifndef TP_STORE_INT_H
#define TP_STORE_INT_H

#include <sqlite3.h>
#include "toponym/store.h"

struct tp_store {
    sqlite3 *db;
    tp_norm *norm;     /* borrowed */
    int created;
    int readonly;
    int in_txn;
    sqlite3_stmt *ins_concept, *ins_term, *ins_key, *ins_fuzz, *ins_link;
    sqlite3_stmt *probe_key, *probe_prefix, *probe_fuzzy;
    struct tp_store_tm *tm; /* the translation memory's statements (store_tm.c), or NULL */
};

/* Fills err from the connection's last error, mapping SQLite's codes to tp_status. */
tp_status tp_store_db_error(tp_store *s, tp_error *err, const char *what);
/* Runs SQL without results. */
tp_status tp_store_exec(tp_store *s, const char *sql, tp_error *err);
/* Prepares a statement kept for the store's life (finalize it in tp_store_close). */
tp_status tp_store_prepare(tp_store *s, sqlite3_stmt **st, const char *sql, tp_error *err);
/* Binds text, or NULL for a NULL pointer; the text must outlive the step. */
void tp_store_bind_text(sqlite3_stmt *st, int i, const char *v);
/* Steps a statement that returns no rows, then resets it and clears its bindings. */
tp_status tp_store_step_done(tp_store *s, sqlite3_stmt *st, tp_error *err, const char *what);
const char *tp_store_col_text(sqlite3_stmt *st, int i);
/* Finalizes the translation memory's statements (store_tm.c); called by tp_store_close. */
void tp_store_tm_close(tp_store *s);

#endif
