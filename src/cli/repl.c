/* The interactive session, first cut: each line is a lookup; `quit` or end of input leaves.
 * On a terminal it uses GNU readline; from a pipe it reads lines with no prompt, and the exit
 * status says whether every line found something. */
#include "cli.h"

#include <readline/history.h>
#include <readline/readline.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *read_plain(void)
{
    size_t cap = 0;
    char *line = NULL;
    ssize_t n = getline(&line, &cap, stdin);
    if (n < 0) {
        free(line);
        return NULL;
    }
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        line[--n] = '\0';
    return line;
}

int cmd_repl(cli *c, int argc, char **argv)
{
    (void)argv;
    if (argc > 0)
        return cli_usage_error("repl", "takes no arguments");
    int rc = cli_open_store(c);
    if (rc)
        return rc;
    int tty = isatty(STDIN_FILENO);
    if (tty)
        printf("toponym %s: type any spelling of a place name; 'quit' leaves.\n", TP_VERSION);
    int status = EXIT_OK;
    char *line;
    while ((line = tty ? readline("toponym> ") : read_plain())) {
        char *q = line;
        while (*q == ' ' || *q == '\t')
            q++;
        if (!strcmp(q, "quit") || !strcmp(q, "exit")) {
            free(line);
            break;
        }
        if (*q) {
            if (tty)
                add_history(q);
            int r = cli_print_lookup(c, q, NULL, 0);
            if (r <= 0 && status == EXIT_OK)
                status = r < 0 ? -r : EXIT_NOTHING;
        }
        free(line);
    }
    return tty ? EXIT_OK : status;
}
