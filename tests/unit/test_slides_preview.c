/*
 * slides preview (the web editor's JSON): built by the writer's planner, so
 * its count is the number of slides slides_render() writes, continuation
 * slides are marked, parse errors are not its business (the parser's); the
 * template list carries the colours the page draws with.
 */
#include <jansson.h>

#include "test.h"
#include "doc/xml.h"
#include "slides/slides.h"

static json_t *preview(const char *text, size_t *rendered)
{
	struct slides_outline *o = NULL;
	struct slides_render_opts opts = {NULL, rendered};
	struct err e = {0};
	struct buf b;
	char *pptx = NULL;
	size_t len = 0;
	json_t *v;

	doc_xml_init();
	ASSERT_EQ(slides_outline_parse(text, strlen(text), &o, &e), 0);
	buf_init(&b, (size_t)16 << 20);
	slides_preview_json(o, slides_template_find("keji"), &b);
	v = json_loadb(b.p, b.len, 0, NULL);
	ASSERT(v != NULL);
	ASSERT_EQ(slides_render(o, NULL, &opts, &pptx, &len, &e), 0);
	free(pptx);
	buf_free(&b);
	slides_outline_free(o);
	return v;
}

TEST(slides_preview_counts_what_render_writes)
{
	struct buf t;
	size_t n = 0;
	json_t *v, *s, *first = NULL;
	size_t i, parts = 0;

	buf_init(&t, (size_t)1 << 20);
	buf_adds(&t, "% 标题: 预览测试\n# 一、甲\n## 很多要点\n");
	for (int k = 0; k < 40; k++)
		buf_addf(&t, "- 第%d条要点，内容比较长，需要测量宽度后才能决定放几条\n", k);
	buf_adds(&t, "> 备注一句\n# 二、乙\n## 表\n| 指标 | 数值 |\n|---|---|\n| 甲 | 1 |\n");
	buf_adds(&t, "# 三、丙\n## 末页\n@layout closing\n");
	buf_addc(&t, '\0');
	v = preview(t.p, &n);
	ASSERT_EQ((size_t)json_integer_value(json_object_get(v, "count")), n);
	ASSERT_EQ(json_array_size(json_object_get(v, "slides")), n);
	ASSERT_STR_EQ(json_string_value(json_object_get(v, "template")), "keji");
	ASSERT_STR_EQ(json_string_value(json_object_get(v, "title")), "预览测试");
	json_array_foreach(json_object_get(v, "slides"), i, s)
	{
		const char *title = json_string_value(json_object_get(s, "title"));

		ASSERT_EQ((size_t)json_integer_value(json_object_get(s, "index")), i + 1);
		ASSERT(json_string_length(json_object_get(s, "layout_label")) > 0);
		if (strncmp(title, "很多要点", strlen("很多要点")) == 0) {
			ASSERT(json_is_true(json_object_get(s, "split")));
			ASSERT_EQ(json_integer_value(json_object_get(s, "source_line")), 3);
			if (first == NULL)
				first = s;
			parts++;
		}
	}
	ASSERT(parts >= 3); /* 40 long bullets do not fit on one slide */
	ASSERT_STR_EQ(json_string_value(json_object_get(first, "notes")), "备注一句");
	ASSERT_EQ(json_integer_value(json_object_get(first, "part")), 0);
	/* layouts: title first, agenda for three sections, closing last (pinned) */
	s = json_array_get(json_object_get(v, "slides"), 0);
	ASSERT_STR_EQ(json_string_value(json_object_get(s, "layout")), "title");
	ASSERT_STR_EQ(json_string_value(json_object_get(s, "layout_label")), "封面");
	s = json_array_get(json_object_get(v, "slides"), 1);
	ASSERT_STR_EQ(json_string_value(json_object_get(s, "layout")), "agenda");
	s = json_array_get(json_object_get(v, "slides"), n - 1);
	ASSERT_STR_EQ(json_string_value(json_object_get(s, "layout")), "closing");
	json_decref(v);
	buf_free(&t);
}

TEST(slides_preview_table_and_chart)
{
	size_t n = 0;
	json_t *v = preview("## 数据\n@layout chart\n| 年份 | 件数 |\n|---|---|\n| 2023 | 10 |\n| "
			    "2024 | 20 |\n| 2025 | 30 |\n## 表\n| a | b |\n|---|---|\n| 1 | 2 |\n",
			    &n);
	json_t *s, *chart = NULL, *table = NULL;
	size_t i;

	json_array_foreach(json_object_get(v, "slides"), i, s)
	{
		if (json_object_get(s, "chart") != NULL)
			chart = json_object_get(s, "chart");
		if (json_object_get(s, "table") != NULL)
			table = json_object_get(s, "table");
	}
	ASSERT(chart != NULL && table != NULL);
	ASSERT_EQ(json_array_size(json_object_get(chart, "categories")), 3);
	ASSERT(json_real_value(json_array_get(
		   json_object_get(json_array_get(json_object_get(chart, "series"), 0), "values"),
		   2)) == 30.0);
	ASSERT_EQ(json_array_size(json_object_get(table, "rows")), 2); /* header + one row */
	json_decref(v);
}

TEST(slides_templates_json_colours)
{
	struct buf b;
	json_t *v, *t;
	size_t i;

	buf_init(&b, (size_t)1 << 20);
	slides_templates_json(&b);
	v = json_loadb(b.p, b.len, 0, NULL);
	ASSERT(v != NULL);
	ASSERT_EQ(json_array_size(json_object_get(v, "templates")), slides_template_count());
	ASSERT_STR_EQ(json_string_value(json_object_get(v, "default")), "zhengwu");
	json_array_foreach(json_object_get(v, "templates"), i, t)
	{
		json_t *c = json_object_get(t, "colors");

		ASSERT(slides_template_find(json_string_value(json_object_get(t, "id"))) ==
		       slides_template_at(i));
		ASSERT(slides_template_find(json_string_value(json_object_get(t, "name"))) ==
		       slides_template_at(i));
		ASSERT_EQ(json_string_length(json_object_get(c, "hero_bg")), 6);
		ASSERT_EQ(json_string_length(json_object_get(c, "accent")), 6);
	}
	json_decref(v);
	buf_free(&b);
	ASSERT_STR_EQ(slides_layout_label(SLIDES_TWO_COLUMN), "两栏");
	ASSERT_STR_EQ(slides_layout_label(99), "?");
}
