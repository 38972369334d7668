/*
 * server/api_tokens: API tokens over HTTP. Everyone manages their own;
 * admins see and revoke everyone's. A token cannot mint or list tokens (a
 * leaked script token must not be able to extend itself): these routes
 * need a browser session.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "server/server_internal.h"
#include "work/tokens.h"

struct tokens_list {
	struct server_req *r;
	json_t *arr;
};

static bool tokens_is_admin(struct server_req *r)
{
	return strcmp(r->user.role, "admin") == 0;
}

static bool tokens_need_session(struct server_req *r)
{
	if (!r->via_token)
		return true;
	server_reply_error(r, 403, "forbidden", "API 令牌不能管理令牌，请在网页登录后操作");
	return false;
}

static int tokens_list_cb(const struct store_token *t, void *arg)
{
	struct tokens_list *l = arg;
	struct store_user u;
	struct err e = {0};
	const char *state = work_token_state(t, work_now(&l->r->ctx));

	if (store_user_get_id(server_store(l->r), t->user_id, &u, &e) != 0)
		snprintf(u.username, sizeof(u.username), "#%lld", (long long)t->user_id);
	json_array_append_new(
	    l->arr, json_pack("{s:I,s:s,s:s,s:I,s:I,s:I,s:s}", "id", (json_int_t)t->id, "user",
			      u.username, "name", t->name, "created_at", (json_int_t)t->created_at,
			      "expires_at", (json_int_t)t->expires_at, "last_used_at",
			      (json_int_t)t->last_used_at, "state", state));
	return 0;
}

void server_api_tokens_list(struct server_req *r)
{
	struct tokens_list l = {r, json_array()};
	struct err e = {0};

	if (!tokens_need_session(r)) {
		json_decref(l.arr);
		return;
	}
	if (store_token_iter(server_store(r), tokens_is_admin(r) ? 0 : r->user.id, tokens_list_cb,
			     &l, &e) != 0) {
		json_decref(l.arr);
		server_reply_err(r, &e);
		return;
	}
	server_reply_json(r, 200, json_pack("{s:o}", "tokens", l.arr));
}

void server_api_tokens_add(struct server_req *r)
{
	json_t *body;
	json_t *days_v;
	const char *name;
	char secret[WORK_TOKEN_LEN + 1];
	int64_t id = 0;
	json_int_t days = 90;
	struct err e = {0};

	if (!tokens_need_session(r))
		return;
	body = server_body_json(r);
	if (body == NULL)
		return;
	name = json_string_value(json_object_get(body, "name"));
	days_v = json_object_get(body, "days");
	if (days_v != NULL && !json_is_integer(days_v)) {
		json_decref(body);
		server_reply_error(r, 400, "bad_request", "days 必须是整数（0 表示不过期）");
		return;
	}
	if (days_v != NULL)
		days = json_integer_value(days_v);
	if (days < 0 || days > WORK_TOKEN_DAYS_MAX) {
		json_decref(body);
		server_reply_error(r, 400, "bad_request", "有效期须在 0（不过期）到 3650 天之间");
		return;
	}
	if (work_token_create(&r->ctx, r->user.id, name, (int)days, secret, &id, &e) != 0) {
		json_decref(body);
		server_reply_err(r, &e);
		return;
	}
	json_decref(body);
	server_reply_json(r, 201,
			  json_pack("{s:I,s:s,s:s}", "id", (json_int_t)id, "token", secret,
				    "notice", "令牌只显示这一次，请立即妥善保存"));
	sodium_memzero(secret, sizeof(secret));
}

void server_api_tokens_revoke(struct server_req *r)
{
	struct err e = {0};

	if (!tokens_need_session(r))
		return;
	if (work_token_revoke(&r->ctx, r->id, tokens_is_admin(r) ? 0 : r->user.id, &e) != 0) {
		server_reply_err(r, &e);
		return;
	}
	server_reply_json(r, 200, json_pack("{s:b}", "ok", 1));
}
