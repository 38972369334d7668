/* cli: `shuzhi user add|passwd|disable|enable|list` and `shuzhi dept add|list`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "cli/cli.h"
#include "cli/cli_db.h"
#include "work/users.h"

#define CLI_PW_CAP (WORK_PASSWORD_MAX + 2)

static int usage_error(const char *cmd, const char *msg)
{
	fprintf(stderr, "shuzhi %s: %s\n运行 shuzhi --help 查看用法。\n", cmd, msg);
	return 2;
}

/* Options shared by the user and dept subcommands. */
struct user_opts {
	const char *db;
	const char *role;
	const char *dept;
	const char *display;
	const char *parent;
	bool json;
	const char *name; /* the one positional argument */
};

static int parse_opts(const char *cmd, int argc, char **argv, struct user_opts *o)
{
	memset(o, 0, sizeof(*o));
	for (int i = 1; i < argc; i++) {
		const char **slot = NULL;
		const char *v = NULL;

		if (cli_db_opt(argc, argv, &i, "--db", &v))
			slot = &o->db;
		else if (cli_db_opt(argc, argv, &i, "--role", &v))
			slot = &o->role;
		else if (cli_db_opt(argc, argv, &i, "--dept", &v))
			slot = &o->dept;
		else if (cli_db_opt(argc, argv, &i, "--display", &v))
			slot = &o->display;
		else if (cli_db_opt(argc, argv, &i, "--parent", &v))
			slot = &o->parent;
		if (slot != NULL) {
			if (v == NULL)
				return usage_error(cmd, "选项缺少取值");
			*slot = v;
		} else if (strcmp(argv[i], "--json") == 0) {
			o->json = true;
		} else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			return usage_error(cmd, "未知选项");
		} else if (o->name == NULL) {
			o->name = argv[i];
		} else {
			return usage_error(cmd, "多余的参数");
		}
	}
	return 0;
}

/* Open the database and fill a context acting as the OS user. */
static int open_ctx(const struct user_opts *o, int flags, struct work_ctx *ctx, char *actor,
		    size_t cap)
{
	int rc;

	memset(ctx, 0, sizeof(*ctx));
	cli_db_actor(actor, cap);
	ctx->actor = actor;
	rc = cli_db_open(cli_db_path(o->db), flags, &ctx->st);
	return rc;
}

static int report(const char *path, int rc, const struct err *e)
{
	if (rc == 0)
		return 0;
	fprintf(stderr, "shuzhi: %s: %s\n", path, e->msg);
	return base_err_exit_code(rc);
}

static int cmd_user_add(int argc, char **argv)
{
	struct user_opts o;
	struct work_ctx ctx;
	struct work_user_new nu;
	struct err e = {0};
	char actor[80];
	char name[STORE_NAME_MAX + 1];
	char pw[CLI_PW_CAP];
	size_t pwlen = 0;
	int64_t id = 0;
	int rc;

	rc = parse_opts("user add", argc, argv, &o);
	if (rc != 0)
		return rc;
	if (o.name == NULL || o.role == NULL)
		return usage_error("user add", "用法：shuzhi user add 用户名 --role 角色");
	/* Check what can be checked before asking for a password. */
	if (work_username_normalize(o.name, name, &e) != 0 || work_role_check(o.role, &e) != 0)
		return usage_error("user add", e.msg);
	rc = cli_db_read_password("新用户的密码：", true, pw, sizeof(pw), &pwlen);
	if (rc != 0)
		return rc;
	rc = open_ctx(&o, STORE_OPEN_CREATE, &ctx, actor, sizeof(actor));
	if (rc != 0)
		goto out_zero;
	nu = (struct work_user_new){o.name, o.display, o.role, o.dept};
	rc = report(cli_db_path(o.db), work_user_add(&ctx, &nu, pw, pwlen, &id, &e), &e);
	if (rc == 0)
		printf("已添加用户 %s（编号 %lld，角色 %s）\n", o.name, (long long)id, o.role);
	store_close(ctx.st);
out_zero:
	sodium_memzero(pw, sizeof(pw));
	return rc;
}

static int cmd_user_passwd(int argc, char **argv)
{
	struct user_opts o;
	struct work_ctx ctx;
	struct err e = {0};
	char actor[80];
	char pw[CLI_PW_CAP];
	size_t pwlen = 0;
	int rc;

	rc = parse_opts("user passwd", argc, argv, &o);
	if (rc != 0)
		return rc;
	if (o.name == NULL)
		return usage_error("user passwd", "用法：shuzhi user passwd 用户名");
	rc = open_ctx(&o, 0, &ctx, actor, sizeof(actor));
	if (rc != 0)
		return rc;
	rc = cli_db_read_password("新密码：", true, pw, sizeof(pw), &pwlen);
	if (rc == 0)
		rc = report(cli_db_path(o.db), work_user_passwd(&ctx, o.name, pw, pwlen, &e), &e);
	if (rc == 0)
		printf("已修改用户 %s 的密码\n", o.name);
	sodium_memzero(pw, sizeof(pw));
	store_close(ctx.st);
	return rc;
}

static int cmd_user_disable(int argc, char **argv, bool disabled)
{
	const char *cmd = disabled ? "user disable" : "user enable";
	struct user_opts o;
	struct work_ctx ctx;
	struct err e = {0};
	char actor[80];
	int rc;

	rc = parse_opts(cmd, argc, argv, &o);
	if (rc != 0)
		return rc;
	if (o.name == NULL)
		return usage_error(cmd, "缺少用户名");
	rc = open_ctx(&o, 0, &ctx, actor, sizeof(actor));
	if (rc != 0)
		return rc;
	rc = report(cli_db_path(o.db), work_user_set_disabled(&ctx, o.name, disabled, &e), &e);
	if (rc == 0)
		printf("已%s用户 %s\n", disabled ? "停用" : "启用", o.name);
	store_close(ctx.st);
	return rc;
}

/* Department names by id, for listings. */
struct dept_names {
	struct store_dept *d;
	size_t n, cap;
};

static int collect_dept(const struct store_dept *d, void *arg)
{
	struct dept_names *dn = arg;

	dn->d = xgrow(dn->d, &dn->cap, dn->n + 1, sizeof(*dn->d));
	dn->d[dn->n++] = *d;
	return 0;
}

static const char *dept_name(const struct dept_names *dn, int64_t id)
{
	for (size_t i = 0; i < dn->n; i++) {
		if (dn->d[i].id == id)
			return dn->d[i].name;
	}
	return "";
}

struct user_list {
	const struct dept_names *dn;
	json_t *arr; /* NULL: text */
	int64_t now;
};

static int list_one_user(const struct store_user *u, void *arg)
{
	struct user_list *ul = arg;
	const char *dept = dept_name(ul->dn, u->department_id);
	bool locked = u->locked_until > ul->now;

	if (ul->arr != NULL) {
		json_t *o =
		    json_pack("{s:I,s:s,s:s,s:s,s:b,s:b,s:I,s:I}", "id", (json_int_t)u->id,
			      "username", u->username, "display_name", u->display_name, "role",
			      u->role, "disabled", u->disabled, "locked", locked, "created_at",
			      (json_int_t)u->created_at, "updated_at", (json_int_t)u->updated_at);

		json_object_set_new(o, "department",
				    u->department_id ? json_string(dept) : json_null());
		json_array_append_new(ul->arr, o);
		return 0;
	}
	printf("%-6lld %-16s %-16s %-9s %-16s %s\n", (long long)u->id, u->username, u->display_name,
	       u->role, u->department_id ? dept : "-",
	       u->disabled ? "已停用" : (locked ? "已锁定" : "正常"));
	return 0;
}

static int cmd_user_list(int argc, char **argv)
{
	struct user_opts o;
	struct store *st;
	struct dept_names dn = {0};
	struct user_list ul = {0};
	struct work_ctx now_ctx = {0};
	struct err e = {0};
	int rc;

	rc = parse_opts("user list", argc, argv, &o);
	if (rc != 0)
		return rc;
	rc = cli_db_open(cli_db_path(o.db), STORE_OPEN_READONLY, &st);
	if (rc != 0)
		return rc;
	ul.dn = &dn;
	ul.now = work_now(&now_ctx);
	ul.arr = o.json ? json_array() : NULL;
	rc = store_dept_iter(st, collect_dept, &dn, &e);
	if (rc == 0 && !o.json)
		printf("%-6s %-16s %-16s %-9s %-16s %s\n", "编号", "用户名", "显示名称", "角色",
		       "部门", "状态");
	if (rc == 0)
		rc = store_user_iter(st, list_one_user, &ul, &e);
	rc = report(cli_db_path(o.db), rc, &e);
	if (rc == 0 && ul.arr != NULL) {
		json_dumpf(ul.arr, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
	}
	json_decref(ul.arr);
	free(dn.d);
	store_close(st);
	return rc;
}

int cli_user(int argc, char **argv)
{
	if (argc < 2)
		return usage_error("user", "缺少子命令（add、passwd、disable、enable、list）");
	if (strcmp(argv[1], "add") == 0)
		return cmd_user_add(argc - 1, argv + 1);
	if (strcmp(argv[1], "passwd") == 0)
		return cmd_user_passwd(argc - 1, argv + 1);
	if (strcmp(argv[1], "disable") == 0)
		return cmd_user_disable(argc - 1, argv + 1, true);
	if (strcmp(argv[1], "enable") == 0)
		return cmd_user_disable(argc - 1, argv + 1, false);
	if (strcmp(argv[1], "list") == 0)
		return cmd_user_list(argc - 1, argv + 1);
	return usage_error("user", "未知子命令");
}

static int cmd_dept_add(int argc, char **argv)
{
	struct user_opts o;
	struct work_ctx ctx;
	struct err e = {0};
	char actor[80];
	int64_t id = 0;
	int rc;

	rc = parse_opts("dept add", argc, argv, &o);
	if (rc != 0)
		return rc;
	if (o.name == NULL)
		return usage_error("dept add", "用法：shuzhi dept add 名称 [--parent 上级部门]");
	rc = open_ctx(&o, STORE_OPEN_CREATE, &ctx, actor, sizeof(actor));
	if (rc != 0)
		return rc;
	rc = report(cli_db_path(o.db), work_dept_add(&ctx, o.name, o.parent, &id, &e), &e);
	if (rc == 0)
		printf("已添加部门 %s（编号 %lld）\n", o.name, (long long)id);
	store_close(ctx.st);
	return rc;
}

static int cmd_dept_list(int argc, char **argv)
{
	struct user_opts o;
	struct store *st;
	struct dept_names dn = {0};
	struct err e = {0};
	int rc;

	rc = parse_opts("dept list", argc, argv, &o);
	if (rc != 0)
		return rc;
	rc = cli_db_open(cli_db_path(o.db), STORE_OPEN_READONLY, &st);
	if (rc != 0)
		return rc;
	rc = report(cli_db_path(o.db), store_dept_iter(st, collect_dept, &dn, &e), &e);
	if (rc == 0 && o.json) {
		json_t *arr = json_array();

		for (size_t i = 0; i < dn.n; i++) {
			json_t *d =
			    json_pack("{s:I,s:s,s:I}", "id", (json_int_t)dn.d[i].id, "name",
				      dn.d[i].name, "created_at", (json_int_t)dn.d[i].created_at);

			json_object_set_new(d, "parent_id",
					    dn.d[i].parent_id ? json_integer(dn.d[i].parent_id)
							      : json_null());
			json_array_append_new(arr, d);
		}
		json_dumpf(arr, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
		json_decref(arr);
	} else if (rc == 0) {
		for (size_t i = 0; i < dn.n; i++)
			printf("%-6lld %-16s %s\n", (long long)dn.d[i].id, dn.d[i].name,
			       dn.d[i].parent_id ? dept_name(&dn, dn.d[i].parent_id) : "-");
	}
	free(dn.d);
	store_close(st);
	return rc;
}

int cli_dept(int argc, char **argv)
{
	if (argc < 2)
		return usage_error("dept", "缺少子命令（add、list）");
	if (strcmp(argv[1], "add") == 0)
		return cmd_dept_add(argc - 1, argv + 1);
	if (strcmp(argv[1], "list") == 0)
		return cmd_dept_list(argc - 1, argv + 1);
	return usage_error("dept", "未知子命令");
}
