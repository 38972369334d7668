/*
 * server/auth: session cookies, login, logout, /api/me.
 *
 * Cookie sz_session = 64 hex digits (32 bytes from randombytes_buf); the
 * store keeps hex(BLAKE2b-256(the 32 bytes)) only, so a stolen database
 * file holds no usable session. The CSRF token is another 32 random bytes
 * per session, returned in the login and /api/me bodies and expected back
 * in X-CSRF-Token; SameSite=Strict already keeps other sites' requests from
 * carrying the cookie, the token covers older browsers and same-site pages.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "server/server_internal.h"
#include "work/audit.h"
#include "work/tokens.h"
#include "work/users.h"

#define AUTH_COOKIE "sz_session"

/* The sz_session value from the Cookie header, decoded; false if absent or
 * malformed. */
static bool auth_cookie(struct server_req *r, unsigned char raw[32])
{
	const char *c = server_header(r, "Cookie");
	const char *v;
	size_t bin_len = 0;

	while (c != NULL && *c != '\0') {
		while (*c == ' ' || *c == ';')
			c++;
		if (strncmp(c, AUTH_COOKIE "=", sizeof(AUTH_COOKIE)) == 0) {
			v = c + sizeof(AUTH_COOKIE);
			if (strspn(v, "0123456789abcdef") != 64 || (v[64] != '\0' && v[64] != ';'))
				return false;
			return sodium_hex2bin(raw, 32, v, 64, NULL, &bin_len, NULL) == 0 &&
			       bin_len == 32;
		}
		c = strchr(c, ';');
	}
	return false;
}

json_t *server_user_json(struct server_req *r, const struct store_user *u)
{
	struct store_dept d;
	struct err e = {0};
	json_t *dept = json_null();

	if (u->department_id > 0 &&
	    store_dept_get(server_store(r), u->department_id, &d, &e) == 0) {
		json_decref(dept);
		dept = json_string(d.name);
	}
	return json_pack("{s:I,s:s,s:s,s:s,s:I,s:o,s:b,s:b,s:I}", "id", (json_int_t)u->id,
			 "username", u->username, "display_name", u->display_name, "role", u->role,
			 "department_id", (json_int_t)u->department_id, "department", dept,
			 "disabled", u->disabled, "locked", u->locked_until > work_now(&r->ctx),
			 "created_at", (json_int_t)u->created_at);
}

/* "Authorization: Bearer szt_…": the token's user, no session, no CSRF
 * (see work/tokens.h). A present but unusable token leaves the request
 * anonymous, so protected routes answer 401. */
static void auth_load_token(struct server_req *r, const char *authz)
{
	struct store_token t;
	struct err e = {0};

	if (strncmp(authz, "Bearer ", 7) != 0)
		return;
	if (work_token_authenticate(&r->ctx, authz + 7, &r->user, &t, &e) != 0) {
		memset(&r->user, 0, sizeof(r->user));
		return;
	}
	r->logged_in = true;
	r->via_token = true;
	snprintf(r->actor, sizeof(r->actor), "user:%s", r->user.username);
}

void server_auth_load(struct server_req *r)
{
	struct store *st = server_store(r);
	unsigned char raw[32];
	char hash[STORE_HASH_HEX + 1];
	struct err e = {0};
	int64_t now = work_now(&r->ctx);
	const char *authz = server_header(r, "Authorization");

	if (authz != NULL) {
		auth_load_token(r, authz);
		return;
	}
	if (!auth_cookie(r, raw))
		return;
	work_secret_hash(raw, hash);
	sodium_memzero(raw, sizeof(raw));
	if (store_session_find(st, hash, &r->session, &e) != 0)
		return;
	if (now >= r->session.expires_at ||
	    now - r->session.last_seen_at >= server_session_idle_ms(r) ||
	    store_user_get_id(st, r->session.user_id, &r->user, &e) != 0 || r->user.disabled) {
		store_session_delete(st, hash, &e);
		memset(&r->session, 0, sizeof(r->session));
		memset(&r->user, 0, sizeof(r->user));
		return;
	}
	if (now - r->session.last_seen_at >= SERVER_SESSION_TOUCH_MS &&
	    store_session_touch(st, r->session.id, now, &e) == 0)
		r->session.last_seen_at = now;
	r->logged_in = true;
	snprintf(r->actor, sizeof(r->actor), "user:%s", r->user.username);
}

static void auth_set_cookie(struct server_req *r, const char *value, long max_age)
{
	char c[256];

	snprintf(c, sizeof(c), "%s=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%ld%s",
		 AUTH_COOKIE, value, max_age, server_behind_tls(r) ? "; Secure" : "");
	server_add_header(r, "Set-Cookie", c);
}

static int auth_session_new(struct server_req *r, const struct store_user *u, char token[65],
			    struct store_session *s, struct err *e)
{
	unsigned char raw[32];
	unsigned char csrf[32];
	int64_t now = work_now(&r->ctx);
	int64_t id;
	struct err ignore = {0};

	/* Expired sessions go at each login: no timer, and the table stays small. */
	store_session_delete_expired(server_store(r), now, now - server_session_idle_ms(r), NULL,
				     &ignore);
	randombytes_buf(raw, sizeof(raw));
	randombytes_buf(csrf, sizeof(csrf));
	memset(s, 0, sizeof(*s));
	sodium_bin2hex(token, 65, raw, sizeof(raw));
	work_secret_hash(raw, s->token_hash);
	sodium_bin2hex(s->csrf, sizeof(s->csrf), csrf, sizeof(csrf));
	sodium_memzero(raw, sizeof(raw));
	s->user_id = u->id;
	s->created_at = now;
	s->last_seen_at = now;
	s->expires_at = now + server_session_max_ms(r);
	return store_session_insert(server_store(r), s, &id, e);
}

/* A login whose password check runs on the worker pool. */
struct auth_login_job {
	struct server_req *r;
	struct work_login lg;
};

static void auth_login_check(void *arg)
{
	struct auth_login_job *j = arg;

	work_login_check(&j->lg);
}

static void auth_login_done(void *arg)
{
	struct auth_login_job *j = arg;
	struct server_req *r = j->r;
	struct store_user u;
	struct store_session s;
	char token[65];
	struct err e = {0};

	/* the outcome is recorded (counters, audit) even when the client
	 * went away; a session only when somebody is there to get it */
	if (work_login_finish(&r->ctx, &j->lg, &u, &e) != 0 ||
	    (!r->gone && auth_session_new(r, &u, token, &s, &e) != 0)) {
		server_reply_err(r, &e);
	} else if (r->gone) {
		server_reply_error(r, 499, "gone", "客户端已断开");
	} else {
		r->logged_in = true;
		r->user = u;
		auth_set_cookie(r, token, (long)(server_session_max_ms(r) / 1000));
		sodium_memzero(token, sizeof(token));
		server_reply_json(r, 200,
				  json_pack("{s:o,s:s,s:I}", "user", server_user_json(r, &u),
					    "csrf", s.csrf, "expires_at",
					    (json_int_t)s.expires_at));
	}
	free(j);
	server_req_end(r);
}

void server_auth_login(struct server_req *r)
{
	json_t *body;
	const char *name, *pw;
	struct auth_login_job *j;
	char retry[32];
	int64_t retry_ms;
	struct err e = {0};

	if (!server_login_allowed(r, &retry_ms)) {
		snprintf(retry, sizeof(retry), "%lld", (long long)(retry_ms + 999) / 1000);
		server_add_header(r, "Retry-After", retry);
		server_reply_error(r, 429, "rate_limited", "登录尝试过于频繁，请稍后再试");
		return;
	}
	body = server_body_json(r);
	if (body == NULL)
		return;
	name = json_string_value(json_object_get(body, "username"));
	pw = json_string_value(json_object_get(body, "password"));
	if (name == NULL || pw == NULL) {
		json_decref(body);
		server_reply_error(r, 400, "bad_request", "请填写用户名和密码");
		return;
	}
	j = xcalloc(1, sizeof(*j));
	j->r = r;
	if (work_login_begin(&r->ctx, name, pw, strlen(pw), &j->lg, &e) != 0) {
		json_decref(body);
		free(j);
		server_reply_err(r, &e);
		return;
	}
	json_decref(body);
	/* argon2id: tens of ms of CPU, not on the loop */
	if (server_work_submit(r, auth_login_check, auth_login_done, j) != 0) {
		work_login_clear(&j->lg);
		free(j);
	}
}

void server_auth_logout(struct server_req *r)
{
	struct err e = {0};
	char via[64];
	json_t *detail;

	if (r->via_token) {
		server_reply_error(r, 400, "bad_request",
				   "API 令牌没有会话可退出；要作废令牌，请撤销它");
		return;
	}
	snprintf(via, sizeof(via), "web:%s", r->ip);
	detail = json_pack("{s:s}", "via", via);
	if (store_session_delete(server_store(r), r->session.token_hash, &e) != 0 ||
	    work_audit_append(&r->ctx, "user.logout", r->actor, detail, &e) != 0) {
		json_decref(detail);
		server_reply_err(r, &e);
		return;
	}
	json_decref(detail);
	auth_set_cookie(r, "", 0);
	server_reply_json(r, 200, json_pack("{s:b}", "ok", 1));
}

void server_auth_me(struct server_req *r)
{
	server_reply_json(r, 200,
			  json_pack("{s:o,s:s,s:I}", "user", server_user_json(r, &r->user), "csrf",
				    r->session.csrf, "expires_at",
				    (json_int_t)r->session.expires_at));
}
