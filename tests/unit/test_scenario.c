/* Unit tests: template language, .docx writer escaping, scenario loader
 * errors (file + JSON path), form validation, 公文 drafting text rules. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "doc/docx_write.h"
#include "gongwen/draft.h"
#include "scenario/scenario.h"
#include "scenario/tmpl.h"
#include "text/regex.h"
#include "text/text.h"
#include "test.h"

static char *render(const char *tmpl, const char *json, int *rc_out, char *errmsg)
{
	struct scn_tmpl *t = NULL;
	struct err e = {0};
	struct buf b;
	json_t *ctx = json_loads(json, 0, NULL);
	int rc = scn_tmpl_parse(tmpl, strlen(tmpl), "t", &t, &e);

	buf_init(&b, 1 << 20);
	if (rc == 0)
		rc = scn_tmpl_render(t, ctx, &b, &e);
	*rc_out = rc;
	if (errmsg != NULL)
		snprintf(errmsg, 512, "%s", e.msg);
	scn_tmpl_free(t);
	json_decref(ctx);
	return buf_detach(&b, NULL);
}

TEST(tmpl_fields_blocks_and_each)
{
	int rc;
	char *s =
	    render("{{a}}|{{b.c}}|{{#if x}}X{{else}}Y{{/if}}|{{#each l}}{{@index}}.{{.}};{{/each}}",
		   "{\"a\":\"甲\",\"b\":{\"c\":3},\"x\":\"\",\"l\":[\"p\",\"q\"]}", &rc, NULL);
	ASSERT_EQ(rc, 0);
	ASSERT_STR_EQ(s, "甲|3|Y|1.p;2.q;");
	free(s);
	/* scopes: inside each, names resolve on the item first, then outside */
	s = render("{{#each rows}}{{name}}@{{org}} {{/each}}",
		   "{\"org\":\"局\",\"rows\":[{\"name\":\"张\"},{\"name\":\"李\",\"org\":\"委\"}]}",
		   &rc, NULL);
	ASSERT_STR_EQ(s, "张@局 李@委 ");
	free(s);
	s = render("{{#eq k \"复函\"}}R{{else}}G{{/eq}}{{#unless n}}-{{/unless}}{{#each "
		   "e}}x{{else}}空{{/each}}",
		   "{\"k\":\"复函\",\"n\":0,\"e\":[]}", &rc, NULL);
	ASSERT_STR_EQ(s, "R-空");
	free(s);
}

TEST(tmpl_standalone_block_lines_vanish)
{
	int rc;
	char *s = render("a\n{{#if x}}\nb\n{{/if}}\nc\n", "{\"x\":true}", &rc, NULL);
	ASSERT_STR_EQ(s, "a\nb\nc\n");
	free(s);
	s = render("a\n  {{#if x}}  \nb\n{{/if}}\nc\n", "{}", &rc, NULL);
	ASSERT_STR_EQ(s, "a\nc\n");
	free(s);
}

TEST(tmpl_filters)
{
	int rc;
	char *s = render("{{d|date_cn}} {{m|money_cn}} {{n|num_cn}} {{z|blank}} {{l|count}}",
			 "{\"d\":\"2025-03-05\",\"m\":1234.5,\"n\":12,\"z\":\"\",\"l\":[1,2,3]}",
			 &rc, NULL);
	ASSERT_STR_EQ(s, "2025年3月5日 壹仟贰佰叁拾肆元伍角整 十二 【待填写】 3");
	free(s);
	/* a value the filter cannot read is shown as is, never invented */
	s = render("{{d|date_cn}}", "{\"d\":\"2025-02-30\"}", &rc, NULL);
	ASSERT_STR_EQ(s, "2025-02-30");
	free(s);
}

TEST(tmpl_money_cn)
{
	char o[256];
	ASSERT(scn_money_cn(48000, o, sizeof(o)));
	ASSERT_STR_EQ(o, "肆万捌仟元整");
	ASSERT(scn_money_cn(3500000000.0, o, sizeof(o)));
	ASSERT_STR_EQ(o, "叁拾伍亿元整");
	ASSERT(scn_money_cn(100000.07, o, sizeof(o)));
	ASSERT_STR_EQ(o, "壹拾万元零柒分");
	ASSERT(scn_money_cn(1005, o, sizeof(o)));
	ASSERT_STR_EQ(o, "壹仟零伍元整");
	ASSERT(scn_money_cn(0.5, o, sizeof(o)));
	ASSERT_STR_EQ(o, "伍角整");
	ASSERT(scn_money_cn(159, o, sizeof(o)));
	ASSERT_STR_EQ(o, "壹佰伍拾玖元整");
	ASSERT(!scn_money_cn(-1, o, sizeof(o)));
	ASSERT(!scn_money_cn(1e13, o, sizeof(o)));
}

TEST(tmpl_date_parse)
{
	int y, m, d;
	ASSERT_EQ(scn_date_parse("2024-02-29", &y, &m, &d), 0);
	ASSERT_EQ(scn_date_parse("2025年3月5日", &y, &m, &d), 0);
	ASSERT_EQ(m, 3);
	ASSERT_EQ(scn_date_parse("2025-02-29", &y, &m, &d), -1);
	ASSERT_EQ(scn_date_parse("2025-13-01", &y, &m, &d), -1);
	ASSERT_EQ(scn_date_parse("2025-1-1x", &y, &m, &d), -1);
	ASSERT_EQ(scn_date_parse("", &y, &m, &d), -1);
}

TEST(tmpl_errors_name_the_line)
{
	int rc;
	char msg[512];
	char *s;
	static const char *const bad[] = {"a\n{{#if x}}b",
					  "{{#each x}}{{/if}}",
					  "{{/if}}",
					  "{{x",
					  "x}}",
					  "{{#for x}}{{/for}}",
					  "{{x|exec}}",
					  "{{a b}}",
					  "{{#if}}{{/if}}",
					  "{{#eq x bad}}{{/eq}}"};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		s = render(bad[i], "{}", &rc, msg);
		if (rc == 0)
			TEST_FAIL_AT("template accepted: %s", bad[i]);
		ASSERT_CONTAINS(msg, "模板 t 第");
		free(s);
	}
	s = render("a\n{{#if x}}b", "{}", &rc, msg);
	ASSERT_CONTAINS(msg, "第 2 行");
	free(s);
}

TEST(tmpl_depth_and_size_limits)
{
	struct buf src;
	struct scn_tmpl *t = NULL;
	struct err e = {0};

	buf_init(&src, 1 << 20);
	for (int i = 0; i < 40; i++)
		buf_adds(&src, "{{#if x}}");
	for (int i = 0; i < 40; i++)
		buf_adds(&src, "{{/if}}");
	ASSERT(scn_tmpl_parse(src.p, src.len, "deep", &t, &e) != 0);
	ASSERT_CONTAINS(e.msg, "32");
	buf_reset(&src);
	err_clear(&e);
	for (size_t i = 0; i < SCN_TMPL_MAX_SRC + 10; i++)
		buf_addc(&src, 'a');
	ASSERT_EQ(scn_tmpl_parse(src.p, src.len, "big", &t, &e), BASE_E_LIMIT);
	err_clear(&e);
	ASSERT(scn_tmpl_parse("\xff\xfe", 2, "utf8", &t, &e) != 0);
	ASSERT_CONTAINS(e.msg, "UTF-8");
	buf_free(&src);
}

TEST(tmpl_output_limit)
{
	struct scn_tmpl *t = NULL;
	struct err e = {0};
	struct buf b;
	json_t *ctx = json_array();
	json_t *o = json_object();
	const char *src = "{{#each l}}{{#each l}}{{#each l}}0123456789{{/each}}{{/each}}{{/each}}";

	for (int i = 0; i < 200; i++)
		json_array_append_new(ctx, json_integer(i));
	json_object_set_new(o, "l", ctx);
	ASSERT_EQ(scn_tmpl_parse(src, strlen(src), "t", &t, &e), 0);
	buf_init(&b, 1 << 16);
	ASSERT_EQ(scn_tmpl_render(t, o, &b, &e), BASE_E_LIMIT);
	ASSERT_CONTAINS(e.msg, "上限");
	buf_free(&b);
	scn_tmpl_free(t);
	json_decref(o);
}

TEST(docx_escape_drops_what_xml_forbids)
{
	struct buf b;
	const char in[] = "a<b>&\"c\x01\x0b\xef\xbf\xbe\xff\td";
	buf_init(&b, 1024);
	ASSERT_EQ(doc_dw_escape(&b, in, sizeof(in) - 1), 0);
	ASSERT_STR_EQ(b.p, "a&lt;b&gt;&amp;&quot;c\td");
	buf_free(&b);
}

static const char *const minimal_def =
    "{\"id\":\"t-x\",\"name\":\"测试\",\"category\":\"综合办公\",\"description\":\"d\","
    "\"form\":[{\"name\":\"who\",\"label\":\"姓名\",\"type\":\"string\",\"required\":true,"
    "\"max_len\":4},{\"name\":\"d\",\"label\":\"日期\",\"type\":\"date\"},"
    "{\"name\":\"k\",\"label\":\"种类\",\"type\":\"enum\",\"enum\":[\"甲\",\"乙\"]},"
    "{\"name\":\"tel\",\"label\":\"电话\",\"type\":\"string\",\"pattern\":\"1[3-9]\\\\d{9}\"},"
    "{\"name\":\"txt\",\"label\":\"正文\",\"type\":\"text\"}],"
    "\"extract\":[{\"field\":\"tel\",\"from\":\"txt\",\"pattern\":\"1[3-9]\\\\d{9}\"}],"
    "\"output\":{\"layout\":\"document\",\"formats\":[\"docx\",\"txt\"],"
    "\"template\":\"# 标题\\n|!a|b|\\n|{{who}}|{{txt}}|\\n{{tel|blank}}\\n\"},"
    "\"validators\":[{\"type\":\"contains\",\"text\":\"标题\"}],"
    "\"samples\":[{\"name\":\"s\",\"input\":{\"who\":\"张\"},\"expect\":{}}]}";

static int parse_def(const char *json, struct scn_def *d, struct err *e)
{
	return scn_def_parse(json, strlen(json), "x.json", NULL, d, e);
}

TEST(scenario_loader_accepts_minimal)
{
	struct scn_def d;
	struct err e = {0};
	ASSERT_EQ(parse_def(minimal_def, &d, &e), 0);
	ASSERT_STR_EQ(d.id, "t-x");
	ASSERT_EQ(d.nfields, 5);
	scn_def_free(&d);
}

/* replace the first occurrence of from by to in minimal_def */
static char *variant(const char *from, const char *to)
{
	const char *at = strstr(minimal_def, from);
	size_t n = strlen(minimal_def) - strlen(from) + strlen(to) + 1;
	char *s = xmalloc(n);
	ASSERT(at != NULL);
	snprintf(s, n, "%.*s%s%s", (int)(at - minimal_def), minimal_def, to, at + strlen(from));
	return s;
}

TEST(scenario_loader_file_field)
{
	struct scn_def d;
	struct err e = {0};
	char *s = variant("\"type\":\"text\"}", "\"type\":\"text\",\"file\":\".txt,.docx\"}");

	ASSERT_EQ(parse_def(s, &d, &e), 0);
	scn_def_free(&d);
	free(s);
}

TEST(scenario_loader_errors_name_file_and_path)
{
	static const struct {
		const char *from, *to, *want;
	} cases[] = {
	    {"\"category\":\"综合办公\"", "\"category\":\"无此类\"",
	     "x.json: $.category: 未知的类别"},
	    {"\"type\":\"date\"", "\"type\":\"datetime\"", "$.form[1]: 未知的字段类型"},
	    {"\"pattern\":\"1[3-9]", "\"pattern\":\"(1[3-9]",
	     "$.form[3]: pattern: 正则表达式无法编译"},
	    {"\"layout\":\"document\"", "\"layout\":\"slides\"", "$.output.layout"},
	    {"{{who}}", "{{nobody}}", "模板引用了表单中没有的字段“nobody”"},
	    {"{{who}}", "{{#if who}}", "没有对应的 {{/if}}"},
	    {"\"type\":\"contains\"", "\"type\":\"eval\"", "$.validators[0]: 未知的校验类型"},
	    {"\"samples\":[{\"name\":\"s\",\"input\":{\"who\":\"张\"},\"expect\":{}}]",
	     "\"samples\":[]", "$.samples: 至少需要一个样例"},
	    {"\"description\":\"d\",", "\"description\":\"d\",\"generator\":\"enforce.none\",",
	     "$.generator: 内置生成器“enforce.none”不存在"},
	    {"\"name\":\"who\"", "\"name\":\"1who\"", "$.form[0]: 字段名"},
	    {"\"from\":\"txt\"", "\"from\":\"none\"", "$.extract[0]"},
	    {"\"id\":\"t-x\",", "\"id\":\"t-x\",\"evil\":1,", "$: 未知的键“evil”"},
	    {"\"formats\":[\"docx\",\"txt\"]", "\"formats\":[\"pdf\"]", "$.output.formats"},
	    /* a file may fill free text only, of the types the server reads */
	    {"\"type\":\"string\",\"pattern\"", "\"type\":\"string\",\"file\":\".txt\",\"pattern\"",
	     "$.form[3]: “file”只能用于 text 字段"},
	    {"\"type\":\"text\"}", "\"type\":\"text\",\"file\":\".pdf\"}",
	     "“file”只能用于 text 字段"},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct scn_def d;
		struct err e = {0};
		char *s = variant(cases[i].from, cases[i].to);
		if (parse_def(s, &d, &e) == 0)
			TEST_FAIL_AT("accepted case %zu", i);
		ASSERT_CONTAINS(e.msg, cases[i].want);
		free(s);
	}
}

TEST(scenario_loader_hostile_bytes)
{
	struct scn_def d;
	struct err e = {0};
	ASSERT(scn_def_parse("{\"id\":\"\xff\"}", 10, "bad.json", NULL, &d, &e) != 0);
	ASSERT_CONTAINS(e.msg, "UTF-8");
	err_clear(&e);
	ASSERT(scn_def_parse(minimal_def, strlen(minimal_def) / 2, "cut.json", NULL, &d, &e) != 0);
	ASSERT_CONTAINS(e.msg, "cut.json: JSON 语法错误");
	err_clear(&e);
	ASSERT(scn_def_parse("[]", 2, "arr.json", NULL, &d, &e) != 0);
	ASSERT_CONTAINS(e.msg, "应为 JSON 对象");
	err_clear(&e);
	ASSERT(scn_def_parse("{\"id\":1,\"id\":2}", 15, "dup.json", NULL, &d, &e) != 0);
}

static void run_input(const char *input, struct scn_result *r)
{
	struct scn_def d;
	struct err e = {0};
	json_t *in = json_loads(input, 0, NULL);
	ASSERT(in != NULL);
	ASSERT_EQ(parse_def(minimal_def, &d, &e), 0);
	ASSERT_EQ(scn_run(&d, in, r, &e), 0);
	json_decref(in);
	scn_def_free(&d);
}

TEST(scenario_form_validation)
{
	static const struct {
		const char *input, *want;
	} cases[] = {
	    {"{}", "$.who"},
	    {"{\"who\":\"张三李四王五\"}", "长度"},
	    {"{\"who\":\"张\",\"d\":\"2025-02-30\"}", "不是有效日期"},
	    {"{\"who\":\"张\",\"k\":\"丙\"}", "给定选项"},
	    {"{\"who\":\"张\",\"tel\":\"12345\"}", "格式不符合要求"},
	    {"{\"who\":\"张\",\"zzz\":1}", "未知字段"},
	    {"{\"who\":5}", "应为文字"},
	    {"{\"who\":\"张\\n李\"}", "控制字符"},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct scn_result r;
		bool found = false;
		run_input(cases[i].input, &r);
		ASSERT(r.input_rejected);
		for (size_t k = 0; k < r.nissues; k++)
			found = found || strstr(r.issues[k].msg, cases[i].want) != NULL ||
				strstr(r.issues[k].where, cases[i].want) != NULL;
		if (!found)
			TEST_FAIL_AT("case %zu: no issue mentioning %s", i, cases[i].want);
		scn_result_free(&r);
	}
}

TEST(scenario_extraction_and_markup_defused)
{
	struct scn_result r;
	run_input("{\"who\":\"张|x\",\"txt\":\"请回电13800138000\\n# 假标题\\n@pagebreak\"}", &r);
	ASSERT(!r.input_rejected);
	ASSERT_EQ(r.nerrors, 0);
	/* the phone number came from the text */
	ASSERT_CONTAINS(r.text, "13800138000");
	/* user text cannot add a table cell, a heading or a directive */
	ASSERT_CONTAINS(r.markup, "张｜x");
	ASSERT_CONTAINS(r.markup, "＃ 假标题");
	ASSERT_CONTAINS(r.markup, "＠pagebreak");
	scn_result_free(&r);
}

/* The prose hook (scn_run_prose): a writer that answers a fixed text, or
 * fails, stands where the model is; what is tested is what the scenario
 * does with the answer. */
struct fixed_writer {
	const char *answer; /* NULL: the call fails */
	int calls;
	char seen_draft[256];
};

static int fixed_write(void *arg, const char *instruction, const char *draft, const json_t *ctx,
		       char **out, struct err *e)
{
	struct fixed_writer *w = arg;

	(void)ctx;
	w->calls++;
	snprintf(w->seen_draft, sizeof(w->seen_draft), "%s", draft ? draft : "");
	if (instruction == NULL || w->answer == NULL)
		return err_set(e, BASE_E_IO, "无法连接模型服务");
	*out = xstrdup(w->answer);
	return 0;
}

static void run_prose(const char *def, struct fixed_writer *w, struct scn_result *r)
{
	struct scn_def d;
	struct err e = {0};
	struct scn_prose prose = {fixed_write, w};
	json_t *in = json_loads("{\"who\":\"张三\",\"txt\":\"原始事实\"}", 0, NULL);

	ASSERT_EQ(parse_def(def, &d, &e), 0);
	ASSERT_EQ(scn_run_prose(&d, in, &prose, r, &e), 0);
	json_decref(in);
	scn_def_free(&d);
}

TEST(scenario_prose_replaces_field_and_is_defused)
{
	char *def =
	    variant("\"samples\":", "\"prompts\":[{\"part\":\"txt\",\"instruction\":\"改写事实\"}],"
				    "\"samples\":");
	struct fixed_writer w = {"  模型写的事实\n# 伪标题|x  \n", 0, ""};
	struct scn_result r;

	run_prose(def, &w, &r);
	ASSERT_EQ(w.calls, 1);
	ASSERT_STR_EQ(w.seen_draft, "原始事实"); /* the field's text is the draft */
	ASSERT_EQ(r.prose, SCN_PROSE_MODEL);
	ASSERT_CONTAINS(r.text, "模型写的事实");
	ASSERT(strstr(r.text, "原始事实") == NULL);
	ASSERT_CONTAINS(r.markup, "＃ 伪标题｜x"); /* model text cannot add layout */
	ASSERT_EQ(r.nerrors, 0);
	scn_result_free(&r);
	free(def);
}

TEST(scenario_prose_failure_keeps_template)
{
	char *def =
	    variant("\"samples\":", "\"prompts\":[{\"part\":\"txt\",\"instruction\":\"改写\"}],"
				    "\"samples\":");
	struct fixed_writer fail = {NULL, 0, ""}, empty = {" \n ", 0, ""};
	struct scn_result r;

	run_prose(def, &fail, &r);
	ASSERT_EQ(r.prose, SCN_PROSE_FALLBACK);
	ASSERT_CONTAINS(r.prose_note, "无法连接模型服务");
	ASSERT_CONTAINS(r.text, "原始事实");
	scn_result_free(&r);
	run_prose(def, &empty, &r);
	ASSERT_EQ(r.prose, SCN_PROSE_FALLBACK);
	ASSERT_CONTAINS(r.prose_note, "模型未给出正文");
	scn_result_free(&r);
	free(def);
}

TEST(scenario_prose_failing_validators_falls_back)
{
	/* the body part replaces the whole document; without "标题" the
	 * contains validator fails, so the template result is kept */
	char *def =
	    variant("\"samples\":", "\"prompts\":[{\"part\":\"body\",\"instruction\":\"写\"}],"
				    "\"samples\":");
	struct fixed_writer bad = {"没有那个词的正文", 0, ""}, good = {"含标题的模型正文", 0, ""};
	struct scn_result r;

	run_prose(def, &bad, &r);
	ASSERT_EQ(r.prose, SCN_PROSE_FALLBACK);
	ASSERT_CONTAINS(r.prose_note, "未通过校验");
	ASSERT_EQ(r.nerrors, 0);
	ASSERT(strstr(r.text, "没有那个词") == NULL);
	scn_result_free(&r);
	run_prose(def, &good, &r);
	ASSERT_EQ(r.prose, SCN_PROSE_MODEL);
	ASSERT_CONTAINS(r.text, "含标题的模型正文");
	ASSERT(r.prose_note == NULL);
	scn_result_free(&r);
	free(def);
}

TEST(draft_closing_formula_per_wenzhong)
{
	static const struct {
		const char *wz, *title, *body, *want;
	} cases[] = {
	    {"请示", "关于购置设备的请示", "恳请拨款10万元。", "恳请拨款10万元。\n妥否，请批示。"},
	    {"请示", "关于购置设备的请示", "恳请拨款。\n妥否，请批示。",
	     "恳请拨款。\n妥否，请批示。"},
	    {"函", "关于商请支持的函", "请予协助。", "请予协助。\n请函复。"},
	    {"函", "关于有关问题的复函", "同意。", "同意。\n特此函复。"},
	    {"报告", "关于工作情况的报告", "已完成。", "已完成。\n特此报告。"},
	    {"批复", "关于同意的批复", "同意。", "同意。\n此复。"},
	    {"通知", "关于开会的通知", "请准时参加。", "请准时参加。\n特此通知。"},
	    {"纪要", "会议纪要", "会议决定。", "会议决定。"},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct gw_draft g = {0};
		struct gw_draft_issues is;
		char *body;
		g.wenzhong = cases[i].wz;
		g.title = cases[i].title;
		g.body = cases[i].body;
		g.signer = "某";
		g.recipients = "上级";
		body = gw_draft_rules(&g, &is);
		ASSERT_STR_EQ(body, cases[i].want);
		free(body);
	}
}

TEST(draft_qingshi_rules)
{
	struct gw_draft g = {0};
	struct gw_draft_issues is;
	char *body;
	g.wenzhong = "请示";
	g.title = "关于两件事的请示报告";
	g.recipients = "市政府、市财政局";
	g.body = "事项一。妥否，请批示。\n事项二。妥否，请批示。";
	body = gw_draft_rules(&g, &is);
	free(body);
	/* one matter, one 主送, no 请示报告, 签发人 (then a title warning) */
	ASSERT(is.n >= 4);
	ASSERT_CONTAINS(is.v[0].msg, "一文一事");
	ASSERT_CONTAINS(is.v[1].msg, "只主送一个上级机关");
	ASSERT_CONTAINS(is.v[2].msg, "不能混用");
	ASSERT_CONTAINS(is.v[3].msg, "签发人");
}

TEST(draft_txt_layout)
{
	struct gw_draft g = {0};
	struct buf b;
	const char *att[] = {"甲表", "乙表"};
	g.wenzhong = "请示";
	g.organ_mark = "示例局文件";
	g.doc_no = "示〔2025〕1号";
	g.signer = "张某";
	g.title = "示例局关于某事的请示";
	g.recipients = "示例市人民政府";
	g.body = "一、情况\n正文。\n妥否，请批示。";
	g.attachments = att;
	g.nattachments = 2;
	g.signature = "示例局";
	g.date = "2025年3月1日";
	g.printer = "示例局办公室";
	g.print_date = "2025年3月1日";
	buf_init(&b, 1 << 20);
	ASSERT_EQ(gw_draft_txt(&g, &b), 0);
	ASSERT_CONTAINS(b.p,
			"示例局文件\n\n\n示〔2025〕1号\t签发人：张某\n\n\n示例局关于某事的请示\n\n"
			"示例市人民政府：\n一、情况\n");
	ASSERT_CONTAINS(b.p, "\n附件：1.甲表\n2.乙表\n\n\n示例局\n2025年3月1日\n");
	ASSERT_CONTAINS(b.p, "示例局办公室\t2025年3月1日印发\n");
	buf_free(&b);
}

TEST(regex_from_definitions_is_bounded)
{
	char msg[256];
	struct text_re *re = text_re_compile("(a+)+b", true, msg, sizeof(msg));
	struct ustr u;
	size_t s, e;

	ASSERT(re != NULL);
	ustr_init(&u);
	for (int i = 0; i < 40; i++)
		ustr_push(&u, 'a');
	ustr_push(&u, 'c');
	/* catastrophic backtracking stops at the match limit: no match, no hang */
	ASSERT(!text_re_search(re, u.p, u.len, 0, &s, &e, NULL, 0));
	ustr_free(&u);
	text_re_free(re);
	/* whole = anchored at both ends; a broken pattern is refused with a reason */
	re = text_re_compile("\\d{3}", true, msg, sizeof(msg));
	ustr_init(&u);
	ustr_add_cstr(&u, "1234");
	ASSERT(!text_re_search(re, u.p, u.len, 0, &s, &e, NULL, 0));
	ustr_free(&u);
	text_re_free(re);
	ASSERT(text_re_compile("a)(b", true, msg, sizeof(msg)) == NULL);
	ASSERT_CONTAINS(msg, "无法编译");
}
