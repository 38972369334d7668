/*
 * privacy/pii: numbers with check digits, phones, e-mail, plates, passports;
 * the overlap resolution and the public scan entry point. See privacy.h.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "privacy/pii_internal.h"
#include "text/regex.h"

/* ---- small helpers ---- */

void privacy_spans_free(struct privacy_spans *s)
{
	free(s->v);
	memset(s, 0, sizeof(*s));
}

void privacy_span_add(struct privacy_spans *s, size_t start, size_t end, int type)
{
	s->v = xgrow(s->v, &s->cap, s->n + 1, sizeof(*s->v));
	s->v[s->n].start = start;
	s->v[s->n].end = end;
	s->v[s->n].type = type;
	s->n++;
}

/* Character sets: each distinct literal decoded and sorted once. */
struct char_set {
	const char *key;
	uint32_t *cps;
	size_t n;
	struct char_set *next;
};

static struct char_set *char_sets;
static pthread_mutex_t char_sets_lock = PTHREAD_MUTEX_INITIALIZER;

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a;
	uint32_t y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static struct char_set *char_set_get(const char *set_utf8)
{
	struct char_set *cs;
	struct ustr u;

	pthread_mutex_lock(&char_sets_lock);
	for (cs = char_sets; cs != NULL; cs = cs->next) {
		if (cs->key == set_utf8)
			break;
	}
	if (cs == NULL) {
		cs = xcalloc(1, sizeof(*cs));
		ustr_init(&u);
		ustr_add_cstr(&u, set_utf8);
		qsort(u.p, u.len, sizeof(uint32_t), cmp_u32);
		cs->key = set_utf8;
		cs->cps = u.p;
		cs->n = u.len;
		cs->next = char_sets;
		char_sets = cs;
	}
	pthread_mutex_unlock(&char_sets_lock);
	return cs;
}

bool privacy_char_in(const char *set_utf8, uint32_t c)
{
	struct char_set *cs = char_set_get(set_utf8);

	return bsearch(&c, cs->cps, cs->n, sizeof(uint32_t), cmp_u32) != NULL;
}

/* ---- check digits ---- */

static bool all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
	}
	return true;
}

static int num2(const char *s)
{
	return (s[0] - '0') * 10 + (s[1] - '0');
}

static bool leap_year(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static bool date_valid(int y, int m, int d)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int dim;

	if (m < 1 || m > 12 || d < 1)
		return false;
	dim = days[m - 1] + (m == 2 && leap_year(y));
	return d <= dim;
}

/* GB/T 2260 province-level codes (first two digits of an address code),
 * plus 91 used by the 2023 外国人永久居留身份证. */
static bool province_code_valid(int p)
{
	return (p >= 11 && p <= 15) || (p >= 21 && p <= 23) || (p >= 31 && p <= 37) ||
	       (p >= 41 && p <= 46) || (p >= 50 && p <= 54) || (p >= 61 && p <= 65) || p == 71 ||
	       p == 81 || p == 82 || p == 83 || p == 91;
}

/* The 6-digit address code and the birth date look like a 身份证号 (used
 * both for IDs and to keep wrong-check IDs out of the bank-card rule). */
static bool id_shape(const char *s)
{
	int y = num2(s + 6) * 100 + num2(s + 8);

	if (!province_code_valid(num2(s)))
		return false;
	/* Birth years from 1900 to 2030, as the issuing rules allow. */
	if (y < 1900 || y > 2030)
		return false;
	return date_valid(y, num2(s + 10), num2(s + 12));
}

bool privacy_id_valid(const char *s, size_t n)
{
	/* GB 11643-1999: weights 2^(18-i) mod 11, check "10X98765432"[sum mod 11]. */
	static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
	static const char check[] = "10X98765432";
	int sum = 0;
	char last;

	if (n != 18 || !all_digits(s, 17))
		return false;
	last = s[17] == 'x' ? 'X' : s[17];
	if (!((last >= '0' && last <= '9') || last == 'X'))
		return false;
	if (!id_shape(s))
		return false;
	for (int i = 0; i < 17; i++)
		sum += (s[i] - '0') * w[i];
	return check[sum % 11] == last;
}

/* GB 32100-2015 charset: 0-9 and A-Z without I O S V Z; value = index. */
static int uscc_value(char c)
{
	static const char cs[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
	const char *p;

	if (c == '\0')
		return -1;
	p = strchr(cs, c);
	return p ? (int)(p - cs) : -1;
}

/* GB 11714-1997: 8 body characters (0-9 = 0-9, A = 10 … Z = 35), weights
 * 3 7 9 10 5 8 4 2, check 11 - sum mod 11 (10 -> X, 11 -> 0). */
static bool org_code_valid(const char *s)
{
	static const int w[8] = {3, 7, 9, 10, 5, 8, 4, 2};
	int sum = 0;
	int c;
	char want;

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
	want = c == 10 ? 'X' : c == 11 ? '0' : (char)('0' + c);
	return s[8] == want;
}

bool privacy_uscc_valid(const char *s, size_t n)
{
	/* Weights 3^(i-1) mod 31; check = charset[(31 - sum mod 31) mod 31]. */
	static const int w[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};
	static const char cs[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
	int sum = 0;

	if (n != 18 || !all_digits(s + 2, 6))
		return false;
	for (int i = 0; i < 17; i++) {
		int v = uscc_value(s[i]);

		if (v < 0)
			return false;
		sum += v * w[i];
	}
	if (cs[(31 - sum % 31) % 31] != s[17])
		return false;
	/* Positions 9-17 hold the organisation code with its own check. */
	return org_code_valid(s + 8);
}

bool privacy_luhn_valid(const char *s, size_t n)
{
	int sum = 0;

	if (n == 0 || !all_digits(s, n))
		return false;
	for (size_t i = 0; i < n; i++) {
		int d = s[n - 1 - i] - '0';

		if (i % 2 == 1) {
			d *= 2;
			if (d > 9)
				d -= 9;
		}
		sum += d;
	}
	return sum % 10 == 0;
}

/* A card number issued in China: 16-19 digits, Luhn, an issuer prefix of
 * UnionPay (62, 60, 9), Visa (4), Mastercard (5), JCB/AmEx (3); numbers that
 * have the shape of a 身份证号 (area code + birth date) are not cards, and
 * neither are numbers starting with a year (order and ticket numbers). */
static bool bank_card_valid(const char *s, size_t n)
{
	if (n < 16 || n > 19 || !privacy_luhn_valid(s, n))
		return false;
	if (!(s[0] == '3' || s[0] == '4' || s[0] == '5' || s[0] == '6' || s[0] == '9'))
		return false;
	if (n == 18 && id_shape(s))
		return false;
	return true;
}

/* ---- the scan ---- */

/* Copy the letters and digits of q[s..e) (skipping spaces and hyphens)
 * into out (cap bytes); returns the count or 0 when it does not fit. */
static size_t compact(const uint32_t *q, size_t s, size_t e, char *out, size_t cap)
{
	size_t k = 0;

	for (size_t i = s; i < e; i++) {
		uint32_t c = q[i];

		if (c == ' ' || c == '-' || c == 0x3000)
			continue;
		if (c > 0x7f || k + 1 >= cap)
			return 0;
		out[k++] = (char)c;
	}
	out[k] = '\0';
	return k;
}

/* Fold full-width ASCII (U+FF01..U+FF5E) to ASCII; one code point each, so
 * offsets do not move. */
static uint32_t *normalize(const uint32_t *p, size_t n)
{
	uint32_t *q = xmalloc((n ? n : 1) * sizeof(uint32_t));

	for (size_t i = 0; i < n; i++)
		q[i] = text_halfwidth(p[i]);
	return q;
}

#define B_NOT_ALNUM_BEFORE "(?<![0-9A-Za-z])"
#define B_NOT_ALNUM_AFTER  "(?![0-9A-Za-z])"

static const char re_id[] =
    B_NOT_ALNUM_BEFORE "[0-9]{6} ?[0-9]{8} ?[0-9]{3}[0-9Xx]" B_NOT_ALNUM_AFTER;
static const char re_uscc[] =
    B_NOT_ALNUM_BEFORE "[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}" B_NOT_ALNUM_AFTER;
static const char re_bank[] = B_NOT_ALNUM_BEFORE
    "(?:[0-9]{16,19}|[0-9]{4}(?: [0-9]{4}){3}(?: [0-9]{1,3})?|[0-9]{4}(?:-[0-9]{4}){3}"
    "(?:-[0-9]{1,3})?|[0-9]{6} [0-9]{10,13})" B_NOT_ALNUM_AFTER;
static const char re_mobile[] =
    "(?<![0-9A-Za-z+])(?:(?:\\+|00)86[ -]?|[(（]\\+?86[)）] ?)?"
    "1[3-9][0-9](?:[0-9]{8}|[ -][0-9]{4}[ -][0-9]{4})" B_NOT_ALNUM_AFTER;
/* Area codes: 010, 020-029 or 0 + three digits from 03xx up; local numbers
 * of 7 or 8 digits not starting with 0 or 1. */
static const char re_landline[] = B_NOT_ALNUM_BEFORE
    "(?:[(（]0(?:10|2[0-9]|[3-9][0-9]{2})[)）] ?|0(?:10|2[0-9]|[3-9][0-9]{2})[ -])"
    "[2-9][0-9]{2,3}[ -]?[0-9]{4}" B_NOT_ALNUM_AFTER;
/* 8-digit local numbers only with a label that says they are a phone. */
static const char re_landline_local[] =
    "(?:座机|固话|固定电话|办公电话|家庭电话|住宅电话|来电号码|电话号码|联系电话|电话|传真)"
    "(?:号码)?[：: ]*([2-9][0-9]{6,7})" B_NOT_ALNUM_AFTER;
static const char re_email[] =
    "(?<![0-9A-Za-z._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@"
    "[A-Za-z0-9-]{1,63}(?:\\.[A-Za-z0-9-]{1,63})*\\.[A-Za-z]{2,12}" B_NOT_ALNUM_AFTER;
/* GA 36-2018: province abbreviation, issuing-office letter (no I, O), an
 * optional separator dot, then five characters, or six for 新能源 plates
 * (D/F first for small vehicles, last for large ones). */
static const char re_plate[] =
    "[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-HJ-NP-Z][·•・.]?"
    "(?:[DF][A-HJ-NP-Z0-9][0-9]{4}|[0-9]{5}[DF]|[A-HJ-NP-Z0-9]{5})" B_NOT_ALNUM_AFTER;
/* Ordinary passports: E + 8 digits, E + letter + 7 digits (2012 e-passports),
 * G + 8 digits (older). Other shapes only right after a 护照 label. */
static const char re_passport[] =
    B_NOT_ALNUM_BEFORE "(?:E[0-9]{8}|E[A-HJ-NP-Z][0-9]{7}|G[0-9]{8})" B_NOT_ALNUM_AFTER;
static const char re_passport_label[] =
    "护照(?:号码|号|编号)?[：: ]*([A-Z]{1,2}[0-9]{6,8})" B_NOT_ALNUM_AFTER;

typedef bool (*value_check)(const uint32_t *q, size_t s, size_t e);

static bool check_id(const uint32_t *q, size_t s, size_t e)
{
	char b[32];
	size_t k = compact(q, s, e, b, sizeof(b));

	if (k == 18 && b[17] == 'x')
		b[17] = 'X';
	return privacy_id_valid(b, k);
}

static bool check_uscc(const uint32_t *q, size_t s, size_t e)
{
	char b[32];
	size_t k = compact(q, s, e, b, sizeof(b));

	return privacy_uscc_valid(b, k);
}

static bool check_bank(const uint32_t *q, size_t s, size_t e)
{
	char b[32];
	size_t k = compact(q, s, e, b, sizeof(b));

	return bank_card_valid(b, k);
}

static bool is_plate_dot(uint32_t c)
{
	return c == 0xB7 || c == 0x2022 || c == 0x30FB || c == '.';
}

/* At most two letters among the five characters of an ordinary plate. */
static bool check_plate(const uint32_t *q, size_t s, size_t e)
{
	size_t letters = 0;
	size_t body = e - s - 2 - (is_plate_dot(q[s + 2]) ? 1 : 0);

	if (body == 6)
		return true; /* 新能源 */
	for (size_t i = e - 5; i < e; i++)
		letters += q[i] >= 'A' && q[i] <= 'Z';
	return letters <= 2;
}

void privacy_re_each(const char *pattern, const uint32_t *q, size_t n, privacy_match_fn fn,
		     void *arg)
{
	struct text_re *re = text_re_get(pattern);
	size_t pos = 0;
	size_t s;
	size_t e;
	long g[2];

	while (pos < n && text_re_search(re, q, n, pos, &s, &e, g, 1)) {
		fn(q, n, s, e, g, arg);
		pos = e > s ? e : s + 1;
	}
}

struct scan_ctx {
	int type;
	bool group1;
	value_check check;
	struct privacy_spans *cand;
};

static void scan_match(const uint32_t *q, size_t n, size_t s, size_t e, const long *g, void *arg)
{
	const struct scan_ctx *c = arg;

	(void)n;
	if (c->group1 && g[0] >= 0) {
		s = (size_t)g[0];
		e = (size_t)g[1];
	}
	if (c->check == NULL || c->check(q, s, e))
		privacy_span_add(c->cand, s, e, c->type);
}

/* Every match of pattern (group 1 when group1) that passes check. */
static void scan_re(const char *pattern, const uint32_t *q, size_t n, int type, bool group1,
		    value_check check, struct privacy_spans *cand)
{
	struct scan_ctx c = {type, group1, check, cand};

	privacy_re_each(pattern, q, n, scan_match, &c);
}

static const char *const type_keys[PRIVACY_PII_NTYPES] = {
    "id_card", "mobile", "landline", "bank_card", "uscc",
    "email",   "plate",	 "passport", "name",	  "address"};
static const char *const type_labels[PRIVACY_PII_NTYPES] = {
    "身份证", "手机", "座机", "银行卡", "信用代码", "邮箱", "车牌", "护照", "姓名", "地址"};

const char *privacy_pii_type_key(int type)
{
	return type >= 0 && type < PRIVACY_PII_NTYPES ? type_keys[type] : NULL;
}

const char *privacy_pii_type_label(int type)
{
	return type >= 0 && type < PRIVACY_PII_NTYPES ? type_labels[type] : NULL;
}

/* Which detector wins an overlap: values with a check digit first, then the
 * more specific shapes, then context rules. */
static int priority(int type)
{
	static const int rank[PRIVACY_PII_NTYPES] = {
	    [PRIVACY_PII_EMAIL] = 0,	 [PRIVACY_PII_ID_CARD] = 1,  [PRIVACY_PII_USCC] = 2,
	    [PRIVACY_PII_BANK_CARD] = 3, [PRIVACY_PII_PASSPORT] = 4, [PRIVACY_PII_MOBILE] = 5,
	    [PRIVACY_PII_LANDLINE] = 6,	 [PRIVACY_PII_PLATE] = 7,    [PRIVACY_PII_ADDRESS] = 8,
	    [PRIVACY_PII_NAME] = 9};

	return rank[type];
}

static int cmp_priority(const void *a, const void *b)
{
	const struct privacy_span *x = a;
	const struct privacy_span *y = b;
	int px = priority(x->type);
	int py = priority(y->type);

	if (px != py)
		return px < py ? -1 : 1;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	/* Longer first for the same start. */
	return x->end > y->end ? -1 : x->end < y->end;
}

static int cmp_start(const void *a, const void *b)
{
	const struct privacy_span *x = a;
	const struct privacy_span *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* Keep the highest-priority candidates that do not overlap a kept one. */
static void resolve(struct privacy_spans *cand, size_t n, struct privacy_spans *out)
{
	unsigned char *taken;

	if (cand->n == 0)
		return;
	taken = xcalloc(n ? n : 1, 1);
	qsort(cand->v, cand->n, sizeof(*cand->v), cmp_priority);
	for (size_t i = 0; i < cand->n; i++) {
		const struct privacy_span *c = &cand->v[i];
		bool free_run = true;

		for (size_t k = c->start; k < c->end && free_run; k++)
			free_run = !taken[k];
		if (!free_run)
			continue;
		memset(taken + c->start, 1, c->end - c->start);
		privacy_span_add(out, c->start, c->end, c->type);
	}
	free(taken);
	qsort(out->v, out->n, sizeof(*out->v), cmp_start);
}

void privacy_pii_scan(const uint32_t *p, size_t n, struct privacy_spans *out)
{
	struct privacy_spans cand = {0};
	uint32_t *q = normalize(p, n);

	out->n = 0;
	scan_re(re_email, q, n, PRIVACY_PII_EMAIL, false, NULL, &cand);
	scan_re(re_id, q, n, PRIVACY_PII_ID_CARD, false, check_id, &cand);
	scan_re(re_uscc, q, n, PRIVACY_PII_USCC, false, check_uscc, &cand);
	scan_re(re_bank, q, n, PRIVACY_PII_BANK_CARD, false, check_bank, &cand);
	scan_re(re_passport, q, n, PRIVACY_PII_PASSPORT, false, NULL, &cand);
	scan_re(re_passport_label, q, n, PRIVACY_PII_PASSPORT, true, NULL, &cand);
	scan_re(re_mobile, q, n, PRIVACY_PII_MOBILE, false, NULL, &cand);
	scan_re(re_landline, q, n, PRIVACY_PII_LANDLINE, false, NULL, &cand);
	scan_re(re_landline_local, q, n, PRIVACY_PII_LANDLINE, true, NULL, &cand);
	scan_re(re_plate, q, n, PRIVACY_PII_PLATE, false, check_plate, &cand);
	privacy_scan_addresses(q, n, &cand);
	privacy_scan_names(q, n, &cand);
	resolve(&cand, n, out);
	privacy_spans_free(&cand);
	free(q);
}

int privacy_text_load(const char *s, size_t len, const char *label, struct ustr *out, struct err *e)
{
	size_t bad = 0;

	ustr_init(out);
	if (len > PRIVACY_INPUT_MAX)
		return err_set(e, BASE_E_LIMIT, "%s：文本超过 %u MB 上限", label,
			       PRIVACY_INPUT_MAX / (1024u * 1024u));
	if (!text_utf8_valid(s, len, &bad))
		return err_set(e, BASE_E_FORMAT, "%s：不是有效的 UTF-8 文本（第 %zu 字节）", label,
			       bad);
	if (memchr(s, '\0', len) != NULL)
		return err_set(e, BASE_E_FORMAT, "%s：文本中含有 NUL 字符", label);
	ustr_add_utf8(out, s, len);
	return 0;
}
