/*
 * libFuzzer target: the chunk scanner (model/scan) against jansson, the
 * reference. The input after the first byte is one chunk's JSON text; it is
 * decoded by the stream decoder with the scanner and with jansson only
 * (decoder.json_only). Beyond "no crash, no leak", it aborts when the two
 * differ in any event (type, text, usage counts, finish reason) or in the
 * result code. The first byte picks the protocol (SSE data lines or an
 * NDJSON line) and the provider's reasoning field.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h"

static int fz_cb(const struct model_event *ev, void *arg)
{
	struct buf *b = arg;

	buf_addf(b, "\n%d:", (int)ev->type);
	if (ev->type == MODEL_EV_USAGE)
		buf_addf(b, "%lld/%lld/%lld/%lld", (long long)ev->usage.prompt_tokens,
			 (long long)ev->usage.completion_tokens,
			 (long long)ev->usage.reasoning_tokens,
			 (long long)ev->usage.cache_hit_tokens);
	else if (ev->type == MODEL_EV_DONE)
		buf_adds(b, ev->finish);
	else
		buf_add(b, ev->text, ev->len);
	return 0;
}

static int fz_run(const struct model_provider *p, const char *body, size_t n, bool json_only,
		  struct buf *out, size_t *scanned)
{
	struct model_decoder dec;
	struct err e = {0};
	int rc;

	buf_init(out, 64u << 20);
	buf_adds(out, "");
	model_decoder_init(&dec, p, fz_cb, out);
	dec.json_only = json_only;
	rc = model_decoder_feed(&dec, body, n, &e);
	if (rc == 0)
		rc = model_decoder_finish(&dec, &e);
	buf_addf(out, "\nrc %d %s", rc, e.msg);
	*scanned = dec.scanned;
	model_decoder_free(&dec);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const fields[] = {"", "reasoning_content", "reasoning", "thinking"};
	struct model_provider p;
	struct buf body, a, b;
	size_t sa, sb;

	if (size < 1)
		return 0;
	model_provider_defaults(&p);
	p.kind = (data[0] & 1) ? MODEL_KIND_OLLAMA : MODEL_KIND_OPENAI;
	snprintf(p.reasoning_field, sizeof(p.reasoning_field), "%s", fields[(data[0] >> 1) & 3]);
	data++;
	size--;
	/* Frame the chunk: SSE "data: " lines (a newline in the text starts
	 * another data line of the same event), or one NDJSON line. */
	buf_init(&body, 64u << 20);
	if (p.kind == MODEL_KIND_OPENAI) {
		buf_adds(&body, "data: ");
		for (size_t i = 0; i < size; i++)
			if (data[i] == '\n')
				buf_adds(&body, "\ndata: ");
			else
				buf_addc(&body, (char)data[i]);
		buf_adds(&body, "\n\ndata: [DONE]\n\n");
	} else {
		buf_add(&body, data, size);
		buf_addc(&body, '\n');
	}
	fz_run(&p, body.p, body.len, true, &a, &sa);
	fz_run(&p, body.p, body.len, false, &b, &sb);
	if (sa != 0 || strcmp(a.p, b.p) != 0) {
		fprintf(stderr, "fuzz_model_scan: the scanner differs from jansson\n%s\n---\n%s\n",
			a.p, b.p);
		abort();
	}
	buf_free(&body);
	buf_free(&a);
	buf_free(&b);
	return 0;
}
