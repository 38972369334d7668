/*
 * standin embeddings (standin_embed.c): the OpenAI and Ollama embedding
 * endpoints of the stand-in model server, deterministic hashed vectors.
 */
#ifndef SHUZHI_STANDIN_EMBED_H
#define SHUZHI_STANDIN_EMBED_H

#include <stdbool.h>

struct evhttp_request;
struct event_base;

/* Answer POST /v1/embeddings (ollama false) or /api/embed (ollama true). */
void standin_embed(struct evhttp_request *req, bool ollama, struct event_base *base);

#endif
