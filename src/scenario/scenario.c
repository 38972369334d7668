/* scenario: loading, validating and running definitions (see scenario.h). */
#include "scenario/scenario.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "doc/docx_write.h"
#include "gongwen/draft.h"
#include "gongwen/gongwen.h"
#include "scenario/tmpl.h"
#include "text/regex.h"
#include "text/text.h"

/* The official list of Futian's 11 categories is not published
 * (spec/scenarios.md §6.2); this grouping is our reconstruction. */
const char *const scn_categories[11] = {
    "公文处理", "民生诉求", "应急管理与安全生产", "招商引资",	      "行政执法", "党建党务",
    "督查督办", "政务服务", "基层治理",		  "劳动人事争议仲裁", "综合办公"};

/* 公文 parts of output.gongwen, in struct scn_def.gw / scn_result.parts order. */
static const char *const gw_keys[16] = {"wenzhong",  "organ_mark", "doc_no",	"signer",
					"title",     "recipients", "signature", "date",
					"note",	     "cc",	   "printer",	"print_date",
					"attendees", "absent",	   "observers", "attachments"};
enum {
	GK_WZ,
	GK_MARK,
	GK_NO,
	GK_SIGNER,
	GK_TITLE,
	GK_RECIP,
	GK_SIGN,
	GK_DATE,
	GK_NOTE,
	GK_CC,
	GK_PRINTER,
	GK_PDATE,
	GK_ATT_IN,
	GK_ABSENT,
	GK_OBS,
	GK_ATTACH
};

enum { T_STRING, T_TEXT, T_DATE, T_NUMBER, T_INTEGER, T_BOOL, T_ENUM, T_LIST, T_TABLE };
static const char *const type_names[] = {"string", "text", "date", "number", "integer",
					 "bool",   "enum", "list", "table"};

struct scn_field {
	char *name;
	char *label;
	int type;
	bool required;
	struct text_re *re;
	json_t *options; /* enum */
	long min_len, max_len;
	double min, max;
	bool has_min, has_max;
	long min_items, max_items;
	json_t *def;
	struct scn_field *sub;
	size_t nsub;
};

/* --- regular expressions of definitions ----------------------------------- */

/* Match re in UTF-8 s from code point `from`; group g copied to *out
 * (malloc'd) when out != NULL; *next = where the next search starts. */
static bool re_match(struct text_re *re, const char *s, int g, char **out, size_t from,
		     size_t *next)
{
	struct ustr u;
	long groups[20];
	size_t ms, me;
	bool ok;

	ustr_init(&u);
	ustr_add_cstr(&u, s);
	ok = text_re_search(re, u.p, u.len, from, &ms, &me, groups, 9);
	if (ok) {
		if (next != NULL)
			*next = me > ms ? me : me + 1;
		if (out != NULL) {
			if (g == 0)
				*out = ustr_to_utf8(&u, ms, me);
			else if (groups[2 * (g - 1)] >= 0)
				*out = ustr_to_utf8(&u, (size_t)groups[2 * (g - 1)],
						    (size_t)groups[2 * (g - 1) + 1]);
			else
				*out = xstrdup("");
		}
	}
	ustr_free(&u);
	return ok;
}

/* --- loading -------------------------------------------------------------- */

struct ld {
	const char *label;
	const char *dir;
	struct err *e;
};

static int lerr(struct ld *l, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int lerr(struct ld *l, const char *path, const char *fmt, ...)
{
	char m[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(m, sizeof(m), fmt, ap);
	va_end(ap);
	return err_set(l->e, BASE_E_FORMAT, "%s: %s: %s", l->label, path, m);
}

static bool keys_ok(struct ld *l, json_t *obj, const char *path, const char *const *allowed)
{
	const char *k;
	json_t *v;
	json_object_foreach(obj, k, v)
	{
		bool found = false;
		(void)v;
		for (size_t i = 0; allowed[i] != NULL && !found; i++)
			found = strcmp(k, allowed[i]) == 0;
		if (!found) {
			lerr(l, path, "未知的键“%.60s”", k);
			return false;
		}
	}
	return true;
}

static const char *get_str(struct ld *l, json_t *obj, const char *key, const char *path,
			   bool required)
{
	json_t *v = json_object_get(obj, key);
	if (v == NULL) {
		if (required)
			lerr(l, path, "缺少“%s”", key);
		return NULL;
	}
	if (!json_is_string(v) || json_string_length(v) == 0) {
		lerr(l, path, "“%s”应为非空字符串", key);
		return NULL;
	}
	return json_string_value(v);
}

static bool name_ok(const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n == 0 || n > max)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
		      (i > 0 && ((c >= '0' && c <= '9') || c == '-'))))
			return false;
	}
	return true;
}

static void fields_free(struct scn_field *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(f[i].name);
		free(f[i].label);
		if (f[i].re != NULL)
			text_re_free(f[i].re);
		json_decref(f[i].options);
		json_decref(f[i].def);
		fields_free(f[i].sub, f[i].nsub);
	}
	free(f);
}

static int parse_fields(struct ld *l, json_t *arr, const char *path, int depth,
			struct scn_field **out, size_t *nout)
{
	static const char *const keys[] = {
	    "name",    "label",	      "type",	 "required",  "pattern",   "enum",    "min_len",
	    "max_len", "min",	      "max",	 "min_items", "max_items", "default", "help",
	    "fields",  "placeholder", "example", "file",      NULL};
	struct scn_field *f;
	size_t n;

	*out = NULL;
	*nout = 0;
	if (!json_is_array(arr) || json_array_size(arr) == 0)
		return lerr(l, path, "应为非空数组");
	n = json_array_size(arr);
	if (n > 200)
		return lerr(l, path, "字段过多（最多 200 个）");
	f = xcalloc(n, sizeof(*f));
	*out = f;
	*nout = n;
	for (size_t i = 0; i < n; i++) {
		json_t *o = json_array_get(arr, i), *v;
		char p[256];
		const char *s;
		int t = -1;

		snprintf(p, sizeof(p), "%s[%zu]", path, i);
		if (!json_is_object(o))
			return lerr(l, p, "字段定义应为对象");
		if (!keys_ok(l, o, p, keys))
			return l->e->code;
		s = get_str(l, o, "name", p, true);
		if (s == NULL)
			return l->e->code;
		if (!name_ok(s, 64))
			return lerr(l, p, "字段名“%.60s”不合法（字母、数字、下划线，字母开头）", s);
		for (size_t k = 0; k < i; k++)
			if (strcmp(f[k].name, s) == 0)
				return lerr(l, p, "字段名“%s”重复", s);
		f[i].name = xstrdup(s);
		s = get_str(l, o, "label", p, true);
		if (s == NULL)
			return l->e->code;
		f[i].label = xstrdup(s);
		s = get_str(l, o, "type", p, true);
		if (s == NULL)
			return l->e->code;
		for (size_t k = 0; k < ARRAY_LEN(type_names); k++)
			if (strcmp(s, type_names[k]) == 0)
				t = (int)k;
		if (t < 0)
			return lerr(l, p,
				    "未知的字段类型“%.40s”（可用 string text date number integer "
				    "bool enum list table）",
				    s);
		f[i].type = t;
		v = json_object_get(o, "required");
		if (v != NULL && !json_is_boolean(v))
			return lerr(l, p, "“required”应为 true 或 false");
		f[i].required = json_is_true(v);
		s = json_string_value(json_object_get(o, "pattern"));
		if (json_object_get(o, "pattern") != NULL) {
			char m[300];
			if (s == NULL)
				return lerr(l, p, "“pattern”应为字符串");
			f[i].re = text_re_compile(s, true, m, sizeof(m));
			if (f[i].re == NULL)
				return lerr(l, p, "pattern: %s", m);
		}
		/* "file": the text may come from an uploaded file (the server reads
		 * .txt/.docx); only for free text */
		v = json_object_get(o, "file");
		if (v != NULL && (t != T_TEXT || !json_is_string(v) ||
				  (strcmp(json_string_value(v), ".txt,.docx") != 0 &&
				   strcmp(json_string_value(v), ".txt") != 0 &&
				   strcmp(json_string_value(v), ".docx") != 0)))
			return lerr(l, p,
				    "“file”只能用于 text 字段，取值为 \".txt,.docx\"、\".txt\" 或 "
				    "\".docx\"");
		v = json_object_get(o, "enum");
		if (t == T_ENUM) {
			if (!json_is_array(v) || json_array_size(v) == 0)
				return lerr(l, p, "enum 类型需要非空的“enum”数组");
			for (size_t k = 0; k < json_array_size(v); k++)
				if (!json_is_string(json_array_get(v, k)))
					return lerr(l, p, "“enum”的选项应为字符串");
			f[i].options = json_incref(v);
		} else if (v != NULL)
			return lerr(l, p, "只有 enum 类型可以有“enum”");
		f[i].max_len = t == T_TEXT ? 20000 : 500;
		f[i].max_items = 200;
		for (int k = 0; k < 4; k++) {
			static const char *const ik[] = {"min_len", "max_len", "min_items",
							 "max_items"};
			long *dst[] = {&f[i].min_len, &f[i].max_len, &f[i].min_items,
				       &f[i].max_items};
			v = json_object_get(o, ik[k]);
			if (v == NULL)
				continue;
			if (!json_is_integer(v) || json_integer_value(v) < 0 ||
			    json_integer_value(v) > 1000000)
				return lerr(l, p, "“%s”应为 0 到 1000000 的整数", ik[k]);
			*dst[k] = (long)json_integer_value(v);
		}
		if (f[i].min_len > f[i].max_len)
			return lerr(l, p, "min_len 大于 max_len");
		v = json_object_get(o, "min");
		if (v != NULL) {
			if (!json_is_number(v))
				return lerr(l, p, "“min”应为数字");
			f[i].min = json_number_value(v);
			f[i].has_min = true;
		}
		v = json_object_get(o, "max");
		if (v != NULL) {
			if (!json_is_number(v))
				return lerr(l, p, "“max”应为数字");
			f[i].max = json_number_value(v);
			f[i].has_max = true;
		}
		v = json_object_get(o, "default");
		if (v != NULL)
			f[i].def = json_deep_copy(v);
		v = json_object_get(o, "fields");
		if (t == T_TABLE) {
			char sp[300];
			if (depth > 0)
				return lerr(l, p, "表格字段不能再嵌套表格");
			snprintf(sp, sizeof(sp), "%s.fields", p);
			if (parse_fields(l, v, sp, depth + 1, &f[i].sub, &f[i].nsub) != 0)
				return l->e->code;
		} else if (v != NULL)
			return lerr(l, p, "只有 table 类型可以有“fields”");
	}
	return 0;
}

static int load_tmpl(struct ld *l, json_t *obj, const char *path, const char *inline_key,
		     const char *file_key, struct scn_tmpl **out)
{
	const char *src = get_str(l, obj, inline_key, path, false);
	const char *file = json_string_value(json_object_get(obj, file_key));
	char label[512];

	if (l->e->code != 0)
		return l->e->code;
	if (src != NULL && file != NULL)
		return lerr(l, path, "“%s”与“%s”只能二选一", inline_key, file_key);
	if (file != NULL) {
		char full[4096];
		char *data = NULL;
		size_t len = 0;
		int rc;

		for (const char *c = file; *c; c++)
			if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
			      (*c >= '0' && *c <= '9') || *c == '-' || *c == '_' || *c == '.'))
				return lerr(
				    l, path,
				    "模板文件名“%.60s”只能含字母、数字、-、_、.（与定义同目录）",
				    file);
		if (file[0] == '.' || l->dir == NULL)
			return lerr(l, path, "模板文件名“%.60s”不合法", file);
		snprintf(full, sizeof(full), "%s/%s", l->dir, file);
		rc = base_read_file(full, SCN_TMPL_MAX_SRC, &data, &len, l->e);
		if (rc != 0) {
			char m[512];
			snprintf(m, sizeof(m), "%s", l->e->msg);
			err_clear(l->e);
			return lerr(l, path, "%s", m);
		}
		rc = scn_tmpl_parse(data, len, full, out, l->e);
		free(data);
		return rc;
	}
	if (src == NULL)
		return lerr(l, path, "缺少“%s”或“%s”", inline_key, file_key);
	snprintf(label, sizeof(label), "%s %s.%s", l->label, path, inline_key);
	return scn_tmpl_parse(src, strlen(src), label, out, l->e);
}

struct names_ctx {
	const struct scn_def *d;
	char missing[130]; /* first unknown name ("" when none) */
};

static void name_check(const char *name, void *arg)
{
	struct names_ctx *c = arg;
	const struct scn_generator *g;
	bool ok = strcmp(name, "data") == 0;

	for (size_t i = 0; i < c->d->nfields && !ok; i++)
		ok = strcmp(c->d->fields[i].name, name) == 0;
	g = c->d->generator != NULL ? scn_generator_find(c->d->generator) : NULL;
	ok = ok || g != NULL; /* generators add fields of their own */
	if (!ok && c->missing[0] == '\0')
		snprintf(c->missing, sizeof(c->missing), "%s", name);
}

static int check_names(struct ld *l, const struct scn_def *d, const struct scn_tmpl *t,
		       const char *path)
{
	struct names_ctx c = {d, ""};
	if (t == NULL)
		return 0;
	scn_tmpl_names(t, name_check, &c);
	if (c.missing[0] != '\0')
		return lerr(l, path, "模板引用了表单中没有的字段“%.60s”", c.missing);
	return 0;
}

static int parse_rules(struct ld *l, json_t *root, const struct scn_def *d)
{
	static const char *const vkeys[] = {"type",    "text",	"pattern", "fields", "before",
					    "after",   "items", "field",   "total",  "severity",
					    "message", "max",	"id",	   "left",   "op",
					    "right",   NULL};
	static const char *const vtypes[] = {"required",  "contains",	"not_contains",
					     "regex",	  "date_order", "sum",
					     "max_chars", "compare",	NULL};
	static const char *const ekeys[] = {"field", "from", "pattern", "group", "all", NULL};
	static const char *const pkeys[] = {"part", "instruction", "system", NULL};
	json_t *a = json_object_get(root, "extract");
	char p[128], m[300];

	if (a != NULL && !json_is_array(a))
		return lerr(l, "$.extract", "应为数组");
	for (size_t i = 0; a != NULL && i < json_array_size(a); i++) {
		json_t *o = json_array_get(a, i);
		const char *pat;
		struct text_re *re;
		snprintf(p, sizeof(p), "$.extract[%zu]", i);
		if (!json_is_object(o))
			return lerr(l, p, "应为对象");
		if (!keys_ok(l, o, p, ekeys) || get_str(l, o, "field", p, true) == NULL ||
		    get_str(l, o, "from", p, true) == NULL)
			return l->e->code;
		pat = get_str(l, o, "pattern", p, true);
		if (pat == NULL)
			return l->e->code;
		re = text_re_compile(pat, false, m, sizeof(m));
		if (re == NULL)
			return lerr(l, p, "pattern: %s", m);
		text_re_free(re);
		for (int k = 0; k < 2; k++) {
			const char *fname =
			    json_string_value(json_object_get(o, k ? "from" : "field"));
			bool found = false;
			for (size_t j = 0; j < d->nfields && !found; j++)
				found = strcmp(d->fields[j].name, fname) == 0;
			if (!found)
				return lerr(l, p, "“%s”字段“%.60s”不在表单中", k ? "from" : "field",
					    fname);
		}
	}
	a = json_object_get(root, "validators");
	if (a != NULL && !json_is_array(a))
		return lerr(l, "$.validators", "应为数组");
	for (size_t i = 0; a != NULL && i < json_array_size(a); i++) {
		json_t *o = json_array_get(a, i);
		const char *t, *sev;
		bool known = false;
		snprintf(p, sizeof(p), "$.validators[%zu]", i);
		if (!json_is_object(o))
			return lerr(l, p, "应为对象");
		if (!keys_ok(l, o, p, vkeys))
			return l->e->code;
		t = get_str(l, o, "type", p, true);
		if (t == NULL)
			return l->e->code;
		for (size_t k = 0; vtypes[k] != NULL; k++)
			known = known || strcmp(t, vtypes[k]) == 0;
		if (!known)
			return lerr(
			    l, p,
			    "未知的校验类型“%.40s”（可用 required contains not_contains regex "
			    "date_order sum max_chars compare）",
			    t);
		sev = json_string_value(json_object_get(o, "severity"));
		if (sev != NULL && strcmp(sev, "error") != 0 && strcmp(sev, "warning") != 0)
			return lerr(l, p, "“severity”应为 error 或 warning");
		if ((strcmp(t, "contains") == 0 || strcmp(t, "not_contains") == 0) &&
		    get_str(l, o, "text", p, true) == NULL)
			return l->e->code;
		if (strcmp(t, "regex") == 0) {
			const char *pat = get_str(l, o, "pattern", p, true);
			struct text_re *re;
			if (pat == NULL)
				return l->e->code;
			re = text_re_compile(pat, false, m, sizeof(m));
			if (re == NULL)
				return lerr(l, p, "pattern: %s", m);
			text_re_free(re);
		}
		if (strcmp(t, "required") == 0 && !json_is_array(json_object_get(o, "fields")))
			return lerr(l, p, "required 校验需要“fields”数组");
		if (strcmp(t, "date_order") == 0 && (get_str(l, o, "before", p, true) == NULL ||
						     get_str(l, o, "after", p, true) == NULL))
			return l->e->code;
		if (strcmp(t, "sum") == 0 && (get_str(l, o, "items", p, true) == NULL ||
					      get_str(l, o, "field", p, true) == NULL ||
					      get_str(l, o, "total", p, true) == NULL))
			return l->e->code;
		if (strcmp(t, "compare") == 0) {
			const char *op = get_str(l, o, "op", p, true);
			if (op == NULL || get_str(l, o, "left", p, true) == NULL ||
			    get_str(l, o, "right", p, true) == NULL)
				return l->e->code;
			if (strcmp(op, "<") != 0 && strcmp(op, "<=") != 0 &&
			    strcmp(op, "==") != 0 && strcmp(op, ">=") != 0 && strcmp(op, ">") != 0)
				return lerr(l, p, "“op”应为 < <= == >= > 之一");
		}
		if (strcmp(t, "max_chars") == 0 && !json_is_integer(json_object_get(o, "max")))
			return lerr(l, p, "max_chars 校验需要整数“max”");
	}
	a = json_object_get(root, "prompts");
	if (a != NULL && !json_is_array(a))
		return lerr(l, "$.prompts", "应为数组");
	for (size_t i = 0; a != NULL && i < json_array_size(a); i++) {
		json_t *o = json_array_get(a, i);
		snprintf(p, sizeof(p), "$.prompts[%zu]", i);
		if (!json_is_object(o))
			return lerr(l, p, "应为对象");
		if (!keys_ok(l, o, p, pkeys) || get_str(l, o, "part", p, true) == NULL ||
		    get_str(l, o, "instruction", p, true) == NULL)
			return l->e->code;
	}
	return 0;
}

static int parse_samples(struct ld *l, json_t *root)
{
	static const char *const skeys[] = {"name", "input", "expect", NULL};
	static const char *const xkeys[] = {"contains", "not_contains",	  "rejected", "errors",
					    "issue",	"gongwen_errors", NULL};
	json_t *a = json_object_get(root, "samples");
	char p[128];

	if (!json_is_array(a) || json_array_size(a) == 0)
		return lerr(l, "$.samples", "至少需要一个样例输入（验收测试）");
	for (size_t i = 0; i < json_array_size(a); i++) {
		json_t *o = json_array_get(a, i), *x;
		snprintf(p, sizeof(p), "$.samples[%zu]", i);
		if (!json_is_object(o))
			return lerr(l, p, "应为对象");
		if (!keys_ok(l, o, p, skeys) || get_str(l, o, "name", p, true) == NULL)
			return l->e->code;
		if (!json_is_object(json_object_get(o, "input")))
			return lerr(l, p, "“input”应为对象");
		x = json_object_get(o, "expect");
		if (!json_is_object(x))
			return lerr(l, p, "“expect”应为对象（期望的性质）");
		snprintf(p, sizeof(p), "$.samples[%zu].expect", i);
		if (!keys_ok(l, x, p, xkeys))
			return l->e->code;
	}
	return 0;
}

void scn_def_free(struct scn_def *d)
{
	if (d == NULL)
		return;
	free(d->path);
	free(d->id);
	free(d->name);
	free(d->category);
	free(d->description);
	free(d->generator);
	fields_free(d->fields, d->nfields);
	scn_tmpl_free(d->body);
	for (size_t i = 0; i < ARRAY_LEN(d->gw); i++)
		scn_tmpl_free(d->gw[i]);
	json_decref(d->root);
	memset(d, 0, sizeof(*d));
}

int scn_def_parse(const char *data, size_t len, const char *label, const char *dir,
		  struct scn_def *d, struct err *e)
{
	static const char *const keys[] = {"id",      "name",	    "category", "description",
					   "version", "generator",  "form",	"extract",
					   "output",  "validators", "prompts",	"samples",
					   "data",    "tags",	    "$comment", NULL};
	static const char *const okeys[] = {"layout",	     "formats", "template",
					    "template_file", "gongwen", NULL};
	struct ld l = {label, dir, e};
	json_error_t jerr;
	json_t *root, *out, *v;
	const char *s;
	size_t bad;

	memset(d, 0, sizeof(*d));
	if (len > SCN_MAX_DEF_BYTES)
		return err_set(e, BASE_E_LIMIT, "%s: 场景定义超过 1 MB", label);
	if (!text_utf8_valid(data, len, &bad))
		return err_set(e, BASE_E_FORMAT, "%s: 不是有效的 UTF-8（第 %zu 字节）", label, bad);
	root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL)
		return err_set(e, BASE_E_FORMAT, "%s: JSON 语法错误（第 %d 行第 %d 列）：%s", label,
			       jerr.line, jerr.column, jerr.text);
	d->root = root;
	d->path = xstrdup(label);
	if (!json_is_object(root)) {
		lerr(&l, "$", "场景定义应为 JSON 对象");
		goto fail;
	}
	if (!keys_ok(&l, root, "$", keys))
		goto fail;
	s = get_str(&l, root, "id", "$", true);
	if (s == NULL)
		goto fail;
	if (!name_ok(s, 64)) {
		lerr(&l, "$.id", "“%.60s”不合法（小写字母、数字、-，字母开头）", s);
		goto fail;
	}
	d->id = xstrdup(s);
	for (int k = 0; k < 3; k++) {
		static const char *const sk[] = {"name", "category", "description"};
		char **dst[] = {&d->name, &d->category, &d->description};
		char p[32];
		snprintf(p, sizeof(p), "$");
		s = get_str(&l, root, sk[k], p, true);
		if (s == NULL)
			goto fail;
		*dst[k] = xstrdup(s);
	}
	{
		bool found = false;
		for (size_t i = 0; i < ARRAY_LEN(scn_categories) && !found; i++)
			found = strcmp(d->category, scn_categories[i]) == 0;
		if (!found) {
			lerr(&l, "$.category", "未知的类别“%.60s”（见 docs/SCENARIOS.md 的 11 类）",
			     d->category);
			goto fail;
		}
	}
	v = json_object_get(root, "generator");
	if (v != NULL) {
		if (!json_is_string(v)) {
			lerr(&l, "$.generator", "应为字符串");
			goto fail;
		}
		if (scn_generator_find(json_string_value(v)) == NULL) {
			lerr(&l, "$.generator", "内置生成器“%.60s”不存在", json_string_value(v));
			goto fail;
		}
		d->generator = xstrdup(json_string_value(v));
	}
	if (parse_fields(&l, json_object_get(root, "form"), "$.form", 0, &d->fields, &d->nfields) !=
	    0)
		goto fail;
	out = json_object_get(root, "output");
	if (!json_is_object(out)) {
		lerr(&l, "$.output", "缺少输出定义（对象）");
		goto fail;
	}
	if (!keys_ok(&l, out, "$.output", okeys))
		goto fail;
	s = get_str(&l, out, "layout", "$.output", true);
	if (s == NULL)
		goto fail;
	if (strcmp(s, "gongwen") == 0)
		d->layout = SCN_LAYOUT_GONGWEN;
	else if (strcmp(s, "document") == 0)
		d->layout = SCN_LAYOUT_DOCUMENT;
	else {
		lerr(&l, "$.output.layout", "应为 gongwen 或 document");
		goto fail;
	}
	v = json_object_get(out, "formats");
	if (!json_is_array(v) || json_array_size(v) == 0) {
		lerr(&l, "$.output.formats", "应为非空数组（docx、txt）");
		goto fail;
	}
	for (size_t i = 0; i < json_array_size(v); i++) {
		const char *f = json_string_value(json_array_get(v, i));
		if (f != NULL && strcmp(f, "docx") == 0)
			d->fmt_docx = true;
		else if (f != NULL && strcmp(f, "txt") == 0)
			d->fmt_txt = true;
		else {
			lerr(&l, "$.output.formats",
			     "未知的输出格式（可用 docx、txt；pptx 尚未提供）");
			goto fail;
		}
	}
	if (load_tmpl(&l, out, "$.output", "template", "template_file", &d->body) != 0)
		goto fail;
	if (check_names(&l, d, d->body, "$.output.template") != 0)
		goto fail;
	v = json_object_get(out, "gongwen");
	if (d->layout == SCN_LAYOUT_GONGWEN) {
		const char *k;
		json_t *x;
		if (!json_is_object(v)) {
			lerr(&l, "$.output.gongwen",
			     "公文版式需要“gongwen”对象（版头、标题、主送等）");
			goto fail;
		}
		json_object_foreach(v, k, x)
		{
			char p[160], lab[600];
			size_t idx = ARRAY_LEN(gw_keys);
			for (size_t i = 0; i < ARRAY_LEN(gw_keys); i++)
				if (strcmp(k, gw_keys[i]) == 0)
					idx = i;
			snprintf(p, sizeof(p), "$.output.gongwen.%.60s", k);
			if (idx == ARRAY_LEN(gw_keys)) {
				lerr(&l, p, "未知的公文要素");
				goto fail;
			}
			if (!json_is_string(x)) {
				lerr(&l, p, "应为模板字符串");
				goto fail;
			}
			snprintf(lab, sizeof(lab), "%s %s", label, p);
			if (scn_tmpl_parse(json_string_value(x), json_string_length(x), lab,
					   &d->gw[idx], e) != 0)
				goto fail;
			if (check_names(&l, d, d->gw[idx], p) != 0)
				goto fail;
		}
		for (int k2 = 0; k2 < 3; k2++) {
			static const int need[] = {GK_WZ, GK_MARK, GK_TITLE};
			if (d->gw[need[k2]] == NULL) {
				lerr(&l, "$.output.gongwen", "缺少“%s”", gw_keys[need[k2]]);
				goto fail;
			}
		}
	} else if (v != NULL) {
		lerr(&l, "$.output.gongwen", "只有 gongwen 版式可以有“gongwen”");
		goto fail;
	}
	if (parse_rules(&l, root, d) != 0 || parse_samples(&l, root) != 0)
		goto fail;
	return 0;
fail:
	if (e->code == 0)
		err_set(e, BASE_E_FORMAT, "%s: 场景定义无效", label);
	scn_def_free(d);
	return e->code;
}

void scn_lib_free(struct scn_lib *lib)
{
	for (size_t i = 0; i < lib->n; i++)
		scn_def_free(&lib->v[i]);
	free(lib->v);
	lib->v = NULL;
	lib->n = 0;
}

const char *scn_default_dir(void)
{
	const char *s = getenv("SHUZHI_SCENARIOS");
	return s != NULL && *s ? s : "scenarios";
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted entry names of a directory (no dot files). */
static char **list_dir(const char *dir, size_t *n)
{
	DIR *dp = opendir(dir);
	struct dirent *de;
	char **v = NULL;
	size_t cap = 0;

	*n = 0;
	if (dp == NULL)
		return NULL;
	while ((de = readdir(dp)) != NULL && *n < 10000) {
		if (de->d_name[0] == '.')
			continue;
		v = xgrow(v, &cap, *n + 1, sizeof(*v));
		v[(*n)++] = xstrdup(de->d_name);
	}
	closedir(dp);
	if (*n > 1)
		qsort(v, *n, sizeof(*v), cmp_str);
	return v;
}

/* Load the definitions under dir; only <id>.json when only_id is not NULL. */
static int lib_load(const char *dir, const char *only_id, struct scn_lib *lib, struct buf *problems)
{
	size_t ncat = 0, cap = 0;
	char **cats = list_dir(dir, &ncat);
	int nprob = 0;

	memset(lib, 0, sizeof(*lib));
	if (cats == NULL) {
		buf_addf(problems, "%s: 无法打开场景目录\n", dir);
		return -1;
	}
	for (size_t c = 0; c < ncat; c++) {
		char cdir[4096];
		struct stat st;
		size_t nf = 0;
		char **files;

		snprintf(cdir, sizeof(cdir), "%s/%s", dir, cats[c]);
		if (stat(cdir, &st) != 0 || !S_ISDIR(st.st_mode))
			continue;
		files = list_dir(cdir, &nf);
		for (size_t f = 0; f < nf; f++) {
			char path[8192];
			size_t k = strlen(files[f]);
			char *data = NULL;
			size_t len = 0;
			struct err e = {0};
			struct scn_def d;

			if (k < 6 || strcmp(files[f] + k - 5, ".json") != 0)
				continue;
			if (only_id != NULL &&
			    (strlen(only_id) != k - 5 || strncmp(files[f], only_id, k - 5) != 0))
				continue;
			snprintf(path, sizeof(path), "%s/%s", cdir, files[f]);
			if (lib->n >= SCN_MAX_DEFS) {
				buf_addf(problems, "%s: 场景过多（上限 %d 个）\n", path,
					 SCN_MAX_DEFS);
				nprob++;
				break;
			}
			if (base_read_file(path, SCN_MAX_DEF_BYTES, &data, &len, &e) != 0 ||
			    scn_def_parse(data, len, path, cdir, &d, &e) != 0) {
				buf_addf(problems, "%s\n", e.msg);
				nprob++;
				free(data);
				continue;
			}
			free(data);
			if (strncmp(files[f], d.id, k - 5) != 0 || strlen(d.id) != k - 5) {
				buf_addf(problems, "%s: $.id: “%s”应与文件名一致\n", path, d.id);
				nprob++;
			} else if (strcmp(d.category, cats[c]) != 0) {
				buf_addf(problems, "%s: $.category: “%s”应与所在目录“%s”一致\n",
					 path, d.category, cats[c]);
				nprob++;
			} else if (scn_lib_find(lib, d.id) != NULL) {
				buf_addf(problems, "%s: $.id: “%s”与其他场景重复\n", path, d.id);
				nprob++;
			} else {
				lib->v = xgrow(lib->v, &cap, lib->n + 1, sizeof(*lib->v));
				lib->v[lib->n++] = d;
				continue;
			}
			scn_def_free(&d);
		}
		for (size_t f = 0; f < nf; f++)
			free(files[f]);
		free(files);
	}
	for (size_t c = 0; c < ncat; c++)
		free(cats[c]);
	free(cats);
	return nprob == 0 ? 0 : -1;
}

int scn_lib_load(const char *dir, struct scn_lib *lib, struct buf *problems)
{
	return lib_load(dir, NULL, lib, problems);
}

int scn_lib_load_one(const char *dir, const char *id, struct scn_lib *lib, struct buf *problems)
{
	return lib_load(dir, id, lib, problems);
}

const struct scn_def *scn_lib_find(const struct scn_lib *lib, const char *id)
{
	for (size_t i = 0; i < lib->n; i++)
		if (strcmp(lib->v[i].id, id) == 0)
			return &lib->v[i];
	return NULL;
}

/* --- running -------------------------------------------------------------- */

static void add_issue(struct scn_result *r, int sev, const char *where, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void add_issue(struct scn_result *r, int sev, const char *where, const char *fmt, ...)
{
	char m[600];
	va_list ap;
	if (r->nissues >= 200)
		return;
	va_start(ap, fmt);
	vsnprintf(m, sizeof(m), fmt, ap);
	va_end(ap);
	r->issues = xrealloc(r->issues, (r->nissues + 1) * sizeof(*r->issues));
	r->issues[r->nissues].severity = sev;
	r->issues[r->nissues].where = xstrdup(where);
	r->issues[r->nissues].msg = xstrdup(m);
	r->nissues++;
	if (sev == 0)
		r->nerrors++;
}

static size_t cp_len(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

static bool empty_value(json_t *v)
{
	return v == NULL || json_is_null(v) || (json_is_string(v) && json_string_length(v) == 0);
}

/* Validate one value; returns the normalised value to store (new ref) or NULL. */
static void check_value(const struct scn_field *f, json_t *v, const char *where,
			struct scn_result *r, json_t *dst_obj);

static void check_fields(const struct scn_field *fs, size_t n, json_t *in, const char *where,
			 struct scn_result *r, json_t *out)
{
	const char *k;
	json_t *v;

	json_object_foreach(in, k, v)
	{
		bool known = false;
		(void)v;
		for (size_t i = 0; i < n && !known; i++)
			known = strcmp(fs[i].name, k) == 0;
		if (!known)
			add_issue(r, 0, where, "未知字段“%.60s”（表单中没有）", k);
	}
	for (size_t i = 0; i < n; i++) {
		char p[300];
		snprintf(p, sizeof(p), "%.200s.%.64s", where, fs[i].name);
		check_value(&fs[i], json_object_get(in, fs[i].name), p, r, out);
	}
}

static void check_value(const struct scn_field *f, json_t *v, const char *where,
			struct scn_result *r, json_t *out)
{
	if (empty_value(v) || (json_is_array(v) && json_array_size(v) == 0 && f->required)) {
		if (f->def != NULL)
			json_object_set(out, f->name, f->def);
		else if (f->required)
			add_issue(r, 0, where, "“%s”必填", f->label);
		return;
	}
	switch (f->type) {
	case T_STRING:
	case T_TEXT:
	case T_DATE:
	case T_ENUM: {
		const char *s;
		size_t n;
		if (!json_is_string(v)) {
			add_issue(r, 0, where, "“%s”应为文字", f->label);
			return;
		}
		s = json_string_value(v);
		n = cp_len(s);
		if (strlen(s) != json_string_length(v)) {
			add_issue(r, 0, where, "“%s”含 NUL 字符", f->label);
			return;
		}
		for (const char *c = s; *c; c++)
			if ((unsigned char)*c < 0x20 &&
			    !(f->type == T_TEXT && (*c == '\n' || *c == '\t'))) {
				add_issue(r, 0, where, "“%s”含控制字符%s", f->label,
					  f->type == T_TEXT ? "" : "（单行字段不能换行）");
				return;
			}
		if ((long)n < f->min_len || (long)n > f->max_len) {
			add_issue(r, 0, where, "“%s”长度应为 %ld 到 %ld 个字（现为 %zu）", f->label,
				  f->min_len, f->max_len, n);
			return;
		}
		if (f->type == T_DATE) {
			int y, m, d;
			if (scn_date_parse(s, &y, &m, &d) != 0) {
				add_issue(r, 0, where,
					  "“%s”不是有效日期（应为 2025-03-05 或 2025年3月5日）",
					  f->label);
				return;
			}
		}
		if (f->type == T_ENUM) {
			bool found = false;
			for (size_t i = 0; i < json_array_size(f->options) && !found; i++)
				found = strcmp(json_string_value(json_array_get(f->options, i)),
					       s) == 0;
			if (!found) {
				add_issue(r, 0, where, "“%s”只能是给定选项之一", f->label);
				return;
			}
		}
		if (f->re != NULL && !re_match(f->re, s, 0, NULL, 0, NULL)) {
			add_issue(r, 0, where, "“%s”格式不符合要求", f->label);
			return;
		}
		json_object_set(out, f->name, v);
		return;
	}
	case T_NUMBER:
	case T_INTEGER: {
		double d;
		if (!json_is_number(v) || (f->type == T_INTEGER && !json_is_integer(v))) {
			add_issue(r, 0, where, "“%s”应为%s", f->label,
				  f->type == T_INTEGER ? "整数" : "数字");
			return;
		}
		d = json_number_value(v);
		if ((f->has_min && d < f->min) || (f->has_max && d > f->max)) {
			add_issue(r, 0, where, "“%s”超出允许范围", f->label);
			return;
		}
		json_object_set(out, f->name, v);
		return;
	}
	case T_BOOL:
		if (!json_is_boolean(v)) {
			add_issue(r, 0, where, "“%s”应为 true 或 false", f->label);
			return;
		}
		json_object_set(out, f->name, v);
		return;
	case T_LIST:
	case T_TABLE: {
		json_t *arr;
		if (!json_is_array(v)) {
			add_issue(r, 0, where, "“%s”应为列表", f->label);
			return;
		}
		if ((long)json_array_size(v) < f->min_items ||
		    (long)json_array_size(v) > f->max_items) {
			add_issue(r, 0, where, "“%s”应有 %ld 到 %ld 项", f->label, f->min_items,
				  f->max_items);
			return;
		}
		arr = json_array();
		for (size_t i = 0; i < json_array_size(v); i++) {
			json_t *it = json_array_get(v, i);
			char p[320];
			snprintf(p, sizeof(p), "%.250s[%zu]", where, i);
			if (f->type == T_LIST) {
				const char *s = json_string_value(it);
				if (s == NULL || *s == '\0' || cp_len(s) > (size_t)f->max_len ||
				    strlen(s) != json_string_length(it)) {
					add_issue(r, 0, p,
						  "“%s”的每一项应为不超过 %ld 字的非空文字",
						  f->label, f->max_len);
					continue;
				}
				if (f->re != NULL && !re_match(f->re, s, 0, NULL, 0, NULL)) {
					add_issue(r, 0, p, "“%s”格式不符合要求", f->label);
					continue;
				}
				json_array_append(arr, it);
			} else {
				json_t *row = json_object();
				if (!json_is_object(it))
					add_issue(r, 0, p, "“%s”的每一行应为对象", f->label);
				else
					check_fields(f->sub, f->nsub, it, p, r, row);
				json_array_append_new(arr, row);
			}
		}
		json_object_set_new(out, f->name, arr);
		return;
	}
	}
}

/* Neutralise document markup inside a string: '|' becomes the full-width
 * '｜' and a line that starts with #, >, @ or | gets the full-width form of
 * that character, so input text can never open a table cell, a heading or a
 * directive of the document layout. */
static json_t *defuse_string(const char *s)
{
	struct buf b;
	bool line_start = true;
	json_t *out;

	buf_init(&b, SCN_MAX_INPUT_BYTES * 4);
	for (const char *c = s; *c; c++) {
		bool lead = line_start;
		line_start = *c == '\n';
		if (lead && (*c == ' '))
			line_start = true;
		if (*c == '|')
			buf_adds(&b, "｜");
		else if (lead && *c == '#')
			buf_adds(&b, "＃");
		else if (lead && *c == '>')
			buf_adds(&b, "＞");
		else if (lead && *c == '@')
			buf_adds(&b, "＠");
		else
			buf_addc(&b, *c);
	}
	out = json_stringn(b.p != NULL ? b.p : "", b.len);
	buf_free(&b);
	return out;
}

static void defuse_markup(json_t *v)
{
	if (json_is_object(v)) {
		const char *k;
		json_t *x;
		void *tmp;
		json_object_foreach_safe(v, tmp, k, x)
		{
			if (json_is_string(x))
				json_object_set_new(v, k, defuse_string(json_string_value(x)));
			else
				defuse_markup(x);
		}
	} else if (json_is_array(v)) {
		for (size_t i = 0; i < json_array_size(v); i++) {
			json_t *x = json_array_get(v, i);
			if (json_is_string(x))
				json_array_set_new(v, i, defuse_string(json_string_value(x)));
			else
				defuse_markup(x);
		}
	}
}

static void apply_extract(const struct scn_def *d, json_t *ctx)
{
	json_t *a = json_object_get(d->root, "extract");
	for (size_t i = 0; a != NULL && i < json_array_size(a); i++) {
		json_t *o = json_array_get(a, i);
		const char *field = json_string_value(json_object_get(o, "field"));
		const char *from = json_string_value(
		    json_object_get(ctx, json_string_value(json_object_get(o, "from"))));
		json_t *g = json_object_get(o, "group");
		int group = json_is_integer(g) ? (int)json_integer_value(g) : 0;
		bool all = json_is_true(json_object_get(o, "all"));
		char m[300];
		struct text_re *re;

		if (from == NULL || !empty_value(json_object_get(ctx, field)) || group < 0 ||
		    group > 9)
			continue;
		re = text_re_compile(json_string_value(json_object_get(o, "pattern")), false, m,
				     sizeof(m));
		if (re == NULL)
			continue;
		if (all) {
			json_t *arr = json_array();
			size_t pos = 0, next = 0;
			char *hit = NULL;
			while (json_array_size(arr) < 200 &&
			       re_match(re, from, group, &hit, pos, &next)) {
				if (*hit)
					json_array_append_new(arr, json_string(hit));
				free(hit);
				hit = NULL;
				pos = next;
			}
			if (json_array_size(arr) > 0)
				json_object_set_new(ctx, field, arr);
			else
				json_decref(arr);
		} else {
			char *hit = NULL;
			if (re_match(re, from, group, &hit, 0, NULL) && *hit)
				json_object_set_new(ctx, field, json_string(hit));
			free(hit);
		}
		text_re_free(re);
	}
}

/* Strip the document markup to plain text (what .txt output holds). */
static char *markup_to_text(const char *m)
{
	struct buf b;
	const char *s = m;
	buf_init(&b, SCN_TMPL_MAX_OUT * 2);
	while (*s) {
		size_t n = strcspn(s, "\n");
		char *line = xstrndup(s, n);
		const char *t = line;
		s += n;
		if (*s == '\n')
			s++;
		while (*t == ' ')
			t++;
		if (*t == '\0' || strcmp(t, "@pagebreak") == 0) {
			free(line);
			continue;
		}
		if (strcmp(t, "@blank") == 0)
			t = "";
		else if (strncmp(t, "### ", 4) == 0)
			t += 4;
		else if (strncmp(t, "## ", 3) == 0)
			t += 3;
		else if (strncmp(t, "# ", 2) == 0)
			t += 2;
		else if (strncmp(t, "> ", 2) == 0)
			t += 2;
		else if (strncmp(t, "@right ", 7) == 0)
			t += 7;
		else if (strncmp(t, "@center ", 8) == 0)
			t += 8;
		if (t[0] == '|') {
			const char *c = t + 1;
			if (*c == '!')
				c++;
			while (*c) {
				size_t k = strcspn(c, "|");
				buf_add(&b, c, k);
				c += k;
				if (*c == '|') {
					c++;
					if (*c)
						buf_addc(&b, '\t');
				}
			}
			buf_addc(&b, '\n');
		} else {
			buf_adds(&b, t);
			buf_addc(&b, '\n');
		}
		free(line);
	}
	return buf_detach(&b, NULL);
}

static int render(const struct scn_tmpl *t, json_t *ctx, char **out, struct err *e)
{
	struct buf b;
	int rc;
	buf_init(&b, SCN_TMPL_MAX_OUT);
	rc = scn_tmpl_render(t, ctx, &b, e);
	if (rc != 0) {
		buf_free(&b);
		return rc;
	}
	*out = buf_detach(&b, NULL);
	return 0;
}

static void trim_inplace(char *s)
{
	size_t n = strlen(s), i = 0;
	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' ' || s[n - 1] == '\r'))
		s[--n] = '\0';
	while (s[i] == '\n' || s[i] == ' ')
		i++;
	if (i > 0)
		memmove(s, s + i, n - i + 1);
}

static void gongwen_struct(const struct scn_result *r, struct gw_draft *g, const char ***att)
{
	size_t n = 0;
	const char *s;
	memset(g, 0, sizeof(*g));
	g->wenzhong = r->parts[GK_WZ];
	g->organ_mark = r->parts[GK_MARK];
	g->doc_no = r->parts[GK_NO];
	g->signer = r->parts[GK_SIGNER];
	g->title = r->parts[GK_TITLE];
	g->recipients = r->parts[GK_RECIP];
	g->body = r->markup;
	g->signature = r->parts[GK_SIGN];
	g->date = r->parts[GK_DATE];
	g->note = r->parts[GK_NOTE];
	g->cc = r->parts[GK_CC];
	g->printer = r->parts[GK_PRINTER];
	g->print_date = r->parts[GK_PDATE];
	g->attendees = r->parts[GK_ATT_IN];
	g->absent = r->parts[GK_ABSENT];
	g->observers = r->parts[GK_OBS];
	*att = NULL;
	s = r->parts[GK_ATTACH];
	if (s != NULL && *s) {
		size_t cap = 0;
		const char *c = s;
		while (*c) {
			size_t k = strcspn(c, "\n");
			if (k > 0) {
				*att = xgrow(*att, &cap, n + 1, sizeof(**att));
				(*att)[n++] = xstrndup(c, k);
			}
			c += k;
			if (*c == '\n')
				c++;
		}
	}
	g->attachments = *att;
	g->nattachments = n;
}

static void att_free(const char **att, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free((char *)att[i]);
	free(att);
}

static double num_of(json_t *v)
{
	if (json_is_number(v))
		return json_number_value(v);
	if (json_is_string(v)) {
		char *end;
		double d = strtod(json_string_value(v), &end);
		return *end == '\0' ? d : 0;
	}
	return 0;
}

/* Value at a dotted path ("data.max_hosts") of the context. */
static json_t *ctx_path(json_t *ctx, const char *path)
{
	char key[130];
	json_t *v = ctx;
	while (v != NULL && path != NULL && *path) {
		size_t n = strcspn(path, ".");
		if (n >= sizeof(key))
			return NULL;
		memcpy(key, path, n);
		key[n] = '\0';
		v = json_object_get(v, key);
		path += n + (path[n] == '.');
	}
	return v;
}

static void run_validators(const struct scn_def *d, struct scn_result *r)
{
	json_t *a = json_object_get(d->root, "validators");
	for (size_t i = 0; a != NULL && i < json_array_size(a); i++) {
		json_t *o = json_array_get(a, i);
		const char *t = json_string_value(json_object_get(o, "type"));
		const char *msg = json_string_value(json_object_get(o, "message"));
		const char *sev = json_string_value(json_object_get(o, "severity"));
		int sv = sev != NULL && strcmp(sev, "warning") == 0 ? 1 : 0;
		char where[64];
		bool bad = false;
		char detail[300] = "";

		snprintf(where, sizeof(where), "validators[%zu]", i);
		if (strcmp(t, "required") == 0) {
			json_t *fs = json_object_get(o, "fields");
			for (size_t k = 0; k < json_array_size(fs); k++) {
				const char *fn = json_string_value(json_array_get(fs, k));
				json_t *v = fn != NULL ? json_object_get(r->ctx, fn) : NULL;
				if (empty_value(v) ||
				    (json_is_array(v) && json_array_size(v) == 0)) {
					bad = true;
					snprintf(detail, sizeof(detail), "缺少“%.60s”",
						 fn ? fn : "?");
					break;
				}
			}
		} else if (strcmp(t, "contains") == 0 || strcmp(t, "not_contains") == 0) {
			const char *x = json_string_value(json_object_get(o, "text"));
			bool has = strstr(r->text, x) != NULL;
			bad = (strcmp(t, "contains") == 0) != has;
			snprintf(detail, sizeof(detail), "%s“%.80s”", has ? "出现了" : "缺少", x);
		} else if (strcmp(t, "regex") == 0) {
			char m[300];
			struct text_re *re = text_re_compile(
			    json_string_value(json_object_get(o, "pattern")), false, m, sizeof(m));
			bad = re == NULL || !re_match(re, r->text, 0, NULL, 0, NULL);
			snprintf(detail, sizeof(detail), "没有符合要求的内容");
			if (re != NULL)
				text_re_free(re);
		} else if (strcmp(t, "date_order") == 0) {
			const char *b = json_string_value(json_object_get(
			    r->ctx, json_string_value(json_object_get(o, "before"))));
			const char *af = json_string_value(json_object_get(
			    r->ctx, json_string_value(json_object_get(o, "after"))));
			int y1, m1, d1, y2, m2, d2;
			if (b != NULL && af != NULL && scn_date_parse(b, &y1, &m1, &d1) == 0 &&
			    scn_date_parse(af, &y2, &m2, &d2) == 0 &&
			    (y1 * 10000 + m1 * 100 + d1) > (y2 * 10000 + m2 * 100 + d2)) {
				bad = true;
				snprintf(detail, sizeof(detail), "%.40s 晚于 %.40s", b, af);
			}
		} else if (strcmp(t, "sum") == 0) {
			json_t *items =
			    json_object_get(r->ctx, json_string_value(json_object_get(o, "items")));
			const char *fld = json_string_value(json_object_get(o, "field"));
			json_t *tot =
			    json_object_get(r->ctx, json_string_value(json_object_get(o, "total")));
			double sum = 0;
			for (size_t k = 0; json_is_array(items) && k < json_array_size(items); k++)
				sum += num_of(json_object_get(json_array_get(items, k), fld));
			if (tot != NULL && json_is_array(items) &&
			    (sum - num_of(tot) > 0.005 || num_of(tot) - sum > 0.005)) {
				bad = true;
				snprintf(detail, sizeof(detail), "分项合计 %.2f 与总数 %.2f 不一致",
					 sum, num_of(tot));
			}
		} else if (strcmp(t, "compare") == 0) {
			json_t *lv =
			    ctx_path(r->ctx, json_string_value(json_object_get(o, "left")));
			json_t *rv =
			    ctx_path(r->ctx, json_string_value(json_object_get(o, "right")));
			const char *op = json_string_value(json_object_get(o, "op"));
			double x = num_of(lv), y = num_of(rv);
			bool holds = strcmp(op, "<") == 0    ? x < y
				     : strcmp(op, "<=") == 0 ? x <= y
				     : strcmp(op, "==") == 0 ? x == y
				     : strcmp(op, ">=") == 0 ? x >= y
							     : x > y;
			if (lv != NULL && rv != NULL && !holds) {
				bad = true;
				snprintf(detail, sizeof(detail), "%g %s %g 不成立", x, op, y);
			}
		} else if (strcmp(t, "max_chars") == 0) {
			size_t n = cp_len(r->text);
			bad = (long long)n > json_integer_value(json_object_get(o, "max"));
			snprintf(detail, sizeof(detail), "全文 %zu 字，超过上限", n);
		}
		if (bad)
			add_issue(r, sv, where, "%s%s%s", msg != NULL ? msg : "",
				  msg != NULL ? "：" : "", detail);
	}
	if (strstr(r->text, "{{") != NULL || strstr(r->text, "}}") != NULL)
		add_issue(r, 1, "output", "输出中含有未替换的“{{”或“}}”，请检查输入内容");
}

const char *scn_prompt(const struct scn_def *d, const char *part)
{
	json_t *a = json_object_get(d->root, "prompts");

	for (size_t i = 0; i < json_array_size(a); i++) {
		json_t *o = json_array_get(a, i);

		if (strcmp(json_string_value(json_object_get(o, "part")), part) == 0)
			return json_string_value(json_object_get(o, "instruction"));
	}
	return NULL;
}

bool scn_has_prompts(const struct scn_def *d)
{
	return json_array_size(json_object_get(d->root, "prompts")) > 0;
}

static bool has_control(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t' && *s != '\r')
			return true;
	return false;
}

/* The model's text for one part (trimmed, checked; malloc'd), or NULL with
 * r->prose_note saying why the template text stays. */
static char *prose_text(const struct scn_prose *prose, struct scn_result *r, const char *instr,
			const char *draft)
{
	struct err pe = {0};
	char *out = NULL;
	char *s, *end, *res;

	if (prose->write(prose->arg, instr, draft, r->ctx, &out, &pe) != 0) {
		free(r->prose_note);
		r->prose_note = xstrdup(pe.msg[0] ? pe.msg : "模型调用失败");
		free(out);
		return NULL;
	}
	s = out ? out : "";
	while (*s == ' ' || *s == '\n' || *s == '\r' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\n' || end[-1] == '\r' || end[-1] == '\t'))
		end--;
	*end = '\0';
	if (s[0] == '\0' || strlen(s) > SCN_PROSE_MAX || !text_utf8_valid(s, strlen(s), NULL) ||
	    has_control(s)) {
		free(r->prose_note);
		r->prose_note =
		    xstrdup(s[0] == '\0' ? "模型未给出正文" : "模型给出的正文过长或含无效字符");
		free(out);
		return NULL;
	}
	res = xstrdup(s);
	free(out);
	return res;
}

/* Model prose for the parts named after input fields ("facts"): the
 * field's text is the draft and the model's text replaces it before the
 * template renders (defused for the document layout like any input). */
static void prose_fields(const struct scn_def *d, const struct scn_prose *prose,
			 struct scn_result *r)
{
	json_t *a = json_object_get(d->root, "prompts");

	for (size_t i = 0; i < json_array_size(a); i++) {
		json_t *o = json_array_get(a, i);
		const char *part = json_string_value(json_object_get(o, "part"));
		json_t *v = json_object_get(r->ctx, part);
		char *t;

		if (strcmp(part, "body") == 0 || !json_is_string(v))
			continue;
		t = prose_text(prose, r, json_string_value(json_object_get(o, "instruction")),
			       json_string_value(v));
		if (t == NULL) {
			r->prose = SCN_PROSE_FALLBACK;
			continue;
		}
		if (r->prose == SCN_PROSE_TEMPLATE)
			r->prose = SCN_PROSE_MODEL;
		json_object_set_new(r->ctx, part,
				    d->layout == SCN_LAYOUT_DOCUMENT ? defuse_string(t)
								     : json_string(t));
		free(t);
	}
}

/* The body part ("body": the document markup or the 公文 正文). */
static void prose_body(const struct scn_def *d, const struct scn_prose *prose, struct scn_result *r)
{
	const char *instr = scn_prompt(d, "body");
	char *t;

	if (instr == NULL)
		return;
	t = prose_text(prose, r, instr, r->markup);
	if (t == NULL) {
		r->prose = SCN_PROSE_FALLBACK;
		return;
	}
	if (r->prose == SCN_PROSE_TEMPLATE)
		r->prose = SCN_PROSE_MODEL;
	free(r->markup);
	if (d->layout == SCN_LAYOUT_DOCUMENT) {
		json_t *safe = defuse_string(t);

		r->markup = xstrdup(json_string_value(safe));
		json_decref(safe);
	} else
		r->markup = xstrdup(t);
	free(t);
}

int scn_run(const struct scn_def *d, json_t *input, struct scn_result *r, struct err *e)
{
	return scn_run_prose(d, input, NULL, r, e);
}

static int run_one(const struct scn_def *d, json_t *input, const struct scn_prose *prose,
		   struct scn_result *r, struct err *e);

int scn_run_prose(const struct scn_def *d, json_t *input, const struct scn_prose *prose,
		  struct scn_result *r, struct err *e)
{
	char *note;
	int rc = run_one(d, input, prose, r, e);

	if (rc != 0 || r->input_rejected || r->prose != SCN_PROSE_MODEL || r->nerrors == 0)
		return rc;
	/* the model's text fails a check the template text may pass: keep the
	 * template result, say why */
	note = xstrdup(r->nissues > 0 ? r->issues[0].msg : "校验未通过");
	for (size_t i = 0; i < r->nissues; i++)
		if (r->issues[i].severity == 0) {
			free(note);
			note = xstrdup(r->issues[i].msg);
			break;
		}
	scn_result_free(r);
	rc = run_one(d, input, NULL, r, e);
	if (rc == 0) {
		size_t n = strlen(note) + 64;

		r->prose = SCN_PROSE_FALLBACK;
		r->prose_note = xmalloc(n);
		snprintf(r->prose_note, n, "模型稿未通过校验（%s），已改用模板稿", note);
	}
	free(note);
	return rc;
}

static int run_one(const struct scn_def *d, json_t *input, const struct scn_prose *prose,
		   struct scn_result *r, struct err *e)
{
	json_t *data;
	int rc;

	memset(r, 0, sizeof(*r));
	if (!json_is_object(input)) {
		add_issue(r, 0, "$", "输入应为 JSON 对象");
		r->input_rejected = true;
		return 0;
	}
	r->ctx = json_object();
	check_fields(d->fields, d->nfields, input, "$", r, r->ctx);
	if (r->nerrors > 0) {
		r->input_rejected = true;
		return 0;
	}
	data = json_object_get(d->root, "data");
	if (data != NULL)
		json_object_set(r->ctx, "data", data);
	apply_extract(d, r->ctx);
	if (d->generator != NULL) {
		const struct scn_generator *g = scn_generator_find(d->generator);
		rc = g->fn(d, r->ctx, e);
		if (rc != 0)
			return rc;
	}
	if (d->layout == SCN_LAYOUT_DOCUMENT) {
		/* user text must not become layout: no table cells, no directives */
		const char *k;
		json_t *v;
		void *tmp;
		json_object_foreach_safe(r->ctx, tmp, k, v)
		{
			if (strcmp(k, "data") == 0)
				continue;
			if (json_is_string(v))
				json_object_set_new(r->ctx, k, defuse_string(json_string_value(v)));
			else
				defuse_markup(v);
		}
	}
	if (prose != NULL && prose->write != NULL)
		prose_fields(d, prose, r);
	rc = render(d->body, r->ctx, &r->markup, e);
	if (rc != 0)
		return rc;
	if (prose != NULL && prose->write != NULL)
		prose_body(d, prose, r);
	if (d->layout == SCN_LAYOUT_GONGWEN) {
		struct gw_draft g;
		struct gw_draft_issues is;
		const char **att;
		char *body;
		struct buf t;

		for (size_t i = 0; i < ARRAY_LEN(d->gw); i++) {
			if (d->gw[i] == NULL)
				continue;
			rc = render(d->gw[i], r->ctx, &r->parts[i], e);
			if (rc != 0)
				return rc;
			if (i != GK_ATTACH)
				trim_inplace(r->parts[i]);
		}
		gongwen_struct(r, &g, &att);
		body = gw_draft_rules(&g, &is);
		free(r->markup);
		r->markup = body;
		g.body = body;
		for (size_t i = 0; i < is.n; i++)
			add_issue(r, is.v[i].severity, is.v[i].rule, "%s", is.v[i].msg);
		buf_init(&t, SCN_TMPL_MAX_OUT * 2);
		gw_draft_txt(&g, &t);
		r->text = buf_detach(&t, NULL);
		att_free(att, g.nattachments);
	} else {
		r->text = markup_to_text(r->markup);
	}
	run_validators(d, r);
	return 0;
}

void scn_result_free(struct scn_result *r)
{
	free(r->prose_note);
	json_decref(r->ctx);
	free(r->text);
	free(r->markup);
	for (size_t i = 0; i < r->nissues; i++) {
		free(r->issues[i].where);
		free(r->issues[i].msg);
	}
	free(r->issues);
	for (size_t i = 0; i < ARRAY_LEN(r->parts); i++)
		free(r->parts[i]);
	memset(r, 0, sizeof(*r));
}

/* --- document layout writer ---------------------------------------------- */

#define F_BODY "仿宋_GB2312"

/* Display width in tenths of a character (ASCII counts half) of the
 * longest line of a cell (lines are separated by the two characters \n). */
static long width10(const char *s)
{
	long w = 0, best = 0;
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		if (c[0] == '\\' && c[1] == 'n') {
			best = w > best ? w : best;
			w = 0;
			c++;
		} else if (*c < 0x80)
			w += 5;
		else if ((*c & 0xC0) != 0x80)
			w += 10;
	}
	return w > best ? w : best;
}

static void doc_table(struct doc_dw *w, char **rows, size_t nrows)
{
	size_t ncols = 0;
	long widths[32], minw[32], weight[32], maxw[32] = {0};
	long total_min = 0, total_extra = 0, avail;
	struct doc_dw_pfmt pf = {0};
	struct doc_dw_rfmt rf = {F_BODY, NULL, 24, false, NULL, false, 0};
	struct doc_dw_rfmt hf = {"黑体", NULL, 24, false, NULL, false, 0};

	for (size_t r = 0; r < nrows; r++) {
		size_t c = 0;
		const char *s = rows[r] + 1 + (rows[r][1] == '!');
		while (*s && c < 32) {
			size_t k = strcspn(s, "|");
			char *cell = xstrndup(s, k);
			long wc = width10(cell);
			if (wc > maxw[c])
				maxw[c] = wc;
			free(cell);
			c++;
			s += k;
			if (*s == '|')
				s++;
		}
		if (c > ncols)
			ncols = c;
	}
	if (ncols == 0)
		return;
	/* 小四 (12 pt = 240 twips) text: 8840 twips hold 36.8 characters. Short
	 * columns (up to 6 characters) get their full width so they never wrap,
	 * the rest is shared in proportion to the longest cell (capped at 20). */
	for (size_t c = 0; c < ncols; c++) {
		minw[c] = maxw[c] <= 60 ? maxw[c] + 8 : 50;
		weight[c] = maxw[c] <= 60 ? 0 : (maxw[c] < 200 ? maxw[c] : 200);
		total_min += minw[c];
		total_extra += weight[c];
	}
	avail = 368 - total_min;
	for (size_t c = 0; c < ncols; c++) {
		long tenths = minw[c];
		if (avail > 0 && total_extra > 0)
			tenths += avail * weight[c] / total_extra;
		else if (avail < 0)
			tenths = minw[c] * 368 / total_min;
		widths[c] = tenths * 24;
	}
	doc_dw_table_begin(w, ncols, widths);
	for (size_t r = 0; r < nrows; r++) {
		bool header = rows[r][1] == '!' || r == 0;
		const char *s = rows[r] + 1 + (rows[r][1] == '!');
		doc_dw_row_begin(w, header);
		while (*s) {
			size_t k = strcspn(s, "|");
			char *cell = xstrndup(s, k);
			pf.jc = header ? "center" : "left";
			/* "\n" inside a cell is written as the two characters \n in markup */
			for (char *q = strstr(cell, "\\n"); q != NULL; q = strstr(q, "\\n")) {
				*q = '\n';
				memmove(q + 1, q + 2, strlen(q + 2) + 1);
			}
			doc_dw_cell(w, &pf, header ? &hf : &rf, cell);
			free(cell);
			s += k;
			if (*s == '|')
				s++;
		}
		doc_dw_row_end(w);
	}
	doc_dw_table_end(w);
	/* a paragraph after every table keeps tables apart (ooxml.md §3.7) */
	{
		struct doc_dw_pfmt ep = {0};
		struct doc_dw_rfmt er = {F_BODY, NULL, 24, false, NULL, false, 0};
		doc_dw_para(w, &ep, &er, "");
	}
}

static int write_document(const char *markup, const char *path, struct err *e)
{
	struct doc_dw_page pg;
	struct doc_dw *w;
	const char *s = markup;
	char **rows = NULL;
	size_t nrows = 0, rcap = 0;
	bool pagebreak = false;
	int rc;

	doc_dw_page_gongwen(&pg);
	w = doc_dw_new(&pg);
	while (1) {
		size_t n = strcspn(s, "\n");
		char *line = xstrndup(s, n);
		const char *t = line;
		struct doc_dw_pfmt pf = {0};
		struct doc_dw_rfmt rf = {F_BODY, NULL, 32, false, NULL, false, 0};
		bool end = *s == '\0';

		while (*t == ' ')
			t++;
		if (t[0] == '|' && !end) {
			rows = xgrow(rows, &rcap, nrows + 1, sizeof(*rows));
			rows[nrows++] = line;
			s += n + (s[n] == '\n');
			continue;
		}
		if (nrows > 0) {
			doc_table(w, rows, nrows);
			for (size_t i = 0; i < nrows; i++)
				free(rows[i]);
			nrows = 0;
		}
		if (end) {
			free(line);
			break;
		}
		s += n + (s[n] == '\n');
		pf.line = 579;
		pf.page_break_before = pagebreak;
		if (*t == '\0') {
			free(line);
			continue;
		}
		pagebreak = false;
		if (strcmp(t, "@pagebreak") == 0) {
			pagebreak = true;
			free(line);
			continue;
		}
		if (strcmp(t, "@blank") == 0) {
			doc_dw_para(w, &pf, &rf, "");
		} else if (strncmp(t, "# ", 2) == 0) {
			pf.jc = "center";
			pf.set_ind = true;
			pf.after = 290;
			rf.ea = "方正小标宋简体";
			rf.sz = 44;
			doc_dw_para(w, &pf, &rf, t + 2);
		} else if (strncmp(t, "## ", 3) == 0) {
			pf.jc = "center";
			pf.set_ind = true;
			rf.ea = "楷体_GB2312";
			doc_dw_para(w, &pf, &rf, t + 3);
		} else if (strncmp(t, "### ", 4) == 0) {
			pf.first = 640;
			pf.jc = "both";
			pf.keep_next = true;
			rf.ea = "黑体";
			doc_dw_para(w, &pf, &rf, t + 4);
		} else if (strncmp(t, "> ", 2) == 0) {
			pf.set_ind = true;
			pf.jc = "both";
			doc_dw_para(w, &pf, &rf, t + 2);
		} else if (strncmp(t, "@right ", 7) == 0) {
			pf.jc = "right";
			pf.right = 640;
			doc_dw_para(w, &pf, &rf, t + 7);
		} else if (strncmp(t, "@center ", 8) == 0) {
			pf.jc = "center";
			pf.set_ind = true;
			doc_dw_para(w, &pf, &rf, t + 8);
		} else {
			pf.first = 640;
			pf.jc = "both";
			doc_dw_para(w, &pf, &rf, t);
		}
		free(line);
	}
	free(rows);
	rc = doc_dw_save(w, path, e);
	doc_dw_free(w);
	return rc;
}

int scn_write(const struct scn_def *d, const struct scn_result *r, const char *format,
	      const char *path, struct err *e)
{
	if (strcmp(format, "txt") == 0) {
		if (!d->fmt_txt)
			return err_set(e, BASE_E_USAGE, "场景 %s 不提供 txt 输出", d->id);
		return base_write_file_atomic(path, r->text, strlen(r->text), e);
	}
	if (strcmp(format, "docx") != 0)
		return err_set(e, BASE_E_USAGE, "未知的输出格式“%s”（可用 docx、txt）", format);
	if (!d->fmt_docx)
		return err_set(e, BASE_E_USAGE, "场景 %s 不提供 docx 输出", d->id);
	if (d->layout == SCN_LAYOUT_GONGWEN) {
		struct gw_draft g;
		const char **att;
		int rc;
		gongwen_struct(r, &g, &att);
		rc = gw_draft_docx(&g, path, e);
		att_free(att, g.nattachments);
		return rc;
	}
	return write_document(r->markup, path, e);
}

/* --- acceptance tests ------------------------------------------------------ */

static size_t gongwen_errors(const char *path, struct buf *why)
{
	struct gw_profile prof;
	struct gw_doc doc;
	struct gw_findings f;
	struct err e = {0};
	size_t n = 0;

	gw_profile_national(&prof);
	if (gw_doc_open(path, &prof, &doc, &e) != 0) {
		buf_addf(why, " 无法读取：%s", e.msg);
		return 1;
	}
	gw_findings_init(&f);
	gw_check(&doc, &f);
	for (size_t i = 0; i < f.n; i++) {
		if (f.v[i].severity != GW_SEV_ERROR)
			continue;
		if (n < 3)
			buf_addf(why, " [%s 段%ld %s]", f.v[i].rule, f.v[i].para,
				 f.v[i].message != NULL ? f.v[i].message : "");
		n++;
	}
	gw_findings_free(&f);
	gw_doc_free(&doc);
	return n;
}

size_t scn_test(const struct scn_def *d, const char *tmpdir, struct buf *log)
{
	json_t *samples = json_object_get(d->root, "samples");
	size_t fails = 0;

	for (size_t i = 0; i < json_array_size(samples); i++) {
		json_t *s = json_array_get(samples, i);
		json_t *x = json_object_get(s, "expect");
		const char *name = json_string_value(json_object_get(s, "name"));
		struct scn_result r;
		struct err e = {0};
		struct buf why;
		bool want_rej = json_is_true(json_object_get(x, "rejected"));
		json_t *v;

		buf_init(&why, 1 << 16);
		if (scn_run(d, json_object_get(s, "input"), &r, &e) != 0) {
			buf_addf(&why, " 运行失败：%s", e.msg);
			goto done;
		}
		if (r.input_rejected != want_rej) {
			buf_addf(&why, " 输入%s被拒绝", r.input_rejected ? "" : "未");
			for (size_t k = 0; k < r.nissues && k < 3; k++)
				buf_addf(&why, " [%s %s]", r.issues[k].where, r.issues[k].msg);
		}
		v = json_object_get(x, "issue");
		if (json_is_string(v)) {
			bool found = false;
			for (size_t k = 0; k < r.nissues && !found; k++)
				found = strstr(r.issues[k].msg, json_string_value(v)) != NULL ||
					strstr(r.issues[k].where, json_string_value(v)) != NULL;
			if (!found)
				buf_addf(&why, " 没有预期的问题“%s”", json_string_value(v));
		}
		if (r.input_rejected)
			goto done;
		v = json_object_get(x, "errors");
		if ((long long)r.nerrors != (json_is_integer(v) ? json_integer_value(v) : 0)) {
			buf_addf(&why, " 校验错误 %zu 个", r.nerrors);
			for (size_t k = 0; k < r.nissues && k < 3; k++)
				buf_addf(&why, " [%s %s]", r.issues[k].where, r.issues[k].msg);
		}
		for (int k = 0; k < 2; k++) {
			json_t *a = json_object_get(x, k ? "not_contains" : "contains");
			for (size_t j = 0; j < json_array_size(a); j++) {
				const char *t = json_string_value(json_array_get(a, j));
				if (t != NULL && (strstr(r.text, t) != NULL) == (k == 1))
					buf_addf(&why, " %s“%s”", k ? "不应出现" : "缺少", t);
			}
		}
		if (d->fmt_docx) {
			char path[4096];
			snprintf(path, sizeof(path), "%s/%s-%zu.docx", tmpdir, d->id, i);
			if (scn_write(d, &r, "docx", path, &e) != 0)
				buf_addf(&why, " 写 docx 失败：%s", e.msg);
			else if (d->layout == SCN_LAYOUT_GONGWEN &&
				 json_object_get(x, "gongwen_errors") != NULL) {
				size_t ne = gongwen_errors(path, &why);
				if (ne > 0)
					buf_addf(&why, " gongwen check 发现 %zu 个错误", ne);
			}
		}
		if (d->fmt_txt && d->layout == SCN_LAYOUT_GONGWEN &&
		    json_object_get(x, "gongwen_errors") != NULL) {
			char path[4096];
			snprintf(path, sizeof(path), "%s/%s-%zu.txt", tmpdir, d->id, i);
			if (scn_write(d, &r, "txt", path, &e) == 0) {
				size_t ne = gongwen_errors(path, &why);
				if (ne > 0)
					buf_addf(&why, " gongwen check（txt）发现 %zu 个错误", ne);
			}
		}
	done:
		if (why.len > 0) {
			buf_addf(log, "FAIL %s/%s:%s\n", d->id, name, why.p);
			fails++;
		} else
			buf_addf(log, "ok %s/%s\n", d->id, name);
		buf_free(&why);
		scn_result_free(&r);
	}
	return fails;
}
