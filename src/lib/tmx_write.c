/* Writing TMX 1.4b with libxml2's xmlTextWriter: a full header, each unit with its props, notes
 * and attributes, inline markup written back as it was read. Only attributes the 1.4b DTD
 * declares are written, so the output validates whatever the input tool wrote. The glossary is
 * written the same way, a unit per concept holding its preferred terms. */
#include "toponym/tmx.h"
#include "error_int.h"

#include <libxml/xmlwriter.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static const char *const unit_attrs[] = {
    "tuid", "o-encoding", "datatype", "usagecount", "lastusagedate", "creationtool",
    "creationtoolversion", "creationdate", "creationid", "changedate", "segtype", "changeid",
    "o-tmf", NULL};
static const char *const variant_attrs[] = {
    "o-encoding", "datatype", "usagecount", "lastusagedate", "creationtool",
    "creationtoolversion", "creationdate", "creationid", "changedate", "changeid", "o-tmf", NULL};

typedef struct writer {
    xmlTextWriterPtr w;
    const tp_tmx_export_opts *o;
    long units;
    int failed;
} writer;

#define X(s) ((const xmlChar *)(s))

static void check(writer *wr, int rc)
{
    if (rc < 0)
        wr->failed = 1;
}

static int allowed(const char *const *names, const char *name)
{
    for (; *names; names++)
        if (!strcmp(*names, name))
            return 1;
    return 0;
}

static void write_attrs(writer *wr, const tp_tm_attr *a, size_t n, const char *const *names)
{
    for (size_t i = 0; i < n; i++)
        if (allowed(names, a[i].name))
            check(wr, xmlTextWriterWriteAttribute(wr->w, X(a[i].name), X(a[i].value)));
}

static void write_meta(writer *wr, const tp_tm_meta *m, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        check(wr, xmlTextWriterStartElement(wr->w, X(m[i].kind == TP_TM_PROP ? "prop" : "note")));
        /* A prop must have a type: one written without it gets the TMX "x-" user prefix. */
        if (m[i].kind == TP_TM_PROP)
            check(wr, xmlTextWriterWriteAttribute(wr->w, X("type"),
                                                  X(m[i].type ? m[i].type : "x-untyped")));
        if (m[i].lang)
            check(wr, xmlTextWriterWriteAttribute(wr->w, X("xml:lang"), X(m[i].lang)));
        if (m[i].encoding)
            check(wr, xmlTextWriterWriteAttribute(wr->w, X("o-encoding"), X(m[i].encoding)));
        check(wr, xmlTextWriterWriteString(wr->w, X(m[i].text)));
        check(wr, xmlTextWriterEndElement(wr->w));
    }
}

static int wanted(const writer *wr, const char *lang)
{
    if (!wr->o || !wr->o->langs)
        return 1;
    for (size_t i = 0; i < wr->o->lang_count; i++)
        if (tp_tm_lang_meets(lang, wr->o->langs[i]))
            return 1;
    return 0;
}

static tp_status write_unit(void *ctx, const tp_tm_unit *u, tp_error *err)
{
    writer *wr = ctx;
    /* Pair-wise export: only units that hold every language asked for. */
    for (size_t i = 0; wr->o && wr->o->langs && i < wr->o->lang_count; i++)
        if (!tp_tm_unit_variant(u, wr->o->langs[i]))
            return TP_OK;
    int any = 0;
    for (size_t i = 0; i < u->variant_count; i++)
        any |= wanted(wr, u->variants[i].lang);
    if (!any)
        return TP_OK;
    check(wr, xmlTextWriterStartElement(wr->w, X("tu")));
    write_attrs(wr, u->attrs, u->attr_count, unit_attrs);
    /* A unit's own srclang only when it names a variant that is written (or *all*). */
    const char *src = tp_tm_attr_get(u->attrs, u->attr_count, "srclang");
    if (src && (!strcmp(src, "*all*") || (wanted(wr, src) && tp_tm_unit_variant(u, src))))
        check(wr, xmlTextWriterWriteAttribute(wr->w, X("srclang"), X(src)));
    write_meta(wr, u->meta, u->meta_count);
    for (size_t i = 0; i < u->variant_count; i++) {
        const tp_tm_variant *v = &u->variants[i];
        if (!wanted(wr, v->lang))
            continue;
        check(wr, xmlTextWriterStartElement(wr->w, X("tuv")));
        check(wr, xmlTextWriterWriteAttribute(wr->w, X("xml:lang"), X(v->lang)));
        write_attrs(wr, v->attrs, v->attr_count, variant_attrs);
        write_meta(wr, v->meta, v->meta_count);
        check(wr, xmlTextWriterStartElement(wr->w, X("seg")));
        /* The markup was serialised by the reader and is well-formed: written as it is. */
        if (v->markup)
            check(wr, xmlTextWriterWriteRaw(wr->w, X(v->markup)));
        else
            check(wr, xmlTextWriterWriteString(wr->w, X(v->text)));
        check(wr, xmlTextWriterEndElement(wr->w));
        check(wr, xmlTextWriterEndElement(wr->w));
    }
    check(wr, xmlTextWriterEndElement(wr->w));
    wr->units++;
    return wr->failed ? tp_error_set(err, TP_ERR_IO, "cannot write TMX") : TP_OK;
}

/* A concept as a unit: per language tag, its preferred term (or its first admitted one); tags
 * with only deprecated, superseded or forbidden terms are left out. */
static tp_status write_concept(void *ctx, tp_concept *c, unsigned long line, tp_error *err)
{
    (void)line;
    tp_tm_unit *u = tp_tm_unit_new();
    if (!u)
        return tp_error_nomem(err);
    tp_status st = TP_OK;
    if (c->ext_id)
        st = tp_tm_attr_add(&u->attrs, &u->attr_count, "tuid", c->ext_id, err);
    if (!st && c->subject) {
        tp_tm_meta m = {TP_TM_PROP, "x-subject", NULL, NULL, c->subject};
        st = tp_tm_meta_add(&u->meta, &u->meta_count, &m, err);
    }
    for (size_t i = 0; !st && i < c->term_count; i++) {
        const tp_term *t = tp_concept_preferred(c, c->terms[i].lang);
        if (t != &c->terms[i] || t->status > TP_TERM_ADMITTED)
            continue;   /* another term of its language, or one not to be used */
        const writer *wr = ctx;
        int asked = !wr->o || !wr->o->langs;
        for (size_t k = 0; !asked && k < wr->o->lang_count; k++)
            asked = !strcasecmp(t->lang, wr->o->langs[k]);
        if (!asked)
            continue;   /* "ja" asks for Japanese, not for its romanisation ja-Latn */
        tp_tm_variant *v;
        if (!(st = tp_tm_unit_add_variant(u, t->lang, &v, err)) && !(v->text = strdup(t->text)))
            st = tp_error_nomem(err);
    }
    if (!st && u->variant_count)
        st = write_unit(ctx, u, err);
    tp_tm_unit_free(u);
    return st;
}

static tp_status export(tp_store *store, const char *path, const tp_tmx_export_opts *opts,
                        int glossary, long *units, tp_error *err)
{
    writer wr = {NULL, opts, 0, 0};
    char now[32];
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(now, sizeof now, "%Y%m%dT%H%M%SZ", &tm);
    const char *src = opts && opts->source ? opts->source
                      : opts && opts->langs && opts->lang_count ? opts->langs[0] : "*all*";
    wr.w = xmlNewTextWriterFilename(path, 0);
    if (!wr.w)
        return tp_error_at(err, TP_ERR_IO, path, 0, 0, "cannot write file");
    check(&wr, xmlTextWriterSetIndent(wr.w, 1));
    check(&wr, xmlTextWriterSetIndentString(wr.w, X("  ")));
    check(&wr, xmlTextWriterStartDocument(wr.w, "1.0", "UTF-8", NULL));
    check(&wr, xmlTextWriterWriteDTD(wr.w, X("tmx"), NULL, X("tmx14.dtd"), NULL));
    check(&wr, xmlTextWriterStartElement(wr.w, X("tmx")));
    check(&wr, xmlTextWriterWriteAttribute(wr.w, X("version"), X("1.4")));
    check(&wr, xmlTextWriterStartElement(wr.w, X("header")));
    const char *attrs[][2] = {
        {"creationtool", "toponym"},
        {"creationtoolversion", opts && opts->tool_version ? opts->tool_version : "unknown"},
        {"segtype", glossary ? "phrase" : "sentence"},
        {"o-tmf", "toponym"},
        {"adminlang", "en"},
        {"srclang", src},
        {"datatype", "plaintext"},
        {"creationdate", opts && opts->creationdate ? opts->creationdate : now}};
    for (size_t i = 0; i < sizeof attrs / sizeof attrs[0]; i++)
        check(&wr, xmlTextWriterWriteAttribute(wr.w, X(attrs[i][0]), X(attrs[i][1])));
    check(&wr, xmlTextWriterEndElement(wr.w));
    check(&wr, xmlTextWriterStartElement(wr.w, X("body")));
    tp_status st = wr.failed   ? tp_error_at(err, TP_ERR_IO, path, 0, 0, "cannot write TMX")
                   : glossary ? tp_store_each_concept(store, write_concept, &wr, err)
                              : tp_store_tm_each_unit(store, write_unit, &wr, err);
    if (!st) {
        check(&wr, xmlTextWriterEndDocument(wr.w));
        check(&wr, xmlTextWriterFlush(wr.w));
        if (wr.failed)
            st = tp_error_at(err, TP_ERR_IO, path, 0, 0, "cannot write TMX");
    }
    xmlFreeTextWriter(wr.w);
    if (!st && units)
        *units = wr.units;
    return st;
}

tp_status tp_tmx_export(tp_store *store, const char *path, const tp_tmx_export_opts *opts,
                        long *units, tp_error *err)
{
    return export(store, path, opts, 0, units, err);
}

tp_status tp_tmx_export_glossary(tp_store *store, const char *path,
                                 const tp_tmx_export_opts *opts, long *units, tp_error *err)
{
    return export(store, path, opts, 1, units, err);
}
