/*
 * slides/plan: the slides to write, after layout choice and splitting
 * (internal to slides/; the unit tests use it to check the splitter).
 *
 * A plan owns its titles and items (copies); src, table, chart and notes
 * point into the outline (or into charts the plan derived from numeric
 * tables, freed by sl_plan_free()).
 */
#ifndef SHUZHI_SLIDES_PLAN_H
#define SHUZHI_SLIDES_PLAN_H

#include "slides/slides_internal.h"

struct sl_item {
	char *text;
	int level;  /* 0, 1; -1 = plain paragraph (headings, subtitles) */
	int column; /* two_column: 0 or 1 */
};

struct sl_pslide {
	int layout;
	const struct slides_slide *src; /* NULL for generated slides */
	size_t part;			/* > 0 on continuation slides */
	int section;
	char *title;
	struct sl_item *items;
	size_t nitems;
	size_t items_cap;
	const struct slides_table *table; /* data rows [r0, r1) */
	size_t r0, r1;
	int size;			  /* table font size */
	const struct slides_chart *chart; /* categories [c0,c1), series [s0,s1) */
	size_t c0, c1, s0, s1;
	const char *notes;
	int first_number; /* agenda numbering offset */
};

struct sl_plan {
	struct sl_pslide *slides;
	size_t n;
	size_t cap;
	struct slides_chart **owned;
	size_t nowned;
};

void sl_plan_build(const struct slides_outline *o, struct sl_plan *p);
void sl_plan_free(struct sl_plan *p);

/* Measuring at the writer's sizes (points). */
double sl_bullet_indent_pt(int level);
int sl_text_lines_pt(const char *s, double width_pt, int sz);
int sl_item_size(const struct sl_item *it, int sz0);
double sl_item_space_before(const struct sl_item *it, int sz0);
double sl_para_height(const struct sl_item *it, double width_pt, int sz0);
double sl_items_height(const struct sl_item *it, size_t n, const struct sl_box *box, int sz0);
bool sl_items_fit(const struct sl_item *it, size_t n, const struct sl_box *box, int sz0);
/* Largest size in (min, max] (steps of 2) at which the items fit, else min. */
int sl_items_size(const struct sl_item *it, size_t n, const struct sl_box *box, int max, int min);
int sl_title_size(const char *s, const struct sl_box *box, int max, int min);
/* Leading date of a timeline bullet: returns its byte length (0 if none);
 * *sep = bytes up to the label. */
size_t sl_date_prefix(const char *s, size_t *sep);
/* Date and label boxes of a timeline slide with n milestones (x set by the
 * writer per milestone). */
void sl_timeline_boxes(size_t n, struct sl_box *date, struct sl_box *label);
void sl_table_cols(const struct slides_table *t, long *w);
double sl_table_row_h(const struct slides_table *t, size_t r, const long *w, int sz);
int sl_table_size(const struct slides_table *t, const long *w);

#endif
