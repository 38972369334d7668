/*
 * kb/vindex: an in-memory, 8-bit copy of the chunk vectors of one
 * (model, dimension) for the server, so that a hybrid query does not read
 * every vector blob through SQLite (kbvec_store_scan copies each row out
 * of its page: about 50 ms of CPU for 65,690 × 256 dimensions).
 *
 * Each vector v is stored as q[i] = round(v[i] / s) with its own scale
 * s = max|v[i]| / 127, padded with zeros to a multiple of KB_VINDEX_LANES;
 * the query is quantized the same way and the cosine is s_q * s_v * the
 * integer dot product (int8 × int8 summed in int32: loops of a fixed 16
 * the compiler vectorizes). The ranking demotes older versions and
 * repealed texts exactly as the blob scan does.
 *
 * The copy is reloaded when the store's vector generation
 * (kbvec_store_gen, moved by triggers on every change) differs from the
 * one it was loaded at, or another (model, dimension) is asked for. When
 * the vectors would take more than max_bytes, nothing is kept and callers
 * fall back to the blob scan.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kb/kb.h"
#include "kb/kb_internal.h"
#include "store/kbvec_store.h"

#define KB_VINDEX_LANES 16

struct kb_vindex {
	size_t max_bytes;
	char *model; /* of the copy held (NULL: none) */
	int dim;
	int stride; /* dim rounded up to KB_VINDEX_LANES */
	int64_t gen;
	bool loaded;
	bool over; /* the vectors exceed max_bytes: nothing held */
	size_t n, cap;
	int64_t *chunk;
	int64_t *doc;
	int64_t *kb;
	unsigned char *flags; /* bit 0: article; bits 1–2: stale (0, 1, 2) */
	float *scale;
	int8_t *q;  /* n rows of stride values */
	float *tmp; /* one stored vector, aligned, while loading */
	size_t loads;
};

float kb_vec_quantize(const float *v, int dim, int8_t *out, int stride)
{
	float m = 0;
	float s;

	for (int i = 0; i < dim; i++) {
		float a = fabsf(v[i]);

		if (a > m)
			m = a;
	}
	memset(out, 0, (size_t)stride);
	if (!(m > 0))
		return 0;
	s = m / 127.0f;
	for (int i = 0; i < dim; i++) {
		long x = lrintf(v[i] / s);

		out[i] = (int8_t)(x > 127 ? 127 : x < -127 ? -127 : x);
	}
	return s;
}

int32_t kb_vec_dot_i8(const int8_t *a, const int8_t *b, int n)
{
	int32_t s = 0;

	/* A fixed inner count and no tail (n is a multiple of the lanes): the
	 * compiler turns it into widening multiply-adds. */
	for (int i = 0; i + KB_VINDEX_LANES <= n; i += KB_VINDEX_LANES) {
		int32_t t = 0;

		for (int j = 0; j < KB_VINDEX_LANES; j++)
			t += (int32_t)a[i + j] * (int32_t)b[i + j];
		s += t;
	}
	return s;
}

int kb_vindex_stride(int dim)
{
	return (dim + KB_VINDEX_LANES - 1) / KB_VINDEX_LANES * KB_VINDEX_LANES;
}

struct kb_vindex *kb_vindex_new(size_t max_bytes)
{
	struct kb_vindex *ix = xcalloc(1, sizeof(*ix));

	ix->max_bytes = max_bytes > 0 ? max_bytes : KB_VINDEX_MAX_BYTES;
	return ix;
}

static void vindex_clear(struct kb_vindex *ix);

void kb_vindex_set_max(struct kb_vindex *ix, size_t max_bytes)
{
	if (max_bytes == 0)
		max_bytes = KB_VINDEX_MAX_BYTES;
	if (max_bytes == ix->max_bytes)
		return;
	ix->max_bytes = max_bytes;
	vindex_clear(ix); /* the next sync reads again under the new limit */
}

static void vindex_clear(struct kb_vindex *ix)
{
	free(ix->model);
	free(ix->chunk);
	free(ix->doc);
	free(ix->kb);
	free(ix->flags);
	free(ix->scale);
	free(ix->q);
	ix->model = NULL;
	ix->chunk = ix->doc = ix->kb = NULL;
	ix->flags = NULL;
	ix->scale = NULL;
	ix->q = NULL;
	ix->n = ix->cap = 0;
	ix->loaded = ix->over = false;
}

void kb_vindex_free(struct kb_vindex *ix)
{
	if (ix == NULL)
		return;
	vindex_clear(ix);
	free(ix);
}

/* Bytes one row takes. */
static size_t vindex_row_bytes(int stride)
{
	return (size_t)stride + 3 * sizeof(int64_t) + sizeof(float) + 1;
}

static int vindex_row_cb(const struct kbvec_store_row *r, void *arg)
{
	struct kb_vindex *ix = arg;
	if (ix->n == ix->cap) {
		size_t cap = ix->cap ? ix->cap * 2 : 1024;

		if (cap * vindex_row_bytes(ix->stride) > ix->max_bytes)
			cap = ix->max_bytes / vindex_row_bytes(ix->stride);
		if (cap <= ix->n) {
			ix->over = true;
			return 1;
		}
		ix->chunk = xrealloc(ix->chunk, cap * sizeof(*ix->chunk));
		ix->doc = xrealloc(ix->doc, cap * sizeof(*ix->doc));
		ix->kb = xrealloc(ix->kb, cap * sizeof(*ix->kb));
		ix->flags = xrealloc(ix->flags, cap);
		ix->scale = xrealloc(ix->scale, cap * sizeof(*ix->scale));
		ix->q = xrealloc(ix->q, cap * (size_t)ix->stride);
		ix->cap = cap;
	}
	memcpy(ix->tmp, r->vec, (size_t)r->dim * sizeof(float));
	ix->scale[ix->n] =
	    kb_vec_quantize(ix->tmp, r->dim, ix->q + ix->n * (size_t)ix->stride, ix->stride);
	ix->chunk[ix->n] = r->chunk_id;
	ix->doc[ix->n] = r->doc_id;
	ix->kb[ix->n] = r->kb_id;
	ix->flags[ix->n] = (unsigned char)((r->article ? 1 : 0) | ((r->stale & 3) << 1));
	ix->n++;
	return 0;
}

int kb_vindex_sync(struct kb_vindex *ix, struct store *st, const char *model, int dim,
		   struct err *e)
{
	int64_t gen = 0;
	int rc = kbvec_store_gen(st, &gen, e);

	if (rc != 0)
		return rc;
	if (ix->loaded && ix->gen == gen && ix->dim == dim && strcmp(ix->model, model) == 0)
		return 0;
	vindex_clear(ix);
	ix->model = xstrdup(model);
	ix->dim = dim;
	ix->stride = kb_vindex_stride(dim);
	ix->gen = gen;
	ix->tmp = xcalloc((size_t)dim + 1, sizeof(*ix->tmp));
	rc = kbvec_store_scan(st, model, dim, vindex_row_cb, ix, e);
	free(ix->tmp);
	ix->tmp = NULL;
	if (rc == 1 && ix->over) {
		/* Too large to hold: free what was read, remember the verdict. */
		char *m = ix->model;

		ix->model = NULL;
		vindex_clear(ix);
		ix->model = m;
		ix->over = true;
		rc = 0;
	}
	if (rc != 0) {
		vindex_clear(ix);
		return rc;
	}
	ix->loaded = true;
	ix->loads++;
	return 0;
}

bool kb_vindex_usable(const struct kb_vindex *ix)
{
	return ix->loaded && !ix->over;
}

void kb_vindex_stat(const struct kb_vindex *ix, struct kb_vindex_stat *s)
{
	s->rows = ix->over ? 0 : ix->n;
	s->bytes = ix->over ? 0 : ix->n * vindex_row_bytes(ix->stride);
	s->max_bytes = ix->max_bytes;
	s->loads = ix->loads;
	s->over = ix->over;
	s->gen = ix->gen;
}

void kb_vhit_push(struct kb_vhit *top, size_t *n, size_t k, const struct kb_vhit *h)
{
	size_t i;

	if (k == 0 || (*n == k && h->score <= top[*n - 1].score))
		return;
	i = *n < k ? (*n)++ : *n - 1;
	while (i > 0 && top[i - 1].score < h->score) {
		top[i] = top[i - 1];
		i--;
	}
	top[i] = *h;
}

size_t kb_vindex_top(const struct kb_vindex *ix, const float *qv, const int64_t *kbs, size_t nkbs,
		     struct kb_vhit *top, size_t k, size_t *seen)
{
	int8_t *q;
	float qs;
	size_t n = 0;

	*seen = 0;
	if (!kb_vindex_usable(ix) || ix->n == 0)
		return 0;
	q = xcalloc((size_t)ix->stride, 1);
	qs = kb_vec_quantize(qv, ix->dim, q, ix->stride);
	for (size_t i = 0; i < ix->n; i++) {
		struct kb_vhit h;
		int stale = (ix->flags[i] >> 1) & 3;

		if (!kb_kbs_allowed(kbs, nkbs, ix->kb[i]))
			continue;
		(*seen)++;
		h.score = qs * ix->scale[i] *
			  (float)kb_vec_dot_i8(q, ix->q + i * (size_t)ix->stride, ix->stride);
		if (stale == 1)
			h.score *= (float)KB_STALE_FACTOR;
		else if (stale == 2)
			h.score *= (float)KB_GONE_FACTOR;
		if (n == k && h.score <= top[n - 1].score)
			continue;
		h.chunk_id = ix->chunk[i];
		h.doc_id = ix->doc[i];
		h.article = (ix->flags[i] & 1) != 0;
		kb_vhit_push(top, &n, k, &h);
	}
	free(q);
	return n;
}
