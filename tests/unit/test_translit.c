/* tp_translit(): BGN/PCGN agrees with ICU's own Russian-Latin/BGN transform (the standard's
 * reference implementation), but for the optional middle dot; Japanese schemes read kanji
 * through MeCab, never as Mandarin; bad input is refused. */
#include "tp_test.h"

#include <stdlib.h>
#include <string.h>
#include <toponym/toponym.h>
#include <unicode/ustring.h>
#include <unicode/utrans.h>

/* ICU's BGN transform of text, with the middle dots (optional in BGN/PCGN) removed. */
static char *icu_bgn(UTransliterator *t, const char *text)
{
    UErrorCode e = U_ZERO_ERROR;
    UChar buf[512];
    int32_t len = 0;
    u_strFromUTF8(buf, 512, &len, text, -1, &e);
    int32_t limit = len;
    utrans_transUChars(t, buf, &len, 512, 0, &limit, &e);
    int32_t o = 0;
    for (int32_t i = 0; i < len; i++)
        if (buf[i] != 0x00B7)
            buf[o++] = buf[i];
    static char out[1024];
    u_strToUTF8(out, sizeof out, NULL, buf, o, &e);
    return U_FAILURE(e) ? NULL : out;
}

int main(void)
{
    static const char *const names[] = {
        "Южно-Курильск", "Итуруп", "Кунашир", "Шикотан", "Петропавловск-Камчатский", "Щёлково",
        "Елизово", "Подъездной", "Объячево", "Большой Шантар", "Малокурильское", "Хабаровск",
        "Ёлкино", "Южный", "Курильские острова", "Майя", "Воробьёв", "Сахалинская область",
        "Охотское море", "Владивосток", "Северо-Курильск", "Крабозаводское", "Поронайск",
        "Эгвекинот", "Хабомаи", "Невельск", "Магадан", "Чукотка", "Якутск", "Биробиджан",
    };
    tp_norm *norm = NULL;
    tp_error err;
    if (tp_norm_new(&norm, &err) != TP_OK)
        return 1;
    UErrorCode e = U_ZERO_ERROR;
    UChar id[32];
    u_uastrcpy(id, "Russian-Latin/BGN");
    UTransliterator *icu = utrans_openU(id, -1, UTRANS_FORWARD, NULL, 0, NULL, &e);
    if (U_FAILURE(e)) {
        printf("skip: ICU has no Russian-Latin/BGN\n");
    } else {
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
            char *ours = NULL;
            CHECK(tp_translit(norm, TP_SCHEME_BGN_PCGN, names[i], strlen(names[i]), &ours, &err) ==
                  TP_OK);
            CHECK_STR(ours, icu_bgn(icu, names[i]));
            free(ours);
        }
        utrans_close(icu);
    }

    char *out = NULL;
    if (tp_norm_has_readings(norm)) {
        CHECK(tp_translit(norm, TP_SCHEME_HEPBURN, "択捉", strlen("択捉"), &out, &err) == TP_OK);
        CHECK_STR(out, "Etorofu");
        free(out);
        CHECK(tp_translit(norm, TP_SCHEME_KUNREI, "国後", strlen("国後"), &out, &err) == TP_OK);
        CHECK_STR(out, "Kunasiri");
        free(out);
    }
    CHECK(tp_translit(norm, TP_SCHEME_NONE, "x", 1, &out, &err) == TP_ERR_ARG);
    CHECK(tp_translit(norm, TP_SCHEME_ISO9, "\xd0", 1, &out, &err) == TP_ERR_INPUT);
    tp_scheme s;
    CHECK(tp_scheme_parse("BGN-PCGN", &s) == TP_OK && s == TP_SCHEME_BGN_PCGN);
    CHECK(tp_scheme_parse("klingon", &s) == TP_ERR_ARG);
    for (int k = 1; k < TP_SCHEME_COUNT; k++)
        CHECK(tp_scheme_parse(tp_scheme_name((tp_scheme)k), &s) == TP_OK && s == (tp_scheme)k);
    tp_norm_free(norm);
    return TEST_DONE();
}
