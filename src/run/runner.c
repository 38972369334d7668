/* run/runner: the scenario catalog and runs (see runner.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/base.h"
#include "enforce/enforce.h"
#include "enterprise/enterprise.h"
#include "extract/extract.h"
#include "gongwen/gongwen.h"
#include "run/runner.h"
#include "scenario/scenario.h"

/* The scenario library, loaded once per process from scn_default_dir()
 * (the server refuses to start when a definition is broken; here the ones
 * that load are used). Kept for the life of the process. */
static struct scn_lib run_lib;
static bool run_lib_loaded;

static const struct scn_lib *run_library(void)
{
	struct buf problems;

	if (!run_lib_loaded) {
		buf_init(&problems, 1u << 20);
		if (scn_lib_load(scn_default_dir(), &run_lib, &problems) != 0 && problems.len > 0)
			base_log(LOG_WARN, "场景库：%.*s", (int)problems.len, problems.p);
		buf_free(&problems);
		run_lib_loaded = true;
	}
	return &run_lib;
}

/* A library definition as a catalog entry (the form and samples as the
 * definition has them; see docs/SCENARIOS.md). */
static json_t *run_def_entry(const struct scn_def *d)
{
	json_t *version = json_object_get(d->root, "version");
	char v[32];

	if (json_is_integer(version))
		snprintf(v, sizeof(v), "%lld", (long long)json_integer_value(version));
	else
		snprintf(v, sizeof(v), "%s",
			 json_is_string(version) ? json_string_value(version) : "1");
	return json_pack(
	    "{s:s,s:s,s:s,s:s,s:s,s:O,s:O,s:s}", "id", d->id, "name", d->name, "category",
	    d->category, "version", v, "description", d->description ? d->description : "", "form",
	    json_object_get(d->root, "form"), "samples", json_object_get(d->root, "samples"),
	    "output", d->fmt_docx ? "docx" : "txt");
}

/* Run a library scenario: the text, the form's refusals or the validators'
 * findings as validator entries. */
static int run_def(const struct scn_def *d, const json_t *inputs, const struct scn_prose *prose,
		   json_t **result, struct err *e)
{
	struct scn_result res;
	json_t *validators = json_array();
	json_t *copy = json_deep_copy(inputs);
	char msg[160];
	int rc;

	memset(&res, 0, sizeof(res));
	rc = scn_run_prose(d, copy, prose, &res, e);
	json_decref(copy);
	if (rc != 0) {
		json_decref(validators);
		scn_result_free(&res);
		return rc;
	}
	if (res.input_rejected) {
		struct buf why;

		buf_init(&why, 8192);
		for (size_t i = 0; i < res.nissues; i++)
			buf_addf(&why, "%s%s：%s", i ? "；" : "", res.issues[i].where,
				 res.issues[i].msg);
		rc = err_set(e, BASE_E_USAGE, "输入不符合要求：%.400s", why.p ? why.p : "");
		buf_free(&why);
		json_decref(validators);
		scn_result_free(&res);
		return rc;
	}
	for (size_t i = 0; i < res.nissues; i++)
		json_array_append_new(
		    validators, json_pack("{s:s,s:b,s:s,s:s}", "id", res.issues[i].where, "ok", 0,
					  "severity", res.issues[i].severity ? "warning" : "error",
					  "message", res.issues[i].msg));
	snprintf(msg, sizeof(msg), "要素校验：错误 %zu 项，提示 %zu 项", res.nerrors,
		 res.nissues - res.nerrors);
	json_array_insert_new(validators, 0,
			      json_pack("{s:s,s:b,s:s}", "id", "scenario.validators", "ok",
					res.nerrors == 0, "message", msg));
	*result = json_pack("{s:s,s:s,s:o,s:[],s:n,s:s}", "text", res.text ? res.text : "", "kind",
			    d->fmt_docx ? "docx" : "txt", "validators", validators, "sources",
			    "model", "path", "deterministic");
	if (prose != NULL) {
		json_object_set_new(*result, "prose",
				    json_string(res.prose == SCN_PROSE_MODEL ? "model"
						: res.prose == SCN_PROSE_FALLBACK
						    ? "template_fallback"
						    : "template"));
		if (res.prose_note != NULL)
			json_object_set_new(*result, "prose_note", json_string(res.prose_note));
	}
	scn_result_free(&res);
	return 0;
}

/* 上岗考核 of a library scenario: scn_test's own sample checks (including
 * `gongwen check` of 公文 output), one result per sample. */
static void run_def_acceptance(const struct scn_def *d, json_t *results, bool *passed)
{
	char dir[] = "/tmp/shuzhi-acceptance.XXXXXX";
	struct buf log;
	const char *line;

	buf_init(&log, 4u << 20);
	if (mkdtemp(dir) == NULL) {
		json_array_append_new(results,
				      json_pack("{s:s,s:s,s:b,s:[{s:s,s:b,s:s}]}", "scenario",
						d->id, "sample", "—", "ok", 0, "checks", "what",
						"run", "ok", 0, "detail", "无法创建临时目录"));
		*passed = false;
		buf_free(&log);
		return;
	}
	scn_test(d, dir, &log);
	base_remove_tmpdir(dir);
	for (line = log.p; line != NULL && *line != '\0';) {
		const char *nl = strchr(line, '\n');
		size_t n = nl ? (size_t)(nl - line) : strlen(line);
		bool ok = n > 3 && strncmp(line, "ok ", 3) == 0;
		const char *name = memchr(line, '/', n);
		const char *colon = ok ? NULL : memchr(line, ':', n);
		const char *name_end = colon ? colon : line + n;
		json_t *sample =
		    name ? json_stringn(name + 1, (size_t)(name_end - name - 1)) : NULL;

		json_array_append_new(
		    results, json_pack("{s:s,s:o,s:b,s:[{s:s,s:b,s:s%}]}", "scenario", d->id,
				       "sample", sample ? sample : json_string("—"), "ok", ok,
				       "checks", "what", "samples", "ok", ok, "detail",
				       ok ? "样例检查全部通过" : (colon ? colon + 1 : line),
				       ok ? strlen("样例检查全部通过")
					  : (size_t)(line + n - (colon ? colon + 1 : line))));
		*passed = *passed && ok;
		line = nl ? nl + 1 : NULL;
	}
	buf_free(&log);
}

/* ---- built in: 公文格式校对 ---- */

static const char run_gw_sample_bad[] = "关于做好2025年防汛工作的通知\n"
					"各区人民政府:\n"
					"为切实做好防汛工作,现通知如下.\n"
					"1、提高思想认识\n"
					"2025年5月6日\n";
static const char run_gw_sample_good[] = "××市人民政府办公室关于做好2025年防汛工作的通知\n"
					 "各区人民政府，市政府各部门：\n"
					 "为切实做好防汛工作，现将有关事项通知如下。\n"
					 "一、提高思想认识\n"
					 "各单位要充分认识防汛工作的重要性，落实防汛责任制。\n"
					 "××市人民政府办公室\n"
					 "2025年5月6日\n";

static json_t *run_gw_entry(void)
{
	return json_pack(
	    "{s:s,s:s,s:s,s:s,s:s,s:[{s:s,s:s,s:s,s:b,s:i}],s:[{s:s,s:{s:s},s:{s:i}},{s:s,s:{s:s},"
	    "s:{s:i}}]}",
	    "id", "gongwen.check", "name", "公文格式校对", "category", "公文处理", "version", "1",
	    "description",
	    "按 GB/T 9704-2012 检查公文全文：标题、主送、层次序号、标点、数字、落款、成文日期等，"
	    "列出问题与修改建议。",
	    "form", "name", "text", "label", "公文全文（每段一行）", "type", "textarea", "required",
	    1, "max_length", 200000, "samples", "name", "有格式错误的通知", "input", "text",
	    run_gw_sample_bad, "expect", "min_errors", 1, "name", "规范的通知", "input", "text",
	    run_gw_sample_good, "expect", "max_errors", 0);
}

static int run_gw_check(const json_t *inputs, json_t **result, struct err *e)
{
	const char *text = json_string_value(json_object_get(inputs, "text"));
	struct gw_profile prof;
	struct gw_doc doc;
	struct gw_findings f;
	struct buf report, js;
	json_t *parsed, *findings;
	size_t errors = 0, warnings = 0, i;
	json_t *fd;
	char msg[128];
	int rc;

	if (text == NULL || text[0] == '\0')
		return err_set(e, BASE_E_USAGE, "请填写“公文全文”");
	gw_profile_national(&prof);
	rc = gw_doc_from_text("公文全文", text, strlen(text), &prof, &doc, e);
	if (rc != 0)
		return rc;
	gw_findings_init(&f);
	gw_check(&doc, &f);
	buf_init(&report, 8u << 20);
	buf_init(&js, 8u << 20);
	gw_report_text(&doc, &f, &report);
	gw_report_json(&doc, &f, &js);
	parsed = json_loadb(js.p ? js.p : "", js.len, 0, NULL);
	findings = json_incref(json_object_get(parsed, "findings"));
	if (findings == NULL)
		findings = json_array();
	json_array_foreach(findings, i, fd)
	{
		const char *sev = json_string_value(json_object_get(fd, "severity"));

		errors += sev && strcmp(sev, "error") == 0;
		warnings += sev && strcmp(sev, "warning") == 0;
	}
	snprintf(msg, sizeof(msg), "错误 %zu 项，警告 %zu 项，共 %zu 项", errors, warnings,
		 json_array_size(findings));
	*result = json_pack("{s:s%,s:s,s:[{s:s,s:b,s:s}],s:[],s:n,s:s,s:o,s:O}", "text",
			    report.p ? report.p : "", report.len, "kind", "txt", "validators", "id",
			    "gongwen.errors", "ok", errors == 0, "message", msg, "sources", "model",
			    "path", "deterministic", "findings", findings, "doc_type",
			    json_object_get(parsed, "doc_type"));
	json_decref(parsed);
	buf_free(&report);
	buf_free(&js);
	gw_findings_free(&f);
	gw_doc_free(&doc);
	return 0;
}

/* ---- built in: 执法文书 from a 询问笔录 / 现场检查笔录 ---- */

/* A transcript written for this repository (tests/data/transcripts/h02.txt). */
static const char run_enf_sample[] =
    "询 问 笔 录\n"
    "第 1 页 共 1 页\n"
    "时间：2025年10月12日9时至9时50分\n"
    "地点：武汉市江汉区城市管理执法局\n"
    "询问人：周斌　执法证号：42010323015\n"
    "记录人：吴敏　执法证号：42010323022\n"
    "被询问人：邓丽　性别：女　年龄：33岁\n"
    "身份证号：420106199207087143\n"
    "工作单位及职务：江汉区邓记烧烤店　经营者\n"
    "住址：湖北省武汉市江汉区唐家墩街道菱角湖路8号\n"
    "\n"
    "问1：我们是江汉区城市管理执法局的执法人员，请你如实回答。是否申请回避？\n"
    "答1：不申请。\n"
    "问2：你的店叫什么？有没有营业执照？\n"
    "答2：字号是江汉区邓记烧烤店，类型是个体工商户，营业执照是老的，注册号420103600123456，经营场所"
    "在江汉区新华路218号。\n"
    "问3：昨天晚上执法人员检查时发现了什么？\n"
    "答3：我们在店门口人行道上摆了六张桌子，占了大概二十平方，从10.1国庆开始就一直这么摆。\n"
    "问4：每天营业额多少？\n"
    "答4：一晚上大概两千块左右。\n"
    "问5：你对占道经营的事实有无异议？\n"
    "答5：没有异议，我错了。\n"
    "（以下空白）\n"
    "被询问人签名：邓丽　2025.10.12\n"
    "\n";

static const char *const run_enf_ids[ENFORCE_NKINDS] = {"enforce-notice", "enforce-decision",
							"enforce-order", "enforce-report"};

static int run_enf_kind(const char *id)
{
	for (int k = 0; k < ENFORCE_NKINDS; k++) {
		if (id != NULL && strcmp(id, run_enf_ids[k]) == 0)
			return k;
	}
	return -1;
}

int run_enforce_kind(const char *id)
{
	return run_enf_kind(id);
}

static json_t *run_enf_entry(enum enforce_kind k)
{
	char name[96], desc[320];

	snprintf(name, sizeof(name), "%s（由笔录生成）", enforce_kind_title(k));
	snprintf(desc, sizeof(desc),
		 "粘贴询问笔录或现场检查笔录，提取当事人、时间地点、违法事实、数量金额与证据，"
		 "按《行政处罚法》生成%s初稿；法律条款、罚款数额、文号等笔录无法提供的内容留作"
		 "〔待填写〕，由执法人员填写。",
		 enforce_kind_title(k));
	return json_pack(
	    "{s:s,s:s,s:s,s:s,s:s,s:[{s:s,s:s,s:s,s:b,s:i,s:s}],s:[{s:s,s:{s:s},s:{s:[s,s]}}],"
	    "s:s}",
	    "id", run_enf_ids[k], "name", name, "category", "行政执法", "version", "1",
	    "description", desc, "form", "name", "transcript", "label",
	    "询问笔录或现场检查笔录全文", "type", "text", "required", 1, "max_len", 1000000, "file",
	    ".txt,.docx", "samples", "name", "占道经营询问笔录", "input", "transcript",
	    run_enf_sample, "expect", "contains", "江汉区邓记烧烤店", ENFORCE_BLANK_OPEN, "output",
	    "docx");
}

static int run_enf(enum enforce_kind k, const json_t *inputs, json_t **result, struct err *e)
{
	const char *text = json_string_value(json_object_get(inputs, "transcript"));
	json_t *ex = NULL, *validators;
	struct enforce_report rep = {0};
	struct buf out;
	size_t blanks = 0, errors = 0;
	char msg[160];
	int rc;

	if (text == NULL || text[0] == '\0')
		return err_set(e, BASE_E_USAGE, "请粘贴“询问笔录或现场检查笔录全文”");
	rc = extract_transcript(text, strlen(text), &ex, e);
	if (rc != 0)
		return rc == BASE_E_FORMAT || rc == BASE_E_LIMIT
			   ? err_set(e, BASE_E_USAGE, "%s", e->msg)
			   : rc;
	buf_init(&out, 4u << 20);
	rc = enforce_draft_text(k, ex, &out, e);
	if (rc != 0) {
		buf_free(&out);
		json_decref(ex);
		return rc;
	}
	enforce_validate_text(out.p ? out.p : "", out.len, NULL, 0, &rep);
	validators = json_array();
	for (size_t i = 0; i < rep.n; i++) {
		bool blank = strcmp(rep.f[i].severity, "blank") == 0;

		blanks += blank;
		errors += strcmp(rep.f[i].severity, "error") == 0;
		json_array_append_new(validators, json_pack("{s:s,s:b,s:s,s:s}", "id",
							    rep.f[i].element, "ok", 0, "severity",
							    blank ? "warning" : rep.f[i].severity,
							    "message", rep.f[i].message));
	}
	snprintf(msg, sizeof(msg), "要素校验：缺项或不一致 %zu 处，待执法人员填写 %zu 处", errors,
		 blanks);
	json_array_insert_new(validators, 0,
			      json_pack("{s:s,s:b,s:s}", "id", "enforce.elements", "ok",
					errors == 0, "message", msg));
	*result = json_pack("{s:s%,s:s,s:o,s:[],s:n,s:s,s:o}", "text", out.p ? out.p : "", out.len,
			    "kind", "docx", "validators", validators, "sources", "model", "path",
			    "deterministic", "extract", ex);
	enforce_report_free(&rep);
	buf_free(&out);
	return 0;
}

/* ---- built in: 企业分析报告 (issue 9) ----
 *
 * The written analysis of an enterprise report, as a task of a digital
 * employee (so it goes through the guardian's review). The form asks for
 * the 统一社会信用代码 (and an as-of date); the server puts the enterprise's
 * profile (enterprise/ent_profile) into the inputs as "profile" before the
 * run — the runner itself reads no database. The result keeps the profile
 * for the .docx export of the approved task. */

/* A made-up profile for the 上岗考核 (the fields ent_profile_analysis reads). */
static const char run_ent_sample_profile[] =
    "{\"name\":\"示例智能装备有限公司\",\"uscc\":\"91440300MA5EXAMPL0\",\"uscc_valid\":true,"
    "\"as_of\":\"2025-06-30\",\"registration\":{\"establish_date\":\"2016-03-18\",\"status\":"
    "\"存续\",\"registered_capital_wan\":1200,\"industry_code\":\"C3491\",\"region_code\":"
    "\"440305\"},\"size\":{\"latest_year\":2024,\"revenue_wan\":8600.5,\"growth_pct\":12.5,"
    "\"insured_count\":86},\"innovation\":{\"valid_certifications\":[\"高新技术企业\"]},"
    "\"scorecard\":{\"score\":72,\"pass\":true,\"direct\":[],\"groups\":{\"innovation\":30,"
    "\"growth\":20,\"specialisation\":22},\"zjtx\":{\"base\":true,\"age_2y\":true,\"rd\":true,"
    "\"revenue_or_equity\":true}},\"warnings\":[{\"level\":\"yellow\",\"level_zh\":\"黄色\","
    "\"name\":\"社保参保人数下降\",\"threshold\":\"较 12 个月前下降 30% 以上\",\"evidence\":"
    "[{\"source\":\"social_insurance.csv:12\"}]}],\"grade\":{\"grade\":\"B\",\"explanation\":"
    "\"信用得分 78 分，评为 B 级。\"}}";

static json_t *run_ent_entry(void)
{
	json_t *sample = json_loads(run_ent_sample_profile, 0, NULL);

	return json_pack(
	    "{s:s,s:s,s:s,s:s,s:s,s:[{s:s,s:s,s:s,s:b,s:i},{s:s,s:s,s:s,s:b,s:i}],"
	    "s:[{s:s,s:{s:s,s:o},s:{s:[s,s,s]}}],s:s}",
	    "id", RUN_ENT_REPORT, "name", "企业分析报告", "category", "招商引资", "version", "1",
	    "description",
	    "按统一社会信用代码取企业画像（登记、规模与成长、创新型中小企业评价、风险预警及证据、"
	    "信用评级），撰写报告的“分析”一节；配置大模型时由模型撰写（数据脱敏后发送），否则按规则"
	    "生成。监护人审核通过后可导出 .docx 报告。",
	    "form", "name", "uscc", "label", "统一社会信用代码", "type", "text", "required", 1,
	    "max_len", 64, "name", "as_of", "label", "评价日期（YYYY-MM-DD，可不填）", "type",
	    "text", "required", 0, "max_len", 10, "samples", "name", "示例企业画像", "input",
	    "uscc", "91440300MA5EXAMPL0", "profile", sample != NULL ? sample : json_object(),
	    "expect", "contains", "示例智能装备有限公司", "综合判断", "社保参保人数下降", "output",
	    "docx");
}

static int run_ent_report(const json_t *inputs, json_t **result, struct err *e)
{
	const json_t *p = json_object_get(inputs, "profile");
	const char *uscc = json_string_value(json_object_get(inputs, "uscc"));
	char *text;
	char msg[200];

	if (uscc == NULL || uscc[0] == '\0')
		return err_set(e, BASE_E_USAGE, "请填写“统一社会信用代码”");
	if (!json_is_object(p) || !json_is_string(json_object_get(p, "uscc")))
		return err_set(e, BASE_E_USAGE,
			       "企业分析报告需要企业画像：请通过服务器按统一社会信用代码创建任务");
	text = ent_profile_analysis(p);
	snprintf(msg, sizeof(msg), "分析依据 %s 的企业画像（%.60s）",
		 json_string_value(json_object_get(p, "as_of"))
		     ? json_string_value(json_object_get(p, "as_of"))
		     : "",
		 json_string_value(json_object_get(p, "name"))
		     ? json_string_value(json_object_get(p, "name"))
		     : "");
	*result = json_pack("{s:s,s:s,s:[{s:s,s:b,s:s}],s:[],s:n,s:s,s:O,s:s}", "text", text,
			    "kind", "enterprise_report", "validators", "id", "enterprise.profile",
			    "ok", 1, "message", msg, "sources", "model", "path", "deterministic",
			    "profile", p, "analysis_note", ENT_NOTE_RULES);
	free(text);
	return 0;
}

/* ---- the catalog ---- */

json_t *run_catalog(void)
{
	json_t *all = json_array();

	const struct scn_lib *lib = run_library();

	json_array_append_new(all, run_gw_entry());
	json_array_append_new(all, run_ent_entry());
	for (int k = 0; k < ENFORCE_NKINDS; k++)
		json_array_append_new(all, run_enf_entry((enum enforce_kind)k));
	for (size_t i = 0; i < lib->n; i++)
		json_array_append_new(all, run_def_entry(&lib->v[i]));
	return all;
}

json_t *run_describe(const char *id)
{
	json_t *all = run_catalog();
	json_t *found = NULL;
	size_t i;
	json_t *v;

	json_array_foreach(all, i, v)
	{
		if (id != NULL && strcmp(json_string_value(json_object_get(v, "id")), id) == 0)
			found = json_incref(v);
	}
	json_decref(all);
	return found;
}

int run_scenario(const char *id, const json_t *inputs, json_t **result, struct err *e)
{
	if (!json_is_object(inputs))
		return err_set(e, BASE_E_USAGE, "任务输入必须是 JSON 对象");
	const struct scn_def *d;

	if (id != NULL && strcmp(id, "gongwen.check") == 0)
		return run_gw_check(inputs, result, e);
	if (id != NULL && strcmp(id, RUN_ENT_REPORT) == 0)
		return run_ent_report(inputs, result, e);
	if (run_enf_kind(id) >= 0)
		return run_enf((enum enforce_kind)run_enf_kind(id), inputs, result, e);
	d = id != NULL ? scn_lib_find(run_library(), id) : NULL;
	if (d != NULL)
		return run_def(d, inputs, NULL, result, e);
	return err_set(e, BASE_E_NOTFOUND, "场景“%s”不存在", id ? id : "");
}

bool run_has_prose(const char *id)
{
	const struct scn_def *d = id != NULL ? scn_lib_find(run_library(), id) : NULL;

	return d != NULL && scn_has_prompts(d);
}

int run_scenario_prose(const char *id, const json_t *inputs, const struct scn_prose *prose,
		       json_t **result, struct err *e)
{
	const struct scn_def *d = id != NULL ? scn_lib_find(run_library(), id) : NULL;

	if (d == NULL || prose == NULL)
		return run_scenario(id, inputs, result, e);
	if (!json_is_object(inputs))
		return err_set(e, BASE_E_USAGE, "任务输入必须是 JSON 对象");
	return run_def(d, inputs, prose, result, e);
}

/* ---- 上岗考核 ---- */

static size_t run_count_errors(const json_t *result)
{
	size_t n = 0, i;
	json_t *fd;

	json_array_foreach(json_object_get(result, "findings"), i, fd)
	{
		const char *sev = json_string_value(json_object_get(fd, "severity"));

		n += sev && strcmp(sev, "error") == 0;
	}
	return n;
}

/* Check result against expect: {"min_errors", "max_errors", "contains":
 * [texts], "validators_ok": true}. Appends {what, ok, detail} to checks. */
static bool run_expect(const json_t *expect, const json_t *result, json_t *checks)
{
	const char *text = json_string_value(json_object_get(result, "text"));
	size_t errors = run_count_errors(result), i;
	json_t *v;
	bool all = true;
	char detail[160];

	if (json_is_integer(json_object_get(expect, "min_errors"))) {
		json_int_t want = json_integer_value(json_object_get(expect, "min_errors"));
		bool ok = (json_int_t)errors >= want;

		snprintf(detail, sizeof(detail), "发现错误 %zu 项（应至少 %lld 项）", errors,
			 (long long)want);
		json_array_append_new(checks, json_pack("{s:s,s:b,s:s}", "what", "min_errors", "ok",
							ok, "detail", detail));
		all = all && ok;
	}
	if (json_is_integer(json_object_get(expect, "max_errors"))) {
		json_int_t want = json_integer_value(json_object_get(expect, "max_errors"));
		bool ok = (json_int_t)errors <= want;

		snprintf(detail, sizeof(detail), "发现错误 %zu 项（应至多 %lld 项）", errors,
			 (long long)want);
		json_array_append_new(checks, json_pack("{s:s,s:b,s:s}", "what", "max_errors", "ok",
							ok, "detail", detail));
		all = all && ok;
	}
	json_array_foreach(json_object_get(expect, "contains"), i, v)
	{
		const char *want = json_string_value(v);
		bool ok = want != NULL && text != NULL && strstr(text, want) != NULL;

		snprintf(detail, sizeof(detail), "结果包含“%.100s”", want ? want : "");
		json_array_append_new(checks, json_pack("{s:s,s:b,s:s}", "what", "contains", "ok",
							ok, "detail", detail));
		all = all && ok;
	}
	return all;
}

json_t *run_acceptance(const json_t *scenarios)
{
	json_t *results = json_array();
	bool passed = json_array_size(scenarios) > 0;
	size_t i, k;
	json_t *id, *sample;

	json_array_foreach(scenarios, i, id)
	{
		const struct scn_def *d =
		    json_is_string(id) ? scn_lib_find(run_library(), json_string_value(id)) : NULL;
		json_t *entry;

		if (d != NULL) {
			run_def_acceptance(d, results, &passed);
			continue;
		}
		entry = run_describe(json_string_value(id));

		if (entry == NULL) {
			json_array_append_new(
			    results, json_pack("{s:O,s:s,s:b,s:[{s:s,s:b,s:s}]}", "scenario", id,
					       "sample", "—", "ok", 0, "checks", "what", "exists",
					       "ok", 0, "detail", "场景不存在"));
			passed = false;
			continue;
		}
		json_array_foreach(json_object_get(entry, "samples"), k, sample)
		{
			json_t *result = NULL, *checks = json_array();
			struct err e = {0};
			bool ok;

			if (run_scenario(json_string_value(id), json_object_get(sample, "input"),
					 &result, &e) != 0) {
				json_array_append_new(checks,
						      json_pack("{s:s,s:b,s:s}", "what", "run",
								"ok", 0, "detail", e.msg));
				ok = false;
			} else {
				ok = run_expect(json_object_get(sample, "expect"), result, checks);
			}
			json_array_append_new(results,
					      json_pack("{s:O,s:O,s:b,s:o}", "scenario", id,
							"sample", json_object_get(sample, "name"),
							"ok", ok, "checks", checks));
			passed = passed && ok;
			json_decref(result);
		}
		json_decref(entry);
	}
	return json_pack("{s:b,s:o}", "passed", passed, "results", results);
}
