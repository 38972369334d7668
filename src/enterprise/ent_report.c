/*
 * enterprise/report: the deterministic written analysis of a profile and
 * the enterprise report (.docx) — registration facts, size and growth, the
 * 创新型中小企业 scorecard table, warnings with their evidence rows, the
 * credit grade and the analysis — on the GB/T 9704 page of doc/docx_write
 * (the fonts of the gongwen drafts). No model: every sentence is built from
 * the profile's figures.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc/docx_write.h"
#include "enterprise/enterprise.h"

#define F_BODY	"仿宋_GB2312"
#define F_TITLE "方正小标宋简体"
#define F_HEI	"黑体"
#define LINE	579
#define CHAR	320

static const char *jstr(const json_t *o, const char *key, const char *dflt)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL && s[0] != '\0' ? s : dflt;
}

/* A number as text ("1234.5"), or dflt when null. */
static const char *jnum(const json_t *o, const char *key, char *buf, size_t cap, const char *dflt)
{
	json_t *v = json_object_get(o, key);

	if (json_is_integer(v)) {
		snprintf(buf, cap, "%lld", (long long)json_integer_value(v));
		return buf;
	}
	if (json_is_real(v)) {
		snprintf(buf, cap, "%.2f", json_real_value(v));
		/* drop trailing zeros */
		for (size_t n = strlen(buf); n > 0 && strchr(buf, '.') != NULL; n--) {
			if (buf[n - 1] == '0' || buf[n - 1] == '.') {
				char c = buf[n - 1];

				buf[n - 1] = '\0';
				if (c == '.')
					break;
			} else {
				break;
			}
		}
		return buf;
	}
	return dflt;
}

char *ent_profile_analysis(const json_t *p)
{
	const json_t *reg = json_object_get(p, "registration");
	const json_t *size = json_object_get(p, "size");
	const json_t *sc = json_object_get(p, "scorecard");
	const json_t *gr = json_object_get(p, "grade");
	const json_t *ws = json_object_get(p, "warnings");
	const json_t *certs =
	    json_object_get(json_object_get(p, "innovation"), "valid_certifications");
	const json_t *zj = json_object_get(sc, "zjtx");
	char a[64], b[64], c[64];
	struct buf o;
	size_t i;
	json_t *v;
	int red = 0, orange = 0, yellow = 0;
	const char *grade = jstr(gr, "grade", "?");

	buf_init(&o, (size_t)1 << 20);
	buf_addf(&o, "%s（统一社会信用代码 %s%s）", jstr(p, "name", "（名称未登记）"),
		 jstr(p, "uscc", ""),
		 json_is_false(json_object_get(p, "uscc_valid")) ? "，校验位不符，请核实" : "");
	buf_addf(&o,
		 "成立于 %s，登记状态为%s，注册资本 %s 万元，所属行业代码 %s，所在地区代码 %s。",
		 jstr(reg, "establish_date", "（日期不详）"), jstr(reg, "status", "（不详）"),
		 jnum(reg, "registered_capital_wan", a, sizeof(a), "（不详）"),
		 jstr(reg, "industry_code", "（不详）"), jstr(reg, "region_code", "（不详）"));
	buf_addf(&o, "本分析按 %s 的数据评价。\n", jstr(p, "as_of", ""));
	if (json_is_integer(json_object_get(size, "latest_year")))
		buf_addf(&o, "经营规模与成长：%lld 年营业收入 %s 万元，主营业务收入增长率 %s%s；",
			 (long long)json_integer_value(json_object_get(size, "latest_year")),
			 jnum(size, "revenue_wan", a, sizeof(a), "（未报）"),
			 jnum(size, "growth_pct", b, sizeof(b), "（无法计算）"),
			 json_is_null(json_object_get(size, "growth_pct")) ? "" : "%");
	else
		buf_adds(&o, "经营规模与成长：未报送可用年度的财务数据；");
	buf_addf(&o, "近 12 个月最新参保人数 %s 人。\n",
		 jnum(size, "insured_count", c, sizeof(c), "（无记录）"));
	buf_addf(
	    &o,
	    "创新能力：创新型中小企业评价得分 %lld 分（创新能力 %lld/40、成长性 %lld/30、"
	    "专业化 %lld/30），",
	    (long long)json_integer_value(json_object_get(sc, "score")),
	    (long long)json_integer_value(
		json_object_get(json_object_get(sc, "groups"), "innovation")),
	    (long long)json_integer_value(json_object_get(json_object_get(sc, "groups"), "growth")),
	    (long long)json_integer_value(
		json_object_get(json_object_get(sc, "groups"), "specialisation")));
	if (json_is_true(json_object_get(sc, "pass")) &&
	    json_array_size(json_object_get(sc, "direct")) > 0) {
		buf_adds(&o, "结论为通过（直通：");
		json_array_foreach(json_object_get(sc, "direct"), i, v)
		    buf_addf(&o, "%s%s", i ? "；" : "", json_string_value(v));
		buf_adds(&o, "）");
	} else {
		buf_adds(&o,
			 json_is_true(json_object_get(sc, "pass")) ? "结论为通过" : "结论为未通过");
	}
	buf_addf(&o, "；专精特新基础条件%s（成立满 2 年：%s；研发投入：%s；营收或融资：%s）",
		 json_is_true(json_object_get(zj, "base")) ? "已满足" : "未满足",
		 json_is_true(json_object_get(zj, "age_2y")) ? "是" : "否",
		 json_is_true(json_object_get(zj, "rd")) ? "达标" : "未达标",
		 json_is_true(json_object_get(zj, "revenue_or_equity")) ? "达标" : "未达标");
	if (json_array_size(certs) > 0) {
		buf_adds(&o, "；有效资质：");
		json_array_foreach(certs, i, v)
		    buf_addf(&o, "%s%s", i ? "、" : "", json_string_value(v));
	} else {
		buf_adds(&o, "；当前无有效资质认定");
	}
	buf_adds(&o, "。\n");
	json_array_foreach(ws, i, v)
	{
		const char *lv = jstr(v, "level", "");

		red += strcmp(lv, "red") == 0;
		orange += strcmp(lv, "orange") == 0;
		yellow += strcmp(lv, "yellow") == 0;
	}
	if (json_array_size(ws) == 0) {
		buf_adds(&o, "风险预警：按当前预警规则未发现预警。\n");
	} else {
		buf_addf(&o, "风险预警：共 %zu 条（红色 %d、橙色 %d、黄色 %d）：",
			 json_array_size(ws), red, orange, yellow);
		json_array_foreach(ws, i, v)
		{
			buf_addf(&o, "%s%s预警“%s”（%s，证据 %zu 行", i ? "；" : "",
				 jstr(v, "level_zh", ""), jstr(v, "name", ""),
				 jstr(v, "threshold", ""),
				 json_array_size(json_object_get(v, "evidence")));
			if (json_array_size(json_object_get(v, "evidence")) > 0)
				buf_addf(&o, "，如 %s",
					 jstr(json_array_get(json_object_get(v, "evidence"), 0),
					      "source", ""));
			buf_adds(&o, "）");
		}
		buf_adds(&o, "。\n");
	}
	buf_addf(&o, "信用评级：%s\n", jstr(gr, "explanation", ""));
	buf_adds(&o, "综合判断：");
	if (strcmp(grade, "A") == 0)
		buf_adds(&o, "信用状况良好，未见重大风险信号，可作为重点服务和招商对象。");
	else if (strcmp(grade, "B") == 0)
		buf_adds(&o, "信用状况总体正常，建议结合上述预警与指标持续关注。");
	else if (strcmp(grade, "C") == 0)
		buf_adds(&o, "存在需要关注的风险信号，建议核实预警所列原始记录后再作决定。");
	else
		buf_adds(&o, "风险较高，建议暂缓合作或扶持，并逐条核实预警所列原始记录。");
	buf_adds(&o, "\n说明：本分析由规则根据公共数据自动生成（未使用大模型），评级阈值为默认值，"
		     "预警规则按当前配置（是否为默认见预警表），每项结论均可追溯到所列原始记录。");
	return buf_detach(&o, NULL);
}

static void heading(struct doc_dw *w, const char *text)
{
	struct doc_dw_pfmt pf = {.first = 2 * CHAR, .line = LINE, .keep_next = true};
	struct doc_dw_rfmt rf = {.ea = F_HEI, .sz = 32};

	doc_dw_para(w, &pf, &rf, text);
}

static void body(struct doc_dw *w, const char *text)
{
	struct doc_dw_pfmt pf = {.jc = "both", .first = 2 * CHAR, .line = LINE};
	struct doc_dw_rfmt rf = {.ea = F_BODY, .sz = 32};

	doc_dw_para(w, &pf, &rf, text);
}

static void cells(struct doc_dw *w, bool header, size_t n, const char *const *t)
{
	struct doc_dw_pfmt pf = {.jc = header ? "center" : "left"};
	struct doc_dw_rfmt rf = {.ea = header ? F_HEI : F_BODY, .sz = 21};

	doc_dw_row_begin(w, header);
	for (size_t k = 0; k < n; k++)
		doc_dw_cell(w, &pf, &rf, t[k] != NULL ? t[k] : "");
	doc_dw_row_end(w);
}

char *ent_analysis_prompt(const json_t *p, const char *draft)
{
	json_t *f = json_object();
	json_t *ws = json_array();
	const json_t *sc = json_object_get(p, "scorecard");
	struct buf o;
	char *text;
	size_t i;
	json_t *v;

	/* the figures the analysis may use; evidence as counts and sources only */
	json_object_set(f, "name", json_object_get(p, "name"));
	json_object_set(f, "as_of", json_object_get(p, "as_of"));
	json_object_set_new(f, "registration", json_deep_copy(json_object_get(p, "registration")));
	json_object_del(json_object_get(f, "registration"), "legal_rep");
	json_object_del(json_object_get(f, "registration"), "address");
	json_object_set(f, "size", json_object_get(p, "size"));
	json_object_set_new(
	    f, "scorecard",
	    json_pack("{s:O*,s:O*,s:O*,s:O*,s:O*,s:O*}", "score", json_object_get(sc, "score"),
		      "pass", json_object_get(sc, "pass"), "groups", json_object_get(sc, "groups"),
		      "indicators", json_object_get(sc, "indicators"), "direct",
		      json_object_get(sc, "direct"), "zjtx", json_object_get(sc, "zjtx")));
	json_object_set(f, "valid_certifications",
			json_object_get(json_object_get(p, "innovation"), "valid_certifications"));
	json_array_foreach(json_object_get(p, "warnings"), i, v)
	{
		json_t *src = json_array();
		size_t k;
		json_t *ev;

		json_array_foreach(json_object_get(v, "evidence"), k, ev)
		    json_array_append(src, json_object_get(ev, "source"));
		json_array_append_new(ws,
				      json_pack("{s:O*,s:O*,s:O*,s:o}", "level_zh",
						json_object_get(v, "level_zh"), "name",
						json_object_get(v, "name"), "threshold",
						json_object_get(v, "threshold"), "evidence", src));
	}
	json_object_set_new(f, "warnings", ws);
	{
		const json_t *gr = json_object_get(p, "grade");

		json_object_set_new(f, "grade",
				    json_pack("{s:O*,s:O*,s:O*,s:O*}", "grade",
					      json_object_get(gr, "grade"), "credit_score",
					      json_object_get(gr, "credit_score"), "dimensions",
					      json_object_get(gr, "dimensions"), "explanation",
					      json_object_get(gr, "explanation")));
	}
	text = json_dumps(f, JSON_INDENT(1) | JSON_SORT_KEYS);
	json_decref(f);
	buf_init(&o, (size_t)4 << 20);
	buf_addf(&o,
		 "企业画像数据（JSON，已按规则计算）：\n%s\n\n规则生成的分析（可在此基础上改写、"
		 "归纳、补充衔接，结论不得与数据相反）：\n%s",
		 text != NULL ? text : "{}", draft != NULL ? draft : "");
	free(text);
	return buf_detach(&o, NULL);
}

int ent_report_docx(const json_t *p, const char *analysis, const char *note, const char *path,
		    struct err *e)
{
	struct doc_dw_page pg;
	struct doc_dw *w;
	const json_t *reg = json_object_get(p, "registration");
	const json_t *sc = json_object_get(p, "scorecard");
	const json_t *gr = json_object_get(p, "grade");
	char a[64], b[64], title[512];
	size_t i;
	json_t *v;
	int rc;

	doc_dw_page_gongwen(&pg);
	w = doc_dw_new(&pg);
	{
		struct doc_dw_pfmt pf = {.jc = "center", .line = LINE, .after = LINE};
		struct doc_dw_rfmt rf = {.ea = F_TITLE, .sz = 44};

		snprintf(title, sizeof(title), "%s企业画像报告", jstr(p, "name", ""));
		doc_dw_para(w, &pf, &rf, title);
	}
	heading(w, "一、基本信息");
	{
		static const long wd[2] = {2600, 6245};
		const char *row[2];

		doc_dw_table_begin(w, 2, wd);
		row[0] = "项目";
		row[1] = "内容";
		cells(w, true, 2, row);
#define KV(k, val)                                                                                 \
	do {                                                                                       \
		row[0] = (k);                                                                      \
		row[1] = (val);                                                                    \
		cells(w, false, 2, row);                                                           \
	} while (0)
		KV("企业名称", jstr(p, "name", "—"));
		KV("统一社会信用代码", jstr(p, "uscc", "—"));
		KV("登记状态", jstr(reg, "status", "—"));
		KV("成立日期", jstr(reg, "establish_date", "—"));
		KV("注册资本（万元）", jnum(reg, "registered_capital_wan", a, sizeof(a), "—"));
		KV("行业代码（GB/T 4754-2017）", jstr(reg, "industry_code", "—"));
		KV("地区代码", jstr(reg, "region_code", "—"));
		KV("法定代表人", jstr(reg, "legal_rep", "—"));
		KV("住所", jstr(reg, "address", "—"));
		KV("数据来源", jstr(reg, "source", "—"));
#undef KV
		doc_dw_table_end(w);
	}
	heading(w, "二、创新型中小企业评价");
	{
		static const long wd[4] = {1700, 4345, 1400, 1400};
		const char *row[4] = {"维度", "指标", "得分", "满分"};
		char pts[16], max[16];

		doc_dw_table_begin(w, 4, wd);
		cells(w, true, 4, row);
		json_array_foreach(json_object_get(sc, "indicators"), i, v)
		{
			snprintf(pts, sizeof(pts), "%lld",
				 (long long)json_integer_value(json_object_get(v, "points")));
			snprintf(max, sizeof(max), "%lld",
				 (long long)json_integer_value(json_object_get(v, "max")));
			row[0] = jstr(v, "group", "");
			row[1] = jstr(v, "name", "");
			row[2] = pts;
			row[3] = max;
			cells(w, false, 4, row);
		}
		snprintf(pts, sizeof(pts), "%lld",
			 (long long)json_integer_value(json_object_get(sc, "score")));
		row[0] = "合计";
		row[1] = json_is_true(json_object_get(sc, "pass")) ? "通过" : "未通过";
		row[2] = pts;
		row[3] = "100";
		cells(w, false, 4, row);
		doc_dw_table_end(w);
		body(w, jstr(sc, "rule", ""));
	}
	heading(w, "三、风险预警");
	if (json_array_size(json_object_get(p, "warnings")) == 0) {
		body(w, "按当前预警规则未发现预警。");
	} else {
		static const long wd[4] = {1000, 2300, 2945, 2600};
		const char *row[4] = {"等级", "预警", "规则与阈值", "证据（原始记录）"};

		doc_dw_table_begin(w, 4, wd);
		cells(w, true, 4, row);
		json_array_foreach(json_object_get(p, "warnings"), i, v)
		{
			struct buf ev;
			char thr[600];
			size_t k;
			json_t *x;

			buf_init(&ev, (size_t)1 << 16);
			json_array_foreach(json_object_get(v, "evidence"), k, x)
			    buf_addf(&ev, "%s%s", k ? "\n" : "", jstr(x, "source", ""));
			row[0] = jstr(v, "level_zh", "");
			row[1] = jstr(v, "name", "");
			snprintf(thr, sizeof(thr), "%s（%s）", jstr(v, "threshold", ""),
				 json_is_false(json_object_get(v, "default")) ? "已调整" : "默认");
			row[2] = thr;
			row[3] = ev.p != NULL ? ev.p : "";
			cells(w, false, 4, row);
			buf_free(&ev);
		}
		doc_dw_table_end(w);
	}
	heading(w, "四、信用评级");
	{
		static const long wd[3] = {4445, 2200, 2200};
		const char *row[3] = {"维度", "得分", "满分"};
		char pts[16], max[16];

		doc_dw_table_begin(w, 3, wd);
		cells(w, true, 3, row);
		json_array_foreach(json_object_get(gr, "dimensions"), i, v)
		{
			snprintf(pts, sizeof(pts), "%lld",
				 (long long)json_integer_value(json_object_get(v, "points")));
			snprintf(max, sizeof(max), "%lld",
				 (long long)json_integer_value(json_object_get(v, "max")));
			row[0] = jstr(v, "name", "");
			row[1] = pts;
			row[2] = max;
			cells(w, false, 3, row);
		}
		doc_dw_table_end(w);
		snprintf(b, sizeof(b), "评级：%s 级", jstr(gr, "grade", "?"));
		body(w, b);
		body(w, jstr(gr, "explanation", ""));
	}
	heading(w, "五、分析");
	if (note != NULL && note[0] != '\0')
		body(w, note);
	{
		const char *s = analysis != NULL ? analysis : "";

		while (*s != '\0') {
			const char *end = strchr(s, '\n');
			size_t n = end != NULL ? (size_t)(end - s) : strlen(s);
			char *line = xstrndup(s, n);

			if (n > 0)
				body(w, line);
			free(line);
			s += n + (end != NULL);
		}
	}
	rc = doc_dw_save(w, path, e);
	doc_dw_free(w);
	return rc;
}
