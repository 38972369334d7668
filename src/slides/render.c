/*
 * slides/render: the .pptx package (spec/ooxml.md Part 2): presentation,
 * master, ten layouts, theme, notes master, slides with explicit font sizes,
 * notes slides, charts with embedded workbooks, images.
 *
 * Every run carries a:latin + a:ea + a:cs; every text body a:noAutofit and
 * exact line spacing, so what slides/plan measured is what viewers show.
 */
#include <limits.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "doc/zip.h"
#include "slides/plan.h"
#include "text/text.h"

#define NS_A	 "http://schemas.openxmlformats.org/drawingml/2006/main"
#define NS_R	 "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define NS_P	 "http://schemas.openxmlformats.org/presentationml/2006/main"
#define NS_C	 "http://schemas.openxmlformats.org/drawingml/2006/chart"
#define XML_DECL "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
#define ROOT_NS	 "xmlns:a=\"" NS_A "\" xmlns:r=\"" NS_R "\" xmlns:p=\"" NS_P "\""
#define CT_PML	 "application/vnd.openxmlformats-officedocument.presentationml."
#define REL_HEAD                                                                                   \
	XML_DECL "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/"          \
		 "relationships\">"

struct writer {
	const struct slides_template *t;
	const struct slides_render_opts *opts;
	struct doc_zip_writer *zw;
	struct buf ct;	 /* [Content_Types].xml overrides */
	struct buf x;	 /* current part */
	struct buf rels; /* current part's relationships */
	int next_id;	 /* p:cNvPr ids within a slide */
	int next_rid;
	size_t ncharts;
	size_t nimages;
	size_t nnotes;
	struct err *e;
};

static void add_part(struct writer *w, const char *name, struct buf *b)
{
	doc_zip_writer_add(w->zw, name, b->p, b->len);
	buf_reset(b);
}

static void override(struct writer *w, const char *part, const char *type)
{
	buf_addf(&w->ct, "<Override PartName=\"/%s\" ContentType=\"%s\"/>", part, type);
}

static int rel(struct writer *w, const char *type, const char *target)
{
	int id = w->next_rid++;

	buf_addf(&w->rels, "<Relationship Id=\"rId%d\" Type=\"%s\" Target=\"%s\"/>", id, type,
		 target);
	return id;
}

/* ---- text --------------------------------------------------------- */

/* Runs of one paragraph; "**" toggles bold (the only inline markup). */
static void runs(struct writer *w, const char *text, int sz, bool bold, const char *color,
		 bool major)
{
	struct buf *b = &w->x;
	const char *p = text;
	bool on = false;

	while (*p != '\0') {
		const char *q = strstr(p, "**");
		size_t n = q != NULL ? (size_t)(q - p) : strlen(p);

		if (n > 0) {
			char *seg = xstrndup(p, n);

			buf_adds(b, "<a:r>");
			sl_rpr(b, w->t, seg, sz * 100, bold || on, color, major);
			buf_adds(b, "<a:t>");
			sl_xesc(b, seg);
			buf_adds(b, "</a:t></a:r>");
			free(seg);
		}
		if (q == NULL)
			break;
		on = !on;
		p = q + 2;
	}
}

struct para_style {
	int sz;
	int level; /* -1: no bullet */
	bool bold;
	const char *color;
	const char *algn;
	bool major;
	double space_before; /* pt */
};

static void para(struct writer *w, const char *text, const struct para_style *ps)
{
	struct buf *b = &w->x;
	long mar = ps->level >= 0 ? (long)(sl_bullet_indent_pt(ps->level) * SL_EMU_PT) : 0;

	buf_addf(b, "<a:p><a:pPr marL=\"%ld\" indent=\"%ld\" algn=\"%s\">", mar,
		 ps->level >= 0 ? -(ps->level == 0 ? 342900L : 285750L) : 0L, ps->algn);
	buf_addf(b, "<a:lnSpc><a:spcPts val=\"%d\"/></a:lnSpc>", ps->sz * SL_LINE_PCT);
	buf_addf(b, "<a:spcBef><a:spcPts val=\"%d\"/></a:spcBef>", (int)(ps->space_before * 100));
	if (ps->level >= 0)
		buf_addf(b,
			 "<a:buClr><a:srgbClr val=\"%s\"/></a:buClr><a:buFont typeface=\"Arial\"/>"
			 "<a:buChar char=\"%s\"/>",
			 w->t->accent, ps->level == 0 ? "\xe2\x80\xa2" : "\xe2\x80\x93");
	else
		buf_adds(b, "<a:buNone/>");
	buf_adds(b, "</a:pPr>");
	runs(w, text, ps->sz, ps->bold, ps->color, ps->major);
	buf_addf(b, "<a:endParaRPr lang=\"zh-CN\" sz=\"%d\" dirty=\"0\"/></a:p>", ps->sz * 100);
}

/* Opens p:sp (placeholder when ph != NULL, else a text box) up to the
 * paragraphs. ph is the inside of <p:ph …/>. */
static void sp_open(struct writer *w, const char *name, const char *ph, const struct sl_box *bx,
		    const char *anchor)
{
	int id = w->next_id++;

	buf_addf(&w->x, "<p:sp><p:nvSpPr><p:cNvPr id=\"%d\" name=\"%s %d\"/>", id, name, id);
	if (ph != NULL)
		buf_addf(&w->x,
			 "<p:cNvSpPr><a:spLocks noGrp=\"1\"/></p:cNvSpPr><p:nvPr><p:ph %s/>"
			 "</p:nvPr></p:nvSpPr><p:spPr>",
			 ph);
	else
		buf_adds(&w->x, "<p:cNvSpPr txBox=\"1\"/><p:nvPr/></p:nvSpPr><p:spPr>");
	buf_addf(&w->x,
		 "<a:xfrm><a:off x=\"%ld\" y=\"%ld\"/><a:ext cx=\"%ld\" cy=\"%ld\"/></a:xfrm>"
		 "<a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom>",
		 bx->x, bx->y, bx->cx, bx->cy);
	if (ph == NULL)
		buf_adds(&w->x, "<a:noFill/>");
	buf_addf(&w->x,
		 "</p:spPr><p:txBody><a:bodyPr vert=\"horz\" wrap=\"square\" lIns=\"%ld\" "
		 "tIns=\"%ld\" rIns=\"%ld\" bIns=\"%ld\" rtlCol=\"0\" anchor=\"%s\">"
		 "<a:noAutofit/></a:bodyPr><a:lstStyle/>",
		 SL_INS_X, SL_INS_Y, SL_INS_X, SL_INS_Y, anchor);
}

static void sp_close(struct writer *w)
{
	buf_adds(&w->x, "</p:txBody></p:sp>");
}

static void text_box(struct writer *w, const char *name, const char *ph, const struct sl_box *bx,
		     const char *anchor, const char *text, const struct para_style *ps)
{
	sp_open(w, name, ph, bx, anchor);
	para(w, text, ps);
	sp_close(w);
}

static void shape(struct writer *w, const char *prst, long x, long y, long cx, long cy,
		  const char *fill)
{
	int id = w->next_id++;

	buf_addf(&w->x,
		 "<p:sp><p:nvSpPr><p:cNvPr id=\"%d\" name=\"Shape %d\"/><p:cNvSpPr/><p:nvPr/>"
		 "</p:nvSpPr><p:spPr><a:xfrm><a:off x=\"%ld\" y=\"%ld\"/><a:ext cx=\"%ld\" "
		 "cy=\"%ld\"/></a:xfrm><a:prstGeom prst=\"%s\"><a:avLst/></a:prstGeom>"
		 "<a:solidFill><a:srgbClr val=\"%s\"/></a:solidFill><a:ln><a:noFill/></a:ln>"
		 "</p:spPr><p:txBody><a:bodyPr/><a:lstStyle/><a:p><a:endParaRPr lang=\"zh-CN\"/>"
		 "</a:p></p:txBody></p:sp>",
		 id, id, x, y, cx, cy, prst, fill);
}

static void title_shape(struct writer *w, const struct sl_pslide *s, const struct sl_geom *g)
{
	struct para_style ps = {0};
	const char *ph = "type=\"title\"";

	ps.level = -1;
	ps.bold = true;
	ps.major = true;
	ps.algn = "l";
	ps.color = w->t->title_fg;
	if (s->layout == SLIDES_TITLE || s->layout == SLIDES_CLOSING) {
		ph = "type=\"ctrTitle\"";
		ps.algn = "ctr";
		ps.sz = sl_title_size(s->title, &g->title, 44, 14);
		ps.color = w->t->hero_fg;
	} else if (s->layout == SLIDES_SECTION) {
		ps.sz = sl_title_size(s->title, &g->title, 40, 14);
		ps.color = w->t->hero_fg;
	} else {
		ps.sz = sl_title_size(s->title, &g->title, 32, 14);
	}
	text_box(w, "Title", ph, &g->title, s->layout == SLIDES_SECTION ? "t" : "ctr", s->title,
		 &ps);
}

/* ---- layouts ---------------------------------------------------------- */

static void body_items(struct writer *w, const struct sl_pslide *s, int column,
		       const struct sl_box *bx, const char *ph)
{
	struct sl_item *it = xcalloc(s->nitems + 1, sizeof(*it));
	size_t n = 0;
	int sz;

	for (size_t i = 0; i < s->nitems; i++) {
		if (column < 0 || s->items[i].column == column)
			it[n++] = s->items[i];
	}
	sz = sl_items_size(it, n, bx, 24, 14);
	sp_open(w, "Content", ph, bx, "t");
	if (n == 0) {
		buf_adds(&w->x, "<a:p><a:endParaRPr lang=\"zh-CN\"/></a:p>");
	}
	for (size_t i = 0; i < n; i++) {
		struct para_style ps = {0};

		ps.sz = sl_item_size(&it[i], sz);
		ps.level = it[i].level;
		ps.algn = "l";
		ps.color = w->t->body_fg;
		ps.space_before = sl_item_space_before(&it[i], sz);
		if (it[i].level < 0) {
			ps.bold = true;
			ps.color = w->t->accent;
		}
		para(w, it[i].text, &ps);
	}
	sp_close(w);
	free(it);
}

static void hero_body(struct writer *w, const struct sl_pslide *s, const struct sl_geom *g)
{
	struct para_style ps = {0};
	struct sl_item *it = xcalloc(s->nitems + 1, sizeof(*it));
	int sz;

	for (size_t i = 0; i < s->nitems; i++)
		it[i] = (struct sl_item){s->items[i].text, -1, 0};
	if (s->layout == SLIDES_SECTION) {
		/* the section number, large, above the title */
		sz = sl_items_size(it, s->nitems, &g->body[0], 54, 20);
	} else {
		sz = sl_items_size(it, s->nitems, &g->body[0], 24, 12);
	}
	sp_open(w, "Subtitle",
		s->layout == SLIDES_SECTION ? "type=\"body\" idx=\"1\""
					    : "type=\"subTitle\" idx=\"1\"",
		&g->body[0], s->layout == SLIDES_SECTION ? "ctr" : "t");
	if (s->nitems == 0)
		buf_adds(&w->x, "<a:p><a:endParaRPr lang=\"zh-CN\"/></a:p>");
	for (size_t i = 0; i < s->nitems; i++) {
		ps.sz = sz;
		ps.level = -1;
		ps.algn = s->layout == SLIDES_SECTION ? "l" : "ctr";
		ps.color = w->t->hero_sub;
		ps.bold = s->layout == SLIDES_SECTION;
		ps.major = s->layout == SLIDES_SECTION;
		ps.space_before = sl_item_space_before(&it[i], sz);
		para(w, s->items[i].text, &ps);
	}
	sp_close(w);
	free(it);
}

static void agenda(struct writer *w, const struct sl_pslide *s, const struct sl_geom *g)
{
	struct sl_item *it = xcalloc(s->nitems + 1, sizeof(*it));
	struct buf lab;
	int sz;

	buf_init(&lab, 1 << 20);
	for (size_t i = 0; i < s->nitems; i++) {
		/* "01  一、主要成效" */
		buf_reset(&lab);
		buf_addf(&lab, "%02d  %s", s->first_number + (int)i + 1, s->items[i].text);
		it[i] = (struct sl_item){xstrdup(lab.p), -1, 0};
	}
	sz = sl_items_size(it, s->nitems, &g->body[0], 28, 14);
	sp_open(w, "Content", "idx=\"1\"", &g->body[0], "t");
	for (size_t i = 0; i < s->nitems; i++) {
		struct para_style ps = {sz, -1, false, w->t->body_fg, "l", false, sz * 0.45};

		para(w, it[i].text, &ps);
		free(it[i].text);
	}
	if (s->nitems == 0)
		buf_adds(&w->x, "<a:p><a:endParaRPr lang=\"zh-CN\"/></a:p>");
	sp_close(w);
	buf_free(&lab);
	free(it);
}

static void table(struct writer *w, const struct sl_pslide *s)
{
	const struct slides_table *t = s->table;
	long cw[SLIDES_MAX_COLS];
	long total = 0;
	int id = w->next_id++;
	size_t rows[SLIDES_MAX_ROWS + 1];
	size_t nrows = 0;

	sl_table_cols(t, cw);
	rows[nrows++] = 0;
	for (size_t r = s->r0; r < s->r1; r++)
		rows[nrows++] = r;
	for (size_t i = 0; i < nrows; i++)
		total += (long)(sl_table_row_h(t, rows[i], cw, s->size) * SL_EMU_PT);
	buf_addf(&w->x,
		 "<p:graphicFrame><p:nvGraphicFramePr><p:cNvPr id=\"%d\" name=\"Table %d\"/>"
		 "<p:cNvGraphicFramePr><a:graphicFrameLocks noGrp=\"1\"/></p:cNvGraphicFramePr>"
		 "<p:nvPr/></p:nvGraphicFramePr><p:xfrm><a:off x=\"%ld\" y=\"%ld\"/><a:ext "
		 "cx=\"%ld\" cy=\"%ld\"/></p:xfrm><a:graphic><a:graphicData "
		 "uri=\"http://schemas.openxmlformats.org/drawingml/2006/table\"><a:tbl><a:tblPr "
		 "firstRow=\"1\" bandRow=\"1\"/><a:tblGrid>",
		 id, id, SL_X0, SL_BODY_Y, SL_CW, total);
	for (size_t k = 0; k < t->ncols; k++)
		buf_addf(&w->x, "<a:gridCol w=\"%ld\"/>", cw[k]);
	buf_adds(&w->x, "</a:tblGrid>");
	for (size_t i = 0; i < nrows; i++) {
		size_t r = rows[i];
		const char *fill = i == 0 ? w->t->accent : (i % 2 == 0 ? w->t->clr[3] : "FFFFFF");

		buf_addf(&w->x, "<a:tr h=\"%ld\">",
			 (long)(sl_table_row_h(t, r, cw, s->size) * SL_EMU_PT));
		for (size_t k = 0; k < t->ncols; k++) {
			struct para_style ps = {s->size,
						-1,
						i == 0,
						i == 0 ? "FFFFFF" : w->t->body_fg,
						k == 0 ? "l" : "ctr",
						false,
						0};

			buf_adds(&w->x, "<a:tc><a:txBody><a:bodyPr/><a:lstStyle/>");
			para(w, t->cells[r * t->ncols + k], &ps);
			buf_addf(&w->x,
				 "</a:txBody><a:tcPr marL=\"%ld\" marR=\"%ld\" marT=\"%ld\" "
				 "marB=\"%ld\" anchor=\"ctr\"><a:lnB w=\"6350\"><a:solidFill>"
				 "<a:srgbClr val=\"D9D9D9\"/></a:solidFill></a:lnB><a:solidFill>"
				 "<a:srgbClr val=\"%s\"/></a:solidFill></a:tcPr></a:tc>",
				 SL_INS_X, SL_INS_X, SL_INS_Y, SL_INS_Y, fill);
		}
		buf_adds(&w->x, "</a:tr>");
	}
	buf_adds(&w->x, "</a:tbl></a:graphicData></a:graphic></p:graphicFrame>");
}

static int chart(struct writer *w, const struct sl_pslide *s)
{
	char name[64], target[64];
	struct buf cx, cr;
	char *xlsx = NULL;
	size_t xlen = 0;
	int rid, id = w->next_id++;

	w->ncharts++;
	if (slides_chart_xlsx(s->chart, s->c0, s->c1, s->s0, s->s1, &xlsx, &xlen, w->e) != 0)
		return w->e->code;
	snprintf(name, sizeof(name), "ppt/embeddings/Microsoft_Excel_Worksheet%zu.xlsx",
		 w->ncharts);
	doc_zip_writer_add(w->zw, name, xlsx, xlen);
	free(xlsx);
	buf_init(&cx, (size_t)64 << 20);
	buf_init(&cr, 1 << 16);
	slides_chart_xml(w->t, s->chart, s->c0, s->c1, s->s0, s->s1, &cx);
	snprintf(name, sizeof(name), "ppt/charts/chart%zu.xml", w->ncharts);
	doc_zip_writer_add(w->zw, name, cx.p, cx.len);
	override(w, name, "application/vnd.openxmlformats-officedocument.drawingml.chart+xml");
	buf_addf(&cr,
		 REL_HEAD "<Relationship Id=\"rId1\" Type=\"" NS_R "/package\" "
			  "Target=\"../embeddings/Microsoft_Excel_Worksheet%zu.xlsx\"/>"
			  "</Relationships>",
		 w->ncharts);
	snprintf(name, sizeof(name), "ppt/charts/_rels/chart%zu.xml.rels", w->ncharts);
	doc_zip_writer_add(w->zw, name, cr.p, cr.len);
	buf_free(&cx);
	buf_free(&cr);
	snprintf(target, sizeof(target), "../charts/chart%zu.xml", w->ncharts);
	rid = rel(w, NS_R "/chart", target);
	buf_addf(&w->x,
		 "<p:graphicFrame><p:nvGraphicFramePr><p:cNvPr id=\"%d\" name=\"Chart %d\"/>"
		 "<p:cNvGraphicFramePr/><p:nvPr/></p:nvGraphicFramePr><p:xfrm><a:off x=\"%ld\" "
		 "y=\"%ld\"/><a:ext cx=\"%ld\" cy=\"%ld\"/></p:xfrm><a:graphic><a:graphicData "
		 "uri=\"" NS_C "\"><c:chart xmlns:c=\"" NS_C "\" r:id=\"rId%d\"/></a:graphicData>"
		 "</a:graphic></p:graphicFrame>",
		 id, id, SL_X0, SL_BODY_Y, SL_CW, SL_BODY_H, rid);
	return 0;
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Pixel size from PNG IHDR or a JPEG SOFn marker. */
static const char *image_size(const unsigned char *d, size_t n, long *wpx, long *hpx)
{
	if (n >= 24 && memcmp(d, "\x89PNG\r\n\x1a\n", 8) == 0 && memcmp(d + 12, "IHDR", 4) == 0) {
		*wpx = (long)be32(d + 16);
		*hpx = (long)be32(d + 20);
		return *wpx > 0 && *hpx > 0 && *wpx < 100000 && *hpx < 100000 ? "png" : NULL;
	}
	if (n >= 4 && d[0] == 0xFF && d[1] == 0xD8) {
		size_t i = 2;

		while (i + 9 < n) {
			unsigned m;
			size_t seg;

			if (d[i] != 0xFF)
				return NULL;
			m = d[i + 1];
			if (m == 0xFF) {
				i++;
				continue;
			}
			seg = (size_t)d[i + 2] << 8 | d[i + 3];
			if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) {
				*hpx = (long)d[i + 5] << 8 | d[i + 6];
				*wpx = (long)d[i + 7] << 8 | d[i + 8];
				return *wpx > 0 && *hpx > 0 ? "jpeg" : NULL;
			}
			if (seg < 2)
				return NULL;
			i += 2 + seg;
		}
	}
	return NULL;
}

static bool safe_rel_path(const char *p)
{
	if (p[0] == '/' || p[0] == '\0' || strstr(p, "..") != NULL || strchr(p, '\\') != NULL ||
	    strstr(p, "://") != NULL)
		return false;
	return true;
}

static int picture(struct writer *w, const struct slides_slide *src, const struct sl_box *bx)
{
	char path[PATH_MAX], name[64], target[64];
	char *data = NULL;
	size_t len = 0;
	long wpx = 0, hpx = 0, cx, cy;
	const char *kind;
	int rid, id;
	struct err ie = {0};

	if (w->opts == NULL || w->opts->image_dir == NULL) {
		struct para_style ps = {18, -1, false, w->t->body_fg, "ctr", false, 0};
		char cap[600];

		snprintf(cap, sizeof(cap), "［图片：%s］",
			 src->image_alt[0] ? src->image_alt : src->image_path);
		text_box(w, "Image", NULL, bx, "ctr", cap, &ps);
		return 0;
	}
	if (!safe_rel_path(src->image_path))
		return err_set(w->e, BASE_E_UNSAFE,
			       "第 %zu 行所在页：图片路径“%.200s”必须是相对路径且不含“..”",
			       src->line, src->image_path);
	snprintf(path, sizeof(path), "%s/%s", w->opts->image_dir, src->image_path);
	if (base_read_file(path, SLIDES_MAX_IMAGE, &data, &len, &ie) != 0)
		return err_set(w->e, ie.code, "第 %zu 行所在页：图片无法读取：%s", src->line,
			       ie.msg);
	kind = image_size((const unsigned char *)data, len, &wpx, &hpx);
	if (kind == NULL) {
		free(data);
		return err_set(w->e, BASE_E_FORMAT,
			       "第 %zu 行所在页：图片“%.200s”不是可识别的 PNG/JPEG", src->line,
			       src->image_path);
	}
	w->nimages++;
	snprintf(name, sizeof(name), "ppt/media/image%zu.%s", w->nimages, kind);
	doc_zip_writer_add(w->zw, name, data, len);
	free(data);
	snprintf(target, sizeof(target), "../media/image%zu.%s", w->nimages, kind);
	rid = rel(w, NS_R "/image", target);
	/* contain: keep the aspect ratio inside the box */
	cx = bx->cx;
	cy = (long)((double)bx->cx * hpx / wpx);
	if (cy > bx->cy) {
		cy = bx->cy;
		cx = (long)((double)bx->cy * wpx / hpx);
	}
	id = w->next_id++;
	buf_addf(&w->x, "<p:pic><p:nvPicPr><p:cNvPr id=\"%d\" name=\"Picture %d\" descr=\"", id,
		 id);
	sl_xesc(&w->x, src->image_alt);
	buf_addf(&w->x,
		 "\"/><p:cNvPicPr><a:picLocks noChangeAspect=\"1\"/></p:cNvPicPr><p:nvPr/>"
		 "</p:nvPicPr><p:blipFill><a:blip r:embed=\"rId%d\"/><a:stretch><a:fillRect/>"
		 "</a:stretch></p:blipFill><p:spPr><a:xfrm><a:off x=\"%ld\" y=\"%ld\"/><a:ext "
		 "cx=\"%ld\" cy=\"%ld\"/></a:xfrm><a:prstGeom prst=\"rect\"><a:avLst/>"
		 "</a:prstGeom></p:spPr></p:pic>",
		 rid, bx->x + (bx->cx - cx) / 2, bx->y + (bx->cy - cy) / 2, cx, cy);
	return 0;
}

static void timeline(struct writer *w, const struct sl_pslide *s)
{
	size_t n = s->nitems;
	long slot = n > 0 ? SL_CW / (long)n : SL_CW;
	long axis_y = SL_BODY_Y + 1463040;
	int dsz = 24, lsz = 20;
	struct sl_box dbox, lbox;

	sl_timeline_boxes(n, &dbox, &lbox);

	/* one size for all dates and one for all labels, the largest that fits each */
	for (size_t i = 0; i < n; i++) {
		size_t sep = 0, dl = sl_date_prefix(s->items[i].text, &sep);
		char *d = xstrndup(s->items[i].text, dl);
		struct sl_item di = {d, -1, 0}, li = {s->items[i].text + sep, -1, 0};
		int a = sl_items_size(&di, 1, &dbox, 24, 12);
		int b = sl_items_size(&li, 1, &lbox, 20, 10);

		if (a < dsz)
			dsz = a;
		if (b < lsz)
			lsz = b;
		free(d);
	}
	shape(w, "rect", SL_X0, axis_y - 13716, SL_CW, 27432, w->t->accent2);
	for (size_t i = 0; i < n; i++) {
		size_t sep = 0, dl = sl_date_prefix(s->items[i].text, &sep);
		char *d = xstrndup(s->items[i].text, dl);
		long x = SL_X0 + (long)i * slot;
		struct para_style dps = {dsz, -1, true, w->t->accent, "ctr", true, 0};
		struct para_style lps = {lsz, -1, false, w->t->body_fg, "ctr", false, 0};

		shape(w, "ellipse", x + slot / 2 - 118872, axis_y - 118872, 237744, 237744,
		      w->t->accent);
		dbox.x = lbox.x = x + 45720;
		text_box(w, "Date", NULL, &dbox, "b", d, &dps);
		text_box(w, "Milestone", NULL, &lbox, "t", s->items[i].text + sep, &lps);
		free(d);
	}
}

/* ---- one slide -------------------------------------------------------- */

static int notes_slide(struct writer *w, size_t slide_no, const char *notes)
{
	char name[64], target[64];
	struct buf nb, nr;
	struct buf save = w->x;
	const char *q = notes;

	w->nnotes++;
	buf_init(&nb, (size_t)16 << 20);
	buf_init(&nr, 4096);
	w->x = nb;
	buf_adds(&w->x, XML_DECL "<p:notes " ROOT_NS "><p:cSld><p:spTree><p:nvGrpSpPr>"
				 "<p:cNvPr id=\"1\" name=\"\"/><p:cNvGrpSpPr/><p:nvPr/>"
				 "</p:nvGrpSpPr><p:grpSpPr><a:xfrm><a:off x=\"0\" y=\"0\"/>"
				 "<a:ext cx=\"0\" cy=\"0\"/><a:chOff x=\"0\" y=\"0\"/>"
				 "<a:chExt cx=\"0\" cy=\"0\"/></a:xfrm></p:grpSpPr>"
				 "<p:sp><p:nvSpPr><p:cNvPr id=\"2\" name=\"Slide Image 1\"/>"
				 "<p:cNvSpPr><a:spLocks noGrp=\"1\" noRot=\"1\" "
				 "noChangeAspect=\"1\"/></p:cNvSpPr><p:nvPr><p:ph type=\"sldImg\"/>"
				 "</p:nvPr></p:nvSpPr><p:spPr/></p:sp>"
				 "<p:sp><p:nvSpPr><p:cNvPr id=\"3\" name=\"Notes 2\"/><p:cNvSpPr>"
				 "<a:spLocks noGrp=\"1\"/></p:cNvSpPr><p:nvPr><p:ph type=\"body\" "
				 "idx=\"1\"/></p:nvPr></p:nvSpPr><p:spPr/><p:txBody><a:bodyPr/>"
				 "<a:lstStyle/>");
	while (*q != '\0') {
		const char *nl = strchr(q, '\n');
		size_t n = nl != NULL ? (size_t)(nl - q) : strlen(q);
		char *line = xstrndup(q, n);

		buf_adds(&w->x, "<a:p>");
		if (n > 0)
			runs(w, line, 12, false, NULL, false);
		buf_adds(&w->x, "</a:p>");
		free(line);
		q += n + (nl != NULL ? 1 : 0);
	}
	buf_adds(&w->x, "</p:txBody></p:sp></p:spTree></p:cSld><p:clrMapOvr><a:masterClrMapping/>"
			"</p:clrMapOvr></p:notes>");
	snprintf(name, sizeof(name), "ppt/notesSlides/notesSlide%zu.xml", w->nnotes);
	doc_zip_writer_add(w->zw, name, w->x.p, w->x.len);
	override(w, name, CT_PML "notesSlide+xml");
	buf_free(&w->x);
	w->x = save;
	buf_addf(&nr,
		 REL_HEAD "<Relationship Id=\"rId1\" Type=\"" NS_R "/notesMaster\" "
			  "Target=\"../notesMasters/notesMaster1.xml\"/><Relationship Id=\"rId2\" "
			  "Type=\"" NS_R "/slide\" Target=\"../slides/slide%zu.xml\"/>"
			  "</Relationships>",
		 slide_no);
	snprintf(name, sizeof(name), "ppt/notesSlides/_rels/notesSlide%zu.xml.rels", w->nnotes);
	doc_zip_writer_add(w->zw, name, nr.p, nr.len);
	buf_free(&nr);
	snprintf(target, sizeof(target), "../notesSlides/notesSlide%zu.xml", w->nnotes);
	rel(w, NS_R "/notesSlide", target);
	return 0;
}

static int write_slide(struct writer *w, const struct sl_pslide *s, size_t no)
{
	struct sl_geom g;
	char name[64];
	int rc = 0;

	slides_geom(s->layout, &g);
	buf_reset(&w->x);
	buf_reset(&w->rels);
	w->next_id = 2;
	w->next_rid = 1;
	buf_adds(&w->rels, REL_HEAD);
	snprintf(name, sizeof(name), "../slideLayouts/slideLayout%d.xml", s->layout);
	rel(w, NS_R "/slideLayout", name);
	buf_adds(&w->x, XML_DECL "<p:sld " ROOT_NS "><p:cSld><p:spTree><p:nvGrpSpPr><p:cNvPr "
				 "id=\"1\" name=\"\"/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr>"
				 "<p:grpSpPr><a:xfrm><a:off x=\"0\" y=\"0\"/><a:ext cx=\"0\" "
				 "cy=\"0\"/><a:chOff x=\"0\" y=\"0\"/><a:chExt cx=\"0\" cy=\"0\"/>"
				 "</a:xfrm></p:grpSpPr>");
	title_shape(w, s, &g);
	switch (s->layout) {
	case SLIDES_TITLE:
	case SLIDES_CLOSING:
	case SLIDES_SECTION:
		hero_body(w, s, &g);
		break;
	case SLIDES_AGENDA:
		agenda(w, s, &g);
		break;
	case SLIDES_TWO_COLUMN:
		body_items(w, s, 0, &g.body[0], "idx=\"1\"");
		body_items(w, s, 1, &g.body[1], "idx=\"2\"");
		break;
	case SLIDES_IMAGE_TEXT:
		rc = picture(w, s->src, &g.body[0]);
		if (s->nitems > 0)
			body_items(w, s, -1, &g.body[1], "idx=\"2\"");
		break;
	case SLIDES_TABLE:
		table(w, s);
		break;
	case SLIDES_CHART:
		rc = chart(w, s);
		break;
	case SLIDES_TIMELINE:
		timeline(w, s);
		break;
	default:
		body_items(w, s, -1, &g.body[0], "idx=\"1\"");
		break;
	}
	if (rc != 0)
		return rc;
	buf_adds(&w->x, "</p:spTree></p:cSld><p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr>"
			"</p:sld>");
	snprintf(name, sizeof(name), "ppt/slides/slide%zu.xml", no);
	add_part(w, name, &w->x);
	override(w, name, CT_PML "slide+xml");
	if (s->notes != NULL && s->notes[0] != '\0')
		notes_slide(w, no, s->notes);
	buf_adds(&w->rels, "</Relationships>");
	snprintf(name, sizeof(name), "ppt/slides/_rels/slide%zu.xml.rels", no);
	add_part(w, name, &w->rels);
	return 0;
}

/* ---- package ------------------------------------------------------------ */

static void fixed_parts(struct writer *w, const struct slides_outline *o, size_t nslides)
{
	struct buf *b = &w->x;
	char name[64];

	buf_reset(b);
	slides_tpl_theme(w->t, b);
	add_part(w, "ppt/theme/theme1.xml", b);
	slides_tpl_theme(w->t, b);
	add_part(w, "ppt/theme/theme2.xml", b);
	override(w, "ppt/theme/theme1.xml",
		 "application/vnd.openxmlformats-officedocument.theme+xml");
	override(w, "ppt/theme/theme2.xml",
		 "application/vnd.openxmlformats-officedocument.theme+xml");
	slides_tpl_master(w->t, b);
	add_part(w, "ppt/slideMasters/slideMaster1.xml", b);
	override(w, "ppt/slideMasters/slideMaster1.xml", CT_PML "slideMaster+xml");
	slides_tpl_master_rels(b);
	add_part(w, "ppt/slideMasters/_rels/slideMaster1.xml.rels", b);
	for (int i = 1; i < SLIDES_NLAYOUTS; i++) {
		slides_tpl_layout(w->t, i, b);
		snprintf(name, sizeof(name), "ppt/slideLayouts/slideLayout%d.xml", i);
		add_part(w, name, b);
		override(w, name, CT_PML "slideLayout+xml");
		buf_adds(b,
			 REL_HEAD "<Relationship Id=\"rId1\" Type=\"" NS_R "/slideMaster\" "
				  "Target=\"../slideMasters/slideMaster1.xml\"/></Relationships>");
		snprintf(name, sizeof(name), "ppt/slideLayouts/_rels/slideLayout%d.xml.rels", i);
		add_part(w, name, b);
	}
	slides_tpl_notes_master(w->t, b);
	add_part(w, "ppt/notesMasters/notesMaster1.xml", b);
	override(w, "ppt/notesMasters/notesMaster1.xml", CT_PML "notesMaster+xml");
	buf_adds(b, REL_HEAD "<Relationship Id=\"rId1\" Type=\"" NS_R "/theme\" "
			     "Target=\"../theme/theme2.xml\"/></Relationships>");
	add_part(w, "ppt/notesMasters/_rels/notesMaster1.xml.rels", b);

	buf_adds(b, XML_DECL "<p:presentationPr " ROOT_NS "/>");
	add_part(w, "ppt/presProps.xml", b);
	override(w, "ppt/presProps.xml", CT_PML "presProps+xml");
	buf_adds(b, XML_DECL "<p:viewPr " ROOT_NS "/>");
	add_part(w, "ppt/viewProps.xml", b);
	override(w, "ppt/viewProps.xml", CT_PML "viewProps+xml");
	buf_adds(b, XML_DECL "<a:tblStyleLst xmlns:a=\"" NS_A "\" "
			     "def=\"{5C22544A-7EE6-4342-B048-85BDC9FD1C3A}\"/>");
	add_part(w, "ppt/tableStyles.xml", b);
	override(w, "ppt/tableStyles.xml", CT_PML "tableStyles+xml");

	/* presentation.xml: child order of CT_Presentation (§2.2) */
	buf_adds(b, XML_DECL "<p:presentation " ROOT_NS " saveSubsetFonts=\"1\"><p:sldMasterIdLst>"
			     "<p:sldMasterId id=\"2147483648\" r:id=\"rId1\"/></p:sldMasterIdLst>"
			     "<p:notesMasterIdLst><p:notesMasterId r:id=\"rId2\"/>"
			     "</p:notesMasterIdLst><p:sldIdLst>");
	for (size_t i = 0; i < nslides; i++)
		buf_addf(b, "<p:sldId id=\"%zu\" r:id=\"rId%zu\"/>", 256 + i, 10 + i);
	buf_adds(b, "</p:sldIdLst><p:sldSz cx=\"12192000\" cy=\"6858000\"/><p:notesSz "
		    "cx=\"6858000\" cy=\"9144000\"/><p:defaultTextStyle>");
	for (int l = 1; l <= 9; l++)
		buf_addf(
		    b,
		    "<a:lvl%dpPr marL=\"%d\" algn=\"l\" defTabSz=\"914400\" eaLnBrk=\"1\" "
		    "latinLnBrk=\"0\" hangingPunct=\"1\"><a:defRPr sz=\"1800\" kern=\"1200\">"
		    "<a:solidFill><a:schemeClr val=\"tx1\"/></a:solidFill><a:latin "
		    "typeface=\"+mn-lt\"/><a:ea typeface=\"+mn-ea\"/><a:cs typeface=\"+mn-cs\"/>"
		    "</a:defRPr></a:lvl%dpPr>",
		    l, (l - 1) * 457200, l);
	buf_adds(b, "</p:defaultTextStyle></p:presentation>");
	add_part(w, "ppt/presentation.xml", b);
	override(w, "ppt/presentation.xml", CT_PML "presentation.main+xml");
	buf_adds(b, REL_HEAD "<Relationship Id=\"rId1\" Type=\"" NS_R "/slideMaster\" "
			     "Target=\"slideMasters/slideMaster1.xml\"/><Relationship Id=\"rId2\" "
			     "Type=\"" NS_R "/notesMaster\" "
			     "Target=\"notesMasters/notesMaster1.xml\"/><Relationship Id=\"rId3\" "
			     "Type=\"" NS_R "/theme\" Target=\"theme/theme1.xml\"/><Relationship "
			     "Id=\"rId4\" Type=\"" NS_R "/presProps\" Target=\"presProps.xml\"/>"
			     "<Relationship Id=\"rId5\" Type=\"" NS_R "/viewProps\" "
			     "Target=\"viewProps.xml\"/><Relationship Id=\"rId6\" Type=\"" NS_R
			     "/tableStyles\" Target=\"tableStyles.xml\"/>");
	for (size_t i = 0; i < nslides; i++)
		buf_addf(b,
			 "<Relationship Id=\"rId%zu\" Type=\"" NS_R "/slide\" "
			 "Target=\"slides/slide%zu.xml\"/>",
			 10 + i, i + 1);
	buf_adds(b, "</Relationships>");
	add_part(w, "ppt/_rels/presentation.xml.rels", b);

	buf_adds(b, XML_DECL "<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/"
			     "package/2006/metadata/core-properties\" "
			     "xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title>");
	sl_xesc(b, o->title != NULL ? o->title : (nslides > 0 ? "" : ""));
	buf_adds(b, "</dc:title><dc:creator>");
	sl_xesc(b, o->author != NULL ? o->author : "数智");
	buf_adds(b, "</dc:creator></cp:coreProperties>");
	add_part(w, "docProps/core.xml", b);
	override(w, "docProps/core.xml",
		 "application/vnd.openxmlformats-package.core-properties+xml");
	buf_addf(b,
		 XML_DECL "<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/"
			  "2006/extended-properties\"><Application>Shuzhi</Application>"
			  "<Slides>%zu</Slides></Properties>",
		 nslides);
	add_part(w, "docProps/app.xml", b);
	override(w, "docProps/app.xml",
		 "application/vnd.openxmlformats-officedocument.extended-properties+xml");
	buf_adds(b, REL_HEAD "<Relationship Id=\"rId1\" Type=\"" NS_R "/officeDocument\" "
			     "Target=\"ppt/presentation.xml\"/><Relationship Id=\"rId2\" "
			     "Type=\"http://schemas.openxmlformats.org/package/2006/relationships/"
			     "metadata/core-properties\" Target=\"docProps/core.xml\"/>"
			     "<Relationship Id=\"rId3\" Type=\"" NS_R "/extended-properties\" "
			     "Target=\"docProps/app.xml\"/></Relationships>");
	add_part(w, "_rels/.rels", b);
}

int slides_render(const struct slides_outline *o, const struct slides_template *t,
		  const struct slides_render_opts *opts, char **pptx, size_t *len, struct err *e)
{
	struct writer w = {0};
	struct sl_plan plan;
	struct buf ct;
	int rc = 0;

	*pptx = NULL;
	*len = 0;
	if (t == NULL)
		t = slides_template_find(NULL);
	sl_plan_build(o, &plan);
	w.t = t;
	w.opts = opts;
	w.e = e;
	w.zw = doc_zip_writer_new();
	buf_init(&w.ct, (size_t)16 << 20);
	buf_init(&w.x, (size_t)64 << 20);
	buf_init(&w.rels, (size_t)1 << 20);
	/* [Content_Types].xml goes first by convention; its content is set last */
	doc_zip_writer_add(w.zw, "[Content_Types].xml", "", 0);
	for (size_t i = 0; i < plan.n && rc == 0; i++)
		rc = write_slide(&w, &plan.slides[i], i + 1);
	if (rc == 0) {
		fixed_parts(&w, o, plan.n);
		buf_init(&ct, (size_t)16 << 20);
		buf_adds(&ct,
			 XML_DECL "<Types xmlns=\"http://schemas.openxmlformats.org/package/"
				  "2006/content-types\"><Default Extension=\"rels\" "
				  "ContentType=\"application/vnd.openxmlformats-package."
				  "relationships+xml\"/><Default Extension=\"xml\" "
				  "ContentType=\"application/xml\"/><Default Extension=\"png\" "
				  "ContentType=\"image/png\"/><Default Extension=\"jpeg\" "
				  "ContentType=\"image/jpeg\"/><Default Extension=\"xlsx\" "
				  "ContentType=\"application/vnd.openxmlformats-"
				  "officedocument.spreadsheetml.sheet\"/>");
		buf_add(&ct, w.ct.p, w.ct.len);
		buf_adds(&ct, "</Types>");
		doc_zip_writer_add(w.zw, "[Content_Types].xml", ct.p, ct.len);
		buf_free(&ct);
		rc = doc_zip_writer_bytes(w.zw, pptx, len, e);
	}
	if (rc == 0 && opts != NULL && opts->nslides_out != NULL)
		*opts->nslides_out = plan.n;
	buf_free(&w.ct);
	buf_free(&w.x);
	buf_free(&w.rels);
	doc_zip_writer_free(w.zw);
	sl_plan_free(&plan);
	return rc;
}
