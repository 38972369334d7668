/*
 * gongwen/rules_layout: further .docx layout rules of the catalog — 版头
 * colour/position (GW-HEAD-005/008/011), body line grid (GW-PAGE-006/007),
 * header area (GW-PAGE-010), page-number sides and restarts (GW-PGNO-003/005),
 * 印发 line (GW-NOTE-005), tables (GW-TBL-002/003) — and the rules that need
 * rendered layout, reported as info "需渲染核验" (catalog column T = R).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gongwen/docx_util.h"
#include "gongwen/rules_common.h"

#define E GW_SEV_ERROR
#define W GW_SEV_WARNING
#define I GW_SEV_INFO

/* "Red" per gongwen-rules.md §7.2: R >= 0xC0, G and B <= 0x40. */
static bool is_red(const char *hex)
{
	unsigned v;
	char *end;

	if (hex == NULL || strlen(hex) != 6)
		return false;
	v = (unsigned)strtoul(hex, &end, 16);
	if (*end != '\0')
		return false;
	return (v >> 16) >= 0xC0 && ((v >> 8) & 0xFF) <= 0x40 && (v & 0xFF) <= 0x40;
}

static void rule_mark(struct gw_doc *doc, struct gw_findings *out)
{
	for (size_t i = 0; i < doc->n; i++) {
		struct gw_para *p = &doc->paras[i];
		struct gw_run_info buf[GW_MAX_RUNS];
		const struct gw_run_info *runs;
		struct doc_pprops ppbuf;
		size_t nr;

		if (p->role != GW_ROLE_MARK)
			continue;
		runs = gw_docx_runs_ref(doc, i, buf, GW_MAX_RUNS, &nr);
		for (size_t k = 0; k < nr; k++) {
			if (!is_red(runs[k].props.color)) {
				gw_at(out, doc, i, runs[k].start, runs[k].end, "GW-HEAD-005", W,
				      GW_FIX_AUTO, "发文机关标志推荐使用红色");
				break;
			}
		}
		if (nr > 0 && strcmp(gw_para_props_at(doc, i, &ppbuf)->jc, "center") != 0)
			gw_at(out, doc, i, 0, p->text.len, "GW-HEAD-005", W, GW_FIX_AUTO,
			      "发文机关标志应居中排布");
	}
}

static bool para_has_red_rule(xmlNodePtr p)
{
	xmlNodePtr ppr = doc_xml_child(p, NS_W, "pPr");
	xmlNodePtr bdr = ppr ? doc_xml_child(ppr, NS_W, "pBdr") : NULL;

	for (xmlNodePtr b = bdr ? bdr->children : NULL; b != NULL; b = b->next) {
		xmlChar *c;
		bool red;

		if (!doc_xml_is(b, NS_W, "bottom") && !doc_xml_is(b, NS_W, "top"))
			continue;
		c = doc_xml_attr(b, NS_W, "color");
		red = c != NULL && is_red((const char *)c);
		xmlFree(c);
		if (red)
			return true;
	}
	/* DrawingML or VML lines: accept any drawing with a red outline/stroke. */
	{
		xmlChar *s = NULL;
		xmlBufferPtr buf = xmlBufferCreate();
		bool found = false;

		if (buf != NULL && xmlNodeDump(buf, p->doc, p, 0, 0) > 0) {
			s = (xmlChar *)xmlBufferContent(buf);
			found = (strstr((const char *)s, "<w:drawing") != NULL ||
				 strstr((const char *)s, "v:line") != NULL ||
				 strstr((const char *)s, "<w:pict") != NULL) &&
				(strstr((const char *)s, "FF0000") != NULL ||
				 strstr((const char *)s, "ff0000") != NULL ||
				 strstr((const char *)s, "red") != NULL);
		}
		xmlBufferFree(buf);
		return found;
	}
}

static void rule_docno_line(struct gw_doc *doc, struct gw_findings *out)
{
	struct doc_pprops ppbuf;
	const struct doc_pprops *pp;
	size_t i;
	bool red = false;

	if (doc->docno < 0)
		return;
	i = (size_t)doc->docno;
	pp = gw_para_props_at(doc, i, &ppbuf);
	if (!gw_doc_type_upward(doc->doc_type) && doc->doc_type != 2 &&
	    strcmp(pp->jc, "center") != 0 &&
	    text_ucs_find(doc->paras[i].text.p, doc->paras[i].text.len, 0, "签发人") < 0)
		gw_at(out, doc, i, 0, doc->paras[i].text.len, "GW-HEAD-008", W, GW_FIX_AUTO,
		      "下行文、平行文的发文字号应居中排布");
	/* GW-HEAD-011: the red separator under the 发文字号 (its border, or a
	 * line in one of the next two paragraphs). */
	for (size_t k = i; k < doc->n && k <= i + 2 && !red; k++)
		red = para_has_red_rule(doc->paras[k].node);
	if (!red)
		gw_at(out, doc, i, 0, doc->paras[i].text.len, "GW-HEAD-011", W, GW_FIX_MANUAL,
		      "发文字号之下4mm处应有与版心等宽的红色分隔线，未检测到");
}

/* GW-PAGE-006: 22 lines per page from the body's exact line spacing. */
static void rule_grid(struct gw_doc *doc, struct gw_findings *out)
{
	const struct gw_profile *pf = doc->profile;
	long counts_line[8] = {0};
	long counts_n[8] = {0};
	size_t nk = 0;
	long best = -1;
	long best_n = 0;
	bool non_exact = false;

	for (size_t i = 0; i < doc->n; i++) {
		struct doc_pprops ppbuf;
		const struct doc_pprops *pp;
		size_t k;

		if (doc->paras[i].role != GW_ROLE_BODY)
			continue;
		pp = gw_para_props_at(doc, i, &ppbuf);
		if (!pp->has_line || strcmp(pp->line_rule, "exact") != 0) {
			non_exact = true;
			continue;
		}
		for (k = 0; k < nk && counts_line[k] != pp->line; k++)
			;
		if (k == nk && nk < ARRAY_LEN(counts_line))
			counts_line[nk++] = pp->line;
		if (k < ARRAY_LEN(counts_n))
			counts_n[k]++;
	}
	for (size_t k = 0; k < nk; k++) {
		if (counts_n[k] > best_n) {
			best_n = counts_n[k];
			best = counts_line[k];
		}
	}
	if (best > 0) {
		long lines = pf->type_h / best;

		if (lines != 22 && labs(best - pf->line_exact) > 10)
			gw_add(out, "GW-PAGE-006", W, -1, GW_FIX_AUTO, "",
			       "正文固定行距%.2f磅，每页约%ld行；一般每页22行（固定值%.2f磅）",
			       best / 20.0, lines, pf->line_exact / 20.0);
	} else if (non_exact) {
		gw_add(out, "GW-PAGE-006", I, -1, GW_FIX_SUGGEST, "",
		       "需渲染核验：正文未使用固定行距，每页行数取决于字体；一般每页22行（固定值%."
		       "2f磅）",
		       pf->line_exact / 20.0);
	}
	gw_add(out, "GW-PAGE-007", I, -1, GW_FIX_MANUAL, "",
	       "需渲染核验：每行28字取决于字距/文档网格（版心宽156mm，3号字不压缩时约27字）");
}

static void rule_header_area(struct gw_doc *doc, struct gw_findings *out)
{
	for (size_t k = 0;; k++) {
		const struct doc_rel *rel = doc_docx_rel_by_type(doc->docx, "/header", k);
		xmlDocPtr h;
		char *pat;
		bool has_text;
		bool absent; /* (no text: as a header that fails to parse) */

		if (rel == NULL)
			break;
		h = doc_docx_part_with(doc->docx, rel->target, gw_pattern_elems, GW_PATTERN_NELEMS,
				       &absent);
		if (h == NULL)
			continue;
		pat = gw_footer_pattern(xmlDocGetRootElement(h));
		has_text = pat[0] != '\0';
		free(pat);
		if (has_text) {
			gw_add(out, "GW-PAGE-010", W, -1, GW_FIX_MANUAL, "",
			       "公文不设页眉，页眉区应为空（%s）", rel->target);
			break;
		}
	}
}

/* Whether settings.xml asks for different odd and even page headers. */
static bool odd_even_headers(struct gw_doc *doc)
{
	static const char *const names[] = {"evenAndOddHeaders"};
	const struct doc_rel *rel = doc_docx_rel_by_type(doc->docx, "/settings", 0);
	xmlDocPtr st;
	bool absent;

	if (rel == NULL)
		return false;
	st = doc_docx_part_with(doc->docx, rel->target, names, ARRAY_LEN(names), &absent);
	return st && doc_xml_child(xmlDocGetRootElement(st), NS_W, names[0]);
}

static void rule_pgno_sides(struct gw_doc *doc, struct gw_findings *out)
{
	xmlNodePtr sects[64];
	size_t ns = gw_doc_sections(doc, sects, ARRAY_LEN(sects));
	/* (without sections, nothing to say about the sides) */
	bool odd_even = ns > 0 && odd_even_headers(doc);
	bool restart = false;

	for (size_t k = 1; k < ns; k++) {
		xmlNodePtr pn = doc_xml_child(sects[k], NS_W, "pgNumType");
		long v;

		if (pn != NULL && doc_xml_attr_long(pn, NS_W, "start", &v))
			restart = true;
	}
	if (restart)
		gw_add(out, "GW-PGNO-005", E, -1, GW_FIX_AUTO, "",
		       "与正文一起装订的附件页码应连续，不应重新起编");
	if (!odd_even && ns > 0)
		gw_add(out, "GW-PGNO-003", W, -1, GW_FIX_MANUAL, "",
		       "页码应单页居右空一字、双页居左空一字（需设置奇偶页不同）");
}

/* GW-NOTE-005: 印发机关和印发日期, the date in full Arabic form. */
static void rule_print_line(struct gw_doc *doc, struct gw_findings *out)
{
	for (size_t i = 0; i < doc->n; i++) {
		struct gw_para *p = &doc->paras[i];
		size_t s;
		size_t e;

		if (p->role != GW_ROLE_PRINT)
			continue;
		if (gw_re("((19|20)[0-9]{2})年([1-9]|1[0-2])月([1-9]|[12][0-9]|3[01])日印发\\s*$",
			  p, 0, &s, &e, NULL, 0))
			continue;
		if (gw_re("[0-9０-９〇零一二三四五六七八九十.\\-/年月日]+\\s*印发\\s*$", p, 0, &s,
			  &e, NULL, 0))
			gw_at(out, doc, i, s, e, "GW-NOTE-005", E, GW_FIX_MANUAL,
			      "印发日期应用阿拉伯数字标全年月日，后加“印发”（如2025年3月5日印发）");
	}
}

static void rule_tables(struct gw_doc *doc, struct gw_findings *out)
{
	const struct gw_profile *pf = doc->profile;
	size_t t = 0;

	for (xmlNodePtr c = doc->docx->body->children; c != NULL; c = c->next) {
		xmlNodePtr grid;
		long sum = 0;

		if (!doc_xml_is(c, NS_W, "tbl"))
			continue;
		t++;
		grid = doc_xml_child(c, NS_W, "tblGrid");
		for (xmlNodePtr g = grid ? grid->children : NULL; g != NULL; g = g->next) {
			long v;

			if (doc_xml_is(g, NS_W, "gridCol") && doc_xml_attr_long(g, NS_W, "w", &v))
				sum += v;
		}
		if (sum > pf->type_w + 57)
			gw_add(out, "GW-TBL-002", W, -1, GW_FIX_MANUAL, "",
			       "第%zu个表格宽%.1fmm，超出版心宽度156mm", t, sum / 56.6929);
	}
}

/* gongwen-rules.md §2.8: labels drawn by automatic numbering are not in the
 * text; name them so reviewers see the real 序号 and can 固化 them. */
static void rule_auto_numbering(struct gw_doc *doc, struct gw_findings *out)
{
	char **labels;
	bool any = false;

	/* a label needs a numId > 0 in the paragraph's properties; those are
	 * resolved once per check (gw_para_props), the labels walk resolves
	 * them again and loads the numbering part */
	for (size_t i = 0; i < doc->n && i < doc->docx->npara && !any; i++) {
		struct doc_pprops pp;

		/* the same node as paragraph i's (as usual): kept by index */
		if (doc->paras[i].node == doc->docx->paras[i]) {
			any = gw_para_props_at(doc, i, &pp)->num_id > 0;
			continue;
		}
		gw_para_props(doc, doc->docx->paras[i], &pp);
		any = pp.num_id > 0;
	}
	if (!any)
		return;
	labels = doc_docx_numbering_labels(doc->docx);
	for (size_t i = 0; i < doc->n && i < doc->docx->npara; i++) {
		struct ustr u;
		int num;
		bool ok;
		size_t ll;
		int lvl;

		if (labels[i] == NULL)
			continue;
		ustr_init(&u);
		ustr_add_cstr(&u, labels[i]);
		lvl = gw_parse_label(u.p, u.len, &num, &ok, &ll);
		if (lvl > 0)
			gw_at(out, doc, i, 0, doc->paras[i].text.len, "GW-BODY-011", I,
			      GW_FIX_MANUAL,
			      "层次序号“%s”由自动编号生成%"
			      "s；建议固化为文字，避免在其他软件中显示不同",
			      labels[i], ok ? "" : "且形式不规范");
		ustr_free(&u);
		free(labels[i]);
	}
	free(labels);
}

static void rule_needs_render(struct gw_doc *doc, struct gw_findings *out)
{
	static const struct {
		const char *rule;
		const char *what;
	} r[] = {
	    {"GW-HEAD-012", "标题位于红色分隔线下空二行"},
	    {"GW-BODY-009", "公文首页必须显示正文"},
	    {"GW-NOTE-001", "版记位于公文最后一页"},
	    {"GW-PGNO-002", "页码一字线距版心下边缘7mm"},
	    {"GW-PGNO-004", "版记页前有空白页时均不编页码"},
	    {"GW-SIGN-007", "署名和成文日期不单独成页"},
	};

	if (!doc->is_docx)
		return;
	for (size_t k = 0; k < ARRAY_LEN(r); k++)
		gw_add(out, r[k].rule, I, -1, GW_FIX_MANUAL, "", "需渲染核验：%s", r[k].what);
}

void gw_rules_layout(struct gw_doc *doc, struct gw_findings *out)
{
	if (!doc->is_docx)
		return;
	rule_mark(doc, out);
	rule_docno_line(doc, out);
	rule_grid(doc, out);
	rule_header_area(doc, out);
	rule_pgno_sides(doc, out);
	rule_print_line(doc, out);
	rule_tables(doc, out);
	rule_auto_numbering(doc, out);
	rule_needs_render(doc, out);
}

/* Property fixes for the rules above; returns true when it handled f. */
bool gw_layout_fix(struct gw_doc *doc, const struct gw_finding *f)
{
	if (strcmp(f->rule, "GW-HEAD-005") == 0 && f->para >= 0) {
		struct gw_run_info runs[GW_MAX_RUNS];
		size_t nr = gw_docx_runs(doc, (size_t)f->para, runs, GW_MAX_RUNS);
		struct doc_pprops pp;

		for (size_t k = 0; k < nr; k++) {
			if (!is_red(runs[k].props.color))
				doc_docx_set_run_color(runs[k].run, "FF0000");
		}
		gw_para_props(doc, doc->paras[f->para].node, &pp);
		if (strcmp(pp.jc, "center") != 0)
			doc_docx_set_jc(doc->paras[f->para].node, "center");
		return true;
	}
	if (strcmp(f->rule, "GW-HEAD-008") == 0 && f->para >= 0) {
		doc_docx_set_jc(doc->paras[f->para].node, "center");
		return true;
	}
	if (strcmp(f->rule, "GW-PAGE-006") == 0) {
		for (size_t i = 0; i < doc->n; i++) {
			int r = doc->paras[i].role;

			if (r == GW_ROLE_BODY || r == GW_ROLE_TITLE ||
			    (r >= GW_ROLE_H1 && r <= GW_ROLE_H4) || r == GW_ROLE_TO ||
			    r == GW_ROLE_ATT || r == GW_ROLE_SIG || r == GW_ROLE_DATE ||
			    r == GW_ROLE_NOTE || r == GW_ROLE_BLANK)
				doc_docx_set_line_exact(doc->paras[i].node,
							doc->profile->line_exact);
		}
		return true;
	}
	if (strcmp(f->rule, "GW-PGNO-005") == 0) {
		xmlNodePtr sects[64];
		size_t ns = gw_doc_sections(doc, sects, ARRAY_LEN(sects));

		for (size_t k = 1; k < ns; k++) {
			xmlNodePtr pn = doc_xml_child(sects[k], NS_W, "pgNumType");

			if (pn != NULL)
				doc_xml_unset_wattr(pn, "start");
		}
		return true;
	}
	return false;
}
