/*
 * server/api_slides: slides from text over HTTP, on the same code as
 * `shuzhi slides` (src/slides/):
 *   POST /api/slides/outline       upload .txt/.md/.docx -> extractive outline
 *   POST /api/slides/outline-text  {"text","use_model"?} -> outline; with
 *        use_model and a model configured: SSE (queued/delta/done/error) of
 *        the model writing the outline, validated by the outline parser; on
 *        a model error or an answer that does not parse, done carries the
 *        extractive outline and says why (fallback).
 *   POST /api/slides/preview       {"outline","template"} -> the planned deck
 *   POST /api/slides/render        {"outline","template","title"} -> .pptx
 *   GET  /api/slides/templates     the templates and their colours
 * Outlines are bounded by the parser's SLIDES_MAX_INPUT; bodies by the
 * server's max_body_bytes / max_upload_bytes. Generating a deck is audited
 * (slides.render) with sizes and counts, never the text. A model outline
 * counts against the user's daily quota like /api/chat, leaves a
 * model_usage row (reasoning kept there only: it is neither forwarded nor
 * put in the outline) and an audit entry (slides.outline_model).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>

#include "doc/xml.h"
#include "model/model.h"
#include "server/server_internal.h"
#include "slides/slides.h"
#include "store/model_store.h"
#include "text/text.h"
#include "work/audit.h"

/* Pasted text sent to the model: longer text is cut at a character
 * boundary (the extractive fallback still sees all of it). */
#define SLIDES_MODEL_MAX_TEXT (48 * 1024)
#define SLIDES_PING_MS	      300

static const char slides_prompt[] =
    "你是政府机关的演示文稿助手。请把用户给出的材料整理成演示文稿大纲，"
    "只输出大纲本身，不要任何解释，不要用代码块包裹。大纲格式（每行一项）：\n"
    "% 标题: 演示文稿标题\n"
    "# 一、章节名\n"
    "## 幻灯片标题\n"
    "- 要点（每页 3–6 条，每条不超过 30 字）\n"
    "  - 二级要点（行首两个空格）\n"
    "> 演讲者备注\n"
    "@layout bullets|two_column|table|chart|timeline（可省略，自动选择）\n"
    "表格用 | 列1 | 列2 | 的行；图表用 ```chart bar 开始、``` 结束，"
    "中间第一行是“类别,系列名”，之后每行“类别,数值”。\n"
    "数字、时间和事实只能来自材料，不要编造。";

/* "第 N 行：…" -> N, else 0. */
static long slides_err_line(const char *msg)
{
	const char *p = strstr(msg, "第 ");
	char *end;
	long n;

	if (p == NULL)
		return 0;
	n = strtol(p + strlen("第 "), &end, 10);
	if (end == p + strlen("第 ") || strncmp(end, " 行", strlen(" 行")) != 0)
		return 0;
	return n;
}

static json_t *slides_errors_json(const struct err *e)
{
	long line = slides_err_line(e->msg);

	return json_pack("[{s:o,s:s}]", "line", line > 0 ? json_integer(line) : json_null(),
			 "message", e->msg);
}

/* Parse and write back: the outline text every reply carries. */
static int slides_normalize(const char *text, size_t len, struct buf *out, size_t *count,
			    struct err *e)
{
	struct slides_outline *o = NULL;

	if (slides_outline_parse(text, len, &o, e) != 0)
		return e->code;
	slides_outline_write(o, out);
	*count = o->nslides;
	slides_outline_free(o);
	return 0;
}

static bool slides_looks_md(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((i == 0 || s[i - 1] == '\n') && s[i] == '#')
			return true;
	return false;
}

/* The extractive outline of source bytes, normalized. */
static int slides_extractive(const char *data, size_t len, const char *kind, const char *label,
			     struct buf *out, size_t *count, struct err *e)
{
	struct buf raw;
	int rc;

	doc_xml_init();
	buf_init(&raw, (size_t)8 << 20);
	rc = slides_extract(data, len, kind, label, &raw, e);
	if (rc == 0)
		rc = slides_normalize(raw.p, raw.len, out, count, e);
	buf_free(&raw);
	return rc;
}

static void slides_reply_outline(struct server_req *r, const struct buf *outline, size_t count,
				 const char *notice)
{
	json_t *o = json_pack("{s:s%,s:s,s:I}", "outline", outline->p ? outline->p : "",
			      outline->len, "source", "extractive", "slides", (json_int_t)count);

	if (notice != NULL)
		json_object_set_new(o, "notice", json_string(notice));
	server_reply_json(r, 200, o);
}

/* e from the extractor or the parser -> 400/413/500. */
static void slides_reply_input_err(struct server_req *r, const struct err *e)
{
	if (e->code == BASE_E_IO || e->code == BASE_E_INTERNAL)
		server_reply_err(r, e);
	else if (e->code == BASE_E_LIMIT)
		server_reply_error(r, 413, "too_large", e->msg);
	else
		server_reply_error(r, 400, "bad_request", e->msg);
}

void server_api_slides_outline(struct server_req *r)
{
	const char *name = server_upload_name(r);
	const char *dot, *kind, *path;
	struct err e = {0};
	struct buf out;
	char *data = NULL;
	size_t len = 0, count = 0;
	int64_t size = 0;

	if (name == NULL) {
		server_reply_error(r, 400, "bad_request",
				   "请在 X-File-Name 中给出文件名（.txt、.md 或 .docx）");
		return;
	}
	dot = strrchr(name, '.');
	if (dot != NULL && strcasecmp(dot, ".docx") == 0)
		kind = "docx";
	else if (dot != NULL && (strcasecmp(dot, ".md") == 0 || strcasecmp(dot, ".markdown") == 0))
		kind = "md";
	else if (dot != NULL && strcasecmp(dot, ".txt") == 0)
		kind = "txt";
	else {
		server_reply_error(r, 415, "unsupported_media_type",
				   "只能从 .txt、.md 或 .docx 文件生成大纲");
		return;
	}
	path = server_upload(r, &size);
	if (path == NULL)
		return;
	if (base_read_file(path, SLIDES_MAX_SOURCE, &data, &len, &e) != 0) {
		if (e.code == BASE_E_LIMIT)
			server_reply_error(r, 413, "too_large", "文件过大（最多 20 MB）");
		else
			server_reply_err(r, &e);
		return;
	}
	buf_init(&out, (size_t)8 << 20);
	if (slides_extractive(data, len, kind, name, &out, &count, &e) != 0)
		slides_reply_input_err(r, &e);
	else
		slides_reply_outline(r, &out, count, NULL);
	buf_free(&out);
	free(data);
}

/* ---- the model writes the outline (SSE) ---- */

struct slides_stream {
	struct evhttp_request *req;
	struct evhttp_connection *con;
	struct server *srv;
	struct store *st;
	struct model_ticket *ticket;
	struct event *ping;
	char actor[STORE_NAME_MAX + 8];
	int64_t user_id, dept_id;
	char provider[64], model[128];
	uint64_t start_ns, first_ns;
	struct buf reasoning; /* kept for the usage record only */
	struct buf answer;    /* the model's answer text (no reasoning) */
	struct buf fallback;  /* the extractive outline */
	size_t fallback_count;
	size_t source_bytes;
	bool over; /* the answer passed SLIDES_MAX_INPUT */
	struct model_usage usage;
	uint64_t last_write_ns;
	struct evbuffer *out;
};

static void slides_send(struct slides_stream *s, const char *name, json_t *data)
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

static void slides_stream_free(struct slides_stream *s)
{
	if (s->ping != NULL)
		event_free(s->ping);
	if (s->out != NULL)
		evbuffer_free(s->out);
	buf_free(&s->answer);
	buf_free(&s->fallback);
	buf_free(&s->reasoning);
	free(s);
}

static void slides_on_queued(size_t position, void *arg)
{
	slides_send(arg, "queued", json_pack("{s:I}", "position", (json_int_t)position));
}

static int slides_on_event(const struct model_event *ev, void *arg)
{
	struct slides_stream *s = arg;

	if (ev->type == MODEL_EV_USAGE)
		s->usage = ev->usage;
	if ((ev->type == MODEL_EV_DELTA || ev->type == MODEL_EV_REASONING) && s->first_ns == 0)
		s->first_ns = base_now_ns();
	/* reasoning stays out of the outline and of the page: the record only */
	if (ev->type == MODEL_EV_REASONING &&
	    s->reasoning.len + ev->len < STORE_MODEL_REASONING_MAX)
		buf_add(&s->reasoning, ev->text, ev->len);
	if (ev->type != MODEL_EV_DELTA || ev->len == 0)
		return 0;
	if (s->answer.len + ev->len > SLIDES_MAX_INPUT) {
		s->over = true;
		return 0;
	}
	buf_add(&s->answer, ev->text, ev->len);
	slides_send(s, "delta", json_pack("{s:s%}", "text", ev->text, ev->len));
	return 0;
}

/* A model answer wrapped in a ``` fence (```markdown … ```): the inside. */
static void slides_unfence(const char **p, size_t *n)
{
	const char *s = *p, *end = *p + *n, *nl;

	while (s < end && (*s == ' ' || *s == '\n' || *s == '\r' || *s == '\t'))
		s++;
	while (end > s && (end[-1] == ' ' || end[-1] == '\n' || end[-1] == '\r' || end[-1] == '\t'))
		end--;
	if (end - s >= 6 && memcmp(s, "```", 3) == 0 && memcmp(end - 3, "```", 3) == 0 &&
	    strncmp(s, "```chart", 8) != 0 && (nl = memchr(s, '\n', (size_t)(end - s))) != NULL) {
		s = nl + 1;
		end -= 3;
	}
	*p = s;
	*n = (size_t)(end - s);
}

/* A model_usage row, as /api/chat leaves one (tokens, timings, reasoning). */
static void slides_usage(struct slides_stream *s, const char *status)
{
	struct work_ctx ctx = {s->st, s->actor, NULL, NULL};
	struct store_model_usage u = {0};

	u.user_id = s->user_id;
	u.department_id = s->dept_id;
	u.provider = s->provider;
	u.model = s->model;
	u.status = status;
	server_usage_add(&ctx, &u, &s->usage, s->start_ns, s->first_ns, &s->reasoning, "slides");
}

static void slides_audit_model(struct slides_stream *s, const char *source, size_t outline_bytes)
{
	struct work_ctx ctx = {s->st, s->actor, NULL, NULL};
	struct err e = {0};
	json_t *d =
	    json_pack("{s:s,s:I,s:I,s:I,s:I}", "source", source, "source_bytes",
		      (json_int_t)s->source_bytes, "outline_bytes", (json_int_t)outline_bytes,
		      "prompt_tokens", (json_int_t)s->usage.prompt_tokens, "completion_tokens",
		      (json_int_t)s->usage.completion_tokens);

	if (work_audit_append(&ctx, "slides.outline_model", s->actor, d, &e) != 0)
		base_log(LOG_ERROR, "slides: 审计记录失败：%s", e.msg);
	json_decref(d);
}

/* The done event: the model's outline when it parses, else the fallback. */
static void slides_done(struct slides_stream *s, const char *why)
{
	struct err e = {0};
	struct buf norm;
	size_t count = 0;
	const char *p = s->answer.p ? s->answer.p : "";
	size_t n = s->answer.len;
	char reason[sizeof(e.msg) + 64];

	buf_init(&norm, (size_t)8 << 20);
	if (why == NULL && s->over) {
		why = "模型输出超过大纲上限（1 MB）";
	} else if (why == NULL) {
		slides_unfence(&p, &n);
		if (slides_normalize(p, n, &norm, &count, &e) == 0) {
			slides_send(s, "done",
				    json_pack("{s:s%,s:s,s:b,s:I}", "outline", norm.p, norm.len,
					      "source", "model", "fallback", 0, "slides",
					      (json_int_t)count));
			slides_audit_model(s, "model", norm.len);
			buf_free(&norm);
			return;
		}
		snprintf(reason, sizeof(reason), "模型输出的大纲无法解析（%s）", e.msg);
		why = reason;
	}
	buf_free(&norm);
	slides_send(s, "done",
		    json_pack("{s:s%,s:s,s:b,s:s,s:I}", "outline", s->fallback.p, s->fallback.len,
			      "source", "extractive", "fallback", 1, "reason", why, "slides",
			      (json_int_t)s->fallback_count));
	slides_audit_model(s, "extractive", s->fallback.len);
}

static void slides_finish(struct slides_stream *s)
{
	evhttp_connection_set_closecb(s->con, NULL, NULL);
	evhttp_send_reply_end(s->req);
	slides_stream_free(s);
}

static void slides_on_end(int rc, const struct err *e, bool started, void *arg)
{
	struct slides_stream *s = arg;
	char why[sizeof(e->msg) + 64];

	(void)started;
	s->ticket = NULL;
	slides_usage(s, rc == 0 ? "done" : "error");
	if (rc != 0) {
		snprintf(why, sizeof(why), "模型调用失败（%s）", e->msg);
		slides_done(s, why);
	} else {
		slides_done(s, NULL);
	}
	slides_finish(s);
}

static void slides_on_close(struct evhttp_connection *con, void *arg)
{
	struct slides_stream *s = arg;

	(void)con;
	if (s->ticket != NULL) {
		model_ticket_cancel(s->ticket);
		slides_usage(s, "aborted");
	}
	evhttp_send_reply_end(s->req);
	server_stream_abandoned(s->srv);
	slides_stream_free(s);
}

static void slides_on_ping(evutil_socket_t fd, short what, void *arg)
{
	struct slides_stream *s = arg;

	(void)fd;
	(void)what;
	if (base_now_ns() - s->last_write_ns >= (uint64_t)SLIDES_PING_MS * 1000000) {
		evbuffer_add(s->out, ": ping\n\n", 8);
		evhttp_send_reply_chunk(s->req, s->out);
		s->last_write_ns = base_now_ns();
	}
}

/* Start the SSE reply; s->fallback is ready. Takes s. */
static void slides_stream_start(struct server_req *r, struct model_gateway *gw,
				struct slides_stream *s, const char *text, size_t len)
{
	struct model_ticket_cbs cbs = {slides_on_queued, slides_on_event, slides_on_end, s};
	struct timeval tick = {0, SLIDES_PING_MS * 1000};
	struct model_msg msgs[2];
	struct err e = {0};
	char *user, *body;
	size_t cut = len;
	int rc;

	if (cut > SLIDES_MODEL_MAX_TEXT) {
		cut = SLIDES_MODEL_MAX_TEXT;
		while (cut > 0 && ((unsigned char)text[cut] & 0xC0) == 0x80)
			cut--;
	}
	user = xstrndup(text, cut);
	msgs[0].role = "system";
	msgs[0].content = slides_prompt;
	msgs[1].role = "user";
	msgs[1].content = user;
	body = model_request_body(model_gateway_provider(gw), msgs, 2, true);
	free(user);
	s->srv = r->srv;
	s->st = server_store(r);
	snprintf(s->actor, sizeof(s->actor), "%s", r->actor);
	s->user_id = r->user.id;
	s->dept_id = r->user.department_id;
	snprintf(s->provider, sizeof(s->provider), "%s", model_gateway_provider(gw)->name);
	snprintf(s->model, sizeof(s->model), "%s", model_gateway_provider(gw)->model);
	s->start_ns = base_now_ns();
	s->out = evbuffer_new();
	s->last_write_ns = base_now_ns();
	rc = model_gateway_submit(gw, r->user.department_id, body, &cbs, &s->ticket, &e);
	free(body);
	s->req = server_reply_stream_start(r, "text/event-stream; charset=utf-8");
	s->con = evhttp_request_get_connection(s->req);
	if (rc != 0) {
		char why[sizeof(e.msg) + 64];

		snprintf(why, sizeof(why), "模型暂不可用（%s）", e.msg);
		slides_done(s, why);
		slides_finish(s);
		return;
	}
	evhttp_connection_set_closecb(s->con, slides_on_close, s);
	s->ping = event_new(server_event_base(r), -1, EV_PERSIST, slides_on_ping, s);
	event_add(s->ping, &tick);
}

void server_api_slides_outline_text(struct server_req *r)
{
	json_t *body = server_body_json(r);
	json_t *use = NULL;
	struct model_gateway *gw = server_gateway(r);
	struct slides_stream *s;
	const char *text;
	size_t len, count = 0;
	struct err e = {0};
	struct buf out;

	if (body == NULL)
		return;
	text = json_string_value(json_object_get(body, "text"));
	use = json_object_get(body, "use_model");
	if (text == NULL || (use != NULL && !json_is_boolean(use))) {
		json_decref(body);
		server_reply_error(r, 400, "bad_request",
				   "请提供 text（材料文本）；use_model 须为 true 或 false");
		return;
	}
	len = json_string_length(json_object_get(body, "text"));
	s = xcalloc(1, sizeof(*s));
	buf_init(&s->answer, SLIDES_MAX_INPUT + 1);
	buf_init(&s->fallback, (size_t)8 << 20);
	buf_init(&s->reasoning, STORE_MODEL_REASONING_MAX + 1);
	s->source_bytes = len;
	if (slides_extractive(text, len, slides_looks_md(text, len) ? "md" : "txt", "粘贴的文本",
			      &s->fallback, &s->fallback_count, &e) != 0) {
		json_decref(body);
		slides_stream_free(s);
		slides_reply_input_err(r, &e);
		return;
	}
	if (json_is_true(use) && gw != NULL) {
		if (!server_model_quota_ok(r, model_gateway_provider(gw))) {
			json_decref(body);
			slides_stream_free(s);
			return;
		}
		slides_stream_start(r, gw, s, text, len);
		json_decref(body);
		return;
	}
	json_decref(body);
	out = s->fallback;
	count = s->fallback_count;
	memset(&s->fallback, 0, sizeof(s->fallback));
	slides_stream_free(s);
	slides_reply_outline(r, &out, count,
			     json_is_true(use) ? "未配置模型，已用规则从文本提取大纲" : NULL);
	buf_free(&out);
}

/* ---- preview, render, templates ---- */

/* Outline and template from a JSON body, or a reply and -1. */
static int slides_body(struct server_req *r, json_t **body, const char **outline, size_t *len,
		       const struct slides_template **t)
{
	json_t *tv;

	*body = server_body_json(r);
	if (*body == NULL)
		return -1;
	*outline = json_string_value(json_object_get(*body, "outline"));
	tv = json_object_get(*body, "template");
	if (*outline == NULL || (tv != NULL && !json_is_null(tv) && !json_is_string(tv))) {
		json_decref(*body);
		server_reply_error(r, 400, "bad_request", "请提供 outline（大纲文本）和 template");
		return -1;
	}
	*len = json_string_length(json_object_get(*body, "outline"));
	*t = slides_template_find(json_string_value(tv));
	if (*t == NULL) {
		json_decref(*body);
		server_reply_error(r, 400, "bad_request",
				   "未知模板（可用：政务红 zhengwu、科技蓝 keji、简约 jianyue）");
		return -1;
	}
	if (*len > SLIDES_MAX_INPUT) {
		json_decref(*body);
		server_reply_error(r, 413, "too_large", "大纲过大（最多 1 MB）");
		return -1;
	}
	return 0;
}

/* A title fit for a deck and a file name: no control characters, at most
 * SLIDES_MAX_TITLE code points. */
static bool slides_title_ok(const char *s)
{
	size_t cps = 0;

	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f)
			return false;
		cps += (*p & 0xC0) != 0x80;
	}
	return cps <= SLIDES_MAX_TITLE;
}

/* "title" of the body over the outline's "% 标题", or a 400 reply and -1. */
static int slides_title(struct server_req *r, json_t *body, struct slides_outline *o)
{
	json_t *tv = json_object_get(body, "title");
	const char *title = json_string_value(tv);

	if ((tv != NULL && !json_is_null(tv) && title == NULL) ||
	    (title != NULL && !slides_title_ok(title))) {
		server_reply_error(r, 400, "bad_request",
				   "标题须为文本，不能含控制字符，最多 120 字");
		return -1;
	}
	if (title != NULL && title[0] != '\0') {
		free(o->title);
		o->title = xstrdup(title);
	}
	return 0;
}

void server_api_slides_preview(struct server_req *r)
{
	json_t *body;
	const char *text;
	size_t len;
	const struct slides_template *t;
	struct slides_outline *o = NULL;
	struct err e = {0};
	struct buf out;

	if (slides_body(r, &body, &text, &len, &t) != 0)
		return;
	if (slides_outline_parse(text, len, &o, &e) != 0) {
		json_decref(body);
		server_reply_json(r, 200,
				  json_pack("{s:i,s:[],s:s,s:o}", "count", 0, "slides", "template",
					    slides_template_id(t), "errors",
					    slides_errors_json(&e)));
		return;
	}
	if (slides_title(r, body, o) != 0) {
		json_decref(body);
		slides_outline_free(o);
		return;
	}
	json_decref(body);
	buf_init(&out, (size_t)64 << 20);
	slides_preview_json(o, t, &out);
	server_reply_raw(r, 200, "application/json; charset=utf-8", out.p, out.len);
	buf_free(&out);
	slides_outline_free(o);
}

/* Content-Disposition with an ASCII fallback and the RFC 5987 UTF-8 name. */
static void slides_disposition(struct server_req *r, const char *title)
{
	static const char hex[] = "0123456789ABCDEF";
	struct buf d;

	buf_init(&d, 4096);
	buf_adds(&d, "attachment; filename=\"slides.pptx\"; filename*=UTF-8''");
	for (const unsigned char *p = (const unsigned char *)title; *p != '\0'; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~", *p) != NULL) {
			buf_addc(&d, (char)*p);
		} else if (*p == '/' || *p == '\\') {
			buf_addc(&d, '_');
		} else {
			buf_addc(&d, '%');
			buf_addc(&d, hex[*p >> 4]);
			buf_addc(&d, hex[*p & 15]);
		}
	}
	buf_adds(&d, ".pptx");
	buf_addc(&d, '\0');
	server_add_header(r, "Content-Disposition", d.p);
	buf_free(&d);
}

void server_api_slides_render(struct server_req *r)
{
	json_t *body, *detail;
	const char *text;
	size_t len, plen = 0, nslides = 0;
	const struct slides_template *t;
	struct slides_outline *o = NULL;
	struct slides_render_opts opts = {0};
	struct err e = {0};
	char *pptx = NULL;
	char count[32];

	if (slides_body(r, &body, &text, &len, &t) != 0)
		return;
	if (slides_outline_parse(text, len, &o, &e) != 0) {
		json_decref(body);
		server_reply_json(r, e.code == BASE_E_LIMIT ? 413 : 400,
				  json_pack("{s:{s:s,s:s},s:o}", "error", "code",
					    e.code == BASE_E_LIMIT ? "too_large" : "bad_outline",
					    "message", e.msg, "errors", slides_errors_json(&e)));
		return;
	}
	if (slides_title(r, body, o) != 0) {
		json_decref(body);
		slides_outline_free(o);
		return;
	}
	json_decref(body);
	opts.nslides_out = &nslides; /* images: no directory on the server -> captions */
	if (slides_render(o, t, &opts, &pptx, &plen, &e) != 0) {
		slides_outline_free(o);
		slides_reply_input_err(r, &e);
		return;
	}
	detail = json_pack("{s:I,s:I,s:I,s:s}", "outline_bytes", (json_int_t)len, "slides",
			   (json_int_t)nslides, "pptx_bytes", (json_int_t)plen, "template",
			   slides_template_id(t));
	if (work_audit_append(&r->ctx, "slides.render", r->actor, detail, &e) != 0) {
		json_decref(detail);
		free(pptx);
		slides_outline_free(o);
		server_reply_err(r, &e);
		return;
	}
	json_decref(detail);
	slides_disposition(r, o->title != NULL ? o->title : "演示文稿");
	snprintf(count, sizeof(count), "%zu", nslides);
	server_add_header(r, "X-Slides-Count", count);
	server_reply_raw(
	    r, 200, "application/vnd.openxmlformats-officedocument.presentationml.presentation",
	    pptx, plen);
	free(pptx);
	slides_outline_free(o);
}

void server_api_slides_templates(struct server_req *r)
{
	struct buf out;
	json_t *v;

	buf_init(&out, (size_t)1 << 20);
	slides_templates_json(&out);
	v = json_loadb(out.p, out.len, 0, NULL);
	buf_free(&out);
	if (v == NULL) {
		server_reply_error(r, 500, "internal", "服务器内部错误");
		return;
	}
	json_object_set_new(v, "model", json_boolean(server_gateway(r) != NULL));
	server_reply_json(r, 200, v);
}
