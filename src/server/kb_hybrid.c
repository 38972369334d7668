/*
 * server/kb_hybrid: hybrid search (BM25 + embeddings, reciprocal rank
 * fusion) for the knowledge-base searches of the server (the portal).
 *
 * When the live configuration has an "embedding" provider, the question is
 * embedded on the event loop (model_embed_start, own model client) while
 * the request waits, at most kb_embed_wait_ms (a setting, default
 * SERVER_KB_EMBED_WAIT_MS); then the search runs with the vector over the
 * in-memory 8-bit copy of the kb vectors (kb/vindex, at most
 * kb_vector_memory_mb, reloaded when the stored vectors change). When the
 * endpoint is down, slow or wrong, the search is BM25 alone and says so
 * (mode "bm25" and a Chinese note); after a failure no call is tried for
 * kb_embed_retry_s, so visitors do not wait on a dead endpoint. The three
 * are admin settings (settings.c), read from the live configuration at
 * each search. With no embedding provider nothing here runs and the
 * answers carry no mode.
 *
 * Query vectors (and failures) are kept for a while by (model, question):
 * the portal's search and its answer stream ask the same question one after
 * the other, and both must rank — and number — the same passages.
 *
 * Everything here runs on the loop thread.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "kb/kb.h"
#include "model/embed.h"
#include "model/model.h"
#include "server/server_internal.h"

#define HY_CACHE	64
#define HY_CACHE_OK_MS	(10 * 60 * 1000) /* a question's vector */
#define HY_NOTE_DOWN	"向量服务不可用，本次仅用关键词检索。"
#define HY_NOTE_SLOW	"向量服务未及时响应，本次仅用关键词检索。"
#define HY_NOTE_NOVEC	"知识库还没有该向量模型的向量，本次仅用关键词检索。"
#define HY_NOTE_INVALID "向量模型配置无效，本次仅用关键词检索。"

struct hy_ent {
	char *model;
	char *q;
	float *v; /* NULL: a failure */
	int dim;
	const char *note; /* of a failure */
	uint64_t until_ns;
	uint64_t used_ns;
};

struct hy_wait {
	struct hy_wait *next;
	struct server_req *r;
	char *q;
	server_kbq_fn fn;
	struct model_embedder m; /* must outlive the call */
	struct model_embed_call *call;
	struct event *timer;
	long long wait_ms, retry_s; /* the settings when the search began */
};

static struct {
	struct event_base *base;
	struct model_client *client;
	struct kb_vindex *ix;
	char emb[sizeof(((struct server_config *)0)->embedding)]; /* text parsed into m */
	struct model_embedder m;
	bool valid;
	struct hy_ent cache[HY_CACHE];
	uint64_t down_until_ns;
	struct hy_wait *waits;
	size_t calls; /* embedding calls made (for the log) */
} hy;

static void hy_ent_clear(struct hy_ent *c)
{
	free(c->model);
	free(c->q);
	free(c->v);
	memset(c, 0, sizeof(*c));
}

static struct hy_ent *hy_find(const char *model, const char *q, uint64_t now)
{
	for (size_t i = 0; i < HY_CACHE; i++) {
		struct hy_ent *c = &hy.cache[i];

		if (c->q == NULL)
			continue;
		if (c->until_ns <= now) {
			hy_ent_clear(c);
			continue;
		}
		if (strcmp(c->model, model) == 0 && strcmp(c->q, q) == 0) {
			c->used_ns = now;
			return c;
		}
	}
	return NULL;
}

/* Keep a vector (v taken, may be NULL with note) for (model, q). */
static void hy_keep(const char *model, const char *q, float *v, int dim, const char *note,
		    uint64_t ttl_ns)
{
	uint64_t now = base_now_ns();
	struct hy_ent *c = &hy.cache[0];

	for (size_t i = 0; i < HY_CACHE; i++) {
		struct hy_ent *x = &hy.cache[i];

		if (x->q != NULL && strcmp(x->model, model) == 0 && strcmp(x->q, q) == 0) {
			c = x;
			break;
		}
		if (x->q == NULL || x->until_ns <= now) {
			c = x;
			break;
		}
		if (x->used_ns < c->used_ns)
			c = x; /* least recently used */
	}
	hy_ent_clear(c);
	c->model = xstrdup(model);
	c->q = xstrdup(q);
	c->v = v;
	c->dim = dim;
	c->note = note;
	c->until_ns = now + ttl_ns;
	c->used_ns = now;
}

static void hy_cache_flush(void)
{
	for (size_t i = 0; i < HY_CACHE; i++)
		hy_ent_clear(&hy.cache[i]);
	hy.down_until_ns = 0;
}

/* The embedder of the live configuration; false when none (or invalid:
 * *note then says so). */
static bool hy_embedder(struct server_req *r, const char **note)
{
	const char *emb = server_config_live(r)->embedding;
	struct err e = {0};

	*note = NULL;
	if (emb[0] == '\0')
		return false;
	if (strcmp(emb, hy.emb) != 0) {
		snprintf(hy.emb, sizeof(hy.emb), "%s", emb);
		hy.valid = model_embedder_parse(&hy.m, emb, strlen(emb), "embedding", &e) == 0;
		if (!hy.valid)
			base_log(LOG_WARN, "kb hybrid: %s", e.msg);
		hy_cache_flush();
	}
	if (!hy.valid)
		*note = HY_NOTE_INVALID;
	return true;
}

static void hy_setup(struct server_req *r)
{
	if (hy.base == NULL) {
		hy.base = server_event_base(r);
		hy.client = model_client_new(hy.base);
		hy.ix = kb_vindex_new(0);
	}
}

/* Run fn with a vector (v, dim; NULL: keyword search with note). */
static void hy_go(struct server_req *r, const char *q, server_kbq_fn fn, const float *v, int dim,
		  const char *note)
{
	struct kb_qvec qv = {v, dim, hy.m.p.model, hy.ix};
	struct server_kbq k;

	k.qv = v != NULL ? &qv : NULL;
	k.mode = "bm25";
	k.note = v != NULL ? "" : note;
	fn(r, q, &k);
}

static void hy_wait_free(struct hy_wait *w)
{
	struct hy_wait **p = &hy.waits;

	while (*p != NULL && *p != w)
		p = &(*p)->next;
	if (*p == w)
		*p = w->next;
	if (w->timer != NULL)
		event_free(w->timer);
	free(w->q);
	free(w);
}

/* The question's vector came (or not): search, reply, end the request. */
static void hy_finish(struct hy_wait *w, const float *v, int dim, const char *note)
{
	struct server_req *r = w->r;

	if (r->gone)
		server_reply_error(r, 499, "gone", "客户端已断开");
	else
		hy_go(r, w->q, w->fn, v, dim, note);
	hy_wait_free(w);
	server_req_end(r);
}

/* No call for retry_s after a failure; the question's failure kept as
 * long (at least a second: search and answer ask one after the other). */
static void hy_failed(const struct hy_wait *w, const char *note)
{
	uint64_t ns = (uint64_t)w->retry_s * 1000000000u;

	hy.down_until_ns = base_now_ns() + ns;
	hy_keep(w->m.p.model, w->q, NULL, 0, note, ns > 1000000000u ? ns : 1000000000u);
}

static void hy_on_vec(int rc, const struct err *e, struct model_vecs *v, void *arg)
{
	struct hy_wait *w = arg;

	w->call = NULL; /* ended: not to be cancelled */
	if (rc != 0 || v == NULL || v->n != 1) {
		base_log(LOG_WARN, "kb hybrid: 向量服务不可用，改用关键词检索：%s",
			 rc != 0 ? e->msg : "向量数不符");
		hy_failed(w, HY_NOTE_DOWN);
		hy_finish(w, NULL, 0, HY_NOTE_DOWN);
		return;
	}
	hy_keep(w->m.p.model, w->q, v->v, v->dim, NULL, (uint64_t)HY_CACHE_OK_MS * 1000000u);
	v->v = NULL; /* the cache owns it now */
	{
		const struct hy_ent *c = hy_find(w->m.p.model, w->q, base_now_ns());

		hy_finish(w, c != NULL ? c->v : NULL, c != NULL ? c->dim : 0, HY_NOTE_DOWN);
	}
}

static void hy_on_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct hy_wait *w = arg;

	(void)fd;
	(void)what;
	if (w->call != NULL)
		model_embed_cancel(w->call);
	w->call = NULL;
	base_log(LOG_WARN, "kb hybrid: 向量服务 %lld 毫秒内未响应，改用关键词检索", w->wait_ms);
	hy_failed(w, HY_NOTE_SLOW);
	hy_finish(w, NULL, 0, HY_NOTE_SLOW);
}

void server_kb_hybrid_run(struct server_req *r, const char *q, server_kbq_fn fn)
{
	const struct server_config *live = server_config_live(r);
	long long wait_ms =
	    live->kb_embed_wait_ms > 0 ? live->kb_embed_wait_ms : SERVER_KB_EMBED_WAIT_MS;
	struct timeval tv = {(time_t)(wait_ms / 1000), (suseconds_t)(wait_ms % 1000) * 1000};
	const char *note = NULL;
	const struct hy_ent *c;
	struct hy_wait *w;
	uint64_t now = base_now_ns();

	if (!hy_embedder(r, &note)) {
		struct server_kbq k = {NULL, NULL, ""};

		fn(r, q, &k); /* no embedding model: keyword search, no mode */
		return;
	}
	hy_setup(r);
	kb_vindex_set_max(hy.ix, (size_t)live->kb_vector_memory_mb << 20);
	if (note != NULL) {
		hy_go(r, q, fn, NULL, 0, note);
		return;
	}
	c = hy_find(hy.m.p.model, q, now);
	if (c != NULL) {
		hy_go(r, q, fn, c->v, c->dim, c->v != NULL ? NULL : c->note);
		return;
	}
	if (hy.down_until_ns > now) {
		hy_go(r, q, fn, NULL, 0, HY_NOTE_DOWN);
		return;
	}
	w = xcalloc(1, sizeof(*w));
	w->r = r;
	w->q = xstrdup(q);
	w->fn = fn;
	w->m = hy.m;
	w->wait_ms = wait_ms;
	w->retry_s = live->kb_embed_retry_s;
	w->next = hy.waits;
	hy.waits = w;
	w->timer = evtimer_new(hy.base, hy_on_timeout, w);
	evtimer_add(w->timer, &tv);
	server_req_defer(r);
	hy.calls++;
	{
		const char *texts[1] = {w->q};

		w->call = model_embed_start(hy.client, &w->m, texts, 1, hy_on_vec, w);
	}
}

void server_kb_hybrid_result(struct server_kbq *k, bool hybrid)
{
	if (k->mode == NULL)
		return;
	if (hybrid) {
		k->mode = "hybrid";
		k->note = "";
	} else if (k->qv != NULL) {
		k->note = HY_NOTE_NOVEC;
	}
}

void server_kb_hybrid_stop(void)
{
	/* Requests still waiting (the loop has ended): keyword search now. */
	while (hy.waits != NULL) {
		struct hy_wait *w = hy.waits;

		if (w->call != NULL)
			model_embed_cancel(w->call);
		w->call = NULL;
		hy_finish(w, NULL, 0, HY_NOTE_SLOW);
	}
	if (hy.client != NULL)
		model_client_free(hy.client);
	kb_vindex_free(hy.ix);
	hy_cache_flush();
	memset(&hy, 0, sizeof(hy));
}
