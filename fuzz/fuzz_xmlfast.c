/*
 * libFuzzer target: the read-only XML reader (doc/xmlfast) against the safe
 * libxml2 parser (doc/xml) on arbitrary bytes.
 *
 * doc_xmlfast_parse() may decline any input, but whatever it accepts must be
 * accepted by doc_xml_parse() too and give the same tree: same elements,
 * namespaces, attributes and text in the same order (doc_xml_tree_equal),
 * and the same bytes when each tree is written with xmlNodeDump (which the
 * rules use on drawing paragraphs). No crash, no leak, no overread.
 */
#include "doc/xml.h"
#include "doc/xmlfast.h"

#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void fuzz_fail(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz_xmlfast: %s: %s\n", what, detail != NULL ? detail : "(null)");
	abort();
}

static xmlBufferPtr dump(xmlDocPtr doc)
{
	xmlBufferPtr b = xmlBufferCreate();

	if (b == NULL)
		fuzz_fail("out of memory", "xmlBufferCreate");
	xmlNodeDump(b, doc, xmlDocGetRootElement(doc), 0, 0);
	return b;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	xmlDocPtr fast = NULL, ref = NULL;
	struct err e = {0};
	char why[256];
	xmlBufferPtr bf, br;

	xmlDocPtr owned = NULL;
	char *copy;
	int orc;

	doc_xml_init();
	/* doc_xmlfast_parse_owned (text left in its input): the same answer
	 * and tree, and a declined input left unchanged */
	copy = malloc(size + 1);
	if (copy == NULL)
		fuzz_fail("out of memory", "malloc");
	if (size > 0)
		memcpy(copy, data, size);
	orc = doc_xmlfast_parse_owned(copy, size, &owned);
	if (doc_xmlfast_parse((const char *)data, size, &fast) != 0) {
		if (fast != NULL)
			fuzz_fail("declined but returned a tree", "");
		if (orc == 0 || owned != NULL)
			fuzz_fail("owned-input variant accepted what the other declines", "");
		if (size > 0 && memcmp(copy, data, size) != 0)
			fuzz_fail("declined input was changed", "");
		free(copy);
		return 0;
	}
	if (orc != 0)
		fuzz_fail("owned-input variant declined what the other accepts", "");
	if (!doc_xmlfast_is(fast))
		fuzz_fail("tree not marked as doc/xmlfast", "");
	if (doc_xml_parse((const char *)data, size, "fuzz.xml", &ref, &e) != 0)
		fuzz_fail("accepted what doc_xml_parse refuses", e.msg);
	if (!doc_xml_tree_equal(fast, ref, why, sizeof(why)))
		fuzz_fail("trees differ", why);
	bf = dump(fast);
	br = dump(ref);
	if (xmlBufferLength(bf) != xmlBufferLength(br) ||
	    memcmp(xmlBufferContent(bf), xmlBufferContent(br), (size_t)xmlBufferLength(br)) != 0)
		fuzz_fail("serialisations differ", (const char *)xmlBufferContent(bf));
	xmlBufferFree(br);
	if (!doc_xml_tree_equal(owned, ref, why, sizeof(why)))
		fuzz_fail("owned-input tree differs", why);
	br = dump(owned);
	if (xmlBufferLength(bf) != xmlBufferLength(br) ||
	    memcmp(xmlBufferContent(bf), xmlBufferContent(br), (size_t)xmlBufferLength(br)) != 0)
		fuzz_fail("owned-input serialisation differs", (const char *)xmlBufferContent(br));
	xmlBufferFree(bf);
	xmlBufferFree(br);
	doc_xml_free_doc(owned);
	doc_xml_free_doc(fast);
	doc_xml_free_doc(ref);
	return 0;
}
