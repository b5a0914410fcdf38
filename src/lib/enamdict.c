/* JMnedict in its ENAMDICT text form (Debian's enamdict package: /usr/share/edict/enamdict),
 * EUC-JP lines `kanji [kana] /(p) Romaji/(s) Other/`. The entries of the chosen kinds (place,
 * station, unclassified) become concepts: the kanji as the preferred ja term with the kana as
 * its reading, the romaji as ja-Latn terms. */
#include "toponym/import.h"
#include "error_int.h"
#include "exchange_int.h"
#include "utf8_int.h"

#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

#define ENAMDICT_MAX ((size_t)512 * 1024 * 1024)

/* Nonzero when the comma-separated tag list (tags, n bytes) has one of the wanted kinds. */
static int wanted(const char *tags, size_t n, const char *kinds)
{
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && tags[j] != ',')
            j++;
        const char *k = kinds;
        while (*k) {
            size_t m = strcspn(k, ",");
            if (m == j - i && !memcmp(k, tags + i, m))
                return 1;
            k += m + (k[m] == ',');
        }
        i = j + 1;
    }
    return 0;
}

/* Parses one entry line (UTF-8). 0 on success (the concept may have no terms when none of its
 * senses is of a wanted kind), -1 when the line is not an entry. */
static int parse_line(char *s, const char *kinds, tp_concept *c, tp_error *err, tp_status *st)
{
    char *slash = strstr(s, " /");
    size_t n = strlen(s);
    if (!slash || n < 2 || s[n - 1] != '/')
        return -1;
    *slash = '\0';
    char *head = s, *reading = NULL;
    char *br = strstr(head, " [");
    if (br) {
        *br = '\0';
        reading = br + 2;
        char *end = strchr(reading, ']');
        if (!end)
            return -1;
        *end = '\0';
    }
    if (!*head)
        return -1;
    char *g = slash + 2;
    s[n - 1] = '\0';
    int take = 0, first = 1;
    const char *subject = NULL;
    while (g && *g && !*st) {
        char *next = strchr(g, '/');
        if (next)
            *next++ = '\0';
        if (*g == '(') {
            char *close = strchr(g, ')');
            if (close) {
                take = wanted(g + 1, (size_t)(close - g - 1), kinds);
                if (take && !subject)
                    subject = wanted(g + 1, (size_t)(close - g - 1), "p") ? "place"
                              : wanted(g + 1, (size_t)(close - g - 1), "st") ? "station"
                                                                              : NULL;
                g = close + 1;
                while (*g == ' ')
                    g++;
            }
        }
        if (take && *g) {
            if (first) {
                tp_term ja = {.lang = "ja", .text = head, .status = TP_TERM_PREFERRED,
                              .reading = reading};
                *st = tp_concept_add_term(c, &ja, err);
                first = 0;
            }
            /* "Aalen (Germany)": the name, and what is in brackets as its note. */
            char *note = NULL, *paren = strstr(g, " (");
            size_t len = strlen(g);
            if (paren && len && g[len - 1] == ')') {
                *paren = '\0';
                g[len - 1] = '\0';
                note = paren + 2;
            }
            tp_term la = {.lang = "ja-Latn", .text = g,
                          .status = c->term_count == 1 ? TP_TERM_PREFERRED : TP_TERM_ADMITTED,
                          .note = note};
            if (!*st && *g)
                *st = tp_concept_add_term(c, &la, err);
        }
        g = next;
    }
    if (!*st && subject)
        *st = tp_concept_set(&c->subject, subject, err);
    if (!*st && c->term_count)
        *st = tp_concept_set(&c->source, "JMnedict/ENAMDICT (EDRDG)", err);
    return 0;
}

tp_status tp_enamdict_read_with(const char *path, tp_read_opts *o, tp_concept_fn fn, void *ctx,
                                tp_error *err)
{
    const char *kinds = o->import && o->import->kinds ? o->import->kinds : "p";
    int strict = tp_read_strict(o);
    char *data;
    size_t len;
    tp_status st = tp_read_file(path, ENAMDICT_MAX, &data, &len, err);
    if (st)
        return st;
    /* The Debian file is EUC-JP; a UTF-8 copy is read as it is. */
    int utf8 = tp_utf8_check(data, len) == 0;
    iconv_t cd = utf8 ? (iconv_t)-1 : iconv_open("UTF-8", "EUC-JP");
    if (!utf8 && cd == (iconv_t)-1) {
        free(data);
        return tp_error_set(err, TP_ERR_DEPENDENCY, "iconv cannot convert EUC-JP");
    }
    size_t cap = 4096;
    char *line = malloc(cap);
    if (!line)
        st = tp_error_nomem(err);
    unsigned long lineno = 0;
    size_t i = 0;
    while (!st && i < len) {
        lineno++;
        char *nl = memchr(data + i, '\n', len - i);
        size_t n = nl ? (size_t)(nl - (data + i)) : len - i;
        if (n && data[i + n - 1] == '\r')
            n--;
        if (n * 3 + 1 > cap) {
            cap = n * 3 + 1;
            char *p = realloc(line, cap);
            if (!p) {
                st = tp_error_nomem(err);
                break;
            }
            line = p;
        }
        if (utf8) {
            memcpy(line, data + i, n);
            line[n] = '\0';
        } else {
            char *in = data + i, *out = line;
            size_t left_in = n, left_out = cap - 1;
            iconv(cd, NULL, NULL, NULL, NULL);
            if (iconv(cd, &in, &left_in, &out, &left_out) == (size_t)-1) {
                st = tp_error_at(err, TP_ERR_INPUT, path, lineno,
                                 (unsigned long)tp_utf8_count(line, (size_t)(out - line)) + 1,
                                 "bytes that are not EUC-JP");
                break;
            }
            *out = '\0';
        }
        i += (nl ? (size_t)(nl - (data + i)) + 1 : len - i);
        if (!line[0])
            continue;
        tp_concept *c = tp_concept_new();
        if (!c) {
            st = tp_error_nomem(err);
            break;
        }
        int rc = parse_line(line, kinds, c, err, &st);
        /* The first line is the file's header, "　？？？ /ENAMDICT - .../". */
        if (!st && rc < 0) {
            if (strict && lineno > 1)
                st = tp_error_at(err, TP_ERR_INPUT, path, lineno, 1,
                                 "not an ENAMDICT entry (\"NAME [READING] /(kind) Romaji/\")");
            else
                o->ignored++;
        } else if (!st && c->term_count) {
            st = fn(ctx, c, lineno, err);
        }
        tp_concept_free(c);
        tp_read_progress(o, path, i, len);
    }
    if (!utf8)
        iconv_close(cd);
    free(line);
    free(data);
    return st;
}

tp_status tp_enamdict_read(const char *path, const tp_import_opts *opts, tp_concept_fn fn,
                           void *ctx, tp_error *err)
{
    tp_read_opts o = {opts, 0, NULL};
    return tp_enamdict_read_with(path, &o, fn, ctx, err);
}
