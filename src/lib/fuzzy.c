/* Typo tolerance on fold keys: the one-deletion neighbourhood (hashes stored and probed by the
 * store's index) and a bounded Damerau edit distance to confirm the candidates it yields. */
#include "toponym/norm.h"
#include "error_int.h"
#include "utf8_int.h"

#include <stdlib.h>
#include <string.h>

#define FUZZY_MIN 4
#define FUZZY_MAX 40

/* FNV-1a over the code points of s with position skip left out; the top bit is cleared so the
 * hash fits SQLite's signed 64-bit integers unchanged. */
static uint64_t hash_without(const uint32_t *cps, size_t n, size_t skip)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < n; i++) {
        if (i == skip)
            continue;
        for (int k = 0; k < 4; k++) {
            h ^= (cps[i] >> (8 * k)) & 0xFF;
            h *= 0x100000001b3ULL;
        }
    }
    return h & 0x7FFFFFFFFFFFFFFFULL;
}

static size_t decode(const char *s, uint32_t *cps, size_t max)
{
    size_t n = 0, len = strlen(s);
    for (size_t i = 0; i < len && n < max;) {
        int32_t c = tp_utf8_next(s, len, &i);
        if (c < 0)
            break;
        cps[n++] = (uint32_t)c;
    }
    return n;
}

tp_status tp_norm_fuzzy_hashes(const char *key, uint64_t **out, size_t *count, tp_error *err)
{
    uint32_t cps[FUZZY_MAX + 1];
    size_t n = decode(key, cps, FUZZY_MAX + 1);
    *out = NULL;
    *count = 0;
    if (n < FUZZY_MIN || n > FUZZY_MAX)
        return TP_OK;
    /* One kanji apart is another place (沢藤村, 崎藤村), not a typo: no neighbours for them. */
    for (size_t i = 0; i < n; i++)
        if (tp_utf8_script(cps[i]) == TP_SCRIPT_HAN)
            return TP_OK;
    uint64_t *h = malloc((n + 1) * sizeof *h);
    if (!h)
        return tp_error_nomem(err);
    size_t m = 0;
    h[m++] = hash_without(cps, n, n);
    for (size_t i = 0; i < n; i++) {
        /* Deleting either of two equal neighbours gives the same string: hash it once. */
        if (i > 0 && cps[i] == cps[i - 1])
            continue;
        h[m++] = hash_without(cps, n, i);
    }
    *out = h;
    *count = m;
    return TP_OK;
}

unsigned tp_norm_distance(const char *a, const char *b, unsigned max)
{
    uint32_t x[FUZZY_MAX + 1], y[FUZZY_MAX + 1];
    size_t n = decode(a, x, FUZZY_MAX + 1), m = decode(b, y, FUZZY_MAX + 1);
    if ((n > m ? n - m : m - n) > max)
        return max + 1;
    /* Three rows of the optimal-string-alignment table. */
    unsigned rows[3][FUZZY_MAX + 2];
    unsigned *prev2 = rows[0], *prev = rows[1], *cur = rows[2];
    for (size_t j = 0; j <= m; j++)
        prev[j] = (unsigned)j;
    for (size_t i = 1; i <= n; i++) {
        cur[0] = (unsigned)i;
        unsigned best = cur[0];
        for (size_t j = 1; j <= m; j++) {
            unsigned cost = x[i - 1] != y[j - 1];
            unsigned v = prev[j - 1] + cost;
            if (prev[j] + 1 < v)
                v = prev[j] + 1;
            if (cur[j - 1] + 1 < v)
                v = cur[j - 1] + 1;
            if (i > 1 && j > 1 && x[i - 1] == y[j - 2] && x[i - 2] == y[j - 1] &&
                prev2[j - 2] + 1 < v)
                v = prev2[j - 2] + 1;
            cur[j] = v;
            if (v < best)
                best = v;
        }
        if (best > max)
            return max + 1;
        unsigned *t = prev2;
        prev2 = prev;
        prev = cur;
        cur = t;
    }
    return prev[m];
}
