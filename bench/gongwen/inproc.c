/*
 * In-process timing of `gongwen check` and `gongwen fix` (no process start-up),
 * the fair counterpart of the python-docx walk timed inside one interpreter.
 * Usage: bench-gongwen [--fix] [--dom] [--warmup W] [--iters N] FILE...
 * Prints one line per file: "FILE check_ms_median check_ms_min" (and fix).
 * W untimed runs first (default 20): caches fill and the regexes a check
 * uses get JIT-compiled (text/regex.c does that once a pattern has seen a
 * few hundred characters, so one run is not enough for the rarely used).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc/xml.h"
#include "gongwen/gongwen.h"
#include "text/regex.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a;
	double y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static bool dom; /* --dom: check on the libxml2 DOM (the reference) */

static double run_once(const char *path, const struct gw_profile *prof, bool fix)
{
	struct gw_doc doc;
	struct gw_findings f;
	struct err e = {0};
	uint64_t t0 = base_now_ns();

	if ((fix || dom ? gw_doc_open(path, prof, &doc, &e)
			: gw_doc_open_check(path, prof, &doc, &e)) != 0) {
		fprintf(stderr, "%s\n", e.msg);
		exit(2);
	}
	if (fix) {
		struct gw_fix_report rep;

		memset(&rep, 0, sizeof(rep));
		buf_init(&rep.log, 1 << 24);
		gw_fix(&doc, true, &rep, &e);
		if (gw_doc_save(&doc, "/tmp/shuzhi-bench-fix.out", &e) != 0) {
			fprintf(stderr, "%s\n", e.msg);
			exit(2);
		}
		buf_free(&rep.log);
	} else {
		gw_findings_init(&f);
		gw_check(&doc, &f);
		gw_findings_free(&f);
	}
	gw_doc_free(&doc);
	return (double)(base_now_ns() - t0) / 1e6;
}

int main(int argc, char **argv)
{
	struct gw_profile prof;
	bool fix = false;
	int iters = 20;
	int warmup = 20;
	int first = 1;

	base_process_setup(); /* as shuzhi's main() does */
	while (first < argc && argv[first][0] == '-') {
		if (strcmp(argv[first], "--fix") == 0)
			fix = true;
		else if (strcmp(argv[first], "--dom") == 0)
			dom = true;
		else if (strcmp(argv[first], "--iters") == 0 && first + 1 < argc)
			iters = (int)strtol(argv[++first], NULL, 10);
		else if (strcmp(argv[first], "--warmup") == 0 && first + 1 < argc)
			warmup = (int)strtol(argv[++first], NULL, 10);
		first++;
	}
	if (iters < 1)
		iters = 1;
	doc_xml_init();
	gw_profile_national(&prof);
	for (int i = first; i < argc; i++) {
		double *t = xcalloc((size_t)iters, sizeof(double));
		double sum = 0;

		for (int k = 0; k < warmup; k++)
			run_once(argv[i], &prof, fix); /* regex compilation, caches */
		for (int k = 0; k < iters; k++) {
			t[k] = run_once(argv[i], &prof, fix);
			sum += t[k];
		}
		qsort(t, (size_t)iters, sizeof(double), cmp_double);
		printf("%s %s median_ms=%.3f min_ms=%.3f mean_ms=%.3f\n", argv[i],
		       fix ? "fix" : "check", t[iters / 2], t[0], sum / iters);
		free(t);
	}
	text_re_cleanup();
	doc_xml_cleanup();
	return 0;
}
