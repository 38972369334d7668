/*
 * gongwen: GB/T 9704-2012 公文 checking and fixing.
 *
 * Flow: a .docx (doc/docx) or .txt becomes a struct gw_doc (paragraph texts
 * plus, for .docx, the DOM nodes) -> role detection (gongwen-rules.md §4) ->
 * rules (ids of gongwen-rules.md §3) append struct gw_finding -> reports.
 * Fixing applies the auto-fixes (class A) of the findings, re-checks, and
 * repeats until nothing auto-fixable is left; suggest/manual findings become
 * Word comments. The input file is never written.
 *
 * Paragraph indices: 0-based among the direct w:p children of w:body for
 * .docx, 0-based line numbers for .txt; -1 means document level (JSON null).
 */
#ifndef SHUZHI_GONGWEN_H
#define SHUZHI_GONGWEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/base.h"
#include "doc/docx.h"
#include "text/text.h"

enum gw_severity { GW_SEV_ERROR, GW_SEV_WARNING, GW_SEV_INFO };
enum gw_fixclass { GW_FIX_AUTO, GW_FIX_SUGGEST, GW_FIX_MANUAL };

enum gw_role {
	GW_ROLE_BLANK,
	GW_ROLE_MARK,	 /* 发文机关标志 (and 份号/密级/紧急程度 above the 文号) */
	GW_ROLE_COPYNO,	 /* 份号 */
	GW_ROLE_SECRET,	 /* 密级和保密期限 */
	GW_ROLE_URGENCY, /* 紧急程度 */
	GW_ROLE_DOCNO,	 /* 发文字号 (with 签发人 on the same line for 上行文) */
	GW_ROLE_TITLE,
	GW_ROLE_TO, /* 主送机关 */
	GW_ROLE_H1,
	GW_ROLE_H2,
	GW_ROLE_H3,
	GW_ROLE_H4,
	GW_ROLE_BODY,
	GW_ROLE_ATT,	/* 附件说明 */
	GW_ROLE_SIG,	/* 发文机关署名 */
	GW_ROLE_DATE,	/* 成文日期 */
	GW_ROLE_NOTE,	/* 附注 */
	GW_ROLE_CC,	/* 版记: 抄送 */
	GW_ROLE_PRINT,	/* 版记: 印发机关和印发日期 */
	GW_ROLE_ATTEND, /* 纪要: 出席/请假/列席 */
	GW_ROLE_OTHER
};

/* A text edit in a paragraph, code-point offsets into its current text. */
struct gw_edit {
	size_t start;
	size_t end;
	uint32_t *rep;
	size_t nrep;
};

struct gw_finding {
	const char *rule; /* static rule id, e.g. "GW-HEAD-007" */
	int severity;
	long para; /* -1: document level */
	int fix;   /* enum gw_fixclass */
	char *excerpt;
	char *message;
	char *suggestion;
	struct gw_edit *edits; /* auto text edits (may be empty for property fixes) */
	size_t nedits;
	size_t edits_cap;
	size_t seq; /* insertion order, keeps sorting stable */
};

struct gw_findings {
	struct gw_finding *v;
	size_t n;
	size_t cap;
};

struct gw_para {
	struct ustr text;
	int role;
	int level;  /* heading level 1..4, 0 otherwise */
	int number; /* heading number, -1 when unparsable */
	bool label_ok;
	size_t label_len; /* headings: gw_parse_label's label_len of text (set with level) */
	unsigned chars;	  /* GW_C_* bits: which character classes occur (rule prefilter) */
	unsigned dunhao;  /* GW_DH_* bits: what surrounds its 、 (set with chars) */
	/* [apunct_lo, apunct_hi): from the first to the last GW_C_APUNCT
	 * character (empty without one; set with chars) */
	size_t apunct_lo, apunct_hi;
	uint64_t cps[16]; /* code points present, 1024-bit Bloom filter (gw_para_may_have) */
	xmlNodePtr node;  /* NULL for .txt */
	/* .docx: the runs behind text (doc_docx_para_text's segments), kept so
	 * the rules do not walk the paragraph again; NULL for .txt */
	struct doc_seg *segs;
	size_t nsegs;
	bool segs_shared; /* segs lies in gw_doc.seg_pool (not freed alone) */
};

/* Character classes present in a paragraph, so rules that need e.g. a digit
 * skip paragraphs without one before running any regular expression. */
enum {
	GW_C_DIGIT = 1u << 0,	 /* 0-9 */
	GW_C_FWDIGIT = 1u << 1,	 /* ０-９ */
	GW_C_APUNCT = 1u << 2,	 /* ASCII , ; : ? ! . " ' ( ) */
	GW_C_NIAN = 1u << 3,	 /* 年 */
	GW_C_DUNHAO = 1u << 4,	 /* 、 */
	GW_C_ALPHA = 1u << 5,	 /* A-Z a-z */
	GW_C_ADJREP = 1u << 6,	 /* the same character twice in a row */
	GW_C_PUNCPAIR = 1u << 7, /* two of ，、；：。！？ in a row */
	GW_C_WORDREP = 1u << 8,	 /* "ABAB" or "ABCABC": a word of 2 or 3 repeated */
	GW_C_PAIRMARK = 1u << 9, /* a paired mark: U+2018-201D, U+3008-3015, （） */
	GW_C_AMBIG = 1u << 10, /* “”‘’—…· (width depends on the font: gw_run_has_ambiguous_punct) */
	GW_C_HANREP = 1u << 11, /* a Han character (text_is_han) twice in a row */
	GW_C_DOTREP = 1u << 12, /* "." or "。" twice in a row */
	/* what directly precedes a 年 somewhere (gw_digit_before) */
	GW_C_NIAN_DIG = 1u << 13, /* 0-9 */
	GW_C_NIAN_CN = 1u << 14,  /* 〇 零 or text_cn_digit 1-10 (一 … 九 十) */
	GW_C_NIAN_OTH = 1u << 15, /* O or ０ */
	/* the paired marks of GW-PUNC-011 nest and balance (gw_pairs_feed
	 * finds no fault and ends at depth 0; also set without any mark) */
	GW_C_PAIRS_OK = 1u << 16,
	/* four of 〇零一二三四五六七八九 directly before a 年 (GW-NUM-002) */
	GW_C_NIAN_CN4 = 1u << 17,
	/* GW-PUNC-012: a 《 opened directly inside a 《 (counting 《》〈〉
	 * only), or a “ inside a “ (counting “”‘’ only); or too deep to tell */
	GW_C_NEST_BOOK = 1u << 18,
	GW_C_NEST_QUOTE = 1u << 19,
	/* GW-NUM-005: a 年 between one of 〇零一-九 and a 0-9, or between a
	 * 0-9 and one of 一-十 */
	GW_C_NIAN_MIX = 1u << 20,
	/* GW-NUM-005: a 年 after one of 〇零一-九O0０ */
	GW_C_NIAN_ZERO = 1u << 21,
	/* GW-NUM-003: a 年 after exactly two 0-9 (not after a 0-9, 〔 or 第)
	 * and before one of 0-9 底末初度上下 */
	GW_C_NIAN_SHORT = 1u << 22,
	GW_C_ELLIPSIS = 1u << 23 /* … (GW-PUNC-004) */
};

/* What surrounds a 、 (U+3001) somewhere in a paragraph: each bit is set
 * when one 、 has both neighbours named (a missing neighbour fails its
 * test). The rules about 、 test a bit instead of scanning every 、 again. */
enum {
	/* a 、 GW-BODY-015's pattern may replace (第一、 首先、 其次、 at the
	 * start of a clause; set wherever the pattern matches) */
	GW_DH_ORDINAL = 1u << 0,
	GW_DH_CN19 = 1u << 1,  /* between two of 一二三四五六七八九 */
	GW_DH_DIG19 = 1u << 2, /* between two of 1-9 */
	GW_DH_DENG = 1u << 3,  /* before 等 or a character below U+3001 */
	GW_DH_BOOK = 1u << 4   /* after one of 》” and before one of 《“ */
};

/* The bit of code point c in gw_para.cps (10 bits: one of 1024). */
static inline unsigned gw_cp_hash(uint32_t c)
{
	return (unsigned)((c * 0x9E3779B1u) >> 22);
}

/* False when code point c certainly does not occur in p (set with p->chars
 * by gw_detect_roles); true means it may. */
static inline bool gw_para_may_have(const struct gw_para *p, uint32_t c)
{
	unsigned h = gw_cp_hash(c);

	return (p->cps[h >> 6] >> (h & 63)) & 1;
}
/* The same for n code points: false when none of them can occur.
 * (Unrolled: with cps a constant array, each bit is known at compile
 * time rather than hashed per paragraph.) */
static inline bool gw_para_may_have_cps(const struct gw_para *p, const uint32_t *cps, size_t n)
{
#pragma GCC unroll 8
	for (size_t k = 0; k < n; k++) {
		if (gw_para_may_have(p, cps[k]))
			return true;
	}
	return false;
}

/* Profile: the parameters rules check against (gbt9704-2012 by default). */
struct gw_profile {
	char name[64];
	bool is_national;
	long page_w, page_h, page_tol; /* twips */
	long margin_top, margin_left, margin_right, margin_bottom, margin_tol;
	long type_w, type_h, type_tol;			     /* 版心 */
	int body_sz, title_sz, heading_sz, note_sz, pgno_sz; /* half-points */
	long first_line;				     /* twips (2 chars of 3号) */
	long first_line_min, first_line_max;
	long line_exact; /* twips */
	char body_font[64], title_font[64], h1_font[64], h2_font[64], latin_font[64];
	char pgno_font[64];
	/* Deviations from the national profile, listed as GW-PAGE-012 info. */
	char deviations[1024];
};

struct gw_doc {
	const char *file;
	bool is_docx;
	bool crlf;	    /* .txt used CRLF line ends */
	bool final_newline; /* .txt ended with a newline */
	struct doc_docx *docx;
	struct gw_para *paras;
	size_t n;
	const struct gw_profile *profile;
	int doc_type;			  /* index into gw_doc_types, -1 unknown */
	long docno, title, to, date, sig; /* paragraph indices or -1 */
	bool fixing;		  /* set by gw_fix: rules may plan fixes beyond what they report */
	void *run_cache;	  /* per-paragraph run properties, alive only inside gw_check */
	struct doc_seg *seg_pool; /* every paragraph's segs as loaded, one allocation */
	/* a read-only .docx: every paragraph's text as loaded, one after
	 * another (their buffers are not grown or freed alone); else NULL */
	uint32_t *text_pool;
	/* a read-only .docx: the w:sectPr below its body paragraphs, as
	 * the text walk met them (doc_ptext.keep_sects), so that
	 * gw_doc_sections walks only the body's other children */
	bool para_sects_ok;
	xmlNodePtr *para_sects;
	size_t npara_sects;
};

/* The 15 法定文种 (条例 第八条), in gw_doc_types order. */
extern const char *const gw_doc_types[15];
/* Upward (上行文): 请示, 报告 (and 意见 when sent up). */
bool gw_doc_type_upward(int t);

void gw_profile_national(struct gw_profile *p);
/* Load a unit profile (JSON); starts from the national one. */
int gw_profile_load(const char *path, struct gw_profile *p, struct err *e);
/* Find a built-in profile by name, or load a JSON file when name ends in .json. */
int gw_profile_resolve(const char *name, struct gw_profile *p, struct err *e);

/* Build a gw_doc from a file (.docx or UTF-8 .txt). Limits: .docx per
 * doc/zip, .txt 16 MB, 200,000 lines, 1 MB per line. */
int gw_doc_open(const char *path, const struct gw_profile *prof, struct gw_doc *doc, struct err *e);
/* The same for checking only (doc_docx_open_check: faster, no fix/save). */
int gw_doc_open_check(const char *path, const struct gw_profile *prof, struct gw_doc *doc,
		      struct err *e);
/* Build a gw_doc from an opened .docx; the gw_doc takes ownership of d. */
/* The same for UTF-8 text in memory, one paragraph per line (as a .txt);
 * label names it in messages and must outlive doc. */
int gw_doc_from_text(const char *label, const char *text, size_t len, const struct gw_profile *prof,
		     struct gw_doc *doc, struct err *e);
void gw_doc_from_docx(struct doc_docx *d, const char *label, const struct gw_profile *prof,
		      struct gw_doc *doc);
void gw_doc_free(struct gw_doc *doc);
/* Re-read paragraph texts from the DOM (after edits) and re-detect roles. */
void gw_doc_refresh(struct gw_doc *doc);

/* Role detection (gongwen-rules.md §4). */
void gw_detect_roles(struct gw_doc *doc);
const char *gw_role_name(int role);
/* The character summary gw_detect_roles gives p: returns its GW_C_* bits
 * (the caller stores them in p->chars) and sets p->dunhao, apunct_lo,
 * apunct_hi and cps. vector: eight characters at a time where the CPU has
 * AVX2; false: one at a time (the reference; both give the same). */
unsigned gw_para_chars(struct gw_para *p, bool vector);
/* The patterns role detection tests texts against (gongwen-rules.md §4):
 * gw_role_match(k, p, n) is whether gw_role_patterns[k] matches p[0..n)
 * (searched from 0, as text_re_search), decided without PCRE2 where no
 * character that may be \s or a newline makes the answer doubtful. */
enum gw_role_pat {
	GW_RP_DOCNO,	 /* 发文字号 */
	GW_RP_SPACES,	 /* two spaces: the end of the 发文字号 */
	GW_RP_COPYNO,	 /* 份号 */
	GW_RP_SECRET,	 /* 密级 */
	GW_RP_URGENCY,	 /* 紧急程度 */
	GW_RP_CC,	 /* 抄送 */
	GW_RP_PRINT,	 /* …印发 */
	GW_RP_ATTEND,	 /* 出席/请假/列席： */
	GW_RP_NOTE,	 /* （附注） */
	GW_RP_DATE,	 /* 成文日期, any form */
	GW_RP_ATT,	 /* 附件： */
	GW_RP_ATT_ITEM,	 /* 1. (附件说明 continued) */
	GW_RP_END_PUNCT, /* ends with a point mark: no 署名 */
	GW_RP_N
};
extern const char *const gw_role_patterns[GW_RP_N];
bool gw_role_match(int k, const uint32_t *p, size_t n);
/* Heading label parsing: returns level 1..4 or 0; sets number / form ok. */
int gw_parse_label(const uint32_t *p, size_t n, int *number, bool *ok, size_t *label_len);

void gw_findings_init(struct gw_findings *f);
void gw_findings_free(struct gw_findings *f);
struct gw_finding *gw_add(struct gw_findings *f, const char *rule, int sev, long para, int fix,
			  const char *excerpt, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));
/* gw_add taking ownership of excerpt (malloc'd, NULL: ""), the message
 * formatted from fmt and ap. */
struct gw_finding *gw_vadd_owned(struct gw_findings *f, const char *rule, int sev, long para,
				 int fix, char *excerpt, const char *fmt, va_list ap)
    __attribute__((format(printf, 7, 0)));
void gw_finding_edit(struct gw_finding *fd, size_t start, size_t end, const char *rep_utf8);
void gw_finding_edit_ucs(struct gw_finding *fd, size_t start, size_t end, const uint32_t *rep,
			 size_t n);
void gw_finding_suggest(struct gw_finding *fd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Excerpt of paragraph text around [start,end) (caller frees). */
char *gw_excerpt(const struct gw_para *p, size_t start, size_t end);

/* Run every rule. Findings are sorted (document-level first, then by
 * paragraph, then rule id) and de-duplicated by (rule, paragraph). */
void gw_check(struct gw_doc *doc, struct gw_findings *out);

/* Rule groups (one function per group; see rules_*.c). */
void gw_rules_head(struct gw_doc *doc, struct gw_findings *out);
void gw_rules_body(struct gw_doc *doc, struct gw_findings *out);
void gw_rules_tail(struct gw_doc *doc, struct gw_findings *out);
void gw_rules_punc(struct gw_doc *doc, struct gw_findings *out);
void gw_rules_num(struct gw_doc *doc, struct gw_findings *out);
void gw_rules_lexicon(struct gw_doc *doc, struct gw_findings *out);
void gw_rules_docx(struct gw_doc *doc, struct gw_findings *out);
void gw_rules_layout(struct gw_doc *doc, struct gw_findings *out);
/* The remaining catalog rules (rules_extra.c) and their property fixes. */
void gw_rules_extra(struct gw_doc *doc, struct gw_findings *out);
bool gw_extra_fix(struct gw_doc *doc, const struct gw_finding *f);
/* Property fix of a layout rule (rules_layout.c); false when not its rule. */
bool gw_layout_fix(struct gw_doc *doc, const struct gw_finding *f);

/* Fix: apply auto fixes until none is left (at most a few passes).
 * `changes` (optional) receives one human-readable line per change. */
struct gw_fix_report {
	size_t applied;
	size_t commented;
	struct buf log;
};
int gw_fix(struct gw_doc *doc, bool add_comments, struct gw_fix_report *rep, struct err *e);
/* Write the fixed document (.docx package or .txt lines). */
int gw_doc_save(struct gw_doc *doc, const char *path, struct err *e);

/* Reports. */
void gw_report_json(const struct gw_doc *doc, const struct gw_findings *f, struct buf *out);
void gw_report_text(const struct gw_doc *doc, const struct gw_findings *f, struct buf *out);
bool gw_has_errors(const struct gw_findings *f);
const char *gw_severity_name(int sev);

/* Font alias categories (gongwen-rules.md §1.3). */
enum { GW_FONT_OTHER, GW_FONT_FANGSONG, GW_FONT_HEI, GW_FONT_KAI, GW_FONT_XBS, GW_FONT_SONG };
int gw_font_category(const char *name);

#endif
