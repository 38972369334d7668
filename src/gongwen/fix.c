/*
 * gongwen/fix: apply the auto-fixes (class A) and annotate the rest.
 *
 * Each pass checks the document, applies every auto fix (property fixes
 * first, then text edits per paragraph in rule-priority order, skipping
 * edits that overlap an accepted one), refreshes texts and roles, and checks
 * again; it stops when a pass changes nothing (at most GW_FIX_PASSES).
 * Suggest/manual findings left at the end become Word comments (.docx).
 * Only the characters a fix changes are touched.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gongwen/docx_util.h"
#include "gongwen/rules_common.h"

#define GW_FIX_PASSES 5

static bool rule_is(const struct gw_finding *f, const char *id)
{
	return strcmp(f->rule, id) == 0;
}

static int rule_priority(const char *rule)
{
	if (strncmp(rule, "GW-HEAD", 7) == 0 || strncmp(rule, "GW-BODY", 7) == 0 ||
	    strncmp(rule, "GW-ATT", 6) == 0 || strncmp(rule, "GW-SIGN", 7) == 0 ||
	    strncmp(rule, "GW-NOTE", 7) == 0)
		return 0;
	if (strncmp(rule, "GW-NUM", 6) == 0)
		return 1;
	if (strncmp(rule, "GW-PUNC", 7) == 0)
		return 2;
	return 3;
}

static void logf_change(struct gw_fix_report *rep, const struct gw_finding *f, const char *what)
{
	if (rep == NULL)
		return;
	if (f->para >= 0)
		buf_addf(&rep->log, "第%ld段 [%s] %s%s%s\n", f->para, f->rule, f->message,
			 what[0] ? "：" : "", what);
	else
		buf_addf(&rep->log, "全文 [%s] %s%s%s\n", f->rule, f->message, what[0] ? "：" : "",
			 what);
}

/* --- property fixes (.docx) ---------------------------------------- */

static void fix_page(struct gw_doc *doc)
{
	const struct gw_profile *pf = doc->profile;
	xmlNodePtr sects[64];
	size_t ns = gw_docx_all_sections(doc->docx, sects, ARRAY_LEN(sects));
	static const char *const sect_order[] = {"headerReference",
						 "footerReference",
						 "footnotePr",
						 "endnotePr",
						 "type",
						 "pgSz",
						 "pgMar",
						 "paperSrc",
						 "pgBorders",
						 "lnNumType",
						 "pgNumType",
						 "cols",
						 "formProt",
						 "vAlign",
						 "noEndnote",
						 "titlePg",
						 "textDirection",
						 "bidi",
						 "rtlGutter",
						 "docGrid",
						 "printerSettings",
						 "sectPrChange",
						 NULL};

	for (size_t k = 0; k < ns; k++) {
		xmlNodePtr sz = doc_xml_wchild_ensure(sects[k], "pgSz", sect_order);
		xmlNodePtr mar = doc_xml_wchild_ensure(sects[k], "pgMar", sect_order);
		long v;

		doc_xml_set_wattr_long(sz, "w", pf->page_w);
		doc_xml_set_wattr_long(sz, "h", pf->page_h);
		doc_xml_unset_wattr(sz, "orient");
		doc_xml_set_wattr_long(mar, "top", pf->margin_top);
		doc_xml_set_wattr_long(mar, "bottom", pf->margin_bottom);
		doc_xml_set_wattr_long(mar, "left", pf->margin_left);
		doc_xml_set_wattr_long(mar, "right", pf->margin_right);
		doc_xml_set_wattr_long(mar, "gutter", 0);
		if (!doc_xml_attr_long(mar, NS_W, "header", &v))
			doc_xml_set_wattr_long(mar, "header", 851);
		if (!doc_xml_attr_long(mar, NS_W, "footer", &v))
			doc_xml_set_wattr_long(mar, "footer", 992);
	}
	doc_docx_mark_dirty(doc->docx);
}

/* Does the paragraph hold a PAGE field (simple or complex, any depth)? */
static bool has_page_field(xmlNodePtr p)
{
	char *pat = gw_footer_pattern(p);
	bool yes = strchr(pat, '#') != NULL;

	free(pat);
	return yes;
}

/* Rebuild a footer paragraph as "— " PAGE " —" (GB/T 9704 §7.5), keeping
 * its paragraph properties (the odd/even alignment) and the run format of
 * its first run; every other field (NUMPAGES …) and text goes. */
static void footer_para_rebuild(xmlNodePtr p, const char *font, int sz)
{
	xmlNodePtr like_rpr = NULL;
	xmlNodePtr c;
	xmlNodePtr next;
	xmlNsPtr ns = doc_xml_wns(p);
	xmlNodePtr fld;
	xmlNodePtr r;
	static const char *const parts[] = {"— ", NULL, " —"};

	for (c = p->children; c != NULL && like_rpr == NULL; c = c->next) {
		xmlNodePtr r0 = doc_xml_is(c, NS_W, "r") ? c : doc_xml_child(c, NS_W, "r");

		if (r0 != NULL && doc_xml_child(r0, NS_W, "rPr") != NULL)
			like_rpr = xmlDocCopyNode(doc_xml_child(r0, NS_W, "rPr"), p->doc, 1);
	}
	for (c = p->children; c != NULL; c = next) {
		next = c->next;
		if (doc_xml_is(c, NS_W, "pPr"))
			continue;
		xmlUnlinkNode(c);
		xmlFreeNode(c);
	}
	for (size_t k = 0; k < ARRAY_LEN(parts); k++) {
		if (parts[k] == NULL) {
			fld = xmlNewDocNode(p->doc, ns, (const xmlChar *)"fldSimple", NULL);
			doc_xml_set_wattr(fld, "instr", " PAGE ");
			r = xmlNewDocNode(p->doc, ns, (const xmlChar *)"r", NULL);
			xmlAddChild(fld, r);
			xmlAddChild(r, xmlNewDocNode(p->doc, ns, (const xmlChar *)"t",
						     (const xmlChar *)"1"));
			xmlAddChild(p, fld);
		} else {
			xmlNodePtr t;

			r = xmlNewDocNode(p->doc, ns, (const xmlChar *)"r", NULL);
			xmlAddChild(p, r);
			t = xmlNewDocNode(p->doc, ns, (const xmlChar *)"t", NULL);
			xmlNodeAddContent(t, (const xmlChar *)parts[k]);
			xmlNodeSetSpacePreserve(t, 1);
			xmlAddChild(r, t);
		}
		if (like_rpr != NULL)
			xmlAddPrevSibling(r->children, xmlDocCopyNode(like_rpr, p->doc, 1));
		doc_docx_set_run_font(r, font, font);
		doc_docx_set_run_size(r, sz);
	}
	if (like_rpr != NULL)
		xmlFreeNode(like_rpr);
}

/* Clear the text of a footer paragraph without a page number. */
static void footer_para_clear(xmlNodePtr p)
{
	for (xmlNodePtr c = p->children; c != NULL; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (doc_xml_is(c, NS_W, "t")) {
			xmlNodeSetContent(c, (const xmlChar *)"");
			continue;
		}
		footer_para_clear(c);
	}
}

static void fix_footers(struct gw_doc *doc)
{
	struct gw_footer fts[16];
	size_t nf = gw_docx_footers(doc, fts, ARRAY_LEN(fts));

	for (size_t k = 0; k < nf; k++) {
		xmlNodePtr paras[64];
		size_t np = 0;
		xmlNodePtr root = xmlDocGetRootElement(fts[k].doc);
		bool done = false;

		if (strchr(fts[k].pattern, '#') == NULL || gw_pgno_pattern_ok(fts[k].pattern)) {
			gw_footer_free(&fts[k]);
			continue;
		}
		/* paragraphs may sit in content controls or tables (Word's
		 * "Page Numbers" building block is a w:sdt) */
		np = gw_xml_paras(root, paras, ARRAY_LEN(paras));
		for (size_t j = 0; j < np; j++) {
			if (!done && has_page_field(paras[j])) {
				footer_para_rebuild(paras[j], doc->profile->pgno_font,
						    doc->profile->pgno_sz);
				done = true;
			} else {
				footer_para_clear(paras[j]);
			}
		}
		doc_docx_part_dirty(doc->docx, fts[k].part);
		gw_footer_free(&fts[k]);
	}
}

static void set_run_font_size(xmlNodePtr r, const struct doc_rprops *pr, int want_cat,
			      const char *font, const char *latin, int sz)
{
	if (gw_font_category(pr->ea) != want_cat)
		doc_docx_set_run_font(r, font, latin);
	if (pr->sz != sz)
		doc_docx_set_run_size(r, sz);
}

static void fix_para_fonts(struct gw_doc *doc, size_t i, const char *rule)
{
	const struct gw_profile *pf = doc->profile;
	struct gw_para *p = &doc->paras[i];
	struct gw_run_info runs[GW_MAX_RUNS];
	size_t nr;

	if (strcmp(rule, "GW-FONT-003") == 0 || strcmp(rule, "GW-FONT-004") == 0) {
		size_t span = gw_heading_span(p);
		bool h1 = strcmp(rule, "GW-FONT-003") == 0;

		nr = gw_docx_runs(doc, i, runs, GW_MAX_RUNS);
		for (size_t k = 0; k < nr; k++) {
			if (runs[k].start < span && span < runs[k].end)
				doc_docx_split_run(runs[k].run, span - runs[k].start);
		}
		nr = gw_docx_runs(doc, i, runs, GW_MAX_RUNS);
		for (size_t k = 0; k < nr; k++) {
			if (runs[k].start >= span)
				continue;
			set_run_font_size(
			    runs[k].run, &runs[k].props, h1 ? GW_FONT_HEI : GW_FONT_KAI,
			    h1 ? pf->h1_font : pf->h2_font, pf->latin_font, pf->heading_sz);
		}
		return;
	}
	nr = gw_docx_runs(doc, i, runs, GW_MAX_RUNS);
	for (size_t k = 0; k < nr; k++) {
		if (strcmp(rule, "GW-FONT-001") == 0) {
			set_run_font_size(runs[k].run, &runs[k].props, GW_FONT_FANGSONG,
					  pf->body_font, pf->latin_font, pf->body_sz);
		} else if (strcmp(rule, "GW-FONT-002") == 0) {
			set_run_font_size(runs[k].run, &runs[k].props, GW_FONT_XBS, pf->title_font,
					  pf->latin_font, pf->title_sz);
			if (runs[k].props.bold)
				doc_docx_set_run_bold(runs[k].run, false);
		} else if (strcmp(rule, "GW-FONT-007") == 0) {
			if (gw_run_has_ambiguous_punct(p, &runs[k]))
				doc_docx_set_run_hint_ea(runs[k].run);
		} else if (strcmp(rule, "GW-PAGE-008") == 0) {
			if (runs[k].props.color[0] && strcmp(runs[k].props.color, "auto") != 0 &&
			    strcmp(runs[k].props.color, "000000") != 0)
				doc_docx_set_run_color(runs[k].run, "000000");
		}
	}
	if (strcmp(rule, "GW-FONT-002") == 0) {
		struct doc_pprops pp;

		doc_docx_para_props(doc->docx, p->node, &pp);
		if (strcmp(pp.jc, "center") != 0)
			doc_docx_set_jc(p->node, "center");
	}
}

static void fix_para_indent(struct gw_doc *doc, size_t i, const char *rule)
{
	const struct gw_profile *pf = doc->profile;
	struct doc_pprops pp;
	xmlNodePtr p = doc->paras[i].node;

	doc_docx_para_props(doc->docx, p, &pp);
	if (strcmp(rule, "GW-BODY-010") == 0 && doc->paras[i].role == GW_ROLE_BODY) {
		if (pp.first < pf->first_line_min || pp.first > pf->first_line_max ||
		    labs(pp.left) > 40)
			doc_docx_set_ind(p, 0, pf->first_line, pp.right);
	} else if (strcmp(rule, "GW-BODY-006") == 0 && doc->paras[i].role == GW_ROLE_TO) {
		if (labs(pp.first) > 40 || labs(pp.left) > 40)
			doc_docx_set_ind(p, 0, 0, pp.right);
	} else if (strcmp(rule, "GW-ATT-001") == 0 && doc->paras[i].role == GW_ROLE_ATT) {
		long start = pp.left + pp.first;

		if (start < pf->first_line_min || start > pf->first_line_max)
			doc_docx_set_ind(p, pp.left, pf->first_line - pp.left, pp.right);
	}
}

/* --- text edits -------------------------------------------------------- */

struct pending_edit {
	const struct gw_finding *f;
	const struct gw_edit *e;
	int prio;
};

static int cmp_pending(const void *x, const void *y)
{
	const struct pending_edit *a = x;
	const struct pending_edit *b = y;

	if (a->prio != b->prio)
		return a->prio - b->prio;
	return a->e->start < b->e->start ? -1 : a->e->start > b->e->start;
}

static int cmp_start_desc(const void *x, const void *y)
{
	const struct pending_edit *a = x;
	const struct pending_edit *b = y;

	return a->e->start > b->e->start ? -1 : a->e->start < b->e->start;
}

static bool overlaps(const struct gw_edit *a, const struct gw_edit *b)
{
	if (a->start == a->end || b->start == b->end) /* insertions */
		return a->start >= b->start && a->start <= b->end && b->start >= a->start &&
		       b->start <= a->end;
	return a->start < b->end && b->start < a->end;
}

static size_t apply_para_edits(struct gw_doc *doc, long para, const struct gw_findings *fs,
			       struct gw_fix_report *rep)
{
	struct pending_edit *pe = NULL;
	struct pending_edit *acc = NULL;
	size_t n = 0;
	size_t cap = 0;
	size_t nacc = 0;
	size_t applied = 0;

	for (size_t k = 0; k < fs->n; k++) {
		const struct gw_finding *f = &fs->v[k];

		if (f->para != para || f->fix != GW_FIX_AUTO)
			continue;
		for (size_t j = 0; j < f->nedits; j++) {
			pe = xgrow(pe, &cap, n + 1, sizeof(*pe));
			pe[n].f = f;
			pe[n].e = &f->edits[j];
			pe[n].prio = rule_priority(f->rule);
			n++;
		}
	}
	if (n == 0)
		return 0;
	qsort(pe, n, sizeof(*pe), cmp_pending);
	acc = xmalloc(n * sizeof(*acc));
	for (size_t k = 0; k < n; k++) {
		bool clash = false;

		for (size_t j = 0; j < nacc && !clash; j++)
			clash = overlaps(pe[k].e, acc[j].e);
		if (!clash)
			acc[nacc++] = pe[k];
	}
	qsort(acc, nacc, sizeof(*acc), cmp_start_desc);
	for (size_t k = 0; k < nacc; k++) {
		const struct gw_edit *e = acc[k].e;
		struct gw_para *p = &doc->paras[para];
		char *before = ustr_to_utf8(&p->text, e->start, e->end);
		struct ustr r;
		char *after;
		int rc = 0;

		ustr_init(&r);
		ustr_add(&r, e->rep, e->nrep);
		after = ustr_to_utf8(&r, 0, r.len);
		if (doc->is_docx)
			rc = doc_docx_replace_text(doc->docx, p->node, e->start, e->end, e->rep,
						   e->nrep);
		if (rc == 0) {
			char what[512];

			ustr_splice(&p->text, e->start, e->end, e->rep, e->nrep);
			snprintf(what, sizeof(what), "“%s”→“%s”", before, after);
			logf_change(rep, acc[k].f, what);
			applied++;
		}
		free(before);
		free(after);
		ustr_free(&r);
	}
	free(pe);
	free(acc);
	return applied;
}

static size_t fix_pass(struct gw_doc *doc, const struct gw_findings *fs, struct gw_fix_report *rep)
{
	size_t applied = 0;
	bool page_done = false;
	bool pgno_done = false;

	for (size_t k = 0; k < fs->n; k++) {
		const struct gw_finding *f = &fs->v[k];

		if (f->fix != GW_FIX_AUTO || !doc->is_docx)
			continue;
		if (gw_layout_fix(doc, f) || gw_extra_fix(doc, f)) {
			doc_docx_mark_dirty(doc->docx);
			logf_change(rep, f, "已按规范调整");
			applied++;
		} else if (strncmp(f->rule, "GW-PAGE-00", 10) == 0 && f->para < 0) {
			if (!page_done) {
				fix_page(doc);
				page_done = true;
			}
			logf_change(rep, f, "已按规范重设页面");
			applied++;
		} else if (rule_is(f, "GW-PGNO-001")) {
			if (!pgno_done) {
				fix_footers(doc);
				pgno_done = true;
			}
			logf_change(rep, f, "页码改为“— N —”");
			applied++;
		} else if (f->para >= 0 &&
			   (strncmp(f->rule, "GW-FONT-", 8) == 0 || rule_is(f, "GW-PAGE-008"))) {
			fix_para_fonts(doc, (size_t)f->para, f->rule);
			doc_docx_mark_dirty(doc->docx);
			logf_change(rep, f, "已改字体字号");
			applied++;
		} else if (f->para >= 0 &&
			   (rule_is(f, "GW-BODY-010") || rule_is(f, "GW-BODY-006") ||
			    rule_is(f, "GW-ATT-001"))) {
			fix_para_indent(doc, (size_t)f->para, f->rule);
			doc_docx_mark_dirty(doc->docx);
			if (f->nedits == 0) {
				logf_change(rep, f, "已改缩进");
				applied++;
			}
		}
	}
	for (size_t i = 0; i < doc->n; i++)
		applied += apply_para_edits(doc, (long)i, fs, rep);
	return applied;
}

static void add_comments(struct gw_doc *doc, const struct gw_findings *fs,
			 struct gw_fix_report *rep, struct err *e)
{
	for (size_t k = 0; k < fs->n; k++) {
		const struct gw_finding *f = &fs->v[k];
		long para = f->para;
		struct buf text;

		if (f->fix == GW_FIX_AUTO || f->severity == GW_SEV_INFO)
			continue;
		if (para < 0)
			para = doc->title >= 0 ? doc->title : 0;
		if ((size_t)para >= doc->n)
			continue;
		buf_init(&text, 8192);
		buf_addf(&text, "[%s] %s", f->rule, f->message);
		if (f->suggestion != NULL && f->suggestion[0] != '\0')
			buf_addf(&text, "。建议：%s", f->suggestion);
		if (doc_docx_add_comment(doc->docx, doc->paras[para].node, "数智公文校对", text.p,
					 e) == 0 &&
		    rep != NULL)
			rep->commented++;
		buf_free(&text);
	}
}

int gw_fix(struct gw_doc *doc, bool add_comments_flag, struct gw_fix_report *rep, struct err *e)
{
	struct gw_findings fs;

	if (doc->is_docx && doc->docx->readonly)
		return err_set(e, BASE_E_USAGE, "%s: 以只读方式打开的文档不能修改", doc->file);
	doc->fixing = true;
	for (int pass = 0; pass < GW_FIX_PASSES; pass++) {
		size_t applied;

		gw_findings_init(&fs);
		gw_check(doc, &fs);
		applied = fix_pass(doc, &fs, rep);
		gw_findings_free(&fs);
		if (rep != NULL)
			rep->applied += applied;
		if (applied == 0)
			break;
		gw_doc_refresh(doc);
	}
	doc->fixing = false;
	if (doc->is_docx && add_comments_flag) {
		gw_findings_init(&fs);
		gw_check(doc, &fs);
		add_comments(doc, &fs, rep, e);
		gw_findings_free(&fs);
	}
	return 0;
}

int gw_doc_save(struct gw_doc *doc, const char *path, struct err *e)
{
	struct buf b;
	int rc;

	if (doc->is_docx)
		return doc_docx_save(doc->docx, path, e);
	buf_init(&b, (size_t)1 << 30);
	for (size_t i = 0; i < doc->n; i++) {
		text_buf_add_ucs(&b, doc->paras[i].text.p, doc->paras[i].text.len);
		if (i + 1 < doc->n || doc->final_newline)
			buf_adds(&b, doc->crlf ? "\r\n" : "\n");
	}
	rc = base_write_file_atomic(path, b.p ? b.p : "", b.len, e);
	buf_free(&b);
	return rc;
}
