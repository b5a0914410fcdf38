/* The TBX reader: one pass of xmlTextReader over TBX v3 or v2, building a tp_concept per entry.
 * Element names of both versions map onto one small state machine. */
#include "toponym/tbx.h"
#include "error_int.h"

#include <libxml/xmlreader.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct reader {
    const char *path;
    xmlTextReaderPtr xr;
    tp_error *err;
    tp_status xml_status;     /* set by the libxml2 error handler */
    tp_concept *concept;      /* the entry being read, or NULL */
    unsigned long concept_line;
    char *lang;               /* language of the current langSec/langSet */
    int in_term;              /* inside termSec/tig/ntig */
    tp_term term;             /* the term being read; strings owned here until added */
    int term_has_status;
    size_t lang_terms;        /* terms read so far in the current language section */
} reader;

static void on_xml_error(void *ctx, xmlErrorPtr e)
{
    reader *r = ctx;
    if (r->xml_status || !e || e->level < XML_ERR_ERROR)
        return;
    char msg[TP_ERROR_MESSAGE_MAX];
    snprintf(msg, sizeof msg, "%s", e->message ? e->message : "malformed XML");
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        msg[--n] = '\0';
    r->xml_status = tp_error_at(r->err, TP_ERR_INPUT, r->path, (unsigned long)e->line,
                                (unsigned long)(e->int2 > 0 ? e->int2 : 0), "%s", msg);
}

static tp_status fail_here(reader *r, const char *fmt, ...) TP_PRINTF(2, 3);

static tp_status fail_here(reader *r, const char *fmt, ...)
{
    char msg[TP_ERROR_MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    /* The parser reads ahead of the reader, so its position is past the element at fault: use
     * the node's own line, and the parser's column only while it is still on that line. */
    xmlNodePtr node = xmlTextReaderCurrentNode(r->xr);
    long node_line = node ? xmlGetLineNo(node) : -1;
    unsigned long line = (unsigned long)xmlTextReaderGetParserLineNumber(r->xr);
    unsigned long col = (unsigned long)xmlTextReaderGetParserColumnNumber(r->xr);
    if (node_line > 0 && (unsigned long)node_line != line) {
        line = (unsigned long)node_line;
        col = 0;
    }
    return tp_error_at(r->err, TP_ERR_INPUT, r->path, line, col, "%s", msg);
}

static const char *name_of(reader *r)
{
    return (const char *)xmlTextReaderConstLocalName(r->xr);
}

static char *attr(reader *r, const char *name)
{
    return (char *)xmlTextReaderGetAttribute(r->xr, (const xmlChar *)name);
}

/* The whole text content of the current element, trimmed; caller frees with free(). */
static char *content(reader *r)
{
    xmlChar *x = xmlTextReaderReadString(r->xr);
    if (!x)
        return strdup("");
    char *s = (char *)x;
    size_t a = 0, b = strlen(s);
    while (a < b && (s[a] == ' ' || s[a] == '\n' || s[a] == '\t' || s[a] == '\r'))
        a++;
    while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\n' || s[b - 1] == '\t' || s[b - 1] == '\r'))
        b--;
    char *out = malloc(b - a + 1);
    if (out) {
        memcpy(out, s + a, b - a);
        out[b - a] = '\0';
    }
    xmlFree(x);
    return out;
}

static void term_reset(reader *r)
{
    free(r->term.text);
    free(r->term.reading);
    free(r->term.usage);
    free(r->term.note);
    free(r->term.source);
    memset(&r->term, 0, sizeof r->term);
    r->term_has_status = 0;
}

/* Replaces *field with value, taking ownership of value. */
static void take(char **field, char *value)
{
    free(*field);
    *field = value;
}

static tp_status on_term_note(reader *r, const char *type, char *value)
{
    if (!strcmp(type, "administrativeStatus") || !strcmp(type, "normativeAuthorization")) {
        tp_term_status s;
        if (tp_term_status_parse(value, &s) != TP_OK) {
            tp_status st = fail_here(r, "unknown term status \"%s\"", value);
            free(value);
            return st;
        }
        r->term.status = s;
        r->term_has_status = 1;
        free(value);
    } else if (!strcmp(type, "geographicalUsage") || !strcmp(type, "usageNote")) {
        take(&r->term.usage, value);
    } else if (!strcmp(type, "pronunciation")) {
        take(&r->term.reading, value);
    } else if (!strcmp(type, "transliterationScheme")) {
        tp_scheme s = TP_SCHEME_NONE;
        if (tp_scheme_parse(value, &s) != TP_OK) {
            tp_status st = fail_here(r, "unknown romanisation scheme \"%s\"", value);
            free(value);
            return st;
        }
        r->term.scheme = s;
        free(value);
    } else {
        free(value); /* kept by the full importer of the glossary-exchange work */
    }
    return TP_OK;
}

static tp_status end_term(reader *r)
{
    r->in_term = 0;
    if (!r->term.text || !*r->term.text) {
        term_reset(r);
        return fail_here(r, "a term entry has no term text");
    }
    if (!r->term_has_status)
        r->term.status = r->lang_terms == 0 ? TP_TERM_PREFERRED : TP_TERM_ADMITTED;
    r->term.lang = r->lang;
    tp_status st = tp_concept_add_term(r->concept, &r->term, r->err);
    r->term.lang = NULL;
    r->lang_terms++;
    term_reset(r);
    return st;
}

static tp_status start_element(reader *r, const char *name, int empty)
{
    if (!strcmp(name, "conceptEntry") || !strcmp(name, "termEntry")) {
        if (r->concept)
            return fail_here(r, "a concept entry inside another");
        if (!(r->concept = tp_concept_new()))
            return tp_error_nomem(r->err);
        r->concept->ext_id = attr(r, "id");
        r->concept_line = (unsigned long)xmlTextReaderGetParserLineNumber(r->xr);
        return TP_OK;
    }
    if (!r->concept)
        return TP_OK;
    if (!strcmp(name, "langSec") || !strcmp(name, "langSet")) {
        char *lang = (char *)xmlTextReaderXmlLang(r->xr);
        if (!lang)
            lang = attr(r, "lang");
        if (!lang || !*lang) {
            free(lang);
            return fail_here(r, "a language section without xml:lang");
        }
        take(&r->lang, lang);
        r->lang_terms = 0;
        return TP_OK;
    }
    if (!strcmp(name, "termSec") || !strcmp(name, "tig") || !strcmp(name, "ntig")) {
        if (!r->lang)
            return fail_here(r, "a term outside a language section");
        term_reset(r);
        r->in_term = !empty;
        return empty ? fail_here(r, "an empty term section") : TP_OK;
    }
    if (empty)
        return TP_OK;
    char *type = attr(r, "type");
    tp_status st = TP_OK;
    if (!strcmp(name, "term") && r->in_term) {
        take(&r->term.text, content(r));
    } else if (!strcmp(name, "termNote") && r->in_term && type) {
        st = on_term_note(r, type, content(r));
    } else if (!strcmp(name, "note")) {
        if (r->in_term)
            take(&r->term.note, content(r));
        else if (!r->lang)
            take(&r->concept->note, content(r));
    } else if (!strcmp(name, "admin") && type && !strcmp(type, "source")) {
        if (r->in_term)
            take(&r->term.source, content(r));
        else if (!r->lang)
            take(&r->concept->source, content(r));
    } else if (!strcmp(name, "descrip") && type && !strcmp(type, "subjectField") && !r->lang) {
        take(&r->concept->subject, content(r));
    } else if (!strcmp(name, "ref") && type && !strcmp(type, "crossReference")) {
        char *target = attr(r, "target");
        if (target && *target)
            st = tp_concept_add_link(r->concept, target, r->err);
        free(target);
    }
    free(type);
    return st;
}

static tp_status end_element(reader *r, const char *name, tp_tbx_concept_fn fn, void *ctx)
{
    if (!r->concept)
        return TP_OK;
    if ((!strcmp(name, "termSec") || !strcmp(name, "tig") || !strcmp(name, "ntig")) && r->in_term)
        return end_term(r);
    if (!strcmp(name, "langSec") || !strcmp(name, "langSet")) {
        take(&r->lang, NULL);
        return TP_OK;
    }
    if (!strcmp(name, "conceptEntry") || !strcmp(name, "termEntry")) {
        tp_status st = TP_OK;
        if (r->concept->term_count == 0)
            st = tp_error_at(r->err, TP_ERR_INPUT, r->path, r->concept_line, 0,
                             "concept entry \"%s\" has no terms",
                             r->concept->ext_id ? r->concept->ext_id : "");
        else
            st = fn(ctx, r->concept, r->concept_line, r->err);
        tp_concept_free(r->concept);
        r->concept = NULL;
        return st;
    }
    return TP_OK;
}

tp_status tp_tbx_read(const char *path, tp_tbx_concept_fn fn, void *ctx, tp_error *err)
{
    reader r = {0};
    r.path = path;
    r.err = err;
    /* No DTD loading, no entity substitution, no network: a hostile file can fetch nothing. */
    r.xr = xmlReaderForFile(path, NULL, XML_PARSE_NONET | XML_PARSE_NOCDATA);
    if (!r.xr)
        return tp_error_at(err, TP_ERR_IO, path, 0, 0, "cannot open file");
    xmlTextReaderSetStructuredErrorHandler(r.xr, on_xml_error, &r);
    tp_status st = TP_OK;
    int rc, seen_root = 0;
    while (!st && (rc = xmlTextReaderRead(r.xr)) == 1) {
        int type = xmlTextReaderNodeType(r.xr);
        const char *name = name_of(&r);
        if (type == XML_READER_TYPE_ELEMENT) {
            if (!seen_root) {
                seen_root = 1;
                if (strcmp(name, "tbx") != 0 && strcmp(name, "martif") != 0) {
                    st = fail_here(&r, "not a TBX file: the root element is <%s>, not <tbx> or "
                                       "<martif>", name);
                    break;
                }
            }
            st = start_element(&r, name, xmlTextReaderIsEmptyElement(r.xr));
        } else if (type == XML_READER_TYPE_END_ELEMENT) {
            st = end_element(&r, name, fn, ctx);
        }
    }
    if (!st && r.xml_status)
        st = r.xml_status;
    else if (!st && rc != 0)
        st = r.xml_status ? r.xml_status : fail_here(&r, "malformed XML");
    else if (!st && !seen_root)
        st = tp_error_at(err, TP_ERR_INPUT, path, 1, 1, "not a TBX file: no root element");
    term_reset(&r);
    tp_concept_free(r.concept);
    free(r.lang);
    xmlFreeTextReader(r.xr);
    return st;
}

typedef struct import_ctx {
    tp_store *store;
    const char *path;
    tp_import_stats stats;
} import_ctx;

static tp_status import_one(void *p, tp_concept *c, unsigned long line, tp_error *err)
{
    import_ctx *ic = p;
    tp_status st = tp_store_add_concept(ic->store, c, err);
    if (st) {
        char msg[TP_ERROR_MESSAGE_MAX];
        snprintf(msg, sizeof msg, "%s", err ? err->message : "");
        return tp_error_at(err, st == TP_ERR_ARG ? TP_ERR_INPUT : st, ic->path, line, 0, "%s", msg);
    }
    ic->stats.concepts++;
    ic->stats.terms += (long)c->term_count;
    return TP_OK;
}

tp_status tp_tbx_import(tp_store *store, const char *const *paths, size_t count,
                        tp_import_stats *stats, tp_error *err)
{
    import_ctx ic = {store, NULL, {0, 0}};
    tp_status st = tp_store_describe(store, count == 1 ? paths[0] : "import", err);
    if (!st)
        st = tp_store_begin(store, err);
    for (size_t i = 0; !st && i < count; i++) {
        ic.path = paths[i];
        st = tp_tbx_read(paths[i], import_one, &ic, err);
    }
    if (!st)
        st = tp_store_commit(store, err);
    else
        tp_store_rollback(store);
    if (!st && stats)
        *stats = ic.stats;
    return st;
}
