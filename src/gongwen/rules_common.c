/* gongwen/rules_common: helpers shared by the rule files. */
#include "gongwen/rules_common.h"

#include <stdarg.h>
#include <stdlib.h>

struct gw_finding *gw_at(struct gw_findings *out, const struct gw_doc *doc, size_t i, size_t start,
			 size_t end, const char *rule, int sev, int fix, const char *fmt, ...)
{
	struct gw_finding *fd;
	va_list ap;

	/* the excerpt handed over, the message formatted once */
	va_start(ap, fmt);
	fd = gw_vadd_owned(out, rule, sev, (long)i, fix, gw_excerpt(&doc->paras[i], start, end),
			   fmt, ap);
	va_end(ap);
	return fd;
}

void gw_strip(const struct gw_para *p, size_t *a, size_t *b)
{
	size_t i = 0;
	size_t j = p->text.len;

	while (i < j && text_is_ws(p->text.p[i]))
		i++;
	while (j > i && text_is_ws(p->text.p[j - 1]))
		j--;
	*a = i;
	*b = j;
}

bool gw_re(const char *pat, const struct gw_para *p, size_t from, size_t *s, size_t *e,
	   long *groups, int ngroups)
{
	return text_re_search(text_re_get(pat), p->text.p, p->text.len, from, s, e, groups,
			      ngroups);
}

bool gw_digit_before_scan(const struct gw_para *p, uint32_t c)
{
	for (long k = text_ucs_chr(p->text.p, p->text.len, 1, c); k >= 0;
	     k = text_ucs_chr(p->text.p, p->text.len, (size_t)k + 1, c)) {
		if (p->text.p[k - 1] >= '0' && p->text.p[k - 1] <= '9')
			return true;
	}
	return false;
}

static bool skip_to_digit(uint32_t c)
{
	return c < 0x3001 && !(c >= '0' && c <= '9');
}

bool gw_digit_sep_digit(const struct gw_para *p, const uint32_t *seps, size_t n)
{
	const uint32_t *t = p->text.p;
	size_t len = p->text.len;

	if (!(p->chars & GW_C_DIGIT))
		return false;
	for (size_t q = 0; q < n; q++) {
		if (!gw_para_may_have(p, seps[q]))
			continue;
		for (long at = text_ucs_chr(t, len, 1, seps[q]); at >= 0;
		     at = text_ucs_chr(t, len, (size_t)at + 1, seps[q])) {
			size_t a = (size_t)at;
			size_t b = (size_t)at + 1;

			while (a > 0 && skip_to_digit(t[a - 1]))
				a--;
			while (b < len && skip_to_digit(t[b]))
				b++;
			if (a > 0 && t[a - 1] >= '0' && t[a - 1] <= '9' && b < len && t[b] >= '0' &&
			    t[b] <= '9')
				return true;
		}
	}
	return false;
}

bool gw_has_around_scan(const struct gw_para *p, uint32_t mid, bool (*before)(uint32_t),
			bool (*after)(uint32_t))
{
	for (long at = text_ucs_chr(p->text.p, p->text.len, 0, mid); at >= 0;
	     at = text_ucs_chr(p->text.p, p->text.len, (size_t)at + 1, mid)) {
		size_t k = (size_t)at;

		if (before != NULL && (k == 0 || !before(p->text.p[k - 1])))
			continue;
		if (after != NULL && (k + 1 >= p->text.len || !after(p->text.p[k + 1])))
			continue;
		return true;
	}
	return false;
}

int gw_pairs_feed(struct gw_pairs *ps, uint32_t c)
{
	/* the marks in pairs, each closing mark right after its opening one:
	 * “” ‘’ 《》 〈〉 （） 〔〕 【】 */
	switch (c) {
	case 0x201C:
	case 0x2018:
	case 0x300A:
	case 0x3008:
	case 0xFF08:
	case 0x3014:
	case 0x3010:
		if (ps->depth < ARRAY_LEN(ps->stack))
			ps->stack[ps->depth] = c + 1;
		ps->depth++;
		return GW_PAIR_OPEN;
	case 0x201D:
	case 0x2019:
	case 0x300B:
	case 0x3009:
	case 0xFF09:
	case 0x3015:
	case 0x3011:
		if (ps->depth == 0 || ps->depth > ARRAY_LEN(ps->stack) ||
		    ps->stack[ps->depth - 1] != c)
			return GW_PAIR_BAD;
		ps->depth--;
		return GW_PAIR_CLOSE;
	default:
		return GW_PAIR_NONE;
	}
}

bool gw_role_is_text(int role)
{
	return role != GW_ROLE_BLANK;
}

struct gw_finding *gw_replace_all(struct gw_findings *out, const struct gw_doc *doc, size_t i,
				  const char *pat, const char *rep, const char *rule, int sev,
				  const char *msg)
{
	const struct gw_para *p = &doc->paras[i];
	struct gw_finding *fd = NULL;
	size_t from = 0;
	size_t s;
	size_t e;

	while (from <= p->text.len && gw_re(pat, p, from, &s, &e, NULL, 0)) {
		if (fd == NULL)
			fd = gw_at(out, doc, i, s, e, rule, sev, GW_FIX_AUTO, "%s", msg);
		gw_finding_edit(fd, s, e, rep);
		from = e > s ? e : s + 1;
	}
	return fd;
}
