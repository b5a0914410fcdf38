/* Translation-memory matching over the sample memory (tmx/) and the shipped glossary: exact and
 * fuzzy scores, romanisation and case variants that cost nothing, inline-code penalties, word
 * diffs, two-kanji names, pivoting through English, concordance, glossary terms in a segment. */
#include "tp_test.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <toponym/toponym.h>
#include "buf_int.h"
#include "tm_int.h"

static char tmpdir[] = "/tmp/tp_tm_XXXXXX";
static tp_norm *norm;
static tp_store *store;

static const char *path_in(const char *name)
{
    static char p[512];
    snprintf(p, sizeof p, "%s/%s", tmpdir, name);
    return p;
}

static tp_tm_matches *find(const char *seg, const char *from, const char *to)
{
    tp_tm_match_opts o = {from, to, NULL, 0, 5};
    tp_tm_matches *m = NULL;
    tp_error err;
    if (tp_tm_find(store, norm, seg, strlen(seg), &o, &m, &err) != TP_OK) {
        fprintf(stderr, "tp_tm_find: %s\n", err.message);
        return NULL;
    }
    return m;
}

static void test_exact_and_fuzzy(void)
{
    tp_tm_matches *m = find("The ferry from Nemuro to Kunashir was cancelled because of high waves.",
                            NULL, "ja");
    CHECK(m && m->count >= 1);
    if (m && m->count) {
        CHECK(m->items[0].kind == TP_TM_EXACT && m->items[0].score == 100);
        CHECK(m->items[0].target &&
              !strcmp(m->items[0].target->text, "根室市から国後島へのフェリーは高波のため欠航した。"));
    }
    tp_tm_matches_free(m);

    m = find("The ferry from Nemuro to Kunashir was cancelled because of strong winds.", "en", "ru");
    CHECK(m && m->count >= 1);
    if (m && m->count) {
        const tp_tm_match *x = &m->items[0];
        CHECK(x->kind == TP_TM_FUZZY && x->score >= 75 && x->score < 95);
        CHECK(x->target && !strcmp(x->target->lang, "ru"));
        int seg = 0, mem = 0;
        for (size_t i = 0; i < x->diff_count; i++) {
            seg += x->diff[i].op == TP_DIFF_SEGMENT && !strncmp(x->diff[i].text, "strong", 6);
            mem += x->diff[i].op == TP_DIFF_MEMORY && !strncmp(x->diff[i].text, "high", 4);
        }
        CHECK(seg == 1 && mem == 1);
    }
    tp_tm_matches_free(m);

    /* Case and width cost nothing but the exact score; another romanisation nothing at all. */
    m = find("THE FERRY TO ETOROFU LEAVES AT NOON.", NULL, "ja");
    CHECK(m && m->count && m->items[0].kind == TP_TM_EXACT && m->items[0].score == 99);
    tp_tm_matches_free(m);
    m = find("The ferry to Etorohu leaves at noon.", NULL, "ja");
    CHECK(m && m->count && m->items[0].score == 99);
    tp_tm_matches_free(m);

    /* Inline codes in the memory, none in the segment: a small penalty. */
    m = find("The ferry Igor Farkhutdinov links Korsakov with the Kuril Islands.", "en", "ja");
    CHECK(m && m->count && m->items[0].kind == TP_TM_EXACT && m->items[0].score == 98);
    tp_tm_matches_free(m);

    /* Japanese: a segment with two-kanji names, a small edit. */
    m = find("色丹島に新しい水産加工場が建設された。", "ja", "en");
    CHECK(m && m->count && m->items[0].score >= 70 &&
          !strcmp(m->items[0].target->text, "A fish processing plant was built on Shikotan."));
    tp_tm_matches_free(m);

    /* Nothing like it: no match. */
    m = find("Completely unrelated words about gardening tools.", "en", "ja");
    CHECK(m && m->count == 0);
    tp_tm_matches_free(m);
}

static void test_pivot(void)
{
    tp_tm_matches *m = find("霧のため択捉島への便が欠航した。", "ja", "ru");
    CHECK(m && m->count == 1);
    if (m && m->count) {
        CHECK(m->items[0].kind == TP_TM_PIVOT && m->items[0].pivot_unit);
        CHECK(m->items[0].target &&
              !strcmp(m->items[0].target->text, "Рейсы на Итуруп отменены из-за тумана."));
    }
    tp_tm_matches_free(m);
}

static void test_concordance(void)
{
    tp_tm_hits *h = NULL;
    tp_error err;
    CHECK(tp_tm_concordance(store, norm, "色丹", strlen("色丹"), "ja", 0, &h, &err) == TP_OK);
    CHECK(h && h->count >= 5);
    for (size_t i = 0; h && i < h->count; i++) {
        const tp_tm_variant *v = &h->items[i].unit->variants[h->items[i].variant];
        CHECK(strstr(v->text, "色丹") != NULL);
        CHECK(h->items[i].end - h->items[i].start == strlen("色丹"));
    }
    tp_tm_hits_free(h);
    h = NULL;
    CHECK(tp_tm_concordance(store, norm, "nemuro strait", 13, "en", 0, &h, &err) == TP_OK);
    CHECK(h && h->count >= 3);
    tp_tm_hits_free(h);
    h = NULL;
    CHECK(tp_tm_concordance(store, norm, "Курил", strlen("Курил"), NULL, 0, &h, &err) == TP_OK);
    CHECK(h && h->count >= 4);
    tp_tm_hits_free(h);
    CHECK(tp_tm_concordance(store, norm, "島", strlen("島"), "ja", 0, &h, &err) == TP_ERR_ARG);
}

static void test_terms(void)
{
    tp_tm_terms *t = NULL;
    tp_error err;
    const char *seg = "The ferry from Nemuro to Kunashir";
    CHECK(tp_tm_terms_in(store, norm, seg, strlen(seg), "ja", &t, &err) == TP_OK);
    CHECK(t && t->count == 2);
    if (t && t->count == 2) {
        CHECK_STR(t->items[0].preferred, "根室市");
        CHECK_STR(t->items[1].preferred, "国後島");
        CHECK_STR(t->items[1].found, "Kunashir");
    }
    tp_tm_terms_free(t);
    seg = "色丹島と択捉島を訪問した";
    CHECK(tp_tm_terms_in(store, norm, seg, strlen(seg), "ru", &t, &err) == TP_OK);
    CHECK(t && t->count == 2);
    if (t && t->count == 2) {
        CHECK_STR(t->items[0].preferred, "Шикотан");
        CHECK_STR(t->items[1].preferred, "Итуруп");
    }
    tp_tm_terms_free(t);
    /* A name found is the name, not the punctuation around it. */
    seg = "A new terminal opened on (Etorofu).";
    CHECK(tp_tm_terms_in(store, norm, seg, strlen(seg), "ja", &t, &err) == TP_OK);
    CHECK(t && t->count == 1);
    if (t && t->count == 1) {
        CHECK_STR(t->items[0].found, "Etorofu");
        CHECK_STR(t->items[0].preferred, "択捉島");
        CHECK(t->items[0].start == 26 && t->items[0].end == 33);
    }
    tp_tm_terms_free(t);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* The grams' and keys' sort against qsort: random, few distinct, sorted and reversed arrays of
 * every length to 300 (its quicksort takes over from insertion sort past 16). */
static void test_sort(void)
{
    uint64_t a[300], b[300];
    unsigned long long r = 88172645463325252ULL;
    int bad = 0;
    for (int t = 0; t < 4000 && !bad; t++) {
        size_t n = (size_t)t % 301;
        for (size_t i = 0; i < n; i++) {
            r ^= r << 13;
            r ^= r >> 7;
            r ^= r << 17;
            int shape = t / 301 % 4;
            a[i] = shape == 0 ? r : shape == 1 ? r % 3 : shape == 2 ? i : n - i;
            b[i] = a[i];
        }
        tp_tm_sort_u64(a, n);
        if (n)
            qsort(b, n, sizeof *b, cmp_u64);
        bad = memcmp(a, b, n * sizeof *a) != 0;
    }
    CHECK(!bad);
}

/* Whether a holds the same n values as b (b sorted). */
static int same_set(const uint64_t *a, const uint64_t *b, size_t n)
{
    if (n == 0)
        return 1;   /* both may be NULL */
    uint64_t *c = malloc(n * sizeof *c);
    if (!c)
        return 0;
    memcpy(c, a, n * sizeof *c);
    qsort(c, n, sizeof *c, cmp_u64);
    int same = memcmp(c, b, n * sizeof *c) == 0;
    free(c);
    return same;
}

/* FNV-1a as the store's format defines a gram's hash (63 bits), written out again here so
 * that a change to the library's hashing, which would orphan every stored list, fails. */
static uint64_t ref_hash(const char *s, size_t n, uint64_t h)
{
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 0x100000001b3ULL;
    return h & 0x7FFFFFFFFFFFFFFFULL;
}

static uint64_t ref_gram(const char *lang, char tag, const char *bytes)
{
    uint64_t h = ref_hash(lang, strlen(lang), 0xcbf29ce484222325ULL);
    return ref_hash(bytes, strlen(bytes), ref_hash(&tag, 1, h));
}

/* The grams of a few segments against the definition: prefix and word grams of Latin and
 * Cyrillic words, pairs of Han and kana, and a byte that is not UTF-8 ending a word. */
static void test_gram_hashes(void)
{
    struct { const char *lang, *fold; char tag[4]; const char *gram[4]; } cases[] = {
        {"en", "etorofu, kunashir", "pwpw", {"etor", "etorofu", "kuna", "kunashir"}},
        {"ru", "итуруп 2024", "pwp", {"итур", "итуруп", "2024"}},
        {"ja", "択捉島へ", "ccc", {"択捉", "捉島", "島へ"}},
        {"ja", "色丹", "c", {"色丹"}},
        {"en", "abc\xff" "defgh", "ppw", {"abc", "defg", "defgh"}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint64_t *got = NULL;
        size_t n = 0, want = strlen(cases[i].tag);
        CHECK(tp_tm_grams(cases[i].fold, cases[i].lang, TP_GRAMS_INDEX, &got, &n) == TP_OK);
        CHECK(n == want);
        for (size_t k = 0; k < want && n == want; k++) {
            uint64_t h = ref_gram(cases[i].lang, cases[i].tag[k], cases[i].gram[k]);
            CHECK(bsearch(&h, got, n, sizeof *got, cmp_u64) != NULL);
        }
        free(got);
    }
    /* Two hashes made side by side are each what it is alone, whichever is longer. */
    const char *a = "Итуруп", *b = "etorofu island";
    for (int swap = 0; swap < 2; swap++) {
        const char *x = swap ? b : a, *y = swap ? a : b;
        uint64_t hx = 12345, hy = ref_hash("ja", 2, 0xcbf29ce484222325ULL);
        uint64_t want_x = ref_hash(x, strlen(x), hx), want_y = ref_hash(y, strlen(y), hy);
        tp_tm_hash_pair(x, strlen(x), &hx, y, strlen(y), &hy);
        CHECK(hx == want_x && hy == want_y);
    }
    /* A query (probe mode) has no whole-word grams. */
    uint64_t *got = NULL;
    size_t n = 0;
    CHECK(tp_tm_grams("etorofu", "en", TP_GRAMS_PROBE, &got, &n) == TP_OK);
    CHECK(n == 1 && got && got[0] == ref_gram("en", 'p', "etor"));
    free(got);
}

/* A variant's grams: each once, whether words repeat or not, the same as a set from the
 * indexing call (unsorted) and the query's (sorted); a segment of many words keeps the
 * smallest TP_TM_GRAMS_MAX. */
static void test_grams(void)
{
    struct { const char *fold, *lang; size_t want; } cases[] = {
        /* the, ferr + ferry, and */
        {"the ferry and the ferry and the ferry", "en", 4},
        /* 択捉, 捉島, 島と, と択 */
        {"択捉島と択捉", "ja", 4},
        {"", "en", 0},
    };
    uint64_t *buf = NULL;
    size_t cap = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint64_t *sorted = NULL;
        size_t n = 0, m = 0;
        CHECK(tp_tm_grams(cases[i].fold, cases[i].lang, TP_GRAMS_INDEX, &sorted, &n) == TP_OK);
        CHECK(tp_tm_grams_into(cases[i].fold, cases[i].lang, TP_GRAMS_INDEX, &buf, &cap, &m) ==
              TP_OK);
        CHECK(n == cases[i].want && m == n);
        for (size_t k = 1; k < n; k++)
            CHECK(sorted[k - 1] < sorted[k]);
        CHECK(same_set(buf, sorted, n));
        free(sorted);
    }
    /* 3,000 distinct words (each a prefix gram and a word gram), then all of them again. */
    tp_buf text = {0};
    for (int r = 0; r < 2; r++)
        for (int w = 0; w < 3000; w++) {
            char word[32];
            int len = snprintf(word, sizeof word, "word%dx ", w);
            tp_buf_append(&text, word, (size_t)len);
        }
    uint64_t *sorted = NULL;
    size_t n = 0, m = 0;
    CHECK(tp_tm_grams(text.data, "en", TP_GRAMS_INDEX, &sorted, &n) == TP_OK);
    CHECK(tp_tm_grams_into(text.data, "en", TP_GRAMS_INDEX, &buf, &cap, &m) == TP_OK);
    CHECK(n == TP_TM_GRAMS_MAX && m == n && same_set(buf, sorted, n));
    /* The smallest kept: the union of each word's grams, sorted, begins with them. */
    uint64_t *all = malloc(2 * 3000 * sizeof *all);
    size_t total = 0;
    for (int w = 0; all && w < 3000; w++) {
        char word[32];
        snprintf(word, sizeof word, "word%dx", w);
        uint64_t *one = NULL;
        size_t k = 0;
        CHECK(tp_tm_grams(word, "en", TP_GRAMS_INDEX, &one, &k) == TP_OK && k == 2);
        for (size_t j = 0; j < k && j < 2; j++)
            all[total++] = one[j];
        free(one);
    }
    if (all)
        qsort(all, total, sizeof *all, cmp_u64);
    size_t distinct = 0;
    for (size_t j = 0; all && j < total; j++)
        if (distinct == 0 || all[distinct - 1] != all[j])
            all[distinct++] = all[j];
    CHECK(distinct == 3001 && memcmp(all, sorted, n * sizeof *all) == 0);
    free(all);
    free(sorted);
    free(buf);
    tp_buf_free(&text);
}

int main(void)
{
    if (!mkdtemp(tmpdir))
        return 1;
    tp_error err;
    if (tp_norm_new(&norm, &err) || tp_store_open(path_in("tm.db"), 0, norm, &store, &err)) {
        fprintf(stderr, "setup: %s\n", err.message);
        return 1;
    }
    const char *gloss[] = {TP_SOURCE_DIR "/glossaries/kurils.tbx",
                           TP_SOURCE_DIR "/glossaries/hokkaido.tbx"};
    CHECK(tp_tbx_import(store, gloss, 2, NULL, &err) == TP_OK);
    FILE *f = fopen(path_in("extra.tmx"), "w");
    fputs("<tmx version=\"1.4\"><header srclang=\"en\"/><body>\n"
          "<tu><tuv xml:lang=\"en\"><seg>The ferry to Etorofu leaves at noon.</seg></tuv>"
          "<tuv xml:lang=\"ja\"><seg>択捉島行きのフェリーは正午に出航する。</seg></tuv></tu>\n"
          "<tu><tuv xml:lang=\"ja\"><seg>霧のため択捉島への便が欠航した。</seg></tuv>"
          "<tuv xml:lang=\"en\"><seg>Flights to Iturup were cancelled because of fog.</seg></tuv>"
          "</tu>\n<tu><tuv xml:lang=\"en\"><seg>Flights to Iturup were cancelled because of fog."
          "</seg></tuv><tuv xml:lang=\"ru\"><seg>Рейсы на Итуруп отменены из-за тумана.</seg>"
          "</tuv></tu>\n</body></tmx>\n", f);
    fclose(f);
    const char *tmx[] = {TP_SOURCE_DIR "/tmx/kuril-news.tmx", path_in("extra.tmx")};
    tp_tmx_stats st;
    CHECK(tp_tmx_import(store, tmx, 2, 0, NULL, &st, &err) == TP_OK);
    CHECK(st.units >= 103);
    test_sort();
    test_grams();
    test_gram_hashes();
    test_exact_and_fuzzy();
    test_pivot();
    test_concordance();
    test_terms();
    tp_store_close(store);
    tp_norm_free(norm);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", tmpdir);
    return TEST_DONE();
}
