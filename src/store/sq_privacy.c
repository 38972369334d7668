/*
 * store/sq_privacy: sensitive-word lists, words and hits in SQLite (see
 * privacy_store.h). Every value is a bound parameter.
 */
#include <string.h>

#include <sqlite3.h>

#include "store/privacy_store.h"
#include "store/store_internal.h"

/* Migration 6. word_hits copies word and category so history survives a
 * deleted word. */
const char store_sq_privacy_schema[] =
    "CREATE TABLE word_lists ("
    " id INTEGER PRIMARY KEY,"
    " name TEXT NOT NULL UNIQUE,"
    " created_at INTEGER NOT NULL);"
    "CREATE TABLE words ("
    " id INTEGER PRIMARY KEY,"
    " list_id INTEGER NOT NULL REFERENCES word_lists(id) ON DELETE CASCADE,"
    " word TEXT NOT NULL CHECK (length(word) > 0),"
    " category TEXT NOT NULL CHECK (length(category) > 0),"
    " created_by TEXT NOT NULL,"
    " created_at INTEGER NOT NULL,"
    " UNIQUE (list_id, word));"
    "CREATE INDEX words_word ON words(word);"
    "CREATE TABLE word_hits ("
    " id INTEGER PRIMARY KEY,"
    " ts INTEGER NOT NULL,"
    " actor TEXT NOT NULL,"
    " place TEXT NOT NULL,"
    " direction TEXT NOT NULL CHECK (direction IN ('input', 'output')),"
    " word_id INTEGER REFERENCES words(id) ON DELETE SET NULL,"
    " word TEXT NOT NULL,"
    " category TEXT NOT NULL,"
    " context TEXT NOT NULL);"
    "CREATE INDEX word_hits_ts ON word_hits(ts);"
    "CREATE INDEX word_hits_word ON word_hits(word_id);";

static int check_field(const char *v, size_t max, bool may_be_empty, const char *what,
		       struct err *e)
{
	size_t n = v ? strlen(v) : 0;

	if (v == NULL || (n == 0 && !may_be_empty))
		return err_set(e, BASE_E_FORMAT, "%s不能为空", what);
	if (n > max)
		return err_set(e, BASE_E_FORMAT, "%s过长（上限 %zu 字节）", what, max);
	return 0;
}

static void bind_text(sqlite3_stmt *stmt, int i, const char *v)
{
	sqlite3_bind_text(stmt, i, v, -1, SQLITE_STATIC);
}

static int list_id(struct store *st, const char *list, int64_t now, int64_t *id, struct err *e)
{
	sqlite3_stmt *stmt;
	int rc;

	rc = store_sqlite_prepare(st,
				  "INSERT INTO word_lists (name, created_at) VALUES (?1, ?2)"
				  " ON CONFLICT(name) DO NOTHING",
				  &stmt, e);
	if (rc != 0)
		return rc;
	bind_text(stmt, 1, list);
	sqlite3_bind_int64(stmt, 2, now);
	rc = store_sqlite_exec_stmt(st, stmt, NULL, e);
	if (rc != 0)
		return rc;
	rc = store_sqlite_prepare(st, "SELECT id FROM word_lists WHERE name = ?1", &stmt, e);
	if (rc != 0)
		return rc;
	bind_text(stmt, 1, list);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(stmt, 0);
		rc = 0;
	} else {
		rc = store_sqlite_fail(st, sqlite3_extended_errcode(store_sqlite_db(st)), NULL, e);
	}
	sqlite3_finalize(stmt);
	return rc;
}

int store_word_add(struct store *st, const char *list, const char *word, const char *category,
		   const char *actor, int64_t now, int64_t *id, struct err *e)
{
	sqlite3_stmt *stmt;
	int64_t lid = 0;
	int rc;

	if (store_sqlite_db(st) == NULL)
		return err_set(e, BASE_E_INTERNAL, "此存储后端不支持敏感词表");
	rc = check_field(list, STORE_NAME_MAX, false, "词表名", e);
	if (rc == 0)
		rc = check_field(word, STORE_WORD_MAX, false, "敏感词", e);
	if (rc == 0)
		rc = check_field(category, STORE_WORD_CAT_MAX, false, "类别", e);
	if (rc == 0)
		rc = check_field(actor, STORE_AUDIT_FIELD_MAX, false, "操作者", e);
	if (rc == 0)
		rc = list_id(st, list, now, &lid, e);
	if (rc != 0)
		return rc;
	rc = store_sqlite_prepare(
	    st,
	    "INSERT INTO words (list_id, word, category, created_by, created_at)"
	    " VALUES (?1, ?2, ?3, ?4, ?5)",
	    &stmt, e);
	if (rc != 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, lid);
	bind_text(stmt, 2, word);
	bind_text(stmt, 3, category);
	bind_text(stmt, 4, actor);
	sqlite3_bind_int64(stmt, 5, now);
	return store_sqlite_insert_step(st, stmt, "词表不存在", "敏感词或类别为空",
					"该词表中已有这个词", id, e);
}

int store_word_remove(struct store *st, const char *list, const char *word, size_t *count,
		      struct err *e)
{
	sqlite3_stmt *stmt;
	int rc;

	if (count != NULL)
		*count = 0;
	if (store_sqlite_db(st) == NULL)
		return err_set(e, BASE_E_INTERNAL, "此存储后端不支持敏感词表");
	rc = store_sqlite_prepare(st,
				  "DELETE FROM words WHERE word = ?1 AND (?2 IS NULL OR list_id ="
				  " (SELECT id FROM word_lists WHERE name = ?2))",
				  &stmt, e);
	if (rc != 0)
		return rc;
	bind_text(stmt, 1, word);
	if (list != NULL)
		bind_text(stmt, 2, list);
	else
		sqlite3_bind_null(stmt, 2);
	rc = store_sqlite_exec_stmt(st, stmt, NULL, e);
	if (rc != 0)
		return rc;
	rc = sqlite3_changes(store_sqlite_db(st));
	if (count != NULL)
		*count = (size_t)rc;
	return rc > 0 ? 0 : err_set(e, BASE_E_NOTFOUND, "没有找到这个敏感词");
}

/* Step through stmt (finalized here), calling row for each row; a non-zero
 * return of row stops the walk and is returned. */
static int each_row(struct store *st, sqlite3_stmt *stmt, int (*row)(sqlite3_stmt *, void *),
		    void *arg, struct err *e)
{
	int rc;

	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		int stop = row(stmt, arg);

		if (stop != 0) {
			sqlite3_finalize(stmt);
			return stop;
		}
	}
	if (rc != SQLITE_DONE)
		rc = store_sqlite_fail(st, sqlite3_extended_errcode(store_sqlite_db(st)), NULL, e);
	else
		rc = 0;
	sqlite3_finalize(stmt);
	return rc;
}

static const char *col_text(sqlite3_stmt *stmt, int col)
{
	const unsigned char *v = sqlite3_column_text(stmt, col);

	return v ? (const char *)v : "";
}

struct word_rows {
	store_word_cb cb;
	void *arg;
};

static int word_row(sqlite3_stmt *stmt, void *arg)
{
	struct word_rows *r = arg;
	struct store_word w = {
	    .id = sqlite3_column_int64(stmt, 0),
	    .list = col_text(stmt, 1),
	    .word = col_text(stmt, 2),
	    .category = col_text(stmt, 3),
	    .created_by = col_text(stmt, 4),
	    .created_at = sqlite3_column_int64(stmt, 5),
	};

	return r->cb(&w, r->arg);
}

struct hit_rows {
	store_word_hit_cb cb;
	void *arg;
};

static int hit_row(sqlite3_stmt *stmt, void *arg)
{
	struct hit_rows *r = arg;
	struct store_word_hit h = {
	    .id = sqlite3_column_int64(stmt, 0),
	    .ts = sqlite3_column_int64(stmt, 1),
	    .actor = col_text(stmt, 2),
	    .place = col_text(stmt, 3),
	    .direction = col_text(stmt, 4),
	    .word_id = sqlite3_column_int64(stmt, 5),
	    .word = col_text(stmt, 6),
	    .category = col_text(stmt, 7),
	    .context = col_text(stmt, 8),
	};

	return r->cb(&h, r->arg);
}

int store_word_iter(struct store *st, const char *list, store_word_cb cb, void *arg, struct err *e)
{
	sqlite3_stmt *stmt;
	int rc;

	if (store_sqlite_db(st) == NULL)
		return err_set(e, BASE_E_INTERNAL, "此存储后端不支持敏感词表");
	rc = store_sqlite_prepare(
	    st,
	    "SELECT w.id, l.name, w.word, w.category, w.created_by, w.created_at"
	    " FROM words w JOIN word_lists l ON l.id = w.list_id"
	    " WHERE ?1 IS NULL OR l.name = ?1 ORDER BY l.name, w.word",
	    &stmt, e);
	if (rc != 0)
		return rc;
	if (list != NULL)
		bind_text(stmt, 1, list);
	else
		sqlite3_bind_null(stmt, 1);
	struct word_rows r = {cb, arg};

	return each_row(st, stmt, word_row, &r, e);
}

int store_word_hit_add(struct store *st, const struct store_word_hit *h, int64_t *id, struct err *e)
{
	sqlite3_stmt *stmt;
	int rc;

	if (store_sqlite_db(st) == NULL)
		return err_set(e, BASE_E_INTERNAL, "此存储后端不支持敏感词表");
	rc = check_field(h->actor, STORE_AUDIT_FIELD_MAX, false, "操作者", e);
	if (rc == 0)
		rc = check_field(h->place, STORE_WORD_PLACE_MAX, false, "位置", e);
	if (rc == 0)
		rc = check_field(h->word, STORE_WORD_MAX, false, "敏感词", e);
	if (rc == 0)
		rc = check_field(h->category, STORE_WORD_CAT_MAX, false, "类别", e);
	if (rc == 0)
		rc = check_field(h->context, STORE_WORD_CONTEXT_MAX, true, "上下文", e);
	if (rc == 0)
		rc = check_field(h->direction, 16, false, "方向", e);
	if (rc != 0)
		return rc;
	rc = store_sqlite_prepare(
	    st,
	    "INSERT INTO word_hits (ts, actor, place, direction, word_id, word,"
	    " category, context) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	    &stmt, e);
	if (rc != 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, h->ts);
	bind_text(stmt, 2, h->actor);
	bind_text(stmt, 3, h->place);
	bind_text(stmt, 4, h->direction);
	if (h->word_id > 0)
		sqlite3_bind_int64(stmt, 5, h->word_id);
	else
		sqlite3_bind_null(stmt, 5);
	bind_text(stmt, 6, h->word);
	bind_text(stmt, 7, h->category);
	bind_text(stmt, 8, h->context);
	return store_sqlite_insert_step(st, stmt, "敏感词不存在", "方向只能是 input 或 output",
					"记录冲突", id, e);
}

int store_word_hit_iter(struct store *st, size_t limit, store_word_hit_cb cb, void *arg,
			struct err *e)
{
	sqlite3_stmt *stmt;
	int rc;

	if (store_sqlite_db(st) == NULL)
		return err_set(e, BASE_E_INTERNAL, "此存储后端不支持敏感词表");
	rc = store_sqlite_prepare(
	    st,
	    "SELECT id, ts, actor, place, direction, COALESCE(word_id, 0), word,"
	    " category, context FROM word_hits ORDER BY id DESC LIMIT ?1",
	    &stmt, e);
	if (rc != 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, limit > 0 ? (int64_t)limit : -1);
	struct hit_rows r = {cb, arg};

	return each_row(st, stmt, hit_row, &r, e);
}
