/*
 * server/http: the event loop, the dispatcher (route → session → policy →
 * CSRF → handler), reply helpers and the access log. Handlers run on the
 * loop; CPU work goes to the worker pool (server_work_submit, workers.h)
 * and the request is answered when it comes back. "In flight" means a
 * request not yet answered or a reply still being written; shutdown waits
 * for those (bounded by SERVER_SHUTDOWN_GRACE_MS).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <ctype.h>
#include <errno.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <sodium.h>

#include "model/model.h"
#include "server/server_internal.h"
#include "server/settings.h"
#include "text/text.h"

struct server {
	const struct server_config *cfg; /* &live */
	struct server_config boot;	 /* defaults, file, environment, command line */
	struct server_config live;	 /* base with the runtime settings (settings.h) */
	bool model_on;			 /* live has a model: gw serves requests */
	struct store *st;
	struct event_base *base;
	struct evhttp *http;
	struct evhttp_bound_socket *bound;
	struct server_ratelimit *login_rl;
	struct server_ratelimit *portal_rl;
	struct model_gateway *gw; /* NULL: no model configured */
	struct server_conns *conns;
	struct server_workers *workers;
	long inflight;
	bool stopping;
};

struct store *server_store(struct server_req *r)
{
	return r->srv->st;
}

bool server_behind_tls(struct server_req *r)
{
	return r->srv->cfg->behind_tls;
}

int64_t server_session_idle_ms(struct server_req *r)
{
	long long s = r->srv->cfg->session_idle_s;

	return (s > 0 ? s : SERVER_SESSION_IDLE_S) * 1000;
}

int64_t server_session_max_ms(struct server_req *r)
{
	long long s = r->srv->cfg->session_max_s;

	return (s > 0 ? s : SERVER_SESSION_MAX_S) * 1000;
}

static long long http_max_body(const struct server_config *cfg)
{
	return cfg->max_body_bytes > 0 ? cfg->max_body_bytes : SERVER_MAX_BODY;
}

static long long http_max_upload(const struct server_config *cfg)
{
	return cfg->max_upload_bytes > 0 ? cfg->max_upload_bytes : SERVER_MAX_UPLOAD;
}

/* 413 naming the limit in MB when it is whole MB. */
static void http_too_large(struct server_req *r, long long max)
{
	char msg[96];

	if (max % (1024 * 1024) == 0)
		snprintf(msg, sizeof(msg), "请求体超过 %lld MB", max / (1024 * 1024));
	else
		snprintf(msg, sizeof(msg), "请求体超过 %lld 字节", max);
	server_reply_error(r, 413, "too_large", msg);
}

struct event_base *server_event_base(struct server_req *r)
{
	return r->srv->base;
}

struct model_gateway *server_gateway(struct server_req *r)
{
	return r->srv->model_on ? r->srv->gw : NULL;
}

const struct server_config *server_config_base(struct server_req *r)
{
	return &r->srv->boot;
}

const struct server_config *server_config_live(struct server_req *r)
{
	return &r->srv->live;
}

/* Rate limits and the model gateway follow the live settings. */
static int http_apply(struct server *srv, const struct server_config *next, struct err *e)
{
	const struct server_config *c = next;
	struct model_provider mp;

	if (c->model[0] != '\0' &&
	    model_provider_parse(&mp, c->model, strlen(c->model), "model", e) != 0)
		return e->code;
	if (next != &srv->live)
		srv->live = *next;
	c = &srv->live;
	server_ratelimit_set(
	    srv->portal_rl, c->portal_burst > 0 ? c->portal_burst : SERVER_PORTAL_BURST,
	    60000 / (c->portal_per_minute > 0 ? c->portal_per_minute : SERVER_PORTAL_PER_MINUTE));
	server_ratelimit_set(srv->login_rl,
			     c->login_burst > 0 ? c->login_burst : SERVER_LOGIN_BURST,
			     SERVER_LOGIN_REFILL_MS);
	srv->model_on = c->model[0] != '\0';
	if (!srv->model_on)
		return 0;
	if (srv->gw == NULL)
		srv->gw = model_gateway_new(srv->base, &mp);
	else
		model_gateway_set_provider(srv->gw, &mp);
	return 0;
}

int server_config_apply(struct server_req *r, const struct server_config *next, struct err *e)
{
	return http_apply(r->srv, next, e);
}

long long server_task_model_timeout_s(struct server_req *r)
{
	long long s = r->srv->cfg->task_model_timeout_s;

	return s > 0 ? s : SERVER_TASK_MODEL_TIMEOUT_S;
}

bool server_portal_allowed(struct server_req *r, int64_t *retry_ms)
{
	return server_ratelimit_take(r->srv->portal_rl, r->ip, work_now(&r->ctx), retry_ms);
}

const char *server_db_path(struct server_req *r)
{
	return r->srv->cfg->db_path;
}

bool server_login_allowed(struct server_req *r, int64_t *retry_ms)
{
	return server_ratelimit_take(r->srv->login_rl, r->ip, work_now(&r->ctx), retry_ms);
}

/* ---- replies ---- */

static const char *http_reason(int status)
{
	switch (status) {
	case 200:
		return "OK";
	case 201:
		return "Created";
	case 304:
		return "Not Modified";
	case 400:
		return "Bad Request";
	case 401:
		return "Unauthorized";
	case 403:
		return "Forbidden";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 409:
		return "Conflict";
	case 413:
		return "Payload Too Large";
	case 415:
		return "Unsupported Media Type";
	case 429:
		return "Too Many Requests";
	case 503:
		return "Service Unavailable";
	default:
		return status >= 500 ? "Internal Server Error" : "Error";
	}
}

static void http_access_log(struct server_req *r, int status)
{
	char path[256];
	char when[32];
	time_t t = time(NULL);
	struct tm tm;
	double ms = (double)(base_now_ns() - r->start_ns) / 1e6;

	server_log_path(evhttp_request_get_uri(r->ev), path, sizeof(path));
	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		when[0] = '\0';
	fprintf(stderr, "%s %s %s %s %d %.2fms %s\n", when, r->ip, r->method, path, status, ms,
		r->logged_in ? r->user.username : "-");
}

void server_add_header(struct server_req *r, const char *name, const char *value)
{
	evhttp_add_header(evhttp_request_get_output_headers(r->ev), name, value);
}

const char *server_header(struct server_req *r, const char *name)
{
	return evhttp_find_header(evhttp_request_get_input_headers(r->ev), name);
}

/* A deferred request is answered: its connection's close no longer
 * concerns r (which is freed soon after). */
static void http_undefer(struct server_req *r)
{
	struct evhttp_connection *con;

	if (r->watch != NULL)
		event_del(r->watch);
	r->on_gone = NULL;
	if (!r->deferred || r->gone)
		return;
	con = evhttp_request_get_connection(r->ev);
	if (con != NULL)
		evhttp_connection_set_closecb(con, NULL, NULL);
}

void server_reply_raw(struct server_req *r, int status, const char *type, const void *data,
		      size_t len)
{
	struct evkeyvalq *h = evhttp_request_get_output_headers(r->ev);

	if (r->replied) {
		base_log(LOG_ERROR, "server: second reply to %s %s", r->method, r->path);
		return;
	}
	r->replied = true;
	http_undefer(r);
	if (r->gone) { /* nobody to send it to: server_req_end() frees the request */
		http_access_log(r, status);
		return;
	}
	evhttp_add_header(h, "Content-Type", type);
	evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
	evhttp_add_header(h, "X-Frame-Options", "DENY");
	evhttp_add_header(h, "Referrer-Policy", "no-referrer");
	if (evhttp_find_header(h, "Cache-Control") == NULL)
		evhttp_add_header(h, "Cache-Control", "no-store");
	if (len > 0)
		evbuffer_add(evhttp_request_get_output_buffer(r->ev), data, len);
	evhttp_send_reply(r->ev, status, http_reason(status), NULL);
	http_access_log(r, status);
}

struct evhttp_request *server_reply_stream_start(struct server_req *r, const char *type)
{
	struct evkeyvalq *h = evhttp_request_get_output_headers(r->ev);
	struct evhttp_connection *con = evhttp_request_get_connection(r->ev);
	int one = 1;

	http_undefer(r);
	/* Small events must leave at once: without this, Nagle's algorithm
	 * and the peer's delayed ACK hold each event up to 40 ms. */
	if (con != NULL)
		setsockopt(bufferevent_getfd(evhttp_connection_get_bufferevent(con)), IPPROTO_TCP,
			   TCP_NODELAY, &one, sizeof(one));
	r->replied = true;
	evhttp_add_header(h, "Content-Type", type);
	evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
	evhttp_add_header(h, "Cache-Control", "no-store");
	/* nginx in front: pass each event on at once. */
	evhttp_add_header(h, "X-Accel-Buffering", "no");
	evhttp_send_reply_start(r->ev, 200, "OK");
	http_access_log(r, 200);
	return r->ev;
}

void server_stream_out_init(struct evhttp_request *req, struct server_stream_out *o)
{
	struct evhttp_connection *con = evhttp_request_get_connection(req);
	const char *te =
	    evhttp_find_header(evhttp_request_get_output_headers(req), "Transfer-Encoding");

	struct bufferevent *bev = con ? evhttp_connection_get_bufferevent(con) : NULL;
	struct bufferevent *under = bev ? bufferevent_get_underlying(bev) : NULL;

	o->out = bev ? bufferevent_get_output(bev) : NULL;
	o->under = under ? bufferevent_get_output(under) : NULL;
	o->fd = under ? (int)bufferevent_getfd(under) : bev ? (int)bufferevent_getfd(bev) : -1;
	o->chunked = te != NULL && strcasecmp(te, "chunked") == 0;
}

void server_stream_write(const struct server_stream_out *o, const char *p, size_t n)
{
	if (o->fd >= 0 && evbuffer_get_length(o->out) == 0 &&
	    (o->under == NULL || evbuffer_get_length(o->under) == 0)) {
		ssize_t w = send(o->fd, p, n, MSG_NOSIGNAL | MSG_DONTWAIT);

		/* An error (EAGAIN, a reset) leaves the bytes to the usual path,
		 * which reports it. */
		if (w > 0) {
			p += w;
			n -= (size_t)w;
		}
	}
	if (n > 0)
		evbuffer_add(o->out, p, n);
}

size_t server_stream_frame(const struct server_stream_out *o, char *dst, size_t cap, const char *p,
			   size_t n)
{
	static const char hex[] = "0123456789abcdef";
	char head[20];
	size_t h = sizeof(head);

	if (!o->chunked) {
		if (n > cap)
			return 0;
		memmove(dst, p, n);
		return n;
	}
	head[--h] = '\n';
	head[--h] = '\r';
	for (size_t v = n; v > 0 || h == sizeof(head) - 2; v >>= 4)
		head[--h] = hex[v & 15];
	if (n + (sizeof(head) - h) + 2 > cap)
		return 0;
	memmove(dst + (sizeof(head) - h), p, n); /* p may lie inside dst */
	memcpy(dst, head + h, sizeof(head) - h);
	memcpy(dst + (sizeof(head) - h) + n, "\r\n", 2);
	return (sizeof(head) - h) + n + 2;
}

void server_reply_json(struct server_req *r, int status, json_t *body)
{
	char *text = json_dumps(body, JSON_COMPACT);

	json_decref(body);
	if (text == NULL) {
		server_reply_raw(
		    r, 500, "application/json",
		    "{\"error\":{\"code\":\"internal\",\"message\":\"服务器内部错误\"}}",
		    strlen("{\"error\":{\"code\":\"internal\",\"message\":"
			   "\"服务器内部错误\"}}"));
		return;
	}
	server_reply_raw(r, status, "application/json", text, strlen(text));
	free(text);
}

void server_reply_error(struct server_req *r, int status, const char *key, const char *msg)
{
	server_reply_json(r, status,
			  json_pack("{s:{s:s,s:s}}", "error", "code", key, "message", msg));
}

void server_reply_err(struct server_req *r, const struct err *e)
{
	int status = server_http_status(e->code);

	if (status >= 500 && e->code != BASE_E_BUSY) {
		base_log(LOG_ERROR, "server: %s %s: %s", r->method, r->path, e->msg);
		server_reply_error(r, status, server_error_key(e->code), "服务器内部错误");
		return;
	}
	server_reply_error(r, status, server_error_key(e->code),
			   e->msg[0] ? e->msg : base_err_name(e->code));
}

json_t *server_body_json(struct server_req *r)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(r->ev);
	size_t len = evbuffer_get_length(in);
	const char *type = server_header(r, "Content-Type");
	json_error_t jerr;
	json_t *v;

	if ((long long)len > http_max_body(r->srv->cfg)) {
		http_too_large(r, http_max_body(r->srv->cfg));
		return NULL;
	}
	if (type == NULL || strncmp(type, "application/json", 16) != 0) {
		server_reply_error(r, 415, "unsupported_media_type",
				   "请求体必须是 JSON（Content-Type: application/json）");
		return NULL;
	}
	v = json_loadb((const char *)evbuffer_pullup(in, -1), len, JSON_REJECT_DUPLICATES, &jerr);
	if (v == NULL || !json_is_object(v)) {
		json_decref(v);
		server_reply_error(r, 400, "bad_json", "请求体不是有效的 JSON 对象");
		return NULL;
	}
	return v;
}

/* The extension server_upload() gives the spool file: the name's, when
 * short and alphanumeric (readers go by it: .docx, .txt). */
static void http_upload_ext(struct server_req *r, char ext[10])
{
	const char *name = server_upload_name(r);
	const char *dot = name ? strrchr(name, '.') : NULL;

	ext[0] = '\0';
	if (dot != NULL && strlen(dot) >= 2 && strlen(dot) < 10) {
		snprintf(ext, 10, "%s", dot);
		for (size_t i = 1; ext[i] != '\0'; i++)
			if (!isalnum((unsigned char)ext[i]))
				ext[0] = '\0';
	}
}

/* The body the connection filter already wrote to disk: renamed to carry
 * the extension, handed over as the upload. */
static const char *http_upload_spooled(struct server_req *r, int64_t *size)
{
	char ext[10], path[4200];

	if (r->spool_size > http_max_upload(r->srv->cfg)) {
		http_too_large(r, http_max_upload(r->srv->cfg));
		return NULL;
	}
	http_upload_ext(r, ext);
	snprintf(path, sizeof(path), "%s%s", r->spool_path, ext);
	if (ext[0] != '\0' && rename(r->spool_path, path) == 0)
		r->upload_path = xstrdup(path);
	else
		r->upload_path = xstrdup(r->spool_path);
	free(r->spool_path);
	r->spool_path = NULL;
	*size = r->spool_size;
	return r->upload_path;
}

const char *server_upload(struct server_req *r, int64_t *size)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(r->ev);
	size_t len = evbuffer_get_length(in);
	const char *dir = getenv("TMPDIR");
	char path[4096], ext[10] = "";
	int fd;

	if (r->upload_path != NULL) {
		*size = r->spool_size > 0 ? r->spool_size : (int64_t)len;
		return r->upload_path;
	}
	if (r->spool_path != NULL && len == 0)
		return http_upload_spooled(r, size);
	if ((long long)len > http_max_upload(r->srv->cfg)) {
		http_too_large(r, http_max_upload(r->srv->cfg));
		return NULL;
	}
	if (len == 0) {
		server_reply_error(r, 400, "empty_upload", "上传的文件为空");
		return NULL;
	}
	if (dir == NULL || dir[0] != '/')
		dir = "/tmp";
	http_upload_ext(r, ext);
	snprintf(path, sizeof(path), "%s/shuzhi-upload-XXXXXX%s", dir, ext[0] ? ext : "");
	fd = mkstemps(path, ext[0] ? (int)strlen(ext) : 0); /* mode 0600 */
	if (fd < 0) {
		base_log(LOG_ERROR, "server: upload spool %s: %s", path, strerror(errno));
		server_reply_error(r, 500, "internal", "无法保存上传的文件");
		return NULL;
	}
	while (evbuffer_get_length(in) > 0) {
		if (evbuffer_write(in, fd) < 0 && errno != EINTR) {
			base_log(LOG_ERROR, "server: upload spool %s: %s", path, strerror(errno));
			close(fd);
			unlink(path);
			server_reply_error(r, 500, "internal", "无法保存上传的文件");
			return NULL;
		}
	}
	if (close(fd) != 0) {
		unlink(path);
		server_reply_error(r, 500, "internal", "无法保存上传的文件");
		return NULL;
	}
	r->upload_path = xstrdup(path);
	*size = (int64_t)len;
	return r->upload_path;
}

const char *server_upload_name(struct server_req *r)
{
	const char *h = server_header(r, "X-File-Name");
	const char *base;
	size_t n;
	char *dec;

	if (r->upload_name[0] != '\0')
		return r->upload_name;
	if (h == NULL || strlen(h) > 3 * 255)
		return NULL;
	dec = evhttp_uridecode(h, 0, &n);
	if (dec == NULL)
		return NULL;
	base = strrchr(dec, '/');
	base = base ? base + 1 : dec;
	if (strrchr(base, '\\') != NULL)
		base = strrchr(base, '\\') + 1;
	n = strlen(base);
	if (n == 0 || n >= sizeof(r->upload_name) || !text_utf8_valid(base, n, NULL) ||
	    strcmp(base, ".") == 0 || strcmp(base, "..") == 0) {
		free(dec);
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)base[i] < 0x20 || base[i] == 0x7f) {
			free(dec);
			return NULL;
		}
	memcpy(r->upload_name, base, n + 1);
	free(dec);
	return r->upload_name;
}

const char *server_query(struct server_req *r, const char *name)
{
	const char *q;

	if (r->query == NULL) {
		q = evhttp_uri_get_query(evhttp_request_get_evhttp_uri(r->ev));
		r->query = xcalloc(1, sizeof(struct evkeyvalq));
		TAILQ_INIT((struct evkeyvalq *)r->query);
		if (q != NULL && evhttp_parse_query_str(q, r->query) != 0)
			evhttp_clear_headers(r->query);
	}
	return evhttp_find_header(r->query, name);
}

/* ---- dispatch ---- */

static const char *http_method(enum evhttp_cmd_type cmd)
{
	switch (cmd) {
	case EVHTTP_REQ_GET:
		return "GET";
	case EVHTTP_REQ_POST:
		return "POST";
	case EVHTTP_REQ_HEAD:
		return "HEAD";
	case EVHTTP_REQ_PUT:
		return "PUT";
	case EVHTTP_REQ_DELETE:
		return "DELETE";
	case EVHTTP_REQ_PATCH:
		return "PATCH";
	default:
		return "OTHER";
	}
}

static void http_inflight_done(struct server *srv)
{
	srv->inflight--;
	if (srv->stopping && srv->inflight <= 0)
		event_base_loopexit(srv->base, NULL);
}

void server_stream_abandoned(struct server *srv)
{
	http_inflight_done(srv);
}

static void http_on_complete(struct evhttp_request *req, void *arg)
{
	struct server *srv = arg;

	(void)req;
	http_inflight_done(srv);
}

static void http_dispatch(struct server_req *r)
{
	const struct server_route *route;
	const char *token;
	int rc;

	rc = server_route_find(r->method, r->path, &route, &r->id);
	if (rc == SERVER_E_METHOD) {
		server_reply_error(r, 405, "method_not_allowed", "不支持该请求方法");
		return;
	}
	if (rc != 0) {
		server_reply_error(r, 404, "not_found", "没有这个接口");
		return;
	}
	r->route = route;
	server_auth_load(r);
	rc = server_policy(route, r->logged_in ? r->user.role : NULL);
	if (rc == 401) {
		server_reply_error(r, 401, "unauthenticated", "请先登录");
		return;
	}
	if (rc == 403) {
		server_reply_error(r, 403, "forbidden", "无权访问");
		return;
	}
	/* Public routes have no session to bind a token to (login only); API
	 * tokens are not ambient credentials (work/tokens.h). */
	if (server_method_changes_state(r->method) && !(route->roles & SERVER_ROLE_PUBLIC) &&
	    !r->via_token) {
		token = server_header(r, "X-CSRF-Token");
		if (token == NULL || strlen(token) != strlen(r->session.csrf) ||
		    sodium_memcmp(token, r->session.csrf, strlen(token)) != 0) {
			server_reply_error(r, 403, "csrf", "缺少或错误的 CSRF 令牌，请刷新页面");
			return;
		}
	}
	if (!(route->flags & SERVER_ROUTE_UPLOAD) &&
	    (long long)evbuffer_get_length(evhttp_request_get_input_buffer(r->ev)) >
		http_max_body(r->srv->cfg)) {
		http_too_large(r, http_max_body(r->srv->cfg));
		return;
	}
	route->handler(r);
}

static void http_peer(struct evhttp_request *req, char *out, size_t cap)
{
	struct evhttp_connection *con = evhttp_request_get_connection(req);
	char *addr = NULL;
	ev_uint16_t port = 0;

	if (con != NULL)
		evhttp_connection_get_peer(con, &addr, &port);
	snprintf(out, cap, "%s", addr ? addr : "-");
}

/* After the handler (or server_req_end): answer 500 if nobody did, free r. */
static void http_req_free(struct server_req *r)
{
	if (!r->replied)
		server_reply_error(r, 500, "internal", "服务器内部错误");
	if (r->gone)
		evhttp_request_free(r->ev);
	if (r->watch != NULL)
		event_free(r->watch);
	if (r->query != NULL) {
		evhttp_clear_headers(r->query);
		free(r->query);
	}
	if (r->upload_path != NULL) {
		unlink(r->upload_path);
		free(r->upload_path);
	}
	if (r->spool_path != NULL) {
		unlink(r->spool_path);
		free(r->spool_path);
	}
	sodium_memzero(r, sizeof(*r));
	free(r);
}

static void http_on_request(struct evhttp_request *req, void *arg)
{
	struct server *srv = arg;
	struct server_req *r = xcalloc(1, sizeof(*r));
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
	const char *path = uri ? evhttp_uri_get_path(uri) : NULL;

	srv->inflight++;
	evhttp_request_set_on_complete_cb(req, http_on_complete, srv);
	r->srv = srv;
	r->ev = req;
	r->start_ns = base_now_ns();
	r->method = http_method(evhttp_request_get_command(req));
	http_peer(req, r->peer, sizeof(r->peer));
	server_client_ip(
	    srv->cfg, r->peer,
	    evhttp_find_header(evhttp_request_get_input_headers(req), "X-Forwarded-For"), r->ip,
	    sizeof(r->ip));
	server_conns_take_spool(srv->conns, r, &r->spool_path, &r->spool_size);
	snprintf(r->actor, sizeof(r->actor), "web:%s", r->ip);
	r->ctx.st = srv->st;
	r->ctx.actor = r->actor;
	if (path == NULL || path[0] == '\0')
		path = "/";
	if (strlen(path) >= sizeof(r->path))
		server_reply_error(r, 404, "not_found", "路径过长");
	else if (srv->stopping)
		server_reply_error(r, 503, "busy", "服务正在停止");
	else {
		memcpy(r->path, path, strlen(path) + 1);
		http_dispatch(r);
	}
	if (r->deferred)
		return; /* server_req_end() finishes it */
	http_req_free(r);
}

/* ---- CPU work off the loop ---- */

static void http_on_deferred_close(struct evhttp_connection *con, void *arg)
{
	struct server_req *r = arg;

	(void)con;
	/* evhttp detached the unanswered request from the dying connection
	 * (on EOF, error or timeout): it is ours to free now */
	r->gone = true;
	if (r->watch != NULL) /* on_gone runs from the loop, not inside evhttp */
		event_active(r->watch, EV_TIMEOUT, 0);
}

/* The socket under r's connection (the connection filter's, conn.c). */
static evutil_socket_t http_req_fd(struct server_req *r)
{
	struct evhttp_connection *con = evhttp_request_get_connection(r->ev);
	struct bufferevent *bev = con != NULL ? evhttp_connection_get_bufferevent(con) : NULL;

	if (bev == NULL)
		return -1;
	if (bufferevent_get_underlying(bev) != NULL)
		bev = bufferevent_get_underlying(bev);
	return bufferevent_getfd(bev);
}

/*
 * Every SERVER_GONE_POLL_MS while deferred: evhttp does not read a
 * connection whose request is being handled, so a client's close is only
 * seen on the next write. A peek tells: 0 bytes is the client's FIN, an
 * error (other than "nothing yet") its reset; bytes (a pipelined request)
 * are left for evhttp. The connection then fails as on a read EOF: evhttp
 * detaches r and closes it, and http_on_deferred_close marks r gone.
 */
static void http_on_watch(evutil_socket_t fd, short what, void *arg)
{
	struct server_req *r = arg;
	void (*fn)(struct server_req *, void *) = r->on_gone;
	char c;
	ssize_t n;

	(void)fd;
	(void)what;
	if (r->gone) {
		event_del(r->watch);
		r->on_gone = NULL;
		if (fn != NULL)
			fn(r, r->on_gone_arg); /* may free r */
		return;
	}
	fd = http_req_fd(r);
	if (fd < 0)
		return;
	n = recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
		bufferevent_trigger_event(
		    evhttp_connection_get_bufferevent(evhttp_request_get_connection(r->ev)),
		    BEV_EVENT_EOF | BEV_EVENT_READING, 0);
}

void server_req_defer(struct server_req *r)
{
	struct evhttp_connection *con = evhttp_request_get_connection(r->ev);
	struct timeval tv = {0, SERVER_GONE_POLL_MS * 1000};

	r->deferred = true;
	if (con == NULL)
		return;
	evhttp_connection_set_closecb(con, http_on_deferred_close, r);
	if (r->watch == NULL)
		r->watch = event_new(r->srv->base, -1, EV_PERSIST, http_on_watch, r);
	event_add(r->watch, &tv);
}

void server_req_on_gone(struct server_req *r, void (*fn)(struct server_req *r, void *arg),
			void *arg)
{
	r->on_gone = fn;
	r->on_gone_arg = arg;
	if (fn != NULL && r->gone && r->watch != NULL)
		event_active(r->watch, EV_TIMEOUT, 0);
}

int server_work_submit(struct server_req *r, server_work_fn fn, server_work_fn done, void *arg)
{
	if (server_workers_submit(r->srv->workers, fn, done, arg) != 0) {
		server_reply_error(r, 503, "busy", "服务正在停止");
		return -1;
	}
	server_req_defer(r);
	return 0;
}

struct server_workers *server_workers_of(struct server_req *r)
{
	return r->srv->workers;
}

void server_req_end(struct server_req *r)
{
	struct server *srv = r->srv;
	bool gone = r->gone;

	http_req_free(r);
	if (gone) /* no reply went out, so evhttp's on_complete will not run */
		http_inflight_done(srv);
}

/* ---- lifecycle ---- */

static void http_on_grace_over(evutil_socket_t fd, short what, void *arg)
{
	struct server *srv = arg;

	(void)fd;
	(void)what;
	base_log(LOG_WARN, "server: %ld replies unfinished after the grace period", srv->inflight);
	event_base_loopexit(srv->base, NULL);
}

static void http_on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct server *srv = arg;
	struct timeval grace = {SERVER_SHUTDOWN_GRACE_MS / 1000, 0};

	(void)what;
	if (srv->stopping)
		return;
	srv->stopping = true;
	fprintf(stderr, "shuzhi serve: 收到信号 %d，停止接受新连接，等待进行中的请求完成\n",
		(int)sig);
	if (srv->bound != NULL) {
		evhttp_del_accept_socket(srv->http, srv->bound);
		srv->bound = NULL;
	}
	if (srv->inflight <= 0)
		event_base_loopexit(srv->base, NULL);
	else
		event_base_once(srv->base, -1, EV_TIMEOUT, http_on_grace_over, srv, &grace);
}

static int http_bound_port(struct evhttp_bound_socket *b)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	evutil_socket_t fd = evhttp_bound_socket_get_fd(b);

	if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0)
		return -1;
	if (ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&ss)->sin_port);
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return -1;
}

static int http_check_routes(struct err *e)
{
	size_t n;
	const struct server_route *rt = server_routes(&n);

	for (size_t i = 0; i < n; i++) {
		if (rt[i].roles == 0 || (rt[i].roles & ~(unsigned)SERVER_ROLE_ALL) != 0 ||
		    rt[i].handler == NULL)
			return err_set(e, BASE_E_INTERNAL, "路由 %s %s 没有声明允许的角色",
				       rt[i].method, rt[i].pattern);
	}
	return 0;
}

/* The loop has SERVER_NPRIO priorities: client connections (accepting is
 * at the default) come first, then the default (timers, the gateway, a
 * model stream until its first token), then bulk (the token relay of
 * running streams, model/client.c). After SERVER_BULK_BATCH bulk
 * callbacks the loop looks for new events, so a request that comes in
 * while a thousand streams relay tokens waits for a few of them, not all. */
static struct event_base *http_base_new(void)
{
	struct event_config *ec = event_config_new();
	struct event_base *base;

	if (ec == NULL)
		return NULL;
	event_config_set_max_dispatch_interval(ec, NULL, SERVER_BULK_BATCH, SERVER_NPRIO - 1);
	base = event_base_new_with_config(ec);
	event_config_free(ec);
	if (base != NULL && event_base_priority_init(base, SERVER_NPRIO) != 0) {
		event_base_free(base);
		return NULL;
	}
	return base;
}

int server_run(const struct server_config *cfg, struct err *e)
{
	struct server srv = {0};
	struct event *sigterm = NULL, *sigint = NULL;
	const char *addr = cfg->addr[0] ? cfg->addr : SERVER_DEFAULT_ADDR;
	int port = cfg->port > 0 ? cfg->port : (cfg->port == 0 ? SERVER_DEFAULT_PORT : 0);
	int rc;

	rc = http_check_routes(e);
	if (rc != 0)
		return rc;
	if (sodium_init() < 0)
		return err_set(e, BASE_E_INTERNAL, "libsodium 初始化失败");
	signal(SIGPIPE, SIG_IGN);
	srv.boot = *cfg;
	srv.live = *cfg;
	srv.cfg = &srv.live;
	rc = store_open(cfg->db_path, STORE_OPEN_CREATE, &srv.st, e);
	if (rc != 0)
		return rc;
	srv.portal_rl =
	    server_ratelimit_new(4096, SERVER_PORTAL_BURST, 60000 / SERVER_PORTAL_PER_MINUTE);
	srv.login_rl = server_ratelimit_new(4096, SERVER_LOGIN_BURST, SERVER_LOGIN_REFILL_MS);
	srv.base = http_base_new();
	srv.http = srv.base ? evhttp_new(srv.base) : NULL;
	if (srv.http == NULL) {
		rc = err_set(e, BASE_E_INTERNAL, "无法创建事件循环");
		goto out_free;
	}
	evhttp_set_max_body_size(srv.http, (ev_ssize_t)(http_max_upload(cfg) > http_max_body(cfg)
							    ? http_max_upload(cfg)
							    : http_max_body(cfg)));
	evhttp_set_max_headers_size(
	    srv.http,
	    (ev_ssize_t)(cfg->max_header_bytes > 0 ? cfg->max_header_bytes : SERVER_MAX_HEADERS));
	evhttp_set_timeout(srv.http, (int)(cfg->request_timeout_s > 0 ? cfg->request_timeout_s
								      : SERVER_TIMEOUT_S));
	evhttp_set_allowed_methods(srv.http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_HEAD |
						 EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
						 EVHTTP_REQ_PATCH);
	evhttp_set_gencb(srv.http, http_on_request, &srv);
	srv.workers = server_workers_new(srv.base, cfg->workers, e);
	if (srv.workers == NULL) {
		rc = e->code;
		goto out_free;
	}
	srv.conns = server_conns_new(srv.base, cfg);
	evhttp_set_bevcb(srv.http, server_conns_bevcb, srv.conns);
	srv.bound = evhttp_bind_socket_with_handle(srv.http, addr, (ev_uint16_t)port);
	if (srv.bound == NULL) {
		rc = err_set(e, BASE_E_IO, "无法监听 %s:%d（地址无效或端口已被占用）", addr, port);
		goto out_free;
	}
	sigterm = evsignal_new(srv.base, SIGTERM, http_on_signal, &srv);
	sigint = evsignal_new(srv.base, SIGINT, http_on_signal, &srv);
	if (sigterm == NULL || sigint == NULL || evsignal_add(sigterm, NULL) != 0 ||
	    evsignal_add(sigint, NULL) != 0) {
		rc = err_set(e, BASE_E_INTERNAL, "无法安装信号处理");
		goto out_free;
	}
	/* Runtime settings from the database over the configuration; a row
	 * that no longer fits is reported and the configuration kept. */
	if (server_settings_compose(&srv.boot, srv.st, &srv.live, e) != 0) {
		base_log(LOG_WARN, "settings: 数据库中的系统设置未生效：%s", e->msg);
		err_clear(e);
	}
	rc = http_apply(&srv, &srv.live, e);
	if (rc != 0)
		goto out_free;
	server_kb_jobs_start(srv.st);
	server_task_files_gc_start(srv.base, srv.st,
				   cfg->task_file_max_age_s > 0 ? cfg->task_file_max_age_s
								: SERVER_TASK_FILE_MAX_AGE_S);
	if (cfg->on_listen != NULL)
		cfg->on_listen(addr, http_bound_port(srv.bound), cfg->on_listen_arg);
	if (event_base_dispatch(srv.base) < 0)
		rc = err_set(e, BASE_E_INTERNAL, "事件循环异常退出");

out_free:
	if (sigterm != NULL)
		event_free(sigterm);
	if (sigint != NULL)
		event_free(sigint);
	/* jobs still out finish and answer (their requests are still there);
	 * knowledge-base jobs are cancelled first (rolled back) */
	server_kb_jobs_stop();
	server_api_chat_detach(); /* usage rows from now on: on the loop */
	server_workers_free(srv.workers);
	server_kb_jobs_free();
	model_gateway_free(srv.gw); /* ends open streams while the store is open */
	server_task_model_stop();
	server_kb_hybrid_stop();
	server_api_chat_flush();
	if (srv.http != NULL)
		evhttp_free(srv.http);
	if (srv.base != NULL)
		event_base_free(srv.base);
	server_conns_free(srv.conns); /* after the connections' filters are gone */
	server_ratelimit_free(srv.login_rl);
	server_ratelimit_free(srv.portal_rl);
	store_close(srv.st);
	return rc;
}
