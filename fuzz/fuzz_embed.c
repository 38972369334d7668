/*
 * libFuzzer target: the embedding response parser (model/embed) on
 * arbitrary bytes, as an OpenAI /embeddings and as an Ollama /api/embed
 * reply; the first byte picks the protocol and how many vectors are asked.
 *
 * Beyond "no crash, no leak", it aborts when a promise is broken: a
 * refusal always has a message, and accepted vectors are exactly n rows of
 * one dimension within the limit, each of unit length.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/embed.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct model_vecs v = {NULL, 0, 0, 0};
	struct err e = {0};
	enum model_kind kind;
	size_t n;
	int rc;

	if (size < 1)
		return 0;
	kind = (data[0] & 1) ? MODEL_KIND_OLLAMA : MODEL_KIND_OPENAI;
	n = (size_t)(data[0] >> 1) % 8 + 1;
	rc = model_embed_parse(kind, (const char *)data + 1, size - 1, n, &v, &e);
	if (rc != 0 && (e.code != rc || e.msg[0] == '\0')) {
		fprintf(stderr, "fuzz_embed: refusal without a message\n");
		abort();
	}
	if (rc == 0) {
		if (v.n != n || v.dim < 1 || v.dim > MODEL_EMBED_MAX_DIM) {
			fprintf(stderr, "fuzz_embed: %zu vectors of %d for %zu asked\n", v.n, v.dim,
				n);
			abort();
		}
		for (size_t i = 0; i < v.n; i++) {
			double s = 0;

			for (int j = 0; j < v.dim; j++)
				s +=
				    (double)v.v[i * (size_t)v.dim + j] * v.v[i * (size_t)v.dim + j];
			if (!(fabs(s - 1.0) < 1e-3)) {
				fprintf(stderr, "fuzz_embed: vector %zu has norm² %g\n", i, s);
				abort();
			}
		}
	}
	model_vecs_free(&v);
	return 0;
}
