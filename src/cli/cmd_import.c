/* toponym import: glossaries from files into the store (TBX, OmegaT TSV/CSV, ENAMDICT), all in
 * one transaction, with a summary of what was added, merged and skipped, and a progress bar on
 * a terminal for large files. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

static void progress(void *ctx, const char *path, uint64_t done, uint64_t total)
{
    (void)ctx;
    cli_progress(path, done, total);
}

int cli_split_langs(const char *command, const char *arg, const char **a, const char **b,
                    char *buf, size_t cap)
{
    snprintf(buf, cap, "%s", arg);
    char *comma = strchr(buf, ',');
    if (!comma || !comma[1] || comma == buf)
        return cli_usage_error(command, "--langs takes two languages, as in --langs en,ja");
    *comma = '\0';
    *a = buf;
    *b = comma + 1;
    return EXIT_OK;
}

/* Nonzero for a translation memory: a .tmx or .tmx.gz name, or a <tmx root in the first bytes
 * (UTF-8, or UTF-16 in either order). */
static int is_tmx(const char *path)
{
    size_t n = strlen(path);
    if ((n > 4 && !strcasecmp(path + n - 4, ".tmx")) ||
        (n > 7 && !strcasecmp(path + n - 7, ".tmx.gz")))
        return 1;
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    char head[1024];
    size_t got = fread(head, 1, sizeof head, f);
    fclose(f);
    /* Drop the NULs of UTF-16 so that one search serves every encoding. */
    size_t o = 0;
    for (size_t i = 0; i < got; i++)
        if (head[i])
            head[o++] = head[i];
    for (size_t i = 0; i + 4 <= o; i++)
        if (!memcmp(head + i, "<tmx", 4))
            return 1;
    return 0;
}

/* `import FILE.tmx...` is `tm import FILE.tmx...`; glossaries and memories are not mixed in one
 * import, since they land in different parts of the store. */
static int import_tmx(cli *c, int argc, char **argv, int first)
{
    char **args = malloc(((size_t)argc + 2) * sizeof *args);
    if (!args)
        return EXIT_USAGE;
    int n = 0;
    args[n++] = (char *)"import";
    for (int i = 0; i < argc; i++) {
        if (i < first && strcmp(argv[i], "--strict") != 0 && strcmp(argv[i], "--") != 0) {
            free(args);
            return cli_usage_error("import", "'%s' does not apply to a translation memory (TMX)",
                                   argv[i]);
        }
        args[n++] = argv[i];
    }
    int rc = cmd_tm(c, n, args);
    free(args);
    return rc;
}

int cmd_import(cli *c, int argc, char **argv)
{
    tp_import_opts o = {0};
    char langs[128];
    int i = 0, rc;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--")) {
            i++;
            break;
        } else if (!strcmp(a, "--strict")) {
            o.strict = 1;
        } else if (!strcmp(a, "--dry-run")) {
            o.dry_run = 1;
        } else if (!strcmp(a, "--format") && i + 1 < argc) {
            if (tp_format_parse(argv[++i], &o.format) || o.format == TP_FORMAT_TBX2)
                return cli_usage_error("import", "--format takes tbx, tsv, csv or enamdict, not "
                                                 "'%s'", argv[i]);
        } else if (!strcmp(a, "--on-conflict") && i + 1 < argc) {
            const char *p = argv[++i];
            if (!strcmp(p, "merge"))
                o.on_conflict = TP_CONFLICT_MERGE;
            else if (!strcmp(p, "skip"))
                o.on_conflict = TP_CONFLICT_SKIP;
            else if (!strcmp(p, "replace"))
                o.on_conflict = TP_CONFLICT_REPLACE;
            else
                return cli_usage_error("import", "--on-conflict takes merge, skip or replace, "
                                                 "not '%s'", p);
        } else if (!strcmp(a, "--langs") && i + 1 < argc) {
            if ((rc = cli_split_langs("import", argv[++i], &o.source_lang, &o.target_lang, langs,
                                      sizeof langs)))
                return rc;
        } else if (!strcmp(a, "--kinds") && i + 1 < argc) {
            o.kinds = argv[++i];
        } else {
            return cli_usage_error("import", "unknown option '%s'", a);
        }
    }
    if (i == argc)
        return cli_usage_error("import", "a file to import is needed");
    int memories = 0;
    for (int k = i; k < argc; k++)
        memories += is_tmx(argv[k]);
    if (memories == argc - i)
        return import_tmx(c, argc, argv, i);
    if (memories)
        return cli_usage_error("import", "import translation memories (TMX) and glossaries "
                                         "separately");
    if (cli_progress_want(argv + i, argc - i))
        o.progress = progress;
    if ((rc = cli_open_store(c)))
        return rc;
    tp_import_summary sum;
    tp_error err;
    tp_status st = tp_import(c->store, (const char *const *)argv + i, (size_t)(argc - i), &o,
                             &sum, &err);
    cli_progress_clear();
    if (st)
        return cli_fail(st, &err);
    printf("%s%ld added, %ld merged, %ld replaced, %ld skipped (%ld terms read",
           o.dry_run ? "dry run, nothing written: " : "", sum.added, sum.merged, sum.replaced,
           sum.skipped, sum.terms);
    if (sum.ignored)
        printf(", %ld lines without an entry ignored", sum.ignored);
    puts(")");
    return EXIT_OK;
}
