/* store/: the per-connection prepared-statement cache (store_sqlite_cached,
 * store_sqlite_done) and the lookups every request runs through it. */
#include <sqlite3.h>

#include "db_fixture.h"
#include "store/model_store.h"
#include "store/store_internal.h"
#include "test.h"

static struct store_sqlite_cache_stats cache_stats(struct store *st)
{
	struct store_sqlite_cache_stats s;

	store_sqlite_cache_stats(st, &s);
	return s;
}

static int64_t one_int(struct store *st, const char *sql, int64_t bind)
{
	struct err e = {0};
	sqlite3_stmt *stmt;
	int64_t v = -1;

	ASSERT_EQ(store_sqlite_cached(st, sql, &stmt, &e), 0);
	sqlite3_bind_int64(stmt, 1, bind);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		v = sqlite3_column_int64(stmt, 0);
	store_sqlite_done(st, stmt);
	return v;
}

static int64_t add_user(struct db_fixture *f, const char *name)
{
	struct store_user u = {0};
	struct err e = {0};
	int64_t id = 0;

	snprintf(u.username, sizeof(u.username), "%s", name);
	snprintf(u.display_name, sizeof(u.display_name), "用户%s", name);
	snprintf(u.role, sizeof(u.role), "staff");
	snprintf(u.password_hash, sizeof(u.password_hash), "x");
	u.created_at = f->now;
	ASSERT_EQ(store_user_insert(f->st, &u, &id, &e), 0);
	return id;
}

TEST(store_cache_reuses_statement)
{
	struct db_fixture f;
	struct err e = {0};
	sqlite3_stmt *a, *b;
	char sql[64];

	db_fixture_open(&f);
	ASSERT_EQ(store_sqlite_cached(f.st, "SELECT ?1 + 1", &a, &e), 0);
	store_sqlite_done(f.st, a);
	/* The key is the text, not the pointer: a copy built at run time hits. */
	snprintf(sql, sizeof(sql), "SELECT ?1 + %d", 1);
	ASSERT_EQ(store_sqlite_cached(f.st, sql, &b, &e), 0);
	ASSERT(a == b);
	store_sqlite_done(f.st, b);
	ASSERT_EQ(one_int(f.st, "SELECT ?1 + 1", 41), 42);
	ASSERT_EQ(one_int(f.st, "SELECT ?1 + 1", 1), 2);
	ASSERT_EQ(cache_stats(f.st).prepares, 1);
	ASSERT_EQ(cache_stats(f.st).hits, 3);
	db_fixture_close(&f);
}

/* Session and user lookups: prepared once, right answers for each key. */
TEST(store_cache_session_and_user_lookups)
{
	struct db_fixture f;
	struct err e = {0};
	struct store_session s = {0}, got;
	struct store_user u;
	struct store_sqlite_cache_stats before, after;
	int64_t uid[3], sid;

	db_fixture_open(&f);
	f.now = 1000;
	for (int i = 0; i < 3; i++) {
		char name[16];

		snprintf(name, sizeof(name), "u%d", i);
		uid[i] = add_user(&f, name);
		memset(&s, 0, sizeof(s));
		memset(s.token_hash, 'a' + i, STORE_HASH_HEX);
		memset(s.csrf, 'k' + i, STORE_HASH_HEX);
		s.user_id = uid[i];
		s.created_at = s.last_seen_at = f.now;
		s.expires_at = f.now + 1000;
		ASSERT_EQ(store_session_insert(f.st, &s, &sid, &e), 0);
	}
	/* Warm up the statements, then count. */
	ASSERT_EQ(store_session_find(f.st, s.token_hash, &got, &e), 0);
	ASSERT_EQ(store_user_get_id(f.st, got.user_id, &u, &e), 0);
	before = cache_stats(f.st);
	for (int round = 0; round < 3; round++)
		for (int i = 0; i < 3; i++) {
			char hash[STORE_HASH_HEX + 1] = {0};

			memset(hash, 'a' + i, STORE_HASH_HEX);
			ASSERT_EQ(store_session_find(f.st, hash, &got, &e), 0);
			ASSERT_EQ(got.user_id, uid[i]);
			ASSERT_EQ(got.csrf[0], 'k' + i);
			ASSERT_EQ(store_user_get_id(f.st, got.user_id, &u, &e), 0);
			ASSERT_EQ(u.id, uid[i]);
			ASSERT_EQ(u.username[1], '0' + i);
			ASSERT_EQ(store_session_touch(f.st, got.id, f.now + round, &e), 0);
		}
	after = cache_stats(f.st);
	ASSERT_EQ(after.prepares - before.prepares, 1); /* the touch, once */
	ASSERT_EQ(after.hits - before.hits, 3 * 3 * 3 - 1);
	/* A miss is still a miss, and the next hit is unaffected. */
	ASSERT_EQ(store_session_find(f.st, "nope", &got, &e), BASE_E_NOTFOUND);
	ASSERT_EQ(store_user_get_id(f.st, 9999, &u, &e), BASE_E_NOTFOUND);
	ASSERT_EQ(store_user_get_id(f.st, uid[2], &u, &e), 0);
	ASSERT_STR_EQ(u.username, "u2");
	db_fixture_close(&f);
}

/* A cached statement sees the schema as it is now, not as it was prepared. */
TEST(store_cache_schema_change)
{
	static const struct store_migration add[] = {
	    {100, "t", "CREATE TABLE cache_t (x INTEGER); INSERT INTO cache_t VALUES (7)"},
	    {101, "t.y", "ALTER TABLE cache_t ADD COLUMN y INTEGER DEFAULT 9"},
	    {102, "drop t", "DROP TABLE cache_t"},
	};
	struct db_fixture f;
	struct err e = {0};
	sqlite3_stmt *stmt;

	db_fixture_open(&f);
	ASSERT_EQ(store_sqlite_migrate(f.st, add, 1, &e), 0);
	ASSERT_EQ(store_sqlite_cached(f.st, "SELECT * FROM cache_t", &stmt, &e), 0);
	ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
	ASSERT_EQ(sqlite3_column_count(stmt), 1);
	store_sqlite_done(f.st, stmt);

	ASSERT_EQ(store_sqlite_migrate(f.st, add, 2, &e), 0);
	ASSERT_EQ(store_sqlite_cached(f.st, "SELECT * FROM cache_t", &stmt, &e), 0);
	ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
	ASSERT_EQ(sqlite3_column_count(stmt), 2);
	ASSERT_EQ(sqlite3_column_int(stmt, 0), 7);
	ASSERT_EQ(sqlite3_column_int(stmt, 1), 9);
	store_sqlite_done(f.st, stmt);

	/* Changed behind the store's back (another connection) as well. */
	db_fixture_sql(&f, "ALTER TABLE cache_t ADD COLUMN z TEXT DEFAULT 'z'");
	ASSERT_EQ(store_sqlite_cached(f.st, "SELECT * FROM cache_t", &stmt, &e), 0);
	ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
	ASSERT_EQ(sqlite3_column_count(stmt), 3);
	ASSERT_STR_EQ((const char *)sqlite3_column_text(stmt, 2), "z");
	store_sqlite_done(f.st, stmt);

	/* The table is gone: an error, not an old answer. */
	ASSERT_EQ(store_sqlite_migrate(f.st, add, 3, &e), 0);
	ASSERT_EQ(store_sqlite_cached(f.st, "SELECT * FROM cache_t", &stmt, &e), 0);
	ASSERT_NE(sqlite3_step(stmt), SQLITE_ROW);
	store_sqlite_done(f.st, stmt);
	db_fixture_close(&f);
}

/* Given back half-read: the next use starts over with fresh bindings, and
 * the read transaction ended when it was given back (new rows are seen). */
TEST(store_cache_use_after_reset)
{
	static const struct store_migration t[] = {
	    {100, "t",
	     "CREATE TABLE cache_r (x INTEGER); INSERT INTO cache_r VALUES (1), (2), (3)"},
	};
	static const char sql[] = "SELECT x FROM cache_r WHERE x >= ?1 ORDER BY x";
	struct db_fixture f;
	struct err e = {0};
	sqlite3_stmt *stmt;

	db_fixture_open(&f);
	ASSERT_EQ(store_sqlite_migrate(f.st, t, 1, &e), 0);
	ASSERT_EQ(store_sqlite_cached(f.st, sql, &stmt, &e), 0);
	sqlite3_bind_int64(stmt, 1, 2);
	ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
	ASSERT_EQ(sqlite3_column_int(stmt, 0), 2);
	store_sqlite_done(f.st, stmt); /* row 3 never read */
	ASSERT_EQ(sqlite3_stmt_busy(stmt), 0);

	db_fixture_sql(&f, "INSERT INTO cache_r VALUES (0)");
	ASSERT_EQ(one_int(f.st, sql, 0), 0);
	ASSERT_EQ(one_int(f.st, sql, 3), 3);
	/* Bindings were cleared: ?1 is NULL, nothing matches. */
	ASSERT_EQ(store_sqlite_cached(f.st, sql, &stmt, &e), 0);
	ASSERT_EQ(sqlite3_step(stmt), SQLITE_DONE);
	store_sqlite_done(f.st, stmt);
	ASSERT_EQ(cache_stats(f.st).prepares, 1);
	db_fixture_close(&f);
}

/* The same text while its statement is out gets its own statement. */
TEST(store_cache_nested_use)
{
	struct db_fixture f;
	struct err e = {0};
	sqlite3_stmt *outer, *inner, *again;

	db_fixture_open(&f);
	ASSERT_EQ(store_sqlite_cached(f.st, "SELECT ?1", &outer, &e), 0);
	sqlite3_bind_int64(outer, 1, 5);
	ASSERT_EQ(store_sqlite_cached(f.st, "SELECT ?1", &inner, &e), 0);
	ASSERT(inner != outer);
	sqlite3_bind_int64(inner, 1, 6);
	ASSERT_EQ(sqlite3_step(inner), SQLITE_ROW);
	ASSERT_EQ(sqlite3_step(outer), SQLITE_ROW);
	ASSERT_EQ(sqlite3_column_int(inner, 0), 6);
	ASSERT_EQ(sqlite3_column_int(outer, 0), 5);
	store_sqlite_done(f.st, inner); /* finalized: not cached */
	store_sqlite_done(f.st, outer);
	ASSERT_EQ(store_sqlite_cached(f.st, "SELECT ?1", &again, &e), 0);
	ASSERT(again == outer);
	store_sqlite_done(f.st, again);
	store_sqlite_done(f.st, NULL);
	db_fixture_close(&f);
}

/* More texts than the cache holds: the oldest go, answers stay right, and
 * closing the store finalizes what is left, even a statement still out
 * (the sanitizer run fails on a leak). */
TEST(store_cache_eviction_and_close)
{
	struct db_fixture f;
	struct err e = {0};
	sqlite3_stmt *out;
	char sql[64];
	int n = 0;

	db_fixture_open(&f);
	for (int round = 0; round < 2; round++)
		for (int i = 0; i < 40; i++) {
			snprintf(sql, sizeof(sql), "SELECT ?1 * %d", i);
			ASSERT_EQ(one_int(f.st, sql, 3), 3 * i);
		}
	ASSERT(cache_stats(f.st).evictions >= 40 - 32);
	ASSERT_EQ(cache_stats(f.st).prepares, 80); /* oldest first: a cyclic scan never hits */
	ASSERT_EQ(one_int(f.st, "SELECT ?1 * 39", 2), 78);
	ASSERT_EQ(store_sqlite_cached(f.st, "SELECT ?1 * 38", &out, &e), 0);
	for (sqlite3_stmt *p = sqlite3_next_stmt(store_sqlite_db(f.st), NULL); p != NULL;
	     p = sqlite3_next_stmt(store_sqlite_db(f.st), p))
		n++;
	ASSERT(n <= 32);
	db_fixture_close(&f); /* `out` was never given back */
}

/* A cached INSERT that failed is usable again; the batch of usage rows
 * inside one transaction prepares its statement once. */
TEST(store_cache_after_failed_step)
{
	struct db_fixture f;
	struct err e = {0};
	struct store_model_usage u = {0};
	int64_t id = 0, tokens = 0;

	db_fixture_open(&f);
	u.ts = 1000;
	u.provider = "p";
	u.model = "m";
	u.status = "bogus";
	u.prompt_tokens = 3;
	u.completion_tokens = 4;
	ASSERT(store_model_usage_add(f.st, &u, &id, &e) != 0);
	u.status = "done";
	u.user_id = add_user(&f, "q");
	ASSERT_EQ(store_tx_begin(f.st, &e), 0);
	for (int i = 0; i < 5; i++)
		ASSERT_EQ(store_model_usage_add(f.st, &u, &id, &e), 0);
	ASSERT_EQ(store_tx_commit(f.st, &e), 0);
	ASSERT_EQ(store_model_usage_tokens_since(f.st, u.user_id, 0, &tokens, &e), 0);
	ASSERT_EQ(tokens, 5 * 7);
	ASSERT_EQ(store_model_usage_tokens_since(f.st, u.user_id, 2000, &tokens, &e), 0);
	ASSERT_EQ(tokens, 0);
	db_fixture_close(&f);
}
