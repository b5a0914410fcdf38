/* toponym — the termbase model: a concept (one place) with its terms in every language.
 *
 * These are plain data structures passed between the readers (TBX), the store and the output.
 * A concept owns all its strings; tp_concept_free() frees them. */
#ifndef TOPONYM_CONCEPT_H
#define TOPONYM_CONCEPT_H

#include <stdint.h>
#include "toponym/error.h"
#include "toponym/translit.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A term's status, as in TBX administrativeStatus. Stored by value: never renumber. */
typedef enum tp_term_status {
    TP_TERM_PREFERRED = 1,
    TP_TERM_ADMITTED = 2,
    TP_TERM_DEPRECATED = 3,
    TP_TERM_SUPERSEDED = 4,
    TP_TERM_FORBIDDEN = 5
} tp_term_status;

typedef struct tp_term {
    int64_t id;            /* store row id, 0 before the term is stored */
    char *lang;            /* BCP 47 tag: en, ja, ru, ja-Latn, ru-Latn */
    char *text;            /* the term itself, NFC UTF-8 */
    tp_term_status status;
    tp_scheme scheme;      /* romanisation scheme of a -Latn term, or TP_SCHEME_NONE */
    char *reading;         /* kana reading of a Japanese term, or NULL */
    char *usage;           /* usage label ("Japanese official usage"), or NULL */
    char *note;            /* or NULL */
    char *source;          /* or NULL */
    char *extra;           /* data categories toponym has no field for (partOfSpeech, termType,
                              definitions, transacGrp...), as the TBX elements that carried them,
                              serialized; written back on export. Or NULL */
} tp_term;

/* A cross-reference from one concept to another (TBX crossReference). */
typedef struct tp_link {
    char *target;          /* the related concept's ext_id */
    char *text;            /* the reference's display text ("Kuril Islands"), or NULL */
} tp_link;

typedef struct tp_concept {
    int64_t id;            /* store row id, 0 before the concept is stored */
    char *ext_id;          /* stable identifier ("iturup"), from the glossary; or NULL */
    char *subject;         /* subject field ("island"), or NULL */
    char *note;            /* or NULL */
    char *source;          /* or NULL */
    tp_term *terms;        /* in order: per language, the preferred term first */
    size_t term_count;
    tp_link *links;        /* related concepts (cross-references), in order */
    size_t link_count;
    char *extra;           /* as tp_term.extra, for the entry and its language sections (those
                              are kept inside <langSec xml:lang="..."> wrappers); or NULL */
} tp_concept;

/* A new, empty concept, or NULL when out of memory. Freed with tp_concept_free(). */
tp_concept *tp_concept_new(void);

/* Frees a concept and everything it owns. NULL is a no-op. */
void tp_concept_free(tp_concept *c);

/* Appends a copy of *t (every string duplicated; NULL strings stay NULL). lang and text must be
 * non-NULL. The new term's address is valid until the next append. */
tp_status tp_concept_add_term(tp_concept *c, const tp_term *t, tp_error *err);

/* Appends a link to another concept's ext_id, with its display text (NULL for none); both are
 * copied. */
tp_status tp_concept_add_link(tp_concept *c, const char *ext_id, const char *text,
                              tp_error *err);

/* Replaces the string *field with a copy of value (NULL clears it). */
tp_status tp_concept_set(char **field, const char *value, tp_error *err);

/* The preferred term of the concept in exactly the language tag lang (case-insensitive), or,
 * when it has none, its first term in that tag; NULL when it has no term in lang. */
const tp_term *tp_concept_preferred(const tp_concept *c, const char *lang);

/* Merges from into into, as an import with --on-conflict merge does: terms of from that into
 * lacks (same language and text) are appended, fields into leaves empty are filled, links and
 * extra data are added. from is not changed. On failure into may hold part of the merge. */
tp_status tp_concept_merge(tp_concept *into, const tp_concept *from, tp_error *err);

/* A deep copy of c (ids included), or NULL when out of memory. Freed with tp_concept_free(). */
tp_concept *tp_concept_copy(const tp_concept *c);

/* Called once per concept by the readers of files (TBX, tab-separated and CSV glossaries,
 * ENAMDICT), in file order. The concept is borrowed: it is freed when the callback returns, but
 * the callee may change it. line is where the entry starts. A status other than TP_OK stops the
 * reader, which returns it. */
typedef tp_status (*tp_concept_fn)(void *ctx, tp_concept *c, unsigned long line, tp_error *err);

/* Checks a BCP 47 language tag in the shape toponym stores (a 2-3 letter language, then subtags
 * of 1-8 letters or digits) and writes it in canonical case into out (cap bytes): "EN-us" ->
 * "en-US", "ja-latn" -> "ja-Latn". TP_ERR_ARG for anything else. */
tp_status tp_lang_canonical(const char *tag, char *out, size_t cap);

/* "preferred", "admitted", "deprecated", "superseded", "forbidden"; static. */
const char *tp_term_status_name(tp_term_status status);

/* Parses a status name as above, or a TBX value ("deprecatedTerm-admn-sts", "preferredTerm");
 * TBX's standardized, legal and regulated terms count as preferred, obsolete as superseded.
 * TP_ERR_ARG for anything else. */
tp_status tp_term_status_parse(const char *name, tp_term_status *out);

#ifdef __cplusplus
}
#endif
#endif
