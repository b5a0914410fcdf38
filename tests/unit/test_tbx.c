/* The TBX reader: our glossaries, TBX v3 and v2 files written by other tools, and bad input
 * (malformed XML, a file that is not TBX, unknown statuses, external DTDs and entities). */
#include "tp_test.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <toponym/toponym.h>

typedef struct tally {
    int concepts, terms, preferred;
    char first_term[128];
    char first_id[64];
} tally;

static tp_status count(void *ctx, tp_concept *c, unsigned long line, tp_error *err)
{
    (void)line;
    (void)err;
    tally *t = ctx;
    if (t->concepts == 0) {
        snprintf(t->first_term, sizeof t->first_term, "%s", c->terms[0].text);
        snprintf(t->first_id, sizeof t->first_id, "%s", c->ext_id ? c->ext_id : "");
    }
    t->concepts++;
    t->terms += (int)c->term_count;
    for (size_t i = 0; i < c->term_count; i++)
        t->preferred += c->terms[i].status == TP_TERM_PREFERRED;
    return TP_OK;
}

static char tmpdir[] = "/tmp/tp_tbx_XXXXXX";

static const char *write_file(const char *name, const char *text)
{
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
    return path;
}

static int exists(const char *p)
{
    struct stat sb;
    return stat(p, &sb) == 0;
}

static void test_glossary(void)
{
    tally t = {0};
    tp_error err;
    CHECK(tp_tbx_read(TP_SOURCE_DIR "/glossaries/kurils.tbx", count, &t, &err) == TP_OK);
    CHECK(t.concepts >= 20);
    CHECK(t.preferred >= 3 * t.concepts);
}

static void test_other_tools(void)
{
    if (!exists(TP_SHARED_DATA "/tbx")) {
        printf("skip: %s absent\n", TP_SHARED_DATA);
        return;
    }
    tally t = {0};
    tp_error err;
    CHECK(tp_tbx_read(TP_SHARED_DATA "/tbx/TBX-Basic_Example_Astronomy_DCA_VALID.tbx", count, &t,
                      &err) == TP_OK);
    CHECK(t.concepts >= 1);
    CHECK_STR(t.first_term, "open cluster");
    /* TBX v2 with <!DOCTYPE martif SYSTEM "TBXcoreStructV02.dtd">: the DTD is simply ignored. */
    const char *v2[] = {"okapi_maryland_tbx2.tbx", "okapi_medtronic_tbx2.tbx",
                        "okapi_oracle_tbx2.tbx", "omegat_sampleTBXfile.tbx"};
    for (size_t i = 0; i < sizeof v2 / sizeof v2[0]; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/tbx/%s", TP_SHARED_DATA, v2[i]);
        memset(&t, 0, sizeof t);
        tp_status st = tp_tbx_read(path, count, &t, &err);
        CHECK(st == TP_OK);
        if (st)
            fprintf(stderr, "%s: %s:%lu:%lu: %s\n", v2[i], err.file, err.line, err.column,
                    err.message);
        CHECK(t.concepts >= 1 && t.terms >= 2);
    }
}

static void test_bad_input(void)
{
    tally t = {0};
    tp_error err;
    const char *p = write_file("broken.tbx",
                               "<?xml version=\"1.0\"?>\n<tbx><text><body>\n"
                               "<conceptEntry id=\"a\"><langSec xml:lang=\"en\"><termSec>"
                               "<term>A</term></termSec></langSec>\n</body></text></tbx>\n");
    CHECK(tp_tbx_read(p, count, &t, &err) == TP_ERR_INPUT);
    CHECK(err.line == 4 && err.column > 0);
    CHECK(strstr(err.file, "broken.tbx") != NULL);

    p = write_file("html.tbx", "<html><body><p>hello</p></body></html>\n");
    CHECK(tp_tbx_read(p, count, &t, &err) == TP_ERR_INPUT);
    CHECK(strstr(err.message, "not a TBX file") != NULL);

    p = write_file("status.tbx",
                   "<tbx><text><body><conceptEntry id=\"a\"><langSec xml:lang=\"en\"><termSec>"
                   "<term>A</term>\n<termNote type=\"administrativeStatus\">bogusTerm-admn-sts"
                   "</termNote></termSec></langSec></conceptEntry></body></text></tbx>\n");
    CHECK(tp_tbx_read(p, count, &t, &err) == TP_ERR_INPUT);
    CHECK(strstr(err.message, "bogusTerm") != NULL);
    CHECK(err.line == 2);

    p = write_file("nolang.tbx", "<tbx><text><body><conceptEntry id=\"a\"><langSec><termSec>"
                                 "<term>A</term></termSec></langSec></conceptEntry></body></text>"
                                 "</tbx>\n");
    CHECK(tp_tbx_read(p, count, &t, &err) == TP_ERR_INPUT);

    CHECK(tp_tbx_read("/nonexistent/x.tbx", count, &t, &err) == TP_ERR_IO);
}

static void test_hostile(void)
{
    tally t = {0};
    tp_error err;
    /* An external entity naming a local file must not be read into a term. */
    const char *p = write_file(
        "xxe.tbx", "<?xml version=\"1.0\"?>\n<!DOCTYPE tbx [<!ENTITY x SYSTEM \"/etc/hostname\">]>\n"
                   "<tbx><text><body><conceptEntry id=\"a\"><langSec xml:lang=\"en\"><termSec>"
                   "<term>A&x;</term></termSec></langSec></conceptEntry></body></text></tbx>\n");
    tp_status st = tp_tbx_read(p, count, &t, &err);
    CHECK(st != TP_OK || strcmp(t.first_term, "A") == 0);
    /* A DTD on an unreachable host is never fetched: the read ends at once. */
    p = write_file("dtd.tbx", "<?xml version=\"1.0\"?>\n"
                              "<!DOCTYPE martif SYSTEM \"http://192.0.2.1/TBXcoreStructV02.dtd\">\n"
                              "<martif type=\"TBX\"><text><body><termEntry id=\"a\"><langSet "
                              "xml:lang=\"en\"><tig><term>A</term></tig></langSet></termEntry>"
                              "</body></text></martif>\n");
    memset(&t, 0, sizeof t);
    time_t start = time(NULL);
    CHECK(tp_tbx_read(p, count, &t, &err) == TP_OK);
    CHECK(t.concepts == 1);
    CHECK(time(NULL) - start < 3);
    /* An entity expansion bomb ends with an error, quickly. */
    p = write_file("bomb.tbx",
                   "<?xml version=\"1.0\"?>\n<!DOCTYPE tbx [\n"
                   "<!ENTITY a \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\">\n"
                   "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n"
                   "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">\n"
                   "<!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">\n"
                   "<!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">\n"
                   "<!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\">\n"
                   "<!ENTITY g \"&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;\">\n"
                   "]>\n<tbx><text><body><conceptEntry id=\"a\"><langSec xml:lang=\"en\">"
                   "<termSec><term>&g;</term></termSec></langSec></conceptEntry></body></text>"
                   "</tbx>\n");
    start = time(NULL);
    memset(&t, 0, sizeof t);
    st = tp_tbx_read(p, count, &t, &err);
    CHECK(time(NULL) - start < 5);
    CHECK(st != TP_OK || strlen(t.first_term) < 1000);
}

int main(void)
{
    if (!mkdtemp(tmpdir))
        return 1;
    test_glossary();
    test_other_tools();
    test_bad_input();
    test_hostile();
    const char *names[] = {"broken.tbx", "html.tbx", "status.tbx", "nolang.tbx", "xxe.tbx",
                           "dtd.tbx", "bomb.tbx"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char p[300];
        snprintf(p, sizeof p, "%s/%s", tmpdir, names[i]);
        unlink(p);
    }
    rmdir(tmpdir);
    return TEST_DONE();
}
