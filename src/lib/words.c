/* Word segmentation with ICU's break iterator over UTF-8 text (UText, so offsets are bytes and
 * no UTF-16 copy is made). Japanese and Chinese runs are split by ICU's dictionary. */
#include "words_int.h"
#include "error_int.h"
#include "utf8_int.h"

#include <stdlib.h>
#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/utext.h>

struct tp_words {
    UBreakIterator *bi;
};

tp_words *tp_words_new(void)
{
    tp_words *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    UErrorCode uerr = U_ZERO_ERROR;
    w->bi = ubrk_open(UBRK_WORD, "ja", NULL, 0, &uerr);
    if (U_FAILURE(uerr)) {
        free(w);
        return NULL;
    }
    return w;
}

void tp_words_free(tp_words *w)
{
    if (!w)
        return;
    ubrk_close(w->bi);
    free(w);
}

static int all_space(const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        int32_t c = tp_utf8_next(s, n, &i);
        if (c < 0)
            return 0;
        if (!u_isUWhiteSpace(c))
            return 0;
    }
    return 1;
}

tp_status tp_words_split(tp_words *w, const char *text, size_t len, size_t max, tp_word **out,
                         size_t *count)
{
    *out = NULL;
    *count = 0;
    UErrorCode uerr = U_ZERO_ERROR;
    UText *ut = utext_openUTF8(NULL, text, (int64_t)len, &uerr);
    if (U_FAILURE(uerr))
        return TP_ERR_INPUT;
    ubrk_setUText(w->bi, ut, &uerr);
    if (U_FAILURE(uerr)) {
        utext_close(ut);
        return TP_ERR_INPUT;
    }
    tp_word *words = NULL;
    size_t n = 0, cap = 0;
    tp_status st = TP_OK;
    int32_t prev = ubrk_first(w->bi);
    for (int32_t next = ubrk_next(w->bi); next != UBRK_DONE && n < max;
         prev = next, next = ubrk_next(w->bi)) {
        size_t a = (size_t)prev, b = (size_t)next;
        if (all_space(text + a, b - a)) {
            if (n)
                words[n - 1].space_end = b;
            continue;
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            tp_word *p = realloc(words, cap * sizeof *p);
            if (!p) {
                st = TP_ERR_NOMEM;
                break;
            }
            words = p;
        }
        words[n++] = (tp_word){a, b, b};
    }
    /* The iterator keeps a pointer to the text: detach it before the text goes away. */
    static const UChar empty[1] = {0};
    uerr = U_ZERO_ERROR;
    ubrk_setText(w->bi, empty, 0, &uerr);
    utext_close(ut);
    if (st) {
        free(words);
        return st;
    }
    *out = words;
    *count = n;
    return TP_OK;
}
