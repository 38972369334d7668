/* Paragraph texts as loaded for checking: doc_docx_para_text_add (many
 * paragraphs into one text buffer and one segment array, segment starts
 * counted from each paragraph's own start) gives what doc_docx_para_text
 * gives paragraph by paragraph, and a read-only gw_doc (texts in one pool)
 * has the texts and segments of the DOM open's gw_doc (a buffer each),
 * also after gw_doc_refresh moves them out of the pool. Its sections (the
 * paragraphs' w:sectPr kept by the text walk, the rest of the body walked)
 * are those of a walk of the whole body. And the footer pattern the page
 * number rule reads. And a check with the helper thread finds what one on
 * one thread finds. */
#include <stdlib.h>
#include <string.h>

#include "base/side.h"
#include "doc/docx.h"
#include "doc/xmlfast.h"
#include "docx_fixture.h"
#include "gongwen/docx_util.h"
#include "gongwen/gongwen.h"
#include "test.h"

#define W_NS "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\""

static const char styles[] = "<w:styles " W_NS "/>";

/* Runs, tabs and breaks, empty paragraphs (first, between, last), deleted
 * text, a run inside a hyperlink, text split over runs. */
static const char doc_texts[] =
    "<w:document " W_NS "><w:body>"
    "<w:p/>"
    "<w:p><w:r><w:t>一二</w:t><w:tab/><w:t>三</w:t></w:r><w:r><w:br/><w:t>abc</w:t></w:r></w:p>"
    "<w:p><w:pPr><w:jc w:val=\"center\"/></w:pPr></w:p>"
    "<w:p><w:r><w:t>甲</w:t></w:r><w:del><w:r><w:t>删</w:t></w:r></w:del>"
    "<w:hyperlink><w:r><w:t>乙丙</w:t></w:r></w:hyperlink><w:r><w:cr/></w:r></w:p>"
    "<w:p><w:r><w:t></w:t></w:r></w:p>"
    "<w:p><w:r><w:t>末</w:t></w:r></w:p>"
    "<w:p/>"
    "<w:sectPr/></w:body></w:document>";

static char *make(const char *document, size_t *len)
{
	return test_docx_package(document, styles, len);
}

static void same_seg(const struct doc_seg *a, const struct doc_seg *b)
{
	ASSERT(a->run == b->run);
	ASSERT(a->node == b->node);
	ASSERT_EQ(a->start, b->start);
	ASSERT_EQ(a->len, b->len);
	ASSERT_EQ(a->kind, b->kind);
}

TEST(docx_para_text_add_same_as_one_paragraph_at_a_time)
{
	size_t len;
	char *data = make(doc_texts, &len);
	struct doc_docx *d;
	struct err e = {0};
	struct doc_ptext one;
	struct doc_ptext all;
	size_t toff = 0;
	size_t soff = 0;

	ASSERT_EQ(doc_docx_open_check_mem(data, len, "t.docx", &d, &e), 0);
	ASSERT_EQ(d->npara, 7);
	doc_ptext_init(&one);
	doc_ptext_init(&all);
	for (size_t i = 0; i < d->npara; i++)
		doc_docx_para_text_add(d->paras[i], &all);
	/* 一二\t三\nabc, 甲乙丙\n, 末; the empty w:t a segment too */
	ASSERT_EQ(all.text.len, 8 + 4 + 1);
	ASSERT_EQ(all.nsegs, 5 + 3 + 1 + 1);
	for (size_t i = 0; i < d->npara; i++) {
		doc_docx_para_text(d->paras[i], &one);
		ASSERT(toff + one.text.len <= all.text.len);
		ASSERT(one.text.len == 0 ||
		       memcmp(all.text.p + toff, one.text.p, one.text.len * sizeof(uint32_t)) == 0);
		ASSERT(soff + one.nsegs <= all.nsegs);
		for (size_t k = 0; k < one.nsegs; k++)
			same_seg(&all.segs[soff + k], &one.segs[k]);
		toff += one.text.len;
		soff += one.nsegs;
	}
	ASSERT_EQ(toff, all.text.len);
	ASSERT_EQ(soff, all.nsegs);
	/* the second paragraph's segments start from its own text's start */
	ASSERT_EQ(all.segs[0].start, 0);
	ASSERT_EQ(all.segs[1].start, 2);
	ASSERT_EQ(all.segs[1].kind, DOC_SEG_TAB);
	/* the fourth's (after the third, empty) too: 甲 at 0, 乙丙 at 1 */
	ASSERT_EQ(all.segs[5].start, 0);
	ASSERT_EQ(all.segs[6].start, 1);
	ASSERT_EQ(all.segs[6].len, 2);
	ASSERT_EQ(all.segs[7].kind, DOC_SEG_BREAK);
	doc_ptext_free(&one);
	doc_ptext_free(&all);
	doc_docx_free(d);
	free(data);
}

/* Texts and segments of two gw_docs of the same package agree (the
 * segments' nodes lie in different trees: their offsets and kinds). */
static void same_texts(const struct gw_doc *a, const struct gw_doc *b)
{
	ASSERT_EQ(a->n, b->n);
	for (size_t i = 0; i < a->n; i++) {
		const struct gw_para *x = &a->paras[i];
		const struct gw_para *y = &b->paras[i];

		ASSERT_EQ(x->text.len, y->text.len);
		ASSERT(x->text.len > 0 || (x->text.p == NULL && y->text.p == NULL));
		ASSERT(x->text.len == 0 ||
		       memcmp(x->text.p, y->text.p, x->text.len * sizeof(uint32_t)) == 0);
		ASSERT_EQ(x->nsegs, y->nsegs);
		for (size_t k = 0; k < x->nsegs; k++) {
			ASSERT_EQ(x->segs[k].start, y->segs[k].start);
			ASSERT_EQ(x->segs[k].len, y->segs[k].len);
			ASSERT_EQ(x->segs[k].kind, y->segs[k].kind);
		}
		ASSERT_EQ(x->role, y->role);
	}
}

static void pooled_same_as_dom(const char *data, size_t len)
{
	struct gw_profile prof;
	struct doc_docx *da;
	struct doc_docx *db;
	struct gw_doc a;
	struct gw_doc b;
	struct err e = {0};

	gw_profile_national(&prof);
	ASSERT_EQ(doc_docx_open_mem(data, len, "a.docx", &da, &e), 0);
	ASSERT_EQ(doc_docx_open_check_mem(data, len, "b.docx", &db, &e), 0);
	gw_doc_from_docx(da, "a.docx", &prof, &a);
	gw_doc_from_docx(db, "b.docx", &prof, &b);
	ASSERT(a.text_pool == NULL);
	same_texts(&a, &b);
	/* the pooled texts lie one after another in the pool */
	for (size_t i = 0, off = 0; i < b.n; i++) {
		ASSERT(b.paras[i].text.len == 0 || b.paras[i].text.p == b.text_pool + off);
		off += b.paras[i].text.len;
	}
	/* refreshed, each text has a buffer of its own (ASan: none freed twice) */
	gw_doc_refresh(&b);
	ASSERT(b.text_pool == NULL);
	same_texts(&a, &b);
	gw_doc_free(&a);
	gw_doc_free(&b);
}

TEST(gw_doc_check_texts_pooled_same_as_dom_open)
{
	size_t len;
	char *data = make(doc_texts, &len);
	struct doc_docx *d;
	struct gw_profile prof;
	struct gw_doc doc;
	struct err e = {0};
	static const uint32_t want[] = {0x7532, 0x4E59, 0x4E19, '\n'}; /* 甲乙丙\n */

	pooled_same_as_dom(data, len);
	gw_profile_national(&prof);
	ASSERT_EQ(doc_docx_open_check_mem(data, len, "t.docx", &d, &e), 0);
	gw_doc_from_docx(d, "t.docx", &prof, &doc);
	ASSERT(doc.text_pool != NULL);
	ASSERT_EQ(doc.n, 7);
	ASSERT_EQ(doc.paras[3].text.len, 4);
	ASSERT(memcmp(doc.paras[3].text.p, want, sizeof(want)) == 0);
	ASSERT(doc.paras[0].text.p == NULL && doc.paras[2].text.p == NULL);
	ASSERT_EQ(doc.paras[3].nsegs, 3);
	ASSERT_EQ(doc.paras[3].segs[1].start, 1);
	gw_doc_free(&doc);
	free(data);
}

static void dev_pooled(const char *path, void *arg)
{
	size_t *n = arg;
	char *data;
	size_t len;
	struct err e = {0};

	if (base_read_file(path, 64 << 20, &data, &len, &e) != 0) {
		err_clear(&e);
		return;
	}
	pooled_same_as_dom(data, len);
	free(data);
	(*n)++;
}

TEST(gw_doc_check_texts_pooled_same_as_dom_on_dev_set)
{
	size_t n = 0;

	if (test_each_dev_docx(dev_pooled, &n) < 0)
		return;
	ASSERT(n >= 10);
}

/* gw_doc_sections inside the check cache (read-only: from the kept
 * paragraph sections) against gw_docx_all_sections, for max 1, 3, 64 and
 * the cache's own 256; returns how many sections the document has. */
static size_t sections_same(struct gw_doc *doc)
{
	static xmlNodePtr want[256];
	static xmlNodePtr got[256];
	static const size_t maxes[] = {1, 3, 64, 256};
	size_t all = gw_docx_all_sections(doc->docx, want, 256);

	gw_run_cache_begin(doc);
	for (size_t m = 0; m < ARRAY_LEN(maxes); m++) {
		size_t nw = gw_docx_all_sections(doc->docx, want, maxes[m]);
		size_t n = gw_doc_sections(doc, got, maxes[m]);

		ASSERT_EQ(n, nw);
		for (size_t k = 0; k < n; k++)
			ASSERT(got[k] == want[k]);
	}
	gw_run_cache_end(doc);
	return all;
}

static void open_gw(const char *data, size_t len, bool check, struct gw_doc *doc)
{
	struct gw_profile prof;
	struct doc_docx *d;
	struct err e = {0};

	gw_profile_national(&prof);
	ASSERT_EQ(check ? doc_docx_open_check_mem(data, len, "s.docx", &d, &e)
			: doc_docx_open_mem(data, len, "s.docx", &d, &e),
		  0);
	gw_doc_from_docx(d, "s.docx", &prof, doc);
}

/* w:sectPr in a paragraph's pPr, in a run, inside another (not taken),
 * inside w:del (taken), in another namespace (not taken) and under another
 * prefix of WordprocessingML's (taken), in a table, between paragraphs and
 * at the end of the body. */
TEST(gw_doc_sections_from_text_walk_same_as_body_walk)
{
	static const char doc_sects[] =
	    "<w:document " W_NS " xmlns:x=\"urn:x\" xmlns:w2=\"http://schemas.openxmlformats.org/"
	    "wordprocessingml/2006/main\"><w:body>"
	    "<w:p><w:pPr><w:sectPr><w:pgSz w:w=\"1\"/></w:sectPr></w:pPr></w:p>"
	    "<w:p><w:r><w:sectPr><w:sectPr/></w:sectPr><w:t>一</w:t></w:r></w:p>"
	    "<w:p/>"
	    "<w:p><w:del><w:r><w:sectPr/></w:r></w:del><x:sectPr/><w2:sectPr/></w:p>"
	    "<w:tbl><w:tr><w:tc><w:p><w:pPr><w:sectPr/></w:pPr></w:p></w:tc></w:tr></w:tbl>"
	    "<w:sectPr><w:pgSz w:w=\"2\"/></w:sectPr>"
	    "<w:p><w:pPr><w:spacing w:line=\"1\"/></w:pPr><w:r><w:t>二</w:t></w:r></w:p>"
	    "<w:p><w:pPr><w:sectPr/></w:pPr></w:p>"
	    "<w:sectPr/></w:body></w:document>";
	size_t len;
	char *data = make(doc_sects, &len);
	struct gw_doc a;
	struct gw_doc b;

	open_gw(data, len, false, &a);
	open_gw(data, len, true, &b);
	ASSERT(!a.para_sects_ok);
	ASSERT(b.para_sects_ok);
	/* pPr, run, del, w2, paragraph after the table's: the kept ones */
	ASSERT_EQ(b.npara_sects, 5);
	/* and the table's and the two of the body */
	ASSERT_EQ(sections_same(&a), 8);
	ASSERT_EQ(sections_same(&b), 8);
	gw_doc_free(&a);
	gw_doc_free(&b);
	free(data);
}

/* More sections than the cache keeps, paragraphs' and tables' in turn:
 * the first ones in document order. */
TEST(gw_doc_sections_from_text_walk_capped_in_document_order)
{
	struct buf xml;
	char *data;
	size_t len;
	struct gw_doc b;

	buf_init(&xml, 1 << 20);
	buf_adds(&xml, "<w:document " W_NS "><w:body>");
	for (int i = 0; i < 150; i++) {
		buf_adds(&xml, "<w:p><w:pPr><w:sectPr/></w:pPr></w:p><w:p/>");
		buf_adds(&xml,
			 "<w:tbl><w:tr><w:tc><w:p><w:pPr><w:sectPr/></w:pPr></w:p></w:tc></w:tr>"
			 "</w:tbl>");
	}
	buf_adds(&xml, "<w:sectPr/></w:body></w:document>");
	data = make(xml.p, &len);
	open_gw(data, len, true, &b);
	ASSERT(b.para_sects_ok);
	ASSERT_EQ(b.npara_sects, 150);
	ASSERT_EQ(sections_same(&b), 256);
	gw_doc_free(&b);
	free(data);
	buf_free(&xml);
}

static void dev_sections(const char *path, void *arg)
{
	size_t *n = arg;
	char *data;
	size_t len;
	struct err e = {0};
	struct gw_doc b;

	if (base_read_file(path, 64 << 20, &data, &len, &e) != 0) {
		err_clear(&e);
		return;
	}
	open_gw(data, len, true, &b);
	ASSERT(b.para_sects_ok);
	*n += sections_same(&b);
	gw_doc_free(&b);
	free(data);
}

TEST(gw_doc_sections_from_text_walk_same_on_dev_set)
{
	size_t n = 0;

	if (test_each_dev_docx(dev_sections, &n) < 0)
		return;
	ASSERT(n >= 10);
}

/* gw_footer_pattern: page fields (complex, nested, simple; the simple
 * one's result skipped), text, tabs in runs only, other namespaces'
 * elements of the same names ignored, text below other elements found;
 * one line per paragraph with text. */
TEST(gw_footer_pattern_fields_text_and_tabs)
{
	static const char ftr[] =
	    "<w:ftr " W_NS " xmlns:x=\"urn:x\">"
	    "<w:p><w:pPr><w:tabs><w:tab w:val=\"center\"/></w:tabs><w:jc w:val=\"center\"/>"
	    "</w:pPr><w:r><w:t>— </w:t></w:r><w:r><w:fldChar w:fldCharType=\"begin\"/></w:r>"
	    "<w:r><w:instrText> PAGE </w:instrText></w:r><w:r><w:fldChar "
	    "w:fldCharType=\"separate\"/></w:r><w:r><w:t>1</w:t></w:r><w:r><w:fldChar "
	    "w:fldCharType=\"end\"/></w:r><w:r><w:t> —</w:t><x:t>x</x:t></w:r></w:p>"
	    "<w:p><w:r><w:t>第</w:t><w:tab/></w:r><w:fldSimple w:instr=\" NUMPAGES \"><w:r><w:t>9"
	    "</w:t></w:r></w:fldSimple><w:sdt><w:sdtContent><w:r><w:t>页</w:t></w:r></w:sdtContent>"
	    "</w:sdt></w:p>"
	    "<w:p><w:r><w:t> </w:t></w:r></w:p>"
	    "<w:p><w:r><w:fldChar w:fldCharType=\"begin\"/><w:instrText>IF </w:instrText>"
	    "<w:fldChar w:fldCharType=\"begin\"/><w:instrText>page</w:instrText>"
	    "<w:fldChar w:fldCharType=\"end\"/><w:instrText> x</w:instrText>"
	    "<w:fldChar w:fldCharType=\"end\"/><w:t>尾</w:t></w:r></w:p>"
	    "</w:ftr>";
	xmlDocPtr doc;
	char *pat;

	ASSERT_EQ(doc_xmlfast_parse(ftr, strlen(ftr), &doc), 0);
	pat = gw_footer_pattern(xmlDocGetRootElement(doc));
	ASSERT_STR_EQ(pat, "— # —\n第\t%页\n#?尾");
	ASSERT(gw_pgno_pattern_ok("— # —"));
	free(pat);
	doc_xml_free_doc(doc);
}

/* A check with base/side's helper thread (styles.xml read beside
 * document.xml, paragraph properties beside the texts and roles, the text
 * rules beside the property rules) finds exactly what the same check finds
 * on one thread. */
static void check_json(const char *data, size_t len, bool side, struct buf *out)
{
	struct gw_profile prof; /* (open_gw's is gone once it returns) */
	struct gw_doc doc;
	struct gw_findings f = {0};
	struct doc_docx *d;
	struct err e = {0};
	unsigned long before;

	gw_profile_national(&prof);
	base_side_enable(side);
	before = base_side_handed();
	ASSERT_EQ(doc_docx_open_check_mem(data, len, "s.docx", &d, &e), 0);
	gw_doc_from_docx(d, "s.docx", &prof, &doc);
	if (!side)
		ASSERT_EQ(base_side_handed(), before);
	else if (base_side_on())
		ASSERT_EQ(base_side_handed() - before, 2); /* the styles, the properties */
	gw_check(&doc, &f);
	ASSERT(f.n > 0);
	if (side && base_side_on())
		ASSERT_EQ(base_side_handed() - before, 3); /* and the text rules */
	gw_report_json(&doc, &f, out);
	gw_findings_free(&f);
	gw_doc_free(&doc);
	base_side_enable(true);
}

static void dev_side_same(const char *path, void *arg)
{
	size_t *n = arg;
	size_t len;
	char *data;
	struct err e = {0};
	struct buf a, b;

	ASSERT_EQ(base_read_file(path, 50u << 20, &data, &len, &e), 0);
	buf_init(&a, 1u << 24);
	buf_init(&b, 1u << 24);
	check_json(data, len, false, &a);
	check_json(data, len, true, &b);
	ASSERT(a.len > 0);
	ASSERT_EQ(a.len, b.len);
	ASSERT(memcmp(a.p, b.p, a.len) == 0);
	buf_free(&a);
	buf_free(&b);
	free(data);
	(*n)++;
}

TEST(gw_check_with_side_thread_same_findings_on_dev_set)
{
	size_t n = 0;

	if (test_each_dev_docx(dev_side_same, &n) < 0)
		return;
	ASSERT(n >= 10);
}
