/* The SQLite store: schema and migrations, writing concepts with their keys, reading them back,
 * and the indexed probes that lookup is built on. Nothing outside this file knows SQL. */
#include "toponym/store.h"
#include "error_int.h"
#include "store_int.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* 'TPNM': marks the file as a toponym store (PRAGMA application_id). */
#define TP_APPLICATION_ID 0x54504E4D

/* The page cache, in negative KiB as PRAGMA cache_size takes it: 32 MB, and 256 MB during a
 * bulk import, whose B-trees would otherwise spill into the WAL and be read back. */
#define CACHE_KB "-32768"
#define BULK_CACHE_KB "-262144"

/* Each migration takes the schema from version i to i + 1. Append, never edit. */
static const char *const migrations[] = {
    /* 0 -> 1 */
    "CREATE TABLE concept("
    "  id INTEGER PRIMARY KEY,"
    "  ext_id TEXT UNIQUE,"
    "  subject TEXT, note TEXT, source TEXT);"
    "CREATE TABLE concept_link("
    "  concept_id INTEGER NOT NULL REFERENCES concept(id) ON DELETE CASCADE,"
    "  target TEXT NOT NULL,"
    "  PRIMARY KEY(concept_id, target)) WITHOUT ROWID;"
    "CREATE TABLE term("
    "  id INTEGER PRIMARY KEY,"
    "  concept_id INTEGER NOT NULL REFERENCES concept(id) ON DELETE CASCADE,"
    "  seq INTEGER NOT NULL,"
    "  lang TEXT NOT NULL,"
    "  text TEXT NOT NULL,"
    "  status INTEGER NOT NULL CHECK(status BETWEEN 1 AND 5),"
    "  scheme TEXT, reading TEXT, usage TEXT, note TEXT, source TEXT);"
    "CREATE INDEX term_by_concept ON term(concept_id, seq);"
    "CREATE TABLE term_key("
    "  kind INTEGER NOT NULL,"
    "  key TEXT NOT NULL,"
    "  term_id INTEGER NOT NULL REFERENCES term(id) ON DELETE CASCADE,"
    "  PRIMARY KEY(kind, key, term_id)) WITHOUT ROWID;"
    "CREATE INDEX term_key_by_term ON term_key(term_id);"
    "CREATE TABLE term_fuzz("
    "  hash INTEGER NOT NULL,"
    "  term_id INTEGER NOT NULL REFERENCES term(id) ON DELETE CASCADE,"
    "  PRIMARY KEY(hash, term_id)) WITHOUT ROWID;"
    "CREATE INDEX term_fuzz_by_term ON term_fuzz(term_id);",
    /* 1 -> 2: glossary exchange and editing. extra keeps the TBX data categories toponym has
     * no column for, to write them back on export; term_by_text finds a concept by its
     * preferred terms (import merging); change and undo_* hold, per change, the concepts as
     * they were before it, for undo. */
    "ALTER TABLE concept ADD COLUMN extra TEXT;"
    "ALTER TABLE term ADD COLUMN extra TEXT;"
    "CREATE INDEX term_by_text ON term(text, lang);"
    "CREATE TABLE change("
    "  id INTEGER PRIMARY KEY,"
    "  at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),"
    "  summary TEXT NOT NULL);"
    "CREATE TABLE undo_concept("
    "  change_id INTEGER NOT NULL REFERENCES change(id) ON DELETE CASCADE,"
    "  concept_id INTEGER NOT NULL,"
    "  existed INTEGER NOT NULL,"
    "  ext_id TEXT, subject TEXT, note TEXT, source TEXT, extra TEXT,"
    "  PRIMARY KEY(change_id, concept_id)) WITHOUT ROWID;"
    "CREATE TABLE undo_term("
    "  change_id INTEGER NOT NULL REFERENCES change(id) ON DELETE CASCADE,"
    "  concept_id INTEGER NOT NULL,"
    "  id INTEGER NOT NULL, seq INTEGER NOT NULL, lang TEXT NOT NULL, text TEXT NOT NULL,"
    "  status INTEGER NOT NULL, scheme TEXT, reading TEXT, usage TEXT, note TEXT, source TEXT,"
    "  extra TEXT);"
    "CREATE INDEX undo_term_by_change ON undo_term(change_id, concept_id);"
    "CREATE TABLE undo_link("
    "  change_id INTEGER NOT NULL REFERENCES change(id) ON DELETE CASCADE,"
    "  concept_id INTEGER NOT NULL,"
    "  target TEXT NOT NULL);"
    "CREATE INDEX undo_link_by_change ON undo_link(change_id, concept_id);",
    /* 2 -> 3: the translation memory (store_tm.c). Attributes are kept as written, in one
     * column ("name US value RS ..."), so that export gives back what import read. */
    "CREATE TABLE tm_header("
    "  id INTEGER PRIMARY KEY,"
    "  source TEXT, version TEXT, attrs TEXT,"
    "  imported TEXT NOT NULL DEFAULT (strftime('%Y%m%dT%H%M%SZ', 'now')));"
    "CREATE TABLE tm_unit("
    "  id INTEGER PRIMARY KEY,"
    "  header_id INTEGER REFERENCES tm_header(id),"
    "  srclang TEXT, attrs TEXT,"
    "  hash INTEGER NOT NULL);"
    "CREATE INDEX tm_unit_by_hash ON tm_unit(hash);"
    "CREATE TABLE tm_variant("
    "  id INTEGER PRIMARY KEY,"
    "  unit_id INTEGER NOT NULL REFERENCES tm_unit(id) ON DELETE CASCADE,"
    "  seq INTEGER NOT NULL,"
    "  lang TEXT NOT NULL, lang_base TEXT NOT NULL,"
    "  text TEXT NOT NULL, markup TEXT, codes TEXT,"
    "  fold TEXT NOT NULL, fold_hash INTEGER NOT NULL,"
    "  attrs TEXT);"
    "CREATE INDEX tm_variant_by_unit ON tm_variant(unit_id, seq);"
    "CREATE INDEX tm_variant_by_fold ON tm_variant(lang_base, fold_hash);"
    "CREATE TABLE tm_meta("
    "  scope INTEGER NOT NULL,"          /* 1 header, 2 unit, 3 variant */
    "  owner INTEGER NOT NULL,"
    "  seq INTEGER NOT NULL,"
    "  kind INTEGER NOT NULL,"           /* tp_tm_meta_kind */
    "  type TEXT, lang TEXT, encoding TEXT, text TEXT NOT NULL,"
    "  PRIMARY KEY(scope, owner, seq)) WITHOUT ROWID;"
    "CREATE TABLE tm_gram("
    "  gram INTEGER NOT NULL,"
    "  variant_id INTEGER NOT NULL,"
    "  PRIMARY KEY(gram, variant_id)) WITHOUT ROWID;",
    /* 3 -> 4: the n-gram index as posting lists, a row per gram and chunk of about 4 KB instead
     * of a row per gram and variant (import wrote 15 rows a variant). Rebuilt from the variants'
     * folded text by tp_store_tm_reindex after this runs. */
    "DROP TABLE tm_gram;"
    "CREATE TABLE tm_posting("
    "  gram INTEGER NOT NULL,"
    "  seq INTEGER NOT NULL,"
    "  n INTEGER NOT NULL,"              /* postings in this chunk */
    "  last_variant INTEGER NOT NULL,"   /* the chunk's last posting, which the next one's */
    "  last_unit INTEGER NOT NULL,"      /* deltas start from */
    "  ids BLOB NOT NULL,"               /* varint (variant, unit) deltas, ascending */
    "  PRIMARY KEY(gram, seq)) WITHOUT ROWID;",
    /* 4 -> 5: a cross-reference keeps its display text (TBX <ref>'s content), in the store and
     * in the undo history. */
    "ALTER TABLE concept_link ADD COLUMN text TEXT;"
    "ALTER TABLE undo_link ADD COLUMN text TEXT;",
    /* 5 -> 6: images built from the glossary, such as the style checker's matcher (seconds to
     * build from 200,000 terms; store_terms.c). An image is valid for the glossary_stamp it was
     * built at. Every change of the glossary raises the stamp and drops the images: once a
     * transaction through the history (every write of terms or concepts records a change, and
     * undo and forgetting the history delete changes), and for each term or concept row
     * updated or deleted by any path. Inserting terms fires nothing: an import pays nothing a
     * row. (IF NOT EXISTS: a test may take a store back to an older format by user_version
     * alone.) */
    "CREATE TABLE IF NOT EXISTS glossary_stamp(n INTEGER NOT NULL);"
    "INSERT INTO glossary_stamp SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM glossary_stamp);"
    "CREATE TABLE IF NOT EXISTS glossary_image("
    "  name TEXT PRIMARY KEY,"
    "  stamp INTEGER NOT NULL,"
    "  image BLOB NOT NULL);"
    "CREATE TRIGGER IF NOT EXISTS glossary_change_added AFTER INSERT ON change BEGIN"
    "  UPDATE glossary_stamp SET n = n + 1; DELETE FROM glossary_image; END;"
    "CREATE TRIGGER IF NOT EXISTS glossary_change_deleted AFTER DELETE ON change BEGIN"
    "  UPDATE glossary_stamp SET n = n + 1; DELETE FROM glossary_image; END;"
    "CREATE TRIGGER IF NOT EXISTS glossary_term_updated AFTER UPDATE ON term BEGIN"
    "  UPDATE glossary_stamp SET n = n + 1; DELETE FROM glossary_image; END;"
    "CREATE TRIGGER IF NOT EXISTS glossary_term_deleted AFTER DELETE ON term BEGIN"
    "  UPDATE glossary_stamp SET n = n + 1; DELETE FROM glossary_image; END;"
    "CREATE TRIGGER IF NOT EXISTS glossary_concept_updated AFTER UPDATE ON concept BEGIN"
    "  UPDATE glossary_stamp SET n = n + 1; DELETE FROM glossary_image; END;"
    "CREATE TRIGGER IF NOT EXISTS glossary_concept_deleted AFTER DELETE ON concept BEGIN"
    "  UPDATE glossary_stamp SET n = n + 1; DELETE FROM glossary_image; END;",
    /* 6 -> 7: a unit is one row, its variants, props and notes packed in body (an import wrote
     * about eight rows a unit); the indexes are lists in chunks of about 4 KB (tm_list, row id
     * list << 12 | chunk): a list per n-gram, and per hash bucket for a variant's exact folded
     * text and a unit's content. tp_store_tm_upgrade moves the units after this runs. */
    "ALTER TABLE tm_unit RENAME TO tm_unit_v4;"
    "ALTER TABLE tm_variant RENAME TO tm_variant_v4;"
    "DROP INDEX tm_unit_by_hash;"
    "DROP INDEX tm_variant_by_fold;"
    "DROP TABLE tm_posting;"
    "CREATE TABLE tm_unit("
    "  id INTEGER PRIMARY KEY,"
    "  header_id INTEGER REFERENCES tm_header(id),"
    "  hash INTEGER NOT NULL,"           /* of the variants' languages and content */
    "  variants INTEGER NOT NULL,"
    "  body BLOB NOT NULL);"             /* store_tm.c: attributes, props, notes, variants */
    "CREATE TABLE tm_list("
    "  id INTEGER PRIMARY KEY,"
    "  n INTEGER NOT NULL,"              /* entries in this chunk */
    "  last INTEGER NOT NULL,"           /* the unit of its last entry, which the next */
    "  ids BLOB NOT NULL);",             /* chunk's deltas start from */
    /* 7 -> 8: units stored from now on leave out their variants' folded text, which is made
     * again from the text when it is wanted (store_tm.c, variant_fold); bodies written by
     * format 7 keep theirs and read as before. No table changes: a toponym that knows only
     * format 7 must not write to such a store, hence the new number. */
    "SELECT 1;",
};
#define MIGRATION_COUNT ((int)(sizeof migrations / sizeof migrations[0]))
_Static_assert(sizeof migrations / sizeof migrations[0] == TP_STORE_SCHEMA_VERSION,
               "TP_STORE_SCHEMA_VERSION must be the number of migrations");

tp_status tp_store_db_error(tp_store *s, tp_error *err, const char *what)
{
    int code = sqlite3_errcode(s->db);
    tp_status st = TP_ERR_STORE;
    if (code == SQLITE_READONLY)
        st = TP_ERR_READONLY;
    else if (code == SQLITE_NOTADB)
        st = TP_ERR_NOT_STORE;
    else if (code == SQLITE_NOMEM)
        st = TP_ERR_NOMEM;
    return tp_error_set(err, st, "%s: %s", what, sqlite3_errmsg(s->db));
}

tp_status tp_store_exec(tp_store *s, const char *sql, tp_error *err)
{
    if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return tp_store_db_error(s, err, "store");
    return TP_OK;
}

static int pragma_int(tp_store *s, const char *sql, int *out)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return sqlite3_errcode(s->db);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *out = sqlite3_column_int(st, 0);
        rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    return rc;
}

/* Brings the schema to the current version, or refuses a store that is not ours or is newer. */
static tp_status check_schema(tp_store *s, const char *path, tp_error *err)
{
    int app = 0, version = 0, tables = 0;
    if (pragma_int(s, "PRAGMA application_id", &app) != SQLITE_OK)
        return sqlite3_errcode(s->db) == SQLITE_NOTADB
                   ? tp_error_set(err, TP_ERR_NOT_STORE, "%s is not a toponym store (not an SQLite "
                                                        "database)", path)
                   : tp_store_db_error(s, err, path);
    if (pragma_int(s, "PRAGMA user_version", &version) != SQLITE_OK ||
        pragma_int(s, "SELECT count(*) FROM sqlite_schema", &tables) != SQLITE_OK)
        return tp_store_db_error(s, err, path);
    if (app != TP_APPLICATION_ID && tables > 0)
        return tp_error_set(err, TP_ERR_NOT_STORE,
                            "%s is not a toponym store (an SQLite database of another program)",
                            path);
    if (version > MIGRATION_COUNT)
        return tp_error_set(err, TP_ERR_VERSION,
                            "%s was written by a newer toponym (store format %d; this one reads up "
                            "to %d): upgrade toponym",
                            path, version, MIGRATION_COUNT);
    if (version == MIGRATION_COUNT)
        return TP_OK;
    if (s->readonly)
        return tp_error_set(err, TP_ERR_READONLY,
                            "%s needs upgrading to store format %d but is read-only", path,
                            MIGRATION_COUNT);
    /* WAL lets readers go on while one process writes; the mode cannot change inside a
     * transaction, and it persists in the file. */
    if (tables == 0 && tp_store_exec(s, "PRAGMA journal_mode=WAL", err))
        return TP_ERR_STORE;
    tp_status st = tp_store_exec(s, "BEGIN IMMEDIATE", err);
    if (st)
        return st;
    for (int v = version; v < MIGRATION_COUNT; v++)
        if ((st = tp_store_exec(s, migrations[v], err)))
            goto fail;
    if (version < 7 && (st = tp_store_tm_upgrade(s, err)))
        goto fail;
    char sql[96];
    snprintf(sql, sizeof sql, "PRAGMA application_id=%d; PRAGMA user_version=%d", TP_APPLICATION_ID,
             MIGRATION_COUNT);
    if ((st = tp_store_exec(s, sql, err)) || (st = tp_store_exec(s, "COMMIT", err)))
        goto fail;
    s->created = tables == 0;
    return TP_OK;
fail:
    sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    return st;
}

tp_status tp_store_create_format(const char *path, int format, tp_error *err)
{
    if (format < 1 || format > MIGRATION_COUNT)
        return tp_error_set(err, TP_ERR_ARG, "no store format %d", format);
    sqlite3 *db = NULL;
    tp_status st = TP_OK;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK)
        st = tp_error_set(err, TP_ERR_IO, "%s: %s", path, db ? sqlite3_errmsg(db) : "no memory");
    char sql[96];
    snprintf(sql, sizeof sql, "PRAGMA application_id=%d; PRAGMA user_version=%d", TP_APPLICATION_ID,
             format);
    for (int v = -1; !st && v <= format; v++) {
        const char *step = v < 0 ? "PRAGMA journal_mode=WAL" : v < format ? migrations[v] : sql;
        if (sqlite3_exec(db, step, NULL, NULL, NULL) != SQLITE_OK)
            st = tp_error_set(err, TP_ERR_STORE, "%s: %s", path, sqlite3_errmsg(db));
    }
    sqlite3_close(db);
    return st;
}

tp_status tp_store_prepare(tp_store *s, sqlite3_stmt **st, const char *sql, tp_error *err)
{
    if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL) != SQLITE_OK)
        return tp_store_db_error(s, err, "store");
    return TP_OK;
}

static tp_status prepare_all(tp_store *s, tp_error *err)
{
    tp_status st;
    if ((st = tp_store_prepare(s, &s->probe_key,
                      "SELECT k.term_id, t.concept_id, k.key, t.text, t.lang, t.reading FROM term_key k "
                      "JOIN term t ON "
                      "t.id = k.term_id WHERE k.kind = ?1 AND k.key = ?2", err)) ||
        (st = tp_store_prepare(s, &s->probe_prefix,
                      "SELECT k.term_id, t.concept_id, k.key, t.text, t.lang, t.reading FROM term_key k "
                      "JOIN term t ON "
                      "t.id = k.term_id WHERE k.kind = ?1 AND k.key >= ?2 AND k.key < ?3 "
                      "ORDER BY k.key LIMIT ?4", err)) ||
        (st = tp_store_prepare(s, &s->probe_fuzzy,
                      "SELECT f.term_id, t.concept_id, k.key, t.text, t.lang, t.reading FROM term_fuzz f "
                      "JOIN term t ON "
                      "t.id = f.term_id JOIN term_key k ON k.term_id = f.term_id AND k.kind = 2 "
                      "WHERE f.hash = ?1", err)))
        return st;
    if (s->readonly)
        return TP_OK;
    if ((st = tp_store_prepare(s, &s->ins_concept,
                      "INSERT INTO concept(id, ext_id, subject, note, source, extra) "
                      "VALUES(?5,?1,?2,?3,?4,?6)",
                      err)) ||
        (st = tp_store_prepare(s, &s->ins_term,
                      "INSERT INTO term(concept_id, seq, lang, text, status, scheme, reading, "
                      "usage, note, source, extra, id) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,"
                      "?12)", err)) ||
        (st = tp_store_prepare(s, &s->ins_key,
                      "INSERT OR IGNORE INTO term_key(kind, key, term_id) VALUES(?1,?2,?3)",
                      err)) ||
        (st = tp_store_prepare(s, &s->ins_fuzz,
                      "INSERT OR IGNORE INTO term_fuzz(hash, term_id) VALUES(?1,?2)", err)) ||
        (st = tp_store_prepare(s, &s->ins_link,
                      "INSERT OR IGNORE INTO concept_link(concept_id, target, text) "
                      "VALUES(?1,?2,?3)",
                      err)) ||
        (st = tp_store_history_prepare(s, err)))
        return st;
    return TP_OK;
}

/* SQLite's commit hook: a commit while one of our transactions is open, other than our own
 * COMMIT, is a write that ran after SQLite rolled that transaction back by itself (out of
 * memory, disk full, I/O error) and would land alone: turn it into a rollback, so that a failed
 * import leaves nothing behind (found by tests/fault/test_fault.c). */
static int commit_guard(void *ctx)
{
    tp_store *s = ctx;
    return s->guarded && !s->committing;
}

tp_status tp_store_commit_guarded(tp_store *s, tp_error *err)
{
    s->committing = 1;
    tp_status st = tp_store_exec(s, "COMMIT", err);
    s->committing = 0;
    if (!st)
        s->guarded = 0;
    return st;
}

/* How long a write waits for another process's write to end. An import holds the store for
 * its whole length (minutes for a large memory) so that it lands whole or not at all; an edit
 * made meanwhile waits for it rather than fail with "database is locked" (found by
 * tests/fault/concurrency.sh with SQLite's 5 s timeout). */
#define BUSY_WAIT_MAX 900.0

static double seconds_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* SQLite's busy handler: sleep a little longer each time (1 ms to 50 ms), up to BUSY_WAIT_MAX. */
static int busy_wait(void *ctx, int tries)
{
    tp_store *s = ctx;
    if (s->no_wait)
        return 0;
    double now = seconds_now();
    if (tries == 0)
        s->busy_since = now;
    if (now - s->busy_since > BUSY_WAIT_MAX)
        return 0;
    int ms = tries < 10 ? 1 : tries < 50 ? 10 : 50;
    struct timespec nap = {0, (long)ms * 1000000L};
    nanosleep(&nap, NULL);
    return 1;
}

/* Opens the connection; immutable opens the file through a URI that tells SQLite nobody will
 * change it, which needs no shared-memory file beside it. */
static tp_status connect(tp_store *s, const char *path, int oflags, int immutable, tp_error *err)
{
    char *uri = NULL;
    if (immutable) {
        /* file: URI with %, ?, # and non-ASCII bytes escaped. */
        size_t n = strlen(path);
        uri = malloc(3 * n + 32);
        if (!uri)
            return tp_error_nomem(err);
        char *o = uri + sprintf(uri, "file:");
        for (const unsigned char *p = (const unsigned char *)path; *p; p++)
            o += (*p == '%' || *p == '?' || *p == '#' || *p < 0x21 || *p > 0x7E)
                     ? sprintf(o, "%%%02X", *p)
                     : sprintf(o, "%c", *p);
        strcpy(o, "?immutable=1");
        oflags |= SQLITE_OPEN_URI;
    }
    /* A connection is only ever used by one thread at a time (a thread that wants the store
     * opens its own), so SQLite need not lock it at every call. */
    int rc = sqlite3_open_v2(uri ? uri : path, &s->db, oflags | SQLITE_OPEN_NOMUTEX,
                             tp_store_vfs());
    free(uri);
    if (rc != SQLITE_OK)
        return tp_error_set(err, TP_ERR_IO, "cannot open store %s: %s", path,
                            s->db ? sqlite3_errmsg(s->db) : "out of memory");
    sqlite3_extended_result_codes(s->db, 0);
    sqlite3_commit_hook(s->db, commit_guard, s);
    sqlite3_busy_handler(s->db, busy_wait, s);
    /* Temporary b-trees (sorting, savepoint journals) in memory, and a 32 MB page cache. The
     * WAL synced at every commit (SQLite's default, stated: batched WAL writes rely on it). */
    sqlite3_exec(s->db, "PRAGMA temp_store=MEMORY; PRAGMA cache_size=" CACHE_KB
                 "; PRAGMA synchronous=FULL", NULL, NULL, NULL);
    return TP_OK;
}

tp_status tp_store_open(const char *path, unsigned flags, tp_norm *norm, tp_store **out,
                        tp_error *err)
{
    struct stat sb;
    int exists = stat(path, &sb) == 0;
    if (exists && S_ISDIR(sb.st_mode))
        return tp_error_set(err, TP_ERR_IO, "%s is a directory, not a store", path);
    if (!exists && (flags & (TP_STORE_NOCREATE | TP_STORE_READONLY)))
        return tp_error_set(err, TP_ERR_NOTFOUND, "%s: no such store", path);
    tp_store *s = calloc(1, sizeof *s);
    if (!s)
        return tp_error_nomem(err);
    s->norm = norm;
    s->readonly = (flags & TP_STORE_READONLY) || (exists && access(path, W_OK) != 0);
    int oflags = s->readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    tp_status st = TP_OK;
    if ((st = connect(s, path, oflags, 0, err)))
        goto fail;
    st = check_schema(s, path, err);
    if (st == TP_ERR_READONLY && s->readonly &&
        !tp_store_created(s)) {
        /* A WAL store in a directory we cannot write to: its shared-memory file cannot be
         * made, so read the file as immutable (this user cannot change it anyway). */
        sqlite3_close(s->db);
        s->db = NULL;
        if (!(st = connect(s, path, oflags, 1, err)))
            st = check_schema(s, path, err);
    }
    if (st || (st = tp_store_exec(s, "PRAGMA foreign_keys=ON", err)) || (st = prepare_all(s, err)))
        goto fail;
    *out = s;
    return TP_OK;
fail:
    tp_store_close(s);
    return st;
}

void tp_store_close(tp_store *s)
{
    if (!s)
        return;
    if (s->in_txn)
        tp_store_rollback(s);
    tp_store_read_end(s);
    tp_store_tm_close(s);
    tp_store_pending_free(s);
    sqlite3_stmt *all[] = {s->ins_concept, s->ins_term, s->ins_key, s->ins_fuzz, s->ins_link,
                           s->probe_key, s->probe_prefix, s->probe_fuzzy, s->rd_concept,
                           s->rd_concept_ext, s->rd_terms, s->rd_links, s->same_cand,
                           s->same_other};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        sqlite3_finalize(all[i]);
    tp_store_history_close(s);
    sqlite3_close(s->db);
    free(s);
}

int tp_store_created(const tp_store *s)
{
    return s->created;
}

int tp_store_readonly(const tp_store *s)
{
    return s->readonly;
}

static tp_status need_write(tp_store *s, tp_error *err)
{
    if (s->readonly)
        return tp_error_set(err, TP_ERR_READONLY, "the store is open read-only");
    return TP_OK;
}

tp_status tp_store_begin(tp_store *s, tp_error *err)
{
    tp_status st = need_write(s, err);
    if (st)
        return st;
    if (s->in_txn)
        return tp_error_set(err, TP_ERR_ARG, "a transaction is already open");
    tp_store_read_end(s);
    if ((st = tp_store_exec(s, "BEGIN IMMEDIATE", err)))
        return st;
    s->in_txn = 1;
    s->guarded = 1;
    return TP_OK;
}

/* Ends bulk mode once its transaction is over (PRAGMA foreign_keys is a no-op inside one). */
static void bulk_end(tp_store *s)
{
    if (s->bulk) {
        tp_store_vfs_batch(s, 0);
        sqlite3_exec(s->db, "PRAGMA foreign_keys=ON; PRAGMA cache_size=" CACHE_KB, NULL, NULL,
                     NULL);
    }
    s->bulk = s->bulk_failed = 0;
}

/* A bulk transaction queues keys to write them sorted (store_bulk.c), with a larger page cache
 * and without foreign-key checks: with keys going in sorted by key, each check would be a
 * random probe of the term table, a third of an ENAMDICT import. Nothing relies on the
 * cascades meanwhile: the store's deletes remove dependent rows themselves (store_edit.c). */
tp_status tp_store_begin_bulk(tp_store *s, tp_error *err)
{
    tp_status st = need_write(s, err);
    if (st)
        return st;
    if (s->in_txn)
        return tp_error_set(err, TP_ERR_ARG, "a transaction is already open");
    tp_store_read_end(s); /* the pragma would be a no-op inside a read snapshot */
    s->bulk = 1;
    s->bulk_failed = 0;
    if ((st = tp_store_exec(s, "PRAGMA foreign_keys=OFF; PRAGMA cache_size=" BULK_CACHE_KB,
                            err)) ||
        (st = tp_store_begin(s, err)))
        bulk_end(s);
    else
        tp_store_vfs_batch(s, 1);
    return st;
}

tp_status tp_store_commit(tp_store *s, tp_error *err)
{
    if (!s->in_txn)
        return tp_error_set(err, TP_ERR_ARG, "no transaction is open");
    if (s->bulk_failed) {
        tp_store_rollback(s);
        return tp_error_set(err, TP_ERR_ARG, "a write failed in this transaction: rolled back");
    }
    tp_status st = tp_store_pending_flush(s, err);
    if (!st)
        st = tp_store_tm_flush(s, err);
    if (!st)
        st = tp_store_commit_guarded(s, err);
    if (st) {
        tp_store_rollback(s);
        return st;
    }
    s->in_txn = 0;
    bulk_end(s);
    s->change_id = 0;
    tp_store_describe(s, NULL, NULL);
    return TP_OK;
}

void tp_store_rollback(tp_store *s)
{
    if (s->in_txn)
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    tp_store_pending_clear(s);
    tp_store_tm_discard(s);
    s->in_txn = 0;
    s->guarded = 0;
    bulk_end(s);
    s->change_id = 0;
    tp_store_describe(s, NULL, NULL);
}

/* ---- writing ---- */

void tp_store_bind_text(sqlite3_stmt *st, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, i);
}

tp_status tp_store_step_done(tp_store *s, sqlite3_stmt *st, tp_error *err, const char *what)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (rc != SQLITE_DONE)
        return tp_store_db_error(s, err, what);
    return TP_OK;
}

tp_status tp_store_add_keys(tp_store *s, const tp_term *t, tp_error *err)
{
    tp_keyset *keys = NULL;
    tp_status st = tp_norm_keys(s->norm, t->text, strlen(t->text), t->lang, t->reading, &keys, err);
    if (st)
        return st;
    if (s->bulk) {
        /* Queued, to be written sorted (store_bulk.c). */
        uint64_t *h = NULL;
        size_t n = 0;
        for (size_t i = 0; !st && i < keys->count && !h; i++)
            if (keys->keys[i].kind == TP_KEY_FOLD)
                st = tp_norm_fuzzy_hashes(keys->keys[i].text, &h, &n, err);
        if (!st)
            st = tp_store_pending_add(s, t->id, keys, h, n, err);
        free(h);
        tp_keyset_free(keys);
        return st;
    }
    for (size_t i = 0; !st && i < keys->count; i++) {
        sqlite3_bind_int(s->ins_key, 1, (int)keys->keys[i].kind);
        tp_store_bind_text(s->ins_key, 2, keys->keys[i].text);
        sqlite3_bind_int64(s->ins_key, 3, t->id);
        st = tp_store_step_done(s, s->ins_key, err, "cannot store key");
        if (!st && keys->keys[i].kind == TP_KEY_FOLD) {
            uint64_t *h = NULL;
            size_t n = 0;
            st = tp_norm_fuzzy_hashes(keys->keys[i].text, &h, &n, err);
            for (size_t j = 0; !st && j < n; j++) {
                sqlite3_bind_int64(s->ins_fuzz, 1, (sqlite3_int64)h[j]);
                sqlite3_bind_int64(s->ins_fuzz, 2, t->id);
                st = tp_store_step_done(s, s->ins_fuzz, err, "cannot store key");
            }
            free(h);
        }
    }
    tp_keyset_free(keys);
    return st;
}

tp_status tp_store_insert_concept(tp_store *s, tp_concept *c, tp_error *err)
{
    tp_store_bind_text(s->ins_concept, 1, c->ext_id);
    tp_store_bind_text(s->ins_concept, 2, c->subject);
    tp_store_bind_text(s->ins_concept, 3, c->note);
    tp_store_bind_text(s->ins_concept, 4, c->source);
    if (c->id > 0)
        sqlite3_bind_int64(s->ins_concept, 5, c->id);
    tp_store_bind_text(s->ins_concept, 6, c->extra);
    int rc = sqlite3_step(s->ins_concept);
    sqlite3_reset(s->ins_concept);
    sqlite3_clear_bindings(s->ins_concept);
    if (rc == SQLITE_CONSTRAINT)
        return tp_error_set(err, TP_ERR_ARG, "concept \"%s\" is already in the store", c->ext_id);
    if (rc != SQLITE_DONE)
        return tp_store_db_error(s, err, "cannot store concept");
    c->id = sqlite3_last_insert_rowid(s->db);
    tp_status st = TP_OK;
    for (size_t i = 0; !st && i < c->link_count; i++) {
        sqlite3_bind_int64(s->ins_link, 1, c->id);
        tp_store_bind_text(s->ins_link, 2, c->links[i].target);
        tp_store_bind_text(s->ins_link, 3, c->links[i].text);
        st = tp_store_step_done(s, s->ins_link, err, "cannot store link");
    }
    for (size_t i = 0; !st && i < c->term_count; i++) {
        tp_term *t = &c->terms[i];
        sqlite3_bind_int64(s->ins_term, 1, c->id);
        sqlite3_bind_int64(s->ins_term, 2, (sqlite3_int64)i);
        tp_store_bind_text(s->ins_term, 3, t->lang);
        tp_store_bind_text(s->ins_term, 4, t->text);
        sqlite3_bind_int(s->ins_term, 5, (int)t->status);
        tp_store_bind_text(s->ins_term, 6, t->scheme ? tp_scheme_name(t->scheme) : NULL);
        tp_store_bind_text(s->ins_term, 7, t->reading);
        tp_store_bind_text(s->ins_term, 8, t->usage);
        tp_store_bind_text(s->ins_term, 9, t->note);
        tp_store_bind_text(s->ins_term, 10, t->source);
        tp_store_bind_text(s->ins_term, 11, t->extra);
        if (t->id > 0) /* undo puts a term back under its old id */
            sqlite3_bind_int64(s->ins_term, 12, t->id);
        if ((st = tp_store_step_done(s, s->ins_term, err, "cannot store term")))
            break;
        t->id = sqlite3_last_insert_rowid(s->db);
        st = tp_store_add_keys(s, t, err);
    }
    return st;
}

tp_status tp_store_add_concept(tp_store *s, tp_concept *c, tp_error *err)
{
    tp_status st = need_write(s, err);
    if (st)
        return st;
    tp_store_read_end(s);
    if (s->bulk) {
        /* The importer rolls the whole transaction back after any failure. */
        c->id = 0;
        for (size_t i = 0; i < c->term_count; i++)
            c->terms[i].id = 0;
        st = tp_store_insert_concept(s, c, err);
        if (!st)
            st = tp_store_record(s, c->id, 0, err);
        /* A clash of ext_id is found before anything is written: that one is harmless. */
        if (st && !(st == TP_ERR_ARG && c->id == 0))
            s->bulk_failed = 1;
        return st;
    }
    /* A savepoint makes the concept atomic inside or outside an explicit transaction. */
    if ((st = tp_store_exec(s, "SAVEPOINT add_concept", err)))
        return st;
    int64_t change = s->change_id;
    c->id = 0;
    for (size_t i = 0; i < c->term_count; i++)
        c->terms[i].id = 0;
    st = tp_store_insert_concept(s, c, err);
    if (!st)
        st = tp_store_record(s, c->id, 0, err);
    if (st) {
        sqlite3_exec(s->db, "ROLLBACK TO add_concept; RELEASE add_concept", NULL, NULL, NULL);
        s->change_id = change;
        c->id = 0;
        for (size_t i = 0; i < c->term_count; i++)
            c->terms[i].id = 0;
        return st;
    }
    return tp_store_change_done(s, "RELEASE add_concept", err);
}

tp_status tp_store_read_begin(tp_store *s, tp_error *err)
{
    /* One snapshot for the many probes of a lookup: SQLite then locks and checks the file once,
     * not once a statement. Inside a write transaction there is nothing to do; inside a
     * snapshot, only the outermost pair begins and ends it. */
    if (s->in_txn)
        return TP_OK;
    if (s->reading) {
        s->reading++;
        return TP_OK;
    }
    tp_status st = tp_store_exec(s, "BEGIN", err);
    if (!st)
        s->reading = 1;
    return st;
}

void tp_store_read_end(tp_store *s)
{
    if (s->reading && --s->reading == 0)
        sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
}

/* ---- reading ---- */

const char *tp_store_col_text(sqlite3_stmt *st, int i)
{
    return (const char *)sqlite3_column_text(st, i);
}

/* Reads the terms and links of concept c->id into c, with the store's kept statements (export
 * reads every concept: preparing them each time would cost more than the reading). */
static tp_status read_parts(tp_store *s, tp_concept *c, tp_error *err)
{
    tp_status res = TP_OK;
    int rc;
    if (!s->rd_terms &&
        ((res = tp_store_prepare(s, &s->rd_terms,
                                 "SELECT id, lang, text, status, scheme, reading, usage, note, "
                                 "source, extra FROM term WHERE concept_id = ?1 ORDER BY seq",
                                 err)) ||
         (res = tp_store_prepare(s, &s->rd_links,
                                 "SELECT target, text FROM concept_link WHERE concept_id = ?1 "
                                 "ORDER BY target", err))))
        return res;
    sqlite3_bind_int64(s->rd_terms, 1, c->id);
    while (!res && (rc = sqlite3_step(s->rd_terms)) == SQLITE_ROW) {
        sqlite3_stmt *st = s->rd_terms;
        tp_term t = {0};
        t.id = sqlite3_column_int64(st, 0);
        t.lang = (char *)tp_store_col_text(st, 1);
        t.text = (char *)tp_store_col_text(st, 2);
        t.status = (tp_term_status)sqlite3_column_int(st, 3);
        if (tp_store_col_text(st, 4))
            tp_scheme_parse(tp_store_col_text(st, 4), &t.scheme);
        t.reading = (char *)tp_store_col_text(st, 5);
        t.usage = (char *)tp_store_col_text(st, 6);
        t.note = (char *)tp_store_col_text(st, 7);
        t.source = (char *)tp_store_col_text(st, 8);
        t.extra = (char *)tp_store_col_text(st, 9);
        /* SQLite gives NULL for a text it could not allocate: not an empty field (found by
         * tests/fault/test_fault.c; an import then "merged" the missing fields back). */
        res = sqlite3_errcode(s->db) == SQLITE_NOMEM ? tp_error_nomem(err)
                                                    : tp_concept_add_term(c, &t, err);
    }
    if (!res && rc != SQLITE_DONE)
        res = tp_store_db_error(s, err, "cannot read terms");
    sqlite3_reset(s->rd_terms);
    if (res)
        return res;
    sqlite3_bind_int64(s->rd_links, 1, c->id);
    while (!res && (rc = sqlite3_step(s->rd_links)) == SQLITE_ROW)
        res = tp_concept_add_link(c, tp_store_col_text(s->rd_links, 0),
                                  tp_store_col_text(s->rd_links, 1), err);
    if (!res && rc != SQLITE_DONE)
        res = tp_store_db_error(s, err, "cannot read links");
    sqlite3_reset(s->rd_links);
    return res;
}

tp_status tp_store_concept_from_row(tp_store *s, sqlite3_stmt *st, tp_concept **out, tp_error *err)
{
    tp_concept *c = tp_concept_new();
    tp_status res = c ? TP_OK : tp_error_nomem(err);
    if (!res) {
        c->id = sqlite3_column_int64(st, 0);
        if ((res = tp_concept_set(&c->ext_id, tp_store_col_text(st, 1), err)) ||
            (res = tp_concept_set(&c->subject, tp_store_col_text(st, 2), err)) ||
            (res = tp_concept_set(&c->note, tp_store_col_text(st, 3), err)) ||
            (res = tp_concept_set(&c->source, tp_store_col_text(st, 4), err)) ||
            (res = tp_concept_set(&c->extra, tp_store_col_text(st, 5), err)))
            ;
        else if (sqlite3_errcode(s->db) == SQLITE_NOMEM) /* a text SQLite could not allocate */
            res = tp_error_nomem(err);
        else
            res = read_parts(s, c, err);
    }
    if (res) {
        tp_concept_free(c);
        return res;
    }
    *out = c;
    return TP_OK;
}

static tp_status read_concept(tp_store *s, int64_t id, const char *ext_id, tp_concept **out,
                              tp_error *err)
{
    tp_status res;
    sqlite3_stmt **st = ext_id ? &s->rd_concept_ext : &s->rd_concept;
    if (!*st &&
        (res = tp_store_prepare(s, st,
                                ext_id ? "SELECT id, ext_id, subject, note, source, extra FROM "
                                         "concept WHERE ext_id = ?1"
                                       : "SELECT id, ext_id, subject, note, source, extra FROM "
                                         "concept WHERE id = ?1",
                                err)))
        return res;
    if (ext_id)
        sqlite3_bind_text(*st, 1, ext_id, -1, SQLITE_STATIC);
    else
        sqlite3_bind_int64(*st, 1, id);
    int rc = sqlite3_step(*st);
    if (rc == SQLITE_ROW)
        res = tp_store_concept_from_row(s, *st, out, err);
    else if (rc == SQLITE_DONE)
        res = ext_id ? tp_error_set(err, TP_ERR_NOTFOUND, "no concept \"%s\"", ext_id)
                     : tp_error_set(err, TP_ERR_NOTFOUND, "no concept %lld", (long long)id);
    else
        res = tp_store_db_error(s, err, "cannot read concept");
    sqlite3_reset(*st);
    sqlite3_clear_bindings(*st);
    return res;
}

tp_status tp_store_get_concept(tp_store *s, int64_t id, tp_concept **out, tp_error *err)
{
    return read_concept(s, id, NULL, out, err);
}

tp_status tp_store_find_concept(tp_store *s, const char *ext_id, tp_concept **out, tp_error *err)
{
    return read_concept(s, 0, ext_id, out, err);
}

tp_status tp_store_stats_get(tp_store *s, tp_store_stats **out, tp_error *err)
{
    tp_store_stats *r = calloc(1, sizeof *r);
    if (!r)
        return tp_error_nomem(err);
    sqlite3_stmt *st = NULL;
    tp_status res = tp_store_pending_flush(s, err);
    if (!res && (sqlite3_prepare_v2(s->db,
                                    "SELECT (SELECT count(*) FROM concept), (SELECT count(*) "
                                    "FROM term), (SELECT count(*) FROM term_key)", -1, &st,
                                    NULL) != SQLITE_OK ||
                 sqlite3_step(st) != SQLITE_ROW)) {
        res = tp_store_db_error(s, err, "cannot count");
    } else if (!res) {
        r->concepts = (long)sqlite3_column_int64(st, 0);
        r->terms = (long)sqlite3_column_int64(st, 1);
        r->keys = (long)sqlite3_column_int64(st, 2);
    }
    sqlite3_finalize(st);
    st = NULL;
    if (!res && sqlite3_prepare_v2(s->db,
                                   "SELECT lang, status, count(*) FROM term GROUP BY lang, status "
                                   "ORDER BY lang, status", -1, &st, NULL) != SQLITE_OK)
        res = tp_store_db_error(s, err, "cannot count");
    while (!res && sqlite3_step(st) == SQLITE_ROW) {
        tp_store_count *c = realloc(r->counts, (r->count_len + 1) * sizeof *c);
        if (!c) {
            res = tp_error_nomem(err);
            break;
        }
        r->counts = c;
        c += r->count_len++;
        snprintf(c->lang, sizeof c->lang, "%s", tp_store_col_text(st, 0));
        c->status = (tp_term_status)sqlite3_column_int(st, 1);
        c->count = (long)sqlite3_column_int64(st, 2);
    }
    sqlite3_finalize(st);
    if (res) {
        tp_store_stats_free(r);
        return res;
    }
    *out = r;
    return TP_OK;
}

void tp_store_stats_free(tp_store_stats *stats)
{
    if (!stats)
        return;
    free(stats->counts);
    free(stats);
}

/* ---- probes ---- */

static tp_status run_probe(tp_store *s, sqlite3_stmt *st, tp_store_hit_fn fn, void *ctx,
                           tp_error *err)
{
    int rc;
    tp_status res = TP_OK;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        tp_store_hit hit;
        hit.term_id = sqlite3_column_int64(st, 0);
        hit.concept_id = sqlite3_column_int64(st, 1);
        hit.key = tp_store_col_text(st, 2);
        hit.text = tp_store_col_text(st, 3);
        hit.lang = tp_store_col_text(st, 4);
        hit.reading = tp_store_col_text(st, 5);
        hit.kind = (tp_key_kind)0;
        if (fn(ctx, &hit)) {
            rc = SQLITE_DONE;
            break;
        }
    }
    if (rc != SQLITE_DONE)
        res = tp_store_db_error(s, err, "lookup failed");
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return res;
}

/* Fills in the hit's kind, which run_probe cannot know. */
typedef struct kind_ctx {
    tp_key_kind kind;
    tp_store_hit_fn fn;
    void *ctx;
} kind_ctx;

static int with_kind(void *p, const tp_store_hit *hit)
{
    kind_ctx *k = p;
    tp_store_hit h = *hit;
    h.kind = k->kind;
    return k->fn(k->ctx, &h);
}

tp_status tp_store_probe_key(tp_store *s, tp_key_kind kind, const char *key, tp_store_hit_fn fn,
                             void *ctx, tp_error *err)
{
    kind_ctx k = {kind, fn, ctx};
    tp_status st = tp_store_pending_flush(s, err);
    if (st)
        return st;
    sqlite3_bind_int(s->probe_key, 1, (int)kind);
    sqlite3_bind_text(s->probe_key, 2, key, -1, SQLITE_STATIC);
    return run_probe(s, s->probe_key, with_kind, &k, err);
}

tp_status tp_store_probe_prefix(tp_store *s, tp_key_kind kind, const char *prefix, size_t limit,
                                tp_store_hit_fn fn, void *ctx, tp_error *err)
{
    /* Every key with the prefix sorts in [prefix, prefix + U+10FFFF) under binary collation. */
    tp_status st = tp_store_pending_flush(s, err);
    if (st)
        return st;
    size_t n = strlen(prefix);
    char *upper = malloc(n + 5);
    if (!upper)
        return tp_error_nomem(err);
    memcpy(upper, prefix, n);
    memcpy(upper + n, "\xF4\x8F\xBF\xBF", 5);
    kind_ctx k = {kind, fn, ctx};
    sqlite3_bind_int(s->probe_prefix, 1, (int)kind);
    sqlite3_bind_text(s->probe_prefix, 2, prefix, -1, SQLITE_STATIC);
    sqlite3_bind_text(s->probe_prefix, 3, upper, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s->probe_prefix, 4, (sqlite3_int64)limit);
    st = run_probe(s, s->probe_prefix, with_kind, &k, err);
    free(upper);
    return st;
}

tp_status tp_store_probe_fuzzy(tp_store *s, const uint64_t *hashes, size_t count,
                               tp_store_hit_fn fn, void *ctx, tp_error *err)
{
    kind_ctx k = {TP_KEY_FOLD, fn, ctx};
    tp_status st = tp_store_pending_flush(s, err);
    for (size_t i = 0; !st && i < count; i++) {
        sqlite3_bind_int64(s->probe_fuzzy, 1, (sqlite3_int64)hashes[i]);
        st = run_probe(s, s->probe_fuzzy, with_kind, &k, err);
    }
    return st;
}
