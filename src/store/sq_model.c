/* store/sq_model: SQL of model_store.h for the SQLite backend. */
#include <stdio.h>

#include <sqlite3.h>

#include "store/model_store.h"
#include "store/store_internal.h"

int store_model_usage_add(struct store *st, const struct store_model_usage *u, int64_t *id,
			  struct err *e)
{
	sqlite3_stmt *stmt;
	int rc = store_sqlite_cached(
	    st,
	    "INSERT INTO model_usage (ts, user_id, department_id, provider, model, status,"
	    " prompt_tokens, completion_tokens, reasoning_tokens, first_token_ms, duration_ms,"
	    " reasoning, employee_id)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
	    &stmt, e);

	if (rc != 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, u->ts);
	if (u->user_id > 0)
		sqlite3_bind_int64(stmt, 2, u->user_id);
	else
		sqlite3_bind_null(stmt, 2);
	if (u->department_id > 0)
		sqlite3_bind_int64(stmt, 3, u->department_id);
	else
		sqlite3_bind_null(stmt, 3);
	sqlite3_bind_text(stmt, 4, u->provider, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 5, u->model, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 6, u->status, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 7, u->prompt_tokens);
	sqlite3_bind_int64(stmt, 8, u->completion_tokens);
	sqlite3_bind_int64(stmt, 9, u->reasoning_tokens);
	sqlite3_bind_int64(stmt, 10, u->first_token_ms);
	sqlite3_bind_int64(stmt, 11, u->duration_ms);
	sqlite3_bind_text(stmt, 12, u->reasoning ? u->reasoning : "", -1, SQLITE_STATIC);
	if (u->employee_id > 0)
		sqlite3_bind_int64(stmt, 13, u->employee_id);
	else
		sqlite3_bind_null(stmt, 13);
	return store_sqlite_insert_step(st, stmt, "用户不存在", "用量记录无效（状态或词元数）",
					NULL, id, e);
}

/* Tokens (prompt + completion) of the rows whose column (user_id or
 * employee_id, never outside input) is id, since a time (ms). */
static int usage_tokens_since(struct store *st, const char *column, int64_t id, int64_t since,
			      int64_t *tokens, struct err *e)
{
	char sql[160];
	sqlite3_stmt *stmt;
	int rc;

	snprintf(sql, sizeof(sql),
		 "SELECT COALESCE(SUM(prompt_tokens + completion_tokens), 0)"
		 " FROM model_usage WHERE %s = ?1 AND ts >= ?2",
		 column);
	rc = store_sqlite_cached(st, sql, &stmt, e);
	if (rc != 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_int64(stmt, 2, since);
	rc = sqlite3_step(stmt);
	if (rc != SQLITE_ROW) {
		rc = store_sqlite_fail(st, sqlite3_extended_errcode(store_sqlite_db(st)), NULL, e);
		store_sqlite_done(st, stmt);
		return rc;
	}
	*tokens = sqlite3_column_int64(stmt, 0);
	store_sqlite_done(st, stmt);
	return 0;
}

int store_model_usage_tokens_since(struct store *st, int64_t user_id, int64_t since,
				   int64_t *tokens, struct err *e)
{
	return usage_tokens_since(st, "user_id", user_id, since, tokens, e);
}

int store_emp_tokens_since(struct store *st, int64_t emp_id, int64_t since, int64_t *tokens,
			   struct err *e)
{
	return usage_tokens_since(st, "employee_id", emp_id, since, tokens, e);
}
