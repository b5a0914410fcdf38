/* tp_translit(): romanisation of Russian and Japanese text by a named scheme. The letter tables
 * live in roman_ru.c and roman_ja.c; kanji are first read by MeCab (never ICU's Han-Latin, which
 * reads them as Mandarin). */
#include "toponym/translit.h"
#include "error_int.h"
#include "norm_int.h"
#include "roman_int.h"
#include "utf8_int.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const scheme_names[TP_SCHEME_COUNT] = {
    "", "bgn-pcgn", "iso9", "gost-b", "icao", "ala-lc", "scientific",
    "hepburn", "hepburn-trad", "kunrei", "nihon", "passport",
};

const char *tp_scheme_name(tp_scheme scheme)
{
    if ((int)scheme >= 0 && (int)scheme < TP_SCHEME_COUNT)
        return scheme_names[scheme];
    return "";
}

tp_status tp_scheme_parse(const char *name, tp_scheme *out)
{
    for (int s = 1; s < TP_SCHEME_COUNT; s++) {
        if (strcasecmp(name, scheme_names[s]) == 0) {
            *out = (tp_scheme)s;
            return TP_OK;
        }
    }
    return TP_ERR_ARG;
}

int tp_scheme_is_japanese(tp_scheme scheme)
{
    return scheme >= TP_SCHEME_HEPBURN && scheme <= TP_SCHEME_PASSPORT;
}

static int has_han(const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        int32_t c = tp_utf8_next(s, n, &i);
        if (c < 0)
            return 0;
        if (tp_utf8_script((uint32_t)c) == TP_SCRIPT_HAN)
            return 1;
    }
    return 0;
}

/* Place names are proper nouns: a romanised word starts with a capital letter. */
static void capitalise_words(char *s)
{
    int at_start = 1;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (at_start && c >= 'a' && c <= 'z')
            *s = (char)(c - 'a' + 'A');
        at_start = c == ' ' || c == '-' || c == '\n' || c == '\t';
    }
}

tp_status tp_translit(tp_norm *norm, tp_scheme scheme, const char *text, size_t len, char **out,
                      tp_error *err)
{
    if (scheme <= TP_SCHEME_NONE || scheme >= TP_SCHEME_COUNT)
        return tp_error_set(err, TP_ERR_ARG, "unknown romanisation scheme");
    char *nfc = NULL;
    tp_status st = tp_norm_nfc(norm, text, len, &nfc, err);
    if (st)
        return st;
    tp_buf b = TP_BUF_INIT;
    if (tp_scheme_is_japanese(scheme)) {
        char *kana = NULL;
        if (has_han(nfc, strlen(nfc))) {
            st = tp_norm_reading(norm, nfc, strlen(nfc), &kana, err);
            if (st) {
                free(nfc);
                return st;
            }
        }
        const char *src = kana ? kana : nfc;
        st = tp_ja_romanize(src, strlen(src), scheme, &b);
        free(kana);
        if (!st && b.data)
            capitalise_words(b.data);
    } else {
        st = tp_ru_romanize(nfc, strlen(nfc), scheme, &b);
    }
    free(nfc);
    if (!st)
        st = tp_buf_take(&b, out);
    tp_buf_free(&b);
    return st ? tp_error_set(err, st, "cannot transliterate: %s", tp_strerror(st)) : TP_OK;
}
