/* toponym — romanisation schemes and transliteration of Russian and Japanese names.
 *
 * Russian Cyrillic is written in Latin by BGN/PCGN, ISO 9, GOST 7.79 B, ICAO Doc 9303, ALA-LC or
 * the scientific system; Japanese kana (and kanji, through their readings) by modified or
 * traditional Hepburn, Kunrei, Nihon-shiki or the passport rules. */
#ifndef TOPONYM_TRANSLIT_H
#define TOPONYM_TRANSLIT_H

#include "toponym/error.h"
#include "toponym/norm.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum tp_scheme {
    TP_SCHEME_NONE = 0,
    /* Russian */
    TP_SCHEME_BGN_PCGN,
    TP_SCHEME_ISO9,
    TP_SCHEME_GOST_B,
    TP_SCHEME_ICAO,
    TP_SCHEME_ALA_LC,
    TP_SCHEME_SCIENTIFIC,
    /* Japanese */
    TP_SCHEME_HEPBURN,
    TP_SCHEME_HEPBURN_TRAD,
    TP_SCHEME_KUNREI,
    TP_SCHEME_NIHON,
    TP_SCHEME_PASSPORT
} tp_scheme;

#define TP_SCHEME_COUNT 12

/* The scheme's command-line name ("bgn-pcgn", "hepburn"); "" for TP_SCHEME_NONE. Static. */
const char *tp_scheme_name(tp_scheme scheme);

/* Parses a scheme name as tp_scheme_name() writes it (case-insensitive).
 * Returns TP_ERR_ARG for an unknown name, leaving *out unchanged. */
tp_status tp_scheme_parse(const char *name, tp_scheme *out);

/* Nonzero for the Japanese schemes, zero for the Russian ones and TP_SCHEME_NONE. */
int tp_scheme_is_japanese(tp_scheme scheme);

/* Writes text (UTF-8, len bytes) in the Latin alphabet by the given scheme. Russian schemes
 * transliterate Cyrillic; Japanese schemes romanise kana, and kanji through readings from MeCab.
 * Characters outside the scheme's script pass through unchanged.
 * On success *out is a NUL-terminated string the caller frees with free(); the handle is not
 * changed. Invalid UTF-8 gives TP_ERR_INPUT. */
tp_status tp_translit(tp_norm *norm, tp_scheme scheme, const char *text, size_t len, char **out,
                      tp_error *err);

#ifdef __cplusplus
}
#endif
#endif
