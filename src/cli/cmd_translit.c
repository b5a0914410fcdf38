/* toponym translit: romanise Russian or Japanese text by a named scheme. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

int cmd_translit(cli *c, int argc, char **argv)
{
    tp_scheme scheme = c->scheme;
    int i = 0;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        if (!strcmp(argv[i], "--")) {
            i++;
            break;
        } else if (!strcmp(argv[i], "--scheme") && i + 1 < argc) {
            if (tp_scheme_parse(argv[++i], &scheme) != TP_OK)
                return cli_usage_error("translit",
                                       "unknown scheme '%s' (bgn-pcgn, iso9, gost-b, icao, ala-lc, "
                                       "scientific, hepburn, hepburn-trad, kunrei, nihon, passport)",
                                       argv[i]);
        } else {
            return cli_usage_error("translit", "unknown option '%s'", argv[i]);
        }
    }
    if (scheme == TP_SCHEME_NONE)
        return cli_usage_error("translit", "--scheme is needed");
    if (i == argc)
        return cli_usage_error("translit", "text to transliterate is needed");
    int rc = cli_norm(c);
    if (rc)
        return rc;
    for (; i < argc; i++) {
        char *out = NULL;
        tp_error err;
        tp_status st = tp_translit(c->norm, scheme, argv[i], strlen(argv[i]), &out, &err);
        if (st)
            return cli_fail(st, &err);
        puts(out);
        free(out);
    }
    return EXIT_OK;
}
