/* store/sq_entlist: saved 招商 screening lists and the search indexes of
 * the enterprise tables (migration 12); see enterprise_store.h. */
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store/enterprise_store.h"
#include "store/store_internal.h"

/* The enterprise name is field 1 of the canonical row (after the
 * 18-character uscc and U+001F): substr(canon, 20, …) as in sq_enterprise.c. */
const char store_sq_entlist_schema[] =
    "CREATE TABLE ent_list ("
    " id INTEGER PRIMARY KEY,"
    " name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),"
    " owner_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    " department_id INTEGER REFERENCES departments(id) ON DELETE SET NULL,"
    " shared INTEGER NOT NULL CHECK (shared IN (0, 1)),"
    " filter TEXT NOT NULL,"
    " as_of TEXT NOT NULL,"
    " matched INTEGER NOT NULL,"
    " created_at INTEGER NOT NULL,"
    " UNIQUE (owner_id, name));"
    "CREATE INDEX ent_list_department ON ent_list(department_id, shared);"
    "CREATE TABLE ent_list_item ("
    " list_id INTEGER NOT NULL REFERENCES ent_list(id) ON DELETE CASCADE,"
    " rank INTEGER NOT NULL,"
    " uscc TEXT NOT NULL,"
    " cells TEXT NOT NULL,"
    " PRIMARY KEY (list_id, rank)) WITHOUT ROWID;"
    /* search: output order without a sort, name substrings through a
     * trigram index kept by triggers (case-sensitive, like instr()) */
    "CREATE INDEX ent_enterprise_ord ON ent_enterprise(ord);"
    "CREATE VIRTUAL TABLE ent_name_fts USING fts5(name, content='',"
    " tokenize='trigram case_sensitive 1');"
    "INSERT INTO ent_name_fts (rowid, name)"
    " SELECT id, substr(canon, 20, instr(substr(canon, 20) || char(31), char(31)) - 1) FROM "
    "ent_enterprise;"
    "CREATE TRIGGER ent_name_ai AFTER INSERT ON ent_enterprise BEGIN"
    " INSERT INTO ent_name_fts (rowid, name)"
    " VALUES (new.id, substr(new.canon, 20, instr(substr(new.canon, 20) || char(31), char(31)) - "
    "1)); END;"
    "CREATE TRIGGER ent_name_au AFTER UPDATE OF canon ON ent_enterprise BEGIN"
    " INSERT INTO ent_name_fts (ent_name_fts, rowid, name)"
    " VALUES ('delete', old.id, substr(old.canon, 20, instr(substr(old.canon, 20) || char(31), "
    "char(31)) - 1));"
    " INSERT INTO ent_name_fts (rowid, name)"
    " VALUES (new.id, substr(new.canon, 20, instr(substr(new.canon, 20) || char(31), char(31)) - "
    "1)); END;"
    "CREATE TRIGGER ent_name_ad AFTER DELETE ON ent_enterprise BEGIN"
    " INSERT INTO ent_name_fts (ent_name_fts, rowid, name)"
    " VALUES ('delete', old.id, substr(old.canon, 20, instr(substr(old.canon, 20) || char(31), "
    "char(31)) - 1)); END;";

static int prep(struct store *st, const char *sql, sqlite3_stmt **stmt, struct err *e)
{
	*stmt = NULL;
	if (store_sqlite_db(st) == NULL)
		return err_set(e, BASE_E_USAGE, "企业画像目前只支持 SQLite 数据库");
	return store_sqlite_prepare(st, sql, stmt, e);
}

int store_ent_list_add(struct store *st, const struct store_ent_list *l, int64_t *id, struct err *e)
{
	sqlite3_stmt *stmt;
	int rc = prep(st,
		      "INSERT INTO ent_list (name, owner_id, department_id, shared, filter, as_of,"
		      " matched, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
		      &stmt, e);

	if (rc != 0)
		return rc;
	sqlite3_bind_text(stmt, 1, l->name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, l->owner_id);
	if (l->department_id > 0)
		sqlite3_bind_int64(stmt, 3, l->department_id);
	else
		sqlite3_bind_null(stmt, 3);
	sqlite3_bind_int(stmt, 4, l->shared ? 1 : 0);
	sqlite3_bind_text(stmt, 5, l->filter, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 6, l->as_of, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 7, l->matched);
	sqlite3_bind_int64(stmt, 8, l->created_at);
	return store_sqlite_insert_step(st, stmt, "所有者不存在", "名单名称应为 1–100 个字符",
					"同名的名单已存在", id, e);
}

int store_ent_list_item_add(struct store *st, int64_t list_id, int64_t rank, const char *uscc,
			    const char *cells, struct err *e)
{
	sqlite3_stmt *stmt;
	int64_t id;
	int rc = prep(
	    st, "INSERT INTO ent_list_item (list_id, rank, uscc, cells) VALUES (?1, ?2, ?3, ?4)",
	    &stmt, e);

	if (rc != 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, list_id);
	sqlite3_bind_int64(stmt, 2, rank);
	sqlite3_bind_text(stmt, 3, uscc, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 4, cells, -1, SQLITE_STATIC);
	return store_sqlite_insert_step(st, stmt, "名单不存在", NULL, NULL, &id, e);
}

static const char *text_at(sqlite3_stmt *stmt, int col)
{
	const unsigned char *v = sqlite3_column_text(stmt, col);

	return v != NULL ? (const char *)v : "";
}

#define LIST_COLS                                                                                  \
	"SELECT l.id, l.name, l.owner_id, COALESCE(l.department_id, 0), l.shared, l.filter,"       \
	" l.as_of, l.matched, l.created_at, COALESCE(u.username, '') FROM ent_list l"              \
	" LEFT JOIN users u ON u.id = l.owner_id"

static int iter_lists(struct store *st, sqlite3_stmt *stmt, store_ent_list_cb cb, void *arg,
		      struct err *e)
{
	int rc, ret = 0;

	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct store_ent_list l = {0};

		l.id = sqlite3_column_int64(stmt, 0);
		l.name = text_at(stmt, 1);
		l.owner_id = sqlite3_column_int64(stmt, 2);
		l.department_id = sqlite3_column_int64(stmt, 3);
		l.shared = sqlite3_column_int(stmt, 4) != 0;
		l.filter = text_at(stmt, 5);
		l.as_of = text_at(stmt, 6);
		l.matched = sqlite3_column_int64(stmt, 7);
		l.created_at = sqlite3_column_int64(stmt, 8);
		l.owner = text_at(stmt, 9);
		ret = cb(&l, arg);
		if (ret != 0)
			break;
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = store_sqlite_fail(st, sqlite3_extended_errcode(store_sqlite_db(st)), NULL, e);
	sqlite3_finalize(stmt);
	return ret;
}

int store_ent_list_iter(struct store *st, int64_t user_id, int64_t department_id, bool all,
			store_ent_list_cb cb, void *arg, struct err *e)
{
	sqlite3_stmt *stmt;
	int rc = prep(st,
		      LIST_COLS " WHERE ?3 = 1 OR l.owner_id = ?1 OR (l.shared = 1 AND ?2 > 0 AND"
				" l.department_id = ?2) ORDER BY l.created_at DESC, l.id DESC",
		      &stmt, e);

	if (rc != 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, user_id);
	sqlite3_bind_int64(stmt, 2, department_id);
	sqlite3_bind_int(stmt, 3, all ? 1 : 0);
	return iter_lists(st, stmt, cb, arg, e);
}

int store_ent_list_get(struct store *st, int64_t id, store_ent_list_cb cb, void *arg, struct err *e)
{
	sqlite3_stmt *stmt;
	int rc = prep(st, LIST_COLS " WHERE l.id = ?1", &stmt, e);

	if (rc != 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, id);
	return iter_lists(st, stmt, cb, arg, e);
}

int store_ent_list_items(struct store *st, int64_t id, store_ent_item_cb cb, void *arg,
			 struct err *e)
{
	sqlite3_stmt *stmt;
	int rc = prep(st,
		      "SELECT i.rank, i.uscc, i.cells, COALESCE(en.id, 0) FROM ent_list_item i"
		      " LEFT JOIN ent_enterprise en ON en.uscc = i.uscc"
		      " WHERE i.list_id = ?1 ORDER BY i.rank",
		      &stmt, e);
	int ret = 0;

	if (rc != 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, id);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		ret = cb(sqlite3_column_int64(stmt, 0), text_at(stmt, 1), text_at(stmt, 2),
			 sqlite3_column_int64(stmt, 3), arg);
		if (ret != 0)
			break;
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = store_sqlite_fail(st, sqlite3_extended_errcode(store_sqlite_db(st)), NULL, e);
	sqlite3_finalize(stmt);
	return ret;
}

int store_ent_list_delete(struct store *st, int64_t id, struct err *e)
{
	sqlite3_stmt *stmt;
	int rc = prep(st, "DELETE FROM ent_list WHERE id = ?1", &stmt, e);

	if (rc != 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, id);
	return store_sqlite_exec_stmt(st, stmt, NULL, e);
}

int store_ent_list_items_clear(struct store *st, int64_t id, struct err *e)
{
	sqlite3_stmt *stmt;
	int rc = prep(st, "DELETE FROM ent_list_item WHERE list_id = ?1", &stmt, e);

	if (rc != 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, id);
	return store_sqlite_exec_stmt(st, stmt, NULL, e);
}

int store_ent_list_refreshed(struct store *st, int64_t id, const char *as_of, int64_t matched,
			     struct err *e)
{
	sqlite3_stmt *stmt;
	int rc = prep(st, "UPDATE ent_list SET as_of = ?2, matched = ?3 WHERE id = ?1", &stmt, e);

	if (rc != 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_text(stmt, 2, as_of, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 3, matched);
	return store_sqlite_exec_stmt(st, stmt, NULL, e);
}
