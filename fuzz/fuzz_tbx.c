/* Fuzz target: the TBX reader (v3 DCA and DCT, v2 martif), each concept checked for the
 * invariants the store relies on (every term has a language and a text). */
#include "fuzz_common.h"

static tp_status on_concept(void *ctx, tp_concept *c, unsigned long line, tp_error *err)
{
    (void)ctx;
    (void)line;
    (void)err;
    for (size_t i = 0; i < c->term_count; i++)
        if (!c->terms[i].lang || !c->terms[i].text)
            abort();
    return TP_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file("in.tbx", data, size);
    tp_error err;
    tp_error_clear(&err);
    fuzz_expect_message(tp_tbx_read(path, on_concept, NULL, &err), &err);
    return 0;
}
