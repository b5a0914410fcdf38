/* The interactive session: a loop of read, dispatch, report over the same command functions as
 * the command line (as Lua's and SQLite's shells do). A bare line is a lookup. On a terminal it
 * uses GNU readline (history kept across sessions, completion of commands and of place names in
 * any script, Ctrl-C cancels the line, Ctrl-D leaves), colour and a pager for long results; read
 * from a pipe it takes plain lines with no prompt, and its exit status says whether any failed. */
#include "cli.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <unistd.h>

#ifdef TP_HAVE_READLINE
#include <readline/history.h>
#include <readline/readline.h>
#endif

#define PROMPT "toponym> "
#define MAX_ARGS 64

/* The checker's term matcher takes a while to build over a large store (seconds for 200,000
 * concepts), so a session on a terminal builds it in the background from the start, on a
 * connection and normaliser of its own, and `check` takes it when it is needed. */
typedef struct prebuild {
    pthread_t thread;
    int running;     /* started and not yet joined */
    char *path;
    tp_norm *norm;
    tp_store *store;
    tp_checker *checker;
} prebuild;

typedef struct session {
    cli *c;
    int tty;
    int status;      /* exit status of the session: the first failure's code, else 0 */
    int quit;
    char *history;   /* history file, or NULL */
    prebuild pre;
} session;

static void *prebuild_run(void *arg)
{
    prebuild *p = arg;
    tp_error err;
    if (tp_norm_new(&p->norm, &err) == TP_OK &&
        tp_store_open(p->path, TP_STORE_READONLY, p->norm, &p->store, &err) == TP_OK &&
        tp_checker_new(p->store, p->norm, &p->checker, &err) != TP_OK)
        p->checker = NULL; /* `check` will build one itself and report the error */
    return NULL;
}

static void prebuild_start(session *s)
{
    if (!s->c->store_path || !(s->pre.path = strdup(s->c->store_path)))
        return;
    s->pre.running = pthread_create(&s->pre.thread, NULL, prebuild_run, &s->pre) == 0;
}

/* Waits for the background build; hands its checker to the session unless discard. */
static void prebuild_collect(session *s, int discard)
{
    if (!s->pre.running)
        return;
    pthread_join(s->pre.thread, NULL);
    s->pre.running = 0;
    if (!discard && s->pre.checker && !s->c->checker)
        s->c->checker = s->pre.checker;
    else
        tp_checker_free(s->pre.checker);
    s->pre.checker = NULL;
}

/* The prebuilt checker borrows the background connection: close it only after the checker. */
static void prebuild_end(session *s)
{
    prebuild_collect(s, 1);
    cli_forget_checker(s->c);
    tp_store_close(s->pre.store);
    tp_norm_free(s->pre.norm);
    free(s->pre.path);
    memset(&s->pre, 0, sizeof s->pre);
}

static session *current; /* for readline's callbacks, which take no context */

/* ---- session commands: settings that live for the session ---- */

static int set_lang(cli *c, int argc, char **argv)
{
    static const char *const langs[] = {"en", "ja", "ru"};
    if (argc == 0) {
        printf("lang %s\n", c->out_lang ? c->out_lang : "en");
        return EXIT_OK;
    }
    for (size_t i = 0; i < 3; i++)
        if (!strcmp(argv[0], langs[i])) {
            c->out_lang = langs[i];
            return EXIT_OK;
        }
    fprintf(stderr, "toponym: lang takes en, ja or ru, not '%s'\n", argv[0]);
    return EXIT_USAGE;
}

static int set_scheme(cli *c, int argc, char **argv)
{
    if (argc == 0) {
        printf("scheme %s\n", c->scheme ? tp_scheme_name(c->scheme) : "off");
        return EXIT_OK;
    }
    if (!strcmp(argv[0], "off")) {
        c->scheme = TP_SCHEME_NONE;
        return EXIT_OK;
    }
    if (tp_scheme_parse(argv[0], &c->scheme) == TP_OK)
        return EXIT_OK;
    fprintf(stderr, "toponym: unknown scheme '%s'\n", argv[0]);
    return EXIT_USAGE;
}

static int set_format(cli *c, int argc, char **argv)
{
    if (argc == 0) {
        printf("format %s\n", c->json ? "json" : "text");
        return EXIT_OK;
    }
    if (!strcmp(argv[0], "json") || !strcmp(argv[0], "text")) {
        c->json = !strcmp(argv[0], "json");
        return EXIT_OK;
    }
    fprintf(stderr, "toponym: format takes json or text, not '%s'\n", argv[0]);
    return EXIT_USAGE;
}

static int repl_help(cli *c, int argc, char **argv);

static const cli_command session_commands[] = {
    {"format", set_format, "[json|text]", "output format of the session"},
    {"help", repl_help, "[COMMAND]", "list commands, or explain one"},
    {"lang", set_lang, "[en|ja|ru]", "language whose preferred name heads each entry"},
    {"quit", NULL, "", "leave the session (also Ctrl-D)"},
    {"scheme", set_scheme, "[SCHEME|off]",
     "show entries romanised by SCHEME; the default scheme of translit"},
};
#define SESSION_COMMAND_COUNT (sizeof session_commands / sizeof session_commands[0])

static const cli_command *find_command(const char *name, int *is_session)
{
    for (size_t i = 0; i < SESSION_COMMAND_COUNT; i++)
        if (!strcmp(session_commands[i].name, name)) {
            *is_session = 1;
            return &session_commands[i];
        }
    if (!strcmp(name, "exit"))
        return find_command("quit", is_session);
    for (size_t i = 0; i < cli_command_count; i++)
        if (!strcmp(cli_commands[i].name, name) && cli_commands[i].run &&
            strcmp(name, "repl") != 0) {
            *is_session = 0;
            return &cli_commands[i];
        }
    return NULL;
}

static int repl_help(cli *c, int argc, char **argv)
{
    (void)c;
    if (argc > 0) {
        int session_cmd;
        const cli_command *cmd = find_command(argv[0], &session_cmd);
        if (!cmd) {
            fprintf(stderr, "toponym: no command '%s'\n", argv[0]);
            return EXIT_USAGE;
        }
        printf("%s %s\n  %s\n", cmd->name, cmd->usage, cmd->help);
        return EXIT_OK;
    }
    puts("Type any spelling of a place name to look it up, or a command:");
    for (size_t i = 0; i < cli_command_count; i++)
        if (cli_commands[i].run && strcmp(cli_commands[i].name, "repl") != 0) {
            fputs("  ", stdout);
            cli_pad(stdout, cli_commands[i].name, 10);
            puts(cli_commands[i].help);
        }
    puts("  concordance TEXT and match SEGMENT are short for tm concordance and tm match;\n"
         "  check followed by words that name no file checks those words.");
    puts("Session settings and control:");
    for (size_t i = 0; i < SESSION_COMMAND_COUNT; i++) {
        fputs("  ", stdout);
        cli_pad(stdout, session_commands[i].name, 10);
        puts(session_commands[i].help);
    }
    return EXIT_OK;
}

/* ---- reading a line into words ---- */

/* Splits line in place into words: blanks separate, '...' and "..." quote, \ escapes. Returns
 * the number of words, or -1 for an unterminated quote. */
static int split_words(char *line, char **argv, int max)
{
    int argc = 0;
    char *r = line, *w = line;
    while (*r) {
        while (*r == ' ' || *r == '\t')
            r++;
        if (!*r)
            break;
        if (argc == max)
            return -1;
        argv[argc++] = w;
        char quote = 0;
        for (; *r && (quote || (*r != ' ' && *r != '\t')); r++) {
            if (quote && *r == quote)
                quote = 0;
            else if (!quote && (*r == '\'' || *r == '"'))
                quote = *r;
            else if (*r == '\\' && r[1] && quote != '\'')
                *w++ = *++r;
            else
                *w++ = *r;
        }
        if (quote)
            return -1;
        if (*r)
            r++;
        *w++ = '\0';
    }
    return argc;
}

/* ---- output through a pager when it is longer than the screen ---- */

static int screen_rows(void)
{
    struct winsize ws;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0)
        return ws.ws_row;
    return 24;
}

/* Runs fn with stdout captured; shows the capture directly or through $PAGER (less -R). */
static int paged(session *s, int (*fn)(session *, void *), void *arg)
{
    FILE *tmp = s->tty && isatty(STDOUT_FILENO) ? tmpfile() : NULL;
    int saved = tmp ? dup(STDOUT_FILENO) : -1;
    if (saved < 0) {
        if (tmp)
            fclose(tmp);
        return fn(s, arg);
    }
    fflush(stdout);
    dup2(fileno(tmp), STDOUT_FILENO);
    int rc = fn(s, arg);
    fflush(stdout);
    dup2(saved, STDOUT_FILENO);
    close(saved);
    rewind(tmp);
    long lines = 0;
    int ch;
    while ((ch = getc(tmp)) != EOF)
        lines += ch == '\n';
    rewind(tmp);
    const char *pager = getenv("PAGER");
    if (!pager || !*pager)
        pager = "less -R";
    FILE *out = lines >= screen_rows() - 1 ? popen(pager, "w") : NULL;
    char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, tmp)) > 0)
        fwrite(buf, 1, n, out ? out : stdout);
    if (out)
        pclose(out);
    fflush(stdout);
    fclose(tmp);
    return rc;
}

/* ---- dispatch ---- */

typedef struct job {
    char *line;
    int argc;
    char **argv;
    const cli_command *cmd;
} job;

static int run_job(session *s, void *p)
{
    job *j = p;
    if (j->cmd)
        return j->cmd->run(s->c, j->argc - 1, j->argv + 1);
    int r = cli_print_lookup(s->c, j->line, NULL, s->c->json);
    return r < 0 ? -r : r ? EXIT_OK : EXIT_NOTHING;
}

/* The session's shorthands, rewritten into commands of the table: `concordance TEXT` is
 * `tm concordance TEXT`, and `check` followed by words that name no file checks those words.
 * argv has one free slot before it. Returns the new argc. */
static int rewrite(char ***argvp, int argc)
{
    char **argv = *argvp;
    if (!strcmp(argv[0], "concordance") || !strcmp(argv[0], "match")) {
        argv[-1] = (char *)"tm";
        *argvp = argv - 1;
        return argc + 1;
    }
    if (!strcmp(argv[0], "check") && argc > 1) {
        int k = 1;
        while (k < argc && argv[k][0] == '-' && argv[k][1])
            k += strcmp(argv[k], "--summary") && strcmp(argv[k], "--text") ? 2 : 1;
        struct stat sb;
        if (k < argc && argc < MAX_ARGS && strcmp(argv[k], "-") && stat(argv[k], &sb) != 0) {
            memmove(argv + k + 1, argv + k, (size_t)(argc - k) * sizeof *argv);
            argv[k] = (char *)"--text";
            return argc + 1;
        }
    }
    return argc;
}

/* Nonzero for a command that may change the store (the kept checker is then dropped). */
static int changes_store(int argc, char **argv)
{
    static const char *const readers[] = {"check", "export", "help", "key", "lookup", "show",
                                          "stats", "translit"};
    for (size_t i = 0; i < sizeof readers / sizeof readers[0]; i++)
        if (!strcmp(argv[0], readers[i]))
            return 0;
    return !(!strcmp(argv[0], "tm") && argc > 1 && strcmp(argv[1], "import") != 0);
}

static void run_line(session *s, char *line)
{
    while (*line == ' ' || *line == '\t')
        line++;
    size_t n = strlen(line);
    while (n && (line[n - 1] == ' ' || line[n - 1] == '\t' || line[n - 1] == '\r'))
        line[--n] = '\0';
    if (!*line || *line == '#')
        return;
    char *copy = strdup(line), *words[MAX_ARGS + 2], **argv = words + 1;
    if (!copy)
        return;
    int argc = split_words(copy, argv, MAX_ARGS), rc = EXIT_OK, session_cmd = 0;
    if (argc > 0)
        argc = rewrite(&argv, argc);
    const cli_command *cmd = argc > 0 ? find_command(argv[0], &session_cmd) : NULL;
    if (argc < 0) {
        fprintf(stderr, "toponym: unterminated quote\n");
        rc = EXIT_USAGE;
    } else if (cmd && session_cmd && !cmd->run) {
        s->quit = 1;
    } else if (cmd && session_cmd) {
        rc = cmd->run(s->c, argc - 1, argv + 1);
    } else {
        if (cmd && !strcmp(cmd->name, "check"))
            prebuild_collect(s, 0);
        /* A command, or a bare line: the whole line is one query ("Kuril Islands"). */
        job j = {line, argc, argv, cmd};
        rc = paged(s, run_job, &j);
    }
    fflush(stdout);
    if (cmd && !session_cmd && changes_store(argc, argv)) {
        prebuild_collect(s, 1);
        cli_forget_checker(s->c);
    }
    if (rc != EXIT_OK && s->status == EXIT_OK)
        s->status = rc;
    free(copy);
}

/* ---- plain line reading (pipes, and builds without readline) ---- */

static char *read_plain(int prompt)
{
    if (prompt) {
        fputs(PROMPT, stdout);
        fflush(stdout);
    }
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

static void plain_loop(session *s, int prompt)
{
    char *line;
    while (!s->quit && (line = read_plain(prompt))) {
        run_line(s, line);
        free(line);
    }
}

#ifdef TP_HAVE_READLINE

/* ---- completion ---- */

static char **candidates;
static size_t candidate_count;

static void clear_candidates(void)
{
    for (size_t i = 0; i < candidate_count; i++)
        free(candidates[i]);
    free(candidates);
    candidates = NULL;
    candidate_count = 0;
}

static void add_candidate(const char *text, size_t skip)
{
    if (strlen(text) < skip)
        return;
    char **p = realloc(candidates, (candidate_count + 1) * sizeof *p);
    if (!p)
        return;
    candidates = p;
    if ((candidates[candidate_count] = strdup(text + skip)))
        candidate_count++;
}

static char *next_candidate(const char *text, int state)
{
    static size_t i;
    (void)text;
    if (state == 0)
        i = 0;
    return i < candidate_count ? strdup(candidates[i++]) : NULL;
}

/* Names of the glossary that complete arg (the whole argument typed so far, which may hold
 * spaces: "Kuril Isl"); text is its last word, which readline replaces. */
static void complete_names(const char *arg, const char *text)
{
    tp_completions *names = NULL;
    tp_error err;
    cli *c = current->c;
    if (!*arg || tp_complete(c->store, c->norm, arg, strlen(arg), 50, &names, &err) != TP_OK)
        return;
    size_t skip = strlen(arg) - strlen(text);
    for (size_t i = 0; i < names->count; i++) {
        /* A name of several words is offered only where it repeats the words already typed. */
        if (skip == 0 || strncasecmp(names->items[i], arg, skip) == 0)
            add_candidate(names->items[i], skip);
    }
    tp_completions_free(names);
}

/* Options are read off the command's usage string ("[--lang L] [--json] QUERY..."). */
static void complete_options(const cli_command *cmd, const char *text)
{
    const char *u = cmd->usage;
    while ((u = strstr(u, "--"))) {
        size_t n = strcspn(u, " ]|=");
        char opt[64];
        if (n < sizeof opt) {
            memcpy(opt, u, n);
            opt[n] = '\0';
            if (!strncmp(opt, text, strlen(text)))
                add_candidate(opt, 0);
        }
        u += n;
    }
}

static void complete_words(const char *const *words, size_t n, const char *text)
{
    for (size_t i = 0; i < n; i++)
        if (!strncmp(words[i], text, strlen(text)))
            add_candidate(words[i], 0);
}

static char **complete(const char *text, int start, int end)
{
    (void)end;
    rl_attempted_completion_over = 1; /* never fall back to file names */
    clear_candidates();
    char *before = strndup(rl_line_buffer, (size_t)start);
    char *argv[MAX_ARGS];
    int argc = before ? split_words(before, argv, MAX_ARGS) : -1, session_cmd = 0;
    const cli_command *cmd = argc > 0 ? find_command(argv[0], &session_cmd) : NULL;
    if (argc == 0) {
        for (size_t i = 0; i < cli_command_count; i++)
            if (cli_commands[i].run && !strncmp(cli_commands[i].name, text, strlen(text)))
                add_candidate(cli_commands[i].name, 0);
        for (size_t i = 0; i < SESSION_COMMAND_COUNT; i++)
            if (!strncmp(session_commands[i].name, text, strlen(text)))
                add_candidate(session_commands[i].name, 0);
        complete_names(text, text);
    } else if (cmd && *text == '-') {
        complete_options(cmd, text);
    } else if (cmd && !strcmp(cmd->name, "lang")) {
        static const char *const langs[] = {"en", "ja", "ru"};
        complete_words(langs, 3, text);
    } else if (cmd && !strcmp(cmd->name, "format")) {
        static const char *const formats[] = {"json", "text"};
        complete_words(formats, 2, text);
    } else if (cmd && (!strcmp(cmd->name, "scheme") ||
                       (argc > 1 && !strcmp(argv[argc - 1], "--scheme")))) {
        for (int sc = 1; sc < TP_SCHEME_COUNT; sc++)
            if (!strncmp(tp_scheme_name((tp_scheme)sc), text, strlen(text)))
                add_candidate(tp_scheme_name((tp_scheme)sc), 0);
    } else if (cmd && !strcmp(cmd->name, "help")) {
        for (size_t i = 0; i < cli_command_count; i++)
            if (!strncmp(cli_commands[i].name, text, strlen(text)))
                add_candidate(cli_commands[i].name, 0);
    } else if (cmd) {
        /* The argument is what follows the command and its options. */
        const char *arg = rl_line_buffer + strlen(argv[0]);
        while (*arg == ' ' || *arg == '\t')
            arg++;
        while (*arg == '-') {
            arg += strcspn(arg, " \t");
            while (*arg == ' ' || *arg == '\t')
                arg++;
        }
        char *typed = strndup(arg, (size_t)(rl_point - (arg - rl_line_buffer)));
        if (typed)
            complete_names(typed, text);
        free(typed);
    } else {
        /* A bare lookup of several words: complete the whole line so far. */
        char *typed = strndup(rl_line_buffer, (size_t)rl_point);
        if (typed)
            complete_names(typed, text);
        free(typed);
    }
    free(before);
    return candidate_count ? rl_completion_matches(text, next_candidate) : NULL;
}

/* ---- the readline loop ---- */

static volatile sig_atomic_t interrupted;

static void on_sigint(int sig)
{
    (void)sig;
    interrupted = 1;
}

static void on_line(char *line)
{
    if (!line) { /* Ctrl-D */
        putchar('\n');
        current->quit = 1;
        rl_callback_handler_remove();
        return;
    }
    if (*line) {
        add_history(line);
        if (current->history)
            append_history(1, current->history);
    }
    run_line(current, line);
    free(line);
    if (current->quit)
        rl_callback_handler_remove();
}

/* $XDG_STATE_HOME/toponym/history (~/.local/state/...), its folder made when missing. */
static char *history_path(void)
{
    const char *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
    const char *base = xdg && *xdg ? xdg : home;
    const char *mid = xdg && *xdg ? "" : "/.local/state";
    if (!base)
        return NULL;
    size_t len = strlen(base) + strlen(mid) + sizeof "/toponym/history";
    char *p = malloc(len);
    if (!p)
        return NULL;
    snprintf(p, len, "%s%s", base, mid);
    for (char *q = p + 1; *q; q++)
        if (*q == '/') {
            *q = '\0';
            mkdir(p, 0755);
            *q = '/';
        }
    mkdir(p, 0755);
    strcat(p, "/toponym");
    mkdir(p, 0700);
    strcat(p, "/history");
    return p;
}

static void readline_loop(session *s)
{
    s->history = history_path();
    if (s->history) {
        read_history(s->history);
        FILE *touch = fopen(s->history, "a"); /* append_history needs the file to exist */
        if (touch)
            fclose(touch);
    }
    rl_readline_name = "toponym";
    rl_attempted_completion_function = complete;
    rl_completer_word_break_characters = (char *)" \t";
    /* List the names at the first Tab when several complete the word (Yuzhno<TAB>). */
    rl_variable_bind("show-all-if-ambiguous", "on");
    rl_catch_signals = 0;
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint; /* no SA_RESTART: select() returns at once */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old);
    rl_callback_handler_install(PROMPT, on_line);
    while (!s->quit) {
        fd_set fds;
        FD_ZERO(&fds);
        FD_SET(STDIN_FILENO, &fds);
        int r = select(STDIN_FILENO + 1, &fds, NULL, NULL, NULL);
        if (r < 0 && errno == EINTR) {
            if (interrupted) { /* Ctrl-C: drop the line, start afresh */
                interrupted = 0;
                rl_free_line_state();
                rl_callback_sigcleanup();
                rl_replace_line("", 0);
                rl_crlf();
                rl_on_new_line();
                rl_redisplay();
            }
            continue;
        }
        if (r > 0)
            rl_callback_read_char();
    }
    if (!s->quit)
        rl_callback_handler_remove();
    sigaction(SIGINT, &old, NULL);
    if (s->history)
        history_truncate_file(s->history, 2000);
    clear_candidates();
    free(s->history);
}
#endif

int cmd_repl(cli *c, int argc, char **argv)
{
    (void)argv;
    if (argc > 0)
        return cli_usage_error("repl", "takes no arguments");
    int rc = cli_open_store(c);
    if (rc)
        return rc;
    static session s; /* static: readline's callbacks reach it through `current` */
    s = (session){c, isatty(STDIN_FILENO), EXIT_OK, 0, NULL, {0}};
    current = &s;
    if (!s.tty) {
        c->color = 0;
        plain_loop(&s, 0);
        return s.status;
    }
    printf("toponym %s: type any spelling of a place name, 'help' for commands, Ctrl-D to "
           "leave.\n", TP_VERSION);
    prebuild_start(&s);
#ifdef TP_HAVE_READLINE
    readline_loop(&s);
#else
    plain_loop(&s, 1);
#endif
    prebuild_end(&s);
    return EXIT_OK;
}
