/* gw_docx_runs_ref (the runs of a paragraph without copying them) gives
 * the runs gw_docx_runs gives, and gw_para_props_at (kept by paragraph
 * index) what gw_para_props gives: inside the check cache and without it,
 * with the count capped at max, on direct-formatted and styled dev
 * documents. */
#include <stdio.h>
#include <string.h>

#include "docx_fixture.h"
#include "gongwen/docx_util.h"
#include "test.h"

static void same_run(const struct gw_run_info *a, const struct gw_run_info *b)
{
	ASSERT(a->run == b->run);
	ASSERT_EQ(a->start, b->start);
	ASSERT_EQ(a->end, b->end);
	ASSERT_STR_EQ(a->props.ea, b->props.ea);
	ASSERT_STR_EQ(a->props.ascii, b->props.ascii);
	ASSERT_STR_EQ(a->props.hansi, b->props.hansi);
	ASSERT_STR_EQ(a->props.color, b->props.color);
	ASSERT_EQ(a->props.sz, b->props.sz);
	ASSERT_EQ(a->props.bold, b->props.bold);
	ASSERT_EQ(a->props.hint_ea, b->props.hint_ea);
}

/* Paragraph properties by index against by node, with and without the
 * cache (asked twice: the second answer is the kept one). */
static void pp_at_same(struct gw_doc *doc)
{
	struct doc_pprops want;
	struct doc_pprops buf;
	const struct doc_pprops *v;

	for (size_t i = 0; i < doc->n; i++) {
		gw_para_props(doc, doc->paras[i].node, &want);
		v = gw_para_props_at(doc, i, &buf);
		ASSERT(v == &buf);
		test_same_pprops(v, &want);
	}
	gw_run_cache_begin(doc);
	for (size_t pass = 0; pass < 2; pass++) {
		/* backwards, then forwards: the index, not the order, decides */
		for (size_t k = 0; k < doc->n; k++) {
			size_t i = pass == 0 ? doc->n - 1 - k : k;

			gw_para_props(doc, doc->paras[i].node, &want);
			v = gw_para_props_at(doc, i, &buf);
			ASSERT(v != &buf);
			test_same_pprops(v, &want);
		}
	}
	gw_run_cache_end(doc);
}

/* Runs of every paragraph of one document; the number of runs seen. */
static size_t runs_ref_same(const char *name)
{
	static struct gw_run_info want[GW_MAX_RUNS];
	static struct gw_run_info buf[GW_MAX_RUNS];
	char path[1024];
	struct gw_profile prof;
	struct gw_doc doc;
	struct err e = {0};
	size_t total = 0;

	snprintf(path, sizeof(path), "%s/corpus/gongwen-dev/clean/%s", test_shared_dir(), name);
	gw_profile_national(&prof);
	if (gw_doc_open_check(path, &prof, &doc, &e) != 0) {
		fprintf(stderr, "  skipped %s: %s\n", name, e.msg);
		return 0;
	}
	ASSERT(doc.is_docx);
	for (size_t i = 0; i < doc.n; i++) {
		size_t nw = gw_docx_runs(&doc, i, want, GW_MAX_RUNS);
		size_t n;
		const struct gw_run_info *v;
		const struct gw_run_info *again;

		/* no cache: computed into the caller's buffer */
		v = gw_docx_runs_ref(&doc, i, buf, GW_MAX_RUNS, &n);
		ASSERT(v == buf);
		ASSERT_EQ(n, nw);
		for (size_t k = 0; k < n; k++)
			same_run(&v[k], &want[k]);
		/* cache: the cached list, the same on a second call, capped */
		gw_run_cache_begin(&doc);
		if (i > 0)
			(void)gw_docx_runs_ref(&doc, i - 1, buf, GW_MAX_RUNS, &n);
		v = gw_docx_runs_ref(&doc, i, buf, GW_MAX_RUNS, &n);
		ASSERT(nw == 0 || v != buf);
		ASSERT_EQ(n, nw);
		for (size_t k = 0; k < n; k++)
			same_run(&v[k], &want[k]);
		again = gw_docx_runs_ref(&doc, i, buf, 1, &n);
		ASSERT(again == v);
		ASSERT_EQ(n, nw < 1 ? nw : 1);
		ASSERT_EQ(gw_docx_runs(&doc, i, buf, GW_MAX_RUNS), nw);
		for (size_t k = 0; k < nw; k++)
			same_run(&buf[k], &want[k]);
		gw_run_cache_end(&doc);
		total += nw;
	}
	pp_at_same(&doc);
	gw_doc_free(&doc);
	return total;
}

TEST(gw_runs_ref_same_as_copied_runs)
{
	static const char *const docs[] = {"b01-direct.docx", "b01-styled.docx", "b02-direct.docx",
					   "b03-styled.docx"};
	size_t total = 0;

	for (size_t k = 0; k < sizeof(docs) / sizeof(docs[0]); k++)
		total += runs_ref_same(docs[k]);
	ASSERT(total >= 20);
}
