/* enterprise/screen: 招商 screening over the evaluated profiles (filter by
 * industry, region, size, growth, scorecard results, certifications; knock
 * out red-flagged firms; rank; CSV). */
#include <stdlib.h>
#include <string.h>

#include "enterprise/ent_internal.h"

struct hit {
	size_t idx;
	int64_t key;
	struct ent_result *res;
};

/* Does code (e.g. "C3973") match one of the comma-separated prefixes? A
 * prefix without its letter matches the digits. */
static bool industry_match(const char *list, const char *code)
{
	const char *p = list;

	if (code[0] == '\0')
		return false;
	while (*p != '\0') {
		const char *end = strchr(p, ',');
		size_t n = end != NULL ? (size_t)(end - p) : strlen(p);
		const char *c = code;

		while (n > 0 && *p == ' ') {
			p++;
			n--;
		}
		if (n > 0 && p[0] >= '0' && p[0] <= '9')
			c = code + 1;
		if (n > 0 && strlen(c) >= n) {
			bool eq = true;

			for (size_t k = 0; k < n; k++) {
				char a = p[k];

				if (a >= 'a' && a <= 'z')
					a = (char)(a - 'a' + 'A');
				if (a != c[k]) {
					eq = false;
					break;
				}
			}
			if (eq)
				return true;
		}
		if (end == NULL)
			break;
		p = end + 1;
	}
	return false;
}

static bool prefix_match(const char *list, const char *code)
{
	const char *p = list;

	if (code[0] == '\0')
		return false;
	while (*p != '\0') {
		const char *end = strchr(p, ',');
		size_t n = end != NULL ? (size_t)(end - p) : strlen(p);

		if (n > 0 && strlen(code) >= n && memcmp(code, p, n) == 0)
			return true;
		if (end == NULL)
			break;
		p = end + 1;
	}
	return false;
}

static bool passes(const struct ent_screen_opts *o, const struct ent_company *c,
		   const struct ent_result *r)
{
	if (o->industry != NULL && !industry_match(o->industry, c->industry))
		return false;
	if (o->region != NULL && !prefix_match(o->region, c->region))
		return false;
	if (o->min_capital >= 0 && (c->v[5] == ENT_UNKNOWN || c->v[5] < o->min_capital))
		return false;
	if (o->min_revenue >= 0 && (r->revenue == ENT_UNKNOWN || r->revenue < o->min_revenue))
		return false;
	if (o->min_headcount >= 0 &&
	    (r->headcount == ENT_UNKNOWN || r->headcount < o->min_headcount))
		return false;
	if (o->min_growth_bp != INT64_MIN &&
	    (r->growth_bp == ENT_UNKNOWN || r->growth_bp < o->min_growth_bp))
		return false;
	if (o->cxzx_pass && !r->cx_pass)
		return false;
	if (o->zjtx_base && !(r->age_ok && r->rd_ok && r->rev_ok))
		return false;
	if (o->min_grade != 0 && r->grade > o->min_grade)
		return false;
	if ((r->certs & o->certs) != o->certs)
		return false;
	if (o->knockout_red && r->red)
		return false;
	return true;
}

static int64_t sort_key(int sort, const struct ent_result *r)
{
	int64_t v;

	switch (sort) {
	case ENT_SORT_CXZX:
		return r->cx_score;
	case ENT_SORT_REVENUE:
		v = r->revenue;
		break;
	case ENT_SORT_GROWTH:
		v = r->growth_bp;
		break;
	case ENT_SORT_HEADCOUNT:
		v = r->headcount;
		break;
	default:
		return r->credit;
	}
	return v == ENT_UNKNOWN ? INT64_MIN : v;
}

static int cmp_hit(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;

	if (x->key != y->key)
		return x->key > y->key ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static void csv_text(FILE *out, const char *s)
{
	if (strpbrk(s, ",\"\r\n") == NULL) {
		fputs(s, out);
		return;
	}
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

/* Fixed point with scale as a plain decimal ("1234.5"). */
static void put_fixed(struct buf *b, int64_t v, int64_t scale)
{
	int64_t ip, fp;
	char frac[16];
	int n;

	if (v == ENT_UNKNOWN)
		return;
	if (v < 0) {
		buf_addc(b, '-');
		v = -v;
	}
	ip = v / scale;
	fp = v % scale;
	buf_addf(b, "%lld", (long long)ip);
	if (fp == 0)
		return;
	n = snprintf(frac, sizeof(frac), "%0*lld", scale == ENT_SCALE ? 6 : 2, (long long)fp);
	while (n > 0 && frac[n - 1] == '0')
		frac[--n] = '\0';
	buf_addf(b, ".%s", frac);
}

static const char *const header[ENT_SCREEN_COLS] = {
    "rank",	   "uscc",	   "name",	    "industry_code",  "region_code",
    "grade",	   "credit_score", "cxzx_score",    "cxzx_pass",      "zjtx_base",
    "revenue_wan", "growth_pct",   "insured_count", "certifications", "flags"};

struct cells {
	struct buf b;
	size_t off[ENT_SCREEN_COLS];
	size_t n;
	const char *p[ENT_SCREEN_COLS];
};

static void cell_end(struct cells *c)
{
	buf_addc(&c->b, '\0');
	if (c->n + 1 < ENT_SCREEN_COLS)
		c->off[++c->n] = c->b.len;
}

static void make_row(struct cells *cl, size_t rank, const struct ent_company *c,
		     const struct ent_result *r, const struct ent_rules *rules)
{
	bool first = true;
	struct buf *b = &cl->b;

	buf_reset(b);
	cl->n = 0;
	cl->off[0] = 0;
	buf_addf(b, "%zu", rank);
	cell_end(cl);
	buf_adds(b, c->uscc);
	cell_end(cl);
	buf_adds(b, c->name != NULL ? c->name : "");
	cell_end(cl);
	buf_adds(b, c->industry);
	cell_end(cl);
	buf_adds(b, c->region);
	cell_end(cl);
	buf_addc(b, r->grade);
	cell_end(cl);
	buf_addf(b, "%d", r->credit);
	cell_end(cl);
	buf_addf(b, "%d", r->cx_score);
	cell_end(cl);
	buf_adds(b, r->cx_pass ? "是" : "否");
	cell_end(cl);
	buf_adds(b, r->age_ok && r->rd_ok && r->rev_ok ? "是" : "否");
	cell_end(cl);
	put_fixed(b, r->revenue, ENT_SCALE);
	cell_end(cl);
	put_fixed(b, r->growth_bp, 100);
	cell_end(cl);
	if (r->headcount != ENT_UNKNOWN)
		buf_addf(b, "%lld", (long long)r->headcount);
	cell_end(cl);
	for (int k = 0; k < 4; k++) {
		if (r->certs & (1u << k)) {
			buf_addf(b, "%s%s", first ? "" : ";", ent_cert_name(k));
			first = false;
		}
	}
	cell_end(cl);
	first = true;
	for (int k = 0; k < ENT_R_COUNT; k++) {
		if (r->fl[k].on) {
			buf_addf(b, "%s%s:%s", first ? "" : ";", rules->r[k].level,
				 ent_rule_id((size_t)k));
			first = false;
		}
	}
	buf_addc(b, '\0');
	cl->n = ENT_SCREEN_COLS;
	for (size_t k = 0; k < ENT_SCREEN_COLS; k++)
		cl->p[k] = b->p + cl->off[k];
}

int ent_screen_rows(struct store *st, int64_t as_of, const struct ent_screen_opts *o,
		    ent_screen_cb cb, void *arg, size_t *matched, struct err *e)
{
	struct ent_dataset d;
	struct ent_ctx x;
	struct ent_rules stored;
	struct ent_result *res;
	struct hit *hits = NULL;
	struct cells cl;
	size_t nh = 0, cap = 0;
	int rc;

	*matched = 0;
	if (o->rules == NULL && ent_rules_load(st, &stored, e) != 0)
		return -1;
	rc = ent_dataset_load(st, &d, e);
	if (rc != 0)
		return rc;
	ent_ctx_init(&x, as_of);
	x.rules = o->rules != NULL ? o->rules : &stored;
	res = xmalloc(sizeof(*res));
	for (size_t i = 0; i < d.n; i++) {
		ent_eval_one(&d, &x, i, res);
		if (!passes(o, &d.c[i], res))
			continue;
		if (nh == cap)
			hits = xgrow(hits, &cap, nh + 1, sizeof(*hits));
		hits[nh].idx = i;
		hits[nh].key = sort_key(o->sort, res);
		hits[nh].res = NULL;
		nh++;
	}
	if (nh > 0)
		qsort(hits, nh, sizeof(*hits), cmp_hit);
	*matched = nh;
	rc = cb(arg, 0, 0, header, ENT_SCREEN_COLS);
	buf_init(&cl.b, (size_t)1 << 24);
	for (size_t k = 0; rc == 0 && k < nh && (o->limit == 0 || k < o->limit); k++) {
		ent_eval_one(&d, &x, hits[k].idx, res);
		make_row(&cl, k + 1, &d.c[hits[k].idx], res, x.rules);
		rc = cb(arg, k + 1, d.c[hits[k].idx].id, cl.p, ENT_SCREEN_COLS);
	}
	buf_free(&cl.b);
	free(res);
	free(hits);
	ent_dataset_free(&d);
	if (rc != 0)
		return err_set(e, BASE_E_IO, "写入筛选结果失败");
	return 0;
}

static int csv_cb(void *arg, size_t rank, int64_t id, const char *const *cells, size_t n)
{
	FILE *out = arg;

	(void)rank;
	(void)id;
	for (size_t k = 0; k < n; k++) {
		if (k > 0)
			fputc(',', out);
		csv_text(out, cells[k]);
	}
	fputc('\n', out);
	return ferror(out) ? -1 : 0;
}

int ent_screen(struct store *st, int64_t as_of, const struct ent_screen_opts *o, FILE *out,
	       size_t *matched, struct err *e)
{
	return ent_screen_rows(st, as_of, o, csv_cb, out, matched, e);
}
