/*
 * slides/template: the built-in templates (政务红, 科技蓝, 简约) as theme,
 * slide master and the ten named layouts (spec/ooxml.md §1.6, §2.3, §2.5).
 * Layouts are identified by p:cSld/@name (= slides_layout_name()).
 */
#include <stdio.h>
#include <string.h>

#include "slides/slides_internal.h"
#include "text/text.h"

static const struct slides_template templates[] = {
    {"zhengwu",
     "政务红",
     {"1A1A1A", "FFFFFF", "7A0C0C", "F5EFE6", "C00000", "D4A017", "8C1C13", "E07B39", "5B5B5B",
      "A67C52", "0563C1", "954F72"},
     "Arial",
     "Microsoft YaHei",
     "Arial",
     "Microsoft YaHei",
     0,
     "B71C1C",
     "FFFFFF",
     "F6E3B4",
     "9E1B1B",
     "262626",
     "C00000",
     "D4A017"},
    {"keji",
     "科技蓝",
     {"10223A", "FFFFFF", "0B1F3A", "EAF2FB", "1F6FEB", "00B3C6", "4C8DF6", "7B61FF", "2EC4B6",
      "F4A261", "0563C1", "954F72"},
     "Arial",
     "Microsoft YaHei",
     "Arial",
     "Microsoft YaHei",
     1,
     "0B1F3A",
     "FFFFFF",
     "9CC3FF",
     "0B3D91",
     "1E293B",
     "1F6FEB",
     "00B3C6"},
    {"jianyue",
     "简约",
     {"222222", "FFFFFF", "333333", "F2F2F2", "404040", "2F80ED", "8C8C8C", "BFBFBF", "27AE60",
      "EB5757", "2F80ED", "8C8C8C"},
     "Arial",
     "Microsoft YaHei",
     "Arial",
     "Microsoft YaHei",
     2,
     NULL,
     "222222",
     "666666",
     "222222",
     "333333",
     "2F80ED",
     "8C8C8C"},
};

const struct slides_template *slides_template_find(const char *name)
{
	if (name == NULL || *name == '\0')
		return &templates[0];
	for (size_t i = 0; i < ARRAY_LEN(templates); i++) {
		if (strcmp(name, templates[i].id) == 0 || strcmp(name, templates[i].label) == 0)
			return &templates[i];
	}
	return NULL;
}

size_t slides_template_count(void)
{
	return ARRAY_LEN(templates);
}

const struct slides_template *slides_template_at(size_t i)
{
	return i < ARRAY_LEN(templates) ? &templates[i] : NULL;
}

const char *slides_template_id(const struct slides_template *t)
{
	return t->id;
}

const char *slides_template_label(const struct slides_template *t)
{
	return t->label;
}

/* ------------------------------------------------------------------ */

#define NS_A	 "http://schemas.openxmlformats.org/drawingml/2006/main"
#define NS_R	 "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define NS_P	 "http://schemas.openxmlformats.org/presentationml/2006/main"
#define XML_DECL "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
#define ROOT_NS	 "xmlns:a=\"" NS_A "\" xmlns:r=\"" NS_R "\" xmlns:p=\"" NS_P "\""

void sl_xesc(struct buf *b, const char *s)
{
	const char *run = s;

	for (; *s != '\0'; s++) {
		const char *rep = NULL;

		if (*s == '&')
			rep = "&amp;";
		else if (*s == '<')
			rep = "&lt;";
		else if (*s == '>')
			rep = "&gt;";
		else if (*s == '"')
			rep = "&quot;";
		if (rep == NULL)
			continue;
		buf_add(b, run, (size_t)(s - run));
		buf_adds(b, rep);
		run = s + 1;
	}
	buf_adds(b, run);
}

static bool has_han(const char *s)
{
	size_t i = 0, n = strlen(s);

	while (i < n) {
		uint32_t c;
		size_t k = text_utf8_decode(s + i, n - i, &c);

		if (k == 0)
			break;
		if (text_is_cjk(c) || (c >= 0xFF00 && c <= 0xFFEF))
			return true;
		i += k;
	}
	return false;
}

void sl_rpr(struct buf *b, const struct slides_template *t, const char *text, int sz100, bool bold,
	    const char *color, bool major)
{
	bool zh = has_han(text);

	/* spec/ooxml.md §2.5: lang from the script present; a:latin and a:ea
	 * (and a:cs) on every run, never one font copied into all slots. */
	buf_addf(b, "<a:rPr lang=\"%s\" altLang=\"%s\" sz=\"%d\"%s dirty=\"0\">",
		 zh ? "zh-CN" : "en-US", zh ? "en-US" : "zh-CN", sz100, bold ? " b=\"1\"" : "");
	if (color != NULL)
		buf_addf(b, "<a:solidFill><a:srgbClr val=\"%s\"/></a:solidFill>", color);
	buf_addf(b,
		 "<a:latin typeface=\"%s\"/><a:ea typeface=\"%s\"/><a:cs typeface=\"%s\"/>"
		 "</a:rPr>",
		 major ? t->major_latin : t->minor_latin, major ? t->major_ea : t->minor_ea,
		 major ? t->major_latin : t->minor_latin);
}

void slides_geom(int layout, struct sl_geom *g)
{
	memset(g, 0, sizeof(*g));
	g->title = (struct sl_box){SL_X0, SL_TITLE_Y, SL_CW, SL_TITLE_H};
	g->body[0] = (struct sl_box){SL_X0, SL_BODY_Y, SL_CW, SL_BODY_H};
	g->nbody = 1;
	switch (layout) {
	case SLIDES_TITLE:
	case SLIDES_CLOSING:
		g->centered = true;
		g->title = (struct sl_box){914400, 1828800, SL_W - 2 * 914400, 1737360};
		g->body[0] = (struct sl_box){914400, 3749040, SL_W - 2 * 914400, 1463040};
		break;
	case SLIDES_SECTION:
		g->title = (struct sl_box){1371600, 2743200, SL_W - 1371600 - 914400, 1371600};
		g->body[0] = (struct sl_box){1371600, 1554480, SL_W - 1371600 - 914400, 1097280};
		break;
	case SLIDES_TWO_COLUMN: {
		long cw = (SL_CW - 365760) / 2;

		g->body[0] = (struct sl_box){SL_X0, SL_BODY_Y, cw, SL_BODY_H};
		g->body[1] = (struct sl_box){SL_X0 + cw + 365760, SL_BODY_Y, cw, SL_BODY_H};
		g->nbody = 2;
		break;
	}
	case SLIDES_IMAGE_TEXT: {
		long cw = (SL_CW - 365760) / 2;

		g->body[0] = (struct sl_box){SL_X0, SL_BODY_Y, cw, SL_BODY_H};
		g->body[1] = (struct sl_box){SL_X0 + cw + 365760, SL_BODY_Y, cw, SL_BODY_H};
		g->nbody = 2;
		break;
	}
	case SLIDES_TABLE:
	case SLIDES_CHART:
	case SLIDES_TIMELINE:
		g->nbody = 0;
		break;
	default:
		break;
	}
}

/* ------------------------------------------------------------------ */

void slides_tpl_theme(const struct slides_template *t, struct buf *b)
{
	static const char *const slots[12] = {"dk1",	 "lt1",	    "dk2",     "lt2",
					      "accent1", "accent2", "accent3", "accent4",
					      "accent5", "accent6", "hlink",   "folHlink"};

	buf_adds(b, XML_DECL "<a:theme xmlns:a=\"" NS_A "\" name=\"");
	sl_xesc(b, t->label);
	buf_adds(b, "\"><a:themeElements><a:clrScheme name=\"");
	sl_xesc(b, t->label);
	buf_adds(b, "\">");
	for (int i = 0; i < 12; i++)
		buf_addf(b, "<a:%s><a:srgbClr val=\"%s\"/></a:%s>", slots[i], t->clr[i], slots[i]);
	buf_adds(b, "</a:clrScheme><a:fontScheme name=\"");
	sl_xesc(b, t->label);
	buf_addf(b,
		 "\"><a:majorFont><a:latin typeface=\"%s\"/><a:ea typeface=\"%s\"/>"
		 "<a:cs typeface=\"%s\"/><a:font script=\"Hans\" typeface=\"微软雅黑\"/>"
		 "</a:majorFont><a:minorFont><a:latin typeface=\"%s\"/><a:ea typeface=\"%s\"/>"
		 "<a:cs typeface=\"%s\"/><a:font script=\"Hans\" typeface=\"微软雅黑\"/>"
		 "</a:minorFont></a:fontScheme>",
		 t->major_latin, t->major_ea, t->major_latin, t->minor_latin, t->minor_ea,
		 t->minor_latin);
	buf_adds(b, "<a:fmtScheme name=\"shuzhi\"><a:fillStyleLst>");
	for (int i = 0; i < 3; i++)
		buf_adds(b, "<a:solidFill><a:schemeClr val=\"phClr\"/></a:solidFill>");
	buf_adds(b, "</a:fillStyleLst><a:lnStyleLst>");
	for (int i = 0; i < 3; i++)
		buf_addf(b,
			 "<a:ln w=\"%d\"><a:solidFill><a:schemeClr val=\"phClr\"/></a:solidFill>"
			 "</a:ln>",
			 9525 * (i + 1));
	buf_adds(b, "</a:lnStyleLst><a:effectStyleLst>");
	for (int i = 0; i < 3; i++)
		buf_adds(b, "<a:effectStyle><a:effectLst/></a:effectStyle>");
	buf_adds(b, "</a:effectStyleLst><a:bgFillStyleLst>");
	for (int i = 0; i < 3; i++)
		buf_adds(b, "<a:solidFill><a:schemeClr val=\"phClr\"/></a:solidFill>");
	buf_adds(b, "</a:bgFillStyleLst></a:fmtScheme></a:themeElements><a:objectDefaults/>"
		    "<a:extraClrSchemeLst/></a:theme>");
}

static void grp_start(struct buf *b)
{
	buf_adds(b, "<p:spTree><p:nvGrpSpPr><p:cNvPr id=\"1\" name=\"\"/><p:cNvGrpSpPr/><p:nvPr/>"
		    "</p:nvGrpSpPr><p:grpSpPr><a:xfrm><a:off x=\"0\" y=\"0\"/>"
		    "<a:ext cx=\"0\" cy=\"0\"/><a:chOff x=\"0\" y=\"0\"/>"
		    "<a:chExt cx=\"0\" cy=\"0\"/></a:xfrm></p:grpSpPr>");
}

static void rect(struct buf *b, int id, const char *name, long x, long y, long cx, long cy,
		 const char *fill)
{
	buf_addf(b,
		 "<p:sp><p:nvSpPr><p:cNvPr id=\"%d\" name=\"%s\"/><p:cNvSpPr/><p:nvPr "
		 "userDrawn=\"1\"/></p:nvSpPr><p:spPr><a:xfrm><a:off x=\"%ld\" y=\"%ld\"/>"
		 "<a:ext cx=\"%ld\" cy=\"%ld\"/></a:xfrm><a:prstGeom prst=\"rect\"><a:avLst/>"
		 "</a:prstGeom><a:solidFill><a:srgbClr val=\"%s\"/></a:solidFill><a:ln><a:noFill/>"
		 "</a:ln></p:spPr><p:txBody><a:bodyPr/><a:lstStyle/><a:p><a:endParaRPr "
		 "lang=\"zh-CN\"/></a:p></p:txBody></p:sp>",
		 id, name, x, y, cx, cy, fill);
}

/* A placeholder with full geometry and an empty paragraph. */
static void placeholder(struct buf *b, int id, const char *name, const char *type, int idx,
			const struct sl_box *x, const char *anchor)
{
	buf_addf(b,
		 "<p:sp><p:nvSpPr><p:cNvPr id=\"%d\" name=\"%s\"/><p:cNvSpPr><a:spLocks "
		 "noGrp=\"1\"/></p:cNvSpPr><p:nvPr><p:ph",
		 id, name);
	if (type != NULL)
		buf_addf(b, " type=\"%s\"", type);
	if (idx > 0)
		buf_addf(b, " idx=\"%d\"", idx);
	buf_addf(b,
		 "/></p:nvPr></p:nvSpPr><p:spPr><a:xfrm><a:off x=\"%ld\" y=\"%ld\"/><a:ext "
		 "cx=\"%ld\" cy=\"%ld\"/></a:xfrm><a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom>"
		 "</p:spPr><p:txBody><a:bodyPr wrap=\"square\" lIns=\"%ld\" tIns=\"%ld\" "
		 "rIns=\"%ld\" bIns=\"%ld\" anchor=\"%s\"><a:noAutofit/></a:bodyPr><a:lstStyle/>"
		 "<a:p><a:endParaRPr lang=\"zh-CN\"/></a:p></p:txBody></p:sp>",
		 x->x, x->y, x->cx, x->cy, SL_INS_X, SL_INS_Y, SL_INS_X, SL_INS_Y, anchor);
}

static void def_rpr(struct buf *b, int sz, bool bold, const char *clr, bool major)
{
	const char *f = major ? "mj" : "mn";

	buf_addf(b,
		 "<a:defRPr sz=\"%d\"%s kern=\"1200\"><a:solidFill><a:schemeClr val=\"%s\"/>"
		 "</a:solidFill><a:latin typeface=\"+%s-lt\"/><a:ea typeface=\"+%s-ea\"/>"
		 "<a:cs typeface=\"+%s-cs\"/></a:defRPr>",
		 sz, bold ? " b=\"1\"" : "", clr, f, f, f);
}

static void master_decoration(const struct slides_template *t, struct buf *b)
{
	switch (t->deco) {
	case 0: /* 政务红: red band on top, gold rule under it, red tab by the title */
		rect(b, 2, "band", 0, 0, SL_W, 118872, t->accent);
		rect(b, 3, "rule", 0, 118872, SL_W, 27432, t->accent2);
		rect(b, 4, "tab", 0, SL_TITLE_Y + 228600, 274320, 548640, t->accent);
		break;
	case 1: /* 科技蓝: left bar, cyan corner */
		rect(b, 2, "bar", 0, 0, 182880, SL_H, t->accent);
		rect(b, 3, "corner", SL_W - 1828800, SL_H - 91440, 1828800, 91440, t->accent2);
		rect(b, 4, "rule", SL_X0, SL_TITLE_Y + SL_TITLE_H + 27432, 1097280, 27432,
		     t->accent2);
		break;
	default: /* 简约: a hairline under the title */
		rect(b, 2, "rule", SL_X0, SL_TITLE_Y + SL_TITLE_H + 27432, SL_CW, 9144, t->accent2);
		rect(b, 3, "dot", SL_X0, SL_TITLE_Y + SL_TITLE_H, 731520, 36576, t->accent);
		rect(b, 4, "foot", SL_X0, SL_H - 320040, SL_CW, 9144, "D9D9D9");
		break;
	}
}

void slides_tpl_master(const struct slides_template *t, struct buf *b)
{
	struct sl_geom g;

	slides_geom(SLIDES_BULLETS, &g);
	buf_adds(b, XML_DECL "<p:sldMaster " ROOT_NS "><p:cSld><p:bg><p:bgPr><a:solidFill>"
			     "<a:schemeClr val=\"bg1\"/></a:solidFill><a:effectLst/></p:bgPr>"
			     "</p:bg>");
	grp_start(b);
	master_decoration(t, b);
	placeholder(b, 5, "Title Placeholder", "title", 0, &g.title, "ctr");
	placeholder(b, 6, "Text Placeholder", "body", 1, &g.body[0], "t");
	buf_adds(b, "</p:spTree></p:cSld><p:clrMap bg1=\"lt1\" tx1=\"dk1\" bg2=\"lt2\" tx2=\"dk2\" "
		    "accent1=\"accent1\" accent2=\"accent2\" accent3=\"accent3\" "
		    "accent4=\"accent4\" accent5=\"accent5\" accent6=\"accent6\" hlink=\"hlink\" "
		    "folHlink=\"folHlink\"/><p:sldLayoutIdLst>");
	for (int i = 1; i < SLIDES_NLAYOUTS; i++)
		buf_addf(b, "<p:sldLayoutId id=\"%ld\" r:id=\"rId%d\"/>", 2147483648L + i, i);
	buf_adds(b, "</p:sldLayoutIdLst><p:txStyles><p:titleStyle><a:lvl1pPr algn=\"l\" "
		    "eaLnBrk=\"1\" hangingPunct=\"1\"><a:lnSpc><a:spcPct val=\"100000\"/>"
		    "</a:lnSpc><a:buNone/>");
	def_rpr(b, 3200, true, "tx2", true);
	buf_adds(b, "</a:lvl1pPr></p:titleStyle><p:bodyStyle>");
	for (int l = 0; l < 5; l++) {
		buf_addf(b,
			 "<a:lvl%dpPr marL=\"%d\" indent=\"-%d\" algn=\"l\" eaLnBrk=\"1\" "
			 "hangingPunct=\"1\"><a:lnSpc><a:spcPct val=\"110000\"/></a:lnSpc>"
			 "<a:spcBef><a:spcPts val=\"%d\"/></a:spcBef><a:buFont typeface=\"Arial\"/>"
			 "<a:buChar char=\"%s\"/>",
			 l + 1, 342900 + l * 400050, l == 0 ? 342900 : 285750, l == 0 ? 1000 : 500,
			 l == 0 ? "\xe2\x80\xa2" : "\xe2\x80\x93");
		def_rpr(b, l == 0 ? 2400 : 2000, false, "tx1", false);
		buf_addf(b, "</a:lvl%dpPr>", l + 1);
	}
	buf_adds(b, "</p:bodyStyle><p:otherStyle><a:lvl1pPr algn=\"l\">");
	def_rpr(b, 1800, false, "tx1", false);
	buf_adds(b, "</a:lvl1pPr></p:otherStyle></p:txStyles></p:sldMaster>");
}

void slides_tpl_master_rels(struct buf *b)
{
	buf_adds(b, XML_DECL "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/"
			     "2006/relationships\">");
	for (int i = 1; i < SLIDES_NLAYOUTS; i++)
		buf_addf(b,
			 "<Relationship Id=\"rId%d\" Type=\"" NS_R "/slideLayout\" "
			 "Target=\"../slideLayouts/slideLayout%d.xml\"/>",
			 i, i);
	buf_addf(b,
		 "<Relationship Id=\"rId%d\" Type=\"" NS_R "/theme\" "
		 "Target=\"../theme/theme1.xml\"/></Relationships>",
		 SLIDES_NLAYOUTS);
}

static bool is_hero(int layout)
{
	return layout == SLIDES_TITLE || layout == SLIDES_SECTION || layout == SLIDES_CLOSING;
}

void slides_tpl_layout(const struct slides_template *t, int layout, struct buf *b)
{
	static const char *const types[SLIDES_NLAYOUTS] = {
	    "obj",	 "title",     "cust",  "secHead",   "obj",  "twoObj",
	    "titleOnly", "titleOnly", "picTx", "titleOnly", "cust",
	};
	struct sl_geom g;
	bool hero = is_hero(layout);

	slides_geom(layout, &g);
	buf_addf(b,
		 XML_DECL "<p:sldLayout " ROOT_NS
			  " type=\"%s\" preserve=\"1\"%s><p:cSld name=\"%s\">",
		 types[layout], hero ? " showMasterSp=\"0\"" : "", slides_layout_name(layout));
	if (hero && t->hero_bg != NULL)
		buf_addf(b,
			 "<p:bg><p:bgPr><a:solidFill><a:srgbClr val=\"%s\"/></a:solidFill>"
			 "<a:effectLst/></p:bgPr></p:bg>",
			 t->hero_bg);
	grp_start(b);
	if (hero) {
		/* an accent rule under the hero title */
		long x = g.centered ? (SL_W - 1463040) / 2 : g.title.x;

		rect(b, 2, "accent", x, g.title.y + g.title.cy + 91440, 1463040, 54864, t->accent2);
	}
	if (layout == SLIDES_TITLE || layout == SLIDES_CLOSING) {
		placeholder(b, 3, "Title 1", "ctrTitle", 0, &g.title, "b");
		placeholder(b, 4, "Subtitle 2", "subTitle", 1, &g.body[0], "t");
	} else {
		placeholder(b, 3, "Title 1", "title", 0, &g.title, hero ? "t" : "ctr");
		for (int i = 0; i < g.nbody; i++) {
			char name[32];

			snprintf(name, sizeof(name), "Content %d", i + 2);
			placeholder(b, 4 + i, name,
				    layout == SLIDES_IMAGE_TEXT && i == 0 ? "pic" : NULL, i + 1,
				    &g.body[i], hero ? "b" : "t");
		}
	}
	buf_adds(b, "</p:spTree></p:cSld><p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr>"
		    "</p:sldLayout>");
}

void slides_tpl_notes_master(const struct slides_template *t, struct buf *b)
{
	(void)t;
	buf_adds(b, XML_DECL "<p:notesMaster " ROOT_NS "><p:cSld><p:bg><p:bgRef idx=\"1001\">"
			     "<a:schemeClr val=\"bg1\"/></p:bgRef></p:bg>");
	grp_start(b);
	buf_adds(b, "<p:sp><p:nvSpPr><p:cNvPr id=\"2\" name=\"Slide Image Placeholder 1\"/>"
		    "<p:cNvSpPr><a:spLocks noGrp=\"1\" noRot=\"1\" noChangeAspect=\"1\"/>"
		    "</p:cNvSpPr><p:nvPr><p:ph type=\"sldImg\" idx=\"2\"/></p:nvPr></p:nvSpPr>"
		    "<p:spPr><a:xfrm><a:off x=\"381000\" y=\"685800\"/><a:ext cx=\"6096000\" "
		    "cy=\"3429000\"/></a:xfrm><a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom>"
		    "<a:noFill/><a:ln w=\"12700\"><a:solidFill><a:srgbClr val=\"000000\"/>"
		    "</a:solidFill></a:ln></p:spPr></p:sp>");
	buf_adds(b,
		 "<p:sp><p:nvSpPr><p:cNvPr id=\"3\" name=\"Notes Placeholder 2\"/><p:cNvSpPr>"
		 "<a:spLocks noGrp=\"1\"/></p:cNvSpPr><p:nvPr><p:ph type=\"body\" sz=\"quarter\" "
		 "idx=\"3\"/></p:nvPr></p:nvSpPr><p:spPr><a:xfrm><a:off x=\"685800\" "
		 "y=\"4343400\"/><a:ext cx=\"5486400\" cy=\"4114800\"/></a:xfrm><a:prstGeom "
		 "prst=\"rect\"><a:avLst/></a:prstGeom></p:spPr><p:txBody><a:bodyPr "
		 "vert=\"horz\" lIns=\"91440\" tIns=\"45720\" rIns=\"91440\" bIns=\"45720\" "
		 "rtlCol=\"0\"/><a:lstStyle/><a:p><a:endParaRPr lang=\"zh-CN\"/></a:p>"
		 "</p:txBody></p:sp>");
	buf_adds(b, "</p:spTree></p:cSld><p:clrMap bg1=\"lt1\" tx1=\"dk1\" bg2=\"lt2\" tx2=\"dk2\" "
		    "accent1=\"accent1\" accent2=\"accent2\" accent3=\"accent3\" "
		    "accent4=\"accent4\" accent5=\"accent5\" accent6=\"accent6\" hlink=\"hlink\" "
		    "folHlink=\"folHlink\"/><p:notesStyle><a:lvl1pPr marL=\"0\" algn=\"l\">");
	def_rpr(b, 1200, false, "tx1", false);
	buf_adds(b, "</a:lvl1pPr></p:notesStyle></p:notesMaster>");
}
