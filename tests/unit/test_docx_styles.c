/* Styles parsed on first use when checking (doc/docx_styles): a plain
 * styles.xml is indexed and each style parsed when asked for, with the same
 * styles as the DOM open; every form the index does not read takes the
 * whole-part parse and still gives the same styles; a style whose own
 * element is broken loses only its content. */
#include <stdlib.h>
#include <string.h>

#include "doc/docx.h"
#include "docx_fixture.h"
#include "test.h"

#define W_URI "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define W_NS  "xmlns:w=\"" W_URI "\""

static const char doc_rels[] = TEST_DOC_RELS_HEAD "</Relationships>";
static const char document[] =
    "<w:document " W_NS "><w:body><w:p><w:pPr><w:pStyle w:val=\"h\"/></w:pPr><w:r>"
    "<w:t>一</w:t></w:r></w:p><w:p><w:r><w:rPr><w:rStyle w:val=\"c\"/></w:rPr><w:t>二</w:t>"
    "</w:r></w:p><w:sectPr/></w:body></w:document>";

#define DD                                                                                         \
	"<w:docDefaults><w:rPrDefault><w:rPr><w:sz w:val=\"24\"/></w:rPr></w:rPrDefault>"          \
	"<w:pPrDefault><w:pPr><w:jc w:val=\"both\"/></w:pPr></w:pPrDefault></w:docDefaults>"
#define NORMAL                                                                                     \
	"<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"a\"><w:name w:val=\"Normal\"/>" \
	"<w:pPr><w:ind w:firstLine=\"640\"/></w:pPr></w:style>"
#define HEADING                                                                                    \
	"<w:style w:type=\"paragraph\" w:styleId=\"h\"><w:name w:val=\"heading 1\"/><w:basedOn "   \
	"w:val=\"a\"/><w:rPr><w:sz w:val=\"32\"/></w:rPr></w:style>"
#define CHAR  "<w:style w:type=\"character\" w:styleId=\"c\"><w:rPr><w:b/></w:rPr></w:style>"
#define TABLE "<w:style w:type=\"table\" w:styleId=\"t\"><w:tblPr/></w:style>"
#define HEAD  "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"

static struct doc_docx *open_with(const char *styles, bool check)
{
	struct doc_zip_writer *w = doc_zip_writer_new();
	struct err e = {0};
	struct doc_docx *d = NULL;
	char *data;
	size_t len;

	doc_zip_writer_add(w, "_rels/.rels", TEST_PACKAGE_RELS, strlen(TEST_PACKAGE_RELS));
	doc_zip_writer_add(w, "word/_rels/document.xml.rels", doc_rels, strlen(doc_rels));
	doc_zip_writer_add(w, "word/document.xml", document, strlen(document));
	doc_zip_writer_add(w, "word/styles.xml", styles, strlen(styles));
	ASSERT_EQ(doc_zip_writer_bytes(w, &data, &len, &e), 0);
	doc_zip_writer_free(w);
	if (check)
		ASSERT_EQ(doc_docx_open_check_mem(data, len, "b.docx", &d, &e), 0);
	else
		ASSERT_EQ(doc_docx_open_mem(data, len, "a.docx", &d, &e), 0);
	free(data);
	return d;
}

/* The check open of styles agrees with the DOM open; returns whether it
 * took the styles-on-first-use path. */
static bool same_as_dom(const char *styles, size_t nstyles)
{
	struct doc_docx *a = open_with(styles, false);
	struct doc_docx *b = open_with(styles, true);
	bool lazy = b->styles_lazy != NULL;

	ASSERT_EQ(a->nstyles, nstyles);
	ASSERT_EQ(b->nstyles, a->nstyles);
	ASSERT(doc_docx_same_styles(b, a));
	doc_docx_free(a);
	doc_docx_free(b);
	return lazy;
}

TEST(docx_styles_plain_part_parsed_on_first_use)
{
	struct doc_docx *b =
	    open_with(HEAD "<w:styles " W_NS " xmlns:x=\"urn:x\">" DD NORMAL TABLE HEADING CHAR
			   "\n</w:styles>",
		      true);
	const struct doc_style *h;
	struct doc_pprops pp;

	ASSERT(b->styles_lazy != NULL);
	ASSERT_EQ(b->nstyles, 3); /* the table style is not listed */
	ASSERT_STR_EQ(b->default_pstyle, "a");
	ASSERT(b->dd_rpr != NULL && b->dd_ppr != NULL); /* docDefaults at once */
	ASSERT(b->styles[1].ppr == NULL && b->styles[1].rpr == NULL && b->styles[1].name == NULL);
	h = doc_docx_style(b, "h");
	ASSERT(h == &b->styles[1]);
	ASSERT(h->rpr != NULL);
	ASSERT_STR_EQ(h->name, "heading 1");
	ASSERT_STR_EQ(h->based_on, "a");
	ASSERT(b->styles[2].rpr == NULL); /* "c" not asked for yet */
	doc_docx_para_props(b, b->paras[0], &pp);
	ASSERT_EQ(pp.first, 640); /* through h's basedOn a */
	ASSERT(b->styles[0].ppr != NULL);
	doc_docx_free(b);
	ASSERT(
	    same_as_dom(HEAD "<w:styles " W_NS ">" DD NORMAL TABLE HEADING CHAR "</w:styles>", 3));
	/* an end tag that only starts like the style's */
	ASSERT(same_as_dom("<w:styles " W_NS ">" DD
			   "<w:style w:styleId=\"a\"><w:styleLink w:val=\"b\"></w:styleLink>"
			   "<w:rPr><w:b/></w:rPr></w:style></w:styles>",
			   1));
	/* no declaration, self-closing style, white space everywhere allowed */
	ASSERT(same_as_dom("<w:styles " W_NS " >\r\n " DD "\t<w:style w:styleId = 'e' />" NORMAL
			   " </w:styles >\n",
			   2));
	/* end tags with white space before '>', after content long enough for
	 * whole blocks of the search and 'y's that start nothing */
	ASSERT(
	    same_as_dom("<w:styles " W_NS ">" DD
			"<w:style w:type=\"paragraph\" w:styleId=\"y\"><w:name w:val=\"yy\"/>"
			"<w:rPr><w:rStyle w:val=\"yyyyyyyy\"/><w:rStyle w:val=\"y\"/><w:b/><w:i/>"
			"<w:rStyle w:val=\"yyyyyyyy\"/></w:rPr><w:styleLink w:val=\"y\"/>"
			"</w:style \r\n>" HEADING "<w:style w:styleId=\"z\"><w:pPr/></w:style\t>"
			"</w:styles>",
			3));
	/* ids and types kept side by side: absent, empty, long and in any order */
	ASSERT(same_as_dom("<w:styles " W_NS ">" DD "<w:style w:type=\"character\"/>"
			   "<w:style w:styleId=\"\"/>" TABLE
			   "<w:style w:styleId=\"a-rather-long-style-identifier-of-many-bytes\" "
			   "w:type=\"paragraph\"><w:pPr/></w:style><w:style/>" CHAR "</w:styles>",
			   5));
}

TEST(docx_styles_unusual_parts_parsed_whole)
{
	static const char *const whole[] = {
	    /* a comment inside a style */
	    "<w:styles " W_NS ">" DD
	    "<w:style w:type=\"paragraph\" w:styleId=\"a\"><!-- x --><w:pPr/></w:style>"
	    "</w:styles>",
	    /* a namespace declared on a style */
	    "<w:styles " W_NS ">" DD "<w:style " W_NS " w:styleId=\"a\"/></w:styles>",
	    /* a reference in an attribute value */
	    "<w:styles " W_NS ">" DD
	    "<w:style w:styleId=\"a\" w:customStyle=\"&#49;\"/></w:styles>",
	    /* an attribute of another namespace */
	    "<w:styles " W_NS " xmlns:x=\"urn:x\">" DD "<w:style x:y=\"1\" w:styleId=\"a\"/>"
	    "</w:styles>",
	    /* the w namespace bound twice, or as the default */
	    "<w:styles " W_NS " xmlns:v=\"" W_URI "\">" DD "<v:style v:styleId=\"a\"/></w:styles>",
	    "<styles xmlns=\"" W_URI "\"><style styleId=\"a\"/></styles>",
	    /* a processing instruction, text between styles */
	    "<w:styles " W_NS ">" DD "<?pi x?><w:style w:styleId=\"a\"/></w:styles>",
	    "<w:styles " W_NS ">" DD "x<w:style w:styleId=\"a\"/></w:styles>",
	    /* a style inside a style */
	    "<w:styles " W_NS ">" DD "<w:style w:styleId=\"a\"><w:style w:styleId=\"b\"/><w:pPr/>"
	    "</w:style></w:styles>",
	    /* ... opened by a self-closing tag, or with a tab or a line break */
	    "<w:styles " W_NS ">" DD "<w:style w:styleId=\"a\"><w:style/><w:pPr/>"
	    "</w:style></w:styles>",
	    "<w:styles " W_NS ">" DD "<w:style w:styleId=\"a\"><w:style\tw:styleId=\"b\"/>"
	    "</w:style></w:styles>",
	    /* ... after content of many blocks */
	    "<w:styles " W_NS ">" DD "<w:style w:styleId=\"a\"><w:rPr><w:rStyle w:val=\"y\"/>"
	    "<w:rStyle w:val=\"yyyyyyyyyyyyyyyy\"/><w:rStyle w:val=\"yyyyyyyyyyyyyyyy\"/>"
	    "<w:rStyle w:val=\"yyyyyyyyyyyyyyyy\"/></w:rPr><w:style\n/></w:style></w:styles>",
	    /* another element at the top */
	    "<w:styles " W_NS ">" DD "<w:other/><w:style w:styleId=\"a\"/></w:styles>",
	};

	for (size_t i = 0; i < ARRAY_LEN(whole); i++) {
		if (same_as_dom(whole[i], 1))
			TEST_FAIL_AT("form %zu was indexed, not parsed whole", i);
	}
}

TEST(docx_styles_broken_style_loses_only_its_content)
{
	/* style b's element is not well-formed: the DOM open drops every style,
	 * the checking open only b's content */
	struct doc_docx *b =
	    open_with("<w:styles " W_NS ">" DD NORMAL
		      "<w:style w:styleId=\"b\"><w:pPr></w:style>" HEADING "</w:styles>",
		      true);
	const struct doc_style *s;

	ASSERT(b->styles_lazy != NULL);
	ASSERT_EQ(b->nstyles, 3);
	s = doc_docx_style(b, "b");
	ASSERT(s != NULL && s->ppr == NULL && s->based_on == NULL);
	s = doc_docx_style(b, "h");
	ASSERT(s != NULL && s->rpr != NULL);
	ASSERT_STR_EQ(s->based_on, "a");
	doc_docx_free(b);
}
