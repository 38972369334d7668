/* model/: stream decoding at every split point, reasoning separation,
 * provider records, error diagnoses. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "model/curl_dl.h"
#include "model/embed.h"
#include "model/model.h"
#include "text/text.h"
#include "test.h"

struct coll {
	struct buf reasoning;
	struct buf answer;
	struct buf errors;
	struct model_usage usage;
	int usages;
	int dones;
	char finish[32];
	int last_type; /* events after DONE are a bug */
};

static int coll_cb(const struct model_event *ev, void *arg)
{
	struct coll *c = arg;

	if (c->dones > 0)
		TEST_FAIL_AT("event %d after DONE", (int)ev->type);
	switch (ev->type) {
	case MODEL_EV_REASONING:
		ASSERT(ev->len > 0);
		buf_add(&c->reasoning, ev->text, ev->len);
		break;
	case MODEL_EV_DELTA:
		ASSERT(ev->len > 0);
		buf_add(&c->answer, ev->text, ev->len);
		break;
	case MODEL_EV_ERROR:
		buf_add(&c->errors, ev->text, ev->len);
		break;
	case MODEL_EV_USAGE:
		c->usage = ev->usage;
		c->usages++;
		break;
	case MODEL_EV_DONE:
		c->dones++;
		snprintf(c->finish, sizeof(c->finish), "%s", ev->finish);
		break;
	}
	return 0;
}

static void coll_init(struct coll *c)
{
	memset(c, 0, sizeof(*c));
	buf_init(&c->reasoning, 1 << 20);
	buf_init(&c->answer, 1 << 20);
	buf_init(&c->errors, 1 << 20);
	buf_adds(&c->reasoning, "");
	buf_adds(&c->answer, "");
	buf_adds(&c->errors, "");
}

static void coll_free(struct coll *c)
{
	buf_free(&c->reasoning);
	buf_free(&c->answer);
	buf_free(&c->errors);
}

/* Decode body fed as pieces cut at a and b (a <= b); returns finish rc. */
static int decode_split(const struct model_provider *p, const char *body, size_t a, size_t b,
			struct coll *c, struct err *e)
{
	struct model_decoder d;
	size_t n = strlen(body);
	int rc;

	coll_init(c);
	model_decoder_init(&d, p, coll_cb, c);
	rc = model_decoder_feed(&d, body, a, e);
	if (rc == 0)
		rc = model_decoder_feed(&d, body + a, b - a, e);
	if (rc == 0)
		rc = model_decoder_feed(&d, body + b, n - b, e);
	if (rc == 0)
		rc = model_decoder_finish(&d, e);
	model_decoder_free(&d);
	return rc;
}

/* Every single split point and every pair of split points give the same
 * reasoning, answer, usage and end as the whole body at once. */
static void check_all_splits(const struct model_provider *p, const char *body, const char *want_r,
			     const char *want_a, int64_t want_completion, bool pairs)
{
	size_t n = strlen(body);

	for (size_t a = 0; a <= n; a++) {
		for (size_t b = a; b <= n; b += pairs ? 1 : n + 1) {
			struct coll c;
			struct err e = {0};
			size_t bb = pairs ? b : a;
			int rc = decode_split(p, body, a, bb, &c, &e);

			if (rc != 0)
				TEST_FAIL_AT("split %zu/%zu: rc %d %s", a, bb, rc, e.msg);
			if (strcmp(c.reasoning.p, want_r) != 0 || strcmp(c.answer.p, want_a) != 0)
				TEST_FAIL_AT("split %zu/%zu: reasoning \"%s\" answer \"%s\"", a, bb,
					     c.reasoning.p, c.answer.p);
			ASSERT_EQ(c.dones, 1);
			ASSERT_EQ(c.usage.completion_tokens, want_completion);
			coll_free(&c);
		}
	}
}

static const char deepseek_body[] =
    ": keep-alive\n\n"
    ": keep-alive\n\n"
    "data: {\"id\":\"1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
    "\"delta\":{\"role\":\"assistant\",\"content\":null,\"reasoning_content\":\"想\"},"
    "\"finish_reason\":null}],\"usage\":null}\n\n"
    "data: {\"choices\":[{\"index\":0,\"delta\":{\"reasoning_content\":\"一想\"}}]}\r\n\r\n"
    "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"你好\"}}]}\n\n"
    "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"，世界\"},"
    "\"finish_reason\":\"stop\"}]}\n\n"
    "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":7,"
    "\"total_tokens\":16,\"prompt_cache_hit_tokens\":3,"
    "\"completion_tokens_details\":{\"reasoning_tokens\":4}}}\n\n"
    "data: [DONE]\n\n";

TEST(model_sse_deepseek_every_split)
{
	struct model_provider p;
	struct coll c;
	struct err e = {0};

	model_provider_defaults(&p);
	check_all_splits(&p, deepseek_body, "想一想", "你好，世界", 7, false);
	ASSERT_EQ(decode_split(&p, deepseek_body, 0, 0, &c, &e), 0);
	ASSERT_EQ(c.usage.prompt_tokens, 9);
	ASSERT_EQ(c.usage.reasoning_tokens, 4);
	ASSERT_EQ(c.usage.cache_hit_tokens, 3);
	ASSERT_STR_EQ(c.finish, "stop");
	coll_free(&c);
}

TEST(model_sse_every_pair_of_splits)
{
	static const char body[] =
	    "data: {\"choices\":[{\"delta\":{\"reasoning\":\"r\"}}]}\n\n"
	    "data: {\"choices\":[{\"delta\":{\"content\":\"<b>甲</b>\"}}]}\n\n"
	    "data: {\"choices\":[],\"usage\":{\"completion_tokens\":2}}\n\n"
	    "data: [DONE]\n\n";
	struct model_provider p;

	model_provider_defaults(&p);
	check_all_splits(&p, body, "r", "<b>甲</b>", 2, true);
}

TEST(model_sse_vllm_reasoning_field_and_multiline_data)
{
	/* vLLM ≥ 0.11 names the field "reasoning"; a data field may span
	 * lines (joined with \n before the JSON parse). */
	static const char body[] = "data: {\"choices\":[{\"delta\":\n"
				   "data: {\"reasoning\":\"因为\"}}]}\n\n"
				   "event: message\nid: 3\nretry: 10\n"
				   "data: {\"choices\":[{\"delta\":{\"content\":\"所以\"}}]}\n\n"
				   "data: [DONE]\n\n";
	struct model_provider p;
	struct coll c;
	struct err e = {0};

	model_provider_defaults(&p);
	ASSERT_EQ(decode_split(&p, body, 0, 0, &c, &e), 0);
	ASSERT_STR_EQ(c.reasoning.p, "因为");
	ASSERT_STR_EQ(c.answer.p, "所以");
	coll_free(&c);
	/* A provider pinned to reasoning_content ignores the other field. */
	snprintf(p.reasoning_field, sizeof(p.reasoning_field), "reasoning_content");
	ASSERT_EQ(decode_split(&p, body, 0, 0, &c, &e), 0);
	ASSERT_STR_EQ(c.reasoning.p, "");
	coll_free(&c);
}

TEST(model_ndjson_ollama_every_split)
{
	static const char body[] =
	    "{\"model\":\"r1\",\"message\":{\"role\":\"assistant\",\"content\":\"\",\"thinking\":"
	    "\"嗯\"},\"done\":false}\n"
	    "{\"model\":\"r1\",\"message\":{\"role\":\"assistant\",\"content\":\"答\"},\"done\":"
	    "false}"
	    "\r\n\n"
	    "{\"model\":\"r1\",\"message\":{\"role\":\"assistant\",\"content\":\"案\"},\"done\":"
	    "true,"
	    "\"done_reason\":\"stop\",\"prompt_eval_count\":5,\"eval_count\":3}\n";
	struct model_provider p;

	model_provider_defaults(&p);
	p.kind = MODEL_KIND_OLLAMA;
	check_all_splits(&p, body, "嗯", "答案", 3, true);
}

/* Content deltas through the think splitter, one chunk per piece. */
static void think_run(enum model_think mode, const char *const *pieces, size_t n,
		      const char *want_r, const char *want_a)
{
	struct model_think_split t;
	struct coll c;

	coll_init(&c);
	model_think_init(&t, mode);
	for (size_t i = 0; i < n; i++)
		ASSERT_EQ(model_think_feed(&t, pieces[i], strlen(pieces[i]), coll_cb, &c), 0);
	ASSERT_EQ(model_think_finish(&t, coll_cb, &c), 0);
	ASSERT_STR_EQ(c.reasoning.p, want_r);
	ASSERT_STR_EQ(c.answer.p, want_a);
	coll_free(&c);
}

/* The whole text split at every byte (pairs of cuts) through the splitter. */
static void think_every_split(enum model_think mode, const char *text, const char *want_r,
			      const char *want_a)
{
	size_t n = strlen(text);

	for (size_t a = 0; a <= n; a++) {
		for (size_t b = a; b <= n; b++) {
			char *p0 = xstrndup(text, a);
			char *p1 = xstrndup(text + a, b - a);
			char *p2 = xstrndup(text + b, n - b);
			const char *pieces[] = {p0, p1, p2};

			think_run(mode, pieces, 3, want_r, want_a);
			free(p0);
			free(p1);
			free(p2);
		}
	}
}

TEST(model_think_tags_split_anywhere)
{
	think_every_split(MODEL_THINK_AUTO, "\n<think>\n先想 a<b </thin</think>\n\n答：x<y",
			  "\n先想 a<b </thin", "答：x<y");
	/* R1 under a template that opened the tag: only the closing one. */
	think_every_split(MODEL_THINK_OPEN, "推理<</think>\n\n结论", "推理<", "结论");
	/* R1-0528 emits both tags even so. */
	think_every_split(MODEL_THINK_OPEN, "<think>推理</think>结论", "推理", "结论");
	/* Not a thinking answer: tags later are text, a stray close dropped. */
	think_every_split(MODEL_THINK_AUTO, "<thinking> 不是 </think>标签", "",
			  "<thinking> 不是 标签");
	/* Ollama's empty think block (ollama#8837). */
	think_every_split(MODEL_THINK_AUTO, "<think>\n\n</think>\n\n你好", "\n\n", "你好");
	think_every_split(MODEL_THINK_OFF, "<think>x</think>y", "", "<think>x</think>y");
}

TEST(model_think_lone_close_in_auto_mode)
{
	/* Auto mode cannot hold the answer back waiting for a tag that may
	 * never come: text before a lone </think> is shown, the tag dropped. */
	static const char *const pieces[] = {"abc", "</th", "ink>", "def"};

	think_run(MODEL_THINK_AUTO, pieces, 4, "", "abcdef");
}

TEST(model_think_partial_tag_at_end)
{
	static const char *const a[] = {"<think>x</thi"};
	static const char *const b[] = {"  <thi"};
	static const char *const c[] = {"答</"};

	think_run(MODEL_THINK_AUTO, a, 1, "x</thi", "");
	think_run(MODEL_THINK_AUTO, b, 1, "", "<thi");
	think_run(MODEL_THINK_AUTO, c, 1, "", "答</");
}

TEST(model_sse_think_tags_inside_content_every_split)
{
	static const char body[] =
	    "data: {\"choices\":[{\"delta\":{\"content\":\"<thi\"}}]}\n\n"
	    "data: {\"choices\":[{\"delta\":{\"content\":\"nk>想</th\"}}]}\n\n"
	    "data: {\"choices\":[{\"delta\":{\"content\":\"ink>说\"}}]}\n\n"
	    "data: [DONE]\n\n";
	struct model_provider p;

	model_provider_defaults(&p);
	check_all_splits(&p, body, "想", "说", 0, false);
}

TEST(model_decoder_hostile_input)
{
	struct model_provider p;
	struct model_decoder d;
	struct coll c;
	struct err e = {0};
	char *big;

	model_provider_defaults(&p);
	/* Truncated: no [DONE]. */
	ASSERT_NE(decode_split(&p, "data: {\"choices\":[{\"delta\":{\"content\":\"半\"}}]}\n\n", 0,
			       0, &c, &e),
		  0);
	ASSERT_CONTAINS(e.msg, "中断");
	ASSERT_STR_EQ(c.answer.p, "半");
	coll_free(&c);
	/* Not JSON; invalid UTF-8 inside a JSON string. */
	err_clear(&e);
	ASSERT_EQ(decode_split(&p, "data: {oops\n\n", 0, 0, &c, &e), BASE_E_FORMAT);
	coll_free(&c);
	err_clear(&e);
	ASSERT_EQ(decode_split(&p, "data: {\"choices\":[{\"delta\":{\"content\":\"\xff\"}}]}\n\n",
			       0, 0, &c, &e),
		  BASE_E_FORMAT);
	coll_free(&c);
	/* choices not an array. */
	err_clear(&e);
	ASSERT_EQ(decode_split(&p, "data: {\"choices\":7}\n\n", 0, 0, &c, &e), BASE_E_FORMAT);
	coll_free(&c);
	/* An error object inside the stream. */
	err_clear(&e);
	ASSERT_NE(
	    decode_split(&p, "data: {\"error\":{\"message\":\"overloaded\"}}\n\n", 0, 0, &c, &e),
	    0);
	ASSERT_STR_EQ(c.errors.p, "overloaded");
	coll_free(&c);
	/* A line over the cap, without newlines. */
	err_clear(&e);
	big = xmalloc(MODEL_MAX_LINE + 10);
	memset(big, 'a', MODEL_MAX_LINE + 10);
	coll_init(&c);
	model_decoder_init(&d, &p, coll_cb, &c);
	ASSERT_EQ(model_decoder_feed(&d, big, MODEL_MAX_LINE + 10, &e), BASE_E_LIMIT);
	ASSERT_NE(model_decoder_feed(&d, "\n", 1, &e), 0);
	model_decoder_free(&d);
	coll_free(&c);
	free(big);
	/* Bytes after [DONE] are ignored. */
	err_clear(&e);
	ASSERT_EQ(decode_split(&p, "data: [DONE]\n\ndata: {bad\n\n", 0, 0, &c, &e), 0);
	coll_free(&c);
}

TEST(model_provider_config)
{
	struct model_provider p;
	struct err e = {0};
	char *js;
	static const char ok[] =
	    "{\"kind\":\"ollama\",\"base_url\":\"http://127.0.0.1:11434/"
	    "\",\"model\":\"deepseek-r1\","
	    "\"api_key\":\"sk-secret-1\",\"think_tags\":\"open\",\"max_streams\":4,"
	    "\"idle_timeout_s\":30,\"tools\":true}";

	ASSERT_EQ(model_provider_parse(&p, ok, strlen(ok), "t", &e), 0);
	ASSERT_EQ(p.kind, MODEL_KIND_OLLAMA);
	ASSERT_STR_EQ(p.base_url, "http://127.0.0.1:11434");
	ASSERT_EQ(p.think, MODEL_THINK_OPEN);
	ASSERT_EQ(p.max_streams, 4);
	ASSERT(p.tools);
	js = model_provider_json(&p);
	ASSERT(strstr(js, "sk-secret-1") == NULL);
	ASSERT_CONTAINS(js, "\"api_key\":\"***\"");
	free(js);
	ASSERT_EQ(model_provider_parse(&p, "{\"kind\":\"grpc\"}", 15, "t", &e), BASE_E_USAGE);
	ASSERT_CONTAINS(e.msg, "model.kind");
	err_clear(&e);
	ASSERT_EQ(
	    model_provider_parse(&p, "{\"base_url\":\"ftp://x\",\"model\":\"m\"}", 34, "t", &e),
	    BASE_E_USAGE);
	ASSERT_CONTAINS(e.msg, "base_url");
	err_clear(&e);
	ASSERT_EQ(model_provider_parse(&p, "{\"max_streams\":0}", 17, "t", &e), BASE_E_USAGE);
	err_clear(&e);
	ASSERT_EQ(model_provider_parse(&p, "{\"colour\":1}", 12, "t", &e), BASE_E_USAGE);
	ASSERT_CONTAINS(e.msg, "model.colour");
}

TEST(model_http_error_diagnoses)
{
	char out[512];
	static const char body[] = "{\"error\":{\"message\":\"Authentication Fails\",\"type\":"
				   "\"authentication_error\"}}";

	model_http_error(401, body, strlen(body), out, sizeof(out));
	ASSERT_CONTAINS(out, "API 密钥");
	ASSERT_CONTAINS(out, "Authentication Fails");
	model_http_error(402, "x", 1, out, sizeof(out));
	ASSERT_CONTAINS(out, "余额不足");
	model_http_error(418, NULL, 0, out, sizeof(out));
	ASSERT_CONTAINS(out, "HTTP 418");
	ASSERT(model_status_retryable(429) && model_status_retryable(503));
	ASSERT(!model_status_retryable(400) && !model_status_retryable(401));
}

TEST(model_request_body_shape)
{
	struct model_provider p;
	struct model_msg m[] = {{"system", "你是助手"}, {"user", "你好"}};
	char *s;

	model_provider_defaults(&p);
	snprintf(p.model, sizeof(p.model), "deepseek-chat");
	s = model_request_body(&p, m, 2, true);
	ASSERT_CONTAINS(s, "\"stream\":true");
	ASSERT_CONTAINS(s, "\"include_usage\":true");
	ASSERT_CONTAINS(s, "\"content\":\"你好\"");
	free(s);
	p.kind = MODEL_KIND_OLLAMA;
	s = model_request_body(&p, m, 2, true);
	ASSERT(strstr(s, "stream_options") == NULL);
	free(s);
}

/* The body is built without jansson: jansson reads it back, and every
 * string comes back as it went in (ill-formed UTF-8 as U+FFFD). */
static json_t *body_parse(const struct model_provider *p, const char *role, const char *content,
			  bool stream)
{
	struct model_msg m[] = {{"system", "你是助手"}, {role, content}};
	char *s = model_request_body(p, m, 2, stream);
	json_error_t jerr;
	json_t *root = json_loads(s, 0, &jerr);

	if (root == NULL)
		fprintf(stderr, "body not JSON (%s): %s\n", jerr.text, s);
	free(s);
	return root;
}

TEST(model_request_body_round_trip)
{
	static const char *const texts[] = {"",
					    "你好",
					    "a\"b\\c/d",
					    "行一\n行二\r\t\b\f",
					    "\x01\x1f\x7f",
					    "😀 U+1F600",
					    "</script>\u2028",
					    "{\"role\":\"assistant\"}"};
	struct model_provider p;
	unsigned seed = 7;

	model_provider_defaults(&p);
	snprintf(p.model, sizeof(p.model), "deepseek-chat\"x");
	p.max_tokens = 512;
	for (size_t i = 0; i < ARRAY_LEN(texts); i++) {
		json_t *root = body_parse(&p, "user", texts[i], true);
		json_t *msg;

		ASSERT(root != NULL);
		ASSERT_STR_EQ(json_string_value(json_object_get(root, "model")), p.model);
		msg = json_array_get(json_object_get(root, "messages"), 1);
		ASSERT_STR_EQ(json_string_value(json_object_get(msg, "role")), "user");
		ASSERT_STR_EQ(json_string_value(json_object_get(msg, "content")), texts[i]);
		ASSERT(json_is_true(json_object_get(root, "stream")));
		ASSERT_EQ(json_integer_value(json_object_get(root, "max_tokens")), 512);
		ASSERT(json_is_true(
		    json_object_get(json_object_get(root, "stream_options"), "include_usage")));
		ASSERT_EQ(json_object_size(root), 5);
		json_decref(root);
	}
	/* random strings of every byte 1..255, well-formed or not */
	for (int round = 0; round < 300; round++) {
		char in[64];
		size_t n = (size_t)(rand_r(&seed) % 60);
		struct buf want;
		json_t *root;
		uint32_t cp;

		for (size_t i = 0; i < n; i++)
			in[i] = (char)(1 + rand_r(&seed) % 255);
		in[n] = '\0';
		buf_init(&want, 1024);
		for (size_t i = 0; i < n;) {
			char enc[4];
			size_t k = text_utf8_decode(in + i, n - i, &cp);

			buf_add(&want, enc, text_utf8_encode(cp, enc));
			i += k;
		}
		root = body_parse(&p, "user", in, false);
		ASSERT(root != NULL);
		ASSERT_STR_EQ(json_string_value(json_object_get(
				  json_array_get(json_object_get(root, "messages"), 1), "content")),
			      want.p ? want.p : "");
		ASSERT(json_is_false(json_object_get(root, "stream")));
		ASSERT(json_object_get(root, "stream_options") == NULL);
		json_decref(root);
		buf_free(&want);
	}
	p.kind = MODEL_KIND_OLLAMA;
	{
		json_t *root = body_parse(&p, "user", "你好", true);

		ASSERT(root != NULL);
		ASSERT_EQ(json_integer_value(
			      json_object_get(json_object_get(root, "options"), "num_predict")),
			  512);
		ASSERT(json_object_get(root, "max_tokens") == NULL);
		json_decref(root);
	}
}

/* ---- gateway queue (no model server: calls fail at connect) ---- */

#include <event2/event.h>

struct gw_probe {
	char name[8];
	int queued_first; /* first position reported, 0 if never queued */
	int ended;
	int *order;
	int *norder;
	struct event_base *base;
	int *left;
};

static void gw_probe_queued(size_t position, void *arg)
{
	struct gw_probe *p = arg;

	if (p->queued_first == 0)
		p->queued_first = (int)position;
}

static int gw_probe_event(const struct model_event *ev, void *arg)
{
	(void)ev;
	(void)arg;
	return 0;
}

static void gw_probe_end(int rc, const struct err *e, bool started, void *arg)
{
	struct gw_probe *p = arg;

	ASSERT_NE(rc, 0);
	ASSERT_CONTAINS(e->msg, "无法连接模型服务");
	ASSERT(!started);
	p->ended++;
	if (--*p->left == 0)
		event_base_loopbreak(p->base);
}

TEST(model_gateway_fair_queue)
{
	struct model_provider pv;
	struct event_base *base = event_base_new();
	struct model_gateway *gw;
	struct gw_probe probes[5];
	struct model_ticket *t[5];
	struct err e = {0};
	int left = 4;
	/* Department 1 asks three times, department 2 once. */
	const int64_t group[] = {1, 1, 1, 2, 3};

	model_provider_defaults(&pv);
	snprintf(pv.base_url, sizeof(pv.base_url), "http://127.0.0.1:1/v1");
	snprintf(pv.model, sizeof(pv.model), "m");
	pv.max_streams = 2;
	pv.max_queue = 2;
	pv.retries = 0;
	gw = model_gateway_new(base, &pv);
	memset(probes, 0, sizeof(probes));
	for (int i = 0; i < 5; i++) {
		struct model_ticket_cbs cbs = {gw_probe_queued, gw_probe_event, gw_probe_end,
					       &probes[i]};

		probes[i].base = base;
		probes[i].left = &left;
		if (i < 4) {
			ASSERT_EQ(model_gateway_submit(gw, group[i], "{}", &cbs, &t[i], &e), 0);
		} else {
			/* Nothing started yet (the loop has not run): 4 waiting
			 * > max_streams + max_queue is refused. */
			ASSERT_EQ(model_gateway_submit(gw, group[i], "{}", &cbs, &t[i], &e),
				  BASE_E_BUSY);
			ASSERT_CONTAINS(e.msg, "排队已满");
		}
	}
	event_base_dispatch(base);
	/* The first pump starts 1/#1 and 2/#1 (its department had nothing
	 * running), not the second request of department 1. */
	ASSERT_EQ(probes[0].queued_first, 0);
	ASSERT_EQ(probes[3].queued_first, 0);
	ASSERT_EQ(probes[1].queued_first, 1);
	ASSERT_EQ(probes[2].queued_first, 2);
	for (int i = 0; i < 4; i++)
		ASSERT_EQ(probes[i].ended, 1);
	model_gateway_free(gw);
	event_base_free(base);
}

/* The "model" and "embedding" objects share one walk and one endpoint
 * check (model/config_internal.h); each keeps its own names in messages. */
static void expect_cfg_error(bool embedding, const char *json, const char *want)
{
	struct model_provider p;
	struct model_embedder m;
	struct err e = {0, ""};
	int rc = embedding ? model_embedder_parse(&m, json, strlen(json), "cfg", &e)
			   : model_provider_parse(&p, json, strlen(json), "cfg", &e);

	if (rc == 0 || strstr(e.msg, want) == NULL)
		TEST_FAIL_AT("%s: rc %d, message \"%s\", want \"%s\"", json, rc, e.msg, want);
}

TEST(model_config_objects_messages)
{
	struct model_provider p;
	struct model_embedder m;
	struct err e = {0, ""};
	const char *ok = "{\"kind\":\"openai\",\"base_url\":\"http://h:1/v1//\",\"model\":\"x\"}";

	expect_cfg_error(false, "{\"zz\":1}", "未知的模型配置项“model.zz”");
	expect_cfg_error(true, "{\"zz\":1}", "未知的向量模型配置项“embedding.zz”");
	expect_cfg_error(false, "[1]", "model 须为 JSON 对象");
	expect_cfg_error(true, "{\"model\":\"a\",\"model\":\"b\"}", "embedding 须为 JSON 对象");
	expect_cfg_error(false, "{\"base_url\":\"ftp://h\",\"model\":\"x\"}",
			 "model.base_url 须以 http:// 或 https:// 开头");
	expect_cfg_error(true, "{\"base_url\":\"http://h\"}",
			 "请填写 embedding.model（向量模型名称");
	expect_cfg_error(false, "{\"base_url\":\"http://h\"}", "请填写 model.model（模型名称");
	ASSERT_EQ(model_provider_parse(&p, ok, strlen(ok), "cfg", &e), 0);
	ASSERT_STR_EQ(p.base_url, "http://h:1/v1");
	ASSERT_EQ(model_embedder_parse(&m, ok, strlen(ok), "cfg", &e), 0);
	ASSERT_STR_EQ(m.p.base_url, "http://h:1/v1");
	ASSERT_STR_EQ(m.p.model, "x");
}

TEST(model_config_file_objects)
{
	char path[] = "/tmp/shuzhi-modelcfg-XXXXXX";
	int fd = mkstemp(path);
	const char *body = "{\"model\":{\"base_url\":\"http://h/v1\",\"model\":\"x\"}}";
	struct model_provider p;
	struct model_embedder m;
	struct err e = {0, ""};

	ASSERT(fd >= 0);
	ASSERT_EQ(write(fd, body, strlen(body)), (ssize_t)strlen(body));
	close(fd);
	ASSERT_EQ(model_provider_load_file(&p, path, &e), 0);
	ASSERT_STR_EQ(p.model, "x");
	ASSERT_EQ(model_embedder_load_file(&m, path, &e), BASE_E_NOTFOUND);
	ASSERT(strstr(e.msg, "中没有 embedding 设置") != NULL);
	fd = open(path, O_WRONLY | O_TRUNC);
	ASSERT(fd >= 0);
	ASSERT_EQ(write(fd, "{\"model\":", 9), 9);
	close(fd);
	e = (struct err){0, ""};
	ASSERT_EQ(model_provider_load_file(&p, path, &e), BASE_E_FORMAT);
	ASSERT(strstr(e.msg, "不是有效的 JSON") != NULL);
	unlink(path);
}

/* libcurl is not linked (Makefile PKGS_DLOPEN): model/curl_dl loads it on
 * first use, once, with every function the client calls. */
TEST(model_curl_loaded_on_first_use)
{
	struct err e = {0, ""};
	const struct curl_api *a = curl_api_get(&e);
	const void *const fns[] = {
	    (const void *)a->easy_init,		  (const void *)a->easy_setopt,
	    (const void *)a->easy_getinfo,	  (const void *)a->easy_perform,
	    (const void *)a->easy_cleanup,	  (const void *)a->easy_strerror,
	    (const void *)a->slist_append,	  (const void *)a->slist_free_all,
	    (const void *)a->multi_init,	  (const void *)a->multi_setopt,
	    (const void *)a->multi_socket_action, (const void *)a->multi_assign,
	    (const void *)a->multi_add_handle,	  (const void *)a->multi_remove_handle,
	    (const void *)a->multi_info_read,	  (const void *)a->multi_cleanup,
	};
	char line[4096];
	bool mapped = false;
	FILE *maps;
	struct curl_slist *l;

	ASSERT(a != NULL);
	ASSERT_EQ(e.code, 0);
	ASSERT(curl_api_get(&e) == a);
	for (size_t i = 0; i < sizeof(fns) / sizeof(fns[0]); i++)
		ASSERT(fns[i] != NULL);
	ASSERT_STR_EQ(a->easy_strerror(CURLE_OK), "No error");
	l = a->slist_append(NULL, "X-A: 1");
	ASSERT(l != NULL && strcmp(l->data, "X-A: 1") == 0);
	a->slist_free_all(l);
	maps = fopen("/proc/self/maps", "r");
	ASSERT(maps != NULL);
	while (!mapped && fgets(line, sizeof(line), maps) != NULL)
		mapped = strstr(line, "/libcurl.so") != NULL;
	fclose(maps);
	ASSERT(mapped);
}
