/* model/stream: the incremental decoder of streamed chat responses —
 * Server-Sent Events (OpenAI, DeepSeek, vLLM, SGLang, Ollama's /v1) and
 * NDJSON (Ollama's /api/chat), spec/stack.md §1.1–1.3. One line
 * accumulator for both; a JSON chunk becomes REASONING/DELTA/USAGE/DONE
 * events. */
#include <string.h>

#include <jansson.h>

#include "model/model.h"
#include "model/scan.h"

void model_decoder_init(struct model_decoder *d, const struct model_provider *p, model_event_cb cb,
			void *arg)
{
	memset(d, 0, sizeof(*d));
	d->kind = p->kind;
	memcpy(d->reasoning_field, p->reasoning_field, sizeof(d->reasoning_field));
	model_think_init(&d->think, p->think);
	buf_init(&d->line, MODEL_MAX_LINE);
	buf_init(&d->data, MODEL_MAX_LINE);
	buf_init(&d->scratch, MODEL_MAX_LINE);
	d->cb = cb;
	d->arg = arg;
}

void model_decoder_free(struct model_decoder *d)
{
	buf_free(&d->line);
	buf_free(&d->data);
	buf_free(&d->scratch);
}

static int dec_emit(struct model_decoder *d, enum model_ev_type type, const char *s, size_t n)
{
	struct model_event ev = {0};

	ev.type = type;
	ev.text = s;
	ev.len = n;
	return d->cb(&ev, d->arg);
}

/* A string member, or NULL. */
static const char *dec_str(json_t *o, const char *key, size_t *len)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_string(v))
		return NULL;
	*len = json_string_length(v);
	return json_string_value(v);
}

static int64_t dec_int(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_integer(v) && json_integer_value(v) > 0 ? (int64_t)json_integer_value(v) : 0;
}

/* Reasoning from the provider's field, or either known name when unset. */
static int dec_reasoning(struct model_decoder *d, json_t *o, const char *also)
{
	static const char *const names[] = {"reasoning_content", "reasoning"};
	const char *s;
	size_t n = 0;

	if (d->reasoning_field[0] != '\0') {
		s = dec_str(o, d->reasoning_field, &n);
		return s != NULL ? dec_emit(d, MODEL_EV_REASONING, s, n) : 0;
	}
	for (size_t i = 0; i < ARRAY_LEN(names); i++) {
		s = dec_str(o, names[i], &n);
		if (s != NULL)
			return dec_emit(d, MODEL_EV_REASONING, s, n);
	}
	if (also != NULL) {
		s = dec_str(o, also, &n);
		if (s != NULL)
			return dec_emit(d, MODEL_EV_REASONING, s, n);
	}
	return 0;
}

static int dec_content(struct model_decoder *d, json_t *o)
{
	size_t n = 0;
	const char *s = dec_str(o, "content", &n);

	if (s == NULL || n == 0)
		return 0;
	return model_think_feed(&d->think, s, n, d->cb, d->arg);
}

static void dec_finish_reason(struct model_decoder *d, json_t *v)
{
	if (json_is_string(v) && json_string_length(v) < sizeof(d->finish))
		memcpy(d->finish, json_string_value(v), json_string_length(v) + 1);
}

/* {"error":{"message":...}} or {"error":"..."} inside a stream. */
static int dec_error(struct model_decoder *d, json_t *root, struct err *e)
{
	json_t *er = json_object_get(root, "error");
	const char *msg = NULL;
	int rc;

	if (json_is_string(er))
		msg = json_string_value(er);
	else if (json_is_object(er))
		msg = json_string_value(json_object_get(er, "message"));
	if (msg == NULL)
		msg = "未知错误";
	rc = dec_emit(d, MODEL_EV_ERROR, msg, strlen(msg));
	if (rc != 0)
		return rc;
	return err_set(e, BASE_E_FORMAT, "模型服务在流中报告错误：%.300s", msg);
}

static int dec_openai_chunk(struct model_decoder *d, json_t *root, struct err *e)
{
	json_t *choices = json_object_get(root, "choices");
	json_t *usage = json_object_get(root, "usage");
	int rc = 0;

	if (json_object_get(root, "error") != NULL)
		return dec_error(d, root, e);
	if (choices != NULL && !json_is_array(choices))
		return err_set(e, BASE_E_FORMAT, "模型返回的 choices 不是数组");
	for (size_t i = 0; choices != NULL && i < json_array_size(choices) && rc == 0; i++) {
		json_t *c = json_array_get(choices, i);
		json_t *delta = json_object_get(c, "delta");
		json_t *idx = json_object_get(c, "index");

		/* Only the first choice is shown (we never ask for n > 1). */
		if (json_is_integer(idx) && json_integer_value(idx) != 0)
			continue;
		if (!json_is_object(delta))
			delta = json_object_get(c, "message");
		if (json_is_object(delta)) {
			rc = dec_reasoning(d, delta, NULL);
			if (rc == 0)
				rc = dec_content(d, delta);
		}
		dec_finish_reason(d, json_object_get(c, "finish_reason"));
	}
	if (rc == 0 && json_is_object(usage)) {
		struct model_event ev = {0};
		json_t *det = json_object_get(usage, "completion_tokens_details");

		ev.type = MODEL_EV_USAGE;
		ev.usage.prompt_tokens = dec_int(usage, "prompt_tokens");
		ev.usage.completion_tokens = dec_int(usage, "completion_tokens");
		ev.usage.cache_hit_tokens = dec_int(usage, "prompt_cache_hit_tokens");
		if (json_is_object(det))
			ev.usage.reasoning_tokens = dec_int(det, "reasoning_tokens");
		rc = d->cb(&ev, d->arg);
	}
	return rc;
}

static int dec_done(struct model_decoder *d)
{
	struct model_event ev = {0};
	int rc = model_think_finish(&d->think, d->cb, d->arg);

	if (rc != 0)
		return rc;
	d->done = true;
	ev.type = MODEL_EV_DONE;
	ev.finish = d->finish;
	return d->cb(&ev, d->arg);
}

static int dec_ollama_line(struct model_decoder *d, json_t *root, struct err *e)
{
	json_t *msg = json_object_get(root, "message");
	json_t *done = json_object_get(root, "done");
	int rc = 0;

	if (json_object_get(root, "error") != NULL)
		return dec_error(d, root, e);
	if (json_is_object(msg)) {
		rc = dec_reasoning(d, msg, "thinking");
		if (rc == 0)
			rc = dec_content(d, msg);
	}
	if (rc == 0 && json_is_true(done)) {
		struct model_event ev = {0};

		dec_finish_reason(d, json_object_get(root, "done_reason"));
		ev.type = MODEL_EV_USAGE;
		ev.usage.prompt_tokens = dec_int(root, "prompt_eval_count");
		ev.usage.completion_tokens = dec_int(root, "eval_count");
		rc = d->cb(&ev, d->arg);
		if (rc == 0)
			rc = dec_done(d);
	}
	return rc;
}

/* A scanned string member into d->scratch (valid until the next call). */
static const char *scan_text(struct model_decoder *d, const struct model_span *sp, size_t *n)
{
	buf_reset(&d->scratch);
	if (model_scan_decode(sp, &d->scratch) != 0 || buf_addc(&d->scratch, '\0') != 0)
		return NULL; /* not reached: a decoded string is never longer */
	*n = d->scratch.len - 1;
	return d->scratch.p;
}

/* dec_reasoning and dec_content over a scanned delta/message. */
static int scan_msg(struct model_decoder *d, const struct model_scan_msg *m, bool ollama)
{
	static const int order[] = {MODEL_SCAN_REASONING_CONTENT, MODEL_SCAN_REASONING,
				    MODEL_SCAN_THINKING};
	const struct model_span *r = NULL;
	const char *s;
	size_t n = 0;
	int rc;

	if (d->reasoning_field[0] != '\0') {
		int f = strcmp(d->reasoning_field, "reasoning_content") == 0
			    ? MODEL_SCAN_REASONING_CONTENT
			: strcmp(d->reasoning_field, "reasoning") == 0 ? MODEL_SCAN_REASONING
								       : MODEL_SCAN_THINKING;

		if (m->f[f].kind == MODEL_SPAN_STRING)
			r = &m->f[f];
	} else {
		for (size_t i = 0; i < ARRAY_LEN(order) && r == NULL; i++)
			if (m->f[order[i]].kind == MODEL_SPAN_STRING &&
			    (ollama || order[i] != MODEL_SCAN_THINKING))
				r = &m->f[order[i]];
	}
	if (r != NULL) {
		s = scan_text(d, r, &n);
		if (s == NULL)
			return BASE_E_LIMIT;
		rc = dec_emit(d, MODEL_EV_REASONING, s, n);
		if (rc != 0)
			return rc;
	}
	if (m->f[MODEL_SCAN_CONTENT].kind != MODEL_SPAN_STRING)
		return 0;
	s = scan_text(d, &m->f[MODEL_SCAN_CONTENT], &n);
	if (s == NULL)
		return BASE_E_LIMIT;
	return n == 0 ? 0 : model_think_feed(&d->think, s, n, d->cb, d->arg);
}

static void scan_finish(struct model_decoder *d, const struct model_scan *sc)
{
	size_t n = 0;
	const char *s;

	if (sc->finish.kind != MODEL_SPAN_STRING)
		return;
	s = scan_text(d, &sc->finish, &n);
	if (s != NULL && n < sizeof(d->finish))
		memcpy(d->finish, s, n + 1);
}

/* The events of a scanned chunk, exactly as dec_openai_chunk and
 * dec_ollama_line give them from a jansson tree. */
static int dec_scanned(struct model_decoder *d, const struct model_scan *sc)
{
	int rc = 0;

	if (d->kind == MODEL_KIND_OLLAMA) {
		if (sc->msg[0].present)
			rc = scan_msg(d, &sc->msg[0], true);
		if (rc == 0 && sc->done) {
			struct model_event ev = {0};

			scan_finish(d, sc);
			ev.type = MODEL_EV_USAGE;
			ev.usage.prompt_tokens = sc->u.prompt_tokens;
			ev.usage.completion_tokens = sc->u.completion_tokens;
			rc = d->cb(&ev, d->arg);
			if (rc == 0)
				rc = dec_done(d);
		}
		return rc;
	}
	if (sc->choice) {
		const struct model_scan_msg *m = sc->msg[0].present   ? &sc->msg[0]
						 : sc->msg[1].present ? &sc->msg[1]
								      : NULL;

		if (m != NULL)
			rc = scan_msg(d, m, false);
		scan_finish(d, sc);
	}
	if (rc == 0 && sc->usage) {
		struct model_event ev = {0};

		ev.type = MODEL_EV_USAGE;
		ev.usage = sc->u;
		rc = d->cb(&ev, d->arg);
	}
	return rc;
}

/* Whether the scanner reads what the provider's reasoning field names. */
static bool dec_scannable(const struct model_decoder *d)
{
	return !d->json_only && (d->reasoning_field[0] == '\0' ||
				 strcmp(d->reasoning_field, "reasoning_content") == 0 ||
				 strcmp(d->reasoning_field, "reasoning") == 0 ||
				 strcmp(d->reasoning_field, "thinking") == 0);
}

static int dec_json(struct model_decoder *d, const char *s, size_t n, struct err *e)
{
	json_error_t jerr;
	json_t *root;
	int rc;

	if (dec_scannable(d)) {
		struct model_scan sc;

		if (model_scan_chunk(d->kind, s, n, &sc)) {
			d->scanned++;
			return dec_scanned(d, &sc);
		}
	}
	d->parsed++;
	root = json_loadb(s, n, 0, &jerr);

	if (root == NULL || !json_is_object(root)) {
		json_decref(root);
		return err_set(e, BASE_E_FORMAT, "模型返回的数据不是有效的 JSON：%.120s",
			       jerr.text);
	}
	if (d->kind == MODEL_KIND_OLLAMA)
		rc = dec_ollama_line(d, root, e);
	else
		rc = dec_openai_chunk(d, root, e);
	json_decref(root);
	return rc;
}

/* One SSE line (without its line ending). */
static int dec_sse_line(struct model_decoder *d, const char *s, size_t n, struct err *e)
{
	int rc;

	if (n == 0) {
		/* A blank line dispatches the event (blank lines outside an
		 * event are keep-alives of non-streaming waits). */
		if (d->data.len == 0)
			return 0;
		if (d->data.len == 6 && memcmp(d->data.p, "[DONE]", 6) == 0)
			rc = dec_done(d);
		else
			rc = dec_json(d, d->data.p, d->data.len, e);
		buf_reset(&d->data);
		return rc;
	}
	if (s[0] == ':')
		return 0; /* comment: ": keep-alive" */
	if (n >= 5 && memcmp(s, "data:", 5) == 0) {
		s += 5;
		n -= 5;
		if (n > 0 && s[0] == ' ') {
			s++;
			n--;
		}
		if (d->data.len > 0 && buf_addc(&d->data, '\n') != 0)
			return err_set(e, BASE_E_LIMIT, "模型返回的单个事件超过 %d 字节",
				       MODEL_MAX_LINE);
		if (buf_add(&d->data, s, n) != 0)
			return err_set(e, BASE_E_LIMIT, "模型返回的单个事件超过 %d 字节",
				       MODEL_MAX_LINE);
	}
	/* event:, id:, retry: and unknown fields carry nothing we use. */
	return 0;
}

static int dec_line(struct model_decoder *d, const char *s, size_t n, struct err *e)
{
	if (n > 0 && s[n - 1] == '\r')
		n--;
	if (d->kind == MODEL_KIND_OLLAMA) {
		size_t i = 0;

		while (i < n && (s[i] == ' ' || s[i] == '\t'))
			i++;
		return i == n ? 0 : dec_json(d, s, n, e);
	}
	return dec_sse_line(d, s, n, e);
}

int model_decoder_feed(struct model_decoder *d, const char *p, size_t n, struct err *e)
{
	int rc = 0;

	if (d->failed)
		return err_set(e, BASE_E_FORMAT, "解码器已停止");
	if (n > MODEL_MAX_STREAM - d->total) {
		d->failed = true;
		return err_set(e, BASE_E_LIMIT, "模型回答超过 %d MB", MODEL_MAX_STREAM >> 20);
	}
	d->total += n;
	while (n > 0 && rc == 0) {
		const char *nl = memchr(p, '\n', n);
		size_t take = nl ? (size_t)(nl - p) : n;

		if (d->done) {
			/* Bytes after the end are ignored (some servers add a
			 * blank line or a trailing comment). */
			return 0;
		}
		if (buf_add(&d->line, p, take) != 0) {
			rc = err_set(e, BASE_E_LIMIT, "模型返回的单行超过 %d 字节", MODEL_MAX_LINE);
			break;
		}
		if (nl == NULL)
			break;
		rc = dec_line(d, d->line.p, d->line.len, e);
		buf_reset(&d->line);
		p += take + 1;
		n -= take + 1;
	}
	if (rc != 0)
		d->failed = true;
	return rc;
}

int model_decoder_finish(struct model_decoder *d, struct err *e)
{
	int rc;

	if (d->failed)
		return err_set(e, BASE_E_FORMAT, "解码器已停止");
	if (!d->done && d->line.len > 0) {
		/* A last line without its newline still counts. */
		rc = dec_line(d, d->line.p, d->line.len, e);
		buf_reset(&d->line);
		if (rc == 0 && d->kind == MODEL_KIND_OPENAI)
			rc = dec_sse_line(d, "", 0, e);
		if (rc != 0) {
			d->failed = true;
			return rc;
		}
	}
	if (!d->done)
		return err_set(e, BASE_E_FORMAT, "模型连接中断，回答不完整");
	return 0;
}
