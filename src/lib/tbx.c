/* The TBX reader: one pass of xmlTextReader over TBX v3 (DCA or DCT style) or v2, building a
 * tp_concept per entry. The structure (entry, language section, term section) is streamed; each
 * data category inside it is expanded into a small tree and mapped onto a field, or, when
 * toponym has no field for it, serialized into the concept's or term's extra data so that export
 * can write it back. */
#include "toponym/tbx.h"
#include "buf_int.h"
#include "error_int.h"
#include "exchange_int.h"
#include "xml_int.h"

#include <libxml/xmlreader.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
typedef enum level { AT_CONCEPT, AT_LANG, AT_TERM } level;

typedef struct reader {
    const char *path;
    const tp_read_opts *opts;
    xmlTextReaderPtr xr;
    tp_error *err;
    tp_status xml_status;     /* set by the libxml2 error handler */
    tp_concept *concept;      /* the entry being read, or NULL */
    unsigned long concept_line;
    char *lang;               /* language of the current langSec/langSet, canonical */
    int in_term;              /* inside termSec/tig/ntig */
    tp_term term;             /* the term being read; strings owned here until added */
    int term_has_status;
    size_t lang_terms;        /* terms read so far in the current language section */
    tp_buf concept_extra;     /* serialized categories of the entry */
    tp_buf lang_extra;        /* ... of the current language section */
    tp_buf term_extra;        /* ... of the current term */
    tp_id_set own_ids;        /* entry ids, when the import shares none across its files */
    tp_id_set *ids;
} reader;

static void on_xml_error(void *ctx, xmlErrorPtr e)
{
    reader *r = ctx;
    tp_xml_report(e, r->path, r->err, &r->xml_status);
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

/* The current node's local name; NULL only when libxml2 ran out of memory interning it. */
static const char *name_of(reader *r)
{
    return (const char *)xmlTextReaderConstLocalName(r->xr);
}

static char *attr(reader *r, const char *name)
{
    return (char *)xmlTextReaderGetAttribute(r->xr, (const xmlChar *)name);
}

/* The text of a node, whitespace trimmed and inner runs of it (line breaks of pretty-printed
 * files) made one space; caller frees with free(). */
static char *node_text(xmlNodePtr n)
{
    xmlChar *x = xmlNodeGetContent(n);
    const char *s = x ? (const char *)x : "";
    size_t len = strlen(s);
    char *out = malloc(len + 1);
    if (out) {
        size_t o = 0;
        int space = 0;
        for (size_t i = 0; i < len; i++) {
            char ch = s[i];
            if (ch == ' ' || ch == '\n' || ch == '\t' || ch == '\r') {
                space = o > 0;
                continue;
            }
            if (space)
                out[o++] = ' ';
            space = 0;
            out[o++] = ch;
        }
        out[o] = '\0';
    }
    xmlFree(x);
    return out;
}

/* An attribute's value, freed by the caller with xmlFree(). libxml2's own copy: a copy of our
 * own that failed would read as an absent attribute and change what the entry means (found by
 * tests/fault/test_fault.c), while libxml2 reports its failures to the read's guard. */
static char *node_attr(xmlNodePtr n, const char *name)
{
    return (char *)xmlGetProp(n, (const xmlChar *)name);
}

static tp_status put_escaped(tp_buf *b, const char *s, int attr_value)
{
    tp_status st = TP_OK;
    for (; *s && !st; s++) {
        switch (*s) {
        case '&': st = tp_buf_puts(b, "&amp;"); break;
        case '<': st = tp_buf_puts(b, "&lt;"); break;
        case '>': st = tp_buf_puts(b, "&gt;"); break;
        case '"': st = attr_value ? tp_buf_puts(b, "&quot;") : tp_buf_putc(b, *s); break;
        default: st = tp_buf_putc(b, *s);
        }
    }
    return st;
}

static int is_tbx_ns(const xmlNs *ns)
{
    return !ns || !ns->href || !strcmp((const char *)ns->href, TP_TBX_NS);
}

/* Writes an element as XML text: TBX elements without a namespace (so the text fits a v2 or a
 * v3 file alike), elements of other namespaces with their declaration on each. */
static tp_status serialize(tp_buf *b, xmlNodePtr n)
{
    tp_status st = TP_OK;
    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
        /* Indentation between elements is the file's layout, not data. */
        if (xmlIsBlankNode(n) && (n->prev || n->next))
            return TP_OK;
        return put_escaped(b, (const char *)n->content, 0);
    }
    if (n->type != XML_ELEMENT_NODE)
        return TP_OK;
    int foreign = !is_tbx_ns(n->ns);
    const char *prefix = foreign && n->ns->prefix ? (const char *)n->ns->prefix : NULL;
    if ((st = tp_buf_putc(b, '<')))
        return st;
    if (prefix && ((st = tp_buf_puts(b, prefix)) || (st = tp_buf_putc(b, ':'))))
        return st;
    if ((st = tp_buf_puts(b, (const char *)n->name)))
        return st;
    if (foreign) {
        if ((st = tp_buf_puts(b, prefix ? " xmlns:" : " xmlns")) ||
            (prefix && (st = tp_buf_puts(b, prefix))) || (st = tp_buf_puts(b, "=\"")) ||
            (st = put_escaped(b, (const char *)n->ns->href, 1)) || (st = tp_buf_putc(b, '"')))
            return st;
    }
    for (xmlAttrPtr a = n->properties; a && !st; a = a->next) {
        xmlChar *v = xmlNodeListGetString(n->doc, a->children, 1);
        const char *ap = a->ns && a->ns->prefix ? (const char *)a->ns->prefix : NULL;
        st = tp_buf_putc(b, ' ');
        if (!st && ap)
            st = tp_buf_puts(b, ap);
        if (!st && ap)
            st = tp_buf_putc(b, ':');
        if (!st)
            st = tp_buf_puts(b, (const char *)a->name);
        if (!st)
            st = tp_buf_puts(b, "=\"");
        if (!st)
            st = put_escaped(b, v ? (const char *)v : "", 1);
        if (!st)
            st = tp_buf_putc(b, '"');
        xmlFree(v);
    }
    if (st || !n->children)
        return st ? st : tp_buf_puts(b, "/>");
    if ((st = tp_buf_putc(b, '>')))
        return st;
    for (xmlNodePtr c = n->children; c && !st; c = c->next)
        st = serialize(b, c);
    if (st || (st = tp_buf_puts(b, "</")) || (prefix && (st = tp_buf_puts(b, prefix))) ||
        (prefix && (st = tp_buf_putc(b, ':'))) || (st = tp_buf_puts(b, (const char *)n->name)))
        return st;
    return tp_buf_putc(b, '>');
}

static void term_reset(reader *r)
{
    free(r->term.text);
    free(r->term.reading);
    free(r->term.usage);
    free(r->term.note);
    free(r->term.source);
    free(r->term.extra);
    memset(&r->term, 0, sizeof r->term);
    r->term_has_status = 0;
    tp_buf_reset(&r->term_extra);
}

/* Replaces *field with value, taking ownership of value. */
static void take(char **field, char *value)
{
    free(*field);
    *field = value;
}

/* Fills an empty field with the node's text; 0 when the field was taken (the node then goes to
 * the extra data, so that a second note or source is not lost). */
static int fill(char **field, xmlNodePtr n, tp_status *st)
{
    if (*field)
        return 0;
    if (!(*field = node_text(n)))
        *st = TP_ERR_NOMEM;
    return 1;
}

/* The data category an element carries: its type attribute in DCA style (<termNote
 * type="partOfSpeech">), its name in DCT style (<min:partOfSpeech>) and in toponym's own
 * namespace. *type is freed by the caller with xmlFree(). */
static const char *category(xmlNodePtr n, char **type)
{
    *type = NULL;
    if (!is_tbx_ns(n->ns))
        return (const char *)n->name;
    *type = node_attr(n, "type");
    return *type ? *type : (const char *)n->name;
}

static int element_count(xmlNodePtr n, xmlNodePtr *only)
{
    int k = 0;
    for (xmlNodePtr c = n->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE) {
            *only = c;
            k++;
        }
    return k;
}

static tp_status on_category(reader *r, xmlNodePtr n, level at, int depth);

/* <tp:extra> holds a category outside TBX-Basic as escaped XML: read it as if it stood here. */
static tp_status on_kept(reader *r, xmlNodePtr n, level at, int depth)
{
    char *text = (char *)xmlNodeGetContent(n);
    if (!text)
        return tp_error_nomem(r->err);
    xmlDocPtr doc = xmlReadMemory(text, (int)strlen(text), NULL, "UTF-8",
                                  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    xmlFree(text);
    if (!doc)
        return fail_here(r, "a tp:extra element that does not hold XML");
    tp_status st = on_category(r, xmlDocGetRootElement(doc), at, depth + 1);
    xmlFreeDoc(doc);
    return st;
}

static tp_status on_term_category(reader *r, xmlNodePtr n, const char *cat, int *kept)
{
    tp_status st = TP_OK;
    *kept = 1;
    if (!strcmp(cat, "administrativeStatus") || !strcmp(cat, "normativeAuthorization")) {
        char *value = node_text(n);
        tp_term_status s;
        if (!value)
            return tp_error_nomem(r->err);
        if (tp_term_status_parse(value, &s) != TP_OK)
            st = fail_here(r, "unknown term status \"%s\"", value);
        else if (r->term_has_status && s != r->term.status && tp_read_strict(r->opts))
            st = fail_here(r, "a second, different status \"%s\" for a term (--strict)", value);
        else if (r->term_has_status)
            *kept = 0; /* the first one counts; this one is kept as extra data */
        else
            r->term.status = s;
        r->term_has_status = 1;
        free(value);
    } else if (!strcmp(cat, "geographicalUsage") || !strcmp(cat, "usageNote")) {
        *kept = fill(&r->term.usage, n, &st);
    } else if (!strcmp(cat, "pronunciation") || !strcmp(cat, "reading")) {
        *kept = fill(&r->term.reading, n, &st);
    } else if (!strcmp(cat, "transliterationScheme") || !strcmp(cat, "scheme")) {
        char *value = node_text(n);
        if (!value)
            return tp_error_nomem(r->err);
        if (tp_scheme_parse(value, &r->term.scheme) != TP_OK)
            st = fail_here(r, "unknown romanisation scheme \"%s\"", value);
        free(value);
    } else if (!strcmp(cat, "note")) {
        *kept = fill(&r->term.note, n, &st);
    } else if (!strcmp(cat, "source")) {
        *kept = fill(&r->term.source, n, &st);
    } else {
        *kept = 0;
    }
    return st;
}

static tp_status on_concept_category(reader *r, xmlNodePtr n, const char *cat, int *kept)
{
    tp_status st = TP_OK;
    *kept = 1;
    if (!strcmp(cat, "subjectField")) {
        *kept = fill(&r->concept->subject, n, &st);
    } else if (!strcmp(cat, "note")) {
        *kept = fill(&r->concept->note, n, &st);
    } else if (!strcmp(cat, "source")) {
        *kept = fill(&r->concept->source, n, &st);
    } else if (!strcmp(cat, "crossReference") &&
               (!strcmp((const char *)n->name, "ref") ||
                !strcmp((const char *)n->name, "crossReference"))) {
        /* DCA <ref type="crossReference" target="id">text</ref>, DCT
         * <basic:crossReference target="id">text</basic:crossReference>. */
        char *target = node_attr(n, "target");
        char *text = target && *target ? node_text(n) : NULL;
        if (!target || !*target)
            *kept = 0;
        else if (!text)
            st = tp_error_nomem(r->err);
        else
            st = tp_concept_add_link(r->concept, target, *text ? text : NULL, r->err);
        free(text);
        xmlFree(target);
    } else {
        *kept = 0;
    }
    return st;
}

static tp_status on_category(reader *r, xmlNodePtr n, level at, int depth)
{
    if (n->ns && n->ns->href && !strcmp((const char *)n->ns->href, TP_TOPONYM_NS) &&
        !strcmp((const char *)n->name, "extra") && depth == 0)
        return on_kept(r, n, at, depth);
    char *type;
    const char *cat = category(n, &type);
    const char *name = (const char *)n->name;
    tp_status st = TP_OK;
    int kept = 0;
    xmlNodePtr only = NULL;
    /* A group of one category (our export's <adminGrp><admin type="source">) is that one. */
    if ((!strcmp(name, "adminGrp") || !strcmp(name, "descripGrp") || !strcmp(name, "termNoteGrp")) &&
        is_tbx_ns(n->ns) && element_count(n, &only) == 1 && depth < 2) {
        char *inner_type;
        const char *inner = category(only, &inner_type);
        int mapped = !strcmp(inner, "source") || !strcmp(inner, "subjectField") ||
                     (at == AT_TERM && (!strcmp(inner, "administrativeStatus") ||
                                        !strcmp(inner, "geographicalUsage")));
        xmlFree(inner_type);
        if (mapped) {
            xmlFree(type);
            return on_category(r, only, at, depth + 1);
        }
    }
    if (at == AT_TERM)
        st = on_term_category(r, n, cat, &kept);
    else if (at == AT_CONCEPT)
        st = on_concept_category(r, n, cat, &kept);
    xmlFree(type);
    if (st == TP_ERR_NOMEM) /* a field's copy (fill) has no error to fill */
        return tp_error_nomem(r->err);
    if (st || kept)
        return st;
    tp_buf *b = at == AT_TERM ? &r->term_extra : at == AT_LANG ? &r->lang_extra : &r->concept_extra;
    st = serialize(b, n);
    return st == TP_ERR_INPUT ? fail_here(r, "extra data too large") : st;
}

/* Appends the language section's kept categories to the entry's, inside a <langSec> wrapper. */
static tp_status flush_lang_extra(reader *r)
{
    if (!r->lang_extra.len)
        return TP_OK;
    tp_buf *b = &r->concept_extra;
    tp_status st;
    if ((st = tp_buf_puts(b, "<langSec xml:lang=\"")) || (st = put_escaped(b, r->lang, 1)) ||
        (st = tp_buf_puts(b, "\">")) ||
        (st = tp_buf_append(b, r->lang_extra.data, r->lang_extra.len)) ||
        (st = tp_buf_puts(b, "</langSec>")))
        return st;
    tp_buf_reset(&r->lang_extra);
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
    if (r->term_extra.len && tp_buf_take(&r->term_extra, &r->term.extra))
        return tp_error_nomem(r->err);
    tp_status st = tp_concept_add_term(r->concept, &r->term, r->err);
    r->term.lang = NULL;
    r->lang_terms++;
    term_reset(r);
    return st;
}

static int is_structure(const char *name)
{
    static const char *const names[] = {"conceptEntry", "termEntry", "langSec", "langSet",
                                        "termSec", "tig", "ntig", "termGrp", "term"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(name, names[i]))
            return 1;
    return 0;
}

/* Handles an element start. *skip is set when the element was consumed whole (a category). */
static tp_status start_element(reader *r, const char *name, int empty, int *skip)
{
    *skip = 0;
    int tbx_ns = !xmlTextReaderConstNamespaceUri(r->xr) ||
                 !strcmp((const char *)xmlTextReaderConstNamespaceUri(r->xr), TP_TBX_NS);
    if (tbx_ns && (!strcmp(name, "conceptEntry") || !strcmp(name, "termEntry"))) {
        if (r->concept)
            return fail_here(r, "a concept entry inside another");
        if (!(r->concept = tp_concept_new()))
            return tp_error_nomem(r->err);
        r->concept->ext_id = attr(r, "id");
        r->concept_line = (unsigned long)xmlTextReaderGetParserLineNumber(r->xr);
        if (r->concept->ext_id) {
            const char *first = NULL;
            int added = tp_id_set_add(r->ids, r->concept->ext_id, r->path, &first);
            if (added < 0)
                return tp_error_nomem(r->err);
            if (!added && strcmp(first, r->path))
                return fail_here(r, "duplicate entry id \"%s\" (also in %s)",
                                 r->concept->ext_id, first);
            if (!added)
                return fail_here(r, "duplicate entry id \"%s\"", r->concept->ext_id);
        } else if (tp_read_strict(r->opts)) {
            /* TBX requires the id; without one the entry can only be matched by its terms. */
            return fail_here(r, "an entry without an id (--strict)");
        }
        return TP_OK;
    }
    if (!r->concept)
        return TP_OK;
    if (tbx_ns && (!strcmp(name, "langSec") || !strcmp(name, "langSet"))) {
        char *lang = (char *)xmlTextReaderXmlLang(r->xr);
        if (!lang)
            lang = attr(r, "lang");
        if (!lang || !*lang) {
            free(lang);
            return fail_here(r, "a language section without xml:lang");
        }
        char canon[64];
        if (tp_lang_canonical(lang, canon, sizeof canon) != TP_OK) {
            tp_status st = fail_here(r, "unknown language code \"%s\"", lang);
            free(lang);
            return st;
        }
        free(lang);
        if (!(lang = strdup(canon)))
            return tp_error_nomem(r->err);
        take(&r->lang, lang);
        r->lang_terms = 0;
        return TP_OK;
    }
    if (tbx_ns && (!strcmp(name, "termSec") || !strcmp(name, "tig") || !strcmp(name, "ntig"))) {
        if (!r->lang)
            return fail_here(r, "a term outside a language section");
        term_reset(r);
        r->in_term = !empty;
        return empty ? fail_here(r, "an empty term section") : TP_OK;
    }
    if (tbx_ns && !strcmp(name, "term") && r->in_term) {
        xmlNodePtr n = xmlTextReaderExpand(r->xr);
        if (!n)
            return r->xml_status ? r->xml_status : fail_here(r, "malformed XML");
        take(&r->term.text, node_text(n));
        *skip = 1;
        return r->term.text ? TP_OK : tp_error_nomem(r->err);
    }
    if (tbx_ns && is_structure(name))
        return TP_OK;
    xmlNodePtr n = xmlTextReaderExpand(r->xr);
    if (!n)
        return r->xml_status ? r->xml_status : fail_here(r, "malformed XML");
    *skip = 1;
    return on_category(r, n, r->in_term ? AT_TERM : r->lang ? AT_LANG : AT_CONCEPT, 0);
}

static tp_status end_element(reader *r, const char *name, tp_concept_fn fn, void *ctx)
{
    if (!r->concept)
        return TP_OK;
    if ((!strcmp(name, "termSec") || !strcmp(name, "tig") || !strcmp(name, "ntig")) && r->in_term)
        return end_term(r);
    if (!strcmp(name, "langSec") || !strcmp(name, "langSet")) {
        tp_status st = flush_lang_extra(r);
        take(&r->lang, NULL);
        return st;
    }
    if (!strcmp(name, "conceptEntry") || !strcmp(name, "termEntry")) {
        tp_status st = TP_OK;
        if (r->concept->term_count == 0)
            st = tp_error_at(r->err, TP_ERR_INPUT, r->path, r->concept_line, 0,
                             "concept entry \"%s\" has no terms",
                             r->concept->ext_id ? r->concept->ext_id : "");
        else if (r->concept_extra.len && tp_buf_take(&r->concept_extra, &r->concept->extra))
            st = tp_error_nomem(r->err);
        if (!st)
            st = fn(ctx, r->concept, r->concept_line, r->err);
        tp_concept_free(r->concept);
        r->concept = NULL;
        tp_buf_reset(&r->concept_extra);
        return st;
    }
    return TP_OK;
}

static tp_status read_tbx(const char *path, const tp_read_opts *o, tp_concept_fn fn, void *ctx,
                          tp_error *err)
{
    reader r = {0};
    r.path = path;
    r.opts = o;
    r.err = err;
    r.ids = o && o->ids ? o->ids : &r.own_ids;
    /* No DTD loading, no entity substitution, no network: a hostile file can fetch nothing. */
    r.xr = xmlReaderForFile(path, NULL, XML_PARSE_NONET | XML_PARSE_NOCDATA);
    if (!r.xr)
        return tp_error_at(err, TP_ERR_IO, path, 0, 0, "cannot open file");
    xmlTextReaderSetStructuredErrorHandler(r.xr, on_xml_error, &r);
    FILE *f = fopen(path, "rb");
    uint64_t total = 0;
    if (f) {
        fseek(f, 0, SEEK_END);
        long size = ftell(f);
        total = size > 0 ? (uint64_t)size : 0;
        fclose(f);
    }
    tp_status st = TP_OK;
    int rc, seen_root = 0, skip = 0;
    while (!st && (rc = skip ? xmlTextReaderNext(r.xr) : xmlTextReaderRead(r.xr)) == 1) {
        skip = 0;
        int type = xmlTextReaderNodeType(r.xr);
        const char *name = name_of(&r);
        if (!name && (type == XML_READER_TYPE_ELEMENT || type == XML_READER_TYPE_END_ELEMENT)) {
            st = tp_error_nomem(err);   /* libxml2 could not intern the name */
            break;
        }
        if (type == XML_READER_TYPE_ELEMENT) {
            if (!seen_root) {
                seen_root = 1;
                if (strcmp(name, "tbx") != 0 && strcmp(name, "martif") != 0) {
                    st = fail_here(&r, "not a TBX file: the root element is <%s>, not <tbx> or "
                                       "<martif>", name);
                    break;
                }
            }
            st = start_element(&r, name, xmlTextReaderIsEmptyElement(r.xr), &skip);
        } else if (type == XML_READER_TYPE_END_ELEMENT) {
            st = end_element(&r, name, fn, ctx);
            if (!st && !r.concept && (!strcmp(name, "conceptEntry") || !strcmp(name, "termEntry")))
                tp_read_progress(o, path, (uint64_t)xmlTextReaderByteConsumed(r.xr), total);
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
    tp_buf_free(&r.concept_extra);
    tp_buf_free(&r.lang_extra);
    tp_buf_free(&r.term_extra);
    tp_id_set_free(&r.own_ids);
    xmlFreeTextReader(r.xr);
    return st;
}

tp_status tp_tbx_read_with(const char *path, const tp_read_opts *o, tp_concept_fn fn, void *ctx,
                           tp_error *err)
{
    tp_xml_guard g;
    tp_xml_guard_begin(&g);
    tp_status st = read_tbx(path, o, fn, ctx, err);
    tp_xml_guard_end(&g);
    /* libxml2 may drop a node when an allocation fails and go on: then nothing read counts. */
    if (g.nomem && st != TP_ERR_NOMEM)
        st = tp_error_nomem(err);
    return st;
}

tp_status tp_tbx_read(const char *path, tp_tbx_concept_fn fn, void *ctx, tp_error *err)
{
    return tp_tbx_read_with(path, NULL, fn, ctx, err);
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
