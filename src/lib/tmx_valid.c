/* Validating TMX: the DTD built into the library (tmx14b.dtd) applied to the document, and the
 * semantic checks of the reader (tmx.c) that a DTD cannot make; problems sorted by position.
 * Validation builds the document tree, unlike import: it is for files one looks at. */
#include "toponym/tmx.h"
#include "error_int.h"
#include "tmx_dtd.h"

#include <libxml/parser.h>
#include <libxml/valid.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *tp_tmx_dtd(void)
{
    return tmx_dtd;
}

typedef struct problems {
    const char *path;
    tp_error *items;
    size_t n, cap;
    int failed;
    char version[16];
} problems;

static void add(problems *p, const tp_error *e)
{
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 16;
        tp_error *q = realloc(p->items, cap * sizeof *q);
        if (!q) {
            p->failed = 1;
            return;
        }
        p->items = q;
        p->cap = cap;
    }
    p->items[p->n++] = *e;
}

static void on_problem(void *ctx, const tp_error *e, int skipped)
{
    (void)skipped;
    add(ctx, e);
}

static tp_status on_header(void *ctx, const tp_tm_header *h, tp_error *err)
{
    (void)err;
    problems *p = ctx;
    snprintf(p->version, sizeof p->version, "%s", h->version ? h->version : "");
    return TP_OK;
}

/* The column of the first "<name" on line of the file, when the file is UTF-8; else 1. */
static unsigned long column_of(const char *path, unsigned long line, const char *name)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return 1;
    char *buf = NULL;
    size_t cap = 0;
    ssize_t n = 0;
    unsigned long l = 0, col = 1;
    while (l < line && (n = getline(&buf, &cap, f)) >= 0)
        l++;
    if (l == line && n > 0 && name) {
        size_t nl = strlen(name);
        for (ssize_t i = 0; i + 1 + (ssize_t)nl <= n; i++)
            if (buf[i] == '<' && strncmp(buf + i + 1, name, nl) == 0) {
                unsigned long c = 1;
                for (ssize_t k = 0; k < i; k++)
                    c += ((unsigned char)buf[k] & 0xC0) != 0x80;
                col = c;
                break;
            }
    }
    free(buf);
    fclose(f);
    return col;
}

static void on_dtd_error(void *ctx, xmlErrorPtr e)
{
    problems *p = ctx;
    if (!e || e->level < XML_ERR_ERROR)
        return;
    char msg[TP_ERROR_MESSAGE_MAX];
    snprintf(msg, sizeof msg, "%s", e->message ? e->message : "invalid");
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        msg[--n] = '\0';
    xmlNodePtr node = e->node;
    unsigned long line = (unsigned long)(e->line > 0 ? e->line : node ? xmlGetLineNo(node) : 0);
    unsigned long col = e->int2 > 0 ? (unsigned long)e->int2
                        : column_of(p->path, line, node ? (const char *)node->name : NULL);
    tp_error pe;
    tp_error_at(&pe, TP_ERR_INPUT, p->path, line, col, "DTD: %s", msg);
    add(p, &pe);
}

static int by_position(const void *a, const void *b)
{
    const tp_error *x = a, *y = b;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    return x->column < y->column ? -1 : x->column > y->column;
}

static tp_status check_dtd(problems *p, tp_error *err)
{
    xmlParserInputBufferPtr in =
        xmlParserInputBufferCreateMem(tmx_dtd, (int)strlen(tmx_dtd), XML_CHAR_ENCODING_UTF8);
    xmlDtdPtr dtd = in ? xmlIOParseDTD(NULL, in, XML_CHAR_ENCODING_UTF8) : NULL;
    if (!dtd)
        return tp_error_set(err, TP_ERR_DEPENDENCY, "the built-in TMX DTD does not parse");
    /* The file's own DOCTYPE is not followed: only the built-in DTD is used. */
    xmlDocPtr doc = xmlReadFile(p->path, NULL, XML_PARSE_NONET | XML_PARSE_NOWARNING |
                                                   XML_PARSE_NOERROR);
    tp_status st = TP_OK;
    if (doc) {
        xmlValidCtxtPtr v = xmlNewValidCtxt();
        if (!v) {
            st = tp_error_nomem(err);
        } else {
            v->error = NULL;
            v->warning = NULL;
            xmlSetStructuredErrorFunc(p, on_dtd_error);
            xmlValidateDtd(v, doc, dtd);
            xmlSetStructuredErrorFunc(NULL, NULL);
            xmlFreeValidCtxt(v);
        }
        xmlFreeDoc(doc);
    }
    xmlFreeDtd(dtd);
    return st;
}

tp_status tp_tmx_validate(const char *path, tp_tmx_problem_fn fn, void *ctx, long *count,
                          tp_error *err)
{
    problems p;
    memset(&p, 0, sizeof p);
    p.path = path;
    tp_tmx_handler h = {on_header, NULL, on_problem, NULL, &p};
    tp_error rerr;
    tp_error_clear(&rerr);
    tp_status st = tp_tmx_read(path, 0, &h, NULL, &rerr);
    int malformed = st == TP_ERR_INPUT;
    if (malformed) {
        add(&p, &rerr);   /* malformed XML is a problem of the file, not a failure to check */
        st = TP_OK;
    } else if (st) {
        if (err)
            *err = rerr;
        free(p.items);
        return st;
    }
    /* TMX 1.1 to 1.3 files use names the 1.4b DTD does not know (lang=): semantic checks only. */
    if (!st && !malformed && strncmp(p.version, "1.4", 3) == 0)
        st = check_dtd(&p, err);
    if (!st && p.failed)
        st = tp_error_nomem(err);
    if (!st) {
        if (p.n > 1)
            qsort(p.items, p.n, sizeof *p.items, by_position);
        for (size_t i = 0; fn && i < p.n; i++)
            fn(ctx, &p.items[i]);
        if (count)
            *count = (long)p.n;
    }
    free(p.items);
    return st;
}
