/* Fuzz target: format detection and the OmegaT glossary readers, tab-separated and CSV (UTF-8,
 * UTF-16 by BOM, quoting across lines), lenient and strict. */
#include "fuzz_common.h"

static tp_status on_concept(void *ctx, tp_concept *c, unsigned long line, tp_error *err)
{
    (void)ctx;
    (void)line;
    (void)err;
    if (c->term_count != 2 || !c->terms[0].text[0] || !c->terms[1].text[0])
        abort(); /* a row becomes a concept only with both terms */
    return TP_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file("in.txt", data, size);
    tp_error err;
    tp_format format;
    tp_error_clear(&err);
    fuzz_expect_message(tp_format_detect(path, &format, &err), &err);
    tp_import_opts opts;
    memset(&opts, 0, sizeof opts);
    opts.source_lang = "en";
    opts.target_lang = "ru";
    for (int strict = 0; strict < 2; strict++) {
        opts.strict = strict;
        tp_error_clear(&err);
        fuzz_expect_message(tp_tsv_read(path, TP_FORMAT_TSV, &opts, on_concept, NULL, &err), &err);
        tp_error_clear(&err);
        fuzz_expect_message(tp_tsv_read(path, TP_FORMAT_CSV, &opts, on_concept, NULL, &err), &err);
    }
    return 0;
}
