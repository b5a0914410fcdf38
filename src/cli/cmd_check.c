/* toponym check: runs the style checker over files (or stdin) and writes the findings in the
 * format an editor or CI reads: GNU messages, JSON (docs/json.md), SARIF 2.1.0, Checkstyle XML
 * or GitHub workflow annotations. Columns are Unicode code points, 1-based. */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef enum out_format { OUT_GNU, OUT_JSON, OUT_SARIF, OUT_CHECKSTYLE, OUT_GITHUB } out_format;

static const char *const format_names[] = {"gnu", "json", "sarif", "checkstyle", "github", NULL};

typedef struct run {
    out_format out;
    tp_severity fail_on;
    unsigned long files, findings, by_severity[4], names;
    int failed;          /* a finding reached --fail-on */
    int bad_input;       /* a file could not be read as text */
    int system;          /* a file could not be opened or read */
    int first;           /* nothing written yet (JSON and SARIF separators) */
} run;

static void xml_text(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        default:
            if ((unsigned char)*s < 0x20 && *s != '\t')
                fputc(' ', f);
            else
                fputc(*s, f);
        }
    }
}

/* GitHub's workflow commands: % CR LF are escaped everywhere, and , : in properties. */
static void gh_text(FILE *f, const char *s, int property)
{
    for (; *s; s++) {
        if (*s == '%')
            fputs("%25", f);
        else if (*s == '\r')
            fputs("%0D", f);
        else if (*s == '\n')
            fputs("%0A", f);
        else if (property && *s == ':')
            fputs("%3A", f);
        else if (property && *s == ',')
            fputs("%2C", f);
        else
            fputc(*s, f);
    }
}

static const char *sarif_level(tp_severity s)
{
    return s == TP_SEVERITY_ERROR ? "error" : s == TP_SEVERITY_WARNING ? "warning" : "note";
}

static void json_opt(FILE *f, const char *name, const char *v)
{
    fprintf(f, ",\"%s\":", name);
    if (v)
        cli_json_string(f, v);
    else
        fputs("null", f);
}

static void begin_output(run *r)
{
    if (r->out == OUT_JSON) {
        fputs("{\"version\":1,\"columnKind\":\"unicodeCodePoints\",\"files\":[", stdout);
    } else if (r->out == OUT_SARIF) {
        fputs("{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\",\"version\":\"2.1.0\","
              "\"runs\":[{\"tool\":{\"driver\":{\"name\":\"toponym\",\"version\":\"" TP_VERSION
              "\",\"informationUri\":\"https://example.invalid/toponym\",\"rules\":[", stdout);
        for (size_t i = 0; tp_check_rules[i]; i++)
            printf("%s{\"id\":\"%s\"}", i ? "," : "", tp_check_rules[i]);
        fputs("]}},\"columnKind\":\"unicodeCodePoints\",\"results\":[", stdout);
    } else if (r->out == OUT_CHECKSTYLE) {
        fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<checkstyle version=\"4.3\">\n", stdout);
    }
}

static void end_output(run *r)
{
    if (r->out == OUT_JSON) {
        printf("],\"summary\":{\"files\":%lu,\"names\":%lu,\"findings\":%lu,\"errors\":%lu,"
               "\"warnings\":%lu,\"infos\":%lu}}\n",
               r->files, r->names, r->findings, r->by_severity[TP_SEVERITY_ERROR],
               r->by_severity[TP_SEVERITY_WARNING], r->by_severity[TP_SEVERITY_INFO]);
    } else if (r->out == OUT_SARIF) {
        fputs("]}]}\n", stdout);
    } else if (r->out == OUT_CHECKSTYLE) {
        fputs("</checkstyle>\n", stdout);
    }
}

static void print_findings(run *r, const char *file, const tp_findings *fs)
{
    FILE *f = stdout;
    if (r->out == OUT_JSON) {
        fputs(r->first ? "{\"file\":" : ",{\"file\":", f);
        r->first = 0;
        cli_json_string(f, file);
        fputs(",\"lang\":", f);
        cli_json_string(f, fs->lang);
        fprintf(f, ",\"names\":%lu,\"findings\":[", fs->names);
    } else if (r->out == OUT_CHECKSTYLE) {
        fputs("<file name=\"", f);
        xml_text(f, file);
        fputs("\">\n", f);
    }
    for (size_t i = 0; i < fs->count; i++) {
        const tp_finding *x = &fs->items[i];
        const char *sev = tp_severity_name(x->severity);
        switch (r->out) {
        case OUT_GNU:
            fprintf(f, "%s:%lu:%lu: %s: %s [%s]\n", file, x->line, x->column, sev, x->message,
                    x->rule);
            break;
        case OUT_JSON:
            fprintf(f, "%s{\"line\":%lu,\"column\":%lu,\"endLine\":%lu,\"endColumn\":%lu,"
                       "\"severity\":\"%s\",\"rule\":",
                    i ? "," : "", x->line, x->column, x->end_line, x->end_column, sev);
            cli_json_string(f, x->rule);
            fputs(",\"message\":", f);
            cli_json_string(f, x->message);
            fputs(",\"found\":", f);
            cli_json_string(f, x->found);
            json_opt(f, "suggestion", x->suggestion);
            json_opt(f, "concept", x->concept);
            fputc('}', f);
            break;
        case OUT_SARIF:
            fprintf(f, "%s{\"ruleId\":", r->first ? "" : ",");
            r->first = 0;
            cli_json_string(f, x->rule);
            fprintf(f, ",\"level\":\"%s\",\"message\":{\"text\":", sarif_level(x->severity));
            cli_json_string(f, x->message);
            fputs("},\"locations\":[{\"physicalLocation\":{\"artifactLocation\":{\"uri\":", f);
            cli_json_string(f, file);
            fprintf(f, "},\"region\":{\"startLine\":%lu,\"startColumn\":%lu,\"endLine\":%lu,"
                       "\"endColumn\":%lu,\"snippet\":{\"text\":",
                    x->line, x->column, x->end_line, x->end_column);
            cli_json_string(f, x->found);
            fputs("}}}}]", f);
            if (x->suggestion || x->concept) {
                fputs(",\"properties\":{", f);
                if (x->suggestion) {
                    fputs("\"suggestion\":", f);
                    cli_json_string(f, x->suggestion);
                }
                if (x->concept) {
                    fputs(x->suggestion ? ",\"concept\":" : "\"concept\":", f);
                    cli_json_string(f, x->concept);
                }
                fputc('}', f);
            }
            fputc('}', f);
            break;
        case OUT_CHECKSTYLE:
            fprintf(f, "  <error line=\"%lu\" column=\"%lu\" severity=\"%s\" message=\"", x->line,
                    x->column, x->severity == TP_SEVERITY_INFO ? "info" : sev);
            xml_text(f, x->message);
            fputs("\" source=\"toponym.", f);
            xml_text(f, x->rule);
            fputs("\"/>\n", f);
            break;
        case OUT_GITHUB:
            fprintf(f, "::%s file=", x->severity == TP_SEVERITY_ERROR     ? "error"
                                     : x->severity == TP_SEVERITY_WARNING ? "warning"
                                                                          : "notice");
            gh_text(f, file, 1);
            fprintf(f, ",line=%lu,col=%lu,endLine=%lu,endColumn=%lu,title=", x->line, x->column,
                    x->end_line, x->end_column);
            gh_text(f, x->rule, 1);
            fputs("::", f);
            gh_text(f, x->message, 0);
            fputc('\n', f);
            break;
        }
        r->findings++;
        r->by_severity[x->severity]++;
        if (x->severity >= r->fail_on && r->fail_on != TP_SEVERITY_NONE)
            r->failed = 1;
    }
    if (r->out == OUT_JSON)
        fputs("]}", f);
    else if (r->out == OUT_CHECKSTYLE)
        fputs("</file>\n", f);
    r->names += fs->names;
}

/* Streams one file through the checker. Returns 0, or the exit code of an error. */
static int check_file(cli *c, run *r, tp_checker *ck, const char *path, const char *lang,
                      tp_check_format format)
{
    int is_stdin = !strcmp(path, "-");
    FILE *in = is_stdin ? stdin : fopen(path, "rb");
    if (!in) {
        fprintf(stderr, "toponym: %s: %s\n", path, strerror(errno));
        r->system = 1;
        return EXIT_USAGE;
    }
    const char *name = is_stdin ? "<stdin>" : path;
    tp_check_doc *doc = NULL;
    tp_error err;
    tp_status st = tp_check_begin(ck, name, format == TP_CHECK_AUTO && is_stdin ? TP_CHECK_TEXT
                                                                                 : format,
                                  lang, &doc, &err);
    char buf[65536];
    size_t n;
    while (!st && (n = fread(buf, 1, sizeof buf, in)) > 0)
        st = tp_check_feed(doc, buf, n, &err);
    int read_error = ferror(in);
    if (!is_stdin)
        fclose(in);
    if (!st && read_error) {
        tp_check_abort(doc);
        fprintf(stderr, "toponym: %s: read error\n", name);
        r->system = 1;
        return EXIT_USAGE;
    }
    tp_findings *fs = NULL;
    if (!st) {
        st = tp_check_end(doc, &fs, &err);
    } else {
        tp_check_abort(doc);
    }
    if (st) {
        int code = cli_fail(st, &err);
        if (code == EXIT_INPUT)
            r->bad_input = 1;
        else
            r->system = 1;
        return code;
    }
    (void)c;
    r->files++;
    print_findings(r, name, fs);
    tp_findings_free(fs);
    return EXIT_OK;
}

/* Checks the words given on the command line as one line of plain text (`check --text`, and
 * `check` followed by text in the interactive session). */
static void check_words(run *r, tp_checker *ck, int argc, char **argv, const char *lang)
{
    char *line = cli_join_words(argc, argv);
    if (!line) {
        fputs("toponym: out of memory\n", stderr);
        r->system = 1;
        return;
    }
    tp_findings *fs = NULL;
    tp_error err;
    tp_status st = tp_check_text(ck, "<text>", TP_CHECK_TEXT, lang, line, strlen(line), &fs, &err);
    free(line);
    if (st) {
        if (cli_fail(st, &err) == EXIT_INPUT)
            r->bad_input = 1;
        else
            r->system = 1;
        return;
    }
    r->files++;
    print_findings(r, "<text>", fs);
    tp_findings_free(fs);
}

int cmd_check(cli *c, int argc, char **argv)
{
    const char *lang = NULL, *rules = NULL;
    run r = {OUT_GNU, TP_SEVERITY_ERROR, 0, 0, {0}, 0, 0, 0, 0, 1};
    tp_check_format format = TP_CHECK_AUTO;
    int summary = isatty(STDERR_FILENO), i = 0, text = 0;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--")) {
            i++;
            break;
        } else if (!strcmp(a, "--text")) {
            text = 1;
        } else if (!strcmp(a, "--summary")) {
            summary = 1;
        } else if (!strcmp(a, "--no-summary")) {
            summary = 0;
        } else if (i + 1 >= argc) {
            return cli_usage_error("check", "unknown option or missing value: '%s'", a);
        } else if (!strcmp(a, "--lang")) {
            lang = argv[++i];
            if (strcmp(lang, "en") && strcmp(lang, "ja") && strcmp(lang, "ru"))
                return cli_usage_error("check", "--lang takes en, ja or ru, not '%s'", lang);
        } else if (!strcmp(a, "--format")) {
            const char *v = argv[++i];
            size_t k = 0;
            while (format_names[k] && strcmp(format_names[k], v))
                k++;
            if (!format_names[k])
                return cli_usage_error("check", "--format takes gnu, json, sarif, checkstyle or "
                                                "github, not '%s'", v);
            r.out = (out_format)k;
        } else if (!strcmp(a, "--fail-on")) {
            const char *v = argv[++i];
            if (tp_severity_parse(v, &r.fail_on))
                return cli_usage_error("check", "--fail-on takes error, warning, info or none, "
                                                "not '%s'", v);
        } else if (!strcmp(a, "--rules")) {
            rules = argv[++i];
        } else if (!strcmp(a, "--input")) {
            const char *v = argv[++i];
            if (!strcmp(v, "text")) format = TP_CHECK_TEXT;
            else if (!strcmp(v, "markdown")) format = TP_CHECK_MARKDOWN;
            else if (!strcmp(v, "html")) format = TP_CHECK_HTML;
            else if (!strcmp(v, "xml")) format = TP_CHECK_XML;
            else
                return cli_usage_error("check", "--input takes text, markdown, html or xml, not "
                                                "'%s'", v);
        } else {
            return cli_usage_error("check", "unknown option '%s'", a);
        }
    }
    if (i == argc)
        return cli_usage_error("check", text ? "a text to check is needed"
                                             : "a file (or - for standard input) is needed");
    int rc = cli_open_store(c);
    if (rc)
        return rc;
    /* The checker is built once per session (the REPL keeps it until the store changes);
     * a rules file makes a checker of its own. */
    tp_checker *ck = rules ? NULL : c->checker;
    tp_error err;
    tp_status st = TP_OK;
    if (!ck) {
        st = tp_checker_new(c->store, c->norm, &ck, &err);
        if (!st && rules)
            st = tp_checker_load_rules(ck, rules, &err);
        if (st) {
            tp_checker_free(ck);
            return cli_fail(st, &err);
        }
        if (!rules)
            c->checker = ck;
    }
    begin_output(&r);
    if (text)
        check_words(&r, ck, argc - i, argv + i, lang);
    else
        for (; i < argc; i++)
            check_file(c, &r, ck, argv[i], lang, format);
    end_output(&r);
    fflush(stdout);
    if (summary)
        fprintf(stderr, "toponym: %lu file%s, %lu place name%s, %lu finding%s (%lu error%s, %lu "
                        "warning%s, %lu info)\n",
                r.files, r.files == 1 ? "" : "s", r.names, r.names == 1 ? "" : "s", r.findings,
                r.findings == 1 ? "" : "s", r.by_severity[TP_SEVERITY_ERROR],
                r.by_severity[TP_SEVERITY_ERROR] == 1 ? "" : "s",
                r.by_severity[TP_SEVERITY_WARNING],
                r.by_severity[TP_SEVERITY_WARNING] == 1 ? "" : "s",
                r.by_severity[TP_SEVERITY_INFO]);
    if (ck != c->checker)
        tp_checker_free(ck);
    if (r.system)
        return EXIT_USAGE;
    if (r.bad_input)
        return EXIT_INPUT;
    return r.failed ? EXIT_NOTHING : EXIT_OK;
}
