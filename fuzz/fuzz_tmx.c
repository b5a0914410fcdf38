/* Fuzz target: the TMX reader (tp_tmx_read, lenient and strict) and the validator
 * (tp_tmx_validate, which parses a tree and applies the built-in DTD) on one input. */
#include "fuzz_common.h"

static tp_status on_unit(void *ctx, tp_tm_unit *u, tp_error *err)
{
    (void)err;
    /* Touch what the reader built, so that a bad pointer in it shows. */
    size_t *bytes = ctx;
    for (size_t i = 0; i < u->variant_count; i++)
        *bytes += strlen(u->variants[i].lang) + strlen(u->variants[i].text);
    return TP_OK;
}

static void on_problem(void *ctx, const tp_error *p, int skipped)
{
    (void)ctx;
    (void)skipped;
    if (!p->message[0])
        abort();
}

static void on_valid_problem(void *ctx, const tp_error *p)
{
    on_problem(ctx, p, 0);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file("in.tmx", data, size);
    size_t bytes = 0;
    tp_tmx_handler h = {NULL, on_unit, on_problem, NULL, &bytes};
    tp_error err;
    tp_error_clear(&err);
    fuzz_expect_message(tp_tmx_read(path, 0, &h, NULL, &err), &err);
    tp_error_clear(&err);
    fuzz_expect_message(tp_tmx_read(path, TP_TMX_STRICT, &h, NULL, &err), &err);
    long problems = 0;
    tp_error_clear(&err);
    fuzz_expect_message(tp_tmx_validate(path, on_valid_problem, NULL, &problems, &err), &err);
    return 0;
}
