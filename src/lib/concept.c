/* The termbase model: building and freeing concepts and terms, status names. */
#include "toponym/concept.h"
#include "error_int.h"

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
}

void tp_concept_free(tp_concept *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->term_count; i++)
        term_clear(&c->terms[i]);
    for (size_t i = 0; i < c->link_count; i++)
        free(c->links[i]);
    free(c->terms);
    free(c->links);
    free(c->ext_id);
    free(c->subject);
    free(c->note);
    free(c->source);
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
    if (failed) {
        term_clear(&copy);
        return tp_error_nomem(err);
    }
    c->terms[c->term_count++] = copy;
    return TP_OK;
}

tp_status tp_concept_add_link(tp_concept *c, const char *ext_id, tp_error *err)
{
    char **links = realloc(c->links, (c->link_count + 1) * sizeof *links);
    if (!links)
        return tp_error_nomem(err);
    c->links = links;
    if (!(c->links[c->link_count] = strdup(ext_id)))
        return tp_error_nomem(err);
    c->link_count++;
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
