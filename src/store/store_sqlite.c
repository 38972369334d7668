/*
 * store/sqlite: the embedded backend. One connection per struct store, WAL
 * journal, foreign keys on, a busy timeout so concurrent processes wait for
 * the write lock instead of failing, synchronous=FULL because the audit log
 * must survive a power cut. Every value is a bound parameter; the only SQL
 * text without parameters is the static schema below.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "store/settings_store.h"
#include "store/store_internal.h"

#define SQ_BUSY_TIMEOUT_MS 5000
#define SQ_CACHE_MAX	   32 /* prepared statements kept per connection */

/* A prepared statement kept for reuse (sq_cached, sq_done). */
struct sq_cached {
	char *sql; /* own copy: the key */
	sqlite3_stmt *stmt;
	uint64_t used; /* s->tick when last handed out: the oldest goes first */
	bool busy;     /* handed out and not yet given back */
};

struct sq {
	struct store base; /* first: struct store * and struct sq * convert */
	sqlite3 *db;
	bool readonly;
	struct sq_cached cache[SQ_CACHE_MAX];
	size_t ncache;
	uint64_t tick;
	struct store_sqlite_cache_stats stats;
};

/*
 * Migrations, oldest first. Never edit an applied one: add a new version.
 * departments.name is unique among siblings (COALESCE makes top-level
 * names unique too). audit_log is append-only for the application: the
 * triggers refuse UPDATE and DELETE; someone with the file can drop them,
 * which is what the hash chain is for.
 */
static const struct store_migration sq_migrations[] = {
    {1, "departments, users, api_tokens, audit_log",
     "CREATE TABLE departments ("
     " id INTEGER PRIMARY KEY,"
     " parent_id INTEGER REFERENCES departments(id) ON DELETE RESTRICT,"
     " name TEXT NOT NULL,"
     " created_at INTEGER NOT NULL);"
     "CREATE UNIQUE INDEX departments_parent_name ON departments(COALESCE(parent_id, 0), name);"
     "CREATE TABLE users ("
     " id INTEGER PRIMARY KEY,"
     " username TEXT NOT NULL UNIQUE,"
     " display_name TEXT NOT NULL,"
     " role TEXT NOT NULL CHECK (role IN ('admin', 'guardian', 'staff', 'auditor')),"
     " department_id INTEGER REFERENCES departments(id) ON DELETE RESTRICT,"
     " password_hash TEXT NOT NULL,"
     " disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),"
     " failed_logins INTEGER NOT NULL DEFAULT 0,"
     " first_failed_at INTEGER NOT NULL DEFAULT 0,"
     " locked_until INTEGER NOT NULL DEFAULT 0,"
     " created_at INTEGER NOT NULL,"
     " updated_at INTEGER NOT NULL);"
     "CREATE INDEX users_department ON users(department_id);"
     "CREATE TABLE api_tokens ("
     " id INTEGER PRIMARY KEY,"
     " user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
     " name TEXT NOT NULL,"
     " token_hash TEXT NOT NULL UNIQUE,"
     " created_at INTEGER NOT NULL,"
     " expires_at INTEGER NOT NULL DEFAULT 0,"
     " last_used_at INTEGER NOT NULL DEFAULT 0,"
     " revoked INTEGER NOT NULL DEFAULT 0 CHECK (revoked IN (0, 1)));"
     "CREATE INDEX api_tokens_user ON api_tokens(user_id);"
     "CREATE TABLE audit_log ("
     " id INTEGER PRIMARY KEY,"
     " ts INTEGER NOT NULL,"
     " actor TEXT NOT NULL,"
     " action TEXT NOT NULL,"
     " target TEXT NOT NULL,"
     " detail TEXT NOT NULL,"
     " prev_hash TEXT NOT NULL,"
     " hash TEXT NOT NULL);"
     "CREATE INDEX audit_log_actor ON audit_log(actor);"
     "CREATE INDEX audit_log_action ON audit_log(action);"
     "CREATE INDEX audit_log_ts ON audit_log(ts);"
     "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log"
     " BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;"
     "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log"
     " BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;"},
    {2, "sessions",
     "CREATE TABLE sessions ("
     " id INTEGER PRIMARY KEY,"
     " token_hash TEXT NOT NULL UNIQUE,"
     " user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
     " csrf TEXT NOT NULL,"
     " created_at INTEGER NOT NULL,"
     " last_seen_at INTEGER NOT NULL,"
     " expires_at INTEGER NOT NULL);"
     "CREATE INDEX sessions_user ON sessions(user_id);"
     "CREATE INDEX sessions_expires ON sessions(expires_at);"},
    {3, "enterprise profiles: imports, enterprises, records, issues, warnings",
     "CREATE TABLE ent_import ("
     " id INTEGER PRIMARY KEY,"
     " dir TEXT NOT NULL,"
     " started_at INTEGER NOT NULL,"
     " finished_at INTEGER NOT NULL DEFAULT 0,"
     " stats TEXT NOT NULL DEFAULT '{}');"
     "CREATE TABLE ent_enterprise ("
     " id INTEGER PRIMARY KEY,"
     " uscc TEXT NOT NULL UNIQUE,"
     " ord INTEGER NOT NULL,"
     " line INTEGER NOT NULL,"
     " import_id INTEGER NOT NULL REFERENCES ent_import(id),"
     " repaired INTEGER NOT NULL CHECK (repaired IN (0, 1)),"
     " canon TEXT NOT NULL);"
     "CREATE TABLE ent_record ("
     " id INTEGER PRIMARY KEY,"
     " ent_id INTEGER NOT NULL REFERENCES ent_enterprise(id) ON DELETE CASCADE,"
     " file INTEGER NOT NULL CHECK (file BETWEEN 1 AND 11),"
     " rkey TEXT,"
     " canon TEXT NOT NULL,"
     " line INTEGER NOT NULL,"
     " import_id INTEGER NOT NULL REFERENCES ent_import(id),"
     " repaired INTEGER NOT NULL CHECK (repaired IN (0, 1)));"
     "CREATE UNIQUE INDEX ent_record_key ON ent_record(ent_id, file, rkey);"
     "CREATE TABLE ent_issue ("
     " id INTEGER PRIMARY KEY,"
     " import_id INTEGER NOT NULL REFERENCES ent_import(id) ON DELETE CASCADE,"
     " file TEXT NOT NULL,"
     " line INTEGER NOT NULL,"
     " kind TEXT NOT NULL,"
     " reason TEXT NOT NULL,"
     " detail TEXT NOT NULL);"
     "CREATE INDEX ent_issue_import ON ent_issue(import_id);"
     "CREATE TABLE ent_warning ("
     " import_id INTEGER NOT NULL REFERENCES ent_import(id) ON DELETE CASCADE,"
     " uscc TEXT NOT NULL,"
     " rule TEXT NOT NULL,"
     " level TEXT NOT NULL CHECK (level IN ('red', 'orange', 'yellow')),"
     " evidence TEXT NOT NULL,"
     " PRIMARY KEY (import_id, uscc, rule));"},
    /* Knowledge bases (store/sq_kb.c). kb_fts indexes kb_chunk through the
     * `cjk` tokenizer (external content: the text is stored once). */
    {4, "knowledge bases, documents, chunks, full-text index",
     "CREATE TABLE kb ("
     " id INTEGER PRIMARY KEY,"
     " name TEXT NOT NULL UNIQUE,"
     " department_id INTEGER REFERENCES departments(id) ON DELETE RESTRICT,"
     " visibility TEXT NOT NULL DEFAULT 'internal'"
     "  CHECK (visibility IN ('public', 'internal', 'department')),"
     " created_at INTEGER NOT NULL);"
     "CREATE TABLE kb_root ("
     " id INTEGER PRIMARY KEY,"
     " kb_id INTEGER NOT NULL REFERENCES kb(id) ON DELETE CASCADE,"
     " path TEXT NOT NULL,"
     " UNIQUE (kb_id, path));"
     "CREATE TABLE kb_doc ("
     " id INTEGER PRIMARY KEY,"
     " kb_id INTEGER NOT NULL REFERENCES kb(id) ON DELETE CASCADE,"
     " root TEXT NOT NULL,"
     " relpath TEXT NOT NULL,"
     " title TEXT NOT NULL,"
     " base_title TEXT NOT NULL,"
     " doc_number TEXT NOT NULL DEFAULT '',"
     " issuer TEXT NOT NULL DEFAULT '',"
     " doc_date TEXT NOT NULL DEFAULT '',"
     " validity TEXT NOT NULL DEFAULT '',"
     " validity_stated INTEGER NOT NULL DEFAULT 0,"
     " category TEXT NOT NULL DEFAULT '',"
     " content_hash TEXT NOT NULL,"
     " size INTEGER NOT NULL,"
     " mtime INTEGER NOT NULL,"
     " dup_of INTEGER REFERENCES kb_doc(id) ON DELETE SET NULL,"
     " UNIQUE (kb_id, root, relpath));"
     "CREATE INDEX kb_doc_hash ON kb_doc(kb_id, content_hash);"
     "CREATE INDEX kb_doc_base_title ON kb_doc(kb_id, base_title);"
     "CREATE INDEX kb_doc_number ON kb_doc(doc_number) WHERE doc_number != '';"
     "CREATE TABLE kb_chunk ("
     " id INTEGER PRIMARY KEY,"
     " doc_id INTEGER NOT NULL REFERENCES kb_doc(id) ON DELETE CASCADE,"
     " seq INTEGER NOT NULL,"
     " article TEXT,"
     " art_no INTEGER NOT NULL DEFAULT 0,"
     " art_sub INTEGER NOT NULL DEFAULT 0,"
     " title TEXT NOT NULL,"
     " heading TEXT NOT NULL,"
     " body TEXT NOT NULL);"
     "CREATE INDEX kb_chunk_doc ON kb_chunk(doc_id, art_no);"
     "CREATE VIRTUAL TABLE kb_fts USING fts5(title, heading, body,"
     " content='kb_chunk', content_rowid='id', tokenize='cjk');"
     "CREATE VIRTUAL TABLE kb_fts_vocab USING fts5vocab(kb_fts, 'row');"
     /* Document frequency per token, copied from kb_fts_vocab after each
      * ingest: a point lookup here is a B-tree seek, on the vocab table a scan. */
     "CREATE TABLE kb_term (term TEXT PRIMARY KEY, df INTEGER NOT NULL) WITHOUT ROWID;"},
    {5, "model_usage: tokens per model call (gateway), reasoning kept for the record",
     "CREATE TABLE model_usage ("
     " id INTEGER PRIMARY KEY,"
     " ts INTEGER NOT NULL,"
     " user_id INTEGER REFERENCES users(id) ON DELETE RESTRICT,"
     " department_id INTEGER,"
     " provider TEXT NOT NULL,"
     " model TEXT NOT NULL,"
     " status TEXT NOT NULL CHECK (status IN ('done', 'error', 'aborted')),"
     " prompt_tokens INTEGER NOT NULL DEFAULT 0 CHECK (prompt_tokens >= 0),"
     " completion_tokens INTEGER NOT NULL DEFAULT 0 CHECK (completion_tokens >= 0),"
     " reasoning_tokens INTEGER NOT NULL DEFAULT 0 CHECK (reasoning_tokens >= 0),"
     " first_token_ms INTEGER NOT NULL DEFAULT 0,"
     " duration_ms INTEGER NOT NULL DEFAULT 0,"
     " reasoning TEXT NOT NULL DEFAULT '');"
     "CREATE INDEX model_usage_user_ts ON model_usage(user_id, ts);"},
    {6, "sensitive word lists, words and hits", store_sq_privacy_schema},
    {8, "digital employees, versions, tasks, task events, notifications",
     "CREATE TABLE employees ("
     " id INTEGER PRIMARY KEY,"
     " name TEXT NOT NULL UNIQUE,"
     " department_id INTEGER REFERENCES departments(id) ON DELETE RESTRICT,"
     " guardian_id INTEGER NOT NULL REFERENCES users(id) ON DELETE RESTRICT,"
     " deputy_id INTEGER REFERENCES users(id) ON DELETE RESTRICT,"
     " state TEXT NOT NULL CHECK (state IN ('draft','pending','active','paused','retired')),"
     " version INTEGER NOT NULL,"
     " config TEXT NOT NULL,"
     " acceptance TEXT,"
     " acceptance_version INTEGER NOT NULL DEFAULT 0,"
     " created_at INTEGER NOT NULL,"
     " updated_at INTEGER NOT NULL);"
     "CREATE TABLE employee_versions ("
     " employee_id INTEGER NOT NULL REFERENCES employees(id) ON DELETE RESTRICT,"
     " version INTEGER NOT NULL,"
     " config TEXT NOT NULL,"
     " actor TEXT NOT NULL,"
     " created_at INTEGER NOT NULL,"
     " PRIMARY KEY (employee_id, version));"
     "CREATE TABLE tasks ("
     " id INTEGER PRIMARY KEY,"
     " employee_id INTEGER NOT NULL REFERENCES employees(id) ON DELETE RESTRICT,"
     " employee_version INTEGER NOT NULL,"
     " scenario TEXT NOT NULL,"
     " scenario_version TEXT NOT NULL,"
     " requester_id INTEGER NOT NULL REFERENCES users(id) ON DELETE RESTRICT,"
     " department_id INTEGER,"
     " state TEXT NOT NULL CHECK (state IN"
     "  ('running','draft','approved','rejected','returned','cancelled','failed')),"
     " inputs TEXT NOT NULL,"
     " result TEXT,"
     " final_text TEXT,"
     " reason TEXT,"
     " decided_by INTEGER REFERENCES users(id),"
     " edit_distance INTEGER,"
     " created_at INTEGER NOT NULL,"
     " drafted_at INTEGER NOT NULL DEFAULT 0,"
     " decided_at INTEGER NOT NULL DEFAULT 0);"
     "CREATE INDEX tasks_employee ON tasks(employee_id, state);"
     "CREATE INDEX tasks_requester ON tasks(requester_id);"
     "CREATE TABLE task_events ("
     " id INTEGER PRIMARY KEY,"
     " task_id INTEGER NOT NULL REFERENCES tasks(id) ON DELETE RESTRICT,"
     " ts INTEGER NOT NULL,"
     " actor TEXT NOT NULL,"
     " kind TEXT NOT NULL,"
     " detail TEXT NOT NULL,"
     " digest TEXT NOT NULL,"
     " audit_id INTEGER NOT NULL);"
     "CREATE INDEX task_events_task ON task_events(task_id);"
     "CREATE TABLE notifications ("
     " id INTEGER PRIMARY KEY,"
     " user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
     " task_id INTEGER REFERENCES tasks(id) ON DELETE RESTRICT,"
     " message TEXT NOT NULL,"
     " read INTEGER NOT NULL DEFAULT 0 CHECK (read IN (0, 1)),"
     " created_at INTEGER NOT NULL);"
     "CREATE INDEX notifications_user ON notifications(user_id, read);"},
    {9, "enterprise settings: who may read enterprise data, 产业链 nodes",
     "CREATE TABLE ent_setting ("
     " key TEXT PRIMARY KEY,"
     " value TEXT NOT NULL,"
     " updated_at INTEGER NOT NULL,"
     " updated_by TEXT NOT NULL DEFAULT '');"},
    {11, "task input files (originals as blobs, their text and digest)", store_sq_taskfile_schema},
    {12, "saved enterprise screening lists; enterprise search indexes", store_sq_entlist_schema},
    {13, "runtime settings changed by administrators", store_sq_settings_schema},
    {14, "knowledge-base chunk vectors (embeddings)", store_sq_kbvec_schema},
    {15, "enterprise warnings snapshots of risk-rule changes", store_sq_entsnap_schema},
    {17, "generation counter of the chunk vectors (server's in-memory copy)",
     store_sq_kbvec_gen_schema},
    {18, "knowledge-base jobs of the server (uploads, reindexes)", store_sq_kbjob_schema},
};

static struct sq *sq_of(struct store *st)
{
	return (struct sq *)st;
}

static const struct store_ops sq_ops;

/* Map an SQLite result code to a BASE_E_* code and a message fit for an
 * HTTP client; the library's own message (which may quote SQL) is logged. */
static int sq_fail(struct sq *s, int rc, const char *conflict_msg, struct err *e)
{
	int primary = rc & 0xff;

	switch (primary) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return err_set(e, BASE_E_BUSY, "数据库忙，请稍后重试");
	case SQLITE_CONSTRAINT:
		if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
			return err_set(e, BASE_E_CONFLICT, "%s",
				       conflict_msg ? conflict_msg : "引用的记录不存在或仍被引用");
		if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
			return err_set(e, BASE_E_CONFLICT, "%s",
				       conflict_msg ? conflict_msg : "记录已存在");
		if (rc == SQLITE_CONSTRAINT_TRIGGER)
			return err_set(e, BASE_E_CONFLICT, "审计日志只能追加，不能修改或删除");
		return err_set(e, BASE_E_FORMAT, "数据不符合约束");
	case SQLITE_NOTADB:
	case SQLITE_CORRUPT:
		return err_set(e, BASE_E_FORMAT, "不是数据库文件或数据库已损坏");
	case SQLITE_CANTOPEN:
		return err_set(e, BASE_E_IO, "无法打开数据库文件");
	case SQLITE_READONLY:
		return err_set(e, BASE_E_IO, "数据库为只读");
	case SQLITE_FULL:
	case SQLITE_IOERR:
		return err_set(e, BASE_E_IO, "数据库读写失败（磁盘已满或 I/O 错误）");
	default:
		base_log(LOG_ERROR, "sqlite: %s (%d)", s && s->db ? sqlite3_errmsg(s->db) : "?",
			 rc);
		return err_set(e, BASE_E_INTERNAL, "数据库内部错误（代码 %d）", rc);
	}
}

static int sq_prepare(struct sq *s, const char *sql, sqlite3_stmt **stmt, struct err *e)
{
	int rc = sqlite3_prepare_v2(s->db, sql, -1, stmt, NULL);

	if (rc != SQLITE_OK) {
		*stmt = NULL;
		return sq_fail(s, rc, NULL, e);
	}
	return 0;
}

/*
 * Statement cache: the statements every request runs (session and user
 * lookups, usage rows, quota sums) are prepared once per connection instead
 * of once per call (parsing and planning cost more than running them).
 * sq_cached() hands out the cached statement for this SQL text, or prepares
 * one; sq_done() gives it back: reset (ending its read transaction at once)
 * with its bindings cleared, or finalized when it was not cached. A text
 * whose statement is still handed out (a nested use) gets a fresh one that
 * is not cached. Schema changes need nothing here: statements from
 * sqlite3_prepare_v2 recompile themselves when the schema changed. All of
 * them are finalized when the connection closes.
 */
static int sq_cached(struct sq *s, const char *sql, sqlite3_stmt **stmt, struct err *e)
{
	struct sq_cached *slot = NULL;
	bool nested = false;
	int rc;

	for (size_t i = 0; i < s->ncache; i++) {
		struct sq_cached *c = &s->cache[i];

		if (strcmp(c->sql, sql) == 0) {
			if (c->busy) {
				nested = true;
				break;
			}
			c->busy = true;
			c->used = ++s->tick;
			s->stats.hits++;
			*stmt = c->stmt;
			return 0;
		}
	}
	rc = sq_prepare(s, sql, stmt, e);
	if (rc != 0)
		return rc;
	s->stats.prepares++;
	if (nested)
		return 0;
	if (s->ncache < SQ_CACHE_MAX) {
		slot = &s->cache[s->ncache++];
	} else {
		for (size_t i = 0; i < s->ncache; i++)
			if (!s->cache[i].busy && (slot == NULL || s->cache[i].used < slot->used))
				slot = &s->cache[i];
		if (slot == NULL) /* all handed out: this one is not kept */
			return 0;
		sqlite3_finalize(slot->stmt);
		free(slot->sql);
		s->stats.evictions++;
	}
	slot->sql = xstrdup(sql);
	slot->stmt = *stmt;
	slot->busy = true;
	slot->used = ++s->tick;
	return 0;
}

/* Give back a statement from sq_cached or sq_prepare (NULL: nothing). */
static void sq_done(struct sq *s, sqlite3_stmt *stmt)
{
	if (stmt == NULL)
		return;
	for (size_t i = 0; i < s->ncache; i++)
		if (s->cache[i].stmt == stmt) {
			sqlite3_reset(stmt);
			sqlite3_clear_bindings(stmt);
			s->cache[i].busy = false;
			return;
		}
	sqlite3_finalize(stmt);
}

static void sq_cache_clear(struct sq *s)
{
	for (size_t i = 0; i < s->ncache; i++) {
		sqlite3_finalize(s->cache[i].stmt);
		free(s->cache[i].sql);
	}
	s->ncache = 0;
}

static void sq_bind_text(sqlite3_stmt *stmt, int i, const char *v)
{
	sqlite3_bind_text(stmt, i, v, -1, SQLITE_STATIC);
}

/* Bind 0 as NULL: a missing parent or department. */
static void sq_bind_id_or_null(sqlite3_stmt *stmt, int i, int64_t v)
{
	if (v > 0)
		sqlite3_bind_int64(stmt, i, v);
	else
		sqlite3_bind_null(stmt, i);
}

/* Run a statement that returns no rows. */
static int sq_exec_stmt(struct sq *s, sqlite3_stmt *stmt, const char *conflict_msg, struct err *e)
{
	int rc = sqlite3_step(stmt);
	int ret = 0;

	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		ret = sq_fail(s, sqlite3_extended_errcode(s->db), conflict_msg, e);
	sq_done(s, stmt);
	return ret;
}

/* Copy a text column into a bounded field; longer values mean the file was
 * written by something else and are refused rather than cut. */
static int sq_copy_text(sqlite3_stmt *stmt, int col, char *dst, size_t cap, struct err *e)
{
	const unsigned char *v = sqlite3_column_text(stmt, col);
	size_t n = (size_t)sqlite3_column_bytes(stmt, col);

	if (v == NULL) {
		dst[0] = '\0';
		return 0;
	}
	if (n >= cap)
		return err_set(e, BASE_E_FORMAT, "数据库中的记录超出长度限制");
	memcpy(dst, v, n);
	dst[n] = '\0';
	return 0;
}

static const char *sq_text_or_empty(sqlite3_stmt *stmt, int col)
{
	const unsigned char *v = sqlite3_column_text(stmt, col);

	return v ? (const char *)v : "";
}

static int sq_exec_plain(struct sq *s, const char *sql, struct err *e)
{
	int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);

	if (rc != SQLITE_OK)
		return sq_fail(s, sqlite3_extended_errcode(s->db), NULL, e);
	return 0;
}

/* ---- schema ---- */

static int sq_read_version(struct sq *s, int *version, struct err *e)
{
	sqlite3_stmt *stmt;
	int rc;

	rc = sqlite3_prepare_v2(s->db, "SELECT COALESCE(MAX(version), 0) FROM schema_version", -1,
				&stmt, NULL);
	if (rc != SQLITE_OK) {
		rc = sqlite3_extended_errcode(s->db);
		if ((rc & 0xff) == SQLITE_ERROR)
			return err_set(e, BASE_E_FORMAT,
				       "不是数智数据库（缺少 schema_version 表）");
		return sq_fail(s, rc, NULL, e);
	}
	rc = sqlite3_step(stmt);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(stmt);
		return sq_fail(s, sqlite3_extended_errcode(s->db), NULL, e);
	}
	*version = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	return 0;
}

static int sq_apply_one(struct sq *s, const struct store_migration *m, struct err *e)
{
	sqlite3_stmt *stmt;
	int current;
	int rc;

	rc = sq_exec_plain(s, "BEGIN IMMEDIATE", e);
	if (rc != 0)
		return rc;
	/* Another process may have migrated while we waited for the lock. */
	rc = sq_read_version(s, &current, e);
	if (rc != 0)
		goto out_rollback;
	if (current >= m->version)
		return sq_exec_plain(s, "COMMIT", e);
	rc = sq_exec_plain(s, m->sql, e);
	if (rc != 0)
		goto out_rollback;
	rc = sq_prepare(s,
			"INSERT INTO schema_version (version, description, applied_at)"
			" VALUES (?1, ?2, CAST(strftime('%s', 'now') AS INTEGER) * 1000)",
			&stmt, e);
	if (rc != 0)
		goto out_rollback;
	sqlite3_bind_int(stmt, 1, m->version);
	sq_bind_text(stmt, 2, m->description);
	rc = sq_exec_stmt(s, stmt, "迁移版本已存在", e);
	if (rc != 0)
		goto out_rollback;
	return sq_exec_plain(s, "COMMIT", e);

out_rollback:
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

int store_sqlite_migrate(struct store *st, const struct store_migration *m, size_t n, struct err *e)
{
	struct sq *s = sq_of(st);
	int current;
	int rc;

	rc = sq_exec_plain(s,
			   "CREATE TABLE IF NOT EXISTS schema_version ("
			   " version INTEGER PRIMARY KEY,"
			   " description TEXT NOT NULL,"
			   " applied_at INTEGER NOT NULL)",
			   e);
	if (rc != 0)
		return rc;
	rc = sq_read_version(s, &current, e);
	if (rc != 0)
		return rc;
	if (n > 0 && current > m[n - 1].version)
		return err_set(e, BASE_E_FORMAT, "数据库版本（%d）比本程序（%d）新，请升级程序",
			       current, m[n - 1].version);
	for (size_t i = 0; i < n; i++) {
		if (m[i].version <= current)
			continue;
		rc = sq_apply_one(s, &m[i], e);
		if (rc != 0)
			return rc;
	}
	return 0;
}

static int sq_schema_version(struct store *st, int *version, struct err *e)
{
	return sq_read_version(sq_of(st), version, e);
}

static int sq_schema_latest(struct store *st)
{
	(void)st;
	return sq_migrations[ARRAY_LEN(sq_migrations) - 1].version;
}

/* ---- connection ---- */

static void sq_close(struct store *st)
{
	struct sq *s = sq_of(st);

	sq_cache_clear(s);
	sqlite3_close_v2(s->db);
	free(s);
}

static int sq_tx_begin(struct store *st, struct err *e)
{
	struct sq *s = sq_of(st);

	if (s->readonly)
		return err_set(e, BASE_E_INTERNAL, "只读打开的数据库不能写入");
	return sq_exec_plain(s, "BEGIN IMMEDIATE", e);
}

static int sq_tx_commit(struct store *st, struct err *e)
{
	return sq_exec_plain(sq_of(st), "COMMIT", e);
}

static void sq_tx_rollback(struct store *st)
{
	sqlite3_exec(sq_of(st)->db, "ROLLBACK", NULL, NULL, NULL);
}

/* ---- departments ---- */

static const char sq_dept_cols[] = "SELECT id, COALESCE(parent_id, 0), name, created_at"
				   " FROM departments ";

static int sq_dept_row(sqlite3_stmt *stmt, struct store_dept *d, struct err *e)
{
	d->id = sqlite3_column_int64(stmt, 0);
	d->parent_id = sqlite3_column_int64(stmt, 1);
	d->created_at = sqlite3_column_int64(stmt, 3);
	return sq_copy_text(stmt, 2, d->name, sizeof(d->name), e);
}

/* Run a prepared INSERT (finalized here) and hand back the new row id. A
 * failed foreign key gets fk_msg, a failed CHECK check_msg (if not NULL, as a
 * format error), anything else conflict_msg. */
static int sq_insert_step(struct sq *s, sqlite3_stmt *stmt, const char *fk_msg,
			  const char *check_msg, const char *conflict_msg, int64_t *id,
			  struct err *e)
{
	int rc = sqlite3_step(stmt);

	if (rc != SQLITE_DONE)
		rc = sqlite3_extended_errcode(s->db);
	else
		*id = sqlite3_last_insert_rowid(s->db);
	sq_done(s, stmt);
	if (rc != SQLITE_DONE) {
		if (check_msg != NULL && rc == SQLITE_CONSTRAINT_CHECK)
			return err_set(e, BASE_E_FORMAT, "%s", check_msg);
		return sq_fail(s, rc, rc == SQLITE_CONSTRAINT_FOREIGNKEY ? fk_msg : conflict_msg,
			       e);
	}
	return 0;
}

static int sq_dept_insert(struct store *st, const struct store_dept *d, int64_t *id, struct err *e)
{
	struct sq *s = sq_of(st);
	sqlite3_stmt *stmt;
	int rc;

	rc = sq_prepare(s,
			"INSERT INTO departments (parent_id, name, created_at) VALUES (?1, ?2, ?3)",
			&stmt, e);
	if (rc != 0)
		return rc;
	sq_bind_id_or_null(stmt, 1, d->parent_id);
	sq_bind_text(stmt, 2, d->name);
	sqlite3_bind_int64(stmt, 3, d->created_at);
	return sq_insert_step(s, stmt, "上级部门不存在", NULL, "同一上级部门下已有同名部门", id, e);
}

static int sq_dept_get(struct store *st, int64_t id, struct store_dept *out, struct err *e)
{
	struct sq *s = sq_of(st);
	char sql[256];
	sqlite3_stmt *stmt;
	int rc;

	snprintf(sql, sizeof(sql), "%s WHERE id = ?1", sq_dept_cols);
	rc = sq_cached(s, sql, &stmt, e);
	if (rc != 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, id);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		rc = sq_dept_row(stmt, out, e);
	else if (rc == SQLITE_DONE)
		rc = err_set(e, BASE_E_NOTFOUND, "部门不存在");
	else
		rc = sq_fail(s, sqlite3_extended_errcode(s->db), NULL, e);
	sq_done(s, stmt);
	return rc;
}

static int sq_dept_find(struct store *st, int64_t parent_id, const char *name,
			struct store_dept *out, size_t *count, struct err *e)
{
	struct sq *s = sq_of(st);
	char sql[320];
	sqlite3_stmt *stmt;
	int copy_rc = 0;
	int rc;

	*count = 0;
	snprintf(sql, sizeof(sql),
		 "%s WHERE name = ?1 AND (?2 < 0 OR COALESCE(parent_id, 0) = ?2)"
		 " ORDER BY id",
		 sq_dept_cols);
	rc = sq_prepare(s, sql, &stmt, e);
	if (rc != 0)
		return rc;
	sq_bind_text(stmt, 1, name);
	sqlite3_bind_int64(stmt, 2, parent_id);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (*count == 0)
			copy_rc = sq_dept_row(stmt, out, e);
		if (copy_rc != 0)
			break;
		(*count)++;
	}
	if (copy_rc != 0)
		rc = copy_rc;
	else if (rc == SQLITE_DONE)
		rc = 0;
	else
		rc = sq_fail(s, sqlite3_extended_errcode(s->db), NULL, e);
	sqlite3_finalize(stmt);
	return rc;
}

static int sq_dept_iter(struct store *st, store_dept_cb cb, void *arg, struct err *e)
{
	struct sq *s = sq_of(st);
	char sql[256];
	sqlite3_stmt *stmt;
	struct store_dept d;
	int rc;
	int ret = 0;

	snprintf(sql, sizeof(sql), "%s ORDER BY id", sq_dept_cols);
	rc = sq_prepare(s, sql, &stmt, e);
	if (rc != 0)
		return rc;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		ret = sq_dept_row(stmt, &d, e);
		if (ret == 0)
			ret = cb(&d, arg);
		if (ret != 0)
			break;
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = sq_fail(s, sqlite3_extended_errcode(s->db), NULL, e);
	sqlite3_finalize(stmt);
	return ret;
}

/* ---- users ---- */

static const char sq_user_cols[] =
    "SELECT id, username, display_name, role, COALESCE(department_id, 0), password_hash,"
    " disabled, failed_logins, first_failed_at, locked_until, created_at, updated_at"
    " FROM users ";

static int sq_user_row(sqlite3_stmt *stmt, struct store_user *u, struct err *e)
{
	u->id = sqlite3_column_int64(stmt, 0);
	u->department_id = sqlite3_column_int64(stmt, 4);
	u->disabled = sqlite3_column_int(stmt, 6) != 0;
	u->failed_logins = sqlite3_column_int(stmt, 7);
	u->first_failed_at = sqlite3_column_int64(stmt, 8);
	u->locked_until = sqlite3_column_int64(stmt, 9);
	u->created_at = sqlite3_column_int64(stmt, 10);
	u->updated_at = sqlite3_column_int64(stmt, 11);
	if (sq_copy_text(stmt, 1, u->username, sizeof(u->username), e) != 0 ||
	    sq_copy_text(stmt, 2, u->display_name, sizeof(u->display_name), e) != 0 ||
	    sq_copy_text(stmt, 3, u->role, sizeof(u->role), e) != 0 ||
	    sq_copy_text(stmt, 5, u->password_hash, sizeof(u->password_hash), e) != 0)
		return e->code;
	return 0;
}

static int sq_user_insert(struct store *st, const struct store_user *u, int64_t *id, struct err *e)
{
	struct sq *s = sq_of(st);
	sqlite3_stmt *stmt;
	int rc;

	rc = sq_prepare(s,
			"INSERT INTO users (username, display_name, role, department_id,"
			" password_hash, disabled, created_at, updated_at)"
			" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
			&stmt, e);
	if (rc != 0)
		return rc;
	sq_bind_text(stmt, 1, u->username);
	sq_bind_text(stmt, 2, u->display_name);
	sq_bind_text(stmt, 3, u->role);
	sq_bind_id_or_null(stmt, 4, u->department_id);
	sq_bind_text(stmt, 5, u->password_hash);
	sqlite3_bind_int(stmt, 6, u->disabled ? 1 : 0);
	sqlite3_bind_int64(stmt, 7, u->created_at);
	return sq_insert_step(s, stmt, "部门不存在", "角色无效", "用户名已存在", id, e);
}

static int sq_user_get(struct store *st, const char *username, struct store_user *out,
		       struct err *e)
{
	struct sq *s = sq_of(st);
	char sql[512];
	sqlite3_stmt *stmt;
	int rc;

	snprintf(sql, sizeof(sql), "%s WHERE username = ?1", sq_user_cols);
	rc = sq_cached(s, sql, &stmt, e);
	if (rc != 0)
		return rc;
	sq_bind_text(stmt, 1, username);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		rc = sq_user_row(stmt, out, e);
	else if (rc == SQLITE_DONE)
		rc = err_set(e, BASE_E_NOTFOUND, "用户不存在");
	else
		rc = sq_fail(s, sqlite3_extended_errcode(s->db), NULL, e);
	sq_done(s, stmt);
	return rc;
}

/* UPDATE … WHERE id = ?: NOTFOUND when no row changed. */
static int sq_update_one(struct sq *s, sqlite3_stmt *stmt, struct err *e)
{
	int rc = sq_exec_stmt(s, stmt, NULL, e);

	if (rc == 0 && sqlite3_changes(s->db) == 0)
		return err_set(e, BASE_E_NOTFOUND, "用户不存在");
	return rc;
}

static int sq_user_set_password(struct store *st, int64_t id, const char *hash, int64_t now,
				struct err *e)
{
	struct sq *s = sq_of(st);
	sqlite3_stmt *stmt;
	int rc;

	/* A new password also lifts a lockout: an administrator set it. */
	rc = sq_prepare(s,
			"UPDATE users SET password_hash = ?1, failed_logins = 0,"
			" first_failed_at = 0, locked_until = 0, updated_at = ?2 WHERE id = ?3",
			&stmt, e);
	if (rc != 0)
		return rc;
	sq_bind_text(stmt, 1, hash);
	sqlite3_bind_int64(stmt, 2, now);
	sqlite3_bind_int64(stmt, 3, id);
	return sq_update_one(s, stmt, e);
}

static int sq_user_set_disabled(struct store *st, int64_t id, bool disabled, int64_t now,
				struct err *e)
{
	struct sq *s = sq_of(st);
	sqlite3_stmt *stmt;
	int rc;

	rc = sq_prepare(s, "UPDATE users SET disabled = ?1, updated_at = ?2 WHERE id = ?3", &stmt,
			e);
	if (rc != 0)
		return rc;
	sqlite3_bind_int(stmt, 1, disabled ? 1 : 0);
	sqlite3_bind_int64(stmt, 2, now);
	sqlite3_bind_int64(stmt, 3, id);
	return sq_update_one(s, stmt, e);
}

static int sq_user_set_login_state(struct store *st, const struct store_user *u, int64_t now,
				   struct err *e)
{
	struct sq *s = sq_of(st);
	sqlite3_stmt *stmt;
	int rc;

	rc = sq_prepare(s,
			"UPDATE users SET failed_logins = ?1, first_failed_at = ?2,"
			" locked_until = ?3, updated_at = ?4 WHERE id = ?5",
			&stmt, e);
	if (rc != 0)
		return rc;
	sqlite3_bind_int(stmt, 1, u->failed_logins);
	sqlite3_bind_int64(stmt, 2, u->first_failed_at);
	sqlite3_bind_int64(stmt, 3, u->locked_until);
	sqlite3_bind_int64(stmt, 4, now);
	sqlite3_bind_int64(stmt, 5, u->id);
	return sq_update_one(s, stmt, e);
}

static int sq_user_iter(struct store *st, store_user_cb cb, void *arg, struct err *e)
{
	struct sq *s = sq_of(st);
	char sql[512];
	sqlite3_stmt *stmt;
	struct store_user u;
	int rc;
	int ret = 0;

	snprintf(sql, sizeof(sql), "%s ORDER BY id", sq_user_cols);
	rc = sq_prepare(s, sql, &stmt, e);
	if (rc != 0)
		return rc;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		ret = sq_user_row(stmt, &u, e);
		if (ret == 0)
			ret = cb(&u, arg);
		if (ret != 0)
			break;
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = sq_fail(s, sqlite3_extended_errcode(s->db), NULL, e);
	sqlite3_finalize(stmt);
	return ret;
}

static int sq_user_get_id(struct store *st, int64_t id, struct store_user *out, struct err *e)
{
	struct sq *s = sq_of(st);
	char sql[512];
	sqlite3_stmt *stmt;
	int rc;

	snprintf(sql, sizeof(sql), "%s WHERE id = ?1", sq_user_cols);
	rc = sq_cached(s, sql, &stmt, e);
	if (rc != 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, id);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		rc = sq_user_row(stmt, out, e);
	else if (rc == SQLITE_DONE)
		rc = err_set(e, BASE_E_NOTFOUND, "用户不存在");
	else
		rc = sq_fail(s, sqlite3_extended_errcode(s->db), NULL, e);
	sq_done(s, stmt);
	return rc;
}

/* ---- sessions ---- */

static int sq_session_insert(struct store *st, const struct store_session *ss, int64_t *id,
			     struct err *e)
{
	struct sq *s = sq_of(st);
	sqlite3_stmt *stmt;
	int rc;

	rc = sq_prepare(s,
			"INSERT INTO sessions (token_hash, user_id, csrf, created_at, last_seen_at,"
			" expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
			&stmt, e);
	if (rc != 0)
		return rc;
	sq_bind_text(stmt, 1, ss->token_hash);
	sqlite3_bind_int64(stmt, 2, ss->user_id);
	sq_bind_text(stmt, 3, ss->csrf);
	sqlite3_bind_int64(stmt, 4, ss->created_at);
	sqlite3_bind_int64(stmt, 5, ss->last_seen_at);
	sqlite3_bind_int64(stmt, 6, ss->expires_at);
	return sq_insert_step(s, stmt, "用户不存在", NULL, "会话已存在", id, e);
}

static int sq_session_find(struct store *st, const char *token_hash, struct store_session *out,
			   struct err *e)
{
	struct sq *s = sq_of(st);
	sqlite3_stmt *stmt;
	int rc;

	rc = sq_cached(s,
		       "SELECT id, token_hash, user_id, csrf, created_at, last_seen_at, expires_at"
		       " FROM sessions WHERE token_hash = ?1",
		       &stmt, e);
	if (rc != 0)
		return rc;
	sq_bind_text(stmt, 1, token_hash);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		out->id = sqlite3_column_int64(stmt, 0);
		out->user_id = sqlite3_column_int64(stmt, 2);
		out->created_at = sqlite3_column_int64(stmt, 4);
		out->last_seen_at = sqlite3_column_int64(stmt, 5);
		out->expires_at = sqlite3_column_int64(stmt, 6);
		rc = sq_copy_text(stmt, 1, out->token_hash, sizeof(out->token_hash), e);
		if (rc == 0)
			rc = sq_copy_text(stmt, 3, out->csrf, sizeof(out->csrf), e);
	} else if (rc == SQLITE_DONE) {
		rc = err_set(e, BASE_E_NOTFOUND, "会话不存在或已过期");
	} else {
		rc = sq_fail(s, sqlite3_extended_errcode(s->db), NULL, e);
	}
	sq_done(s, stmt);
	return rc;
}

static int sq_session_touch(struct store *st, int64_t id, int64_t now, struct err *e)
{
	struct sq *s = sq_of(st);
	sqlite3_stmt *stmt;
	int rc;

	rc = sq_cached(s, "UPDATE sessions SET last_seen_at = ?1 WHERE id = ?2", &stmt, e);
	if (rc != 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, now);
	sqlite3_bind_int64(stmt, 2, id);
	return sq_exec_stmt(s, stmt, NULL, e);
}

/* Run a DELETE and report how many rows went. */
static int sq_delete_count(struct sq *s, sqlite3_stmt *stmt, size_t *count, struct err *e)
{
	int rc = sq_exec_stmt(s, stmt, NULL, e);

	if (rc == 0 && count != NULL)
		*count = (size_t)sqlite3_changes(s->db);
	return rc;
}

static int sq_session_delete(struct store *st, const char *token_hash, struct err *e)
{
	struct sq *s = sq_of(st);
	sqlite3_stmt *stmt;
	int rc;

	rc = sq_prepare(s, "DELETE FROM sessions WHERE token_hash = ?1", &stmt, e);
	if (rc != 0)
		return rc;
	sq_bind_text(stmt, 1, token_hash);
	return sq_delete_count(s, stmt, NULL, e);
}

static int sq_session_delete_user(struct store *st, int64_t user_id, size_t *count, struct err *e)
{
	struct sq *s = sq_of(st);
	sqlite3_stmt *stmt;
	int rc;

	rc = sq_prepare(s, "DELETE FROM sessions WHERE user_id = ?1", &stmt, e);
	if (rc != 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, user_id);
	return sq_delete_count(s, stmt, count, e);
}

static int sq_session_delete_expired(struct store *st, int64_t now, int64_t idle_before,
				     size_t *count, struct err *e)
{
	struct sq *s = sq_of(st);
	sqlite3_stmt *stmt;
	int rc;

	rc = sq_prepare(s, "DELETE FROM sessions WHERE expires_at <= ?1 OR last_seen_at < ?2",
			&stmt, e);
	if (rc != 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, now);
	sqlite3_bind_int64(stmt, 2, idle_before);
	return sq_delete_count(s, stmt, count, e);
}

/* ---- API tokens ---- */

static int sq_token_insert(struct store *st, const struct store_token *t, int64_t *id,
			   struct err *e)
{
	struct sq *s = sq_of(st);
	sqlite3_stmt *stmt;
	int rc;

	rc = sq_prepare(s,
			"INSERT INTO api_tokens (user_id, name, token_hash, created_at, expires_at)"
			" VALUES (?1, ?2, ?3, ?4, ?5)",
			&stmt, e);
	if (rc != 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, t->user_id);
	sq_bind_text(stmt, 2, t->name);
	sq_bind_text(stmt, 3, t->token_hash);
	sqlite3_bind_int64(stmt, 4, t->created_at);
	sqlite3_bind_int64(stmt, 5, t->expires_at);
	return sq_insert_step(s, stmt, "用户不存在", NULL, "令牌已存在", id, e);
}

#define SQ_TOKEN_COLS                                                                              \
	"SELECT id, user_id, name, token_hash, created_at, expires_at, last_used_at, revoked"      \
	" FROM api_tokens"

static int sq_token_row(sqlite3_stmt *stmt, struct store_token *out, struct err *e)
{
	int rc;

	out->id = sqlite3_column_int64(stmt, 0);
	out->user_id = sqlite3_column_int64(stmt, 1);
	out->created_at = sqlite3_column_int64(stmt, 4);
	out->expires_at = sqlite3_column_int64(stmt, 5);
	out->last_used_at = sqlite3_column_int64(stmt, 6);
	out->revoked = sqlite3_column_int(stmt, 7) != 0;
	rc = sq_copy_text(stmt, 2, out->name, sizeof(out->name), e);
	if (rc == 0)
		rc = sq_copy_text(stmt, 3, out->token_hash, sizeof(out->token_hash), e);
	return rc;
}

/* One token by a bound key (?1): text when key_text, else key_id. */
static int sq_token_one(struct sq *s, const char *where, const char *key_text, int64_t key_id,
			struct store_token *out, struct err *e)
{
	char sql[256];
	sqlite3_stmt *stmt;
	int rc;

	snprintf(sql, sizeof(sql), "%s WHERE %s = ?1", SQ_TOKEN_COLS, where);
	rc = sq_cached(s, sql, &stmt, e);
	if (rc != 0)
		return rc;
	if (key_text != NULL)
		sq_bind_text(stmt, 1, key_text);
	else
		sqlite3_bind_int64(stmt, 1, key_id);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		rc = sq_token_row(stmt, out, e);
	else if (rc == SQLITE_DONE)
		rc = err_set(e, BASE_E_NOTFOUND, "令牌不存在");
	else
		rc = sq_fail(s, sqlite3_extended_errcode(s->db), NULL, e);
	sq_done(s, stmt);
	return rc;
}

static int sq_token_find(struct store *st, const char *token_hash, struct store_token *out,
			 struct err *e)
{
	return sq_token_one(sq_of(st), "token_hash", token_hash, 0, out, e);
}

static int sq_token_get(struct store *st, int64_t id, struct store_token *out, struct err *e)
{
	return sq_token_one(sq_of(st), "id", NULL, id, out, e);
}

static int sq_token_iter(struct store *st, int64_t user_id, store_token_cb cb, void *arg,
			 struct err *e)
{
	struct sq *s = sq_of(st);
	sqlite3_stmt *stmt;
	struct store_token t;
	int rc;
	int ret = 0;

	rc =
	    sq_prepare(s, SQ_TOKEN_COLS " WHERE ?1 = 0 OR user_id = ?1 ORDER BY id DESC", &stmt, e);
	if (rc != 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, user_id);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		ret = sq_token_row(stmt, &t, e);
		if (ret == 0)
			ret = cb(&t, arg);
		if (ret != 0)
			break;
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = sq_fail(s, sqlite3_extended_errcode(s->db), NULL, e);
	sqlite3_finalize(stmt);
	return ret;
}

/* UPDATE api_tokens SET <set> WHERE id = ?1 with ?2 = v; NOTFOUND when no row. */
static int sq_token_update(struct sq *s, const char *sql, int64_t id, int64_t v, struct err *e)
{
	sqlite3_stmt *stmt;
	int rc;

	rc = sq_cached(s, sql, &stmt, e);
	if (rc != 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_int64(stmt, 2, v);
	rc = sqlite3_step(stmt);
	if (rc != SQLITE_DONE)
		rc = sq_fail(s, sqlite3_extended_errcode(s->db), NULL, e);
	else if (sqlite3_changes(s->db) == 0)
		rc = err_set(e, BASE_E_NOTFOUND, "令牌不存在");
	else
		rc = 0;
	sq_done(s, stmt);
	return rc;
}

static int sq_token_revoke(struct store *st, int64_t id, struct err *e)
{
	return sq_token_update(sq_of(st), "UPDATE api_tokens SET revoked = ?2 WHERE id = ?1", id, 1,
			       e);
}

static int sq_token_touch(struct store *st, int64_t id, int64_t now, struct err *e)
{
	return sq_token_update(sq_of(st), "UPDATE api_tokens SET last_used_at = ?2 WHERE id = ?1",
			       id, now, e);
}

/* ---- audit log ---- */

/* Hash columns are exactly 64 characters; anything else (a tampered file)
 * becomes "" so that comparisons fail instead of reading past a bound. */
static void sq_copy_hash(sqlite3_stmt *stmt, int col, char *dst)
{
	const unsigned char *v = sqlite3_column_text(stmt, col);

	dst[0] = '\0';
	if (v != NULL && sqlite3_column_bytes(stmt, col) == STORE_HASH_HEX)
		memcpy(dst, v, STORE_HASH_HEX + 1);
}

static int sq_audit_head(struct store *st, int64_t *id, char *hash, struct err *e)
{
	struct sq *s = sq_of(st);
	sqlite3_stmt *stmt;
	int rc;

	*id = 0;
	hash[0] = '\0';
	rc = sq_cached(s, "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1", &stmt, e);
	if (rc != 0)
		return rc;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(stmt, 0);
		sq_copy_hash(stmt, 1, hash);
		rc = 0;
	} else if (rc == SQLITE_DONE) {
		rc = 0;
	} else {
		rc = sq_fail(s, sqlite3_extended_errcode(s->db), NULL, e);
	}
	sq_done(s, stmt);
	return rc;
}

static int sq_audit_insert(struct store *st, const struct store_audit *a, struct err *e)
{
	struct sq *s = sq_of(st);
	sqlite3_stmt *stmt;
	int rc;

	rc = sq_cached(s,
		       "INSERT INTO audit_log (id, ts, actor, action, target, detail, prev_hash,"
		       " hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
		       &stmt, e);
	if (rc != 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, a->id);
	sqlite3_bind_int64(stmt, 2, a->ts);
	sq_bind_text(stmt, 3, a->actor);
	sq_bind_text(stmt, 4, a->action);
	sq_bind_text(stmt, 5, a->target);
	sq_bind_text(stmt, 6, a->detail);
	sq_bind_text(stmt, 7, a->prev_hash);
	sq_bind_text(stmt, 8, a->hash);
	return sq_exec_stmt(s, stmt, "审计记录编号冲突（并发写入），请重试", e);
}

static int sq_audit_iter(struct store *st, const struct store_audit_filter *f, store_audit_cb cb,
			 void *arg, struct err *e)
{
	static const char where[] =
	    "SELECT id, ts, actor, action, target, detail, prev_hash, hash FROM audit_log"
	    " WHERE (?1 IS NULL OR actor = ?1 OR actor = 'user:' || ?1 OR actor = 'cli:' || ?1)"
	    " AND (?2 IS NULL OR action = ?2)"
	    " AND (?3 IS NULL OR ts >= ?3) AND (?4 IS NULL OR ts < ?4)";
	struct sq *s = sq_of(st);
	char sql[640];
	sqlite3_stmt *stmt;
	struct store_audit a;
	int rc;
	int ret = 0;

	snprintf(sql, sizeof(sql), "%s ORDER BY id %s LIMIT ?5", where,
		 f && f->newest_first ? "DESC" : "ASC");
	rc = sq_prepare(s, sql, &stmt, e);
	if (rc != 0)
		return rc;
	if (f && f->user)
		sq_bind_text(stmt, 1, f->user);
	if (f && f->action)
		sq_bind_text(stmt, 2, f->action);
	if (f && f->since)
		sqlite3_bind_int64(stmt, 3, f->since);
	if (f && f->until)
		sqlite3_bind_int64(stmt, 4, f->until);
	sqlite3_bind_int64(stmt, 5, f && f->limit ? (int64_t)f->limit : -1);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		a.id = sqlite3_column_int64(stmt, 0);
		a.ts = sqlite3_column_int64(stmt, 1);
		a.actor = sq_text_or_empty(stmt, 2);
		a.action = sq_text_or_empty(stmt, 3);
		a.target = sq_text_or_empty(stmt, 4);
		a.detail = sq_text_or_empty(stmt, 5);
		sq_copy_hash(stmt, 6, a.prev_hash);
		sq_copy_hash(stmt, 7, a.hash);
		ret = cb(&a, arg);
		if (ret != 0)
			break;
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = sq_fail(s, sqlite3_extended_errcode(s->db), NULL, e);
	sqlite3_finalize(stmt);
	return ret;
}

static const struct store_ops sq_ops = {
    .close = sq_close,
    .schema_version = sq_schema_version,
    .schema_latest = sq_schema_latest,
    .tx_begin = sq_tx_begin,
    .tx_commit = sq_tx_commit,
    .tx_rollback = sq_tx_rollback,
    .dept_insert = sq_dept_insert,
    .dept_get = sq_dept_get,
    .dept_find = sq_dept_find,
    .dept_iter = sq_dept_iter,
    .user_insert = sq_user_insert,
    .user_get = sq_user_get,
    .user_set_password = sq_user_set_password,
    .user_set_disabled = sq_user_set_disabled,
    .user_set_login_state = sq_user_set_login_state,
    .user_iter = sq_user_iter,
    .user_get_id = sq_user_get_id,
    .session_insert = sq_session_insert,
    .session_find = sq_session_find,
    .session_touch = sq_session_touch,
    .session_delete = sq_session_delete,
    .session_delete_user = sq_session_delete_user,
    .session_delete_expired = sq_session_delete_expired,
    .token_insert = sq_token_insert,
    .token_find = sq_token_find,
    .token_get = sq_token_get,
    .token_iter = sq_token_iter,
    .token_revoke = sq_token_revoke,
    .token_touch = sq_token_touch,
    .audit_head = sq_audit_head,
    .audit_insert = sq_audit_insert,
    .audit_iter = sq_audit_iter,
};

int store_sqlite_open(const char *path, int flags, struct store **out, struct err *e)
{
	struct sq *s;
	struct stat sb;
	int oflags;
	int rc;

	*out = NULL;
	if (stat(path, &sb) != 0) {
		if (errno != ENOENT || !(flags & STORE_OPEN_CREATE) ||
		    (flags & STORE_OPEN_READONLY))
			return err_set(e, BASE_E_IO, "数据库文件不存在或无法访问");
	} else if (!S_ISREG(sb.st_mode)) {
		return err_set(e, BASE_E_IO, "数据库路径不是普通文件");
	}
	oflags = (flags & STORE_OPEN_READONLY) ? SQLITE_OPEN_READONLY
					       : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	s = xcalloc(1, sizeof(*s));
	s->base.ops = &sq_ops;
	s->readonly = (flags & STORE_OPEN_READONLY) != 0;
	rc = sqlite3_open_v2(path, &s->db, oflags | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		rc = sq_fail(s, rc, NULL, e);
		goto out_close;
	}
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, SQ_BUSY_TIMEOUT_MS);
	if (sq_kb_register(s->db) != 0) {
		rc = err_set(e, BASE_E_INTERNAL, "无法注册全文检索分词器");
		goto out_close;
	}
	rc = sq_exec_plain(s, "PRAGMA foreign_keys = ON", e);
	if (rc == 0 && !s->readonly)
		rc = sq_exec_plain(s, "PRAGMA journal_mode = WAL", e);
	if (rc == 0 && !s->readonly)
		rc = sq_exec_plain(s, "PRAGMA synchronous = FULL", e);
	if (rc == 0 && !s->readonly)
		rc = store_sqlite_migrate(&s->base, sq_migrations, ARRAY_LEN(sq_migrations), e);
	if (rc == 0 && s->readonly) {
		int version;

		rc = sq_read_version(s, &version, e);
	}
	if (rc != 0)
		goto out_close;
	*out = &s->base;
	return 0;

out_close:
	sq_cache_clear(s);
	sqlite3_close_v2(s->db);
	free(s);
	return rc;
}

/* ---- helpers for sq_<domain>.c (store_internal.h) ---- */

struct sqlite3 *store_sqlite_db(struct store *st)
{
	return st != NULL && st->ops == &sq_ops ? sq_of(st)->db : NULL;
}

int store_sqlite_prepare(struct store *st, const char *sql, sqlite3_stmt **stmt, struct err *e)
{
	return sq_prepare(sq_of(st), sql, stmt, e);
}

int store_sqlite_fail(struct store *st, int rc, const char *conflict_msg, struct err *e)
{
	return sq_fail(sq_of(st), rc, conflict_msg, e);
}

int store_sqlite_insert_step(struct store *st, sqlite3_stmt *stmt, const char *fk_msg,
			     const char *check_msg, const char *conflict_msg, int64_t *id,
			     struct err *e)
{
	return sq_insert_step(sq_of(st), stmt, fk_msg, check_msg, conflict_msg, id, e);
}

int store_sqlite_exec_stmt(struct store *st, sqlite3_stmt *stmt, const char *conflict_msg,
			   struct err *e)
{
	return sq_exec_stmt(sq_of(st), stmt, conflict_msg, e);
}

int store_sqlite_copy_text(sqlite3_stmt *stmt, int col, char *dst, size_t cap, struct err *e)
{
	return sq_copy_text(stmt, col, dst, cap, e);
}

int store_sqlite_cached(struct store *st, const char *sql, sqlite3_stmt **stmt, struct err *e)
{
	return sq_cached(sq_of(st), sql, stmt, e);
}

void store_sqlite_done(struct store *st, sqlite3_stmt *stmt)
{
	sq_done(sq_of(st), stmt);
}

void store_sqlite_cache_stats(struct store *st, struct store_sqlite_cache_stats *out)
{
	*out = sq_of(st)->stats;
}
