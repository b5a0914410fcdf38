/* The normaliser: Unicode folding with ICU, kanji readings with MeCab, and the assembly of match
 * keys from the romanisation modules (roman_ja.c, roman_ru.c). ICU's UTF-16 stays in this file. */
#include "toponym/norm.h"
#include "buf_int.h"
#include "error_int.h"
#include "mecab_int.h"
#include "norm_int.h"
#include "roman_int.h"
#include "utf8_int.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>

/* Queries and terms longer than this are refused: no place name is near it, and it bounds the
 * work one call can cause. */
#define MAX_TEXT_BYTES ((size_t)64 * 1024)

struct tp_norm {
    const UNormalizer2 *nfkc_cf;
    const UNormalizer2 *nfd;
    const UNormalizer2 *nfc;
    mecab_t *mecab;  /* NULL until first needed, and when no dictionary is installed */
    int mecab_tried; /* a tagger has been made, or found impossible to make */
};

tp_status tp_norm_new(tp_norm **out, tp_error *err)
{
    UErrorCode uerr = U_ZERO_ERROR;
    tp_norm *n = calloc(1, sizeof *n);
    if (!n)
        return tp_error_nomem(err);
    n->nfkc_cf = unorm2_getNFKCCasefoldInstance(&uerr);
    n->nfd = unorm2_getNFDInstance(&uerr);
    n->nfc = unorm2_getNFCInstance(&uerr);
    if (U_FAILURE(uerr)) {
        free(n);
        return tp_error_set(err, TP_ERR_DEPENDENCY, "ICU normalisation data unavailable: %s",
                            u_errorName(uerr));
    }
    *out = n;
    return TP_OK;
}

/* MeCab, started when a kanji reading is first needed: loading its dictionary would otherwise be
 * a good part of the start-up of a command that needs none. MeCab reads /etc/mecabrc for its
 * dictionary (mecab-ipadic-utf8 on Debian); without one *out is NULL and the normaliser works
 * without readings, but running out of memory is a failure (tried again on the next call). */
static tp_status tagger(tp_norm *n, mecab_t **out)
{
    if (!n->mecab_tried) {
        tp_status st = tp_mecab_new(&n->mecab);
        if (st)
            return st;
        n->mecab_tried = 1;
    }
    *out = n->mecab;
    return TP_OK;
}

void tp_norm_free(tp_norm *n)
{
    if (!n)
        return;
    tp_mecab_free(n->mecab);
    free(n);
}

int tp_norm_has_readings(const tp_norm *n)
{
    /* Asking starts MeCab: the normaliser is logically unchanged, so it stays const here. */
    mecab_t *m = NULL;
    return n && tagger((tp_norm *)n, &m) == TP_OK && m != NULL;
}

const char *tp_key_kind_name(tp_key_kind kind)
{
    switch (kind) {
    case TP_KEY_EXACT: return "exact";
    case TP_KEY_FOLD: return "fold";
    case TP_KEY_JA: return "ja";
    case TP_KEY_RU: return "ru";
    case TP_KEY_JA_READING: return "ja-reading";
    case TP_KEY_PART: return "part";
    }
    return "unknown";
}

tp_status tp_norm_check_text(const char *text, size_t len, tp_error *err)
{
    if (len == 0)
        return tp_error_set(err, TP_ERR_ARG, "empty text");
    if (len > MAX_TEXT_BYTES)
        return tp_error_set(err, TP_ERR_INPUT, "text of %zu bytes is longer than the limit of %zu",
                            len, MAX_TEXT_BYTES);
    size_t bad = tp_utf8_check(text, len);
    if (bad)
        return tp_error_set(err, TP_ERR_INPUT, "invalid UTF-8 at byte %zu", bad);
    return TP_OK;
}

/* ---- UTF-16 helpers: ICU works in UTF-16, the library speaks UTF-8. ---- */

typedef struct ustr {
    UChar *s;
    int32_t len;
} ustr;

static tp_status to_utf16(const char *text, size_t len, ustr *out)
{
    UErrorCode uerr = U_ZERO_ERROR;
    int32_t need = 0;
    u_strFromUTF8(NULL, 0, &need, text, (int32_t)len, &uerr);
    if (uerr != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(uerr))
        return TP_ERR_INPUT;
    uerr = U_ZERO_ERROR;
    out->s = malloc(((size_t)need + 1) * sizeof(UChar));
    if (!out->s)
        return TP_ERR_NOMEM;
    u_strFromUTF8(out->s, need + 1, &out->len, text, (int32_t)len, &uerr);
    return U_FAILURE(uerr) ? TP_ERR_INPUT : TP_OK;
}

static tp_status to_utf8(const ustr *in, tp_buf *out)
{
    UErrorCode uerr = U_ZERO_ERROR;
    int32_t need = 0;
    u_strToUTF8(NULL, 0, &need, in->s, in->len, &uerr);
    if (uerr != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(uerr))
        return TP_ERR_INPUT;
    tp_buf_reset(out);
    tp_status st = tp_buf_append(out, "", 0);
    if (st)
        return st;
    char *tmp = malloc((size_t)need + 1);
    if (!tmp)
        return TP_ERR_NOMEM;
    uerr = U_ZERO_ERROR;
    u_strToUTF8(tmp, need + 1, NULL, in->s, in->len, &uerr);
    st = U_FAILURE(uerr) ? TP_ERR_INPUT : tp_buf_append(out, tmp, (size_t)need);
    free(tmp);
    return st;
}

static tp_status normalize(const UNormalizer2 *form, ustr *u)
{
    UErrorCode uerr = U_ZERO_ERROR;
    int32_t need = unorm2_normalize(form, u->s, u->len, NULL, 0, &uerr);
    if (uerr != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(uerr))
        return TP_ERR_INPUT;
    UChar *dst = malloc(((size_t)need + 1) * sizeof(UChar));
    if (!dst)
        return TP_ERR_NOMEM;
    uerr = U_ZERO_ERROR;
    unorm2_normalize(form, u->s, u->len, dst, need + 1, &uerr);
    if (U_FAILURE(uerr)) {
        free(dst);
        return TP_ERR_INPUT;
    }
    free(u->s);
    u->s = dst;
    u->len = need;
    return TP_OK;
}

/* ---- folding ---- */

static int is_apostrophe(UChar32 c)
{
    return c == '\'' || c == 0x2019 || c == 0x2018 || c == 0x02B9 || c == 0x02BC || c == 0x02BB ||
           c == 0x2032 || c == '`' || c == 0x00B4 || c == 0x02BA || c == 0x201D || c == '"';
}

static int is_separator(UChar32 c)
{
    return c == '-' || (c >= 0x2010 && c <= 0x2015) || c == 0x2212 || c == 0x30FB || c == 0xFF65 ||
           c == 0x00B7 || c == '_' || c == '/' || u_isUWhiteSpace(c);
}

static int is_latin_base(UChar32 c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= 0xC0 && c <= 0x24F) ||
           (c >= 0x1E00 && c <= 0x1EFF);
}

/* One folding pass over NFD text: hiragana to katakana, families of apostrophes and separators
 * to one character each, combining marks on Latin letters dropped (and the diaeresis of ё). */
static tp_status fold_marks(const ustr *in, ustr *out)
{
    out->s = malloc(((size_t)in->len + 1) * sizeof(UChar));
    if (!out->s)
        return TP_ERR_NOMEM;
    int32_t o = 0;
    UChar32 base = 0;
    int pending_space = 0;
    for (int32_t i = 0; i < in->len;) {
        UChar32 c;
        U16_NEXT(in->s, i, in->len, c);
        if (c >= 0x300 && c <= 0x36F) {
            if (is_latin_base(base) || (c == 0x308 && (base == 0x435 || base == 0x415)))
                continue;
        } else if (is_separator(c)) {
            pending_space = o > 0;
            base = 0;
            continue;
        } else {
            base = c;
            if (c >= 0x3041 && c <= 0x3096)
                c += 0x60;
            else if (c == 0x309D || c == 0x309E)
                c += 0x60;
            else if (is_apostrophe(c))
                c = '\'';
        }
        if (pending_space) {
            out->s[o++] = ' ';
            pending_space = 0;
        }
        U16_APPEND_UNSAFE(out->s, o, c);
    }
    out->len = o;
    return TP_OK;
}

/* Whether folding NFKC text must go through NFD and back: only for what fold_marks changes in
 * decomposed form (marks on Latin letters, the diaeresis of ё) or what it could leave
 * uncomposed (kana voicing marks after hiragana turned katakana). Cyrillic, kana and kanji
 * otherwise fold the same in composed form. */
static int needs_nfd(const ustr *u)
{
    for (int32_t i = 0; i < u->len; i++) {
        UChar c = u->s[i];
        if ((c >= 0xC0 && c <= 0x24F) || (c >= 0x300 && c <= 0x36F) || c == 0x401 || c == 0x451 ||
            (c >= 0x1E00 && c <= 0x1EFF) || c == 0x3099 || c == 0x309A)
            return 1;
    }
    return 0;
}

/* What the ICU path does to one character of the common scripts of a memory, when it does it
 * to that character alone (NFKC and case folding leave it a single character that composes with
 * nothing, and fold_marks has no mark to drop): the folded character, 0 for a separator, or -1
 * when the character needs ICU. ASCII (NFKC and NFD leave it alone, case folding lowers A-Z),
 * basic Cyrillic with Ё, kana, unified kanji, CJK punctuation and brackets, full-width ASCII
 * (NFKC makes it ASCII), quotes, dashes and guillemets. */
static int32_t fold_simple_char(uint32_t c)
{
    if (c >= 0xFF01 && c <= 0xFF5E)
        c = c - 0xFF01 + 0x21;           /* full-width ASCII */
    if (c < 0x80) {
        if (c == '-' || c == '_' || c == '/' || c == ' ' || (c >= '\t' && c <= '\r'))
            return 0;
        if (c >= 'A' && c <= 'Z')
            return (int32_t)c + 32;
        return c == '`' || c == '"' ? '\'' : (int32_t)c;
    }
    if (c >= 0x410 && c <= 0x42F)
        return (int32_t)c + 0x20;
    if (c >= 0x430 && c <= 0x44F)
        return (int32_t)c;
    if (c == 0x401 || c == 0x451)
        return 0x435;                    /* ё as е */
    if ((c >= 0x3041 && c <= 0x3096) || c == 0x309D || c == 0x309E)
        return (int32_t)c + 0x60;        /* hiragana as katakana */
    if ((c >= 0x30A1 && c <= 0x30FA) || (c >= 0x30FC && c <= 0x30FE) ||
        (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) ||
        (c >= 0x3001 && c <= 0x3002) || (c >= 0x3005 && c <= 0x3011) || c == 0xAB || c == 0xBB ||
        c == 0x201C)
        return (int32_t)c;
    if (c == 0x3000 || c == 0x30FB || c == 0xA0 || (c >= 0x2010 && c <= 0x2015))
        return 0;
    if (c == 0x2018 || c == 0x2019 || c == 0x201D)
        return '\'';
    return -1;
}

/* The fold without ICU of text made only of the characters fold_simple_char knows (most
 * segments of an English, Japanese or Russian memory): 1 when it was, 0 when ICU must do it. */
static int fold_simple(const char *text, size_t len, tp_buf *out, tp_status *st)
{
    /* None of these characters folds to more bytes than it has (a separator takes at least
     * one), so the fold is written in place in room for len bytes. */
    tp_buf_reset(out);
    if ((*st = tp_buf_append(out, text, len)))
        return 1;
    unsigned char *o = (unsigned char *)out->data;
    const unsigned char *t = (const unsigned char *)text;
    size_t k = 0;
    int pending_space = 0;
    for (size_t i = 0; i < len;) {
        /* Runs of ASCII letters and digits, most of a Latin text, go straight through. */
        unsigned char a = t[i];
        if (((a | 0x20) >= 'a' && (a | 0x20) <= 'z') || (a >= '0' && a <= '9')) {
            if (pending_space) {
                o[k++] = ' ';
                pending_space = 0;
            }
            do {
                o[k++] = a >= 'A' && a <= 'Z' ? (unsigned char)(a + 32) : a;
                a = ++i < len ? t[i] : 0;
            } while (((a | 0x20) >= 'a' && (a | 0x20) <= 'z') || (a >= '0' && a <= '9'));
            continue;
        }
        int32_t c = tp_utf8_next_fast(text, len, &i);
        int32_t f = c < 0 ? -1 : fold_simple_char((uint32_t)c);
        if (f < 0)
            return 0;
        if (f == 0) {
            pending_space = k > 0;
            continue;
        }
        if (pending_space) {
            o[k++] = ' ';
            pending_space = 0;
        }
        if (f < 0x80) {
            o[k++] = (unsigned char)f;
        } else if (f < 0x800) {
            o[k++] = (unsigned char)(0xC0 | f >> 6);
            o[k++] = (unsigned char)(0x80 | (f & 0x3F));
        } else {
            o[k++] = (unsigned char)(0xE0 | f >> 12);
            o[k++] = (unsigned char)(0x80 | (f >> 6 & 0x3F));
            o[k++] = (unsigned char)(0x80 | (f & 0x3F));
        }
    }
    out->len = k;
    out->data[k] = '\0';
    return 1;
}

tp_status tp_norm_fold_buf(tp_norm *n, const char *text, size_t len, tp_buf *out)
{
    tp_status simple_st;
    if (fold_simple(text, len, out, &simple_st))
        return simple_st;
    ustr u = {0}, f = {0};
    tp_status st = to_utf16(text, len, &u);
    if (!st)
        st = normalize(n->nfkc_cf, &u);
    int nfd = !st && needs_nfd(&u);
    if (nfd)
        st = normalize(n->nfd, &u);
    if (!st)
        st = fold_marks(&u, &f);
    if (!st && nfd)
        st = normalize(n->nfc, &f);
    if (!st)
        st = to_utf8(&f, out);
    free(u.s);
    free(f.s);
    return st;
}

/* NFKC with case folding only: what the romanisation keys start from (diacritics kept). */
static tp_status casefold_buf(tp_norm *n, const char *text, size_t len, tp_buf *out)
{
    ustr u = {0};
    tp_status st = to_utf16(text, len, &u);
    if (!st)
        st = normalize(n->nfkc_cf, &u);
    if (!st)
        st = to_utf8(&u, out);
    free(u.s);
    return st;
}

tp_status tp_norm_nfc(tp_norm *n, const char *text, size_t len, char **out, tp_error *err)
{
    ustr u = {0};
    tp_buf b = TP_BUF_INIT;
    tp_status st = tp_norm_check_text(text, len, err);
    if (st)
        return st;
    st = to_utf16(text, len, &u);
    if (!st)
        st = normalize(n->nfc, &u);
    if (!st)
        st = to_utf8(&u, &b);
    free(u.s);
    if (!st)
        st = tp_buf_take(&b, out);
    tp_buf_free(&b);
    return st ? tp_error_set(err, st, "cannot normalise text: %s", tp_strerror(st)) : TP_OK;
}

tp_status tp_norm_fold(tp_norm *n, const char *text, size_t len, char **out, tp_error *err)
{
    tp_buf b = TP_BUF_INIT;
    tp_status st = tp_norm_check_text(text, len, err);
    if (st)
        return st;
    st = tp_norm_fold_buf(n, text, len, &b);
    if (!st)
        st = tp_buf_take(&b, out);
    tp_buf_free(&b);
    return st ? tp_error_set(err, st, "cannot fold text: %s", tp_strerror(st)) : TP_OK;
}

/* ---- readings ---- */

/* Appends MeCab's katakana reading of text; a word without one (unknown, Latin) is copied. */
static tp_status reading_buf(tp_norm *n, const char *text, size_t len, tp_buf *out)
{
    mecab_t *mecab = NULL;
    tp_status st = tagger(n, &mecab);
    if (st)
        return st;
    if (!mecab)
        return TP_ERR_DEPENDENCY;
    /* MeCab's tokenizer runs strlen() on the input whatever length it is given (found by
     * fuzz/fuzz_norm.c), and callers' text need not end in a NUL: give it a terminated copy. */
    char *copy = malloc(len + 1);
    if (!copy)
        return TP_ERR_NOMEM;
    memcpy(copy, text, len);
    copy[len] = '\0';
    const mecab_node_t *node;
    st = tp_mecab_parse(mecab, copy, len, &node);
    for (; node && !st; node = node->next) {
        if (node->stat == MECAB_BOS_NODE || node->stat == MECAB_EOS_NODE)
            continue;
        /* IPADIC features: POS,POS1,POS2,POS3,conj type,conj form,base,reading,pronunciation. */
        const char *f = node->feature;
        int field = 0;
        while (*f && field < 7) {
            if (*f++ == ',')
                field++;
        }
        size_t rlen = strcspn(f, ",");
        if (field == 7 && rlen > 0 && !(rlen == 1 && *f == '*'))
            st = tp_buf_append(out, f, rlen);
        else
            st = tp_buf_append(out, node->surface, node->length);
    }
    free(copy);
    return st;
}

tp_status tp_norm_reading(tp_norm *n, const char *text, size_t len, char **out, tp_error *err)
{
    tp_buf b = TP_BUF_INIT;
    tp_status st = tp_norm_check_text(text, len, err);
    if (st)
        return st;
    st = reading_buf(n, text, len, &b);
    if (!st)
        st = tp_buf_take(&b, out);
    tp_buf_free(&b);
    if (st == TP_ERR_DEPENDENCY)
        return tp_error_set(err, st, "no kanji readings: MeCab with a dictionary "
                                     "(mecab-ipadic-utf8) is not available");
    return st ? tp_error_set(err, st, "cannot read text: %s", tp_strerror(st)) : TP_OK;
}

/* ---- keys ---- */

typedef struct scripts {
    int latin, cyrillic, kana, han;
} scripts;

static scripts scan_scripts(const char *s, size_t n)
{
    scripts sc = {0};
    for (size_t i = 0; i < n;) {
        int32_t c = tp_utf8_next(s, n, &i);
        if (c < 0) {
            i++;
            continue;
        }
        switch (tp_utf8_script((uint32_t)c)) {
        case TP_SCRIPT_LATIN: sc.latin = 1; break;
        case TP_SCRIPT_CYRILLIC: sc.cyrillic = 1; break;
        case TP_SCRIPT_KANA: sc.kana = 1; break;
        case TP_SCRIPT_HAN: sc.han = 1; break;
        default: break;
        }
    }
    return sc;
}

static tp_status add_key(tp_keyset *set, tp_key_kind kind, const char *text, size_t len)
{
    if (len == 0)
        return TP_OK;
    for (size_t i = 0; i < set->count; i++)
        if (set->keys[i].kind == kind && strlen(set->keys[i].text) == len &&
            memcmp(set->keys[i].text, text, len) == 0)
            return TP_OK;
    tp_key *keys = realloc(set->keys, (set->count + 1) * sizeof *keys);
    if (!keys)
        return TP_ERR_NOMEM;
    set->keys = keys;
    char *copy = malloc(len + 1);
    if (!copy)
        return TP_ERR_NOMEM;
    memcpy(copy, text, len);
    copy[len] = '\0';
    set->keys[set->count].kind = kind;
    set->keys[set->count].text = copy;
    set->count++;
    return TP_OK;
}

/* Which romanisation families a language tag asks for. NULL (a query) asks for every family
 * its script allows; English and other Latin-script languages carry names of both origins. */
static void families(const char *lang, int *ja, int *ru)
{
    *ja = *ru = 1;
    if (!lang)
        return;
    if (strncasecmp(lang, "ja", 2) == 0 && (lang[2] == '\0' || lang[2] == '-'))
        *ru = 0;
    else if (strncasecmp(lang, "ru", 2) == 0 && (lang[2] == '\0' || lang[2] == '-'))
        *ja = 0;
}

static tp_status make_keys(tp_norm *n, const char *text, size_t len, const char *lang,
                           const char *reading, tp_keyset *set)
{
    tp_buf fold = TP_BUF_INIT, cf = TP_BUF_INIT, key = TP_BUF_INIT, rd = TP_BUF_INIT;
    int ja, ru;
    families(lang, &ja, &ru);

    tp_status st = tp_norm_fold_buf(n, text, len, &fold);
    if (!st && fold.len) {
        st = add_key(set, TP_KEY_FOLD, fold.data, fold.len);
        for (size_t i = 0; !st && i < fold.len; i++)
            if (fold.data[i] == ' ')
                st = add_key(set, TP_KEY_PART, fold.data + i + 1, fold.len - i - 1);
    }
    if (!st)
        st = casefold_buf(n, text, len, &cf);
    scripts sc = scan_scripts(cf.data ? cf.data : "", cf.len);

    if (!st && ja) {
        if (sc.han) {
            if (reading && *reading) {
                st = casefold_buf(n, reading, strlen(reading), &rd);
            } else {
                mecab_t *m = NULL;
                tp_buf raw = TP_BUF_INIT;
                if (!(st = tagger(n, &m)) && m && !(st = reading_buf(n, cf.data, cf.len, &raw)))
                    st = casefold_buf(n, raw.data, raw.len, &rd);
                tp_buf_free(&raw);
            }
            if (!st && rd.len) {
                st = tp_ja_key_from_kana(rd.data, rd.len, &key);
                if (!st)
                    st = add_key(set, TP_KEY_JA_READING, key.data, key.len);
            }
        } else if (sc.kana) {
            st = tp_ja_key_from_kana(cf.data, cf.len, &key);
            if (!st)
                st = add_key(set, TP_KEY_JA, key.data, key.len);
        } else if (sc.latin) {
            st = tp_ja_key_from_latin(cf.data, cf.len, &key);
            if (!st)
                st = add_key(set, TP_KEY_JA, key.data, key.len);
        }
    }
    if (!st && ru && (sc.cyrillic || (sc.latin && !sc.kana && !sc.han))) {
        tp_buf_reset(&key);
        st = sc.cyrillic ? tp_ru_key_from_cyrillic(cf.data, cf.len, &key)
                         : tp_ru_key_from_latin(cf.data, cf.len, &key);
        if (!st)
            st = add_key(set, TP_KEY_RU, key.data ? key.data : "", key.len);
    }
    tp_buf_free(&fold);
    tp_buf_free(&cf);
    tp_buf_free(&key);
    tp_buf_free(&rd);
    return st;
}

tp_status tp_norm_keys(tp_norm *n, const char *text, size_t len, const char *lang,
                       const char *reading, tp_keyset **out, tp_error *err)
{
    tp_status st = tp_norm_check_text(text, len, err);
    if (st)
        return st;
    if (reading && (st = tp_norm_check_text(reading, strlen(reading), err)))
        return st;
    tp_keyset *set = calloc(1, sizeof *set);
    if (!set)
        return tp_error_nomem(err);
    st = make_keys(n, text, len, lang, reading, set);
    if (st) {
        tp_keyset_free(set);
        return tp_error_set(err, st, "cannot compute keys: %s", tp_strerror(st));
    }
    *out = set;
    return TP_OK;
}

void tp_keyset_free(tp_keyset *set)
{
    if (!set)
        return;
    for (size_t i = 0; i < set->count; i++)
        free(set->keys[i].text);
    free(set->keys);
    free(set);
}
