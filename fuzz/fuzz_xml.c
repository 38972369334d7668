/*
 * libFuzzer target: the safe XML parser (doc/xml) on arbitrary bytes.
 *
 * Beyond "no crash, no leak", it aborts when a promise of xml.h is broken:
 * a refusal carries a negative code and names the part; an accepted
 * document has a root element and no DTD; and what doc_xml_serialize()
 * writes parses again (the .docx writer relies on that). Every attribute
 * goes through doc_xml_attr_long(), the helper that reads numbers from
 * untrusted attributes, and doc_xml_attr_ref() is compared with libxml2.
 */
#include "doc/xml.h"

#include <libxml/tree.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LABEL "word/document.xml"

static void fuzz_fail(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz_xml: %s: %s\n", what, detail != NULL ? detail : "(null)");
	abort();
}

static void check_refusal(int rc, const struct err *e)
{
	if (rc >= 0 || e->code != rc)
		fuzz_fail("refusal without a matching negative code", e->msg);
	if (strstr(e->msg, LABEL) == NULL)
		fuzz_fail("error message does not name the part", e->msg);
}

/* KNOWN (reported, src/doc/xml.c): libxml2 2.9 writes a namespace URI
 * without escaping "<", so <a xmlns="x&lt;y"/> is accepted but serializes to
 * <a xmlns="x<y"/>, which is not XML. Until doc_xml_parse() refuses such
 * URIs, skip the round-trip check for them so the fuzzer can look further. */
static bool namespace_uri_has_lt(const xmlNode *n)
{
	for (const xmlNs *ns = n->nsDef; ns != NULL; ns = ns->next) {
		if (ns->href != NULL && strchr((const char *)ns->href, '<') != NULL)
			return true;
	}
	return false;
}

/* doc_xml_attr_ref reads values in place: it must return what libxml2's
 * xmlGetNsProp / xmlGetNoNsProp return. */
static void check_attr_ref(xmlNodePtr n, const char *ns, const char *local)
{
	xmlChar *owned;
	const char *ref = doc_xml_attr_ref(n, ns, local, &owned);
	xmlChar *lib = ns != NULL ? xmlGetNsProp(n, (const xmlChar *)local, (const xmlChar *)ns)
				  : xmlGetNoNsProp(n, (const xmlChar *)local);

	if ((ref == NULL) != (lib == NULL) || (ref != NULL && strcmp(ref, (const char *)lib) != 0))
		fuzz_fail("doc_xml_attr_ref differs from libxml2 for", local);
	xmlFree(owned);
	xmlFree(lib);
}

/* Visit every element without recursion (depth is attacker-controlled).
 * Returns true if the known namespace URI problem was seen. */
static bool walk_elements(xmlNodePtr root)
{
	xmlNodePtr n = root;
	bool known_issue = false;

	while (n != NULL) {
		if (n->type == XML_ELEMENT_NODE) {
			for (xmlAttrPtr a = n->properties; a != NULL; a = a->next) {
				const char *ns = a->ns != NULL ? (const char *)a->ns->href : NULL;
				long v;

				(void)doc_xml_attr_long(n, ns, (const char *)a->name, &v);
				check_attr_ref(n, ns, (const char *)a->name);
			}
			if (namespace_uri_has_lt(n))
				known_issue = true;
		}
		if (n->type == XML_ELEMENT_NODE && n->children != NULL) {
			n = n->children;
			continue;
		}
		while (n != NULL && n != root && n->next == NULL)
			n = n->parent;
		if (n == NULL || n == root)
			break;
		n = n->next;
	}
	return known_issue;
}

static void check_roundtrip(xmlDocPtr doc)
{
	xmlDocPtr again = NULL;
	struct err e = {0};
	char *out = NULL;
	size_t len = 0;

	if (doc_xml_serialize(doc, &out, &len, &e) != 0)
		fuzz_fail("cannot serialize an accepted document", e.msg);
	if (doc_xml_parse(out, len, LABEL, &again, &e) != 0) {
		fprintf(stderr, "fuzz_xml: serialized document (%zu bytes):\n%.*s\n", len,
			(int)(len < 4096 ? len : 4096), out);
		fuzz_fail("serialized document does not parse again", e.msg);
	}
	xmlFreeDoc(again);
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	xmlDocPtr doc = NULL;
	struct err e = {0};
	xmlNodePtr root;
	int rc;

	doc_xml_init();
	rc = doc_xml_parse((const char *)data, size, LABEL, &doc, &e);
	if (rc != 0) {
		check_refusal(rc, &e);
		if (doc != NULL)
			fuzz_fail("document returned with an error", e.msg);
		return 0;
	}
	root = xmlDocGetRootElement(doc);
	if (root == NULL || doc->intSubset != NULL || doc->extSubset != NULL)
		fuzz_fail("accepted a document with a DTD or without a root", "");
	if (!walk_elements(root))
		check_roundtrip(doc);
	xmlFreeDoc(doc);
	return 0;
}
