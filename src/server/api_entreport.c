/*
 * server/entreport: the written analysis of the enterprise report (.docx)
 * by the model, on the event loop (issue 9).
 *
 * GET /api/enterprises/{id}/report.docx: without a model the analysis is
 * the deterministic one (ENT_NOTE_RULES) and the reply comes at once. With
 * a model configured the request is deferred (server_req_defer) and
 * completes when the model has answered: the prompt (ent_analysis_prompt:
 * the profile's figures and the deterministic draft) is masked with
 * privacy_mask before it leaves and the answer unmasked; the call goes
 * through the gateway queued by the user's department; its tokens and
 * timings go to model_usage (reasoning kept there, never in the
 * document). The browser's plain download link keeps working: it simply
 * waits for the file. A client that goes away meanwhile (noticed within
 * SERVER_GONE_POLL_MS, server_req_on_gone) has its call withdrawn — a
 * queued one leaves the queue — with an aborted usage row, and no report.
 *
 * Whatever goes wrong — the user's (or the employee's) daily quota spent,
 * the queue full, a refused connection, an HTTP error, a cut or stalled
 * stream, task_model_timeout_s passed, the server stopping — the report is
 * still written, with the deterministic analysis and a Chinese note saying
 * why the model was not used. The header X-Shuzhi-Analysis says which
 * analysis the document holds: model, rules (no model configured) or
 * rules_fallback.
 *
 * The same run writes an employee's report task (server_ent_report_task):
 * its done callback drafts the task instead of replying.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "enterprise/enterprise.h"
#include "model/model.h"
#include "run/runner.h"
#include "server/model_run.h"
#include "server/server_internal.h"
#include "store/employee_store.h"
#include "work/employees.h"

struct er_run;
typedef void (*er_done_fn)(struct er_run *run, const char *analysis, const char *note,
			   const char *source);

struct er_run {
	struct server_mrun m; /* the model's call (model_run.h) */
	struct server_req *r; /* the deferred request (HTTP report), or NULL */
	json_t *profile;
	char *draft; /* the deterministic analysis */
	int64_t task_id;
	er_done_fn done;
	json_t *result; /* a task's deterministic result (the run's draft) */
	json_t *call;	/* the call's provenance entry (NULL: no call made) */
};

static void er_free(struct er_run *run)
{
	json_decref(run->result);
	server_mrun_free(&run->m);
	json_decref(run->profile);
	json_decref(run->call);
	free(run->draft);
	free(run);
}

/* The deterministic analysis with why the model was not used; run freed. */
static void er_fallback(struct er_run *run, const char *why)
{
	char note[600];
	size_t k = strlen(why);

	if (k > 300) { /* cut at a character boundary */
		k = 300;
		while (k > 0 && ((unsigned char)why[k] & 0xC0) == 0x80)
			k--;
	}
	snprintf(note, sizeof(note), "（模型不可用：%.*s；本节分析改由规则生成，未使用大模型。）",
		 (int)k, why);
	run->done(run, run->draft, note, "rules_fallback");
	er_free(run);
}

/* The call ended: its entry for a task's provenance (status as in its
 * usage row). */
static void er_call_end(struct server_mrun *m, const char *status, const char *why)
{
	struct er_run *run = m->owner;

	json_decref(run->call);
	run->call = server_mrun_call_json(
	    m, "企业分析报告·分析",
	    strcmp(status, "done") == 0 || strcmp(status, "error") == 0 ? status : "aborted", why);
}

static void er_on_done(struct server_mrun *m, char *text)
{
	struct er_run *run = m->owner;

	run->done(run, text, ENT_NOTE_MODEL, "model");
	free(text);
	er_free(run);
}

static void er_on_fallback(struct server_mrun *m, const char *why)
{
	er_fallback(m->owner, why);
}

/* The brake cancelled the task: the draft is refused, the provenance
 * keeps the call. */
static void er_on_aborted(struct server_mrun *m, const char *why)
{
	er_fallback(m->owner, why);
}

/* Start the run: true when the model's call is queued (its end comes
 * from the loop); false when the quota is spent or the call cannot be
 * queued: why says so and the caller falls back. */
static bool er_start(struct server_req *r, struct er_run *run, char *why, size_t cap)
{
	struct err e = {0};
	int64_t dept = run->m.dept_id;
	char *user;
	int rc;

	server_mrun_init(&run->m, r, ENT_ANALYSIS_MAX);
	run->m.cbs =
	    (struct server_mrun_cbs){er_call_end, er_on_done, er_on_fallback, er_on_aborted};
	run->m.owner = run;
	run->m.empty_why = "模型未返回有效的分析文字";
	snprintf(run->m.label, sizeof(run->m.label), "enterprise report");
	if (dept > 0)
		run->m.dept_id = dept;
	run->draft = ent_profile_analysis(run->profile);
	if (server_task_quota_spent(r, run->m.emp_id, why, cap))
		return false;
	user = ent_analysis_prompt(run->profile, run->draft);
	rc = server_mrun_submit(&run->m, ENT_ANALYSIS_SYSTEM, user, strlen(user), &e);
	free(user);
	if (rc != 0) {
		snprintf(why, cap, "%.300s", e.msg);
		return false;
	}
	server_mrun_arm(&run->m, r);
	return true;
}

/* ---- the HTTP report ---- */

/* Write the report of p with analysis and note and reply with it. */
static void er_reply_docx(struct server_req *r, const json_t *p, const char *analysis,
			  const char *note, const char *source)
{
	const char *tmp = getenv("TMPDIR");
	char dir[512], path[600], fname[64], disp[128];
	struct err e = {0};
	char *data = NULL;
	size_t len = 0;

	snprintf(dir, sizeof(dir), "%s/shuzhi-entrep-XXXXXX",
		 tmp != NULL && tmp[0] == '/' && strlen(tmp) < 400 ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL) {
		err_set(&e, BASE_E_IO, "无法创建临时目录");
		server_reply_err(r, &e);
		return;
	}
	snprintf(path, sizeof(path), "%s/report.docx", dir);
	if (ent_report_docx(p, analysis, note, path, &e) != 0 ||
	    base_read_file(path, (size_t)256 << 20, &data, &len, &e) != 0) {
		server_reply_err(r, &e);
	} else {
		snprintf(fname, sizeof(fname), "enterprise-%s.docx",
			 json_string_value(json_object_get(p, "uscc")));
		snprintf(disp, sizeof(disp), "attachment; filename=\"%s\"", fname);
		server_add_header(r, "Content-Disposition", disp);
		server_add_header(r, "X-Shuzhi-Analysis", source);
		server_reply_raw(
		    r, 200,
		    "application/vnd.openxmlformats-officedocument.wordprocessingml.document", data,
		    len);
	}
	free(data);
	unlink(path);
	rmdir(dir);
}

static void er_http_done(struct er_run *run, const char *analysis, const char *note,
			 const char *source)
{
	er_reply_docx(run->r, run->profile, analysis, note, source);
	if (run->r->deferred) /* else the handler is still running: it ends r */
		server_req_end(run->r);
	run->r = NULL;
}

/* The client went away while the model was asked (queued or writing):
 * the call is withdrawn (its queue place freed), its usage row says
 * aborted, and no report is written. */
static void er_http_gone(struct server_req *r, void *arg)
{
	struct er_run *run = arg;

	server_mrun_cancel(&run->m, "aborted", "客户端已断开");
	run->r = NULL;
	er_free(run);
	server_reply_error(r, 499, "gone", "客户端已断开");
	server_req_end(r);
}

void server_ent_report_reply(struct server_req *r, json_t *profile)
{
	struct er_run *run;
	char why[400];

	if (server_gateway(r) == NULL) {
		char *a = ent_profile_analysis(profile);

		er_reply_docx(r, profile, a, ENT_NOTE_RULES, "rules");
		free(a);
		json_decref(profile);
		return;
	}
	run = xcalloc(1, sizeof(*run));
	run->profile = profile;
	run->done = er_http_done;
	run->r = r;
	if (er_start(r, run, why, sizeof(why))) {
		server_req_defer(r); /* the model's end (or the deadline) replies */
		server_req_on_gone(r, er_http_gone, run);
	} else
		er_fallback(run, why);
}

/* ---- a digital employee's report: a task for the guardian's review ---- */

/* The task's draft: the runner's result with the analysis written (by the
 * model, or the rules with the reason), and the "model" provenance event
 * when the model was asked. */
static void er_task_done(struct er_run *run, const char *analysis, const char *note,
			 const char *source)
{
	struct work_ctx ctx = {run->m.st, run->m.actor, NULL, NULL};
	const struct model_provider *p =
	    run->m.gw != NULL ? model_gateway_provider(run->m.gw) : NULL;
	json_t *result = json_deep_copy(run->result);
	struct err e = {0};

	json_object_set_new(result, "text", json_string(analysis));
	json_object_set_new(result, "analysis_note", json_string(note));
	json_object_set_new(result, "analysis", json_string(source));
	if (strcmp(source, "model") == 0) {
		json_object_set_new(result, "path", json_string("model"));
		json_object_set_new(result, "model", json_string(p->model));
	} else if (strcmp(source, "rules_fallback") == 0) {
		json_object_set_new(result, "model_note", json_string(note));
	}
	if (p != NULL) {
		json_t *d = json_pack("{s:s,s:s,s:s,s:I,s:I,s:I,s:s}", "provider", p->name, "model",
				      p->model, "outcome",
				      strcmp(source, "model") == 0 ? "model" : "fallback",
				      "department_group", (json_int_t)run->m.dept_id, "employee_id",
				      (json_int_t)run->m.emp_id, "task_timeout_s",
				      (json_int_t)run->m.timeout_s, "note", note);

		json_object_set_new(d, "calls",
				    run->call != NULL ? json_pack("[O]", run->call) : json_array());
		if (work_task_model_event(&ctx, run->task_id, d, &e) != 0)
			base_log(LOG_ERROR, "task %lld: 模型记录失败：%s", (long long)run->task_id,
				 e.msg);
		json_decref(d);
	}
	if (work_task_drafted(&ctx, run->task_id, result, &e) != 0)
		base_log(LOG_INFO, "task %lld: 草稿未保存：%s", (long long)run->task_id, e.msg);
	json_decref(result);
}

void server_ent_report_task(struct server_req *r, json_t *body, const json_t *entry)
{
	json_t *inputs = json_object_get(body, "inputs");
	json_int_t emp = json_integer_value(json_object_get(body, "employee_id"));
	json_t *profile, *run_in, *result = NULL, *row = NULL;
	struct err e = {0};
	struct er_run *run;
	int64_t id = 0;
	char why[400];
	bool running;

	if (!json_is_object(inputs) || json_object_get(body, "files") != NULL) {
		json_decref(body);
		server_reply_error(
		    r, 400, "bad_request",
		    "企业分析报告的输入应为 {\"uscc\": 统一社会信用代码, \"as_of\": 日期}");
		return;
	}
	profile = server_ent_task_profile(r, inputs);
	if (profile == NULL) {
		json_decref(body);
		return;
	}
	/* the runner gets the profile; the task keeps what the user gave */
	run_in = json_deep_copy(inputs);
	json_object_set(run_in, "profile", profile);
	if (run_scenario(RUN_ENT_REPORT, run_in, &result, &e) != 0) {
		json_decref(run_in);
		json_decref(profile);
		json_decref(body);
		server_reply_err(r, &e);
		return;
	}
	json_decref(run_in);
	if (work_task_start(&r->ctx, &r->user, emp, RUN_ENT_REPORT,
			    json_string_value(json_object_get(entry, "version")), inputs, &id,
			    &e) != 0) {
		json_decref(result);
		json_decref(profile);
		json_decref(body);
		server_reply_err(r, &e);
		return;
	}
	json_decref(body);
	run = xcalloc(1, sizeof(*run));
	run->profile = profile;
	run->result = result;
	run->m.emp_id = emp;
	run->task_id = id;
	run->done = er_task_done;
	run->m.st = server_store(r);
	snprintf(run->m.actor, sizeof(run->m.actor), "%s", r->actor);
	if (store_emp_get(server_store(r), emp, &row, &e) == 0)
		run->m.dept_id = json_integer_value(json_object_get(row, "department_id"));
	json_decref(row);
	if (server_gateway(r) == NULL) {
		run->draft = ent_profile_analysis(profile);
		er_task_done(run, run->draft, ENT_NOTE_RULES, "rules");
		er_free(run);
		running = false;
	} else if (er_start(r, run, why, sizeof(why))) {
		server_mrun_brakeable(&run->m);
		running = true;
	} else {
		er_fallback(run, why);
		running = false;
	}
	server_reply_json(
	    r, 201,
	    json_pack("{s:I,s:s}", "id", (json_int_t)id, "state", running ? "running" : "draft"));
}

/* ---- the approved task's report ---- */

int server_ent_task_docx(const json_t *task, const char *approval, char **data, size_t *len,
			 struct err *e)
{
	const json_t *res = json_object_get(task, "result");
	const json_t *p = json_object_get(res, "profile");
	const char *note = json_string_value(json_object_get(res, "analysis_note"));
	const char *tmp = getenv("TMPDIR");
	char dir[512], path[600];
	struct buf n;
	int rc;

	if (!json_is_object(p))
		return err_set(e, BASE_E_NOTFOUND, "任务结果中没有企业画像");
	snprintf(dir, sizeof(dir), "%s/shuzhi-enttask-XXXXXX",
		 tmp != NULL && tmp[0] == '/' && strlen(tmp) < 400 ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL)
		return err_set(e, BASE_E_IO, "无法创建临时目录");
	snprintf(path, sizeof(path), "%s/report.docx", dir);
	buf_init(&n, 1 << 16);
	buf_addf(&n, "%s%s", note != NULL ? note : "", approval != NULL ? approval : "");
	rc = ent_report_docx(p, work_task_text(task), n.p, path, e);
	if (rc == 0)
		rc = base_read_file(path, (size_t)256 << 20, data, len, e);
	buf_free(&n);
	unlink(path);
	rmdir(dir);
	return rc;
}
