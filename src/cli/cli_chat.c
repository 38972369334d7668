/* cli: `shuzhi chat "问题"` streams an answer from the configured model;
 * `shuzhi model test` diagnoses the endpoint. The model comes from the
 * "model" object of the config file (--config FILE or $SHUZHI_CONFIG). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <jansson.h>

#include "cli/cli.h"
#include "model/model.h"

struct chat_run {
	struct event_base *base;
	bool show_reasoning;
	bool dim; /* stderr is a terminal: reasoning in grey */
	bool in_reasoning;
	int rc;
	struct err e;
	struct model_usage usage;
	struct buf answer; /* model test: what came back */
	struct buf reasoning;
	bool quiet;
};

static int chat_on_event(const struct model_event *ev, void *arg)
{
	struct chat_run *r = arg;

	switch (ev->type) {
	case MODEL_EV_REASONING:
		buf_add(&r->reasoning, ev->text, ev->len < 4096 ? ev->len : 4096);
		if (r->quiet || !r->show_reasoning)
			break;
		if (!r->in_reasoning && r->dim)
			fputs("\033[2m", stderr);
		r->in_reasoning = true;
		fwrite(ev->text, 1, ev->len, stderr);
		break;
	case MODEL_EV_DELTA:
		if (r->in_reasoning) {
			fputs(r->dim ? "\033[0m\n" : "\n", stderr);
			r->in_reasoning = false;
		}
		buf_add(&r->answer, ev->text, ev->len < 4096 ? ev->len : 4096);
		if (!r->quiet) {
			fwrite(ev->text, 1, ev->len, stdout);
			fflush(stdout);
		}
		break;
	case MODEL_EV_USAGE:
		r->usage = ev->usage;
		break;
	default:
		break;
	}
	return 0;
}

static void chat_on_end(int rc, const struct err *e, bool started, void *arg)
{
	struct chat_run *r = arg;

	(void)started;
	r->rc = rc;
	if (rc != 0)
		r->e = *e;
	event_base_loopbreak(r->base);
}

/* Run one streamed call to the end on a private loop. */
static int chat_once(const struct model_provider *p, const char *question, struct chat_run *r)
{
	struct model_msg msgs[] = {{"user", question}};
	struct model_call_cbs cbs = {chat_on_event, chat_on_end, r};
	struct model_client *c;
	char *body = model_request_body(p, msgs, 1, true);

	r->base = event_base_new();
	c = model_client_new(r->base);
	r->rc = BASE_E_INTERNAL;
	buf_init(&r->answer, 1 << 20);
	buf_init(&r->reasoning, 1 << 20);
	buf_adds(&r->answer, "");
	buf_adds(&r->reasoning, "");
	model_call_start(c, p, body, &cbs);
	free(body);
	event_base_dispatch(r->base);
	if (r->in_reasoning && r->dim)
		fputs("\033[0m", stderr);
	model_client_free(c);
	event_base_free(r->base);
	return r->rc;
}

/* --config FILE or $SHUZHI_CONFIG; 2 (message printed) when no model. */
int cli_model_provider(const char *cmd, const char *config, struct model_provider *p)
{
	struct err e = {0};
	int rc;

	if (config == NULL)
		config = getenv("SHUZHI_CONFIG");
	if (config == NULL || config[0] == '\0') {
		fprintf(
		    stderr,
		    "shuzhi %s: 未配置模型：请用 --config 文件（或环境变量 SHUZHI_CONFIG）给出含 "
		    "\"model\" 设置的配置文件（见 docs/OPERATIONS.md）\n",
		    cmd);
		return 2;
	}
	rc = model_provider_load_file(p, config, &e);
	if (rc != 0) {
		fprintf(stderr, "shuzhi %s: %s%s\n", cmd,
			rc == BASE_E_NOTFOUND ? "未配置模型：" : "", e.msg);
		return 2;
	}
	return 0;
}

int cli_chat(int argc, char **argv)
{
	const char *config = NULL;
	const char *question = NULL;
	struct model_provider p;
	struct chat_run r = {0};
	int rc;

	r.show_reasoning = true;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
			config = argv[++i];
		else if (strcmp(argv[i], "--no-reasoning") == 0)
			r.show_reasoning = false;
		else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			fprintf(stderr, "shuzhi chat: 未知选项“%s”\n", argv[i]);
			return 2;
		} else if (question == NULL)
			question = argv[i];
		else {
			fprintf(stderr, "shuzhi chat: 只接受一个问题（请用引号括起来）\n");
			return 2;
		}
	}
	if (question == NULL || question[0] == '\0') {
		fprintf(stderr, "用法：shuzhi chat \"问题\" [--config 文件] [--no-reasoning]\n");
		return 2;
	}
	rc = cli_model_provider("chat", config, &p);
	if (rc != 0)
		return rc;
	r.dim = isatty(2);
	rc = chat_once(&p, question, &r);
	if (r.answer.len > 0)
		putchar('\n');
	buf_free(&r.answer);
	buf_free(&r.reasoning);
	if (rc != 0) {
		fprintf(stderr, "shuzhi chat: %s\n", r.e.msg);
		return 1;
	}
	return 0;
}

/* ---- model test: the diagnosis of model/diagnose.c on a private loop ---- */

struct test_run {
	struct event_base *base;
	bool json;
	bool ok;
};

static void test_on_result(const struct model_diag_result *r, void *arg)
{
	struct test_run *t = arg;

	t->ok = r->ok;
	if (t->json) {
		char *s = model_diag_json(r);

		printf("%s\n", s);
		free(s);
	} else {
		for (int i = 0; i < MODEL_DIAG_STEPS; i++) {
			const struct model_diag_step *st = &r->steps[i];
			const char *mark = st->state == MODEL_DIAG_OK	     ? "✔"
					   : st->state == MODEL_DIAG_FAILED  ? "✘"
					   : st->state == MODEL_DIAG_SKIPPED ? "-"
									     : "!";

			printf("%s %s：%s\n", mark, st->title, st->detail);
			if (st->advice[0] != '\0' && st->state != MODEL_DIAG_OK)
				printf("  → %s\n", st->advice);
		}
		printf("%s\n", r->summary);
	}
	event_base_loopbreak(t->base);
}

int cli_model(int argc, char **argv)
{
	const char *config = NULL;
	struct model_provider p;
	struct test_run t = {0};
	int rc;

	if (argc < 2 || strcmp(argv[1], "test") != 0) {
		fprintf(stderr, "用法：shuzhi model test [--config 文件] [--json]\n");
		return 2;
	}
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
			config = argv[++i];
		else if (strcmp(argv[i], "--json") == 0)
			t.json = true;
		else {
			fprintf(stderr, "shuzhi model test: 未知参数“%s”\n", argv[i]);
			return 2;
		}
	}
	rc = cli_model_provider("model test", config, &p);
	if (rc != 0)
		return rc;
	if (!t.json)
		printf("模型端点：%s（%s 协议），模型 %s\n", p.base_url,
		       p.kind == MODEL_KIND_OLLAMA ? "Ollama" : "OpenAI 兼容", p.model);
	t.base = event_base_new();
	model_diag_start(t.base, &p, test_on_result, &t);
	event_base_dispatch(t.base);
	event_base_free(t.base);
	return t.ok ? 0 : 1;
}
