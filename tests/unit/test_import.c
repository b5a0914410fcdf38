/* The glossary readers through the library, not the CLI: format detection, OmegaT TSV and CSV
 * (BOM, UTF-16, quoting, status and notes in the comment), ENAMDICT (EUC-JP, kinds, readings,
 * notes), TBX details (v2 and v3, DCA and DCT, statuses, kept data), --strict in each, and
 * tp_import's counts, dry run and ids across files. */
#include "tp_test.h"

#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <toponym/toponym.h>

static char dir[] = "/tmp/tp_import_XXXXXX";
static tp_norm *norm;

/* Writes len bytes (or the string, when len is 0) to dir/name; returns the path (static). */
static const char *put(const char *name, const char *data, size_t len)
{
    static char path[4][300];
    static int next;
    char *p = path[next++ % 4];
    snprintf(p, 300, "%s/%s", dir, name);
    FILE *f = fopen(p, "wb");
    fwrite(data, 1, len ? len : strlen(data), f);
    fclose(f);
    return p;
}

/* Writes UTF-8 text converted to EUC-JP, as Debian ships ENAMDICT. */
static const char *put_eucjp(const char *name, const char *utf8)
{
    static char out[4096];
    iconv_t cd = iconv_open("EUC-JP", "UTF-8");
    char *in = (char *)utf8, *o = out;
    size_t left = strlen(utf8), room = sizeof out;
    iconv(cd, &in, &left, &o, &room);
    iconv_close(cd);
    return put(name, out, (size_t)(o - out));
}

/* The concepts a reader passed, copied. */
typedef struct got {
    tp_concept *c[16];
    unsigned long line[16];
    size_t n;
} got;

static tp_status collect(void *ctx, tp_concept *c, unsigned long line, tp_error *err)
{
    got *g = ctx;
    (void)err;
    if (g->n < 16) {
        g->line[g->n] = line;
        g->c[g->n++] = tp_concept_copy(c);
    }
    return TP_OK;
}

static void got_free(got *g)
{
    for (size_t i = 0; i < g->n; i++)
        tp_concept_free(g->c[i]);
    g->n = 0;
}

static void test_detect(void)
{
    tp_error err;
    tp_format f;
    CHECK(tp_format_detect(put("a.xml", "\xEF\xBB\xBF  <tbx/>", 0), &f, &err) == TP_OK &&
          f == TP_FORMAT_TBX);
    CHECK(tp_format_detect(put("a.txt", "a\tb\n", 0), &f, &err) == TP_OK && f == TP_FORMAT_TSV);
    CHECK(tp_format_detect(put("a.dat", "a,b\n", 0), &f, &err) == TP_OK && f == TP_FORMAT_CSV);
    CHECK(tp_format_detect(put("b.csv", "a\n", 0), &f, &err) == TP_OK && f == TP_FORMAT_CSV);
    CHECK(tp_format_detect(put("u16.txt", "\xFF\xFE" "a\0\t\0b\0", 8), &f, &err) == TP_OK &&
          f == TP_FORMAT_TSV);
    CHECK(tp_format_detect(put_eucjp("enam", "大野 [おおの] /(p) Oono/\n"), &f, &err) == TP_OK &&
          f == TP_FORMAT_ENAMDICT);
    CHECK(tp_format_detect(put("nul.txt", "a\0b\0", 4), &f, &err) == TP_ERR_INPUT);
    CHECK(strstr(err.message, "without a byte-order mark") != NULL);
    CHECK(tp_format_detect("/nonexistent/x", &f, &err) == TP_ERR_IO);
    CHECK(tp_format_parse("TAB", &f) == TP_OK && f == TP_FORMAT_TSV);
    CHECK(tp_format_parse("xlsx", &f) == TP_ERR_ARG);
    CHECK_STR(tp_format_name(TP_FORMAT_ENAMDICT), "enamdict");
}

static void test_tsv(void)
{
    tp_error err;
    got g = {0};
    tp_import_opts o = {.source_lang = "EN", .target_lang = "ja-latn"};
    const char *p = put("k.tsv",
                        "\xEF\xBB\xBF# a comment\n"
                        "Kunashir\tKunashiri\tpreferred; concept note: Southern Kurils\n"
                        "Kunashir \t Kunasiri \tADMITTED; Kunrei-shiki\r\n"
                        "\n"
                        "Iturup\tEtorofu\tjust a note\n"
                        "only a source\n",
                        0);
    CHECK(tp_tsv_read(p, TP_FORMAT_TSV, &o, collect, &g, &err) == TP_OK);
    CHECK(g.n == 3);
    if (g.n == 3) {
        CHECK(g.line[0] == 2 && g.line[1] == 3 && g.line[2] == 5);
        CHECK_STR(g.c[0]->terms[0].lang, "en");
        CHECK_STR(g.c[0]->terms[1].lang, "ja-Latn");
        CHECK(g.c[0]->terms[1].status == TP_TERM_PREFERRED);
        CHECK(g.c[0]->terms[1].note == NULL);
        CHECK_STR(g.c[0]->note, "Southern Kurils");
        CHECK_STR(g.c[1]->terms[0].text, "Kunashir"); /* spaces trimmed, as OmegaT does */
        CHECK(g.c[1]->terms[1].status == TP_TERM_ADMITTED);
        CHECK_STR(g.c[1]->terms[1].note, "Kunrei-shiki");
        CHECK(g.c[2]->terms[1].status == TP_TERM_PREFERRED);
        CHECK_STR(g.c[2]->terms[1].note, "just a note");
    }
    got_free(&g);
    /* --strict: the row without a target is an error, at its line. */
    o.strict = 1;
    CHECK(tp_tsv_read(p, TP_FORMAT_TSV, &o, collect, &g, &err) == TP_ERR_INPUT);
    CHECK(err.line == 6 && err.column == 1);
    got_free(&g);
    CHECK(tp_tsv_read(put("4.tsv", "a\tb\tc\td\n", 0), TP_FORMAT_TSV, &o, collect, &g, &err) ==
          TP_ERR_INPUT);
    CHECK(strstr(err.message, "more than three") != NULL);
    got_free(&g);
    o.strict = 0;
    CHECK(tp_tsv_read(put("4.tsv", "a\tb\tc\td\n", 0), TP_FORMAT_TSV, &o, collect, &g, &err) ==
          TP_OK && g.n == 1);
    got_free(&g);

    /* CSV: quotes, doubled quotes, a line break inside a field; the row starts at its line. */
    p = put("q.csv", "\"a, \"\"b\"\"\",x,admitted\n\"multi\nline\",y\nz,\"w\"\n", 0);
    CHECK(tp_tsv_read(p, TP_FORMAT_CSV, &o, collect, &g, &err) == TP_OK && g.n == 3);
    if (g.n == 3) {
        CHECK_STR(g.c[0]->terms[0].text, "a, \"b\"");
        CHECK(g.c[0]->terms[1].status == TP_TERM_ADMITTED);
        CHECK_STR(g.c[1]->terms[0].text, "multi\nline");
        CHECK(g.line[2] == 4);
        CHECK_STR(g.c[2]->terms[1].text, "w");
    }
    got_free(&g);
    CHECK(tp_tsv_read(put("b.csv", "a,b\n\"c,d\ne,f\n", 0), TP_FORMAT_CSV, &o, collect, &g,
                      &err) == TP_ERR_INPUT);
    CHECK(err.line == 2 && err.column == 1 && strstr(err.message, "never ends"));
    got_free(&g);
    CHECK(tp_tsv_read(put("c.csv", "a,\"b\"x\n", 0), TP_FORMAT_CSV, &o, collect, &g, &err) ==
          TP_ERR_INPUT);
    CHECK(err.line == 1 && err.column == 6);
    got_free(&g);

    /* UTF-16LE and BE by their BOM; invalid UTF-8 and a NUL are placed. */
    CHECK(tp_tsv_read(put("le.txt", "\xFF\xFE" "a\0\t\0\xE9\0\n\0", 10), TP_FORMAT_TSV, &o,
                      collect, &g, &err) == TP_OK && g.n == 1);
    CHECK(g.n == 1 && !strcmp(g.c[0]->terms[1].text, "\xC3\xA9"));
    got_free(&g);
    CHECK(tp_tsv_read(put("be.txt", "\xFE\xFF\0a\0\t\0b\0\n", 10), TP_FORMAT_TSV, &o, collect,
                      &g, &err) == TP_OK && g.n == 1);
    got_free(&g);
    CHECK(tp_tsv_read(put("u8.tsv", "ok\tfine\nbad\t\xFF\n", 0), TP_FORMAT_TSV, &o, collect, &g,
                      &err) == TP_ERR_INPUT);
    CHECK(err.line == 2 && err.column == 5);
    got_free(&g);
    CHECK(tp_tsv_read(put("n.tsv", "a\tb\0\n", 5), TP_FORMAT_TSV, &o, collect, &g, &err) ==
          TP_ERR_INPUT);
    got_free(&g);

    /* The two languages are required and checked. */
    tp_import_opts none = {0};
    CHECK(tp_tsv_read(p, TP_FORMAT_TSV, &none, collect, &g, &err) == TP_ERR_ARG);
    tp_import_opts bad = {.source_lang = "en", .target_lang = "english!"};
    CHECK(tp_tsv_read(p, TP_FORMAT_TSV, &bad, collect, &g, &err) == TP_ERR_ARG);
    CHECK(strstr(err.message, "english!") != NULL);
    got_free(&g);
}

static void test_enamdict(void)
{
    tp_error err;
    got g = {0};
    const char *p = put_eucjp("e",
                              "　？？？ /ENAMDICT - Japanese Proper Name Dictionary File/\n"
                              "択捉島 [えとろふとう] /(p) Etorofutou/\n"
                              "アーレン /(p) Aalen (Germany)/Ahlen/\n"
                              "ＪＲ桂駅 [ジェイアールかつらえき] /(st) JR Katsura Station/\n"
                              "鈴木 [すずき] /(s) Suzuki/\n"
                              "大野 [おおの] /(s) Oono/(p) Oono/\n"
                              "no entry here\n");
    CHECK(tp_enamdict_read(p, NULL, collect, &g, &err) == TP_OK);
    CHECK(g.n == 3);
    if (g.n == 3) {
        const tp_concept *c = g.c[0];
        CHECK(g.line[0] == 2);
        CHECK(c->term_count == 2);
        CHECK_STR(c->terms[0].lang, "ja");
        CHECK_STR(c->terms[0].text, "択捉島");
        CHECK_STR(c->terms[0].reading, "えとろふとう");
        CHECK(c->terms[0].status == TP_TERM_PREFERRED);
        CHECK_STR(c->terms[1].lang, "ja-Latn");
        CHECK_STR(c->terms[1].text, "Etorofutou");
        CHECK(c->terms[1].status == TP_TERM_PREFERRED);
        CHECK_STR(c->subject, "place");
        CHECK(c->source && strstr(c->source, "ENAMDICT"));
        c = g.c[1];
        CHECK(c->term_count == 3 && c->terms[0].reading == NULL);
        CHECK(c->term_count == 3 && !strcmp(c->terms[1].text, "Aalen") &&
              !strcmp(c->terms[1].note, "Germany"));
        CHECK(c->term_count == 3 && c->terms[2].status == TP_TERM_ADMITTED);
        /* Only the place sense of a name that is also a surname. */
        c = g.c[2];
        CHECK(g.line[2] == 6 && c->term_count == 2);
    }
    got_free(&g);
    tp_import_opts o = {.kinds = "st"};
    CHECK(tp_enamdict_read(p, &o, collect, &g, &err) == TP_OK && g.n == 1);
    CHECK(g.n == 1 && !strcmp(g.c[0]->subject, "station"));
    got_free(&g);
    /* --strict: a line that is no entry is an error (the header line is not). */
    o.kinds = NULL;
    o.strict = 1;
    CHECK(tp_enamdict_read(p, &o, collect, &g, &err) == TP_ERR_INPUT);
    CHECK(err.line == 7 && err.column == 1);
    got_free(&g);
    /* Bytes that are not EUC-JP, placed at the character. */
    char bad[64];
    snprintf(bad, sizeof bad, "\xA4\xA2\xFF\xFE [x] /(p) X/\n");
    CHECK(tp_enamdict_read(put("bad", bad, 0), NULL, collect, &g, &err) == TP_ERR_INPUT);
    CHECK(err.line == 1 && err.column == 2);
    got_free(&g);
}

#define TBX_HEAD "<tbx type=\"TBX-Basic\" style=\"dca\" xmlns=\"urn:iso:std:iso:30042:ed-2\">" \
                 "<text><body>"
#define TBX_TAIL "</body></text></tbx>\n"

static void test_tbx_details(void)
{
    tp_error err;
    got g = {0};
    /* v3 DCA: statuses, usage, reading and scheme, a link, kept categories. */
    const char *p = put("d.tbx", TBX_HEAD
        "<conceptEntry id=\"iturup\"><descrip type=\"subjectField\">island</descrip>"
        "<ref type=\"crossReference\" target=\"kunashir\">Kunashir Island</ref>"
        "<langSec xml:lang=\"en\"><termSec><term>Iturup</term>"
        "<termNote type=\"geographicalUsage\">Russian official usage</termNote>"
        "<termNote type=\"partOfSpeech\">properNoun</termNote></termSec>"
        "<termSec><term>Etorofu</term><termNote type=\"administrativeStatus\">"
        "deprecatedTerm-admn-sts</termNote></termSec></langSec>"
        "<langSec xml:lang=\"ja\"><termSec><term>択捉島</term>"
        "<termNote type=\"normativeAuthorization\">admittedTerm</termNote></termSec>"
        "</langSec></conceptEntry>" TBX_TAIL, 0);
    CHECK(tp_tbx_read(p, collect, &g, &err) == TP_OK && g.n == 1);
    if (g.n == 1) {
        const tp_concept *c = g.c[0];
        CHECK_STR(c->ext_id, "iturup");
        CHECK_STR(c->subject, "island");
        CHECK(c->link_count == 1 && !strcmp(c->links[0].target, "kunashir"));
        CHECK(c->link_count == 1 && c->links[0].text && !strcmp(c->links[0].text, "Kunashir Island"));
        CHECK(c->term_count == 3);
        CHECK(c->terms[0].status == TP_TERM_PREFERRED); /* first of its language */
        CHECK_STR(c->terms[0].usage, "Russian official usage");
        CHECK(c->terms[0].extra && strstr(c->terms[0].extra, "properNoun"));
        CHECK(c->terms[1].status == TP_TERM_DEPRECATED);
        CHECK(c->terms[2].status == TP_TERM_ADMITTED);
    }
    got_free(&g);
    /* v2: martif, termEntry/langSet/tig and ntig, a DTD that is never fetched. */
    p = put("v2.tbx", "<?xml version=\"1.0\"?>\n"
        "<!DOCTYPE martif SYSTEM \"http://192.0.2.1/TBXcoreStructV02.dtd\">\n"
        "<martif type=\"TBX\"><text><body><termEntry id=\"a\"><langSet xml:lang=\"en\">"
        "<tig><term>Alpha</term></tig><ntig><termGrp><term>Alfa</term>"
        "<termNote type=\"administrativeStatus\">admittedTerm-admn-sts</termNote></termGrp>"
        "</ntig></langSet></termEntry></body></text></martif>\n", 0);
    CHECK(tp_tbx_read(p, collect, &g, &err) == TP_OK && g.n == 1);
    CHECK(g.n == 1 && g.c[0]->term_count == 2 && g.c[0]->terms[1].status == TP_TERM_ADMITTED);
    got_free(&g);
    /* v3 DCT: a cross-reference is an element of its own, its content the display text; an
     * empty one has none. */
    p = put("dct.tbx", "<tbx type=\"TBX-Basic\" style=\"dct\" xmlns=\"urn:iso:std:iso:30042:ed-2\" "
        "xmlns:basic=\"http://www.tbxinfo.net/ns/basic\"><text><body>"
        "<conceptEntry id=\"shikotan\"><basic:crossReference target=\"habomai\">Habomai "
        "Islands</basic:crossReference><basic:crossReference target=\"kunashir\"/>"
        "<langSec xml:lang=\"en\"><termSec><term>Shikotan</term></termSec></langSec>"
        "</conceptEntry>" TBX_TAIL, 0);
    CHECK(tp_tbx_read(p, collect, &g, &err) == TP_OK && g.n == 1);
    CHECK(g.n == 1 && g.c[0]->link_count == 2);
    if (g.n == 1 && g.c[0]->link_count == 2) {
        CHECK_STR(g.c[0]->links[0].target, "habomai");
        CHECK_STR(g.c[0]->links[0].text, "Habomai Islands");
        CHECK_STR(g.c[0]->links[1].target, "kunashir");
        CHECK(g.c[0]->links[1].text == NULL);
    }
    got_free(&g);
    /* A second status: lenient keeps the first (the other as extra data), strict refuses. */
    p = put("s.tbx", TBX_HEAD "<conceptEntry id=\"s\"><langSec xml:lang=\"en\"><termSec>"
        "<term>A</term><termNote type=\"administrativeStatus\">preferredTerm-admn-sts</termNote>"
        "<termNote type=\"administrativeStatus\">supersededTerm-admn-sts</termNote>"
        "</termSec></langSec></conceptEntry>\n"
        "<conceptEntry><langSec xml:lang=\"en\"><termSec><term>B</term></termSec></langSec>"
        "</conceptEntry>" TBX_TAIL, 0);
    CHECK(tp_tbx_read(p, collect, &g, &err) == TP_OK && g.n == 2);
    CHECK(g.n == 2 && g.c[0]->terms[0].status == TP_TERM_PREFERRED &&
          strstr(g.c[0]->terms[0].extra, "supersededTerm"));
    CHECK(g.n == 2 && g.c[1]->ext_id == NULL);
    got_free(&g);
    tp_store *s = NULL;
    char db[320];
    snprintf(db, sizeof db, "%s/s.db", dir);
    CHECK(tp_store_open(db, 0, norm, &s, &err) == TP_OK);
    tp_import_opts strict = {.strict = 1};
    const char *one[] = {p};
    CHECK(tp_import(s, one, 1, &strict, NULL, &err) == TP_ERR_INPUT);
    CHECK(strstr(err.message, "second, different status") && err.line == 1);
    p = put("noid.tbx", TBX_HEAD "\n<conceptEntry><langSec xml:lang=\"en\"><termSec><term>B"
                        "</term></termSec></langSec></conceptEntry>" TBX_TAIL, 0);
    one[0] = p;
    CHECK(tp_import(s, one, 1, &strict, NULL, &err) == TP_ERR_INPUT);
    CHECK(strstr(err.message, "without an id") && err.line == 2);
    tp_store_close(s);
}

static void test_import(void)
{
    tp_error err;
    tp_store *s = NULL;
    char db[320];
    snprintf(db, sizeof db, "%s/i.db", dir);
    CHECK(tp_store_open(db, 0, norm, &s, &err) == TP_OK);
    const char *a = put("a.tbx", TBX_HEAD "<conceptEntry id=\"dup\"><langSec xml:lang=\"en\">"
                        "<termSec><term>One</term></termSec></langSec></conceptEntry>" TBX_TAIL,
                        0);
    const char *b = put("b.tbx", TBX_HEAD "<conceptEntry id=\"dup\"><langSec xml:lang=\"en\">"
                        "<termSec><term>Two</term></termSec></langSec></conceptEntry>" TBX_TAIL,
                        0);
    const char *both[] = {a, b};
    tp_import_summary sum;
    CHECK(tp_import(s, both, 2, NULL, &sum, &err) == TP_ERR_INPUT);
    CHECK(strstr(err.file, "b.tbx") && strstr(err.message, "a.tbx"));
    tp_store_change ch;
    CHECK(tp_store_last_change(s, &ch, &err) == TP_ERR_NOTFOUND); /* nothing was imported */
    /* Counts, a dry run, and a second import that finds everything stored. */
    tp_import_opts o = {.source_lang = "en", .target_lang = "ja-Latn", .dry_run = 1};
    const char *t[] = {put("k.tsv", "Kunashir\tKunashiri\nKunashir\tKunasiri\tadmitted\n"
                                    "\nIturup\n", 0)};
    CHECK(tp_import(s, t, 1, &o, &sum, &err) == TP_OK);
    CHECK(sum.added == 1 && sum.merged == 1 && sum.ignored == 1 && sum.terms == 4);
    CHECK(tp_store_last_change(s, &ch, &err) == TP_ERR_NOTFOUND);
    o.dry_run = 0;
    CHECK(tp_import(s, t, 1, &o, &sum, &err) == TP_OK && sum.added == 1);
    CHECK(tp_import(s, t, 1, &o, &sum, &err) == TP_OK);
    CHECK(sum.added == 0 && sum.merged == 0 && sum.skipped == 2);
    o.on_conflict = TP_CONFLICT_REPLACE;
    CHECK(tp_import(s, t, 1, &o, &sum, &err) == TP_OK && sum.replaced == 2);
    tp_store_close(s);
}

int main(void)
{
    tp_error err;
    if (!mkdtemp(dir) || tp_norm_new(&norm, &err) != TP_OK)
        return 1;
    test_detect();
    test_tsv();
    test_enamdict();
    test_tbx_details();
    test_import();
    tp_norm_free(norm);
    char cmd[340];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        return 1;
    return TEST_DONE();
}
