/* The checker's readers: which parts of a source line are text. Plain text is all text;
 * Markdown skips code spans and blocks, URLs, link targets and HTML; HTML and XML skip markup,
 * comments, scripts and code, and decode entities; XML whose root is <xliff> or <tmx> is read as
 * source and target segments of translation units. Each piece of text goes to the checker with
 * its line and column in the source, so positions are never searched for again. */
#include "check_int.h"
#include "toponym/tm.h"
#include "utf8_int.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

enum { ST_TEXT = 0, ST_FENCE, ST_COMMENT, ST_TAG, ST_RAW, ST_CDATA };
enum { BI_NONE = 0, BI_XLIFF1, BI_XLIFF2, BI_TMX };

#define TAG_MAX ((size_t)64 * 1024)

/* Column bookkeeping: the column of byte i of a line, counted as the scan advances. */
typedef struct cursor {
    const char *s;
    size_t len, i;
    unsigned long col;     /* column of byte i */
    unsigned long line;
} cursor;

static void advance(cursor *c, size_t n)
{
    for (size_t k = 0; k < n && c->i < c->len; k++, c->i++)
        if (((unsigned char)c->s[c->i] & 0xC0) != 0x80)
            c->col++;
    /* Stop on a character boundary. */
    while (c->i < c->len && ((unsigned char)c->s[c->i] & 0xC0) == 0x80)
        c->i++;
}

static tp_status emit(tp_check_doc *doc, const cursor *c, size_t from, unsigned long col)
{
    if (c->i <= from)
        return TP_OK;
    return tp_check_text_at(doc, c->s + from, c->i - from, c->line, col);
}

/* "toponym: disable RULE..." or "enable" inside a comment's text. */
static tp_status directive(tp_check_doc *doc, const char *s, size_t n, unsigned long line,
                           unsigned long col)
{
    const char *p = NULL;
    for (size_t i = 0; i + 8 <= n; i++)
        if (!strncasecmp(s + i, "toponym:", 8)) {
            p = s + i + 8;
            break;
        }
    if (!p)
        return TP_OK;
    const char *end = s + n;
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    int enable;
    if (end - p >= 7 && !strncasecmp(p, "disable", 7)) {
        enable = 0;
        p += 7;
    } else if (end - p >= 6 && !strncasecmp(p, "enable", 6)) {
        enable = 1;
        p += 6;
    } else {
        return TP_OK;
    }
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    const char *q = end;
    while (q > p && (q[-1] == ' ' || q[-1] == '\t' || q[-1] == '-' || q[-1] == '>'))
        q--;
    return tp_check_suppress(doc, enable, p, (size_t)(q - p), line, col);
}

/* ---- Markdown ---- */

static size_t indent(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len && s[i] == ' ')
        i++;
    return i;
}

static int is_fence(const char *s, size_t len, int *ch, size_t *n)
{
    size_t i = indent(s, len);
    if (i > 3 || i >= len || (s[i] != '`' && s[i] != '~'))
        return 0;
    size_t k = i;
    while (k < len && s[k] == s[i])
        k++;
    if (k - i < 3)
        return 0;
    *ch = s[i];
    *n = k - i;
    return 1;
}

static int is_url_start(const char *s, size_t len)
{
    static const char *const schemes[] = {"http://", "https://", "ftp://", "mailto:", "www.",
                                          NULL};
    for (size_t k = 0; schemes[k]; k++) {
        size_t n = strlen(schemes[k]);
        if (len >= n && !strncasecmp(s, schemes[k], n))
            return 1;
    }
    return 0;
}

static tp_status md_inline(tp_reader *r, tp_check_doc *doc, const char *s, size_t len,
                           unsigned long line, size_t start, unsigned long col, int heading);
static tp_status markdown_line(tp_reader *r, tp_check_doc *doc, const char *s, size_t len,
                               unsigned long line);

#define HOLD_MAX ((size_t)64 * 1024)   /* a code span longer than this is taken as text */

/* Holds back part of a line (from a code span's opening backticks, or a whole line after it). */
static tp_status span_hold(tp_reader *r, const char *s, size_t len, unsigned long line,
                           unsigned long col, size_t run)
{
    if (run)
        r->span_run = run;
    if (r->held_count == sizeof r->held / sizeof r->held[0] || r->hold.len + len > HOLD_MAX) {
        r->span_overflow = 1;
        return TP_OK;
    }
    tp_held *h = &r->held[r->held_count++];
    h->line = line;
    h->col = col;
    h->off = r->hold.len;
    h->len = len;
    return tp_buf_append(&r->hold, s, len);
}

/* The paragraph ended with a code span still open: its backticks were text after all. The held
 * lines are read again (the first after its backticks), each with its newline. */
static tp_status span_replay(tp_reader *r, tp_check_doc *doc)
{
    tp_buf hold = r->hold;
    tp_held held[sizeof r->held / sizeof r->held[0]];
    size_t n = r->held_count, run = r->span_run;
    memcpy(held, r->held, n * sizeof *held);
    r->hold = (tp_buf)TP_BUF_INIT;
    r->held_count = 0;
    r->span_run = 0;
    r->span_overflow = 0;
    tp_status st = TP_OK;
    for (size_t i = 0; i < n && !st; i++) {
        const char *s = hold.data + held[i].off;
        if (i == 0) {
            tp_check_gap(doc, 0);
            st = md_inline(r, doc, s, held[i].len, held[i].line, run, held[i].col + run, 0);
        } else if (r->span_run) {
            st = span_hold(r, s, held[i].len, held[i].line, 1, 0);
        } else {
            st = markdown_line(r, doc, s, held[i].len, held[i].line);
        }
        if (!st && !r->span_run)
            st = tp_check_cp_at(doc, '\n', held[i].line,
                                held[i].col + (unsigned long)tp_utf8_count(s, held[i].len), 1);
    }
    tp_buf_free(&hold);
    return st;
}

/* A line while a code span is open: the line that closes it, or one more line of it. */
static tp_status span_line(tp_reader *r, tp_check_doc *doc, const char *s, size_t len,
                           unsigned long line, int *done)
{
    *done = 1;
    for (size_t k = 0; k < len;) {
        if (s[k] != '`') {
            k++;
            continue;
        }
        size_t r2 = 0;
        while (k + r2 < len && s[k + r2] == '`')
            r2++;
        if (r2 == r->span_run) {
            /* Closed: all of it was code. */
            tp_buf_reset(&r->hold);
            r->held_count = 0;
            r->span_run = 0;
            r->span_overflow = 0;
            tp_check_gap(doc, 0);
            cursor c = {s, len, 0, 1, line};
            advance(&c, k + r2);
            return md_inline(r, doc, s, len, line, c.i, c.col, 0);
        }
        k += r2;
    }
    tp_status st = span_hold(r, s, len, line, 1, 0);
    if (!st && r->span_overflow)
        *done = 0; /* too long for a code span: what is held is text, and so is this line */
    return st;
}

/* Nonzero when a line starts a block that ends the paragraph before it (and so any code span
 * left open in it): an ATX heading, a list item, a block quote, a thematic break or a setext
 * underline. */
static int block_start(const char *s, size_t len)
{
    size_t i = indent(s, len);
    if (i > 3 || i >= len)
        return 0;
    char x = s[i];
    size_t k = i;
    if (x == '#') {
        while (k < len && s[k] == '#')
            k++;
        return k - i <= 6 && (k == len || s[k] == ' ' || s[k] == '\t');
    }
    if (x == '>')
        return 1;
    if ((x == '-' || x == '*' || x == '+') && i + 1 < len && (s[i + 1] == ' ' || s[i + 1] == '\t'))
        return 1;
    if (x >= '0' && x <= '9') {
        while (k < len && k - i < 10 && s[k] >= '0' && s[k] <= '9')
            k++;
        return k < len && (s[k] == '.' || s[k] == ')') && (k + 1 == len || s[k + 1] == ' ');
    }
    if (x == '-' || x == '*' || x == '_' || x == '=') {
        /* Three or more of one mark, spaces between: a break, or a setext heading's line. */
        size_t marks = 0;
        for (k = i; k < len; k++) {
            if (s[k] == x)
                marks++;
            else if (s[k] != ' ' && s[k] != '\t')
                return 0;
        }
        return marks >= 3 || (x == '=' && marks >= 1);
    }
    return 0;
}

static tp_status markdown_line(tp_reader *r, tp_check_doc *doc, const char *s, size_t len,
                               unsigned long line)
{
    cursor c = {s, len, 0, 1, line};
    tp_status st = TP_OK;
    if (r->span_run) {
        /* A blank line, a fence or the start of another block (a heading, a list item...) ends
         * the paragraph, and with it the open code span. */
        size_t b = 0;
        int ch;
        size_t fl;
        while (b < len && (s[b] == ' ' || s[b] == '\t'))
            b++;
        int ends = b == len || is_fence(s, len, &ch, &fl) || block_start(s, len);
        int done = 0;
        if (!ends && (st = span_line(r, doc, s, len, line, &done)))
            return st;
        if (done)
            return TP_OK;
        while (r->span_run && !st)
            st = span_replay(r, doc);
        if (st)
            return st;
    }
    if (r->state == ST_FENCE) {
        int ch;
        size_t n;
        size_t i = indent(s, len);
        if (is_fence(s, len, &ch, &n) && ch == r->fence_char && n >= r->fence_len) {
            size_t k = i + n;
            while (k < len && (s[k] == ' ' || s[k] == '\t'))
                k++;
            if (k == len)
                r->state = ST_TEXT;
        }
        tp_check_gap(doc, 0);
        return TP_OK;
    }
    if (r->state == ST_COMMENT) {
        const char *end = NULL;
        for (size_t i = 0; i + 3 <= len; i++)
            if (!memcmp(s + i, "-->", 3)) {
                end = s + i;
                break;
            }
        size_t n = end ? (size_t)(end - s) : len;
        if (r->tag.len < TAG_MAX)
            st = tp_buf_append(&r->tag, s, n);
        if (!st)
            st = tp_buf_putc(&r->tag, ' ');
        if (st || !end)
            return st;
        r->state = ST_TEXT;
        if ((st = directive(doc, r->tag.data, r->tag.len, r->tag_line, r->tag_col)))
            return st;
        advance(&c, n + 3);
    }
    size_t blank = c.i;
    while (blank < len && (s[blank] == ' ' || s[blank] == '\t'))
        blank++;
    if (blank == len) {
        r->prev_blank = 1;
        r->in_list = 0;
        return TP_OK;
    }
    int ch;
    size_t n;
    if (c.i == 0 && is_fence(s, len, &ch, &n)) {
        r->state = ST_FENCE;
        r->fence_char = ch;
        r->fence_len = n;
        tp_check_gap(doc, 1);
        return TP_OK;
    }
    if (c.i == 0 && r->prev_blank && !r->in_list && (s[0] == '\t' || indent(s, len) >= 4)) {
        tp_check_gap(doc, 1); /* an indented code block: prev_blank stays set for its next line */
        return TP_OK;
    }
    size_t in = indent(s, len);
    if (c.i == 0 && in <= 3 && in < len && s[in] == '[') {
        /* A link reference definition: [label]: target */
        const char *close = memchr(s + in, ']', len - in);
        if (close && close + 1 < s + len && close[1] == ':') {
            tp_check_gap(doc, 1);
            return TP_OK;
        }
    }
    if (c.i == 0 && in < len &&
        ((strchr("-*+", s[in]) && in + 1 < len && s[in + 1] == ' ') ||
         (s[in] >= '0' && s[in] <= '9')))
        r->in_list = 1;
    r->prev_blank = 0;
    int heading = c.i == 0 && in < len && s[in] == '#';
    if ((st = md_inline(r, doc, s, len, line, c.i, c.col, heading)))
        return st;
    if (heading)
        tp_check_gap(doc, 1);
    return TP_OK;
}

/* The inline part of a Markdown line from byte start (at column col): code spans, comments,
 * inline HTML and autolinks, link targets, emphasis, bare URLs. heading: the line is an ATX
 * heading, which no code span leaves. */
static tp_status md_inline(tp_reader *r, tp_check_doc *doc, const char *s, size_t len,
                           unsigned long line, size_t start, unsigned long col, int heading)
{
    cursor c = {s, len, start, col, line};
    tp_status st = TP_OK;
    size_t from = c.i;
    unsigned long from_col = c.col;
#define FLUSH()                                                                                \
    do {                                                                                       \
        if ((st = emit(doc, &c, from, from_col)))                                              \
            return st;                                                                         \
    } while (0)
#define RESTART()                                                                              \
    do {                                                                                       \
        from = c.i;                                                                            \
        from_col = c.col;                                                                      \
    } while (0)
    while (c.i < len) {
        char x = s[c.i];
        if (x == '\\' && c.i + 1 < len && strchr("\\`*_{}[]()#+-.!<>|~", s[c.i + 1])) {
            FLUSH();
            advance(&c, 1);
            RESTART();
            advance(&c, 1);
            continue;
        }
        if (x == '`') {
            size_t run = 0;
            while (c.i + run < len && s[c.i + run] == '`')
                run++;
            /* The closing run of exactly as many backticks. */
            size_t k = c.i + run, close = 0;
            while (k < len) {
                if (s[k] == '`') {
                    size_t r2 = 0;
                    while (k + r2 < len && s[k + r2] == '`')
                        r2++;
                    if (r2 == run) {
                        close = k;
                        break;
                    }
                    k += r2;
                } else {
                    k++;
                }
            }
            if (close) {
                FLUSH();
                tp_check_gap(doc, 0);
                advance(&c, close + run - c.i);
                RESTART();
            } else if (!heading && len - c.i <= HOLD_MAX) {
                /* A code span may close on a later line of the paragraph: the rest is held
                 * back until it does (code) or the paragraph ends (the backticks were text). */
                FLUSH();
                return span_hold(r, s + c.i, len - c.i, line, c.col, run);
            } else {
                advance(&c, run);
            }
            continue;
        }
        if (x == '<') {
            if (c.i + 4 <= len && !memcmp(s + c.i, "<!--", 4)) {
                FLUSH();
                tp_check_gap(doc, 0);
                const char *end = NULL;
                for (size_t i = c.i + 4; i + 3 <= len; i++)
                    if (!memcmp(s + i, "-->", 3)) {
                        end = s + i;
                        break;
                    }
                if (!end) {
                    r->state = ST_COMMENT;
                    tp_buf_reset(&r->tag);
                    r->tag_line = line;
                    r->tag_col = c.col;
                    return tp_buf_append(&r->tag, s + c.i + 4, len - c.i - 4);
                }
                if ((st = directive(doc, s + c.i + 4, (size_t)(end - s) - c.i - 4, line, c.col)))
                    return st;
                advance(&c, (size_t)(end - s) + 3 - c.i);
                RESTART();
                continue;
            }
            const char *gt = memchr(s + c.i, '>', len - c.i);
            if (gt && c.i + 1 < len &&
                ((s[c.i + 1] >= 'a' && s[c.i + 1] <= 'z') || (s[c.i + 1] >= 'A' && s[c.i + 1] <= 'Z') ||
                 s[c.i + 1] == '/' || s[c.i + 1] == '!')) {
                /* An autolink or inline HTML: skipped; an autolink also breaks the text. */
                int link = memchr(s + c.i, ':', (size_t)(gt - s) - c.i) != NULL ||
                           memchr(s + c.i, '@', (size_t)(gt - s) - c.i) != NULL;
                FLUSH();
                if (link)
                    tp_check_gap(doc, 0);
                advance(&c, (size_t)(gt - s) + 1 - c.i);
                RESTART();
                continue;
            }
        }
        if (x == ']' && c.i + 1 < len && (s[c.i + 1] == '(' || s[c.i + 1] == '[')) {
            /* A link's target or reference label: skipped, the link text is checked. */
            char open = s[c.i + 1], close = open == '(' ? ')' : ']';
            size_t k = c.i + 2;
            int depth = 1;
            while (k < len && depth) {
                if (s[k] == open)
                    depth++;
                else if (s[k] == close)
                    depth--;
                k++;
            }
            FLUSH();
            tp_check_gap(doc, 0);
            advance(&c, k - c.i);
            RESTART();
            continue;
        }
        if ((x == '*' || x == '_' || x == '[' || x == ']' || x == '!' || x == '~') &&
            !(x == '_' && c.i > 0 && c.i + 1 < len && s[c.i - 1] != ' ' && s[c.i + 1] != ' ') &&
            !(x == '!' && !(c.i + 1 < len && s[c.i + 1] == '['))) {
            /* Emphasis and link brackets are transparent: "Sea of *Japan*" is one name. */
            FLUSH();
            advance(&c, 1);
            RESTART();
            continue;
        }
        if ((c.i == 0 || s[c.i - 1] == ' ' || s[c.i - 1] == '(' || s[c.i - 1] == '\t') &&
            is_url_start(s + c.i, len - c.i)) {
            FLUSH();
            tp_check_gap(doc, 0);
            size_t k = c.i;
            while (k < len && s[k] != ' ' && s[k] != '\t' && s[k] != ')' && s[k] != '>')
                k++;
            advance(&c, k - c.i);
            RESTART();
            continue;
        }
        advance(&c, 1);
    }
    FLUSH();
#undef FLUSH
#undef RESTART
    return TP_OK;
}

/* ---- HTML and XML ---- */

static const char *const inline_tags[] = {"a", "b", "i", "em", "strong", "span", "abbr", "small",
                                          "sub", "sup", "u", "mark", "cite", "q", "s", "font",
                                          "bdi", "bdo", "dfn", "ins", "del", "g", "ph", "x",
                                          "bpt", "ept", "it", "hi", "mrk", "pc", "sc", "ec",
                                          "sm", "em", NULL};
static const char *const code_tags[] = {"code", "pre", "kbd", "samp", "tt", "var", NULL};

static int in_list(const char *const *list, const char *name, size_t n)
{
    for (; *list; list++)
        if (strlen(*list) == n && !strncasecmp(*list, name, n))
            return 1;
    return 0;
}

/* The value of attribute name in a tag's text, or NULL. */
static const char *attribute(const char *tag, size_t len, const char *name, size_t *vlen)
{
    size_t n = strlen(name);
    for (size_t i = 1; i + n + 2 < len; i++) {
        if ((tag[i - 1] != ' ' && tag[i - 1] != '\t' && tag[i - 1] != '\n') ||
            strncasecmp(tag + i, name, n) != 0)
            continue;
        size_t k = i + n;
        while (k < len && tag[k] == ' ')
            k++;
        if (k >= len || tag[k] != '=')
            continue;
        k++;
        while (k < len && tag[k] == ' ')
            k++;
        if (k >= len || (tag[k] != '"' && tag[k] != '\''))
            continue;
        char q = tag[k++];
        const char *end = memchr(tag + k, q, len - k);
        if (!end)
            return NULL;
        *vlen = (size_t)(end - (tag + k));
        return tag + k;
    }
    return NULL;
}

static int is_name(const char *name, size_t n, const char *want)
{
    return strlen(want) == n && !strncmp(name, want, n);
}

/* Copies attribute name of a tag into out (empty when absent or too long). */
static void copy_attribute(const char *t, size_t len, const char *name, char out[16])
{
    size_t vl = 0;
    const char *v = attribute(t, len, name, &vl);
    if (v && vl < 16) {
        memcpy(out, v, vl);
        out[vl] = '\0';
    } else {
        out[0] = '\0';
    }
}

static void segment_start(tp_reader *r, tp_check_doc *doc, int role, const char *lang)
{
    r->in_seg = 1;
    r->code_depth = 0;
    /* The document's language is its (first) source language. */
    if (role == TP_SEG_SOURCE && lang[0])
        tp_check_declare_lang(doc, lang, strlen(lang));
    tp_check_segment(doc, role, lang);
}

static void segment_end(tp_reader *r, tp_check_doc *doc)
{
    if (!r->in_seg)
        return;
    r->in_seg = 0;
    tp_check_segment(doc, TP_SEG_NONE, NULL);
}

/* ---- XLIFF content not to be translated ---- */

static int translate_no(const tp_translate_stack *st)
{
    if (!st->depth)
        return 0;
    unsigned top = st->depth > 64 ? 63 : st->depth - 1;
    return (int)((st->bits >> top) & 1);
}

/* An element opens (its translate attribute: 1 for "no", 0 for "yes", -1 absent) or closes. */
static void translate_push(tp_translate_stack *st, int no)
{
    if (no < 0)
        no = translate_no(st);
    if (st->depth < 64) {
        st->bits &= ~(1ULL << st->depth);
        st->bits |= (uint64_t)no << st->depth;
    }
    st->depth++;
}

static void translate_pop(tp_translate_stack *st)
{
    if (st->depth)
        st->depth--;
}

/* The translate attribute of a tag: 1 "no", 0 "yes", -1 absent (or another value). */
static int translate_attr(const char *t, size_t len)
{
    size_t vl = 0;
    const char *v = attribute(t, len, "translate", &vl);
    if (v && vl == 2 && !strncasecmp(v, "no", 2))
        return 1;
    if (v && vl == 3 && !strncasecmp(v, "yes", 3))
        return 0;
    return -1;
}

/* Nonzero inside XLIFF content that is not to be translated, and so not checked. */
static int protected_text(const tp_reader *r)
{
    return translate_no(&r->units) || translate_no(&r->marks) || r->sm_open > 0 ||
           r->ignorable_depth > 0;
}

/* Follows translate="no" and protected markup; returns 1 when the tag was inline markup of it
 * (mrk, sm, em), which the caller need not look at again. Text stops at every change between
 * protected and not: no name runs across it. */
static int xliff_protection(tp_reader *r, tp_check_doc *doc, const char *t, size_t len,
                            const char *name, size_t n, int closing, int self_closing)
{
    int before = protected_text(r);
    int inline_tag = 1;
    if (is_name(name, n, "file") || is_name(name, n, "group") || is_name(name, n, "unit") ||
        is_name(name, n, "trans-unit")) {
        inline_tag = 0;
        if (closing)
            translate_pop(&r->units);
        else if (!self_closing)
            translate_push(&r->units, translate_attr(t, len));
    } else if (is_name(name, n, "ignorable")) {
        inline_tag = 0;
        if (!self_closing)
            r->ignorable_depth += closing ? (r->ignorable_depth > 0 ? -1 : 0) : 1;
    } else if (is_name(name, n, "mrk")) {
        if (closing) {
            translate_pop(&r->marks);
        } else if (!self_closing) {
            int no = translate_attr(t, len);
            size_t vl = 0;
            const char *v = attribute(t, len, "mtype", &vl);
            if (v && vl == 9 && !strncmp(v, "protected", 9))
                no = 1; /* XLIFF 1.2 */
            translate_push(&r->marks, no);
        }
    } else if (is_name(name, n, "sm") && !closing) {
        if (translate_attr(t, len) == 1) {
            if (r->sm_open < 8)
                copy_attribute(t, len, "id", r->sm_ids[r->sm_open]);
            r->sm_open++;
        }
    } else if (is_name(name, n, "em") && !closing && r->sm_open > 0) {
        char ref[16];
        copy_attribute(t, len, "startRef", ref);
        int kept = r->sm_open < 8 ? r->sm_open : 8, i = kept - 1;
        while (i >= 0 && strcmp(r->sm_ids[i], ref) != 0)
            i--;
        if (i >= 0)
            memmove(r->sm_ids[i], r->sm_ids[i + 1], (size_t)(kept - 1 - i) * sizeof r->sm_ids[0]);
        if (i >= 0 || r->sm_open > kept)
            r->sm_open--; /* past eight, an end whose start was not kept ends one of them */
    } else {
        inline_tag = 0;
    }
    if (before != protected_text(r))
        tp_check_gap(doc, 0);
    return inline_tag && r->in_seg;
}

/* The structure of XLIFF 1.2 (file, trans-unit, source, target), XLIFF 2 (xliff, segment,
 * source, target) and TMX (header, tu, tuv, seg). Returns 1 when the tag was one of them or
 * inline markup inside a segment, which splits no name; 0 leaves the tag to end_tag. */
static int bilingual_tag(tp_reader *r, tp_check_doc *doc, const char *t, size_t len,
                         const char *name, size_t n, int closing, int self_closing)
{
    char lang[16];
    if (r->bilingual == BI_TMX) {
        if (is_name(name, n, "header") && !closing) {
            copy_attribute(t, len, "srclang", r->src_lang);
        } else if (is_name(name, n, "tu")) {
            segment_end(r, doc);
            if (closing) {
                tp_check_unit_end(doc);
            } else {
                copy_attribute(t, len, "srclang", r->unit_src);
                if (!r->unit_src[0])
                    memcpy(r->unit_src, r->src_lang, sizeof r->unit_src);
                r->tuv_first = 1;
            }
        } else if (is_name(name, n, "tuv") && !closing) {
            copy_attribute(t, len, "xml:lang", r->seg_lang);
            if (!r->seg_lang[0])
                copy_attribute(t, len, "lang", r->seg_lang);   /* TMX 1.1 */
        } else if (is_name(name, n, "seg")) {
            if (closing) {
                segment_end(r, doc);
            } else if (!self_closing) {
                /* Source and target by language, never by position; with srclang="*all*" (any
                 * may be the source) the first variant is. */
                int source = r->unit_src[0] && strcmp(r->unit_src, "*all*") != 0
                                 ? tp_tm_lang_meets(r->seg_lang, r->unit_src)
                                 : r->tuv_first;
                r->tuv_first = 0;
                segment_start(r, doc, source ? TP_SEG_SOURCE : TP_SEG_TARGET, r->seg_lang);
            }
        } else if (r->in_seg) {
            if ((is_name(name, n, "bpt") || is_name(name, n, "ept") || is_name(name, n, "it") ||
                 is_name(name, n, "ph") || is_name(name, n, "ut")) && !self_closing)
                r->code_depth += closing ? (r->code_depth > 0 ? -1 : 0) : 1;
        } else {
            return 0;
        }
        return 1;
    }
    /* XLIFF */
    if (xliff_protection(r, doc, t, len, name, n, closing, self_closing))
        return 1;
    if (is_name(name, n, "file") && !closing && r->bilingual == BI_XLIFF1) {
        copy_attribute(t, len, "source-language", r->src_lang);
        copy_attribute(t, len, "target-language", r->trg_lang);
    } else if (is_name(name, n, "alt-trans") || is_name(name, n, "seg-source")) {
        /* Suggestions from a memory, and a copy of the source with markers. */
        if (!self_closing)
            r->aside_depth += closing ? (r->aside_depth > 0 ? -1 : 0) : 1;
    } else if ((is_name(name, n, "source") || is_name(name, n, "target")) && !r->aside_depth) {
        if (closing) {
            segment_end(r, doc);
        } else if (!self_closing && !translate_no(&r->units) && !r->ignorable_depth) {
            int source = name[0] == 's';
            copy_attribute(t, len, "xml:lang", lang);
            segment_start(r, doc, source ? TP_SEG_SOURCE : TP_SEG_TARGET,
                          lang[0] ? lang : source ? r->src_lang : r->trg_lang);
        }
    } else if (closing && (is_name(name, n, "trans-unit") || is_name(name, n, "segment") ||
                           is_name(name, n, "ignorable") || is_name(name, n, "unit"))) {
        segment_end(r, doc);
        tp_check_unit_end(doc);
    } else if (r->in_seg) {
        /* XLIFF 1.2's native codes hold the original markup as text; XLIFF 2's are empty. */
        if ((is_name(name, n, "bpt") || is_name(name, n, "ept") || is_name(name, n, "it") ||
             is_name(name, n, "ph") || is_name(name, n, "sub")) && !self_closing)
            r->code_depth += closing ? (r->code_depth > 0 ? -1 : 0) : 1;
    } else {
        return 0;
    }
    return 1;
}

/* A complete tag (the text between < and >) has been read. */
static void end_tag(tp_reader *r, tp_check_doc *doc)
{
    const char *t = r->tag.data ? r->tag.data : "";
    size_t len = r->tag.len;
    int closing = len && t[0] == '/';
    size_t i = closing;
    size_t n = 0;
    while (i + n < len && t[i + n] != ' ' && t[i + n] != '\t' && t[i + n] != '/' &&
           t[i + n] != '\n')
        n++;
    const char *name = t + i;
    int self_closing = len && t[len - 1] == '/';
    if (!r->root_seen && r->format == TP_CHECK_XML && !closing && len && t[0] != '?' &&
        t[0] != '!') {
        /* The root says whether this is a bilingual file. */
        r->root_seen = 1;
        if (is_name(name, n, "xliff")) {
            size_t vl = 0;
            const char *v = attribute(t, len, "version", &vl);
            r->bilingual = v && vl && v[0] == '1' ? BI_XLIFF1 : BI_XLIFF2;
            copy_attribute(t, len, "srcLang", r->src_lang);
            copy_attribute(t, len, "trgLang", r->trg_lang);
        } else if (is_name(name, n, "tmx")) {
            r->bilingual = BI_TMX;
        }
    }
    if (r->bilingual) {
        if (!bilingual_tag(r, doc, t, len, name, n, closing, self_closing))
            tp_check_gap(doc, 1);
        return;
    }
    /* xml:lang before lang, so that XHTML's xml:lang wins when both are present. */
    size_t vl = 0;
    const char *v = attribute(t, len, "xml:lang", &vl);
    if (!v)
        v = attribute(t, len, "lang", &vl);
    if (v && !closing)
        tp_check_declare_lang(doc, v, vl);
    if (in_list(code_tags, name, n)) {
        if (closing && r->skip_depth)
            r->skip_depth--;
        else if (!closing && !self_closing)
            r->skip_depth++;
        tp_check_gap(doc, 0);
    } else if (!in_list(inline_tags, name, n)) {
        tp_check_gap(doc, 1);
    }
    if (r->format == TP_CHECK_HTML && !closing && !self_closing &&
        ((n == 6 && !strncasecmp(name, "script", 6)) || (n == 5 && !strncasecmp(name, "style", 5)))) {
        r->state = ST_RAW;
        snprintf(r->raw_end, sizeof r->raw_end, "</%.*s", (int)n, name);
    }
}

/* Decodes the entity at s (after '&'); returns its code point and sets *n to the bytes it
 * takes with '&' and ';', or returns 0. */
static uint32_t entity(const char *s, size_t len, size_t *n)
{
    static const struct {
        const char *name;
        uint32_t cp;
    } named[] = {{"amp", '&'},      {"lt", '<'},       {"gt", '>'},       {"quot", '"'},
                 {"apos", '\''},    {"nbsp", 0xA0},    {"eacute", 0xE9},  {"egrave", 0xE8},
                 {"ocirc", 0xF4},   {"ucirc", 0xFB},   {"ouml", 0xF6},    {"uuml", 0xFC},
                 {"rsquo", 0x2019}, {"lsquo", 0x2018}, {"ndash", 0x2013}, {"mdash", 0x2014},
                 {"hyphen", 0x2010}, {"middot", 0xB7}};
    const char *semi = memchr(s, ';', len < 12 ? len : 12);
    if (!semi)
        return 0;
    size_t k = (size_t)(semi - s);
    *n = k + 2;
    if (k >= 2 && s[0] == '#') {
        unsigned long v = 0;
        int hex = s[1] == 'x' || s[1] == 'X';
        for (size_t i = hex ? 2 : 1; i < k; i++) {
            char ch = s[i];
            int dgt = ch >= '0' && ch <= '9'   ? ch - '0'
                      : hex && ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
                      : hex && ch >= 'A' && ch <= 'F' ? ch - 'A' + 10
                                                      : -1;
            if (dgt < 0)
                return 0;
            v = v * (hex ? 16u : 10u) + (unsigned long)dgt;
            if (v > 0x10FFFF)
                return 0;
        }
        if (v == 0 || (v >= 0xD800 && v <= 0xDFFF))
            return 0;
        return (uint32_t)v;
    }
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
        if (strlen(named[i].name) == k && !memcmp(named[i].name, s, k))
            return named[i].cp;
    return 0;
}

/* Whether the text at the reader is to be checked. */
static int is_text(const tp_reader *r)
{
    if (r->bilingual)
        return r->in_seg && !r->code_depth && !protected_text(r);
    return r->skip_depth == 0;
}

static tp_status markup_line(tp_reader *r, tp_check_doc *doc, const char *s, size_t len,
                             unsigned long line)
{
    cursor c = {s, len, 0, 1, line};
    tp_status st = TP_OK;
    size_t from = 0;
    unsigned long from_col = 1;
#define FLUSH()                                                                                \
    do {                                                                                       \
        if (is_text(r) && (st = emit(doc, &c, from, from_col)))                                \
            return st;                                                                         \
    } while (0)
    while (c.i < len) {
        switch (r->state) {
        case ST_TEXT:
            if (s[c.i] == '<') {
                FLUSH();
                tp_buf_reset(&r->tag);
                r->tag_line = line;
                r->tag_col = c.col;
                if (c.i + 4 <= len && !memcmp(s + c.i, "<!--", 4)) {
                    r->state = ST_COMMENT;
                    advance(&c, 4);
                } else if (c.i + 9 <= len && !memcmp(s + c.i, "<![CDATA[", 9)) {
                    r->state = ST_CDATA;
                    advance(&c, 9);
                } else {
                    r->state = ST_TAG;
                    advance(&c, 1);
                }
                from = c.i;
                from_col = c.col;
            } else if (s[c.i] == '&') {
                size_t n = 0;
                uint32_t cp = entity(s + c.i + 1, len - c.i - 1, &n);
                if (!cp) {
                    advance(&c, 1);
                    break;
                }
                FLUSH();
                if (is_text(r) && (st = tp_check_cp_at(doc, cp, line, c.col, n)))
                    return st;
                advance(&c, n);
                from = c.i;
                from_col = c.col;
            } else {
                advance(&c, 1);
            }
            break;
        case ST_CDATA:
            if (c.i + 3 <= len && !memcmp(s + c.i, "]]>", 3)) {
                FLUSH();
                r->state = ST_TEXT;
                advance(&c, 3);
                from = c.i;
                from_col = c.col;
            } else {
                advance(&c, 1);
            }
            break;
        case ST_COMMENT:
            if (c.i + 3 <= len && !memcmp(s + c.i, "-->", 3)) {
                r->state = ST_TEXT;
                if ((st = directive(doc, r->tag.data ? r->tag.data : "", r->tag.len,
                                    r->tag_line, r->tag_col)))
                    return st;
                advance(&c, 3);
                from = c.i;
                from_col = c.col;
            } else {
                size_t i0 = c.i;
                advance(&c, 1);
                if (r->tag.len < TAG_MAX && (st = tp_buf_append(&r->tag, s + i0, c.i - i0)))
                    return st;
            }
            break;
        case ST_TAG: {
            char ch = s[c.i];
            /* Quotes in a tag may hide '>'. */
            if (ch == '"' || ch == '\'') {
                const char *q = memchr(s + c.i + 1, ch, len - c.i - 1);
                size_t n = q ? (size_t)(q - s) + 1 - c.i : len - c.i;
                if (r->tag.len < TAG_MAX && (st = tp_buf_append(&r->tag, s + c.i, n)))
                    return st;
                advance(&c, n);
            } else if (ch == '>') {
                r->state = ST_TEXT;
                end_tag(r, doc);
                advance(&c, 1);
                from = c.i;
                from_col = c.col;
            } else {
                size_t i0 = c.i;
                advance(&c, 1);
                if (r->tag.len < TAG_MAX && (st = tp_buf_append(&r->tag, s + i0, c.i - i0)))
                    return st;
            }
            break;
        }
        case ST_RAW: {
            size_t n = strlen(r->raw_end);
            if (c.i + n <= len && !strncasecmp(s + c.i, r->raw_end, n)) {
                r->state = ST_TAG;
                tp_buf_reset(&r->tag);
            }
            advance(&c, 1);
            from = c.i;
            from_col = c.col;
            break;
        }
        default:
            advance(&c, 1);
        }
    }
    if (r->state == ST_TEXT || r->state == ST_CDATA)
        FLUSH();
    else if (r->state == ST_TAG || r->state == ST_COMMENT)
        st = tp_buf_putc(&r->tag, ' ');
#undef FLUSH
    return st;
}

tp_status tp_reader_line(tp_reader *r, tp_check_doc *doc, const char *s, size_t len,
                         unsigned long line)
{
    switch (r->format) {
    case TP_CHECK_MARKDOWN: return markdown_line(r, doc, s, len, line);
    case TP_CHECK_HTML:
    case TP_CHECK_XML: return markup_line(r, doc, s, len, line);
    default: return tp_check_text_at(doc, s, len, line, 1);
    }
}

tp_status tp_reader_end(tp_reader *r, tp_check_doc *doc)
{
    tp_status st = TP_OK;
    while (r->span_run && !st)
        st = span_replay(r, doc);
    return st;
}

int tp_reader_holding(const tp_reader *r)
{
    return r->span_run != 0;
}

void tp_reader_free(tp_reader *r)
{
    tp_buf_free(&r->tag);
    tp_buf_free(&r->hold);
}
