/* The exporter: TBX v3 TBX-Basic and TBX v2 with libxml2's xmlTextWriter, and OmegaT's TSV and
 * CSV glossaries. TBX-Basic allows a fixed set of data categories, and in some places either
 * those or elements of other namespaces but not both; the writer picks, per place, the form that
 * validates, and puts what TBX-Basic lacks into <tp:extra> as escaped XML (the reader in tbx.c
 * undoes all of it), so an export validates and a re-import loses nothing. */
#include "toponym/export.h"
#include "buf_int.h"
#include "error_int.h"
#include "exchange_int.h"

#include <libxml/tree.h>
#include <libxml/xmlsave.h>
#include <libxml/xmlwriter.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct exporter {
    tp_store *store;
    const tp_export_opts *o;
    FILE *out;
    xmlTextWriterPtr w;
    int v2;
    unsigned statuses;
    tp_export_summary sum;
    tp_error *err;
} exporter;

static int lang_wanted(const exporter *x, const char *lang)
{
    if (!x->o->langs)
        return 1;
    for (size_t i = 0; i < x->o->lang_count; i++)
        if (!strcasecmp(x->o->langs[i], lang))
            return 1;
    return 0;
}

static int term_wanted(const exporter *x, const tp_term *t)
{
    return (x->statuses & (1u << t->status)) && lang_wanted(x, t->lang);
}

/* ---- TBX ---- */

#define W(call)                                                                                \
    do {                                                                                       \
        if ((call) < 0)                                                                        \
            return tp_error_set(x->err, TP_ERR_IO, "cannot write the export");                  \
    } while (0)

/* Parses kept extra data into a tree whose root's children are the kept elements. */
static xmlDocPtr parse_extra(const char *extra)
{
    if (!extra || !*extra)
        return NULL;
    size_t n = strlen(extra);
    char *s = malloc(n + 8);
    if (!s)
        return NULL;
    memcpy(s, "<x>", 3);
    memcpy(s + 3, extra, n);
    memcpy(s + 3 + n, "</x>", 5);
    xmlDocPtr doc = xmlReadMemory(s, (int)(n + 7), NULL, "UTF-8",
                                  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    free(s);
    return doc;
}

static int is_element(xmlNodePtr n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && !n->ns && !strcmp((const char *)n->name, name);
}

static int basic_node(xmlNodePtr n)
{
    if (n->type != XML_ELEMENT_NODE)
        return 1;
    if (n->ns)
        return 0;
    xmlChar *type = xmlGetProp(n, (const xmlChar *)"type");
    int ok = tp_tbx_basic_category((const char *)n->name, (const char *)type);
    xmlFree(type);
    if (ok && !strcmp((const char *)n->name, "date")) {
        /* TBX-Basic's date is xsd:date: a date and time (as TBX v2 files have) is not one. */
        xmlChar *v = xmlNodeGetContent(n);
        const char *d = v ? (const char *)v : "";
        ok = strlen(d) == 10 && d[4] == '-' && d[7] == '-';
        for (int i = 0; ok && i < 10; i++)
            ok = i == 4 || i == 7 || (d[i] >= '0' && d[i] <= '9');
        xmlFree(v);
    }
    for (xmlNodePtr c = n->children; ok && c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, "descrip") &&
            strcmp((const char *)n->name, "note") && strcmp((const char *)n->name, "admin") &&
            strcmp((const char *)n->name, "termNote"))
            ok = basic_node(c);
    return ok;
}

/* Attributes that are IDREFs in TBX v3 and point into parts of a file that toponym does not
 * keep (a transacNote's target names a person in the back matter): dropped, or the file would
 * not validate. */
static int dangling_idref(xmlNodePtr n, xmlAttrPtr a)
{
    return !strcmp((const char *)a->name, "target") && !a->ns &&
           strcmp((const char *)n->name, "xref") && strcmp((const char *)n->name, "ref");
}

/* Replays a kept element through the writer, so that it is indented and its namespaces are
 * declared like the rest of the file. */
static tp_status write_raw(exporter *x, xmlNodePtr n)
{
    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
        W(xmlTextWriterWriteString(x->w, n->content));
        return TP_OK;
    }
    if (n->type != XML_ELEMENT_NODE)
        return TP_OK;
    if (n->ns && n->ns->href)
        W(xmlTextWriterStartElementNS(x->w, n->ns->prefix, n->name, n->ns->href));
    else
        W(xmlTextWriterStartElement(x->w, n->name));
    for (xmlAttrPtr a = n->properties; a; a = a->next) {
        if (!x->v2 && dangling_idref(n, a))
            continue;
        xmlChar *v = xmlNodeListGetString(n->doc, a->children, 1);
        char name[128];
        snprintf(name, sizeof name, "%s%s%s", a->ns && a->ns->prefix ? (const char *)a->ns->prefix : "",
                 a->ns && a->ns->prefix ? ":" : "", (const char *)a->name);
        int rc = xmlTextWriterWriteAttribute(x->w, BAD_CAST name, v ? v : BAD_CAST "");
        xmlFree(v);
        if (rc < 0)
            return tp_error_set(x->err, TP_ERR_IO, "cannot write the export");
    }
    for (xmlNodePtr c = n->children; c; c = c->next) {
        tp_status st = write_raw(x, c);
        if (st)
            return st;
    }
    W(xmlTextWriterEndElement(x->w));
    return TP_OK;
}

static tp_status write_kept(exporter *x, xmlNodePtr n)
{
    xmlBufferPtr b = xmlBufferCreate();
    if (!b)
        return tp_error_nomem(x->err);
    xmlNodeDump(b, n->doc, n, 0, 0);
    int rc = xmlTextWriterWriteElementNS(x->w, BAD_CAST "tp", BAD_CAST "extra", NULL,
                                         xmlBufferContent(b));
    xmlBufferFree(b);
    x->sum.wrapped++;
    return rc < 0 ? tp_error_set(x->err, TP_ERR_IO, "cannot write the export") : TP_OK;
}

/* A list of elements for one auxInfo place (entry, language section or term, after its term
 * notes): toponym's own fields, made into elements, then the kept ones. */
typedef struct items {
    xmlNodePtr node[256];
    size_t count;
    xmlDocPtr own;      /* holds the elements made from fields */
} items;

static void items_add(items *it, xmlNodePtr n)
{
    if (it->count < sizeof it->node / sizeof it->node[0])
        it->node[it->count++] = n;
}

static xmlNodePtr make(items *it, const char *ns, const char *name, const char *type,
                       const char *text)
{
    if (!it->own) {
        it->own = xmlNewDoc(BAD_CAST "1.0");
        xmlDocSetRootElement(it->own, xmlNewDocNode(it->own, NULL, BAD_CAST "x", NULL));
    }
    xmlNodePtr root = xmlDocGetRootElement(it->own);
    xmlNodePtr n = xmlNewTextChild(root, NULL, BAD_CAST name, BAD_CAST text);
    if (ns)
        xmlSetNs(n, xmlNewNs(n, BAD_CAST ns, BAD_CAST "tp"));
    if (type)
        xmlSetProp(n, BAD_CAST "type", BAD_CAST type);
    items_add(it, n);
    return n;
}

/* Writes the items in the form that validates: the plain TBX-Basic choice when all of them are
 * TBX-Basic categories, else the choice that admits other namespaces, wrapping descrip and admin
 * in their groups and keeping the rest in <tp:extra>. v2 writes everything as it is. */
static tp_status write_items(exporter *x, items *it, int in_term)
{
    int plain = 1;
    for (size_t i = 0; i < it->count; i++)
        plain &= basic_node(it->node[i]);
    tp_status st = TP_OK;
    /* Foreign elements first: libxml2's RELAX NG validator commits to the first choice of
     * entity.auxInfo when a shared element (transacGrp, note) comes first, and then refuses
     * the foreign ones; the schema allows any order. */
    for (int pass = 0; pass < 2 && !st; pass++) {
        for (size_t i = 0; i < it->count && !st; i++) {
            xmlNodePtr n = it->node[i];
            if (n->type != XML_ELEMENT_NODE)
                continue;
            if (x->v2 || plain) {
                if (pass == 1)
                    continue;
                if (x->v2 && n->ns && !strcmp((const char *)n->ns->href, TP_TOPONYM_NS))
                    continue; /* written as term notes in v2 */
                st = write_raw(x, n);
                continue;
            }
            int group = (is_element(n, "descripGrp") || is_element(n, "adminGrp")) && basic_node(n);
            int wrap = (is_element(n, "descrip") || is_element(n, "admin")) && basic_node(n);
            /* libxml2's validator (2.9) refuses a transacGrp beside foreign elements in an
             * entry or language section, though the schema allows it: keep it instead. */
            int as_is = is_element(n, "note") || group ||
                        (in_term && is_element(n, "transacGrp") && basic_node(n));
            int foreign = !as_is && !wrap;
            if (foreign != (pass == 0))
                continue;
            if (n->ns) {
                st = write_raw(x, n);
            } else if (as_is) {
                st = write_raw(x, n);
            } else if (wrap) {
                W(xmlTextWriterStartElement(x->w, is_element(n, "descrip") ? BAD_CAST "descripGrp"
                                                                            : BAD_CAST "adminGrp"));
                if (!(st = write_raw(x, n)))
                    W(xmlTextWriterEndElement(x->w));
            } else {
                st = write_kept(x, n);
            }
        }
    }
    return st;
}

static void items_free(items *it)
{
    xmlFreeDoc(it->own);
}

static const char *status_value(tp_term_status s)
{
    switch (s) {
    case TP_TERM_PREFERRED: return "preferredTerm-admn-sts";
    case TP_TERM_ADMITTED: return "admittedTerm-admn-sts";
    case TP_TERM_DEPRECATED: return "deprecatedTerm-admn-sts";
    case TP_TERM_SUPERSEDED: return "supersededTerm-admn-sts";
    case TP_TERM_FORBIDDEN: return "forbiddenTerm-admn-sts";
    }
    return "admittedTerm-admn-sts";
}

static tp_status term_note(exporter *x, const char *type, const char *text)
{
    W(xmlTextWriterStartElement(x->w, BAD_CAST "termNote"));
    W(xmlTextWriterWriteAttribute(x->w, BAD_CAST "type", BAD_CAST type));
    W(xmlTextWriterWriteString(x->w, BAD_CAST text));
    W(xmlTextWriterEndElement(x->w));
    return TP_OK;
}

static tp_status write_term(exporter *x, const tp_term *t)
{
    tp_status st = TP_OK;
    W(xmlTextWriterStartElement(x->w, x->v2 ? BAD_CAST "tig" : BAD_CAST "termSec"));
    W(xmlTextWriterWriteElement(x->w, BAD_CAST "term", BAD_CAST t->text));
    if ((st = term_note(x, "administrativeStatus", status_value(t->status))))
        return st;
    if (t->usage && (st = term_note(x, "geographicalUsage", t->usage)))
        return st;
    if (x->v2 && t->reading && (st = term_note(x, "pronunciation", t->reading)))
        return st;
    if (x->v2 && t->scheme &&
        (st = term_note(x, "transliterationScheme", tp_scheme_name(t->scheme))))
        return st;
    xmlDocPtr extra = parse_extra(t->extra);
    items it = {{0}, 0, NULL};
    /* Kept TBX-Basic term notes go with the term notes; everything else after them. */
    for (xmlNodePtr n = extra ? xmlDocGetRootElement(extra)->children : NULL; n && !st; n = n->next) {
        if ((is_element(n, "termNote") || is_element(n, "termNoteGrp")) && basic_node(n))
            st = write_raw(x, n);
    }
    if (t->note)
        make(&it, NULL, "note", NULL, t->note);
    if (t->source)
        make(&it, NULL, "admin", "source", t->source);
    for (xmlNodePtr n = extra ? xmlDocGetRootElement(extra)->children : NULL; n; n = n->next)
        if (n->type == XML_ELEMENT_NODE &&
            !((is_element(n, "termNote") || is_element(n, "termNoteGrp")) && basic_node(n)))
            items_add(&it, n);
    if (!x->v2 && t->reading)
        make(&it, TP_TOPONYM_NS, "reading", NULL, t->reading);
    if (!x->v2 && t->scheme)
        make(&it, TP_TOPONYM_NS, "scheme", NULL, tp_scheme_name(t->scheme));
    if (!st)
        st = write_items(x, &it, 1);
    items_free(&it);
    xmlFreeDoc(extra);
    if (st)
        return st;
    W(xmlTextWriterEndElement(x->w));
    x->sum.terms++;
    return TP_OK;
}

static int id_ok(const char *id)
{
    return id && xmlValidateNCName(BAD_CAST id, 0) == 0;
}

static tp_status write_entry(void *ctx, tp_concept *c, unsigned long line, tp_error *err)
{
    exporter *x = ctx;
    (void)line;
    (void)err;
    size_t wanted = 0;
    for (size_t i = 0; i < c->term_count; i++)
        wanted += term_wanted(x, &c->terms[i]);
    if (!wanted)
        return TP_OK;
    tp_status st = TP_OK;
    W(xmlTextWriterStartElement(x->w, x->v2 ? BAD_CAST "termEntry" : BAD_CAST "conceptEntry"));
    char id[32];
    snprintf(id, sizeof id, "c%lld", (long long)c->id);
    W(xmlTextWriterWriteAttribute(x->w, BAD_CAST "id", BAD_CAST(id_ok(c->ext_id) ? c->ext_id : id)));
    xmlDocPtr extra = parse_extra(c->extra);
    xmlNodePtr kept = extra ? xmlDocGetRootElement(extra)->children : NULL;
    items it = {{0}, 0, NULL};
    if (c->subject)
        make(&it, NULL, "descrip", "subjectField", c->subject);
    if (c->note)
        make(&it, NULL, "note", NULL, c->note);
    if (c->source)
        make(&it, NULL, "admin", "source", c->source);
    for (size_t i = 0; i < c->link_count; i++) {
        const tp_link *l = &c->links[i];
        /* A target outside this file would break IDREF validity: name it without target=. */
        tp_concept *target = NULL;
        int found = tp_store_find_concept(x->store, l->target, &target, NULL) == TP_OK;
        int inside = found && id_ok(l->target) && !x->o->langs && !x->o->statuses;
        /* Without a display text of its own, the reference shows the target's English name. */
        const tp_term *name = found && !l->text ? tp_concept_preferred(target, "en") : NULL;
        xmlNodePtr n = make(&it, NULL, "ref", "crossReference",
                            l->text ? l->text : name ? name->text : l->target);
        tp_concept_free(target);
        if (inside)
            xmlSetProp(n, BAD_CAST "target", BAD_CAST l->target);
    }
    for (xmlNodePtr n = kept; n; n = n->next)
        if (n->type == XML_ELEMENT_NODE && !is_element(n, "langSec"))
            items_add(&it, n);
    st = write_items(x, &it, 0);
    items_free(&it);
    /* Language sections in the order of the concept's terms. */
    for (size_t i = 0; i < c->term_count && !st; i++) {
        const char *lang = c->terms[i].lang;
        int first = 1, any = 0;
        for (size_t k = 0; k < i && first; k++)
            first = strcmp(c->terms[k].lang, lang) != 0;
        for (size_t k = i; k < c->term_count; k++)
            any |= !strcmp(c->terms[k].lang, lang) && term_wanted(x, &c->terms[k]);
        if (!first || !any)
            continue;
        W(xmlTextWriterStartElement(x->w, x->v2 ? BAD_CAST "langSet" : BAD_CAST "langSec"));
        W(xmlTextWriterWriteAttribute(x->w, BAD_CAST "xml:lang", BAD_CAST lang));
        items li = {{0}, 0, NULL};
        for (xmlNodePtr n = kept; n; n = n->next) {
            if (!is_element(n, "langSec"))
                continue;
            xmlChar *l = xmlNodeGetLang(n);
            if (l && !strcmp((const char *)l, lang))
                for (xmlNodePtr k = n->children; k; k = k->next)
                    if (k->type == XML_ELEMENT_NODE)
                        items_add(&li, k);
            xmlFree(l);
        }
        st = write_items(x, &li, 0);
        items_free(&li);
        for (size_t k = i; k < c->term_count && !st; k++)
            if (!strcmp(c->terms[k].lang, lang) && term_wanted(x, &c->terms[k]))
                st = write_term(x, &c->terms[k]);
        if (!st)
            W(xmlTextWriterEndElement(x->w));
    }
    xmlFreeDoc(extra);
    if (st)
        return st;
    W(xmlTextWriterEndElement(x->w));
    x->sum.concepts++;
    return TP_OK;
}

static tp_status export_tbx(exporter *x)
{
    xmlOutputBufferPtr ob = xmlOutputBufferCreateFile(x->out, NULL);
    if (!ob || !(x->w = xmlNewTextWriter(ob)))
        return tp_error_nomem(x->err);
    xmlTextWriterSetIndent(x->w, 1);
    xmlTextWriterSetIndentString(x->w, BAD_CAST "  ");
    const char *lang = x->o->langs && x->o->lang_count ? x->o->langs[0] : "en";
    W(xmlTextWriterStartDocument(x->w, "1.0", "UTF-8", NULL));
    if (x->v2) {
        /* Tools that read v2 expect the doctype; nobody needs to fetch it. */
        W(xmlTextWriterWriteDTD(x->w, BAD_CAST "martif", NULL, BAD_CAST "TBXcoreStructV02.dtd",
                                NULL));
        W(xmlTextWriterStartElement(x->w, BAD_CAST "martif"));
        W(xmlTextWriterWriteAttribute(x->w, BAD_CAST "type", BAD_CAST "TBX"));
        W(xmlTextWriterWriteAttribute(x->w, BAD_CAST "xml:lang", BAD_CAST lang));
        W(xmlTextWriterStartElement(x->w, BAD_CAST "martifHeader"));
    } else {
        W(xmlTextWriterStartElementNS(x->w, NULL, BAD_CAST "tbx", BAD_CAST TP_TBX_NS));
        W(xmlTextWriterWriteAttribute(x->w, BAD_CAST "type", BAD_CAST "TBX-Basic"));
        W(xmlTextWriterWriteAttribute(x->w, BAD_CAST "style", BAD_CAST "dca"));
        W(xmlTextWriterWriteAttribute(x->w, BAD_CAST "xml:lang", BAD_CAST lang));
        W(xmlTextWriterWriteAttribute(x->w, BAD_CAST "xmlns:tp", BAD_CAST TP_TOPONYM_NS));
        W(xmlTextWriterStartElement(x->w, BAD_CAST "tbxHeader"));
    }
    W(xmlTextWriterStartElement(x->w, BAD_CAST "fileDesc"));
    W(xmlTextWriterStartElement(x->w, BAD_CAST "sourceDesc"));
    W(xmlTextWriterWriteElement(x->w, BAD_CAST "p", BAD_CAST "Exported by toponym"));
    W(xmlTextWriterEndElement(x->w));
    W(xmlTextWriterEndElement(x->w));
    W(xmlTextWriterEndElement(x->w));
    W(xmlTextWriterStartElement(x->w, BAD_CAST "text"));
    W(xmlTextWriterStartElement(x->w, BAD_CAST "body"));
    tp_status st = tp_store_each_concept(x->store, write_entry, x, x->err);
    if (st)
        return st;
    W(xmlTextWriterEndDocument(x->w));
    W(xmlTextWriterFlush(x->w));
    return TP_OK;
}

/* ---- TSV and CSV ---- */

static void put_field(exporter *x, const char *s)
{
    if (x->o->format == TP_FORMAT_CSV && strpbrk(s, ",\"\n\r")) {
        fputc('"', x->out);
        for (; *s; s++) {
            if (*s == '"')
                fputc('"', x->out);
            fputc(*s, x->out);
        }
        fputc('"', x->out);
        return;
    }
    /* A tab or line break inside a TSV field would start a new field or row. */
    for (; *s; s++)
        fputc(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s, x->out);
}

static tp_status write_rows(void *ctx, tp_concept *c, unsigned long line, tp_error *err)
{
    exporter *x = ctx;
    (void)line;
    const tp_term *src = tp_concept_preferred(c, x->o->langs[0]);
    if (!src)
        return TP_OK;
    char sep = x->o->format == TP_FORMAT_CSV ? ',' : '\t';
    long rows = 0;
    for (int status = TP_TERM_PREFERRED; status <= TP_TERM_FORBIDDEN; status++) {
        for (size_t i = 0; i < c->term_count; i++) {
            const tp_term *t = &c->terms[i];
            if ((int)t->status != status || strcasecmp(t->lang, x->o->langs[1]) ||
                !(x->statuses & (1u << t->status)))
                continue;
            /* The comment is one field: status, the term's note, and on the concept's first
             * row its note (the reader splits them again, see tsv.c). */
            tp_buf comment = TP_BUF_INIT;
            tp_status st = tp_buf_puts(&comment, tp_term_status_name(t->status));
            if (!st && t->note && *t->note &&
                !(st = tp_buf_puts(&comment, "; ")))
                st = tp_buf_puts(&comment, t->note);
            if (!st && !rows && c->note && *c->note &&
                !(st = tp_buf_puts(&comment, "; " TP_TSV_CONCEPT_NOTE)))
                st = tp_buf_puts(&comment, c->note);
            if (st) {
                tp_buf_free(&comment);
                return st == TP_ERR_NOMEM ? tp_error_nomem(err)
                                          : tp_error_set(err, st, "a note too long to export");
            }
            put_field(x, src->text);
            fputc(sep, x->out);
            put_field(x, t->text);
            fputc(sep, x->out);
            put_field(x, comment.data);
            tp_buf_free(&comment);
            fputc('\n', x->out);
            rows++;
        }
    }
    x->sum.terms += rows;
    x->sum.concepts += rows > 0;
    return ferror(x->out) ? tp_error_set(x->err, TP_ERR_IO, "cannot write the export") : TP_OK;
}

tp_status tp_export(tp_store *store, const tp_export_opts *opts, FILE *out,
                    tp_export_summary *summary, tp_error *err)
{
    exporter x = {0};
    x.store = store;
    x.o = opts;
    x.out = out;
    x.err = err;
    tp_format f = opts->format == TP_FORMAT_AUTO ? TP_FORMAT_TBX : opts->format;
    tp_status st;
    if (f == TP_FORMAT_TSV || f == TP_FORMAT_CSV) {
        if (!opts->langs || opts->lang_count != 2)
            return tp_error_set(err, TP_ERR_ARG, "a %s glossary needs two languages, source and "
                                                 "target", tp_format_name(f));
        x.statuses = opts->statuses ? opts->statuses
                                    : (1u << TP_TERM_PREFERRED) | (1u << TP_TERM_ADMITTED);
        st = tp_store_each_concept(store, write_rows, &x, err);
        if (!st && fflush(out) != 0)
            st = tp_error_set(err, TP_ERR_IO, "cannot write the export");
    } else if (f == TP_FORMAT_TBX || f == TP_FORMAT_TBX2) {
        x.v2 = f == TP_FORMAT_TBX2;
        x.statuses = opts->statuses ? opts->statuses : ~0u;
        st = export_tbx(&x);
        xmlFreeTextWriter(x.w);
    } else {
        return tp_error_set(err, TP_ERR_ARG, "cannot export as %s", tp_format_name(f));
    }
    if (!st && summary)
        *summary = x.sum;
    return st;
}
