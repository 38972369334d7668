/*
 * work/users: departments, users, passwords and login lockout.
 *
 * Passwords are hashed with argon2id through libsodium's crypto_pwhash_str
 * at the INTERACTIVE limits (opslimit 2, memlimit 64 MiB, 1 lane): about
 * 160 ms per hash or check on the 2-core reference machine (measured under
 * load 2.6). The server runs on 2 cores beside the model gateway, so the
 * MODERATE limits (256 MiB, 3 passes, about 4× the time) would let a handful
 * of concurrent logins take the machine's memory and both cores.
 * Hashes are self-describing; a hash made with other limits still verifies
 * and is rewritten at the next successful login.
 *
 * Names: usernames are 2–32 characters: ASCII letters (folded to lower
 * case), digits, '.', '_', '-', CJK ideographs (U+3400–U+4DBF,
 * U+4E00–U+9FFF) and the name separator '·' (U+00B7), starting with a
 * letter or an ideograph. Department names are 1–32 characters of printable
 * UTF-8 without '/', unique among siblings; "上级/下级" paths name a
 * department when a name alone is ambiguous.
 *
 * Every change is written together with its audit entry (work/audit.h) in
 * one store transaction; passwords never reach the audit log.
 */
#ifndef SHUZHI_WORK_USERS_H
#define SHUZHI_WORK_USERS_H

#include <stdbool.h>
#include <stddef.h>

#include "work/work.h"

#define WORK_USERNAME_MIN    2
#define WORK_USERNAME_MAX    32
#define WORK_DISPLAY_MAX     64
#define WORK_DEPT_NAME_MAX   32
#define WORK_PASSWORD_MIN    10		      /* characters */
#define WORK_PASSWORD_MAX    1024	      /* bytes */
#define WORK_LOCKOUT_FAILS   5		      /* failures within the window … */
#define WORK_LOCKOUT_WINDOW  (15 * 60 * 1000) /* … of 15 minutes … */
#define WORK_LOCKOUT_MINUTES 15		      /* … lock the account this long */

/* "admin", "guardian", "staff", "auditor": 0, else BASE_E_USAGE. */
int work_role_check(const char *role, struct err *e);
/* Validate and normalise a username into out (ASCII folded to lower case). */
int work_username_normalize(const char *in, char out[STORE_NAME_MAX + 1], struct err *e);
/* Password policy: valid UTF-8, at least WORK_PASSWORD_MIN characters, at
 * most WORK_PASSWORD_MAX bytes, at least two classes among lower case,
 * upper case, digits and others, not the username. */
int work_password_check(const char *pw, size_t len, const char *username, struct err *e);
/* argon2id hash string of pw (crypto_pwhash_str, INTERACTIVE limits). */
int work_password_hash(const char *pw, size_t len, char out[STORE_PWHASH_MAX + 1], struct err *e);

/* Find a department by name or "上级/下级" path. */
int work_dept_resolve(struct store *st, const char *path, struct store_dept *out, struct err *e);
/* Add a department under parent (a name or path; NULL: top level). */
int work_dept_add(const struct work_ctx *ctx, const char *name, const char *parent, int64_t *id,
		  struct err *e);

struct work_user_new {
	const char *username;
	const char *display_name; /* NULL: the username */
	const char *role;
	const char *dept; /* name or path, NULL: none */
};

int work_user_add(const struct work_ctx *ctx, const struct work_user_new *nu, const char *pw,
		  size_t pwlen, int64_t *id, struct err *e);
/* work_user_add() in parts, for callers that hash elsewhere (the server's
 * worker pool): the checks of nu and the password policy; then the insert
 * with a hash from work_password_hash() (nu is checked again). */
int work_user_add_check(const struct work_user_new *nu, const char *pw, size_t pwlen,
			struct err *e);
int work_user_add_hashed(const struct work_ctx *ctx, const struct work_user_new *nu,
			 const char *hash, int64_t *id, struct err *e);
/* Set a new password (policy-checked); also lifts a lockout. */
int work_user_passwd(const struct work_ctx *ctx, const char *username, const char *pw, size_t pwlen,
		     struct err *e);
int work_user_set_disabled(const struct work_ctx *ctx, const char *username, bool disabled,
			   struct err *e);

/*
 * Check a login. 0 and *out filled on success; BASE_E_AUTH for an unknown
 * user, a wrong password or a disabled account (one message for the first
 * two, so usernames cannot be probed); BASE_E_LOCKED while locked.
 * WORK_LOCKOUT_FAILS failures within WORK_LOCKOUT_WINDOW lock the account
 * for WORK_LOCKOUT_MINUTES. Every attempt is audited (user.login,
 * user.login_failed, user.lock) with actor "user:NAME".
 */
int work_user_login(const struct work_ctx *ctx, const char *username, const char *pw, size_t pwlen,
		    struct store_user *out, struct err *e);

/*
 * work_user_login() in three steps, so the argon2id check (tens of ms of
 * CPU and 64 MiB) can run off the store's thread:
 * work_login_begin() (store thread): looks the user up; a locked account
 * or an impossible name fails here (nothing to check; lg is cleared).
 * Otherwise 0, and lg holds a copy of the password until the check.
 * work_login_check() (any thread; touches nothing but lg): the check, and
 * a new hash when the stored one has other limits.
 * work_login_finish() (store thread): rereads the account, records the
 * outcome exactly as work_user_login() and clears lg.
 * work_login_clear(): drop lg without finishing (zeroes the password).
 */
struct work_login {
	char name[STORE_NAME_MAX + 1];
	bool found; /* false: checked against a dummy hash, fails */
	bool ok;    /* the check's result */
	struct store_user user;
	char hash[STORE_PWHASH_MAX + 1];
	char rehash[STORE_PWHASH_MAX + 1]; /* "" unless upgraded */
	char *pw;
	size_t pwlen;
};
int work_login_begin(const struct work_ctx *ctx, const char *username, const char *pw, size_t pwlen,
		     struct work_login *lg, struct err *e);
void work_login_check(struct work_login *lg);
int work_login_finish(const struct work_ctx *ctx, struct work_login *lg, struct store_user *out,
		      struct err *e);
void work_login_clear(struct work_login *lg);

#endif
