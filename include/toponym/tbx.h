/* toponym — reading TBX termbases (ISO 30042): TBX v3 (`tbx`, conceptEntry/langSec/termSec) and
 * TBX v2 (`martif`, termEntry/langSet/tig|ntig), with libxml2's streaming reader.
 *
 * DTDs and external entities are never loaded or fetched. */
#ifndef TOPONYM_TBX_H
#define TOPONYM_TBX_H

#include "toponym/concept.h"
#include "toponym/error.h"
#include "toponym/store.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Called once per concept entry, in file order. The concept is borrowed: it is freed when the
 * callback returns. line is where the entry starts. A status other than TP_OK stops reading and
 * is returned by tp_tbx_read(). */
typedef tp_status (*tp_tbx_concept_fn)(void *ctx, tp_concept *c, unsigned long line,
                                       tp_error *err);

/* Reads the TBX file at path and passes each concept to fn. Malformed XML, a file that is not
 * TBX and invalid values (an unknown status, a term without a language) give TP_ERR_INPUT with
 * the file, line and column in err. A term without a status is preferred when it is the first
 * of its language in the entry, else admitted. */
tp_status tp_tbx_read(const char *path, tp_tbx_concept_fn fn, void *ctx, tp_error *err);

typedef struct tp_import_stats {
    long concepts;
    long terms;
} tp_import_stats;

/* Imports TBX files into the store in one transaction: on any error in any file nothing is
 * added. stats (may be NULL) receives the counts of what was added. */
tp_status tp_tbx_import(tp_store *store, const char *const *paths, size_t count,
                        tp_import_stats *stats, tp_error *err);

#ifdef __cplusplus
}
#endif
#endif
