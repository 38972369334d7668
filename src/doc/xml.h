/*
 * doc/xml: safe XML parsing (libxml2) and small DOM helpers for OOXML.
 *
 * doc_xml_parse() refuses any document type declaration (so no DTD, no
 * external or internal entities, no billion laughs), never touches the
 * network, keeps libxml2's default depth/size limits (no XML_PARSE_HUGE),
 * and requires well-formed UTF-8 XML (the declared encoding is ignored). Errors name the part.
 *
 * Helpers match elements by namespace URI + local name, never by prefix.
 */
#ifndef SHUZHI_DOC_XML_H
#define SHUZHI_DOC_XML_H

#include <libxml/tree.h>
#include <stdbool.h>

#include "base/base.h"

#define NS_W  "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define NS_R  "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define NS_A  "http://schemas.openxmlformats.org/drawingml/2006/main"
#define NS_PR "http://schemas.openxmlformats.org/package/2006/relationships"
#define NS_CT "http://schemas.openxmlformats.org/package/2006/content-types"

/* Once per process (idempotent); installs a silent error handler. */
void doc_xml_init(void);
void doc_xml_cleanup(void);

int doc_xml_parse(const char *data, size_t len, const char *label, xmlDocPtr *out, struct err *e);
/* Like doc_xml_parse, but builds only the element subtrees keep() accepts:
 * keep(depth, ns_uri, local, type_attr, ud) is asked for every element whose
 * parent was kept (depth 0 = root); type_attr is the value of its w:type
 * attribute or NULL. Skipped subtrees cost no allocation. Text is kept. */
typedef bool (*doc_xml_keep_fn)(int depth, const char *ns, const char *local, const char *type_attr,
				void *ud);
int doc_xml_parse_filtered(const char *data, size_t len, const char *label, doc_xml_keep_fn keep,
			   void *ud, xmlDocPtr *out, struct err *e);
/* Serialize with an XML declaration (UTF-8, standalone="yes"). */
int doc_xml_serialize(xmlDocPtr doc, char **data, size_t *len, struct err *e);

bool doc_xml_is(const xmlNode *n, const char *ns, const char *local);
/* Whether n, its following siblings or any element below them is an
 * element whose local name is one of names[0..nn) (any namespace); an
 * iterative walk (tests and fuzzers compare doc_docx_has_elem with it). */
bool doc_xml_has_local(const xmlNode *n, const char *const *names, size_t nn);
/* First element child (ns, local), or NULL. */
xmlNodePtr doc_xml_child(const xmlNode *n, const char *ns, const char *local);
/* Next element sibling after n with (ns, local), or NULL. */
xmlNodePtr doc_xml_next(const xmlNode *n, const char *ns, const char *local);
/* Attribute value in namespace ns (NULL ns = no namespace); caller frees with xmlFree. */
xmlChar *doc_xml_attr(const xmlNode *n, const char *ns, const char *local);
/* The same value without a copy in the common case: the pointer stays valid
 * until the attribute changes or the node is freed. When the value has to be
 * built (entity references, DTD defaults), *owned receives an allocated copy
 * that the caller frees with xmlFree; otherwise *owned is NULL. NULL: absent. */
const char *doc_xml_attr_ref(const xmlNode *n, const char *ns, const char *local, xmlChar **owned);
/* Attribute as long; returns false if absent or not a number (decimals truncated). */
bool doc_xml_attr_long(const xmlNode *n, const char *ns, const char *local, long *out);
/* The number doc_xml_attr_long reads from an attribute value v. */
bool doc_xml_str_long(const char *v, long *out);
/* Does the attribute equal s? */
bool doc_xml_attr_eq(const xmlNode *n, const char *ns, const char *local, const char *s);
/* Set w:local = value (creating the attribute with the element's w namespace). */
void doc_xml_set_wattr(xmlNodePtr n, const char *local, const char *value);
void doc_xml_set_wattr_long(xmlNodePtr n, const char *local, long value);
void doc_xml_unset_wattr(xmlNodePtr n, const char *local);
/* Find or create child w:local, inserted respecting a canonical order list
 * (NULL-terminated local names) so the result stays schema-valid. */
xmlNodePtr doc_xml_wchild_ensure(xmlNodePtr parent, const char *local, const char *const *order);
/* The w namespace object usable for new nodes under n. */
xmlNsPtr doc_xml_wns(xmlNodePtr n);

#endif
