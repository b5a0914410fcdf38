/* Names of status codes and the helpers that fill a caller's tp_error. */
#include "error_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *tp_strerror(tp_status code)
{
    switch (code) {
    case TP_OK: return "success";
    case TP_ERR_NOMEM: return "out of memory";
    case TP_ERR_ARG: return "invalid argument";
    case TP_ERR_INPUT: return "bad input";
    case TP_ERR_IO: return "input/output error";
    case TP_ERR_STORE: return "store error";
    case TP_ERR_NOT_STORE: return "not a toponym store";
    case TP_ERR_VERSION: return "store written by a newer toponym";
    case TP_ERR_READONLY: return "store is read-only";
    case TP_ERR_NOTFOUND: return "not found";
    case TP_ERR_DEPENDENCY: return "system component unavailable";
    }
    return "unknown error";
}

void tp_error_clear(tp_error *err)
{
    if (err)
        memset(err, 0, sizeof *err);
}

tp_status tp_error_set(tp_error *err, tp_status code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        err->code = code;
        err->file[0] = '\0';
        err->line = err->column = 0;
        va_start(ap, fmt);
        vsnprintf(err->message, sizeof err->message, fmt, ap);
        va_end(ap);
    }
    return code;
}

tp_status tp_error_at(tp_error *err, tp_status code, const char *file, unsigned long line,
                      unsigned long column, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        err->code = code;
        snprintf(err->file, sizeof err->file, "%s", file ? file : "");
        err->line = line;
        err->column = column;
        va_start(ap, fmt);
        vsnprintf(err->message, sizeof err->message, fmt, ap);
        va_end(ap);
    }
    return code;
}

tp_status tp_error_nomem(tp_error *err)
{
    return tp_error_set(err, TP_ERR_NOMEM, "out of memory");
}
