/* The translation-unit model (units, variants, attributes, props and notes), language tags as
 * TMX uses them (case-insensitive, BCP 47 fallback), and the n-grams of the candidate index. */
#include "toponym/tm.h"
#include "error_int.h"
#include "tm_int.h"
#include "utf8_int.h"

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

static void free_attrs(tp_tm_attr *a, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(a[i].name);
        free(a[i].value);
    }
    free(a);
}

static void free_meta(tp_tm_meta *m, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(m[i].type);
        free(m[i].lang);
        free(m[i].encoding);
        free(m[i].text);
    }
    free(m);
}

tp_tm_unit *tp_tm_unit_new(void)
{
    return calloc(1, sizeof(tp_tm_unit));
}

void tp_tm_unit_free(tp_tm_unit *u)
{
    if (!u)
        return;
    for (size_t i = 0; i < u->variant_count; i++) {
        tp_tm_variant *v = &u->variants[i];
        free(v->lang);
        free(v->text);
        free(v->markup);
        free(v->codes);
        free(v->fold);
        free_attrs(v->attrs, v->attr_count);
        free_meta(v->meta, v->meta_count);
    }
    free(u->variants);
    free(u->srclang);
    free_attrs(u->attrs, u->attr_count);
    free_meta(u->meta, u->meta_count);
    free(u);
}

tp_status tp_tm_unit_add_variant(tp_tm_unit *u, const char *lang, tp_tm_variant **out,
                                 tp_error *err)
{
    /* Room for four variants at first, then twice as many each time it is full (a count
     * that is four or a larger power of two): most units are a pair or a triple. */
    size_t n = u->variant_count;
    tp_tm_variant *v = u->variants;
    if (n == 0 || (n >= 4 && (n & (n - 1)) == 0)) {
        v = realloc(u->variants, (n ? n * 2 : 4) * sizeof *v);
        if (!v)
            return tp_error_nomem(err);
    }
    u->variants = v;
    v += u->variant_count;
    memset(v, 0, sizeof *v);
    if (!(v->lang = strdup(lang)))
        return tp_error_nomem(err);
    u->variant_count++;
    *out = v;
    return TP_OK;
}

tp_status tp_tm_attr_add(tp_tm_attr **attrs, size_t *count, const char *name, const char *value,
                         tp_error *err)
{
    tp_tm_attr *a = realloc(*attrs, (*count + 1) * sizeof *a);
    if (!a)
        return tp_error_nomem(err);
    *attrs = a;
    int failed = 0;
    a[*count].name = dup_or_null(name, &failed);
    a[*count].value = dup_or_null(value ? value : "", &failed);
    (*count)++;
    return failed ? tp_error_nomem(err) : TP_OK;
}

tp_status tp_tm_meta_add(tp_tm_meta **meta, size_t *count, const tp_tm_meta *m, tp_error *err)
{
    tp_tm_meta *p = realloc(*meta, (*count + 1) * sizeof *p);
    if (!p)
        return tp_error_nomem(err);
    *meta = p;
    int failed = 0;
    p[*count].kind = m->kind;
    p[*count].type = dup_or_null(m->type, &failed);
    p[*count].lang = dup_or_null(m->lang, &failed);
    p[*count].encoding = dup_or_null(m->encoding, &failed);
    p[*count].text = dup_or_null(m->text ? m->text : "", &failed);
    (*count)++;
    return failed ? tp_error_nomem(err) : TP_OK;
}

const char *tp_tm_attr_get(const tp_tm_attr *attrs, size_t count, const char *name)
{
    for (size_t i = 0; i < count; i++)
        if (attrs[i].name && strcmp(attrs[i].name, name) == 0)
            return attrs[i].value;
    return NULL;
}

int tp_tm_lang_meets(const char *tag, const char *want)
{
    if (!tag || !want)
        return 0;
    size_t a = strlen(tag), b = strlen(want);
    size_t n = a < b ? a : b;
    if (strncasecmp(tag, want, n) != 0)
        return 0;
    /* One must be the other, or a prefix of it that ends on a subtag boundary. */
    return a == b || (a > b ? tag[n] == '-' : want[n] == '-');
}

const tp_tm_variant *tp_tm_unit_variant(const tp_tm_unit *u, const char *lang)
{
    for (size_t i = 0; i < u->variant_count; i++)
        if (tp_tm_lang_meets(u->variants[i].lang, lang))
            return &u->variants[i];
    return NULL;
}

void tp_tm_lang_base(const char *tag, char out[16])
{
    size_t n = 0;
    if (tag && strcmp(tag, "*all*") != 0)
        for (; tag[n] && tag[n] != '-' && tag[n] != '_' && n < 15; n++)
            out[n] = (char)(tag[n] >= 'A' && tag[n] <= 'Z' ? tag[n] + 32 : tag[n]);
    out[n] = '\0';
}

#define FNV_PRIME 0x100000001b3ULL

/* FNV-1a over the bytes [s, e) from state h, without the final mask. */
static inline uint64_t fnv(uint64_t h, const unsigned char *s, const unsigned char *e)
{
    for (; s < e; s++)
        h = (h ^ *s) * FNV_PRIME;
    return h;
}

uint64_t tp_tm_hash(const char *s, size_t n, uint64_t seed)
{
    const unsigned char *p = (const unsigned char *)s;
    return fnv(seed, p, p + n) & 0x7FFFFFFFFFFFFFFFULL;
}

void tp_tm_hash_pair(const char *a, size_t na, uint64_t *ha, const char *b, size_t nb,
                     uint64_t *hb)
{
    const unsigned char *p = (const unsigned char *)a, *q = (const unsigned char *)b;
    uint64_t x = *ha, y = *hb;
    size_t n = na < nb ? na : nb;
    for (size_t i = 0; i < n; i++) {
        x = (x ^ p[i]) * FNV_PRIME;
        y = (y ^ q[i]) * FNV_PRIME;
    }
    *ha = fnv(x, p + n, p + na) & 0x7FFFFFFFFFFFFFFFULL;
    *hb = fnv(y, q + n, q + nb) & 0x7FFFFFFFFFFFFFFFULL;
}

/* ---- n-grams ---- */

/* Read for every character of every variant an import indexes: kept in line. */
#if defined(__GNUC__)
#define HOT_INLINE static inline __attribute__((always_inline))
#else
#define HOT_INLINE static inline
#endif

/* Characters that end a word: spaces, ASCII and general punctuation, CJK punctuation. */
HOT_INLINE int is_break(uint32_t c)
{
    if (c < 0x80)
        return !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
    return (c >= 0x80 && c <= 0xBF) || (c >= 0x2000 && c <= 0x206F) ||
           (c >= 0x3000 && c <= 0x303F) || c == 0x30FB || (c >= 0xFF00 && c <= 0xFF0F) ||
           c == 0xFFFC || c == 0xFEFF;
}

typedef struct grams {
    uint64_t *h;
    size_t n, cap;
    int failed;
} grams;

static void add(grams *g, uint64_t hash)
{
    if (g->failed || g->n >= TP_TM_GRAMS_MAX * 4)
        return;
    if (g->n == g->cap) {
        size_t cap = g->cap ? g->cap * 2 : 32;
        uint64_t *p = realloc(g->h, cap * sizeof *p);
        if (!p) {
            g->failed = 1;
            return;
        }
        g->h = p;
        g->cap = cap;
    }
    g->h[g->n++] = hash & 0x7FFFFFFFFFFFFFFFULL;
}

void tp_tm_sort_u64(uint64_t *a, size_t n)
{
    /* Quicksort on the larger side's loop, the smaller side's recursion (depth at most log n),
     * insertion sort for short runs: a comparison is one instruction, not a call as in qsort. */
    while (n > 16) {
        uint64_t x = a[0], y = a[n / 2], z = a[n - 1];
        uint64_t pivot = x < y ? (y < z ? y : (x < z ? z : x)) : (x < z ? x : (y < z ? z : y));
        size_t i = 0, j = n - 1;
        for (;;) {
            while (a[i] < pivot)
                i++;
            while (a[j] > pivot)
                j--;
            if (i >= j)
                break;
            uint64_t t = a[i];
            a[i++] = a[j];
            a[j--] = t;
        }
        /* a[0..j] <= pivot <= a[j+1..n-1], both sides non-empty. */
        size_t left = j + 1;
        if (left < n - left) {
            tp_tm_sort_u64(a, left);
            a += left;
            n -= left;
        } else {
            tp_tm_sort_u64(a + left, n - left);
            n = left;
        }
    }
    for (size_t k = 1; k < n; k++) {
        uint64_t v = a[k];
        size_t j = k;
        for (; j > 0 && a[j - 1] > v; j--)
            a[j] = a[j - 1];
        a[j] = v;
    }
}

/* Drops the repeats from h[0..n) (hashes that name the same list: TP_TM_GRAM_LIST_SHIFT), in
 * place; returns how many are left. A short list (most segments) keeps its first occurrences
 * in their order, found repeated through a small table on the stack: a sort of a few dozen
 * hashes cost more than making them. A long one is sorted, and cut at TP_TM_GRAMS_MAX,
 * keeping the smallest hashes. */
#define DISTINCT_TABLE 512
static size_t distinct(uint64_t *h, size_t n)
{
    const unsigned shift = TP_TM_GRAM_LIST_SHIFT;
    if (n > DISTINCT_TABLE / 2) {
        tp_tm_sort_u64(h, n);
        size_t o = 0;
        for (size_t k = 0; k < n; k++)
            if (o == 0 || h[o - 1] >> shift != h[k] >> shift)
                h[o++] = h[k];
        return o < TP_TM_GRAMS_MAX ? o : TP_TM_GRAMS_MAX;
    }
    /* A slot holds a list's name with the top bit set, 0 when free. */
    uint64_t table[DISTINCT_TABLE];
    unsigned bits = 4;
    while (((size_t)1 << bits) < 2 * n)
        bits++;
    size_t mask = ((size_t)1 << bits) - 1;
    memset(table, 0, (mask + 1) * sizeof table[0]);
    size_t o = 0;
    for (size_t k = 0; k < n; k++) {
        uint64_t v = h[k] >> shift | (uint64_t)1 << 63;
        size_t i = (size_t)((v * 0x9E3779B97F4A7C15ULL) >> (64 - bits));
        while (table[i] && table[i] != v)
            i = (i + 1) & mask;
        if (!table[i]) {
            table[i] = v;
            h[o++] = h[k];
        }
    }
    return o;
}

/* What a character is to the grams. */
enum { CH_END, CH_BREAK, CH_WORD, CH_CJK, CH_BAD };

/* Han or kana (whose grams are character pairs); the common blocks in line. */
static int is_cjk(uint32_t c)
{
    if (c < 0x3000)
        return 0;
    if ((c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3041 && c <= 0x30FF && c != 0x30FB))
        return 1;
    tp_script sc = tp_utf8_script(c);
    return sc == TP_SCRIPT_HAN || sc == TP_SCRIPT_KANA;
}

/* The class of the character at *i of s (n bytes), and *i past it; CH_BAD (*i unmoved) for
 * bytes that are not UTF-8. A character both Han and a break (々) is Han. */
HOT_INLINE int char_class(const unsigned char *s, size_t n, size_t *i)
{
    if (*i >= n)
        return CH_END;
    int32_t c = tp_utf8_next_fast((const char *)s, n, i);
    if (c < 0)
        return CH_BAD;
    if (is_cjk((uint32_t)c))
        return CH_CJK;
    return is_break((uint32_t)c) ? CH_BREAK : CH_WORD;
}

tp_status tp_tm_grams(const char *fold, const char *lang, tp_gram_mode mode, uint64_t **out,
                      size_t *count)
{
    size_t cap = 0;
    *out = NULL;
    tp_status st = tp_tm_grams_into(fold, lang, mode, out, &cap, count);
    if (st) {
        free(*out);
        *out = NULL;
    } else {
        tp_tm_sort_u64(*out, *count);
    }
    return st;
}

tp_status tp_tm_grams_into(const char *fold, const char *lang, tp_gram_mode mode, uint64_t **buf,
                           size_t *cap, size_t *count)
{
    grams g = {*buf, 0, *cap, 0};
    /* A gram's hash: tp_tm_hash of its bytes from tp_tm_hash of its tag from the language's
     * hash. */
    uint64_t seed = tp_tm_hash(lang, strlen(lang), TP_TM_HASH_SEED);
    uint64_t seed_c = tp_tm_hash("c", 1, seed), seed_p = tp_tm_hash("p", 1, seed),
             seed_w = tp_tm_hash("w", 1, seed);
    const unsigned char *s = (const unsigned char *)fold;
    size_t len = strlen(fold);
    size_t i = 0;
    while (i < len) {
        size_t start = i;
        int k = char_class(s, len, &i);
        if (k == CH_BAD) {
            i++;
        } else if (k == CH_CJK) {
            /* A run of Han and kana: each neighbouring pair, or the lone character. */
            size_t prev = start, run = 1;
            for (;;) {
                size_t here = i;
                if (char_class(s, len, &i) != CH_CJK) {
                    if (run == 1)
                        add(&g, fnv(seed_c, s + prev, s + here));
                    i = here;
                    break;
                }
                add(&g, fnv(seed_c, s + prev, s + i));
                prev = here;
                run++;
            }
        } else if (k == CH_WORD) {
            /* A word: its first four characters, and the whole word when longer, both hashed
             * as the word is read (two independent chains of multiplications). */
            uint64_t hp = fnv(seed_p, s + start, s + i), hw = fnv(seed_w, s + start, s + i);
            size_t cps = 1;
            for (;;) {
                size_t here = i;
                if (char_class(s, len, &i) != CH_WORD) {
                    i = here;
                    break;
                }
                if (++cps <= 4)
                    hp = fnv(hp, s + here, s + i);
                hw = fnv(hw, s + here, s + i);
            }
            add(&g, hp);
            if (mode == TP_GRAMS_INDEX && cps > 4)
                add(&g, hw);
        }
    }
    *buf = g.h;
    *cap = g.cap;
    if (g.failed)
        return TP_ERR_NOMEM;
    *count = distinct(g.h, g.n);
    return TP_OK;
}
