/* Internal interface of the two romanisation modules: roman_ja.c (Japanese kana and Latin) and
 * roman_ru.c (Russian Cyrillic and Latin). The normaliser (norm.c) and tp_translit() call them.
 *
 * Conventions: input is valid UTF-8 (checked by the caller); output is appended to a tp_buf.
 * Functions return TP_OK or the tp_buf error (TP_ERR_NOMEM, TP_ERR_INPUT past its ceiling);
 * the romanisers also TP_ERR_ARG for a scheme of the other language.
 *
 * Key functions receive text already in NFKC with case folding (lower case, full-width Latin made
 * ASCII, half-width kana made full-width) but with diacritics and apostrophes kept, since
 * š, ž, ŝ, û, â, ʹ carry information the keys need. A key is ASCII letters and single spaces
 * (no leading or trailing space): every run of characters that are not letters of the key's
 * alphabet (dashes, apostrophes dropped first where they are signs, spaces, ・, digits kept as
 * digits) becomes one space. Two spellings of one name must give byte-identical keys. */
#ifndef TP_ROMAN_INT_H
#define TP_ROMAN_INT_H

#include <stddef.h>
#include "buf_int.h"
#include "toponym/translit.h"

/* ---- Japanese (roman_ja.c) ---- */

/* Romanises kana (hiragana, katakana, ー, っ/ッ, small kana) by a Japanese scheme
 * (TP_SCHEME_HEPBURN ... TP_SCHEME_PASSPORT). Other characters pass through unchanged.
 * The first letter of each word is not capitalised here: the caller decides case. */
tp_status tp_ja_romanize(const char *kana, size_t len, tp_scheme scheme, tp_buf *out);

/* The Japanese key of folded text that holds kana: the kana are romanised into the key form. */
tp_status tp_ja_key_from_kana(const char *folded, size_t len, tp_buf *out);

/* The Japanese key of folded Latin text written in any Japanese romanisation. */
tp_status tp_ja_key_from_latin(const char *folded, size_t len, tp_buf *out);

/* ---- Russian (roman_ru.c) ---- */

/* Transliterates Cyrillic by a Russian scheme (TP_SCHEME_BGN_PCGN ... TP_SCHEME_SCIENTIFIC),
 * keeping case (Москва -> Moskva, МОСКВА -> MOSKVA). Other characters pass through. */
tp_status tp_ru_romanize(const char *cyrillic, size_t len, tp_scheme scheme, tp_buf *out);

/* The Russian key of folded Cyrillic text. */
tp_status tp_ru_key_from_cyrillic(const char *folded, size_t len, tp_buf *out);

/* The Russian key of folded Latin text written in any Russian romanisation or press spelling. */
tp_status tp_ru_key_from_latin(const char *folded, size_t len, tp_buf *out);

#endif
