/* Unit-test fixture: temporary database (see db_fixture.h). */
#include <sqlite3.h>
#include <stdlib.h>
#include <unistd.h>

#include "db_fixture.h"
#include "test.h"

static int64_t db_fixture_clock(void *arg)
{
	return ((struct db_fixture *)arg)->now;
}

void db_fixture_open(struct db_fixture *f)
{
	struct err e = {0};

	memset(f, 0, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "/tmp/shuzhi-ut.XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		TEST_FAIL_AT("mkdtemp failed");
	snprintf(f->path, sizeof(f->path), "%s/t.db", f->dir);
	if (store_open(f->path, STORE_OPEN_CREATE, &f->st, &e) != 0)
		TEST_FAIL_AT("store_open: %s", e.msg);
	f->now = 1700000000000; /* 2023-11-14 */
	f->ctx.st = f->st;
	f->ctx.actor = "cli:tester";
	f->ctx.clock = db_fixture_clock;
	f->ctx.clock_arg = f;
}

void db_fixture_close(struct db_fixture *f)
{
	char p[128];
	static const char *const suffix[] = {"", "-wal", "-shm"};

	store_close(f->st);
	f->st = NULL;
	for (size_t i = 0; i < 3; i++) {
		snprintf(p, sizeof(p), "%s%s", f->path, suffix[i]);
		unlink(p);
	}
	rmdir(f->dir);
}

void db_fixture_sql(const struct db_fixture *f, const char *sql)
{
	sqlite3 *db;
	char *msg = NULL;

	if (sqlite3_open(f->path, &db) != SQLITE_OK)
		TEST_FAIL_AT("sqlite3_open %s", f->path);
	sqlite3_busy_timeout(db, 5000);
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		TEST_FAIL_AT("sql failed: %s: %s", sql, msg ? msg : "?");
	sqlite3_close(db);
}
