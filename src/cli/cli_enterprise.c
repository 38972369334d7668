/* cli: `shuzhi enterprise import|export|issues|screen|warnings|report` (enterprise profiles). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "cli/cli.h"
#include "cli/cli_db.h"
#include "enterprise/ent_field.h"
#include "enterprise/enterprise.h"
#include "model/model.h"
#include "privacy/privacy.h"
#include "text/text.h"
#include "store/enterprise_store.h"
#include "work/work.h"

struct ent_opts {
	const char *db;
	/* screen */
	const char *industry, *region, *min_capital, *min_revenue, *min_headcount, *min_growth;
	const char *min_grade, *cert, *sort, *limit, *out, *chain, *node;
	bool cxzx_pass, zjtx, no_red;
	const char *as_of;
	const char *issues;
	const char *import_id;
	bool json;
	bool quiet;
	const char *dir;
	const char *rules;  /* --rules FILE: risk rules for export / screen */
	const char *config; /* --config FILE: the model for the report's analysis */
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
		else if (cli_db_opt(argc, argv, &i, "--industry", &v))
			slot = &o->industry;
		else if (cli_db_opt(argc, argv, &i, "--region", &v))
			slot = &o->region;
		else if (cli_db_opt(argc, argv, &i, "--min-capital", &v))
			slot = &o->min_capital;
		else if (cli_db_opt(argc, argv, &i, "--min-revenue", &v))
			slot = &o->min_revenue;
		else if (cli_db_opt(argc, argv, &i, "--min-headcount", &v))
			slot = &o->min_headcount;
		else if (cli_db_opt(argc, argv, &i, "--min-growth", &v))
			slot = &o->min_growth;
		else if (cli_db_opt(argc, argv, &i, "--min-grade", &v))
			slot = &o->min_grade;
		else if (cli_db_opt(argc, argv, &i, "--cert", &v))
			slot = &o->cert;
		else if (cli_db_opt(argc, argv, &i, "--sort", &v))
			slot = &o->sort;
		else if (cli_db_opt(argc, argv, &i, "--limit", &v))
			slot = &o->limit;
		else if (cli_db_opt(argc, argv, &i, "--out", &v) ||
			 cli_db_opt(argc, argv, &i, "-o", &v))
			slot = &o->out;
		else if (cli_db_opt(argc, argv, &i, "--chain", &v))
			slot = &o->chain;
		else if (cli_db_opt(argc, argv, &i, "--node", &v))
			slot = &o->node;
		else if (cli_db_opt(argc, argv, &i, "--rules", &v))
			slot = &o->rules;
		else if (cli_db_opt(argc, argv, &i, "--config", &v))
			slot = &o->config;
		if (slot != NULL) {
			if (v == NULL)
				return usage_error("选项缺少取值");
			*slot = v;
		} else if (strcmp(argv[i], "--json") == 0) {
			o->json = true;
		} else if (strcmp(argv[i], "--cxzx-pass") == 0) {
			o->cxzx_pass = true;
		} else if (strcmp(argv[i], "--zjtx") == 0) {
			o->zjtx = true;
		} else if (strcmp(argv[i], "--no-red") == 0) {
			o->no_red = true;
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
	if (o->as_of != NULL) {
		io.as_of = ent_parse_as_of(o->as_of);
		if (io.as_of < 0) {
			store_close(st);
			if (issues != NULL)
				fclose(issues);
			return usage_error("--as-of 应为 YYYY-MM-DD 格式的真实日期");
		}
	}
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

/* as of --as-of, else today; -1 after a usage message. */
static int64_t as_of_date(const char *opt)
{
	int64_t as_of;

	if (opt != NULL) {
		as_of = ent_parse_as_of(opt);
		if (as_of < 0)
			usage_error("--as-of 应为 YYYY-MM-DD 格式的真实日期");
		return as_of;
	}
	{
		time_t t = time(NULL);
		struct tm tm;

		localtime_r(&t, &tm);
		return (int64_t)(tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
	}
}

/* A decimal option ("1000", "12.5") as fixed point with ENT_SCALE. */
static int fixed_opt(const char *s, const char *name, int64_t *out)
{
	char buf[ENT_CANON_MAX];
	const char *c;
	size_t n;

	if (s == NULL)
		return 0;
	if (ent_field_parse(ENT_T_NUM, s, strlen(s), out, buf, &c, &n) != 0 || n == 0) {
		fprintf(stderr, "shuzhi enterprise screen: %s 应为数字\n", name);
		return 2;
	}
	return 0;
}

/* --chain FILE.json --node NAME: the codes of one user-defined 产业链 node
 * ({"集成电路": ["C3973", "I6520"], …}), joined with commas. */
static int chain_codes(const char *file, const char *node, char **out)
{
	json_error_t je;
	json_t *root = json_load_file(file, 0, &je);
	json_t *codes;
	struct buf b;
	size_t i;
	json_t *v;

	if (root == NULL) {
		fprintf(stderr, "shuzhi enterprise screen: %s: 无法读取产业链定义（%s）\n", file,
			je.text);
		return 2;
	}
	codes = json_object_get(root, node);
	if (!json_is_array(codes) || json_array_size(codes) == 0) {
		fprintf(stderr, "shuzhi enterprise screen: %s 中没有节点“%s”或其代码为空\n", file,
			node);
		json_decref(root);
		return 2;
	}
	buf_init(&b, 1 << 16);
	json_array_foreach(codes, i, v)
	{
		if (json_is_string(v)) {
			if (b.len > 0)
				buf_addc(&b, ',');
			buf_adds(&b, json_string_value(v));
		}
	}
	json_decref(root);
	*out = buf_detach(&b, NULL);
	return 0;
}

/* --rules FILE: the risk rules (README R6 defaults, changed as the file
 * says); 0, 2 after a message. */
static int rules_opt(const char *path, struct ent_rules *rs, const struct ent_rules **out)
{
	struct err e = {0};
	char *text = NULL;
	size_t len = 0;

	*out = NULL;
	if (path == NULL)
		return 0;
	if (base_read_file(path, ENT_RULES_MAX, &text, &len, &e) != 0) {
		fprintf(stderr, "shuzhi enterprise: %s: 无法读取预警规则文件（%s）\n", path, e.msg);
		return 2;
	}
	if (ent_rules_parse(text, len, rs, &e) != 0) {
		fprintf(stderr, "shuzhi enterprise: %s: %s\n", path, e.msg);
		free(text);
		return 2;
	}
	free(text);
	*out = rs;
	return 0;
}

static int cmd_screen(struct ent_opts *o)
{
	struct ent_rules rules;
	struct ent_screen_opts so = {0};
	struct store *st;
	struct err e = {0};
	char *chain = NULL;
	FILE *out = stdout;
	size_t matched;
	int64_t as_of = as_of_date(o->as_of);
	int64_t v;
	int rc;

	if (as_of < 0)
		return 2;
	if (rules_opt(o->rules, &rules, &so.rules) != 0)
		return 2;
	so.min_capital = so.min_revenue = so.min_headcount = -1;
	so.min_growth_bp = INT64_MIN;
	so.industry = o->industry;
	so.region = o->region;
	so.cxzx_pass = o->cxzx_pass;
	so.zjtx_base = o->zjtx;
	so.knockout_red = o->no_red;
	if (fixed_opt(o->min_capital, "--min-capital", &v) != 0)
		return 2;
	if (o->min_capital != NULL)
		so.min_capital = v;
	if (fixed_opt(o->min_revenue, "--min-revenue", &v) != 0)
		return 2;
	if (o->min_revenue != NULL)
		so.min_revenue = v;
	if (fixed_opt(o->min_headcount, "--min-headcount", &v) != 0)
		return 2;
	if (o->min_headcount != NULL)
		so.min_headcount = (v + ENT_SCALE - 1) / ENT_SCALE;
	if (fixed_opt(o->min_growth, "--min-growth", &v) != 0)
		return 2;
	if (o->min_growth != NULL)
		so.min_growth_bp = v / (ENT_SCALE / 100);
	if (o->min_grade != NULL) {
		if (strlen(o->min_grade) != 1 || strchr("ABCD", o->min_grade[0]) == NULL)
			return usage_error("--min-grade 应为 A、B、C 或 D");
		so.min_grade = o->min_grade[0];
	}
	if (o->cert != NULL) {
		int64_t kind;
		char buf[ENT_CANON_MAX];
		const char *c;
		size_t n;

		if (ent_field_parse(ENT_T_CERTKIND, o->cert, strlen(o->cert), &kind, buf, &c, &n) !=
		    0)
			return usage_error(
			    "--cert 应为 高新技术企业、专精特新、小巨人 或 科技型中小企业");
		so.certs = 1u << kind;
	}
	if (o->sort != NULL) {
		static const char *const names[] = {"credit", "cxzx", "revenue", "growth",
						    "headcount"};
		so.sort = -1;
		for (int k = 0; k < 5; k++) {
			if (strcmp(o->sort, names[k]) == 0)
				so.sort = k;
		}
		if (so.sort < 0)
			return usage_error(
			    "--sort 应为 credit、cxzx、revenue、growth 或 headcount");
	}
	if (o->limit != NULL) {
		char *end;
		long long n = strtoll(o->limit, &end, 10);

		if (*end != '\0' || n <= 0)
			return usage_error("--limit 应为正整数");
		so.limit = (size_t)n;
	}
	if ((o->chain == NULL) != (o->node == NULL))
		return usage_error("--chain 与 --node 须同时给出");
	if (o->chain != NULL) {
		if (o->industry != NULL)
			return usage_error("--industry 与 --chain/--node 只能选一种");
		rc = chain_codes(o->chain, o->node, &chain);
		if (rc != 0)
			return rc;
		so.industry = chain;
	}
	rc = cli_db_open(cli_db_path(o->db), STORE_OPEN_READONLY, &st);
	if (rc != 0) {
		free(chain);
		return rc;
	}
	if (o->out != NULL && strcmp(o->out, "-") != 0) {
		out = fopen(o->out, "w");
		if (out == NULL) {
			fprintf(stderr, "shuzhi enterprise screen: %s: 无法写入\n", o->out);
			store_close(st);
			free(chain);
			return 2;
		}
	}
	rc = ent_screen(st, as_of, &so, out, &matched, &e);
	store_close(st);
	free(chain);
	if (out != stdout && fclose(out) != 0 && rc == 0)
		rc = err_set(&e, BASE_E_IO, "%s: 写入失败", o->out);
	if (rc != 0) {
		fprintf(stderr, "shuzhi enterprise screen: %s\n", e.msg);
		return base_err_exit_code(e.code);
	}
	if (!o->quiet)
		fprintf(stderr, "符合条件的企业 %zu 家%s。\n", matched,
			so.limit != 0 && matched > so.limit ? "（已按 --limit 截取）" : "");
	return 0;
}

static int cmd_export(struct ent_opts *o)
{
	struct ent_rules rules;
	const struct ent_rules *rp;
	struct store *st;
	struct err e = {0};
	int64_t as_of;
	int rc;

	if (!o->json)
		return usage_error("export 目前只支持 --json 输出");
	as_of = as_of_date(o->as_of);
	if (as_of < 0)
		return 2;
	if (rules_opt(o->rules, &rules, &rp) != 0)
		return 2;
	rc = cli_db_open(cli_db_path(o->db), STORE_OPEN_READONLY, &st);
	if (rc != 0)
		return rc;
	rc = ent_export_json_rules(st, as_of, rp, stdout, &e);
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

static int cmd_warnings(struct ent_opts *o)
{
	struct store *st;
	struct err e = {0};
	int64_t id = 0;
	long added, cleared;
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
		rc = store_ent_last_snapshot(st, &id, &e); /* an import or a rules change */
	}
	if (rc == 0)
		rc = ent_warnings_feed(st, id, o->json, stdout, &added, &cleared, &e);
	store_close(st);
	if (rc != 0) {
		fprintf(stderr, "shuzhi enterprise warnings: %s\n", e.msg);
		return base_err_exit_code(e.code);
	}
	if (!o->quiet)
		fprintf(stderr,
			"第 %lld 次预警快照（导入或规则调整）：新增预警 %ld 条，解除 %ld 条。\n",
			(long long)id, added, cleared);
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

/* The model's written analysis of prof (the deterministic one as its
 * draft): the prompt masked on the way out (privacy/), restored in the
 * answer, reasoning dropped. *out malloc'ed; an error with the reason. */
static int model_analysis(const struct model_provider *p, const json_t *prof, const char *draft,
			  char **out, struct err *e)
{
	char *user = ent_analysis_prompt(prof, draft);
	char *masked = NULL;
	struct privacy_map map;
	struct buf answer;
	int rc;

	*out = NULL;
	memset(&map, 0, sizeof(map));
	rc = privacy_mask(user, strlen(user), &map, &masked, e);
	free(user);
	if (rc == 0) {
		struct model_msg msgs[] = {{"system", ENT_ANALYSIS_SYSTEM}, {"user", masked}};

		buf_init(&answer, ENT_ANALYSIS_MAX);
		rc = model_complete(p, msgs, 2, &answer, NULL, NULL, e);
		if (rc == 0 && (answer.len == 0 || !text_utf8_valid(answer.p, answer.len, NULL)))
			rc = err_set(e, BASE_E_FORMAT, "模型未返回有效的分析文字");
		if (rc == 0)
			*out = privacy_unmask(answer.p, answer.len, &map);
		buf_free(&answer);
	}
	free(masked);
	privacy_map_free(&map);
	return rc;
}

/* report CODE -o OUT.docx: the enterprise report. With a model configured
 * (--config or SHUZHI_CONFIG) its written analysis comes from the model,
 * the deterministic one when the call fails; the report says which. */
static int cmd_report(struct ent_opts *o)
{
	const char *cfg = o->config != NULL ? o->config : getenv("SHUZHI_CONFIG");
	struct model_provider model;
	bool use_model = cfg != NULL && cfg[0] != '\0';
	struct store *st;
	struct err e = {0};
	json_t *prof = NULL;
	char *analysis, *prose = NULL;
	const char *note = ENT_NOTE_RULES, *source = "rules";
	char code[32], why[300] = "";
	size_t n = 0;
	int64_t as_of;
	int rc;

	if (o->dir == NULL)
		return usage_error("缺少企业的统一社会信用代码");
	if (o->out == NULL)
		return usage_error("缺少 -o 输出文件（.docx）");
	for (const char *p = o->dir; *p != '\0'; p++) {
		if (*p == ' ' || *p == '-')
			continue;
		if (n + 1 >= sizeof(code))
			return usage_error("统一社会信用代码应为 18 位");
		code[n++] = (char)(*p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p);
	}
	code[n] = '\0';
	if (n != 18)
		return usage_error("统一社会信用代码应为 18 位");
	as_of = as_of_date(o->as_of);
	if (as_of < 0)
		return 2;
	if (use_model && cli_model_provider("enterprise report", cfg, &model) != 0)
		return 2;
	rc = cli_db_open(cli_db_path(o->db), STORE_OPEN_READONLY, &st);
	if (rc != 0)
		return rc;
	rc = ent_profile(st, 0, code, as_of, &prof, &e);
	store_close(st);
	if (rc == 0) {
		analysis = ent_profile_analysis(prof);
		if (use_model) {
			struct err me = {0};

			if (model_analysis(&model, prof, analysis, &prose, &me) == 0) {
				note = ENT_NOTE_MODEL;
				source = "model";
			} else {
				size_t k = strlen(me.msg);

				/* cut the reason at a character boundary */
				if (k > 200) {
					k = 200;
					while (k > 0 && ((unsigned char)me.msg[k] & 0xC0) == 0x80)
						k--;
				}
				snprintf(why, sizeof(why),
					 "（模型调用失败：%.*s；本节分析改由规则生成。）", (int)k,
					 me.msg);
				note = why;
				source = "rules_fallback";
			}
		}
		rc = ent_report_docx(prof, prose != NULL ? prose : analysis, note, o->out, &e);
		free(analysis);
		free(prose);
		json_decref(prof);
	}
	if (rc != 0) {
		fprintf(stderr, "shuzhi enterprise report: %s\n", e.msg);
		return base_err_exit_code(e.code);
	}
	if (!o->quiet)
		fprintf(stderr, "已生成企业画像报告 %s（%s）。\n", o->out,
			strcmp(source, "model") == 0 ? "分析由大模型撰写，数据经脱敏后发送"
			: strcmp(source, "rules") == 0 ? "分析为规则生成，未使用大模型"
						       : why);
	if (o->json) {
		json_t *j =
		    json_pack("{s:s,s:s,s:s}", "out", o->out, "analysis", source, "note", note);
		char *t = json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII);

		printf("%s\n", t != NULL ? t : "{}");
		free(t);
		json_decref(j);
	}
	return 0;
}

int cli_enterprise(int argc, char **argv)
{
	struct ent_opts o;
	int rc;

	if (argc < 2)
		return usage_error(
		    "缺少子命令（import、export、issues、screen、warnings 或 report）");
	rc = parse_opts(argc, argv, &o);
	if (rc != 0)
		return rc;
	if (strcmp(argv[1], "import") == 0)
		return cmd_import(&o);
	if (strcmp(argv[1], "export") == 0)
		return cmd_export(&o);
	if (strcmp(argv[1], "issues") == 0)
		return cmd_issues(&o);
	if (strcmp(argv[1], "screen") == 0)
		return cmd_screen(&o);
	if (strcmp(argv[1], "warnings") == 0)
		return cmd_warnings(&o);
	if (strcmp(argv[1], "report") == 0)
		return cmd_report(&o);
	return usage_error("未知子命令");
}
