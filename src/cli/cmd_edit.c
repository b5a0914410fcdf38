/* toponym add, edit, rm, show and undo: curating the store by hand. Each command is one change
 * in the store's history (one library call), so `toponym undo` reverts it whole. The REPL will
 * call these same functions. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

/* A concept named on the command line: its ext_id, or #N for the row id. */
static int find_concept(cli *c, const char *name, tp_concept **out)
{
    tp_error err;
    tp_status st;
    if (name[0] == '#') {
        char *end;
        long long id = strtoll(name + 1, &end, 10);
        if (*end || id <= 0) {
            fprintf(stderr, "toponym: '%s' is not a concept number\n", name);
            return EXIT_USAGE;
        }
        st = tp_store_get_concept(c->store, id, out, &err);
    } else {
        st = tp_store_find_concept(c->store, name, out, &err);
    }
    if (st == TP_ERR_NOTFOUND) {
        fprintf(stderr, "toponym: no concept '%s'\n", name);
        return EXIT_NOTHING;
    }
    return st ? cli_fail(st, &err) : EXIT_OK;
}

/* Fills t from "LANG:TEXT[;field=value...]" (fields: status, reading, usage, note, source,
 * scheme); strings point into spec, which is changed. *set gets a bit per field given. */
static int parse_term(const char *command, char *spec, tp_term *t, unsigned *set)
{
    char *colon = strchr(spec, ':');
    *set = 0;
    if (!colon || colon == spec || !colon[1])
        return cli_usage_error(command, "a term is LANG:TEXT, as in ja:択捉島, not '%s'", spec);
    *colon = '\0';
    static char lang[64];
    if (tp_lang_canonical(spec, lang, sizeof lang))
        return cli_usage_error(command, "unknown language code '%s'", spec);
    t->lang = lang;
    char *rest = colon + 1, *field = strchr(rest, ';');
    if (field)
        *field++ = '\0';
    t->text = rest;
    while (field) {
        char *next = strchr(field, ';'), *eq = strchr(field, '=');
        if (next)
            *next++ = '\0';
        if (!eq)
            return cli_usage_error(command, "a term field is NAME=VALUE, not '%s'", field);
        *eq++ = '\0';
        char *v = *eq ? eq : NULL;
        if (!strcmp(field, "status")) {
            if (!v || tp_term_status_parse(v, &t->status))
                return cli_usage_error(command, "unknown status '%s'", eq);
            *set |= 1;
        } else if (!strcmp(field, "reading")) {
            t->reading = v, *set |= 2;
        } else if (!strcmp(field, "usage")) {
            t->usage = v, *set |= 4;
        } else if (!strcmp(field, "note")) {
            t->note = v, *set |= 8;
        } else if (!strcmp(field, "source")) {
            t->source = v, *set |= 16;
        } else if (!strcmp(field, "scheme")) {
            t->scheme = TP_SCHEME_NONE;
            if (v && tp_scheme_parse(v, &t->scheme))
                return cli_usage_error(command, "unknown scheme '%s'", v);
            *set |= 32;
        } else {
            return cli_usage_error(command, "unknown term field '%s'", field);
        }
        field = next;
    }
    return EXIT_OK;
}

static const char *concept_name(const tp_concept *k, char *buf, size_t cap)
{
    if (k->ext_id)
        return k->ext_id;
    snprintf(buf, cap, "#%lld", (long long)k->id);
    return buf;
}

/* Concept-level options shared by add and edit; returns 1 when argv[*i] was one. */
static int concept_option(const char *command, int argc, char **argv, int *i, tp_concept *k,
                          int *rc)
{
    const char *a = argv[*i];
    char **field = !strcmp(a, "--id")        ? &k->ext_id
                   : !strcmp(a, "--subject") ? &k->subject
                   : !strcmp(a, "--note")    ? &k->note
                   : !strcmp(a, "--source")  ? &k->source
                                             : NULL;
    if (!field && strcmp(a, "--link"))
        return 0;
    if (*i + 1 >= argc) {
        *rc = cli_usage_error(command, "%s needs a value", a);
        return 1;
    }
    const char *v = argv[++*i];
    tp_error err;
    if (!field)
        *rc = tp_concept_add_link(k, v, NULL, &err) ? EXIT_USAGE : EXIT_OK;
    else
        *rc = tp_concept_set(field, *v ? v : NULL, &err) ? EXIT_USAGE : EXIT_OK;
    return 1;
}

int cmd_add(cli *c, int argc, char **argv)
{
    tp_concept *k = tp_concept_new();
    int rc = k ? EXIT_OK : EXIT_USAGE;
    for (int i = 0; !rc && i < argc; i++) {
        if (concept_option("add", argc, argv, &i, k, &rc))
            continue;
        if (argv[i][0] == '-' && argv[i][1]) {
            rc = cli_usage_error("add", "unknown option '%s'", argv[i]);
            break;
        }
        tp_term t = {0};
        unsigned set;
        char *spec = strdup(argv[i]);
        tp_error err;
        if (!spec || (rc = parse_term("add", spec, &t, &set))) {
            free(spec);
            break;
        }
        if (!(set & 1)) /* the first term of a language is its preferred one */
            t.status = tp_concept_preferred(k, t.lang) ? TP_TERM_ADMITTED : TP_TERM_PREFERRED;
        if (tp_concept_add_term(k, &t, &err))
            rc = cli_fail(TP_ERR_NOMEM, &err);
        free(spec);
    }
    if (!rc && k->term_count == 0)
        rc = cli_usage_error("add", "a concept needs at least one term (LANG:TEXT)");
    if (!rc)
        rc = cli_open_store(c);
    if (!rc) {
        tp_error err;
        char what[300], buf[32];
        snprintf(what, sizeof what, "add %s", k->ext_id ? k->ext_id : k->terms[0].text);
        tp_status st = tp_store_describe(c->store, what, &err);
        if (!st)
            st = tp_store_add_concept(c->store, k, &err);
        rc = st ? cli_fail(st == TP_ERR_ARG ? TP_ERR_INPUT : st, &err) : EXIT_OK;
        if (!rc)
            printf("added %s\n", concept_name(k, buf, sizeof buf));
    }
    tp_concept_free(k);
    return rc;
}

/* Removes term i of k. */
static void drop_term(tp_concept *k, size_t i)
{
    tp_concept *tmp = tp_concept_new();
    if (!tmp)
        return;
    /* Freed through a scratch concept that owns just this term. */
    tmp->terms = malloc(sizeof *tmp->terms);
    if (tmp->terms) {
        tmp->terms[0] = k->terms[i];
        tmp->term_count = 1;
        memmove(&k->terms[i], &k->terms[i + 1], (k->term_count - i - 1) * sizeof *k->terms);
        k->term_count--;
    }
    tp_concept_free(tmp);
}

static long find_term(const tp_concept *k, const char *lang, const char *text)
{
    for (size_t i = 0; i < k->term_count; i++)
        if (!strcmp(k->terms[i].lang, lang) && !strcmp(k->terms[i].text, text))
            return (long)i;
    return -1;
}

int cmd_edit(cli *c, int argc, char **argv)
{
    if (argc < 2)
        return cli_usage_error("edit", "a concept and what to change are needed");
    int rc = cli_open_store(c);
    tp_concept *k = NULL;
    if (rc || (rc = find_concept(c, argv[0], &k)))
        return rc;
    tp_error err;
    for (int i = 1; !rc && i < argc; i++) {
        if (concept_option("edit", argc, argv, &i, k, &rc))
            continue;
        int rm = !strcmp(argv[i], "--rm-term");
        if (!rm && strcmp(argv[i], "--term")) {
            rc = cli_usage_error("edit", "unknown argument '%s'", argv[i]);
            break;
        }
        if (i + 1 >= argc) {
            rc = cli_usage_error("edit", "%s needs LANG:TEXT", argv[i]);
            break;
        }
        char *spec = strdup(argv[++i]);
        tp_term t = {0};
        unsigned set;
        if (!spec || (rc = parse_term("edit", spec, &t, &set))) {
            free(spec);
            break;
        }
        long at = find_term(k, t.lang, t.text);
        if (rm) {
            if (at < 0) {
                fprintf(stderr, "toponym: %s has no term %s:%s\n", argv[0], t.lang, t.text);
                rc = EXIT_NOTHING;
            } else {
                drop_term(k, (size_t)at);
            }
        } else if (at < 0) {
            if (!(set & 1))
                t.status = tp_concept_preferred(k, t.lang) ? TP_TERM_ADMITTED : TP_TERM_PREFERRED;
            if (tp_concept_add_term(k, &t, &err))
                rc = cli_fail(TP_ERR_NOMEM, &err);
        } else {
            tp_term *old = &k->terms[at];
            if (set & 1)
                old->status = t.status;
            if (set & 32)
                old->scheme = t.scheme;
            if (((set & 2) && tp_concept_set(&old->reading, t.reading, &err)) ||
                ((set & 4) && tp_concept_set(&old->usage, t.usage, &err)) ||
                ((set & 8) && tp_concept_set(&old->note, t.note, &err)) ||
                ((set & 16) && tp_concept_set(&old->source, t.source, &err)))
                rc = cli_fail(TP_ERR_NOMEM, &err);
        }
        free(spec);
    }
    if (!rc) {
        char what[300], buf[32];
        snprintf(what, sizeof what, "edit %s", concept_name(k, buf, sizeof buf));
        tp_status st = tp_store_describe(c->store, what, &err);
        if (!st)
            st = tp_store_update_concept(c->store, k, &err);
        rc = st ? cli_fail(st == TP_ERR_ARG ? TP_ERR_INPUT : st, &err) : EXIT_OK;
        if (!rc)
            printf("changed %s\n", concept_name(k, buf, sizeof buf));
    }
    tp_concept_free(k);
    return rc;
}

int cmd_rm(cli *c, int argc, char **argv)
{
    if (argc != 1 && !(argc == 3 && !strcmp(argv[1], "--term")))
        return cli_usage_error("rm", "takes a concept, and optionally --term LANG:TEXT");
    int rc = cli_open_store(c);
    tp_concept *k = NULL;
    if (rc || (rc = find_concept(c, argv[0], &k)))
        return rc;
    tp_error err;
    tp_status st;
    char what[300], buf[32];
    snprintf(what, sizeof what, "rm %s%s%s", concept_name(k, buf, sizeof buf),
             argc == 3 ? " " : "", argc == 3 ? argv[2] : "");
    if ((st = tp_store_describe(c->store, what, &err))) {
        tp_concept_free(k);
        return cli_fail(st, &err);
    }
    if (argc == 1) {
        st = tp_store_delete_concept(c->store, k->id, &err);
    } else {
        char *spec = strdup(argv[2]);
        tp_term t = {0};
        unsigned set;
        if (!spec || (rc = parse_term("rm", spec, &t, &set))) {
            free(spec);
            tp_concept_free(k);
            return rc ? rc : EXIT_USAGE;
        }
        long at = find_term(k, t.lang, t.text);
        free(spec);
        if (at < 0) {
            fprintf(stderr, "toponym: %s has no term %s\n", argv[0], argv[2]);
            tp_concept_free(k);
            return EXIT_NOTHING;
        }
        st = tp_store_delete_term(c->store, k->terms[at].id, &err);
    }
    tp_concept_free(k);
    if (st)
        return cli_fail(st == TP_ERR_ARG ? TP_ERR_INPUT : st, &err);
    printf("removed %s%s%s\n", argv[0], argc == 3 ? " " : "", argc == 3 ? argv[2] : "");
    return EXIT_OK;
}

static void json_opt(const char *name, const char *v)
{
    if (!v)
        return;
    printf(",\"%s\":", name);
    cli_json_string(stdout, v);
}

int cmd_show(cli *c, int argc, char **argv)
{
    int json = argc == 2 && !strcmp(argv[0], "--json");
    if (argc != 1 + json)
        return cli_usage_error("show", "takes one concept (its id, or #number)");
    int rc = cli_open_store(c);
    tp_concept *k = NULL;
    if (rc || (rc = find_concept(c, argv[json], &k)))
        return rc;
    char buf[32];
    if (json) {
        printf("{\"concept\":");
        cli_json_string(stdout, concept_name(k, buf, sizeof buf));
        printf(",\"number\":%lld", (long long)k->id);
        json_opt("subject", k->subject);
        json_opt("note", k->note);
        json_opt("source", k->source);
        printf(",\"terms\":[");
        for (size_t i = 0; i < k->term_count; i++) {
            const tp_term *t = &k->terms[i];
            printf("%s{\"lang\":", i ? "," : "");
            cli_json_string(stdout, t->lang);
            printf(",\"text\":");
            cli_json_string(stdout, t->text);
            printf(",\"status\":\"%s\"", tp_term_status_name(t->status));
            if (t->scheme)
                json_opt("scheme", tp_scheme_name(t->scheme));
            json_opt("reading", t->reading);
            json_opt("usage", t->usage);
            json_opt("note", t->note);
            json_opt("source", t->source);
            json_opt("extra", t->extra);
            printf("}");
        }
        printf("],\"links\":");
        cli_json_links(stdout, k);
        json_opt("extra", k->extra);
        printf("}\n");
        tp_concept_free(k);
        return EXIT_OK;
    }
    printf("%s  (#%lld)\n", concept_name(k, buf, sizeof buf), (long long)k->id);
    if (k->subject)
        printf("  subject: %s\n", k->subject);
    for (size_t i = 0; i < k->term_count; i++) {
        const tp_term *t = &k->terms[i];
        printf("  ");
        cli_pad(stdout, t->lang, 9);
        cli_pad(stdout, t->text, 24);
        printf("%s", tp_term_status_name(t->status));
        if (t->reading)
            printf("  reading %s", t->reading);
        if (t->scheme)
            printf("  %s", tp_scheme_name(t->scheme));
        if (t->usage)
            printf("  [%s]", t->usage);
        putchar('\n');
        if (t->note)
            printf("             note: %s\n", t->note);
        if (t->source)
            printf("             source: %s\n", t->source);
    }
    if (k->note)
        printf("  note: %s\n", k->note);
    if (k->source)
        printf("  source: %s\n", k->source);
    if (k->link_count) {
        fputs("  see also:", stdout);
        cli_print_links(stdout, k);
    }
    tp_concept_free(k);
    return EXIT_OK;
}

int cmd_undo(cli *c, int argc, char **argv)
{
    int dry = argc == 1 && !strcmp(argv[0], "--dry-run");
    if (argc > dry)
        return cli_usage_error("undo", "takes no arguments but --dry-run");
    int rc = cli_open_store(c);
    if (rc)
        return rc;
    tp_store_change ch;
    tp_error err;
    tp_status st = dry ? tp_store_last_change(c->store, &ch, &err)
                       : tp_store_undo(c->store, &ch, &err);
    if (st == TP_ERR_NOTFOUND) {
        fprintf(stderr, "toponym: nothing to undo\n");
        return EXIT_NOTHING;
    }
    if (st)
        return cli_fail(st, &err);
    printf("%s %s (%s, %ld concept%s)\n", dry ? "would undo:" : "undone:", ch.summary, ch.at,
           ch.concepts, ch.concepts == 1 ? "" : "s");
    return EXIT_OK;
}
