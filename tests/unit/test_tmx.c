/* TMX: every file under ../shared/data/tmx-samples imports with the right text in the right
 * language; inline codes, props and notes are kept; validation catches what the DTD cannot;
 * export validates and round-trips; bad and hostile input ends in a clear error or a skipped
 * unit, with the store unchanged. */
#include "tp_test.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <toponym/toponym.h>
#include "store_int.h"

static char tmpdir[] = "/tmp/tp_tmx_XXXXXX";
static tp_norm *norm;
static int store_seq;

static const char *tmp(const char *name)
{
    static char path[4][512];
    static int k;
    k = (k + 1) % 4;
    snprintf(path[k], sizeof path[k], "%s/%s", tmpdir, name);
    return path[k];
}

static const char *write_file(const char *name, const char *text)
{
    const char *p = tmp(name);
    FILE *f = fopen(p, "w");
    fputs(text, f);
    fclose(f);
    return p;
}

static tp_store *fresh(void)
{
    char name[64];
    snprintf(name, sizeof name, "s%d.db", ++store_seq);
    tp_store *s = NULL;
    tp_error err;
    if (tp_store_open(tmp(name), 0, norm, &s, &err) != TP_OK)
        fprintf(stderr, "cannot open store: %s\n", err.message);
    return s;
}

static int problems_seen;
static void count_problem(void *ctx, const tp_error *p, int skipped)
{
    (void)ctx;
    (void)skipped;
    (void)p;
    problems_seen++;
}

static tp_status import(tp_store *s, const char *path, unsigned flags, tp_tmx_stats *stats,
                        tp_error *err)
{
    tp_tmx_handler h = {NULL, NULL, count_problem, NULL, NULL};
    return tp_tmx_import(s, &path, 1, flags, &h, stats, err);
}

/* Is there a unit with text a in language la (exact tag, any case) and text b in lb? */
typedef struct pair {
    const char *la, *a, *lb, *b;
    int found;
    const tp_tm_unit *unit;
    long units;
} pair;

static const tp_tm_variant *in_lang(const tp_tm_unit *u, const char *lang, const char *text)
{
    for (size_t i = 0; i < u->variant_count; i++)
        if (!strcasecmp(u->variants[i].lang, lang) && (!text || !strcmp(u->variants[i].text, text)))
            return &u->variants[i];
    return NULL;
}

static tp_status on_unit(void *ctx, const tp_tm_unit *u, tp_error *err)
{
    (void)err;
    pair *p = ctx;
    p->units++;
    if (in_lang(u, p->la, p->a) && in_lang(u, p->lb, p->b))
        p->found = 1;
    return TP_OK;
}

static int has_pair(tp_store *s, const char *la, const char *a, const char *lb, const char *b)
{
    pair p = {la, a, lb, b, 0, NULL, 0};
    tp_error err;
    if (tp_store_tm_each_unit(s, on_unit, &p, &err) != TP_OK)
        return 0;
    if (!p.found)
        fprintf(stderr, "  no unit with %s \"%s\" and %s \"%s\"\n", la, a, lb, b);
    return p.found;
}

static long units_in(tp_store *s)
{
    long n = -1;
    tp_error err;
    tp_store_tm_count(s, &n, NULL, &err);
    return n;
}

#define SAMPLE(rel) TP_SHARED_DATA "/tmx-samples/" rel

/* Imports one sample into a fresh store; the store is returned for the content checks. */
static tp_store *sample(const char *path, long want_units)
{
    tp_store *s = fresh();
    tp_tmx_stats st;
    tp_error err;
    tp_status rc = import(s, path, 0, &st, &err);
    CHECK(rc == TP_OK);
    if (rc)
        fprintf(stderr, "%s:%lu:%lu: %s\n", err.file, err.line, err.column, err.message);
    if (want_units >= 0 && units_in(s) != want_units) {
        fprintf(stderr, "%s: %ld units, want %ld\n", path, units_in(s), want_units);
        CHECK(units_in(s) == want_units);
    }
    return s;
}

static void test_samples(void)
{
    struct stat sb;
    if (stat(TP_SHARED_DATA "/tmx-samples", &sb) != 0) {
        printf("skip: %s/tmx-samples absent\n", TP_SHARED_DATA);
        return;
    }
    tp_store *s;
    /* Heartsome, srclang="*all*", six languages per unit. */
    s = sample(SAMPLE("disfr/XuanZang.tmx"), 51);
    CHECK(has_pair(s, "de", "Einführung", "zh-cn", "简介"));
    CHECK(has_pair(s, "en", "Introduction", "ko", "서론"));
    tp_store_close(s);
    /* A default namespace on the root, seven languages, UTF-8 with a BOM. */
    s = sample(SAMPLE("disfr/multilanguage.tmx"), 1);
    CHECK(has_pair(s, "en", "Hello World!", "ru", "Привет мир!"));
    CHECK(has_pair(s, "zh", "你好世界！", "de", "Hallo Welt!"));
    tp_store_close(s);
    /* MyMemory, TMX 1.1 (lang=), repeated units merged. */
    s = sample(SAMPLE("disfr/my_memory.tmx"), -1);
    CHECK(has_pair(s, "EN-GB", "Click in a paragraph.", "RU-RU", "Щелкните абзац."));
    CHECK(has_pair(s, "EN-GB", "Untitled", "RU-RU", "Без названия"));
    CHECK(units_in(s) >= 100 && units_in(s) < 113);
    tp_store_close(s);
    /* The spec's sample: props and notes on units and variants, a private-use character. */
    s = sample(SAMPLE("disfr/tmx_sample_document.tmx"), 2);
    CHECK(has_pair(s, "EN", "data (with a non-standard character: \xEF\xA3\xBF).", "FR-CA",
                   "donn\xC3\xA9" "es (avec un caract\xC3\xA8re non standard: \xEF\xA3\xBF)."));
    tp_tm_unit *u = NULL;
    tp_error err;
    CHECK(tp_store_tm_get_unit(s, 1, &u, &err) == TP_OK);
    if (u) {
        CHECK_STR(tp_tm_attr_get(u->attrs, u->attr_count, "tuid"), "0001");
        CHECK_STR(tp_tm_attr_get(u->attrs, u->attr_count, "usagecount"), "2");
        CHECK(u->meta_count == 3);
        CHECK(u->meta_count == 3 && u->meta[0].kind == TP_TM_NOTE &&
              !strcmp(u->meta[0].text, "Text of a note at the TU level."));
        CHECK(u->meta_count == 3 && !strcmp(u->meta[2].text, "P\xC3\xA6gasus"));
        const tp_tm_variant *fr = in_lang(u, "FR-CA", NULL);
        CHECK(fr && fr->meta_count == 1 && !strcmp(fr->meta[0].type, "Origin") &&
              !strcmp(fr->meta[0].text, "MT"));
        CHECK(fr && !strcmp(tp_tm_attr_get(fr->attrs, fr->attr_count, "changeid"), "ManonD"));
        CHECK_STR(u->srclang, "EN");
    }
    tp_tm_unit_free(u);
    tp_store_close(s);
    /* What OmegaT 3.6 writes: TMX 1.1 with lang=, TMX 1.4 with xml:lang. */
    s = sample(SAMPLE("generated-omegat36/p_ja-level1.tmx"), 3);
    CHECK(has_pair(s, "EN-US", "First entry in US English", "JA-JP", "First entry in Japanese"));
    tp_store_close(s);
    s = sample(SAMPLE("generated-omegat36/p_ja-level2.tmx"), 3);
    CHECK(has_pair(s, "EN-US", "Third entry in US English", "JA-JP", "Third entry in Japanese"));
    tp_store_close(s);
    s = sample(SAMPLE("generated-omegat36/p_fr-level2.tmx"), 2);
    CHECK(has_pair(s, "EN-US", "First segment with [\t\t   ]", "FR-CA",
                   "Premier segment avec [\t\t   ]"));
    tp_store_close(s);
    /* The LISA compliance kit: UTF-16LE and BE, TUVs in any order, whitespace kept. */
    s = sample(SAMPLE("lisa-compliance-kit/ImportTest1A.tmx"), 2);
    CHECK(has_pair(s, "en-us", "Second segment with [  \t\t]", "fr-ca",
                   "Second segment avec [  \t\t]"));
    tp_store_close(s);
    s = sample(SAMPLE("lisa-compliance-kit/ImportTest1C.tmx"), 3);
    CHECK(has_pair(s, "ja-jp", "Second entry in Japanese", "en-gb", "Second entry in UK English"));
    CHECK(has_pair(s, "fr-ca", "Third entry in French Canadian", "es-es",
                   "Third entry in Spanish"));
    tp_store_close(s);
    const char *utf16[] = {SAMPLE("lisa-compliance-kit/ImportTest1F.tmx"),
                           SAMPLE("lisa-compliance-kit/ImportTest1G.tmx")};
    for (size_t i = 0; i < 2; i++) {
        s = sample(utf16[i], 3);
        CHECK(has_pair(s, "en-us", "\xC3\xA0=agrave, \xC3\xA9=eacute, \xC3\xA6=aelig", "en-gb",
                       "\xC3\xA0=agrave, \xC3\xA9=eacute, \xC3\xA6=aelig"));
        CHECK(has_pair(s, "en-us", "\xC3\xBF=U+00FF, \xE2\x84\xA2=U+2122, \xE2\x80\x99=U+2019",
                       "en-gb", "\xC3\xBF=U+00FF, \xE2\x84\xA2=U+2122, \xE2\x80\x99=U+2019"));
        tp_store_close(s);
    }
    s = sample(SAMPLE("lisa-compliance-kit/ImportTest1I.tmx"), 1);
    CHECK(has_pair(s, "en-us", "English segment with [    ]", "ja-jp",
                   "Japanese segment with [\xE3\x80\x80\xE3\x80\x80]"));
    tp_store_close(s);
    /* A tu's own srclang overrides the header's. */
    s = sample(SAMPLE("lisa-compliance-kit/ImportTest1J_many.tmx"), 3);
    CHECK(has_pair(s, "en-gb", "Second entry in UK English", "en-us",
                   "Second entry in US English"));
    tp_store_close(s);
    s = sample(SAMPLE("lisa-compliance-kit/ImportTest1K.tmx"), 2);
    CHECK(has_pair(s, "de-de", "First Entry - German", "en-gb", "First Entry - UK English"));
    tp_store_close(s);
    s = sample(SAMPLE("lisa-compliance-kit/ImportTest1L.tmx"), 1);
    CHECK(has_pair(s, "en-us", "Text of the segment.", "fr", "Texte du segment."));
    tp_store_close(s);
    /* Level 2: codes out of the text, kept in the markup. */
    s = sample(SAMPLE("lisa-compliance-kit/ImportTest2A.tmx"), 7);
    CHECK(has_pair(s, "en-us", "The big black cat sleeps.", "fr-ca", "Le gros chat noir dors."));
    CHECK(has_pair(s, "en-us", "Some text with a part highlighted.", "FR-CA",
                   "Du texte avec une portion d\xC3\xA9limit\xC3\xA9" "e."));
    CHECK(has_pair(s, "En-uS", "Picture: ", "FR-CA", "Image: "));
    CHECK(tp_store_tm_get_unit(s, 1, &u, &err) == TP_OK);
    if (u) {
        const tp_tm_variant *en = in_lang(u, "en-us", NULL);
        CHECK(en && en->markup &&
              strstr(en->markup, "<bpt i=\"1\" x=\"1\" type=\"bold\">&lt;b&gt;</bpt>black"
                                 "<ept i=\"1\">&lt;/b&gt;</ept>"));
        CHECK(en && en->codes && !strcmp(en->codes, "bpt:1 ept:1 bpt:2 ept:2"));
    }
    tp_tm_unit_free(u);
    tp_store_close(s);
    s = sample(SAMPLE("lisa-compliance-kit/ImportTest2B.tmx"), 7);
    CHECK(has_pair(s, "en-us", "The big black cat sleeps.", "fr-ca", "Le gros chat noir dors."));
    tp_store_close(s);
    s = sample(SAMPLE("lisa-compliance-kit/ImportTest2C.tmx"), 1);
    CHECK(has_pair(s, "en-us", "Click  to start.", "fr", "Cliquez  pour commencer."));
    tp_store_close(s);
    s = sample(SAMPLE("lisa-compliance-kit/ExportTest2A.tmx"), -1);
    CHECK(has_pair(s, "en-us", "The big black cat sleeps.", "fr-ca", "Le gros chat noir dors."));
    tp_store_close(s);
    /* Okapi: a real Trados export in UTF-16LE; two translations of one source are two units. */
    s = sample(SAMPLE("okapi/trados_twb_test01_utf16.tmx"), 4);
    CHECK(has_pair(s, "EN-US", "A simple sentence with nothing special.", "FR-FR",
                   "Une phrase simple sans rien de sp\xC3\xA9" "cial."));
    CHECK(has_pair(s, "EN-US", "Another sentence.", "FR-FR", "Une phrase diff\xC3\xA9rente."));
    CHECK(has_pair(s, "EN-US", "Another sentence.", "FR-FR", "Une autre phrase."));
    tp_store_close(s);
    /* It fails the DTD (a prop without type) yet imports, with a warning. */
    problems_seen = 0;
    s = sample(SAMPLE("okapi/html_test.tmx"), 11);
    CHECK(problems_seen == 1);
    CHECK(has_pair(s, "EN-US", "This is a link to Page 1", "FR-FR", "ThXs Xs X lXnk tX PXgX 1"));
    CHECK(has_pair(s, "EN-US", "start &lt; of &lt; body text", "FR-FR",
                   "stXrt &lt; Xf &lt; bXdy tXxt"));
    tp_store_close(s);
    s = sample(SAMPLE("okapi/header_with_prop_and_note.tmx"), 1);
    CHECK(has_pair(s, "en-us", "Click  to start.", "fr", "Cliquez  pour commencer."));
    tp_store_close(s);
    s = sample(SAMPLE("okapi/issue277.tmx"), 2);
    CHECK(has_pair(s, "EN", "This sentence should not be split. ", "DE",
                   "Dieser Satz sollte nicht geteilt werden. Zu viele Segmente hier."));
    tp_store_close(s);
    s = sample(SAMPLE("okapi/sampleTMX2.tmx"), 2);
    CHECK(has_pair(s, "en-us", "menu", "FR-FR", "menu"));
    tp_store_close(s);
    /* OmegaT's own files: srclang=ja with the en TUV first, supplementary-plane characters. */
    s = sample(SAMPLE("omegat/segment_2_ja.tmx"), 1);
    CHECK(has_pair(s, "ja", "\xE5\x9C\xB0\xE5\x8A\x9B\xE3\x81\xAE\xE6\x90\xBE\xE5\x8F\x96\xE3\x81"
                            "\xA8\xE6\xB5\xAA\xE8\xB2\xBB\xE3\x81\x8C\xE7\x8F\xBE\xE3\x82\x8F\xE3"
                            "\x82\x8C\xE3\x82\x8B\xE3\x80\x82(1)", "en", "weird behavior"));
    tp_store_close(s);
    s = sample(SAMPLE("omegat/project_CN_JP_project_save.tmx"), 1);
    CHECK(has_pair(s, "zh-CN", "太平寺中的文笔塔", "ja-JP", "太平寺の中心的なペン塔"));
    tp_store_close(s);
    s = sample(SAMPLE("omegat/test-SMP.tmx"), 1);
    CHECK(has_pair(s, "en", "\xF0\x9D\x90\x80\xF0\x9D\x90\x81\xF0\x9D\x90\x82", "be",
                   "\xF0\x9D\x90\x83\xF0\x9D\x90\x84\xF0\x9D\x90\x85"));
    tp_store_close(s);
    s = sample(SAMPLE("omegat/test-level2.tmx"), 4);
    CHECK(has_pair(s, "en", "First part  end.", "be", "First  tr."));
    CHECK(has_pair(s, "en", "3 xx", "be", "tr"));
    tp_store_close(s);
    s = sample(SAMPLE("omegat/test-multiple-tuv14.tmx"), 3);
    CHECK(has_pair(s, "EN-US", "Hello World!", "FR-CA", "fr_CA Bonjour tout le monde\xC2\xA0!"));
    CHECK(has_pair(s, "EN-US", "Hello World!", "FR-CA", "fr_CA Bonjour le monde\xC2\xA0!"));
    tp_store_close(s);
    /* DTD-valid, semantically broken: skipped with warnings, or refused with --strict. */
    problems_seen = 0;
    s = sample(SAMPLE("omegat/invalid.tmx"), 0);
    CHECK(problems_seen >= 2);
    tp_tmx_stats st;
    CHECK(import(s, SAMPLE("omegat/invalid.tmx"), TP_TMX_STRICT, &st, &err) == TP_ERR_INPUT);
    CHECK(err.line == 11 || err.line == 12);
    tp_store_close(s);
}

static void on_validate(void *ctx, const tp_error *p)
{
    (void)p;
    (*(int *)ctx)++;
}

static void test_validate(void)
{
    int n = 0;
    long count = 0;
    tp_error err;
    struct stat sb;
    if (stat(SAMPLE("omegat/invalid.tmx"), &sb) == 0) {
        CHECK(tp_tmx_validate(SAMPLE("omegat/invalid.tmx"), on_validate, &n, &count, &err) ==
              TP_OK);
        CHECK(count >= 4 && n == count);
        count = 0;
        CHECK(tp_tmx_validate(SAMPLE("lisa-compliance-kit/ImportTest2A.tmx"), NULL, NULL, &count,
                              &err) == TP_OK);
        CHECK(count == 0);
        CHECK(tp_tmx_validate(SAMPLE("okapi/html_test.tmx"), NULL, NULL, &count, &err) == TP_OK);
        CHECK(count >= 2); /* the DTD's complaint and ours */
    }
    const char *p = write_file("sem.tmx",
        "<?xml version=\"1.0\"?>\n<tmx version=\"1.4\"><header creationtool=\"t\" "
        "creationtoolversion=\"1\" segtype=\"sentence\" o-tmf=\"t\" adminlang=\"en\" srclang=\"de\" "
        "datatype=\"plaintext\" creationdate=\"2020-01-01\"/>\n<body>\n"
        "<tu usagecount=\"many\"><tuv xml:lang=\"en\"><seg>a <ph x=\"1\">x</ph></seg></tuv>\n"
        "<tuv xml:lang=\"ja_JP\"><seg>b <bpt i=\"1\" x=\"1\">x</bpt>c<ept i=\"1\">y</ept></seg>"
        "</tuv></tu>\n</body></tmx>\n");
    count = 0;
    CHECK(tp_tmx_validate(p, NULL, NULL, &count, &err) == TP_OK);
    /* date, usagecount, language code, srclang meeting no TUV, x as ph and as bpt */
    CHECK(count == 5);
    const char *dtd = tp_tmx_dtd();
    CHECK(dtd && strstr(dtd, "<!ELEMENT tu ((note|prop)*, tuv+)>") != NULL);
}

/* Writes text (UTF-8) as UTF-16 with a byte order mark, little- or big-endian. */
static const char *write_utf16(const char *name, const char *text, int big)
{
    const char *p = tmp(name);
    FILE *f = fopen(p, "wb");
    const unsigned char *t = (const unsigned char *)text;
    unsigned units[2] = {0xFEFF, 0};
    size_t n = 1;
    for (;;) {
        for (size_t i = 0; i < n; i++) {
            fputc(big ? (int)(units[i] >> 8) : (int)(units[i] & 0xFF), f);
            fputc(big ? (int)(units[i] & 0xFF) : (int)(units[i] >> 8), f);
        }
        if (!*t)
            break;
        unsigned long c = *t++;
        int more = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
        c &= 0x7Fu >> more;
        while (more-- > 0)
            c = c << 6 | (*t++ & 0x3Fu);
        n = c >= 0x10000 ? 2 : 1;
        units[0] = n == 2 ? (unsigned)(0xD800 + ((c - 0x10000) >> 10)) : (unsigned)c;
        units[1] = n == 2 ? (unsigned)(0xDC00 + ((c - 0x10000) & 0x3FF)) : 0;
    }
    fclose(f);
    return p;
}

typedef struct where {
    unsigned long line[8], column[8];
    size_t n;
} where;

static void on_where(void *ctx, const tp_error *p)
{
    where *w = ctx;
    if (w->n < 8) {
        w->line[w->n] = p->line;
        w->column[w->n++] = p->column;
    }
}

static void test_utf16_columns(void)
{
    /* On line 4, <foo> stands after 28 characters of markup, 𠮷 (outside the BMP: two UTF-16
     * units, four UTF-8 bytes), 野家 and 17 more: column 49 in a UTF-8 and a UTF-16 file alike.
     * On line 5 of the other file, a broken end tag follows 24 characters of markup and the
     * same three: libxml2 places it one past its end, at column 34. */
    static const char dtd_error[] =
        "<?xml version=\"1.0\" encoding=\"%s\"?>\n<tmx version=\"1.4\"><header creationtool=\"t\" "
        "creationtoolversion=\"1\" segtype=\"sentence\" o-tmf=\"t\" adminlang=\"en\" srclang=\"en\" "
        "datatype=\"plaintext\"/>\n<body>\n"
        "<tu><tuv xml:lang=\"ja\"><seg>\xf0\xa0\xae\xb7\xe9\x87\x8e\xe5\xae\xb6</seg></tuv><tuv><foo/>"
        "</tuv></tu>\n</body></tmx>\n";
    static const char tag_error[] =
        "<?xml version=\"1.0\" encoding=\"%s\"?>\n<tmx version=\"1.4\"><header creationtool=\"t\" "
        "creationtoolversion=\"1\" segtype=\"sentence\" o-tmf=\"t\" adminlang=\"en\" srclang=\"en\" "
        "datatype=\"plaintext\"/>\n<body>\n<tu>\n"
        "<tuv xml:lang=\"ja\"><seg>\xf0\xa0\xae\xb7\xe9\x87\x8e\xe5\xae\xb6</sog></tuv></tu>\n</body></tmx>\n";
    char text[1024];
    for (int form = 0; form < 3; form++) {
        const char *names[] = {"c8.tmx", "c16le.tmx", "c16be.tmx"};
        snprintf(text, sizeof text, dtd_error, form ? "UTF-16" : "UTF-8");
        const char *p = form ? write_utf16(names[form], text, form == 2) : write_file(names[0], text);
        where w = {{0}, {0}, 0};
        long count = 0;
        tp_error err;
        CHECK(tp_tmx_validate(p, on_where, &w, &count, &err) == TP_OK);
        int placed = 0;
        for (size_t i = 0; i < w.n; i++)
            placed += w.line[i] == 4 && w.column[i] == 49;
        CHECK(count > 0 && placed > 0);
        snprintf(text, sizeof text, tag_error, form ? "UTF-16" : "UTF-8");
        p = form ? write_utf16(names[form], text, form == 2) : write_file(names[0], text);
        w.n = 0;
        CHECK(tp_tmx_validate(p, on_where, &w, &count, &err) == TP_OK);
        CHECK(w.n == 1 && w.line[0] == 5 && w.column[0] == 34);
    }
}

static void test_bad_input(void)
{
    tp_store *s = fresh();
    tp_error err;
    tp_tmx_stats st;
    const char *ok = write_file("ok.tmx",
        "<tmx version=\"1.4\"><header srclang=\"en\"/><body><tu><tuv xml:lang=\"en\"><seg>Kurils"
        "</seg></tuv><tuv xml:lang=\"ru\"><seg>Курилы</seg></tuv></tu></body></tmx>\n");
    CHECK(import(s, ok, 0, &st, &err) == TP_OK);
    CHECK(st.units == 1);
    /* Importing again doubles nothing. */
    CHECK(import(s, ok, 0, &st, &err) == TP_OK);
    CHECK(st.units == 0 && st.merged == 1 && units_in(s) == 1);

    /* A truncated file: an error with its position, and nothing of it stays. */
    const char *paths[2] = {
        write_file("good.tmx", "<tmx version=\"1.4\"><header srclang=\"en\"/><body><tu><tuv "
                               "xml:lang=\"en\"><seg>Shikotan</seg></tuv></tu></body></tmx>\n"),
        write_file("cut.tmx", "<tmx version=\"1.4\"><header srclang=\"en\"/><body>\n<tu><tuv "
                              "xml:lang=\"en\"><seg>Iturup</seg></tuv></tu>\n<tu><tuv xml:lang")};
    CHECK(tp_tmx_import(s, paths, 2, 0, NULL, &st, &err) == TP_ERR_INPUT);
    CHECK(err.line >= 3 && strstr(err.file, "cut.tmx"));
    CHECK(units_in(s) == 1);

    /* Shift_JIS bytes declared UTF-8. */
    const char *sjis = write_file("sjis.tmx", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                                              "<tmx version=\"1.4\"><header srclang=\"ja\"/><body>"
                                              "<tu><tuv xml:lang=\"ja\"><seg>\x91\xf0\x91\xa8"
                                              "</seg></tuv></tu></body></tmx>\n");
    CHECK(import(s, sjis, 0, &st, &err) == TP_ERR_INPUT);
    CHECK(err.line == 2);

    const char *html = write_file("x.tmx", "<html><body/></html>\n");
    CHECK(import(s, html, 0, &st, &err) == TP_ERR_INPUT);
    CHECK(strstr(err.message, "not a TMX file") != NULL);
    CHECK(import(s, "/nonexistent/x.tmx", 0, &st, &err) == TP_ERR_IO);

    /* An entity bomb: an error or a skipped unit, quickly, never the expansion. */
    const char *bomb = write_file("bomb.tmx",
        "<?xml version=\"1.0\"?>\n<!DOCTYPE tmx [\n"
        "<!ENTITY a \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\">\n"
        "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n"
        "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">\n"
        "<!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">\n"
        "<!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">\n"
        "<!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\">\n"
        "<!ENTITY g \"&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;\">\n"
        "]>\n<tmx version=\"1.4\"><header srclang=\"en\"/><body><tu><tuv xml:lang=\"en\">"
        "<seg>&g;</seg></tuv></tu></body></tmx>\n");
    time_t start = time(NULL);
    tp_status rc = import(s, bomb, 0, &st, &err);
    CHECK(time(NULL) - start < 5);
    CHECK(rc != TP_OK || st.units == 0);
    CHECK(units_in(s) == 1);

    /* An external entity naming a local file is never read. */
    const char *xxe = write_file("xxe.tmx",
        "<?xml version=\"1.0\"?>\n<!DOCTYPE tmx [<!ENTITY x SYSTEM \"/etc/passwd\">]>\n"
        "<tmx version=\"1.4\"><header srclang=\"en\"/><body><tu><tuv xml:lang=\"en\"><seg>A&x;"
        "</seg></tuv></tu></body></tmx>\n");
    rc = import(s, xxe, 0, &st, &err);
    CHECK(rc != TP_OK || st.units == 0);
    CHECK(units_in(s) == 1);

    /* Inline markup nested without end: the unit is skipped, the rest imports. */
    char *deep = malloc(64 * 1024);
    strcpy(deep, "<tmx version=\"1.4\"><header srclang=\"en\"/><body><tu><tuv xml:lang=\"en\">"
                 "<seg>");
    for (int i = 0; i < 100; i++)
        strcat(deep, "<hi>");
    strcat(deep, "deep");
    for (int i = 0; i < 100; i++)
        strcat(deep, "</hi>");
    strcat(deep, "</seg></tuv></tu><tu><tuv xml:lang=\"en\"><seg>Habomai</seg></tuv></tu>"
                 "</body></tmx>\n");
    const char *dp = write_file("deep.tmx", deep);
    free(deep);
    CHECK(import(s, dp, 0, &st, &err) == TP_OK);
    CHECK(st.skipped == 1 && st.units == 1);
    CHECK(import(s, dp, TP_TMX_STRICT, &st, &err) == TP_ERR_INPUT);

    /* A segment past the limit (1 MB here; 100 MB ones end the same way, in the parser or
     * here): skipped with a warning. */
    FILE *f = fopen(tmp("big.tmx"), "w");
    fputs("<tmx version=\"1.4\"><header srclang=\"en\"/><body><tu><tuv xml:lang=\"en\"><seg>", f);
    for (int i = 0; i < 1024 * 1024 / 16; i++)
        fputs("Kuril Islands. ", f);
    fputs("</seg></tuv></tu></body></tmx>\n", f);
    fclose(f);
    CHECK(import(s, tmp("big.tmx"), 0, &st, &err) == TP_OK);
    CHECK(st.skipped == 1);
    CHECK(units_in(s) == 2);
    tp_store_close(s);
}

/* Export, validate against the DTD, import the export, export again: identical. */
static int files_equal(const char *a, const char *b)
{
    FILE *x = fopen(a, "rb"), *y = fopen(b, "rb");
    int eq = x && y;
    while (eq) {
        int c = fgetc(x), d = fgetc(y);
        if (c != d)
            eq = 0;
        if (c == EOF || d == EOF)
            break;
    }
    if (x)
        fclose(x);
    if (y)
        fclose(y);
    return eq;
}

static void test_roundtrip(void)
{
    struct stat sb;
    if (stat(TP_SHARED_DATA "/tmx-samples", &sb) != 0)
        return;
    const char *files[] = {SAMPLE("disfr/XuanZang.tmx"), SAMPLE("disfr/tmx_sample_document.tmx"),
                           SAMPLE("disfr/my_memory.tmx"),
                           SAMPLE("lisa-compliance-kit/ImportTest2A.tmx"),
                           SAMPLE("lisa-compliance-kit/ImportTest2C.tmx"),
                           SAMPLE("lisa-compliance-kit/ImportTest1L.tmx"),
                           SAMPLE("okapi/html_test.tmx"), SAMPLE("omegat/test-level2.tmx"),
                           SAMPLE("generated-omegat36/p_ja-level1.tmx"),
                           TP_SOURCE_DIR "/tmx/kuril-news.tmx"};
    tp_store *a = fresh();
    tp_tmx_stats st;
    tp_error err;
    CHECK(tp_tmx_import(a, files, sizeof files / sizeof files[0], 0, NULL, &st, &err) == TP_OK);
    tp_tmx_export_opts o = {NULL, 0, NULL, "test", "20240101T000000Z"};
    long n1 = 0, n2 = 0;
    CHECK(tp_tmx_export(a, tmp("a.tmx"), &o, &n1, &err) == TP_OK);
    CHECK(n1 == units_in(a));
    long problems = -1;
    CHECK(tp_tmx_validate(tmp("a.tmx"), NULL, NULL, &problems, &err) == TP_OK);
    CHECK(problems == 0);
    tp_store *b = fresh();
    const char *again = tmp("a.tmx");
    CHECK(tp_tmx_import(b, &again, 1, 0, NULL, &st, &err) == TP_OK);
    CHECK(st.units == n1 && st.skipped == 0);
    CHECK(tp_tmx_export(b, tmp("b.tmx"), &o, &n2, &err) == TP_OK);
    CHECK(n1 == n2);
    CHECK(files_equal(tmp("a.tmx"), tmp("b.tmx")));
    /* Pair-wise: only units with both languages, only those TUVs. */
    const char *langs[] = {"en", "ja"};
    tp_tmx_export_opts p = {langs, 2, "en", "test", "20240101T000000Z"};
    long n3 = 0;
    CHECK(tp_tmx_export(a, tmp("enja.tmx"), &p, &n3, &err) == TP_OK);
    CHECK(n3 >= 100 && n3 < n1);
    tp_store *c = fresh();
    const char *pw = tmp("enja.tmx");
    CHECK(tp_tmx_import(c, &pw, 1, 0, NULL, &st, &err) == TP_OK);
    CHECK(st.variants == 2 * st.units);
    tp_store_close(a);
    tp_store_close(b);
    tp_store_close(c);
}

/* Writes a memory of n units, each "Kuril ferry N" in English and Russian, from first on. */
static const char *ferries(const char *name, int first, int n)
{
    const char *p = tmp(name);
    FILE *f = fopen(p, "w");
    fputs("<tmx version=\"1.4\"><header srclang=\"en\"/><body>\n", f);
    for (int i = first; i < first + n; i++)
        fprintf(f, "<tu><tuv xml:lang=\"en\"><seg>Kuril ferry %d sails</seg></tuv><tuv "
                   "xml:lang=\"ru\"><seg>Курильский паром %d</seg></tuv></tu>\n", i, i);
    fputs("</body></tmx>\n", f);
    fclose(f);
    return p;
}

static size_t concordance(tp_store *s, const char *text, const char *lang)
{
    tp_tm_hits *h = NULL;
    tp_error err;
    if (tp_tm_concordance(s, norm, text, strlen(text), lang, 100000, &h, &err) != TP_OK)
        return 0;
    size_t n = h->count;
    tp_tm_hits_free(h);
    return n;
}

/* The best match's English text for segment, or "" (static buffer). */
static const char *best(tp_store *s, const char *segment)
{
    static char text[256];
    tp_tm_match_opts o = {"en", "ru", NULL, 0, 1};
    tp_tm_matches *m = NULL;
    tp_error err;
    text[0] = '\0';
    if (tp_tm_find(s, norm, segment, strlen(segment), &o, &m, &err) == TP_OK && m->count)
        snprintf(text, sizeof text, "%s", m->items[0].unit->variants[m->items[0].source].text);
    tp_tm_matches_free(m);
    return text;
}

/* The n-gram index: built in one go by an import into an empty memory, appended to by later
 * imports (a gram's list runs over many chunks here), written with a unit added on its own,
 * dropped with a rolled-back import, and rebuilt for a store of format 3. */
static void test_index(void)
{
    tp_store *s = fresh();
    tp_tmx_stats st;
    tp_error err;
    CHECK(import(s, ferries("f1.tmx", 0, 3000), 0, &st, &err) == TP_OK && st.units == 3000);
    CHECK(concordance(s, "ferry", "en") == 3000);
    CHECK(!strcmp(best(s, "Kuril ferry 1234 sail"), "Kuril ferry 1234 sails"));
    /* Into a memory that is not empty; duplicates of the first file are merged. */
    CHECK(import(s, ferries("f2.tmx", 2990, 20), 0, &st, &err) == TP_OK);
    CHECK(st.units == 10 && st.merged == 10);
    CHECK(concordance(s, "ferry", "en") == 3010);
    CHECK(concordance(s, "паром", "ru") == 3010);
    CHECK(!strcmp(best(s, "Kuril ferry 3005 sail"), "Kuril ferry 3005 sails"));
    /* One unit outside a transaction is indexed with it. */
    tp_tm_unit *u = tp_tm_unit_new();
    tp_tm_variant *v;
    CHECK(tp_tm_unit_add_variant(u, "en", &v, &err) == TP_OK);
    v->text = strdup("Kuril ferry to Shikotan");
    CHECK(tp_store_tm_add_unit(s, u, 0, NULL, &err) == TP_OK);
    tp_tm_unit_free(u);
    CHECK(concordance(s, "shikotan", "en") == 1);
    /* A failed import leaves no postings behind. */
    const char *paths[2] = {ferries("f3.tmx", 5000, 5),
                            write_file("bad.tmx", "<tmx version=\"1.4\"><body><tu>")};
    CHECK(tp_tmx_import(s, paths, 2, 0, NULL, &st, &err) == TP_ERR_INPUT);
    CHECK(concordance(s, "ferry", "en") == 3011);
    CHECK(strcmp(best(s, "Kuril ferry 5001 sail"), "Kuril ferry 5001 sails") != 0);
    tp_store_close(s);

    /* A file over 1 MB is read and stored by two threads: the same units, duplicates merged
     * with what the store holds, and a file that breaks off at its end leaves nothing. */
    s = fresh();
    CHECK(import(s, ferries("f6.tmx", 0, 50), 0, &st, &err) == TP_OK);
    struct stat sb;
    const char *big = ferries("big.tmx", 40, 12000);
    CHECK(stat(big, &sb) == 0 && sb.st_size > (1 << 20));
    CHECK(import(s, big, 0, &st, &err) == TP_OK);
    CHECK(st.units == 11990 && st.merged == 10 && st.variants == 2 * 11990);
    CHECK(concordance(s, "ferry", "en") == 12040);
    CHECK(!strcmp(best(s, "Kuril ferry 9876 sail"), "Kuril ferry 9876 sails"));
    /* Units repeated within one large file: each the first time only, also when the first
     * copy is one of the rows an import writes in batches, and the one just before. */
    FILE *f = fopen(tmp("again.tmx"), "w");
    fputs("<tmx version=\"1.4\"><header srclang=\"en\"/><body>\n", f);
    for (int i = 40000; i < 56000; i++) {
        fprintf(f, "<tu><tuv xml:lang=\"en\"><seg>Kuril ferry %d sails</seg></tuv></tu>\n", i);
        if (i % 1000 == 7)   /* the unit before, once more, and one from long ago */
            fprintf(f, "<tu><tuv xml:lang=\"en\"><seg>Kuril ferry %d sails</seg></tuv></tu>\n"
                       "<tu><tuv xml:lang=\"EN\"><seg>Kuril ferry %d sails</seg></tuv></tu>\n",
                    i, 40000 + (i - 40000) / 2);
    }
    fputs("</body></tmx>\n", f);
    fclose(f);
    CHECK(stat(tmp("again.tmx"), &sb) == 0 && sb.st_size > (1 << 20));
    CHECK(import(s, tmp("again.tmx"), 0, &st, &err) == TP_OK);
    CHECK(st.units == 16000 && st.merged == 32);
    CHECK(concordance(s, "ferry 45007 sails", "en") == 1);
    CHECK(concordance(s, "ferry 42503 sails", "en") == 1);
    CHECK(concordance(s, "ferry", "en") == 28040);
    f = fopen(tmp("cut.tmx"), "w");
    fputs("<tmx version=\"1.4\"><header srclang=\"en\"/><body>\n", f);
    for (int i = 20000; i < 32000; i++)
        fprintf(f, "<tu><tuv xml:lang=\"en\"><seg>Kuril ferry %d sails</seg></tuv></tu>\n", i);
    fputs("<tu><tuv xml:lang=\"en\"><seg>broken", f);
    fclose(f);
    const char *cut = tmp("cut.tmx");
    CHECK(tp_tmx_import(s, &cut, 1, 0, NULL, &st, &err) == TP_ERR_INPUT);
    CHECK(concordance(s, "ferry", "en") == 28040);
    long units = 0;
    CHECK(tp_store_tm_count(s, &units, NULL, &err) == TP_OK && units == 28040);
    tp_store_close(s);

    /* A store of format 4 (a row per variant, props and notes in rows of their own, as in
     * formats 3 to 6) is
     * moved to the packed rows on open: the text, attributes, props and notes stay, and the
     * index is built. Its tables are made here as format 4 made them. */
    char name[64];
    s = fresh();
    tp_store_close(s);
    snprintf(name, sizeof name, "s%d.db", store_seq);
    sqlite3 *db = NULL;
    CHECK(sqlite3_open(tmp(name), &db) == SQLITE_OK);
    CHECK(sqlite3_exec(db,
        "DROP TABLE tm_unit; DROP TABLE tm_list;"
        "CREATE TABLE tm_unit(id INTEGER PRIMARY KEY, header_id INTEGER REFERENCES tm_header(id),"
        " srclang TEXT, attrs TEXT, hash INTEGER NOT NULL);"
        "CREATE INDEX tm_unit_by_hash ON tm_unit(hash);"
        "CREATE TABLE tm_variant(id INTEGER PRIMARY KEY, unit_id INTEGER NOT NULL REFERENCES"
        " tm_unit(id) ON DELETE CASCADE, seq INTEGER NOT NULL, lang TEXT NOT NULL, lang_base TEXT"
        " NOT NULL, text TEXT NOT NULL, markup TEXT, codes TEXT, fold TEXT NOT NULL, fold_hash"
        " INTEGER NOT NULL, attrs TEXT);"
        "CREATE INDEX tm_variant_by_unit ON tm_variant(unit_id, seq);"
        "CREATE INDEX tm_variant_by_fold ON tm_variant(lang_base, fold_hash);"
        "CREATE TABLE tm_posting(gram INTEGER NOT NULL, seq INTEGER NOT NULL, n INTEGER NOT NULL,"
        " last_variant INTEGER NOT NULL, last_unit INTEGER NOT NULL, ids BLOB NOT NULL,"
        " PRIMARY KEY(gram, seq)) WITHOUT ROWID;"
        "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 50)"
        " INSERT INTO tm_unit SELECT i, NULL, 'en', 'tuid' || char(31) || 't' || i, i FROM k;"
        "INSERT INTO tm_variant SELECT 2 * id - 1, id, 0, 'en', 'en', 'Kuril ferry ' || id ||"
        " ' sails', NULL, NULL, 'kuril ferry ' || id || ' sails', 0, NULL FROM tm_unit;"
        "INSERT INTO tm_variant SELECT 2 * id, id, 1, 'ru', 'ru', 'Паром ' || id, NULL, NULL,"
        " 'паром ' || id, 0, 'changeid' || char(31) || 'me' FROM tm_unit;"
        "INSERT INTO tm_meta VALUES(2, 7, 0, 1, 'x-origin', NULL, NULL, 'old');"
        "INSERT INTO tm_meta VALUES(3, 13, 0, 2, NULL, 'en', NULL, 'a note');"
        "ALTER TABLE concept_link DROP COLUMN text; ALTER TABLE undo_link DROP COLUMN text;"
        "PRAGMA user_version=4", NULL, NULL, NULL) == SQLITE_OK);
    sqlite3_close(db);
    if (tp_store_open(tmp(name), 0, norm, &s, &err) != TP_OK) {
        CHECK(!"the format 4 store opens");
        return;
    }
    long variants = 0;
    CHECK(tp_store_tm_count(s, &units, &variants, &err) == TP_OK);
    CHECK(units == 50 && variants == 100);
    CHECK(concordance(s, "ferry", "en") == 50);
    CHECK(concordance(s, "паром", "ru") == 50);
    CHECK(!strcmp(best(s, "Kuril ferry 42 sail"), "Kuril ferry 42 sails"));
    u = NULL;
    CHECK(tp_store_tm_get_unit(s, 7, &u, &err) == TP_OK);
    if (u) {
        CHECK(u->variant_count == 2 && !strcmp(u->variants[1].text, "Паром 7"));
        CHECK(!strcmp(tp_tm_attr_get(u->attrs, u->attr_count, "tuid"), "t7"));
        CHECK(u->meta_count == 1 && !strcmp(u->meta[0].text, "old"));
        CHECK(u->variants[1].attr_count == 1 && !strcmp(u->variants[1].attrs[0].value, "me"));
        CHECK(u->variants[0].meta_count == 1 && u->variants[0].meta[0].kind == TP_TM_NOTE);
        CHECK(!strcmp(u->variants[0].meta[0].text, "a note"));
    }
    tp_tm_unit_free(u);
    /* Units moved from format 4 are found as duplicates. */
    const char *again = write_file("f5.tmx", "<tmx version=\"1.4\"><header srclang=\"en\"/><body>"
                                   "<tu><tuv xml:lang=\"ru\"><seg>Паром 7</seg></tuv><tuv "
                                   "xml:lang=\"EN\"><seg>Kuril ferry 7 sails</seg></tuv></tu>"
                                   "<tu><tuv xml:lang=\"en\"><seg>Kuril ferry 51 sails</seg></tuv>"
                                   "</tu></body></tmx>");
    CHECK(import(s, again, 0, &st, &err) == TP_OK);
    CHECK(st.units == 1 && st.merged == 1);
    tp_store_close(s);
    CHECK(tp_store_open(tmp(name), 0, norm, &s, &err) == TP_OK);
    CHECK(concordance(s, "ferry", "en") == 51);
    tp_store_close(s);
}

/* The kind of the best EN->RU match for segment, or 0. */
static int best_kind(tp_store *s, const char *segment)
{
    tp_tm_match_opts o = {"en", "ru", NULL, 0, 1};
    tp_tm_matches *m = NULL;
    tp_error err;
    int kind = 0;
    if (tp_tm_find(s, norm, segment, strlen(segment), &o, &m, &err) == TP_OK && m->count)
        kind = (int)m->items[0].kind;
    tp_tm_matches_free(m);
    return kind;
}

/* Appends a packed string of a unit's body (varint length + 1, bytes, NUL; 0 for NULL), as
 * store_tm.c writes it, for strings shorter than 127 bytes. */
static size_t packed(unsigned char *p, size_t at, const char *s)
{
    if (!s) {
        p[at] = 0;
        return at + 1;
    }
    size_t n = strlen(s);
    p[at++] = (unsigned char)(n + 1);
    memcpy(p + at, s, n + 1);
    return at + n + 1;
}

/* Store format 8 leaves a variant's folded text out of its unit's row and makes it again
 * from the text; rows written by format 7, which hold it, are read as they were. */
static void test_fold_not_stored(void)
{
    tp_store *s = fresh();
    tp_tmx_stats st;
    tp_error err;
    CHECK(import(s, ferries("fold.tmx", 0, 20), 0, &st, &err) == TP_OK && st.units == 20);
    char name[64];
    snprintf(name, sizeof name, "s%d.db", store_seq);
    tp_tm_unit *u = NULL;
    CHECK(tp_store_tm_get_unit(s, 7, &u, &err) == TP_OK);
    const int64_t variant = 7 * 4097;   /* unit 7, its first variant */
    if (u) {
        CHECK(!strcmp(u->variants[0].text, "Kuril ferry 6 sails") && u->variants[0].fold == NULL);
        char *f = NULL;
        CHECK(tp_store_tm_variant_fold(s, variant, &f, &err) == TP_OK && f &&
              !strcmp(f, "kuril ferry 6 sails"));
        free(f);
    }
    tp_tm_unit_free(u);
    CHECK(best_kind(s, "KURIL FERRY 6 SAILS") == TP_TM_EXACT);
    CHECK(concordance(s, "ferry 6 sails", "en") == 1);
    tp_store_close(s);

    /* Unit 7's row as format 7 wrote it, its fold given as something the text would not fold
     * to, so that the test sees which one is read. */
    unsigned char body[256];
    size_t n = packed(body, 0, "en");
    body[n++] = 0;                              /* unit attributes */
    body[n++] = 0;                              /* unit props and notes */
    body[n++] = 2;                              /* variants */
    const char *variants[2][3] = {{"en", "Kuril ferry 6 sails", "kuril ferry six sails"},
                                  {"ru", "Курильский паром 6", "курильский паром 6"}};
    for (int i = 0; i < 2; i++) {
        n = packed(body, n, variants[i][0]);
        n = packed(body, n, variants[i][1]);
        n = packed(body, n, NULL);              /* markup */
        n = packed(body, n, NULL);              /* codes */
        n = packed(body, n, variants[i][2]);
        body[n++] = 0;                          /* attributes */
        body[n++] = 0;                          /* props and notes */
    }
    sqlite3 *db = NULL;
    sqlite3_stmt *q = NULL;
    CHECK(sqlite3_open(tmp(name), &db) == SQLITE_OK);
    CHECK(sqlite3_prepare_v2(db, "UPDATE tm_unit SET body = ?1 WHERE id = 7", -1,
                             &q, NULL) == SQLITE_OK);
    sqlite3_bind_blob(q, 1, body, (int)n, SQLITE_STATIC);
    CHECK(sqlite3_step(q) == SQLITE_DONE);
    sqlite3_finalize(q);
    sqlite3_close(db);
    CHECK(tp_store_open(tmp(name), 0, norm, &s, &err) == TP_OK);
    char *f = NULL;
    CHECK(tp_store_tm_variant_fold(s, variant, &f, &err) == TP_OK && f &&
          !strcmp(f, "kuril ferry six sails"));
    free(f);
    u = NULL;
    CHECK(tp_store_tm_get_unit(s, 7, &u, &err) == TP_OK && u && u->variants[0].fold &&
          !strcmp(u->variants[0].fold, "kuril ferry six sails"));
    tp_tm_unit_free(u);
    /* The index holds the unit under the text's own fold, but the exact match compares the
     * stored one: no exact match now. */
    CHECK(best_kind(s, "Kuril ferry 6 sails") == TP_TM_FUZZY);
    CHECK(best_kind(s, "Kuril ferry 8 sails") == TP_TM_EXACT);
    tp_store_close(s);
}

/* Table contents of the store at path: FNV-1a over every column of tm_unit and tm_list. */
static unsigned long long tables_hash(const char *path)
{
    static const char *const sql[] = {
        "SELECT id, header_id, hash, variants, body FROM tm_unit ORDER BY id",
        "SELECT id, n, last, ids FROM tm_list ORDER BY id"};
    unsigned long long h = 0xcbf29ce484222325ULL;
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        sqlite3_close(db);
        return 0;
    }
    for (size_t k = 0; k < 2; k++) {
        sqlite3_stmt *q = NULL;
        if (sqlite3_prepare_v2(db, sql[k], -1, &q, NULL) != SQLITE_OK)
            break;
        while (sqlite3_step(q) == SQLITE_ROW)
            for (int c = 0; c < sqlite3_column_count(q); c++) {
                const unsigned char *b = sqlite3_column_blob(q, c);
                int n = sqlite3_column_bytes(q, c);
                for (int i = 0; i < n; i++)
                    h = (h ^ b[i]) * 0x100000001b3ULL;
                h = (h ^ (unsigned)sqlite3_column_type(q, c)) * 0x100000001b3ULL;
            }
        sqlite3_finalize(q);
    }
    sqlite3_close(db);
    return h;
}

/* An import whose pending index passes its memory ceiling puts it aside in runs of a
 * temporary file and merges them at the commit: the store is the same, row for row, as one
 * import that held everything, both into an empty memory and into one that has lists. */
static void test_spill(void)
{
    const char *big = ferries("spill.tmx", 0, 16000);
    const char *more = ferries("spill2.tmx", 15000, 16000);
    char path[2][64];
    for (int k = 0; k < 2; k++) {
        tp_store *s = fresh();
        snprintf(path[k], sizeof path[k], "s%d.db", store_seq);
        tp_tmx_stats st;
        tp_error err;
        if (k == 1)
            CHECK(tp_store_tm_set_pending_max(s, 512 * 1024, &err) == TP_OK);
        CHECK(import(s, big, 0, &st, &err) == TP_OK && st.units == 16000);
        CHECK(import(s, more, 0, &st, &err) == TP_OK && st.units == 15000 && st.merged == 1000);
        CHECK(concordance(s, "ferry", "en") == 31000);
        CHECK(!strcmp(best(s, "Kuril ferry 20417 sail"), "Kuril ferry 20417 sails"));
        tp_store_close(s);
    }
    unsigned long long a = tables_hash(tmp(path[0])), b = tables_hash(tmp(path[1]));
    CHECK(a != 0 && a == b);
}

int main(void)
{
    if (!mkdtemp(tmpdir))
        return 1;
    tp_error err;
    if (tp_norm_new(&norm, &err) != TP_OK)
        return 1;
    test_samples();
    test_validate();
    test_utf16_columns();
    test_bad_input();
    test_roundtrip();
    test_index();
    test_fold_not_stored();
    test_spill();
    tp_norm_free(norm);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", tmpdir);
    return TEST_DONE();
}
