/*
 * slides: the outline parser (grammar, line-numbered errors, limits, round
 * trip), the text measurer, the splitter (plan) and the extractor, and that
 * slides_render() returns a package with the parts a deck needs.
 */
#include "test.h"
#include "doc/xml.h"
#include "doc/zip.h"
#include "slides/plan.h"
#include "slides/slides.h"

static struct slides_outline *parse_ok(const char *s)
{
	struct slides_outline *o = NULL;
	struct err e = {0};
	int rc = slides_outline_parse(s, strlen(s), &o, &e);

	if (rc != 0)
		TEST_FAIL_AT("parse failed: %s", e.msg);
	return o;
}

/* Parse must fail with code and a message containing want. */
static void parse_err(const char *s, size_t len, int code, const char *want)
{
	struct slides_outline *o = NULL;
	struct err e = {0};
	int rc = slides_outline_parse(s, len, &o, &e);

	ASSERT_EQ(rc, code);
	ASSERT(o == NULL);
	ASSERT_CONTAINS(e.msg, want);
}

static const char *const sample = "\xef\xbb\xbf% 标题: 工作汇报\r\n"
				  "% 副标题：2026年1月\n"
				  "# 一、成效\n"
				  "## 服务提升\n"
				  "- 网上可办率98%\n"
				  "  - 其中秒批320项\n"
				  "\t\t\t- 很深的缩进也只算第二级\n"
				  "普通一行也是要点\n"
				  "> 讲稿一\n"
				  "> 讲稿二\n"
				  "## 指标\n"
				  "@layout table\n"
				  "| 指标 | 2024 | 2025 |\n"
				  "|:---|---:|---|\n"
				  "| 可办率 | 95% | 98% |\n"
				  "# 二、问题\n"
				  "## 图表\n"
				  "```chart line\n"
				  "年份,甲,乙\n"
				  "2024,1,2\n"
				  "2025，3，4.5\n"
				  "```\n"
				  "## 对比\n"
				  "|| 前\n"
				  "- a\n"
				  "|| 后\n"
				  "- b\n"
				  "## 图片\n"
				  "![大厅](img/hall.png)\n";

TEST(slides_outline_grammar)
{
	struct slides_outline *o = parse_ok(sample);
	const struct slides_slide *s;

	ASSERT_STR_EQ(o->title, "工作汇报");
	ASSERT_STR_EQ(o->subtitle, "2026年1月");
	ASSERT_EQ(o->nsections, 2);
	ASSERT_EQ(o->nslides, 5);
	s = &o->slides[0];
	ASSERT_STR_EQ(s->title, "服务提升");
	ASSERT_EQ(s->section, 0);
	ASSERT_EQ(s->nbullets, 4);
	ASSERT_EQ(s->bullets[0].level, 0);
	ASSERT_EQ(s->bullets[1].level, 1);
	ASSERT_EQ(s->bullets[2].level, 1);
	ASSERT_STR_EQ(s->bullets[3].text, "普通一行也是要点");
	ASSERT_STR_EQ(s->notes, "讲稿一\n讲稿二");
	ASSERT_EQ(s->line, 4);
	s = &o->slides[1];
	ASSERT(s->pinned);
	ASSERT_EQ(s->layout, SLIDES_TABLE);
	ASSERT_EQ(s->table->ncols, 3);
	ASSERT_EQ(s->table->nrows, 2); /* separator skipped */
	ASSERT_STR_EQ(s->table->cells[4], "95%");
	s = &o->slides[2];
	ASSERT_EQ(s->section, 1);
	ASSERT_EQ(s->chart->kind, SLIDES_CHART_LINE);
	ASSERT_EQ(s->chart->ncats, 2);
	ASSERT_EQ(s->chart->nseries, 2);
	/* series-major: 甲 = 1, 3; 乙 = 2, 4.5 */
	ASSERT(s->chart->values[1] == 3.0);
	ASSERT(s->chart->values[3] == 4.5);
	s = &o->slides[3];
	ASSERT_EQ(s->ncolumns, 2);
	ASSERT_EQ(s->bullets[0].column, 0);
	ASSERT_EQ(s->bullets[1].column, 1);
	ASSERT_STR_EQ(s->col_heading[1], "后");
	s = &o->slides[4];
	ASSERT_STR_EQ(s->image_path, "img/hall.png");
	ASSERT_STR_EQ(s->image_alt, "大厅");
	slides_outline_free(o);
}

TEST(slides_outline_roundtrip)
{
	struct slides_outline *o = parse_ok(sample), *o2;
	struct buf a, b;

	buf_init(&a, 1 << 20);
	buf_init(&b, 1 << 20);
	slides_outline_write(o, &a);
	o2 = parse_ok(a.p);
	slides_outline_write(o2, &b);
	ASSERT_STR_EQ(a.p, b.p);
	ASSERT_EQ(o2->nslides, o->nslides);
	ASSERT_EQ(o2->slides[1].table->nrows, 2);
	ASSERT(o2->slides[2].chart->values[3] == 4.5);
	slides_outline_free(o);
	slides_outline_free(o2);
	buf_free(&a);
	buf_free(&b);
}

TEST(slides_outline_errors_name_the_line)
{
	const char *s;

	s = "- 要点\n";
	parse_err(s, strlen(s), BASE_E_FORMAT, "第 1 行：正文必须写在");
	s = "## 页\n| a | b |\n| 1 | 2 | 3 |\n";
	parse_err(s, strlen(s), BASE_E_FORMAT, "第 3 行：表格列数不一致（表头 2 列，本行 3 列）");
	s = "## 页\n```chart bar\n类别,值\n甲,十二\n```\n";
	parse_err(s, strlen(s), BASE_E_FORMAT, "第 4 行：图表数值“十二”不是数字");
	s = "## 页\n```chart bar\n类别,值\n```\n";
	parse_err(s, strlen(s), BASE_E_FORMAT, "第 2 行：图表没有数据行");
	s = "## 页\n```chart radar\n";
	parse_err(s, strlen(s), BASE_E_FORMAT, "第 2 行：未知图表类型");
	s = "## 页\n```chart bar\n类别,值\n甲,1\n";
	parse_err(s, strlen(s), BASE_E_FORMAT, "第 2 行：图表块缺少结束");
	s = "% 颜色: 红\n";
	parse_err(s, strlen(s), BASE_E_FORMAT, "第 1 行：未知的设置项“颜色”");
	s = "## 页\n% 标题: 晚了\n";
	parse_err(s, strlen(s), BASE_E_FORMAT, "第 2 行：“%”设置行必须写在第一个标题之前");
	s = "## 页\n### 三级\n";
	parse_err(s, strlen(s), BASE_E_FORMAT, "第 2 行：不支持三级标题");
	s = "## 页\n@layout bullets\n@layout table\n";
	parse_err(s, strlen(s), BASE_E_FORMAT, "第 3 行：同一页只能有一个 @layout");
	s = "## 页\n@layout fancy\n";
	parse_err(s, strlen(s), BASE_E_FORMAT, "第 2 行：未知版式“fancy”");
	s = "## 页\n|| a\n|| b\n|| c\n";
	parse_err(s, strlen(s), BASE_E_FORMAT, "第 4 行：最多两栏");
	s = "## 页\n![说明](a.png\n";
	parse_err(s, strlen(s), BASE_E_FORMAT, "第 2 行：图片应写成");
	s = "##\n";
	parse_err(s, strlen(s), BASE_E_FORMAT, "第 1 行：标题为空");
	s = "\n\n   \n";
	parse_err(s, strlen(s), BASE_E_FORMAT, "大纲为空");
	s = "## 页\n- a\x01b\n";
	parse_err(s, strlen(s), BASE_E_FORMAT, "第 2 行：含有控制字符");
	s = "## 页\n- a\rb\n";
	parse_err(s, strlen(s), BASE_E_FORMAT, "第 2 行：含有控制字符");
	s = "## 页\n- \xef\xbf\xbe\n";
	parse_err(s, strlen(s), BASE_E_FORMAT, "第 2 行：含有非字符");
	s = "## 页\n- \xe5\x85\n";
	parse_err(s, strlen(s), BASE_E_FORMAT, "第 2 行：不是有效的 UTF-8");
	parse_err("## 页\n- a\0b\n", sizeof("## 页\n- a\0b\n") - 1, BASE_E_FORMAT,
		  "第 2 行：含有控制字符");
}

TEST(slides_outline_limits)
{
	struct buf b;

	buf_init(&b, (size_t)4 << 20);
	buf_adds(&b, "## ");
	for (int i = 0; i < 121; i++)
		buf_adds(&b, "长");
	parse_err(b.p, b.len, BASE_E_LIMIT, "第 1 行：标题过长");
	buf_reset(&b);
	buf_adds(&b, "## 页\n- ");
	for (int i = 0; i < 4001; i++)
		buf_adds(&b, "x");
	parse_err(b.p, b.len, BASE_E_LIMIT, "第 2 行：行过长");
	buf_reset(&b);
	for (int i = 0; i < 301; i++)
		buf_adds(&b, "## 页\n");
	parse_err(b.p, b.len, BASE_E_LIMIT, "第 301 行：幻灯片过多");
	buf_reset(&b);
	buf_adds(&b, "## 页\n");
	for (int i = 0; i < 201; i++)
		buf_adds(&b, "- 点\n");
	parse_err(b.p, b.len, BASE_E_LIMIT, "第 202 行：本页要点过多");
	buf_reset(&b);
	buf_adds(&b, "## 页\n| 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 |\n");
	parse_err(b.p, b.len, BASE_E_LIMIT, "第 2 行：表格列数过多");
	buf_reset(&b);
	while (b.len <= SLIDES_MAX_INPUT)
		buf_adds(&b, "## 页\n- 要点要点要点要点要点要点要点要点\n");
	parse_err(b.p, b.len, BASE_E_LIMIT, "大纲过大");
	buf_free(&b);
}

TEST(slides_measure_widths_and_lines)
{
	/* CJK and full-width punctuation 1 em; Latin about half */
	ASSERT_EQ(slides_text_width("政务服务", strlen("政务服务")), 4000);
	ASSERT_EQ(slides_text_width("，。", strlen("，。")), 2000);
	ASSERT(slides_text_width("abcd", 4) < 2600);
	ASSERT(slides_text_width("abcd", 4) > 1800);
	ASSERT(slides_text_width("ABCD", 4) > slides_text_width("abcd", 4));
	ASSERT_EQ(slides_text_width(" ", 1), 300);
	/* 10 CJK characters in a 4-em box: 3 lines */
	ASSERT_EQ(slides_text_lines("一二三四五六七八九十", strlen("一二三四五六七八九十"), 4000),
		  3);
	ASSERT_EQ(slides_text_lines("一二三四", strlen("一二三四"), 4000), 1);
	/* a Latin word moves to the next line whole */
	ASSERT_EQ(slides_text_lines("一二三 platform", strlen("一二三 platform"), 5000), 2);
	/* a closing comma does not start a line: it hangs on the previous one */
	ASSERT_EQ(slides_text_lines("一二三四，", strlen("一二三四，"), 4000), 1);
	/* a word longer than the line is broken */
	ASSERT(slides_text_lines("abcdefghijklmnopqrstuvwxyz", 26, 4000) >= 4);
	ASSERT_EQ(slides_text_lines("一\n二", strlen("一\n二"), 4000), 2);
}

static size_t count_layout(const struct sl_plan *p, int layout)
{
	size_t n = 0;

	for (size_t i = 0; i < p->n; i++)
		n += p->slides[i].layout == layout;
	return n;
}

TEST(slides_splitter_bullets)
{
	struct buf b;
	struct slides_outline *o;
	struct sl_plan p;
	struct sl_geom g;
	size_t items = 0, parts = 0;

	buf_init(&b, 1 << 20);
	buf_adds(&b, "## 很多要点\n");
	for (int i = 0; i < 15; i++)
		buf_addf(&b,
			 "- 第%d条：推进政务服务一网通办，提升网上可办率和群众满意度，完善考核\n",
			 i + 1);
	buf_adds(&b, "> 只在第一页\n");
	o = parse_ok(b.p);
	sl_plan_build(o, &p);
	slides_geom(SLIDES_BULLETS, &g);
	ASSERT_EQ(p.slides[0].layout, SLIDES_TITLE);
	ASSERT_EQ(p.slides[p.n - 1].layout, SLIDES_CLOSING);
	for (size_t i = 0; i < p.n; i++) {
		const struct sl_pslide *s = &p.slides[i];
		size_t l0 = 0;

		if (s->layout != SLIDES_BULLETS)
			continue;
		for (size_t k = 0; k < s->nitems; k++)
			l0 += s->items[k].level == 0;
		ASSERT(l0 <= 6);
		/* each chunk fits its box at the split size (20 pt) */
		ASSERT(sl_items_fit(s->items, s->nitems, &g.body[0], 20));
		if (parts == 0) {
			ASSERT_STR_EQ(s->title, "很多要点");
			ASSERT_STR_EQ(s->notes, "只在第一页");
		} else {
			ASSERT_STR_EQ(s->title, "很多要点（续）");
			ASSERT(s->notes == NULL);
		}
		items += s->nitems;
		parts++;
	}
	ASSERT_EQ(items, 15); /* nothing lost, nothing doubled */
	ASSERT(parts >= 3);
	sl_plan_free(&p);
	slides_outline_free(o);
	buf_free(&b);
}

TEST(slides_splitter_long_bullet_and_sizes)
{
	struct buf b;
	struct slides_outline *o;
	struct sl_plan p;
	struct sl_geom g;
	size_t pieces = 0, bytes = 0, want;

	buf_init(&b, 1 << 20);
	buf_adds(&b, "## 长\n- ");
	for (int i = 0; i < 12; i++)
		buf_adds(&b, "为深入贯彻落实关于加快推进政务服务平台建设的决策部署，");
	buf_adds(&b, "特制定本方案。\n");
	want = strlen(strchr(b.p, '-') + 2) - 1;
	o = parse_ok(b.p);
	sl_plan_build(o, &p);
	slides_geom(SLIDES_BULLETS, &g);
	for (size_t i = 0; i < p.n; i++) {
		if (p.slides[i].layout != SLIDES_BULLETS)
			continue;
		for (size_t k = 0; k < p.slides[i].nitems; k++) {
			bytes += strlen(p.slides[i].items[k].text);
			pieces++;
		}
		ASSERT(sl_items_fit(p.slides[i].items, p.slides[i].nitems, &g.body[0], 20));
	}
	ASSERT(pieces >= 2);
	ASSERT_EQ(bytes, want);
	/* short content gets the largest size; more content a smaller one */
	{
		struct sl_item one = {"一条", 0, 0};

		ASSERT_EQ(sl_items_size(&one, 1, &g.body[0], 24, 14), 24);
		ASSERT(sl_items_size(p.slides[1].items, p.slides[1].nitems, &g.body[0], 24, 14) <
		       24);
	}
	sl_plan_free(&p);
	slides_outline_free(o);
	buf_free(&b);
}

TEST(slides_splitter_table_chart_timeline_agenda)
{
	struct buf b;
	struct slides_outline *o;
	struct sl_plan p;
	size_t next = 1, charts = 0;

	buf_init(&b, 1 << 20);
	for (int s = 0; s < 9; s++)
		buf_addf(&b, "# 第%d部分\n", s + 1);
	buf_adds(&b, "## 表\n| 序号 | 单位 | 数 |\n|---|---|---|\n");
	for (int i = 0; i < 25; i++)
		buf_addf(&b, "| %d | 第%d街道 | %d |\n", i + 1, i + 1, i * 3);
	buf_adds(&b, "## 图\n```chart bar\n期,a,b,c,d,e,f\n");
	for (int i = 0; i < 20; i++)
		buf_addf(&b, "第%d期,1,2,3,4,5,6\n", i + 1);
	buf_adds(&b, "```\n## 进程\n");
	for (int i = 0; i < 9; i++)
		buf_addf(&b, "- 2025年%d月：第%d阶段\n", i + 1, i + 1);
	o = parse_ok(b.p);
	sl_plan_build(o, &p);
	ASSERT_EQ(count_layout(&p, SLIDES_AGENDA), 2);
	ASSERT_EQ(count_layout(&p, SLIDES_SECTION), 9);
	ASSERT_EQ(count_layout(&p, SLIDES_TIMELINE), 2);
	ASSERT_EQ(count_layout(&p, SLIDES_CHART), 4); /* 20 cats -> 2 x 10, 6 series -> 4 + 2 */
	for (size_t i = 0; i < p.n; i++) {
		const struct sl_pslide *s = &p.slides[i];

		if (s->layout == SLIDES_TABLE) {
			ASSERT_EQ(s->r0, next); /* contiguous, header row 0 repeated */
			ASSERT(s->r1 > s->r0);
			ASSERT(s->r1 - s->r0 <= 10);
			next = s->r1;
		}
		if (s->layout == SLIDES_CHART) {
			ASSERT(s->c1 - s->c0 <= 12);
			ASSERT(s->s1 - s->s0 <= 4);
			charts += (s->c1 - s->c0) * (s->s1 - s->s0);
		}
		if (s->layout == SLIDES_TIMELINE)
			ASSERT(s->nitems >= 3 && s->nitems <= 6);
	}
	ASSERT_EQ(next, 26);
	ASSERT_EQ(charts, 120);
	sl_plan_free(&p);
	slides_outline_free(o);
	buf_free(&b);
}

TEST(slides_layout_choice)
{
	struct slides_outline *o = parse_ok("## 进程\n- 2023年3月：启动\n- 2024-06：上线\n"
					    "- 2025.1 扩展\n## 不是进程\n- 2023年3月：启动\n"
					    "- 普通\n- 2025年：完成\n## 数表\n@layout chart\n"
					    "| 区 | 2024 |\n|---|---|\n| 甲 | 1 |\n| 乙 | 2 |\n"
					    "## 字表\n@layout chart\n| 区 | 说明 |\n| 甲 | 好 |\n");
	struct sl_plan p;
	size_t sep;

	sl_plan_build(o, &p);
	ASSERT_EQ(p.slides[1].layout, SLIDES_TIMELINE);
	ASSERT_EQ(p.slides[2].layout, SLIDES_BULLETS);
	/* a numeric table pinned as chart becomes a chart; a text table stays a table */
	ASSERT_EQ(p.slides[3].layout, SLIDES_CHART);
	ASSERT_EQ(p.slides[3].chart->nseries, 1);
	ASSERT_EQ(p.slides[4].layout, SLIDES_TABLE);
	ASSERT_EQ(sl_date_prefix("2024年3月：启动", &sep), strlen("2024年3月"));
	ASSERT_EQ(sl_date_prefix("2024：启动", &sep), 4);
	ASSERT_EQ(sl_date_prefix("12345热线", &sep), 0);
	ASSERT_EQ(sl_date_prefix("2024年", &sep), 0);
	sl_plan_free(&p);
	slides_outline_free(o);
}

static char *extract(const char *text, const char *kind, int *rc)
{
	struct buf b;
	struct err e = {0};

	buf_init(&b, (size_t)8 << 20);
	*rc = slides_extract(text, strlen(text), kind, "输入.txt", &b, &e);
	return buf_detach(&b, NULL);
}

TEST(slides_extract_text)
{
	int rc;
	char *out =
	    extract("数字政府工作报告\n"
		    "一、主要成效\n"
		    "（一）服务提升。全年新增事项326项，网上可办率达到98.6%。平均办理时长缩短。"
		    "综合窗口占比达到80%。\n"
		    "（二）数据共享。调用量达到356万次。\n"
		    "二、下一步\n"
		    "2026年3月：完成立项。\n2026年6月：上线首批服务。\n2026年9月：完成建设。\n",
		    "txt", &rc);
	struct slides_outline *o;

	ASSERT_EQ(rc, 0);
	ASSERT_CONTAINS(out, "% 标题: 数字政府工作报告\n");
	ASSERT_CONTAINS(out, "# 一、主要成效\n");
	ASSERT_CONTAINS(out, "## （一）服务提升\n");
	ASSERT_CONTAINS(out, "- 全年新增事项326项，网上可办率达到98.6%\n");
	/* mixed units: a table, not a chart */
	ASSERT_CONTAINS(out, "| 指标 | 数值 |\n| --- | --- |\n| 新增事项 | 326项 |\n");
	ASSERT_CONTAINS(out, "| 网上可办率 | 98.6% |\n");
	ASSERT_CONTAINS(out, "> 全年新增事项326项");
	ASSERT_CONTAINS(out, "## 二、下一步\n- 2026年3月：完成立项\n");
	o = parse_ok(out);
	ASSERT(o->nslides >= 4);
	slides_outline_free(o);
	free(out);
	/* invalid UTF-8 is refused with the offset */
	{
		struct buf b;
		struct err e = {0};

		buf_init(&b, 1 << 20);
		ASSERT_EQ(slides_extract("好\xff", 4, "txt", "坏.txt", &b, &e), BASE_E_FORMAT);
		ASSERT_CONTAINS(e.msg, "坏.txt: 不是有效的 UTF-8 文本（第 4 字节）");
		buf_free(&b);
	}
	/* nothing to extract still gives a parseable outline */
	out = extract("", "md", &rc);
	ASSERT_EQ(rc, 0);
	o = parse_ok(out);
	slides_outline_free(o);
	free(out);
}

TEST(slides_extract_markdown_no_headings)
{
	int rc;
	char *out = extract("# 报告\n\n第一段很长的正文，包含数字12项。第二句话。\n\n"
			    "- 列表一\n- 列表二\n\n| a | b |\n|---|---|\n| 1 | 2 |\n| 3 |\n"
			    "```\n代码块被跳过\n```\n",
			    "md", &rc);
	struct slides_outline *o;

	ASSERT_EQ(rc, 0);
	ASSERT_CONTAINS(out, "% 标题: 报告\n");
	ASSERT_CONTAINS(out, "- 列表一\n");
	ASSERT_CONTAINS(out, "| 1 | 2 |\n");
	ASSERT(strstr(out, "| 3 |") == NULL); /* a ragged row would not parse */
	ASSERT(strstr(out, "代码块") == NULL);
	o = parse_ok(out);
	slides_outline_free(o);
	free(out);
}

TEST(slides_render_package)
{
	struct slides_outline *o = parse_ok(sample);
	struct doc_zip_limits lim;
	struct doc_zip *z = NULL;
	struct err e = {0};
	char *pptx = NULL, *x = NULL;
	size_t len = 0, xl = 0, n = 0;
	struct slides_render_opts opts = {NULL, &n};

	doc_xml_init();
	ASSERT_EQ(slides_render(o, slides_template_find("科技蓝"), &opts, &pptx, &len, &e), 0);
	ASSERT(len > 1000);
	doc_zip_default_limits(&lim);
	ASSERT_EQ(doc_zip_open_mem(pptx, len, "deck.pptx", &lim, &z, &e), 0);
	ASSERT_STR_EQ(doc_zip_name(z, 0), "[Content_Types].xml");
	ASSERT(doc_zip_find(z, "ppt/presentation.xml") >= 0);
	ASSERT(doc_zip_find(z, "ppt/slideLayouts/slideLayout10.xml") >= 0);
	ASSERT(doc_zip_find(z, "ppt/charts/chart1.xml") >= 0);
	ASSERT(doc_zip_find(z, "ppt/embeddings/Microsoft_Excel_Worksheet1.xlsx") >= 0);
	ASSERT(doc_zip_find(z, "ppt/notesSlides/notesSlide1.xml") >= 0);
	ASSERT(n >= 9);
	/* without an image directory the picture becomes a caption, never a file read */
	ASSERT_EQ(doc_zip_read(z, "ppt/slides/slide9.xml", &x, &xl, &e), 0);
	ASSERT(doc_zip_find(z, "ppt/media/image1.png") < 0);
	free(x);
	ASSERT_EQ(doc_zip_read(z, "ppt/theme/theme1.xml", &x, &xl, &e), 0);
	ASSERT_CONTAINS(x, "name=\"科技蓝\"");
	free(x);
	doc_zip_close(z);
	free(pptx);
	ASSERT(slides_template_find("nope") == NULL);
	ASSERT_EQ(slides_template_count(), 3);
	slides_outline_free(o);
}

TEST(slides_timeline_too_long_becomes_bullets)
{
	struct buf b;
	struct slides_outline *o;
	struct sl_plan p;

	buf_init(&b, 1 << 20);
	buf_adds(&b, "## 进程\n- 2023年3月：");
	for (int i = 0; i < 800; i++)
		buf_adds(&b, "长");
	buf_adds(&b, "\n- 2024年1月：上线\n- 2025年1月：推广\n");
	o = parse_ok(b.p);
	sl_plan_build(o, &p);
	ASSERT_EQ(count_layout(&p, SLIDES_TIMELINE), 0);
	ASSERT(count_layout(&p, SLIDES_BULLETS) >= 1);
	sl_plan_free(&p);
	slides_outline_free(o);
	buf_free(&b);
}
