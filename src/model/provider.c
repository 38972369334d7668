/* model/provider: capability records from configuration, request bodies,
 * endpoint URLs and diagnoses of model-server error replies
 * (spec/stack.md §1.1 error table). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "model/config_internal.h"
#include "model/model.h"
#include "text/text.h"

void model_provider_defaults(struct model_provider *p)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "default");
	p->kind = MODEL_KIND_OPENAI;
	p->think = MODEL_THINK_AUTO;
	p->max_streams = 16;
	p->max_queue = 256;
	p->connect_timeout_ms = 3000;
	p->idle_timeout_s = 120;
	p->retries = 3;
	p->retry_base_ms = 250;
	p->public_share = 50;
}

const char *model_kind_name(enum model_kind k)
{
	return k == MODEL_KIND_OLLAMA ? "ollama" : "openai";
}

const char *model_think_name(enum model_think t)
{
	return t == MODEL_THINK_OPEN ? "open" : (t == MODEL_THINK_OFF ? "off" : "auto");
}

enum pv_kind { PV_STR, PV_INT, PV_BOOL, PV_KIND, PV_THINK };

struct pv_key {
	const char *key;
	enum pv_kind kind;
	size_t off;
	size_t size; /* strings: capacity; ints: sizeof the field */
	long long min, max;
};

#define PV_S(k, f)                                                                                 \
	{                                                                                          \
		k, PV_STR, offsetof(struct model_provider, f),                                     \
		    sizeof(((struct model_provider *)0)->f), 0, 0                                  \
	}
#define PV_I(k, f, lo, hi)                                                                         \
	{                                                                                          \
		k, PV_INT, offsetof(struct model_provider, f),                                     \
		    sizeof(((struct model_provider *)0)->f), lo, hi                                \
	}
#define PV_B(k, f)                                                                                 \
	{                                                                                          \
		k, PV_BOOL, offsetof(struct model_provider, f), 0, 0, 0                            \
	}

static const struct pv_key pv_keys[] = {
    PV_S("name", name),
    {"kind", PV_KIND, 0, 0, 0, 0},
    PV_S("base_url", base_url),
    PV_S("model", model),
    PV_S("api_key", api_key),
    PV_S("reasoning_field", reasoning_field),
    {"think_tags", PV_THINK, 0, 0, 0, 0},
    PV_B("json_mode", json_mode),
    PV_B("tools", tools),
    PV_I("max_streams", max_streams, 1, 10000),
    PV_I("max_queue", max_queue, 0, 100000),
    PV_I("connect_timeout_ms", connect_timeout_ms, 100, 600000),
    PV_I("idle_timeout_s", idle_timeout_s, 1, 3600),
    PV_I("retries", retries, 0, 10),
    PV_I("retry_base_ms", retry_base_ms, 1, 60000),
    PV_I("max_tokens", max_tokens, 0, 1000000),
    PV_I("daily_tokens", daily_tokens, 0, 1000000000000LL),
    PV_I("public_share", public_share, 0, 100),
};

int model_provider_key(const char *key, long long *min, long long *max)
{
	for (size_t i = 0; i < ARRAY_LEN(pv_keys); i++) {
		if (strcmp(pv_keys[i].key, key) != 0)
			continue;
		*min = pv_keys[i].min;
		*max = pv_keys[i].max;
		switch (pv_keys[i].kind) {
		case PV_INT:
			return 'i';
		case PV_BOOL:
			return 'b';
		default:
			return 's';
		}
	}
	return 0;
}

static int pv_set(struct model_provider *p, const struct pv_key *k, json_t *v, const char *src,
		  struct err *e)
{
	char *base = (char *)p;
	const char *s;

	switch (k->kind) {
	case PV_STR:
		s = json_string_value(v);
		if (s == NULL || strlen(s) != json_string_length(v))
			return err_set(e, BASE_E_USAGE, "%s：model.%s 须为字符串", src, k->key);
		if (strlen(s) >= k->size)
			return err_set(e, BASE_E_USAGE, "%s：model.%s 过长（上限 %zu 字节）", src,
				       k->key, k->size - 1);
		memcpy(base + k->off, s, strlen(s) + 1);
		return 0;
	case PV_INT: {
		long long n;

		if (!json_is_integer(v))
			return err_set(e, BASE_E_USAGE, "%s：model.%s 须为整数", src, k->key);
		n = json_integer_value(v);
		if (n < k->min || n > k->max)
			return err_set(e, BASE_E_USAGE,
				       "%s：model.%s 须在 %lld–%lld 之间（现为 %lld）", src, k->key,
				       k->min, k->max, n);
		if (k->size == sizeof(int))
			*(int *)(void *)(base + k->off) = (int)n;
		else
			*(int64_t *)(void *)(base + k->off) = n;
		return 0;
	}
	case PV_BOOL:
		if (!json_is_boolean(v))
			return err_set(e, BASE_E_USAGE, "%s：model.%s 须为 true 或 false", src,
				       k->key);
		*(bool *)(void *)(base + k->off) = json_is_true(v);
		return 0;
	case PV_KIND:
		s = json_string_value(v);
		if (s != NULL && strcmp(s, "openai") == 0)
			p->kind = MODEL_KIND_OPENAI;
		else if (s != NULL && strcmp(s, "ollama") == 0)
			p->kind = MODEL_KIND_OLLAMA;
		else
			return err_set(
			    e, BASE_E_USAGE,
			    "%s：model.kind 须为 \"openai\"（OpenAI 兼容，含 DeepSeek、vLLM、"
			    "SGLang）或 \"ollama\"",
			    src);
		return 0;
	case PV_THINK:
		s = json_string_value(v);
		if (s != NULL && strcmp(s, "auto") == 0)
			p->think = MODEL_THINK_AUTO;
		else if (s != NULL && strcmp(s, "open") == 0)
			p->think = MODEL_THINK_OPEN;
		else if (s != NULL && strcmp(s, "off") == 0)
			p->think = MODEL_THINK_OFF;
		else
			return err_set(e, BASE_E_USAGE,
				       "%s：model.think_tags 须为 \"auto\"、\"open\" 或 \"off\"",
				       src);
		return 0;
	}
	return err_set(e, BASE_E_INTERNAL, "model.%s", k->key);
}

int model_config_walk(const char *text, size_t len, const char *what, const char *label,
		      const char *src, model_config_set_fn set, void *arg, struct err *e)
{
	json_error_t jerr;
	json_t *root;
	const char *key;
	json_t *v;
	int rc = 0;

	if (len > MODEL_CONFIG_MAX)
		return err_set(e, BASE_E_LIMIT, "%s：%s 设置超过 %d 字节", src, what,
			       MODEL_CONFIG_MAX);
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL || !json_is_object(root)) {
		json_decref(root);
		return err_set(e, BASE_E_FORMAT, "%s：%s 须为 JSON 对象", src, what);
	}
	json_object_foreach(root, key, v)
	{
		rc = set(arg, key, v, src, e);
		if (rc == MODEL_CONFIG_UNKNOWN)
			rc = err_set(e, BASE_E_USAGE, "%s：未知的%s“%s.%s”", src, label, what, key);
		if (rc != 0)
			break;
	}
	json_decref(root);
	return rc;
}

int model_config_endpoint(char *base_url, const char *model, const char *what,
			  const char *url_example, const char *model_hint, const char *src,
			  struct err *e)
{
	size_t n;

	if (strncmp(base_url, "http://", 7) != 0 && strncmp(base_url, "https://", 8) != 0)
		return err_set(e, BASE_E_USAGE,
			       "%s：%s.base_url 须以 http:// 或 https:// 开头，例如 %s", src, what,
			       url_example);
	if (model[0] == '\0')
		return err_set(e, BASE_E_USAGE, "%s：请填写 %s.model（%s）", src, what, model_hint);
	n = strlen(base_url);
	while (n > 0 && base_url[n - 1] == '/')
		base_url[--n] = '\0';
	return 0;
}

static int pv_member(void *arg, const char *key, json_t *v, const char *src, struct err *e)
{
	for (size_t i = 0; i < ARRAY_LEN(pv_keys); i++) {
		if (strcmp(pv_keys[i].key, key) == 0)
			return pv_set(arg, &pv_keys[i], v, src, e);
	}
	return MODEL_CONFIG_UNKNOWN;
}

int model_provider_parse(struct model_provider *p, const char *text, size_t len, const char *src,
			 struct err *e)
{
	int rc;

	model_provider_defaults(p);
	rc = model_config_walk(text, len, "model", "模型配置项", src, pv_member, p, e);
	if (rc == 0)
		rc = model_config_endpoint(p->base_url, p->model, "model",
					   "http://127.0.0.1:8000/v1", "模型名称，如 deepseek-chat",
					   src, e);
	return rc;
}

int model_config_file_object(const char *path, const char *what, char **text, char *src,
			     size_t srcsize, struct err *e)
{
	char *data = NULL;
	size_t len = 0;
	json_error_t jerr;
	json_t *root, *o;
	int rc = base_read_file(path, 1024 * 1024, &data, &len, e);

	*text = NULL;
	if (rc != 0)
		return rc;
	root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
	free(data);
	if (root == NULL)
		return err_set(e, BASE_E_FORMAT, "配置文件 %s：不是有效的 JSON：第 %d 行：%s", path,
			       jerr.line, jerr.text);
	o = json_object_get(root, what);
	if (o == NULL || json_is_null(o)) {
		json_decref(root);
		return err_set(e, BASE_E_NOTFOUND, "配置文件 %s 中没有 %s 设置", path, what);
	}
	*text = json_dumps(o, JSON_COMPACT);
	json_decref(root);
	if (*text == NULL)
		return err_set(e, BASE_E_FORMAT, "配置文件 %s：%s 须为 JSON 对象", path, what);
	snprintf(src, srcsize, "配置文件 %s", path);
	return 0;
}

int model_provider_load_file(struct model_provider *p, const char *path, struct err *e)
{
	char src[600];
	char *text;
	int rc = model_config_file_object(path, "model", &text, src, sizeof(src), e);

	if (rc == 0)
		rc = model_provider_parse(p, text, strlen(text), src, e);
	free(text);
	return rc;
}

char *model_provider_json(const struct model_provider *p)
{
	json_t *o = json_pack(
	    "{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:b,s:b,s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:I,s:i}", "name",
	    p->name, "kind", model_kind_name(p->kind), "base_url", p->base_url, "model", p->model,
	    "api_key", p->api_key[0] ? "***" : "", "reasoning_field", p->reasoning_field,
	    "think_tags", model_think_name(p->think), "json_mode", p->json_mode, "tools", p->tools,
	    "max_streams", p->max_streams, "max_queue", p->max_queue, "connect_timeout_ms",
	    p->connect_timeout_ms, "idle_timeout_s", p->idle_timeout_s, "retries", p->retries,
	    "retry_base_ms", p->retry_base_ms, "max_tokens", p->max_tokens, "daily_tokens",
	    (json_int_t)p->daily_tokens, "public_share", p->public_share);
	char *s = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;

	json_decref(o);
	if (s == NULL) {
		fprintf(stderr, "shuzhi: out of memory\n");
		abort();
	}
	return s;
}

size_t model_json_escape(char *dst, const char *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *u = (const unsigned char *)p;
	size_t o = 0;

	for (size_t i = 0; i < n;) {
		unsigned char c = u[i];
		uint32_t cp;
		size_t k;

		if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
			dst[o++] = (char)c;
			i++;
		} else if (c == '"' || c == '\\') {
			dst[o++] = '\\';
			dst[o++] = (char)c;
			i++;
		} else if (c == '\n') {
			memcpy(dst + o, "\\n", 2);
			o += 2;
			i++;
		} else if (c < 0x20) {
			memcpy(dst + o, "\\u00", 4);
			dst[o + 4] = hex[c >> 4];
			dst[o + 5] = hex[c & 15];
			o += 6;
			i++;
		} else if ((k = text_utf8_decode(p + i, n - i, &cp)) > 1) {
			memcpy(dst + o, p + i, k);
			o += k;
			i += k;
		} else { /* ill-formed (decoded as 1 byte): U+FFFD */
			memcpy(dst + o, "\\ufffd", 6);
			o += 6;
			i++;
		}
	}
	return o;
}

/* Append "s" as a JSON string. */
static void body_str(struct buf *b, const char *s)
{
	size_t n = strlen(s);

	if (b->cap - b->len < 6 * n + 2)
		b->p = xgrow(b->p, &b->cap, b->len + 6 * n + 2, 1);
	b->p[b->len++] = '"';
	b->len += model_json_escape(b->p + b->len, s, n);
	b->p[b->len++] = '"';
}

char *model_request_body(const struct model_provider *p, const struct model_msg *msgs, size_t n,
			 bool stream)
{
	struct buf b;

	buf_init(&b, SIZE_MAX / 8);
	buf_adds(&b, "{\"model\":");
	body_str(&b, p->model);
	buf_adds(&b, ",\"messages\":[");
	for (size_t i = 0; i < n; i++) {
		buf_adds(&b, i > 0 ? ",{\"role\":" : "{\"role\":");
		body_str(&b, msgs[i].role);
		buf_adds(&b, ",\"content\":");
		body_str(&b, msgs[i].content ? msgs[i].content : "");
		buf_addc(&b, '}');
	}
	buf_adds(&b, stream ? "],\"stream\":true" : "],\"stream\":false");
	if (p->kind == MODEL_KIND_OPENAI) {
		if (stream)
			buf_adds(&b, ",\"stream_options\":{\"include_usage\":true}");
		if (p->max_tokens > 0)
			buf_addf(&b, ",\"max_tokens\":%d", (int)p->max_tokens);
	} else if (p->max_tokens > 0) {
		buf_addf(&b, ",\"options\":{\"num_predict\":%d}", (int)p->max_tokens);
	}
	buf_addc(&b, '}');
	return buf_detach(&b, NULL);
}

int model_url(const struct model_provider *p, const char *what, char *out, size_t cap)
{
	const char *path;
	int w;

	if (strcmp(what, "chat") == 0)
		path = p->kind == MODEL_KIND_OLLAMA ? "/api/chat" : "/chat/completions";
	else if (strcmp(what, "models") == 0)
		path = p->kind == MODEL_KIND_OLLAMA ? "/api/tags" : "/models";
	else if (strcmp(what, "embed") == 0)
		path = p->kind == MODEL_KIND_OLLAMA ? "/api/embed" : "/embeddings";
	else
		return -1;
	w = snprintf(out, cap, "%s%s", p->base_url, path);
	return w < 0 || (size_t)w >= cap ? -1 : 0;
}

bool model_status_retryable(int status)
{
	return status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
}

void model_http_error(int status, const char *body, size_t len, char *out, size_t cap)
{
	const char *what;
	json_t *root = body && len > 0 ? json_loadb(body, len, 0, NULL) : NULL;
	json_t *er = json_object_get(root, "error");
	const char *msg = NULL;

	if (json_is_string(er))
		msg = json_string_value(er);
	else if (json_is_object(er))
		msg = json_string_value(json_object_get(er, "message"));
	switch (status) {
	case 400:
		what = "请求格式错误（400），请检查模型名称和参数";
		break;
	case 401:
		what = "认证失败（401）：API 密钥错误或缺失，请检查 model.api_key";
		break;
	case 402:
		what = "账户余额不足（402），请充值或改用本地模型";
		break;
	case 403:
		what = "无权访问该模型（403）";
		break;
	case 404:
		what = "地址或模型不存在（404），请检查 model.base_url 与 model.model";
		break;
	case 422:
		what = "请求参数无效（422）";
		break;
	case 429:
		what = "模型服务限流或并发已满（429），请稍后重试";
		break;
	case 500:
		what = "模型服务内部错误（500）";
		break;
	case 503:
		what = "模型服务过载（503），请稍后重试";
		break;
	default:
		what = status >= 500 ? "模型服务出错" : "模型服务拒绝了请求";
	}
	if (msg != NULL && msg[0] != '\0')
		snprintf(out, cap, "%s；服务端说明：%.200s", what, msg);
	else if (status != 400 && status != 401 && status != 402 && status != 403 &&
		 status != 404 && status != 422 && status != 429 && status != 500 && status != 503)
		snprintf(out, cap, "%s（HTTP %d）", what, status);
	else
		snprintf(out, cap, "%s", what);
	json_decref(root);
	model_utf8_clip(out);
}

void model_utf8_clip(char *s)
{
	size_t bad = 0;

	if (!text_utf8_valid(s, strlen(s), &bad))
		s[bad] = '\0';
}
