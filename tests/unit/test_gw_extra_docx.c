/* The .docx rules of gongwen/rules_extra.c on documents built in memory:
 * GW-PUNC-015 (a paragraph's own w:pPr/w:kinsoku switched off) wherever
 * the element stands among its siblings, in the WordprocessingML
 * namespace only, and its fix. */
#include <stdlib.h>
#include <string.h>

#include "doc/docx.h"
#include "docx_fixture.h"
#include "gongwen/gongwen.h"
#include "test.h"

#define W_NS "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\""

static const char styles[] = "<w:styles " W_NS "/>";

/* The paragraphs of the 公文 the tests put paragraph properties on: the
 * body paragraph (index 4) gets ppr; the others none. */
static char *doc_with(const char *ppr, size_t *len)
{
	static const char *const lines[] = {
	    "示例市人民政府文件",   "示政发〔2025〕6号",    "关于做好防汛工作的通知",
	    "各县（区）人民政府：", "各地要落实防汛责任。", "示例市人民政府",
	    "2025年3月5日"};
	char doc[4096];
	size_t n = 0;

	n += (size_t)snprintf(doc + n, sizeof(doc) - n,
			      "<w:document " W_NS " xmlns:x=\"urn:example:other\"><w:body>");
	for (size_t i = 0; i < ARRAY_LEN(lines); i++)
		n += (size_t)snprintf(doc + n, sizeof(doc) - n,
				      "<w:p>%s<w:r><w:t>%s</w:t></w:r></w:p>", i == 4 ? ppr : "",
				      lines[i]);
	snprintf(doc + n, sizeof(doc) - n, "</w:body></w:document>");
	ASSERT(strlen(doc) + 1 < sizeof(doc));
	return test_docx_package(doc, styles, len);
}

/* Does checking the document with ppr on its body paragraph report
 * GW-PUNC-015 there (and nowhere else)? check: opened by the fast parser
 * (namespace URIs it knows kept as the NS_* constants), else by libxml2. */
static bool kinsoku_reported_by(const char *ppr, bool check)
{
	size_t len;
	char *data = doc_with(ppr, &len);
	struct doc_docx *d;
	struct err e = {0};
	struct gw_profile prof;
	struct gw_doc doc;
	struct gw_findings f;
	bool found = false;

	gw_profile_national(&prof);
	ASSERT_EQ(check ? doc_docx_open_check_mem(data, len, "k.docx", &d, &e)
			: doc_docx_open_mem(data, len, "k.docx", &d, &e),
		  0);
	gw_doc_from_docx(d, "k.docx", &prof, &doc);
	ASSERT_EQ(doc.n, 7);
	gw_findings_init(&f);
	gw_check(&doc, &f);
	for (size_t i = 0; i < f.n; i++) {
		if (strcmp(f.v[i].rule, "GW-PUNC-015") != 0)
			continue;
		ASSERT_EQ(f.v[i].para, 4);
		found = true;
	}
	gw_findings_free(&f);
	gw_doc_free(&doc);
	free(data);
	return found;
}

/* The same answer from both parsers. */
static bool kinsoku_reported(const char *ppr)
{
	bool fast = kinsoku_reported_by(ppr, true);

	ASSERT(kinsoku_reported_by(ppr, false) == fast);
	return fast;
}

TEST(gw_punc_015_kinsoku_off_anywhere_in_ppr)
{
	ASSERT(!kinsoku_reported(""));
	ASSERT(!kinsoku_reported("<w:pPr/>"));
	ASSERT(!kinsoku_reported("<w:pPr><w:kinsoku/></w:pPr>"));
	ASSERT(!kinsoku_reported("<w:pPr><w:kinsoku w:val=\"1\"/></w:pPr>"));
	ASSERT(kinsoku_reported("<w:pPr><w:kinsoku w:val=\"0\"/></w:pPr>"));
	ASSERT(kinsoku_reported("<w:pPr><w:kinsoku w:val=\"false\"/></w:pPr>"));
	ASSERT(kinsoku_reported("<w:pPr><w:kinsoku w:val=\"off\"/></w:pPr>"));
	/* after other properties, and after elements whose names it starts */
	ASSERT(kinsoku_reported("<w:pPr><w:jc w:val=\"both\"/><w:kinsok/><w:kinsokus/>"
				"<w:kinsoku w:val=\"0\"/></w:pPr>"));
	/* the first w:kinsoku decides, as the first w:pPr does */
	ASSERT(
	    !kinsoku_reported("<w:pPr><w:kinsoku w:val=\"1\"/><w:kinsoku w:val=\"0\"/></w:pPr>"));
	ASSERT(!kinsoku_reported("<w:pPr/><w:pPr><w:kinsoku w:val=\"0\"/></w:pPr>"));
	/* another namespace's pPr or kinsoku is not WordprocessingML's */
	ASSERT(!kinsoku_reported("<x:pPr><w:kinsoku w:val=\"0\"/></x:pPr>"));
	ASSERT(!kinsoku_reported("<w:pPr><x:kinsoku w:val=\"0\"/></w:pPr>"));
	ASSERT(kinsoku_reported("<x:pPr/><w:pPr><x:kinsoku w:val=\"0\"/>"
				"<w:kinsoku w:val=\"0\"/></w:pPr>"));
	/* a namespace bound to the same URI under another prefix is */
	ASSERT(kinsoku_reported("<v:pPr xmlns:v=\"http://schemas.openxmlformats.org/"
				"wordprocessingml/2006/main\"><v:kinsoku v:val=\"0\"/></v:pPr>"));
}
