/* store/sq_entsnap: warnings snapshots of a risk-rule change beside those
 * of the imports (migration 15); see enterprise_store.h. */
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store/enterprise_store.h"
#include "store/store_internal.h"

/* An ent_import row is a warnings snapshot: kind 'import' (an import,
 * dir its folder) or 'rules' (a change of the risk rules, dir ''), actor
 * who made it (the rules change's admin; '' for imports before this). */
const char store_sq_entsnap_schema[] =
    "ALTER TABLE ent_import ADD COLUMN kind TEXT NOT NULL DEFAULT 'import'"
    " CHECK (kind IN ('import', 'rules'));"
    "ALTER TABLE ent_import ADD COLUMN actor TEXT NOT NULL DEFAULT '';";

static int prep(struct store *st, const char *sql, sqlite3_stmt **stmt, struct err *e)
{
	*stmt = NULL;
	if (store_sqlite_db(st) == NULL)
		return err_set(e, BASE_E_USAGE, "企业画像目前只支持 SQLite 数据库");
	return store_sqlite_prepare(st, sql, stmt, e);
}

int store_ent_snapshot_add(struct store *st, const char *actor, const char *stats, int64_t now,
			   int64_t *id, struct err *e)
{
	sqlite3_stmt *stmt;
	int rc = prep(st,
		      "INSERT INTO ent_import (dir, started_at, finished_at, stats, kind, actor)"
		      " VALUES ('', ?1, ?1, ?2, 'rules', ?3)",
		      &stmt, e);

	if (rc != 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, now);
	sqlite3_bind_text(stmt, 2, stats != NULL ? stats : "{}", -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, actor != NULL ? actor : "", -1, SQLITE_STATIC);
	rc = store_sqlite_exec_stmt(st, stmt, NULL, e);
	if (rc == 0)
		*id = sqlite3_last_insert_rowid(store_sqlite_db(st));
	return rc;
}

int store_ent_snapshot_set_stats(struct store *st, int64_t id, const char *stats, struct err *e)
{
	sqlite3_stmt *stmt;
	int rc = prep(st, "UPDATE ent_import SET stats = ?2 WHERE id = ?1", &stmt, e);

	if (rc != 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_text(stmt, 2, stats, -1, SQLITE_STATIC);
	return store_sqlite_exec_stmt(st, stmt, NULL, e);
}

int store_ent_last_snapshot(struct store *st, int64_t *id, struct err *e)
{
	sqlite3_stmt *stmt;
	int rc =
	    prep(st, "SELECT COALESCE(MAX(id), 0) FROM ent_import WHERE finished_at > 0", &stmt, e);

	*id = 0;
	if (rc != 0)
		return rc;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW)
		return store_sqlite_fail(st, sqlite3_extended_errcode(store_sqlite_db(st)), NULL,
					 e);
	return 0;
}

int store_ent_snapshot_get(struct store *st, int64_t id, struct store_ent_snapshot *s,
			   struct err *e)
{
	sqlite3_stmt *stmt;
	int rc = prep(st,
		      "SELECT kind, actor, finished_at, dir, stats FROM ent_import"
		      " WHERE id = ?1 AND finished_at > 0",
		      &stmt, e);

	memset(s, 0, sizeof(*s));
	if (rc != 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, id);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		s->id = id;
		rc = store_sqlite_copy_text(stmt, 0, s->kind, sizeof(s->kind), e);
		if (rc == 0)
			rc = store_sqlite_copy_text(stmt, 1, s->actor, sizeof(s->actor), e);
		s->at = sqlite3_column_int64(stmt, 2);
		s->dir = xstrdup((const char *)sqlite3_column_text(stmt, 3)
				     ? (const char *)sqlite3_column_text(stmt, 3)
				     : "");
		s->stats = xstrdup((const char *)sqlite3_column_text(stmt, 4)
				       ? (const char *)sqlite3_column_text(stmt, 4)
				       : "{}");
	} else if (rc == SQLITE_DONE) {
		rc = err_set(e, BASE_E_NOTFOUND, "没有第 %lld 次预警快照", (long long)id);
	} else {
		rc = store_sqlite_fail(st, sqlite3_extended_errcode(store_sqlite_db(st)), NULL, e);
	}
	sqlite3_finalize(stmt);
	return rc;
}

void store_ent_snapshot_free(struct store_ent_snapshot *s)
{
	free(s->dir);
	free(s->stats);
	s->dir = s->stats = NULL;
}
