/* The checker: an in-memory matcher built once from every term in the store, a streaming
 * tokenizer fed by the readers (check_read.c), and the findings: term status, inconsistent
 * and unpaired names, misspellings and mixed romanisation schemes.
 *
 * Latin and Cyrillic text is matched word by word: a hash of each folded n-word window (n up to
 * the longest term) is probed, longest first, so "Urup" never matches inside "Europe" and memory
 * depends on the glossary, never on the text. Japanese is matched as substrings that start and
 * end on ICU word boundaries, so a name is not found inside a longer kanji compound. */
#include "toponym/check.h"
#include "toponym/concept.h"
#include "check_int.h"
#include "error_int.h"
#include "norm_int.h"
#include "utf8_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/ustring.h>

#define WORD_MAX 120         /* bytes of a word; longer words are never place names */
#define SEP_MAX 8            /* bytes of separator kept between words, for the text found */
#define QUEUE 16             /* words held back so that the longest match can be chosen */
#define JA_RUN_MAX 4096      /* Japanese characters matched at a time */
#define LINE_MAX_BYTES ((size_t)16 * 1024 * 1024)
#define OCC_MAX 100000       /* occurrences kept per document for the whole-document rules */
#define EVIDENCE_MAX 4096    /* romanisation evidence kept per document */
#define UNIT_OCC_MAX 1024    /* names kept per translation unit for the key-term check */
#define UNIT_SEG_MAX 16      /* segments per translation unit (a TMX unit in many languages) */

const char *const tp_check_rules[] = {
    "deprecated-term", "superseded-term", "forbidden-term", "inconsistent-term",
    "unpaired-usage", "misspelling", "romanisation-mix", "key-term-missing",
    "key-term-deprecated", NULL,
};
enum { R_DEPRECATED, R_SUPERSEDED, R_FORBIDDEN, R_INCONSISTENT, R_UNPAIRED, R_MISSPELLING,
       R_ROMAN, R_KEY_MISSING, R_KEY_DEPRECATED };
/* key-term-deprecated's default is the severity of the status itself (see key_terms). */
static const tp_severity default_severity[] = {
    TP_SEVERITY_ERROR, TP_SEVERITY_WARNING, TP_SEVERITY_ERROR, TP_SEVERITY_WARNING,
    TP_SEVERITY_WARNING, TP_SEVERITY_WARNING, TP_SEVERITY_WARNING, TP_SEVERITY_WARNING,
    TP_SEVERITY_ERROR,
};

/* Scripts a term or a word is matched in; also the index of the suggestion's language. */
enum { SC_LATIN = 0, SC_CYRILLIC = 1, SC_JA = 2, SC_NONE = 3 };
static const char *const script_lang[] = {"en", "ru", "ja"};
static const char *const script_name[] = {"English", "Russian", "Japanese"};

/* Whose usage a term is: names of one place that differ in side are inconsistent when one
 * document uses both without pairing them. HISTORIC terms are left to their status finding. */
enum { SIDE_NEUTRAL = 0, SIDE_JA, SIDE_RU, SIDE_KO, SIDE_OTHER, SIDE_HISTORIC };

/* ---- memory: strings that live as long as the checker ---- */


static char *arena_dup(arena_block **a, const char *s, size_t n)
{
    if (!*a || (*a)->cap - (*a)->used < n + 1) {
        size_t cap = n + 1 > 65536 ? n + 1 : 65536;
        arena_block *b = malloc(sizeof *b + cap);
        if (!b)
            return NULL;
        b->next = *a;
        b->used = 0;
        b->cap = cap;
        *a = b;
    }
    char *p = (*a)->data + (*a)->used;
    memcpy(p, s, n);
    p[n] = '\0';
    (*a)->used += n + 1;
    return p;
}

static void arena_free(arena_block *a)
{
    while (a) {
        arena_block *n = a->next;
        free(a);
        a = n;
    }
}

/* ---- an open-addressing hash of 64-bit keys to chains of terms ---- */




static uint64_t fnv(const void *p, size_t n, uint64_t h)
{
    const unsigned char *s = p;
    for (size_t i = 0; i < n; i++) {
        h ^= s[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}
#define FNV0 0xcbf29ce484222325ULL

static uint64_t window_mix(uint64_t h, uint64_t word)
{
    h = (h ^ word) * 0x9E3779B97F4A7C15ULL;
    return h ^ (h >> 31);
}

static slot *table_find(const mtable *t, uint64_t key)
{
    if (!t->cap)
        return NULL;
    key = key ? key : 1;
    for (size_t i = key & (t->cap - 1);; i = (i + 1) & (t->cap - 1)) {
        if (t->slots[i].key == key)
            return &t->slots[i];
        if (!t->slots[i].key)
            return NULL;
    }
}

static tp_status table_grow(mtable *t)
{
    size_t cap = t->cap ? t->cap * 2 : 1024;
    slot *s = tp_check_table_alloc(cap * sizeof *s);
    if (!s)
        return TP_ERR_NOMEM;
    memset(s, 0, cap * sizeof *s);
    for (size_t i = 0; i < t->cap; i++) {
        if (!t->slots[i].key)
            continue;
        size_t j = t->slots[i].key & (cap - 1);
        while (s[j].key)
            j = (j + 1) & (cap - 1);
        s[j] = t->slots[i];
    }
    free(t->slots);
    t->slots = s;
    t->cap = cap;
    return TP_OK;
}

static tp_status table_get(mtable *t, uint64_t key, slot **out)
{
    if ((t->used + 1) * 2 > t->cap) {
        tp_status st = table_grow(t);
        if (st)
            return st;
    }
    key = key ? key : 1;
    size_t i = key & (t->cap - 1);
    while (t->slots[i].key && t->slots[i].key != key)
        i = (i + 1) & (t->cap - 1);
    if (!t->slots[i].key) {
        t->slots[i].key = key;
        t->slots[i].head = NONE32;
        t->slots[i].prefix = 0;
        t->used++;
    }
    *out = &t->slots[i];
    return TP_OK;
}

/* ---- the matcher's terms ---- */



static void *vec_push(vec *v)
{
    if (v->count == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 64;
        void *p = realloc(v->items, cap * v->size);
        if (!p)
            return NULL;
        v->items = p;
        v->cap = cap;
    }
    void *p = (char *)v->items + v->count * v->size;
    memset(p, 0, v->size);
    v->count++;
    return p;
}



/* The key of a place's term in a script, in house_pref. */
static uint64_t pref_key(uint32_t ci, int script)
{
    return (uint64_t)ci * 4 + (uint64_t)script + 1;
}

/* ---- folding words ---- */

static int is_ascii(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] >= 0x80)
            return 0;
    return 1;
}

/* fold_word's answer when memory ran out: unlike a word too long, not a word to pass over, or
 * the result would silently lack a name (found by tests/fault/test_fault.c). */
#define FOLD_NOMEM ((size_t)-2)

/* Folds one word (no separators inside) as the normaliser folds terms, then drops apostrophes
 * so that Kurilʹsk, Kuril'sk and Kurilsk meet. ASCII takes a fast path: folding it is lower
 * casing. Writes at most WORD_MAX bytes; returns the length, (size_t)-1 when too long or not
 * foldable, or FOLD_NOMEM. */
static size_t fold_word(tp_checker *ck, const char *s, size_t n, char *out, tp_buf *tmp)
{
    size_t o = 0;
    if (is_ascii(s, n)) {
        for (size_t i = 0; i < n; i++) {
            char c = s[i];
            if (c == '\'' || c == '`')
                continue;
            if (o >= WORD_MAX)
                return (size_t)-1;
            out[o++] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
        }
        return o;
    }
    tp_buf_reset(tmp);
    tp_status st = tp_norm_fold_buf(ck->norm, s, n, tmp);
    if (st)
        return st == TP_ERR_NOMEM ? FOLD_NOMEM : (size_t)-1;
    for (size_t i = 0; i < tmp->len; i++) {
        if (tmp->data[i] == '\'' || tmp->data[i] == ' ')
            continue;
        if (o >= WORD_MAX)
            return (size_t)-1;
        out[o++] = tmp->data[i];
    }
    return o;
}

/* Japanese folding, one code point at a time so positions stay put: hiragana as katakana. */
static uint32_t fold_ja(uint32_t c)
{
    if ((c >= 0x3041 && c <= 0x3096) || c == 0x309D || c == 0x309E)
        return c + 0x60;
    if (c == 0xFF65)
        return 0x30FB;
    return c;
}

static int is_ja_char(uint32_t c)
{
    tp_script s = tp_utf8_script(c);
    return s == TP_SCRIPT_KANA || s == TP_SCRIPT_HAN || c == 0x30FB || c == 0x30FC;
}

static int is_macron_vowel(uint32_t c)
{
    return c == 0x101 || c == 0x113 || c == 0x12B || c == 0x14D || c == 0x16B || c == 0x100 ||
           c == 0x112 || c == 0x12A || c == 0x14C || c == 0x16A || c == 0xF4 || c == 0xFB ||
           c == 0xD4 || c == 0xDB || c == 0xE2 || c == 0xC2;
}

/* ISO 9 letters no English or BGN/PCGN spelling has. */
static int is_iso9_letter(uint32_t c)
{
    return c == 0x17E || c == 0x17D || c == 0x161 || c == 0x160 || c == 0x10D || c == 0x10C ||
           c == 0x15D || c == 0x15C || c == 0x11B;
}

static int has_cp(const char *s, size_t n, int (*pred)(uint32_t))
{
    for (size_t i = 0; i < n;) {
        int32_t c = tp_utf8_next(s, n, &i);
        if (c < 0)
            return 0;
        if (pred((uint32_t)c))
            return 1;
    }
    return 0;
}

static int side_of(const char *lang, const char *usage, tp_term_status status)
{
    if (status == TP_TERM_DEPRECATED || status == TP_TERM_SUPERSEDED ||
        status == TP_TERM_FORBIDDEN)
        return SIDE_HISTORIC;
    if (usage && *usage) {
        if (strstr(usage, "Japanese"))
            return SIDE_JA;
        if (strstr(usage, "Russian"))
            return SIDE_RU;
        if (strstr(usage, "Korean"))
            return SIDE_KO;
        if (strstr(usage, "historic") || strstr(usage, "until"))
            return SIDE_HISTORIC;
        return SIDE_OTHER;
    }
    /* An unlabelled romanisation (Hokkaidō, Kurilʹskiye ostrova) is the same name in another
     * spelling: the romanisation-mix rule speaks of it, not the inconsistency rule. */
    (void)lang;
    return SIDE_NEUTRAL;
}

static const char *side_name(int side)
{
    switch (side) {
    case SIDE_JA: return "Japanese usage";
    case SIDE_RU: return "Russian usage";
    case SIDE_KO: return "Korean usage";
    default: return "the glossary's preferred usage";
    }
}

/* ---- building the matcher ---- */

typedef struct build_ctx {
    tp_checker *ck;
    mtable *tab;          /* where phrases go */
    tp_buf fold, tmp;
    tp_error *err;
    int64_t last_concept;
    tp_status failed;    /* why the store's walk was stopped */
} build_ctx;

static tp_status add_hit(tp_checker *ck, slot *s, uint32_t term)
{
    hit *h = vec_push(&ck->hits);
    if (!h)
        return TP_ERR_NOMEM;
    const mterm *t = &AT(ck->terms, mterm, term);
    h->term = term;
    h->word0 = t->word0;
    h->nwords = t->nwords;
    h->caps = t->caps;
    h->last_len = 0xFF;
    h->loud = t->concept == NONE32; /* a glossary term's is set by mark_loud */
    if (t->nwords) {
        /* The last word is the one a probe has just matched by hash: checking it from here
         * spares two more cache misses (the word, its stem) for every name found. */
        const mword *w = &AT(ck->words, mword, t->word0 + t->nwords - 1);
        if (w->len <= HIT_STEM) {
            h->last_len = (uint8_t)w->len;
            h->last_cls = w->cls;
            memcpy(h->last_stem, w->stem, w->len);
        }
    }
    h->next = s->head;
    s->head = (uint32_t)(ck->hits.count - 1);
    return TP_OK;
}

static uint64_t bloom_mask(uint64_t h)
{
    return (1ULL << (h & 63)) | (1ULL << ((h >> 6) & 63));
}

/* A misspelling is only looked for among terms of as many words: the filter keys each hash
 * with the term's word count. */
static uint64_t bloom_key(uint64_t h, size_t nwords)
{
    return h ^ (nwords * 0x9E3779B97F4A7C15ULL);
}

static void bloom_set(tp_checker *ck, uint64_t h)
{
    ck->bloom[(h >> 12) & (ck->bloom_words - 1)] |= bloom_mask(h);
}

static int bloom_has(const tp_checker *ck, uint64_t h)
{
    if (!ck->bloom)
        return 0;
    uint64_t m = bloom_mask(h);
    return (ck->bloom[(h >> 12) & (ck->bloom_words - 1)] & m) == m;
}

/* Folds a whole term or phrase the way text words are folded, one word at a time. The result
 * (words separated by single spaces) is in b->fold. */
static tp_status fold_phrase(build_ctx *b, const char *text)
{
    tp_checker *ck = b->ck;
    tp_buf_reset(&b->fold);
    size_t n = strlen(text);
    tp_buf folded = TP_BUF_INIT;
    tp_status st;
    if (is_ascii(text, n)) {
        /* What ICU's folding does to ASCII, without ICU (most of a large glossary is ASCII, and
         * folding every term through ICU was most of the time a checker took to build): lower
         * case, and the apostrophe family as one apostrophe. Separators need not be collapsed:
         * the split below cuts at every one of them and drops empty words. */
        st = tp_buf_append(&folded, text, n);
        for (size_t i = 0; !st && i < n; i++) {
            char c = folded.data[i];
            if (c >= 'A' && c <= 'Z')
                folded.data[i] = (char)(c + 32);
            else if (c == '`' || c == '"')
                folded.data[i] = '\'';
        }
    } else {
        st = tp_norm_fold_buf(ck->norm, text, n, &folded);
    }
    if (st) {
        tp_buf_free(&folded);
        return st;
    }
    char w[WORD_MAX + 1];
    for (size_t i = 0; i < folded.len && !st;) {
        size_t j = i;
        while (j < folded.len && folded.data[j] != ' ')
            j++;
        /* Split further where text would: at punctuation other than apostrophes. */
        size_t k = i;
        while (k < j && !st) {
            size_t e = k;
            while (e < j) {
                unsigned char c = (unsigned char)folded.data[e];
                if (c < 0x80 && !((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '\''))
                    break;
                e++;
            }
            if (e > k) {
                size_t wl = fold_word(ck, folded.data + k, e - k, w, &b->tmp);
                if (wl == FOLD_NOMEM)
                    st = TP_ERR_NOMEM;
                else if (wl != (size_t)-1 && wl > 0) {
                    if (b->fold.len)
                        st = tp_buf_putc(&b->fold, ' ');
                    if (!st)
                        st = tp_buf_append(&b->fold, w, wl);
                }
            }
            k = e + 1;
        }
        i = j + 1;
    }
    tp_buf_free(&folded);
    return st;
}

static int phrase_script(const char *s)
{
    int sc = SC_NONE, any_ja = 0;
    size_t n = strlen(s);
    for (size_t i = 0; i < n;) {
        int32_t c = tp_utf8_next(s, n, &i);
        if (c < 0)
            return SC_NONE;
        tp_script t = tp_utf8_script((uint32_t)c);
        if (t == TP_SCRIPT_LATIN && sc != SC_CYRILLIC)
            sc = SC_LATIN;
        else if (t == TP_SCRIPT_CYRILLIC)
            sc = SC_CYRILLIC;
        else if (t == TP_SCRIPT_KANA || t == TP_SCRIPT_HAN)
            any_ja = 1;
    }
    if (any_ja)
        return sc == SC_NONE ? SC_JA : SC_NONE;
    return sc;
}

static int is_word_cp(uint32_t c);
static int is_apostrophe(uint32_t c);

/* Which words of a glossary term of several words begin with a capital (bit i: word i), cut as
 * text is cut into words; 0 when the cut does not give nw words. A name of several words is
 * only found where the text capitalises every word the glossary does: "the East Sea", "EAST
 * SEA", "Sea Of Japan" in a heading, but not "the east sea" of running text. */
static uint8_t capitals(const char *text, unsigned nw)
{
    size_t n = strlen(text);
    unsigned words = 0;
    uint8_t mask = 0;
    int in_word = 0;
    for (size_t i = 0; i < n;) {
        int32_t c = tp_utf8_next(text, n, &i);
        if (c < 0)
            return 0;
        int word = is_word_cp((uint32_t)c) || (in_word && is_apostrophe((uint32_t)c));
        if (word && !in_word) {
            if (words < 8 && u_isupper(c))
                mask |= (uint8_t)(1u << words);
            words++;
        }
        in_word = word;
    }
    return words == nw ? mask : 0;
}

/* Adds a term or a rule's phrase to a table. Returns the new term's index in *index. */
static tp_status add_phrase(build_ctx *b, mterm *proto, const char *text, uint32_t *index)
{
    tp_checker *ck = b->ck;
    int script = phrase_script(text);
    if (script == SC_NONE)
        return TP_OK; /* mixed scripts: no running text writes a name so */
    tp_status st;
    mterm *t = vec_push(&ck->terms);
    if (!t)
        return TP_ERR_NOMEM;
    *t = *proto;
    uint32_t ti = (uint32_t)(ck->terms.count - 1);
    *index = ti;
    t->script = (uint8_t)script;
    t->word0 = (uint32_t)ck->words.count;
    if (!(t->text = arena_dup(&ck->arena, text, strlen(text))))
        return TP_ERR_NOMEM;
    if (script == SC_JA) {
        /* Japanese: the folded string, hashed code point by code point. */
        tp_buf k = TP_BUF_INIT;
        size_t n = strlen(text), cps = 0;
        uint64_t h = FNV0;
        st = TP_OK;
        for (size_t i = 0; i < n && !st;) {
            int32_t c = tp_utf8_next(text, n, &i);
            if (c < 0)
                break;
            uint32_t f = fold_ja((uint32_t)c);
            h = fnv(&f, sizeof f, h);
            st = tp_buf_put_cp(&k, f);
            cps++;
        }
        if (!st && (cps == 0 || cps > JA_TERM_MAX))
            st = TP_ERR_ARG;
        slot *s = NULL;
        if (!st && !(t->key = arena_dup(&ck->arena, k.data, k.len)))
            st = TP_ERR_NOMEM;
        tp_buf_free(&k);
        if (st == TP_ERR_ARG) {
            ck->terms.count--;
            return TP_OK;
        }
        if (!st)
            st = table_get(proto->rule >= 0 ? b->tab : &ck->ja_tab, h, &s);
        if (!st)
            st = add_hit(ck, s, ti);
        if (!st && cps > ck->ja_max)
            ck->ja_max = (unsigned)cps;
        return st;
    }
    if ((st = fold_phrase(b, text)))
        return st;
    if (!b->fold.len || !(t = &AT(ck->terms, mterm, ti)) ||
        !(t->key = arena_dup(&ck->arena, b->fold.data, b->fold.len))) {
        if (!b->fold.len) {
            ck->terms.count--;
            return TP_OK;
        }
        return TP_ERR_NOMEM;
    }
    /* Words, each with its stem and, for Russian, its class of endings. */
    const char *p = t->key;
    uint64_t h = FNV0;
    int noun_seen = 0;
    unsigned nw = 0;
    while (*p) {
        const char *e = strchr(p, ' ');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        tp_ru_class cls = TP_RU_EXACT;
        int is_noun = 0;
        size_t stem = len;
        if (script == SC_CYRILLIC) {
            stem = tp_ru_term_word(p, len, noun_seen, &cls, &is_noun);
            noun_seen |= is_noun;
        }
        mword *w = vec_push(&ck->words);
        if (!w)
            return TP_ERR_NOMEM;
        w->stem = p;
        w->len = (uint16_t)stem;
        w->cls = (uint8_t)cls;
        if (nw > 0) {
            slot *s;
            if ((st = table_get(proto->rule >= 0 ? b->tab : &ck->word_tab, h, &s)))
                return st;
            s->prefix = 1;
        }
        h = window_mix(h, fnv(p, stem, FNV0));
        nw++;
        p += len;
        if (*p == ' ')
            p++;
        if (nw > MAX_WORDS)
            break;
    }
    t = &AT(ck->terms, mterm, ti);
    if (nw > MAX_WORDS) {
        ck->terms.count--;
        ck->words.count = t->word0;
        return TP_OK;
    }
    t->nwords = (uint8_t)nw;
    /* Single words keep to any case ("sakhalin" is still Sakhalin); rule phrases too. */
    if (nw > 1 && proto->rule < 0)
        t->caps = capitals(text, nw);
    if (nw > ck->max_words)
        ck->max_words = nw;
    slot *s;
    if ((st = table_get(proto->rule >= 0 ? b->tab : &ck->word_tab, h, &s)) ||
        (st = add_hit(ck, s, ti)))
        return st;
    return TP_OK;
}

static tp_status add_macron_words(build_ctx *b, uint32_t ti)
{
    tp_checker *ck = b->ck;
    const mterm *t = &AT(ck->terms, mterm, ti);
    const char *s = t->text;
    size_t n = strlen(s);
    for (size_t i = 0; i < n;) {
        size_t j = i;
        int mac = 0;
        while (j < n && s[j] != ' ' && s[j] != '-') {
            size_t at = j;
            int32_t c = tp_utf8_next(s, n, &j);
            if (c < 0) {
                j = at + 1;
                continue;
            }
            mac |= is_macron_vowel((uint32_t)c) && c != 0xF4 && c != 0xFB && c != 0xE2;
        }
        if (mac) {
            char w[WORD_MAX + 1];
            size_t wl = fold_word(ck, s + i, j - i, w, &b->tmp);
            if (wl == FOLD_NOMEM)
                return TP_ERR_NOMEM;
            if (wl != (size_t)-1 && wl > 0) {
                slot *sl;
                tp_status st = table_get(&ck->macron, fnv(w, wl, FNV0), &sl);
                if (st)
                    return st;
                if (sl->head == NONE32)
                    sl->head = ti;
            }
        }
        i = j + 1;
    }
    return TP_OK;
}

static int on_store_term(void *p, int64_t concept_id, const char *ext_id, const tp_term *t)
{
    build_ctx *b = p;
    tp_checker *ck = b->ck;
    if (concept_id != b->last_concept) {
        mconcept *c = vec_push(&ck->concepts);
        if (!c || !(c->ext_id = arena_dup(&ck->arena, ext_id ? ext_id : "",
                                           ext_id ? strlen(ext_id) : 0))) {
            b->failed = tp_error_nomem(b->err);
            return 1;
        }
        c->id = concept_id;
        c->preferred[0] = c->preferred[1] = c->preferred[2] = NONE32;
        b->last_concept = concept_id;
    }
    uint32_t ci = (uint32_t)(ck->concepts.count - 1);
    mterm proto = {0};
    proto.concept = ci;
    proto.rule = -1;
    proto.status = (uint8_t)t->status;
    proto.id = t->id;
    proto.side = (uint8_t)side_of(t->lang, t->usage, t->status);
    proto.lang_rank = strchr(t->lang, '-') != NULL;
    if (!(proto.lang = arena_dup(&ck->arena, t->lang, strlen(t->lang))) ||
        (t->usage && !(proto.usage = arena_dup(&ck->arena, t->usage, strlen(t->usage))))) {
        b->failed = tp_error_nomem(b->err);
        return 1;
    }
    uint32_t ti = NONE32;
    size_t before = ck->terms.count;
    tp_status st = add_phrase(b, &proto, t->text, &ti);
    if (!st && ck->terms.count > before) {
        mterm *m = &AT(ck->terms, mterm, ti);
        mconcept *c = &AT(ck->concepts, mconcept, ci);
        if (m->script < 3) {
            if (t->status == TP_TERM_PREFERRED && c->preferred[m->script] == NONE32 &&
                !strcasecmp(t->lang, script_lang[m->script]))
                c->preferred[m->script] = ti;
            if (m->side != SIDE_HISTORIC)
                c->sides[m->script] |= (uint8_t)(1u << m->side);
        }
        if (m->script == SC_LATIN && has_cp(t->text, strlen(t->text), is_macron_vowel))
            st = add_macron_words(b, ti);
    }
    if (st) {
        b->failed = tp_error_set(b->err, st, "cannot build the checker: %s", tp_strerror(st));
        return 1;
    }
    return 0;
}

/* A Latin term is BGN/PCGN evidence when its concept has a Russian name and the term is that
 * name's romanisation: a ru-Latn term, or an English one the glossary does not romanise apart
 * (its ru-Latn form is left out when identical to the English one). */
static void mark_bgn(tp_checker *ck)
{
    size_t i = 0, n = ck->terms.count;
    mterm *terms = ck->terms.items;
    while (i < n) {
        size_t j = i;
        int has_ru = 0, has_ru_latn = 0;
        while (j < n && terms[j].concept == terms[i].concept) {
            has_ru |= terms[j].script == SC_CYRILLIC;
            /* Romanisations of historic names (Vladimirovka) say nothing of today's name. */
            has_ru_latn |= !strcasecmp(terms[j].lang, "ru-Latn") &&
                           terms[j].status <= TP_TERM_ADMITTED;
            j++;
        }
        for (size_t k = i; has_ru && k < j; k++) {
            if (terms[k].script != SC_LATIN)
                continue;
            if (!strcasecmp(terms[k].lang, "ru-Latn")) {
                terms[k].bgn = 1;
            } else if (!strcasecmp(terms[k].lang, "en")) {
                int same = !has_ru_latn;
                for (size_t r = i; !same && r < j; r++)
                    same = !strcasecmp(terms[r].lang, "ru-Latn") &&
                           !strcmp(terms[r].key, terms[k].key);
                terms[k].bgn = (uint8_t)same;
            }
        }
        i = j;
    }
}

static int status_rule(const mterm *t);

/* Which terms need more than counting when found: with 200,000 names, loading a found term and
 * its concept is two cache misses, and most names are in good standing. Each hit says so. */
static void mark_loud(tp_checker *ck)
{
    for (size_t i = 0; i < ck->hits.count; i++) {
        hit *h = &AT(ck->hits, hit, i);
        const mterm *t = &AT(ck->terms, mterm, h->term);
        const mconcept *c = &AT(ck->concepts, mconcept, t->concept);
        uint8_t sides = t->script < 3 ? c->sides[t->script] : 0;
        h->loud = status_rule(t) >= 0 || t->bgn ||
                  ((sides & (sides - 1)) != 0 && t->side != SIDE_HISTORIC);
    }
}

static tp_status build_bloom(tp_checker *ck, tp_error *err)
{
    /* About eight bits a hash (a name has about ten): a few per cent of false positives, which
     * only cost a store probe, and a filter a quarter of the size of one with sixteen. */
    size_t hashes = 0;
    for (size_t i = 0; i < ck->terms.count; i++)
        hashes += AT(ck->terms, mterm, i).script < SC_JA ? 10 : 0;
    size_t words = 1024;
    while (words * 8 < hashes && words < ((size_t)1 << 22))
        words <<= 1;
    ck->bloom_words = words;
    ck->bloom = calloc(words, sizeof(uint64_t));
    if (!ck->bloom)
        return tp_error_nomem(err);
    for (size_t i = 0; i < ck->terms.count; i++) {
        const mterm *t = &AT(ck->terms, mterm, i);
        if (t->script >= SC_JA)
            continue;
        uint64_t *h = NULL;
        size_t n = 0;
        tp_status st = tp_norm_fuzzy_hashes(t->key, &h, &n, err);
        if (st)
            return st;
        for (size_t k = 0; k < n; k++)
            bloom_set(ck, bloom_key(h[k], t->nwords));
        free(h);
        if (t->nwords >= 1 && t->nwords <= 8)
            ck->lengths[t->script] |= (uint8_t)(1u << (t->nwords - 1));
    }
    return TP_OK;
}

tp_status tp_checker_new(tp_store *store, tp_norm *norm, tp_checker **out, tp_error *err)
{
    tp_checker *ck = calloc(1, sizeof *ck);
    if (!ck)
        return tp_error_nomem(err);
    ck->store = store;
    ck->norm = norm;
    ck->terms = (vec)VEC(mterm);
    ck->words = (vec)VEC(mword);
    ck->concepts = (vec)VEC(mconcept);
    ck->hits = (vec)VEC(hit);
    ck->house.japanese_macrons = -1;
    /* The matcher's image saved in the store for the glossary as it is now, when there is one;
     * else the matcher is built from every term, read in the same snapshot as the stamp the
     * image is then saved with. An image that cannot be read is built again, a save that fails
     * only means the next checker builds too: neither is the caller's error. */
    int64_t stamp = 0;
    tp_store_image *im = NULL;
    size_t len = 0;
    int stamped = tp_store_image_open(store, TP_MATCHER_IMAGE, &stamp, &im, &len, NULL) == TP_OK;
    int loaded = im && tp_matcher_load(ck, im, len) == TP_OK;
    tp_store_image_close(im);
    tp_status st = TP_OK;
    if (!loaded) {
        build_ctx b = {ck, NULL, TP_BUF_INIT, TP_BUF_INIT, err, -1, TP_OK};
        st = tp_store_each_term(store, on_store_term, &b, err);
        if (!st)
            st = b.failed;
        tp_buf_free(&b.fold);
        tp_buf_free(&b.tmp);
        if (!st) {
            mark_bgn(ck);
            st = build_bloom(ck, err);
        }
        if (!st)
            mark_loud(ck);
    }
    tp_store_read_end(store);
    if (st) {
        tp_checker_free(ck);
        return st;
    }
    if (!loaded && stamped && ck->terms.count >= TP_MATCHER_IMAGE_MIN_TERMS)
        tp_matcher_save(ck, stamp, NULL);
    *out = ck;
    return TP_OK;
}

void tp_checker_free(tp_checker *ck)
{
    if (!ck)
        return;
    free(ck->terms.items);
    free(ck->words.items);
    free(ck->concepts.items);
    free(ck->hits.items);
    free(ck->word_tab.slots);
    free(ck->ja_tab.slots);
    free(ck->rule_tab.slots);
    free(ck->house_pref.slots);
    free(ck->by_id.slots);
    free(ck->macron.slots);
    free(ck->bloom);
    tp_house_free(&ck->house);
    arena_free(ck->arena);
    free(ck);
}

/* ---- house rules ---- */

static tp_status on_rule_phrase(void *p, size_t rule, int role, const char *phrase, tp_error *err)
{
    build_ctx *b = p;
    mterm proto = {0};
    proto.concept = NONE32;
    proto.rule = (int32_t)rule;
    proto.role = (uint8_t)role;
    proto.lang = "";
    uint32_t ti;
    size_t before = b->ck->terms.count;
    tp_status st = add_phrase(b, &proto, phrase, &ti);
    if (st)
        return tp_error_set(err, st, "cannot add the phrase \"%s\": %s", phrase, tp_strerror(st));
    if (b->ck->terms.count == before)
        return tp_error_set(err, TP_ERR_INPUT, "the phrase \"%s\" cannot be matched (mixed "
                                               "scripts, or too long)", phrase);
    return TP_OK;
}

/* The house style's [preferred] terms, each found among the glossary's first nterms terms by
 * its text (case aside): it becomes the suggestion for its place in its script. */
static tp_status resolve_preferred(tp_checker *ck, size_t nterms, const char *path,
                                   tp_error *err)
{
    for (size_t k = 0; k < ck->house.preferred_count; k++) {
        const char *want = ck->house.preferred[k];
        uint32_t found = NONE32;
        for (size_t i = 0; i < nterms && found == NONE32; i++) {
            const mterm *t = &AT(ck->terms, mterm, i);
            if (t->concept != NONE32 && t->script <= SC_JA && !strcasecmp(t->text, want))
                found = (uint32_t)i;
        }
        if (found == NONE32)
            return tp_error_at(err, TP_ERR_INPUT, path, ck->house.preferred_line, 0,
                               "[preferred] \"%s\" is no term of the glossary", want);
        const mterm *t = &AT(ck->terms, mterm, found);
        if (t->status > TP_TERM_ADMITTED)
            return tp_error_at(err, TP_ERR_INPUT, path, ck->house.preferred_line, 0,
                               "[preferred] \"%s\" is %s in the glossary", want,
                               tp_term_status_name((tp_term_status)t->status));
        slot *s;
        if (table_get(&ck->house_pref, pref_key(t->concept, t->script), &s))
            return tp_error_nomem(err);
        s->head = found;
    }
    return TP_OK;
}

static tp_status run_rule_examples(tp_checker *ck, const char *path, tp_error *err)
{
    for (size_t r = 0; r < ck->house.rule_count; r++) {
        const tp_rule *rule = &ck->house.rules[r];
        for (int good = 0; good < 2; good++) {
            char **ex = good ? rule->good : rule->bad;
            size_t n = good ? rule->good_count : rule->bad_count;
            for (size_t i = 0; i < n; i++) {
                tp_findings *f = NULL;
                tp_status st = tp_check_text(ck, path, TP_CHECK_TEXT, NULL, ex[i], strlen(ex[i]),
                                             &f, err);
                if (st)
                    return st;
                int fired = 0;
                for (size_t k = 0; k < f->count; k++)
                    fired |= !strcmp(f->items[k].rule, rule->id);
                tp_findings_free(f);
                if (fired == good)
                    return tp_error_at(err, TP_ERR_INPUT, path, rule->line, 0,
                                       "rule %s %s its example \"%s\"", rule->id,
                                       good ? "fires on the good" : "does not fire on the bad",
                                       ex[i]);
            }
        }
    }
    return TP_OK;
}

tp_status tp_checker_load_rules(tp_checker *ck, const char *path, tp_error *err)
{
    tp_house old = ck->house;
    mtable old_tab = ck->rule_tab;
    size_t nt = ck->terms.count, nw = ck->words.count, nh = ck->hits.count;
    memset(&ck->house, 0, sizeof ck->house);
    ck->house.japanese_macrons = -1;
    memset(&ck->rule_tab, 0, sizeof ck->rule_tab);
    /* New phrases go after the previous style's, which stay intact until this load has
     * succeeded (then nothing refers to them any more). */
    build_ctx b = {ck, &ck->rule_tab, TP_BUF_INIT, TP_BUF_INIT, err, -1, TP_OK};
    mtable old_pref = ck->house_pref;
    memset(&ck->house_pref, 0, sizeof ck->house_pref);
    tp_status st = tp_house_parse(path, &ck->house, on_rule_phrase, &b, err);
    tp_buf_free(&b.fold);
    tp_buf_free(&b.tmp);
    if (!st)
        st = resolve_preferred(ck, nt, path, err);
    if (!st)
        st = run_rule_examples(ck, path, err);
    if (st) {
        tp_house_free(&ck->house);
        free(ck->rule_tab.slots);
        free(ck->house_pref.slots);
        ck->house = old;
        ck->rule_tab = old_tab;
        ck->house_pref = old_pref;
        ck->terms.count = nt;
        ck->words.count = nw;
        ck->hits.count = nh;
        return st;
    }
    tp_house_free(&old);
    free(old_tab.slots);
    free(old_pref.slots);
    return TP_OK;
}

/* ---- documents ---- */

typedef struct token {
    char fold[WORD_MAX];
    char raw[WORD_MAX];
    char sep[SEP_MAX];       /* the separator before the word, as written (newlines as spaces) */
    uint8_t flen, rlen, slen;
    uint8_t nstems;
    uint8_t stems[4];        /* byte lengths of the candidate stems */
    uint64_t h[4];           /* their hashes */
    uint8_t script;          /* SC_LATIN or SC_CYRILLIC */
    uint8_t joined;          /* only soft separators (spaces, hyphens) since the previous word */
    uint8_t cap;             /* begins with a capital */
    uint8_t nonascii;
    uint8_t inert;           /* no name, misspelling or evidence starts here (see end_word) */
    uint8_t looked;          /* first is set */
    const slot *first;       /* the word's slot as a name's first word (one stem), or NULL:
                                looked up a word after it was read, its hit fetched meanwhile */
    unsigned long line, col, eline, ecol;
    uint32_t sentence;
} token;

typedef struct occ {
    uint32_t term, concept;
    unsigned long line, col, eline, ecol;
    uint32_t sentence;
    uint8_t side, script, paired;
    char *found;
} occ;

typedef struct evidence {
    int kind;                 /* 0 BGN/PCGN or macrons; 1 ISO 9 or no macrons */
    unsigned long line, col, eline, ecol;
    char *found, *suggestion, *concept;
} evidence;

/* A name in a segment of the current translation unit. */
typedef struct unit_occ {
    uint32_t term, concept;
    uint8_t seg;              /* index of its segment in the unit */
    unsigned long line, col, eline, ecol;
    char *found;
} unit_occ;

typedef struct unit_seg {
    uint8_t role;             /* TP_SEG_SOURCE or TP_SEG_TARGET */
    uint8_t script;           /* the script of its language's terms, SC_NONE when the glossary
                                 has none (a language other than en, ru, ja) */
    uint8_t text;             /* it holds letters (an empty target is untranslated) */
} unit_seg;

typedef struct suppress_ev {
    unsigned long line, col;
    int enable;
    char rule[64];            /* "" for every rule */
} suppress_ev;

typedef struct gloss_state {
    int seen;                 /* the first `find` was met */
    int satisfied;
    uint32_t sentence, with_sentence;
    int with_seen;
    unsigned long line, col, eline, ecol;
    char *found;
} gloss_state;

struct tp_check_doc {
    tp_checker *ck;
    char *name;
    char lang[16];
    int lang_fixed;           /* given by the caller or declared by the document */
    tp_reader reader;
    tp_buf line;              /* bytes of the line being assembled */
    unsigned long lineno;
    tp_buf tmp;
    /* the word being read */
    char wraw[WORD_MAX + 8];
    size_t wlen;
    int wlong;
    int wscript;
    int wnonascii;            /* the word has a code point above ASCII */
    unsigned long wline, wcol, weline, wecol;
    /* what lies between the previous word and the next */
    int hard;                 /* a hard break: punctuation, markup, a blank line */
    int newlines;
    char sep[SEP_MAX];
    size_t slen;
    uint32_t sentence;
    int sentence_end_pending;
    /* Japanese run */
    uint32_t *ja;             /* JA_RUN_MAX code points, folded */
    uint32_t *ja_raw;         /* the same, as written */
    unsigned long *ja_line, *ja_col, *ja_ecol;
    size_t ja_n;
    UBreakIterator *brk;
    UChar *u16;
    /* held-back words */
    token q[QUEUE];
    size_t qh, qn;
    /* bilingual documents: the current unit's segments and names */
    int seg_role;             /* TP_SEG_*: where text goes now */
    unsigned long seg_letters;
    unit_seg segs[UNIT_SEG_MAX];
    size_t nsegs;
    vec unit;                 /* unit_occ */
    /* results */
    vec findings, occs, ev_ja, ev_ru, suppress;
    gloss_state *gloss;
    unsigned long letters[3];
    unsigned long names;
    tp_status failed;         /* a deferred error (out of memory) */
};

static tp_severity severity_of(const tp_checker *ck, int rule)
{
    /* The house style stores a severity plus one; 0 keeps the default. */
    int s = ck->house.builtin[rule];
    return s ? (tp_severity)(s - 1) : default_severity[rule];
}

static char *dup_str(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s);
    char *p = malloc(n + 1);
    if (p)
        memcpy(p, s, n + 1);
    return p;
}

static char *vformat(const char *fmt, va_list ap) TP_PRINTF(1, 0);
static char *vformat(const char *fmt, va_list ap)
{
    va_list cp;
    va_copy(cp, ap);
    int n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n < 0)
        return NULL;
    char *p = malloc((size_t)n + 1);
    if (p)
        vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

static void add_finding(tp_check_doc *d, const char *rule, tp_severity sev, unsigned long line,
                        unsigned long col, unsigned long eline, unsigned long ecol,
                        const char *found, const char *suggestion, const char *concept,
                        const char *fmt, ...) TP_PRINTF(11, 12);
static void add_finding(tp_check_doc *d, const char *rule, tp_severity sev, unsigned long line,
                        unsigned long col, unsigned long eline, unsigned long ecol,
                        const char *found, const char *suggestion, const char *concept,
                        const char *fmt, ...)
{
    if (sev == TP_SEVERITY_NONE)
        return;
    tp_finding *f = vec_push(&d->findings);
    if (!f) {
        d->failed = TP_ERR_NOMEM;
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    f->message = vformat(fmt, ap);
    va_end(ap);
    f->rule = rule;
    f->severity = sev;
    f->line = line;
    f->column = col;
    f->end_line = eline;
    f->end_column = ecol;
    f->found = dup_str(found);
    f->suggestion = dup_str(suggestion && *suggestion ? suggestion : NULL);
    f->concept = dup_str(concept && *concept ? concept : NULL);
    if (!f->message || !f->found || (suggestion && *suggestion && !f->suggestion) ||
        (concept && *concept && !f->concept))
        d->failed = TP_ERR_NOMEM;
}

tp_status tp_check_begin(tp_checker *ck, const char *name, tp_check_format format,
                         const char *lang, tp_check_doc **out, tp_error *err)
{
    tp_check_doc *d = calloc(1, sizeof *d);
    if (!d)
        return tp_error_nomem(err);
    d->ck = ck;
    d->findings = (vec)VEC(tp_finding);
    d->occs = (vec)VEC(occ);
    d->ev_ja = (vec)VEC(evidence);
    d->ev_ru = (vec)VEC(evidence);
    d->suppress = (vec)VEC(suppress_ev);
    d->unit = (vec)VEC(unit_occ);
    d->name = dup_str(name ? name : "-");
    d->ja = malloc(JA_RUN_MAX * sizeof *d->ja);
    d->ja_raw = malloc(JA_RUN_MAX * sizeof *d->ja_raw);
    d->ja_line = malloc(JA_RUN_MAX * sizeof *d->ja_line);
    d->ja_col = malloc(JA_RUN_MAX * sizeof *d->ja_col);
    d->ja_ecol = malloc(JA_RUN_MAX * sizeof *d->ja_ecol);
    d->u16 = malloc((JA_RUN_MAX * 2 + 1) * sizeof *d->u16);
    d->gloss = calloc(ck->house.rule_count + 1, sizeof *d->gloss);
    d->hard = 1;
    d->reader.format = format == TP_CHECK_AUTO ? tp_check_format_guess(name) : format;
    if (!d->name || !d->ja || !d->ja_raw || !d->ja_line || !d->ja_col || !d->ja_ecol || !d->u16 || !d->gloss) {
        tp_check_abort(d);
        return tp_error_nomem(err);
    }
    UErrorCode uerr = U_ZERO_ERROR;
    d->brk = ubrk_open(UBRK_WORD, "ja", NULL, 0, &uerr);
    if (U_FAILURE(uerr)) {
        tp_check_abort(d);
        return tp_error_set(err, TP_ERR_DEPENDENCY, "ICU word break data unavailable: %s",
                            u_errorName(uerr));
    }
    if (lang && *lang) {
        snprintf(d->lang, sizeof d->lang, "%s", lang);
        d->lang_fixed = 1;
    }
    *out = d;
    return TP_OK;
}

void tp_check_declare_lang(tp_check_doc *d, const char *lang, size_t len)
{
    if (d->lang_fixed || len == 0 || len >= sizeof d->lang)
        return;
    memcpy(d->lang, lang, len);
    d->lang[len] = '\0';
    d->lang_fixed = 1;
}

tp_status tp_check_suppress(tp_check_doc *d, int enable, const char *rules, size_t len,
                            unsigned long line, unsigned long col)
{
    size_t i = 0;
    do {
        while (i < len && (rules[i] == ' ' || rules[i] == ','))
            i++;
        size_t j = i;
        while (j < len && rules[j] != ' ' && rules[j] != ',')
            j++;
        if (j == i && len > 0 && i >= len)
            break;
        suppress_ev *e = vec_push(&d->suppress);
        if (!e)
            return TP_ERR_NOMEM;
        e->line = line;
        e->col = col;
        e->enable = enable;
        size_t n = j - i < sizeof e->rule - 1 ? j - i : sizeof e->rule - 1;
        memcpy(e->rule, rules + i, n);
        e->rule[n] = '\0';
        i = j;
    } while (i < len);
    return TP_OK;
}

static int suppressed(const tp_check_doc *d, const tp_finding *f)
{
    int off = 0;
    for (size_t i = 0; i < d->suppress.count; i++) {
        const suppress_ev *e = &AT(d->suppress, suppress_ev, i);
        if (e->line > f->line || (e->line == f->line && e->col > f->column))
            break;
        if (!e->rule[0] || !strcmp(e->rule, f->rule))
            off = !e->enable;
    }
    return off;
}

/* ---- matching ---- */

static const mconcept *concept_at(const tp_checker *ck, uint32_t ci)
{
    return ci == NONE32 ? NULL : &AT(ck->concepts, mconcept, ci);
}

/* The term findings suggest for a place in a script: the house style's choice ([preferred]),
 * else the glossary's preferred term; NONE32 when there is neither. */
static uint32_t preferred_index(const tp_checker *ck, uint32_t ci, int script)
{
    if (ci == NONE32 || script > SC_JA)
        return NONE32;
    const slot *s = table_find(&ck->house_pref, pref_key(ci, script));
    return s ? s->head : AT(ck->concepts, mconcept, ci).preferred[script];
}

/* Nonzero when the house style prefers term ti. */
static int house_prefers(const tp_checker *ck, uint32_t ti)
{
    const mterm *t = &AT(ck->terms, mterm, ti);
    const slot *s = t->concept == NONE32 ? NULL
                                         : table_find(&ck->house_pref, pref_key(t->concept,
                                                                                 t->script));
    return s && s->head == ti;
}

static const char *preferred_text(const tp_checker *ck, const mterm *t)
{
    uint32_t p = preferred_index(ck, t->concept, t->script);
    return p == NONE32 ? NULL : AT(ck->terms, mterm, p).text;
}

/* The text found: the words as written with the separators between them. */
static char *found_text(const tp_check_doc *d, size_t first, size_t n)
{
    tp_buf b = TP_BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        const token *t = &d->q[(d->qh + first + i) % QUEUE];
        if (i)
            tp_buf_append(&b, t->sep, t->slen);
        tp_buf_append(&b, t->raw, t->rlen);
    }
    char *out = NULL;
    if (tp_buf_take(&b, &out) != TP_OK)
        out = NULL;
    tp_buf_free(&b);
    return out;
}

static void record_gloss(tp_check_doc *d, const mterm *t, unsigned long line, unsigned long col,
                         unsigned long eline, unsigned long ecol, uint32_t sentence,
                         const char *found)
{
    gloss_state *g = &d->gloss[t->rule];
    if (t->role == 1) {
        g->with_seen = 1;
        g->with_sentence = sentence;
        if (g->seen && !g->satisfied && g->sentence == sentence)
            g->satisfied = 1;
        return;
    }
    if (g->seen)
        return;
    g->seen = 1;
    g->sentence = sentence;
    g->satisfied = g->with_seen && g->with_sentence == sentence;
    g->line = line;
    g->col = col;
    g->eline = eline;
    g->ecol = ecol;
    g->found = dup_str(found);
}

static void rule_match(tp_check_doc *d, const mterm *t, unsigned long line, unsigned long col,
                       unsigned long eline, unsigned long ecol, uint32_t sentence,
                       const char *found)
{
    const tp_rule *r = &d->ck->house.rules[t->rule];
    if (r->kind == TP_RULE_GLOSS_FIRST) {
        record_gloss(d, t, line, col, eline, ecol, sentence, found);
        return;
    }
    if (r->message)
        add_finding(d, r->id, r->severity, line, col, eline, ecol, found, r->replace, NULL, "%s",
                    r->message);
    else if (r->replace)
        add_finding(d, r->id, r->severity, line, col, eline, ecol, found, r->replace, NULL,
                    "the house style writes \"%s\" as \"%s\"", found, r->replace);
    else
        add_finding(d, r->id, r->severity, line, col, eline, ecol, found, NULL, NULL,
                    "the house style does not use \"%s\"", found);
}

static void ja_evidence(tp_check_doc *d, const token *t);

static int status_rule(const mterm *t)
{
    return t->status == TP_TERM_DEPRECATED   ? R_DEPRECATED
           : t->status == TP_TERM_SUPERSEDED ? R_SUPERSEDED
           : t->status == TP_TERM_FORBIDDEN  ? R_FORBIDDEN
                                             : -1;
}

/* The finding of a deprecated, superseded or forbidden term, with the preferred term of its
 * script. Nothing for a term in good standing. */
static void status_finding(tp_check_doc *d, const mterm *t, unsigned long line, unsigned long col,
                           unsigned long eline, unsigned long ecol, const char *found)
{
    const tp_checker *ck = d->ck;
    int rule = status_rule(t);
    if (rule < 0)
        return;
    const mconcept *c = concept_at(ck, t->concept);
    const char *pref = preferred_text(ck, t);
    const char *status = tp_term_status_name((tp_term_status)t->status);
    if (pref && t->usage)
        add_finding(d, tp_check_rules[rule], severity_of(ck, rule), line, col, eline, ecol,
                    found, pref, c->ext_id, "\"%s\" is %s (%s); use \"%s\"", found, status,
                    t->usage, pref);
    else if (pref)
        add_finding(d, tp_check_rules[rule], severity_of(ck, rule), line, col, eline, ecol,
                    found, pref, c->ext_id, "\"%s\" is %s; use \"%s\"", found, status, pref);
    else
        add_finding(d, tp_check_rules[rule], severity_of(ck, rule), line, col, eline, ecol,
                    found, NULL, c->ext_id, "\"%s\" is %s", found, status);
}

/* A glossary term was found: its status finding now, its occurrence for later. */
static void term_match(tp_check_doc *d, uint32_t ti, unsigned long line, unsigned long col,
                       unsigned long eline, unsigned long ecol, uint32_t sentence,
                       const char *found)
{
    tp_checker *ck = d->ck;
    const mterm *t = &AT(ck->terms, mterm, ti);
    const mconcept *c = concept_at(ck, t->concept);
    d->names++;
    /* A target's status findings wait for the unit's end: one that translates a name of the
     * source becomes a key-term finding instead. */
    int deferred = 0;
    if (d->seg_role && d->nsegs && d->unit.count < UNIT_OCC_MAX) {
        unit_occ *u = vec_push(&d->unit);
        if (!u || !(u->found = dup_str(found))) {
            d->failed = TP_ERR_NOMEM;
            return;
        }
        u->term = ti;
        u->concept = t->concept;
        u->seg = (uint8_t)(d->nsegs - 1);
        u->line = line;
        u->col = col;
        u->eline = eline;
        u->ecol = ecol;
        deferred = d->seg_role == TP_SEG_TARGET;
    }
    if (!deferred)
        status_finding(d, t, line, col, eline, ecol, found);
    /* Occurrences matter only for concepts whose names differ in whose usage they are. */
    uint8_t sides = c && t->script < 3 ? c->sides[t->script] : 0;
    if ((sides & (sides - 1)) == 0 || t->side == SIDE_HISTORIC || d->occs.count >= OCC_MAX)
        return;
    occ *o = vec_push(&d->occs);
    if (!o) {
        d->failed = TP_ERR_NOMEM;
        return;
    }
    o->term = ti;
    o->concept = t->concept;
    o->line = line;
    o->col = col;
    o->eline = eline;
    o->ecol = ecol;
    o->sentence = sentence;
    o->side = t->side;
    o->script = t->script;
    o->found = dup_str(found);
    /* A deliberate pairing: another side's name of the same place in the same sentence.
     * Occurrences are recorded nearly in text order: Latin and Cyrillic names wait in the
     * queue while a Japanese run is matched, so a few of an earlier sentence may come after
     * one of this sentence. */
    size_t older = 0;
    for (size_t i = d->occs.count - 1; i-- > 0 && older <= QUEUE;) {
        occ *p = &AT(d->occs, occ, i);
        if (p->sentence != sentence)
            older++;
        else if (p->concept == o->concept && p->side != o->side)
            p->paired = o->paired = 1;
    }
}

/* Picks the best of the terms that share a matched key: the one written exactly as found, then
 * the one of the text's own language (en over ja-Latn), then the better status. */
static int better(const mterm *a, const mterm *b, const char *found)
{
    int ea = !strcmp(a->text, found), eb = !strcmp(b->text, found);
    if (ea != eb)
        return ea > eb;
    if (a->lang_rank != b->lang_rank)
        return a->lang_rank < b->lang_rank;
    return a->status < b->status;
}

/* Verifies a hit word by word: the stems (hash collisions) and each word's ending. */
static int words_fit(const tp_checker *ck, const hit *h, const tp_check_doc *d,
                     const uint8_t *choice, size_t n)
{
    if (h->nwords != n)
        return 0;
    for (size_t i = 0; h->caps && i < n; i++)
        if (((h->caps >> i) & 1) && !d->q[(d->qh + i) % QUEUE].cap)
            return 0;
    if (h->last_len != 0xFF) {
        const token *tk = &d->q[(d->qh + n - 1) % QUEUE];
        size_t sl = tk->stems[choice[n - 1]];
        if (sl != h->last_len || memcmp(tk->fold, h->last_stem, sl) != 0 ||
            !tp_ru_ending_ok((tp_ru_class)h->last_cls, tk->fold + sl, tk->flen - sl))
            return 0;
        n--;
    }
    for (size_t i = 0; i < n; i++) {
        const token *tk = &d->q[(d->qh + i) % QUEUE];
        const mword *w = &AT(ck->words, mword, h->word0 + i);
        size_t sl = tk->stems[choice[i]];
        if (sl != w->len || memcmp(tk->fold, w->stem, sl) != 0)
            return 0;
        if (!tp_ru_ending_ok((tp_ru_class)w->cls, tk->fold + sl, tk->flen - sl))
            return 0;
    }
    return 1;
}

/* The longest match at the head: every term (or rule phrase) of that length. */
typedef struct best {
    size_t n;                /* words matched, 0 for none */
    uint32_t terms[8];
    size_t count;
    int loud;                /* one of them is loud (hit.loud) */
} best;

static void search(tp_check_doc *d, const mtable *tab, size_t depth, uint64_t h, uint8_t *choice,
                   best *b)
{
    const tp_checker *ck = d->ck;
    if (depth >= d->qn || depth >= ck->max_words)
        return;
    const token *tk = &d->q[(d->qh + depth) % QUEUE];
    if (depth > 0 && !tk->joined)
        return;
    for (uint8_t c = 0; c < tk->nstems; c++) {
        uint64_t h2 = window_mix(h, tk->h[c]);
        const slot *s = depth == 0 && tk->looked && tab == &ck->word_tab ? tk->first
                                                                         : table_find(tab, h2);
        if (!s)
            continue;
        choice[depth] = c;
        for (uint32_t hi = s->head; hi != NONE32; hi = AT(ck->hits, hit, hi).next) {
            const hit *x = &AT(ck->hits, hit, hi);
            uint32_t ti = x->term;
            if (!words_fit(ck, x, d, choice, depth + 1))
                continue;
            if (depth + 1 > b->n) {
                b->n = depth + 1;
                b->count = 0;
                b->loud = 0;
            }
            if (depth + 1 == b->n && b->count < 8) {
                b->terms[b->count++] = ti;
                b->loud |= x->loud;
            }
        }
        if (s->prefix)
            search(d, tab, depth + 1, h2, choice, b);
    }
}

static void pop(tp_check_doc *d, size_t n)
{
    d->qh = (d->qh + n) % QUEUE;
    d->qn -= n;
}

/* Misspellings: an unmatched word sequence beginning with a capital, within a small edit
 * distance of a term of the same script. The bloom filter of the terms' one-deletion hashes
 * keeps the store out of it for almost every word of ordinary text. */
typedef struct fuzzy_ctx {
    tp_check_doc *d;
    const char *key;
    size_t nwords;
    int script;
    unsigned max;
    uint32_t best;
    unsigned best_dist;
} fuzzy_ctx;

static int is_prefix(const char *a, const char *b)
{
    size_t n = strlen(a);
    return strncmp(a, b, n) == 0;
}

/* The term with store row id id, or NONE32. The index is made at the first call: most
 * documents never need it, and a large glossary takes a while to index. */
static uint32_t term_of_id(tp_checker *ck, int64_t id)
{
    if (!ck->by_id.cap) {
        for (size_t i = 0; i < ck->terms.count; i++) {
            const mterm *t = &AT(ck->terms, mterm, i);
            slot *s;
            if (t->concept == NONE32)
                continue;
            if (table_get(&ck->by_id, (uint64_t)t->id, &s)) {
                free(ck->by_id.slots);
                memset(&ck->by_id, 0, sizeof ck->by_id);
                return NONE32;
            }
            s->head = (uint32_t)i;
        }
    }
    const slot *s = table_find(&ck->by_id, (uint64_t)id);
    return s ? s->head : NONE32;
}

static int on_fuzzy_hit(void *p, const tp_store_hit *h)
{
    fuzzy_ctx *f = p;
    tp_checker *ck = f->d->ck;
    uint32_t ti = term_of_id(ck, h->term_id);
    if (ti == NONE32)
        return 0;
    const mterm *t = &AT(ck->terms, mterm, ti);
    if (t->script != f->script || t->nwords != f->nwords)
        return 0;
    if (is_prefix(f->key, t->key) || is_prefix(t->key, f->key))
        return 0; /* Russia / Russian, Kuril / Kurils: derivations, not typos */
    unsigned dist = tp_norm_distance(f->key, t->key, f->max);
    if (dist == 0 || dist > f->max)
        return 0;
    if (f->best == NONE32 || dist < f->best_dist ||
        (dist == f->best_dist && t->status < AT(ck->terms, mterm, f->best).status)) {
        f->best = ti;
        f->best_dist = dist;
    }
    return 0;
}

static size_t misspelling(tp_check_doc *d)
{
    tp_checker *ck = d->ck;
    const token *t0 = &d->q[d->qh];
    if (!t0->cap || severity_of(ck, R_MISSPELLING) == TP_SEVERITY_NONE)
        return 0;
    size_t maxw = d->qn < 3 ? d->qn : 3;
    for (size_t w = maxw; w >= 1; w--) {
        char key[3 * (WORD_MAX + 1)];
        size_t kl = 0, ok = 1;
        for (size_t i = 0; i < w; i++) {
            const token *t = &d->q[(d->qh + i) % QUEUE];
            if ((i && !t->joined) || t->script != t0->script) {
                ok = 0;
                break;
            }
            if (i)
                key[kl++] = ' ';
            memcpy(key + kl, t->fold, t->flen);
            kl += t->flen;
        }
        key[kl] = '\0';
        /* A name ends in a capitalised word (Sea of Okhotsk, Kuril Islands); and only terms
         * of w words are looked at. */
        if (!ok || (w > 1 && !d->q[(d->qh + w - 1) % QUEUE].cap) ||
            !(ck->lengths[t0->script] & (1u << (w - 1))))
            continue;
        size_t cps = tp_utf8_count(key, kl);
        if (cps < 6)
            continue;
        uint64_t kh = fnv(key, kl, FNV0) | 1;
        uint64_t *cached = &ck->no_typo[kh % 4096];
        if (*cached == kh)
            continue;
        uint64_t *hs = NULL;
        size_t nh = 0;
        if (tp_norm_fuzzy_hashes(key, &hs, &nh, NULL) != TP_OK)
            return 0;
        size_t keep = 0;
        for (size_t i = 0; i < nh; i++)
            if (bloom_has(ck, bloom_key(hs[i], w)))
                hs[keep++] = hs[i];
        fuzzy_ctx f = {d, key, w, t0->script, cps >= 9 ? 2u : 1u, NONE32, 0};
        if (keep)
            tp_store_probe_fuzzy(ck->store, hs, keep, on_fuzzy_hit, &f, NULL);
        free(hs);
        if (f.best == NONE32) {
            *cached = kh;
            continue;
        }
        const mterm *t = &AT(ck->terms, mterm, f.best);
        const token *tl = &d->q[(d->qh + w - 1) % QUEUE];
        char *found = found_text(d, 0, w);
        const char *sugg = t->status <= TP_TERM_ADMITTED ? t->text : preferred_text(ck, t);
        if (!sugg)
            sugg = t->text;
        const mconcept *c = concept_at(ck, t->concept);
        add_finding(d, tp_check_rules[R_MISSPELLING], severity_of(ck, R_MISSPELLING), t0->line,
                    t0->col, tl->eline, tl->ecol, found ? found : "", sugg, c ? c->ext_id : NULL,
                    "\"%s\" is not in the glossary; did you mean \"%s\"?", found ? found : "",
                    sugg);
        free(found);
        return w;
    }
    return 0;
}

/* A store probe's choice of one term of the matcher (NONE32 until one is chosen). */
typedef struct term_pick {
    tp_checker *ck;
    uint32_t term;
} term_pick;

/* A Russian name in ISO 9 (Ûžno-Kurilʹsk, Kunašir): its Russian romanisation key finds the
 * concept; the spelling is evidence of the scheme for the whole-document check. */

static int on_ru_hit(void *p, const tp_store_hit *h)
{
    term_pick *r = p;
    r->term = term_of_id(r->ck, h->term_id);
    return r->term != NONE32;
}

static size_t iso9_name(tp_check_doc *d)
{
    tp_checker *ck = d->ck;
    const token *t0 = &d->q[d->qh];
    if (t0->script != SC_LATIN || !t0->nonascii || !has_cp(t0->raw, t0->rlen, is_iso9_letter))
        return 0;
    size_t maxw = d->qn < 3 ? d->qn : 3;
    for (size_t w = maxw; w >= 1; w--) {
        int ok = 1;
        for (size_t i = 1; i < w; i++)
            ok &= d->q[(d->qh + i) % QUEUE].joined;
        if (!ok)
            continue;
        char *found = found_text(d, 0, w);
        tp_keyset *keys = NULL;
        term_pick r = {ck, NONE32};
        if (found && tp_norm_keys(ck->norm, found, strlen(found), "ru-Latn", NULL, &keys,
                                  NULL) == TP_OK) {
            for (size_t k = 0; k < keys->count && r.term == NONE32; k++)
                if (keys->keys[k].kind == TP_KEY_RU)
                    tp_store_probe_key(ck->store, TP_KEY_RU, keys->keys[k].text, on_ru_hit, &r,
                                       NULL);
        }
        tp_keyset_free(keys);
        if (r.term == NONE32) {
            free(found);
            continue;
        }
        const mterm *t = &AT(ck->terms, mterm, r.term);
        const mconcept *c = concept_at(ck, t->concept);
        const token *tl = &d->q[(d->qh + w - 1) % QUEUE];
        d->names++;
        if (d->ev_ru.count < EVIDENCE_MAX) {
            evidence *e = vec_push(&d->ev_ru);
            if (!e) {
                d->failed = TP_ERR_NOMEM;
                free(found);
                return w;
            }
            e->kind = 1;
            e->line = t0->line;
            e->col = t0->col;
            e->eline = tl->eline;
            e->ecol = tl->ecol;
            e->found = found;
            found = NULL;
            uint32_t p = preferred_index(ck, t->concept, SC_LATIN);
            e->suggestion = dup_str(p != NONE32 ? AT(ck->terms, mterm, p).text : NULL);
            e->concept = dup_str(c ? c->ext_id : NULL);
        }
        free(found);
        return w;
    }
    return 0;
}

/* A Japanese name in Kunrei-shiki (Kunasiri, Sikotan, Etorohu): its Japanese romanisation key
 * finds the Hepburn term, so it is a romanisation-mix finding, not a misspelling. */
static int on_kunrei_hit(void *p, const tp_store_hit *h)
{
    term_pick *k = p;
    uint32_t ti = term_of_id(k->ck, h->term_id);
    if (ti == NONE32)
        return 0;
    const mterm *t = &AT(k->ck->terms, mterm, ti);
    if (t->script != SC_LATIN || t->status > TP_TERM_ADMITTED)
        return 0;
    /* English before ja-Latn (Shikotan, not Shikotan-tō), then the better status. */
    const mterm *b = k->term == NONE32 ? NULL : &AT(k->ck->terms, mterm, k->term);
    if (!b || t->lang_rank < b->lang_rank ||
        (t->lang_rank == b->lang_rank && t->status < b->status))
        k->term = ti;
    return 0;
}

/* Syllables Kunrei-shiki (and Nihon-shiki) write where Hepburn does not: si ti tu hu zi di du,
 * sy- ty- zy- before a, u, o. s is a folded (lower-case) word. */
static int has_kunrei(const char *s, size_t n)
{
    for (size_t i = 0; i + 1 < n; i++) {
        char c = s[i], x = s[i + 1];
        if ((x == 'i' && (c == 's' || c == 't' || c == 'z' || c == 'd')) ||
            (x == 'u' && (c == 't' || c == 'h' || c == 'd')) ||
            (x == 'y' && (c == 's' || c == 't' || c == 'z') && i + 2 < n &&
             (s[i + 2] == 'a' || s[i + 2] == 'u' || s[i + 2] == 'o')))
            return 1;
    }
    return 0;
}

static size_t kunrei_name(tp_check_doc *d)
{
    tp_checker *ck = d->ck;
    const token *t0 = &d->q[d->qh];
    if (t0->script != SC_LATIN || t0->nonascii || !t0->cap ||
        severity_of(ck, R_ROMAN) == TP_SEVERITY_NONE)
        return 0;
    size_t maxw = d->qn < 3 ? d->qn : 3;
    for (size_t w = maxw; w >= 1; w--) {
        int ok = 1;
        for (size_t i = 1; i < w; i++) {
            const token *t = &d->q[(d->qh + i) % QUEUE];
            ok &= t->joined && t->script == SC_LATIN && !t->nonascii;
        }
        /* A name ends in a capitalised word, and some term has w words, as for misspellings. */
        if (!ok || (w > 1 && !d->q[(d->qh + w - 1) % QUEUE].cap) ||
            !(ck->lengths[SC_LATIN] & (1u << (w - 1))))
            continue;
        int kunrei = 0;
        for (size_t i = 0; i < w && !kunrei; i++) {
            const token *t = &d->q[(d->qh + i) % QUEUE];
            kunrei = has_kunrei(t->fold, t->flen);
        }
        if (!kunrei)
            continue;
        char *found = found_text(d, 0, w);
        if (!found)
            return 0;
        size_t fl = strlen(found);
        uint64_t kh = fnv(found, fl, 0x6b756e726569ULL) | 1;
        uint64_t *cached = &ck->no_typo[kh % 4096];
        if (*cached == kh) {
            free(found);
            continue;
        }
        tp_keyset *keys = NULL;
        term_pick k = {ck, NONE32};
        if (tp_norm_keys(ck->norm, found, fl, "ja-Latn", NULL, &keys, NULL) == TP_OK)
            for (size_t i = 0; i < keys->count; i++)
                if (keys->keys[i].kind == TP_KEY_JA)
                    tp_store_probe_key(ck->store, TP_KEY_JA, keys->keys[i].text, on_kunrei_hit,
                                       &k, NULL);
        tp_keyset_free(keys);
        const mterm *t = k.term == NONE32 ? NULL : &AT(ck->terms, mterm, k.term);
        if (!t || !strcasecmp(t->text, found)) {
            *cached = kh;
            free(found);
            continue;
        }
        const mconcept *c = concept_at(ck, t->concept);
        const token *tl = &d->q[(d->qh + w - 1) % QUEUE];
        d->names++;
        add_finding(d, tp_check_rules[R_ROMAN], severity_of(ck, R_ROMAN), t0->line, t0->col,
                    tl->eline, tl->ecol, found, t->text, c ? c->ext_id : NULL,
                    "\"%s\" is Kunrei-shiki; the glossary writes Japanese names in Hepburn "
                    "(\"%s\")", found, t->text);
        free(found);
        return w;
    }
    return 0;
}

static void ru_bgn_evidence(tp_check_doc *d, const mterm *t, size_t n)
{
    if (!t->bgn || d->ev_ru.count >= EVIDENCE_MAX)
        return;
    char *found = found_text(d, 0, n);
    if (!found)
        return;
    /* Only spellings that ISO 9 would write otherwise count. */
    static const char *const digraphs[] = {"zh", "kh", "ts", "ch", "sh", "ya", "yu", "ye", "yo",
                                           NULL};
    int any = 0;
    char low[3 * (WORD_MAX + SEP_MAX)];
    size_t l = strlen(found);
    if (l >= sizeof low)
        l = sizeof low - 1;
    for (size_t i = 0; i < l; i++)
        low[i] = (found[i] >= 'A' && found[i] <= 'Z') ? (char)(found[i] + 32) : found[i];
    low[l] = '\0';
    for (size_t i = 0; digraphs[i] && !any; i++)
        any = strstr(low, digraphs[i]) != NULL;
    if (!any) {
        free(found);
        return;
    }
    const token *t0 = &d->q[d->qh], *tl = &d->q[(d->qh + n - 1) % QUEUE];
    evidence *e = vec_push(&d->ev_ru);
    if (!e) {
        free(found);
        d->failed = TP_ERR_NOMEM;
        return;
    }
    e->kind = 0;
    e->line = t0->line;
    e->col = t0->col;
    e->eline = tl->eline;
    e->ecol = tl->ecol;
    e->found = found;
    e->concept = dup_str(concept_at(d->ck, t->concept)->ext_id);
}

/* Hepburn with or without macrons: a word written with a macron, or a word the glossary writes
 * with one (Hokkaido for Hokkaidō), written without. */
static void ja_evidence(tp_check_doc *d, const token *t)
{
    const tp_checker *ck = d->ck;
    if (t->script != SC_LATIN || d->ev_ja.count >= EVIDENCE_MAX || !ck->macron.used)
        return;
    int with = t->nonascii && has_cp(t->raw, t->rlen, is_macron_vowel);
    const slot *s = NULL;
    if (!with && !(t->cap && (s = table_find(&ck->macron, fnv(t->fold, t->flen, FNV0)))))
        return;
    evidence *e = vec_push(&d->ev_ja);
    if (!e) {
        d->failed = TP_ERR_NOMEM;
        return;
    }
    e->kind = with ? 0 : 1;
    e->line = t->line;
    e->col = t->col;
    e->eline = t->eline;
    e->ecol = t->ecol;
    char raw[WORD_MAX + 1];
    memcpy(raw, t->raw, t->rlen);
    raw[t->rlen] = '\0';
    e->found = dup_str(raw);
    if (with) {
        /* Without macrons: the letters folded, the case kept. */
        tp_buf b = TP_BUF_INIT;
        for (size_t i = 0; i < t->rlen;) {
            int32_t c = tp_utf8_next(t->raw, t->rlen, &i);
            if (c < 0)
                break;
            static const char from[] = "aeiouAEIOU";
            static const uint32_t mac[] = {0x101, 0x113, 0x12B, 0x14D, 0x16B,
                                           0x100, 0x112, 0x12A, 0x14C, 0x16A};
            static const uint32_t circ[] = {0xE2, 0xEA, 0xEE, 0xF4, 0xFB,
                                            0xC2, 0xCA, 0xCE, 0xD4, 0xDB};
            uint32_t o = (uint32_t)c;
            for (int k = 0; k < 10; k++)
                if (o == mac[k] || o == circ[k])
                    o = (uint32_t)from[k];
            tp_buf_put_cp(&b, o);
        }
        char *out = NULL;
        if (tp_buf_take(&b, &out) == TP_OK)
            e->suggestion = out;
        tp_buf_free(&b);
    } else {
        /* With macrons: the word as the glossary term writes it. */
        const mterm *m = &AT(ck->terms, mterm, s->head);
        const char *p = m->text;
        size_t n = strlen(p);
        char w[WORD_MAX + 1];
        tp_buf tmp = TP_BUF_INIT;
        for (size_t i = 0; i < n;) {
            size_t j = i;
            while (j < n && p[j] != ' ' && p[j] != '-')
                j++;
            size_t wl = fold_word(d->ck, p + i, j - i, w, &tmp);
            if (wl == t->flen && !memcmp(w, t->fold, wl)) {
                char *sugg = malloc(j - i + 1);
                if (sugg) {
                    memcpy(sugg, p + i, j - i);
                    sugg[j - i] = '\0';
                    /* Keep the text's capital. */
                    e->suggestion = sugg;
                }
                break;
            }
            i = j + 1;
        }
        tp_buf_free(&tmp);
    }
}

/* Matches at the head of the queue and pops what it consumed. */
static void match_head(tp_check_doc *d)
{
    tp_checker *ck = d->ck;
    if (d->q[d->qh].inert) {
        pop(d, 1);
        return;
    }
    uint8_t choice[MAX_WORDS];
    best b = {0, {0}, 0, 0}, r = {0, {0}, 0, 0};
    search(d, &ck->word_tab, 0, FNV0, choice, &b);
    if (ck->rule_tab.used)
        search(d, &ck->rule_tab, 0, FNV0, choice, &r);
    size_t n = b.n > r.n ? b.n : r.n;
    if (n > 0 && r.n == 0 && b.count == 1 && !d->seg_role && !b.loud) {
        /* A name in good standing that no whole-document rule needs: counted, and its words
         * are still romanisation evidence. */
        d->names++;
        for (size_t i = 0; i < n; i++)
            ja_evidence(d, &d->q[(d->qh + i) % QUEUE]);
        pop(d, n);
        return;
    }
    if (n == 0) {
        size_t w = iso9_name(d);
        if (!w)
            w = kunrei_name(d);
        if (!w)
            w = misspelling(d);
        if (!w) {
            ja_evidence(d, &d->q[d->qh]);
            w = 1;
        }
        pop(d, w);
        return;
    }
    const token *t0 = &d->q[d->qh], *tl = &d->q[(d->qh + n - 1) % QUEUE];
    char *found = found_text(d, 0, n);
    if (!found) {
        d->failed = TP_ERR_NOMEM;
        pop(d, n);
        return;
    }
    if (b.n == n) {
        /* The best of the terms with equal keys, now that the text found is known. */
        uint32_t ti = b.terms[0];
        for (size_t i = 1; i < b.count; i++)
            if (better(&AT(ck->terms, mterm, b.terms[i]), &AT(ck->terms, mterm, ti), found))
                ti = b.terms[i];
        term_match(d, ti, t0->line, t0->col, tl->eline, tl->ecol, t0->sentence, found);
        ru_bgn_evidence(d, &AT(ck->terms, mterm, ti), n);
    }
    if (r.n == n)
        for (size_t i = 0; i < r.count; i++)
            rule_match(d, &AT(ck->terms, mterm, r.terms[i]), t0->line, t0->col, tl->eline,
                       tl->ecol, t0->sentence, found);
    for (size_t i = 0; i < n; i++)
        ja_evidence(d, &d->q[(d->qh + i) % QUEUE]);
    free(found);
    pop(d, n);
}

static void drain(tp_check_doc *d, size_t keep)
{
    while (d->qn > keep)
        match_head(d);
}

/* ---- Japanese runs ---- */

static void ja_match(tp_check_doc *d)
{
    tp_checker *ck = d->ck;
    size_t n = d->ja_n;
    if (!n)
        return;
    d->ja_n = 0;
    if (!ck->ja_max && !ck->rule_tab.used)
        return;
    /* ICU word boundaries, mapped to code point indexes. */
    unsigned char *bound = calloc(n + 1, 1);
    size_t *cp_at = malloc((n * 2 + 1) * sizeof *cp_at);
    if (!bound || !cp_at) {
        free(bound);
        free(cp_at);
        d->failed = TP_ERR_NOMEM;
        return;
    }
    int32_t ul = 0;
    for (size_t i = 0; i < n; i++) {
        cp_at[ul] = i;
        /* ICU segments the text as written: its dictionary knows 泊まる, not 泊マル. */
        U16_APPEND_UNSAFE(d->u16, ul, (UChar32)d->ja_raw[i]);
        if (d->ja_raw[i] > 0xFFFF)
            cp_at[ul - 1] = i;
    }
    cp_at[ul] = n;
    UErrorCode uerr = U_ZERO_ERROR;
    ubrk_setText(d->brk, d->u16, ul, &uerr);
    if (U_SUCCESS(uerr)) {
        for (int32_t p = ubrk_first(d->brk); p != UBRK_DONE; p = ubrk_next(d->brk))
            bound[cp_at[p]] = 1;
    } else {
        memset(bound, 1, n + 1);
    }
    for (size_t i = 0; i < n;) {
        if (!bound[i]) {
            i++;
            continue;
        }
        size_t maxl = n - i < JA_TERM_MAX ? n - i : JA_TERM_MAX;
        uint64_t hs[JA_TERM_MAX + 1];
        uint64_t h = FNV0;
        for (size_t l = 1; l <= maxl; l++) {
            h = fnv(&d->ja[i + l - 1], sizeof(uint32_t), h);
            hs[l] = h;
        }
        size_t got = 0;
        uint32_t term = NONE32;
        uint32_t rules[8];
        size_t nrules = 0;
        for (size_t l = maxl; l >= 1 && !got; l--) {
            if (!bound[i + l])
                continue;
            for (int pass = 0; pass < 2; pass++) {
                const slot *s = table_find(pass ? &ck->rule_tab : &ck->ja_tab, hs[l]);
                for (uint32_t hi = s ? s->head : NONE32; hi != NONE32;
                     hi = AT(ck->hits, hit, hi).next) {
                    uint32_t ti = AT(ck->hits, hit, hi).term;
                    const mterm *t = &AT(ck->terms, mterm, ti);
                    if (t->script != SC_JA || tp_utf8_count(t->key, strlen(t->key)) != l)
                        continue;
                    /* Verify against the folded text. */
                    size_t ki = 0, kl = strlen(t->key), m = 0;
                    int same = 1;
                    while (ki < kl && m < l) {
                        int32_t c = tp_utf8_next(t->key, kl, &ki);
                        if (c < 0 || (uint32_t)c != d->ja[i + m++]) {
                            same = 0;
                            break;
                        }
                    }
                    if (!same)
                        continue;
                    got = l;
                    if (pass && nrules < 8)
                        rules[nrules++] = ti;
                    else if (!pass && (term == NONE32 ||
                                       t->status < AT(ck->terms, mterm, term).status))
                        term = ti;
                }
            }
        }
        if (!got) {
            i++;
            continue;
        }
        tp_buf b = TP_BUF_INIT;
        for (size_t k = 0; k < got; k++)
            tp_buf_put_cp(&b, d->ja_raw[i + k]);
        char *found = NULL;
        if (tp_buf_take(&b, &found) != TP_OK)
            found = NULL;
        tp_buf_free(&b);
        if (found) {
            if (term != NONE32)
                term_match(d, term, d->ja_line[i], d->ja_col[i], d->ja_line[i + got - 1],
                           d->ja_ecol[i + got - 1], d->sentence, found);
            for (size_t k = 0; k < nrules; k++)
                rule_match(d, &AT(ck->terms, mterm, rules[k]), d->ja_line[i], d->ja_col[i],
                           d->ja_line[i + got - 1], d->ja_ecol[i + got - 1], d->sentence, found);
        }
        free(found);
        i += got;
    }
    free(bound);
    free(cp_at);
}

/* ---- the tokenizer ---- */

static int is_word_cp(uint32_t c)
{
    if (c < 0x80)
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    tp_script s = tp_utf8_script(c);
    if (s == TP_SCRIPT_LATIN || s == TP_SCRIPT_CYRILLIC)
        return 1;
    return (c >= 0x300 && c <= 0x36F) || (c >= 0x2B0 && c <= 0x2FF) || u_isalnum((UChar32)c);
}

static int is_apostrophe(uint32_t c)
{
    return c == '\'' || c == 0x2019 || c == 0x02BC;
}

static int is_soft_sep(uint32_t c)
{
    return c == ' ' || c == '\t' || c == '-' || (c >= 0x2010 && c <= 0x2015) || c == 0x00A0 ||
           c == 0x00B7 || c == 0x2212 || c == 0x3000 || c == 0x202F;
}

static int is_sentence_end(uint32_t c)
{
    return c == '.' || c == '!' || c == '?' || c == 0x3002 || c == 0xFF01 || c == 0xFF1F ||
           c == 0x2026 || c == ';';
}

#if defined(__GNUC__)
#define PREFETCH(p) __builtin_prefetch(p)
#else
#define PREFETCH(p) ((void)(p))
#endif

/* Looks a queued word up as a name's first word, and fetches the hit it leads to. */
static void look_ahead(const tp_checker *ck, token *t)
{
    if (t->looked || t->nstems != 1)
        return;
    t->looked = 1;
    t->first = table_find(&ck->word_tab, window_mix(FNV0, t->h[0]));
    if (t->first && t->first->head != NONE32)
        PREFETCH(&AT(ck->hits, hit, t->first->head));
}

static void end_word(tp_check_doc *d)
{
    if (!d->wlen)
        return;
    tp_checker *ck = d->ck;
    /* Trailing apostrophes are closing quotes; "'s" is the English possessive. */
    while (d->wlen && (d->wraw[d->wlen - 1] == '\'' ||
                       (d->wlen >= 3 && (unsigned char)d->wraw[d->wlen - 1] == 0x99 &&
                        !memcmp(d->wraw + d->wlen - 3, "\xE2\x80\x99", 3)))) {
        d->wlen -= d->wraw[d->wlen - 1] == '\'' ? 1 : 3;
        d->wecol--;
    }
    size_t fl_raw = d->wlen;
    if (d->wscript == SC_LATIN && d->wlen > 2 && (d->wraw[d->wlen - 1] == 's' &&
                                                  d->wraw[d->wlen - 2] == '\''))
        fl_raw -= 2;
    else if (d->wscript == SC_LATIN && d->wlen > 4 && d->wraw[d->wlen - 1] == 's' &&
             !memcmp(d->wraw + d->wlen - 4, "\xE2\x80\x99", 3))
        fl_raw -= 4;
    if (!d->wlen || d->wlong) {
        d->wlen = 0;
        d->wlong = 0;
        d->hard = 1;
        return;
    }
    if (d->qn == QUEUE)
        match_head(d);
    token *t = &d->q[(d->qh + d->qn) % QUEUE];
    size_t fl = 0;
    if (!d->wnonascii) {
        /* fold_word's ASCII case, inline: this runs for nearly every word of English text. */
        for (size_t i = 0; i < fl_raw; i++) {
            char c = d->wraw[i];
            if (c == '\'' || c == '`')
                continue;
            t->fold[fl++] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
        }
    } else {
        fl = fold_word(ck, d->wraw, fl_raw, t->fold, &d->tmp);
    }
    if (fl == FOLD_NOMEM)
        d->failed = TP_ERR_NOMEM;
    if (fl == (size_t)-1 || fl == FOLD_NOMEM || fl == 0 || fl > 255) {
        d->wlen = 0;
        d->hard = 1;
        return;
    }
    t->flen = (uint8_t)fl;
    memcpy(t->raw, d->wraw, d->wlen);
    t->rlen = (uint8_t)d->wlen;
    memcpy(t->sep, d->sep, d->slen);
    t->slen = (uint8_t)d->slen;
    t->script = (uint8_t)d->wscript;
    t->joined = !d->hard && d->qn > 0;
    t->nonascii = (uint8_t)d->wnonascii;
    if ((unsigned char)d->wraw[0] < 0x80) {
        t->cap = d->wraw[0] >= 'A' && d->wraw[0] <= 'Z';
    } else {
        size_t i = 0;
        int32_t c0 = tp_utf8_next(d->wraw, d->wlen, &i);
        t->cap = c0 > 0 && u_isupper(c0);
    }
    t->line = d->wline;
    t->col = d->wcol;
    t->eline = d->weline;
    t->ecol = d->wecol;
    t->sentence = d->sentence;
    size_t stems[4];
    size_t ns = 1;
    stems[0] = fl;
    if (t->script == SC_CYRILLIC)
        ns = tp_ru_stems(t->fold, fl, stems);
    t->nstems = (uint8_t)ns;
    for (size_t k = 0; k < ns; k++) {
        t->stems[k] = (uint8_t)stems[k];
        t->h[k] = fnv(t->fold, stems[k], FNV0);
    }
    /* Most words of a text start nothing: no name starts with them, and in lower-case ASCII
     * they are no misspelling and no romanisation evidence either. At the head of the queue
     * such a word needs no lookahead, so it is let go at once, and when the queue is empty it
     * is never queued (English text then runs through an almost empty queue). */
    t->inert = !t->cap && !t->nonascii && ns == 1 && !ck->rule_tab.used &&
               !table_find(&ck->word_tab, window_mix(FNV0, t->h[0]));
    t->looked = 0;
    if (!t->inert || d->qn > 0) {
        /* With a large glossary the slot of a name's first word, and then its hit, are each
         * a cache miss: they are fetched ahead, the slot now and the hit two words later,
         * while the words that decide the longest match are read. */
        if (d->qn > 1)
            look_ahead(ck, &d->q[(d->qh + d->qn - 2) % QUEUE]);
        if (ns == 1 && ck->word_tab.cap)
            PREFETCH(&ck->word_tab.slots[window_mix(FNV0, t->h[0]) & (ck->word_tab.cap - 1)]);
        d->qn++;
    }
    d->wlen = 0;
    d->hard = 0;
    d->slen = 0;
    d->newlines = 0;
    /* Enough held back to choose the longest match at the head: the longest term, and three
     * words for the misspelling and romanisation checks. Nothing runs across a hard break, so
     * a word after one lets everything before it be matched at once. */
    size_t ahead = ck->max_words > 3 ? ck->max_words : 3;
    if (d->qn > 1 && !d->q[(d->qh + d->qn - 1) % QUEUE].joined)
        drain(d, 1);
    else if (d->qn > ahead)
        match_head(d);
    while (d->qn && d->q[d->qh].inert)
        pop(d, 1);
}

static void hard_break(tp_check_doc *d)
{
    d->hard = 1;
}

void tp_check_gap(tp_check_doc *d, int sentence)
{
    end_word(d);
    ja_match(d);
    hard_break(d);
    if (sentence)
        d->sentence++;
}

/* ---- bilingual documents ---- */

/* The script whose terms a language is written in, by its primary subtag. */
static uint8_t lang_script(const char *lang)
{
    for (int s = 0; s < 3; s++) {
        size_t n = strlen(script_lang[s]);
        if (lang && !strncasecmp(lang, script_lang[s], n) &&
            (lang[n] == '\0' || lang[n] == '-' || lang[n] == '_'))
            return (uint8_t)s;
    }
    return SC_NONE;
}

static unsigned long letters(const tp_check_doc *d)
{
    return d->letters[0] + d->letters[1] + d->letters[2];
}

void tp_check_segment(tp_check_doc *d, int role, const char *lang)
{
    /* A name ends with its segment: what is held back is matched now, so that it lands in the
     * segment it was read in. */
    end_word(d);
    ja_match(d);
    drain(d, 0);
    hard_break(d);
    d->sentence++;
    if (d->seg_role && d->nsegs)
        d->segs[d->nsegs - 1].text = letters(d) > d->seg_letters;
    d->seg_role = TP_SEG_NONE;
    if (role == TP_SEG_NONE || d->nsegs == UNIT_SEG_MAX)
        return; /* past the limit a segment is checked as plain text */
    unit_seg *g = &d->segs[d->nsegs++];
    g->role = (uint8_t)role;
    g->script = lang_script(lang);
    g->text = 0;
    d->seg_role = role;
    d->seg_letters = letters(d);
}

/* The key-term check of one unit, as CAT tools and Xbench make it: a name in the source wants
 * the glossary's term of the target's language in the target, and a target that translates it
 * with a deprecated, superseded or forbidden term is told the preferred one. */
static void key_terms(tp_check_doc *d)
{
    const tp_checker *ck = d->ck;
    const unit_occ *u = d->unit.items;
    size_t n = d->unit.count;
    for (size_t i = 0; i < n; i++) {
        const unit_seg *g = &d->segs[u[i].seg];
        if (g->role != TP_SEG_TARGET)
            continue;
        const mterm *t = &AT(ck->terms, mterm, u[i].term);
        int rule = status_rule(t);
        if (rule < 0)
            continue;
        const unit_occ *src = NULL;
        for (size_t k = 0; k < n && !src; k++)
            if (d->segs[u[k].seg].role == TP_SEG_SOURCE && u[k].concept == u[i].concept)
                src = &u[k];
        if (!src) {
            status_finding(d, t, u[i].line, u[i].col, u[i].eline, u[i].ecol, u[i].found);
            continue;
        }
        const mconcept *c = concept_at(ck, t->concept);
        uint32_t p = preferred_index(ck, t->concept, g->script);
        const char *pref = p != NONE32 ? AT(ck->terms, mterm, p).text : preferred_text(ck, t);
        /* By default as severe as the status is in running text. */
        tp_severity sev = ck->house.builtin[R_KEY_DEPRECATED] ? severity_of(ck, R_KEY_DEPRECATED)
                                                              : severity_of(ck, rule);
        const char *status = tp_term_status_name((tp_term_status)t->status);
        if (pref)
            add_finding(d, tp_check_rules[R_KEY_DEPRECATED], sev, u[i].line, u[i].col,
                        u[i].eline, u[i].ecol, u[i].found, pref, c->ext_id,
                        "\"%s\" translates \"%s\" (line %lu) with a %s term; use \"%s\"",
                        u[i].found, src->found, src->line, status, pref);
        else
            add_finding(d, tp_check_rules[R_KEY_DEPRECATED], sev, u[i].line, u[i].col,
                        u[i].eline, u[i].ecol, u[i].found, NULL, c->ext_id,
                        "\"%s\" translates \"%s\" (line %lu) with a %s term", u[i].found,
                        src->found, src->line, status);
    }
    for (size_t i = 0; i < n; i++) {
        if (d->segs[u[i].seg].role != TP_SEG_SOURCE || u[i].concept == NONE32)
            continue;
        int again = 0;
        for (size_t k = 0; k < i && !again; k++)
            again = d->segs[u[k].seg].role == TP_SEG_SOURCE && u[k].concept == u[i].concept;
        if (again)
            continue; /* one finding a place a unit */
        const mconcept *c = concept_at(ck, u[i].concept);
        for (size_t s = 0; s < d->nsegs; s++) {
            const unit_seg *g = &d->segs[s];
            uint32_t p = preferred_index(ck, u[i].concept, g->script);
            if (g->role != TP_SEG_TARGET || !g->text || p == NONE32)
                continue; /* untranslated, or a language the glossary has no terms in */
            /* Any name of the place in the target's script will do here; one in bad standing
             * has had its own finding above. */
            int found = 0;
            for (size_t k = 0; k < n && !found; k++)
                found = u[k].seg == s && u[k].concept == u[i].concept &&
                        AT(ck->terms, mterm, u[k].term).script == g->script;
            if (found)
                continue;
            const char *pref = AT(ck->terms, mterm, p).text;
            add_finding(d, tp_check_rules[R_KEY_MISSING], severity_of(ck, R_KEY_MISSING),
                        u[i].line, u[i].col, u[i].eline, u[i].ecol, u[i].found, pref, c->ext_id,
                        "the target lacks \"%s\", the glossary's %s term for \"%s\"", pref,
                        script_name[g->script], u[i].found);
        }
    }
}

static void unit_clear(tp_check_doc *d)
{
    for (size_t i = 0; i < d->unit.count; i++)
        free(AT(d->unit, unit_occ, i).found);
    d->unit.count = 0;
    d->nsegs = 0;
}

void tp_check_unit_end(tp_check_doc *d)
{
    tp_check_segment(d, TP_SEG_NONE, NULL);
    key_terms(d);
    unit_clear(d);
}

static void put_cp(tp_check_doc *d, uint32_t c, unsigned long line, unsigned long col,
                   unsigned long ecol)
{
    if (c < 0x80 && !d->ja_n && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                                 (c >= '0' && c <= '9'))) {
        /* The common case, an ASCII letter inside a word, without the general path. */
        if (d->wlen == 0) {
            d->wscript = SC_LATIN;
            d->wline = line;
            d->wcol = col;
            d->wlong = 0;
            d->wnonascii = 0;
        }
        d->letters[SC_LATIN] += c >= 'A';
        if (d->wlen + 1 > WORD_MAX)
            d->wlong = 1;
        else
            d->wraw[d->wlen++] = (char)c;
        d->weline = line;
        d->wecol = ecol;
        return;
    }
    if (c >= 0x80 && is_ja_char(c)) {
        end_word(d);
        if (d->ja_n == 0)
            hard_break(d);
        if (d->ja_n == JA_RUN_MAX)
            ja_match(d);
        d->letters[SC_JA]++;
        d->ja[d->ja_n] = fold_ja(c);
        d->ja_raw[d->ja_n] = c;
        d->newlines = 0;
        d->ja_line[d->ja_n] = line;
        d->ja_col[d->ja_n] = col;
        d->ja_ecol[d->ja_n] = ecol;
        d->ja_n++;
        return;
    }
    if (d->ja_n) {
        ja_match(d);
        hard_break(d);
    }
    int apostrophe = is_apostrophe(c) && d->wlen > 0;
    if (is_word_cp(c) || apostrophe) {
        tp_script s = tp_utf8_script(c);
        int sc = s == TP_SCRIPT_CYRILLIC ? SC_CYRILLIC : SC_LATIN;
        if (d->wlen == 0) {
            d->wscript = sc;
            d->wline = line;
            d->wcol = col;
            d->wlong = 0;
            d->wnonascii = 0;
        } else if (s == TP_SCRIPT_CYRILLIC || s == TP_SCRIPT_LATIN) {
            if (sc != d->wscript && d->wscript == SC_LATIN && s == TP_SCRIPT_CYRILLIC)
                d->wscript = SC_CYRILLIC;
        }
        if (s == TP_SCRIPT_LATIN)
            d->letters[SC_LATIN]++;
        else if (s == TP_SCRIPT_CYRILLIC)
            d->letters[SC_CYRILLIC]++;
        char u[4];
        size_t n;
        if (c < 0x80) { u[0] = (char)c; n = 1; }
        else if (c < 0x800) { u[0] = (char)(0xC0 | (c >> 6)); u[1] = (char)(0x80 | (c & 0x3F)); n = 2; }
        else if (c < 0x10000) { u[0] = (char)(0xE0 | (c >> 12)); u[1] = (char)(0x80 | ((c >> 6) & 0x3F)); u[2] = (char)(0x80 | (c & 0x3F)); n = 3; }
        else { u[0] = (char)(0xF0 | (c >> 18)); u[1] = (char)(0x80 | ((c >> 12) & 0x3F)); u[2] = (char)(0x80 | ((c >> 6) & 0x3F)); u[3] = (char)(0x80 | (c & 0x3F)); n = 4; }
        d->wnonascii |= c >= 0x80;
        if (d->wlen + n > WORD_MAX)
            d->wlong = 1;
        else {
            memcpy(d->wraw + d->wlen, u, n);
            d->wlen += n;
        }
        d->weline = line;
        d->wecol = ecol;
        return;
    }
    end_word(d);
    if (c == '\n') {
        if (++d->newlines >= 2) {
            hard_break(d);
            d->sentence++;
        }
        c = ' ';
    }
    if (is_soft_sep(c) || c == '\n') {
        if (d->slen + 4 <= SEP_MAX) {
            /* Keep the separator as written (hyphen, space), a newline as a space. */
            if (c < 0x80)
                d->sep[d->slen++] = (char)c;
            else
                d->sep[d->slen++] = ' ';
        }
        return;
    }
    hard_break(d);
    if (is_sentence_end(c))
        d->sentence++;
}

static int is_ascii_alnum(unsigned char c)
{
    return (unsigned)((c | 0x20) - 'a') < 26 || (unsigned)(c - '0') < 10;
}

tp_status tp_check_text_at(tp_check_doc *d, const char *s, size_t len, unsigned long line,
                           unsigned long col)
{
    const tp_checker *ck = d->ck;
    /* Whole lower-case words may be let go as they are read (see below) when nothing is held
     * back and no house rule could start with them. */
    int let_go = !ck->rule_tab.used;
    for (size_t i = 0; i < len;) {
        unsigned char b = (unsigned char)s[i];
        if (!d->ja_n && is_ascii_alnum(b)) {
            /* A run of ASCII letters and digits: put_cp's first case, a run at a time, folded
             * (for letters and digits, lower case is bit 0x20) and hashed as it is read. */
            size_t j = i + 1;
            unsigned long upper = b >= 'A';
            uint64_t h = (FNV0 ^ (b | 0x20u)) * 0x100000001b3ULL;
            while (j < len && is_ascii_alnum((unsigned char)s[j])) {
                unsigned char c = (unsigned char)s[j++];
                upper += c >= 'A';
                h = (h ^ (c | 0x20u)) * 0x100000001b3ULL;
            }
            size_t n = j - i;
            /* Most words of a text are whole lower-case words that start no name: when the
             * queue is empty, such a word would be dropped by end_word as soon as it was read
             * (it is inert), so it is dropped here without being copied. What follows it must
             * end it: ASCII other than an apostrophe (a non-ASCII letter or apostrophe could
             * continue it). */
            if (let_go && d->wlen == 0 && d->qn == 0 && j < len && b >= 'a' && n <= WORD_MAX &&
                (unsigned char)s[j] < 0x80 && s[j] != '\'' &&
                !table_find(&ck->word_tab, window_mix(FNV0, h))) {
                d->letters[SC_LATIN] += upper;
                d->hard = 0;
                d->slen = 0;
                d->newlines = 0;
                col += n;
                i = j;
                continue;
            }
            if (d->wlen == 0) {
                d->wscript = SC_LATIN;
                d->wline = line;
                d->wcol = col;
                d->wlong = 0;
                d->wnonascii = 0;
            }
            d->letters[SC_LATIN] += upper;
            if (d->wlen + n > WORD_MAX) {
                d->wlong = 1;
            } else {
                memcpy(d->wraw + d->wlen, s + i, n);
                d->wlen += n;
            }
            col += n;
            d->weline = line;
            d->wecol = col;
            i = j;
            continue;
        }
        if (b == ' ' && !d->ja_n) {
            /* put_cp's way with a space: the word ends, the space is a soft separator. */
            end_word(d);
            if (d->slen + 4 <= SEP_MAX)
                d->sep[d->slen++] = ' ';
            col++;
            i++;
            continue;
        }
        int32_t c = tp_utf8_next(s, len, &i);
        if (c < 0)
            return TP_ERR_INPUT;
        put_cp(d, (uint32_t)c, line, col, col + 1);
        col++;
    }
    return d->failed;
}

tp_status tp_check_cp_at(tp_check_doc *d, uint32_t cp, unsigned long line, unsigned long col,
                         unsigned long width)
{
    put_cp(d, cp, line, col, col + width);
    return d->failed;
}

/* Validates a line as tp_utf8_check does (no NUL, no bad sequence) and counts its code points in
 * the same pass. Returns 0, or the 1-based offset of the first bad byte. */
static size_t check_count(const char *s, size_t n, size_t *count)
{
    size_t i = 0, cps = 0;
    while (i < n) {
        uint64_t w;
        if (i + 8 <= n && (memcpy(&w, s + i, 8),
                           ((w | (w - 0x0101010101010101ULL)) & 0x8080808080808080ULL) == 0)) {
            /* Eight bytes of ASCII other than NUL (a byte 0 or above 0x7F sets its top bit
             * in w or in w - 1; a borrow only runs on from a byte 0). */
            i += 8;
            cps += 8;
            continue;
        }
        if ((unsigned char)s[i] - 1u < 0x7Fu) {
            i++;
            cps++;
            continue;
        }
        size_t at = i;
        if (tp_utf8_next(s, n, &i) <= 0)
            return at + 1;
        cps++;
    }
    *count = cps;
    return 0;
}

/* One whole line (its newline cut off): validated, read, and ended by its newline. */
static tp_status feed_line(tp_check_doc *d, const char *s, size_t len, tp_error *err)
{
    if (len && s[len - 1] == '\r')
        len--;
    size_t cps = 0;
    size_t bad = check_count(s, len, &cps);
    if (bad) {
        unsigned long col = (unsigned long)tp_utf8_count(s, bad - 1) + 1;
        return tp_error_at(err, TP_ERR_INPUT, d->name, d->lineno, col,
                           "invalid UTF-8 (byte 0x%02x)", (unsigned)(unsigned char)s[bad - 1]);
    }
    tp_status st = tp_reader_line(&d->reader, d, s, len, d->lineno);
    if (!st && !tp_reader_holding(&d->reader))
        st = tp_check_cp_at(d, '\n', d->lineno, (unsigned long)cps + 1, 1);
    if (st)
        return st == TP_ERR_NOMEM ? tp_error_nomem(err)
                                  : tp_error_at(err, st, d->name, d->lineno, 0, "%s",
                                                tp_strerror(st));
    return TP_OK;
}

tp_status tp_check_feed(tp_check_doc *d, const char *data, size_t len, tp_error *err)
{
    const char *end = data + len;
    while (data < end) {
        const char *nl = memchr(data, '\n', (size_t)(end - data));
        size_t n = nl ? (size_t)(nl - data) : (size_t)(end - data);
        if (d->line.len + n > LINE_MAX_BYTES)
            return tp_error_at(err, TP_ERR_INPUT, d->name, d->lineno + 1, 0,
                               "line longer than %zu bytes", LINE_MAX_BYTES);
        if (!nl || d->line.len) {
            /* Only a line split across chunks is copied; whole lines are read in place. */
            if (tp_buf_append(&d->line, data, n))
                return tp_error_nomem(err);
            if (!nl)
                break;
        }
        d->lineno++;
        tp_status st = d->line.len ? feed_line(d, d->line.data, d->line.len, err)
                                   : feed_line(d, data, n, err);
        tp_buf_reset(&d->line);
        if (st)
            return st;
        data = nl + 1;
    }
    return TP_OK;
}

/* ---- the whole-document rules ---- */

static void inconsistency(tp_check_doc *d)
{
    tp_checker *ck = d->ck;
    size_t n = d->occs.count;
    occ *o = d->occs.items;
    unsigned char *done = calloc(n ? n : 1, 1);
    if (!done) {
        d->failed = TP_ERR_NOMEM;
        return;
    }
    for (size_t i = 0; i < n; i++) {
        if (done[i])
            continue;
        /* Every occurrence of this concept in this script, and the count per side. */
        unsigned long count[6] = {0};
        size_t first[6];
        for (size_t k = 0; k < 6; k++)
            first[k] = n;
        for (size_t j = i; j < n; j++) {
            if (o[j].concept != o[i].concept || o[j].script != o[i].script)
                continue;
            done[j] = 1;
            count[o[j].side]++;
            if (first[o[j].side] == n)
                first[o[j].side] = j;
        }
        int major = o[i].side;
        for (int s = 0; s < 6; s++)
            if (count[s] > count[major] || (count[s] == count[major] && first[s] < first[major]))
                major = s;
        /* A house that prefers one of the names keeps to its side, whatever the count. */
        uint32_t hp = preferred_index(ck, o[i].concept, o[i].script);
        if (hp != NONE32 && house_prefers(ck, hp) && AT(ck->terms, mterm, hp).side < 6 &&
            count[AT(ck->terms, mterm, hp).side])
            major = AT(ck->terms, mterm, hp).side;
        const occ *ref = &o[first[major]];
        const mterm *rt = &AT(ck->terms, mterm, ref->term);
        const mconcept *c = concept_at(ck, o[i].concept);
        /* A name used on one side only, of a place both sides name officially: its first
         * use must pair it with the other side's name. */
        uint8_t sides = c->sides[o[i].script];
        int disputed = (sides & (1u << SIDE_JA)) && (sides & (1u << SIDE_RU));
        int reported[6] = {0};
        for (size_t j = i; j < n; j++) {
            if (o[j].concept != o[i].concept || o[j].script != o[i].script || o[j].paired)
                continue;
            const mterm *t = &AT(ck->terms, mterm, o[j].term);
            if (disputed && (o[j].side == SIDE_JA || o[j].side == SIDE_RU) &&
                t->status != TP_TERM_PREFERRED && !house_prefers(ck, o[j].term) &&
                !reported[o[j].side] && first[o[j].side] == j) {
                reported[o[j].side] = 1;
                const char *pref = preferred_text(ck, t);
                /* The other side's name: the first term of the other side in this script. */
                const char *other = NULL;
                int want = o[j].side == SIDE_JA ? SIDE_RU : SIDE_JA;
                for (size_t k = 0; k < ck->terms.count && !other; k++) {
                    const mterm *x = &AT(ck->terms, mterm, k);
                    if (x->concept == t->concept && x->script == t->script && x->side == want)
                        other = x->text;
                }
                const char *usage = t->usage ? t->usage : side_name(o[j].side);
                if (other && pref && strcmp(other, pref) != 0)
                    add_finding(d, tp_check_rules[R_UNPAIRED], severity_of(ck, R_UNPAIRED),
                                o[j].line, o[j].col, o[j].eline, o[j].ecol, o[j].found, pref,
                                c->ext_id,
                                "\"%s\" is %s only; name the other side's \"%s\" with it, or "
                                "use \"%s\"", o[j].found, usage, other, pref);
                else
                    add_finding(d, tp_check_rules[R_UNPAIRED], severity_of(ck, R_UNPAIRED),
                                o[j].line, o[j].col, o[j].eline, o[j].ecol, o[j].found,
                                other ? other : pref, c->ext_id,
                                "\"%s\" is %s only; name the other side's \"%s\" with it",
                                o[j].found, usage, other ? other : pref ? pref : "?");
                continue;
            }
            if (o[j].side == major)
                continue;
            add_finding(d, tp_check_rules[R_INCONSISTENT], severity_of(ck, R_INCONSISTENT),
                        o[j].line, o[j].col, o[j].eline, o[j].ecol, o[j].found, rt->text,
                        c->ext_id,
                        "\"%s\" (%s) and \"%s\" (line %lu) name the same place; keep to one, or "
                        "pair them in one sentence", o[j].found,
                        t->usage ? t->usage : side_name(o[j].side), ref->found, ref->line);
        }
    }
    free(done);
}

static void romanisation(tp_check_doc *d, vec *ev, int wanted, const char *what,
                         const char *const names[2])
{
    tp_checker *ck = d->ck;
    size_t count[2] = {0, 0}, first[2] = {ev->count, ev->count};
    for (size_t i = 0; i < ev->count; i++) {
        int k = AT(*ev, evidence, i).kind;
        count[k]++;
        if (first[k] == ev->count)
            first[k] = i;
    }
    int report;
    if (wanted >= 0)
        report = !wanted;               /* the house says which: the other is reported */
    else if (count[0] && count[1])
        report = count[1] < count[0] || (count[1] == count[0] && first[1] > first[0]) ? 1 : 0;
    else
        return;
    if (!count[report])
        return;
    const evidence *ref = count[!report] ? &AT(*ev, evidence, first[!report]) : NULL;
    for (size_t i = 0; i < ev->count; i++) {
        const evidence *e = &AT(*ev, evidence, i);
        if (e->kind != report)
            continue;
        if (ref)
            add_finding(d, tp_check_rules[R_ROMAN], severity_of(ck, R_ROMAN), e->line, e->col,
                        e->eline, e->ecol, e->found, e->suggestion, e->concept,
                        "\"%s\" is %s, but this text writes %s %s (\"%s\", line %lu)%s",
                        e->found, names[report], what, names[!report], ref->found, ref->line,
                        wanted >= 0 ? ", as the house style asks" : "");
        else
            add_finding(d, tp_check_rules[R_ROMAN], severity_of(ck, R_ROMAN), e->line, e->col,
                        e->eline, e->ecol, e->found, e->suggestion, e->concept,
                        "\"%s\" is %s; the house style writes %s %s", e->found, names[report],
                        what, names[!report]);
    }
}

static void gloss_rules(tp_check_doc *d)
{
    const tp_house *h = &d->ck->house;
    for (size_t r = 0; r < h->rule_count; r++) {
        const tp_rule *rule = &h->rules[r];
        gloss_state *g = &d->gloss[r];
        if (rule->kind != TP_RULE_GLOSS_FIRST || !g->seen || g->satisfied)
            continue;
        if (rule->message)
            add_finding(d, rule->id, rule->severity, g->line, g->col, g->eline, g->ecol, g->found,
                        rule->replace, NULL, "%s", rule->message);
        else
            add_finding(d, rule->id, rule->severity, g->line, g->col, g->eline, g->ecol, g->found,
                        rule->replace, NULL,
                        "the first \"%s\" must be glossed in its sentence", g->found);
    }
}

static int cmp_finding(const void *a, const void *b)
{
    const tp_finding *x = a, *y = b;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    if (x->column != y->column)
        return x->column < y->column ? -1 : 1;
    return strcmp(x->rule, y->rule);
}

static void free_doc(tp_check_doc *d)
{
    unit_clear(d);
    free(d->unit.items);
    for (size_t i = 0; i < d->occs.count; i++)
        free(AT(d->occs, occ, i).found);
    for (int k = 0; k < 2; k++) {
        vec *v = k ? &d->ev_ru : &d->ev_ja;
        for (size_t i = 0; i < v->count; i++) {
            free(AT(*v, evidence, i).found);
            free(AT(*v, evidence, i).suggestion);
            free(AT(*v, evidence, i).concept);
        }
        free(v->items);
    }
    for (size_t i = 0; d->gloss && i < d->ck->house.rule_count; i++)
        free(d->gloss[i].found);
    free(d->gloss);
    free(d->occs.items);
    free(d->suppress.items);
    free(d->name);
    free(d->ja);
    free(d->ja_raw);
    free(d->ja_line);
    free(d->ja_col);
    free(d->ja_ecol);
    free(d->u16);
    if (d->brk)
        ubrk_close(d->brk);
    tp_buf_free(&d->line);
    tp_buf_free(&d->tmp);
    tp_reader_free(&d->reader);
    free(d);
}

void tp_check_abort(tp_check_doc *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->findings.count; i++) {
        tp_finding *f = &AT(d->findings, tp_finding, i);
        free(f->message);
        free(f->found);
        free(f->suggestion);
        free(f->concept);
    }
    free(d->findings.items);
    free_doc(d);
}

tp_status tp_check_end(tp_check_doc *d, tp_findings **out, tp_error *err)
{
    tp_status st = TP_OK;
    if (d->line.len) {
        /* The last line had no newline. */
        st = tp_check_feed(d, "\n", 1, err);
        if (st) {
            tp_check_abort(d);
            return st;
        }
    }
    if ((st = tp_reader_end(&d->reader, d))) {
        tp_check_abort(d);
        return tp_error_set(err, st, "cannot check: %s", tp_strerror(st));
    }
    if (d->nsegs)
        tp_check_unit_end(d); /* a file that ends inside a unit */
    end_word(d);
    ja_match(d);
    drain(d, 0);
    inconsistency(d);
    static const char *const ja_names[2] = {"Hepburn with macrons", "Hepburn without macrons"};
    static const char *const ru_names[2] = {"BGN/PCGN", "ISO 9"};
    romanisation(d, &d->ev_ja, d->ck->house.japanese_macrons < 0 ? -1
                                   : d->ck->house.japanese_macrons ? 0 : 1,
                 "Japanese names in", ja_names);
    romanisation(d, &d->ev_ru, d->ck->house.russian_scheme == TP_SCHEME_BGN_PCGN ? 0
                               : d->ck->house.russian_scheme == TP_SCHEME_ISO9   ? 1
                                                                                 : -1,
                 "Russian names in", ru_names);
    gloss_rules(d);
    if (d->failed) {
        st = d->failed;
        tp_check_abort(d);
        return tp_error_set(err, st, "cannot check: %s", tp_strerror(st));
    }
    tp_findings *f = calloc(1, sizeof *f);
    if (!f) {
        tp_check_abort(d);
        return tp_error_nomem(err);
    }
    /* Suppressed findings go; the rest are sorted by position. */
    size_t keep = 0;
    for (size_t i = 0; i < d->findings.count; i++) {
        tp_finding *x = &AT(d->findings, tp_finding, i);
        if (suppressed(d, x)) {
            free(x->message);
            free(x->found);
            free(x->suggestion);
            free(x->concept);
            continue;
        }
        AT(d->findings, tp_finding, keep++) = *x;
    }
    f->items = d->findings.items;
    f->count = keep;
    if (keep)
        qsort(f->items, keep, sizeof *f->items, cmp_finding);
    f->names = d->names;
    if (d->lang_fixed) {
        snprintf(f->lang, sizeof f->lang, "%s", d->lang);
    } else {
        int top = -1;
        unsigned long most = 0;
        for (int s = 0; s < 3; s++)
            if (d->letters[s] > most) {
                most = d->letters[s];
                top = s;
            }
        if (top >= 0)
            snprintf(f->lang, sizeof f->lang, "%s", script_lang[top]);
    }
    d->findings.items = NULL;
    free_doc(d);
    *out = f;
    return TP_OK;
}

tp_status tp_check_text(tp_checker *ck, const char *name, tp_check_format format,
                        const char *lang, const char *text, size_t len, tp_findings **out,
                        tp_error *err)
{
    tp_check_doc *d = NULL;
    tp_status st = tp_check_begin(ck, name, format, lang, &d, err);
    if (st)
        return st;
    if ((st = tp_check_feed(d, text, len, err))) {
        tp_check_abort(d);
        return st;
    }
    return tp_check_end(d, out, err);
}

void tp_findings_free(tp_findings *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->count; i++) {
        free(f->items[i].message);
        free(f->items[i].found);
        free(f->items[i].suggestion);
        free(f->items[i].concept);
    }
    free(f->items);
    free(f);
}

const char *tp_severity_name(tp_severity s)
{
    switch (s) {
    case TP_SEVERITY_ERROR: return "error";
    case TP_SEVERITY_WARNING: return "warning";
    case TP_SEVERITY_INFO: return "info";
    case TP_SEVERITY_NONE: return "off";
    }
    return "unknown";
}

tp_status tp_severity_parse(const char *name, tp_severity *out)
{
    static const struct {
        const char *name;
        tp_severity sev;
    } names[] = {{"error", TP_SEVERITY_ERROR}, {"warning", TP_SEVERITY_WARNING},
                 {"info", TP_SEVERITY_INFO},   {"off", TP_SEVERITY_NONE},
                 {"none", TP_SEVERITY_NONE}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcasecmp(name, names[i].name)) {
            *out = names[i].sev;
            return TP_OK;
        }
    return TP_ERR_ARG;
}

tp_check_format tp_check_format_guess(const char *name)
{
    const char *dot = name ? strrchr(name, '.') : NULL;
    if (!dot)
        return TP_CHECK_TEXT;
    static const struct {
        const char *ext;
        tp_check_format format;
    } ext[] = {{".md", TP_CHECK_MARKDOWN},   {".markdown", TP_CHECK_MARKDOWN},
               {".html", TP_CHECK_HTML},     {".htm", TP_CHECK_HTML},
               {".xhtml", TP_CHECK_HTML},    {".xml", TP_CHECK_XML},
               {".xlf", TP_CHECK_XML},       {".xliff", TP_CHECK_XML},
               {".tmx", TP_CHECK_XML},       {".tbx", TP_CHECK_XML}};
    for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++)
        if (!strcasecmp(dot, ext[i].ext))
            return ext[i].format;
    return TP_CHECK_TEXT;
}
