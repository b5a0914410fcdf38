/* The libxml2 guard (xml_int.h): silent error handlers for the length of a read, restored
 * after, and a note of any allocation libxml2 could not make. */
#include "xml_int.h"

#include <libxml/globals.h>
#include <stddef.h>

static void silent(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

static void note(void *ctx, xmlErrorPtr e)
{
    tp_xml_guard *g = ctx;
    if (e && e->code == XML_ERR_NO_MEMORY)
        g->nomem = 1;
}

void tp_xml_guard_begin(tp_xml_guard *g)
{
    g->generic = xmlGenericError;
    g->generic_ctx = xmlGenericErrorContext;
    g->structured = xmlStructuredError;
    g->structured_ctx = xmlStructuredErrorContext;
    g->nomem = 0;
    xmlSetGenericErrorFunc(NULL, silent);
    xmlSetStructuredErrorFunc(g, note);
}

void tp_xml_guard_end(tp_xml_guard *g)
{
    xmlSetGenericErrorFunc(g->generic_ctx, g->generic);
    xmlSetStructuredErrorFunc(g->structured_ctx, g->structured);
}
