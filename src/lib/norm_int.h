/* What the normaliser offers the rest of the library beyond its public header. Internal. */
#ifndef TP_NORM_INT_H
#define TP_NORM_INT_H

#include "buf_int.h"
#include "toponym/norm.h"

/* Checks that text is non-empty, within the size limit and valid UTF-8. */
tp_status tp_norm_check_text(const char *text, size_t len, tp_error *err);

/* Folds into a buffer (see tp_norm_fold); the text must already be checked. */
tp_status tp_norm_fold_buf(tp_norm *n, const char *text, size_t len, tp_buf *out);

/* The text in NFC; *out freed by the caller. */
tp_status tp_norm_nfc(tp_norm *n, const char *text, size_t len, char **out, tp_error *err);

#endif
