/* gongwen/docx_util: .docx views used by the rules and the fixer. */
#include "gongwen/docx_util.h"

#include <stdlib.h>
#include <string.h>

#include "text/regex.h"

/* Every w:sectPr below root in document order, not looking inside one:
 * a pre-order walk of the elements that climbs back by the parent links
 * instead of recursing (it visits every element of the body). */
static size_t collect_sects(xmlNodePtr root, xmlNodePtr *out, size_t max)
{
	size_t k = 0;
	xmlNodePtr c = root->children;

	while (c != NULL) {
		if (c->type == XML_ELEMENT_NODE) {
			/* two letters before doc_xml_is (sz, szCs, spacing, shd
			 * start with 's' too) */
			if (c->name[0] == 's' && c->name[1] == 'e' &&
			    doc_xml_is(c, NS_W, "sectPr")) {
				if (k < max)
					out[k++] = c;
			} else if (c->children != NULL) {
				c = c->children;
				continue;
			}
		}
		while (c->next == NULL) {
			c = c->parent;
			if (c == root || c == NULL)
				return k;
		}
		c = c->next;
	}
	return k;
}

size_t gw_docx_all_sections(const struct doc_docx *d, xmlNodePtr *out, size_t max)
{
	return collect_sects(d->body, out, max);
}

/* The child of the body that n lies below (NULL: none). */
static xmlNodePtr body_child_of(xmlNodePtr n, const xmlNode *body)
{
	while (n != NULL && n->parent != body)
		n = n->parent;
	return n;
}

/* gw_docx_all_sections of a document whose body paragraphs' w:sectPr the
 * text walk kept (doc->para_sects, in document order): those are taken as
 * kept, the body's other children walked as collect_sects would. */
static size_t sections_from_paras(const struct gw_doc *doc, xmlNodePtr *out, size_t max)
{
	const xmlNode *body = doc->docx->body;
	size_t k = 0;
	size_t j = 0; /* the next body paragraph */
	size_t s = 0; /* the next kept sectPr */
	xmlNodePtr top = doc->npara_sects > 0 ? body_child_of(doc->para_sects[0], body) : NULL;

	for (xmlNodePtr c = body->children; c != NULL; c = c->next) {
		if (j < doc->n && c == doc->paras[j].node) {
			j++;
			while (s < doc->npara_sects && top == c) {
				if (k < max)
					out[k++] = doc->para_sects[s];
				s++;
				top = s < doc->npara_sects ? body_child_of(doc->para_sects[s], body)
							   : NULL;
			}
		} else if (c->type == XML_ELEMENT_NODE) {
			if (c->name[0] == 's' && c->name[1] == 'e' &&
			    doc_xml_is(c, NS_W, "sectPr")) {
				if (k < max)
					out[k++] = c;
			} else if (c->children != NULL) {
				k += collect_sects(c, out + k, max - k);
			}
		}
	}
	return k;
}

/* What gw_check computes once and the rule groups share (doc->run_cache):
 * the body does not change while the rules run. */
#define SECT_CACHE_MAX 256

struct run_cache_entry {
	bool valid;
	bool pp_valid; /* check_cache.ppi[i] holds the paragraph's properties */
	size_t n;
	size_t off; /* into check_cache.runv */
};

struct pp_slot {
	const xmlNode *node; /* NULL: free */
	size_t idx;	     /* into check_cache.ppv */
};

struct check_cache {
	struct run_cache_entry *paras;
	struct pp_slot *pps;	/* paragraph properties by node, open addressing */
	size_t pps_cap;		/* power of two, at most half full */
	size_t pps_n;		/* entries, = used part of ppv */
	struct doc_pprops *ppv; /* the properties (the slots stay small) */
	size_t ppv_cap;
	struct doc_pprops *ppi;	     /* by paragraph index (gw_para_props_at), made on first use */
	struct gw_run_info *scratch; /* GW_MAX_RUNS runs: where a paragraph's are computed */
	struct gw_run_info *runv;    /* every paragraph's runs, one after another */
	size_t runv_n;
	size_t runv_cap;
	bool sects_valid;
	size_t nsects; /* first SECT_CACHE_MAX sections in document order */
	xmlNodePtr sects[SECT_CACHE_MAX];
};

size_t gw_doc_sections(const struct gw_doc *doc, xmlNodePtr *out, size_t max)
{
	struct check_cache *c = doc->run_cache;
	size_t n;

	if (c == NULL || max > SECT_CACHE_MAX)
		return gw_docx_all_sections(doc->docx, out, max);
	if (!c->sects_valid) {
		c->nsects = doc->para_sects_ok
				? sections_from_paras(doc, c->sects, SECT_CACHE_MAX)
				: gw_docx_all_sections(doc->docx, c->sects, SECT_CACHE_MAX);
		c->sects_valid = true;
	}
	n = c->nsects < max ? c->nsects : max;
	memcpy(out, c->sects, n * sizeof(*out));
	return n;
}

void gw_docx_page(xmlNodePtr sect, struct gw_page *pg)
{
	xmlNodePtr sz = doc_xml_child(sect, NS_W, "pgSz");
	xmlNodePtr mar = doc_xml_child(sect, NS_W, "pgMar");

	memset(pg, 0, sizeof(*pg));
	if (sz != NULL) {
		pg->has_sz = true;
		doc_xml_attr_long(sz, NS_W, "w", &pg->w);
		doc_xml_attr_long(sz, NS_W, "h", &pg->h);
		pg->landscape = doc_xml_attr_eq(sz, NS_W, "orient", "landscape");
	}
	if (mar != NULL) {
		pg->has_mar = true;
		doc_xml_attr_long(mar, NS_W, "top", &pg->top);
		doc_xml_attr_long(mar, NS_W, "bottom", &pg->bottom);
		doc_xml_attr_long(mar, NS_W, "left", &pg->left);
		doc_xml_attr_long(mar, NS_W, "right", &pg->right);
		doc_xml_attr_long(mar, NS_W, "gutter", &pg->gutter);
		doc_xml_attr_long(mar, NS_W, "footer", &pg->footer);
	}
}

void gw_run_cache_begin(struct gw_doc *doc)
{
	struct check_cache *c;

	if (!doc->is_docx || doc->run_cache != NULL)
		return;
	c = xcalloc(1, sizeof(*c));
	c->paras = xcalloc(doc->n ? doc->n : 1, sizeof(*c->paras));
	/* room for two runs with text per paragraph before runv grows */
	c->runv = xgrow(NULL, &c->runv_cap, 2 * doc->n + 8, sizeof(*c->runv));
	doc->run_cache = c;
}

void gw_run_cache_end(struct gw_doc *doc)
{
	struct check_cache *c = doc->run_cache;

	if (c == NULL)
		return;
	free(c->runv);
	free(c->paras);
	free(c->scratch);
	free(c->pps);
	free(c->ppv);
	free(c->ppi);
	free(c);
	doc->run_cache = NULL;
}

static size_t node_slot(const struct pp_slot *v, size_t cap, const xmlNode *node)
{
	size_t i = (size_t)(((uint64_t)(uintptr_t)node * 0x9E3779B97F4A7C15u) >> 32) & (cap - 1);

	while (v[i].node != NULL && v[i].node != node)
		i = (i + 1) & (cap - 1);
	return i;
}

void gw_para_props(const struct gw_doc *doc, xmlNodePtr p, struct doc_pprops *out)
{
	struct check_cache *c = doc->run_cache;
	size_t i;

	/* a read-only document caches them by node itself */
	if (c == NULL || p == NULL || doc->docx->pp_cache != NULL) {
		doc_docx_para_props(doc->docx, p, out);
		return;
	}
	if (2 * (c->pps_n + 1) > c->pps_cap) {
		struct pp_slot *old = c->pps;
		size_t oldcap = c->pps_cap;

		c->pps_cap = oldcap ? 2 * oldcap : 64;
		c->pps = xcalloc(c->pps_cap, sizeof(*c->pps));
		for (size_t k = 0; k < oldcap; k++) {
			if (old[k].node != NULL)
				c->pps[node_slot(c->pps, c->pps_cap, old[k].node)] = old[k];
		}
		free(old);
	}
	i = node_slot(c->pps, c->pps_cap, p);
	if (c->pps[i].node == NULL) {
		c->ppv = xgrow(c->ppv, &c->ppv_cap, c->pps_n + 1, sizeof(*c->ppv));
		doc_docx_para_props(doc->docx, p, &c->ppv[c->pps_n]);
		c->pps[i].node = p;
		c->pps[i].idx = c->pps_n++;
	}
	*out = c->ppv[c->pps[i].idx];
}

const struct doc_pprops *gw_para_props_at(const struct gw_doc *doc, size_t i,
					  struct doc_pprops *buf)
{
	struct check_cache *c = doc->run_cache;

	if (c == NULL) {
		gw_para_props(doc, doc->paras[i].node, buf);
		return buf;
	}
	if (!c->paras[i].pp_valid) {
		if (c->ppi == NULL)
			c->ppi = xmalloc((doc->n ? doc->n : 1) * sizeof(*c->ppi));
		gw_para_props(doc, doc->paras[i].node, &c->ppi[i]);
		c->paras[i].pp_valid = true;
	}
	return &c->ppi[i];
}

static size_t runs_compute(const struct gw_doc *doc, size_t i, struct gw_run_info *out, size_t max);

/* Paragraph i's runs in the check cache cc, computed on first use. */
static const struct gw_run_info *runs_cached(const struct gw_doc *doc, struct check_cache *cc,
					     size_t i, size_t *n)
{
	struct run_cache_entry *c = cc->paras;

	if (!c[i].valid && doc->paras[i].segs != NULL) {
		/* kept one after another in runv (one allocation, not one per
		 * paragraph); from the segments there are at most as many
		 * runs as segments, so they are computed in place */
		size_t bound =
		    doc->paras[i].nsegs < GW_MAX_RUNS ? doc->paras[i].nsegs : GW_MAX_RUNS;

		cc->runv = xgrow(cc->runv, &cc->runv_cap, cc->runv_n + bound, sizeof(*cc->runv));
		c[i].n = runs_compute(doc, i, cc->runv + cc->runv_n, bound);
		c[i].off = cc->runv_n;
		cc->runv_n += c[i].n;
		c[i].valid = true;
	} else if (!c[i].valid) {
		/* else computed in one buffer for all such paragraphs */
		if (cc->scratch == NULL)
			cc->scratch = xmalloc(GW_MAX_RUNS * sizeof(*cc->scratch));
		c[i].n = runs_compute(doc, i, cc->scratch, GW_MAX_RUNS);
		cc->runv = xgrow(cc->runv, &cc->runv_cap, cc->runv_n + c[i].n, sizeof(*cc->runv));
		if (c[i].n > 0)
			memcpy(cc->runv + cc->runv_n, cc->scratch, c[i].n * sizeof(*cc->runv));
		c[i].off = cc->runv_n;
		cc->runv_n += c[i].n;
		c[i].valid = true;
	}
	*n = c[i].n;
	return cc->runv + c[i].off;
}

size_t gw_docx_runs(const struct gw_doc *doc, size_t i, struct gw_run_info *out, size_t max)
{
	const struct gw_run_info *v;
	size_t n;

	if (doc->run_cache == NULL)
		return runs_compute(doc, i, out, max);
	v = runs_cached(doc, doc->run_cache, i, &n);
	n = n < max ? n : max;
	if (n > 0)
		memcpy(out, v, n * sizeof(*out));
	return n;
}

const struct gw_run_info *gw_docx_runs_ref(const struct gw_doc *doc, size_t i,
					   struct gw_run_info *buf, size_t max, size_t *n)
{
	const struct gw_run_info *v;

	if (doc->run_cache == NULL) {
		*n = runs_compute(doc, i, buf, max);
		return buf;
	}
	v = runs_cached(doc, doc->run_cache, i, n);
	*n = *n < max ? *n : max;
	return v;
}

/* Runs with visible text of paragraph node p, from its text and segments. */
static size_t runs_from_segs(const struct gw_doc *doc, xmlNodePtr p, const uint32_t *text,
			     const struct doc_seg *segs, size_t nsegs, struct gw_run_info *out,
			     size_t max)
{
	size_t n = 0;

	for (size_t k = 0; k < nsegs;) {
		xmlNodePtr r = segs[k].run;
		size_t start = segs[k].start;
		size_t end = start;
		bool vis = false;

		while (k < nsegs && segs[k].run == r) {
			end = segs[k].start + segs[k].len;
			k++;
		}
		for (size_t j = start; j < end && !vis; j++)
			vis = !text_is_ws(text[j]);
		if (!vis || n >= max)
			continue;
		out[n].run = r;
		out[n].start = start;
		out[n].end = end;
		doc_docx_run_props(doc->docx, p, r, &out[n].props);
		n++;
	}
	return n;
}

static size_t runs_compute(const struct gw_doc *doc, size_t i, struct gw_run_info *out, size_t max)
{
	const struct gw_para *gp = &doc->paras[i];
	struct doc_ptext pt;
	size_t n;

	/* Inside gw_check the body does not change: the text and segments
	 * kept when the document was loaded or last refreshed are what
	 * doc_docx_para_text would give. The fixer (no cache) edits runs
	 * between calls, so it walks the paragraph again. */
	if (doc->run_cache != NULL && gp->segs != NULL)
		return runs_from_segs(doc, gp->node, gp->text.p, gp->segs, gp->nsegs, out, max);
	doc_ptext_init(&pt);
	doc_docx_para_text(gp->node, &pt);
	n = runs_from_segs(doc, gp->node, pt.text.p, pt.segs, pt.nsegs, out, max);
	doc_ptext_free(&pt);
	return n;
}

size_t gw_heading_span(const struct gw_para *p)
{
	long k = text_ucs_find(p->text.p, p->text.len, 0, "。");

	return k < 0 ? p->text.len : (size_t)k + 1;
}

bool gw_run_has_ambiguous_punct(const struct gw_para *p, const struct gw_run_info *r)
{
	if (!(p->chars & GW_C_AMBIG))
		return false;
	for (size_t k = r->start; k < r->end && k < p->text.len; k++) {
		uint32_t c = p->text.p[k];

		if (c == 0x201C || c == 0x201D || c == 0x2018 || c == 0x2019 || c == 0x2014 ||
		    c == 0x2026 || c == 0x00B7)
			return true;
	}
	return false;
}

static void field_code(const char *instr, struct buf *b)
{
	size_t i = 0;
	size_t j;

	while (instr[i] == ' ' || instr[i] == '\t')
		i++;
	j = i;
	while (instr[j] != '\0' && instr[j] != ' ' && instr[j] != '\t')
		j++;
	if (j - i == 4 && strncasecmp(instr + i, "PAGE", 4) == 0)
		buf_addc(b, '#');
	else if (j - i == 8 && strncasecmp(instr + i, "NUMPAGES", 8) == 0)
		buf_addc(b, '%');
	else
		buf_addc(b, '?');
}

struct fld_state {
	struct buf *out;
	struct buf instr[8];
	size_t depth;
	size_t ninit; /* instr[0..ninit) initialised (only fields use them) */
};

/* xmlNodeGetContent(c) appended to b: the common case, one text child,
 * read in place. */
static void add_content(struct buf *b, xmlNodePtr c)
{
	xmlChar *s;

	if (c->children == NULL)
		return;
	if (c->children->next == NULL && c->children->type == XML_TEXT_NODE) {
		if (c->children->content != NULL)
			buf_adds(b, (const char *)c->children->content);
		return;
	}
	s = xmlNodeGetContent(c);
	buf_adds(b, s ? (const char *)s : "");
	xmlFree(s);
}

/* footer_elem for w:fldSimple and w:fldChar. */
static bool footer_field(xmlNodePtr c, struct fld_state *st)
{
	if (doc_xml_is(c, NS_W, "fldSimple")) {
		xmlChar *owned;
		const char *ins = doc_xml_attr_ref(c, NS_W, "instr", &owned);

		field_code(ins ? ins : "", st->out);
		xmlFree(owned);
		return false; /* its result text is not part of the pattern */
	}
	if (doc_xml_is(c, NS_W, "fldChar")) {
		xmlChar *owned;
		const char *t = doc_xml_attr_ref(c, NS_W, "fldCharType", &owned);

		if (t != NULL && strcmp(t, "begin") == 0) {
			if (st->depth < ARRAY_LEN(st->instr)) {
				if (st->depth == st->ninit)
					buf_init(&st->instr[st->ninit++], 4096);
				buf_reset(&st->instr[st->depth]);
			}
			st->depth++;
		} else if (t != NULL && strcmp(t, "end") == 0 && st->depth > 0) {
			st->depth--;
			if (st->depth < ARRAY_LEN(st->instr))
				field_code(st->instr[st->depth].p ? st->instr[st->depth].p : "",
					   st->out);
		}
		xmlFree(owned);
	}
	return true;
}

/* footer_walk at element c; false: not below it. */
static bool footer_elem(xmlNodePtr c, struct fld_state *st)
{
	/* (fldSimple, fldChar, instrText, t, tab: the first byte rules out
	 * most elements and picks the names to compare) */
	if (c->name[0] == 'f')
		return footer_field(c, st);
	if (c->name[0] == 'i') {
		if (st->depth > 0 && st->depth <= ARRAY_LEN(st->instr) &&
		    doc_xml_is(c, NS_W, "instrText"))
			add_content(&st->instr[st->depth - 1], c);
	} else if (c->name[0] == 't' && st->depth == 0) {
		if (doc_xml_is(c, NS_W, "t"))
			add_content(st->out, c);
		else if (doc_xml_is(c, NS_W, "tab") && c->parent != NULL &&
			 doc_xml_is(c->parent, NS_W, "r"))
			buf_addc(st->out, '\t');
	}
	return true;
}

static void footer_walk(xmlNodePtr n, struct fld_state *st)
{
	for (xmlNodePtr c = n->children; c != NULL; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if ((c->name[0] == 'f' || c->name[0] == 'i' || c->name[0] == 't') &&
		    !footer_elem(c, st))
			continue;
		if (c->children != NULL)
			footer_walk(c, st);
	}
}

static void collect_paras(xmlNodePtr n, xmlNodePtr *out, size_t max, size_t *k)
{
	for (xmlNodePtr c = n->children; c != NULL; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		/* (the name test first: most elements are not "p") */
		if (c->name[0] == 'p' && c->name[1] == '\0' && doc_xml_is(c, NS_W, "p") && *k < max)
			out[(*k)++] = c;
		if (c->children != NULL)
			collect_paras(c, out, max, k);
	}
}

size_t gw_xml_paras(xmlNodePtr root, xmlNodePtr *out, size_t max)
{
	size_t k = 0;

	collect_paras(root, out, max, &k);
	return k;
}

static bool blank_utf8(const char *s)
{
	for (; *s; s++) {
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return false;
	}
	return true;
}

char *gw_footer_pattern(xmlNodePtr root)
{
	xmlNodePtr paras[256];
	size_t np = 0;
	struct buf all;
	struct buf line;

	buf_init(&all, 1 << 20);
	buf_init(&line, 1 << 20);
	if (doc_xml_is(root, NS_W, "p"))
		paras[np++] = root;
	else
		collect_paras(root, paras, ARRAY_LEN(paras), &np);
	for (size_t k = 0; k < np; k++) {
		struct fld_state st;

		st.out = &line;
		st.depth = 0;
		st.ninit = 0;
		buf_reset(&line);
		footer_walk(paras[k], &st);
		for (size_t j = 0; j < st.ninit; j++)
			buf_free(&st.instr[j]);
		if (line.p != NULL && !blank_utf8(line.p)) {
			if (all.len > 0)
				buf_addc(&all, '\n');
			buf_adds(&all, line.p);
		}
	}
	buf_free(&line);
	return buf_detach(&all, NULL);
}

bool gw_pgno_pattern_ok(const char *pattern)
{
	struct ustr u;
	bool ok;

	ustr_init(&u);
	ustr_add_cstr(&u, pattern);
	ok = text_re_has("^\\s*—\\s*#\\s*—\\s*$", u.p, u.len);
	ustr_free(&u);
	return ok;
}

/* The elements gw_footer_pattern takes text from (footer_elem): a part
 * without any has the empty pattern. */
const char *const gw_pattern_elems[GW_PATTERN_NELEMS] = {"t", "tab", "fldSimple", "fldChar"};

size_t gw_docx_footers(struct gw_doc *doc, struct gw_footer *out, size_t max)
{
	xmlNodePtr sects[64];
	size_t ns = gw_doc_sections(doc, sects, ARRAY_LEN(sects));
	size_t n = 0;

	for (size_t k = 0; k < ns; k++) {
		for (xmlNodePtr c = sects[k]->children; c != NULL; c = c->next) {
			xmlChar *owned;
			const char *rid;
			const char *target;
			xmlDocPtr fdoc;
			bool dup = false;

			if (!doc_xml_is(c, NS_W, "footerReference"))
				continue;
			rid = doc_xml_attr_ref(c, NS_R, "id", &owned);
			target = rid ? doc_docx_rel_target(doc->docx, rid) : NULL;
			xmlFree(owned);
			if (target == NULL)
				continue;
			for (size_t j = 0; j < n; j++)
				dup = dup || strcmp(out[j].part, target) == 0;
			if (dup || n >= max)
				continue;
			/* (no prefilter as for headers: a 公文's footers have the
			 * page number, the scan would only add to the parse) */
			fdoc = doc_docx_part(doc->docx, target, NULL);
			if (fdoc == NULL)
				continue;
			out[n].part = xstrdup(target);
			out[n].doc = fdoc;
			out[n].pattern = gw_footer_pattern(xmlDocGetRootElement(fdoc));
			n++;
		}
	}
	return n;
}

void gw_footer_free(struct gw_footer *f)
{
	free(f->part);
	free(f->pattern);
}
