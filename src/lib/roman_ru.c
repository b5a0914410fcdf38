/* Russian Cyrillic and the Latin alphabet. tp_ru_romanize writes a name by one of six published
 * schemes (BGN/PCGN, ISO 9, GOST 7.79 system B, ICAO Doc 9303, ALA-LC, scientific); the Russian
 * match key reduces Cyrillic, every one of those romanisations and the common press spellings to
 * one ASCII string, so that they meet in a lookup. Pure C tables, written from the standards'
 * letter lists; no ICU. */
#include "roman_int.h"

#include <stdint.h>
#include <string.h>

#include "utf8_int.h"

/* ---- The Russian alphabet ---- */

/* Tables are indexed by the letters а..я in code point order (0..31), then ё (32). */
#define RU_LETTERS 33
#define RU_IE 5    /* е */
#define RU_TSE 22  /* ц */
#define RU_YO 32   /* ё */

/* The signs: the standards write the modifier letter primes, not apostrophes or quotation
 * marks (iuliia's BGN/PCGN table has ’ and ”; BGN/PCGN itself prints ʹ and ʺ). */
#define SOFT "\u02B9" /* ʹ MODIFIER LETTER PRIME, for ь */
#define HARD "\u02BA" /* ʺ MODIFIER LETTER DOUBLE PRIME, for ъ */
/* ALA-LC ties a letter pair with COMBINING DOUBLE INVERTED BREVE after the first letter. */
#define TIE "\u0361"

/* Index of a Russian letter, or -1 for anything else (other Cyrillic letters included). */
static int letter_index(uint32_t cp, int *upper)
{
    *upper = 0;
    if (cp >= 0x430 && cp <= 0x44F)
        return (int)(cp - 0x430);
    if (cp == 0x451)
        return RU_YO;
    *upper = 1;
    if (cp >= 0x410 && cp <= 0x42F)
        return (int)(cp - 0x410);
    if (cp == 0x401)
        return RU_YO;
    return -1;
}

/* ---- The schemes, one table each ----
 * Row layout, eight letters a row:
 *   а б в г д е ж з / и й к л м н о п / р с т у ф х ц ч / ш щ ъ ы ь э ю я / ё
 * Context rules live in choose(), not in the tables. */

/* BGN/PCGN 1947. е and ё become ye, yë after a vowel, й, ъ, ь and at the start of a word
 * (choose()). The optional middle dot (t·s, sh·ch, y·a, ·e) is left out, as on most maps and
 * in the GEOnet names; the match key does not need it. */
static const char *const bgn_pcgn[RU_LETTERS] = {
    "a", "b", "v", "g", "d", "e", "zh", "z",
    "i", "y", "k", "l", "m", "n", "o", "p",
    "r", "s", "t", "u", "f", "kh", "ts", "ch",
    "sh", "shch", HARD, "y", SOFT, "e", "yu", "ya",
    "ë",
};

/* ISO 9:1995 (= GOST 7.79-2000 system A): one Latin letter for each Cyrillic letter. */
static const char *const iso9[RU_LETTERS] = {
    "a", "b", "v", "g", "d", "e", "ž", "z",
    "i", "j", "k", "l", "m", "n", "o", "p",
    "r", "s", "t", "u", "f", "h", "c", "č",
    "š", "ŝ", HARD, "y", SOFT, "è", "û", "â",
    "ë",
};

/* GOST 7.79-2000 system B, ASCII only. ц is cz, or c before i, e, y, j (choose()). The standard
 * prints ы and э with the apostrophe, y' and e' (iuliia's table has a grave accent, y` e`); the
 * signs are the grave accent, `` and `. */
static const char *const gost_b[RU_LETTERS] = {
    "a", "b", "v", "g", "d", "e", "zh", "z",
    "i", "j", "k", "l", "m", "n", "o", "p",
    "r", "s", "t", "u", "f", "x", "cz", "ch",
    "sh", "shh", "``", "y'", "`", "e'", "yu", "ya",
    "yo",
};

/* ICAO Doc 9303, the table Russian passports follow since 2013: ASCII, ь not written, ъ as ie. */
static const char *const icao[RU_LETTERS] = {
    "a", "b", "v", "g", "d", "e", "zh", "z",
    "i", "i", "k", "l", "m", "n", "o", "p",
    "r", "s", "t", "u", "f", "kh", "ts", "ch",
    "sh", "shch", "ie", "y", "", "e", "iu", "ia",
    "e",
};

/* ALA-LC (Library of Congress), with the ligature ties. */
static const char *const ala_lc[RU_LETTERS] = {
    "a", "b", "v", "g", "d", "e", "zh", "z",
    "i", "ĭ", "k", "l", "m", "n", "o", "p",
    "r", "s", "t", "u", "f", "kh", "t" TIE "s", "ch",
    "sh", "shch", HARD, "y", SOFT, "ė", "i" TIE "u", "i" TIE "a",
    "ë",
};

/* The scientific (linguists') transliteration. */
static const char *const scientific[RU_LETTERS] = {
    "a", "b", "v", "g", "d", "e", "ž", "z",
    "i", "j", "k", "l", "m", "n", "o", "p",
    "r", "s", "t", "u", "f", "x", "c", "č",
    "š", "šč", HARD, "y", SOFT, "è", "ju", "ja",
    "ë",
};

static const char *const *scheme_table(tp_scheme scheme)
{
    switch (scheme) {
    case TP_SCHEME_BGN_PCGN: return bgn_pcgn;
    case TP_SCHEME_ISO9: return iso9;
    case TP_SCHEME_GOST_B: return gost_b;
    case TP_SCHEME_ICAO: return icao;
    case TP_SCHEME_ALA_LC: return ala_lc;
    case TP_SCHEME_SCIENTIFIC: return scientific;
    default: return NULL;
    }
}

/* ---- Context and case ---- */

static int is_letter(uint32_t cp)
{
    tp_script s = tp_utf8_script(cp);
    return s == TP_SCRIPT_LATIN || s == TP_SCRIPT_CYRILLIC;
}

/* Capitals of the scripts a Russian name is written in: ASCII, Latin-1, Cyrillic. */
static int is_upper(uint32_t cp)
{
    return (cp >= 'A' && cp <= 'Z') || (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) ||
           (cp >= 0x400 && cp <= 0x42F);
}

/* The capital of the Latin letters the tables use (ASCII, Latin-1, Latin Extended-A);
 * anything else is returned unchanged. */
static uint32_t upper_cp(uint32_t c)
{
    if (c >= 'a' && c <= 'z')
        return c - 0x20;
    if (c >= 0xE0 && c <= 0xFE && c != 0xF7)
        return c - 0x20;
    /* Latin Extended-A pairs capital and small: capital first in these two ranges ... */
    if (((c >= 0x100 && c <= 0x12F) || (c >= 0x132 && c <= 0x137) || (c >= 0x14A && c <= 0x177)) &&
        (c & 1))
        return c - 1;
    /* ... small first in these. */
    if (((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E)) && !(c & 1))
        return c - 1;
    return c;
}

/* BGN/PCGN writes the glide of е, ё as y where Russian pronounces it: at the start of a word and
 * after а е ё и о у ы э ю я й ъ ь (bits by table index). */
static int bgn_glide_after(uint32_t prev)
{
    const uint64_t glide_after = (1u << 0) | (1u << 5) | (1u << 8) | (1u << 9) | (1u << 14) |
                                 (1u << 19) | (1u << 26) | (1u << 27) | (1u << 28) | (1u << 29) |
                                 (1u << 30) | (1u << 31) | ((uint64_t)1 << RU_YO);
    int upper;
    if (!is_letter(prev))
        return 1;
    int idx = letter_index(prev, &upper);
    return idx >= 0 && ((glide_after >> idx) & 1);
}

/* GOST 7.79 B writes ц as c when the next Latin letter is i, e, y or j. The rule is on the
 * Latin letter, so it also covers ю, я, ё, э (yu, ya, yo, e'); iuliia's table lists only
 * е, и, й, ы. */
static int gost_b_soft_c(uint32_t next)
{
    int upper;
    int idx = letter_index(next, &upper);
    return idx >= 0 && strchr("iyej", gost_b[idx][0]) != NULL;
}

static const char *choose(tp_scheme scheme, int idx, uint32_t prev, uint32_t next)
{
    if (scheme == TP_SCHEME_BGN_PCGN && (idx == RU_IE || idx == RU_YO) && bgn_glide_after(prev))
        return idx == RU_IE ? "ye" : "yë";
    if (scheme == TP_SCHEME_GOST_B && idx == RU_TSE && gost_b_soft_c(next))
        return "c";
    return scheme_table(scheme)[idx];
}

typedef enum letter_case { CASE_SMALL, CASE_FIRST, CASE_ALL } letter_case;

/* A capital gives Sh in Shchëlkovo but SH in SHCHËLKOVO: all capitals when the next letter is a
 * capital too, or at the end of a word whose previous letter is one. */
static letter_case case_of(int upper, uint32_t prev, uint32_t next)
{
    if (!upper)
        return CASE_SMALL;
    if (is_letter(next))
        return is_upper(next) ? CASE_ALL : CASE_FIRST;
    return is_upper(prev) ? CASE_ALL : CASE_FIRST;
}

static tp_status put_cased(tp_buf *out, const char *s, letter_case how)
{
    size_t n = strlen(s), i = 0;
    if (how == CASE_SMALL)
        return tp_buf_append(out, s, n);
    while (i < n) {
        size_t at = i;
        int32_t c = tp_utf8_next(s, n, &i);
        if (c < 0)
            return TP_ERR_INPUT;
        tp_status st = (at == 0 || how == CASE_ALL) ? tp_buf_put_cp(out, upper_cp((uint32_t)c))
                                                    : tp_buf_append(out, s + at, i - at);
        if (st)
            return st;
    }
    return TP_OK;
}

tp_status tp_ru_romanize(const char *cyrillic, size_t len, tp_scheme scheme, tp_buf *out)
{
    if (!scheme_table(scheme))
        return TP_ERR_ARG;
    uint32_t prev = 0;
    size_t i = 0;
    while (i < len) {
        size_t at = i;
        int32_t c = tp_utf8_next(cyrillic, len, &i);
        if (c < 0)
            return TP_ERR_INPUT;
        size_t peek = i;
        int32_t nc = i < len ? tp_utf8_next(cyrillic, len, &peek) : 0;
        uint32_t cp = (uint32_t)c, next = nc > 0 ? (uint32_t)nc : 0;
        int upper;
        int idx = letter_index(cp, &upper);
        tp_status st = idx < 0 ? tp_buf_append(out, cyrillic + at, i - at)
                               : put_cased(out, choose(scheme, idx, prev, next),
                                           case_of(upper, prev, next));
        if (st)
            return st;
        prev = cp;
    }
    return TP_OK;
}

/* ---- The match key ----
 * Cyrillic is spelt with one fixed internal scheme, Latin has its diacritics spelt out, and both
 * then go through the same reduction, word by word. The reduction merges only what some pair of
 * schemes cannot tell apart (BGN kh = ISO к+х, BGN ye = ISO e, ICAO ie for ъ = и+е, GOST B
 * yo for ё = й+о), so whatever it loses, it loses on both sides alike. What it merges:
 * ё = е = йо = ио, ие = е, ий = ый = и, тс = ц, сч = щ, тч = ч, and after a consonant ея = я.
 * Not promised: ц+х before a consonant (only in Georgian names; BGN tskh is also т+с+х). */

/* The internal spelling of each Russian letter, in the table layout above. */
static const char *const key_letters[RU_LETTERS] = {
    "a", "b", "v", "g", "d", "e", "zh", "z",
    "i", "i", "k", "l", "m", "n", "o", "p",
    "r", "s", "t", "u", "f", "h", "c", "ch",
    "sh", "shch", "", "i", "", "e", "iu", "ia",
    "e",
};

/* Latin letters with diacritics, spelt in ASCII. The Russian schemes' own letters come first:
 * ISO 9 â û are я ю, ŝ is щ, ĭ is й. The rest only lose their marks. */
static const struct latin_fold {
    uint32_t cp;
    const char *ascii;
} latin_folds[] = {
    {0x17E, "zh"}, {0x161, "sh"}, {0x10D, "ch"}, {0x15D, "shch"}, {0xFB, "yu"}, {0xE2, "ya"},
    {0xEB, "e"},   {0xE8, "e"},   {0x117, "e"},  {0x12D, "j"},    {0xDF, "ss"}, {0xE6, "ae"},
    {0xE0, "a"},   {0xE1, "a"},   {0xE3, "a"},   {0xE4, "a"},     {0xE5, "a"},  {0x101, "a"},
    {0x105, "a"},  {0xE7, "c"},   {0x107, "c"},  {0x10F, "d"},    {0xE9, "e"},  {0xEA, "e"},
    {0x113, "e"},  {0x119, "e"},  {0x11B, "e"},  {0xEC, "i"},     {0xED, "i"},  {0xEE, "i"},
    {0xEF, "i"},   {0x12B, "i"},  {0x13E, "l"},  {0x142, "l"},    {0xF1, "n"},  {0x144, "n"},
    {0x148, "n"},  {0xF2, "o"},   {0xF3, "o"},   {0xF4, "o"},     {0xF5, "o"},  {0xF6, "o"},
    {0xF8, "o"},   {0x14D, "o"},  {0x159, "r"},  {0x15B, "s"},    {0x165, "t"}, {0xF9, "u"},
    {0xFA, "u"},   {0xFC, "u"},   {0x16B, "u"},  {0x16F, "u"},    {0xFD, "y"},  {0xFF, "y"},
    {0x17A, "z"},  {0x17C, "z"},
};

/* The small letter of an ASCII, Latin-1 or Latin Extended-A capital; others unchanged. */
static uint32_t lower_cp(uint32_t c)
{
    if ((c >= 'A' && c <= 'Z') || (c >= 0xC0 && c <= 0xDE && c != 0xD7))
        return c + 0x20;
    if (c >= 0x100 && c < 0x17F && upper_cp(c + 1) == c)
        return c + 1;
    return c;
}

/* The ASCII spelling of a Latin letter or digit, or NULL when it is not one the key knows. */
static const char *latin_ascii(uint32_t cp, char one[2])
{
    cp = lower_cp(cp);
    if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9')) {
        one[0] = (char)cp;
        one[1] = '\0';
        return one;
    }
    for (size_t k = 0; k < sizeof latin_folds / sizeof latin_folds[0]; k++)
        if (latin_folds[k].cp == cp)
            return latin_folds[k].ascii;
    return NULL;
}

/* Marks that spell no sound of their own: the signs ь ъ in every scheme (ʹ ʺ ' ’ ʼ ` " and the
 * like), GOST B's apostrophe in y' e', BGN's middle dot, ALA-LC's tie and any combining mark.
 * They are dropped without ending the word. */
static int is_sign(uint32_t cp)
{
    switch (cp) {
    case '\'': case '`': case '"': case 0xB4: case 0xB7: case 0x2B9: case 0x2BA: case 0x2BB:
    case 0x2BC: case 0x2EE: case 0x2018: case 0x2019: case 0x201C: case 0x201D: case 0x2032:
    case 0x2033:
        return 1;
    default:
        return cp >= 0x300 && cp <= 0x36F;
    }
}

/* A word under reduction: ASCII letters and digits, 'Q' standing for shch so that no pass
 * lengthens the word; every pass rewrites it in place. */
typedef struct word {
    char *s;
    size_t n;
} word;

static int at(const word *w, size_t r, const char *pat)
{
    size_t k = strlen(pat);
    return r + k <= w->n && memcmp(w->s + r, pat, k) == 0;
}

static int is_vowel(char c)
{
    return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

static int is_consonant(char c)
{
    return ((c >= 'a' && c <= 'z') || c == 'Q') && !is_vowel(c);
}

/* х is kh, h or x; after x -> h, BGN kh and ISO к+х (also kh) can only meet as h, so every k
 * before an h goes. */
static void reduce_kh(word *w)
{
    size_t o = 0;
    for (size_t r = 0; r < w->n; r++)
        if (w->s[r] == 'x')
            w->s[r] = 'h';
    for (size_t r = 0; r < w->n; r++) {
        size_t end = r;
        while (end < w->n && w->s[end] == 'k')
            end++;
        if (end > r && end < w->n && w->s[end] == 'h')
            r = end;
        w->s[o++] = w->s[r];
    }
    w->n = o;
}

/* щ is shch (ŝ, šč spelt out) or GOST B shh; ISO ш+х (šh) is also shh, so it is щ here too. */
static void reduce_shch(word *w)
{
    size_t o = 0;
    for (size_t r = 0; r < w->n;) {
        size_t k = at(w, r, "shch") ? 4 : at(w, r, "shh") ? 3 : 0;
        w->s[o++] = k ? 'Q' : w->s[r];
        r += k ? k : 1;
    }
    w->n = o;
}

/* ц is ts, c or GOST B cz: ts -> c (BGN ц = ISO т+с), and a c swallows the z after it
 * (GOST B ц = ISO ц+з) and the t before it (BGN тц tts = ISO tc, and тч is said ч, the press
 * "tch"). Then s+ch -> щ: сч is said щ, and press "sch" is щ. */
static void reduce_tse(word *w)
{
    size_t o = 0;
    for (size_t r = 0; r < w->n;) {
        size_t k = at(w, r, "ts") ? 2 : w->s[r] == 'c' ? 1 : 0;
        if (k) {
            while (o > 0 && w->s[o - 1] == 't')
                o--;
            w->s[o++] = 'c';
            r += k;
            while (r < w->n && w->s[r] == 'z')
                r++;
        } else {
            w->s[o++] = w->s[r++];
        }
    }
    w->n = o;
    o = 0;
    for (size_t r = 0; r < w->n;) {
        size_t k = at(w, r, "sch") ? 3 : 0;
        w->s[o++] = k ? 'Q' : w->s[r];
        r += k ? k : 1;
    }
    w->n = o;
}

static void collapse(word *w, char c)
{
    size_t o = 0;
    for (size_t r = 0; r < w->n; r++)
        if (!(w->s[r] == c && o > 0 && w->s[o - 1] == c))
            w->s[o++] = w->s[r];
    w->n = o;
}

/* й ы и are y, j, i; ю я are yu ju iu, ya ja ia: all glides become one i. Then the vowels:
 * io -> e (GOST B yo for ё, which ICAO writes e), ie -> e (BGN ye where ISO has e), one e for a
 * run, and after a consonant ei before a vowel -> i (ICAO ъя = ieia where BGN has ya). */
static void reduce_vowels(word *w)
{
    for (size_t r = 0; r < w->n; r++)
        if (w->s[r] == 'y' || w->s[r] == 'j')
            w->s[r] = 'i';
    collapse(w, 'i');
    size_t o = 0;
    for (size_t r = 0; r < w->n;) {
        if (at(w, r, "io") || at(w, r, "ie")) {
            w->s[o++] = 'e';
            r += 2;
        } else {
            w->s[o++] = w->s[r++];
        }
    }
    w->n = o;
    collapse(w, 'e');
    o = 0;
    for (size_t r = 0; r < w->n; r++) {
        if (w->s[r] == 'e' && o > 0 && is_consonant(w->s[o - 1]) && r + 2 < w->n &&
            w->s[r + 1] == 'i' && is_vowel(w->s[r + 2]))
            continue;
        w->s[o++] = w->s[r];
    }
    w->n = o;
}

/* Reduces the word and appends it to the key, a space before it unless it is the first. */
static tp_status flush_word(tp_buf *wbuf, tp_buf *out, size_t key_start)
{
    if (wbuf->len == 0)
        return TP_OK;
    word w = {wbuf->data, wbuf->len};
    reduce_kh(&w);
    reduce_shch(&w);
    reduce_tse(&w);
    reduce_vowels(&w);
    tp_status st = TP_OK;
    if (out->len > key_start)
        st = tp_buf_putc(out, ' ');
    for (size_t r = 0; r < w.n && !st; r++)
        st = w.s[r] == 'Q' ? tp_buf_puts(out, "shch") : tp_buf_putc(out, w.s[r]);
    tp_buf_reset(wbuf);
    return st;
}

/* Cyrillic and Latin go through one loop, so that mixed text (a Latin word in a Cyrillic name)
 * still gives the key its parts would give. */
static tp_status make_key(const char *text, size_t len, tp_buf *out)
{
    tp_buf wbuf = TP_BUF_INIT;
    wbuf.max = out->max;
    size_t key_start = out->len, i = 0;
    tp_status st = TP_OK;
    while (i < len && !st) {
        int32_t c = tp_utf8_next(text, len, &i);
        if (c < 0) {
            st = TP_ERR_INPUT;
            break;
        }
        uint32_t cp = (uint32_t)c;
        char one[2];
        int upper;
        int idx = letter_index(cp, &upper);
        const char *ascii = idx >= 0 ? key_letters[idx] : latin_ascii(cp, one);
        if (ascii)
            st = tp_buf_puts(&wbuf, ascii);
        else if (!is_sign(cp))
            st = flush_word(&wbuf, out, key_start);
    }
    if (!st)
        st = flush_word(&wbuf, out, key_start);
    tp_buf_free(&wbuf);
    return st;
}

tp_status tp_ru_key_from_cyrillic(const char *folded, size_t len, tp_buf *out)
{
    return make_key(folded, len, out);
}

tp_status tp_ru_key_from_latin(const char *folded, size_t len, tp_buf *out)
{
    return make_key(folded, len, out);
}
