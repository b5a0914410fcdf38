/* Allocation failure at every allocation of import (TBX, TSV, ENAMDICT, TMX), lookup, TM
 * matching, check (Markdown; XLIFF and TMX with the key-term check) and a normaliser made from
 * nothing: for n = 1, 2, ... the nth allocation of the operation fails (anywhere in the
 * process: the library, SQLite, libxml2, ICU, MeCab), until the operation makes fewer than n.
 * Each time: no crash, a failure with a message, no allocation of the operation left, the store
 * unchanged (a dump of every table before and after); an operation that still succeeds must
 * give what it gives without a failure. Each n runs in a forked child of a process that made
 * the store, the normaliser and the libraries' caches once (the cold scenario makes its own).
 * Needs the test allocator (fault_shim.c), so not built with sanitizers. */
#include "fault_shim.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unicode/uclean.h>
#include <unistd.h>
#include <toponym/toponym.h>

#ifndef TP_SOURCE_DIR
#error "TP_SOURCE_DIR must name the source tree"
#endif

/* A child's verdict, its exit code: OK and SURVIVED are good (the operation failed cleanly, or
 * succeeded with the result it gives without a failure). */
enum { OK = 0, LEAK = 1, CHANGED = 2, NO_MESSAGE = 3, WRONG = 4, SETUP = 5, UNTRACED = 6,
       SURVIVED = 7, NOT_REACHED = 10 };

static char dir[] = "/tmp/tp_fault_XXXXXX";
static char base_db[256], work_db[256], crash_path[256], tbx_path[256], tsv_path[256], enam_path[256],
    tmx_path[256], tmx_batch_path[256];
static tp_norm *norm;
static char base_dump[64]; /* the store every run starts from */

typedef tp_status (*op_fn)(tp_store *s, char *sig, size_t cap, tp_error *err);

/* ---- the operations ---- */

static tp_status op_import(tp_store *s, const char *path, tp_format format, char *sig, size_t cap,
                           tp_error *err)
{
    tp_import_opts o;
    memset(&o, 0, sizeof o);
    o.format = format;
    o.source_lang = "en";
    o.target_lang = "ru";
    o.kinds = "p,st";
    tp_import_summary sum;
    tp_status st = tp_import(s, &path, 1, &o, &sum, err);
    if (!st)
        snprintf(sig, cap, "%ld %ld %ld", sum.added, sum.merged, sum.terms);
    return st;
}

static tp_status op_import_tbx(tp_store *s, char *sig, size_t cap, tp_error *err)
{
    return op_import(s, tbx_path, TP_FORMAT_AUTO, sig, cap, err);
}

static tp_status op_import_tsv(tp_store *s, char *sig, size_t cap, tp_error *err)
{
    return op_import(s, tsv_path, TP_FORMAT_TSV, sig, cap, err);
}

static tp_status op_import_enamdict(tp_store *s, char *sig, size_t cap, tp_error *err)
{
    return op_import(s, enam_path, TP_FORMAT_ENAMDICT, sig, cap, err);
}

static tp_status tmx_import(tp_store *s, const char *path, char *sig, size_t cap, tp_error *err)
{
    tp_tmx_stats stats;
    tp_status st = tp_tmx_import(s, &path, 1, 0, NULL, &stats, err);
    if (!st)
        snprintf(sig, cap, "%ld %ld %ld", stats.units, stats.merged, stats.variants);
    return st;
}

static tp_status op_tmx_import(tp_store *s, char *sig, size_t cap, tp_error *err)
{
    return tmx_import(s, tmx_path, sig, cap, err);
}

/* 70 units: more than one batch of unit rows and of new index rows (store_tm.c, BATCH_ROWS). */
static tp_status op_tmx_import_batch(tp_store *s, char *sig, size_t cap, tp_error *err)
{
    return tmx_import(s, tmx_batch_path, sig, cap, err);
}

static tp_status op_lookup(tp_store *s, char *sig, size_t cap, tp_error *err)
{
    static const char *const queries[] = {"Etorofu", "Итуруп", "択捉", "Kunashri", "Yuzhno"};
    size_t used = 0;
    for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
        tp_matches *m = NULL;
        tp_status st = tp_lookup(s, norm, queries[i], strlen(queries[i]), NULL, &m, err);
        if (st)
            return st;
        used += (size_t)snprintf(sig + used, cap - used, "%zu:%lld ", m->count,
                                 m->count ? (long long)m->items[0].concept->id : 0LL);
        tp_matches_free(m);
        if (used >= cap)
            break;
    }
    return TP_OK;
}

static tp_status op_tm_find(tp_store *s, char *sig, size_t cap, tp_error *err)
{
    static const char seg[] = "The ferry to Iturup leaves on Monday.";
    tp_tm_match_opts o = {"en", "ru", NULL, 0, 0};
    tp_tm_matches *m = NULL;
    tp_status st = tp_tm_find(s, norm, seg, sizeof seg - 1, &o, &m, err);
    if (!st) {
        snprintf(sig, cap, "%zu %d", m->count, m->count ? m->items[0].score : 0);
        tp_tm_matches_free(m);
    }
    return st;
}

/* Builds a checker and checks each document with it; the signature is every check's counts. */
static tp_status check_docs(tp_store *s, const char *const *names, const char *const *texts,
                            const size_t *lens, size_t count, char *sig, size_t cap,
                            tp_error *err)
{
    tp_checker *ck = NULL;
    tp_status st = tp_checker_new(s, norm, &ck, err);
    for (size_t i = 0, used = 0; !st && i < count; i++) {
        tp_findings *f = NULL;
        st = tp_check_text(ck, names[i], tp_check_format_guess(names[i]), NULL, texts[i],
                           lens[i], &f, err);
        if (!st && used < cap)
            used += (size_t)snprintf(sig + used, cap - used, "%zu %lu %s; ", f->count, f->names,
                                     f->lang);
        tp_findings_free(f);
    }
    tp_checker_free(ck);
    return st;
}

static tp_status op_check(tp_store *s, char *sig, size_t cap, tp_error *err)
{
    static const char doc[] = "# Kurils\n\nThe ferry sails from Kunashiri to Etorofu-to and "
                              "Iturup.\nЮжно-Курильск лежит на Кунашире.\n";
    const char *name = "doc.md", *text = doc;
    size_t len = sizeof doc - 1;
    return check_docs(s, &name, &text, &len, 1, sig, cap, err);
}

/* The bilingual readers and the key-term check: XLIFF 2.0, XLIFF 1.2 and TMX (the examples of
 * docs/check.md, read at setup). */
static const char *const bilingual_names[] = {"kurils-en-ru.xlf", "kurils-en-ja.xlf",
                                              "kurils-ja.tmx"};
#define BILINGUAL (sizeof bilingual_names / sizeof bilingual_names[0])
static char *bilingual_texts[BILINGUAL];
static size_t bilingual_lens[BILINGUAL];

static tp_status op_check_bilingual(tp_store *s, char *sig, size_t cap, tp_error *err)
{
    return check_docs(s, bilingual_names, (const char *const *)bilingual_texts, bilingual_lens,
                      BILINGUAL, sig, cap, err);
}

/* A normaliser made from nothing (ICU's data and MeCab's dictionary loaded inside the
 * operation, as in a new process: the other operations find them loaded) and the keys of a
 * kanji name, which need MeCab's reading. */
static tp_status op_cold_keys(tp_store *s, char *sig, size_t cap, tp_error *err)
{
    static const char name[] = "択捉島";
    (void)s;
    tp_norm *cold = NULL;
    tp_keyset *keys = NULL;
    tp_status st = tp_norm_new(&cold, err);
    if (!st)
        st = tp_norm_keys(cold, name, sizeof name - 1, "ja", NULL, &keys, err);
    for (size_t i = 0, used = 0; !st && i < keys->count && used < cap; i++)
        used += (size_t)snprintf(sig + used, cap - used, "%s:%s ",
                                 tp_key_kind_name(keys->keys[i].kind), keys->keys[i].text);
    tp_keyset_free(keys);
    tp_norm_free(cold);
    return st;
}

/* ---- a dump of every table, as a hash (time stamps left out) ---- */

static int dump(const char *path, char *out, size_t cap)
{
    sqlite3 *db;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        return -1;
    sqlite3_stmt *tables;
    uint64_t h = 1469598103934665603u;
    long rows = 0;
    if (sqlite3_prepare_v2(db, "SELECT name FROM sqlite_schema WHERE type = 'table' AND name "
                               "NOT LIKE 'sqlite_%' ORDER BY name", -1, &tables, NULL)) {
        sqlite3_close(db);
        return -1;
    }
    while (sqlite3_step(tables) == SQLITE_ROW) {
        char sql[128];
        snprintf(sql, sizeof sql, "SELECT * FROM \"%s\"", sqlite3_column_text(tables, 0));
        sqlite3_stmt *q;
        if (sqlite3_prepare_v2(db, sql, -1, &q, NULL))
            continue;
        while (sqlite3_step(q) == SQLITE_ROW) {
            rows++;
            for (int c = 0; c < sqlite3_column_count(q); c++) {
                const char *name = sqlite3_column_name(q, c);
                if (!strcmp(name, "at") || !strcmp(name, "imported"))
                    continue;
                const unsigned char *v = sqlite3_column_text(q, c);
                for (; v && *v; v++)
                    h = (h ^ *v) * 1099511628211u;
                h = (h ^ 0x1F) * 1099511628211u;
            }
        }
        sqlite3_finalize(q);
    }
    sqlite3_finalize(tables);
    sqlite3_close(db);
    snprintf(out, cap, "%ld rows, %016llx", rows, (unsigned long long)h);
    return 0;
}

/* The base store's bytes, read once: each run writes them out, and a store that still has them
 * needs no dump. */
static char *base_bytes;
static size_t base_size;

/* The whole file, malloc'd into *bytes (the caller frees it); -1 when it cannot be read. */
static int slurp(const char *path, char **bytes, size_t *size)
{
    FILE *in = fopen(path, "rb");
    if (!in)
        return -1;
    size_t cap = 1 << 16, n = 0, got;
    char *b = malloc(cap);
    while (b && (got = fread(b + n, 1, cap - n, in)) > 0)
        if ((n += got) == cap) {
            char *bigger = realloc(b, cap *= 2);
            if (!bigger)
                free(b);
            b = bigger;
        }
    int rc = b && !ferror(in) ? 0 : -1;
    fclose(in);
    if (rc)
        free(b);
    *bytes = rc ? NULL : b;
    *size = n;
    return rc;
}

static int write_base(const char *to)
{
    FILE *out = fopen(to, "wb");
    if (!out)
        return -1;
    int rc = fwrite(base_bytes, 1, base_size, out) == base_size ? 0 : -1;
    return fclose(out) ? -1 : rc;
}

/* The store's dump: the base's when the file still holds the base's bytes. */
static int dump_after(const char *path, char *out, size_t cap)
{
    char *b = NULL;
    size_t n = 0;
    int same = !slurp(path, &b, &n) && n == base_size && !memcmp(b, base_bytes, n);
    if (same)
        snprintf(out, cap, "%s", base_dump);
    free(b);
    return same ? 0 : dump(path, out, cap);
}

/* ---- one run ---- */

/* Leaks inside the libraries toponym builds on, when their own allocation fails halfway, that
 * no caller can free (each seen in this test, with the stack that shows it). */
static const char *const dependency_leaks[] = {
    "ubrk_open",        /* ICU 72: a word break iterator whose construction fails */
    "xmlNewTextReader", /* libxml2 2.9.14: the input stream of a reader it fails to make */
    "MeCab12createTagger", /* MeCab 0.996: a tagger whose opening throws std::bad_alloc */
    "MeCab9Tokenizer",  /* MeCab 0.996: a node its tokenizer made in a parse that then threw */
    NULL,
};

/* Faults inside the libraries, when one of their allocations fails, that no caller can prevent
 * or see: a child that crashes, or succeeds with another result, when the failed allocation was
 * made under one of these is counted apart, not as a failure of toponym (each seen in this
 * test; docs/reliability.md). */
static const char *const dependency_faults[] = {
    /* ICU 72: the CJK dictionary word breaker goes on after its vectors failed to allocate: it
     * reads a UText it never opened (a crash), or gives other word boundaries, and ubrk_next()
     * has no way to say so (Japanese word breaks in the checker and in TM matching). */
    "CjkBreakEngine23divideUpDictionaryRange",
    NULL,
};

/* A child's crash handler: the failed allocation's stack into the crash file, then the crash. */
static int crash_fd = -1;

static void on_crash(int sig)
{
    if (crash_fd >= 0)
        fault_failed_stack(crash_fd);
    signal(sig, SIG_DFL);
    raise(sig);
}

/* Nonzero when the last child's crash file (the failed allocation's stack, written when it
 * crashed or gave another result) names one of the dependency faults. */
static int dependency_fault(void)
{
    char text[8192];
    int fd = open(crash_path, O_RDONLY);
    ssize_t n = fd >= 0 ? read(fd, text, sizeof text - 1) : -1;
    if (fd >= 0)
        close(fd);
    if (n <= 0)
        return 0;
    text[n] = '\0';
    int hit = 0;
    for (const char *const *d = dependency_faults; *d && !hit; d++)
        hit = strstr(text, *d) != NULL;
    return hit;
}

typedef struct scenario {
    const char *name;
    op_fn run;
    char clean_sig[512];   /* what the operation gives without a failure */
    char clean_dump[64];   /* the store after it */
    long allocations;      /* allocations it makes */
    int cold;              /* in a child, run it without the process's normaliser and ICU's
                              caches: it makes its own */
} scenario;

static int in_child; /* a forked child, free to tear down what the parent keeps */

/* Runs the operation on a fresh copy of the store with the nth allocation failing (0: none).
 * In a child: the verdict is the exit code. Without stacks, allocations left over end the run
 * with UNTRACED: it must run again with stacks to tell a leak from a dependency's. */
static int run_once(scenario *sc, long n, int quiet, int stacks)
{
    char wal[300], after[64], sig[512] = "";
    snprintf(wal, sizeof wal, "%s-wal", work_db);
    unlink(wal);
    if (write_base(work_db))
        return SETUP;
    tp_store *s = NULL;
    tp_error err;
    if (sc->cold && in_child) {
        tp_norm_free(norm);
        norm = NULL;
        u_cleanup();
    }
    if (norm && tp_store_open(work_db, 0, norm, &s, &err)) {
        fprintf(stderr, "%s: %s\n", sc->name, err.message);
        return SETUP;
    }
    tp_error_clear(&err);
    if (in_child) {
        crash_fd = open(crash_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        signal(SIGSEGV, on_crash);
        signal(SIGBUS, on_crash);
        signal(SIGABRT, on_crash);
    }
    fault_arm(n, stacks);
    tp_status st = sc->run(s, sig, sizeof sig, &err);
    fault_disarm();
    long count = fault_count();
    int failed = fault_failed();
    tp_store_close(s);
    if (dump_after(work_db, after, sizeof after))
        return SETUP;
    if (n == 0) {
        if (st) {
            fprintf(stderr, "%s: fails without a fault: %s\n", sc->name, err.message);
            return SETUP;
        }
        snprintf(sc->clean_sig, sizeof sc->clean_sig, "%s", sig);
        snprintf(sc->clean_dump, sizeof sc->clean_dump, "%s", after);
        sc->allocations = count;
        return OK;
    }
    if (!failed)
        return NOT_REACHED;
    /* What the library holds for the process's life goes, so that only leaks are left. */
    tp_norm_free(norm);
    norm = NULL;
    xmlResetLastError(); /* libxml2 keeps a copy of the last error for the process */
    xmlCleanupParser();
    sqlite3_shutdown();
    u_cleanup();
    long live = stacks ? fault_leaks(-1, 0, dependency_leaks) : fault_live();
    int verdict = OK;
    if (st && !err.message[0]) {
        fprintf(stderr, "%s, allocation %ld: %s without a message\n", sc->name, n,
                tp_strerror(st));
        verdict = NO_MESSAGE;
    } else if (st && strcmp(base_dump, after) != 0) {
        fprintf(stderr, "%s, allocation %ld: failed (%s) but the store changed\n", sc->name, n,
                err.message);
        verdict = CHANGED;
    } else if (!st && (strcmp(sig, sc->clean_sig) || strcmp(after, sc->clean_dump))) {
        verdict = WRONG;
        if (crash_fd >= 0)
            fault_failed_stack(crash_fd);
        if (crash_fd < 0 || !dependency_fault())
            fprintf(stderr, "%s, allocation %ld: succeeded with another result (%s, store %s; "
                            "without a fault: %s, store %s)\n", sc->name, n, sig, after,
                    sc->clean_sig, sc->clean_dump);
    } else if (live && !stacks) {
        verdict = UNTRACED;
    } else if (live) {
        fprintf(stderr, "%s, allocation %ld: %ld allocations left (%s); made at:\n", sc->name, n,
                live, st ? err.message : "succeeded");
        fflush(stderr);
        fault_leaks(2, 2, dependency_leaks);
        verdict = LEAK;
    }
    if (!quiet && verdict == OK)
        printf("%s, allocation %ld: %s\n", sc->name, n, st ? err.message : "succeeded anyway");
    return verdict == OK && !st ? SURVIVED : verdict;
}

static int write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fputs(text, f);
    return fclose(f);
}

static int setup(void)
{
    tp_error err;
    if (!mkdtemp(dir))
        return -1;
    snprintf(base_db, sizeof base_db, "%s/base.db", dir);
    snprintf(work_db, sizeof work_db, "%s/work.db", dir);
    snprintf(crash_path, sizeof crash_path, "%s/crash", dir);
    snprintf(tbx_path, sizeof tbx_path, "%s/new.tbx", dir);
    snprintf(tsv_path, sizeof tsv_path, "%s/new.tsv", dir);
    snprintf(enam_path, sizeof enam_path, "%s/enamdict", dir);
    snprintf(tmx_path, sizeof tmx_path, "%s/new.tmx", dir);
    snprintf(tmx_batch_path, sizeof tmx_batch_path, "%s/batch.tmx", dir);
    FILE *bf = fopen(tmx_batch_path, "w");
    if (!bf)
        return -1;
    fputs("<tmx version=\"1.4\"><header srclang=\"en\"/><body>\n", bf);
    for (int i = 0; i < 70; i++)
        fprintf(bf, "<tu><tuv xml:lang=\"en\"><seg>Ferry %d to Shikotan word%d</seg></tuv><tuv "
                    "xml:lang=\"ru\"><seg>Паром %d на Шикотан слово%d</seg></tuv></tu>\n",
                i, i, i, i);
    fputs("</body></tmx>\n", bf);
    if (fclose(bf) != 0)
        return -1;
    if (write_text(tbx_path,
                   "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                   "<tbx type=\"TBX-Basic\" style=\"dca\" xml:lang=\"en\" "
                   "xmlns=\"urn:iso:std:iso:30042:ed-2\"><tbxHeader><fileDesc><sourceDesc><p>t"
                   "</p></sourceDesc></fileDesc></tbxHeader><text><body>\n"
                   "<conceptEntry id=\"shumshu\"><descrip type=\"subjectField\">island</descrip>"
                   "<langSec xml:lang=\"en\"><termSec><term>Shumshu</term></termSec></langSec>"
                   "<langSec xml:lang=\"ru\"><termSec><term>Шумшу</term></termSec></langSec>"
                   "<langSec xml:lang=\"ja\"><termSec><term>占守島</term></termSec></langSec>"
                   "</conceptEntry>\n"
                   "<conceptEntry id=\"iturup\"><langSec xml:lang=\"en\"><termSec>"
                   "<term>Iturup Island</term><termNote type=\"administrativeStatus\">"
                   "admittedTerm-admn-sts</termNote></termSec></langSec></conceptEntry>\n"
                   "</body></text></tbx>\n") ||
        write_text(tsv_path, "Paramushir\tПарамушир\tpreferred\nOnekotan\tОнекотан\n") ||
        write_text(enam_path, "幌筵島 [ほろむしろとう] /(p) Horomushirotou/\n"
                              "占守 [しゅむしゅ] /(p,st) Shumushu/\n") ||
        write_text(tmx_path,
                   "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<tmx version=\"1.4\"><header "
                   "srclang=\"en\" creationtool=\"t\" creationtoolversion=\"1\" "
                   "segtype=\"sentence\" o-tmf=\"t\" adminlang=\"en\" datatype=\"plaintext\"/>"
                   "<body>\n<tu><tuv xml:lang=\"en\"><seg>The ferry to Shumshu leaves at "
                   "<ph x=\"1\">{0}</ph>.</seg></tuv><tuv xml:lang=\"ru\"><seg>Паром на Шумшу "
                   "уходит в <ph x=\"1\">{0}</ph>.</seg></tuv><tuv xml:lang=\"ja\"><seg>占守島"
                   "へのフェリー</seg></tuv></tu>\n<tu><prop type=\"x-note\">n</prop><tuv "
                   "xml:lang=\"en\"><seg>Iturup</seg></tuv><tuv xml:lang=\"ru\"><seg>Итуруп"
                   "</seg></tuv></tu>\n</body></tmx>\n"))
        return -1;
    /* The store every run starts from: the Kuril glossary and a small memory (the first 40
     * units of the shipped one: enough to match against, small enough to copy quickly). */
    char kurils[512], tmx[512], small[300], cmd[1400];
    snprintf(kurils, sizeof kurils, "%s/glossaries/kurils.tbx", TP_SOURCE_DIR);
    snprintf(tmx, sizeof tmx, "%s/tmx/kuril-news.tmx", TP_SOURCE_DIR);
    snprintf(small, sizeof small, "%s/small.tmx", dir);
    snprintf(cmd, sizeof cmd, "awk '/<tu[ >]/ {n++} n <= 40 || /<\\/body>/ || /<\\/tmx>/' '%s' >'%s'",
             tmx, small);
    const char *k = kurils, *t = small;
    tp_store *s = NULL;
    if (system(cmd) != 0 || tp_norm_new(&norm, &err) ||
        tp_store_open(base_db, 0, norm, &s, &err) || tp_tbx_import(s, &k, 1, NULL, &err) ||
        tp_tmx_import(s, &t, 1, 0, NULL, NULL, &err)) {
        fprintf(stderr, "setup: %s\n", err.message);
        tp_store_close(s);
        return -1;
    }
    tp_store_close(s);
    for (size_t i = 0; i < BILINGUAL; i++) {
        char path[600];
        snprintf(path, sizeof path, "%s/docs/examples/%s", TP_SOURCE_DIR, bilingual_names[i]);
        if (slurp(path, &bilingual_texts[i], &bilingual_lens[i]))
            return -1;
    }
    return dump(base_db, base_dump, sizeof base_dump) || slurp(base_db, &base_bytes, &base_size);
}

/* run_once in a forked child: its wait status, -1 when it cannot run. */
static int run_child(scenario *sc, long n, int quiet, int stacks)
{
    fflush(NULL);
    unlink(crash_path);
    pid_t pid = fork();
    if (pid == 0) {
        in_child = 1;
        _exit(run_once(sc, n, quiet, stacks));
    }
    int status;
    if (pid < 0 || waitpid(pid, &status, 0) != pid) {
        perror("fork");
        return -1;
    }
    return status;
}

int main(int argc, char **argv)
{
    scenario scenarios[] = {
        {"import tbx", op_import_tbx, "", "", 0, 0},
        {"import tsv", op_import_tsv, "", "", 0, 0},
        {"import enamdict", op_import_enamdict, "", "", 0, 0},
        {"tm import", op_tmx_import, "", "", 0, 0},
        {"tm import batch", op_tmx_import_batch, "", "", 0, 0},
        {"lookup", op_lookup, "", "", 0, 0},
        {"tm match", op_tm_find, "", "", 0, 0},
        {"check", op_check, "", "", 0, 0},
        {"check bilingual", op_check_bilingual, "", "", 0, 0},
        {"cold keys", op_cold_keys, "", "", 0, 1},
    };
    /* A step: every allocation by default; TP_FAULT_STEP=k tries every kth (quicker). */
    const char *step_env = getenv("TP_FAULT_STEP");
    long step = step_env ? atol(step_env) : 1;
    /* test_fault [-v] [SCENARIO [N]]: one scenario, or one allocation of it, for debugging. */
    int verbose = argc > 1 && !strcmp(argv[1], "-v");
    const char *only = argc > 1 + verbose ? argv[1 + verbose] : NULL;
    long only_n = argc > 2 + verbose ? atol(argv[2 + verbose]) : 0;
    if (step < 1)
        step = 1;
    if (setup()) {
        fprintf(stderr, "setup failed\n");
        return 1;
    }
    int failures = 0;
    for (size_t i = 0; i < sizeof scenarios / sizeof scenarios[0]; i++) {
        scenario *sc = &scenarios[i];
        if (only && strcmp(only, sc->name) != 0)
            continue;
        /* Once without a fault, in this process: the result to compare with, and the caches
         * that live for the process (gconv, ICU data) made before any child. */
        if (run_once(sc, 0, 1, 0) != OK) {
            failures++;
            continue;
        }
        long n, tried = 0, errors = 0, survived = 0, retraced = 0, dep_faults = 0;
        for (n = only_n ? only_n : 1; !only_n || n == only_n; n += step) {
            if (only_n) { /* one allocation: in this process, for a debugger */
                in_child = 1;
                int v = run_once(sc, n, 0, 1);
                return v == SURVIVED ? OK : v;
            }
            int status = run_child(sc, n, !verbose, 0);
            if (status == -1)
                return 1;
            if (WIFEXITED(status) && WEXITSTATUS(status) == UNTRACED) {
                retraced++;
                status = run_child(sc, n, !verbose, 1);
                if (status == -1)
                    return 1;
            }
            if ((WIFSIGNALED(status) || WEXITSTATUS(status) == WRONG) && dependency_fault()) {
                if (!dep_faults++)
                    printf("%s, allocation %ld: %s in a dependency (see dependency_faults)\n",
                           sc->name, n, WIFSIGNALED(status) ? "crashed" : "another result");
            } else if (WIFSIGNALED(status)) {
                fprintf(stderr, "%s, allocation %ld: crashed (signal %d)\n", sc->name, n,
                        WTERMSIG(status));
                errors++;
            } else if (WEXITSTATUS(status) == NOT_REACHED) {
                /* A cold operation makes more than it did in this warm process. */
                if (step == 1)
                    sc->allocations = n - 1;
                break;
            } else if (WEXITSTATUS(status) == SURVIVED) {
                survived++;
            } else if (WEXITSTATUS(status) != OK) {
                errors++;
            }
            tried++;
            if (errors >= 10) {
                fprintf(stderr, "%s: stopping after 10 failures\n", sc->name);
                break;
            }
        }
        printf("%-16s %6ld allocations, %6ld failed in turn (%ld succeeded anyway, %ld run again "
               "for stacks, %ld faults in a dependency): %ld bad\n", sc->name, sc->allocations,
               tried, survived, retraced, dep_faults, errors);
        failures += errors > 0;
    }
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", dir);
    tp_norm_free(norm);
    free(base_bytes);
    for (size_t i = 0; i < BILINGUAL; i++)
        free(bilingual_texts[i]);
    return failures != 0;
}
