/* toponym export: the store as TBX v3 (TBX-Basic), TBX v2, or an OmegaT TSV/CSV glossary, on
 * stdout or into a file (written beside it and renamed, so a failed export leaves no half file). */
#include "cli.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* `export --format tmx ...` is `tm export ...`: the memory (or, with --glossary, the glossary)
 * as TMX, with the same options. */
static int export_tmx(cli *c, int argc, char **argv)
{
    char **args = malloc(((size_t)argc + 1) * sizeof *args);
    if (!args)
        return EXIT_USAGE;
    int n = 0;
    args[n++] = (char *)"export";
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--format") && i + 1 < argc)
            i++;
        else
            args[n++] = argv[i];
    }
    int rc = cmd_tm(c, n, args);
    free(args);
    return rc;
}

int cmd_export(cli *c, int argc, char **argv)
{
    for (int i = 0; i + 1 < argc; i++)
        if (!strcmp(argv[i], "--format") && !strcmp(argv[i + 1], "tmx"))
            return export_tmx(c, argc, argv);
    tp_export_opts o = {0};
    const char *out_path = NULL, *langs[8];
    char langbuf[256];
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--format") && i + 1 < argc) {
            if (tp_format_parse(argv[++i], &o.format) || o.format == TP_FORMAT_ENAMDICT ||
                o.format == TP_FORMAT_AUTO)
                return cli_usage_error("export", "--format takes tbx, tbx2, tsv or csv, not '%s'",
                                       argv[i]);
        } else if (!strcmp(a, "--langs") && i + 1 < argc) {
            snprintf(langbuf, sizeof langbuf, "%s", argv[++i]);
            o.lang_count = 0;
            for (char *tok = strtok(langbuf, ","); tok; tok = strtok(NULL, ",")) {
                if (o.lang_count == sizeof langs / sizeof langs[0])
                    return cli_usage_error("export", "too many languages");
                langs[o.lang_count++] = tok;
            }
            o.langs = langs;
        } else if (!strcmp(a, "--status") && i + 1 < argc) {
            char buf[128];
            snprintf(buf, sizeof buf, "%s", argv[++i]);
            for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
                tp_term_status s;
                if (tp_term_status_parse(tok, &s))
                    return cli_usage_error("export", "unknown status '%s'", tok);
                o.statuses |= 1u << s;
            }
        } else if (!strcmp(a, "-o") && i + 1 < argc) {
            out_path = argv[++i];
        } else {
            return cli_usage_error("export", "unknown argument '%s'", a);
        }
    }
    if ((o.format == TP_FORMAT_TSV || o.format == TP_FORMAT_CSV) && o.lang_count != 2)
        return cli_usage_error("export", "a %s glossary needs --langs SOURCE,TARGET",
                               tp_format_name(o.format));
    int rc = cli_open_store(c);
    if (rc)
        return rc;
    FILE *f = stdout;
    char *tmp = NULL;
    if (out_path && strcmp(out_path, "-")) {
        size_t n = strlen(out_path) + 16;
        if (!(tmp = malloc(n)))
            return EXIT_USAGE;
        snprintf(tmp, n, "%s.tmp%ld", out_path, (long)getpid());
        if (!(f = fopen(tmp, "w"))) {
            fprintf(stderr, "toponym: cannot write %s\n", out_path);
            free(tmp);
            return EXIT_USAGE;
        }
    }
    tp_export_summary sum;
    tp_error err;
    tp_status st = tp_export(c->store, &o, f, &sum, &err);
    if (f != stdout) {
        if (fclose(f) != 0 && !st)
            st = TP_ERR_IO;
        if (st || rename(tmp, out_path) != 0) {
            unlink(tmp);
            if (!st)
                fprintf(stderr, "toponym: cannot write %s\n", out_path);
        }
        free(tmp);
    }
    if (st)
        return cli_fail(st, &err);
    if (out_path)
        fprintf(stderr, "%ld concepts, %ld %s written to %s\n", sum.concepts, sum.terms,
                o.format == TP_FORMAT_TSV || o.format == TP_FORMAT_CSV ? "rows" : "terms",
                out_path);
    return EXIT_OK;
}
