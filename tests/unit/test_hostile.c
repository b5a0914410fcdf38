/* Hostile XML for every XML reader (TMX import and validation, TBX import, the checker's XML and
 * HTML readers): entity expansion bombs, external entities and DTDs (never fetched, no local
 * file read), 10,000-deep nesting, a 100 MB attribute, invalid UTF-8, control characters and
 * UTF-16 with a lone surrogate. Each ends in bounded time and memory with a clear error (or,
 * for the checker, which reads no DTD, with the text read as text), and no byte of a local file
 * named by an entity ever comes out. The inputs are generated here: the repo holds none. */
#include "tp_test.h"

#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <unistd.h>
#include <toponym/toponym.h>

#define SECRET "SECRET-7d1e-MARKER"

static char dir[] = "/tmp/tp_hostile_XXXXXX";
static char secret_path[256], dtd_path[256];
static tp_norm *norm;
static tp_store *store;
static tp_checker *checker;
static int leaked;      /* the secret came out somewhere */

static double now(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

static const char *path_of(const char *name)
{
    static char p[4][300];
    static int k;
    k = (k + 1) % 4;
    snprintf(p[k], sizeof p[k], "%s/%s", dir, name);
    return p[k];
}

static const char *write_bytes(const char *name, const char *data, size_t len)
{
    const char *p = path_of(name);
    FILE *f = fopen(p, "wb");
    if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
        perror(p);
        exit(1);
    }
    return p;
}

static void see(const char *s)
{
    if (s && strstr(s, SECRET))
        leaked = 1;
}

static tp_status on_unit(void *ctx, tp_tm_unit *u, tp_error *err)
{
    (void)ctx;
    (void)err;
    for (size_t i = 0; i < u->variant_count; i++) {
        see(u->variants[i].text);
        see(u->variants[i].markup);
    }
    return TP_OK;
}

static void on_problem(void *ctx, const tp_error *p, int skipped)
{
    (void)ctx;
    (void)skipped;
    see(p->message);
}

static void on_valid(void *ctx, const tp_error *p)
{
    (void)ctx;
    see(p->message);
}

static tp_status on_concept(void *ctx, tp_concept *c, unsigned long line, tp_error *err)
{
    (void)ctx;
    (void)line;
    (void)err;
    for (size_t i = 0; i < c->term_count; i++)
        see(c->terms[i].text);
    see(c->extra);
    return TP_OK;
}

/* Runs every XML reader on the file; each must fail with a message (want_error) and finish
 * within the time limit. */
static void every_reader(const char *what, const char *tmx, const char *tbx, int want_error)
{
    tp_error err;
    double t0 = now();
    tp_tmx_handler h = {NULL, on_unit, on_problem, NULL, NULL};
    tp_tmx_stats stats;
    tp_error_clear(&err);
    tp_status st = tp_tmx_read(tmx, 0, &h, &stats, &err);
    see(err.message);
    if (want_error && !(st != TP_OK && err.message[0])) {
        fprintf(stderr, "%s: the TMX reader gave %s (%s)\n", what, tp_strerror(st), err.message);
        CHECK(0);
    }
    long problems = 0;
    tp_error_clear(&err);
    st = tp_tmx_validate(tmx, on_valid, NULL, &problems, &err);
    see(err.message);
    if (want_error && !(st != TP_OK || problems > 0)) {
        fprintf(stderr, "%s: the TMX validator found nothing\n", what);
        CHECK(0);
    }
    tp_error_clear(&err);
    st = tp_tbx_read(tbx, on_concept, NULL, &err);
    see(err.message);
    if (want_error && !(st != TP_OK && err.message[0])) {
        fprintf(stderr, "%s: the TBX reader gave %s (%s)\n", what, tp_strerror(st), err.message);
        CHECK(0);
    }
    /* Import goes through format detection and the store; the store must not change. */
    tp_import_summary sum = {0};
    tp_error_clear(&err);
    st = tp_import(store, &tbx, 1, NULL, &sum, &err);
    see(err.message);
    if (want_error)
        CHECK(st != TP_OK && err.message[0] && sum.added == 0);
    double t = now() - t0;
    if (t > 30) {
        fprintf(stderr, "%s: %.1f s\n", what, t);
        CHECK(0);
    }
    printf("%-34s %.2f s\n", what, t);
}

/* The checker's XML and HTML readers on the same bytes: they read no DTD and expand no entity
 * but the predefined and numeric ones. */
static void checker_reads(const char *what, const char *data, size_t len)
{
    double t0 = now();
    for (int html = 0; html < 2; html++) {
        tp_findings *f = NULL;
        tp_error err;
        tp_error_clear(&err);
        tp_status st = tp_check_text(checker, what, html ? TP_CHECK_HTML : TP_CHECK_XML, "en",
                                     data, len, &f, &err);
        see(err.message);
        CHECK(st == TP_OK || err.message[0]);
        for (size_t i = 0; f && i < f->count; i++)
            see(f->items[i].found);
        tp_findings_free(f);
    }
    CHECK(now() - t0 < 30);
}

static void both(const char *what, const char *tmx_text, const char *tbx_text, int want_error)
{
    const char *tmx = write_bytes("h.tmx", tmx_text, strlen(tmx_text));
    const char *tbx = write_bytes("h.tbx", tbx_text, strlen(tbx_text));
    every_reader(what, tmx, tbx, want_error);
    checker_reads(what, tmx_text, strlen(tmx_text));
}

#define TMX_HEAD "<tmx version=\"1.4\"><header srclang=\"en\" creationtool=\"t\" " \
                 "creationtoolversion=\"1\" segtype=\"sentence\" o-tmf=\"t\" adminlang=\"en\" " \
                 "datatype=\"plaintext\"/><body>"
#define TBX_HEAD "<tbx type=\"TBX-Basic\" style=\"dca\" xml:lang=\"en\" " \
                 "xmlns=\"urn:iso:std:iso:30042:ed-2\"><text><body>"

int main(void)
{
    tp_error err;
    if (!mkdtemp(dir))
        return 1;
    snprintf(secret_path, sizeof secret_path, "%s/secret.txt", dir);
    snprintf(dtd_path, sizeof dtd_path, "%s/evil.dtd", dir);
    write_bytes("secret.txt", SECRET "\n", strlen(SECRET) + 1);
    char dtd[600];
    snprintf(dtd, sizeof dtd, "<!ENTITY leak SYSTEM \"file://%s\">\n<!ENTITY term \"%s\">\n",
             secret_path, SECRET);
    write_bytes("evil.dtd", dtd, strlen(dtd));
    const char *db = path_of("h.db");
    if (tp_norm_new(&norm, &err) || tp_store_open(db, 0, norm, &store, &err) ||
        tp_checker_new(store, norm, &checker, &err)) {
        fprintf(stderr, "setup: %s\n", err.message);
        return 1;
    }

    /* 1. Billion laughs: ten levels of ten. */
    char ents[1800] = "<!ENTITY l0 \"lol\">\n";
    for (int i = 1; i < 10; i++)
        snprintf(ents + strlen(ents), sizeof ents - strlen(ents),
                 "<!ENTITY l%d \"&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;\">\n", i,
                 i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1);
    char tmx[4096], tbx[4096];
    snprintf(tmx, sizeof tmx, "<?xml version=\"1.0\"?>\n<!DOCTYPE tmx [\n%s]>\n" TMX_HEAD
             "<tu><tuv xml:lang=\"en\"><seg>&l9;</seg></tuv></tu></body></tmx>\n", ents);
    snprintf(tbx, sizeof tbx, "<?xml version=\"1.0\"?>\n<!DOCTYPE tbx [\n%s]>\n" TBX_HEAD
             "<conceptEntry id=\"a\"><langSec xml:lang=\"en\"><termSec><term>&l9;</term>"
             "</termSec></langSec></conceptEntry></body></text></tbx>\n", ents);
    both("entity expansion bomb", tmx, tbx, 1);

    /* 2. An external entity naming a local file, and one by URL. */
    snprintf(tmx, sizeof tmx, "<?xml version=\"1.0\"?>\n<!DOCTYPE tmx [<!ENTITY x SYSTEM \"%s\">"
             "<!ENTITY y SYSTEM \"http://192.0.2.1/x\">]>\n" TMX_HEAD "<tu><tuv xml:lang=\"en\">"
             "<seg>a &x; b &y;</seg></tuv></tu></body></tmx>\n", secret_path);
    snprintf(tbx, sizeof tbx, "<?xml version=\"1.0\"?>\n<!DOCTYPE tbx [<!ENTITY x SYSTEM \"%s\">]>"
             "\n" TBX_HEAD "<conceptEntry id=\"a\"><langSec xml:lang=\"en\"><termSec><term>a &x;"
             "</term></termSec></langSec></conceptEntry></body></text></tbx>\n", secret_path);
    both("external entity (local file, URL)", tmx, tbx, 0);

    /* 3. An external DTD that would define the entities, by path and by URL: never loaded. */
    snprintf(tmx, sizeof tmx, "<?xml version=\"1.0\"?>\n<!DOCTYPE tmx SYSTEM \"%s\">\n" TMX_HEAD
             "<tu><tuv xml:lang=\"en\"><seg>&term; &leak;</seg></tuv></tu></body></tmx>\n",
             dtd_path);
    snprintf(tbx, sizeof tbx, "<?xml version=\"1.0\"?>\n<!DOCTYPE tbx [<!ENTITY %% p SYSTEM "
             "\"%s\"> %%p;]>\n" TBX_HEAD "<conceptEntry id=\"a\"><langSec xml:lang=\"en\">"
             "<termSec><term>&term;</term></termSec></langSec></conceptEntry></body></text>"
             "</tbx>\n", dtd_path);
    both("external DTD and parameter entity", tmx, tbx, 0);
    snprintf(tmx, sizeof tmx, "<?xml version=\"1.0\"?>\n<!DOCTYPE tmx SYSTEM "
             "\"http://192.0.2.1/tmx14.dtd\">\n" TMX_HEAD "<tu><tuv xml:lang=\"en\"><seg>a</seg>"
             "</tuv></tu></body></tmx>\n");
    snprintf(tbx, sizeof tbx, "<?xml version=\"1.0\"?>\n<!DOCTYPE martif SYSTEM "
             "\"http://192.0.2.1/TBXcoreStructV02.dtd\">\n" TBX_HEAD "</body></text></tbx>\n");
    both("DTD by URL (never fetched)", tmx, tbx, 0);

    /* 4. 10,000-deep nesting, inside a segment and inside a term. */
    {
        size_t cap = 200000;
        char *a = malloc(cap), *b = malloc(cap);
        size_t oa = (size_t)sprintf(a, TMX_HEAD "<tu><tuv xml:lang=\"en\"><seg>");
        size_t ob = (size_t)sprintf(b, TBX_HEAD "<conceptEntry id=\"a\"><langSec xml:lang=\"en\">"
                                       "<termSec><term>");
        for (int i = 0; i < 10000; i++) {
            memcpy(a + oa, "<hi>", 4), oa += 4;
            memcpy(b + ob, "<hi>", 4), ob += 4;
        }
        a[oa++] = 'x';
        b[ob++] = 'x';
        for (int i = 0; i < 10000; i++) {
            memcpy(a + oa, "</hi>", 5), oa += 5;
            memcpy(b + ob, "</hi>", 5), ob += 5;
        }
        strcpy(a + oa, "</seg></tuv></tu></body></tmx>\n");
        strcpy(b + ob, "</term></termSec></langSec></conceptEntry></body></text></tbx>\n");
        both("10,000-deep nesting", a, b, 1);
        free(a);
        free(b);
    }

    /* 5. A 100 MB attribute. */
    {
        size_t n = (size_t)100 * 1024 * 1024;
        char *a = malloc(n + 512);
        if (!a)
            return 1;
        for (int which = 0; which < 2; which++) {
            size_t o = (size_t)sprintf(a, which ? TBX_HEAD "<conceptEntry id=\""
                                                : TMX_HEAD "<tu tuid=\"");
            memset(a + o, 'A', n);
            o += n;
            o += (size_t)sprintf(a + o, which ? "\"/></body></text></tbx>\n"
                                              : "\"><tuv xml:lang=\"en\"><seg>a</seg></tuv></tu>"
                                                "</body></tmx>\n");
            write_bytes(which ? "big.tbx" : "big.tmx", a, o);
            if (which)
                checker_reads("100 MB attribute", a, o);
        }
        free(a);
        every_reader("100 MB attribute", path_of("big.tmx"), path_of("big.tbx"), 1);
        unlink(path_of("big.tmx"));
        unlink(path_of("big.tbx"));
    }

    /* 6. Invalid UTF-8 and 7. control characters, raw and as character references. */
    both("invalid UTF-8",
         TMX_HEAD "<tu><tuv xml:lang=\"en\"><seg>Itur\xff\xfeup</seg></tuv></tu></body></tmx>\n",
         TBX_HEAD "<conceptEntry id=\"a\"><langSec xml:lang=\"en\"><termSec><term>Itur\xc3\x28up"
                  "</term></termSec></langSec></conceptEntry></body></text></tbx>\n", 1);
    both("control characters",
         TMX_HEAD "<tu><tuv xml:lang=\"en\"><seg>Itu\x01rup\x1b[31m</seg></tuv></tu></body></tmx>\n",
         TBX_HEAD "<conceptEntry id=\"a\"><langSec xml:lang=\"en\"><termSec><term>Itu\x02rup"
                  "</term></termSec></langSec></conceptEntry></body></text></tbx>\n", 1);
    both("control character references",
         TMX_HEAD "<tu><tuv xml:lang=\"en\"><seg>Itu&#1;rup&#x1B;</seg></tuv></tu></body></tmx>\n",
         TBX_HEAD "<conceptEntry id=\"a\"><langSec xml:lang=\"en\"><termSec><term>Itu&#0;rup"
                  "</term></termSec></langSec></conceptEntry></body></text></tbx>\n", 1);

    /* 8. UTF-16LE (by its BOM) with a lone high surrogate. */
    {
        const char *texts[2] = {TMX_HEAD "<tu><tuv xml:lang=\"en\"><seg>aXb</seg></tuv></tu>"
                                         "</body></tmx>\n",
                                TBX_HEAD "<conceptEntry id=\"a\"><langSec xml:lang=\"en\"><termSec>"
                                         "<term>aXb</term></termSec></langSec></conceptEntry>"
                                         "</body></text></tbx>\n"};
        for (int which = 0; which < 2; which++) {
            size_t n = strlen(texts[which]), o = 2;
            char *u = malloc(2 * n + 2);
            u[0] = (char)0xFF;
            u[1] = (char)0xFE;
            for (size_t i = 0; i < n; i++) {
                unsigned c = (unsigned char)texts[which][i];
                if (c == 'X')
                    c = 0xD800; /* a high surrogate with no low one after it */
                u[o++] = (char)(c & 0xFF);
                u[o++] = (char)(c >> 8);
            }
            write_bytes(which ? "u16.tbx" : "u16.tmx", u, o);
            if (which)
                checker_reads("UTF-16 lone surrogate", u, o);
            free(u);
        }
        every_reader("UTF-16 with a lone surrogate", path_of("u16.tmx"), path_of("u16.tbx"), 1);
    }

    CHECK(!leaked);
    if (leaked)
        fprintf(stderr, "the content of a local file came out through an entity\n");
#if !defined(__SANITIZE_ADDRESS__)
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("peak memory %ld MB\n", ru.ru_maxrss / 1024);
    CHECK(ru.ru_maxrss < 1024L * 1024); /* under 1 GB with the 100 MB attribute */
#endif
    tp_checker_free(checker);
    tp_store_close(store);
    tp_norm_free(norm);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        return 1;
    return TEST_DONE();
}
