/*
 * enterprise: enterprise profiles from a 公共数据 export — import with
 * validation and repair (README R1–R2 of the enterprise data set), the
 * 创新型中小企业 score, 专精特新 base conditions, risk flags and the credit
 * grade evaluated as of a date (R3–R7), and the JSON export (R8).
 *
 * Import is incremental and idempotent: rows of the folder are normalised
 * and de-duplicated within each file (R1.6), then merged into the database —
 * a keyed row (enterprise, financial year, tax year, month, IP kind)
 * replaces the stored row with the same key, an event row is added unless
 * the same canonical row is stored already. Rows absent from the folder are
 * kept (an export may be a delta). Importing the same folder twice changes
 * nothing. Every rejected, repaired, duplicate or superseded row is stored
 * as an issue (file, line, reason) of that import.
 */
#ifndef SHUZHI_ENTERPRISE_H
#define SHUZHI_ENTERPRISE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "base/base.h"
#include "store/store.h"

#define ENT_NFILES	  12
#define ENT_FILE_MAX	  ((size_t)16 << 30) /* bytes per CSV file */
#define ENT_DEFAULT_AS_OF 20250630

struct work_ctx;
struct ent_rules;

struct ent_import_opts {
	/* when set: an "enterprise.import" audit entry in the import's
	 * transaction (actor and clock from it) */
	const struct work_ctx *audit;
	bool progress;	  /* progress lines on stderr (about every 2 s) */
	FILE *issues_csv; /* when set: every issue as CSV (file,line,kind,reason,detail) */
	int64_t now_ms;	  /* import time stamp (0: now) */
	int64_t as_of;	  /* YYYYMMDD of the warnings snapshot (0: the import day) */
};

struct ent_import_result {
	int64_t import_id;
	char *stats_json; /* {"files": {...}, "database": {...}} (malloc'ed) */
	long rows, rejected, repaired, inserted, updated, unchanged;
};

/* Import every known file of dir (README §1) into st. Fails (nothing
 * written) only when the folder or a file cannot be read or the database
 * fails; bad rows are issues, never errors. */
int ent_import_dir(struct store *st, const char *dir, const struct ent_import_opts *o,
		   struct ent_import_result *res, struct err *e);
void ent_import_result_free(struct ent_import_result *res);

/* Evaluate every stored enterprise as of as_of (YYYYMMDD) and print the
 * README R8 JSON object to out. */
int ent_export_json(struct store *st, int64_t as_of, FILE *out, struct err *e);
/* The same under the given rules (NULL: the stored configuration). */
int ent_export_json_rules(struct store *st, int64_t as_of, const struct ent_rules *rules, FILE *out,
			  struct err *e);

/* 招商 screening: filter and rank the stored enterprises as of a date. */
enum { ENT_SORT_CREDIT, ENT_SORT_CXZX, ENT_SORT_REVENUE, ENT_SORT_GROWTH, ENT_SORT_HEADCOUNT };

struct ent_screen_opts {
	const char *industry; /* comma list of GB/T 4754-2017 prefixes: C, C39, C397, C3973
			       * (the letter may be left out); NULL: any */
	const char *region;   /* comma list of GB/T 2260 prefixes (44, 4403, 440304) */
	int64_t min_capital;  /* 万元, fixed point (ENT_SCALE); <0: no minimum */
	int64_t min_revenue;  /* 万元 in the latest financial year */
	int64_t min_headcount;
	int64_t min_growth_bp; /* main business revenue growth in 1/100 %; INT64_MIN: none */
	bool cxzx_pass, zjtx_base;
	char min_grade;	   /* 'A'..'D' or 0 */
	unsigned certs;	   /* every kind in this mask must be valid (bit = ENT_CERT_*) */
	bool knockout_red; /* drop enterprises with a red flag */
	int sort;	   /* ENT_SORT_* (descending) */
	size_t limit;	   /* 0: all */
	const struct ent_rules *rules; /* NULL: the stored configuration */
};

/* The same as rows of cells: cb gets the header first (rank 0, id 0), then
 * one row per ranked match (id: the enterprise's row id), ENT_SCREEN_COLS
 * cells each; a non-zero return stops the run (BASE_E_IO). */
#define ENT_SCREEN_COLS 15
typedef int (*ent_screen_cb)(void *arg, size_t rank, int64_t id, const char *const *cells,
			     size_t n);
int ent_screen_rows(struct store *st, int64_t as_of, const struct ent_screen_opts *o,
		    ent_screen_cb cb, void *arg, size_t *matched, struct err *e);
/* Write the matching enterprises as CSV (header + one ranked row each) to
 * out; *matched receives the number of matches before the limit. */
int ent_screen(struct store *st, int64_t as_of, const struct ent_screen_opts *o, FILE *out,
	       size_t *matched, struct err *e);

/* Warnings feed: the flags of snapshot import_id (an import as of its date,
 * or a rules change) that the previous snapshot did not have ("新增" /
 * "new") and those it had that are gone ("解除" / "cleared"); text lines or
 * a JSON object with the snapshot's kind ("import" | "rules"), by and at;
 * out NULL: only counted. */
int ent_warnings_feed(struct store *st, int64_t import_id, bool json, FILE *out, long *added,
		      long *cleared, struct err *e);

/* After a change of the risk rules: a new warnings snapshot (kind
 * "rules", by actor) of every stored enterprise under the stored rules, as
 * of the date of the last snapshot (setting last_as_of), so the feed shows
 * the warnings the change raised or cleared at once. Call it inside the
 * transaction that stores the rules. res->snapshot 0: nothing imported yet
 * (nothing done). */
struct ent_reeval {
	int64_t snapshot, previous, as_of;
	long warnings, added, cleared;
	double ms; /* time taken */
};
int ent_warnings_reevaluate(struct store *st, const char *actor, int64_t now_ms,
			    struct ent_reeval *res, struct err *e);

/* The risk rules (README R6), configurable (enterprise/ent_rules.c): per
 * rule enabled, level (red | orange | yellow, a static string) and the
 * threshold for the rules that have one (0 otherwise). The README's values
 * are the defaults; the admin's changes live in the setting "rules". */
#define ENT_NRULES    11
#define ENT_RULES_MAX ((size_t)64 << 10) /* bytes of a rules text */
struct ent_rule_cfg {
	bool enabled;
	const char *level;
	int64_t param;
};
struct ent_rules {
	struct ent_rule_cfg r[ENT_NRULES];
};
void ent_rules_default(struct ent_rules *rs);
const struct ent_rules *ent_rules_builtin(void); /* the defaults */
const char *ent_rule_id(size_t k);		 /* rule k's id, NULL past the end */
/* Parse a rules text ({"rules": {rule: {enabled, level, threshold}}}, the
 * outer object optional) over the defaults; BASE_E_FORMAT with a Chinese
 * message (and *rs the defaults) when anything is wrong. */
int ent_rules_parse(const char *text, size_t len, struct ent_rules *rs, struct err *e);
int ent_rules_from_json(const json_t *root, struct ent_rules *rs, struct err *e);
/* The differences from the defaults as {rule: {...}} (new reference). */
json_t *ent_rules_diff_json(const struct ent_rules *rs);
/* The stored configuration (defaults when none; an unreadable stored text
 * is logged and ignored). */
int ent_rules_load(struct store *st, struct ent_rules *rs, struct err *e);
/* Name and threshold text of rule k under rs (NULL: defaults). */
void ent_rule_text(const struct ent_rules *rs, size_t k, char *name, size_t nn, char *thr,
		   size_t tn);
/* [{rule, level, level_zh, name, threshold, enabled, default, defaults:
 * {...}, param: {value, default, min, max, unit} | null}] (rs NULL: the
 * defaults). */
json_t *ent_rules_json(const struct ent_rules *rs);
const char *ent_level_zh(const char *level);

/* One enterprise's profile as of as_of (row id, or uscc when not NULL):
 * registration, size, innovation, compliance, series (headcount,
 * electricity, revenue), scorecard, warnings with evidence rows, grade.
 * BASE_E_NOTFOUND when there is no such enterprise. */
int ent_profile(struct store *st, int64_t id, const char *uscc, int64_t as_of, json_t **out,
		struct err *e);
/* The deterministic written analysis of a profile: paragraphs separated by
 * '\n' (malloc'ed). No model involved. */
char *ent_profile_analysis(const json_t *profile);
/* The enterprise report (.docx): profile, scorecard table, warnings with
 * evidence and the analysis under a note saying who wrote it (note may be
 * NULL), written atomically to path. */
int ent_report_docx(const json_t *profile, const char *analysis, const char *note, const char *path,
		    struct err *e);
/* The user message asking a model for the written analysis: the profile's
 * figures (no legal representative, no address; evidence as sources) and
 * the deterministic draft (malloc'ed). Mask it before it leaves. */
char *ent_analysis_prompt(const json_t *profile, const char *draft);
/* The system message for that request (the CLI's and the server's). */
#define ENT_ANALYSIS_SYSTEM                                                                                               \
	"你是政府部门的企业分析助手，为招商和信用监管写企业画像报告的“分析”一节。" \
	"只依据用户给出的数据写作，不得编造数字、日期、名称和事实；数据没有的写"       \
	"“数据未覆盖”。按“总体判断、经营与成长、创新与资质、风险与信用、建议关注" \
	"事项”五段写，每段一行，不要标题，不要使用 Markdown。形如〔姓名1〕的占位符"      \
	"原样保留。"
#define ENT_ANALYSIS_MAX ((size_t)64 << 10) /* bytes of the model's analysis */
#define ENT_NOTE_RULES	 "（本节分析由规则生成，未使用大模型。）"
#define ENT_NOTE_MODEL	 "（本节分析由大模型依据上文数据撰写，数据与结论以上文为准。）"

/* Parse YYYY-MM-DD into YYYYMMDD; -1 when not a real date. */
int64_t ent_parse_as_of(const char *s);

#endif
