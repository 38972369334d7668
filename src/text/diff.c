/* text/diff: edit distance and line diff (see diff.h). */
#include <stdint.h>
#include <string.h>

#include "base/base.h"
#include "text/diff.h"
#include "text/text.h"

struct diff_lines {
	const char **p;
	size_t *len;
	size_t n, cap;
};

static void diff_split(const char *s, struct diff_lines *l)
{
	size_t cap_p = 0;

	memset(l, 0, sizeof(*l));
	while (s != NULL && *s != '\0') {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) : strlen(s);

		l->p = xgrow(l->p, &cap_p, l->n + 1, sizeof(*l->p));
		l->len = xgrow(l->len, &l->cap, l->n + 1, sizeof(*l->len));
		l->p[l->n] = s;
		l->len[l->n] = n;
		l->n++;
		s += n + (nl ? 1 : 0);
	}
}

static bool diff_same(const struct diff_lines *a, size_t i, const struct diff_lines *b, size_t j)
{
	return a->len[i] == b->len[j] && memcmp(a->p[i], b->p[j], a->len[i]) == 0;
}

static void diff_free(struct diff_lines *l)
{
	free(l->p);
	free(l->len);
}

static size_t diff_levenshtein(const struct ustr *a, const struct ustr *b)
{
	size_t *row = xcalloc(b->len + 1, sizeof(*row));
	size_t out;

	for (size_t j = 0; j <= b->len; j++)
		row[j] = j;
	for (size_t i = 1; i <= a->len; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (size_t j = 1; j <= b->len; j++) {
			size_t up = row[j];
			size_t best = diag + (a->p[i - 1] != b->p[j - 1]);

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	out = row[b->len];
	free(row);
	return out;
}

/* LCS table over lines; caller frees. (n+1) x (m+1) entries. */
static uint32_t *diff_lcs(const struct diff_lines *a, const struct diff_lines *b)
{
	size_t w = b->n + 1;
	uint32_t *t = xcalloc((a->n + 1) * w, sizeof(*t));

	for (size_t i = a->n; i-- > 0;) {
		for (size_t j = b->n; j-- > 0;) {
			if (diff_same(a, i, b, j))
				t[i * w + j] = t[(i + 1) * w + j + 1] + 1;
			else
				t[i * w + j] = t[(i + 1) * w + j] > t[i * w + j + 1]
						   ? t[(i + 1) * w + j]
						   : t[i * w + j + 1];
		}
	}
	return t;
}

static size_t diff_cp_len(const char *s, size_t n)
{
	size_t c = 0;

	for (size_t i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xc0) != 0x80;
	return c;
}

size_t text_edit_distance(const char *a, const char *b)
{
	struct ustr ua, ub;
	size_t d = 0;

	ustr_init(&ua);
	ustr_init(&ub);
	ustr_add_cstr(&ua, a ? a : "");
	ustr_add_cstr(&ub, b ? b : "");
	if (ua.len <= TEXT_DIFF_MAX_CP && ub.len <= TEXT_DIFF_MAX_CP) {
		d = diff_levenshtein(&ua, &ub);
	} else {
		struct diff_lines la, lb;

		diff_split(a, &la);
		diff_split(b, &lb);
		if (la.n > TEXT_DIFF_MAX_LINES || lb.n > TEXT_DIFF_MAX_LINES) {
			d = ua.len > ub.len ? ua.len : ub.len;
		} else {
			uint32_t *t = diff_lcs(&la, &lb);
			size_t i = 0, j = 0, w = lb.n + 1;

			while (i < la.n || j < lb.n) {
				if (i < la.n && j < lb.n && diff_same(&la, i, &lb, j)) {
					i++;
					j++;
				} else if (j < lb.n &&
					   (i == la.n || t[i * w + j + 1] >= t[(i + 1) * w + j])) {
					d += diff_cp_len(lb.p[j], lb.len[j]);
					j++;
				} else {
					d += diff_cp_len(la.p[i], la.len[i]);
					i++;
				}
			}
			free(t);
		}
		diff_free(&la);
		diff_free(&lb);
	}
	ustr_free(&ua);
	ustr_free(&ub);
	return d;
}

static void diff_emit(json_t *out, const char *op, const char *p, size_t n)
{
	json_t *line = json_stringn(p, n);

	json_array_append_new(
	    out, json_pack("{s:s,s:o}", "op", op, "line", line ? line : json_string("")));
}

/* Flush a run of unchanged lines: short runs in full, long ones folded. */
static void diff_flush_same(json_t *out, const struct diff_lines *a, size_t from, size_t to)
{
	if (to - from <= 3) {
		for (size_t k = from; k < to; k++)
			diff_emit(out, " ", a->p[k], a->len[k]);
		return;
	}
	json_array_append_new(out,
			      json_pack("{s:s,s:I}", "op", "=", "lines", (json_int_t)(to - from)));
}

json_t *text_line_diff(const char *a, const char *b)
{
	struct diff_lines la, lb;
	json_t *out = json_array();

	diff_split(a, &la);
	diff_split(b, &lb);
	if (la.n > TEXT_DIFF_MAX_LINES || lb.n > TEXT_DIFF_MAX_LINES) {
		json_array_append_new(out,
				      json_pack("{s:s,s:I,s:I}", "op", "replace", "old_lines",
						(json_int_t)la.n, "new_lines", (json_int_t)lb.n));
	} else {
		uint32_t *t = diff_lcs(&la, &lb);
		size_t i = 0, j = 0, w = lb.n + 1, same_from = 0;
		bool in_same = false;

		while (i < la.n || j < lb.n) {
			if (i < la.n && j < lb.n && diff_same(&la, i, &lb, j)) {
				if (!in_same) {
					same_from = i;
					in_same = true;
				}
				i++;
				j++;
				continue;
			}
			if (in_same) {
				diff_flush_same(out, &la, same_from, i);
				in_same = false;
			}
			if (j < lb.n && (i == la.n || t[i * w + j + 1] >= t[(i + 1) * w + j])) {
				diff_emit(out, "+", lb.p[j], lb.len[j]);
				j++;
			} else {
				diff_emit(out, "-", la.p[i], la.len[i]);
				i++;
			}
		}
		if (in_same)
			diff_flush_same(out, &la, same_from, i);
		free(t);
	}
	diff_free(&la);
	diff_free(&lb);
	return out;
}
