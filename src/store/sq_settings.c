/* store/sq_settings: SQL of settings_store.h for the SQLite backend. */
#include <sqlite3.h>

#include "store/settings_store.h"
#include "store/store_internal.h"

const char store_sq_settings_schema[] =
    "CREATE TABLE settings ("
    " key TEXT PRIMARY KEY CHECK (length(key) BETWEEN 1 AND 64),"
    " value TEXT NOT NULL CHECK (length(value) <= 8192),"
    " updated_at INTEGER NOT NULL,"
    " updated_by TEXT NOT NULL DEFAULT '');";

int store_settings_iter(struct store *st, store_setting_cb cb, void *arg, struct err *e)
{
	sqlite3_stmt *stmt;
	int rc = store_sqlite_prepare(
	    st, "SELECT key, value, updated_at, updated_by FROM settings ORDER BY key", &stmt, e);

	if (rc != 0)
		return rc;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *k = (const char *)sqlite3_column_text(stmt, 0);
		const char *v = (const char *)sqlite3_column_text(stmt, 1);
		const char *by = (const char *)sqlite3_column_text(stmt, 3);
		int crc =
		    cb(k ? k : "", v ? v : "", sqlite3_column_int64(stmt, 2), by ? by : "", arg);

		if (crc != 0) {
			sqlite3_finalize(stmt);
			return crc;
		}
	}
	if (rc != SQLITE_DONE) {
		rc = store_sqlite_fail(st, sqlite3_extended_errcode(store_sqlite_db(st)), NULL, e);
		sqlite3_finalize(stmt);
		return rc;
	}
	sqlite3_finalize(stmt);
	return 0;
}

int store_setting_put(struct store *st, const char *key, const char *value, int64_t now,
		      const char *by, struct err *e)
{
	sqlite3_stmt *stmt;
	int rc = store_sqlite_prepare(st,
				      "INSERT INTO settings (key, value, updated_at, updated_by)"
				      " VALUES (?1, ?2, ?3, ?4) ON CONFLICT(key) DO UPDATE SET"
				      " value = excluded.value, updated_at = excluded.updated_at,"
				      " updated_by = excluded.updated_by",
				      &stmt, e);

	if (rc != 0)
		return rc;
	sqlite3_bind_text(stmt, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, value, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 3, now);
	sqlite3_bind_text(stmt, 4, by ? by : "", -1, SQLITE_STATIC);
	return store_sqlite_exec_stmt(st, stmt, NULL, e);
}

int store_setting_delete(struct store *st, const char *key, struct err *e)
{
	sqlite3_stmt *stmt;
	int rc = store_sqlite_prepare(st, "DELETE FROM settings WHERE key = ?1", &stmt, e);

	if (rc != 0)
		return rc;
	sqlite3_bind_text(stmt, 1, key, -1, SQLITE_STATIC);
	return store_sqlite_exec_stmt(st, stmt, NULL, e);
}
