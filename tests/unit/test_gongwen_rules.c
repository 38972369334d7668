/* 公文 rules and fixes on .txt documents: role detection, the variants of
 * each error that the development set does not show, and what fix writes. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gongwen/gongwen.h"
#include "gongwen/rules_common.h"
#include "gwtest.h"
#include "test.h"

#define HEAD                                                                                                                          \
	"示例市人民政府文件\n\n示政发〔2025〕6号\n\n关于做好防汛工作的通知\n各县（区）人民政府：" \
	"\n"
#define TAIL                                                                                                                           \
	"\n示例市人民政府\n2025年3月5日\n（此件公开发布）\n抄送：市委办公室。\n示例市人民政府办公" \
	"室 "                                                                                                                         \
	"2025年3月5日印发\n"

TEST(gw_roles_of_a_standard_notice)
{
	struct gwtest c;

	gwtest_open(&c,
		    HEAD "现将有关事项通知如下：\n一、总体要求\n（一）压实责任。各地要落实。\n1."
			 "细化方案\n（1）明确分工\n附件：1.防汛责任清单\n2.值班表\n" TAIL);
	ASSERT_EQ(c.doc.paras[0].role, GW_ROLE_MARK);
	ASSERT_EQ(c.doc.paras[2].role, GW_ROLE_DOCNO);
	ASSERT_EQ(c.doc.paras[4].role, GW_ROLE_TITLE);
	ASSERT_EQ(c.doc.paras[5].role, GW_ROLE_TO);
	ASSERT_EQ(c.doc.paras[6].role, GW_ROLE_BODY);
	ASSERT_EQ(c.doc.paras[7].role, GW_ROLE_H1);
	ASSERT_EQ(c.doc.paras[8].role, GW_ROLE_H2);
	ASSERT_EQ(c.doc.paras[9].role, GW_ROLE_H3);
	ASSERT_EQ(c.doc.paras[10].role, GW_ROLE_H4);
	ASSERT_EQ(c.doc.paras[11].role, GW_ROLE_ATT);
	ASSERT_EQ(c.doc.paras[12].role, GW_ROLE_ATT);
	ASSERT_EQ(c.doc.paras[14].role, GW_ROLE_SIG);
	ASSERT_EQ(c.doc.paras[15].role, GW_ROLE_DATE);
	ASSERT_EQ(c.doc.paras[16].role, GW_ROLE_NOTE);
	ASSERT_EQ(c.doc.paras[17].role, GW_ROLE_CC);
	ASSERT_EQ(c.doc.paras[18].role, GW_ROLE_PRINT);
	ASSERT_STR_EQ(gw_doc_types[c.doc.doc_type], "通知");
	/* a clean document: no error or warning at all */
	for (size_t i = 0; i < c.f.n; i++) {
		if (c.f.v[i].severity != GW_SEV_INFO)
			TEST_FAIL_AT("unexpected %s at %ld: %s", c.f.v[i].rule, c.f.v[i].para,
				     c.f.v[i].message);
	}
	gwtest_close(&c);
}

TEST(gw_docno_variants_and_fixes)
{
	static const struct {
		const char *line;
		const char *fixed; /* NULL: not auto-fixable */
	} cases[] = {
	    {"示政发（2025）6号", "示政发〔2025〕6号"},
	    {"示政发﹝2025﹞第06号", "示政发〔2025〕6号"},
	    {"示政发 [２０２５] ６ 号", "示政发〔2025〕6号"},
	    {"示政发〔25〕6号", NULL},
	};

	for (size_t k = 0; k < ARRAY_LEN(cases); k++) {
		struct gwtest c;
		char text[512];
		const struct gw_finding *f;

		snprintf(text, sizeof(text), "示例市人民政府文件\n%s\n关于做好防汛工作的通知\n",
			 cases[k].line);
		gwtest_open(&c, text);
		ASSERT_EQ(c.doc.paras[1].role, GW_ROLE_DOCNO);
		f = gwtest_find(&c, "GW-HEAD-007", 1);
		ASSERT(f != NULL);
		ASSERT_EQ(f->fix, cases[k].fixed ? GW_FIX_AUTO : GW_FIX_SUGGEST);
		if (cases[k].fixed != NULL) {
			char *s = gwtest_fixed_line(&c, 1);

			ASSERT_STR_EQ(s, cases[k].fixed);
			free(s);
		}
		gwtest_close(&c);
	}
}

TEST(gw_order_decree_number_is_legitimate)
{
	struct gwtest c;

	/* GB/T 9704 §10.3: a 命令's 令号 is "第N号" */
	gwtest_open(&c, "示例市人民政府令\n第12号\n示例市人民政府令\n");
	ASSERT(gwtest_find(&c, "GW-HEAD-007", 1) == NULL);
	gwtest_close(&c);
}

TEST(gw_headings_renumbered_in_cascade)
{
	struct gwtest c;
	char *s;

	/* a deleted section: 一 三 四 -> the first wrong one is flagged, fix renumbers all */
	gwtest_open(&c, HEAD "一、甲\n三、乙\n四、丙\n");
	ASSERT(gwtest_find(&c, "GW-BODY-013", 7) != NULL);
	ASSERT(gwtest_find(&c, "GW-BODY-013", 8) == NULL);
	s = gwtest_fixed_line(&c, 8);
	ASSERT_STR_EQ(s, "三、丙");
	free(s);
	s = gwtest_line(&c, 7);
	ASSERT_STR_EQ(s, "二、乙");
	free(s);
	gwtest_close(&c);
}

TEST(gw_label_forms)
{
	static const struct {
		const char *pre;
		const char *line;
		const char *fixed;
		size_t idx;
	} cases[] = {
	    {"", "一．总体要求", "一、总体要求", 6},
	    {"一、甲\n", "(一)压实责任", "（一）压实责任", 7},
	    {"一、甲\n", "（一）、压实责任", "（一）压实责任", 7},
	    {"一、甲\n（一）乙\n", "1、细化方案", "1.细化方案", 8},
	    {"一、甲\n（一）乙\n1.丙\n", "1)明确分工", "（1）明确分工", 9},
	};

	for (size_t k = 0; k < ARRAY_LEN(cases); k++) {
		struct gwtest c;
		char text[512];
		char *s;

		snprintf(text, sizeof(text), HEAD "%s%s\n", cases[k].pre, cases[k].line);
		gwtest_open(&c, text);
		ASSERT(gwtest_find(&c, "GW-BODY-011", (long)cases[k].idx) != NULL);
		s = gwtest_fixed_line(&c, cases[k].idx);
		ASSERT_STR_EQ(s, cases[k].fixed);
		free(s);
		gwtest_close(&c);
	}
}

TEST(gw_dates_and_numbers)
{
	struct gwtest c;
	char *s;

	gwtest_open(&c, HEAD "于2025年03月05日前完成，压减30～50%，预算3～5万元，共１２项。\n"
			     "\n示例市人民政府\n二〇二五年三月十一日\n");
	ASSERT(gwtest_find(&c, "GW-NUM-004", 6) != NULL);
	ASSERT(gwtest_find(&c, "GW-NUM-008", 6) != NULL);
	ASSERT(gwtest_find(&c, "GW-NUM-011", 6) != NULL);
	ASSERT_EQ(c.doc.paras[9].role, GW_ROLE_DATE);
	ASSERT(gwtest_find(&c, "GW-SIGN-001", 9) != NULL);
	s = gwtest_fixed_line(&c, 6);
	ASSERT_STR_EQ(s, "于2025年3月5日前完成，压减30%～50%，预算3万～5万元，共12项。");
	free(s);
	s = gwtest_line(&c, 9);
	ASSERT_STR_EQ(s, "2025年3月11日");
	free(s);
	gwtest_close(&c);
}

TEST(gw_invalid_calendar_date_is_not_auto_fixed)
{
	struct gwtest c;
	const struct gw_finding *f;

	gwtest_open(&c, HEAD "正文。\n\n示例市人民政府\n2025年2月29日\n");
	f = gwtest_find(&c, "GW-SIGN-001", 9);
	ASSERT(f != NULL);
	ASSERT_NE(f->fix, GW_FIX_AUTO);
	gwtest_close(&c);
}

TEST(gw_punctuation_fixes_keep_urls)
{
	struct gwtest c;
	char *s;

	gwtest_open(&c, HEAD
		    "详见网站https://example.gov.cn/a,b?x=1,请各单位于2021-2025年落实,并在3-5个"
		    "工作日内报送\"情况\"(含附表)、等材料。。\n");
	ASSERT(gwtest_find(&c, "GW-PUNC-001", 6) != NULL);
	ASSERT(gwtest_find(&c, "GW-PUNC-006", 6) != NULL);
	ASSERT(gwtest_find(&c, "GW-PUNC-007", 6) != NULL);
	ASSERT(gwtest_find(&c, "GW-PUNC-002", 6) != NULL);
	s = gwtest_fixed_line(&c, 6);
	/* the URL runs to the first non-ASCII character, so the comma right
	 * after it is taken as part of it and left alone (GW-PUNC-020) */
	ASSERT_STR_EQ(s,
		      "详见网站https://example.gov.cn/a,b?x=1,请各单位于2021—2025年落实，并在3～5个"
		      "工作日内报送“情况”（含附表）等材料。");
	free(s);
	gwtest_close(&c);
}

/* Paragraph 6 of HEAD + line fixed. */
static void expect_fixed_line6(const char *line, const char *fixed)
{
	struct gwtest c;
	char text[1024];
	char *s;

	snprintf(text, sizeof(text), "%s%s\n", HEAD, line);
	gwtest_open(&c, text);
	s = gwtest_fixed_line(&c, 6);
	ASSERT_STR_EQ(s, fixed);
	free(s);
	gwtest_close(&c);
}

/* A www. address is left alone too (a "?" before a Han character), as
 * is one with "://" alone; text with neither "://", "www." nor "@" is no
 * URL. */
TEST(gw_punctuation_fixes_keep_www)
{
	expect_fixed_line6("见www.gov.cn/a?请办理。", "见www.gov.cn/a?请办理。");
	expect_fixed_line6("见http://gov.cn/b?请办理。", "见http://gov.cn/b?请办理。");
	expect_fixed_line6("见gov.cn/c?请办理。", "见gov.cn/c？请办理。");
}

TEST(gw_tail_fixes)
{
	struct gwtest c;
	char *s;

	gwtest_open(
	    &c,
	    HEAD "正文。\n附件:《防汛责任清单》。\n\n示例市人民政府\n2025年3月5日\n(此件公开发布)"
		 "\n抄送 市委办公室，市人大常委会办公室\n");
	ASSERT(gwtest_find(&c, "GW-ATT-001", 7) != NULL);
	ASSERT(gwtest_find(&c, "GW-ATT-003", 7) != NULL);
	ASSERT(gwtest_find(&c, "GW-SIGN-008", 11) != NULL);
	ASSERT(gwtest_find(&c, "GW-NOTE-003", 12) != NULL);
	s = gwtest_fixed_line(&c, 7);
	ASSERT_STR_EQ(s, "附件：防汛责任清单");
	free(s);
	s = gwtest_line(&c, 11);
	ASSERT_STR_EQ(s, "（此件公开发布）");
	free(s);
	s = gwtest_line(&c, 12);
	ASSERT_STR_EQ(s, "抄送：市委办公室，市人大常委会办公室。");
	free(s);
	gwtest_close(&c);
}

TEST(gw_upward_document_needs_signer)
{
	struct gwtest c;

	gwtest_open(&c,
		    "示例县人民政府文件\n示县发〔2025〕3号\n示例县人民政府关于申请防汛资金的请示\n"
		    "示例市人民政府：\n妥否，请批示。\n");
	ASSERT_STR_EQ(gw_doc_types[c.doc.doc_type], "请示");
	ASSERT(gwtest_find(&c, "GW-HEAD-009", 1) != NULL);
	gwtest_close(&c);
	gwtest_open(
	    &c, "示例县人民政府文件\n示县发〔2025〕3号\t签发人：张某某\n示例县人民政府关于申请防汛"
		"资金的请示\n示例市人民政府：\n妥否，请批示。\n");
	ASSERT(gwtest_find(&c, "GW-HEAD-009", 1) == NULL);
	ASSERT(gwtest_find(&c, "GW-HEAD-010", 1) == NULL);
	gwtest_close(&c);
}

/* gw_excerpt encodes its window in place: the same bytes as the window
 * through ustr_to_utf8 (code point by code point), for every start and
 * end, past the text too, over code points of every UTF-8 length and
 * ones it replaces (surrogates, past U+10FFFF). */
TEST(gw_excerpt_matches_ustr_window)
{
	static const uint32_t alpha[] = {'a', 0xE9, 0x4E2D, 0x1F600, 0xD800, 0xDFFF, 0x110000, 0};
	uint32_t seed = 7;

	for (size_t len = 0; len < 90; len += 1 + len / 8) {
		struct gw_para p;

		memset(&p, 0, sizeof(p));
		ustr_init(&p.text);
		for (size_t k = 0; k < len; k++) {
			seed = seed * 1103515245u + 12345u;
			ustr_push(&p.text,
				  alpha[(seed >> 16) % (sizeof(alpha) / sizeof(alpha[0]))]);
		}
		for (size_t s = 0; s < len + 12; s += 1 + s / 16) {
			for (size_t e = s; e < len + 12; e += 1 + e / 16) {
				size_t a = s > 8 ? s - 8 : 0;
				size_t b = e + 8 < len ? e + 8 : len;
				char *want;
				char *got = gw_excerpt(&p, s, e);

				if (b - a > 60)
					b = a + 60;
				want = ustr_to_utf8(&p.text, a, b);
				ASSERT_STR_EQ(got, want);
				free(got);
				free(want);
			}
		}
		ustr_free(&p.text);
	}
}

/* gw_at hands its excerpt over and formats the message once: the same
 * finding as gw_add with gw_excerpt's excerpt, a message of 4096 bytes
 * kept and a longer one left empty as before. */
TEST(gw_at_same_as_gw_add)
{
	struct gw_doc doc;
	struct gw_para para;
	struct gw_findings f;
	char *big = malloc(5000);

	memset(&doc, 0, sizeof(doc));
	memset(&para, 0, sizeof(para));
	ustr_init(&para.text);
	ustr_add_cstr(&para.text, "第一段文字，用于摘录的测试文本内容。");
	doc.paras = &para;
	doc.n = 1;
	gw_findings_init(&f);
	for (size_t n = 4090; n < 4100; n++) {
		char *ex = gw_excerpt(&para, 2, 5);

		memset(big, 'x', n);
		big[n] = '\0';
		gw_at(&f, &doc, 0, 2, 5, "GW-T-001", 1, GW_FIX_MANUAL, "m%s", big + 1);
		gw_add(&f, "GW-T-001", 1, 0, GW_FIX_MANUAL, ex, "m%s", big + 1);
		free(ex);
		ASSERT_EQ(f.n % 2, 0);
		ASSERT_STR_EQ(f.v[f.n - 2].message, f.v[f.n - 1].message);
		ASSERT_STR_EQ(f.v[f.n - 2].excerpt, f.v[f.n - 1].excerpt);
		ASSERT_EQ(f.v[f.n - 2].para, 0);
		ASSERT_EQ(strlen(f.v[f.n - 2].message), n <= 4096 ? n : 0);
	}
	ASSERT(strlen(f.v[0].excerpt) > 0);
	gw_findings_free(&f);
	ustr_free(&para.text);
	free(big);
}
