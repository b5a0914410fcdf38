/* Looks into a store from outside the library, for the crash and disk tests: runs PRAGMA
 * integrity_check and counts concepts, terms, units and variants, on one line:
 *   integrity=ok concepts=N terms=N units=N variants=N
 * Exit 0 when the file opens and is intact, 1 otherwise. */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

static long count(sqlite3 *db, const char *table)
{
    char sql[96];
    sqlite3_stmt *q;
    long n = -1;
    /* A unit's variants are packed in its row (store formats 7 and 8): tm_unit counts them. */
    if (!strcmp(table, "tm_variant"))
        snprintf(sql, sizeof sql, "SELECT total(variants) FROM tm_unit");
    else
        snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
    if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW)
        n = (long)sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    return n;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: store_probe STORE\n");
        return 2;
    }
    sqlite3 *db;
    if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        printf("integrity=cannot-open (%s)\n", sqlite3_errmsg(db));
        sqlite3_close(db);
        return 1;
    }
    sqlite3_busy_timeout(db, 10000);
    sqlite3_stmt *q;
    char result[256] = "error";
    if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &q, NULL) == SQLITE_OK &&
        sqlite3_step(q) == SQLITE_ROW)
        snprintf(result, sizeof result, "%s", (const char *)sqlite3_column_text(q, 0));
    else
        snprintf(result, sizeof result, "error (%s)", sqlite3_errmsg(db));
    sqlite3_finalize(q);
    printf("integrity=%s concepts=%ld terms=%ld units=%ld variants=%ld\n", result,
           count(db, "concept"), count(db, "term"), count(db, "tm_unit"),
           count(db, "tm_variant"));
    sqlite3_close(db);
    return strcmp(result, "ok") != 0;
}
