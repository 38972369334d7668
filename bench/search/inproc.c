/*
 * In-process search timing and run file (no process start-up):
 *   bench-search DB QUERIES.jsonl [--iters N] [--limit N] [--run OUT.jsonl]
 * Runs kb_search for every query of a laws-queries-*.jsonl file N times
 * (first run warms the page cache and is not timed), prints
 * "queries=… p50_ms=… p99_ms=… mean_ms=…" and, with --run, writes the
 * results of the first run in score_search.py's --run format.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "kb/kb.h"
#include "store/store.h"

#include "../kb_bench.h"

int main(int argc, char **argv)
{
	const char *runpath = NULL;
	int iters = 5;
	size_t limit = 10;
	struct store *st;
	struct err e = {0};
	json_t **qs = NULL;
	size_t nq = 0;
	size_t cap = 0;
	double *lat;
	double *cpu;
	size_t nlat = 0;
	double sum = 0;
	FILE *qf;
	FILE *rf = NULL;
	char line[65536];

	if (argc < 3) {
		fprintf(stderr, "usage: bench-search DB QUERIES.jsonl [--iters N] [--limit N] "
				"[--run OUT]\n");
		return 2;
	}
	for (int i = 3; i < argc; i++) {
		if (strcmp(argv[i], "--iters") == 0 && i + 1 < argc)
			iters = (int)strtol(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--limit") == 0 && i + 1 < argc)
			limit = (size_t)strtol(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--run") == 0 && i + 1 < argc)
			runpath = argv[++i];
	}
	if (iters < 1)
		iters = 1;
	qf = fopen(argv[2], "r");
	if (qf == NULL) {
		perror(argv[2]);
		return 2;
	}
	while (fgets(line, sizeof(line), qf) != NULL) {
		json_t *q = json_loads(line, 0, NULL);

		if (q == NULL)
			continue;
		qs = xgrow(qs, &cap, nq + 1, sizeof(*qs));
		qs[nq++] = q;
	}
	fclose(qf);
	if (store_open(argv[1], STORE_OPEN_READONLY, &st, &e) != 0) {
		fprintf(stderr, "%s: %s\n", argv[1], e.msg);
		return 2;
	}
	if (runpath != NULL) {
		rf = fopen(runpath, "w");
		if (rf == NULL) {
			perror(runpath);
			return 2;
		}
	}
	lat = xcalloc(nq * (size_t)iters + 1, sizeof(*lat));
	cpu = xcalloc(nq * (size_t)iters + 1, sizeof(*cpu));
	for (int it = 0; it <= iters; it++) {
		for (size_t i = 0; i < nq; i++) {
			const char *query = json_string_value(json_object_get(qs[i], "query"));
			struct kb_results r;
			uint64_t t0 = base_now_ns();
			double c0 = cpu_ms();

			if (query == NULL)
				continue;
			if (kb_search(st, query, NULL, 0, limit, &r, &e) != 0) {
				fprintf(stderr, "%s: %s\n", query, e.msg);
				return 1;
			}
			if (it > 0) {
				cpu[nlat] = cpu_ms() - c0;
				lat[nlat] = (double)(base_now_ns() - t0) / 1e6;
				sum += lat[nlat++];
			} else if (rf != NULL) {
				write_run(rf, json_string_value(json_object_get(qs[i], "id")), &r);
			}
			kb_results_free(&r);
		}
	}
	if (rf != NULL)
		fclose(rf);
	qsort(lat, nlat, sizeof(*lat), cmp_double);
	qsort(cpu, nlat, sizeof(*cpu), cmp_double);
	if (nlat > 0)
		printf("queries=%zu runs=%zu p50_ms=%.2f p99_ms=%.2f mean_ms=%.2f cpu_p50_ms=%.2f "
		       "cpu_p99_ms=%.2f\n",
		       nq, nlat, pct(lat, nlat, 50), pct(lat, nlat, 99), sum / (double)nlat,
		       pct(cpu, nlat, 50), pct(cpu, nlat, 99));
	free(lat);
	free(cpu);
	for (size_t i = 0; i < nq; i++)
		json_decref(qs[i]);
	free(qs);
	store_close(st);
	return 0;
}
