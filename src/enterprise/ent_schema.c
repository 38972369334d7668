/* enterprise: file schema, hash map, canonical rows, data set helpers. */
#include <stdlib.h>
#include <string.h>

#include "enterprise/ent_internal.h"

/* README §1: columns in canonical order; M = mandatory. */
const struct ent_file_spec ent_files[ENT_NFILES] = {
    {"enterprises.csv",
     11,
     0,
     {{"uscc", ENT_T_USCC, true},
      {"name", ENT_T_TEXT, false},
      {"type", ENT_T_TEXT, false},
      {"status", ENT_T_STATUS, false},
      {"establish_date", ENT_T_DATE, false},
      {"registered_capital_wan", ENT_T_CAPITAL, false},
      {"industry_code", ENT_T_INDUSTRY, false},
      {"industry_code_version", ENT_T_VERSION, false},
      {"region_code", ENT_T_REGION, false},
      {"address", ENT_T_TEXT, false},
      {"legal_rep", ENT_T_TEXT, false}}},
    {"financials.csv",
     9,
     1,
     {{"uscc", ENT_T_USCC, true},
      {"year", ENT_T_YEAR, true},
      {"revenue_wan", ENT_T_NUM, false},
      {"main_business_revenue_wan", ENT_T_NUM, false},
      {"rd_expense_wan", ENT_T_NUM, false},
      {"total_assets_wan", ENT_T_NUM, false},
      {"total_liabilities_wan", ENT_T_NUM, false},
      {"main_product_strategic_emerging", ENT_T_BOOL, false},
      {"main_product_ip_class", ENT_T_IPCLASS, false}}},
    {"tax_credit.csv",
     3,
     1,
     {{"uscc", ENT_T_USCC, true}, {"year", ENT_T_YEAR, true}, {"grade", ENT_T_GRADE, true}}},
    {"social_insurance.csv",
     4,
     1,
     {{"uscc", ENT_T_USCC, true},
      {"month", ENT_T_MONTH, true},
      {"insured_count", ENT_T_INT, false},
      {"arrears_months", ENT_T_INT, false}}},
    {"utilities.csv",
     4,
     1,
     {{"uscc", ENT_T_USCC, true},
      {"month", ENT_T_MONTH, true},
      {"electricity_kwh", ENT_T_NUM, false},
      {"arrears", ENT_T_BOOL, false}}},
    {"admin_penalties.csv",
     6,
     -1,
     {{"uscc", ENT_T_USCC, true},
      {"decision_date", ENT_T_DATE, true},
      {"authority", ENT_T_TEXT, false},
      {"amount_yuan", ENT_T_YUAN, false},
      {"kind", ENT_T_TEXT, false},
      {"repaired", ENT_T_BOOL, false}}},
    {"abnormal_list.csv",
     4,
     -1,
     {{"uscc", ENT_T_USCC, true},
      {"listed_date", ENT_T_DATE, true},
      {"reason", ENT_T_TEXT, false},
      {"removed_date", ENT_T_DATE, false}}},
    {"dishonest_debtors.csv",
     4,
     -1,
     {{"uscc", ENT_T_USCC, true},
      {"listed_date", ENT_T_DATE, true},
      {"removed_date", ENT_T_DATE, false},
      {"amount_yuan", ENT_T_YUAN, false}}},
    {"court_cases.csv",
     5,
     -1,
     {{"uscc", ENT_T_USCC, true},
      {"filed_date", ENT_T_DATE, true},
      {"role", ENT_T_ROLE, true},
      {"cause", ENT_T_TEXT, false},
      {"amount_yuan", ENT_T_YUAN, false}}},
    {"ip.csv",
     3,
     1,
     {{"uscc", ENT_T_USCC, true}, {"kind", ENT_T_IPKIND, true}, {"count", ENT_T_INT, false}}},
    {"certifications.csv",
     4,
     -1,
     {{"uscc", ENT_T_USCC, true},
      {"kind", ENT_T_CERTKIND, true},
      {"valid_from", ENT_T_DATE, true},
      {"valid_to", ENT_T_DATE, false}}},
    {"equity_financing.csv",
     3,
     -1,
     {{"uscc", ENT_T_USCC, true}, {"date", ENT_T_DATE, true}, {"amount_wan", ENT_T_NUM, false}}},
};

/* ---- hash map (open addressing, linear probing) ---- */

struct ent_map_slot {
	uint64_t hash;
	const char *key; /* NULL: empty */
	size_t len;
	int64_t val;
};

struct ent_map_chunk {
	struct ent_map_chunk *next;
	size_t used, cap;
	char data[];
};

struct ent_map {
	struct ent_map_slot *slot;
	size_t cap, n;
	struct ent_map_chunk *chunks;
};

uint64_t ent_hash(const char *s, size_t len)
{
	uint64_t h = 1469598103934665603ULL;

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h;
}

struct ent_map *ent_map_new(void)
{
	struct ent_map *m = xcalloc(1, sizeof(*m));

	m->cap = 1024;
	m->slot = xcalloc(m->cap, sizeof(*m->slot));
	return m;
}

void ent_map_free(struct ent_map *m)
{
	if (m == NULL)
		return;
	while (m->chunks != NULL) {
		struct ent_map_chunk *c = m->chunks;

		m->chunks = c->next;
		free(c);
	}
	free(m->slot);
	free(m);
}

static const char *map_copy(struct ent_map *m, const char *key, size_t len)
{
	struct ent_map_chunk *c = m->chunks;
	char *p;

	if (c == NULL || c->cap - c->used < len + 1) {
		size_t cap = len + 1 > (1u << 20) ? len + 1 : (1u << 20);

		c = xmalloc(sizeof(*c) + cap);
		c->used = 0;
		c->cap = cap;
		c->next = m->chunks;
		m->chunks = c;
	}
	p = c->data + c->used;
	memcpy(p, key, len);
	p[len] = '\0';
	c->used += len + 1;
	return p;
}

static struct ent_map_slot *map_find(struct ent_map_slot *slot, size_t cap, uint64_t h,
				     const char *key, size_t len)
{
	size_t i = h & (cap - 1);

	while (slot[i].key != NULL) {
		if (slot[i].hash == h && slot[i].len == len && memcmp(slot[i].key, key, len) == 0)
			return &slot[i];
		i = (i + 1) & (cap - 1);
	}
	return &slot[i];
}

int64_t *ent_map_get(struct ent_map *m, const char *key, size_t len)
{
	struct ent_map_slot *s = map_find(m->slot, m->cap, ent_hash(key, len), key, len);

	return s->key != NULL ? &s->val : NULL;
}

int64_t *ent_map_put(struct ent_map *m, const char *key, size_t len, int64_t init, bool *found)
{
	uint64_t h = ent_hash(key, len);
	struct ent_map_slot *s;

	if ((m->n + 1) * 2 > m->cap) {
		size_t ncap = m->cap * 2;
		struct ent_map_slot *ns = xcalloc(ncap, sizeof(*ns));

		for (size_t i = 0; i < m->cap; i++) {
			if (m->slot[i].key != NULL)
				*map_find(ns, ncap, m->slot[i].hash, m->slot[i].key,
					  m->slot[i].len) = m->slot[i];
		}
		free(m->slot);
		m->slot = ns;
		m->cap = ncap;
	}
	s = map_find(m->slot, m->cap, h, key, len);
	*found = s->key != NULL;
	if (!*found) {
		s->hash = h;
		s->key = map_copy(m, key, len);
		s->len = len;
		s->val = init;
		m->n++;
	}
	return &s->val;
}

/* ---- canonical rows ---- */

int ent_canon_parse(int file, const char *canon, int64_t *v, const char **fields, size_t *flen)
{
	const struct ent_file_spec *fs = &ent_files[file];
	const char *p = canon;

	for (size_t c = 0; c < fs->ncols; c++) {
		const char *end = strchr(p, ENT_SEP);
		size_t len = end != NULL ? (size_t)(end - p) : strlen(p);
		char buf[ENT_CANON_MAX];
		const char *cv;
		size_t cl;

		if (fields != NULL) {
			fields[c] = p;
			flen[c] = len;
		}
		if (c == 0 || fs->cols[c].type == ENT_T_TEXT) {
			v[c] = ENT_UNKNOWN;
		} else if (fs->cols[c].type == ENT_T_VERSION) {
			v[c] = len == 0 ? 2017 : (memcmp(p, "2011", 4) == 0 ? 2011 : 2017);
		} else if (ent_field_parse(fs->cols[c].type, p, len, &v[c], buf, &cv, &cl) != 0) {
			return -1;
		}
		if (end == NULL && c + 1 < fs->ncols)
			return -1;
		p = end != NULL ? end + 1 : p + len;
	}
	return 0;
}

void ent_dataset_free(struct ent_dataset *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->c[i].name);
	free(d->c);
	for (int f = 0; f < ENT_NFILES; f++) {
		free(d->t[f].v);
		free(d->t[f].start);
	}
	memset(d, 0, sizeof(*d));
}

void ent_dataset_group(struct ent_dataset *d)
{
	for (int f = 1; f < ENT_NFILES; f++) {
		struct ent_table *t = &d->t[f];
		size_t *start = xcalloc(d->n + 2, sizeof(*start));
		int64_t *nv;

		for (size_t r = 0; r < t->n; r++)
			start[t->v[r * t->stride] + 1]++;
		for (size_t i = 0; i < d->n; i++)
			start[i + 1] += start[i];
		nv = xmalloc((t->n ? t->n : 1) * t->stride * sizeof(*nv));
		{
			size_t *pos = xmalloc((d->n + 1) * sizeof(*pos));

			memcpy(pos, start, (d->n + 1) * sizeof(*pos));
			for (size_t r = 0; r < t->n; r++) {
				size_t k = pos[t->v[r * t->stride]]++;

				memcpy(nv + k * t->stride, t->v + r * t->stride,
				       t->stride * sizeof(*nv));
			}
			free(pos);
		}
		free(t->v);
		t->v = nv;
		t->cap = t->n * t->stride;
		free(t->start);
		t->start = start;
	}
}
