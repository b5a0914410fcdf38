/* The SQLite store's insides, shared by the store's files (store.c: schema, concepts, probes;
 * and the store_*.c files that add tables for other capabilities). Internal: nothing outside
 * the store module includes it, so the rest of the library never sees SQL. */
#ifndef TP_STORE_INT_H
#define TP_STORE_INT_H

#include <sqlite3.h>
#include "toponym/store.h"

typedef struct tp_store_pending tp_store_pending; /* store_bulk.c */

struct tp_store {
    sqlite3 *db;
    tp_norm *norm;     /* borrowed */
    int created;
    int readonly;
    int in_txn;
    sqlite3_stmt *ins_concept, *ins_term, *ins_key, *ins_fuzz, *ins_link;
    sqlite3_stmt *probe_key, *probe_prefix, *probe_fuzzy;
    sqlite3_stmt *rd_concept, *rd_concept_ext, *rd_terms, *rd_links; /* prepared on first use */
    /* History (store_edit.c): the change being recorded, 0 before its first write. */
    int64_t change_id;
    char *change_summary;  /* for the next change (tp_store_describe), or NULL */
    sqlite3_stmt *rec_change, *rec_new, *rec_concept, *rec_terms, *rec_links;
    sqlite3_stmt *same_cand, *same_other; /* tp_store_find_same, prepared on first use */
    int bulk;          /* tp_store_begin_bulk: no savepoint per concept */
    int bulk_failed;   /* a write failed in bulk mode: only rollback is possible */
    int reading;       /* read snapshots open (tp_store_read_begin), outermost first */
    tp_store_pending *pending; /* bulk mode: keys not yet written (store_bulk.c) */
    int guarded;       /* a transaction of ours is open: only our COMMIT may end it (SQLite
                          rolls back by itself on some errors; writes after that would each
                          commit alone) */
    int committing;    /* our COMMIT is running */
    double busy_since; /* when the current wait for another writer began (seconds) */
    int no_wait;       /* a write that is best effort (a cached image) gives up at once when
                          another process is writing */
    struct tp_store_tm *tm; /* the translation memory's statements (store_tm.c), or NULL */
};

/* The name of the VFS the store's connections open their files with (store_vfs.c: SQLite's
 * default VFS with write-behind and batched WAL writes), or NULL for SQLite's default.
 * Registers it on first call; thread-safe. */
const char *tp_store_vfs(void);
/* The file control that turns batched WAL writes on (int 1) and off (int 0) for a connection's
 * database (ignored by other VFSs). Needs synchronous=FULL, which connections have. */
#define TP_STORE_FCNTL_BATCH 0x54504201
void tp_store_vfs_batch(tp_store *s, int on);

/* Commits the open transaction (COMMIT) past the guard against lone commits. */
tp_status tp_store_commit_guarded(tp_store *s, tp_error *err);

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
/* Writes the n-gram postings that units added in the open transaction left in memory; called by
 * tp_store_commit before COMMIT. Discard drops them (rollback). */
tp_status tp_store_tm_flush(tp_store *s, tp_error *err);
void tp_store_tm_discard(tp_store *s);
/* Moves the units of the earlier layout (formats 3 to 6; its tables renamed tm_unit_v4 and
 * tm_variant_v4, their props and notes in tm_meta) into the rows of format 7 and builds the
 * index lists, then drops the old tables. Run by the migration to format 7, inside its
 * transaction. */
tp_status tp_store_tm_upgrade(tp_store *s, tp_error *err);

/* Writes the concept's row, terms (with keys) and links; c->id and term ids that are set are
 * kept (undo restores rows under their old ids), others are assigned. No history, no
 * savepoint: the caller provides both. */
tp_status tp_store_insert_concept(tp_store *s, tp_concept *c, tp_error *err);
/* Computes and writes the match keys of a stored term (t->id set). */
tp_status tp_store_add_keys(tp_store *s, const tp_term *t, tp_error *err);
/* Builds a concept from a row (id, ext_id, subject, note, source, extra) with its terms and
 * links. *out is freed by the caller. */
tp_status tp_store_concept_from_row(tp_store *s, sqlite3_stmt *st, tp_concept **out,
                                    tp_error *err);

/* Bulk imports (store_bulk.c). In bulk mode a term's keys and typo hashes are queued, not
 * written; the queue is written sorted when it is full, and must be flushed before anything
 * reads keys or commits. Before a term is deleted its queued rows must be forgotten (term_id,
 * or every term of concept_id when term_id is 0): the rows would name a missing term. */
tp_status tp_store_pending_add(tp_store *s, int64_t term_id, const tp_keyset *keys,
                               const uint64_t *hashes, size_t hash_count, tp_error *err);
tp_status tp_store_pending_flush(tp_store *s, tp_error *err);
tp_status tp_store_pending_forget(tp_store *s, int64_t concept_id, int64_t term_id,
                                  tp_error *err);
/* Drops the queue (the transaction is rolled back); tp_store_pending_free ends it. */
void tp_store_pending_clear(tp_store *s);
void tp_store_pending_free(tp_store *s);

/* History (store_edit.c). Prepares and finalizes its statements. */
tp_status tp_store_history_prepare(tp_store *s, tp_error *err);
void tp_store_history_close(tp_store *s);
/* Records concept_id as it is now in the current change (starting the change when needed),
 * before it is changed; existed is 0 for a concept just added (undo deletes it). Recording a
 * concept twice in one change keeps the first, older image. */
tp_status tp_store_record(tp_store *s, int64_t concept_id, int existed, tp_error *err);
/* Ends a single write: runs sql (a RELEASE) and, outside a transaction, closes the change. */
tp_status tp_store_change_done(tp_store *s, const char *sql, tp_error *err);

/* For tests of the migrations: creates path as an empty store of an older format (1 to the
 * current one), with the schema an older toponym wrote, for the test to fill with SQL and open
 * with tp_store_open(), which then migrates it. */
tp_status tp_store_create_format(const char *path, int format, tp_error *err);

/* Sets how much memory a translation-memory import's pending index may hold before it is put
 * aside in a temporary file (store_tm.c; 128 MB unless set), and its pool's pieces in
 * proportion: for tests of that path. */
tp_status tp_store_tm_set_pending_max(tp_store *s, size_t bytes, tp_error *err);

#endif
