/* MeCab behind a C wall (mecab_guard.cpp): MeCab is C++ and throws std::bad_alloc when an
 * allocation fails, which would end the process if it reached the C code that called it. These
 * calls catch every exception and turn it into a status. Internal. */
#ifndef TP_MECAB_INT_H
#define TP_MECAB_INT_H

#include <mecab.h>
#include <stddef.h>
#include "toponym/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Makes a tagger from the system's configuration (/etc/mecabrc). TP_OK with *out NULL when
 * MeCab cannot make one twice in a row (no dictionary installed); TP_ERR_NOMEM when it ran out
 * of memory. *out is freed with tp_mecab_free. */
tp_status tp_mecab_new(mecab_t **out);

/* Frees a tagger. NULL is a no-op. */
void tp_mecab_free(mecab_t *tagger);

/* Parses text (len bytes, and a NUL after them: MeCab reads up to it) into MeCab's node list,
 * owned by the tagger and valid until its next parse. TP_ERR_NOMEM when MeCab ran out of memory,
 * TP_ERR_DEPENDENCY when it failed otherwise. */
tp_status tp_mecab_parse(mecab_t *tagger, const char *text, size_t len,
                         const mecab_node_t **out);

#ifdef __cplusplus
}
#endif
#endif
