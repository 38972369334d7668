/*
 * gongwen/rules_extra: the remaining catalog rules (gongwen-rules.md §3) that
 * the text or the .docx XML can decide, and their property fixes.
 *
 * Implemented (id  sev/fix  detection):
 *   GW-BODY-004  W/S  .docx title: w:br lines > 20 字, 倒梯形/沙漏 shape, or
 *                     the title split over two centred 2号 paragraphs
 *   GW-BODY-005  I/S  title with two "关于" and two "的通知" (转发 chain)
 *   GW-BODY-007  I/S  主送 with "；" / "," separators or ending "：。"
 *   GW-BODY-014  I/S  short standalone heading ending in "。" (not a list item)
 *   GW-BODY-015  W/A  "第一、" "首先、" at a sentence start -> "，"
 *   GW-ATT-004   W/A  .docx: a wrapping 附件说明 line without the hanging
 *                     indent that aligns the wrap with the name
 *   GW-ATT-005   E/A  .docx: 附件 label page without a page/section break
 *   GW-ATT-006   E/A  附件 label "附件1：" / "附件一" / "附件 1" -> "附件1"
 *   GW-ATT-007   E/S  附件 title differs from the 附件说明 wording
 *   GW-ATT-009   W/M  "见附件3" when the 附件说明 lists fewer attachments
 *   GW-SIGN-003  W/A  .docx 署名 not centred over a date 右空四字 (seal layout)
 *   GW-SIGN-004  E/A  .docx no-seal layout (署名 右空二字): date offset
 *   GW-SIGN-009  I/S  请示 without 联系人
 *   GW-SIGN-010  W/M  署名 shares no abbreviation with the 发文机关标志
 *   GW-NOTE-002  W/S  .docx 版记 without the first/last separator line
 *   GW-NOTE-004  W/S  "主送：" in the 版记 below "抄送："
 *   GW-NOTE-006  W/S  .docx no thin line between 抄送 and 印发
 *   GW-PUNC-009  W/S  "三、五天": adjacent Chinese numerals with 顿号
 *   GW-PUNC-012  W/A  nested 《《》》 / ““”” -> inner 〈〉 / ‘’
 *   GW-PUNC-013  W/S  书名号 around 会议/活动 names
 *   GW-PUNC-015  W/A  .docx paragraph with 避头尾 (w:kinsoku) switched off
 *   GW-PUNC-019  I/S  two colons in one clause ("：…：")
 *   GW-NUM-002   W/A  Chinese-numeral dates in prose -> Arabic
 *   GW-NUM-006   W/S  "3、4个月": Arabic adjacent-number approximations
 *   GW-NUM-007   E/A  fixed expressions written with digits ("1律", "14五")
 *   GW-NUM-009   W/S  千/百/十万/百万/千万 as units after digits
 *   GW-NUM-012   W/A  .docx w:br inside a number
 *   GW-NUM-013   I/S  grouped year "2,025年"
 *   GW-NUM-017   I/S  unit symbols in the wrong case after digits (KV, Km)
 *   GW-FONT-006  W/A  .docx heading not 首行缩进2字/回行顶格
 *   GW-FONT-010  W/A  .docx body paragraph with more than one font size
 *   GW-PAGE-009  I/S  .docx underline/italic/strike in body text
 *   GW-TBL-001   I/M  .docx landscape section (表头 direction to verify)
 *   GW-TBL-003   I/A  .docx exact line spacing inside table cells
 *   GW-SPEC-005  W/A  纪要 "出席:" half-width colon / space before colon
 *
 * Skipped (id: reason):
 *   GW-NUM-001   counting vs. descriptive numerals is semantic; the law
 *                corpus writes measures in Chinese numerals legitimately
 *   GW-PUNC-010  the same checks as GW-BODY-011/015 (would double-report)
 *   GW-PUNC-014  疑问词 in declaratives needs parsing; a regex is noisy
 *   GW-PUNC-017  list items are often complete sentences; no reliable signal
 *   GW-FONT-008  Latin font choice is a unit profile matter (I only) and the
 *                clean set mixes TNR digits with CJK-font punctuation
 *   GW-FONT-009  installed fonts describe the machine, not the document;
 *                fc-list output would make results machine-dependent
 *   GW-PAGE-011  a suggestion that would be attached to every document
 *   GW-PGNO-006, GW-SPEC-001..003  信函格式 is signalled only by its double
 *                red lines; no reliable detection of the 信函 layout yet
 *   GW-SPEC-004  命令 令号 is exempted in GW-HEAD-007; positions are R
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uchar.h>

#include "gongwen/docx_util.h"
#include "gongwen/rules_common.h"

#define E GW_SEV_ERROR
#define W GW_SEV_WARNING
#define I GW_SEV_INFO

#define GW_DOCTYPE_QINGSHI 10
#define GW_DOCTYPE_MINUTES 14
#define GW_DOCTYPE_ORDER   2
#define CHAR_TW		   320 /* one 3号 字 in twips */
#define TOL_TW		   80  /* a quarter character */
#define MAX_ATT		   64

static bool is_prose(int role)
{
	return role == GW_ROLE_BODY || (role >= GW_ROLE_H1 && role <= GW_ROLE_H4);
}

static long labs_(long v)
{
	return v < 0 ? -v : v;
}

/* Display width in twips of 3号 text: CJK 1 字, ASCII half. */
static long width_tw(const uint32_t *p, size_t n)
{
	long w = 0;

	for (size_t k = 0; k < n; k++)
		w += p[k] < 0x80 ? CHAR_TW / 2 : CHAR_TW;
	return w;
}

static size_t count_str(const struct gw_para *p, const char *s)
{
	size_t n = 0;
	long k = 0;

	while ((k = text_ucs_find(p->text.p, p->text.len, (size_t)k, s)) >= 0) {
		n++;
		k++;
	}
	return n;
}

/* True when [s,e) of p lies inside 《》 or “” (quoted names keep their form). */
static bool in_quote(const struct gw_para *p, size_t s)
{
	int book = 0;
	int quote = 0;

	for (size_t k = 0; k < s && k < p->text.len; k++) {
		uint32_t c = p->text.p[k];

		if (c == 0x300A)
			book++;
		else if (c == 0x300B && book > 0)
			book--;
		else if (c == 0x201C)
			quote++;
		else if (c == 0x201D && quote > 0)
			quote--;
	}
	return book > 0 || quote > 0;
}

static long next_nonblank(const struct gw_doc *doc, size_t i);

/* --- 标题, 主送, 层次 ---------------------------------------------------- */

static void rule_title_text(struct gw_doc *doc, struct gw_findings *out)
{
	const struct gw_para *p;
	size_t a;
	size_t b;

	if (doc->title < 0)
		return;
	p = &doc->paras[doc->title];
	gw_strip(p, &a, &b);
	/* GW-BODY-005: 转发 chains keep one 关于 and one 的通知. */
	if (count_str(p, "关于") >= 2 && count_str(p, "的通知") >= 2) {
		struct gw_finding *fd =
		    gw_at(out, doc, (size_t)doc->title, a, b, "GW-BODY-005", I, GW_FIX_SUGGEST,
			  "标题中“关于……的通知”层层叠用，转发类标题宜只保留一个“关于”和“的通知”");
		gw_finding_suggest(fd, "如“关于转发《……》的通知”");
	}
}

/* GW-BODY-007: 主送 names separated by 、 and ，, ending with "：". */
static void rule_to_separators(struct gw_doc *doc, struct gw_findings *out)
{
	const struct gw_para *p;
	size_t s;
	size_t e;

	if (doc->to < 0)
		return;
	p = &doc->paras[doc->to];
	if (gw_re("[；;,]|[：:]\\s*[。．.]\\s*$", p, 0, &s, &e, NULL, 0))
		gw_at(out, doc, (size_t)doc->to, s, e, "GW-BODY-007", I, GW_FIX_SUGGEST,
		      "主送机关：同类机关之间用顿号、不同类机关之间用逗号，最后用全角冒号");
}

/* GW-BODY-014: a standalone heading has no final "。" (list items excepted). */
static void rule_heading_end(struct gw_doc *doc, size_t i, struct gw_findings *out)
{
	const struct gw_para *p = &doc->paras[i];
	size_t a;
	size_t b;
	size_t s;
	size_t e;

	if (p->level < 1 || p->level > 2)
		return;
	gw_strip(p, &a, &b);
	if (b - a > 30 || b <= a || p->text.p[b - 1] != 0x3002)
		return;
	/* one sentence only, no commas: a heading, not a run-in paragraph */
	if (text_re_has("[。；！？，：,;]", p->text.p + a, b - a - 1))
		return;
	/* the last item of an enumeration ends with "。" legitimately */
	for (size_t k = i; k-- > 0;) {
		const struct gw_para *q = &doc->paras[k];
		size_t qa;
		size_t qb;

		if (q->role == GW_ROLE_BLANK)
			continue;
		gw_strip(q, &qa, &qb);
		if (is_prose(q->role) && qb > qa &&
		    (q->text.p[qb - 1] == 0xFF1B || q->text.p[qb - 1] == 0xFF1A))
			return;
		break;
	}
	{
		long nx = next_nonblank(doc, i);

		/* standalone: what follows is its content (body or a lower level) */
		if (nx < 0 ||
		    (doc->paras[nx].role != GW_ROLE_BODY && doc->paras[nx].level <= p->level))
			return;
	}
	if (gw_re("。$", p, a, &s, &e, NULL, 0))
		gw_at(out, doc, i, s, e, "GW-BODY-014", I, GW_FIX_SUGGEST,
		      "独立成段的标题末尾一般不加句号；标题与正文同段时，标题后用句号");
}

/* GW-BODY-015: "第一，" "首先，" take a comma (GB/T 15834 序次语). */
static void rule_enumerators(struct gw_doc *doc, size_t i, struct gw_findings *out)
{
	const struct gw_para *p = &doc->paras[i];

	/* GW_DH_ORDINAL: a 、 the pattern replaces (noted by gw_detect_roles) */
	if (!(p->dunhao & GW_DH_ORDINAL))
		return;
	gw_replace_all(out, doc, i,
		       "(?<![^。；：！？，）\\s])(?:第[一二三四五六七八九十]{1,2}|首先|其次)\\K、"
		       "(?![一二三四五六七八九十第])",
		       "，", "GW-BODY-015", W, "“第一”“首先”“其次”等序次语之后用逗号，不用顿号");
}

/* --- 附件 ---------------------------------------------------------------- */

struct att_list {
	struct ustr names[MAX_ATT];
	size_t n;
	size_t count; /* attachments listed (highest "N." seen, wrapped lines too) */
	long last;    /* last 附件说明 paragraph, -1 none */
};

/* The first character of p that is an ASCII digit or not below U+3001 (0
 * if none). Every \s is below U+3001, so a pattern "^\s*X" can match only
 * where this is X (X a digit or at least U+3001). */
static uint32_t lead_char(const struct gw_para *p)
{
	for (size_t k = 0; k < p->text.len; k++) {
		uint32_t c = p->text.p[k];

		if (c > 0x3000 || gw_is_digit09(c))
			return c;
	}
	return 0;
}

static void att_collect(const struct gw_doc *doc, struct att_list *al)
{
	long first = -1;

	al->n = 0;
	al->count = 0;
	al->last = -1;
	for (size_t i = 0; i < doc->n && al->n < MAX_ATT; i++) {
		const struct gw_para *p = &doc->paras[i];
		size_t a;
		size_t b;
		size_t s;
		size_t e;

		if (p->role != GW_ROLE_ATT)
			continue;
		if (first < 0)
			first = (long)i;
		al->last = (long)i;
		gw_strip(p, &a, &b);
		if (gw_re("^\\s*附\\s*件\\s*[:：]\\s*", p, 0, &s, &e, NULL, 0) && e > a)
			a = e;
		if (text_re_search(text_re_get("^[0-9]{1,2}\\s*[.．、]\\s*"), p->text.p + a, b - a,
				   0, &s, &e, NULL, 0))
			a += e;
		while (b > a && text_re_has("^[。；，、.;,]$", p->text.p + b - 1, 1))
			b--;
		ustr_init(&al->names[al->n]);
		for (size_t k = a; k < b; k++) {
			if (!text_is_ws(p->text.p[k]))
				ustr_push(&al->names[al->n], p->text.p[k]);
		}
		al->n++;
	}
	al->count = al->n;
	for (long i = first; i >= 0 && (size_t)i < doc->n; i++) {
		const struct gw_para *p = &doc->paras[i];
		long g[2];
		size_t s;
		size_t e;
		int num = 0;

		/* both patterns start with \\s* and 附 or (the second) a digit */
		uint32_t lead = lead_char(p);

		if (p->role == GW_ROLE_SIG || p->role == GW_ROLE_DATE ||
		    (lead == 0x9644 &&
		     gw_re("^\\s*附\\s*件\\s*[0-9０-９一二三四五六七八九十]*\\s*[:：]?\\s*$", p, 0,
			   &s, &e, NULL, 0)))
			break;
		if ((lead != 0x9644 && !gw_is_digit09(lead)) ||
		    !gw_re("^\\s*(?:附\\s*件\\s*[:：]\\s*)?([0-9]{1,2})\\s*[.．、]", p, 0, &s, &e,
			   g, 1))
			continue;
		for (long k = g[0]; k < g[1]; k++)
			num = num * 10 + (int)(p->text.p[k] - '0');
		if ((size_t)num > al->count)
			al->count = (size_t)num;
	}
}

/* x is a prefix of y (both without whitespace). */
static bool ustr_prefix(const struct ustr *x, const struct ustr *y)
{
	return x->len > 0 && x->len <= y->len && memcmp(x->p, y->p, x->len * sizeof(uint32_t)) == 0;
}

static void att_free(struct att_list *al)
{
	for (size_t k = 0; k < al->n; k++)
		ustr_free(&al->names[k]);
}

/* Text of paragraph i without any whitespace. */
static void squeeze(const struct gw_para *p, struct ustr *u)
{
	for (size_t k = 0; k < p->text.len; k++) {
		if (!text_is_ws(p->text.p[k]) && p->text.p[k] != '\n')
			ustr_push(u, p->text.p[k]);
	}
}

static long next_nonblank(const struct gw_doc *doc, size_t i)
{
	for (size_t k = i + 1; k < doc->n; k++) {
		if (doc->paras[k].role != GW_ROLE_BLANK)
			return (long)k;
	}
	return -1;
}

/* Parse the number of an attachment label ("1", "１", "一"); 0 when none. */
static int label_number(const uint32_t *p, size_t n)
{
	int v = 0;

	if (n == 0)
		return 0;
	if (text_is_digit(p[0]) || text_is_fullwidth_digit(p[0])) {
		for (size_t k = 0; k < n && v < 1000; k++)
			v = v * 10 + (int)(text_halfwidth(p[k]) - '0');
		return v;
	}
	v = text_cn_number(p, n);
	return v > 0 ? v : -1;
}

static bool runs_have_page_break(xmlNodePtr p)
{
	for (xmlNodePtr r = p->children; r != NULL; r = r->next) {
		if (!doc_xml_is(r, NS_W, "r"))
			continue;
		for (xmlNodePtr c = r->children; c != NULL; c = c->next) {
			if (doc_xml_is(c, NS_W, "br") && doc_xml_attr_eq(c, NS_W, "type", "page"))
				return true;
		}
	}
	return false;
}

static bool para_blank(xmlNodePtr p)
{
	struct doc_ptext t;
	bool blank = true;

	doc_ptext_init(&t);
	doc_docx_para_text(p, &t);
	for (size_t k = 0; k < t.text.len && blank; k++)
		blank = text_is_ws(t.text.p[k]) || t.text.p[k] == '\n';
	doc_ptext_free(&t);
	return blank;
}

/* GW-ATT-005: a page (or section) break between the 附件 label and the
 * last text above it. */
static bool att_on_new_page(const struct gw_doc *doc, size_t i)
{
	xmlNodePtr n = doc->paras[i].node;
	xmlNodePtr ppr = doc_xml_child(n, NS_W, "pPr");

	if ((ppr != NULL && doc_xml_child(ppr, NS_W, "pageBreakBefore") != NULL) ||
	    runs_have_page_break(n))
		return true;
	if (ppr != NULL) {
		xmlNodePtr st = doc_xml_child(ppr, NS_W, "pStyle");
		xmlChar *id = st ? doc_xml_attr(st, NS_W, "val") : NULL;
		const struct doc_style *sty =
		    id ? doc_docx_style(doc->docx, (const char *)id) : NULL;

		xmlFree(id);
		if (sty != NULL && sty->ppr != NULL &&
		    doc_xml_child(sty->ppr, NS_W, "pageBreakBefore") != NULL)
			return true;
	}
	for (xmlNodePtr c = n->prev; c != NULL; c = c->prev) {
		xmlNodePtr cp;

		if (doc_xml_is(c, NS_W, "tbl"))
			return false;
		if (!doc_xml_is(c, NS_W, "p"))
			continue;
		cp = doc_xml_child(c, NS_W, "pPr");
		if ((cp != NULL && doc_xml_child(cp, NS_W, "sectPr") != NULL) ||
		    runs_have_page_break(c))
			return true;
		if (!para_blank(c))
			return false;
	}
	return false;
}

static void rule_attachment_pages(struct gw_doc *doc, const struct att_list *al,
				  struct gw_findings *out)
{
	if (al->last < 0)
		return;
	for (size_t i = (size_t)al->last + 1; i < doc->n; i++) {
		const struct gw_para *p = &doc->paras[i];
		long g[4];
		size_t a;
		size_t b;
		size_t s;
		size_t e;
		int num;
		char want[32];
		struct ustr w;
		long t;

		gw_strip(p, &a, &b);
		if (b <= a || p->text.p[a] != 0x9644 /* the pattern starts with 附 */ ||
		    !text_re_search(text_re_get("^附\\s*件\\s*([0-9０-９]{1,3}|[一二三四五"
						"六七八九十]{1,3})?\\s*([:：])?$"),
				    p->text.p + a, b - a, 0, &s, &e, g, 2))
			continue;
		num = g[0] >= 0 ? label_number(p->text.p + a + g[0], (size_t)(g[1] - g[0])) : 0;
		if (num < 0)
			continue;
		if (num > 0)
			snprintf(want, sizeof(want), "附件%d", num);
		else
			snprintf(want, sizeof(want), "附件");
		if (a > 0 || !text_ucs_eq(p->text.p + a, b - a, want)) {
			struct gw_finding *fd = gw_at(
			    out, doc, i, a, b, "GW-ATT-006", E, GW_FIX_AUTO,
			    "附件标签应为“附件”加阿拉伯数字顺序号（如“附件2”），顶格，不加冒号");
			gw_finding_edit(fd, 0, b, want);
			gw_finding_suggest(fd, "%s", want);
		}
		if (doc->is_docx && !att_on_new_page(doc, i))
			gw_at(out, doc, i, a, b, "GW-ATT-005", E, GW_FIX_AUTO,
			      "附件应另面编排：附件标签前应插入分页符");
		/* GW-ATT-007: number and title as in the 附件说明. */
		if ((num > 0 && (size_t)num > al->count) || (num == 0 && al->count != 1)) {
			if (num > 0)
				gw_at(out, doc, i, a, b, "GW-ATT-007", E, GW_FIX_MANUAL,
				      "附件说明中只列出%zu个附件，没有“%s”", al->count, want);
			continue;
		}
		if ((size_t)(num > 0 ? num : 1) > al->n)
			continue;
		t = next_nonblank(doc, i);
		if (t < 0)
			continue;
		{
			const struct ustr *nm = &al->names[num > 0 ? num - 1 : 0];
			long t2 = next_nonblank(doc, (size_t)t);
			bool ok;

			ustr_init(&w);
			squeeze(&doc->paras[t], &w);
			/* a wrapped 附件说明 line or a title on two lines: prefixes */
			ok = ustr_prefix(&w, nm);
			if (!ok && t2 == t + 1)
				squeeze(&doc->paras[t2], &w);
			ok = ok || ustr_prefix(nm, &w);
			if (!ok) {
				char *name = ustr_to_utf8(nm, 0, nm->len);
				struct gw_finding *fd = gw_at(
				    out, doc, (size_t)t, 0, doc->paras[t].text.len, "GW-ATT-007", E,
				    GW_FIX_SUGGEST, "附件标题应与附件说明中的名称一致：“%s”", name);

				gw_finding_suggest(fd, "%s", name);
				free(name);
			}
			ustr_free(&w);
		}
	}
}

/* GW-ATT-009: references to attachments the 附件说明 does not list. */
static void rule_att_refs(struct gw_doc *doc, const struct att_list *al, struct gw_findings *out)
{
	if (al->last < 0 || al->count == 0)
		return;
	for (size_t i = 0; i < doc->n; i++) {
		const struct gw_para *p = &doc->paras[i];
		long g[2];
		size_t s;
		size_t e;
		size_t from = 0;

		if (!is_prose(p->role))
			continue;
		/* 附件 and a digit */
		while ((p->chars & GW_C_DIGIT) && gw_para_may_have(p, 0x9644) &&
		       gw_para_may_have(p, 0x4EF6) &&
		       gw_re("(?<![》的])附件([1-9][0-9]?)(?![0-9])", p, from, &s, &e, g, 1)) {
			int num = 0;

			for (long k = g[0]; k < g[1]; k++)
				num = num * 10 + (int)(p->text.p[k] - '0');
			if ((size_t)num > al->count && al->count > 1) {
				gw_at(out, doc, i, s, e, "GW-ATT-009", W, GW_FIX_MANUAL,
				      "正文引用“附件%d”，但附件说明只列出%zu个附件", num,
				      al->count);
				break;
			}
			from = e;
		}
	}
}

/* --- 署名, 附注, 版记 ---------------------------------------------------- */

/* Every char of x appears in y in order (an abbreviation of y). */
static bool is_subsequence(const uint32_t *x, size_t nx, const uint32_t *y, size_t ny)
{
	size_t j = 0;

	for (size_t k = 0; k < ny && j < nx; k++) {
		if (y[k] == x[j])
			j++;
	}
	return j == nx;
}

static void rule_sig_text(struct gw_doc *doc, struct gw_findings *out)
{
	bool any_mark = false;
	bool match = false;
	size_t sa;
	size_t sb;
	const struct gw_para *sg;

	/* GW-SIGN-009: a 请示 usually names a 联系人 in the 附注. */
	if (doc->doc_type == GW_DOCTYPE_QINGSHI && doc->date >= 0) {
		bool contact = false;

		for (size_t i = 0; i < doc->n && !contact; i++)
			contact = text_ucs_find(doc->paras[i].text.p, doc->paras[i].text.len, 0,
						"联系人") >= 0;
		if (!contact) {
			struct gw_finding *fd =
			    gw_at(out, doc, (size_t)doc->date, 0, doc->paras[doc->date].text.len,
				  "GW-SIGN-009", I, GW_FIX_SUGGEST,
				  "请示一般在附注中注明联系人和联系电话");
			gw_finding_suggest(fd, "（联系人：×××，联系电话：×××）");
		}
	}
	/* GW-SIGN-010: 署名 = the 发文机关 (full name or an abbreviation). */
	if (doc->sig < 0 || doc->doc_type == GW_DOCTYPE_MINUTES ||
	    doc->doc_type == GW_DOCTYPE_ORDER)
		return;
	sg = &doc->paras[doc->sig];
	gw_strip(sg, &sa, &sb);
	for (size_t i = 0; i < doc->n && !match; i++) {
		const struct gw_para *p = &doc->paras[i];
		size_t a;
		size_t b;

		if (p->role != GW_ROLE_MARK)
			continue;
		gw_strip(p, &a, &b);
		if (text_ucs_has_suffix(p->text.p + a, b - a, "文件"))
			b -= 2;
		if (b - a < 2 || text_re_has("\\s", p->text.p + a, b - a))
			continue; /* joint 标志 lines hold several names */
		any_mark = true;
		match = is_subsequence(sg->text.p + sa, sb - sa, p->text.p + a, b - a) ||
			is_subsequence(p->text.p + a, b - a, sg->text.p + sa, sb - sa);
	}
	if (any_mark && !match)
		gw_at(out, doc, (size_t)doc->sig, sa, sb, "GW-SIGN-010", W, GW_FIX_MANUAL,
		      "发文机关署名应与发文机关标志（印章）一致，用全称或规范化简称");
}

static void rule_note_order(struct gw_doc *doc, struct gw_findings *out)
{
	long cc = -1;

	for (size_t i = 0; i < doc->n; i++) {
		const struct gw_para *p = &doc->paras[i];
		size_t s;
		size_t e;

		if (p->role == GW_ROLE_CC && cc < 0)
			cc = (long)i;
		if (cc >= 0 && (size_t)cc < i &&
		    gw_re("^\\s*主\\s*送\\s*[:：]", p, 0, &s, &e, NULL, 0))
			gw_at(out, doc, i, s, e, "GW-NOTE-004", W, GW_FIX_SUGGEST,
			      "版记中的“主送：”应位于“抄送：”之上");
	}
}

/* GW-SPEC-005: 纪要 "出席：" labels with a full-width colon. */
static void rule_attend(struct gw_doc *doc, size_t i, struct gw_findings *out)
{
	const struct gw_para *p = &doc->paras[i];
	long g[2];
	size_t s;
	size_t e;

	if (gw_re("^\\s*(出席|请假|列席)(?:\\s+[:：]?|:)\\s*", p, 0, &s, &e, g, 1)) {
		char rep[32];
		struct gw_finding *fd;
		char *lab = ustr_to_utf8(&p->text, (size_t)g[0], (size_t)g[1]);

		snprintf(rep, sizeof(rep), "%s：", lab);
		free(lab);
		fd = gw_at(out, doc, i, s, e, "GW-SPEC-005", W, GW_FIX_AUTO,
			   "纪要的“出席”“请假”“列席”后用全角冒号“：”");
		gw_finding_edit(fd, s, e, rep);
	}
}

/* --- punctuation --------------------------------------------------------- */

/* GW-PUNC-012: same-type nesting goes 《〈〉》 and “‘’” (a third level may
 * reuse the outer form, so only a mark directly inside its twin counts). */
static void nest_pair(struct gw_doc *doc, size_t i, const uint32_t fam[4], unsigned nest_bit,
		      const char *in_open, const char *in_close, struct gw_finding **fd,
		      struct gw_findings *out)
{
	const struct gw_para *p = &doc->paras[i];
	uint32_t st_c[16];
	size_t st_pos[16];
	bool st_inner[16];
	size_t inner[32][2];
	size_t depth = 0;
	size_t ni = 0;

	/* an inner pair is a fam[0] inside a fam[0]: nothing to report without two */
	long first;

	/* nest_bit (gw_detect_roles): some fam[0] directly inside a fam[0] */
	if (!(p->chars & nest_bit) || !gw_para_may_have(p, fam[0]) ||
	    (first = text_ucs_chr(p->text.p, p->text.len, 0, fam[0])) < 0 ||
	    text_ucs_chr(p->text.p, p->text.len, (size_t)first + 1, fam[0]) < 0)
		return;
	for (size_t k = 0; k < p->text.len; k++) {
		uint32_t c = p->text.p[k];

		if (c == fam[0] || c == fam[2]) {
			if (depth == ARRAY_LEN(st_c))
				return;
			st_inner[depth] = c == fam[0] && depth > 0 && st_c[depth - 1] == fam[0];
			st_c[depth] = c;
			st_pos[depth] = k;
			depth++;
		} else if (c == fam[1] || c == fam[3]) {
			if (depth == 0 || st_c[depth - 1] != (c == fam[1] ? fam[0] : fam[2]))
				return; /* unbalanced or crossing: GW-PUNC-011 reports it */
			depth--;
			if (st_inner[depth] && ni < ARRAY_LEN(inner)) {
				inner[ni][0] = st_pos[depth];
				inner[ni][1] = k;
				ni++;
			}
		}
	}
	if (depth != 0)
		return;
	for (size_t k = 0; k < ni; k++) {
		if (*fd == NULL)
			*fd = gw_at(out, doc, i, inner[k][0], inner[k][1] + 1, "GW-PUNC-012", W,
				    GW_FIX_AUTO,
				    "书名号、引号套用时内层应改用单书名号〈〉、单引号‘’");
		gw_finding_edit(*fd, inner[k][0], inner[k][0] + 1, in_open);
		gw_finding_edit(*fd, inner[k][1], inner[k][1] + 1, in_close);
	}
}

/* 议 会 坛 动: how 会议 大会 论坛 博览会 … 活动 end */
static bool ends_meeting(uint32_t c)
{
	return c == 0x8BAE || c == 0x4F1A || c == 0x575B || c == 0x52A8;
}

static void rule_punc_text(struct gw_doc *doc, size_t i, struct gw_findings *out)
{
	const struct gw_para *p = &doc->paras[i];
	struct gw_finding *fd = NULL;
	long g[4];
	size_t s;
	size_t e;
	size_t from = 0;

	static const uint32_t books[4] = {0x300A, 0x300B, 0x3008, 0x3009};
	static const uint32_t quotes[4] = {0x201C, 0x201D, 0x2018, 0x2019};

	/* (nest_pair's first test, here: most paragraphs have neither bit) */
	if (p->chars & GW_C_NEST_BOOK)
		nest_pair(doc, i, books, GW_C_NEST_BOOK, "〈", "〉", &fd, out);
	if (p->chars & GW_C_NEST_QUOTE)
		nest_pair(doc, i, quotes, GW_C_NEST_QUOTE, "‘", "’", &fd, out);
	/* GW-PUNC-009: "三五天", not "三、五天" (abbreviations like 第一、二季度 keep it). */
	while ((p->dunhao & GW_DH_CN19) &&
	       gw_re("(?<![第0-9一二三四五六七八九十百千])([一二三四五六七八九])、"
		     "([一二三四五六七八九])(?=[十百千万]?(?:天|个|名|人|种|次|倍|岁|户|家|吨|斤))",
		     p, from, &s, &e, g, 2)) {
		int d = text_cn_digit(p->text.p[g[2]]) - text_cn_digit(p->text.p[g[0]]);

		if (d == 1 || d == 2) {
			fd = gw_at(out, doc, i, s, e, "GW-PUNC-009", W, GW_FIX_SUGGEST,
				   "相邻数字连用表示概数，中间不用顿号（如“三五天”）");
			gw_finding_suggest(fd, "删去数字之间的顿号");
			break;
		}
		from = e;
	}
	/* GW-PUNC-013: 会议/活动 names take quotation marks, not 书名号. */
	/* a 《 and, before a 》, the last character of one of the names */
	if (gw_para_may_have(p, 0x300A) && gw_has_around(p, 0x300B, ends_meeting, NULL) &&
	    gw_re("《[^《》]{2,40}(?:会议|大会|论坛|博览会|研讨会|座谈会|运动会|展览会|活动)》", p,
		  0, &s, &e, NULL, 0))
		gw_at(out, doc, i, s, e, "GW-PUNC-013", W, GW_FIX_SUGGEST,
		      "书名号用于书刊、文件、法规等名称；会议、活动名称不用书名号（可用引号）");
	/* GW-PUNC-019: one colon per clause. */
	if (gw_para_may_have(p, 0xFF1A) &&
	    gw_re("(?<![0-9])：(?![0-9])[^。！？；，,：“”‘’\\n]{1,60}：(?![0-9])", p, 0, &s, &e,
		  NULL, 0))
		gw_at(out, doc, i, s, e, "GW-PUNC-019", I, GW_FIX_SUGGEST,
		      "一个句子内不宜套用两个冒号");
}

/* --- numbers ------------------------------------------------------------- */

/* A necessary condition of GW-NUM-017's pattern "(?<=[0-9])\s?(?:KV|…|kwh)":
 * a K or k after a digit, or after one character below U+3001 (every \s
 * is) after a digit. */
static bool unit_after_digit(const struct gw_para *p)
{
	static const uint32_t ks[] = {'K', 'k'};
	const uint32_t *t = p->text.p;

	for (size_t q = 0; q < ARRAY_LEN(ks); q++) {
		if (!gw_para_may_have(p, ks[q]))
			continue;
		for (long at = text_ucs_chr(t, p->text.len, 1, ks[q]); at >= 0;
		     at = text_ucs_chr(t, p->text.len, (size_t)at + 1, ks[q])) {
			size_t k = (size_t)at;

			if (gw_is_digit09(t[k - 1]) ||
			    (k >= 2 && t[k - 1] < 0x3001 && gw_is_digit09(t[k - 2])))
				return true;
		}
	}
	return false;
}

/* GW-NUM-002: 公历 dates in Arabic numerals (GB/T 15835 §4.1.1). */
static void rule_cn_dates(struct gw_doc *doc, size_t i, struct gw_findings *out)
{
	const struct gw_para *p = &doc->paras[i];
	struct gw_finding *fd = NULL;
	long g[6];
	size_t s;
	size_t e;
	size_t from = 0;

	/* the pattern needs four of [〇零一二三四五六七八九] before a 年 */
	if (!(p->chars & GW_C_NIAN_CN4))
		return;
	while (gw_re("(?<!农历)(?<!民国)(?<!光绪)(?<!宣统)(?<!乾隆)(?<!康熙)(?<!道光)(?<!咸丰)"
		     "([〇零一二三四五六七八九]{4})年(?:([一二三四五六七八九十]{1,2})月"
		     "(?:([一二三四五六七八九十]{1,3})日)?)?",
		     p, from, &s, &e, g, 3)) {
		char rep[64];
		size_t n = 0;
		int mon = 0;
		int day = 0;
		bool ok = true;

		from = e;
		if (in_quote(p, s))
			continue;
		for (long k = g[0]; k < g[1]; k++) {
			int d = text_cn_digit(p->text.p[k]);

			if (p->text.p[k] == 0x96F6)
				d = 0;
			if (d < 0 || d > 9)
				ok = false;
			else
				rep[n++] = (char)('0' + d);
		}
		if (rep[0] != '1' && rep[0] != '2')
			ok = false;
		if (g[2] >= 0) {
			mon = text_cn_number(p->text.p + g[2], (size_t)(g[3] - g[2]));
			ok = ok && mon >= 1 && mon <= 12;
		}
		if (g[4] >= 0) {
			day = text_cn_number(p->text.p + g[4], (size_t)(g[5] - g[4]));
			ok = ok && day >= 1 && day <= 31;
		}
		if (!ok)
			continue;
		rep[n] = '\0';
		if (mon > 0 && day > 0)
			snprintf(rep + n, sizeof(rep) - n, "年%d月%d日", mon, day);
		else if (mon > 0)
			snprintf(rep + n, sizeof(rep) - n, "年%d月", mon);
		else
			snprintf(rep + n, sizeof(rep) - n, "年");
		if (fd == NULL)
			fd = gw_at(out, doc, i, s, e, "GW-NUM-002", W, GW_FIX_AUTO,
				   "公历年月日应使用阿拉伯数字");
		gw_finding_edit(fd, s, e, rep);
	}
}

/* GW-NUM-007: fixed expressions keep their Chinese numerals. */
/* Length of a UTF-32 literal. */
static size_t u32_len(const char32_t *s)
{
	size_t n = 0;

	while (s[n] != 0)
		n++;
	return n;
}

/* Does lit (len characters, need among them) occur in t[from..n)? As
 * text_ucs_find_ucs(t, n, from, lit, len) >= 0, but searching for need,
 * a Han character, rather than lit[0], often a digit seen all over the
 * text: every match has need where lit has it. */
static bool has_lit_from(const uint32_t *t, size_t n, size_t from, const char32_t *lit, size_t len,
			 uint32_t need)
{
	size_t at = 0;

	while (at < len && (uint32_t)lit[at] != need)
		at++;
	assert(at < len); /* (the table of rule_fixed_expr) */
	for (long q = text_ucs_chr(t, n, from + at, need); q >= 0;
	     q = text_ucs_chr(t, n, (size_t)q + 1, need)) {
		size_t st = (size_t)q - at;
		size_t k = 0;

		if (st + len > n)
			return false;
		while (k < len && t[st + k] == (uint32_t)lit[k])
			k++;
		if (k == len)
			return true;
	}
	return false;
}

/* May every character of lit (0-terminated) occur in p? (Bloom filter: a
 * false answer is exact, so text_ucs_find_ucs could not find lit.) */
static bool may_have_lit(const struct gw_para *p, const char32_t *lit)
{
	for (; *lit != 0; lit++) {
		if (!gw_para_may_have(p, (uint32_t)*lit))
			return false;
	}
	return true;
}

static void rule_fixed_expr(struct gw_doc *doc, size_t i, struct gw_findings *out)
{
	static const struct {
		const char *pat;
		const char *rep;
		uint32_t need;	     /* a character the pattern cannot match without */
		const char32_t *lit; /* a literal every match contains (decoded) */
	} fx[] = {
	    {"(?<![0-9.０-９])1律", "一律", 0x5F8B, U"1律"},
	    {"(?<![0-9.０-９])1方面", "一方面", 0x65B9, U"1方面"},
	    {"(?<![0-9.０-９])1旦", "一旦", 0x65E6, U"1旦"},
	    {"(?<![0-9.０-９])1般(?![0-9])", "一般", 0x822C, U"1般"},
	    {"(?<![0-9.０-９])1切", "一切", 0x5207, U"1切"},
	    {"(?<![0-9.０-９])1致(?![0-9])", "一致", 0x81F4, U"1致"},
	    {"统1(?![0-9])", "统一", 0x7EDF, U"统1"},
	    {"唯1(?![0-9])", "唯一", 0x552F, U"唯1"},
	    {"第1书记", "第一书记", 0x4E66, U"第1书记"},
	    {"(?<![0-9.])14五(?=[”’\"]?(?:规划|时期|期间|以来|末))", "十四五", 0x4E94, U"14五"},
	    {"(?<![0-9.])15五(?=[”’\"]?(?:规划|时期|期间|以来|末))", "十五五", 0x4E94, U"15五"},
	    {"(?<![0-9.])5四运动", "五四运动", 0x56DB, U"5四运动"},
	    {"(?<![0-9.])9三学社", "九三学社", 0x4E09, U"9三学社"},
	    {"1带1路", "一带一路", 0x5E26, U"1带1路"},
	};
	struct gw_finding *fd = NULL;
	unsigned cand = 0; /* bit k: fx[k].need may occur */

	/* unrolled: each need a constant, its filter bit found at compile time */
#pragma GCC unroll 16
	for (size_t k = 0; k < ARRAY_LEN(fx); k++)
		cand |= (unsigned)gw_para_may_have(&doc->paras[i], fx[k].need) << k;
	/* in table order, the order of the findings */
	for (; cand != 0; cand &= cand - 1) {
		size_t k = (size_t)__builtin_ctz(cand);
		const struct gw_para *p = &doc->paras[i];
		size_t from = 0;
		size_t s;
		size_t e;

		while (may_have_lit(p, fx[k].lit) &&
		       has_lit_from(p->text.p, p->text.len, from, fx[k].lit, u32_len(fx[k].lit),
				    fx[k].need) &&
		       gw_re(fx[k].pat, p, from, &s, &e, NULL, 0)) {
			if (fd == NULL)
				fd = gw_at(out, doc, i, s, e, "GW-NUM-007", E, GW_FIX_AUTO,
					   "定型的词、词组、成语等固定表达应使用汉字数字");
			gw_finding_edit(fd, s, e, fx[k].rep);
			from = e;
		}
	}
	{
		const struct gw_para *p = &doc->paras[i];
		static const char *const wd[] = {"日", "一", "二", "三", "四", "五", "六"};
		size_t from = 0;
		size_t s;
		size_t e;

		/* 星期 (callers: the paragraph has a digit) */
		while (gw_para_may_have(p, 0x661F) && gw_para_may_have(p, 0x671F) &&
		       text_ucs_find(p->text.p, p->text.len, from, "星期") >= 0 &&
		       gw_re("星期\\K[1-6](?![0-9])", p, from, &s, &e, NULL, 0)) {
			if (fd == NULL)
				fd = gw_at(out, doc, i, s, e, "GW-NUM-007", E, GW_FIX_AUTO,
					   "定型的词、词组、成语等固定表达应使用汉字数字");
			gw_finding_edit(fd, s, e, wd[p->text.p[s] - '0']);
			from = e;
		}
	}
}

/* "[12],[0-9]{3}年" not after a digit or a comma somewhere? (Exact.) */
static bool grouped_year(const struct gw_para *p)
{
	const uint32_t *t = p->text.p;
	size_t n = p->text.len;
	/* a "," is a GW_C_APUNCT: it lies in [apunct_lo, apunct_hi) */
	size_t lo = p->apunct_lo > 1 ? p->apunct_lo : 1;
	size_t hi = p->apunct_hi < n ? p->apunct_hi : n;

	if (!(p->chars & GW_C_APUNCT))
		return false;
	for (long at = text_ucs_chr(t, hi, lo, ','); at >= 0;
	     at = text_ucs_chr(t, hi, (size_t)at + 1, ',')) {
		size_t k = (size_t)at;

		if ((t[k - 1] == '1' || t[k - 1] == '2') &&
		    (k < 2 || !(gw_is_digit09(t[k - 2]) || t[k - 2] == ',')) && k + 4 < n &&
		    gw_is_digit09(t[k + 1]) && gw_is_digit09(t[k + 2]) && gw_is_digit09(t[k + 3]) &&
		    t[k + 4] == 0x5E74)
			return true;
	}
	return false;
}

static void rule_num_text(struct gw_doc *doc, size_t i, struct gw_findings *out)
{
	const struct gw_para *p = &doc->paras[i];
	long g[4];
	size_t s;
	size_t e;
	size_t from = 0;

	/* GW-NUM-006: approximations with adjacent numbers are Chinese. */
	while ((p->dunhao & GW_DH_DIG19) &&
	       gw_re("(?<![0-9.、])([1-9])、([1-9])(?![0-9])(?=(?:个月|天|个|名|人|种|次|倍|岁))",
		     p, from, &s, &e, g, 2)) {
		if (p->text.p[g[2]] == p->text.p[g[0]] + 1) {
			struct gw_finding *fd = gw_at(
			    out, doc, i, s, e, "GW-NUM-006", W, GW_FIX_SUGGEST,
			    "相邻两个数字并列表示概数，应使用汉字数字且不加顿号（如“三四个月”）");

			gw_finding_suggest(fd, "改为汉字数字，删去顿号");
			break;
		}
		from = e;
	}
	/* GW-NUM-009: only 万/亿 serve as number units. Every alternative
	 * has a 千, 百 or 十. */
	if ((gw_digit_before(p, 0x5343) || gw_digit_before(p, 0x767E) ||
	     gw_digit_before(p, 0x5341)) &&
	    gw_re("(?<![0-9.])[0-9]+(?:\\.[0-9]+)?(?:千万|百万|十万|千|百)(?![米克瓦赫伏帕焦卡字"
		  "分兆])",
		  p, 0, &s, &e, NULL, 0))
		gw_at(out, doc, i, s, e, "GW-NUM-009", W, GW_FIX_SUGGEST,
		      "阿拉伯数字只宜与“万”“亿”组合，不宜写作“3千”“2百万”");
	/* GW-NUM-013: years are never grouped. */
	if (gw_digit_before(p, 0x5E74) && grouped_year(p) &&
	    gw_re("(?<![0-9,])[12],[0-9]{3}年", p, 0, &s, &e, NULL, 0))
		gw_at(out, doc, i, s, e, "GW-NUM-013", I, GW_FIX_SUGGEST, "年份不使用千分撇分节");
	/* GW-NUM-017: unit symbols per GB 3100-3102. */
	if ((p->chars & GW_C_ALPHA) && unit_after_digit(p) &&
	    gw_re("(?<=[0-9])\\s?(?:KV|Kv|KM|Km|Kg|KG|KW|Kw|KWh|Kwh|kwh|KWH)(?![A-Za-z])", p, 0, &s,
		  &e, NULL, 0))
		gw_at(out, doc, i, s, e, "GW-NUM-017", I, GW_FIX_SUGGEST,
		      "计量单位符号大小写应规范：kV、km、kg、kW、kW·h");
}

/* --- .docx rules ----------------------------------------------------------- */

static bool jc_right(const struct doc_pprops *pp)
{
	return strcmp(pp->jc, "right") == 0 || strcmp(pp->jc, "end") == 0;
}

/* GW-BODY-004: explicit title lines (w:br) and titles split over paragraphs. */
static void rule_title_shape(struct gw_doc *doc, struct gw_findings *out)
{
	const struct gw_para *p;
	long widths[16];
	size_t nl = 0;
	size_t st = 0;
	long t2;

	if (doc->title < 0)
		return;
	p = &doc->paras[doc->title];
	for (size_t k = 0; k <= p->text.len && nl < ARRAY_LEN(widths); k++) {
		if (k == p->text.len || p->text.p[k] == '\n') {
			size_t a = st;
			size_t b = k;

			while (a < b && text_is_ws(p->text.p[a]))
				a++;
			while (b > a && text_is_ws(p->text.p[b - 1]))
				b--;
			if (b > a)
				widths[nl++] = width_tw(p->text.p + a, b - a);
			st = k + 1;
		}
	}
	if (nl >= 2) {
		bool too_long = false;
		bool hourglass = false;

		for (size_t k = 0; k < nl; k++)
			too_long = too_long || widths[k] > 20 * CHAR_TW + CHAR_TW / 2;
		for (size_t k = 1; k + 1 < nl; k++)
			hourglass = hourglass || (widths[k] + CHAR_TW < widths[k - 1] &&
						  widths[k] + CHAR_TW < widths[k + 1]);
		if (too_long)
			gw_at(out, doc, (size_t)doc->title, 0, p->text.len, "GW-BODY-004", W,
			      GW_FIX_SUGGEST,
			      "2号字标题每行不超过20字，手动换行的行过长会再次折行");
		else if (hourglass || (nl == 2 && widths[0] > widths[1] + 2 * CHAR_TW))
			gw_at(out, doc, (size_t)doc->title, 0, p->text.len, "GW-BODY-004", W,
			      GW_FIX_SUGGEST,
			      "多行标题宜排成梯形（上短下长）或菱形，避免倒梯形、沙漏形");
		return;
	}
	/* the title continued in the next centred 2号 paragraph */
	t2 = (size_t)doc->title + 1 < doc->n ? doc->title + 1 : -1;
	if (t2 >= 0 && doc->paras[t2].role != GW_ROLE_BLANK && doc->paras[t2].role != GW_ROLE_TO) {
		struct doc_pprops pp;
		struct gw_run_info runs[8];
		size_t nr = gw_docx_runs(doc, (size_t)t2, runs, ARRAY_LEN(runs));
		struct doc_pprops tp;

		gw_para_props(doc, doc->paras[t2].node, &pp);
		gw_para_props(doc, p->node, &tp);
		if (nr > 0 && strcmp(pp.jc, "center") == 0 && strcmp(tp.jc, "center") == 0 &&
		    runs[0].props.sz >= 40 && doc->paras[t2].text.len <= 25 &&
		    !text_re_has("[。；：:]", doc->paras[t2].text.p, doc->paras[t2].text.len))
			gw_at(out, doc, (size_t)t2, 0, doc->paras[t2].text.len, "GW-BODY-004", W,
			      GW_FIX_SUGGEST,
			      "标题分成了两个段落；多行标题应在同一段落内换行，词意完整、排列对称");
	}
}

/* GW-NUM-012: a w:br inside a number splits it across lines. */
static void rule_num_break(struct gw_doc *doc, size_t i, struct gw_findings *out)
{
	size_t s;
	size_t e;

	/* the pattern needs a digit and a line break */
	if ((doc->paras[i].chars & GW_C_DIGIT) && gw_para_may_have(&doc->paras[i], '\n') &&
	    gw_re("[0-9][.．]?\\n[0-9.%％]", &doc->paras[i], 0, &s, &e, NULL, 0))
		gw_at(out, doc, i, s, e, "GW-NUM-012", W, GW_FIX_AUTO,
		      "数字不能断开移行：数字中间有手动换行");
}

static bool digit_before(const struct ustr *u, size_t at)
{
	if (at >= 1 && text_is_digit(u->p[at - 1]))
		return true;
	return at >= 2 && (u->p[at - 1] == '.' || u->p[at - 1] == 0xFF0E) &&
	       text_is_digit(u->p[at - 2]);
}

static bool fix_num_break(struct gw_doc *doc, size_t i)
{
	struct doc_ptext t;
	bool done = false;

	doc_ptext_init(&t);
	doc_docx_para_text(doc->paras[i].node, &t);
	for (size_t k = 0; k < t.nsegs; k++) {
		size_t at = t.segs[k].start;

		if (t.segs[k].kind != DOC_SEG_BREAK || at + 1 >= t.text.len ||
		    !digit_before(&t.text, at) || !text_re_has("^[0-9.%％]$", t.text.p + at + 1, 1))
			continue;
		xmlUnlinkNode(t.segs[k].node);
		xmlFreeNode(t.segs[k].node);
		done = true;
	}
	doc_ptext_free(&t);
	return done;
}

/* GW-ATT-004: wrapped attachment names align under the name's first char. */
static long att_expected_left(const struct gw_doc *doc, size_t i, long *line_start)
{
	const struct gw_para *p = &doc->paras[i];
	size_t a;
	size_t b;
	size_t s;
	size_t e;
	long lab = 0;
	bool first = i == 0 || doc->paras[i - 1].role != GW_ROLE_ATT;

	gw_strip(p, &a, &b);
	if (first) {
		if (!gw_re("^\\s*附件：", p, 0, &s, &e, NULL, 0))
			return -1;
		lab += width_tw(p->text.p + s, e - s);
		a = e;
	}
	if (text_re_search(text_re_get("^[0-9]{1,2}\\."), p->text.p + a, b - a, 0, &s, &e, NULL, 0))
		lab += width_tw(p->text.p + a, e);
	else if (!first)
		return -1;
	*line_start = doc->profile->first_line + (first ? 0 : 3 * CHAR_TW);
	return doc->profile->first_line + 3 * CHAR_TW + (lab - (first ? 3 * CHAR_TW : 0));
}

static void rule_att_hanging(struct gw_doc *doc, size_t i, struct gw_findings *out)
{
	struct doc_pprops pp;
	long start;
	long want = att_expected_left(doc, i, &start);

	if (want < 0)
		return;
	gw_para_props(doc, doc->paras[i].node, &pp);
	/* only lines that wrap need the hanging indent */
	if (start + width_tw(doc->paras[i].text.p, doc->paras[i].text.len) + pp.right <=
	    doc->profile->type_w)
		return;
	if (labs_(pp.left + pp.first - start) > TOL_TW)
		return; /* GW-ATT-001 reports the line start first */
	if (labs_(pp.left - want) > TOL_TW)
		gw_at(out, doc, i, 0, 0, "GW-ATT-004", W, GW_FIX_AUTO,
		      "附件名称较长需回行时，回行应与上一行附件名称首字对齐（悬挂缩进）");
}

/* GW-SIGN-003/004: 署名 and 成文日期 geometry from character counts. */
static bool sign_expected(struct gw_doc *doc, long *sig_r, long *date_r, const char **rule)
{
	struct doc_pprops ps;
	struct doc_pprops pd;
	const struct gw_para *sp;
	const struct gw_para *dp;
	size_t a;
	size_t b;
	long ws;
	long wd;

	if (doc->sig < 0 || doc->date < 0 || doc->date != next_nonblank(doc, (size_t)doc->sig))
		return false;
	sp = &doc->paras[doc->sig];
	dp = &doc->paras[doc->date];
	gw_para_props(doc, sp->node, &ps);
	gw_para_props(doc, dp->node, &pd);
	if (!jc_right(&ps) || !jc_right(&pd))
		return false;
	gw_strip(sp, &a, &b);
	ws = width_tw(sp->text.p + a, b - a);
	gw_strip(dp, &a, &b);
	/* geometry only once GW-SIGN-001 is satisfied: the width depends on it */
	if (!text_re_has("^(19|20)[0-9]{2}年([1-9]|1[0-2])月([1-9]|[12][0-9]|3[01])日$",
			 dp->text.p + a, b - a))
		return false;
	wd = width_tw(dp->text.p + a, b - a);
	*sig_r = ps.right;
	*date_r = pd.right;
	if (labs_(pd.right - 4 * CHAR_TW) <= TOL_TW) {
		/* with seal: 署名 centred over the date 右空四字 */
		*rule = "GW-SIGN-003";
		*date_r = 4 * CHAR_TW;
		*sig_r = 4 * CHAR_TW + (wd - ws) / 2;
		return *sig_r >= 0;
	}
	if (labs_(ps.right - 2 * CHAR_TW) <= TOL_TW || labs_(pd.right - 2 * CHAR_TW) <= TOL_TW) {
		/* without seal: 署名 右空二字, date starts two chars further right */
		*rule = "GW-SIGN-004";
		*sig_r = 2 * CHAR_TW;
		*date_r = *sig_r + ws - 2 * CHAR_TW - wd;
		if (*date_r < 2 * CHAR_TW) {
			*date_r = 2 * CHAR_TW;
			*sig_r = *date_r + wd + 2 * CHAR_TW - ws;
		}
		return true;
	}
	*rule = "GW-SIGN-003";
	*sig_r = -1;
	return true;
}

static void rule_sign_geometry(struct gw_doc *doc, struct gw_findings *out)
{
	struct doc_pprops ps;
	struct doc_pprops pd;
	long sig_r;
	long date_r;
	const char *rule;

	if (!sign_expected(doc, &sig_r, &date_r, &rule))
		return;
	gw_para_props(doc, doc->paras[doc->sig].node, &ps);
	gw_para_props(doc, doc->paras[doc->date].node, &pd);
	if (sig_r < 0) {
		gw_at(out, doc, (size_t)doc->date, 0, 0, "GW-SIGN-003", W, GW_FIX_SUGGEST,
		      "成文日期位置不规范：加盖印章时日期右空四字、署名以日期为准居中；"
		      "不加盖印章时署名右空二字、日期首字比署名首字右移二字");
		return;
	}
	if (labs_(ps.right - sig_r) > TOL_TW || labs_(pd.right - date_r) > TOL_TW)
		gw_at(out, doc, (size_t)doc->sig, 0, 0, rule,
		      strcmp(rule, "GW-SIGN-004") == 0 ? E : W, GW_FIX_AUTO,
		      "%s（署名应右缩进%.1f字，成文日期右缩进%.1f字）",
		      strcmp(rule, "GW-SIGN-004") == 0
			  ? "不加盖印章时，署名右空二字，成文日期首字比署名首字右移二字"
			  : "加盖印章时，成文日期右空四字，署名以成文日期为准居中",
		      sig_r / (double)CHAR_TW, date_r / (double)CHAR_TW);
}

static bool fix_sign_geometry(struct gw_doc *doc)
{
	long sig_r;
	long date_r;
	const char *rule;

	if (!sign_expected(doc, &sig_r, &date_r, &rule) || sig_r < 0)
		return false;
	doc_docx_set_ind(doc->paras[doc->sig].node, 0, 0, sig_r);
	doc_docx_set_ind(doc->paras[doc->date].node, 0, 0, date_r);
	return true;
}

/* Does paragraph node n carry a border on `side` (or a drawn line)? */
static long border_sz(xmlNodePtr n, const char *side)
{
	xmlNodePtr ppr = n ? doc_xml_child(n, NS_W, "pPr") : NULL;
	xmlNodePtr bdr = ppr ? doc_xml_child(ppr, NS_W, "pBdr") : NULL;
	xmlNodePtr b = bdr ? doc_xml_child(bdr, NS_W, side) : NULL;
	long sz = 4;

	if (b == NULL || doc_xml_attr_eq(b, NS_W, "val", "none") ||
	    doc_xml_attr_eq(b, NS_W, "val", "nil"))
		return 0;
	doc_xml_attr_long(b, NS_W, "sz", &sz);
	return sz > 0 ? sz : 1;
}

static bool has_drawing(xmlNodePtr n)
{
	for (xmlNodePtr r = n ? n->children : NULL; r != NULL; r = r->next) {
		if (doc_xml_is(r, NS_W, "r") && (doc_xml_child(r, NS_W, "drawing") != NULL ||
						 doc_xml_child(r, NS_W, "pict") != NULL))
			return true;
	}
	return false;
}

static xmlNodePtr sibling_p(xmlNodePtr n, bool next)
{
	for (xmlNodePtr c = next ? n->next : n->prev; c != NULL; c = next ? c->next : c->prev) {
		if (doc_xml_is(c, NS_W, "p"))
			return c;
		if (doc_xml_is(c, NS_W, "tbl"))
			return NULL;
	}
	return NULL;
}

/* GW-NOTE-002/006: 版记 lines as paragraph borders (drawn lines accepted). */
static void rule_note_lines(struct gw_doc *doc, struct gw_findings *out)
{
	long first = -1;
	long cc = -1;
	long pr = -1;

	for (size_t i = 0; i < doc->n; i++) {
		int r = doc->paras[i].role;

		if (r == GW_ROLE_CC && cc < 0)
			cc = (long)i;
		if (r == GW_ROLE_PRINT)
			pr = (long)i;
		if ((r == GW_ROLE_CC || r == GW_ROLE_PRINT) && first < 0)
			first = (long)i;
	}
	if (first < 0 || pr < 0 || pr < first)
		return;
	for (long i = first; i <= pr; i++) {
		if (has_drawing(doc->paras[i].node))
			return;
	}
	{
		xmlNodePtr f = doc->paras[first].node;
		xmlNodePtr l = doc->paras[pr].node;
		xmlNodePtr before = sibling_p(f, false);
		xmlNodePtr after = sibling_p(l, true);
		bool top = border_sz(f, "top") > 0 || border_sz(before, "bottom") > 0 ||
			   has_drawing(before);
		bool bottom =
		    border_sz(l, "bottom") > 0 || border_sz(after, "top") > 0 || has_drawing(after);

		if (!top || !bottom)
			gw_at(out, doc, (size_t)(top ? pr : first), 0, 0, "GW-NOTE-002", W,
			      GW_FIX_SUGGEST,
			      "版记的首条分隔线（版记第一个要素之上）和末条分隔线（印发机关和日期之"
			      "下）"
			      "应与版心等宽，未检测到%s",
			      top ? "末条分隔线" : "首条分隔线");
		if (cc >= 0 && cc < pr) {
			xmlNodePtr c = doc->paras[pr - 1].node;
			bool mid = border_sz(c, "bottom") > 0 || border_sz(l, "top") > 0;

			if (!mid && doc->paras[pr - 1].role == GW_ROLE_CC)
				gw_at(out, doc, (size_t)pr, 0, 0, "GW-NOTE-006", W, GW_FIX_SUGGEST,
				      "抄送机关与印发机关和印发日期之间应有一条细分隔线");
		}
	}
}

/* doc_xml_child(n, uri, local) inlined for the two lookups every
 * paragraph makes, without its calls (strcmp through the PLT): the name
 * compared in place, then the namespace as doc_xml_is does (the parser
 * keeps NS_W's URI as that constant: usually the pointers are equal). */
static inline xmlNodePtr w_child(const xmlNode *n, const char *uri, const char *local)
{
	if (n == NULL)
		return NULL;
	for (xmlNodePtr c = n->children; c != NULL; c = c->next) {
		const xmlChar *a = c->name;
		const xmlNs *ns = c->ns;
		size_t k = 0;

		if (c->type != XML_ELEMENT_NODE)
			continue;
		while (local[k] != '\0' && a[k] == (xmlChar)local[k])
			k++;
		if (local[k] != '\0' || a[k] != '\0')
			continue;
		if (ns != NULL && ns->href != NULL &&
		    ((const char *)ns->href == uri || strcmp((const char *)ns->href, uri) == 0))
			return c;
	}
	return NULL;
}

static xmlNodePtr kinsoku_off(xmlNodePtr p)
{
	xmlNodePtr ppr = w_child(p, NS_W, "pPr");
	xmlNodePtr k = ppr ? w_child(ppr, NS_W, "kinsoku") : NULL;

	if (k != NULL &&
	    (doc_xml_attr_eq(k, NS_W, "val", "0") || doc_xml_attr_eq(k, NS_W, "val", "false") ||
	     doc_xml_attr_eq(k, NS_W, "val", "off")))
		return k;
	return NULL;
}

/* GW-FONT-006 / GW-FONT-010 / GW-PAGE-009 / GW-PUNC-015 per paragraph. */
static void rule_para_props(struct gw_doc *doc, size_t i, struct gw_findings *out)
{
	const struct gw_profile *pf = doc->profile;
	const struct gw_para *p = &doc->paras[i];
	struct doc_pprops ppbuf;
	const struct doc_pprops *pp;
	struct gw_run_info buf[GW_MAX_RUNS];
	const struct gw_run_info *runs;
	size_t nr;

	if (kinsoku_off(p->node) != NULL)
		gw_at(out, doc, i, 0, 0, "GW-PUNC-015", W, GW_FIX_AUTO,
		      "段落关闭了“按中文习惯控制首尾字符”（避头尾），标点可能出现在行首");
	if (!is_prose(p->role))
		return;
	/* read in place (check cache), neither copied */
	pp = gw_para_props_at(doc, i, &ppbuf);
	if (p->level > 0 && pp->num_id <= 0 &&
	    (pp->first < pf->first_line_min || pp->first > pf->first_line_max ||
	     labs_(pp->left) > 40))
		gw_at(out, doc, i, 0, 0, "GW-FONT-006", W, GW_FIX_AUTO,
		      "各级标题与正文一样首行缩进2字、回行顶格（实为首行%ld、左缩进%ld twips）",
		      pp->first, pp->left);
	runs = gw_docx_runs_ref(doc, i, buf, GW_MAX_RUNS, &nr);
	for (size_t k = 0; k < nr; k++) {
		const struct doc_rprops *rp = &runs[k].props;

		if (rp->italic || rp->underline || rp->strike) {
			gw_at(out, doc, i, runs[k].start, runs[k].end, "GW-PAGE-009", I,
			      GW_FIX_SUGGEST, "正文不宜使用%s等修饰格式",
			      rp->underline ? "下划线"
			      : rp->italic  ? "斜体"
					    : "删除线");
			break;
		}
	}
	if (p->role == GW_ROLE_BODY) {
		for (size_t k = 1; k < nr; k++) {
			xmlNodePtr rpr = doc_xml_child(runs[k].run, NS_W, "rPr");

			if (rpr != NULL && doc_xml_child(rpr, NS_W, "vertAlign") != NULL)
				continue;
			if (runs[k].props.sz != runs[0].props.sz && runs[k].props.sz > 0 &&
			    runs[0].props.sz > 0) {
				gw_at(out, doc, i, runs[k].start, runs[k].end, "GW-FONT-010", W,
				      GW_FIX_AUTO, "同一正文段落中字号不一致（%.1f磅与%.1f磅）",
				      runs[0].props.sz / 2.0, runs[k].props.sz / 2.0);
				break;
			}
		}
	}
}

static bool fix_font_sizes(struct gw_doc *doc, size_t i)
{
	struct gw_run_info runs[GW_MAX_RUNS];
	size_t nr = gw_docx_runs(doc, i, runs, GW_MAX_RUNS);
	int sizes[8] = {0};
	size_t chars[8] = {0};
	size_t ns = 0;
	int best = 0;
	size_t best_n = 0;

	for (size_t k = 0; k < nr; k++) {
		size_t j;

		for (j = 0; j < ns && sizes[j] != runs[k].props.sz; j++)
			;
		if (j == ns && ns < ARRAY_LEN(sizes))
			sizes[ns++] = runs[k].props.sz;
		if (j < ns)
			chars[j] += runs[k].end - runs[k].start;
	}
	for (size_t j = 0; j < ns; j++) {
		if (sizes[j] > 0 && chars[j] > best_n) {
			best_n = chars[j];
			best = sizes[j];
		}
	}
	if (best <= 0)
		return false;
	for (size_t k = 0; k < nr; k++) {
		xmlNodePtr rpr = doc_xml_child(runs[k].run, NS_W, "rPr");

		if (rpr != NULL && doc_xml_child(rpr, NS_W, "vertAlign") != NULL)
			continue;
		if (runs[k].props.sz != best)
			doc_docx_set_run_size(runs[k].run, best);
	}
	return true;
}

/* Paragraphs of the body-level tables (any depth below a w:tbl). */
static void rule_tables(struct gw_doc *doc, struct gw_findings *out)
{
	xmlNodePtr sects[64];
	size_t ns = gw_doc_sections(doc, sects, ARRAY_LEN(sects));
	size_t exact = 0;

	for (size_t k = 0; k < ns; k++) {
		struct gw_page pg;

		gw_docx_page(sects[k], &pg);
		if (pg.has_sz && pg.w > pg.h) {
			gw_add(out, "GW-TBL-001", I, -1, GW_FIX_MANUAL, "",
			       "横排表格页：页码位置应与其他页相同，单页表头朝向订口、双页朝向切口"
			       "，请核对");
			break;
		}
	}
	for (xmlNodePtr c = doc->docx->body->children; c != NULL; c = c->next) {
		xmlNodePtr ps[512];
		size_t np;

		if (!doc_xml_is(c, NS_W, "tbl"))
			continue;
		np = gw_xml_paras(c, ps, ARRAY_LEN(ps));
		for (size_t k = 0; k < np; k++) {
			struct doc_pprops pp;

			gw_para_props(doc, ps[k], &pp);
			if (pp.has_line && strcmp(pp.line_rule, "exact") == 0)
				exact++;
		}
	}
	if (exact > 0)
		gw_add(out, "GW-TBL-003", I, -1, GW_FIX_AUTO, "",
		       "表格内%zu个段落使用固定行距，易撑高或截断行；表格内宜用单倍行距", exact);
}

static bool fix_tables(struct gw_doc *doc)
{
	for (xmlNodePtr c = doc->docx->body->children; c != NULL; c = c->next) {
		xmlNodePtr ps[512];
		size_t np;

		if (!doc_xml_is(c, NS_W, "tbl"))
			continue;
		np = gw_xml_paras(c, ps, ARRAY_LEN(ps));
		for (size_t k = 0; k < np; k++) {
			struct doc_pprops pp;
			xmlNodePtr ppr;
			xmlNodePtr sp;

			gw_para_props(doc, ps[k], &pp);
			if (!pp.has_line || strcmp(pp.line_rule, "exact") != 0)
				continue;
			ppr = doc_docx_ppr(ps[k]);
			sp = doc_xml_wchild_ensure(ppr, "spacing", doc_docx_ppr_order);
			doc_xml_set_wattr(sp, "line", "240");
			doc_xml_set_wattr(sp, "lineRule", "auto");
		}
	}
	return true;
}

static void rule_docx(struct gw_doc *doc, struct gw_findings *out)
{
	rule_title_shape(doc, out);
	rule_sign_geometry(doc, out);
	rule_note_lines(doc, out);
	rule_tables(doc, out);
	for (size_t i = 0; i < doc->n; i++) {
		if (doc->paras[i].role == GW_ROLE_BLANK)
			continue;
		rule_num_break(doc, i, out);
		rule_para_props(doc, i, out);
		if (doc->paras[i].role == GW_ROLE_ATT)
			rule_att_hanging(doc, i, out);
	}
}

void gw_rules_extra(struct gw_doc *doc, struct gw_findings *out)
{
	rule_title_text(doc, out);
	rule_to_separators(doc, out);
	{
		struct att_list al; /* the 附件说明, read once for both rules */

		att_collect(doc, &al);
		rule_attachment_pages(doc, &al, out);
		rule_att_refs(doc, &al, out);
		att_free(&al);
	}
	rule_sig_text(doc, out);
	rule_note_order(doc, out);
	for (size_t i = 0; i < doc->n; i++) {
		int r = doc->paras[i].role;

		if (r == GW_ROLE_ATTEND && doc->doc_type == GW_DOCTYPE_MINUTES)
			rule_attend(doc, i, out);
		if (!is_prose(r))
			continue;
		rule_heading_end(doc, i, out);
		rule_enumerators(doc, i, out);
		rule_punc_text(doc, i, out);
		/* their patterns need a 年, an ASCII digit */
		if (doc->paras[i].chars & GW_C_NIAN)
			rule_cn_dates(doc, i, out);
		if (doc->paras[i].chars & GW_C_DIGIT) {
			rule_fixed_expr(doc, i, out);
			rule_num_text(doc, i, out);
		}
	}
	if (doc->is_docx)
		rule_docx(doc, out);
}

static bool fix_att_hanging(struct gw_doc *doc, size_t i)
{
	struct doc_pprops pp;
	long start;
	long want = att_expected_left(doc, i, &start);

	if (want < 0)
		return false;
	gw_para_props(doc, doc->paras[i].node, &pp);
	doc_docx_set_ind(doc->paras[i].node, want, start - want, pp.right);
	return true;
}

bool gw_extra_fix(struct gw_doc *doc, const struct gw_finding *f)
{
	const char *r = f->rule;

	if (!doc->is_docx)
		return false;
	if (strcmp(r, "GW-TBL-003") == 0)
		return fix_tables(doc);
	if (f->para < 0 || (size_t)f->para >= doc->n)
		return false;
	if (strcmp(r, "GW-NUM-012") == 0)
		return fix_num_break(doc, (size_t)f->para);
	if (strcmp(r, "GW-FONT-010") == 0)
		return fix_font_sizes(doc, (size_t)f->para);
	if (strcmp(r, "GW-FONT-006") == 0) {
		struct doc_pprops pp;

		gw_para_props(doc, doc->paras[f->para].node, &pp);
		doc_docx_set_ind(doc->paras[f->para].node, 0, doc->profile->first_line, pp.right);
		return true;
	}
	if (strcmp(r, "GW-PUNC-015") == 0) {
		xmlNodePtr k = kinsoku_off(doc->paras[f->para].node);

		if (k != NULL) {
			xmlUnlinkNode(k);
			xmlFreeNode(k);
		}
		return true;
	}
	if (strcmp(r, "GW-ATT-004") == 0)
		return fix_att_hanging(doc, (size_t)f->para);
	if (strcmp(r, "GW-ATT-005") == 0) {
		xmlNodePtr ppr = doc_docx_ppr(doc->paras[f->para].node);

		doc_xml_wchild_ensure(ppr, "pageBreakBefore", doc_docx_ppr_order);
		return true;
	}
	if (strcmp(r, "GW-SIGN-003") == 0 || strcmp(r, "GW-SIGN-004") == 0)
		return fix_sign_geometry(doc);
	return false;
}
