/*
 * model: the gateway to language models — provider capability records,
 * incremental stream decoding (OpenAI/DeepSeek SSE, Ollama NDJSON) and the
 * separation of reasoning from the answer.
 *
 * Invariants:
 *  - A provider record comes from configuration, never from special cases
 *    in code: kind (openai|ollama), reasoning field, think-tag mode, JSON
 *    mode, tools, limits and timeouts. api_key is never logged or printed
 *    (model_provider_json shows it as "***").
 *  - The decoder takes bytes in any chunking (a split anywhere, even inside
 *    a UTF-8 character or a "</think>" tag) and produces the same events as
 *    when fed all at once; lines are capped at MODEL_MAX_LINE bytes.
 *  - Event text is borrowed: valid only during the callback.
 *  - Reasoning (reasoning_content, reasoning, message.thinking or <think>
 *    tags) arrives only as MODEL_EV_REASONING, never inside MODEL_EV_DELTA,
 *    so callers can keep it for the audit record and out of documents and
 *    of the history sent back to the model.
 */
#ifndef SHUZHI_MODEL_H
#define SHUZHI_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/base.h"

#define MODEL_MAX_LINE	  (1024 * 1024)	     /* one SSE/NDJSON line */
#define MODEL_MAX_ERRBODY (64 * 1024)	     /* an HTTP error body kept for its message */
#define MODEL_CONFIG_MAX  (64 * 1024)	     /* the "model" object of a config file */
#define MODEL_MAX_STREAM  (64 * 1024 * 1024) /* total bytes of one response */

enum model_kind { MODEL_KIND_OPENAI, MODEL_KIND_OLLAMA };

/* How <think> tags in the answer text are treated. */
enum model_think {
	MODEL_THINK_AUTO, /* a leading <think>…</think> is reasoning; a stray </think> dropped */
	MODEL_THINK_OPEN, /* R1 templates open the tag in the prompt: text up to </think> is
			     reasoning */
	MODEL_THINK_OFF	  /* tags are ordinary text */
};

/* A provider capability record (the "model" object of the config file). */
struct model_provider {
	char name[64];
	enum model_kind kind;
	char base_url[512]; /* "http://10.0.0.5:8000/v1", "http://host:11434" */
	char model[128];
	char api_key[512];	  /* secret: never logged */
	char reasoning_field[32]; /* "" accepts reasoning_content and reasoning */
	enum model_think think;
	bool json_mode;	 /* response_format json_object supported */
	bool tools;	 /* function calling supported */
	int max_streams; /* concurrent streams to this endpoint */
	int max_queue;	 /* waiting requests beyond that */
	int connect_timeout_ms;
	int idle_timeout_s;   /* no byte for this long: stalled (no total timeout) */
	int retries;	      /* 429/503/500/connect failures before the first token */
	int retry_base_ms;    /* backoff: base * 2^attempt, jittered */
	int max_tokens;	      /* 0: the server's default */
	int64_t daily_tokens; /* per user and day; 0: no quota */
	/* Public-facing traffic (MODEL_GROUP_PUBLIC) goes first while it holds
	 * fewer than this percentage of max_streams (rounded up); 0: no
	 * priority, it waits in the fair order like a department. */
	int public_share;
};

/* Defaults for every field (kind openai, think auto, 16 streams …). */
void model_provider_defaults(struct model_provider *p);
/* Parse the JSON object text of a "model" setting over defaults. Unknown
 * keys, wrong types and values out of range are errors naming src and the
 * key. */
int model_provider_parse(struct model_provider *p, const char *json, size_t len, const char *src,
			 struct err *e);
/* Read a config file (the server's) and parse its "model" object; returns
 * BASE_E_NOTFOUND when the file has none. */
int model_provider_load_file(struct model_provider *p, const char *path, struct err *e);
/* The record as JSON text (malloc'd), api_key shown as "***". */
char *model_provider_json(const struct model_provider *p);
/* Whether key is a field of the "model" object: 'i' integer (its range in
 * *min, *max), 'b' boolean, 's' string or enumeration; 0 unknown. */
int model_provider_key(const char *key, long long *min, long long *max);
const char *model_kind_name(enum model_kind k);
const char *model_think_name(enum model_think t);

/* ---- stream events ---- */

enum model_ev_type {
	MODEL_EV_REASONING, /* text: chain of thought */
	MODEL_EV_DELTA,	    /* text: answer */
	MODEL_EV_USAGE,	    /* usage */
	MODEL_EV_DONE,	    /* finish_reason; the stream ended properly */
	MODEL_EV_ERROR	    /* text: a message from the model server inside the stream */
};

struct model_usage {
	int64_t prompt_tokens;
	int64_t completion_tokens;
	int64_t reasoning_tokens;
	int64_t cache_hit_tokens;
};

struct model_event {
	enum model_ev_type type;
	const char *text; /* REASONING, DELTA, ERROR */
	size_t len;
	struct model_usage usage; /* USAGE */
	const char *finish;	  /* DONE: "stop", "length" … ("" unknown) */
};

/* Return 0 to go on; anything else stops the decoder with that code. */
typedef int (*model_event_cb)(const struct model_event *ev, void *arg);

/* <think> splitter: text in, REASONING/DELTA events out. Between calls it
 * remembers how many bytes of a tag matched so far (the bytes themselves
 * are the tag's), so a tag split anywhere is recognised. */
struct model_think_split {
	enum model_think mode;
	int state;
	size_t matched;
};
void model_think_init(struct model_think_split *t, enum model_think mode);
int model_think_feed(struct model_think_split *t, const char *s, size_t n, model_event_cb cb,
		     void *arg);
/* Flush held-back bytes at the end of the stream. */
int model_think_finish(struct model_think_split *t, model_event_cb cb, void *arg);

/* Incremental decoder of a streamed chat response body. */
struct model_decoder {
	enum model_kind kind;
	char reasoning_field[32];
	struct model_think_split think;
	struct buf line;
	struct buf data; /* SSE: data lines of the event being read */
	char finish[32];
	size_t total;
	bool done;   /* [DONE] or done:true seen */
	bool failed; /* a parse error or a callback stop: further feeds refused */
	/* Chunks go through the scanner (model/scan.h) and to jansson only
	 * when it gives up; json_only (tests, fuzzing) always uses jansson. */
	bool json_only;
	size_t scanned, parsed; /* chunks the scanner took, chunks jansson took */
	struct buf scratch;	/* a decoded string of the current chunk */
	model_event_cb cb;
	void *arg;
};

void model_decoder_init(struct model_decoder *d, const struct model_provider *p, model_event_cb cb,
			void *arg);
void model_decoder_free(struct model_decoder *d);
/* Feed bytes; BASE_E_FORMAT / BASE_E_LIMIT with a Chinese message on
 * malformed or oversized input, or the callback's non-zero code. */
int model_decoder_feed(struct model_decoder *d, const char *p, size_t n, struct err *e);
/* End of body: BASE_E_FORMAT "连接中断" unless the stream ended properly. */
int model_decoder_finish(struct model_decoder *d, struct err *e);

/* ---- requests and error bodies ---- */

/* One chat message (content only; reasoning is never sent back). */
struct model_msg {
	const char *role; /* "system", "user", "assistant" */
	const char *content;
};

/* The inside of a JSON string for p[0..n): quotes, backslashes and control
 * characters escaped, ill-formed UTF-8 as \ufffd, everything else as is.
 * dst needs 6 * n bytes; returns the bytes written. */
size_t model_json_escape(char *dst, const char *p, size_t n);
/* The JSON request body for a streamed chat completion (malloc'd), built
 * without a JSON tree (one per request on the server's loop). */
char *model_request_body(const struct model_provider *p, const struct model_msg *msgs, size_t n,
			 bool stream);
/* The URL of the chat endpoint, the model list and the like into out. */
int model_url(const struct model_provider *p, const char *what, char *out, size_t cap);
/* A clear Chinese diagnosis of an HTTP error status and body from the
 * model server (the server's own message appended when it has one). */
void model_http_error(int status, const char *body, size_t len, char *out, size_t cap);
/* Cut s at its first invalid UTF-8 byte (a character split by truncation). */
void model_utf8_clip(char *s);
/* Whether a status is worth retrying (before the first token). */
bool model_status_retryable(int status);

/* ---- streaming client: libcurl multi on a libevent loop ---- */

struct event_base;
struct model_client;
struct model_call;

/* Callbacks of one call. on_event gets REASONING/DELTA/USAGE/DONE events
 * as they arrive; on_end comes exactly once (not after model_call_cancel):
 * rc 0 when the stream ended properly, else e says why in Chinese and
 * started tells whether any text had been forwarded (after that there is
 * no retry: the answer is marked truncated). */
struct model_call_cbs {
	model_event_cb on_event;
	void (*on_end)(int rc, const struct err *e, bool started, void *arg);
	void *arg;
};

/* A client on base (the server's loop, or a CLI's own). */
struct model_client *model_client_new(struct event_base *base);
/* Cancels the calls still running (no on_end for them). */
void model_client_free(struct model_client *c);
/* Start a streamed chat call; body is the JSON request (copied). Retries
 * 429/500/502/503/504 and connection failures before the first token with
 * jittered exponential backoff (p->retries, p->retry_base_ms); connect
 * timeout p->connect_timeout_ms, idle-read timeout p->idle_timeout_s, no
 * total timeout. p must outlive the call. */
struct model_call *model_call_start(struct model_client *c, const struct model_provider *p,
				    const char *body, const struct model_call_cbs *cbs);
/* Abort: the upstream connection is closed at once (from inside a
 * callback: as soon as it returns). No on_end follows. */
void model_call_cancel(struct model_call *call);
/* Why the last attempt of a call got no usable answer; *status its HTTP
 * status (0: none came). Valid inside on_end. */
enum model_fail {
	MODEL_FAIL_NONE,
	MODEL_FAIL_REFUSED, /* connection refused */
	MODEL_FAIL_DNS,	    /* host name not resolved */
	MODEL_FAIL_TLS,	    /* TLS handshake or certificate */
	MODEL_FAIL_TIMEOUT, /* connect or idle timeout */
	MODEL_FAIL_HTTP,    /* an HTTP error status */
	MODEL_FAIL_OTHER
};
enum model_fail model_call_failure(const struct model_call *call, int *status);
/* An asynchronous GET on the client's loop (the diagnosis's model list):
 * cb gets rc 0 with the status and body (at most MODEL_MAX_ERRBODY bytes,
 * NUL-terminated, borrowed), or rc != 0 with a Chinese reason when no HTTP
 * answer came; model_call_failure() on the call tells which. Connect
 * timeout p->connect_timeout_ms, total p->idle_timeout_s. Cancel with
 * model_call_cancel(). */
typedef void (*model_get_cb)(int rc, const struct err *e, int status, const char *body, size_t len,
			     void *arg);
struct model_call *model_get_start(struct model_client *c, const struct model_provider *p,
				   const char *url, model_get_cb cb, void *arg);
/* Number of calls in flight (tests, stats). */
/* Let libcurl act now on the transfers just started (connect, or send the
 * request on a kept connection) instead of on the loop's next turn. Only
 * libcurl's socket and timer callbacks run (and, should an answer already
 * be there, the write callbacks: call it once the caller holds the call);
 * ends are reported from the loop. A no-op inside libcurl's callbacks. */
void model_client_run_now(struct model_client *c);
size_t model_client_active(const struct model_client *c);
/* Keep up to n idle upstream connections for reuse (libcurl's connection
 * cache; by default it shrinks with the number of calls in flight, so a
 * burst that ends together loses its connections). */
void model_client_keep_conns(struct model_client *c, long n);

/* One call to the end on a private loop (blocking; CLI use): the answer
 * text appended to answer (BASE_E_LIMIT past its max), reasoning (may be
 * NULL) and usage (may be NULL) as they come. 0, or the call's error with
 * a Chinese message. */
int model_complete(const struct model_provider *p, const struct model_msg *msgs, size_t n,
		   struct buf *answer, struct buf *reasoning, struct model_usage *usage,
		   struct err *e);

/* A blocking GET (the CLI's diagnosis): status and body (malloc'd, at most
 * MODEL_MAX_ERRBODY bytes kept). rc != 0 with a Chinese reason when no
 * HTTP answer came. */
int model_http_get(const struct model_provider *p, const char *url, int *status, char **body,
		   struct err *e);

/* ---- diagnosis: `shuzhi model test` and POST /api/model/test ---- */

/* Steps: "reach" (an HTTP answer from the endpoint), "models" (the model
 * list, and whether it names p->model), "chat" (a short streamed
 * completion), "reasoning" (whether reasoning came apart from the answer).
 * A failed step skips the ones that cannot work after it. */
enum model_diag_state {
	MODEL_DIAG_OK,
	MODEL_DIAG_FAILED,
	MODEL_DIAG_WARN, /* worked, with a doubt (model not listed …) */
	MODEL_DIAG_INFO, /* neither good nor bad (no reasoning output) */
	MODEL_DIAG_SKIPPED
};
#define MODEL_DIAG_STEPS 4

struct model_diag_step {
	const char *key;   /* "reach", "models", "chat", "reasoning" */
	const char *title; /* Chinese */
	enum model_diag_state state;
	/* "" or refused, dns, tls, timeout, auth, not_found, model_missing,
	 * bad_request, http, format, empty, other */
	const char *cause;
	char detail[1024];  /* what happened (Chinese; the server's message) */
	const char *advice; /* what it means and what to do (Chinese), "" when ok */
};

struct model_diag_result {
	bool ok; /* no step failed */
	struct model_diag_step steps[MODEL_DIAG_STEPS];
	char summary[1024];
};

struct model_diag;
/* cb comes exactly once from the loop (never from inside start), unless
 * cancelled; the diagnosis is freed after it returns. Nothing blocks: the
 * requests run on base with libcurl multi. No retries. */
typedef void (*model_diag_cb)(const struct model_diag_result *r, void *arg);
struct model_diag *model_diag_start(struct event_base *base, const struct model_provider *p,
				    model_diag_cb cb, void *arg);
void model_diag_cancel(struct model_diag *d);
const char *model_diag_state_name(enum model_diag_state s); /* "ok", "failed" … */
/* The result as a JSON object text (malloc'd): ok, summary, steps[]. */
char *model_diag_json(const struct model_diag_result *r);

/* ---- gateway: one bounded queue per model endpoint ---- */

/* At most p->max_streams calls run at once; up to p->max_queue more wait.
 * The next to start is the waiting request whose group (department) has
 * the fewest running streams, the earliest among equals: one department
 * cannot starve the others. Public-facing traffic (group
 * MODEL_GROUP_PUBLIC: the portal's answers to visitors) goes before
 * everyone while it runs fewer than p->public_share percent of the
 * streams; past that share it is one more group in the fair order.
 * Waiting requests learn their position. Each call keeps the provider
 * record it started with: model_gateway_set_provider() applies to calls
 * started afterwards. */
#define MODEL_GROUP_PUBLIC (-1)
struct model_gateway;
struct model_ticket;

/* The scheduler's choice, for the gateway and its tests: groups[0..n) are
 * the groups of the waiting requests, oldest first; running(group, arg)
 * is how many streams that group runs now, running_public the same for
 * MODEL_GROUP_PUBLIC. Returns the index to start next (n is never 0). */
size_t model_sched_pick(const int64_t *groups, size_t n, size_t (*running)(int64_t, void *),
			void *arg, size_t max_streams, int public_share);

struct model_ticket_cbs {
	/* position 1.. while waiting (called again when it changes) */
	void (*on_queued)(size_t position, void *arg);
	model_event_cb on_event;
	/* exactly once, unless cancelled; also when the gateway is freed */
	void (*on_end)(int rc, const struct err *e, bool started, void *arg);
	void *arg;
};

struct model_gateway *model_gateway_new(struct event_base *base, const struct model_provider *p);
/* Ends every ticket (on_end with BASE_E_BUSY "服务正在停止"). */
void model_gateway_free(struct model_gateway *gw);
const struct model_provider *model_gateway_provider(const struct model_gateway *gw);
/* New limits or a new endpoint (settings changed at runtime): waiting and
 * new requests follow it at once, running calls finish on the record they
 * started with. A lower max_queue does not drop requests already queued. */
void model_gateway_set_provider(struct model_gateway *gw, const struct model_provider *p);
/* Queue a call (body copied). BASE_E_BUSY when the queue is full. */
int model_gateway_submit(struct model_gateway *gw, int64_t group, const char *body,
			 const struct model_ticket_cbs *cbs, struct model_ticket **out,
			 struct err *e);
/* Start what fits now instead of on the loop's next pass (the caller is
 * ready for the callbacks of what it submitted): a burst of requests
 * handled in one pass is not all held back until the pass ends. */
void model_gateway_pump_now(struct model_gateway *gw);
/* Withdraw: waiting tickets leave the queue, running calls are aborted
 * (upstream connection closed at once). No on_end follows. */
void model_ticket_cancel(struct model_ticket *t);
void model_gateway_stats(const struct model_gateway *gw, size_t *running, size_t *waiting);

#endif
