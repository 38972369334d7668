/*
 * model/scan: a purpose-built scanner for the JSON of one streamed chunk
 * (an OpenAI/DeepSeek SSE "data:" object or an Ollama NDJSON line) that
 * picks out what the decoder uses — the delta/message text fields,
 * finish_reason/done_reason, usage counts, done — without building a
 * jansson tree. Internal to src/model (stream.c, tests, fuzz).
 *
 * Invariants:
 *  - It answers only for input it fully understands: strictly valid JSON
 *    (UTF-8 checked, escapes including \uXXXX surrogate pairs, no \u0000),
 *    a root object, at most one choice, no "error" member, no duplicate
 *    tracked key, integers of at most 18 digits and no real numbers. On
 *    anything else it returns false and the caller parses with jansson,
 *    which stays the reference (fuzz/fuzz_model_scan.c compares the two).
 *  - Unknown members are validated and skipped, at any depth up to
 *    MODEL_SCAN_DEPTH.
 *  - Spans point into the scanned text; model_scan_decode() turns a span
 *    into its string value.
 */
#ifndef SHUZHI_MODEL_SCAN_H
#define SHUZHI_MODEL_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/base.h"
#include "model/model.h"

#define MODEL_SCAN_DEPTH 32

enum model_span_kind { MODEL_SPAN_ABSENT, MODEL_SPAN_STRING, MODEL_SPAN_OTHER };

/* A member's value: for strings the bytes between the quotes, raw. */
struct model_span {
	enum model_span_kind kind;
	const char *p;
	size_t n;
	bool esc; /* contains backslash escapes */
};

enum {
	MODEL_SCAN_CONTENT,
	MODEL_SCAN_REASONING_CONTENT,
	MODEL_SCAN_REASONING,
	MODEL_SCAN_THINKING,
	MODEL_SCAN_FIELDS
};

/* A delta or message object. */
struct model_scan_msg {
	bool present; /* the member was an object */
	struct model_span f[MODEL_SCAN_FIELDS];
};

struct model_scan {
	/* OpenAI: choices[0] (when present and its index is 0 or absent)
	 * .delta and .message; Ollama: msg[0] is the root's message. */
	bool choice;		      /* a choice to use */
	struct model_scan_msg msg[2]; /* [0] delta, [1] message */
	struct model_span finish;     /* finish_reason / done_reason */
	bool usage;		      /* OpenAI: a usage object */
	bool done;		      /* Ollama: done is true */
	struct model_usage u;	      /* counts as the decoder reads them (> 0, else 0) */
};

/* Scan s[0..n) as a chunk of kind; false: not understood, use jansson. */
bool model_scan_chunk(enum model_kind kind, const char *s, size_t n, struct model_scan *out);
/* The string value of a MODEL_SPAN_STRING span appended to out (escapes
 * decoded; the span was validated by the scan). */
int model_scan_decode(const struct model_span *sp, struct buf *out);

#endif
