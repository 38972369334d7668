/* cli: shuzhi scenario list|show|run|test — the scenario library. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "model/model.h"
#include "privacy/privacy.h"
#include "scenario/scenario.h"
#include "text/text.h"

static int usage(void)
{
	fputs(
	    "用法：shuzhi scenario list [--json] [--category 类别] [--dir 目录]\n"
	    "      shuzhi scenario show ID [--json]\n"
	    "      shuzhi scenario run ID --input 输入.json -o 输出 [--format docx|txt] [--json]\n"
	    "                          [--config 文件 | --no-model]\n"
	    "      shuzhi scenario test [ID...]\n",
	    stderr);
	return 2;
}

/* Load the library (or only definition id); definition problems are
 * printed and make it fail. */
static int load_ids(const char *dir, const char *id, struct scn_lib *lib, bool quiet_ok)
{
	struct buf probs;
	int rc;
	buf_init(&probs, 1 << 20);
	rc = id != NULL ? scn_lib_load_one(dir, id, lib, &probs) : scn_lib_load(dir, lib, &probs);
	if (rc != 0 && !quiet_ok)
		fprintf(stderr, "shuzhi: 场景定义有误：\n%s", probs.p != NULL ? probs.p : "");
	buf_free(&probs);
	return rc;
}

static int load(const char *dir, struct scn_lib *lib, bool quiet_ok)
{
	return load_ids(dir, NULL, lib, quiet_ok);
}

/* Load definition id (problems printed); NULL with a message when absent. */
static const struct scn_def *find_one(const char *dir, const char *id, struct scn_lib *lib)
{
	const struct scn_def *d;
	load_ids(dir, id, lib, false);
	d = scn_lib_find(lib, id);
	if (d == NULL)
		fprintf(stderr, "shuzhi: 没有场景“%s”（运行 shuzhi scenario list 查看）\n", id);
	return d;
}

static json_t *summary(const struct scn_def *d)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s}", "id", d->id, "name", d->name, "category",
			      d->category, "description", d->description, "layout",
			      d->layout == 1 ? "gongwen" : "document");
	json_t *f = json_array();
	if (d->fmt_docx)
		json_array_append_new(f, json_string("docx"));
	if (d->fmt_txt)
		json_array_append_new(f, json_string("txt"));
	json_object_set_new(o, "formats", f);
	json_object_set_new(o, "generator", d->generator ? json_string(d->generator) : json_null());
	json_object_set_new(
	    o, "samples",
	    json_integer((json_int_t)json_array_size(json_object_get(d->root, "samples"))));
	return o;
}

static int cmd_list(const char *dir, bool as_json, const char *cat)
{
	struct scn_lib lib;
	int rc = load(dir, &lib, false);
	if (as_json) {
		json_t *a = json_array();
		char *s;
		for (size_t i = 0; i < lib.n; i++)
			if (cat == NULL || strcmp(lib.v[i].category, cat) == 0)
				json_array_append_new(a, summary(&lib.v[i]));
		s = json_dumps(a, JSON_INDENT(2) | JSON_ENSURE_ASCII * 0);
		puts(s);
		free(s);
		json_decref(a);
	} else {
		for (size_t c = 0; c < ARRAY_LEN(scn_categories); c++) {
			size_t n = 0;
			if (cat != NULL && strcmp(cat, scn_categories[c]) != 0)
				continue;
			for (size_t i = 0; i < lib.n; i++)
				n += strcmp(lib.v[i].category, scn_categories[c]) == 0;
			printf("%s（%zu）\n", scn_categories[c], n);
			for (size_t i = 0; i < lib.n; i++)
				if (strcmp(lib.v[i].category, scn_categories[c]) == 0)
					printf("  %-28s %s\n", lib.v[i].id, lib.v[i].name);
		}
		printf("共 %zu 个场景（11 类为本系统的归类，官方类别清单未公开）\n", lib.n);
	}
	scn_lib_free(&lib);
	return rc == 0 ? 0 : 2;
}

static int cmd_show(const char *dir, const char *id, bool as_json)
{
	struct scn_lib lib;
	const struct scn_def *d;
	d = find_one(dir, id, &lib);
	if (d == NULL) {
		scn_lib_free(&lib);
		return 2;
	}
	if (as_json) {
		char *s = json_dumps(d->root, JSON_INDENT(2));
		puts(s);
		free(s);
	} else {
		json_t *form = json_object_get(d->root, "form");
		json_t *pr = json_object_get(d->root, "prompts");
		printf("%s（%s）\n类别：%s\n说明：%s\n", d->name, d->id, d->category,
		       d->description);
		if (d->generator != NULL)
			printf("生成器：%s\n", d->generator);
		printf("输入表单：\n");
		for (size_t i = 0; i < json_array_size(form); i++) {
			json_t *f = json_array_get(form, i);
			printf("  %-20s %s（%s）%s\n",
			       json_string_value(json_object_get(f, "name")),
			       json_string_value(json_object_get(f, "label")),
			       json_string_value(json_object_get(f, "type")),
			       json_is_true(json_object_get(f, "required")) ? " 必填" : "");
		}
		for (size_t i = 0; i < json_array_size(pr); i++)
			printf("模型提示（%s）：%s\n",
			       json_string_value(json_object_get(json_array_get(pr, i), "part")),
			       json_string_value(
				   json_object_get(json_array_get(pr, i), "instruction")));
		printf("样例：%zu 个（shuzhi scenario test %s）\n",
		       json_array_size(json_object_get(d->root, "samples")), d->id);
	}
	scn_lib_free(&lib);
	return 0;
}

static void print_issues(const struct scn_result *r)
{
	for (size_t i = 0; i < r->nissues; i++)
		fprintf(stderr, "%s：%s：%s\n", r->issues[i].severity == 0 ? "错误" : "警告",
			r->issues[i].where, r->issues[i].msg);
}

/* Model prose (scn_prose): the part's instruction and the template draft
 * go to the model with the input, personal data masked on the way out and
 * restored in the answer; reasoning is dropped. */
static int run_prose_write(void *arg, const char *instruction, const char *draft, const json_t *ctx,
			   char **out, struct err *e)
{
	const struct model_provider *p = arg;
	struct privacy_map map;
	struct buf sys, user, answer;
	char *masked = NULL;
	int rc;

	buf_init(&sys, 1 << 16);
	buf_init(&user, 4u << 20);
	scn_prose_messages(instruction, draft, ctx, &sys, &user);
	memset(&map, 0, sizeof(map));
	rc = privacy_mask(user.p, user.len, &map, &masked, e);
	buf_free(&user);
	if (rc == 0) {
		struct model_msg msgs[] = {{"system", sys.p}, {"user", masked}};

		buf_init(&answer, SCN_PROSE_MAX);
		rc = model_complete(p, msgs, 2, &answer, NULL, NULL, e);
		if (rc == 0)
			*out = privacy_unmask(answer.p ? answer.p : "", answer.len, &map);
		buf_free(&answer);
	}
	free(masked);
	privacy_map_free(&map);
	buf_free(&sys);
	return rc;
}

static int cmd_run(const char *dir, const char *id, const char *input, const char *out,
		   const char *format, bool as_json, const struct model_provider *model)
{
	struct scn_prose prose = {run_prose_write, (void *)model};
	struct scn_lib lib;
	const struct scn_def *d;
	struct scn_result r;
	struct err e = {0};
	char *data = NULL;
	size_t len = 0, bad = 0;
	json_t *in;
	json_error_t jerr;
	int rc;

	d = find_one(dir, id, &lib);
	if (d == NULL) {
		scn_lib_free(&lib);
		return 2;
	}
	if (base_read_file(input, SCN_MAX_INPUT_BYTES, &data, &len, &e) != 0) {
		fprintf(stderr, "shuzhi: %s\n", e.msg);
		scn_lib_free(&lib);
		return 2;
	}
	if (!text_utf8_valid(data, len, &bad)) {
		fprintf(stderr, "shuzhi: %s: 不是有效的 UTF-8（第 %zu 字节）\n", input, bad);
		free(data);
		scn_lib_free(&lib);
		return 2;
	}
	in = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
	free(data);
	if (in == NULL) {
		fprintf(stderr, "shuzhi: %s: JSON 语法错误（第 %d 行第 %d 列）：%s\n", input,
			jerr.line, jerr.column, jerr.text);
		scn_lib_free(&lib);
		return 2;
	}
	if (format == NULL) {
		size_t k = strlen(out);
		format = k > 4 && strcmp(out + k - 4, ".txt") == 0 ? "txt" : "docx";
	}
	rc = scn_run_prose(d, in, model ? &prose : NULL, &r, &e);
	json_decref(in);
	if (rc != 0) {
		fprintf(stderr, "shuzhi: %s\n", e.msg);
		scn_result_free(&r);
		scn_lib_free(&lib);
		return base_err_exit_code(rc);
	}
	if (r.input_rejected) {
		fprintf(stderr, "shuzhi: %s: 输入不符合场景“%s”的表单：\n", input, d->name);
		print_issues(&r);
		scn_result_free(&r);
		scn_lib_free(&lib);
		return 2;
	}
	rc = scn_write(d, &r, format, out, &e);
	if (rc != 0) {
		fprintf(stderr, "shuzhi: %s\n", e.msg);
		scn_result_free(&r);
		scn_lib_free(&lib);
		return base_err_exit_code(rc);
	}
	if (as_json) {
		json_t *o = json_pack("{s:s, s:s, s:s, s:i}", "scenario", d->id, "output", out,
				      "format", format, "errors", (int)r.nerrors);
		json_t *a = json_array();
		char *s;
		for (size_t i = 0; i < r.nissues; i++)
			json_array_append_new(
			    a, json_pack("{s:s, s:s, s:s}", "severity",
					 r.issues[i].severity == 0 ? "error" : "warning", "where",
					 r.issues[i].where, "message", r.issues[i].msg));
		json_object_set_new(o, "issues", a);
		json_object_set_new(o, "prose",
				    json_string(r.prose == SCN_PROSE_MODEL ? "model"
						: r.prose == SCN_PROSE_FALLBACK
						    ? "template_fallback"
						    : "template"));
		if (r.prose_note != NULL)
			json_object_set_new(o, "prose_note", json_string(r.prose_note));
		s = json_dumps(o, JSON_INDENT(2));
		puts(s);
		free(s);
		json_decref(o);
	} else {
		print_issues(&r);
		if (r.prose == SCN_PROSE_MODEL)
			printf("正文由模型撰写，已通过校验；请人工审核。\n");
		else if (r.prose == SCN_PROSE_FALLBACK)
			printf("正文按模板生成：%s\n",
			       r.prose_note ? r.prose_note : "模型稿不可用");
		else if (model == NULL && scn_prompt(d, "body") != NULL)
			printf("未配置模型：正文按模板生成（--config 文件或 SHUZHI_CONFIG "
			       "可配置模型）。\n");
		printf("已生成 %s（%s，%zu 个错误，%zu 个提示）\n", out, d->name, r.nerrors,
		       r.nissues - r.nerrors);
	}
	rc = r.nerrors > 0 ? 1 : 0;
	scn_result_free(&r);
	scn_lib_free(&lib);
	return rc;
}

static int cmd_test(const char *dir, char **ids, int nids)
{
	struct scn_lib lib;
	struct buf probs, log;
	size_t passed = 0, failed = 0;
	char tmpdir[] = "/tmp/shuzhi-scenario.XXXXXX";
	int rc;

	buf_init(&probs, 1 << 20);
	rc = scn_lib_load(dir, &lib, &probs);
	if (rc != 0 && nids == 0) {
		const char *s = probs.p != NULL ? probs.p : "";
		while (*s) {
			size_t k = strcspn(s, "\n");
			printf("FAIL load: %.*s\n", (int)k, s);
			failed++;
			s += k + (s[k] == '\n');
		}
	}
	buf_free(&probs);
	if (mkdtemp(tmpdir) == NULL) {
		fprintf(stderr, "shuzhi: 无法创建临时目录\n");
		scn_lib_free(&lib);
		return 2;
	}
	buf_init(&log, 64u << 20);
	for (int k = 0; k < nids; k++)
		if (scn_lib_find(&lib, ids[k]) == NULL) {
			printf("FAIL %s: 没有这个场景\n", ids[k]);
			failed++;
		}
	for (size_t i = 0; i < lib.n; i++) {
		bool want = nids == 0;
		for (int k = 0; k < nids && !want; k++)
			want = strcmp(ids[k], lib.v[i].id) == 0;
		if (!want)
			continue;
		failed += scn_test(&lib.v[i], tmpdir, &log);
	}
	if (log.p != NULL) {
		fputs(log.p, stdout);
		for (const char *s = log.p; (s = strstr(s, "ok ")) != NULL; s += 3)
			if (s == log.p || s[-1] == '\n')
				passed++;
	}
	printf("%zu passed, %zu failed\n", passed, failed);
	buf_free(&log);
	base_remove_tmpdir(tmpdir); /* the drafts written by the samples */
	scn_lib_free(&lib);
	return failed == 0 ? 0 : 1;
}

int cli_scenario_startup_check(void)
{
	struct scn_lib lib;
	struct stat st;
	const char *dir = scn_default_dir();
	int rc;

	if (stat(dir, &st) != 0)
		return 0; /* no scenario library installed here */
	rc = load(dir, &lib, false);
	scn_lib_free(&lib);
	return rc == 0 ? 0 : 2;
}

int cli_scenario(int argc, char **argv)
{
	const char *dir = scn_default_dir();
	const char *input = NULL, *out = NULL, *format = NULL, *cat = NULL, *config = NULL;
	struct model_provider model;
	bool as_json = false, no_model = false;
	char *pos[64];
	int npos = 0;

	if (argc < 2)
		return usage();
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--json") == 0)
			as_json = true;
		else if (strcmp(a, "--no-model") == 0)
			no_model = true;
		else if (strcmp(a, "--config") == 0 && i + 1 < argc)
			config = argv[++i];
		else if ((strcmp(a, "--dir") == 0 || strcmp(a, "--input") == 0 ||
			  strcmp(a, "-o") == 0 || strcmp(a, "--format") == 0 ||
			  strcmp(a, "--category") == 0) &&
			 i + 1 < argc) {
			const char *v = argv[++i];
			if (a[2] == 'd')
				dir = v;
			else if (a[2] == 'i')
				input = v;
			else if (a[1] == 'o')
				out = v;
			else if (a[2] == 'f')
				format = v;
			else
				cat = v;
		} else if (a[0] == '-') {
			fprintf(stderr, "shuzhi scenario: 未知选项或缺少参数：%s\n", a);
			return usage();
		} else if (npos < 64)
			pos[npos++] = argv[i];
	}
	if (strcmp(argv[1], "list") == 0 && npos == 0)
		return cmd_list(dir, as_json, cat);
	if (strcmp(argv[1], "show") == 0 && npos == 1)
		return cmd_show(dir, pos[0], as_json);
	if (strcmp(argv[1], "run") == 0 && npos == 1 && input != NULL && out != NULL) {
		const char *cfg = config ? config : getenv("SHUZHI_CONFIG");

		if (no_model || cfg == NULL || cfg[0] == '\0')
			return cmd_run(dir, pos[0], input, out, format, as_json, NULL);
		if (cli_model_provider("scenario run", cfg, &model) != 0)
			return 2;
		return cmd_run(dir, pos[0], input, out, format, as_json, &model);
	}
	if (strcmp(argv[1], "test") == 0)
		return cmd_test(dir, pos, npos);
	return usage();
}
