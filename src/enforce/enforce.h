/*
 * enforce: drafts of 行政执法文书 from an extraction (extract/extract.h) and a
 * rule-based validator for such drafts.
 *
 * Four kinds: 行政处罚告知书 (行政处罚法 arts. 44, 45, 63, 64), 行政处罚决定书
 * (art. 59 contents, art. 67 payment, art. 72 late fee, 救济: 60 日 复议 per
 * 行政复议法 (2023) art. 20 with the 复议机关 of art. 24, 6 个月 诉讼 per 行政诉讼法
 * art. 46), 责令改正通知书 (art. 28) and 案件调查终结报告 (art. 57).
 *
 * What a transcript cannot supply (法律条款, 罚款数额, 文号, dates of later
 * steps, 复议机关, 法院) is written as a yellow-highlighted blank
 * "〔待填写：…〕" for the officer; nothing is invented. The validator works on
 * the text of any draft (ours or edited) and lists missing elements, blanks
 * left open and inconsistencies (e.g. the decision's fine above the notice's).
 */
#ifndef SHUZHI_ENFORCE_H
#define SHUZHI_ENFORCE_H

#include <jansson.h>
#include <stdbool.h>

#include "base/base.h"

enum enforce_kind {
	ENFORCE_NOTICE,	  /* 行政处罚告知书 */
	ENFORCE_DECISION, /* 行政处罚决定书 */
	ENFORCE_ORDER,	  /* 责令改正通知书 */
	ENFORCE_REPORT,	  /* 案件调查终结报告 */
	ENFORCE_NKINDS
};

/* Marker that opens every blank left for the officer. */
#define ENFORCE_BLANK_OPEN "〔待填写："

/* "notice"/"告知书"/…; returns false for an unknown name. */
bool enforce_kind_parse(const char *name, enum enforce_kind *out);
const char *enforce_kind_title(enum enforce_kind k);

/* Draft as .docx bytes (*docx malloc'd, *len) from an extraction object. */
int enforce_draft(enum enforce_kind kind, json_t *extract, char **docx, size_t *len, struct err *e);
/* The same draft as plain UTF-8 text (blanks as "〔待填写：…〕"). */
int enforce_draft_text(enum enforce_kind kind, json_t *extract, struct buf *out, struct err *e);
/* Largest draft text enforce_draft_docx_text() lays out (bytes). */
#define ENFORCE_TEXT_MAX ((size_t)8 << 20)
/* A draft's text (ours, possibly edited by the guardian) back into the same
 * .docx layout: the title block down to the line naming the kind, the 文号
 * line, indented body paragraphs, the right-aligned seal and date lines,
 * every "〔待填写：…〕" still open highlighted in yellow; note (may be NULL)
 * is appended as a last paragraph (the approval line). */
int enforce_draft_docx_text(enum enforce_kind kind, const char *text, size_t len, const char *note,
			    char **docx, size_t *out_len, struct err *e);

/* A validator finding. */
struct enforce_finding {
	char severity[8]; /* "error", "warning", "blank" */
	char *element;	  /* what is concerned */
	char *message;	  /* Chinese explanation with the article */
};

struct enforce_report {
	enum enforce_kind kind;
	bool kind_known;
	struct enforce_finding *f;
	size_t n;
	size_t cap;
};

void enforce_report_free(struct enforce_report *r);
/* Validate the text of a draft. notice_text (may be NULL) is the 告知书 the
 * decision follows; the decision must not exceed it. */
void enforce_validate_text(const char *text, size_t len, const char *notice_text, size_t notice_len,
			   struct enforce_report *r);
/* Text of a .docx or .txt file (for validation); limits as extract. */
int enforce_read_text(const char *path, char **text, size_t *len, struct err *e);
/* Number of findings with severity "error" or "blank". */
size_t enforce_report_problems(const struct enforce_report *r);
json_t *enforce_report_json(const struct enforce_report *r);

/* Yuan amount in Chinese capitals ("伍仟元整") for a non-negative amount. */
void enforce_yuan_capital(double yuan, struct buf *out);

#endif
