/* store/sq_taskfiles: SQLite side of taskfile_store.h. */
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store/store_internal.h"
#include "store/taskfile_store.h"

const char store_sq_taskfile_schema[] =
    "CREATE TABLE task_files ("
    " id INTEGER PRIMARY KEY,"
    " owner_id INTEGER NOT NULL REFERENCES users(id) ON DELETE RESTRICT,"
    " task_id INTEGER REFERENCES tasks(id) ON DELETE RESTRICT,"
    " field TEXT NOT NULL DEFAULT '',"
    " name TEXT NOT NULL,"
    " size INTEGER NOT NULL CHECK (size > 0 AND size <= 4194304),"
    " digest TEXT NOT NULL,"
    " text TEXT NOT NULL,"
    " data BLOB NOT NULL,"
    " created_at INTEGER NOT NULL);"
    "CREATE INDEX task_files_task ON task_files(task_id);"
    /* model calls made for a digital employee count against its daily quota */
    "ALTER TABLE model_usage ADD COLUMN employee_id INTEGER REFERENCES employees(id);"
    "CREATE INDEX model_usage_employee_ts ON model_usage(employee_id, ts);";

static int tf_prepare(struct store *st, const char *sql, sqlite3_stmt **stmt, struct err *e)
{
	*stmt = NULL;
	if (store_sqlite_db(st) == NULL)
		return err_set(e, BASE_E_INTERNAL, "任务附件目前只支持 SQLite 存储");
	return store_sqlite_prepare(st, sql, stmt, e);
}

int store_taskfile_insert(struct store *st, const struct store_taskfile *f, int64_t *id,
			  struct err *e)
{
	sqlite3_stmt *stmt;
	int rc;

	if (f->size == 0 || f->size > STORE_TASKFILE_MAX)
		return err_set(e, BASE_E_LIMIT, "附件为空或过大（上限 %zu 字节）",
			       STORE_TASKFILE_MAX);
	rc = tf_prepare(st,
			"INSERT INTO task_files (owner_id, name, size, digest, text, data,"
			" created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
			&stmt, e);
	if (rc != 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, f->owner_id);
	sqlite3_bind_text(stmt, 2, f->name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 3, (sqlite3_int64)f->size);
	sqlite3_bind_text(stmt, 4, f->digest, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 5, f->text, -1, SQLITE_STATIC);
	sqlite3_bind_blob(stmt, 6, f->data, (int)f->size, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 7, f->created_at);
	return store_sqlite_insert_step(st, stmt, "上传者不存在", "附件过大", NULL, id, e);
}

/* The row of stmt: every column but the bytes. */
static json_t *tf_row(sqlite3_stmt *stmt)
{
	json_t *o = json_object();
	int n = sqlite3_column_count(stmt);

	for (int i = 0; i < n; i++) {
		const char *name = sqlite3_column_name(stmt, i);
		json_t *v;

		if (sqlite3_column_type(stmt, i) == SQLITE_INTEGER)
			v = json_integer(sqlite3_column_int64(stmt, i));
		else if (sqlite3_column_type(stmt, i) == SQLITE_NULL)
			v = json_null();
		else
			v = json_stringn((const char *)sqlite3_column_text(stmt, i),
					 (size_t)sqlite3_column_bytes(stmt, i));
		json_object_set_new(o, name, v ? v : json_null());
	}
	return o;
}

static int tf_collect(struct store *st, sqlite3_stmt *stmt, json_t *arr, struct err *e)
{
	int rc;

	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		json_array_append_new(arr, tf_row(stmt));
	if (rc != SQLITE_DONE)
		rc = store_sqlite_fail(st, sqlite3_extended_errcode(sqlite3_db_handle(stmt)), NULL,
				       e);
	else
		rc = 0;
	sqlite3_finalize(stmt);
	return rc;
}

int store_taskfile_get(struct store *st, int64_t id, json_t **out, struct err *e)
{
	sqlite3_stmt *stmt;
	json_t *arr;
	int rc = tf_prepare(st,
			    "SELECT id, owner_id, task_id, field, name, size, digest, text,"
			    " created_at FROM task_files WHERE id = ?1",
			    &stmt, e);

	if (rc != 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, id);
	arr = json_array();
	rc = tf_collect(st, stmt, arr, e);
	if (rc == 0 && json_array_size(arr) == 0)
		rc = err_set(e, BASE_E_NOTFOUND, "附件不存在");
	if (rc == 0)
		*out = json_incref(json_array_get(arr, 0));
	json_decref(arr);
	return rc;
}

int store_taskfile_data(struct store *st, int64_t id, char **data, size_t *size, struct err *e)
{
	sqlite3_stmt *stmt;
	int rc = tf_prepare(st, "SELECT data FROM task_files WHERE id = ?1", &stmt, e);

	*data = NULL;
	*size = 0;
	if (rc != 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, id);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		*size = (size_t)sqlite3_column_bytes(stmt, 0);
		*data = xmalloc(*size + 1);
		if (*size > 0)
			memcpy(*data, sqlite3_column_blob(stmt, 0), *size);
		rc = 0;
	} else if (rc == SQLITE_DONE) {
		rc = err_set(e, BASE_E_NOTFOUND, "附件不存在");
	} else {
		rc = store_sqlite_fail(st, sqlite3_extended_errcode(store_sqlite_db(st)), NULL, e);
	}
	sqlite3_finalize(stmt);
	return rc;
}

int store_taskfile_attach(struct store *st, int64_t id, int64_t task_id, const char *field,
			  struct err *e)
{
	sqlite3_stmt *stmt;
	int rc = tf_prepare(st,
			    "UPDATE task_files SET task_id = ?2, field = ?3"
			    " WHERE id = ?1 AND task_id IS NULL",
			    &stmt, e);

	if (rc != 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_int64(stmt, 2, task_id);
	sqlite3_bind_text(stmt, 3, field, -1, SQLITE_STATIC);
	rc = store_sqlite_exec_stmt(st, stmt, NULL, e);
	if (rc == 0 && sqlite3_changes(store_sqlite_db(st)) != 1)
		rc =
		    err_set(e, BASE_E_CONFLICT, "附件 #%lld 不存在或已用于其他任务", (long long)id);
	return rc;
}

int store_taskfile_list(struct store *st, int64_t task_id, json_t **out, struct err *e)
{
	sqlite3_stmt *stmt;
	int rc = tf_prepare(st,
			    "SELECT id, owner_id, task_id, field, name, size, digest, created_at"
			    " FROM task_files WHERE task_id = ?1 ORDER BY id",
			    &stmt, e);

	if (rc != 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, task_id);
	*out = json_array();
	rc = tf_collect(st, stmt, *out, e);
	if (rc != 0) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

int store_taskfile_purge_unattached(struct store *st, int64_t before, size_t *count, struct err *e)
{
	sqlite3_stmt *stmt;
	int rc = tf_prepare(st, "DELETE FROM task_files WHERE task_id IS NULL AND created_at < ?1",
			    &stmt, e);

	*count = 0;
	if (rc != 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, before);
	rc = store_sqlite_exec_stmt(st, stmt, NULL, e);
	if (rc == 0)
		*count = (size_t)sqlite3_changes(store_sqlite_db(st));
	return rc;
}
