/* Lookup: probes the store with every key of a query, keeps each concept's best match, ranks. */
#include "toponym/match.h"
#include "error_int.h"
#include "norm_int.h"
#include "utf8_int.h"

#include <stdlib.h>
#include <string.h>

#define PREFIX_LIMIT 32     /* keys read per prefix probe */
#define CANDIDATE_MAX 1024  /* bounds the work of one lookup */

typedef struct candidate {
    int64_t term_id;
    int64_t concept_id;
    tp_match_kind kind;
    int score;
    unsigned distance;
} candidate;

typedef struct search {
    candidate *items;
    size_t count, cap;
    tp_match_kind kind;        /* what a hit of the current probe counts as */
    const char *fuzzy_key;     /* for fuzzy probes: the query's fold key */
    unsigned fuzzy_max;
    int failed;
} search;

static int kind_score(tp_match_kind k, unsigned distance)
{
    switch (k) {
    case TP_MATCH_EXACT: return 100;
    case TP_MATCH_FOLD: return 95;
    case TP_MATCH_ROMAN: return 85;
    case TP_MATCH_READING: return 75;
    case TP_MATCH_PREFIX: return 60;
    case TP_MATCH_FUZZY: return distance <= 1 ? 50 : 40;
    }
    return 0;
}

const char *tp_match_kind_name(tp_match_kind kind)
{
    switch (kind) {
    case TP_MATCH_EXACT: return "exact";
    case TP_MATCH_FOLD: return "fold";
    case TP_MATCH_ROMAN: return "romanisation";
    case TP_MATCH_READING: return "reading";
    case TP_MATCH_PREFIX: return "prefix";
    case TP_MATCH_FUZZY: return "fuzzy";
    }
    return "unknown";
}

static void note_candidate(search *s, int64_t term_id, int64_t concept_id, tp_match_kind kind,
                           unsigned distance)
{
    int score = kind_score(kind, distance);
    for (size_t i = 0; i < s->count; i++) {
        if (s->items[i].term_id == term_id) {
            if (score > s->items[i].score) {
                s->items[i].kind = kind;
                s->items[i].score = score;
                s->items[i].distance = distance;
            }
            return;
        }
    }
    if (s->count >= CANDIDATE_MAX)
        return;
    if (s->count == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 16;
        candidate *p = realloc(s->items, cap * sizeof *p);
        if (!p) {
            s->failed = 1;
            return;
        }
        s->items = p;
        s->cap = cap;
    }
    s->items[s->count++] = (candidate){term_id, concept_id, kind, score, distance};
}

static int on_hit(void *ctx, const tp_store_hit *hit)
{
    search *s = ctx;
    tp_match_kind kind = s->kind;
    if (kind == TP_MATCH_ROMAN && hit->kind == TP_KEY_JA_READING)
        kind = TP_MATCH_READING;
    note_candidate(s, hit->term_id, hit->concept_id, kind, 0);
    return s->failed;
}

static int on_fuzzy_hit(void *ctx, const tp_store_hit *hit)
{
    search *s = ctx;
    unsigned d = tp_norm_distance(s->fuzzy_key, hit->key, s->fuzzy_max);
    if (d <= s->fuzzy_max)
        note_candidate(s, hit->term_id, hit->concept_id, d == 0 ? TP_MATCH_FOLD : TP_MATCH_FUZZY, d);
    return s->failed;
}

/* Probes the store with one query key. */
static tp_status probe(tp_store *store, search *s, const tp_key *key, const tp_lookup_opts *o,
                       tp_error *err)
{
    tp_status st = TP_OK;
    size_t cps = tp_utf8_count(key->text, strlen(key->text));
    int prefix = !(o->flags & TP_LOOKUP_NO_PREFIX) && cps >= 3;
    switch (key->kind) {
    case TP_KEY_FOLD:
        s->kind = TP_MATCH_FOLD;
        st = tp_store_probe_key(store, TP_KEY_FOLD, key->text, on_hit, s, err);
        if (!st && prefix) {
            s->kind = TP_MATCH_PREFIX;
            st = tp_store_probe_prefix(store, TP_KEY_FOLD, key->text, PREFIX_LIMIT, on_hit, s, err);
            if (!st)
                st = tp_store_probe_prefix(store, TP_KEY_PART, key->text, PREFIX_LIMIT, on_hit, s,
                                           err);
        }
        break;
    case TP_KEY_JA:
    case TP_KEY_JA_READING:
        s->kind = key->kind == TP_KEY_JA ? TP_MATCH_ROMAN : TP_MATCH_READING;
        st = tp_store_probe_key(store, TP_KEY_JA, key->text, on_hit, s, err);
        if (!st)
            st = tp_store_probe_key(store, TP_KEY_JA_READING, key->text, on_hit, s, err);
        if (!st && prefix && key->kind == TP_KEY_JA) {
            s->kind = TP_MATCH_PREFIX;
            st = tp_store_probe_prefix(store, TP_KEY_JA, key->text, PREFIX_LIMIT, on_hit, s, err);
        }
        break;
    case TP_KEY_RU:
        s->kind = TP_MATCH_ROMAN;
        st = tp_store_probe_key(store, TP_KEY_RU, key->text, on_hit, s, err);
        if (!st && prefix) {
            s->kind = TP_MATCH_PREFIX;
            st = tp_store_probe_prefix(store, TP_KEY_RU, key->text, PREFIX_LIMIT, on_hit, s, err);
        }
        break;
    default:
        break;
    }
    return st;
}

static tp_status probe_fuzzy(tp_store *store, search *s, const char *fold, tp_error *err)
{
    uint64_t *hashes = NULL;
    size_t n = 0;
    tp_status st = tp_norm_fuzzy_hashes(fold, &hashes, &n, err);
    if (st || n == 0)
        return st;
    size_t cps = tp_utf8_count(fold, strlen(fold));
    s->fuzzy_key = fold;
    s->fuzzy_max = cps <= 6 ? 1 : 2;
    st = tp_store_probe_fuzzy(store, hashes, n, on_fuzzy_hit, s, err);
    free(hashes);
    return st;
}

static int by_concept_then_score(const void *a, const void *b)
{
    const candidate *x = a, *y = b;
    if (x->concept_id != y->concept_id)
        return x->concept_id < y->concept_id ? -1 : 1;
    if (x->score != y->score)
        return y->score - x->score;
    return x->term_id < y->term_id ? -1 : x->term_id > y->term_id;
}

static int by_rank(const void *a, const void *b)
{
    const tp_match *x = a, *y = b;
    if (x->score != y->score)
        return y->score - x->score;
    const tp_term *tx = &x->concept->terms[x->term], *ty = &y->concept->terms[y->term];
    if (tx->status != ty->status)
        return (int)tx->status - (int)ty->status;
    return x->concept->id < y->concept->id ? -1 : x->concept->id > y->concept->id;
}

/* Turns the candidates into one match per concept, loading each concept. */
static tp_status collect(tp_store *store, search *s, const char *nfc, tp_matches *m, tp_error *err)
{
    if (s->count > 1) /* qsort takes no NULL array, even empty (UBSan) */
        qsort(s->items, s->count, sizeof *s->items, by_concept_then_score);
    for (size_t i = 0; i < s->count;) {
        size_t j = i;
        while (j < s->count && s->items[j].concept_id == s->items[i].concept_id)
            j++;
        tp_concept *c = NULL;
        tp_status st = tp_store_get_concept(store, s->items[i].concept_id, &c, err);
        if (st)
            return st;
        tp_match best = {c, -1, TP_MATCH_FUZZY, 0, 0};
        for (size_t k = i; k < j; k++) {
            candidate *cd = &s->items[k];
            for (size_t t = 0; t < c->term_count; t++) {
                if (c->terms[t].id != cd->term_id)
                    continue;
                tp_match_kind kind = cd->kind;
                if (kind == TP_MATCH_FOLD && strcmp(c->terms[t].text, nfc) == 0)
                    kind = TP_MATCH_EXACT;
                int score = kind_score(kind, cd->distance);
                if (score > best.score ||
                    (score == best.score && c->terms[t].status < c->terms[best.term].status)) {
                    best.score = score;
                    best.kind = kind;
                    best.term = t;
                    best.distance = cd->distance;
                }
            }
        }
        if (best.score < 0) {
            tp_concept_free(c);
        } else {
            m->items[m->count++] = best;
        }
        i = j;
    }
    if (m->count > 1) /* qsort takes no NULL array, even empty (UBSan) */
        qsort(m->items, m->count, sizeof *m->items, by_rank);
    return TP_OK;
}

/* Keeps, per concept, only the best candidate, and at most limit concepts by score, so that no
 * more concepts are loaded than will be shown. */
static int by_score(const void *a, const void *b)
{
    const candidate *x = a, *y = b;
    if (x->score != y->score)
        return y->score - x->score;
    return x->concept_id < y->concept_id ? -1 : x->concept_id > y->concept_id;
}

static void keep_best(search *s, size_t limit)
{
    if (s->count > 1) /* qsort takes no NULL array, even empty (UBSan) */
        qsort(s->items, s->count, sizeof *s->items, by_concept_then_score);
    size_t o = 0;
    for (size_t i = 0; i < s->count; i++)
        if (o == 0 || s->items[o - 1].concept_id != s->items[i].concept_id ||
            s->items[i].kind == TP_MATCH_FOLD)
            s->items[o++] = s->items[i];
    s->count = o;
    if (s->count <= limit)
        return;
    qsort(s->items, s->count, sizeof *s->items, by_score);
    /* Concepts with several fold hits appear more than once; the limit counts concepts. */
    size_t distinct = 0, k = 0;
    for (; k < s->count && distinct < limit; k++) {
        int seen = 0;
        for (size_t q = 0; q < k && !seen; q++)
            seen = s->items[q].concept_id == s->items[k].concept_id;
        distinct += !seen;
    }
    s->count = k;
}

tp_status tp_lookup(tp_store *store, tp_norm *norm, const char *query, size_t len,
                    const tp_lookup_opts *opts, tp_matches **out, tp_error *err)
{
    static const tp_lookup_opts defaults = {NULL, 10, 0};
    const tp_lookup_opts *o = opts ? opts : &defaults;
    size_t limit = o->limit ? o->limit : 10;
    char *nfc = NULL;
    tp_keyset *keys = NULL;
    tp_status st = tp_norm_nfc(norm, query, len, &nfc, err);
    if (!st)
        st = tp_norm_keys(norm, query, len, o->lang, NULL, &keys, err);
    if (st) {
        free(nfc);
        return st;
    }
    search s = {0};
    const char *fold = NULL;
    st = tp_store_read_begin(store, err);
    for (size_t i = 0; !st && i < keys->count; i++) {
        if (keys->keys[i].kind == TP_KEY_FOLD)
            fold = keys->keys[i].text;
        st = probe(store, &s, &keys->keys[i], o, err);
    }
    if (!st && fold && !(o->flags & TP_LOOKUP_NO_FUZZY))
        st = probe_fuzzy(store, &s, fold, err);
    if (!st && s.failed)
        st = tp_error_nomem(err);
    tp_matches *m = NULL;
    if (!st) {
        keep_best(&s, limit);
        m = calloc(1, sizeof *m);
        if (!m || (s.count && !(m->items = calloc(s.count, sizeof *m->items))))
            st = tp_error_nomem(err);
    }
    if (!st)
        st = collect(store, &s, nfc, m, err);
    if (!st && m->count > limit) {
        for (size_t i = limit; i < m->count; i++)
            tp_concept_free(m->items[i].concept);
        m->count = limit;
    }
    tp_store_read_end(store);
    free(s.items);
    free(nfc);
    tp_keyset_free(keys);
    if (st) {
        tp_matches_free(m);
        return st;
    }
    *out = m;
    return TP_OK;
}

void tp_matches_free(tp_matches *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->count; i++)
        tp_concept_free(m->items[i].concept);
    free(m->items);
    free(m);
}

/* ---- completion ---- */

typedef struct completing {
    tp_completions *set;
    size_t limit;
    tp_script script;    /* script of the typed prefix */
    int failed;
} completing;

static tp_script first_script(const char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; i < n;) {
        int32_t c = tp_utf8_next(s, n, &i);
        if (c < 0)
            break;
        tp_script sc = tp_utf8_script((uint32_t)c);
        if (sc != TP_SCRIPT_OTHER)
            return sc;
    }
    return TP_SCRIPT_OTHER;
}

static void offer(completing *cp, const char *text)
{
    tp_completions *set = cp->set;
    if (!text || set->count >= cp->limit)
        return;
    for (size_t i = 0; i < set->count; i++)
        if (strcmp(set->items[i], text) == 0)
            return;
    char **items = realloc(set->items, (set->count + 1) * sizeof *items);
    if (!items || !(items[set->count] = strdup(text))) {
        if (items)
            set->items = items;
        cp->failed = 1;
        return;
    }
    set->items = items;
    set->count++;
}

static int on_completion(void *ctx, const tp_store_hit *hit)
{
    completing *cp = ctx;
    tp_script sc = first_script(hit->text);
    if (cp->script == TP_SCRIPT_KANA) {
        if (sc == TP_SCRIPT_HAN && hit->reading)
            offer(cp, hit->reading);
        if (sc == TP_SCRIPT_KANA || sc == TP_SCRIPT_HAN)
            offer(cp, hit->text);
    } else if (cp->script == TP_SCRIPT_OTHER || sc == cp->script) {
        offer(cp, hit->text);
    }
    return cp->failed || cp->set->count >= cp->limit;
}

tp_status tp_complete(tp_store *store, tp_norm *norm, const char *prefix, size_t len,
                      size_t limit, tp_completions **out, tp_error *err)
{
    tp_keyset *keys = NULL;
    tp_status st = tp_norm_keys(norm, prefix, len, NULL, NULL, &keys, err);
    if (st)
        return st;
    completing cp = {calloc(1, sizeof(tp_completions)), limit ? limit : 50, TP_SCRIPT_OTHER, 0};
    if (!cp.set) {
        tp_keyset_free(keys);
        return tp_error_nomem(err);
    }
    char *typed = malloc(len + 1);
    if (typed) {
        memcpy(typed, prefix, len);
        typed[len] = '\0';
        cp.script = first_script(typed);
        free(typed);
    }
    /* Literal prefixes first, then names met through a romanisation or a reading. */
    static const tp_key_kind order[] = {TP_KEY_FOLD, TP_KEY_JA, TP_KEY_RU};
    st = tp_store_read_begin(store, err);
    for (size_t o = 0; !st && o < sizeof order / sizeof order[0]; o++) {
        for (size_t i = 0; !st && i < keys->count; i++) {
            tp_key_kind kind = keys->keys[i].kind;
            if (kind != order[o] && !(order[o] == TP_KEY_JA && kind == TP_KEY_JA_READING))
                continue;
            st = tp_store_probe_prefix(store, order[o], keys->keys[i].text, cp.limit,
                                       on_completion, &cp, err);
            if (!st && order[o] == TP_KEY_JA)
                st = tp_store_probe_prefix(store, TP_KEY_JA_READING, keys->keys[i].text,
                                           cp.limit, on_completion, &cp, err);
        }
    }
    tp_store_read_end(store);
    tp_keyset_free(keys);
    if (!st && cp.failed)
        st = tp_error_nomem(err);
    if (st) {
        tp_completions_free(cp.set);
        return st;
    }
    *out = cp.set;
    return TP_OK;
}

void tp_completions_free(tp_completions *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->count; i++)
        free(c->items[i]);
    free(c->items);
    free(c);
}
