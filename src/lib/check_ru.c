/* Russian inflection for the checker: which endings a word of a Russian term may take in running
 * text. Per-term ending classes rather than a stemmer: Snowball's Russian stemmer reduces both
 * Курильск and Курильские to "курильск", a class keeps the town (a noun) apart from the islands
 * (an adjective) because their endings differ. See docs/check.md for the measurement. */
#include "check_int.h"

#include <string.h>

/* Endings (after the stem) each class accepts. Nominative endings are included: the stem
 * is what is left when the term's own ending is cut off. */
static const char *const hard[] = {"", "а", "у", "ом", "е", "ы", "ов", "ам", "ами", "ах", "ой",
                                   "ою", "и", NULL};
static const char *const soft[] = {"й", "ь", "я", "и", "ю", "е", "ем", "ей", "ею", "ью", "ям",
                                   "ями", "ях", "ев", NULL};
static const char *const more[] = {"е", "я", "ю", "ем", "ей", "ям", "ями", "ях", NULL};
static const char *const adj[] = {"ый", "ий", "ой", "ая", "яя", "ое", "ее", "ые", "ие", "ого",
                                  "его", "ому", "ему", "ым", "им", "ом", "ем", "ую", "юю", "ых",
                                  "их", "ыми", "ими", "ей", "ою", "ею", NULL};

static int in(const char *const *set, const char *e, size_t n)
{
    for (; *set; set++)
        if (strlen(*set) == n && memcmp(*set, e, n) == 0)
            return 1;
    return 0;
}

/* Bytes of the last k Cyrillic letters (2 bytes each) of word, or 0 when they are not all
 * two-byte letters. */
static size_t tail(const char *w, size_t len, size_t k)
{
    if (len < 2 * k)
        return 0;
    for (size_t i = len - 2 * k; i < len; i += 2) {
        unsigned char c = (unsigned char)w[i];
        if (c != 0xD0 && c != 0xD1)
            return 0;
    }
    return 2 * k;
}

static int ends(const char *w, size_t len, const char *suffix)
{
    size_t n = strlen(suffix);
    return len >= n && memcmp(w + len - n, suffix, n) == 0;
}

size_t tp_ru_term_word(const char *w, size_t len, int noun_seen, tp_ru_class *cls, int *is_noun)
{
    *cls = TP_RU_EXACT;
    *is_noun = 0;
    /* Too short to inflect safely, or not Cyrillic. */
    if (len < 6 || !tail(w, len, 2))
        return len;
    if (len >= 8 && (ends(w, len, "ый") || ends(w, len, "ий") || ends(w, len, "ой") ||
                     ends(w, len, "ая") || ends(w, len, "яя") || ends(w, len, "ое") ||
                     ends(w, len, "ее") || ends(w, len, "ые") || ends(w, len, "ие"))) {
        *cls = TP_RU_ADJ;
        return len - 4;
    }
    *is_noun = 1;
    if (noun_seen)
        return len; /* a frozen genitive or an apposition: пролив Лаперуза, острова Хабомаи */
    if (!strcmp(w, "море") || ends(w, len, "ье")) {
        *cls = TP_RU_NOUN_MORE;
        return len - 2;
    }
    if (ends(w, len, "й") || ends(w, len, "ь") || ends(w, len, "я")) {
        *cls = TP_RU_NOUN_SOFT;
        return len - 2;
    }
    if (ends(w, len, "а") || ends(w, len, "ы")) {
        *cls = TP_RU_NOUN_HARD;
        return len - 2;
    }
    if (ends(w, len, "ии")) {
        *cls = TP_RU_NOUN_SOFT; /* территории: a plural in -ии */
        return len - 2;
    }
    /* Final о, е, и, у, ю, э: indeclinable names (Хоккайдо, Немуро, Хабомаи, Шумшу). */
    if (ends(w, len, "о") || ends(w, len, "е") || ends(w, len, "и") || ends(w, len, "у") ||
        ends(w, len, "ю") || ends(w, len, "э"))
        return len;
    *cls = TP_RU_NOUN_HARD;
    return len;
}

size_t tp_ru_stems(const char *w, size_t len, size_t stems[4])
{
    size_t n = 0;
    stems[n++] = len;
    for (size_t k = 1; k <= 3; k++) {
        size_t t = tail(w, len, k);
        if (!t || len - t < 4)
            break;
        const char *e = w + len - t;
        if (in(hard, e, t) || in(soft, e, t) || in(more, e, t) || in(adj, e, t))
            stems[n++] = len - t;
    }
    return n;
}

int tp_ru_ending_ok(tp_ru_class cls, const char *e, size_t n)
{
    switch (cls) {
    case TP_RU_EXACT: return n == 0;
    case TP_RU_NOUN_HARD: return in(hard, e, n);
    case TP_RU_NOUN_SOFT: return in(soft, e, n);
    case TP_RU_NOUN_MORE: return in(more, e, n);
    case TP_RU_ADJ: return in(adj, e, n);
    }
    return 0;
}
