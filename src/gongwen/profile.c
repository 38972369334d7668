/*
 * gongwen/profile: the parameters the rules check against.
 *
 * "gbt9704-2012" is built in (GB/T 9704-2012 §5, §7; gongwen-rules.md §1).
 * A unit profile is a JSON file that starts from it and overrides
 * parameters; every override that differs from the national value is listed
 * in `deviations` and reported as GW-PAGE-012 ("偏离国标").
 *
 *   {"name": "某市办公室规范", "page": {"top_mm": 37, "bottom_mm": 35,
 *    "left_mm": 28, "right_mm": 26}, "line_spacing_pt": 28,
 *    "fonts": {"body": "仿宋", "title": "方正小标宋简体", "h1": "黑体",
 *              "h2": "楷体", "latin": "Times New Roman"}}
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "gongwen/gongwen.h"

#define MM(x) ((long)lround((x)*56.6929))

void gw_profile_national(struct gw_profile *p)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "gbt9704-2012");
	p->is_national = true;
	p->page_w = 11906;
	p->page_h = 16838;
	p->page_tol = 20;
	p->margin_top = 2098;
	p->margin_left = 1587;
	p->margin_right = 1474;
	p->margin_bottom = 1984;
	p->margin_tol = 57; /* ±1 mm (GB/T 9704 §6.1) */
	p->type_w = 8845;
	p->type_h = 12756;
	p->type_tol = 57;
	p->body_sz = 32;  /* 3号 */
	p->title_sz = 44; /* 2号 */
	p->heading_sz = 32;
	p->note_sz = 28; /* 4号 */
	p->pgno_sz = 28;
	p->first_line = 640; /* 2 chars of 3号 */
	p->first_line_min = 560;
	p->first_line_max = 720;
	p->line_exact = 579; /* 22 lines in 225 mm (gongwen-rules.md §1.1) */
	snprintf(p->body_font, sizeof(p->body_font), "仿宋_GB2312");
	snprintf(p->title_font, sizeof(p->title_font), "方正小标宋简体");
	snprintf(p->h1_font, sizeof(p->h1_font), "黑体");
	snprintf(p->h2_font, sizeof(p->h2_font), "楷体_GB2312");
	snprintf(p->latin_font, sizeof(p->latin_font), "Times New Roman");
	snprintf(p->pgno_font, sizeof(p->pgno_font), "宋体");
}

static void deviate(struct gw_profile *p, const char *what)
{
	size_t l = strlen(p->deviations);

	snprintf(p->deviations + l, sizeof(p->deviations) - l, "%s%s", l ? "；" : "", what);
	p->is_national = false;
}

static int mm_field(json_t *obj, const char *key, long *dst, long national, const char *label,
		    struct gw_profile *p, const char *path, struct err *e)
{
	json_t *v = json_object_get(obj, key);
	double mm;
	char msg[128];

	if (v == NULL)
		return 0;
	if (!json_is_number(v))
		return err_set(e, BASE_E_FORMAT, "%s: “%s”应为数字（毫米）", path, key);
	mm = json_number_value(v);
	if (mm < 5 || mm > 80)
		return err_set(e, BASE_E_FORMAT, "%s: “%s”=%.1f 超出合理范围（5–80毫米）", path,
			       key, mm);
	*dst = MM(mm);
	if (labs(*dst - national) > 20) {
		snprintf(msg, sizeof(msg), "%s%.1fmm（国标%.0fmm，GB/T 9704 §5.2.1 规）", label, mm,
			 national / 56.6929);
		deviate(p, msg);
	}
	return 0;
}

static int font_field(json_t *obj, const char *key, char *dst, size_t n, const char *label,
		      struct gw_profile *p, const char *path, struct err *e)
{
	json_t *v = json_object_get(obj, key);
	char msg[160];

	if (v == NULL)
		return 0;
	if (!json_is_string(v) || json_string_length(v) == 0 || json_string_length(v) >= n)
		return err_set(e, BASE_E_FORMAT, "%s: 字体“%s”应为非空字符串", path, key);
	if (strcmp(dst, json_string_value(v)) != 0 &&
	    gw_font_category(json_string_value(v)) != gw_font_category(dst)) {
		snprintf(msg, sizeof(msg), "%s字体%s（国标类别与之不同，§7 般）", label,
			 json_string_value(v));
		deviate(p, msg);
	}
	snprintf(dst, n, "%s", json_string_value(v));
	return 0;
}

int gw_profile_load(const char *path, struct gw_profile *p, struct err *e)
{
	json_error_t je;
	json_t *root;
	json_t *page;
	json_t *fonts;
	json_t *v;
	char *data;
	size_t len;
	int rc;
	struct gw_profile nat;

	gw_profile_national(p);
	gw_profile_national(&nat);
	rc = base_read_file(path, 1 << 20, &data, &len, e);
	if (rc != 0)
		return rc;
	root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &je);
	free(data);
	if (root == NULL || !json_is_object(root)) {
		json_decref(root);
		return err_set(e, BASE_E_FORMAT, "%s: 单位规范不是有效的JSON对象（第 %d 行：%s）",
			       path, je.line, je.text);
	}
	v = json_object_get(root, "name");
	snprintf(p->name, sizeof(p->name), "%s",
		 json_is_string(v) ? json_string_value(v) : "unit-profile");
	page = json_object_get(root, "page");
	if (page != NULL && json_is_object(page)) {
		rc = mm_field(page, "top_mm", &p->margin_top, nat.margin_top, "天头", p, path, e);
		if (rc == 0)
			rc = mm_field(page, "bottom_mm", &p->margin_bottom, nat.margin_bottom,
				      "下白边", p, path, e);
		if (rc == 0)
			rc = mm_field(page, "left_mm", &p->margin_left, nat.margin_left, "订口", p,
				      path, e);
		if (rc == 0)
			rc = mm_field(page, "right_mm", &p->margin_right, nat.margin_right,
				      "右白边", p, path, e);
		if (rc != 0)
			goto out;
		p->type_w = p->page_w - p->margin_left - p->margin_right;
		p->type_h = p->page_h - p->margin_top - p->margin_bottom;
	}
	v = json_object_get(root, "line_spacing_pt");
	if (v != NULL) {
		if (!json_is_number(v) || json_number_value(v) < 12 || json_number_value(v) > 60) {
			rc = err_set(e, BASE_E_FORMAT, "%s: line_spacing_pt 应为12–60之间的数字",
				     path);
			goto out;
		}
		p->line_exact = lround(json_number_value(v) * 20);
		if (labs(p->line_exact - nat.line_exact) > 10) {
			char msg[96];

			snprintf(msg, sizeof(msg), "行距%.2f磅（国标每页22行约28.95磅，§5.2.3 般）",
				 json_number_value(v));
			deviate(p, msg);
		}
	}
	fonts = json_object_get(root, "fonts");
	if (fonts != NULL && json_is_object(fonts)) {
		rc = font_field(fonts, "body", p->body_font, sizeof(p->body_font), "正文", p, path,
				e);
		if (rc == 0)
			rc = font_field(fonts, "title", p->title_font, sizeof(p->title_font),
					"标题", p, path, e);
		if (rc == 0)
			rc = font_field(fonts, "h1", p->h1_font, sizeof(p->h1_font), "一级标题", p,
					path, e);
		if (rc == 0)
			rc = font_field(fonts, "h2", p->h2_font, sizeof(p->h2_font), "二级标题", p,
					path, e);
		if (rc == 0)
			rc = font_field(fonts, "latin", p->latin_font, sizeof(p->latin_font),
					"西文", p, path, e);
	}
out:
	json_decref(root);
	return rc;
}

int gw_profile_resolve(const char *name, struct gw_profile *p, struct err *e)
{
	size_t l = name ? strlen(name) : 0;

	if (name == NULL || strcmp(name, "gbt9704-2012") == 0 || strcmp(name, "gbt9704") == 0) {
		gw_profile_national(p);
		return 0;
	}
	if (l > 5 && strcmp(name + l - 5, ".json") == 0)
		return gw_profile_load(name, p, e);
	return err_set(e, BASE_E_USAGE,
		       "未知的规范“%s”（内置：gbt9704-2012；或给出单位规范 JSON 文件路径）", name);
}
