/* toponym lookup: every entry a query lands on, with all its terms, in text or JSON
 * (the JSON schema is documented in docs/json.md). */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static const char *status_color(tp_term_status s)
{
    switch (s) {
    case TP_TERM_PREFERRED: return "\033[1;32m";
    case TP_TERM_ADMITTED: return "";
    case TP_TERM_DEPRECATED:
    case TP_TERM_FORBIDDEN: return "\033[1;31m";
    case TP_TERM_SUPERSEDED: return "\033[33m";
    }
    return "";
}

static void json_field(FILE *f, const char *name, const char *value)
{
    if (!value)
        return;
    fprintf(f, ",\"%s\":", name);
    cli_json_string(f, value);
}

static void print_json(FILE *f, const char *query, const tp_matches *m)
{
    fputs("{\"query\":", f);
    cli_json_string(f, query);
    fputs(",\"matches\":[", f);
    for (size_t i = 0; i < m->count; i++) {
        const tp_match *mt = &m->items[i];
        const tp_concept *c = mt->concept;
        const tp_term *hit = &c->terms[mt->term];
        fprintf(f, "%s{\"concept\":", i ? "," : "");
        cli_json_string(f, c->ext_id ? c->ext_id : "");
        fprintf(f, ",\"score\":%d,\"match\":\"%s\",\"distance\":%u,\"matched_term\":{\"lang\":",
                mt->score, tp_match_kind_name(mt->kind), mt->distance);
        cli_json_string(f, hit->lang);
        fputs(",\"text\":", f);
        cli_json_string(f, hit->text);
        fputc('}', f);
        json_field(f, "subject", c->subject);
        json_field(f, "note", c->note);
        json_field(f, "source", c->source);
        fputs(",\"terms\":[", f);
        for (size_t t = 0; t < c->term_count; t++) {
            const tp_term *tm = &c->terms[t];
            fputs(t ? ",{\"lang\":" : "{\"lang\":", f);
            cli_json_string(f, tm->lang);
            fputs(",\"text\":", f);
            cli_json_string(f, tm->text);
            fprintf(f, ",\"status\":\"%s\"", tp_term_status_name(tm->status));
            if (tm->scheme)
                json_field(f, "scheme", tp_scheme_name(tm->scheme));
            json_field(f, "reading", tm->reading);
            json_field(f, "usage", tm->usage);
            json_field(f, "note", tm->note);
            json_field(f, "source", tm->source);
            fputc('}', f);
        }
        fputs("],\"links\":", f);
        cli_json_links(f, c);
        fputc('}', f);
    }
    fputs("]}\n", f);
}

/* The entry's preferred name romanised by the session's scheme: the Russian term for a Russian
 * scheme, the Japanese term's reading (or text) for a Japanese one. */
static void print_romanised(FILE *f, cli *cl, const tp_concept *c)
{
    int ja = tp_scheme_is_japanese(cl->scheme);
    const tp_term *t = tp_concept_preferred(c, ja ? "ja" : "ru");
    if (!t)
        return;
    const char *src = ja && t->reading ? t->reading : t->text;
    char *out = NULL;
    tp_error err;
    if (tp_translit(cl->norm, cl->scheme, src, strlen(src), &out, &err) == TP_OK)
        fprintf(f, "  %s: %s\n", tp_scheme_name(cl->scheme), out);
    free(out);
}

static void print_text(FILE *f, cli *cl, const tp_match *mt)
{
    int color = cl->color;
    const tp_concept *c = mt->concept;
    const tp_term *hit = &c->terms[mt->term];
    const tp_term *head = tp_concept_preferred(c, cl->out_lang ? cl->out_lang : "en");
    if (!head)
        head = tp_concept_preferred(c, "en");
    if (!head)
        head = &c->terms[0];
    fprintf(f, "%s%s%s", color ? "\033[1m" : "", head->text, color ? "\033[0m" : "");
    if (c->subject)
        fprintf(f, "  (%s)", c->subject);
    fprintf(f, "  [%s]\n", c->ext_id ? c->ext_id : "");
    fprintf(f, "  match: %s, score %d, on \"%s\" (%s)", tp_match_kind_name(mt->kind), mt->score,
            hit->text, hit->lang);
    if (mt->distance)
        fprintf(f, ", %u edit%s away", mt->distance, mt->distance == 1 ? "" : "s");
    fputc('\n', f);
    size_t wl = 4, wt = 0;
    for (size_t i = 0; i < c->term_count; i++) {
        size_t w = cli_width(c->terms[i].lang);
        if (w > wl)
            wl = w;
        w = cli_width(c->terms[i].text);
        if (w > wt)
            wt = w;
    }
    const char *prev_lang = "";
    for (size_t i = 0; i < c->term_count; i++) {
        const tp_term *t = &c->terms[i];
        fputs("  ", f);
        cli_pad(f, strcmp(t->lang, prev_lang) ? t->lang : "", wl + 2);
        prev_lang = t->lang;
        if (color && i == mt->term)
            fputs("\033[4m", f);
        cli_pad(f, t->text, wt + 2);
        if (color && i == mt->term)
            fputs("\033[24m", f);
        if (color)
            fprintf(f, "%s%s\033[0m", status_color(t->status), tp_term_status_name(t->status));
        else
            fputs(tp_term_status_name(t->status), f);
        if (t->reading)
            fprintf(f, "  reading %s", t->reading);
        if (t->scheme)
            fprintf(f, "  %s", tp_scheme_name(t->scheme));
        if (t->usage)
            fprintf(f, "  [%s]", t->usage);
        fputc('\n', f);
        if (t->note)
            fprintf(f, "  %*s  note: %s\n", (int)wl, "", t->note);
    }
    if (cl->scheme)
        print_romanised(f, cl, c);
    if (c->note)
        fprintf(f, "  note: %s\n", c->note);
    if (c->source)
        fprintf(f, "  source: %s\n", c->source);
    if (c->link_count) {
        fputs("  see also:", f);
        cli_print_links(f, c);
    }
}

int cli_print_lookup(cli *c, const char *query, const tp_lookup_opts *opts, int json)
{
    tp_matches *m = NULL;
    tp_error err;
    tp_status st = tp_lookup(c->store, c->norm, query, strlen(query), opts, &m, &err);
    if (st)
        return -cli_fail(st, &err);
    if (json) {
        print_json(stdout, query, m);
    } else if (m->count == 0) {
        printf("%s: no entry\n", query);
    } else {
        for (size_t i = 0; i < m->count; i++) {
            if (i)
                putchar('\n');
            print_text(stdout, c, &m->items[i]);
        }
    }
    int found = m->count > 0;
    tp_matches_free(m);
    return found;
}

int cmd_lookup(cli *c, int argc, char **argv)
{
    tp_lookup_opts opts = {NULL, 10, 0};
    int json = c->json, i = 0;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        if (!strcmp(argv[i], "--")) {
            i++;
            break;
        } else if (!strcmp(argv[i], "--json")) {
            json = 1;
        } else if (!strcmp(argv[i], "--no-fuzzy")) {
            opts.flags |= TP_LOOKUP_NO_FUZZY;
        } else if (!strcmp(argv[i], "--lang") && i + 1 < argc) {
            opts.lang = argv[++i];
            if (strcmp(opts.lang, "en") && strcmp(opts.lang, "ja") && strcmp(opts.lang, "ru"))
                return cli_usage_error("lookup", "--lang takes en, ja or ru, not '%s'", opts.lang);
        } else if (!strcmp(argv[i], "--limit") && i + 1 < argc) {
            char *end;
            long n = strtol(argv[++i], &end, 10);
            if (*end || n < 1 || n > 1000)
                return cli_usage_error("lookup", "--limit takes a number from 1 to 1000, not '%s'",
                                       argv[i]);
            opts.limit = (size_t)n;
        } else {
            return cli_usage_error("lookup", "unknown option '%s'", argv[i]);
        }
    }
    if (i == argc)
        return cli_usage_error("lookup", "a query is needed");
    int rc = cli_open_store(c);
    if (rc)
        return rc;
    int any = 0;
    for (; i < argc; i++) {
        int r = cli_print_lookup(c, argv[i], &opts, json);
        if (r < 0)
            return -r;
        if (!json && i + 1 < argc)
            putchar('\n');
        any |= r;
    }
    return any ? EXIT_OK : EXIT_NOTHING;
}
