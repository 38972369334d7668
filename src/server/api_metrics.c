/*
 * server/api_metrics: how an office proves its 效率提升 with its own numbers —
 * per employee, scenario and department: tasks, decisions, acceptance rate
 * (approved / decided), the mean edit distance between draft and approved
 * text, mean time from draft to decision, time saved (approved tasks × the
 * employee's minutes_saved, the office's own estimate) and the guardians'
 * workload. Guardians see their own employees; admins and auditors all.
 */
#include <stdio.h>
#include <string.h>

#include "server/server_internal.h"
#include "store/employee_store.h"

#define METRICS_MAX_TASKS 100000

struct metric {
	char name[128];
	long tasks, pending, approved, rejected, returned, failed;
	double edit_sum, decide_ms, minutes_saved;
	long decided;
};

struct metric_set {
	struct metric *v;
	size_t n, cap;
};

static struct metric *metric_of(struct metric_set *s, const char *name)
{
	if (name == NULL || name[0] == '\0')
		name = "（无）";
	for (size_t i = 0; i < s->n; i++) {
		if (strcmp(s->v[i].name, name) == 0)
			return &s->v[i];
	}
	s->v = xgrow(s->v, &s->cap, s->n + 1, sizeof(*s->v));
	memset(&s->v[s->n], 0, sizeof(s->v[0]));
	snprintf(s->v[s->n].name, sizeof(s->v[0].name), "%s", name);
	return &s->v[s->n++];
}

static void metric_add(struct metric *m, const json_t *t, double minutes)
{
	const char *state = json_string_value(json_object_get(t, "state"));
	int64_t drafted = json_integer_value(json_object_get(t, "drafted_at"));
	int64_t decided = json_integer_value(json_object_get(t, "decided_at"));

	m->tasks++;
	m->pending += strcmp(state, "draft") == 0;
	m->rejected += strcmp(state, "rejected") == 0;
	m->returned += strcmp(state, "returned") == 0;
	m->failed += strcmp(state, "failed") == 0 || strcmp(state, "cancelled") == 0;
	if (strcmp(state, "approved") == 0) {
		m->approved++;
		m->edit_sum += (double)json_integer_value(json_object_get(t, "edit_distance"));
		m->minutes_saved += minutes;
	}
	if ((strcmp(state, "approved") == 0 || strcmp(state, "rejected") == 0 ||
	     strcmp(state, "returned") == 0) &&
	    drafted > 0 && decided >= drafted) {
		m->decided++;
		m->decide_ms += (double)(decided - drafted);
	}
}

static json_t *metric_json(const struct metric_set *s)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < s->n; i++) {
		const struct metric *m = &s->v[i];
		long decided = m->approved + m->rejected + m->returned;

		json_array_append_new(
		    arr, json_pack("{s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:f,s:f,s:f,s:f}", "name", m->name,
				   "tasks", (json_int_t)m->tasks, "pending", (json_int_t)m->pending,
				   "approved", (json_int_t)m->approved, "rejected",
				   (json_int_t)m->rejected, "returned", (json_int_t)m->returned,
				   "failed", (json_int_t)m->failed, "acceptance_rate",
				   decided ? (double)m->approved / (double)decided : 0.0,
				   "mean_edit_distance",
				   m->approved ? m->edit_sum / (double)m->approved : 0.0,
				   "mean_decision_minutes",
				   m->decided ? m->decide_ms / (double)m->decided / 60000.0 : 0.0,
				   "hours_saved", m->minutes_saved / 60.0));
	}
	return arr;
}

/* Minutes saved per approved task of each employee id. */
static double metrics_minutes(const json_t *emps, int64_t emp_id)
{
	size_t i;
	json_t *v;

	json_array_foreach(emps, i, v)
	{
		if (json_integer_value(json_object_get(v, "id")) == emp_id)
			return (double)json_integer_value(
			    json_object_get(json_object_get(v, "config"), "minutes_saved"));
	}
	return 0;
}

static int metrics_compute(struct server_req *r, json_t **out, struct err *e)
{
	struct store_task_filter f = {.limit = METRICS_MAX_TASKS};
	struct metric_set by[4] = {{0}};
	static const char *const keys[] = {"by_employee", "by_scenario", "by_department",
					   "guardians"};
	json_t *tasks = NULL, *emps = NULL;
	size_t i;
	json_t *t;
	int rc;

	if (strcmp(r->user.role, "guardian") == 0)
		f.guardian_id = r->user.id;
	rc = store_task_list(server_store(r), &f, &tasks, e);
	if (rc == 0)
		rc = store_emp_list(server_store(r), &emps, e);
	if (rc != 0) {
		json_decref(tasks);
		return rc;
	}
	json_array_foreach(tasks, i, t)
	{
		double minutes =
		    metrics_minutes(emps, json_integer_value(json_object_get(t, "employee_id")));
		const char *decider = json_string_value(json_object_get(t, "decider"));

		metric_add(metric_of(&by[0], json_string_value(json_object_get(t, "employee"))), t,
			   minutes);
		metric_add(metric_of(&by[1], json_string_value(json_object_get(t, "scenario"))), t,
			   minutes);
		metric_add(metric_of(&by[2], json_string_value(json_object_get(t, "department"))),
			   t, minutes);
		if (decider != NULL)
			metric_add(metric_of(&by[3], decider), t, minutes);
	}
	*out = json_object();
	for (size_t k = 0; k < ARRAY_LEN(keys); k++) {
		json_object_set_new(*out, keys[k], metric_json(&by[k]));
		free(by[k].v);
	}
	json_object_set_new(*out, "tasks", json_integer((json_int_t)json_array_size(tasks)));
	json_decref(tasks);
	json_decref(emps);
	return 0;
}

void server_api_metrics(struct server_req *r)
{
	json_t *m = NULL;
	struct err e = {0};

	if (metrics_compute(r, &m, &e) != 0) {
		server_reply_err(r, &e);
		return;
	}
	server_reply_json(r, 200, m);
}

void server_api_metrics_csv(struct server_req *r)
{
	static const char *const keys[][2] = {{"by_employee", "数智员工"},
					      {"by_scenario", "场景"},
					      {"by_department", "部门"},
					      {"guardians", "监护人"}};
	json_t *m = NULL;
	struct err e = {0};
	struct buf b;
	size_t i;
	json_t *row;

	if (metrics_compute(r, &m, &e) != 0) {
		server_reply_err(r, &e);
		return;
	}
	buf_init(&b, 16u << 20);
	buf_adds(&b, "\xEF\xBB\xBF维度,名称,任务数,待审核,通过,驳回,退回,失败或取消,采纳率,"
		     "平均修改字数,平均审核用时（分钟）,节省时间（小时）\r\n");
	for (size_t k = 0; k < ARRAY_LEN(keys); k++) {
		json_array_foreach(json_object_get(m, keys[k][0]), i, row)
		{
			buf_addf(&b, "%s,", keys[k][1]);
			server_csv_field(&b, json_string_value(json_object_get(row, "name")));
			buf_addf(&b, ",%lld,%lld,%lld,%lld,%lld,%lld,%.3f,%.1f,%.1f,%.2f\r\n",
				 (long long)json_integer_value(json_object_get(row, "tasks")),
				 (long long)json_integer_value(json_object_get(row, "pending")),
				 (long long)json_integer_value(json_object_get(row, "approved")),
				 (long long)json_integer_value(json_object_get(row, "rejected")),
				 (long long)json_integer_value(json_object_get(row, "returned")),
				 (long long)json_integer_value(json_object_get(row, "failed")),
				 json_real_value(json_object_get(row, "acceptance_rate")),
				 json_real_value(json_object_get(row, "mean_edit_distance")),
				 json_real_value(json_object_get(row, "mean_decision_minutes")),
				 json_real_value(json_object_get(row, "hours_saved")));
		}
	}
	json_decref(m);
	server_add_header(r, "Content-Disposition", "attachment; filename=\"metrics.csv\"");
	server_reply_raw(r, 200, "text/csv; charset=utf-8", b.p, b.len);
	buf_free(&b);
}
