/*
 * libFuzzer target: the model stream decoder (model/stream, model/think) on
 * arbitrary bytes, as SSE and as NDJSON.
 *
 * Beyond "no crash, no leak", it aborts when the decoder's promise is
 * broken: the same bytes fed whole and fed in pieces (cut where the first
 * input byte says) give the same reasoning, answer, end and result code.
 * The first byte also picks the protocol and the think-tag mode.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h"

struct fz_out {
	struct buf text; /* "R:" / "D:" / "E:" / "U" / "F" records, coalesced */
	int last;
};

static int fz_cb(const struct model_event *ev, void *arg)
{
	struct fz_out *o = arg;

	/* Adjacent pieces of the same kind are one record, whatever the cut. */
	if ((int)ev->type != o->last || ev->type > MODEL_EV_DELTA)
		buf_addf(&o->text, "\n%d:", (int)ev->type);
	o->last = (int)ev->type;
	if (ev->type == MODEL_EV_USAGE)
		buf_addf(&o->text, "%lld", (long long)ev->usage.completion_tokens);
	else if (ev->type == MODEL_EV_DONE)
		buf_adds(&o->text, ev->finish);
	else
		buf_add(&o->text, ev->text, ev->len);
	return 0;
}

static int fz_run(const struct model_provider *p, const uint8_t *d, size_t n, size_t step,
		  struct fz_out *o)
{
	struct model_decoder dec;
	struct err e = {0};
	int rc = 0;

	buf_init(&o->text, 64u << 20);
	buf_adds(&o->text, "");
	o->last = -1;
	model_decoder_init(&dec, p, fz_cb, o);
	for (size_t i = 0; i < n && rc == 0; i += step) {
		size_t take = n - i < step ? n - i : step;

		rc = model_decoder_feed(&dec, (const char *)d + i, take, &e);
	}
	if (rc == 0)
		rc = model_decoder_finish(&dec, &e);
	if (rc != 0 && (e.code != rc || e.msg[0] == '\0')) {
		fprintf(stderr, "fuzz_model_stream: refusal without a message\n");
		abort();
	}
	model_decoder_free(&dec);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct model_provider p;
	struct fz_out whole, parts;
	int rc1, rc2;
	size_t step;

	if (size < 1)
		return 0;
	model_provider_defaults(&p);
	p.kind = (data[0] & 1) ? MODEL_KIND_OLLAMA : MODEL_KIND_OPENAI;
	p.think = (enum model_think)((data[0] >> 1) % 3);
	step = (size_t)(data[0] >> 3) + 1;
	data++;
	size--;
	rc1 = fz_run(&p, data, size, size + 1, &whole);
	rc2 = fz_run(&p, data, size, step, &parts);
	/* A line-length refusal may come at a different piece; otherwise the
	 * outcome must not depend on the cut. */
	if (rc1 != BASE_E_LIMIT && rc2 != BASE_E_LIMIT &&
	    (rc1 != rc2 || (rc1 == 0 && strcmp(whole.text.p, parts.text.p) != 0))) {
		fprintf(stderr,
			"fuzz_model_stream: cut changes the result (%d vs %d)\n%s\n---\n%s\n", rc1,
			rc2, whole.text.p, parts.text.p);
		abort();
	}
	buf_free(&whole.text);
	buf_free(&parts.text);
	return 0;
}
