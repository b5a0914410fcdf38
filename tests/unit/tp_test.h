/* A minimal test harness for the unit tests: CHECK records a failure and goes on; the test's
 * exit status is nonzero when any check failed. */
#ifndef TP_TEST_H
#define TP_TEST_H

#include <stdio.h>
#include <string.h>

static int tp_test_failures;
static int tp_test_checks;

#define CHECK(cond)                                                                            \
    do {                                                                                       \
        tp_test_checks++;                                                                      \
        if (!(cond)) {                                                                         \
            tp_test_failures++;                                                                \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);           \
        }                                                                                      \
    } while (0)

#define CHECK_STR(got, want)                                                                   \
    do {                                                                                       \
        const char *g_ = (got), *w_ = (want);                                                  \
        tp_test_checks++;                                                                      \
        if (!g_ || strcmp(g_, w_) != 0) {                                                      \
            tp_test_failures++;                                                                \
            fprintf(stderr, "%s:%d: got \"%s\", want \"%s\" (%s)\n", __FILE__, __LINE__,        \
                    g_ ? g_ : "(null)", w_, #got);                                             \
        }                                                                                      \
    } while (0)

/* The shipped glossary's files, for a test's store (tp_tbx_import). */
#define TP_TEST_GLOSSARIES                                                                     \
    {                                                                                          \
        TP_SOURCE_DIR "/glossaries/far-east.tbx", TP_SOURCE_DIR "/glossaries/general.tbx",     \
            TP_SOURCE_DIR "/glossaries/hokkaido.tbx", TP_SOURCE_DIR "/glossaries/kurils.tbx",  \
            TP_SOURCE_DIR "/glossaries/sakhalin.tbx"                                           \
    }

#define TEST_DONE()                                                                            \
    (printf("%d checks, %d failed\n", tp_test_checks, tp_test_failures), tp_test_failures != 0)

#endif
