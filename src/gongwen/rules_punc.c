/*
 * gongwen/rules_punc: GB/T 15834-2011 punctuation (GW-PUNC). Every rule
 * skips URLs and e-mail addresses (GW-PUNC-020).
 */
#include <stdlib.h>
#include <string.h>

#include "gongwen/rules_common.h"

#define E GW_SEV_ERROR
#define W GW_SEV_WARNING
#define I GW_SEV_INFO

static const char *const url_re = "(https?://[\\x21-\\x7e]+|www\\.[A-Za-z0-9.\\-/_%?=&]+|"
				  "[A-Za-z0-9._%+\\-]+@[A-Za-z0-9.\\-]+\\.[A-Za-z]{2,})";

/* May url_re match in p? Each alternative needs an ASCII letter and
 * "://", "www." or "@" (Bloom filter: a false answer is exact). */
static bool may_have_url(const struct gw_para *p)
{
	return (p->chars & GW_C_ALPHA) &&
	       ((gw_para_may_have(p, ':') && gw_para_may_have(p, '/')) ||
		(gw_para_may_have(p, 'w') && gw_para_may_have(p, '.')) || gw_para_may_have(p, '@'));
}

/* Copy of the text with URLs/e-mails blanked to spaces (same length). */
/* m is p's text with the URLs blanked: p->text itself (shared, not to be
 * freed) when there is none; returns whether m is a copy to free. */
static bool mask_urls(const struct gw_para *p, struct ustr *m)
{
	size_t from = 0;
	size_t s;
	size_t e;
	bool copy = false;

	*m = p->text;
	while (may_have_url(p) && from < m->len &&
	       text_re_search(text_re_get(url_re), m->p, m->len, from, &s, &e, NULL, 0)) {
		if (!copy) {
			ustr_init(m);
			ustr_add(m, p->text.p, p->text.len);
			copy = true;
		}
		for (size_t k = s; k < e; k++)
			m->p[k] = ' ';
		from = e > s ? e : s + 1;
	}
	return copy;
}

static uint32_t prev_nonspace(const struct ustr *m, size_t i)
{
	while (i > 0) {
		i--;
		if (m->p[i] != ' ' && m->p[i] != '\t')
			return m->p[i];
	}
	return 0;
}

static uint32_t next_nonspace(const struct ustr *m, size_t i)
{
	for (i++; i < m->len; i++) {
		if (m->p[i] != ' ' && m->p[i] != '\t')
			return m->p[i];
	}
	return 0;
}

static bool is_unicode_digit(uint32_t c)
{
	return text_is_digit(c) || text_is_fullwidth_digit(c) || (c >= 0x660 && c <= 0x669);
}

/* GW-PUNC-001: half-width marks in Chinese context. */
static void rule_halfwidth(struct gw_doc *doc, size_t i, const struct ustr *m,
			   struct gw_findings *out)
{
	struct gw_finding *fd = NULL;
	const struct gw_para *p = &doc->paras[i];
	int dq = 0;
	int sq = 0;
	size_t from = 0;
	size_t s;
	size_t e;
	/* Every mark handled is a GW_C_APUNCT (m is p's text, URLs blanked):
	 * outside the span of those of p, nothing to do. */
	const uint32_t *mt = m->p;
	size_t mn = p->apunct_hi <= m->len ? p->apunct_hi : m->len;

	/* Count straight quotes already open before deciding curly direction. */
	for (size_t k = p->apunct_lo; k < mn; k++) {
		uint32_t c = mt[k];
		const char *rep = NULL;

		if (c >= 0x80) /* every mark handled is ASCII */
			continue;
		if (c == ',' || c == ';' || c == ':' || c == '?' || c == '!') {
			uint32_t a = prev_nonspace(m, k);
			uint32_t b = next_nonspace(m, k);

			if ((a && text_is_cjk(a)) || (b && text_is_cjk(b)))
				rep = c == ','	 ? "，"
				      : c == ';' ? "；"
				      : c == ':' ? "："
				      : c == '?' ? "？"
						 : "！";
		} else if (c == '.') {
			uint32_t a = k > 0 ? m->p[k - 1] : 0;
			uint32_t b = k + 1 < m->len ? m->p[k + 1] : 0;

			if (a && text_is_cjk(a) && !is_unicode_digit(b))
				rep = "。";
		} else if (c == '"' || c == '\'') {
			uint32_t a = prev_nonspace(m, k);
			uint32_t b = next_nonspace(m, k);
			int *cnt = c == '"' ? &dq : &sq;

			if ((a && text_is_han(a)) || (b && text_is_han(b))) {
				if (c == '"')
					rep = (*cnt % 2 == 0) ? "“" : "”";
				else
					rep = (*cnt % 2 == 0) ? "‘" : "’";
			}
			(*cnt)++;
		}
		if (rep == NULL)
			continue;
		if (fd == NULL)
			fd = gw_at(out, doc, i, k, k + 1, "GW-PUNC-001", E, GW_FIX_AUTO,
				   "中文语境中使用了半角标点，应使用全角标点");
		gw_finding_edit(fd, k, k + 1, rep);
	}
	while ((p->chars & GW_C_APUNCT) && gw_para_may_have(p, '(') && gw_para_may_have(p, ')') &&
	       text_re_search(text_re_get("\\(([^()]*)\\)"), m->p, m->len, from, &s, &e, NULL, 0)) {
		bool han = false;

		for (size_t k = s + 1; k + 1 < e; k++)
			han = han || text_is_han(m->p[k]);
		if (han) {
			if (fd == NULL)
				fd = gw_at(out, doc, i, s, e, "GW-PUNC-001", E, GW_FIX_AUTO,
					   "中文语境中使用了半角括号，应使用全角括号“（）”");
			gw_finding_edit(fd, s, s + 1, "（");
			gw_finding_edit(fd, e - 1, e, "）");
		}
		from = e;
	}
}

/* Is one of ，。、；：！？ directly repeated? (Exact; the backreference
 * pattern below is slow to fail.) */
static bool point_mark_twice(const struct gw_para *p)
{
	/* a point mark twice in a row is two of them in a row */
	if (!(p->chars & GW_C_PUNCPAIR))
		return false;
	for (size_t k = 1; k < p->text.len; k++) {
		uint32_t c = p->text.p[k];

		if (c == p->text.p[k - 1] &&
		    (c == 0xFF0C || c == 0x3002 || c == 0x3001 || c == 0xFF1B || c == 0xFF1A ||
		     c == 0xFF01 || c == 0xFF1F))
			return true;
	}
	return false;
}

/* GW-PUNC-002: repeated marks. */
static void rule_repeated(struct gw_doc *doc, size_t i, struct gw_findings *out)
{
	const struct gw_para *p = &doc->paras[i];
	struct gw_finding *fd = NULL;
	size_t from = 0;
	size_t s;
	size_t e;

	while (point_mark_twice(p) && gw_re("([，。、；：！？])\\1+", p, from, &s, &e, NULL, 0)) {
		uint32_t one = p->text.p[s];

		if (fd == NULL)
			fd =
			    gw_at(out, doc, i, s, e, "GW-PUNC-002", E, GW_FIX_AUTO, "标点符号重复");
		gw_finding_edit_ucs(fd, s, e, &one, 1);
		from = e;
	}
}

/* GW-PUNC-003: conflicting adjacent point marks. */
static void rule_conflict(struct gw_doc *doc, size_t i, struct gw_findings *out)
{
	const struct gw_para *p = &doc->paras[i];
	size_t s;
	size_t e;

	if ((p->chars & GW_C_PUNCPAIR) &&
	    gw_re("[，、；：][。！？]|[。][，、；]|、，", p, 0, &s, &e, NULL, 0)) {
		struct gw_finding *fd = gw_at(out, doc, i, s, e, "GW-PUNC-003", E, GW_FIX_SUGGEST,
					      "相邻点号冲突，应只保留一个");
		gw_finding_suggest(fd, "保留句末点号或句内点号之一");
	}
}

/* U+4E00-U+9FFF, the class the dash pattern's look-behind tests */
static bool is_urhan(uint32_t c)
{
	return c >= 0x4E00 && c <= 0x9FFF;
}

/* Does c ("." or "。": GW_C_DOTREP) occur three times in a row? */
static bool has_three(const struct gw_para *p, uint32_t c)
{
	if (!(p->chars & GW_C_DOTREP) || !gw_para_may_have(p, c))
		return false;
	for (size_t k = 2; k < p->text.len; k++) {
		if (p->text.p[k] == c && p->text.p[k - 1] == c && p->text.p[k - 2] == c)
			return true;
	}
	return false;
}

/* Can the ellipsis pattern match in m? Each of its branches needs a run
 * of "." or "。" three long, or a run of … whose length is not two. */
static bool dots_may_match(const struct ustr *m)
{
	for (size_t k = 0; k < m->len; k++) {
		uint32_t c = m->p[k];
		size_t j = k + 1;

		if (c != '.' && c != 0x3002 && c != 0x2026)
			continue;
		while (j < m->len && m->p[j] == c)
			j++;
		if (c == 0x2026 ? j - k != 2 : j - k >= 3)
			return true;
		k = j - 1;
	}
	return false;
}

/* GW-PUNC-004: 省略号 is two U+2026. GW-PUNC-005: 破折号 is two U+2014. */
static void rule_ellipsis_dash(struct gw_doc *doc, size_t i, const struct ustr *m,
			       struct gw_findings *out)
{
	const struct gw_para *p = &doc->paras[i];
	struct gw_finding *fd = NULL;
	size_t from = 0;
	size_t s;
	size_t e;
	/* URL masking only writes spaces, so what p lacks m lacks too: the
	 * pattern needs "...", "。。。" or a … (cheap tests on p first), and
	 * then the runs dots_may_match looks for in m */
	bool may_dots = ((p->chars & GW_C_ELLIPSIS) ||
			 ((p->chars & GW_C_DOTREP) && /* (has_three's first test) */
			  (has_three(p, '.') || has_three(p, 0x3002)))) &&
			dots_may_match(m);
	static const uint32_t dashes[] = {'-', 0xFF0D /* － */, 0x2015 /* ― */, 0x2014 /* — */};

	while (may_dots &&
	       text_re_search(text_re_get("(?<![.0-9A-Za-z])\\.{3,6}(?![.0-9A-Za-z])|。{3,}|"
					  "(?<!…)…(?!…)|…{3,}"),
			      m->p, m->len, from, &s, &e, NULL, 0)) {
		bool cjk_ctx = (s > 0 && text_is_cjk(m->p[s - 1])) ||
			       (e < m->len && text_is_cjk(m->p[e])) || m->p[s] != '.';

		if (cjk_ctx) {
			if (fd == NULL)
				fd = gw_at(out, doc, i, s, e, "GW-PUNC-004", E, GW_FIX_AUTO,
					   "省略号应为两个“…”（……）");
			gw_finding_edit(fd, s, e, "……");
		}
		from = e;
	}
	if ((p->chars & GW_C_ELLIPSIS) && text_ucs_find(p->text.p, p->text.len, 0, "……等") >= 0 &&
	    gw_re("……等", p, 0, &s, &e, NULL, 0))
		gw_at(out, doc, i, s, e, "GW-PUNC-004", E, GW_FIX_SUGGEST, "省略号后不再用“等”");
	fd = NULL;
	from = 0;
	while (gw_para_may_have_cps(p, dashes, ARRAY_LEN(dashes)) &&
	       (gw_has_around(p, '-', is_urhan, NULL) || gw_has_around(p, 0xFF0D, is_urhan, NULL) ||
		gw_has_around(p, 0x2015, is_urhan, NULL) ||
		/* — is a GW_C_AMBIG */
		((p->chars & GW_C_AMBIG) && gw_has_around(p, 0x2014, is_urhan, NULL))) &&
	       text_re_search(text_re_get("(?<=[\\x{4E00}-\\x{9FFF}])(--|－－|―{1,2}|—(?!—))"
					  "(?=[\\x{4E00}-\\x{9FFF}“])"),
			      m->p, m->len, from, &s, &e, NULL, 0)) {
		/* a single U+2014 between two Han chars is a 连接号 when both
		 * sides are place or time names; treat only doubled/ASCII forms
		 * and U+2015 as dash errors */
		if (!(e - s == 1 && m->p[s] == 0x2014)) {
			if (fd == NULL)
				fd = gw_at(out, doc, i, s, e, "GW-PUNC-005", E, GW_FIX_AUTO,
					   "破折号应为两个一字线“——”");
			gw_finding_edit(fd, s, e, "——");
		}
		from = e;
	}
}

/* GW-PUNC-006: ranges — years take 一字线 "—", numbers take 浪纹线 "～". */
#define RANGE_UNITS                                                                                                                  \
	"平方米|平方公里|公里|千米|米|公斤|千克|克|周岁|小时|分钟|秒|个工作日|工作日|个月|天|个|" \
	"人次|人|名|家|次|万|亿|元|年|月|日|%|％|岁|项|所|户|处|座|亩|吨|台|辆|件|份|周|倍|度|张|"      \
	"条|篇|期|批|间|栋|床|岗|场|班|课时|学时|分"
static const char *const num_range_re =
    "(?<![0-9.])[0-9]+(?:\\.[0-9]+)?(\\s*[-－~]\\s*)[0-9]+(?:\\.[0-9]+)?\\s*(?:" RANGE_UNITS ")";

static void rule_range(struct gw_doc *doc, size_t i, struct gw_findings *out)
{
	const struct gw_para *p = &doc->paras[i];
	struct gw_finding *fd = NULL;
	size_t from = 0;
	size_t s;
	size_t e;
	long g[4];
	static const uint32_t sep_cps[] = {'-', 0xFF0D, '~'};

	/* both patterns need one of -－~ between digits */
	if (!gw_para_may_have_cps(p, sep_cps, ARRAY_LEN(sep_cps)) ||
	    !gw_digit_sep_digit(p, sep_cps, ARRAY_LEN(sep_cps)))
		return;
	while (gw_re("(?<![0-9])[0-9]{4}(\\s*[-－~]\\s*)[0-9]{4}\\s*年", p, from, &s, &e, g, 1)) {
		if (fd == NULL)
			fd = gw_at(out, doc, i, s, e, "GW-PUNC-006", W, GW_FIX_AUTO,
				   "年份起止应使用一字线“—”");
		gw_finding_edit(fd, (size_t)g[0], (size_t)g[1], "—");
		from = e;
	}
	from = 0;
	while (
	    text_re_search(text_re_get(num_range_re), p->text.p, p->text.len, from, &s, &e, g, 1)) {
		bool year = false;
		size_t s2;
		size_t e2;

		/* already reported as a year range above */
		if (gw_re("(?<![0-9])[0-9]{4}\\s*[-－~]\\s*[0-9]{4}\\s*年", p, s, &s2, &e2, NULL,
			  0) &&
		    s2 == s)
			year = true;
		if (!year) {
			if (fd == NULL)
				fd = gw_at(out, doc, i, s, e, "GW-PUNC-006", W, GW_FIX_AUTO,
					   "数值范围应使用浪纹线“～”");
			gw_finding_edit(fd, (size_t)g[0], (size_t)g[1], "～");
		}
		from = e;
	}
}

/* 等, or a character \s may match (every Unicode space is below U+3001) */
/* GW-PUNC-007: no 顿号 before 等. GW-PUNC-008: none between 》《 / ”“. */
static void rule_dunhao(struct gw_doc *doc, size_t i, struct gw_findings *out)
{
	const struct gw_para *p = &doc->paras[i];

	if (p->dunhao & GW_DH_DENG) /* 、 then 等 or a space */
		gw_replace_all(out, doc, i, "、\\s*(?=等)", "", "GW-PUNC-007", E, "“等”前不加顿号");
	/* one of 》” before the 、 and one of 《“ after it */
	if (p->dunhao & GW_DH_BOOK)
		gw_replace_all(out, doc, i, "(?<=[》”])、(?=[《“])", "", "GW-PUNC-008", W,
			       "并列的书名号、引号之间一般不用顿号");
}

/* GW-PUNC-011: paired marks balanced and properly nested. */
static void rule_pairs(struct gw_doc *doc, size_t i, struct gw_findings *out)
{
	const struct gw_para *p = &doc->paras[i];
	const uint32_t *txt = p->text.p;
	size_t n = p->text.len;
	struct gw_pairs ps;
	size_t pos[ARRAY_LEN(ps.stack)]; /* where each kept level opened */

	/* every mark gw_pairs_feed reads is a GW_C_PAIRMARK; GW_C_PAIRS_OK:
	 * gw_detect_roles fed them all without a fault, ending at depth 0 */
	if (!(p->chars & GW_C_PAIRMARK) || (p->chars & GW_C_PAIRS_OK))
		return;
	ps.depth = 0;
	for (size_t k = 0; k < n; k++) {
		uint32_t c = txt[k];
		int r;

		/* every mark lies in one of these ranges; the first test
		 * passes over Han characters (U+3016-FF07) */
		if (c - 0x3016u < 0xFF08u - 0x3016u ||
		    (!(c >= 0x2018 && c <= 0x201D) && !(c >= 0x3008 && c <= 0x3015) &&
		     c != 0xFF08 && c != 0xFF09))
			continue;
		r = gw_pairs_feed(&ps, c);
		if (r == GW_PAIR_OPEN && ps.depth <= ARRAY_LEN(pos)) {
			pos[ps.depth - 1] = k;
		} else if (r == GW_PAIR_BAD) {
			gw_at(out, doc, i, k, k + 1, "GW-PUNC-011", E, GW_FIX_MANUAL,
			      ps.depth == 0 ? "成对标点缺少前半部分" : "成对标点交叉或不匹配");
			return;
		}
	}
	if (ps.depth > 0 && ps.depth <= ARRAY_LEN(pos))
		gw_at(out, doc, i, pos[ps.depth - 1], pos[ps.depth - 1] + 1, "GW-PUNC-011", E,
		      GW_FIX_MANUAL, "成对标点缺少后半部分");
}

/* What may stand before a stray space: the look-behind class of GW-PUNC-018,
 * U+4E00-U+9FFF or ，。；：、. */
static bool before_stray_space(uint32_t c)
{
	return (c >= 0x4E00 && c <= 0x9FFF) || c == 0xFF0C || c == 0x3002 || c == 0xFF1B ||
	       c == 0xFF1A || c == 0x3001;
}

/* Does GW-PUNC-018's pattern match from offset 1: a run of spaces and
 * U+3000 with one of before_stray_space before it and U+4E00-U+9FFF after
 * it? (The run is whole: neither neighbour is a space.) */
static bool has_stray_space(const struct gw_para *p)
{
	static const uint32_t spaces[] = {' ', 0x3000};
	const uint32_t *t = p->text.p;
	size_t n = p->text.len;

	for (size_t q = 0; q < ARRAY_LEN(spaces); q++) {
		if (!gw_para_may_have(p, spaces[q]))
			continue;
		for (long at = text_ucs_chr(t, n, 1, spaces[q]); at >= 0;
		     at = text_ucs_chr(t, n, (size_t)at + 1, spaces[q])) {
			size_t j = (size_t)at;

			if (!before_stray_space(t[j - 1]))
				continue;
			while (j < n && (t[j] == ' ' || t[j] == 0x3000))
				j++;
			if (j < n && t[j] >= 0x4E00 && t[j] <= 0x9FFF)
				return true;
		}
	}
	return false;
}

/* GW-PUNC-016: 间隔号 is U+00B7. GW-PUNC-018: stray spaces between Han chars. */
static void rule_dots_spaces(struct gw_doc *doc, size_t i, struct gw_findings *out)
{
	const struct gw_para *p = &doc->paras[i];
	size_t s;
	size_t e;

	static const uint32_t bullets[] = {0x2022 /* • */, 0x30FB /* ・ */};

	/* each searched for only where the filter has it */
	if ((gw_para_may_have(p, bullets[0]) &&
	     text_ucs_chr(p->text.p, p->text.len, 0, bullets[0]) >= 0) ||
	    (gw_para_may_have(p, bullets[1]) &&
	     text_ucs_chr(p->text.p, p->text.len, 0, bullets[1]) >= 0))
		gw_replace_all(out, doc, i,
			       "(?<=[\\x{4E00}-\\x{9FFF}])[•・](?=[\\x{4E00}-\\x{9FFF}])", "·",
			       "GW-PUNC-016", W, "间隔号应为“·”");
	if (p->role == GW_ROLE_DOCNO || p->role == GW_ROLE_MARK || p->role == GW_ROLE_SIG ||
	    p->role == GW_ROLE_PRINT || p->role == GW_ROLE_ATTEND || p->role == GW_ROLE_TITLE)
		return;
	if (has_stray_space(p) &&
	    gw_re("(?<=[\\x{4E00}-\\x{9FFF}，。；：、])[ \\x{3000}]+(?=[\\x{4E00}-\\x{9FFF}])", p,
		  1, &s, &e, NULL, 0))
		gw_at(out, doc, i, s, e, "GW-PUNC-018", W, GW_FIX_SUGGEST, "汉字之间有多余空格");
}

void gw_rules_punc(struct gw_doc *doc, struct gw_findings *out)
{
	for (size_t i = 0; i < doc->n; i++) {
		struct ustr m;
		bool copy;

		if (doc->paras[i].role == GW_ROLE_BLANK)
			continue;
		copy = mask_urls(&doc->paras[i], &m);
		rule_halfwidth(doc, i, &m, out);
		rule_repeated(doc, i, out);
		rule_conflict(doc, i, out);
		rule_ellipsis_dash(doc, i, &m, out);
		if (doc->paras[i].chars & GW_C_DIGIT)
			rule_range(doc, i, out);
		if (doc->paras[i].chars & GW_C_DUNHAO)
			rule_dunhao(doc, i, out);
		/* rule_pairs' own first test, before the call (and its frame) */
		if ((doc->paras[i].chars & (GW_C_PAIRMARK | GW_C_PAIRS_OK)) == GW_C_PAIRMARK)
			rule_pairs(doc, i, out);
		rule_dots_spaces(doc, i, out);
		if (copy)
			ustr_free(&m);
	}
}
