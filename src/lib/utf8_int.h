/* UTF-8 decoding and validation shared by the library's modules. Internal. */
#ifndef TP_UTF8_INT_H
#define TP_UTF8_INT_H

#include <stddef.h>
#include <stdint.h>

/* Decodes one code point at s[*i] (n bytes in all) and advances *i. Returns the code point, or
 * -1 for an invalid, overlong, surrogate or truncated sequence (then *i is not advanced). */
int32_t tp_utf8_next(const char *s, size_t n, size_t *i);

/* tp_utf8_next with ASCII and well-formed two- and three-byte characters (most of a memory's
 * text: Latin, Cyrillic, kana, kanji) decoded in line, for loops over every character of a
 * text; the lead bytes E0 and ED (overlong and surrogate forms) and the rest go to
 * tp_utf8_next. */
static inline int32_t tp_utf8_next_fast(const char *s, size_t n, size_t *i)
{
    const unsigned char *t = (const unsigned char *)s;
    size_t at = *i;
    if (at < n) {
        unsigned a = t[at];
        if (a < 0x80) {
            *i = at + 1;
            return (int32_t)a;
        }
        if (a >= 0xC2 && a <= 0xDF && at + 1 < n && (t[at + 1] & 0xC0) == 0x80) {
            *i = at + 2;
            return (int32_t)(a & 0x1F) << 6 | (t[at + 1] & 0x3F);
        }
        if (((a >= 0xE1 && a <= 0xEC) || a == 0xEE || a == 0xEF) && at + 2 < n &&
            (t[at + 1] & 0xC0) == 0x80 && (t[at + 2] & 0xC0) == 0x80) {
            *i = at + 3;
            return (int32_t)(a & 0x0F) << 12 | (int32_t)(t[at + 1] & 0x3F) << 6 |
                   (t[at + 2] & 0x3F);
        }
    }
    return tp_utf8_next(s, n, i);
}

/* Returns 0 if s (n bytes) is valid UTF-8 without NUL bytes; otherwise the 1-based byte offset
 * of the first bad byte. */
size_t tp_utf8_check(const char *s, size_t n);

/* Number of code points in valid UTF-8 s (n bytes). */
size_t tp_utf8_count(const char *s, size_t n);

/* Script classes the normaliser cares about. */
typedef enum tp_script {
    TP_SCRIPT_OTHER = 0,
    TP_SCRIPT_LATIN,
    TP_SCRIPT_CYRILLIC,
    TP_SCRIPT_KANA,   /* hiragana, katakana (also half-width), prolonged sound mark */
    TP_SCRIPT_HAN     /* CJK ideographs, 々 and 〆 */
} tp_script;

tp_script tp_utf8_script(uint32_t cp);

#endif
