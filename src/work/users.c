/* work/users: departments, users, argon2id passwords, lockout (see users.h). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>
#include <sodium.h>

#include "text/text.h"
#include "work/audit.h"
#include "work/users.h"

static const char *const users_roles[] = {"admin", "guardian", "staff", "auditor"};

int work_role_check(const char *role, struct err *e)
{
	for (size_t i = 0; i < ARRAY_LEN(users_roles); i++) {
		if (role != NULL && strcmp(role, users_roles[i]) == 0)
			return 0;
	}
	return err_set(e, BASE_E_USAGE, "角色无效：只能是 admin、guardian、staff 或 auditor");
}

static bool users_is_cjk(uint32_t cp)
{
	return (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF);
}

static bool users_is_control(uint32_t cp)
{
	return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) || cp == 0x2028 ||
	       cp == 0x2029;
}

int work_username_normalize(const char *in, char out[STORE_NAME_MAX + 1], struct err *e)
{
	size_t len = in ? strlen(in) : 0;
	size_t chars = 0;
	size_t o = 0;

	if (len == 0)
		return err_set(e, BASE_E_USAGE, "用户名不能为空");
	if (len > STORE_NAME_MAX || !text_utf8_valid(in, len, NULL))
		return err_set(e, BASE_E_USAGE, "用户名过长或不是有效的 UTF-8（最多 %d 个字符）",
			       WORK_USERNAME_MAX);
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t n = text_utf8_decode(in + i, len - i, &cp);
		bool letter =
		    (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || users_is_cjk(cp);
		bool other =
		    (cp >= '0' && cp <= '9') || cp == '.' || cp == '_' || cp == '-' || cp == 0xB7;

		if (!letter && !other)
			return err_set(e, BASE_E_USAGE, "用户名只能包含字母、数字、汉字和 . _ - ·");
		if (chars == 0 && !letter)
			return err_set(e, BASE_E_USAGE, "用户名必须以字母或汉字开头");
		if (cp >= 'A' && cp <= 'Z')
			out[o++] = (char)(cp - 'A' + 'a');
		else {
			memcpy(out + o, in + i, n);
			o += n;
		}
		i += n;
		chars++;
	}
	out[o] = '\0';
	if (chars < WORK_USERNAME_MIN || chars > WORK_USERNAME_MAX)
		return err_set(e, BASE_E_USAGE, "用户名长度应为 %d–%d 个字符", WORK_USERNAME_MIN,
			       WORK_USERNAME_MAX);
	return 0;
}

/* Printable UTF-8 of 1..max characters (and of at most cap bytes). */
static int users_check_label(const char *what, const char *s, size_t max, size_t cap,
			     bool allow_slash, struct err *e)
{
	size_t len = s ? strlen(s) : 0;
	size_t chars = 0;

	if (len == 0)
		return err_set(e, BASE_E_USAGE, "%s不能为空", what);
	if (len > cap || !text_utf8_valid(s, len, NULL))
		return err_set(e, BASE_E_USAGE, "%s过长或不是有效的 UTF-8（最多 %zu 个字符）", what,
			       max);
	for (size_t i = 0; i < len;) {
		uint32_t cp;

		i += text_utf8_decode(s + i, len - i, &cp);
		if (users_is_control(cp))
			return err_set(e, BASE_E_USAGE, "%s不能包含控制字符", what);
		if (cp == '/' && !allow_slash)
			return err_set(e, BASE_E_USAGE, "%s不能包含“/”", what);
		chars++;
	}
	if (chars > max)
		return err_set(e, BASE_E_USAGE, "%s过长（最多 %zu 个字符）", what, max);
	return 0;
}

int work_password_check(const char *pw, size_t len, const char *username, struct err *e)
{
	bool lower = false, upper = false, digit = false, other = false;
	size_t chars = 0;

	if (len > WORK_PASSWORD_MAX)
		return err_set(e, BASE_E_USAGE, "密码过长（最多 %d 字节）", WORK_PASSWORD_MAX);
	if (!text_utf8_valid(pw, len, NULL) || memchr(pw, '\0', len) != NULL)
		return err_set(e, BASE_E_USAGE, "密码不是有效的 UTF-8 文本");
	for (size_t i = 0; i < len;) {
		uint32_t cp;

		i += text_utf8_decode(pw + i, len - i, &cp);
		if (cp >= 'a' && cp <= 'z')
			lower = true;
		else if (cp >= 'A' && cp <= 'Z')
			upper = true;
		else if (cp >= '0' && cp <= '9')
			digit = true;
		else
			other = true;
		chars++;
	}
	if (chars < WORK_PASSWORD_MIN)
		return err_set(e, BASE_E_USAGE, "密码太短：至少 %d 个字符", WORK_PASSWORD_MIN);
	if ((int)lower + (int)upper + (int)digit + (int)other < 2)
		return err_set(e, BASE_E_USAGE,
			       "密码太简单：须包含小写字母、大写字母、数字、其他字符中的至少两类");
	if (username != NULL && strlen(username) == len && strncasecmp(pw, username, len) == 0)
		return err_set(e, BASE_E_USAGE, "密码不能与用户名相同");
	return 0;
}

static int users_sodium_init(struct err *e)
{
	if (sodium_init() < 0)
		return err_set(e, BASE_E_INTERNAL, "密码库初始化失败");
	return 0;
}

int work_password_hash(const char *pw, size_t len, char out[STORE_PWHASH_MAX + 1], struct err *e)
{
	char hash[crypto_pwhash_STRBYTES];

	if (users_sodium_init(e) != 0)
		return e->code;
	if (crypto_pwhash_str(hash, pw, len, crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return err_set(e, BASE_E_INTERNAL, "内存不足，无法计算密码哈希");
	snprintf(out, STORE_PWHASH_MAX + 1, "%s", hash);
	return 0;
}

/* ---- departments ---- */

int work_dept_resolve(struct store *st, const char *path, struct store_dept *out, struct err *e)
{
	int64_t parent = -1; /* the first component may sit at any level */
	const char *p = path;
	char part[STORE_NAME_MAX + 1];
	size_t count;
	int rc;

	if (path == NULL || path[0] == '\0')
		return err_set(e, BASE_E_USAGE, "部门名称不能为空");
	for (;;) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);

		if (n == 0 || n > STORE_NAME_MAX)
			return err_set(e, BASE_E_USAGE, "部门路径“%.96s”无效", path);
		memcpy(part, p, n);
		part[n] = '\0';
		rc = store_dept_find(st, parent, part, out, &count, e);
		if (rc != 0)
			return rc;
		if (count == 0)
			return err_set(e, BASE_E_NOTFOUND, "部门“%.96s”不存在", path);
		if (count > 1)
			return err_set(e, BASE_E_CONFLICT,
				       "部门名称“%s”不唯一，请用“上级/下级”路径指定", part);
		if (slash == NULL)
			return 0;
		parent = out->id;
		p = slash + 1;
	}
}

/* Commit, or roll back and keep the first error. */
static int users_finish(const struct work_ctx *ctx, int rc, struct err *e)
{
	if (rc != 0) {
		store_tx_rollback(ctx->st);
		return rc;
	}
	return store_tx_commit(ctx->st, e);
}

int work_dept_add(const struct work_ctx *ctx, const char *name, const char *parent, int64_t *id,
		  struct err *e)
{
	struct store_dept d = {0};
	struct store_dept up = {0};
	char target[64];
	json_t *detail;
	int rc;

	rc = users_check_label("部门名称", name, WORK_DEPT_NAME_MAX, STORE_NAME_MAX, false, e);
	if (rc != 0)
		return rc;
	rc = store_tx_begin(ctx->st, e);
	if (rc != 0)
		return rc;
	if (parent != NULL) {
		rc = work_dept_resolve(ctx->st, parent, &up, e);
		if (rc != 0)
			return users_finish(ctx, rc, e);
	}
	snprintf(d.name, sizeof(d.name), "%s", name);
	d.parent_id = up.id;
	d.created_at = work_now(ctx);
	rc = store_dept_insert(ctx->st, &d, id, e);
	if (rc != 0)
		return users_finish(ctx, rc, e);
	snprintf(target, sizeof(target), "dept:%lld", (long long)*id);
	detail = json_pack("{s:s}", "name", name);
	if (parent != NULL) {
		json_object_set_new(detail, "parent", json_string(up.name));
		json_object_set_new(detail, "parent_id", json_integer(up.id));
	}
	rc = work_audit_append_tx(ctx, "dept.add", target, detail, e);
	json_decref(detail);
	return users_finish(ctx, rc, e);
}

/* ---- users ---- */

int work_user_add_check(const struct work_user_new *nu, const char *pw, size_t pwlen, struct err *e)
{
	char name[STORE_NAME_MAX + 1];

	if (work_username_normalize(nu->username, name, e) != 0 ||
	    work_role_check(nu->role, e) != 0)
		return e->code;
	if (nu->display_name != NULL &&
	    users_check_label("显示名称", nu->display_name, WORK_DISPLAY_MAX, STORE_DISPLAY_MAX,
			      true, e) != 0)
		return e->code;
	return work_password_check(pw, pwlen, name, e);
}

int work_user_add_hashed(const struct work_ctx *ctx, const struct work_user_new *nu,
			 const char *hash, int64_t *id, struct err *e)
{
	struct store_user u = {0};
	struct store_dept dept = {0};
	char target[STORE_NAME_MAX + 8];
	json_t *detail;
	int rc;

	if (work_username_normalize(nu->username, u.username, e) != 0 ||
	    work_role_check(nu->role, e) != 0)
		return e->code;
	if (nu->display_name != NULL &&
	    users_check_label("显示名称", nu->display_name, WORK_DISPLAY_MAX, STORE_DISPLAY_MAX,
			      true, e) != 0)
		return e->code;
	if (hash == NULL || strlen(hash) > STORE_PWHASH_MAX ||
	    strncmp(hash, crypto_pwhash_STRPREFIX, strlen(crypto_pwhash_STRPREFIX)) != 0)
		return err_set(e, BASE_E_INTERNAL, "密码哈希无效");
	snprintf(u.display_name, sizeof(u.display_name), "%s",
		 nu->display_name ? nu->display_name : u.username);
	snprintf(u.role, sizeof(u.role), "%s", nu->role);
	snprintf(u.password_hash, sizeof(u.password_hash), "%s", hash);
	rc = store_tx_begin(ctx->st, e);
	if (rc != 0)
		return rc;
	if (nu->dept != NULL) {
		rc = work_dept_resolve(ctx->st, nu->dept, &dept, e);
		if (rc != 0)
			return users_finish(ctx, rc, e);
		u.department_id = dept.id;
	}
	u.created_at = work_now(ctx);
	rc = store_user_insert(ctx->st, &u, id, e);
	if (rc == BASE_E_CONFLICT && u.department_id == 0) {
		err_clear(e);
		rc = err_set(e, BASE_E_CONFLICT, "用户名“%s”已存在", u.username);
	}
	if (rc != 0)
		return users_finish(ctx, rc, e);
	snprintf(target, sizeof(target), "user:%s", u.username);
	detail = json_pack("{s:s,s:s,s:s}", "username", u.username, "display_name", u.display_name,
			   "role", u.role);
	if (u.department_id != 0) {
		json_object_set_new(detail, "department", json_string(dept.name));
		json_object_set_new(detail, "department_id", json_integer(dept.id));
	}
	rc = work_audit_append_tx(ctx, "user.add", target, detail, e);
	json_decref(detail);
	return users_finish(ctx, rc, e);
}

int work_user_add(const struct work_ctx *ctx, const struct work_user_new *nu, const char *pw,
		  size_t pwlen, int64_t *id, struct err *e)
{
	char hash[STORE_PWHASH_MAX + 1];
	int rc;

	if (work_user_add_check(nu, pw, pwlen, e) != 0)
		return e->code;
	/* Hash before taking the write lock: argon2id takes tens of ms. */
	rc = work_password_hash(pw, pwlen, hash, e);
	if (rc == 0)
		rc = work_user_add_hashed(ctx, nu, hash, id, e);
	sodium_memzero(hash, sizeof(hash));
	return rc;
}

/* Begin a transaction and load the user; on failure nothing is left open. */
static int users_begin_get(const struct work_ctx *ctx, const char *username, struct store_user *u,
			   struct err *e)
{
	char name[STORE_NAME_MAX + 1];
	int rc;

	rc = work_username_normalize(username, name, e);
	if (rc != 0)
		return rc;
	rc = store_tx_begin(ctx->st, e);
	if (rc != 0)
		return rc;
	rc = store_user_get(ctx->st, name, u, e);
	if (rc != 0)
		store_tx_rollback(ctx->st);
	return rc;
}

int work_user_passwd(const struct work_ctx *ctx, const char *username, const char *pw, size_t pwlen,
		     struct err *e)
{
	char name[STORE_NAME_MAX + 1];
	char hash[STORE_PWHASH_MAX + 1];
	char target[STORE_NAME_MAX + 8];
	struct store_user u;
	int rc;

	if (work_username_normalize(username, name, e) != 0 ||
	    work_password_check(pw, pwlen, name, e) != 0)
		return e->code;
	rc = work_password_hash(pw, pwlen, hash, e);
	if (rc != 0)
		return rc;
	rc = users_begin_get(ctx, name, &u, e);
	if (rc != 0)
		return rc;
	rc = store_user_set_password(ctx->st, u.id, hash, work_now(ctx), e);
	snprintf(target, sizeof(target), "user:%s", u.username);
	if (rc == 0)
		rc = work_audit_append_tx(ctx, "user.passwd", target, NULL, e);
	sodium_memzero(hash, sizeof(hash));
	return users_finish(ctx, rc, e);
}

int work_user_set_disabled(const struct work_ctx *ctx, const char *username, bool disabled,
			   struct err *e)
{
	char target[STORE_NAME_MAX + 8];
	struct store_user u;
	int rc;

	rc = users_begin_get(ctx, username, &u, e);
	if (rc != 0)
		return rc;
	rc = store_user_set_disabled(ctx->st, u.id, disabled, work_now(ctx), e);
	snprintf(target, sizeof(target), "user:%s", u.username);
	if (rc == 0)
		rc = work_audit_append_tx(ctx, disabled ? "user.disable" : "user.enable", target,
					  NULL, e);
	return users_finish(ctx, rc, e);
}

/* ---- login ---- */

static char users_dummy_hash[crypto_pwhash_STRBYTES];
static pthread_once_t users_dummy_once = PTHREAD_ONCE_INIT;

static void users_dummy_init(void)
{
	if (crypto_pwhash_str(users_dummy_hash, "shuzhi-no-such-user", 19,
			      crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		users_dummy_hash[0] = '\0';
}

/* Audit a login attempt as its own transaction; actor is the claimed user. */
static int users_audit_login(const struct work_ctx *ctx, const char *username, const char *action,
			     const char *reason, struct err *e)
{
	struct work_ctx as = *ctx;
	char actor[STORE_NAME_MAX + 8];
	json_t *detail = NULL;
	int rc;

	snprintf(actor, sizeof(actor), "user:%s", username);
	as.actor = actor;
	if (reason != NULL)
		detail = json_pack("{s:s,s:s}", "reason", reason, "via", ctx->actor);
	else
		detail = json_pack("{s:s}", "via", ctx->actor);
	rc = work_audit_append_tx(&as, action, actor, detail, e);
	json_decref(detail);
	return rc;
}

/* Count one failure in the current window (in a transaction, on fresh
 * counters); lock the account when the window holds WORK_LOCKOUT_FAILS. */
static int users_record_failure(const struct work_ctx *ctx, const char *username, bool *locked,
				struct err *e)
{
	struct store_user u;
	int64_t now = work_now(ctx);
	int rc;

	*locked = false;
	rc = users_begin_get(ctx, username, &u, e);
	if (rc != 0)
		return rc;
	if (u.first_failed_at == 0 || now - u.first_failed_at >= WORK_LOCKOUT_WINDOW) {
		u.failed_logins = 1;
		u.first_failed_at = now;
	} else {
		u.failed_logins++;
	}
	if (u.failed_logins >= WORK_LOCKOUT_FAILS) {
		u.locked_until = now + (int64_t)WORK_LOCKOUT_MINUTES * 60 * 1000;
		u.failed_logins = 0;
		u.first_failed_at = 0;
		*locked = true;
	}
	rc = store_user_set_login_state(ctx->st, &u, now, e);
	if (rc == 0)
		rc = users_audit_login(ctx, u.username, "user.login_failed", "wrong_password", e);
	if (rc == 0 && *locked)
		rc = users_audit_login(ctx, u.username, "user.lock", "too_many_failures", e);
	return users_finish(ctx, rc, e);
}

static int users_audit_only(const struct work_ctx *ctx, const char *username, const char *action,
			    const char *reason, struct err *e)
{
	int rc = store_tx_begin(ctx->st, e);

	if (rc != 0)
		return rc;
	rc = users_audit_login(ctx, username, action, reason, e);
	return users_finish(ctx, rc, e);
}

/* Success: clear the counters, store the upgraded hash, audit. */
static int users_login_ok(const struct work_ctx *ctx, struct store_user *u, const char *rehash,
			  struct err *e)
{
	int64_t now = work_now(ctx);
	int rc;

	rc = store_tx_begin(ctx->st, e);
	if (rc != 0)
		return rc;
	if (u->failed_logins != 0 || u->first_failed_at != 0 || u->locked_until != 0) {
		u->failed_logins = 0;
		u->first_failed_at = 0;
		u->locked_until = 0;
		rc = store_user_set_login_state(ctx->st, u, now, e);
	}
	if (rc == 0 && rehash != NULL) {
		rc = store_user_set_password(ctx->st, u->id, rehash, now, e);
		if (rc == 0)
			snprintf(u->password_hash, sizeof(u->password_hash), "%s", rehash);
	}
	if (rc == 0)
		rc = users_audit_login(ctx, u->username, "user.login", NULL, e);
	return users_finish(ctx, rc, e);
}

static const char users_bad[] = "用户名或密码错误";

/* The account is locked now: audit, the message. */
static int users_locked(const struct work_ctx *ctx, const struct store_user *u, struct err *e)
{
	struct err ignore = {0};
	long long minutes = (u->locked_until - work_now(ctx) + 59999) / 60000;

	users_audit_only(ctx, u->username, "user.login_failed", "locked", &ignore);
	return err_set(e, BASE_E_LOCKED, "登录失败次数过多，账号已锁定，请 %lld 分钟后再试",
		       minutes);
}

void work_login_clear(struct work_login *lg)
{
	if (lg->pw != NULL) {
		sodium_memzero(lg->pw, lg->pwlen);
		free(lg->pw);
	}
	sodium_memzero(lg, sizeof(*lg));
}

int work_login_begin(const struct work_ctx *ctx, const char *username, const char *pw, size_t pwlen,
		     struct work_login *lg, struct err *e)
{
	struct err ignore = {0};
	int rc;

	memset(lg, 0, sizeof(*lg));
	if (users_sodium_init(e) != 0)
		return e->code;
	pthread_once(&users_dummy_once, users_dummy_init);
	if (work_username_normalize(username, lg->name, &ignore) != 0 || pwlen > WORK_PASSWORD_MAX)
		return err_set(e, BASE_E_AUTH, "%s", users_bad);
	rc = store_user_get(ctx->st, lg->name, &lg->user, e);
	if (rc == BASE_E_NOTFOUND) {
		err_clear(e);
		/* Same work as a real check, so response time does not reveal names. */
		snprintf(lg->hash, sizeof(lg->hash), "%s", users_dummy_hash);
	} else if (rc != 0) {
		return rc;
	} else {
		if (lg->user.locked_until > work_now(ctx)) {
			rc = users_locked(ctx, &lg->user, e);
			work_login_clear(lg);
			return rc;
		}
		lg->found = true;
		snprintf(lg->hash, sizeof(lg->hash), "%s", lg->user.password_hash);
	}
	lg->pw = xmalloc(pwlen + 1);
	memcpy(lg->pw, pw, pwlen);
	lg->pw[pwlen] = '\0';
	lg->pwlen = pwlen;
	return 0;
}

void work_login_check(struct work_login *lg)
{
	struct err he = {0};

	lg->ok = lg->hash[0] != '\0' && crypto_pwhash_str_verify(lg->hash, lg->pw, lg->pwlen) == 0;
	if (!lg->found) {
		if (lg->ok)
			base_log(LOG_WARN, "users: dummy hash matched");
		lg->ok = false;
	}
	/* Hashes made with other limits are upgraded while we hold the password. */
	if (lg->ok &&
	    crypto_pwhash_str_needs_rehash(lg->hash, crypto_pwhash_OPSLIMIT_INTERACTIVE,
					   crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0 &&
	    work_password_hash(lg->pw, lg->pwlen, lg->rehash, &he) != 0)
		lg->rehash[0] = '\0';
	sodium_memzero(lg->pw, lg->pwlen);
}

int work_login_finish(const struct work_ctx *ctx, struct work_login *lg, struct store_user *out,
		      struct err *e)
{
	struct err ignore = {0};
	bool locked;
	int rc;

	if (!lg->found) {
		users_audit_only(ctx, lg->name, "user.login_failed", "unknown_user", &ignore);
		rc = err_set(e, BASE_E_AUTH, "%s", users_bad);
		goto out;
	}
	/* The account as it is now: the check ran elsewhere, other logins
	 * (or a password change) may have come in between. */
	rc = store_user_get(ctx->st, lg->name, out, e);
	if (rc == BASE_E_NOTFOUND) {
		err_clear(e);
		rc = err_set(e, BASE_E_AUTH, "%s", users_bad);
		goto out;
	}
	if (rc != 0)
		goto out;
	if (out->locked_until > work_now(ctx)) {
		rc = users_locked(ctx, out, e);
		goto out;
	}
	if (!lg->ok) {
		rc = users_record_failure(ctx, lg->name, &locked, e);
		if (rc == 0 && locked)
			rc = err_set(e, BASE_E_LOCKED, "登录失败次数过多，账号已锁定 %d 分钟",
				     WORK_LOCKOUT_MINUTES);
		else if (rc == 0)
			rc = err_set(e, BASE_E_AUTH, "%s", users_bad);
		goto out;
	}
	if (strcmp(out->password_hash, lg->hash) != 0) { /* changed meanwhile */
		rc = err_set(e, BASE_E_AUTH, "%s", users_bad);
		goto out;
	}
	if (out->disabled) {
		users_audit_only(ctx, lg->name, "user.login_failed", "disabled", &ignore);
		rc = err_set(e, BASE_E_AUTH, "账号已停用，请联系管理员");
		goto out;
	}
	rc = users_login_ok(ctx, out, lg->rehash[0] ? lg->rehash : NULL, e);
out:
	work_login_clear(lg);
	return rc;
}

int work_user_login(const struct work_ctx *ctx, const char *username, const char *pw, size_t pwlen,
		    struct store_user *out, struct err *e)
{
	struct work_login lg;
	int rc = work_login_begin(ctx, username, pw, pwlen, &lg, e);

	if (rc != 0)
		return rc;
	work_login_check(&lg);
	return work_login_finish(ctx, &lg, out, e);
}
