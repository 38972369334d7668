/* Unit tests: embeddings through the gateway (config record, request body,
 * the bounded response parser, the asynchronous call on a loop against an
 * in-process HTTP server) and the kb's vectors (cosine, reciprocal rank
 * fusion, storage and re-embedding, hybrid search). */
#include <math.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>

#include "db_fixture.h"
#include "kb/kb.h"
#include "model/embed.h"
#include "server/server.h"
#include "store/kbvec_store.h"
#include "test.h"

/* ---- config ---- */

TEST(embed_config_record)
{
	struct model_embedder m;
	struct err e = {0};
	const char *ok = "{\"kind\":\"ollama\",\"base_url\":\"http://10.0.0.5:11434/\","
			 "\"model\":\"bge-m3\",\"batch\":8,\"timeout_s\":5}";

	ASSERT_EQ(model_embedder_parse(&m, ok, strlen(ok), "t", &e), 0);
	ASSERT_EQ(m.p.kind, MODEL_KIND_OLLAMA);
	ASSERT_STR_EQ(m.p.base_url, "http://10.0.0.5:11434");
	ASSERT_STR_EQ(m.p.model, "bge-m3");
	ASSERT_EQ(m.batch, 8);
	ASSERT_EQ(m.timeout_s, 5);
	ASSERT_EQ(m.p.idle_timeout_s, 5); /* the total timeout of a request */
	ASSERT_EQ(m.max_input, 2048);

	{
		const char *b = "{\"base_url\":\"http://x\",\"model\":\"m\",\"dims\":3}";

		ASSERT_NE(model_embedder_parse(&m, b, strlen(b), "t", &e), 0);
		ASSERT_CONTAINS(e.msg, "embedding.dims");
	}
	err_clear(&e);
	{
		const char *b = "{\"base_url\":\"ftp://x\",\"model\":\"m\"}";

		ASSERT_NE(model_embedder_parse(&m, b, strlen(b), "t", &e), 0);
	}
	ASSERT_CONTAINS(e.msg, "embedding.base_url");
	err_clear(&e);
	ASSERT_NE(model_embedder_parse(&m, "{\"base_url\":\"http://x\"}", 23, "t", &e), 0);
	ASSERT_CONTAINS(e.msg, "embedding.model");
	{
		const char *b = "{\"base_url\":\"http://x\",\"model\":\"m\",\"batch\":0}";

		err_clear(&e);
		ASSERT_NE(model_embedder_parse(&m, b, strlen(b), "t", &e), 0);
		ASSERT_CONTAINS(e.msg, "embedding.batch");
	}
	{
		const char *b = "{\"base_url\":\"http://x\",\"model\":\"m\",\"kind\":\"vllm\"}";

		err_clear(&e);
		ASSERT_NE(model_embedder_parse(&m, b, strlen(b), "t", &e), 0);
		ASSERT_CONTAINS(e.msg, "embedding.kind");
	}
	ASSERT_EQ(model_embedder_parse(&m, "[1]", 3, "t", &e), BASE_E_FORMAT);
}

TEST(embed_request_body_and_url)
{
	struct model_embedder m;
	const char *texts[] = {"劳动合同", "试用期最长多久"};
	char url[256];
	char *b;

	model_embedder_defaults(&m);
	snprintf(m.p.base_url, sizeof(m.p.base_url), "http://h:1/v1");
	snprintf(m.p.model, sizeof(m.p.model), "bge-m3");
	m.max_input = 16; /* 5 characters and a third of one: cut before it */
	b = model_embed_body(&m, texts, 2);
	ASSERT_STR_EQ(b, "{\"model\":\"bge-m3\",\"input\":[\"劳动合同\",\"试用期最长\"],"
			 "\"encoding_format\":\"float\"}");
	free(b);
	ASSERT_EQ(model_url(&m.p, "embed", url, sizeof(url)), 0);
	ASSERT_STR_EQ(url, "http://h:1/v1/embeddings");
	m.p.kind = MODEL_KIND_OLLAMA;
	b = model_embed_body(&m, texts, 1);
	ASSERT_STR_EQ(b, "{\"model\":\"bge-m3\",\"input\":[\"劳动合同\"],\"truncate\":true}");
	free(b);
	ASSERT_EQ(model_url(&m.p, "embed", url, sizeof(url)), 0);
	ASSERT_STR_EQ(url, "http://h:1/v1/api/embed");
}

/* ---- the response parser ---- */

static int parse(enum model_kind k, const char *body, size_t n, struct model_vecs *v, struct err *e)
{
	err_clear(e);
	return model_embed_parse(k, body, strlen(body), n, v, e);
}

TEST(embed_parse_openai_ollama_normalised_in_index_order)
{
	struct model_vecs v = {NULL, 0, 0, 0};
	struct err e = {0};

	/* data out of order: "index" decides; vectors come out unit length. */
	ASSERT_EQ(
	    parse(MODEL_KIND_OPENAI,
		  "{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":1,"
		  "\"embedding\":[0,2]},{\"object\":\"embedding\",\"index\":0,\"embedding\":"
		  "[3,4]}],\"model\":\"m\",\"usage\":{\"prompt_tokens\":2,\"total_tokens\":2}}",
		  2, &v, &e),
	    0);
	ASSERT_EQ(v.n, 2);
	ASSERT_EQ(v.dim, 2);
	ASSERT(fabsf(v.v[0] - 0.6f) < 1e-6f && fabsf(v.v[1] - 0.8f) < 1e-6f);
	ASSERT(fabsf(v.v[2]) < 1e-6f && fabsf(v.v[3] - 1.0f) < 1e-6f);
	/* Appending: same dimension required. */
	ASSERT_EQ(parse(MODEL_KIND_OLLAMA, "{\"model\":\"m\",\"embeddings\":[[1,0]]}", 1, &v, &e),
		  0);
	ASSERT_EQ(v.n, 3);
	ASSERT_EQ(parse(MODEL_KIND_OLLAMA, "{\"model\":\"m\",\"embeddings\":[[1,0,0]]}", 1, &v, &e),
		  BASE_E_FORMAT);
	ASSERT_CONTAINS(e.msg, "维数不一致");
	ASSERT_EQ(v.n, 3);
	model_vecs_free(&v);
}

TEST(embed_parse_refuses_hostile_replies)
{
	static const struct {
		enum model_kind k;
		const char *body;
		size_t n;
		const char *msg;
	} bad[] = {
	    {MODEL_KIND_OPENAI, "{\"data\":[{\"index\":0,\"embedding\":[1,2]}", 1, "JSON"},
	    {MODEL_KIND_OPENAI, "\xff\xfe{}", 1, "JSON"},
	    {MODEL_KIND_OPENAI, "{\"data\":{}}", 1, "data"},
	    {MODEL_KIND_OPENAI, "{\"data\":[]}", 1, "0 个向量"},
	    {MODEL_KIND_OPENAI, "{\"data\":[{\"index\":0,\"embedding\":[1]}]}", 2, "应为 2"},
	    {MODEL_KIND_OPENAI,
	     "{\"data\":[{\"index\":0,\"embedding\":[1]},{\"index\":0,\"embedding\":[1]}]}", 2,
	     "index"},
	    {MODEL_KIND_OPENAI, "{\"data\":[{\"index\":7,\"embedding\":[1]}]}", 1, "index"},
	    {MODEL_KIND_OPENAI, "{\"data\":[{\"index\":0,\"embedding\":\"AAAA\"}]}", 1, "不是数组"},
	    {MODEL_KIND_OPENAI, "{\"data\":[{\"index\":0,\"embedding\":[1,\"x\"]}]}", 1,
	     "不是数字"},
	    {MODEL_KIND_OPENAI, "{\"data\":[{\"index\":0,\"embedding\":[0,0]}]}", 1, "零向量"},
	    {MODEL_KIND_OPENAI, "{\"data\":[{\"index\":0,\"embedding\":[1e300]}]}", 1, "非有限"},
	    {MODEL_KIND_OLLAMA, "{\"embeddings\":[[1,2],[1]]}", 2, "维数不一致"},
	    {MODEL_KIND_OLLAMA, "{\"embedding\":[1,2]}", 1, "embeddings"},
	    {MODEL_KIND_OLLAMA, "{\"embeddings\":[[]]}", 1, "不是数组"},
	};
	struct err e = {0};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct model_vecs v = {NULL, 0, 0, 0};
		int rc = parse(bad[i].k, bad[i].body, bad[i].n, &v, &e);

		if (rc == 0 || strstr(e.msg, bad[i].msg) == NULL)
			TEST_FAIL_AT("case %zu (%s): rc %d, %s", i, bad[i].body, rc, e.msg);
		ASSERT_CONTAINS(e.msg, bad[i].msg);
		ASSERT_EQ(v.n, 0);
		model_vecs_free(&v);
	}
}

TEST(embed_parse_limits)
{
	struct model_vecs v = {NULL, 0, 0, 0};
	struct err e = {0};
	struct buf b;
	char one = '{';

	/* The size is checked before a byte is read. */
	ASSERT_EQ(
	    model_embed_parse(MODEL_KIND_OPENAI, &one, (size_t)MODEL_EMBED_MAX_BODY + 1, 1, &v, &e),
	    BASE_E_LIMIT);
	ASSERT_EQ(model_embed_parse(MODEL_KIND_OPENAI, "{}", 2, 0, &v, &e), BASE_E_USAGE);
	err_clear(&e);
	/* One dimension too many. */
	buf_init(&b, 1u << 20);
	buf_adds(&b, "{\"embeddings\":[[");
	for (int i = 0; i <= MODEL_EMBED_MAX_DIM; i++)
		buf_adds(&b, i ? ",1" : "1");
	buf_adds(&b, "]]}");
	ASSERT_EQ(model_embed_parse(MODEL_KIND_OLLAMA, b.p, b.len, 1, &v, &e), BASE_E_LIMIT);
	ASSERT_CONTAINS(e.msg, "维数");
	buf_free(&b);
	model_vecs_free(&v);
}

/* ---- the asynchronous call, against an HTTP server on the same loop ---- */

struct fake {
	int status;
	const char *body;
	int requests;
	char seen[512];
};

static void fake_cb(struct evhttp_request *req, void *arg)
{
	struct fake *f = arg;
	struct evbuffer *in = evhttp_request_get_input_buffer(req);
	struct evbuffer *out = evbuffer_new();
	size_t n = evbuffer_get_length(in);

	f->requests++;
	if (n >= sizeof(f->seen))
		n = sizeof(f->seen) - 1;
	evbuffer_copyout(in, f->seen, n);
	f->seen[n] = '\0';
	snprintf(f->seen + n, sizeof(f->seen) - n, " %s",
		 evhttp_uri_get_path(evhttp_request_get_evhttp_uri(req)));
	evbuffer_add(out, f->body, strlen(f->body));
	evhttp_send_reply(req, f->status, "X", out);
	evbuffer_free(out);
}

struct got {
	struct event_base *base;
	int calls;
	int rc;
	int dim;
	size_t n;
	float first;
	char msg[512];
};

static void got_cb(int rc, const struct err *e, struct model_vecs *v, void *arg)
{
	struct got *g = arg;

	g->calls++;
	g->rc = rc;
	if (rc == 0) {
		g->dim = v->dim;
		g->n = v->n;
		g->first = v->v[0];
	} else {
		snprintf(g->msg, sizeof(g->msg), "%s", e->msg);
	}
	event_base_loopbreak(g->base);
}

static void run_async(struct fake *f, struct got *g)
{
	struct event_base *base = event_base_new();
	struct evhttp *http = evhttp_new(base);
	struct evhttp_bound_socket *sock = evhttp_bind_socket_with_handle(http, "127.0.0.1", 0);
	struct sockaddr_in sin;
	socklen_t sl = sizeof(sin);
	struct model_client *c = model_client_new(base);
	struct model_embedder m;
	const char *texts[] = {"甲", "乙"};

	ASSERT(sock != NULL);
	getsockname(evhttp_bound_socket_get_fd(sock), (struct sockaddr *)&sin, &sl);
	evhttp_set_gencb(http, fake_cb, f);
	model_embedder_defaults(&m);
	snprintf(m.p.base_url, sizeof(m.p.base_url), "http://127.0.0.1:%d/v1", ntohs(sin.sin_port));
	snprintf(m.p.model, sizeof(m.p.model), "m");
	m.p.retries = 1;
	m.p.retry_base_ms = 1;
	memset(g, 0, sizeof(*g));
	g->base = base;
	model_embed_start(c, &m, texts, 2, got_cb, g);
	event_base_dispatch(base);
	model_client_free(c);
	evhttp_free(http);
	event_base_free(base);
}

TEST(embed_async_call_on_the_loop)
{
	struct fake f = {200,
			 "{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,"
			 "\"embedding\":[2,0,0]},{\"object\":\"embedding\",\"index\":1,"
			 "\"embedding\":[0,1,0]}],\"model\":\"m\"}",
			 0, ""};
	struct got g;

	run_async(&f, &g);
	ASSERT_EQ(g.calls, 1);
	ASSERT_EQ(g.rc, 0);
	ASSERT_EQ(g.n, 2);
	ASSERT_EQ(g.dim, 3);
	ASSERT(fabsf(g.first - 1.0f) < 1e-6f);
	ASSERT_CONTAINS(f.seen, "\"input\":[\"甲\",\"乙\"]");
	ASSERT_CONTAINS(f.seen, " /v1/embeddings");

	/* A malformed 200 reply: an error, not vectors. */
	f.body = "{\"object\":\"list\",\"data\":[{\"embedding\":\"oops\"}";
	run_async(&f, &g);
	ASSERT_EQ(g.calls, 1);
	ASSERT_EQ(g.rc, BASE_E_FORMAT);
	ASSERT_CONTAINS(g.msg, "JSON");

	/* 500 is retried (retries 1), then reported in Chinese. */
	f.status = 500;
	f.body = "{\"error\":{\"message\":\"boom\"}}";
	f.requests = 0;
	run_async(&f, &g);
	ASSERT_EQ(g.calls, 1);
	ASSERT_NE(g.rc, 0);
	ASSERT_EQ(f.requests, 2);
	ASSERT_CONTAINS(g.msg, "向量服务");
	ASSERT_CONTAINS(g.msg, "500");
}

/* ---- kb: cosine, fusion ---- */

TEST(kb_vec_dot_any_dimension)
{
	float a[7] = {1, 2, 3, 4, 5, 6, 7};
	float b[7] = {7, 6, 5, 4, 3, 2, 1};

	ASSERT(fabsf(kb_vec_dot(a, b, 7) - 84.0f) < 1e-4f);
	ASSERT(fabsf(kb_vec_dot(a, b, 5) - 65.0f) < 1e-4f); /* 7+12+15+16+15 */
	ASSERT(fabsf(kb_vec_dot(a, a, 1) - 1.0f) < 1e-6f);
	ASSERT(fabsf(kb_vec_dot(a, b, 0)) < 1e-6f);
	/* From bytes at an odd address. */
	{
		unsigned char raw[7 * sizeof(float) + 1];

		memcpy(raw + 1, b, 7 * sizeof(float));
		ASSERT(fabsf(kb_vec_dot_bytes(a, raw + 1, 7) - 84.0f) < 1e-4f);
		ASSERT(fabsf(kb_vec_dot_bytes(a, raw + 1, 5) - 65.0f) < 1e-4f);
	}
}

TEST(kb_rrf_fuses_ranks)
{
	const int64_t l1[] = {10, 20, 30};
	const int64_t l2[] = {30, 40, 10};
	const int64_t *lists[] = {l1, l2};
	size_t lens[] = {3, 3};
	double w[] = {1.0, 1.0};
	struct kb_fused *f = NULL;
	size_t n = 0;

	kb_rrf(lists, lens, w, 2, 60.0, &f, &n);
	ASSERT_EQ(n, 4);
	/* 10: 1/61 + 1/63; 30: 1/63 + 1/61 — equal, the first list's order
	 * decides; then 20 (1/62) before 40 (1/62, second list). */
	ASSERT_EQ(f[0].id, 10);
	ASSERT_EQ(f[1].id, 30);
	ASSERT_EQ(f[2].id, 20);
	ASSERT_EQ(f[3].id, 40);
	ASSERT(fabs(f[0].score - (1.0 / 61 + 1.0 / 63)) < 1e-12);
	free(f);
	/* A weight moves a list's items up. */
	w[1] = 3.0;
	kb_rrf(lists, lens, w, 2, 60.0, &f, &n);
	ASSERT_EQ(f[0].id, 30);
	ASSERT_EQ(f[1].id, 10);
	ASSERT_EQ(f[2].id, 40);
	free(f);
	/* Empty lists. */
	lens[0] = lens[1] = 0;
	kb_rrf(lists, lens, w, 2, 60.0, &f, &n);
	ASSERT_EQ(n, 0);
	free(f);
}

/* ---- kb: vectors in the store, hybrid search ---- */

static void write_file(const char *dir, const char *name, const char *text)
{
	char p[512];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	f = fopen(p, "w");
	ASSERT(f != NULL);
	fputs(text, f);
	fclose(f);
}

/* A test vector: one-hot-ish on a slot chosen by a marker in the text. */
static void test_vec(const char *text, float v[4])
{
	memset(v, 0, 4 * sizeof(float));
	if (strstr(text, "听证") != NULL)
		v[0] = 1;
	else if (strstr(text, "复议") != NULL)
		v[1] = 1;
	else if (strstr(text, "海洋") != NULL)
		v[2] = 1;
	else
		v[3] = 1;
}

struct todo_all {
	int64_t ids[32];
	float v[32][4];
	size_t n;
};

static int todo_all_cb(const struct kbvec_store_todo *t, void *arg)
{
	struct todo_all *a = arg;

	if (a->n < 32) {
		a->ids[a->n] = t->chunk_id;
		test_vec(t->body, a->v[a->n]);
		a->n++;
	}
	return 0;
}

static void put_all(struct store *st, const char *model, size_t expect)
{
	struct todo_all a;
	struct err e = {0};

	memset(&a, 0, sizeof(a));
	ASSERT_EQ(kbvec_store_todo(st, 0, model, 0, 32, todo_all_cb, &a, &e), 0);
	ASSERT_EQ(a.n, expect);
	ASSERT_EQ(store_tx_begin(st, &e), 0);
	for (size_t i = 0; i < a.n; i++)
		ASSERT_EQ(kbvec_store_put(st, a.ids[i], model, a.v[i], 4, &e), 0);
	ASSERT_EQ(store_tx_commit(st, &e), 0);
}

TEST(kb_vectors_stored_reembedded_and_fused)
{
	struct db_fixture f;
	struct kb_ingest_opts o;
	struct kb_ingest_stats s;
	struct kb_results r, plain;
	struct err e = {0};
	char root[160];
	const char *paths[1];
	int64_t n = 0;
	int dim = 0;
	bool hybrid = true;
	float q[4] = {0, 0, 1, 0}; /* "海洋": no query word is in the text */
	struct kb_qvec qv = {q, 4, "vm-a", NULL};

	memset(&o, 0, sizeof(o));
	o.now = 1;
	db_fixture_open(&f);
	snprintf(root, sizeof(root), "%s/laws", f.dir);
	ASSERT_EQ(mkdir(root, 0700), 0);
	write_file(root, "示例法.md",
		   "# 中华人民共和国示例法\n\n第一条 当事人要求听证的，应当在五日内提出。\n\n"
		   "第二条 对决定不服的，可以申请行政复议。\n\n"
		   "第三条 海洋资源的开发利用应当依法进行。\n");
	paths[0] = root;
	ASSERT_EQ(kb_add(f.st, "laws", paths, 1, &o, &s, &e), 0);
	ASSERT_EQ(s.chunks, 3);

	/* No vectors yet: exactly kb_search, and not hybrid. */
	ASSERT_EQ(kbvec_store_todo_count(f.st, 0, "vm-a", &n, &e), 0);
	ASSERT_EQ(n, 3);
	ASSERT_EQ(kb_search_hybrid(f.st, "听证的期限", NULL, 0, 5, &qv, &r, &hybrid, &e), 0);
	ASSERT(!hybrid);
	ASSERT_EQ(kb_search(f.st, "听证的期限", NULL, 0, 5, &plain, &e), 0);
	ASSERT_EQ(r.n, plain.n);
	for (size_t i = 0; i < r.n; i++) {
		ASSERT_STR_EQ(r.p[i].article, plain.p[i].article);
		ASSERT(r.p[i].score == plain.p[i].score);
	}
	kb_results_free(&r);
	kb_results_free(&plain);

	put_all(f.st, "vm-a", 3);
	ASSERT_EQ(kbvec_store_todo_count(f.st, 0, "vm-a", &n, &e), 0);
	ASSERT_EQ(n, 0);
	ASSERT_EQ(kbvec_store_stat(f.st, "vm-a", &n, &dim, &e), 0);
	ASSERT_EQ(n, 3);
	ASSERT_EQ(dim, 4);

	/* A query BM25 cannot match finds the article by its vector. */
	ASSERT_EQ(kb_search(f.st, "蓝色国土", NULL, 0, 5, &plain, &e), 0);
	ASSERT_EQ(plain.n, 0);
	kb_results_free(&plain);
	ASSERT_EQ(kb_search_hybrid(f.st, "蓝色国土", NULL, 0, 5, &qv, &r, &hybrid, &e), 0);
	ASSERT(hybrid);
	ASSERT(r.n >= 1);
	ASSERT_STR_EQ(r.p[0].article, "第三条");
	kb_results_free(&r);

	/* Both rankings agree on 第一条: it stays first; scores are RRF sums. */
	q[0] = 1;
	q[2] = 0;
	ASSERT_EQ(kb_search_hybrid(f.st, "听证的期限", NULL, 0, 5, &qv, &r, &hybrid, &e), 0);
	ASSERT(hybrid);
	ASSERT_STR_EQ(r.p[0].article, "第一条");
	ASSERT(fabs(r.p[0].score - 2.0 / 61.0) < 1e-9);
	kb_results_free(&r);

	/* Another kb filter: no vector of an allowed kb, so not hybrid. */
	{
		const char *other[] = {"nothing"};

		ASSERT_NE(kb_search_hybrid(f.st, "听证", other, 1, 5, &qv, &r, &hybrid, &e), 0);
		ASSERT(!hybrid);
	}

	/* Another model: every chunk is to do again; a changed file loses the
	 * vectors of its old chunks (cascade) and its new chunks are to do. */
	ASSERT_EQ(kbvec_store_todo_count(f.st, 0, "vm-b", &n, &e), 0);
	ASSERT_EQ(n, 3);
	write_file(root, "示例法.md",
		   "# 中华人民共和国示例法\n\n第一条 当事人要求听证的，应当在七日内提出。\n\n"
		   "第二条 对决定不服的，可以申请行政复议。\n");
	ASSERT_EQ(kb_reindex(f.st, "laws", &o, &s, &e), 0);
	ASSERT_EQ(kbvec_store_stat(f.st, "vm-a", &n, &dim, &e), 0);
	ASSERT_EQ(n, 0);
	ASSERT_EQ(kbvec_store_todo_count(f.st, 0, "vm-a", &n, &e), 0);
	ASSERT_EQ(n, 2);
	put_all(f.st, "vm-a", 2);
	ASSERT_EQ(kbvec_store_stat(f.st, "vm-a", &n, &dim, &e), 0);
	ASSERT_EQ(n, 2);
	db_fixture_close(&f);
}

TEST(kb_embed_text_joins_fields)
{
	char *t = kb_embed_text("示例法", "第一章 总则", "第一条 内容。");

	ASSERT_STR_EQ(t, "示例法\n第一章 总则\n第一条 内容。");
	free(t);
	t = kb_embed_text("示例法", "", "正文");
	ASSERT_STR_EQ(t, "示例法\n正文");
	free(t);
}

TEST(embed_server_config_key)
{
	struct server_config c;
	struct err e = {0};
	const char *ok = "{\"embedding\":{\"base_url\":\"http://h:1/v1\",\"model\":\"bge-m3\","
			 "\"api_key\":\"sk-secret\"}}";
	const char *bad = "{\"embedding\":{\"base_url\":\"http://h:1/v1\",\"model\":\"m\","
			  "\"batch\":9999}}";
	char *json;

	server_config_defaults(&c);
	ASSERT_EQ(server_config_load_json(&c, ok, strlen(ok), "t.json", &e), 0);
	ASSERT_CONTAINS(c.embedding, "bge-m3");
	json = server_config_json(&c);
	ASSERT_CONTAINS(json, "\"embedding\"");
	ASSERT(strstr(json, "sk-secret") == NULL);
	free(json);
	server_config_defaults(&c);
	ASSERT_NE(server_config_load_json(&c, bad, strlen(bad), "t.json", &e), 0);
	ASSERT_CONTAINS(e.msg, "embedding.batch");
	ASSERT_EQ(c.embedding[0], '\0');
}
