/* Lookup over the shipped glossary: every spelling the core issue lists lands on its concept,
 * the kinds of match rank as documented, typos and name-part prefixes are found, and pinyin
 * readings of kanji find nothing. */
#include "tp_test.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <toponym/toponym.h>

static tp_norm *norm;
static tp_store *store;

/* Returns the matches of q (caller frees), or NULL on error. */
static tp_matches *look(const char *q, unsigned flags)
{
    tp_lookup_opts o = {NULL, 10, flags};
    tp_matches *m = NULL;
    tp_error err;
    if (tp_lookup(store, norm, q, strlen(q), &o, &m, &err) != TP_OK) {
        fprintf(stderr, "lookup %s: %s\n", q, err.message);
        return NULL;
    }
    return m;
}

/* Checks that the best match of q is the concept id, by the given kind (0: any kind). */
static void expect(const char *q, const char *id, tp_match_kind kind)
{
    tp_matches *m = look(q, 0);
    int ok = m && m->count > 0 && m->items[0].concept->ext_id &&
             strcmp(m->items[0].concept->ext_id, id) == 0 && (!kind || m->items[0].kind == kind);
    tp_test_checks++;
    if (!ok) {
        tp_test_failures++;
        fprintf(stderr, "lookup \"%s\": want %s (%s), got %s (%s)\n", q, id,
                kind ? tp_match_kind_name(kind) : "any",
                m && m->count ? m->items[0].concept->ext_id : "nothing",
                m && m->count ? tp_match_kind_name(m->items[0].kind) : "-");
    }
    tp_matches_free(m);
}

static int finds(const char *q, const char *id, unsigned flags)
{
    tp_matches *m = look(q, flags);
    int found = 0;
    for (size_t i = 0; m && i < m->count; i++)
        found |= m->items[i].concept->ext_id && strcmp(m->items[i].concept->ext_id, id) == 0;
    tp_matches_free(m);
    return found;
}

static void test_issue_examples(void)
{
    static const struct {
        const char *id;
        const char *spellings[16];
    } lines[] = {
        {"iturup", {"Iturup", "Etorofu", "Etorofu-tō", "Etorofu-to", "Etorohu", "ETOROFU", "択捉島",
                    "択捉", "えとろふ", "エトロフ", "ｴﾄﾛﾌ", "Итуруп", "итуруп"}},
        {"kunashir", {"Kunashir", "Kunashiri", "Kunasiri", "国後島", "くなしり", "Кунашир",
                      "Kunašir"}},
        {"kuril-islands", {"Kuril Islands", "Kurile Islands", "Kurils", "Kuril'skiye ostrova",
                           "Kurilʹskie ostrova", "Курильские острова", "千島列島",
                           "Chishima Islands"}},
        {"yuzhno-kurilsk", {"Yuzhno-Kurilsk", "Yuzhno Kurilsk", "Ûžno-Kurilʹsk", "Juzhno-Kurilsk",
                            "Южно-Курильск"}},
        {"hokkaido", {"Hokkaido", "Hokkaidō", "Hokkaidou", "Hokkaidoh", "北海道", "ほっかいどう",
                      "Хоккайдо"}},
        {"habomai-islands", {"Habomai Islands", "Khabomai", "歯舞群島", "острова Хабомаи"}},
    };
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
        for (size_t j = 0; lines[i].spellings[j]; j++)
            expect(lines[i].spellings[j], lines[i].id, 0);
}

static void test_ranking(void)
{
    expect("Iturup", "iturup", TP_MATCH_EXACT);
    expect("итуруп", "iturup", TP_MATCH_FOLD);
    expect("ｴﾄﾛﾌ", "iturup", TP_MATCH_ROMAN);
    expect("Kunasiri", "kunashir", TP_MATCH_ROMAN);
    if (tp_norm_has_readings(norm))
        expect("択捉", "iturup", TP_MATCH_READING);
    expect("Kunashr", "kunashir", TP_MATCH_FUZZY);
    tp_matches *m = look("Kunashir", 0);
    CHECK(m && m->count > 0 && m->items[0].score == 100);
    for (size_t i = 1; m && i < m->count; i++)
        CHECK(m->items[i].score <= m->items[i - 1].score);
    tp_matches_free(m);
}

static void test_prefix_and_misses(void)
{
    CHECK(finds("Yuzhno", "yuzhno-kurilsk", 0));
    CHECK(finds("Yuzhno", "yuzhno-sakhalinsk", 0));
    CHECK(finds("Sakhalinsk", "yuzhno-sakhalinsk", 0));
    CHECK(!finds("Yuzhno", "yuzhno-kurilsk", TP_LOOKUP_NO_PREFIX));
    tp_matches *m = look("zé zhuō dǎo", 0);
    CHECK(m && m->count == 0);
    tp_matches_free(m);
    m = look("ze zhuo dao", 0);
    CHECK(m && m->count == 0);
    tp_matches_free(m);
    m = look("Kunashr", TP_LOOKUP_NO_FUZZY);
    CHECK(m && m->count == 0);
    tp_matches_free(m);
}

static void test_entry_facts(void)
{
    tp_concept *c = NULL;
    tp_error err;
    CHECK(tp_store_find_concept(store, "kuril-islands", &c, &err) == TP_OK);
    CHECK(c && c->note && strstr(c->note, "千島列島") != NULL);
    tp_concept_free(c);
    CHECK(tp_store_find_concept(store, "iturup", &c, &err) == TP_OK);
    const tp_term *ja = c ? tp_concept_preferred(c, "ja") : NULL;
    CHECK(ja && strcmp(ja->text, "択捉島") == 0 && ja->reading &&
          strcmp(ja->reading, "えとろふとう") == 0);
    tp_concept_free(c);
}

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(void)
{
    char dir[] = "/tmp/tp_match_XXXXXX", db[64], *paths[32];
    size_t n = 0;
    tp_error err;
    DIR *d = opendir(TP_SOURCE_DIR "/glossaries");
    struct dirent *e;
    while (d && (e = readdir(d)) && n < 32) {
        size_t len = strlen(e->d_name);
        if (len > 4 && !strcmp(e->d_name + len - 4, ".tbx")) {
            paths[n] = malloc(sizeof TP_SOURCE_DIR + len + 16);
            sprintf(paths[n++], "%s/glossaries/%s", TP_SOURCE_DIR, e->d_name);
        }
    }
    if (d)
        closedir(d);
    qsort(paths, n, sizeof *paths, cmp);
    if (!mkdtemp(dir) || tp_norm_new(&norm, &err) != TP_OK)
        return 1;
    snprintf(db, sizeof db, "%s/g.db", dir);
    if (tp_store_open(db, 0, norm, &store, &err) != TP_OK ||
        tp_tbx_import(store, (const char *const *)paths, n, NULL, &err) != TP_OK) {
        fprintf(stderr, "cannot build the glossary store: %s:%lu: %s\n", err.file, err.line,
                err.message);
        return 1;
    }
    test_issue_examples();
    test_ranking();
    test_prefix_and_misses();
    test_entry_facts();
    tp_store_close(store);
    tp_norm_free(norm);
    for (size_t i = 0; i < n; i++)
        free(paths[i]);
    char p[128];
    const char *suffix[] = {"", "-wal", "-shm"};
    for (int i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "%s%s", db, suffix[i]);
        unlink(p);
    }
    rmdir(dir);
    return TEST_DONE();
}
