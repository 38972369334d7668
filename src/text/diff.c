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

/* Walk a shortest edit script of a -> b: fn(op, line index, arg) with op
 * ' ' (same; index into a), '-' (index into a) or '+' (index into b). */
static void diff_walk(const struct diff_lines *a, const struct diff_lines *b,
		      void (*fn)(char op, size_t i, void *arg), void *arg)
{
	uint32_t *t = diff_lcs(a, b);
	size_t i = 0, j = 0, w = b->n + 1;

	while (i < a->n || j < b->n) {
		if (i < a->n && j < b->n && diff_same(a, i, b, j)) {
			fn(' ', i, arg);
			i++;
			j++;
		} else if (j < b->n && (i == a->n || t[i * w + j + 1] >= t[(i + 1) * w + j])) {
			fn('+', j++, arg);
		} else {
			fn('-', i++, arg);
		}
	}
	free(t);
}

static size_t diff_cp_len(const char *s, size_t n)
{
	size_t c = 0;

	for (size_t i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xc0) != 0x80;
	return c;
}

struct diff_count {
	const struct diff_lines *a, *b;
	size_t changed; /* code points of the lines removed or added */
};

static void diff_count_op(char op, size_t i, void *arg)
{
	struct diff_count *c = arg;

	if (op == '-')
		c->changed += diff_cp_len(c->a->p[i], c->a->len[i]);
	else if (op == '+')
		c->changed += diff_cp_len(c->b->p[i], c->b->len[i]);
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
			struct diff_count c = {&la, &lb, 0};

			diff_walk(&la, &lb, diff_count_op, &c);
			d = c.changed;
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

struct diff_emit_state {
	const struct diff_lines *a, *b;
	json_t *out;
	size_t same_from, same_to; /* the pending run of unchanged lines of a */
	bool in_same;
};

static void diff_emit_op(char op, size_t i, void *arg)
{
	struct diff_emit_state *st = arg;

	if (op == ' ') {
		if (!st->in_same)
			st->same_from = i;
		st->in_same = true;
		st->same_to = i + 1;
		return;
	}
	if (st->in_same)
		diff_flush_same(st->out, st->a, st->same_from, st->same_to);
	st->in_same = false;
	if (op == '+')
		diff_emit(st->out, "+", st->b->p[i], st->b->len[i]);
	else
		diff_emit(st->out, "-", st->a->p[i], st->a->len[i]);
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
		struct diff_emit_state st = {&la, &lb, out, 0, 0, false};

		diff_walk(&la, &lb, diff_emit_op, &st);
		if (st.in_same)
			diff_flush_same(out, &la, st.same_from, st.same_to);
	}
	diff_free(&la);
	diff_free(&lb);
	return out;
}
