/* The .docx model opened for checking (doc/xmlfast trees, the theme read on
 * first use, w:rFonts and w:ind attributes read in one pass) gives the same
 * effective run and paragraph properties as the DOM open: on a fixture
 * with theme fonts, hints and every kind of indent, and on the dev set;
 * and with styles.xml read on base/side's helper thread or inline. */
#define _GNU_SOURCE /* memmem */
#include <stdlib.h>
#include <string.h>

#include "base/side.h"
#include "doc/docx.h"
#include "doc/xmlfast.h"
#include "doc/zip.h"
#include "docx_fixture.h"
#include "test.h"

#define W_NS "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\""
#define A_NS "xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\""

static const char rels[] = TEST_PACKAGE_RELS;
static const char doc_rels[] = TEST_DOC_RELS_HEAD "</Relationships>";
static const char styles[] =
    "<w:styles " W_NS "><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii=\"Arial\" "
    "w:eastAsia=\"宋体\"/><w:sz w:val=\"24\"/></w:rPr></w:rPrDefault></w:docDefaults>"
    "<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"a\"><w:name w:val=\"Normal\"/>"
    "<w:pPr><w:ind w:leftChars=\"100\" w:firstLineChars=\"200\"/></w:pPr></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"t\"><w:name w:val=\"themed\"/><w:basedOn "
    "w:val=\"a\"/><w:rPr><w:rFonts w:eastAsiaTheme=\"majorEastAsia\" "
    "w:asciiTheme=\"majorHAnsi\"/></w:rPr></w:style></w:styles>";
static const char theme[] =
    "<a:theme " A_NS "><a:themeElements><a:fontScheme><a:majorFont><a:latin "
    "typeface=\"Cambria\"/><a:ea typeface=\"黑体\"/></a:majorFont><a:minorFont><a:latin "
    "typeface=\"Calibri\"/><a:ea typeface=\"\"/><a:font script=\"Hans\" "
    "typeface=\"仿宋_GB2312\"/></a:minorFont></a:fontScheme></a:themeElements></a:theme>";

/* Named fonts only: checking never needs the theme. */
static const char doc_plain[] =
    "<w:document " W_NS "><w:body>"
    "<w:p><w:r><w:rPr><w:rFonts w:ascii=\"Times New Roman\" w:hAnsi=\"Times New Roman\" "
    "w:eastAsia=\"仿宋_GB2312\" w:hint=\"eastAsia\"/></w:rPr><w:t>一</w:t></w:r></w:p>"
    "<w:p><w:pPr><w:ind w:left=\"320\" w:right=\"100\" w:hanging=\"0\"/></w:pPr>"
    "<w:r><w:t>二</w:t></w:r></w:p>"
    "<w:sectPr/></w:body></w:document>";

/* Theme attributes, the same name in two namespaces, every indent form. */
static const char doc_theme[] =
    "<w:document " W_NS " xmlns:x=\"urn:x\"><w:body>"
    "<w:p><w:r><w:rPr><w:rFonts w:eastAsiaTheme=\"minorEastAsia\" w:eastAsia=\"宋体\" "
    "w:hAnsiTheme=\"minorHAnsi\" x:ascii=\"Wrong\" w:ascii=\"Arial\" w:hint=\"default\"/>"
    "</w:rPr><w:t>甲</w:t></w:r><w:r><w:rPr><w:rFonts w:eastAsiaTheme=\"\" "
    "w:eastAsia=\"楷体\"/></w:rPr><w:t>乙</w:t></w:r></w:p>"
    "<w:p><w:pPr><w:pStyle w:val=\"t\"/><w:ind w:leftChars=\"0\" w:start=\"420\" "
    "w:end=\"210\" w:hangingChars=\"100\" w:firstLine=\"640\"/></w:pPr><w:r><w:t>丙</w:t>"
    "</w:r></w:p>"
    "<w:p><w:pPr><w:ind w:rightChars=\"50\" w:firstLineChars=\"0\" w:firstLine=\"320\" "
    "x:left=\"9\"/></w:pPr><w:r><w:rPr><w:rFonts w:asciiTheme=\"majorAscii\" "
    "w:eastAsiaTheme=\"unknownTheme\"/></w:rPr><w:t>丁</w:t></w:r></w:p>"
    "<w:p><w:pPr><w:ind w:left=\"1.5e2\" w:firstLine=\"x\"/></w:pPr><w:r><w:t>戊</w:t></w:r>"
    "</w:p>"
    "<w:sectPr/></w:body></w:document>";

static void add(struct doc_zip_writer *w, const char *name, const char *s)
{
	doc_zip_writer_add(w, name, s, strlen(s));
}

char *test_docx_package_parts(const char *document_rels, const char *document,
			      const char *styles_part, const char *const *more, size_t nmore,
			      size_t *len)
{
	struct doc_zip_writer *w = doc_zip_writer_new();
	struct err e = {0};
	char *data;

	add(w, "_rels/.rels", rels);
	add(w, "word/_rels/document.xml.rels", document_rels);
	add(w, "word/document.xml", document);
	add(w, "word/styles.xml", styles_part);
	add(w, "word/theme/theme1.xml", theme);
	for (size_t k = 0; k + 1 < 2 * nmore; k += 2)
		add(w, more[k], more[k + 1]);
	ASSERT_EQ(doc_zip_writer_bytes(w, &data, len, &e), 0);
	doc_zip_writer_free(w);
	return data;
}

char *test_docx_package(const char *document, const char *styles_part, size_t *len)
{
	return test_docx_package_parts(doc_rels, document, styles_part, NULL, 0, len);
}

static char *make(const char *document, size_t *len)
{
	return test_docx_package(document, styles, len);
}

static void same_rprops(const struct doc_rprops *a, const struct doc_rprops *b)
{
	ASSERT_STR_EQ(a->ea, b->ea);
	ASSERT_STR_EQ(a->ascii, b->ascii);
	ASSERT_STR_EQ(a->hansi, b->hansi);
	ASSERT_EQ(a->sz, b->sz);
	ASSERT_EQ(a->bold, b->bold);
	ASSERT_EQ(a->italic, b->italic);
	ASSERT_EQ(a->underline, b->underline);
	ASSERT_EQ(a->strike, b->strike);
	ASSERT_STR_EQ(a->color, b->color);
	ASSERT_STR_EQ(a->highlight, b->highlight);
	ASSERT_EQ(a->hint_ea, b->hint_ea);
}

void test_same_pprops(const struct doc_pprops *a, const struct doc_pprops *b)
{
	ASSERT_STR_EQ(a->jc, b->jc);
	ASSERT_EQ(a->left, b->left);
	ASSERT_EQ(a->first, b->first);
	ASSERT_EQ(a->right, b->right);
	ASSERT_EQ(a->line, b->line);
	ASSERT_STR_EQ(a->line_rule, b->line_rule);
	ASSERT_EQ(a->has_line, b->has_line);
	ASSERT_STR_EQ(a->style_id, b->style_id);
	ASSERT_EQ(a->num_id, b->num_id);
	ASSERT_EQ(a->num_ilvl, b->num_ilvl);
}

/* Every body paragraph's properties and those of its w:r children agree
 * between the DOM open a and the checking open b; returns the runs seen. */
static size_t same_props(struct doc_docx *a, struct doc_docx *b)
{
	size_t runs = 0;

	ASSERT_EQ(a->npara, b->npara);
	for (size_t i = 0; i < a->npara; i++) {
		struct doc_pprops pa, pb;
		xmlNodePtr ra = doc_xml_child(a->paras[i], NS_W, "r");
		xmlNodePtr rb = doc_xml_child(b->paras[i], NS_W, "r");

		doc_docx_para_props(a, a->paras[i], &pa);
		doc_docx_para_props(b, b->paras[i], &pb);
		test_same_pprops(&pa, &pb);
		for (; ra != NULL && rb != NULL;
		     ra = doc_xml_next(ra, NS_W, "r"), rb = doc_xml_next(rb, NS_W, "r")) {
			struct doc_rprops xa, xb;

			doc_docx_run_props(a, a->paras[i], ra, &xa);
			doc_docx_run_props(b, b->paras[i], rb, &xb);
			same_rprops(&xa, &xb);
			runs++;
		}
		ASSERT(ra == NULL && rb == NULL);
	}
	return runs;
}

static void open_both(const char *data, size_t len, struct doc_docx **a, struct doc_docx **b)
{
	struct err e = {0};

	ASSERT_EQ(doc_docx_open_mem(data, len, "a.docx", a, &e), 0);
	ASSERT_EQ(doc_docx_open_check_mem(data, len, "b.docx", b, &e), 0);
	ASSERT(doc_xmlfast_is((*b)->doc));
	ASSERT(!doc_xmlfast_is((*a)->doc));
}

TEST(docx_check_props_theme_fonts_and_indents_same_as_dom)
{
	size_t len;
	char *data = make(doc_theme, &len);
	struct doc_docx *a, *b;
	struct doc_rprops rp;
	struct doc_pprops pp;
	xmlNodePtr r;

	open_both(data, len, &a, &b);
	ASSERT(!b->theme_loaded); /* not at open */
	ASSERT_EQ(same_props(a, b), 5);
	ASSERT(b->theme_loaded);
	/* and the values are the expected ones, not just equal */
	r = doc_xml_child(b->paras[0], NS_W, "r");
	doc_docx_run_props(b, b->paras[0], r, &rp);
	ASSERT_STR_EQ(rp.ea, "仿宋_GB2312"); /* minorEastAsia: a:ea empty -> Hans */
	ASSERT_STR_EQ(rp.hansi, "Calibri");
	ASSERT_STR_EQ(rp.ascii, "Arial"); /* not x:ascii */
	ASSERT(!rp.hint_ea);
	doc_docx_run_props(b, b->paras[0], doc_xml_next(r, NS_W, "r"), &rp);
	ASSERT_STR_EQ(rp.ea, "楷体"); /* empty theme attribute: the name */
	r = doc_xml_child(b->paras[1], NS_W, "r");
	doc_docx_run_props(b, b->paras[1], r, &rp);
	ASSERT_STR_EQ(rp.ea, "黑体"); /* style's majorEastAsia */
	ASSERT_STR_EQ(rp.ascii, "Cambria");
	doc_docx_para_props(b, b->paras[1], &pp);
	ASSERT_EQ(pp.left, 420);   /* leftChars 0 -> start */
	ASSERT_EQ(pp.right, 210);  /* end */
	ASSERT_EQ(pp.first, -320); /* hangingChars wins */
	doc_docx_para_props(b, b->paras[2], &pp);
	ASSERT_EQ(pp.left, 320); /* the style's leftChars; x:left ignored */
	ASSERT_EQ(pp.right, 160);
	ASSERT_EQ(pp.first, 320);
	r = doc_xml_child(b->paras[2], NS_W, "r");
	doc_docx_run_props(b, b->paras[2], r, &rp);
	ASSERT_STR_EQ(rp.ea, "unknownTheme");
	doc_docx_para_props(b, b->paras[3], &pp);
	ASSERT_EQ(pp.left, 150);
	ASSERT_EQ(pp.first, 640); /* firstLine "x": the style's chars */
	doc_docx_free(a);
	doc_docx_free(b);
	free(data);
}

/* Elements of other namespaces (or none) inside a style's pPr/rPr: the
 * filtered styles parse of the DOM open drops them, the checking open keeps
 * them, the property readers skip them; both opens list the same styles and
 * give the same properties (found by fuzz_docx: "<w2ind .../>"). */
TEST(docx_check_styles_foreign_elements_same_as_dom)
{
	static const char styles_foreign[] =
	    "<w:styles " W_NS " xmlns:w14=\"http://schemas.microsoft.com/office/word/2010/wordml\">"
	    "<w:docDefaults><w:rPrDefault><w:rPr><w14:ligatures w14:val=\"standard\"/>"
	    "<w:sz w:val=\"24\"/></w:rPr></w:rPrDefault></w:docDefaults>"
	    "<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"a\"><w:name "
	    "w:val=\"Normal\"/><w:pPr><w2ind w:firstLineChars=\"200\"/><w:ind "
	    "w:left=\"100\"/></w:pPr><w:rPr><w14:cntxtAlts/><w:sz w:val=\"32\"/></w:rPr>"
	    "</w:style></w:styles>";
	size_t len;
	char *data = test_docx_package(doc_plain, styles_foreign, &len);
	struct doc_docx *a, *b;
	struct doc_pprops pp;

	open_both(data, len, &a, &b);
	ASSERT(doc_docx_same_styles(a, b));
	ASSERT_EQ(same_props(a, b), 2);
	doc_docx_para_props(b, b->paras[0], &pp);
	ASSERT_EQ(pp.left, 100);
	doc_docx_free(a);
	doc_docx_free(b);
	free(data);
}

TEST(docx_check_named_fonts_never_read_the_theme)
{
	size_t len;
	char *data = make(doc_plain, &len);
	struct doc_docx *a, *b;
	struct doc_rprops rp;

	open_both(data, len, &a, &b);
	ASSERT_EQ(same_props(a, b), 2);
	ASSERT(!b->theme_loaded);
	doc_docx_run_props(b, b->paras[0], doc_xml_child(b->paras[0], NS_W, "r"), &rp);
	ASSERT_STR_EQ(rp.ea, "仿宋_GB2312");
	ASSERT(rp.hint_ea);
	doc_docx_free(a);
	doc_docx_free(b);
	free(data);
}

static void dev_same_props(const char *path, void *arg)
{
	size_t *runs = arg;
	struct doc_docx *a, *b;
	struct err e = {0};

	if (doc_docx_open(path, &a, &e) != 0) {
		err_clear(&e);
		return;
	}
	ASSERT_EQ(doc_docx_open_check(path, &b, &e), 0);
	*runs += same_props(a, b);
	doc_docx_free(a);
	doc_docx_free(b);
}

TEST(docx_check_props_same_as_dom_on_dev_set)
{
	size_t runs = 0;

	if (test_each_dev_docx(dev_same_props, &runs) < 0)
		return;
	fprintf(stderr, "  %zu runs compared\n", runs);
	ASSERT(runs >= 1000);
}

/* The checking open's attribute readers pick w:rFonts and w:ind names by
 * their first bytes and stems (eastAsia/eastAsiaTheme, ascii/asciiTheme,
 * hAnsi/hAnsiTheme/hint, left/leftChars ...): names that only start or end
 * like one of them, or are one of them in another namespace, are not it. */
static const char doc_stems[] =
    "<w:document " W_NS " xmlns:x=\"urn:x\"><w:body>"
    "<w:p><w:r><w:rPr><w:rFonts w:eastAsiaThemes=\"minorEastAsia\" w:eastAsi=\"宋体\" "
    "w:eastAsia=\"黑体\" w:asciiThem=\"majorHAnsi\" w:asciiTheme=\"\" w:ascii=\"A\" "
    "w:asci=\"B\" w:hAnsiThemeX=\"majorHAnsi\" w:hAnsi=\"C\" w:h=\"D\" w:hin=\"eastAsia\" "
    "x:hint=\"eastAsia\"/><w:sz w:val=\"30\" w:vals=\"20\"/><w:b w:va=\"0\"/>"
    "<w:i w:val=\"false\"/><w:color x:val=\"FF0000\" w:val=\"00FF00\"/>"
    "</w:rPr><w:t>一</w:t></w:r><w:r><w:rPr><w:rFonts w:hint=\"eastAsia\" "
    "w:hAnsiTheme=\"minorHAnsi\" w:hAnsi=\"E\"/><w:u w:val=\"none\"/></w:rPr><w:t>二</w:t>"
    "</w:r></w:p>"
    "<w:p><w:pPr><w:ind w:lef=\"1\" w:leftChar=\"2\" w:leftCharsX=\"3\" w:left=\"400\" "
    "w:rightChars=\"10\" w:righ=\"5\" w:hangingChar=\"7\" w:hanging=\"80\" w:firstLin=\"9\" "
    "w:starts=\"11\" w:en=\"12\"/><w:jc x:val=\"left\" w:val=\"center\"/>"
    "<w:spacing w:lin=\"1\" w:line=\"579\" w:lineRul=\"x\" w:lineRule=\"exact\"/>"
    "</w:pPr><w:r><w:t>三</w:t></w:r></w:p>"
    "<w:p><w:pPr><w:ind w:firstLineChars=\"0\" w:firstLine=\"640\" w:start=\"20\" "
    "w:end=\"30\"/></w:pPr><w:r><w:t>四</w:t></w:r></w:p>"
    "<w:sectPr/></w:body></w:document>";

TEST(docx_check_props_attribute_name_stems_same_as_dom)
{
	size_t len;
	char *data = make(doc_stems, &len);
	struct doc_docx *a, *b;
	struct doc_rprops rp;
	struct doc_pprops pp;
	xmlNodePtr r;

	open_both(data, len, &a, &b);
	ASSERT_EQ(same_props(a, b), 4);
	r = doc_xml_child(b->paras[0], NS_W, "r");
	doc_docx_run_props(b, b->paras[0], r, &rp);
	ASSERT_STR_EQ(rp.ea, "黑体");
	ASSERT_STR_EQ(rp.ascii, "A");
	ASSERT_STR_EQ(rp.hansi, "C");
	ASSERT(!rp.hint_ea);
	ASSERT_EQ(rp.sz, 30);
	ASSERT(rp.bold); /* w:va is not w:val */
	ASSERT(!rp.italic);
	ASSERT_STR_EQ(rp.color, "00FF00");
	doc_docx_run_props(b, b->paras[0], doc_xml_next(r, NS_W, "r"), &rp);
	ASSERT(rp.hint_ea);
	ASSERT_STR_EQ(rp.hansi, "Calibri");
	ASSERT(!rp.underline);
	doc_docx_para_props(b, b->paras[1], &pp);
	ASSERT_EQ(pp.left, 400);
	ASSERT_EQ(pp.right, 32);
	ASSERT_EQ(pp.first, -80);
	ASSERT_STR_EQ(pp.jc, "center");
	ASSERT_EQ(pp.line, 579);
	ASSERT_STR_EQ(pp.line_rule, "exact");
	doc_docx_para_props(b, b->paras[2], &pp);
	ASSERT_EQ(pp.left, 20);
	ASSERT_EQ(pp.right, 30);
	ASSERT_EQ(pp.first, 640);
	doc_docx_free(a);
	doc_docx_free(b);
	free(data);
}

/* Run properties start from the paragraph's style base, kept from one
 * paragraph to the next with the same style id: paragraphs of the same,
 * another, an unknown and no style, in an order that returns to each. */
TEST(docx_check_run_base_follows_paragraph_styles)
{
	static const char doc_styles_mix[] =
	    "<w:document " W_NS "><w:body>"
	    "<w:p><w:pPr><w:pStyle w:val=\"t\"/></w:pPr><w:r><w:t>一</w:t></w:r>"
	    "<w:r><w:t>二</w:t></w:r></w:p>"
	    "<w:p><w:pPr><w:pStyle w:val=\"t\"/></w:pPr><w:r><w:t>三</w:t></w:r></w:p>"
	    "<w:p><w:r><w:t>四</w:t></w:r></w:p>"
	    "<w:p><w:pPr><w:pStyle w:val=\"nosuch\"/></w:pPr><w:r><w:t>五</w:t></w:r></w:p>"
	    "<w:p><w:pPr><w:pStyle w:val=\"t\"/></w:pPr><w:r><w:t>六</w:t></w:r></w:p>"
	    "<w:p><w:pPr><w:pStyle w:val=\"a\"/></w:pPr><w:r><w:t>七</w:t></w:r></w:p>"
	    "<w:p><w:pPr><w:pStyle w:val=\"nosuch\"/></w:pPr><w:r><w:t>八</w:t></w:r></w:p>"
	    "<w:sectPr/></w:body></w:document>";
	static const char *const want_ea[] = {"黑体", "黑体", "宋体", "宋体",
					      "黑体", "宋体", "宋体"};
	size_t len;
	char *data = make(doc_styles_mix, &len);
	struct doc_docx *a, *b;

	open_both(data, len, &a, &b);
	ASSERT_EQ(same_props(a, b), 8);
	ASSERT_EQ(b->npara, ARRAY_LEN(want_ea));
	/* and asked for out of order, each paragraph again */
	for (size_t k = 0; k < 2 * b->npara; k++) {
		size_t i = (k * 5) % b->npara;
		struct doc_rprops rp;

		doc_docx_run_props(b, b->paras[i], doc_xml_child(b->paras[i], NS_W, "r"), &rp);
		ASSERT_STR_EQ(rp.ea, want_ea[i]);
	}
	doc_docx_free(a);
	doc_docx_free(b);
	free(data);
}

/* The checking open reuses the properties of a recent paragraph whose w:pPr
 * has the same content (its own w:rPr aside): pPr that differ only late, in
 * a nested element, in a namespace, in the style, or after more distinct
 * ones than it keeps, give their own properties. */
TEST(docx_check_recent_ppr_only_for_equal_content)
{
#define PPR_A	  "<w:spacing w:line=\"579\" w:lineRule=\"exact\"/><w:ind w:firstLine=\"640\"/>"
#define PARA(ppr) "<w:p><w:pPr>" ppr "</w:pPr><w:r><w:t>文</w:t></w:r></w:p>"
	static const char doc_recent[] =
	    "<w:document " W_NS " xmlns:x=\"urn:x\" xmlns:w2=\"http://schemas.openxmlformats.org/"
	    "wordprocessingml/2006/main\"><w:body>" PARA(
		PPR_A "<w:jc w:val=\"both\"/><w:rPr><w:sz w:val=\"32\"/></w:rPr>") /* 0 */
	    PARA(PPR_A "<w:jc w:val=\"both\"/><w:rPr><w:sz w:val=\"28\"/></w:rPr>")
		PARA(PPR_A "<w:jc w:val=\"center\"/>") /* 2 */
	    PARA("<w:spacing w:line=\"579\" w:lineRule=\"exact\"/><w:ind w:firstLine=\"641\"/>"
		 "<w:jc w:val=\"both\"/>")
		PARA(PPR_A "<w:numPr><w:ilvl w:val=\"0\"/><w:numId w:val=\"1\"/></w:numPr>") /* 4 */
	    PARA(PPR_A "<w:numPr><w:ilvl w:val=\"0\"/><w:numId w:val=\"2\"/></w:numPr>")
		PARA(PPR_A "<x:jc w:val=\"center\"/>")					   /* 6 */
	    PARA(PPR_A "<w2:jc w:val=\"center\"/>") PARA(PPR_A "<w:jc x:val=\"center\"/>") /* 8 */
	    PARA("<w:pStyle w:val=\"t\"/>" PPR_A "<w:jc w:val=\"both\"/>")
		PARA(PPR_A "<w:rPr/><w:jc w:val=\"both\"/>")			/* 10: as 0 */
	    PARA(PPR_A "<w:jc w:val=\"both\"/><w:jc w:val=\"left\"/>") PARA("") /* 12 */
	    "<w:p><w:r><w:t>无</w:t></w:r></w:p>"
	    "<w:sectPr/></w:body></w:document>";
	static const struct {
		const char *jc;
		long first;
		int num_id;
		const char *style;
	} want[] = {{"both", 640, 0, "a"}, {"both", 640, 0, "a"},   {"center", 640, 0, "a"},
		    {"both", 641, 0, "a"}, {"", 640, 1, "a"},	    {"", 640, 2, "a"},
		    {"", 640, 0, "a"},	   {"center", 640, 0, "a"}, {"", 640, 0, "a"},
		    {"both", 640, 0, "t"}, {"both", 640, 0, "a"},   {"left", 640, 0, "a"},
		    {"", 320 * 2, 0, "a"}, {"", 320 * 2, 0, "a"}};
	size_t len;
	char *data = make(doc_recent, &len);
	struct doc_docx *a, *b;

	open_both(data, len, &a, &b);
	ASSERT_EQ(b->npara, ARRAY_LEN(want));
	ASSERT_EQ(same_props(a, b), ARRAY_LEN(want));
	for (size_t i = 0; i < b->npara; i++) {
		struct doc_pprops pp;

		doc_docx_para_props(b, b->paras[i], &pp);
		ASSERT_STR_EQ(pp.jc, want[i].jc);
		ASSERT_EQ(pp.first, want[i].first);
		ASSERT_EQ(pp.num_id, want[i].num_id);
		ASSERT_STR_EQ(pp.style_id, want[i].style);
	}
	doc_docx_free(a);
	doc_docx_free(b);
	free(data);
#undef PARA
#undef PPR_A
}

/* The run base of a paragraph whose style id is the last one's is reused
 * without copying the id: ids past the copy's 95 bytes (cut as before, so
 * two long ids with one prefix name the same style), an empty w:val, no
 * pPr (the default style), asked in order and out of order, agree with
 * the DOM open. */
TEST(docx_check_run_base_long_and_empty_style_ids)
{
	char x95[96];
	char styles_long[4096];
	char doc_long[8192];
	size_t len;
	char *data;
	struct doc_docx *a, *b;
	struct doc_rprops first[8];
	size_t distinct = 0;

	memset(x95, 'x', 95);
	x95[95] = '\0';
	snprintf(styles_long, sizeof(styles_long),
		 "<w:styles " W_NS "><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts "
		 "w:eastAsia=\"宋体\"/></w:rPr></w:rPrDefault></w:docDefaults>"
		 "<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"a\"><w:rPr><w:rFonts "
		 "w:eastAsia=\"仿宋\"/></w:rPr></w:style>"
		 "<w:style w:type=\"paragraph\" w:styleId=\"%s\"><w:rPr><w:rFonts "
		 "w:eastAsia=\"楷体\"/></w:rPr></w:style>"
		 "<w:style w:type=\"paragraph\" w:styleId=\"%s1\"><w:rPr><w:rFonts "
		 "w:eastAsia=\"隶书\"/></w:rPr></w:style>"
		 "<w:style w:type=\"paragraph\" w:styleId=\"s\"><w:rPr><w:rFonts "
		 "w:eastAsia=\"黑体\"/></w:rPr></w:style></w:styles>",
		 x95, x95);
	{
		static const char *const kinds[] = {"L1", "L1", "X", "s", "", "L2", "s", NULL};
		size_t at = 0;

		at += (size_t)snprintf(doc_long + at, sizeof(doc_long) - at,
				       "<w:document " W_NS "><w:body>");
		for (size_t k = 0; k < ARRAY_LEN(kinds); k++) {
			char id[128];

			if (kinds[k] == NULL) {
				at += (size_t)snprintf(doc_long + at, sizeof(doc_long) - at,
						       "<w:p><w:r><w:t>无</w:t></w:r></w:p>");
				continue;
			}
			if (kinds[k][0] == 'L')
				snprintf(id, sizeof(id), "%s%s", x95, kinds[k] + 1);
			else if (kinds[k][0] == 'X')
				snprintf(id, sizeof(id), "%s", x95);
			else
				snprintf(id, sizeof(id), "%s", kinds[k]);
			at += (size_t)snprintf(doc_long + at, sizeof(doc_long) - at,
					       "<w:p><w:pPr><w:pStyle w:val=\"%s\"/></w:pPr><w:r>"
					       "<w:t>字</w:t></w:r><w:r><w:t>二</w:t></w:r></w:p>",
					       id);
		}
		snprintf(doc_long + at, sizeof(doc_long) - at, "<w:sectPr/></w:body></w:document>");
	}
	data = test_docx_package(doc_long, styles_long, &len);
	open_both(data, len, &a, &b);
	ASSERT_EQ(same_props(a, b), 15);
	ASSERT_EQ(b->npara, 8);
	for (size_t i = 0; i < b->npara; i++) {
		doc_docx_run_props(a, a->paras[i], doc_xml_child(a->paras[i], NS_W, "r"),
				   &first[i]);
		for (size_t k = 0; k < i; k++) {
			if (strcmp(first[k].ea, first[i].ea) == 0)
				break;
			if (k == i - 1)
				distinct++;
		}
	}
	ASSERT(distinct >= 3);
	/* out of order, each paragraph again, against the DOM open's */
	for (size_t k = 0; k < 3 * b->npara; k++) {
		size_t i = (k * 5) % b->npara;
		struct doc_rprops rp;

		doc_docx_run_props(b, b->paras[i], doc_xml_child(b->paras[i], NS_W, "r"), &rp);
		same_rprops(&rp, &first[i]);
	}
	doc_docx_free(a);
	doc_docx_free(b);
	free(data);
}

/* The checking open recognises the run property names of the body by their
 * address once seen (a small cache, two entries per set): near-miss names
 * (szCs, bCs, colorX, vals), names in another namespace, on/off and
 * underline values, theme fonts, and more distinct names than the cache
 * holds between runs that use the real ones, in runs asked for again out
 * of order, give what the DOM open gives. */
TEST(docx_check_run_names_by_address_same_as_dom)
{
	static const char *const rprs[] = {
	    "<w:b/><w:i w:val=\"0\"/><w:strike w:val=\"false\"/><w:u w:val=\"none\"/>"
	    "<w:color w:val=\"FF0000\"/><w:highlight w:val=\"yellow\"/><w:sz w:val=\"28\"/>",
	    "<w:bCs/><w:iCs/><w:szCs w:val=\"40\"/><w:colorX w:val=\"00FF00\"/>"
	    "<w:b x:val=\"0\"/><w:u x:val=\"none\"/><w:color w:vals=\"0000FF\"/>",
	    "<w:rFonts w:eastAsiaTheme=\"minorEastAsia\" w:ascii=\"Arial\" x:hAnsi=\"Wrong\" "
	    "w:hAnsi=\"Courier\" w:hint=\"eastAsia\"/><w:sz w:val=\"1.5e2\"/>",
	    "<x:b/><w:b w:val=\"off\"/><w:i/><w:sz x:val=\"99\" w:val=\"30\"/><x:sz w:val=\"8\"/>"
	    "<w:strike/><w:u w:val=\"single\"/>",
	    NULL, /* many distinct names around the real ones */
	    "<w:rFonts w:eastAsia=\"楷体\" w:eastAsia2=\"x\" w:hintX=\"eastAsia\"/><w:highlight/>"
	    "<w:color/><w:sz w:val=\"\"/>",
	};
	char many[8192];
	char doc_names[32768];
	size_t at = 0;
	size_t len;
	char *data;
	struct doc_docx *a, *b;
	struct doc_rprops rp;

	for (int k = 0; k < 100; k++) {
		if (k == 50)
			at += (size_t)snprintf(many + at, sizeof(many) - at,
					       "<w:b/><w:n%d w:val=\"1\"/><w:sz w:val=\"36\"/>", k);
		else
			at += (size_t)snprintf(many + at, sizeof(many) - at, "<w:n%d w:v%d=\"1\"/>",
					       k, k);
	}
	ASSERT(at < sizeof(many) - 1);
	at = (size_t)snprintf(doc_names, sizeof(doc_names),
			      "<w:document " W_NS " xmlns:x=\"urn:x\"><w:body>");
	/* every rPr three times: in turn, then in reverse, then in turn */
	for (size_t pass = 0; pass < 3; pass++) {
		for (size_t j = 0; j < ARRAY_LEN(rprs); j++) {
			size_t k = pass == 1 ? ARRAY_LEN(rprs) - 1 - j : j;

			at += (size_t)snprintf(doc_names + at, sizeof(doc_names) - at,
					       "<w:p><w:r><w:rPr>%s</w:rPr><w:t>字</w:t></w:r>"
					       "<w:r><w:rPr><w:sz w:val=\"32\"/></w:rPr><w:t>文"
					       "</w:t></w:r></w:p>",
					       rprs[k] ? rprs[k] : many);
		}
	}
	snprintf(doc_names + at, sizeof(doc_names) - at, "<w:sectPr/></w:body></w:document>");
	ASSERT(at < sizeof(doc_names) - 64);
	data = make(doc_names, &len);
	open_both(data, len, &a, &b);
	ASSERT_EQ(same_props(a, b), 2 * 3 * ARRAY_LEN(rprs));
	/* again, out of order, against the DOM open's */
	for (size_t k = 0; k < 2 * b->npara; k++) {
		size_t i = (k * 7) % b->npara;
		struct doc_rprops ra;

		doc_docx_run_props(a, a->paras[i], doc_xml_child(a->paras[i], NS_W, "r"), &ra);
		doc_docx_run_props(b, b->paras[i], doc_xml_child(b->paras[i], NS_W, "r"), &rp);
		same_rprops(&ra, &rp);
	}
	/* and the values are the expected ones, not just equal */
	doc_docx_run_props(b, b->paras[0], doc_xml_child(b->paras[0], NS_W, "r"), &rp);
	ASSERT(rp.bold && !rp.italic && !rp.strike && !rp.underline);
	ASSERT_STR_EQ(rp.color, "FF0000");
	ASSERT_STR_EQ(rp.highlight, "yellow");
	ASSERT_EQ(rp.sz, 28);
	doc_docx_run_props(b, b->paras[1], doc_xml_child(b->paras[1], NS_W, "r"), &rp);
	ASSERT(rp.bold && rp.underline && !rp.italic);
	ASSERT_STR_EQ(rp.color, "");
	ASSERT_EQ(rp.sz, 24);
	doc_docx_run_props(b, b->paras[2], doc_xml_child(b->paras[2], NS_W, "r"), &rp);
	ASSERT_STR_EQ(rp.ea, "仿宋_GB2312");
	ASSERT_STR_EQ(rp.ascii, "Arial");
	ASSERT_STR_EQ(rp.hansi, "Courier");
	ASSERT(rp.hint_ea);
	ASSERT_EQ(rp.sz, 150);
	doc_docx_run_props(b, b->paras[3], doc_xml_child(b->paras[3], NS_W, "r"), &rp);
	ASSERT(!rp.bold && rp.italic && rp.strike && rp.underline);
	ASSERT_EQ(rp.sz, 30);
	doc_docx_run_props(b, b->paras[4], doc_xml_child(b->paras[4], NS_W, "r"), &rp);
	ASSERT(rp.bold);
	ASSERT_EQ(rp.sz, 36);
	doc_docx_run_props(b, b->paras[5], doc_xml_child(b->paras[5], NS_W, "r"), &rp);
	ASSERT_STR_EQ(rp.ea, "楷体");
	ASSERT(!rp.hint_ea);
	ASSERT_STR_EQ(rp.highlight, "");
	ASSERT_EQ(rp.sz, 24);
	doc_docx_free(a);
	doc_docx_free(b);
	free(data);
}

/* w:sz values: one or two digits (read inline), and every other form as
 * doc_xml_str_long reads it, in both opens. */
TEST(docx_check_run_sizes_every_form)
{
	static const struct {
		const char *val;
		int sz;
	} want[] = {{"7", 7},  {"0", 0},   {"07", 7},	 {"32", 32},  {"-2", -2},
		    {"2x", 2}, {"9a", 9},  {"100", 100}, {" 32", 32}, {"", 24},
		    {"x", 24}, {"3.5", 3}, {"1e1", 10},	 {"+5", 5},   {"99", 99}};
	char doc_sizes[8192];
	size_t at = 0;
	size_t len;
	char *data;
	struct doc_docx *a, *b;

	at += (size_t)snprintf(doc_sizes + at, sizeof(doc_sizes) - at,
			       "<w:document " W_NS "><w:body>");
	for (size_t k = 0; k < ARRAY_LEN(want); k++)
		at += (size_t)snprintf(doc_sizes + at, sizeof(doc_sizes) - at,
				       "<w:p><w:r><w:rPr><w:sz w:val=\"%s\"/></w:rPr><w:t>字</w:t>"
				       "</w:r></w:p>",
				       want[k].val);
	snprintf(doc_sizes + at, sizeof(doc_sizes) - at, "<w:sectPr/></w:body></w:document>");
	ASSERT(at < sizeof(doc_sizes) - 64);
	data = make(doc_sizes, &len);
	open_both(data, len, &a, &b);
	ASSERT_EQ(same_props(a, b), ARRAY_LEN(want));
	for (size_t k = 0; k < ARRAY_LEN(want); k++) {
		struct doc_rprops rp;

		doc_docx_run_props(b, b->paras[k], doc_xml_child(b->paras[k], NS_W, "r"), &rp);
		ASSERT_EQ(rp.sz, want[k].sz);
		doc_docx_run_props(a, a->paras[k], doc_xml_child(a->paras[k], NS_W, "r"), &rp);
		ASSERT_EQ(rp.sz, want[k].sz);
	}
	doc_docx_free(a);
	doc_docx_free(b);
	free(data);
}

/* Checking opens read styles.xml on base/side's helper thread while they
 * parse document.xml: the same styles and properties as reading it inline. */
static void open_check_both_ways(const char *data, size_t len, struct doc_docx **a,
				 struct doc_docx **b, bool want_handed)
{
	struct err e = {0};
	unsigned long before;

	base_side_enable(false);
	ASSERT_EQ(doc_docx_open_check_mem(data, len, "a.docx", a, &e), 0);
	base_side_enable(true);
	before = base_side_handed();
	ASSERT_EQ(doc_docx_open_check_mem(data, len, "b.docx", b, &e), 0);
	if (want_handed && base_side_on())
		ASSERT_EQ(base_side_handed() - before, 1);
	ASSERT(doc_docx_same_styles(*a, *b));
}

static size_t footers;

static size_t footers_in(const struct doc_docx *d)
{
	size_t n = 0;

	while (doc_docx_rel_by_type(d, "/footer", n) != NULL)
		n++;
	return n;
}

static char *dump(xmlDocPtr doc)
{
	xmlBufferPtr b = xmlBufferCreate();
	char *s;

	ASSERT(xmlNodeDump(b, doc, xmlDocGetRootElement(doc), 0, 0) > 0);
	s = xstrdup((const char *)xmlBufferContent(b));
	xmlBufferFree(b);
	return s;
}

/* Part name of d is in d->parts already, the tree xmlfast makes of it. */
static void same_part_as_own_read(struct doc_docx *d, const char *name)
{
	size_t had = d->nparts;
	xmlDocPtr t = doc_docx_part(d, name, NULL);
	xmlDocPtr own;
	char *data;
	size_t len;
	struct err e = {0};
	char *x, *y;

	ASSERT(t != NULL);
	ASSERT_EQ(d->nparts, had);
	ASSERT_EQ(doc_zip_read(d->zip, name, &data, &len, &e), 0);
	ASSERT_EQ(doc_xmlfast_parse_owned(data, len, &own), 0);
	x = dump(t);
	y = dump(own);
	ASSERT_STR_EQ(x, y);
	free(x);
	free(y);
	doc_xml_free_doc(own);
}

static void dev_side_same(const char *path, void *arg)
{
	size_t *runs = arg;
	size_t len;
	char *data;
	struct doc_docx *a, *b;
	struct err e = {0};

	ASSERT_EQ(base_read_file(path, 50u << 20, &data, &len, &e), 0);
	open_check_both_ways(data, len, &a, &b, true);
	ASSERT(a->nstyles > 0);
	/* the footers and settings were loaded beside document.xml (no new
	 * part when asked), the trees a read of their own makes */
	for (size_t i = 0;; i++) {
		const struct doc_rel *rel = doc_docx_rel_by_type(b, "/footer", i);

		if (rel == NULL)
			rel = doc_docx_rel_by_type(b, "/settings", i - footers_in(b));
		if (rel == NULL)
			break;
		same_part_as_own_read(b, rel->target);
		footers++;
	}
	*runs += same_props(a, b);
	doc_docx_free(a);
	doc_docx_free(b);
	free(data);
}

TEST(docx_check_styles_on_side_thread_same_as_inline_on_dev_set)
{
	size_t runs = 0;

	if (test_each_dev_docx(dev_side_same, &runs) < 0)
		return;
	ASSERT(runs >= 1000);
	ASSERT(footers >= 10);
}

TEST(docx_check_styles_on_side_thread_same_as_inline_fixtures)
{
	const char *docs[] = {doc_plain, doc_theme, doc_stems};

	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		size_t len;
		char *data = make(docs[i], &len);
		struct doc_docx *a, *b;

		open_check_both_ways(data, len, &a, &b, true);
		ASSERT_EQ(a->nstyles, 2);
		ASSERT(same_props(a, b) > 0);
		doc_docx_free(a);
		doc_docx_free(b);
		free(data);
	}
}

/* A damaged styles part: the helper's read fails, the part is read again
 * inline and refused as before: no styles either way, the document opens. */
TEST(docx_check_damaged_styles_part_same_on_side_thread)
{
	size_t len;
	char *data = make(doc_plain, &len);
	char *name = memmem(data, len, "word/styles.xml", 15); /* the local header's */
	unsigned char *lh = (unsigned char *)name - 30;
	size_t at = (size_t)(name - data) + 15 + (lh[28] | (size_t)lh[29] << 8);
	struct doc_docx *a, *b;

	ASSERT(name != NULL && lh[0] == 'P' && lh[1] == 'K');
	data[at + 6] ^= 0x21;
	open_check_both_ways(data, len, &a, &b, false);
	ASSERT_EQ(a->nstyles, 0);
	ASSERT_EQ(same_props(a, b), 2);
	doc_docx_free(a);
	doc_docx_free(b);
	free(data);
}

/* The main part is refused while the helper reads styles.xml: the same
 * error, and nothing the helper read is leaked (ASan). */
TEST(docx_check_bad_main_part_with_styles_on_side_thread)
{
	static const char not_w[] = "<x:document xmlns:x=\"urn:x\"><x:body/></x:document>";
	static const char no_body[] = "<w:document " W_NS "><w:bodyx/></w:document>";
	const char *docs[] = {not_w, no_body, "<w:document"};

	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		size_t len;
		char *data = make(docs[i], &len);
		struct doc_docx *d = NULL;
		struct err ea = {0}, eb = {0};
		int ra, rb;

		base_side_enable(false);
		ra = doc_docx_open_check_mem(data, len, "x.docx", &d, &ea);
		ASSERT(d == NULL);
		base_side_enable(true);
		rb = doc_docx_open_check_mem(data, len, "x.docx", &d, &eb);
		ASSERT(d == NULL);
		ASSERT(ra != 0);
		ASSERT_EQ(ra, rb);
		ASSERT_STR_EQ(ea.msg, eb.msg);
		free(data);
	}
}

/* Paragraph properties warmed on the helper thread while the caller reads
 * the texts: the same properties as a cold cache; a document freed while
 * the job runs waits for it (ASan); a DOM open has nothing to warm. */
TEST(docx_warm_props_same_as_cold)
{
	size_t len;
	char *data = make(doc_theme, &len);
	struct doc_docx *a, *b, *c;
	struct err e = {0};
	unsigned long before;

	base_side_enable(false);
	ASSERT_EQ(doc_docx_open_check_mem(data, len, "a.docx", &a, &e), 0);
	base_side_enable(true);
	ASSERT_EQ(doc_docx_open_check_mem(data, len, "b.docx", &b, &e), 0);
	before = base_side_handed();
	doc_docx_warm_start(b);
	doc_docx_warm_start(b); /* (once) */
	for (size_t i = 0; i < b->npara; i++) {
		struct doc_ptext t;

		doc_ptext_init(&t);
		doc_docx_para_text(b->paras[i], &t);
		ASSERT(t.text.len > 0);
		doc_ptext_free(&t);
	}
	doc_docx_warm_finish(b);
	ASSERT(b->warm == NULL);
	if (base_side_on())
		ASSERT_EQ(base_side_handed() - before, 1);
	ASSERT_EQ(same_props(a, b), 5);
	doc_docx_free(a);
	doc_docx_free(b);
	ASSERT_EQ(doc_docx_open_check_mem(data, len, "c.docx", &c, &e), 0);
	doc_docx_warm_start(c);
	doc_docx_free(c);
	ASSERT_EQ(doc_docx_open_mem(data, len, "d.docx", &c, &e), 0);
	doc_docx_warm_start(c);
	ASSERT(c->warm == NULL);
	doc_docx_free(c);
	free(data);
}
