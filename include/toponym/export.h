/* toponym — sending glossaries out: TBX v3 TBX-Basic (valid against its RELAX NG schema), TBX v2
 * (martif) for tools that read only that, and OmegaT's tab-separated and CSV glossaries for one
 * language pair. Extra data kept at import is written back. */
#ifndef TOPONYM_EXPORT_H
#define TOPONYM_EXPORT_H

#include <stdio.h>
#include "toponym/import.h"
#include "toponym/store.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct tp_export_opts {
    tp_format format;          /* TP_FORMAT_TBX (v3), TBX2, TSV or CSV; AUTO means TBX */
    const char *const *langs;  /* TBX: only these languages, NULL for all; TSV/CSV: exactly two,
                                  source then target */
    size_t lang_count;
    unsigned statuses;         /* terms written: bit (1u << tp_term_status); 0 means all for TBX,
                                  preferred and admitted for TSV/CSV */
} tp_export_opts;

typedef struct tp_export_summary {
    long concepts;  /* concepts written */
    long terms;     /* terms written (TSV/CSV: rows) */
    long wrapped;   /* TBX v3: data categories outside TBX-Basic written inside <tp:extra> */
} tp_export_summary;

/* Writes the store's concepts, oldest first, to out. The store is not changed. Concepts with no
 * term left after the language and status filters are left out. TSV and CSV write one row per
 * target term (the preferred first), with the source language's preferred term and, in the
 * comment, the target term's status and note, and on the concept's first row its note after
 * "concept note: " (which import reads back into the concept). summary may be NULL. TP_ERR_IO when out fails,
 * TP_ERR_ARG for bad options. */
tp_status tp_export(tp_store *store, const tp_export_opts *opts, FILE *out,
                    tp_export_summary *summary, tp_error *err);

#ifdef __cplusplus
}
#endif
#endif
