/* Fuzz target: the house style file parser (tp_checker_load_rules) on a checker built from a
 * store of the shipped Kuril glossary; each input gets a fresh checker, so that one input's
 * rules never meet the next's. */
#include "fuzz_common.h"

#ifndef TP_SOURCE_DIR
#error "TP_SOURCE_DIR must name the source tree (for the shipped glossaries)"
#endif

static tp_norm *norm;
static tp_store *store;

static void teardown(void)
{
    tp_store_close(store);
    tp_norm_free(norm);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    tp_error err;
    char db[700], tbx[700];
    snprintf(db, sizeof db, "%s/rules.db", fuzz_scratch());
    snprintf(tbx, sizeof tbx, "%s/glossaries/kurils.tbx", TP_SOURCE_DIR);
    const char *p = tbx;
    if (tp_norm_new(&norm, &err) || tp_store_open(db, 0, norm, &store, &err) ||
        tp_tbx_import(store, &p, 1, NULL, &err)) {
        fprintf(stderr, "fuzz: setup: %s\n", err.message);
        abort();
    }
    atexit(teardown);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file("house.toml", data, size);
    tp_checker *checker = NULL;
    tp_error err;
    if (tp_checker_new(store, norm, &checker, &err)) {
        fprintf(stderr, "fuzz: %s\n", err.message);
        abort();
    }
    tp_error_clear(&err);
    tp_status st = tp_checker_load_rules(checker, path, &err);
    fuzz_expect_message(st, &err);
    if (!st) {
        /* The loaded rules run on a line that names a Kuril island. */
        static const char line[] = "Iturup and Etorofu, Kunashir; Shikotan island.\n";
        tp_findings *f = NULL;
        tp_error_clear(&err);
        fuzz_expect_message(tp_check_text(checker, "fuzz", TP_CHECK_TEXT, "en", line,
                                          sizeof line - 1, &f, &err), &err);
        tp_findings_free(f);
    }
    tp_checker_free(checker);
    return 0;
}
