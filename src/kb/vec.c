/*
 * kb/vec: chunk vectors — the dot product, reciprocal rank fusion, the text
 * a chunk is embedded as, and computing the vectors a kb is missing with
 * the embedding provider of the gateway (model/embed.h). Hybrid ranking
 * itself is in search.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb/kb.h"
#include "model/embed.h"
#include "store/kb_store.h"
#include "store/kbvec_store.h"

float kb_vec_dot(const float *a, const float *b, int dim)
{
	/* Four partial sums: independent additions the compiler can pipeline. */
	float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
	int i = 0;

	for (; i + 4 <= dim; i += 4) {
		s0 += a[i] * b[i];
		s1 += a[i + 1] * b[i + 1];
		s2 += a[i + 2] * b[i + 2];
		s3 += a[i + 3] * b[i + 3];
	}
	for (; i < dim; i++)
		s0 += a[i] * b[i];
	return (s0 + s1) + (s2 + s3);
}

float kb_vec_dot_bytes(const float *a, const void *b, int dim)
{
	const unsigned char *p = b;
	float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
	float x[4];
	int i = 0;

	/* memcpy: an unaligned load, no undefined behaviour. */
	for (; i + 4 <= dim; i += 4) {
		memcpy(x, p + (size_t)i * sizeof(float), sizeof(x));
		s0 += a[i] * x[0];
		s1 += a[i + 1] * x[1];
		s2 += a[i + 2] * x[2];
		s3 += a[i + 3] * x[3];
	}
	for (; i < dim; i++) {
		memcpy(x, p + (size_t)i * sizeof(float), sizeof(float));
		s0 += a[i] * x[0];
	}
	return (s0 + s1) + (s2 + s3);
}

struct fuse_ent {
	int64_t id;
	double score;
	size_t order; /* first appearance: list index * big + rank */
};

static int cmp_fuse(const void *a, const void *b)
{
	const struct fuse_ent *x = a;
	const struct fuse_ent *y = b;

	if (x->score != y->score)
		return x->score < y->score ? 1 : -1;
	return x->order < y->order ? -1 : x->order > y->order;
}

void kb_rrf(const int64_t *const *lists, const size_t *lens, const double *w, size_t nlists,
	    double k, struct kb_fused **out, size_t *nout)
{
	size_t total = 0;
	struct fuse_ent *f;
	size_t n = 0;

	for (size_t l = 0; l < nlists; l++)
		total += lens[l];
	f = xcalloc(total + 1, sizeof(*f));
	for (size_t l = 0; l < nlists; l++) {
		for (size_t r = 0; r < lens[l]; r++) {
			double s = w[l] / (k + (double)(r + 1));
			size_t j;

			/* Lists are short (hundreds): a linear look-up is enough. */
			for (j = 0; j < n && f[j].id != lists[l][r]; j++)
				;
			if (j == n) {
				f[n].id = lists[l][r];
				f[n].order = l * (total + 1) + r;
				n++;
			}
			f[j].score += s;
		}
	}
	qsort(f, n, sizeof(*f), cmp_fuse);
	*out = xcalloc(n + 1, sizeof(**out));
	for (size_t i = 0; i < n; i++) {
		(*out)[i].id = f[i].id;
		(*out)[i].score = f[i].score;
	}
	*nout = n;
	free(f);
}

char *kb_embed_text(const char *title, const char *heading, const char *body)
{
	struct buf b;

	buf_init(&b, 16u << 20);
	buf_adds(&b, title);
	if (heading[0] != '\0') {
		buf_addc(&b, '\n');
		buf_adds(&b, heading);
	}
	buf_addc(&b, '\n');
	buf_adds(&b, body);
	return buf_detach(&b, NULL);
}

struct todo_batch {
	int64_t *ids;
	char **texts;
	size_t n;
};

static int todo_cb(const struct kbvec_store_todo *t, void *arg)
{
	struct todo_batch *b = arg;

	b->ids[b->n] = t->chunk_id;
	b->texts[b->n] = kb_embed_text(t->title, t->heading, t->body);
	b->n++;
	return 0;
}

/* Chunks read, embedded (model_embed: requests of m->batch) and written in
 * one transaction: a commit per request would cost an fsync each. */
#define KB_EMBED_ROUND 512

/* The CLI's progress lines on stderr, at most one a second. */
struct embed_print {
	const struct model_embedder *m;
	uint64_t last;
};

static int embed_print_step(void *arg, size_t done, size_t total)
{
	struct embed_print *p = arg;

	if (base_now_ns() - p->last > 1000000000ull || done == total) {
		p->last = base_now_ns();
		fprintf(stderr, "shuzhi kb: 向量化 %zu/%zu 个分块（%s）\n", done, total,
			p->m->p.model);
	}
	return 0;
}

int kb_embed_missing(struct store *st, const char *name, const struct model_embedder *m,
		     bool progress, size_t *done, struct err *e)
{
	struct embed_print p = {m, 0};

	return kb_embed_missing_step(st, name, m, progress ? embed_print_step : NULL, &p, done, e);
}

struct embed_stop {
	kb_embed_step_fn step;
	void *arg;
	size_t done, total;
};

static int embed_stop_cb(void *arg)
{
	struct embed_stop *s = arg;

	return s->step(s->arg, s->done, s->total);
}

/* Embed texts[0..n): step asked before each request and while one runs. */
static int embed_round(const struct model_embedder *m, char *const *texts, size_t n,
		       kb_embed_step_fn step, void *arg, size_t done, size_t total,
		       struct model_vecs *v, struct err *e)
{
	struct embed_stop s = {step, arg, done, total};

	if (step == NULL)
		return model_embed(m, (const char *const *)texts, n, v, e);
	return model_embed_until(m, (const char *const *)texts, n, v, embed_stop_cb, &s, e);
}

int kb_embed_missing_step(struct store *st, const char *name, const struct model_embedder *m,
			  kb_embed_step_fn step, void *arg, size_t *done, struct err *e)
{
	size_t batch = KB_EMBED_ROUND;
	struct todo_batch b;
	int64_t kb_id = 0;
	int64_t total = 0;
	int64_t after = 0;
	int rc = 0;

	*done = 0;
	if (name != NULL) {
		rc = kb_store_kb_find(st, name, &kb_id, e);
		if (rc != 0)
			return rc;
	}
	rc = kbvec_store_todo_count(st, kb_id, m->p.model, &total, e);
	if (rc != 0 || total == 0)
		return rc;
	if (step != NULL && step(arg, 0, (size_t)total) != 0)
		return err_set(e, BASE_E_BUSY, "向量计算已取消");
	b.ids = xcalloc(batch, sizeof(*b.ids));
	b.texts = xcalloc(batch, sizeof(*b.texts));
	for (;;) {
		struct model_vecs v = {NULL, 0, 0, 0};

		b.n = 0;
		rc = kbvec_store_todo(st, kb_id, m->p.model, after, batch, todo_cb, &b, e);
		if (rc != 0 || b.n == 0)
			break;
		after = b.ids[b.n - 1];
		rc = embed_round(m, b.texts, b.n, step, arg, *done, (size_t)total, &v, e);
		if (rc == 0 && v.n != b.n)
			rc = err_set(e, BASE_E_FORMAT, "向量数与分块数不符");
		if (rc == 0) {
			rc = store_tx_begin(st, e);
			for (size_t i = 0; rc == 0 && i < b.n; i++)
				rc = kbvec_store_put(st, b.ids[i], m->p.model,
						     v.v + i * (size_t)v.dim, v.dim, e);
			if (rc == 0)
				rc = store_tx_commit(st, e);
			else
				store_tx_rollback(st);
		}
		model_vecs_free(&v);
		for (size_t i = 0; i < b.n; i++)
			free(b.texts[i]);
		if (rc != 0)
			break;
		*done += b.n;
		if (step != NULL && step(arg, *done, (size_t)total) != 0) {
			if ((int64_t)*done < total)
				rc = err_set(e, BASE_E_BUSY, "向量计算已取消");
			break;
		}
	}
	free(b.ids);
	free(b.texts);
	return rc;
}
