/*
 * server/api_portal: the enterprise-service Q&A portal (Wuxi's layout): the
 * answer on top, the original passages below. Public: anonymous visitors
 * search the public knowledge bases only, rate-limited per address; logged-in
 * staff also search the internal ones and those of their department.
 *
 * Without a model the answer is extractive (kb_extractive_answer: the best
 * sentences of the passages, each with its [n] citation) and says so; a
 * citizen never gets an error page for a question, only an honest "没有找到".
 *
 * With an "embedding" provider configured, the passages are ranked by
 * hybrid search (kb_hybrid.c): the search and the answer carry "mode"
 * ("hybrid" | "bm25") and "mode_note" (why keyword only: the embedding
 * endpoint down or slow, no vectors yet), and both rank with the same
 * cached question vector, so the answer's [n] are the passages shown.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>

#include "kb/kb.h"
#include "model/model.h"
#include "server/server_internal.h"
#include "store/kb_store.h"
#include "text/text.h"

#define PORTAL_PAGE	 10
#define PORTAL_POOL	 50  /* passages ranked before filtering and paging */
#define PORTAL_ANSWER_CP 300 /* code points of the extractive answer */
#define PORTAL_MAX_KBS	 64
#define PORTAL_CITED	 5 /* passages the answer may cite: [1]..[5] */
#define PORTAL_NOTHING	 "没有找到与问题直接相关的条文，请换一种说法再试。"
#define PORTAL_NOTE_EXTRACTIVE                                                                     \
	"摘录式回答（未使用模型）：由下方检索到的原文摘录组成，请以原文为准。"

struct portal_kbs {
	struct server_req *r;
	char *names[PORTAL_MAX_KBS];
	size_t n;
};

static int portal_kb_cb(const struct kb_store_kb *kb, void *arg)
{
	struct portal_kbs *k = arg;
	struct server_req *r = k->r;
	bool ok = strcmp(kb->visibility, "public") == 0 ||
		  (r->logged_in && strcmp(kb->visibility, "internal") == 0) ||
		  (r->logged_in && strcmp(kb->visibility, "department") == 0 &&
		   kb->department_id > 0 && kb->department_id == r->user.department_id);

	if (ok && k->n < PORTAL_MAX_KBS)
		k->names[k->n++] = xstrdup(kb->name);
	return 0;
}

static json_t *portal_passage(const struct kb_passage *p, size_t n)
{
	json_t *spans = json_array();

	for (size_t i = 0; i < p->nspans; i++)
		json_array_append_new(spans, json_pack("[I,I]", (json_int_t)p->spans[i].start,
						       (json_int_t)p->spans[i].len));
	return json_pack("{s:I,s:s,s:s?,s:s,s:s,s:s,s:s,s:s,s:s,s:o,s:f,s:b}", "n", (json_int_t)n,
			 "file", p->file, "article", p->article, "title", p->title, "heading",
			 p->heading ? p->heading : "", "validity", p->validity ? p->validity : "",
			 "category", p->category ? p->category : "", "snippet", p->snippet, "text",
			 p->text ? p->text : "", "spans", spans, "score", p->score, "exact",
			 p->exact);
}

static bool portal_keep(const struct kb_passage *p, const char *validity, const char *category)
{
	if (validity != NULL && validity[0] != '\0' &&
	    strcmp(p->validity ? p->validity : "", validity) != 0)
		return false;
	if (category != NULL && category[0] != '\0' &&
	    strcmp(p->category ? p->category : "", category) != 0)
		return false;
	return true;
}

/* Rate limit and the question; false after replying. */
static bool portal_check(struct server_req *r, const char *q)
{
	int64_t retry = 0;

	if (!server_portal_allowed(r, &retry)) {
		server_reply_error(r, 429, "rate_limited", "查询过于频繁，请稍后再试");
		return false;
	}
	if (q == NULL || q[0] == '\0') {
		server_reply_error(r, 400, "bad_request", "请输入要查询的问题");
		return false;
	}
	if (strlen(q) > KB_QUERY_MAX || !text_utf8_valid(q, strlen(q), NULL)) {
		server_reply_error(r, 400, "bad_request",
				   "问题过长或含有无效字符（上限 1024 字节）");
		return false;
	}
	return true;
}

/* The passages of one question: ranked over the kbs r may read, then the
 * filters; kept.p[i] is passage i + 1 on the page and in the answer. */
struct portal_hits {
	struct portal_kbs kbs;
	struct kb_results res;
	struct kb_results kept; /* borrows res's passages */
	json_t *categories;
};

static void portal_hits_free(struct portal_hits *h)
{
	free(h->kept.p);
	kb_results_free(&h->res);
	json_decref(h->categories);
	for (size_t i = 0; i < h->kbs.n; i++)
		free(h->kbs.names[i]);
}

/* k: the question's vector, if any (kb_hybrid.c); its mode is set. */
static int portal_retrieve(struct server_req *r, const char *q, struct server_kbq *kq,
			   struct portal_hits *h, struct err *e)
{
	bool hybrid = false;

	const char *validity = server_query(r, "validity");
	const char *category = server_query(r, "category");

	memset(h, 0, sizeof(*h));
	h->kbs.r = r;
	h->categories = json_array();
	if (kb_store_kb_iter(server_store(r), portal_kb_cb, &h->kbs, e) != 0)
		return e->code;
	if (h->kbs.n > 0 && kq->qv != NULL &&
	    kb_search_hybrid(server_store(r), q, (const char *const *)h->kbs.names, h->kbs.n,
			     PORTAL_POOL, kq->qv, &h->res, &hybrid, e) != 0)
		return e->code;
	if (h->kbs.n > 0 && kq->qv == NULL &&
	    kb_search(server_store(r), q, (const char *const *)h->kbs.names, h->kbs.n, PORTAL_POOL,
		      &h->res, e) != 0)
		return e->code;
	server_kb_hybrid_result(kq, hybrid);
	/* Filters narrow the list; the answer cites the same numbering. */
	h->kept.p = xcalloc(h->res.n + 1, sizeof(*h->kept.p));
	for (size_t i = 0; i < h->res.n; i++) {
		const char *c = h->res.p[i].category ? h->res.p[i].category : "";
		bool seen = false;
		size_t k;
		json_t *v;

		json_array_foreach(h->categories, k, v) seen =
		    seen || strcmp(json_string_value(v), c) == 0;
		if (!seen && c[0] != '\0')
			json_array_append_new(h->categories, json_string(c));
		if (portal_keep(&h->res.p[i], validity, category))
			h->kept.p[h->kept.n++] = h->res.p[i];
	}
	h->kept.answerable = h->res.answerable && h->kept.n > 0;
	return 0;
}

/* The extractive answer of the best passages (new string; "" when none). */
static char *portal_extractive(const char *q, const struct portal_hits *h)
{
	struct kb_results top = {h->kept.p, h->kept.n < PORTAL_CITED ? h->kept.n : PORTAL_CITED,
				 h->kept.answerable};

	return h->kept.n > 0 ? kb_extractive_answer(q, &top, PORTAL_ANSWER_CP) : xstrdup("");
}

/* "mode" and "mode_note" of a search with an embedding model configured
 * (none without one: the answer is as it always was). */
static void portal_mode(json_t *o, const struct server_kbq *k)
{
	if (k->mode == NULL)
		return;
	json_object_set_new(o, "mode", json_string(k->mode));
	json_object_set_new(o, "mode_note", json_string(k->note));
}

static long portal_page(struct server_req *r)
{
	const char *page_s = server_query(r, "page");

	return page_s != NULL ? strtol(page_s, NULL, 10) : 1;
}

static void portal_search_go(struct server_req *r, const char *q, struct server_kbq *k);

void server_api_portal_search(struct server_req *r)
{
	const char *q = server_query(r, "q");
	const char *page_s = server_query(r, "page");
	long page = 1;
	char *end = NULL;

	if (!portal_check(r, q))
		return;
	if (page_s != NULL) {
		page = strtol(page_s, &end, 10);
		if (*end != '\0' || page < 1 || page > PORTAL_POOL / PORTAL_PAGE) {
			server_reply_error(r, 400, "bad_request", "页码无效");
			return;
		}
	}
	server_kb_hybrid_run(r, q, portal_search_go);
}

static void portal_search_go(struct server_req *r, const char *q, struct server_kbq *k)
{
	struct portal_hits h;
	struct err e = {0};
	json_t *results;
	json_t *o;
	char *answer = NULL;
	long page = portal_page(r);

	if (portal_retrieve(r, q, k, &h, &e) != 0) {
		portal_hits_free(&h);
		server_reply_err(r, &e);
		return;
	}
	if (h.kbs.n == 0) {
		portal_hits_free(&h);
		server_reply_json(r, 200,
				  json_pack("{s:{s:s,s:s},s:[],s:[],s:b,s:i,s:i}", "answer", "kind",
					    "none", "text", "暂无可检索的知识库。", "results",
					    "categories", "answerable", 0, "page", 1, "total", 0));
		return;
	}
	results = json_array();
	for (size_t i = (size_t)(page - 1) * PORTAL_PAGE;
	     i < h.kept.n && i < (size_t)page * PORTAL_PAGE; i++)
		json_array_append_new(results, portal_passage(&h.kept.p[i], i + 1));
	answer = portal_extractive(q, &h);
	o = json_pack("{s:{s:s,s:s,s:s},s:o,s:O,s:b,s:I,s:I,s:b,s:I}", "answer", "kind",
		      h.kept.n > 0 ? "extractive" : "none", "text",
		      answer[0] ? answer : PORTAL_NOTHING, "note",
		      h.kept.n > 0 ? PORTAL_NOTE_EXTRACTIVE : "", "results", results, "categories",
		      h.categories, "answerable", h.kept.answerable, "page", (json_int_t)page,
		      "total", (json_int_t)h.kept.n, "logged_in", r->logged_in, "cited",
		      (json_int_t)(h.kept.n < PORTAL_CITED ? h.kept.n : PORTAL_CITED));
	portal_mode(o, k);
	server_reply_json(r, 200, o);
	free(answer);
	portal_hits_free(&h);
}

/*
 * GET /api/portal/answer?q=…[&validity=…&category=…]: the answer to the
 * question as Server-Sent Events, over the same passages (and numbering)
 * as /api/portal/search:
 *   event: start       data: {"cited":K,"model":true|false[,"mode":…,"mode_note":…]}
 *   event: status      data: {"state":"thinking"}   the model reasons (text never sent)
 *   event: delta       data: {"text":"…"}           answer text from the model
 *   event: extractive  data: {"text":"…","note":"…","reason":"…","replace":bool}
 *   event: done        data: {"kind":"model"|"extractive"|"none","dropped_citations":N}
 * The model is told to answer only from passages [1]..[K] and to cite them;
 * a [n] or 【n】 outside 1..K is removed from the stream (kb_cite), 【n】
 * becomes [n]. With no model, a full
 * queue, a connection failure, an error event, or no token within
 * PORTAL_FIRST_TOKEN_MS, the extractive answer comes instead (labelled);
 * if the model fails midway, it replaces the partial answer. The visitor
 * never gets an error for a question the search accepted.
 */
#define PORTAL_FIRST_TOKEN_MS 15000
#define PORTAL_PASSAGE_BYTES  2400 /* of each passage in the prompt */
#define PORTAL_PING_MS	      1000

static const char portal_system[] =
    "你是政务服务平台的政策问答助手。只根据用户消息中编号的原文摘录回答问题，不使用摘录以外的"
    "知识，不编造条文。每句话后用 [n] 标注所依据的摘录编号（n 只能是给出的编号）。摘录中没有答案"
    "时，直接说明“根据现有资料无法回答”，并建议咨询相关部门。回答简洁、准确，使用简体中文。";

struct portal_stream {
	struct evhttp_request *req;
	struct evhttp_connection *con;
	struct server *srv;
	struct model_ticket *ticket;
	struct event *timer; /* first token */
	struct event *ping;
	struct evbuffer *out;
	char *extractive;
	size_t cited;
	struct kb_cite cite; /* [n] outside 1..cited removed */
	bool started, thinking;
};

static void portal_send(struct evbuffer *out, const char *name, json_t *data)
{
	char *text = json_dumps(data, JSON_COMPACT);

	json_decref(data);
	if (text == NULL)
		return;
	evbuffer_add_printf(out, "event: %s\ndata: %s\n\n", name, text);
	free(text);
}

static void portal_send_extractive(struct evbuffer *out, const char *text, const char *reason,
				   bool replace)
{
	bool none = text[0] == '\0';

	portal_send(out, "extractive",
		    json_pack("{s:s,s:s,s:s,s:b}", "text", none ? PORTAL_NOTHING : text, "note",
			      none ? "" : PORTAL_NOTE_EXTRACTIVE, "reason", reason, "replace",
			      replace));
	portal_send(
	    out, "done",
	    json_pack("{s:s,s:i}", "kind", none ? "none" : "extractive", "dropped_citations", 0));
}

static void portal_send_delta(struct portal_stream *s, const char *text, size_t n)
{
	struct buf b;

	buf_init(&b, MODEL_MAX_LINE);
	kb_cite_feed(&s->cite, text, n, &b);
	if (b.len > 0) {
		buf_addc(&b, '\0');
		portal_send(s->out, "delta", json_pack("{s:s}", "text", b.p));
	}
	buf_free(&b);
}

static void portal_stream_free(struct portal_stream *s)
{
	if (s->timer != NULL)
		event_free(s->timer);
	if (s->ping != NULL)
		event_free(s->ping);
	evbuffer_free(s->out);
	free(s->extractive);
	free(s);
}

static void portal_stream_end(struct portal_stream *s)
{
	evhttp_send_reply_chunk(s->req, s->out);
	evhttp_connection_set_closecb(s->con, NULL, NULL);
	evhttp_send_reply_end(s->req);
	portal_stream_free(s);
}

static void portal_on_queued(size_t position, void *arg)
{
	(void)position; /* the visitor sees the results meanwhile */
	(void)arg;
}

static int portal_on_event(const struct model_event *ev, void *arg)
{
	struct portal_stream *s = arg;

	if (ev->type == MODEL_EV_REASONING && !s->thinking) {
		s->thinking = true;
		evtimer_del(s->timer); /* the model is up: it reasons first */
		portal_send(s->out, "status", json_pack("{s:s}", "state", "thinking"));
	} else if (ev->type == MODEL_EV_DELTA && ev->len > 0) {
		s->started = true;
		evtimer_del(s->timer);
		portal_send_delta(s, ev->text, ev->len);
	} else {
		return 0;
	}
	evhttp_send_reply_chunk(s->req, s->out);
	return 0;
}

static void portal_on_end(int rc, const struct err *e, bool started, void *arg)
{
	struct portal_stream *s = arg;

	(void)started;
	s->ticket = NULL;
	if (rc == 0 && s->started) {
		struct buf b;

		buf_init(&b, 64);
		kb_cite_finish(&s->cite, &b); /* a "[1" at the very end is text */
		if (b.len > 0) {
			buf_addc(&b, '\0');
			portal_send(s->out, "delta", json_pack("{s:s}", "text", b.p));
		}
		buf_free(&b);
		portal_send(s->out, "done",
			    json_pack("{s:s,s:I}", "kind", "model", "dropped_citations",
				      (json_int_t)s->cite.dropped));
	} else {
		if (rc != 0)
			base_log(LOG_WARN, "portal: 模型不可用，改用摘录式回答：%s", e->msg);
		portal_send_extractive(s->out, s->extractive,
				       rc != 0 ? (s->started ? "model_interrupted" : "model_error")
					       : "model_empty",
				       s->started);
	}
	portal_stream_end(s);
}

static void portal_on_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct portal_stream *s = arg;

	(void)fd;
	(void)what;
	if (s->ticket != NULL)
		model_ticket_cancel(s->ticket);
	s->ticket = NULL;
	base_log(LOG_WARN, "portal: 模型 %d 秒内未回答，改用摘录式回答",
		 PORTAL_FIRST_TOKEN_MS / 1000);
	portal_send_extractive(s->out, s->extractive, "model_timeout", false);
	portal_stream_end(s);
}

static void portal_on_ping(evutil_socket_t fd, short what, void *arg)
{
	struct portal_stream *s = arg;

	(void)fd;
	(void)what;
	evbuffer_add(s->out, ": ping\n\n", 8);
	evhttp_send_reply_chunk(s->req, s->out);
}

static void portal_on_close(struct evhttp_connection *con, void *arg)
{
	struct portal_stream *s = arg;

	(void)con;
	if (s->ticket != NULL)
		model_ticket_cancel(s->ticket);
	evhttp_send_reply_end(s->req);
	server_stream_abandoned(s->srv);
	portal_stream_free(s);
}

/* The user message: the numbered passages, then the question. */
static char *portal_prompt(const char *q, const struct portal_hits *h, size_t cited)
{
	struct buf b;

	buf_init(&b, (size_t)1 << 20);
	buf_adds(&b, "原文摘录：\n");
	for (size_t i = 0; i < cited; i++) {
		const struct kb_passage *p = &h->kept.p[i];
		const char *t = p->text ? p->text : p->snippet;
		char *cut = xstrndup(t, strlen(t) > PORTAL_PASSAGE_BYTES ? PORTAL_PASSAGE_BYTES
									 : strlen(t));

		model_utf8_clip(cut);
		buf_addf(&b, "[%zu] 《%s》%s%s\n%s\n\n", i + 1, p->title, p->article ? " " : "",
			 p->article ? p->article : "", cut);
		free(cut);
	}
	buf_addf(&b, "问题：%s\n请只根据以上摘录回答，并用 [1]–[%zu] 标注出处。", q, cited);
	return buf_detach(&b, NULL);
}

/* A whole SSE reply at once (no model, nothing found, queue full). */
static void portal_reply_events(struct server_req *r, size_t cited, const char *extractive,
				const char *reason, const struct server_kbq *k)
{
	json_t *start = json_pack("{s:I,s:b}", "cited", (json_int_t)cited, "model", 0);

	struct evbuffer *out = evbuffer_new();
	size_t n;

	portal_mode(start, k);
	portal_send(out, "start", start);
	portal_send_extractive(out, extractive, reason, false);
	n = evbuffer_get_length(out);
	server_add_header(r, "Cache-Control", "no-store");
	server_reply_raw(r, 200, "text/event-stream; charset=utf-8", evbuffer_pullup(out, -1), n);
	evbuffer_free(out);
}

static void portal_answer_go(struct server_req *r, const char *q, struct server_kbq *k);

void server_api_portal_answer(struct server_req *r)
{
	const char *q = server_query(r, "q");

	if (!portal_check(r, q))
		return;
	/* The same ranking as the search: the same cached question vector. */
	server_kb_hybrid_run(r, q, portal_answer_go);
}

static void portal_answer_go(struct server_req *r, const char *q, struct server_kbq *k)
{
	struct model_gateway *gw = server_gateway(r);
	struct model_ticket_cbs cbs = {portal_on_queued, portal_on_event, portal_on_end, NULL};
	struct timeval first = {PORTAL_FIRST_TOKEN_MS / 1000,
				(PORTAL_FIRST_TOKEN_MS % 1000) * 1000};
	struct timeval tick = {PORTAL_PING_MS / 1000, (PORTAL_PING_MS % 1000) * 1000};
	struct model_msg msgs[2];
	struct portal_stream *s;
	struct portal_hits h;
	struct err e = {0};
	char *extractive, *prompt, *body;
	size_t cited;

	if (portal_retrieve(r, q, k, &h, &e) != 0) {
		/* Even a broken index does not leave the visitor with an error page. */
		base_log(LOG_ERROR, "portal: 检索失败：%s", e.msg);
		portal_hits_free(&h);
		portal_reply_events(r, 0, "", "search_failed", k);
		return;
	}
	cited = h.kept.n < PORTAL_CITED ? h.kept.n : PORTAL_CITED;
	extractive = portal_extractive(q, &h);
	if (gw == NULL || cited == 0) {
		portal_reply_events(r, cited, extractive, gw == NULL ? "no_model" : "nothing_found",
				    k);
		free(extractive);
		portal_hits_free(&h);
		return;
	}
	prompt = portal_prompt(q, &h, cited);
	portal_hits_free(&h);
	msgs[0] = (struct model_msg){"system", portal_system};
	msgs[1] = (struct model_msg){"user", prompt};
	body = model_request_body(model_gateway_provider(gw), msgs, 2, true);
	free(prompt);
	s = xcalloc(1, sizeof(*s));
	s->srv = r->srv;
	s->out = evbuffer_new();
	s->extractive = extractive;
	s->cited = cited;
	kb_cite_init(&s->cite, cited);
	cbs.arg = s;
	/* Visitors' answers are public-facing: priority up to public_share. */
	if (model_gateway_submit(gw, MODEL_GROUP_PUBLIC, body, &cbs, &s->ticket, &e) != 0) {
		free(body);
		portal_reply_events(r, cited, extractive, "model_busy", k);
		portal_stream_free(s);
		return;
	}
	free(body);
	s->req = server_reply_stream_start(r, "text/event-stream; charset=utf-8");
	s->con = evhttp_request_get_connection(s->req);
	evhttp_connection_set_closecb(s->con, portal_on_close, s);
	s->timer = evtimer_new(server_event_base(r), portal_on_timeout, s);
	evtimer_add(s->timer, &first);
	s->ping = event_new(server_event_base(r), -1, EV_PERSIST, portal_on_ping, s);
	event_add(s->ping, &tick);
	{
		json_t *start = json_pack("{s:I,s:b}", "cited", (json_int_t)cited, "model", 1);

		portal_mode(start, k);
		portal_send(s->out, "start", start);
	}
	evhttp_send_reply_chunk(s->req, s->out);
}
