/* The house style file: a small subset of TOML (tables, arrays of tables, strings, arrays of
 * strings, booleans) that editors can write by hand. What it may say is documented in
 * docs/house-style.md; this file only reads it and hands each rule's phrases to the checker. */
#include "check_int.h"
#include "error_int.h"
#include "toponym/translit.h"
#include "utf8_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HOUSE_MAX_BYTES ((size_t)1024 * 1024)

typedef struct value {
    int kind;          /* 's' string, 'a' array of strings, 'b' boolean */
    char *str;
    char **items;
    size_t count;
    int boolean;
} value;

typedef struct parser {
    const char *path;
    const char *s, *end;
    unsigned long line;
    tp_error *err;
} parser;

static tp_status fail(parser *p, const char *fmt, ...) TP_PRINTF(2, 3);
static tp_status fail(parser *p, const char *fmt, ...)
{
    char msg[TP_ERROR_MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return tp_error_at(p->err, TP_ERR_INPUT, p->path, p->line, 0, "%s", msg);
}

static void skip_space(parser *p, int newlines)
{
    while (p->s < p->end) {
        if (*p->s == ' ' || *p->s == '\t' || *p->s == '\r') {
            p->s++;
        } else if (*p->s == '#') {
            while (p->s < p->end && *p->s != '\n')
                p->s++;
        } else if (newlines && *p->s == '\n') {
            p->line++;
            p->s++;
        } else {
            break;
        }
    }
}

static void free_value(value *v)
{
    free(v->str);
    for (size_t i = 0; i < v->count; i++)
        free(v->items[i]);
    free(v->items);
    memset(v, 0, sizeof *v);
}

static tp_status parse_string(parser *p, char **out)
{
    char q = *p->s++;
    tp_buf b = TP_BUF_INIT;
    tp_status st = TP_OK;
    while (!st && p->s < p->end && *p->s != q && *p->s != '\n') {
        char c = *p->s++;
        if (c == '\\' && q == '"' && p->s < p->end) {
            c = *p->s++;
            switch (c) {
            case 'n': st = tp_buf_putc(&b, '\n'); break;
            case 't': st = tp_buf_putc(&b, '\t'); break;
            case '"': case '\\': st = tp_buf_putc(&b, c); break;
            case 'u': {
                unsigned v = 0;
                for (int k = 0; k < 4; k++) {
                    char h = p->s < p->end ? *p->s++ : 0;
                    int d = h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10
                            : h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1;
                    if (d < 0) {
                        tp_buf_free(&b);
                        return fail(p, "bad \\u escape");
                    }
                    v = v * 16 + (unsigned)d;
                }
                if (v == 0 || (v >= 0xD800 && v <= 0xDFFF)) {
                    tp_buf_free(&b);
                    return fail(p, "\\u%04X is not a character", v);
                }
                st = tp_buf_put_cp(&b, v);
                break;
            }
            default:
                tp_buf_free(&b);
                return fail(p, "unknown escape \\%s in a string", (char[]){c, 0});
            }
        } else {
            st = tp_buf_putc(&b, c);
        }
    }
    if (!st && (p->s >= p->end || *p->s != q)) {
        tp_buf_free(&b);
        return fail(p, "unterminated string");
    }
    p->s++;
    if (!st)
        st = tp_buf_take(&b, out);
    tp_buf_free(&b);
    return st;
}

static tp_status parse_value(parser *p, value *v)
{
    memset(v, 0, sizeof *v);
    if (p->s >= p->end)
        return fail(p, "a value is missing");
    char c = *p->s;
    if (c == '"' || c == '\'') {
        v->kind = 's';
        return parse_string(p, &v->str);
    }
    if (p->end - p->s >= 4 && !strncmp(p->s, "true", 4)) {
        v->kind = 'b';
        v->boolean = 1;
        p->s += 4;
        return TP_OK;
    }
    if (p->end - p->s >= 5 && !strncmp(p->s, "false", 5)) {
        v->kind = 'b';
        p->s += 5;
        return TP_OK;
    }
    if (c != '[')
        return fail(p, "a value must be a \"string\", an array of strings or true/false");
    v->kind = 'a';
    p->s++;
    for (;;) {
        skip_space(p, 1);
        if (p->s < p->end && *p->s == ']') {
            p->s++;
            return TP_OK;
        }
        if (p->s >= p->end || (*p->s != '"' && *p->s != '\''))
            return fail(p, "an array holds strings only");
        char **items = realloc(v->items, (v->count + 1) * sizeof *items);
        if (!items)
            return tp_error_nomem(p->err);
        v->items = items;
        tp_status st = parse_string(p, &v->items[v->count]);
        if (st)
            return st;
        v->count++;
        skip_space(p, 1);
        if (p->s < p->end && *p->s == ',')
            p->s++;
    }
}

static tp_status take_list(value *v, char ***items, size_t *count)
{
    if (v->kind == 's') {
        char **one = malloc(sizeof *one);
        if (!one)
            return TP_ERR_NOMEM;
        one[0] = v->str;
        v->str = NULL;
        *items = one;
        *count = 1;
        return TP_OK;
    }
    *items = v->items;
    *count = v->count;
    v->items = NULL;
    v->count = 0;
    return TP_OK;
}

static void free_list(char **items, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(items[i]);
    free(items);
}

static int valid_id(const char *id)
{
    if (!*id)
        return 0;
    for (const char *c = id; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-'))
            return 0;
    return 1;
}

/* The phrases of the rule being read, handed over when the rule is complete. */
typedef struct pending {
    char **find, **with;
    size_t find_count, with_count;
    int open;            /* a [[rule]] is being read */
    char kind_buf[16];
} pending;

static tp_status finish_rule(parser *p, tp_house *h, pending *pr, tp_rule_phrase_fn fn,
                             void *ctx)
{
    if (!pr->open)
        return TP_OK;
    size_t ri = h->rule_count - 1;
    tp_rule *r = &h->rules[ri];
    unsigned long line = p->line;
    p->line = r->line;
    tp_status st = TP_OK;
    if (!r->id)
        st = fail(p, "a [[rule]] needs an id");
    else if (!pr->find_count)
        st = fail(p, "rule %s needs at least one phrase in find", r->id);
    else if (pr->kind_buf[0] && !strcmp(pr->kind_buf, "gloss-first"))
        r->kind = TP_RULE_GLOSS_FIRST;
    else if (pr->kind_buf[0] && !strcmp(pr->kind_buf, "forbid"))
        r->kind = TP_RULE_FORBID;
    else if (pr->kind_buf[0] && !strcmp(pr->kind_buf, "substitute"))
        r->kind = TP_RULE_SUBSTITUTE;
    else if (pr->kind_buf[0])
        st = fail(p, "unknown rule kind \"%s\" (forbid, substitute, gloss-first)", pr->kind_buf);
    else
        r->kind = r->replace ? TP_RULE_SUBSTITUTE : TP_RULE_FORBID;
    if (!st && r->kind == TP_RULE_SUBSTITUTE && !r->replace)
        st = fail(p, "rule %s substitutes but has no replace", r->id);
    if (!st && r->kind == TP_RULE_GLOSS_FIRST && !pr->with_count)
        st = fail(p, "rule %s (gloss-first) needs phrases in with", r->id);
    if (!r->severity)
        r->severity = TP_SEVERITY_WARNING;
    for (size_t i = 0; !st && i < pr->find_count; i++)
        st = fn(ctx, ri, 0, pr->find[i], p->err);
    for (size_t i = 0; !st && i < pr->with_count; i++)
        st = fn(ctx, ri, 1, pr->with[i], p->err);
    if (st && p->err && !p->err->file[0]) {
        char msg[TP_ERROR_MESSAGE_MAX]; /* the message cannot be formatted into itself */
        snprintf(msg, sizeof msg, "%s", p->err->message);
        tp_error_at(p->err, st, p->path, r->line, 0, "%s", msg);
    }
    free_list(pr->find, pr->find_count);
    free_list(pr->with, pr->with_count);
    memset(pr, 0, sizeof *pr);
    p->line = line;
    return st;
}

static tp_status set_key(parser *p, tp_house *h, const char *table, const char *key, value *v,
                         pending *pr)
{
    if (!strcmp(table, "severity")) {
        tp_severity sev;
        if (v->kind != 's' || tp_severity_parse(v->str, &sev))
            return fail(p, "a severity is \"error\", \"warning\", \"info\" or \"off\"");
        for (size_t i = 0; tp_check_rules[i]; i++)
            if (!strcmp(tp_check_rules[i], key)) {
                h->builtin[i] = (tp_severity)(sev + 1);
                return TP_OK;
            }
        return fail(p, "no built-in rule \"%s\"", key);
    }
    if (!strcmp(table, "romanisation")) {
        if (!strcmp(key, "russian") && v->kind == 's') {
            tp_scheme s;
            if (tp_scheme_parse(v->str, &s) || (s != TP_SCHEME_BGN_PCGN && s != TP_SCHEME_ISO9))
                return fail(p, "russian is \"bgn-pcgn\" or \"iso9\", not \"%s\"", v->str);
            h->russian_scheme = (int)s;
            return TP_OK;
        }
        if (!strcmp(key, "japanese-macrons") && v->kind == 'b') {
            h->japanese_macrons = v->boolean;
            return TP_OK;
        }
        return fail(p, "[romanisation] takes russian = \"bgn-pcgn\"|\"iso9\" and "
                       "japanese-macrons = true|false, not %s", key);
    }
    if (!strcmp(table, "preferred")) {
        if (strcmp(key, "terms") != 0 || v->kind == 'b')
            return fail(p, "[preferred] takes terms = [\"a glossary term\", ...]");
        free_list(h->preferred, h->preferred_count);
        h->preferred_line = p->line;
        return take_list(v, &h->preferred, &h->preferred_count) ? tp_error_nomem(p->err) : TP_OK;
    }
    if (strcmp(table, "rule") != 0)
        return fail(p, "key outside a known table: %s", key);
    tp_rule *r = &h->rules[h->rule_count - 1];
    if (!strcmp(key, "find") || !strcmp(key, "with")) {
        if (v->kind == 'b')
            return fail(p, "%s takes a string or an array of strings", key);
        char ***items = key[0] == 'f' ? &pr->find : &pr->with;
        size_t *count = key[0] == 'f' ? &pr->find_count : &pr->with_count;
        free_list(*items, *count);
        return take_list(v, items, count) ? tp_error_nomem(p->err) : TP_OK;
    }
    if (!strcmp(key, "bad") || !strcmp(key, "good")) {
        if (v->kind == 'b')
            return fail(p, "%s takes a string or an array of strings", key);
        char ***items = key[0] == 'b' ? &r->bad : &r->good;
        size_t *count = key[0] == 'b' ? &r->bad_count : &r->good_count;
        free_list(*items, *count);
        return take_list(v, items, count) ? tp_error_nomem(p->err) : TP_OK;
    }
    if (v->kind != 's')
        return fail(p, "%s takes a string", key);
    if (!strcmp(key, "id")) {
        if (!valid_id(v->str))
            return fail(p, "a rule id is lower-case letters, digits and hyphens, not \"%s\"",
                        v->str);
        for (size_t i = 0; tp_check_rules[i]; i++)
            if (!strcmp(tp_check_rules[i], v->str))
                return fail(p, "rule id \"%s\" is a built-in rule's", v->str);
        for (size_t i = 0; i + 1 < h->rule_count; i++)
            if (!strcmp(h->rules[i].id, v->str))
                return fail(p, "rule id \"%s\" is used twice", v->str);
        free(r->id);
        r->id = v->str;
    } else if (!strcmp(key, "message")) {
        free(r->message);
        r->message = v->str;
    } else if (!strcmp(key, "replace")) {
        free(r->replace);
        r->replace = v->str;
    } else if (!strcmp(key, "severity")) {
        tp_severity sev;
        if (tp_severity_parse(v->str, &sev))
            return fail(p, "a severity is \"error\", \"warning\", \"info\" or \"off\", not "
                           "\"%s\"", v->str);
        r->severity = sev ? sev : TP_SEVERITY_NONE;
        return TP_OK;
    } else if (!strcmp(key, "kind")) {
        snprintf(pr->kind_buf, sizeof pr->kind_buf, "%s", v->str);
        return TP_OK;
    } else {
        return fail(p, "unknown rule key \"%s\"", key);
    }
    v->str = NULL;
    return TP_OK;
}

static tp_status read_file(const char *path, char **out, size_t *len, tp_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return tp_error_at(err, TP_ERR_IO, path, 0, 0, "cannot open: %s", strerror(errno));
    tp_buf b = TP_BUF_INIT;
    b.max = HOUSE_MAX_BYTES;
    char chunk[8192];
    size_t n;
    tp_status st = TP_OK;
    while (!st && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
        st = tp_buf_append(&b, chunk, n);
    int bad = ferror(f);
    fclose(f);
    if (!st && bad)
        st = tp_error_at(err, TP_ERR_IO, path, 0, 0, "cannot read");
    else if (st)
        st = tp_error_at(err, st, path, 0, 0, "%s", st == TP_ERR_INPUT ? "larger than 1 MB"
                                                                       : tp_strerror(st));
    *len = st ? 0 : b.len;
    if (!st)
        st = tp_buf_take(&b, out);
    tp_buf_free(&b);
    return st;
}

tp_status tp_house_parse(const char *path, tp_house *h, tp_rule_phrase_fn fn, void *ctx,
                         tp_error *err)
{
    char *text = NULL;
    size_t len = 0;
    tp_status st = read_file(path, &text, &len, err);
    if (st)
        return st;
    /* Phrases and examples go on to the matcher as UTF-8: a bad byte there would surface as a
     * failure without a message (found by fuzz/fuzz_rules.c), so refuse it here, placed. */
    size_t bad = tp_utf8_check(text, len);
    if (bad) {
        unsigned long line = 1;
        const char *bol = text;
        for (const char *c = text; c < text + bad - 1; c++)
            if (*c == '\n') {
                line++;
                bol = c + 1;
            }
        st = tp_error_at(err, TP_ERR_INPUT, path, line,
                         (unsigned long)tp_utf8_count(bol, (size_t)(text + bad - 1 - bol)) + 1,
                         text[bad - 1] ? "invalid UTF-8 (byte 0x%02x)" : "a NUL byte%.0u",
                         (unsigned)(unsigned char)text[bad - 1]);
        free(text);
        return st;
    }
    parser p = {path, text, text + len, 1, err};
    char table[32] = "";
    pending pr;
    memset(&pr, 0, sizeof pr);
    while (!st) {
        skip_space(&p, 1);
        if (p.s >= p.end)
            break;
        if (*p.s == '[') {
            int array = p.s + 1 < p.end && p.s[1] == '[';
            const char *name = p.s + 1 + array;
            const char *close = memchr(name, ']', (size_t)(p.end - name));
            if (!close || (size_t)(close - name) >= sizeof table)
                st = fail(&p, "a table header is [name] or [[rule]]");
            if (st)
                break;
            snprintf(table, sizeof table, "%.*s", (int)(close - name), name);
            p.s = close + 1 + array;
            if ((st = finish_rule(&p, h, &pr, fn, ctx)))
                break;
            if (array && strcmp(table, "rule") != 0) {
                st = fail(&p, "the only array of tables is [[rule]], not [[%s]]", table);
            } else if (array) {
                tp_rule *rules = realloc(h->rules, (h->rule_count + 1) * sizeof *rules);
                if (!rules) {
                    st = tp_error_nomem(err);
                    break;
                }
                h->rules = rules;
                memset(&rules[h->rule_count], 0, sizeof *rules);
                rules[h->rule_count].line = p.line;
                h->rule_count++;
                pr.open = 1;
            } else if (strcmp(table, "severity") && strcmp(table, "romanisation") &&
                       strcmp(table, "preferred")) {
                st = fail(&p, "unknown table [%s] (severity, romanisation, preferred, [[rule]])",
                          table);
            }
            pr.open = array && !st;
            continue;
        }
        const char *k = p.s;
        while (p.s < p.end && *p.s != '=' && *p.s != ' ' && *p.s != '\t' && *p.s != '\n')
            p.s++;
        char key[64];
        snprintf(key, sizeof key, "%.*s", (int)(p.s - k), k);
        skip_space(&p, 0);
        if (p.s >= p.end || *p.s != '=') {
            st = fail(&p, "expected key = value, found \"%s\"", key);
            break;
        }
        p.s++;
        skip_space(&p, 0);
        value v;
        if ((st = parse_value(&p, &v))) {
            free_value(&v);
            break;
        }
        if (!table[0])
            st = fail(&p, "key %s before any table", key);
        else
            st = set_key(&p, h, table, key, &v, &pr);
        free_value(&v);
        skip_space(&p, 0);
        if (!st && p.s < p.end && *p.s != '\n')
            st = fail(&p, "unexpected text after the value of %s", key);
    }
    if (!st)
        st = finish_rule(&p, h, &pr, fn, ctx);
    free_list(pr.find, pr.find_count);
    free_list(pr.with, pr.with_count);
    free(text);
    return st;
}

void tp_house_free(tp_house *h)
{
    for (size_t i = 0; i < h->rule_count; i++) {
        tp_rule *r = &h->rules[i];
        free(r->id);
        free(r->message);
        free(r->replace);
        free_list(r->bad, r->bad_count);
        free_list(r->good, r->good_count);
    }
    free(h->rules);
    free_list(h->preferred, h->preferred_count);
    memset(h, 0, sizeof *h);
}
