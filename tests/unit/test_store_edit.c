/* The store's editing side: update, delete, find the same concept, walk all concepts, and undo
 * of each kind of change (one transaction = one change), with lookups following every step;
 * and bulk transactions, whose keys are queued and written sorted. */
#include "tp_test.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <toponym/toponym.h>

static tp_norm *norm;
static char dir[] = "/tmp/tp_edit_XXXXXX";
static char path[300];

static tp_concept *make(const char *id, const char *en, const char *ja, const char *reading)
{
    tp_concept *c = tp_concept_new();
    tp_error err;
    if (id)
        tp_concept_set(&c->ext_id, id, &err);
    tp_term e = {.lang = "en", .text = (char *)en, .status = TP_TERM_PREFERRED,
                 .extra = "<termNote type=\"partOfSpeech\">noun</termNote>"};
    tp_term j = {.lang = "ja", .text = (char *)ja, .status = TP_TERM_PREFERRED,
                 .reading = (char *)reading};
    tp_concept_add_term(c, &e, &err);
    tp_concept_add_term(c, &j, &err);
    return c;
}

/* Number of concepts a lookup of q lands on with an exact or folded match. */
static size_t found(tp_store *s, const char *q)
{
    tp_matches *m = NULL;
    tp_error err;
    tp_lookup_opts o = {NULL, 10, TP_LOOKUP_NO_FUZZY | TP_LOOKUP_NO_PREFIX};
    if (tp_lookup(s, norm, q, strlen(q), &o, &m, &err) != TP_OK)
        return 999;
    size_t n = 0;
    for (size_t i = 0; i < m->count; i++)
        n += m->items[i].score >= 95;
    tp_matches_free(m);
    return n;
}

static tp_status count_fn(void *ctx, tp_concept *c, unsigned long line, tp_error *err)
{
    (void)c;
    (void)line;
    (void)err;
    (*(int *)ctx)++;
    return TP_OK;
}

static void test_edit_and_undo(void)
{
    tp_store *s = NULL;
    tp_error err;
    CHECK(tp_store_open(path, 0, norm, &s, &err) == TP_OK);
    tp_store_change ch;
    CHECK(tp_store_last_change(s, &ch, &err) == TP_ERR_NOTFOUND);

    /* Change 1: two concepts in one transaction. */
    tp_concept *a = make("iturup", "Iturup", "択捉島", "えとろふとう");
    tp_concept *b = make(NULL, "Kunashir", "国後島", "くなしりとう");
    CHECK(tp_store_describe(s, "import test", &err) == TP_OK);
    CHECK(tp_store_begin(s, &err) == TP_OK);
    CHECK(tp_store_add_concept(s, a, &err) == TP_OK);
    CHECK(tp_store_add_concept(s, b, &err) == TP_OK);
    CHECK(tp_store_commit(s, &err) == TP_OK);
    CHECK(tp_store_last_change(s, &ch, &err) == TP_OK);
    CHECK_STR(ch.summary, "import test");
    CHECK(ch.concepts == 2);

    /* Extra data survives the store. */
    tp_concept *back = NULL;
    CHECK(tp_store_find_concept(s, "iturup", &back, &err) == TP_OK);
    CHECK(back && back->terms[0].extra && strstr(back->terms[0].extra, "partOfSpeech"));
    tp_concept_free(back);

    /* find_same: by id, then by preferred terms; a different preferred term is another. */
    int64_t id = 0;
    tp_concept *q = make("iturup", "x", "y", NULL);
    CHECK(tp_store_find_same(s, q, &id, &err) == TP_OK && id == a->id);
    tp_concept_free(q);
    q = make(NULL, "Kunashir", "国後島", NULL);
    CHECK(tp_store_find_same(s, q, &id, &err) == TP_OK && id == b->id);
    tp_concept_free(q);
    q = make(NULL, "Kunashir", "国後", NULL);
    CHECK(tp_store_find_same(s, q, &id, &err) == TP_OK && id == 0);
    tp_concept_free(q);

    /* Change 2: an update renames the English term; the old spelling no longer finds it. */
    tp_concept *u = make("iturup", "Iturup Island", "択捉島", "えとろふとう");
    u->id = a->id;
    CHECK(tp_store_update_concept(s, u, &err) == TP_OK);
    CHECK(found(s, "Iturup Island") == 1);
    CHECK(found(s, "Iturup") == 0);
    /* An update naming another concept's id is refused and changes nothing. */
    tp_concept *clash = make("iturup", "Foo", "フー", NULL);
    clash->id = b->id;
    CHECK(tp_store_update_concept(s, clash, &err) == TP_ERR_ARG);
    CHECK(found(s, "Kunashir") == 1);
    tp_concept_free(clash);

    /* Change 3: a term deleted; the last term cannot be. */
    tp_concept *kb = NULL;
    CHECK(tp_store_get_concept(s, b->id, &kb, &err) == TP_OK);
    CHECK(tp_store_delete_term(s, kb->terms[1].id, &err) == TP_OK);
    CHECK(found(s, "国後島") == 0);
    CHECK(tp_store_delete_term(s, kb->terms[0].id, &err) == TP_ERR_ARG);
    tp_concept_free(kb);

    /* Change 4: a concept deleted. */
    CHECK(tp_store_delete_concept(s, a->id, &err) == TP_OK);
    CHECK(found(s, "Iturup Island") == 0);
    CHECK(tp_store_delete_concept(s, a->id, &err) == TP_ERR_NOTFOUND);

    int n = 0;
    CHECK(tp_store_each_concept(s, count_fn, &n, &err) == TP_OK && n == 1);

    /* Undo walks back: 4, 3, 2, 1, then nothing. */
    CHECK(tp_store_undo(s, &ch, &err) == TP_OK);
    CHECK(found(s, "Iturup Island") == 1 && found(s, "択捉島") == 1);
    CHECK(tp_store_undo(s, &ch, &err) == TP_OK);
    CHECK(found(s, "国後島") == 1);
    CHECK(tp_store_undo(s, &ch, &err) == TP_OK);
    CHECK(found(s, "Iturup") == 1 && found(s, "Iturup Island") == 0);
    CHECK(tp_store_find_concept(s, "iturup", &back, &err) == TP_OK);
    CHECK(back && back->id == a->id && back->term_count == 2);
    tp_concept_free(back);
    CHECK(tp_store_undo(s, &ch, &err) == TP_OK);
    CHECK_STR(ch.summary, "import test");
    CHECK(found(s, "Iturup") == 0 && found(s, "Kunashir") == 0);
    CHECK(tp_store_undo(s, &ch, &err) == TP_ERR_NOTFOUND);

    /* A failed write inside a transaction leaves no change behind once rolled back. */
    CHECK(tp_store_begin(s, &err) == TP_OK);
    CHECK(tp_store_add_concept(s, a, &err) == TP_OK);
    tp_store_rollback(s);
    CHECK(tp_store_last_change(s, &ch, &err) == TP_ERR_NOTFOUND);

    tp_concept_free(a);
    tp_concept_free(b);
    tp_concept_free(u);
    tp_store_close(s);

    /* Read-only stores refuse every edit. */
    CHECK(tp_store_open(path, TP_STORE_READONLY, norm, &s, &err) == TP_OK);
    CHECK(tp_store_delete_concept(s, 1, &err) == TP_ERR_READONLY);
    CHECK(tp_store_undo(s, NULL, &err) == TP_ERR_READONLY);
    tp_store_close(s);
}

/* Writes the same edits in a bulk transaction (keys queued, then written sorted) and in a plain
 * one: the stores must agree, also on deletes and updates of concepts whose keys were still
 * queued, and lookups inside the transaction see the queued keys. */
static void bulk_edits(tp_store *s, int bulk)
{
    tp_error err;
    tp_concept *a = make("iturup", "Iturup", "択捉島", "えとろふとう");
    tp_concept *b = make("kunashir", "Kunashir", "国後島", "くなしりとう");
    tp_concept *c = make("shikotan", "Shikotan", "色丹島", "しこたんとう");
    CHECK((bulk ? tp_store_begin_bulk(s, &err) : tp_store_begin(s, &err)) == TP_OK);
    CHECK(tp_store_add_concept(s, a, &err) == TP_OK);
    CHECK(tp_store_add_concept(s, b, &err) == TP_OK);
    /* A merge replaces a concept whose keys are queued. */
    tp_term v = {.lang = "en", .text = "Etorofu", .status = TP_TERM_ADMITTED};
    CHECK(tp_concept_add_term(a, &v, &err) == TP_OK);
    CHECK(tp_store_update_concept(s, a, &err) == TP_OK);
    CHECK(tp_store_delete_concept(s, b->id, &err) == TP_OK);
    CHECK(found(s, "Etorofu") == 1);   /* writes the queue first */
    CHECK(found(s, "Kunashir") == 0);
    CHECK(tp_store_add_concept(s, c, &err) == TP_OK);
    CHECK(tp_store_delete_term(s, c->terms[0].id, &err) == TP_OK);
    CHECK(tp_store_commit(s, &err) == TP_OK);
    CHECK(found(s, "Iturup") == 1);
    CHECK(found(s, "択捉島") == 1);
    CHECK(found(s, "Etorofu") == 1);
    CHECK(found(s, "Shikotan") == 0);
    CHECK(found(s, "色丹島") == 1);
    tp_matches *m = NULL;
    tp_lookup_opts o = {NULL, 10, 0};
    CHECK(tp_lookup(s, norm, "Iturpu", 6, &o, &m, &err) == TP_OK && m->count == 1);
    tp_matches_free(m);
    /* A rolled-back bulk transaction leaves no queued key behind. */
    tp_concept *d = make("habomai", "Habomai", "歯舞", "はぼまい");
    CHECK(tp_store_begin_bulk(s, &err) == TP_OK);
    CHECK(tp_store_add_concept(s, d, &err) == TP_OK);
    tp_store_rollback(s);
    CHECK(found(s, "Habomai") == 0);
    /* A small batch into a larger store: written with the indexes in place. */
    CHECK((bulk ? tp_store_begin_bulk(s, &err) : tp_store_begin(s, &err)) == TP_OK);
    CHECK(tp_store_add_concept(s, d, &err) == TP_OK);
    CHECK(tp_store_commit(s, &err) == TP_OK);
    CHECK(found(s, "Habomai") == 1);
    tp_concept_free(a);
    tp_concept_free(b);
    tp_concept_free(c);
    tp_concept_free(d);
}

static void test_bulk(void)
{
    tp_store *s[2] = {NULL, NULL};
    tp_store_stats *st[2] = {NULL, NULL};
    tp_error err;
    for (int bulk = 0; bulk < 2; bulk++) {
        char p[320];
        snprintf(p, sizeof p, "%s/bulk%d.db", dir, bulk);
        CHECK(tp_store_open(p, 0, norm, &s[bulk], &err) == TP_OK);
        bulk_edits(s[bulk], bulk);
        CHECK(tp_store_stats_get(s[bulk], &st[bulk], &err) == TP_OK);
    }
    CHECK(st[0]->concepts == 3 && st[1]->concepts == 3);
    CHECK(st[0]->terms == st[1]->terms);
    CHECK(st[0]->keys == st[1]->keys);
    /* Undo of the batch added after the first bulk transaction, then of that one. */
    CHECK(tp_store_undo(s[1], NULL, &err) == TP_OK);
    CHECK(tp_store_undo(s[1], NULL, &err) == TP_OK);
    CHECK(found(s[1], "Iturup") == 0);
    /* A forgotten history leaves the concepts and nothing to undo. */
    tp_store_change ch;
    CHECK(tp_store_forget_history(s[0], &err) == TP_OK);
    CHECK(tp_store_last_change(s[0], &ch, &err) == TP_ERR_NOTFOUND);
    CHECK(tp_store_undo(s[0], NULL, &err) == TP_ERR_NOTFOUND);
    CHECK(found(s[0], "Iturup") == 1);
    CHECK(tp_store_begin(s[0], &err) == TP_OK);
    CHECK(tp_store_forget_history(s[0], &err) == TP_ERR_ARG);
    tp_store_rollback(s[0]);
    for (int i = 0; i < 2; i++) {
        tp_store_stats_free(st[i]);
        tp_store_close(s[i]);
        const char *suffix[] = {"", "-wal", "-shm"};
        for (size_t k = 0; k < 3; k++) {
            char p[340];
            snprintf(p, sizeof p, "%s/bulk%d.db%s", dir, i, suffix[k]);
            unlink(p);
        }
    }
}

static void test_merge_model(void)
{
    tp_error err;
    tp_concept *a = make("x", "Iturup", "択捉島", NULL);
    tp_concept *b = make(NULL, "Etorofu", "択捉島", "えとろふとう");
    tp_concept_set(&b->note, "merged note", &err);
    CHECK(tp_concept_merge(a, b, &err) == TP_OK);
    CHECK(a->term_count == 3);
    CHECK_STR(a->terms[2].text, "Etorofu");
    CHECK(a->terms[2].status == TP_TERM_ADMITTED); /* one preferred term per language */
    CHECK_STR(a->terms[1].reading, "えとろふとう");
    CHECK_STR(a->note, "merged note");
    CHECK_STR(a->ext_id, "x");
    /* Merging again changes nothing (extra data is not doubled). */
    CHECK(tp_concept_merge(a, b, &err) == TP_OK);
    CHECK(a->term_count == 3);
    CHECK(strstr(a->terms[0].extra, "noun") == strrchr(a->terms[0].extra, 'n') - 3);
    tp_concept *c = tp_concept_copy(a);
    CHECK(c && c->term_count == 3 && c->terms[2].status == TP_TERM_ADMITTED);
    tp_concept_free(c);
    tp_concept_free(a);
    tp_concept_free(b);

    char out[40];
    CHECK(tp_lang_canonical("EN-us", out, sizeof out) == TP_OK);
    CHECK_STR(out, "en-US");
    CHECK(tp_lang_canonical("ja-latn", out, sizeof out) == TP_OK);
    CHECK_STR(out, "ja-Latn");
    CHECK(tp_lang_canonical("e", out, sizeof out) == TP_ERR_ARG);
    CHECK(tp_lang_canonical("english", out, sizeof out) == TP_ERR_ARG);
    CHECK(tp_lang_canonical("en--US", out, sizeof out) == TP_ERR_ARG);
    CHECK(tp_lang_canonical("ja_JP", out, sizeof out) == TP_OK);
    CHECK_STR(out, "ja-JP");
}

int main(void)
{
    tp_error err;
    if (!mkdtemp(dir) || tp_norm_new(&norm, &err) != TP_OK)
        return 1;
    snprintf(path, sizeof path, "%s/e.db", dir);
    test_edit_and_undo();
    test_merge_model();
    test_bulk();
    tp_norm_free(norm);
    const char *suffix[] = {"", "-wal", "-shm"};
    for (size_t i = 0; i < 3; i++) {
        char p[320];
        snprintf(p, sizeof p, "%s%s", path, suffix[i]);
        unlink(p);
    }
    rmdir(dir);
    return TEST_DONE();
}
