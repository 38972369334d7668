/* cli: `shuzhi token add|list|revoke` — API tokens for scripts (work/tokens.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "cli/cli.h"
#include "cli/cli_db.h"
#include "work/tokens.h"
#include "work/users.h"

struct token_opts {
	const char *db;
	long long days; /* -1: not given */
	bool json;
	const char *pos[2];
	int npos;
};

static int token_usage(const char *msg)
{
	fprintf(stderr,
		"shuzhi token: %s\n用法：shuzhi token add 用户名 令牌名称 [--days N]\n"
		"      shuzhi token list [用户名] [--json]    shuzhi token revoke 编号\n",
		msg);
	return 2;
}

static int token_parse(int argc, char **argv, struct token_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->days = -1;
	for (int i = 1; i < argc; i++) {
		const char *v = NULL;
		char *end;

		if (cli_db_opt(argc, argv, &i, "--db", &v)) {
			if (v == NULL)
				return token_usage("--db 缺少取值");
			o->db = v;
		} else if (cli_db_opt(argc, argv, &i, "--days", &v)) {
			o->days = v ? strtoll(v, &end, 10) : -1;
			if (v == NULL || *end != '\0' || o->days < 0 ||
			    o->days > WORK_TOKEN_DAYS_MAX)
				return token_usage("--days 应为 0（不过期）到 3650 的整数");
		} else if (strcmp(argv[i], "--json") == 0) {
			o->json = true;
		} else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			return token_usage("未知选项");
		} else if (o->npos < 2) {
			o->pos[o->npos++] = argv[i];
		} else {
			return token_usage("多余的参数");
		}
	}
	return 0;
}

static int token_open(const struct token_opts *o, struct work_ctx *ctx, char *actor, size_t cap)
{
	memset(ctx, 0, sizeof(*ctx));
	cli_db_actor(actor, cap);
	ctx->actor = actor;
	return cli_db_open(cli_db_path(o->db), 0, &ctx->st);
}

static int token_fail(const struct token_opts *o, int rc, const struct err *e)
{
	fprintf(stderr, "shuzhi: %s: %s\n", cli_db_path(o->db), e->msg);
	return base_err_exit_code(rc);
}

static int token_add(const struct token_opts *o)
{
	struct work_ctx ctx;
	struct store_user u;
	struct err e = {0};
	char actor[80];
	char name[STORE_NAME_MAX + 1];
	char secret[WORK_TOKEN_LEN + 1];
	int64_t id = 0;
	int rc;

	if (o->npos != 2)
		return token_usage("需要用户名和令牌名称");
	if (work_username_normalize(o->pos[0], name, &e) != 0)
		return token_usage(e.msg);
	rc = token_open(o, &ctx, actor, sizeof(actor));
	if (rc != 0)
		return rc;
	rc = store_user_get(ctx.st, name, &u, &e);
	if (rc == 0)
		rc = work_token_create(&ctx, u.id, o->pos[1], o->days < 0 ? 90 : (int)o->days,
				       secret, &id, &e);
	if (rc != 0) {
		rc = token_fail(o, rc, &e);
	} else {
		/* The secret alone on stdout so scripts can capture it. */
		fprintf(stderr, "已为用户 %s 创建令牌“%s”（编号 %lld）；令牌只显示这一次：\n",
			u.username, o->pos[1], (long long)id);
		printf("%s\n", secret);
		sodium_memzero(secret, sizeof(secret));
	}
	store_close(ctx.st);
	return rc;
}

struct token_list {
	struct store *st;
	json_t *arr;
	bool json;
	int64_t now;
};

static int token_list_cb(const struct store_token *t, void *arg)
{
	struct token_list *l = arg;
	struct store_user u;
	struct err e = {0};
	char created[32], expires[32] = "不过期", used[32] = "从未使用";
	const char *key = work_token_state(t, l->now);
	const char *state = strcmp(key, "revoked") == 0	  ? "已撤销"
			    : strcmp(key, "expired") == 0 ? "已过期"
							  : "有效";

	if (store_user_get_id(l->st, t->user_id, &u, &e) != 0)
		snprintf(u.username, sizeof(u.username), "#%lld", (long long)t->user_id);
	if (l->json) {
		json_array_append_new(
		    l->arr,
		    json_pack("{s:I,s:s,s:s,s:I,s:I,s:I,s:b}", "id", (json_int_t)t->id, "user",
			      u.username, "name", t->name, "created_at", (json_int_t)t->created_at,
			      "expires_at", (json_int_t)t->expires_at, "last_used_at",
			      (json_int_t)t->last_used_at, "revoked", t->revoked));
		return 0;
	}
	cli_db_time(t->created_at, created, sizeof(created));
	if (t->expires_at > 0)
		cli_db_time(t->expires_at, expires, sizeof(expires));
	if (t->last_used_at > 0)
		cli_db_time(t->last_used_at, used, sizeof(used));
	printf("%-6lld %-16s %-20s %-8s 创建 %s  到期 %s  最近使用 %s\n", (long long)t->id,
	       u.username, t->name, state, created, expires, used);
	return 0;
}

static int token_list(const struct token_opts *o)
{
	struct work_ctx ctx;
	struct store_user u = {0};
	struct err e = {0};
	char actor[80];
	char name[STORE_NAME_MAX + 1];
	struct token_list l = {0};
	int rc;

	if (o->npos > 1)
		return token_usage("多余的参数");
	if (o->npos == 1 && work_username_normalize(o->pos[0], name, &e) != 0)
		return token_usage(e.msg);
	rc = token_open(o, &ctx, actor, sizeof(actor));
	if (rc != 0)
		return rc;
	l = (struct token_list){ctx.st, json_array(), o->json, work_now(&ctx)};
	if (o->npos == 1)
		rc = store_user_get(ctx.st, name, &u, &e);
	if (rc == 0)
		rc = store_token_iter(ctx.st, u.id, token_list_cb, &l, &e);
	if (rc != 0) {
		rc = token_fail(o, rc, &e);
	} else if (o->json) {
		json_t *out = json_pack("{s:O}", "tokens", l.arr);
		char *text = json_dumps(out, JSON_INDENT(2));

		printf("%s\n", text ? text : "{}");
		free(text);
		json_decref(out);
	}
	json_decref(l.arr);
	store_close(ctx.st);
	return rc;
}

static int token_revoke(const struct token_opts *o)
{
	struct work_ctx ctx;
	struct err e = {0};
	char actor[80];
	char *end;
	long long id;
	int rc;

	if (o->npos != 1)
		return token_usage("需要令牌编号");
	id = strtoll(o->pos[0], &end, 10);
	if (*end != '\0' || id <= 0)
		return token_usage("令牌编号应为正整数");
	rc = token_open(o, &ctx, actor, sizeof(actor));
	if (rc != 0)
		return rc;
	rc = work_token_revoke(&ctx, id, 0, &e);
	if (rc != 0)
		rc = token_fail(o, rc, &e);
	else
		printf("已撤销令牌 %lld\n", id);
	store_close(ctx.st);
	return rc;
}

int cli_token(int argc, char **argv)
{
	struct token_opts o;
	int rc;

	if (argc < 2)
		return token_usage("缺少子命令");
	rc = token_parse(argc - 1, argv + 1, &o);
	if (rc != 0)
		return rc;
	if (strcmp(argv[1], "add") == 0)
		return token_add(&o);
	if (strcmp(argv[1], "list") == 0)
		return token_list(&o);
	if (strcmp(argv[1], "revoke") == 0)
		return token_revoke(&o);
	return token_usage("未知子命令");
}
