/*
 * doc/docx_write: writing a .docx from scratch (ooxml.md Part 3).
 *
 * A struct doc_dw collects body XML (paragraphs, runs, tables) in a bounded
 * buffer; doc_dw_save() adds the fixed parts (content types, relationships,
 * styles with explicit East-Asian fonts and no theme fonts, settings with
 * odd/even footers, font table, footers with "— PAGE —" page numbers) and
 * writes the package atomically through doc/zip's writer.
 *
 * Every text goes through one escaping function: & < > " are escaped, TAB
 * becomes w:tab, LF becomes w:br, and characters XML 1.0 forbids (C0 controls,
 * U+FFFE/U+FFFF, bad UTF-8) are dropped, so no input can break the markup.
 * Element and attribute order follows wml.xsd (checked by
 * tests/tools/validate_ooxml.py). Ownership: doc_dw_free() frees everything.
 */
#ifndef SHUZHI_DOC_DOCX_WRITE_H
#define SHUZHI_DOC_DOCX_WRITE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/base.h"

/* Run properties. NULL/0 fields are left out. */
struct doc_dw_rfmt {
	const char *ea;	   /* East-Asian font, e.g. "仿宋_GB2312" */
	const char *latin; /* ascii/hAnsi/cs font; NULL = "Times New Roman" */
	int sz;		   /* half-points */
	bool bold;
	const char *color; /* "FF0000" */
	bool hint_ea;
	int spacing; /* character spacing in twentieths of a point (may be < 0) */
};

enum { DOC_DW_BDR_NONE = 0, DOC_DW_BDR_TOP = 1, DOC_DW_BDR_BOTTOM = 2 };

/* Paragraph properties. Indents in twips; first < 0 means hanging. */
struct doc_dw_pfmt {
	const char *jc; /* "both", "center", "left", "right"; NULL = inherit */
	long left, right, first;
	bool set_ind;		       /* write w:ind even when all three are 0 */
	long line;		       /* exact line spacing in twips; 0 = single (auto 240) */
	long before, after;	       /* spacing in twips */
	int borders;		       /* DOC_DW_BDR_* bits */
	int bdr_top_sz, bdr_bottom_sz; /* eighths of a point */
	const char *bdr_color;	       /* "FF0000"; NULL = "000000" */
	int bdr_space;		       /* points between text and bottom border */
	long tab_right;		       /* position of a right tab stop, 0 = none */
	bool keep_next;
	bool page_break_before;
};

struct doc_dw_page {
	long top, right, bottom, left; /* margins in twips */
	long header, footer;
	long line_pitch;	/* w:docGrid linePitch (type="lines"); 0 = no grid */
	bool page_numbers;	/* odd/even footers "— N —" */
	const char *default_ea; /* docDefaults East-Asian font */
	int default_sz;		/* docDefaults size (half-points) */
};

/* GB/T 9704-2012 page: A4, 37/26/35/28 mm, 3号 仿宋, numbered footers. */
void doc_dw_page_gongwen(struct doc_dw_page *pg);

struct doc_dw;

struct doc_dw *doc_dw_new(const struct doc_dw_page *pg);
void doc_dw_free(struct doc_dw *w);

/* One paragraph with one run (text may be "" for an empty paragraph). */
void doc_dw_para(struct doc_dw *w, const struct doc_dw_pfmt *pf, const struct doc_dw_rfmt *rf,
		 const char *text);
/* A paragraph built from several runs: begin (mark properties = rf), runs, end. */
void doc_dw_para_begin(struct doc_dw *w, const struct doc_dw_pfmt *pf,
		       const struct doc_dw_rfmt *rf);
void doc_dw_run(struct doc_dw *w, const struct doc_dw_rfmt *rf, const char *text);
void doc_dw_para_end(struct doc_dw *w);

/* Tables: single black borders, fixed layout, widths in twips (sum <= 版心). */
void doc_dw_table_begin(struct doc_dw *w, size_t ncols, const long *widths);
void doc_dw_row_begin(struct doc_dw *w, bool header);
/* A cell holding one paragraph per line of text ('\n' separates paragraphs). */
void doc_dw_cell(struct doc_dw *w, const struct doc_dw_pfmt *pf, const struct doc_dw_rfmt *rf,
		 const char *text);
void doc_dw_row_end(struct doc_dw *w);
void doc_dw_table_end(struct doc_dw *w);

/* Number of body paragraphs written so far (top level, tables excluded). */
size_t doc_dw_para_count(const struct doc_dw *w);
/* True when the body buffer hit its limit (the save then fails). */
bool doc_dw_overflow(const struct doc_dw *w);

/* Write the package to path (atomically). */
int doc_dw_save(struct doc_dw *w, const char *path, struct err *e);

/* Append s[0..n) to b escaped for XML text/attribute content (drops what XML
 * 1.0 forbids, TAB/LF kept as is). */
int doc_dw_escape(struct buf *b, const char *s, size_t n);

#endif
