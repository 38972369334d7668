/* store/enterprise: SQL of the enterprise tables (SQLite); see enterprise_store.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store/enterprise_store.h"
#include "store/store_internal.h"

enum {
	W_IMPORT_ADD,
	W_IMPORT_FINISH,
	W_ENT_INSERT,
	W_ENT_UPDATE,
	W_REC_INSERT,
	W_REC_UPDATE,
	W_ISSUE_ADD,
	W_WARNING_ADD,
	W_COUNT
};

static const char *const w_sql[W_COUNT] = {
    "INSERT INTO ent_import (dir, started_at) VALUES (?1, ?2)",
    "UPDATE ent_import SET stats = ?2, finished_at = ?3 WHERE id = ?1",
    "INSERT INTO ent_enterprise (uscc, ord, line, import_id, repaired, canon)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    "UPDATE ent_enterprise SET line = ?2, import_id = ?3, repaired = ?4, canon = ?5"
    " WHERE id = ?1",
    "INSERT INTO ent_record (ent_id, file, rkey, canon, line, import_id, repaired)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    "UPDATE ent_record SET canon = ?2, line = ?3, import_id = ?4, repaired = ?5 WHERE id = ?1",
    "INSERT INTO ent_issue (import_id, file, line, kind, reason, detail)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    "INSERT INTO ent_warning (import_id, uscc, rule, level, evidence) VALUES (?1, ?2, ?3, ?4, ?5)",
};

struct store_ent_writer {
	struct store *st;
	sqlite3 *db;
	sqlite3_stmt *stmt[W_COUNT];
};

static int no_sqlite(struct err *e)
{
	return err_set(e, BASE_E_USAGE, "企业画像目前只支持 SQLite 数据库");
}

int store_ent_writer_open(struct store *st, struct store_ent_writer **out, struct err *e)
{
	sqlite3 *db = store_sqlite_db(st);
	struct store_ent_writer *w;

	*out = NULL;
	if (db == NULL)
		return no_sqlite(e);
	w = xcalloc(1, sizeof(*w));
	w->st = st;
	w->db = db;
	for (int i = 0; i < W_COUNT; i++) {
		int rc = sqlite3_prepare_v3(db, w_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
					    &w->stmt[i], NULL);

		if (rc != SQLITE_OK) {
			rc = store_sqlite_fail(st, sqlite3_extended_errcode(db), NULL, e);
			store_ent_writer_close(w);
			return rc;
		}
	}
	*out = w;
	return 0;
}

void store_ent_writer_close(struct store_ent_writer *w)
{
	if (w == NULL)
		return;
	for (int i = 0; i < W_COUNT; i++)
		sqlite3_finalize(w->stmt[i]);
	free(w);
}

/* Step a reusable statement that returns no rows, then reset it. */
static int w_step(struct store_ent_writer *w, sqlite3_stmt *stmt, struct err *e)
{
	int rc = sqlite3_step(stmt);
	int ret = 0;

	if (rc != SQLITE_DONE)
		ret = store_sqlite_fail(w->st, sqlite3_extended_errcode(w->db), "记录已存在", e);
	sqlite3_reset(stmt);
	sqlite3_clear_bindings(stmt);
	return ret;
}

static void bind_text(sqlite3_stmt *stmt, int i, const char *v)
{
	if (v == NULL)
		sqlite3_bind_null(stmt, i);
	else
		sqlite3_bind_text(stmt, i, v, -1, SQLITE_STATIC);
}

int store_ent_import_add(struct store_ent_writer *w, const char *dir, int64_t now, int64_t *id,
			 struct err *e)
{
	sqlite3_stmt *stmt = w->stmt[W_IMPORT_ADD];
	int rc;

	bind_text(stmt, 1, dir);
	sqlite3_bind_int64(stmt, 2, now);
	rc = w_step(w, stmt, e);
	if (rc == 0)
		*id = sqlite3_last_insert_rowid(w->db);
	return rc;
}

int store_ent_import_finish(struct store_ent_writer *w, int64_t id, const char *stats_json,
			    int64_t now, struct err *e)
{
	sqlite3_stmt *stmt = w->stmt[W_IMPORT_FINISH];

	sqlite3_bind_int64(stmt, 1, id);
	bind_text(stmt, 2, stats_json);
	sqlite3_bind_int64(stmt, 3, now);
	return w_step(w, stmt, e);
}

int store_ent_enterprise_insert(struct store_ent_writer *w, const struct store_ent_row *r,
				int64_t *id, struct err *e)
{
	sqlite3_stmt *stmt = w->stmt[W_ENT_INSERT];
	int rc;

	bind_text(stmt, 1, r->uscc);
	sqlite3_bind_int64(stmt, 2, r->ord);
	sqlite3_bind_int64(stmt, 3, r->line);
	sqlite3_bind_int64(stmt, 4, r->import_id);
	sqlite3_bind_int(stmt, 5, r->repaired);
	bind_text(stmt, 6, r->canon);
	rc = w_step(w, stmt, e);
	if (rc == 0)
		*id = sqlite3_last_insert_rowid(w->db);
	return rc;
}

int store_ent_enterprise_update(struct store_ent_writer *w, const struct store_ent_row *r,
				struct err *e)
{
	sqlite3_stmt *stmt = w->stmt[W_ENT_UPDATE];

	sqlite3_bind_int64(stmt, 1, r->id);
	sqlite3_bind_int64(stmt, 2, r->line);
	sqlite3_bind_int64(stmt, 3, r->import_id);
	sqlite3_bind_int(stmt, 4, r->repaired);
	bind_text(stmt, 5, r->canon);
	return w_step(w, stmt, e);
}

int store_ent_record_insert(struct store_ent_writer *w, const struct store_ent_row *r,
			    struct err *e)
{
	sqlite3_stmt *stmt = w->stmt[W_REC_INSERT];

	sqlite3_bind_int64(stmt, 1, r->ent_id);
	sqlite3_bind_int(stmt, 2, r->file);
	bind_text(stmt, 3, r->rkey);
	bind_text(stmt, 4, r->canon);
	sqlite3_bind_int64(stmt, 5, r->line);
	sqlite3_bind_int64(stmt, 6, r->import_id);
	sqlite3_bind_int(stmt, 7, r->repaired);
	return w_step(w, stmt, e);
}

int store_ent_record_update(struct store_ent_writer *w, const struct store_ent_row *r,
			    struct err *e)
{
	sqlite3_stmt *stmt = w->stmt[W_REC_UPDATE];

	sqlite3_bind_int64(stmt, 1, r->id);
	bind_text(stmt, 2, r->canon);
	sqlite3_bind_int64(stmt, 3, r->line);
	sqlite3_bind_int64(stmt, 4, r->import_id);
	sqlite3_bind_int(stmt, 5, r->repaired);
	return w_step(w, stmt, e);
}

int store_ent_issue_add(struct store_ent_writer *w, const struct store_ent_issue *i, struct err *e)
{
	sqlite3_stmt *stmt = w->stmt[W_ISSUE_ADD];

	sqlite3_bind_int64(stmt, 1, i->import_id);
	bind_text(stmt, 2, i->file);
	sqlite3_bind_int64(stmt, 3, i->line);
	bind_text(stmt, 4, i->kind);
	bind_text(stmt, 5, i->reason);
	bind_text(stmt, 6, i->detail);
	return w_step(w, stmt, e);
}

static const char *col_text(sqlite3_stmt *stmt, int col)
{
	const unsigned char *v = sqlite3_column_text(stmt, col);

	return v ? (const char *)v : NULL;
}

/* Run a SELECT with parameters ?1..?4 = a, b, t, u and hand every row to
 * fill + cb (unused parameters are not bound). */
static int iter_rows_p(struct store *st, const char *sql, bool is_ent, int64_t a, int64_t b,
		       const char *t, const char *u, store_ent_row_cb cb, void *arg, struct err *e)
{
	sqlite3 *db = store_sqlite_db(st);
	sqlite3_stmt *stmt;
	int rc;
	int ret = 0;

	if (db == NULL)
		return no_sqlite(e);
	rc = sqlite3_prepare_v2(db, sql, -1, &stmt, NULL);
	if (rc != SQLITE_OK)
		return store_sqlite_fail(st, sqlite3_extended_errcode(db), NULL, e);
	if (sqlite3_bind_parameter_count(stmt) >= 1)
		sqlite3_bind_int64(stmt, 1, a);
	if (sqlite3_bind_parameter_count(stmt) >= 2)
		sqlite3_bind_int64(stmt, 2, b);
	if (sqlite3_bind_parameter_count(stmt) >= 3)
		bind_text(stmt, 3, t);
	if (sqlite3_bind_parameter_count(stmt) >= 4)
		bind_text(stmt, 4, u);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct store_ent_row r = {0};
		const char *canon = col_text(stmt, 3);

		r.id = sqlite3_column_int64(stmt, 0);
		if (is_ent) {
			r.uscc = col_text(stmt, 1);
			r.ord = sqlite3_column_int64(stmt, 2);
		} else {
			r.ent_id = sqlite3_column_int64(stmt, 1);
			r.file = sqlite3_column_int(stmt, 2);
			r.rkey = col_text(stmt, 7);
		}
		r.canon = canon ? canon : "";
		r.line = (long)sqlite3_column_int64(stmt, 4);
		r.import_id = sqlite3_column_int64(stmt, 5);
		r.repaired = sqlite3_column_int(stmt, 6) != 0;
		ret = cb(&r, arg);
		if (ret != 0)
			break;
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = store_sqlite_fail(st, sqlite3_extended_errcode(db), NULL, e);
	sqlite3_finalize(stmt);
	return ret;
}

static int iter_rows(struct store *st, const char *sql, bool is_ent, store_ent_row_cb cb, void *arg,
		     struct err *e)
{
	return iter_rows_p(st, sql, is_ent, 0, 0, NULL, NULL, cb, arg, e);
}

int store_ent_iter_enterprises(struct store *st, store_ent_row_cb cb, void *arg, struct err *e)
{
	return iter_rows(st,
			 "SELECT id, uscc, ord, canon, line, import_id, repaired"
			 " FROM ent_enterprise ORDER BY ord",
			 true, cb, arg, e);
}

int store_ent_iter_records(struct store *st, store_ent_row_cb cb, void *arg, struct err *e)
{
	return iter_rows(st,
			 "SELECT id, ent_id, file, canon, line, import_id, repaired, rkey"
			 " FROM ent_record ORDER BY id",
			 false, cb, arg, e);
}

int store_ent_last_import(struct store *st, int64_t *id, char **json, struct err *e)
{
	sqlite3 *db = store_sqlite_db(st);
	sqlite3_stmt *stmt;
	int rc;

	*id = 0;
	*json = NULL;
	if (db == NULL)
		return no_sqlite(e);
	rc = sqlite3_prepare_v2(
	    db,
	    "SELECT id, stats FROM ent_import WHERE finished_at > 0 AND kind = 'import'"
	    " ORDER BY id DESC LIMIT 1",
	    -1, &stmt, NULL);
	if (rc != SQLITE_OK)
		return store_sqlite_fail(st, sqlite3_extended_errcode(db), NULL, e);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		const char *s = col_text(stmt, 1);

		*id = sqlite3_column_int64(stmt, 0);
		*json = xstrdup(s ? s : "{}");
		rc = SQLITE_DONE;
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE)
		return store_sqlite_fail(st, sqlite3_extended_errcode(db), NULL, e);
	return 0;
}

int store_ent_iter_issues(struct store *st, int64_t import_id, store_ent_issue_cb cb, void *arg,
			  struct err *e)
{
	sqlite3 *db = store_sqlite_db(st);
	sqlite3_stmt *stmt;
	int rc;
	int ret = 0;

	if (db == NULL)
		return no_sqlite(e);
	rc = sqlite3_prepare_v2(db,
				"SELECT import_id, file, line, kind, reason, detail FROM ent_issue"
				" WHERE import_id = ?1 ORDER BY id",
				-1, &stmt, NULL);
	if (rc != SQLITE_OK)
		return store_sqlite_fail(st, sqlite3_extended_errcode(db), NULL, e);
	sqlite3_bind_int64(stmt, 1, import_id);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct store_ent_issue i;

		i.import_id = sqlite3_column_int64(stmt, 0);
		i.file = col_text(stmt, 1);
		i.line = (long)sqlite3_column_int64(stmt, 2);
		i.kind = col_text(stmt, 3);
		i.reason = col_text(stmt, 4);
		i.detail = col_text(stmt, 5);
		if (i.file == NULL || i.kind == NULL || i.reason == NULL || i.detail == NULL)
			continue;
		ret = cb(&i, arg);
		if (ret != 0)
			break;
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = store_sqlite_fail(st, sqlite3_extended_errcode(db), NULL, e);
	sqlite3_finalize(stmt);
	return ret;
}

int store_ent_warning_add(struct store_ent_writer *w, const struct store_ent_warning *wa,
			  struct err *e)
{
	sqlite3_stmt *stmt = w->stmt[W_WARNING_ADD];

	sqlite3_bind_int64(stmt, 1, wa->import_id);
	bind_text(stmt, 2, wa->uscc);
	bind_text(stmt, 3, wa->rule);
	bind_text(stmt, 4, wa->level);
	bind_text(stmt, 5, wa->evidence);
	return w_step(w, stmt, e);
}

int store_ent_iter_warnings(struct store *st, int64_t import_id, store_ent_warning_cb cb, void *arg,
			    struct err *e)
{
	sqlite3 *db = store_sqlite_db(st);
	sqlite3_stmt *stmt;
	int rc;
	int ret = 0;

	if (db == NULL)
		return no_sqlite(e);
	rc = sqlite3_prepare_v2(db,
				"SELECT import_id, uscc, rule, level, evidence FROM ent_warning"
				" WHERE import_id = ?1 ORDER BY uscc, rule",
				-1, &stmt, NULL);
	if (rc != SQLITE_OK)
		return store_sqlite_fail(st, sqlite3_extended_errcode(db), NULL, e);
	sqlite3_bind_int64(stmt, 1, import_id);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct store_ent_warning w;

		w.import_id = sqlite3_column_int64(stmt, 0);
		w.uscc = col_text(stmt, 1);
		w.rule = col_text(stmt, 2);
		w.level = col_text(stmt, 3);
		w.evidence = col_text(stmt, 4);
		if (w.uscc == NULL || w.rule == NULL || w.level == NULL || w.evidence == NULL)
			continue;
		ret = cb(&w, arg);
		if (ret != 0)
			break;
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = store_sqlite_fail(st, sqlite3_extended_errcode(db), NULL, e);
	sqlite3_finalize(stmt);
	return ret;
}

int store_ent_previous_import(struct store *st, int64_t import_id, int64_t *prev, struct err *e)
{
	sqlite3 *db = store_sqlite_db(st);
	sqlite3_stmt *stmt;
	int rc;

	*prev = 0;
	if (db == NULL)
		return no_sqlite(e);
	rc = sqlite3_prepare_v2(db,
				"SELECT COALESCE(MAX(id), 0) FROM ent_import"
				" WHERE id < ?1 AND finished_at > 0",
				-1, &stmt, NULL);
	if (rc != SQLITE_OK)
		return store_sqlite_fail(st, sqlite3_extended_errcode(db), NULL, e);
	sqlite3_bind_int64(stmt, 1, import_id);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*prev = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW)
		return store_sqlite_fail(st, sqlite3_extended_errcode(db), NULL, e);
	return 0;
}

/* ---- reads for the API (profile, search) and settings ---- */

#define ENT_COLS "SELECT id, uscc, ord, canon, line, import_id, repaired FROM ent_enterprise"
/* The name is field 1 of the canonical row (after the 18-character uscc). */
#define ENT_NAME "substr(canon, 20, instr(substr(canon, 20) || char(31), char(31)) - 1)"
#define ENT_MATCH                                                                                  \
	" WHERE (?3 = '' OR substr(uscc, 1, length(?3)) = ?3 OR instr(" ENT_NAME ", ?4) > 0)"

int store_ent_get(struct store *st, int64_t id, const char *uscc, store_ent_row_cb cb, void *arg,
		  struct err *e)
{
	if (uscc != NULL)
		return iter_rows_p(st, ENT_COLS " WHERE ?1 = ?1 AND ?2 = ?2 AND uscc = ?3", true, 0,
				   0, uscc, NULL, cb, arg, e);
	return iter_rows_p(st, ENT_COLS " WHERE id = ?1", true, id, 0, NULL, NULL, cb, arg, e);
}

int store_ent_iter_records_of(struct store *st, int64_t ent_id, store_ent_row_cb cb, void *arg,
			      struct err *e)
{
	return iter_rows_p(st,
			   "SELECT id, ent_id, file, canon, line, import_id, repaired, rkey"
			   " FROM ent_record WHERE ent_id = ?1 ORDER BY file, line, id",
			   false, ent_id, 0, NULL, NULL, cb, arg, e);
}

/* Search through the indexes of migration 12: the uscc prefix as a range
 * of the unique index, the name substring through the trigram index (3
 * or more characters; shorter fragments scan the names) and the output
 * order through ent_enterprise(ord). The result is the same as
 * ENT_MATCH_SCAN: instr() still decides. */
#define ENT_MATCH_SCAN ENT_MATCH
#define ENT_MATCH_INDEXED                                                                          \
	" WHERE (uscc >= ?3 AND uscc < ?3 || '~')"                                                 \
	" OR (id IN (SELECT rowid FROM ent_name_fts WHERE ent_name_fts MATCH"                      \
	" '\"' || replace(?4, '\"', '\"\"') || '\"') AND instr(" ENT_NAME ", ?4) > 0)"

int store_ent_search(struct store *st, const char *code_prefix, const char *name_part,
		     int64_t offset, int64_t limit, store_ent_row_cb cb, void *arg, int64_t *total,
		     struct err *e)
{
	sqlite3 *db = store_sqlite_db(st);
	sqlite3_stmt *stmt;
	size_t chars = 0;
	const char *match;
	char sql[1024];
	int rc;

	*total = 0;
	if (db == NULL)
		return no_sqlite(e);
	for (const unsigned char *p = (const unsigned char *)name_part; *p != '\0'; p++)
		chars += (*p & 0xC0) != 0x80;
	match = code_prefix[0] == '\0' ? " WHERE ?3 = ?3 AND ?4 = ?4"
		: chars >= 3	       ? ENT_MATCH_INDEXED
				       : ENT_MATCH_SCAN;
	snprintf(sql, sizeof(sql),
		 "SELECT COUNT(*) FROM (SELECT id FROM ent_enterprise%s) WHERE ?1 = ?1 AND ?2 = ?2",
		 match);
	rc = sqlite3_prepare_v2(db, sql, -1, &stmt, NULL);
	if (rc != SQLITE_OK)
		return store_sqlite_fail(st, sqlite3_extended_errcode(db), NULL, e);
	sqlite3_bind_int64(stmt, 1, 0);
	sqlite3_bind_int64(stmt, 2, 0);
	bind_text(stmt, 3, code_prefix);
	bind_text(stmt, 4, name_part);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*total = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW)
		return store_sqlite_fail(st, sqlite3_extended_errcode(db), NULL, e);
	snprintf(sql, sizeof(sql), ENT_COLS "%s ORDER BY ord LIMIT ?2 OFFSET ?1", match);
	return iter_rows_p(st, sql, true, offset, limit, code_prefix, name_part, cb, arg, e);
}

int store_ent_setting_get(struct store *st, const char *key, char **value, struct err *e)
{
	sqlite3 *db = store_sqlite_db(st);
	sqlite3_stmt *stmt;
	int rc;

	*value = NULL;
	if (db == NULL)
		return no_sqlite(e);
	rc =
	    sqlite3_prepare_v2(db, "SELECT value FROM ent_setting WHERE key = ?1", -1, &stmt, NULL);
	if (rc != SQLITE_OK)
		return store_sqlite_fail(st, sqlite3_extended_errcode(db), NULL, e);
	bind_text(stmt, 1, key);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		const char *v = col_text(stmt, 0);

		*value = xstrdup(v != NULL ? v : "");
		rc = SQLITE_DONE;
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE)
		return store_sqlite_fail(st, sqlite3_extended_errcode(db), NULL, e);
	return 0;
}

int store_ent_setting_set(struct store *st, const char *key, const char *value, int64_t now,
			  const char *by, struct err *e)
{
	sqlite3 *db = store_sqlite_db(st);
	sqlite3_stmt *stmt;
	int rc;

	if (db == NULL)
		return no_sqlite(e);
	rc = sqlite3_prepare_v2(db,
				"INSERT INTO ent_setting (key, value, updated_at, updated_by)"
				" VALUES (?1, ?2, ?3, ?4) ON CONFLICT(key) DO UPDATE SET"
				" value = excluded.value, updated_at = excluded.updated_at,"
				" updated_by = excluded.updated_by",
				-1, &stmt, NULL);
	if (rc != SQLITE_OK)
		return store_sqlite_fail(st, sqlite3_extended_errcode(db), NULL, e);
	bind_text(stmt, 1, key);
	bind_text(stmt, 2, value);
	sqlite3_bind_int64(stmt, 3, now);
	bind_text(stmt, 4, by != NULL ? by : "");
	rc = sqlite3_step(stmt);
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE)
		return store_sqlite_fail(st, sqlite3_extended_errcode(db), NULL, e);
	return 0;
}
