/* Fuzz target: the ENAMDICT reader (EUC-JP or UTF-8 lines "kanji [kana] /(p) Romaji/"), every
 * entry kind taken, lenient and strict. */
#include "fuzz_common.h"

static tp_status on_concept(void *ctx, tp_concept *c, unsigned long line, tp_error *err)
{
    (void)ctx;
    (void)line;
    (void)err;
    for (size_t i = 0; i < c->term_count; i++)
        if (!c->terms[i].text[0] && strcmp(c->terms[i].lang, "ja") != 0)
            abort(); /* an empty romaji is never a term */
    return TP_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file("enamdict", data, size);
    tp_import_opts opts;
    memset(&opts, 0, sizeof opts);
    opts.kinds = "p,st,u";
    for (int strict = 0; strict < 2; strict++) {
        tp_error err;
        tp_error_clear(&err);
        opts.strict = strict;
        fuzz_expect_message(tp_enamdict_read(path, &opts, on_concept, NULL, &err), &err);
    }
    return 0;
}
