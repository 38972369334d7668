/* work/users: names, password policy, argon2id, login lockout (with an
 * injected clock), departments, and the audit entries every change leaves. */
#include <time.h>

#include "db_fixture.h"
#include "test.h"
#include "work/audit.h"
#include "work/users.h"

#define PW "Chunjie-2024!"

static void add_user(struct db_fixture *f, const char *name, const char *role)
{
	struct work_user_new nu = {name, NULL, role, NULL};
	struct err e = {0};
	int64_t id;

	if (work_user_add(&f->ctx, &nu, PW, strlen(PW), &id, &e) != 0)
		TEST_FAIL_AT("user add %s: %s", name, e.msg);
}

static int login(struct db_fixture *f, const char *name, const char *pw, struct err *e)
{
	struct store_user u;

	err_clear(e);
	return work_user_login(&f->ctx, name, pw, strlen(pw), &u, e);
}

/* Actions of the audit log in order, joined with spaces. */
static int collect_action(const struct store_audit *a, void *arg)
{
	struct buf *b = arg;

	buf_addf(b, "%s%s", b->len ? " " : "", a->action);
	ASSERT(strstr(a->detail, PW) == NULL);
	return 0;
}

static char *audit_actions(struct db_fixture *f)
{
	struct buf b;
	struct err e = {0};

	buf_init(&b, 1 << 16);
	ASSERT_EQ(store_audit_iter(f->st, NULL, collect_action, &b, &e), 0);
	return buf_detach(&b, NULL);
}

TEST(users_username_rules)
{
	static const char *const good[][2] = {
	    {"zhangsan", "zhangsan"}, {"Zhang.San", "zhang.san"},
	    {"张三", "张三"},	      {"阿依古丽·买买提", "阿依古丽·买买提"},
	    {"li_si-2", "li_si-2"},
	};
	static const char *const bad[] = {
	    "",		"a",	      "1abc",
	    "a b",	"ｚｈａｎｇ", "张三!",
	    "\xff\xfe", ".abc",	      "abcdefghijklmnopqrstuvwxyz0123456"};
	char out[STORE_NAME_MAX + 1];
	struct err e = {0};

	for (size_t i = 0; i < ARRAY_LEN(good); i++) {
		ASSERT_EQ(work_username_normalize(good[i][0], out, &e), 0);
		ASSERT_STR_EQ(out, good[i][1]);
	}
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		err_clear(&e);
		if (work_username_normalize(bad[i], out, &e) != BASE_E_USAGE)
			TEST_FAIL_AT("accepted bad username \"%s\"", bad[i]);
		ASSERT_CONTAINS(e.msg, "用户名");
	}
}

TEST(users_password_policy)
{
	struct err e = {0};

	ASSERT_EQ(work_password_check("Abc-12", 6, "u", &e), BASE_E_USAGE);
	ASSERT_CONTAINS(e.msg, "至少 10 个字符");
	err_clear(&e);
	ASSERT_EQ(work_password_check("abcdefghijk", 11, "u", &e), BASE_E_USAGE);
	ASSERT_CONTAINS(e.msg, "至少两类");
	err_clear(&e);
	ASSERT_EQ(work_password_check("1234567890", 10, "u", &e), BASE_E_USAGE);
	err_clear(&e);
	/* Ten Chinese characters are one class ("other") */
	ASSERT_EQ(
	    work_password_check("春眠不觉晓处处闻啼鸟", strlen("春眠不觉晓处处闻啼鸟"), "u", &e),
	    BASE_E_USAGE);
	err_clear(&e);
	ASSERT_EQ(work_password_check("zhangsan12", 10, "zhangsan12", &e), BASE_E_USAGE);
	ASSERT_CONTAINS(e.msg, "用户名");
	err_clear(&e);
	ASSERT_EQ(work_password_check("abc\xff"
				      "defghij1",
				      12, "u", &e),
		  BASE_E_USAGE);
	err_clear(&e);
	ASSERT_EQ(work_password_check("abcdefghij1", 11, "u", &e), 0);
	ASSERT_EQ(
	    work_password_check("春眠不觉晓处处闻啼鸟1", strlen("春眠不觉晓处处闻啼鸟1"), "u", &e),
	    0);
}

TEST(users_hash_is_argon2id_interactive)
{
	char hash[STORE_PWHASH_MAX + 1];
	struct err e = {0};
	uint64_t t0 = base_now_ns();

	ASSERT_EQ(work_password_hash(PW, strlen(PW), hash, &e), 0);
	fprintf(stderr, "  argon2id hash: %.1f ms\n", (double)(base_now_ns() - t0) / 1e6);
	ASSERT(strncmp(hash, "$argon2id$v=19$m=65536,t=2,p=1$", 31) == 0);
}

TEST(users_add_and_login)
{
	struct db_fixture f;
	struct err e = {0};
	struct store_user u;

	db_fixture_open(&f);
	add_user(&f, "ZhangSan", "admin");
	ASSERT_EQ(work_user_login(&f.ctx, "zhangsan", PW, strlen(PW), &u, &e), 0);
	ASSERT_STR_EQ(u.role, "admin");
	ASSERT(strstr(u.password_hash, PW) == NULL);
	ASSERT_EQ(login(&f, "zhangsan", "Wrong-password1", &e), BASE_E_AUTH);
	ASSERT_STR_EQ(e.msg, "用户名或密码错误");
	/* An unknown user gets the very same answer. */
	ASSERT_EQ(login(&f, "nobody", PW, &e), BASE_E_AUTH);
	ASSERT_STR_EQ(e.msg, "用户名或密码错误");
	db_fixture_close(&f);
}

TEST(users_duplicate_and_bad_input_refused)
{
	struct db_fixture f;
	struct work_user_new nu = {"zhangsan", NULL, "staff", NULL};
	struct err e = {0};
	int64_t id;

	db_fixture_open(&f);
	add_user(&f, "zhangsan", "staff");
	ASSERT_EQ(work_user_add(&f.ctx, &nu, PW, strlen(PW), &id, &e), BASE_E_CONFLICT);
	ASSERT_STR_EQ(e.msg, "用户名“zhangsan”已存在");
	err_clear(&e);
	nu = (struct work_user_new){"lisi", NULL, "boss", NULL};
	ASSERT_EQ(work_user_add(&f.ctx, &nu, PW, strlen(PW), &id, &e), BASE_E_USAGE);
	ASSERT_CONTAINS(e.msg, "角色无效");
	err_clear(&e);
	nu = (struct work_user_new){"lisi", "李\x01四", "staff", NULL};
	ASSERT_EQ(work_user_add(&f.ctx, &nu, PW, strlen(PW), &id, &e), BASE_E_USAGE);
	ASSERT_CONTAINS(e.msg, "控制字符");
	err_clear(&e);
	nu = (struct work_user_new){"lisi", NULL, "staff", "财政局"};
	ASSERT_EQ(work_user_add(&f.ctx, &nu, PW, strlen(PW), &id, &e), BASE_E_NOTFOUND);
	ASSERT_STR_EQ(e.msg, "部门“财政局”不存在");
	db_fixture_close(&f);
}

TEST(users_lockout_after_failures_in_window)
{
	struct db_fixture f;
	struct err e = {0};

	db_fixture_open(&f);
	add_user(&f, "zhangsan", "staff");
	for (int i = 1; i < WORK_LOCKOUT_FAILS; i++) {
		f.now += 10 * 1000;
		ASSERT_EQ(login(&f, "zhangsan", "Wrong-password1", &e), BASE_E_AUTH);
	}
	ASSERT_EQ(login(&f, "zhangsan", "Wrong-password1", &e), BASE_E_LOCKED);
	/* Locked: even the right password is refused, with the time left. */
	f.now += 60 * 1000;
	ASSERT_EQ(login(&f, "zhangsan", PW, &e), BASE_E_LOCKED);
	ASSERT_CONTAINS(e.msg, "14 分钟");
	f.now += (WORK_LOCKOUT_MINUTES - 1) * 60 * 1000 - 1;
	ASSERT_EQ(login(&f, "zhangsan", PW, &e), BASE_E_LOCKED);
	f.now += 1;
	ASSERT_EQ(login(&f, "zhangsan", PW, &e), 0);
	/* Counters were reset: one new failure does not lock. */
	ASSERT_EQ(login(&f, "zhangsan", "Wrong-password1", &e), BASE_E_AUTH);
	ASSERT_EQ(login(&f, "zhangsan", PW, &e), 0);
	db_fixture_close(&f);
}

TEST(users_failures_outside_window_do_not_lock)
{
	struct db_fixture f;
	struct err e = {0};

	db_fixture_open(&f);
	add_user(&f, "zhangsan", "staff");
	for (int round = 0; round < 3; round++) {
		for (int i = 1; i < WORK_LOCKOUT_FAILS; i++)
			ASSERT_EQ(login(&f, "zhangsan", "Wrong-password1", &e), BASE_E_AUTH);
		f.now += WORK_LOCKOUT_WINDOW; /* the window has passed */
	}
	ASSERT_EQ(login(&f, "zhangsan", PW, &e), 0);
	db_fixture_close(&f);
}

TEST(users_passwd_lifts_lock_and_disable_blocks)
{
	struct db_fixture f;
	struct err e = {0};

	db_fixture_open(&f);
	add_user(&f, "zhangsan", "staff");
	for (int i = 0; i < WORK_LOCKOUT_FAILS; i++)
		login(&f, "zhangsan", "Wrong-password1", &e);
	ASSERT_EQ(login(&f, "zhangsan", PW, &e), BASE_E_LOCKED);
	ASSERT_EQ(work_user_passwd(&f.ctx, "zhangsan", "New-secret-42", 13, &e), 0);
	ASSERT_EQ(login(&f, "zhangsan", PW, &e), BASE_E_AUTH);
	ASSERT_EQ(login(&f, "zhangsan", "New-secret-42", &e), 0);
	ASSERT_EQ(work_user_passwd(&f.ctx, "zhangsan", "short", 5, &e), BASE_E_USAGE);
	err_clear(&e);
	ASSERT_EQ(work_user_set_disabled(&f.ctx, "zhangsan", true, &e), 0);
	ASSERT_EQ(login(&f, "zhangsan", "New-secret-42", &e), BASE_E_AUTH);
	ASSERT_CONTAINS(e.msg, "停用");
	ASSERT_EQ(work_user_set_disabled(&f.ctx, "zhangsan", false, &e), 0);
	ASSERT_EQ(login(&f, "zhangsan", "New-secret-42", &e), 0);
	ASSERT_EQ(work_user_set_disabled(&f.ctx, "nobody", true, &e), BASE_E_NOTFOUND);
	db_fixture_close(&f);
}

TEST(users_dept_tree_and_paths)
{
	struct db_fixture f;
	struct store_dept d;
	struct err e = {0};
	int64_t gov, fin, a, b;

	db_fixture_open(&f);
	ASSERT_EQ(work_dept_add(&f.ctx, "市政府", NULL, &gov, &e), 0);
	ASSERT_EQ(work_dept_add(&f.ctx, "财政局", "市政府", &fin, &e), 0);
	ASSERT_EQ(work_dept_add(&f.ctx, "办公室", "市政府", &a, &e), 0);
	ASSERT_EQ(work_dept_add(&f.ctx, "办公室", "市政府/财政局", &b, &e), 0);
	ASSERT_EQ(work_dept_resolve(f.st, "办公室", &d, &e), BASE_E_CONFLICT);
	ASSERT_CONTAINS(e.msg, "不唯一");
	err_clear(&e);
	ASSERT_EQ(work_dept_resolve(f.st, "财政局/办公室", &d, &e), 0);
	ASSERT_EQ(d.id, b);
	ASSERT_EQ(d.parent_id, fin);
	ASSERT_EQ(work_dept_resolve(f.st, "市政府/办公室", &d, &e), 0);
	ASSERT_EQ(d.id, a);
	ASSERT_EQ(work_dept_add(&f.ctx, "a/b", NULL, &a, &e), BASE_E_USAGE);
	err_clear(&e);
	ASSERT_EQ(work_dept_add(&f.ctx, "办公室", "市政府", &a, &e), BASE_E_CONFLICT);
	db_fixture_close(&f);
}

TEST(users_every_change_is_audited)
{
	struct db_fixture f;
	struct work_audit_report r;
	struct work_user_new nu = {"lisi", "李四", "guardian", "办公室"};
	struct err e = {0};
	int64_t id;
	char *actions;

	db_fixture_open(&f);
	ASSERT_EQ(work_dept_add(&f.ctx, "办公室", NULL, &id, &e), 0);
	ASSERT_EQ(work_user_add(&f.ctx, &nu, PW, strlen(PW), &id, &e), 0);
	ASSERT_EQ(work_user_passwd(&f.ctx, "lisi", "New-secret-42", 13, &e), 0);
	ASSERT_EQ(login(&f, "lisi", "Wrong-password1", &e), BASE_E_AUTH);
	ASSERT_EQ(login(&f, "lisi", "New-secret-42", &e), 0);
	ASSERT_EQ(work_user_set_disabled(&f.ctx, "lisi", true, &e), 0);
	/* A failed change leaves no entry. */
	ASSERT_EQ(work_user_add(&f.ctx, &nu, PW, strlen(PW), &id, &e), BASE_E_CONFLICT);
	actions = audit_actions(&f);
	ASSERT_STR_EQ(actions, "dept.add user.add user.passwd user.login_failed user.login "
			       "user.disable");
	free(actions);
	ASSERT_EQ(work_audit_verify(f.st, &r, &e), 0);
	ASSERT_EQ(r.reason, WORK_AUDIT_INTACT);
	db_fixture_close(&f);
}
