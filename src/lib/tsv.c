/* OmegaT glossaries: tab-separated (source, target, comment; # comments) and CSV with quoting,
 * in UTF-8 with or without a BOM, or UTF-16 by its BOM (converted with iconv). Each row is a
 * concept with the source term preferred and the target term in the status the comment names. */
#include "toponym/import.h"
#include "error_int.h"
#include "exchange_int.h"
#include "utf8_int.h"

#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define TSV_MAX ((size_t)256 * 1024 * 1024)

/* Line and column (in code points) of byte offset at in text. */
static void position(const char *text, size_t at, unsigned long *line, unsigned long *col)
{
    *line = 1;
    size_t start = 0;
    for (size_t i = 0; i < at; i++)
        if (text[i] == '\n') {
            (*line)++;
            start = i + 1;
        }
    *col = (unsigned long)tp_utf8_count(text + start, at - start) + 1;
}

/* Converts UTF-16 (by its BOM) to UTF-8 in place of *data. */
static tp_status from_utf16(const char *path, char **data, size_t *len, tp_error *err)
{
    const char *code = (unsigned char)(*data)[0] == 0xFF ? "UTF-16LE" : "UTF-16BE";
    iconv_t cd = iconv_open("UTF-8", code);
    if (cd == (iconv_t)-1)
        return tp_error_set(err, TP_ERR_DEPENDENCY, "iconv cannot convert %s", code);
    size_t cap = *len * 2 + 16, left_out = cap, left_in = *len - 2;
    char *out = malloc(cap + 1), *in = *data + 2, *o = out;
    tp_status st = out ? TP_OK : tp_error_nomem(err);
    if (!st && iconv(cd, &in, &left_in, &o, &left_out) == (size_t)-1) {
        *o = '\0';
        unsigned long line, col;
        position(out, (size_t)(o - out), &line, &col);
        st = tp_error_at(err, TP_ERR_INPUT, path, line, col, "invalid %s (%s)", code,
                         errno == EINVAL ? "truncated at the end" : "unpaired surrogate");
    }
    iconv_close(cd);
    if (st) {
        free(out);
        return st;
    }
    *o = '\0';
    free(*data);
    *data = out;
    *len = (size_t)(o - out);
    return TP_OK;
}

typedef struct row {
    char *field[3];
    size_t count;
    unsigned long line;
    int more;           /* fields past the third were left out */
} row;

static void row_clear(row *r)
{
    for (size_t i = 0; i < r->count; i++)
        free(r->field[i]);
    r->count = 0;
    r->more = 0;
}

/* Trims spaces around a field (OmegaT does too). */
static char *field_dup(const char *s, size_t n)
{
    while (n && (*s == ' ' || *s == '\r'))
        s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\r'))
        n--;
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

static tp_status row_to_concept(const char *path, row *r, tp_read_opts *o, const char *src,
                                const char *tgt, tp_concept_fn fn, void *ctx, tp_error *err)
{
    int strict = tp_read_strict(o);
    if (r->count < 2 || !*r->field[0] || !*r->field[1]) {
        if (strict)
            return tp_error_at(err, TP_ERR_INPUT, path, r->line, 1,
                               "a row needs a source and a target term");
        o->ignored++;
        return TP_OK;
    }
    if (r->more && strict)
        return tp_error_at(err, TP_ERR_INPUT, path, r->line, 1,
                           "a row with more than three fields (source, target, comment)");
    tp_term s = {.lang = (char *)src, .text = r->field[0], .status = TP_TERM_PREFERRED};
    tp_term t = {.lang = (char *)tgt, .text = r->field[1], .status = TP_TERM_PREFERRED};
    /* The comment: an optional status word (as toponym's export writes it), then a note. */
    char *comment = r->count > 2 ? r->field[2] : (char *)"";
    for (int k = TP_TERM_PREFERRED; k <= TP_TERM_FORBIDDEN; k++) {
        const char *w = tp_term_status_name((tp_term_status)k);
        size_t n = strlen(w);
        if (!strncasecmp(comment, w, n) && (!comment[n] || comment[n] == ';')) {
            t.status = (tp_term_status)k;
            comment += n;
            while (*comment == ';' || *comment == ' ')
                comment++;
            break;
        }
    }
    /* The concept's note, after the term's (as toponym's export writes it). */
    const char *concept_note = NULL;
    size_t label = strlen(TP_TSV_CONCEPT_NOTE);
    char *at = strstr(comment, "; " TP_TSV_CONCEPT_NOTE);
    if (!strncmp(comment, TP_TSV_CONCEPT_NOTE, label)) {
        concept_note = comment + label;
        comment = "";
    } else if (at) {
        concept_note = at + 2 + label;
        *at = '\0';
    }
    if (*comment)
        t.note = (char *)comment;
    tp_concept *c = tp_concept_new();
    tp_status st = c ? TP_OK : tp_error_nomem(err);
    if (!st && concept_note && *concept_note)
        st = tp_concept_set(&c->note, concept_note, err);
    if (!st && !(st = tp_concept_add_term(c, &s, err)) && !(st = tp_concept_add_term(c, &t, err)))
        st = fn(ctx, c, r->line, err);
    tp_concept_free(c);
    return st;
}

tp_status tp_tsv_read_with(const char *path, tp_format format, tp_read_opts *o, tp_concept_fn fn,
                           void *ctx, tp_error *err)
{
    const tp_import_opts *io = o->import;
    char src[64], tgt[64];
    if (!io || !io->source_lang || !io->target_lang)
        return tp_error_set(err, TP_ERR_ARG, "%s: a glossary in columns needs its two languages "
                                             "(--langs SOURCE,TARGET)", path);
    if (tp_lang_canonical(io->source_lang, src, sizeof src) ||
        tp_lang_canonical(io->target_lang, tgt, sizeof tgt))
        return tp_error_set(err, TP_ERR_ARG, "unknown language code \"%s\"",
                            tp_lang_canonical(io->source_lang, src, sizeof src) ? io->source_lang
                                                                                : io->target_lang);
    char *data;
    size_t len;
    tp_status st = tp_read_file(path, TSV_MAX, &data, &len, err);
    if (st)
        return st;
    const unsigned char *u = (const unsigned char *)data;
    if (len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF)))
        st = from_utf16(path, &data, &len, err);
    size_t i = len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3) ? 3 : 0;
    if (!st && memchr(data, '\0', len)) {
        unsigned long line, col;
        position(data, (size_t)((char *)memchr(data, '\0', len) - data), &line, &col);
        st = tp_error_at(err, TP_ERR_INPUT, path, line, col,
                         "a NUL byte: UTF-16 without a byte-order mark, or not text");
    }
    size_t bad = st ? 0 : tp_utf8_check(data + i, len - i);
    if (bad) {
        unsigned long line, col;
        position(data, i + bad - 1, &line, &col);
        st = tp_error_at(err, TP_ERR_INPUT, path, line, col, "invalid UTF-8");
    }
    row r = {{NULL, NULL, NULL}, 0, 1, 0};
    unsigned long line = 1;
    char sep = format == TP_FORMAT_CSV ? ',' : '\t';
    while (!st && i < len) {
        /* One row, which in CSV may span lines inside quotes. */
        r.line = line;
        if (data[i] == '#' || data[i] == '\n' || (data[i] == '\r' && data[i + 1] == '\n')) {
            while (i < len && data[i] != '\n')
                i++;
            i++;
            line++;
            continue;
        }
        while (!st && i <= len) {
            if (format == TP_FORMAT_CSV && data[i] == '"') {
                size_t q = i++, o2 = 0;
                unsigned long qline = line;
                char *f = malloc(len - i + 1);
                if (!f) {
                    st = tp_error_nomem(err);
                    break;
                }
                for (;;) {
                    if (i >= len) {
                        unsigned long l, c;
                        position(data, q, &l, &c);
                        (void)qline;
                        st = tp_error_at(err, TP_ERR_INPUT, path, l, c,
                                         "a quoted field that never ends");
                        break;
                    }
                    if (data[i] == '"' && data[i + 1] == '"') {
                        f[o2++] = '"';
                        i += 2;
                    } else if (data[i] == '"') {
                        i++;
                        break;
                    } else {
                        line += data[i] == '\n';
                        f[o2++] = data[i++];
                    }
                }
                f[o2] = '\0';
                /* Anything between the closing quote and the separator is a broken quote. */
                if (!st && i < len && data[i] != sep && data[i] != '\n' && data[i] != '\r') {
                    unsigned long l, c;
                    position(data, i, &l, &c);
                    st = tp_error_at(err, TP_ERR_INPUT, path, l, c,
                                     "text after a closing quote (a quote inside a field must "
                                     "be doubled)");
                }
                r.more |= r.count == 3;
                if (st || r.count == 3) {
                    free(f);
                } else {
                    char *t = field_dup(f, o2);
                    free(f);
                    if (!t)
                        st = tp_error_nomem(err);
                    else
                        r.field[r.count++] = t;
                }
            } else {
                size_t start = i;
                while (i < len && data[i] != sep && data[i] != '\n')
                    i++;
                if (r.count < 3) {
                    if (!(r.field[r.count] = field_dup(data + start, i - start)))
                        st = tp_error_nomem(err);
                    else
                        r.count++;
                } else {
                    r.more |= i > start;
                }
            }
            if (st)
                break;
            if (i < len && data[i] == '\r')
                i++;
            if (i >= len || data[i] == '\n') {
                i++;
                line++;
                break;
            }
            i++; /* the separator */
        }
        if (!st)
            st = row_to_concept(path, &r, o, src, tgt, fn, ctx, err);
        row_clear(&r);
        tp_read_progress(o, path, i > len ? len : i, len);
    }
    row_clear(&r);
    free(data);
    return st;
}

tp_status tp_tsv_read(const char *path, tp_format format, const tp_import_opts *opts,
                      tp_concept_fn fn, void *ctx, tp_error *err)
{
    tp_read_opts o = {opts, 0, NULL};
    return tp_tsv_read_with(path, format, &o, fn, ctx, err);
}
