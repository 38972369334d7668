/*
 * doc/docx: the .docx document model.
 *
 * A struct doc_docx holds the package (safe ZIP), the parsed main part, its
 * relationships, styles, theme fonts and the parts loaded on demand (footers,
 * settings). Paragraphs are the direct w:p children of w:body, in order.
 *
 * Effective properties follow ECMA-376 §17.7.2: docDefaults -> paragraph
 * style chain (w:basedOn) -> character style chain -> direct formatting;
 * w:*Theme font attributes resolve through the theme (a:minorFont/a:ea, else
 * the "Hans" script font) and win over explicit names.
 *
 * Editing happens in the DOM; doc_docx_save() writes a new package with every
 * untouched part copied byte for byte. The input file is never written.
 * Ownership: everything hangs off struct doc_docx and is freed by
 * doc_docx_free(); returned strings are owned by the caller unless noted.
 */
#ifndef SHUZHI_DOC_DOCX_H
#define SHUZHI_DOC_DOCX_H

#include <libxml/tree.h>
#include <stdbool.h>

#include "base/base.h"
#include "doc/xml.h"
#include "doc/zip.h"
#include "text/text.h"

struct doc_styles_lazy;

struct doc_style {
	char *id;
	char *type; /* "paragraph", "character", "table", "numbering" */
	char *based_on;
	char *name;
	xmlNodePtr ppr;
	xmlNodePtr rpr;
	bool is_default;
};

struct doc_rel {
	char *id;
	char *type;   /* full relationship type URI */
	char *target; /* resolved part name, "" for external */
};

struct doc_part {
	char *name;
	xmlDocPtr doc;
	bool dirty;
};

struct doc_numbering;

struct doc_docx {
	char *path;
	struct doc_zip *zip;
	char *main_name;
	xmlDocPtr doc;
	xmlNodePtr body;
	xmlNodePtr *paras;
	size_t npara;
	struct doc_rel *rels;
	size_t nrels;
	struct doc_style *styles;
	size_t nstyles;
	const char *default_pstyle;
	xmlNodePtr dd_rpr;
	xmlNodePtr dd_ppr;
	char *theme_minor_ea;
	char *theme_major_ea;
	char *theme_minor_latin;
	char *theme_major_latin;
	bool theme_loaded;    /* the four above are read on first use (theme_lookup) */
	xmlDocPtr styles_doc; /* filtered view of styles.xml (read-only) */
	/* read-only, plain styles.xml: each style's content is parsed on first
	 * use (doc/docx_styles.h); NULL otherwise */
	struct doc_styles_lazy *styles_lazy;
	struct doc_numbering *numbering; /* loaded on first use */
	struct doc_part *parts;		 /* other XML parts loaded for reading/editing */
	size_t nparts;
	size_t parts_cap;
	bool readonly; /* opened for checking: XML parts are doc/xmlfast trees */
	/* read-only: docDefaults + style chain properties per paragraph style
	 * (nstyles + 1 slots, the last for none), filled on first use */
	struct doc_style_base *style_base;
	/* read-only: paragraph properties by node and by recent w:pPr content,
	 * the last paragraph's style base for its runs (doc/docx.c) */
	struct doc_pp_cache *pp_cache;
	/* read-only: doc_docx_warm_start()'s job while it runs, else NULL */
	struct doc_warm *warm;
};

/* Effective run properties. Strings are "" when unset. */
struct doc_rprops {
	char ea[96];
	char ascii[96];
	char hansi[96];
	int sz; /* half-points; 0 when unset anywhere */
	bool bold;
	bool italic;
	bool underline;
	bool strike;
	char color[16];
	char highlight[16];
	bool hint_ea;
};

/* Effective paragraph properties. Indents in twips with character units
 * converted at 320 twips per character (3号), the convention of GB/T 9704. */
struct doc_pprops {
	char jc[16];
	long left;
	long first; /* first-line offset: > 0 first-line indent, < 0 hanging */
	long right;
	long line;
	char line_rule[12];
	bool has_line;
	char style_id[96];
	int num_id;
	int num_ilvl;
};

/* A text segment of a paragraph: one w:t, w:tab or w:br/w:cr. */
enum { DOC_SEG_TEXT, DOC_SEG_TAB, DOC_SEG_BREAK };
struct doc_seg {
	xmlNodePtr run;
	xmlNodePtr node;
	size_t start; /* code-point offset in the paragraph text */
	size_t len;
	int kind;
};

struct doc_ptext {
	struct ustr text;
	struct doc_seg *segs;
	size_t nsegs;
	size_t segs_cap;
	/* keep_sects set by the caller: the walk also appends the w:sectPr
	 * it meets below the paragraph, in document order, not looking
	 * inside one (what a walk of the whole body for sections finds
	 * there) */
	bool keep_sects;
	xmlNodePtr *sects;
	size_t nsects;
	size_t sects_cap;
};

/* Open and parse a .docx. Errors name the file and the reason. */
int doc_docx_open(const char *path, struct doc_docx **out, struct err *e);
int doc_docx_open_mem(const void *data, size_t len, const char *label, struct doc_docx **out,
		      struct err *e);
void doc_docx_free(struct doc_docx *d);
/* Open for reading only (checking): the XML parts are built by doc/xmlfast
 * where it accepts them (same trees, no libxml2 parser), else parsed as by
 * doc_docx_open. The trees must not be edited; doc_docx_save refuses. */
int doc_docx_open_check(const char *path, struct doc_docx **out, struct err *e);
int doc_docx_open_check_mem(const void *data, size_t len, const char *label, struct doc_docx **out,
			    struct err *e);
/* True when a and b list the same styles (ids, types, bases, names,
 * defaults, property subtrees) and document defaults: the read-only open
 * against the DOM open in the differential unit test and fuzz target. */
bool doc_docx_same_styles(const struct doc_docx *a, const struct doc_docx *b);
/* A relationship's target resolved against the source part's folder
 * (base_dir, "" for the package root; a target starting with '/' is from
 * the root): "." and empty segments dropped, ".." going up (never above the
 * root). malloc'd. Exposed for tests. */
char *doc_docx_resolve_target(const char *base_dir, const char *target);
/* styles.xml without its table and numbering styles and w:latentStyles, cut
 * textually (what checking parses); NULL when the input does not look as
 * expected. Exposed for tests. */
char *doc_docx_shrink_styles(const char *data, size_t len, size_t *out_len);

/* Paragraph text as python-docx/oracle see it: every w:r descendant not
 * inside w:del/w:moveFrom; w:t text, w:tab -> '\t', w:br/w:cr -> '\n'. */
void doc_ptext_init(struct doc_ptext *t);
void doc_ptext_free(struct doc_ptext *t);
void doc_docx_para_text(xmlNodePtr p, struct doc_ptext *out);
/* The same appended to out: p's text after out->text, its segments after
 * out->segs, their starts counted from where p's text begins (so many
 * paragraphs can share one text buffer and one segment array). */
void doc_docx_para_text_add(xmlNodePtr p, struct doc_ptext *out);

void doc_docx_run_props(const struct doc_docx *d, xmlNodePtr p, xmlNodePtr r,
			struct doc_rprops *out);
void doc_docx_para_props(const struct doc_docx *d, xmlNodePtr p, struct doc_pprops *out);
/* Opened for checking: the effective properties of every body paragraph
 * are computed on base/side's helper thread into the cache
 * doc_docx_para_props() answers from, while the caller does other work.
 * Until doc_docx_warm_finish(d) the caller may only read d's tree (d->doc,
 * d->body, d->paras, d->npara): no other doc_docx_* call on d. Without a
 * pp_cache (not opened for checking) both do nothing; doc_docx_free()
 * finishes a job still running. */
void doc_docx_warm_start(struct doc_docx *d);
void doc_docx_warm_finish(struct doc_docx *d);
const struct doc_style *doc_docx_style(const struct doc_docx *d, const char *id);

/* Automatic numbering (doc/numbering.c): the rendered label of every body
 * paragraph (labels[i] malloc'd UTF-8 or NULL; free each and the array),
 * and the pPr of a numbering level (NULL if none). */
char **doc_docx_numbering_labels(struct doc_docx *d);
xmlNodePtr doc_docx_numbering_ppr(struct doc_docx *d, int num_id, int ilvl);
void doc_numbering_free(struct doc_numbering *nb);

/* Relationship target of the main part by id (NULL if unknown/external). */
const char *doc_docx_rel_target(const struct doc_docx *d, const char *rid);
/* Relationship of the main part by type suffix (e.g. "/footer"); i-th match. */
const struct doc_rel *doc_docx_rel_by_type(const struct doc_docx *d, const char *suffix, size_t i);
/* Load (once) and return an XML part; NULL with e set when absent/bad. */
xmlDocPtr doc_docx_part(struct doc_docx *d, const char *name, struct err *e);
/* doc_docx_part for a caller that only looks at elements with one of the
 * local names locals[0..n) (any namespace): a part not yet loaded whose
 * text has no start tag with such a name is neither parsed nor kept —
 * NULL and *absent true (else *absent false, NULL when absent/bad). Exact:
 * element names come only from their bytes (DTDs, hence entities, are
 * refused; UTF-16 text is left to the parser). */
xmlDocPtr doc_docx_part_with(struct doc_docx *d, const char *name, const char *const *locals,
			     size_t n, bool *absent);
/* Whether data (len bytes) may have a start tag whose local name is one of
 * locals[0..n): false only when no parse of it can give such an element. */
bool doc_docx_has_elem(const char *data, size_t len, const char *const *locals, size_t n);
void doc_docx_part_dirty(struct doc_docx *d, const char *name);
/* All w:sectPr of the body (paragraph-level first, the body's last). */
size_t doc_docx_sections(const struct doc_docx *d, xmlNodePtr *out, size_t max);

/* --- editing -------------------------------------------------------- */

/* Replace paragraph text [start,end) by rep[0..n). The range must lie in
 * text segments (no tab/break inside); the replacement goes into the run
 * holding `start`. Returns BASE_E_USAGE when the range is not editable. */
int doc_docx_replace_text(struct doc_docx *d, xmlNodePtr p, size_t start, size_t end,
			  const uint32_t *rep, size_t n);
/* ECMA-376 child order of w:pPr, for doc_xml_wchild_ensure (NULL-terminated). */
extern const char *const doc_docx_ppr_order[];
/* Direct-formatting setters (w:pPr / w:rPr created in schema order). */
xmlNodePtr doc_docx_ppr(xmlNodePtr p);
xmlNodePtr doc_docx_rpr(xmlNodePtr r);
void doc_docx_set_jc(xmlNodePtr p, const char *jc);
/* Set indents: left, first-line offset (negative = hanging), right (twips);
 * clears the *Chars variants so the twips values take effect. */
void doc_docx_set_ind(xmlNodePtr p, long left, long first, long right);
void doc_docx_set_line_exact(xmlNodePtr p, long twips);
/* Set all four font slots, clearing theme attributes (gongwen-rules §2.2). */
void doc_docx_set_run_font(xmlNodePtr r, const char *ea, const char *latin);
void doc_docx_set_run_size(xmlNodePtr r, int half_points);
void doc_docx_set_run_bold(xmlNodePtr r, bool on);
void doc_docx_set_run_color(xmlNodePtr r, const char *hex_or_null);
void doc_docx_set_run_hint_ea(xmlNodePtr r);
/* Split run r at code-point offset `at` of its text; returns the new second
 * run (or r itself when at is 0, NULL when at >= its length). */
xmlNodePtr doc_docx_split_run(xmlNodePtr r, size_t at);
/* Mark the main document part as changed. */
void doc_docx_mark_dirty(struct doc_docx *d);

/* Attach a Word comment to paragraph p (whole paragraph range). */
int doc_docx_add_comment(struct doc_docx *d, xmlNodePtr p, const char *author, const char *text,
			 struct err *e);

/* Write the (edited) package to path; path must differ from the input. */
int doc_docx_save(struct doc_docx *d, const char *path, struct err *e);

#endif
