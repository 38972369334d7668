/*
 * Unit tests of kb/vindex: 8-bit quantization, the integer dot product,
 * the in-memory top-k against the blob scan, and reloading when the
 * store's vectors change (put, re-ingest, kb removal, validity), the
 * memory bound.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "db_fixture.h"
#include "kb/kb.h"
#include "store/kbvec_store.h"
#include "test.h"

TEST(kb_vec_quantize_scale_and_rounding)
{
	float v[5] = {0.75f, -1.0f, 0.25f, 0.0f, 0.004f};
	int8_t q[16];
	float s = kb_vec_quantize(v, 5, q, 16);

	ASSERT(fabsf(s - 1.0f / 127.0f) < 1e-7f);
	ASSERT_EQ(q[1], -127);
	ASSERT_EQ(q[0], 95); /* 95.25 */
	ASSERT_EQ(q[2], 32);
	ASSERT_EQ(q[3], 0);
	ASSERT_EQ(q[4], 1);
	for (int i = 5; i < 16; i++)
		ASSERT_EQ(q[i], 0); /* padding */
	/* a zero vector: scale 0, all zeros, no division by zero */
	memset(v, 0, sizeof(v));
	ASSERT(kb_vec_quantize(v, 5, q, 16) == 0.0f);
	ASSERT_EQ(q[0], 0);
	ASSERT_EQ(kb_vindex_stride(1), 16);
	ASSERT_EQ(kb_vindex_stride(16), 16);
	ASSERT_EQ(kb_vindex_stride(17), 32);
	ASSERT_EQ(kb_vindex_stride(256), 256);
}

TEST(kb_vec_dot_i8_matches_float)
{
	int8_t a[48], b[48];
	int32_t want = 0;

	for (int i = 0; i < 48; i++) {
		a[i] = (int8_t)((i * 37) % 255 - 127);
		b[i] = (int8_t)(127 - (i * 53) % 255);
		want += (int32_t)a[i] * b[i];
	}
	ASSERT_EQ(kb_vec_dot_i8(a, b, 48), want);
	ASSERT_EQ(kb_vec_dot_i8(a, b, 0), 0);
	/* extremes do not overflow: 8192 × 127 × 127 fits in int32 */
	{
		static int8_t x[8192];

		memset(x, -127, sizeof(x));
		ASSERT_EQ(kb_vec_dot_i8(x, x, 8192), 8192 * 127 * 127);
	}
}

/* ---- against the store ---- */

static void write_file(const char *dir, const char *name, const char *text)
{
	char p[512];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	f = fopen(p, "w");
	ASSERT(f != NULL);
	fputs(text, f);
	fclose(f);
}

#define VDIM 24

/* A deterministic pseudo-random unit vector per chunk id and salt. */
static void test_vec(int64_t id, int salt, float *v)
{
	uint32_t x = (uint32_t)(id * 2654435761u) ^ (uint32_t)(salt * 40503u + 7u);
	float n = 0;

	for (int i = 0; i < VDIM; i++) {
		x = x * 1664525u + 1013904223u;
		v[i] = (float)((int)(x >> 9) % 2001 - 1000) / 1000.0f;
		n += v[i] * v[i];
	}
	n = sqrtf(n);
	for (int i = 0; i < VDIM; i++)
		v[i] /= n;
}

struct todo_ids {
	int64_t ids[64];
	size_t n;
};

static int todo_cb(const struct kbvec_store_todo *t, void *arg)
{
	struct todo_ids *a = arg;

	if (a->n < 64)
		a->ids[a->n++] = t->chunk_id;
	return 0;
}

static size_t put_missing(struct store *st, int salt)
{
	struct todo_ids a;
	struct err e = {0};

	memset(&a, 0, sizeof(a));
	ASSERT_EQ(kbvec_store_todo(st, 0, "vm", 0, 64, todo_cb, &a, &e), 0);
	for (size_t i = 0; i < a.n; i++) {
		float v[VDIM];

		test_vec(a.ids[i], salt, v);
		ASSERT_EQ(kbvec_store_put(st, a.ids[i], "vm", v, VDIM, &e), 0);
	}
	return a.n;
}

/* The float ranking through the blob scan (the reference). */
struct ref_top {
	const float *q;
	struct kb_vhit top[8];
	size_t n;
};

static int ref_cb(const struct kbvec_store_row *r, void *arg)
{
	struct ref_top *t = arg;
	struct kb_vhit h;

	h.chunk_id = r->chunk_id;
	h.doc_id = r->doc_id;
	h.article = r->article;
	h.score = kb_vec_dot_bytes(t->q, r->vec, r->dim);
	if (r->stale == 1)
		h.score *= 0.7f;
	else if (r->stale == 2)
		h.score *= 0.4f;
	/* insertion, best first, 8 kept */
	if (t->n == 8 && h.score <= t->top[7].score)
		return 0;
	{
		size_t i = t->n < 8 ? t->n++ : 7;

		while (i > 0 && t->top[i - 1].score < h.score) {
			t->top[i] = t->top[i - 1];
			i--;
		}
		t->top[i] = h;
	}
	return 0;
}

static void make_laws(struct db_fixture *f, char *root, size_t cap)
{
	struct kb_ingest_opts o;
	struct kb_ingest_stats s;
	struct err e = {0};
	const char *paths[1];
	struct buf b;

	memset(&o, 0, sizeof(o));
	o.now = 1;
	snprintf(root, cap, "%s/laws", f->dir);
	ASSERT_EQ(mkdir(root, 0700), 0);
	buf_init(&b, 1 << 20);
	buf_adds(&b, "# 中华人民共和国测试法\n\n");
	for (int i = 1; i <= 30; i++)
		buf_addf(&b, "第%d条 测试条文内容%d，应当依法办理。\n\n", i, i);
	buf_addc(&b, '\0');
	write_file(root, "测试法.md", b.p);
	buf_free(&b);
	paths[0] = root;
	ASSERT_EQ(kb_add(f->st, "laws", paths, 1, &o, &s, &e), 0);
	ASSERT(s.chunks >= 30);
}

TEST(kb_vindex_top_agrees_with_blob_scan)
{
	struct db_fixture f;
	struct kb_vindex *ix = kb_vindex_new(0);
	struct kb_vindex_stat vs;
	struct err e = {0};
	char root[160];
	size_t agree = 0, total = 0;

	db_fixture_open(&f);
	make_laws(&f, root, sizeof(root));
	ASSERT(put_missing(f.st, 1) >= 30);
	ASSERT_EQ(kb_vindex_sync(ix, f.st, "vm", VDIM, &e), 0);
	ASSERT(kb_vindex_usable(ix));
	kb_vindex_stat(ix, &vs);
	ASSERT(vs.rows >= 30);
	ASSERT_EQ(vs.loads, 1);
	for (int qn = 0; qn < 20; qn++) {
		float q[VDIM];
		struct ref_top ref;
		struct kb_vhit top[8];
		size_t seen = 0;
		size_t n;

		test_vec(1000 + qn, 9, q);
		memset(&ref, 0, sizeof(ref));
		ref.q = q;
		ASSERT_EQ(kbvec_store_scan(f.st, "vm", VDIM, ref_cb, &ref, &e), 0);
		n = kb_vindex_top(ix, q, NULL, 0, top, 8, &seen);
		ASSERT_EQ(n, 8);
		ASSERT_EQ(seen, vs.rows);
		/* the best chunk is the float ranking's, scores close */
		ASSERT_EQ(top[0].chunk_id, ref.top[0].chunk_id);
		ASSERT(fabsf(top[0].score - ref.top[0].score) < 0.03f);
		for (size_t i = 0; i < 8; i++) {
			ASSERT(i == 0 || top[i - 1].score >= top[i].score);
			for (size_t j = 0; j < 8; j++)
				agree += top[i].chunk_id == ref.top[j].chunk_id;
		}
		total += 8;
	}
	/* top-8 sets nearly equal (rounding may swap a tie at the edge) */
	ASSERT(agree * 10 >= total * 9);
	/* a kb filter with no vector: nothing seen */
	{
		const int64_t other[1] = {9999};
		struct kb_vhit top[8];
		size_t seen = 1;
		float q[VDIM];

		test_vec(7, 9, q);
		ASSERT_EQ(kb_vindex_top(ix, q, other, 1, top, 8, &seen), 0);
		ASSERT_EQ(seen, 0);
	}
	kb_vindex_free(ix);
	db_fixture_close(&f);
}

TEST(kb_vindex_reloads_when_vectors_change)
{
	struct db_fixture f;
	struct kb_vindex *ix = kb_vindex_new(0);
	struct kb_vindex_stat vs;
	struct kb_ingest_opts o;
	struct kb_ingest_stats s;
	struct err e = {0};
	char root[160];
	int64_t g0 = 0, g1 = 0;
	size_t rows0;

	memset(&o, 0, sizeof(o));
	o.now = 2;
	db_fixture_open(&f);
	make_laws(&f, root, sizeof(root));
	put_missing(f.st, 1);
	ASSERT_EQ(kb_vindex_sync(ix, f.st, "vm", VDIM, &e), 0);
	kb_vindex_stat(ix, &vs);
	rows0 = vs.rows;
	/* nothing changed: no reload */
	ASSERT_EQ(kb_vindex_sync(ix, f.st, "vm", VDIM, &e), 0);
	kb_vindex_stat(ix, &vs);
	ASSERT_EQ(vs.loads, 1);

	/* another dimension or model asked for: reloaded (nothing of it) */
	ASSERT_EQ(kb_vindex_sync(ix, f.st, "vm", 8, &e), 0);
	kb_vindex_stat(ix, &vs);
	ASSERT_EQ(vs.loads, 2);
	ASSERT_EQ(vs.rows, 0);
	ASSERT_EQ(kb_vindex_sync(ix, f.st, "vm", VDIM, &e), 0);
	kb_vindex_stat(ix, &vs);
	ASSERT_EQ(vs.rows, rows0);

	/* re-ingest of a changed file: its chunks and vectors replaced (the
	 * cascade moves the generation), the new ones put later */
	ASSERT_EQ(kbvec_store_gen(f.st, &g0, &e), 0);
	write_file(root, "测试法.md",
		   "# 中华人民共和国测试法\n\n第一条 只剩一条。\n\n第二条 又一条。\n");
	ASSERT_EQ(kb_reindex(f.st, "laws", &o, &s, &e), 0);
	ASSERT_EQ(kbvec_store_gen(f.st, &g1, &e), 0);
	ASSERT(g1 != g0);
	ASSERT_EQ(kb_vindex_sync(ix, f.st, "vm", VDIM, &e), 0);
	kb_vindex_stat(ix, &vs);
	ASSERT_EQ(vs.loads, 4);
	ASSERT_EQ(vs.rows, 0); /* old vectors gone with their chunks */
	ASSERT_EQ(put_missing(f.st, 2), 2);
	ASSERT_EQ(kb_vindex_sync(ix, f.st, "vm", VDIM, &e), 0);
	kb_vindex_stat(ix, &vs);
	ASSERT_EQ(vs.loads, 5);
	ASSERT_EQ(vs.rows, 2);
	/* the ranking holds the new vectors: a query equal to one of them
	 * finds that chunk first */
	{
		struct todo_ids a;
		struct kb_vhit top[4];
		size_t seen = 0;
		float q[VDIM];

		memset(&a, 0, sizeof(a));
		/* chunk ids through another model's to-do list */
		ASSERT_EQ(kbvec_store_todo(f.st, 0, "other", 0, 64, todo_cb, &a, &e), 0);
		ASSERT_EQ(a.n, 2);
		test_vec(a.ids[1], 2, q);
		ASSERT_EQ(kb_vindex_top(ix, q, NULL, 0, top, 4, &seen), 2);
		ASSERT_EQ(top[0].chunk_id, a.ids[1]);
		ASSERT(top[0].score > 0.98f);
	}

	/* removing the kb: everything goes */
	ASSERT_EQ(kb_remove(f.st, "laws", &e), 0);
	ASSERT_EQ(kb_vindex_sync(ix, f.st, "vm", VDIM, &e), 0);
	kb_vindex_stat(ix, &vs);
	ASSERT_EQ(vs.loads, 6);
	ASSERT_EQ(vs.rows, 0);
	kb_vindex_free(ix);
	db_fixture_close(&f);
}

TEST(kb_vindex_validity_change_moves_generation)
{
	struct db_fixture f;
	struct err e = {0};
	char root[160];
	int64_t g0 = 0, g1 = 0;

	db_fixture_open(&f);
	make_laws(&f, root, sizeof(root));
	put_missing(f.st, 1);
	ASSERT_EQ(kbvec_store_gen(f.st, &g0, &e), 0);
	db_fixture_sql(&f, "UPDATE kb_doc SET validity = '已废止'");
	ASSERT_EQ(kbvec_store_gen(f.st, &g1, &e), 0);
	ASSERT(g1 != g0);
	/* the same value again: no change */
	db_fixture_sql(&f, "UPDATE kb_doc SET validity = '已废止'");
	ASSERT_EQ(kbvec_store_gen(f.st, &g0, &e), 0);
	ASSERT_EQ(g0, g1);
	db_fixture_close(&f);
}

TEST(kb_vindex_memory_bound_falls_back_to_scan)
{
	struct db_fixture f;
	struct kb_vindex *ix = kb_vindex_new(200); /* a few rows only */
	struct kb_vindex_stat vs;
	struct kb_results r, ref;
	struct err e = {0};
	char root[160];
	float q[VDIM];
	bool hybrid = false;
	struct kb_qvec qv = {q, VDIM, "vm", NULL};

	db_fixture_open(&f);
	make_laws(&f, root, sizeof(root));
	put_missing(f.st, 1);
	ASSERT_EQ(kb_vindex_sync(ix, f.st, "vm", VDIM, &e), 0);
	ASSERT(!kb_vindex_usable(ix));
	kb_vindex_stat(ix, &vs);
	ASSERT(vs.over);
	ASSERT_EQ(vs.rows, 0);
	ASSERT_EQ(vs.bytes, 0);
	/* the search still ranks with vectors (the blob scan), same results */
	test_vec(3, 1, q);
	ASSERT_EQ(kb_search_hybrid(f.st, "依法办理", NULL, 0, 5, &qv, &ref, &hybrid, &e), 0);
	ASSERT(hybrid);
	qv.index = ix;
	hybrid = false;
	ASSERT_EQ(kb_search_hybrid(f.st, "依法办理", NULL, 0, 5, &qv, &r, &hybrid, &e), 0);
	ASSERT(hybrid);
	ASSERT_EQ(r.n, ref.n);
	for (size_t i = 0; i < r.n; i++)
		ASSERT_EQ(r.p[i].chunk_id, ref.p[i].chunk_id);
	kb_results_free(&r);
	kb_results_free(&ref);
	kb_vindex_free(ix);
	db_fixture_close(&f);
}

TEST(kb_search_hybrid_with_index_finds_vector_only_match)
{
	struct db_fixture f;
	struct kb_vindex *ix = kb_vindex_new(0);
	struct kb_results r;
	struct err e = {0};
	char root[160];
	float q[VDIM];
	bool hybrid = false;
	struct kb_qvec qv = {q, VDIM, "vm", ix};
	struct todo_ids a;

	db_fixture_open(&f);
	make_laws(&f, root, sizeof(root));
	put_missing(f.st, 1);
	memset(&a, 0, sizeof(a));
	ASSERT_EQ(kbvec_store_todo(f.st, 0, "other", 0, 64, todo_cb, &a, &e), 0);
	ASSERT(a.n >= 30);
	/* no keyword of the query is in the text: only the vector finds it */
	test_vec(a.ids[17], 1, q);
	ASSERT_EQ(kb_search_hybrid(f.st, "蓝色国土", NULL, 0, 3, &qv, &r, &hybrid, &e), 0);
	ASSERT(hybrid);
	ASSERT(r.n >= 1);
	ASSERT_EQ(r.p[0].chunk_id, a.ids[17]);
	kb_results_free(&r);
	kb_vindex_free(ix);
	db_fixture_close(&f);
}
