/*
 * scenario/generators: built-in generators a definition can name in
 * "generator". A generator derives fields from the validated input before
 * the templates run; it never invents facts (what the input cannot supply
 * becomes 【待填写】). Adding one: a function here and a row in
 * scn_generators (the extract helper adds "enforce.*" the same way).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/scenario.h"

#define BLANK "【待填写】"

static const char *str(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s != NULL ? s : "";
}

/* Name of the person holding a role, from the input's roles table. */
static const char *role_name(json_t *roles, const char *role)
{
	for (size_t i = 0; i < json_array_size(roles); i++) {
		json_t *r = json_array_get(roles, i);
		if (strcmp(str(r, "role"), role) == 0 && *str(r, "name"))
			return str(r, "name");
	}
	return BLANK;
}

static bool in_list(json_t *arr, const char *s)
{
	for (size_t i = 0; i < json_array_size(arr); i++)
		if (strcmp(json_string_value(json_array_get(arr, i))
			       ? json_string_value(json_array_get(arr, i))
			       : "",
			   s) == 0)
			return true;
	return false;
}

/*
 * drill.script — AQ/T 9007-2019 演练脚本. Inputs: accident_type (key of
 * data.timelines), drill_content 综合/单项, drill_form 实战/桌面, focus (the
 * function a 单项 drill exercises), roles [{role, name}]. data.timelines
 * lists steps {at (minutes), scene, instruction, role, action, expect,
 * functions[]}. Output fields: drill_type, injects [{seq, time, scene,
 * instruction, role, person, action, expect}], total_minutes, eval_items
 * (data.evaluation, AQ/T 9009-2015 items for the drill's functions).
 */
static int gen_drill(const struct scn_def *d, json_t *ctx, struct err *e)
{
	json_t *data = json_object_get(ctx, "data");
	const char *type = str(ctx, "accident_type");
	const char *content = str(ctx, "drill_content");
	const char *form = str(ctx, "drill_form");
	const char *focus = str(ctx, "focus");
	json_t *steps = json_object_get(json_object_get(data, "timelines"), type);
	json_t *roles = json_object_get(ctx, "roles");
	json_t *injects = json_array(), *evals = json_array();
	bool single = strcmp(content, "单项") == 0;
	bool table = strcmp(form, "桌面") == 0;
	long last = 0;
	size_t seq = 0;
	char buf[64];

	if (!json_is_array(steps) || json_array_size(steps) == 0) {
		json_decref(injects);
		json_decref(evals);
		return err_set(e, BASE_E_FORMAT, "%s: $.data.timelines 没有“%s”的演练步骤", d->path,
			       type);
	}
	for (size_t i = 0; i < json_array_size(steps); i++) {
		json_t *s = json_array_get(steps, i), *o;
		json_t *fns = json_object_get(s, "functions");
		long at = json_is_integer(json_object_get(s, "at"))
			      ? (long)json_integer_value(json_object_get(s, "at"))
			      : last;
		bool always = in_list(fns, "启动") || in_list(fns, "结束");
		char action[1024];

		/* 单项演练: only the steps of the exercised function (AQ/T 9007 §3) */
		if (single && !always && !in_list(fns, focus))
			continue;
		seq++;
		/* 桌面演练 cycles 注入信息 → 提出问题 → 分析决策 → 表达结果, about 8 min each */
		if (table)
			at = (long)(seq - 1) * 8;
		last = at;
		o = json_object();
		json_object_set_new(o, "seq", json_integer((json_int_t)seq));
		snprintf(buf, sizeof(buf), "T+%02ld:%02d", at, 0);
		json_object_set_new(o, "time", json_string(buf));
		json_object_set_new(o, "scene", json_string(str(s, "scene")));
		json_object_set_new(o, "instruction", json_string(str(s, "instruction")));
		json_object_set_new(o, "role", json_string(str(s, "role")));
		json_object_set_new(o, "person", json_string(role_name(roles, str(s, "role"))));
		if (table)
			snprintf(action, sizeof(action),
				 "提出问题：%s应当如何处置？分析决策后表达结果：%s", str(s, "role"),
				 str(s, "action"));
		else
			snprintf(action, sizeof(action), "%s", str(s, "action"));
		json_object_set_new(o, "action", json_string(action));
		json_object_set_new(o, "expect", json_string(str(s, "expect")));
		json_array_append_new(injects, o);
	}
	{
		json_t *items = json_object_get(data, "evaluation");
		size_t k = 0;
		for (size_t i = 0; i < json_array_size(items); i++) {
			json_t *it = json_array_get(items, i), *o;
			json_t *fns = json_object_get(it, "functions");
			if (single && json_array_size(fns) > 0 && !in_list(fns, focus) &&
			    !in_list(fns, "通用"))
				continue;
			o = json_deep_copy(it);
			json_object_set_new(o, "seq", json_integer((json_int_t)++k));
			json_object_del(o, "functions");
			json_array_append_new(evals, o);
		}
	}
	snprintf(buf, sizeof(buf), "%s%s演练", content, form);
	json_object_set_new(ctx, "drill_type", json_string(buf));
	json_object_set_new(ctx, "injects", injects);
	json_object_set_new(ctx, "eval_items", evals);
	json_object_set_new(ctx, "total_minutes", json_integer(last + (table ? 8 : 2)));
	json_object_set_new(ctx, "commander", json_string(role_name(roles, "总指挥")));
	return 0;
}

const struct scn_generator scn_generators[] = {
    {"drill.script", "生产安全事故应急演练脚本（AQ/T 9007-2019 步骤表、AQ/T 9009-2015 评估表）",
     gen_drill},
};
const size_t scn_ngenerators = ARRAY_LEN(scn_generators);

const struct scn_generator *scn_generator_find(const char *name)
{
	for (size_t i = 0; i < scn_ngenerators; i++)
		if (strcmp(scn_generators[i].name, name) == 0)
			return &scn_generators[i];
	return NULL;
}
