/* model/embed: embedding requests and responses (OpenAI /embeddings and
 * Ollama /api/embed), the "embedding" config record, and the blocking and
 * asynchronous calls. See embed.h. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <jansson.h>

#include "model/config_internal.h"
#include "model/embed.h"
#include "text/text.h"

void model_embedder_defaults(struct model_embedder *m)
{
	memset(m, 0, sizeof(*m));
	model_provider_defaults(&m->p);
	snprintf(m->p.name, sizeof(m->p.name), "embedding");
	m->p.retries = 2;
	m->batch = 32;
	m->timeout_s = 60;
	m->max_input = 2048;
}

/* ---- the config record ---- */

enum ek_kind { EK_STR, EK_INT, EK_KIND };

struct ek {
	const char *key;
	enum ek_kind kind;
	long long min, max;
};

static const struct ek ek_keys[] = {
    {"name", EK_STR, 0, 0},
    {"kind", EK_KIND, 0, 0},
    {"base_url", EK_STR, 0, 0},
    {"model", EK_STR, 0, 0},
    {"api_key", EK_STR, 0, 0},
    {"batch", EK_INT, 1, MODEL_EMBED_MAX_BATCH},
    {"timeout_s", EK_INT, 1, 3600},
    {"connect_timeout_ms", EK_INT, 100, 600000},
    {"retries", EK_INT, 0, 10},
    {"retry_base_ms", EK_INT, 1, 60000},
    {"max_input", EK_INT, 16, MODEL_EMBED_MAX_INPUT},
};

static char *ek_str_field(struct model_embedder *m, const char *key, size_t *cap)
{
	if (strcmp(key, "name") == 0)
		return *cap = sizeof(m->p.name), m->p.name;
	if (strcmp(key, "base_url") == 0)
		return *cap = sizeof(m->p.base_url), m->p.base_url;
	if (strcmp(key, "model") == 0)
		return *cap = sizeof(m->p.model), m->p.model;
	return *cap = sizeof(m->p.api_key), m->p.api_key;
}

static int *ek_int_field(struct model_embedder *m, const char *key)
{
	if (strcmp(key, "batch") == 0)
		return &m->batch;
	if (strcmp(key, "timeout_s") == 0)
		return &m->timeout_s;
	if (strcmp(key, "connect_timeout_ms") == 0)
		return &m->p.connect_timeout_ms;
	if (strcmp(key, "retries") == 0)
		return &m->p.retries;
	if (strcmp(key, "retry_base_ms") == 0)
		return &m->p.retry_base_ms;
	return &m->max_input;
}

static int ek_set(struct model_embedder *m, const struct ek *k, json_t *v, const char *src,
		  struct err *e)
{
	const char *s = json_string_value(v);

	switch (k->kind) {
	case EK_STR: {
		size_t cap;
		char *dst = ek_str_field(m, k->key, &cap);

		if (s == NULL || strlen(s) != json_string_length(v))
			return err_set(e, BASE_E_USAGE, "%s：embedding.%s 须为字符串", src, k->key);
		if (strlen(s) >= cap)
			return err_set(e, BASE_E_USAGE, "%s：embedding.%s 过长（上限 %zu 字节）",
				       src, k->key, cap - 1);
		memcpy(dst, s, strlen(s) + 1);
		return 0;
	}
	case EK_INT: {
		long long n;

		if (!json_is_integer(v))
			return err_set(e, BASE_E_USAGE, "%s：embedding.%s 须为整数", src, k->key);
		n = json_integer_value(v);
		if (n < k->min || n > k->max)
			return err_set(e, BASE_E_USAGE,
				       "%s：embedding.%s 须在 %lld–%lld 之间（现为 %lld）", src,
				       k->key, k->min, k->max, n);
		*ek_int_field(m, k->key) = (int)n;
		return 0;
	}
	case EK_KIND:
		if (s != NULL && strcmp(s, "openai") == 0)
			m->p.kind = MODEL_KIND_OPENAI;
		else if (s != NULL && strcmp(s, "ollama") == 0)
			m->p.kind = MODEL_KIND_OLLAMA;
		else
			return err_set(e, BASE_E_USAGE,
				       "%s：embedding.kind 须为 \"openai\"（/v1/embeddings）或 "
				       "\"ollama\"（/api/embed）",
				       src);
		return 0;
	}
	return err_set(e, BASE_E_INTERNAL, "embedding.%s", k->key);
}

static int ek_member(void *arg, const char *key, json_t *v, const char *src, struct err *e)
{
	for (size_t i = 0; i < ARRAY_LEN(ek_keys); i++) {
		if (strcmp(ek_keys[i].key, key) == 0)
			return ek_set(arg, &ek_keys[i], v, src, e);
	}
	return MODEL_CONFIG_UNKNOWN;
}

int model_embedder_parse(struct model_embedder *m, const char *text, size_t len, const char *src,
			 struct err *e)
{
	int rc;

	model_embedder_defaults(m);
	rc = model_config_walk(text, len, "embedding", "向量模型配置项", src, ek_member, m, e);
	if (rc == 0)
		rc = model_config_endpoint(m->p.base_url, m->p.model, "embedding",
					   "http://127.0.0.1:8000/v1 或 http://127.0.0.1:11434",
					   "向量模型名称，如 bge-m3", src, e);
	if (rc == 0)
		m->p.idle_timeout_s = m->timeout_s;
	return rc;
}

int model_embedder_load_file(struct model_embedder *m, const char *path, struct err *e)
{
	char src[600];
	char *text;
	int rc = model_config_file_object(path, "embedding", &text, src, sizeof(src), e);

	if (rc == 0)
		rc = model_embedder_parse(m, text, strlen(text), src, e);
	free(text);
	return rc;
}

/* ---- request and response ---- */

char *model_embed_body(const struct model_embedder *m, const char *const *texts, size_t n)
{
	json_t *arr = json_array();
	json_t *o;
	char *s;

	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(texts[i]);
		size_t bad = 0;

		if (len > (size_t)m->max_input)
			len = (size_t)m->max_input;
		/* Cut at a character boundary (and at any invalid byte). */
		if (!text_utf8_valid(texts[i], len, &bad))
			len = bad;
		json_array_append_new(arr, json_stringn(texts[i], len));
	}
	if (m->p.kind == MODEL_KIND_OLLAMA)
		o = json_pack("{s:s,s:o,s:b}", "model", m->p.model, "input", arr, "truncate", 1);
	else
		o = json_pack("{s:s,s:o,s:s}", "model", m->p.model, "input", arr, "encoding_format",
			      "float");
	s = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	if (s == NULL) {
		fprintf(stderr, "shuzhi: out of memory\n");
		abort();
	}
	return s;
}

void model_vecs_free(struct model_vecs *v)
{
	free(v->v);
	memset(v, 0, sizeof(*v));
}

/* One vector (a JSON array of numbers) into row, normalised. */
static int parse_vec(json_t *a, int dim, float *row, struct err *e)
{
	double norm = 0;

	for (int j = 0; j < dim; j++) {
		json_t *x = json_array_get(a, (size_t)j);
		double d;

		if (!json_is_number(x))
			return err_set(e, BASE_E_FORMAT,
				       "向量服务的回复无效：向量的第 %d 个分量不是数字", j + 1);
		d = json_number_value(x);
		if (!isfinite(d) || fabs(d) > 1e30)
			return err_set(e, BASE_E_FORMAT, "向量服务的回复无效：向量含非有限数值");
		norm += d * d;
	}
	if (!(norm > 0))
		return err_set(e, BASE_E_FORMAT, "向量服务的回复无效：零向量");
	norm = sqrt(norm);
	/* Divided in double: tiny components do not vanish before it. */
	for (int j = 0; j < dim; j++)
		row[j] = (float)(json_number_value(json_array_get(a, (size_t)j)) / norm);
	return 0;
}

int model_embed_parse(enum model_kind kind, const char *body, size_t len, size_t n,
		      struct model_vecs *out, struct err *e)
{
	json_error_t jerr;
	json_t *root;
	json_t *list;
	json_t **rows = NULL;
	int dim;
	int rc = 0;

	if (len > MODEL_EMBED_MAX_BODY)
		return err_set(e, BASE_E_LIMIT, "向量服务的回复超过 %u 字节", MODEL_EMBED_MAX_BODY);
	if (n == 0 || n > MODEL_EMBED_MAX_BATCH)
		return err_set(e, BASE_E_USAGE, "一次向量化的文本数须在 1–%d 之间",
			       MODEL_EMBED_MAX_BATCH);
	root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL || !json_is_object(root)) {
		json_decref(root);
		return err_set(e, BASE_E_FORMAT, "向量服务的回复不是 JSON 对象");
	}
	list = json_object_get(root, kind == MODEL_KIND_OLLAMA ? "embeddings" : "data");
	if (!json_is_array(list)) {
		json_decref(root);
		return err_set(e, BASE_E_FORMAT, "向量服务的回复缺少“%s”数组",
			       kind == MODEL_KIND_OLLAMA ? "embeddings" : "data");
	}
	if (json_array_size(list) != n) {
		rc = err_set(e, BASE_E_FORMAT, "向量服务返回了 %zu 个向量，应为 %zu 个",
			     json_array_size(list), n);
		json_decref(root);
		return rc;
	}
	rows = xcalloc(n, sizeof(*rows));
	for (size_t i = 0; i < n && rc == 0; i++) {
		json_t *item = json_array_get(list, i);

		if (kind == MODEL_KIND_OLLAMA) {
			rows[i] = item;
		} else {
			json_t *idx = json_object_get(item, "index");
			json_int_t k =
			    json_is_integer(idx) ? json_integer_value(idx) : (json_int_t)i;

			if (!json_is_object(item) || k < 0 || (size_t)k >= n || rows[k] != NULL)
				rc = err_set(
				    e, BASE_E_FORMAT,
				    "向量服务的回复无效：data[%zu] 的 index 缺失、越界或重复", i);
			else
				rows[k] = json_object_get(item, "embedding");
		}
	}
	dim = out->dim;
	for (size_t i = 0; i < n && rc == 0; i++) {
		size_t d = json_array_size(rows[i]);

		if (!json_is_array(rows[i]) || d == 0)
			rc = err_set(e, BASE_E_FORMAT, "向量服务的回复无效：第 %zu 个向量不是数组",
				     i + 1);
		else if (d > MODEL_EMBED_MAX_DIM)
			rc = err_set(e, BASE_E_LIMIT, "向量维数 %zu 超过上限 %d", d,
				     MODEL_EMBED_MAX_DIM);
		else if (dim != 0 && (int)d != dim)
			rc = err_set(e, BASE_E_FORMAT, "向量维数不一致（%zu 与 %d）", d, dim);
		else
			dim = (int)d;
	}
	if (rc == 0) {
		size_t base = out->n;

		out->v = xgrow(out->v, &out->cap, (out->n + n) * (size_t)dim, sizeof(float));
		for (size_t i = 0; i < n && rc == 0; i++)
			rc = parse_vec(rows[i], dim, out->v + (base + i) * (size_t)dim, e);
		if (rc == 0) {
			out->n += n;
			out->dim = dim;
		}
	}
	free(rows);
	json_decref(root);
	return rc;
}

/* ---- calls ---- */

struct model_embed_call {
	struct model_call *call;
	enum model_kind kind;
	size_t n;
	model_embed_cb cb;
	void *arg;
	struct model_vecs vecs;
	struct err perr; /* parse error of the body */
	bool parsed;
};

static int ecall_on_event(const struct model_event *ev, void *arg)
{
	struct model_embed_call *ec = arg;

	if (ev->type != MODEL_EV_DELTA || ec->parsed)
		return 0;
	ec->parsed = true;
	(void)model_embed_parse(ec->kind, ev->text, ev->len, ec->n, &ec->vecs, &ec->perr);
	return 0;
}

static void ecall_on_end(int rc, const struct err *e, bool started, void *arg)
{
	struct model_embed_call *ec = arg;
	struct err e2 = {0};

	(void)started;
	if (rc == 0 && !ec->parsed)
		rc = err_set(&e2, BASE_E_FORMAT, "向量服务没有返回内容");
	else if (rc == 0 && ec->perr.code != 0)
		rc = err_set(&e2, ec->perr.code, "%s", ec->perr.msg);
	else if (rc != 0)
		err_set(&e2, rc, "向量服务：%s", e->msg);
	ec->cb(rc, &e2, rc == 0 ? &ec->vecs : NULL, ec->arg);
	model_vecs_free(&ec->vecs);
	free(ec);
}

struct model_embed_call *model_embed_start(struct model_client *c, const struct model_embedder *m,
					   const char *const *texts, size_t n, model_embed_cb cb,
					   void *arg)
{
	struct model_embed_call *ec = xcalloc(1, sizeof(*ec));
	struct model_call_cbs cbs = {ecall_on_event, ecall_on_end, ec};
	char *body = model_embed_body(m, texts, n);

	ec->kind = m->p.kind;
	ec->n = n;
	ec->cb = cb;
	ec->arg = arg;
	ec->call = model_call_start_raw(c, &m->p, "embed", body, &cbs);
	free(body);
	return ec;
}

void model_embed_cancel(struct model_embed_call *ec)
{
	model_call_cancel(ec->call);
	model_vecs_free(&ec->vecs);
	free(ec);
}

struct eblock {
	struct event_base *base;
	struct model_vecs *out;
	int rc;
	bool ended; /* the call's callback ran */
	struct err e;
};

static void eblock_done(int rc, const struct err *e, struct model_vecs *v, void *arg)
{
	struct eblock *b = arg;

	b->ended = true;
	b->rc = rc;
	if (rc != 0) {
		b->e = *e;
	} else if (b->out->n == 0 && b->out->v == NULL) {
		*b->out = *v; /* take the rows */
		memset(v, 0, sizeof(*v));
	} else if (v->dim != b->out->dim) {
		err_clear(&b->e);
		b->rc = err_set(&b->e, BASE_E_FORMAT, "向量维数不一致（%d 与 %d）", v->dim,
				b->out->dim);
	} else {
		b->out->v = xgrow(b->out->v, &b->out->cap, (b->out->n + v->n) * (size_t)v->dim,
				  sizeof(float));
		memcpy(b->out->v + b->out->n * (size_t)v->dim, v->v,
		       v->n * (size_t)v->dim * sizeof(float));
		b->out->n += v->n;
	}
	event_base_loopbreak(b->base);
}

/* Every 100 ms while a request runs: whether the caller wants it stopped. */
struct eblock_stop {
	struct eblock *b;
	struct model_embed_call *call;
	int (*stop)(void *arg);
	void *arg;
	bool stopped;
};

static void eblock_tick(evutil_socket_t fd, short what, void *arg)
{
	struct eblock_stop *s = arg;

	(void)fd;
	(void)what;
	if (s->call == NULL || s->b->ended || s->stop(s->arg) == 0)
		return;
	model_embed_cancel(s->call);
	s->call = NULL;
	s->stopped = true;
	s->b->rc = BASE_E_BUSY;
	event_base_loopbreak(s->b->base);
}

int model_embed(const struct model_embedder *m, const char *const *texts, size_t n,
		struct model_vecs *out, struct err *e)
{
	return model_embed_until(m, texts, n, out, NULL, NULL, e);
}

int model_embed_until(const struct model_embedder *m, const char *const *texts, size_t n,
		      struct model_vecs *out, int (*stop)(void *arg), void *arg, struct err *e)
{
	struct eblock b;
	struct eblock_stop s = {&b, NULL, stop, arg, false};
	struct event *tick = NULL;
	struct model_client *c;
	size_t batch = m->batch > 0 ? (size_t)m->batch : 1;
	int rc = 0;

	memset(&b, 0, sizeof(b));
	b.base = event_base_new();
	if (b.base == NULL)
		return err_set(e, BASE_E_INTERNAL, "libevent 初始化失败");
	c = model_client_new(b.base);
	b.out = out;
	if (stop != NULL) {
		struct timeval tv = {0, 100 * 1000};

		tick = event_new(b.base, -1, EV_PERSIST, eblock_tick, &s);
		event_add(tick, &tv);
	}
	for (size_t i = 0; i < n && rc == 0; i += batch) {
		size_t k = n - i < batch ? n - i : batch;

		b.rc = 0;
		b.ended = false;
		err_clear(&b.e);
		if (stop != NULL && stop(arg) != 0) {
			rc = err_set(e, BASE_E_BUSY, "向量计算已取消");
			break;
		}
		s.call = model_embed_start(c, m, texts + i, k, eblock_done, &b);
		event_base_dispatch(b.base);
		s.call = NULL; /* ended (its callback ran) or cancelled */
		rc = b.rc;
		if (s.stopped)
			rc = err_set(e, BASE_E_BUSY, "向量计算已取消");
		else if (rc != 0)
			err_set(e, rc, "%s", b.e.msg);
	}
	if (tick != NULL)
		event_free(tick);
	model_client_free(c);
	event_base_free(b.base);
	return rc;
}
