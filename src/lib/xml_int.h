/* A guard around libxml2 calls: while it is up, libxml2 prints nothing (its generic and global
 * structured error handlers are silenced: the library never prints), and an allocation that
 * failed deep inside libxml2, which it may only report to those handlers while it drops a node
 * or an attribute, is noticed. Internal; used by the XML readers. */
#ifndef TP_XML_INT_H
#define TP_XML_INT_H

#include <libxml/xmlerror.h>

typedef struct tp_xml_guard {
    xmlGenericErrorFunc generic;        /* the handlers to restore */
    void *generic_ctx;
    xmlStructuredErrorFunc structured;
    void *structured_ctx;
    int nomem;                          /* out: libxml2 ran out of memory meanwhile */
} tp_xml_guard;

void tp_xml_guard_begin(tp_xml_guard *g);
void tp_xml_guard_end(tp_xml_guard *g);

#endif
