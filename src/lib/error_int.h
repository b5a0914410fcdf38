/* Filling a caller's tp_error. Internal. Each returns code, so a failing path can say
 * `return tp_error_set(err, TP_ERR_ARG, "...")`. */
#ifndef TP_ERROR_INT_H
#define TP_ERROR_INT_H

#include "toponym/error.h"

#if defined(__GNUC__)
#define TP_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define TP_PRINTF(f, a)
#endif

tp_status tp_error_set(tp_error *err, tp_status code, const char *fmt, ...) TP_PRINTF(3, 4);
tp_status tp_error_at(tp_error *err, tp_status code, const char *file, unsigned long line,
                      unsigned long column, const char *fmt, ...) TP_PRINTF(6, 7);
tp_status tp_error_nomem(tp_error *err);

#endif
