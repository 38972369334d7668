/*
 * slides/plan: from the outline to the list of slides to write.
 *
 * Layout choice is a pure function of the slide's content (spec/ooxml.md
 * §1.5) unless pinned with @layout. Content over a layout's capacity is
 * split over several slides ("（续）"), with the fit measured by
 * slides_text_lines() at the font size the writer will use. Nothing of the
 * outline is dropped: content a layout cannot show (bullets beside a chart,
 * a table beside an image) gets slides of its own.
 */
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "slides/plan.h"
#include "text/text.h"

/* ---- measuring ------------------------------------------------------ */

#define LINE_FACTOR (SL_LINE_PCT / 100.0)
#define FILL	    0.94 /* aim below 100 % of the box (presenton PR #916) */

double sl_bullet_indent_pt(int level)
{
	return level <= 0 ? 27.0 : 58.5;
}

int sl_text_lines_pt(const char *s, double width_pt, int sz)
{
	long w = (long)(width_pt * FILL / sz * 1000.0);

	return slides_text_lines(s, strlen(s), w);
}

double sl_para_height(const struct sl_item *it, double width_pt, int sz0)
{
	int sz = sl_item_size(it, sz0);
	double w = width_pt - (it->level >= 0 ? sl_bullet_indent_pt(it->level) : 0);
	int lines = sl_text_lines_pt(it->text, w, sz);

	return lines * sz * LINE_FACTOR + sl_item_space_before(it, sz0);
}

int sl_item_size(const struct sl_item *it, int sz0)
{
	if (it->level == 1)
		return sz0 - 4;
	return sz0;
}

double sl_item_space_before(const struct sl_item *it, int sz0)
{
	return it->level == 1 ? sz0 * 0.2 : sz0 * 0.45;
}

static double box_w_pt(const struct sl_box *b)
{
	return (double)(b->cx - 2 * SL_INS_X) / SL_EMU_PT;
}

static double box_h_pt(const struct sl_box *b)
{
	return (double)(b->cy - 2 * SL_INS_Y) / SL_EMU_PT * 0.97;
}

double sl_items_height(const struct sl_item *it, size_t n, const struct sl_box *box, int sz0)
{
	/* LibreOffice takes what exact spacing lacks of the font height from the
	 * top of the line, so the last line's descenders reach ~0.16 em below
	 * it: keep 0.2 em spare. */
	double h = n > 0 ? sz0 * 0.2 : 0;

	for (size_t i = 0; i < n; i++)
		h += sl_para_height(&it[i], box_w_pt(box), sz0);
	return h;
}

bool sl_items_fit(const struct sl_item *it, size_t n, const struct sl_box *box, int sz0)
{
	return sl_items_height(it, n, box, sz0) <= box_h_pt(box);
}

int sl_items_size(const struct sl_item *it, size_t n, const struct sl_box *box, int max, int min)
{
	for (int sz = max; sz > min; sz -= 2) {
		if (sl_items_fit(it, n, box, sz))
			return sz;
	}
	return min;
}

int sl_title_size(const char *s, const struct sl_box *box, int max, int min)
{
	double w = box_w_pt(box), h = box_h_pt(box);

	for (int sz = max; sz > min; sz -= 2) {
		int lines = sl_text_lines_pt(s, w, sz);

		if (lines * sz * LINE_FACTOR + sz * 0.2 <= h)
			return sz;
	}
	return min;
}

/* ---- plan bookkeeping ------------------------------------------------ */

static struct sl_pslide *new_slide(struct sl_plan *p, int layout, const struct slides_slide *src,
				   const char *title, size_t part)
{
	struct sl_pslide *s;

	p->slides = xgrow(p->slides, &p->cap, p->n + 1, sizeof(*p->slides));
	s = &p->slides[p->n++];
	memset(s, 0, sizeof(*s));
	s->layout = layout;
	s->src = src;
	s->part = part;
	if (title == NULL)
		title = "";
	if (part > 0) {
		size_t n = strlen(title);

		s->title = xmalloc(n + 16);
		memcpy(s->title, title, n);
		memcpy(s->title + n, "（续）", strlen("（续）") + 1);
	} else {
		s->title = xstrdup(title);
	}
	return s;
}

static void add_item(struct sl_pslide *s, const char *text, size_t len, int level, int column)
{
	s->items = xgrow(s->items, &s->items_cap, s->nitems + 1, sizeof(*s->items));
	s->items[s->nitems].text = xstrndup(text, len);
	s->items[s->nitems].level = level;
	s->items[s->nitems].column = column;
	s->nitems++;
}

void sl_plan_free(struct sl_plan *p)
{
	for (size_t i = 0; i < p->n; i++) {
		for (size_t j = 0; j < p->slides[i].nitems; j++)
			free(p->slides[i].items[j].text);
		free(p->slides[i].items);
		free(p->slides[i].title);
	}
	free(p->slides);
	for (size_t i = 0; i < p->nowned; i++)
		slides_chart_free(p->owned[i]);
	free(p->owned);
	memset(p, 0, sizeof(*p));
}

/* ---- content features ------------------------------------------------ */

/* Length in bytes of a leading date ("2024年3月", "2025-06", "2024.3.1",
 * "2023年") followed by a separator, or 0. *sep = bytes of date+separator. */
size_t sl_date_prefix(const char *s, size_t *sep)
{
	size_t i = 0, end;

	for (; i < 4; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
	}
	if (s[i] >= '0' && s[i] <= '9')
		return 0;
	for (;;) {
		if (strncmp(s + i, "年", 3) == 0 || strncmp(s + i, "月", 3) == 0 ||
		    strncmp(s + i, "日", 3) == 0) {
			i += 3;
		} else if ((s[i] == '-' || s[i] == '.' || s[i] == '/') && s[i + 1] >= '0' &&
			   s[i + 1] <= '9') {
			i++;
		} else if (s[i] >= '0' && s[i] <= '9') {
			i++;
		} else if (strncmp(s + i, "底", 3) == 0 || strncmp(s + i, "初", 3) == 0 ||
			   strncmp(s + i, "中", 3) == 0 || strncmp(s + i, "上半年", 9) == 0 ||
			   strncmp(s + i, "下半年", 9) == 0) {
			i += strncmp(s + i, "上半年", 9) == 0 || strncmp(s + i, "下半年", 9) == 0
				 ? 9
				 : 3;
		} else {
			break;
		}
	}
	end = i;
	if (strncmp(s + i, "：", 3) == 0 || strncmp(s + i, "，", 3) == 0)
		i += 3;
	else if (s[i] == ':' || s[i] == ' ' || s[i] == ',')
		i++;
	else if (strncmp(s + i, "—", 3) == 0)
		i += 3;
	else if (end == 4 || s[i] == '\0')
		return 0;
	while (s[i] == ' ')
		i++;
	if (s[i] == '\0')
		return 0;
	*sep = i;
	return end;
}

static bool is_timeline(const struct slides_slide *s)
{
	size_t n = 0;

	for (size_t i = 0; i < s->nbullets; i++) {
		size_t sep;

		if (s->bullets[i].level > 0)
			return false;
		if (sl_date_prefix(s->bullets[i].text, &sep) == 0)
			return false;
		n++;
	}
	return n >= 3;
}

static int auto_layout(const struct slides_slide *s)
{
	if (s->chart != NULL)
		return SLIDES_CHART;
	if (s->table != NULL)
		return SLIDES_TABLE;
	if (s->image_path != NULL)
		return SLIDES_IMAGE_TEXT;
	if (s->ncolumns > 0)
		return SLIDES_TWO_COLUMN;
	if (is_timeline(s))
		return SLIDES_TIMELINE;
	return SLIDES_BULLETS;
}

static bool parse_cell_number(const char *s, double *v)
{
	char *end;
	char tmp[64];
	size_t k = 0;

	for (; *s != '\0' && k + 1 < sizeof(tmp); s++) {
		if (*s == ',' || *s == ' ')
			continue;
		if (*s == '%' && s[1] == '\0')
			break;
		tmp[k++] = *s;
	}
	tmp[k] = '\0';
	if (k == 0)
		return false;
	*v = strtod(tmp, &end);
	return *end == '\0' && isfinite(*v);
}

/* A table whose body cells (all but the first column) are numbers, as a
 * chart: n columns -> n-1 series (presenton's rule). NULL if not numeric. */
static struct slides_chart *table_chart(struct sl_plan *p, const struct slides_table *t)
{
	struct slides_chart *c;

	if (t->ncols < 2 || t->nrows < 2)
		return NULL;
	for (size_t r = 1; r < t->nrows; r++) {
		for (size_t k = 1; k < t->ncols; k++) {
			double v;

			if (!parse_cell_number(t->cells[r * t->ncols + k], &v))
				return NULL;
		}
	}
	c = xcalloc(1, sizeof(*c));
	c->kind = SLIDES_CHART_BAR;
	c->ncats = t->nrows - 1;
	c->nseries = t->ncols - 1;
	c->cat_label = xstrdup(t->cells[0]);
	c->cats = xcalloc(c->ncats, sizeof(char *));
	c->series = xcalloc(c->nseries, sizeof(char *));
	c->values = xcalloc(c->ncats * c->nseries, sizeof(double));
	for (size_t k = 1; k < t->ncols; k++)
		c->series[k - 1] = xstrdup(t->cells[k][0] != '\0' ? t->cells[k] : "数值");
	for (size_t r = 1; r < t->nrows; r++) {
		c->cats[r - 1] = xstrdup(t->cells[r * t->ncols]);
		for (size_t k = 1; k < t->ncols; k++)
			parse_cell_number(t->cells[r * t->ncols + k],
					  &c->values[(k - 1) * c->ncats + r - 1]);
	}
	p->owned = xrealloc(p->owned, (p->nowned + 1) * sizeof(*p->owned));
	p->owned[p->nowned++] = c;
	return c;
}

/* ---- splitting -------------------------------------------------------- */

/* Break one over-long bullet into pieces that each fit the box on their own
 * at the split size: at sentence ends first, then at any character. */
static void split_long(const char *text, int level, int column, const struct sl_box *box, int sz,
		       struct sl_item **out, size_t *n, size_t *cap)
{
	size_t len = strlen(text), start = 0, boundary = 0, i = 0;
	double max_h = box_h_pt(box) * 0.5;

	while (i < len) {
		uint32_t c;
		size_t k = text_utf8_decode(text + i, len - i, &c);
		char *piece = xstrndup(text + start, i + k - start);
		struct sl_item probe = {piece, level, column};
		bool fits = sl_para_height(&probe, box_w_pt(box), sz) <= max_h;

		free(piece);
		if (!fits && i > start) {
			size_t cut = boundary > start ? boundary : i;

			*out = xgrow(*out, cap, *n + 1, sizeof(**out));
			(*out)[*n] =
			    (struct sl_item){xstrndup(text + start, cut - start), level, column};
			(*n)++;
			start = i = cut;
			continue;
		}
		i += k;
		if (c == 0x3002 || c == 0xFF1B || c == 0xFF01 || c == 0xFF1F || c == ';' ||
		    c == 0xFF0C)
			boundary = i;
	}
	if (start < len) {
		*out = xgrow(*out, cap, *n + 1, sizeof(**out));
		(*out)[*n] = (struct sl_item){xstrndup(text + start, len - start), level, column};
		(*n)++;
	}
}

/* Items of a slide's column, long ones pre-split; heading first (level -1). */
static struct sl_item *column_items(const struct slides_slide *s, int column,
				    const struct sl_box *box, int sz, size_t *n)
{
	struct sl_item *it = NULL;
	size_t cap = 0;

	*n = 0;
	for (size_t i = 0; i < s->nbullets; i++) {
		const struct slides_bullet *b = &s->bullets[i];
		struct sl_item one = {b->text, b->level, column};

		if (column >= 0 && b->column != column)
			continue;
		if (sl_para_height(&one, box_w_pt(box), sz) > box_h_pt(box) * 0.5) {
			split_long(b->text, b->level, column, box, sz, &it, n, &cap);
			continue;
		}
		it = xgrow(it, &cap, *n + 1, sizeof(*it));
		it[*n] = (struct sl_item){xstrdup(b->text), b->level, column};
		(*n)++;
	}
	return it;
}

static void free_items(struct sl_item *it, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(it[i].text);
	free(it);
}

/* Greedy chunks: at most cap_l0 level-1 points and `fit` at sz each.
 * Returns chunk start offsets in starts[0..k], starts[k] = n. */
static size_t chunk_items(const struct sl_item *it, size_t n, const struct sl_box *box, int sz,
			  size_t cap_l0, const struct sl_item *heading, size_t **starts)
{
	size_t k = 0, start = 0, l0 = 0;

	*starts = xmalloc((n + 2) * sizeof(size_t));
	(*starts)[k++] = 0;
	for (size_t i = 0; i < n; i++) {
		double h = sl_items_height(it + start, i + 1 - start, box, sz);
		bool new_l0 = it[i].level == 0;

		if (heading != NULL)
			h += sl_para_height(heading, box_w_pt(box), sz);
		if (i > start && (h > box_h_pt(box) || (new_l0 && l0 + 1 > cap_l0))) {
			(*starts)[k++] = i;
			start = i;
			l0 = 0;
		}
		if (new_l0)
			l0++;
	}
	(*starts)[k] = n;
	return k;
}

#define BULLET_SPLIT_SZ 20 /* split before going under 20 pt */

static void plan_bullets(struct sl_plan *p, const struct slides_slide *s, int layout, size_t *part)
{
	struct sl_geom g;
	struct sl_item *it;
	size_t n, *st, k;
	size_t cap = layout == SLIDES_IMAGE_TEXT ? 4 : 6;

	slides_geom(layout, &g);
	it = column_items(s, -1, &g.body[layout == SLIDES_IMAGE_TEXT ? 1 : 0], BULLET_SPLIT_SZ, &n);
	k = chunk_items(it, n, &g.body[layout == SLIDES_IMAGE_TEXT ? 1 : 0], BULLET_SPLIT_SZ, cap,
			NULL, &st);
	for (size_t c = 0; c < k || (c == 0 && n == 0); c++) {
		int lay = c == 0 || layout != SLIDES_IMAGE_TEXT ? layout : SLIDES_BULLETS;
		struct sl_pslide *ps = new_slide(p, lay, s, s->title, (*part)++);

		for (size_t i = st[c]; i < st[c + 1]; i++)
			add_item(ps, it[i].text, strlen(it[i].text), it[i].level, 0);
		if (n == 0)
			break;
	}
	free(st);
	free_items(it, n);
}

static void plan_two_column(struct sl_plan *p, const struct slides_slide *s, size_t *part)
{
	struct sl_geom g;
	struct sl_item *it[2];
	size_t n[2], *st[2], k[2], kmax;
	struct sl_item head[2];

	slides_geom(SLIDES_TWO_COLUMN, &g);
	for (int c = 0; c < 2; c++) {
		head[c] =
		    (struct sl_item){s->col_heading[c] != NULL ? s->col_heading[c] : "", -1, c};
		it[c] = column_items(s, c, &g.body[c], BULLET_SPLIT_SZ, &n[c]);
		k[c] = chunk_items(it[c], n[c], &g.body[c], BULLET_SPLIT_SZ, 5,
				   head[c].text[0] != '\0' ? &head[c] : NULL, &st[c]);
		if (n[c] == 0)
			k[c] = 0;
	}
	kmax = k[0] > k[1] ? k[0] : k[1];
	if (kmax == 0)
		kmax = 1;
	for (size_t q = 0; q < kmax; q++) {
		struct sl_pslide *ps = new_slide(p, SLIDES_TWO_COLUMN, s, s->title, (*part)++);

		for (int c = 0; c < 2; c++) {
			if (head[c].text[0] != '\0')
				add_item(ps, head[c].text, strlen(head[c].text), -1, c);
			if (q >= k[c])
				continue;
			for (size_t i = st[c][q]; i < st[c][q + 1]; i++)
				add_item(ps, it[c][i].text, strlen(it[c][i].text), it[c][i].level,
					 c);
		}
	}
	for (int c = 0; c < 2; c++) {
		free(st[c]);
		free_items(it[c], n[c]);
	}
}

void sl_timeline_boxes(size_t n, struct sl_box *date, struct sl_box *label)
{
	long slot = n > 0 ? SL_CW / (long)n : SL_CW;
	long axis_y = SL_BODY_Y + 1463040;

	*date = (struct sl_box){0, SL_BODY_Y + 137160, slot - 91440, 1143000};
	*label = (struct sl_box){0, axis_y + 365760, slot - 91440,
				 SL_BODY_Y + SL_BODY_H - axis_y - 365760};
}

/* Every milestone's date and label fit their boxes at the smallest sizes
 * the writer uses (12 and 10 pt) with `per` milestones on a slide. */
static bool timeline_fits(const struct slides_slide *s, size_t per)
{
	struct sl_box dbox, lbox;

	sl_timeline_boxes(per, &dbox, &lbox);
	for (size_t i = 0; i < s->nbullets; i++) {
		size_t sep = 0, dl = sl_date_prefix(s->bullets[i].text, &sep);
		char *d = xstrndup(s->bullets[i].text, dl);
		struct sl_item di = {d, -1, 0}, li = {s->bullets[i].text + sep, -1, 0};
		bool ok = sl_items_fit(&di, 1, &dbox, 12) && sl_items_fit(&li, 1, &lbox, 10);

		free(d);
		if (!ok)
			return false;
	}
	return true;
}

static void plan_timeline(struct sl_plan *p, const struct slides_slide *s, size_t *part)
{
	size_t n = 0, per, k;

	for (size_t i = 0; i < s->nbullets; i++)
		n += s->bullets[i].level == 0;
	k = (n + 5) / 6;
	if (k == 0)
		k = 1;
	per = (n + k - 1) / k;
	if (!timeline_fits(s, per)) {
		/* milestones too long for the timeline's boxes: a bullet list */
		plan_bullets(p, s, SLIDES_BULLETS, part);
		return;
	}
	for (size_t c = 0, i = 0; c < k; c++) {
		struct sl_pslide *ps = new_slide(p, SLIDES_TIMELINE, s, s->title, (*part)++);
		size_t got = 0;

		for (; i < s->nbullets && got < per; i++) {
			if (s->bullets[i].level != 0)
				continue;
			add_item(ps, s->bullets[i].text, strlen(s->bullets[i].text), 0, 0);
			got++;
		}
	}
	/* level-2 points under milestones are details: keep them on a bullets slide */
	for (size_t i = 0; i < s->nbullets; i++) {
		if (s->bullets[i].level != 0) {
			plan_bullets(p, s, SLIDES_BULLETS, part);
			break;
		}
	}
}

/* Table geometry shared with the writer: column widths and row heights for
 * a font size. */
void sl_table_cols(const struct slides_table *t, long *w)
{
	double nat[SLIDES_MAX_COLS], sum = 0;
	long used = 0;

	for (size_t k = 0; k < t->ncols; k++) {
		nat[k] = 2000;
		for (size_t r = 0; r < t->nrows; r++) {
			const char *c = t->cells[r * t->ncols + k];
			double wd = (double)slides_text_width(c, strlen(c)) + 1000;

			if (wd > 14000)
				wd = 14000;
			if (wd > nat[k])
				nat[k] = wd;
		}
		sum += nat[k];
	}
	for (size_t k = 0; k < t->ncols; k++) {
		w[k] = (long)(SL_CW * nat[k] / sum);
		if (w[k] < SL_CW / 12)
			w[k] = SL_CW / 12;
		used += w[k];
	}
	/* renormalise to exactly the content width */
	for (size_t k = 0; k < t->ncols; k++)
		w[k] = w[k] * SL_CW / used;
	used = 0;
	for (size_t k = 0; k + 1 < t->ncols; k++)
		used += w[k];
	w[t->ncols - 1] = SL_CW - used;
}

double sl_table_row_h(const struct slides_table *t, size_t r, const long *w, int sz)
{
	int lines = 1;

	for (size_t k = 0; k < t->ncols; k++) {
		const char *c = t->cells[r * t->ncols + k];
		double wpt = (double)(w[k] - 2 * SL_INS_X) / SL_EMU_PT;
		int l = sl_text_lines_pt(c, wpt, sz);

		if (l > lines)
			lines = l;
	}
	return lines * sz * LINE_FACTOR + 2.0 * SL_INS_Y / SL_EMU_PT + 4.0;
}

int sl_table_size(const struct slides_table *t, const long *w)
{
	double h = (double)SL_BODY_H / SL_EMU_PT;

	for (int sz = 18; sz > 10; sz--) {
		bool ok = true;
		double head = sl_table_row_h(t, 0, w, sz);

		for (size_t r = 1; r < t->nrows && ok; r++) {
			double rh = sl_table_row_h(t, r, w, sz);

			if (head + rh > h || rh > sz * LINE_FACTOR * 3 + 12)
				ok = false;
		}
		if (ok)
			return sz;
	}
	return 10;
}

static void plan_table(struct sl_plan *p, const struct slides_slide *s, size_t *part)
{
	const struct slides_table *t = s->table;
	long w[SLIDES_MAX_COLS];
	double avail = (double)SL_BODY_H / SL_EMU_PT * 0.97;
	int sz;
	size_t r = 1;

	sl_table_cols(t, w);
	sz = sl_table_size(t, w);
	do {
		struct sl_pslide *ps = new_slide(p, SLIDES_TABLE, s, s->title, (*part)++);
		double h = sl_table_row_h(t, 0, w, sz);

		ps->table = t;
		ps->r0 = r;
		while (r < t->nrows && r - ps->r0 < 10) {
			double rh = sl_table_row_h(t, r, w, sz);

			if (r > ps->r0 && h + rh > avail)
				break;
			h += rh;
			r++;
		}
		ps->r1 = r;
		ps->size = sz;
	} while (r < t->nrows);
}

static void plan_chart(struct sl_plan *p, const struct slides_slide *s,
		       const struct slides_chart *c, size_t *part)
{
	size_t kc = (c->ncats + 11) / 12, per_c, per_s;

	per_c = (c->ncats + kc - 1) / kc;
	per_s = c->kind == SLIDES_CHART_PIE ? 1 : 4;
	for (size_t s0 = 0; s0 < c->nseries; s0 += per_s) {
		for (size_t c0 = 0; c0 < c->ncats; c0 += per_c) {
			struct sl_pslide *ps = new_slide(p, SLIDES_CHART, s, s->title, (*part)++);

			ps->chart = c;
			ps->c0 = c0;
			ps->c1 = c0 + per_c < c->ncats ? c0 + per_c : c->ncats;
			ps->s0 = s0;
			ps->s1 = s0 + per_s < c->nseries ? s0 + per_s : c->nseries;
		}
	}
}

static void plan_slide(struct sl_plan *p, const struct slides_slide *s)
{
	int lay = s->pinned ? s->layout : auto_layout(s);
	size_t part = 0, first = p->n;
	const struct slides_chart *chart = s->chart;
	bool bullets_done = false, table_done = false, chart_done = false, image_done = false;

	if (lay == SLIDES_CHART && chart == NULL && s->table != NULL) {
		chart = table_chart(p, s->table);
		table_done = chart != NULL;
	}
	/* a pin whose content is missing falls back to what the content asks for */
	if ((lay == SLIDES_CHART && chart == NULL) || (lay == SLIDES_TABLE && s->table == NULL) ||
	    (lay == SLIDES_IMAGE_TEXT && s->image_path == NULL) ||
	    (lay == SLIDES_TIMELINE && s->nbullets == 0) ||
	    (lay == SLIDES_TWO_COLUMN && s->nbullets == 0 && s->ncolumns == 0))
		lay = auto_layout(s);
	switch (lay) {
	case SLIDES_TITLE:
	case SLIDES_CLOSING:
	case SLIDES_SECTION:
	case SLIDES_AGENDA: {
		struct sl_pslide *ps = new_slide(p, lay, s, s->title, 0);

		for (size_t i = 0; i < s->nbullets; i++)
			add_item(ps, s->bullets[i].text, strlen(s->bullets[i].text), -1, 0);
		bullets_done = true;
		part = 1;
		break;
	}
	case SLIDES_CHART:
		plan_chart(p, s, chart, &part);
		chart_done = true;
		break;
	case SLIDES_TABLE:
		plan_table(p, s, &part);
		table_done = true;
		break;
	case SLIDES_IMAGE_TEXT:
		plan_bullets(p, s, SLIDES_IMAGE_TEXT, &part);
		bullets_done = image_done = true;
		break;
	case SLIDES_TWO_COLUMN:
		plan_two_column(p, s, &part);
		bullets_done = true;
		break;
	case SLIDES_TIMELINE:
		plan_timeline(p, s, &part);
		bullets_done = true;
		break;
	default:
		if (s->ncolumns > 0)
			plan_two_column(p, s, &part);
		else
			plan_bullets(p, s, SLIDES_BULLETS, &part);
		bullets_done = true;
		break;
	}
	if (!chart_done && s->chart != NULL)
		plan_chart(p, s, s->chart, &part);
	if (!table_done && s->table != NULL)
		plan_table(p, s, &part);
	if (!image_done && s->image_path != NULL) {
		struct sl_pslide *ps = new_slide(p, SLIDES_IMAGE_TEXT, s, s->title, part++);

		(void)ps;
	}
	if (!bullets_done && s->nbullets > 0) {
		if (s->ncolumns > 0)
			plan_two_column(p, s, &part);
		else
			plan_bullets(p, s, SLIDES_BULLETS, &part);
	}
	if (p->n > first)
		p->slides[first].notes = s->notes;
	for (size_t i = first; i < p->n; i++)
		p->slides[i].section = s->section;
}

static void plan_agenda(struct sl_plan *p, const struct slides_outline *o)
{
	size_t per = 7, k = (o->nsections + per - 1) / per;

	per = (o->nsections + k - 1) / k;
	for (size_t c = 0; c < k; c++) {
		struct sl_pslide *ps = new_slide(p, SLIDES_AGENDA, NULL, "目录", c);

		for (size_t i = c * per; i < o->nsections && i < (c + 1) * per; i++)
			add_item(ps, o->sections[i], strlen(o->sections[i]), 0, 0);
		ps->first_number = (int)(c * per);
	}
}

static void plan_section(struct sl_plan *p, const struct slides_outline *o, int sec)
{
	struct sl_pslide *ps = new_slide(p, SLIDES_SECTION, NULL, o->sections[sec], 0);
	char num[16];

	snprintf(num, sizeof(num), "%02d", sec + 1);
	add_item(ps, num, strlen(num), -1, 0);
	ps->section = sec;
}

static const char *deck_title(const struct slides_outline *o)
{
	if (o->title != NULL)
		return o->title;
	if (o->nslides > 0 && o->slides[0].pinned && o->slides[0].layout == SLIDES_TITLE)
		return o->slides[0].title;
	if (o->nsections > 0)
		return o->sections[0];
	if (o->nslides > 0)
		return o->slides[0].title;
	return "工作汇报";
}

void sl_plan_build(const struct slides_outline *o, struct sl_plan *p)
{
	size_t i = 0;
	int sec = -1;
	bool closing = o->nslides > 0 && o->slides[o->nslides - 1].pinned &&
		       o->slides[o->nslides - 1].layout == SLIDES_CLOSING;

	memset(p, 0, sizeof(*p));
	/* the first slide is a title slide: the user's pinned one, else generated */
	if (o->nslides > 0 && o->slides[0].pinned && o->slides[0].layout == SLIDES_TITLE) {
		plan_slide(p, &o->slides[0]);
		i = 1;
	} else {
		struct sl_pslide *ps = new_slide(p, SLIDES_TITLE, NULL, deck_title(o), 0);

		if (o->subtitle != NULL)
			add_item(ps, o->subtitle, strlen(o->subtitle), -1, 0);
		if (o->author != NULL)
			add_item(ps, o->author, strlen(o->author), -1, 0);
		if (o->date != NULL)
			add_item(ps, o->date, strlen(o->date), -1, 0);
	}
	/* an agenda when there are at least three sections (PPTist "contents") */
	if (o->nsections >= 3)
		plan_agenda(p, o);
	for (; i < o->nslides; i++) {
		while (sec < o->slides[i].section)
			plan_section(p, o, ++sec);
		plan_slide(p, &o->slides[i]);
	}
	/* sections without slides still get their section slide */
	while (sec + 1 < (int)o->nsections)
		plan_section(p, o, ++sec);
	if (!closing) {
		struct sl_pslide *ps = new_slide(p, SLIDES_CLOSING, NULL, "谢谢！", 0);

		add_item(ps, "敬请批评指正", strlen("敬请批评指正"), -1, 0);
	}
}
