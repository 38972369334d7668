/* store/: migrations, constraints and their messages, open modes. */
#include <sqlite3.h>
#include <unistd.h>

#include "db_fixture.h"
#include "store/store_internal.h"
#include "test.h"

static int count_rows(const struct db_fixture *f, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *stmt;
	int n = -1;

	ASSERT_EQ(sqlite3_open(f->path, &db), SQLITE_OK);
	ASSERT_EQ(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL), SQLITE_OK);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		n = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	sqlite3_close(db);
	return n;
}

/* Messages go to HTTP clients later: no SQL, no library text, no path. */
static void assert_clean_message(const struct err *e, const struct db_fixture *f)
{
	ASSERT(strstr(e->msg, "UNIQUE") == NULL && strstr(e->msg, "constraint") == NULL);
	ASSERT(strstr(e->msg, "INSERT") == NULL && strstr(e->msg, f->dir) == NULL);
}

TEST(store_migrations_idempotent)
{
	struct db_fixture f;
	struct err e = {0};
	int v = 0;
	int rows;

	db_fixture_open(&f);
	ASSERT_EQ(store_schema_version(f.st, &v, &e), 0);
	ASSERT_EQ(v, store_schema_latest(f.st));
	ASSERT(v >= 1);
	/* Versions may skip numbers (one per branch): count the rows. */
	rows = count_rows(&f, "SELECT count(*) FROM schema_version");
	ASSERT(rows >= 1 && rows <= v);
	store_close(f.st);
	/* Reopening (twice) applies nothing new. */
	for (int i = 0; i < 2; i++) {
		ASSERT_EQ(store_open(f.path, 0, &f.st, &e), 0);
		ASSERT_EQ(store_schema_version(f.st, &v, &e), 0);
		ASSERT_EQ(v, store_schema_latest(f.st));
		if (i == 0)
			store_close(f.st);
	}
	ASSERT_EQ(count_rows(&f, "SELECT count(*) FROM schema_version"), rows);
	db_fixture_close(&f);
}

TEST(store_migration_failure_rolls_back)
{
	static const struct store_migration bad[] = {
	    {100, "a", "CREATE TABLE extra_a (x INTEGER)"},
	    {101, "b then a clash", "CREATE TABLE extra_b (x INTEGER); CREATE TABLE extra_a (y)"},
	};
	static const struct store_migration fixed[] = {
	    {100, "a", "CREATE TABLE extra_a (x INTEGER)"},
	    {101, "b", "CREATE TABLE extra_b (x INTEGER)"},
	};
	struct db_fixture f;
	struct err e = {0};
	int v = 0;

	db_fixture_open(&f);
	ASSERT(store_sqlite_migrate(f.st, bad, 2, &e) < 0);
	ASSERT_EQ(store_schema_version(f.st, &v, &e), 0);
	ASSERT_EQ(v, 100); /* 100 committed, 101 rolled back as a whole */
	ASSERT_EQ(count_rows(&f, "SELECT count(*) FROM sqlite_master WHERE name = 'extra_b'"), 0);
	err_clear(&e);
	ASSERT_EQ(store_sqlite_migrate(f.st, fixed, 2, &e), 0);
	ASSERT_EQ(store_sqlite_migrate(f.st, fixed, 2, &e), 0);
	ASSERT_EQ(store_schema_version(f.st, &v, &e), 0);
	ASSERT_EQ(v, 101);
	ASSERT_EQ(count_rows(&f, "SELECT count(*) FROM schema_version WHERE version >= 100"), 2);
	db_fixture_close(&f);
}

TEST(store_newer_schema_refused)
{
	struct db_fixture f;
	struct store *st = NULL;
	struct err e = {0};

	db_fixture_open(&f);
	db_fixture_sql(&f, "INSERT INTO schema_version VALUES (999, 'future', 0)");
	ASSERT_EQ(store_open(f.path, 0, &st, &e), BASE_E_FORMAT);
	ASSERT_CONTAINS(e.msg, "比本程序");
	ASSERT(st == NULL);
	db_fixture_close(&f);
}

TEST(store_wal_and_foreign_keys)
{
	struct db_fixture f;
	struct store_user u = {0};
	struct err e = {0};
	int64_t id;

	db_fixture_open(&f);
	ASSERT_EQ(count_rows(&f, "SELECT count(*) FROM pragma_journal_mode WHERE journal_mode = "
				 "'wal'"),
		  1);
	snprintf(u.username, sizeof(u.username), "zhangsan");
	snprintf(u.display_name, sizeof(u.display_name), "张三");
	snprintf(u.role, sizeof(u.role), "staff");
	snprintf(u.password_hash, sizeof(u.password_hash), "x");
	u.department_id = 42;
	ASSERT_EQ(store_user_insert(f.st, &u, &id, &e), BASE_E_CONFLICT);
	ASSERT_STR_EQ(e.msg, "部门不存在");
	assert_clean_message(&e, &f);
	db_fixture_close(&f);
}

TEST(store_unique_and_check_constraints)
{
	struct db_fixture f;
	struct store_user u = {0}, got;
	struct err e = {0};
	int64_t id;

	db_fixture_open(&f);
	snprintf(u.username, sizeof(u.username), "zhangsan");
	snprintf(u.display_name, sizeof(u.display_name), "张三");
	snprintf(u.role, sizeof(u.role), "staff");
	snprintf(u.password_hash, sizeof(u.password_hash), "x");
	ASSERT_EQ(store_user_insert(f.st, &u, &id, &e), 0);
	ASSERT_EQ(store_user_insert(f.st, &u, &id, &e), BASE_E_CONFLICT);
	ASSERT_STR_EQ(e.msg, "用户名已存在");
	assert_clean_message(&e, &f);
	err_clear(&e);
	snprintf(u.username, sizeof(u.username), "lisi");
	snprintf(u.role, sizeof(u.role), "boss");
	ASSERT_EQ(store_user_insert(f.st, &u, &id, &e), BASE_E_FORMAT);
	ASSERT_STR_EQ(e.msg, "角色无效");
	err_clear(&e);
	ASSERT_EQ(store_user_get(f.st, "zhangsan", &got, &e), 0);
	ASSERT_STR_EQ(got.display_name, "张三");
	ASSERT_EQ(got.department_id, 0);
	ASSERT_EQ(store_user_get(f.st, "nobody", &got, &e), BASE_E_NOTFOUND);
	ASSERT_STR_EQ(e.msg, "用户不存在");
	db_fixture_close(&f);
}

TEST(store_dept_names_unique_among_siblings)
{
	struct db_fixture f;
	struct store_dept d = {0}, got;
	struct err e = {0};
	int64_t a, b, x, y;
	size_t n;

	db_fixture_open(&f);
	snprintf(d.name, sizeof(d.name), "市政府");
	ASSERT_EQ(store_dept_insert(f.st, &d, &a, &e), 0);
	ASSERT_EQ(store_dept_insert(f.st, &d, &x, &e), BASE_E_CONFLICT); /* top level too */
	ASSERT_STR_EQ(e.msg, "同一上级部门下已有同名部门");
	err_clear(&e);
	snprintf(d.name, sizeof(d.name), "财政局");
	ASSERT_EQ(store_dept_insert(f.st, &d, &b, &e), 0);
	snprintf(d.name, sizeof(d.name), "办公室");
	d.parent_id = a;
	ASSERT_EQ(store_dept_insert(f.st, &d, &x, &e), 0);
	d.parent_id = b;
	ASSERT_EQ(store_dept_insert(f.st, &d, &y, &e), 0);
	ASSERT_EQ(store_dept_find(f.st, -1, "办公室", &got, &n, &e), 0);
	ASSERT_EQ(n, 2);
	ASSERT_EQ(store_dept_find(f.st, b, "办公室", &got, &n, &e), 0);
	ASSERT_EQ(n, 1);
	ASSERT_EQ(got.id, y);
	d.parent_id = 999;
	ASSERT_EQ(store_dept_insert(f.st, &d, &x, &e), BASE_E_CONFLICT);
	ASSERT_STR_EQ(e.msg, "上级部门不存在");
	db_fixture_close(&f);
}

TEST(store_open_modes)
{
	struct db_fixture f;
	struct store *st = NULL;
	struct err e = {0};
	char p[160];

	db_fixture_open(&f);
	snprintf(p, sizeof(p), "%s/missing.db", f.dir);
	ASSERT_EQ(store_open(p, STORE_OPEN_READONLY, &st, &e), BASE_E_IO);
	ASSERT_EQ(access(p, F_OK), -1); /* not created */
	err_clear(&e);
	ASSERT_EQ(store_open(p, 0, &st, &e), BASE_E_IO);
	err_clear(&e);
	ASSERT_EQ(store_open("postgres://db/shuzhi", 0, &st, &e), BASE_E_USAGE);
	err_clear(&e);
	ASSERT_EQ(store_open(f.path, STORE_OPEN_READONLY, &st, &e), 0);
	ASSERT_EQ(store_tx_begin(st, &e), BASE_E_INTERNAL);
	store_close(st);
	err_clear(&e);
	ASSERT_EQ(store_open(f.dir, 0, &st, &e), BASE_E_IO); /* a directory */
	db_fixture_close(&f);
}

TEST(store_nested_transaction_refused)
{
	struct db_fixture f;
	struct err e = {0};

	db_fixture_open(&f);
	ASSERT_EQ(store_tx_begin(f.st, &e), 0);
	ASSERT_EQ(store_tx_begin(f.st, &e), BASE_E_INTERNAL);
	store_tx_rollback(f.st);
	err_clear(&e);
	ASSERT_EQ(store_tx_begin(f.st, &e), 0);
	ASSERT_EQ(store_tx_commit(f.st, &e), 0);
	db_fixture_close(&f);
}
