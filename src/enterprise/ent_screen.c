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

/* Fixed point with ENT_SCALE as a plain decimal ("1234.5"). */
static void put_fixed(FILE *out, int64_t v, int64_t scale)
{
	int64_t ip, fp;
	char frac[16];
	int n;

	if (v == ENT_UNKNOWN)
		return;
	if (v < 0) {
		fputc('-', out);
		v = -v;
	}
	ip = v / scale;
	fp = v % scale;
	fprintf(out, "%lld", (long long)ip);
	if (fp == 0)
		return;
	n = snprintf(frac, sizeof(frac), "%0*lld", scale == ENT_SCALE ? 6 : 2, (long long)fp);
	while (n > 0 && frac[n - 1] == '0')
		frac[--n] = '\0';
	fprintf(out, ".%s", frac);
}

static void write_row(FILE *out, size_t rank, const struct ent_company *c,
		      const struct ent_result *r)
{
	bool first = true;

	fprintf(out, "%zu,%s,", rank, c->uscc);
	csv_text(out, c->name != NULL ? c->name : "");
	fprintf(out, ",%s,%s,%c,%d,%d,%s,%s,", c->industry, c->region, r->grade, r->credit,
		r->cx_score, r->cx_pass ? "是" : "否",
		r->age_ok && r->rd_ok && r->rev_ok ? "是" : "否");
	put_fixed(out, r->revenue, ENT_SCALE);
	fputc(',', out);
	put_fixed(out, r->growth_bp, 100);
	fputc(',', out);
	if (r->headcount != ENT_UNKNOWN)
		fprintf(out, "%lld", (long long)r->headcount);
	fputc(',', out);
	for (int k = 0; k < 4; k++) {
		if (r->certs & (1u << k)) {
			fprintf(out, "%s%s", first ? "" : ";", ent_cert_name(k));
			first = false;
		}
	}
	fputc(',', out);
	first = true;
	for (int k = 0; k < ENT_R_COUNT; k++) {
		if (r->fl[k].on) {
			fprintf(out, "%s%s:%s", first ? "" : ";", ent_rules[k].level,
				ent_rules[k].rule);
			first = false;
		}
	}
	fputc('\n', out);
}

int ent_screen(struct store *st, int64_t as_of, const struct ent_screen_opts *o, FILE *out,
	       size_t *matched, struct err *e)
{
	struct ent_dataset d;
	struct ent_ctx x;
	struct ent_result *res;
	struct hit *hits = NULL;
	size_t nh = 0, cap = 0;
	int rc;

	*matched = 0;
	rc = ent_dataset_load(st, &d, e);
	if (rc != 0)
		return rc;
	ent_ctx_init(&x, as_of);
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
	fputs("rank,uscc,name,industry_code,region_code,grade,credit_score,cxzx_score,cxzx_pass,"
	      "zjtx_base,revenue_wan,growth_pct,insured_count,certifications,flags\n",
	      out);
	for (size_t k = 0; k < nh && (o->limit == 0 || k < o->limit); k++) {
		ent_eval_one(&d, &x, hits[k].idx, res);
		write_row(out, k + 1, &d.c[hits[k].idx], res);
	}
	free(res);
	free(hits);
	ent_dataset_free(&d);
	return 0;
}
