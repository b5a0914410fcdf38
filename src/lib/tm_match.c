/* Translation-memory matching: candidates from the n-gram index (never a scan), scored by an edit
 * distance over words whose substitution cost is the character distance between the two words
 * (zero for case, width and romanisation variants of one name); exact matches first, pivoting
 * through a third language; concordance; and the glossary's place names found in a segment. */
#include "toponym/match.h"
#include "toponym/tm.h"
#include "buf_int.h"
#include "error_int.h"
#include "norm_int.h"
#include "roman_int.h"
#include "tm_int.h"
#include "utf8_int.h"
#include "words_int.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define POSTINGS_PER_GRAM 2048  /* a gram in this many variants or more says little: it only
                                   counts when the segment has no rarer one */
#define COMMON_SHARE 128        /* nor does one in more variants than this share of the units
                                   (a unit has a variant in each of about three languages) */
#define CANDIDATES_SCORED 40    /* best candidates by shared grams that get a full score */
#define CONCORDANCE_LIMIT 4096  /* postings read per gram to find a concordance's rarest */
#define WORDS_MAX 256           /* words of a segment that scoring looks at */
#define WORD_CPS_MAX 64
#define CONCORDANCE_SCAN 200000 /* postings read for one concordance query */
#define TERM_WINDOW 4           /* longest glossary name, in words */

const char *tp_tm_match_kind_name(tp_tm_match_kind kind)
{
    switch (kind) {
    case TP_TM_EXACT: return "exact";
    case TP_TM_FUZZY: return "fuzzy";
    case TP_TM_PIVOT: return "pivot";
    }
    return "unknown";
}

/* The language of text by its script, when the caller gives none. */
static const char *guess_lang(const char *s, size_t n)
{
    int latin = 0;
    for (size_t i = 0; i < n;) {
        int32_t c = tp_utf8_next(s, n, &i);
        if (c < 0)
            break;
        switch (tp_utf8_script((uint32_t)c)) {
        case TP_SCRIPT_HAN:
        case TP_SCRIPT_KANA: return "ja";
        case TP_SCRIPT_CYRILLIC: return "ru";
        case TP_SCRIPT_LATIN: latin = 1; break;
        default: break;
        }
    }
    return latin ? "en" : "en";
}

static tp_status fold(tp_norm *norm, const char *s, size_t n, char **out)
{
    tp_buf b = TP_BUF_INIT;
    tp_status st = n ? tp_norm_fold_buf(norm, s, n, &b) : tp_buf_append(&b, "", 0);
    if (!st)
        st = tp_buf_take(&b, out);
    tp_buf_free(&b);
    return st;
}

/* ---- words and the search's vocabulary ---- */

/* A distinct word met in one search, by its text as written: folded, and its romanisation keys
 * made, once however many candidates hold it. */
typedef struct vword {
    char *raw;          /* the word as written */
    size_t raw_len;
    uint64_t hash;      /* of raw */
    char *fold;
    char *ja, *ru;      /* romanisation keys of a Latin word, else NULL; made when first needed */
    int keyed;          /* ja and ru have been made */
    uint32_t cps[WORD_CPS_MAX];
    size_t ncps;        /* WORD_CPS_MAX + 1 when longer */
    double *cost;       /* of replacing each of the segment's words by this one, < 0 until
                           worked out; NULL until first needed */
} vword;

typedef struct vocab {
    vword *w;
    size_t n, cap;
    uint32_t *slot;     /* open addressing on raw text: id + 1, 0 empty */
    size_t slot_cap;
    size_t nquery;      /* ids below this are the segment's words (it is split first) */
} vocab;

static void vocab_free(vocab *v)
{
    for (size_t i = 0; i < v->n; i++) {
        free(v->w[i].raw);
        free(v->w[i].fold);
        free(v->w[i].ja);
        free(v->w[i].ru);
        free(v->w[i].cost);
    }
    free(v->w);
    free(v->slot);
    memset(v, 0, sizeof *v);
}

static int vocab_rehash(vocab *v, size_t cap)
{
    uint32_t *s = calloc(cap, sizeof *s);
    if (!s)
        return -1;
    for (size_t i = 0; i < v->n; i++) {
        size_t h = (size_t)v->w[i].hash & (cap - 1);
        while (s[h])
            h = (h + 1) & (cap - 1);
        s[h] = (uint32_t)i + 1;
    }
    free(v->slot);
    v->slot = s;
    v->slot_cap = cap;
    return 0;
}

/* The id of the word raw[0, len): met before, or added now with its folded form. */
static tp_status vocab_id(vocab *v, tp_norm *norm, const char *raw, size_t len, size_t *id)
{
    uint64_t hash = tp_tm_hash(raw, len, TP_TM_HASH_SEED);
    if ((v->n + 1) * 2 > v->slot_cap && vocab_rehash(v, v->slot_cap ? v->slot_cap * 2 : 512))
        return TP_ERR_NOMEM;
    size_t h = (size_t)hash & (v->slot_cap - 1);
    for (; v->slot[h]; h = (h + 1) & (v->slot_cap - 1)) {
        const vword *w = &v->w[v->slot[h] - 1];
        if (w->hash == hash && w->raw_len == len && !memcmp(w->raw, raw, len)) {
            *id = v->slot[h] - 1;
            return TP_OK;
        }
    }
    if (v->n == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 256;
        vword *nw = realloc(v->w, cap * sizeof *nw);
        if (!nw)
            return TP_ERR_NOMEM;
        v->w = nw;
        v->cap = cap;
    }
    vword *w = &v->w[v->n];
    memset(w, 0, sizeof *w);
    if (!(w->raw = strndup(raw, len)))
        return TP_ERR_NOMEM;
    w->raw_len = len;
    w->hash = hash;
    tp_status st = fold(norm, raw, len, &w->fold);
    if (st) {
        free(w->raw);
        return st;
    }
    size_t fl = strlen(w->fold);
    for (size_t k = 0; k < fl;) {
        int32_t c = tp_utf8_next(w->fold, fl, &k);
        if (c < 0)
            break;
        if (w->ncps == WORD_CPS_MAX) {
            w->ncps++;
            break;
        }
        w->cps[w->ncps++] = (uint32_t)c;
    }
    v->slot[h] = (uint32_t)v->n + 1;
    *id = v->n++;
    return TP_OK;
}

/* A word of one text: where it is, and what it is in the vocabulary. */
typedef struct word {
    const char *text;   /* the text it is in */
    size_t start, end, space_end;
    size_t id;          /* in the search's vocabulary */
} word;

typedef struct wordlist {
    word *w;
    size_t n;
} wordlist;

static void words_free(wordlist *l)
{
    free(l->w);
    l->w = NULL;
    l->n = 0;
}

static int ascii_letters(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || *s == ' ' || *s == '\''))
            return 0;
    return 1;
}

static char *key_of(tp_status (*fn)(const char *, size_t, tp_buf *), const char *s)
{
    tp_buf b = TP_BUF_INIT;
    char *out = NULL;
    if (fn(s, strlen(s), &b) == TP_OK && b.len)
        tp_buf_take(&b, &out);
    tp_buf_free(&b);
    return out;
}

static tp_status split(tp_words *ws, tp_norm *norm, vocab *voc, const char *text, size_t len,
                       wordlist *out)
{
    tp_word *tw = NULL;
    size_t n = 0;
    out->w = NULL;
    out->n = 0;
    tp_status st = tp_words_split(ws, text, len, WORDS_MAX, &tw, &n);
    if (st)
        return st;
    if (n && !(out->w = calloc(n, sizeof *out->w))) {
        free(tw);
        return TP_ERR_NOMEM;
    }
    for (size_t i = 0; !st && i < n; i++) {
        word *w = &out->w[out->n++];
        w->text = text;
        w->start = tw[i].start;
        w->end = tw[i].end;
        w->space_end = tw[i].space_end;
        st = vocab_id(voc, norm, text + w->start, w->end - w->start, &w->id);
    }
    free(tw);
    return st;
}

/* The romanisation keys of a Latin word, made on first use: most word pairs compared are the
 * same word or plainly different ones. A key that cannot be made (out of memory) is left NULL:
 * the words then only compare by their letters. */
static void make_keys(vword *w)
{
    if (w->keyed)
        return;
    w->keyed = 1;
    if (!ascii_letters(w->fold))
        return;
    w->ja = key_of(tp_ja_key_from_latin, w->fold);
    w->ru = key_of(tp_ru_key_from_latin, w->fold);
}

/* The Levenshtein distance between a and b in code points. */
static unsigned char_distance(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
    unsigned row[WORD_CPS_MAX + 1];
    for (size_t j = 0; j <= nb; j++)
        row[j] = (unsigned)j;
    for (size_t i = 1; i <= na; i++) {
        unsigned diag = row[0];
        row[0] = (unsigned)i;
        for (size_t j = 1; j <= nb; j++) {
            unsigned up = row[j];
            unsigned v = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < v)
                v = up + 1;
            if (row[j - 1] + 1 < v)
                v = row[j - 1] + 1;
            row[j] = v;
            diag = up;
        }
    }
    return row[nb];
}

/* What replacing word a by word b costs: 0 for the same word after folding or another
 * romanisation of one name, else their character distance over the longer length. */
static double word_cost(vword *a, vword *b)
{
    if (!strcmp(a->fold, b->fold))
        return 0;
    make_keys(a);
    make_keys(b);
    if ((a->ja && b->ja && !strcmp(a->ja, b->ja)) || (a->ru && b->ru && !strcmp(a->ru, b->ru)))
        return 0;
    if (a->ncps > WORD_CPS_MAX || b->ncps > WORD_CPS_MAX)
        return 1;
    size_t longer = a->ncps > b->ncps ? a->ncps : b->ncps;
    size_t shorter = a->ncps > b->ncps ? b->ncps : a->ncps;
    /* A word more than half rewritten is another word; the length alone may say so. */
    if (!longer || (longer - shorter) * 2 > longer)
        return longer ? 1 : 0;
    double c = (double)char_distance(a->cps, a->ncps, b->cps, b->ncps) / (double)longer;
    return c > 0.5 ? 1 : c;
}

/* word_cost of replacing the segment's word a by word b, by vocabulary ids: each pair is
 * worked out once a search, as the candidates share most of their words. */
static double sub_cost(vocab *v, size_t a, size_t b)
{
    if (a == b)
        return 0;
    vword *w = &v->w[b];
    if (a >= v->nquery)
        return word_cost(&v->w[a], w);
    if (!w->cost && (w->cost = malloc(v->nquery * sizeof *w->cost)))
        for (size_t i = 0; i < v->nquery; i++)
            w->cost[i] = -1;
    if (!w->cost)
        return word_cost(&v->w[a], w);   /* no room to remember: work it out each time */
    if (w->cost[a] < 0)
        w->cost[a] = word_cost(&v->w[a], w);
    return w->cost[a];
}

static tp_status add_diff(tp_tm_match *m, tp_tm_diff_op op, const word *w)
{
    tp_tm_diff *d = realloc(m->diff, (m->diff_count + 1) * sizeof *d);
    if (!d)
        return TP_ERR_NOMEM;
    m->diff = d;
    d[m->diff_count].op = op;
    d[m->diff_count].text = strndup(w->text + w->start, w->space_end - w->start);
    if (!d[m->diff_count].text)
        return TP_ERR_NOMEM;
    m->diff_count++;
    return TP_OK;
}

/* The score 0-100 of an edit distance over words. */
static int score_of(double dist, size_t longer)
{
    double s = 100.0 * (1.0 - dist / (double)longer);
    return s < 0 ? 0 : (int)(s + 0.5);
}

/* The edit distance over words; with m, the word-level diff too. Returns the score 0-100, or
 * -1 when it is below at_least: then only the cells within the distance it allows of the
 * diagonal are worked out (a path through any other costs more). */
static int score_words(vocab *voc, wordlist *a, wordlist *b, tp_tm_match *m, int at_least,
                       tp_status *st)
{
    size_t n = a->n, k = b->n;
    size_t longer = n > k ? n : k;
    if (longer == 0)
        return 100;
    /* The largest distance that still rounds to at_least (and a hair more, for rounding). */
    double allowed = (double)longer * (1.0 - ((double)at_least - 0.5) / 100.0) + 1e-9;
    size_t band = allowed < 0 ? 0 : allowed >= (double)longer ? longer : (size_t)allowed;
    if ((n > k ? n - k : k - n) > band)
        return -1;
    double *d = malloc((n + 1) * (k + 1) * sizeof *d);
    if (!d) {
        *st = TP_ERR_NOMEM;
        return 0;
    }
#define D(i, j) d[(i) * (k + 1) + (j)]
    const double far = (double)(n + k + 1);   /* outside the band: more than any distance */
    for (size_t i = 0; i <= n; i++)
        for (size_t j = 0; j <= k; j++)
            D(i, j) = (i == 0 || j == 0) && (i > j ? i - j : j - i) <= band ? (double)(i + j)
                                                                             : far;
    for (size_t i = 1; i <= n; i++) {
        size_t lo = i > band ? i - band : 1, hi = i + band < k ? i + band : k;
        double row_min = far;
        for (size_t j = lo; j <= hi; j++) {
            double v = (D(i - 1, j) < D(i, j - 1) ? D(i - 1, j) : D(i, j - 1)) + 1;
            /* A replacement costs 0 to 1: only worked out when it could be the cheaper way. */
            if (D(i - 1, j - 1) < v) {
                double r = D(i - 1, j - 1) + sub_cost(voc, a->w[i - 1].id, b->w[j - 1].id);
                if (r < v)
                    v = r;
            }
            D(i, j) = v;
            if (v < row_min)
                row_min = v;
        }
        if (row_min > allowed) {   /* every path goes through this row */
            free(d);
            return -1;
        }
    }
    double dist = D(n, k);
    if (dist > allowed) {
        free(d);
        return -1;
    }
    if (m) {
        /* Walk back from the end, then reverse: segment words and memory words in order. */
        size_t i = n, j = k;
        size_t first = m->diff_count;
        while (!*st && (i > 0 || j > 0)) {
            if (i > 0 && j > 0 &&
                D(i, j) == D(i - 1, j - 1) + sub_cost(voc, a->w[i - 1].id, b->w[j - 1].id)) {
                if (sub_cost(voc, a->w[i - 1].id, b->w[j - 1].id) == 0) {
                    /* The memory's spelling: what the translator will see changed. */
                    *st = add_diff(m, TP_DIFF_SAME, &b->w[j - 1]);
                } else {
                    *st = add_diff(m, TP_DIFF_SEGMENT, &a->w[i - 1]);
                    if (!*st)
                        *st = add_diff(m, TP_DIFF_MEMORY, &b->w[j - 1]);
                }
                i--;
                j--;
            } else if (i > 0 && D(i, j) == D(i - 1, j) + 1) {
                *st = add_diff(m, TP_DIFF_SEGMENT, &a->w[--i]);
            } else {
                *st = add_diff(m, TP_DIFF_MEMORY, &b->w[--j]);
            }
        }
        for (size_t x = first, y = m->diff_count; x + 1 < y; x++, y--) {
            tp_tm_diff t = m->diff[x];
            m->diff[x] = m->diff[y - 1];
            m->diff[y - 1] = t;
        }
    }
#undef D
    free(d);
    return score_of(dist, longer);
}

/* ---- candidates ---- */

typedef struct cand {
    int64_t variant;
    unsigned shared;    /* weight of the grams shared with the segment */
    unsigned exact;     /* same folded text */
} cand;

static int by_shared(const void *x, const void *y)
{
    const cand *a = x, *b = y;
    if (a->exact != b->exact)
        return a->exact < b->exact ? 1 : -1;
    if (a->shared != b->shared)
        return a->shared < b->shared ? 1 : -1;
    return a->variant < b->variant ? -1 : a->variant > b->variant;
}

/* The best candidates by shared grams, best first: kept in order by insertion, as they are few
 * and most candidates fall below the last at once. */
typedef struct shortlist {
    cand c[CANDIDATES_SCORED];
    size_t n;
} shortlist;

static void shortlist_add(shortlist *s, const cand *x)
{
    if (s->n == CANDIDATES_SCORED && by_shared(x, &s->c[s->n - 1]) >= 0)
        return;
    size_t k = s->n < CANDIDATES_SCORED ? s->n++ : s->n - 1;
    for (; k > 0 && by_shared(x, &s->c[k - 1]) < 0; k--)
        s->c[k] = s->c[k - 1];
    s->c[k] = *x;
}

/* The variants whose folded text is the segment's. */
typedef struct exacts {
    cand c[CANDIDATES_SCORED];
    size_t n;
} exacts;

static int on_exact(void *ctx, int64_t variant, int64_t unit)
{
    (void)unit;
    exacts *e = ctx;
    cand x = {variant, 0, 1};
    e->c[e->n++] = x;
    return e->n == CANDIDATES_SCORED;
}

/* The candidates met in the postings: open addressing on variant id (0: empty slot). */
typedef struct tally {
    cand *slots;
    size_t cap, n;
    size_t *used;       /* the slots taken, in the order they were */
    unsigned weight;    /* what a posting of the gram being read adds to shared */
} tally;

static cand *tally_slot(tally *t, int64_t variant)
{
    size_t h = (size_t)(((uint64_t)variant * 0x9E3779B97F4A7C15ULL) >> 20) & (t->cap - 1);
    while (t->slots[h].variant && t->slots[h].variant != variant)
        h = (h + 1) & (t->cap - 1);
    return &t->slots[h];
}

static int on_posting(void *ctx, int64_t variant, int64_t unit)
{
    (void)unit;   /* read with the candidate's text, for the few that are scored */
    tally *t = ctx;
    if ((t->n + 1) * 2 > t->cap)
        return 1;   /* more postings than their counts said: the rest are left out */
    cand *c = tally_slot(t, variant);
    if (!c->variant) {
        c->variant = variant;
        t->used[t->n++] = (size_t)(c - t->slots);
    }
    c->shared += t->weight;
    return 0;
}

/* ---- matching ---- */

static void match_clear(tp_tm_match *m)
{
    tp_tm_unit_free(m->unit);
    tp_tm_unit_free(m->pivot_unit);
    for (size_t i = 0; i < m->diff_count; i++)
        free(m->diff[i].text);
    free(m->diff);
    memset(m, 0, sizeof *m);
}

void tp_tm_matches_free(tp_tm_matches *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->count; i++)
        match_clear(&m->items[i]);
    free(m->items);
    free(m);
}

typedef struct finder {
    tp_store *store;
    tp_norm *norm;
    tp_words *ws;
    vocab voc;          /* the words of the segment and its candidates */
    const tp_tm_match_opts *o;
    const char *from, *to, *pivot;
    tp_error *err;
} finder;

static const tp_tm_variant *target_of(const finder *f, const tp_tm_unit *u, size_t source)
{
    char sb[16], vb[16];
    tp_tm_lang_base(u->variants[source].lang, sb);
    for (size_t i = 0; i < u->variant_count; i++) {
        if (i == source)
            continue;
        if (f->to ? tp_tm_lang_meets(u->variants[i].lang, f->to)
                  : (tp_tm_lang_base(u->variants[i].lang, vb), strcmp(vb, sb) != 0))
            return &u->variants[i];
    }
    return NULL;
}

/* A unit without the wanted language: find another unit with the same pivot-language text that
 * has it. Pivoting is tried for every unit that shares the text, first one with a target wins. */
typedef struct pivot_walk {
    finder *f;
    int64_t skip;
    int64_t units[16];
    size_t n;
} pivot_walk;

static int on_pivot_unit(void *ctx, int64_t variant, int64_t unit)
{
    (void)variant;
    pivot_walk *p = ctx;
    if (unit != p->skip && p->n < 16)
        p->units[p->n++] = unit;
    return p->n >= 16;
}

static tp_status find_pivot(finder *f, tp_tm_match *m)
{
    const tp_tm_variant *pv = tp_tm_unit_variant(m->unit, f->pivot);
    if (!pv || !f->to)
        return TP_OK;
    char base[16];
    tp_tm_lang_base(pv->lang, base);
    pivot_walk p = {f, m->unit->id, {0}, 0};
    char *pf = NULL;
    tp_status st = fold(f->norm, pv->text, strlen(pv->text), &pf);
    if (st)
        return tp_error_set(f->err, st, "cannot normalise a segment: %s", tp_strerror(st));
    st = tp_store_tm_probe_fold(f->store, base, pf, on_pivot_unit, &p, f->err);
    free(pf);
    for (size_t i = 0; !st && i < p.n; i++) {
        tp_tm_unit *u = NULL;
        if ((st = tp_store_tm_get_unit(f->store, p.units[i], &u, f->err)))
            break;
        const tp_tm_variant *t = tp_tm_unit_variant(u, f->to);
        if (t) {
            m->pivot_unit = u;
            m->target = t;
            m->kind = TP_TM_PIVOT;
            break;
        }
        tp_tm_unit_free(u);
    }
    return st;
}

/* A candidate with its score, before its unit is read. */
typedef struct scored {
    int64_t variant, unit;
    int score;
    tp_tm_match_kind kind;
} scored;

static int by_scored(const void *x, const void *y)
{
    const scored *a = x, *b = y;
    if (a->score != b->score)
        return b->score - a->score;
    return a->unit < b->unit ? -1 : a->unit > b->unit;
}

/* The shortlist from the postings of the segment's grams: each gram weighs more the fewer
 * variants hold it, and common grams (held by POSTINGS_PER_GRAM variants, or a COMMON_SHARE
 * part of the memory's, or more) count only when the segment has no rarer one (their postings
 * are then not even read). */
static tp_status gather(finder *f, const uint64_t *grams, size_t ngrams, const exacts *e,
                        shortlist *s)
{
    size_t *size = calloc(ngrams ? ngrams : 1, sizeof *size);
    if (!size)
        return TP_ERR_NOMEM;
    int64_t units = 0;
    tp_status st = tp_store_tm_last_unit(f->store, &units, f->err);
    size_t common = POSTINGS_PER_GRAM, rare = 0, total = e->n;
    if ((size_t)units / COMMON_SHARE > common)
        common = (size_t)units / COMMON_SHARE;
    for (size_t i = 0; !st && i < ngrams; i++) {
        st = tp_store_tm_gram_size(f->store, grams[i], common, &size[i], f->err);
        if (size[i] > common)
            size[i] = common;
        rare += size[i] && size[i] < common;
    }
    for (size_t i = 0; i < ngrams; i++)
        if (rare && size[i] >= common)
            size[i] = 0;
        else
            total += size[i];
    tally t = {NULL, 1024, 0, NULL, 0};
    while (t.cap < total * 2 + 2)
        t.cap *= 2;
    if (!st && (!(t.slots = calloc(t.cap, sizeof *t.slots)) ||
                !(t.used = malloc(t.cap / 2 * sizeof *t.used))))
        st = TP_ERR_NOMEM;
    for (size_t i = 0; !st && i < ngrams; i++) {
        if (!size[i])
            continue;
        t.weight = 1;
        for (size_t k = size[i]; k < common; k *= 2)
            t.weight++;
        st = tp_store_tm_probe_gram(f->store, grams[i], size[i], on_posting, &t, f->err);
    }
    for (size_t i = 0; !st && i < e->n; i++) {
        cand *c = tally_slot(&t, e->c[i].variant);
        if (!c->variant)
            t.used[t.n++] = (size_t)(c - t.slots);
        c->variant = e->c[i].variant;
        c->exact = 1;
    }
    for (size_t i = 0; !st && i < t.n; i++)
        shortlist_add(s, &t.slots[t.used[i]]);
    free(t.slots);
    free(t.used);
    free(size);
    return st;
}

/* The fewest words text can split into: one a run of non-blanks, as a word never holds a
 * blank (within the split's limit). */
static size_t least_words(const char *text)
{
    size_t n = 0;
    for (const char *p = text; *p && n < WORDS_MAX; p++)
        n += !strchr(" \t\r\n", *p) && (p == text || strchr(" \t\r\n", p[-1]));
    return n;
}

#define PRUNE_LIMIT_MAX 16   /* with a longer list asked for, every candidate is scored */

/* The score a candidate must reach to be among the limit best of sc[0, n), or min. */
static int bar(const scored *sc, size_t n, size_t limit, int min)
{
    int top[PRUNE_LIMIT_MAX];   /* the best scores, best first */
    size_t t = 0;
    for (size_t i = 0; i < n; i++) {
        if (t == limit && sc[i].score <= top[t - 1])
            continue;
        size_t k = t < limit ? t++ : t - 1;
        for (; k > 0 && top[k - 1] < sc[i].score; k--)
            top[k] = top[k - 1];
        top[k] = sc[i].score;
    }
    return t == limit && top[t - 1] > min ? top[t - 1] : min;
}

/* Scores the candidates from their variant's text alone; *out (best first, one entry a unit,
 * on its best variant) is freed by the caller. With prune, a candidate that cannot be among
 * the limit best is only scored as far as it takes to know that, and counted in *pruned. */
static tp_status score_candidates(finder *f, const cand *cs, size_t n, wordlist *qw,
                                  const char *segment, size_t len, int prune, scored **out,
                                  size_t *count, size_t *pruned)
{
    scored *sc = calloc(n ? n : 1, sizeof *sc);
    if (!sc)
        return TP_ERR_NOMEM;
    size_t k = 0;
    tp_status st = TP_OK;
    int min = f->o && f->o->min_score ? f->o->min_score : 50;
    size_t limit = f->o && f->o->limit ? f->o->limit : 5;
    if (limit > PRUNE_LIMIT_MAX)
        prune = 0;
    *pruned = 0;
    for (size_t i = 0; !st && i < n; i++) {
        int64_t unit = 0;
        char *text = NULL;
        int codes = 0;
        if ((st = tp_store_tm_variant_text(f->store, cs[i].variant, &unit, &text, &codes, f->err)))
            break;
        scored x = {cs[i].variant, unit, 0, TP_TM_EXACT};
        if (cs[i].exact) {
            x.score = strlen(text) == len && memcmp(text, segment, len) == 0 ? 100 : 99;
            if (codes)
                x.score -= 2;   /* the segment is plain text: it has no codes */
        } else {
            int at_least = prune ? bar(sc, k, limit, min) : min;
            wordlist vw = {NULL, 0};
            size_t least = least_words(text);
            if (least > qw->n && score_of((double)(least - qw->n), least) < at_least) {
                /* Too long to reach at_least whatever its words: no need to split it. */
                x.score = -1;
                *pruned += at_least > min;
            } else if (!(st = split(f->ws, f->norm, &f->voc, text, strlen(text), &vw))) {
                x.kind = TP_TM_FUZZY;
                x.score = score_words(&f->voc, qw, &vw, NULL, at_least, &st);
                if (x.score < 0)
                    *pruned += at_least > min;
                if (x.score > 99)
                    x.score = 99;   /* only exact matches score 100 */
                if (codes && x.score > 1)
                    x.score -= 1;
            }
            words_free(&vw);
        }
        free(text);
        if (st || x.score < min)
            continue;
        size_t j = 0;
        while (j < k && sc[j].unit != x.unit)
            j++;
        if (j == k)
            sc[k++] = x;
        else if (x.score > sc[j].score)
            sc[j] = x;
    }
    if (st) {
        free(sc);
        return st;
    }
    if (k > 1)
        qsort(sc, k, sizeof *sc, by_scored);
    *out = sc;
    *count = k;
    return TP_OK;
}

/* Reads the units of the best scored candidates into out, with their diff and target, until
 * it holds limit matches: a unit without the target language (and no pivot) is passed over. */
static tp_status take(finder *f, const scored *sc, size_t nscored, wordlist *qw,
                      tp_tm_matches *out)
{
    size_t limit = f->o && f->o->limit ? f->o->limit : 5;
    if (nscored && !(out->items = calloc(nscored < limit ? nscored : limit, sizeof *out->items)))
        return TP_ERR_NOMEM;
    tp_status st = TP_OK;
    for (size_t i = 0; !st && i < nscored && out->count < limit; i++) {
        tp_tm_unit *u = NULL;
        if ((st = tp_store_tm_get_unit(f->store, sc[i].unit, &u, f->err)))
            break;
        size_t src = 0;
        for (; src < u->variant_count && u->variants[src].id != sc[i].variant; src++)
            ;
        if (src == u->variant_count) {
            tp_tm_unit_free(u);
            continue;
        }
        tp_tm_match m;
        memset(&m, 0, sizeof m);
        m.unit = u;
        m.source = src;
        m.kind = sc[i].kind;
        m.score = sc[i].score;
        if (m.kind == TP_TM_FUZZY) {
            wordlist vw = {NULL, 0};
            const char *t = u->variants[src].text;
            if (!(st = split(f->ws, f->norm, &f->voc, t, strlen(t), &vw)))
                score_words(&f->voc, qw, &vw, &m, 0, &st);
            words_free(&vw);
        }
        if (!st) {
            m.target = target_of(f, u, src);
            if (!m.target && f->to && f->o && f->from)
                st = find_pivot(f, &m);
        }
        if (st || (f->to && !m.target))
            match_clear(&m);
        else
            out->items[out->count++] = m;
    }
    return st;
}

static tp_status find(finder *f, const char *segment, size_t len, tp_tm_matches *out)
{
    char base[16];
    tp_tm_lang_base(f->from, base);
    char *qfold = NULL;
    uint64_t *grams = NULL;
    size_t ngrams = 0, nscored = 0;
    exacts e;
    shortlist best;
    e.n = best.n = 0;
    wordlist qw = {NULL, 0};
    scored *sc = NULL;
    tp_status st = fold(f->norm, segment, len, &qfold);
    if (!st)
        st = tp_tm_grams(qfold, base, TP_GRAMS_INDEX, &grams, &ngrams);
    if (st ||
        (st = tp_store_tm_probe_fold(f->store, base, qfold, on_exact, &e, f->err)) ||
        (st = gather(f, grams, ngrams, &e, &best)))
        goto done;
    if ((st = split(f->ws, f->norm, &f->voc, segment, len, &qw)))
        goto done;
    f->voc.nquery = f->voc.n;
    size_t pruned = 0;
    if ((st = score_candidates(f, best.c, best.n, &qw, segment, len, 1, &sc, &nscored, &pruned)) ||
        (st = take(f, sc, nscored, &qw, out)))
        goto done;
    /* Units passed over for want of a target left room for a candidate that was pruned: score
     * them all. */
    size_t limit = f->o && f->o->limit ? f->o->limit : 5;
    if (out->count < limit && pruned) {
        for (size_t i = 0; i < out->count; i++)
            match_clear(&out->items[i]);
        free(out->items);
        out->items = NULL;
        out->count = 0;
        free(sc);
        sc = NULL;
        if ((st = score_candidates(f, best.c, best.n, &qw, segment, len, 0, &sc, &nscored, &pruned)))
            goto done;
        st = take(f, sc, nscored, &qw, out);
    }
done:
    free(sc);
    words_free(&qw);
    free(grams);
    free(qfold);
    return st;
}

tp_status tp_tm_find(tp_store *store, tp_norm *norm, const char *segment, size_t len,
                     const tp_tm_match_opts *opts, tp_tm_matches **out, tp_error *err)
{
    tp_status st = tp_norm_check_text(segment, len, err);
    if (st)
        return st;
    if (len > TP_TM_SEGMENT_MAX)
        return tp_error_set(err, TP_ERR_INPUT, "a segment of %zu bytes is longer than the limit "
                                               "of %zu", len, TP_TM_SEGMENT_MAX);
    finder f = {store, norm, tp_words_new(), {0}, opts, NULL, NULL, NULL, err};
    if (!f.ws)
        return tp_error_set(err, TP_ERR_DEPENDENCY, "ICU's word break iterator is unavailable");
    f.from = opts && opts->from ? opts->from : guess_lang(segment, len);
    f.to = opts ? opts->to : NULL;
    f.pivot = opts && opts->pivot ? opts->pivot : "en";
    tp_tm_matches *m = calloc(1, sizeof *m);
    if (!m)
        st = TP_ERR_NOMEM;
    else if (err)
        tp_error_clear(err);
    if (!st && !(st = tp_store_read_begin(store, err))) {
        st = find(&f, segment, len, m);
        tp_store_read_end(store);
    }
    tp_words_free(f.ws);
    vocab_free(&f.voc);
    if (st) {
        tp_tm_matches_free(m);
        if (err && err->code == st)
            return st;
        return tp_error_set(err, st, "translation memory search failed: %s", tp_strerror(st));
    }
    *out = m;
    return TP_OK;
}

/* ---- concordance ---- */

typedef struct counter {
    size_t n;
} counter;

static int count_posting(void *ctx, int64_t variant, int64_t unit)
{
    (void)variant;
    (void)unit;
    ((counter *)ctx)->n++;
    return 0;
}

typedef struct conc {
    tp_store *store;
    const char *qfold;
    int64_t *units;
    int64_t *variants;
    size_t n, limit;
    tp_status st;
    tp_error *err;
} conc;

static int on_conc(void *ctx, int64_t variant, int64_t unit)
{
    conc *c = ctx;
    for (size_t i = 0; i < c->n; i++)
        if (c->units[i] == unit)
            return 0;
    char *vf = NULL;
    if ((c->st = tp_store_tm_variant_fold(c->store, variant, &vf, c->err)))
        return 1;
    int hit = strstr(vf, c->qfold) != NULL;
    free(vf);
    if (hit) {
        c->units[c->n] = unit;
        c->variants[c->n++] = variant;
    }
    return c->n >= c->limit;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* Where the text is in a variant's own text: as given, else ignoring ASCII case. */
static void place(const char *hay, const char *needle, size_t *start, size_t *end)
{
    const char *p = strstr(hay, needle);
    size_t n = strlen(needle);
    for (const char *q = hay; !p && *q; q++)
        if (strncasecmp(q, needle, n) == 0)
            p = q;
    *start = *end = 0;
    if (p) {
        *start = (size_t)(p - hay);
        *end = *start + strlen(needle);
    }
}

void tp_tm_hits_free(tp_tm_hits *h)
{
    if (!h)
        return;
    for (size_t i = 0; i < h->count; i++)
        tp_tm_unit_free(h->items[i].unit);
    free(h->items);
    free(h);
}

tp_status tp_tm_concordance(tp_store *store, tp_norm *norm, const char *text, size_t len,
                            const char *lang, size_t limit, tp_tm_hits **out, tp_error *err)
{
    tp_status st = tp_norm_check_text(text, len, err);
    if (st)
        return st;
    if (!limit)
        limit = 100;
    char base[16];
    tp_tm_lang_base(lang ? lang : guess_lang(text, len), base);
    char *qfold = NULL;
    uint64_t *grams = NULL;
    size_t ngrams = 0;
    if ((st = fold(norm, text, len, &qfold)) ||
        (st = tp_tm_grams(qfold, base, TP_GRAMS_PROBE, &grams, &ngrams))) {
        free(qfold);
        return tp_error_set(err, st, "cannot search: %s", tp_strerror(st));
    }
    if (ngrams == 0 || tp_utf8_count(qfold, strlen(qfold)) < 2) {
        free(qfold);
        free(grams);
        return tp_error_set(err, TP_ERR_ARG, "a concordance search needs two characters or more");
    }
    /* Walk the rarest gram's postings and confirm each on the folded text. */
    size_t best = 0, best_n = (size_t)-1;
    for (size_t i = 0; !st && i < ngrams; i++) {
        counter k = {0};
        st = tp_store_tm_probe_gram(store, grams[i], best_n < CONCORDANCE_LIMIT ? best_n :
                                    CONCORDANCE_LIMIT, count_posting, &k, err);
        if (k.n < best_n) {
            best_n = k.n;
            best = i;
        }
    }
    conc c = {store, qfold, calloc(limit, sizeof(int64_t)), calloc(limit, sizeof(int64_t)), 0,
              limit, TP_OK, err};
    tp_tm_hits *h = calloc(1, sizeof *h);
    if (!st && (!c.units || !c.variants || !h))
        st = tp_error_nomem(err);
    if (!st && best_n > 0)
        st = tp_store_tm_probe_gram(store, grams[best], CONCORDANCE_SCAN, on_conc, &c, err);
    if (!st)
        st = c.st;
    if (!st && c.n && !(h->items = calloc(c.n, sizeof *h->items)))
        st = tp_error_nomem(err);
    /* In the order the units were added. */
    int64_t *pairs = NULL;
    if (!st && c.n && !(pairs = malloc(c.n * 2 * sizeof *pairs)))
        st = tp_error_nomem(err);
    for (size_t i = 0; !st && i < c.n; i++) {
        pairs[2 * i] = c.units[i];
        pairs[2 * i + 1] = c.variants[i];
    }
    if (!st && c.n)
        qsort(pairs, c.n, 2 * sizeof *pairs, cmp_i64);
    for (size_t i = 0; !st && i < c.n; i++) {
        tp_tm_hit *hit = &h->items[h->count];
        if ((st = tp_store_tm_get_unit(store, pairs[2 * i], &hit->unit, err)))
            break;
        h->count++;
        for (size_t v = 0; v < hit->unit->variant_count; v++)
            if (hit->unit->variants[v].id == pairs[2 * i + 1])
                hit->variant = v;
        place(hit->unit->variants[hit->variant].text, text, &hit->start, &hit->end);
    }
    free(pairs);
    free(c.units);
    free(c.variants);
    free(grams);
    free(qfold);
    if (st) {
        tp_tm_hits_free(h);
        return st;
    }
    *out = h;
    return TP_OK;
}

/* ---- glossary terms in a segment ---- */

void tp_tm_terms_free(tp_tm_terms *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->count; i++) {
        free(t->items[i].found);
        free(t->items[i].concept);
        free(t->items[i].preferred);
        free(t->items[i].preferred_lang);
    }
    free(t->items);
    free(t);
}

/* A window worth looking up: it holds a letter, and Latin text has three of them at least. */
static int worth(const char *s, size_t n)
{
    size_t letters = 0;
    int cjk = 0;
    for (size_t i = 0; i < n;) {
        int32_t c = tp_utf8_next(s, n, &i);
        if (c < 0)
            return 0;
        tp_script sc = tp_utf8_script((uint32_t)c);
        cjk |= sc == TP_SCRIPT_HAN || sc == TP_SCRIPT_KANA;
        letters += sc != TP_SCRIPT_OTHER;
    }
    return cjk ? letters >= 1 : letters >= 3;
}

/* Whether a word holds a letter or a digit (ICU gives punctuation words of their own). */
static int wordlike(const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        int32_t c = tp_utf8_next(s, n, &i);
        if (c >= 0 && (tp_utf8_script((uint32_t)c) != TP_SCRIPT_OTHER || (c >= '0' && c <= '9')))
            return 1;
    }
    return 0;
}

static char *dup(const char *s)
{
    return s ? strdup(s) : NULL;
}

tp_status tp_tm_terms_in(tp_store *store, tp_norm *norm, const char *segment, size_t len,
                         const char *to, tp_tm_terms **out, tp_error *err)
{
    tp_status st = tp_norm_check_text(segment, len, err);
    if (st)
        return st;
    tp_words *ws = tp_words_new();
    tp_tm_terms *t = calloc(1, sizeof *t);
    tp_word *w = NULL;
    size_t n = 0;
    if (!ws || !t)
        st = tp_error_nomem(err);
    if (!st && (st = tp_words_split(ws, segment, len, WORDS_MAX, &w, &n)))
        st = tp_error_set(err, st, "cannot split the segment into words");
    /* One snapshot for the lookups of every window. */
    int snapshot = !st && !(st = tp_store_read_begin(store, err));
    const char *want = to ? to : "en";
    for (size_t i = 0; !st && i < n;) {
        size_t took = 0;
        for (size_t k = n - i < TERM_WINDOW ? n - i : TERM_WINDOW; !st && k > 0 && !took; k--) {
            size_t a = w[i].start, b = w[i + k - 1].end;
            /* A window starts and ends on words, so that a name found is not "(Etorofu)." */
            const tp_word *last = &w[i + k - 1];
            if (!wordlike(segment + a, w[i].end - a) ||
                !wordlike(segment + last->start, b - last->start) || !worth(segment + a, b - a))
                continue;
            tp_lookup_opts lo = {NULL, 1, TP_LOOKUP_NO_PREFIX | TP_LOOKUP_NO_FUZZY};
            tp_matches *m = NULL;
            tp_error lerr;
            if (tp_lookup(store, norm, segment + a, b - a, &lo, &m, &lerr) != TP_OK)
                continue;
            if (m->count && m->items[0].score >= 75) {
                const tp_concept *c = m->items[0].concept;
                const tp_term *p = tp_concept_preferred(c, want);
                tp_tm_term *nt = realloc(t->items, (t->count + 1) * sizeof *nt);
                if (!nt) {
                    st = tp_error_nomem(err);
                } else {
                    t->items = nt;
                    nt += t->count++;
                    nt->found = strndup(segment + a, b - a);
                    nt->start = a;
                    nt->end = b;
                    nt->concept = dup(c->ext_id);
                    nt->preferred = p ? dup(p->text) : NULL;
                    nt->preferred_lang = p ? dup(p->lang) : NULL;
                    if (!nt->found)
                        st = tp_error_nomem(err);
                    took = k;
                }
            }
            tp_matches_free(m);
        }
        i += took ? took : 1;
    }
    if (snapshot)
        tp_store_read_end(store);
    free(w);
    tp_words_free(ws);
    if (st) {
        tp_tm_terms_free(t);
        return st;
    }
    *out = t;
    return TP_OK;
}
