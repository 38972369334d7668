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

#include <event2/event.h>

#include "enterprise/enterprise.h"
#include "model/model.h"
#include "privacy/privacy.h"
#include "run/runner.h"
#include "server/server_internal.h"
#include "store/employee_store.h"
#include "store/model_store.h"
#include "text/text.h"
#include "work/employees.h"

struct er_run;
typedef void (*er_done_fn)(struct er_run *run, const char *analysis, const char *note,
			   const char *source);

struct er_run {
	struct server_req *r; /* the deferred request (HTTP report), or NULL */
	struct store *st;
	struct model_gateway *gw;
	struct model_ticket *ticket;
	struct event *deadline;
	json_t *profile;
	char *draft; /* the deterministic analysis */
	int64_t user_id, dept_id, emp_id, task_id;
	long long timeout_s;
	char actor[STORE_NAME_MAX + 16];
	er_done_fn done;
	json_t *result;	     /* a task's deterministic result (the run's draft) */
	struct er_run *next; /* the task runs (the guardian's brake) */
	/* the call's outcome for a task's provenance */
	const char *call_status; /* NULL: no call made */
	char call_error[400];
	size_t prompt_bytes;
	/* the call */
	struct privacy_map map;
	struct buf answer, reasoning;
	struct model_usage usage;
	char finish[32];
	bool too_long;
	uint64_t start_ns, first_ns;
};

static struct er_run *er_tasks;

static void er_free(struct er_run *run)
{
	for (struct er_run **pp = &er_tasks; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == run) {
			*pp = run->next;
			break;
		}
	}
	json_decref(run->result);
	if (run->ticket != NULL)
		model_ticket_cancel(run->ticket);
	if (run->deadline != NULL)
		event_free(run->deadline);
	json_decref(run->profile);
	free(run->draft);
	privacy_map_free(&run->map);
	buf_free(&run->answer);
	buf_free(&run->reasoning);
	free(run);
}

static void er_usage_row(struct er_run *run, const char *status)
{
	struct store_model_usage u = {0};
	struct work_ctx ctx = {run->st, run->actor, NULL, NULL};
	const struct model_provider *p = model_gateway_provider(run->gw);

	u.user_id = run->user_id;
	u.department_id = run->dept_id;
	u.employee_id = run->emp_id;
	u.provider = p->name;
	u.model = p->model;
	u.status = status;
	server_usage_add(&ctx, &u, &run->usage, run->start_ns, run->first_ns, &run->reasoning,
			 "enterprise report");
	run->call_status = status;
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

static void er_on_queued(size_t position, void *arg)
{
	(void)position;
	(void)arg;
}

static int er_on_event(const struct model_event *ev, void *arg)
{
	struct er_run *run = arg;

	if (run->r != NULL && run->r->gone)
		return 1; /* nobody waits for the report: stop spending tokens */
	switch (ev->type) {
	case MODEL_EV_REASONING:
		if (run->first_ns == 0)
			run->first_ns = base_now_ns();
		if (run->reasoning.len + ev->len < STORE_MODEL_REASONING_MAX)
			buf_add(&run->reasoning, ev->text, ev->len);
		break;
	case MODEL_EV_DELTA:
		if (run->first_ns == 0)
			run->first_ns = base_now_ns();
		if (run->answer.len + ev->len > ENT_ANALYSIS_MAX) {
			run->too_long = true;
			return 1;
		}
		buf_add(&run->answer, ev->text, ev->len);
		break;
	case MODEL_EV_USAGE:
		run->usage = ev->usage;
		break;
	case MODEL_EV_DONE:
		snprintf(run->finish, sizeof(run->finish), "%s", ev->finish);
		break;
	case MODEL_EV_ERROR:
		break;
	}
	return 0;
}

static void er_on_end(int rc, const struct err *e, bool started, void *arg)
{
	struct er_run *run = arg;
	char why[400];
	char *text;

	(void)started;
	run->ticket = NULL;
	why[0] = '\0';
	if (run->r != NULL && run->r->gone)
		snprintf(why, sizeof(why), "客户端已断开");
	else if (run->too_long)
		snprintf(why, sizeof(why), "模型回答超过 %zu 字节", ENT_ANALYSIS_MAX);
	else if (rc != 0)
		snprintf(why, sizeof(why), "%.300s", e && e->msg[0] ? e->msg : "模型调用失败");
	else if (strcmp(run->finish, "length") == 0)
		snprintf(why, sizeof(why), "模型回答被截断（%s）", run->finish);
	else if (run->answer.len == 0 || !text_utf8_valid(run->answer.p, run->answer.len, NULL))
		snprintf(why, sizeof(why), "模型未返回有效的分析文字");
	er_usage_row(run, why[0] == '\0' ? "done" : rc != 0 && started ? "aborted" : "error");
	if (why[0] != '\0') {
		snprintf(run->call_error, sizeof(run->call_error), "%s", why);
		er_fallback(run, why);
		return;
	}
	text = privacy_unmask(run->answer.p, run->answer.len, &run->map);
	run->done(run, text, ENT_NOTE_MODEL, "model");
	free(text);
	er_free(run);
}

static void er_on_deadline(evutil_socket_t fd, short what, void *arg)
{
	struct er_run *run = arg;
	char why[160];

	(void)fd;
	(void)what;
	snprintf(why, sizeof(why), "模型在 %lld 秒内未完成", run->timeout_s);
	if (run->ticket != NULL) {
		model_ticket_cancel(run->ticket);
		run->ticket = NULL;
		er_usage_row(run, "aborted");
		snprintf(run->call_error, sizeof(run->call_error), "%s", why);
	}
	er_fallback(run, why);
}

/* Start the run: true when the model's call is queued (its end comes
 * from the loop); false when the quota is spent or the call cannot be
 * queued: why says so and the caller falls back. */
static bool er_start(struct server_req *r, struct er_run *run, char *why, size_t cap)
{
	const struct model_provider *p;
	struct model_ticket_cbs cbs = {er_on_queued, er_on_event, er_on_end, run};
	struct timeval tv;
	struct err e = {0};
	char *user, *masked = NULL, *body;

	run->st = server_store(r);
	run->gw = server_gateway(r);
	run->user_id = r->user.id;
	if (run->dept_id <= 0)
		run->dept_id = r->user.department_id;
	run->timeout_s = server_task_model_timeout_s(r);
	snprintf(run->actor, sizeof(run->actor), "%s", r->actor);
	run->draft = ent_profile_analysis(run->profile);
	buf_init(&run->answer, ENT_ANALYSIS_MAX + 1);
	buf_init(&run->reasoning, STORE_MODEL_REASONING_MAX + 1);
	p = model_gateway_provider(run->gw);
	if (server_task_quota_spent(r, run->emp_id, why, cap))
		return false;
	user = ent_analysis_prompt(run->profile, run->draft);
	if (privacy_mask(user, strlen(user), &run->map, &masked, &e) != 0) {
		free(user);
		snprintf(why, cap, "%.300s", e.msg);
		return false;
	}
	free(user);
	{
		struct model_msg msgs[] = {{"system", ENT_ANALYSIS_SYSTEM}, {"user", masked}};

		body = model_request_body(p, msgs, 2, true);
	}
	run->prompt_bytes = strlen(masked) + strlen(ENT_ANALYSIS_SYSTEM);
	free(masked);
	run->start_ns = base_now_ns();
	if (model_gateway_submit(run->gw, run->dept_id, body, &cbs, &run->ticket, &e) != 0) {
		free(body);
		run->ticket = NULL;
		snprintf(why, cap, "%.300s", e.msg);
		return false;
	}
	free(body);
	tv.tv_sec = (time_t)run->timeout_s;
	tv.tv_usec = 0;
	run->deadline = evtimer_new(server_event_base(r), er_on_deadline, run);
	evtimer_add(run->deadline, &tv);
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

	if (run->ticket != NULL) {
		model_ticket_cancel(run->ticket);
		run->ticket = NULL;
		er_usage_row(run, "aborted");
	}
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
	struct work_ctx ctx = {run->st, run->actor, NULL, NULL};
	const struct model_provider *p = run->gw != NULL ? model_gateway_provider(run->gw) : NULL;
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
				      "department_group", (json_int_t)run->dept_id, "employee_id",
				      (json_int_t)run->emp_id, "task_timeout_s",
				      (json_int_t)run->timeout_s, "note", note);

		if (run->call_status != NULL) {
			json_t *c =
			    json_pack("{s:s,s:s,s:I,s:I,s:I,s:I,s:I,s:s%}", "instruction",
				      "企业分析报告·分析", "status", run->call_status,
				      "prompt_bytes", (json_int_t)run->prompt_bytes,
				      "masked_values", (json_int_t)run->map.n, "prompt_tokens",
				      (json_int_t)run->usage.prompt_tokens, "completion_tokens",
				      (json_int_t)run->usage.completion_tokens, "reasoning",
				      run->reasoning.p ? run->reasoning.p : "", run->reasoning.len);

			if (run->call_error[0] != '\0')
				json_object_set_new(c, "error", json_string(run->call_error));
			json_object_set_new(d, "calls", json_pack("[o]", c));
		} else {
			json_object_set_new(d, "calls", json_array());
		}
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
	run->emp_id = emp;
	run->task_id = id;
	run->done = er_task_done;
	run->st = server_store(r);
	snprintf(run->actor, sizeof(run->actor), "%s", r->actor);
	if (store_emp_get(server_store(r), emp, &row, &e) == 0)
		run->dept_id = json_integer_value(json_object_get(row, "department_id"));
	json_decref(row);
	if (server_gateway(r) == NULL) {
		run->draft = ent_profile_analysis(profile);
		er_task_done(run, run->draft, ENT_NOTE_RULES, "rules");
		er_free(run);
		running = false;
	} else if (er_start(r, run, why, sizeof(why))) {
		run->next = er_tasks;
		er_tasks = run;
		running = true;
	} else {
		er_fallback(run, why);
		running = false;
	}
	server_reply_json(
	    r, 201,
	    json_pack("{s:I,s:s}", "id", (json_int_t)id, "state", running ? "running" : "draft"));
}

size_t server_ent_report_abort(struct store *st, int64_t emp_id, const char *why, const char *actor)
{
	size_t n = 0;
	struct er_run *run = er_tasks, *next;

	for (; run != NULL; run = next) {
		next = run->next;
		if (run->st != st || run->emp_id != emp_id)
			continue;
		snprintf(run->actor, sizeof(run->actor), "%s", actor);
		if (run->ticket != NULL) {
			model_ticket_cancel(run->ticket);
			run->ticket = NULL;
			er_usage_row(run, "aborted");
			snprintf(run->call_error, sizeof(run->call_error), "%.300s", why);
		}
		/* the brake cancelled the task: the draft is refused, the
		 * provenance keeps the call */
		er_fallback(run, why);
		n++;
	}
	return n;
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
