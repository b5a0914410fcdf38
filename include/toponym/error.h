/* toponym — the one error convention of the library.
 *
 * Every fallible function returns a tp_status (TP_OK is 0) and takes an optional, caller-owned
 * tp_error that receives a message and, for readers of files, the file, line and column.
 * The library never prints and never aborts. Codes are only ever added at the end. */
#ifndef TOPONYM_ERROR_H
#define TOPONYM_ERROR_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum tp_status {
    TP_OK = 0,
    TP_ERR_NOMEM,       /* an allocation failed */
    TP_ERR_ARG,         /* the caller passed something invalid (unknown scheme, empty query) */
    TP_ERR_INPUT,       /* bad input data: invalid UTF-8, malformed file, too large */
    TP_ERR_IO,          /* a file or directory could not be read or written */
    TP_ERR_STORE,       /* the store failed (SQLite error, locked, disk full) */
    TP_ERR_NOT_STORE,   /* the file is not a toponym store */
    TP_ERR_VERSION,     /* the store was written by a newer toponym */
    TP_ERR_READONLY,    /* the store cannot be written */
    TP_ERR_NOTFOUND,    /* the named thing does not exist */
    TP_ERR_DEPENDENCY   /* a system component (ICU data, MeCab dictionary) is unusable */
} tp_status;

#define TP_ERROR_MESSAGE_MAX 512
#define TP_ERROR_FILE_MAX 1024

/* Filled by the library when a call fails; owned by the caller (usually on the stack).
 * line and column are 1-based and 0 when they do not apply; column counts code points. */
typedef struct tp_error {
    tp_status code;
    char message[TP_ERROR_MESSAGE_MAX];
    char file[TP_ERROR_FILE_MAX];
    unsigned long line;
    unsigned long column;
} tp_error;

/* A short, static English name for a status code ("out of memory"). Never NULL. */
const char *tp_strerror(tp_status code);

/* Clears an error record to "no error". NULL is a no-op. */
void tp_error_clear(tp_error *err);

#ifdef __cplusplus
}
#endif
#endif
