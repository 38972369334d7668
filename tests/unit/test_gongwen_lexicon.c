/*
 * Tests of gongwen/rules_lexicon (GW-TYPE and GW-LANG wording rules).
 *
 * Each test writes a small 公文 as a .txt (one paragraph per line) into a
 * mkdtemp() directory, opens it with the national profile, runs the whole
 * check and asserts which lexicon findings come out: one sentence that must
 * be reported and a clean counterpart that must not.
 */
#include <unistd.h>

#include "gongwen/gongwen.h"
#include "test.h"

#define MAX_LINES 32

struct lx_case {
	char dir[64];
	char path[96];
	struct gw_profile prof;
	struct gw_doc doc;
	struct gw_findings f;
};

/* Open lines[0..n) as a .txt 公文 and check it. */
static void lx_open(struct lx_case *c, const char *const *lines, size_t n)
{
	struct err e;
	FILE *fp;

	snprintf(c->dir, sizeof(c->dir), "/tmp/shuzhi-lexicon-XXXXXX");
	if (mkdtemp(c->dir) == NULL)
		TEST_FAIL_AT("mkdtemp failed");
	snprintf(c->path, sizeof(c->path), "%s/doc.txt", c->dir);
	fp = fopen(c->path, "w");
	ASSERT(fp != NULL);
	for (size_t i = 0; i < n; i++)
		fprintf(fp, "%s\n", lines[i]);
	fclose(fp);
	gw_profile_national(&c->prof);
	memset(&e, 0, sizeof(e));
	ASSERT_EQ(gw_doc_open(c->path, &c->prof, &c->doc, &e), 0);
	gw_findings_init(&c->f);
	gw_check(&c->doc, &c->f);
}

static void lx_close(struct lx_case *c)
{
	gw_findings_free(&c->f);
	gw_doc_free(&c->doc);
	unlink(c->path);
	rmdir(c->dir);
}

/* A 公文 of type `type` (e.g. "通知") to `to` with the given body lines. */
static void lx_doc(struct lx_case *c, const char *mark, const char *type, const char *to,
		   const char *const *body, size_t nbody)
{
	const char *lines[MAX_LINES];
	char title[256];
	char to_line[128];
	size_t n = 0;

	ASSERT(nbody + 8 <= MAX_LINES);
	snprintf(title, sizeof(title), "示例市教育局关于做好校舍维修改造工作的%s", type);
	snprintf(to_line, sizeof(to_line), "%s：", to);
	lines[n++] = mark;
	lines[n++] = "示教〔2025〕8号\t签发人：刘某某";
	lines[n++] = title;
	lines[n++] = to_line;
	for (size_t i = 0; i < nbody; i++)
		lines[n++] = body[i];
	lines[n++] = "示例市教育局";
	lines[n++] = "2025年3月12日";
	lx_open(c, lines, n);
}

static const struct gw_finding *lx_find(const struct lx_case *c, const char *rule)
{
	for (size_t i = 0; i < c->f.n; i++) {
		if (strcmp(c->f.v[i].rule, rule) == 0)
			return &c->f.v[i];
	}
	return NULL;
}

static size_t lx_count(const struct lx_case *c, const char *rule)
{
	size_t n = 0;

	for (size_t i = 0; i < c->f.n; i++)
		n += strcmp(c->f.v[i].rule, rule) == 0;
	return n;
}

/* No finding of any GW-LANG / GW-TYPE rule of this file. */
static void lx_assert_clean(const struct lx_case *c)
{
	for (size_t i = 0; i < c->f.n; i++) {
		const char *r = c->f.v[i].rule;

		if ((strncmp(r, "GW-LANG-", 8) == 0 || strncmp(r, "GW-TYPE-", 8) == 0) &&
		    strcmp(r, "GW-TYPE-014") != 0)
			TEST_FAIL_AT("unexpected %s on paragraph %ld: %s", r, c->f.v[i].para,
				     c->f.v[i].message);
	}
}

/* DOC(&c, 文种, 主送, body lines...): a 公文 from 示例市教育局. */
#define BODY(...)  ((const char *const[]){__VA_ARGS__})
#define NBODY(...) (sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *))
#define DOC(c, type, to, ...)                                                                      \
	lx_doc(c, "示例市教育局文件", type, to, BODY(__VA_ARGS__), NBODY(__VA_ARGS__))

static char *lx_para_text(const struct lx_case *c, size_t i)
{
	return ustr_to_utf8(&c->doc.paras[i].text, 0, c->doc.paras[i].text.len);
}

/* Run the fixer and return paragraph i (caller frees). */
static char *lx_fix_para(struct lx_case *c, size_t i)
{
	struct gw_fix_report rep;
	struct err e;

	memset(&rep, 0, sizeof(rep));
	memset(&e, 0, sizeof(e));
	buf_init(&rep.log, 1 << 20);
	ASSERT_EQ(gw_fix(&c->doc, false, &rep, &e), 0);
	buf_free(&rep.log);
	return lx_para_text(c, i);
}

/* --- GW-LANG ------------------------------------------------------------ */

TEST(lexicon_lang001_typo_autofix)
{
	struct lx_case c;
	const struct gw_finding *fd;
	char *s;

	DOC(&c, "通知", "各学校", "各学校要认真贯切落实，按时按装监控设备，做到再接再励。");
	fd = lx_find(&c, "GW-LANG-001");
	ASSERT(fd != NULL);
	ASSERT_EQ(fd->severity, GW_SEV_ERROR);
	ASSERT_EQ(fd->fix, GW_FIX_AUTO);
	ASSERT_EQ(fd->para, 4);
	ASSERT_EQ(fd->nedits, 3);
	ASSERT_CONTAINS(fd->message, "“贯切”→“贯彻”");
	s = lx_fix_para(&c, 4);
	ASSERT_STR_EQ(s, "各学校要认真贯彻落实，按时安装监控设备，做到再接再厉。");
	free(s);
	lx_close(&c);
}

TEST(lexicon_lang001_words_it_straddles_are_left_alone)
{
	struct lx_case c;
	char *s;

	/* 按+装机容量, 上报+导致, 全部+份额, 签+定点, 严峻+工作, 各自+已经 */
	DOC(&c, "通知", "各学校", "补贴按装机容量计算，未及时上报导致延误的，按全部份额扣减。",
	    "与医院签定点服务协议，面对严峻工作形势，各自已经完成任务。");
	lx_assert_clean(&c);
	s = lx_fix_para(&c, 4);
	ASSERT_STR_EQ(s, "补贴按装机容量计算，未及时上报导致延误的，按全部份额扣减。");
	free(s);
	lx_close(&c);
}

TEST(lexicon_lang001_quoted_names_are_not_changed)
{
	struct lx_case c;
	char *s;

	DOC(&c, "通知", "各学校", "请学习《按装工程规范》和“布署”一词的来历。");
	ASSERT_EQ(lx_count(&c, "GW-LANG-001"), 0);
	s = lx_fix_para(&c, 4);
	ASSERT_STR_EQ(s, "请学习《按装工程规范》和“布署”一词的来历。");
	free(s);
	lx_close(&c);
}

TEST(lexicon_lang002_house_style)
{
	struct lx_case c;
	const struct gw_finding *fd;
	char *s;

	DOC(&c, "通知", "各学校", "其它事项另行通知，资金存入专用帐户，借此机会交待清楚。");
	fd = lx_find(&c, "GW-LANG-002");
	ASSERT(fd != NULL);
	ASSERT_EQ(fd->severity, GW_SEV_WARNING);
	ASSERT_EQ(fd->fix, GW_FIX_AUTO);
	s = lx_fix_para(&c, 4);
	ASSERT_STR_EQ(s, "其他事项另行通知，资金存入专用账户，借此机会交代清楚。");
	free(s);
	lx_close(&c);
	/* 提交+待审议, 帐篷, 尤其+它们, and a quoted title */
	DOC(&c, "通知", "各学校", "提交待审议的议案，现场搭建帐篷，尤其它们的安全。",
	    "参照《其它事项管理办法》执行。");
	ASSERT_EQ(lx_count(&c, "GW-LANG-002"), 0);
	lx_close(&c);
}

TEST(lexicon_lang003_context_pairs)
{
	struct lx_case c;
	const struct gw_finding *fd;

	DOC(&c, "通知", "各学校", "截止2025年6月底，全市共完成改造项目12个。",
	    "各地要及时反应情况，对违规行为做出处理决定。");
	fd = lx_find(&c, "GW-LANG-003");
	ASSERT(fd != NULL);
	ASSERT_EQ(fd->severity, GW_SEV_WARNING);
	ASSERT_EQ(fd->fix, GW_FIX_SUGGEST);
	ASSERT_CONTAINS(fd->suggestion, "截至");
	ASSERT_EQ(lx_count(&c, "GW-LANG-003"), 2);
	lx_close(&c);
	DOC(&c, "通知", "各学校", "报名于5月15日截止，截止到6月底的数据另行统计。",
	    "截至2025年6月底，药品不良反应情况良好，依法作出处理决定。");
	ASSERT_EQ(lx_count(&c, "GW-LANG-003"), 0);
	lx_close(&c);
}

TEST(lexicon_lang004_de_di_de)
{
	struct lx_case c;

	DOC(&c, "通知", "各学校", "各地要认真的落实。", "去年的工作完成的很好。",
	    "各校积极的推动了改革。");
	ASSERT_EQ(lx_count(&c, "GW-LANG-004"), 3);
	ASSERT_EQ(lx_find(&c, "GW-LANG-004")->fix, GW_FIX_SUGGEST);
	lx_close(&c);
	/* noun phrases keep 的 */
	DOC(&c, "通知", "各学校", "要建立有效的解决办法。", "改革得到了扎实的推进。",
	    "我们开展的很多工作得到肯定。");
	ASSERT_EQ(lx_count(&c, "GW-LANG-004"), 0);
	lx_close(&c);
}

TEST(lexicon_lang005_duplicated_words)
{
	struct lx_case c;

	DOC(&c, "通知", "各学校", "要加强校舍的的安全管理。", "进一步进一步压实责任。");
	ASSERT_EQ(lx_count(&c, "GW-LANG-005"), 2);
	ASSERT_EQ(lx_find(&c, "GW-LANG-005")->severity, GW_SEV_WARNING);
	lx_close(&c);
	DOC(&c, "通知", "各学校", "为了了解情况，实实在在解决问题，有的的确存在不足。",
	    "这是达到目的的手段，要在在线平台和和平环境中不了了之。");
	ASSERT_EQ(lx_count(&c, "GW-LANG-005"), 0);
	lx_close(&c);
}

TEST(lexicon_lang006_traditional_forms)
{
	struct lx_case c;
	const struct gw_finding *fd;
	char *s;

	DOC(&c, "通知", "各学校", "随著改革深入，各校於年底前完成。");
	fd = lx_find(&c, "GW-LANG-006");
	ASSERT(fd != NULL);
	ASSERT_EQ(fd->fix, GW_FIX_AUTO);
	s = lx_fix_para(&c, 4);
	ASSERT_STR_EQ(s, "随着改革深入，各校于年底前完成。");
	free(s);
	lx_close(&c);
	/* 著 of 著名/显著/原著 is not the particle */
	DOC(&c, "通知", "各学校", "邀请著名专家授课，成效显著，编著手册一本，有著作权。");
	ASSERT_EQ(lx_count(&c, "GW-LANG-006"), 0);
	lx_close(&c);
}

TEST(lexicon_lang008_empty_phrases)
{
	struct lx_case c;

	DOC(&c, "通知", "各学校", "各校要高度重视，狠抓落实。");
	ASSERT_EQ(lx_count(&c, "GW-LANG-008"), 1);
	ASSERT_EQ(lx_find(&c, "GW-LANG-008")->severity, GW_SEV_INFO);
	lx_close(&c);
	DOC(&c, "通知", "各学校", "各校要在4月底前明确一名分管负责人。");
	ASSERT_EQ(lx_count(&c, "GW-LANG-008"), 0);
	lx_close(&c);
}

TEST(lexicon_lang009_abbreviation_before_definition)
{
	struct lx_case c;
	const struct gw_finding *fd;

	DOC(&c, "通知", "各学校", "由市监局负责抽查。",
	    "示例市市场监督管理局（以下简称“市监局”）牵头组织。");
	fd = lx_find(&c, "GW-LANG-009");
	ASSERT(fd != NULL);
	ASSERT_EQ(fd->para, 4);
	ASSERT_EQ(fd->severity, GW_SEV_INFO);
	lx_close(&c);
	DOC(&c, "通知", "各学校", "示例市市场监督管理局（以下简称“市监局”）牵头组织。",
	    "由市监局负责抽查，中国人民银行（以下简称“人民银行”）配合。");
	ASSERT_EQ(lx_count(&c, "GW-LANG-009"), 0);
	lx_close(&c);
}

/* --- GW-TYPE ------------------------------------------------------------ */

TEST(lexicon_type001_one_request_per_qingshi)
{
	struct lx_case c;

	DOC(&c, "请示", "示例市人民政府", "恳请市政府安排专项资金1860万元。",
	    "同时请示将第三中学纳入改扩建计划。", "妥否，请批示。");
	ASSERT(lx_find(&c, "GW-TYPE-001") != NULL);
	ASSERT_EQ(lx_find(&c, "GW-TYPE-001")->severity, GW_SEV_ERROR);
	lx_close(&c);
	DOC(&c, "请示", "示例市人民政府", "恳请市政府安排专项资金1860万元。",
	    "特此请示，请予批准。");
	lx_assert_clean(&c);
	lx_close(&c);
}

TEST(lexicon_type002_request_in_report)
{
	struct lx_case c;
	const struct gw_finding *fd;

	DOC(&c, "报告", "示例市人民政府", "现将有关情况报告如下：全市校舍总体安全。",
	    "以上报告妥否，请批示。");
	fd = lx_find(&c, "GW-TYPE-002");
	ASSERT(fd != NULL);
	ASSERT_EQ(fd->severity, GW_SEV_ERROR);
	ASSERT_EQ(fd->para, 5);
	lx_close(&c);
	DOC(&c, "报告", "示例市人民政府", "项目已按程序报请省发展改革委审批。", "特此报告。");
	lx_assert_clean(&c);
	lx_close(&c);
}

TEST(lexicon_type003_007_upward_addressee)
{
	struct lx_case c;

	DOC(&c, "报告", "市委、市政府", "全市校舍总体安全。", "特此报告。");
	ASSERT(lx_find(&c, "GW-TYPE-003") != NULL);
	ASSERT_EQ(lx_find(&c, "GW-TYPE-003")->severity, GW_SEV_WARNING);
	ASSERT_EQ(lx_count(&c, "GW-TYPE-007"), 0);
	lx_close(&c);
	DOC(&c, "请示", "张某某市长", "恳请市政府安排专项资金。", "妥否，请批示。");
	ASSERT(lx_find(&c, "GW-TYPE-007") != NULL);
	ASSERT_EQ(lx_find(&c, "GW-TYPE-007")->severity, GW_SEV_ERROR);
	lx_close(&c);
	DOC(&c, "请示", "示例市人民政府", "恳请市政府安排专项资金。", "妥否，请批示。");
	lx_assert_clean(&c);
	lx_close(&c);
}

TEST(lexicon_type006_forwarded_request_needs_opinion)
{
	struct lx_case c;

	DOC(&c, "请示", "示例市人民政府", "现将示例县教育局的请示转报你们。", "妥否，请批示。");
	ASSERT(lx_find(&c, "GW-TYPE-006") != NULL);
	lx_close(&c);
	DOC(&c, "请示", "示例市人民政府", "现将示例县教育局的请示转报，经审核，建议予以支持。",
	    "妥否，请批示。");
	lx_assert_clean(&c);
	lx_close(&c);
}

TEST(lexicon_type008_internal_unit_issues)
{
	struct lx_case c;
	const char *body[] = {"请各校按时报送材料。", "特此通知。"};

	lx_doc(&c, "示例市教育局基建处文件", "通知", "各学校", body, 2);
	ASSERT(lx_find(&c, "GW-TYPE-008") != NULL);
	ASSERT_EQ(lx_find(&c, "GW-TYPE-008")->para, 0);
	lx_close(&c);
	lx_doc(&c, "示例市教育局办公室文件", "通知", "各学校", body, 2);
	lx_assert_clean(&c);
	lx_close(&c);
	lx_doc(&c, "示例市公路管理处文件", "通知", "各学校", body, 2);
	lx_assert_clean(&c);
	lx_close(&c);
}

TEST(lexicon_type009_reply_cites_request)
{
	struct lx_case c;

	DOC(&c, "批复", "示例市第三中学", "同意你校开展集团化办学试点。", "此复。");
	ASSERT(lx_find(&c, "GW-TYPE-009") != NULL);
	lx_close(&c);
	DOC(&c, "批复", "示例市第三中学",
	    "你校《关于开展集团化办学试点的请示》（示三中〔2025〕5号）收悉。现批复如下：",
	    "同意你校开展集团化办学试点。", "此复。");
	lx_assert_clean(&c);
	lx_close(&c);
}

TEST(lexicon_type010_closing_formula)
{
	struct lx_case c;
	const struct gw_finding *fd;

	DOC(&c, "请示", "示例市人民政府", "恳请市政府安排专项资金。", "特此报告。");
	fd = lx_find(&c, "GW-TYPE-010");
	ASSERT(fd != NULL);
	ASSERT_EQ(fd->fix, GW_FIX_SUGGEST);
	ASSERT_CONTAINS(fd->suggestion, "请批示");
	lx_close(&c);
	DOC(&c, "函", "示例市统计局", "贵局《关于协助开展调查的函》收悉。", "此复。");
	ASSERT_EQ(lx_count(&c, "GW-TYPE-010"), 0);
	lx_close(&c);
	DOC(&c, "通知", "各学校", "请各校按时报送材料。", "特此通知。");
	lx_assert_clean(&c);
	lx_close(&c);
}

TEST(lexicon_type011_address_forms)
{
	struct lx_case c;

	DOC(&c, "批复", "示例市统计局", "贵局《关于开展调查的请示》（示统〔2025〕5号）收悉。",
	    "此复。");
	ASSERT(lx_find(&c, "GW-TYPE-011") != NULL);
	lx_close(&c);
	DOC(&c, "请示", "示例市人民政府", "恳请你们安排专项资金。", "妥否，请批示。");
	ASSERT(lx_find(&c, "GW-TYPE-011") != NULL);
	lx_close(&c);
	DOC(&c, "函", "示例市统计局", "请你局协助开展调查。", "特此函告。");
	ASSERT(lx_find(&c, "GW-TYPE-011") != NULL);
	lx_close(&c);
	/* 征求意见函 "现送你们"; 贵局 in a 函; 宝贵 + 部分 in a 批复 */
	DOC(&c, "函", "示例市统计局", "现送你们征求意见，请贵局研究函复。", "特此函告。");
	lx_assert_clean(&c);
	lx_close(&c);
	DOC(&c, "批复", "示例市第三中学",
	    "你校《关于开展试点的请示》（示三中〔2025〕5号）收悉。现批复如下：",
	    "试点经验是宝贵部分财富。", "此复。");
	lx_assert_clean(&c);
	lx_close(&c);
}

TEST(lexicon_type012_command_tone_in_han)
{
	struct lx_case c;

	DOC(&c, "函", "示例市统计局", "请贵局务必于5月10日前函复。", "特此函告。");
	ASSERT(lx_find(&c, "GW-TYPE-012") != NULL);
	ASSERT_EQ(lx_find(&c, "GW-TYPE-012")->severity, GW_SEV_INFO);
	lx_close(&c);
	DOC(&c, "通知", "各学校", "请各校务必于5月10日前报送。", "特此通知。");
	ASSERT_EQ(lx_count(&c, "GW-TYPE-012"), 0);
	lx_close(&c);
}

TEST(lexicon_type013_minutes_record_decisions)
{
	struct lx_case c;

	DOC(&c, "纪要", "各有关单位", "会议听取了市教育局的汇报，大家进行了讨论。");
	ASSERT(lx_find(&c, "GW-TYPE-013") != NULL);
	lx_close(&c);
	DOC(&c, "纪要", "各有关单位", "会议听取了市教育局的汇报。会议原则同意该方案。");
	ASSERT_EQ(lx_count(&c, "GW-TYPE-013"), 0);
	lx_close(&c);
}

TEST(lexicon_type015_cite_title_before_number)
{
	struct lx_case c;

	DOC(&c, "通知", "各学校",
	    "根据示政发〔2025〕3号《关于加强校舍管理的通知》要求，请各校自查。");
	ASSERT(lx_find(&c, "GW-TYPE-015") != NULL);
	lx_close(&c);
	DOC(&c, "通知", "各学校",
	    "根据《关于加强校舍管理的通知》（示政发〔2025〕3号）要求，请各校自查。");
	ASSERT_EQ(lx_count(&c, "GW-TYPE-015"), 0);
	lx_close(&c);
}

TEST(lexicon_type017_relative_time)
{
	struct lx_case c;

	DOC(&c, "通知", "各学校", "今年以来，全市校舍安全形势总体平稳。");
	ASSERT(lx_find(&c, "GW-TYPE-017") != NULL);
	ASSERT_EQ(lx_find(&c, "GW-TYPE-017")->severity, GW_SEV_INFO);
	lx_close(&c);
	/* deadlines and recurring schedules are not relative dates */
	DOC(&c, "通知", "各学校", "请于6月30日前报送，每月5日前报送上月进展，在开学日前完成。");
	ASSERT_EQ(lx_count(&c, "GW-TYPE-017"), 0);
	lx_close(&c);
}

TEST(lexicon_non_prose_roles_are_skipped)
{
	struct lx_case c;
	const char *lines[] = {
	    "示例市教育局文件", "示教〔2025〕8号",     "示例市教育局关于做好工作的通知",
	    "各学校：",		"请按时报送。",	       "示例市教育局",
	    "2025年3月12日",	"抄送：其它有关单位。"};

	lx_open(&c, lines, ARRAY_LEN(lines));
	ASSERT_EQ(c.doc.paras[7].role, GW_ROLE_CC);
	ASSERT_EQ(lx_count(&c, "GW-LANG-002"), 0);
	lx_close(&c);
}
