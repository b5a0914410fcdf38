/* toponym — the batch style checker: finds deprecated, superseded, forbidden, inconsistent,
 * misspelt and mixed-romanisation place names in English, Russian and Japanese drafts.
 *
 * A checker is built once from the store (every term, folded, in an in-memory matcher whose size
 * depends on the glossary, never on the text). Documents are then streamed through it in chunks
 * of any size; positions come from the reader, in lines and Unicode code points. */
#ifndef TOPONYM_CHECK_H
#define TOPONYM_CHECK_H

#include <stddef.h>
#include "toponym/error.h"
#include "toponym/norm.h"
#include "toponym/store.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The matcher and the house style, built once. Not thread-safe: one per thread. */
typedef struct tp_checker tp_checker;
/* One document being checked. */
typedef struct tp_check_doc tp_check_doc;

/* Ordered: a finding "reaches" a level when its severity is at least that level. */
typedef enum tp_severity {
    TP_SEVERITY_NONE = 0,  /* a rule switched off by the house style */
    TP_SEVERITY_INFO = 1,
    TP_SEVERITY_WARNING = 2,
    TP_SEVERITY_ERROR = 3
} tp_severity;

/* How a document's bytes are read. AUTO guesses from the name (tp_check_format_guess). */
typedef enum tp_check_format {
    TP_CHECK_AUTO = 0,
    TP_CHECK_TEXT,      /* every character is text */
    TP_CHECK_MARKDOWN,  /* code spans and blocks, URLs, link targets and HTML tags skipped */
    TP_CHECK_HTML,      /* tags, comments, script and style skipped; entities decoded */
    TP_CHECK_XML        /* as HTML, without HTML's script and style elements; XLIFF and TMX
                           (known by their root element) are bilingual: only segments are
                           read, and each target is checked against its source */
} tp_check_format;

typedef struct tp_finding {
    unsigned long line;        /* 1-based */
    unsigned long column;      /* 1-based, in Unicode code points */
    unsigned long end_line;
    unsigned long end_column;  /* one past the last code point found (exclusive) */
    tp_severity severity;
    const char *rule;          /* rule id ("deprecated-term", or a house rule's id); static or
                                  owned by the checker */
    char *message;             /* one English sentence */
    char *found;               /* the text as written */
    char *suggestion;          /* the preferred replacement, or NULL */
    char *concept;             /* the glossary concept's id, or NULL */
} tp_finding;

typedef struct tp_findings {
    size_t count;
    tp_finding *items;         /* sorted by position, then rule */
    char lang[16];             /* the document's language: given, declared, or detected ("" when
                                  there was no text to tell) */
    unsigned long names;       /* place names (glossary terms) found in the document */
} tp_findings;

/* Builds a checker from every term in the store. store and norm are borrowed and must outlive
 * the checker; the store is not changed. *out is freed by the caller (tp_checker_free). */
tp_status tp_checker_new(tp_store *store, tp_norm *norm, tp_checker **out, tp_error *err);

/* Frees a checker. NULL is a no-op. Findings made by it must be freed first only if they are
 * still in use: they own their strings, but their rule names belong to the checker. */
void tp_checker_free(tp_checker *checker);

/* Loads a house style file (format: docs/house-style.md): severities of the built-in rules, the
 * romanisation schemes the house wants, and its own rules. Each rule's examples are checked as
 * the file loads; a rule that fails its own examples, or any syntax error, gives TP_ERR_INPUT
 * with the file and line in err and leaves the checker as it was before the call. */
tp_status tp_checker_load_rules(tp_checker *checker, const char *path, tp_error *err);

/* Starts checking a document. name is used in error messages (copied); lang is a BCP 47 tag
 * ("en", "ru", "ja") or NULL to take the document's own declaration, else detect it from the
 * script. *out is ended by tp_check_end (or tp_check_abort). */
tp_status tp_check_begin(tp_checker *checker, const char *name, tp_check_format format,
                         const char *lang, tp_check_doc **out, tp_error *err);

/* Feeds the next len bytes of the document (chunks may split lines and characters anywhere).
 * Invalid UTF-8 or a line longer than 16 MB gives TP_ERR_INPUT with the position in err; the
 * document must then be aborted. */
tp_status tp_check_feed(tp_check_doc *doc, const char *data, size_t len, tp_error *err);

/* Ends the document: runs the whole-document rules and hands every finding to the caller
 * (*out freed with tp_findings_free). The document is freed, on success or failure. */
tp_status tp_check_end(tp_check_doc *doc, tp_findings **out, tp_error *err);

/* Frees a document without results. NULL is a no-op. */
void tp_check_abort(tp_check_doc *doc);

/* Checks a whole document held in memory: begin, one feed, end. */
tp_status tp_check_text(tp_checker *checker, const char *name, tp_check_format format,
                        const char *lang, const char *text, size_t len, tp_findings **out,
                        tp_error *err);

void tp_findings_free(tp_findings *findings);

/* "error", "warning", "info", "off". Static. */
const char *tp_severity_name(tp_severity severity);
/* Parses a name as above ("none" also means off). TP_ERR_ARG for anything else. */
tp_status tp_severity_parse(const char *name, tp_severity *out);

/* The format a file name suggests: .md/.markdown, .html/.htm/.xhtml, .xml/.xlf/.xliff/.tmx/.tbx,
 * else plain text (also for NULL and "-"). */
tp_check_format tp_check_format_guess(const char *name);

/* The built-in rule ids, for documentation and --help: NULL-terminated, static. */
extern const char *const tp_check_rules[];

#ifdef __cplusplus
}
#endif
#endif
