/* The library's only C++: MeCab's C functions called inside try blocks, so that an exception
 * (std::bad_alloc when memory runs out) becomes a status instead of terminating the process
 * on its way through C frames. */
#include "mecab_int.h"

#include <cerrno>
#include <new>

tp_status tp_mecab_new(mecab_t **out)
{
    *out = nullptr;
    try {
        /* MeCab says only NULL both when it finds no dictionary and when an allocation failed
         * without a throw (some of its file reading catches its own failures), and errno does
         * not tell them apart (a failed path lookup leaves ENOENT). A missing dictionary stays
         * missing: a second try tells a passing failure from it. */
        *out = mecab_new2("");
        if (!*out) {
            errno = 0;
            *out = mecab_new2("");
        }
        return *out || errno != ENOMEM ? TP_OK : TP_ERR_NOMEM;
    } catch (const std::bad_alloc &) {
        return TP_ERR_NOMEM;
    } catch (...) {
        return TP_ERR_DEPENDENCY;
    }
}

void tp_mecab_free(mecab_t *tagger)
{
    if (tagger)
        mecab_destroy(tagger);
}

tp_status tp_mecab_parse(mecab_t *tagger, const char *text, size_t len, const mecab_node_t **out)
{
    *out = nullptr;
    try {
        *out = mecab_sparse_tonode2(tagger, text, len);
        return *out ? TP_OK : TP_ERR_DEPENDENCY;
    } catch (const std::bad_alloc &) {
        return TP_ERR_NOMEM;
    } catch (...) {
        return TP_ERR_DEPENDENCY;
    }
}
