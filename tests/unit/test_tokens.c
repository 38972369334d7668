/* work/tokens: creation, authentication, expiry (injected clock), revocation,
 * disabled users, and that the secret is never stored or audited. */
#include <string.h>

#include "db_fixture.h"
#include "test.h"
#include "work/tokens.h"
#include "work/users.h"

#define PW "Chunjie-2024!"

static int64_t tokens_user(struct db_fixture *f, const char *name)
{
	struct work_user_new nu = {name, NULL, "staff", NULL};
	struct err e = {0};
	int64_t id = 0;

	if (work_user_add(&f->ctx, &nu, PW, strlen(PW), &id, &e) != 0)
		TEST_FAIL_AT("user add %s: %s", name, e.msg);
	return id;
}

static int tokens_auth(struct db_fixture *f, const char *secret, struct store_user *u)
{
	struct store_token t;
	struct err e = {0};

	return work_token_authenticate(&f->ctx, secret, u, &t, &e);
}

static int tokens_no_secret(const struct store_audit *a, void *arg)
{
	ASSERT(strstr(a->detail, (const char *)arg) == NULL);
	ASSERT(strstr(a->target, (const char *)arg) == NULL);
	return 0;
}

TEST(tokens_create_authenticate_revoke)
{
	struct db_fixture f;
	struct store_user u;
	struct store_token t;
	struct err e = {0};
	char secret[WORK_TOKEN_LEN + 1];
	char copy[WORK_TOKEN_LEN + 1];
	int64_t id = 0, uid;

	db_fixture_open(&f);
	uid = tokens_user(&f, "zhangsan");
	ASSERT_EQ(work_token_create(&f.ctx, uid, "报表脚本", 30, secret, &id, &e), 0);
	ASSERT_EQ(strlen(secret), (size_t)WORK_TOKEN_LEN);
	ASSERT(strncmp(secret, "szt_", 4) == 0);
	memcpy(copy, secret, sizeof(copy));
	ASSERT_EQ(tokens_auth(&f, secret, &u), 0);
	ASSERT_STR_EQ(u.username, "zhangsan");
	/* Stored as a hash only; the audit log names it without the secret. */
	ASSERT_EQ(store_token_get(f.st, id, &t, &e), 0);
	ASSERT(strstr(copy, t.token_hash) == NULL && strlen(t.token_hash) == 64);
	ASSERT_EQ(store_audit_iter(f.st, NULL, tokens_no_secret, copy + 4, &e), 0);
	/* One changed digit, a wrong prefix, a short token: refused alike. */
	copy[10] = copy[10] == 'a' ? 'b' : 'a';
	ASSERT_EQ(tokens_auth(&f, copy, &u), BASE_E_AUTH);
	ASSERT_EQ(tokens_auth(&f, "szt_abc", &u), BASE_E_AUTH);
	memcpy(copy, secret, sizeof(copy));
	copy[0] = 'x';
	ASSERT_EQ(tokens_auth(&f, copy, &u), BASE_E_AUTH);
	ASSERT_EQ(tokens_auth(&f, NULL, &u), BASE_E_AUTH);
	/* Revocation is final and only the owner's filter applies. */
	ASSERT_EQ(work_token_revoke(&f.ctx, id, uid + 100, &e), BASE_E_NOTFOUND);
	ASSERT_EQ(tokens_auth(&f, secret, &u), 0);
	ASSERT_EQ(work_token_revoke(&f.ctx, id, uid, &e), 0);
	ASSERT_EQ(tokens_auth(&f, secret, &u), BASE_E_AUTH);
	ASSERT_EQ(work_token_revoke(&f.ctx, id, 0, &e), BASE_E_CONFLICT);
	db_fixture_close(&f);
}

TEST(tokens_expiry_and_disabled_user)
{
	struct db_fixture f;
	struct store_user u;
	struct err e = {0};
	char forever[WORK_TOKEN_LEN + 1], week[WORK_TOKEN_LEN + 1];
	int64_t id = 0, uid;

	db_fixture_open(&f);
	uid = tokens_user(&f, "lisi");
	ASSERT_EQ(work_token_create(&f.ctx, uid, "一周", 7, week, &id, &e), 0);
	ASSERT_EQ(work_token_create(&f.ctx, uid, "长期", 0, forever, &id, &e), 0);
	f.now += 7LL * 86400 * 1000 - 1;
	ASSERT_EQ(tokens_auth(&f, week, &u), 0);
	f.now += 1;
	ASSERT_EQ(tokens_auth(&f, week, &u), BASE_E_AUTH);
	f.now += 3650LL * 86400 * 1000;
	ASSERT_EQ(tokens_auth(&f, forever, &u), 0);
	ASSERT_EQ(work_user_set_disabled(&f.ctx, "lisi", true, &e), 0);
	ASSERT_EQ(tokens_auth(&f, forever, &u), BASE_E_AUTH);
	ASSERT_EQ(work_token_create(&f.ctx, uid, "停用后", 1, week, &id, &e), BASE_E_CONFLICT);
	db_fixture_close(&f);
}

TEST(tokens_input_limits)
{
	struct db_fixture f;
	struct err e = {0};
	char secret[WORK_TOKEN_LEN + 1];
	char long_name[300];
	int64_t id = 0, uid;

	db_fixture_open(&f);
	uid = tokens_user(&f, "wangwu");
	memset(long_name, 'x', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	ASSERT_EQ(work_token_create(&f.ctx, uid, "", 1, secret, &id, &e), BASE_E_USAGE);
	ASSERT_EQ(work_token_create(&f.ctx, uid, NULL, 1, secret, &id, &e), BASE_E_USAGE);
	ASSERT_EQ(work_token_create(&f.ctx, uid, long_name, 1, secret, &id, &e), BASE_E_USAGE);
	ASSERT_EQ(work_token_create(&f.ctx, uid, "a\nb", 1, secret, &id, &e), BASE_E_USAGE);
	ASSERT_EQ(work_token_create(&f.ctx, uid, "\xff\xfe", 1, secret, &id, &e), BASE_E_FORMAT);
	ASSERT_EQ(work_token_create(&f.ctx, uid, "ok", -1, secret, &id, &e), BASE_E_USAGE);
	ASSERT_EQ(work_token_create(&f.ctx, uid, "ok", 3651, secret, &id, &e), BASE_E_USAGE);
	ASSERT_EQ(work_token_create(&f.ctx, uid + 99, "ok", 1, secret, &id, &e), BASE_E_NOTFOUND);
	db_fixture_close(&f);
}
