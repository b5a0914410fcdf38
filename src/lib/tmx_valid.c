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

/* The encodings a TMX file may be in, told by its byte order mark. */
typedef enum { FILE_UTF8, FILE_UTF16LE, FILE_UTF16BE } file_encoding;

static file_encoding encoding_of(FILE *f)
{
    unsigned char bom[3] = {0};
    size_t n = fread(bom, 1, 3, f);
    if (n >= 2 && bom[0] == 0xFF && bom[1] == 0xFE) {
        fseek(f, 2, SEEK_SET);
        return FILE_UTF16LE;
    }
    if (n >= 2 && bom[0] == 0xFE && bom[1] == 0xFF) {
        fseek(f, 2, SEEK_SET);
        return FILE_UTF16BE;
    }
    fseek(f, n == 3 && bom[0] == 0xEF && bom[1] == 0xBB && bom[2] == 0xBF ? 3 : 0, SEEK_SET);
    return FILE_UTF8;
}

/* The next code point of f, or -1 at its end. A malformed sequence counts as one character:
 * this only places a message. */
static long next_char(FILE *f, file_encoding enc)
{
    if (enc == FILE_UTF8) {
        int c = getc(f);
        if (c == EOF)
            return -1;
        int more = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
        long cp = c & (0x7F >> more);
        for (; more > 0; more--) {
            int d = getc(f);
            if (d == EOF || (d & 0xC0) != 0x80) {
                if (d != EOF)
                    ungetc(d, f);
                break;
            }
            cp = cp << 6 | (d & 0x3F);
        }
        return cp;
    }
    int a = getc(f), b = getc(f);
    if (a == EOF || b == EOF)
        return -1;
    long unit = enc == FILE_UTF16LE ? (long)(b << 8 | a) : (long)(a << 8 | b);
    if (unit >= 0xD800 && unit < 0xDC00) {
        /* A surrogate pair is one character. */
        a = getc(f);
        b = getc(f);
        if (a == EOF || b == EOF)
            return -1;
        long low = enc == FILE_UTF16LE ? (long)(b << 8 | a) : (long)(a << 8 | b);
        return 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
    }
    return unit;
}

/* The column, in characters as everywhere in toponym, of the first "<name" on line of the file
 * (UTF-8, or UTF-16 by its byte order mark, as libxml2 reads it); 1 when there is none. libxml2
 * gives no column for a DTD complaint, only the element. */
static unsigned long column_of(const char *path, unsigned long line, const char *name)
{
    FILE *f = name ? fopen(path, "rb") : NULL;
    if (!f)
        return 1;
    file_encoding enc = encoding_of(f);
    size_t len = strlen(name), matched = 0;
    unsigned long l = 1, col = 1, start = 0, found = 1;
    for (long c; l <= line && (c = next_char(f, enc)) >= 0; col++) {
        if (c == '\n') {
            l++;
            col = 0;
            start = 0;
        } else if (l < line) {
            continue;
        } else if (c == '<') {
            start = col;
            matched = 0;
        } else if (start && c == (unsigned char)name[matched]) {
            if (++matched == len) {
                found = start;
                break;
            }
        } else {
            start = 0;
        }
    }
    fclose(f);
    return found;
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
