/* Huge-page memory for an import's tables and index lists (pool_int.h). */
#define _DEFAULT_SOURCE /* madvise */
#include "pool_int.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define HUGE_PAGE ((size_t)2 << 20)
#define PIECE_MIN ((size_t)32 << 20)

void *tp_huge_calloc(size_t bytes, void **base)
{
    if (bytes < HUGE_PAGE) {
        *base = calloc(1, bytes ? bytes : 1);
        return *base;
    }
    /* Room to start on a 2 MB boundary. A block this large comes from mmap, already zeroed and
     * not yet touched, so the huge pages are made as it is first written. */
    unsigned char *p = calloc(1, bytes + HUGE_PAGE);
    *base = p;
    if (!p)
        return NULL;
    unsigned char *a =
        (unsigned char *)(((uintptr_t)p + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1));
#ifdef MADV_HUGEPAGE
    madvise(a, bytes & ~(HUGE_PAGE - 1), MADV_HUGEPAGE);
#endif
    return a;
}

void tp_huge_free(void *base)
{
    free(base);
}

/* A spare block holds the next spare of its size in its first bytes. */
static unsigned char *next_spare(const unsigned char *block)
{
    unsigned char *next;
    memcpy(&next, block, sizeof next);
    return next;
}

/* Splits what is left of the newest piece into spare blocks, largest first. */
static void keep_rest(tp_pool *p)
{
    for (unsigned k = TP_POOL_CLASSES; k-- > 0;)
        while (p->left >= (size_t)32 << k) {
            tp_pool_put(p, p->cur, k);
            p->cur += (size_t)32 << k;
            p->left -= (size_t)32 << k;
        }
}

unsigned char *tp_pool_get(tp_pool *p, unsigned k)
{
    if (k >= TP_POOL_CLASSES)
        return NULL;
    size_t size = (size_t)32 << k;
    unsigned char *b = p->spare[k];
    if (b) {
        p->spare[k] = next_spare(b);
        return b;
    }
    if (size > p->left) {
        if (p->count == p->cap) {
            size_t cap = p->cap ? p->cap * 2 : 16;
            void **n = realloc(p->pieces, cap * sizeof *n);
            if (!n)
                return NULL;
            p->pieces = n;
            p->cap = cap;
        }
        size_t least = p->piece ? p->piece : PIECE_MIN;
        size_t piece = size > least ? size : least;
        void *base;
        unsigned char *a = tp_huge_calloc(piece, &base);
        if (!a)
            return NULL;
        keep_rest(p);
        p->pieces[p->count++] = base;
        p->held += piece;
        p->cur = a;
        p->left = piece;
    }
    b = p->cur;
    p->cur += size;
    p->left -= size;
    return b;
}

void tp_pool_put(tp_pool *p, unsigned char *block, unsigned k)
{
    unsigned char *next = p->spare[k];
    memcpy(block, &next, sizeof next);
    p->spare[k] = block;
}

void tp_pool_free(tp_pool *p)
{
    for (size_t i = 0; i < p->count; i++)
        tp_huge_free(p->pieces[i]);
    free(p->pieces);
    size_t piece = p->piece;
    memset(p, 0, sizeof *p);
    p->piece = piece;
}
