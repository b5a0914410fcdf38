/* toponym stats: what the store holds. */
#include "cli.h"

#include <string.h>

int cmd_stats(cli *c, int argc, char **argv)
{
    int json = 0;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--json"))
            json = 1;
        else
            return cli_usage_error("stats", "unknown argument '%s'", argv[i]);
    }
    int rc = cli_open_store(c);
    if (rc)
        return rc;
    tp_store_stats *s = NULL;
    tp_error err;
    tp_status st = tp_store_stats_get(c->store, &s, &err);
    if (st)
        return cli_fail(st, &err);
    if (json) {
        printf("{\"concepts\":%ld,\"terms\":%ld,\"keys\":%ld,\"by_language\":[", s->concepts,
               s->terms, s->keys);
        for (size_t i = 0; i < s->count_len; i++) {
            printf("%s{\"lang\":", i ? "," : "");
            cli_json_string(stdout, s->counts[i].lang);
            printf(",\"status\":\"%s\",\"terms\":%ld}", tp_term_status_name(s->counts[i].status),
                   s->counts[i].count);
        }
        puts("]}");
    } else {
        printf("concepts  %ld\nterms     %ld\nkeys      %ld\n\n", s->concepts, s->terms, s->keys);
        printf("%-10s %-11s %s\n", "language", "status", "terms");
        for (size_t i = 0; i < s->count_len; i++)
            printf("%-10s %-11s %ld\n", s->counts[i].lang,
                   tp_term_status_name(s->counts[i].status), s->counts[i].count);
    }
    tp_store_stats_free(s);
    return EXIT_OK;
}
