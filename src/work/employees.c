/* work/employees: the employee lifecycle (see employees.h). */
#include <stdio.h>
#include <string.h>

#include "store/employee_store.h"
#include "text/text.h"
#include "work/audit.h"
#include "work/employees.h"
#include "work/employees_internal.h"

static const char *const emp_states[][2] = {
    {"draft", "草稿"},	{"pending", "待上岗"}, {"active", "在岗"},
    {"paused", "暂停"}, {"retired", "退役"},
};

const char *work_emp_state_zh(const char *state)
{
	for (size_t i = 0; i < ARRAY_LEN(emp_states); i++) {
		if (state != NULL && strcmp(state, emp_states[i][0]) == 0)
			return emp_states[i][1];
	}
	return state ? state : "";
}

int emp_finish(const struct work_ctx *ctx, int rc, struct err *e)
{
	if (rc != 0) {
		store_tx_rollback(ctx->st);
		return rc;
	}
	return store_tx_commit(ctx->st, e);
}

/* Code points of s, or (size_t)-1 when s is not valid UTF-8 or has
 * control characters other than newline and tab. */
size_t emp_text_chars(const char *s, bool multiline)
{
	size_t len = strlen(s), n = 0;

	if (!text_utf8_valid(s, len, NULL))
		return (size_t)-1;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 && !(multiline && (c == '\n' || c == '\t' || c == '\r'))) ||
		    c == 0x7f)
			return (size_t)-1;
		n += (c & 0xc0) != 0x80;
	}
	return n;
}

/* A string field of spec: NULL when absent; BASE_E_USAGE when not a string
 * or out of [1, max] characters. */
static int emp_str(const json_t *spec, const char *key, const char *label, size_t max,
		   bool multiline, const char **out, struct err *e)
{
	json_t *v = json_object_get(spec, key);
	size_t n;

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return err_set(e, BASE_E_USAGE, "%s必须是文本", label);
	n = emp_text_chars(json_string_value(v), multiline);
	if (n == (size_t)-1)
		return err_set(e, BASE_E_USAGE, "%s含有无效字符", label);
	if (n > max)
		return err_set(e, BASE_E_USAGE, "%s不能超过 %zu 个字符", label, max);
	*out = json_string_value(v);
	return 0;
}

/* A user who may guard an employee: exists, enabled, role guardian. */
static int emp_guardian(struct store *st, const char *username, const char *label, int64_t *id,
			struct err *e)
{
	struct store_user u;

	if (store_user_get(st, username, &u, e) != 0)
		return err_set(e, BASE_E_USAGE, "%s“%s”不存在", label, username);
	if (u.disabled)
		return err_set(e, BASE_E_USAGE, "%s“%s”已停用", label, username);
	if (strcmp(u.role, "guardian") != 0)
		return err_set(e, BASE_E_USAGE, "%s必须是监护人角色的用户（%s 是 %s）", label,
			       username, u.role);
	*id = u.id;
	return 0;
}

static int emp_id_list(const json_t *spec, const char *key, const char *label, json_t *config,
		       struct err *e)
{
	json_t *v = json_object_get(spec, key);
	size_t i;
	json_t *item;

	if (v == NULL)
		return 0;
	if (!json_is_array(v) || json_array_size(v) > 200)
		return err_set(e, BASE_E_USAGE, "%s必须是列表（至多 200 项）", label);
	json_array_foreach(v, i, item)
	{
		size_t n = json_is_string(item) ? emp_text_chars(json_string_value(item), false)
						: (size_t)-1;

		if (n == 0 || n > 64)
			return err_set(e, BASE_E_USAGE, "%s第 %zu 项无效", label, i + 1);
	}
	json_object_set(config, key, v);
	return 0;
}

static int emp_int(const json_t *spec, const char *key, const char *label, json_int_t max,
		   json_t *config, struct err *e)
{
	json_t *v = json_object_get(spec, key);

	if (v == NULL)
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > max)
		return err_set(e, BASE_E_USAGE, "%s必须是 0 到 %lld 的整数", label, (long long)max);
	json_object_set(config, key, v);
	return 0;
}

/*
 * Apply spec onto m (and its config object): the shared part of create and
 * update. Strings in m point into spec or stay as they were.
 */
static int emp_apply(const struct work_ctx *ctx, const json_t *spec, struct store_emp *m,
		     json_t *config, struct err *e)
{
	static const char *const keys[] = {
	    "name",	 "description", "avatar", "department_id", "guardian",	   "deputy",
	    "scenarios", "kbs",		"model",  "daily_tokens",  "minutes_saved"};
	const char *key, *s;
	json_t *v;
	int rc;

	if (!json_is_object(spec))
		return err_set(e, BASE_E_USAGE, "数智员工的设置必须是 JSON 对象");
	json_object_foreach((json_t *)spec, key, v)
	{
		bool known = false;

		for (size_t i = 0; i < ARRAY_LEN(keys); i++)
			known = known || strcmp(key, keys[i]) == 0;
		if (!known)
			return err_set(e, BASE_E_USAGE, "未知的设置项“%s”", key);
	}
	rc = emp_str(spec, "name", "名称", WORK_EMP_NAME_MAX, false, &s, e);
	if (rc != 0)
		return rc;
	if (s != NULL)
		m->name = s;
	if (m->name == NULL || m->name[0] == '\0')
		return err_set(e, BASE_E_USAGE, "数智员工需要名称");
	rc = emp_str(spec, "description", "职责说明", WORK_EMP_DESC_MAX, true, &s, e);
	if (rc == 0 && s != NULL)
		json_object_set_new(config, "description", json_string(s));
	if (rc == 0)
		rc = emp_str(spec, "avatar", "头像", 8, false, &s, e);
	if (rc == 0 && s != NULL)
		json_object_set_new(config, "avatar", json_string(s));
	if (rc == 0)
		rc = emp_str(spec, "model", "模型配置", 64, false, &s, e);
	if (rc == 0 && s != NULL)
		json_object_set_new(config, "model", json_string(s));
	if (rc == 0)
		rc = emp_id_list(spec, "scenarios", "场景", config, e);
	if (rc == 0)
		rc = emp_id_list(spec, "kbs", "知识库", config, e);
	if (rc == 0)
		rc = emp_int(spec, "daily_tokens", "每日令牌额度", 1000000000, config, e);
	if (rc == 0)
		rc = emp_int(spec, "minutes_saved", "每项任务节省分钟数", 100000, config, e);
	if (rc != 0)
		return rc;
	v = json_object_get(spec, "department_id");
	if (v != NULL) {
		if (!json_is_integer(v) || json_integer_value(v) < 0)
			return err_set(e, BASE_E_USAGE, "部门编号无效");
		m->department_id = json_integer_value(v);
	}
	v = json_object_get(spec, "guardian");
	if (v != NULL) {
		if (!json_is_string(v))
			return err_set(e, BASE_E_USAGE, "监护人必须是用户名");
		rc = emp_guardian(ctx->st, json_string_value(v), "监护人", &m->guardian_id, e);
		if (rc != 0)
			return rc;
	}
	if (m->guardian_id <= 0)
		return err_set(e, BASE_E_USAGE, "每个数智员工都必须有一名监护人");
	v = json_object_get(spec, "deputy");
	if (v != NULL && json_is_null(v))
		m->deputy_id = 0;
	else if (v != NULL && !json_is_string(v))
		return err_set(e, BASE_E_USAGE, "副监护人必须是用户名");
	else if (v != NULL) {
		rc = emp_guardian(ctx->st, json_string_value(v), "副监护人", &m->deputy_id, e);
		if (rc != 0)
			return rc;
	}
	if (m->deputy_id == m->guardian_id)
		return err_set(e, BASE_E_USAGE, "副监护人不能与监护人相同");
	return 0;
}

/* Audit detail of an employee change: name, version, state and config. */
static int emp_audit(const struct work_ctx *ctx, const char *action, int64_t id,
		     const struct store_emp *m, json_t *extra, struct err *e)
{
	char target[32];
	json_t *detail = extra ? extra : json_object();
	int rc;

	snprintf(target, sizeof(target), "employee:%lld", (long long)id);
	json_object_set_new(detail, "name", json_string(m->name));
	json_object_set_new(detail, "version", json_integer(m->version));
	json_object_set_new(detail, "state", json_string(m->state));
	rc = work_audit_append_tx(ctx, action, target, detail, e);
	json_decref(detail);
	return rc;
}

int work_emp_create(const struct work_ctx *ctx, const json_t *spec, int64_t *id, struct err *e)
{
	struct store_emp m = {0};
	json_t *config =
	    json_pack("{s:s,s:s,s:[],s:[],s:s,s:i,s:i}", "description", "", "avatar", "",
		      "scenarios", "kbs", "model", "", "daily_tokens", 0, "minutes_saved", 0);
	char *config_text = NULL;
	int rc;

	rc = store_tx_begin(ctx->st, e);
	if (rc != 0) {
		json_decref(config);
		return rc;
	}
	rc = emp_apply(ctx, spec, &m, config, e);
	if (rc == 0) {
		config_text = json_dumps(config, JSON_COMPACT | JSON_SORT_KEYS);
		m.state = "draft";
		m.version = 1;
		m.config = config_text;
		m.now = work_now(ctx);
		rc = store_emp_insert(ctx->st, &m, id, e);
	}
	if (rc == 0)
		rc = store_emp_version_insert(ctx->st, *id, 1, config_text, ctx->actor, m.now, e);
	if (rc == 0)
		rc = emp_audit(ctx, "employee.create", *id, &m,
			       json_pack("{s:O}", "config", config), e);
	free(config_text);
	json_decref(config);
	return emp_finish(ctx, rc, e);
}

/* The employee row as a store_emp (strings borrowed from row). */
static void emp_from_row(const json_t *row, struct store_emp *m)
{
	memset(m, 0, sizeof(*m));
	m->id = json_integer_value(json_object_get(row, "id"));
	m->name = json_string_value(json_object_get(row, "name"));
	m->department_id = json_integer_value(json_object_get(row, "department_id"));
	m->guardian_id = json_integer_value(json_object_get(row, "guardian_id"));
	m->deputy_id = json_integer_value(json_object_get(row, "deputy_id"));
	m->state = json_string_value(json_object_get(row, "state"));
	m->version = (int)json_integer_value(json_object_get(row, "version"));
	m->acceptance_version = (int)json_integer_value(json_object_get(row, "acceptance_version"));
}

/* Begin a transaction and load employee id. */
static int emp_begin(const struct work_ctx *ctx, int64_t id, json_t **row, struct err *e)
{
	int rc = store_tx_begin(ctx->st, e);

	if (rc != 0)
		return rc;
	rc = store_emp_get(ctx->st, id, row, e);
	if (rc != 0)
		store_tx_rollback(ctx->st);
	return rc;
}

/* Write m back with config and acceptance as JSON values (NULL: SQL NULL). */
static int emp_store(const struct work_ctx *ctx, struct store_emp *m, const json_t *config,
		     const json_t *acceptance, struct err *e)
{
	char *c = json_dumps(config, JSON_COMPACT | JSON_SORT_KEYS);
	char *a = acceptance && !json_is_null(acceptance)
		      ? json_dumps(acceptance, JSON_COMPACT | JSON_SORT_KEYS)
		      : NULL;
	int rc;

	m->config = c;
	m->acceptance = a;
	m->now = work_now(ctx);
	rc = store_emp_update(ctx->st, m, e);
	free(c);
	free(a);
	m->config = m->acceptance = NULL;
	return rc;
}

int work_emp_update(const struct work_ctx *ctx, int64_t id, const json_t *spec, struct err *e)
{
	struct store_emp m;
	json_t *row = NULL, *config;
	char *config_text;
	const char *before;
	int rc;

	rc = emp_begin(ctx, id, &row, e);
	if (rc != 0)
		return rc;
	emp_from_row(row, &m);
	before = m.state;
	config = json_deep_copy(json_object_get(row, "config"));
	if (!json_is_object(config)) {
		json_decref(config);
		config = json_object();
	}
	if (strcmp(m.state, "retired") == 0)
		rc = err_set(e, BASE_E_CONFLICT, "已退役的数智员工不能修改");
	if (rc == 0)
		rc = emp_apply(ctx, spec, &m, config, e);
	if (rc == 0) {
		m.version++;
		if (strcmp(before, "active") == 0)
			m.state = "pending"; /* the acceptance was for the old version */
		rc = emp_store(ctx, &m, config, json_object_get(row, "acceptance"), e);
	}
	if (rc == 0) {
		config_text = json_dumps(config, JSON_COMPACT | JSON_SORT_KEYS);
		rc = store_emp_version_insert(ctx->st, id, m.version, config_text, ctx->actor,
					      work_now(ctx), e);
		free(config_text);
	}
	if (rc == 0)
		rc = emp_audit(ctx, "employee.update", id, &m,
			       json_pack("{s:O,s:s}", "config", config, "from_state", before), e);
	json_decref(config);
	rc = emp_finish(ctx, rc, e);
	json_decref(row);
	return rc;
}

bool work_emp_guards(const json_t *emp, int64_t user_id)
{
	return user_id > 0 && (json_integer_value(json_object_get(emp, "guardian_id")) == user_id ||
			       json_integer_value(json_object_get(emp, "deputy_id")) == user_id);
}

static bool emp_is_admin(const struct store_user *who)
{
	return strcmp(who->role, "admin") == 0;
}

int work_emp_submit(const struct work_ctx *ctx, int64_t id, const struct store_user *who,
		    const json_t *acceptance, struct err *e)
{
	struct store_emp m;
	json_t *row = NULL;
	json_t *passed = json_object_get(acceptance, "passed");
	int rc;

	if (!json_is_object(acceptance) || !json_is_boolean(passed))
		return err_set(e, BASE_E_USAGE, "上岗考核结果无效");
	rc = emp_begin(ctx, id, &row, e);
	if (rc != 0)
		return rc;
	emp_from_row(row, &m);
	if (!emp_is_admin(who) && !work_emp_guards(row, who->id))
		rc = err_set(e, BASE_E_AUTH, "只有管理员或该员工的监护人可以提交上岗考核");
	else if (strcmp(m.state, "draft") != 0 && strcmp(m.state, "pending") != 0)
		rc = err_set(e, BASE_E_CONFLICT,
			     "只有草稿或待上岗的数智员工可以提交上岗考核（当前：%s）",
			     work_emp_state_zh(m.state));
	if (rc == 0) {
		m.state = "pending";
		m.acceptance_version = m.version;
		rc = emp_store(ctx, &m, json_object_get(row, "config"), acceptance, e);
	}
	if (rc == 0)
		rc = emp_audit(
		    ctx, "employee.submit", id, &m,
		    json_pack("{s:O,s:I}", "passed", passed, "cases",
			      (json_int_t)json_array_size(json_object_get(acceptance, "results"))),
		    e);
	rc = emp_finish(ctx, rc, e);
	json_decref(row);
	return rc;
}

/* Whether who may take action on row, and the state it needs; a message
 * in e when not. */
static int emp_may(const json_t *row, const struct store_user *who, const char *action,
		   const char **from, const char **to, struct err *e)
{
	bool guards = work_emp_guards(row, who->id);
	const char *state = json_string_value(json_object_get(row, "state"));

	if (strcmp(action, "approve") == 0) {
		*from = "pending";
		*to = "active";
		if (!guards)
			return err_set(e, BASE_E_AUTH,
				       "只有该员工的监护人（或副监护人）可以批准上岗");
	} else if (strcmp(action, "pause") == 0) {
		*from = "active";
		*to = "paused";
		if (!guards && !emp_is_admin(who))
			return err_set(e, BASE_E_AUTH, "只有监护人或管理员可以暂停数智员工");
	} else if (strcmp(action, "resume") == 0) {
		*from = "paused";
		*to = "active";
		if (!guards)
			return err_set(e, BASE_E_AUTH,
				       "只有该员工的监护人（或副监护人）可以恢复上岗");
	} else if (strcmp(action, "retire") == 0) {
		*from = NULL;
		*to = "retired";
		if (!emp_is_admin(who))
			return err_set(e, BASE_E_AUTH, "只有管理员可以让数智员工退役");
		if (strcmp(state, "retired") == 0)
			return err_set(e, BASE_E_CONFLICT, "该数智员工已退役");
		return 0;
	} else {
		return err_set(e, BASE_E_USAGE, "未知操作“%s”", action);
	}
	if (strcmp(state, *from) != 0)
		return err_set(e, BASE_E_CONFLICT, "当前状态为“%s”，不能执行此操作",
			       work_emp_state_zh(state));
	return 0;
}

int work_emp_transition(const struct work_ctx *ctx, int64_t id, const struct store_user *who,
			const char *action, const char *reason, size_t *cancelled, struct err *e)
{
	struct store_emp m;
	json_t *row = NULL, *acc;
	const char *from = NULL, *to = NULL;
	char actname[32];
	size_t n = 0;
	int rc;

	if (reason != NULL && emp_text_chars(reason, true) > WORK_TASK_REASON_MAX)
		return err_set(e, BASE_E_USAGE, "原因不能超过 %d 个字符，且须为有效文本",
			       WORK_TASK_REASON_MAX);
	if (strcmp(action, "pause") == 0 && (reason == NULL || reason[0] == '\0'))
		return err_set(e, BASE_E_USAGE, "暂停需要说明原因");
	rc = emp_begin(ctx, id, &row, e);
	if (rc != 0)
		return rc;
	emp_from_row(row, &m);
	rc = emp_may(row, who, action, &from, &to, e);
	acc = json_object_get(row, "acceptance");
	if (rc == 0 && strcmp(action, "approve") == 0 &&
	    (m.acceptance_version != m.version || !json_is_true(json_object_get(acc, "passed"))))
		rc =
		    err_set(e, BASE_E_CONFLICT, "当前版本的上岗考核未通过或尚未进行，不能批准上岗");
	if (rc == 0 && (strcmp(to, "paused") == 0 || strcmp(to, "retired") == 0))
		rc = store_task_cancel_running(ctx->st, id, work_now(ctx), &n, e);
	if (rc == 0) {
		m.state = to;
		rc = emp_store(ctx, &m, json_object_get(row, "config"), acc, e);
	}
	snprintf(actname, sizeof(actname), "employee.%s", action);
	if (rc == 0)
		rc = emp_audit(ctx, actname, id, &m,
			       json_pack("{s:s,s:s,s:I}", "from_state",
					 json_string_value(json_object_get(row, "state")), "reason",
					 reason ? reason : "", "cancelled_tasks", (json_int_t)n),
			       e);
	rc = emp_finish(ctx, rc, e);
	json_decref(row);
	if (rc == 0 && cancelled != NULL)
		*cancelled = n;
	return rc;
}
