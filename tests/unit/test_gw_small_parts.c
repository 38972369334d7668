/* The small parts the 公文 rules read: doc_docx_has_elem never says "no
 * such element" of a text a parser gives one for (compared with both
 * parsers on hand-made variants), doc_docx_part_with leaves such parts
 * unparsed and unkept, and the rules that use it (GW-PGNO-003 on
 * settings.xml, GW-PAGE-010 on headers) report what the parsed parts say,
 * in both ways of opening a document. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "doc/docx.h"
#include "doc/xml.h"
#include "doc/xmlfast.h"
#include "docx_fixture.h"
#include "gongwen/docx_util.h"
#include "gongwen/gongwen.h"
#include "test.h"

#define W_NS  "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\""
#define DECL  "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
#define STAG  "<w:settings " W_NS ">"
#define ODD   "evenAndOddHeaders"
#define HDR   "<w:hdr " W_NS ">"
#define ENDH  "</w:hdr>"
#define ENDST "</w:settings>"

/* has_elem's answer, checked against both parsers; returns it. */
static bool checked_has(const char *xml, size_t len, const char *const *names, size_t nn)
{
	bool has = doc_docx_has_elem(xml, len, names, nn);
	struct err e = {0};
	xmlDocPtr d;

	if (doc_xmlfast_parse(xml, len, &d) == 0) {
		if (doc_xml_has_local(xmlDocGetRootElement(d), names, nn) && !has)
			TEST_FAIL_AT("xmlfast finds %s in %.*s", names[0], (int)len, xml);
		doc_xml_free_doc(d);
	}
	if (doc_xml_parse(xml, len, "t.xml", &d, &e) == 0) {
		if (doc_xml_has_local(xmlDocGetRootElement(d), names, nn) && !has)
			TEST_FAIL_AT("libxml2 finds %s in %.*s", names[0], (int)len, xml);
		xmlFreeDoc(d);
	}
	return has;
}

TEST(docx_has_elem_never_misses_an_element)
{
	static const char *const odd[] = {ODD};
	static const struct {
		const char *xml;
		bool want;
	} cases[] = {
	    {DECL STAG "<w:zoom w:val=\"bestFit\"/><w:" ODD "/>" ENDST, true},
	    {STAG "<w:" ODD "></w:" ODD ">" ENDST, true},
	    {"<settings xmlns=\"urn:w\"><" ODD "\t/></settings>", true},
	    {STAG "<w:" ODD "\n/>" ENDST, true},
	    {STAG "<x:" ODD " xmlns:x=\"urn:x\"/>" ENDST, true}, /* any namespace */
	    {STAG "<a:b:" ODD "/>" ENDST, true},		 /* (not well-formed) */
	    {STAG "<:" ODD "/>" ENDST, true},
	    {STAG "<w:" ODD, true}, /* cut short */
	    {STAG "<!-- <w:" ODD "/> -->" ENDST, true},
	    {STAG "<![CDATA[<w:" ODD "/>]]>" ENDST, true},
	    /* the name only where no element comes from */
	    {DECL STAG "<w:zoom w:val=\"" ODD "\"/>" ODD ENDST, false},
	    {STAG "<w:" ODD "s/><w:x" ODD "/><w:" ODD "-/><w:" ODD "2/>" ENDST, false},
	    {STAG "</w:" ODD ">" ENDST, false}, /* (an end tag alone) */
	    {STAG "<?" ODD "?>" ENDST, false},
	    {STAG "<w:evenAndOddHeader/><w:venAndOddHeaders/>" ENDST, false},
	    {STAG "<w:" ODD "\xC3\xA9/>" ENDST, false},
	    {STAG "&lt;w:" ODD "/&gt;" ENDST, false},
	    {"", false},
	};
	/* text converted from UTF-16 first: "maybe" */
	static const char utf16le[] = "\xFF\xFE<\0w\0:\0x\0/\0>\0";
	static const char utf16_nobom[] = "<\0?\0x\0m\0l\0?\0>\0";

	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		bool has = checked_has(cases[i].xml, strlen(cases[i].xml), odd, 1);

		if (has != cases[i].want)
			TEST_FAIL_AT("case %zu: %d, want %d", i, has, cases[i].want);
	}
	ASSERT(checked_has(utf16le, sizeof(utf16le) - 1, odd, 1));
	ASSERT(checked_has(utf16_nobom, sizeof(utf16_nobom) - 1, odd, 1));
	ASSERT(checked_has("<", 1, odd, 1) == false);
	ASSERT(checked_has(" \xEF<w:zoom/>", strlen(" \xEF<w:zoom/>"), odd, 1) == false);
	/* not starting as text read as UTF-8 does: "maybe" */
	ASSERT(checked_has("x", 1, odd, 1));
	ASSERT(checked_has("\x4C\x6F\xA7\x94", 4, odd, 1));
}

TEST(docx_has_elem_pattern_names)
{
	static const struct {
		const char *xml;
		bool want;
	} cases[] = {
	    {HDR "<w:p/>" ENDH, false},
	    {HDR "<w:p><w:pPr><w:tabs/><w:jc w:val=\"t\"/></w:pPr></w:p>" ENDH, false},
	    {HDR "<w:p><w:r><w:rPr><w:rFonts w:ascii=\"t\"/></w:rPr></w:r></w:p>" ENDH, false},
	    {HDR "<w:p><w:r><w:t>页眉</w:t></w:r></w:p>" ENDH, true},
	    {HDR "<w:p><w:r><w:t xml:space=\"preserve\"> </w:t></w:r></w:p>" ENDH, true},
	    {HDR "<w:p><w:pPr><w:tabs><w:tab w:val=\"left\"/></w:tabs></w:pPr></w:p>" ENDH, true},
	    {HDR "<w:p><w:fldSimple w:instr=\"PAGE\"/></w:p>" ENDH, true},
	    {HDR "<w:p><w:r><w:fldChar w:fldCharType=\"end\"/></w:r></w:p>" ENDH, true},
	    {HDR "<w:p><t/></w:p>" ENDH, true},
	    {HDR "<w:p><w:r><w:instrText>PAGE</w:instrText></w:r></w:p>" ENDH, false},
	};

	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		const char *x = cases[i].xml;
		bool has = checked_has(x, strlen(x), gw_pattern_elems, GW_PATTERN_NELEMS);
		xmlDocPtr d;
		char *pat;

		if (has != cases[i].want)
			TEST_FAIL_AT("case %zu: %d, want %d", i, has, cases[i].want);
		/* the promise gw_pattern_elems makes: without them, no text */
		ASSERT_EQ(doc_xmlfast_parse(x, strlen(x), &d), 0);
		pat = gw_footer_pattern(xmlDocGetRootElement(d));
		if (!has && pat[0] != '\0')
			TEST_FAIL_AT("case %zu: pattern \"%s\"", i, pat);
		free(pat);
		doc_xml_free_doc(d);
	}
}

/* --- packages with settings and a header -------------------------------- */

static const char styles[] = "<w:styles " W_NS "/>";
static const char document[] =
    "<w:document " W_NS "><w:body><w:p><w:r><w:t>关于做好防汛工作的通知</w:t></w:r></w:p>"
    "<w:sectPr/></w:body></w:document>";
static const char doc_rels[] = TEST_DOC_RELS_HEAD
    "<Relationship Id=\"rId3\" Type=\"" TEST_OFFICE_RT
    "settings\" Target=\"settings.xml\"/><Relationship Id=\"rId4\" Type=\"" TEST_OFFICE_RT
    "header\" Target=\"header1.xml\"/></Relationships>";

static char *package(const char *settings, const char *header, size_t *len)
{
	const char *const more[] = {"word/settings.xml", settings, "word/header1.xml", header};

	return test_docx_package_parts(doc_rels, document, styles, more, 2, len);
}

TEST(docx_part_with_keeps_no_part_without_the_names)
{
	static const char *const odd[] = {ODD};
	size_t len;
	char *data = package(STAG "<w:zoom w:val=\"" ODD "\"/>" ENDST, HDR "<w:p/>" ENDH, &len);
	struct doc_docx *d;
	struct err e = {0};
	bool absent = false;
	size_t nparts;

	/* (the checking open loads settings and headers beside document.xml:
	 * then the whole part is there and returned) */
	ASSERT_EQ(doc_docx_open_check_mem(data, len, "a.docx", &d, &e), 0);
	nparts = d->nparts;
	ASSERT(doc_docx_part_with(d, "word/settings.xml", odd, 1, &absent) != NULL);
	ASSERT(!absent);
	ASSERT_EQ(d->nparts, nparts);
	doc_docx_free(d);
	/* the DOM open loads a part on first use */
	ASSERT_EQ(doc_docx_open_mem(data, len, "a.docx", &d, &e), 0);
	nparts = d->nparts;
	ASSERT(doc_docx_part_with(d, "word/settings.xml", odd, 1, &absent) == NULL);
	ASSERT(absent);
	ASSERT_EQ(d->nparts, nparts);
	/* still there for whoever needs all of it; then kept and returned */
	ASSERT(doc_docx_part(d, "word/settings.xml", &e) != NULL);
	ASSERT_EQ(d->nparts, nparts + 1);
	ASSERT(doc_docx_part_with(d, "word/settings.xml", odd, 1, &absent) != NULL);
	ASSERT(!absent);
	/* a part that is not there: NULL, not "absent" */
	ASSERT(doc_docx_part_with(d, "word/none.xml", odd, 1, &absent) == NULL);
	ASSERT(!absent);
	/* no names: as doc_docx_part */
	ASSERT(doc_docx_part_with(d, "word/header1.xml", odd, 0, &absent) != NULL);
	ASSERT(!absent);
	doc_docx_free(d);
	free(data);
}

static bool has_rule(const struct gw_findings *f, const char *rule)
{
	for (size_t i = 0; i < f->n; i++) {
		if (strcmp(f->v[i].rule, rule) == 0)
			return true;
	}
	return false;
}

/* GW-PGNO-003 and GW-PAGE-010 of the package, opened both ways (the same). */
static void check_package(const char *settings, const char *header, bool *pgno003, bool *page010)
{
	char path[64];
	size_t len;
	char *data = package(settings, header, &len);
	struct gw_profile prof;
	int fd;

	snprintf(path, sizeof(path), "/tmp/shuzhi-gwsp-XXXXXX.docx");
	fd = mkstemps(path, 5);
	ASSERT(fd >= 0);
	ASSERT_EQ(write(fd, data, len), (long)len);
	close(fd);
	free(data);
	gw_profile_national(&prof);
	for (int mode = 0; mode < 2; mode++) {
		struct gw_doc doc;
		struct gw_findings f;
		struct err e = {0};

		ASSERT_EQ(mode == 0 ? gw_doc_open_check(path, &prof, &doc, &e)
				    : gw_doc_open(path, &prof, &doc, &e),
			  0);
		gw_findings_init(&f);
		gw_check(&doc, &f);
		if (mode == 0) {
			*pgno003 = has_rule(&f, "GW-PGNO-003");
			*page010 = has_rule(&f, "GW-PAGE-010");
		} else {
			ASSERT_EQ(has_rule(&f, "GW-PGNO-003"), *pgno003);
			ASSERT_EQ(has_rule(&f, "GW-PAGE-010"), *page010);
		}
		gw_findings_free(&f);
		gw_doc_free(&doc);
	}
	unlink(path);
}

TEST(gw_settings_and_header_rules_see_what_the_parts_say)
{
	static const struct {
		const char *settings;
		const char *header;
		bool pgno003;
		bool page010;
	} cases[] = {
	    {DECL STAG "<w:zoom w:val=\"bestFit\"/>" ENDST, HDR "<w:p/>" ENDH, true, false},
	    {DECL STAG "<w:zoom/><w:" ODD "/>" ENDST,
	     HDR "<w:p><w:r><w:t>页眉</w:t></w:r></w:p>" ENDH, false, true},
	    /* the name where no element of it is */
	    {STAG "<!-- <w:" ODD "/> --><w:zoom w:val=\"" ODD "\"/>" ENDST,
	     HDR "<w:p><w:pPr><w:tabs><w:tab w:val=\"left\"/></w:tabs></w:pPr></w:p>" ENDH, true,
	     false},
	    {STAG "<x:" ODD " xmlns:x=\"urn:x\"/>" ENDST,
	     HDR "<w:p><w:fldSimple w:instr=\" PAGE \"/></w:p>" ENDH, true, true},
	    /* not well-formed: as if absent */
	    {STAG "<w:" ODD "/>", HDR "<w:p><w:r><w:t>页眉</w:t></w:r></w:p>", true, false},
	    {STAG "<w:compat><w:" ODD "/></w:compat>" ENDST, HDR "<w:p><w:r/></w:p>" ENDH, true,
	     false},
	};

	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		bool pgno003 = false;
		bool page010 = false;

		check_package(cases[i].settings, cases[i].header, &pgno003, &page010);
		if (pgno003 != cases[i].pgno003 || page010 != cases[i].page010)
			TEST_FAIL_AT("case %zu: GW-PGNO-003 %d GW-PAGE-010 %d", i, pgno003,
				     page010);
	}
}

/* doc_xml_has_local, which the tests above and fuzz_docx compare
 * doc_docx_has_elem with: elements at any depth, after the start, in any
 * namespace; not text, not attributes, not the start's parent's siblings. */
TEST(xml_has_local_walks_the_subtree)
{
	static const char xml[] = "<r xmlns:x=\"urn:x\"><a><b><c/>text<x:d k=\"e\"/></b></a>"
				  "<f>g</f></r>";
	static const char *const c[] = {"c"}, *const d[] = {"d"}, *const f[] = {"f"};
	static const char *const none[] = {"e", "g", "text", "k"};
	static const char *const two[] = {"zz", "c"};
	xmlDocPtr doc = NULL;
	struct err e = {0};
	xmlNodePtr r, a;

	ASSERT_EQ(doc_xml_parse(xml, strlen(xml), "t.xml", &doc, &e), 0);
	r = xmlDocGetRootElement(doc);
	a = r->children;
	ASSERT(doc_xml_has_local(r, c, 1));
	ASSERT(doc_xml_has_local(r, d, 1));
	ASSERT(doc_xml_has_local(r, two, 2));
	ASSERT(!doc_xml_has_local(r, none, 4));
	ASSERT(doc_xml_has_local(a, f, 1));	       /* a following sibling */
	ASSERT(!doc_xml_has_local(a->children, f, 1)); /* b: not its parent's sibling */
	ASSERT(doc_xml_has_local(a->children, d, 1));
	ASSERT(!doc_xml_has_local(NULL, c, 1));
	doc_xml_free_doc(doc);
}
