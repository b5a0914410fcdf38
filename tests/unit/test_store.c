/* The store: round trip of a concept, duplicate ids, transactions, refusing files that are not
 * ours or are newer, read-only stores, probes and counts. */
#include "tp_test.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <toponym/toponym.h>
#include "store_int.h"

static tp_norm *norm;
static char dir[] = "/tmp/tp_store_XXXXXX";

static const char *path_in(const char *name)
{
    static char buf[256];
    snprintf(buf, sizeof buf, "%s/%s", dir, name);
    return buf;
}

static tp_concept *sample(const char *id)
{
    tp_concept *c = tp_concept_new();
    tp_error err;
    tp_concept_set(&c->ext_id, id, &err);
    tp_concept_set(&c->subject, "island", &err);
    tp_concept_set(&c->note, "One of the four southern islands.", &err);
    /* Designated initialisers: tp_term grows fields at the end. */
    tp_term en = {.lang = "en", .text = "Iturup", .status = TP_TERM_PREFERRED,
                  .usage = "Russian official usage", .source = "BGN/PCGN"};
    tp_term ja = {.lang = "ja", .text = "択捉島", .status = TP_TERM_PREFERRED,
                  .reading = "えとろふとう"};
    tp_term jl = {.lang = "ja-Latn", .text = "Etorofu-tō", .status = TP_TERM_ADMITTED,
                  .scheme = TP_SCHEME_HEPBURN};
    tp_term ru = {.lang = "ru", .text = "Итуруп", .status = TP_TERM_PREFERRED};
    tp_concept_add_term(c, &en, &err);
    tp_concept_add_term(c, &ja, &err);
    tp_concept_add_term(c, &jl, &err);
    tp_concept_add_term(c, &ru, &err);
    tp_concept_add_link(c, "kuril-islands", "Kuril Islands", &err);
    return c;
}

static int count_hits(void *ctx, const tp_store_hit *hit)
{
    (void)hit;
    (*(int *)ctx)++;
    return 0;
}

static void test_round_trip(void)
{
    tp_store *s = NULL;
    tp_error err;
    CHECK(tp_store_open(path_in("a.db"), 0, norm, &s, &err) == TP_OK);
    CHECK(tp_store_created(s));
    tp_concept *c = sample("iturup");
    CHECK(tp_store_add_concept(s, c, &err) == TP_OK);
    CHECK(c->id > 0 && c->terms[0].id > 0);
    /* The same id again is refused and adds nothing. */
    tp_concept *dup = sample("iturup");
    CHECK(tp_store_add_concept(s, dup, &err) == TP_ERR_ARG);
    CHECK(strstr(err.message, "iturup") != NULL);
    tp_concept_free(dup);

    tp_concept *back = NULL;
    CHECK(tp_store_find_concept(s, "iturup", &back, &err) == TP_OK);
    CHECK(back && back->term_count == 4);
    if (back && back->term_count == 4) {
        CHECK_STR(back->note, "One of the four southern islands.");
        CHECK_STR(back->terms[1].text, "択捉島");
        CHECK_STR(back->terms[1].reading, "えとろふとう");
        CHECK(back->terms[2].scheme == TP_SCHEME_HEPBURN);
        CHECK(back->terms[2].status == TP_TERM_ADMITTED);
        CHECK_STR(back->terms[0].usage, "Russian official usage");
        CHECK(back->link_count == 1 && strcmp(back->links[0].target, "kuril-islands") == 0 &&
              strcmp(back->links[0].text, "Kuril Islands") == 0);
    }
    tp_concept_free(back);
    CHECK(tp_store_find_concept(s, "nowhere", &back, &err) == TP_ERR_NOTFOUND);

    int hits = 0;
    CHECK(tp_store_probe_key(s, TP_KEY_FOLD, "iturup", count_hits, &hits, &err) == TP_OK);
    CHECK(hits == 1);
    hits = 0;
    CHECK(tp_store_probe_prefix(s, TP_KEY_FOLD, "etor", 10, count_hits, &hits, &err) == TP_OK);
    CHECK(hits == 1);
    hits = 0;
    CHECK(tp_store_probe_prefix(s, TP_KEY_PART, "to", 10, count_hits, &hits, &err) == TP_OK);
    CHECK(hits == 1);

    tp_store_stats *st = NULL;
    CHECK(tp_store_stats_get(s, &st, &err) == TP_OK);
    CHECK(st->concepts == 1 && st->terms == 4 && st->count_len == 4);
    tp_store_stats_free(st);
    tp_concept_free(c);
    tp_store_close(s);

    /* Reopened, it is not new and still holds the concept. */
    CHECK(tp_store_open(path_in("a.db"), 0, norm, &s, &err) == TP_OK);
    CHECK(!tp_store_created(s));
    CHECK(tp_store_find_concept(s, "iturup", &back, &err) == TP_OK);
    tp_concept_free(back);
    tp_store_close(s);
}

static void test_transaction(void)
{
    tp_store *s = NULL;
    tp_error err;
    CHECK(tp_store_open(path_in("t.db"), 0, norm, &s, &err) == TP_OK);
    CHECK(tp_store_begin(s, &err) == TP_OK);
    tp_concept *a = sample("a"), *b = sample("b");
    CHECK(tp_store_add_concept(s, a, &err) == TP_OK);
    CHECK(tp_store_add_concept(s, b, &err) == TP_OK);
    tp_store_rollback(s);
    tp_concept *back = NULL;
    CHECK(tp_store_find_concept(s, "a", &back, &err) == TP_ERR_NOTFOUND);
    tp_concept_free(a);
    tp_concept_free(b);
    tp_store_close(s);
}

/* A snapshot holds until the outermost read_end: a nested pair (a lookup inside a larger read)
 * does not end it early. */
static void test_snapshots(void)
{
    tp_store *s = NULL, *w = NULL;
    tp_error err;
    CHECK(tp_store_open(path_in("r.db"), 0, norm, &s, &err) == TP_OK);
    CHECK(tp_store_open(path_in("r.db"), 0, norm, &w, &err) == TP_OK);
    tp_concept *a = sample("a"), *b = sample("b"), *back = NULL;
    CHECK(tp_store_add_concept(s, a, &err) == TP_OK);
    CHECK(tp_store_read_begin(s, &err) == TP_OK);
    CHECK(tp_store_find_concept(s, "a", &back, &err) == TP_OK);
    tp_concept_free(back);
    CHECK(tp_store_read_begin(s, &err) == TP_OK);
    tp_store_read_end(s);
    CHECK(tp_store_add_concept(w, b, &err) == TP_OK);   /* another connection writes */
    back = NULL;
    CHECK(tp_store_find_concept(s, "b", &back, &err) == TP_ERR_NOTFOUND);
    tp_concept_free(back);
    tp_store_read_end(s);
    back = NULL;
    CHECK(tp_store_find_concept(s, "b", &back, &err) == TP_OK);
    tp_concept_free(back);
    tp_concept_free(a);
    tp_concept_free(b);
    tp_store_close(w);
    tp_store_close(s);
}

static void test_refusals(void)
{
    tp_store *s = NULL;
    tp_error err;
    /* Not SQLite at all. */
    FILE *f = fopen(path_in("junk.db"), "w");
    fputs("this is not a database, just some words that are long enough to matter......\n", f);
    fclose(f);
    CHECK(tp_store_open(path_in("junk.db"), 0, norm, &s, &err) == TP_ERR_NOT_STORE);
    /* SQLite, but another program's. */
    sqlite3 *db;
    sqlite3_open(path_in("other.db"), &db);
    sqlite3_exec(db, "CREATE TABLE t(x)", NULL, NULL, NULL);
    sqlite3_close(db);
    CHECK(tp_store_open(path_in("other.db"), 0, norm, &s, &err) == TP_ERR_NOT_STORE);
    /* Ours, from the future. */
    CHECK(tp_store_open(path_in("new.db"), 0, norm, &s, &err) == TP_OK);
    tp_store_close(s);
    sqlite3_open(path_in("new.db"), &db);
    sqlite3_exec(db, "PRAGMA user_version=99", NULL, NULL, NULL);
    sqlite3_close(db);
    CHECK(tp_store_open(path_in("new.db"), 0, norm, &s, &err) == TP_ERR_VERSION);
    CHECK(strstr(err.message, "newer") != NULL);
    /* Missing when it must exist; a directory. */
    CHECK(tp_store_open(path_in("none.db"), TP_STORE_NOCREATE, norm, &s, &err) == TP_ERR_NOTFOUND);
    CHECK(tp_store_open(dir, 0, norm, &s, &err) == TP_ERR_IO);
    /* Read-only. */
    CHECK(tp_store_open(path_in("a.db"), TP_STORE_READONLY, norm, &s, &err) == TP_OK);
    tp_concept *c = sample("x");
    CHECK(tp_store_add_concept(s, c, &err) == TP_ERR_READONLY);
    tp_concept_free(c);
    tp_store_close(s);
}

/* Cross-reference display text: kept through an edit and its undo, and a store of format 4
 * (links without text) migrates with its links intact. */
static void test_links(void)
{
    tp_store *s = NULL;
    tp_error err;
    CHECK(tp_store_open(path_in("l.db"), 0, norm, &s, &err) == TP_OK);
    tp_concept *c = sample("iturup");
    tp_concept_add_link(c, "kunashir", NULL, &err);
    CHECK(tp_store_add_concept(s, c, &err) == TP_OK);
    tp_concept_free(c);
    tp_concept *e = NULL;
    CHECK(tp_store_find_concept(s, "iturup", &e, &err) == TP_OK);
    tp_concept_set(&e->note, "edited", &err);
    tp_concept_add_link(e, "urup", "Urup Island", &err);
    CHECK(tp_store_update_concept(s, e, &err) == TP_OK);
    tp_concept_free(e);
    tp_store_change ch;
    CHECK(tp_store_undo(s, &ch, &err) == TP_OK);
    tp_concept *back = NULL;
    CHECK(tp_store_find_concept(s, "iturup", &back, &err) == TP_OK);
    /* Undone: the links of before, the first with its text from sample(). */
    CHECK(back && back->link_count == 2);
    if (back && back->link_count == 2) {
        CHECK_STR(back->links[0].target, "kunashir");
        CHECK(back->links[0].text == NULL);
        CHECK_STR(back->links[1].target, "kuril-islands");
        CHECK_STR(back->links[1].text, "Kuril Islands");
    }
    tp_concept_free(back);
    tp_store_close(s);
    /* Format 4: links had no text. */
    CHECK(tp_store_create_format(path_in("l4.db"), 4, &err) == TP_OK);
    sqlite3 *db;
    sqlite3_open(path_in("l4.db"), &db);
    CHECK(sqlite3_exec(db, "INSERT INTO concept(id, ext_id) VALUES(1, 'iturup');"
                           "INSERT INTO term(concept_id, seq, lang, text, status) "
                           "VALUES(1, 0, 'en', 'Iturup', 1);"
                           "INSERT INTO concept_link VALUES(1, 'kuril-islands')",
                       NULL, NULL, NULL) == SQLITE_OK);
    sqlite3_close(db);
    CHECK(tp_store_open(path_in("l4.db"), 0, norm, &s, &err) == TP_OK);
    back = NULL;
    CHECK(tp_store_find_concept(s, "iturup", &back, &err) == TP_OK);
    CHECK(back && back->link_count == 1 && !strcmp(back->links[0].target, "kuril-islands") &&
          back->links[0].text == NULL);
    tp_concept_free(back);
    tp_store_close(s);
}

/* The store's files go through the write-behind layer (store_vfs.c) where the system has it.
 * A bulk transaction larger than several of its pushes, its WAL writes batched, is seen by
 * another connection only once committed, and then whole; and comes back whole after a
 * reopen. */
static void test_write_behind(void)
{
    tp_store *s = NULL, *other = NULL;
    tp_error err;
    CHECK(tp_store_open(path_in("w.db"), 0, norm, &s, &err) == TP_OK);
    CHECK(tp_store_open(path_in("w.db"), 0, norm, &other, &err) == TP_OK);
    if (!s || !other)
        return;
    char *vfs = NULL;
    CHECK(sqlite3_file_control(s->db, "main", SQLITE_FCNTL_VFSNAME, &vfs) == SQLITE_OK);
#ifdef __linux__
    CHECK(vfs && strncmp(vfs, "toponym/", 8) == 0);
#endif
    sqlite3_free(vfs);
    enum { CONCEPTS = 400, NOTE = 40000 };  /* 16 MB of notes */
    char *note = malloc(NOTE + 1);
    CHECK(tp_store_begin_bulk(s, &err) == TP_OK);
    for (int i = 0; note && i < CONCEPTS; i++) {
        memset(note, 'a' + i % 26, NOTE);
        note[NOTE] = '\0';
        char id[16];
        snprintf(id, sizeof id, "w%d", i);
        tp_concept *c = sample(id);
        CHECK(tp_concept_set(&c->note, note, &err) == TP_OK);
        CHECK(tp_store_add_concept(s, c, &err) == TP_OK);
        tp_concept_free(c);
    }
    tp_concept *seen = NULL;
    CHECK(tp_store_find_concept(other, "w0", &seen, &err) == TP_ERR_NOTFOUND);
    CHECK(tp_store_commit(s, &err) == TP_OK);
    CHECK(tp_store_find_concept(other, "w399", &seen, &err) == TP_OK);
    CHECK(seen && seen->note && strlen(seen->note) == NOTE && seen->note[0] == 'a' + 399 % 26);
    tp_concept_free(seen);
    tp_store_close(other);
    tp_store_close(s);
    free(note);
    CHECK(tp_store_open(path_in("w.db"), 0, norm, &s, &err) == TP_OK);
    const int probe[] = {0, 199, CONCEPTS - 1};
    for (size_t k = 0; s && k < 3; k++) {
        char id[16];
        snprintf(id, sizeof id, "w%d", probe[k]);
        tp_concept *back = NULL;
        CHECK(tp_store_find_concept(s, id, &back, &err) == TP_OK);
        CHECK(back && back->note && strlen(back->note) == NOTE &&
              back->note[0] == 'a' + probe[k] % 26 && back->note[NOTE - 1] == back->note[0]);
        tp_concept_free(back);
    }
    tp_store_close(s);
}

int main(void)
{
    tp_error err;
    if (!mkdtemp(dir) || tp_norm_new(&norm, &err) != TP_OK)
        return 1;
    test_round_trip();
    test_transaction();
    test_snapshots();
    test_refusals();
    test_links();
    test_write_behind();
    tp_norm_free(norm);
    const char *names[] = {"a.db", "t.db", "r.db", "junk.db", "other.db", "new.db", "l.db",
                           "l4.db", "w.db"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char p[300];
        snprintf(p, sizeof p, "%s/%s", dir, names[i]);
        unlink(p);
        snprintf(p, sizeof p, "%s/%s-wal", dir, names[i]);
        unlink(p);
        snprintf(p, sizeof p, "%s/%s-shm", dir, names[i]);
        unlink(p);
    }
    rmdir(dir);
    return TEST_DONE();
}
