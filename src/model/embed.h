/*
 * model/embed: text embeddings through the gateway — OpenAI-compatible
 * `POST {base_url}/embeddings` (DeepSeek-compatible servers, vLLM, SGLang,
 * llama.cpp, Ollama's /v1) and Ollama's native `POST {base_url}/api/embed`.
 *
 * The embedding provider is optional and configured beside "model" as an
 * "embedding" object of the same record style:
 *   "embedding": {"kind": "openai"|"ollama", "base_url": "...", "model": "bge-m3",
 *                 "api_key": "...", "batch": 32, "timeout_s": 60,
 *                 "connect_timeout_ms": 3000, "retries": 2, "retry_base_ms": 250,
 *                 "max_input": 2048}
 *
 * Invariants:
 *  - Responses are parsed with limits: at most MODEL_EMBED_MAX_BODY bytes,
 *    MODEL_EMBED_MAX_DIM dimensions, exactly as many vectors as texts sent
 *    (OpenAI's "index" decides the order), every vector of the same
 *    dimension, finite numbers only. Anything else is BASE_E_FORMAT or
 *    BASE_E_LIMIT with a Chinese message.
 *  - Vectors come out normalised to unit length (cosine = dot product);
 *    a zero vector is an error.
 *  - Each input text is cut to max_input bytes at a character boundary.
 *  - A request has a total timeout (timeout_s): embeddings are not streamed.
 */
#ifndef SHUZHI_MODEL_EMBED_H
#define SHUZHI_MODEL_EMBED_H

#include <stddef.h>

#include "model/model.h"

#define MODEL_EMBED_MAX_BODY  (64u << 20) /* bytes of one response */
#define MODEL_EMBED_MAX_DIM   8192	  /* dimensions of a vector */
#define MODEL_EMBED_MAX_BATCH 512	  /* texts in one request */
#define MODEL_EMBED_MAX_INPUT (64 * 1024) /* bytes of one text sent */

struct model_embedder {
	struct model_provider p; /* kind, base_url, model, api_key, timeouts, retries */
	int batch;		 /* texts per request (default 32) */
	int timeout_s;		 /* total time of one request (default 60) */
	int max_input;		 /* bytes of one text sent (default 2048) */
};

/* n vectors of dim floats each, row after row, unit length. */
struct model_vecs {
	float *v;
	size_t n;
	int dim;
	size_t cap; /* rows allocated */
};

void model_embedder_defaults(struct model_embedder *m);
/* Parse the JSON text of an "embedding" object (errors name src and the key). */
int model_embedder_parse(struct model_embedder *m, const char *json, size_t len, const char *src,
			 struct err *e);
/* The "embedding" object of a config file; BASE_E_NOTFOUND when it has none. */
int model_embedder_load_file(struct model_embedder *m, const char *path, struct err *e);

/* Request body for texts[0..n) (malloc'd; texts cut to max_input). */
char *model_embed_body(const struct model_embedder *m, const char *const *texts, size_t n);
/* Parse a response body that answers n texts; vectors are appended to out
 * (whose dim, when already set, must match). */
int model_embed_parse(enum model_kind kind, const char *body, size_t len, size_t n,
		      struct model_vecs *out, struct err *e);
void model_vecs_free(struct model_vecs *v);

/* Blocking (CLI): every text, in batches of m->batch, on a private loop
 * with the provider's retries. Vectors appended to out. */
int model_embed(const struct model_embedder *m, const char *const *texts, size_t n,
		struct model_vecs *out, struct err *e);
/* model_embed asking stop(arg) before each request and every 100 ms while
 * one runs: non-zero cancels the request in flight and returns BASE_E_BUSY
 * (a server stopping while an endpoint hangs). */
int model_embed_until(const struct model_embedder *m, const char *const *texts, size_t n,
		      struct model_vecs *out, int (*stop)(void *arg), void *arg, struct err *e);

/* Asynchronous (server loop): at most m->batch texts in one request on
 * client c. cb is called exactly once (not after model_embed_cancel) with
 * rc 0 and the vectors (the callee owns them only during the call; take
 * v->v and zero it to keep them), or rc != 0 and e. m must outlive the
 * call. */
struct model_embed_call;
typedef void (*model_embed_cb)(int rc, const struct err *e, struct model_vecs *v, void *arg);
struct model_embed_call *model_embed_start(struct model_client *c, const struct model_embedder *m,
					   const char *const *texts, size_t n, model_embed_cb cb,
					   void *arg);
void model_embed_cancel(struct model_embed_call *call);

/* model/client: a call whose 200 body is kept whole (at most
 * MODEL_EMBED_MAX_BODY bytes) and handed to on_event as one MODEL_EV_DELTA
 * before on_end; what names the endpoint (model_url: "embed"). Same
 * retries and connect timeout as model_call_start; p->idle_timeout_s is a
 * total timeout here. */
struct model_call *model_call_start_raw(struct model_client *c, const struct model_provider *p,
					const char *what, const char *body,
					const struct model_call_cbs *cbs);

#endif
