/*
 * slides internals shared by the .pptx writer files (not an API).
 *
 * Geometry is in EMU (914400 per inch, 12700 per point) on a 16:9 slide.
 * Every text shape is written with an explicit a:xfrm equal to its layout's
 * placeholder geometry, so that the renderer and the tests measure against
 * the same boxes.
 */
#ifndef SHUZHI_SLIDES_INTERNAL_H
#define SHUZHI_SLIDES_INTERNAL_H

#include "base/base.h"
#include "slides/slides.h"

#define SL_W	   12192000L
#define SL_H	   6858000L
#define SL_X0	   609600L	      /* left/right margin */
#define SL_CW	   (SL_W - 2 * SL_X0) /* content width */
#define SL_TITLE_Y 320040L
#define SL_TITLE_H 1005840L
#define SL_BODY_Y  1463040L
#define SL_BODY_H  (SL_H - SL_BODY_Y - 502920L)
#define SL_INS_X   91440L /* text box insets */
#define SL_INS_Y   45720L
#define SL_EMU_PT  12700L
/* Exact line spacing (a:spcPts), in percent of the font size, everywhere:
 * heights then do not depend on the font a viewer substitutes. 130 % holds
 * the ascent + descent of the CJK fonts in use (Noto Sans CJK 1.3 em in
 * LibreOffice's PDF), so glyphs stay inside their line. */
#define SL_LINE_PCT 130

struct slides_template {
	const char *id;
	const char *label;
	const char *clr[12]; /* dk1 lt1 dk2 lt2 accent1..6 hlink folHlink */
	const char *major_latin;
	const char *major_ea;
	const char *minor_latin;
	const char *minor_ea;
	int deco;	      /* 0 top band, 1 left bar, 2 hairline */
	const char *hero_bg;  /* background of title/section/closing */
	const char *hero_fg;  /* text on it */
	const char *hero_sub; /* secondary text on it */
	const char *title_fg; /* slide titles */
	const char *body_fg;
	const char *accent;
	const char *accent2;
};

/* A rectangle in EMU. */
struct sl_box {
	long x, y, cx, cy;
};

/* Placeholder geometry of a layout: title box and body boxes (idx 1, 2). */
struct sl_geom {
	struct sl_box title;
	struct sl_box body[2];
	int nbody;
	bool centered; /* ctrTitle/subTitle layouts */
};
void slides_geom(int layout, struct sl_geom *g);

/* XML text escaping (input is valid UTF-8 without control characters). */
void sl_xesc(struct buf *b, const char *s);
/* Run properties with explicit a:latin/a:ea/a:cs and lang chosen from the
 * text: <a:rPr lang=… sz=…>fill latin ea cs</a:rPr>. color: 6-hex. */
void sl_rpr(struct buf *b, const struct slides_template *t, const char *text, int sz100, bool bold,
	    const char *color, bool major);

/* Free a chart and everything in it (outline.c). */
void slides_chart_free(struct slides_chart *c);

/* Parts of the template. */
void slides_tpl_theme(const struct slides_template *t, struct buf *b);
void slides_tpl_master(const struct slides_template *t, struct buf *b);
void slides_tpl_master_rels(struct buf *b);
void slides_tpl_layout(const struct slides_template *t, int layout, struct buf *b);
void slides_tpl_notes_master(const struct slides_template *t, struct buf *b);

/* Charts (chart.c): the chart part for categories [c0,c1) and series
 * [s0,s1), and the embedded workbook with the same data. */
void slides_chart_xml(const struct slides_template *t, const struct slides_chart *c, size_t c0,
		      size_t c1, size_t s0, size_t s1, struct buf *b);
int slides_chart_xlsx(const struct slides_chart *c, size_t c0, size_t c1, size_t s0, size_t s1,
		      char **data, size_t *len, struct err *e);

#endif
