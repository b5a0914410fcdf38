/* Shared by the toponym command's subcommands: the session (store and normaliser), error
 * reporting with documented exit codes, and small output helpers. The CLI uses only the
 * library's public headers. */
#ifndef TP_CLI_H
#define TP_CLI_H

#include <stdint.h>
#include <stdio.h>
#include <toponym/toponym.h>

/* Exit codes (documented in docs/toponym.1). */
enum {
    EXIT_OK = 0,
    EXIT_NOTHING = 1,   /* nothing found */
    EXIT_USAGE = 2,     /* usage or system error */
    EXIT_INPUT = 3      /* bad input */
};

typedef struct cli {
    const char *db_path;   /* --db, else TOPONYM_DB, else the default store */
    tp_norm *norm;
    tp_store *store;
    char *store_path;      /* the store's file, once open */
    int color;             /* colour on stdout */
    /* Session settings of the interactive session (defaults for the command line too). */
    const char *out_lang;  /* language whose preferred term heads an entry; NULL: en */
    tp_scheme scheme;      /* romanisation shown with entries and used by translit; or NONE */
    int json;              /* JSON rather than text */
    tp_checker *checker;   /* built by the first check, kept while the store is unchanged */
} cli;

typedef struct cli_command {
    const char *name;
    int (*run)(cli *c, int argc, char **argv);
    const char *usage;     /* arguments after the name */
    const char *help;      /* one line */
} cli_command;

extern const cli_command cli_commands[];
extern const size_t cli_command_count;

/* Makes the normaliser (every command needs it). Returns an exit code. */
int cli_norm(cli *c);
/* Opens the store (creating and seeding the default store on first use). Returns an exit code. */
int cli_open_store(cli *c);
void cli_close(cli *c);
/* Drops the kept checker: after a change to the store it would check against stale terms. */
void cli_forget_checker(cli *c);

/* Reports err on stderr as "toponym: FILE:LINE:COL: message" and returns the exit code for st. */
int cli_fail(tp_status st, const tp_error *err);
/* Reports a usage error for a command and returns EXIT_USAGE. */
int cli_usage_error(const char *command, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int cli_exit_code(tp_status st);

/* The words argv[0..argc-1] joined by single spaces, as one text (a segment, a draft line typed
 * without quotes); NULL when out of memory. Freed by the caller. */
char *cli_join_words(int argc, char *const *argv);
/* Writes s as a JSON string literal. */
void cli_json_string(FILE *f, const char *s);
/* The progress bar of an import: "label [#####     ]  42%" on stderr, drawn only when stderr
 * is a terminal and the input is large (cli_progress_want), redrawn only when the percentage
 * changes, and erased when the work is done or before any other message goes to stderr. One
 * bar at a time: the state is the CLI's own. */
int cli_progress_want(char *const *paths, int count);
void cli_progress(const char *label, uint64_t done, uint64_t total);
void cli_progress_clear(void);

/* Writes a concept's cross-references as a JSON array of {"id", "text"?} objects. */
void cli_json_links(FILE *f, const tp_concept *c);
/* The progress bar of an import: "label [#####     ]  42%" on stderr, drawn only when stderr
 * is a terminal and the input is large (cli_progress_want), redrawn only when the percentage
 * changes, and erased when the work is done or before any other message goes to stderr. One
 * bar at a time: the state is the CLI's own. */
int cli_progress_want(char *const *paths, int count);
void cli_progress(const char *label, uint64_t done, uint64_t total);
void cli_progress_clear(void);

/* Writes a concept's cross-references as " Text (id), id…" and a newline. */
void cli_print_links(FILE *f, const tp_concept *c);
/* Display width of UTF-8 text in terminal columns (East Asian wide characters count 2). */
size_t cli_width(const char *s);
/* Prints s padded with spaces to width columns. */
void cli_pad(FILE *f, const char *s, size_t width);

/* The shipped glossary directory, or NULL when none is found. */
const char *cli_glossary_dir(void);

int cmd_check(cli *c, int argc, char **argv);
int cmd_add(cli *c, int argc, char **argv);
int cmd_edit(cli *c, int argc, char **argv);
int cmd_export(cli *c, int argc, char **argv);
int cmd_import(cli *c, int argc, char **argv);
int cmd_complete(cli *c, int argc, char **argv);
int cmd_key(cli *c, int argc, char **argv);
int cmd_lookup(cli *c, int argc, char **argv);
int cmd_repl(cli *c, int argc, char **argv);
int cmd_rm(cli *c, int argc, char **argv);
int cmd_show(cli *c, int argc, char **argv);
int cmd_stats(cli *c, int argc, char **argv);
int cmd_tm(cli *c, int argc, char **argv);
int cmd_translit(cli *c, int argc, char **argv);
int cmd_undo(cli *c, int argc, char **argv);

/* Splits "--langs en,ja" into its two tags (pointing into buf). Returns an exit code. */
int cli_split_langs(const char *command, const char *arg, const char **a, const char **b,
                    char *buf, size_t cap);

/* Runs one lookup and prints it (shared by the lookup command and the REPL). Returns 1 when
 * something matched, 0 when nothing did, or -exit code on error. */
int cli_print_lookup(cli *c, const char *query, const tp_lookup_opts *opts, int json);

#endif
