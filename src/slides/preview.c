/*
 * slides/preview: the deck as JSON for the outline editor's live preview,
 * built by the same planner the .pptx writer uses (sl_plan_build), so the
 * slide count, layouts and splits shown are those of the file downloaded.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "slides/plan.h"

/* Table rows and chart categories shown per preview slide (the thumbnail
 * cannot show more; the .pptx has them all). */
#define PREVIEW_MAX_ROWS 8
#define PREVIEW_MAX_CATS 12

static const char *const layout_labels[SLIDES_NLAYOUTS] = {
    "自动", "封面", "目录", "章节", "要点", "两栏", "表格", "图表", "图文", "时间线", "结束页"};

static const char *const chart_kinds[] = {"bar", "line", "pie"};

const char *slides_layout_label(int layout)
{
	if (layout < 0 || layout >= SLIDES_NLAYOUTS)
		return "?";
	return layout_labels[layout];
}

static json_t *jstr(const char *s)
{
	json_t *v = json_string(s != NULL ? s : "");

	/* the parser admits valid UTF-8 only; never NULL in practice */
	return v != NULL ? v : json_string("");
}

static json_t *table_json(const struct sl_pslide *s)
{
	const struct slides_table *t = s->table;
	json_t *rows = json_array();
	size_t r1 = s->r1;

	if (r1 > s->r0 + PREVIEW_MAX_ROWS)
		r1 = s->r0 + PREVIEW_MAX_ROWS;
	for (size_t r = 0; r < t->nrows; r++) {
		json_t *row;

		if (r != 0 && (r < s->r0 || r >= r1))
			continue;
		row = json_array();
		for (size_t c = 0; c < t->ncols; c++)
			json_array_append_new(row, jstr(t->cells[r * t->ncols + c]));
		json_array_append_new(rows, row);
	}
	return json_pack("{s:o,s:I}", "rows", rows, "data_rows", (json_int_t)(s->r1 - s->r0));
}

static json_t *chart_json(const struct sl_pslide *s)
{
	const struct slides_chart *c = s->chart;
	json_t *cats = json_array(), *series = json_array();
	size_t c1 = s->c1;

	if (c1 > s->c0 + PREVIEW_MAX_CATS)
		c1 = s->c0 + PREVIEW_MAX_CATS;
	for (size_t i = s->c0; i < c1; i++)
		json_array_append_new(cats, jstr(c->cats[i]));
	for (size_t k = s->s0; k < s->s1; k++) {
		json_t *vals = json_array();

		for (size_t i = s->c0; i < c1; i++)
			json_array_append_new(vals, json_real(c->values[k * c->ncats + i]));
		json_array_append_new(
		    series, json_pack("{s:o,s:o}", "name", jstr(c->series[k]), "values", vals));
	}
	return json_pack("{s:s,s:o,s:o}", "kind",
			 c->kind >= 0 && c->kind < 3 ? chart_kinds[c->kind] : "bar", "categories",
			 cats, "series", series);
}

static json_t *slide_json(const struct sl_plan *p, size_t i)
{
	const struct sl_pslide *s = &p->slides[i];
	json_t *items = json_array();
	json_t *o;
	size_t parts = 0;

	for (size_t j = 0; j < s->nitems; j++)
		json_array_append_new(
		    items, json_pack("{s:o,s:i,s:i}", "text", jstr(s->items[j].text), "level",
				     s->items[j].level, "column", s->items[j].column));
	if (s->src != NULL)
		for (size_t j = 0; j < p->n; j++)
			parts += p->slides[j].src == s->src;
	o = json_pack("{s:I,s:s,s:s,s:o,s:o,s:I,s:b,s:i}", "index", (json_int_t)(i + 1), "layout",
		      slides_layout_name(s->layout), "layout_label", slides_layout_label(s->layout),
		      "title", jstr(s->title), "items", items, "part", (json_int_t)s->part, "split",
		      parts > 1, "section", s->section);
	json_object_set_new(o, "source_line",
			    s->src != NULL ? json_integer((json_int_t)s->src->line) : json_null());
	json_object_set_new(o, "notes", s->notes != NULL ? jstr(s->notes) : json_null());
	if (s->table != NULL)
		json_object_set_new(o, "table", table_json(s));
	if (s->chart != NULL)
		json_object_set_new(o, "chart", chart_json(s));
	if (s->layout == SLIDES_IMAGE_TEXT && s->src != NULL && s->src->image_path != NULL)
		json_object_set_new(o, "image",
				    json_pack("{s:o,s:o}", "path", jstr(s->src->image_path), "alt",
					      jstr(s->src->image_alt)));
	return o;
}

static void dump(json_t *v, struct buf *out)
{
	char *text = json_dumps(v, JSON_COMPACT);

	json_decref(v);
	if (text != NULL)
		buf_adds(out, text);
	free(text);
}

void slides_preview_json(const struct slides_outline *o, const struct slides_template *t,
			 struct buf *out)
{
	struct sl_plan plan;
	json_t *list = json_array();

	if (t == NULL)
		t = slides_template_find(NULL);
	sl_plan_build(o, &plan);
	for (size_t i = 0; i < plan.n; i++)
		json_array_append_new(list, slide_json(&plan, i));
	dump(json_pack("{s:I,s:o,s:s,s:o,s:[]}", "count", (json_int_t)plan.n, "title",
		       jstr(plan.n > 0 ? plan.slides[0].title : ""), "template",
		       slides_template_id(t), "slides", list, "errors"),
	     out);
	sl_plan_free(&plan);
}

static json_t *template_json(const struct slides_template *t)
{
	return json_pack("{s:s,s:s,s:{s:s,s:s,s:s,s:s,s:s,s:s,s:s},s:s,s:i}", "id", t->id, "name",
			 t->label, "colors", "hero_bg", t->hero_bg != NULL ? t->hero_bg : t->clr[1],
			 "hero_fg", t->hero_fg, "hero_sub", t->hero_sub, "title", t->title_fg,
			 "body", t->body_fg, "accent", t->accent, "accent2", t->accent2, "font",
			 t->major_ea, "decoration", t->deco);
}

void slides_templates_json(struct buf *out)
{
	json_t *list = json_array();

	for (size_t i = 0; i < slides_template_count(); i++)
		json_array_append_new(list, template_json(slides_template_at(i)));
	dump(json_pack("{s:o,s:s}", "templates", list, "default",
		       slides_template_id(slides_template_find(NULL))),
	     out);
}
