/* enforce/validate: required elements and consistency of a draft's text. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enforce/enforce.h"
#include "extract/extract.h"
#include "text/regex.h"
#include "text/text.h"

static void add(struct enforce_report *r, const char *sev, const char *element, const char *fmt,
		...) __attribute__((format(printf, 4, 5)));

static void add(struct enforce_report *r, const char *sev, const char *element, const char *fmt,
		...)
{
	struct enforce_finding *f;
	struct buf b;
	va_list ap;

	r->f = xgrow(r->f, &r->cap, r->n + 1, sizeof(*r->f));
	f = &r->f[r->n++];
	snprintf(f->severity, sizeof(f->severity), "%s", sev);
	f->element = xstrdup(element);
	buf_init(&b, 1 << 16);
	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	f->message = buf_detach(&b, NULL);
}

void enforce_report_free(struct enforce_report *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->f[i].element);
		free(r->f[i].message);
	}
	free(r->f);
	memset(r, 0, sizeof(*r));
}

size_t enforce_report_problems(const struct enforce_report *r)
{
	size_t n = 0;

	for (size_t i = 0; i < r->n; i++) {
		if (strcmp(r->f[i].severity, "warning") != 0)
			n++;
	}
	return n;
}

json_t *enforce_report_json(const struct enforce_report *r)
{
	json_t *o = json_object(), *arr = json_array();

	json_object_set_new(o, "kind",
			    r->kind_known ? json_string(enforce_kind_title(r->kind)) : json_null());
	for (size_t i = 0; i < r->n; i++)
		json_array_append_new(arr, json_pack("{s:s,s:s,s:s}", "severity", r->f[i].severity,
						     "element", r->f[i].element, "message",
						     r->f[i].message));
	json_object_set_new(o, "findings", arr);
	json_object_set_new(o, "problems", json_integer((json_int_t)enforce_report_problems(r)));
	return o;
}

/* ------------------------------------------------------------------ */

static bool has(const struct ustr *u, const char *pat)
{
	return text_re_has(pat, u->p, u->len);
}

struct req {
	const char *pat;
	const char *element;
	const char *why;
};

static void require(const struct ustr *u, struct enforce_report *r, const struct req *q, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!has(u, q[i].pat))
			add(r, "error", q[i].element, "缺少%s（%s）", q[i].element, q[i].why);
	}
}

/* Largest fine ("罚款…元") in the text, or -1. */
static double max_fine(const struct ustr *u)
{
	size_t pos = 0, s, e;
	long g[2];
	double best = -1;

	while (text_re_search(
	    text_re_get("罚款(?:人民币)?\\s*([0-9零〇一二两三四五六七八九十百千万点.]+)"
			"\\s*(?:万)?元"),
	    u->p, u->len, pos, &s, &e, g, 1)) {
		double v;
		pos = e;
		if (extract_cn_number(u->p + g[0], (size_t)(g[1] - g[0]), &v)) {
			if (text_ucs_find(u->p + s, e - s, 0, "万元") >= 0)
				v *= 10000;
			if (v > best)
				best = v;
		}
	}
	return best;
}

static char *party_name(const struct ustr *u)
{
	size_t s, e;
	long g[2];

	if (text_re_search(text_re_get("当事人(?:名称|姓名)?[：:]\\s*([^\\n〔]{2,60})\\n"), u->p,
			   u->len, 0, &s, &e, g, 1) ||
	    text_re_search(text_re_get("(?m)^([^\\n：:〔]{2,60})[：:]\\s*$"), u->p, u->len, 0, &s,
			   &e, g, 1))
		return ustr_to_utf8(u, (size_t)g[0], (size_t)g[1]);
	return NULL;
}

static void codes(const struct ustr *u, struct enforce_report *r)
{
	size_t pos = 0, s, e;
	long g[2];

	while (text_re_search(text_re_get("统一社会信用代码[：:]\\s*([0-9A-Z]{15,20})"), u->p,
			      u->len, pos, &s, &e, g, 1)) {
		char *c = ustr_to_utf8(u, (size_t)g[0], (size_t)g[1]);
		pos = e;
		if (!extract_uscc_valid(c))
			add(r, "error", "统一社会信用代码",
			    "统一社会信用代码 %s 未通过 GB 32100 校验（或为 15 "
			    "位旧注册号），请与营业执照核对",
			    c);
		free(c);
	}
	pos = 0;
	while (text_re_search(text_re_get("身份证(?:件)?(?:号码|号)[：:]\\s*([0-9Xx]{15,18})"),
			      u->p, u->len, pos, &s, &e, g, 1)) {
		char *c = ustr_to_utf8(u, (size_t)g[0], (size_t)g[1]);
		pos = e;
		if (c[0] && c[strlen(c) - 1] == 'x')
			c[strlen(c) - 1] = 'X';
		if (!extract_idcard_valid(c))
			add(r, "error", "身份证件号码", "身份证件号码 %s 未通过 GB 11643 校验", c);
		free(c);
	}
}

static void capitals(const struct ustr *u, struct enforce_report *r)
{
	size_t pos = 0, s, e;
	long g[4];

	while (text_re_search(
	    text_re_get("([0-9]+(?:\\.[0-9]+)?)\\s*元[（(]大写[：:]\\s*([零壹贰叁肆伍陆柒"
			"捌玖拾佰仟万亿元角分整]+)[）)]"),
	    u->p, u->len, pos, &s, &e, g, 2)) {
		double v;
		char *num = ustr_to_utf8(u, (size_t)g[0], (size_t)g[1]);
		char *cap = ustr_to_utf8(u, (size_t)g[2], (size_t)g[3]);
		struct buf want;
		pos = e;
		v = strtod(num, NULL);
		buf_init(&want, 256);
		enforce_yuan_capital(v, &want);
		if (strcmp(want.p, cap) != 0)
			add(r, "error", "罚款数额大小写", "小写 %s 元与大写“%s”不一致（应为“%s”）",
			    num, cap, want.p);
		buf_free(&want);
		free(num);
		free(cap);
	}
}

static void blanks(const struct ustr *u, struct enforce_report *r)
{
	size_t pos = 0, s, e;
	long g[2];

	while (
	    text_re_search(text_re_get("〔待填写：([^〕]*)〕"), u->p, u->len, pos, &s, &e, g, 1)) {
		char *what = ustr_to_utf8(u, (size_t)g[0], (size_t)g[1]);
		pos = e;
		add(r, "blank", what, "待执法人员填写：%s", what);
		free(what);
	}
}

void enforce_validate_text(const char *text, size_t len, const char *notice_text, size_t notice_len,
			   struct enforce_report *r)
{
	static const struct req notice[] = {
	    {"经查|查明|经调查", "违法事实", "行政处罚法第四十四条：告知拟处罚的事实"},
	    {"证据|为证|证明", "证据", "事实须有证据支持"},
	    {"违反了?.{0,80}规定", "违反的法律条款", "第四十四条：告知理由、依据"},
	    {"拟.{0,20}(?:处罚|罚款)", "拟作出的行政处罚内容", "第四十四条"},
	    {"陈述", "陈述权", "第四十四条、第四十五条"},
	    {"申辩", "申辩权", "第四十四条、第四十五条"},
	    {"印章|（章）|盖章", "机关印章", "须加盖行政机关印章"},
	};
	static const struct req decision[] = {
	    {"当事人", "当事人姓名或者名称", "行政处罚法第五十九条第（一）项"},
	    {"住所|住址|地址|经营场所", "当事人地址", "第五十九条第（一）项"},
	    {"经查|查明|经调查", "违法事实", "第五十九条第（二）项"},
	    {"证据|证明", "证据", "第五十九条第（二）项"},
	    {"依据.{0,120}规定", "处罚依据", "第五十九条第（三）项"},
	    {"决定[:：]|决定如下|作出如下|给予", "处罚种类", "第五十九条第（三）项"},
	    {"十五日|15日", "履行期限（十五日内缴纳罚款）", "第五十九条第（四）项、第六十七条"},
	    {"行政复议", "申请行政复议的途径", "第五十九条第（五）项"},
	    {"行政诉讼", "提起行政诉讼的途径", "第五十九条第（五）项"},
	    {"六十日|60日", "行政复议期限（六十日）", "行政复议法第二十条"},
	    {"六个月|6个月", "行政诉讼期限（六个月）", "行政诉讼法第四十六条"},
	    {"印章|（章）|盖章", "机关印章", "第五十九条：须盖有作出决定的机关的印章"},
	    {"年.{0,6}月.{0,6}日", "决定日期", "第五十九条第（六）项"},
	};
	static const struct req order[] = {
	    {"存在下列问题|存在.{0,10}问题|经查|发现", "存在的问题", "行政处罚法第二十八条"},
	    {"违反了?.{0,80}规定", "违反的法律条款", "责令改正须有依据"},
	    {"依据.{0,120}规定", "责令改正依据", "行政处罚法第二十八条"},
	    {"立即|日前|期限|限期", "改正期限", "责令改正须写明期限"},
	    {"印章|（章）|盖章", "机关印章", "须加盖行政机关印章"},
	};
	static const struct req report[] = {
	    {"当事人", "当事人基本情况", "调查终结报告须写明当事人"},
	    {"案件来源", "案件来源", "调查终结报告要素"},
	    {"调查经过", "调查经过", "调查终结报告要素"},
	    {"事实", "调查认定的事实", "行政处罚法第五十七条"},
	    {"证据", "证据", "行政处罚法第五十七条"},
	    {"性质|定性|违反", "违法行为性质", "调查终结报告要素"},
	    {"处理建议|建议", "处理建议", "行政处罚法第五十七条"},
	};
	struct ustr u;

	memset(r, 0, sizeof(*r));
	ustr_init(&u);
	ustr_add_utf8(&u, text, len);
	{
		/* the title: the earliest of the kind names in the text */
		static const struct {
			const char *pat;
			enum enforce_kind k;
		} titles[] = {
		    {"行\\s*政\\s*处\\s*罚\\s*(?:事\\s*先\\s*)?告\\s*知\\s*书|事先告知书",
		     ENFORCE_NOTICE},
		    {"行\\s*政\\s*处\\s*罚\\s*决\\s*定\\s*书", ENFORCE_DECISION},
		    {"责令(?:限期)?改正(?:通知书|指令书)|责令限期整改指令书", ENFORCE_ORDER},
		    {"调查终结报告", ENFORCE_REPORT},
		};
		size_t best = (size_t)-1, s, e;
		for (size_t i = 0; i < sizeof(titles) / sizeof(titles[0]); i++) {
			if (text_re_search(text_re_get(titles[i].pat), u.p, u.len, 0, &s, &e, NULL,
					   0) &&
			    s < best) {
				best = s;
				r->kind = titles[i].k;
				r->kind_known = true;
			}
		}
	}
	if (!r->kind_known) {
		add(r, "error", "文书种类",
		    "无法识别文书种类（行政处罚告知书、行政处罚决定书、责令改正通知书、案件调查终结"
		    "报告）");
		ustr_free(&u);
		return;
	}
	switch (r->kind) {
	case ENFORCE_NOTICE:
		require(&u, r, notice, sizeof(notice) / sizeof(notice[0]));
		if (!has(&u, "听证"))
			add(r, "warning", "听证权",
			    "未告知听证权：拟处罚属行政处罚法第六十三条情形（较大数额罚款等）时必须"
			    "告知");
		if (has(&u, "(?:三|3)\\s*日内.{0,20}(?:听证|陈述|申辩)|(?:听证|陈述|申辩).{0,30}(?:"
			    "三|3)\\s*日内"))
			add(r, "error", "听证期限",
			    "听证申请期限写为三日：2021 "
			    "年修订后为五日（第六十四条第（一）项，工作日）");
		if (!has(&u, "五个工作日|5个工作日|五日|5日|五个?工作日"))
			add(r, "error", "陈述申辩期限",
			    "缺少陈述、申辩、听证的期限（一般为五个工作日）");
		if (has(&u, "行政处罚法》?第三十一条|行政处罚法》?第三十二条"))
			add(r, "warning", "条文序号",
			    "引用了 2021 "
			    "年修订前的条文序号：事先告知为第四十四条，陈述申辩为第四十五条");
		break;
	case ENFORCE_DECISION:
		require(&u, r, decision, sizeof(decision) / sizeof(decision[0]));
		if (has(&u, "(?:三|3)个月内.{0,20}行政诉讼"))
			add(r, "error", "行政诉讼期限",
			    "行政诉讼期限写为三个月：现行为六个月（行政诉讼法第四十六条）");
		if (!has(&u, "百分之三|3%|3％"))
			add(r, "warning", "加处罚款",
			    "未写明到期不缴纳的加处罚款（每日百分之三，不超过罚款数额，行政处罚法第"
			    "七十二条）");
		if (has(&u, "上一级(?:主管部门|机关)申请行政复议"))
			add(r, "warning", "复议机关",
			    "复议机关为上一级主管部门：2024 年 1 月 1 "
			    "日起县级以上政府工作部门一般由本级"
			    "人民政府管辖（行政复议法第二十四条），垂直管理机关除外（第二十七条）");
		if (has(&u, "行政处罚法》?第三十九条"))
			add(r, "warning", "条文序号",
			    "引用了 2021 年修订前的条文序号：决定书内容为第五十九条");
		break;
	case ENFORCE_ORDER:
		require(&u, r, order, sizeof(order) / sizeof(order[0]));
		if (text_re_search(text_re_get("执法证号"), u.p, u.len, 0, &(size_t){0},
				   &(size_t){0}, NULL, 0)) {
			size_t pos = 0, s, e, n = 0;
			while (text_re_search(text_re_get("执法证号[：:]\\s*[A-Za-z0-9]"), u.p,
					      u.len, pos, &s, &e, NULL, 0)) {
				pos = e;
				n++;
			}
			if (n < 2)
				add(r, "error", "执法人员",
				    "执法人员少于两人或缺少执法证号（行政处罚法第四十二条）");
		} else {
			add(r, "error", "执法人员",
			    "缺少执法人员及执法证号（行政处罚法第四十二条）");
		}
		if (has(&u, "决定.{0,10}(?:给予|作出).{0,10}责令改正的行政处罚"))
			add(r, "warning", "责令改正性质",
			    "责令改正是行政命令，不是处罚种类（第二十八条）");
		break;
	case ENFORCE_REPORT:
	default:
		require(&u, r, report, sizeof(report) / sizeof(report[0]));
		break;
	}
	codes(&u, r);
	capitals(&u, r);
	blanks(&u, r);
	if (notice_text != NULL && r->kind == ENFORCE_DECISION) {
		struct ustr n;
		double fd = max_fine(&u), fn;
		char *pd = party_name(&u), *pn;
		ustr_init(&n);
		ustr_add_utf8(&n, notice_text, notice_len);
		fn = max_fine(&n);
		pn = party_name(&n);
		if (fd >= 0 && fn >= 0 && fd > fn + 1e-6)
			add(r, "error", "罚款数额",
			    "决定书罚款 %.2f 元超过告知书拟罚款 %.2f "
			    "元：须重新告知（行政处罚法第四十四条、"
			    "第四十五条第二款）",
			    fd, fn);
		if (fd >= 0 && fn < 0)
			add(r, "warning", "罚款数额",
			    "告知书中未找到拟罚款数额，无法比对决定书罚款");
		if (pd != NULL && pn != NULL && strcmp(pd, pn) != 0)
			add(r, "error", "当事人", "决定书当事人“%s”与告知书“%s”不一致", pd, pn);
		free(pd);
		free(pn);
		ustr_free(&n);
	}
	ustr_free(&u);
}

int enforce_read_text(const char *path, char **text, size_t *len, struct err *e)
{
	char *data = NULL;
	size_t dlen = 0;
	int rc;

	*text = NULL;
	*len = 0;
	rc = base_read_file(path, EXTRACT_MAX_INPUT, &data, &dlen, e);
	if (rc != 0)
		return rc;
	rc = extract_read_text(data, dlen, path, text, len, e);
	free(data);
	if (rc == 0 && !text_utf8_valid(*text, *len, NULL)) {
		free(*text);
		*text = NULL;
		return err_set(e, BASE_E_FORMAT, "%s：不是有效的 UTF-8 文本", path);
	}
	return rc;
}
