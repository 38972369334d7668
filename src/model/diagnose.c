/* model/diagnose: the endpoint check shared by `shuzhi model test` and
 * POST /api/model/test — reachability, the model list, a short streamed
 * completion and reasoning support, each step with a Chinese diagnosis.
 * Asynchronous on the caller's event loop (one private model_client). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <jansson.h>

#include "model/model.h"

enum { STEP_REACH, STEP_MODELS, STEP_CHAT, STEP_REASONING };

#define DIAG_PROMPT "你好，请用一句话介绍你自己。"

struct model_diag {
	struct model_provider p;
	struct model_client *client;
	struct model_call *call;
	struct event *done;
	model_diag_cb cb;
	void *arg;
	struct model_diag_result r;
	struct buf answer;
	size_t reasoning_bytes;
	struct model_usage usage;
};

static const char *const advice_of[][2] = {
    {"refused", "连接被拒绝：模型服务未启动，或地址、端口填写错误。请确认服务（vLLM、Ollama "
		"等）已启动，并核对“服务地址”。"},
    {"dns", "无法解析主机名：请检查“服务地址”中的主机名拼写，或本机的 DNS 设置。"},
    {"tls", "TLS（HTTPS）握手或证书验证失败：证书不受信任、已过期或与主机名不符。"
	    "内网服务可改用 http://，或在本机安装单位的根证书。"},
    {"timeout", "超时：服务过载、网络不通或被防火墙拦截。请检查网络与防火墙，必要时调大超时。"},
    {"auth", "API 密钥错误或缺失（401/403）：请重新填写正确的“API 密钥”。"},
    {"not_found", "地址或模型名称不存在（404）：请核对“模型名称”（须与服务的模型列表一致）和"
		  "服务地址路径（OpenAI 兼容服务通常以 /v1 结尾）。"},
    {"model_missing", "模型列表中没有该名称：请核对“模型名称”的拼写；有的服务不列出全部模型，"
		      "以对话测试结果为准。"},
    {"bad_request", "请求被拒绝（400/422）：模型名称或参数不被该服务接受，请核对“模型名称”"
		    "与“协议类型”。"},
    {"http", "模型服务返回了错误，详见说明。"},
    {"format", "返回的内容不是预期的格式：该地址可能不是模型服务，或“协议类型”选错了。"},
    {"empty", "对话请求成功但回答为空：请检查模型是否正常加载，或调大“最大输出词元”。"},
    {"other", "请求失败，详见说明。"},
};

static const char *diag_advice(const char *cause)
{
	for (size_t i = 0; i < ARRAY_LEN(advice_of); i++)
		if (strcmp(advice_of[i][0], cause) == 0)
			return advice_of[i][1];
	return "";
}

const char *model_diag_state_name(enum model_diag_state s)
{
	static const char *const names[] = {"ok", "failed", "warn", "info", "skipped"};

	return (size_t)s < ARRAY_LEN(names) ? names[s] : "failed";
}

static void diag_set(struct model_diag *d, int step, enum model_diag_state state, const char *cause,
		     const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void diag_set(struct model_diag *d, int step, enum model_diag_state state, const char *cause,
		     const char *fmt, ...)
{
	struct model_diag_step *s = &d->r.steps[step];
	va_list ap;

	s->state = state;
	s->cause = cause;
	s->advice = diag_advice(cause);
	va_start(ap, fmt);
	vsnprintf(s->detail, sizeof(s->detail), fmt, ap);
	va_end(ap);
	model_utf8_clip(s->detail);
}

static const char *diag_cause_of(enum model_fail f, int status)
{
	switch (f) {
	case MODEL_FAIL_REFUSED:
		return "refused";
	case MODEL_FAIL_DNS:
		return "dns";
	case MODEL_FAIL_TLS:
		return "tls";
	case MODEL_FAIL_TIMEOUT:
		return "timeout";
	case MODEL_FAIL_HTTP:
		if (status == 401 || status == 402 || status == 403)
			return "auth";
		if (status == 404)
			return "not_found";
		if (status == 400 || status == 422)
			return "bad_request";
		return "http";
	default:
		return "other";
	}
}

/* Report from the loop: the client may not be freed inside its callbacks. */
static void diag_finish(struct model_diag *d)
{
	int failed = -1;

	d->call = NULL;
	d->r.ok = true;
	for (int i = 0; i < MODEL_DIAG_STEPS; i++)
		if (d->r.steps[i].state == MODEL_DIAG_FAILED) {
			d->r.ok = false;
			if (failed < 0)
				failed = i;
		}
	if (d->r.ok)
		snprintf(d->r.summary, sizeof(d->r.summary), "模型服务可用：%s（%s）", d->p.model,
			 d->p.base_url);
	else
		snprintf(d->r.summary, sizeof(d->r.summary), "未通过：%s失败",
			 d->r.steps[failed].title);
	model_utf8_clip(d->r.summary);
	event_active(d->done, EV_TIMEOUT, 0);
}

static void diag_free(struct model_diag *d)
{
	model_client_free(d->client);
	event_free(d->done);
	buf_free(&d->answer);
	memset(&d->p, 0, sizeof(d->p)); /* the API key */
	free(d);
}

static void diag_on_done(evutil_socket_t fd, short what, void *arg)
{
	struct model_diag *d = arg;

	(void)fd;
	(void)what;
	d->cb(&d->r, d->arg);
	diag_free(d);
}

static int diag_on_event(const struct model_event *ev, void *arg)
{
	struct model_diag *d = arg;

	if (ev->type == MODEL_EV_DELTA && d->answer.len < 4096)
		buf_add(&d->answer, ev->text, ev->len);
	else if (ev->type == MODEL_EV_REASONING)
		d->reasoning_bytes += ev->len;
	else if (ev->type == MODEL_EV_USAGE)
		d->usage = ev->usage;
	return 0;
}

static void diag_on_chat_end(int rc, const struct err *e, bool started, void *arg)
{
	struct model_diag *d = arg;
	int status = 0;
	enum model_fail f = model_call_failure(d->call, &status);

	(void)started;
	if (rc != 0) {
		diag_set(d, STEP_CHAT, MODEL_DIAG_FAILED, diag_cause_of(f, status), "%s", e->msg);
		diag_set(d, STEP_REASONING, MODEL_DIAG_SKIPPED, "", "对话未成功，无法判断");
		diag_finish(d);
		return;
	}
	if (d->answer.len == 0)
		diag_set(d, STEP_CHAT, MODEL_DIAG_FAILED, "empty",
			 "回答为空（推理 %zu 字节，输出 %lld 词元）", d->reasoning_bytes,
			 (long long)d->usage.completion_tokens);
	else
		diag_set(d, STEP_CHAT, MODEL_DIAG_OK, "",
			 "流式回答 %zu 字节，用量：输入 %lld、输出 %lld 词元", d->answer.len,
			 (long long)d->usage.prompt_tokens, (long long)d->usage.completion_tokens);
	if (d->reasoning_bytes > 0)
		diag_set(d, STEP_REASONING, MODEL_DIAG_OK, "",
			 "模型输出推理过程（%zu 字节），已与回答分开（推理不写入文档和对话历史）",
			 d->reasoning_bytes);
	else
		diag_set(d, STEP_REASONING, MODEL_DIAG_INFO, "",
			 "本次未输出推理过程（非推理模型，或服务未启用推理解析）");
	diag_finish(d);
}

static void diag_start_chat(struct model_diag *d)
{
	struct model_msg msgs[] = {{"user", DIAG_PROMPT}};
	struct model_call_cbs cbs = {diag_on_event, diag_on_chat_end, d};
	char *body = model_request_body(&d->p, msgs, 1, true);

	d->call = model_call_start(d->client, &d->p, body, &cbs);
	free(body);
}

/* The model list: OpenAI {"data":[{"id":…}]}, Ollama {"models":[{"name":…}]}. */
static void diag_models(struct model_diag *d, const char *url, const char *body, size_t len)
{
	json_t *root = json_loadb(body, len, 0, NULL);
	json_t *list = json_object_get(root, d->p.kind == MODEL_KIND_OLLAMA ? "models" : "data");
	const char *idkey = d->p.kind == MODEL_KIND_OLLAMA ? "name" : "id";
	size_t n = json_array_size(list);
	bool found = false;

	for (size_t i = 0; i < n; i++) {
		const char *id = json_string_value(json_object_get(json_array_get(list, i), idkey));

		if (id != NULL && strcmp(id, d->p.model) == 0)
			found = true;
	}
	if (!json_is_array(list))
		diag_set(d, STEP_MODELS, MODEL_DIAG_WARN, "format",
			 "%s 的回答不是模型列表（继续测试对话）", url);
	else if (!found)
		diag_set(d, STEP_MODELS, MODEL_DIAG_WARN, "model_missing",
			 "%s 返回 %zu 个模型，其中没有“%s”（继续测试对话）", url, n, d->p.model);
	else
		diag_set(d, STEP_MODELS, MODEL_DIAG_OK, "", "%s 返回 %zu 个模型，包含“%s”", url, n,
			 d->p.model);
	json_decref(root);
}

static void diag_on_get(int rc, const struct err *e, int status, const char *body, size_t len,
			void *arg)
{
	struct model_diag *d = arg;
	int st = 0;
	enum model_fail f = model_call_failure(d->call, &st);
	char url[700], msg[600];

	model_url(&d->p, "models", url, sizeof(url));
	if (rc != 0) {
		diag_set(d, STEP_REACH, MODEL_DIAG_FAILED, diag_cause_of(f, st), "%s（%s）", e->msg,
			 url);
		diag_set(d, STEP_MODELS, MODEL_DIAG_SKIPPED, "", "服务不可达，未测试");
		diag_set(d, STEP_CHAT, MODEL_DIAG_SKIPPED, "", "服务不可达，未测试");
		diag_set(d, STEP_REASONING, MODEL_DIAG_SKIPPED, "", "服务不可达，未测试");
		diag_finish(d);
		return;
	}
	diag_set(d, STEP_REACH, MODEL_DIAG_OK, "", "服务可达：%s 有回应（HTTP %d）", d->p.base_url,
		 status);
	if (status == 200) {
		diag_models(d, url, body, len);
	} else {
		model_http_error(status, body, len, msg, sizeof(msg));
		if (status == 401 || status == 403) {
			diag_set(d, STEP_MODELS, MODEL_DIAG_FAILED, "auth", "%s", msg);
			diag_set(d, STEP_CHAT, MODEL_DIAG_SKIPPED, "", "认证未通过，未测试");
			diag_set(d, STEP_REASONING, MODEL_DIAG_SKIPPED, "", "认证未通过，未测试");
			diag_finish(d);
			return;
		}
		diag_set(d, STEP_MODELS, MODEL_DIAG_WARN,
			 status == 404 ? "not_found" : diag_cause_of(MODEL_FAIL_HTTP, status),
			 "模型列表 %s：%s（有的服务不提供模型列表，继续测试对话）", url, msg);
	}
	diag_start_chat(d);
}

struct model_diag *model_diag_start(struct event_base *base, const struct model_provider *p,
				    model_diag_cb cb, void *arg)
{
	struct model_diag *d = xcalloc(1, sizeof(*d));
	static const char *const keys[] = {"reach", "models", "chat", "reasoning"};
	static const char *const titles[] = {"连接模型服务", "模型列表", "简短对话", "推理内容"};
	char url[700];

	d->p = *p;
	d->p.retries = 0; /* a diagnosis reports the first failure as it is */
	d->cb = cb;
	d->arg = arg;
	buf_init(&d->answer, 8192);
	for (int i = 0; i < MODEL_DIAG_STEPS; i++) {
		d->r.steps[i].key = keys[i];
		d->r.steps[i].title = titles[i];
		d->r.steps[i].state = MODEL_DIAG_SKIPPED;
		d->r.steps[i].cause = "";
		d->r.steps[i].advice = "";
	}
	d->client = model_client_new(base);
	d->done = event_new(base, -1, 0, diag_on_done, d);
	if (model_url(&d->p, "models", url, sizeof(url)) != 0) {
		diag_set(d, STEP_REACH, MODEL_DIAG_FAILED, "other", "模型地址过长");
		diag_finish(d);
		return d;
	}
	d->call = model_get_start(d->client, &d->p, url, diag_on_get, d);
	return d;
}

void model_diag_cancel(struct model_diag *d)
{
	if (d != NULL)
		diag_free(d);
}

char *model_diag_json(const struct model_diag_result *r)
{
	json_t *steps = json_array();
	json_t *o;
	char *s;

	for (int i = 0; i < MODEL_DIAG_STEPS; i++) {
		const struct model_diag_step *st = &r->steps[i];

		json_array_append_new(
		    steps, json_pack("{s:s,s:s,s:s,s:b,s:s,s:s,s:s}", "step", st->key, "title",
				     st->title, "state", model_diag_state_name(st->state), "ok",
				     st->state != MODEL_DIAG_FAILED, "cause", st->cause, "detail",
				     st->detail, "advice", st->advice));
	}
	o = json_pack("{s:b,s:s,s:o}", "ok", r->ok, "summary", r->summary, "steps", steps);
	s = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	json_decref(o);
	if (s == NULL) {
		fprintf(stderr, "shuzhi: out of memory\n");
		abort();
	}
	return s;
}
