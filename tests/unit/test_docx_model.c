/* The .docx model: style chain, theme fonts, indents, numbering labels,
 * text across runs, editing and saving. Fixtures are written with the
 * project's own zip writer into a temporary directory. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "doc/docx.h"
#include "gongwen/gongwen.h"
#include "docx_fixture.h"
#include "test.h"

#define W_NS "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\""
#define A_NS "xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\""

static const char ct[] =
    "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
    "<Default Extension=\"rels\" "
    "ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
    "<Default Extension=\"xml\" ContentType=\"application/xml\"/></Types>";
static const char rels[] = TEST_PACKAGE_RELS;
static const char doc_rels[] =
    TEST_DOC_RELS_HEAD "<Relationship Id=\"rId3\" Type=\"" TEST_OFFICE_RT
		       "numbering\" Target=\"numbering.xml\"/></Relationships>";
static const char styles[] =
    "<w:styles " W_NS "><w:docDefaults><w:rPrDefault><w:rPr><w:sz w:val=\"21\"/></w:rPr>"
    "</w:rPrDefault></w:docDefaults>"
    "<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"a\"><w:name w:val=\"Normal\"/>"
    "<w:pPr><w:ind w:firstLineChars=\"200\"/></w:pPr><w:rPr><w:rFonts "
    "w:eastAsiaTheme=\"minorEastAsia\"/>"
    "<w:sz w:val=\"32\"/></w:rPr></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"h\"><w:basedOn w:val=\"a\"/><w:pPr><w:jc "
    "w:val=\"center\"/>"
    "</w:pPr><w:rPr><w:rFonts w:eastAsia=\"黑体\"/><w:b/></w:rPr></w:style>"
    "<w:style w:type=\"character\" w:styleId=\"k\"><w:rPr><w:rFonts "
    "w:eastAsia=\"楷体\"/></w:rPr></w:style>"
    "<w:style w:type=\"table\" w:styleId=\"t\"><w:tblPr/><w:rPr><w:sz "
    "w:val=\"99\"/></w:rPr></w:style>"
    "</w:styles>";
static const char theme[] =
    "<a:theme " A_NS "><a:themeElements><a:fontScheme><a:majorFont>"
    "<a:latin typeface=\"Arial\"/><a:ea typeface=\"\"/><a:font script=\"Hans\" "
    "typeface=\"黑体\"/></a:majorFont><a:minorFont><a:latin typeface=\"Times\"/>"
    "<a:ea typeface=\"仿宋_GB2312\"/></a:minorFont></a:fontScheme></a:themeElements>"
    "</a:theme>";
static const char numbering[] =
    "<w:numbering " W_NS
    "><w:abstractNum w:abstractNumId=\"7\"><w:lvl w:ilvl=\"0\"><w:start w:val=\"1\"/>"
    "<w:numFmt w:val=\"chineseCounting\"/><w:lvlText w:val=\"%1、\"/></w:lvl><w:lvl w:ilvl=\"1\">"
    "<w:start w:val=\"1\"/><w:numFmt w:val=\"chineseCounting\"/><w:lvlText "
    "w:val=\"（%2）\"/></w:lvl>"
    "</w:abstractNum><w:num w:numId=\"3\"><w:abstractNumId w:val=\"7\"/></w:num></w:numbering>";
static const char document[] =
    "<w:document " W_NS "><w:body>"
    /* 0: Normal via default style: theme 仿宋, sz 32, firstLine 640 */
    "<w:p><w:r><w:t>正文</w:t></w:r><w:r><w:rPr><w:rStyle "
    "w:val=\"k\"/></w:rPr><w:t>楷</w:t></w:r></w:p>"
    /* 1: style h (basedOn a): 黑体 bold centred, direct hanging 0 wins */
    "<w:p><w:pPr><w:pStyle w:val=\"h\"/><w:ind w:hanging=\"0\"/></w:pPr><w:r><w:t>标</w:t></w:r>"
    "<w:r><w:rPr><w:b w:val=\"0\"/></w:rPr><w:t>题</w:t></w:r></w:p>"
    /* 2, 3, 4: numbered 一、 （一） 二、 */
    "<w:p><w:pPr><w:numPr><w:ilvl w:val=\"0\"/><w:numId "
    "w:val=\"3\"/></w:numPr></w:pPr><w:r><w:t>总则</w:t></w:r></w:p>"
    "<w:p><w:pPr><w:numPr><w:ilvl w:val=\"1\"/><w:numId "
    "w:val=\"3\"/></w:numPr></w:pPr><w:r><w:t>目标</w:t></w:r></w:p>"
    "<w:p><w:pPr><w:numPr><w:ilvl w:val=\"0\"/><w:numId "
    "w:val=\"3\"/></w:numPr></w:pPr><w:r><w:t>措施</w:t></w:r></w:p>"
    /* 5: split runs, a deletion, a tab, a hyperlink */
    "<w:p><w:r><w:t>示政</w:t></w:r><w:del><w:r><w:delText>X</w:delText><w:t>删</w:t></w:r></w:del>"
    "<w:hyperlink><w:r><w:t>发[2025]</w:t></w:r></w:hyperlink><w:r><w:t>6号</w:t><w:tab/><w:t>尾</"
    "w:t></w:r></w:p>"
    "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>表内</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
    "<w:sectPr/></w:body></w:document>";

static char tmpdir[64];

static const char *make_docx(void)
{
	static char path[128];
	struct doc_zip_writer *w = doc_zip_writer_new();
	struct err e = {0};

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/shuzhi-ut-XXXXXX");
	ASSERT(mkdtemp(tmpdir) != NULL);
	snprintf(path, sizeof(path), "%s/m.docx", tmpdir);
	doc_zip_writer_add(w, "[Content_Types].xml", ct, strlen(ct));
	doc_zip_writer_add(w, "_rels/.rels", rels, strlen(rels));
	doc_zip_writer_add(w, "word/_rels/document.xml.rels", doc_rels, strlen(doc_rels));
	doc_zip_writer_add(w, "word/document.xml", document, strlen(document));
	doc_zip_writer_add(w, "word/styles.xml", styles, strlen(styles));
	doc_zip_writer_add(w, "word/theme/theme1.xml", theme, strlen(theme));
	doc_zip_writer_add(w, "word/numbering.xml", numbering, strlen(numbering));
	ASSERT_EQ(doc_zip_writer_save(w, path, &e), 0);
	doc_zip_writer_free(w);
	return path;
}

static void cleanup(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	ASSERT_EQ(system(cmd), 0);
}

static char *para_text(xmlNodePtr p)
{
	struct doc_ptext t;
	char *s;

	doc_ptext_init(&t);
	doc_docx_para_text(p, &t);
	s = ustr_to_utf8(&t.text, 0, t.text.len);
	doc_ptext_free(&t);
	return s;
}

TEST(docx_effective_props_style_chain_and_theme)
{
	struct doc_docx *d;
	struct err e = {0};
	struct doc_rprops rp;
	struct doc_pprops pp;
	xmlNodePtr r;

	ASSERT_EQ(doc_docx_open(make_docx(), &d, &e), 0);
	ASSERT_EQ(d->npara, 6); /* the table's paragraph is not a body paragraph */
	r = doc_xml_child(d->paras[0], NS_W, "r");
	doc_docx_run_props(d, d->paras[0], r, &rp);
	ASSERT_STR_EQ(rp.ea, "仿宋_GB2312"); /* eastAsiaTheme -> a:minorFont/a:ea */
	ASSERT_EQ(rp.sz, 32);		     /* style beats docDefaults */
	doc_docx_run_props(d, d->paras[0], doc_xml_next(r, NS_W, "r"), &rp);
	ASSERT_STR_EQ(rp.ea, "楷体"); /* character style */
	doc_docx_para_props(d, d->paras[0], &pp);
	ASSERT_EQ(pp.first, 640); /* firstLineChars 200 at 3号 */
	doc_docx_para_props(d, d->paras[1], &pp);
	ASSERT_STR_EQ(pp.jc, "center");
	ASSERT_EQ(pp.first, 0); /* direct hanging="0" overrides the style's chars */
	r = doc_xml_child(d->paras[1], NS_W, "r");
	doc_docx_run_props(d, d->paras[1], r, &rp);
	ASSERT_STR_EQ(rp.ea, "黑体");
	ASSERT(rp.bold);
	doc_docx_run_props(d, d->paras[1], doc_xml_next(r, NS_W, "r"), &rp);
	ASSERT(!rp.bold);
	doc_docx_free(d);
	cleanup();
}

TEST(docx_numbering_labels_render_like_word)
{
	struct doc_docx *d;
	struct err e = {0};
	char **labels;

	ASSERT_EQ(doc_docx_open(make_docx(), &d, &e), 0);
	labels = doc_docx_numbering_labels(d);
	ASSERT(labels[0] == NULL);
	ASSERT_STR_EQ(labels[2], "一、");
	ASSERT_STR_EQ(labels[3], "（一）");
	ASSERT_STR_EQ(labels[4], "二、");
	for (size_t i = 0; i < d->npara; i++)
		free(labels[i]);
	free(labels);
	doc_docx_free(d);
	cleanup();
}

TEST(docx_text_across_runs_skips_deletions_and_edits_in_place)
{
	struct doc_docx *d;
	struct err e = {0};
	struct ustr rep;
	char *s;
	char out[160];

	ASSERT_EQ(doc_docx_open(make_docx(), &d, &e), 0);
	s = para_text(d->paras[5]);
	ASSERT_STR_EQ(s, "示政发[2025]6号\t尾");
	free(s);
	/* replace "[2025]" (code points 3..9) spanning the hyperlink run */
	ustr_init(&rep);
	ustr_add_cstr(&rep, "〔2025〕");
	ASSERT_EQ(doc_docx_replace_text(d, d->paras[5], 3, 9, rep.p, rep.len), 0);
	/* a range over the tab is refused */
	ASSERT_EQ(doc_docx_replace_text(d, d->paras[5], 10, 13, rep.p, rep.len), BASE_E_USAGE);
	ustr_free(&rep);
	s = para_text(d->paras[5]);
	ASSERT_STR_EQ(s, "示政发〔2025〕6号\t尾");
	free(s);
	snprintf(out, sizeof(out), "%s/out.docx", tmpdir);
	ASSERT_EQ(doc_docx_save(d, out, &e), 0);
	ASSERT_NE(doc_docx_save(d, d->path, &e), 0); /* never over the input */
	doc_docx_free(d);
	ASSERT_EQ(doc_docx_open(out, &d, &e), 0);
	s = para_text(d->paras[5]);
	ASSERT_STR_EQ(s, "示政发〔2025〕6号\t尾");
	free(s);
	doc_docx_free(d);
	cleanup();
}

TEST(docx_split_run_keeps_text_and_format)
{
	struct doc_docx *d;
	struct err e = {0};
	xmlNodePtr r;
	xmlNodePtr second;
	struct doc_rprops rp;
	char *s;

	ASSERT_EQ(doc_docx_open(make_docx(), &d, &e), 0);
	r = doc_xml_child(d->paras[2], NS_W, "r");
	second = doc_docx_split_run(r, 1);
	ASSERT(second != NULL && second != r);
	s = para_text(d->paras[2]);
	ASSERT_STR_EQ(s, "总则");
	free(s);
	doc_docx_set_run_font(r, "黑体", "Times New Roman");
	doc_docx_run_props(d, d->paras[2], r, &rp);
	ASSERT_STR_EQ(rp.ea, "黑体");
	doc_docx_run_props(d, d->paras[2], second, &rp);
	ASSERT_STR_EQ(rp.ea, "仿宋_GB2312");
	ASSERT(doc_docx_split_run(r, 0) == r);
	ASSERT(doc_docx_split_run(r, 5) == NULL);
	doc_docx_free(d);
	cleanup();
}

/* The relationship target resolution before it was one pass (strtok_r over
 * a joined copy, a bounded buffer), kept as the reference. */
static char *ref_resolve_target(const char *base_dir, const char *target)
{
	char *joined;
	char *segs[256];
	size_t nseg = 0;
	struct buf out;
	char *save = NULL;
	char *tok;

	if (target[0] == '/') {
		joined = xstrdup(target + 1);
	} else {
		size_t n = strlen(base_dir) + strlen(target) + 2;

		joined = xmalloc(n);
		snprintf(joined, n, "%s%s%s", base_dir, base_dir[0] ? "/" : "", target);
	}
	for (tok = strtok_r(joined, "/", &save); tok != NULL; tok = strtok_r(NULL, "/", &save)) {
		if (strcmp(tok, ".") == 0 || tok[0] == '\0')
			continue;
		if (strcmp(tok, "..") == 0) {
			if (nseg > 0)
				nseg--;
			continue;
		}
		if (nseg < ARRAY_LEN(segs))
			segs[nseg++] = tok;
	}
	buf_init(&out, 4096);
	for (size_t i = 0; i < nseg; i++) {
		if (i > 0)
			buf_addc(&out, '/');
		buf_adds(&out, segs[i]);
	}
	free(joined);
	return buf_detach(&out, NULL);
}

static void same_resolution(const char *base, const char *target)
{
	char *want = ref_resolve_target(base, target);
	char *got = doc_docx_resolve_target(base, target);

	if (strcmp(want, got) != 0)
		TEST_FAIL_AT("\"%.40s\" + \"%.40s\": \"%.60s\", reference \"%.60s\"", base, target,
			     got, want);
	free(want);
	free(got);
}

TEST(docx_resolve_target_same_as_reference)
{
	static const char *const bases[] = {"", "word", "word/sub", "/word/", "a//b", ".", ".."};
	static const char *const targets[] = {"styles.xml",
					      "../customXml/item1.xml",
					      "/word/document.xml",
					      "./a/./b",
					      "a//b/",
					      "../../../x",
					      "..",
					      "/",
					      "",
					      "...",
					      "x/../../y/.",
					      "media/../media/i.png"};
	static const char alphabet[] = "ab./";
	uint64_t seed = 0x2545F4914F6CDD1Du;
	char *big;

	for (size_t i = 0; i < ARRAY_LEN(bases); i++) {
		for (size_t j = 0; j < ARRAY_LEN(targets); j++)
			same_resolution(bases[i], targets[j]);
	}
	/* random paths of a, b, '.', '/' */
	for (int trial = 0; trial < 4000; trial++) {
		char base[24], target[40];
		size_t nb = (size_t)trial % sizeof(base), nt = (size_t)trial * 7 % sizeof(target);

		for (size_t k = 0; k < nb + nt; k++) {
			seed ^= seed << 13;
			seed ^= seed >> 7;
			seed ^= seed << 17;
			if (k < nb)
				base[k] = alphabet[seed % 4];
			else
				target[k - nb] = alphabet[seed % 4];
		}
		base[nb] = '\0';
		target[nt] = '\0';
		same_resolution(base, target);
	}
	/* past 256 segments, then "..": and past 4096 bytes, pieces that no
	 * longer fit left out while shorter ones after them still do */
	big = xmalloc(20000);
	for (size_t k = 0; k < 300; k++)
		memcpy(big + k * 2, "s/", 2);
	memcpy(big + 600, "../../t", 8);
	same_resolution("w", big);
	for (size_t k = 0; k < 5000; k++)
		big[k] = k % 1000 == 999 ? '/' : 'x';
	memcpy(big + 5000, "/yy/z", 6);
	same_resolution("", big);
	big[4094] = '/';
	same_resolution("ab", big);
	/* one segment of exactly 4096 bytes, and of 4097 */
	memset(big, 'q', 4097);
	big[4096] = '\0';
	same_resolution("", big);
	big[4096] = 'q';
	big[4097] = '\0';
	same_resolution("", big);
	free(big);
}
