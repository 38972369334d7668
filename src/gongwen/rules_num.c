/* gongwen/rules_num: GB/T 15835-2011 numbers (GW-NUM) and date forms. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gongwen/rules_common.h"

#define E GW_SEV_ERROR
#define W GW_SEV_WARNING
#define I GW_SEV_INFO

/* "0[1-9]月" or "月0[1-9]日" (what each leading-zero pattern needs)? Found
 * from the 月s, fewer than the 0s of most texts. */
static bool zero_pad_before_month_day(const struct gw_para *p)
{
	const uint32_t *t = p->text.p;
	size_t n = p->text.len;

	/* (Bloom filter: a false answer is exact) */
	if (!(p->chars & GW_C_DIGIT) || !gw_para_may_have(p, 0x6708))
		return false;
	for (long at = text_ucs_chr(t, n, 0, 0x6708); at >= 0;
	     at = text_ucs_chr(t, n, (size_t)at + 1, 0x6708)) {
		size_t k = (size_t)at;

		if (k >= 2 && t[k - 2] == '0' && gw_is_digit19(t[k - 1]))
			return true;
		if (k + 3 < n && t[k + 1] == '0' && gw_is_digit19(t[k + 2]) && t[k + 3] == 0x65E5)
			return true;
	}
	return false;
}

/* GW-NUM-003: the year is never abbreviated ("25年底" -> "2025年底"). */
static void rule_short_year(struct gw_doc *doc, size_t i, struct gw_findings *out)
{
	const struct gw_para *p = &doc->paras[i];
	size_t s;
	size_t e;

	/* the 年s were looked at by gw_detect_roles (GW_C_NIAN_SHORT) */
	if ((p->chars & GW_C_NIAN_SHORT) &&
	    gw_re("(?<![0-9〔第])[0-9]{2}年(?=[0-9]{1,2}月|底|末|初|度|上半年|下半年)", p, 0, &s,
		  &e, NULL, 0)) {
		struct gw_finding *fd = gw_at(out, doc, i, s, e, "GW-NUM-003", E, GW_FIX_SUGGEST,
					      "年份不得简写，应写全4位");
		gw_finding_suggest(fd, "请确认年代后改为4位年份，如“20%c%c年”", (char)p->text.p[s],
				   (char)p->text.p[s + 1]);
	}
}

/* GW-NUM-004: no leading zero in month/day ("03月05日" -> "3月5日"). */
static void rule_zero_pad(struct gw_doc *doc, size_t i, struct gw_findings *out)
{
	/* the first two alternatives need "0[1-9]月", the third "0[1-9]日" */
	if (!zero_pad_before_month_day(&doc->paras[i]))
		return;
	gw_replace_all(out, doc, i,
		       "(?<=年)0(?=[1-9]月)|(?<![0-9])0(?=[1-9]月)|(?<=月)0(?=[1-9]日)", "",
		       "GW-NUM-004", E, "月、日不编虚位（如“3月5日”，不写“03月05日”）");
}

/* %％万亿: the units GW-NUM-008 reads */
static bool is_range_unit(uint32_t c)
{
	return c == '%' || c == 0xFF05 || c == 0x4E07 || c == 0x4EBF;
}

/* What "\s*" may pass over, and more: below U+3001 (every Unicode space
 * is) and neither a digit nor a unit. */
static bool skip_range_space(uint32_t c)
{
	return c < 0x3001 && !gw_is_digit09(c) && c != '%';
}

/* A necessary condition of GW-NUM-008's pattern "[0-9]\s*SEP\s*
 * [0-9]+(?:\.[0-9]+)?\s*UNIT": one of seps[0..n) with a digit before it
 * past spaces, and after it past spaces a number and, past spaces, a unit.
 * The skips pass over more than spaces but never over a digit or a unit,
 * so wherever the pattern matches this holds. */
static bool may_range_unit(const struct gw_para *p, const uint32_t *seps, size_t n)
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

			while (a > 0 && skip_range_space(t[a - 1]))
				a--;
			if (a == 0 || !gw_is_digit09(t[a - 1]))
				continue;
			while (b < len && skip_range_space(t[b]))
				b++;
			if (b >= len || !gw_is_digit09(t[b]))
				continue;
			while (b < len && gw_is_digit09(t[b]))
				b++;
			if (b + 1 < len && t[b] == '.' && gw_is_digit09(t[b + 1])) {
				b++;
				while (b < len && gw_is_digit09(t[b]))
					b++;
			}
			while (b < len && skip_range_space(t[b]))
				b++;
			if (b < len && is_range_unit(t[b]))
				return true;
		}
	}
	return false;
}

/* GW-NUM-008: ranges keep the unit on both numbers ("15%～30%", "3万～5万"). */
static void rule_range_units(struct gw_doc *doc, size_t i, struct gw_findings *out)
{
	const struct gw_para *p = &doc->paras[i];
	struct gw_finding *fd = NULL;
	size_t from = 0;
	size_t s;
	size_t e;
	long g[6];

	static const uint32_t sep_cps[] = {0xFF5E, '~', '-', 0xFF0D, 0x2014, 0x81F3, 0x5230};

	while (gw_para_may_have_cps(p, sep_cps, ARRAY_LEN(sep_cps)) &&
	       may_range_unit(p, sep_cps, ARRAY_LEN(sep_cps)) &&
	       gw_re("(?<![0-9.])([0-9]+(?:\\.[0-9]+)?)\\s*[～~\\-－—至到]\\s*[0-9]+(?:\\.[0-9]+)?"
		     "\\s*([%％万亿])",
		     p, from, &s, &e, g, 2)) {
		uint32_t unit = p->text.p[g[2]];

		if (fd == NULL)
			fd = gw_at(out, doc, i, s, e, "GW-NUM-008", W, GW_FIX_AUTO,
				   "范围的前后两个数值都应带单位（如“15%%～30%%”“3万～5万”）");
		gw_finding_edit_ucs(fd, (size_t)g[1], (size_t)g[1], &unit, 1);
		from = e;
	}
}

/* GW-NUM-011: Arabic digits are half-width. */
static void rule_fullwidth_digits(struct gw_doc *doc, size_t i, struct gw_findings *out)
{
	const struct gw_para *p = &doc->paras[i];
	struct gw_finding *fd = NULL;

	for (size_t k = 0; k < p->text.len; k++) {
		uint32_t c = p->text.p[k];
		uint32_t h;

		if (!text_is_fullwidth_digit(c))
			continue;
		if (fd == NULL)
			fd = gw_at(out, doc, i, k, k + 1, "GW-NUM-011", E, GW_FIX_AUTO,
				   "阿拉伯数字应使用半角字符");
		h = text_halfwidth(c);
		gw_finding_edit_ucs(fd, k, k + 1, &h, 1);
	}
}

/* GW-NUM-010: pure decimals write the leading 0; the decimal point is ".". */
static void rule_decimal(struct gw_doc *doc, size_t i, struct gw_findings *out)
{
	const struct gw_para *p = &doc->paras[i];
	size_t s;
	size_t e;

	/* both need an ASCII digit on each side (GW_C_DIGIT) */
	if ((p->chars & GW_C_DIGIT) &&
	    (((p->chars & GW_C_AMBIG) && /* · is a GW_C_AMBIG */
	      gw_has_around(p, 0x00B7, gw_is_digit09, gw_is_digit09)) ||
	     gw_has_around(p, 0xFF0E, gw_is_digit09, gw_is_digit09)) &&
	    gw_re("(?<=[0-9])[·．](?=[0-9])", p, 0, &s, &e, NULL, 0)) {
		struct gw_finding *fd =
		    gw_at(out, doc, i, s, e, "GW-NUM-010", E, GW_FIX_AUTO, "小数点应使用“.”");

		gw_finding_edit(fd, s, e, ".");
	}
}

/* GW-NUM-015: "日" not "号" in dates. GW-NUM-014: 约…左右 redundancy. */
static void rule_date_words(struct gw_doc *doc, size_t i, struct gw_findings *out)
{
	const struct gw_para *p = &doc->paras[i];
	size_t s;
	size_t e;
	struct gw_finding *fd;

	if (p->role != GW_ROLE_DOCNO && gw_digit_before(p, 0x53F7) &&
	    gw_re("(?<![0-9])[0-9]{1,2}月[0-9]{1,2}号", p, 0, &s, &e, NULL, 0)) {
		fd = gw_at(out, doc, i, s, e, "GW-NUM-015", W, GW_FIX_AUTO,
			   "公文日期用“日”不用“号”");
		gw_finding_edit(fd, e - 1, e, "日");
	}
	if (gw_para_may_have(p, 0x5DE6) &&
	    gw_re("(大?约|近)[^，。；]{0,8}左右", p, 0, &s, &e, NULL, 0))
		gw_at(out, doc, i, s, e, "GW-NUM-014", W, GW_FIX_SUGGEST,
		      "“约”“近”与“左右”语义重复，保留其一");
	if (gw_para_may_have(p, 0x500D) && text_ucs_chr(p->text.p, p->text.len, 0, 0x500D) >= 0 &&
	    gw_re("(降低|减少|下降)了?[0-9一二三四五六七八九十]+倍", p, 0, &s, &e, NULL, 0))
		gw_at(out, doc, i, s, e, "GW-NUM-016", W, GW_FIX_MANUAL,
		      "减少不能用“倍”表示，应改用百分数");
}

/* GW-NUM-005: one date, one numeral system; 〇 not 零/O in Chinese years. */
static void rule_mixed_date(struct gw_doc *doc, size_t i, struct gw_findings *out)
{
	const struct gw_para *p = &doc->paras[i];
	size_t s;
	size_t e;

	/* the 年s were looked at by gw_detect_roles (GW_C_NIAN_MIX, _ZERO) */
	bool may_a = (p->chars & GW_C_NIAN_MIX) != 0;
	bool may_b = (p->chars & GW_C_NIAN_ZERO) != 0 && gw_para_may_have(p, 0x4E8C);

	if (p->role == GW_ROLE_DATE)
		return;
	if ((may_a &&
	     gw_re("[〇零一二三四五六七八九]{4}年[0-9]|[0-9]{4}年[一二三四五六七八九十]{1,2}月", p,
		   0, &s, &e, NULL, 0)) ||
	    (may_b && gw_re("二[O0０零][一二三四五六七八九〇零O0０]{2}年", p, 0, &s, &e, NULL, 0)))
		gw_at(out, doc, i, s, e, "GW-NUM-005", E, GW_FIX_SUGGEST,
		      "同一日期应使用同一种数字；汉字年份中的零写作“〇”");
}

void gw_rules_num(struct gw_doc *doc, struct gw_findings *out)
{
	for (size_t i = 0; i < doc->n; i++) {
		unsigned c = doc->paras[i].chars;

		if (doc->paras[i].role == GW_ROLE_BLANK)
			continue;
		if ((c & GW_C_DIGIT) && (c & GW_C_NIAN))
			rule_short_year(doc, i, out);
		if (c & GW_C_DIGIT) {
			static const uint32_t units[] = {'%', 0xFF05 /* ％ */, 0x4E07 /* 万 */,
							 0x4EBF /* 亿 */};
			static const uint32_t points[] = {0x00B7 /* · */, 0xFF0E /* ． */};

			/* Each pattern needs the character tested before it. */
			if (gw_para_may_have(&doc->paras[i], '0'))
				rule_zero_pad(doc, i, out);
			if (gw_para_may_have_cps(&doc->paras[i], units, ARRAY_LEN(units)))
				rule_range_units(doc, i, out);
			if (gw_para_may_have_cps(&doc->paras[i], points, ARRAY_LEN(points)))
				rule_decimal(doc, i, out);
		}
		if (c & GW_C_FWDIGIT)
			rule_fullwidth_digits(doc, i, out);
		rule_date_words(doc, i, out);
		if (c & GW_C_NIAN)
			rule_mixed_date(doc, i, out);
	}
}
