/* bench_lookup: the library side of toponym's lookup benchmark (driven by bench/run.sh).
 *   bench_lookup generate DB N [--queries FILE]   writes a store of N synthetic concepts
 *   bench_lookup time DB QUERY... [--runs R]      times tp_lookup per query kind
 * Only the public API is used, so the figures are what an application gets. Results are checked
 * on every run, so a speed-up that changes what a lookup finds is caught, not reported. */
#include <toponym/toponym.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NAME_MAX_BYTES 256    /* longest generated name is well under this */
#define WARMUP_ROUNDS 3
#define DEFAULT_RUNS 200
#define SAMPLES_PER_KIND 3    /* queries per kind written by generate --queries */

/* ---- helpers ---- */

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int fail(const char *what, tp_status st, const tp_error *err)
{
    fprintf(stderr, "bench_lookup: %s: %s\n", what,
            err && err->message[0] ? err->message : tp_strerror(st));
    return 2;
}

/* Appends src to the NUL-terminated dst of capacity NAME_MAX_BYTES. */
static void cat(char *dst, const char *src)
{
    size_t n = strlen(dst), m = strlen(src);
    if (n + m < NAME_MAX_BYTES) {
        memcpy(dst + n, src, m + 1);
    }
}

/* Capitalises the first letter in place: ASCII, or Cyrillic а-я/ё (two-byte UTF-8). */
static void capitalise(char *s)
{
    unsigned char *p = (unsigned char *)s;
    if (p[0] >= 'a' && p[0] <= 'z') {
        p[0] = (unsigned char)(p[0] - 'a' + 'A');
    } else if (p[0] == 0xD0 && p[1] >= 0xB0 && p[1] <= 0xBF) {        /* а-п -> А-П */
        p[1] = (unsigned char)(p[1] - 0x20);
    } else if (p[0] == 0xD1 && p[1] >= 0x80 && p[1] <= 0x8F) {        /* р-я -> Р-Я */
        p[0] = 0xD0;
        p[1] = (unsigned char)(p[1] + 0x20);
    } else if (p[0] == 0xD1 && p[1] == 0x91) {                        /* ё -> Ё */
        p[0] = 0xD0;
        p[1] = 0x81;
    }
}

/* splitmix64: small, fast and the same on every platform, so the store is reproducible. */
#define SEED 0x746F706F6E796DULL /* "toponym" */
static uint64_t rng_state = SEED;

static uint64_t rng_next(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static size_t rng_below(size_t n)
{
    return (size_t)(rng_next() % n);
}

/* ---- synthetic names ----
 * A Japanese-origin name is two to four kanji units plus an optional generic (村, 町, 島...);
 * each unit carries its kanji, hiragana reading, katakana, Hepburn and Kunrei spellings and
 * the Russian (Polivanov) rendering, so all terms of a concept agree. A Russian-origin name is
 * Cyrillic syllables plus a suffix (-ск, -овка...), with BGN/PCGN Latin and a katakana
 * rendering. Readings are given explicitly, so generation does not depend on MeCab. */

typedef struct ja_unit {
    const char *kanji, *hira, *kata, *hepburn, *kunrei, *cyr;
} ja_unit;

static const ja_unit ja_units[] = {
    {"北", "きた", "キタ", "kita", "kita", "кита"},
    {"川", "かわ", "カワ", "kawa", "kawa", "кава"},
    {"山", "やま", "ヤマ", "yama", "yama", "яма"},
    {"田", "た", "タ", "ta", "ta", "та"},
    {"島", "しま", "シマ", "shima", "sima", "сима"},
    {"沢", "さわ", "サワ", "sawa", "sawa", "сава"},
    {"富", "とみ", "トミ", "tomi", "tomi", "томи"},
    {"知", "ち", "チ", "chi", "ti", "ти"},
    {"津", "つ", "ツ", "tsu", "tu", "цу"},
    {"福", "ふく", "フク", "fuku", "huku", "фуку"},
    {"原", "はら", "ハラ", "hara", "hara", "хара"},
    {"松", "まつ", "マツ", "matsu", "matu", "мацу"},
    {"野", "の", "ノ", "no", "no", "но"},
    {"中", "なか", "ナカ", "naka", "naka", "нака"},
    {"石", "いし", "イシ", "ishi", "isi", "иси"},
    {"岩", "いわ", "イワ", "iwa", "iwa", "ива"},
    {"浜", "はま", "ハマ", "hama", "hama", "хама"},
    {"森", "もり", "モリ", "mori", "mori", "мори"},
    {"根", "ね", "ネ", "ne", "ne", "нэ"},
    {"室", "むろ", "ムロ", "muro", "muro", "муро"},
    {"本", "もと", "モト", "moto", "moto", "мото"},
    {"宮", "みや", "ミヤ", "miya", "miya", "мия"},
    {"神", "かみ", "カミ", "kami", "kami", "ками"},
    {"鹿", "しか", "シカ", "shika", "sika", "сика"},
    {"崎", "さき", "サキ", "saki", "saki", "саки"},
    {"見", "み", "ミ", "mi", "mi", "ми"},
    {"月", "つき", "ツキ", "tsuki", "tuki", "цуки"},
    {"白", "しら", "シラ", "shira", "sira", "сира"},
    {"雲", "くも", "クモ", "kumo", "kumo", "кумо"},
    {"里", "さと", "サト", "sato", "sato", "сато"},
    {"高", "たか", "タカ", "taka", "taka", "така"},
    {"長", "なが", "ナガ", "naga", "naga", "нага"},
    {"若", "わか", "ワカ", "waka", "waka", "вака"},
    {"桜", "さくら", "サクラ", "sakura", "sakura", "сакура"},
    {"竹", "たけ", "タケ", "take", "take", "такэ"},
    {"丸", "まる", "マル", "maru", "maru", "мару"},
    {"橋", "はし", "ハシ", "hashi", "hasi", "хаси"},
    {"日", "ひ", "ヒ", "hi", "hi", "хи"},
    {"西", "にし", "ニシ", "nishi", "nisi", "ниси"},
    {"藤", "ふじ", "フジ", "fuji", "huzi", "фудзи"},
    {"赤", "あか", "アカ", "aka", "aka", "ака"},
    {"黒", "くろ", "クロ", "kuro", "kuro", "куро"},
    {"青", "あお", "アオ", "ao", "ao", "ао"},
    {"金", "かね", "カネ", "kane", "kane", "канэ"},
};

typedef struct ja_generic {
    const char *kanji, *hira, *kata, *hepburn, *kunrei, *plain, *cyr, *subject;
} ja_generic;

/* The first entry is "no generic": a bare name. */
static const ja_generic ja_generics[] = {
    {"", "", "", "", "", "", "", "settlement"},
    {"町", "ちょう", "チョウ", "chō", "tyô", "cho", "тё", "town"},
    {"村", "むら", "ムラ", "mura", "mura", "mura", "мура", "village"},
    {"島", "じま", "ジマ", "jima", "zima", "jima", "дзима", "island"},
    {"岬", "みさき", "ミサキ", "misaki", "misaki", "misaki", "мисаки", "cape"},
    {"湾", "わん", "ワン", "wan", "wan", "wan", "ван", "bay"},
    {"川", "がわ", "ガワ", "gawa", "gawa", "gawa", "гава", "river"},
};

typedef struct ru_unit {
    const char *cyr, *latin, *kata, *romaji;
} ru_unit;

static const ru_unit ru_units[] = {
    {"ново", "novo", "ノヴォ", "novo"}, {"бере", "bere", "ベレ", "bere"},
    {"зор", "zor", "ゾル", "zoru"},     {"горо", "goro", "ゴロ", "goro"},
    {"дуб", "dub", "ドゥブ", "dubu"},   {"ки", "ki", "キ", "ki"},
    {"лес", "les", "レス", "resu"},     {"ва", "va", "ヴァ", "va"},
    {"пет", "pet", "ペト", "peto"},     {"ро", "ro", "ロ", "ro"},
    {"крас", "kras", "クラス", "kurasu"}, {"мир", "mir", "ミル", "miru"},
    {"ча", "cha", "チャ", "cha"},       {"жу", "zhu", "ジュ", "ju"},
    {"бор", "bor", "ボル", "boru"},     {"кал", "kal", "カル", "karu"},
    {"сол", "sol", "ソル", "soru"},     {"тун", "tun", "トゥン", "tun"},
    {"мор", "mor", "モル", "moru"},     {"вол", "vol", "ヴォル", "voru"},
    {"гор", "gor", "ゴル", "goru"},     {"ли", "li", "リ", "ri"},
    {"сте", "ste", "ステ", "sute"},     {"ба", "ba", "バ", "ba"},
    {"ну", "nu", "ヌ", "nu"},           {"ха", "kha", "ハ", "ha"},
    {"ши", "shi", "シ", "shi"},         {"ту", "tu", "トゥ", "tu"},
    {"ме", "me", "メ", "me"},           {"да", "da", "ダ", "da"},
};

typedef struct ru_suffix {
    const char *cyr, *latin, *kata, *romaji, *subject;
} ru_suffix;

static const ru_suffix ru_suffixes[] = {
    {"ск", "sk", "スク", "suku", "town"},
    {"овка", "ovka", "オフカ", "ofuka", "village"},
    {"ино", "ino", "イノ", "ino", "village"},
    {"инск", "insk", "インスク", "insuku", "town"},
    {"ка", "ka", "カ", "ka", "river"},
    {"ово", "ovo", "オヴォ", "ovo", "settlement"},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* All spellings of one synthetic name. */
typedef struct synth {
    int japanese;                       /* origin */
    const char *subject;
    char en[NAME_MAX_BYTES];            /* English: Hepburn / BGN without marks */
    char ja[NAME_MAX_BYTES];            /* kanji, or katakana for a Russian name */
    char reading[NAME_MAX_BYTES];       /* hiragana reading of the kanji; "" for Russian */
    char ja_latn[NAME_MAX_BYTES];       /* Hepburn with generic hyphenated and marked */
    char ru[NAME_MAX_BYTES];            /* Cyrillic */
    char kana[NAME_MAX_BYTES];          /* katakana (the kana query) */
    char kunrei[NAME_MAX_BYTES];        /* Kunrei spelling of en (the romanised query) */
} synth;

/* Draws the next name from the generator; 60% Japanese-origin, two to four units. */
static void synth_next(synth *s)
{
    memset(s, 0, sizeof *s);
    s->japanese = rng_below(10) < 6;
    size_t r = rng_below(20), units = r < 8 ? 2 : r < 17 ? 3 : 4;
    if (s->japanese) {
        for (size_t i = 0; i < units; i++) {
            const ja_unit *u = &ja_units[rng_below(COUNT(ja_units))];
            cat(s->ja, u->kanji);
            cat(s->reading, u->hira);
            cat(s->kana, u->kata);
            cat(s->en, u->hepburn);
            cat(s->kunrei, u->kunrei);
            cat(s->ru, u->cyr);
        }
        const ja_generic *g = &ja_generics[rng_below(COUNT(ja_generics))];
        s->subject = g->subject;
        cat(s->ja_latn, s->en);
        if (g->hepburn[0]) {
            cat(s->ja_latn, "-");
            cat(s->ja_latn, g->hepburn);
        }
        cat(s->ja, g->kanji);
        cat(s->reading, g->hira);
        cat(s->kana, g->kata);
        cat(s->en, g->plain);
        cat(s->kunrei, g->kunrei);
        cat(s->ru, g->cyr);
        capitalise(s->ja_latn);
    } else {
        for (size_t i = 0; i < units; i++) {
            const ru_unit *u = &ru_units[rng_below(COUNT(ru_units))];
            cat(s->ru, u->cyr);
            cat(s->en, u->latin);
            cat(s->ja, u->kata);
            cat(s->ja_latn, u->romaji);
        }
        const ru_suffix *x = &ru_suffixes[rng_below(COUNT(ru_suffixes))];
        s->subject = x->subject;
        cat(s->ru, x->cyr);
        cat(s->en, x->latin);
        cat(s->ja, x->kata);
        cat(s->ja_latn, x->romaji);
        memcpy(s->kana, s->ja, sizeof s->kana);
        capitalise(s->ja_latn);
    }
    capitalise(s->en);
    capitalise(s->ru);
    capitalise(s->kunrei);
}

/* Builds the concept for a name: en, ja, ru preferred; ja-Latn admitted (Hepburn). */
static tp_status synth_concept(const synth *s, size_t index, tp_concept **out, tp_error *err)
{
    tp_concept *c = tp_concept_new();
    if (!c)
        return TP_ERR_NOMEM;
    char ext_id[32];
    snprintf(ext_id, sizeof ext_id, "syn-%06zu", index);
    tp_term terms[] = {
        {.lang = "en", .text = (char *)s->en, .status = TP_TERM_PREFERRED},
        {.lang = "ja", .text = (char *)s->ja, .status = TP_TERM_PREFERRED,
         .reading = s->reading[0] ? (char *)s->reading : NULL},
        {.lang = "ja-Latn", .text = (char *)s->ja_latn, .status = TP_TERM_ADMITTED,
         .scheme = TP_SCHEME_HEPBURN},
        {.lang = "ru", .text = (char *)s->ru, .status = TP_TERM_PREFERRED},
    };
    tp_status st = tp_concept_set(&c->ext_id, ext_id, err);
    if (!st)
        st = tp_concept_set(&c->subject, s->subject, err);
    if (!st)
        st = tp_concept_set(&c->source, "bench_lookup synthetic data", err);
    for (size_t i = 0; !st && i < COUNT(terms); i++)
        st = tp_concept_add_term(c, &terms[i], err);
    if (st) {
        tp_concept_free(c);
        return st;
    }
    *out = c;
    return TP_OK;
}

/* Where the j-th sample of n concepts is looked for: at (2j + 1) / (2 * SAMPLES_PER_KIND). */
static size_t sample_start(size_t j, size_t n)
{
    return (size_t)((uint64_t)n * (2 * j + 1) / (2 * SAMPLES_PER_KIND));
}

/* Swaps two adjacent letters in the middle of an ASCII name: a typical typo. */
static void typo(char *dst, const char *src)
{
    size_t n = strlen(src);
    memcpy(dst, src, n + 1);
    if (n >= 4) {
        size_t i = n / 2;
        char t = dst[i];
        dst[i] = dst[i + 1];
        dst[i + 1] = t;
    }
}

/* Writes "kind=text=ext_id" lines for concepts spread over the store (from a sixth, a half and
 * five sixths of the way in), so that `time` can check each query finds the concept it was made
 * from. The names are drawn again from the seed rather than kept: 200,000 of them would take
 * hundreds of megabytes. Romanised queries use names whose Kunrei spelling differs from the
 * Hepburn one, so they exercise the romanisation keys, not folding. */
static int write_queries(const char *path, size_t n)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "bench_lookup: %s: %s\n", path, strerror(errno));
        return 2;
    }
    size_t ja_done = 0, ru_done = 0, roman_done = 0;
    rng_state = SEED;
    for (size_t i = 0; i < n; i++) {
        synth s;
        synth_next(&s);
        char id[32], text[NAME_MAX_BYTES];
        snprintf(id, sizeof id, "syn-%06zu", i);
        if (s.japanese && ja_done < SAMPLES_PER_KIND && i >= sample_start(ja_done, n)) {
            ja_done++;
            fprintf(f, "exact=%s=%s\n", s.en, id);
            fprintf(f, "kana=%s=%s\n", s.kana, id);
            fprintf(f, "kanji=%s=%s\n", s.ja, id);
        } else if (s.japanese && roman_done < SAMPLES_PER_KIND &&
                   i >= sample_start(roman_done, n) && strcmp(s.en, s.kunrei) != 0 &&
                   strchr(s.kunrei, 0xC3) == NULL /* no circumflex: as a user would type it */) {
            roman_done++;
            fprintf(f, "romanised=%s=%s\n", s.kunrei, id);
        } else if (!s.japanese && ru_done < SAMPLES_PER_KIND && i >= sample_start(ru_done, n)) {
            ru_done++;
            snprintf(text, sizeof text, "%s", s.en);
            for (char *p = text; *p; p++)
                if (*p >= 'a' && *p <= 'z')
                    *p = (char)(*p - 'a' + 'A');
            fprintf(f, "folded=%s=%s\n", text, id);
            fprintf(f, "cyrillic=%s=%s\n", s.ru, id);
            typo(text, s.en);
            fprintf(f, "fuzzy=%s=%s\n", text, id);
        }
    }
    /* q and x occur in no generated name, and the letters are too far from any for a typo. */
    fputs("miss=Qxqxzqvx\nmiss=Квзхщъ\nmiss=ヰヱヲヴ\n", f);
    if (fclose(f) != 0) {
        fprintf(stderr, "bench_lookup: %s: %s\n", path, strerror(errno));
        return 2;
    }
    return 0;
}

static int cmd_generate(int argc, char **argv)
{
    const char *queries = NULL;
    if (argc == 5 && strcmp(argv[3], "--queries") == 0)
        queries = argv[4];
    else if (argc != 3)
        return fprintf(stderr, "usage: bench_lookup generate DB N [--queries FILE]\n"), 2;
    char *end;
    errno = 0;
    unsigned long long n = strtoull(argv[2], &end, 10);
    if (*end || errno || n == 0 || n > 10000000)
        return fprintf(stderr, "bench_lookup: N must be 1 to 10000000\n"), 2;

    tp_error err;
    tp_norm *norm = NULL;
    tp_store *store = NULL;
    tp_status st = tp_norm_new(&norm, &err);
    if (st)
        return fail("normaliser", st, &err);
    if ((st = tp_store_open(argv[1], 0, norm, &store, &err))) {
        tp_norm_free(norm);
        return fail(argv[1], st, &err);
    }
    if (!tp_store_created(store)) {
        fprintf(stderr, "bench_lookup: %s already exists; generate writes a new store\n", argv[1]);
        tp_store_close(store);
        tp_norm_free(norm);
        return 2;
    }
    double t0 = now_us();
    st = tp_store_begin(store, &err);
    for (size_t i = 0; !st && i < n; i++) {
        tp_concept *c = NULL;
        synth s;
        synth_next(&s);
        if (!(st = synth_concept(&s, i, &c, &err)))
            st = tp_store_add_concept(store, c, &err);
        tp_concept_free(c);
        if ((i + 1) % 50000 == 0)
            fprintf(stderr, "  %zu concepts, %.1f s\n", i + 1, (now_us() - t0) / 1e6);
    }
    if (!st)
        st = tp_store_commit(store, &err);
    else
        tp_store_rollback(store);
    double secs = (now_us() - t0) / 1e6;

    int rc = 0;
    if (st) {
        rc = fail("generate", st, &err);
    } else {
        printf("generated %llu concepts (%llu terms) in %.1f s: %.0f concepts/s, one transaction\n",
               n, n * 4, secs, (double)n / secs);
        if (queries)
            rc = write_queries(queries, (size_t)n);
    }
    tp_store_close(store);
    tp_norm_free(norm);
    return rc;
}

/* ---- timing ---- */

typedef enum kind {
    K_EXACT, K_FOLDED, K_ROMANISED, K_KANA, K_CYRILLIC, K_KANJI, K_FUZZY, K_MISS, K_COUNT
} kind;

static const char *const kind_names[K_COUNT] = {
    "exact", "folded", "romanised", "kana", "cyrillic", "kanji", "fuzzy", "miss",
};

typedef struct query {
    kind kind;
    const char *text;
    const char *expect;    /* ext_id that must be among the matches, or NULL */
    uint64_t signature;    /* of the first (warm-up) result */
    size_t matches;
    char top[96];          /* best match: "ext_id (kind)" */
    double *times;         /* microseconds, one per timed run */
} query;

static int parse_query(char *arg, query *q)
{
    char *eq = strchr(arg, '=');
    if (!eq)
        return -1;
    *eq = '\0';
    for (int k = 0; k < K_COUNT; k++) {
        if (strcmp(arg, kind_names[k]) == 0) {
            q->kind = (kind)k;
            q->text = eq + 1;
            char *eq2 = strchr(q->text, '=');
            if (eq2) {
                *eq2 = '\0';
                q->expect = eq2 + 1;
            }
            return *q->text ? 0 : -1;
        }
    }
    return -1;
}

/* FNV-1a over what a caller sees of a result: which concepts, in which order, matched how. */
static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 0x100000001B3ULL;
    return h;
}

static uint64_t signature(const tp_matches *m)
{
    uint64_t h = fnv(0xCBF29CE484222325ULL, &m->count, sizeof m->count);
    for (size_t i = 0; i < m->count; i++) {
        const tp_match *x = &m->items[i];
        int64_t id = x->concept->id;
        int kindv = (int)x->kind;
        h = fnv(h, &id, sizeof id);
        h = fnv(h, &x->score, sizeof x->score);
        h = fnv(h, &kindv, sizeof kindv);
        h = fnv(h, &x->term, sizeof x->term);
        h = fnv(h, &x->distance, sizeof x->distance);
    }
    return h;
}

/* One lookup; returns its time in microseconds, or a negative value on error. */
static double run_one(tp_store *store, tp_norm *norm, query *q, int first, int *bad)
{
    tp_matches *m = NULL;
    tp_error err;
    double t0 = now_us();
    tp_status st = tp_lookup(store, norm, q->text, strlen(q->text), NULL, &m, &err);
    double t = now_us() - t0;
    if (st) {
        fail(q->text, st, &err);
        *bad = 1;
        return -1;
    }
    uint64_t sig = signature(m);
    if (first) {
        q->signature = sig;
        q->matches = m->count;
        snprintf(q->top, sizeof q->top, "%s (%s)",
                 m->count ? m->items[0].concept->ext_id : "-",
                 m->count ? tp_match_kind_name(m->items[0].kind) : "none");
        int found = 0;
        for (size_t i = 0; q->expect && i < m->count; i++)
            if (m->items[i].concept->ext_id && !strcmp(m->items[i].concept->ext_id, q->expect))
                found = 1;
        if (q->kind == K_MISS && m->count) {
            fprintf(stderr, "CHECK: miss query '%s' found %zu matches\n", q->text, m->count);
            *bad = 1;
        } else if (q->kind != K_MISS && !m->count) {
            fprintf(stderr, "CHECK: %s query '%s' found nothing\n", kind_names[q->kind], q->text);
            *bad = 1;
        } else if (q->expect && !found) {
            fprintf(stderr, "CHECK: %s query '%s' did not find %s\n", kind_names[q->kind],
                    q->text, q->expect);
            *bad = 1;
        }
    } else if (sig != q->signature) {
        fprintf(stderr, "CHECK: query '%s' gave a different result on a later run\n", q->text);
        *bad = 1;
    }
    tp_matches_free(m);
    return t;
}

/* Prints s left-aligned in width terminal columns: kana and kanji take two, other letters one. */
static void print_padded(const char *s, int width)
{
    int cols = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p & 0xC0) == 0x80)
            continue;                               /* continuation byte */
        cols += *p >= 0xE3 && *p <= 0xE9 ? 2 : 1;   /* U+3000-U+9FFF: CJK, kana */
    }
    fputs(s, stdout);
    printf("%*s", width > cols ? width - cols : 0, "");
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Percentile p (0-1) of n sorted values, interpolating between neighbours. */
static double percentile(const double *v, size_t n, double p)
{
    double pos = p * (double)(n - 1);
    size_t i = (size_t)pos;
    double frac = pos - (double)i;
    return i + 1 < n ? v[i] + frac * (v[i + 1] - v[i]) : v[n - 1];
}

static int cmd_time(int argc, char **argv)
{
    size_t runs = DEFAULT_RUNS;
    query *qs = calloc((size_t)argc, sizeof *qs);
    size_t nq = 0;
    if (!qs)
        return fail("time", TP_ERR_NOMEM, NULL);
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc) {
            long r = strtol(argv[++i], NULL, 10);
            if (r < 1 || r > 1000000)
                return free(qs), fprintf(stderr, "bench_lookup: --runs takes 1 to 1000000\n"), 2;
            runs = (size_t)r;
        } else if (parse_query(argv[i], &qs[nq]) == 0) {
            nq++;
        } else {
            fprintf(stderr, "bench_lookup: bad query '%s': want KIND=TEXT[=EXT_ID], KIND one of "
                            "exact folded romanised kana cyrillic kanji fuzzy miss\n", argv[i]);
            free(qs);
            return 2;
        }
    }
    if (nq == 0) {
        free(qs);
        return fprintf(stderr, "usage: bench_lookup time DB KIND=TEXT[=EXT_ID]... [--runs R]\n"), 2;
    }

    tp_error err;
    tp_norm *norm = NULL;
    tp_store *store = NULL;
    tp_status st = tp_norm_new(&norm, &err);
    if (st)
        return free(qs), fail("normaliser", st, &err);
    if ((st = tp_store_open(argv[1], TP_STORE_READONLY, norm, &store, &err))) {
        tp_norm_free(norm);
        free(qs);
        return fail(argv[1], st, &err);
    }

    int bad = 0;
    double *all = malloc(nq * runs * sizeof *all);
    for (size_t i = 0; i < nq; i++)
        if (!(qs[i].times = malloc(runs * sizeof *qs[i].times)))
            bad = 1;
    if (!all || bad) {
        fprintf(stderr, "bench_lookup: out of memory\n");
        bad = 2;
        goto done;
    }
    /* Rounds go through every query in turn, so no query runs only with its own pages hot. */
    for (size_t r = 0; r < WARMUP_ROUNDS; r++)
        for (size_t i = 0; i < nq; i++)
            run_one(store, norm, &qs[i], r == 0, &bad);
    for (size_t r = 0; r < runs; r++)
        for (size_t i = 0; i < nq; i++)
            qs[i].times[r] = run_one(store, norm, &qs[i], 0, &bad);

    printf("%-10s %-28s %7s  %-30s %9s %9s\n", "kind", "query", "matches", "best",
           "median_us", "p95_us");
    for (size_t i = 0; i < nq; i++) {
        qsort(qs[i].times, runs, sizeof(double), cmp_double);
        printf("%-10s ", kind_names[qs[i].kind]);
        print_padded(qs[i].text, 28);
        printf(" %7zu  %-30s %9.1f %9.1f\n", qs[i].matches, qs[i].top,
               percentile(qs[i].times, runs, 0.5),
               percentile(qs[i].times, runs, 0.95));
    }
    printf("\n%-10s %7s %9s %9s\n", "kind", "lookups", "median_us", "p95_us");
    size_t nall = 0;
    double slowest = -1;
    const char *slowest_kind = "-";
    for (int k = 0; k < K_COUNT; k++) {
        size_t n = 0;
        for (size_t i = 0; i < nq; i++)
            if (qs[i].kind == (kind)k)
                for (size_t r = 0; r < runs; r++)
                    all[nall + n++] = qs[i].times[r];
        if (n == 0)
            continue;
        qsort(all + nall, n, sizeof(double), cmp_double);
        double med = percentile(all + nall, n, 0.5);
        printf("%-10s %7zu %9.1f %9.1f\n", kind_names[k], n, med,
               percentile(all + nall, n, 0.95));
        if (med > slowest) {
            slowest = med;
            slowest_kind = kind_names[k];
        }
        nall += n;
    }
    qsort(all, nall, sizeof(double), cmp_double);
    /* One line for bench/run.sh to read. */
    printf("overall lookups=%zu median_us=%.1f p95_us=%.1f slowest_kind=%s slowest_median_us=%.1f "
           "checks=%s\n",
           nall, percentile(all, nall, 0.5), percentile(all, nall, 0.95), slowest_kind, slowest,
           bad ? "FAILED" : "ok");
done:
    for (size_t i = 0; i < nq; i++)
        free(qs[i].times);
    free(qs);
    free(all);
    tp_store_close(store);
    tp_norm_free(norm);
    return bad ? 1 : 0;
}

/* bench_lookup complete DB PREFIX... [--runs R]: what the session's Tab key costs, per prefix:
 * tp_complete() median and p95 in microseconds, and how many names it offered. */
static int cmd_complete(int argc, char **argv)
{
    size_t runs = DEFAULT_RUNS;
    int first = 2, last = argc;
    if (argc >= 4 && strcmp(argv[argc - 2], "--runs") == 0) {
        long r = strtol(argv[argc - 1], NULL, 10);
        if (r < 1 || r > 1000000)
            return fprintf(stderr, "bench_lookup: --runs takes 1 to 1000000\n"), 2;
        runs = (size_t)r;
        last = argc - 2;
    }
    if (last <= first)
        return fprintf(stderr, "usage: bench_lookup complete DB PREFIX... [--runs R]\n"), 2;
    tp_error err;
    tp_norm *norm = NULL;
    tp_store *store = NULL;
    tp_status st = tp_norm_new(&norm, &err);
    if (st)
        return fail("normaliser", st, &err);
    if ((st = tp_store_open(argv[1], TP_STORE_READONLY, norm, &store, &err))) {
        tp_norm_free(norm);
        return fail(argv[1], st, &err);
    }
    double *t = malloc(runs * sizeof *t);
    int bad = !t;
    printf("%-28s %7s %9s %9s\n", "prefix", "names", "median_us", "p95_us");
    for (int i = first; !bad && i < last; i++) {
        size_t names = 0;
        for (size_t r = 0; r < runs + WARMUP_ROUNDS; r++) {
            tp_completions *c = NULL;
            double t0 = now_us();
            st = tp_complete(store, norm, argv[i], strlen(argv[i]), 0, &c, &err);
            double dt = now_us() - t0;
            if (st) {
                bad = 1;
                fail(argv[i], st, &err);
                break;
            }
            names = c->count;
            tp_completions_free(c);
            if (r >= WARMUP_ROUNDS)
                t[r - WARMUP_ROUNDS] = dt;
        }
        if (bad)
            break;
        qsort(t, runs, sizeof *t, cmp_double);
        print_padded(argv[i], 28);
        printf(" %7zu %9.1f %9.1f\n", names, percentile(t, runs, 0.5), percentile(t, runs, 0.95));
    }
    free(t);
    tp_store_close(store);
    tp_norm_free(norm);
    return bad ? 1 : 0;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "complete") == 0)
        return cmd_complete(argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "generate") == 0)
        return cmd_generate(argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "time") == 0)
        return cmd_time(argc - 1, argv + 1);
    fprintf(stderr, "usage: bench_lookup generate DB N [--queries FILE]\n"
                    "       bench_lookup time DB KIND=TEXT[=EXT_ID]... [--runs R]\n"
                    "       bench_lookup complete DB PREFIX... [--runs R]\n");
    return 2;
}
