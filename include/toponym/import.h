/* toponym — bringing glossaries in: TBX v2 and v3 (see tbx.h), OmegaT's tab-separated and CSV
 * glossaries, and JMnedict/ENAMDICT place names, with the format told from the content, one
 * transaction per import, and a policy for concepts that are already in the store. */
#ifndef TOPONYM_IMPORT_H
#define TOPONYM_IMPORT_H

#include <stdint.h>
#include "toponym/concept.h"
#include "toponym/error.h"
#include "toponym/store.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum tp_format {
    TP_FORMAT_AUTO = 0, /* tell from the content */
    TP_FORMAT_TBX,      /* TBX v3 (tbx) or v2 (martif) */
    TP_FORMAT_TBX2,     /* TBX v2 for export; reads as TP_FORMAT_TBX */
    TP_FORMAT_TSV,      /* OmegaT glossary: source, target, comment, tab-separated */
    TP_FORMAT_CSV,      /* the same, comma-separated with quoting */
    TP_FORMAT_ENAMDICT  /* JMnedict/ENAMDICT, EUC-JP: kanji [kana] /(p) Romaji/ */
} tp_format;

/* "tbx", "tbx2", "tsv", "csv", "enamdict"; "auto". Static. */
const char *tp_format_name(tp_format format);
/* Parses a name as tp_format_name() writes it; TP_ERR_ARG for anything else. */
tp_status tp_format_parse(const char *name, tp_format *out);

/* Tells a file's format from its first bytes (and, when the content allows both, from its
 * extension): XML is TBX; EUC-JP lines with "/(p)" or an ENAMDICT header are ENAMDICT; text
 * with tabs is TSV, else CSV. TP_ERR_IO when it cannot be read, TP_ERR_INPUT when it is none of
 * these (binary, or UTF-16 without a byte-order mark). */
tp_status tp_format_detect(const char *path, tp_format *out, tp_error *err);

typedef enum tp_conflict {
    TP_CONFLICT_MERGE = 0, /* add the new terms and fill empty fields (tp_concept_merge) */
    TP_CONFLICT_SKIP,      /* keep the stored concept as it is */
    TP_CONFLICT_REPLACE    /* the imported concept replaces the stored one */
} tp_conflict;

/* Progress of reading one file: done of total bytes. */
typedef void (*tp_progress_fn)(void *ctx, const char *path, uint64_t done, uint64_t total);

typedef struct tp_import_opts {
    tp_format format;          /* TP_FORMAT_AUTO: tp_format_detect() each file */
    tp_conflict on_conflict;   /* when a concept is already stored (tp_store_find_same) */
    int strict;                /* what the readers would pass over is an error: a TSV/CSV row
                                  without a target or with more than three fields, an ENAMDICT
                                  line that is not an entry, a TBX entry without an id or a
                                  term with two different statuses */
    int dry_run;               /* read and count, then roll back */
    const char *source_lang;   /* TSV/CSV: the languages of the first and second column */
    const char *target_lang;
    const char *kinds;         /* ENAMDICT: entry kinds to take, comma-separated: p (place),
                                  st (station), u (unclassified); NULL means "p" */
    tp_progress_fn progress;   /* or NULL */
    void *progress_ctx;
} tp_import_opts;

typedef struct tp_import_summary {
    long added;      /* new concepts */
    long merged;     /* stored concepts that received terms or fields */
    long replaced;
    long skipped;    /* already stored, left alone (or merged without anything new) */
    long terms;      /* terms read */
    long ignored;    /* lines or rows that were no entry (not with strict) */
} tp_import_summary;

/* Imports the files in one transaction: after an error in any file (reported with its file,
 * line and column) nothing is imported and the store is unchanged. An entry id that two files
 * of the import both use is an error, as it is twice in one file. The change is recorded in
 * the history under "import FILE". summary (may be NULL) receives the counts, also for a dry
 * run. opts may be NULL (auto format, merge). */
tp_status tp_import(tp_store *store, const char *const *paths, size_t count,
                    const tp_import_opts *opts, tp_import_summary *summary, tp_error *err);

/* The readers behind tp_import, for callers that want the concepts rather than a store: each
 * passes every entry of the file to fn (see tp_concept_fn). opts may be NULL, except that a
 * TSV/CSV reader needs source_lang and target_lang. */
tp_status tp_tsv_read(const char *path, tp_format format, const tp_import_opts *opts,
                      tp_concept_fn fn, void *ctx, tp_error *err);
tp_status tp_enamdict_read(const char *path, const tp_import_opts *opts, tp_concept_fn fn,
                           void *ctx, tp_error *err);

#ifdef __cplusplus
}
#endif
#endif
