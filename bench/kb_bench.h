/*
 * bench/kb_bench.h: what the in-process search benchmarks share
 * (bench/search, bench/kbemb): sorting and percentiles of timings, the
 * thread's CPU time, and one line of the run file score_search.py reads.
 */
#ifndef SHUZHI_BENCH_KB_BENCH_H
#define SHUZHI_BENCH_KB_BENCH_H

#include <stdio.h>
#include <time.h>

#include <jansson.h>

#include "kb/kb.h"

static inline int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a;
	double y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The p-th percentile of v (sorted, n > 0). */
static inline double pct(const double *v, size_t n, size_t p)
{
	size_t i = n * p / 100;

	return v[i < n ? i : n - 1];
}

static inline double cpu_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* One query's results as a line of the run file. */
static inline void write_run(FILE *f, const char *id, const struct kb_results *r)
{
	json_t *arr = json_array();
	json_t *o;

	for (size_t i = 0; i < r->n; i++)
		json_array_append_new(
		    arr, json_pack("{s:s,s:o,s:s,s:f}", "file", r->p[i].file, "article",
				   r->p[i].article ? json_string(r->p[i].article) : json_null(),
				   "title", r->p[i].title, "score", r->p[i].score));
	o = json_pack("{s:s,s:o,s:b}", "id", id, "results", arr, "answerable", r->answerable);
	json_dumpf(o, f, JSON_COMPACT);
	fputc('\n', f);
	json_decref(o);
}

#endif
