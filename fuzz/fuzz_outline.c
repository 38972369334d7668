/*
 * libFuzzer target: the outline dialect parser (slides/outline) and the
 * extractive outline (slides/extract) on arbitrary bytes.
 *
 * Beyond "no crash, no leak", it aborts when a promise of slides.h is
 * broken: a refusal carries a negative code and a message; an accepted
 * outline written back parses again to the same text; the plan (layout
 * choice and splitting) can be built for it, its preview JSON (the web
 * editor's) is valid JSON counting the plan's slides, small ones render; and
 * whatever slides_extract() makes of the bytes parses as an outline.
 */
#include "slides/plan.h"
#include "slides/slides.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

static void fuzz_fail(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz_outline: %s: %s\n", what, detail != NULL ? detail : "(null)");
	abort();
}

static void check_roundtrip(const struct slides_outline *o)
{
	struct slides_outline *again = NULL;
	struct err e = {0};
	struct buf a, b;

	buf_init(&a, (size_t)16 << 20);
	buf_init(&b, (size_t)16 << 20);
	slides_outline_write(o, &a);
	if (slides_outline_parse(a.p, a.len, &again, &e) != 0) {
		fprintf(stderr, "%.*s\n", (int)(a.len < 4096 ? a.len : 4096), a.p);
		fuzz_fail("written outline does not parse again", e.msg);
	}
	slides_outline_write(again, &b);
	if (a.len != b.len || memcmp(a.p, b.p, a.len) != 0)
		fuzz_fail("outline round trip changed the text", a.p);
	slides_outline_free(again);
	buf_free(&a);
	buf_free(&b);
}

static void check_extract(const uint8_t *data, size_t size, const char *kind)
{
	struct slides_outline *o = NULL;
	struct err e = {0};
	struct buf out;
	int rc;

	buf_init(&out, (size_t)32 << 20);
	rc = slides_extract((const char *)data, size, kind, "fuzz.txt", &out, &e);
	if (rc != 0) {
		if (rc >= 0 || e.code != rc || e.msg[0] == '\0')
			fuzz_fail("extract refusal without code/message", e.msg);
	} else if (slides_outline_parse(out.p, out.len, &o, &e) != 0) {
		fprintf(stderr, "%.*s\n", (int)(out.len < 4096 ? out.len : 4096), out.p);
		fuzz_fail("extracted outline does not parse", e.msg);
	}
	slides_outline_free(o);
	buf_free(&out);
}

static void check_preview(const struct slides_outline *o, size_t n)
{
	struct buf b;
	json_t *v;

	buf_init(&b, (size_t)64 << 20);
	slides_preview_json(o, NULL, &b);
	v = json_loadb(b.p, b.len, 0, NULL);
	if (v == NULL || json_integer_value(json_object_get(v, "count")) != (json_int_t)n ||
	    json_array_size(json_object_get(v, "slides")) != n)
		fuzz_fail("preview JSON invalid or its count differs from the plan", b.p);
	json_decref(v);
	buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct slides_outline *o = NULL;
	struct err e = {0};
	int rc = slides_outline_parse((const char *)data, size, &o, &e);

	if (rc != 0) {
		if (rc >= 0 || e.code != rc || e.msg[0] == '\0')
			fuzz_fail("refusal without a matching negative code", e.msg);
		if (o != NULL)
			fuzz_fail("outline returned with an error", e.msg);
	} else {
		struct sl_plan p;

		check_roundtrip(o);
		sl_plan_build(o, &p);
		if (p.n < 2)
			fuzz_fail("a deck has at least a title and a closing slide", "");
		check_preview(o, p.n);
		sl_plan_free(&p);
		if (size < 2048) {
			char *pptx = NULL;
			size_t len = 0;

			if (slides_render(o, NULL, NULL, &pptx, &len, &e) != 0)
				fuzz_fail("render failed on an accepted outline", e.msg);
			free(pptx);
		}
		slides_outline_free(o);
	}
	check_extract(data, size, size % 2 ? "md" : "txt");
	return 0;
}
