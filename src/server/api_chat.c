/*
 * server/api_chat: POST /api/chat — a chat answer from the configured model
 * streamed as Server-Sent Events:
 *   event: queued     data: {"position":N}            while waiting for a slot
 *   event: reasoning  data: {"text":"…"}              chain of thought (shown apart)
 *   event: delta      data: {"text":"…"}              answer text
 *   event: done       data: {"finish_reason":"stop","usage":{…}}
 *   event: error      data: {"code":"…","message":"…","truncated":bool}
 * Only role and content of the client's messages go to the model: reasoning
 * is never sent back. Every call leaves a model_usage row (tokens, timings,
 * reasoning for the record). When the client goes away the upstream call
 * is aborted; a ping comment every CHAT_PING_MS of silence is what notices
 * a client gone while the model is quiet (evhttp reads nothing mid-reply).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>

#include "model/model.h"
#include "server/server_internal.h"
#include "store/model_store.h"

#define CHAT_MAX_MESSAGES 200
#define CHAT_PING_MS	  300

struct chat_stream {
	struct evhttp_request *req;
	struct evhttp_connection *con;
	struct server *srv;
	struct store *st;
	struct event_base *base;
	struct model_ticket *ticket;
	struct event *ping;
	int64_t user_id, dept_id;
	char provider[64], model[128];
	uint64_t start_ns, first_ns, last_write_ns;
	struct model_usage usage;
	char finish[32];
	struct buf reasoning;
	struct evbuffer *out;
	struct server_stream_out sout; /* the per-token path (chat_send_text) */
};

/* "event: NAME\ndata: JSON\n\n" to the client; the JSON value is stolen. */
static void chat_send(struct chat_stream *s, const char *name, json_t *data)
{
	char *text = data ? json_dumps(data, JSON_COMPACT) : NULL;

	json_decref(data);
	if (text == NULL)
		return;
	evbuffer_add_printf(s->out, "event: %s\ndata: %s\n\n", name, text);
	free(text);
	evhttp_send_reply_chunk(s->req, s->out);
	s->last_write_ns = base_now_ns();
}

/* "event: NAME\ndata: {"text":"…"}\n\n" without building a JSON tree (the
 * per-token path): the text is valid UTF-8 from the decoder, escaped by
 * model_json_escape(). A short event is built
 * on the stack and goes to the connection framed, in one piece (straight
 * to the socket when nothing is queued, else one buffer chain and one
 * wake-up of the writer); a long one through an evbuffer and
 * evhttp_send_reply_chunk(). */
#define CHAT_EV_STACK 2048

static void chat_send_text(struct chat_stream *s, const char *name, const char *p, size_t n)
{
	char stack[CHAT_EV_STACK];
	size_t nl = strlen(name), len, framed;
	char *body = stack + 20, *big = NULL;

	/* Worst case: every byte escaped as \u00XX. */
	if (s->sout.out == NULL || 20 + 7 + nl + 16 + 6 * n + 4 + 2 > sizeof(stack))
		body = big = xmalloc(7 + nl + 16 + 6 * n + 4);
	memcpy(body, "event: ", 7);
	memcpy(body + 7, name, nl);
	memcpy(body + 7 + nl, "\ndata: {\"text\":\"", 16);
	len = 7 + nl + 16;
	len += model_json_escape(body + len, p, n);
	memcpy(body + len, "\"}\n\n", 4);
	len += 4;
	if (big == NULL &&
	    (framed = server_stream_frame(&s->sout, stack, sizeof(stack), body, len)) > 0) {
		server_stream_write(&s->sout, stack, framed);
	} else {
		evbuffer_add(s->out, body, len);
		evhttp_send_reply_chunk(s->req, s->out);
	}
	free(big);
	s->last_write_ns = base_now_ns();
}

/*
 * Usage rows are written in batches: one transaction (one fsync with
 * synchronous=FULL) per CHAT_FLUSH_MS or CHAT_BATCH_MAX rows, so a
 * thousand streams ending together do not stall the loop a thousand
 * times. The batch is written on a worker thread with its own store
 * connection (the fsync took up to 100 ms on a busy disk, every stream
 * on the loop waiting), one batch at a time; rows that end meanwhile wait
 * for the next. Without workers (shutdown), or when a full batch finds one
 * still out, the loop writes it itself. server_api_chat_flush() writes
 * what is pending (shutdown).
 */
#define CHAT_FLUSH_MS  200
#define CHAT_BATCH_MAX 256

struct chat_rows {
	struct store_model_usage rows[CHAT_BATCH_MAX];
	size_t n;
};

static struct {
	struct store *st; /* the loop's connection */
	struct event *timer;
	struct chat_rows b;
	struct server_workers *workers; /* NULL: write on the loop */
	const char *db_path;
	bool detached;	   /* server_api_chat_detach(): no more workers */
	bool out;	   /* a batch is on a worker */
	struct store *wst; /* the workers' connection, one batch at a time */
} chat_batch;

static void chat_write_rows(struct store *st, const struct chat_rows *b)
{
	struct err e = {0};
	int64_t id;

	if (store_tx_begin(st, &e) == 0) {
		for (size_t i = 0; i < b->n; i++)
			if (store_model_usage_add(st, &b->rows[i], &id, &e) != 0)
				base_log(LOG_ERROR, "chat: 用量记录失败：%s", e.msg);
		if (store_tx_commit(st, &e) != 0) {
			base_log(LOG_ERROR, "chat: 用量记录提交失败：%s", e.msg);
			store_tx_rollback(st);
		}
	} else {
		base_log(LOG_ERROR, "chat: 用量记录失败：%s", e.msg);
	}
}

static void chat_free_rows(struct chat_rows *b)
{
	for (size_t i = 0; i < b->n; i++) {
		free((char *)b->rows[i].provider);
		free((char *)b->rows[i].model);
		free((char *)b->rows[i].reasoning);
	}
	b->n = 0;
}

/* On a worker: only the batch and the workers' own connection. */
static void chat_job_run(void *arg)
{
	struct chat_rows *b = arg;
	struct err e = {0};

	if (chat_batch.wst == NULL && store_open(chat_batch.db_path, 0, &chat_batch.wst, &e) != 0) {
		base_log(LOG_ERROR, "chat: 用量记录无法打开数据库：%s", e.msg);
		chat_batch.wst = NULL;
		return;
	}
	chat_write_rows(chat_batch.wst, b);
}

static void chat_on_flush(evutil_socket_t fd, short what, void *arg);

/* Back on the loop. A batch whose worker could not open the database is
 * written here. */
static void chat_job_done(void *arg)
{
	struct chat_rows *b = arg;
	struct timeval tv = {0, CHAT_FLUSH_MS * 1000};

	if (chat_batch.wst == NULL)
		chat_write_rows(chat_batch.st, b);
	chat_free_rows(b);
	free(b);
	chat_batch.out = false;
	if (chat_batch.b.n > 0 && chat_batch.timer != NULL &&
	    !evtimer_pending(chat_batch.timer, NULL))
		evtimer_add(chat_batch.timer, &tv);
}

static void chat_flush_rows(bool must)
{
	struct chat_rows *b;

	if (chat_batch.b.n == 0)
		return;
	if (chat_batch.workers != NULL && !chat_batch.detached && !chat_batch.out) {
		b = xmalloc(sizeof(*b));
		memcpy(b, &chat_batch.b, sizeof(*b));
		chat_batch.b.n = 0;
		if (server_workers_submit(chat_batch.workers, chat_job_run, chat_job_done, b) ==
		    0) {
			chat_batch.out = true;
			return;
		}
		memcpy(&chat_batch.b, b, sizeof(*b));
		free(b);
	}
	if (chat_batch.out && !must)
		return; /* chat_job_done schedules the next flush */
	chat_write_rows(chat_batch.st, &chat_batch.b);
	chat_free_rows(&chat_batch.b);
}

static void chat_on_flush(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	chat_flush_rows(false);
}

void server_api_chat_detach(void)
{
	chat_batch.detached = true;
	chat_batch.workers = NULL;
}

void server_api_chat_flush(void)
{
	chat_flush_rows(true);
	if (chat_batch.timer != NULL)
		event_free(chat_batch.timer);
	chat_batch.timer = NULL;
	if (chat_batch.wst != NULL && !chat_batch.out)
		store_close(chat_batch.wst);
	if (!chat_batch.out)
		chat_batch.wst = NULL;
}

static void chat_record(struct chat_stream *s, const char *status)
{
	struct store_model_usage *u;
	struct work_ctx wall = {s->st, NULL, NULL, NULL};
	struct timeval tv = {0, CHAT_FLUSH_MS * 1000};

	if (chat_batch.b.n == CHAT_BATCH_MAX || (chat_batch.b.n > 0 && chat_batch.st != s->st))
		chat_flush_rows(true);
	chat_batch.st = s->st;
	u = &chat_batch.b.rows[chat_batch.b.n++];
	memset(u, 0, sizeof(*u));
	u->ts = work_now(&wall);
	u->user_id = s->user_id;
	u->department_id = s->dept_id;
	u->provider = xstrdup(s->provider);
	u->model = xstrdup(s->model);
	u->status = status; /* a string literal */
	server_usage_fill(u, &s->usage, s->start_ns, s->first_ns);
	buf_addc(&s->reasoning, '\0');
	u->reasoning = xstrdup(s->reasoning.p);
	if (chat_batch.timer == NULL)
		chat_batch.timer = evtimer_new(s->base, chat_on_flush, NULL);
	if (!evtimer_pending(chat_batch.timer, NULL))
		evtimer_add(chat_batch.timer, &tv);
}

static void chat_free(struct chat_stream *s)
{
	if (s->ping != NULL)
		event_free(s->ping);
	evbuffer_free(s->out);
	buf_free(&s->reasoning);
	free(s);
}

/* The reply is complete: the connection goes back to keep-alive. */
static void chat_finish(struct chat_stream *s)
{
	evhttp_connection_set_closecb(s->con, NULL, NULL);
	evhttp_send_reply_end(s->req);
	chat_free(s);
}

static void chat_on_queued(size_t position, void *arg)
{
	struct chat_stream *s = arg;

	chat_send(s, "queued", json_pack("{s:I}", "position", (json_int_t)position));
}

static int chat_on_event(const struct model_event *ev, void *arg)
{
	struct chat_stream *s = arg;

	switch (ev->type) {
	case MODEL_EV_REASONING:
		if (s->first_ns == 0)
			s->first_ns = base_now_ns();
		if (s->reasoning.len + ev->len < STORE_MODEL_REASONING_MAX)
			buf_add(&s->reasoning, ev->text, ev->len);
		chat_send_text(s, "reasoning", ev->text, ev->len);
		break;
	case MODEL_EV_DELTA:
		if (s->first_ns == 0)
			s->first_ns = base_now_ns();
		chat_send_text(s, "delta", ev->text, ev->len);
		break;
	case MODEL_EV_USAGE:
		s->usage = ev->usage;
		break;
	case MODEL_EV_DONE:
		snprintf(s->finish, sizeof(s->finish), "%s", ev->finish);
		break;
	case MODEL_EV_ERROR:
		break;
	}
	return 0;
}

static void chat_on_end(int rc, const struct err *e, bool started, void *arg)
{
	struct chat_stream *s = arg;

	s->ticket = NULL;
	if (rc == 0 && strcmp(s->finish, "insufficient_system_resource") == 0) {
		chat_send(s, "error",
			  json_pack("{s:s,s:s,s:b}", "code", "model_truncated", "message",
				    "模型资源不足，回答被截断", "truncated", 1));
		chat_record(s, "error");
	} else if (rc == 0) {
		chat_send(s, "done",
			  json_pack("{s:s,s:{s:I,s:I,s:I}}", "finish_reason", s->finish, "usage",
				    "prompt_tokens", (json_int_t)s->usage.prompt_tokens,
				    "completion_tokens", (json_int_t)s->usage.completion_tokens,
				    "reasoning_tokens", (json_int_t)s->usage.reasoning_tokens));
		chat_record(s, "done");
	} else {
		chat_send(s, "error",
			  json_pack("{s:s,s:s,s:b}", "code",
				    started ? "model_interrupted" : "model_error", "message",
				    e->msg, "truncated", started));
		chat_record(s, "error");
	}
	chat_finish(s);
}

/* The client went away: abort upstream, keep the record. */
static void chat_on_close(struct evhttp_connection *con, void *arg)
{
	struct chat_stream *s = arg;

	(void)con;
	if (s->ticket != NULL)
		model_ticket_cancel(s->ticket);
	chat_record(s, "aborted");
	/* evhttp detached the unfinished request from the dying connection;
	 * ending it frees it. */
	evhttp_send_reply_end(s->req);
	server_stream_abandoned(s->srv);
	chat_free(s);
}

static void chat_on_ping(evutil_socket_t fd, short what, void *arg)
{
	struct chat_stream *s = arg;

	(void)fd;
	(void)what;
	if (base_now_ns() - s->last_write_ns >= (uint64_t)CHAT_PING_MS * 1000000) {
		evbuffer_add(s->out, ": ping\n\n", 8);
		evhttp_send_reply_chunk(s->req, s->out);
		s->last_write_ns = base_now_ns();
	}
}

/* The model request body from the client's messages (role and content
 * only), or a 400 reply and NULL. */
static char *chat_request_body(struct server_req *r, const struct model_provider *p)
{
	json_t *body = server_body_json(r);
	json_t *msgs, *m;
	struct model_msg list[CHAT_MAX_MESSAGES];
	size_t n = 0, i;
	char *out = NULL;
	const char *one;

	if (body == NULL)
		return NULL;
	msgs = json_object_get(body, "messages");
	one = json_string_value(json_object_get(body, "message"));
	if (one != NULL && msgs == NULL) {
		list[n].role = "user";
		list[n++].content = one;
	} else if (json_is_array(msgs) && json_array_size(msgs) > 0 &&
		   json_array_size(msgs) <= CHAT_MAX_MESSAGES) {
		json_array_foreach(msgs, i, m)
		{
			const char *role = json_string_value(json_object_get(m, "role"));
			const char *content = json_string_value(json_object_get(m, "content"));

			if (role == NULL || content == NULL ||
			    (strcmp(role, "user") != 0 && strcmp(role, "assistant") != 0 &&
			     strcmp(role, "system") != 0)) {
				server_reply_error(r, 400, "bad_request",
						   "messages 的每一项须有 role（user、assistant 或 "
						   "system）和 content 字符串");
				json_decref(body);
				return NULL;
			}
			list[n].role = role;
			list[n++].content = content;
		}
	}
	if (n == 0) {
		server_reply_error(r, 400, "bad_request",
				   "请提供 message（问题）或 messages（1–200 条对话）");
		json_decref(body);
		return NULL;
	}
	out = model_request_body(p, list, n, true);
	json_decref(body);
	return out;
}

bool server_model_quota_ok(struct server_req *r, const struct model_provider *p)
{
	int64_t now = work_now(&r->ctx);
	int64_t used = 0;
	struct err e = {0};
	char msg[160];

	if (p->daily_tokens <= 0)
		return true;
	/* The day starts at 00:00 UTC+8 (the offices' time zone). */
	if (store_model_usage_tokens_since(server_store(r), r->user.id,
					   now - (now + 8 * 3600000LL) % 86400000LL, &used,
					   &e) != 0) {
		server_reply_err(r, &e);
		return false;
	}
	if (used < p->daily_tokens)
		return true;
	snprintf(msg, sizeof(msg), "今日模型用量已达上限（%lld 词元），请明日再试或联系管理员",
		 (long long)p->daily_tokens);
	server_reply_error(r, 429, "quota_exceeded", msg);
	return false;
}

void server_api_chat(struct server_req *r)
{
	struct model_gateway *gw = server_gateway(r);
	const struct model_provider *p;
	struct model_ticket_cbs cbs = {chat_on_queued, chat_on_event, chat_on_end, NULL};
	struct chat_stream *s;
	struct timeval tick = {0, CHAT_PING_MS * 1000};
	struct err e = {0};
	char *body;

	if (gw == NULL) {
		server_reply_error(r, 503, "no_model",
				   "未配置模型：请管理员在配置文件中设置 model（见 "
				   "docs/OPERATIONS.md），未配置时各功能使用规则与模板完成");
		return;
	}
	p = model_gateway_provider(gw);
	if (!server_model_quota_ok(r, p))
		return;
	body = chat_request_body(r, p);
	if (body == NULL)
		return;
	if (!chat_batch.detached) {
		chat_batch.workers = server_workers_of(r);
		chat_batch.db_path = server_db_path(r);
	}
	s = xcalloc(1, sizeof(*s));
	s->srv = r->srv;
	s->st = server_store(r);
	s->base = server_event_base(r);
	s->user_id = r->user.id;
	s->dept_id = r->user.department_id;
	snprintf(s->provider, sizeof(s->provider), "%s", p->name);
	snprintf(s->model, sizeof(s->model), "%s", p->model);
	s->start_ns = base_now_ns();
	s->last_write_ns = s->start_ns;
	s->out = evbuffer_new();
	buf_init(&s->reasoning, STORE_MODEL_REASONING_MAX + 1);
	cbs.arg = s;
	if (model_gateway_submit(gw, s->dept_id, body, &cbs, &s->ticket, &e) != 0) {
		free(body);
		chat_free(s);
		server_add_header(r, "Retry-After", "5");
		server_reply_err(r, &e);
		return;
	}
	free(body);
	s->req = server_reply_stream_start(r, "text/event-stream; charset=utf-8");
	s->con = evhttp_request_get_connection(s->req);
	server_stream_out_init(s->req, &s->sout);
	evhttp_connection_set_closecb(s->con, chat_on_close, s);
	s->ping = event_new(server_event_base(r), -1, EV_PERSIST, chat_on_ping, s);
	event_add(s->ping, &tick);
	model_gateway_pump_now(gw); /* the stream is ready for its events */
}
