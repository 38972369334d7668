/*
 * server/api_employees: digital employees, their tasks, the guardian's
 * review queue, provenance, notifications and metrics over HTTP.
 *
 * Route roles are the first gate (api.c); the object checks here are the
 * second: a task is visible to its requester, the employee's guardian and
 * deputy, admins and auditors; only the guardian or deputy reviews; the
 * rules themselves (lifecycle, who decides) are in work/employees.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "doc/docx_write.h"
#include "enforce/enforce.h"
#include "privacy/privacy.h"
#include "run/runner.h"
#include "server/server_internal.h"
#include "slides/slides.h"
#include "store/employee_store.h"
#include "store/taskfile_store.h"
#include "work/employees.h"

static bool emp_role(struct server_req *r, const char *role)
{
	return strcmp(r->user.role, role) == 0;
}

/* Add the Chinese state names the pages show. */
static json_t *emp_decorate(json_t *emp)
{
	json_object_set_new(
	    emp, "state_zh",
	    json_string(work_emp_state_zh(json_string_value(json_object_get(emp, "state")))));
	return emp;
}

static json_t *emp_task_decorate(json_t *t)
{
	json_object_set_new(
	    t, "state_zh",
	    json_string(work_task_state_zh(json_string_value(json_object_get(t, "state")))));
	json_object_set_new(t, "text", json_string(work_task_text(t)));
	return t;
}

void server_api_scenarios(struct server_req *r)
{
	server_reply_json(r, 200, json_pack("{s:o}", "scenarios", run_catalog()));
}

void server_api_employees_list(struct server_req *r)
{
	json_t *list = NULL;
	struct err e = {0};
	size_t i;
	json_t *v;

	if (store_emp_list(server_store(r), &list, &e) != 0) {
		server_reply_err(r, &e);
		return;
	}
	json_array_foreach(list, i, v)
	{
		emp_decorate(v);
		json_object_set_new(v, "mine", json_boolean(work_emp_guards(v, r->user.id)));
	}
	server_reply_json(r, 200, json_pack("{s:o}", "employees", list));
}

void server_api_employees_add(struct server_req *r)
{
	json_t *body = server_body_json(r);
	struct err e = {0};
	int64_t id = 0;

	if (body == NULL)
		return;
	if (work_emp_create(&r->ctx, body, &id, &e) != 0) {
		json_decref(body);
		server_reply_err(r, &e);
		return;
	}
	json_decref(body);
	server_reply_json(r, 201, json_pack("{s:I}", "id", (json_int_t)id));
}

void server_api_employee_get(struct server_req *r)
{
	json_t *emp = NULL, *versions = NULL;
	struct err e = {0};

	if (store_emp_get(server_store(r), r->id, &emp, &e) != 0 ||
	    store_emp_versions(server_store(r), r->id, &versions, &e) != 0) {
		json_decref(emp);
		server_reply_err(r, &e);
		return;
	}
	emp_decorate(emp);
	json_object_set_new(emp, "mine", json_boolean(work_emp_guards(emp, r->user.id)));
	json_object_set_new(emp, "versions", versions);
	server_reply_json(r, 200, json_pack("{s:o}", "employee", emp));
}

void server_api_employee_update(struct server_req *r)
{
	json_t *body = server_body_json(r);
	struct err e = {0};

	if (body == NULL)
		return;
	if (work_emp_update(&r->ctx, r->id, body, &e) != 0) {
		json_decref(body);
		server_reply_err(r, &e);
		return;
	}
	json_decref(body);
	server_reply_json(r, 200, json_pack("{s:b}", "ok", 1));
}

/* 上岗考核: run every scenario's samples against this employee's
 * configuration, store the results with the version they were run on. */
void server_api_employee_submit(struct server_req *r)
{
	json_t *emp = NULL, *acc;
	struct err e = {0};

	if (store_emp_get(server_store(r), r->id, &emp, &e) != 0) {
		server_reply_err(r, &e);
		return;
	}
	acc = run_acceptance(json_object_get(json_object_get(emp, "config"), "scenarios"));
	json_decref(emp);
	if (work_emp_submit(&r->ctx, r->id, &r->user, acc, &e) != 0) {
		json_decref(acc);
		server_reply_err(r, &e);
		return;
	}
	server_reply_json(r, 200, json_pack("{s:o}", "acceptance", acc));
}

static void emp_transition(struct server_req *r, const char *action)
{
	json_t *body = NULL;
	const char *reason = NULL;
	size_t cancelled = 0;
	struct err e = {0};

	if (strcmp(action, "pause") == 0 || strcmp(action, "retire") == 0) {
		body = server_body_json(r);
		if (body == NULL)
			return;
		reason = json_string_value(json_object_get(body, "reason"));
	}
	if (work_emp_transition(&r->ctx, r->id, &r->user, action, reason, &cancelled, &e) != 0) {
		json_decref(body);
		server_reply_err(r, &e);
		return;
	}
	json_decref(body);
	/* the brake stops the model calls of its tasks at once */
	if (strcmp(action, "pause") == 0 || strcmp(action, "retire") == 0)
		server_task_model_abort(server_store(r), r->id,
					strcmp(action, "pause") == 0
					    ? "监护人暂停了该数智员工，模型请求已中止"
					    : "该数智员工已退役，模型请求已中止",
					r->actor);
	server_reply_json(
	    r, 200, json_pack("{s:b,s:I}", "ok", 1, "cancelled_tasks", (json_int_t)cancelled));
}

void server_api_employee_approve(struct server_req *r)
{
	emp_transition(r, "approve");
}

void server_api_employee_pause(struct server_req *r)
{
	emp_transition(r, "pause");
}

void server_api_employee_resume(struct server_req *r)
{
	emp_transition(r, "resume");
}

void server_api_employee_retire(struct server_req *r)
{
	emp_transition(r, "retire");
}

/* ---- tasks ---- */

/* Replace personal data in every string of v (recursively) by placeholders
 * (〔姓名1〕 …): the view of a task's inputs for those who do not need the
 * originals. A string that cannot be scanned is withheld. */
static void emp_mask(json_t *v)
{
	const char *key;
	json_t *item;
	size_t i;

	if (json_is_object(v)) {
		json_object_foreach(v, key, item)
		{
			if (json_is_string(item)) {
				struct privacy_map map = {0};
				struct err e = {0};
				char *masked = NULL;

				if (privacy_mask(json_string_value(item), json_string_length(item),
						 &map, &masked, &e) == 0)
					json_object_set_new(v, key, json_string(masked));
				else
					json_object_set_new(v, key, json_string("〔已隐藏〕"));
				free(masked);
				privacy_map_free(&map);
			} else {
				emp_mask(item);
			}
		}
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, item)
		{
			if (json_is_string(item)) {
				json_t *wrap = json_pack("{s:O}", "v", item);

				emp_mask(wrap);
				json_array_set(v, i, json_object_get(wrap, "v"));
				json_decref(wrap);
			} else {
				emp_mask(item);
			}
		}
	}
}

/* The requester and the reviewers see the original inputs; admins and
 * auditors see them masked. */
static bool emp_sees_originals(struct server_req *r, const json_t *t)
{
	return json_integer_value(json_object_get(t, "requester_id")) == r->user.id ||
	       work_emp_guards(t, r->user.id);
}

/* May r's user see task t? */
static bool emp_task_visible(struct server_req *r, const json_t *t)
{
	return emp_role(r, "admin") || emp_role(r, "auditor") || emp_sees_originals(r, t);
}

/* Load task r->id when visible; replies and returns NULL otherwise. */
static json_t *emp_task_load(struct server_req *r)
{
	json_t *t = NULL;
	struct err e = {0};

	if (store_task_get(server_store(r), r->id, &t, &e) != 0) {
		server_reply_err(r, &e);
		return NULL;
	}
	if (!emp_task_visible(r, t)) {
		json_decref(t);
		server_reply_error(r, 404, "not_found", "任务不存在");
		return NULL;
	}
	return t;
}

void server_api_tasks_list(struct server_req *r)
{
	struct store_task_filter f = {0};
	const char *scope = server_query(r, "scope");
	const char *state = server_query(r, "state");
	const char *emp = server_query(r, "employee");
	json_t *list = NULL;
	struct err e = {0};
	size_t i;
	json_t *v;
	char *end = NULL;

	if (scope == NULL)
		scope = emp_role(r, "guardian") ? "queue" : "mine";
	if (strcmp(scope, "queue") == 0) {
		f.guardian_id = r->user.id;
	} else if (strcmp(scope, "all") == 0) {
		if (!emp_role(r, "admin") && !emp_role(r, "auditor")) {
			server_reply_error(r, 403, "forbidden",
					   "只有管理员和审计员可以查看全部任务");
			return;
		}
	} else if (strcmp(scope, "mine") == 0) {
		f.requester_id = r->user.id;
	} else {
		server_reply_error(r, 400, "bad_request", "scope 应为 mine、queue 或 all");
		return;
	}
	if (state != NULL && state[0] != '\0')
		f.state = state;
	if (emp != NULL && emp[0] != '\0') {
		f.employee_id = strtoll(emp, &end, 10);
		if (*end != '\0' || f.employee_id <= 0) {
			server_reply_error(r, 400, "bad_request", "employee 应为员工编号");
			return;
		}
	}
	if (store_task_list(server_store(r), &f, &list, &e) != 0) {
		server_reply_err(r, &e);
		return;
	}
	json_array_foreach(list, i, v)
	{
		/* The list shows states and who, not contents. */
		emp_task_decorate(v);
		json_object_del(v, "result");
		json_object_del(v, "final_text");
		json_object_set_new(v, "text", json_null());
	}
	server_reply_json(r, 200, json_pack("{s:o,s:s}", "tasks", list, "scope", scope));
}

void server_api_tasks_add(struct server_req *r)
{
	json_t *body = server_body_json(r);
	json_t *inputs, *result = NULL, *entry, *attach = NULL;
	const char *scenario;
	json_int_t emp;
	int64_t id = 0;
	struct err e = {0}, e2 = {0};
	char why[300];
	int rc;

	if (body == NULL)
		return;
	scenario = json_string_value(json_object_get(body, "scenario"));
	emp = json_integer_value(json_object_get(body, "employee_id"));
	entry = run_describe(scenario);
	if (entry == NULL) {
		json_decref(body);
		server_reply_error(r, 400, "bad_request", "场景不存在");
		return;
	}
	if (strcmp(scenario, RUN_ENT_REPORT) ==
	    0) { /* the profile from the store: api_entreport.c */
		server_ent_report_task(r, body, entry);
		json_decref(entry);
		return;
	}
	if (server_task_files_resolve(r, entry, body, &attach) != 0) {
		json_decref(entry);
		json_decref(body);
		return;
	}
	inputs = json_object_get(body, "inputs");
	/* The deterministic path runs in the request; input the form refuses
	 * is the requester's to fix (400) and makes no task. */
	rc = run_scenario(scenario, inputs, &result, &e);
	if (rc == BASE_E_USAGE) {
		json_decref(attach);
		json_decref(entry);
		json_decref(body);
		server_reply_err(r, &e);
		return;
	}
	if (work_task_start_files(&r->ctx, &r->user, emp, scenario,
				  json_string_value(json_object_get(entry, "version")), inputs,
				  attach, &id, &e2) != 0) {
		json_decref(attach);
		json_decref(result);
		json_decref(entry);
		json_decref(body);
		server_reply_err(r, &e2);
		return;
	}
	json_decref(attach);
	json_decref(entry);
	if (rc != 0) {
		struct err e3 = {0};

		json_decref(body);
		work_task_failed(&r->ctx, id, e.msg, &e3);
		server_reply_json(r, 201,
				  json_pack("{s:I,s:s,s:s}", "id", (json_int_t)id, "state",
					    "failed", "message", e.msg));
		return;
	}
	server_task_enrich(r, emp, result);
	if (server_task_model_wanted(r, scenario)) {
		if (!server_task_quota_spent(r, emp, why, sizeof(why))) {
			/* The draft follows on the loop (生成中 until then). */
			bool running =
			    server_task_model_start(r, id, emp, scenario, inputs, result);

			json_decref(body);
			server_reply_json(r, 201,
					  json_pack("{s:I,s:s}", "id", (json_int_t)id, "state",
						    running ? "running" : "draft"));
			return;
		}
		{
			char note[400];

			snprintf(note, sizeof(note), "模型不可用，已使用规则生成：%s", why);
			json_object_set_new(result, "model_note", json_string(note));
		}
	}
	json_decref(body);
	if (work_task_drafted(&r->ctx, id, result, &e) != 0) {
		json_decref(result);
		server_reply_err(r, &e);
		return;
	}
	json_decref(result);
	server_reply_json(r, 201, json_pack("{s:I,s:s}", "id", (json_int_t)id, "state", "draft"));
}

/* The files attached to task id (name, size, digest; the text and the
 * bytes through /api/task-files/{id}). */
static json_t *emp_task_files(struct server_req *r, int64_t id)
{
	json_t *files = NULL;
	struct err e = {0};

	if (store_taskfile_list(server_store(r), id, &files, &e) != 0)
		return json_array();
	return files;
}

void server_api_task_get(struct server_req *r)
{
	json_t *t = emp_task_load(r);

	if (t == NULL)
		return;
	emp_task_decorate(t);
	/* Reasoning is for the audit record and the guardian, not for others. */
	if (!work_emp_guards(t, r->user.id) && !emp_role(r, "auditor"))
		json_object_del(json_object_get(t, "result"), "reasoning");
	if (!emp_sees_originals(r, t)) {
		emp_mask(json_object_get(t, "inputs"));
		json_object_set_new(t, "inputs_masked", json_true());
	}
	json_object_set_new(t, "can_review", json_boolean(work_emp_guards(t, r->user.id)));
	json_object_set_new(t, "files", emp_task_files(r, r->id));
	server_reply_json(r, 200, json_pack("{s:o}", "task", t));
}

void server_api_task_edit(struct server_req *r)
{
	json_t *body = server_body_json(r);
	struct err e = {0};

	if (body == NULL)
		return;
	if (work_task_edit(&r->ctx, r->id, &r->user,
			   json_string_value(json_object_get(body, "text")), &e) != 0) {
		json_decref(body);
		server_reply_err(r, &e);
		return;
	}
	json_decref(body);
	server_reply_json(r, 200, json_pack("{s:b}", "ok", 1));
}

void server_api_task_decide(struct server_req *r)
{
	json_t *body = server_body_json(r);
	struct err e = {0};

	if (body == NULL)
		return;
	if (work_task_decide(&r->ctx, r->id, &r->user,
			     json_string_value(json_object_get(body, "decision")),
			     json_string_value(json_object_get(body, "reason")), &e) != 0) {
		json_decref(body);
		server_reply_err(r, &e);
		return;
	}
	json_decref(body);
	server_reply_json(r, 200, json_pack("{s:b}", "ok", 1));
}

/* The approved text as a .docx on the GB/T 9704 page: one paragraph per
 * line (3号仿宋, first-line indent of two characters), then the approval
 * line. Written to a private temporary file, read back, removed. */
static int emp_export_docx(const char *text, const char *approval, char **data, size_t *len,
			   struct err *e)
{
	struct doc_dw_page pg;
	struct doc_dw_pfmt body = {.jc = "both", .first = 640, .set_ind = true, .line = 560};
	struct doc_dw_pfmt foot = {.jc = "right", .before = 240};
	struct doc_dw_rfmt rf = {.ea = "仿宋_GB2312", .sz = 32};
	struct doc_dw_rfmt small = {.ea = "仿宋_GB2312", .sz = 24};
	struct doc_dw *w;
	char path[] = "/tmp/shuzhi-export.XXXXXX";
	const char *p = text;
	int fd, rc;

	doc_dw_page_gongwen(&pg);
	w = doc_dw_new(&pg);
	while (*p != '\0') {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		char *line = xstrndup(p, n);

		doc_dw_para(w, &body, &rf, line);
		free(line);
		p += n + (nl ? 1 : 0);
	}
	doc_dw_para(w, &foot, &small, approval);
	fd = mkstemp(path);
	if (fd < 0) {
		doc_dw_free(w);
		return err_set(e, BASE_E_IO, "无法生成导出文件");
	}
	close(fd);
	rc = doc_dw_save(w, path, e);
	doc_dw_free(w);
	if (rc == 0)
		rc = base_read_file(path, 64u << 20, data, len, e);
	unlink(path);
	return rc;
}

/* The approved text as slides: the slides module's extractive outline of
 * the text (headings and sections become slides), the approval on the
 * title slide, the default template. */
static int emp_export_pptx(const char *text, const char *approval, char **data, size_t *len,
			   struct err *e)
{
	struct slides_outline *o = NULL;
	struct buf ol;
	int rc;

	buf_init(&ol, SLIDES_MAX_INPUT);
	rc = slides_extract(text, strlen(text), "txt", "任务结果", &ol, e);
	if (rc == 0)
		rc = slides_outline_parse(ol.p ? ol.p : "", ol.len, &o, e);
	buf_free(&ol);
	if (rc != 0)
		return rc;
	free(o->author);
	o->author = xstrdup(approval);
	rc = slides_render(o, slides_template_find(NULL), &(struct slides_render_opts){0}, data,
			   len, e);
	slides_outline_free(o);
	return rc;
}

void server_api_task_export(struct server_req *r)
{
	json_t *t = emp_task_load(r);
	const char *format = server_query(r, "format");
	struct buf b;
	struct err e = {0};
	char when[32], disp[96];
	char *docx = NULL; /* the .docx or .pptx bytes */
	size_t docx_len = 0;
	int kind, rc = 0;
	time_t secs;
	struct tm tm;

	if (t == NULL)
		return;
	if (format == NULL)
		format = "txt";
	if (strcmp(format, "txt") != 0 && strcmp(format, "docx") != 0 &&
	    strcmp(format, "pptx") != 0) {
		json_decref(t);
		server_reply_error(r, 400, "bad_request", "导出格式应为 txt、docx 或 pptx");
		return;
	}
	if (strcmp(json_string_value(json_object_get(t, "state")), "approved") != 0) {
		json_decref(t);
		server_reply_error(r, 409, "conflict",
				   "只有监护人审核通过的任务可以导出为正式结果");
		return;
	}
	secs = (time_t)(json_integer_value(json_object_get(t, "decided_at")) / 1000);
	if (localtime_r(&secs, &tm) == NULL ||
	    strftime(when, sizeof(when), "%Y-%m-%d %H:%M", &tm) == 0)
		when[0] = '\0';
	buf_init(&b, 8u << 20);
	buf_addf(&b, "由数智员工“%s”（第 %lld 版）起草，监护人 %s 于 %s 审核通过（任务 #%lld）。",
		 json_string_value(json_object_get(t, "employee")),
		 (long long)json_integer_value(json_object_get(t, "employee_version")),
		 json_string_value(json_object_get(t, "decider")), when, (long long)r->id);
	kind = run_enforce_kind(json_string_value(json_object_get(t, "scenario")));
	if (strcmp(format, "docx") == 0 &&
	    strcmp(json_string_value(json_object_get(t, "scenario")), RUN_ENT_REPORT) == 0)
		rc = server_ent_task_docx(t, b.p, &docx, &docx_len, &e);
	else if (strcmp(format, "docx") == 0 && kind >= 0)
		rc = enforce_draft_docx_text((enum enforce_kind)kind, work_task_text(t),
					     strlen(work_task_text(t)), b.p, &docx, &docx_len, &e);
	else if (strcmp(format, "docx") == 0)
		rc = emp_export_docx(work_task_text(t), b.p, &docx, &docx_len, &e);
	else if (strcmp(format, "pptx") == 0)
		rc = emp_export_pptx(work_task_text(t), b.p, &docx, &docx_len, &e);
	if (rc != 0) {
		buf_free(&b);
		json_decref(t);
		server_reply_err(r, &e);
		return;
	}
	if (work_task_exported(&r->ctx, r->id, &r->user, format, &e) != 0) {
		free(docx);
		buf_free(&b);
		json_decref(t);
		server_reply_err(r, &e);
		return;
	}
	snprintf(disp, sizeof(disp), "attachment; filename=\"task-%lld.%s\"", (long long)r->id,
		 format);
	server_add_header(r, "Content-Disposition", disp);
	if (docx != NULL) {
		server_reply_raw(
		    r, 200,
		    strcmp(format, "pptx") == 0
			? "application/"
			  "vnd.openxmlformats-officedocument.presentationml.presentation"
			: "application/"
			  "vnd.openxmlformats-officedocument.wordprocessingml.document",
		    docx, docx_len);
	} else {
		struct buf out;

		buf_init(&out, 8u << 20);
		buf_adds(&out, work_task_text(t));
		buf_addf(&out, "\n\n——\n%s\n", b.p);
		server_reply_raw(r, 200, "text/plain; charset=utf-8", out.p, out.len);
		buf_free(&out);
	}
	free(docx);
	buf_free(&b);
	json_decref(t);
}

void server_api_task_provenance(struct server_req *r)
{
	json_t *t = emp_task_load(r), *prov = NULL;
	struct err e = {0};
	bool originals, reasoning;

	if (t == NULL)
		return;
	originals = emp_sees_originals(r, t);
	reasoning = work_emp_guards(t, r->user.id) || emp_role(r, "auditor");
	json_decref(t);
	if (work_task_provenance(&r->ctx, r->id, &prov, &e) != 0) {
		server_reply_err(r, &e);
		return;
	}
	if (!originals) {
		size_t i;
		json_t *ev;

		emp_mask(json_object_get(json_object_get(prov, "task"), "inputs"));
		json_array_foreach(json_object_get(prov, "events"), i, ev)
		    emp_mask(json_object_get(json_object_get(ev, "detail"), "inputs"));
		json_object_set_new(prov, "inputs_masked", json_true());
	}
	if (!reasoning) { /* as for the task itself: the guardian's and the auditor's */
		size_t i, j;
		json_t *ev, *call;

		json_array_foreach(json_object_get(prov, "events"), i, ev)
		    json_array_foreach(json_object_get(json_object_get(ev, "detail"), "calls"), j,
				       call) json_object_set_new(call, "reasoning", json_null());
	}
	emp_task_decorate(json_object_get(prov, "task"));
	json_object_set_new(prov, "files", emp_task_files(r, r->id));
	server_reply_json(r, 200, prov);
}

/* ---- notifications ---- */

void server_api_notifications(struct server_req *r)
{
	json_t *list = NULL;
	struct err e = {0};

	if (store_notice_list(server_store(r), r->user.id, &list, &e) != 0) {
		server_reply_err(r, &e);
		return;
	}
	server_reply_json(r, 200, json_pack("{s:o}", "notifications", list));
}

void server_api_notification_read(struct server_req *r)
{
	struct err e = {0};

	if (store_notice_read(server_store(r), r->id, r->user.id, &e) != 0) {
		server_reply_err(r, &e);
		return;
	}
	server_reply_json(r, 200, json_pack("{s:b}", "ok", 1));
}
