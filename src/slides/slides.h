/*
 * slides: text -> outline -> native, editable .pptx.
 *
 * The outline is the line-based dialect of shared/spec/ooxml.md §1.4:
 *   % 标题: …   deck meta (标题/副标题/作者/日期, or title/subtitle/author/date)
 *   # 一、…     section (section slide + agenda entry)
 *   ## …        slide title
 *   - …         bullet; indented ("  - ") = level 2 (deeper levels are clamped)
 *   > …         speaker notes
 *   @layout X   pin the slide's layout (title agenda section bullets two_column
 *               table chart image_text timeline closing)
 *   || 标题     starts the next column (two_column)
 *   | a | b |   table row (GFM; the |---| separator row is skipped)
 *   ```chart bar|line|pie … ```  chart block: CSV header row (first cell is the
 *               category label, then series names), then one row per category
 *   ![说明](图片.png)  image (PNG/JPEG, relative path)
 * Parsing is strict: every refusal names the line ("第 N 行：…") and the
 * reason in Chinese, and every count and length has a limit (SLIDES_MAX_*).
 *
 * slides_extract() turns free text (pasted, .txt, .md) or a .docx into
 * outline text without a model: headings, key sentences, numbers turned into
 * tables or charts. Its output always parses.
 *
 * slides_render() lays the outline out (layout choice, measuring, font sizes,
 * splitting over capacity) and writes the .pptx bytes. Text is measured here
 * (slides_text_width), never left to autofit.
 *
 * Ownership: slides_outline_parse() returns an outline freed with
 * slides_outline_free(); every string inside belongs to it. Byte buffers
 * returned through char ** are malloc'd and freed by the caller.
 */
#ifndef SHUZHI_SLIDES_H
#define SHUZHI_SLIDES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/base.h"

#define SLIDES_MAX_INPUT    ((size_t)1 << 20) /* outline text, bytes */
#define SLIDES_MAX_LINE	    4000	      /* bytes per outline line */
#define SLIDES_MAX_TITLE    120		      /* code points of a title */
#define SLIDES_MAX_SLIDES   300		      /* "##" slides in an outline */
#define SLIDES_MAX_SECTIONS 50
#define SLIDES_MAX_BULLETS  200		       /* per slide */
#define SLIDES_MAX_COLS	    8		       /* table columns */
#define SLIDES_MAX_ROWS	    500		       /* table rows */
#define SLIDES_MAX_CATS	    100		       /* chart categories */
#define SLIDES_MAX_SERIES   12		       /* chart series */
#define SLIDES_MAX_NOTES    20000	       /* bytes of notes per slide */
#define SLIDES_MAX_CELL	    400		       /* bytes per table cell */
#define SLIDES_MAX_SOURCE   ((size_t)20 << 20) /* .txt/.md/.docx given to extract */
#define SLIDES_MAX_IMAGE    ((size_t)20 << 20)

enum slides_layout {
	SLIDES_AUTO = 0,
	SLIDES_TITLE,
	SLIDES_AGENDA,
	SLIDES_SECTION,
	SLIDES_BULLETS,
	SLIDES_TWO_COLUMN,
	SLIDES_TABLE,
	SLIDES_CHART,
	SLIDES_IMAGE_TEXT,
	SLIDES_TIMELINE,
	SLIDES_CLOSING,
	SLIDES_NLAYOUTS
};

enum slides_chart_kind { SLIDES_CHART_BAR, SLIDES_CHART_LINE, SLIDES_CHART_PIE };

struct slides_bullet {
	char *text;
	int level;  /* 0 or 1 */
	int column; /* 0, or 1 after the second "||" */
};

struct slides_table {
	size_t ncols;
	size_t nrows; /* including the header row 0 */
	char **cells; /* nrows * ncols */
};

struct slides_chart {
	int kind;
	size_t ncats;
	size_t nseries;
	char *cat_label;
	char **cats;	/* ncats */
	char **series;	/* nseries */
	double *values; /* nseries * ncats, series-major */
};

struct slides_slide {
	int layout; /* enum slides_layout; SLIDES_AUTO unless pinned */
	bool pinned;
	char *title;
	int section; /* index into outline sections, -1 before the first "#" */
	struct slides_bullet *bullets;
	size_t nbullets;
	size_t bullets_cap;
	char *col_heading[2];
	int ncolumns; /* "||" lines seen */
	struct slides_table *table;
	struct slides_chart *chart;
	char *image_path;
	char *image_alt;
	char *notes; /* NULL or '\n'-joined */
	size_t line; /* 1-based line of the "##" */
};

struct slides_outline {
	char *title;
	char *subtitle;
	char *author;
	char *date;
	char **sections;
	size_t nsections;
	struct slides_slide *slides;
	size_t nslides;
	size_t slides_cap;
};

/* Parse outline text (UTF-8). Returns 0, or BASE_E_FORMAT / BASE_E_LIMIT with
 * "第 N 行：…" in e. */
int slides_outline_parse(const char *text, size_t len, struct slides_outline **out, struct err *e);
void slides_outline_free(struct slides_outline *o);
/* Write the outline back as dialect text (parse(write(o)) == o). */
void slides_outline_write(const struct slides_outline *o, struct buf *out);

/* Layout names ("bullets"…) and their Chinese labels; -1 if unknown. */
const char *slides_layout_name(int layout);
int slides_layout_from_name(const char *name, size_t len);

/* Extractive outline without a model. kind: "txt", "md" or "docx" (bytes of
 * the file). Writes outline text into out. */
int slides_extract(const char *data, size_t len, const char *kind, const char *label,
		   struct buf *out, struct err *e);

/* Text measurement: width of UTF-8 text in 1/1000 em (CJK and full-width
 * forms 1000, Latin letters and digits ~550, spaces 300), and the number of
 * lines it wraps to in a box `width_em1000` wide. */
long slides_text_width(const char *s, size_t len);
int slides_text_lines(const char *s, size_t len, long width_em1000);

/* Templates. */
struct slides_template;
/* By id ("zhengwu", "keji", "jianyue") or Chinese name (政务红, 科技蓝, 简约);
 * NULL name = the default (政务红). NULL if unknown. */
const struct slides_template *slides_template_find(const char *name);
size_t slides_template_count(void);
const struct slides_template *slides_template_at(size_t i);
const char *slides_template_id(const struct slides_template *t);
const char *slides_template_label(const struct slides_template *t);

struct slides_render_opts {
	const char *image_dir; /* images resolved here; NULL = images become captions */
	size_t *nslides_out;   /* when not NULL: slides written */
};

/* The planned deck as JSON text (preview.c), from the planner the writer
 * uses: {"count","title","template","slides":[{"index","layout",
 * "layout_label","title","items":[{"text","level","column"}],"part",
 * "split","section","source_line","notes","table"?,"chart"?,"image"?}],
 * "errors":[]}. */
void slides_preview_json(const struct slides_outline *o, const struct slides_template *t,
			 struct buf *out);
/* {"templates":[{"id","name","colors":{…},"font","decoration"}],"default"}. */
void slides_templates_json(struct buf *out);
/* Chinese name of a layout ("要点"…). */
const char *slides_layout_label(int layout);

/* Lay out and write the .pptx. Returns 0 with *pptx (malloc'd) and *len. */
int slides_render(const struct slides_outline *o, const struct slides_template *t,
		  const struct slides_render_opts *opts, char **pptx, size_t *len, struct err *e);

#endif
