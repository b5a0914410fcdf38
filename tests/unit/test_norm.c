/* The normaliser: folding, readings, keys that must meet and keys that must not, bad input. */
#include "tp_test.h"

#include <stdlib.h>
#include <string.h>
#include <toponym/toponym.h>

static tp_norm *norm;

static char *fold(const char *s)
{
    static char *last;
    free(last);
    last = NULL;
    tp_error err;
    if (tp_norm_fold(norm, s, strlen(s), &last, &err) != TP_OK)
        return NULL;
    return last;
}

/* Nonzero when a and b share a key of a romanisation family (ja or ja-reading, or ru). */
static int meet(const char *a, const char *lang_a, const char *b, const char *lang_b)
{
    tp_keyset *x = NULL, *y = NULL;
    tp_error err;
    int found = 0;
    if (tp_norm_keys(norm, a, strlen(a), lang_a, NULL, &x, &err) ||
        tp_norm_keys(norm, b, strlen(b), lang_b, NULL, &y, &err))
        goto done;
    for (size_t i = 0; i < x->count; i++)
        for (size_t j = 0; j < y->count; j++) {
            tp_key_kind ka = x->keys[i].kind, kb = y->keys[j].kind;
            int ja_a = ka == TP_KEY_JA || ka == TP_KEY_JA_READING;
            int ja_b = kb == TP_KEY_JA || kb == TP_KEY_JA_READING;
            int family = (ja_a && ja_b) || (ka == kb && ka != TP_KEY_PART);
            if (family && strcmp(x->keys[i].text, y->keys[j].text) == 0)
                found = 1;
        }
done:
    tp_keyset_free(x);
    tp_keyset_free(y);
    return found;
}

static void test_fold(void)
{
    CHECK_STR(fold("ＥＴＯＲＯＦＵ"), "etorofu");
    CHECK_STR(fold("ｴﾄﾛﾌ"), "エトロフ");
    CHECK_STR(fold("えとろふ"), "エトロフ");
    CHECK_STR(fold("がっこう"), "ガッコウ");
    CHECK_STR(fold("Ōdomari"), "odomari");
    CHECK_STR(fold("Hokkaidō"), "hokkaido");
    CHECK_STR(fold("La Pérouse"), "la perouse");
    CHECK_STR(fold("Ёлкино"), "елкино");
    CHECK_STR(fold("Южно-Курильский"), "южно курильский");
    CHECK_STR(fold("Kuril’skiye"), "kuril'skiye");
    CHECK_STR(fold("Kurilʹskie"), "kuril'skie");
    CHECK_STR(fold("Yuzhno–Kurilsk"), "yuzhno kurilsk");
    CHECK_STR(fold("  Yuzhno \t  Kurilsk  "), "yuzhno kurilsk");
    CHECK_STR(fold("ハボマイ・グントウ"), "ハボマイ グントウ");
    CHECK_STR(fold("Etorofu-tō"), "etorofu to");
    CHECK_STR(fold("択捉島"), "択捉島");
}

/* Appends code point c to s as UTF-8. */
static size_t put_utf8(char *s, size_t n, uint32_t c)
{
    if (c < 0x80) {
        s[n++] = (char)c;
    } else if (c < 0x800) {
        s[n++] = (char)(0xC0 | c >> 6);
        s[n++] = (char)(0x80 | (c & 0x3F));
    } else {
        s[n++] = (char)(0xE0 | c >> 12);
        s[n++] = (char)(0x80 | (c >> 6 & 0x3F));
        s[n++] = (char)(0x80 | (c & 0x3F));
    }
    return n;
}

/* The common characters are folded without ICU: for each, alone, doubled and before a space,
 * the fold must be what ICU's path gives. An "é" at the end sends the text through ICU (and
 * folds to "e"), so that fold(s + "é") must be fold(s) + "e". */
static void test_fold_simple(void)
{
    static const uint32_t ranges[][2] = {
        {0x20, 0x7E}, {0xA0, 0xA0}, {0xAB, 0xAB}, {0xBB, 0xBB}, {0x401, 0x401}, {0x410, 0x451},
        {0x2010, 0x2015}, {0x2018, 0x2019}, {0x201C, 0x201D}, {0x3000, 0x3011},
        {0x3041, 0x3096}, {0x309D, 0x309E}, {0x30A1, 0x30FE}, {0x3400, 0x4DBF},
        {0x4E00, 0x9FFF}, {0xFF01, 0xFF5E}};
    int bad = 0;
    for (size_t r = 0; r < sizeof ranges / sizeof ranges[0]; r++)
        for (uint32_t c = ranges[r][0]; c <= ranges[r][1]; c++)
            for (int form = 0; form < 3; form++) {
                char s[32], with[40];
                size_t n = 0;
                s[n++] = 'x';
                n = put_utf8(s, n, c);
                if (form == 1)
                    n = put_utf8(s, n, c);
                if (form == 2)
                    s[n++] = ' ';
                s[n++] = 'y';
                s[n] = '\0';
                snprintf(with, sizeof with, "%s\xC3\xA9", s);
                char *plain = fold(s) ? strdup(fold(s)) : NULL;
                const char *icu = fold(with);
                size_t pl = plain ? strlen(plain) : 0;
                if (!plain || !icu || strlen(icu) != pl + 1 || strncmp(icu, plain, pl) != 0 ||
                    icu[pl] != 'e') {
                    if (bad++ < 5)
                        fprintf(stderr, "U+%04X form %d: \"%s\" but \"%s\" through ICU\n",
                                (unsigned)c, form, plain ? plain : "(null)", icu ? icu : "(null)");
                }
                free(plain);
            }
    CHECK(bad == 0);
}

static void test_bad_input(void)
{
    char *out = NULL;
    tp_error err;
    CHECK(tp_norm_fold(norm, "\xff\xfe", 2, &out, &err) == TP_ERR_INPUT);
    CHECK(strstr(err.message, "UTF-8") != NULL);
    CHECK(tp_norm_fold(norm, "", 0, &out, &err) == TP_ERR_ARG);
    CHECK(tp_norm_fold(norm, "a\0b", 3, &out, &err) == TP_ERR_INPUT);
    size_t big = 1024 * 1024;
    char *huge = malloc(big);
    memset(huge, 'a', big);
    tp_keyset *keys = NULL;
    CHECK(tp_norm_keys(norm, huge, big, NULL, NULL, &keys, &err) == TP_ERR_INPUT);
    CHECK(keys == NULL);
    free(huge);
}

static void test_reading(void)
{
    if (!tp_norm_has_readings(norm)) {
        printf("skip: MeCab dictionary not available\n");
        return;
    }
    char *r = NULL;
    tp_error err;
    CHECK(tp_norm_reading(norm, "択捉", strlen("択捉"), &r, &err) == TP_OK);
    CHECK_STR(r, "エトロフ");
    free(r);
    CHECK(meet("択捉", "ja", "Etorofu", "en"));
    CHECK(meet("北海道", NULL, "Hokkaidō", NULL));
}

static void test_keys(void)
{
    /* Japanese romanisations, kana and widths meet. */
    CHECK(meet("Etorofu", NULL, "Etorohu", NULL));
    CHECK(meet("ETOROFU", NULL, "えとろふ", "ja"));
    CHECK(meet("ｴﾄﾛﾌ", NULL, "エトロフ", NULL));
    CHECK(meet("Hokkaidou", NULL, "Hokkaidoh", NULL));
    CHECK(meet("Kunasiri", NULL, "Kunashiri", "ja-Latn"));
    CHECK(meet("択捉島", "ja", "えとろふとう", NULL) || !tp_norm_has_readings(norm));
    /* Russian romanisations and Cyrillic meet. */
    CHECK(meet("Итуруп", "ru", "Iturup", NULL));
    CHECK(meet("Kunašir", NULL, "Кунашир", "ru"));
    CHECK(meet("Ûžno-Kurilʹsk", NULL, "Южно-Курильск", "ru"));
    CHECK(meet("Juzhno-Kurilsk", NULL, "Yuzhno-Kurilsk", "en"));
    CHECK(meet("Kuril'skiye ostrova", NULL, "Курильские острова", "ru"));
    CHECK(meet("Khabomai", NULL, "Хабомаи", "ru"));
    /* Languages keep to their families, and pinyin is not Japanese. */
    CHECK(!meet("Kunasiri", NULL, "Кунашир", "ru"));
    CHECK(!meet("zé zhuō dǎo", NULL, "択捉島", "ja"));
    CHECK(!meet("Курильск", NULL, "Курильские острова", "ru"));
    CHECK(!meet("Shikotan", NULL, "Kunashiri", NULL));
}

static void test_distance(void)
{
    CHECK(tp_norm_distance("kunashir", "kunashr", 2) == 1);
    CHECK(tp_norm_distance("kunashir", "kunahsir", 2) == 1);
    CHECK(tp_norm_distance("kunashir", "shikotan", 2) == 3);
    CHECK(tp_norm_distance("итуруп", "итурп", 2) == 1);
    uint64_t *a = NULL, *b = NULL;
    size_t na = 0, nb = 0;
    tp_error err;
    CHECK(tp_norm_fuzzy_hashes("kunashir", &a, &na, &err) == TP_OK);
    CHECK(tp_norm_fuzzy_hashes("kunashr", &b, &nb, &err) == TP_OK);
    int shared = 0;
    for (size_t i = 0; i < na; i++)
        for (size_t j = 0; j < nb; j++)
            shared |= a[i] == b[j];
    CHECK(shared);
    free(a);
    free(b);
    CHECK(tp_norm_fuzzy_hashes("abc", &a, &na, &err) == TP_OK && na == 0);
}

int main(void)
{
    tp_error err;
    if (tp_norm_new(&norm, &err) != TP_OK) {
        fprintf(stderr, "tp_norm_new: %s\n", err.message);
        return 1;
    }
    test_fold();
    test_fold_simple();
    test_bad_input();
    test_reading();
    test_keys();
    test_distance();
    tp_norm_free(norm);
    return TEST_DONE();
}
