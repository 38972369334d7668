/* store/sq_kbjob: the server's knowledge-base jobs (migration 18); see
 * kbjob_store.h. */
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store/kbjob_store.h"
#include "store/store_internal.h"

const char store_sq_kbjob_schema[] =
    "CREATE TABLE kb_job ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " kb_id INTEGER NOT NULL REFERENCES kb(id) ON DELETE CASCADE,"
    " user_id INTEGER NOT NULL,"
    " state TEXT NOT NULL"
    "  CHECK (state IN ('queued', 'running', 'done', 'failed', 'interrupted')),"
    " created_at INTEGER NOT NULL,"
    " job TEXT NOT NULL);"
    "CREATE INDEX kb_job_kb ON kb_job(kb_id, id);"
    "CREATE INDEX kb_job_state ON kb_job(state);";

static int prep(struct store *st, const char *sql, sqlite3_stmt **stmt, struct err *e)
{
	*stmt = NULL;
	if (store_sqlite_db(st) == NULL)
		return err_set(e, BASE_E_USAGE, "知识库任务记录目前只支持 SQLite 数据库");
	return store_sqlite_prepare(st, sql, stmt, e);
}

int kbjob_store_insert(struct store *st, int64_t kb_id, int64_t user_id, int64_t created_at,
		       const char *job, int64_t *id, struct err *e)
{
	sqlite3_stmt *stmt;
	int rc = prep(st,
		      "INSERT INTO kb_job (kb_id, user_id, state, created_at, job)"
		      " VALUES (?1, ?2, 'queued', ?3, ?4)",
		      &stmt, e);

	if (rc != 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, kb_id);
	sqlite3_bind_int64(stmt, 2, user_id);
	sqlite3_bind_int64(stmt, 3, created_at);
	sqlite3_bind_text(stmt, 4, job, -1, SQLITE_STATIC);
	return store_sqlite_insert_step(st, stmt, "知识库不存在", "任务状态无效", NULL, id, e);
}

int kbjob_store_update(struct store *st, int64_t id, const char *state, const char *job,
		       struct err *e)
{
	sqlite3_stmt *stmt;
	int rc = prep(st, "UPDATE kb_job SET state = ?2, job = ?3 WHERE id = ?1", &stmt, e);

	if (rc != 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_text(stmt, 2, state, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, job, -1, SQLITE_STATIC);
	return store_sqlite_exec_stmt(st, stmt, NULL, e);
}

/* Rows of stmt (id, kb_id, user_id, state, job) through cb. */
static int rows(struct store *st, sqlite3_stmt *stmt,
		int (*cb)(const struct kbjob_store_row *r, void *arg), void *arg, size_t *n,
		struct err *e)
{
	int rc;

	*n = 0;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct kbjob_store_row r;
		const unsigned char *s = sqlite3_column_text(stmt, 3);
		const unsigned char *j = sqlite3_column_text(stmt, 4);

		r.id = sqlite3_column_int64(stmt, 0);
		r.kb_id = sqlite3_column_int64(stmt, 1);
		r.user_id = sqlite3_column_int64(stmt, 2);
		r.state = s != NULL ? (const char *)s : "";
		r.job = j != NULL ? (const char *)j : "{}";
		(*n)++;
		if (cb(&r, arg) != 0) {
			sqlite3_finalize(stmt);
			return 0;
		}
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE)
		return store_sqlite_fail(st, rc, NULL, e);
	return 0;
}

int kbjob_store_get(struct store *st, int64_t id,
		    int (*cb)(const struct kbjob_store_row *r, void *arg), void *arg, struct err *e)
{
	sqlite3_stmt *stmt;
	size_t n = 0;
	int rc =
	    prep(st, "SELECT id, kb_id, user_id, state, job FROM kb_job WHERE id = ?1", &stmt, e);

	if (rc != 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, id);
	rc = rows(st, stmt, cb, arg, &n, e);
	if (rc == 0 && n == 0)
		rc = err_set(e, BASE_E_NOTFOUND, "没有这个任务");
	return rc;
}

int kbjob_store_list(struct store *st, int64_t kb_id,
		     int (*cb)(const struct kbjob_store_row *r, void *arg), void *arg,
		     struct err *e)
{
	sqlite3_stmt *stmt;
	size_t n = 0;
	int rc = prep(st,
		      "SELECT id, kb_id, user_id, state, job FROM kb_job WHERE kb_id = ?1"
		      " AND (state IN ('queued', 'running') OR id IN (SELECT id FROM kb_job"
		      " WHERE kb_id = ?1 ORDER BY id DESC LIMIT ?2)) ORDER BY id",
		      &stmt, e);

	if (rc != 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, kb_id);
	sqlite3_bind_int(stmt, 2, KBJOB_STORE_KEEP);
	return rows(st, stmt, cb, arg, &n, e);
}

struct ids {
	int64_t *v;
	size_t n, cap;
};

static int collect_id(const struct kbjob_store_row *r, void *arg)
{
	struct ids *ids = arg;

	ids->v = xgrow(ids->v, &ids->cap, ids->n + 1, sizeof(*ids->v));
	ids->v[ids->n++] = r->id;
	return 0;
}

int kbjob_store_interrupt(struct store *st, const char *reason, int64_t **out, size_t *nout,
			  struct err *e)
{
	sqlite3_stmt *stmt;
	struct ids ids = {NULL, 0, 0};
	size_t n = 0;
	int rc;

	*out = NULL;
	*nout = 0;
	rc = prep(st,
		  "SELECT id, kb_id, user_id, state, job FROM kb_job"
		  " WHERE state IN ('queued', 'running') ORDER BY id",
		  &stmt, e);
	if (rc == 0)
		rc = rows(st, stmt, collect_id, &ids, &n, e);
	if (rc == 0 && ids.n > 0)
		rc = prep(st,
			  "UPDATE kb_job SET state = 'interrupted',"
			  " job = json_set(CASE WHEN json_valid(job) THEN job ELSE '{}' END,"
			  " '$.state', 'interrupted', '$.state_text', '已中断', '$.error', ?1)"
			  " WHERE state IN ('queued', 'running')",
			  &stmt, e);
	if (rc == 0 && ids.n > 0) {
		sqlite3_bind_text(stmt, 1, reason, -1, SQLITE_STATIC);
		rc = store_sqlite_exec_stmt(st, stmt, NULL, e);
	}
	if (rc != 0) {
		free(ids.v);
		return rc;
	}
	*out = ids.v;
	*nout = ids.n;
	return 0;
}

int kbjob_store_prune(struct store *st, int64_t kb_id, struct err *e)
{
	sqlite3_stmt *stmt;
	int rc = prep(st,
		      "DELETE FROM kb_job WHERE kb_id = ?1 AND state NOT IN ('queued', 'running')"
		      " AND id NOT IN (SELECT id FROM kb_job WHERE kb_id = ?1"
		      " ORDER BY id DESC LIMIT ?2)",
		      &stmt, e);

	if (rc != 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, kb_id);
	sqlite3_bind_int(stmt, 2, KBJOB_STORE_KEEP);
	return store_sqlite_exec_stmt(st, stmt, NULL, e);
}
