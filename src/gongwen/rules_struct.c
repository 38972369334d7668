/*
 * gongwen/rules_struct: rules on the structure of a 公文 that need only the
 * text and the roles: 版头 (GW-HEAD), 标题/主送/层次 (GW-BODY), 附件说明
 * (GW-ATT), 署名/日期/附注 (GW-SIGN), 版记 (GW-NOTE), 文种 (GW-TYPE basics).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gongwen/rules_common.h"

#define E GW_SEV_ERROR
#define W GW_SEV_WARNING
#define I GW_SEV_INFO

/* --- 版头 ------------------------------------------------------------- */

/* GW-HEAD-007: 机关代字 + 〔年份〕 + 序号 + 号 (GB/T 9704 §7.2.4). */
static void rule_docno(struct gw_doc *doc, size_t i, struct gw_findings *out)
{
	struct gw_para *p = &doc->paras[i];
	size_t a = 0;
	size_t b = p->text.len;
	long k = text_ucs_find(p->text.p, p->text.len, 0, "签发人");
	long g[10];
	size_t s;
	size_t e;
	struct gw_finding *fd;

	if (k >= 0)
		b = (size_t)k;
	for (size_t j = 0; j < b; j++) {
		if (p->text.p[j] == '\t' || p->text.p[j] == 0x3000) {
			b = j;
			break;
		}
	}
	if (text_re_search(text_re_get("\\s{2,}"), p->text.p, b, 0, &s, &e, NULL, 0))
		b = s;
	while (a < b && text_is_ws(p->text.p[a]))
		a++;
	while (b > a && text_is_ws(p->text.p[b - 1]))
		b--;
	if (text_re_search(
		text_re_get("^[\\x{3400}-\\x{4DBF}\\x{4E00}-\\x{9FFF}\\x{F900}-\\x{FAFF}]"
			    "[\\x{3400}-\\x{4DBF}\\x{4E00}-\\x{9FFF}\\x{F900}-\\x{FAFF}"
			    "A-Za-z0-9]*〔(19|20)[0-9]{2}〕[1-9][0-9]*号$"),
		p->text.p + a, b - a, 0, &s, &e, NULL, 0))
		return;
	/* GB/T 9704 §10.3 (命令): the 令号 is legitimately "第N号". */
	if (doc->doc_type == 2 && text_re_search(text_re_get("^第[1-9][0-9]*号$"), p->text.p + a,
						 b - a, 0, &s, &e, NULL, 0))
		return;
	fd = gw_at(
	    out, doc, i, a, b, "GW-HEAD-007", E, GW_FIX_MANUAL,
	    "发文字号应为“机关代字〔年份〕序号号”：六角括号〔〕、年份写全、不加“第”、不编虚位");
	if (text_re_search(
		text_re_get("^(.+?)\\s*[\\[［【(（〈﹝〔<《]\\s*([0-9０-９]{2,4})\\s*"
			    "[\\]］】)）〉﹞〕>》]\\s*第?\\s*[0０]*([1-9１-９][0-9０-９]*)\\s*号$"),
		p->text.p + a, b - a, 0, &s, &e, g, 3)) {
		struct ustr fixed;
		size_t ylen = (size_t)(g[3] - g[2]);
		char *sug;

		ustr_init(&fixed);
		ustr_add(&fixed, p->text.p + a + g[0], (size_t)(g[1] - g[0]));
		ustr_add_cstr(&fixed, "〔");
		for (long j = g[2]; j < g[3]; j++)
			ustr_push(&fixed, text_halfwidth(p->text.p[a + j]));
		ustr_add_cstr(&fixed, "〕");
		for (long j = g[4]; j < g[5]; j++)
			ustr_push(&fixed, text_halfwidth(p->text.p[a + j]));
		ustr_add_cstr(&fixed, "号");
		sug = ustr_to_utf8(&fixed, 0, fixed.len);
		if (ylen == 4) {
			fd->fix = GW_FIX_AUTO;
			gw_finding_edit_ucs(fd, a, b, fixed.p, fixed.len);
			gw_finding_suggest(fd, "%s", sug);
		} else {
			fd->fix = GW_FIX_SUGGEST;
			gw_finding_suggest(fd, "年份应写全（4位），例如：%s", sug);
		}
		free(sug);
		ustr_free(&fixed);
	}
}

/* GW-HEAD-010: "签发人" + full-width colon + names. */
static void rule_signer(struct gw_doc *doc, size_t i, struct gw_findings *out)
{
	struct gw_para *p = &doc->paras[i];
	size_t s;
	size_t e;
	long k = text_ucs_find(p->text.p, p->text.len, 0, "签发人");
	struct gw_finding *fd;

	if (k < 0 || gw_re("签发人：[^\\s：:]", p, 0, &s, &e, NULL, 0))
		return;
	fd = gw_at(out, doc, i, (size_t)k, (size_t)k + 3, "GW-HEAD-010", E, GW_FIX_MANUAL,
		   "“签发人”后应为全角冒号“：”，其后紧接签发人姓名");
	if (gw_re("签发人[ \\t\\x{3000}]*[:：]*[ \\t\\x{3000}]*(?=[^\\s：:])", p, (size_t)k, &s, &e,
		  NULL, 0) &&
	    s == (size_t)k) {
		fd->fix = GW_FIX_AUTO;
		gw_finding_edit(fd, s, e, "签发人：");
		gw_finding_suggest(fd, "签发人：");
	}
}

/* GW-HEAD-001/002/003 on the lines above the 发文字号. */
static void rule_head_marks(struct gw_doc *doc, size_t i, struct gw_findings *out)
{
	struct gw_para *p = &doc->paras[i];
	size_t a;
	size_t b;
	size_t s;
	size_t e;

	gw_strip(p, &a, &b);
	if (p->role == GW_ROLE_COPYNO && b - a < 6) {
		struct gw_finding *fd = gw_at(out, doc, i, a, b, "GW-HEAD-001", W, GW_FIX_AUTO,
					      "份号一般用6位阿拉伯数字，不足6位前面补0");
		char pad[8] = "000000";

		pad[6 - (b - a)] = '\0';
		gw_finding_edit(fd, a, a, pad);
	}
	if (p->role == GW_ROLE_SECRET) {
		gw_at(out, doc, i, a, b, "GW-HEAD-004", E, GW_FIX_MANUAL,
		      "涉密公文：不得在联网或非涉密信息系统中处理，请确认处理环境");
		if (gw_re("★.*[一二三四五六七八九十]", p, a, &s, &e, NULL, 0))
			gw_at(out, doc, i, s, e, "GW-HEAD-002", W, GW_FIX_SUGGEST,
			      "保密期限中的数字应使用阿拉伯数字");
	}
	if (p->role == GW_ROLE_URGENCY && gw_re("急\\s*件", p, a, &s, &e, NULL, 0))
		gw_at(out, doc, i, s, e, "GW-HEAD-003", W, GW_FIX_SUGGEST,
		      "“急件”是1999版用语，紧急程度应标注“特急”或“加急”");
}

void gw_rules_head(struct gw_doc *doc, struct gw_findings *out)
{
	bool has_signer = false;

	for (size_t i = 0; i < doc->n; i++) {
		int r = doc->paras[i].role;

		if (r == GW_ROLE_DOCNO) {
			rule_docno(doc, i, out);
			rule_signer(doc, i, out);
		}
		if (r == GW_ROLE_COPYNO || r == GW_ROLE_SECRET || r == GW_ROLE_URGENCY)
			rule_head_marks(doc, i, out);
		if (r <= GW_ROLE_DOCNO &&
		    text_ucs_find(doc->paras[i].text.p, doc->paras[i].text.len, 0, "签发人") >= 0)
			has_signer = true;
	}
	/* GW-HEAD-009: 上行文 must show 签发人 (条例 第九条(六)). */
	if (gw_doc_type_upward(doc->doc_type) && doc->docno >= 0 && !has_signer) {
		struct gw_finding *fd =
		    gw_at(out, doc, (size_t)doc->docno, 0, doc->paras[doc->docno].text.len,
			  "GW-HEAD-009", E, GW_FIX_SUGGEST, "上行文（请示、报告）应标注签发人");
		gw_finding_suggest(fd, "在发文字号同一行右侧加“签发人：（姓名）”");
	}
}

/* --- 标题, 主送, 正文层次 ---------------------------------------------- */

static void rule_title(struct gw_doc *doc, size_t i, struct gw_findings *out)
{
	struct gw_para *p = &doc->paras[i];
	size_t a;
	size_t b;
	size_t c;
	struct gw_finding *fd;

	gw_strip(p, &a, &b);
	c = b;
	while (c > a && text_re_has("^[。．.：:；;，,、！!？?]$", p->text.p + c - 1, 1))
		c--;
	if (c < b) {
		fd =
		    gw_at(out, doc, i, c, b, "GW-BODY-003", W, GW_FIX_AUTO, "标题末尾不加标点符号");
		gw_finding_edit(fd, c, b, "");
	}
	if (doc->doc_type < 0) {
		fd = gw_at(out, doc, i, a, b, "GW-BODY-001", E, GW_FIX_MANUAL,
			   "标题应由发文机关名称、事由和文种组成，未识别出法定文种");
		gw_finding_suggest(fd, "以“通知、请示、报告、函、批复、意见……”等法定文种结尾");
	}
	{
		size_t s;
		size_t e;

		if (gw_re("(请示报告|报告请示|方案|办法|规定|计划|总结|汇报|申请)$", p, a, &s, &e,
			  NULL, 0) &&
		    e == c) {
			fd = gw_at(out, doc, i, s, e, "GW-BODY-002", E, GW_FIX_SUGGEST,
				   "“%s”不是法定文种", "标题结尾");
			gw_finding_suggest(fd, "改为“关于印发《……》的通知”或选用法定文种");
		}
		if (gw_re("(紧急|特急|加急|绝密|机密|秘密)", p, a, &s, &e, NULL, 0))
			gw_at(out, doc, i, s, e, "GW-TYPE-014", W, GW_FIX_SUGGEST,
			      "紧急程度、密级属于版头要素，不应写入标题");
	}
}

static void rule_to(struct gw_doc *doc, size_t i, struct gw_findings *out)
{
	struct gw_para *p = &doc->paras[i];
	size_t a;
	size_t b;
	struct gw_finding *fd;

	gw_strip(p, &a, &b);
	if (b > a && p->text.p[b - 1] == ':') {
		fd = gw_at(out, doc, i, b - 1, b, "GW-BODY-006", E, GW_FIX_AUTO,
			   "主送机关后应使用全角冒号“：”");
		gw_finding_edit(fd, b - 1, b, "：");
		if (a > 0)
			gw_finding_edit(fd, 0, a, "");
	} else if (a > 0) {
		fd = gw_at(out, doc, i, 0, a, "GW-BODY-006", E, GW_FIX_AUTO,
			   "主送机关应顶格，不得用空格缩进");
		gw_finding_edit(fd, 0, a, "");
	}
}

static void canonical_label(int level, int number, char *out, size_t n)
{
	char cn[32];

	text_cn_format(number, cn, sizeof(cn));
	switch (level) {
	case 1:
		snprintf(out, n, "%s、", cn);
		break;
	case 2:
		snprintf(out, n, "（%s）", cn);
		break;
	case 3:
		snprintf(out, n, "%d.", number);
		break;
	default:
		snprintf(out, n, "（%d）", number);
		break;
	}
}

/* Span of the label itself (without trailing spaces the label regexes eat). */
static size_t label_span(const struct gw_para *p, size_t *start)
{
	size_t ll;
	size_t a = 0;

	while (a < p->text.len && text_is_ws(p->text.p[a]))
		a++;
	/* the label of a heading (level > 0) was parsed from this very text
	 * when the roles were detected (gw_check always follows detection) */
	ll = p->label_len;
	*start = a;
	while (ll > a && text_is_ws(p->text.p[ll - 1]))
		ll--;
	return ll;
}

static void rule_headings(struct gw_doc *doc, struct gw_findings *out)
{
	int last[5] = {0, 0, 0, 0, 0};
	int fixed[5] = {0, 0, 0, 0, 0}; /* numbers after renumbering (fix mode) */
	int prev_level = 0;

	for (size_t i = 0; i < doc->n; i++) {
		struct gw_para *p = &doc->paras[i];
		size_t a;
		size_t e;
		char lab[48];
		struct gw_finding *fd;
		int want;

		if (p->level == 0)
			continue;
		e = label_span(p, &a);
		if (!p->label_ok) {
			int num = p->number > 0 ? p->number : 1;

			fd = gw_at(out, doc, i, a, e, "GW-BODY-011", E, GW_FIX_MANUAL,
				   "层次序号应依次为“一、”“（一）”“1.”“（1）”");
			if (p->number > 0) {
				canonical_label(p->level, num, lab, sizeof(lab));
				fd->fix = GW_FIX_AUTO;
				gw_finding_edit(fd, a, e, lab);
				gw_finding_suggest(fd, "%s", lab);
			}
		}
		if (p->number >= 0 && doc->fixing) {
			/* Renumber the whole run in one pass: a deleted section
			 * shifts every following sibling, which check reports only
			 * at the first one (the others follow their predecessor). */
			want = fixed[p->level] + 1;
			if (p->number != want) {
				fd = gw_at(out, doc, i, a, e, "GW-BODY-013", W, GW_FIX_AUTO,
					   "同级序号应连续：此处应为第%d项", want);
				canonical_label(p->level, want, lab, sizeof(lab));
				gw_finding_edit(fd, a, e, lab);
			}
			fixed[p->level] = want;
			for (int k = p->level + 1; k <= 4; k++)
				fixed[k] = 0;
		} else if (p->number >= 0) {
			want = last[p->level] + 1;
			if (p->number != want) {
				fd = gw_at(out, doc, i, a, e, "GW-BODY-013", W, GW_FIX_AUTO,
					   "同级序号应连续：此处应为第%d项，实为第%d项", want,
					   p->number);
				canonical_label(p->level, want, lab, sizeof(lab));
				gw_finding_edit(fd, a, e, lab);
				gw_finding_suggest(fd, "%s", lab);
			}
			last[p->level] = p->number;
			for (int k = p->level + 1; k <= 4; k++)
				last[k] = 0;
		}
		/* GW-BODY-012: levels used in order (一、 -> 1. is common practice). */
		if (p->level > prev_level + 1 && !(prev_level == 1 && p->level == 3))
			gw_at(out, doc, i, a, e, "GW-BODY-012", W, GW_FIX_MANUAL,
			      "层次跳级：第%d层之后直接出现第%d层", prev_level, p->level);
		prev_level = p->level;
	}
}

static void rule_body_para(struct gw_doc *doc, size_t i, struct gw_findings *out)
{
	struct gw_para *p = &doc->paras[i];
	size_t a = 0;
	struct gw_finding *fd;

	while (a < p->text.len && text_is_ws(p->text.p[a]))
		a++;
	if (a > 0) {
		fd = gw_at(out, doc, i, 0, a, "GW-BODY-010", W, GW_FIX_AUTO,
			   "段首用空格代替首行缩进，应设置首行缩进2字");
		gw_finding_edit(fd, 0, a, "");
	}
}

/* --- 附件说明 ---------------------------------------------------------- */

static void rule_attachments(struct gw_doc *doc, struct gw_findings *out)
{
	bool first = true;
	int expect = 1;

	for (size_t i = 0; i < doc->n; i++) {
		struct gw_para *p = &doc->paras[i];
		size_t a;
		size_t b;
		size_t s;
		size_t e;
		size_t name_a;
		struct gw_finding *fd;

		if (p->role != GW_ROLE_ATT)
			continue;
		gw_strip(p, &a, &b);
		name_a = a;
		if (first) {
			first = false;
			if (!text_ucs_has_prefix(p->text.p + a, b - a, "附件：")) {
				fd = gw_at(out, doc, i, a, a + 3, "GW-ATT-001", E, GW_FIX_MANUAL,
					   "附件说明应写作“附件：”（全角冒号）");
				if (gw_re("^\\s*附\\s*件\\s*[:：]", p, 0, &s, &e, NULL, 0)) {
					fd->fix = GW_FIX_AUTO;
					gw_finding_edit(fd, 0, e, "附件：");
				}
			} else if (a > 0) {
				fd = gw_at(out, doc, i, 0, a, "GW-ATT-001", E, GW_FIX_AUTO,
					   "附件说明应左空二字（用首行缩进，不用空格）");
				gw_finding_edit(fd, 0, a, "");
			}
			if (gw_re("^\\s*附\\s*件\\s*[:：]\\s*", p, 0, &s, &e, NULL, 0))
				name_a = e;
		}
		long gg[4];

		if (text_re_search(text_re_get("^([0-9]{1,2})\\s*([.．、])\\s*"),
				   p->text.p + name_a, b > name_a ? b - name_a : 0, 0, &s, &e, gg,
				   2)) {
			int num = 0;

			for (long j = gg[0]; j < gg[1]; j++)
				num = num * 10 + (int)(p->text.p[name_a + j] - '0');
			if (p->text.p[name_a + gg[2]] != '.') {
				fd = gw_at(out, doc, i, name_a, name_a + e, "GW-ATT-002", E,
					   GW_FIX_AUTO, "附件序号应使用阿拉伯数字加下脚点“1.”");
				gw_finding_edit(fd, name_a + gg[2], name_a + gg[3], ".");
			}
			if (num != expect)
				gw_at(out, doc, i, name_a, name_a + e, "GW-ATT-002", E,
				      GW_FIX_MANUAL, "附件序号应连续：此处应为%d", expect);
			expect = num + 1;
			name_a += e;
		}
		if (b > name_a) {
			uint32_t last = p->text.p[b - 1];

			if (text_re_has("^[。；，、.;,：:]$", &last, 1)) {
				size_t c = b;

				while (c > name_a &&
				       text_re_has("^[。；，、.;,：:]$", p->text.p + c - 1, 1))
					c--;
				fd = gw_at(out, doc, i, c, b, "GW-ATT-003", E, GW_FIX_AUTO,
					   "附件名称后不加标点符号");
				gw_finding_edit(fd, c, b, "");
			} else if (p->text.p[name_a] == 0x300A && last == 0x300B) {
				fd = gw_at(out, doc, i, name_a, b, "GW-ATT-003", E, GW_FIX_AUTO,
					   "附件名称不加书名号");
				gw_finding_edit(fd, b - 1, b, "");
				gw_finding_edit(fd, name_a, name_a + 1, "");
			}
		}
	}
}

/* --- 成文日期, 附注, 版记 ---------------------------------------------- */

static int digit_value(uint32_t c)
{
	if (c >= '0' && c <= '9')
		return (int)(c - '0');
	if (c >= 0xFF10 && c <= 0xFF19)
		return (int)(c - 0xFF10);
	if (c == 0x25CB || c == 0xFF2F || c == 'O') /* ○ Ｏ O used for 〇 */
		return 0;
	return text_cn_digit(c) >= 0 && text_cn_digit(c) <= 9 ? text_cn_digit(c) : -1;
}

/* Value of a date field (Arabic, full-width or Chinese digits), -1 if not. */
static int field_value(const uint32_t *p, size_t n, bool positional)
{
	int v = 0;

	if (n == 0)
		return -1;
	if (!positional) {
		int c = text_cn_number(p, n);

		if (c > 0)
			return c;
	}
	for (size_t i = 0; i < n; i++) {
		int d = digit_value(p[i]);

		if (d < 0)
			return -1;
		v = v * 10 + d;
	}
	return v;
}

static bool valid_date(int y, int m, int d)
{
	static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (y < 1900 || y > 2099 || m < 1 || m > 12 || d < 1 || d > days[m - 1])
		return false;
	if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return false;
	return true;
}

static void rule_date(struct gw_doc *doc, size_t i, struct gw_findings *out)
{
	struct gw_para *p = &doc->paras[i];
	size_t a;
	size_t b;
	size_t s;
	size_t e;
	long g[10];
	struct gw_finding *fd;

	gw_strip(p, &a, &b);
	if (text_re_search(
		text_re_get("^((19|20)[0-9]{2})年([1-9]|1[0-2])月([1-9]|[12][0-9]|3[01])日$"),
		p->text.p + a, b - a, 0, &s, &e, g, 4)) {
		int y = field_value(p->text.p + a + g[0], (size_t)(g[1] - g[0]), true);
		int m = field_value(p->text.p + a + g[4], (size_t)(g[5] - g[4]), true);
		int d = field_value(p->text.p + a + g[6], (size_t)(g[7] - g[6]), true);

		if (valid_date(y, m, d))
			return;
		gw_at(out, doc, i, a, b, "GW-SIGN-001", E, GW_FIX_MANUAL,
		      "成文日期不是有效日期（%d年%d月%d日）", y, m, d);
		return;
	}
	fd = gw_at(
	    out, doc, i, a, b, "GW-SIGN-001", E, GW_FIX_MANUAL,
	    "成文日期应用阿拉伯数字将年、月、日标全，年份写全，月、日不编虚位（如2025年3月5日）");
	if (text_re_search(
		text_re_get(
		    "^([0-9０-９]{2,4}|[〇零○Ｏ一二三四五六七八九]{2,4})\\s*(?:年|[-./／])"
		    "\\s*([0-9０-９]{1,2}|[一二三四五六七八九十]{1,3})\\s*(?:月|[-./／])\\s*"
		    "([0-9０-９]{1,2}|[一二三四五六七八九十]{1,3})\\s*日?$"),
		p->text.p + a, b - a, 0, &s, &e, g, 3)) {
		size_t yl = (size_t)(g[1] - g[0]);
		int y = field_value(p->text.p + a + g[0], yl, true);
		int m = field_value(p->text.p + a + g[2], (size_t)(g[3] - g[2]), false);
		int d = field_value(p->text.p + a + g[4], (size_t)(g[5] - g[4]), false);
		char fixed[64];

		if (yl == 4 && valid_date(y, m, d)) {
			snprintf(fixed, sizeof(fixed), "%d年%d月%d日", y, m, d);
			fd->fix = GW_FIX_AUTO;
			gw_finding_edit(fd, a, b, fixed);
			gw_finding_suggest(fd, "%s", fixed);
		} else if (yl == 2) {
			fd->fix = GW_FIX_SUGGEST;
			gw_finding_suggest(fd, "年份应写全4位，请确认年代后改为“20%02d年%d月%d日”",
					   y, m, d);
		}
	}
}

static void rule_note(struct gw_doc *doc, size_t i, struct gw_findings *out)
{
	struct gw_para *p = &doc->paras[i];
	struct gw_finding *fd = NULL;

	for (size_t k = 0; k < p->text.len; k++) {
		if (p->text.p[k] != '(' && p->text.p[k] != ')')
			continue;
		if (fd == NULL)
			fd = gw_at(out, doc, i, 0, p->text.len, "GW-SIGN-008", E, GW_FIX_AUTO,
				   "附注应加全角圆括号“（）”");
		gw_finding_edit(fd, k, k + 1, p->text.p[k] == '(' ? "（" : "）");
	}
}

static void rule_cc(struct gw_doc *doc, size_t i, struct gw_findings *out)
{
	struct gw_para *p = &doc->paras[i];
	size_t a;
	size_t b;
	size_t s;
	size_t e;
	struct gw_finding *fd;

	gw_strip(p, &a, &b);
	if (!text_ucs_has_prefix(p->text.p + a, b - a, "抄送：")) {
		fd = gw_at(out, doc, i, a, a + 3, "GW-NOTE-003", E, GW_FIX_MANUAL,
			   "抄送机关应写作“抄送：”（全角冒号）");
		if (gw_re("^\\s*抄\\s*送\\s*[:：]?\\s*", p, 0, &s, &e, NULL, 0)) {
			fd->fix = GW_FIX_AUTO;
			gw_finding_edit(fd, s, e, "抄送：");
		}
	} else if (b > a && p->text.p[b - 1] != 0x3002) {
		fd = gw_at(out, doc, i, b > a + 3 ? b - 3 : a, b, "GW-NOTE-003", E, GW_FIX_AUTO,
			   "抄送机关名称最后应加句号");
		if (text_re_has("^[，,；;、.:：]$", p->text.p + b - 1, 1))
			gw_finding_edit(fd, b - 1, b, "。");
		else
			gw_finding_edit(fd, b, b, "。");
	}
}

void gw_rules_body(struct gw_doc *doc, struct gw_findings *out)
{
	for (size_t i = 0; i < doc->n; i++) {
		switch (doc->paras[i].role) {
		case GW_ROLE_TITLE:
			rule_title(doc, i, out);
			break;
		case GW_ROLE_TO:
			rule_to(doc, i, out);
			break;
		case GW_ROLE_BODY:
			rule_body_para(doc, i, out);
			break;
		default:
			break;
		}
	}
	rule_headings(doc, out);
	rule_attachments(doc, out);
}

void gw_rules_tail(struct gw_doc *doc, struct gw_findings *out)
{
	for (size_t i = 0; i < doc->n; i++) {
		switch (doc->paras[i].role) {
		case GW_ROLE_DATE:
			rule_date(doc, i, out);
			break;
		case GW_ROLE_NOTE:
			rule_note(doc, i, out);
			break;
		case GW_ROLE_CC:
			rule_cc(doc, i, out);
			break;
		default:
			break;
		}
	}
}
