/* extract: rules that turn a 询问笔录 / 现场检查笔录 into draft fields. */
#include "extract/extract.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc/docx.h"
#include "text/regex.h"
#include "text/text.h"

#define MAX_SPANS 4096
#define MAX_DATES 256

/* A turn of the record: question, answer, or narrative (现场检查笔录 body). */
struct span {
	size_t s, e;
	char kind; /* 'Q', 'A', 'N' */
};

struct date {
	size_t pos, end;
	int y, m, d; /* d == 0: month precision */
};

struct tx {
	struct ustr u;
	size_t hdr_e;
	struct span *sp;
	size_t nsp;
	bool inspection;
	int ry, rm, rd;
};

/* ------------------------------------------------------------------ */
/* check digits */

static const char USCC_CHARS[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

static int uscc_val(char c)
{
	const char *p = c ? strchr(USCC_CHARS, c) : NULL;
	return p ? (int)(p - USCC_CHARS) : -1;
}

bool extract_orgcode_valid(const char *s)
{
	static const int w[8] = {3, 7, 9, 10, 5, 8, 4, 2};
	int sum = 0, c;

	if (strlen(s) != 9)
		return false;
	for (int i = 0; i < 8; i++) {
		int v;
		if (s[i] >= '0' && s[i] <= '9')
			v = s[i] - '0';
		else if (s[i] >= 'A' && s[i] <= 'Z')
			v = s[i] - 'A' + 10;
		else
			return false;
		sum += v * w[i];
	}
	c = 11 - sum % 11;
	if (c == 10)
		return s[8] == 'X';
	if (c == 11)
		c = 0;
	return s[8] == '0' + c;
}

bool extract_uscc_valid(const char *s)
{
	static const int w[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};
	int sum = 0, c;
	char org[10];

	if (strlen(s) != 18)
		return false;
	for (int i = 0; i < 18; i++) {
		if (uscc_val(s[i]) < 0)
			return false;
	}
	for (int i = 2; i < 8; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
	}
	for (int i = 0; i < 17; i++)
		sum += uscc_val(s[i]) * w[i];
	c = (31 - sum % 31) % 31;
	if (USCC_CHARS[c] != s[17])
		return false;
	memcpy(org, s + 8, 9);
	org[9] = '\0';
	return extract_orgcode_valid(org);
}

static bool leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int mdays(int y, int m)
{
	static const int d[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && leap(y) ? 29 : d[m - 1];
}

bool extract_idcard_valid(const char *s)
{
	static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
	static const char chk[] = "10X98765432";
	int sum = 0, y, m, d;

	if (strlen(s) != 18)
		return false;
	for (int i = 0; i < 17; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		sum += (s[i] - '0') * w[i];
	}
	if (chk[sum % 11] != s[17])
		return false;
	y = (s[6] - '0') * 1000 + (s[7] - '0') * 100 + (s[8] - '0') * 10 + (s[9] - '0');
	m = (s[10] - '0') * 10 + (s[11] - '0');
	d = (s[12] - '0') * 10 + (s[13] - '0');
	return y >= 1900 && y <= 2100 && m >= 1 && m <= 12 && d >= 1 && d <= mdays(y, m);
}

/* ------------------------------------------------------------------ */
/* numerals */

static int cn_digit(uint32_t c)
{
	static const struct {
		uint32_t c;
		int v;
	} t[] = {{0x4E24, 2}, {0x25CB, 0}, {0x58F9, 1}, {0x8D30, 2}, {0x53C1, 3}, {0x8086, 4},
		 {0x4F0D, 5}, {0x9646, 6}, {0x67D2, 7}, {0x634C, 8}, {0x7396, 9}};
	int v = text_cn_digit(c);

	if (v >= 0 && v <= 9)
		return v;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (t[i].c == c)
			return t[i].v;
	}
	return -1;
}

static long cn_unit(uint32_t c)
{
	switch (c) {
	case 0x5341: /* 十 */
	case 0x62FE: /* 拾 */
		return 10;
	case 0x767E: /* 百 */
	case 0x4F70: /* 佰 */
		return 100;
	case 0x5343: /* 千 */
	case 0x4EDF: /* 仟 */
		return 1000;
	default:
		return 0;
	}
}

static long cn_big(uint32_t c)
{
	if (c == 0x4E07 || c == 0x842C) /* 万 萬 */
		return 10000;
	if (c == 0x4EBF || c == 0x5104) /* 亿 億 */
		return 100000000;
	return 0;
}

/* Integer part: same reading as the scorer (colloquial 三万五 = 35000). */
static bool cn_int(const uint32_t *p, size_t n, double *out)
{
	double total = 0, section = 0, num = -1;
	bool all_num = true, zero_seen = false;
	long last_unit = 0;
	size_t ntok = 0;
	double seq = 0;
	bool small = true, zero_char = false;

	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		double v;
		long u, b;
		if (text_is_digit(p[i])) {
			v = 0;
			while (i < n && text_is_digit(p[i]))
				v = v * 10 + (p[i++] - '0');
			i--;
		} else if ((v = cn_digit(p[i])) >= 0) {
			if (v == 0)
				zero_char = true;
		} else if ((u = cn_unit(p[i])) != 0) {
			all_num = false;
			section += (num < 0 ? 1 : num) * (double)u;
			num = -1;
			zero_seen = false;
			last_unit = u;
			ntok++;
			continue;
		} else if ((b = cn_big(p[i])) != 0) {
			all_num = false;
			section += num < 0 ? 0 : num;
			total += section * (double)b;
			section = 0;
			num = -1;
			zero_seen = false;
			last_unit = b;
			ntok++;
			continue;
		} else {
			return false;
		}
		ntok++;
		if (v >= 10)
			small = false;
		seq = seq * 10 + v;
		if (num > 0)
			num = -2; /* two digits in a row: a range like 三四 */
		if (num == -2 && !all_num)
			return false;
		if (num == 0)
			zero_seen = true;
		if (num != -2)
			num = v;
	}
	if (all_num) {
		if (ntok == 1) {
			*out = seq;
			return true;
		}
		if (!small || !zero_char)
			return false; /* 三四 is a range; 二〇二五 is a year */
		*out = seq;
		return true;
	}
	if (num == -2)
		return false;
	if (num >= 0) {
		if (last_unit && !zero_seen && num < 10)
			section += num * (double)last_unit / 10;
		else
			section += num;
	}
	*out = total + section;
	return true;
}

bool extract_cn_number(const uint32_t *p, size_t n, double *out)
{
	size_t dot = n;

	for (size_t i = 0; i < n; i++) {
		if (p[i] == '.' || p[i] == 0x70B9) { /* 点 */
			dot = i;
			break;
		}
	}
	if (dot < n) {
		double ip = 0, frac = 0, scale = 0.1;
		size_t k = dot + 1;
		if (dot > 0 && !cn_int(p, dot, &ip))
			return false;
		if (k >= n)
			return false;
		for (; k < n; k++) {
			int d = text_is_digit(p[k]) ? (int)(p[k] - '0') : cn_digit(p[k]);
			if (d < 0) {
				long b = cn_big(p[k]);
				if (b && k == n - 1) { /* 1.2万 */
					*out = (ip + frac) * (double)b;
					return true;
				}
				return false;
			}
			frac += d * scale;
			scale /= 10;
		}
		*out = ip + frac;
		return true;
	}
	return cn_int(p, n, out);
}

/* ------------------------------------------------------------------ */
/* small helpers */

static bool re_at(const char *pat, const struct ustr *u, size_t from, size_t to, size_t *s,
		  size_t *e, long *g, int ng)
{
	if (from >= to || to > u->len)
		return false;
	/* the subject is u[from,to), so ^ anchors at `from`; group 0 goes in g[0..1] */
	if (!text_re_search(text_re_get(pat), u->p + from, to - from, 0, s, e, g ? g + 2 : NULL,
			    ng > 0 ? ng - 1 : 0))
		return false;
	*s += from;
	*e += from;
	if (g != NULL) {
		g[0] = (long)*s;
		g[1] = (long)*e;
		for (int i = 1; i < ng; i++) {
			if (g[2 * i] >= 0) {
				g[2 * i] += (long)from;
				g[2 * i + 1] += (long)from;
			}
		}
	}
	return true;
}

static char *sub8(const struct ustr *u, size_t s, size_t e)
{
	return ustr_to_utf8(u, s, e);
}

static size_t line_end(const struct ustr *u, size_t at)
{
	while (at < u->len && u->p[at] != '\n')
		at++;
	return at;
}

/* Number of a date component (digits or Chinese). */
static int comp_num(const struct ustr *u, long s, long e)
{
	double v;

	if (s < 0 || e <= s)
		return 0;
	if (!extract_cn_number(u->p + s, (size_t)(e - s), &v))
		return -1;
	return (int)v;
}

static long days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(long z, int *y, int *m, int *d)
{
	z += 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long yy = yoe + era * 400;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yy + (*m <= 2));
}

static bool date_ok(int y, int m, int d)
{
	return y >= 1990 && y <= 2100 && m >= 1 && m <= 12 && d >= 0 &&
	       (d == 0 || d <= mdays(y, m));
}

static long date_key(const struct date *d)
{
	return days_from_civil(d->y, d->m, d->d ? d->d : 1);
}

static bool covered(const struct date *ds, size_t n, size_t s, size_t e)
{
	for (size_t i = 0; i < n; i++) {
		if (s < ds[i].end && e > ds[i].pos)
			return true;
	}
	return false;
}

#define NUMC "[0-9零〇○一二三四五六七八九十]"

/* All dates in u[from,to), sorted by position. Year-less dates take the
 * record year; relative days resolve against the record date. */
static size_t find_dates(const struct tx *t, size_t from, size_t to, struct date *out, size_t max)
{
	size_t n = 0, s, e, pos;
	long g[8];

	/* full dates */
	pos = from;
	while (n < max && re_at("([0-9]{4}|[零〇○一二三四五六七八九]{4})\\s*年\\s*(" NUMC
				"{1,3})\\s*月\\s*(" NUMC "{1,3})\\s*[日号]?",
				&t->u, pos, to, &s, &e, g, 4)) {
		struct date d = {s, e, 0, 0, 0};
		d.y = comp_num(&t->u, g[2], g[3]);
		d.m = comp_num(&t->u, g[4], g[5]);
		d.d = comp_num(&t->u, g[6], g[7]);
		pos = e;
		if (date_ok(d.y, d.m, d.d) && d.d > 0)
			out[n++] = d;
	}
	/* dotted form (groups 4..6) handled separately for clarity */
	pos = from;
	while (n < max && re_at("(?<![0-9.])([0-9]{4})[.\\-/](\\d{1,2})[.\\-/](\\d{1,2})(?![0-9])",
				&t->u, pos, to, &s, &e, g, 4)) {
		struct date d = {s, e, 0, 0, 0};
		pos = e;
		d.y = comp_num(&t->u, g[2], g[3]);
		d.m = comp_num(&t->u, g[4], g[5]);
		d.d = comp_num(&t->u, g[6], g[7]);
		if (!covered(out, n, s, e) && date_ok(d.y, d.m, d.d) && d.d > 0)
			out[n++] = d;
	}
	/* 10.1 style month.day in a date context */
	pos = from;
	while (n < max && t->ry &&
	       re_at("(?<=从|于|自|是|在|到|至|、|，|,)(\\d{1,2})\\.(\\d{1,2})(?![0-9.])(?=\\s*(?:"
		     "开始|起|至|到|"
		     "那天|当天|号|日|国庆|前|后|[—\\-~～]|[，,。]))",
		     &t->u, pos, to, &s, &e, g, 3)) {
		struct date d = {s, e, t->ry, 0, 0};
		pos = e;
		d.m = comp_num(&t->u, g[2], g[3]);
		d.d = comp_num(&t->u, g[4], g[5]);
		if (!covered(out, n, s, e) && date_ok(d.y, d.m, d.d) && d.d > 0)
			out[n++] = d;
	}
	/* year + month */
	pos = from;
	while (n < max && re_at("([0-9]{4}|[零〇○一二三四五六七八九]{4})\\s*年\\s*(" NUMC
				"{1,3})\\s*月份?(?!\\s*" NUMC ")",
				&t->u, pos, to, &s, &e, g, 3)) {
		struct date d = {s, e, 0, 0, 0};
		pos = e;
		d.y = comp_num(&t->u, g[2], g[3]);
		d.m = comp_num(&t->u, g[4], g[5]);
		if (!covered(out, n, s, e) && date_ok(d.y, d.m, 0))
			out[n++] = d;
	}
	/* month-day or month, optionally with 去年/今年 */
	pos = from;
	while (n < max && re_at("(去年|今年|前年)?(?<![0-9年])(" NUMC "{1,2})\\s*月份?\\s*(?:(" NUMC
				"{1,3})\\s*[日号])?",
				&t->u, pos, to, &s, &e, g, 4)) {
		struct date d = {s, e, t->ry, 0, 0};
		pos = e;
		if (covered(out, n, s, e) || t->ry == 0)
			continue;
		if (g[2] >= 0)
			d.y = t->ry + (t->u.p[g[2]] == 0x53BB	? -1
				       : t->u.p[g[2]] == 0x524D ? -2
								: 0);
		d.m = comp_num(&t->u, g[4], g[5]);
		d.d = g[6] >= 0 ? comp_num(&t->u, g[6], g[7]) : 0;
		if (g[6] < 0 && e < to && (t->u.p[e] == 0x5E95 || t->u.p[e] == 0x521D))
			continue; /* 月底 / 月初 still month precision; keep simple */
		if (g[2] < 0 && t->rm && (d.m > t->rm + 1))
			d.y = t->ry - 1;
		if (date_ok(d.y, d.m, d.d))
			out[n++] = d;
	}
	/* relative days */
	pos = from;
	while (n < max && t->ry &&
	       re_at("大前天|前天|前日|昨天|昨晚|昨日|今天|今日|今晚", &t->u, pos, to, &s, &e, NULL,
		     0)) {
		struct date d = {s, e, 0, 0, 0};
		long k = days_from_civil(t->ry, t->rm, t->rd);
		uint32_t c0 = t->u.p[s];
		pos = e;
		if (c0 == 0x5927)
			k -= 3;
		else if (c0 == 0x524D)
			k -= 2;
		else if (c0 == 0x6628)
			k -= 1;
		civil_from_days(k, &d.y, &d.m, &d.d);
		if (!covered(out, n, s, e))
			out[n++] = d;
	}
	/* sort by position */
	for (size_t i = 1; i < n; i++) {
		struct date x = out[i];
		size_t j = i;
		while (j > 0 && out[j - 1].pos > x.pos) {
			out[j] = out[j - 1];
			j--;
		}
		out[j] = x;
	}
	return n;
}

static json_t *date_json(const struct date *d)
{
	char b[16];

	if (d == NULL)
		return json_null();
	if (d->d)
		snprintf(b, sizeof(b), "%04d-%02d-%02d", d->y, d->m, d->d);
	else
		snprintf(b, sizeof(b), "%04d-%02d", d->y, d->m);
	return json_string(b);
}

/* ------------------------------------------------------------------ */
/* preprocessing */

static void delete_matches(struct ustr *u, const char *pat, bool keep_newline)
{
	size_t s, e, pos = 0;

	while (re_at(pat, u, pos, u->len, &s, &e, NULL, 0)) {
		if (e == s) {
			pos = e + 1;
			continue;
		}
		if (keep_newline && e > s && u->p[e - 1] == '\n')
			e--;
		ustr_splice(u, s, e, NULL, 0);
		pos = s;
	}
}

static void normalise(struct ustr *u)
{
	for (size_t i = 0; i < u->len; i++) {
		uint32_t c = u->p[i];
		if ((c >= 0xFF10 && c <= 0xFF19) || (c >= 0xFF21 && c <= 0xFF3A) ||
		    (c >= 0xFF41 && c <= 0xFF5A))
			u->p[i] = text_halfwidth(c);
		else if (c == '\r' || c == '\t' || c == 0xA0)
			u->p[i] = c == '\r' ? '\n' : ' ';
	}
	/* page furniture */
	delete_matches(u,
		       "(?m)^[ \\x{3000}]*(?:第\\s*\\d+\\s*页\\s*[/／,，]?\\s*共\\s*\\d+\\s*页|"
		       "[（(]?\\s*以下空白\\s*[）)]?|[（(]本笔录共[^\\n]*)[ \\x{3000}]*$",
		       false);
	/* corrections: "3月3号……不对，是3月5号" keeps what follows the marker */
	delete_matches(
	    u,
	    "[^，,。；;：:？?！!\\n]*(?:……|…|\\.{3,6})\\s*(?:不对|不是|哦不|噢不|应该|记错了)"
	    "[，,]?",
	    false);
}

static bool is_sig_line(const struct ustr *u, size_t s, size_t e)
{
	return re_at("签名|签字|以上笔录|核对|指印|手印|^\\s*(?:被询问人|被调查人|询问人|调查人|"
		     "记录人|检查人员?|见证人)\\s*[：:]|^\\s*\\d{4}\\s*[.年]",
		     u, s, e, &s, &e, NULL, 0);
}

static void add_span(struct tx *t, size_t s, size_t e, char kind)
{
	while (s < e && text_is_ws(t->u.p[s]))
		s++;
	while (e > s && (text_is_ws(t->u.p[e - 1]) || t->u.p[e - 1] == '\n'))
		e--;
	if (e <= s || t->nsp >= MAX_SPANS)
		return;
	t->sp[t->nsp].s = s;
	t->sp[t->nsp].e = e;
	t->sp[t->nsp].kind = kind;
	t->nsp++;
}

static void segment(struct tx *t)
{
	size_t pos = 0, s, e;
	bool any_turn = false, in_body = false;
	long g[4];

	t->sp = xcalloc(MAX_SPANS, sizeof(*t->sp));
	t->hdr_e = t->u.len;
	/* record type from the first lines */
	{
		size_t lim = t->u.len < 400 ? t->u.len : 400;
		struct ustr head;
		ustr_init(&head);
		for (size_t i = 0; i < lim; i++) {
			if (!text_is_ws(t->u.p[i]))
				ustr_push(&head, t->u.p[i]);
		}
		t->inspection = text_re_has("现场检查|检查笔录|现场笔录|勘验笔录|勘察笔录|检查记录",
					    head.p, head.len) &&
				!text_re_has("询问笔录", head.p, head.len);
		ustr_free(&head);
	}
	while (pos < t->u.len) {
		size_t le = line_end(&t->u, pos);
		if (re_at("^\\s*(问|答)\\s*\\d*\\s*[：:]", &t->u, pos, le, &s, &e, g, 2)) {
			char kind = t->u.p[g[2]] == 0x95EE ? 'Q' : 'A';
			size_t body = e;
			if (!any_turn)
				t->hdr_e = pos;
			any_turn = true;
			in_body = true;
			/* inline 问：…答：… */
			if (kind == 'Q' &&
			    re_at("答\\s*\\d*\\s*[：:]", &t->u, body, le, &s, &e, NULL, 0)) {
				add_span(t, body, s, 'Q');
				add_span(t, e, le, 'A');
			} else {
				add_span(t, body, le, kind);
			}
		} else if (!any_turn && !in_body &&
			   re_at("^\\s*(?:检查情况|现场情况|检查人员出示|执法人员出示|检查内容|"
				 "现场检查情况)",
				 &t->u, pos, le, &s, &e, NULL, 0)) {
			t->hdr_e = pos;
			in_body = true;
			add_span(t, pos, le, 'N');
		} else if (in_body) {
			if (is_sig_line(&t->u, pos, le)) {
				/* signatures: not content */
			} else if (any_turn && t->nsp > 0 && t->sp[t->nsp - 1].e <= pos) {
				add_span(t, pos, le, t->sp[t->nsp - 1].kind); /* continuation */
			} else {
				add_span(t, pos, le, 'N');
			}
		}
		pos = le + 1;
	}
	if (!in_body)
		t->hdr_e = t->u.len;
}

/* ------------------------------------------------------------------ */
/* header fields */

static char *hdr_value(const struct tx *t, const char *pat)
{
	size_t s, e;
	long g[4];

	if (!re_at(pat, &t->u, 0, t->hdr_e, &s, &e, g, 2) || g[2] < 0)
		return NULL;
	return sub8(&t->u, (size_t)g[2], (size_t)g[3]);
}

#define NAME                                                                                       \
	"([\\x{3400}-\\x{4dbf}\\x{4e00}-\\x{9fff}]{2,4}?)(?=[^\\x{3400}-\\x{4dbf}\\x{4e00}-\\x{"   \
	"9fff}]|性别|男|女|$)"

static void record_date(struct tx *t)
{
	size_t s, e;
	struct date ds[8];
	size_t n = 0;
	int keep_y = t->ry;

	t->ry = 0;
	if (re_at("(?:时\\s*间|日\\s*期)\\s*[：:]", &t->u, 0, t->hdr_e, &s, &e, NULL, 0))
		n = find_dates(t, e, line_end(&t->u, e), ds, 8);
	if (n == 0)
		n = find_dates(t, 0, t->hdr_e, ds, 8);
	if (n == 0)
		n = find_dates(t, t->hdr_e, t->u.len, ds, 8);
	(void)keep_y;
	if (n > 0 && ds[0].d) {
		t->ry = ds[0].y;
		t->rm = ds[0].m;
		t->rd = ds[0].d;
	}
}

static bool name_in(json_t *arr, const char *name)
{
	size_t i;
	json_t *o;

	json_array_foreach(arr, i, o)
	{
		if (strcmp(json_string_value(json_object_get(o, "name")), name) == 0)
			return true;
	}
	return false;
}

static json_t *officers(const struct tx *t)
{
	json_t *arr = json_array();
	size_t pos = 0, s, e;
	long g[6];

	while (re_at("(?<![\\x{3400}-\\x{4dbf}\\x{4e00}-\\x{9fff}])([\\x{3400}-\\x{4dbf}\\x{4e00}-"
		     "\\x{9fff}]{2,4}?)[\\s\\x{3000}]*[（(，,]?\\s*执法(?:证件?|证号|证件号)(?:"
		     "号码?)?\\s*[：:]?\\s*([A-Za-z0-9]{4,20})",
		     &t->u, pos, t->hdr_e, &s, &e, g, 3)) {
		char *name = sub8(&t->u, (size_t)g[2], (size_t)g[3]);
		char *cert = sub8(&t->u, (size_t)g[4], (size_t)g[5]);
		pos = e;
		if (!name_in(arr, name))
			json_array_append_new(
			    arr, json_pack("{s:s,s:s}", "name", name, "cert_no", cert));
		free(name);
		free(cert);
	}
	/* officers named without a certificate number */
	pos = 0;
	while (re_at("(?<!被)(?:询问人|调查人|检查人员?|记录人|执法人员)\\s*[：:]\\s*([^\\n]*)",
		     &t->u, pos, t->hdr_e, &s, &e, g, 2)) {
		size_t p2 = (size_t)g[2], le = (size_t)g[3], s2, e2;
		long h[4];
		pos = e;
		while (re_at("(?:^|(?<=[、，,\\s\\x{3000}：:]))([\\x{3400}-\\x{4dbf}\\x{4e00}-\\x{"
			     "9fff}]{2,4}?)(?=[、，,\\s\\x{3000}（(]|$)",
			     &t->u, p2, le, &s2, &e2, h, 2)) {
			char *name = sub8(&t->u, (size_t)h[2], (size_t)h[3]);
			p2 = e2;
			if (!name_in(arr, name) && !strstr(name, "执法") && !strstr(name, "记录") &&
			    !strstr(name, "职务"))
				json_array_append_new(
				    arr, json_pack("{s:s,s:n}", "name", name, "cert_no"));
			free(name);
		}
	}
	return arr;
}

/* First valid 18-digit ID number in u[from,to). */
static char *find_id(const struct tx *t, size_t from, size_t to)
{
	size_t s, e, pos = from;
	long g[4];

	while (re_at("(?<![0-9A-Za-z])([1-9]\\d{16}[\\dXx])(?![0-9A-Za-z])", &t->u, pos, to, &s, &e,
		     g, 2)) {
		char *id = sub8(&t->u, s, e);
		pos = e;
		if (id[17] == 'x')
			id[17] = 'X';
		if (extract_idcard_valid(id))
			return id;
		free(id);
	}
	return NULL;
}

static char *find_uscc(const struct tx *t)
{
	size_t s, e, pos = 0;
	long g[4];
	char *fallback = NULL;

	while (
	    re_at("(?<![0-9A-Za-z])([0-9A-HJ-NPQRTUWXY]{2}\\d{6}[0-9A-HJ-NPQRTUWXY]{10})(?![0-9A-"
		  "Za-z])",
		  &t->u, pos, t->u.len, &s, &e, g, 2)) {
		char *c = sub8(&t->u, s, e);
		size_t back = s > 16 ? s - 16 : 0, s2, e2;
		pos = e;
		if (!extract_uscc_valid(c) || extract_idcard_valid(c)) {
			free(c);
			continue;
		}
		if (re_at("信用代码", &t->u, back, s, &s2, &e2, NULL, 0)) {
			free(fallback);
			return c;
		}
		if (fallback == NULL)
			fallback = c;
		else
			free(c);
	}
	return fallback;
}

/* ------------------------------------------------------------------ */
/* body helpers */

static char *strip_name(char *s)
{
	static const char *const pre[] = {"我们公司", "公司全称", "全称", "公司",
					  "就是",     "是",	  "叫",	  "为"};
	size_t n;
	bool again = true;

	while (again) {
		again = false;
		for (size_t i = 0; i < sizeof(pre) / sizeof(pre[0]); i++) {
			size_t k = strlen(pre[i]);
			if (strncmp(s, pre[i], k) == 0 && strlen(s) > k + 6) {
				memmove(s, s + k, strlen(s + k) + 1);
				again = true;
			}
		}
	}
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' '))
		s[--n] = '\0';
	return s;
}

static char *org_name(const struct tx *t)
{
	size_t s, e, pos;
	long g[4];

	if (re_at("(?:更名为|改名为|改名叫|现名为?|名称变更为|变更为|现在叫|现用名)\\s*[“\"「]?([^"
		  "，,。"
		  "；;\\s“”\"」（(）)]{3,40})",
		  &t->u, 0, t->u.len, &s, &e, g, 2))
		return sub8(&t->u, (size_t)g[2], (size_t)g[3]);
	pos = 0;
	while (
	    re_at("(?<!原|曾用|原来的)(?:全称(?:是|为|叫)?|名称(?:是|为|叫|：|:)|(?:公司|单位|企业|"
		  "店|店铺)"
		  "(?:名字)?叫|字号(?:是|为|叫|：|:)|被检查(?:单位|人)(?:名称)?\\s*[：:]|当事人(?:"
		  "名称)?"
		  "\\s*[：:])\\s*[“\"「]?([^，,。；;\\s“”\"」（(）)]{3,40})",
		  &t->u, pos, t->u.len, &s, &e, g, 2)) {
		char *n = sub8(&t->u, (size_t)g[2], (size_t)g[3]);
		pos = e;
		if (strstr(n, "什么") || strstr(n, "？") || strstr(n, "?") || strstr(n, "哪")) {
			free(n);
			continue;
		}
		return strip_name(n);
	}
	if (re_at("([^，,。；;：:？?！!\\n]{3,40})[，,]?\\s*(?:统一社会信用代码|信用代码)", &t->u,
		  0, t->u.len, &s, &e, g, 2)) {
		char *n = sub8(&t->u, (size_t)g[2], (size_t)g[3]);
		return strip_name(n);
	}
	return NULL;
}

static char *org_address(const struct tx *t, bool sole)
{
#define ADDR_REG                                                                                                          \
	"(?<![现家居户])(?:住所|注册地址|注册地)\\s*(?:是|在|为|位于|：|:)\\s*([^，,。；;\\s（(]{" \
	"4,60})"
#define ADDR_BIZ                                                                                   \
	"(?:经营场所|经营地址|营业场所)\\s*(?:是|在|为|位于|：|:)\\s*([^，,。；;\\s（(]{4,60})"
#define ADDR_ANY "(?<![住送达])(?:地址|位于)\\s*(?:是|在|为|：|:)?\\s*([^，,。；;\\s（(]{4,60})"
	static const char *const first_unit[] = {ADDR_REG, ADDR_BIZ, ADDR_ANY};
	static const char *const first_sole[] = {ADDR_BIZ, ADDR_REG, ADDR_ANY};
	const char *const *order = sole ? first_sole : first_unit;

	for (int i = 0; i < 3; i++) {
		size_t s, e, pos = 0;
		long g[4];
		while (re_at(order[i], &t->u, pos, t->u.len, &s, &e, g, 2)) {
			char *v = sub8(&t->u, (size_t)g[2], (size_t)g[3]);
			pos = e;
			if (strstr(v, "这") || strstr(v, "那") || strstr(v, "哪")) {
				free(v);
				continue;
			}
			return v;
		}
	}
	return NULL;
}

static char *place_for_inspection(const struct tx *t)
{
	return hdr_value(t, "(?:检查|现场|勘验|执法)地点\\s*[：:]\\s*([^\\s，,。；;]+)");
}

static void replace_all(char **s, const char *from, const char *to)
{
	struct buf b;
	const char *p = *s, *q;

	buf_init(&b, 1 << 20);
	while ((q = strstr(p, from)) != NULL) {
		buf_add(&b, p, (size_t)(q - p));
		buf_adds(&b, to);
		p = q + strlen(from);
	}
	buf_adds(&b, p);
	free(*s);
	*s = buf_detach(&b, NULL);
}

static char *place_from_answers(const struct tx *t)
{
	for (size_t i = 0; i + 1 < t->nsp; i++) {
		size_t s, e;
		long g[4];
		if (t->sp[i].kind != 'Q' || t->sp[i + 1].kind != 'A')
			continue;
		if (!re_at("什么位置|什么地方|什么地点|哪里|哪儿|在哪|何处", &t->u, t->sp[i].s,
			   t->sp[i].e, &s, &e, NULL, 0))
			continue;
		if (re_at(
			"在([^，,。；;？?！!]{3,40}?)(?:被|摆|卖|经营|营业|拉客|开车|[，,。；;]|$)",
			&t->u, t->sp[i + 1].s, t->sp[i + 1].e, &s, &e, g, 2)) {
			char *v = sub8(&t->u, (size_t)g[2], (size_t)g[3]);
			replace_all(&v, "那个", "");
			replace_all(&v, "这个", "");
			replace_all(&v, "跟", "与");
			replace_all(&v, "和", "与");
			{
				size_t n = strlen(v);
				if (n > 3 &&
				    (strcmp(v + n - 3, "上") == 0 || strcmp(v + n - 3, "里") == 0))
					v[n - 3] = '\0';
			}
			return v;
		}
	}
	return NULL;
}

/* ------------------------------------------------------------------ */
/* legal representative */

static char *legal_rep(const struct tx *t, const char *interviewee, const char *role)
{
	size_t s, e;
	long g[4];

	if (re_at("(?:法定代表人|法人代表|法人|经营者|投资人)\\s*(?:是|为|叫|：|:)\\s*([\\x{3400}-"
		  "\\x{4dbf}\\x{4e00}-\\x{9fff}]{2,4}?)(?="
		  "[^\\x{3400}-\\x{4dbf}\\x{4e00}-\\x{9fff}]|$)",
		  &t->u, 0, t->u.len, &s, &e, g, 2)) {
		char *v = sub8(&t->u, (size_t)g[2], (size_t)g[3]);
		if (strcmp(v, "什么") != 0 && strncmp(v, "谁", 3) != 0)
			return v;
		free(v);
	}
	if (interviewee != NULL &&
	    (re_at("经营者(?:是|为)我|我(?:就|本人)?(?:是|系)[^。，,；;]{0,10}(?:法定代表人|法人|"
		   "经营者|业主)|"
		   "(?:店|公司|厂)是我(?:自己)?开的",
		   &t->u, t->hdr_e, t->u.len, &s, &e, NULL, 0) ||
	     (role != NULL &&
	      (strstr(role, "法定代表人") || strstr(role, "经营者") || strstr(role, "业主")))))
		return xstrdup(interviewee);
	/* 问：钟国强在公司担任什么职务？答：他是…法定代表人 */
	for (size_t i = 0; i + 1 < t->nsp; i++) {
		if (t->sp[i].kind != 'Q' || t->sp[i + 1].kind != 'A')
			continue;
		if (re_at("^([\\x{3400}-\\x{4dbf}\\x{4e00}-\\x{9fff}]{2,4}?)(?:在|是|担任|系)",
			  &t->u, t->sp[i].s, t->sp[i].e, &s, &e, g, 2)) {
			size_t s2, e2;
			if (re_at("(?:他|她)(?:是|系|担任)[^。]{0,12}(?:法定代表人|法人)", &t->u,
				  t->sp[i + 1].s, t->sp[i + 1].e, &s2, &e2, NULL, 0))
				return sub8(&t->u, (size_t)g[2], (size_t)g[3]);
		}
	}
	if (re_at("(?<![现场])负责人\\s*(?:是|为|：|:)\\s*([\\x{3400}-\\x{4dbf}\\x{4e00}-\\x{9fff}]"
		  "{2,4}?)(?=[^\\x{3400}-\\x{4dbf}\\x{4e00}-\\x{9fff}]|$)",
		  &t->u, 0, t->u.len, &s, &e, g, 2))
		return sub8(&t->u, (size_t)g[2], (size_t)g[3]);
	return NULL;
}

/* ------------------------------------------------------------------ */
/* interviewee role */

static char *role_value(const struct tx *t, const char *party_type)
{
	char *v = hdr_value(
	    t, "工作单位及职务[ \\x{3000}]*[：:][ \\x{3000}]*[^\\n \\x{3000}]+[ \\x{3000}]+([^ "
	       "\\x{3000}\\n，,（(]+)");
	if (v == NULL)
		v = hdr_value(t, "(?<!工作单位及)职务\\s*[：:]\\s*([^\\s\\x{3000}\\n，,；;（(]+)");
	if (v != NULL && (strcmp(v, "/") == 0 || strcmp(v, "无") == 0 || strcmp(v, "／") == 0 ||
			  strcmp(v, "-") == 0)) {
		free(v);
		v = NULL;
	}
	if (v == NULL)
		v = hdr_value(t, "与本案关系\\s*[：:]\\s*([^\\s\\x{3000}\\n，,（(]+)");
	if (v == NULL && strcmp(party_type, "个人") == 0)
		v = xstrdup("当事人");
	return v;
}

/* ------------------------------------------------------------------ */
/* quantities and amounts */

#define CNUM "[0-9零〇○一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟]"

static bool is_clause_stop(uint32_t c, bool colon)
{
	switch (c) {
	case 0xFF0C: /* ， */
	case ',':
	case 0x3002: /* 。 */
	case 0xFF1B: /* ； */
	case ';':
	case 0xFF1F: /* ？ */
	case '?':
	case 0xFF01: /* ！ */
	case '!':
	case '\n':
		return true;
	case 0xFF1A: /* ： */
	case ':':
		return colon;
	default:
		return false;
	}
}

static bool clause_has(const struct tx *t, size_t at, const char *pat)
{
	size_t s = at, e = at, ms, me;

	while (s > 0 && !is_clause_stop(t->u.p[s - 1], true))
		s--;
	while (e < t->u.len && !is_clause_stop(t->u.p[e], false))
		e++;
	return re_at(pat, &t->u, s, e, &ms, &me, NULL, 0);
}

static bool has_value(json_t *arr, double v, const char *unit)
{
	size_t i;
	json_t *o;

	json_array_foreach(arr, i, o)
	{
		double x = json_number_value(json_object_get(o, "value"));
		const char *u = json_string_value(json_object_get(o, "unit"));
		if (fabs(x - v) < 1e-9 && (unit == NULL || (u != NULL && strcmp(u, unit) == 0)))
			return true;
	}
	return false;
}

static json_t *num_json(double v)
{
	if (v == floor(v) && fabs(v) < 1e15)
		return json_integer((json_int_t)v);
	return json_real(v);
}

static char *item_before(const struct tx *t, size_t at)
{
	size_t s = at;

	while (s > 0 && at - s < 12 && !is_clause_stop(t->u.p[s - 1], true) &&
	       t->u.p[s - 1] != 0x3001)
		s--;
	return sub8(&t->u, s, at);
}

struct money_span {
	size_t s, e;
};

static json_t *amounts(const struct tx *t, struct money_span *ms, size_t *nms, size_t maxms)
{
	json_t *arr = json_array();

	*nms = 0;
	for (size_t i = 0; i < t->nsp; i++) {
		size_t pos = t->sp[i].s, s, e;
		long g[8];
		while (
		    re_at("(" CNUM "+(?:[.点][0-9零〇一二三四五六七八九]+)?" CNUM
			  "*)(来|多|余)?\\s*(?:(?:元|圆|块钱)(?:整)?|块(?![板地砖布石牌田区木铁玻])"
			  "([0-9零一二两三四五六七八九](?![0-9零一二两三四五六七八九十百千万元块]*["
			  "年月日号]))?"
			  "(?:毛|角|钱)?)",
			  &t->u, pos, t->sp[i].e, &s, &e, g, 4)) {
			double v, jiao;
			pos = e;
			if (!extract_cn_number(t->u.p + g[2], (size_t)(g[3] - g[2]), &v))
				continue;
			if (g[6] >= 0 && extract_cn_number(t->u.p + g[6], 1, &jiao))
				v += jiao / 10;
			if (*nms < maxms) {
				ms[*nms].s = s;
				ms[*nms].e = e;
				(*nms)++;
			}
			if (v <= 0 || v > 1e9)
				continue;
			v = round(v * 100) / 100;
			if (clause_has(
				t, s,
				"罚款|罚了|罚金|房租|租金|工资|月薪|注册资本|押金|保证金|奖金|"
				"底薪|每月.*租"))
				continue;
			if (has_value(arr, v, NULL))
				continue;
			{
				char *item = item_before(t, (size_t)g[2]);
				json_array_append_new(arr, json_pack("{s:s,s:o}", "item", item,
								     "value", num_json(v)));
				free(item);
			}
		}
	}
	return arr;
}

static bool in_money(const struct money_span *ms, size_t n, size_t s, bool adjacent)
{
	for (size_t i = 0; i < n; i++) {
		if (s >= ms[i].s && s < ms[i].e)
			return true;
		if (adjacent && s == ms[i].e)
			return true;
	}
	return false;
}

static const char *canon_unit(const char *u)
{
	if (strcmp(u, "名") == 0 || strcmp(u, "位") == 0 || strcmp(u, "个人") == 0)
		return "人";
	if (strcmp(u, "回") == 0)
		return "次";
	if (strcmp(u, "个平方") == 0 || strcmp(u, "平") == 0 || strcmp(u, "平米") == 0 ||
	    strcmp(u, "平方") == 0)
		return "平方米";
	if (strcmp(u, "千克") == 0)
		return "公斤";
	return u;
}

static json_t *quantities(const struct tx *t, const struct money_span *ms, size_t nms)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < t->nsp; i++) {
		size_t pos = t->sp[i].s, s, e;
		long g[10];
		if (t->sp[i].kind == 'Q')
			continue;
		while (re_at(
		    "(?<![0-9."
		    "第每按其中上下这那零〇○一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟]"
		    ")(?<!每["
		    "\\x{4e00}-\\x{9fff}])(" CNUM "+(?:[.点][0-9零〇一二三四五六七八九]+)?)(?:米("
		    "[一二三四五六七八九]))?(来|多|余)?\\s*("
		    "平方米|平米|个平方|平方|立方米|立方|公斤|千克|公里|厘米|毫升|米(?!["
		    "一二三四五六七八九])|"
		    "吨|斤|升|盒|袋|杯|瓶|箱|包|件|桶|只|头|条|辆|台|套|趟|次|回|人次|个人|"
		    "人|名|位|株|棵|罐|筐|支|个)",
		    &t->u, pos, t->sp[i].e, &s, &e, g, 5)) {
			double v, frac;
			char *unit;
			const char *cu;
			pos = e;
			if (in_money(ms, nms, s, true))
				continue;
			if (!extract_cn_number(t->u.p + g[2], (size_t)(g[3] - g[2]), &v) || v <= 0)
				continue;
			if (g[4] >= 0 && extract_cn_number(t->u.p + g[4], 1, &frac)) {
				v += frac / 10; /* 四米五 */
				unit = xstrdup("米");
			} else {
				unit = sub8(&t->u, (size_t)g[8], (size_t)g[9]);
			}
			if (e < t->u.len &&
			    re_at("^[岁年月日号楼层栋期届级]", &t->u, e, e + 1, &s, &s, NULL, 0)) {
				free(unit);
				continue;
			}
			if (strcmp(unit, "个") == 0) {
				size_t s2, e2;
				if (re_at("^(?:人|师傅|工人|员工|小孩|孩子|学生|未成年人|乘客|顾客|"
					  "消费者|焊工|工人|学员|司机|游客|客人)",
					  &t->u, e, t->sp[i].e, &s2, &e2, NULL, 0)) {
					free(unit);
					unit = xstrdup("人");
				} else if (v < 2 ||
					   !re_at("^[\\x{3400}-\\x{4dbf}\\x{4e00}-\\x{9fff}]{0,3}?["
						  "桶筐箱罐瓶袋包]",
						  &t->u, e, t->sp[i].e, &s2, &e2, NULL, 0)) {
					free(unit);
					continue;
				}
			}
			if (clause_has(
				t, (size_t)g[2],
				"照片|录像|视频|页|编号|笔录|复印|不少于|至少|"
				"以上|年龄|岁|学时|课时|每个?(?:礼拜|星期|周|月|年|天|日)|"
				"一共就|总共就|全厂|全公司|员工总数|职工总数|总人数|厂房面积|"
				"就我和|我和我")) {
				free(unit);
				continue;
			}
			/* how often a lawful routine happens is no count of the violation */
			if (strcmp(unit, "次") == 0 &&
			    clause_has(t, (size_t)g[2], "一年|每年|一个月|每月|每周|一周|每季度")) {
				free(unit);
				continue;
			}
			cu = canon_unit(unit);
			if (!has_value(arr, v, cu)) {
				char *item = item_before(t, (size_t)g[2]);
				json_array_append_new(arr,
						      json_pack("{s:s,s:o,s:s}", "item", item,
								"value", num_json(v), "unit", cu));
				free(item);
			}
			free(unit);
		}
	}
	return arr;
}

/* ------------------------------------------------------------------ */
/* evidence */

static bool ev_has(json_t *arr, const char *kw)
{
	size_t i;
	json_t *o;

	json_array_foreach(arr, i, o)
	{
		if (strstr(json_string_value(o), kw))
			return true;
	}
	return false;
}

static void ev_add_clean(json_t *arr, char *v)
{
	static const char *const pre[] = {"我们的", "我的", "你们", "还有",  "以及",
					  "另外",   "和",   "及",   "有",    "是",
					  "就是",   "这些", "那些", "他们的"};
	static const char *const post[] = {"等等", "等", "这些", "都有", "的内容", "了"};
	bool again = true;
	char *p;
	size_t n;

	/* drop bracketed notes */
	while ((p = strstr(v, "（")) != NULL) {
		char *q = strstr(p, "）");
		if (q == NULL)
			break;
		memmove(p, q + 3, strlen(q + 3) + 1);
	}
	while (again) {
		again = false;
		for (size_t i = 0; i < sizeof(pre) / sizeof(pre[0]); i++) {
			size_t k = strlen(pre[i]);
			if (strncmp(v, pre[i], k) == 0 && strlen(v) > k + 3) {
				memmove(v, v + k, strlen(v + k) + 1);
				again = true;
			}
		}
		n = strlen(v);
		for (size_t i = 0; i < sizeof(post) / sizeof(post[0]); i++) {
			size_t k = strlen(post[i]);
			if (n > k + 3 && strcmp(v + n - k, post[i]) == 0) {
				v[n - k] = '\0';
				again = true;
				break;
			}
		}
	}
	/* "这六个人的劳动合同" -> "劳动合同" */
	{
		struct ustr u;
		size_t s, e;
		long g[4];
		ustr_init(&u);
		ustr_add_cstr(&u, v);
		if (re_at("^这[^的]{0,6}的(.+)$", &u, 0, u.len, &s, &e, g, 2)) {
			char *w = sub8(&u, (size_t)g[2], (size_t)g[3]);
			free(v);
			v = w;
		}
		ustr_free(&u);
	}
	if (strlen(v) >= 6 && !ev_has(arr, v))
		json_array_append_new(arr, json_string(v));
	free(v);
}

static void ev_split(const struct tx *t, json_t *arr, size_t s, size_t e, bool split_and)
{
	size_t pos = s, ms, me;
	const char *pat =
	    split_and ? "[、，,；;。？?]|还有|以及|和|及" : "[、，,；;。？?]|还有|以及";

	while (pos < e) {
		size_t stop = e;
		if (re_at(pat, &t->u, pos, e, &ms, &me, NULL, 0))
			stop = ms;
		else
			me = e;
		if (stop > pos)
			ev_add_clean(arr, sub8(&t->u, pos, stop));
		pos = me;
	}
}

static json_t *evidence(const struct tx *t)
{
	json_t *arr = json_array();
	size_t s, e;
	long g[4];

	for (size_t i = 0; i < t->nsp; i++) {
		size_t pos;
		/* materials handed over */
		if (t->sp[i].kind == 'Q' && i + 1 < t->nsp && t->sp[i + 1].kind == 'A' &&
		    re_at("提供了?(?:哪些|什么)|什么材料|哪些材料|提交了?(?:哪些|什么)|带了?(?:"
			  "哪些|什么)",
			  &t->u, t->sp[i].s, t->sp[i].e, &s, &e, NULL, 0)) {
			size_t as = t->sp[i + 1].s;
			if (re_at("^[^、，,。]{0,14}?(?:提供了?|提交了?|带了)", &t->u, as,
				  t->sp[i + 1].e, &s, &e, NULL, 0))
				as = e;
			ev_split(t, arr, as, t->sp[i + 1].e, false);
		}
		/* X 是否由你本人提供 */
		if (t->sp[i].kind == 'Q' &&
		    re_at("^(.{2,30}?)(?:是否|是不是|是)由你(?:本人)?(?:提供|出具|交)", &t->u,
			  t->sp[i].s, t->sp[i].e, &s, &e, g, 2))
			ev_split(t, arr, (size_t)g[2], (size_t)g[3], true);
		/* 你对 X 有无异议 */
		pos = t->sp[i].s;
		if (t->sp[i].kind == 'Q' &&
		    re_at("对(.{2,80}?)(?:的内容)?你?(?:有无|有没有|是否有)异议", &t->u, pos,
			  t->sp[i].e, &s, &e, g, 2)) {
			size_t xs = (size_t)g[2], s2, e2;
			if (re_at("^(?:执法人员)?(?:在现场)?", &t->u, xs, (size_t)g[3], &s2, &e2,
				  NULL, 0))
				xs = e2;
			if (re_at("记录|笔录|照片|视频|录像|截图|证|书|单|表|材料|合同|凭证|票|"
				  "清单|报告|档案|"
				  "台账|明细",
				  &t->u, xs, (size_t)g[3], &s2, &e2, NULL, 0))
				ev_split(t, arr, xs, (size_t)g[3], false);
		}
		/* objects collected: 复印了 / 调取了 / 导出了 */
		pos = t->sp[i].s;
		while (re_at("(?:复印了?|调取了?|调了|导出了?|提取了?)([^，,。；;]{2,40})", &t->u,
			     pos, t->sp[i].e, &s, &e, g, 2)) {
			pos = e;
			ev_split(t, arr, (size_t)g[2], (size_t)g[3],
				 !text_re_has("监控", t->u.p + g[2], (size_t)(g[3] - g[2])));
		}
		/* licences shown or hanging at the counter */
		pos = t->sp[i].s;
		if (re_at("出示|挂在|正本|副本|复印", &t->u, pos, t->sp[i].e, &s, &e, NULL, 0)) {
			while (re_at("((?:营业|经营)?执照|[\\x{3400}-\\x{4dbf}\\x{4e00}-\\x{9fff}]{"
				     "0,8}许可证)",
				     &t->u, pos, t->sp[i].e, &s, &e, g, 2)) {
				char *v = sub8(&t->u, (size_t)g[2], (size_t)g[3]);
				pos = e;
				if (strcmp(v, "执照") == 0) {
					free(v);
					v = xstrdup("营业执照");
				}
				if (!ev_has(arr, v) && !strstr(v, "没有"))
					json_array_append_new(arr, json_string(v));
				free(v);
			}
		}
		/* documents named in 书名号 */
		pos = t->sp[i].s;
		while (re_at("《([^》]{2,30}(?:书|单|记录|笔录|表|证))》", &t->u, pos, t->sp[i].e,
			     &s, &e, g, 2)) {
			char *v = sub8(&t->u, (size_t)g[2], (size_t)g[3]);
			pos = e;
			if (!ev_has(arr, v))
				json_array_append_new(arr, json_string(v));
			free(v);
		}
	}
	/* measures named anywhere in the body */
	{
		struct {
			const char *pat, *kw, *item;
		} m[] = {
		    {"拍了?照|拍照|照片|拍摄", "照片", "现场照片"},
		    {"监控", "监控", "监控录像"},
		    {"执法记录仪|录像|录了像|视频", "录像", "执法记录仪录像"},
		    {"做了?笔录|询问笔录|调查笔录", "笔录", "询问笔录"},
		    {"量了|丈量|测量", "量", "现场丈量"},
		    {"先行登记保存", "登记保存", "先行登记保存证据通知书"},
		    {"委托书", "委托书", "授权委托书"},
		    {"投诉|举报", "投诉", "投诉材料"},
		};
		for (size_t k = 0; k < sizeof(m) / sizeof(m[0]); k++) {
			bool found = false;
			for (size_t i = 0; i < t->nsp && !found; i++) {
				if (re_at(m[k].pat, &t->u, t->sp[i].s, t->sp[i].e, &s, &e, NULL, 0))
					found = true;
			}
			if (!found)
				continue;
			if (strcmp(m[k].kw, "录像") == 0 &&
			    (ev_has(arr, "视频") || ev_has(arr, "录像")))
				continue;
			if (strcmp(m[k].kw, "照片") == 0 && ev_has(arr, "拍"))
				continue;
			if (!ev_has(arr, m[k].kw))
				json_array_append_new(arr, json_string(m[k].item));
		}
	}
	return arr;
}

/* ------------------------------------------------------------------ */
/* facts and admissions */

static json_t *facts(const struct tx *t)
{
	json_t *arr = json_array();
	size_t s, e;

	for (size_t i = 0; i < t->nsp; i++) {
		bool take = false;
		if (t->sp[i].kind == 'N' &&
		    re_at("^\\s*[一二三四五六七八九十]+、", &t->u, t->sp[i].s, t->sp[i].e, &s, &e,
			  NULL, 0) &&
		    !re_at("未发现", &t->u, t->sp[i].s, t->sp[i].e, &s, &e, NULL, 0))
			take = true;
		if (t->sp[i].kind == 'A' && i > 0 && t->sp[i - 1].kind == 'Q' &&
		    re_at("发现了?(?:什么|哪些)|什么问题|什么情况|有没有办理|是否取得|有没有.*证",
			  &t->u, t->sp[i - 1].s, t->sp[i - 1].e, &s, &e, NULL, 0))
			take = true;
		if (!take)
			continue;
		{
			size_t pos = t->sp[i].s;
			while (pos < t->sp[i].e) {
				size_t stop = t->sp[i].e, ms, me;
				if (re_at("[。；;]", &t->u, pos, t->sp[i].e, &ms, &me, NULL, 0))
					stop = ms;
				else
					me = t->sp[i].e;
				if (stop > pos + 4) {
					char *f = sub8(&t->u, pos, stop);
					json_array_append_new(arr, json_string(f));
					free(f);
				}
				pos = me;
			}
		}
	}
	return arr;
}

static bool admissions(const struct tx *t)
{
	int yes = 0, no = 0;

	for (size_t i = 0; i < t->nsp; i++) {
		size_t pos = t->sp[i].s, s, e;
		if (t->sp[i].kind == 'Q')
			continue;
		while (re_at(
		    "承认|认可|错了|属实|(?:没有|无)异议|责任|失误|疏忽|认识到|不敢了|知道不让|"
		    "没注意|管理不到位|没有做到位|从轻|从宽|宽大|不好意思",
		    &t->u, pos, t->sp[i].e, &s, &e, NULL, 0)) {
			pos = e;
			if (!clause_has(t, s,
					"不承认|不认可|不属实|不是我的责任|没有责任|不是事实"))
				yes++;
		}
		pos = t->sp[i].s;
		while (re_at(
		    "不承认|否认|不认可|不属实|(?<![没无])有异议|不是事实|没有违法|不存在违法|"
		    "不是我的责任|没有卖过|从来没有|不知道这回事|没有这回事|没这回事|冤枉|诬告|"
		    "不是我们(?:干|做|卖|放)的",
		    &t->u, pos, t->sp[i].e, &s, &e, NULL, 0)) {
			pos = e;
			no++;
		}
	}
	return !(no > 0 && no >= yes);
}

/* ------------------------------------------------------------------ */

/* The enforcement organ as the record names it (not scored; used by drafts). */
static char *organ(const struct tx *t)
{
	size_t s, e;
	long g[4];

	if (re_at("^\\s*([^\\n：:]{4,40}(?:局|大队|支队|中队|委员会|管理所|监管所|执法队|办公室))"
		  "\\s*\\n",
		  &t->u, 0, t->hdr_e, &s, &e, g, 2))
		return sub8(&t->u, (size_t)g[2], (size_t)g[3]);
	for (size_t i = 0; i < t->nsp && i < 4; i++) {
		if (t->sp[i].kind == 'Q' && re_at("我们是([^，,。的]{4,40}(?:局|大队|支队|中队|"
						  "委员会|所|队))(?:的|[^，,。]{0,12}的)?执法人员",
						  &t->u, t->sp[i].s, t->sp[i].e, &s, &e, g, 2))
			return sub8(&t->u, (size_t)g[2], (size_t)g[3]);
	}
	return NULL;
}

static json_t *str_or_null(char *s)
{
	json_t *v = s ? json_string(s) : json_null();
	free(s);
	return v ? v : json_null();
}

/* a before b; within one month a day-precise date wins over the month */
static bool earlier(const struct date *a, const struct date *b)
{
	if (a->y != b->y || a->m != b->m)
		return date_key(a) < date_key(b);
	if ((a->d == 0) != (b->d == 0))
		return a->d != 0;
	return a->d < b->d;
}

static bool all_dates_before(const struct date *d, long limit)
{
	return date_key(d) <= limit;
}

int extract_transcript(const char *text, size_t len, json_t **result, struct err *e)
{
	struct tx t;
	size_t bad = 0, s, en;
	json_t *o, *party, *iv;
	char *uscc, *iname, *iid, *role, *pname = NULL, *paddr = NULL, *plr = NULL, *place = NULL;
	const char *ptype;
	struct date ds[MAX_DATES], insp = {0}, inc = {0};
	bool have_insp = false, have_inc = false;
	struct money_span *ms;
	size_t nms = 0;

	*result = NULL;
	if (len > EXTRACT_MAX_INPUT)
		return err_set(e, BASE_E_LIMIT, "笔录过大（%zu 字节，上限 %zu 字节）", len,
			       EXTRACT_MAX_INPUT);
	if (!text_utf8_valid(text, len, &bad))
		return err_set(e, BASE_E_FORMAT, "笔录不是有效的 UTF-8 文本（第 %zu 字节处）", bad);
	memset(&t, 0, sizeof(t));
	ustr_init(&t.u);
	ustr_add_utf8(&t.u, text, len);
	normalise(&t.u);
	segment(&t);
	record_date(&t);

	o = json_object();
	json_object_set_new(o, "record_type",
			    json_string(t.inspection ? "现场检查笔录" : "询问笔录"));
	{
		struct date rd = {0, 0, t.ry, t.rm, t.rd};
		json_object_set_new(o, "record_date", t.ry ? date_json(&rd) : json_null());
	}
	json_object_set_new(o, "officers", officers(&t));

	/* interviewee */
	iname = hdr_value(
	    &t, "(?:被询问人|被调查人|被检查人|现场负责人|当事人)(?:姓名)?\\s*[：:]\\s*" NAME);
	iid = find_id(&t, 0, t.hdr_e);
	uscc = find_uscc(&t);

	/* party */
	pname = org_name(&t);
	/* an organisation when a code or a registered name is stated, else a person */
	if (uscc != NULL || pname != NULL) {
		bool sole = (uscc != NULL && strncmp(uscc, "92", 2) == 0) ||
			    text_re_has("个体工商户|个体户", t.u.p, t.u.len);
		ptype = sole ? "个体工商户" : "单位";
	} else {
		ptype = "个人";
	}
	role = role_value(&t, ptype);
	if (strcmp(ptype, "个人") == 0) {
		free(pname);
		pname = iname ? xstrdup(iname) : NULL;
		paddr = hdr_value(
		    &t,
		    "(?:现住址|家庭住址|住址|住所|现住所)\\s*[：:]\\s*([^\\s\\x{3000}，,；;]+)");
		place = t.inspection ? place_for_inspection(&t) : place_from_answers(&t);
	} else {
		paddr = org_address(&t, strcmp(ptype, "个体工商户") == 0);
		plr = legal_rep(&t, iname, role);
		if (t.inspection)
			place = place_for_inspection(&t);
		if (place == NULL) {
			place = org_address(&t, true);
		}
	}
	party = json_object();
	json_object_set_new(party, "name", str_or_null(pname));
	json_object_set_new(party, "type", json_string(ptype));
	json_object_set_new(party, "uscc",
			    strcmp(ptype, "个人") == 0 ? json_null()
						       : str_or_null(xstrdup(uscc ? uscc : "")));
	if (uscc == NULL || strcmp(ptype, "个人") == 0)
		json_object_set_new(party, "uscc", json_null());
	json_object_set_new(party, "id_number",
			    strcmp(ptype, "个人") == 0 && iid ? json_string(iid) : json_null());
	json_object_set_new(party, "address", str_or_null(paddr));
	json_object_set_new(party, "legal_representative", str_or_null(plr));
	json_object_set_new(o, "party", party);

	iv = json_object();
	json_object_set_new(iv, "name", iname ? json_string(iname) : json_null());
	json_object_set_new(iv, "id_number", iid ? json_string(iid) : json_null());
	json_object_set_new(iv, "role", str_or_null(role));
	json_object_set_new(o, "interviewee", iv);

	/* inspection date: the first turn about the inspection that names a date */
	if (t.inspection && t.ry) {
		insp.y = t.ry;
		insp.m = t.rm;
		insp.d = t.rd;
		have_insp = true;
	}
	for (size_t i = 0; i < t.nsp && !have_insp; i++) {
		size_t n;
		if (!re_at("检查|被查|查获|查处|拦下|拦截|现场", &t.u, t.sp[i].s, t.sp[i].e, &s,
			   &en, NULL, 0))
			continue;
		n = find_dates(&t, t.sp[i].s, t.sp[i].e, ds, MAX_DATES);
		for (size_t k = 0; k < n && !have_insp; k++) {
			if (ds[k].d) {
				insp = ds[k];
				have_insp = true;
			}
		}
		if (!have_insp && t.sp[i].kind == 'Q' && i + 1 < t.nsp && t.sp[i + 1].kind == 'A') {
			n = find_dates(&t, t.sp[i + 1].s, t.sp[i + 1].e, ds, MAX_DATES);
			for (size_t k = 0; k < n && !have_insp; k++) {
				if (ds[k].d) {
					insp = ds[k];
					have_insp = true;
				}
			}
		}
	}
	if (!have_insp && t.ry) {
		insp.y = t.ry;
		insp.m = t.rm;
		insp.d = t.rd;
		have_insp = true;
	}
	json_object_set_new(o, "inspection_date", have_insp ? date_json(&insp) : json_null());

	/* incident date: earliest start named in a statement */
	{
		long limit = have_insp ? date_key(&insp) : 99999999;
		for (size_t i = 0; i < t.nsp; i++) {
			size_t pos = t.sp[i].s;
			if (t.sp[i].kind == 'Q')
				continue;
			while (pos < t.sp[i].e) {
				size_t stop = t.sp[i].e, ms2, me2, n;
				if (re_at("[。；;？?！!]", &t.u, pos, t.sp[i].e, &ms2, &me2, NULL,
					  0))
					stop = ms2;
				else
					me2 = t.sp[i].e;
				if (re_at("开始|开业|开张|开的张|开始营业|入职|上岗|到期|过期|以来|"
					  "堆放|"
					  "从.{0,12}起|起[，,]",
					  &t.u, pos, stop, &s, &en, NULL, 0)) {
					n = find_dates(&t, pos, stop, ds, MAX_DATES);
					for (size_t k = 0; k < n; k++) {
						if (!all_dates_before(&ds[k], limit))
							continue;
						if (!have_inc || earlier(&ds[k], &inc)) {
							inc = ds[k];
							have_inc = true;
						}
					}
				}
				pos = me2;
			}
		}
		if (!have_inc && have_insp) {
			inc = insp;
			have_inc = true;
		}
	}
	json_object_set_new(o, "incident_date", have_inc ? date_json(&inc) : json_null());
	json_object_set_new(o, "place", str_or_null(place));
	json_object_set_new(o, "violation_facts", facts(&t));
	ms = xcalloc(1024, sizeof(*ms));
	{
		json_t *am = amounts(&t, ms, &nms, 1024);
		json_object_set_new(o, "quantities", quantities(&t, ms, nms));
		json_object_set_new(o, "amounts", am);
	}
	free(ms);
	json_object_set_new(o, "evidence", evidence(&t));
	json_object_set_new(o, "admissions", json_boolean(admissions(&t)));
	json_object_set_new(o, "organ", str_or_null(organ(&t)));
	json_object_set_new(o, "law_articles", json_null());
	json_object_set_new(o, "penalty_amount", json_null());
	json_object_set_new(o, "document_number", json_null());

	free(iname);
	free(iid);
	free(uscc);
	free(t.sp);
	ustr_free(&t.u);
	*result = o;
	return 0;
}

int extract_read_text(const void *data, size_t len, const char *label, char **text, size_t *tlen,
		      struct err *e)
{
	struct doc_docx *d = NULL;
	struct buf b;
	int rc;

	*text = NULL;
	*tlen = 0;
	if (len > EXTRACT_MAX_INPUT)
		return err_set(e, BASE_E_LIMIT, "%s：文件过大（%zu 字节，上限 %zu 字节）", label,
			       len, EXTRACT_MAX_INPUT);
	buf_init(&b, EXTRACT_MAX_INPUT);
	if (len < 4 || memcmp(data, "PK\x03\x04", 4) != 0) {
		buf_add(&b, data, len);
		buf_addc(&b, '\0');
		*tlen = len;
		*text = buf_detach(&b, NULL);
		return 0;
	}
	rc = doc_docx_open_mem(data, len, label, &d, e);
	if (rc != 0) {
		buf_free(&b);
		return rc;
	}
	for (size_t i = 0; i < d->npara; i++) {
		struct doc_ptext pt;
		doc_ptext_init(&pt);
		doc_docx_para_text(d->paras[i], &pt);
		if (text_buf_add_ucs(&b, pt.text.p, pt.text.len) != 0 || buf_addc(&b, '\n') != 0) {
			doc_ptext_free(&pt);
			buf_free(&b);
			doc_docx_free(d);
			return err_set(e, BASE_E_LIMIT, "%s：文本过长", label);
		}
		doc_ptext_free(&pt);
	}
	doc_docx_free(d);
	*tlen = b.len;
	buf_addc(&b, '\0');
	*text = buf_detach(&b, NULL);
	return 0;
}

int extract_transcript_bytes(const void *data, size_t len, const char *label, json_t **result,
			     struct err *e)
{
	char *text;
	size_t tlen;
	int rc;

	*result = NULL;
	rc = extract_read_text(data, len, label, &text, &tlen, e);
	if (rc != 0)
		return rc;
	rc = extract_transcript(text, tlen, result, e);
	free(text);
	return rc;
}

int extract_transcript_file(const char *path, json_t **result, struct err *e)
{
	char *data = NULL;
	size_t len = 0;
	int rc;

	*result = NULL;
	rc = base_read_file(path, EXTRACT_MAX_INPUT, &data, &len, e);
	if (rc != 0)
		return rc;
	rc = extract_transcript_bytes(data, len, path, result, e);
	free(data);
	return rc;
}
