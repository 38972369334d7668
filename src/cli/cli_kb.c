/* cli: `shuzhi kb add|list|rm|reindex` and `shuzhi search`. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <math.h>

#include "cli/cli.h"
#include "cli/cli_db.h"
#include "kb/kb.h"
#include "model/embed.h"
#include "store/kb_store.h"
#include "store/kbvec_store.h"
#include "work/audit.h"

#define KB_ARGS_MAX 4096

static int usage_error(const char *cmd, const char *msg)
{
	fprintf(stderr, "shuzhi %s: %s\n运行 shuzhi --help 查看用法。\n", cmd, msg);
	return 2;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct kb_opts {
	const char *db;
	const char *config; /* --config: the embedding provider */
	const char *visibility;
	const char *kbs[64];
	size_t nkbs;
	const char *args[KB_ARGS_MAX];
	size_t nargs;
	bool json;
	bool quiet;
	long limit;
};

static int parse_opts(const char *cmd, int argc, char **argv, struct kb_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->limit = 10;
	for (int i = 1; i < argc; i++) {
		const char *v = NULL;

		if (cli_db_opt(argc, argv, &i, "--db", &v)) {
			if (v == NULL)
				return usage_error(cmd, "--db 缺少取值");
			o->db = v;
		} else if (cli_db_opt(argc, argv, &i, "--config", &v)) {
			if (v == NULL)
				return usage_error(cmd, "--config 缺少取值");
			o->config = v;
		} else if (cli_db_opt(argc, argv, &i, "--visibility", &v)) {
			if (v == NULL)
				return usage_error(cmd, "--visibility 缺少取值");
			o->visibility = v;
		} else if (cli_db_opt(argc, argv, &i, "--kb", &v)) {
			if (v == NULL || o->nkbs >= ARRAY_LEN(o->kbs))
				return usage_error(cmd, "--kb 缺少取值或过多");
			o->kbs[o->nkbs++] = v;
		} else if (cli_db_opt(argc, argv, &i, "--limit", &v)) {
			char *end = NULL;

			o->limit = v ? strtol(v, &end, 10) : 0;
			if (v == NULL || *end != '\0' || o->limit < 1 || o->limit > KB_LIMIT_MAX)
				return usage_error(cmd, "--limit 须为 1–100 的整数");
		} else if (strcmp(argv[i], "--json") == 0) {
			o->json = true;
		} else if (strcmp(argv[i], "--quiet") == 0 || strcmp(argv[i], "-q") == 0) {
			o->quiet = true;
		} else if (strcmp(argv[i], "--") == 0) {
			for (i++; i < argc && o->nargs < KB_ARGS_MAX; i++)
				o->args[o->nargs++] = argv[i];
		} else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			return usage_error(cmd, "未知选项");
		} else if (o->nargs < KB_ARGS_MAX) {
			o->args[o->nargs++] = argv[i];
		} else {
			return usage_error(cmd, "参数过多");
		}
	}
	return 0;
}

/* Record a knowledge-base change in the audit log (its own transaction,
 * after the change committed). A failure is reported, not fatal. */
static void audit_kb(struct store *st, const char *action, const char *name,
		     const struct kb_ingest_stats *s)
{
	char actor[128];
	struct work_ctx ctx;
	struct err e = {0};
	json_t *detail =
	    s ? json_pack("{s:I,s:I,s:I,s:I,s:I,s:I}", "files", (json_int_t)s->files, "added",
			  (json_int_t)s->added, "updated", (json_int_t)s->updated, "removed",
			  (json_int_t)s->removed, "failed", (json_int_t)s->failed, "chunks",
			  (json_int_t)s->chunks)
	      : NULL;

	memset(&ctx, 0, sizeof(ctx));
	cli_db_actor(actor, sizeof(actor));
	ctx.st = st;
	ctx.actor = actor;
	if (work_audit_append(&ctx, action, name, detail, &e) != 0)
		fprintf(stderr, "shuzhi: 审计日志写入失败：%s\n", e.msg);
	json_decref(detail);
}

static void print_stats(const char *name, const struct kb_ingest_stats *s, double secs)
{
	fprintf(stderr,
		"知识库“%s”：%zu 个文件，新增 %zu，更新 %zu，未变 %zu，删除 %zu，重复 %zu，"
		"失败 %zu；写入 %zu 个分块，用时 %.1f 秒\n",
		name, s->files, s->added, s->updated, s->unchanged, s->removed, s->duplicates,
		s->failed, s->chunks, secs);
}

/* The embedding provider of --config: 0 and *have true when configured,
 * 0 and *have false when the file has none, else an error (exit code). */
static int load_embedder(const char *cmd, const char *config, struct model_embedder *m, bool *have)
{
	struct err e = {0};
	int rc;

	*have = false;
	if (config == NULL)
		return 0;
	rc = model_embedder_load_file(m, config, &e);
	if (rc == BASE_E_NOTFOUND)
		return 0;
	if (rc != 0) {
		fprintf(stderr, "shuzhi %s: %s\n", cmd, e.msg);
		return base_err_exit_code(rc);
	}
	*have = true;
	return 0;
}

/* After an ingest: vectors for the chunks that have none (or another
 * model's). A failure leaves keyword search complete: a warning, exit 1. */
static int embed_after(const char *cmd, struct store *st, const char *name,
		       const struct model_embedder *m, bool progress)
{
	struct err e = {0};
	size_t done = 0;
	uint64_t t0 = base_now_ns();
	int rc = kb_embed_missing(st, name, m, progress, &done, &e);

	if (rc != 0) {
		fprintf(stderr,
			"shuzhi %s: 向量化未完成（已写入 %zu 个）：%s\n"
			"关键词检索不受影响；服务恢复后运行 shuzhi kb reindex %s --config "
			"配置文件 补齐。\n",
			cmd, done, e.msg, name);
		return 1;
	}
	if (progress)
		fprintf(stderr, "知识库“%s”：向量化 %zu 个分块（模型 %s），用时 %.1f 秒\n", name,
			done, m->p.model, (double)(base_now_ns() - t0) / 1e9);
	return 0;
}

static int cmd_add(int argc, char **argv, bool reindex)
{
	const char *cmd = reindex ? "kb reindex" : "kb add";
	struct kb_opts o;
	struct kb_ingest_opts io;
	struct kb_ingest_stats stats;
	struct store *st;
	struct err e = {0};
	uint64_t t0 = base_now_ns();
	const char *path;
	struct model_embedder emb;
	bool have_emb = false;
	int erc = 0;
	int rc = parse_opts(cmd, argc, argv, &o);

	if (rc != 0)
		return rc;
	if (o.nargs < 1 || (!reindex && o.nargs < 2) || (reindex && o.nargs != 1))
		return usage_error(cmd,
				   reindex ? "需要知识库名称" : "需要知识库名称和至少一个路径");
	if (o.visibility && strcmp(o.visibility, "public") != 0 &&
	    strcmp(o.visibility, "internal") != 0 && strcmp(o.visibility, "department") != 0)
		return usage_error(cmd, "--visibility 须为 public、internal 或 department");
	rc = load_embedder(cmd, o.config, &emb, &have_emb);
	if (rc != 0)
		return rc;
	path = cli_db_path(o.db);
	rc = cli_db_open(path, STORE_OPEN_CREATE, &st);
	if (rc != 0)
		return rc;
	memset(&io, 0, sizeof(io));
	io.progress = !o.quiet;
	io.visibility = o.visibility;
	io.now = now_ms();
	if (reindex)
		rc = kb_reindex(st, o.args[0], &io, &stats, &e);
	else
		rc = kb_add(st, o.args[0], o.args + 1, o.nargs - 1, &io, &stats, &e);
	if (rc == 0)
		audit_kb(st, reindex ? "kb.reindex" : "kb.add", o.args[0], &stats);
	if (rc == 0 && !o.quiet)
		print_stats(o.args[0], &stats, (double)(base_now_ns() - t0) / 1e9);
	if (rc == 0 && have_emb)
		erc = embed_after(cmd, st, o.args[0], &emb, !o.quiet);
	store_close(st);
	if (rc != 0) {
		fprintf(stderr, "shuzhi %s: %s\n", cmd, e.msg);
		return base_err_exit_code(rc);
	}
	if (stats.failed > 0)
		return 2; /* some input was unreadable (named on stderr) */
	return erc;
}

static int list_one(const struct kb_store_kb *k, void *arg)
{
	json_t *arr = arg;

	if (arr != NULL)
		json_array_append_new(arr,
				      json_pack("{s:s,s:s,s:I,s:I}", "name", k->name, "visibility",
						k->visibility, "documents", (json_int_t)k->docs,
						"chunks", (json_int_t)k->chunks));
	else
		printf("%s\t%s\t%" PRId64 " 个文档\t%" PRId64 " 个分块\n", k->name, k->visibility,
		       k->docs, k->chunks);
	return 0;
}

static int cmd_list(int argc, char **argv)
{
	struct kb_opts o;
	struct store *st;
	struct err e = {0};
	json_t *arr;
	int rc = parse_opts("kb list", argc, argv, &o);

	if (rc != 0)
		return rc;
	if (o.nargs > 0)
		return usage_error("kb list", "多余的参数");
	rc = cli_db_open(cli_db_path(o.db), STORE_OPEN_READONLY, &st);
	if (rc != 0)
		return rc;
	arr = o.json ? json_array() : NULL;
	rc = kb_store_kb_iter(st, list_one, arr, &e);
	store_close(st);
	if (rc != 0) {
		json_decref(arr);
		fprintf(stderr, "shuzhi kb list: %s\n", e.msg);
		return base_err_exit_code(rc);
	}
	if (arr != NULL) {
		json_dumpf(arr, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
		json_decref(arr);
	}
	return 0;
}

static int cmd_rm(int argc, char **argv)
{
	struct kb_opts o;
	struct store *st;
	struct err e = {0};
	int rc = parse_opts("kb rm", argc, argv, &o);

	if (rc != 0)
		return rc;
	if (o.nargs != 1)
		return usage_error("kb rm", "需要一个知识库名称");
	rc = cli_db_open(cli_db_path(o.db), 0, &st);
	if (rc != 0)
		return rc;
	rc = kb_remove(st, o.args[0], &e);
	if (rc == 0)
		audit_kb(st, "kb.rm", o.args[0], NULL);
	store_close(st);
	if (rc != 0) {
		fprintf(stderr, "shuzhi kb rm: %s\n", e.msg);
		return base_err_exit_code(rc);
	}
	fprintf(stderr, "已删除知识库“%s”\n", o.args[0]);
	return 0;
}

int cli_kb(int argc, char **argv)
{
	if (argc < 2)
		return usage_error("kb", "需要子命令 add|list|rm|reindex");
	if (strcmp(argv[1], "add") == 0)
		return cmd_add(argc - 1, argv + 1, false);
	if (strcmp(argv[1], "reindex") == 0)
		return cmd_add(argc - 1, argv + 1, true);
	if (strcmp(argv[1], "list") == 0)
		return cmd_list(argc - 1, argv + 1);
	if (strcmp(argv[1], "rm") == 0)
		return cmd_rm(argc - 1, argv + 1);
	return usage_error("kb", "未知子命令（add|list|rm|reindex）");
}

static json_t *passage_json(const struct kb_passage *p)
{
	return json_pack("{s:s,s:o,s:s,s:s,s:f}", "file", p->file, "article",
			 p->article ? json_string(p->article) : json_null(), "title", p->title,
			 "snippet", p->snippet, "score", round(p->score * 1000.0) / 1000.0);
}

/* Hybrid search when the kb has vectors of the configured model and the
 * query can be embedded; otherwise keyword search with a note on stderr
 * (an embedding outage is not an error). */
static int search_hybrid(struct store *st, const char *query, const struct kb_opts *o,
			 const struct model_embedder *m, struct kb_results *r, bool *hybrid,
			 struct err *e)
{
	struct model_vecs v = {NULL, 0, 0, 0};
	struct err ee = {0};
	int64_t nvec = 0;
	int dim = 0;
	int rc;

	*hybrid = false;
	rc = kbvec_store_stat(st, m->p.model, &nvec, &dim, &ee);
	if (rc != 0 || nvec == 0) {
		fprintf(stderr,
			"shuzhi search: 知识库还没有向量模型 %s 的向量（先运行 shuzhi kb reindex "
			"名称 --config 配置文件），本次仅用关键词检索%s%s\n",
			m->p.model, rc != 0 ? "：" : "", rc != 0 ? ee.msg : "");
		return kb_search(st, query, o->kbs, o->nkbs, (size_t)o->limit, r, e);
	}
	rc = model_embed(m, &query, 1, &v, &ee);
	if (rc == 0 && v.dim != dim)
		rc =
		    err_set(&ee, BASE_E_FORMAT, "查询向量维数 %d 与知识库中的 %d 不符", v.dim, dim);
	if (rc != 0) {
		fprintf(stderr, "shuzhi search: 向量服务不可用（%s），本次仅用关键词检索\n",
			ee.msg);
		model_vecs_free(&v);
		return kb_search(st, query, o->kbs, o->nkbs, (size_t)o->limit, r, e);
	}
	{
		struct kb_qvec qv = {v.v, v.dim, m->p.model, NULL};

		rc = kb_search_hybrid(st, query, o->kbs, o->nkbs, (size_t)o->limit, &qv, r, hybrid,
				      e);
	}
	model_vecs_free(&v);
	return rc;
}

int cli_search(int argc, char **argv)
{
	struct kb_opts o;
	struct store *st;
	struct kb_results r;
	struct err e = {0};
	struct buf q;
	struct model_embedder emb;
	bool have_emb = false;
	bool hybrid = false;
	int rc = parse_opts("search", argc, argv, &o);

	if (rc != 0)
		return rc;
	if (o.nargs == 0)
		return usage_error("search", "需要检索词");
	rc = load_embedder("search", o.config, &emb, &have_emb);
	if (rc != 0)
		return rc;
	buf_init(&q, KB_QUERY_MAX);
	for (size_t i = 0; i < o.nargs; i++) {
		if ((i > 0 && buf_addc(&q, ' ') != 0) || buf_adds(&q, o.args[i]) != 0) {
			buf_free(&q);
			fprintf(stderr, "shuzhi search: 检索词超过 %d 字节\n", KB_QUERY_MAX);
			return 2;
		}
	}
	rc = cli_db_open(cli_db_path(o.db), STORE_OPEN_READONLY, &st);
	if (rc != 0) {
		buf_free(&q);
		return rc;
	}
	if (have_emb)
		rc = search_hybrid(st, q.p, &o, &emb, &r, &hybrid, &e);
	else
		rc = kb_search(st, q.p, o.kbs, o.nkbs, (size_t)o.limit, &r, &e);
	store_close(st);
	buf_free(&q);
	if (rc != 0) {
		fprintf(stderr, "shuzhi search: %s\n", e.msg);
		return base_err_exit_code(rc);
	}
	if (o.json) {
		json_t *arr = json_array();
		json_t *out;

		for (size_t i = 0; i < r.n; i++)
			json_array_append_new(arr, passage_json(&r.p[i]));
		out = json_pack("{s:o,s:b}", "results", arr, "answerable", r.answerable);
		if (o.config != NULL)
			json_object_set_new(out, "mode", json_string(hybrid ? "hybrid" : "bm25"));
		json_dumpf(out, stdout,
			   JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));
		fputc('\n', stdout);
		json_decref(out);
	} else {
		if (r.n == 0)
			printf("没有找到相关内容。\n");
		for (size_t i = 0; i < r.n; i++)
			printf("%zu. %s %s（%s）\n   %s\n", i + 1, r.p[i].title,
			       r.p[i].article ? r.p[i].article : "", r.p[i].file, r.p[i].snippet);
	}
	kb_results_free(&r);
	return 0;
}
