/*
 * enterprise/profile: one enterprise's profile as JSON for the API, the UI
 * and the report — registration facts, size and growth, innovation,
 * compliance history, indicator series (headcount, electricity, revenue),
 * the 创新型中小企业 scorecard with each indicator's points, the 专精特新
 * base conditions, risk warnings with their evidence rows and the credit
 * grade with its explanation. Every figure names its source rows
 * ("file.csv:LINE"). Evaluated as of a date (README R3).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enterprise/ent_internal.h"
#include "store/enterprise_store.h"

/* The stored rows of the enterprise: per file a JSON array of
 * {"line": N, "source": "file.csv:N", column: canonical text, …}. */
struct rows {
	json_t *by_file[ENT_NFILES];
};

static json_t *row_json(int file, const char *canon, long line)
{
	const struct ent_file_spec *fs = &ent_files[file];
	const char *fields[ENT_COLS_MAX];
	size_t flen[ENT_COLS_MAX];
	int64_t v[ENT_COLS_MAX];
	char src[96];
	json_t *o;

	if (ent_canon_parse(file, canon, v, fields, flen) != 0)
		return NULL;
	snprintf(src, sizeof(src), "%s:%ld", fs->name, line);
	o = json_pack("{s:I,s:s,s:s}", "line", (json_int_t)line, "file", fs->name, "source", src);
	for (size_t c = 1; c < fs->ncols; c++)
		json_object_set_new(o, fs->cols[c].name, json_stringn(fields[c], flen[c]));
	return o;
}

static int rows_cb(const struct store_ent_row *r, void *arg)
{
	struct rows *rs = arg;
	json_t *o;

	if (r->file < 1 || r->file >= ENT_NFILES)
		return 0;
	o = row_json(r->file, r->canon, r->line);
	if (o != NULL)
		json_array_append_new(rs->by_file[r->file], o);
	return 0;
}

static int reg_cb(const struct store_ent_row *r, void *arg)
{
	json_t **reg = arg;

	if (*reg == NULL)
		*reg = row_json(ENT_F_ENTERPRISES, r->canon, r->line);
	return 0;
}

static json_t *find_row(struct rows *rs, int file, long line)
{
	size_t i;
	json_t *v;

	json_array_foreach(rs->by_file[file], i, v)
	{
		if (json_integer_value(json_object_get(v, "line")) == line)
			return v;
	}
	return NULL;
}

static const char *str_of(json_t *row, const char *key)
{
	const char *s = json_string_value(json_object_get(row, key));

	return s != NULL ? s : "";
}

/* A series point {"t": period, "v": number or null, "source": …}. */
static void series_add(json_t *a, json_t *row, const char *tkey, const char *vkey)
{
	const char *vs = str_of(row, vkey);

	json_array_append_new(a,
			      json_pack("{s:s,s:o,s:O}", "t", str_of(row, tkey), "v",
					vs[0] != '\0' ? json_real(strtod(vs, NULL)) : json_null(),
					"source", json_object_get(row, "source")));
}

static int cmp_t(const void *a, const void *b)
{
	const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;

	return strcmp(json_string_value(json_object_get(x, "t")),
		      json_string_value(json_object_get(y, "t")));
}

static json_t *sorted(json_t *a)
{
	size_t n = json_array_size(a);
	json_t **v = xcalloc(n + 1, sizeof(*v));
	json_t *out = json_array();

	for (size_t i = 0; i < n; i++)
		v[i] = json_array_get(a, i);
	qsort(v, n, sizeof(*v), cmp_t);
	for (size_t i = 0; i < n; i++)
		json_array_append(out, v[i]);
	free(v);
	json_decref(a);
	return out;
}

static json_t *fixed_json(int64_t v, int64_t scale)
{
	if (v == ENT_UNKNOWN)
		return json_null();
	return json_real((double)v / (double)scale);
}

static json_t *indicator(const char *key, const char *group, const char *name, int points, int max)
{
	return json_pack("{s:s,s:s,s:s,s:i,s:i}", "key", key, "group", group, "name", name,
			 "points", points, "max", max);
}

static json_t *scorecard(const struct ent_result *r)
{
	json_t *ind = json_array();
	json_t *direct = json_array();
	int g1 = r->ind[0] + r->ind[1], g2 = r->ind[2] + r->ind[3], g3 = r->ind[4] + r->ind[5];

	json_array_append_new(ind, indicator("ip", "创新能力", "主导产品知识产权", r->ind[0], 20));
	json_array_append_new(
	    ind, indicator("rd_ratio", "创新能力", "研发费用占营业收入比重", r->ind[1], 20));
	json_array_append_new(ind,
			      indicator("growth", "成长性", "主营业务收入增长率", r->ind[2], 20));
	json_array_append_new(ind, indicator("debt_ratio", "成长性", "资产负债率", r->ind[3], 10));
	json_array_append_new(
	    ind, indicator("strategic", "专业化", "主导产品属战略性新兴产业", r->ind[4], 10));
	json_array_append_new(ind, indicator("main_business_share", "专业化",
					     "主营业务收入占营业收入比重", r->ind[5], 20));
	if (r->direct_cert)
		json_array_append_new(direct, json_string("有效的高新技术企业证书"));
	if (r->direct_equity)
		json_array_append_new(direct, json_string("近 3 年股权融资累计 ≥ 500 万元"));
	return json_pack("{s:i,s:i,s:b,s:o,s:o,s:{s:i,s:i,s:i},s:s,s:{s:b,s:b,s:b,s:b}}", "year",
			 r->year, "score", r->cx_score, "pass", r->cx_pass, "indicators", ind,
			 "direct", direct, "groups", "innovation", g1, "growth", g2,
			 "specialisation", g3, "rule",
			 "总分 ≥ 60 且创新能力 ≥ 20、成长性 ≥ 15、专业化 ≥ 15，或满足直通条件",
			 "zjtx", "base", r->age_ok && r->rd_ok && r->rev_ok, "age_2y", r->age_ok,
			 "rd", r->rd_ok, "revenue_or_equity", r->rev_ok);
}

static json_t *grade_json(const struct ent_result *r, const char *cap_reason)
{
	static const char *const keys[5] = {"basic", "operations", "innovation", "compliance",
					    "performance"};
	static const char *const names[5] = {"基础属性", "经营能力", "创新与资质", "合规记录",
					     "履约"};
	static const int max[5] = {15, 30, 15, 30, 10};
	json_t *dims = json_array();
	char expl[1024];
	size_t o = 0;

	for (int k = 0; k < 5; k++)
		json_array_append_new(dims,
				      json_pack("{s:s,s:s,s:i,s:i}", "key", keys[k], "name",
						names[k], "points", r->dim[k], "max", max[k]));
	o += (size_t)snprintf(expl + o, sizeof(expl) - o,
			      "信用评分 %d 分（基础属性 %d/15、经营能力 %d/30、创新与资质 %d/15、"
			      "合规记录 %d/30、履约 %d/10），按分数为 %c 级",
			      r->credit, r->dim[0], r->dim[1], r->dim[2], r->dim[3], r->dim[4],
			      r->base);
	if (cap_reason != NULL && r->grade != r->base)
		snprintf(expl + o, sizeof(expl) - o, "；因存在%s，评级封顶为 %c 级。", cap_reason,
			 r->grade);
	else
		snprintf(expl + o, sizeof(expl) - o, "；最终评级 %c 级。", r->grade);
	return json_pack("{s:s#,s:s#,s:i,s:o,s:s,s:s}", "grade", &r->grade, (size_t)1, "base_grade",
			 &r->base, (size_t)1, "credit_score", r->credit, "dimensions", dims,
			 "explanation", expl, "thresholds",
			 "≥ 80 A、≥ 60 B、≥ 40 C，否则 D；红色预警封顶 D、橙色封顶 C、黄色封顶 B"
			 "（默认阈值）");
}

int ent_profile(struct store *st, int64_t id, const char *uscc, int64_t as_of, json_t **out,
		struct err *e)
{
	struct ent_dataset d;
	struct ent_ctx x;
	struct ent_rules rules;
	struct ent_result *res;
	struct rows rs;
	const struct ent_company *c;
	json_t *p, *reg, *warnings, *series, *hc, *el, *rev;
	char src[96], date[16];
	const char *cap = NULL;
	int cap_sev = 0;
	size_t i;
	json_t *row;
	int rc;

	*out = NULL;
	rc = ent_dataset_load_one(st, id, uscc, &d, e);
	if (rc != 0)
		return rc;
	if (d.n != 1) {
		ent_dataset_free(&d);
		return err_set(e, BASE_E_NOTFOUND, "没有这家企业");
	}
	c = &d.c[0];
	for (int f = 0; f < ENT_NFILES; f++)
		rs.by_file[f] = json_array();
	rc = store_ent_iter_records_of(st, c->id, rows_cb, &rs, e);
	if (rc != 0)
		goto done;
	rc = ent_rules_load(st, &rules, e);
	if (rc != 0)
		goto done;
	ent_ctx_init(&x, as_of);
	x.rules = &rules;
	res = xmalloc(sizeof(*res));
	ent_eval_one(&d, &x, 0, res);

	/* registration facts: the enterprises row as stored (canonical text) */
	reg = NULL;
	rc = store_ent_get(st, c->id, NULL, reg_cb, &reg, e);
	if (rc != 0) {
		free(res);
		goto done;
	}
	if (reg == NULL)
		reg = json_object();
	json_object_set_new(reg, "industry_code",
			    c->industry[0] ? json_string(c->industry) : json_null());
	json_object_set_new(reg, "region_code",
			    c->region[0] ? json_string(c->region) : json_null());
	if (c->v[4] != ENT_UNKNOWN) {
		snprintf(date, sizeof(date), "%04d-%02d-%02d", (int)(c->v[4] / 10000),
			 (int)(c->v[4] / 100 % 100), (int)(c->v[4] % 100));
		json_object_set_new(reg, "establish_date", json_string(date));
		json_object_set_new(reg, "age_years", json_integer(ent_full_years(c->v[4], as_of)));
	} else {
		json_object_set_new(reg, "establish_date", json_null());
	}
	json_object_set_new(reg, "registered_capital_wan", fixed_json(c->v[5], ENT_SCALE));
	{
		static const char *const st_names[] = {"", "存续", "在业", "吊销", "注销"};
		int64_t s = c->v[3];

		json_object_set_new(reg, "status",
				    s >= 1 && s <= 4 ? json_string(st_names[s]) : json_null());
	}

	/* series and the other facts from the stored rows */
	hc = json_array();
	el = json_array();
	rev = json_array();
	json_array_foreach(rs.by_file[ENT_F_SI], i, row)
	    series_add(hc, row, "month", "insured_count");
	json_array_foreach(rs.by_file[ENT_F_UT], i, row)
	    series_add(el, row, "month", "electricity_kwh");
	json_array_foreach(rs.by_file[ENT_F_FINANCIALS], i, row)
	{
		const char *mb = str_of(row, "main_business_revenue_wan");

		series_add(rev, row, "year", "revenue_wan");
		json_object_set_new(json_array_get(rev, json_array_size(rev) - 1), "main_business",
				    mb[0] ? json_real(strtod(mb, NULL)) : json_null());
	}
	series = json_pack("{s:o,s:o,s:o}", "headcount", sorted(hc), "electricity", sorted(el),
			   "revenue", sorted(rev));

	warnings = json_array();
	for (int k = 0; k < ENT_R_COUNT; k++) {
		const struct ent_rule_cfg *rc_ = &rules.r[k];
		const struct ent_rule_cfg *dc = &ent_rules_builtin()->r[k];
		char name[160], thr[400];
		json_t *evid;

		if (!res->fl[k].on)
			continue;
		/* the cap comes from the worst level raised */
		{
			int sev = rc_->level[0] == 'r' ? 3 : rc_->level[0] == 'o' ? 2 : 1;

			if (sev > cap_sev) {
				cap_sev = sev;
				cap = sev == 3 ? "红色预警" : sev == 2 ? "橙色预警" : "黄色预警";
			}
		}
		ent_rule_text(&rules, (size_t)k, name, sizeof(name), thr, sizeof(thr));
		evid = json_array();
		for (size_t j = 0; j < res->fl[k].n; j++) {
			int f = res->fl[k].file[j];
			long line = res->fl[k].line[j];
			json_t *r0 = f == 0 ? NULL : find_row(&rs, f, line);

			snprintf(src, sizeof(src), "%s:%ld", ent_files[f].name, line);
			json_array_append_new(evid,
					      json_pack("{s:s,s:s,s:I,s:O}", "source", src, "file",
							ent_files[f].name, "line", (json_int_t)line,
							"row", r0 != NULL ? r0 : reg));
		}
		json_array_append_new(
		    warnings,
		    json_pack("{s:s,s:s,s:s,s:s,s:s,s:b,s:o}", "rule", ent_rule_id((size_t)k),
			      "level", rc_->level, "level_zh", ent_level_zh(rc_->level), "name",
			      name, "threshold", thr, "default",
			      strcmp(rc_->level, dc->level) == 0 && rc_->param == dc->param,
			      "evidence", evid));
	}

	snprintf(date, sizeof(date), "%04d-%02d-%02d", (int)(as_of / 10000),
		 (int)(as_of / 100 % 100), (int)(as_of % 100));
	p = json_pack("{s:I,s:s,s:b,s:s,s:s}", "id", (json_int_t)c->id, "uscc", c->uscc,
		      "uscc_valid", ent_uscc_valid(c->uscc), "name", c->name ? c->name : "",
		      "as_of", date);
	json_object_set_new(p, "registration", reg);
	json_object_set_new(
	    p, "size",
	    json_pack("{s:o,s:o,s:o,s:o}", "latest_year",
		      res->year >= 0 ? json_integer(res->year) : json_null(), "revenue_wan",
		      fixed_json(res->revenue, ENT_SCALE), "growth_pct",
		      fixed_json(res->growth_bp, 100), "insured_count",
		      res->headcount == ENT_UNKNOWN ? json_null() : json_integer(res->headcount)));
	{
		json_t *certs = json_array();

		for (int k = 0; k < 4; k++)
			if (res->certs & (1u << k))
				json_array_append_new(certs, json_string(ent_cert_name(k)));
		json_object_set_new(p, "innovation",
				    json_pack("{s:o,s:O,s:O}", "valid_certifications", certs, "ip",
					      rs.by_file[ENT_F_IP], "certifications",
					      rs.by_file[ENT_F_CERT]));
	}
	json_object_set_new(
	    p, "compliance",
	    json_pack("{s:O,s:O,s:O,s:O,s:O}", "admin_penalties", rs.by_file[ENT_F_PENALTIES],
		      "abnormal_list", rs.by_file[ENT_F_ABNORMAL], "dishonest_debtors",
		      rs.by_file[ENT_F_DISHONEST], "court_cases", rs.by_file[ENT_F_COURT],
		      "tax_credit", rs.by_file[ENT_F_TAX]));
	json_object_set_new(p, "financials", json_incref(rs.by_file[ENT_F_FINANCIALS]));
	json_object_set_new(p, "equity_financing", json_incref(rs.by_file[ENT_F_EQUITY]));
	json_object_set_new(p, "series", series);
	json_object_set_new(p, "scorecard", scorecard(res));
	json_object_set_new(p, "warnings", warnings);
	json_object_set_new(p, "grade", grade_json(res, cap));
	free(res);
	*out = p;
done:
	for (int f = 0; f < ENT_NFILES; f++)
		json_decref(rs.by_file[f]);
	ent_dataset_free(&d);
	return rc;
}
