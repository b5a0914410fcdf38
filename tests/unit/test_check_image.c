/* The checker's matcher saved in the store and loaded from it: a glossary large enough to be
 * saved (the shipped one and 2,500 made-up names) gives the same findings from a loaded matcher
 * as from a built one; any change of the glossary drops the image (the next checker sees the
 * change); a damaged image or one of another layout is built again; a stale or read-only save
 * writes nothing. */
#include "tp_test.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <toponym/toponym.h>

#define GENERATED 2500

static tp_norm *norm;
static char db[4096];

/* The made-up name number i: "Zq" and four syllables, all distinct. */
static void made_up(unsigned i, char out[16])
{
    static const char cons[] = "bdfgklmnprstvz", vows[] = "aeiou";
    out[0] = 'Z';
    out[1] = 'q';
    for (int k = 0; k < 4; k++) {
        out[2 + 2 * k] = cons[i % 14];
        i /= 14;
        out[3 + 2 * k] = vows[i % 5];
        i /= 5;
    }
    out[10] = '\0';
}

static int add_generated(tp_store *s)
{
    tp_error err;
    if (tp_store_begin_bulk(s, &err))
        return 0;
    for (unsigned i = 0; i < GENERATED; i++) {
        tp_concept *c = tp_concept_new();
        char name[16], ext[32], old[32];
        made_up(i * 7 + 3, name);
        snprintf(ext, sizeof ext, "gen%u", i);
        snprintf(old, sizeof old, "Old %s", name);
        tp_term t = {0};
        t.lang = "en";
        t.text = name;
        t.status = TP_TERM_PREFERRED;
        int ok = c && !tp_concept_set(&c->ext_id, ext, &err) && !tp_concept_add_term(c, &t, &err);
        /* Every tenth place has a deprecated two-word name too. */
        t.text = old;
        t.status = TP_TERM_DEPRECATED;
        ok = ok && (i % 10 || !tp_concept_add_term(c, &t, &err));
        ok = ok && !tp_store_add_concept(s, c, &err);
        tp_concept_free(c);
        if (!ok) {
            tp_store_rollback(s);
            return 0;
        }
    }
    return tp_store_commit(s, &err) == TP_OK;
}

/* One integer from the store's file, read with SQLite itself. */
static long long query(const char *sql)
{
    sqlite3 *h = NULL;
    sqlite3_stmt *st = NULL;
    long long v = -1;
    if (sqlite3_open(db, &h) == SQLITE_OK && sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(h);
    return v;
}

static int run_sql(const char *sql)
{
    sqlite3 *h = NULL;
    int rc = sqlite3_open(db, &h) == SQLITE_OK ? sqlite3_exec(h, sql, NULL, NULL, NULL) : -1;
    sqlite3_close(h);
    return rc == SQLITE_OK;
}

static long long images(void)
{
    return query("SELECT count(*) FROM glossary_image");
}

/* The texts every checker is tried on: the documented examples, and made-up names used well,
 * deprecated and misspelt. */
static char texts[7][65536];
static size_t text_len[7];
static const char *const text_name[7] = {"kurils-en.md",     "kurils-ru.md",  "kurils-ja.html",
                                         "kurils-en-ja.xlf", "kurils-en-ru.xlf",
                                         "kurils-ja.tmx",    "made-up.txt"};

static void load_texts(void)
{
    for (int i = 0; i < 6; i++) {
        char path[4096];
        snprintf(path, sizeof path, TP_SOURCE_DIR "/docs/examples/%s", text_name[i]);
        FILE *in = fopen(path, "rb");
        CHECK(in != NULL);
        text_len[i] = in ? fread(texts[i], 1, sizeof texts[i] - 1, in) : 0;
        if (in)
            fclose(in);
    }
    char a[16], b[16], c[16];
    made_up(3, a);
    made_up(7 * 10 + 3, b);
    made_up(7 * 20 + 3, c);
    c[6] = 'x'; /* one letter off (and no made-up name has an x): a misspelling */
    text_len[6] = (size_t)snprintf(texts[6], sizeof texts[6],
                                   "The ferry from %s calls at Old %s, the Kuril Islands and %s.\n"
                                   "Later the Kurile Islands, %s and Etorofu.\n",
                                   a, b, c, a);
}

/* Every finding of every text, one line each, and the names counted. */
static char *findings_of(tp_checker *ck)
{
    size_t cap = 1 << 16, len = 0;
    char *out = malloc(cap);
    if (!out)
        return NULL;
    out[0] = '\0';
    for (int i = 0; i < 7; i++) {
        tp_findings *f = NULL;
        tp_error err;
        CHECK(tp_check_text(ck, text_name[i], TP_CHECK_AUTO, NULL, texts[i], text_len[i], &f,
                            &err) == TP_OK);
        for (size_t k = 0; f && k <= f->count; k++) {
            char line[1024];
            if (k == f->count)
                snprintf(line, sizeof line, "%s: %lu names\n", text_name[i], f->names);
            else
                snprintf(line, sizeof line, "%s:%lu:%lu-%lu: %s %s [%s] %s | %s\n", text_name[i],
                         f->items[k].line, f->items[k].column, f->items[k].end_column,
                         f->items[k].rule, f->items[k].found,
                         f->items[k].suggestion ? f->items[k].suggestion : "-",
                         f->items[k].concept ? f->items[k].concept : "-", f->items[k].message);
            size_t n = strlen(line);
            if (len + n + 1 > cap) {
                char *p = realloc(out, cap *= 2);
                if (!p)
                    break;
                out = p;
            }
            memcpy(out + len, line, n + 1);
            len += n;
        }
        tp_findings_free(f);
    }
    return out;
}

static char *check_once(unsigned flags)
{
    tp_store *s = NULL;
    tp_checker *ck = NULL;
    tp_error err;
    char *out = NULL;
    if (tp_store_open(db, flags, norm, &s, &err) == TP_OK &&
        tp_checker_new(s, norm, &ck, &err) == TP_OK)
        out = findings_of(ck);
    else
        fprintf(stderr, "checker: %s\n", err.message);
    tp_checker_free(ck);
    tp_store_close(s);
    return out;
}

static tp_status write_nothing(void *ctx, tp_store_image *im, tp_error *err)
{
    (void)ctx;
    (void)im;
    (void)err;
    return TP_OK;
}

static int saves_stale(void)
{
    /* A save for a stamp the glossary has moved past writes nothing. */
    tp_store *s = NULL;
    tp_error err;
    tp_store_image *im = NULL;
    size_t len = 0;
    int64_t stamp = 0;
    if (tp_store_open(db, 0, norm, &s, &err) ||
        tp_store_image_open(s, "test", &stamp, &im, &len, &err)) {
        tp_store_close(s);
        return -1;
    }
    tp_store_read_end(s);
    static const char bytes[4] = "abc";
    /* And for the current stamp it does. */
    tp_status now = tp_store_image_save(s, "test", stamp, sizeof bytes, write_nothing, NULL, &err);
    int saved = query("SELECT count(*) FROM glossary_image WHERE name = 'test'") == 1;
    CHECK(run_sql("DELETE FROM glossary_image WHERE name = 'test'"));
    tp_status st = tp_store_image_save(s, "test", stamp - 1, sizeof bytes, write_nothing, NULL,
                                         &err);
    tp_store_close(s);
    return now == TP_OK && saved && st == TP_OK &&
           query("SELECT count(*) FROM glossary_image WHERE name = 'test'") == 0;
}

int main(void)
{
    char dir[] = "/tmp/tp_check_image.XXXXXX";
    if (!mkdtemp(dir))
        return 1;
    snprintf(db, sizeof db, "%s/t.db", dir);
    tp_error err;
    const char *tbx[] = TP_TEST_GLOSSARIES;
    tp_store *s = NULL;
    if (tp_norm_new(&norm, &err) || tp_store_open(db, 0, norm, &s, &err) ||
        tp_tbx_import(s, tbx, 5, NULL, &err) || !add_generated(s)) {
        fprintf(stderr, "setup: %s\n", err.message);
        return 1;
    }
    tp_store_close(s);
    load_texts();

    /* Built, then saved; then loaded, with the same findings. */
    CHECK(images() == 0);
    char *built = check_once(0);
    CHECK(built != NULL);
    if (getenv("TP_SHOW"))
        fputs(built, stderr);
    CHECK(images() == 1);
    CHECK(built && strstr(built, "deprecated-term Old ") != NULL);
    CHECK(built && strstr(built, "misspelling ") != NULL);
    CHECK(built && strstr(built, "made-up.txt: 6 names") != NULL);
    CHECK(built && strstr(built, "] renamed |") == NULL);
    char *loaded = check_once(0);
    CHECK(loaded && built && !strcmp(loaded, built));
    free(loaded);
    /* A read-only store uses the image as well. */
    loaded = check_once(TP_STORE_READONLY);
    CHECK(loaded && built && !strcmp(loaded, built));
    free(loaded);

    /* A change of the glossary drops the image: the next checker sees the change. */
    long long stamp = query("SELECT n FROM glossary_stamp");
    CHECK(tp_store_open(db, 0, norm, &s, &err) == TP_OK);
    tp_concept *c = tp_concept_new();
    char name[16];
    made_up(7 * 20 + 3, name); /* the misspelt name, now a deprecated name of another place */
    name[6] = 'x';
    tp_term t = {0};
    t.lang = "en";
    t.text = name;
    t.status = TP_TERM_DEPRECATED;
    CHECK(c && !tp_concept_set(&c->ext_id, "renamed", &err) && !tp_concept_add_term(c, &t, &err));
    CHECK(tp_store_add_concept(s, c, &err) == TP_OK);
    tp_concept_free(c);
    tp_store_close(s);
    CHECK(query("SELECT n FROM glossary_stamp") > stamp);
    CHECK(images() == 0);
    char *changed = check_once(0);
    CHECK(changed && strstr(changed, "] renamed |") != NULL);
    CHECK(images() == 1);
    /* Undo is a change too. */
    CHECK(tp_store_open(db, 0, norm, &s, &err) == TP_OK && tp_store_undo(s, NULL, &err) == TP_OK);
    tp_store_close(s);
    CHECK(images() == 0);
    loaded = check_once(0);
    CHECK(loaded && built && !strcmp(loaded, built));
    free(loaded);
    /* So is a term row changed by any other path. */
    CHECK(images() == 1);
    CHECK(run_sql("UPDATE term SET status = 3 WHERE text = 'Etorofu'"));
    CHECK(images() == 0);
    CHECK(run_sql("UPDATE term SET status = 1 WHERE text = 'Etorofu'"));
    loaded = check_once(0);
    CHECK(loaded && built && !strcmp(loaded, built));
    free(loaded);

    /* A damaged image, or one of another version, is built again, to the same findings. */
    CHECK(run_sql("UPDATE glossary_image SET image = substr(image, 1, 5000)"));
    loaded = check_once(0);
    CHECK(loaded && built && !strcmp(loaded, built));
    free(loaded);
    CHECK(run_sql("UPDATE glossary_image SET image = x'00' || substr(image, 2)"));
    loaded = check_once(0);
    CHECK(loaded && built && !strcmp(loaded, built));
    free(loaded);
    /* Garbage in its second half (hits, hash tables, the misspelling filter) is refused too. */
    CHECK(run_sql("UPDATE glossary_image SET image = substr(image, 1, length(image) / 2) || "
                  "randomblob(length(image) - length(image) / 2)"));
    loaded = check_once(0);
    CHECK(loaded && built && !strcmp(loaded, built));
    free(loaded);

    CHECK(saves_stale() == 1);
    free(built);
    free(changed);
    tp_norm_free(norm);
    char path[4200];
    const char *const suffix[] = {"", "-wal", "-shm"};
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s%s", db, suffix[i]);
        unlink(path);
    }
    rmdir(dir);
    return TEST_DONE();
}
