/* toponym complete: the place names that complete a prefix, one a line, for shell completion
 * (src/cli/completion.bash) and other front ends. */
#include "cli.h"

#include <string.h>

int cmd_complete(cli *c, int argc, char **argv)
{
    if (argc != 1)
        return cli_usage_error("complete", "one prefix is needed");
    int rc = cli_open_store(c);
    if (rc)
        return rc;
    tp_completions *names = NULL;
    tp_error err;
    tp_status st = tp_complete(c->store, c->norm, argv[0], strlen(argv[0]), 0, &names, &err);
    if (st)
        return cli_fail(st, &err);
    for (size_t i = 0; i < names->count; i++)
        puts(names->items[i]);
    rc = names->count ? EXIT_OK : EXIT_NOTHING;
    tp_completions_free(names);
    return rc;
}
