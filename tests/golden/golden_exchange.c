/* The golden cases of glossary exchange (exchange/CASES) through the library: each input is
 * imported with tp_import into a new store and written with tp_export, and the bytes must be
 * those of the expected file, the same the CLI is held to (exchange.sh).
 *   golden_exchange DIR        (DIR holds CASES and the files it names) */
#include "tp_test.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <toponym/toponym.h>

/* The whole file, NUL-terminated; *len its size. NULL when it cannot be read. */
static char *slurp(FILE *f, size_t *len)
{
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    for (size_t got; buf && (got = fread(buf + n, 1, cap - n, f)) > 0;) {
        n += got;
        if (n == cap) {
            char *p = realloc(buf, cap *= 2);
            if (!p)
                free(buf);
            buf = p;
        }
    }
    if (buf)
        buf[n < cap ? n : cap - 1] = '\0';
    *len = n;
    return buf;
}

static void run_case(const char *dir, tp_norm *norm, char *const field[6])
{
    const char *name = field[0];
    char input[512], expected[512], db[512];
    snprintf(input, sizeof input, "%s/%s", dir, field[1]);
    snprintf(expected, sizeof expected, "%s/%s", dir, field[5]);
    snprintf(db, sizeof db, "/tmp/tp_golden_%ld_%s.db", (long)getpid(), name);
    char langs[64] = "", *l[2] = {NULL, NULL};
    if (strcmp(field[2], "-")) {
        snprintf(langs, sizeof langs, "%s", field[2]);
        l[0] = langs;
        l[1] = strchr(langs, ',');
        if (l[1])
            *l[1]++ = '\0';
    }
    tp_import_opts io = {.source_lang = l[0], .target_lang = l[1]};
    if (strcmp(field[3], "-"))
        io.kinds = field[3];
    tp_export_opts eo = {0};
    const char *const pair[2] = {l[0], l[1]};
    if (l[1]) {
        eo.langs = pair;
        eo.lang_count = 2;
    }
    tp_error err;
    tp_store *s = NULL;
    FILE *out = tmpfile();
    CHECK(out != NULL);
    CHECK(tp_format_parse(field[4], &eo.format) == TP_OK);
    tp_status st = tp_store_open(db, 0, norm, &s, &err);
    const char *paths[] = {input};
    if (!st)
        st = tp_import(s, paths, 1, &io, NULL, &err);
    if (!st && out)
        st = tp_export(s, &eo, out, NULL, &err);
    if (st)
        fprintf(stderr, "%s: %s\n", name, err.message);
    CHECK(st == TP_OK);
    tp_store_close(s);
    const char *suffix[] = {"", "-wal", "-shm"};
    for (size_t i = 0; i < 3; i++) {
        char p[600];
        snprintf(p, sizeof p, "%s%s", db, suffix[i]);
        unlink(p);
    }
    if (st || !out)
        return;
    FILE *want_f = fopen(expected, "rb");
    CHECK(want_f != NULL);
    if (!want_f)
        return;
    size_t got_len, want_len;
    rewind(out);
    char *got = slurp(out, &got_len), *want = slurp(want_f, &want_len);
    int same = got && want && got_len == want_len && !memcmp(got, want, got_len);
    if (!same)
        fprintf(stderr, "%s: tp_export differs from %s\n", name, field[5]);
    CHECK(same);
    free(got);
    free(want);
    fclose(want_f);
    fclose(out);
}

int main(int argc, char **argv)
{
    if (argc != 2)
        return fprintf(stderr, "usage: golden_exchange DIR\n"), 2;
    char cases[512], line[1024];
    snprintf(cases, sizeof cases, "%s/CASES", argv[1]);
    FILE *f = fopen(cases, "r");
    tp_norm *norm = NULL;
    tp_error err;
    if (!f || tp_norm_new(&norm, &err) != TP_OK)
        return fprintf(stderr, "cannot read %s or make a normaliser\n", cases), 2;
    int n = 0;
    while (fgets(line, sizeof line, f)) {
        char *field[6], *save = NULL;
        int k = 0;
        for (char *t = strtok_r(line, " \t\n", &save); t && k < 6; t = strtok_r(NULL, " \t\n", &save))
            field[k++] = t;
        if (k == 0 || field[0][0] == '#')
            continue;
        CHECK(k == 6);
        if (k == 6) {
            run_case(argv[1], norm, field);
            n++;
        }
    }
    fclose(f);
    tp_norm_free(norm);
    CHECK(n > 0);
    return TEST_DONE();
}
