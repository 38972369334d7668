/*
 * standin: a stand-in model server for the tests and the gateway benchmark.
 * The product never uses it.
 *
 * Speaks, byte for byte as documented (spec/stack.md §1):
 *   POST /v1/chat/completions, /chat/completions  OpenAI/DeepSeek SSE
 *   POST /api/chat                                  Ollama NDJSON
 *   GET  /v1/models, /models, /api/tags             model lists
 *   POST /v1/embeddings, /embeddings, /api/embed    embeddings (standin_embed.c)
 *   GET  /stats                                     {"active","aborted","served","requests"}
 *
 * The behaviour is chosen by the request's model name (or the header
 * X-Standin-Mode, which wins): "MODE[:key=value]...", MODE one of
 *   deepseek   reasoning_content deltas, ": keep-alive" comments first,
 *              finish_reason, usage chunk, "data: [DONE]" (the default)
 *   vllm       the reasoning field named "reasoning"
 *   chat       no reasoning at all
 *   think      reasoning as <think>…</think> inside content, tags split
 *              across chunks; think-open: only the closing tag
 *   drop       the connection is cut after half the tokens
 *   hang       headers never come
 *   err-NNN    HTTP NNN with DeepSeek's error body (400 401 402 422 429 500 503)
 *   flaky-N    the first N requests of this name get 503, then deepseek
 *   stamp      every answer token is "<monotonic ns>;" (the benchmark); the
 *              first is followed by "r<ns>;", when its request came in
 *   cite       no reasoning; the answer has citation markers [1], [2] (split
 *              as "[" "2]") and [99] (out of range), 9 tokens a round
 * keys: tokens=N (answer tokens, default 8), delay=MS (between chunks,
 * default 0), keepalive=N (comments before the first chunk, default 2),
 * reply=PATH (the answer is that file's text, up to 256 KB, sent in
 * `tokens` pieces cut at UTF-8 character boundaries; reasoning as the mode
 * says — the slides tests give the model's outline this way), record=PATH
 * (the request body is appended to that file, one line per request: what
 * the model was sent). A model name "@PATH" reads the mode from that file
 * at each request, so one configured server can be switched between modes.
 * /api/chat speaks NDJSON with message.thinking for the reasoning modes.
 *
 *   standin [--listen ADDR:PORT] [--api-key KEY]
 * prints "standin listening on PORT" once ready; port 0 picks a free one.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>

#include "standin_embed.h"

enum mode { M_DEEPSEEK, M_VLLM, M_CHAT, M_THINK, M_THINK_OPEN, M_DROP, M_HANG, M_ERR, M_STAMP,
	   M_CITE };

struct stream {
	struct evhttp_request *req; /* NULL once the connection is gone */
	struct event *timer;
	enum mode mode;
	bool ollama;
	int tokens, delay_ms, keepalive;
	int step;    /* chunks sent */
	bool cut;    /* drop: the connection is cut at the next tick */
	int nchunks; /* planned */
	char model[128];
	char *reply; /* reply=PATH: the answer text (malloc'd), or NULL */
	char record[256]; /* record=PATH: where the request body goes, or "" */
	size_t reply_len;
	uint64_t arrived_ns; /* when the request came in (stamp mode) */
};

static struct {
	struct event_base *base;
	const char *api_key;
	long active, aborted, served, requests;
	struct {
		char name[128];
		int count;
	} flaky[32];
} sd;

static const char *const answer_words[] = {"你好", "，", "我是", "替身", "模型", "。"};
/* cite: citation markers, one split across chunks, one out of any range. */
static const char *const cite_words[] = {"根据规定", "[1]", "，", "当事人", "[", "2]",
					 "应当依法办理", "[99]", "。"};
static const char *const reason_words[] = {"用户", "问候", "，", "礼貌", "回答"};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void reply_json(struct evhttp_request *req, int code, const char *body)
{
	evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
			  "application/json");
	evbuffer_add(evhttp_request_get_output_buffer(req), body, strlen(body));
	evhttp_send_reply(req, code, code == 200 ? "OK" : "Error", NULL);
}

/* DeepSeek's documented error reasons (api-docs.deepseek.com error codes). */
static void reply_error(struct evhttp_request *req, int code)
{
	const char *msg, *type;
	char body[512];

	switch (code) {
	case 400:
		msg = "Invalid Format: invalid request body format";
		type = "invalid_request_error";
		break;
	case 401:
		msg = "Authentication Fails, Your api key is invalid";
		type = "authentication_error";
		break;
	case 402:
		msg = "Insufficient Balance";
		type = "unknown_error";
		break;
	case 422:
		msg = "Invalid Parameters";
		type = "invalid_request_error";
		break;
	case 429:
		msg = "Rate Limit Reached";
		type = "rate_limit_error";
		break;
	case 503:
		msg = "Server Overloaded";
		type = "service_unavailable_error";
		break;
	default:
		msg = "Server Error";
		type = "api_error";
	}
	snprintf(body, sizeof(body),
		 "{\"error\":{\"message\":\"%s\",\"type\":\"%s\",\"param\":null,\"code\":"
		 "\"invalid_request_error\"}}",
		 msg, type);
	reply_json(req, code, body);
}

/* ---- chunk bodies ---- */

static void add_json_string(struct evbuffer *b, const char *s)
{
	json_t *j = json_string(s);
	char *t = json_dumps(j, JSON_ENCODE_ANY);

	evbuffer_add_printf(b, "%s", t);
	free(t);
	json_decref(j);
}

/* One OpenAI chat.completion.chunk as an SSE event. field: "content",
 * "reasoning_content" or "reasoning"; finish may be NULL. */
static void sse_chunk(struct evbuffer *b, const struct stream *s, const char *field,
		      const char *text, const char *finish, bool first)
{
	evbuffer_add_printf(
	    b,
	    "data: {\"id\":\"standin-1\",\"object\":\"chat.completion.chunk\","
	    "\"created\":%ld,\"model\":\"%s\",\"system_fingerprint\":\"fp_standin\","
	    "\"choices\":[{\"index\":0,\"delta\":{",
	    (long)time(NULL), "deepseek-reasoner");
	if (first)
		evbuffer_add_printf(b, "\"role\":\"assistant\",");
	if (strcmp(field, "content") != 0)
		evbuffer_add_printf(b, "\"content\":null,");
	evbuffer_add_printf(b, "\"%s\":", field);
	add_json_string(b, text);
	evbuffer_add_printf(b, "},\"logprobs\":null,\"finish_reason\":");
	if (finish)
		evbuffer_add_printf(b, "\"%s\"", finish);
	else
		evbuffer_add_printf(b, "null");
	evbuffer_add_printf(b, "}],\"usage\":null}\n\n");
	(void)s;
}

static void ndjson_line(struct evbuffer *b, const char *model, const char *thinking,
			const char *content, bool done, int tokens)
{
	evbuffer_add_printf(b,
			    "{\"model\":\"%s\",\"created_at\":\"2025-01-01T00:00:00Z\","
			    "\"message\":{\"role\":\"assistant\",\"content\":",
			    model);
	add_json_string(b, content);
	if (thinking != NULL) {
		evbuffer_add_printf(b, ",\"thinking\":");
		add_json_string(b, thinking);
	}
	evbuffer_add_printf(b, "},\"done\":%s", done ? "true" : "false");
	if (done)
		evbuffer_add_printf(b,
				    ",\"done_reason\":\"stop\",\"total_duration\":1000000,"
				    "\"load_duration\":10,\"prompt_eval_count\":12,"
				    "\"prompt_eval_duration\":100,\"eval_count\":%d,"
				    "\"eval_duration\":1000",
				    tokens);
	evbuffer_add_printf(b, "}\n");
}

/* The think-tag pieces: tags cut across chunks on purpose. */
static const char *const think_pieces[] = {"<thi", "nk>\n用户问候", "，礼貌回答。</th", "ink>\n\n"};
static const char *const think_open_pieces[] = {"用户问候，", "礼貌回答。\n</", "think>\n\n"};

static int reasoning_count(const struct stream *s)
{
	switch (s->mode) {
	case M_DEEPSEEK:
	case M_VLLM:
	case M_DROP:
		return (int)(sizeof(reason_words) / sizeof(reason_words[0]));
	case M_THINK:
		return 4;
	case M_THINK_OPEN:
		return 3;
	default:
		return 0;
	}
}

/* Write chunk number s->step into b; returns false when the stream ended. */
/* Piece k of n of the reply file, cut at character boundaries. */
static void reply_piece(const struct stream *s, int k, char *out, size_t cap)
{
	size_t a = s->reply_len * (size_t)k / (size_t)s->tokens;
	size_t z = s->reply_len * (size_t)(k + 1) / (size_t)s->tokens;

	while (a > 0 && a < s->reply_len && ((unsigned char)s->reply[a] & 0xC0) == 0x80)
		a--;
	while (z > 0 && z < s->reply_len && ((unsigned char)s->reply[z] & 0xC0) == 0x80)
		z--;
	if (z - a >= cap)
		z = a + cap - 1;
	memcpy(out, s->reply + a, z - a);
	out[z - a] = '\0';
}

static bool next_chunk(struct stream *s, struct evbuffer *b)
{
	int k = s->step;
	int nr = reasoning_count(s);
	char stamp[64];
	static char piece[256 * 1024 + 1];

	if (k < s->keepalive && !s->ollama) {
		evbuffer_add_printf(b, ": keep-alive\n\n");
		return true;
	}
	if (!s->ollama)
		k -= s->keepalive;
	if (k < nr) {
		const char *field = s->mode == M_VLLM ? "reasoning" : "reasoning_content";

		if (s->mode == M_THINK || s->mode == M_THINK_OPEN) {
			const char *p = s->mode == M_THINK ? think_pieces[k] : think_open_pieces[k];

			if (s->ollama)
				ndjson_line(b, s->model, NULL, p, false, 0);
			else
				sse_chunk(b, s, "content", p, NULL, k == 0);
		} else if (s->ollama) {
			ndjson_line(b, s->model, reason_words[k], "", false, 0);
		} else {
			sse_chunk(b, s, field, reason_words[k], NULL, k == 0);
		}
		return true;
	}
	k -= nr;
	if (k < s->tokens) {
		const char *w = answer_words[k % 6];
		bool last = k == s->tokens - 1;

		if (s->mode == M_CITE)
			w = cite_words[k % (sizeof(cite_words) / sizeof(cite_words[0]))];
		if (s->mode == M_STAMP) {
			if (k == 0)
				snprintf(stamp, sizeof(stamp), "%llu;r%llu;",
					 (unsigned long long)now_ns(),
					 (unsigned long long)s->arrived_ns);
			else
				snprintf(stamp, sizeof(stamp), "%llu;",
					 (unsigned long long)now_ns());
			w = stamp;
		} else if (s->reply != NULL) {
			reply_piece(s, k, piece, sizeof(piece));
			w = piece;
		}
		if (s->ollama)
			ndjson_line(b, s->model, NULL, w, last, s->tokens);
		else
			sse_chunk(b, s, "content", w, last ? "stop" : NULL, k == 0 && nr == 0);
		return true;
	}
	k -= s->tokens;
	if (s->ollama)
		return false;
	if (k == 0) {
		evbuffer_add_printf(
		    b,
		    "data: {\"id\":\"standin-1\",\"object\":\"chat.completion.chunk\","
		    "\"created\":%ld,\"model\":\"deepseek-reasoner\","
		    "\"system_fingerprint\":\"fp_standin\",\"choices\":[],\"usage\":{"
		    "\"prompt_tokens\":12,\"completion_tokens\":%d,\"total_tokens\":%d,"
		    "\"prompt_tokens_details\":{\"cached_tokens\":0},"
		    "\"completion_tokens_details\":{\"reasoning_tokens\":%d},"
		    "\"prompt_cache_hit_tokens\":0,\"prompt_cache_miss_tokens\":12}}\n\n",
		    (long)time(NULL), s->tokens + nr, 12 + s->tokens + nr, nr);
		return true;
	}
	if (k == 1) {
		evbuffer_add_printf(b, "data: [DONE]\n\n");
		return true;
	}
	return false;
}

static void stream_free(struct stream *s)
{
	if (s->timer)
		event_free(s->timer);
	free(s->reply);
	sd.active--;
	free(s);
}

static void on_conn_close(struct evhttp_connection *con, void *arg)
{
	struct stream *s = arg;

	(void)con;
	/* The client went away mid-stream (the gateway aborted). */
	sd.aborted++;
	s->req = NULL;
	stream_free(s);
}

static void stream_end(struct stream *s)
{
	struct evhttp_connection *con = evhttp_request_get_connection(s->req);

	evhttp_connection_set_closecb(con, NULL, NULL);
	evhttp_send_reply_end(s->req);
	sd.served++;
	stream_free(s);
}

static void on_tick(evutil_socket_t fd, short what, void *arg)
{
	struct stream *s = arg;
	struct evbuffer *b = evbuffer_new();
	struct timeval tv = {s->delay_ms / 1000, (s->delay_ms % 1000) * 1000};

	(void)fd;
	(void)what;
	for (;;) {
		if (s->mode == M_DROP &&
		    s->step == s->keepalive + reasoning_count(s) + s->tokens / 2) {
			struct timeval soon = {0, 50000};

			if (s->cut) {
				/* Cut the connection: no chunk terminator, no [DONE];
				 * libevent notices and on_conn_close frees s. */
				struct evhttp_connection *con =
				    evhttp_request_get_connection(s->req);

				evbuffer_free(b);
				shutdown(bufferevent_getfd(evhttp_connection_get_bufferevent(con)),
					 SHUT_RDWR);
				return;
			}
			/* Let what was sent reach the client first. */
			s->cut = true;
			evhttp_send_reply_chunk(s->req, b);
			evbuffer_free(b);
			event_add(s->timer, &soon);
			return;
		}
		if (!next_chunk(s, b)) {
			if (evbuffer_get_length(b) > 0)
				evhttp_send_reply_chunk(s->req, b);
			evbuffer_free(b);
			stream_end(s);
			return;
		}
		s->step++;
		if (s->delay_ms > 0)
			break;
	}
	evhttp_send_reply_chunk(s->req, b);
	evbuffer_free(b);
	event_add(s->timer, &tv);
}

/* reply=PATH: the answer text (at most 256 KB). */
static void read_reply(struct stream *s, const char *path)
{
	FILE *f = fopen(path, "rb");

	free(s->reply);
	s->reply = calloc(1, 256 * 1024 + 1);
	s->reply_len = f != NULL ? fread(s->reply, 1, 256 * 1024, f) : 0;
	if (f != NULL)
		fclose(f);
}

/* "MODE[:k=v]..." into s; the err-NNN status into *err_code. */
static void parse_mode(struct stream *s, const char *spec, int *err_code)
{
	char buf[256];
	char from_file[256];
	char *save = NULL;
	char *tok;

	if (spec[0] == '@') { /* the mode is in that file */
		FILE *f = fopen(spec + 1, "rb");
		size_t n = f != NULL ? fread(from_file, 1, sizeof(from_file) - 1, f) : 0;

		if (f != NULL)
			fclose(f);
		while (n > 0 && (from_file[n - 1] == '\n' || from_file[n - 1] == '\r'))
			n--;
		from_file[n] = '\0';
		spec = from_file;
	}
	snprintf(buf, sizeof(buf), "%s", spec);
	snprintf(s->model, sizeof(s->model), "%.127s", spec);
	s->tokens = 8;
	s->keepalive = 2;
	s->mode = M_DEEPSEEK;
	*err_code = 0;
	for (tok = strtok_r(buf, ":", &save); tok != NULL; tok = strtok_r(NULL, ":", &save)) {
		if (strncmp(tok, "tokens=", 7) == 0)
			s->tokens = (int)strtol(tok + 7, NULL, 10);
		else if (strncmp(tok, "delay=", 6) == 0)
			s->delay_ms = (int)strtol(tok + 6, NULL, 10);
		else if (strncmp(tok, "keepalive=", 10) == 0)
			s->keepalive = (int)strtol(tok + 10, NULL, 10);
		else if (strncmp(tok, "reply=", 6) == 0)
			read_reply(s, tok + 6);
		else if (strncmp(tok, "record=", 7) == 0)
			snprintf(s->record, sizeof(s->record), "%s", tok + 7);
		else if (strcmp(tok, "vllm") == 0)
			s->mode = M_VLLM;
		else if (strcmp(tok, "chat") == 0)
			s->mode = M_CHAT;
		else if (strcmp(tok, "think") == 0)
			s->mode = M_THINK;
		else if (strcmp(tok, "think-open") == 0)
			s->mode = M_THINK_OPEN;
		else if (strcmp(tok, "drop") == 0)
			s->mode = M_DROP;
		else if (strcmp(tok, "hang") == 0)
			s->mode = M_HANG;
		else if (strcmp(tok, "stamp") == 0)
			s->mode = M_STAMP;
		else if (strcmp(tok, "cite") == 0)
			s->mode = M_CITE;
		else if (strncmp(tok, "err-", 4) == 0) {
			s->mode = M_ERR;
			*err_code = (int)strtol(tok + 4, NULL, 10);
		} else if (strncmp(tok, "flaky-", 6) == 0) {
			int n = (int)strtol(tok + 6, NULL, 10);
			size_t i;

			for (i = 0; i < 32 && sd.flaky[i].name[0] != '\0'; i++)
				if (strcmp(sd.flaky[i].name, spec) == 0)
					break;
			if (i < 32) {
				snprintf(sd.flaky[i].name, sizeof(sd.flaky[i].name), "%.127s", spec);
				if (sd.flaky[i].count++ < n) {
					s->mode = M_ERR;
					*err_code = 503;
				}
			}
		}
	}
	if (s->tokens < 1)
		s->tokens = 1;
	if (s->tokens > 100000)
		s->tokens = 100000;
}

static void on_chat(struct evhttp_request *req, bool ollama)
{
	uint64_t arrived_ns = now_ns();
	struct evbuffer *in = evhttp_request_get_input_buffer(req);
	size_t len = evbuffer_get_length(in);
	json_t *body = json_loadb((const char *)evbuffer_pullup(in, -1), len, 0, NULL);
	const char *hdr =
	    evhttp_find_header(evhttp_request_get_input_headers(req), "X-Standin-Mode");
	const char *auth =
	    evhttp_find_header(evhttp_request_get_input_headers(req), "Authorization");
	const char *model = json_string_value(json_object_get(body, "model"));
	struct stream *s;
	int err_code = 0;

	if (body == NULL || model == NULL || !json_is_array(json_object_get(body, "messages"))) {
		json_decref(body);
		reply_error(req, ollama ? 400 : 422);
		return;
	}
	if (sd.api_key != NULL && !ollama &&
	    (auth == NULL || strncmp(auth, "Bearer ", 7) != 0 ||
	     strcmp(auth + 7, sd.api_key) != 0)) {
		json_decref(body);
		reply_error(req, 401);
		return;
	}
	s = calloc(1, sizeof(*s));
	s->arrived_ns = arrived_ns;
	parse_mode(s, hdr ? hdr : model, &err_code);
	if (s->record[0] != '\0') {
		FILE *f = fopen(s->record, "ab");

		if (f != NULL) {
			fwrite(evbuffer_pullup(in, -1), 1, len, f);
			fputc('\n', f);
			fclose(f);
		}
	}
	s->ollama = ollama;
	if (ollama)
		s->keepalive = 0;
	json_decref(body);
	if (s->mode == M_ERR) {
		free(s->reply);
		free(s);
		reply_error(req, err_code);
		return;
	}
	sd.active++;
	s->req = req;
	s->timer = evtimer_new(sd.base, on_tick, s);
	evhttp_connection_set_closecb(evhttp_request_get_connection(req), on_conn_close, s);
	if (s->mode == M_HANG)
		return; /* nothing is ever sent; the close callback frees s */
	evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
			  ollama ? "application/x-ndjson" : "text/event-stream; charset=utf-8");
	evhttp_add_header(evhttp_request_get_output_headers(req), "Cache-Control", "no-cache");
	{
		int one = 1;

		/* As model servers do (uvicorn, Ollama): no Nagle delay per chunk. */
		setsockopt(bufferevent_getfd(evhttp_connection_get_bufferevent(
			       evhttp_request_get_connection(req))),
			   IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	}
	evhttp_send_reply_start(req, 200, "OK");
	{
		struct timeval tv = {s->delay_ms / 1000, (s->delay_ms % 1000) * 1000};

		event_add(s->timer, &tv);
	}
}

static void on_request(struct evhttp_request *req, void *arg)
{
	const char *path = evhttp_uri_get_path(evhttp_request_get_evhttp_uri(req));
	enum evhttp_cmd_type cmd = evhttp_request_get_command(req);
	char stats[256];

	(void)arg;
	sd.requests++;
	if (path == NULL)
		path = "/";
	if (cmd == EVHTTP_REQ_POST &&
	    (strcmp(path, "/v1/chat/completions") == 0 || strcmp(path, "/chat/completions") == 0))
		on_chat(req, false);
	else if (cmd == EVHTTP_REQ_POST && strcmp(path, "/api/chat") == 0)
		on_chat(req, true);
	else if (cmd == EVHTTP_REQ_POST &&
		 (strcmp(path, "/v1/embeddings") == 0 || strcmp(path, "/embeddings") == 0))
		standin_embed(req, false, sd.base);
	else if (cmd == EVHTTP_REQ_POST && strcmp(path, "/api/embed") == 0)
		standin_embed(req, true, sd.base);
	else if (strcmp(path, "/v1/models") == 0 || strcmp(path, "/models") == 0)
		reply_json(req, 200,
			   "{\"object\":\"list\",\"data\":[{\"id\":\"deepseek-chat\",\"object\":"
			   "\"model\",\"owned_by\":\"deepseek\"},{\"id\":\"deepseek-reasoner\","
			   "\"object\":\"model\",\"owned_by\":\"deepseek\"}]}");
	else if (strcmp(path, "/api/tags") == 0)
		reply_json(req, 200,
			   "{\"models\":[{\"name\":\"deepseek-r1:7b\",\"model\":\"deepseek-r1:7b\","
			   "\"size\":4683075271}]}");
	else if (strcmp(path, "/stats") == 0) {
		snprintf(stats, sizeof(stats),
			 "{\"active\":%ld,\"aborted\":%ld,\"served\":%ld,\"requests\":%ld}",
			 sd.active, sd.aborted, sd.served, sd.requests);
		reply_json(req, 200, stats);
	} else
		reply_json(req, 404, "{\"error\":{\"message\":\"Not Found\"}}");
}

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
	(void)sig;
	(void)what;
	(void)arg;
	event_base_loopexit(sd.base, NULL);
}

int main(int argc, char **argv)
{
	const char *listen = "127.0.0.1:0";
	char addr[128];
	const char *colon;
	struct evhttp *http;
	struct evhttp_bound_socket *bound;
	struct sockaddr_in sin;
	socklen_t sl = sizeof(sin);
	struct event *sigterm, *sigint;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--listen") == 0 && i + 1 < argc)
			listen = argv[++i];
		else if (strcmp(argv[i], "--api-key") == 0 && i + 1 < argc)
			sd.api_key = argv[++i];
		else {
			fprintf(stderr, "usage: standin [--listen ADDR:PORT] [--api-key KEY]\n");
			return 2;
		}
	}
	colon = strrchr(listen, ':');
	if (colon == NULL || (size_t)(colon - listen) >= sizeof(addr)) {
		fprintf(stderr, "standin: bad --listen\n");
		return 2;
	}
	memcpy(addr, listen, (size_t)(colon - listen));
	addr[colon - listen] = '\0';
	signal(SIGPIPE, SIG_IGN);
	sd.base = event_base_new();
	http = evhttp_new(sd.base);
	evhttp_set_gencb(http, on_request, NULL);
	evhttp_set_timeout(http, 3600);
	bound =
	    evhttp_bind_socket_with_handle(http, addr, (ev_uint16_t)strtol(colon + 1, NULL, 10));
	if (bound == NULL) {
		fprintf(stderr, "standin: cannot listen on %s\n", listen);
		return 1;
	}
	getsockname(evhttp_bound_socket_get_fd(bound), (struct sockaddr *)&sin, &sl);
	printf("standin listening on %d\n", ntohs(sin.sin_port));
	fflush(stdout);
	sigterm = evsignal_new(sd.base, SIGTERM, on_signal, NULL);
	sigint = evsignal_new(sd.base, SIGINT, on_signal, NULL);
	evsignal_add(sigterm, NULL);
	evsignal_add(sigint, NULL);
	event_base_dispatch(sd.base);
	event_free(sigterm);
	event_free(sigint);
	evhttp_free(http);
	event_base_free(sd.base);
	return 0;
}
