/* Memory for data read at random, in large amounts, for a while and then let go of all at once:
 * the hash tables and index lists a translation-memory import builds before its commit. Each
 * piece is placed on 2 MB boundaries and asked for huge pages, as a probe of such a table is a
 * cache miss and, on 4 KB pages, a TLB miss as well. Internal to the library. */
#ifndef TP_POOL_INT_H
#define TP_POOL_INT_H

#include <stddef.h>

/* A zeroed block of bytes (any size; from 2 MB on it gets huge pages), or NULL when out of
 * memory. *base is what tp_huge_free takes back. Made with calloc, so allocation failures are
 * tested as any other (tests/fault). */
void *tp_huge_calloc(size_t bytes, void **base);
void tp_huge_free(void *base);

/* Blocks of 32 << k bytes (k < TP_POOL_CLASSES), cut from pieces of at least 32 MB (or piece).
 * A block given back is kept for the next request of its size; memory returns to the system
 * only with tp_pool_free. Not thread-safe: one pool per thread. Zero-initialise a tp_pool
 * before use. */
#define TP_POOL_CLASSES 23            /* 32 bytes to 128 MB */

typedef struct tp_pool {
    void **pieces;                    /* the bases of the pieces, for tp_pool_free */
    size_t count, cap;
    unsigned char *cur;               /* the unused end of the newest piece */
    size_t left;
    unsigned char *spare[TP_POOL_CLASSES]; /* blocks given back, chained through their start */
    size_t held;                      /* bytes of the pieces */
    size_t piece;                     /* the least a piece holds; 0: 32 MB (kept by free) */
} tp_pool;

/* A block of 32 << k bytes, not zeroed, or NULL when out of memory. */
unsigned char *tp_pool_get(tp_pool *p, unsigned k);

/* Gives back a block of 32 << k bytes got from p. */
void tp_pool_put(tp_pool *p, unsigned char *block, unsigned k);

/* Frees every piece; p is empty (and usable) again. */
void tp_pool_free(tp_pool *p);

#endif
