/* A guard around libxml2 calls: while it is up, libxml2 prints nothing (its generic and global
 * structured error handlers are silenced: the library never prints), and an allocation that
 * failed deep inside libxml2, which it may only report to those handlers while it drops a node
 * or an attribute, is noticed. Internal; used by the XML readers. */
#ifndef TP_XML_INT_H
#define TP_XML_INT_H

#include <libxml/xmlerror.h>
#include "toponym/error.h"

typedef struct tp_xml_guard {
    xmlGenericErrorFunc generic;        /* the handlers to restore */
    void *generic_ctx;
    xmlStructuredErrorFunc structured;
    void *structured_ctx;
    int nomem;                          /* out: libxml2 ran out of memory meanwhile */
} tp_xml_guard;

void tp_xml_guard_begin(tp_xml_guard *g);
void tp_xml_guard_end(tp_xml_guard *g);

/* For a reader's structured error handler: the first error (not warning) libxml2 reports
 * becomes err, located in path at the error's line and column, and *status its code
 * (TP_ERR_NOMEM or TP_ERR_INPUT); later ones are ignored, since the first is the cause. */
void tp_xml_report(const xmlError *e, const char *path, tp_error *err, tp_status *status);

#endif
