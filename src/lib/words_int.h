/* Word segmentation for translation-memory matching: ICU's word break iterator (Japanese by its
 * dictionary) run over UTF-8 directly. Part of the normaliser module, so that ICU stays inside
 * it. Internal. */
#ifndef TP_WORDS_INT_H
#define TP_WORDS_INT_H

#include <stddef.h>
#include "toponym/error.h"

typedef struct tp_words tp_words;

/* A word or punctuation mark: bytes [start, end) of the text; whitespace is never a word.
 * space_end is the end of the whitespace that follows it, so a text is rebuilt exactly from
 * [start, space_end) of each word (and the whitespace before the first). */
typedef struct tp_word {
    size_t start, end, space_end;
} tp_word;

/* A reusable segmenter (opening ICU's iterator is the costly part). NULL on failure. */
tp_words *tp_words_new(void);
void tp_words_free(tp_words *w);

/* Splits text (valid UTF-8, len bytes) into at most max words. *out (malloc'd; NULL when
 * *count is 0) is freed by the caller. */
tp_status tp_words_split(tp_words *w, const char *text, size_t len, size_t max, tp_word **out,
                         size_t *count);

#endif
