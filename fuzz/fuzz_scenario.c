/*
 * libFuzzer target: the scenario definition loader (scenario/scenario.c)
 * on arbitrary bytes, then a run of the definition's first sample.
 *
 * A refusal must carry a negative code and name the file; an accepted
 * definition must run its first sample to completion (input rejected or a
 * result with text), never crash, leak or loop.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/scenario.h"

static void fuzz_fail(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz_scenario: %s: %s\n", what, detail);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scn_def d;
	struct scn_result r;
	struct err e = {0};
	json_t *samples;
	int rc;

	rc = scn_def_parse((const char *)data, size, "fuzz.json", NULL, &d, &e);
	if (rc != 0) {
		if (rc >= 0 || e.code != rc || strstr(e.msg, "fuzz.json") == NULL)
			fuzz_fail("refusal without code or file name", e.msg);
		return 0;
	}
	samples = json_object_get(d.root, "samples");
	err_clear(&e);
	rc = scn_run(&d, json_object_get(json_array_get(samples, 0), "input"), &r, &e);
	if (rc == 0 && !r.input_rejected && r.text == NULL)
		fuzz_fail("a run without text", d.id);
	scn_result_free(&r);
	scn_def_free(&d);
	return 0;
}
