/* gongwen/docx_util: .docx views used by the rules and the fixer (internal). */
#ifndef SHUZHI_GONGWEN_DOCX_UTIL_H
#define SHUZHI_GONGWEN_DOCX_UTIL_H

#include "gongwen/gongwen.h"

#define GW_MAX_RUNS 512

struct gw_page {
	long w, h, top, bottom, left, right, gutter, footer;
	bool landscape;
	bool has_sz;
	bool has_mar;
};

/* A text-carrying run of a paragraph: [start,end) in the paragraph text. */
struct gw_run_info {
	xmlNodePtr run;
	size_t start;
	size_t end;
	struct doc_rprops props;
};

struct gw_footer {
	char *part;
	char *pattern; /* text with PAGE -> '#', NUMPAGES -> '%', other fields '?' */
	xmlDocPtr doc;
};

/* Every w:sectPr in the body (any depth). */
size_t gw_docx_all_sections(const struct doc_docx *d, xmlNodePtr *out, size_t max);
/* The same for a gw_doc: inside gw_check the walk is done once and shared. */
size_t gw_doc_sections(const struct gw_doc *doc, xmlNodePtr *out, size_t max);
void gw_docx_page(xmlNodePtr sect, struct gw_page *pg);
/* Inside gw_check the run lists below are computed once per paragraph:
 * several rule groups read the same runs and resolving their effective
 * properties is the costly part. */
void gw_run_cache_begin(struct gw_doc *doc);
void gw_run_cache_end(struct gw_doc *doc);
/* doc_docx_para_props of paragraph node p, computed once per node inside
 * gw_check. */
void gw_para_props(const struct gw_doc *doc, xmlNodePtr p, struct doc_pprops *out);
/* gw_para_props of paragraph i's node without copying: inside gw_check
 * kept by paragraph index (read-only, valid until gw_run_cache_end); else
 * computed into buf. */
const struct doc_pprops *gw_para_props_at(const struct gw_doc *doc, size_t i,
					  struct doc_pprops *buf);
/* Runs whose text is not only whitespace (at most max). */
size_t gw_docx_runs(const struct gw_doc *doc, size_t i, struct gw_run_info *out, size_t max);
/* The same runs without copying them (*n of them, at most max): inside
 * gw_check the cached list itself, read-only and valid until runs of
 * another paragraph are asked for; else computed into buf (max entries). */
const struct gw_run_info *gw_docx_runs_ref(const struct gw_doc *doc, size_t i,
					   struct gw_run_info *buf, size_t max, size_t *n);
/* Heading part of a run-in heading: up to and including the first "。". */
size_t gw_heading_span(const struct gw_para *p);
bool gw_run_has_ambiguous_punct(const struct gw_para *p, const struct gw_run_info *r);
/* Footers referenced by any section, with their page-number pattern. */
size_t gw_docx_footers(struct gw_doc *doc, struct gw_footer *out, size_t max);
void gw_footer_free(struct gw_footer *f);
char *gw_footer_pattern(xmlNodePtr root);
/* The local names of the elements gw_footer_pattern takes text from (any
 * namespace; it needs w:): a part without them has the empty pattern. */
#define GW_PATTERN_NELEMS 4
extern const char *const gw_pattern_elems[GW_PATTERN_NELEMS];
/* Every w:p below root (any depth: content controls, tables), in order. */
size_t gw_xml_paras(xmlNodePtr root, xmlNodePtr *out, size_t max);
bool gw_pgno_pattern_ok(const char *pattern);

#endif
