/*
 * cli: `shuzhi words add|list|import|rm|check|hits` — sensitive-word lists
 * for admins. Changes to the lists are written with an audit entry in the
 * same transaction; `check` matches text against the lists and, with
 * --record, files every hit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "cli/cli_db.h"
#include "privacy/privacy.h"
#include "privacy/words.h"
#include "work/audit.h"

#define DEFAULT_LIST	 "默认"
#define DEFAULT_CATEGORY "其他"
#define CONTEXT_BEFORE	 20

static int usage_error(const char *cmd, const char *msg)
{
	fprintf(stderr, "shuzhi words %s: %s\n运行 shuzhi --help 查看用法。\n", cmd, msg);
	return 2;
}

struct words_opts {
	const char *db;
	const char *list;
	const char *category;
	const char *place;
	const char *limit;
	bool json;
	bool record;
	const char *args[8];
	int nargs;
};

static int parse_opts(const char *cmd, int argc, char **argv, struct words_opts *o)
{
	memset(o, 0, sizeof(*o));
	for (int i = 1; i < argc; i++) {
		const char **slot = NULL;
		const char *v = NULL;

		if (cli_db_opt(argc, argv, &i, "--db", &v))
			slot = &o->db;
		else if (cli_db_opt(argc, argv, &i, "--list", &v))
			slot = &o->list;
		else if (cli_db_opt(argc, argv, &i, "--category", &v))
			slot = &o->category;
		else if (cli_db_opt(argc, argv, &i, "--place", &v))
			slot = &o->place;
		else if (cli_db_opt(argc, argv, &i, "--limit", &v))
			slot = &o->limit;
		if (slot != NULL) {
			if (v == NULL)
				return usage_error(cmd, "选项缺少取值");
			*slot = v;
		} else if (strcmp(argv[i], "--json") == 0) {
			o->json = true;
		} else if (strcmp(argv[i], "--record") == 0) {
			o->record = true;
		} else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			return usage_error(cmd, "未知选项");
		} else if (o->nargs < (int)ARRAY_LEN(o->args)) {
			o->args[o->nargs++] = argv[i];
		} else {
			return usage_error(cmd, "参数过多");
		}
	}
	return 0;
}

static int open_ctx(const struct words_opts *o, int flags, struct work_ctx *ctx, char *actor,
		    size_t cap)
{
	memset(ctx, 0, sizeof(*ctx));
	cli_db_actor(actor, cap);
	ctx->actor = actor;
	return cli_db_open(cli_db_path(o->db), flags, &ctx->st);
}

static int report(const struct words_opts *o, int rc, const struct err *e)
{
	if (rc == 0)
		return 0;
	fprintf(stderr, "shuzhi: %s: %s\n", cli_db_path(o->db), e->msg);
	return base_err_exit_code(rc);
}

static bool word_ok(const char *w, struct err *e)
{
	if (!text_utf8_valid(w, strlen(w), NULL)) {
		err_set(e, BASE_E_FORMAT, "敏感词不是有效的 UTF-8");
		return false;
	}
	return true;
}

/* Add one word and its audit entry inside the caller's transaction. */
static int add_in_tx(struct work_ctx *ctx, const char *list, const char *word, const char *category,
		     struct err *e)
{
	int64_t id = 0;
	json_t *d;
	int rc;

	if (!word_ok(word, e) || !word_ok(category, e))
		return e->code;
	rc = store_word_add(ctx->st, list, word, category, ctx->actor, work_now(ctx), &id, e);
	if (rc != 0)
		return rc;
	d = json_pack("{s:s,s:s,s:I}", "list", list, "category", category, "id", (json_int_t)id);
	rc = work_audit_append_tx(ctx, "word.add", word, d, e);
	json_decref(d);
	return rc;
}

static int cmd_add(int argc, char **argv)
{
	struct words_opts o;
	struct work_ctx ctx;
	struct err e = {0};
	char actor[80];
	const char *list;
	const char *cat;
	int rc;

	rc = parse_opts("add", argc, argv, &o);
	if (rc != 0)
		return rc;
	if (o.nargs < 1)
		return usage_error("add",
				   "用法：shuzhi words add 词… [--category 类别] [--list 词表]");
	list = o.list ? o.list : DEFAULT_LIST;
	cat = o.category ? o.category : DEFAULT_CATEGORY;
	rc = open_ctx(&o, STORE_OPEN_CREATE, &ctx, actor, sizeof(actor));
	if (rc != 0)
		return rc;
	rc = store_tx_begin(ctx.st, &e);
	for (int i = 0; rc == 0 && i < o.nargs; i++)
		rc = add_in_tx(&ctx, list, o.args[i], cat, &e);
	if (rc == 0)
		rc = store_tx_commit(ctx.st, &e);
	else
		store_tx_rollback(ctx.st);
	if (rc == 0)
		printf("已向词表“%s”添加 %d 个词（类别：%s）\n", list, o.nargs, cat);
	store_close(ctx.st);
	return report(&o, rc, &e);
}

static int cmd_rm(int argc, char **argv)
{
	struct words_opts o;
	struct work_ctx ctx;
	struct err e = {0};
	char actor[80];
	size_t count = 0;
	int rc;

	rc = parse_opts("rm", argc, argv, &o);
	if (rc != 0)
		return rc;
	if (o.nargs != 1)
		return usage_error("rm", "用法：shuzhi words rm 词 [--list 词表]");
	rc = open_ctx(&o, 0, &ctx, actor, sizeof(actor));
	if (rc != 0)
		return rc;
	rc = store_tx_begin(ctx.st, &e);
	if (rc == 0)
		rc = store_word_remove(ctx.st, o.list, o.args[0], &count, &e);
	if (rc == 0) {
		json_t *d = json_pack("{s:s?,s:I}", "list", o.list, "removed", (json_int_t)count);

		rc = work_audit_append_tx(&ctx, "word.remove", o.args[0], d, &e);
		json_decref(d);
	}
	if (rc == 0)
		rc = store_tx_commit(ctx.st, &e);
	else
		store_tx_rollback(ctx.st);
	if (rc == 0)
		printf("已删除 %zu 条\n", count);
	store_close(ctx.st);
	return report(&o, rc, &e);
}

struct list_ctx {
	bool json;
	json_t *arr;
	size_t n;
};

static int list_one(const struct store_word *w, void *arg)
{
	struct list_ctx *c = arg;

	c->n++;
	if (c->json) {
		json_array_append_new(c->arr, json_pack("{s:I,s:s,s:s,s:s,s:s,s:I}", "id",
							(json_int_t)w->id, "list", w->list, "word",
							w->word, "category", w->category,
							"created_by", w->created_by, "created_at",
							(json_int_t)w->created_at));
	} else {
		printf("%s\t%s\t%s\n", w->list, w->category, w->word);
	}
	return 0;
}

static int cmd_list(int argc, char **argv)
{
	struct words_opts o;
	struct list_ctx c = {0};
	struct store *st;
	struct err e = {0};
	int rc;

	rc = parse_opts("list", argc, argv, &o);
	if (rc != 0)
		return rc;
	rc = cli_db_open(cli_db_path(o.db), STORE_OPEN_READONLY, &st);
	if (rc != 0)
		return rc;
	c.json = o.json;
	c.arr = json_array();
	rc = store_word_iter(st, o.list, list_one, &c, &e);
	store_close(st);
	if (rc == 0 && o.json) {
		json_t *obj = json_pack("{s:o}", "words", c.arr);

		json_dumpf(obj, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
		json_decref(obj);
	} else {
		json_decref(c.arr);
		if (rc == 0 && c.n == 0)
			puts("（没有敏感词）");
	}
	return report(&o, rc, &e);
}

/* words import FILE: one transaction; words already in the list are
 * skipped and counted. */
static int cmd_import(int argc, char **argv)
{
	struct words_opts o;
	struct work_ctx ctx;
	struct err e = {0};
	char actor[80];
	char *data = NULL;
	size_t len = 0;
	size_t bad = 0;
	size_t added = 0;
	size_t dup = 0;
	size_t lineno = 0;
	char *p;
	int rc;

	rc = parse_opts("import", argc, argv, &o);
	if (rc != 0)
		return rc;
	if (o.nargs != 1)
		return usage_error(
		    "import", "用法：shuzhi words import 文件 [--list 词表] [--category 类别]");
	rc = base_read_file(o.args[0], PRIVACY_WORDS_FILE_MAX, &data, &len, &e);
	if (rc == 0 && !text_utf8_valid(data, len, &bad))
		rc = err_set(&e, BASE_E_FORMAT, "%s：不是有效的 UTF-8 文本（第 %zu 字节）",
			     o.args[0], bad);
	if (rc == 0 && memchr(data, '\0', len) != NULL)
		rc = err_set(&e, BASE_E_FORMAT, "%s：文件中含有 NUL 字符", o.args[0]);
	if (rc != 0) {
		free(data);
		fprintf(stderr, "shuzhi: %s\n", e.msg);
		return base_err_exit_code(rc);
	}
	rc = open_ctx(&o, STORE_OPEN_CREATE, &ctx, actor, sizeof(actor));
	if (rc != 0) {
		free(data);
		return rc;
	}
	rc = store_tx_begin(ctx.st, &e);
	for (p = data; rc == 0 && p != NULL && *p != '\0';) {
		char *nl = strchr(p, '\n');
		char *word;
		char *cat;

		if (nl != NULL)
			*nl = '\0';
		lineno++;
		if (privacy_words_parse_line(p, &word, &cat) == 1) {
			struct err e2 = {0};
			int r = add_in_tx(&ctx, o.list ? o.list : DEFAULT_LIST, word,
					  cat ? cat : (o.category ? o.category : DEFAULT_CATEGORY),
					  &e2);

			if (r == BASE_E_CONFLICT) {
				dup++;
			} else if (r != 0) {
				rc = err_set(&e, r, "%s 第 %zu 行：%s", o.args[0], lineno, e2.msg);
			} else {
				added++;
			}
		}
		p = nl ? nl + 1 : NULL;
	}
	if (rc == 0)
		rc = store_tx_commit(ctx.st, &e);
	else
		store_tx_rollback(ctx.st);
	if (rc == 0)
		printf("导入完成：新增 %zu 个，已存在 %zu 个\n", added, dup);
	store_close(ctx.st);
	free(data);
	return report(&o, rc, &e);
}

struct check_ctx {
	const struct privacy_ac *ac;
	const struct ustr *text;
	json_t *arr;
	struct work_ctx *wctx;
	const char *place;
	struct err *e;
	size_t hits;
};

static int check_one(const struct privacy_ac_match *m, void *arg)
{
	struct check_ctx *c = arg;
	const char *cat = NULL;
	const char *word = privacy_ac_word(c->ac, m->word, &cat, NULL);
	size_t from = m->start > CONTEXT_BEFORE ? m->start - CONTEXT_BEFORE : 0;
	size_t to = m->end + CONTEXT_BEFORE < c->text->len ? m->end + CONTEXT_BEFORE : c->text->len;
	char *context = ustr_to_utf8(c->text, from, to);
	int rc = 0;

	c->hits++;
	json_array_append_new(c->arr, json_pack("{s:I,s:I,s:s,s:s,s:s}", "start",
						(json_int_t)m->start, "end", (json_int_t)m->end,
						"word", word, "category", cat, "context", context));
	if (c->wctx != NULL)
		rc = privacy_words_record(c->wctx->st, c->ac, m, context, c->wctx->actor, c->place,
					  "input", work_now(c->wctx), c->e);
	free(context);
	return rc;
}

static int cmd_check(int argc, char **argv)
{
	struct words_opts o;
	struct work_ctx ctx;
	struct check_ctx c = {0};
	struct privacy_ac *ac = NULL;
	struct err e = {0};
	struct ustr u;
	struct buf in;
	char actor[80];
	char chunk[65536];
	size_t n;
	char *data = NULL;
	size_t len = 0;
	int rc;

	rc = parse_opts("check", argc, argv, &o);
	if (rc != 0)
		return rc;
	if (o.nargs > 1)
		return usage_error("check", "用法：shuzhi words check [文件] [--record] [--json]");
	if (o.nargs == 1) {
		rc = base_read_file(o.args[0], PRIVACY_INPUT_MAX, &data, &len, &e);
	} else {
		buf_init(&in, PRIVACY_INPUT_MAX);
		while (rc == 0 && (n = fread(chunk, 1, sizeof(chunk), stdin)) > 0) {
			if (buf_add(&in, chunk, n) != 0)
				rc = err_set(&e, BASE_E_LIMIT, "标准输入：文本超过 10 MB 上限");
		}
		data = buf_detach(&in, &len);
	}
	if (rc == 0)
		rc = privacy_text_load(data, len, o.nargs ? o.args[0] : "标准输入", &u, &e);
	else
		ustr_init(&u);
	free(data);
	if (rc != 0) {
		ustr_free(&u);
		fprintf(stderr, "shuzhi: %s\n", e.msg);
		return base_err_exit_code(rc);
	}
	rc = open_ctx(&o, o.record ? 0 : STORE_OPEN_READONLY, &ctx, actor, sizeof(actor));
	if (rc != 0) {
		ustr_free(&u);
		return rc;
	}
	rc = privacy_words_load(ctx.st, o.list, &ac, &e);
	if (rc == 0 && o.record)
		rc = store_tx_begin(ctx.st, &e);
	if (rc == 0) {
		c = (struct check_ctx){
		    ac, &u, json_array(), o.record ? &ctx : NULL, o.place ? o.place : "cli", &e, 0};
		rc = privacy_ac_scan(ac, u.p, u.len, check_one, &c);
		if (o.record && rc == 0)
			rc = store_tx_commit(ctx.st, &e);
		else if (o.record)
			store_tx_rollback(ctx.st);
	}
	if (rc == 0 && o.json) {
		json_t *obj = json_pack("{s:O}", "hits", c.arr);

		json_dumpf(obj, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
		json_decref(obj);
	} else if (rc == 0) {
		size_t i;
		json_t *h;

		json_array_foreach(c.arr, i, h)
		{
			printf("%lld-%lld\t%s\t%s\t…%s…\n",
			       (long long)json_integer_value(json_object_get(h, "start")),
			       (long long)json_integer_value(json_object_get(h, "end")),
			       json_string_value(json_object_get(h, "category")),
			       json_string_value(json_object_get(h, "word")),
			       json_string_value(json_object_get(h, "context")));
		}
		if (c.hits == 0)
			puts("未发现敏感词。");
	}
	json_decref(c.arr);
	privacy_ac_free(ac);
	ustr_free(&u);
	store_close(ctx.st);
	if (rc != 0)
		return report(&o, rc, &e);
	return c.hits > 0 ? 1 : 0;
}

static int hit_one(const struct store_word_hit *h, void *arg)
{
	json_t *arr = arg;
	char when[32];

	if (arr != NULL) {
		json_array_append_new(
		    arr, json_pack("{s:I,s:I,s:s,s:s,s:s,s:s,s:s,s:s}", "id", (json_int_t)h->id,
				   "ts", (json_int_t)h->ts, "actor", h->actor, "place", h->place,
				   "direction", h->direction, "word", h->word, "category",
				   h->category, "context", h->context));
		return 0;
	}
	cli_db_time(h->ts, when, sizeof(when));
	printf("%s\t%s\t%s\t%s\t%s\t%s\t%s\n", when, h->actor, h->place, h->direction, h->category,
	       h->word, h->context);
	return 0;
}

static int cmd_hits(int argc, char **argv)
{
	struct words_opts o;
	struct store *st;
	struct err e = {0};
	json_t *arr = NULL;
	long limit = 200;
	char *end = NULL;
	int rc;

	rc = parse_opts("hits", argc, argv, &o);
	if (rc != 0)
		return rc;
	if (o.limit != NULL) {
		limit = strtol(o.limit, &end, 10);
		if (end == o.limit || *end != '\0' || limit < 0)
			return usage_error("hits", "--limit 需要非负整数");
	}
	rc = cli_db_open(cli_db_path(o.db), STORE_OPEN_READONLY, &st);
	if (rc != 0)
		return rc;
	if (o.json)
		arr = json_array();
	rc = store_word_hit_iter(st, (size_t)limit, hit_one, arr, &e);
	store_close(st);
	if (rc == 0 && arr != NULL) {
		json_t *obj = json_pack("{s:O}", "hits", arr);

		json_dumpf(obj, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
		json_decref(obj);
	}
	json_decref(arr);
	return report(&o, rc, &e);
}

int cli_words(int argc, char **argv)
{
	if (argc < 2)
		return usage_error("", "缺少子命令（add、list、import、rm、check 或 hits）");
	if (strcmp(argv[1], "add") == 0)
		return cmd_add(argc - 1, argv + 1);
	if (strcmp(argv[1], "list") == 0)
		return cmd_list(argc - 1, argv + 1);
	if (strcmp(argv[1], "import") == 0)
		return cmd_import(argc - 1, argv + 1);
	if (strcmp(argv[1], "rm") == 0)
		return cmd_rm(argc - 1, argv + 1);
	if (strcmp(argv[1], "check") == 0)
		return cmd_check(argc - 1, argv + 1);
	if (strcmp(argv[1], "hits") == 0)
		return cmd_hits(argc - 1, argv + 1);
	return usage_error(argv[1], "未知子命令");
}
