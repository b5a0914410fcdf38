/* UTF-8 decoding, validation and a coarse script classifier. */
#include "utf8_int.h"

int32_t tp_utf8_next(const char *s, size_t n, size_t *i)
{
    const unsigned char *p = (const unsigned char *)s + *i;
    size_t left = n - *i;
    if (left == 0)
        return -1;
    uint32_t c = p[0];
    size_t len;
    uint32_t min;
    if (c < 0x80) {
        *i += 1;
        return (int32_t)c;
    } else if ((c & 0xE0) == 0xC0) {
        len = 2; c &= 0x1F; min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
        len = 3; c &= 0x0F; min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
        len = 4; c &= 0x07; min = 0x10000;
    } else {
        return -1;
    }
    if (left < len)
        return -1;
    for (size_t k = 1; k < len; k++) {
        if ((p[k] & 0xC0) != 0x80)
            return -1;
        c = (c << 6) | (p[k] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return -1;
    *i += len;
    return (int32_t)c;
}

size_t tp_utf8_check(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        size_t at = i;
        int32_t c = tp_utf8_next(s, n, &i);
        if (c <= 0)
            return at + 1;
    }
    return 0;
}

size_t tp_utf8_count(const char *s, size_t n)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            count++;
    return count;
}

tp_script tp_utf8_script(uint32_t c)
{
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= 0xC0 && c <= 0x24F && c != 0xD7 &&
        c != 0xF7) || (c >= 0x1E00 && c <= 0x1EFF) || (c >= 0xFF21 && c <= 0xFF3A) ||
        (c >= 0xFF41 && c <= 0xFF5A))
        return TP_SCRIPT_LATIN;
    if (c >= 0x400 && c <= 0x52F)
        return TP_SCRIPT_CYRILLIC;
    if ((c >= 0x3041 && c <= 0x309F) || (c >= 0x30A0 && c <= 0x30FF && c != 0x30FB) ||
        (c >= 0x31F0 && c <= 0x31FF) || (c >= 0xFF66 && c <= 0xFF9F))
        return TP_SCRIPT_KANA;
    if ((c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0xF900 && c <= 0xFAFF) ||
        (c >= 0x20000 && c <= 0x3FFFF) || c == 0x3005 || c == 0x3006)
        return TP_SCRIPT_HAN;
    return TP_SCRIPT_OTHER;
}
