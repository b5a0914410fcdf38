/* Fuzz target: the normaliser and the transliterator. The first byte picks the language of the
 * term and the romanisation scheme; the rest is the text, with an optional kana reading after a
 * tab. Keys, folding, typo hashes, readings and every scheme's transliteration are computed. */
#include "fuzz_common.h"

static tp_norm *norm;

static void free_norm(void)
{
    tp_norm_free(norm);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    tp_error err;
    if (tp_norm_new(&norm, &err) != TP_OK) {
        fprintf(stderr, "fuzz: %s\n", err.message);
        abort();
    }
    atexit(free_norm);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const langs[] = {NULL, "en", "ja", "ru", "ja-Latn", "ru-Latn", "ja-Hrkt",
                                        "x"};
    if (size < 1)
        return 0;
    unsigned pick = data[0];
    const char *text = (const char *)data + 1;
    size_t len = size - 1;
    /* A reading after a tab; both parts keep explicit lengths (no NUL at the end). */
    const char *tab = memchr(text, '\t', len);
    char *reading = NULL;
    if (tab) {
        size_t rlen = len - (size_t)(tab - text) - 1;
        reading = malloc(rlen + 1);
        if (!reading)
            return 0;
        memcpy(reading, tab + 1, rlen);
        reading[rlen] = '\0';
        len = (size_t)(tab - text);
    }
    tp_error err;
    tp_keyset *keys = NULL;
    tp_error_clear(&err);
    tp_status st = tp_norm_keys(norm, text, len, langs[pick & 7], reading, &keys, &err);
    fuzz_expect_message(st, &err);
    for (size_t i = 0; !st && i < keys->count; i++) {
        uint64_t *h = NULL;
        size_t n = 0;
        tp_error_clear(&err);
        fuzz_expect_message(tp_norm_fuzzy_hashes(keys->keys[i].text, &h, &n, &err), &err);
        free(h);
        if (i > 0)
            tp_norm_distance(keys->keys[0].text, keys->keys[i].text, 3);
    }
    tp_keyset_free(keys);
    char *out = NULL;
    tp_error_clear(&err);
    st = tp_norm_fold(norm, text, len, &out, &err);
    fuzz_expect_message(st, &err);
    free(out);
    out = NULL;
    tp_scheme scheme = (tp_scheme)(1 + (pick >> 3) % (TP_SCHEME_COUNT - 1));
    tp_error_clear(&err);
    st = tp_translit(norm, scheme, text, len, &out, &err);
    fuzz_expect_message(st, &err);
    free(out);
    out = NULL;
    if (pick & 0x80) {
        tp_error_clear(&err);
        st = tp_norm_reading(norm, text, len, &out, &err);
        if (st != TP_ERR_DEPENDENCY)
            fuzz_expect_message(st, &err);
        free(out);
    }
    free(reading);
    return 0;
}
