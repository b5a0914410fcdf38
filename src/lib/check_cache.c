/* The checker's matcher saved in the store and loaded from it (tp_store_image_*): building it
 * from 200,000 terms (reading them, folding, hashing, the misspelling filter) takes most of a
 * second, loading its image a small part of that. The image is this build's memory layout, with
 * pointers as offsets into one pool of strings; it is rebuilt when the glossary changes (the
 * store drops it) or when it was saved by another layout, ICU or image version. */
#define _DEFAULT_SOURCE /* madvise */
#include "check_int.h"
#include "error_int.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unicode/uversion.h>

#define IMAGE_MAGIC 0x7470696DU /* "tpim" in this machine's byte order */
/* Raise when the matcher's layout, or the way terms are folded, split or hashed, changes. */
#define IMAGE_VERSION 2
#define CHUNK 1024              /* records converted at a time */

typedef struct image_head {
    uint32_t magic;
    uint32_t version;
    uint32_t sizes[6];          /* mterm, mword, mconcept, hit, slot, pointer: this layout's */
    char icu[16];               /* U_ICU_VERSION: ICU folded the terms not in ASCII */
    uint64_t pool, terms, words, concepts, hits, bloom_words;
    uint64_t cap[3], used[3];   /* word_tab, ja_tab, macron */
    uint32_t max_words, ja_max;
    uint8_t lengths[2];
    uint8_t pad[6];
} image_head;

static size_t align8(size_t n)
{
    return (n + 7) & ~(size_t)7;
}

static void head_layout(image_head *h)
{
    memset(h, 0, sizeof *h);
    h->magic = IMAGE_MAGIC;
    h->version = IMAGE_VERSION;
    h->sizes[0] = sizeof(mterm);
    h->sizes[1] = sizeof(mword);
    h->sizes[2] = sizeof(mconcept);
    h->sizes[3] = sizeof(hit);
    h->sizes[4] = sizeof(slot);
    h->sizes[5] = sizeof(char *);
    strncpy(h->icu, U_ICU_VERSION, sizeof h->icu - 1);
}

/* The sections in their order, each starting on 8 bytes: their sizes in bytes. */
enum { S_POOL, S_TERMS, S_WORDS, S_CONCEPTS, S_HITS, S_TAB0, S_TAB1, S_TAB2, S_BLOOM, S_COUNT };

static size_t sections(const image_head *h, size_t size[S_COUNT])
{
    size[S_POOL] = h->pool;
    size[S_TERMS] = h->terms * sizeof(mterm);
    size[S_WORDS] = h->words * sizeof(mword);
    size[S_CONCEPTS] = h->concepts * sizeof(mconcept);
    size[S_HITS] = h->hits * sizeof(hit);
    for (int t = 0; t < 3; t++)
        size[S_TAB0 + t] = h->cap[t] * sizeof(slot);
    size[S_BLOOM] = h->bloom_words * sizeof(uint64_t);
    size_t total = align8(sizeof *h);
    for (int i = 0; i < S_COUNT; i++)
        total += align8(size[i]);
    return total;
}

#define HUGE_PAGE ((size_t)2 << 20)

void *tp_check_table_alloc(size_t n)
{
#ifdef MADV_HUGEPAGE
    /* The hash tables and hits of a large glossary are probed at random, a cache miss each;
     * in 4 KB pages each is a TLB miss as well. On 2 MB pages their few megabytes stay in
     * the TLB. */
    if (n >= HUGE_PAGE) {
        void *p = NULL;
        size_t size = (n + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
        if (posix_memalign(&p, HUGE_PAGE, size) != 0)
            return NULL;
        madvise(p, size, MADV_HUGEPAGE);
        return p;
    }
#endif
    return malloc(n ? n : 1);
}

/* ---- saving ---- */

typedef struct saver {
    tp_checker *ck;
    image_head head;
    arena_block **blocks;       /* the arena's blocks by address, for turning pointers into */
    size_t *base;               /* offsets: each block's place in the pool */
    size_t nblocks;
    size_t last;                /* the block the previous pointer was in */
} saver;

static int by_address(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t)*(arena_block *const *)a, y = (uintptr_t)*(arena_block *const *)b;
    return x < y ? -1 : x > y;
}

/* A pointer into the arena as its offset in the pool plus one; 0 for NULL. */
static uintptr_t offset_of(saver *sv, const char *p)
{
    if (!p)
        return 0;
    uintptr_t a = (uintptr_t)p;
    const arena_block *b = sv->blocks[sv->last];
    if (a < (uintptr_t)b->data || a >= (uintptr_t)b->data + b->used) {
        size_t lo = 0, hi = sv->nblocks;
        while (hi - lo > 1) {
            size_t mid = (lo + hi) / 2;
            if ((uintptr_t)sv->blocks[mid] <= a)
                lo = mid;
            else
                hi = mid;
        }
        sv->last = lo;
        b = sv->blocks[lo];
    }
    return sv->base[sv->last] + (uintptr_t)(p - b->data) + 1;
}

static void put_ptr(const char **field, uintptr_t v)
{
    memcpy(field, &v, sizeof v);
}

/* Writes n records of one section, converted a chunk at a time by conv (from, to, count). */
static tp_status write_records(saver *sv, tp_store_image *im, const void *items, size_t n,
                               size_t size, size_t *at,
                               void (*conv)(saver *, const void *, void *, size_t),
                               tp_error *err)
{
    char *chunk = malloc(CHUNK * size);
    if (!chunk)
        return tp_error_nomem(err);
    tp_status st = TP_OK;
    for (size_t i = 0; i < n && !st; i += CHUNK) {
        size_t k = n - i < CHUNK ? n - i : CHUNK;
        /* Zeroed, so that no padding byte of the records reaches the file unset. */
        memset(chunk, 0, k * size);
        conv(sv, (const char *)items + i * size, chunk, k);
        st = tp_store_image_write(im, chunk, k * size, *at + i * size, err);
    }
    free(chunk);
    *at += align8(n * size);
    return st;
}

static void conv_terms(saver *sv, const void *from, void *to, size_t n)
{
    const mterm *f = from;
    mterm *t = to;
    for (size_t i = 0; i < n; i++) {
        t[i].concept = f[i].concept;
        t[i].word0 = f[i].word0;
        t[i].rule = f[i].rule;
        t[i].nwords = f[i].nwords;
        t[i].status = f[i].status;
        t[i].side = f[i].side;
        t[i].script = f[i].script;
        t[i].role = f[i].role;
        t[i].bgn = f[i].bgn;
        t[i].lang_rank = f[i].lang_rank;
        t[i].caps = f[i].caps;
        t[i].id = f[i].id;
        put_ptr(&t[i].text, offset_of(sv, f[i].text));
        put_ptr(&t[i].lang, offset_of(sv, f[i].lang));
        put_ptr(&t[i].usage, offset_of(sv, f[i].usage));
        put_ptr(&t[i].key, offset_of(sv, f[i].key));
    }
}

static void conv_words(saver *sv, const void *from, void *to, size_t n)
{
    const mword *f = from;
    mword *t = to;
    for (size_t i = 0; i < n; i++) {
        put_ptr(&t[i].stem, offset_of(sv, f[i].stem));
        t[i].len = f[i].len;
        t[i].cls = f[i].cls;
    }
}

static void conv_concepts(saver *sv, const void *from, void *to, size_t n)
{
    const mconcept *f = from;
    mconcept *t = to;
    for (size_t i = 0; i < n; i++) {
        put_ptr(&t[i].ext_id, offset_of(sv, f[i].ext_id));
        t[i].id = f[i].id;
        memcpy(t[i].preferred, f[i].preferred, sizeof t[i].preferred);
        memcpy(t[i].sides, f[i].sides, sizeof t[i].sides);
    }
}

static tp_status write_image(void *ctx, tp_store_image *im, tp_error *err)
{
    saver *sv = ctx;
    tp_checker *ck = sv->ck;
    size_t at = 0;
    tp_status st = tp_store_image_write(im, &sv->head, sizeof sv->head, at, err);
    at += align8(sizeof sv->head);
    for (size_t i = 0; i < sv->nblocks && !st; i++)
        st = tp_store_image_write(im, sv->blocks[i]->data, sv->blocks[i]->used,
                                  at + sv->base[i], err);
    at += align8(sv->head.pool);
    if (!st)
        st = write_records(sv, im, ck->terms.items, ck->terms.count, sizeof(mterm), &at,
                           conv_terms, err);
    if (!st)
        st = write_records(sv, im, ck->words.items, ck->words.count, sizeof(mword), &at,
                           conv_words, err);
    if (!st)
        st = write_records(sv, im, ck->concepts.items, ck->concepts.count, sizeof(mconcept),
                           &at, conv_concepts, err);
    const void *plain[] = {ck->hits.items, ck->word_tab.slots, ck->ja_tab.slots,
                           ck->macron.slots, ck->bloom};
    size_t size[S_COUNT];
    sections(&sv->head, size);
    for (int i = 0; i < 5 && !st; i++) {
        if (size[S_HITS + i])
            st = tp_store_image_write(im, plain[i], size[S_HITS + i], at, err);
        at += align8(size[S_HITS + i]);
    }
    return st;
}

tp_status tp_matcher_save(tp_checker *ck, int64_t stamp, tp_error *err)
{
    saver sv = {ck, {0}, NULL, NULL, 0, 0};
    head_layout(&sv.head);
    for (arena_block *b = ck->arena; b; b = b->next)
        sv.nblocks++;
    if (!sv.nblocks)
        return TP_OK;
    sv.blocks = malloc(sv.nblocks * sizeof *sv.blocks);
    sv.base = malloc(sv.nblocks * sizeof *sv.base);
    if (!sv.blocks || !sv.base) {
        free(sv.blocks);
        free(sv.base);
        return tp_error_nomem(err);
    }
    size_t i = 0;
    for (arena_block *b = ck->arena; b; b = b->next)
        sv.blocks[i++] = b;
    qsort(sv.blocks, sv.nblocks, sizeof *sv.blocks, by_address);
    for (i = 0; i < sv.nblocks; i++) {
        sv.base[i] = sv.head.pool;
        sv.head.pool += sv.blocks[i]->used;
    }
    sv.head.terms = ck->terms.count;
    sv.head.words = ck->words.count;
    sv.head.concepts = ck->concepts.count;
    sv.head.hits = ck->hits.count;
    sv.head.bloom_words = ck->bloom ? ck->bloom_words : 0;
    const mtable *tabs[3] = {&ck->word_tab, &ck->ja_tab, &ck->macron};
    for (int t = 0; t < 3; t++) {
        sv.head.cap[t] = tabs[t]->cap;
        sv.head.used[t] = tabs[t]->used;
    }
    sv.head.max_words = ck->max_words;
    sv.head.ja_max = ck->ja_max;
    memcpy(sv.head.lengths, ck->lengths, sizeof sv.head.lengths);
    size_t size[S_COUNT];
    tp_status st = tp_store_image_save(ck->store, TP_MATCHER_IMAGE, stamp, sections(&sv.head, size),
                                       write_image, &sv, err);
    free(sv.blocks);
    free(sv.base);
    return st;
}

/* ---- loading ---- */

/* An offset plus one read from the image, back to a pointer into the pool; NULL for 0. Sets
 * *bad when it points outside the pool or needs room for more bytes than are left. */
static const char *pointer_at(const char *const *field, const arena_block *pool, size_t need,
                              int *bad)
{
    uintptr_t v;
    memcpy(&v, field, sizeof v);
    if (!v)
        return NULL;
    if (v - 1 >= pool->used || pool->used - (v - 1) < need + 1) {
        *bad = 1;
        return NULL;
    }
    return pool->data + (v - 1);
}

/* Nonzero when a table's slots are sound: a power-of-two size with an empty slot (so that a
 * probe ends), and every chain head below limit. */
static int table_ok(const mtable *t, uint32_t limit)
{
    if (!t->cap)
        return 1;
    if (t->cap & (t->cap - 1))
        return 0;
    size_t empty = 0;
    for (size_t i = 0; i < t->cap; i++) {
        const slot *s = &t->slots[i];
        if (!s->key)
            empty++;
        else if (s->head != NONE32 && s->head >= limit)
            return 0;
    }
    return empty > 0;
}

/* Checks every index of the loaded matcher and turns its offsets into pointers. */
static int resolve(tp_checker *ck, const arena_block *pool)
{
    int bad = 0;
    size_t nt = ck->terms.count, nw = ck->words.count, nc = ck->concepts.count;
    size_t nh = ck->hits.count;
    for (size_t i = 0; i < nt && !bad; i++) {
        mterm *t = &AT(ck->terms, mterm, i);
        t->text = pointer_at(&t->text, pool, 0, &bad);
        t->lang = pointer_at(&t->lang, pool, 0, &bad);
        t->usage = pointer_at(&t->usage, pool, 0, &bad);
        t->key = pointer_at(&t->key, pool, 0, &bad);
        bad |= !t->text || !t->lang || !t->key || t->concept >= nc || t->script > 2 ||
               t->nwords > MAX_WORDS || t->word0 > nw || nw - t->word0 < t->nwords;
    }
    for (size_t i = 0; i < nw && !bad; i++) {
        mword *w = &AT(ck->words, mword, i);
        w->stem = pointer_at(&w->stem, pool, w->len, &bad);
        bad |= !w->stem;
    }
    for (size_t i = 0; i < nc && !bad; i++) {
        mconcept *c = &AT(ck->concepts, mconcept, i);
        c->ext_id = pointer_at(&c->ext_id, pool, 0, &bad);
        bad |= !c->ext_id;
        for (int k = 0; k < 3; k++)
            bad |= c->preferred[k] != NONE32 && c->preferred[k] >= nt;
    }
    for (size_t i = 0; i < nh && !bad; i++) {
        const hit *h = &AT(ck->hits, hit, i);
        /* A chain runs to earlier hits only, so it always ends. */
        bad |= h->term >= nt || (h->next != NONE32 && h->next >= i) || h->word0 > nw ||
               nw - h->word0 < h->nwords || (h->last_len > HIT_STEM && h->last_len != 0xFF);
    }
    bad |= !table_ok(&ck->word_tab, (uint32_t)nh) || !table_ok(&ck->ja_tab, (uint32_t)nh) ||
           !table_ok(&ck->macron, (uint32_t)nt);
    bad |= (ck->bloom_words & (ck->bloom_words - 1)) != 0;
    bad |= ck->max_words > MAX_WORDS || ck->ja_max > JA_TERM_MAX;
    return !bad;
}

static void unload(tp_checker *ck)
{
    void *arrays[] = {ck->terms.items, ck->words.items, ck->concepts.items, ck->hits.items,
                      ck->word_tab.slots, ck->ja_tab.slots, ck->macron.slots, ck->bloom};
    for (size_t i = 0; i < sizeof arrays / sizeof arrays[0]; i++)
        free(arrays[i]);
    ck->terms.items = ck->words.items = ck->concepts.items = ck->hits.items = NULL;
    ck->terms.count = ck->words.count = ck->concepts.count = ck->hits.count = 0;
    ck->terms.cap = ck->words.cap = ck->concepts.cap = ck->hits.cap = 0;
    mtable *tabs[3] = {&ck->word_tab, &ck->ja_tab, &ck->macron};
    for (int t = 0; t < 3; t++)
        memset(tabs[t], 0, sizeof *tabs[t]);
    ck->bloom = NULL;
    ck->bloom_words = 0;
    ck->max_words = ck->ja_max = 0;
    memset(ck->lengths, 0, sizeof ck->lengths);
    free(ck->arena);
    ck->arena = NULL;
}

tp_status tp_matcher_load(tp_checker *ck, tp_store_image *im, size_t len)
{
    image_head h, want;
    head_layout(&want);
    if (len < sizeof h || tp_store_image_read(im, &h, sizeof h, 0, NULL))
        return TP_ERR_INPUT;
    size_t size[S_COUNT];
    /* Counts first, so that no size below can overflow: at most what the image could hold. */
    if (h.magic != want.magic || h.version != want.version ||
        memcmp(h.sizes, want.sizes, sizeof h.sizes) || memcmp(h.icu, want.icu, sizeof h.icu) ||
        h.pool == 0 || h.pool > len || h.terms > len || h.words > len || h.concepts > len ||
        h.hits > len || h.bloom_words > len || h.cap[0] > len || h.cap[1] > len ||
        h.cap[2] > len || sections(&h, size) != len || h.terms >= NONE32 || h.hits >= NONE32)
        return TP_ERR_INPUT;
    arena_block *pool = malloc(sizeof *pool + h.pool);
    if (!pool)
        return TP_ERR_NOMEM;
    pool->next = NULL;
    pool->used = pool->cap = h.pool;
    ck->arena = pool;
    void **dest[S_COUNT] = {NULL, &ck->terms.items, &ck->words.items, &ck->concepts.items,
                            &ck->hits.items, (void **)&ck->word_tab.slots,
                            (void **)&ck->ja_tab.slots, (void **)&ck->macron.slots,
                            (void **)&ck->bloom};
    size_t at = align8(sizeof h);
    tp_status st = tp_store_image_read(im, pool->data, h.pool, at, NULL);
    at += align8(h.pool);
    for (int i = S_TERMS; i < S_COUNT && !st; i++) {
        if (size[i]) {
            if (!(*dest[i] = tp_check_table_alloc(size[i])))
                st = TP_ERR_NOMEM;
            else
                st = tp_store_image_read(im, *dest[i], size[i], at, NULL);
        }
        at += align8(size[i]);
    }
    if (!st) {
        ck->terms.count = ck->terms.cap = h.terms;
        ck->words.count = ck->words.cap = h.words;
        ck->concepts.count = ck->concepts.cap = h.concepts;
        ck->hits.count = ck->hits.cap = h.hits;
        mtable *tabs[3] = {&ck->word_tab, &ck->ja_tab, &ck->macron};
        for (int t = 0; t < 3; t++) {
            tabs[t]->cap = h.cap[t];
            tabs[t]->used = h.used[t];
        }
        ck->bloom_words = h.bloom_words;
        ck->max_words = h.max_words;
        ck->ja_max = h.ja_max;
        memcpy(ck->lengths, h.lengths, sizeof ck->lengths);
        if (pool->data[h.pool - 1] != '\0' || !resolve(ck, pool))
            st = TP_ERR_INPUT;
    }
    if (st)
        unload(ck);
    return st;
}
