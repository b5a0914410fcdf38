/* For tests of functions that write into a tp_buf: tp_test_keep() turns the result into a string
 * that stays valid for the next 15 calls (a small ring), so that several results can be compared
 * in one CHECK; an error becomes "(error N)". */
#ifndef TP_TEST_BUF_H
#define TP_TEST_BUF_H

#include <stdio.h>
#include <string.h>
#include "buf_int.h"

static const char *tp_test_keep(tp_status st, tp_buf *b)
{
    static char ring[16][1024];
    static int next;
    char *r = ring[next++ % 16];
    if (st != TP_OK)
        snprintf(r, sizeof ring[0], "(error %d)", (int)st);
    else
        snprintf(r, sizeof ring[0], "%s", b->data ? b->data : "");
    tp_buf_free(b);
    return r;
}

#endif
