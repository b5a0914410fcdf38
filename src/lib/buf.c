/* The growable buffer behind every string the library builds. */
#include "buf_int.h"

#include <stdlib.h>
#include <string.h>

static tp_status grow(tp_buf *b, size_t extra)
{
    size_t max = b->max ? b->max : TP_BUF_DEFAULT_MAX;
    if (extra > max || b->len > max - extra)
        return TP_ERR_INPUT;
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return TP_OK;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    char *p = realloc(b->data, cap);
    if (!p)
        return TP_ERR_NOMEM;
    b->data = p;
    b->cap = cap;
    return TP_OK;
}

tp_status tp_buf_append(tp_buf *b, const char *s, size_t len)
{
    tp_status st = grow(b, len);
    if (st)
        return st;
    if (len)
        memcpy(b->data + b->len, s, len);
    b->len += len;
    b->data[b->len] = '\0';
    return TP_OK;
}

tp_status tp_buf_puts(tp_buf *b, const char *s)
{
    return tp_buf_append(b, s, strlen(s));
}

tp_status tp_buf_putc(tp_buf *b, char c)
{
    return tp_buf_append(b, &c, 1);
}

tp_status tp_buf_put_cp(tp_buf *b, uint32_t cp)
{
    char u[4];
    size_t n;
    if (cp < 0x80) {
        u[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        u[0] = (char)(0xF0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    return tp_buf_append(b, u, n);
}

void tp_buf_reset(tp_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

tp_status tp_buf_take(tp_buf *b, char **out)
{
    if (!b->data) {
        tp_status st = grow(b, 0);
        if (st)
            return st;
        b->data[0] = '\0';
    }
    *out = b->data;
    b->data = NULL;
    b->len = b->cap = 0;
    return TP_OK;
}

void tp_buf_free(tp_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}
