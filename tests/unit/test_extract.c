#include <math.h>

#include "doc/zip.h"
#include "enforce/enforce.h"
#include "extract/extract.h"
#include "test.h"
#include "text/regex.h"
#include "text/text.h"

static double num(const char *s)
{
	struct ustr u;
	double v = -12345;

	ustr_init(&u);
	ustr_add_cstr(&u, s);
	if (!extract_cn_number(u.p, u.len, &v))
		v = -1;
	ustr_free(&u);
	return v;
}

TEST(extract_check_digits)
{
	/* spec §4.6 vectors */
	ASSERT(extract_uscc_valid("91440304MA5G2K3L7P"));
	ASSERT(extract_uscc_valid("92440304MA5HABCD9D"));
	ASSERT(extract_uscc_valid("124403044557712315"));
	ASSERT(!extract_uscc_valid("91350203M0001QAY9B")); /* check digit should be 9 */
	ASSERT(!extract_uscc_valid("91440304MA5G2K3L7Q"));
	ASSERT(!extract_uscc_valid("91440304MA5G2K3L7"));  /* 17 chars */
	ASSERT(!extract_uscc_valid("9144030IMA5G2K3L7P")); /* I not in the charset */
	ASSERT(extract_idcard_valid("11010519491231002X"));
	ASSERT(extract_idcard_valid("440304200002290049")); /* 2000-02-29 exists */
	ASSERT(!extract_idcard_valid("110105194912310021"));
	ASSERT(!extract_idcard_valid("440304190002290040")); /* bad check and no 1900-02-29 */
	ASSERT(extract_orgcode_valid("MA5G2K3L7"));
	ASSERT(!extract_orgcode_valid("MA5G2K3L8"));
}

TEST(extract_numerals)
{
	ASSERT_EQ(num("一万二千"), 12000);
	ASSERT_EQ(num("三万五"), 35000);
	ASSERT_EQ(num("一千二"), 1200);
	ASSERT_EQ(num("一百零四"), 104);
	ASSERT_EQ(num("伍万叁仟陆佰肆拾"), 53640);
	ASSERT_EQ(num("二〇二五"), 2025);
	ASSERT_EQ(num("12"), 12);
	ASSERT(fabs(num("五十六点八") - 56.8) < 1e-9);
	ASSERT(fabs(num("1.2万") - 12000) < 1e-9);
	ASSERT_EQ(num("三四"), -1); /* a range, not 34 */
	ASSERT_EQ(num("一两"), -1);
	ASSERT_EQ(num("abc"), -1);
}

static json_t *run(const char *text)
{
	json_t *o = NULL;
	struct err e = {0};

	ASSERT_EQ(extract_transcript(text, strlen(text), &o, &e), 0);
	return o;
}

static const char *jstr(json_t *o, const char *a, const char *b)
{
	json_t *v = json_object_get(o, a);
	if (b != NULL)
		v = json_object_get(v, b);
	return json_string_value(v);
}

TEST(extract_header_party_dates)
{
	json_t *o =
	    run("某某县市场监督管理局\n询问笔录\n"
		"询问时间：2025年3月7日14时至15时\n"
		"询问人：张三（执法证号：12345678901）、李四（执法证号：12345678902）\n"
		"被询问人：王五　性别：男\n身份证号码：11010519491231002X\n"
		"工作单位及职务：某某便利店　经营者\n\n"
		"问：执法人员是什么时间到你店检查的？\n"
		"答：3月3号……不对，是前天下午。\n"
		"问：请提供营业执照。\n"
		"答：（出示营业执照正本）名称是某某便利店，统一社会信用代码92440304MA5HABCD9D，"
		"经营场所是某某路8号，类型是个体工商户。\n"
		"问：你从什么时候开始卖的？一共卖了多少？\n"
		"答：2月10号开始卖的，卖了十二盒，每盒三块二，一共三十八块四。\n");

	ASSERT_STR_EQ(jstr(o, "record_type", NULL), "询问笔录");
	ASSERT_STR_EQ(jstr(o, "record_date", NULL), "2025-03-07");
	ASSERT_EQ(json_array_size(json_object_get(o, "officers")), 2);
	ASSERT_STR_EQ(jstr(o, "party", "type"), "个体工商户");
	ASSERT_STR_EQ(jstr(o, "party", "name"), "某某便利店");
	ASSERT_STR_EQ(jstr(o, "party", "uscc"), "92440304MA5HABCD9D");
	ASSERT_STR_EQ(jstr(o, "party", "legal_representative"), "王五");
	ASSERT_STR_EQ(jstr(o, "interviewee", "id_number"), "11010519491231002X");
	ASSERT_STR_EQ(jstr(o, "interviewee", "role"), "经营者");
	/* the correction drops 3月3号; 前天 resolves against the record date */
	ASSERT_STR_EQ(jstr(o, "inspection_date", NULL), "2025-03-05");
	ASSERT_STR_EQ(jstr(o, "incident_date", NULL), "2025-02-10");
	ASSERT_EQ(json_array_size(json_object_get(o, "quantities")), 1);
	ASSERT_EQ(json_integer_value(json_object_get(
		      json_array_get(json_object_get(o, "quantities"), 0), "value")),
		  12);
	ASSERT_EQ(json_array_size(json_object_get(o, "amounts")), 2);
	ASSERT(json_is_true(json_object_get(o, "admissions")));
	ASSERT(json_is_null(json_object_get(o, "penalty_amount")));
	ASSERT(json_is_null(json_object_get(o, "document_number")));
	json_decref(o);
	text_re_cleanup();
}

TEST(extract_rejects_bad_codes_and_reads_denial)
{
	/* an ID with a wrong check digit is not reported; a 15-digit 注册号 is no USCC */
	json_t *o = run(
	    "询问笔录\n时间：2025年6月1日\n被询问人：赵六\n身份证号码：110105194912310021\n\n"
	    "问：公司情况？答：公司叫某某贸易有限公司，注册号440301000123456，法定代表人是钱七。\n"
	    "问：是否承认超范围经营？答：不承认，我们没有违法。\n");

	ASSERT(json_is_null(json_object_get(json_object_get(o, "interviewee"), "id_number")));
	ASSERT(json_is_null(json_object_get(json_object_get(o, "party"), "uscc")));
	ASSERT_STR_EQ(jstr(o, "party", "type"), "单位");
	ASSERT_STR_EQ(jstr(o, "party", "name"), "某某贸易有限公司");
	ASSERT_STR_EQ(jstr(o, "party", "legal_representative"), "钱七");
	ASSERT(json_is_false(json_object_get(o, "admissions")));
	json_decref(o);
	text_re_cleanup();
}

TEST(extract_hostile_input)
{
	json_t *o = NULL;
	struct err e = {0};
	char *big;
	static const char trunc_docx[] = "PK\x03\x04\x14\x00\x00\x00\x08\x00garbage";

	ASSERT_EQ(extract_transcript("\xff\xfe问：", 5, &o, &e), BASE_E_FORMAT);
	ASSERT(o == NULL);
	ASSERT_CONTAINS(e.msg, "UTF-8");
	big = xcalloc(1, EXTRACT_MAX_INPUT + 2);
	memset(big, 'a', EXTRACT_MAX_INPUT + 1);
	ASSERT_EQ(extract_transcript(big, EXTRACT_MAX_INPUT + 1, &o, &e), BASE_E_LIMIT);
	free(big);
	ASSERT(extract_transcript_bytes(trunc_docx, sizeof(trunc_docx) - 1, "t.docx", &o, &e) != 0);
	ASSERT(o == NULL);
	/* empty and furniture-only input: an object with nulls, not a crash */
	o = run("");
	ASSERT(json_is_null(json_object_get(o, "record_date")));
	json_decref(o);
	o = run("（以下空白）\n第 1 页 共 1 页\n问：\n答：\n问：答：");
	ASSERT(json_is_object(o));
	json_decref(o);
	text_re_cleanup();
}

static json_t *sample_extract(void)
{
	json_error_t je;
	return json_loads("{\"record_type\":\"询问笔录\",\"record_date\":\"2025-05-08\",\"organ\":"
			  "\"某某区市场监督管理局\","
			  "\"officers\":[{\"name\":\"甲\",\"cert_no\":\"1\"},{\"name\":\"乙\","
			  "\"cert_no\":\"2\"}],"
			  "\"party\":{\"name\":\"某某商贸有限公司\",\"type\":\"单位\",\"uscc\":"
			  "\"91440304MA5G2K3L7P\","
			  "\"address\":\"某某路1号\",\"legal_representative\":\"丙\"},"
			  "\"interviewee\":{\"name\":\"丁\",\"role\":\"店长\"},\"inspection_date\":"
			  "\"2025-05-04\","
			  "\"incident_date\":\"2025-05-01\",\"place\":\"某某路1号\","
			  "\"violation_facts\":[\"标价13.9元结算16.8元\"],\"quantities\":[{"
			  "\"item\":\"鸡蛋\",\"value\":"
			  "136,\"unit\":\"盒\"}],\"amounts\":[{\"item\":\"多收\",\"value\":394.4}],"
			  "\"evidence\":[\"收银系统销售明细\"],\"admissions\":true}",
			  0, &je);
}

TEST(enforce_drafts_leave_blanks)
{
	json_t *x = sample_extract();

	ASSERT(x != NULL);
	for (int k = 0; k < ENFORCE_NKINDS; k++) {
		struct buf b;
		struct err e = {0};
		struct enforce_report r;
		char *docx = NULL;
		size_t len = 0;

		buf_init(&b, 1 << 24);
		ASSERT_EQ(enforce_draft_text((enum enforce_kind)k, x, &b, &e), 0);
		buf_addc(&b, '\0');
		ASSERT_CONTAINS(b.p, enforce_kind_title((enum enforce_kind)k));
		ASSERT_CONTAINS(b.p, "某某商贸有限公司");
		/* the fine and the articles are never filled in */
		ASSERT(strstr(b.p, "〔待填写：处罚依据条款〕") != NULL || k == ENFORCE_ORDER);
		if (k == ENFORCE_DECISION) {
			ASSERT_CONTAINS(b.p, "〔待填写：罚款数额〕");
			ASSERT_CONTAINS(b.p, "六十日");
			ASSERT_CONTAINS(b.p, "六个月");
			ASSERT_CONTAINS(b.p, "十五日");
			ASSERT_CONTAINS(b.p, "百分之三");
		}
		if (k == ENFORCE_NOTICE)
			ASSERT_CONTAINS(b.p, "五个工作日");
		enforce_validate_text(b.p, b.len - 1, NULL, 0, &r);
		ASSERT(r.kind_known);
		ASSERT_EQ((int)r.kind, k);
		for (size_t i = 0; i < r.n; i++) /* only blanks: every element present */
			ASSERT_STR_EQ(r.f[i].severity, "blank");
		ASSERT(r.n > 0);
		enforce_report_free(&r);
		buf_free(&b);
		ASSERT_EQ(enforce_draft((enum enforce_kind)k, x, &docx, &len, &e), 0);
		ASSERT(len > 100 && memcmp(docx, "PK", 2) == 0);
		free(docx);
	}
	json_decref(x);
	text_re_cleanup();
}

/* Count of "<w:r>" runs in xml holding needle, with and without highlight. */
static void count_blank_runs(const char *xml, size_t *lit, size_t *plain)
{
	const char *p = xml;

	*lit = *plain = 0;
	while ((p = strstr(p, "<w:r>")) != NULL) {
		const char *end = strstr(p, "</w:r>");
		char *one;

		ASSERT(end != NULL);
		one = strndup(p, (size_t)(end - p));
		if (strstr(one, ENFORCE_BLANK_OPEN) != NULL) {
			if (strstr(one, "<w:highlight") != NULL)
				(*lit)++;
			else
				(*plain)++;
		} else {
			ASSERT(strstr(one, "<w:highlight") == NULL);
		}
		free(one);
		p = end;
	}
}

/* An edited draft's text back into the draft layout: every open blank
 * highlighted, the edit kept, the note last; the same blanks as the draft
 * built from the extraction. */
TEST(enforce_docx_from_text)
{
	json_t *x = sample_extract();
	struct buf b;
	struct err e = {0};
	struct doc_zip *z = NULL;
	char *docx = NULL, *xml = NULL, *docx0 = NULL, *xml0 = NULL;
	size_t len = 0, xlen = 0, len0 = 0, lit, plain, lit0, plain0;
	char *edited;
	const char *at;

	buf_init(&b, 1 << 24);
	ASSERT_EQ(enforce_draft_text(ENFORCE_DECISION, x, &b, &e), 0);
	buf_addc(&b, '\0');
	/* the officer fills in the fine: one blank fewer */
	at = strstr(b.p, "〔待填写：罚款数额〕");
	ASSERT(at != NULL);
	edited = xmalloc(b.len + 64);
	snprintf(edited, b.len + 64, "%.*s伍仟元%s", (int)(at - b.p), b.p,
		 at + strlen("〔待填写：罚款数额〕"));
	ASSERT_EQ(enforce_draft_docx_text(ENFORCE_DECISION, edited, strlen(edited), "审核通过：甲",
					  &docx, &len, &e),
		  0);
	ASSERT_EQ(doc_zip_open_mem(docx, len, "t", NULL, &z, &e), 0);
	ASSERT_EQ(doc_zip_read(z, "word/document.xml", &xml, &xlen, &e), 0);
	doc_zip_close(z);
	ASSERT_CONTAINS(xml, "伍仟元");
	ASSERT_CONTAINS(xml, "审核通过：甲");
	ASSERT_CONTAINS(xml, "方正小标宋简体");	      /* the title block */
	ASSERT_CONTAINS(xml, "w:jc w:val=\"right\""); /* seal and date */
	count_blank_runs(xml, &lit, &plain);
	ASSERT_EQ(plain, 0);
	ASSERT(lit > 3);
	/* the layout from the extraction has exactly one highlighted blank more */
	ASSERT_EQ(enforce_draft(ENFORCE_DECISION, x, &docx0, &len0, &e), 0);
	ASSERT_EQ(doc_zip_open_mem(docx0, len0, "t0", NULL, &z, &e), 0);
	ASSERT_EQ(doc_zip_read(z, "word/document.xml", &xml0, &xlen, &e), 0);
	doc_zip_close(z);
	count_blank_runs(xml0, &lit0, &plain0);
	ASSERT_EQ(lit0, lit + 1);
	free(docx0);
	/* hostile text: refused with a reason */
	ASSERT_EQ(enforce_draft_docx_text(ENFORCE_NOTICE, "\xff\xfe", 2, NULL, &docx0, &len0, &e),
		  BASE_E_FORMAT);
	ASSERT_CONTAINS(e.msg, "UTF-8");
	ASSERT_EQ(enforce_draft_docx_text(ENFORCE_NOTICE, edited, ENFORCE_TEXT_MAX + 1, NULL,
					  &docx0, &len0, &e),
		  BASE_E_LIMIT);
	free(xml0);
	free(xml);
	free(docx);
	free(edited);
	buf_free(&b);
	json_decref(x);
	text_re_cleanup();
}

static bool has_finding(const struct enforce_report *r, const char *element)
{
	for (size_t i = 0; i < r->n; i++) {
		if (strcmp(r->f[i].element, element) == 0 && strcmp(r->f[i].severity, "blank") != 0)
			return true;
	}
	return false;
}

TEST(enforce_validator_catches_errors)
{
	static const char notice[] = "某局\n行政处罚告知书\n某某商贸有限公司：\n经查，你单位……。以"
				     "上事实有证据证明。违反了《某法》第"
				     "一条的规定。本机关拟对你单位罚款人民币5000元。你单位有权陈述"
				     "、申辩和要求听证，可在五个工作日"
				     "内提出。\n某局（印章）\n2025年6月1日\n";
	static const char decision[] = "某局\n行政处罚决定书\n当事人：某某商贸有限公司\n住所：某路1"
				       "号\n经查，……。证据：照片。依据《某法》"
				       "第二条的规定，本机关决定：罚款人民币8000元（大写：伍仟元整"
				       "）。当事人应当自收到本决定书之日起十五"
				       "日内缴纳。如不服，可在六十日内申请行政复议，也可在三个月内"
				       "提起行政诉讼。\n某局（印章）\n"
				       "2025年6月20日\n";
	struct enforce_report r;
	struct buf cap;

	enforce_validate_text(decision, strlen(decision), notice, strlen(notice), &r);
	ASSERT_EQ((int)r.kind, ENFORCE_DECISION);
	ASSERT(has_finding(&r, "罚款数额"));		   /* 8000 > 5000 in the notice */
	ASSERT(has_finding(&r, "罚款数额大小写"));	   /* 8000 vs 伍仟元整 */
	ASSERT(has_finding(&r, "行政诉讼期限"));	   /* 三个月 */
	ASSERT(has_finding(&r, "行政诉讼期限（六个月）")); /* missing 六个月 */
	ASSERT(!has_finding(&r, "当事人"));
	enforce_report_free(&r);

	enforce_validate_text(notice, strlen(notice), NULL, 0, &r);
	ASSERT_EQ((int)r.kind, ENFORCE_NOTICE);
	ASSERT_EQ(enforce_report_problems(&r), 0);
	enforce_report_free(&r);

	buf_init(&cap, 256);
	enforce_yuan_capital(5000, &cap);
	ASSERT_STR_EQ(cap.p, "伍仟元整");
	buf_reset(&cap);
	enforce_yuan_capital(10203.5, &cap);
	ASSERT_STR_EQ(cap.p, "壹万零贰佰零叁元伍角");
	buf_free(&cap);
	text_re_cleanup();
}
