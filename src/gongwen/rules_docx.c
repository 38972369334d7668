/*
 * gongwen/rules_docx: rules that need the .docx XML — page setup (GW-PAGE),
 * fonts per role (GW-FONT), indents (GW-BODY-006/010, GW-ATT-001), page
 * numbers (GW-PGNO), colours, tables (GW-TBL).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gongwen/docx_util.h"
#include "gongwen/rules_common.h"

#define E GW_SEV_ERROR
#define W GW_SEV_WARNING
#define I GW_SEV_INFO

static long labs_(long v)
{
	return v < 0 ? -v : v;
}

/* --- page setup ------------------------------------------------------ */

static void rule_page(struct gw_doc *doc, struct gw_findings *out)
{
	const struct gw_profile *pf = doc->profile;
	xmlNodePtr sects[64];
	size_t ns = gw_doc_sections(doc, sects, ARRAY_LEN(sects));
	bool flagged[5] = {false, false, false, false, false};

	if (ns == 0) {
		gw_add(out, "GW-PAGE-001", E, -1, GW_FIX_AUTO, "",
		       "文档未设置页面（缺少 w:sectPr），应为A4纵向");
		return;
	}
	for (size_t k = 0; k < ns; k++) {
		struct gw_page pg;

		gw_docx_page(sects[k], &pg);
		if (!flagged[1] && (labs_(pg.w - pf->page_w) > pf->page_tol ||
				    labs_(pg.h - pf->page_h) > pf->page_tol || pg.landscape)) {
			flagged[1] = true;
			gw_add(out, "GW-PAGE-001", E, -1, GW_FIX_AUTO, "",
			       "纸张应为A4纵向（210mm×297mm），实为%.1fmm×%.1fmm%s", pg.w / 56.6929,
			       pg.h / 56.6929, pg.landscape ? "（横向）" : "");
		}
		if (!pg.has_mar)
			continue;
		if (!flagged[2] && labs_(labs_(pg.top) - pf->margin_top) > pf->margin_tol) {
			flagged[2] = true;
			gw_add(out, "GW-PAGE-002", E, -1, GW_FIX_AUTO, "",
			       "天头（上白边）应为%.0fmm±1mm，实为%.1fmm", pf->margin_top / 56.6929,
			       labs_(pg.top) / 56.6929);
		}
		if (!flagged[3] && labs_(pg.left - pf->margin_left) > pf->margin_tol) {
			flagged[3] = true;
			gw_add(out, "GW-PAGE-003", E, -1, GW_FIX_AUTO, "",
			       "订口（左白边）应为%.0fmm±1mm，实为%.1fmm",
			       pf->margin_left / 56.6929, pg.left / 56.6929);
		}
		if (!flagged[4] &&
		    (labs_(pg.w - pg.left - pg.right - pf->type_w) > pf->type_tol ||
		     labs_(pg.h - labs_(pg.top) - labs_(pg.bottom) - pf->type_h) > pf->type_tol)) {
			flagged[4] = true;
			gw_add(out, "GW-PAGE-004", E, -1, GW_FIX_AUTO, "",
			       "版心应为156mm×225mm（右白边26mm、下白边35mm），实为%.1fmm×%.1fmm",
			       (pg.w - pg.left - pg.right) / 56.6929,
			       (pg.h - labs_(pg.top) - labs_(pg.bottom)) / 56.6929);
		}
		if (pg.gutter > 0 && !flagged[0]) {
			flagged[0] = true;
			gw_add(out, "GW-PAGE-005", W, -1, GW_FIX_AUTO, "",
			       "页面设置了装订线（%ld twips），会使版心偏移", pg.gutter);
		}
	}
	if (pf->deviations[0] != '\0')
		gw_add(out, "GW-PAGE-012", I, -1, GW_FIX_MANUAL, "",
		       "使用单位规范“%s”，偏离国标：%s", pf->name, pf->deviations);
}

/* --- fonts and indents per role ------------------------------------- */

static bool role_is_fangsong(int r)
{
	return r == GW_ROLE_BODY || r == GW_ROLE_TO || r == GW_ROLE_SIG || r == GW_ROLE_DATE ||
	       r == GW_ROLE_NOTE || r == GW_ROLE_ATT;
}

/* gw_font_category of the last few distinct names asked for, kept: runs
 * and paragraphs mostly repeat a handful of fonts. */
#define FONT_MEMO 4

struct font_memo {
	size_t n;    /* entries in use */
	size_t next; /* the entry replaced when all are in use */
	size_t last; /* the entry that answered last: asked first */
	int cat[FONT_MEMO];
	char name[FONT_MEMO][sizeof(((struct doc_rprops *)0)->ea)];
};

/* name is the memo's entry k (the first two bytes, inlined, tell most
 * names apart: the CJK ones start with different characters). */
static inline bool font_memo_is(const struct font_memo *m, size_t k, const char *name)
{
	const char *e = m->name[k];

	return e[0] == name[0] && (name[0] == '\0' || (e[1] == name[1] && strcmp(e, name) == 0));
}

static int font_cat(struct font_memo *m, const char *name)
{
	size_t len;
	size_t k;

	if (m->n > 0 && font_memo_is(m, m->last, name))
		return m->cat[m->last];
	for (k = 0; k < m->n; k++) {
		if (k != m->last && font_memo_is(m, k, name)) {
			m->last = k;
			return m->cat[k];
		}
	}
	len = strlen(name);
	if (len >= sizeof(m->name[0]))
		return gw_font_category(name);
	if (m->n < FONT_MEMO) {
		k = m->n++;
	} else {
		k = m->next;
		m->next = (m->next + 1) % FONT_MEMO;
	}
	memcpy(m->name[k], name, len + 1);
	m->cat[k] = gw_font_category(name);
	m->last = k;
	return m->cat[k];
}

/* fm: memos for East Asian [0] and hAnsi [1] font names */
static void rule_fonts(struct gw_doc *doc, size_t i, struct font_memo *fm, struct gw_findings *out)
{
	const struct gw_profile *pf = doc->profile;
	struct gw_para *p = &doc->paras[i];
	struct gw_run_info buf[GW_MAX_RUNS];
	size_t nr;
	const struct gw_run_info *runs = gw_docx_runs_ref(doc, i, buf, GW_MAX_RUNS, &nr);
	int r = p->role;
	struct doc_pprops ppbuf;

	if (role_is_fangsong(r)) {
		for (size_t k = 0; k < nr; k++) {
			if (font_cat(&fm[0], runs[k].props.ea) != GW_FONT_FANGSONG ||
			    runs[k].props.sz != pf->body_sz) {
				gw_at(out, doc, i, runs[k].start, runs[k].end, "GW-FONT-001", W,
				      GW_FIX_AUTO, "应为3号仿宋，实为%s %.1f磅",
				      runs[k].props.ea[0] ? runs[k].props.ea : "（未设置字体）",
				      runs[k].props.sz / 2.0);
				break;
			}
		}
	} else if (r == GW_ROLE_TITLE) {
		char why[256] = "";
		const struct doc_pprops *pp = gw_para_props_at(doc, i, &ppbuf);

		for (size_t k = 0; k < nr; k++) {
			if (font_cat(&fm[0], runs[k].props.ea) != GW_FONT_XBS) {
				snprintf(why + strlen(why), sizeof(why) - strlen(why), "字体%s；",
					 runs[k].props.ea[0] ? runs[k].props.ea : "未设置");
				break;
			}
		}
		for (size_t k = 0; k < nr; k++) {
			if (runs[k].props.sz != pf->title_sz) {
				snprintf(why + strlen(why), sizeof(why) - strlen(why),
					 "字号%.1f磅；", runs[k].props.sz / 2.0);
				break;
			}
		}
		for (size_t k = 0; k < nr; k++) {
			if (runs[k].props.bold) {
				snprintf(why + strlen(why), sizeof(why) - strlen(why), "加粗；");
				break;
			}
		}
		if (strcmp(pp->jc, "center") != 0)
			snprintf(why + strlen(why), sizeof(why) - strlen(why), "未居中；");
		if (why[0] != '\0')
			gw_at(out, doc, i, 0, p->text.len, "GW-FONT-002", W, GW_FIX_AUTO,
			      "标题应为2号小标宋体、居中、不加粗：%s", why);
	} else if (r == GW_ROLE_H1 || r == GW_ROLE_H2) {
		int want = r == GW_ROLE_H1 ? GW_FONT_HEI : GW_FONT_KAI;
		size_t span = gw_heading_span(p);

		for (size_t k = 0; k < nr; k++) {
			if (runs[k].start >= span)
				continue;
			if (font_cat(&fm[0], runs[k].props.ea) != want ||
			    runs[k].props.sz != pf->heading_sz) {
				gw_at(out, doc, i, runs[k].start, runs[k].end,
				      r == GW_ROLE_H1 ? "GW-FONT-003" : "GW-FONT-004", W,
				      GW_FIX_AUTO, "%s应为3号%s，实为%s %.1f磅",
				      r == GW_ROLE_H1 ? "一级标题" : "二级标题",
				      r == GW_ROLE_H1 ? "黑体" : "楷体",
				      runs[k].props.ea[0] ? runs[k].props.ea : "（未设置字体）",
				      runs[k].props.sz / 2.0);
				break;
			}
		}
		/* GW-BODY-016: the run-in text after the heading stays 仿宋. */
		for (size_t k = 0; k < nr; k++) {
			if (runs[k].start >= span && font_cat(&fm[0], runs[k].props.ea) == want) {
				gw_at(out, doc, i, runs[k].start, runs[k].end, "GW-BODY-016", W,
				      GW_FIX_MANUAL, "标题后的正文文字应为仿宋，不随标题字体");
				break;
			}
		}
	} else if (r == GW_ROLE_H3 || r == GW_ROLE_H4) {
		for (size_t k = 0; k < nr; k++) {
			if (font_cat(&fm[0], runs[k].props.ea) != GW_FONT_FANGSONG) {
				gw_at(out, doc, i, runs[k].start, runs[k].end, "GW-FONT-005", W,
				      GW_FIX_SUGGEST, "三、四级标题应为3号仿宋，实为%s",
				      runs[k].props.ea[0] ? runs[k].props.ea : "（未设置字体）");
				break;
			}
		}
	}
	/* GW-FONT-007: quotes, dashes, ellipsis must render in the CJK font. */
	if (r != GW_ROLE_BLANK) {
		for (size_t k = 0; k < nr; k++) {
			if (!runs[k].props.hint_ea && gw_run_has_ambiguous_punct(p, &runs[k]) &&
			    font_cat(&fm[1], runs[k].props.hansi) == GW_FONT_OTHER) {
				gw_at(
				    out, doc, i, runs[k].start, runs[k].end, "GW-FONT-007", W,
				    GW_FIX_AUTO,
				    "引号、破折号、省略号会以西文字体（%s）显示，应按中文字体显示",
				    runs[k].props.hansi[0] ? runs[k].props.hansi : "默认");
				break;
			}
		}
	}
	/* GW-PAGE-008: text is black except the 发文机关标志. */
	if (r != GW_ROLE_MARK && r != GW_ROLE_BLANK && r != GW_ROLE_OTHER) {
		for (size_t k = 0; k < nr; k++) {
			if (runs[k].props.color[0] && strcmp(runs[k].props.color, "auto") != 0 &&
			    strcmp(runs[k].props.color, "000000") != 0) {
				gw_at(out, doc, i, runs[k].start, runs[k].end, "GW-PAGE-008", W,
				      GW_FIX_AUTO,
				      "公文文字应为黑色（发文机关标志除外），此处为 #%s",
				      runs[k].props.color);
				break;
			}
		}
	}
}

static void rule_indents(struct gw_doc *doc, size_t i, struct gw_findings *out)
{
	const struct gw_profile *pf = doc->profile;
	struct gw_para *p = &doc->paras[i];
	struct doc_pprops ppbuf;
	const struct doc_pprops *pp;

	/* only these roles have indent rules: the others' properties are
	 * resolved only where a rule asks for them */
	if (p->role != GW_ROLE_BODY && p->role != GW_ROLE_TO && p->role != GW_ROLE_ATT)
		return;
	pp = gw_para_props_at(doc, i, &ppbuf);
	if (p->role == GW_ROLE_BODY) {
		if (pp->first < pf->first_line_min || pp->first > pf->first_line_max ||
		    labs_(pp->left) > 40)
			gw_at(out, doc, i, 0, 0, "GW-BODY-010", W, GW_FIX_AUTO,
			      "正文段落应首行缩进2字、回行顶格（实为首行%ld、左缩进%ld twips）",
			      pp->first, pp->left);
	} else if (p->role == GW_ROLE_TO) {
		if (labs_(pp->first) > 40 || labs_(pp->left) > 40)
			gw_at(out, doc, i, 0, 0, "GW-BODY-006", E, GW_FIX_AUTO,
			      "主送机关应顶格（实为首行%ld、左缩进%ld twips）", pp->first,
			      pp->left);
	} else if (p->role == GW_ROLE_ATT && (i == 0 || doc->paras[i - 1].role != GW_ROLE_ATT)) {
		long start = pp->left + pp->first;

		if (start < pf->first_line_min || start > pf->first_line_max)
			gw_at(out, doc, i, 0, 0, "GW-ATT-001", E, GW_FIX_AUTO,
			      "附件说明应左空二字（首行起点%ld twips）", start);
	}
}

/* --- page numbers ----------------------------------------------------- */

static void rule_pgno(struct gw_doc *doc, struct gw_findings *out)
{
	struct gw_footer fts[16];
	size_t nf = gw_docx_footers(doc, fts, ARRAY_LEN(fts));
	bool any = false;
	const char *bad = NULL;

	for (size_t k = 0; k < nf; k++) {
		if (strchr(fts[k].pattern, '#') == NULL)
			continue;
		any = true;
		if (!gw_pgno_pattern_ok(fts[k].pattern) && bad == NULL)
			bad = fts[k].pattern;
	}
	if (!any)
		gw_add(out, "GW-PGNO-001", W, -1, GW_FIX_MANUAL, "",
		       "页脚中没有页码；页码应为“— N —”（4号半角宋体阿拉伯数字，两侧一字线）");
	else if (bad != NULL)
		gw_add(out, "GW-PGNO-001", W, -1, GW_FIX_AUTO, bad,
		       "页码形式不规范（%s），应为“— N —”（4号半角宋体阿拉伯数字，两侧一字线）",
		       bad);
	for (size_t k = 0; k < nf; k++)
		gw_footer_free(&fts[k]);
}

void gw_rules_docx(struct gw_doc *doc, struct gw_findings *out)
{
	struct font_memo fm[2] = {{.n = 0}, {.n = 0}};

	rule_page(doc, out);
	rule_pgno(doc, out);
	for (size_t i = 0; i < doc->n; i++) {
		if (doc->paras[i].role == GW_ROLE_BLANK)
			continue;
		rule_fonts(doc, i, fm, out);
		rule_indents(doc, i, out);
	}
}
