/* cli: `shuzhi enterprise import|export|issues` (enterprise profiles). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/cli_db.h"
#include "enterprise/enterprise.h"
#include "store/enterprise_store.h"
#include "work/work.h"

struct ent_opts {
	const char *db;
	const char *as_of;
	const char *issues;
	const char *import_id;
	bool json;
	bool quiet;
	const char *dir;
};

static int usage_error(const char *msg)
{
	fprintf(stderr, "shuzhi enterprise: %s\n运行 shuzhi --help 查看用法。\n", msg);
	return 2;
}

static int parse_opts(int argc, char **argv, struct ent_opts *o)
{
	memset(o, 0, sizeof(*o));
	for (int i = 2; i < argc; i++) {
		const char **slot = NULL;
		const char *v = NULL;

		if (cli_db_opt(argc, argv, &i, "--db", &v))
			slot = &o->db;
		else if (cli_db_opt(argc, argv, &i, "--as-of", &v))
			slot = &o->as_of;
		else if (cli_db_opt(argc, argv, &i, "--issues", &v))
			slot = &o->issues;
		else if (cli_db_opt(argc, argv, &i, "--import", &v))
			slot = &o->import_id;
		if (slot != NULL) {
			if (v == NULL)
				return usage_error("选项缺少取值");
			*slot = v;
		} else if (strcmp(argv[i], "--json") == 0) {
			o->json = true;
		} else if (strcmp(argv[i], "--quiet") == 0 || strcmp(argv[i], "-q") == 0) {
			o->quiet = true;
		} else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			return usage_error("未知选项");
		} else if (o->dir == NULL) {
			o->dir = argv[i];
		} else {
			return usage_error("多余的参数");
		}
	}
	return 0;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int cmd_import(struct ent_opts *o)
{
	struct ent_import_opts io = {0};
	struct ent_import_result res;
	struct work_ctx ctx = {0};
	char actor[96];
	struct store *st;
	struct err e = {0};
	const char *path = cli_db_path(o->db);
	FILE *issues = NULL;
	int rc;

	if (o->dir == NULL)
		return usage_error("缺少要导入的目录");
	if (o->issues != NULL) {
		issues = fopen(o->issues, "w");
		if (issues == NULL) {
			fprintf(stderr, "shuzhi enterprise import: %s: 无法写入问题清单\n",
				o->issues);
			return 2;
		}
		fputs("file,line,kind,reason,detail\n", issues);
	}
	rc = cli_db_open(path, STORE_OPEN_CREATE, &st);
	if (rc != 0) {
		if (issues != NULL)
			fclose(issues);
		return rc;
	}
	cli_db_actor(actor, sizeof(actor));
	ctx.st = st;
	ctx.actor = actor;
	io.audit = &ctx;
	io.progress = !o->quiet;
	io.issues_csv = issues;
	io.now_ms = now_ms();
	rc = ent_import_dir(st, o->dir, &io, &res, &e);
	store_close(st);
	if (issues != NULL && fclose(issues) != 0 && rc == 0)
		rc = err_set(&e, BASE_E_IO, "%s: 写入问题清单失败", o->issues);
	if (rc != 0) {
		fprintf(stderr, "shuzhi enterprise import: %s\n", e.msg);
		ent_import_result_free(&res);
		return base_err_exit_code(e.code);
	}
	printf("{\"import\": %s}\n", res.stats_json);
	if (!o->quiet)
		fprintf(stderr,
			"企业数据导入完成（第 %lld 次导入）：%ld 行，拒收 %ld 行，修正 %ld 行；"
			"数据库新增 %ld、更新 %ld、未变 %ld 条。"
			"逐行问题见 shuzhi enterprise issues%s。\n",
			(long long)res.import_id, res.rows, res.rejected, res.repaired,
			res.inserted, res.updated, res.unchanged,
			o->issues ? " 或 --issues 文件" : "");
	ent_import_result_free(&res);
	return 0;
}

static int cmd_export(struct ent_opts *o)
{
	struct store *st;
	struct err e = {0};
	int64_t as_of;
	int rc;

	if (!o->json)
		return usage_error("export 目前只支持 --json 输出");
	if (o->as_of != NULL) {
		as_of = ent_parse_as_of(o->as_of);
		if (as_of < 0)
			return usage_error("--as-of 应为 YYYY-MM-DD 格式的真实日期");
	} else {
		time_t t = time(NULL);
		struct tm tm;

		localtime_r(&t, &tm);
		as_of = (int64_t)(tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
	}
	rc = cli_db_open(cli_db_path(o->db), STORE_OPEN_READONLY, &st);
	if (rc != 0)
		return rc;
	rc = ent_export_json(st, as_of, stdout, &e);
	store_close(st);
	if (rc != 0) {
		fprintf(stderr, "shuzhi enterprise export: %s\n", e.msg);
		return base_err_exit_code(e.code);
	}
	return fflush(stdout) == 0 ? 0 : 2;
}

static int print_issue(const struct store_ent_issue *i, void *arg)
{
	(void)arg;
	printf("%s:%ld\t%s\t%s\t%s\n", i->file, i->line, i->kind, i->reason, i->detail);
	return 0;
}

static int cmd_issues(struct ent_opts *o)
{
	struct store *st;
	struct err e = {0};
	int64_t id = 0;
	char *stats = NULL;
	int rc;

	rc = cli_db_open(cli_db_path(o->db), STORE_OPEN_READONLY, &st);
	if (rc != 0)
		return rc;
	if (o->import_id != NULL) {
		char *end;

		id = strtoll(o->import_id, &end, 10);
		if (*end != '\0' || id <= 0) {
			store_close(st);
			return usage_error("--import 应为正整数");
		}
	} else {
		rc = store_ent_last_import(st, &id, &stats, &e);
		free(stats);
	}
	if (rc == 0)
		rc = store_ent_iter_issues(st, id, print_issue, NULL, &e);
	store_close(st);
	if (rc != 0) {
		fprintf(stderr, "shuzhi enterprise issues: %s\n", e.msg);
		return base_err_exit_code(e.code);
	}
	return 0;
}

int cli_enterprise(int argc, char **argv)
{
	struct ent_opts o;
	int rc;

	if (argc < 2)
		return usage_error("缺少子命令（import、export 或 issues）");
	rc = parse_opts(argc, argv, &o);
	if (rc != 0)
		return rc;
	if (strcmp(argv[1], "import") == 0)
		return cmd_import(&o);
	if (strcmp(argv[1], "export") == 0)
		return cmd_export(&o);
	if (strcmp(argv[1], "issues") == 0)
		return cmd_issues(&o);
	return usage_error("未知子命令");
}
