/* A growable UTF-8 byte buffer with a ceiling, so that hostile input cannot take all memory.
 * Internal to the library. */
#ifndef TP_BUF_INT_H
#define TP_BUF_INT_H

#include <stddef.h>
#include <stdint.h>
#include "toponym/error.h"

#define TP_BUF_DEFAULT_MAX ((size_t)64 * 1024 * 1024)

typedef struct tp_buf {
    char *data;  /* always NUL-terminated once anything was appended */
    size_t len;  /* bytes used, not counting the NUL */
    size_t cap;  /* bytes allocated */
    size_t max;  /* ceiling on len; 0 means TP_BUF_DEFAULT_MAX */
} tp_buf;

#define TP_BUF_INIT {NULL, 0, 0, 0}

/* Appends len bytes. TP_ERR_NOMEM when allocation fails, TP_ERR_INPUT past the ceiling. */
tp_status tp_buf_append(tp_buf *b, const char *s, size_t len);
tp_status tp_buf_puts(tp_buf *b, const char *s);
tp_status tp_buf_putc(tp_buf *b, char c);
/* Appends one code point as UTF-8. */
tp_status tp_buf_put_cp(tp_buf *b, uint32_t cp);
/* Empties the buffer, keeping its memory. */
void tp_buf_reset(tp_buf *b);
/* Hands the NUL-terminated contents to the caller (never NULL on TP_OK) and empties the buffer. */
tp_status tp_buf_take(tp_buf *b, char **out);
void tp_buf_free(tp_buf *b);

#endif
