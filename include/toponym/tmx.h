/* toponym — TMX (Translation Memory eXchange) 1.1 to 1.4b: a streaming reader (libxml2's
 * xmlTextReader; UTF-8, UTF-16 by BOM, gzip), import into the store in one transaction, a
 * validator (the TMX 1.4b DTD built into the library, plus the checks a DTD cannot make) and an
 * exporter whose output validates against that DTD.
 *
 * DTDs and external entities named by a file are never loaded or fetched. */
#ifndef TOPONYM_TMX_H
#define TOPONYM_TMX_H

#include <stdio.h>
#include "toponym/error.h"
#include "toponym/store.h"
#include "toponym/tm.h"

#ifdef __cplusplus
extern "C" {
#endif

enum {
    TP_TMX_STRICT = 1 << 0   /* a unit with a semantic problem stops the read (TP_ERR_INPUT)
                                rather than being skipped with a warning */
};

/* What a reader reports while it goes. Every callback may be NULL. The header, unit and
 * problem are borrowed for the call. A status other than TP_OK from header or unit stops the
 * read and is returned. */
typedef struct tp_tmx_handler {
    tp_status (*header)(void *ctx, const tp_tm_header *h, tp_error *err);
    tp_status (*unit)(void *ctx, tp_tm_unit *u, tp_error *err);
    /* A semantic problem (problem->file, line, column and message are set). skipped is 1 when
     * the unit it is in was left out. */
    void (*problem)(void *ctx, const tp_error *problem, int skipped);
    /* Bytes of the file read so far, and its size (0 when unknown, e.g. compressed). */
    void (*progress)(void *ctx, unsigned long long done, unsigned long long total);
    void *ctx;
} tp_tmx_handler;

typedef struct tp_tmx_stats {
    long units;           /* units passed to the handler (for import: added) */
    long merged;          /* import: units already in the store, merged rather than doubled */
    long skipped;         /* units left out for a semantic problem */
    long variants;        /* variants in the units passed on (for import: added) */
    long problems;        /* semantic problems reported */
} tp_tmx_stats;

/* Reads the TMX file at path and passes the header and each unit to the handler. Malformed XML,
 * a file that is not TMX and, with TP_TMX_STRICT, semantic problems give TP_ERR_INPUT with
 * file, line and column in err; a missing file TP_ERR_IO. stats (may be NULL) is filled. */
tp_status tp_tmx_read(const char *path, unsigned flags, const tp_tmx_handler *h,
                      tp_tmx_stats *stats, tp_error *err);

/* Imports TMX files into the store in one transaction: when any file fails, nothing is added.
 * handler's problem and progress callbacks (handler may be NULL) are called along the way; its
 * header and unit callbacks are not used. stats (may be NULL) receives the totals. */
tp_status tp_tmx_import(tp_store *store, const char *const *paths, size_t count, unsigned flags,
                        const tp_tmx_handler *handler, tp_tmx_stats *stats, tp_error *err);

/* Validates the file at path against the TMX 1.4b DTD (files declaring TMX 1.1 to 1.3 only get
 * the semantic checks) and makes the checks a DTD cannot: srclang present and meeting a TUV,
 * language codes, dates (YYYYMMDDThhmmssZ), usagecount, bpt/ept pairs, x values. Each problem
 * goes to fn (the problem is borrowed for the call). *problems counts them. Returns TP_OK when
 * the file could be read, whatever it holds; malformed XML is reported as a problem too. */
typedef void (*tp_tmx_problem_fn)(void *ctx, const tp_error *problem);
tp_status tp_tmx_validate(const char *path, tp_tmx_problem_fn fn, void *ctx, long *problems,
                          tp_error *err);

/* The TMX 1.4b DTD built into the library (NUL-terminated, static), for tools that want it. */
const char *tp_tmx_dtd(void);

typedef struct tp_tmx_export_opts {
    const char *const *langs; /* write only units holding every one of these languages, with
                                 only those variants; NULL: every unit, every variant */
    size_t lang_count;
    const char *source;       /* header srclang; NULL: langs[0], else "*all*" */
    const char *tool_version; /* creationtoolversion; NULL: "unknown" */
    const char *creationdate; /* header creationdate (YYYYMMDDThhmmssZ); NULL: now */
} tp_tmx_export_opts;

/* Writes the store's translation memory as TMX 1.4b (UTF-8) to path ("-" is standard output).
 * The store is not changed. *units (may be NULL) receives the number of units written. */
tp_status tp_tmx_export(tp_store *store, const char *path, const tp_tmx_export_opts *opts,
                        long *units, tp_error *err);

/* Writes the glossary as TMX 1.4b, as many CAT tools take term pairs: a unit per concept (tuid
 * its id, an x-subject prop), with its preferred term in each language (the first admitted one
 * when none is preferred; none when the language has only deprecated, superseded or forbidden
 * terms). opts as for tp_tmx_export, the languages matched exactly ("ja" is not "ja-Latn").
 * The store is not changed. *units (may be NULL) receives the number of units written. */
tp_status tp_tmx_export_glossary(tp_store *store, const char *path,
                                 const tp_tmx_export_opts *opts, long *units, tp_error *err);

#ifdef __cplusplus
}
#endif
#endif
