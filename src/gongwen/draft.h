/*
 * gongwen/draft: 公文 drafting — a struct gw_draft (key points already
 * filled in by a scenario template) becomes a .docx laid out per GB/T
 * 9704-2012, or the equivalent UTF-8 .txt (one paragraph per line, the
 * layout of the gongwen-dev corpus).
 *
 * Layout (direct formatting, no theme fonts): 版头 with the red 发文机关标志,
 * 发文字号 (with 签发人 for 上行文) above a red separator line, 标题 2号
 * 小标宋, 主送, body 3号 仿宋 with 一、（一）1.（1） headings in 黑体/楷体/仿宋,
 * 附件说明, 署名 and 成文日期 (or the 纪要 出席/列席 lists), 附注, 版记 with
 * 抄送 and 印发机关/日期 at the foot of the last page, odd/even "— N —" page
 * numbers. gw_draft_rules() applies the text rules of the 条例 (closing
 * formula per 文种, 请示 one matter and one 主送, 签发人 for 上行文) and lists
 * what it could not fix. Strings are borrowed; nothing here owns them.
 */
#ifndef SHUZHI_GONGWEN_DRAFT_H
#define SHUZHI_GONGWEN_DRAFT_H

#include <stddef.h>

#include "base/base.h"

struct gw_draft {
	const char *wenzhong; /* 通知 请示 报告 函 批复 纪要 (意见 通报 决定 … accepted) */
	const char *organ_mark; /* 发文机关标志, e.g. "示例市人民政府文件" */
	const char *doc_no;	/* 发文字号 "示政发〔2025〕12号" */
	const char *signer;	/* 签发人 (上行文) */
	const char *title;
	const char *recipients; /* 主送机关 (without the final colon) */
	const char *body;	/* paragraphs, one per line */
	const char *const *attachments;
	size_t nattachments;
	const char *signature; /* 发文机关署名 */
	const char *date;      /* 成文日期 "2025年3月5日" */
	const char *note;      /* 附注, without brackets */
	const char *cc;	       /* 抄送 */
	const char *printer;   /* 印发机关 */
	const char *print_date;
	const char *attendees; /* 纪要: 出席 / 请假 / 列席 */
	const char *absent;
	const char *observers;
};

/* A problem found by the text rules; severity 0 = error, 1 = warning. */
struct gw_draft_issue {
	int severity;
	char rule[32];
	char msg[256];
};

struct gw_draft_issues {
	struct gw_draft_issue v[32];
	size_t n;
};

/* Apply the text rules: returns the body with the closing formula of the
 * 文种 appended when missing (malloc'd), and records what it cannot fix. */
char *gw_draft_rules(const struct gw_draft *d, struct gw_draft_issues *out);

/* Write the 公文 (d->body already passed through gw_draft_rules). */
int gw_draft_docx(const struct gw_draft *d, const char *path, struct err *e);
/* The same paragraph sequence as UTF-8 text (one paragraph per line). */
int gw_draft_txt(const struct gw_draft *d, struct buf *out);

#endif
