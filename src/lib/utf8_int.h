/* UTF-8 decoding and validation shared by the library's modules. Internal. */
#ifndef TP_UTF8_INT_H
#define TP_UTF8_INT_H

#include <stddef.h>
#include <stdint.h>

/* Decodes one code point at s[*i] (n bytes in all) and advances *i. Returns the code point, or
 * -1 for an invalid, overlong, surrogate or truncated sequence (then *i is not advanced). */
int32_t tp_utf8_next(const char *s, size_t n, size_t *i);

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
