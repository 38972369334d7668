/* store/sq_employees: SQLite side of employee_store.h. */
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "store/employee_store.h"
#include "store/store_internal.h"

static int emp_prepare(struct store *st, const char *sql, sqlite3_stmt **stmt, struct err *e)
{
	*stmt = NULL;
	if (store_sqlite_db(st) == NULL)
		return err_set(e, BASE_E_INTERNAL, "数智员工目前只支持 SQLite 存储");
	return store_sqlite_prepare(st, sql, stmt, e);
}

static void emp_text(sqlite3_stmt *stmt, int i, const char *v)
{
	if (v != NULL)
		sqlite3_bind_text(stmt, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(stmt, i);
}

static void emp_id(sqlite3_stmt *stmt, int i, int64_t v)
{
	if (v > 0)
		sqlite3_bind_int64(stmt, i, v);
	else
		sqlite3_bind_null(stmt, i);
}

/* Columns holding JSON text are returned parsed. */
static bool emp_json_column(const char *name)
{
	static const char *const cols[] = {"config", "acceptance", "inputs",
					   "result", "detail",	   "audit_detail"};

	for (size_t i = 0; i < ARRAY_LEN(cols); i++) {
		if (strcmp(name, cols[i]) == 0)
			return true;
	}
	return false;
}

static json_t *emp_row(sqlite3_stmt *stmt)
{
	json_t *o = json_object();
	int n = sqlite3_column_count(stmt);

	for (int i = 0; i < n; i++) {
		const char *name = sqlite3_column_name(stmt, i);
		json_t *v;

		switch (sqlite3_column_type(stmt, i)) {
		case SQLITE_INTEGER:
			v = json_integer(sqlite3_column_int64(stmt, i));
			break;
		case SQLITE_NULL:
			v = json_null();
			break;
		default: {
			const char *t = (const char *)sqlite3_column_text(stmt, i);
			size_t len = (size_t)sqlite3_column_bytes(stmt, i);

			v = NULL;
			if (emp_json_column(name))
				v = json_loadb(t, len, JSON_DECODE_ANY, NULL);
			if (v == NULL)
				v = json_stringn(t, len);
			if (v == NULL) /* not UTF-8: a file written by something else */
				v = json_null();
		}
		}
		json_object_set_new(o, name, v);
	}
	return o;
}

/*
 * Step stmt (finalized here). one: *out is the single row's object
 * (BASE_E_NOTFOUND with notfound_msg when there is none); else an array.
 */
static int emp_collect(struct store *st, sqlite3_stmt *stmt, bool one, const char *notfound_msg,
		       json_t **out, struct err *e)
{
	json_t *arr = json_array();
	int rc;

	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		json_array_append_new(arr, emp_row(stmt));
	if (rc != SQLITE_DONE) {
		rc = store_sqlite_fail(st, sqlite3_extended_errcode(sqlite3_db_handle(stmt)), NULL,
				       e);
		sqlite3_finalize(stmt);
		json_decref(arr);
		return rc;
	}
	sqlite3_finalize(stmt);
	if (!one) {
		*out = arr;
		return 0;
	}
	if (json_array_size(arr) == 0) {
		json_decref(arr);
		return err_set(e, BASE_E_NOTFOUND, "%s", notfound_msg);
	}
	*out = json_incref(json_array_get(arr, 0));
	json_decref(arr);
	return 0;
}

static void emp_bind(sqlite3_stmt *stmt, const struct store_emp *m)
{
	emp_text(stmt, 1, m->name);
	emp_id(stmt, 2, m->department_id);
	sqlite3_bind_int64(stmt, 3, m->guardian_id);
	emp_id(stmt, 4, m->deputy_id);
	emp_text(stmt, 5, m->state);
	sqlite3_bind_int(stmt, 6, m->version);
	emp_text(stmt, 7, m->config);
	emp_text(stmt, 8, m->acceptance);
	sqlite3_bind_int(stmt, 9, m->acceptance_version);
	sqlite3_bind_int64(stmt, 10, m->now);
}

int store_emp_insert(struct store *st, const struct store_emp *m, int64_t *id, struct err *e)
{
	sqlite3_stmt *stmt;
	int rc;

	rc =
	    emp_prepare(st,
			"INSERT INTO employees (name, department_id, guardian_id, deputy_id, state,"
			" version, config, acceptance, acceptance_version, created_at, updated_at)"
			" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)",
			&stmt, e);
	if (rc != 0)
		return rc;
	emp_bind(stmt, m);
	return store_sqlite_insert_step(st, stmt, NULL, NULL, "已有同名的数智员工", id, e);
}

int store_emp_update(struct store *st, const struct store_emp *m, struct err *e)
{
	sqlite3_stmt *stmt;
	int rc;

	rc = emp_prepare(st,
			 "UPDATE employees SET name = ?1, department_id = ?2, guardian_id = ?3,"
			 " deputy_id = ?4, state = ?5, version = ?6, config = ?7, acceptance = ?8,"
			 " acceptance_version = ?9, updated_at = ?10 WHERE id = ?11",
			 &stmt, e);
	if (rc != 0)
		return rc;
	emp_bind(stmt, m);
	sqlite3_bind_int64(stmt, 11, m->id);
	return store_sqlite_exec_stmt(st, stmt, "已有同名的数智员工", e);
}

#define EMP_COLS                                                                                   \
	"SELECT m.id, m.name, m.department_id, d.name AS department, m.guardian_id,"               \
	" g.username AS guardian, g.display_name AS guardian_name, m.deputy_id,"                   \
	" p.username AS deputy, m.state, m.version, m.config, m.acceptance,"                       \
	" m.acceptance_version, m.created_at, m.updated_at FROM employees m"                       \
	" LEFT JOIN departments d ON d.id = m.department_id"                                       \
	" LEFT JOIN users g ON g.id = m.guardian_id LEFT JOIN users p ON p.id = m.deputy_id"

int store_emp_get(struct store *st, int64_t id, json_t **out, struct err *e)
{
	sqlite3_stmt *stmt;
	int rc;

	rc = emp_prepare(st, EMP_COLS " WHERE m.id = ?1", &stmt, e);
	if (rc != 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, id);
	return emp_collect(st, stmt, true, "数智员工不存在", out, e);
}

int store_emp_list(struct store *st, json_t **out, struct err *e)
{
	sqlite3_stmt *stmt;
	int rc;

	rc = emp_prepare(st, EMP_COLS " ORDER BY m.id", &stmt, e);
	if (rc != 0)
		return rc;
	return emp_collect(st, stmt, false, NULL, out, e);
}

int store_emp_version_insert(struct store *st, int64_t emp_id, int version, const char *config,
			     const char *actor, int64_t now, struct err *e)
{
	sqlite3_stmt *stmt;
	int rc;

	rc = emp_prepare(st,
			 "INSERT INTO employee_versions (employee_id, version, config, actor,"
			 " created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
			 &stmt, e);
	if (rc != 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, emp_id);
	sqlite3_bind_int(stmt, 2, version);
	emp_text(stmt, 3, config);
	emp_text(stmt, 4, actor);
	sqlite3_bind_int64(stmt, 5, now);
	return store_sqlite_exec_stmt(st, stmt, "该版本已存在", e);
}

int store_emp_versions(struct store *st, int64_t emp_id, json_t **out, struct err *e)
{
	sqlite3_stmt *stmt;
	int rc;

	rc = emp_prepare(st,
			 "SELECT version, config, actor, created_at FROM employee_versions"
			 " WHERE employee_id = ?1 ORDER BY version",
			 &stmt, e);
	if (rc != 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, emp_id);
	return emp_collect(st, stmt, false, NULL, out, e);
}

static void task_bind(sqlite3_stmt *stmt, const struct store_task *t)
{
	sqlite3_bind_int64(stmt, 1, t->employee_id);
	sqlite3_bind_int(stmt, 2, t->employee_version);
	emp_text(stmt, 3, t->scenario);
	emp_text(stmt, 4, t->scenario_version);
	sqlite3_bind_int64(stmt, 5, t->requester_id);
	emp_id(stmt, 6, t->department_id);
	emp_text(stmt, 7, t->state);
	emp_text(stmt, 8, t->inputs);
	emp_text(stmt, 9, t->result);
	emp_text(stmt, 10, t->final_text);
	emp_text(stmt, 11, t->reason);
	emp_id(stmt, 12, t->decided_by);
	if (t->edit_distance >= 0)
		sqlite3_bind_int64(stmt, 13, t->edit_distance);
	else
		sqlite3_bind_null(stmt, 13);
	sqlite3_bind_int64(stmt, 14, t->created_at);
	sqlite3_bind_int64(stmt, 15, t->drafted_at);
	sqlite3_bind_int64(stmt, 16, t->decided_at);
}

int store_task_insert(struct store *st, const struct store_task *t, int64_t *id, struct err *e)
{
	sqlite3_stmt *stmt;
	int rc;

	rc = emp_prepare(
	    st,
	    "INSERT INTO tasks (employee_id, employee_version, scenario, scenario_version,"
	    " requester_id, department_id, state, inputs, result, final_text, reason,"
	    " decided_by, edit_distance, created_at, drafted_at, decided_at)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,"
	    " ?16)",
	    &stmt, e);
	if (rc != 0)
		return rc;
	task_bind(stmt, t);
	return store_sqlite_insert_step(st, stmt, NULL, NULL, NULL, id, e);
}

int store_task_update(struct store *st, const struct store_task *t, struct err *e)
{
	sqlite3_stmt *stmt;
	int rc;

	rc = emp_prepare(
	    st,
	    "UPDATE tasks SET employee_id = ?1, employee_version = ?2, scenario = ?3,"
	    " scenario_version = ?4, requester_id = ?5, department_id = ?6, state = ?7,"
	    " inputs = ?8, result = ?9, final_text = ?10, reason = ?11, decided_by = ?12,"
	    " edit_distance = ?13, created_at = ?14, drafted_at = ?15, decided_at = ?16"
	    " WHERE id = ?17",
	    &stmt, e);
	if (rc != 0)
		return rc;
	task_bind(stmt, t);
	sqlite3_bind_int64(stmt, 17, t->id);
	return store_sqlite_exec_stmt(st, stmt, NULL, e);
}

#define TASK_COLS                                                                                  \
	"SELECT t.id, t.employee_id, m.name AS employee, t.employee_version, t.scenario,"          \
	" t.scenario_version, t.requester_id, u.username AS requester,"                            \
	" u.display_name AS requester_name, t.department_id, d.name AS department, t.state,"       \
	" t.inputs, t.result, t.final_text, t.reason, t.decided_by, v.username AS decider,"        \
	" t.edit_distance, t.created_at, t.drafted_at, t.decided_at, m.guardian_id, m.deputy_id"   \
	" FROM tasks t JOIN employees m ON m.id = t.employee_id"                                   \
	" LEFT JOIN users u ON u.id = t.requester_id LEFT JOIN users v ON v.id = t.decided_by"     \
	" LEFT JOIN departments d ON d.id = t.department_id"

int store_task_get(struct store *st, int64_t id, json_t **out, struct err *e)
{
	sqlite3_stmt *stmt;
	int rc;

	rc = emp_prepare(st, TASK_COLS " WHERE t.id = ?1", &stmt, e);
	if (rc != 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, id);
	return emp_collect(st, stmt, true, "任务不存在", out, e);
}

int store_task_list(struct store *st, const struct store_task_filter *f, json_t **out,
		    struct err *e)
{
	sqlite3_stmt *stmt;
	int rc;

	rc = emp_prepare(st,
			 TASK_COLS " WHERE (?1 = 0 OR t.employee_id = ?1)"
				   " AND (?2 = 0 OR t.requester_id = ?2)"
				   " AND (?3 = 0 OR m.guardian_id = ?3 OR m.deputy_id = ?3)"
				   " AND (?4 IS NULL OR t.state = ?4)"
				   " ORDER BY t.id DESC LIMIT ?5",
			 &stmt, e);
	if (rc != 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, f->employee_id);
	sqlite3_bind_int64(stmt, 2, f->requester_id);
	sqlite3_bind_int64(stmt, 3, f->guardian_id);
	emp_text(stmt, 4, f->state);
	sqlite3_bind_int64(stmt, 5, f->limit > 0 ? (int64_t)f->limit : 500);
	return emp_collect(st, stmt, false, NULL, out, e);
}

int store_task_cancel_running(struct store *st, int64_t emp_id, int64_t now, size_t *count,
			      struct err *e)
{
	sqlite3_stmt *stmt;
	int rc;

	rc = emp_prepare(
	    st,
	    "UPDATE tasks SET state = 'cancelled', decided_at = ?2,"
	    " reason = '监护人暂停了该数智员工' WHERE employee_id = ?1 AND state = 'running'",
	    &stmt, e);
	if (rc != 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, emp_id);
	sqlite3_bind_int64(stmt, 2, now);
	rc = store_sqlite_exec_stmt(st, stmt, NULL, e);
	if (rc == 0 && count != NULL)
		*count = (size_t)sqlite3_changes(store_sqlite_db(st));
	return rc;
}

int store_task_event_insert(struct store *st, int64_t task_id, int64_t ts, const char *actor,
			    const char *kind, const char *detail, const char *digest,
			    int64_t audit_id, struct err *e)
{
	sqlite3_stmt *stmt;
	int rc;

	rc = emp_prepare(
	    st,
	    "INSERT INTO task_events (task_id, ts, actor, kind, detail, digest, audit_id)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	    &stmt, e);
	if (rc != 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, task_id);
	sqlite3_bind_int64(stmt, 2, ts);
	emp_text(stmt, 3, actor);
	emp_text(stmt, 4, kind);
	emp_text(stmt, 5, detail);
	emp_text(stmt, 6, digest);
	sqlite3_bind_int64(stmt, 7, audit_id);
	return store_sqlite_exec_stmt(st, stmt, NULL, e);
}

int store_task_events(struct store *st, int64_t task_id, json_t **out, struct err *e)
{
	sqlite3_stmt *stmt;
	int rc;

	rc = emp_prepare(st,
			 "SELECT e.id, e.ts, e.actor, e.kind, e.detail, e.digest, e.audit_id,"
			 " a.detail AS audit_detail, a.hash AS audit_hash FROM task_events e"
			 " LEFT JOIN audit_log a ON a.id = e.audit_id WHERE e.task_id = ?1"
			 " ORDER BY e.id",
			 &stmt, e);
	if (rc != 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, task_id);
	return emp_collect(st, stmt, false, NULL, out, e);
}

int store_notice_insert(struct store *st, int64_t user_id, int64_t task_id, const char *message,
			int64_t now, struct err *e)
{
	sqlite3_stmt *stmt;
	int rc;

	rc = emp_prepare(st,
			 "INSERT INTO notifications (user_id, task_id, message, created_at)"
			 " VALUES (?1, ?2, ?3, ?4)",
			 &stmt, e);
	if (rc != 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, user_id);
	emp_id(stmt, 2, task_id);
	emp_text(stmt, 3, message);
	sqlite3_bind_int64(stmt, 4, now);
	return store_sqlite_exec_stmt(st, stmt, NULL, e);
}

int store_notice_list(struct store *st, int64_t user_id, json_t **out, struct err *e)
{
	sqlite3_stmt *stmt;
	int rc;

	rc = emp_prepare(st,
			 "SELECT id, task_id, message, read, created_at FROM notifications"
			 " WHERE user_id = ?1 ORDER BY id DESC LIMIT 100",
			 &stmt, e);
	if (rc != 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, user_id);
	return emp_collect(st, stmt, false, NULL, out, e);
}

int store_notice_read(struct store *st, int64_t id, int64_t user_id, struct err *e)
{
	sqlite3_stmt *stmt;
	int rc;

	rc = emp_prepare(st, "UPDATE notifications SET read = 1 WHERE id = ?1 AND user_id = ?2",
			 &stmt, e);
	if (rc != 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_int64(stmt, 2, user_id);
	rc = store_sqlite_exec_stmt(st, stmt, NULL, e);
	if (rc == 0 && sqlite3_changes(store_sqlite_db(st)) == 0)
		rc = err_set(e, BASE_E_NOTFOUND, "通知不存在");
	return rc;
}
