/* The termbase model: building and freeing concepts and terms, status names. */
#include "toponym/concept.h"
#include "error_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static char *dup_or_null(const char *s, int *failed)
{
    if (!s)
        return NULL;
    char *d = strdup(s);
    if (!d)
        *failed = 1;
    return d;
}

tp_concept *tp_concept_new(void)
{
    return calloc(1, sizeof(tp_concept));
}

static void term_clear(tp_term *t)
{
    free(t->lang);
    free(t->text);
    free(t->reading);
    free(t->usage);
    free(t->note);
    free(t->source);
    free(t->extra);
}

void tp_concept_free(tp_concept *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->term_count; i++)
        term_clear(&c->terms[i]);
    for (size_t i = 0; i < c->link_count; i++) {
        free(c->links[i].target);
        free(c->links[i].text);
    }
    free(c->terms);
    free(c->links);
    free(c->ext_id);
    free(c->subject);
    free(c->note);
    free(c->source);
    free(c->extra);
    free(c);
}

tp_status tp_concept_add_term(tp_concept *c, const tp_term *t, tp_error *err)
{
    if (!t->lang || !t->text)
        return tp_error_set(err, TP_ERR_ARG, "a term needs a language and a text");
    tp_term *terms = realloc(c->terms, (c->term_count + 1) * sizeof *terms);
    if (!terms)
        return tp_error_nomem(err);
    c->terms = terms;
    int failed = 0;
    tp_term copy = *t;
    copy.lang = dup_or_null(t->lang, &failed);
    copy.text = dup_or_null(t->text, &failed);
    copy.reading = dup_or_null(t->reading, &failed);
    copy.usage = dup_or_null(t->usage, &failed);
    copy.note = dup_or_null(t->note, &failed);
    copy.source = dup_or_null(t->source, &failed);
    copy.extra = dup_or_null(t->extra, &failed);
    if (failed) {
        term_clear(&copy);
        return tp_error_nomem(err);
    }
    c->terms[c->term_count++] = copy;
    return TP_OK;
}

tp_status tp_concept_add_link(tp_concept *c, const char *ext_id, const char *text,
                              tp_error *err)
{
    if (!ext_id)
        return tp_error_set(err, TP_ERR_ARG, "a link needs a target");
    tp_link *links = realloc(c->links, (c->link_count + 1) * sizeof *links);
    if (!links)
        return tp_error_nomem(err);
    c->links = links;
    int failed = 0;
    tp_link l = {dup_or_null(ext_id, &failed), dup_or_null(text, &failed)};
    if (failed) {
        free(l.target);
        free(l.text);
        return tp_error_nomem(err);
    }
    c->links[c->link_count++] = l;
    return TP_OK;
}

tp_status tp_concept_set(char **field, const char *value, tp_error *err)
{
    char *copy = NULL;
    if (value && !(copy = strdup(value)))
        return tp_error_nomem(err);
    free(*field);
    *field = copy;
    return TP_OK;
}

const tp_term *tp_concept_preferred(const tp_concept *c, const char *lang)
{
    const tp_term *first = NULL;
    for (size_t i = 0; i < c->term_count; i++) {
        const tp_term *t = &c->terms[i];
        if (strcasecmp(t->lang, lang) != 0)
            continue;
        if (t->status == TP_TERM_PREFERRED)
            return t;
        if (!first)
            first = t;
    }
    return first;
}

/* Fills *field from value when it is empty. */
static tp_status fill(char **field, const char *value, tp_error *err)
{
    return *field || !value ? TP_OK : tp_concept_set(field, value, err);
}

/* Appends extra data of from to *into unless it is already there (a second import of the same
 * file must not double it). */
static tp_status add_extra(char **into, const char *from, tp_error *err)
{
    if (!from || !*from || (*into && strstr(*into, from)))
        return TP_OK;
    if (!*into)
        return tp_concept_set(into, from, err);
    size_t a = strlen(*into), b = strlen(from);
    char *s = realloc(*into, a + b + 1);
    if (!s)
        return tp_error_nomem(err);
    memcpy(s + a, from, b + 1);
    *into = s;
    return TP_OK;
}

tp_status tp_concept_merge(tp_concept *into, const tp_concept *from, tp_error *err)
{
    tp_status st;
    if ((st = fill(&into->ext_id, from->ext_id, err)) ||
        (st = fill(&into->subject, from->subject, err)) ||
        (st = fill(&into->note, from->note, err)) ||
        (st = fill(&into->source, from->source, err)) ||
        (st = add_extra(&into->extra, from->extra, err)))
        return st;
    for (size_t i = 0; i < from->term_count; i++) {
        const tp_term *f = &from->terms[i];
        tp_term *same = NULL;
        for (size_t j = 0; j < into->term_count && !same; j++)
            if (!strcasecmp(into->terms[j].lang, f->lang) && !strcmp(into->terms[j].text, f->text))
                same = &into->terms[j];
        if (!same) {
            /* A second preferred term in one language would make two "the" terms: the one
             * already stored stays preferred, the newcomer is admitted. */
            tp_term t = *f;
            if (t.status == TP_TERM_PREFERRED && tp_concept_preferred(into, t.lang) &&
                tp_concept_preferred(into, t.lang)->status == TP_TERM_PREFERRED)
                t.status = TP_TERM_ADMITTED;
            t.id = 0;
            if ((st = tp_concept_add_term(into, &t, err)))
                return st;
            continue;
        }
        if (!same->scheme)
            same->scheme = f->scheme;
        if ((st = fill(&same->reading, f->reading, err)) ||
            (st = fill(&same->usage, f->usage, err)) || (st = fill(&same->note, f->note, err)) ||
            (st = fill(&same->source, f->source, err)) ||
            (st = add_extra(&same->extra, f->extra, err)))
            return st;
    }
    for (size_t i = 0; i < from->link_count; i++) {
        const tp_link *l = &from->links[i];
        tp_link *same = NULL;
        for (size_t j = 0; j < into->link_count && !same; j++)
            if (!strcmp(into->links[j].target, l->target))
                same = &into->links[j];
        if (same ? (st = fill(&same->text, l->text, err))
                 : (st = tp_concept_add_link(into, l->target, l->text, err)))
            return st;
    }
    return TP_OK;
}

tp_concept *tp_concept_copy(const tp_concept *c)
{
    tp_concept *d = tp_concept_new();
    if (!d)
        return NULL;
    d->id = c->id;
    if (tp_concept_merge(d, c, NULL) != TP_OK) {
        tp_concept_free(d);
        return NULL;
    }
    /* merge demotes a second preferred term and drops ids; a copy keeps both as they were. */
    for (size_t i = 0; i < c->term_count && i < d->term_count; i++) {
        d->terms[i].status = c->terms[i].status;
        d->terms[i].id = c->terms[i].id;
    }
    return d;
}

tp_status tp_lang_canonical(const char *tag, char *out, size_t cap)
{
    size_t n = strlen(tag), part = 0, len = 0;
    if (n == 0 || n >= cap || n > 35)
        return TP_ERR_ARG;
    for (size_t i = 0; i <= n; i++) {
        if (tag[i] == '-' || tag[i] == '_' || tag[i] == '\0') {
            size_t start = i - len;
            if (len == 0 || len > 8 || (part == 0 && (len < 2 || len > 3)))
                return TP_ERR_ARG;
            for (size_t k = start; k < i; k++) {
                unsigned char ch = (unsigned char)tag[k];
                if (part == 0 ? !isalpha(ch) : !isalnum(ch))
                    return TP_ERR_ARG;
                /* Case by the subtag's kind: language lower, script title, region upper. */
                if (part > 0 && len == 4 && isalpha((unsigned char)tag[start]))
                    out[k] = (char)(k == start ? toupper(ch) : tolower(ch));
                else if (part > 0 && len == 2)
                    out[k] = (char)toupper(ch);
                else
                    out[k] = (char)tolower(ch);
            }
            if (tag[i])
                out[i] = '-';
            part++;
            len = 0;
        } else {
            len++;
        }
    }
    out[n] = '\0';
    return TP_OK;
}

static const char *const status_names[] = {
    NULL, "preferred", "admitted", "deprecated", "superseded", "forbidden",
};

const char *tp_term_status_name(tp_term_status status)
{
    if (status >= TP_TERM_PREFERRED && status <= TP_TERM_FORBIDDEN)
        return status_names[status];
    return "unknown";
}

/* TBX's other administrative statuses, by the status they amount to for a translator: a
 * standardised, legal or regulated term is the one to use; an obsolete one is superseded. */
static const struct {
    const char *name;
    tp_term_status status;
} status_aliases[] = {
    {"standardized", TP_TERM_PREFERRED},
    {"legal", TP_TERM_PREFERRED},
    {"regulated", TP_TERM_PREFERRED},
    {"obsolete", TP_TERM_SUPERSEDED},
};

static int status_word(const char *name, const char *word)
{
    size_t n = strlen(word);
    /* The bare word, TBX's "deprecatedTerm", and its "deprecatedTerm-admn-sts". */
    return strncasecmp(name, word, n) == 0 &&
           (name[n] == '\0' || strcasecmp(name + n, "Term") == 0 ||
            strcasecmp(name + n, "Term-admn-sts") == 0);
}

tp_status tp_term_status_parse(const char *name, tp_term_status *out)
{
    for (size_t i = 0; i < sizeof status_aliases / sizeof status_aliases[0]; i++) {
        if (status_word(name, status_aliases[i].name)) {
            *out = status_aliases[i].status;
            return TP_OK;
        }
    }
    for (int s = TP_TERM_PREFERRED; s <= TP_TERM_FORBIDDEN; s++) {
        if (status_word(name, status_names[s])) {
            *out = (tp_term_status)s;
            return TP_OK;
        }
    }
    return TP_ERR_ARG;
}
