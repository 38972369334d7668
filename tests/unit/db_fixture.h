/*
 * Unit-test fixture: a fresh SQLite database in its own temporary
 * directory, opened through store/, with a work context whose clock the
 * test sets (f->now, Unix ms). db_fixture_close removes everything.
 */
#ifndef SHUZHI_TEST_DB_FIXTURE_H
#define SHUZHI_TEST_DB_FIXTURE_H

#include "store/store.h"
#include "work/work.h"

struct db_fixture {
	char dir[64];
	char path[96];
	struct store *st;
	struct work_ctx ctx;
	int64_t now;
};

void db_fixture_open(struct db_fixture *f);
void db_fixture_close(struct db_fixture *f);
/* Run SQL on the file directly (behind store/'s back, as an attacker or a
 * broken tool would). */
void db_fixture_sql(const struct db_fixture *f, const char *sql);

#endif
