/* enforce/draft: the four drafts as .docx (GB/T 9704 page) and as text. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc/zip.h"
#include "enforce/enforce.h"
#include "text/text.h"

#define FONT_BODY  "仿宋_GB2312"
#define FONT_TITLE "方正小标宋简体"
#define FONT_HEAD  "黑体"

enum pkind { P_TITLE, P_DOCNO, P_BODY, P_FLUSH, P_RIGHT, P_HEAD };

/* One builder writes the WordprocessingML body and the plain text at once. */
struct w {
	struct buf x;
	struct buf t;
	enum pkind cur;
};

static const struct {
	const char *id, *title;
} KINDS[ENFORCE_NKINDS] = {
    {"notice", "行政处罚告知书"},
    {"decision", "行政处罚决定书"},
    {"order", "责令改正通知书"},
    {"report", "案件调查终结报告"},
};

bool enforce_kind_parse(const char *name, enum enforce_kind *out)
{
	static const struct {
		const char *alias;
		enum enforce_kind k;
	} alias[] = {{"告知书", ENFORCE_NOTICE},       {"处罚告知书", ENFORCE_NOTICE},
		     {"决定书", ENFORCE_DECISION},     {"处罚决定书", ENFORCE_DECISION},
		     {"责令改正", ENFORCE_ORDER},      {"责令改正通知书", ENFORCE_ORDER},
		     {"调查终结报告", ENFORCE_REPORT}, {"终结报告", ENFORCE_REPORT}};

	for (int i = 0; i < ENFORCE_NKINDS; i++) {
		if (strcmp(name, KINDS[i].id) == 0 || strcmp(name, KINDS[i].title) == 0) {
			*out = (enum enforce_kind)i;
			return true;
		}
	}
	for (size_t i = 0; i < sizeof(alias) / sizeof(alias[0]); i++) {
		if (strcmp(name, alias[i].alias) == 0) {
			*out = alias[i].k;
			return true;
		}
	}
	return false;
}

const char *enforce_kind_title(enum enforce_kind k)
{
	return k < ENFORCE_NKINDS ? KINDS[k].title : "";
}

/* ------------------------------------------------------------------ */
/* builder */

static void xesc(struct buf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&':
			buf_adds(b, "&amp;");
			break;
		case '<':
			buf_adds(b, "&lt;");
			break;
		case '>':
			buf_adds(b, "&gt;");
			break;
		case '"':
			buf_adds(b, "&quot;");
			break;
		default:
			if ((unsigned char)*s >= 0x20 || *s == '\t')
				buf_addc(b, *s);
		}
	}
}

static void p_begin(struct w *w, enum pkind k)
{
	w->cur = k;
	buf_adds(&w->x, "<w:p><w:pPr>");
	switch (k) {
	case P_TITLE:
		buf_adds(
		    &w->x,
		    "<w:spacing w:line=\"579\" w:lineRule=\"exact\"/><w:jc w:val=\"center\"/>");
		break;
	case P_DOCNO:
		buf_adds(
		    &w->x,
		    "<w:spacing w:line=\"579\" w:lineRule=\"exact\"/><w:jc w:val=\"center\"/>");
		break;
	case P_BODY:
	case P_HEAD:
		buf_adds(&w->x, "<w:spacing w:line=\"579\" w:lineRule=\"exact\"/>"
				"<w:ind w:firstLine=\"640\"/><w:jc w:val=\"both\"/>");
		break;
	case P_FLUSH:
		buf_adds(&w->x,
			 "<w:spacing w:line=\"579\" w:lineRule=\"exact\"/><w:jc w:val=\"both\"/>");
		break;
	case P_RIGHT:
		buf_adds(&w->x, "<w:spacing w:line=\"579\" w:lineRule=\"exact\"/>"
				"<w:ind w:right=\"1280\"/><w:jc w:val=\"right\"/>");
		break;
	}
	buf_adds(&w->x, "</w:pPr>");
	if (k == P_BODY || k == P_HEAD)
		buf_adds(&w->t, "　　");
}

static void run(struct w *w, const char *text, bool highlight)
{
	const char *font = w->cur == P_TITLE  ? FONT_TITLE
			   : w->cur == P_HEAD ? FONT_HEAD
					      : FONT_BODY;
	int sz = w->cur == P_TITLE ? 44 : 32;

	if (text == NULL || *text == '\0')
		return;
	buf_addf(&w->x,
		 "<w:r><w:rPr><w:rFonts w:ascii=\"%s\" w:eastAsia=\"%s\" w:hAnsi=\"%s\"/>"
		 "<w:sz w:val=\"%d\"/><w:szCs w:val=\"%d\"/>%s</w:rPr><w:t xml:space=\"preserve\">",
		 font, font, font, sz, sz, highlight ? "<w:highlight w:val=\"yellow\"/>" : "");
	xesc(&w->x, text);
	buf_adds(&w->x, "</w:t></w:r>");
	buf_adds(&w->t, text);
}

static void text(struct w *w, const char *s)
{
	run(w, s, false);
}

static void blank(struct w *w, const char *hint)
{
	char b[512];

	snprintf(b, sizeof(b), "%s%s〕", ENFORCE_BLANK_OPEN, hint);
	run(w, b, true);
}

/* Value from the extraction, or a highlighted blank when it is missing. */
static void field(struct w *w, const char *v, const char *hint)
{
	if (v != NULL && *v != '\0')
		text(w, v);
	else
		blank(w, hint);
}

static void p_end(struct w *w)
{
	buf_adds(&w->x, "</w:p>");
	buf_addc(&w->t, '\n');
}

static void para(struct w *w, enum pkind k, const char *s)
{
	p_begin(w, k);
	text(w, s);
	p_end(w);
}

/* ------------------------------------------------------------------ */
/* extraction access */

static const char *js(json_t *o, const char *path)
{
	char key[64];
	const char *dot = strchr(path, '.');

	if (o == NULL)
		return NULL;
	if (dot != NULL) {
		size_t n = (size_t)(dot - path);
		if (n >= sizeof(key))
			return NULL;
		memcpy(key, path, n);
		key[n] = '\0';
		return js(json_object_get(o, key), dot + 1);
	}
	return json_string_value(json_object_get(o, path));
}

static void date_cn(const char *iso, struct buf *out)
{
	int y = 0, m = 0, d = 0;

	if (iso == NULL)
		return;
	if (sscanf(iso, "%d-%d-%d", &y, &m, &d) == 3)
		buf_addf(out, "%d年%d月%d日", y, m, d);
	else if (sscanf(iso, "%d-%d", &y, &m) == 2)
		buf_addf(out, "%d年%d月", y, m);
}

static void date_field(struct w *w, const char *iso, const char *hint)
{
	struct buf b;

	buf_init(&b, 64);
	date_cn(iso, &b);
	field(w, b.len ? b.p : NULL, hint);
	buf_free(&b);
}

static bool is_person(json_t *x)
{
	const char *t = js(x, "party.type");
	return t != NULL && strcmp(t, "个人") == 0;
}

static const char *you(json_t *x)
{
	return is_person(x) ? "你" : "你单位";
}

static void number(struct buf *b, double v)
{
	char t[64];
	size_t n;

	snprintf(t, sizeof(t), "%.2f", v);
	n = strlen(t);
	while (n > 0 && t[n - 1] == '0')
		t[--n] = '\0';
	if (n > 0 && t[n - 1] == '.')
		t[--n] = '\0';
	buf_adds(b, t);
}

static void party_block(struct w *w, json_t *x)
{
	bool person = is_person(x);
	const char *type = js(x, "party.type");

	p_begin(w, P_FLUSH);
	text(w, "当事人：");
	field(w, js(x, "party.name"), "当事人姓名或者名称");
	p_end(w);
	if (person) {
		p_begin(w, P_FLUSH);
		text(w, "身份证件号码：");
		field(w, js(x, "party.id_number"), "身份证件号码");
		p_end(w);
		p_begin(w, P_FLUSH);
		text(w, "住址：");
		field(w, js(x, "party.address"), "住址");
		p_end(w);
		return;
	}
	p_begin(w, P_FLUSH);
	text(w, "主体类型：");
	text(w, type ? type : "单位");
	p_end(w);
	p_begin(w, P_FLUSH);
	text(w, "统一社会信用代码：");
	field(w, js(x, "party.uscc"), "统一社会信用代码（笔录未载明或未通过校验）");
	p_end(w);
	p_begin(w, P_FLUSH);
	text(w, type && strcmp(type, "个体工商户") == 0 ? "经营场所：" : "住所：");
	field(w, js(x, "party.address"), "住所或者经营场所");
	p_end(w);
	p_begin(w, P_FLUSH);
	text(w, type && strcmp(type, "个体工商户") == 0 ? "经营者：" : "法定代表人（负责人）：");
	field(w, js(x, "party.legal_representative"), "法定代表人或者负责人");
	p_end(w);
}

static void facts_sentence(struct w *w, json_t *x)
{
	json_t *facts = json_object_get(x, "violation_facts");
	json_t *q = json_object_get(x, "quantities");
	json_t *a = json_object_get(x, "amounts");
	size_t i;
	json_t *v;
	const char *inc = js(x, "incident_date");

	text(w, "经查，");
	if (inc != NULL) {
		struct buf b;
		buf_init(&b, 64);
		date_cn(inc, &b);
		text(w, "自");
		text(w, b.p);
		text(w, "起，");
		buf_free(&b);
	}
	text(w, "当事人");
	if (js(x, "place")) {
		text(w, "在");
		text(w, js(x, "place"));
	}
	text(w, "存在以下情况：");
	if (json_array_size(facts) == 0) {
		blank(w, "违法事实（时间、地点、行为、数量、金额）");
	} else {
		json_array_foreach(facts, i, v)
		{
			if (i > 0)
				text(w, "；");
			text(w, json_string_value(v));
		}
	}
	text(w, "。");
	if (json_array_size(q) + json_array_size(a) > 0) {
		struct buf b;
		buf_init(&b, 1 << 16);
		buf_adds(&b, "笔录中记载的");
		if (json_array_size(q) > 0) {
			buf_adds(&b, "数量：");
			json_array_foreach(q, i, v)
			{
				if (i > 0)
					buf_adds(&b, "、");
				number(&b, json_number_value(json_object_get(v, "value")));
				buf_adds(&b, js(v, "unit") ? js(v, "unit") : "");
			}
		}
		if (json_array_size(a) > 0) {
			buf_adds(&b, json_array_size(q) > 0 ? "；金额：" : "金额：");
			json_array_foreach(a, i, v)
			{
				if (i > 0)
					buf_adds(&b, "、");
				number(&b, json_number_value(json_object_get(v, "value")));
				buf_adds(&b, "元");
			}
		}
		buf_adds(&b, "（各项含义须与笔录核对）。");
		text(w, b.p);
		buf_free(&b);
	}
}

static void evidence_list(struct w *w, json_t *x, const char *lead)
{
	json_t *ev = json_object_get(x, "evidence");
	size_t i;
	json_t *v;
	char num[32];

	p_begin(w, P_BODY);
	text(w, lead);
	if (json_array_size(ev) == 0)
		blank(w, "证据名称及证明事项");
	p_end(w);
	json_array_foreach(ev, i, v)
	{
		p_begin(w, P_BODY);
		snprintf(num, sizeof(num), "%zu. ", i + 1);
		text(w, num);
		text(w, json_string_value(v));
		text(w, "，证明");
		blank(w, "证明事项");
		text(w, "。");
		p_end(w);
	}
}

static void header(struct w *w, json_t *x, enum enforce_kind k)
{
	/* 机关名称 and 文书名称: one title paragraph on two lines */
	p_begin(w, P_TITLE);
	field(w, js(x, "organ"), "行政机关全称");
	buf_adds(&w->x, "<w:r><w:br/></w:r>");
	buf_addc(&w->t, '\n');
	text(w, enforce_kind_title(k));
	p_end(w);
	if (k != ENFORCE_REPORT) {
		p_begin(w, P_DOCNO);
		blank(w, "文号");
		p_end(w);
	}
}

static void remedy(struct w *w, const char *what)
{
	p_begin(w, P_BODY);
	text(w, "如不服本");
	text(w, what);
	text(w, "，可以在收到本");
	text(w, what);
	text(w, "之日起六十日内向");
	blank(w,
	      "复议机关：县级以上地方人民政府工作部门作出的，一般为本级人民政府（《中华人民共和国"
	      "行政复议法》第二十四条）；海关、金融、外汇、税务、国家安全机关为上一级主管部门（第二"
	      "十七条）");
	text(w, "申请行政复议，也可以在收到本");
	text(w, what);
	text(w, "之日起六个月内依法向");
	blank(w, "人民法院");
	text(w, "提起行政诉讼。");
	p_end(w);
}

static void signature(struct w *w, json_t *x)
{
	para(w, P_FLUSH, "");
	p_begin(w, P_RIGHT);
	field(w, js(x, "organ"), "行政机关全称");
	text(w, "（印章）");
	p_end(w);
	p_begin(w, P_RIGHT);
	blank(w, "年　月　日");
	p_end(w);
}

static void ai_label(struct w *w)
{
	para(w, P_FLUSH, "");
	para(w, P_FLUSH,
	     "（本文书初稿由数智员工依据笔录生成，须经执法人员核实、补全标黄内容并经负责人"
	     "审批后方可使用。）");
}

/* ------------------------------------------------------------------ */
/* the four kinds */

static void draft_notice(struct w *w, json_t *x)
{
	header(w, x, ENFORCE_NOTICE);
	p_begin(w, P_FLUSH);
	field(w, js(x, "party.name"), "当事人姓名或者名称");
	text(w, "：");
	p_end(w);
	p_begin(w, P_BODY);
	facts_sentence(w, x);
	p_end(w);
	evidence_list(w, x, "以上事实有下列证据证明：");
	p_begin(w, P_BODY);
	text(w, you(x));
	text(w, "的上述行为违反了");
	blank(w, "违反的法律、法规、规章条款（定性条款，须具体到条、款、项）");
	text(w, "的规定。依据");
	blank(w, "处罚依据条款");
	text(w, "的规定，本机关拟对");
	text(w, you(x));
	text(w, "作出如下行政处罚：");
	blank(w, "拟处罚种类和幅度，如：罚款人民币　　元");
	text(w, "。");
	p_end(w);
	p_begin(w, P_BODY);
	text(w, "根据《中华人民共和国行政处罚法》第四十四条、第四十五条的规定，");
	text(w, you(x));
	text(w, "有权进行陈述和申辩；拟作出的行政处罚属于该法第六十三条规定情形的，");
	text(w, you(x));
	text(w, "有权要求听证。");
	text(w, you(x));
	text(
	    w,
	    "可以在收到本告知书之日起五个工作日内向本机关提出陈述、申辩或者听证要求，逾期未提出的，"
	    "视为放弃上述权利。本机关不因");
	text(w, you(x));
	text(w, "陈述、申辩而给予更重的处罚。");
	p_end(w);
	p_begin(w, P_BODY);
	text(w, "联系人：");
	blank(w, "联系人");
	text(w, "　联系电话：");
	blank(w, "联系电话");
	p_end(w);
	p_begin(w, P_BODY);
	text(w, "联系地址：");
	blank(w, "联系地址");
	p_end(w);
	signature(w, x);
}

static void officers_line(struct w *w, json_t *x)
{
	json_t *of = json_object_get(x, "officers");
	size_t i;
	json_t *v;

	json_array_foreach(of, i, v)
	{
		if (i > 0)
			text(w, "、");
		text(w, js(v, "name"));
		text(w, "（执法证号：");
		field(w, js(v, "cert_no"), "执法证号");
		text(w, "）");
	}
	if (json_array_size(of) < 2)
		blank(w, "执法人员不少于两人（《中华人民共和国行政处罚法》第四十二条）");
}

static void draft_decision(struct w *w, json_t *x)
{
	header(w, x, ENFORCE_DECISION);
	party_block(w, x);
	p_begin(w, P_BODY);
	date_field(w, js(x, "inspection_date"), "检查日期");
	text(w, "，本机关执法人员");
	officers_line(w, x);
	text(w, "依法对当事人进行检查，发现当事人涉嫌违法。本机关于");
	blank(w, "立案日期");
	text(w, "立案调查，");
	date_field(w, js(x, "record_date"), "询问日期");
	text(w, "制作了");
	field(w, js(x, "record_type"), "笔录");
	text(w, "。");
	p_end(w);
	p_begin(w, P_BODY);
	facts_sentence(w, x);
	p_end(w);
	evidence_list(w, x, "上述事实，有下列证据证明：");
	p_begin(w, P_BODY);
	text(w, "本机关于");
	blank(w, "告知书送达日期");
	text(w, "向当事人送达了《行政处罚告知书》（");
	blank(w, "告知书文号");
	text(
	    w,
	    "），告知当事人拟作出行政处罚的内容及事实、理由、依据，并告知其依法享有陈述、申辩和要求"
	    "听证的权利。");
	blank(w, "当事人陈述、申辩或者听证情况及采纳情况");
	text(w, "。");
	p_end(w);
	p_begin(w, P_BODY);
	text(w, "本机关认为，当事人的上述行为违反了");
	blank(w, "定性条款");
	text(w, "的规定。");
	if (json_is_true(json_object_get(x, "admissions")))
		text(w, "当事人在调查中对违法事实无异议。");
	blank(w, "裁量基准适用及从重、从轻、减轻或者不予处罚的理由");
	text(w, "。依据");
	blank(w, "处罚依据条款");
	text(w, "的规定，本机关决定：");
	p_end(w);
	p_begin(w, P_BODY);
	text(w, "一、责令当事人改正上述违法行为；");
	p_end(w);
	p_begin(w, P_BODY);
	text(w, "二、");
	blank(w, "处罚种类，如：警告、没收违法所得");
	text(w, "；罚款人民币");
	blank(w, "罚款数额");
	text(w, "元（大写：");
	blank(w, "罚款数额大写");
	text(w, "）。");
	p_end(w);
	p_begin(w, P_BODY);
	text(w, "当事人应当自收到本决定书之日起十五日内，将罚款缴至");
	blank(w, "指定银行或者电子支付系统");
	text(
	    w,
	    "（《中华人民共和国行政处罚法》第六十七条）。到期不缴纳罚款的，本机关可以每日按罚款数额"
	    "的百分之三加处罚款，加处罚款的数额不超过罚款数额（第七十二条）。");
	p_end(w);
	remedy(w, "决定书");
	p_begin(w, P_BODY);
	text(w, "行政复议或者行政诉讼期间，本决定不停止执行，法律另有规定的除外。");
	p_end(w);
	signature(w, x);
}

static void draft_order(struct w *w, json_t *x)
{
	json_t *facts = json_object_get(x, "violation_facts");
	size_t i;
	json_t *v;
	char num[32];

	header(w, x, ENFORCE_ORDER);
	p_begin(w, P_FLUSH);
	field(w, js(x, "party.name"), "被责令改正的当事人");
	text(w, "：");
	p_end(w);
	p_begin(w, P_BODY);
	date_field(w, js(x, "inspection_date"), "检查日期");
	text(w, "，本机关执法人员在");
	field(w, js(x, "place"), "检查地点");
	text(w, "检查时发现，");
	text(w, you(x));
	text(w, "存在下列问题：");
	p_end(w);
	json_array_foreach(facts, i, v)
	{
		p_begin(w, P_BODY);
		snprintf(num, sizeof(num), "%zu. ", i + 1);
		text(w, num);
		text(w, json_string_value(v));
		text(w, "。");
		p_end(w);
	}
	if (json_array_size(facts) == 0) {
		p_begin(w, P_BODY);
		blank(w, "存在的问题");
		p_end(w);
	}
	p_begin(w, P_BODY);
	text(w, "上述行为违反了");
	blank(w, "违反的法律、法规、规章条款");
	text(w, "的规定。依据《中华人民共和国行政处罚法》第二十八条第一款和");
	blank(w, "责令改正依据条款");
	text(w, "的规定，现责令");
	text(w, you(x));
	text(w, "于");
	blank(w, "改正期限：立即，或者　年　月　日前");
	text(w, "改正上述违法行为，并将改正情况书面报告本机关。逾期不改正的，本机关将依法处理。");
	p_end(w);
	remedy(w, "通知书");
	p_begin(w, P_BODY);
	text(w, "执法人员：");
	officers_line(w, x);
	p_end(w);
	p_begin(w, P_BODY);
	text(w, "当事人签收：　　　　　　　　年　月　日");
	p_end(w);
	signature(w, x);
}

static void draft_report(struct w *w, json_t *x)
{
	const char *iv = js(x, "interviewee.name");

	header(w, x, ENFORCE_REPORT);
	p_begin(w, P_FLUSH);
	text(w, "案由：");
	field(w, js(x, "party.name"), "当事人");
	text(w, "涉嫌");
	blank(w, "违法行为名称");
	text(w, "案");
	p_end(w);
	para(w, P_HEAD, "一、当事人基本情况");
	party_block(w, x);
	para(w, P_HEAD, "二、案件来源及调查经过");
	p_begin(w, P_BODY);
	text(w, "案件来源：");
	blank(w, "案件来源（检查发现、投诉举报、移送等）");
	text(w, "。");
	date_field(w, js(x, "inspection_date"), "检查日期");
	text(w, "，执法人员");
	officers_line(w, x);
	text(w, "对当事人进行检查；");
	date_field(w, js(x, "record_date"), "询问日期");
	text(w, "，对");
	field(w, iv, "被询问人");
	if (js(x, "interviewee.role")) {
		text(w, "（");
		text(w, js(x, "interviewee.role"));
		text(w, "）");
	}
	text(w, "制作了");
	field(w, js(x, "record_type"), "笔录");
	text(w, "。立案日期：");
	blank(w, "立案日期");
	text(w, "；采取的措施：");
	blank(w, "先行登记保存、查封扣押、抽样等措施（无则写“无”）");
	text(w, "。");
	p_end(w);
	para(w, P_HEAD, "三、调查认定的事实");
	p_begin(w, P_BODY);
	facts_sentence(w, x);
	p_end(w);
	para(w, P_HEAD, "四、证据");
	evidence_list(w, x, "认定上述事实的主要证据如下：");
	para(w, P_HEAD, "五、违法行为性质");
	p_begin(w, P_BODY);
	text(w, "当事人的行为违反了");
	blank(w, "定性条款");
	text(w, "的规定。");
	p_end(w);
	para(w, P_HEAD, "六、陈述及裁量情节");
	p_begin(w, P_BODY);
	text(w, json_is_true(json_object_get(x, "admissions"))
		    ? "当事人在询问中承认违法事实。"
		    : "当事人在询问中否认违法事实，须核实其陈述、申辩理由。");
	text(w, "裁量基准适用：");
	blank(w, "裁量基准条目及从重、从轻、减轻或者不予处罚情节（《中华人民共和国行政处罚法》第三"
		 "十二条、"
		 "第三十三条）");
	text(w, "。");
	p_end(w);
	para(w, P_HEAD, "七、处理建议");
	p_begin(w, P_BODY);
	text(w, "建议");
	blank(w, "给予行政处罚、不予行政处罚、撤销立案或者移送司法机关");
	text(w, "。依据");
	blank(w, "处罚依据条款");
	text(w, "，建议处罚：");
	blank(w, "处罚种类和数额");
	text(w, "。");
	p_end(w);
	para(w, P_HEAD, "八、程序事项");
	p_begin(w, P_BODY);
	text(w, "是否需要听证告知、法制审核、集体讨论：");
	blank(w, "按《中华人民共和国行政处罚法》第五十七条、第五十八条、第六十三条判断");
	text(w, "。");
	p_end(w);
	para(w, P_FLUSH, "");
	p_begin(w, P_RIGHT);
	text(w, "承办人：");
	blank(w, "承办人签名");
	p_end(w);
	p_begin(w, P_RIGHT);
	blank(w, "年　月　日");
	p_end(w);
}

static void build(enum enforce_kind kind, json_t *x, struct w *w)
{
	buf_init(&w->x, (size_t)64 << 20);
	buf_init(&w->t, (size_t)64 << 20);
	switch (kind) {
	case ENFORCE_NOTICE:
		draft_notice(w, x);
		break;
	case ENFORCE_DECISION:
		draft_decision(w, x);
		break;
	case ENFORCE_ORDER:
		draft_order(w, x);
		break;
	case ENFORCE_REPORT:
	default:
		draft_report(w, x);
		break;
	}
	ai_label(w);
}

int enforce_draft_text(enum enforce_kind kind, json_t *extract, struct buf *out, struct err *e)
{
	struct w w;

	if (!json_is_object(extract))
		return err_set(e, BASE_E_FORMAT, "提取结果不是 JSON 对象");
	build(kind, extract, &w);
	buf_add(out, w.t.p, w.t.len);
	buf_free(&w.x);
	buf_free(&w.t);
	return 0;
}

/* ------------------------------------------------------------------ */
/* package */

static const char CT[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
    "<Default Extension=\"rels\" "
    "ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
    "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
    "<Override PartName=\"/word/document.xml\" "
    "ContentType=\"application/"
    "vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>"
    "<Override PartName=\"/word/styles.xml\" "
    "ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>"
    "<Override PartName=\"/word/settings.xml\" "
    "ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml\"/>"
    "<Override PartName=\"/word/footer1.xml\" "
    "ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml\"/>"
    "<Override PartName=\"/word/footer2.xml\" "
    "ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml\"/>"
    "<Override PartName=\"/docProps/core.xml\" "
    "ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>"
    "</Types>";

static const char RELS[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" "
    "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" "
    "Target=\"word/document.xml\"/>"
    "<Relationship Id=\"rId2\" "
    "Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/"
    "core-properties\" "
    "Target=\"docProps/core.xml\"/>"
    "</Relationships>";

static const char DOC_RELS[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" "
    "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" "
    "Target=\"styles.xml\"/>"
    "<Relationship Id=\"rId2\" "
    "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings\" "
    "Target=\"settings.xml\"/>"
    "<Relationship Id=\"rId3\" "
    "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer\" "
    "Target=\"footer1.xml\"/>"
    "<Relationship Id=\"rId4\" "
    "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer\" "
    "Target=\"footer2.xml\"/>"
    "</Relationships>";

#define W_NS "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\""
#define R_NS "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\""

static const char STYLES[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<w:styles " W_NS "><w:docDefaults><w:rPrDefault><w:rPr>"
    "<w:rFonts w:ascii=\"" FONT_BODY "\" w:eastAsia=\"" FONT_BODY "\" w:hAnsi=\"" FONT_BODY "\"/>"
    "<w:sz w:val=\"32\"/><w:szCs w:val=\"32\"/><w:lang w:val=\"en-US\" w:eastAsia=\"zh-CN\"/>"
    "</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr>"
    "<w:spacing w:line=\"579\" w:lineRule=\"exact\"/></w:pPr></w:pPrDefault></w:docDefaults>"
    "<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/>"
    "<w:qFormat/></w:style></w:styles>";

static const char SETTINGS[] = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
			       "<w:settings " W_NS "><w:defaultTabStop w:val=\"420\"/>"
			       "<w:evenAndOddHeaders/></w:settings>";

static const char CORE[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<cp:coreProperties "
    "xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" "
    "xmlns:dc=\"http://purl.org/dc/elements/1.1/\">"
    "<dc:creator>数智员工（初稿，须人工核实）</dc:creator></cp:coreProperties>";

static void footer(struct buf *b, const char *jc)
{
	const char *rpr = "<w:rPr><w:rFonts w:ascii=\"宋体\" w:eastAsia=\"宋体\" w:hAnsi=\"宋体\"/>"
			  "<w:sz w:val=\"28\"/><w:szCs w:val=\"28\"/></w:rPr>";

	buf_adds(b,
		 "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:ftr " W_NS ">");
	buf_addf(b, "<w:p><w:pPr><w:jc w:val=\"%s\"/></w:pPr>", jc);
	buf_addf(b, "<w:r>%s<w:t xml:space=\"preserve\">— </w:t></w:r>", rpr);
	buf_addf(b, "<w:r>%s<w:fldChar w:fldCharType=\"begin\"/></w:r>", rpr);
	buf_addf(b, "<w:r>%s<w:instrText xml:space=\"preserve\"> PAGE </w:instrText></w:r>", rpr);
	buf_addf(b, "<w:r>%s<w:fldChar w:fldCharType=\"separate\"/></w:r>", rpr);
	buf_addf(b, "<w:r>%s<w:t>1</w:t></w:r>", rpr);
	buf_addf(b, "<w:r>%s<w:fldChar w:fldCharType=\"end\"/></w:r>", rpr);
	buf_addf(b, "<w:r>%s<w:t xml:space=\"preserve\"> —</w:t></w:r>", rpr);
	buf_adds(b, "</w:p></w:ftr>");
}

/* The package around the body w built; frees w's buffers. */
static int package(struct w *w, char **docx, size_t *len, struct err *e)
{
	struct buf doc, f1, f2;
	struct doc_zip_writer *zw;
	int rc;

	buf_init(&doc, (size_t)64 << 20);
	buf_adds(&doc,
		 "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document " W_NS
		 " " R_NS "><w:body>");
	buf_add(&doc, w->x.p, w->x.len);
	/* GB/T 9704: A4, 37/35/28/26 mm margins, 22 lines of 28 characters */
	buf_adds(&doc, "<w:sectPr><w:footerReference w:type=\"default\" r:id=\"rId3\"/>"
		       "<w:footerReference w:type=\"even\" r:id=\"rId4\"/>"
		       "<w:pgSz w:w=\"11906\" w:h=\"16838\"/>"
		       "<w:pgMar w:top=\"2098\" w:right=\"1474\" w:bottom=\"1984\" w:left=\"1588\" "
		       "w:header=\"851\" w:footer=\"992\" w:gutter=\"0\"/>"
		       "<w:docGrid w:type=\"linesAndChars\" w:linePitch=\"579\" w:charSpace=\"0\"/>"
		       "</w:sectPr></w:body></w:document>");
	buf_init(&f1, 1 << 16);
	buf_init(&f2, 1 << 16);
	footer(&f1, "right");
	footer(&f2, "left");
	zw = doc_zip_writer_new();
	doc_zip_writer_add(zw, "[Content_Types].xml", CT, strlen(CT));
	doc_zip_writer_add(zw, "_rels/.rels", RELS, strlen(RELS));
	doc_zip_writer_add(zw, "word/document.xml", doc.p, doc.len);
	doc_zip_writer_add(zw, "word/_rels/document.xml.rels", DOC_RELS, strlen(DOC_RELS));
	doc_zip_writer_add(zw, "word/styles.xml", STYLES, strlen(STYLES));
	doc_zip_writer_add(zw, "word/settings.xml", SETTINGS, strlen(SETTINGS));
	doc_zip_writer_add(zw, "word/footer1.xml", f1.p, f1.len);
	doc_zip_writer_add(zw, "word/footer2.xml", f2.p, f2.len);
	doc_zip_writer_add(zw, "docProps/core.xml", CORE, strlen(CORE));
	rc = doc_zip_writer_bytes(zw, docx, len, e);
	doc_zip_writer_free(zw);
	buf_free(&doc);
	buf_free(&f1);
	buf_free(&f2);
	buf_free(&w->x);
	buf_free(&w->t);
	return rc;
}

int enforce_draft(enum enforce_kind kind, json_t *extract, char **docx, size_t *len, struct err *e)
{
	struct w w;

	*docx = NULL;
	*len = 0;
	if (!json_is_object(extract))
		return err_set(e, BASE_E_FORMAT, "提取结果不是 JSON 对象");
	build(kind, extract, &w);
	return package(&w, docx, len, e);
}

/* One line of a draft's text as runs: each "〔待填写：…〕" (nested 〔〕
 * allowed) highlighted, the rest plain. */
static void text_line_runs(struct w *w, const char *s, size_t n)
{
	const size_t open_len = strlen(ENFORCE_BLANK_OPEN);
	size_t i = 0;

	while (i < n) {
		const char *at = NULL;
		size_t j = i;
		char *piece;

		for (; j + open_len <= n; j++) {
			if (memcmp(s + j, ENFORCE_BLANK_OPEN, open_len) == 0) {
				at = s + j;
				break;
			}
		}
		if (at == NULL)
			j = n;
		if (j > i) {
			piece = xstrndup(s + i, j - i);
			text(w, piece);
			free(piece);
		}
		if (at == NULL)
			break;
		/* the closing 〕 that matches, or the end of the line */
		{
			size_t k = j + open_len;
			int depth = 1;

			while (k < n && depth > 0) {
				if (k + 3 <= n && memcmp(s + k, "〔", 3) == 0) {
					depth++;
					k += 3;
				} else if (k + 3 <= n && memcmp(s + k, "〕", 3) == 0) {
					depth--;
					k += 3;
				} else {
					k++;
				}
			}
			piece = xstrndup(s + j, k - j);
			run(w, piece, true);
			free(piece);
			i = k;
		}
	}
}

static bool line_is(const char *s, size_t n, const char *what)
{
	return n == strlen(what) && memcmp(s, what, n) == 0;
}

static bool line_starts(const char *s, size_t n, const char *what)
{
	size_t k = strlen(what);

	return n >= k && memcmp(s, what, k) == 0;
}

static bool line_ends(const char *s, size_t n, const char *what)
{
	size_t k = strlen(what);

	return n >= k && memcmp(s + n - k, what, k) == 0;
}

int enforce_draft_docx_text(enum enforce_kind kind, const char *text, size_t len, const char *note,
			    char **docx, size_t *out_len, struct err *e)
{
	static const char indent[] = "　　";
	const size_t ind = strlen(indent);
	const char *title = enforce_kind_title(kind);
	struct w w;
	const char *p = text, *end = text + len;
	size_t lineno = 0, title_at = 0;
	bool right_next = false;

	*docx = NULL;
	*out_len = 0;
	if (len > ENFORCE_TEXT_MAX)
		return err_set(e, BASE_E_LIMIT, "文书文本过长（%zu 字节，上限 %zu 字节）", len,
			       (size_t)ENFORCE_TEXT_MAX);
	if (!text_utf8_valid(text, len, NULL))
		return err_set(e, BASE_E_FORMAT, "文书文本不是有效的 UTF-8");
	/* the title block ends at the line naming the kind (within the first
	 * three lines); without one, the first line is the title */
	title_at = 1;
	for (const char *q = text; q < end && lineno < 3;) {
		const char *nl = memchr(q, '\n', (size_t)(end - q));
		size_t n = nl ? (size_t)(nl - q) : (size_t)(end - q);

		lineno++;
		if (line_is(q, n, title)) {
			title_at = lineno;
			break;
		}
		q = nl ? nl + 1 : end;
	}
	lineno = 0;
	buf_init(&w.x, (size_t)64 << 20);
	buf_init(&w.t, (size_t)64 << 20);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		enum pkind k;

		if (n > 0 && p[n - 1] == '\r')
			n--;
		lineno++;
		if (lineno <= title_at) {
			if (lineno == 1)
				p_begin(&w, P_TITLE);
			else {
				buf_adds(&w.x, "<w:r><w:br/></w:r>");
				buf_addc(&w.t, '\n');
			}
			text_line_runs(&w, p, n);
			if (lineno == title_at)
				p_end(&w);
			p = nl ? nl + 1 : end;
			continue;
		}
		if (lineno == title_at + 1 && kind != ENFORCE_REPORT && line_ends(p, n, "号〕") &&
		    n < 120)
			k = P_DOCNO;
		else if (lineno == title_at + 1 && kind != ENFORCE_REPORT && line_ends(p, n, "号"))
			k = P_DOCNO;
		else if (n >= ind && memcmp(p, indent, ind) == 0)
			k = P_BODY;
		else if (n > 0 && (right_next || line_ends(p, n, "（印章）") ||
				   line_starts(p, n, "承办人：")))
			k = P_RIGHT;
		else
			k = P_FLUSH;
		/* the date line under the seal or the 承办人 is right-aligned too */
		right_next =
		    n > 0 && (line_ends(p, n, "（印章）") || line_starts(p, n, "承办人："));
		p_begin(&w, k);
		if (k == P_BODY)
			text_line_runs(&w, p + ind, n - ind);
		else
			text_line_runs(&w, p, n);
		p_end(&w);
		p = nl ? nl + 1 : end;
	}
	if (note != NULL && note[0] != '\0') {
		para(&w, P_FLUSH, "");
		para(&w, P_FLUSH, note);
	}
	return package(&w, docx, out_len, e);
}

/* ------------------------------------------------------------------ */

void enforce_yuan_capital(double yuan, struct buf *out)
{
	static const char *const dig[] = {"零", "壹", "贰", "叁", "肆",
					  "伍", "陆", "柒", "捌", "玖"};
	static const char *const unit[] = {"", "拾", "佰", "仟"};
	static const char *const big[] = {"", "万", "亿", "万亿"};
	long long fen = llround(yuan * 100);
	long long y = fen / 100;
	int jiao = (int)(fen / 10 % 10), f = (int)(fen % 10);
	int groups[8], ng = 0;
	bool zero = false, any = false;

	if (y == 0)
		buf_adds(out, "零");
	while (y > 0 && ng < 8) {
		groups[ng++] = (int)(y % 10000);
		y /= 10000;
	}
	for (int gi = ng - 1; gi >= 0; gi--) {
		int g = groups[gi];
		bool gany = false;
		for (int k = 3; k >= 0; k--) {
			int d = g;
			for (int s = 0; s < k; s++)
				d /= 10;
			d %= 10;
			if (d == 0) {
				if (any)
					zero = true;
				continue;
			}
			if (zero)
				buf_adds(out, "零");
			zero = false;
			buf_adds(out, dig[d]);
			buf_adds(out, unit[k]);
			any = gany = true;
		}
		if (gany && gi < 4)
			buf_adds(out, big[gi]);
	}
	buf_adds(out, "元");
	if (jiao == 0 && f == 0) {
		buf_adds(out, "整");
		return;
	}
	if (jiao)
		buf_addf(out, "%s角", dig[jiao]);
	else
		buf_adds(out, "零");
	if (f)
		buf_addf(out, "%s分", dig[f]);
}
