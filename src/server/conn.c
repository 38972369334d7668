/*
 * server/conn: the filter every accepted connection runs through (see
 * server_internal.h). libevent 2.1 has no server-side hook between a
 * request's head and its body (evhttp_set_newreqcb came in 2.2), so this
 * filter reads the framing itself (reqhead.c): it holds each request head
 * until it is complete, then
 *  - a body over its route's limit (Content-Length): the JSON 413 goes
 *    out at once, the body is read and dropped, the connection closes;
 *  - an upload route's body: written to a private spool file as it
 *    arrives; evhttp gets the head with an empty body and a spool token
 *    once the body is complete, and server_conns_take_spool() hands the
 *    file to the request (the token is random and bound to the connection);
 *  - anything else, or anything unclear (chunked bodies, malformed heads,
 *    methods without bodies): passed through unchanged for the rest of
 *    the connection, evhttp's own limits apply.
 * It also counts open connections per client IP and closes the ones over
 * max_conns_per_ip (trusted proxies are not counted).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
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
#include <sodium.h>

#include "server/server_internal.h"

#define CONN_IP_BUCKETS	   1024
#define CONN_CLOSE_POLL_MS 20

enum conn_state {
	C_HEAD,	   /* collecting a request head */
	C_BODY,	   /* passing left body bytes through */
	C_SPOOL,   /* writing left body bytes to the spool file */
	C_DISCARD, /* dropping left body bytes after a refusal, then closing */
	C_PASS,	   /* no longer inspecting: everything goes to evhttp */
	C_CLOSING  /* refused: dropping everything until closed */
};

struct conn_ip {
	char ip[48];
	int n;
	struct conn_ip *next;
};

struct conn_spool {
	char token[33];
	struct bufferevent *bev;
	char *path;
	int64_t size;
	struct conn_spool *next;
};

struct server_conns {
	struct event_base *base;
	const struct server_config *cfg;
	struct conn_ip *ips[CONN_IP_BUCKETS];
	struct conn_spool *spools;
};

struct conn {
	struct server_conns *cs;
	struct bufferevent *bev;   /* the filter evhttp reads */
	struct bufferevent *under; /* the socket */
	struct event *tick;	   /* after accept: count the IP; when closing: poll */
	struct event *flush;	   /* evhttp's output waiting for the filter */
	struct event *wev;	   /* the socket is writable again (conn_output) */
	char ip[48];
	bool counted, checked;
	enum conn_state state;
	struct buf head;
	size_t scanned;
	uint64_t left;
	int fd;		  /* spool file while C_SPOOL */
	char *spool_path; /* while C_SPOOL */
	int64_t spool_size;
	struct buf held; /* rewritten head, released when the body is spooled */
	char token[33];
};

static long long conn_max_body(const struct server_config *cfg)
{
	return cfg->max_body_bytes > 0 ? cfg->max_body_bytes : SERVER_MAX_BODY;
}

static long long conn_max_upload(const struct server_config *cfg)
{
	return cfg->max_upload_bytes > 0 ? cfg->max_upload_bytes : SERVER_MAX_UPLOAD;
}

/* ---- trusted proxies ---- */

static bool conn_addr_bin(const char *s, unsigned char bin[16], int *af)
{
	memset(bin, 0, 16);
	if (inet_pton(AF_INET, s, bin) == 1) {
		*af = AF_INET;
		return true;
	}
	if (inet_pton(AF_INET6, s, bin) == 1) {
		*af = AF_INET6;
		return true;
	}
	return false;
}

bool server_proxy_trusted(const struct server_config *cfg, const char *ip)
{
	unsigned char want[16], have[16];
	int af, af2;
	const char *p = cfg->trusted_proxies;

	if (*p == '\0' || !conn_addr_bin(ip, want, &af))
		return false;
	while (*p != '\0') {
		const char *q = strchr(p, ',');
		size_t n = q ? (size_t)(q - p) : strlen(p);
		char one[64];

		if (n < sizeof(one)) {
			memcpy(one, p, n);
			one[n] = '\0';
			if (conn_addr_bin(one, have, &af2) && af2 == af &&
			    memcmp(want, have, 16) == 0)
				return true;
		}
		p += n + (q ? 1 : 0);
	}
	return false;
}

void server_client_ip(const struct server_config *cfg, const char *peer, const char *xff, char *out,
		      size_t cap)
{
	const char *end;

	snprintf(out, cap, "%s", peer);
	if (xff == NULL || !server_proxy_trusted(cfg, peer))
		return;
	/* right to left: each hop a trusted proxy added; the first one that
	 * is not trusted is the client. Garbage stops the walk. */
	end = xff + strlen(xff);
	while (end > xff) {
		const char *s = end;
		char one[64];
		unsigned char bin[16];
		int af;
		size_t n;

		while (s > xff && s[-1] != ',')
			s--;
		n = (size_t)(end - s);
		while (n > 0 && (*s == ' ' || *s == '\t')) {
			s++;
			n--;
		}
		while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
			n--;
		if (n == 0 || n >= sizeof(one))
			return;
		memcpy(one, s, n);
		one[n] = '\0';
		if (!conn_addr_bin(one, bin, &af))
			return;
		snprintf(out, cap, "%s", one);
		if (!server_proxy_trusted(cfg, one))
			return;
		end = s;
		while (end > xff && end[-1] != ',')
			end--;
		if (end > xff)
			end--; /* the comma */
		else
			return;
	}
}

/* ---- per-IP counts ---- */

static struct conn_ip **conn_ip_slot(struct server_conns *cs, const char *ip)
{
	uint32_t h = 2166136261u;
	struct conn_ip **pp;

	for (const char *p = ip; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	for (pp = &cs->ips[h % CONN_IP_BUCKETS]; *pp != NULL; pp = &(*pp)->next)
		if (strcmp((*pp)->ip, ip) == 0)
			break;
	return pp;
}

static int conn_ip_add(struct server_conns *cs, const char *ip)
{
	struct conn_ip **pp = conn_ip_slot(cs, ip);

	if (*pp == NULL) {
		*pp = xcalloc(1, sizeof(**pp));
		snprintf((*pp)->ip, sizeof((*pp)->ip), "%s", ip);
	}
	return ++(*pp)->n;
}

static void conn_ip_drop(struct server_conns *cs, const char *ip)
{
	struct conn_ip **pp = conn_ip_slot(cs, ip), *e = *pp;

	if (e == NULL)
		return;
	if (--e->n <= 0) {
		*pp = e->next;
		free(e);
	}
}

/* ---- replies the filter writes itself ---- */

static void conn_log(struct conn *c, const char *method, const char *path, int status)
{
	char when[32], lp[256];
	time_t t = time(NULL);
	struct tm tm;

	server_log_path(path, lp, sizeof(lp));
	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		when[0] = '\0';
	fprintf(stderr, "%s %s %s %s %d 0.00ms -\n", when, c->ip[0] ? c->ip : "-", method, lp,
		status);
}

static void conn_reply(struct conn *c, int status, const char *reason, const char *code,
		       const char *msg)
{
	json_t *j = json_pack("{s:{s:s,s:s}}", "error", "code", code, "message", msg);
	char *body = j ? json_dumps(j, JSON_COMPACT) : NULL;
	struct evbuffer *out = bufferevent_get_output(c->under);

	json_decref(j);
	evbuffer_add_printf(out,
			    "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\n"
			    "Content-Length: %zu\r\nConnection: close\r\n"
			    "X-Content-Type-Options: nosniff\r\nCache-Control: no-store\r\n\r\n%s",
			    status, reason, body ? strlen(body) : 0, body ? body : "");
	free(body);
}

static void conn_close_soon(struct conn *c)
{
	struct timeval tv = {0, CONN_CLOSE_POLL_MS * 1000};

	c->state = C_CLOSING;
	evtimer_add(c->tick, &tv);
}

static void conn_spool_abort(struct conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	if (c->spool_path != NULL) {
		unlink(c->spool_path);
		free(c->spool_path);
		c->spool_path = NULL;
	}
	buf_reset(&c->held);
}

/* ---- the state machine ---- */

static void conn_too_large(struct conn *c, const struct server_reqhead *h, long long max)
{
	char msg[96];

	if (max % (1024 * 1024) == 0)
		snprintf(msg, sizeof(msg), "请求体超过 %lld MB", max / (1024 * 1024));
	else
		snprintf(msg, sizeof(msg), "请求体超过 %lld 字节", max);
	conn_reply(c, 413, "Payload Too Large", "too_large", msg);
	conn_log(c, h->method, h->path, 413);
	if (h->expect_continue) {
		/* the client waits for our word before sending the body */
		conn_close_soon(c);
		return;
	}
	c->state = C_DISCARD;
	c->left = (uint64_t)h->content_length;
}

static bool conn_spool_start(struct conn *c, const struct server_reqhead *h)
{
	const char *dir = getenv("TMPDIR");
	char path[4096];
	unsigned char raw[16];

	if (dir == NULL || dir[0] != '/')
		dir = "/tmp";
	snprintf(path, sizeof(path), "%s/shuzhi-upload-XXXXXX", dir);
	c->fd = mkstemp(path); /* mode 0600 */
	if (c->fd < 0) {
		base_log(LOG_ERROR, "server: upload spool %s: %s", path, strerror(errno));
		return false;
	}
	c->spool_path = xstrdup(path);
	c->spool_size = h->content_length;
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(c->token, sizeof(c->token), raw, sizeof(raw));
	buf_reset(&c->held);
	if (server_reqhead_rewrite(c->head.p, c->head.len, c->token, &c->held) != 0) {
		conn_spool_abort(c);
		return false;
	}
	if (h->expect_continue)
		evbuffer_add_printf(bufferevent_get_output(c->under),
				    "HTTP/1.1 100 Continue\r\n\r\n");
	c->state = C_SPOOL;
	c->left = (uint64_t)h->content_length;
	return true;
}

static void conn_spool_done(struct conn *c, struct evbuffer *dst)
{
	struct conn_spool *s = xcalloc(1, sizeof(*s));

	close(c->fd);
	c->fd = -1;
	memcpy(s->token, c->token, sizeof(s->token));
	s->bev = c->bev;
	s->path = c->spool_path;
	s->size = c->spool_size;
	s->next = c->cs->spools;
	c->cs->spools = s;
	c->spool_path = NULL;
	evbuffer_add(dst, c->held.p, c->held.len);
	buf_reset(&c->held);
	c->state = C_HEAD;
}

static bool conn_method_has_body(const char *m)
{
	return strcmp(m, "POST") == 0 || strcmp(m, "PUT") == 0 || strcmp(m, "PATCH") == 0;
}

/* A complete head is in c->head: decide. */
static void conn_on_head(struct conn *c, struct evbuffer *dst)
{
	const struct server_config *cfg = c->cs->cfg;
	struct server_reqhead h;
	const struct server_route *route = NULL;
	int64_t id;
	bool upload;
	long long max;

	if (server_reqhead_parse(c->head.p, c->head.len, &h) != 0 || h.chunked ||
	    (h.content_length > 0 && !conn_method_has_body(h.method))) {
		evbuffer_add(dst, c->head.p, c->head.len);
		c->state = C_PASS;
		return;
	}
	upload = server_route_find(h.method, h.path, &route, &id) == 0 &&
		 (route->flags & SERVER_ROUTE_UPLOAD);
	max = upload ? conn_max_upload(cfg) : conn_max_body(cfg);
	/* an earlier reply still going out: ours must not overtake it */
	if (h.content_length > max && evbuffer_get_length(bufferevent_get_output(c->bev)) == 0 &&
	    evbuffer_get_length(bufferevent_get_output(c->under)) == 0) {
		conn_too_large(c, &h, max);
		return;
	}
	if (upload && h.content_length > 0 && h.content_length <= max && conn_spool_start(c, &h))
		return;
	evbuffer_add(dst, c->head.p, c->head.len);
	if (h.content_length > 0) {
		c->state = C_BODY;
		c->left = (uint64_t)h.content_length;
	} else
		c->state = C_HEAD;
}

static size_t conn_min(uint64_t a, size_t b)
{
	return a < b ? (size_t)a : b;
}

static enum bufferevent_filter_result conn_input(struct evbuffer *src, struct evbuffer *dst,
						 ev_ssize_t limit, enum bufferevent_flush_mode mode,
						 void *arg)
{
	struct conn *c = arg;
	size_t have, n;

	(void)limit;
	(void)mode;
	while ((have = evbuffer_get_length(src)) > 0) {
		switch (c->state) {
		case C_PASS:
			evbuffer_add_buffer(dst, src);
			break;
		case C_CLOSING:
			evbuffer_drain(src, have);
			break;
		case C_BODY:
			n = conn_min(c->left, have);
			evbuffer_remove_buffer(src, dst, n);
			c->left -= n;
			if (c->left == 0)
				c->state = C_HEAD;
			break;
		case C_DISCARD:
			n = conn_min(c->left, have);
			evbuffer_drain(src, n);
			c->left -= n;
			if (c->left == 0)
				conn_close_soon(c);
			break;
		case C_SPOOL: {
			int w;

			n = conn_min(c->left, have);
			w = evbuffer_write_atmost(src, c->fd, (ev_ssize_t)n);
			if (w < 0 && errno == EINTR)
				break;
			if (w <= 0) {
				base_log(LOG_ERROR, "server: upload spool %s: %s", c->spool_path,
					 strerror(errno));
				conn_spool_abort(c);
				conn_reply(c, 500, "Internal Server Error", "internal",
					   "无法保存上传的文件");
				c->state = C_DISCARD;
				break;
			}
			c->left -= (uint64_t)w;
			if (c->left == 0)
				conn_spool_done(c, dst);
			break;
		}
		case C_HEAD: {
			size_t max = c->head.max, old = c->head.len, end;

			n = have < max - old ? have : max - old;
			if (n > 0) {
				char *tmp = xmalloc(n);

				evbuffer_copyout(src, tmp, n);
				buf_add(&c->head, tmp, n);
				free(tmp);
			}
			end = server_reqhead_end(c->head.p, c->head.len, c->scanned);
			if (end == 0) {
				evbuffer_drain(src, n);
				c->scanned = c->head.len;
				if (c->head.len >= max) { /* too long for us: evhttp decides */
					evbuffer_add(dst, c->head.p, c->head.len);
					buf_reset(&c->head);
					c->state = C_PASS;
				}
				break;
			}
			evbuffer_drain(src, end - old);
			c->head.len = end;
			conn_on_head(c, dst);
			buf_reset(&c->head);
			c->scanned = 0;
			break;
		}
		}
	}
	return BEV_OK;
}

/* ---- lifecycle ---- */

static void conn_on_tick(evutil_socket_t fd, short what, void *arg)
{
	struct conn *c = arg;
	const struct server_config *cfg = c->cs->cfg;
	struct timeval tv = {0, CONN_CLOSE_POLL_MS * 1000};

	(void)fd;
	(void)what;
	if (!c->checked) {
		struct sockaddr_storage ss;
		socklen_t len = sizeof(ss);
		evutil_socket_t s = bufferevent_getfd(c->under);
		int max =
		    cfg->max_conns_per_ip > 0 ? cfg->max_conns_per_ip : SERVER_MAX_CONNS_PER_IP;

		c->checked = true;
		if (s >= 0 && getpeername(s, (struct sockaddr *)&ss, &len) == 0) {
			if (ss.ss_family == AF_INET)
				inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, c->ip,
					  sizeof(c->ip));
			else if (ss.ss_family == AF_INET6)
				inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, c->ip,
					  sizeof(c->ip));
		}
		if (c->ip[0] != '\0' && !server_proxy_trusted(cfg, c->ip)) {
			c->counted = true;
			if (conn_ip_add(c->cs, c->ip) > max) {
				base_log(LOG_WARN,
					 "server: %s 的连接数超过 max_conns_per_ip（%d），已关闭",
					 c->ip, max);
				conn_reply(c, 429, "Too Many Requests", "too_many_connections",
					   "来自该地址的连接过多，请稍后再试");
				conn_close_soon(c);
			}
		}
		return;
	}
	if (c->state != C_CLOSING)
		return;
	if (evbuffer_get_length(bufferevent_get_output(c->under)) > 0) {
		evtimer_add(c->tick, &tv);
		return;
	}
	/* evhttp closes the connection (and frees c) on this EOF */
	bufferevent_trigger_event(c->bev, BEV_EVENT_EOF | BEV_EVENT_READING, 0);
}

/*
 * Output only moves on the loop, never inside the call that queued it:
 * every addition schedules a flush on the next turn of the loop (and
 * conn_output refuses to move anything in the filter's own BEV_NORMAL
 * pass, which runs synchronously as data is added). A socket bufferevent
 * behaves the same way, and evhttp relies on it: it queues bytes first
 * and only then sets the write callback that should run once they are
 * out (evhttp_send_reply_end() adds the last chunk, then sets
 * evhttp_send_done). Written synchronously, the last chunk of a streamed
 * reply fired the write callback before evhttp_send_done was set, so the
 * connection never went back to reading and the next keep-alive request
 * hung. The write callback now fires from this flush, after evhttp set it.
 */
static void conn_on_flush(evutil_socket_t fd, short what, void *arg)
{
	struct conn *c = arg;

	(void)fd;
	(void)what;
	if (evbuffer_get_length(bufferevent_get_output(c->bev)) > 0)
		bufferevent_flush(c->bev, EV_WRITE, BEV_FLUSH);
}

static void conn_on_writable(evutil_socket_t fd, short what, void *arg)
{
	struct conn *c = arg;

	(void)fd;
	(void)what;
	conn_on_flush(-1, 0, c);
}

/*
 * Output: evhttp counts a reply as written (and may close the socket with
 * shutdown()) once the filter's output is empty, so bytes only leave the
 * filter when the kernel took them: written straight to the socket, the
 * rest waits for it to become writable. Only when the filter's own
 * replies sit in the socket bufferevent does output queue behind them.
 */
static enum bufferevent_filter_result conn_output(struct evbuffer *src, struct evbuffer *dst,
						  ev_ssize_t limit,
						  enum bufferevent_flush_mode mode, void *arg)
{
	struct conn *c = arg;
	evutil_socket_t fd = bufferevent_getfd(c->under);

	(void)limit;
	if (mode == BEV_NORMAL) { /* see conn_on_flush: only on the loop */
		if (evbuffer_get_length(src) > 0)
			event_active(c->flush, EV_WRITE, 0);
		return BEV_NEED_MORE;
	}
	if (evbuffer_get_length(dst) > 0 || fd < 0) {
		evbuffer_add_buffer(dst, src);
		return BEV_OK;
	}
	while (evbuffer_get_length(src) > 0) {
		int n = evbuffer_write(src, fd);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n <= 0)
			return BEV_ERROR;
	}
	if (evbuffer_get_length(src) > 0) {
		if (c->wev == NULL) {
			c->wev = event_new(bufferevent_get_base(c->under), fd, EV_WRITE,
					   conn_on_writable, c);
			if (c->wev != NULL)
				event_priority_set(c->wev, SERVER_PRIO_CONN);
		}
		if (c->wev != NULL)
			event_add(c->wev, NULL);
	}
	return BEV_OK;
}

static void conn_on_output(struct evbuffer *b, const struct evbuffer_cb_info *info, void *arg)
{
	struct conn *c = arg;

	(void)b;
	if (info->n_added > 0)
		event_active(c->flush, EV_WRITE, 0);
}

static void conn_free(void *arg)
{
	struct conn *c = arg;
	struct conn_spool **pp = &c->cs->spools;

	if (c->counted)
		conn_ip_drop(c->cs, c->ip);
	conn_spool_abort(c);
	while (*pp != NULL) { /* spooled bodies no request took */
		struct conn_spool *s = *pp;

		if (s->bev == c->bev) {
			*pp = s->next;
			unlink(s->path);
			free(s->path);
			free(s);
		} else
			pp = &s->next;
	}
	if (c->tick != NULL)
		event_free(c->tick);
	if (c->flush != NULL)
		event_free(c->flush);
	if (c->wev != NULL)
		event_free(c->wev);
	buf_free(&c->head);
	buf_free(&c->held);
	free(c);
}

struct bufferevent *server_conns_bevcb(struct event_base *base, void *arg)
{
	struct server_conns *cs = arg;
	struct conn *c = xcalloc(1, sizeof(*c));
	long long maxh =
	    cs->cfg->max_header_bytes > 0 ? cs->cfg->max_header_bytes : SERVER_MAX_HEADERS;

	c->cs = cs;
	c->fd = -1;
	buf_init(&c->head, (size_t)maxh + 1024);
	buf_init(&c->held, (size_t)maxh + 2048);
	c->under = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	c->tick = evtimer_new(base, conn_on_tick, c);
	c->flush = event_new(base, -1, 0, conn_on_flush, c);
	if (c->under == NULL || c->tick == NULL || c->flush == NULL) {
		if (c->under != NULL)
			bufferevent_free(c->under);
		if (c->tick != NULL)
			event_free(c->tick);
		if (c->flush != NULL)
			event_free(c->flush);
		free(c);
		return NULL;
	}
	c->bev = bufferevent_filter_new(c->under, conn_input, conn_output, BEV_OPT_CLOSE_ON_FREE,
					conn_free, c);
	if (c->bev == NULL) {
		bufferevent_free(c->under);
		event_free(c->tick);
		event_free(c->flush);
		free(c);
		return NULL;
	}
	/* a new request is read before the token relay of running streams */
	bufferevent_priority_set(c->under, SERVER_PRIO_CONN);
	bufferevent_priority_set(c->bev, SERVER_PRIO_CONN);
	event_priority_set(c->tick, SERVER_PRIO_CONN);
	event_priority_set(c->flush, SERVER_PRIO_CONN);
	evbuffer_add_cb(bufferevent_get_output(c->bev), conn_on_output, c);
	/* evhttp sets the socket after this returns: look at it then —
	 * activated now, it runs before any I/O on the new socket */
	event_active(c->tick, EV_TIMEOUT, 0);
	return c->bev;
}

bool server_conns_take_spool(struct server_conns *cs, struct server_req *r, char **path,
			     int64_t *size)
{
	const char *token = server_header(r, SERVER_SPOOL_HEADER);
	struct evhttp_connection *con = evhttp_request_get_connection(r->ev);
	struct bufferevent *bev = con ? evhttp_connection_get_bufferevent(con) : NULL;

	if (token == NULL || bev == NULL || strlen(token) != 32)
		return false;
	for (struct conn_spool **pp = &cs->spools; *pp != NULL; pp = &(*pp)->next) {
		struct conn_spool *s = *pp;

		if (s->bev == bev && sodium_memcmp(s->token, token, 32) == 0) {
			*pp = s->next;
			*path = s->path;
			*size = s->size;
			free(s);
			return true;
		}
	}
	return false;
}

struct server_conns *server_conns_new(struct event_base *base, const struct server_config *cfg)
{
	struct server_conns *cs = xcalloc(1, sizeof(*cs));

	cs->base = base;
	cs->cfg = cfg;
	return cs;
}

void server_conns_free(struct server_conns *cs)
{
	if (cs == NULL)
		return;
	for (size_t i = 0; i < CONN_IP_BUCKETS; i++)
		while (cs->ips[i] != NULL) {
			struct conn_ip *e = cs->ips[i];

			cs->ips[i] = e->next;
			free(e);
		}
	while (cs->spools != NULL) {
		struct conn_spool *s = cs->spools;

		cs->spools = s->next;
		unlink(s->path);
		free(s->path);
		free(s);
	}
	free(cs);
}
