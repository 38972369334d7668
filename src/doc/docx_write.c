/* doc/docx_write: a .docx written from scratch (see docx_write.h). */
#include "doc/docx_write.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc/zip.h"
#include "text/text.h"

#define BODY_MAX (64u * 1024u * 1024u)

struct doc_dw {
	struct doc_dw_page pg;
	struct buf body;
	size_t npara;
	int in_table;
	size_t ncols;
	long widths[64];
	size_t col;
	bool overflow;
};

#define NS_W	 "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define NS_R	 "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define XML_DECL "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"

void doc_dw_page_gongwen(struct doc_dw_page *pg)
{
	memset(pg, 0, sizeof(*pg));
	pg->top = 2098;
	pg->right = 1474;
	pg->bottom = 1984;
	pg->left = 1587;
	pg->header = 851;
	pg->footer = 1418;
	pg->line_pitch = 579;
	pg->page_numbers = true;
	pg->default_ea = "仿宋_GB2312";
	pg->default_sz = 32;
}

struct doc_dw *doc_dw_new(const struct doc_dw_page *pg)
{
	struct doc_dw *w = xcalloc(1, sizeof(*w));
	w->pg = *pg;
	if (w->pg.default_ea == NULL)
		w->pg.default_ea = "仿宋_GB2312";
	if (w->pg.default_sz == 0)
		w->pg.default_sz = 32;
	buf_init(&w->body, BODY_MAX);
	return w;
}

void doc_dw_free(struct doc_dw *w)
{
	if (w == NULL)
		return;
	buf_free(&w->body);
	free(w);
}

static void put(struct doc_dw *w, const char *s)
{
	if (buf_adds(&w->body, s) != 0)
		w->overflow = true;
}

static void putf(struct doc_dw *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(struct doc_dw *w, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (buf_vaddf(&w->body, fmt, ap) != 0)
		w->overflow = true;
	va_end(ap);
}

int doc_dw_escape(struct buf *b, const char *s, size_t n)
{
	size_t i = 0;
	int rc = 0;

	while (i < n && rc == 0) {
		uint32_t cp;
		size_t k = text_utf8_decode(s + i, n - i, &cp);
		if (k == 0)
			break;
		if (cp == 0xFFFD && !(k == 3 && (unsigned char)s[i] == 0xEF)) {
			i += k; /* invalid byte: dropped */
			continue;
		}
		if (cp == '&')
			rc = buf_adds(b, "&amp;");
		else if (cp == '<')
			rc = buf_adds(b, "&lt;");
		else if (cp == '>')
			rc = buf_adds(b, "&gt;");
		else if (cp == '"')
			rc = buf_adds(b, "&quot;");
		else if ((cp < 0x20 && cp != '\t' && cp != '\n') || cp == 0xFFFE || cp == 0xFFFF ||
			 (cp >= 0xD800 && cp <= 0xDFFF))
			; /* not allowed in XML 1.0 */
		else
			rc = buf_add(b, s + i, k);
		i += k;
	}
	return rc;
}

static void rpr(struct doc_dw *w, const struct doc_dw_rfmt *rf)
{
	const char *lat;
	if (rf == NULL)
		return;
	lat = rf->latin != NULL ? rf->latin : "Times New Roman";
	put(w, "<w:rPr>");
	if (rf->ea != NULL) {
		put(w, "<w:rFonts w:ascii=\"");
		doc_dw_escape(&w->body, lat, strlen(lat));
		put(w, "\" w:hAnsi=\"");
		doc_dw_escape(&w->body, lat, strlen(lat));
		put(w, "\" w:eastAsia=\"");
		doc_dw_escape(&w->body, rf->ea, strlen(rf->ea));
		put(w, "\" w:cs=\"");
		doc_dw_escape(&w->body, lat, strlen(lat));
		put(w, rf->hint_ea ? "\" w:hint=\"eastAsia\"/>" : "\"/>");
	}
	if (rf->bold)
		put(w, "<w:b/><w:bCs/>");
	if (rf->color != NULL)
		putf(w, "<w:color w:val=\"%.6s\"/>", rf->color);
	if (rf->spacing != 0)
		putf(w, "<w:spacing w:val=\"%d\"/>", rf->spacing);
	if (rf->sz > 0)
		putf(w, "<w:sz w:val=\"%d\"/><w:szCs w:val=\"%d\"/>", rf->sz, rf->sz);
	put(w, "</w:rPr>");
}

static void ppr(struct doc_dw *w, const struct doc_dw_pfmt *pf, const struct doc_dw_rfmt *rf)
{
	put(w, "<w:pPr>");
	if (pf != NULL) {
		if (pf->keep_next)
			put(w, "<w:keepNext/>");
		if (pf->page_break_before)
			put(w, "<w:pageBreakBefore/>");
		if (pf->borders != DOC_DW_BDR_NONE) {
			const char *c = pf->bdr_color != NULL ? pf->bdr_color : "000000";
			put(w, "<w:pBdr>");
			if (pf->borders & DOC_DW_BDR_TOP)
				putf(w,
				     "<w:top w:val=\"single\" w:sz=\"%d\" w:space=\"1\" "
				     "w:color=\"%.6s\"/>",
				     pf->bdr_top_sz > 0 ? pf->bdr_top_sz : 4, c);
			if (pf->borders & DOC_DW_BDR_BOTTOM)
				putf(w,
				     "<w:bottom w:val=\"single\" w:sz=\"%d\" w:space=\"%d\" "
				     "w:color=\"%.6s\"/>",
				     pf->bdr_bottom_sz > 0 ? pf->bdr_bottom_sz : 4,
				     pf->bdr_space > 0 ? pf->bdr_space : 1, c);
			put(w, "</w:pBdr>");
		}
		if (pf->tab_right > 0)
			putf(w, "<w:tabs><w:tab w:val=\"right\" w:pos=\"%ld\"/></w:tabs>",
			     pf->tab_right);
		/* table text keeps single spacing: no snapping to the 579-twip line grid */
		if (w->in_table)
			put(w, "<w:snapToGrid w:val=\"0\"/>");
		if (pf->line > 0)
			putf(w,
			     "<w:spacing w:before=\"%ld\" w:after=\"%ld\" w:line=\"%ld\" "
			     "w:lineRule=\"exact\"/>",
			     pf->before, pf->after, pf->line);
		else
			putf(w,
			     "<w:spacing w:before=\"%ld\" w:after=\"%ld\" w:line=\"240\" "
			     "w:lineRule=\"auto\"/>",
			     pf->before, pf->after);
		if (pf->set_ind || pf->left != 0 || pf->right != 0 || pf->first != 0) {
			putf(w, "<w:ind w:left=\"%ld\" w:right=\"%ld\" ", pf->left, pf->right);
			if (pf->first < 0)
				putf(w, "w:hanging=\"%ld\"/>", -pf->first);
			else
				putf(w, "w:firstLine=\"%ld\"/>", pf->first);
		}
		if (pf->jc != NULL)
			putf(w, "<w:jc w:val=\"%s\"/>", pf->jc);
	}
	rpr(w, rf);
	put(w, "</w:pPr>");
}

void doc_dw_run(struct doc_dw *w, const struct doc_dw_rfmt *rf, const char *text)
{
	const char *s = text, *end = text + strlen(text);

	if (*text == '\0')
		return;
	put(w, "<w:r>");
	rpr(w, rf);
	while (s < end) {
		size_t n = strcspn(s, "\t\n");
		if (n > 0) {
			put(w, "<w:t xml:space=\"preserve\">");
			if (doc_dw_escape(&w->body, s, n) != 0)
				w->overflow = true;
			put(w, "</w:t>");
		}
		s += n;
		if (s < end) {
			put(w, *s == '\t' ? "<w:tab/>" : "<w:br/>");
			s++;
		}
	}
	put(w, "</w:r>");
}

void doc_dw_para_begin(struct doc_dw *w, const struct doc_dw_pfmt *pf, const struct doc_dw_rfmt *rf)
{
	put(w, "<w:p>");
	ppr(w, pf, rf);
	if (!w->in_table)
		w->npara++;
}

void doc_dw_para_end(struct doc_dw *w)
{
	put(w, "</w:p>");
}

void doc_dw_para(struct doc_dw *w, const struct doc_dw_pfmt *pf, const struct doc_dw_rfmt *rf,
		 const char *text)
{
	doc_dw_para_begin(w, pf, rf);
	doc_dw_run(w, rf, text);
	doc_dw_para_end(w);
}

void doc_dw_table_begin(struct doc_dw *w, size_t ncols, const long *widths)
{
	long total = 0;

	if (ncols > ARRAY_LEN(w->widths))
		ncols = ARRAY_LEN(w->widths);
	w->ncols = ncols;
	for (size_t i = 0; i < ncols; i++) {
		w->widths[i] = widths[i] > 100 ? widths[i] : 100;
		total += w->widths[i];
	}
	w->in_table = 1;
	putf(w,
	     "<w:tbl><w:tblPr><w:tblW w:w=\"%ld\" w:type=\"dxa\"/><w:jc w:val=\"center\"/>"
	     "<w:tblBorders>"
	     "<w:top w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>"
	     "<w:left w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>"
	     "<w:bottom w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>"
	     "<w:right w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>"
	     "<w:insideH w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>"
	     "<w:insideV w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>"
	     "</w:tblBorders><w:tblLayout w:type=\"fixed\"/>"
	     "<w:tblCellMar><w:left w:w=\"85\" w:type=\"dxa\"/><w:right w:w=\"85\" "
	     "w:type=\"dxa\"/></w:tblCellMar>"
	     "<w:tblLook w:val=\"04A0\" w:firstRow=\"1\" w:lastRow=\"0\" w:firstColumn=\"1\" "
	     "w:lastColumn=\"0\" w:noHBand=\"0\" w:noVBand=\"1\"/></w:tblPr><w:tblGrid>",
	     total);
	for (size_t i = 0; i < ncols; i++)
		putf(w, "<w:gridCol w:w=\"%ld\"/>", w->widths[i]);
	put(w, "</w:tblGrid>");
}

void doc_dw_row_begin(struct doc_dw *w, bool header)
{
	put(w, header ? "<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>"
		      : "<w:tr><w:trPr><w:cantSplit/></w:trPr>");
	w->col = 0;
}

void doc_dw_cell(struct doc_dw *w, const struct doc_dw_pfmt *pf, const struct doc_dw_rfmt *rf,
		 const char *text)
{
	long width = w->col < w->ncols ? w->widths[w->col] : 1000;
	const char *s = text;

	putf(w,
	     "<w:tc><w:tcPr><w:tcW w:w=\"%ld\" w:type=\"dxa\"/><w:vAlign w:val=\"center\"/>"
	     "</w:tcPr>",
	     width);
	do {
		size_t n = strcspn(s, "\n");
		char *line = xstrndup(s, n);
		doc_dw_para(w, pf, rf, line);
		free(line);
		s += n;
		if (*s == '\n')
			s++;
	} while (*s != '\0');
	put(w, "</w:tc>");
	w->col++;
}

void doc_dw_row_end(struct doc_dw *w)
{
	/* every row has all grid columns */
	while (w->col < w->ncols)
		doc_dw_cell(w, NULL, NULL, "");
	put(w, "</w:tr>");
}

void doc_dw_table_end(struct doc_dw *w)
{
	put(w, "</w:tbl>");
	w->in_table = 0;
}

size_t doc_dw_para_count(const struct doc_dw *w)
{
	return w->npara;
}

bool doc_dw_overflow(const struct doc_dw *w)
{
	return w->overflow;
}

/* --- fixed parts ----------------------------------------------------- */

static const char content_types[] = XML_DECL
    "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
    "<Default Extension=\"rels\" "
    "ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
    "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
    "<Override PartName=\"/word/document.xml\" "
    "ContentType=\"application/"
    "vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>"
    "<Override PartName=\"/word/styles.xml\" "
    "ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>"
    "<Override PartName=\"/word/settings.xml\" "
    "ContentType=\"application/"
    "vnd.openxmlformats-officedocument.wordprocessingml.settings+xml\"/>"
    "<Override PartName=\"/word/fontTable.xml\" "
    "ContentType=\"application/"
    "vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml\"/>"
    "%s</Types>";

static const char footer_ct[] =
    "<Override PartName=\"/word/footer1.xml\" "
    "ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml\"/>"
    "<Override PartName=\"/word/footer2.xml\" "
    "ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml\"/>";

static const char root_rels[] = XML_DECL
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"" NS_R "/officeDocument\" "
    "Target=\"word/document.xml\"/></Relationships>";

static const char doc_rels[] = XML_DECL
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"" NS_R "/styles\" Target=\"styles.xml\"/>"
    "<Relationship Id=\"rId2\" Type=\"" NS_R "/settings\" Target=\"settings.xml\"/>"
    "<Relationship Id=\"rId3\" Type=\"" NS_R "/fontTable\" Target=\"fontTable.xml\"/>"
    "%s</Relationships>";

static const char footer_rels[] =
    "<Relationship Id=\"rId4\" Type=\"" NS_R "/footer\" Target=\"footer1.xml\"/>"
    "<Relationship Id=\"rId5\" Type=\"" NS_R "/footer\" Target=\"footer2.xml\"/>";

static const char settings[] =
    XML_DECL "<w:settings xmlns:w=\"" NS_W "\"><w:defaultTabStop w:val=\"420\"/>"
	     "%s<w:characterSpacingControl w:val=\"compressPunctuation\"/>"
	     "<w:compat><w:compatSetting w:name=\"compatibilityMode\" "
	     "w:uri=\"http://schemas.microsoft.com/office/word\" w:val=\"15\"/></w:compat>"
	     "</w:settings>";

static const char font_table[] =
    XML_DECL "<w:fonts xmlns:w=\"" NS_W "\">"
	     "<w:font w:name=\"Times New Roman\"><w:charset w:val=\"00\"/>"
	     "<w:family w:val=\"roman\"/><w:pitch w:val=\"variable\"/></w:font>"
	     "<w:font w:name=\"仿宋_GB2312\"><w:altName w:val=\"仿宋\"/><w:charset w:val=\"86\"/>"
	     "<w:family w:val=\"modern\"/><w:pitch w:val=\"fixed\"/></w:font>"
	     "<w:font w:name=\"方正小标宋简体\"><w:altName w:val=\"宋体\"/>"
	     "<w:charset w:val=\"86\"/><w:family w:val=\"script\"/><w:pitch "
	     "w:val=\"fixed\"/></w:font>"
	     "<w:font w:name=\"黑体\"><w:altName w:val=\"SimHei\"/><w:charset w:val=\"86\"/>"
	     "<w:family w:val=\"modern\"/><w:pitch w:val=\"fixed\"/></w:font>"
	     "<w:font w:name=\"楷体_GB2312\"><w:altName w:val=\"楷体\"/><w:charset w:val=\"86\"/>"
	     "<w:family w:val=\"modern\"/><w:pitch w:val=\"fixed\"/></w:font>"
	     "<w:font w:name=\"宋体\"><w:altName w:val=\"SimSun\"/><w:charset w:val=\"86\"/>"
	     "<w:family w:val=\"auto\"/><w:pitch w:val=\"variable\"/></w:font>"
	     "</w:fonts>";

static char *styles_xml(const struct doc_dw_page *pg)
{
	struct buf b;
	buf_init(&b, 1 << 16);
	buf_adds(&b, XML_DECL "<w:styles xmlns:w=\"" NS_W "\"><w:docDefaults><w:rPrDefault><w:rPr>"
			      "<w:rFonts w:ascii=\"Times New Roman\" w:hAnsi=\"Times New Roman\" "
			      "w:eastAsia=\"");
	doc_dw_escape(&b, pg->default_ea, strlen(pg->default_ea));
	buf_addf(&b,
		 "\" w:cs=\"Times New Roman\"/><w:kern w:val=\"2\"/><w:sz w:val=\"%d\"/>"
		 "<w:szCs w:val=\"%d\"/><w:lang w:val=\"en-US\" w:eastAsia=\"zh-CN\" "
		 "w:bidi=\"ar-SA\"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr>"
		 "<w:widowControl w:val=\"0\"/><w:jc w:val=\"both\"/></w:pPr></w:pPrDefault>"
		 "</w:docDefaults>"
		 "<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\">"
		 "<w:name w:val=\"Normal\"/><w:qFormat/></w:style>"
		 "<w:style w:type=\"character\" w:default=\"1\" "
		 "w:styleId=\"DefaultParagraphFont\"><w:name w:val=\"Default Paragraph Font\"/>"
		 "<w:uiPriority w:val=\"1\"/><w:semiHidden/><w:unhideWhenUsed/></w:style>"
		 "<w:style w:type=\"table\" w:default=\"1\" w:styleId=\"TableNormal\">"
		 "<w:name w:val=\"Normal Table\"/><w:uiPriority w:val=\"99\"/><w:semiHidden/>"
		 "<w:unhideWhenUsed/><w:tblPr><w:tblInd w:w=\"0\" w:type=\"dxa\"/>"
		 "<w:tblCellMar><w:top w:w=\"0\" w:type=\"dxa\"/><w:left w:w=\"108\" "
		 "w:type=\"dxa\"/><w:bottom w:w=\"0\" w:type=\"dxa\"/><w:right w:w=\"108\" "
		 "w:type=\"dxa\"/></w:tblCellMar></w:tblPr></w:style>"
		 "</w:styles>",
		 pg->default_sz, pg->default_sz);
	return buf_detach(&b, NULL);
}

/* GB/T 9704-2012 §7.5: "— 1 —", 4号 宋体, odd pages right and even pages
 * left, one character from the edge of the 版心. */
static char *footer_xml(bool odd)
{
	static const char rp[] = "<w:rPr><w:rFonts w:ascii=\"宋体\" w:hAnsi=\"宋体\" "
				 "w:eastAsia=\"宋体\" w:cs=\"宋体\"%s/><w:sz w:val=\"28\"/>"
				 "<w:szCs w:val=\"28\"/></w:rPr>";
	struct buf b;
	char hint[256], plain[256];

	snprintf(hint, sizeof(hint), rp, " w:hint=\"eastAsia\"");
	snprintf(plain, sizeof(plain), rp, "");
	buf_init(&b, 1 << 14);
	buf_addf(
	    &b,
	    XML_DECL "<w:ftr xmlns:w=\"" NS_W "\"><w:p><w:pPr><w:spacing w:before=\"0\" "
		     "w:after=\"0\" w:line=\"240\" w:lineRule=\"auto\"/>%s<w:jc w:val=\"%s\"/>",
	    odd ? "<w:ind w:left=\"0\" w:right=\"280\"/>" : "<w:ind w:left=\"280\" w:right=\"0\"/>",
	    odd ? "right" : "left");
	buf_adds(&b, plain);
	buf_addf(&b,
		 "</w:pPr><w:r>%s<w:t xml:space=\"preserve\">— </w:t></w:r>"
		 "<w:r>%s<w:fldChar w:fldCharType=\"begin\"/></w:r>"
		 "<w:r>%s<w:instrText xml:space=\"preserve\"> PAGE </w:instrText></w:r>"
		 "<w:r>%s<w:fldChar w:fldCharType=\"separate\"/></w:r>"
		 "<w:r>%s<w:t>%s</w:t></w:r>"
		 "<w:r>%s<w:fldChar w:fldCharType=\"end\"/></w:r>"
		 "<w:r>%s<w:t xml:space=\"preserve\"> —</w:t></w:r></w:p></w:ftr>",
		 hint, plain, plain, plain, plain, odd ? "1" : "2", plain, hint);
	return buf_detach(&b, NULL);
}

int doc_dw_save(struct doc_dw *w, const char *path, struct err *e)
{
	struct doc_zip_writer *zw;
	struct buf doc, tmp;
	char *s;
	int rc;

	if (w->overflow)
		return err_set(e, BASE_E_LIMIT, "文档过大：正文超过 %u MB", BODY_MAX >> 20);
	buf_init(&doc, BODY_MAX + (1u << 16));
	buf_adds(&doc, XML_DECL "<w:document xmlns:w=\"" NS_W "\" xmlns:r=\"" NS_R "\"><w:body>");
	buf_add(&doc, w->body.p != NULL ? w->body.p : "", w->body.len);
	buf_adds(&doc, "<w:sectPr>");
	if (w->pg.page_numbers)
		buf_adds(&doc, "<w:footerReference w:type=\"default\" r:id=\"rId4\"/>"
			       "<w:footerReference w:type=\"even\" r:id=\"rId5\"/>");
	buf_addf(&doc,
		 "<w:pgSz w:w=\"11906\" w:h=\"16838\"/><w:pgMar w:top=\"%ld\" w:right=\"%ld\" "
		 "w:bottom=\"%ld\" w:left=\"%ld\" w:header=\"%ld\" w:footer=\"%ld\" "
		 "w:gutter=\"0\"/><w:pgNumType w:fmt=\"decimal\"/><w:cols w:space=\"425\"/>",
		 w->pg.top, w->pg.right, w->pg.bottom, w->pg.left, w->pg.header, w->pg.footer);
	if (w->pg.line_pitch > 0)
		buf_addf(&doc, "<w:docGrid w:type=\"lines\" w:linePitch=\"%ld\"/>",
			 w->pg.line_pitch);
	if (buf_adds(&doc, "</w:sectPr></w:body></w:document>") != 0) {
		buf_free(&doc);
		return err_set(e, BASE_E_LIMIT, "文档过大");
	}
	zw = doc_zip_writer_new();
	buf_init(&tmp, 1 << 16);
	buf_addf(&tmp, content_types, w->pg.page_numbers ? footer_ct : "");
	doc_zip_writer_add(zw, "[Content_Types].xml", tmp.p, tmp.len);
	doc_zip_writer_add(zw, "_rels/.rels", root_rels, strlen(root_rels));
	buf_reset(&tmp);
	buf_addf(&tmp, doc_rels, w->pg.page_numbers ? footer_rels : "");
	doc_zip_writer_add(zw, "word/_rels/document.xml.rels", tmp.p, tmp.len);
	doc_zip_writer_add(zw, "word/document.xml", doc.p, doc.len);
	s = styles_xml(&w->pg);
	doc_zip_writer_add(zw, "word/styles.xml", s, strlen(s));
	free(s);
	buf_reset(&tmp);
	buf_addf(&tmp, settings, w->pg.page_numbers ? "<w:evenAndOddHeaders/>" : "");
	doc_zip_writer_add(zw, "word/settings.xml", tmp.p, tmp.len);
	doc_zip_writer_add(zw, "word/fontTable.xml", font_table, strlen(font_table));
	if (w->pg.page_numbers) {
		s = footer_xml(true);
		doc_zip_writer_add(zw, "word/footer1.xml", s, strlen(s));
		free(s);
		s = footer_xml(false);
		doc_zip_writer_add(zw, "word/footer2.xml", s, strlen(s));
		free(s);
	}
	rc = doc_zip_writer_save(zw, path, e);
	doc_zip_writer_free(zw);
	buf_free(&tmp);
	buf_free(&doc);
	return rc;
}
