/* What the file readers (tbx.c, tsv.c, enamdict.c) share with the importer (import.c) and the
 * TBX writer: reading options, the toponym namespace, and the TBX-Basic category table.
 * Internal. */
#ifndef TP_EXCHANGE_INT_H
#define TP_EXCHANGE_INT_H

#include "toponym/import.h"

/* Elements toponym adds to TBX for what TBX-Basic has no data category for (a term's kana
 * reading and romanisation scheme) and for categories outside TBX-Basic, kept as escaped XML
 * in <tp:extra>, so that an export validates and a re-import loses nothing. */
#define TP_TBX_NS "urn:iso:std:iso:30042:ed-2"
#define TP_TOPONYM_NS "urn:x-toponym:tbx:1"

/* Entry ids met by one import, across its files, to refuse duplicates: open addressing. */
typedef struct tp_id_set {
    struct tp_id_slot *slots;
    size_t cap, count;
} tp_id_set;

/* Adds id, met in file (borrowed: it must outlive the set). 1 when added; 0 when it was there,
 * with *first set to the file it was first met in; -1 when out of memory. */
int tp_id_set_add(tp_id_set *set, const char *id, const char *file, const char **first);
void tp_id_set_free(tp_id_set *set);

typedef struct tp_read_opts {
    const tp_import_opts *import; /* strict, langs, kinds, progress; may be NULL */
    long ignored;                 /* out: lines or rows that held no entry */
    tp_id_set *ids;               /* entry ids of earlier files of the import, or NULL */
} tp_read_opts;

/* Nonzero when the import asks for --strict: what lenient reading passes over (a row without
 * a target, a line that is no entry, an entry without an id) is an error. */
int tp_read_strict(const tp_read_opts *o);

/* OmegaT's comment column carries a term's status and note, then, on a concept's first row,
 * the concept's note after this label: "admitted; Kunrei-shiki; concept note: Lesser Kurils". */
#define TP_TSV_CONCEPT_NOTE "concept note: "

/* Reports progress, at most every 64 KiB. */
void tp_read_progress(const tp_read_opts *o, const char *path, uint64_t done, uint64_t total);

tp_status tp_tbx_read_with(const char *path, const tp_read_opts *o, tp_concept_fn fn, void *ctx,
                           tp_error *err);

tp_status tp_tsv_read_with(const char *path, tp_format format, tp_read_opts *o, tp_concept_fn fn,
                           void *ctx, tp_error *err);
tp_status tp_enamdict_read_with(const char *path, tp_read_opts *o, tp_concept_fn fn, void *ctx,
                                tp_error *err);

/* Reads a whole file into memory (at most max bytes; more is TP_ERR_INPUT). *out is freed by
 * the caller; *len excludes the NUL added at the end. */
tp_status tp_read_file(const char *path, size_t max, char **out, size_t *len, tp_error *err);

/* Nonzero when (element, type) is a data category TBX-Basic (v3, DCA) allows. */
int tp_tbx_basic_category(const char *element, const char *type);

#endif
