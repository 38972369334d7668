/*
 * gw_parse_label against its definition: the five anchored label patterns
 * run with PCRE2 in order (what gw_parse_label did before it decided the
 * usual forms itself). Every string of up to three characters over an
 * alphabet of numerals, brackets, separators and spaces (Unicode spaces
 * included), then random longer ones, must give the same level, number,
 * form flag and label length.
 */
#include <stdint.h>

#include "gongwen/gongwen.h"
#include "test.h"
#include "text/regex.h"

static int ref_number_ascii(const uint32_t *p, long a, long b)
{
	int v = 0;

	for (long i = a; i < b; i++)
		v = v * 10 + (int)(p[i] - '0');
	return v;
}

/* The reference: each pattern tried in turn, no shortcut. */
static int ref_parse_label(const uint32_t *text, size_t n, int *number, bool *ok, size_t *label_len)
{
	long g[8];
	size_t s;
	size_t e;
	size_t off = 0;
	const uint32_t *p;

	while (off < n && text_is_ws(text[off]))
		off++;
	p = text + off;
	n -= off;
	*number = -1;
	*ok = false;
	if (text_re_search(text_re_get("^([一二三四五六七八九十]{1,3})\\s*([、.．，,：:])"), p, n,
			   0, &s, &e, g, 2)) {
		*number = text_cn_number(p + g[0], (size_t)(g[1] - g[0]));
		*ok = p[g[2]] == 0x3001;
		*label_len = off + e;
		return 1;
	}
	if (text_re_search(
		text_re_get(
		    "^([（(])\\s*([一二三四五六七八九十]{1,3})\\s*([）)])\\s*([、.．，,]?)"),
		p, n, 0, &s, &e, g, 4)) {
		*number = text_cn_number(p + g[2], (size_t)(g[3] - g[2]));
		*ok = p[g[0]] == 0xFF08 && p[g[4]] == 0xFF09 && g[7] == g[6];
		*label_len = off + e;
		return 2;
	}
	if (text_re_search(text_re_get("^([（(])\\s*([0-9]{1,2})\\s*([）)])\\s*([、.．，,]?)"), p,
			   n, 0, &s, &e, g, 4)) {
		*number = ref_number_ascii(p, g[2], g[3]);
		*ok = p[g[0]] == 0xFF08 && p[g[4]] == 0xFF09 && g[7] == g[6];
		*label_len = off + e;
		return 4;
	}
	if (text_re_search(text_re_get("^([0-9]{1,2})([)）])"), p, n, 0, &s, &e, g, 2)) {
		*number = ref_number_ascii(p, g[0], g[1]);
		*ok = false;
		*label_len = off + e;
		return 4;
	}
	if (text_re_search(text_re_get("^([0-9]{1,2})\\s*([.．、，,])(?![0-9])"), p, n, 0, &s, &e,
			   g, 2)) {
		*number = ref_number_ascii(p, g[0], g[1]);
		*ok = p[g[2]] == '.';
		*label_len = off + e;
		return 3;
	}
	return 0;
}

static const uint32_t alphabet[] = {0x4E00, 0x4E8C, 0x5341, 0x56DB, '0',    '1',    '9',    '(',
				    ')',    0xFF08, 0xFF09, 0x3001, '.',    0xFF0E, 0xFF0C, ',',
				    0xFF1A, ':',    ' ',    '\t',   0x3000, 0x00A0, 0x2003, 0x0085,
				    0x2028, 'A',    0x662F, 0x5E74, '\n',   0x3002, 0xFF11};

static void same(const uint32_t *p, size_t n)
{
	int n1 = -7;
	int n2 = -7;
	bool o1 = false;
	bool o2 = false;
	size_t l1 = 12345;
	size_t l2 = 12345;
	int a = gw_parse_label(p, n, &n1, &o1, &l1);
	int b = ref_parse_label(p, n, &n2, &o2, &l2);

	if (a != b || n1 != n2 || o1 != o2 || (a > 0 && l1 != l2)) {
		fprintf(stderr, "  label of");
		for (size_t i = 0; i < n; i++)
			fprintf(stderr, " U+%04X", (unsigned)p[i]);
		fprintf(stderr, ": level %d/%d number %d/%d ok %d/%d len %zu/%zu\n", a, b, n1, n2,
			o1, o2, l1, l2);
		ASSERT(0);
	}
}

TEST(gw_parse_label_matches_patterns_exhaustive)
{
	size_t na = ARRAY_LEN(alphabet);
	uint32_t p[3];

	for (size_t len = 1; len <= 3; len++) {
		size_t total = 1;

		for (size_t k = 0; k < len; k++)
			total *= na;
		for (size_t v = 0; v < total; v++) {
			size_t x = v;

			for (size_t k = 0; k < len; k++) {
				p[k] = alphabet[x % na];
				x /= na;
			}
			same(p, len);
		}
	}
	same(p, 0);
}

TEST(gw_parse_label_matches_patterns_random)
{
	uint64_t st = 0x9E3779B97F4A7C15u;
	uint32_t p[10];
	size_t hits = 0;

	for (int it = 0; it < 40000; it++) {
		size_t len;

		st = st * 6364136223846793005u + 1442695040888963407u;
		len = 1 + (size_t)((st >> 33) % 9);
		for (size_t k = 0; k < len; k++) {
			st = st * 6364136223846793005u + 1442695040888963407u;
			/* favour numerals and brackets so that many strings are labels */
			p[k] = alphabet[(st >> 33) % (k < 4 ? 15 : ARRAY_LEN(alphabet))];
		}
		same(p, len);
		{
			int num;
			bool ok;
			size_t ll;

			hits += gw_parse_label(p, len, &num, &ok, &ll) > 0;
		}
	}
	/* the generator must reach the labels, not only the refusals */
	ASSERT(hits > 1000);
}
