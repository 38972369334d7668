/*
 * enterprise/rules: the risk-warning rules of README R6 as a configuration
 * — per rule enabled or not, its level and (where the rule has one) its
 * threshold. The README's values are the built-in defaults; the admin's
 * changes are kept as a JSON object of the differences in the setting
 * "rules" (store/enterprise_store.h) and every evaluation reads them.
 *
 * Text form (what PUT /api/enterprise/rules and `--rules FILE` take):
 *   {"rules": {"abnormal_list": {"enabled": false},
 *              "litigation_3_cases": {"level": "orange", "threshold": 5}}}
 * (the outer {"rules": …} may be left out). A rule that is not named keeps
 * its default; an unknown rule, level or key, a threshold outside its range
 * or a threshold on a rule without one is an error (nothing applied).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enterprise/ent_internal.h"
#include "store/enterprise_store.h"
#include "text/text.h"

_Static_assert(ENT_NRULES == ENT_R_COUNT, "ENT_NRULES must match the rule table");

struct rule_def {
	const char *rule, *level, *name_fmt, *thr_fmt;
	int64_t param, lo, hi; /* param 0: the rule has no threshold */
	const char *unit;
};

/* README R6 with the thresholds it fixes (the defaults). The formats take
 * the threshold (%lld) when the rule has one. */
static const struct rule_def defs[ENT_R_COUNT] = {
    {"dishonest_debtor", "red", "失信被执行人", "列入失信被执行人名单且未移出", 0, 0, 0, ""},
    {"tax_grade_d", "red", "纳税信用 D 级", "最近一个纳税年度信用等级为 D", 0, 0, 0, ""},
    {"status_revoked_cancelled", "red", "吊销或注销", "登记状态为吊销或注销", 0, 0, 0, ""},
    {"abnormal_list", "orange", "经营异常名录", "列入经营异常名录且未移出", 0, 0, 0, ""},
    {"social_insurance_arrears", "orange", "社保欠缴", "近 12 个月最新一期社保连续欠缴 ≥ %lld 个月",
     3, 1, 120, "个月"},
    {"admin_penalties_100k", "orange", "行政处罚累计 %lld 元",
     "近 12 个月未信用修复的行政处罚金额合计 ≥ %lld 元", 100000, 1, 1000000000000LL, "元"},
    {"litigation_30pct_revenue", "orange", "被诉金额超营收 %lld%%",
     "近 12 个月作为被告的涉诉金额 > 0 且 ≥ 上年营业收入的 %lld%%（营收未知按 0）", 30, 1, 1000,
     "%"},
    {"headcount_drop_30pct", "yellow", "参保人数下降 %lld%%",
     "近 3 个月平均参保人数 ≤ 前 3 个月平均的 (100 − %lld)%%（每段至少 2 个月有数据）", 30, 1, 99,
     "%"},
    {"electricity_drop_30pct_3m", "yellow", "用电量连续 3 个月下降 %lld%%",
     "近 6 个月内连续 3 个月用电量 ≤ 上年同月的 (100 − %lld)%%", 30, 1, 99, "%"},
    {"tax_grade_c", "yellow", "纳税信用 C 级", "最近一个纳税年度信用等级为 C", 0, 0, 0, ""},
    {"litigation_3_cases", "yellow", "近 12 个月被诉 %lld 件以上",
     "近 12 个月作为被告的案件 ≥ %lld 件", 3, 1, 1000, "件"},
};

static const char *const levels[] = {"red", "orange", "yellow"};

const struct ent_rules *ent_rules_builtin(void)
{
	static struct ent_rules d;
	static bool init;

	if (!init) {
		ent_rules_default(&d);
		init = true;
	}
	return &d;
}

void ent_rules_default(struct ent_rules *rs)
{
	for (size_t k = 0; k < ENT_R_COUNT; k++) {
		rs->r[k].enabled = true;
		rs->r[k].level = defs[k].level;
		rs->r[k].param = defs[k].param;
	}
}

const char *ent_rule_id(size_t k)
{
	return k < ENT_R_COUNT ? defs[k].rule : NULL;
}

static const char *level_of(const char *s)
{
	for (size_t i = 0; i < ARRAY_LEN(levels); i++)
		if (strcmp(s, levels[i]) == 0)
			return levels[i];
	return NULL;
}

#define BAD(fmt) err_set(e, BASE_E_FORMAT, fmt, rule)

int ent_rules_from_json(const json_t *root, struct ent_rules *rs, struct err *e)
{
	const json_t *obj = root;
	const char *rule, *key;
	json_t *v, *x;

	ent_rules_default(rs);
	if (json_is_object(root) && json_object_get(root, "rules") != NULL) {
		if (json_object_size(root) != 1)
			return err_set(e, BASE_E_FORMAT, "预警规则配置只能含 rules 一项");
		obj = json_object_get(root, "rules");
	}
	if (!json_is_object(obj))
		return err_set(e, BASE_E_FORMAT,
			       "预警规则配置应为对象：{\"rules\": {\"规则\": {\"enabled\": "
			       "true, \"level\": \"orange\", \"threshold\": 3}}}");
	json_object_foreach((json_t *)obj, rule, v)
	{
		size_t k;

		for (k = 0; k < ENT_R_COUNT && strcmp(defs[k].rule, rule) != 0; k++)
			;
		if (k == ENT_R_COUNT)
			return BAD("未知的预警规则“%.80s”");
		if (!json_is_object(v))
			return BAD("规则 %s 的配置应为对象");
		json_object_foreach(v, key, x)
		{
			if (strcmp(key, "enabled") == 0) {
				if (!json_is_boolean(x))
					return BAD("规则 %s 的 enabled 应为 true 或 false");
				rs->r[k].enabled = json_is_true(x);
			} else if (strcmp(key, "level") == 0) {
				const char *l =
				    json_is_string(x) ? level_of(json_string_value(x)) : NULL;

				if (l == NULL)
					return BAD("规则 %s 的 level 应为 red、orange 或 yellow");
				rs->r[k].level = l;
			} else if (strcmp(key, "threshold") == 0) {
				json_int_t t;

				if (defs[k].param == 0)
					return BAD("规则 %s 没有可设置的阈值");
				if (!json_is_integer(x))
					return BAD("规则 %s 的 threshold 应为整数");
				t = json_integer_value(x);
				if (t < defs[k].lo || t > defs[k].hi) {
					return err_set(
					    e, BASE_E_FORMAT,
					    "规则 %s 的 threshold 应在 %lld–%lld %s 之间", rule,
					    (long long)defs[k].lo, (long long)defs[k].hi,
					    defs[k].unit);
				}
				rs->r[k].param = t;
			} else {
				return err_set(
				    e, BASE_E_FORMAT,
				    "规则 %s 的未知配置项“%.40s”（只能是 enabled、level、"
				    "threshold）",
				    rule, key);
			}
		}
	}
	return 0;
}

int ent_rules_parse(const char *text, size_t len, struct ent_rules *rs, struct err *e)
{
	json_error_t je;
	json_t *root;
	int rc;

	ent_rules_default(rs);
	if (len > ENT_RULES_MAX)
		return err_set(e, BASE_E_FORMAT, "预警规则配置过大（至多 %zu 字节）",
			       (size_t)ENT_RULES_MAX);
	if (!text_utf8_valid(text, len, NULL))
		return err_set(e, BASE_E_FORMAT, "预警规则配置不是有效的 UTF-8");
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (root == NULL)
		return err_set(e, BASE_E_FORMAT, "预警规则配置不是有效的 JSON（第 %d 行）：%.120s",
			       je.line, je.text);
	rc = ent_rules_from_json(root, rs, e);
	json_decref(root);
	if (rc != 0)
		ent_rules_default(rs);
	return rc;
}

json_t *ent_rules_diff_json(const struct ent_rules *rs)
{
	json_t *o = json_object();

	for (size_t k = 0; k < ENT_R_COUNT; k++) {
		json_t *r = json_object();

		if (!rs->r[k].enabled)
			json_object_set_new(r, "enabled", json_false());
		if (strcmp(rs->r[k].level, defs[k].level) != 0)
			json_object_set_new(r, "level", json_string(rs->r[k].level));
		if (rs->r[k].param != defs[k].param)
			json_object_set_new(r, "threshold", json_integer(rs->r[k].param));
		if (json_object_size(r) > 0)
			json_object_set_new(o, defs[k].rule, r);
		else
			json_decref(r);
	}
	return o;
}

int ent_rules_load(struct store *st, struct ent_rules *rs, struct err *e)
{
	char *v = NULL;
	struct err pe = {0};

	ent_rules_default(rs);
	if (store_ent_setting_get(st, "rules", &v, e) != 0)
		return -1;
	if (v != NULL && ent_rules_parse(v, strlen(v), rs, &pe) != 0)
		base_log(LOG_WARN, "enterprise: stored risk rules unreadable (%s); defaults used",
			 pe.msg);
	free(v);
	return 0;
}

void ent_rule_text(const struct ent_rules *rs, size_t k, char *name, size_t nn, char *thr,
		   size_t tn)
{
	const struct rule_def *d = &defs[k];
	long long p = (long long)(rs != NULL ? rs->r[k].param : d->param);

	/* the formats are constants of the table above */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	if (name != NULL)
		snprintf(name, nn, d->name_fmt, p);
	if (thr != NULL)
		snprintf(thr, tn, d->thr_fmt, p);
#pragma GCC diagnostic pop
}

const char *ent_level_zh(const char *level)
{
	return strcmp(level, "red") == 0 ? "红色" : strcmp(level, "orange") == 0 ? "橙色" : "黄色";
}

json_t *ent_rules_json(const struct ent_rules *rs)
{
	json_t *a = json_array();

	if (rs == NULL)
		rs = ent_rules_builtin();
	for (size_t k = 0; k < ENT_R_COUNT; k++) {
		const struct ent_rule_cfg *c = &rs->r[k];
		const struct rule_def *d = &defs[k];
		char name[160], thr[400], dname[160], dthr[400];
		bool is_def = c->enabled && strcmp(c->level, d->level) == 0 && c->param == d->param;
		json_t *o;

		ent_rule_text(rs, k, name, sizeof(name), thr, sizeof(thr));
		ent_rule_text(NULL, k, dname, sizeof(dname), dthr, sizeof(dthr));
		o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:b,s:b,s:{s:s,s:s,s:s,s:b,s:s}}", "rule",
			      d->rule, "level", c->level, "level_zh", ent_level_zh(c->level),
			      "name", name, "threshold", thr, "enabled", c->enabled, "default",
			      is_def, "defaults", "level", d->level, "level_zh",
			      ent_level_zh(d->level), "name", dname, "enabled", 1, "threshold",
			      dthr);
		if (d->param != 0)
			json_object_set_new(
			    o, "param",
			    json_pack("{s:I,s:I,s:I,s:I,s:s}", "value", (json_int_t)c->param,
				      "default", (json_int_t)d->param, "min", (json_int_t)d->lo,
				      "max", (json_int_t)d->hi, "unit", d->unit));
		else
			json_object_set_new(o, "param", json_null());
		json_array_append_new(a, o);
	}
	return a;
}
