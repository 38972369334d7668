/* The catalog rules of gongwen/rules_extra.c on .txt documents: each rule
 * fires on the defect and stays silent on the standard form. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gongwen/gongwen.h"
#include "gwtest.h"
#include "test.h"

#define XHEAD                                                                                      \
	"示例市人民政府文件\n示政发〔2025〕6号\n关于做好防汛工作的通知\n各县（区）人民政府：\n"
#define XTAIL                                                                                                  \
	"示例市人民政府\n2025年3月5日\n抄送：市委办公室。\n示例市人民政府办公室 " \
	"2025年3月5日印发\n"

/* Check `body` (lines after the 主送) for rule; expect it or not. */
static void x_expect(const char *body, const char *rule, bool want)
{
	struct gwtest c;
	char text[2048];

	snprintf(text, sizeof(text), "%s%s%s", XHEAD, body, XTAIL);
	gwtest_open(&c, text);
	if (want && gwtest_find_any(&c, rule) == NULL)
		TEST_FAIL_AT("%s expected on: %s", rule, body);
	if (!want && gwtest_find_any(&c, rule) != NULL)
		TEST_FAIL_AT("%s unexpected on: %s (%s)", rule, body,
			     gwtest_find_any(&c, rule)->message);
	gwtest_close(&c);
}

/* Fix `body` and compare its first line (paragraph 4) with `fixed`. */
static void x_expect_fix(const char *body, const char *fixed)
{
	struct gwtest c;
	char text[2048];
	char *s;

	snprintf(text, sizeof(text), "%s%s%s", XHEAD, body, XTAIL);
	gwtest_open(&c, text);
	s = gwtest_fixed_line(&c, 4);
	ASSERT_STR_EQ(s, fixed);
	free(s);
	gwtest_close(&c);
}

TEST(gwx_clean_notice_has_no_extra_findings)
{
	struct gwtest c;

	gwtest_open(&c, XHEAD
		    "现将有关事项通知如下：\n一、总体要求\n（一）压实责任。各地要落实。\n附件："
		    "1.防汛责任清单\n2.值班表\n" XTAIL "附件1\n防汛责任清单\n附件2\n值班表\n");
	for (size_t i = 0; i < c.f.n; i++) {
		const char *r = c.f.v[i].rule;

		if (strstr("GW-ATT-005 GW-ATT-006 GW-ATT-007 GW-ATT-009 GW-BODY-014 GW-BODY-015",
			   r))
			TEST_FAIL_AT("unexpected %s: %s", r, c.f.v[i].message);
	}
	gwtest_close(&c);
}

TEST(gwx_body_005_stacked_notice)
{
	struct gwtest c;

	gwtest_open(
	    &c, "示例市人民政府文件\n示政发〔2025〕6号\n关于转发省政府关于做好防汛工作的通知的通知"
		"\n各县（区）人民政府：\n正文。\n");
	ASSERT(gwtest_find_any(&c, "GW-BODY-005") != NULL);
	gwtest_close(&c);
	gwtest_open(
	    &c, "示例市人民政府文件\n示政发〔2025〕6号\n关于转发《省政府防汛工作方案》的通知\n各县"
		"（区）人民政府：\n正文。\n");
	ASSERT(gwtest_find_any(&c, "GW-BODY-005") == NULL);
	gwtest_close(&c);
}

TEST(gwx_body_007_to_separators)
{
	struct gwtest c;

	gwtest_open(
	    &c,
	    "示例市人民政府文件\n示政发〔2025〕6号\n关于做好防汛工作的通知\n各县（区）人民政府；"
	    "市政府各部门：\n正文。\n");
	ASSERT(gwtest_find_any(&c, "GW-BODY-007") != NULL);
	gwtest_close(&c);
	x_expect("正文。\n", "GW-BODY-007", false);
}

TEST(gwx_body_014_standalone_heading_period)
{
	x_expect("一、总体要求。\n各地要落实责任。\n", "GW-BODY-014", true);
	x_expect("一、总体要求\n各地要落实责任。\n", "GW-BODY-014", false);
	/* enumerations: every item is a sentence */
	x_expect("一、删除第三条。\n二、删除第五条。\n", "GW-BODY-014", false);
}

TEST(gwx_body_015_enumerator_comma)
{
	x_expect_fix("首先、要提高认识。其次、要压实责任。\n",
		     "首先，要提高认识。其次，要压实责任。");
	x_expect("本市排名全省第一、全国第三。\n", "GW-BODY-015", false);
	x_expect("第一、二季度完成。\n", "GW-BODY-015", false);
}

TEST(gwx_att_006_007_labels_and_titles)
{
	struct gwtest c;
	const struct gw_finding *f;
	char *s;

	gwtest_open(&c, XHEAD "正文。\n附件：1.防汛责任清单\n2.值班表\n" XTAIL
			      "附件1：\n防汛工作清单\n附件二\n值班表\n");
	f = gwtest_find_any(&c, "GW-ATT-006");
	ASSERT(f != NULL);
	ASSERT_EQ(f->fix, GW_FIX_AUTO);
	f = gwtest_find_any(&c, "GW-ATT-007");
	ASSERT(f != NULL);
	ASSERT_EQ(f->para, 12);
	s = gwtest_fixed_line(&c, 11);
	ASSERT_STR_EQ(s, "附件1");
	free(s);
	s = ustr_to_utf8(&c.doc.paras[13].text, 0, c.doc.paras[13].text.len);
	ASSERT_STR_EQ(s, "附件2");
	free(s);
	gwtest_close(&c);
}

TEST(gwx_att_007_missing_attachment_number)
{
	struct gwtest c;

	gwtest_open(&c, XHEAD "正文。\n附件：1.防汛责任清单\n2.值班表\n" XTAIL "附件3\n物资清单\n");
	ASSERT(gwtest_find_any(&c, "GW-ATT-007") != NULL);
	gwtest_close(&c);
}

TEST(gwx_att_009_reference_beyond_list)
{
	x_expect("请按附件3格式报送。\n附件：1.防汛责任清单\n2.值班表\n", "GW-ATT-009", true);
	x_expect("请按附件2格式报送。\n附件：1.防汛责任清单\n2.值班表\n", "GW-ATT-009", false);
	x_expect("按《办法》附件3执行。\n附件：1.防汛责任清单\n2.值班表\n", "GW-ATT-009", false);
	/* numbered lines indented with spaces and U+3000 count too */
	x_expect("请按附件3格式报送。\n附件：1.防汛责任清单\n　　2.值班表\n \t3.物资表\n",
		 "GW-ATT-009", false);
	x_expect("请按附件4格式报送。\n附件：1.防汛责任清单\n　　2.值班表\n \t3.物资表\n",
		 "GW-ATT-009", true);
	/* an indented label line ends the list: what follows is no item */
	x_expect("请按附件3格式报送。\n附件：1.防汛责任清单\n2.值班表\n　附件\n1.甲\n2.乙\n3.丙\n",
		 "GW-ATT-009", true);
}

TEST(gwx_sign_009_request_contact)
{
	struct gwtest c;

	gwtest_open(
	    &c, "示例市教育局文件\n示教〔2025〕6号 签发人：张某\n示例市教育局关于拨付经费的请示\n"
		"示例市人民政府：\n妥否，请批示。\n示例市教育局\n2025年3月5日\n");
	ASSERT(gwtest_find_any(&c, "GW-SIGN-009") != NULL);
	gwtest_close(&c);
	gwtest_open(
	    &c, "示例市教育局文件\n示教〔2025〕6号 签发人：张某\n示例市教育局关于拨付经费的请示\n"
		"示例市人民政府：\n妥否，请批示。\n示例市教育局\n2025年3月5日\n（联系人：李某，"
		"联系电话：0123-4567890）\n");
	ASSERT(gwtest_find_any(&c, "GW-SIGN-009") == NULL);
	gwtest_close(&c);
}

TEST(gwx_sign_010_signature_matches_mark)
{
	struct gwtest c;

	gwtest_open(&c, XHEAD "正文。\n示例市交通运输局\n2025年3月5日\n");
	ASSERT(gwtest_find_any(&c, "GW-SIGN-010") != NULL);
	gwtest_close(&c);
	gwtest_open(&c, XHEAD "正文。\n市政府\n2025年3月5日\n");
	ASSERT(gwtest_find_any(&c, "GW-SIGN-010") == NULL);
	gwtest_close(&c);
}

TEST(gwx_note_004_main_recipients_above_cc)
{
	struct gwtest c;

	gwtest_open(&c, XHEAD
		    "正文。\n示例市人民政府\n2025年3月5日\n抄送：市委办公室。\n主送：各县政府。\n"
		    "示例市人民政府办公室 2025年3月5日印发\n");
	ASSERT(gwtest_find_any(&c, "GW-NOTE-004") != NULL);
	gwtest_close(&c);
	gwtest_open(&c, XHEAD
		    "正文。\n示例市人民政府\n2025年3月5日\n主送：各县政府。\n抄送：市委办公室。\n"
		    "示例市人民政府办公室 2025年3月5日印发\n");
	ASSERT(gwtest_find_any(&c, "GW-NOTE-004") == NULL);
	gwtest_close(&c);
}

TEST(gwx_punc_009_approximate_numerals)
{
	x_expect("需要三、五天完成。\n", "GW-PUNC-009", true);
	x_expect("需要三五天完成。\n", "GW-PUNC-009", false);
	x_expect("第一、二季度完成。\n", "GW-PUNC-009", false);
}

TEST(gwx_punc_012_nested_marks)
{
	x_expect_fix("学习《关于《条例》的说明》和“他说“好””。\n",
		     "学习《关于〈条例〉的说明》和“他说‘好’”。");
	x_expect("修改〈关于适用《工会法》的解释〉的决定。\n", "GW-PUNC-012", false);
}

TEST(gwx_punc_013_meeting_names)
{
	x_expect("筹办《全市防汛工作会议》。\n", "GW-PUNC-013", true);
	x_expect("印发《全市防汛工作会议纪要》。\n", "GW-PUNC-013", false);
}

TEST(gwx_punc_019_nested_colons)
{
	x_expect("要求如下：一是时间：三月。\n", "GW-PUNC-019", true);
	x_expect("联系人：孙某，电话：0123。\n", "GW-PUNC-019", false);
	x_expect("他规定：“加班时间为：晚上”。\n", "GW-PUNC-019", false);
}

TEST(gwx_num_002_chinese_dates)
{
	x_expect_fix("定于二〇二五年三月十五日召开。\n", "定于2025年3月15日召开。");
	x_expect("农历二〇二五年正月。\n", "GW-NUM-002", false);
	x_expect("学习《二〇二五年工作要点》。\n", "GW-NUM-002", false);
}

TEST(gwx_num_006_arabic_approximations)
{
	x_expect("用时3、4个月。\n", "GW-NUM-006", true);
	x_expect("用时三四个月。\n", "GW-NUM-006", false);
	x_expect("用时3、5个月。\n", "GW-NUM-006", false);
}

TEST(gwx_num_007_fixed_expressions)
{
	x_expect_fix("各单位1律按“14五”规划执行，星期5报送。\n",
		     "各单位一律按“十四五”规划执行，星期五报送。");
	x_expect("各单位11月1日前报送。\n", "GW-NUM-007", false);
	x_expect_fix(
	    "全市统1部署，第1书记负责，推进1带1路建设，9三学社参与，1方面加强领导。\n",
	    "全市统一部署，第一书记负责，推进一带一路建设，九三学社参与，一方面加强领导。");
	/* the Han character of a literal before, between and after its
	 * matches, a match at the very end, a literal cut off by the end */
	x_expect_fix("律师说，统筹统1安排，全体1律执行，他们1律遵守规则律1统1\n",
		     "律师说，统筹统一安排，全体一律执行，他们一律遵守规则律1统一");
	x_expect("材料交给第1书\n", "GW-NUM-007", false);
	x_expect("书记说，第1书\n", "GW-NUM-007", false);
	x_expect("第1书记\n", "GW-NUM-007", true);
	/* every expression of the table */
	x_expect_fix("1旦发现，1般情况1切从简，意见1致，唯1标准，“15五”时期，5四运动。\n",
		     "一旦发现，一般情况一切从简，意见一致，唯一标准，“十五五”时期，五四运动。");
}

TEST(gwx_num_010_punc_005_marks_of_two_widths)
{
	x_expect("增长3·5个百分点。\n", "GW-NUM-010", true);
	x_expect("增长3．5个百分点。\n", "GW-NUM-010", true);
	x_expect("增长3.5个百分点，约翰·史密斯出席。\n", "GW-NUM-010", false);
	x_expect("这是问题--关键所在。\n", "GW-PUNC-005", true);
	x_expect("这是问题―关键所在。\n", "GW-PUNC-005", true);
	x_expect("这是问题——关键所在。\n", "GW-PUNC-005", false);
	x_expect("北京—上海航线。\n", "GW-PUNC-005", false);
}

TEST(gwx_num_009_013_017_number_forms)
{
	x_expect("补助5千元。\n", "GW-NUM-009", true);
	x_expect("补助5000元，线路长3千米。\n", "GW-NUM-009", false);
	x_expect("截至2,025年底。\n", "GW-NUM-013", true);
	x_expect("投入2,025万元。\n", "GW-NUM-013", false);
	x_expect("新建220KV线路。\n", "GW-NUM-017", true);
	x_expect("新建220kV线路。\n", "GW-NUM-017", false);
}

TEST(gwx_spec_005_minutes_labels)
{
	struct gwtest c;
	char *s;

	gwtest_open(
	    &c,
	    "示例市人民政府常务会议纪要\n示府纪〔2025〕6号\n示例市人民政府第十八次常务会议纪要\n"
	    "会议研究了有关事项。\n出席:张某某、李某某\n抄送：市委办公室。\n示例市人民政府办公"
	    "室 2025年4月10日印发\n");
	ASSERT(gwtest_find_any(&c, "GW-SPEC-005") != NULL);
	s = gwtest_fixed_line(&c, 4);
	ASSERT_STR_EQ(s, "出席：张某某、李某某");
	free(s);
	gwtest_close(&c);
}
