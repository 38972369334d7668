/*
 * In-process timing of hybrid search against keyword search alone:
 *   bench-kbemb DB QUERIES.jsonl CONFIG [--iters N] [--limit N]
 *               [--run-bm25 OUT.jsonl] [--run-hybrid OUT.jsonl] [--vindex]
 * Embeds every query once through CONFIG's "embedding" provider (timed
 * apart: with the stand-in that is an HTTP round trip to hashed vectors, not
 * a model), then runs kb_search and kb_search_hybrid for every query N times
 * (a first untimed run warms the page cache and writes the run files in
 * score_search.py's --run format). Prints one line per engine
 * "engine=… p50_ms=… p99_ms=… mean_ms=…", the vectors scanned and the ratio.
 *
 * --vindex (the server's path): instead of BM25 alone, times
 * kb_search_hybrid over the blob scan against kb_search_hybrid over the
 * in-memory 8-bit copy (kb/vindex), the two cosine scans alone (the part
 * that differs), and the agreement of the 8-bit cosine top-10/top-100 with
 * the float one and of the fused top-10 of both paths; --run-hybrid and
 * --run-memory then get the run files of the two paths.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "kb/kb.h"
#include "kb/kb_internal.h"
#include "model/embed.h"
#include "store/kbvec_store.h"
#include "store/store.h"

#include "../kb_bench.h"

static void report(const char *name, double *lat, double *cpu, size_t n)
{
	double sum = 0;

	for (size_t i = 0; i < n; i++)
		sum += lat[i];
	qsort(lat, n, sizeof(*lat), cmp_double);
	qsort(cpu, n, sizeof(*cpu), cmp_double);
	printf("engine=%s runs=%zu p50_ms=%.2f p99_ms=%.2f mean_ms=%.2f cpu_p50_ms=%.2f "
	       "cpu_p99_ms=%.2f\n",
	       name, n, pct(lat, n, 50), pct(lat, n, 99), n ? sum / (double)n : 0, pct(cpu, n, 50),
	       pct(cpu, n, 99));
}

/* The float cosine top-k over the blob scan (the reference ranking). */
struct ftop {
	const float *q;
	struct kb_vhit top[KB_VEC_TOP];
	size_t n;
};

static int ftop_cb(const struct kbvec_store_row *r, void *arg)
{
	struct ftop *t = arg;
	struct kb_vhit h;

	h.score = kb_vec_dot_bytes(t->q, r->vec, r->dim);
	if (r->stale == 1)
		h.score *= (float)KB_STALE_FACTOR;
	else if (r->stale == 2)
		h.score *= (float)KB_GONE_FACTOR;
	h.chunk_id = r->chunk_id;
	h.doc_id = r->doc_id;
	h.article = r->article;
	kb_vhit_push(t->top, &t->n, KB_VEC_TOP, &h);
	return 0;
}

static size_t common(const struct kb_vhit *a, const struct kb_vhit *b, size_t k)
{
	size_t c = 0;

	for (size_t i = 0; i < k; i++)
		for (size_t j = 0; j < k; j++)
			c += a[i].chunk_id == b[j].chunk_id;
	return c;
}

static int run_vindex(struct store *st, const struct model_embedder *m, const struct model_vecs *qv,
		      const char *const *texts, const char *const *ids, size_t nq, int iters,
		      size_t limit, FILE *fblob, FILE *fmem)
{
	struct kb_vindex *ix = kb_vindex_new(0);
	struct kb_vindex_stat vs;
	struct err e = {0};
	size_t cap = nq * (size_t)iters + 1;
	double *cb = xcalloc(cap, sizeof(*cb)), *cm = xcalloc(cap, sizeof(*cm));
	double *sb = xcalloc(cap, sizeof(*sb)), *sm = xcalloc(cap, sizeof(*sm));
	double *wb = xcalloc(cap, sizeof(*wb)), *wm = xcalloc(cap, sizeof(*wm));
	size_t nl = 0, c10 = 0, c100 = 0, same10 = 0, fused_same = 0, first_same = 0;
	size_t fused_common = 0, fused_total = 0;
	double t0 = cpu_ms();

	if (kb_vindex_sync(ix, st, m->p.model, qv->dim, &e) != 0) {
		fprintf(stderr, "vindex: %s\n", e.msg);
		return 1;
	}
	kb_vindex_stat(ix, &vs);
	printf("vindex rows=%zu bytes=%zu (float32 in kb_vec: %zu) load_cpu_ms=%.1f usable=%d\n",
	       vs.rows, vs.bytes, vs.rows * (size_t)qv->dim * sizeof(float), cpu_ms() - t0,
	       kb_vindex_usable(ix));
	for (int it = 0; it <= iters; it++) {
		for (size_t i = 0; i < nq; i++) {
			const float *q = qv->v + i * (size_t)qv->dim;
			struct kb_qvec vb = {q, qv->dim, m->p.model, NULL};
			struct kb_qvec vm = {q, qv->dim, m->p.model, ix};
			struct kb_results rb, rm;
			struct ftop ft;
			struct kb_vhit top[KB_VEC_TOP];
			size_t seen = 0, n;
			bool hb = false, hm = false;
			uint64_t a;
			double c0, c1, c2, c3, c4;

			memset(&ft, 0, sizeof(ft));
			ft.q = q;
			a = base_now_ns();
			c0 = cpu_ms();
			if (kb_search_hybrid(st, texts[i], NULL, 0, limit, &vb, &rb, &hb, &e) != 0)
				return fprintf(stderr, "%s: %s\n", texts[i], e.msg), 1;
			c1 = cpu_ms();
			wb[nl] = (double)(base_now_ns() - a) / 1e6;
			a = base_now_ns();
			if (kb_search_hybrid(st, texts[i], NULL, 0, limit, &vm, &rm, &hm, &e) != 0)
				return fprintf(stderr, "%s: %s\n", texts[i], e.msg), 1;
			c2 = cpu_ms();
			wm[nl] = (double)(base_now_ns() - a) / 1e6;
			if (kbvec_store_scan(st, m->p.model, qv->dim, ftop_cb, &ft, &e) != 0)
				return fprintf(stderr, "scan: %s\n", e.msg), 1;
			c3 = cpu_ms();
			n = kb_vindex_top(ix, q, NULL, 0, top, KB_VEC_TOP, &seen);
			c4 = cpu_ms();
			if (!hb || !hm || n != ft.n || n < 10) {
				fprintf(stderr, "%s: not hybrid or too few vectors\n", texts[i]);
				return 1;
			}
			if (it == 0) {
				size_t k = rb.n < rm.n ? rb.n : rm.n;
				bool same = rb.n == rm.n;

				c10 += common(top, ft.top, 10);
				c100 += common(top, ft.top, n);
				same10 += common(top, ft.top, 10) == 10;
				first_same += top[0].chunk_id == ft.top[0].chunk_id;
				for (size_t j = 0; j < k; j++)
					same = same && rb.p[j].chunk_id == rm.p[j].chunk_id;
				fused_same += same;
				for (size_t j = 0; j < rb.n; j++)
					for (size_t l = 0; l < rm.n; l++)
						fused_common +=
						    rb.p[j].chunk_id == rm.p[l].chunk_id;
				fused_total += rb.n;
				if (fblob != NULL)
					write_run(fblob, ids[i], &rb);
				if (fmem != NULL)
					write_run(fmem, ids[i], &rm);
			} else {
				cb[nl] = c1 - c0;
				cm[nl] = c2 - c1;
				sb[nl] = c3 - c2;
				sm[nl] = c4 - c3;
				nl++;
			}
			kb_results_free(&rb);
			kb_results_free(&rm);
		}
	}
	report("hybrid-blob", wb, cb, nl);
	report("hybrid-memory", wm, cm, nl);
	report("cosine-scan-blob", sb, sb, nl);
	report("cosine-scan-memory", sm, sm, nl);
	printf("cpu_ratio_p50 hybrid blob/memory=%.1f  cosine scan blob/memory=%.1f\n",
	       pct(cb, nl, 50) / pct(cm, nl, 50), pct(sb, nl, 50) / pct(sm, nl, 50));
	printf("int8 vs float cosine: top-10 overlap %.3f (identical set in %zu/%zu queries), "
	       "top-100 overlap %.3f, same best chunk %zu/%zu; fused top-%zu identical in %zu/%zu, "
	       "overlap %.3f\n",
	       (double)c10 / (double)(nq * 10), same10, nq,
	       (double)c100 / (double)(nq * KB_VEC_TOP), first_same, nq, limit, fused_same, nq,
	       (double)fused_common / (double)(fused_total ? fused_total : 1));
	kb_vindex_stat(ix, &vs);
	printf("vindex loads=%zu (1: no reload while nothing changed)\n", vs.loads);
	kb_vindex_free(ix);
	free(cb);
	free(cm);
	free(sb);
	free(sm);
	free(wb);
	free(wm);
	return 0;
}

int main(int argc, char **argv)
{
	const char *run_bm = NULL;
	const char *run_hy = NULL;
	const char *run_mem = NULL;
	bool vindex = false;
	int iters = 5;
	size_t limit = 10;
	struct store *st;
	struct err e = {0};
	struct model_embedder m;
	struct model_vecs qv = {NULL, 0, 0, 0};
	const char **texts = NULL;
	const char **ids = NULL;
	json_t **qs = NULL;
	size_t nq = 0;
	size_t cap = 0;
	double *lb, *lh, *cb, *ch;
	size_t nl = 0;
	FILE *qf;
	FILE *fb = NULL;
	FILE *fh = NULL;
	char line[65536];
	uint64_t t0;
	int64_t nvec = 0;
	int dim = 0;

	if (argc < 4) {
		fprintf(stderr,
			"usage: bench-kbemb DB QUERIES.jsonl CONFIG [--iters N] [--limit N] "
			"[--run-bm25 OUT] [--run-hybrid OUT] [--vindex [--run-memory OUT]]\n");
		return 2;
	}
	for (int i = 4; i < argc; i++) {
		if (strcmp(argv[i], "--iters") == 0 && i + 1 < argc)
			iters = (int)strtol(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--limit") == 0 && i + 1 < argc)
			limit = (size_t)strtol(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--run-bm25") == 0 && i + 1 < argc)
			run_bm = argv[++i];
		else if (strcmp(argv[i], "--run-hybrid") == 0 && i + 1 < argc)
			run_hy = argv[++i];
		else if (strcmp(argv[i], "--vindex") == 0)
			vindex = true;
		else if (strcmp(argv[i], "--run-memory") == 0 && i + 1 < argc)
			run_mem = argv[++i];
	}
	if (iters < 1)
		iters = 1;
	if (model_embedder_load_file(&m, argv[3], &e) != 0) {
		fprintf(stderr, "%s: %s\n", argv[3], e.msg);
		return 2;
	}
	qf = fopen(argv[2], "r");
	if (qf == NULL) {
		perror(argv[2]);
		return 2;
	}
	while (fgets(line, sizeof(line), qf) != NULL) {
		json_t *q = json_loads(line, 0, NULL);

		if (q == NULL || !json_is_string(json_object_get(q, "query"))) {
			json_decref(q);
			continue;
		}
		qs = xgrow(qs, &cap, nq + 1, sizeof(*qs));
		qs[nq++] = q;
	}
	fclose(qf);
	texts = xcalloc(nq + 1, sizeof(*texts));
	ids = xcalloc(nq + 1, sizeof(*ids));
	for (size_t i = 0; i < nq; i++) {
		texts[i] = json_string_value(json_object_get(qs[i], "query"));
		ids[i] = json_string_value(json_object_get(qs[i], "id"));
	}
	t0 = base_now_ns();
	if (model_embed(&m, texts, nq, &qv, &e) != 0) {
		fprintf(stderr, "embedding: %s\n", e.msg);
		return 1;
	}
	printf("query_embedding_ms_each=%.2f (HTTP to the embedding server, not timed below)\n",
	       (double)(base_now_ns() - t0) / 1e6 / (double)(nq ? nq : 1));
	if (store_open(argv[1], STORE_OPEN_READONLY, &st, &e) != 0) {
		fprintf(stderr, "%s: %s\n", argv[1], e.msg);
		return 2;
	}
	if (kbvec_store_stat(st, m.p.model, &nvec, &dim, &e) != 0 || nvec == 0) {
		fprintf(stderr, "no vectors of %s in %s\n", m.p.model, argv[1]);
		return 2;
	}
	printf("vectors=%lld dim=%d\n", (long long)nvec, dim);
	if (vindex) {
		FILE *f1 = run_hy != NULL ? fopen(run_hy, "w") : NULL;
		FILE *f2 = run_mem != NULL ? fopen(run_mem, "w") : NULL;
		int rc = run_vindex(st, &m, &qv, texts, ids, nq, iters, limit, f1, f2);

		if (f1 != NULL)
			fclose(f1);
		if (f2 != NULL)
			fclose(f2);

		model_vecs_free(&qv);
		for (size_t i = 0; i < nq; i++)
			json_decref(qs[i]);
		free(qs);
		free(texts);
		free(ids);
		store_close(st);
		return rc;
	}
	if (run_bm != NULL)
		fb = fopen(run_bm, "w");
	if (run_hy != NULL)
		fh = fopen(run_hy, "w");
	lb = xcalloc(nq * (size_t)iters + 1, sizeof(*lb));
	lh = xcalloc(nq * (size_t)iters + 1, sizeof(*lh));
	cb = xcalloc(nq * (size_t)iters + 1, sizeof(*cb));
	ch = xcalloc(nq * (size_t)iters + 1, sizeof(*ch));
	for (int it = 0; it <= iters; it++) {
		for (size_t i = 0; i < nq; i++) {
			struct kb_results r;
			struct kb_qvec v = {qv.v + i * (size_t)qv.dim, qv.dim, m.p.model, NULL};
			bool hybrid = false;
			uint64_t a = base_now_ns();
			double ca = cpu_ms();
			double cbt;
			uint64_t b;

			if (kb_search(st, texts[i], NULL, 0, limit, &r, &e) != 0) {
				fprintf(stderr, "%s: %s\n", texts[i], e.msg);
				return 1;
			}
			b = base_now_ns();
			cbt = cpu_ms();
			if (it == 0 && fb != NULL)
				write_run(fb, ids[i], &r);
			kb_results_free(&r);
			if (kb_search_hybrid(st, texts[i], NULL, 0, limit, &v, &r, &hybrid, &e) !=
				0 ||
			    !hybrid) {
				fprintf(stderr, "%s: %s\n", texts[i],
					hybrid ? e.msg : "not hybrid");
				return 1;
			}
			if (it > 0) {
				lb[nl] = (double)(b - a) / 1e6;
				cb[nl] = cbt - ca;
				ch[nl] = cpu_ms() - cbt;
				lh[nl++] = (double)(base_now_ns() - b) / 1e6;
			} else if (fh != NULL) {
				write_run(fh, ids[i], &r);
			}
			kb_results_free(&r);
		}
	}
	if (fb != NULL)
		fclose(fb);
	if (fh != NULL)
		fclose(fh);
	report("bm25", lb, cb, nl);
	report("hybrid", lh, ch, nl);
	printf("ratio_p50=%.1f ratio_p99=%.1f cpu_ratio_p50=%.1f cpu_ratio_p99=%.1f\n",
	       pct(lh, nl, 50) / pct(lb, nl, 50), pct(lh, nl, 99) / pct(lb, nl, 99),
	       pct(ch, nl, 50) / pct(cb, nl, 50), pct(ch, nl, 99) / pct(cb, nl, 99));
	free(lb);
	free(lh);
	free(cb);
	free(ch);
	model_vecs_free(&qv);
	for (size_t i = 0; i < nq; i++)
		json_decref(qs[i]);
	free(qs);
	free(texts);
	free(ids);
	store_close(st);
	return 0;
}
