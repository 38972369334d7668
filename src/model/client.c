/* model/client: streamed chat calls with libcurl's multi interface driven by
 * a libevent loop (socket-action API, one timer), spec/stack.md §2.3: no
 * total timeout, a connect timeout, an idle-read stall detector, retries
 * before the first token only, cancellation that closes the connection.
 *
 * A new transfer need not wait for the loop's next turn: after starting
 * it, the caller may let libcurl act on it at once (model_client_run_now:
 * connect, or send the request on a kept connection), and libcurl's "act
 * now" timeout is an activation on the same turn (the kick) rather than a
 * zero timer, which would wait for the next poll and everything it
 * returns.
 *
 * On a loop with three or more priorities (the server's), a transfer's
 * socket runs at the loop's default priority until its first token has
 * been passed on, then at the lowest (bulk): new requests and first tokens
 * are handled before the token relay of streams already running. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <event2/event.h>
#include <sodium.h>

#include "model/curl_dl.h"
#include "model/embed.h"
#include "model/model.h"

struct model_client {
	struct event_base *base;
	CURLM *multi;
	struct event *timer;
	struct event *kick;	  /* libcurl asked for a timeout of 0 */
	int acting;		  /* inside curl_fn.multi_socket_action() */
	int prio_bulk;		  /* priority of a running stream's socket, -1: none */
	struct model_call *calls; /* list of calls in flight or waiting to retry */
	size_t ncalls;
};

struct model_call {
	struct model_client *c;
	const struct model_provider *p;
	struct model_call_cbs cbs;
	CURL *easy;
	struct curl_slist *headers;
	char *body;
	struct event *retry_timer;
	struct model_decoder dec;
	struct buf errbody;
	long status; /* HTTP status of this attempt, 0 before the first byte */
	int attempt;
	bool started;	/* text forwarded */
	bool in_cb;	/* inside a curl or user callback */
	bool cancelled; /* cancel asked from inside a callback */
	bool failed;	/* the decoder refused: e holds why */
	bool raw;	/* model_call_start_raw: the body is kept whole */
	char what[16];	/* model_url endpoint: "chat", "embed" */
	struct buf rawbody;
	enum model_fail fail;	  /* why the last attempt got no usable answer */
	struct client_sock *sock; /* the socket its transfer is on, if known */
	model_get_cb on_get;	  /* a GET (model_get_start), not a chat call */
	void *get_arg;
	struct err e;
	struct model_call *next, *prev;
};

struct client_sock {
	struct event *ev;
	short kind;		 /* the events asked for, to skip no-op changes */
	bool bulk;		 /* ev runs at the client's prio_bulk */
	struct model_call *call; /* the transfer on it (NULL: none or unknown) */
};

/* Tie a socket and a call together, untying both from earlier partners. */
static void sock_bind(struct client_sock *cs, struct model_call *call)
{
	if (cs != NULL && cs->call != NULL && cs->call->sock == cs)
		cs->call->sock = NULL;
	if (call != NULL && call->sock != NULL && call->sock->call == call)
		call->sock->call = NULL;
	if (cs != NULL)
		cs->call = call;
	if (call != NULL)
		call->sock = cs;
}

/* A running stream's socket goes to bulk priority (see the top). Fails
 * harmlessly while the event waits in the active queue. */
static void sock_to_bulk(struct model_client *c, struct client_sock *cs)
{
	if (c->prio_bulk >= 0 && cs != NULL && !cs->bulk &&
	    event_priority_set(cs->ev, c->prio_bulk) == 0)
		cs->bulk = true;
}

static void client_check_done(struct model_client *c);

/* ---- libcurl <-> libevent glue ---- */

static void client_on_sock(evutil_socket_t fd, short what, void *arg)
{
	struct model_client *c = arg;
	int flags = 0;
	int running;

	if (what & EV_READ)
		flags |= CURL_CSELECT_IN;
	if (what & EV_WRITE)
		flags |= CURL_CSELECT_OUT;
	c->acting++;
	curl_fn.multi_socket_action(c->multi, fd, flags, &running);
	c->acting--;
	client_check_done(c);
}

static void client_on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct model_client *c = arg;
	int running;

	(void)fd;
	(void)what;
	c->acting++;
	curl_fn.multi_socket_action(c->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	c->acting--;
	client_check_done(c);
}

static int client_sock_cb(CURL *easy, curl_socket_t s, int what, void *userp, void *socketp)
{
	struct model_client *c = userp;
	struct client_sock *cs = socketp;
	struct model_call *call = NULL;
	/* Edge-triggered on a loop with priorities: libcurl reads until the
	 * socket is empty (it polls for more after each read), and a socket
	 * that waits in the bulk queue is not reported again by every poll
	 * the higher priorities cause. */
	short kind = c->prio_bulk >= 0 ? EV_PERSIST | EV_ET : EV_PERSIST;

	if (what == CURL_POLL_REMOVE) {
		if (cs != NULL) {
			sock_bind(cs, NULL);
			event_free(cs->ev);
			free(cs);
			curl_fn.multi_assign(c->multi, s, NULL);
		}
		return 0;
	}
	if (what & CURL_POLL_IN)
		kind |= EV_READ;
	if (what & CURL_POLL_OUT)
		kind |= EV_WRITE;
	if (easy != NULL)
		curl_fn.easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&call);
	if (cs == NULL) {
		cs = xcalloc(1, sizeof(*cs));
		curl_fn.multi_assign(c->multi, s, cs);
	} else if (cs->kind == kind) {
		sock_bind(cs, call);
		return 0; /* each epoll_ctl is a system call: none for no change */
	} else {
		event_free(cs->ev);
	}
	sock_bind(cs, call);
	cs->kind = kind;
	cs->bulk = false;
	cs->ev = event_new(c->base, s, kind, client_on_sock, c);
	if (call != NULL && call->started)
		sock_to_bulk(c, cs);
	event_add(cs->ev, NULL);
	return 0;
}

static int client_timer_cb(CURLM *multi, long timeout_ms, void *userp)
{
	struct model_client *c = userp;
	struct timeval tv = {timeout_ms / 1000, (timeout_ms % 1000) * 1000};

	(void)multi;
	if (timeout_ms < 0) {
		evtimer_del(c->timer);
	} else if (timeout_ms == 0) {
		evtimer_del(c->timer);
		event_active(c->kick, EV_TIMEOUT, 0);
	} else {
		evtimer_add(c->timer, &tv);
	}
	return 0;
}

struct model_client *model_client_new(struct event_base *base)
{
	struct model_client *c = xcalloc(1, sizeof(*c));
	struct err e = {0};

	if (curl_api_get(&e) == NULL) {
		/* As when libcurl was linked and missing: nothing runs without it. */
		fprintf(stderr, "shuzhi: %s\n", e.msg);
		abort();
	}
	c->base = base;
	c->multi = curl_fn.multi_init();
	c->timer = evtimer_new(base, client_on_timer, c);
	c->kick = event_new(base, -1, 0, client_on_timer, c);
	c->prio_bulk =
	    event_base_get_npriorities(base) >= 3 ? event_base_get_npriorities(base) - 1 : -1;
	if (c->multi == NULL || c->timer == NULL || c->kick == NULL) {
		fprintf(stderr, "shuzhi: libcurl/libevent initialisation failed\n");
		abort();
	}
	curl_fn.multi_setopt(c->multi, CURLMOPT_SOCKETFUNCTION, client_sock_cb);
	curl_fn.multi_setopt(c->multi, CURLMOPT_SOCKETDATA, c);
	curl_fn.multi_setopt(c->multi, CURLMOPT_TIMERFUNCTION, client_timer_cb);
	curl_fn.multi_setopt(c->multi, CURLMOPT_TIMERDATA, c);
	return c;
}

void model_client_run_now(struct model_client *c)
{
	int running;

	if (c->acting > 0)
		return; /* libcurl is running: the kick follows */
	c->acting++;
	curl_fn.multi_socket_action(c->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	c->acting--;
}

size_t model_client_active(const struct model_client *c)
{
	return c->ncalls;
}

void model_client_keep_conns(struct model_client *c, long n)
{
	curl_fn.multi_setopt(c->multi, CURLMOPT_MAXCONNECTS, n > 0 ? n : 1L);
}

/* ---- one call ---- */

static void call_free(struct model_call *call)
{
	struct model_client *c = call->c;

	if (call->easy != NULL) {
		curl_fn.multi_remove_handle(c->multi, call->easy);
		curl_fn.easy_cleanup(call->easy);
	}
	sock_bind(NULL, call);
	if (call->retry_timer != NULL)
		event_free(call->retry_timer);
	curl_fn.slist_free_all(call->headers);
	model_decoder_free(&call->dec);
	buf_free(&call->errbody);
	buf_free(&call->rawbody);
	if (call->prev != NULL)
		call->prev->next = call->next;
	else
		c->calls = call->next;
	if (call->next != NULL)
		call->next->prev = call->prev;
	c->ncalls--;
	free(call->body);
	free(call);
}

void model_client_free(struct model_client *c)
{
	if (c == NULL)
		return;
	while (c->calls != NULL)
		call_free(c->calls);
	event_free(c->timer);
	event_free(c->kick);
	curl_fn.multi_cleanup(c->multi);
	free(c);
}

static int call_on_event(const struct model_event *ev, void *arg)
{
	struct model_call *call = arg;

	if (call->cancelled)
		return BASE_E_INTERNAL;
	if ((ev->type == MODEL_EV_DELTA || ev->type == MODEL_EV_REASONING) && !call->started) {
		call->started = true;
		sock_to_bulk(call->c, call->sock);
	}
	return call->cbs.on_event(ev, call->cbs.arg);
}

static size_t call_on_write(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	struct model_call *call = userdata;
	size_t n = size * nmemb;
	int rc;

	if (call->cancelled)
		return 0;
	if (call->status == 0)
		curl_fn.easy_getinfo(call->easy, CURLINFO_RESPONSE_CODE, &call->status);
	if (call->status != 200 || call->on_get != NULL) {
		size_t room = MODEL_MAX_ERRBODY - call->errbody.len;

		buf_add(&call->errbody, ptr, n < room ? n : room);
		return n;
	}
	if (call->raw) {
		if (buf_add(&call->rawbody, ptr, n) != 0) {
			err_set(&call->e, BASE_E_LIMIT, "模型服务的回复超过 %u 字节",
				MODEL_EMBED_MAX_BODY);
			call->failed = true;
			return 0;
		}
		return n;
	}
	call->in_cb = true;
	rc = model_decoder_feed(&call->dec, ptr, n, &call->e);
	call->in_cb = false;
	if (rc != 0 || call->cancelled) {
		call->failed = !call->cancelled;
		return 0; /* CURLE_WRITE_ERROR: the transfer stops */
	}
	return n;
}

/* What every transfer of a call sets: where, the headers, the buffered
 * or decoded body, the connect timeout, http(s) only and no proxies. */
static void call_setopts(struct model_call *call, CURL *h, const char *url)
{
	curl_fn.easy_setopt(h, CURLOPT_URL, url);
	curl_fn.easy_setopt(h, CURLOPT_HTTPHEADER, call->headers);
	curl_fn.easy_setopt(h, CURLOPT_WRITEFUNCTION, call_on_write);
	curl_fn.easy_setopt(h, CURLOPT_WRITEDATA, call);
	curl_fn.easy_setopt(h, CURLOPT_PRIVATE, call);
	curl_fn.easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_fn.easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, (long)call->p->connect_timeout_ms);
	curl_fn.easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	/* Only the configured endpoint: no proxies from the environment. */
	curl_fn.easy_setopt(h, CURLOPT_NOPROXY, "*");
}

/* A new call in the client's list: buffers, decoder, the API key header. */
static struct model_call *call_new(struct model_client *c, const struct model_provider *p)
{
	struct model_call *call = xcalloc(1, sizeof(*call));
	char auth[600];

	call->c = c;
	call->p = p;
	buf_init(&call->errbody, MODEL_MAX_ERRBODY + 1);
	buf_init(&call->rawbody, MODEL_EMBED_MAX_BODY);
	model_decoder_init(&call->dec, p, call_on_event, call);
	if (p->api_key[0] != '\0') {
		snprintf(auth, sizeof(auth), "Authorization: Bearer %s", p->api_key);
		call->headers = curl_fn.slist_append(call->headers, auth);
		sodium_memzero(auth, sizeof(auth));
	}
	call->next = c->calls;
	if (c->calls != NULL)
		c->calls->prev = call;
	c->calls = call;
	c->ncalls++;
	return call;
}

static int call_attempt(struct model_call *call)
{
	const struct model_provider *p = call->p;
	char url[700];
	CURL *h;

	if (model_url(p, call->what, url, sizeof(url)) != 0)
		return err_set(&call->e, BASE_E_USAGE, "模型地址过长");
	h = curl_fn.easy_init();
	if (h == NULL)
		return err_set(&call->e, BASE_E_INTERNAL, "libcurl 初始化失败");
	call->easy = h;
	call->status = 0;
	buf_reset(&call->errbody);
	buf_reset(&call->rawbody);
	model_decoder_free(&call->dec);
	model_decoder_init(&call->dec, p, call_on_event, call);
	call_setopts(call, h, url);
	curl_fn.easy_setopt(h, CURLOPT_POSTFIELDS, call->body);
	/* A stall detector, not a total timeout: long answers go on. */
	curl_fn.easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_fn.easy_setopt(h, CURLOPT_LOW_SPEED_TIME, (long)p->idle_timeout_s);
	if (call->raw) /* a whole answer, not a stream: a total timeout */
		curl_fn.easy_setopt(h, CURLOPT_TIMEOUT, (long)p->idle_timeout_s);
	curl_fn.easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_fn.easy_setopt(h, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
	if (curl_fn.multi_add_handle(call->c->multi, h) != CURLM_OK)
		return err_set(&call->e, BASE_E_INTERNAL, "libcurl 无法加入请求");
	return 0;
}

static void call_on_retry(evutil_socket_t fd, short what, void *arg)
{
	struct model_call *call = arg;
	struct model_client *c = call->c;

	(void)fd;
	(void)what;
	if (call_attempt(call) != 0) {
		call->in_cb = true;
		call->cbs.on_end(call->e.code, &call->e, false, call->cbs.arg);
		call->in_cb = false;
		call_free(call);
	}
	client_check_done(c);
}

static struct model_call *call_start(struct model_client *c, const struct model_provider *p,
				     const char *what, bool raw, const char *body,
				     const struct model_call_cbs *cbs)
{
	struct model_call *call = call_new(c, p);

	snprintf(call->what, sizeof(call->what), "%s", what);
	call->raw = raw;
	call->cbs = *cbs;
	call->body = xstrdup(body);
	call->headers = curl_fn.slist_append(call->headers, "Content-Type: application/json");
	call->headers = curl_fn.slist_append(call->headers, raw ? "Accept: application/json"
							    : p->kind == MODEL_KIND_OLLAMA
								? "Accept: application/x-ndjson"
								: "Accept: text/event-stream");
	/* No "Expect: 100-continue" round trip on larger prompts. */
	call->headers = curl_fn.slist_append(call->headers, "Expect:");
	if (call_attempt(call) != 0) {
		/* Reported from the loop, so callers see on_end after start returns. */
		struct timeval now = {0, 0};

		if (call->easy != NULL) {
			curl_fn.easy_cleanup(call->easy);
			call->easy = NULL;
		}
		call->attempt = p->retries; /* no retry for a local failure */
		call->retry_timer = evtimer_new(c->base, call_on_retry, call);
		evtimer_add(call->retry_timer, &now);
	}
	return call;
}

struct model_call *model_call_start(struct model_client *c, const struct model_provider *p,
				    const char *body, const struct model_call_cbs *cbs)
{
	return call_start(c, p, "chat", false, body, cbs);
}

struct model_call *model_call_start_raw(struct model_client *c, const struct model_provider *p,
					const char *what, const char *body,
					const struct model_call_cbs *cbs)
{
	return call_start(c, p, what, true, body, cbs);
}

void model_call_cancel(struct model_call *call)
{
	if (call->in_cb) {
		call->cancelled = true;
		return;
	}
	call_free(call);
}

struct model_call *model_get_start(struct model_client *c, const struct model_provider *p,
				   const char *url, model_get_cb cb, void *arg)
{
	struct model_call *call;
	CURL *h = curl_fn.easy_init();

	if (h == NULL) {
		fprintf(stderr, "shuzhi: libcurl initialisation failed\n");
		abort();
	}
	call = call_new(c, p);
	call->on_get = cb;
	call->get_arg = arg;
	call->easy = h;
	call_setopts(call, h, url);
	curl_fn.easy_setopt(h, CURLOPT_TIMEOUT, (long)p->idle_timeout_s);
	curl_fn.multi_add_handle(c->multi, h);
	return call;
}

/* Jittered exponential backoff: base * 2^attempt * [0.5, 1.5). */
static long call_backoff_ms(const struct model_call *call)
{
	double ms = (double)call->p->retry_base_ms *
		    (double)(1u << (call->attempt < 10 ? call->attempt : 10));

	return (long)(ms * (0.5 + (double)randombytes_uniform(1000) / 1000.0));
}

static enum model_fail client_fail_of(CURLcode res)
{
	switch (res) {
	case CURLE_COULDNT_CONNECT:
		return MODEL_FAIL_REFUSED;
	case CURLE_COULDNT_RESOLVE_HOST:
		return MODEL_FAIL_DNS;
	case CURLE_OPERATION_TIMEDOUT:
		return MODEL_FAIL_TIMEOUT;
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_USE_SSL_FAILED:
		return MODEL_FAIL_TLS;
	default:
		return MODEL_FAIL_OTHER;
	}
}

/* A Chinese reason for a transfer that got no HTTP answer. */
static int client_fail_msg(CURLcode res, const struct model_provider *p, struct err *e)
{
	switch (client_fail_of(res)) {
	case MODEL_FAIL_REFUSED:
		return err_set(e, BASE_E_BUSY,
			       "无法连接模型服务 %s（连接被拒绝：服务未启动或端口错误）",
			       p->base_url);
	case MODEL_FAIL_DNS:
		return err_set(e, BASE_E_BUSY, "无法解析模型服务地址（%s），请检查 model.base_url",
			       p->base_url);
	case MODEL_FAIL_TIMEOUT:
		return err_set(e, BASE_E_BUSY, "连接模型服务超时：%s", p->base_url);
	case MODEL_FAIL_TLS:
		return err_set(e, BASE_E_BUSY,
			       "与模型服务 %s 的 TLS（HTTPS）握手或证书验证失败：%s", p->base_url,
			       curl_fn.easy_strerror(res));
	default:
		return err_set(e, BASE_E_BUSY, "模型服务请求失败：%s", curl_fn.easy_strerror(res));
	}
}

enum model_fail model_call_failure(const struct model_call *call, int *status)
{
	*status = (int)call->status;
	return call->fail;
}

/* A GET ended: hand status and body (or why none came) to on_get. */
static void get_finished(struct model_call *call, CURLcode res)
{
	struct err e = {0};
	int rc = 0;

	curl_fn.easy_getinfo(call->easy, CURLINFO_RESPONSE_CODE, &call->status);
	if (res != CURLE_OK) {
		call->fail = client_fail_of(res);
		rc = client_fail_msg(res, call->p, &e);
	} else if (call->status != 200) {
		call->fail = MODEL_FAIL_HTTP;
	}
	buf_addc(&call->errbody, '\0');
	call->in_cb = true;
	call->on_get(rc, &e, (int)call->status, call->errbody.p, call->errbody.len - 1,
		     call->get_arg);
	call->in_cb = false;
	call_free(call);
}

/* Decide what an ended transfer means: retry, or on_end. */
static void call_finished(struct model_call *call, CURLcode res)
{
	struct err e = {0};
	const struct model_provider *p = call->p;
	bool retry = false;
	curl_off_t connect_us = 0;
	int rc;

	curl_fn.easy_getinfo(call->easy, CURLINFO_RESPONSE_CODE, &call->status);
	curl_fn.easy_getinfo(call->easy, CURLINFO_CONNECT_TIME_T, &connect_us);
	if (call->failed) {
		e = call->e;
		rc = e.code;
	} else if (res == CURLE_OK && call->status == 200 && call->raw) {
		struct model_event ev;

		memset(&ev, 0, sizeof(ev));
		ev.type = MODEL_EV_DELTA;
		ev.text = call->rawbody.p ? call->rawbody.p : "";
		ev.len = call->rawbody.len;
		call->in_cb = true;
		rc = call->cbs.on_event(&ev, call->cbs.arg);
		call->in_cb = false;
		if (rc != 0 || call->cancelled) {
			if (call->cancelled) {
				call_free(call);
				return;
			}
			err_set(&e, rc, "模型服务的回复无法使用");
		}
	} else if (res == CURLE_OK && call->status == 200) {
		rc = model_decoder_finish(&call->dec, &e);
	} else if (res == CURLE_OK || (call->status != 0 && call->status != 200)) {
		char msg[400];

		buf_addc(&call->errbody, '\0');
		model_http_error((int)call->status, call->errbody.p, call->errbody.len - 1, msg,
				 sizeof(msg));
		rc = err_set(&e,
			     call->status == 401 || call->status == 402 ? BASE_E_AUTH : BASE_E_BUSY,
			     "%s", msg);
		call->fail = MODEL_FAIL_HTTP;
		retry = model_status_retryable((int)call->status);
	} else if (res == CURLE_COULDNT_CONNECT || res == CURLE_COULDNT_RESOLVE_HOST ||
		   (res == CURLE_OPERATION_TIMEDOUT && call->status == 0 && !call->started &&
		    call->dec.total == 0 && call->errbody.len == 0 && connect_us == 0)) {
		char url[700];

		call->fail = client_fail_of(res);
		model_url(p, "chat", url, sizeof(url));
		if (res == CURLE_COULDNT_RESOLVE_HOST)
			rc = err_set(&e, BASE_E_BUSY,
				     "无法解析模型服务地址（%s），请检查 model.base_url",
				     p->base_url);
		else if (res == CURLE_OPERATION_TIMEDOUT)
			rc = err_set(&e, BASE_E_BUSY, "连接模型服务超时（%d 毫秒）：%s",
				     p->connect_timeout_ms, p->base_url);
		else
			rc = err_set(&e, BASE_E_BUSY,
				     "无法连接模型服务 %s（连接被拒绝：服务未启动或端口错误）",
				     p->base_url);
		retry = true;
	} else if (res == CURLE_OPERATION_TIMEDOUT) {
		call->fail = MODEL_FAIL_TIMEOUT;
		rc = err_set(&e, BASE_E_BUSY, "模型服务 %d 秒没有输出（空闲超时）%s",
			     p->idle_timeout_s, call->started ? "，回答不完整" : "");
	} else if (call->started || call->dec.total > 0) {
		rc = err_set(&e, BASE_E_BUSY, "模型连接中断，回答不完整（%s）",
			     curl_fn.easy_strerror(res));
	} else if (client_fail_of(res) == MODEL_FAIL_TLS) {
		call->fail = MODEL_FAIL_TLS;
		rc = client_fail_msg(res, p, &e);
	} else {
		call->fail = MODEL_FAIL_OTHER;
		rc = err_set(&e, BASE_E_BUSY, "模型服务请求失败：%s", curl_fn.easy_strerror(res));
		retry =
		    res == CURLE_GOT_NOTHING || res == CURLE_RECV_ERROR || res == CURLE_SEND_ERROR;
	}
	curl_fn.multi_remove_handle(call->c->multi, call->easy);
	curl_fn.easy_cleanup(call->easy);
	call->easy = NULL;
	if (rc != 0 && retry && !call->started && call->attempt < p->retries) {
		long ms = call_backoff_ms(call);
		struct timeval tv = {ms / 1000, (ms % 1000) * 1000};

		base_log(LOG_INFO, "model: %s，%ld 毫秒后第 %d 次重试", e.msg, ms,
			 call->attempt + 1);
		call->attempt++;
		err_clear(&call->e);
		if (call->retry_timer == NULL)
			call->retry_timer = evtimer_new(call->c->base, call_on_retry, call);
		evtimer_add(call->retry_timer, &tv);
		return;
	}
	call->in_cb = true;
	call->cbs.on_end(rc, &e, call->started, call->cbs.arg);
	call->in_cb = false;
	call_free(call);
}

static void client_check_done(struct model_client *c)
{
	CURLMsg *msg;
	int left;

	while ((msg = curl_fn.multi_info_read(c->multi, &left)) != NULL) {
		struct model_call *call = NULL;

		if (msg->msg != CURLMSG_DONE)
			continue;
		curl_fn.easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&call);
		if (call->cancelled) {
			call_free(call);
			continue;
		}
		if (call->on_get != NULL)
			get_finished(call, msg->data.result);
		else
			call_finished(call, msg->data.result);
	}
}

/* ---- blocking GET for diagnoses ---- */

static size_t get_on_write(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	struct buf *b = userdata;
	size_t n = size * nmemb;
	size_t room = MODEL_MAX_ERRBODY - b->len;

	buf_add(b, ptr, n < room ? n : room);
	return n;
}

int model_http_get(const struct model_provider *p, const char *url, int *status, char **body,
		   struct err *e)
{
	CURL *h;
	struct curl_slist *hdr = NULL;
	struct buf b;
	char auth[600];
	long code = 0;
	CURLcode res;

	*status = 0;
	*body = NULL;
	if (curl_api_get(e) == NULL)
		return BASE_E_INTERNAL;
	h = curl_fn.easy_init();
	if (h == NULL)
		return err_set(e, BASE_E_INTERNAL, "libcurl 初始化失败");
	buf_init(&b, MODEL_MAX_ERRBODY + 1);
	if (p->api_key[0] != '\0') {
		snprintf(auth, sizeof(auth), "Authorization: Bearer %s", p->api_key);
		hdr = curl_fn.slist_append(hdr, auth);
		sodium_memzero(auth, sizeof(auth));
	}
	curl_fn.easy_setopt(h, CURLOPT_URL, url);
	curl_fn.easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
	curl_fn.easy_setopt(h, CURLOPT_WRITEFUNCTION, get_on_write);
	curl_fn.easy_setopt(h, CURLOPT_WRITEDATA, &b);
	curl_fn.easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_fn.easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, (long)p->connect_timeout_ms);
	curl_fn.easy_setopt(h, CURLOPT_TIMEOUT, (long)p->idle_timeout_s);
	curl_fn.easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_fn.easy_setopt(h, CURLOPT_NOPROXY, "*");
	res = curl_fn.easy_perform(h);
	curl_fn.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	curl_fn.easy_cleanup(h);
	curl_fn.slist_free_all(hdr);
	if (res != CURLE_OK) {
		buf_free(&b);
		if (res == CURLE_COULDNT_CONNECT)
			return err_set(e, BASE_E_IO, "连接被拒绝：服务未启动或端口错误");
		if (res == CURLE_COULDNT_RESOLVE_HOST)
			return err_set(e, BASE_E_IO, "无法解析主机名");
		if (res == CURLE_OPERATION_TIMEDOUT)
			return err_set(e, BASE_E_IO, "超时无响应");
		return err_set(e, BASE_E_IO, "%s", curl_fn.easy_strerror(res));
	}
	*status = (int)code;
	*body = buf_detach(&b, NULL);
	return 0;
}
