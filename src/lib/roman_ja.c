/* Japanese romanisation: kana written in Latin by modified or traditional Hepburn, Kunrei
 * (ISO 3602), Nihon-shiki or the passport rules; and the Japanese match key, one spelling into
 * which every romanisation of a name, and its kana, collapse. Plain C tables, no ICU: the kana
 * syllabary is small and closed, and the rules that differ between schemes are few. */
#include "roman_int.h"
#include "utf8_int.h"

#include <stdint.h>
#include <string.h>

/* ======================================================================================== */
/* Kana tables                                                                              */
/* ======================================================================================== */

/* One kana (or a kana with a small kana after it) as the three scheme families spell it.
 * Traditional Hepburn and the passport rules take the Hepburn column; trad is set only where
 * traditional Hepburn differs from modified Hepburn. */
typedef struct kana_spelling {
    const char *kana; /* hiragana, UTF-8; katakana is turned into hiragana before lookup */
    const char *hep;
    const char *kun;
    const char *nih;
    const char *trad; /* NULL: as hep */
} kana_spelling;

#define HIRAGANA_FIRST 0x3041u /* ぁ */
#define HIRAGANA_LAST 0x3096u  /* ゖ */

/* The hiragana block in code point order, which is the gojūon order with each voiced kana after
 * its plain one, so a kana's row is hiragana[cp - HIRAGANA_FIRST]. っ and ん have no spelling
 * of their own: they are spelt from the sound after them. */
static const kana_spelling hiragana[] = {
    {"ぁ", "a", "a", "a", NULL},       {"あ", "a", "a", "a", NULL},
    {"ぃ", "i", "i", "i", NULL},       {"い", "i", "i", "i", NULL},
    {"ぅ", "u", "u", "u", NULL},       {"う", "u", "u", "u", NULL},
    {"ぇ", "e", "e", "e", NULL},       {"え", "e", "e", "e", NULL},
    {"ぉ", "o", "o", "o", NULL},       {"お", "o", "o", "o", NULL},
    {"か", "ka", "ka", "ka", NULL},    {"が", "ga", "ga", "ga", NULL},
    {"き", "ki", "ki", "ki", NULL},    {"ぎ", "gi", "gi", "gi", NULL},
    {"く", "ku", "ku", "ku", NULL},    {"ぐ", "gu", "gu", "gu", NULL},
    {"け", "ke", "ke", "ke", NULL},    {"げ", "ge", "ge", "ge", NULL},
    {"こ", "ko", "ko", "ko", NULL},    {"ご", "go", "go", "go", NULL},
    {"さ", "sa", "sa", "sa", NULL},    {"ざ", "za", "za", "za", NULL},
    {"し", "shi", "si", "si", NULL},   {"じ", "ji", "zi", "zi", NULL},
    {"す", "su", "su", "su", NULL},    {"ず", "zu", "zu", "zu", NULL},
    {"せ", "se", "se", "se", NULL},    {"ぜ", "ze", "ze", "ze", NULL},
    {"そ", "so", "so", "so", NULL},    {"ぞ", "zo", "zo", "zo", NULL},
    {"た", "ta", "ta", "ta", NULL},    {"だ", "da", "da", "da", NULL},
    {"ち", "chi", "ti", "ti", NULL},   {"ぢ", "ji", "zi", "di", NULL},
    {"っ", "", "", "", NULL},          {"つ", "tsu", "tu", "tu", NULL},
    {"づ", "zu", "zu", "du", NULL},    {"て", "te", "te", "te", NULL},
    {"で", "de", "de", "de", NULL},    {"と", "to", "to", "to", NULL},
    {"ど", "do", "do", "do", NULL},    {"な", "na", "na", "na", NULL},
    {"に", "ni", "ni", "ni", NULL},    {"ぬ", "nu", "nu", "nu", NULL},
    {"ね", "ne", "ne", "ne", NULL},    {"の", "no", "no", "no", NULL},
    {"は", "ha", "ha", "ha", NULL},    {"ば", "ba", "ba", "ba", NULL},
    {"ぱ", "pa", "pa", "pa", NULL},    {"ひ", "hi", "hi", "hi", NULL},
    {"び", "bi", "bi", "bi", NULL},    {"ぴ", "pi", "pi", "pi", NULL},
    {"ふ", "fu", "hu", "hu", NULL},    {"ぶ", "bu", "bu", "bu", NULL},
    {"ぷ", "pu", "pu", "pu", NULL},    {"へ", "he", "he", "he", NULL},
    {"べ", "be", "be", "be", NULL},    {"ぺ", "pe", "pe", "pe", NULL},
    {"ほ", "ho", "ho", "ho", NULL},    {"ぼ", "bo", "bo", "bo", NULL},
    {"ぽ", "po", "po", "po", NULL},    {"ま", "ma", "ma", "ma", NULL},
    {"み", "mi", "mi", "mi", NULL},    {"む", "mu", "mu", "mu", NULL},
    {"め", "me", "me", "me", NULL},    {"も", "mo", "mo", "mo", NULL},
    {"ゃ", "ya", "ya", "ya", NULL},    {"や", "ya", "ya", "ya", NULL},
    {"ゅ", "yu", "yu", "yu", NULL},    {"ゆ", "yu", "yu", "yu", NULL},
    {"ょ", "yo", "yo", "yo", NULL},    {"よ", "yo", "yo", "yo", NULL},
    {"ら", "ra", "ra", "ra", NULL},    {"り", "ri", "ri", "ri", NULL},
    {"る", "ru", "ru", "ru", NULL},    {"れ", "re", "re", "re", NULL},
    {"ろ", "ro", "ro", "ro", NULL},    {"ゎ", "wa", "wa", "wa", NULL},
    {"わ", "wa", "wa", "wa", NULL},    {"ゐ", "i", "i", "wi", NULL},
    {"ゑ", "e", "e", "we", NULL},      {"を", "o", "o", "wo", "wo"},
    {"ん", "", "", "", NULL},          {"ゔ", "vu", "vu", "vu", NULL},
    {"ゕ", "ka", "ka", "ka", NULL},    {"ゖ", "ke", "ke", "ke", NULL},
};

_Static_assert(sizeof hiragana / sizeof hiragana[0] == HIRAGANA_LAST - HIRAGANA_FIRST + 1,
               "one row per hiragana code point");

#define SAME(s) s, s, s, NULL

/* A kana followed by a small kana that is not a plain yōon (those are built by yoon()).
 * Loanword sounds have no spelling in Kunrei or Nihon-shiki, so all columns take the usual one. */
static const kana_spelling kana_pairs[] = {
    /* the old kwa/gwa, which only Nihon-shiki and traditional Hepburn still write */
    {"くゎ", "ka", "ka", "kwa", "kwa"},
    {"ぐゎ", "ga", "ga", "gwa", "gwa"},
    /* loanword sounds, written in katakana */
    {"いぇ", SAME("ye")},
    {"うぃ", SAME("wi")},   {"うぇ", SAME("we")},   {"うぉ", SAME("wo")},
    {"ゔぁ", SAME("va")},   {"ゔぃ", SAME("vi")},   {"ゔぇ", SAME("ve")},
    {"ゔぉ", SAME("vo")},   {"ゔゅ", SAME("vyu")},
    {"くぁ", SAME("kwa")},  {"くぃ", SAME("kwi")},  {"くぇ", SAME("kwe")},
    {"くぉ", SAME("kwo")},  {"ぐぁ", SAME("gwa")},
    {"すぃ", SAME("si")},   {"ずぃ", SAME("zi")},
    {"つぁ", SAME("tsa")},  {"つぃ", SAME("tsi")},  {"つぇ", SAME("tse")},
    {"つぉ", SAME("tso")},
    {"てぃ", SAME("ti")},   {"でぃ", SAME("di")},   {"てゅ", SAME("tyu")},
    {"でゅ", SAME("dyu")},  {"とぅ", SAME("tu")},   {"どぅ", SAME("du")},
    {"ふぁ", SAME("fa")},   {"ふぃ", SAME("fi")},   {"ふぇ", SAME("fe")},
    {"ふぉ", SAME("fo")},   {"ふゅ", SAME("fyu")},
};

/* Half-width katakana U+FF66..U+FF9D, as the full-width hiragana they stand for. */
static const char halfwidth_kana[] =
    "をぁぃぅぇぉゃゅょっーあいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめ"
    "もやゆよらりるれろわん";

/* ======================================================================================== */
/* Reading kana                                                                             */
/* ======================================================================================== */

enum {
    KANA_SMALL_TSU = 0x3063,  /* っ */
    KANA_N = 0x3093,          /* ん */
    KANA_VU = 0x3094,         /* ゔ */
    KANA_REPEAT = 0x309D,     /* ゝ */
    KANA_REPEAT_VOICED = 0x309E,
    KANA_LONG = 0x30FC,       /* ー, the prolonged sound mark */
    KANA_VA = 0x30F7,         /* ヷ; ヸ ヹ ヺ follow */
    KANA_VO = 0x30FA
};

static int is_japanese(tp_scheme s)
{
    return s >= TP_SCHEME_HEPBURN && s <= TP_SCHEME_PASSPORT;
}

static int is_vowel(char c)
{
    return c == 'a' || c == 'i' || c == 'u' || c == 'e' || c == 'o';
}

static int is_alpha(char c)
{
    return c >= 'a' && c <= 'z';
}

/* The voiced (dakuten) or, with semi, the p- (handakuten) form of a hiragana; 0 if it has none. */
static uint32_t voiced(uint32_t h, int semi)
{
    if (h >= 0x306F && h <= 0x307B && (h - 0x306F) % 3 == 0) /* は ひ ふ へ ほ */
        return h + (semi ? 2 : 1);
    if (semi)
        return 0;
    if (h == 0x3046) /* う */
        return KANA_VU;
    if ((h >= 0x304B && h <= 0x3061 && h % 2 == 1) || /* か .. ち */
        (h >= 0x3064 && h <= 0x3068 && h % 2 == 0))   /* つ て と */
        return h + 1;
    return 0;
}

/* Whether cp is a voicing mark written after a kana: half-width, combining or spacing. Sets
 * *semi for the handakuten. */
static int is_voicing_mark(int32_t cp, int *semi)
{
    *semi = cp == 0xFF9F || cp == 0x309A || cp == 0x309C;
    return *semi || cp == 0xFF9E || cp == 0x3099 || cp == 0x309B;
}

/* Decodes the kana at s[*i] as hiragana (katakana and half-width katakana folded; ー, ゝ, ゞ
 * and ヷ..ヺ kept as they are), taking in a voicing mark written after it. Returns 0, leaving
 * *i alone, when the character there is not kana. */
static uint32_t read_kana(const char *s, size_t len, size_t *i)
{
    size_t j = *i;
    int32_t c = tp_utf8_next(s, len, &j);
    uint32_t h;
    if (c < 0)
        return 0;
    if ((uint32_t)c >= HIRAGANA_FIRST && (uint32_t)c <= HIRAGANA_LAST)
        h = (uint32_t)c;
    else if (c >= 0x30A1 && c <= 0x30F6)
        h = (uint32_t)c - 0x60;
    else if (c == 0x30FD || c == 0x30FE) /* ヽ ヾ */
        h = (uint32_t)c - 0x60;
    else if (c == KANA_REPEAT || c == KANA_REPEAT_VOICED || c == KANA_LONG ||
             (c >= KANA_VA && c <= KANA_VO))
        h = (uint32_t)c;
    else if (c >= 0xFF66 && c <= 0xFF9D) {
        size_t k = (size_t)(c - 0xFF66) * 3; /* every kana is three bytes in UTF-8 */
        int32_t f = tp_utf8_next(halfwidth_kana, sizeof halfwidth_kana - 1, &k);
        h = (uint32_t)f;
    } else
        return 0;

    size_t m = j;
    int semi;
    if (h != KANA_LONG && is_voicing_mark(tp_utf8_next(s, len, &m), &semi) && voiced(h, semi)) {
        h = voiced(h, semi);
        j = m;
    }
    *i = j;
    return h;
}

static int is_small_kana(uint32_t h)
{
    switch (h) {
    case 0x3041: case 0x3043: case 0x3045: case 0x3047: case 0x3049: /* ぁ ぃ ぅ ぇ ぉ */
    case 0x3083: case 0x3085: case 0x3087:                           /* ゃ ゅ ょ */
    case 0x308E:                                                     /* ゎ */
        return 1;
    default:
        return 0;
    }
}

static int is_plain_vowel(uint32_t h)
{
    return h == 0x3042 || h == 0x3044 || h == 0x3046 || h == 0x3048 || h == 0x304A;
}

static const char *pick(const kana_spelling *k, tp_scheme s)
{
    switch (s) {
    case TP_SCHEME_KUNREI:
        return k->kun;
    case TP_SCHEME_NIHON:
        return k->nih;
    case TP_SCHEME_HEPBURN_TRAD:
        return k->trad ? k->trad : k->hep;
    default:
        return k->hep;
    }
}

/* The yōon of an i-row kana and a small ya, yu, yo (or e): the i of the kana gives way to
 * y and the small kana's vowel, except after sh, ch and j, which already carry the glide. */
static const char *yoon(uint32_t base, uint32_t small, tp_scheme s, char dst[8])
{
    static const uint16_t i_row[] = {0x304D, 0x304E, 0x3057, 0x3058, 0x3061, 0x3062,
                                     0x306B, 0x3072, 0x3073, 0x3074, 0x307F, 0x308A};
    char v;
    switch (small) {
    case 0x3083: v = 'a'; break;
    case 0x3085: v = 'u'; break;
    case 0x3087: v = 'o'; break;
    case 0x3047: v = 'e'; break;
    default: return NULL;
    }
    size_t k = 0;
    while (k < sizeof i_row / sizeof i_row[0] && i_row[k] != base)
        k++;
    if (k == sizeof i_row / sizeof i_row[0])
        return NULL;

    const char *sp = pick(&hiragana[base - HIRAGANA_FIRST], s);
    size_t stem = strlen(sp) - 1; /* drop the final i */
    memcpy(dst, sp, stem);
    dst[stem] = '\0';
    if (strcmp(dst, "sh") != 0 && strcmp(dst, "ch") != 0 && strcmp(dst, "j") != 0)
        dst[stem++] = 'y';
    dst[stem++] = v;
    dst[stem] = '\0';
    return dst;
}

/* The spelling of a kana followed by a small kana, or NULL when the two are spelt apart. */
static const char *pair_spelling(uint32_t base, uint32_t small, tp_scheme s, char dst[8])
{
    const char *y = yoon(base, small, s, dst);
    if (y)
        return y;
    char two[8];
    size_t n = 0;
    /* both are three-byte code points; encode by hand rather than allocate */
    uint32_t cps[2] = {base, small};
    for (int k = 0; k < 2; k++) {
        two[n++] = (char)(0xE0 | (cps[k] >> 12));
        two[n++] = (char)(0x80 | ((cps[k] >> 6) & 0x3F));
        two[n++] = (char)(0x80 | (cps[k] & 0x3F));
    }
    two[n] = '\0';
    for (size_t k = 0; k < sizeof kana_pairs / sizeof kana_pairs[0]; k++)
        if (strcmp(kana_pairs[k].kana, two) == 0)
            return pick(&kana_pairs[k], s);
    return NULL;
}

/* ======================================================================================== */
/* Romanisation                                                                             */
/* ======================================================================================== */

typedef struct romanizer {
    tp_scheme scheme;
    tp_buf *out;
    int geminate;        /* a っ waits for the consonant it doubles */
    int moraic_n;        /* an ん waits: its spelling depends on the sound after it */
    char vowel;          /* the plain vowel ending the output, which a vowel kana or ー may
                            lengthen; 0 when the output ends otherwise */
    int after_kana;      /* the last character read was kana (so a ー is a mark, not a dash) */
    uint32_t repeatable; /* the last single kana, which ゝ and ゞ repeat */
} romanizer;

static int hepburn_family(tp_scheme s)
{
    return s == TP_SCHEME_HEPBURN || s == TP_SCHEME_HEPBURN_TRAD || s == TP_SCHEME_PASSPORT;
}

/* Writes a waiting ん, now that the next sound (first letter next, 0 for none) is known. */
static tp_status settle_n(romanizer *r, char next)
{
    if (!r->moraic_n)
        return TP_OK;
    r->moraic_n = 0;
    tp_scheme s = r->scheme;
    int labial = next == 'b' || next == 'm' || next == 'p';
    int open = is_vowel(next) || next == 'y'; /* where a bare n would be read with the next kana */
    if (labial && (s == TP_SCHEME_HEPBURN_TRAD || s == TP_SCHEME_PASSPORT))
        return tp_buf_putc(r->out, 'm');
    if (open && s == TP_SCHEME_HEPBURN_TRAD)
        return tp_buf_puts(r->out, "n-");
    if (open && s != TP_SCHEME_PASSPORT) /* passports allow no apostrophe */
        return tp_buf_puts(r->out, "n'");
    return tp_buf_putc(r->out, 'n');
}

/* Ends anything waiting before a character that is not kana: a bare ん is n, a bare っ is lost. */
static tp_status settle(romanizer *r)
{
    r->geminate = 0;
    r->vowel = 0;
    return settle_n(r, 0);
}

/* Macron or circumflex of a plain vowel. */
static uint32_t marked_vowel(char v, int circumflex)
{
    static const char vowels[] = "aiueo";
    static const uint16_t macron[] = {0x0101, 0x012B, 0x016B, 0x0113, 0x014D};
    static const uint16_t circ[] = {0x00E2, 0x00EE, 0x00FB, 0x00EA, 0x00F4};
    const char *p = strchr(vowels, v);
    size_t k = (size_t)(p - vowels);
    return circumflex ? circ[k] : macron[k];
}

/* Whether vowel kana `next` after a syllable ending in `prev` makes a long vowel: aa, uu, ee,
 * oo and ou do; ii and ei are kept as two letters by every scheme. The passport rules drop the
 * length of o and u only, so they keep aa and ee as written. */
static int is_long(tp_scheme s, char prev, char next)
{
    int pair = (prev == next && prev != 'i') || (prev == 'o' && next == 'u');
    if (s == TP_SCHEME_PASSPORT)
        return pair && (prev == 'o' || prev == 'u');
    return pair;
}

/* Turns the vowel ending the output into a long vowel as the scheme writes it. */
static tp_status lengthen(romanizer *r)
{
    char v = r->vowel;
    r->vowel = 0; /* a third vowel is not longer still */
    if (r->scheme == TP_SCHEME_PASSPORT)
        return TP_OK;
    r->out->len--; /* the vowel is the last byte written: see syllable() */
    int circ = r->scheme == TP_SCHEME_KUNREI || r->scheme == TP_SCHEME_NIHON;
    return tp_buf_put_cp(r->out, marked_vowel(v, circ));
}

/* Writes one syllable's spelling, with whatever っ or ん waits before it. bare: it is a plain
 * vowel kana, which may lengthen the syllable before it instead. */
static tp_status syllable(romanizer *r, const char *sp, int bare)
{
    if (bare && r->vowel && is_long(r->scheme, r->vowel, sp[0]))
        return lengthen(r);
    tp_status st = settle_n(r, sp[0]);
    if (st)
        return st;
    if (r->geminate && is_alpha(sp[0]) && !is_vowel(sp[0])) {
        /* Hepburn doubles ch as tch, as English spells it */
        int tch = hepburn_family(r->scheme) && sp[0] == 'c' && sp[1] == 'h';
        st = tp_buf_putc(r->out, tch ? 't' : sp[0]);
        if (st)
            return st;
    }
    r->geminate = 0;
    size_t n = strlen(sp);
    st = tp_buf_append(r->out, sp, n);
    r->vowel = n && is_vowel(sp[n - 1]) ? sp[n - 1] : 0;
    return st;
}

/* ー, written as `mark` (mark_len bytes), lengthens any vowel, in every scheme. */
static tp_status prolonged_mark(romanizer *r, const char *mark, size_t mark_len)
{
    if (r->vowel)
        return lengthen(r);
    /* after ん or っ the mark has nothing to lengthen; after other text it is a dash */
    if (r->after_kana)
        return TP_OK;
    return tp_buf_append(r->out, mark, mark_len);
}

/* Writes the kana h read from s[at] (*i is past it), taking a small kana after it along. */
static tp_status kana(romanizer *r, uint32_t h, const char *s, size_t len, size_t at, size_t *i)
{
    tp_status st = TP_OK;
    char pair[8];

    switch (h) {
    case KANA_SMALL_TSU:
        st = settle_n(r, 0);
        r->geminate = 1;
        r->vowel = 0;
        return st;
    case KANA_N:
        st = settle_n(r, 'n');
        r->geminate = 0;
        r->moraic_n = 1;
        r->vowel = 0;
        return st;
    case KANA_LONG:
        return prolonged_mark(r, s + at, *i - at);
    case KANA_REPEAT:
    case KANA_REPEAT_VOICED:
        if (!r->repeatable) /* nothing to repeat: keep the mark as it is */
            return tp_buf_append(r->out, s + at, *i - at);
        if (h == KANA_REPEAT_VOICED && voiced(r->repeatable, 0))
            h = voiced(r->repeatable, 0);
        else
            h = r->repeatable;
        break;
    default:
        break;
    }
    if (h >= KANA_VA && h <= KANA_VO) { /* ヷ ヸ ヹ ヺ */
        static const char *const v[] = {"va", "vi", "ve", "vo"};
        r->repeatable = 0;
        return syllable(r, v[h - KANA_VA], 0);
    }

    size_t after = *i;
    uint32_t next = read_kana(s, len, &after);
    const char *sp = NULL;
    if (next && is_small_kana(next))
        sp = pair_spelling(h, next, r->scheme, pair);
    if (sp) {
        *i = after;
        r->repeatable = 0;
        return syllable(r, sp, 0);
    }
    r->repeatable = h;
    return syllable(r, pick(&hiragana[h - HIRAGANA_FIRST], r->scheme), is_plain_vowel(h));
}

tp_status tp_ja_romanize(const char *text, size_t len, tp_scheme scheme, tp_buf *out)
{
    if (!is_japanese(scheme))
        return TP_ERR_ARG;
    romanizer r = {scheme, out, 0, 0, 0, 0, 0};
    size_t i = 0;
    tp_status st = TP_OK;
    while (i < len && st == TP_OK) {
        size_t at = i;
        uint32_t h = read_kana(text, len, &i);
        if (h) {
            st = kana(&r, h, text, len, at, &i);
            r.after_kana = 1;
            continue;
        }
        st = settle(&r);
        if (st)
            break;
        if (tp_utf8_next(text, len, &i) < 0)
            i = at + 1; /* not valid UTF-8: the caller should have refused it; copy the byte */
        st = tp_buf_append(out, text + at, i - at);
        r.after_kana = 0;
        r.repeatable = 0;
    }
    if (st == TP_OK)
        st = settle(&r);
    return st;
}

/* ======================================================================================== */
/* The match key                                                                            */
/* ======================================================================================== */

/* The key is Kunrei-like, since Kunrei spells each kana row with one consonant (si ti tu hu zi
 * sya tya zya), and long vowels are collapsed because half the spellings in the wild leave them
 * out. It is built in three passes: fold the Latin to ASCII letters, digits and single spaces;
 * spell the consonants the Kunrei way; collapse long vowels. */

/* Latin letters with diacritics, as the plain letter the key keeps: macrons and circumflexes of
 * the schemes, and the accents of careless or older spellings (breves, acute accents). */
static const struct {
    uint16_t cp;
    char base;
} accented[] = {
    {0x00E0, 'a'}, {0x00E1, 'a'}, {0x00E2, 'a'}, {0x00E3, 'a'}, {0x00E4, 'a'}, {0x00E5, 'a'},
    {0x00E8, 'e'}, {0x00E9, 'e'}, {0x00EA, 'e'}, {0x00EB, 'e'},
    {0x00EC, 'i'}, {0x00ED, 'i'}, {0x00EE, 'i'}, {0x00EF, 'i'},
    {0x00F2, 'o'}, {0x00F3, 'o'}, {0x00F4, 'o'}, {0x00F5, 'o'}, {0x00F6, 'o'},
    {0x00F9, 'u'}, {0x00FA, 'u'}, {0x00FB, 'u'}, {0x00FC, 'u'},
    {0x0101, 'a'}, {0x0103, 'a'}, {0x0113, 'e'}, {0x0115, 'e'}, {0x011B, 'e'},
    {0x012B, 'i'}, {0x012D, 'i'}, {0x014D, 'o'}, {0x014F, 'o'},
    {0x016B, 'u'}, {0x016D, 'u'}, {0x01CE, 'a'}, {0x01D0, 'i'}, {0x01D2, 'o'}, {0x01D4, 'u'},
};

/* The key character of a code point: a lower-case ASCII letter or a digit; 0 for anything else. */
static char key_char(int32_t cp)
{
    if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9'))
        return (char)cp;
    if (cp >= 'A' && cp <= 'Z')
        return (char)(cp - 'A' + 'a');
    for (size_t k = 0; k < sizeof accented / sizeof accented[0]; k++)
        if (accented[k].cp == cp)
            return accented[k].base;
    return 0;
}

static int is_apostrophe(int32_t cp)
{
    return cp == '\'' || cp == 0x2019 || cp == 0x2018 || cp == 0x02BC || cp == 0x02B9 ||
           cp == 0x02BB;
}

static int is_dash(int32_t cp)
{
    return cp == '-' || (cp >= 0x2010 && cp <= 0x2014);
}

/* Whether the apostrophe or dash at s[i] (ending at *end) is the sign that parts n from a
 * following vowel or y (n' of modified Hepburn and Kunrei, n- of traditional Hepburn). Such a
 * sign is dropped: shin'ya, shin-ya and sinya are one name, as the kana しんや is. A dash
 * elsewhere, and an apostrophe not after n, part words. */
static int is_n_sign(const char *s, size_t len, size_t end, int32_t cp, char prev)
{
    if (prev != 'n' || !(is_apostrophe(cp) || is_dash(cp)))
        return 0;
    size_t j = end;
    int32_t next = tp_utf8_next(s, len, &j);
    char c = next < 0 ? 0 : key_char(next);
    return is_dash(cp) ? is_vowel(c) || c == 'y' : is_alpha(c);
}

/* Pass 1: letters (accents dropped) and digits, every other run one space, none at the ends. */
static tp_status fold_latin(const char *s, size_t len, tp_buf *out)
{
    char prev = 0; /* the last character written, 0 when a separator waits */
    size_t i = 0;
    tp_status st = TP_OK;
    while (i < len && st == TP_OK) {
        int32_t cp = tp_utf8_next(s, len, &i);
        if (cp < 0) {
            i++; /* invalid UTF-8 separates, like any other non-letter */
            prev = 0;
            continue;
        }
        if (cp >= 0x0300 && cp <= 0x036F) /* a combining accent: the letter before stands */
            continue;
        char c = key_char(cp);
        if (c) {
            if (!prev && out->len)
                st = tp_buf_putc(out, ' ');
            if (st == TP_OK)
                st = tp_buf_putc(out, c);
            prev = c;
        } else if (!is_n_sign(s, len, i, cp, prev)) {
            prev = 0;
        }
    }
    return st;
}

/* Whether the letter at s[i] doubles the consonant after it (っ): kk, ss, tt, pp, and tch or cch
 * before ch. n and m are not: nn is ん + n, and m before m is ん. */
static int is_geminate(const char *s, size_t n, size_t i)
{
    char c = s[i];
    char c1 = i + 1 < n ? s[i + 1] : 0;
    char c2 = i + 2 < n ? s[i + 2] : 0;
    if (!is_alpha(c) || is_vowel(c) || c == 'n' || c == 'm')
        return 0;
    return c1 == c || ((c == 't' || c == 'c') && c1 == 'c' && c2 == 'h');
}

/* The Kunrei spelling of the consonant at s[i], into tok; returns how many letters it takes. */
static size_t kunrei_consonant(const char *s, size_t n, size_t i, char tok[4])
{
    char c = s[i];
    char c1 = i + 1 < n ? s[i + 1] : 0;
    char c2 = i + 2 < n ? s[i + 2] : 0;
    const char *t = NULL;
    size_t used = 1;
    switch (c) {
    case 's': /* shi si, sha sya */
    case 'c': /* chi ti, cha tya */
        if (c1 == 'h') {
            t = c == 's' ? (c2 == 'i' ? "s" : "sy") : (c2 == 'i' ? "t" : "ty");
            used = 2;
        }
        break;
    case 't': /* tsu tu */
        if (c1 == 's' && c2 == 'u') {
            t = "t";
            used = 2;
        }
        break;
    case 'j': /* ji zi, ja zya */
        t = is_vowel(c1) && c1 != 'i' ? "zy" : "z";
        break;
    case 'd': /* dzu du zu, di zi, dya zya */
        if (c1 == 'z' && c2 == 'u') {
            t = "z";
            used = 2;
        } else if (c1 == 'i' || c1 == 'u' || c1 == 'y') {
            t = "z";
        }
        break;
    case 'f': /* fu hu; fa fe fi fo stay, being loanword sounds with no other spelling */
        if (c1 == 'u')
            t = "h";
        break;
    case 'w': /* wo o, and Nihon-shiki wi we for ゐ ゑ */
        if (c1 == 'o' || c1 == 'i' || c1 == 'e')
            t = "";
        break;
    case 'k': /* Nihon-shiki kwa ka, gwa ga */
    case 'g':
        if (c1 == 'w' && c2 == 'a')
            used = 2;
        break;
    case 'm': /* ん before a labial */
        if (c1 == 'b' || c1 == 'p' || c1 == 'm')
            t = "n";
        break;
    default:
        break;
    }
    if (t) {
        strcpy(tok, t);
    } else {
        tok[0] = c;
        tok[1] = '\0';
    }
    return used;
}

/* Pass 2: consonants spelt the Kunrei way; a doubled consonant doubles the Kunrei spelling. */
static tp_status canon_consonants(const char *s, size_t n, tp_buf *out)
{
    char gem = 0; /* the letter that marked a doubling, written as is if nothing follows */
    size_t i = 0;
    tp_status st = TP_OK;
    while (i < n && st == TP_OK) {
        char tok[4];
        if (!is_alpha(s[i]) || is_vowel(s[i])) {
            if (gem)
                st = tp_buf_putc(out, gem);
            gem = 0;
            if (st == TP_OK)
                st = tp_buf_putc(out, s[i]);
            i++;
            continue;
        }
        if (is_geminate(s, n, i)) {
            gem = s[i++];
            continue;
        }
        i += kunrei_consonant(s, n, i, tok);
        if (gem)
            st = tp_buf_putc(out, tok[0] ? tok[0] : gem);
        gem = 0;
        if (st == TP_OK)
            st = tp_buf_puts(out, tok);
    }
    if (gem && st == TP_OK)
        st = tp_buf_putc(out, gem);
    return st;
}

/* Pass 3: long vowels collapsed, however spelt: a vowel repeated (aa ii uu ee oo), ou, ei, and
 * the passport's oh before a consonant or at the end of a word (Ohno, Itoh). */
static tp_status collapse_vowels(const char *s, size_t n, tp_buf *out)
{
    char last = 0; /* the vowel just written; 0 after anything else */
    tp_status st = TP_OK;
    for (size_t i = 0; i < n && st == TP_OK; i++) {
        char c = s[i];
        if (is_vowel(c)) {
            if (last && (c == last || (last == 'o' && c == 'u') || (last == 'e' && c == 'i')))
                continue;
            st = tp_buf_putc(out, c);
            last = c;
            continue;
        }
        if (c == 'h' && last == 'o') {
            char next = i + 1 < n ? s[i + 1] : 0;
            if (!is_vowel(next)) /* y too: Ohya is Ōya; おひゃ is too rare to matter */
                continue;
        }
        st = tp_buf_putc(out, c);
        last = 0;
    }
    return st;
}

tp_status tp_ja_key_from_latin(const char *folded, size_t len, tp_buf *out)
{
    tp_buf ascii = TP_BUF_INIT, kunrei = TP_BUF_INIT;
    tp_status st = fold_latin(folded, len, &ascii);
    if (st == TP_OK && ascii.len)
        st = canon_consonants(ascii.data, ascii.len, &kunrei);
    if (st == TP_OK && kunrei.len)
        st = collapse_vowels(kunrei.data, kunrei.len, out);
    tp_buf_free(&ascii);
    tp_buf_free(&kunrei);
    return st;
}

tp_status tp_ja_key_from_kana(const char *folded, size_t len, tp_buf *out)
{
    /* Any scheme would do, since the key undoes their differences; Hepburn is the one whose
     * spellings the Latin pass is tested on most. */
    tp_buf latin = TP_BUF_INIT;
    tp_status st = tp_ja_romanize(folded, len, TP_SCHEME_HEPBURN, &latin);
    if (st == TP_OK && latin.len)
        st = tp_ja_key_from_latin(latin.data, latin.len, out);
    tp_buf_free(&latin);
    return st;
}
