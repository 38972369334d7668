/*
 * libFuzzer target: the scenario template language (scenario/tmpl) on
 * arbitrary bytes.
 *
 * Beyond "no crash, no leak": a refusal carries a negative code and a message
 * naming the template; an accepted template renders against a fixed context
 * (strings, numbers, nested lists and objects) without exceeding the output
 * limit, and rendering it twice gives the same bytes (no hidden state).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/tmpl.h"

static const char ctx_json[] =
    "{\"a\":\"甲\",\"n\":12,\"m\":1234.5,\"d\":\"2025-03-05\",\"t\":true,\"z\":\"\","
    "\"l\":[\"x\",\"y\",\"z\"],\"rows\":[{\"k\":\"复函\",\"v\":[1,2]},{\"k\":\"去函\",\"v\":[]}],"
    "\"o\":{\"p\":{\"q\":\"深\"}}}";

static void fuzz_fail(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz_tmpl: %s: %s\n", what, detail);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scn_tmpl *t = NULL;
	struct err e = {0};
	struct buf a, b;
	json_t *ctx;
	int rc;

	rc = scn_tmpl_parse((const char *)data, size, "fuzz", &t, &e);
	if (rc != 0) {
		if (rc >= 0 || e.code != rc || strstr(e.msg, "fuzz") == NULL)
			fuzz_fail("refusal without code or name", e.msg);
		if (t != NULL)
			fuzz_fail("template returned with an error", e.msg);
		return 0;
	}
	ctx = json_loads(ctx_json, 0, NULL);
	buf_init(&a, 1u << 20);
	buf_init(&b, 1u << 20);
	rc = scn_tmpl_render(t, ctx, &a, &e);
	if (rc == 0) {
		if (a.len > a.max)
			fuzz_fail("output over its limit", "");
		if (scn_tmpl_render(t, ctx, &b, &e) != 0 || a.len != b.len ||
		    (a.len > 0 && memcmp(a.p, b.p, a.len) != 0))
			fuzz_fail("rendering is not repeatable", "");
	} else if (rc != BASE_E_LIMIT) {
		fuzz_fail("render failed other than by the limit", e.msg);
	}
	buf_free(&a);
	buf_free(&b);
	json_decref(ctx);
	scn_tmpl_free(t);
	return 0;
}
