/* toponym tm: the translation memory. `tm import` reads TMX files into the store, `tm validate`
 * checks them, `tm export` writes the memory as TMX 1.4b, `tm match` finds translations for a
 * segment and `tm concordance` every unit holding a text. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void on_problem(void *ctx, const tp_error *p, int skipped)
{
    (void)ctx;
    cli_progress_clear();
    fprintf(stderr, "toponym: %s:%lu:%lu: warning: %s%s\n", p->file, p->line, p->column,
            p->message, skipped ? " (unit skipped)" : "");
}

static void on_progress(void *ctx, unsigned long long done, unsigned long long total)
{
    (void)ctx;
    cli_progress("importing", done, total);
}

static int tm_import(cli *c, int argc, char **argv)
{
    unsigned flags = 0;
    int i = 0;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        if (!strcmp(argv[i], "--")) {
            i++;
            break;
        } else if (!strcmp(argv[i], "--strict")) {
            flags |= TP_TMX_STRICT;
        } else {
            return cli_usage_error("tm", "unknown option '%s' for import", argv[i]);
        }
    }
    if (i == argc)
        return cli_usage_error("tm", "import needs a TMX file");
    int rc = cli_open_store(c);
    if (rc)
        return rc;
    tp_tmx_handler h = {NULL, NULL, on_problem,
                        cli_progress_want(argv + i, argc - i) ? on_progress : NULL, NULL};
    tp_tmx_stats stats;
    tp_error err;
    tp_status st = tp_tmx_import(c->store, (const char *const *)argv + i, (size_t)(argc - i), flags,
                                 &h, &stats, &err);
    cli_progress_clear();
    if (st)
        return cli_fail(st, &err);
    printf("imported %ld unit%s (%ld variants) from %d file%s", stats.units,
           stats.units == 1 ? "" : "s", stats.variants, argc - i, argc - i == 1 ? "" : "s");
    if (stats.merged)
        printf(", %ld duplicate%s merged", stats.merged, stats.merged == 1 ? "" : "s");
    if (stats.skipped)
        printf(", %ld skipped", stats.skipped);
    putchar('\n');
    return EXIT_OK;
}

static void print_problem(void *ctx, const tp_error *p)
{
    (void)ctx;
    printf("%s:%lu:%lu: %s\n", p->file, p->line, p->column, p->message);
}

static int tm_validate(cli *c, int argc, char **argv)
{
    (void)c;
    if (argc == 0)
        return cli_usage_error("tm", "validate needs a TMX file");
    int rc = EXIT_OK;
    for (int i = 0; i < argc; i++) {
        long n = 0;
        tp_error err;
        tp_status st = tp_tmx_validate(argv[i], print_problem, NULL, &n, &err);
        if (st) {
            cli_fail(st, &err);
            rc = EXIT_USAGE;
        } else if (n && rc == EXIT_OK) {
            rc = EXIT_NOTHING;
        }
    }
    return rc;
}

/* Splits a comma-separated list in place. */
static size_t split_list(char *s, const char **out, size_t max)
{
    size_t n = 0;
    for (char *tok = strtok(s, ","); tok && n < max; tok = strtok(NULL, ","))
        if (*tok)
            out[n++] = tok;
    return n;
}

static int tm_export(cli *c, int argc, char **argv)
{
    const char *langs[16];
    tp_tmx_export_opts o = {NULL, 0, NULL, TP_VERSION, NULL};
    const char *out = "-";
    int glossary = 0;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--glossary")) {
            glossary = 1;
        } else if (!strcmp(argv[i], "--langs") && i + 1 < argc) {
            o.lang_count = split_list(argv[++i], langs, 16);
            o.langs = o.lang_count ? langs : NULL;
        } else if (!strcmp(argv[i], "--source") && i + 1 < argc) {
            o.source = argv[++i];
        } else if (!strcmp(argv[i], "-o") && i + 1 < argc) {
            out = argv[++i];
        } else {
            return cli_usage_error("tm", "unknown argument '%s' for export", argv[i]);
        }
    }
    int rc = cli_open_store(c);
    if (rc)
        return rc;
    long units = 0;
    tp_error err;
    tp_status st = glossary ? tp_tmx_export_glossary(c->store, out, &o, &units, &err)
                            : tp_tmx_export(c->store, out, &o, &units, &err);
    if (st)
        return cli_fail(st, &err);
    if (strcmp(out, "-") != 0)
        fprintf(stderr, "toponym: wrote %ld unit%s to %s\n", units, units == 1 ? "" : "s", out);
    return EXIT_OK;
}

static const char *diff_name(tp_tm_diff_op op)
{
    return op == TP_DIFF_SAME ? "same" : op == TP_DIFF_SEGMENT ? "segment" : "memory";
}

static void json_variant(const char *name, const tp_tm_variant *v)
{
    printf(",\"%s\":{\"lang\":", name);
    cli_json_string(stdout, v->lang);
    fputs(",\"text\":", stdout);
    cli_json_string(stdout, v->text);
    if (v->markup) {
        fputs(",\"markup\":", stdout);
        cli_json_string(stdout, v->markup);
    }
    putchar('}');
}

static void print_json(const char *segment, const tp_tm_matches *m, const tp_tm_terms *t)
{
    fputs("{\"segment\":", stdout);
    cli_json_string(stdout, segment);
    fputs(",\"matches\":[", stdout);
    for (size_t i = 0; i < m->count; i++) {
        const tp_tm_match *x = &m->items[i];
        printf("%s{\"unit\":%lld,\"score\":%d,\"match\":\"%s\"", i ? "," : "",
               (long long)x->unit->id, x->score, tp_tm_match_kind_name(x->kind));
        json_variant("source", &x->unit->variants[x->source]);
        if (x->target)
            json_variant("target", x->target);
        if (x->pivot_unit)
            printf(",\"pivot_unit\":%lld", (long long)x->pivot_unit->id);
        fputs(",\"diff\":[", stdout);
        for (size_t d = 0; d < x->diff_count; d++) {
            printf("%s{\"op\":\"%s\",\"text\":", d ? "," : "", diff_name(x->diff[d].op));
            cli_json_string(stdout, x->diff[d].text);
            putchar('}');
        }
        fputs("]}", stdout);
    }
    fputs("],\"terms\":[", stdout);
    for (size_t i = 0; t && i < t->count; i++) {
        const tp_tm_term *x = &t->items[i];
        fputs(i ? ",{\"text\":" : "{\"text\":", stdout);
        cli_json_string(stdout, x->found);
        printf(",\"start\":%zu,\"end\":%zu", x->start, x->end);
        if (x->concept) {
            fputs(",\"concept\":", stdout);
            cli_json_string(stdout, x->concept);
        }
        if (x->preferred) {
            fputs(",\"preferred\":{\"lang\":", stdout);
            cli_json_string(stdout, x->preferred_lang);
            fputs(",\"text\":", stdout);
            cli_json_string(stdout, x->preferred);
            putchar('}');
        }
        putchar('}');
    }
    fputs("]}\n", stdout);
}

static void print_diff(const tp_tm_match *x, int color)
{
    fputs("  diff: ", stdout);
    for (size_t d = 0; d < x->diff_count; d++) {
        const char *t = x->diff[d].text;
        size_t n = strlen(t);
        while (n && (t[n - 1] == ' ' || t[n - 1] == '\t' || t[n - 1] == '\n'))
            n--;
        /* A replaced word and its replacement stand together. */
        int pair = x->diff[d].op == TP_DIFF_MEMORY && d + 1 < x->diff_count &&
                   x->diff[d + 1].op == TP_DIFF_SEGMENT;
        const char *sp = pair ? "" : t + n;
        if (x->diff[d].op == TP_DIFF_SAME)
            printf("%.*s", (int)n, t);
        else if (x->diff[d].op == TP_DIFF_SEGMENT)
            printf(color ? "\033[32m%.*s\033[0m" : "{+%.*s+}", (int)n, t);
        else
            printf(color ? "\033[9;31m%.*s\033[0m" : "[-%.*s-]", (int)n, t);
        fputs(*sp ? " " : "", stdout);
    }
    putchar('\n');
}

static int tm_match(cli *c, int argc, char **argv)
{
    tp_tm_match_opts o = {NULL, NULL, NULL, 0, 0};
    int json = 0, i = 0;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        if (!strcmp(argv[i], "--")) {
            i++;
            break;
        } else if (!strcmp(argv[i], "--json")) {
            json = 1;
        } else if (!strcmp(argv[i], "--from") && i + 1 < argc) {
            o.from = argv[++i];
        } else if (!strcmp(argv[i], "--to") && i + 1 < argc) {
            o.to = argv[++i];
        } else if ((!strcmp(argv[i], "--min") || !strcmp(argv[i], "--limit")) && i + 1 < argc) {
            char *end;
            long n = strtol(argv[i + 1], &end, 10);
            int is_min = argv[i][2] == 'm' && argv[i][3] == 'i';
            if (*end || n < 1 || n > (is_min ? 100 : 1000))
                return cli_usage_error("tm", "%s takes a number from 1 to %d, not '%s'", argv[i],
                                       is_min ? 100 : 1000, argv[i + 1]);
            if (is_min)
                o.min_score = (int)n;
            else
                o.limit = (size_t)n;
            i++;
        } else {
            return cli_usage_error("tm", "unknown option '%s' for match", argv[i]);
        }
    }
    if (i == argc)
        return cli_usage_error("tm", "match needs a segment");
    int rc = cli_open_store(c);
    if (rc)
        return rc;
    /* Words after the options are one segment, quoted or not. */
    char *seg = cli_join_words(argc - i, argv + i);
    if (!seg)
        return cli_fail(TP_ERR_NOMEM, NULL);
    tp_tm_matches *m = NULL;
    tp_tm_terms *t = NULL;
    tp_error err;
    tp_status st = tp_tm_find(c->store, c->norm, seg, strlen(seg), &o, &m, &err);
    /* The glossary's forms in the language asked for, else in that of the best match. */
    const char *to = o.to;
    if (!to && m && m->count && m->items[0].target)
        to = m->items[0].target->lang;
    if (!st)
        st = tp_tm_terms_in(c->store, c->norm, seg, strlen(seg), to, &t, &err);
    if (st) {
        tp_tm_matches_free(m);
        free(seg);
        return cli_fail(st, &err);
    }
    if (json) {
        print_json(seg, m, t);
    } else {
        if (m->count == 0)
            printf("%s: no match in the translation memory\n", seg);
        for (size_t k = 0; k < m->count; k++) {
            const tp_tm_match *x = &m->items[k];
            const tp_tm_variant *s = &x->unit->variants[x->source];
            printf("%s%3d%%%s %s  (unit %lld", c->color ? "\033[1m" : "", x->score,
                   c->color ? "\033[0m" : "", tp_tm_match_kind_name(x->kind),
                   (long long)x->unit->id);
            if (x->pivot_unit)
                printf(", through unit %lld", (long long)x->pivot_unit->id);
            printf(")\n  %s: %s\n", s->lang, s->text);
            if (x->target)
                printf("  %s: %s\n", x->target->lang, x->target->text);
            if (x->kind != TP_TM_EXACT)
                print_diff(x, c->color);
        }
        if (t->count) {
            printf("glossary:\n");
            for (size_t k = 0; k < t->count; k++)
                printf("  %s -> %s%s%s%s\n", t->items[k].found,
                       t->items[k].preferred ? t->items[k].preferred : "(none)",
                       t->items[k].concept ? "  [" : "",
                       t->items[k].concept ? t->items[k].concept : "",
                       t->items[k].concept ? "]" : "");
        }
    }
    int found = m->count > 0;
    tp_tm_matches_free(m);
    tp_tm_terms_free(t);
    free(seg);
    return found ? EXIT_OK : EXIT_NOTHING;
}

static int tm_concordance(cli *c, int argc, char **argv)
{
    const char *lang = NULL;
    size_t limit = 100;
    int i = 0;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        if (!strcmp(argv[i], "--")) {
            i++;
            break;
        } else if (!strcmp(argv[i], "--lang") && i + 1 < argc) {
            lang = argv[++i];
        } else if (!strcmp(argv[i], "--limit") && i + 1 < argc) {
            char *end;
            long n = strtol(argv[++i], &end, 10);
            if (*end || n < 1 || n > 100000)
                return cli_usage_error("tm", "--limit takes a number from 1 to 100000");
            limit = (size_t)n;
        } else {
            return cli_usage_error("tm", "unknown option '%s' for concordance", argv[i]);
        }
    }
    if (i == argc)
        return cli_usage_error("tm", "concordance needs a text");
    int rc = cli_open_store(c);
    if (rc)
        return rc;
    char *text = cli_join_words(argc - i, argv + i);
    if (!text)
        return cli_fail(TP_ERR_NOMEM, NULL);
    tp_tm_hits *h = NULL;
    tp_error err;
    tp_status st = tp_tm_concordance(c->store, c->norm, text, strlen(text), lang, limit, &h, &err);
    if (st) {
        free(text);
        return cli_fail(st, &err);
    }
    for (size_t k = 0; k < h->count; k++) {
        const tp_tm_hit *x = &h->items[k];
        printf("unit %lld\n", (long long)x->unit->id);
        for (size_t v = 0; v < x->unit->variant_count; v++) {
            const tp_tm_variant *var = &x->unit->variants[v];
            printf("  %s: ", var->lang);
            if (v == x->variant && x->end > x->start && c->color)
                printf("%.*s\033[1;33m%.*s\033[0m%s\n", (int)x->start, var->text,
                       (int)(x->end - x->start), var->text + x->start, var->text + x->end);
            else
                printf("%s\n", var->text);
        }
    }
    if (h->count == 0)
        printf("%s: not in the translation memory\n", text);
    int found = h->count > 0;
    tp_tm_hits_free(h);
    free(text);
    return found ? EXIT_OK : EXIT_NOTHING;
}

static const struct {
    const char *name;
    int (*run)(cli *c, int argc, char **argv);
} verbs[] = {
    {"concordance", tm_concordance},
    {"export", tm_export},
    {"import", tm_import},
    {"match", tm_match},
    {"validate", tm_validate},
};

int cmd_tm(cli *c, int argc, char **argv)
{
    if (argc == 0)
        return cli_usage_error("tm", "a subcommand is needed: concordance, export, import, "
                                     "match or validate");
    for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
        if (!strcmp(argv[0], verbs[i].name))
            return verbs[i].run(c, argc - 1, argv + 1);
    return cli_usage_error("tm", "no subcommand '%s'", argv[0]);
}
