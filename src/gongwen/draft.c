/* gongwen/draft: GB/T 9704-2012 layout of a drafted 公文 (see draft.h). */
#include "gongwen/draft.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc/docx_write.h"
#include "gongwen/gongwen.h"
#include "text/regex.h"
#include "text/text.h"

#define F_BODY	"仿宋_GB2312"
#define F_TITLE "方正小标宋简体"
#define F_HEI	"黑体"
#define F_KAI	"楷体_GB2312"
#define LINE	579 /* exact line pitch: 22 lines in the 225 mm 版心 */
#define CHAR	320 /* one 3号 character in twips */

enum role {
	R_MARK,
	R_EMPTY,
	R_DOCNO,
	R_TITLE,
	R_RECIP,
	R_BODY,
	R_ATT_FIRST,
	R_ATT_NEXT,
	R_SIGN,
	R_DATE,
	R_NOTE,
	R_MINUTES,
	R_CC,
	R_PRINT
};

struct para {
	int role;
	char *text;
	long right; /* R_SIGN: right indent in twips */
};

struct plist {
	struct para *v;
	size_t n, cap;
};

static void add(struct plist *l, int role, const char *text)
{
	l->v = xgrow(l->v, &l->cap, l->n + 1, sizeof(*l->v));
	l->v[l->n].role = role;
	l->v[l->n].text = xstrdup(text != NULL ? text : "");
	l->v[l->n].right = 0;
	l->n++;
}

static void plist_free(struct plist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].text);
	free(l->v);
}

static bool has(const char *s)
{
	return s != NULL && *s != '\0';
}

static bool upward(const char *wz)
{
	return has(wz) && (strcmp(wz, "请示") == 0 || strcmp(wz, "报告") == 0);
}

static bool is_minutes(const struct gw_draft *d)
{
	return has(d->wenzhong) && strcmp(d->wenzhong, "纪要") == 0;
}

/* Display width of UTF-8 text in 3号 characters (ASCII counts half). */
static size_t width_chars(const char *s)
{
	size_t w2 = 0;
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		if (*c < 0x80)
			w2 += 1;
		else if ((*c & 0xC0) != 0x80)
			w2 += 2;
	}
	return (w2 + 1) / 2;
}

/* Width in half characters (ASCII 1, others 2). */
static size_t width_half(const char *s)
{
	size_t w2 = 0;
	if (s == NULL)
		return 0;
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		if (*c < 0x80)
			w2 += 1;
		else if ((*c & 0xC0) != 0x80)
			w2 += 2;
	}
	return w2;
}

/* --- text rules ------------------------------------------------------ */

static void issue(struct gw_draft_issues *out, int sev, const char *rule, const char *msg)
{
	if (out->n >= ARRAY_LEN(out->v))
		return;
	out->v[out->n].severity = sev;
	snprintf(out->v[out->n].rule, sizeof(out->v[out->n].rule), "%s", rule);
	snprintf(out->v[out->n].msg, sizeof(out->v[out->n].msg), "%s", msg);
	out->n++;
}

static size_t count_sub(const char *s, const char *sub)
{
	size_t n = 0, k = strlen(sub);
	for (const char *p = strstr(s, sub); p != NULL; p = strstr(p + k, sub))
		n++;
	return n;
}

/* Last non-empty line of the body. */
static const char *last_line(const char *body, size_t *len)
{
	const char *end = body + strlen(body);
	while (end > body && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' '))
		end--;
	const char *start = end;
	while (start > body && start[-1] != '\n')
		start--;
	*len = (size_t)(end - start);
	return start;
}

static bool line_has(const char *line, size_t len, const char *const *alts)
{
	char *tmp = xstrndup(line, len);
	bool found = false;
	for (size_t i = 0; alts[i] != NULL && !found; i++)
		found = strstr(tmp, alts[i]) != NULL;
	free(tmp);
	return found;
}

char *gw_draft_rules(const struct gw_draft *d, struct gw_draft_issues *out)
{
	/* 结束语 per 文种 (common practice of the 条例's 文种 definitions) */
	static const char *const qingshi[] = {"妥否",	  "请批示", "请审批",
					      "请予批准", "请批复", NULL};
	static const char *const han_go[] = {"请函复",	 "特此函告", "盼复", "请复函",
					     "请予支持", "函复",     NULL};
	static const char *const han_reply[] = {"特此函复", "此复", NULL};
	static const char *const baogao[] = {"特此报告", "专此报告", "请审阅", NULL};
	static const char *const pifu[] = {"此复", "特此批复", NULL};
	static const char *const tongzhi[] = {"特此通知", "认真贯彻执行", "遵照执行",
					      "抓好落实", "请遵照",	  NULL};
	const char *body = has(d->body) ? d->body : "";
	const char *wz = has(d->wenzhong) ? d->wenzhong : "";
	const char *const *alts = NULL;
	const char *closing = NULL;
	const char *line;
	size_t len;
	struct buf b;

	out->n = 0;
	if (strcmp(wz, "请示") == 0) {
		alts = qingshi;
		closing = "妥否，请批示。";
		if (count_sub(body, "妥否") + count_sub(body, "请批示") > 1)
			issue(out, 0, "GW-TYPE-请示一文一事",
			      "请示应当一文一事：正文出现多处请求批示的语句，请拆分为多件请示");
		if (has(d->recipients) &&
		    (strstr(d->recipients, "、") != NULL || strstr(d->recipients, "，") != NULL))
			issue(out, 0, "GW-TYPE-请示主送",
			      "请示应当只主送一个上级机关（条例第十五条），需要同时送其他机关的用抄"
			      "送");
		if (has(d->title) && strstr(d->title, "报告") != NULL)
			issue(out, 0, "GW-TYPE-请示报告",
			      "请示与报告不能混用：标题同时出现“请示”和“报告”");
	} else if (strcmp(wz, "函") == 0) {
		bool reply = has(d->title) && strstr(d->title, "复函") != NULL;
		alts = reply ? han_reply : han_go;
		closing = reply ? "特此函复。" : "请函复。";
	} else if (strcmp(wz, "报告") == 0) {
		alts = baogao;
		closing = "特此报告。";
		if (strstr(body, "请批示") != NULL || strstr(body, "妥否") != NULL)
			issue(out, 0, "GW-TYPE-报告夹带请示",
			      "报告中不得夹带请示事项（条例第十五条），请示事项另行行文");
	} else if (strcmp(wz, "批复") == 0) {
		alts = pifu;
		closing = "此复。";
	} else if (strcmp(wz, "通知") == 0) {
		alts = tongzhi;
		closing = "特此通知。";
	}
	if (upward(wz) && !has(d->signer))
		issue(out, 0, "GW-HEAD-签发人", "上行文（请示、报告）应当标注签发人姓名");
	if (has(d->title) && has(wz) && strcmp(wz, "纪要") != 0 && strlen(d->title) >= strlen(wz) &&
	    strcmp(d->title + strlen(d->title) - strlen(wz), wz) != 0)
		issue(out, 1, "GW-TYPE-标题文种", "标题应当以文种结尾");
	buf_init(&b, 16u << 20);
	buf_adds(&b, body);
	line = last_line(body, &len);
	if (alts != NULL && !line_has(line, len, alts)) {
		while (b.len > 0 && (b.p[b.len - 1] == '\n' || b.p[b.len - 1] == '\r'))
			b.p[--b.len] = '\0';
		if (b.len > 0)
			buf_addc(&b, '\n');
		buf_adds(&b, closing);
	}
	return buf_detach(&b, NULL);
}

/* --- paragraph list ------------------------------------------------------ */

static void add_lines(struct plist *l, int role, const char *text)
{
	const char *s = text;
	while (*s) {
		size_t n = strcspn(s, "\n");
		char *line = xstrndup(s, n);
		char *t = line;
		size_t k;
		/* trim spaces and ideographic spaces the author typed for indentation */
		while (*t == ' ' || *t == '\t' || strncmp(t, "\xE3\x80\x80", 3) == 0)
			t += (*t == ' ' || *t == '\t') ? 1 : 3;
		k = strlen(t);
		while (k > 0 && (t[k - 1] == ' ' || t[k - 1] == '\r' || t[k - 1] == '\t'))
			t[--k] = '\0';
		if (*t != '\0')
			add(l, role, t);
		free(line);
		s += n;
		if (*s == '\n')
			s++;
	}
}

/* Lines a paragraph takes (estimate for placing the 版记 at the page foot). */
static size_t para_lines(const struct para *p)
{
	size_t w = width_chars(p->text);
	switch (p->role) {
	case R_MARK:
		return 4;
	case R_TITLE:
		return (w + 19) / 20 > 0 ? (w + 19) / 20 : 1;
	case R_BODY:
	case R_NOTE:
		return (w + 2 + 27) / 28 > 0 ? (w + 2 + 27) / 28 : 1;
	case R_CC:
		return (w * 16 / 14 + 27) / 28 > 0 ? (w * 16 / 14 + 27) / 28 : 1;
	default:
		return w > 28 ? (w + 27) / 28 : 1;
	}
}

static void build(const struct gw_draft *d, struct plist *l)
{
	bool minutes = is_minutes(d);
	size_t used = 0, tail;
	char tmp[1024];

	add(l, R_MARK, d->organ_mark);
	add(l, R_EMPTY, "");
	add(l, R_EMPTY, "");
	if (upward(d->wenzhong) && has(d->signer)) {
		snprintf(tmp, sizeof(tmp), "%s\t签发人：%s", has(d->doc_no) ? d->doc_no : "",
			 d->signer);
		add(l, R_DOCNO, tmp);
	} else
		add(l, R_DOCNO, d->doc_no);
	add(l, R_EMPTY, "");
	add(l, R_EMPTY, "");
	add(l, R_TITLE, d->title);
	add(l, R_EMPTY, "");
	if (has(d->recipients) && !minutes) {
		size_t k = strlen(d->recipients);
		bool colon = k >= 3 && (strcmp(d->recipients + k - 3, "：") == 0);
		snprintf(tmp, sizeof(tmp), "%s%s", d->recipients, colon ? "" : "：");
		add(l, R_RECIP, tmp);
	}
	add_lines(l, R_BODY, has(d->body) ? d->body : "");
	if (d->nattachments > 0) {
		add(l, R_EMPTY, "");
		for (size_t i = 0; i < d->nattachments; i++) {
			if (d->nattachments == 1)
				snprintf(tmp, sizeof(tmp), "附件：%s", d->attachments[0]);
			else
				snprintf(tmp, sizeof(tmp), "%s%zu.%s", i == 0 ? "附件：" : "",
					 i + 1, d->attachments[i]);
			add(l, i == 0 ? R_ATT_FIRST : R_ATT_NEXT, tmp);
		}
	}
	if (minutes) {
		add(l, R_EMPTY, "");
		if (has(d->attendees)) {
			snprintf(tmp, sizeof(tmp), "出席：%s", d->attendees);
			add(l, R_MINUTES, tmp);
		}
		if (has(d->absent)) {
			snprintf(tmp, sizeof(tmp), "请假：%s", d->absent);
			add(l, R_MINUTES, tmp);
		}
		if (has(d->observers)) {
			snprintf(tmp, sizeof(tmp), "列席：%s", d->observers);
			add(l, R_MINUTES, tmp);
		}
	} else {
		add(l, R_EMPTY, "");
		add(l, R_EMPTY, "");
		/* GB/T 9704 §7.3.5.1: 成文日期右空四字, 署名以成文日期为准居中 */
		long ws = (long)width_half(d->signature) * CHAR / 2;
		long wd = (long)width_half(d->date) * CHAR / 2;
		long r = 4 * CHAR + (wd - ws) / 2;
		add(l, R_SIGN, d->signature);
		l->v[l->n - 1].right = r > 0 ? r : 0;
		add(l, R_DATE, d->date);
	}
	if (has(d->note)) {
		snprintf(tmp, sizeof(tmp), "（%s）", d->note);
		add(l, R_NOTE, tmp);
	}
	if (!has(d->cc) && !has(d->printer))
		return;
	/* 版记 at the foot of the last page (GB/T 9704 §7.4.1): pad with empty lines. */
	for (size_t i = 0; i < l->n; i++)
		used += para_lines(&l->v[i]);
	tail = (has(d->cc) ? para_lines(&(struct para){R_CC, (char *)d->cc, 0}) + 1 : 0) + 1;
	{
		size_t pos = used % 22;
		size_t pad = pos + tail <= 22 ? 22 - pos - tail : 22 - pos + 22 - tail;
		if (pad < 1)
			pad = 1;
		for (size_t i = 0; i < pad; i++)
			add(l, R_EMPTY, "");
	}
	if (has(d->cc)) {
		size_t k = strlen(d->cc);
		bool stop = k >= 3 && strcmp(d->cc + k - 3, "。") == 0;
		snprintf(tmp, sizeof(tmp), "抄送：%s%s", d->cc, stop ? "" : "。");
		add(l, R_CC, tmp);
	}
	snprintf(tmp, sizeof(tmp), "%s\t%s印发", has(d->printer) ? d->printer : "",
		 has(d->print_date) ? d->print_date : "");
	add(l, R_PRINT, tmp);
	l->v[l->n - 1].right = has(d->cc) ? 0 : 1;
}

/* --- writers ------------------------------------------------------------- */

static const struct doc_dw_rfmt rf_body = {F_BODY, NULL, 32, false, NULL, false, 0};
static const struct doc_dw_rfmt rf_hei = {F_HEI, NULL, 32, false, NULL, false, 0};
static const struct doc_dw_rfmt rf_kai = {F_KAI, NULL, 32, false, NULL, false, 0};
static const struct doc_dw_rfmt rf_small = {F_BODY, NULL, 28, false, NULL, false, 0};

/* Body paragraph: headings 一、 in 黑体, （一） in 楷体 (the heading part up
 * to the first 。 of a run-in heading), 1. and （1） in 仿宋. */
static void body_para(struct doc_dw *w, const struct doc_dw_pfmt *pf, const char *text)
{
	struct ustr u;
	int number, level;
	bool ok;
	size_t label_len = 0;
	const struct doc_dw_rfmt *hf;

	ustr_init(&u);
	ustr_add_cstr(&u, text);
	level = gw_parse_label(u.p, u.len, &number, &ok, &label_len);
	hf = level == 1 ? &rf_hei : level == 2 ? &rf_kai : NULL;
	if (hf == NULL) {
		doc_dw_para(w, pf, &rf_body, text);
	} else {
		long stop = text_ucs_find(u.p, u.len, 0, "。");
		if (stop < 0 || (size_t)stop + 1 >= u.len) {
			doc_dw_para(w, pf, hf, text);
		} else {
			char *head = ustr_to_utf8(&u, 0, (size_t)stop + 1);
			char *rest = ustr_to_utf8(&u, (size_t)stop + 1, u.len);
			doc_dw_para_begin(w, pf, hf);
			doc_dw_run(w, hf, head);
			doc_dw_run(w, &rf_body, rest);
			doc_dw_para_end(w);
			free(head);
			free(rest);
		}
	}
	ustr_free(&u);
}

static void emit(struct doc_dw *w, const struct para *p)
{
	struct doc_dw_pfmt pf = {0};
	struct doc_dw_rfmt rf = rf_body;

	pf.line = LINE;
	switch (p->role) {
	case R_MARK: {
		/* 发文机关标志: red 小标宋, centred, as wide as the 版心 allows (≤ 36 pt). */
		size_t wc = width_chars(p->text);
		int pt = wc > 0 ? (int)(440 / wc) : 36;
		if (pt > 36)
			pt = 36;
		if (pt < 22)
			pt = 22;
		pf.line = 0;
		pf.before = 1134;
		pf.jc = "center";
		rf.ea = F_TITLE;
		rf.sz = pt * 2;
		rf.color = "FF0000";
		doc_dw_para(w, &pf, &rf, p->text);
		return;
	}
	case R_EMPTY:
		doc_dw_para(w, &pf, &rf, "");
		return;
	case R_DOCNO: {
		/* red separator line under the 发文字号 (GB/T 9704 §7.2.5, §7.2.6) */
		const char *tab = strchr(p->text, '\t');
		pf.borders = DOC_DW_BDR_BOTTOM;
		pf.bdr_bottom_sz = 12;
		pf.bdr_space = 11;
		pf.bdr_color = "FF0000";
		pf.set_ind = true;
		if (tab == NULL) {
			pf.jc = "center";
			doc_dw_para(w, &pf, &rf, p->text);
		} else {
			/* 上行文: 文号 left one character in, 签发人 right one character in */
			char *left = xstrndup(p->text, (size_t)(tab - p->text) + 1);
			const char *name = strstr(tab, "：");
			pf.first = CHAR;
			pf.jc = "left";
			pf.tab_right = 8525;
			doc_dw_para_begin(w, &pf, &rf);
			doc_dw_run(w, &rf, left);
			doc_dw_run(w, &rf, "签发人：");
			doc_dw_run(w, &rf_kai, name != NULL ? name + 3 : "");
			doc_dw_para_end(w);
			free(left);
		}
		return;
	}
	case R_TITLE:
		pf.set_ind = true;
		pf.jc = "center";
		rf.ea = F_TITLE;
		rf.sz = 44;
		doc_dw_para(w, &pf, &rf, p->text);
		return;
	case R_RECIP:
		pf.set_ind = true;
		pf.jc = "both";
		doc_dw_para(w, &pf, &rf, p->text);
		return;
	case R_BODY:
	case R_NOTE:
		pf.first = 2 * CHAR;
		pf.jc = "both";
		body_para(w, &pf, p->text);
		return;
	case R_ATT_FIRST:
	case R_ATT_NEXT: {
		/* 附件说明: 左空二字编排"附件："，回行与附件名对齐 */
		bool numbered = strstr(p->text, "1.") != NULL || p->role == R_ATT_NEXT;
		pf.left = p->role == R_ATT_FIRST ? (numbered ? 6 * CHAR : 5 * CHAR) : 6 * CHAR;
		pf.first = p->role == R_ATT_FIRST ? -(numbered ? 4 * CHAR : 3 * CHAR) : -CHAR;
		pf.jc = "both";
		doc_dw_para(w, &pf, &rf, p->text);
		return;
	}
	case R_SIGN:
		pf.right = p->right;
		pf.set_ind = true;
		pf.jc = "right";
		doc_dw_para(w, &pf, &rf, p->text);
		return;
	case R_DATE:
		pf.right = 1280;
		pf.set_ind = true;
		pf.jc = "right";
		doc_dw_para(w, &pf, &rf, p->text);
		return;
	case R_MINUTES: {
		/* 纪要: "出席：" label in 黑体, names 仿宋, 回行 aligned after the colon */
		const char *colon = strstr(p->text, "：");
		char *label = xstrndup(p->text, colon != NULL ? (size_t)(colon - p->text) + 3 : 0);
		pf.left = 3 * CHAR;
		pf.first = -3 * CHAR;
		pf.jc = "both";
		doc_dw_para_begin(w, &pf, &rf_hei);
		doc_dw_run(w, &rf_hei, label);
		doc_dw_run(w, &rf, p->text + strlen(label));
		doc_dw_para_end(w);
		free(label);
		return;
	}
	case R_CC:
		pf.borders = DOC_DW_BDR_TOP | DOC_DW_BDR_BOTTOM;
		pf.bdr_top_sz = 8;
		pf.bdr_bottom_sz = 4;
		pf.left = 1120;
		pf.right = 280;
		pf.first = -840;
		pf.jc = "both";
		doc_dw_para(w, &pf, &rf_small, p->text);
		return;
	case R_PRINT:
		/* the first 版记 element carries the top rule when there is no 抄送 */
		pf.borders = DOC_DW_BDR_BOTTOM | (p->right ? DOC_DW_BDR_TOP : 0);
		pf.bdr_top_sz = 8;
		pf.bdr_bottom_sz = 8;
		pf.tab_right = 8565;
		pf.left = 280;
		pf.right = 280;
		pf.set_ind = true;
		pf.jc = "left";
		doc_dw_para(w, &pf, &rf_small, p->text);
		return;
	}
}

int gw_draft_docx(const struct gw_draft *d, const char *path, struct err *e)
{
	struct doc_dw_page pg;
	struct doc_dw *w;
	struct plist l = {0};
	int rc;

	build(d, &l);
	doc_dw_page_gongwen(&pg);
	w = doc_dw_new(&pg);
	for (size_t i = 0; i < l.n; i++)
		emit(w, &l.v[i]);
	rc = doc_dw_save(w, path, e);
	doc_dw_free(w);
	plist_free(&l);
	return rc;
}

int gw_draft_txt(const struct gw_draft *d, struct buf *out)
{
	struct plist l = {0};
	int rc = 0;

	build(d, &l);
	for (size_t i = 0; i < l.n && rc == 0; i++) {
		rc = buf_adds(out, l.v[i].text);
		if (rc == 0)
			rc = buf_addc(out, '\n');
	}
	plist_free(&l);
	return rc;
}
