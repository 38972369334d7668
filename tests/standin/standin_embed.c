/*
 * standin embeddings: POST /v1/embeddings, /embeddings (OpenAI) and
 * POST /api/embed (Ollama), byte-compatible with the documented replies
 * (spec/stack.md §1): {"object":"list","data":[{"object":"embedding",
 * "index":i,"embedding":[...]}],"model":...,"usage":{...}} and
 * {"model":...,"embeddings":[[...]],"total_duration":..,...}.
 *
 * Vectors are deterministic and NOT a semantic model: hashed character
 * unigrams (weight 0.5) and bigrams (weight 1) with a hash sign, into `dim`
 * buckets, normalised. Texts sharing characters and bigrams are close.
 *
 * The model name (or X-Standin-Mode) picks the behaviour:
 *   "NAME[:dim=N][:delay=MS]"   vectors of N dimensions (default 256)
 *   "err-NNN"                   HTTP NNN with an error body
 *   "malformed"                 200 with a body that is not the API's shape
 *   "short"                     200 with one vector fewer than asked
 *   "hang"                      no reply at all
 */
#include <math.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>

#include "standin_embed.h"

#define SE_DIM_MAX 4096

struct se_delayed {
	struct evhttp_request *req;
	struct evbuffer *body;
	struct event *timer;
};

static void se_reply(struct evhttp_request *req, int code, struct evbuffer *body)
{
	int one = 1;

	/* As model servers do (uvicorn, Ollama): no Nagle delay between the
	 * headers and the body (40 ms per request with delayed ACKs). */
	setsockopt(bufferevent_getfd(evhttp_connection_get_bufferevent(
		       evhttp_request_get_connection(req))),
		   IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
			  "application/json");
	evhttp_send_reply(req, code, code == 200 ? "OK" : "Error", body);
}

static void se_on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct se_delayed *d = arg;

	(void)fd;
	(void)what;
	se_reply(d->req, 200, d->body);
	evbuffer_free(d->body);
	event_free(d->timer);
	free(d);
}

static uint32_t se_utf8_next(const unsigned char **p, const unsigned char *end)
{
	const unsigned char *s = *p;
	uint32_t c = *s++;
	int more = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;

	if (more > 0)
		c &= (uint32_t)(0x3F >> more);
	while (more-- > 0 && s < end && (*s & 0xC0) == 0x80)
		c = (c << 6) | (*s++ & 0x3F);
	*p = s;
	return c;
}

static uint32_t se_hash(uint32_t a, uint32_t b)
{
	uint32_t h = 2166136261u;

	for (int i = 0; i < 4; i++) {
		h = (h ^ ((a >> (8 * i)) & 0xFF)) * 16777619u;
		h = (h ^ ((b >> (8 * i)) & 0xFF)) * 16777619u;
	}
	return h;
}

static void se_vector(const char *text, int dim, double *v)
{
	const unsigned char *p = (const unsigned char *)text;
	const unsigned char *end = p + strlen(text);
	uint32_t prev = 0;
	double norm = 0;

	memset(v, 0, (size_t)dim * sizeof(*v));
	while (p < end) {
		uint32_t c = se_utf8_next(&p, end);
		uint32_t h;

		if (c <= ' ' || c == 0x3000) {
			prev = 0;
			continue;
		}
		h = se_hash(c, 0);
		v[h % (uint32_t)dim] += (h & 0x80000000u) ? -0.5 : 0.5;
		if (prev != 0) {
			h = se_hash(prev, c);
			v[h % (uint32_t)dim] += (h & 0x80000000u) ? -1.0 : 1.0;
		}
		prev = c;
	}
	for (int i = 0; i < dim; i++)
		norm += v[i] * v[i];
	if (norm == 0) {
		v[0] = 1.0; /* empty text: a fixed unit vector */
		return;
	}
	norm = sqrt(norm);
	for (int i = 0; i < dim; i++)
		v[i] /= norm;
}

static void se_error(struct evhttp_request *req, bool ollama, int code, const char *msg)
{
	struct evbuffer *b = evbuffer_new();

	if (ollama)
		evbuffer_add_printf(b, "{\"error\":\"%s\"}", msg);
	else
		evbuffer_add_printf(
		    b,
		    "{\"error\":{\"message\":\"%s\",\"type\":\"invalid_request_error\","
		    "\"param\":null,\"code\":null}}",
		    msg);
	se_reply(req, code, b);
	evbuffer_free(b);
}

void standin_embed(struct evhttp_request *req, bool ollama, struct event_base *base)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(req);
	size_t len = evbuffer_get_length(in);
	json_t *body = json_loadb((const char *)evbuffer_pullup(in, -1), len, 0, NULL);
	const char *hdr =
	    evhttp_find_header(evhttp_request_get_input_headers(req), "X-Standin-Mode");
	const char *model = json_string_value(json_object_get(body, "model"));
	json_t *input = json_object_get(body, "input");
	const char *mode;
	int dim = 256;
	int delay = 0;
	size_t n;
	size_t tokens = 0;
	double *v;
	struct evbuffer *b;

	if (body == NULL || model == NULL || !(json_is_string(input) || json_is_array(input))) {
		json_decref(body);
		se_error(req, ollama, 400, "invalid request: model and input are required");
		return;
	}
	mode = hdr ? hdr : model;
	if (strncmp(mode, "err-", 4) == 0) {
		int code = (int)strtol(mode + 4, NULL, 10);

		json_decref(body);
		se_error(req, ollama, code >= 400 && code <= 599 ? code : 500,
			 "standin: simulated failure");
		return;
	}
	if (strcmp(mode, "hang") == 0) {
		json_decref(body);
		return; /* libevent frees the request when the client goes */
	}
	for (const char *k = strchr(mode, ':'); k != NULL; k = strchr(k + 1, ':')) {
		if (strncmp(k + 1, "dim=", 4) == 0)
			dim = (int)strtol(k + 5, NULL, 10);
		else if (strncmp(k + 1, "delay=", 6) == 0)
			delay = (int)strtol(k + 7, NULL, 10);
	}
	if (dim < 1 || dim > SE_DIM_MAX)
		dim = 256;
	n = json_is_string(input) ? 1 : json_array_size(input);
	for (size_t i = 0; i < n; i++) {
		json_t *t = json_is_string(input) ? input : json_array_get(input, i);

		if (!json_is_string(t)) {
			json_decref(body);
			se_error(req, ollama, 400, "input must be a string or an array of strings");
			return;
		}
	}
	if (n == 0) {
		json_decref(body);
		se_error(req, ollama, 400, "input is empty");
		return;
	}
	b = evbuffer_new();
	if (strcmp(mode, "malformed") == 0) {
		evbuffer_add_printf(b, "{\"object\":\"list\",\"data\":[{\"embedding\":\"oops\"}");
		json_decref(body);
		se_reply(req, 200, b);
		evbuffer_free(b);
		return;
	}
	if (strcmp(mode, "short") == 0 && n > 0)
		n--;
	v = calloc((size_t)dim, sizeof(*v));
	evbuffer_add_printf(b, ollama ? "{\"model\":" : "{\"object\":\"list\",\"data\":[");
	if (ollama) {
		char *m = json_dumps(json_object_get(body, "model"), JSON_ENCODE_ANY);

		evbuffer_add_printf(b, "%s,\"embeddings\":[", m);
		free(m);
	}
	for (size_t i = 0; i < n; i++) {
		json_t *t = json_is_string(input) ? input : json_array_get(input, i);

		tokens += json_string_length(t) / 3 + 1;
		se_vector(json_string_value(t), dim, v);
		if (ollama)
			evbuffer_add_printf(b, "%s[", i ? "," : "");
		else
			evbuffer_add_printf(
			    b, "%s{\"object\":\"embedding\",\"index\":%zu,\"embedding\":[",
			    i ? "," : "", i);
		for (int j = 0; j < dim; j++)
			evbuffer_add_printf(b, "%s%.7g", j ? "," : "", v[j]);
		evbuffer_add_printf(b, ollama ? "]" : "]}");
	}
	if (ollama) {
		evbuffer_add_printf(b,
				    "],\"total_duration\":14143917,\"load_duration\":1019500,"
				    "\"prompt_eval_count\":%zu}",
				    tokens);
	} else {
		char *m = json_dumps(json_object_get(body, "model"), JSON_ENCODE_ANY);

		evbuffer_add_printf(
		    b,
		    "],\"model\":%s,\"usage\":{\"prompt_tokens\":%zu,\"total_tokens\":"
		    "%zu}}",
		    m, tokens, tokens);
		free(m);
	}
	free(v);
	json_decref(body);
	if (delay > 0) {
		struct se_delayed *d = calloc(1, sizeof(*d));
		struct timeval tv = {delay / 1000, (delay % 1000) * 1000};

		d->req = req;
		d->body = b;
		d->timer = evtimer_new(base, se_on_timer, d);
		event_add(d->timer, &tv);
		return;
	}
	se_reply(req, 200, b);
	evbuffer_free(b);
}
