/* The libxml2 guard (xml_int.h): silent error handlers for the length of a read, restored
 * after, and a note of any allocation libxml2 could not make; and the one translation of a
 * libxml2 error into a located tp_error that every XML reader uses. */
#include "xml_int.h"
#include "error_int.h"

#include <libxml/globals.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

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

void tp_xml_report(const xmlError *e, const char *path, tp_error *err, tp_status *status)
{
    if (*status || !e || e->level < XML_ERR_ERROR)
        return;
    char msg[TP_ERROR_MESSAGE_MAX];
    snprintf(msg, sizeof msg, "%s", e->message ? e->message : "malformed XML");
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        msg[--n] = '\0';
    *status = tp_error_at(err, e->code == XML_ERR_NO_MEMORY ? TP_ERR_NOMEM : TP_ERR_INPUT, path,
                          (unsigned long)e->line, (unsigned long)(e->int2 > 0 ? e->int2 : 0),
                          "%s", msg);
}
