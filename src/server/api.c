/*
 * server/api: the route table and the JSON handlers. Every state change
 * goes through work/ (which writes its audit entry in the same
 * transaction); reads go to store/ directly.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "server/server_internal.h"
#include "work/audit.h"
#include "work/users.h"

#define A  SERVER_ROLE_ADMIN
#define U  SERVER_ROLE_ANY_USER
#define P  SERVER_ROLE_PUBLIC
#define G  SERVER_ROLE_GUARDIAN
#define AU SERVER_ROLE_AUDITOR
#define S  SERVER_ROLE_STAFF

static const struct server_route api_routes[] = {
    {"GET", "/healthz", P, server_api_healthz, "健康检查", 0},
    {"POST", "/api/login", P, server_auth_login, "登录，返回会话 Cookie 与 CSRF 令牌", 0},
    {"POST", "/api/logout", U, server_auth_logout, "退出登录", 0},
    {"GET", "/api/me", U, server_auth_me, "当前用户与 CSRF 令牌", 0},
    {"GET", "/api/departments", U, server_api_depts_list, "部门列表", 0},
    {"POST", "/api/departments", A, server_api_depts_add, "新增部门", 0},
    {"GET", "/api/users", A, server_api_users_list, "用户列表", 0},
    {"POST", "/api/users", A, server_api_users_add, "新增用户", 0},
    {"POST", "/api/users/{id}/disable", A, server_api_users_disable, "停用用户", 0},
    {"GET", "/api/audit", A | SERVER_ROLE_AUDITOR, server_api_audit_list, "审计日志查询", 0},
    {"GET", "/api/audit.csv", A | SERVER_ROLE_AUDITOR, server_api_audit_csv, "审计日志导出 CSV", 0},
    {"GET", "/api/audit/verify", A | SERVER_ROLE_AUDITOR, server_api_audit_verify, "校验审计哈希链",
     0},
    {"GET", "/api/tokens", U, server_api_tokens_list, "本人的 API 令牌（管理员：全部）", 0},
    {"POST", "/api/tokens", U, server_api_tokens_add, "创建 API 令牌（只显示一次）", 0},
    {"POST", "/api/tokens/{id}/revoke", U, server_api_tokens_revoke,
     "撤销 API 令牌（本人的；管理员：任何人的）", 0},
    {"GET", "/api/scenarios", U, server_api_scenarios, "场景目录", 0},
    {"POST", "/api/gongwen/check", A | G | S, server_api_gongwen_check,
     "公文格式校对（上传 .docx/.txt，按 GB/T 9704-2012 检查）", SERVER_ROUTE_UPLOAD},
    {"POST", "/api/gongwen/fix", A | G | S, server_api_gongwen_fix,
     "公文自动修正（上传 .docx/.txt，返回修正后的文件，其余问题为批注）", SERVER_ROUTE_UPLOAD},
    {"GET", "/api/employees", U, server_api_employees_list, "数智员工列表", 0},
    {"POST", "/api/employees", A, server_api_employees_add, "新建数智员工（草稿）", 0},
    {"GET", "/api/employees/{id}", U, server_api_employee_get, "数智员工详情与版本", 0},
    {"POST", "/api/employees/{id}", A, server_api_employee_update, "修改数智员工（生成新版本）", 0},
    {"POST", "/api/employees/{id}/submit", A | G, server_api_employee_submit,
     "运行上岗考核并提交审批", 0},
    {"POST", "/api/employees/{id}/approve", G, server_api_employee_approve, "监护人批准上岗", 0},
    {"POST", "/api/employees/{id}/pause", A | G, server_api_employee_pause,
     "暂停（刹车），停止其进行中的任务", 0},
    {"POST", "/api/employees/{id}/resume", G, server_api_employee_resume, "监护人恢复上岗", 0},
    {"POST", "/api/employees/{id}/retire", A, server_api_employee_retire, "退役", 0},
    {"GET", "/api/tasks", U, server_api_tasks_list,
     "任务列表（mine 本人 / queue 审核队列 / all 全部）", 0},
    {"POST", "/api/tasks", A | G | S, server_api_tasks_add, "请数智员工执行场景任务", 0},
    {"GET", "/api/tasks/{id}", U, server_api_task_get, "任务详情（相关人员可见）", 0},
    {"POST", "/api/tasks/{id}/edit", G, server_api_task_edit, "监护人修改草稿", 0},
    {"POST", "/api/tasks/{id}/decide", G, server_api_task_decide, "监护人审核：通过、驳回或退回",
     0},
    {"GET", "/api/tasks/{id}/export", U, server_api_task_export, "导出审核通过的结果（记录审核人）",
     0},
    {"GET", "/api/tasks/{id}/provenance", U, server_api_task_provenance, "任务全过程记录", 0},
    {"POST", "/api/task-files", A | G | S, server_api_task_files_add,
     "上传任务附件（.txt/.docx，如询问笔录），返回附件编号", SERVER_ROUTE_UPLOAD},
    {"GET", "/api/task-files/{id}", U, server_api_task_file_get,
     "下载任务附件（审计员看到隐去个人信息的文本）", 0},
    {"GET", "/api/notifications", U, server_api_notifications, "我的通知", 0},
    {"POST", "/api/notifications/{id}/read", U, server_api_notification_read, "标记通知已读", 0},
    {"GET", "/api/metrics", A | G | AU, server_api_metrics, "成效统计", 0},
    {"GET", "/api/metrics.csv", A | G | AU, server_api_metrics_csv, "成效统计导出 CSV", 0},
    {"POST", "/api/chat", U, server_api_chat,
     "与模型对话（SSE：queued/reasoning/delta/done/error）", 0},
    {"GET", "/api/portal/search", P, server_api_portal_search,
     "政策问答检索：摘录式回答在上、原文结果在下（公开知识库；登录后含内部知识库）", 0},
    {"GET", "/api/enterprise/access", A, server_api_ent_access_get, "企业数据的授权角色", 0},
    {"POST", "/api/enterprise/access", A, server_api_ent_access_set,
     "设置可查看企业数据的角色（记入审计）", 0},
    {"GET", "/api/enterprise/chains", U, server_api_ent_chains_get,
     "产业链节点及其行业代码（限授权角色）", 0},
    {"POST", "/api/enterprise/chains", A, server_api_ent_chains_set, "设置产业链节点（记入审计）",
     0},
    {"GET", "/api/enterprise/rules", U, server_api_ent_rules_get,
     "预警规则：各规则的当前阈值、等级、启用状态及默认值（限授权角色）", 0},
    {"PUT", "/api/enterprise/rules", A, server_api_ent_rules_set,
     "设置预警规则（阈值、等级、启用；reset 恢复默认；记入审计）", 0},
    {"GET", "/api/enterprise/lists", U, server_api_ent_lists,
     "已保存的招商名单（本人的、本部门共享的；管理员可见全部）", 0},
    {"POST", "/api/enterprise/lists", U, server_api_ent_list_save,
     "按筛选条件保存招商名单（记入审计）", 0},
    {"GET", "/api/enterprise/lists/{id}", U, server_api_ent_list_get,
     "打开已保存的招商名单（保存时的结果）", 0},
    {"GET", "/api/enterprise/lists/{id}/export", U, server_api_ent_list_export,
     "导出招商名单 CSV/.xlsx（记入审计）", 0},
    {"POST", "/api/enterprise/lists/{id}/refresh", U, server_api_ent_list_refresh,
     "按保存的条件重新筛选名单，列出新增与移出的企业（save: 更新名单；记入审计）", 0},
    {"DELETE", "/api/enterprise/lists/{id}", U, server_api_ent_list_delete,
     "删除招商名单（创建者或管理员；记入审计）", 0},
    {"GET", "/api/enterprises", U, server_api_ent_search,
     "按名称或统一社会信用代码检索企业（限授权角色，分页）", 0},
    {"GET", "/api/enterprises/{id}", U, server_api_ent_profile,
     "企业画像：登记信息、指标序列、评分表、预警及证据、信用评级（每次查看记入审计）", 0},
    {"GET", "/api/enterprises/{id}/report.docx", U, server_api_ent_report,
     "企业画像报告 .docx（记入审计；配置模型时分析由模型撰写，写完才返回）", 0},
    {"GET", "/api/enterprise/warnings", U, server_api_ent_warnings,
     "预警动态：最近一次导入新增与解除的预警（可按等级筛选）", 0},
    {"POST", "/api/enterprise/screen", U, server_api_ent_screen,
     "招商筛选：按行业/产业链、地区、规模、成长、评分、资质筛选并排序，可导出 CSV/.xlsx", 0},
    {"POST", "/api/slides/outline", A | G | S, server_api_slides_outline,
     "演示文稿：上传 .txt/.md/.docx，提取大纲（规则，无模型）", SERVER_ROUTE_UPLOAD},
    {"POST", "/api/slides/outline-text", A | G | S, server_api_slides_outline_text,
     "演示文稿：粘贴文本生成大纲（use_model 且已配置模型时 SSE：queued/delta/done）", 0},
    {"POST", "/api/slides/preview", A | G | S, server_api_slides_preview,
     "演示文稿：大纲预览（版式、拆页、页数、错误行）", 0},
    {"POST", "/api/slides/render", A | G | S, server_api_slides_render,
     "演示文稿：按大纲与模板生成 .pptx（下载）", 0},
    {"GET", "/api/slides/templates", A | G | S, server_api_slides_templates,
     "演示文稿：模板列表与配色", 0},
    {"GET", "/api/portal/answer", P, server_api_portal_answer,
     "政策问答回答（SSE：delta/extractive/done；模型不可用时为摘录式回答）", 0},
    {"GET", "/api/kb", U, server_api_kb_list, "可见的知识库", 0},
    {"POST", "/api/kb", A | G, server_api_kb_create, "新建知识库（监护人：本部门的）", 0},
    {"GET", "/api/kb/{id}/docs", U, server_api_kb_docs, "知识库的文档与元数据", 0},
    {"POST", "/api/kb/{id}/upload", A | G | S, server_api_kb_upload,
     "上传文档入库（.md/.txt/.docx/.html/.pdf；本部门的知识库；PDF、大文件或 ?async=1 时 202 "
     "返回任务）",
     SERVER_ROUTE_UPLOAD},
    {"POST", "/api/kb/{id}/reindex", A | G, server_api_kb_reindex,
     "重建知识库索引（202：后台任务，返回任务；同一知识库已在重建时 409）", 0},
    {"GET", "/api/kb/{id}/jobs", U, server_api_kb_jobs_list,
     "知识库的入库与重建索引任务（进行中的与最近完成的）", 0},
    {"GET", "/api/kb/jobs/{id}", U, server_api_kb_job_get,
     "任务状态：queued/running/done/failed、进度（文件、分块）、失败原因", 0},
    {"POST", "/api/kb/{id}/delete", A | G, server_api_kb_delete, "删除知识库", 0},
    {"POST", "/api/kb/docs/{id}/delete", A | G, server_api_kb_doc_delete, "从知识库删除文档", 0},
    {"GET", "/api/settings", A | AU, server_api_settings_get,
     "系统设置：各项的值、来源（配置文件/数据库/默认）与默认值；API 密钥只显示是否已设置", 0},
    {"PUT", "/api/settings", A, server_api_settings_put,
     "修改系统设置（即时生效，记入审计，密钥记为 ***）", 0},
    {"POST", "/api/model/test", A, server_api_model_test,
     "测试模型连接：可达、模型列表、简短对话、推理内容，逐步诊断（可带未保存的设置）", 0},
    {"GET", "/*", P, server_static, "网页与静态文件", 0},
};

#undef A
#undef U
#undef P
#undef G
#undef AU
#undef S

const struct server_route *server_routes(size_t *n)
{
	*n = ARRAY_LEN(api_routes);
	return api_routes;
}

void server_api_healthz(struct server_req *r)
{
	struct err e = {0};
	int version;

	if (store_schema_version(server_store(r), &version, &e) != 0) {
		server_reply_error(r, 503, "busy", "数据库不可用");
		return;
	}
	server_reply_json(r, 200, json_pack("{s:s,s:i}", "status", "ok", "schema", version));
}

/* ---- departments ---- */

static int api_dept_cb(const struct store_dept *d, void *arg)
{
	json_array_append_new(arg, json_pack("{s:I,s:I,s:s,s:I}", "id", (json_int_t)d->id,
					     "parent_id", (json_int_t)d->parent_id, "name", d->name,
					     "created_at", (json_int_t)d->created_at));
	return 0;
}

void server_api_depts_list(struct server_req *r)
{
	json_t *list = json_array();
	struct err e = {0};

	if (store_dept_iter(server_store(r), api_dept_cb, list, &e) != 0) {
		json_decref(list);
		server_reply_err(r, &e);
		return;
	}
	server_reply_json(r, 200, json_pack("{s:o}", "departments", list));
}

/* The "上级/下级" path of department id, which work/ resolves unambiguously. */
static int api_dept_path(struct server_req *r, int64_t id, char *out, size_t cap, struct err *e)
{
	struct store_dept chain[16];
	size_t n = 0;
	size_t o = 0;

	while (id > 0) {
		if (n == ARRAY_LEN(chain))
			return err_set(e, BASE_E_LIMIT, "部门层级过深");
		if (store_dept_get(server_store(r), id, &chain[n], e) != 0)
			return e->code;
		id = chain[n++].parent_id;
	}
	out[0] = '\0';
	while (n > 0) {
		int w = snprintf(out + o, cap - o, "%s%s", o ? "/" : "", chain[--n].name);

		if (w < 0 || (size_t)w >= cap - o)
			return err_set(e, BASE_E_LIMIT, "部门路径过长");
		o += (size_t)w;
	}
	return 0;
}

/* A department named by "<key>_id" (an integer) or "<key>" (name or path):
 * *out NULL when neither is given. */
static int api_dept_arg(struct server_req *r, json_t *body, const char *key, char *buf, size_t cap,
			const char **out, struct err *e)
{
	char idkey[32];
	json_t *idv;
	json_t *sv = json_object_get(body, key);

	snprintf(idkey, sizeof(idkey), "%s_id", key);
	idv = json_object_get(body, idkey);
	*out = NULL;
	if (idv != NULL && !json_is_null(idv)) {
		if (!json_is_integer(idv) || json_integer_value(idv) < 0)
			return err_set(e, BASE_E_USAGE, "%s 必须是部门编号", idkey);
		if (json_integer_value(idv) == 0)
			return 0;
		if (api_dept_path(r, json_integer_value(idv), buf, cap, e) != 0)
			return e->code;
		*out = buf;
		return 0;
	}
	if (sv != NULL && !json_is_null(sv)) {
		if (!json_is_string(sv))
			return err_set(e, BASE_E_USAGE, "%s 必须是部门名称", key);
		if (json_string_length(sv) > 0)
			*out = json_string_value(sv);
	}
	return 0;
}

void server_api_depts_add(struct server_req *r)
{
	json_t *body = server_body_json(r);
	const char *name, *parent;
	char path[2048];
	int64_t id = 0;
	struct err e = {0};

	if (body == NULL)
		return;
	name = json_string_value(json_object_get(body, "name"));
	if (name == NULL)
		err_set(&e, BASE_E_USAGE, "请填写部门名称");
	else if (api_dept_arg(r, body, "parent", path, sizeof(path), &parent, &e) == 0)
		work_dept_add(&r->ctx, name, parent, &id, &e);
	json_decref(body);
	if (e.code != 0) {
		server_reply_err(r, &e);
		return;
	}
	server_reply_json(r, 201, json_pack("{s:I}", "id", (json_int_t)id));
}

/* ---- users ---- */

struct api_users {
	struct server_req *r;
	json_t *list;
};

static int api_user_cb(const struct store_user *u, void *arg)
{
	struct api_users *a = arg;

	json_array_append_new(a->list, server_user_json(a->r, u));
	return 0;
}

void server_api_users_list(struct server_req *r)
{
	struct api_users a = {r, json_array()};
	struct err e = {0};

	if (store_user_iter(server_store(r), api_user_cb, &a, &e) != 0) {
		json_decref(a.list);
		server_reply_err(r, &e);
		return;
	}
	server_reply_json(r, 200, json_pack("{s:o}", "users", a.list));
}

/* A new user whose password is hashed on the worker pool. */
struct api_user_job {
	struct server_req *r;
	json_t *body; /* owns the strings nu points into */
	struct work_user_new nu;
	char path[2048];
	char *pw;
	size_t pwlen;
	char hash[STORE_PWHASH_MAX + 1];
	struct err e;
};

static void api_user_job_free(struct api_user_job *j)
{
	if (j->pw != NULL) {
		sodium_memzero(j->pw, j->pwlen);
		free(j->pw);
	}
	sodium_memzero(j->hash, sizeof(j->hash));
	json_decref(j->body);
	free(j);
}

static void api_user_hash(void *arg)
{
	struct api_user_job *j = arg;

	work_password_hash(j->pw, j->pwlen, j->hash, &j->e);
}

static void api_user_hashed(void *arg)
{
	struct api_user_job *j = arg;
	struct server_req *r = j->r;
	int64_t id = 0;

	if (j->e.code == 0)
		work_user_add_hashed(&r->ctx, &j->nu, j->hash, &id, &j->e);
	if (j->e.code != 0)
		server_reply_err(r, &j->e);
	else
		server_reply_json(r, 201, json_pack("{s:I}", "id", (json_int_t)id));
	api_user_job_free(j);
	server_req_end(r);
}

void server_api_users_add(struct server_req *r)
{
	json_t *body = server_body_json(r);
	struct api_user_job *j;
	const char *pw;

	if (body == NULL)
		return;
	j = xcalloc(1, sizeof(*j));
	j->r = r;
	j->body = body;
	j->nu.username = json_string_value(json_object_get(body, "username"));
	j->nu.display_name = json_string_value(json_object_get(body, "display_name"));
	j->nu.role = json_string_value(json_object_get(body, "role"));
	pw = json_string_value(json_object_get(body, "password"));
	if (j->nu.display_name != NULL && j->nu.display_name[0] == '\0')
		j->nu.display_name = NULL;
	if (j->nu.username == NULL || j->nu.role == NULL || pw == NULL)
		err_set(&j->e, BASE_E_USAGE, "请填写用户名、角色和初始密码");
	else if (api_dept_arg(r, body, "department", j->path, sizeof(j->path), &j->nu.dept,
			      &j->e) == 0)
		work_user_add_check(&j->nu, pw, strlen(pw), &j->e);
	if (j->e.code != 0) {
		server_reply_err(r, &j->e);
		api_user_job_free(j);
		return;
	}
	j->pwlen = strlen(pw);
	j->pw = xstrdup(pw);
	/* argon2id: tens of ms of CPU, not on the loop */
	if (server_work_submit(r, api_user_hash, api_user_hashed, j) != 0)
		api_user_job_free(j);
}

void server_api_users_disable(struct server_req *r)
{
	struct store_user u;
	struct err e = {0};
	size_t ended = 0;

	if (store_user_get_id(server_store(r), r->id, &u, &e) != 0) {
		server_reply_err(r, &e);
		return;
	}
	if (u.id == r->user.id) {
		server_reply_error(r, 409, "conflict", "不能停用自己的账号");
		return;
	}
	if (work_user_set_disabled(&r->ctx, u.username, true, &e) != 0 ||
	    store_session_delete_user(server_store(r), u.id, &ended, &e) != 0) {
		server_reply_err(r, &e);
		return;
	}
	server_reply_json(r, 200,
			  json_pack("{s:b,s:I}", "ok", 1, "sessions_ended", (json_int_t)ended));
}

/* ---- audit ---- */

/* A time bound: Unix ms, or YYYY-MM-DD (local midnight). 0 when absent. */
static int api_time_arg(const char *s, const char *name, int64_t *out, struct err *e)
{
	char *end = NULL;
	long long v;
	struct tm tm = {0};

	*out = 0;
	if (s == NULL || s[0] == '\0')
		return 0;
	if (strlen(s) == 10 && s[4] == '-' && s[7] == '-') {
		v = strtoll(s, &end, 10);
		tm.tm_year = (int)v - 1900;
		tm.tm_mon = (int)strtol(s + 5, &end, 10) - 1;
		tm.tm_mday = (int)strtol(s + 8, &end, 10);
		tm.tm_isdst = -1;
		if (*end != '\0' || v < 1970 || v > 9999 || tm.tm_mon < 0 || tm.tm_mon > 11 ||
		    tm.tm_mday < 1 || tm.tm_mday > 31)
			return err_set(e, BASE_E_USAGE, "%s 不是有效日期（YYYY-MM-DD）", name);
		*out = (int64_t)mktime(&tm) * 1000;
		return 0;
	}
	v = strtoll(s, &end, 10);
	if (*end != '\0' || v < 0)
		return err_set(e, BASE_E_USAGE, "%s 应为日期（YYYY-MM-DD）或毫秒时间戳", name);
	*out = v;
	return 0;
}

static int api_audit_filter(struct server_req *r, struct store_audit_filter *f, size_t def_limit,
			    size_t max_limit, struct err *e)
{
	const char *limit = server_query(r, "limit");
	char *end = NULL;
	long long n;

	memset(f, 0, sizeof(*f));
	f->user = server_query(r, "user");
	f->action = server_query(r, "action");
	if (f->user != NULL && f->user[0] == '\0')
		f->user = NULL;
	if (f->action != NULL && f->action[0] == '\0')
		f->action = NULL;
	f->newest_first = true;
	f->limit = def_limit;
	if (api_time_arg(server_query(r, "since"), "since", &f->since, e) != 0 ||
	    api_time_arg(server_query(r, "until"), "until", &f->until, e) != 0)
		return e->code;
	if (limit != NULL) {
		n = strtoll(limit, &end, 10);
		if (*end != '\0' || n < 1 || (size_t)n > max_limit)
			return err_set(e, BASE_E_USAGE, "limit 应为 1–%zu", max_limit);
		f->limit = (size_t)n;
	}
	return 0;
}

static int api_audit_json_cb(const struct store_audit *a, void *arg)
{
	json_t *detail = json_loads(a->detail, 0, NULL);

	json_array_append_new(
	    arg, json_pack("{s:I,s:I,s:s,s:s,s:s,s:o,s:s}", "id", (json_int_t)a->id, "ts",
			   (json_int_t)a->ts, "actor", a->actor, "action", a->action, "target",
			   a->target, "detail", detail ? detail : json_object(), "hash", a->hash));
	return 0;
}

void server_api_audit_list(struct server_req *r)
{
	struct store_audit_filter f;
	struct err e = {0};
	json_t *list;

	if (api_audit_filter(r, &f, 200, SERVER_AUDIT_LIMIT_MAX, &e) != 0) {
		server_reply_err(r, &e);
		return;
	}
	list = json_array();
	if (store_audit_iter(server_store(r), &f, api_audit_json_cb, list, &e) != 0) {
		json_decref(list);
		server_reply_err(r, &e);
		return;
	}
	server_reply_json(r, 200, json_pack("{s:o}", "entries", list));
}

static int api_audit_csv_cb(const struct store_audit *a, void *arg)
{
	struct buf *b = arg;
	char when[40];
	time_t t = (time_t)(a->ts / 1000);
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL ||
	    strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm) == 0)
		when[0] = '\0';
	if (buf_addf(b, "%lld,%s,", (long long)a->id, when) != 0 ||
	    server_csv_field(b, a->actor) != 0 || buf_addc(b, ',') != 0 ||
	    server_csv_field(b, a->action) != 0 || buf_addc(b, ',') != 0 ||
	    server_csv_field(b, a->target) != 0 || buf_addc(b, ',') != 0 ||
	    server_csv_field(b, a->detail) != 0 || buf_addf(b, ",%s\r\n", a->hash) != 0)
		return BASE_E_LIMIT;
	return 0;
}

void server_api_audit_csv(struct server_req *r)
{
	struct store_audit_filter f;
	struct err e = {0};
	struct buf b;
	int rc;

	if (api_audit_filter(r, &f, SERVER_AUDIT_CSV_MAX_ROWS, SERVER_AUDIT_CSV_MAX_ROWS, &e) !=
	    0) {
		server_reply_err(r, &e);
		return;
	}
	buf_init(&b, 256u * 1024 * 1024);
	/* UTF-8 byte order mark: spreadsheet programs then read the Chinese right. */
	buf_adds(&b, "\xEF\xBB\xBFid,时间,操作者,操作,对象,详情,哈希\r\n");
	rc = store_audit_iter(server_store(r), &f, api_audit_csv_cb, &b, &e);
	if (rc != 0) {
		buf_free(&b);
		if (rc == BASE_E_LIMIT)
			err_set(&e, BASE_E_LIMIT, "导出内容过大，请缩小时间范围");
		server_reply_err(r, &e);
		return;
	}
	server_add_header(r, "Content-Disposition", "attachment; filename=\"audit.csv\"");
	server_reply_raw(r, 200, "text/csv; charset=utf-8", b.p, b.len);
	buf_free(&b);
}

void server_api_audit_verify(struct server_req *r)
{
	struct work_audit_report rep;
	struct err e = {0};

	if (work_audit_verify(server_store(r), &rep, &e) != 0) {
		server_reply_err(r, &e);
		return;
	}
	server_reply_json(
	    r, 200,
	    json_pack("{s:b,s:s,s:I,s:I,s:I,s:s,s:s}", "intact", rep.reason == WORK_AUDIT_INTACT,
		      "reason", work_audit_reason_key(rep.reason), "entries",
		      (json_int_t)rep.entries, "broken_id", (json_int_t)rep.broken_id, "head_id",
		      (json_int_t)rep.head_id, "head_hash", rep.head_hash, "message", rep.message));
}

/* ---- static files ---- */

void server_static(struct server_req *r)
{
	const struct server_asset *a = server_asset_find(r->path);
	const char *type;

	if (a == NULL) {
		server_reply_error(r, 404, "not_found", "页面不存在");
		return;
	}
	type = server_content_type(a->path);
	/* Pages are always revalidated so a new binary shows at once; their
	 * assets are small and change with the binary too. */
	server_add_header(r, "Cache-Control",
			  strncmp(type, "text/html", 9) == 0 ? "no-cache" : "public, max-age=300");
	if (strncmp(type, "text/html", 9) == 0)
		server_add_header(r, "Content-Security-Policy",
				  "default-src 'self'; script-src 'self'; style-src 'self'; "
				  "img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; "
				  "form-action 'self'");
	server_reply_raw(r, 200, type, a->data, a->len);
}
