/* gongwen/report: findings as JSON (machine) and Chinese text (people). */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "gongwen/gongwen.h"

static const char *fix_name(int fix)
{
	switch (fix) {
	case GW_FIX_AUTO:
		return "auto";
	case GW_FIX_SUGGEST:
		return "suggest";
	default:
		return "manual";
	}
}

static json_t *finding_json(const struct gw_finding *f)
{
	json_t *o = json_object();

	json_object_set_new(o, "rule", json_string(f->rule));
	json_object_set_new(o, "severity", json_string(gw_severity_name(f->severity)));
	json_object_set_new(o, "paragraph", f->para >= 0 ? json_integer(f->para) : json_null());
	json_object_set_new(o, "excerpt", json_string(f->excerpt ? f->excerpt : ""));
	json_object_set_new(o, "message", json_string(f->message ? f->message : ""));
	json_object_set_new(o, "fix", json_string(fix_name(f->fix)));
	json_object_set_new(o, "suggestion", json_string(f->suggestion ? f->suggestion : ""));
	return o;
}

void gw_report_json(const struct gw_doc *doc, const struct gw_findings *f, struct buf *out)
{
	json_t *root = json_object();
	json_t *arr = json_array();
	char *s;

	json_object_set_new(root, "file", json_string(doc->file));
	json_object_set_new(root, "profile", json_string(doc->profile->name));
	json_object_set_new(root, "doc_type",
			    doc->doc_type >= 0 ? json_string(gw_doc_types[doc->doc_type])
					       : json_null());
	for (size_t i = 0; i < f->n; i++)
		json_array_append_new(arr, finding_json(&f->v[i]));
	json_object_set_new(root, "findings", arr);
	s = json_dumps(root, JSON_PRESERVE_ORDER | JSON_COMPACT);
	json_object_seed(0);
	if (s != NULL) {
		buf_adds(out, s);
		buf_addc(out, '\n');
		free(s);
	}
	json_decref(root);
}

static const char *sev_zh(int sev)
{
	return sev == GW_SEV_ERROR ? "错误" : sev == GW_SEV_WARNING ? "警告" : "提示";
}

void gw_report_text(const struct gw_doc *doc, const struct gw_findings *f, struct buf *out)
{
	size_t counts[3] = {0, 0, 0};
	size_t autofix = 0;

	buf_addf(out, "文件：%s（规范：%s；文种：%s）\n", doc->file, doc->profile->name,
		 doc->doc_type >= 0 ? gw_doc_types[doc->doc_type] : "未识别");
	struct buf render;

	buf_init(&render, 1 << 16);
	for (size_t i = 0; i < f->n; i++) {
		const struct gw_finding *x = &f->v[i];

		counts[x->severity]++;
		/* Layout items that need rendering: one compact line at the end. */
		if (x->severity == GW_SEV_INFO && x->para < 0 &&
		    strncmp(x->message, "需渲染核验：", strlen("需渲染核验：")) == 0) {
			buf_addf(&render, "%s%s（%s）", render.len ? "；" : "",
				 x->message + strlen("需渲染核验："), x->rule);
			continue;
		}
		if (x->fix == GW_FIX_AUTO)
			autofix++;
		if (x->para >= 0)
			buf_addf(out, "  第%ld段  %s  [%s] %s\n", x->para + 1, sev_zh(x->severity),
				 x->rule, x->message);
		else
			buf_addf(out, "  全文   %s  [%s] %s\n", sev_zh(x->severity), x->rule,
				 x->message);
		if (x->excerpt != NULL && x->excerpt[0] != '\0')
			buf_addf(out, "         原文：“%s”\n", x->excerpt);
		if (x->fix == GW_FIX_AUTO)
			buf_addf(out, "         处理：可自动修正%s%s\n",
				 x->suggestion && x->suggestion[0] ? " → " : "",
				 x->suggestion ? x->suggestion : "");
		else if (x->suggestion != NULL && x->suggestion[0] != '\0')
			buf_addf(out, "         建议：%s（需人工确认）\n", x->suggestion);
		else
			buf_addf(out, "         处理：需人工修改\n");
	}
	if (render.len > 0)
		buf_addf(out, "  需渲染核验（版面位置类，请打印预览确认）：%s\n", render.p);
	buf_free(&render);
	if (f->n == 0)
		buf_addf(out, "  未发现问题。\n");
	else
		buf_addf(out,
			 "共 %zu 处：错误 %zu，警告 %zu，提示 %zu；其中 %zu 处可自动修正（shuzhi "
			 "gongwen fix）。\n",
			 f->n, counts[0], counts[1], counts[2], autofix);
}
