/* The toponym command: global options, then a subcommand from one sorted table. With no
 * subcommand it starts the interactive session. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const cli_command cli_commands[] = {
    {"add", cmd_add, "[--id ID] [--subject S] [--note N] [--source S] TERM...",
     "add a concept; each TERM is LANG:TEXT[;status=S;reading=R;usage=U;note=N;source=S]"},
    {"check", cmd_check,
     "[--lang L] [--format gnu|json|sarif|checkstyle|github] [--fail-on S] [--rules FILE] "
     "[--input text|markdown|html|xml] [--summary] FILE...|-|--text TEXT...",
     "check drafts for deprecated, inconsistent, misspelt and mixed-scheme place names"},
    {"complete", cmd_complete, "PREFIX",
     "print the place names that complete PREFIX, one a line (for shell completion)"},
    {"edit", cmd_edit, "CONCEPT [--id ID] [--subject S] [--note N] [--source S] "
     "[--term LANG:TEXT[;field=value...]]... [--rm-term LANG:TEXT]...",
     "change a concept's fields, or add, change or remove its terms"},
    {"export", cmd_export,
     "[--format tbx|tbx2|tsv|csv|tmx] [--langs L1,L2] [--status S]... [-o FILE]",
     "write the glossary as TBX v3 (TBX-Basic), TBX v2 or an OmegaT glossary; tmx: the memory"},
    {"help", NULL, "[COMMAND]", "show help for toponym or one command"},
    {"import", cmd_import, "[--format F] [--strict] [--dry-run] [--on-conflict merge|skip|replace] "
     "[--langs L1,L2] [--kinds p,st,u] FILE...",
     "import TBX v2/v3, OmegaT TSV/CSV glossaries, ENAMDICT place names or TMX memories"},
    {"key", cmd_key, "[--lang L] TEXT...", "print the match keys the normaliser makes for TEXT"},
    {"lookup", cmd_lookup, "[--lang L] [--json] [--limit N] [--no-fuzzy] QUERY...",
     "find the entries for any spelling of a place name"},
    {"repl", cmd_repl, "", "start the interactive session (the default on a terminal)"},
    {"rm", cmd_rm, "CONCEPT [--term LANG:TEXT]", "remove a concept, or one of its terms"},
    {"show", cmd_show, "[--json] CONCEPT", "show one concept (by id, or #number) with every term"},
    {"stats", cmd_stats, "[--json]", "count concepts and terms by language and status"},
    {"tm", cmd_tm,
     "import [--strict] FILE... | validate FILE... | export [--glossary] [--langs L,L] [--source L] "
     "[-o FILE] "
     "| match [--from L] [--to L] [--min N] [--limit N] [--json] SEGMENT... | concordance "
     "[--lang L] [--limit N] TEXT...",
     "translation memory: import, validate and export TMX; match and concordance"},
    {"translit", cmd_translit, "--scheme S TEXT...",
     "romanise Russian (bgn-pcgn iso9 gost-b icao ala-lc scientific) or Japanese (hepburn "
     "hepburn-trad kunrei nihon passport) text"},
    {"undo", cmd_undo, "[--dry-run]", "revert the last change (an import, add, edit or rm)"},
};
const size_t cli_command_count = sizeof cli_commands / sizeof cli_commands[0];

static void usage(FILE *f)
{
    fputs("usage: toponym [--db PATH] COMMAND [ARGS...]\n\n"
          "Place names across Japanese, Russian and English: any spelling finds its entry.\n\n"
          "Commands:\n", f);
    for (size_t i = 0; i < cli_command_count; i++) {
        fputs("  ", f);
        cli_pad(f, cli_commands[i].name, 10);
        fprintf(f, "%s\n", cli_commands[i].help);
    }
    fputs("\nOptions:\n"
          "  --db PATH   use the store at PATH (default: $TOPONYM_DB, else\n"
          "              $XDG_DATA_HOME/toponym/toponym.db)\n"
          "  --help      show this help\n"
          "  --version   show the version\n\n"
          "Exit status: 0 success, 1 nothing found, 2 usage or system error, 3 bad input.\n", f);
}

static const cli_command *find(const char *name)
{
    for (size_t i = 0; i < cli_command_count; i++)
        if (strcmp(cli_commands[i].name, name) == 0)
            return &cli_commands[i];
    return NULL;
}

static int help(const char *name)
{
    if (!name) {
        usage(stdout);
        return EXIT_OK;
    }
    const cli_command *cmd = find(name);
    if (!cmd) {
        fprintf(stderr, "toponym: no command '%s'\n", name);
        return EXIT_USAGE;
    }
    printf("usage: toponym %s %s\n\n%s\n", cmd->name, cmd->usage, cmd->help);
    return EXIT_OK;
}

int main(int argc, char **argv)
{
    cli c = {0};
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "--db") && i + 1 < argc) {
            c.db_path = argv[++i];
        } else if (!strncmp(argv[i], "--db=", 5)) {
            c.db_path = argv[i] + 5;
        } else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            return EXIT_OK;
        } else if (!strcmp(argv[i], "--version")) {
            printf("toponym %s\n", TP_VERSION);
            return EXIT_OK;
        } else {
            fprintf(stderr, "toponym: unknown option '%s'\n", argv[i]);
            usage(stderr);
            return EXIT_USAGE;
        }
    }
    const char *color = getenv("NO_COLOR");
    c.color = isatty(STDOUT_FILENO) && !(color && *color);
    int rc;
    if (i == argc) {
        rc = cmd_repl(&c, 0, argv + i);
    } else if (!strcmp(argv[i], "help")) {
        rc = help(i + 1 < argc ? argv[i + 1] : NULL);
    } else {
        const cli_command *cmd = find(argv[i]);
        if (!cmd) {
            fprintf(stderr, "toponym: no command '%s'\n", argv[i]);
            usage(stderr);
            return EXIT_USAGE;
        }
        /* Commands take --db too, after their name. */
        int n = 0;
        for (int k = i + 1; k < argc; k++) {
            if (!strcmp(argv[k], "--db") && k + 1 < argc)
                c.db_path = argv[++k];
            else if (!strncmp(argv[k], "--db=", 5))
                c.db_path = argv[k] + 5;
            else
                argv[i + 1 + n++] = argv[k];
        }
        rc = cmd->run(&c, n, argv + i + 1);
    }
    cli_close(&c);
    return rc;
}
