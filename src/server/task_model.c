/*
 * server/task_model: a task's draft written with the model, on the event
 * loop, and the removal of task files never attached to a task.
 *
 * When a model is configured and the scenario has prompts for prose parts,
 * POST /api/tasks runs the deterministic path in the request (that result
 * is the fallback), creates the task in state running (生成中) and answers
 * at once; the model calls follow here through the gateway. Each prose part is
 * one call: the scenario is run with a writer that replays the answers
 * received so far and captures the prompt of the next part (the messages
 * of scn_prose_messages, personal data masked with privacy_mask before it
 * leaves; the answer is unmasked when it is complete). The employee's
 * department (else the requester's) is the gateway's fair-queuing group. When no part is
 * left the scenario's own checks decide (scn_run_prose): the model's text
 * is the draft, or the template text is kept.
 *
 * Whatever goes wrong — the employee's (or the user's) daily quota spent,
 * a refused connection, an HTTP error, a stalled or cut stream, the total
 * time task_model_timeout_s passed, the server stopping — the task gets its
 * deterministic draft with "model_note" (模型不可用，已使用规则生成：why);
 * it never fails because of the model. The guardian's brake (pause or
 * retire) aborts the employee's calls at once (server_task_model_abort).
 *
 * Reasoning is kept in the model_usage rows (with the employee's id, so
 * the calls count against its daily_tokens) and in the task's "model"
 * provenance event, never in the draft and never sent to the model again.
 * That event also names the provider, model and parameters, and each
 * call's status, tokens, timings and number of masked values.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "model/model.h"
#include "run/runner.h"
#include "scenario/scenario.h"
#include "server/model_run.h"
#include "server/server_internal.h"
#include "store/employee_store.h"
#include "store/model_store.h"
#include "store/taskfile_store.h"
#include "work/employees.h"

#define TM_NOTE_PREFIX "模型不可用，已使用规则生成："

struct tm_run {
	struct server_mrun m; /* first: the callbacks get &run->m */
	struct tm_run *next;
	int64_t task_id;
	char *scenario;
	json_t *inputs;
	json_t *fallback;  /* the deterministic result (enriched) */
	json_t *answers;   /* unmasked model texts of the parts done */
	json_t *calls;	   /* provenance of each call */
	char *instruction; /* the part asked in the call in flight */
};

static struct tm_run *tm_runs;

/* ---- provenance ---- */

/* The call in flight ended with status (and why, when it failed): its
 * entry in the provenance (its usage row is written). */
static void tm_call_end(struct server_mrun *m, const char *status, const char *why)
{
	struct tm_run *run = m->owner;

	json_array_append_new(
	    run->calls,
	    server_mrun_call_json(m, run->instruction ? run->instruction : "", status, why));
}

static void tm_free(struct tm_run *run)
{
	for (struct tm_run **pp = &tm_runs; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == run) {
			*pp = run->next;
			break;
		}
	}
	server_mrun_free(&run->m);
	free(run->scenario);
	free(run->instruction);
	json_decref(run->inputs);
	json_decref(run->fallback);
	json_decref(run->answers);
	json_decref(run->calls);
	free(run);
}

/* The "model" provenance event, then the draft (unless the task was
 * cancelled meanwhile); run is freed. result is stolen (NULL: no draft). */
static void tm_complete(struct tm_run *run, json_t *result, const char *outcome, const char *note)
{
	const struct model_provider *p = model_gateway_provider(run->m.gw);
	struct work_ctx ctx = {run->m.st, run->m.actor, NULL, NULL};
	struct err e = {0};
	json_t *detail;

	detail = json_pack(
	    "{s:s,s:s,s:{s:s,s:s,s:i,s:i,s:i,s:i,s:i},s:I,s:O,s:s,s:I}", "provider", p->name,
	    "model", p->model, "parameters", "kind", model_kind_name(p->kind), "think",
	    model_think_name(p->think), "max_tokens", p->max_tokens, "retries", p->retries,
	    "connect_timeout_ms", p->connect_timeout_ms, "idle_timeout_s", p->idle_timeout_s,
	    "task_timeout_s", (int)run->m.timeout_s, "department_group", (json_int_t)run->m.dept_id,
	    "calls", run->calls, "outcome", outcome, "employee_id", (json_int_t)run->m.emp_id);
	if (note != NULL)
		json_object_set_new(detail, "note", json_string(note));
	if (work_task_model_event(&ctx, run->task_id, detail, &e) != 0)
		base_log(LOG_ERROR, "task %lld: 模型记录失败：%s", (long long)run->task_id, e.msg);
	json_decref(detail);
	if (result != NULL) {
		if (work_task_drafted(&ctx, run->task_id, result, &e) != 0)
			base_log(LOG_INFO, "task %lld: 草稿未保存：%s", (long long)run->task_id,
				 e.msg);
		json_decref(result);
	}
	tm_free(run);
}

/* The deterministic draft with the reason the model was not used. */
static void tm_fallback(struct tm_run *run, const char *why)
{
	json_t *result = json_incref(run->fallback);
	char note[400];

	snprintf(note, sizeof(note), TM_NOTE_PREFIX "%.300s", why);
	json_object_set_new(result, "model_note", json_string(note));
	json_object_set_new(result, "prose", json_string("template"));
	tm_complete(run, result, "fallback", note);
}

/* The scenario's result with the model's prose: the enrichment of the
 * request (sources, knowledge bases, model profile) carried over. A model
 * text the scenario's checks refused leaves the deterministic draft. */
static void tm_finish(struct tm_run *run, json_t *result)
{
	const char *prose = json_string_value(json_object_get(result, "prose"));
	static const char *const keep[] = {"sources", "retrieval", "model_profile"};

	if (prose == NULL || strcmp(prose, "model") != 0) {
		const char *why = json_string_value(json_object_get(result, "prose_note"));
		char msg[400];

		snprintf(msg, sizeof(msg), "模型稿未被采用（%.300s）", why ? why : "未通过校验");
		json_decref(result);
		tm_fallback(run, msg);
		return;
	}
	for (size_t i = 0; i < ARRAY_LEN(keep); i++) {
		json_t *v = json_object_get(run->fallback, keep[i]);

		if (v != NULL)
			json_object_set(result, keep[i], v);
	}
	json_object_set_new(result, "path", json_string("model"));
	json_object_set_new(result, "model", json_string(model_gateway_provider(run->m.gw)->model));
	tm_complete(run, result, "model", NULL);
}

/* ---- one part after another ---- */

struct tm_replay {
	struct tm_run *run;
	size_t k;
	bool captured;
	struct buf sys, user;
};

/* scn_prose writer: the answers so far in order; the next part's prompt is
 * captured and the part left to the template for now. */
static int tm_write(void *arg, const char *instruction, const char *draft, const json_t *ctx,
		    char **out, struct err *e)
{
	struct tm_replay *rp = arg;
	size_t k = rp->k++;

	if (k < json_array_size(rp->run->answers)) {
		*out = xstrdup(json_string_value(json_array_get(rp->run->answers, k)));
		return 0;
	}
	if (!rp->captured) {
		rp->captured = true;
		free(rp->run->instruction);
		rp->run->instruction = xstrdup(instruction ? instruction : "");
		scn_prose_messages(instruction, draft, ctx, &rp->sys, &rp->user);
	}
	return err_set(e, BASE_E_BUSY, "等待模型");
}

static void tm_step(struct tm_run *run);

/* A part's answer: kept for the replay, then the next part. */
static void tm_on_done(struct server_mrun *m, char *text)
{
	struct tm_run *run = m->owner;

	if (json_array_append_new(run->answers, json_string(text)) != 0) {
		free(text);
		tm_fallback(run, "模型回答不是有效的文本");
		return;
	}
	free(text);
	tm_step(run);
}

static void tm_on_fallback(struct server_mrun *m, const char *why)
{
	tm_fallback(m->owner, why);
}

static void tm_on_aborted(struct server_mrun *m, const char *why)
{
	tm_complete(m->owner, NULL, "aborted", why);
}

/* Run the scenario with the answers so far: ask for the next part, or
 * finish. */
static void tm_step(struct tm_run *run)
{
	struct tm_replay rp = {run, 0, false, {0}, {0}};
	struct scn_prose prose = {tm_write, &rp};
	json_t *result = NULL;
	struct err e = {0};
	int rc;

	buf_init(&rp.sys, 1 << 16);
	buf_init(&rp.user, 4u << 20);
	rc = run_scenario_prose(run->scenario, run->inputs, &prose, &result, &e);
	if (rc == 0 && rp.captured) {
		json_decref(result);
		result = NULL;
		rc = server_mrun_submit(&run->m, rp.sys.p ? rp.sys.p : "",
					rp.user.p ? rp.user.p : "", rp.user.len, &e);
	}
	buf_free(&rp.sys);
	buf_free(&rp.user);
	if (rc != 0) {
		json_decref(result);
		tm_fallback(run, e.msg[0] ? e.msg : "模型调用失败");
	} else if (result != NULL) {
		tm_finish(run, result);
	}
}

/* ---- entry points ---- */

/* The day starts at 00:00 UTC+8 (the offices' time zone), as for chat. */
static int64_t tm_day_start(int64_t now)
{
	return now - (now + 8 * 3600000LL) % 86400000LL;
}

bool server_task_quota_spent(struct server_req *r, int64_t emp_id, char *why, size_t cap)
{
	struct model_gateway *gw = server_gateway(r);
	int64_t now = work_now(&r->ctx), used = 0;
	json_t *emp = NULL;
	json_int_t quota = 0;
	struct err e = {0};
	bool spent = false;

	if (store_emp_get(server_store(r), emp_id, &emp, &e) == 0)
		quota = json_integer_value(
		    json_object_get(json_object_get(emp, "config"), "daily_tokens"));
	if (quota > 0 &&
	    store_emp_tokens_since(server_store(r), emp_id, tm_day_start(now), &used, &e) == 0 &&
	    used >= quota) {
		snprintf(why, cap, "数智员工“%s”今日模型额度已用完（已用 %lld / 额度 %lld 词元）",
			 json_string_value(json_object_get(emp, "name")), (long long)used,
			 (long long)quota);
		spent = true;
	}
	json_decref(emp);
	if (!spent && gw != NULL && model_gateway_provider(gw)->daily_tokens > 0 &&
	    store_model_usage_tokens_since(server_store(r), r->user.id, tm_day_start(now), &used,
					   &e) == 0 &&
	    used >= model_gateway_provider(gw)->daily_tokens) {
		snprintf(why, cap, "您今日的模型用量已达上限（%lld 词元）",
			 (long long)model_gateway_provider(gw)->daily_tokens);
		spent = true;
	}
	return spent;
}

bool server_task_model_wanted(struct server_req *r, const char *scenario)
{
	return server_gateway(r) != NULL && run_has_prose(scenario);
}

bool server_task_model_start(struct server_req *r, int64_t task_id, int64_t emp_id,
			     const char *scenario, const json_t *inputs, json_t *fallback)
{
	struct tm_run *run = xcalloc(1, sizeof(*run));

	server_mrun_init(&run->m, r, SCN_PROSE_MAX);
	run->m.cbs =
	    (struct server_mrun_cbs){tm_call_end, tm_on_done, tm_on_fallback, tm_on_aborted};
	run->m.owner = run;
	run->m.emp_id = emp_id;
	snprintf(run->m.label, sizeof(run->m.label), "task %lld", (long long)task_id);
	run->task_id = task_id;
	{ /* fair queuing by the employee's department (else the requester's) */
		json_t *emp = NULL;
		struct err e = {0};

		if (store_emp_get(run->m.st, emp_id, &emp, &e) == 0 &&
		    json_integer_value(json_object_get(emp, "department_id")) > 0)
			run->m.dept_id = json_integer_value(json_object_get(emp, "department_id"));
		json_decref(emp);
	}
	run->scenario = xstrdup(scenario);
	run->inputs = json_deep_copy(inputs);
	run->fallback = fallback;
	run->answers = json_array();
	run->calls = json_array();
	run->next = tm_runs;
	tm_runs = run;
	server_mrun_brakeable(&run->m);
	server_mrun_arm(&run->m, r);
	tm_step(run);
	for (struct tm_run *p = tm_runs; p != NULL; p = p->next)
		if (p == run)
			return true;
	return false; /* drafted at once (the request could not be sent) */
}

size_t server_task_model_abort(struct store *st, int64_t emp_id, const char *why, const char *actor)
{
	return server_mrun_abort(st, emp_id, why, actor);
}

/* ---- unattached task files ---- */

static struct {
	struct store *st;
	struct event *timer;
	int64_t max_age_ms;
} tm_gc;

static void tm_on_gc(evutil_socket_t fd, short what, void *arg)
{
	struct work_ctx ctx = {tm_gc.st, "system:task-files", NULL, NULL};
	struct err e = {0};
	size_t n = 0;

	(void)fd;
	(void)what;
	(void)arg;
	if (work_task_files_expire(&ctx, tm_gc.max_age_ms, &n, &e) != 0)
		base_log(LOG_ERROR, "task files: 清理失败：%s", e.msg);
	else if (n > 0)
		base_log(LOG_INFO, "task files: 已删除 %zu 个超过 %lld 秒未使用的附件", n,
			 (long long)(tm_gc.max_age_ms / 1000));
}

void server_task_files_gc_start(struct event_base *base, struct store *st, long long max_age_s)
{
	/* checked every half of the age (at least every second, at most every
	 * ten minutes), and once at start */
	long long every = max_age_s / 2;
	struct timeval tv;

	if (every < 1)
		every = 1;
	if (every > 600)
		every = 600;
	tv.tv_sec = (time_t)every;
	tv.tv_usec = 0;
	tm_gc.st = st;
	tm_gc.max_age_ms = max_age_s * 1000;
	tm_gc.timer = event_new(base, -1, EV_PERSIST, tm_on_gc, NULL);
	event_add(tm_gc.timer, &tv);
	tm_on_gc(-1, 0, NULL);
}

void server_task_model_stop(void)
{
	/* None is left once the gateway is freed (every ticket ended and its
	 * task was drafted); to be sure, without touching the gateway. */
	while (tm_runs != NULL) {
		tm_runs->m.ticket = NULL;
		tm_free(tm_runs);
	}
	if (tm_gc.timer != NULL)
		event_free(tm_gc.timer);
	memset(&tm_gc, 0, sizeof(tm_gc));
}
