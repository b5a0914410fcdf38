/* The TMX reader: one pass of xmlTextReader over TMX 1.1-1.4b, building a tp_tm_unit per <tu>
 * with its variants (language by xml:lang or 1.1's lang, never by position), inline codes kept
 * as markup, props and notes; the semantic checks a DTD cannot make; import in one transaction.
 * Memory stays flat: only the current unit is held. */
#include "toponym/tmx.h"
#include "buf_int.h"
#include "error_int.h"
#include "tm_int.h"
#include "xml_int.h"

#include <libxml/xmlreader.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define INLINE_DEPTH_MAX 32   /* nesting of inline elements; real files use three or four */
#define META_MAX ((size_t)4 * 1024 * 1024) /* a prop or note (RTF font tables run to kilobytes) */

/* An x or i value seen in a segment, for the pairing and consistency checks. */
typedef struct mark {
    size_t variant;
    char *name;    /* element */
    char *value;
} mark;

typedef struct marks {
    mark *items;
    size_t count;
} marks;

typedef struct reader {
    const char *path;
    xmlTextReaderPtr xr;
    unsigned flags;
    const tp_tmx_handler *h;
    tp_tmx_stats stats;
    tp_error *err;
    tp_status xml_status;      /* set by the libxml2 error handler */
    tp_tm_header header;
    char *header_srclang;
    int in_header, header_sent;
    int header_seen;           /* a <header> was read: a second one is ignored */
    tp_tm_unit *unit;          /* the unit being read, or NULL */
    int unit_skip;             /* a problem in this unit means it is left out */
    long variant;              /* index of the variant being read, or -1 */
    marks x;                   /* x values of the unit, for consistency across variants */
    unsigned long long size;   /* file size for progress, 0 when unknown */
    int give_units;            /* the unit handler takes each unit over (import) */
} reader;

static void on_xml_error(void *ctx, xmlErrorPtr e)
{
    reader *r = ctx;
    tp_xml_report(e, r->path, r->err, &r->xml_status);
}

/* Where the reader is: the node's own line, and the parser's column while it is still on that
 * line (the parser reads ahead of the reader). */
static void position(reader *r, unsigned long *line, unsigned long *col)
{
    xmlNodePtr node = xmlTextReaderCurrentNode(r->xr);
    long node_line = node ? xmlGetLineNo(node) : -1;
    *line = (unsigned long)xmlTextReaderGetParserLineNumber(r->xr);
    *col = (unsigned long)xmlTextReaderGetParserColumnNumber(r->xr);
    if (node_line > 0 && (unsigned long)node_line != *line) {
        *line = (unsigned long)node_line;
        *col = 1;
    }
}

/* Reports a semantic problem. With skip, the current unit is left out (or, with TP_TMX_STRICT,
 * the read stops: the caller returns what this returns). */
static tp_status problem(reader *r, int skip, unsigned long line, const char *fmt, ...)
    TP_PRINTF(4, 5);

static tp_status problem(reader *r, int skip, unsigned long line, const char *fmt, ...)
{
    tp_error p;
    char msg[TP_ERROR_MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    unsigned long l, c;
    position(r, &l, &c);
    if (line && line != l) {
        l = line;
        c = 1;
    }
    tp_error_at(&p, TP_ERR_INPUT, r->path, l, c, "%s", msg);
    if (skip && !r->unit)
        skip = 0;
    r->stats.problems++;
    if (skip)
        r->unit_skip = 1;
    if (r->flags & TP_TMX_STRICT) {
        if (r->err)
            *r->err = p;
        return TP_ERR_INPUT;
    }
    if (r->h && r->h->problem)
        r->h->problem(r->h->ctx, &p, skip);
    return TP_OK;
}

/* The current node's local name; NULL only when libxml2 ran out of memory interning it. */
static const char *local_name(reader *r)
{
    return (const char *)xmlTextReaderConstLocalName(r->xr);
}

/* The name of a node of the given type that the readers look at by name (element, end of
 * element, entity reference), "" for other nodes; NULL when libxml2 ran out of memory. */
static const char *node_name(reader *r, int type)
{
    return type == XML_READER_TYPE_ELEMENT || type == XML_READER_TYPE_END_ELEMENT ||
                   type == XML_READER_TYPE_ENTITY_REFERENCE
               ? local_name(r)
               : "";
}

/* ---- checks on values ---- */

static int valid_lang(const char *s)
{
    /* BCP 47 shape: a primary subtag of 1-8 letters, then subtags of 1-8 letters or digits. */
    size_t n = 0;
    for (; s[n] && s[n] != '-'; n++)
        if (!((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= 'A' && s[n] <= 'Z')))
            return 0;
    if (n < 1 || n > 8)
        return 0;
    while (s[n] == '-') {
        size_t k = ++n;
        for (; s[n] && s[n] != '-'; n++)
            if (!((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= 'A' && s[n] <= 'Z') ||
                  (s[n] >= '0' && s[n] <= '9')))
                return 0;
        if (n - k < 1 || n - k > 8)
            return 0;
    }
    return s[n] == '\0';
}

static int num(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

static int valid_date(const char *s)
{
    /* YYYYMMDDThhmmssZ, in UTC. */
    if (strlen(s) != 16 || s[8] != 'T' || s[15] != 'Z')
        return 0;
    for (int i = 0; i < 15; i++)
        if (i != 8 && (s[i] < '0' || s[i] > '9'))
            return 0;
    int mo = num(s + 4, 2), d = num(s + 6, 2), h = num(s + 9, 2), mi = num(s + 11, 2),
        se = num(s + 13, 2);
    return mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h < 24 && mi < 60 && se < 61;
}

/* Checks the attributes every TMX level shares (dates, usagecount, languages). */
static tp_status check_attrs(reader *r, const tp_tm_attr *a, size_t n, const char *element)
{
    tp_status st = TP_OK;
    for (size_t i = 0; !st && i < n; i++) {
        const char *name = a[i].name, *v = a[i].value;
        if (!strcmp(name, "creationdate") || !strcmp(name, "changedate") ||
            !strcmp(name, "lastusagedate")) {
            if (!valid_date(v))
                st = problem(r, 0, 0, "<%s> %s=\"%s\" is not a date of the form "
                                      "YYYYMMDDThhmmssZ", element, name, v);
        } else if (!strcmp(name, "usagecount")) {
            size_t k = 0;
            while (v[k] >= '0' && v[k] <= '9')
                k++;
            if (k == 0 || v[k])
                st = problem(r, 0, 0, "<%s> usagecount=\"%s\" is not a number", element, v);
        } else if (!strcmp(name, "adminlang") || (!strcmp(name, "srclang") && strcmp(v, "*all*"))) {
            if (!valid_lang(v))
                st = problem(r, 0, 0, "<%s> %s=\"%s\" is not a language code", element, name, v);
        }
    }
    return st;
}

/* Every attribute of the current element but those skipped (namespace declarations always). */
static tp_status read_attrs(reader *r, tp_tm_attr **attrs, size_t *count, const char *skip1,
                            const char *skip2)
{
    tp_status st = TP_OK;
    if (xmlTextReaderMoveToFirstAttribute(r->xr) != 1)
        return TP_OK;
    do {
        if (xmlTextReaderIsNamespaceDecl(r->xr))
            continue;
        const char *name = (const char *)xmlTextReaderConstName(r->xr);
        const char *value = (const char *)xmlTextReaderConstValue(r->xr);
        if (!name || !value) {   /* libxml2 out of memory */
            st = tp_error_nomem(r->err);
            break;
        }
        if ((skip1 && !strcmp(name, skip1)) || (skip2 && !strcmp(name, skip2)))
            continue;
        st = tp_tm_attr_add(attrs, count, name, value, r->err);
    } while (!st && xmlTextReaderMoveToNextAttribute(r->xr) == 1);
    xmlTextReaderMoveToElement(r->xr);
    return st;
}

static char *attr(reader *r, const char *name)
{
    return (char *)xmlTextReaderGetAttribute(r->xr, (const xmlChar *)name);
}

/* xml:lang, else TMX 1.1's lang; the element's own, not inherited. Caller frees. */
static char *lang_attr(reader *r)
{
    char *l = (char *)xmlTextReaderGetAttributeNs(r->xr, (const xmlChar *)"lang",
                                                  (const xmlChar *)"http://www.w3.org/XML/1998/namespace");
    if (!l)
        l = attr(r, "lang");
    return l;
}

/* ---- props and notes ---- */

static tp_status read_meta(reader *r, tp_tm_meta_kind kind, tp_tm_meta **meta, size_t *count)
{
    tp_tm_meta m = {kind, NULL, NULL, NULL, NULL};
    unsigned long line, col;
    position(r, &line, &col);
    tp_status st = TP_OK;
    if (kind == TP_TM_PROP) {
        m.type = attr(r, "type");
        if (!m.type)
            st = problem(r, 0, line, "<prop> without a type");
    }
    m.lang = lang_attr(r);
    m.encoding = attr(r, "o-encoding");
    m.text = xmlTextReaderIsEmptyElement(r->xr) ? NULL : (char *)xmlTextReaderReadString(r->xr);
    if (!st && m.text && strlen(m.text) > META_MAX)
        st = problem(r, 1, line, "a <%s> longer than %zu bytes", kind == TP_TM_PROP ? "prop" : "note",
                     META_MAX);
    if (!st)
        st = tp_tm_meta_add(meta, count, &m, r->err);
    xmlFree(m.type);
    xmlFree(m.lang);
    xmlFree(m.encoding);
    xmlFree(m.text);
    return st;
}

/* ---- segments ---- */

static const char *const inline_names[] = {"bpt", "ept", "it", "ph", "ut", "hi", "sub"};

static int is_code(const char *name)
{
    /* Elements whose content is native code, not text to translate. */
    return !strcmp(name, "bpt") || !strcmp(name, "ept") || !strcmp(name, "it") ||
           !strcmp(name, "ph") || !strcmp(name, "ut");
}

static tp_status escape(tp_buf *b, const char *s, int in_attr)
{
    tp_status st = TP_OK;
    while (!st && *s) {
        /* The run of characters that need nothing, in one append. */
        size_t run = strcspn(s, in_attr ? "&<>\"\t\n\r" : "&<>\r");
        if (run) {
            st = tp_buf_append(b, s, run);
            s += run;
            continue;
        }
        switch (*s) {
        case '&': st = tp_buf_puts(b, "&amp;"); break;
        case '<': st = tp_buf_puts(b, "&lt;"); break;
        case '>': st = tp_buf_puts(b, "&gt;"); break;
        case '"': st = tp_buf_puts(b, "&quot;"); break;
        case '\t': st = tp_buf_puts(b, "&#9;"); break;
        case '\n': st = tp_buf_puts(b, "&#10;"); break;
        default: st = tp_buf_puts(b, "&#13;"); break;
        }
        s++;
    }
    return st;
}

static void marks_free(marks *m)
{
    for (size_t i = 0; i < m->count; i++) {
        free(m->items[i].name);
        free(m->items[i].value);
    }
    free(m->items);
    m->items = NULL;
    m->count = 0;
}

static tp_status marks_add(marks *m, size_t variant, const char *name, const char *value)
{
    mark *p = realloc(m->items, (m->count + 1) * sizeof *p);
    if (!p)
        return TP_ERR_NOMEM;
    m->items = p;
    p[m->count].variant = variant;
    p[m->count].name = strdup(name);
    p[m->count].value = strdup(value);
    m->count++;
    return p[m->count - 1].name && p[m->count - 1].value ? TP_OK : TP_ERR_NOMEM;
}

static mark *marks_find(marks *m, size_t variant, const char *name, const char *value)
{
    for (size_t i = 0; i < m->count; i++)
        if (m->items[i].variant == variant && (!name || !strcmp(m->items[i].name, name)) &&
            !strcmp(m->items[i].value, value))
            return &m->items[i];
    return NULL;
}

typedef struct seg {
    tp_buf text, markup, codes;
    int elements;              /* any inline element seen */
    int too_long;
    marks bpt;                 /* i values of bpt, with name "open" or "closed" */
    size_t variant;
} seg;

static tp_status put(reader *r, seg *s, tp_buf *b, const char *text, int esc)
{
    if (s->too_long)
        return TP_OK;
    tp_status st = esc ? escape(b, text, 0) : tp_buf_puts(b, text);
    if (st == TP_ERR_INPUT) {
        s->too_long = 1;
        return problem(r, 1, 0, "a segment longer than %zu bytes", TP_TM_SEGMENT_MAX);
    }
    return st ? tp_error_nomem(r->err) : TP_OK;
}

/* Checks and records one inline element's start: pairing of bpt/ept by i, x unique. */
static tp_status inline_start(reader *r, seg *s, const char *name)
{
    tp_status st = TP_OK;
    char *i = attr(r, "i"), *x = attr(r, "x"), *pos = attr(r, "pos");
    char sig[96];
    sig[0] = '\0';
    if (!strcmp(name, "bpt") || !strcmp(name, "ept")) {
        if (!i) {
            st = problem(r, 1, 0, "<%s> without i", name);
        } else if (!strcmp(name, "bpt")) {
            if (marks_find(&s->bpt, 0, NULL, i))
                st = problem(r, 1, 0, "<bpt i=\"%s\"> is not unique in its segment", i);
            else if (marks_add(&s->bpt, 0, "open", i))
                st = tp_error_nomem(r->err);
        } else {
            mark *b = marks_find(&s->bpt, 0, NULL, i);
            if (!b || strcmp(b->name, "open") != 0)
                st = problem(r, 1, 0, "<ept i=\"%s\"> has no <bpt i=\"%s\"> before it", i, i);
            else
                strcpy(b->name, "done");
        }
        snprintf(sig, sizeof sig, "%s:%.40s", name, i ? i : "");
    } else if (!strcmp(name, "it")) {
        snprintf(sig, sizeof sig, "it:%.40s", pos ? pos : "");
    } else if (!strcmp(name, "ph") || !strcmp(name, "ut")) {
        snprintf(sig, sizeof sig, "%s", name);
    }
    if (!st && x) {
        if (marks_find(&r->x, s->variant, NULL, x))
            st = problem(r, 0, 0, "x=\"%s\" is used twice in one segment", x);
        else if (marks_add(&r->x, s->variant, name, x))
            st = tp_error_nomem(r->err);
    }
    if (!st && sig[0]) {
        if (s->codes.len)
            st = put(r, s, &s->codes, " ", 0);
        if (!st)
            st = put(r, s, &s->codes, sig, 0);
    }
    xmlFree(i);
    xmlFree(x);
    xmlFree(pos);
    return st;
}

/* Serialises the start tag of the current element into the markup. */
static tp_status start_tag(reader *r, seg *s, const char *name, int empty)
{
    tp_status st = put(r, s, &s->markup, "<", 0);
    if (!st)
        st = put(r, s, &s->markup, name, 0);
    if (!st && xmlTextReaderMoveToFirstAttribute(r->xr) == 1) {
        do {
            if (xmlTextReaderIsNamespaceDecl(r->xr))
                continue;
            const char *an = (const char *)xmlTextReaderConstName(r->xr);
            const char *av = (const char *)xmlTextReaderConstValue(r->xr);
            if (!an || !av) {   /* libxml2 out of memory */
                st = tp_error_nomem(r->err);
                break;
            }
            if ((st = put(r, s, &s->markup, " ", 0)) || (st = put(r, s, &s->markup, an, 0)) ||
                (st = put(r, s, &s->markup, "=\"", 0)))
                break;
            if (!s->too_long && escape(&s->markup, av, 1))
                st = put(r, s, &s->markup, "\xff", 0); /* past the ceiling: report it */
            if (!st)
                st = put(r, s, &s->markup, "\"", 0);
        } while (!st && xmlTextReaderMoveToNextAttribute(r->xr) == 1);
        xmlTextReaderMoveToElement(r->xr);
    }
    if (!st)
        st = put(r, s, &s->markup, empty ? "/>" : ">", 0);
    return st;
}

/* Reads a <seg> (the reader is on its start) into the variant. */
static tp_status read_seg(reader *r, tp_tm_variant *v)
{
    seg s = {TP_BUF_INIT, TP_BUF_INIT, TP_BUF_INIT, 0, 0, {NULL, 0}, (size_t)r->variant};
    s.text.max = s.markup.max = s.codes.max = TP_TM_SEGMENT_MAX;
    tp_status st = TP_OK;
    unsigned long seg_line, seg_col;
    position(r, &seg_line, &seg_col);
    /* The stack of open inline elements (1 native code, 2 sub, 0 hi). Text inside a code
     * element, its <sub> included (a sub-flow, not this segment's text), stays out of the
     * plain text; it is all in the markup. */
    int stack[INLINE_DEPTH_MAX + 1];
    int depth = 0, code = 0;
    int empty_seg = xmlTextReaderIsEmptyElement(r->xr);
    int seg_depth = xmlTextReaderDepth(r->xr);
    while (!st && !empty_seg) {
        int rc = xmlTextReaderRead(r->xr);
        if (rc != 1) {
            st = r->xml_status ? r->xml_status
                               : tp_error_at(r->err, TP_ERR_INPUT, r->path, seg_line, seg_col,
                                             "the file ends inside a <seg>");
            break;
        }
        int type = xmlTextReaderNodeType(r->xr);
        if (type == XML_READER_TYPE_END_ELEMENT && xmlTextReaderDepth(r->xr) == seg_depth)
            break;
        const char *name = node_name(r, type);
        if (!name) {
            st = tp_error_nomem(r->err);
            break;
        }
        if (type == XML_READER_TYPE_ELEMENT) {
            int known = 0;
            for (size_t k = 0; k < sizeof inline_names / sizeof inline_names[0]; k++)
                known |= !strcmp(name, inline_names[k]);
            int empty = xmlTextReaderIsEmptyElement(r->xr);
            if (!known) {
                st = problem(r, 1, 0, "<%s> is not allowed in a segment", name);
                continue;
            }
            if (depth >= INLINE_DEPTH_MAX) {
                st = problem(r, 1, 0, "inline markup nested deeper than %d levels",
                             INLINE_DEPTH_MAX);
                continue;
            }
            /* Most segments are plain text, and their markup would be thrown away: it
             * starts here, as the text so far (all of it outside codes) escaped. */
            if (!s.elements && s.text.len)
                st = put(r, &s, &s.markup, s.text.data, 1);
            s.elements = 1;
            int in_code = depth > 0 && stack[depth - 1] == 1;
            if (!strcmp(name, "sub") && !in_code)
                st = problem(r, 1, 0, "<sub> outside a native code element");
            if (!st && strcmp(name, "sub") && in_code)
                st = problem(r, 1, 0, "<%s> directly inside a native code element", name);
            if (!st && !code)
                st = inline_start(r, &s, name);
            if (!st)
                st = start_tag(r, &s, name, empty);
            if (!empty) {
                stack[depth] = is_code(name) ? 1 : !strcmp(name, "sub") ? 2 : 0;
                code += stack[depth++] == 1;
            }
        } else if (type == XML_READER_TYPE_END_ELEMENT) {
            if (depth > 0)
                code -= stack[--depth] == 1;
            if (!(st = put(r, &s, &s.markup, "</", 0)) &&
                !(st = put(r, &s, &s.markup, name, 0)))
                st = put(r, &s, &s.markup, ">", 0);
        } else if (type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA ||
                   type == XML_READER_TYPE_WHITESPACE ||
                   type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE) {
            const char *t = (const char *)xmlTextReaderConstValue(r->xr);
            if (!t)
                continue;
            /* The markup is only made once an inline element comes (see below). */
            if (s.elements)
                st = put(r, &s, &s.markup, t, 1);
            if (!st && code == 0)
                st = put(r, &s, &s.text, t, 0);
        } else if (type == XML_READER_TYPE_ENTITY_REFERENCE) {
            st = problem(r, 1, 0, "entity reference &%s; in a segment (entities are not expanded)",
                         name);
        }
    }
    if (!st && s.bpt.count)
        for (size_t k = 0; k < s.bpt.count && !st; k++)
            if (!strcmp(s.bpt.items[k].name, "open"))
                st = problem(r, 1, seg_line, "<bpt i=\"%s\"> is never closed by an <ept>",
                             s.bpt.items[k].value);
    if (!st && !s.too_long) {
        if (tp_buf_take(&s.text, &v->text))
            st = tp_error_nomem(r->err);
        if (!st && s.elements && tp_buf_take(&s.markup, &v->markup))
            st = tp_error_nomem(r->err);
        if (!st && s.codes.len && tp_buf_take(&s.codes, &v->codes))
            st = tp_error_nomem(r->err);
    }
    tp_buf_free(&s.text);
    tp_buf_free(&s.markup);
    tp_buf_free(&s.codes);
    marks_free(&s.bpt);
    return st;
}

/* ---- units ---- */

static void unit_reset(reader *r)
{
    tp_tm_unit_free(r->unit);
    r->unit = NULL;
    r->unit_skip = 0;
    r->variant = -1;
    marks_free(&r->x);
}

static tp_status start_unit(reader *r)
{
    unit_reset(r);
    if (!(r->unit = tp_tm_unit_new()))
        return tp_error_nomem(r->err);
    unsigned long col;
    position(r, &r->unit->line, &col);
    tp_status st = read_attrs(r, &r->unit->attrs, &r->unit->attr_count, NULL, NULL);
    if (!st)
        st = check_attrs(r, r->unit->attrs, r->unit->attr_count, "tu");
    const char *src = tp_tm_attr_get(r->unit->attrs, r->unit->attr_count, "srclang");
    if (!src)
        src = r->header_srclang;
    if (!st && src && !(r->unit->srclang = strdup(src)))
        st = tp_error_nomem(r->err);
    return st;
}

static tp_status start_variant(reader *r)
{
    char *lang = lang_attr(r);
    tp_status st = TP_OK;
    if (!lang || !*lang) {
        xmlFree(lang);
        r->variant = -1;
        return problem(r, 1, 0, "<tuv> without xml:lang");
    }
    if (!valid_lang(lang))
        st = problem(r, 0, 0, "<tuv> xml:lang=\"%s\" is not a language code", lang);
    if (!st && r->unit->variant_count >= TP_TM_VARIANTS_MAX) {
        xmlFree(lang);
        r->variant = -1;
        return r->unit_skip ? TP_OK
                            : problem(r, 1, 0, "a <tu> with more than %d <tuv>", TP_TM_VARIANTS_MAX);
    }
    tp_tm_variant *v = NULL;
    if (!st)
        st = tp_tm_unit_add_variant(r->unit, lang, &v, r->err);
    xmlFree(lang);
    if (st)
        return st;
    r->variant = (long)r->unit->variant_count - 1;
    unsigned long col;
    position(r, &v->line, &col);
    st = read_attrs(r, &v->attrs, &v->attr_count, "xml:lang", "lang");
    if (!st)
        st = check_attrs(r, v->attrs, v->attr_count, "tuv");
    return st;
}

/* The checks that need the whole unit, then the handler. */
static tp_status end_unit(reader *r)
{
    tp_tm_unit *u = r->unit;
    tp_status st = TP_OK;
    if (!r->unit_skip && u->variant_count == 0)
        st = problem(r, 1, u->line, "a <tu> without any <tuv>");
    for (size_t i = 0; !st && !r->unit_skip && i < u->variant_count; i++)
        if (!u->variants[i].text)
            st = problem(r, 1, u->variants[i].line, "a <tuv> without a <seg>");
    if (!st && !r->unit_skip && u->srclang && strcmp(u->srclang, "*all*") != 0 &&
        !tp_tm_unit_variant(u, u->srclang))
        st = problem(r, 1, u->line, "srclang \"%s\" meets none of the unit's <tuv> languages",
                     u->srclang);
    /* An x names one inline element across the variants of a unit: the same kind in each. */
    for (size_t i = 0; !st && i < r->x.count; i++)
        for (size_t k = i + 1; !st && k < r->x.count; k++)
            if (r->x.items[i].variant != r->x.items[k].variant &&
                !strcmp(r->x.items[i].value, r->x.items[k].value) &&
                strcmp(r->x.items[i].name, r->x.items[k].name) != 0)
                st = problem(r, 0, u->variants[r->x.items[k].variant].line,
                             "x=\"%s\" is a <%s> in one variant and a <%s> in another",
                             r->x.items[i].value, r->x.items[i].name, r->x.items[k].name);
    if (st)
        return st;
    if (r->unit_skip) {
        r->stats.skipped++;
    } else {
        r->stats.units++;
        r->stats.variants += (long)u->variant_count;
        if (r->h && r->h->unit) {
            st = r->h->unit(r->h->ctx, u, r->err);
            if (r->give_units)
                r->unit = NULL;   /* the handler's now, whatever it returned */
        }
    }
    if (!st && r->h && r->h->progress && (r->stats.units + r->stats.skipped) % 512 == 0)
        r->h->progress(r->h->ctx, (unsigned long long)xmlTextReaderByteConsumed(r->xr), r->size);
    unit_reset(r);
    return st;
}

/* ---- the header ---- */

static tp_status start_header(reader *r)
{
    if (r->header_seen) {
        /* Its attributes would be mixed into the first's (and its srclang leaked: found by
         * fuzz/fuzz_tmx.c); the first header stands. */
        r->in_header = 0;
        return problem(r, 0, 0, "a second <header>; only the first is used");
    }
    r->header_seen = 1;
    tp_status st = read_attrs(r, &r->header.attrs, &r->header.attr_count, NULL, NULL);
    if (!st)
        st = check_attrs(r, r->header.attrs, r->header.attr_count, "header");
    const char *src = tp_tm_attr_get(r->header.attrs, r->header.attr_count, "srclang");
    if (!st && !src)
        st = problem(r, 0, 0, "<header> without srclang");
    if (!st && src && !(r->header_srclang = strdup(src)))
        st = tp_error_nomem(r->err);
    r->in_header = !xmlTextReaderIsEmptyElement(r->xr);
    return st;
}

static tp_status send_header(reader *r)
{
    r->in_header = 0;
    if (r->header_sent)
        return TP_OK;
    r->header_sent = 1;
    if (r->h && r->h->header)
        return r->h->header(r->h->ctx, &r->header, r->err);
    return TP_OK;
}

static tp_status start_element(reader *r, const char *name)
{
    if (!strcmp(name, "tu")) {
        tp_status st = send_header(r);
        if (!st && r->unit)
            st = problem(r, 1, 0, "a <tu> inside another");
        return st ? st : start_unit(r);
    }
    if (!strcmp(name, "tuv")) {
        if (!r->unit)
            return problem(r, 0, 0, "a <tuv> outside a <tu>");
        if (r->variant >= 0)
            return problem(r, 1, 0, "a <tuv> inside another");
        return start_variant(r);
    }
    if (!strcmp(name, "seg")) {
        if (!r->unit || r->variant < 0)
            return r->unit ? TP_OK : problem(r, 0, 0, "a <seg> outside a <tuv>");
        tp_tm_variant *v = &r->unit->variants[r->variant];
        if (v->text)
            return problem(r, 1, 0, "a second <seg> in one <tuv>");
        return read_seg(r, v);
    }
    if (!strcmp(name, "prop") || !strcmp(name, "note")) {
        tp_tm_meta_kind kind = name[0] == 'p' ? TP_TM_PROP : TP_TM_NOTE;
        if (r->unit && r->variant >= 0) {
            tp_tm_variant *v = &r->unit->variants[r->variant];
            return read_meta(r, kind, &v->meta, &v->meta_count);
        }
        if (r->unit)
            return read_meta(r, kind, &r->unit->meta, &r->unit->meta_count);
        if (r->in_header)
            return read_meta(r, kind, &r->header.meta, &r->header.meta_count);
        return TP_OK;
    }
    if (!strcmp(name, "header"))
        return start_header(r);
    if (!strcmp(name, "body"))
        return send_header(r);
    return TP_OK;
}

static tp_status end_element(reader *r, const char *name)
{
    if (!strcmp(name, "tu") && r->unit)
        return end_unit(r);
    if (!strcmp(name, "tuv"))
        r->variant = -1;
    else if (!strcmp(name, "header"))
        return send_header(r);
    return TP_OK;
}

static void header_free(tp_tm_header *h)
{
    for (size_t i = 0; i < h->attr_count; i++) {
        free(h->attrs[i].name);
        free(h->attrs[i].value);
    }
    free(h->attrs);
    for (size_t i = 0; i < h->meta_count; i++) {
        free(h->meta[i].type);
        free(h->meta[i].lang);
        free(h->meta[i].encoding);
        free(h->meta[i].text);
    }
    free(h->meta);
    free(h->version);
    memset(h, 0, sizeof *h);
}

static tp_status read_tmx(const char *path, unsigned flags, const tp_tmx_handler *h,
                          int give_units, tp_tmx_stats *stats, tp_error *err)
{
    reader r;
    memset(&r, 0, sizeof r);
    r.give_units = give_units;
    r.path = path;
    r.flags = flags;
    r.h = h;
    r.err = err;
    r.variant = -1;
    struct stat sb;
    if (stat(path, &sb) != 0)
        return tp_error_at(err, TP_ERR_IO, path, 0, 0, "cannot open file");
    size_t plen = strlen(path);
    r.size = plen > 3 && !strcmp(path + plen - 3, ".gz") ? 0 : (unsigned long long)sb.st_size;
    /* No DTD loading, no entity substitution, no network: a hostile file can fetch nothing.
     * The encoding comes from the BOM or the declaration; gzip is undone by libxml2. */
    r.xr = xmlReaderForFile(path, NULL, XML_PARSE_NONET);
    if (!r.xr)
        return tp_error_at(err, TP_ERR_IO, path, 0, 0, "cannot open file");
    xmlTextReaderSetStructuredErrorHandler(r.xr, on_xml_error, &r);
    tp_status st = TP_OK;
    int rc, seen_root = 0;
    while (!st && (rc = xmlTextReaderRead(r.xr)) == 1) {
        int type = xmlTextReaderNodeType(r.xr);
        const char *name = node_name(&r, type);
        if (!name) {
            st = tp_error_nomem(err);
            break;
        }
        if (type == XML_READER_TYPE_ELEMENT) {
            int empty = xmlTextReaderIsEmptyElement(r.xr);
            if (!seen_root) {
                seen_root = 1;
                if (strcmp(name, "tmx") != 0) {
                    unsigned long l, c;
                    position(&r, &l, &c);
                    st = tp_error_at(err, TP_ERR_INPUT, path, l, c,
                                     "not a TMX file: the root element is <%s>, not <tmx>", name);
                    break;
                }
                r.header.version = attr(&r, "version");
                continue;
            }
            st = start_element(&r, name);
            /* The seg reader consumed the whole element; others end here when empty. */
            if (!st && empty && strcmp(name, "seg") != 0)
                st = end_element(&r, name);
        } else if (type == XML_READER_TYPE_END_ELEMENT) {
            st = end_element(&r, name);
        } else if (type == XML_READER_TYPE_ENTITY_REFERENCE && r.unit) {
            st = problem(&r, 1, 0, "entity reference &%s; (entities are not expanded)", name);
        }
    }
    if (!st && r.xml_status)
        st = r.xml_status;
    else if (!st && rc != 0) {
        unsigned long l, c;
        position(&r, &l, &c);
        st = tp_error_at(err, TP_ERR_INPUT, path, l, c, "malformed XML");
    } else if (!st && !seen_root)
        st = tp_error_at(err, TP_ERR_INPUT, path, 1, 1, "not a TMX file: no root element");
    if (!st && r.xml_status)
        st = r.xml_status;
    if (!st && h && h->progress)
        h->progress(h->ctx, r.size, r.size);
    unit_reset(&r);
    header_free(&r.header);
    free(r.header_srclang);
    xmlFreeTextReader(r.xr);
    if (stats)
        *stats = r.stats;
    return st;
}

/* tp_tmx_read; with give_units, h->unit owns each unit it is given (import). */
static tp_status read_file(const char *path, unsigned flags, const tp_tmx_handler *h,
                           int give_units, tp_tmx_stats *stats, tp_error *err)
{
    tp_xml_guard g;
    tp_xml_guard_begin(&g);
    tp_status st = read_tmx(path, flags, h, give_units, stats, err);
    tp_xml_guard_end(&g);
    /* libxml2 may drop a node when an allocation fails and go on (found by
     * tests/fault/test_fault.c): then nothing read counts. */
    if (g.nomem && st != TP_ERR_NOMEM)
        st = tp_error_nomem(err);
    return st;
}

tp_status tp_tmx_read(const char *path, unsigned flags, const tp_tmx_handler *h,
                      tp_tmx_stats *stats, tp_error *err)
{
    return read_file(path, flags, h, 0, stats, err);
}

/* ---- import ---- */

/* A large import runs in two threads: this one reads the files, a writer thread stores the
 * units, a ring of units between them. Making a unit ready to be written (its folded text,
 * packed row, hash and index entries: tp_tm_prep_make) is done by this thread when the ring is
 * at least half full (the writer is behind), else by the writer with a normaliser of its own,
 * so that the work between reading and storing goes to whichever thread has time. A unit is
 * freed by this thread, which allocated it, when its slot is used again. The store is one connection, used by the writer
 * while it runs and by this thread only while the writer waits (a header) or after it ends
 * (the commit): the import is still one transaction. Small files are not worth a thread. */
#define QUEUE_UNITS 256
#define PIPELINE_MIN_BYTES ((unsigned long long)1 << 20)

typedef struct queued {
    tp_tm_unit *unit;     /* owned by the slot: freed when the slot is used again */
    const char *path;
    int64_t header_id;
    tp_tm_prep *prep;     /* the slot's own, kept from unit to unit */
    int prepared;         /* prep holds the unit made ready */
} queued;

typedef struct pipeline {
    pthread_mutex_t mu;
    pthread_cond_t more;  /* a unit was queued, or the reading ended */
    pthread_cond_t room;  /* the writer finished a unit */
    pthread_t writer;
    queued q[QUEUE_UNITS];
    size_t head, n;       /* the units queued and not yet stored: q[head] is being stored */
    int writer_waits;     /* the writer waits for units: tell it when there are some */
    int reader_waits;     /* this thread waits for room or for the writer to finish */
    int done;             /* no more units will come */
    int stop;             /* the read failed: what is queued is dropped */
    tp_status st;         /* the writer's first failure, and its error */
    tp_error err;
    tp_norm *norm;        /* the writer's normaliser (the store's is this thread's) */
} pipeline;

typedef struct import_ctx {
    tp_store *store;
    const char *path;
    int64_t header_id;
    tp_tmx_stats total;
    long merged, merged_variants;   /* by the writer while it runs */
    const tp_tmx_handler *user; /* the caller's problem and progress callbacks, or NULL */
    pipeline *pipe;             /* NULL: units are stored as they are read */
} import_ctx;

/* The error of a unit's failure, placed at the unit's line. */
static tp_status at_unit(tp_error *err, tp_status st, const char *path, unsigned long line)
{
    char msg[TP_ERROR_MESSAGE_MAX];
    snprintf(msg, sizeof msg, "%s", err ? err->message : "");
    return tp_error_at(err, st == TP_ERR_ARG ? TP_ERR_INPUT : st, path, line, 0, "%s", msg);
}

/* Counts a unit the store found it already had. */
static void count_merged(import_ctx *ic, const tp_tm_unit *u, int merged)
{
    ic->merged += merged;
    if (merged)
        ic->merged_variants += (long)u->variant_count;
}

/* Stores one unit as it is read (no writer thread). */
static tp_status store_unit(import_ctx *ic, tp_tm_unit *u, tp_error *err)
{
    int merged = 0;
    tp_status st = tp_store_tm_add_unit(ic->store, u, ic->header_id, &merged, err);
    if (st)
        return at_unit(err, st, ic->path, u->line);
    count_merged(ic, u, merged);
    return TP_OK;
}

/* The writer's part of a queued unit: made ready unless the reader did, then stored. */
static tp_status store_queued(import_ctx *ic, queued *item, tp_error *err)
{
    tp_status st = item->prepared ? TP_OK
                                  : tp_tm_prep_make(item->prep, ic->store, ic->pipe->norm,
                                                    item->unit, err);
    int merged = 0;
    if (!st)
        st = tp_store_tm_add_prepared(ic->store, item->unit, item->prep, item->header_id, &merged,
                                      err);
    tp_tm_prep_trim(item->prep);
    if (st)
        return at_unit(err, st, item->path, item->unit->line);
    count_merged(ic, item->unit, merged);
    return TP_OK;
}

static void *writer_run(void *p)
{
    import_ctx *ic = p;
    pipeline *pl = ic->pipe;
    pthread_mutex_lock(&pl->mu);
    for (;;) {
        while (!pl->n && !pl->done) {
            pl->writer_waits = 1;
            pthread_cond_wait(&pl->more, &pl->mu);
            pl->writer_waits = 0;
        }
        if (!pl->n)
            break;
        queued *item = &pl->q[pl->head];
        int skip = pl->st || pl->stop;
        pthread_mutex_unlock(&pl->mu);
        tp_error e;
        tp_status st = skip ? TP_OK : store_queued(ic, item, &e);
        pthread_mutex_lock(&pl->mu);
        /* The slot leaves the ring only now: the reader does not reuse it while it is read. */
        pl->head = (pl->head + 1) % QUEUE_UNITS;
        pl->n--;
        if (st && !pl->st) {
            pl->st = st;
            pl->err = e;
        }
        /* Waking the reader for every unit would cost more than storing it: only when it
         * waits, and then once the queue is half empty (or empty, or a failure). */
        if (pl->reader_waits && (pl->n <= QUEUE_UNITS / 2 || pl->st))
            pthread_cond_signal(&pl->room);
    }
    pthread_mutex_unlock(&pl->mu);
    return NULL;
}

/* The writer's failure, into err. Called with the lock held. */
static tp_status writer_failure(pipeline *pl, tp_error *err)
{
    if (err)
        *err = pl->err;
    return pl->st;
}

/* Waits until the writer has stored every queued unit (it then waits for more). */
static tp_status pipeline_drain(pipeline *pl, tp_error *err)
{
    pthread_mutex_lock(&pl->mu);
    pthread_cond_signal(&pl->more);   /* fewer units than a batch may be waiting */
    while (pl->n && !pl->st) {
        pl->reader_waits = 1;
        pthread_cond_wait(&pl->room, &pl->mu);
        pl->reader_waits = 0;
    }
    tp_status st = pl->st ? writer_failure(pl, err) : TP_OK;
    pthread_mutex_unlock(&pl->mu);
    return st;
}

/* Ends the writer (dropping what is queued when the read failed); its failure, if any. */
static tp_status pipeline_end(pipeline *pl, int failed, tp_error *err)
{
    pthread_mutex_lock(&pl->mu);
    pl->done = 1;
    pl->stop = failed;
    pthread_cond_signal(&pl->more);
    pthread_mutex_unlock(&pl->mu);
    pthread_join(pl->writer, NULL);
    return !failed && pl->st ? writer_failure(pl, err) : TP_OK;
}

static tp_status import_header(void *p, const tp_tm_header *h, tp_error *err)
{
    import_ctx *ic = p;
    const char *base = strrchr(ic->path, '/');
    /* The header is written by this thread, while the writer waits with nothing queued. */
    tp_status st = ic->pipe ? pipeline_drain(ic->pipe, err) : TP_OK;
    return st ? st : tp_store_tm_add_header(ic->store, h, base ? base + 1 : ic->path,
                                            &ic->header_id, err);
}

/* Owns u: stores it, or queues it for the writer. */
static tp_status import_unit(void *p, tp_tm_unit *u, tp_error *err)
{
    import_ctx *ic = p;
    pipeline *pl = ic->pipe;
    if (!pl) {
        tp_status st = store_unit(ic, u, err);
        tp_tm_unit_free(u);
        return st;
    }
    tp_status st = TP_OK;
    pthread_mutex_lock(&pl->mu);
    while (pl->n == QUEUE_UNITS && !pl->st) {
        pl->reader_waits = 1;
        pthread_cond_wait(&pl->room, &pl->mu);
        pl->reader_waits = 0;
    }
    if (pl->st) {
        st = writer_failure(pl, err);
        pthread_mutex_unlock(&pl->mu);
        tp_tm_unit_free(u);
        return st;
    }
    /* The slot past the ring's end is this thread's until it is queued. */
    queued *slot = &pl->q[(pl->head + pl->n) % QUEUE_UNITS];
    int behind = pl->n >= QUEUE_UNITS / 2;
    pthread_mutex_unlock(&pl->mu);
    tp_tm_unit_free(slot->unit);
    *slot = (queued){u, ic->path, ic->header_id, slot->prep, 0};
    if (behind) {
        if ((st = tp_tm_prep_make(slot->prep, ic->store, NULL, u, err))) {
            st = at_unit(err, st, ic->path, u->line);
            slot->unit = NULL;
            tp_tm_unit_free(u);
            return st;
        }
        slot->prepared = 1;
    }
    pthread_mutex_lock(&pl->mu);
    pl->n++;
    /* The writer is woken with a batch of units, not each one. */
    if (pl->writer_waits && pl->n >= QUEUE_UNITS / 4)
        pthread_cond_signal(&pl->more);
    pthread_mutex_unlock(&pl->mu);
    return TP_OK;
}

/* The caller's problem and progress callbacks, called with the caller's context. */
static void import_problem(void *p, const tp_error *problem, int skipped)
{
    import_ctx *ic = p;
    if (ic->user && ic->user->problem)
        ic->user->problem(ic->user->ctx, problem, skipped);
}

static void import_progress(void *p, unsigned long long done, unsigned long long total)
{
    import_ctx *ic = p;
    if (ic->user && ic->user->progress)
        ic->user->progress(ic->user->ctx, done, total);
}

/* Frees the slots' units and buffers and pl (its thread ended, or never started). */
static void pipeline_free(pipeline *pl)
{
    if (!pl)
        return;
    for (size_t i = 0; i < QUEUE_UNITS; i++) {
        tp_tm_unit_free(pl->q[i].unit);
        tp_tm_prep_free(pl->q[i].prep);
    }
    tp_norm_free(pl->norm);
    free(pl);
}

/* A writer thread for a large import, or NULL (then units are stored as they are read). */
static pipeline *pipeline_start(import_ctx *ic, const char *const *paths, size_t count)
{
    unsigned long long bytes = 0;
    struct stat sb;
    for (size_t i = 0; i < count; i++)
        if (stat(paths[i], &sb) == 0)
            bytes += (unsigned long long)sb.st_size;
    if (bytes < PIPELINE_MIN_BYTES)
        return NULL;
    pipeline *pl = calloc(1, sizeof *pl);
    if (!pl)
        return NULL;
    for (size_t i = 0; i < QUEUE_UNITS; i++)
        if (!(pl->q[i].prep = tp_tm_prep_new())) {
            pipeline_free(pl);
            return NULL;
        }
    /* A normaliser is not shared between threads: the writer folds with its own. */
    if (tp_norm_new(&pl->norm, NULL) != TP_OK) {
        pipeline_free(pl);
        return NULL;
    }
    if (pthread_mutex_init(&pl->mu, NULL) == 0) {
        if (pthread_cond_init(&pl->more, NULL) == 0) {
            if (pthread_cond_init(&pl->room, NULL) == 0) {
                ic->pipe = pl;
                if (pthread_create(&pl->writer, NULL, writer_run, ic) == 0)
                    return pl;
                ic->pipe = NULL;
                pthread_cond_destroy(&pl->room);
            }
            pthread_cond_destroy(&pl->more);
        }
        pthread_mutex_destroy(&pl->mu);
    }
    pipeline_free(pl);
    return NULL;
}

tp_status tp_tmx_import(tp_store *store, const char *const *paths, size_t count, unsigned flags,
                        const tp_tmx_handler *handler, tp_tmx_stats *stats, tp_error *err)
{
    import_ctx ic;
    memset(&ic, 0, sizeof ic);
    ic.store = store;
    ic.user = handler;
    tp_tmx_handler h = {import_header, import_unit, import_problem, import_progress, &ic};
    /* One bulk transaction: a failure anywhere rolls back every file, so units need no
     * savepoint each. */
    tp_status st = tp_store_begin_bulk(store, err);
    pipeline *pl = st ? NULL : pipeline_start(&ic, paths, count);
    for (size_t i = 0; !st && i < count; i++) {
        ic.path = paths[i];
        ic.header_id = 0;
        tp_tmx_stats one;
        st = read_file(paths[i], flags, &h, 1, &one, err);
        ic.total.units += one.units;
        ic.total.skipped += one.skipped;
        ic.total.variants += one.variants;
        ic.total.problems += one.problems;
    }
    if (pl) {
        tp_status wst = pipeline_end(pl, st != TP_OK, err);
        if (!st)
            st = wst;
        pthread_cond_destroy(&pl->room);
        pthread_cond_destroy(&pl->more);
        pthread_mutex_destroy(&pl->mu);
        pipeline_free(pl);
        ic.pipe = NULL;
    }
    if (!st)
        st = tp_store_commit(store, err);
    else
        tp_store_rollback(store);
    if (!st && stats) {
        *stats = ic.total;
        stats->units -= ic.merged;
        stats->variants -= ic.merged_variants;
        stats->merged = ic.merged;
    }
    return st;
}
