/* What every fuzz target shares: the input written to a scratch file (the readers take paths,
 * as the CLI gives them), and the one property every target checks beyond "no crash, no leak":
 * a failing call says why. Each target is also built without libFuzzer (regress_main.c) to
 * replay tests/fuzz-regress/ in ctest. */
#ifndef TP_FUZZ_COMMON_H
#define TP_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <toponym/toponym.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* Optional (weak in libFuzzer): defined by the targets that need set-up. */
int LLVMFuzzerInitialize(int *argc, char ***argv);

static char fuzz_dir[512];

static inline void fuzz_cleanup(void)
{
    char cmd[600];
    if (fuzz_dir[0]) {
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", fuzz_dir);
        if (system(cmd) != 0)
            fprintf(stderr, "fuzz: cannot remove %s\n", fuzz_dir);
    }
}

/* A scratch directory for this process, removed at exit. */
static inline const char *fuzz_scratch(void)
{
    if (!fuzz_dir[0]) {
        const char *t = getenv("TMPDIR");
        snprintf(fuzz_dir, sizeof fuzz_dir, "%s/tp_fuzz.XXXXXX", t && *t ? t : "/tmp");
        if (!mkdtemp(fuzz_dir)) {
            perror("fuzz: mkdtemp");
            abort();
        }
        atexit(fuzz_cleanup);
    }
    return fuzz_dir;
}

/* Writes the input to the scratch file named name and gives its path (static storage). */
static inline const char *fuzz_file(const char *name, const uint8_t *data, size_t size)
{
    static char path[600];
    snprintf(path, sizeof path, "%s/%s", fuzz_scratch(), name);
    FILE *f = fopen(path, "wb");
    if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f) != 0) {
        perror("fuzz: cannot write the input");
        abort();
    }
    return path;
}

/* A failure must come with a message: "a clear error", never a bare status. */
static inline void fuzz_expect_message(tp_status st, const tp_error *err)
{
    if (st != TP_OK && !err->message[0]) {
        fprintf(stderr, "fuzz: %s with an empty message\n", tp_strerror(st));
        abort();
    }
    if (st == TP_ERR_NOMEM) {
        /* Inputs are small; the library's ceilings must refuse before malloc fails. */
        fprintf(stderr, "fuzz: out of memory: %s\n", err->message);
        abort();
    }
}

#endif
