/* store: the sessions table (migration 2) used by server/auth.c. */
#include "db_fixture.h"
#include "test.h"
#include "work/users.h"

TEST(server_session_store_roundtrip)
{
	struct db_fixture f;
	struct work_user_new nu = {"zhangsan", NULL, "staff", NULL};
	struct store_session s = {0}, got;
	struct store_user u;
	struct err e = {0};
	int64_t uid, sid;
	size_t n = 99;

	db_fixture_open(&f);
	ASSERT_EQ(work_user_add(&f.ctx, &nu, "Chunjie-2024!", 13, &uid, &e), 0);
	ASSERT_EQ(store_user_get_id(f.st, uid, &u, &e), 0);
	ASSERT_STR_EQ(u.username, "zhangsan");
	ASSERT_EQ(store_user_get_id(f.st, uid + 100, &u, &e), BASE_E_NOTFOUND);
	memset(s.token_hash, 'a', STORE_HASH_HEX);
	memset(s.csrf, 'c', STORE_HASH_HEX);
	s.user_id = uid;
	s.created_at = s.last_seen_at = 1000;
	s.expires_at = 5000;
	ASSERT_EQ(store_session_insert(f.st, &s, &sid, &e), 0);
	err_clear(&e);
	ASSERT_EQ(store_session_insert(f.st, &s, &sid, &e), BASE_E_CONFLICT);
	ASSERT_EQ(store_session_find(f.st, s.token_hash, &got, &e), 0);
	ASSERT_EQ(got.user_id, uid);
	ASSERT_STR_EQ(got.csrf, s.csrf);
	ASSERT_EQ(store_session_touch(f.st, got.id, 2000, &e), 0);
	ASSERT_EQ(store_session_find(f.st, s.token_hash, &got, &e), 0);
	ASSERT_EQ(got.last_seen_at, 2000);
	/* Not expired, not idle: kept. */
	ASSERT_EQ(store_session_delete_expired(f.st, 3000, 1500, &n, &e), 0);
	ASSERT_EQ(n, 0);
	/* Idle since before 2500: removed. */
	ASSERT_EQ(store_session_delete_expired(f.st, 3000, 2500, &n, &e), 0);
	ASSERT_EQ(n, 1);
	err_clear(&e);
	ASSERT_EQ(store_session_find(f.st, s.token_hash, &got, &e), BASE_E_NOTFOUND);
	ASSERT_EQ(store_session_insert(f.st, &s, &sid, &e), 0);
	ASSERT_EQ(store_session_delete_user(f.st, uid, &n, &e), 0);
	ASSERT_EQ(n, 1);
	db_fixture_close(&f);
}
