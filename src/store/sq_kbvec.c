/*
 * store/sq_kbvec: the chunk vectors of the knowledge base (SQLite). See
 * kbvec_store.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store/kbvec_store.h"
#include "store/store_internal.h"

const char store_sq_kbvec_schema[] =
    "CREATE TABLE kb_vec ("
    " chunk_id INTEGER PRIMARY KEY REFERENCES kb_chunk(id) ON DELETE CASCADE,"
    " doc_id INTEGER NOT NULL," /* the chunk's, copied: the scan joins only kb_doc */
    " article INTEGER NOT NULL DEFAULT 0,"
    " model TEXT NOT NULL,"
    " dim INTEGER NOT NULL CHECK (dim > 0),"
    " vec BLOB NOT NULL);"
    "CREATE INDEX kb_vec_model ON kb_vec(model, dim);";

/* Migration 17: a generation number that every change of the vectors (and
 * of what their ranking reads: a document's validity) moves on, whichever
 * process or connection makes it — the server's in-memory copy (kb/vindex)
 * compares it with one indexed read per query. A cascade from kb_chunk or
 * kb_doc fires the kb_vec triggers too. */
const char store_sq_kbvec_gen_schema[] =
    "CREATE TABLE kb_vec_gen (id INTEGER PRIMARY KEY CHECK (id = 1), gen INTEGER NOT NULL);"
    "INSERT INTO kb_vec_gen (id, gen) VALUES (1, 1);"
    "CREATE TRIGGER kb_vec_gen_ins AFTER INSERT ON kb_vec"
    " BEGIN UPDATE kb_vec_gen SET gen = gen + 1 WHERE id = 1; END;"
    "CREATE TRIGGER kb_vec_gen_del AFTER DELETE ON kb_vec"
    " BEGIN UPDATE kb_vec_gen SET gen = gen + 1 WHERE id = 1; END;"
    "CREATE TRIGGER kb_vec_gen_upd AFTER UPDATE ON kb_vec"
    " BEGIN UPDATE kb_vec_gen SET gen = gen + 1 WHERE id = 1; END;"
    "CREATE TRIGGER kb_vec_gen_doc AFTER UPDATE OF validity, kb_id ON kb_doc"
    " WHEN OLD.validity IS NOT NEW.validity OR OLD.kb_id IS NOT NEW.kb_id"
    " BEGIN UPDATE kb_vec_gen SET gen = gen + 1 WHERE id = 1; END;";

static sqlite3 *vdb(struct store *st, struct err *e)
{
	sqlite3 *db = store_sqlite_db(st);

	if (db == NULL)
		err_set(e, BASE_E_INTERNAL, "当前存储后端不支持向量检索");
	return db;
}

static int vprep(struct store *st, const char *sql, sqlite3_stmt **stmt, struct err *e)
{
	if (vdb(st, e) == NULL)
		return e->code;
	return store_sqlite_prepare(st, sql, stmt, e);
}

static int vend(struct store *st, sqlite3_stmt *stmt, int rc, struct err *e)
{
	sqlite3 *db = store_sqlite_db(st);

	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return store_sqlite_fail(st, sqlite3_extended_errcode(db), NULL, e);
	return 0;
}

#define TODO_WHERE                                                                                 \
	" FROM kb_chunk c JOIN kb_doc d ON d.id = c.doc_id"                                        \
	" LEFT JOIN kb_vec v ON v.chunk_id = c.id"                                                 \
	" WHERE (?1 = 0 OR d.kb_id = ?1) AND (v.chunk_id IS NULL OR v.model != ?2)"

int kbvec_store_todo(struct store *st, int64_t kb_id, const char *model, int64_t after,
		     size_t limit, int (*cb)(const struct kbvec_store_todo *t, void *arg),
		     void *arg, struct err *e)
{
	sqlite3_stmt *stmt;
	int rc = vprep(st,
		       "SELECT c.id, c.title, c.heading, c.body" TODO_WHERE
		       " AND c.id > ?3 ORDER BY c.id LIMIT ?4",
		       &stmt, e);

	if (rc != 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, kb_id);
	sqlite3_bind_text(stmt, 2, model, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(stmt, 3, after);
	sqlite3_bind_int64(stmt, 4, (sqlite3_int64)limit);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct kbvec_store_todo t;
		int stop;

		t.chunk_id = sqlite3_column_int64(stmt, 0);
		t.title = (const char *)sqlite3_column_text(stmt, 1);
		t.heading = (const char *)sqlite3_column_text(stmt, 2);
		t.body = (const char *)sqlite3_column_text(stmt, 3);
		if (t.title == NULL)
			t.title = "";
		if (t.heading == NULL)
			t.heading = "";
		if (t.body == NULL)
			t.body = "";
		stop = cb(&t, arg);
		if (stop != 0) {
			sqlite3_finalize(stmt);
			return stop;
		}
	}
	return vend(st, stmt, rc, e);
}

int kbvec_store_todo_count(struct store *st, int64_t kb_id, const char *model, int64_t *n,
			   struct err *e)
{
	sqlite3_stmt *stmt;
	int rc = vprep(st, "SELECT COUNT(*)" TODO_WHERE, &stmt, e);

	*n = 0;
	if (rc != 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, kb_id);
	sqlite3_bind_text(stmt, 2, model, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*n = sqlite3_column_int64(stmt, 0);
	return vend(st, stmt, rc, e);
}

int kbvec_store_put(struct store *st, int64_t chunk_id, const char *model, const float *v, int dim,
		    struct err *e)
{
	sqlite3_stmt *stmt;
	int rc = vprep(st,
		       "INSERT OR REPLACE INTO kb_vec (chunk_id, doc_id, article, model, dim, vec)"
		       " SELECT ?1, c.doc_id, c.art_no > 0, ?2, ?3, ?4 FROM kb_chunk c"
		       " WHERE c.id = ?1",
		       &stmt, e);

	if (rc != 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, chunk_id);
	sqlite3_bind_text(stmt, 2, model, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(stmt, 3, dim);
	sqlite3_bind_blob(stmt, 4, v, (int)((size_t)dim * sizeof(float)), SQLITE_TRANSIENT);
	rc = store_sqlite_exec_stmt(st, stmt, NULL, e);
	if (rc == 0 && sqlite3_changes(store_sqlite_db(st)) == 0)
		rc = err_set(e, BASE_E_NOTFOUND, "分块 %lld 不存在", (long long)chunk_id);
	return rc;
}

int kbvec_store_scan(struct store *st, const char *model, int dim,
		     int (*cb)(const struct kbvec_store_row *r, void *arg), void *arg,
		     struct err *e)
{
	sqlite3_stmt *stmt;
	int rc = vprep(st,
		       /* A table scan in chunk order (+: not the index, nearly
			* every row matches); kb_doc is small and stays cached. */
		       "SELECT v.chunk_id, v.doc_id, d.kb_id,"
		       " CASE d.validity WHEN '已修改' THEN 1 WHEN '已废止' THEN 2 ELSE 0 END,"
		       " v.article, v.vec FROM kb_vec v JOIN kb_doc d ON d.id = v.doc_id"
		       " WHERE +v.model = ?1 AND +v.dim = ?2",
		       &stmt, e);

	if (rc != 0)
		return rc;
	sqlite3_bind_text(stmt, 1, model, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(stmt, 2, dim);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct kbvec_store_row r;
		const void *blob = sqlite3_column_blob(stmt, 5);
		int bytes = sqlite3_column_bytes(stmt, 5);
		int stop;

		if (blob == NULL || (size_t)bytes != (size_t)dim * sizeof(float))
			continue; /* not written by kbvec_store_put: ignored */
		r.chunk_id = sqlite3_column_int64(stmt, 0);
		r.doc_id = sqlite3_column_int64(stmt, 1);
		r.kb_id = sqlite3_column_int64(stmt, 2);
		r.stale = sqlite3_column_int(stmt, 3);
		r.article = sqlite3_column_int(stmt, 4) > 0;
		r.vec = blob; /* no copy: 1 KB a row adds up over the whole kb */
		r.dim = dim;
		stop = cb(&r, arg);
		if (stop != 0) {
			sqlite3_finalize(stmt);
			return stop;
		}
	}
	return vend(st, stmt, rc, e);
}

int kbvec_store_stat(struct store *st, const char *model, int64_t *n, int *dim, struct err *e)
{
	sqlite3_stmt *stmt;
	int rc = vprep(st, "SELECT COUNT(*), MAX(dim) FROM kb_vec WHERE model = ?1", &stmt, e);

	*n = 0;
	*dim = 0;
	if (rc != 0)
		return rc;
	sqlite3_bind_text(stmt, 1, model, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		*n = sqlite3_column_int64(stmt, 0);
		*dim = sqlite3_column_int(stmt, 1);
	}
	return vend(st, stmt, rc, e);
}

int kbvec_store_gen(struct store *st, int64_t *gen, struct err *e)
{
	sqlite3_stmt *stmt;
	int rc = vprep(st, "SELECT gen FROM kb_vec_gen WHERE id = 1", &stmt, e);

	*gen = 0;
	if (rc != 0)
		return rc;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*gen = sqlite3_column_int64(stmt, 0);
	return vend(st, stmt, rc, e);
}
