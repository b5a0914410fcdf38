/* bench_tm: the library side of the translation-memory benchmark (driven by bench/tm.sh).
 *   bench_tm DB QUERIES [FROM TO]
 * QUERIES holds "original TAB query" lines. Each query goes through tp_tm_find (limit 1) and
 * tp_tm_terms_in, as `toponym tm match` does, in one process with one normaliser: prints the
 * median and 90th percentile of each in ms of wall time, the median of tp_tm_find in ms of CPU
 * time (the steadier figure on a shared machine) and the share of queries whose best match is
 * the original segment, so a speed-up that changes results shows. Only the public API is used. */
#include <toponym/toponym.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define QUERIES_MAX 10000
#define LINE_MAX_BYTES 4096

static double ms(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double pct(double *v, size_t n, double p)
{
    qsort(v, n, sizeof *v, cmp_double);
    return n ? v[(size_t)(p * (double)(n - 1) + 0.5)] : 0;
}

int main(int argc, char **argv)
{
    if (argc != 3 && argc != 5) {
        fprintf(stderr, "usage: bench_tm DB QUERIES [FROM TO]\n");
        return 2;
    }
    tp_error err;
    tp_norm *norm = NULL;
    tp_store *store = NULL;
    if (tp_norm_new(&norm, &err) ||
        tp_store_open(argv[1], TP_STORE_READONLY | TP_STORE_NOCREATE, norm, &store, &err)) {
        fprintf(stderr, "bench_tm: %s\n", err.message);
        tp_norm_free(norm);
        return 2;
    }
    FILE *f = fopen(argv[2], "r");
    if (!f) {
        perror(argv[2]);
        return 2;
    }
    tp_tm_match_opts o = {argc == 5 ? argv[3] : "en", argc == 5 ? argv[4] : "ja", NULL, 0, 1};
    static double find_ms[QUERIES_MAX], terms_ms[QUERIES_MAX], find_cpu_ms[QUERIES_MAX];
    size_t n = 0, found = 0;
    char line[LINE_MAX_BYTES];
    while (n < QUERIES_MAX && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        char *tab = strchr(line, '\t');
        if (!tab)
            continue;
        *tab = '\0';
        const char *orig = line, *q = tab + 1;
        tp_tm_matches *m = NULL;
        tp_tm_terms *t = NULL;
        double a = ms(CLOCK_MONOTONIC), a_cpu = ms(CLOCK_THREAD_CPUTIME_ID);
        tp_status st = tp_tm_find(store, norm, q, strlen(q), &o, &m, &err);
        double b = ms(CLOCK_MONOTONIC), b_cpu = ms(CLOCK_THREAD_CPUTIME_ID);
        if (!st)
            st = tp_tm_terms_in(store, norm, q, strlen(q), o.to, &t, &err);
        double c = ms(CLOCK_MONOTONIC);
        if (st) {
            fprintf(stderr, "bench_tm: %s: %s\n", q, err.message);
            return 2;
        }
        find_ms[n] = b - a;
        find_cpu_ms[n] = b_cpu - a_cpu;
        terms_ms[n++] = c - b;
        found += m->count && !strcmp(m->items[0].unit->variants[m->items[0].source].text, orig);
        tp_tm_matches_free(m);
        tp_tm_terms_free(t);
    }
    fclose(f);
    printf("queries %zu find median %.3f p90 %.3f terms median %.3f p90 %.3f found %.2f "
           "find_cpu median %.3f p90 %.3f\n", n, pct(find_ms, n, 0.5), pct(find_ms, n, 0.9),
           pct(terms_ms, n, 0.5), pct(terms_ms, n, 0.9), n ? (double)found / (double)n : 0,
           pct(find_cpu_ms, n, 0.5), pct(find_cpu_ms, n, 0.9));
    tp_store_close(store);
    tp_norm_free(norm);
    return 0;
}
