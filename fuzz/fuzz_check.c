/* Fuzz target: the checker's readers (text, Markdown, HTML, XML, and XLIFF and TMX as bilingual
 * documents with the key-term check) and its matcher, over a store seeded with the shipped
 * glossaries. The first byte picks the format, the language and how the document is cut into
 * chunks (chunks split lines and characters anywhere). */
#include "fuzz_common.h"

#include <dirent.h>

#ifndef TP_SOURCE_DIR
#error "TP_SOURCE_DIR must name the source tree (for the shipped glossaries)"
#endif

static tp_norm *norm;
static tp_store *store;
static tp_checker *checker;

static void teardown(void)
{
    tp_checker_free(checker);
    tp_store_close(store);
    tp_norm_free(norm);
}

/* A store holding the shipped glossaries, in the scratch directory. */
static void setup(void)
{
    tp_error err;
    char db[700];
    snprintf(db, sizeof db, "%s/check.db", fuzz_scratch());
    static const char *const names[] = {"far-east.tbx", "general.tbx", "hokkaido.tbx",
                                        "kurils.tbx", "sakhalin.tbx"};
    char paths[5][700];
    const char *p[5];
    for (size_t i = 0; i < 5; i++) {
        snprintf(paths[i], sizeof paths[i], "%s/glossaries/%s", TP_SOURCE_DIR, names[i]);
        p[i] = paths[i];
    }
    if (tp_norm_new(&norm, &err) || tp_store_open(db, 0, norm, &store, &err) ||
        tp_tbx_import(store, p, 5, NULL, &err) || tp_checker_new(store, norm, &checker, &err)) {
        fprintf(stderr, "fuzz: setup: %s\n", err.message);
        abort();
    }
    atexit(teardown);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    setup();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const tp_check_format formats[] = {TP_CHECK_TEXT, TP_CHECK_MARKDOWN, TP_CHECK_HTML,
                                              TP_CHECK_XML};
    static const char *const langs[] = {NULL, "en", "ru", "ja"};
    static const size_t chunks[] = {0, 1, 2, 3, 7, 64, 4096, 0};
    if (size < 1)
        return 0;
    unsigned pick = data[0];
    const char *text = (const char *)data + 1;
    size_t len = size - 1;
    tp_check_doc *doc = NULL;
    tp_error err;
    tp_error_clear(&err);
    tp_status st = tp_check_begin(checker, "fuzz", formats[pick & 3], langs[(pick >> 2) & 3],
                                  &doc, &err);
    fuzz_expect_message(st, &err);
    if (st)
        return 0;
    size_t chunk = chunks[(pick >> 4) & 7];
    if (!chunk)
        chunk = len ? len : 1;
    for (size_t at = 0; !st && at < len; at += chunk) {
        size_t n = len - at < chunk ? len - at : chunk;
        st = tp_check_feed(doc, text + at, n, &err);
    }
    fuzz_expect_message(st, &err);
    if (st) {
        tp_check_abort(doc);
        return 0;
    }
    tp_findings *f = NULL;
    tp_error_clear(&err);
    st = tp_check_end(doc, &f, &err);
    fuzz_expect_message(st, &err);
    for (size_t i = 0; f && i < f->count; i++) {
        const tp_finding *x = &f->items[i];
        /* Positions are 1-based and a finding never ends before it starts. */
        if (!x->line || !x->column || x->end_line < x->line ||
            (x->end_line == x->line && x->end_column < x->column) || !x->rule || !x->message)
            abort();
    }
    tp_findings_free(f);
    return 0;
}
