/* enterprise/field: see ent_field.h. */
#include <stdio.h>
#include <string.h>

#include <unicode/unorm2.h>
#include <unicode/ustring.h>

#include "enterprise/ent_field.h"
#include "text/text.h"

/* Python's str.isspace() (what str.strip() removes). */
static bool py_space(uint32_t c)
{
	return c == ' ' || (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x1F) || c == 0x85 ||
	       c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 ||
	       c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

/* Trim Python whitespace from both ends of s[0..*len); returns the start. */
static const char *py_strip(const char *s, size_t *len)
{
	size_t a = 0;
	size_t b = *len;

	while (a < b) {
		uint32_t cp;
		size_t n = text_utf8_decode(s + a, b - a, &cp);

		if (!py_space(cp))
			break;
		a += n;
	}
	while (b > a) {
		size_t k = b - 1;
		uint32_t cp;

		while (k > a && ((unsigned char)s[k] & 0xC0) == 0x80)
			k--;
		text_utf8_decode(s + k, b - k, &cp);
		if (!py_space(cp))
			break;
		b = k;
	}
	*len = b - a;
	return s + a;
}

static bool is_ascii(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if ((unsigned char)s[i] >= 0x80)
			return false;
	}
	return true;
}

/* NFKC of s[0..len) into out (cap bytes), then trimmed; -1 when it does not
 * fit or ICU fails. *olen receives the length. */
int ent_field_clean(const char *s, size_t len, char *out, size_t cap, size_t *olen)
{
	const char *t;
	size_t tl;

	if (len > ENT_TYPED_MAX)
		return -1;
	if (is_ascii(s, len)) {
		tl = len;
		t = py_strip(s, &tl);
		if (tl + 1 > cap)
			return -1;
		memcpy(out, t, tl);
		out[tl] = '\0';
		*olen = tl;
		return 0;
	} else {
		UChar src[ENT_TYPED_MAX + 1];
		UChar dst[4 * ENT_TYPED_MAX];
		UErrorCode uerr = U_ZERO_ERROR;
		const UNormalizer2 *nfkc = unorm2_getNFKCInstance(&uerr);
		int32_t n = 0;
		int32_t m;
		int32_t w = 0;
		char tmp[12 * ENT_TYPED_MAX];

		if (U_FAILURE(uerr))
			return -1;
		u_strFromUTF8WithSub(src, (int32_t)ARRAY_LEN(src), &n, s, (int32_t)len, 0xFFFD,
				     NULL, &uerr);
		if (U_FAILURE(uerr))
			return -1;
		m = unorm2_normalize(nfkc, src, n, dst, (int32_t)ARRAY_LEN(dst), &uerr);
		if (U_FAILURE(uerr))
			return -1;
		u_strToUTF8(tmp, (int32_t)sizeof(tmp), &w, dst, m, &uerr);
		if (U_FAILURE(uerr) || w < 0)
			return -1;
		tl = (size_t)w;
		t = py_strip(tmp, &tl);
		if (tl + 1 > cap)
			return -1;
		memcpy(out, t, tl);
		out[tl] = '\0';
		*olen = tl;
		return 0;
	}
}

static bool all_digits(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
	}
	return true;
}

static int digits_val(const char *s, size_t n)
{
	int v = 0;

	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

static bool leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int y, int m)
{
	static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	return m == 2 && leap(y) ? 29 : d[m - 1];
}

bool ent_date_valid(int y, int m, int d)
{
	return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= month_days(y, m);
}

/* Days since 1970-01-01 (H. Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era;
	int64_t yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int64_t civil_from_days(int64_t z)
{
	int64_t era, doe, yoe, y, doy, mp, d, m;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	return (y + (m <= 2)) * 10000 + m * 100 + d;
}

int64_t ent_date_add_days(int64_t d, int days)
{
	return civil_from_days(days_from_civil(d / 10000, (int)(d / 100 % 100), (int)(d % 100)) +
			       days);
}

int64_t ent_date_add_years(int64_t d, int years)
{
	int64_t y = d / 10000 + years;
	int m = (int)(d / 100 % 100);
	int day = (int)(d % 100);

	if (m == 2 && day == 29 && !leap((int)y))
		day = 28;
	return y * 10000 + m * 100 + day;
}

int ent_full_years(int64_t from, int64_t to)
{
	int years = (int)(to / 10000 - from / 10000);

	if (to % 10000 < from % 10000)
		years--;
	return years;
}

/* "YYYY?M?D" with one separator kind, optional " HH:MM[:SS]"; YYYY年M月D日;
 * YYYYMMDD. Returns YYYYMMDD or -1. */
static int64_t parse_date_text(const char *s, size_t n)
{
	int y, m, d;
	size_t i;

	if (n == 8 && all_digits(s, 8)) {
		y = digits_val(s, 4);
		m = digits_val(s + 4, 2);
		d = digits_val(s + 6, 2);
		goto check;
	}
	if (n < 8 || !all_digits(s, 4))
		return -1;
	y = digits_val(s, 4);
	i = 4;
	if (s[i] == '-' || s[i] == '/' || s[i] == '.') {
		char sep = s[i++];
		size_t a = i;

		while (i < n && i - a < 3 && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i - a < 1 || i - a > 2 || i >= n || s[i] != sep)
			return -1;
		m = digits_val(s + a, i - a);
		a = ++i;
		while (i < n && i - a < 3 && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i - a < 1 || i - a > 2)
			return -1;
		d = digits_val(s + a, i - a);
		if (i < n) {
			/* [ T]H{1,2}:MM(:SS)? */
			size_t h;

			if (s[i] != ' ' && s[i] != 'T')
				return -1;
			h = ++i;
			while (i < n && s[i] >= '0' && s[i] <= '9' && i - h < 3)
				i++;
			if (i - h < 1 || i - h > 2 || i + 3 > n || s[i] != ':' ||
			    !all_digits(s + i + 1, 2))
				return -1;
			i += 3;
			if (i < n) {
				if (i + 3 != n || s[i] != ':' || !all_digits(s + i + 1, 2))
					return -1;
				i += 3;
			}
		}
		goto check;
	}
	if (n > 4 + 3 && memcmp(s + 4, "年", 3) == 0) {
		size_t a = i = 7;

		while (i < n && s[i] >= '0' && s[i] <= '9' && i - a < 3)
			i++;
		if (i - a < 1 || i - a > 2 || n - i < 3 || memcmp(s + i, "月", 3) != 0)
			return -1;
		m = digits_val(s + a, i - a);
		a = i += 3;
		while (i < n && s[i] >= '0' && s[i] <= '9' && i - a < 3)
			i++;
		if (i - a < 1 || i - a > 2 || n - i != 3 || memcmp(s + i, "日", 3) != 0)
			return -1;
		d = digits_val(s + a, i - a);
		goto check;
	}
	return -1;
check:
	if (!ent_date_valid(y, m, d))
		return -1;
	return (int64_t)y * 10000 + m * 100 + d;
}

/* YYYY?M, YYYY年M月, YYYYMM, or a date. Returns y*12+m-1 or -1. */
static int64_t parse_month_text(const char *s, size_t n)
{
	int y, m;

	if (n >= 6 && all_digits(s, 4)) {
		y = digits_val(s, 4);
		if (n == 6 && all_digits(s + 4, 2)) {
			m = digits_val(s + 4, 2);
			return m >= 1 && m <= 12 ? (int64_t)y * 12 + m - 1 : -1;
		}
		if ((s[4] == '-' || s[4] == '/' || s[4] == '.') && (n == 6 || n == 7) &&
		    all_digits(s + 5, n - 5)) {
			m = digits_val(s + 5, n - 5);
			return m >= 1 && m <= 12 ? (int64_t)y * 12 + m - 1 : -1;
		}
		if (n >= 7 + 1 + 3 && memcmp(s + 4, "年", 3) == 0 &&
		    memcmp(s + n - 3, "月", 3) == 0 && (n - 10 == 1 || n - 10 == 2) &&
		    all_digits(s + 7, n - 10)) {
			m = digits_val(s + 7, n - 10);
			return m >= 1 && m <= 12 ? (int64_t)y * 12 + m - 1 : -1;
		}
	}
	{
		int64_t d = parse_date_text(s, n);

		if (d < 0)
			return -1;
		return d / 10000 * 12 + d / 100 % 100 - 1;
	}
}

/* -?digits[.digits] or -?d{1,3}(,ddd)+[.digits] -> fixed point; the plain
 * canonical text (separators removed) into out. */
static int parse_number_text(const char *s, size_t n, int64_t *val, char *out, size_t *olen)
{
	size_t i = 0;
	size_t o = 0;
	bool neg = false;
	bool seps = false;
	size_t group = 0;
	size_t intd = 0;
	int64_t ip = 0;
	int64_t fp = 0;
	int fd = 0;

	if (n == 0 || n >= ENT_CANON_MAX)
		return -1;
	if (s[0] == '-') {
		neg = true;
		out[o++] = '-';
		i++;
	}
	while (i < n && s[i] != '.') {
		if (s[i] == ',') {
			/* first group 1-3 digits, later groups exactly 3 */
			if (intd == 0 || (seps ? group != 3 : group > 3))
				return -1;
			seps = true;
			group = 0;
			i++;
			continue;
		}
		if (s[i] < '0' || s[i] > '9')
			return -1;
		if (ip >= 100000000000LL)
			return -1; /* more than 12 integer digits */
		ip = ip * 10 + (s[i] - '0');
		out[o++] = s[i++];
		intd++;
		group++;
	}
	if (intd == 0 || (seps && group != 3))
		return -1;
	if (i < n) {
		size_t a;

		out[o++] = s[i++];
		a = i;
		while (i < n) {
			if (s[i] < '0' || s[i] > '9')
				return -1;
			if (fd < 6) {
				fp = fp * 10 + (s[i] - '0');
				fd++;
			}
			out[o++] = s[i++];
		}
		if (i == a)
			return -1;
	}
	while (fd < 6) {
		fp *= 10;
		fd++;
	}
	out[o] = '\0';
	*olen = o;
	*val = (ip * ENT_SCALE + fp) * (neg ? -1 : 1);
	return 0;
}

static bool ends_with(const char *s, size_t n, const char *suf)
{
	size_t k = strlen(suf);

	return n >= k && memcmp(s + n - k, suf, k) == 0;
}

static bool has_sub(const char *s, size_t n, const char *sub)
{
	size_t k = strlen(sub);

	for (size_t i = 0; i + k <= n; i++) {
		if (memcmp(s + i, sub, k) == 0)
			return true;
	}
	return false;
}

static void ascii_lower(char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] >= 'A' && s[i] <= 'Z')
			s[i] = (char)(s[i] - 'A' + 'a');
	}
}

static void ascii_upper(char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] >= 'a' && s[i] <= 'z')
			s[i] = (char)(s[i] - 'a' + 'A');
	}
}

struct word {
	const char *spelling;
	int code;
	const char *canon;
};

static int lookup(const struct word *w, size_t n, const char *s, int64_t *val, const char **canon,
		  size_t *clen)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(w[i].spelling, s) == 0) {
			*val = w[i].code;
			*canon = w[i].canon;
			*clen = strlen(w[i].canon);
			return 0;
		}
	}
	return -1;
}

static const struct word ipclass_words[] = {
    {"i_high_value", ENT_IPC_I_HIGH, "I_high_value"},
    {"i类高价值", ENT_IPC_I_HIGH, "I_high_value"},
    {"高价值i类", ENT_IPC_I_HIGH, "I_high_value"},
    {"i_self", ENT_IPC_I_SELF, "I_self"},
    {"自主研发i类", ENT_IPC_I_SELF, "I_self"},
    {"i", ENT_IPC_I, "I"},
    {"i类", ENT_IPC_I, "I"},
    {"ii", ENT_IPC_II, "II"},
    {"ii类", ENT_IPC_II, "II"},
    {"none", ENT_IPC_NONE, "none"},
    {"无", ENT_IPC_NONE, "none"},
};

static const struct word role_words[] = {
    {"defendant", ENT_ROLE_DEFENDANT, "defendant"}, {"被告", ENT_ROLE_DEFENDANT, "defendant"},
    {"plaintiff", ENT_ROLE_PLAINTIFF, "plaintiff"}, {"原告", ENT_ROLE_PLAINTIFF, "plaintiff"},
    {"third_party", ENT_ROLE_THIRD, "third_party"}, {"第三人", ENT_ROLE_THIRD, "third_party"},
};

static const struct word ipkind_words[] = {
    {"invention", ENT_IPK_INVENTION, "invention"},
    {"发明", ENT_IPK_INVENTION, "invention"},
    {"发明专利", ENT_IPK_INVENTION, "invention"},
    {"utility", ENT_IPK_UTILITY, "utility"},
    {"实用新型", ENT_IPK_UTILITY, "utility"},
    {"实用新型专利", ENT_IPK_UTILITY, "utility"},
    {"design", ENT_IPK_DESIGN, "design"},
    {"外观设计", ENT_IPK_DESIGN, "design"},
    {"外观设计专利", ENT_IPK_DESIGN, "design"},
    {"software", ENT_IPK_SOFTWARE, "software"},
    {"软件著作权", ENT_IPK_SOFTWARE, "software"},
    {"软著", ENT_IPK_SOFTWARE, "software"},
    {"计算机软件著作权", ENT_IPK_SOFTWARE, "software"},
};

static const struct word bool_words[] = {
    {"true", 1, "true"}, {"1", 1, "true"},  {"是", 1, "true"},	   {"y", 1, "true"},
    {"yes", 1, "true"},	 {"t", 1, "true"},  {"false", 0, "false"}, {"0", 0, "false"},
    {"否", 0, "false"},	 {"n", 0, "false"}, {"no", 0, "false"},	   {"f", 0, "false"},
};

static const char *const cert_names[] = {"高新技术企业", "专精特新", "小巨人", "科技型中小企业"};

const char *ent_cert_name(int64_t kind)
{
	return kind >= 0 && kind < 4 ? cert_names[kind] : "";
}

bool ent_field_is_text(enum ent_type type)
{
	return type == ENT_T_TEXT;
}

/* GB/T 4754-2011 小类 whose code changed in 2017 (README R2.6 table). */
static const struct {
	int from;
	const char *to;
} map_2011[] = {
    {511, "A0512"},  {3391, "C3393"}, {3660, "C3670"}, {3961, "C3971"}, {3962, "C3972"},
    {3963, "C3973"}, {3972, "C3982"}, {5175, "F5174"}, {5176, "F5175"}, {5177, "F5176"},
    {5294, "F5292"}, {6510, "I6513"}, {6520, "I6531"}, {6530, "I6560"}, {6540, "I6550"},
    {6550, "I6520"}, {6592, "I6591"}, {7250, "M7520"},
};

/* 门类 of a GB/T 4754-2017 大类. */
static char section_2017(int major)
{
	static const struct {
		char letter;
		int lo, hi;
	} t[] = {{'A', 1, 5},	{'B', 6, 12},  {'C', 13, 43}, {'D', 44, 46}, {'E', 47, 50},
		 {'F', 51, 52}, {'G', 53, 60}, {'H', 61, 62}, {'I', 63, 65}, {'J', 66, 69},
		 {'K', 70, 70}, {'L', 71, 72}, {'M', 73, 75}, {'N', 76, 79}, {'O', 80, 82},
		 {'P', 83, 83}, {'Q', 84, 85}, {'R', 86, 90}, {'S', 91, 96}, {'T', 97, 97}};

	for (size_t i = 0; i < ARRAY_LEN(t); i++) {
		if (major >= t[i].lo && major <= t[i].hi)
			return t[i].letter;
	}
	return 0;
}

bool ent_industry_2017(int digits, int version, char *out)
{
	char letter;

	if (version == 2011) {
		for (size_t i = 0; i < ARRAY_LEN(map_2011); i++) {
			if (map_2011[i].from == digits) {
				memcpy(out, map_2011[i].to, 6);
				return true;
			}
		}
	}
	letter = section_2017(digits / 100);
	if (letter == 0)
		return false;
	out[0] = letter;
	out[1] = (char)('0' + digits / 1000);
	out[2] = (char)('0' + digits / 100 % 10);
	out[3] = (char)('0' + digits / 10 % 10);
	out[4] = (char)('0' + digits % 10);
	out[5] = '\0';
	return true;
}

static const char uscc_charset[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

static int uscc_index(char c)
{
	const char *p = strchr(uscc_charset, c);

	return c != '\0' && p != NULL ? (int)(p - uscc_charset) : -1;
}

bool ent_uscc_valid(const char *code)
{
	static const int w[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};
	static const int ow[8] = {3, 7, 9, 10, 5, 8, 4, 2};
	int sum = 0;
	int chk;

	if (strlen(code) != 18)
		return false;
	for (int i = 0; i < 18; i++) {
		if (uscc_index(code[i]) < 0)
			return false;
		if (i >= 2 && i < 8 && (code[i] < '0' || code[i] > '9'))
			return false;
	}
	for (int i = 0; i < 17; i++)
		sum += uscc_index(code[i]) * w[i];
	if (uscc_charset[(31 - sum % 31) % 31] != code[17])
		return false;
	/* GB 11714-1997 over the organisation code (characters 9-17). */
	sum = 0;
	for (int i = 0; i < 8; i++) {
		char c = code[8 + i];
		int v = (c >= '0' && c <= '9') ? c - '0' : c - 'A' + 10;

		sum += v * ow[i];
	}
	chk = 11 - sum % 11;
	return code[16] == (chk == 10 ? 'X' : chk == 11 ? '0' : (char)('0' + chk));
}

/* R1.3: NFKC, drop whitespace and '-', upper-case; 18 of [0-9A-Z]. */
static int parse_uscc(const char *raw, size_t len, char *buf, const char **canon, size_t *clen)
{
	char tmp[4 * ENT_TYPED_MAX];
	size_t n;
	size_t o = 0;

	if (ent_field_clean(raw, len, tmp, sizeof(tmp), &n) != 0)
		return -1;
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t k = text_utf8_decode(tmp + i, n - i, &cp);

		i += k;
		if (py_space(cp) || cp == '-')
			continue;
		if (cp >= 'a' && cp <= 'z')
			cp = cp - 'a' + 'A';
		if (!((cp >= '0' && cp <= '9') || (cp >= 'A' && cp <= 'Z')) || o >= 18)
			return -1;
		buf[o++] = (char)cp;
	}
	if (o != 18)
		return -1;
	buf[o] = '\0';
	*canon = buf;
	*clen = o;
	return 0;
}

static int parse_typed(enum ent_type type, const char *s, size_t n, int64_t *val, char *buf,
		       const char **canon, size_t *clen)
{
	int64_t v;
	char low[ENT_TYPED_MAX + 1];

	switch (type) {
	case ENT_T_DATE:
		v = parse_date_text(s, n);
		if (v < 0)
			return -1;
		*val = v;
		*clen = (size_t)snprintf(buf, ENT_CANON_MAX, "%04d-%02d-%02d", (int)(v / 10000),
					 (int)(v / 100 % 100), (int)(v % 100));
		*canon = buf;
		return 0;
	case ENT_T_MONTH:
		v = parse_month_text(s, n);
		if (v < 0)
			return -1;
		*val = v;
		*clen = (size_t)snprintf(buf, ENT_CANON_MAX, "%04d-%02d", (int)(v / 12),
					 (int)(v % 12 + 1));
		*canon = buf;
		return 0;
	case ENT_T_YEAR: {
		size_t k = n;

		if (ends_with(s, n, "年"))
			k -= 3;
		if (k != 4 || !all_digits(s, 4))
			return -1;
		v = digits_val(s, 4);
		if (v < 1900 || v > 2100)
			return -1;
		*val = v;
		memcpy(buf, s, 4);
		buf[4] = '\0';
		*canon = buf;
		*clen = 4;
		return 0;
	}
	case ENT_T_NUM:
	case ENT_T_CAPITAL:
	case ENT_T_YUAN: {
		size_t k = n;

		if (type == ENT_T_CAPITAL) {
			static const char *const suf[] = {"万元人民币", "万人民币", "万元", "万"};

			for (size_t i = 0; i < ARRAY_LEN(suf); i++) {
				if (ends_with(s, k, suf[i])) {
					k -= strlen(suf[i]);
					k = (size_t)(py_strip(s, &k) - s) + k; /* rstrip */
					break;
				}
			}
		} else if (type == ENT_T_YUAN && ends_with(s, k, "元")) {
			k -= 3;
			k = (size_t)(py_strip(s, &k) - s) + k;
		}
		if (parse_number_text(s, k, val, buf, clen) != 0)
			return -1;
		*canon = buf;
		return 0;
	}
	case ENT_T_INT: {
		size_t k;

		if (parse_number_text(s, n, &v, buf, &k) != 0 || v < 0 || v % ENT_SCALE != 0)
			return -1;
		*val = v / ENT_SCALE;
		*clen = (size_t)snprintf(buf, ENT_CANON_MAX, "%lld", (long long)*val);
		*canon = buf;
		return 0;
	}
	case ENT_T_BOOL:
		memcpy(low, s, n);
		low[n] = '\0';
		ascii_lower(low, n);
		return lookup(bool_words, ARRAY_LEN(bool_words), low, val, canon, clen);
	case ENT_T_STATUS: {
		static const struct {
			const char *prefix;
			int code;
			const char *canon;
		} st[] = {{"吊销", ENT_ST_DIAOXIAO, "吊销"}, {"注销", ENT_ST_ZHUXIAO, "注销"},
			  {"存续", ENT_ST_CUNXU, "存续"},    {"在业", ENT_ST_ZAIYE, "在业"},
			  {"在营", ENT_ST_ZAIYE, "在业"},    {"开业", ENT_ST_ZAIYE, "在业"}};

		for (size_t i = 0; i < ARRAY_LEN(st); i++) {
			if (n >= 6 && memcmp(s, st[i].prefix, 6) == 0) {
				*val = st[i].code;
				*canon = st[i].canon;
				*clen = 6;
				return 0;
			}
		}
		return -1;
	}
	case ENT_T_GRADE: {
		size_t k = n;

		memcpy(low, s, n);
		ascii_upper(low, n);
		if (ends_with(low, k, "级")) {
			k -= 3;
			k = (size_t)(py_strip(low, &k) - low) + k;
		}
		if (k != 1 || strchr("ABMCD", low[0]) == NULL)
			return -1;
		*val = low[0];
		buf[0] = low[0];
		buf[1] = '\0';
		*canon = buf;
		*clen = 1;
		return 0;
	}
	case ENT_T_IPCLASS:
		memcpy(low, s, n);
		low[n] = '\0';
		ascii_lower(low, n);
		return lookup(ipclass_words, ARRAY_LEN(ipclass_words), low, val, canon, clen);
	case ENT_T_ROLE:
		memcpy(low, s, n);
		low[n] = '\0';
		ascii_lower(low, n);
		return lookup(role_words, ARRAY_LEN(role_words), low, val, canon, clen);
	case ENT_T_IPKIND:
		memcpy(low, s, n);
		low[n] = '\0';
		ascii_lower(low, n);
		return lookup(ipkind_words, ARRAY_LEN(ipkind_words), low, val, canon, clen);
	case ENT_T_CERTKIND:
		memcpy(low, s, n);
		low[n] = '\0';
		if (strstr(low, "小巨人") != NULL)
			v = ENT_CERT_GIANT;
		else if (strstr(low, "专精特新") != NULL)
			v = ENT_CERT_ZJTX;
		else if (strstr(low, "高新技术企业") != NULL || strcmp(low, "高企") == 0)
			v = ENT_CERT_HIGHTECH;
		else if (strstr(low, "科技型中小企业") != NULL)
			v = ENT_CERT_TECHSME;
		else
			return -1;
		*val = v;
		*canon = cert_names[v];
		*clen = strlen(cert_names[v]);
		return 0;
	case ENT_T_VERSION:
		if (has_sub(s, n, "2011"))
			*val = 2011;
		else if (has_sub(s, n, "2017"))
			*val = 2017;
		else
			return -1;
		*canon = *val == 2011 ? "2011" : "2017";
		*clen = 4;
		return 0;
	case ENT_T_INDUSTRY: {
		size_t o = 0;

		for (size_t i = 0; i < n; i++) {
			if (s[i] == ' ')
				continue;
			if (o >= 5)
				return -1;
			buf[o++] = s[i];
		}
		ascii_upper(buf, o);
		buf[o] = '\0';
		if (o == 5 && buf[0] >= 'A' && buf[0] <= 'Z' && all_digits(buf + 1, 4))
			*val = digits_val(buf + 1, 4);
		else if (o == 4 && all_digits(buf, 4))
			*val = digits_val(buf, 4);
		else
			return -1;
		*canon = buf;
		*clen = o;
		return 0;
	}
	case ENT_T_REGION:
		if (n != 6 || !all_digits(s, 6))
			return -1;
		*val = digits_val(s, 6);
		memcpy(buf, s, 6);
		buf[6] = '\0';
		*canon = buf;
		*clen = 6;
		return 0;
	default:
		return -1;
	}
}

int ent_field_parse(enum ent_type type, const char *raw, size_t len, int64_t *val, char *buf,
		    const char **canon, size_t *clen)
{
	char tmp[ENT_TYPED_MAX + 1];
	size_t n;

	*val = ENT_UNKNOWN;
	*canon = "";
	*clen = 0;
	if (type == ENT_T_TEXT) {
		*clen = len;
		*canon = py_strip(raw, clen);
		return 0;
	}
	if (type == ENT_T_USCC)
		return parse_uscc(raw, len, buf, canon, clen);
	if (type == ENT_T_VERSION && len == 0) {
		*val = 2017; /* blank means the current standard (R2.6) */
		return 0;
	}
	if (ent_field_clean(raw, len, tmp, sizeof(tmp), &n) != 0)
		return -1;
	if (n == 0) {
		if (type == ENT_T_VERSION)
			*val = 2017;
		return type == ENT_T_GRADE || type == ENT_T_ROLE || type == ENT_T_IPKIND ||
			       type == ENT_T_CERTKIND
			   ? -1
			   : 0;
	}
	return parse_typed(type, tmp, n, val, buf, canon, clen);
}
