/*
 * In-process timing of a template-path 公文 draft (no process start-up): the
 * scenario library is loaded once, then one scenario's first sample is run
 * (form validation, extraction, templates, text rules, validators) and
 * written as .docx, N times. The fair counterpart of python-docx writing the
 * same document inside one interpreter (pydocx_draft.py).
 * Usage: bench-scenario DIR ID OUT.docx [--iters N]
 * Prints "load_ms draft_ms_median draft_ms_min".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/scenario.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a;
	double y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	struct scn_lib lib;
	struct buf probs;
	const struct scn_def *d;
	json_t *input;
	double *t;
	int iters = 200;
	uint64_t t0;
	double load_ms;

	if (argc < 4) {
		fprintf(stderr, "usage: bench-scenario DIR ID OUT.docx [--iters N]\n");
		return 2;
	}
	if (argc >= 6 && strcmp(argv[4], "--iters") == 0)
		iters = (int)strtol(argv[5], NULL, 10);
	if (iters < 1)
		iters = 1;
	buf_init(&probs, 1 << 20);
	t0 = base_now_ns();
	if (scn_lib_load(argv[1], &lib, &probs) != 0) {
		fprintf(stderr, "%s", probs.p != NULL ? probs.p : "load failed\n");
		return 2;
	}
	load_ms = (double)(base_now_ns() - t0) / 1e6;
	buf_free(&probs);
	d = scn_lib_find(&lib, argv[2]);
	if (d == NULL) {
		fprintf(stderr, "no scenario %s\n", argv[2]);
		return 2;
	}
	input = json_object_get(json_array_get(json_object_get(d->root, "samples"), 0), "input");
	t = xcalloc((size_t)iters, sizeof(*t));
	for (int i = 0; i < iters; i++) {
		struct scn_result r;
		struct err e = {0};

		t0 = base_now_ns();
		if (scn_run(d, input, &r, &e) != 0 || r.input_rejected ||
		    scn_write(d, &r, "docx", argv[3], &e) != 0) {
			fprintf(stderr, "draft failed: %s\n", e.msg);
			return 1;
		}
		scn_result_free(&r);
		t[i] = (double)(base_now_ns() - t0) / 1e6;
	}
	qsort(t, (size_t)iters, sizeof(*t), cmp_double);
	printf("%.3f %.3f %.3f\n", load_ms, t[iters / 2], t[0]);
	free(t);
	scn_lib_free(&lib);
	return 0;
}
