/* The checker over the shipped glossary: whole words and longest matches, Russian inflection
 * that keeps Курильск and Курильские острова apart, Japanese matching on word boundaries,
 * positions from the readers, each built-in rule, inline suppression, the house style file,
 * and streaming in chunks of any size. */
#include "tp_test.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <toponym/toponym.h>

static tp_norm *norm;
static tp_store *store;
static tp_checker *checker;

static tp_findings *check_as(tp_check_format fmt, const char *text)
{
    tp_findings *f = NULL;
    tp_error err;
    if (tp_check_text(checker, "t", fmt, NULL, text, strlen(text), &f, &err) != TP_OK) {
        fprintf(stderr, "check: %s\n", err.message);
        return NULL;
    }
    return f;
}

/* The first finding of rule, or NULL. */
static const tp_finding *find_rule(const tp_findings *f, const char *rule)
{
    for (size_t i = 0; f && i < f->count; i++)
        if (!strcmp(f->items[i].rule, rule))
            return &f->items[i];
    return NULL;
}

static int count_rule(const tp_findings *f, const char *rule)
{
    int n = 0;
    for (size_t i = 0; f && i < f->count; i++)
        n += !strcmp(f->items[i].rule, rule);
    return n;
}

static unsigned long names(const char *text)
{
    tp_findings *f = check_as(TP_CHECK_TEXT, text);
    unsigned long n = f ? f->names : 999;
    tp_findings_free(f);
    return n;
}

static void test_words(void)
{
    CHECK(names("Europe is far from here.") == 0);           /* no Urup inside Europe */
    CHECK(names("They sailed past Urup.") == 1);
    CHECK(names("soya beans grow well") == 0);               /* not the Sōya Strait */
    CHECK(names("the Soya Strait") == 1);
    CHECK(names("the Sea of Okhotsk") == 1);                 /* one name, not Okhotsk alone */
    CHECK(names("Yuzhno Kurilsk and Yuzhno-Kurilsk") == 2);
    CHECK(names("Sakhalin's coast") == 1);                   /* the possessive */
    CHECK(names("Sea. Of Japan") == 0 || names("Sea. Of Japan") == 1); /* Japan only */
    CHECK(names("the Sea of\nJapan") == 1);                  /* a name across a line break */
}

static void test_case(void)
{
    /* A name of several words is found where its words are capitalised as in the glossary;
     * words the glossary writes in lower case may take a capital (a heading, a sentence's
     * start) and capitals throughout are a name too. */
    CHECK(names("the East Sea") == 1);
    CHECK(names("EAST SEA") == 1);
    CHECK(names("Sea Of Japan") == 1);
    CHECK(names("the sea of japan is deep") == names("japan")); /* Japan alone */
    CHECK(names("the Sea of japan") == names("japan"));
    CHECK(names("the east sea was calm") == 0);
    CHECK(names("the East sea") == 0);
    CHECK(names("the Northern Territories") == 1);
    CHECK(names("the northern territories of Canada") == 0);
    tp_findings *f = check_as(TP_CHECK_TEXT, "We sailed the east sea, then the East Sea.");
    CHECK(f && f->count == 1 && count_rule(f, "deprecated-term") == 1 && f->items[0].column == 34);
    tp_findings_free(f);
    /* Single words keep to any case; a word the glossary writes in lower case (пролив) may
     * begin a sentence with a capital. The rule is the same in Russian. */
    CHECK(names("sakhalin") == 1);
    CHECK(names("Пролив Лаперуза") == 1);
    CHECK(names("через пролив Лаперуза") == 1);
    CHECK(names("через пролив лаперуза") == 0);
}

static void test_status(void)
{
    tp_findings *f = check_as(TP_CHECK_TEXT, "Fish from the East Sea.\nThe Kurile Islands.");
    const tp_finding *x = find_rule(f, "deprecated-term");
    CHECK(x && x->line == 1 && x->column == 15 && x->end_column == 23);
    CHECK(x && x->severity == TP_SEVERITY_ERROR);
    CHECK_STR(x ? x->suggestion : NULL, "Sea of Japan");
    CHECK_STR(x ? x->concept : NULL, "sea-of-japan");
    x = find_rule(f, "superseded-term");
    CHECK(x && x->line == 2 && x->column == 5 && x->severity == TP_SEVERITY_WARNING);
    CHECK_STR(x ? x->suggestion : NULL, "Kuril Islands");
    tp_findings_free(f);
    /* A Japanese-era name in English text: the English preferred form is suggested. */
    f = check_as(TP_CHECK_TEXT, "Toyohara, now a city.");
    x = find_rule(f, "superseded-term");
    CHECK_STR(x ? x->suggestion : NULL, "Yuzhno-Sakhalinsk");
    tp_findings_free(f);
}

static void test_russian(void)
{
    /* Superseded Владимировка in two cases: the status finding names the concept. */
    tp_findings *f = check_as(TP_CHECK_TEXT, "Во Владимировке и около Владимировки.");
    CHECK(count_rule(f, "superseded-term") == 2);
    const tp_finding *x = find_rule(f, "superseded-term");
    CHECK_STR(x ? x->concept : NULL, "yuzhno-sakhalinsk");
    CHECK_STR(x ? x->found : NULL, "Владимировке");
    tp_findings_free(f);
    CHECK(names("на Курильских островах") == 1);
    CHECK(names("Курильских островов") == 1);
    CHECK(names("в Курильске") == 1);
    CHECK(names("в Хабаровске и Хабаровска") == 2);
    CHECK(names("в Японском море") == 1);
    CHECK(names("Северными территориями") == 1);
    CHECK(names("пролив Лаперуза и проливом Лаперуза") == 2);
    CHECK(names("Лаперуза") == 0);                           /* a frozen genitive alone */
}

static void test_japanese(void)
{
    CHECK(names("宿泊施設に泊まる") == 0);                     /* 泊 inside a compound */
    CHECK(names("泊にある") == 1);
    tp_findings *f = check_as(TP_CHECK_TEXT, "大千島列島と樺太");
    /* The longest name, not 千島列島 inside it. */
    CHECK(f && f->names == 2);
    const tp_finding *x = find_rule(f, "superseded-term");
    CHECK(x && x->column == 7 && x->end_column == 9);
    CHECK_STR(x ? x->suggestion : NULL, "サハリン");
    CHECK_STR(f ? f->lang : NULL, "ja");
    tp_findings_free(f);
    CHECK(names("えとろふ島") == 0 || names("えとろふ島") == 1);
}

static void test_inconsistent(void)
{
    tp_findings *f = check_as(TP_CHECK_TEXT, "We flew to Iturup.\nIturup is large.\nEtorofu has "
                                             "hot springs.");
    const tp_finding *x = find_rule(f, "inconsistent-term");
    CHECK(x && x->line == 3 && x->column == 1);
    CHECK_STR(x ? x->suggestion : NULL, "Iturup");
    tp_findings_free(f);
    /* A deliberate pairing in one sentence is no inconsistency. */
    f = check_as(TP_CHECK_TEXT, "Iturup (Etorofu in Japan) is large. Iturup has a port.");
    CHECK(f && f->count == 0);
    tp_findings_free(f);
    /* Northern Territories / Southern Kurils: one side alone is unpaired, both are fine. */
    f = check_as(TP_CHECK_TEXT, "The Southern Kurils lie east of Hokkaido.");
    x = find_rule(f, "unpaired-usage");
    CHECK(x && x->column == 5);
    CHECK_STR(x ? x->suggestion : NULL, "southern Kuril Islands");
    tp_findings_free(f);
    f = check_as(TP_CHECK_TEXT, "The Northern Territories in Japan and the Southern Kurils in "
                                "Russia. Later the Southern Kurils again.");
    CHECK(f && f->count == 0);
    tp_findings_free(f);
    /* A pairing in Japanese while Latin names of the sentence before still wait for their
     * longest match (Kurilsk, Ketoi-tō): still one sentence, still paired. */
    f = check_as(TP_CHECK_TEXT, "Kurilsk 大クリル列島. strait Ketoi-tō 北方四島 sea Anuchina sland "
                                "and 南クリル");
    CHECK(f && count_rule(f, "unpaired-usage") == 0);
    tp_findings_free(f);
}

static void test_misspelling(void)
{
    tp_findings *f = check_as(TP_CHECK_TEXT, "A ferry to Kunashr.");
    const tp_finding *x = find_rule(f, "misspelling");
    CHECK(x && x->column == 12 && x->end_column == 19);
    CHECK_STR(x ? x->suggestion : NULL, "Kunashir");
    tp_findings_free(f);
    /* Ordinary words and derivations are no misspellings. */
    f = check_as(TP_CHECK_TEXT, "The Russian and Japanese governments. Moscow's Kurilian "
                                "policy. Because Sakhaliners travel. Hokkaidoan food. Between "
                                "islands, Started, Looking, Nothing, Together, Important.");
    CHECK(f && count_rule(f, "misspelling") == 0);
    tp_findings_free(f);
}

static void test_romanisation(void)
{
    tp_findings *f = check_as(TP_CHECK_TEXT, "Hokkaido and Tokyo. Later Hokkaidō.");
    const tp_finding *x = find_rule(f, "romanisation-mix");
    CHECK(x && x->column == 27);
    CHECK_STR(x ? x->suggestion : NULL, "Hokkaido");
    tp_findings_free(f);
    /* Kunrei-shiki spellings of known names are a scheme, not a typo; ordinary words with
     * Kunrei-like syllables are nothing. */
    f = check_as(TP_CHECK_TEXT, "We sailed to Kunasiri. The Situation in Tisima Studios.");
    x = find_rule(f, "romanisation-mix");
    CHECK(x && x->column == 14 && x->end_column == 22);
    CHECK_STR(x ? x->suggestion : NULL, "Kunashiri");
    CHECK_STR(x ? x->concept : NULL, "kunashir");
    CHECK(f && f->count == 1 && count_rule(f, "misspelling") == 0);
    tp_findings_free(f);
    f = check_as(TP_CHECK_TEXT, "Yuzhno-Sakhalinsk and Khabarovsk. Then Ûžno-Kurilʹsk.");
    x = find_rule(f, "romanisation-mix");
    CHECK(x && x->column == 40);
    CHECK_STR(x ? x->suggestion : NULL, "Yuzhno-Kurilsk");
    CHECK_STR(x ? x->concept : NULL, "yuzhno-kurilsk");
    tp_findings_free(f);
}

static void test_readers(void)
{
    /* Markdown: code, URLs and link targets are skipped; columns are those of the source. */
    tp_findings *f = check_as(TP_CHECK_MARKDOWN,
                              "`East Sea` and [East Sea](http://x/East_Sea) http://East-Sea.example\n"
                              "```\nEast Sea\n```\n    \n**Kurile Islands**\n");
    CHECK(f && count_rule(f, "deprecated-term") == 1);
    const tp_finding *x = find_rule(f, "deprecated-term");
    CHECK(x && x->line == 1 && x->column == 17);
    x = find_rule(f, "superseded-term");
    CHECK(x && x->line == 6 && x->column == 3);
    tp_findings_free(f);
    /* HTML: markup skipped, entities decoded, the declared language kept. */
    f = check_as(TP_CHECK_HTML, "<html lang=\"en\"><p title=\"East Sea\">The <b>East</b> Sea and "
                                "La P&eacute;rouse Strait and Karafuto</p>\n<script>East Sea"
                                "</script><code>Karafuto</code></html>");
    CHECK(f && count_rule(f, "deprecated-term") == 1);
    x = find_rule(f, "deprecated-term");
    CHECK(x && x->line == 1 && x->column == 44 && x->end_column == 56);
    x = find_rule(f, "superseded-term");
    CHECK(x && x->column == 90 && x->end_column == 98);
    CHECK(f && count_rule(f, "superseded-term") == 1);
    CHECK_STR(f ? f->lang : NULL, "en");
    CHECK(f && f->names == 3);
    tp_findings_free(f);
    /* A code span over lines is code; backticks that never close in their paragraph are text,
     * and what follows them is checked where it stands. */
    f = check_as(TP_CHECK_MARKDOWN, "A span `East\nSea` is code. The Kurile\nIslands.\n\n"
                                    "An open ` tick and the East\nSea here.\n\nLast `East Sea");
    CHECK(f && count_rule(f, "deprecated-term") == 2 && count_rule(f, "superseded-term") == 1);
    x = find_rule(f, "superseded-term");
    CHECK(x && x->line == 2 && x->column == 19 && x->end_line == 3);
    x = find_rule(f, "deprecated-term");
    CHECK(x && x->line == 5 && x->column == 24);
    CHECK(f && f->items[f->count - 1].line == 8 && f->items[f->count - 1].column == 7);
    tp_findings_free(f);
    /* A code span ends with its block: an open backtick in a heading or a list item, or in a
     * paragraph that a heading or a list item follows, hides nothing after it. */
    f = check_as(TP_CHECK_MARKDOWN, "# A `heading\nThe East Sea\nand `the Kurile Islands\n"
                                    "- a list item `with\n- the East Sea` here\n"
                                    "1. one `open\n2. Karafuto`\n"
                                    "Text `open\n## Karafuto` heading\n"
                                    "Text `open\n> the Kurile Islands`\n"
                                    "Text `open\n***\nKarafuto`\n");
    static const unsigned long want[][2] = {{2, 5}, {3, 10}, {5, 7}, {7, 4}, {9, 4}, {11, 7},
                                            {14, 1}};
    CHECK(f && f->count == 7);
    for (size_t i = 0; f && i < f->count && i < 7; i++)
        CHECK(f->items[i].line == want[i][0] && f->items[i].column == want[i][1]);
    tp_findings_free(f);
    /* Inside one list item's paragraph a span still runs over its lines. */
    f = check_as(TP_CHECK_MARKDOWN, "- item `East\n  Sea` code\n- Karafuto\n");
    CHECK(f && f->count == 1 && count_rule(f, "superseded-term") == 1);
    tp_findings_free(f);
    /* Inline suppression. */
    f = check_as(TP_CHECK_MARKDOWN, "East Sea\n<!-- toponym: disable deprecated-term -->\nEast "
                                    "Sea\n<!-- toponym: enable deprecated-term -->\nEast Sea\n");
    CHECK(f && count_rule(f, "deprecated-term") == 2);
    tp_findings_free(f);
}

/* XLIFF and TMX: only segments are read, source and target go by language, and a target's
 * name is compared with the source's (the key-term check). */
static void test_bilingual(void)
{
    /* TMX with srclang="*all*": the first variant is the source. A status finding in a target
     * whose source has no name of the place stays a status finding. */
    tp_findings *f = check_as(TP_CHECK_XML,
                              "<tmx version=\"1.4\"><header srclang=\"*all*\"/><body>\n"
                              "<tu><tuv xml:lang=\"ru\"><seg>Сахалин</seg></tuv>"
                              "<tuv xml:lang=\"ja\"><seg>樺太</seg></tuv></tu>\n"
                              "<tu><tuv xml:lang=\"en\"><seg>A ferry.</seg></tuv>"
                              "<tuv xml:lang=\"ja\"><seg>豊原</seg></tuv></tu>\n"
                              "<tu><tuv xml:lang=\"en\"><seg>Iturup</seg></tuv>"
                              "<tuv xml:lang=\"fr\"><seg>une île</seg></tuv></tu></body></tmx>\n");
    const tp_finding *x = find_rule(f, "key-term-deprecated");
    CHECK(x && x->line == 2 && x->column == 72);
    CHECK_STR(x ? x->suggestion : NULL, "サハリン");
    x = find_rule(f, "superseded-term");
    CHECK(x && x->line == 3);                                 /* 豊原 translates no name */
    CHECK(count_rule(f, "key-term-missing") == 0);            /* no French terms to want */
    CHECK_STR(f ? f->lang : NULL, "ru");
    tp_findings_free(f);
    /* XLIFF 1.2: text outside source and target, and inside native codes, is not read; a
     * house style can make key-term-missing an error. */
    f = check_as(TP_CHECK_XML,
                 "<xliff version=\"1.2\"><file source-language=\"en\" target-language=\"ru\">"
                 "<body><trans-unit id=\"1\"><source>Kunashir <ph>East Sea</ph></source>"
                 "<target>Остров</target><note>East Sea</note></trans-unit></body></file>"
                 "</xliff>\n");
    CHECK(f && f->count == 1);
    x = find_rule(f, "key-term-missing");
    CHECK(x && x->column == 103 && x->end_column == 111);
    CHECK_STR(x ? x->suggestion : NULL, "Кунашир");
    CHECK(x && x->severity == TP_SEVERITY_WARNING);
    tp_findings_free(f);
}

/* The rules (and names) found in an XLIFF document, "rule found" each, joined by ";". */
static void xliff_findings(const char *xliff, char *out, size_t cap)
{
    tp_findings *f = check_as(TP_CHECK_XML, xliff);
    size_t len = 0;
    out[0] = '\0';
    for (size_t i = 0; f && i < f->count && len < cap; i++)
        len += (size_t)snprintf(out + len, cap - len, "%s%s %s", i ? ";" : "", f->items[i].rule,
                                f->items[i].found);
    tp_findings_free(f);
}

static void test_xliff_protected(void)
{
    char got[1024];
    /* XLIFF 1.2: a trans-unit or a group with translate="no" is not checked; a unit inside a
     * group may turn it back on; a protected mrk's text is not read, in source or target. */
    xliff_findings("<xliff version=\"1.2\"><file source-language=\"en\" target-language=\"ja\">"
                   "<body>\n"
                   "<trans-unit id=\"1\" translate=\"no\"><source>East Sea</source>"
                   "<target>Sea of Japan</target></trans-unit>\n"
                   "<group translate=\"no\"><trans-unit id=\"2\"><source>Toyohara</source>"
                   "</trans-unit>\n"
                   "<trans-unit id=\"3\" translate=\"yes\"><source>Karafuto</source>"
                   "</trans-unit></group>\n"
                   "<trans-unit id=\"4\"><source>The <mrk mtype=\"protected\">East Sea</mrk> "
                   "ferry</source><target><mrk mtype=\"protected\">East Sea</mrk></target>"
                   "</trans-unit>\n"
                   "<trans-unit id=\"5\"><source>The East Sea</source><target>日本海</target>"
                   "</trans-unit></body></file></xliff>\n",
                   got, sizeof got);
    CHECK_STR(got, "superseded-term Karafuto;deprecated-term East Sea");
    /* XLIFF 2: translate="no" on a unit or group, <mrk translate="no">, the span between
     * <sm translate="no"/> and its <em/>, and <ignorable> are not checked; a protected span
     * splits a name ("Sea" alone is none). */
    xliff_findings("<xliff version=\"2.0\" srcLang=\"en\" trgLang=\"ru\"><file id=\"f\">\n"
                   "<unit id=\"1\" translate=\"no\"><segment><source>East Sea</source>"
                   "</segment></unit>\n"
                   "<group id=\"g\" translate=\"no\"><unit id=\"2\"><segment><source>"
                   "Toyohara</source></segment></unit></group>\n"
                   "<unit id=\"3\"><segment><source>The <mrk id=\"m\" translate=\"no\">East "
                   "Sea</mrk> and <sm id=\"s\" translate=\"no\"/>Karafuto<em startRef=\"s\"/>"
                   "</source></segment><ignorable><source>Toyohara</source></ignorable></unit>\n"
                   "<unit id=\"4\"><segment><source><mrk id=\"n\" translate=\"no\">East</mrk>"
                   " Sea and Karafuto</source></segment></unit></file></xliff>\n",
                   got, sizeof got);
    CHECK_STR(got, "superseded-term Karafuto");
}

/* Feeding a document in chunks of every size gives the same findings as feeding it whole. */
static void stream_same(tp_check_format fmt, const char *text, size_t min_findings)
{
    tp_findings *whole = check_as(fmt, text);
    for (size_t chunk = 1; chunk <= 7; chunk++) {
        tp_check_doc *d = NULL;
        tp_findings *f = NULL;
        CHECK(tp_check_begin(checker, "t", fmt, NULL, &d, NULL) == TP_OK);
        size_t n = strlen(text);
        for (size_t i = 0; i < n; i += chunk)
            CHECK(tp_check_feed(d, text + i, i + chunk > n ? n - i : chunk, NULL) == TP_OK);
        CHECK(tp_check_end(d, &f, NULL) == TP_OK);
        int same = f && whole && f->count == whole->count && f->names == whole->names;
        for (size_t k = 0; same && k < f->count; k++)
            same = f->items[k].line == whole->items[k].line &&
                   f->items[k].column == whole->items[k].column &&
                   !strcmp(f->items[k].rule, whole->items[k].rule);
        CHECK(same);
        tp_findings_free(f);
    }
    CHECK(whole && whole->count >= min_findings);
    tp_findings_free(whole);
}

static void test_streaming(void)
{
    stream_same(TP_CHECK_TEXT,
                "Курильские острова и Курильск.\n大千島列島と樺太。 The East Sea, Kunashr.\n"
                "Iturup; Etorofu.\n",
                4);
    stream_same(TP_CHECK_MARKDOWN,
                "A span `East\nSea` is code. The Kurile\nIslands.\n\nAn open ` tick and the "
                "East\nSea here.\n\nLast `East Sea",
                3);
    stream_same(TP_CHECK_XML,
                "<xliff version=\"2.0\" srcLang=\"ja\" trgLang=\"en\"><file><unit><segment>\n"
                "<source>樺太と択捉島</source><target>Karafuto and\nthe island</target></segment>"
                "</unit></file></xliff>",
                3);
    /* Invalid UTF-8 is located. */
    tp_error err;
    tp_findings *f = NULL;
    CHECK(tp_check_text(checker, "bad.txt", TP_CHECK_TEXT, NULL, "ok\nab\xff", 6, &f, &err) ==
          TP_ERR_INPUT);
    CHECK(err.line == 2 && err.column == 3);
    CHECK_STR(err.file, "bad.txt");
}

static void test_rules(const char *dir)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/house.toml", dir);
    FILE *fp = fopen(path, "w");
    fputs("[severity]\nsuperseded-term = \"error\"\n\n[romanisation]\njapanese-macrons = false\n\n"
          "[[rule]]\nid = \"no-town\"\nfind = \"Курильск\"\nmessage = \"not the town\"\n"
          "bad = [\"в Курильске\"]\ngood = [\"на Курильских островах\"]\n\n"
          "[[rule]]\nid = \"gloss-sk\"\nkind = \"gloss-first\"\nfind = [\"Southern Kurils\"]\n"
          "with = [\"Northern Territories\"]\nbad = [\"The Southern Kurils.\"]\n"
          "good = [\"The Southern Kurils (the Northern Territories).\"]\n", fp);
    fclose(fp);
    tp_error err;
    CHECK(tp_checker_load_rules(checker, path, &err) == TP_OK);
    tp_findings *f = check_as(TP_CHECK_TEXT, "Курильска нет. Karafuto. Hokkaidō.");
    CHECK(count_rule(f, "no-town") == 1);
    const tp_finding *x = find_rule(f, "superseded-term");
    CHECK(x && x->severity == TP_SEVERITY_ERROR);
    CHECK(count_rule(f, "romanisation-mix") == 1);
    tp_findings_free(f);
    /* A rule that fails its own example is refused, with its line, and the old style stays. */
    fp = fopen(path, "w");
    fputs("# a broken rule\n[[rule]]\nid = \"x\"\nfind = \"Kuril Islands\"\nbad = [\"Kurils\"]\n",
          fp);
    fclose(fp);
    CHECK(tp_checker_load_rules(checker, path, &err) == TP_ERR_INPUT);
    CHECK(err.line == 2);
    f = check_as(TP_CHECK_TEXT, "в Курильске");
    CHECK(count_rule(f, "no-town") == 1);
    tp_findings_free(f);
    /* The house's own preferred term becomes the suggestion, and its side the one kept to. */
    fp = fopen(path, "w");
    fputs("# house\n[preferred]\nterms = [\"Northern Territories\"]\n", fp);
    fclose(fp);
    CHECK(tp_checker_load_rules(checker, path, &err) == TP_OK);
    f = check_as(TP_CHECK_TEXT, "The Southern Kurils lie east of Hokkaido. The Northern "
                                "Territories are near. The Northern Territories again.");
    CHECK(f && f->count == 1);
    x = find_rule(f, "unpaired-usage");
    CHECK(x && x->column == 5);
    CHECK_STR(x ? x->suggestion : NULL, "Northern Territories");
    tp_findings_free(f);
    f = check_as(TP_CHECK_TEXT, "The East Sea.");
    x = find_rule(f, "deprecated-term");
    CHECK_STR(x ? x->suggestion : NULL, "Sea of Japan");   /* other places as the glossary says */
    tp_findings_free(f);
    fp = fopen(path, "w");
    fputs("\n[preferred]\nterms = [\"East Sea\"]\n", fp);
    fclose(fp);
    CHECK(tp_checker_load_rules(checker, path, &err) == TP_ERR_INPUT && err.line == 3);
    fp = fopen(path, "w");
    fputs("[rule]\nid = 1\n", fp);
    fclose(fp);
    CHECK(tp_checker_load_rules(checker, path, &err) == TP_ERR_INPUT && err.line == 1);
    unlink(path);
}

/* The drafts in docs/examples through the library: the same findings, line for line, as the
 * CLI's expected GNU output (cmark's spec tests run against both the library and the CLI). */
static void test_examples(void)
{
    static const char *const files[] = {"kurils-en.md",      "kurils-ru.md",
                                        "kurils-ja.html",    "kurils-en-ja.xlf",
                                        "kurils-en-ru.xlf",  "kurils-ja.tmx"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char path[4096], line[4096];
        snprintf(path, sizeof path, TP_SOURCE_DIR "/docs/examples/%s", files[i]);
        FILE *in = fopen(path, "rb");
        CHECK(in != NULL);
        if (!in)
            continue;
        static char text[65536];
        size_t n = fread(text, 1, sizeof text, in);
        fclose(in);
        tp_findings *f = NULL;
        tp_error err;
        CHECK(tp_check_text(checker, files[i], TP_CHECK_AUTO, NULL, text, n, &f, &err) == TP_OK);
        snprintf(path, sizeof path, TP_SOURCE_DIR "/docs/examples/expected/%s.gnu", files[i]);
        FILE *want = fopen(path, "r");
        CHECK(want != NULL);
        size_t k = 0;
        while (want && f && fgets(line, sizeof line, want)) {
            char got[4096];
            if (k < f->count)
                snprintf(got, sizeof got, "%s:%lu:%lu: %s: %s [%s]\n", files[i],
                         f->items[k].line, f->items[k].column,
                         tp_severity_name(f->items[k].severity), f->items[k].message,
                         f->items[k].rule);
            else
                snprintf(got, sizeof got, "(nothing)\n");
            CHECK_STR(got, line);
            k++;
        }
        CHECK(f && k == f->count);
        if (want)
            fclose(want);
        tp_findings_free(f);
    }
}

int main(void)
{
    char dir[] = "/tmp/tp_check.XXXXXX";
    if (!mkdtemp(dir))
        return 1;
    char db[4096];
    snprintf(db, sizeof db, "%s/t.db", dir);
    tp_error err;
    const char *tbx[] = TP_TEST_GLOSSARIES;
    if (tp_norm_new(&norm, &err) || tp_store_open(db, 0, norm, &store, &err) ||
        tp_tbx_import(store, tbx, 5, NULL, &err) ||
        tp_checker_new(store, norm, &checker, &err)) {
        fprintf(stderr, "setup: %s\n", err.message);
        return 1;
    }
    test_words();
    test_case();
    test_status();
    test_russian();
    test_japanese();
    test_inconsistent();
    test_misspelling();
    test_romanisation();
    test_readers();
    test_bilingual();
    test_xliff_protected();
    test_streaming();
    test_examples();
    test_rules(dir);
    tp_checker_free(checker);
    tp_store_close(store);
    tp_norm_free(norm);
    unlink(db);
    char wal[4200];
    snprintf(wal, sizeof wal, "%s-wal", db);
    unlink(wal);
    snprintf(wal, sizeof wal, "%s-shm", db);
    unlink(wal);
    rmdir(dir);
    return TEST_DONE();
}
