/*
 * gongwen/roles: which paragraph plays which part of a 公文
 * (gongwen-rules.md §4). Text signals only, so .docx paragraphs and .txt
 * lines get the same roles:
 *   版头: paragraphs before the 发文字号 (the first of the first six
 *         non-empty paragraphs that, before a tab / 签发人, ends in a number
 *         + 号) are the 发文机关标志 block (份号/密级/紧急程度 recognised in it);
 *   标题: the next non-empty paragraph; 主送: the following one when it ends
 *         with a colon, is not a sentence and not a numbered heading;
 *   版记: 抄送… / …印发 lines; 纪要 attendance lists;
 *   tail: 成文日期 = last paragraph before the 版记 (after 附注 lines) that
 *         looks like a date in any form; 署名 = the short line before it;
 *   附件说明: "附件：" and its numbered continuation lines;
 *   body: everything else, headings by their 序号.
 */
#include <string.h>
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define ROLES_AVX2 1
#endif

#include "gongwen/gongwen.h"
#include "gongwen/rules_common.h"
#include "text/regex.h"

static const char *const role_names[] = {"blank", "mark",   "copyno", "secret", "urgency", "docno",
					 "title", "to",	    "h1",     "h2",	"h3",	   "h4",
					 "body",  "att",    "sig",    "date",	"note",	   "cc",
					 "print", "attend", "other"};

const char *gw_role_name(int role)
{
	if (role < 0 || (size_t)role >= ARRAY_LEN(role_names))
		return "?";
	return role_names[role];
}

/* [*a,*b) = p with leading/trailing WS (space, tab, U+3000, U+00A0) removed. */
static void strip_ws(const struct ustr *u, size_t *a, size_t *b)
{
	size_t i = 0;
	size_t j = u->len;

	while (i < j && text_is_ws(u->p[i]))
		i++;
	while (j > i && text_is_ws(u->p[j - 1]))
		j--;
	*a = i;
	*b = j;
}

static bool is_blank(const struct ustr *u)
{
	for (size_t i = 0; i < u->len; i++) {
		if (!text_is_ws(u->p[i]) && u->p[i] != '\r' && u->p[i] != '\n')
			return false;
	}
	return true;
}

/* A superset of the characters PCRE2's \s matches (with PCRE2_UCP): the
 * guards below let a pattern run whenever \s might match. */
static inline bool maybe_re_space(uint32_t c)
{
	return c <= 0x20 || (c >= 0x85 && c <= 0xA0) || c == 0x1680 || c == 0x180E ||
	       (c >= 0x2000 && c <= 0x205F) || c == 0x3000;
}

/* Index of the first character at or after k that cannot be \s (n if none). */
static inline size_t skip_maybe_space(const uint32_t *p, size_t n, size_t k)
{
	while (k < n && maybe_re_space(p[k]))
		k++;
	return k;
}

/* A superset of the characters that end a line under any of PCRE2's
 * newline conventions (LF, CR, CRLF, ANY, ANYCRLF, NUL): where "." may not
 * match and before which "$" may match at the end of the text. */
static bool maybe_newline(uint32_t c)
{
	return c < 0x20 || c == 0x85 || c == 0x2028 || c == 0x2029;
}

/* 0-9 */
static bool is_ascii_digit(uint32_t c)
{
	return c >= '0' && c <= '9';
}

/* 一 to 十 */
static bool is_cn_digit10(uint32_t c)
{
	return gw_is_cn_digit19(c) || c == 0x5341;
}

/* [0-9０-９] */
static bool is_any_digit(uint32_t c)
{
	return is_ascii_digit(c) || (c >= 0xFF10 && c <= 0xFF19);
}

const char *const gw_role_patterns[GW_RP_N] = {
    [GW_RP_DOCNO] = "^\\S.{0,24}?[0-9０-９〇零一二三四五六七八九十]+\\s*号$",
    [GW_RP_SPACES] = "\\s{2,}",
    [GW_RP_COPYNO] = "^[0-9]{3,6}$",
    [GW_RP_SECRET] = "^(绝|机|秘)\\s*密(★.*)?$",
    [GW_RP_URGENCY] = "^(特\\s*急|加\\s*急|特\\s*提|平\\s*急|急\\s*件)$",
    [GW_RP_CC] = "^抄\\s*送\\s*[:：]?",
    [GW_RP_PRINT] = "印发$",
    [GW_RP_ATTEND] = "^(出席|请假|列席)\\s*[:：]",
    [GW_RP_NOTE] = "^[（(].*[)）]$",
    [GW_RP_DATE] = "^([0-9０-９]{2,4}|[〇零○Ｏ一二三四五六七八九]{2,4})\\s*(年|[-./／])\\s*"
		   "([0-9０-９]{1,2}|[一二三四五六七八九十]{1,3})\\s*(月|[-./／])\\s*"
		   "([0-9０-９]{1,2}|[一二三四五六七八九十]{1,3})\\s*日?$",
    [GW_RP_ATT] = "^附\\s*件\\s*[:：]",
    [GW_RP_ATT_ITEM] = "^[0-9]{1,2}\\s*[.．、]",
    [GW_RP_END_PUNCT] = "[。：:；;，,]$",
};

/* The deciders of gw_role_match: 1 the pattern matches p[0..n), 0 it does
 * not, -1 PCRE2 must tell (a character that may be \s or a newline stands
 * where the answer depends on it). Every character that is not
 * maybe_re_space is neither \s nor a newline. */

/* ^\S.{0,24}?[0-9０-９〇零一二三四五六七八九十]+\s*号$ */
static bool docno_digit(uint32_t c)
{
	return is_any_digit(c) || c == 0x3007 || c == 0x96F6 || is_cn_digit10(c);
}

static int docno_decide(const uint32_t *p, size_t n)
{
	size_t k = n - 1; /* 号, unless a final newline follows it */
	size_t r;
	size_t st;

	if (n == 0)
		return 0;
	if (p[k] != 0x53F7)
		return (n >= 2 && p[n - 2] == 0x53F7) || (n >= 3 && p[n - 3] == 0x53F7) ? -1 : 0;
	if (k < 2) /* \S, a digit and 号 at least */
		return 0;
	if (maybe_re_space(p[0]) || maybe_re_space(p[k - 1]))
		return -1;
	/* no \s before 号: the digits end there; they start at r at the
	 * earliest, and not before 1 (after the \S) */
	r = k;
	while (r > 0 && docno_digit(p[r - 1]))
		r--;
	st = r > 1 ? r : 1;
	if (r == k || st >= k || st - 1 > 24)
		return 0;
	for (size_t i = 1; i < st; i++) {
		if (maybe_re_space(p[i]))
			return -1;
	}
	return 1;
}

/* \s{2,}: two characters in a row that may be \s */
static int spaces_decide(const uint32_t *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i++) {
		if (maybe_re_space(p[i]) && maybe_re_space(p[i + 1]))
			return -1;
	}
	return 0;
}

/* ^[0-9]{3,6}$ */
static int copyno_decide(const uint32_t *p, size_t n)
{
	size_t r = 0;

	while (r < n && is_ascii_digit(p[r]))
		r++;
	if (r < 3 || r > 6)
		return 0;
	if (r == n)
		return 1;
	return n - r <= 2 ? -1 : 0;
}

/* ^抄\s*送, ^附\s*件\s*[:：], ^(出席|请假|列席)\s*[:：]: after the head
 * p[0..h), the characters c1 (and c2 when not 0) follow, each after what
 * may be \s: 1 with nothing in between, 0 when a character other than the
 * one wanted comes first. */
static int head_then_decide(const uint32_t *p, size_t n, size_t h, uint32_t c1, uint32_t c1b,
			    bool two)
{
	size_t j = skip_maybe_space(p, n, h);
	size_t k;

	if (j >= n || !(p[j] == c1 || p[j] == c1b))
		return 0;
	if (!two)
		return j == h ? 1 : -1;
	k = skip_maybe_space(p, n, j + 1);
	if (k >= n || !(p[k] == ':' || p[k] == 0xFF1A))
		return 0;
	return j == h && k == j + 1 ? 1 : -1;
}

/* ^[（(].*[)）]$ */
static int note_decide(const uint32_t *p, size_t n)
{
	if (n == 0 || !(p[0] == 0xFF08 || p[0] == '('))
		return 0;
	if (p[n - 1] == 0xFF09 || p[n - 1] == ')') {
		for (size_t i = 1; i + 1 < n; i++) {
			if (maybe_newline(p[i]))
				return -1;
		}
		return 1;
	}
	return maybe_newline(p[n - 1]) ? -1 : 0;
}

/* 〇零○Ｏ一二三四五六七八九 */
static bool date_cn_year_digit(uint32_t c)
{
	return c == 0x3007 || c == 0x96F6 || c == 0x25CB || c == 0xFF2F || gw_is_cn_digit19(c);
}

/* 年 or 月 (mark), or one of -./／ */
static bool date_sep(uint32_t c, uint32_t mark)
{
	return c == mark || c == '-' || c == '.' || c == '/' || c == 0xFF0F;
}

static size_t run_from(const uint32_t *p, size_t n, size_t i, bool (*is)(uint32_t))
{
	size_t j = i;

	while (j < n && is(p[j]))
		j++;
	return j - i;
}

/* ([0-9０-９]{1,2}|[一二三四五六七八九十]{1,3}) at p[i] followed by
 * date_sep(mark) (0: end of text or 日 at the end): the index after
 * it, or 0 when it does not match. Each class is disjoint from the
 * others and from what follows it, so each run must be taken whole. */
static size_t date_part(const uint32_t *p, size_t n, size_t i, uint32_t mark)
{
	size_t r = run_from(p, n, i, is_any_digit);

	if (r == 0) {
		r = run_from(p, n, i, is_cn_digit10);
		if (r == 0 || r > 3)
			return 0;
	} else if (r > 2) {
		return 0;
	}
	i += r;
	if (mark == 0)
		return i == n || (i + 1 == n && p[i] == 0x65E5) ? n : 0;
	return i < n && date_sep(p[i], mark) ? i + 1 : 0;
}

/* gw_role_patterns[GW_RP_DATE]: without a character that may be \s or a
 * newline, every \s* is empty and "$" is the end, and the pattern is the
 * plain sequence date_part checks. */
static int date_decide(const uint32_t *p, size_t n)
{
	size_t r;
	size_t i;

	for (size_t k = 0; k < n; k++) {
		if (maybe_re_space(p[k]))
			return -1;
	}
	r = run_from(p, n, 0, is_any_digit);
	if (r == 0)
		r = run_from(p, n, 0, date_cn_year_digit);
	if (r < 2 || r > 4 || r >= n || !date_sep(p[r], 0x5E74))
		return 0;
	i = date_part(p, n, r + 1, 0x6708);
	return i > 0 && date_part(p, n, i, 0) == n;
}

/* ^[0-9]{1,2}\s*[.．、] */
static int att_item_decide(const uint32_t *p, size_t n)
{
	size_t r = run_from(p, n, 0, is_ascii_digit);
	size_t j;

	if (r == 0 || r > 2)
		return 0;
	j = skip_maybe_space(p, n, r);
	if (j >= n || !(p[j] == '.' || p[j] == 0xFF0E || p[j] == 0x3001))
		return 0;
	return j == r ? 1 : -1;
}

/* 。：:；;，, */
static bool end_punct(uint32_t c)
{
	return c == 0x3002 || c == 0xFF1A || c == ':' || c == 0xFF1B || c == ';' || c == 0xFF0C ||
	       c == ',';
}

static inline int role_decide(int k, const uint32_t *p, size_t n)
{
	switch (k) {
	case GW_RP_DOCNO:
		return docno_decide(p, n);
	case GW_RP_SPACES:
		return spaces_decide(p, n);
	case GW_RP_COPYNO:
		return copyno_decide(p, n);
	case GW_RP_SECRET: /* 绝 机 秘 */
		return n > 0 && (p[0] == 0x7EDD || p[0] == 0x673A || p[0] == 0x79D8) ? -1 : 0;
	case GW_RP_URGENCY: /* 特 加 平 急 */
		return n > 0 && (p[0] == 0x7279 || p[0] == 0x52A0 || p[0] == 0x5E73 ||
				 p[0] == 0x6025)
			   ? -1
			   : 0;
	case GW_RP_CC: /* 抄 送 */
		return n > 0 && p[0] == 0x6284 ? head_then_decide(p, n, 1, 0x9001, 0x9001, false)
					       : 0;
	case GW_RP_PRINT: /* 印发 at the end, or before a final newline */
		if (n >= 2 && p[n - 2] == 0x5370 && p[n - 1] == 0x53D1)
			return 1;
		return (n >= 3 && p[n - 3] == 0x5370 && p[n - 2] == 0x53D1) ||
			       (n >= 4 && p[n - 4] == 0x5370 && p[n - 3] == 0x53D1)
			   ? -1
			   : 0;
	case GW_RP_ATTEND: /* 出席 请假 列席 */
		if (n < 2 ||
		    !((p[0] == 0x51FA && p[1] == 0x5E2D) || (p[0] == 0x8BF7 && p[1] == 0x5047) ||
		      (p[0] == 0x5217 && p[1] == 0x5E2D)))
			return 0;
		return head_then_decide(p, n, 2, ':', 0xFF1A, false);
	case GW_RP_NOTE:
		return note_decide(p, n);
	case GW_RP_DATE:
		return date_decide(p, n);
	case GW_RP_ATT: /* 附 件 */
		return n > 0 && p[0] == 0x9644 ? head_then_decide(p, n, 1, 0x4EF6, 0x4EF6, true)
					       : 0;
	case GW_RP_ATT_ITEM:
		return att_item_decide(p, n);
	case GW_RP_END_PUNCT:
		if (n == 0)
			return 0;
		if (end_punct(p[n - 1]))
			return 1;
		return maybe_newline(p[n - 1]) ? -1 : 0;
	default:
		return -1;
	}
}

/* gw_role_match (inlined where k is a constant: the switch folds away) */
static inline bool role_match(int k, const uint32_t *p, size_t n)
{
	int r = role_decide(k, p, n);
	size_t s;
	size_t e;

	if (r >= 0)
		return r == 1;
	return text_re_search(text_re_get(gw_role_patterns[k]), p, n, 0, &s, &e, NULL, 0);
}

bool gw_role_match(int k, const uint32_t *p, size_t n)
{
	return role_match(k, p, n);
}

/* role_match on p[a..b) */
static inline bool role_match_range(int k, const uint32_t *p, size_t a, size_t b)
{
	return role_match(k, p + a, b - a);
}

/* Is c one of the label separators the label patterns accept after a
 * number: 、.．，,：: ? */
static bool label_sep(uint32_t c)
{
	return c == 0x3001 || c == '.' || c == 0xFF0E || c == 0xFF0C || c == ',' || c == 0xFF1A ||
	       c == ':';
}

/* 、.．，, : what may follow a bracketed number, or end "1." */
static bool dot_sep(uint32_t c)
{
	return c == 0x3001 || c == '.' || c == 0xFF0E || c == 0xFF0C || c == ',';
}

/* 一 二 三 四 五 六 七 八 九 十 */
static inline bool is_cn_one_to_ten(uint32_t c)
{
	return c == 0x4E00 || c == 0x4E8C || c == 0x4E09 || c == 0x56DB || c == 0x4E94 ||
	       c == 0x516D || c == 0x4E03 || c == 0x516B || c == 0x4E5D || c == 0x5341;
}

/* Length of the run of characters with is(c) at the start of p[0..n), at
 * most max + 1 (one more than a pattern's {1,max} accepts). */
/* (inlined, so that is() is too) */
static inline __attribute__((always_inline)) size_t run_len(const uint32_t *p, size_t n,
							    bool (*is)(uint32_t), size_t max)
{
	size_t r = 0;

	while (r < n && r <= max && is(p[r]))
		r++;
	return r;
}

static int ascii_number(const uint32_t *p, size_t n)
{
	int v = 0;

	for (size_t i = 0; i < n; i++)
		v = v * 10 + (int)(p[i] - '0');
	return v;
}

/* The label patterns of gw_parse_label decided without PCRE2 for the usual
 * forms, where no character that may be \s stands inside or right after
 * the label: "一、" "（一）" "（1）" "1)" "1." and what cannot match at all.
 * Returns the level (0: no label) or -1 when the patterns must decide. p
 * starts with a character that is not text_is_ws. */
static int label_fast(const uint32_t *p, size_t n, size_t off, int *number, bool *ok,
		      size_t *label_len)
{
	uint32_t c0 = p[0];
	size_t r;

	if (is_cn_one_to_ten(c0)) {
		/* ^([一..十]{1,3})\s*([、.．，,：:]): after more than three
		 * numerals (or after fewer, backtracking) comes a numeral,
		 * neither \s nor a separator */
		size_t j;

		r = run_len(p, n, is_cn_one_to_ten, 3);
		if (r > 3)
			return 0;
		j = skip_maybe_space(p, n, r);
		if (j >= n || !label_sep(p[j]))
			return 0;
		if (j > r)
			return -1;
		*number = text_cn_number(p, r);
		*ok = p[r] == 0x3001;
		*label_len = off + r + 1;
		return 1;
	}
	if (c0 == 0xFF08 || c0 == '(') {
		/* ^([（(])\s*(NUMBER)\s*([）)])\s*([、.．，,]?) with NUMBER
		 * [一..十]{1,3} (level 2) or [0-9]{1,2} (level 4) */
		size_t j = skip_maybe_space(p, n, 1);
		bool cn;
		size_t k;

		if (j >= n || !(is_cn_one_to_ten(p[j]) || is_ascii_digit(p[j])))
			return 0;
		if (j > 1)
			return -1;
		cn = is_cn_one_to_ten(p[1]);
		/* two calls, so that each inlines its test */
		r = cn ? run_len(p + 1, n - 1, is_cn_one_to_ten, 3)
		       : run_len(p + 1, n - 1, is_ascii_digit, 2);
		k = 1 + r; /* the closing bracket */
		if (r > (cn ? 3u : 2u) || k >= n || !(p[k] == 0xFF09 || p[k] == ')') ||
		    (k + 1 < n && maybe_re_space(p[k + 1])))
			return -1;
		*number = cn ? text_cn_number(p + 1, r) : ascii_number(p + 1, r);
		*label_len = off + k + 1 + (k + 1 < n && dot_sep(p[k + 1]));
		*ok = c0 == 0xFF08 && p[k] == 0xFF09 && !(k + 1 < n && dot_sep(p[k + 1]));
		return cn ? 2 : 4;
	}
	if (is_ascii_digit(c0)) {
		/* ^([0-9]{1,2})([)）]) (level 4), else
		 * ^([0-9]{1,2})\s*([.．、，,])(?![0-9]) (level 3) */
		size_t j;

		r = run_len(p, n, is_ascii_digit, 2);
		if (r > 2)
			return 0;
		if (r < n && (p[r] == ')' || p[r] == 0xFF09)) {
			*number = ascii_number(p, r);
			*label_len = off + r + 1;
			return 4;
		}
		j = skip_maybe_space(p, n, r);
		if (j >= n || !dot_sep(p[j]))
			return 0;
		if (j > r)
			return -1;
		if (r + 1 < n && is_ascii_digit(p[r + 1]))
			return 0;
		*number = ascii_number(p, r);
		*ok = p[r] == '.';
		*label_len = off + r + 1;
		return 3;
	}
	return 0;
}

int gw_parse_label(const uint32_t *text, size_t n, int *number, bool *ok, size_t *label_len)
{
	long g[8];
	size_t s;
	size_t e;
	size_t off = 0;
	const uint32_t *p;
	uint32_t c0;
	int fast;

	while (off < n && text_is_ws(text[off]))
		off++;
	p = text + off;
	n -= off;
	*number = -1;
	*ok = false;
	/* every pattern is anchored and starts with a character class */
	if (n == 0)
		return 0;
	c0 = p[0];
	fast = label_fast(p, n, off, number, ok, label_len);
	if (fast >= 0)
		return fast;
	if (is_cn_one_to_ten(c0) &&
	    text_re_search(text_re_get("^([一二三四五六七八九十]{1,3})\\s*([、.．，,：:])"), p, n,
			   0, &s, &e, g, 2)) {
		*number = text_cn_number(p + g[0], (size_t)(g[1] - g[0]));
		*ok = p[g[2]] == 0x3001; /* 、 */
		*label_len = off + e;
		return 1;
	}
	if ((c0 == 0xFF08 || c0 == '(') &&
	    text_re_search(
		text_re_get(
		    "^([（(])\\s*([一二三四五六七八九十]{1,3})\\s*([）)])\\s*([、.．，,]?)"),
		p, n, 0, &s, &e, g, 4)) {
		*number = text_cn_number(p + g[2], (size_t)(g[3] - g[2]));
		*ok = p[g[0]] == 0xFF08 && p[g[4]] == 0xFF09 && g[7] == g[6];
		*label_len = off + e;
		return 2;
	}
	if ((c0 == 0xFF08 || c0 == '(') &&
	    text_re_search(text_re_get("^([（(])\\s*([0-9]{1,2})\\s*([）)])\\s*([、.．，,]?)"), p,
			   n, 0, &s, &e, g, 4)) {
		*number = 0;
		for (long i = g[2]; i < g[3]; i++)
			*number = *number * 10 + (int)(p[i] - '0');
		*ok = p[g[0]] == 0xFF08 && p[g[4]] == 0xFF09 && g[7] == g[6];
		*label_len = off + e;
		return 4;
	}
	if (c0 >= '0' && c0 <= '9' &&
	    text_re_search(text_re_get("^([0-9]{1,2})([)）])"), p, n, 0, &s, &e, g, 2)) {
		*number = 0;
		for (long i = g[0]; i < g[1]; i++)
			*number = *number * 10 + (int)(p[i] - '0');
		*ok = false;
		*label_len = off + e;
		return 4;
	}
	if (c0 >= '0' && c0 <= '9' &&
	    text_re_search(text_re_get("^([0-9]{1,2})\\s*([.．、，,])(?![0-9])"), p, n, 0, &s, &e,
			   g, 2)) {
		*number = 0;
		for (long i = g[0]; i < g[1]; i++)
			*number = *number * 10 + (int)(p[i] - '0');
		*ok = p[g[2]] == '.';
		*label_len = off + e;
		return 3;
	}
	return 0;
}

/* Length of the 发文字号 part: text before a tab, 2+ spaces, U+3000 or 签发人. */
static size_t docno_head_end(const struct ustr *u)
{
	size_t end = u->len;
	long k = text_ucs_find(u->p, u->len, 0, "签发人");
	size_t s;
	size_t e;

	if (k >= 0)
		end = (size_t)k;
	for (size_t i = 0; i < end; i++) {
		if (u->p[i] == '\t' || u->p[i] == 0x3000) {
			end = i;
			break;
		}
	}
	if (spaces_decide(u->p, end) != 0 &&
	    text_re_search(text_re_get(gw_role_patterns[GW_RP_SPACES]), u->p, end, 0, &s, &e, NULL,
			   0))
		end = s;
	return end;
}

static bool looks_like_docno(const struct ustr *u)
{
	size_t end = docno_head_end(u);
	size_t a = 0;

	while (a < end && text_is_ws(u->p[a]))
		a++;
	while (end > a && text_is_ws(u->p[end - 1]))
		end--;
	return role_match_range(GW_RP_DOCNO, u->p, a, end);
}

static void detect_doc_type(struct gw_doc *doc)
{
	doc->doc_type = -1;
	if (doc->title >= 0) {
		const struct ustr *t = &doc->paras[doc->title].text;
		size_t a;
		size_t b;

		strip_ws(t, &a, &b);
		/* trailing punctuation does not hide the 文种 */
		while (b > a && (text_is_cjk_punct(t->p[b - 1]) || t->p[b - 1] < 0x80) &&
		       !text_is_han(t->p[b - 1]))
			b--;
		for (size_t k = 0; k < ARRAY_LEN(gw_doc_types); k++) {
			if (text_ucs_has_suffix(t->p + a, b - a, gw_doc_types[k])) {
				doc->doc_type = (int)k;
				return;
			}
		}
		if (text_ucs_has_suffix(t->p + a, b - a, "令"))
			doc->doc_type = 2;
	}
	for (size_t i = 0; i < doc->n && doc->doc_type < 0; i++) {
		if (doc->paras[i].role == GW_ROLE_MARK &&
		    text_ucs_has_suffix(doc->paras[i].text.p, doc->paras[i].text.len, "纪要"))
			doc->doc_type = 14;
	}
}

static void classify_mark(struct gw_para *p)
{
	size_t a;
	size_t b;

	strip_ws(&p->text, &a, &b);
	if (role_match_range(GW_RP_COPYNO, p->text.p, a, b))
		p->role = GW_ROLE_COPYNO;
	else if (role_match_range(GW_RP_SECRET, p->text.p, a, b))
		p->role = GW_ROLE_SECRET;
	else if (role_match_range(GW_RP_URGENCY, p->text.p, a, b))
		p->role = GW_ROLE_URGENCY;
}

/* ，、；：。！？ */
static bool is_point_mark(uint32_t c)
{
	return c == 0xFF0C || c == 0x3001 || c == 0xFF1B || c == 0xFF1A || c == 0x3002 ||
	       c == 0xFF01 || c == 0xFF1F;
}

/* The GW_C_* bits of one character that is not a Han character other than
 * 年 (prev: the character before it, 0 at the start). Inlined into both
 * loops of para_chars: it runs for every such character of the document. */
static inline __attribute__((always_inline)) unsigned char_bits(uint32_t ch, uint32_t prev)
{
	/* , ; : ? ! . " ' ( ) as bits of a mask (all below 64) */
	static const uint64_t apunct =
	    (1ull << ',') | (1ull << ';') | (1ull << ':') | (1ull << '?') | (1ull << '!') |
	    (1ull << '.') | (1ull << '"') | (1ull << '\'') | (1ull << '(') | (1ull << ')');
	unsigned c = 0;

	if (ch < 0x80) {
		if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z'))
			c |= GW_C_ALPHA;
		if (ch >= '0' && ch <= '9')
			c |= GW_C_DIGIT;
		else if (ch < 64 && ((apunct >> ch) & 1))
			c |= GW_C_APUNCT;
		return c;
	}
	if (is_point_mark(ch) && is_point_mark(prev))
		c |= GW_C_PUNCPAIR;
	if ((ch >= 0x2018 && ch <= 0x201D) || (ch >= 0x3008 && ch <= 0x3015) || ch == 0xFF08 ||
	    ch == 0xFF09)
		c |= GW_C_PAIRMARK;
	if (ch == 0x201C || ch == 0x201D || ch == 0x2018 || ch == 0x2019 || ch == 0x2014 ||
	    ch == 0x2026 || ch == 0x00B7)
		c |= GW_C_AMBIG;
	if (ch >= 0xFF10 && ch <= 0xFF19)
		c |= GW_C_FWDIGIT;
	else if (ch == 0x5E74)
		c |= GW_C_NIAN;
	else if (ch == 0x3001)
		c |= GW_C_DUNHAO;
	else if (ch == 0x2026)
		c |= GW_C_ELLIPSIS;
	return c;
}

/* The bits besides GW_C_ADJREP of a character that directly repeats. */
static unsigned rep_bits(uint32_t ch)
{
	if (text_is_han(ch))
		return GW_C_ADJREP | GW_C_HANREP;
	if (ch == '.' || ch == 0x3002)
		return GW_C_ADJREP | GW_C_DOTREP;
	return GW_C_ADJREP;
}

/* The GW_C_NIAN_* bits of the character b before a 年. */
static unsigned nian_bits(uint32_t b)
{
	unsigned c = 0;

	if (b >= '0' && b <= '9')
		c |= GW_C_NIAN_DIG;
	else if (b == 'O' || b == 0xFF10)
		c |= GW_C_NIAN_OTH;
	else if (b == 0x3007 || b == 0x96F6 || is_cn_digit10(b)) /* text_cn_digit(b) >= 1 */
		c |= GW_C_NIAN_CN;
	return c;
}

/* GW_C_NIAN_MIX and GW_C_NIAN_ZERO of the 年 at t[j] (j >= 1). */
static unsigned nian_mix_bits(const uint32_t *t, size_t n, size_t j)
{
	uint32_t b = t[j - 1];
	uint32_t a = j + 1 < n ? t[j + 1] : 0;
	bool cn_b = b == 0x3007 || b == 0x96F6 || gw_is_cn_digit19(b);
	unsigned c = 0;

	if ((cn_b && gw_is_digit09(a)) || (gw_is_digit09(b) && is_cn_digit10(a)))
		c |= GW_C_NIAN_MIX;
	if (cn_b || b == 'O' || b == '0' || b == 0xFF10)
		c |= GW_C_NIAN_ZERO;
	return c;
}

/* May an enumerator (第一, 首先 …) start at t[s]? GW-BODY-015 wants the
 * start of the text or one of 。；：！？，） or \s before it (every Unicode
 * space is below U+3001, so all of those are allowed here). */
static bool enumerator_start(const uint32_t *t, size_t s)
{
	uint32_t c;

	if (s == 0)
		return true;
	c = t[s - 1];
	return c <= 0x3000 || c == 0x3002 || c == 0xFF1B || c == 0xFF1A || c == 0xFF01 ||
	       c == 0xFF1F || c == 0xFF0C || c == 0xFF09;
}

/* Is the 、 at t[k] one GW-BODY-015's pattern replaces: after 第[一-十]{1,2},
 * 首先 or 其次 at an enumerator_start, and not before [一-十第]? */
static bool enumerator_dunhao(const uint32_t *t, size_t n, size_t k)
{
	if (k + 1 < n && (is_cn_digit10(t[k + 1]) || t[k + 1] == 0x7B2C))
		return false;
	if (k >= 2 && ((t[k - 2] == 0x9996 && t[k - 1] == 0x5148) ||
		       (t[k - 2] == 0x5176 && t[k - 1] == 0x6B21)))
		return enumerator_start(t, k - 2);
	if (k < 2 || !is_cn_digit10(t[k - 1]))
		return false;
	if (t[k - 2] == 0x7B2C && enumerator_start(t, k - 2))
		return true;
	return k >= 3 && is_cn_digit10(t[k - 2]) && t[k - 3] == 0x7B2C &&
	       enumerator_start(t, k - 3);
}

/* 〇零一二三四五六七八九: the digits of a year GW-NUM-002 reads */
static bool is_year_cn_digit(uint32_t c)
{
	return c == 0x3007 || c == 0x96F6 || gw_is_cn_digit19(c);
}

/* GW_C_NIAN_CN4 when the 年 at t[j] follows four is_year_cn_digit. */
static unsigned nian_cn4_bit(const uint32_t *t, size_t j)
{
	return j >= 4 && is_year_cn_digit(t[j - 1]) && is_year_cn_digit(t[j - 2]) &&
		       is_year_cn_digit(t[j - 3]) && is_year_cn_digit(t[j - 4])
		   ? GW_C_NIAN_CN4
		   : 0;
}

/* GW_C_NIAN_SHORT when the 年 at t[j] (of n) follows exactly two 0-9, not
 * after a 0-9, 〔 or 第, and comes before one of 0-9 底末初度上下. */
static unsigned nian_short_bit(const uint32_t *t, size_t n, size_t j)
{
	uint32_t a;

	if (j < 2 || !gw_is_digit09(t[j - 1]) || !gw_is_digit09(t[j - 2]))
		return 0;
	if (j >= 3 && (gw_is_digit09(t[j - 3]) || t[j - 3] == 0x3014 || t[j - 3] == 0x7B2C))
		return 0;
	a = j + 1 < n ? t[j + 1] : 0;
	return gw_is_digit09(a) || a == 0x5E95 || a == 0x672B || a == 0x521D || a == 0x5EA6 ||
		       a == 0x4E0A || a == 0x4E0B
		   ? GW_C_NIAN_SHORT
		   : 0;
}

/* The marks of one family of GW-PUNC-012 (outer open, outer close, inner
 * open, inner close) seen so far: bit k of open0 is set when level k was
 * opened by fam[0]. Closing marks pop a level whatever they are: where the
 * rule reports, the family's marks balance and nest, so this is its stack. */
struct fam_nest {
	uint64_t open0;
	unsigned depth;
	bool deep; /* more than 64 levels: note the bit without knowing */
};

/* Feed c; true when c is fam[0] opened directly inside fam[0]. */
static bool fam_feed(struct fam_nest *f, uint32_t c, const uint32_t fam[4])
{
	bool inner;

	if (c == fam[1] || c == fam[3]) {
		if (f->depth > 0)
			f->depth--;
		return false;
	}
	if (c != fam[0] && c != fam[2])
		return false;
	if (f->depth >= 64)
		f->deep = true;
	if (f->deep)
		return true;
	inner = c == fam[0] && f->depth > 0 && ((f->open0 >> (f->depth - 1)) & 1);
	if (c == fam[0])
		f->open0 |= (uint64_t)1 << f->depth;
	else
		f->open0 &= ~((uint64_t)1 << f->depth);
	f->depth++;
	return inner;
}

/* The GW_C_NEST_* bits of the paired mark ch. */
static unsigned nest_bits(struct fam_nest *books, struct fam_nest *quotes, uint32_t ch)
{
	static const uint32_t book_fam[4] = {0x300A, 0x300B, 0x3008, 0x3009};
	static const uint32_t quote_fam[4] = {0x201C, 0x201D, 0x2018, 0x2019};

	/* each family reads only its own marks: 《》〈〉 and “”‘’ */
	if (ch - 0x3008 <= 0x300B - 0x3008)
		return fam_feed(books, ch, book_fam) ? GW_C_NEST_BOOK : 0;
	if (ch - 0x2018 <= 0x201D - 0x2018)
		return fam_feed(quotes, ch, quote_fam) ? GW_C_NEST_QUOTE : 0;
	return 0;
}

/* dunhao_bits where the neighbours may matter */
static unsigned dunhao_bits_slow(const uint32_t *t, size_t n, size_t k)
{
	bool has_b = k > 0;
	bool has_a = k + 1 < n;
	uint32_t b = has_b ? t[k - 1] : 0;
	uint32_t a = has_a ? t[k + 1] : 0;
	unsigned c = 0;

	if (enumerator_dunhao(t, n, k)) /* GW-BODY-015: 第一、 首先、 其次、 */
		c |= GW_DH_ORDINAL;
	if (has_b && has_a && gw_is_cn_digit19(b) && gw_is_cn_digit19(a)) /* GW-PUNC-009 */
		c |= GW_DH_CN19;
	if (has_b && has_a && gw_is_digit19(b) && gw_is_digit19(a)) /* GW-NUM-006 */
		c |= GW_DH_DIG19;
	if (has_a && (a == 0x7B49 || a < 0x3001)) /* GW-PUNC-007: 、等 */
		c |= GW_DH_DENG;
	if (has_b && has_a && (b == 0x300B || b == 0x201D) && (a == 0x300A || a == 0x201C))
		c |= GW_DH_BOOK; /* GW-PUNC-008: 》、《 */
	return c;
}

/* The GW_DH_* bits of the 、 at t[k] (n characters). */
static inline unsigned dunhao_bits(const uint32_t *t, size_t n, size_t k)
{
	uint32_t b = k > 0 ? t[k - 1] : 0;

	/* Between two Han characters, as most are: every bit wants b to be
	 * 一 to 十, 先, 次 or no Han character, or a to be 等 or below U+3001 */
	if (b - 0x4E00 <= 0x9FFF - 0x4E00 && !is_cn_digit10(b) && b != 0x5148 && b != 0x6B21 &&
	    (k + 1 >= n || (t[k + 1] >= 0x3001 && t[k + 1] != 0x7B49)))
		return 0;
	return dunhao_bits_slow(t, n, k);
}

/* What para_chars notes besides the GW_C_* bits, in locals of its own
 * until the end of the text. */
struct mark_state {
	struct gw_pairs pairs; /* GW-PUNC-011's nesting (GW_C_PAIRS_OK) */
	bool pairs_bad;
	struct fam_nest books, quotes; /* GW_C_NEST_BOOK, GW_C_NEST_QUOTE */
	unsigned dunhao;	       /* gw_para.dunhao */
	size_t ap_lo, ap_hi;	       /* gw_para.apunct_lo, apunct_hi */
};

/* The GW_C_* bits of t[j] (of n), a character that is not a Han character
 * other than 年; notes its GW_DH_* bits and the GW_C_APUNCT span in ms. */
static inline __attribute__((always_inline)) unsigned
other_char(struct mark_state *ms, const uint32_t *t, size_t n, size_t j)
{
	uint32_t ch = t[j];
	uint32_t prev = j >= 1 ? t[j - 1] : 0;
	unsigned c;

	/* the usual ones first, with char_bits' answer for them */
	switch (ch) {
	case 0xFF0C: /* ，。；：！？ */
	case 0x3002:
	case 0xFF1B:
	case 0xFF1A:
	case 0xFF01:
	case 0xFF1F:
		return is_point_mark(prev) ? GW_C_PUNCPAIR : 0;
	case 0x3001: /* 、 */
		ms->dunhao |= dunhao_bits(t, n, j);
		return GW_C_DUNHAO | (is_point_mark(prev) ? GW_C_PUNCPAIR : 0);
	case 0x5E74: /* 年 */
		if (j == 0)
			return GW_C_NIAN;
		return GW_C_NIAN | nian_bits(prev) | nian_cn4_bit(t, j) | nian_mix_bits(t, n, j) |
		       nian_short_bit(t, n, j);
	default:
		break;
	}
	c = char_bits(ch, prev);
	if (c & GW_C_PAIRMARK) {
		c |= nest_bits(&ms->books, &ms->quotes, ch);
		if (!ms->pairs_bad)
			ms->pairs_bad = gw_pairs_feed(&ms->pairs, ch) == GW_PAIR_BAD;
	}
	if (c & GW_C_APUNCT) {
		if (ms->ap_hi == 0)
			ms->ap_lo = j;
		ms->ap_hi = j + 1;
	}
	return c;
}

static void mark_state_init(struct mark_state *ms)
{
	ms->pairs.depth = 0;
	ms->pairs_bad = false;
	ms->books = (struct fam_nest){0, 0, false};
	ms->quotes = (struct fam_nest){0, 0, false};
	ms->dunhao = 0;
	ms->ap_lo = ms->ap_hi = 0;
}

/* Store what ms noted in p; returns c with GW_C_PAIRS_OK added when due. */
static unsigned mark_state_done(const struct mark_state *ms, struct gw_para *p, unsigned c)
{
	if (!ms->pairs_bad && ms->pairs.depth == 0)
		c |= GW_C_PAIRS_OK;
	p->dunhao = ms->dunhao;
	p->apunct_lo = ms->ap_lo;
	p->apunct_hi = ms->ap_hi;
	return c;
}

/* The GW_C_* summary of p's text; sets p's Bloom filter cps, its GW_DH_*
 * bits and its GW_C_APUNCT span. Most characters are Han and only need the
 * filter and the neighbour comparisons; the others go through other_char.
 * The reference for para_chars_avx2. */
static unsigned para_chars_scalar(struct gw_para *p)
{
	const uint32_t *t = p->text.p;
	size_t n = p->text.len;
	size_t head = n < 5 ? n : 5;
	uint64_t *cps = p->cps;
	unsigned c = 0;
	struct mark_state ms;

	memset(p->cps, 0, sizeof(p->cps));
	mark_state_init(&ms);
	/* the first five characters: the neighbour tests look back only as
	 * far as there are characters */
	for (size_t j = 0; j < head; j++) {
		uint32_t ch = t[j];
		unsigned h = gw_cp_hash(ch);

		cps[h >> 6] |= (uint64_t)1 << (h & 63);
		if (j >= 1 && ch == t[j - 1])
			c |= rep_bits(ch);
		if (j >= 3 && ch == t[j - 2] && t[j - 1] == t[j - 3])
			c |= GW_C_WORDREP;
		if (ch - 0x4E00 > 0x9FFF - 0x4E00 || ch == 0x5E74)
			c |= other_char(&ms, t, n, j);
	}
	for (size_t j = head; j < n; j++) {
		uint32_t ch = t[j];
		unsigned h = gw_cp_hash(ch);

		cps[h >> 6] |= (uint64_t)1 << (h & 63);
		/* both repetition tests need ch to equal one of the three
		 * characters before it (rarely: branches, not flags) */
		if (ch == t[j - 1] || ch == t[j - 2] || ch == t[j - 3]) {
			uint32_t p1 = t[j - 1];
			uint32_t p2 = t[j - 2];
			uint32_t p3 = t[j - 3];

			if (ch == p1)
				c |= rep_bits(ch);
			/* "ABAB" or "ABCABC" ending at j */
			if ((ch == p2 && p1 == p3) ||
			    (ch == p3 && p1 == t[j - 4] && p2 == t[j - 5]))
				c |= GW_C_WORDREP;
		}
		/* a Han character other than 年: nothing else to note */
		if (ch - 0x4E00 <= 0x9FFF - 0x4E00 && ch != 0x5E74)
			continue;
		c |= other_char(&ms, t, n, j);
	}
	return mark_state_done(&ms, p, c);
}

#if defined(ROLES_AVX2)
/* The repetition bits of t[q] (GW_C_ADJREP, _HANREP, _DOTREP, _WORDREP),
 * looking back only as far as there are characters. */
static inline __attribute__((always_inline)) unsigned rep_at(const uint32_t *t, size_t q)
{
	uint32_t ch = t[q];
	unsigned c = 0;

	if (q >= 1 && ch == t[q - 1])
		c |= rep_bits(ch);
	if (q >= 3 && ch == t[q - 2] && t[q - 1] == t[q - 3])
		c |= GW_C_WORDREP;
	if (q >= 5 && ch == t[q - 3] && t[q - 1] == t[q - 4] && t[q - 2] == t[q - 5])
		c |= GW_C_WORDREP;
	return c;
}

/* Stands for the characters before the text in the vectors of the first
 * block: above every code point, so it equals no character. */
#define ROLES_NO_CHAR 0xFFFFFFFFu

/* The constants of block_avx2, read from memory by the instructions that
 * use them (the calls in its loop would clobber registers holding them).
 * A range test lo <= c <= hi is one signed comparison after adding
 * 0x80000000 - lo: the range becomes the lowest values. */
enum {
	ROLES_K_HAN,
	ROLES_K_HAN_END,
	ROLES_K_DIG,
	ROLES_K_DIG_END,
	ROLES_K_NIAN,
	ROLES_K_HASH,
	ROLES_K_63,
	ROLES_K_ONE64,
	ROLES_K_ONE32,
	ROLES_K_LANE,
	ROLES_K_COMMA,
	ROLES_K_STOP,
	ROLES_K_N
};
#define ROLES_K8(x)                                                                                \
	{                                                                                          \
		x, x, x, x, x, x, x, x                                                             \
	}
static const uint32_t roles_k[ROLES_K_N][8] __attribute__((aligned(32))) = {
    [ROLES_K_HAN] = ROLES_K8(0x80000000u - 0x4E00),
    [ROLES_K_HAN_END] = ROLES_K8(0x80000000u + (0x9FFF - 0x4E00) + 1),
    [ROLES_K_DIG] = ROLES_K8(0x80000000u - '0'),
    [ROLES_K_DIG_END] = ROLES_K8(0x80000000u + 10),
    [ROLES_K_NIAN] = ROLES_K8(0x5E74),
    [ROLES_K_HASH] = ROLES_K8(0x9E3779B1u),
    [ROLES_K_63] = ROLES_K8(63),
    [ROLES_K_ONE64] = {1, 0, 1, 0, 1, 0, 1, 0}, /* four 64-bit 1s */
    [ROLES_K_ONE32] = ROLES_K8(1),
    [ROLES_K_LANE] = {0, 1, 2, 3, 4, 5, 6, 7},
    [ROLES_K_COMMA] = ROLES_K8(0xFF0C),
    [ROLES_K_STOP] = ROLES_K8(0x3002),
};
#undef ROLES_K8

/* The constants of para_chars_avx2, an opaque pointer to roles_k: with
 * their values hidden, the compiler has the instructions read them from
 * memory rather than build each one anew after every call in the loop. */
__attribute__((target("avx2"))) static inline __attribute__((always_inline)) const __m256i *
roles_k_hidden(void)
{
	const __m256i *kv = (const __m256i *)(const void *)roles_k;

	__asm__("" : "+r"(kv));
	return kv;
}

/* Lanes of v in [lo, hi] given roles_k bias = 0x80000000 - lo and
 * end = 0x80000000 + hi - lo + 1 (exact for every 32-bit value). */
__attribute__((target("avx2"))) static inline __attribute__((always_inline)) __m256i
in_range_avx2(const __m256i *kv, __m256i v, int bias, int end)
{
	return _mm256_cmpgt_epi32(kv[end], _mm256_add_epi32(v, kv[bias]));
}

/* One block of eight characters t[j .. j + 8) for para_chars_avx2: v holds
 * them, v1 v2 v3 the characters one, two and three before each (or
 * ROLES_NO_CHAR before the text); only the lanes in valid count, and the
 * lanes in pad hold ROLES_NO_CHAR, no character. Adds the characters
 * to p's filter and returns their GW_C_* bits (other_char, in text order,
 * for the characters the vector tests cannot settle). */
__attribute__((target("avx2"))) static inline __attribute__((always_inline)) unsigned
block_avx2(const __m256i *kv, uint64_t *cps, struct mark_state *ms, const uint32_t *t, size_t n,
	   size_t j, __m256i v, __m256i v1, __m256i v2, __m256i v3, unsigned valid, unsigned pad)
{
	__m256i rep =
	    _mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi32(v, v1), _mm256_cmpeq_epi32(v, v2)),
			    _mm256_cmpeq_epi32(v, v3));
	/* a Han character other than 年 needs nothing but the filter */
	__m256i quiet_han = _mm256_andnot_si256(_mm256_cmpeq_epi32(v, kv[ROLES_K_NIAN]),
						in_range_avx2(kv, v, ROLES_K_HAN, ROLES_K_HAN_END));
	__m256i h = _mm256_srli_epi32(_mm256_mullo_epi32(v, kv[ROLES_K_HASH]), 22);
	__m256i sh = _mm256_and_si256(h, kv[ROLES_K_63]);
	__m256i one = kv[ROLES_K_ONE64];
	/* a shift by 64 or more leaves no bit: none for the lanes in pad */
	__m256i no_bit = _mm256_slli_epi32(
	    _mm256_and_si256(_mm256_srlv_epi32(_mm256_set1_epi32((int)pad), kv[ROLES_K_LANE]),
			     kv[ROLES_K_ONE32]),
	    6);
	uint32_t word[8];
	uint64_t bit[8];
	unsigned repm = (unsigned)_mm256_movemask_ps(_mm256_castsi256_ps(rep)) & valid;
	unsigned othm = ~(unsigned)_mm256_movemask_ps(_mm256_castsi256_ps(quiet_han)) & valid;
	unsigned c = 0;
	__m256i shp = pad != 0 ? _mm256_or_si256(sh, no_bit) : sh;

	_mm256_storeu_si256((__m256i *)(void *)word, _mm256_srli_epi32(h, 6));
	_mm256_storeu_si256(
	    (__m256i *)(void *)bit,
	    _mm256_sllv_epi64(one, _mm256_cvtepu32_epi64(_mm256_castsi256_si128(shp))));
	_mm256_storeu_si256(
	    (__m256i *)(void *)(bit + 4),
	    _mm256_sllv_epi64(one, _mm256_cvtepu32_epi64(_mm256_extracti128_si256(shp, 1))));
#pragma GCC unroll 8
	for (unsigned k = 0; k < 8; k++)
		cps[word[k]] |= bit[k];
	while (repm != 0) {
		c |= rep_at(t, j + (size_t)__builtin_ctz(repm));
		repm &= repm - 1;
	}
	if (othm != 0) {
		/* 0-9 add GW_C_DIGIT only; ， and 。 after a Han character
		 * (no point mark) add nothing */
		__m256i stop = _mm256_or_si256(_mm256_cmpeq_epi32(v, kv[ROLES_K_COMMA]),
					       _mm256_cmpeq_epi32(v, kv[ROLES_K_STOP]));
		__m256i dig = in_range_avx2(kv, v, ROLES_K_DIG, ROLES_K_DIG_END);
		__m256i han1 = in_range_avx2(kv, v1, ROLES_K_HAN, ROLES_K_HAN_END);
		unsigned digm = (unsigned)_mm256_movemask_ps(_mm256_castsi256_ps(dig)) & othm;
		unsigned quiet =
		    (unsigned)_mm256_movemask_ps(_mm256_castsi256_ps(_mm256_and_si256(stop, han1)));

		if (digm != 0)
			c |= GW_C_DIGIT;
		othm &= ~(digm | quiet);
		while (othm != 0) {
			c |= other_char(ms, t, n, j + (size_t)__builtin_ctz(othm));
			othm &= othm - 1;
		}
	}
	return c;
}

/* block_avx2 on the eight characters at b, which are t[j .. j + 8) or a
 * padded copy of them, with the characters before them at b - 3 .. b - 1. */
__attribute__((target("avx2"))) static inline __attribute__((always_inline)) unsigned
block_at_avx2(const __m256i *kv, uint64_t *cps, struct mark_state *ms, const uint32_t *t, size_t n,
	      size_t j, const uint32_t *b, unsigned valid, unsigned pad)
{
	return block_avx2(kv, cps, ms, t, n, j,
			  _mm256_loadu_si256((const __m256i *)(const void *)b),
			  _mm256_loadu_si256((const __m256i *)(const void *)(b - 1)),
			  _mm256_loadu_si256((const __m256i *)(const void *)(b - 2)),
			  _mm256_loadu_si256((const __m256i *)(const void *)(b - 3)), valid, pad);
}

/* para_chars_scalar eight characters at a time. A text of at least 16
 * characters: the first block takes the characters before each from its
 * own vector (ROLES_NO_CHAR before the text), the middle ones load them,
 * the last one overlaps the one before and counts only its new lanes. A
 * shorter text is copied between ROLES_NO_CHARs first. */
__attribute__((target("avx2"))) static unsigned para_chars_avx2(struct gw_para *p)
{
	const uint32_t *t = p->text.p;
	size_t n = p->text.len;
	uint64_t *cps = p->cps;
	const __m256i *kv = roles_k_hidden();
	const __m256i none = _mm256_set1_epi32((int)ROLES_NO_CHAR);
	unsigned c;
	struct mark_state ms;
	size_t j;

	for (size_t q = 0; q < ARRAY_LEN(p->cps); q += 4)
		_mm256_storeu_si256((__m256i *)(void *)(p->cps + q), _mm256_setzero_si256());
	mark_state_init(&ms);
	if (n < 16) {
		uint32_t buf[3 + 16];

		_mm256_storeu_si256((__m256i *)(void *)buf, none);
		_mm256_storeu_si256((__m256i *)(void *)(buf + 8), none);
		_mm256_storeu_si256((__m256i *)(void *)(buf + 11), none);
		for (size_t k = 0; k < n; k++)
			buf[3 + k] = t[k];
		c = 0;
		for (j = 0; j < n; j += 8) {
			unsigned valid = n - j >= 8 ? 0xFFu : (1u << (n - j)) - 1;

			c |=
			    block_at_avx2(kv, cps, &ms, t, n, j, buf + 3 + j, valid, ~valid & 0xFF);
		}
		return mark_state_done(&ms, p, c);
	}
	{
		__m256i v = _mm256_loadu_si256((const __m256i *)(const void *)t);
		/* lane k of vd: lane k - d of v, none below d */
		__m256i v1 = _mm256_blend_epi32(
		    _mm256_permutevar8x32_epi32(v, _mm256_setr_epi32(0, 0, 1, 2, 3, 4, 5, 6)), none,
		    0x01);
		__m256i v2 = _mm256_blend_epi32(
		    _mm256_permutevar8x32_epi32(v, _mm256_setr_epi32(0, 0, 0, 1, 2, 3, 4, 5)), none,
		    0x03);
		__m256i v3 = _mm256_blend_epi32(
		    _mm256_permutevar8x32_epi32(v, _mm256_setr_epi32(0, 0, 0, 0, 1, 2, 3, 4)), none,
		    0x07);

		c = block_avx2(kv, cps, &ms, t, n, 0, v, v1, v2, v3, 0xFF, 0);
	}
	for (j = 8; j + 8 <= n; j += 8)
		c |= block_at_avx2(kv, cps, &ms, t, n, j, t + j, 0xFF, 0);
	if (j < n) /* lanes from j - (n - 8) on are new (the filter takes all) */
		c |= block_at_avx2(kv, cps, &ms, t, n, n - 8, t + n - 8,
				   0xFFu & ~((1u << (j - (n - 8))) - 1), 0);
	return mark_state_done(&ms, p, c);
}
#endif

unsigned gw_para_chars(struct gw_para *p, bool vector)
{
#if defined(ROLES_AVX2)
	if (vector && __builtin_cpu_supports("avx2"))
		return para_chars_avx2(p);
#else
	(void)vector;
#endif
	return para_chars_scalar(p);
}

void gw_detect_roles(struct gw_doc *doc)
{
	size_t n = doc->n;
	size_t n1 = n ? n : 1;
	/* one allocation: ne, cand, notes, then the stripped ranges [sa, sb)
	 * of the non-empty paragraphs from body_start on (strip_ws, made by
	 * the 版记 loop for the loops after it) */
	size_t *idx = xmalloc(5 * n1 * sizeof(size_t));
	size_t *ne = idx;
	size_t nne = 0;
	size_t *cand = idx + n1;
	size_t ncand = 0;
	size_t *notes = idx + 2 * n1;
	size_t nnotes = 0;
	size_t *sa = idx + 3 * n1;
	size_t *sb = idx + 4 * n1;
	long docno = -1;
	size_t start = 0;
	size_t body_start;
	size_t tail_start = n;
	size_t end_body;
	size_t k;
	long att_first = -1;
	struct gw_para *P = doc->paras;

	doc->docno = doc->title = doc->to = doc->date = doc->sig = -1;
	for (size_t i = 0; i < n; i++) {
		unsigned c = 0;

		c = gw_para_chars(&P[i], true);
		P[i].chars = c;
		P[i].role = is_blank(&P[i].text) ? GW_ROLE_BLANK : -1;
		P[i].level = 0;
		P[i].number = -1;
		P[i].label_ok = false;
		P[i].label_len = 0;
		if (P[i].role < 0)
			ne[nne++] = i;
	}
	for (k = 0; k < nne && k < 6; k++) {
		if (looks_like_docno(&P[ne[k]].text)) {
			docno = (long)ne[k];
			break;
		}
	}
	if (docno >= 0) {
		for (k = 0; k < nne && ne[k] < (size_t)docno; k++) {
			P[ne[k]].role = GW_ROLE_MARK;
			classify_mark(&P[ne[k]]);
		}
		P[docno].role = GW_ROLE_DOCNO;
		doc->docno = docno;
		start = (size_t)docno + 1;
	}
	for (k = 0; k < nne && ne[k] < start; k++)
		;
	if (k >= nne)
		goto out;
	P[ne[k]].role = GW_ROLE_TITLE;
	doc->title = (long)ne[k];
	body_start = ne[k] + 1;
	k++;
	if (k < nne) {
		const struct ustr *t = &P[ne[k]].text;
		size_t a;
		size_t b;
		int num;
		bool ok;
		size_t ll;

		strip_ws(t, &a, &b);
		if (b > a && (t->p[b - 1] == 0xFF1A || t->p[b - 1] == ':') &&
		    text_ucs_find(t->p + a, b - a, 0, "。") < 0 &&
		    text_ucs_find(t->p + a, b - a, 0, "如下") < 0 && b - a <= 120 &&
		    gw_parse_label(t->p + a, b - a, &num, &ok, &ll) == 0) {
			P[ne[k]].role = GW_ROLE_TO;
			doc->to = (long)ne[k];
			body_start = ne[k] + 1;
		}
	}
	/* 版记 and 纪要 attendance lists */
	for (k = 0; k < nne; k++) {
		size_t i = ne[k];
		size_t a;
		size_t b;
		uint32_t c0;

		if (i < body_start)
			continue;
		strip_ws(&P[i].text, &a, &b);
		sa[i] = a;
		sb[i] = b;
		if (b == a)
			continue; /* none of the patterns matches an empty range */
		c0 = P[i].text.p[a];
		if (c0 == 0x6284 && role_match_range(GW_RP_CC, P[i].text.p, a, b)) {
			P[i].role = GW_ROLE_CC;
		} else if (b - a < 60 && role_match_range(GW_RP_PRINT, P[i].text.p, a, b)) {
			P[i].role = GW_ROLE_PRINT;
		} else if ((c0 == 0x51FA || c0 == 0x8BF7 || c0 == 0x5217) &&
			   role_match_range(GW_RP_ATTEND, P[i].text.p, a, b)) {
			P[i].role = GW_ROLE_ATTEND;
		} else {
			continue;
		}
		if (i < tail_start)
			tail_start = i;
	}
	for (k = 0; k < nne; k++) {
		if (ne[k] >= body_start && ne[k] < tail_start)
			cand[ncand++] = ne[k];
	}
	/* 附注 lines, then 成文日期 and 署名 */
	while (ncand > 1) {
		size_t i = cand[ncand - 1];

		if (!role_match_range(GW_RP_NOTE, P[i].text.p, sa[i], sb[i]))
			break;
		notes[nnotes++] = i;
		ncand--;
	}
	end_body = tail_start;
	if (ncand > 0) {
		size_t i = cand[ncand - 1];

		if (role_match_range(GW_RP_DATE, P[i].text.p, sa[i], sb[i])) {
			ncand--;
			P[i].role = GW_ROLE_DATE;
			doc->date = (long)i;
			end_body = i;
			for (size_t m = 0; m < nnotes; m++)
				P[notes[m]].role = GW_ROLE_NOTE;
			if (ncand > 0) {
				size_t s = cand[ncand - 1];
				const struct ustr *t = &P[s].text;
				size_t a = sa[s];
				size_t b = sb[s];
				int num;
				bool ok;
				size_t ll;

				if (b - a <= 30 && b > a &&
				    !role_match_range(GW_RP_END_PUNCT, t->p, a, b) &&
				    gw_parse_label(t->p + a, b - a, &num, &ok, &ll) == 0) {
					P[s].role = GW_ROLE_SIG;
					doc->sig = (long)s;
					ncand--;
					end_body = s;
				}
			}
		}
	}
	/* 附件说明 */
	for (k = 0; k < ncand; k++) {
		size_t i = cand[k];

		if (sb[i] > sa[i] && P[i].text.p[sa[i]] == 0x9644 && /* 附 */
		    role_match_range(GW_RP_ATT, P[i].text.p, sa[i], sb[i])) {
			att_first = (long)i;
			break;
		}
	}
	if (att_first >= 0) {
		size_t j = (size_t)att_first + 1;

		P[att_first].role = GW_ROLE_ATT;
		while (j < end_body && P[j].role < 0) {
			if (!role_match_range(GW_RP_ATT_ITEM, P[j].text.p, sa[j], sb[j]))
				break;
			P[j].role = GW_ROLE_ATT;
			j++;
		}
		if ((size_t)att_first < end_body)
			end_body = (size_t)att_first;
	}
	for (k = 0; k < nne; k++) {
		size_t i = ne[k];
		int num;
		bool ok;
		size_t ll;
		int lvl;

		if (i < body_start || i >= end_body || P[i].role >= 0)
			continue;
		lvl = gw_parse_label(P[i].text.p, P[i].text.len, &num, &ok, &ll);
		if (lvl > 0) {
			P[i].role = GW_ROLE_H1 + lvl - 1;
			P[i].level = lvl;
			P[i].number = num;
			P[i].label_ok = ok;
			P[i].label_len = ll;
		} else {
			P[i].role = GW_ROLE_BODY;
		}
	}
out:
	for (size_t i = 0; i < n; i++) {
		if (P[i].role < 0)
			P[i].role = GW_ROLE_OTHER;
	}
	detect_doc_type(doc);
	free(idx);
}
