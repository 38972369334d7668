/*
 * In-process timing of outline -> .pptx (no process start-up), the fair
 * counterpart of PptxGenJS timed inside one node process.
 * Usage: bench-slides [--iters N] [--template NAME] [--extract] FILE
 * Prints "slides=N bytes=B median_ms=X min_ms=Y" (parse + layout + render
 * to bytes; with --extract the text -> outline step is included).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc/xml.h"
#include "slides/slides.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a;
	double y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	const char *path = NULL, *tname = NULL;
	int iters = 30;
	bool extract = false;
	char *data = NULL;
	size_t len = 0, nslides = 0, bytes = 0;
	double *ms;
	struct err e = {0};

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--iters") == 0 && i + 1 < argc)
			iters = (int)strtol(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--template") == 0 && i + 1 < argc)
			tname = argv[++i];
		else if (strcmp(argv[i], "--extract") == 0)
			extract = true;
		else
			path = argv[i];
	}
	if (path == NULL || iters < 1 || base_read_file(path, SLIDES_MAX_SOURCE, &data, &len, &e)) {
		fprintf(stderr,
			"usage: bench-slides [--iters N] [--template NAME] [--extract] FILE %s\n",
			e.msg);
		return 2;
	}
	doc_xml_init();
	ms = xcalloc((size_t)iters, sizeof(double));
	for (int i = -3; i < iters; i++) {
		uint64_t t0 = base_now_ns();
		struct slides_outline *o = NULL;
		struct slides_render_opts opts = {NULL, &nslides};
		struct buf ol;
		char *pptx = NULL;

		buf_init(&ol, (size_t)64 << 20);
		if (extract)
			slides_extract(data, len, "txt", path, &ol, &e);
		else
			buf_add(&ol, data, len);
		if (slides_outline_parse(ol.p, ol.len, &o, &e) != 0 ||
		    slides_render(o, slides_template_find(tname), &opts, &pptx, &bytes, &e) != 0) {
			fprintf(stderr, "%s: %s\n", path, e.msg);
			return 2;
		}
		slides_outline_free(o);
		free(pptx);
		buf_free(&ol);
		if (i >= 0)
			ms[i] = (double)(base_now_ns() - t0) / 1e6;
	}
	qsort(ms, (size_t)iters, sizeof(double), cmp_double);
	printf("slides=%zu bytes=%zu median_ms=%.3f min_ms=%.3f\n", nslides, bytes, ms[iters / 2],
	       ms[0]);
	free(ms);
	free(data);
	return 0;
}
