/*
 * libFuzzer target: the document model and the 公文 rules on hostile XML.
 *
 * The input is split on the line "--PART--" into word/document.xml,
 * word/styles.xml and word/footer1.xml (missing parts get small defaults);
 * they are packed into a stored .docx in memory, opened with doc_docx_open_mem,
 * checked (every rule), fixed (every auto-fix, comments added) and the main
 * part serialized and parsed again. Aborts if the fixed document cannot be
 * serialized into XML that parses, or if a finding names a paragraph that
 * does not exist. The same package is also opened for checking
 * (doc_docx_open_check_mem: doc/xmlfast trees, styles.xml included, cached
 * style and paragraph properties): it must open when the DOM opens, list the
 * same styles and give byte-identical findings (unless the DOM open could not
 * parse styles.xml at all: see doc/docx_styles.h). And doc_docx_has_elem
 * (the prefilter of the parts the rules read) must not say "none" of a part
 * text in which either parser finds such an element.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "doc/docx.h"
#include "doc/xmlfast.h"
#include "gongwen/docx_util.h"
#include "gongwen/gongwen.h"

#define W_NS                                                                                       \
	"xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" "                \
	"xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\""

static const char ct[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types "
    "xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default "
    "Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
    "<Default Extension=\"xml\" ContentType=\"application/xml\"/></Types>";
static const char rels[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships "
    "xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship "
    "Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
    "officeDocument\" Target=\"word/document.xml\"/></Relationships>";
static const char doc_rels[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships "
    "xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships/styles\" Target=\"styles.xml\"/>"
    "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships/footer\" Target=\"footer1.xml\"/></Relationships>";
static const char def_doc[] = "<w:document " W_NS "><w:body><w:p><w:r><w:t>示例</w:t></w:r></w:p>"
			      "<w:sectPr><w:footerReference w:type=\"default\" r:id=\"rId2\"/>"
			      "</w:sectPr></w:body></w:document>";
static const char def_styles[] = "<w:styles " W_NS "/>";
static const char def_footer[] =
    "<w:ftr " W_NS "><w:p><w:fldSimple w:instr=\"PAGE\"/></w:p></w:ftr>";

struct zbuf {
	unsigned char *p;
	size_t len;
	size_t cap;
};

static void put(struct zbuf *b, const void *d, size_t n)
{
	if (b->len + n > b->cap) {
		b->cap = (b->len + n) * 2 + 256;
		b->p = realloc(b->p, b->cap);
		if (b->p == NULL)
			abort();
	}
	memcpy(b->p + b->len, d, n);
	b->len += n;
}

static void put16(struct zbuf *b, unsigned v)
{
	unsigned char x[2] = {(unsigned char)v, (unsigned char)(v >> 8)};

	put(b, x, 2);
}

static void put32(struct zbuf *b, uint32_t v)
{
	unsigned char x[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
			      (unsigned char)(v >> 24)};

	put(b, x, 4);
}

struct part {
	const char *name;
	const char *data;
	size_t len;
};

/* A stored (uncompressed) ZIP of the parts. */
static void make_zip(const struct part *parts, size_t n, struct zbuf *z)
{
	uint32_t offs[8];
	struct zbuf cd = {0};

	for (size_t i = 0; i < n; i++) {
		uint32_t crc = (uint32_t)crc32(0, (const Bytef *)parts[i].data, (uInt)parts[i].len);
		size_t nl = strlen(parts[i].name);

		offs[i] = (uint32_t)z->len;
		put32(z, 0x04034b50);
		put16(z, 20);
		put16(z, 0);
		put16(z, 0);
		put16(z, 0);
		put16(z, 0x21);
		put32(z, crc);
		put32(z, (uint32_t)parts[i].len);
		put32(z, (uint32_t)parts[i].len);
		put16(z, (unsigned)nl);
		put16(z, 0);
		put(z, parts[i].name, nl);
		put(z, parts[i].data, parts[i].len);
		put32(&cd, 0x02014b50);
		put16(&cd, 20);
		put16(&cd, 20);
		put16(&cd, 0);
		put16(&cd, 0);
		put16(&cd, 0);
		put16(&cd, 0x21);
		put32(&cd, crc);
		put32(&cd, (uint32_t)parts[i].len);
		put32(&cd, (uint32_t)parts[i].len);
		put16(&cd, (unsigned)nl);
		put16(&cd, 0);
		put16(&cd, 0);
		put16(&cd, 0);
		put16(&cd, 0);
		put32(&cd, 0);
		put32(&cd, offs[i]);
		put(&cd, parts[i].name, nl);
	}
	{
		uint32_t cd_off = (uint32_t)z->len;

		put(z, cd.p, cd.len);
		put32(z, 0x06054b50);
		put16(z, 0);
		put16(z, 0);
		put16(z, (unsigned)n);
		put16(z, (unsigned)n);
		put32(z, (uint32_t)cd.len);
		put32(z, cd_off);
		put16(z, 0);
	}
	free(cd.p);
}

static const char *next_part(const char *p, const char *end, size_t *len)
{
	static const char sep[] = "\n--PART--\n";
	const char *q = p;

	while (q + sizeof(sep) - 1 <= end && memcmp(q, sep, sizeof(sep) - 1) != 0)
		q++;
	if (q + sizeof(sep) - 1 > end)
		q = end;
	*len = (size_t)(q - p);
	return q < end ? q + sizeof(sep) - 1 : NULL;
}

/* The read-only (checking) open against the DOM open of the same package. */
static void check_readonly(const struct zbuf *z, const struct doc_docx *dom,
			   const struct gw_profile *prof)
{
	struct doc_docx *ro = NULL, *d2 = NULL;
	struct err e = {0};
	struct gw_doc a, b;
	struct gw_findings fa, fb;
	struct buf ja, jb;

	if (doc_docx_open_check_mem(z->p, z->len, "fuzz.docx", &ro, &e) != 0) {
		fprintf(stderr, "read-only open refused what the DOM opened: %s\n", e.msg);
		abort();
	}
	/* A styles.xml that the DOM open could not parse: the checking open,
	 * reading style by style, keeps the well-formed styles (docx_styles.h),
	 * so the two legitimately differ; nothing more to compare. */
	if (dom->styles_doc == NULL && ro->styles_lazy != NULL) {
		doc_docx_free(ro);
		return;
	}
	if (!doc_docx_same_styles(ro, dom))
		abort();
	/* findings of both (a second DOM open: the caller's document gets fixed) */
	if (doc_docx_open_mem(z->p, z->len, "fuzz.docx", &d2, &e) != 0)
		abort();
	gw_doc_from_docx(d2, "fuzz.docx", prof, &a);
	gw_doc_from_docx(ro, "fuzz.docx", prof, &b);
	gw_findings_init(&fa);
	gw_findings_init(&fb);
	gw_check(&a, &fa);
	gw_check(&b, &fb);
	buf_init(&ja, 1 << 26);
	buf_init(&jb, 1 << 26);
	gw_report_json(&a, &fa, &ja);
	gw_report_json(&b, &fb, &jb);
	if (ja.len != jb.len || memcmp(ja.p, jb.p, ja.len) != 0) {
		fprintf(stderr, "read-only findings differ:\n%.*s\n%.*s\n", (int)ja.len, ja.p,
			(int)jb.len, jb.p);
		abort();
	}
	buf_free(&ja);
	buf_free(&jb);
	gw_findings_free(&fa);
	gw_findings_free(&fb);
	gw_doc_free(&a);
	gw_doc_free(&b);
}

static void check_has_elem(const char *text, size_t len)
{
	static const char *const body[] = {"p", "sectPr", "evenAndOddHeaders"};
	const char *const *sets[2] = {gw_pattern_elems, body};
	size_t nsets[2] = {GW_PATTERN_NELEMS, 3};
	xmlDocPtr fast = NULL;
	xmlDocPtr dom = NULL;
	struct err e = {0};

	if (doc_xmlfast_parse(text, len, &fast) != 0)
		fast = NULL;
	if (doc_xml_parse(text, len, "fuzz-part", &dom, &e) != 0)
		dom = NULL;
	for (int k = 0; k < 2; k++) {
		if (doc_docx_has_elem(text, len, sets[k], nsets[k]))
			continue;
		if ((fast && doc_xml_has_local(xmlDocGetRootElement(fast), sets[k], nsets[k])) ||
		    (dom && doc_xml_has_local(xmlDocGetRootElement(dom), sets[k], nsets[k]))) {
			fprintf(stderr, "doc_docx_has_elem missed %s\n", sets[k][0]);
			abort();
		}
	}
	doc_xml_free_doc(fast);
	xmlFreeDoc(dom);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data;
	const char *end = p + size;
	struct part parts[6] = {
	    {"[Content_Types].xml", ct, sizeof(ct) - 1},
	    {"_rels/.rels", rels, sizeof(rels) - 1},
	    {"word/_rels/document.xml.rels", doc_rels, sizeof(doc_rels) - 1},
	    {"word/document.xml", def_doc, sizeof(def_doc) - 1},
	    {"word/styles.xml", def_styles, sizeof(def_styles) - 1},
	    {"word/footer1.xml", def_footer, sizeof(def_footer) - 1},
	};
	struct zbuf z = {0};
	struct doc_docx *d = NULL;
	struct gw_profile prof;
	struct gw_doc doc;
	struct gw_findings f;
	struct gw_fix_report rep;
	struct err e = {0};
	size_t len;

	if (size > (1u << 20))
		return 0;
	for (int k = 3; k < 6 && p != NULL; k++) {
		const char *next = next_part(p, end, &len);

		parts[k].data = p;
		parts[k].len = len;
		check_has_elem(p, len);
		p = next;
	}
	make_zip(parts, 6, &z);
	if (doc_docx_open_mem(z.p, z.len, "fuzz.docx", &d, &e) != 0) {
		free(z.p);
		return 0;
	}
	gw_profile_national(&prof);
	check_readonly(&z, d, &prof);
	free(z.p);
	gw_doc_from_docx(d, "fuzz.docx", &prof, &doc);
	gw_findings_init(&f);
	gw_check(&doc, &f);
	for (size_t i = 0; i < f.n; i++) {
		if (f.v[i].para >= (long)doc.n)
			abort();
	}
	gw_findings_free(&f);
	memset(&rep, 0, sizeof(rep));
	buf_init(&rep.log, 1 << 24);
	gw_fix(&doc, true, &rep, &e);
	buf_free(&rep.log);
	{
		char *out;
		size_t olen;
		xmlDocPtr again;
		struct err e2 = {0};

		if (doc_xml_serialize(doc.docx->doc, &out, &olen, &e2) == 0) {
			if (doc_xml_parse(out, olen, "fuzz-out", &again, &e2) != 0) {
				fprintf(stderr, "fixed document does not parse: %s\n", e2.msg);
				abort();
			}
			xmlFreeDoc(again);
			free(out);
		}
	}
	gw_doc_free(&doc);
	return 0;
}
