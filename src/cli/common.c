/* The CLI's session, errors and output helpers, shared by every subcommand and the REPL. */
#include "cli.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int cli_exit_code(tp_status st)
{
    switch (st) {
    case TP_OK: return EXIT_OK;
    case TP_ERR_INPUT:
    case TP_ERR_NOT_STORE: return EXIT_INPUT;
    default: return EXIT_USAGE;
    }
}

int cli_fail(tp_status st, const tp_error *err)
{
    const char *msg = err && err->message[0] ? err->message : tp_strerror(st);
    if (err && err->file[0]) {
        if (err->line && err->column)
            fprintf(stderr, "toponym: %s:%lu:%lu: %s\n", err->file, err->line, err->column, msg);
        else if (err->line)
            fprintf(stderr, "toponym: %s:%lu: %s\n", err->file, err->line, msg);
        else
            fprintf(stderr, "toponym: %s: %s\n", err->file, msg);
    } else {
        fprintf(stderr, "toponym: %s\n", msg);
    }
    return cli_exit_code(st);
}

int cli_usage_error(const char *command, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "toponym %s: ", command);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'toponym help %s'.\n", command);
    return EXIT_USAGE;
}

int cli_norm(cli *c)
{
    if (c->norm)
        return EXIT_OK;
    tp_error err;
    tp_status st = tp_norm_new(&c->norm, &err);
    return st ? cli_fail(st, &err) : EXIT_OK;
}

static int is_dir(const char *p)
{
    struct stat sb;
    return stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

const char *cli_glossary_dir(void)
{
    const char *env = getenv("TOPONYM_GLOSSARIES");
    if (env && *env)
        return env;
    if (is_dir(TP_GLOSSARY_SOURCE_DIR))
        return TP_GLOSSARY_SOURCE_DIR;
    if (is_dir(TP_GLOSSARY_INSTALL_DIR))
        return TP_GLOSSARY_INSTALL_DIR;
    return NULL;
}

/* mkdir -p for the default store's directory. */
static int make_dirs(char *path)
{
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        int bad = mkdir(path, 0755) != 0 && errno != EEXIST;
        *p = '/';
        if (bad)
            return -1;
    }
    return mkdir(path, 0755) != 0 && errno != EEXIST ? -1 : 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Imports every *.tbx of the glossary directory, in name order, in one transaction. */
static int seed(cli *c)
{
    const char *dir = cli_glossary_dir();
    if (!dir) {
        fprintf(stderr, "toponym: warning: no shipped glossaries found; the store starts empty\n");
        return EXIT_OK;
    }
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "toponym: %s: %s\n", dir, strerror(errno));
        return EXIT_USAGE;
    }
    char **paths = NULL;
    size_t n = 0;
    struct dirent *e;
    int rc = EXIT_OK;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len < 5 || strcmp(e->d_name + len - 4, ".tbx") != 0)
            continue;
        char **p = realloc(paths, (n + 1) * sizeof *p);
        if (!p) {
            rc = EXIT_USAGE;
            break;
        }
        paths = p;
        char *full = malloc(strlen(dir) + len + 2);
        if (!full) {
            rc = EXIT_USAGE;
            break;
        }
        sprintf(full, "%s/%s", dir, e->d_name);
        paths[n++] = full;
    }
    closedir(d);
    if (!rc) {
        if (n) /* qsort of NULL, even with no items, is undefined */
            qsort(paths, n, sizeof *paths, cmp_str);
        tp_error err;
        tp_status st = tp_tbx_import(c->store, (const char *const *)paths, n, NULL, &err);
        /* The seed is where the store starts, not a change for undo to take back. */
        if (!st)
            st = tp_store_forget_history(c->store, &err);
        if (st)
            rc = cli_fail(st, &err);
    }
    for (size_t i = 0; i < n; i++)
        free(paths[i]);
    free(paths);
    return rc;
}

int cli_open_store(cli *c)
{
    int rc = cli_norm(c);
    if (rc || c->store)
        return rc;
    char *owned = NULL;
    const char *path = c->db_path;
    if (!path || !*path)
        path = getenv("TOPONYM_DB");
    if (!path || !*path) {
        const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
        const char *base = xdg && *xdg ? xdg : home;
        const char *mid = xdg && *xdg ? "" : "/.local/share";
        if (!base) {
            fprintf(stderr, "toponym: neither XDG_DATA_HOME nor HOME is set: use --db PATH\n");
            return EXIT_USAGE;
        }
        size_t len = strlen(base) + strlen(mid) + sizeof "/toponym/toponym.db";
        if (!(owned = malloc(len)))
            return EXIT_USAGE;
        snprintf(owned, len, "%s%s/toponym", base, mid);
        if (make_dirs(owned) != 0) {
            fprintf(stderr, "toponym: cannot create %s: %s\n", owned, strerror(errno));
            free(owned);
            return EXIT_USAGE;
        }
        strcat(owned, "/toponym.db");
        path = owned;
    }
    tp_error err;
    tp_status st = tp_store_open(path, 0, c->norm, &c->store, &err);
    if (st) {
        free(owned);
        return cli_fail(st, &err);
    }
    if (tp_store_created(c->store) && (rc = seed(c)) != EXIT_OK) {
        /* Leave no half-made store behind: the next run seeds afresh. */
        tp_store_close(c->store);
        c->store = NULL;
        unlink(path);
    } else if (!(c->store_path = owned ? owned : strdup(path))) {
        rc = EXIT_USAGE;
    } else {
        owned = NULL;
    }
    free(owned);
    return rc;
}

void cli_forget_checker(cli *c)
{
    tp_checker_free(c->checker);
    c->checker = NULL;
}

void cli_close(cli *c)
{
    cli_forget_checker(c);
    tp_store_close(c->store);
    free(c->store_path);
    c->store_path = NULL;
    tp_norm_free(c->norm);
    c->store = NULL;
    c->norm = NULL;
}

char *cli_join_words(int argc, char *const *argv)
{
    size_t len = 1;
    for (int k = 0; k < argc; k++)
        len += strlen(argv[k]) + 1;
    char *text = malloc(len), *o = text;
    if (!text)
        return NULL;
    *o = '\0';
    for (int k = 0; k < argc; k++)
        o += sprintf(o, "%s%s", k ? " " : "", argv[k]);
    return text;
}

void cli_json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", f); break;
        case '\\': fputs("\\\\", f); break;
        case '\n': fputs("\\n", f); break;
        case '\r': fputs("\\r", f); break;
        case '\t': fputs("\\t", f); break;
        default:
            if (*p < 0x20)
                fprintf(f, "\\u%04x", *p);
            else
                fputc(*p, f);
        }
    }
    fputc('"', f);
}

/* Inputs smaller than this are read too fast for a bar to be worth drawing. */
#define PROGRESS_MIN_BYTES (1024 * 1024)
static int progress_shown = -1; /* percentage on screen, -1 when no bar is */

int cli_progress_want(char *const *paths, int count)
{
    if (!isatty(STDERR_FILENO))
        return 0;
    uint64_t bytes = 0;
    for (int i = 0; i < count; i++) {
        struct stat sb;
        if (stat(paths[i], &sb) == 0)
            bytes += (uint64_t)sb.st_size;
    }
    return bytes >= PROGRESS_MIN_BYTES;
}

void cli_progress(const char *label, uint64_t done, uint64_t total)
{
    if (!total)
        return;
    if (done >= total) {
        cli_progress_clear();
        return;
    }
    int pct = (int)(done * 100 / total), filled = pct * 30 / 100;
    if (pct == progress_shown)
        return;
    const char *slash = strrchr(label, '/');
    fprintf(stderr, "\r\033[K%s [%.*s%*s] %3d%%", slash ? slash + 1 : label, filled,
            "##############################", 30 - filled, "", pct);
    fflush(stderr);
    progress_shown = pct;
}

void cli_progress_clear(void)
{
    if (progress_shown < 0)
        return;
    fputs("\r\033[K", stderr);
    fflush(stderr);
    progress_shown = -1;
}

void cli_json_links(FILE *f, const tp_concept *c)
{
    fputc('[', f);
    for (size_t i = 0; i < c->link_count; i++) {
        fputs(i ? ",{\"id\":" : "{\"id\":", f);
        cli_json_string(f, c->links[i].target);
        if (c->links[i].text) {
            fputs(",\"text\":", f);
            cli_json_string(f, c->links[i].text);
        }
        fputc('}', f);
    }
    fputc(']', f);
}

void cli_print_links(FILE *f, const tp_concept *c)
{
    for (size_t i = 0; i < c->link_count; i++) {
        const tp_link *l = &c->links[i];
        if (l->text && strcmp(l->text, l->target))
            fprintf(f, "%s %s (%s)", i ? "," : "", l->text, l->target);
        else
            fprintf(f, "%s %s", i ? "," : "", l->target);
    }
    fputc('\n', f);
}

static int wide(unsigned long cp)
{
    return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF && cp != 0x303F) ||
           (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
           (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
           (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD);
}

size_t cli_width(const char *s)
{
    size_t w = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned long cp = *p;
        int n = 1;
        if (cp >= 0xF0) { cp &= 0x07; n = 4; }
        else if (cp >= 0xE0) { cp &= 0x0F; n = 3; }
        else if (cp >= 0xC0) { cp &= 0x1F; n = 2; }
        for (int k = 1; k < n && p[k]; k++)
            cp = (cp << 6) | (p[k] & 0x3F);
        /* Combining marks take no column. */
        if (!(cp >= 0x300 && cp <= 0x36F))
            w += wide(cp) ? 2 : 1;
        while (n-- && *p)
            p++;
    }
    return w;
}

void cli_pad(FILE *f, const char *s, size_t width)
{
    fputs(s, f);
    for (size_t w = cli_width(s); w < width; w++)
        fputc(' ', f);
}
