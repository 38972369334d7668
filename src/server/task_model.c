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
#include "privacy/privacy.h"
#include "run/runner.h"
#include "scenario/scenario.h"
#include "server/server_internal.h"
#include "store/employee_store.h"
#include "store/model_store.h"
#include "store/taskfile_store.h"
#include "work/employees.h"

#define TM_NOTE_PREFIX "模型不可用，已使用规则生成："

struct tm_run {
	struct tm_run *next;
	struct store *st;
	struct event_base *base;
	struct model_gateway *gw;
	struct model_ticket *ticket;
	struct event *deadline;
	int64_t task_id, emp_id, user_id, dept_id;
	long long timeout_s;
	char actor[STORE_NAME_MAX + 16];
	char *scenario;
	json_t *inputs;
	json_t *fallback; /* the deterministic result (enriched) */
	json_t *answers;  /* unmasked model texts of the parts done */
	json_t *calls;	  /* provenance of each call */
	/* the call in flight */
	char *instruction;
	size_t prompt_bytes;
	struct privacy_map map;
	struct buf answer, reasoning;
	struct model_usage usage;
	char finish[32];
	bool too_long;
	uint64_t start_ns, first_ns;
};

static struct tm_run *tm_runs;

/* ---- usage rows and provenance ---- */

static void tm_usage_row(struct tm_run *run, const char *status)
{
	struct store_model_usage u = {0};
	struct work_ctx ctx = {run->st, run->actor, NULL, NULL};
	const struct model_provider *p = model_gateway_provider(run->gw);
	char label[48];

	snprintf(label, sizeof(label), "task %lld", (long long)run->task_id);
	u.user_id = run->user_id;
	u.department_id = run->dept_id;
	u.employee_id = run->emp_id;
	u.provider = p->name;
	u.model = p->model;
	u.status = status;
	server_usage_add(&ctx, &u, &run->usage, run->start_ns, run->first_ns, &run->reasoning,
			 label);
}

/* The call in flight ended with status (and why, when it failed): its
 * usage row and its entry in the provenance. */
static void tm_call_done(struct tm_run *run, const char *status, const char *why)
{
	json_t *c;

	tm_usage_row(run, strcmp(status, "done") == 0 ? "done"
			  : strcmp(status, "aborted") == 0 || strcmp(status, "timeout") == 0
			      ? "aborted"
			      : "error");
	c = json_pack("{s:s,s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:s%}", "instruction",
		      run->instruction ? run->instruction : "", "status", status, "prompt_bytes",
		      (json_int_t)run->prompt_bytes, "masked_values", (json_int_t)run->map.n,
		      "prompt_tokens", (json_int_t)run->usage.prompt_tokens, "completion_tokens",
		      (json_int_t)run->usage.completion_tokens, "reasoning_tokens",
		      (json_int_t)run->usage.reasoning_tokens, "duration_ms",
		      (json_int_t)((base_now_ns() - run->start_ns) / 1000000), "reasoning",
		      run->reasoning.p ? run->reasoning.p : "", run->reasoning.len);
	if (why != NULL)
		json_object_set_new(c, "error", json_string(why));
	if (run->finish[0] != '\0')
		json_object_set_new(c, "finish_reason", json_string(run->finish));
	json_array_append_new(run->calls, c);
}

static void tm_free(struct tm_run *run)
{
	for (struct tm_run **pp = &tm_runs; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == run) {
			*pp = run->next;
			break;
		}
	}
	if (run->ticket != NULL)
		model_ticket_cancel(run->ticket);
	if (run->deadline != NULL)
		event_free(run->deadline);
	free(run->scenario);
	free(run->instruction);
	json_decref(run->inputs);
	json_decref(run->fallback);
	json_decref(run->answers);
	json_decref(run->calls);
	privacy_map_free(&run->map);
	buf_free(&run->answer);
	buf_free(&run->reasoning);
	free(run);
}

/* The "model" provenance event, then the draft (unless the task was
 * cancelled meanwhile); run is freed. result is stolen (NULL: no draft). */
static void tm_complete(struct tm_run *run, json_t *result, const char *outcome, const char *note)
{
	const struct model_provider *p = model_gateway_provider(run->gw);
	struct work_ctx ctx = {run->st, run->actor, NULL, NULL};
	struct err e = {0};
	json_t *detail;

	detail = json_pack(
	    "{s:s,s:s,s:{s:s,s:s,s:i,s:i,s:i,s:i,s:i},s:I,s:O,s:s,s:I}", "provider", p->name,
	    "model", p->model, "parameters", "kind", model_kind_name(p->kind), "think",
	    model_think_name(p->think), "max_tokens", p->max_tokens, "retries", p->retries,
	    "connect_timeout_ms", p->connect_timeout_ms, "idle_timeout_s", p->idle_timeout_s,
	    "task_timeout_s", (int)run->timeout_s, "department_group", (json_int_t)run->dept_id,
	    "calls", run->calls, "outcome", outcome, "employee_id", (json_int_t)run->emp_id);
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
	json_object_set_new(result, "model", json_string(model_gateway_provider(run->gw)->model));
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

static void tm_on_queued(size_t position, void *arg)
{
	(void)position;
	(void)arg;
}

static int tm_on_event(const struct model_event *ev, void *arg)
{
	struct tm_run *run = arg;

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
		if (run->answer.len + ev->len > SCN_PROSE_MAX) {
			run->too_long = true;
			return 1; /* stops the stream: on_end reports it */
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

static void tm_step(struct tm_run *run);

static void tm_on_end(int rc, const struct err *e, bool started, void *arg)
{
	struct tm_run *run = arg;
	char why[400];
	char *text;

	(void)started;
	run->ticket = NULL;
	if (rc == 0 && (strcmp(run->finish, "length") == 0 ||
			strcmp(run->finish, "insufficient_system_resource") == 0))
		snprintf(why, sizeof(why), "模型回答被截断（%s）", run->finish);
	else if (run->too_long)
		snprintf(why, sizeof(why), "模型回答超过 %u 字节", SCN_PROSE_MAX);
	else if (rc != 0)
		snprintf(why, sizeof(why), "%.300s", e && e->msg[0] ? e->msg : "模型调用失败");
	else
		why[0] = '\0';
	if (why[0] != '\0') {
		tm_call_done(run, "error", why);
		tm_fallback(run, why);
		return;
	}
	tm_call_done(run, "done", NULL);
	text = privacy_unmask(run->answer.p ? run->answer.p : "", run->answer.len, &run->map);
	if (json_array_append_new(run->answers, json_string(text)) != 0) {
		free(text);
		tm_fallback(run, "模型回答不是有效的文本");
		return;
	}
	free(text);
	tm_step(run);
}

static void tm_on_deadline(evutil_socket_t fd, short what, void *arg)
{
	struct tm_run *run = arg;
	char why[160];

	(void)fd;
	(void)what;
	snprintf(why, sizeof(why), "模型在 %lld 秒内未完成", run->timeout_s);
	if (run->ticket != NULL) {
		model_ticket_cancel(run->ticket);
		run->ticket = NULL;
		tm_call_done(run, "timeout", why);
	}
	tm_fallback(run, why);
}

/* Send the captured prompt: the user message masked, a fresh call. */
static int tm_submit(struct tm_run *run, struct tm_replay *rp, struct err *e)
{
	const struct model_provider *p = model_gateway_provider(run->gw);
	struct model_ticket_cbs cbs = {tm_on_queued, tm_on_event, tm_on_end, run};
	char *masked = NULL, *body;
	int rc;

	privacy_map_free(&run->map);
	memset(&run->map, 0, sizeof(run->map));
	rc = privacy_mask(rp->user.p ? rp->user.p : "", rp->user.len, &run->map, &masked, e);
	if (rc != 0)
		return rc;
	{
		struct model_msg msgs[] = {{"system", rp->sys.p ? rp->sys.p : ""},
					   {"user", masked}};

		body = model_request_body(p, msgs, 2, true);
	}
	run->prompt_bytes = strlen(masked) + rp->sys.len;
	free(masked);
	buf_reset(&run->answer);
	buf_reset(&run->reasoning);
	memset(&run->usage, 0, sizeof(run->usage));
	run->finish[0] = '\0';
	run->too_long = false;
	run->first_ns = 0;
	run->start_ns = base_now_ns();
	rc = model_gateway_submit(run->gw, run->dept_id, body, &cbs, &run->ticket, e);
	free(body);
	return rc;
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
		rc = tm_submit(run, &rp, &e);
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
	long long t = server_task_model_timeout_s(r);
	struct timeval tv = {(time_t)t, 0};

	run->st = server_store(r);
	run->base = server_event_base(r);
	run->gw = server_gateway(r);
	run->task_id = task_id;
	run->emp_id = emp_id;
	run->user_id = r->user.id;
	run->dept_id = r->user.department_id;
	{ /* fair queuing by the employee's department (else the requester's) */
		json_t *emp = NULL;
		struct err e = {0};

		if (store_emp_get(run->st, emp_id, &emp, &e) == 0 &&
		    json_integer_value(json_object_get(emp, "department_id")) > 0)
			run->dept_id = json_integer_value(json_object_get(emp, "department_id"));
		json_decref(emp);
	}
	run->timeout_s = t;
	snprintf(run->actor, sizeof(run->actor), "%s", r->actor);
	run->scenario = xstrdup(scenario);
	run->inputs = json_deep_copy(inputs);
	run->fallback = fallback;
	run->answers = json_array();
	run->calls = json_array();
	buf_init(&run->answer, SCN_PROSE_MAX + 1);
	buf_init(&run->reasoning, STORE_MODEL_REASONING_MAX + 1);
	run->next = tm_runs;
	tm_runs = run;
	run->deadline = evtimer_new(run->base, tm_on_deadline, run);
	evtimer_add(run->deadline, &tv);
	tm_step(run);
	for (struct tm_run *p = tm_runs; p != NULL; p = p->next)
		if (p == run)
			return true;
	return false; /* drafted at once (the request could not be sent) */
}

size_t server_task_model_abort(struct store *st, int64_t emp_id, const char *why, const char *actor)
{
	size_t n = 0;
	struct tm_run *run = tm_runs, *next;

	for (; run != NULL; run = next) {
		next = run->next;
		if (run->st != st || run->emp_id != emp_id)
			continue;
		/* the abort is the braking guardian's act, not the requester's */
		snprintf(run->actor, sizeof(run->actor), "%s", actor);
		if (run->ticket != NULL) {
			model_ticket_cancel(run->ticket);
			run->ticket = NULL;
			tm_call_done(run, "aborted", why);
		}
		tm_complete(run, NULL, "aborted", why);
		n++;
	}
	return n + server_ent_report_abort(st, emp_id, why, actor);
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
		tm_runs->ticket = NULL;
		tm_free(tm_runs);
	}
	if (tm_gc.timer != NULL)
		event_free(tm_gc.timer);
	memset(&tm_gc, 0, sizeof(tm_gc));
}
