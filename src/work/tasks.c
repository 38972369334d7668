/* work/tasks: tasks of digital employees, review decisions, provenance
 * (see employees.h). */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "store/employee_store.h"
#include "store/taskfile_store.h"
#include "text/diff.h"
#include "work/audit.h"
#include "work/employees.h"
#include "work/employees_internal.h"

static const char *const task_states[][2] = {
    {"running", "生成中"},  {"draft", "待审核"},      {"approved", "已通过"},
    {"rejected", "已驳回"}, {"returned", "退回补充"}, {"cancelled", "已取消"},
    {"failed", "生成失败"},
};

const char *work_task_state_zh(const char *state)
{
	for (size_t i = 0; i < ARRAY_LEN(task_states); i++) {
		if (state != NULL && strcmp(state, task_states[i][0]) == 0)
			return task_states[i][1];
	}
	return state ? state : "";
}

static void task_digest(const char *canonical, char out[STORE_HASH_HEX + 1])
{
	unsigned char h[32];

	crypto_generichash(h, sizeof(h), (const unsigned char *)canonical, strlen(canonical), NULL,
			   0);
	sodium_bin2hex(out, STORE_HASH_HEX + 1, h, sizeof(h));
}

/*
 * Append one provenance event inside the open transaction: the audit entry
 * (task.KIND, holding the digest of detail) then the event row pointing at
 * it. detail is consumed.
 */
static int task_event(const struct work_ctx *ctx, int64_t task_id, const char *kind, json_t *detail,
		      struct err *e)
{
	char *canonical = json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS);
	char digest[STORE_HASH_HEX + 1];
	char head_hash[STORE_HASH_HEX + 1];
	char action[32], target[32];
	json_t *audit_detail;
	int64_t audit_id = 0;
	int rc;

	json_decref(detail);
	if (canonical == NULL)
		return err_set(e, BASE_E_INTERNAL, "无法序列化任务事件");
	task_digest(canonical, digest);
	snprintf(action, sizeof(action), "task.%s", kind);
	snprintf(target, sizeof(target), "task:%lld", (long long)task_id);
	audit_detail = json_pack("{s:s}", "event_digest", digest);
	rc = work_audit_append_tx(ctx, action, target, audit_detail, e);
	json_decref(audit_detail);
	if (rc == 0)
		rc = store_audit_head(ctx->st, &audit_id, head_hash, e);
	if (rc == 0)
		rc = store_task_event_insert(ctx->st, task_id, work_now(ctx), ctx->actor, kind,
					     canonical, digest, audit_id, e);
	free(canonical);
	return rc;
}

/* The task row as a store_task (strings borrowed from row). */
static void task_from_row(const json_t *row, struct store_task *t, char **inputs, char **result)
{
	json_t *res = json_object_get(row, "result");

	memset(t, 0, sizeof(*t));
	t->id = json_integer_value(json_object_get(row, "id"));
	t->employee_id = json_integer_value(json_object_get(row, "employee_id"));
	t->employee_version = (int)json_integer_value(json_object_get(row, "employee_version"));
	t->scenario = json_string_value(json_object_get(row, "scenario"));
	t->scenario_version = json_string_value(json_object_get(row, "scenario_version"));
	t->requester_id = json_integer_value(json_object_get(row, "requester_id"));
	t->department_id = json_integer_value(json_object_get(row, "department_id"));
	t->state = json_string_value(json_object_get(row, "state"));
	*inputs = json_dumps(json_object_get(row, "inputs"), JSON_COMPACT | JSON_ENCODE_ANY);
	t->inputs = *inputs;
	*result = res && !json_is_null(res) ? json_dumps(res, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	t->result = *result;
	t->final_text = json_string_value(json_object_get(row, "final_text"));
	t->reason = json_string_value(json_object_get(row, "reason"));
	t->decided_by = json_integer_value(json_object_get(row, "decided_by"));
	t->edit_distance = json_is_integer(json_object_get(row, "edit_distance"))
			       ? json_integer_value(json_object_get(row, "edit_distance"))
			       : -1;
	t->created_at = json_integer_value(json_object_get(row, "created_at"));
	t->drafted_at = json_integer_value(json_object_get(row, "drafted_at"));
	t->decided_at = json_integer_value(json_object_get(row, "decided_at"));
}

static bool task_handles(const json_t *emp, const char *scenario)
{
	json_t *list = json_object_get(json_object_get(emp, "config"), "scenarios");
	size_t i;
	json_t *v;

	json_array_foreach(list, i, v)
	{
		if (json_is_string(v) && strcmp(json_string_value(v), scenario) == 0)
			return true;
	}
	return false;
}

/* Attach files ([{id, field}]) to task_id inside the open transaction;
 * *listed gets [{id, field, name, size, digest}] for the provenance. */
static int task_attach_files(const struct work_ctx *ctx, const struct store_user *requester,
			     int64_t task_id, const json_t *files, json_t *listed, struct err *e)
{
	size_t i;
	json_t *f;

	json_array_foreach(files, i, f)
	{
		int64_t id = json_integer_value(json_object_get(f, "id"));
		const char *field = json_string_value(json_object_get(f, "field"));
		json_t *row = NULL;
		int rc;

		if (field == NULL)
			return err_set(e, BASE_E_USAGE, "附件缺少对应的表单字段");
		rc = store_taskfile_get(ctx->st, id, &row, e);
		if (rc == 0 &&
		    json_integer_value(json_object_get(row, "owner_id")) != requester->id)
			rc = err_set(e, BASE_E_NOTFOUND, "附件不存在");
		if (rc == 0)
			rc = store_taskfile_attach(ctx->st, id, task_id, field, e);
		if (rc == 0)
			json_array_append_new(
			    listed, json_pack("{s:I,s:s,s:O,s:O,s:O}", "id", (json_int_t)id,
					      "field", field, "name", json_object_get(row, "name"),
					      "size", json_object_get(row, "size"), "digest",
					      json_object_get(row, "digest")));
		json_decref(row);
		if (rc != 0)
			return rc;
	}
	return 0;
}

int work_task_file_add(const struct work_ctx *ctx, const struct store_user *owner, const char *name,
		       const void *data, size_t size, const char *text, int64_t *file_id,
		       struct err *e)
{
	struct store_taskfile f = {0};
	unsigned char h[32];
	char digest[STORE_HASH_HEX + 1];
	char target[48];
	json_t *detail;
	int rc;

	crypto_generichash(h, sizeof(h), data, size, NULL, 0);
	sodium_bin2hex(digest, sizeof(digest), h, sizeof(h));
	f.owner_id = owner->id;
	f.name = name;
	f.digest = digest;
	f.text = text;
	f.data = data;
	f.size = size;
	f.created_at = work_now(ctx);
	rc = store_tx_begin(ctx->st, e);
	if (rc != 0)
		return rc;
	rc = store_taskfile_insert(ctx->st, &f, file_id, e);
	if (rc == 0) {
		snprintf(target, sizeof(target), "task_file:%lld", (long long)*file_id);
		detail = json_pack("{s:s,s:I,s:s}", "name", name, "size", (json_int_t)size,
				   "digest", digest);
		rc = work_audit_append_tx(ctx, "task_file.upload", target, detail, e);
		json_decref(detail);
	}
	return emp_finish(ctx, rc, e);
}

int work_task_start(const struct work_ctx *ctx, const struct store_user *requester, int64_t emp_id,
		    const char *scenario, const char *scenario_version, const json_t *inputs,
		    int64_t *task_id, struct err *e)
{
	return work_task_start_files(ctx, requester, emp_id, scenario, scenario_version, inputs,
				     NULL, task_id, e);
}

int work_task_start_files(const struct work_ctx *ctx, const struct store_user *requester,
			  int64_t emp_id, const char *scenario, const char *scenario_version,
			  const json_t *inputs, const json_t *files, int64_t *task_id,
			  struct err *e)
{
	json_t *listed = NULL;
	struct store_task t = {0};
	json_t *emp = NULL;
	char *inputs_text = NULL;
	int rc;

	if (!json_is_object(inputs))
		return err_set(e, BASE_E_USAGE, "任务输入必须是 JSON 对象");
	inputs_text = json_dumps(inputs, JSON_COMPACT | JSON_SORT_KEYS);
	if (inputs_text == NULL || strlen(inputs_text) > WORK_TASK_TEXT_MAX) {
		free(inputs_text);
		return err_set(e, BASE_E_LIMIT, "任务输入过大（上限 2 MB）");
	}
	rc = store_tx_begin(ctx->st, e);
	if (rc != 0) {
		free(inputs_text);
		return rc;
	}
	rc = store_emp_get(ctx->st, emp_id, &emp, e);
	if (rc == 0 && strcmp(json_string_value(json_object_get(emp, "state")), "active") != 0)
		rc = err_set(e, BASE_E_CONFLICT, "该数智员工当前“%s”，不能接受任务",
			     work_emp_state_zh(json_string_value(json_object_get(emp, "state"))));
	if (rc == 0 && !task_handles(emp, scenario))
		rc = err_set(e, BASE_E_USAGE, "该数智员工不承担场景“%s”", scenario);
	if (rc == 0) {
		t.employee_id = emp_id;
		t.employee_version = (int)json_integer_value(json_object_get(emp, "version"));
		t.scenario = scenario;
		t.scenario_version = scenario_version ? scenario_version : "";
		t.requester_id = requester->id;
		t.department_id = requester->department_id;
		t.state = "running";
		t.inputs = inputs_text;
		t.edit_distance = -1;
		t.created_at = work_now(ctx);
		rc = store_task_insert(ctx->st, &t, task_id, e);
	}
	listed = json_array();
	if (rc == 0 && files != NULL)
		rc = task_attach_files(ctx, requester, *task_id, files, listed, e);
	if (rc == 0)
		rc = task_event(ctx, *task_id, "create",
				json_pack("{s:s,s:I,s:s,s:I,s:s,s:s,s:O,s:O}", "requester",
					  requester->username, "employee_id", (json_int_t)emp_id,
					  "employee",
					  json_string_value(json_object_get(emp, "name")),
					  "employee_version", (json_int_t)t.employee_version,
					  "scenario", scenario, "scenario_version",
					  t.scenario_version, "inputs", inputs, "files", listed),
				e);
	json_decref(listed);
	free(inputs_text);
	json_decref(emp);
	return emp_finish(ctx, rc, e);
}

/* Begin a transaction and load task id into row / t. */
static int task_begin(const struct work_ctx *ctx, int64_t id, json_t **row, struct store_task *t,
		      char **inputs, char **result, struct err *e)
{
	int rc = store_tx_begin(ctx->st, e);

	*inputs = *result = NULL;
	if (rc != 0)
		return rc;
	rc = store_task_get(ctx->st, id, row, e);
	if (rc != 0) {
		store_tx_rollback(ctx->st);
		return rc;
	}
	task_from_row(*row, t, inputs, result);
	return 0;
}

static int task_end(const struct work_ctx *ctx, int rc, json_t *row, char *inputs, char *result,
		    struct err *e)
{
	rc = emp_finish(ctx, rc, e);
	json_decref(row);
	free(inputs);
	free(result);
	return rc;
}

static int task_notify_guardians(const struct work_ctx *ctx, const json_t *row, const char *msg,
				 struct err *e)
{
	int64_t task_id = json_integer_value(json_object_get(row, "id"));
	int64_t g = json_integer_value(json_object_get(row, "guardian_id"));
	int64_t d = json_integer_value(json_object_get(row, "deputy_id"));
	int rc = store_notice_insert(ctx->st, g, task_id, msg, work_now(ctx), e);

	if (rc == 0 && d > 0)
		rc = store_notice_insert(ctx->st, d, task_id, msg, work_now(ctx), e);
	return rc;
}

int work_task_drafted(const struct work_ctx *ctx, int64_t task_id, const json_t *result,
		      struct err *e)
{
	struct store_task t;
	json_t *row = NULL;
	char *inputs, *old_result, *new_result = NULL;
	char msg[160];
	const char *text = json_string_value(json_object_get(result, "text"));
	int rc;

	if (!json_is_object(result) || text == NULL)
		return err_set(e, BASE_E_USAGE, "任务结果缺少文本");
	if (strlen(text) > WORK_TASK_TEXT_MAX)
		return err_set(e, BASE_E_LIMIT, "任务结果过大（上限 2 MB）");
	rc = task_begin(ctx, task_id, &row, &t, &inputs, &old_result, e);
	if (rc != 0)
		return rc;
	if (strcmp(t.state, "running") != 0)
		rc = err_set(e, BASE_E_CONFLICT, "任务已%s，结果未保存",
			     work_task_state_zh(t.state));
	if (rc == 0) {
		new_result = json_dumps(result, JSON_COMPACT | JSON_SORT_KEYS);
		t.result = new_result;
		t.state = "draft";
		t.drafted_at = work_now(ctx);
		rc = store_task_update(ctx->st, &t, e);
	}
	if (rc == 0) {
		json_t *d = json_deep_copy(result);

		json_object_del(d, "reasoning"); /* kept in the task, not repeated */
		rc = task_event(ctx, task_id, "draft", d, e);
	}
	if (rc == 0) {
		snprintf(msg, sizeof(msg), "%s 完成了任务 #%lld 的草稿，等待您审核",
			 json_string_value(json_object_get(row, "employee")), (long long)task_id);
		rc = task_notify_guardians(ctx, row, msg, e);
	}
	free(new_result);
	return task_end(ctx, rc, row, inputs, old_result, e);
}

int work_task_failed(const struct work_ctx *ctx, int64_t task_id, const char *why, struct err *e)
{
	struct store_task t;
	json_t *row = NULL;
	char *inputs, *result;
	char msg[200];
	int rc;

	rc = task_begin(ctx, task_id, &row, &t, &inputs, &result, e);
	if (rc != 0)
		return rc;
	if (strcmp(t.state, "running") != 0)
		rc = err_set(e, BASE_E_CONFLICT, "任务已%s", work_task_state_zh(t.state));
	if (rc == 0) {
		t.state = "failed";
		t.reason = why;
		t.decided_at = work_now(ctx);
		rc = store_task_update(ctx->st, &t, e);
	}
	if (rc == 0)
		rc = task_event(ctx, task_id, "fail", json_pack("{s:s}", "why", why), e);
	if (rc == 0) {
		snprintf(msg, sizeof(msg), "任务 #%lld 未能生成：%.120s", (long long)task_id, why);
		rc = store_notice_insert(ctx->st, t.requester_id, task_id, msg, work_now(ctx), e);
	}
	return task_end(ctx, rc, row, inputs, result, e);
}

int work_task_model_event(const struct work_ctx *ctx, int64_t task_id, const json_t *detail,
			  struct err *e)
{
	int rc;

	if (!json_is_object(detail))
		return err_set(e, BASE_E_USAGE, "模型记录无效");
	rc = store_tx_begin(ctx->st, e);
	if (rc != 0)
		return rc;
	rc = task_event(ctx, task_id, "model", json_deep_copy(detail), e);
	return emp_finish(ctx, rc, e);
}

int work_task_files_expire(const struct work_ctx *ctx, int64_t max_age_ms, size_t *count,
			   struct err *e)
{
	int64_t before = work_now(ctx) - max_age_ms;
	json_t *detail;
	int rc;

	*count = 0;
	rc = store_tx_begin(ctx->st, e);
	if (rc != 0)
		return rc;
	rc = store_taskfile_purge_unattached(ctx->st, before, count, e);
	if (rc == 0 && *count > 0) {
		detail = json_pack("{s:I,s:I}", "count", (json_int_t)*count, "uploaded_before",
				   (json_int_t)before);
		rc = work_audit_append_tx(ctx, "task_file.expire", "task_files", detail, e);
		json_decref(detail);
	}
	return emp_finish(ctx, rc, e);
}

const char *work_task_text(const json_t *task)
{
	json_t *result = json_object_get(task, "result");
	const char *s = json_string_value(json_object_get(task, "final_text"));

	if (s == NULL)
		s = json_string_value(json_object_get(result, "working"));
	if (s == NULL)
		s = json_string_value(json_object_get(result, "text"));
	return s ? s : "";
}

/* who may review row: the guardian or deputy of its employee. */
static int task_reviewer(const json_t *row, const struct store_user *who, struct err *e)
{
	if (work_emp_guards(row, who->id))
		return 0;
	return err_set(e, BASE_E_AUTH, "只有该数智员工的监护人可以审核它的任务");
}

int work_task_edit(const struct work_ctx *ctx, int64_t task_id, const struct store_user *who,
		   const char *text, struct err *e)
{
	struct store_task t;
	json_t *row = NULL, *res = NULL, *diff;
	char *inputs, *result, *new_result = NULL;
	const char *before;
	int rc;

	if (text == NULL || strlen(text) > WORK_TASK_TEXT_MAX ||
	    emp_text_chars(text, true) == (size_t)-1)
		return err_set(e, BASE_E_USAGE, "修改后的文本无效（须为 UTF-8，至多 2 MB）");
	rc = task_begin(ctx, task_id, &row, &t, &inputs, &result, e);
	if (rc != 0)
		return rc;
	rc = task_reviewer(row, who, e);
	if (rc == 0 && strcmp(t.state, "draft") != 0)
		rc = err_set(e, BASE_E_CONFLICT, "只有待审核的任务可以修改（当前：%s）",
			     work_task_state_zh(t.state));
	before = work_task_text(row);
	if (rc == 0 && strcmp(before, text) == 0)
		rc = err_set(e, BASE_E_CONFLICT, "文本没有变化");
	if (rc == 0) {
		diff = text_line_diff(before, text);
		res = json_deep_copy(json_object_get(row, "result"));
		json_object_set_new(res, "working", json_string(text));
		new_result = json_dumps(res, JSON_COMPACT | JSON_SORT_KEYS);
		t.result = new_result;
		rc = store_task_update(ctx->st, &t, e);
		if (rc == 0)
			rc = task_event(ctx, task_id, "edit",
					json_pack("{s:s,s:o,s:I}", "editor", who->username, "diff",
						  diff, "distance",
						  (json_int_t)text_edit_distance(before, text)),
					e);
		else
			json_decref(diff);
	}
	json_decref(res);
	free(new_result);
	return task_end(ctx, rc, row, inputs, result, e);
}

int work_task_decide(const struct work_ctx *ctx, int64_t task_id, const struct store_user *who,
		     const char *decision, const char *reason, struct err *e)
{
	static const char *const decisions[][3] = {
	    {"approve", "approved", "通过"},
	    {"reject", "rejected", "驳回"},
	    {"return", "returned", "退回补充材料"},
	};
	struct store_task t;
	json_t *row = NULL;
	char *inputs, *result;
	char msg[300];
	const char *to = NULL, *zh = NULL, *draft;
	int rc;

	for (size_t i = 0; i < ARRAY_LEN(decisions); i++) {
		if (decision != NULL && strcmp(decision, decisions[i][0]) == 0) {
			to = decisions[i][1];
			zh = decisions[i][2];
		}
	}
	if (to == NULL)
		return err_set(e, BASE_E_USAGE, "审核结论应为 approve、reject 或 return");
	if (reason != NULL && (emp_text_chars(reason, true) == (size_t)-1 ||
			       emp_text_chars(reason, true) > WORK_TASK_REASON_MAX))
		return err_set(e, BASE_E_USAGE, "理由不能超过 %d 个字符，且须为有效文本",
			       WORK_TASK_REASON_MAX);
	if (strcmp(to, "approved") != 0 && (reason == NULL || reason[0] == '\0'))
		return err_set(e, BASE_E_USAGE, "驳回或退回需要说明理由");
	rc = task_begin(ctx, task_id, &row, &t, &inputs, &result, e);
	if (rc != 0)
		return rc;
	rc = task_reviewer(row, who, e);
	if (rc == 0 && strcmp(t.state, "draft") != 0)
		rc = err_set(e, BASE_E_CONFLICT, "只有待审核的任务可以审核（当前：%s）",
			     work_task_state_zh(t.state));
	if (rc == 0) {
		draft = json_string_value(json_object_get(json_object_get(row, "result"), "text"));
		t.state = to;
		t.reason = reason && reason[0] ? reason : NULL;
		t.decided_by = who->id;
		t.decided_at = work_now(ctx);
		if (strcmp(to, "approved") == 0) {
			t.final_text = work_task_text(row);
			t.edit_distance =
			    (int64_t)text_edit_distance(draft ? draft : "", t.final_text);
		}
		rc = store_task_update(ctx->st, &t, e);
	}
	if (rc == 0)
		rc = task_event(ctx, task_id, decision,
				json_pack("{s:s,s:s,s:I}", "reviewer", who->username, "reason",
					  reason ? reason : "", "edit_distance",
					  (json_int_t)(t.edit_distance >= 0 ? t.edit_distance : 0)),
				e);
	if (rc == 0) {
		snprintf(msg, sizeof(msg), "任务 #%lld（%s）已被监护人%s%s%.200s",
			 (long long)task_id, t.scenario, zh, t.reason ? "：" : "",
			 t.reason ? t.reason : "");
		rc = store_notice_insert(ctx->st, t.requester_id, task_id, msg, work_now(ctx), e);
	}
	return task_end(ctx, rc, row, inputs, result, e);
}

int work_task_exported(const struct work_ctx *ctx, int64_t task_id, const struct store_user *who,
		       const char *format, struct err *e)
{
	json_t *row = NULL;
	int rc = store_tx_begin(ctx->st, e);

	if (rc != 0)
		return rc;
	rc = store_task_get(ctx->st, task_id, &row, e);
	if (rc == 0 && strcmp(json_string_value(json_object_get(row, "state")), "approved") != 0)
		rc = err_set(e, BASE_E_CONFLICT, "只有监护人审核通过的任务可以导出为正式结果");
	if (rc == 0)
		rc = task_event(ctx, task_id, "export",
				json_pack("{s:s,s:s,s:O}", "by", who->username, "format", format,
					  "approver", json_object_get(row, "decider")),
				e);
	json_decref(row);
	return emp_finish(ctx, rc, e);
}

int work_task_provenance(const struct work_ctx *ctx, int64_t task_id, json_t **out, struct err *e)
{
	json_t *task = NULL, *events = NULL;
	size_t i;
	json_t *ev;
	bool intact = true;
	int rc;

	rc = store_task_get(ctx->st, task_id, &task, e);
	if (rc == 0)
		rc = store_task_events(ctx->st, task_id, &events, e);
	if (rc != 0) {
		json_decref(task);
		return rc;
	}
	json_array_foreach(events, i, ev)
	{
		char *canonical = json_dumps(json_object_get(ev, "detail"),
					     JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
		char digest[STORE_HASH_HEX + 1] = "";
		const char *anchored_digest = json_string_value(
		    json_object_get(json_object_get(ev, "audit_detail"), "event_digest"));
		bool ok;

		if (canonical != NULL)
			task_digest(canonical, digest);
		free(canonical);
		ok = anchored_digest != NULL && strcmp(anchored_digest, digest) == 0 &&
		     strcmp(json_string_value(json_object_get(ev, "digest")), digest) == 0;
		json_object_set_new(ev, "anchored", json_boolean(ok));
		json_object_del(ev, "audit_detail");
		intact = intact && ok;
	}
	*out = json_pack("{s:o,s:o,s:b}", "task", task, "events", events, "intact", intact);
	return 0;
}
