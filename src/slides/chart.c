/*
 * slides/chart: native c:chart parts with their caches (what PowerPoint
 * draws) and the embedded workbook holding the same numbers (what "Edit
 * Data" opens), spec/ooxml.md §2.7. Colours are always 6-hex srgbClr.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "doc/xlsx_write.h"
#include "slides/slides_internal.h"

#define NS_C	 "http://schemas.openxmlformats.org/drawingml/2006/chart"
#define NS_A	 "http://schemas.openxmlformats.org/drawingml/2006/main"
#define NS_R	 "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define XML_DECL "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"

static char col_letter(size_t i)
{
	return (char)('A' + (i % 26));
}

static void num(struct buf *b, double v)
{
	if (v == floor(v) && fabs(v) < 1e15)
		buf_addf(b, "%.0f", v);
	else
		buf_addf(b, "%.10g", v);
}

static const char *series_color(const struct slides_template *t, size_t i)
{
	return t->clr[4 + (i % 6)];
}

static void str_cache(struct buf *b, const char *ref, char *const *items, size_t n)
{
	buf_addf(b, "<c:strRef><c:f>%s</c:f><c:strCache><c:ptCount val=\"%zu\"/>", ref, n);
	for (size_t i = 0; i < n; i++) {
		buf_addf(b, "<c:pt idx=\"%zu\"><c:v>", i);
		sl_xesc(b, items[i]);
		buf_adds(b, "</c:v></c:pt>");
	}
	buf_adds(b, "</c:strCache></c:strRef>");
}

static void ser(struct buf *b, const struct slides_template *t, const struct slides_chart *c,
		size_t c0, size_t c1, size_t j, size_t k)
{
	char ref[64];
	char col = col_letter(k + 1);
	size_t n = c1 - c0;

	buf_addf(b, "<c:ser><c:idx val=\"%zu\"/><c:order val=\"%zu\"/><c:tx>", k, k);
	snprintf(ref, sizeof(ref), "Sheet1!$%c$1", col);
	str_cache(b, ref, &c->series[j], 1);
	buf_adds(b, "</c:tx>");
	if (c->kind == SLIDES_CHART_LINE)
		buf_addf(b,
			 "<c:spPr><a:ln w=\"31750\"><a:solidFill><a:srgbClr val=\"%s\"/>"
			 "</a:solidFill></a:ln></c:spPr><c:marker><c:symbol val=\"circle\"/>"
			 "<c:size val=\"7\"/></c:marker>",
			 series_color(t, k));
	else if (c->kind == SLIDES_CHART_BAR)
		buf_addf(b,
			 "<c:spPr><a:solidFill><a:srgbClr val=\"%s\"/></a:solidFill></c:spPr>"
			 "<c:invertIfNegative val=\"0\"/>",
			 series_color(t, k));
	if (c->kind == SLIDES_CHART_PIE) {
		for (size_t i = 0; i < n; i++)
			buf_addf(b,
				 "<c:dPt><c:idx val=\"%zu\"/><c:bubble3D val=\"0\"/><c:spPr>"
				 "<a:solidFill><a:srgbClr val=\"%s\"/></a:solidFill></c:spPr>"
				 "</c:dPt>",
				 i, series_color(t, i));
		buf_adds(b, "<c:dLbls><c:numFmt formatCode=\"0.0%\" sourceLinked=\"0\"/>"
			    "<c:spPr><a:noFill/><a:ln><a:noFill/></a:ln></c:spPr>"
			    "<c:showLegendKey val=\"0\"/><c:showVal val=\"0\"/>"
			    "<c:showCatName val=\"0\"/><c:showSerName val=\"0\"/>"
			    "<c:showPercent val=\"1\"/><c:showBubbleSize val=\"0\"/>"
			    "<c:showLeaderLines val=\"1\"/></c:dLbls>");
	}
	buf_adds(b, "<c:cat>");
	snprintf(ref, sizeof(ref), "Sheet1!$A$2:$A$%zu", n + 1);
	str_cache(b, ref, &c->cats[c0], n);
	buf_addf(b,
		 "</c:cat><c:val><c:numRef><c:f>Sheet1!$%c$2:$%c$%zu</c:f><c:numCache>"
		 "<c:formatCode>General</c:formatCode><c:ptCount val=\"%zu\"/>",
		 col, col, n + 1, n);
	for (size_t i = 0; i < n; i++) {
		buf_addf(b, "<c:pt idx=\"%zu\"><c:v>", i);
		num(b, c->values[j * c->ncats + c0 + i]);
		buf_adds(b, "</c:v></c:pt>");
	}
	buf_adds(b, "</c:numCache></c:numRef></c:val>");
	if (c->kind == SLIDES_CHART_LINE)
		buf_adds(b, "<c:smooth val=\"0\"/>");
	buf_adds(b, "</c:ser>");
}

static void axes(struct buf *b, const struct slides_template *t)
{
	buf_addf(b,
		 "<c:catAx><c:axId val=\"500000001\"/><c:scaling><c:orientation val=\"minMax\"/>"
		 "</c:scaling><c:delete val=\"0\"/><c:axPos val=\"b\"/><c:numFmt "
		 "formatCode=\"General\" sourceLinked=\"0\"/><c:majorTickMark val=\"none\"/>"
		 "<c:minorTickMark val=\"none\"/><c:tickLblPos val=\"nextTo\"/><c:spPr><a:ln "
		 "w=\"9525\"><a:solidFill><a:srgbClr val=\"BFBFBF\"/></a:solidFill></a:ln>"
		 "</c:spPr><c:crossAx val=\"500000002\"/><c:crosses val=\"autoZero\"/>"
		 "<c:auto val=\"1\"/><c:lblAlgn val=\"ctr\"/><c:lblOffset val=\"100\"/>"
		 "<c:noMultiLvlLbl val=\"0\"/></c:catAx>"
		 "<c:valAx><c:axId val=\"500000002\"/><c:scaling><c:orientation val=\"minMax\"/>"
		 "</c:scaling><c:delete val=\"0\"/><c:axPos val=\"l\"/><c:majorGridlines><c:spPr>"
		 "<a:ln w=\"6350\"><a:solidFill><a:srgbClr val=\"E5E5E5\"/></a:solidFill></a:ln>"
		 "</c:spPr></c:majorGridlines><c:numFmt formatCode=\"General\" "
		 "sourceLinked=\"1\"/><c:majorTickMark val=\"none\"/><c:minorTickMark "
		 "val=\"none\"/><c:tickLblPos val=\"nextTo\"/><c:spPr><a:ln><a:noFill/></a:ln>"
		 "</c:spPr><c:txPr><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr sz=\"1200\">"
		 "<a:solidFill><a:srgbClr val=\"%s\"/></a:solidFill></a:defRPr></a:pPr>"
		 "<a:endParaRPr lang=\"zh-CN\"/></a:p></c:txPr><c:crossAx val=\"500000001\"/>"
		 "<c:crosses val=\"autoZero\"/><c:crossBetween val=\"between\"/></c:valAx>",
		 t->body_fg);
}

void slides_chart_xml(const struct slides_template *t, const struct slides_chart *c, size_t c0,
		      size_t c1, size_t s0, size_t s1, struct buf *b)
{
	buf_adds(b, XML_DECL "<c:chartSpace xmlns:c=\"" NS_C "\" xmlns:a=\"" NS_A
			     "\" xmlns:r=\"" NS_R "\"><c:date1904 val=\"0\"/>"
			     "<c:roundedCorners val=\"0\"/><c:chart><c:autoTitleDeleted val=\"1\"/>"
			     "<c:plotArea><c:layout/>");
	if (c->kind == SLIDES_CHART_BAR)
		buf_adds(b, "<c:barChart><c:barDir val=\"col\"/><c:grouping val=\"clustered\"/>"
			    "<c:varyColors val=\"0\"/>");
	else if (c->kind == SLIDES_CHART_LINE)
		buf_adds(b, "<c:lineChart><c:grouping val=\"standard\"/><c:varyColors val=\"0\"/>");
	else
		buf_adds(b, "<c:pieChart><c:varyColors val=\"1\"/>");
	for (size_t j = s0; j < s1; j++)
		ser(b, t, c, c0, c1, j, j - s0);
	if (c->kind == SLIDES_CHART_BAR)
		buf_adds(b, "<c:gapWidth val=\"80\"/><c:axId val=\"500000001\"/>"
			    "<c:axId val=\"500000002\"/></c:barChart>");
	else if (c->kind == SLIDES_CHART_LINE)
		buf_adds(b, "<c:marker val=\"1\"/><c:axId val=\"500000001\"/>"
			    "<c:axId val=\"500000002\"/></c:lineChart>");
	else
		buf_adds(b, "<c:firstSliceAng val=\"0\"/></c:pieChart>");
	if (c->kind != SLIDES_CHART_PIE)
		axes(b, t);
	buf_addf(b,
		 "</c:plotArea><c:legend><c:legendPos val=\"b\"/><c:overlay val=\"0\"/>"
		 "</c:legend><c:plotVisOnly val=\"1\"/><c:dispBlanksAs val=\"gap\"/></c:chart>"
		 "<c:txPr><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr sz=\"1400\">"
		 "<a:solidFill><a:srgbClr val=\"%s\"/></a:solidFill><a:latin typeface=\"%s\"/>"
		 "<a:ea typeface=\"%s\"/><a:cs typeface=\"%s\"/></a:defRPr></a:pPr>"
		 "<a:endParaRPr lang=\"zh-CN\"/></a:p></c:txPr><c:externalData r:id=\"rId1\">"
		 "<c:autoUpdate val=\"0\"/></c:externalData></c:chartSpace>",
		 t->body_fg, t->minor_latin, t->minor_ea, t->minor_latin);
}

/* The embedded workbook (doc/xlsx_write): categories in column A, one
 * column per series. */
int slides_chart_xlsx(const struct slides_chart *c, size_t c0, size_t c1, size_t s0, size_t s1,
		      char **data, size_t *len, struct err *e)
{
	struct doc_xlsx *x = doc_xlsx_new("Sheet1");
	int rc;

	doc_xlsx_row(x);
	doc_xlsx_str(x, c->cat_label != NULL ? c->cat_label : "");
	for (size_t j = s0; j < s1; j++)
		doc_xlsx_str(x, c->series[j]);
	for (size_t i = c0; i < c1; i++) {
		doc_xlsx_row(x);
		doc_xlsx_str(x, c->cats[i]);
		for (size_t j = s0; j < s1; j++)
			doc_xlsx_num(x, c->values[j * c->ncats + i]);
	}
	rc = doc_xlsx_bytes(x, data, len, e);
	doc_xlsx_free(x);
	return rc;
}
