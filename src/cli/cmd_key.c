/* toponym key: the match keys of a text, one "kind<TAB>key" line each. */
#include "cli.h"

#include <string.h>

int cmd_key(cli *c, int argc, char **argv)
{
    const char *lang = NULL;
    int i = 0;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        if (!strcmp(argv[i], "--")) {
            i++;
            break;
        } else if (!strcmp(argv[i], "--lang") && i + 1 < argc) {
            lang = argv[++i];
        } else {
            return cli_usage_error("key", "unknown option '%s'", argv[i]);
        }
    }
    if (i == argc)
        return cli_usage_error("key", "a text is needed");
    int rc = cli_norm(c);
    if (rc)
        return rc;
    for (; i < argc; i++) {
        tp_keyset *keys = NULL;
        tp_error err;
        tp_status st = tp_norm_keys(c->norm, argv[i], strlen(argv[i]), lang, NULL, &keys, &err);
        if (st)
            return cli_fail(st, &err);
        for (size_t k = 0; k < keys->count; k++)
            printf("%s\t%s\n", tp_key_kind_name(keys->keys[k].kind), keys->keys[k].text);
        tp_keyset_free(keys);
    }
    return EXIT_OK;
}
