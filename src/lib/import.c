/* The importer: tells each file's format from its content, runs its reader, and puts every
 * concept into the store by the conflict policy (add, merge, skip or replace), all files in one
 * transaction so that an error anywhere leaves the store as it was. */
#include "toponym/import.h"
#include "toponym/tbx.h"
#include "error_int.h"
#include "exchange_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const format_names[] = {"auto", "tbx", "tbx2", "tsv", "csv", "enamdict"};

const char *tp_format_name(tp_format format)
{
    return (unsigned)format < sizeof format_names / sizeof format_names[0] ? format_names[format]
                                                                          : "unknown";
}

tp_status tp_format_parse(const char *name, tp_format *out)
{
    for (size_t i = 0; i < sizeof format_names / sizeof format_names[0]; i++) {
        if (!strcasecmp(name, format_names[i])) {
            *out = (tp_format)i;
            return TP_OK;
        }
    }
    if (!strcasecmp(name, "tab") || !strcasecmp(name, "txt")) {
        *out = TP_FORMAT_TSV;
        return TP_OK;
    }
    return TP_ERR_ARG;
}

void tp_read_progress(const tp_read_opts *o, const char *path, uint64_t done, uint64_t total)
{
    static uint64_t last;
    if (!o || !o->import || !o->import->progress)
        return;
    if (done < last || done - last >= 65536 || done == total) {
        last = done;
        o->import->progress(o->import->progress_ctx, path, done, total);
    }
}

int tp_read_strict(const tp_read_opts *o)
{
    return o && o->import && o->import->strict;
}

struct tp_id_slot {
    char *id;
    const char *file;
};

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

int tp_id_set_add(tp_id_set *set, const char *id, const char *file, const char **first)
{
    if (set->count * 2 >= set->cap) {
        size_t cap = set->cap ? set->cap * 2 : 64;
        struct tp_id_slot *slots = calloc(cap, sizeof *slots);
        if (!slots)
            return -1;
        for (size_t i = 0; i < set->cap; i++) {
            if (!set->slots[i].id)
                continue;
            size_t j = hash_str(set->slots[i].id) & (cap - 1);
            while (slots[j].id)
                j = (j + 1) & (cap - 1);
            slots[j] = set->slots[i];
        }
        free(set->slots);
        set->slots = slots;
        set->cap = cap;
    }
    size_t j = hash_str(id) & (set->cap - 1);
    for (; set->slots[j].id; j = (j + 1) & (set->cap - 1)) {
        if (!strcmp(set->slots[j].id, id)) {
            *first = set->slots[j].file;
            return 0;
        }
    }
    if (!(set->slots[j].id = strdup(id)))
        return -1;
    set->slots[j].file = file;
    set->count++;
    return 1;
}

void tp_id_set_free(tp_id_set *set)
{
    for (size_t i = 0; i < set->cap; i++)
        free(set->slots[i].id);
    free(set->slots);
    set->slots = NULL;
    set->cap = set->count = 0;
}

/* memmem is not POSIX. */
static int contains(const unsigned char *hay, size_t n, const char *needle)
{
    size_t m = strlen(needle);
    for (size_t i = 0; i + m <= n; i++)
        if (!memcmp(hay + i, needle, m))
            return 1;
    return 0;
}

static int has_ext(const char *path, const char *ext)
{
    size_t n = strlen(path), e = strlen(ext);
    return n > e && !strcasecmp(path + n - e, ext);
}

tp_status tp_format_detect(const char *path, tp_format *out, tp_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return tp_error_at(err, TP_ERR_IO, path, 0, 0, "cannot open file");
    unsigned char head[4096];
    size_t n = fread(head, 1, sizeof head, f);
    fclose(f);
    size_t i = 0;
    int utf16 = n >= 2 && ((head[0] == 0xFF && head[1] == 0xFE) || (head[0] == 0xFE && head[1] == 0xFF));
    if (n >= 3 && head[0] == 0xEF && head[1] == 0xBB && head[2] == 0xBF)
        i = 3;
    while (i < n && (head[i] == ' ' || head[i] == '\n' || head[i] == '\r' || head[i] == '\t'))
        i++;
    if (!utf16 && i < n && head[i] == '<') {
        *out = TP_FORMAT_TBX;
        return TP_OK;
    }
    if (utf16) { /* XML in UTF-16 is rare in glossaries; a UTF-16 text file is OmegaT's */
        *out = has_ext(path, ".csv") ? TP_FORMAT_CSV : TP_FORMAT_TSV;
        return TP_OK;
    }
    int tabs = 0, commas = 0, high = 0, nul = 0;
    for (size_t k = 0; k < n; k++) {
        tabs += head[k] == '\t';
        commas += head[k] == ',';
        high += head[k] >= 0x80;
        nul += head[k] == 0;
    }
    if (nul)
        return tp_error_at(err, TP_ERR_INPUT, path, 1, 1,
                           "binary data, or UTF-16 without a byte-order mark: not a glossary");
    if ((contains(head, n, "ENAMDICT") || contains(head, n, "JMnedict") ||
         contains(head, n, "/(p") || contains(head, n, "/(st)") || contains(head, n, "/(u)")) &&
        high && !tabs) {
        *out = TP_FORMAT_ENAMDICT;
        return TP_OK;
    }
    if (has_ext(path, ".csv"))
        *out = TP_FORMAT_CSV;
    else if (tabs || !commas)
        *out = TP_FORMAT_TSV;
    else
        *out = TP_FORMAT_CSV;
    return TP_OK;
}

/* The TBX-Basic (v3, DCA) categories, by element: anything else is written inside
 * <tp:extra> by the exporter so that its output validates. */
int tp_tbx_basic_category(const char *element, const char *type)
{
    static const struct {
        const char *element, *type;
    } basic[] = {
        {"termNote", "administrativeStatus"}, {"termNote", "grammaticalGender"},
        {"termNote", "geographicalUsage"},    {"termNote", "partOfSpeech"},
        {"termNote", "termLocation"},         {"termNote", "termType"},
        {"descrip", "context"},               {"descrip", "definition"},
        {"descrip", "subjectField"},          {"admin", "customerSubset"},
        {"admin", "projectSubset"},           {"admin", "source"},
        {"ref", "crossReference"},            {"xref", "externalCrossReference"},
        {"xref", "xGraphic"},                 {"transac", "transactionType"},
        {"transacNote", "responsibility"},
    };
    if (!strcmp(element, "note") || !strcmp(element, "date") || !strcmp(element, "transacGrp") ||
        !strcmp(element, "descripGrp") || !strcmp(element, "adminGrp") ||
        !strcmp(element, "termNoteGrp"))
        return 1;
    for (size_t i = 0; i < sizeof basic / sizeof basic[0]; i++)
        if (!strcmp(element, basic[i].element) && type && !strcmp(type, basic[i].type))
            return 1;
    return 0;
}

typedef struct import_ctx {
    tp_store *store;
    const tp_import_opts *opts;
    const char *path;
    tp_import_summary sum;
} import_ctx;

/* Locates a store error at the entry that caused it. */
static tp_status at_entry(import_ctx *ic, tp_status st, unsigned long line, tp_error *err)
{
    if (!err || err->file[0])
        return st;
    char msg[TP_ERROR_MESSAGE_MAX];
    snprintf(msg, sizeof msg, "%s", err->message);
    return tp_error_at(err, st == TP_ERR_ARG ? TP_ERR_INPUT : st, ic->path, line, 0, "%s", msg);
}

static tp_status import_one(void *p, tp_concept *c, unsigned long line, tp_error *err)
{
    import_ctx *ic = p;
    int64_t id = 0;
    tp_status st = tp_store_find_same(ic->store, c, &id, err);
    ic->sum.terms += (long)c->term_count;
    if (!st && !id) {
        st = tp_store_add_concept(ic->store, c, err);
        ic->sum.added += !st;
        return st ? at_entry(ic, st, line, err) : TP_OK;
    }
    if (st)
        return at_entry(ic, st, line, err);
    if (ic->opts->on_conflict == TP_CONFLICT_SKIP) {
        ic->sum.skipped++;
        return TP_OK;
    }
    tp_concept *stored = NULL;
    if ((st = tp_store_get_concept(ic->store, id, &stored, err)))
        return at_entry(ic, st, line, err);
    if (ic->opts->on_conflict == TP_CONFLICT_REPLACE) {
        /* The stored id stays (links and history point at it); the file's ext_id wins. */
        if (!c->ext_id)
            st = tp_concept_set(&c->ext_id, stored->ext_id, err);
        c->id = id;
        if (!st)
            st = tp_store_update_concept(ic->store, c, err);
        ic->sum.replaced += !st;
    } else {
        size_t terms = stored->term_count, links = stored->link_count;
        tp_concept *before = tp_concept_copy(stored);
        if (!before)
            st = tp_error_nomem(err);
        if (!st)
            st = tp_concept_merge(stored, c, err);
        /* Nothing new: leave the store (and its history) alone. */
        int same = !st && stored->term_count == terms && stored->link_count == links;
        for (size_t i = 0; same && i < terms; i++) {
            const tp_term *a = &stored->terms[i], *b = &before->terms[i];
            same = (a->reading != NULL) == (b->reading != NULL) &&
                   (a->usage != NULL) == (b->usage != NULL) && (a->note != NULL) == (b->note != NULL) &&
                   (a->source != NULL) == (b->source != NULL) && a->scheme == b->scheme &&
                   (a->extra ? strlen(a->extra) : 0) == (b->extra ? strlen(b->extra) : 0);
        }
        same = same && (stored->note != NULL) == (before->note != NULL) &&
               (stored->subject != NULL) == (before->subject != NULL) &&
               (stored->source != NULL) == (before->source != NULL) &&
               (stored->ext_id != NULL) == (before->ext_id != NULL) &&
               (stored->extra ? strlen(stored->extra) : 0) == (before->extra ? strlen(before->extra) : 0);
        tp_concept_free(before);
        if (!st && same) {
            ic->sum.skipped++;
        } else if (!st) {
            st = tp_store_update_concept(ic->store, stored, err);
            ic->sum.merged += !st;
        }
    }
    tp_concept_free(stored);
    return st ? at_entry(ic, st, line, err) : TP_OK;
}

static tp_status read_file(const char *path, tp_format format, tp_read_opts *ro,
                           tp_concept_fn fn, void *ctx, tp_error *err)
{
    switch (format) {
    case TP_FORMAT_TBX:
    case TP_FORMAT_TBX2: return tp_tbx_read_with(path, ro, fn, ctx, err);
    case TP_FORMAT_TSV:
    case TP_FORMAT_CSV: return tp_tsv_read_with(path, format, ro, fn, ctx, err);
    case TP_FORMAT_ENAMDICT: return tp_enamdict_read_with(path, ro, fn, ctx, err);
    case TP_FORMAT_AUTO: break;
    }
    return tp_error_set(err, TP_ERR_ARG, "no format");
}

tp_status tp_read_file(const char *path, size_t max, char **out, size_t *len, tp_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return tp_error_at(err, TP_ERR_IO, path, 0, 0, "cannot open file");
    size_t cap = 65536, n = 0;
    char *data = malloc(cap + 1);
    tp_status st = data ? TP_OK : tp_error_nomem(err);
    while (!st) {
        if (n == cap) {
            if (cap >= max) {
                st = tp_error_at(err, TP_ERR_INPUT, path, 0, 0, "file larger than %zu MB",
                                 max >> 20);
                break;
            }
            cap = cap * 2 > max ? max : cap * 2;
            char *p = realloc(data, cap + 1);
            if (!p) {
                st = tp_error_nomem(err);
                break;
            }
            data = p;
        }
        size_t got = fread(data + n, 1, cap - n, f);
        n += got;
        if (got == 0) {
            if (ferror(f))
                st = tp_error_at(err, TP_ERR_IO, path, 0, 0, "read error");
            break;
        }
    }
    fclose(f);
    if (st) {
        free(data);
        return st;
    }
    data[n] = '\0';
    *out = data;
    *len = n;
    return TP_OK;
}

tp_status tp_import(tp_store *store, const char *const *paths, size_t count,
                    const tp_import_opts *opts, tp_import_summary *summary, tp_error *err)
{
    tp_import_opts defaults = {0};
    import_ctx ic = {store, opts ? opts : &defaults, NULL, {0}};
    char what[256];
    snprintf(what, sizeof what, "import %s%s", count ? paths[0] : "",
             count > 1 ? " and other files" : "");
    tp_status st = tp_store_describe(store, what, err);
    tp_id_set ids = {0}; /* an id in two files of one import is as bad as twice in one */
    if (!st)
        st = tp_store_begin_bulk(store, err);
    for (size_t i = 0; !st && i < count; i++) {
        tp_format format = ic.opts->format;
        ic.path = paths[i];
        if (format == TP_FORMAT_AUTO && (st = tp_format_detect(paths[i], &format, err)))
            break;
        tp_read_opts ro = {ic.opts, 0, &ids};
        st = read_file(paths[i], format, &ro, import_one, &ic, err);
        ic.sum.ignored += ro.ignored;
    }
    tp_id_set_free(&ids);
    if (!st && !ic.opts->dry_run)
        st = tp_store_commit(store, err);
    else
        tp_store_rollback(store);
    if (!st && summary)
        *summary = ic.sum;
    return st;
}
