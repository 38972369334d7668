/* cli: `shuzhi audit verify|list`. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "cli/cli_db.h"
#include "work/audit.h"

#define AUDIT_LIST_DEFAULT 200

static int usage_error(const char *cmd, const char *msg)
{
	fprintf(stderr, "shuzhi %s: %s\n运行 shuzhi --help 查看用法。\n", cmd, msg);
	return 2;
}

static int cmd_verify(int argc, char **argv)
{
	const char *db = NULL;
	bool json = false;
	struct store *st;
	struct work_audit_report r;
	struct err e = {0};
	const char *path;
	int rc;

	for (int i = 1; i < argc; i++) {
		const char *v = NULL;

		if (cli_db_opt(argc, argv, &i, "--db", &v)) {
			if (v == NULL)
				return usage_error("audit verify", "--db 缺少取值");
			db = v;
		} else if (strcmp(argv[i], "--json") == 0) {
			json = true;
		} else {
			return usage_error("audit verify", "未知参数");
		}
	}
	path = cli_db_path(db);
	rc = cli_db_open(path, STORE_OPEN_READONLY, &st);
	if (rc != 0)
		return 2;
	rc = work_audit_verify(st, &r, &e);
	store_close(st);
	if (rc != 0) {
		fprintf(stderr, "shuzhi: %s: %s\n", path, e.msg);
		return 2;
	}
	if (json) {
		json_t *o =
		    json_pack("{s:b,s:I,s:{s:I,s:s}}", "intact", r.reason == WORK_AUDIT_INTACT,
			      "entries", (json_int_t)r.entries, "head", "id", (json_int_t)r.head_id,
			      "hash", r.head_hash);

		if (r.reason != WORK_AUDIT_INTACT)
			json_object_set_new(
			    o, "broken",
			    json_pack("{s:I,s:s,s:s}", "id", (json_int_t)r.broken_id, "reason",
				      work_audit_reason_key(r.reason), "message", r.message));
		else
			json_object_set_new(o, "broken", json_null());
		json_dumpf(o, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
		json_decref(o);
	} else if (r.reason == WORK_AUDIT_INTACT) {
		printf("审计链完整：共 %" PRId64 " 条；末条 #%" PRId64 " 哈希 %s\n", r.entries,
		       r.head_id, r.head_hash);
	} else {
		printf("审计链断裂：第一个断点是第 %" PRId64 " 条（%s）：%s\n", r.broken_id,
		       work_audit_reason_key(r.reason), r.message);
		printf("最后一条完好的记录：#%" PRId64 " 哈希 %s\n", r.head_id, r.head_hash);
	}
	return r.reason == WORK_AUDIT_INTACT ? 0 : 1;
}

static int list_one(const struct store_audit *a, void *arg)
{
	json_t *arr = arg;
	char when[32];

	if (arr != NULL) {
		json_error_t jerr;
		json_t *detail = json_loads(a->detail, 0, &jerr);
		json_t *o =
		    json_pack("{s:I,s:I,s:s,s:s,s:s,s:s,s:s}", "id", (json_int_t)a->id, "ts",
			      (json_int_t)a->ts, "actor", a->actor, "action", a->action, "target",
			      a->target, "prev_hash", a->prev_hash, "hash", a->hash);

		json_object_set_new(o, "detail", detail ? detail : json_string(a->detail));
		json_array_append_new(arr, o);
		return 0;
	}
	cli_db_time(a->ts, when, sizeof(when));
	printf("#%-6" PRId64 " %s  %-20s %-18s %-20s %s\n", a->id, when, a->actor, a->action,
	       a->target, a->detail);
	return 0;
}

static int cmd_list(int argc, char **argv)
{
	struct store_audit_filter f = {.newest_first = true, .limit = AUDIT_LIST_DEFAULT};
	const char *db = NULL;
	bool json = false;
	struct store *st;
	struct err e = {0};
	json_t *arr = NULL;
	int rc;

	for (int i = 1; i < argc; i++) {
		const char *v = NULL;
		char *end;

		if (cli_db_opt(argc, argv, &i, "--db", &v)) {
			db = v;
		} else if (cli_db_opt(argc, argv, &i, "--user", &v)) {
			f.user = v;
		} else if (cli_db_opt(argc, argv, &i, "--action", &v)) {
			f.action = v;
		} else if (cli_db_opt(argc, argv, &i, "--limit", &v)) {
			unsigned long long n = v ? strtoull(v, &end, 10) : 0;

			if (v == NULL || *end != '\0' || n == 0 || n > 1000000)
				return usage_error("audit list", "--limit 应为 1–1000000 的整数");
			f.limit = (size_t)n;
			continue;
		} else if (strcmp(argv[i], "--json") == 0) {
			json = true;
			continue;
		} else {
			return usage_error("audit list", "未知参数");
		}
		if (v == NULL)
			return usage_error("audit list", "选项缺少取值");
	}
	rc = cli_db_open(cli_db_path(db), STORE_OPEN_READONLY, &st);
	if (rc != 0)
		return rc;
	if (json)
		arr = json_array();
	rc = store_audit_iter(st, &f, list_one, arr, &e);
	store_close(st);
	if (rc != 0) {
		json_decref(arr);
		fprintf(stderr, "shuzhi: %s: %s\n", cli_db_path(db), e.msg);
		return base_err_exit_code(rc);
	}
	if (arr != NULL) {
		json_dumpf(arr, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
		json_decref(arr);
	}
	return 0;
}

int cli_audit(int argc, char **argv)
{
	if (argc < 2)
		return usage_error("audit", "缺少子命令（verify、list）");
	if (strcmp(argv[1], "verify") == 0)
		return cmd_verify(argc - 1, argv + 1);
	if (strcmp(argv[1], "list") == 0)
		return cmd_list(argc - 1, argv + 1);
	return usage_error("audit", "未知子命令");
}
