/*
 * The character-class bits of a paragraph (gw_para.chars) against their
 * definitions, scanned directly: random texts over an alphabet of Han
 * characters, point marks, dots, digits and letters, opened as .txt. The
 * rules skip a paragraph on a clear bit, so a bit that is clear where its
 * definition holds would drop findings.
 */
#include <stdint.h>

#include "gongwen/gongwen.h"
#include "gongwen/rules_common.h"
#include "test.h"

static bool is_point_mark(uint32_t c)
{
	return c == 0xFF0C || c == 0x3001 || c == 0xFF1B || c == 0xFF1A || c == 0x3002 ||
	       c == 0xFF01 || c == 0xFF1F;
}

TEST(gw_chars_repeat_bits_match_definition)
{
	/* 的 中 一 。 ， 、 ； . 1 a 〇 and a Han character beyond the BMP */
	static const uint32_t alpha[] = {0x7684, 0x4E2D, 0x4E00, 0x3002, 0xFF0C, 0x3001,
					 0xFF1B, '.',	 '1',	 'a',	 0x3007, 0x20000};
	struct gw_profile prof;
	uint32_t seed = 4242;
	int seen[5] = {0, 0, 0, 0, 0};

	gw_profile_national(&prof);
	for (int round = 0; round < 6000; round++) {
		struct ustr u;
		char *utf8;
		struct gw_doc doc;
		struct err e = {0};
		size_t n = 1 + (size_t)(round % 14);
		bool hanrep = false, dotrep = false, pair = false, adj = false, wordrep = false;

		ustr_init(&u);
		for (size_t k = 0; k < n; k++) {
			seed = seed * 1103515245u + 12345u;
			ustr_push(&u, alpha[(seed >> 16) % ARRAY_LEN(alpha)]);
		}
		for (size_t k = 0; k + 1 < n; k++) {
			uint32_t c = u.p[k];

			if (c != u.p[k + 1])
				continue;
			adj = true;
			hanrep = hanrep || text_is_han(c);
			dotrep = dotrep || c == '.' || c == 0x3002;
		}
		for (size_t k = 0; k + 1 < n; k++)
			pair = pair || (is_point_mark(u.p[k]) && is_point_mark(u.p[k + 1]));
		/* "ABAB" or "ABCABC" */
		for (size_t k = 3; k < n; k++) {
			const uint32_t *t = u.p;

			wordrep = wordrep || (t[k] == t[k - 2] && t[k - 1] == t[k - 3]) ||
				  (k >= 5 && t[k] == t[k - 3] && t[k - 1] == t[k - 4] &&
				   t[k - 2] == t[k - 5]);
		}
		utf8 = ustr_to_utf8(&u, 0, u.len);
		ASSERT_EQ(gw_doc_from_text("t.txt", utf8, strlen(utf8), &prof, &doc, &e), 0);
		ASSERT_EQ(doc.n, 1);
		ASSERT_EQ((doc.paras[0].chars & GW_C_ADJREP) != 0, adj);
		ASSERT_EQ((doc.paras[0].chars & GW_C_HANREP) != 0, hanrep);
		ASSERT_EQ((doc.paras[0].chars & GW_C_DOTREP) != 0, dotrep);
		ASSERT_EQ((doc.paras[0].chars & GW_C_PUNCPAIR) != 0, pair);
		ASSERT_EQ((doc.paras[0].chars & GW_C_WORDREP) != 0, wordrep);
		seen[0] += hanrep;
		seen[1] += dotrep;
		seen[2] += pair;
		seen[3] += adj && !hanrep && !dotrep;
		seen[4] += wordrep;
		gw_doc_free(&doc);
		free(utf8);
		ustr_free(&u);
	}
	/* every case came up */
	for (int k = 0; k < 5; k++)
		ASSERT(seen[k] > 100);
}

/* The characters before a 年 (GW_C_NIAN_*), and the two helpers that now
 * read them, against the scan they replaced. */
TEST(gw_chars_before_nian_match_definition)
{
	/* 年 0 5 O ０ 〇 零 一 十 百 中 */
	static const uint32_t alpha[] = {0x5E74, '0',	 '5',	 'O',	 0xFF10, 0x3007,
					 0x96F6, 0x4E00, 0x5341, 0x767E, 0x4E2D};
	struct gw_profile prof;
	uint32_t seed = 777;
	int seen[3] = {0, 0, 0};

	gw_profile_national(&prof);
	for (int round = 0; round < 6000; round++) {
		struct ustr u;
		char *utf8;
		struct gw_doc doc;
		struct err e = {0};
		size_t n = 1 + (size_t)(round % 9);
		bool dig = false, cn = false, oth = false;

		ustr_init(&u);
		for (size_t k = 0; k < n; k++) {
			seed = seed * 1103515245u + 12345u;
			ustr_push(&u, alpha[(seed >> 16) % ARRAY_LEN(alpha)]);
		}
		for (size_t k = 1; k < n; k++) {
			uint32_t b = u.p[k - 1];

			if (u.p[k] != 0x5E74)
				continue;
			dig = dig || (b >= '0' && b <= '9');
			oth = oth || b == 'O' || b == 0xFF10;
			cn = cn || b == 0x3007 || b == 0x96F6 || text_cn_digit(b) >= 1;
		}
		utf8 = ustr_to_utf8(&u, 0, u.len);
		ASSERT_EQ(gw_doc_from_text("t.txt", utf8, strlen(utf8), &prof, &doc, &e), 0);
		ASSERT_EQ(doc.n, 1);
		ASSERT_EQ((doc.paras[0].chars & GW_C_NIAN_DIG) != 0, dig);
		ASSERT_EQ((doc.paras[0].chars & GW_C_NIAN_CN) != 0, cn);
		ASSERT_EQ((doc.paras[0].chars & GW_C_NIAN_OTH) != 0, oth);
		ASSERT_EQ(gw_digit_before(&doc.paras[0], 0x5E74), dig);
		seen[0] += dig;
		seen[1] += cn;
		seen[2] += oth;
		gw_doc_free(&doc);
		free(utf8);
		ustr_free(&u);
	}
	for (int k = 0; k < 3; k++)
		ASSERT(seen[k] > 100);
}

/* Open as .txt: head, then n characters drawn from alpha[0..na) with
 * *seed, then tail. */
static void random_doc(struct gw_doc *doc, const struct gw_profile *prof, const char *head,
		       const uint32_t *alpha, size_t na, size_t n, uint32_t *seed, const char *tail)
{
	struct ustr u;
	char *utf8;
	struct err e = {0};

	ustr_init(&u);
	ustr_add_cstr(&u, head);
	for (size_t k = 0; k < n; k++) {
		*seed = *seed * 1103515245u + 12345u;
		ustr_push(&u, alpha[(*seed >> 16) % na]);
	}
	ustr_add_cstr(&u, tail);
	utf8 = ustr_to_utf8(&u, 0, u.len);
	ASSERT_EQ(gw_doc_from_text("t.txt", utf8, strlen(utf8), prof, doc, &e), 0);
	free(utf8);
	ustr_free(&u);
}

static bool deng_or_space(uint32_t c)
{
	return c == 0x7B49 || c < 0x3001;
}

static bool book_quote_close(uint32_t c)
{
	return c == 0x300B || c == 0x201D;
}

static bool book_quote_open(uint32_t c)
{
	return c == 0x300A || c == 0x201C;
}

/* The neighbours of a 、 (gw_para.dunhao) against the scan of every 、
 * (gw_has_around) that the rules ran before, and GW_DH_ORDINAL against
 * GW-BODY-015's pattern (set wherever it matches). */
TEST(gw_chars_dunhao_bits_match_scan)
{
	/* 、 一 五 十 先 次 3 7 0 等 space 》 ” 《 “ 中 第 首 其 ， */
	static const uint32_t alpha[] = {0x3001, 0x3001, 0x4E00, 0x4E94, 0x5341, 0x5148, 0x6B21,
					 '3',	 '7',	 '0',	 0x7B49, ' ',	 0x300B, 0x201D,
					 0x300A, 0x201C, 0x4E2D, 0x7B2C, 0x9996, 0x5176, 0xFF0C};
	static const char enumerator[] =
	    "(?<![^。；：！？，）\\s])(?:第[一二三四五六七八九十]{1,2}|首先|其次)\\K、"
	    "(?![一二三四五六七八九十第])";
	static const unsigned bits[] = {GW_DH_ORDINAL, GW_DH_CN19, GW_DH_DIG19, GW_DH_DENG,
					GW_DH_BOOK};
	struct gw_profile prof;
	uint32_t seed = 9091;
	int seen[5] = {0, 0, 0, 0, 0};

	gw_profile_national(&prof);
	for (int round = 0; round < 40000; round++) {
		struct gw_doc doc;
		size_t n = 1 + (size_t)(round % 8);
		bool want[5];

		random_doc(&doc, &prof, "", alpha, ARRAY_LEN(alpha), n, &seed, "");
		if (doc.n == 1) {
			const struct gw_para *p = &doc.paras[0];

			size_t s;
			size_t en;

			want[0] = gw_re(enumerator, p, 0, &s, &en, NULL, 0);
			want[1] = gw_has_around(p, 0x3001, gw_is_cn_digit19, gw_is_cn_digit19);
			want[2] = gw_has_around(p, 0x3001, gw_is_digit19, gw_is_digit19);
			want[3] = gw_has_around(p, 0x3001, NULL, deng_or_space);
			want[4] = gw_has_around(p, 0x3001, book_quote_close, book_quote_open);
			/* GW_DH_ORDINAL may also be set where a character below
			 * U+3001 that is no \s stands before the enumerator */
			if (want[0])
				ASSERT(p->dunhao & GW_DH_ORDINAL);
			seen[0] += want[0];
			for (int k = 1; k < 5; k++) {
				ASSERT_EQ((p->dunhao & bits[k]) != 0, want[k]);
				seen[k] += want[k];
			}
		}
		gw_doc_free(&doc);
	}
	for (int k = 0; k < 5; k++)
		ASSERT(seen[k] > 20);
}

/* GW-NUM-008 (a range whose first number lacks the unit) reports exactly
 * where its pattern matches: the scan that decides whether to run the
 * pattern at all may not miss a match. */
TEST(gw_chars_range_unit_prefilter_misses_no_match)
{
	/* 1 2 0 . space tab U+3000 ~ - ～ 至 % ％ 万 亿 中 a */
	static const uint32_t alpha[] = {'1',	 '2',	 '0',	 '.',	 ' ',	 '\t',
					 0x3000, '~',	 '-',	 0xFF5E, 0x81F3, '%',
					 0xFF05, 0x4E07, 0x4EBF, 0x4E2D, 'a'};
	static const char pat[] = "(?<![0-9.])([0-9]+(?:\\.[0-9]+)?)\\s*[～~\\-－—至到]\\s*[0-9]+"
				  "(?:\\.[0-9]+)?\\s*([%％万亿])";
	struct gw_profile prof;
	uint32_t seed = 31337;
	int seen = 0;

	gw_profile_national(&prof);
	for (int round = 0; round < 20000; round++) {
		struct gw_doc doc;
		struct gw_findings f;
		size_t n = 3 + (size_t)(round % 9);

		random_doc(&doc, &prof, "", alpha, ARRAY_LEN(alpha), n, &seed, "");
		gw_findings_init(&f);
		gw_rules_num(&doc, &f);
		for (size_t i = 0; i < doc.n; i++) {
			size_t s;
			size_t en;
			bool want = doc.paras[i].role != GW_ROLE_BLANK &&
				    gw_re(pat, &doc.paras[i], 0, &s, &en, NULL, 0);
			bool got = false;

			for (size_t k = 0; k < f.n; k++)
				got = got || (f.v[k].para == (long)i &&
					      strcmp(f.v[k].rule, "GW-NUM-008") == 0);
			ASSERT_EQ(got, want);
			seen += want;
		}
		gw_findings_free(&f);
		gw_doc_free(&doc);
	}
	ASSERT(seen > 100);
}

/* GW-PUNC-004's ellipsis forms are reported exactly where its pattern
 * matches next to CJK text: the run scan that decides whether to run the
 * pattern may not miss a match. */
TEST(gw_chars_ellipsis_prefilter_misses_no_match)
{
	/* . 。 … 1 中 space */
	static const uint32_t alpha[] = {'.', '.', 0x3002, 0x2026, 0x2026, '1', 0x4E2D, ' '};
	struct text_re *re = text_re_get("(?<![.0-9A-Za-z])\\.{3,6}(?![.0-9A-Za-z])|。{3,}|"
					 "(?<!…)…(?!…)|…{3,}");
	struct gw_profile prof;
	uint32_t seed = 2026;
	int seen = 0;

	gw_profile_national(&prof);
	for (int round = 0; round < 20000; round++) {
		struct gw_doc doc;
		struct gw_findings f;
		size_t n = 2 + (size_t)(round % 10);

		random_doc(&doc, &prof, "", alpha, ARRAY_LEN(alpha), n, &seed, "");
		gw_findings_init(&f);
		gw_rules_punc(&doc, &f);
		for (size_t i = 0; i < doc.n; i++) {
			const struct ustr *t = &doc.paras[i].text;
			bool want = false;
			bool got = false;
			size_t from = 0;
			size_t s;
			size_t en;

			while (doc.paras[i].role != GW_ROLE_BLANK &&
			       text_re_search(re, t->p, t->len, from, &s, &en, NULL, 0)) {
				want = want || (s > 0 && text_is_cjk(t->p[s - 1])) ||
				       (en < t->len && text_is_cjk(t->p[en])) || t->p[s] != '.';
				from = en;
			}
			for (size_t k = 0; k < f.n; k++)
				got = got || (f.v[k].para == (long)i &&
					      strcmp(f.v[k].rule, "GW-PUNC-004") == 0 &&
					      f.v[k].severity == GW_SEV_ERROR &&
					      f.v[k].fix == GW_FIX_AUTO);
			ASSERT_EQ(got, want);
			seen += want;
		}
		gw_findings_free(&f);
		gw_doc_free(&doc);
	}
	ASSERT(seen > 100);
}

/* GW-PUNC-018 (stray spaces between Han characters) reports exactly where
 * its pattern matches: the run scan before it may not miss a match. */
TEST(gw_chars_stray_space_prefilter_misses_no_match)
{
	/* space U+3000 中 ， 、 1 a “ */
	static const uint32_t alpha[] = {' ',	 ' ',	 0x3000, 0x4E2D, 0x4E2D,
					 0xFF0C, 0x3001, '1',	 'a',	 0x201C};
	struct text_re *re = text_re_get(
	    "(?<=[\\x{4E00}-\\x{9FFF}，。；：、])[ \\x{3000}]+(?=[\\x{4E00}-\\x{9FFF}])");
	struct gw_profile prof;
	uint32_t seed = 1818;
	int seen = 0;

	gw_profile_national(&prof);
	for (int round = 0; round < 20000; round++) {
		struct gw_doc doc;
		struct gw_findings f;
		size_t n = 2 + (size_t)(round % 10);

		/* a first line takes the title, so the random one is prose */
		random_doc(&doc, &prof, "关于开展检查的通知\n", alpha, ARRAY_LEN(alpha), n, &seed,
			   "");
		gw_findings_init(&f);
		gw_rules_punc(&doc, &f);
		for (size_t i = 0; i < doc.n; i++) {
			const struct gw_para *p = &doc.paras[i];
			int r = p->role;
			size_t s;
			size_t en;
			bool want = r != GW_ROLE_BLANK && r != GW_ROLE_DOCNO && r != GW_ROLE_MARK &&
				    r != GW_ROLE_SIG && r != GW_ROLE_PRINT && r != GW_ROLE_ATTEND &&
				    r != GW_ROLE_TITLE &&
				    text_re_search(re, p->text.p, p->text.len, 1, &s, &en, NULL, 0);
			bool got = false;

			for (size_t k = 0; k < f.n; k++)
				got = got || (f.v[k].para == (long)i &&
					      strcmp(f.v[k].rule, "GW-PUNC-018") == 0);
			ASSERT_EQ(got, want);
			seen += want;
		}
		gw_findings_free(&f);
		gw_doc_free(&doc);
	}
	ASSERT(seen > 100);
}

/* GW-PUNC-011 as it was written before the nesting moved to gw_pairs_feed:
 * 0 no fault, 1 a closing mark without an opening one, 2 crossing, 3 an
 * opening mark left open; *at: where. */
static int pairs_reference(const uint32_t *txt, size_t n, size_t *at)
{
	static const uint32_t open[] = {0x201C, 0x2018, 0x300A, 0x3008, 0xFF08, 0x3014, 0x3010};
	static const uint32_t close[] = {0x201D, 0x2019, 0x300B, 0x3009, 0xFF09, 0x3015, 0x3011};
	uint32_t stack[64];
	size_t pos[64];
	size_t depth = 0;

	for (size_t k = 0; k < n; k++) {
		for (size_t t = 0; t < ARRAY_LEN(open); t++) {
			if (txt[k] == open[t]) {
				if (depth < ARRAY_LEN(stack)) {
					stack[depth] = close[t];
					pos[depth] = k;
				}
				depth++;
			}
		}
		for (size_t t = 0; t < ARRAY_LEN(close); t++) {
			if (txt[k] != close[t])
				continue;
			if (depth == 0 || depth > ARRAY_LEN(stack) || stack[depth - 1] != txt[k]) {
				*at = k;
				return depth == 0 ? 1 : 2;
			}
			depth--;
		}
	}
	if (depth > 0 && depth <= ARRAY_LEN(stack)) {
		*at = pos[depth - 1];
		return 3;
	}
	return 0;
}

/* GW-PUNC-011 and GW_C_PAIRS_OK against the reference, on random texts of
 * paired marks (some nested deeper than the 64 levels kept). */
TEST(gw_chars_pairs_match_reference)
{
	/* “ ” ‘ ’ 《 》 （ ） 〔 〕 【 】 「 中 */
	static const uint32_t alpha[] = {0x201C, 0x201D, 0x2018, 0x2019, 0x300A, 0x300B, 0xFF08,
					 0xFF09, 0x3014, 0x3015, 0x3010, 0x3011, 0x300C, 0x4E2D};
	static const char *const msg[] = {NULL, "成对标点缺少前半部分", "成对标点交叉或不匹配",
					  "成对标点缺少后半部分"};
	struct gw_profile prof;
	uint32_t seed = 6464;
	int seen[4] = {0, 0, 0, 0};

	gw_profile_national(&prof);
	for (int round = 0; round < 20000; round++) {
		struct ustr u;
		char *utf8;
		struct gw_doc doc;
		struct gw_findings f;
		struct err e = {0};
		size_t n = 1 + (size_t)(round % 12);
		size_t deep = round % 50 == 0 ? 60 + (size_t)(round % 9) : 0;

		ustr_init(&u);
		ustr_add_cstr(&u, "关于开展检查的通知\n");
		for (size_t k = 0; k < deep; k++)
			ustr_push(&u, 0x300A);
		for (size_t k = 0; k < n; k++) {
			seed = seed * 1103515245u + 12345u;
			/* half the rounds pair the marks up more often */
			if (round % 2 == 0 && k > 0 && (seed >> 20) % 3 == 0 &&
			    u.p[u.len - 1] % 2 == 0 && u.p[u.len - 1] != 0x4E2D)
				ustr_push(&u, u.p[u.len - 1] + 1);
			else
				ustr_push(&u, alpha[(seed >> 16) % ARRAY_LEN(alpha)]);
		}
		for (size_t k = 0; k < deep; k++)
			ustr_push(&u, 0x300B);
		utf8 = ustr_to_utf8(&u, 0, u.len);
		ASSERT_EQ(gw_doc_from_text("t.txt", utf8, strlen(utf8), &prof, &doc, &e), 0);
		gw_findings_init(&f);
		gw_rules_punc(&doc, &f);
		for (size_t i = 0; i < doc.n; i++) {
			const struct gw_para *p = &doc.paras[i];
			size_t at = 0;
			int want = p->role == GW_ROLE_BLANK
				       ? 0
				       : pairs_reference(p->text.p, p->text.len, &at);
			const struct gw_finding *got = NULL;

			for (size_t k = 0; k < f.n; k++) {
				if (f.v[k].para == (long)i &&
				    strcmp(f.v[k].rule, "GW-PUNC-011") == 0)
					got = &f.v[k];
			}
			ASSERT_EQ(got != NULL, want != 0);
			if (want != 0) {
				char *ex = gw_excerpt(p, at, at + 1);

				ASSERT_STR_EQ(got->message, msg[want]);
				ASSERT_STR_EQ(got->excerpt, ex);
				free(ex);
			}
			/* the bit: no fault and nothing left open */
			if (p->chars & GW_C_PAIRS_OK)
				ASSERT_EQ(want, 0);
			seen[want]++;
		}
		gw_findings_free(&f);
		gw_doc_free(&doc);
		free(utf8);
		ustr_free(&u);
	}
	for (int k = 0; k < 4; k++)
		ASSERT(seen[k] > 100);
}

/* GW_C_NIAN_CN4 against its definition, a 年 after four of
 * [〇零一二三四五六七八九]. */
TEST(gw_chars_nian_cn4_matches_pattern)
{
	/* 年 〇 零 二 五 九 十 2 中 */
	static const uint32_t alpha[] = {0x5E74, 0x3007, 0x96F6, 0x4E8C, 0x4E94,
					 0x4E5D, 0x5341, '2',	 0x4E2D};
	struct gw_profile prof;
	uint32_t seed = 2025;
	int seen = 0;

	gw_profile_national(&prof);
	for (int round = 0; round < 20000; round++) {
		struct gw_doc doc;
		size_t n = 1 + (size_t)(round % 9);

		random_doc(&doc, &prof, "", alpha, ARRAY_LEN(alpha), n, &seed, "");
		for (size_t i = 0; i < doc.n; i++) {
			size_t s;
			size_t en;
			bool want = gw_re("[〇零一二三四五六七八九]{4}年", &doc.paras[i], 0, &s,
					  &en, NULL, 0);

			ASSERT_EQ((doc.paras[i].chars & GW_C_NIAN_CN4) != 0, want);
			seen += want;
		}
		gw_doc_free(&doc);
	}
	ASSERT(seen > 100);
}

/* The scan of every 年 GW-NUM-003 made before GW_C_NIAN_SHORT: two 0-9
 * right before a 年 (not after a 0-9, 〔 or 第), one of 0-9 底末初度上下
 * after it. */
static bool short_year_scan(const struct gw_para *p)
{
	const uint32_t *t = p->text.p;
	size_t n = p->text.len;

	for (size_t k = 2; k < n; k++) {
		uint32_t a = k + 1 < n ? t[k + 1] : 0;

		if (t[k] != 0x5E74 || !gw_is_digit09(t[k - 1]) || !gw_is_digit09(t[k - 2]) ||
		    (k >= 3 &&
		     (gw_is_digit09(t[k - 3]) || t[k - 3] == 0x3014 || t[k - 3] == 0x7B2C)))
			continue;
		if (gw_is_digit09(a) || a == 0x5E95 || a == 0x672B || a == 0x521D || a == 0x5EA6 ||
		    a == 0x4E0A || a == 0x4E0B)
			return true;
	}
	return false;
}

/* GW_C_NIAN_SHORT against the scan it replaced (texts short and long, so
 * both block paths of gw_para_chars, and the scalar one), and GW-NUM-003
 * reported exactly where its pattern matches. */
TEST(gw_chars_nian_short_matches_scan)
{
	/* 年 2 5 〔 第 底 上 半 月 中 */
	static const uint32_t alpha[] = {0x5E74, '2',	 '5',	 0x3014, 0x7B2C,
					 0x5E95, 0x4E0A, 0x534A, 0x6708, 0x4E2D};
	static const char pat[] =
	    "(?<![0-9〔第])[0-9]{2}年(?=[0-9]{1,2}月|底|末|初|度|上半年|下半年)";
	struct gw_profile prof;
	uint32_t seed = 1503;
	int seen = 0;
	int seen_find = 0;

	gw_profile_national(&prof);
	for (int round = 0; round < 20000; round++) {
		struct gw_doc doc;
		struct gw_findings f;
		size_t n = 3 + (size_t)(round % 40);

		random_doc(&doc, &prof, "", alpha, ARRAY_LEN(alpha), n, &seed, "");
		gw_findings_init(&f);
		gw_rules_num(&doc, &f);
		for (size_t i = 0; i < doc.n; i++) {
			struct gw_para *p = &doc.paras[i];
			bool want = short_year_scan(p);
			size_t s;
			size_t en;
			bool find = p->role != GW_ROLE_BLANK && gw_re(pat, p, 0, &s, &en, NULL, 0);
			bool got = false;

			ASSERT_EQ((p->chars & GW_C_NIAN_SHORT) != 0, want);
			ASSERT_EQ((gw_para_chars(p, false) & GW_C_NIAN_SHORT) != 0, want);
			for (size_t k = 0; k < f.n; k++)
				got = got || (f.v[k].para == (long)i &&
					      strcmp(f.v[k].rule, "GW-NUM-003") == 0);
			ASSERT_EQ(got, find);
			seen += want;
			seen_find += find;
		}
		gw_findings_free(&f);
		gw_doc_free(&doc);
	}
	ASSERT(seen > 100);
	ASSERT(seen_find > 100);
}

/* GW_C_ELLIPSIS is set exactly when the text has a … (vector and scalar
 * paths, short and long texts, … among the characters the vector tests
 * settle themselves). */
TEST(gw_chars_ellipsis_bit_exact)
{
	/* … 。 . 中 年 、 “ 1 ， */
	static const uint32_t alpha[] = {0x2026, 0x3002, '.',	 0x4E2D, 0x4E2D,
					 0x4E2D, 0x5E74, 0x3001, 0x201C, '1',
					 0xFF0C, 0x4E2D, 0x4E2D, 0x4E2D, 0x4E2D};
	struct gw_profile prof;
	uint32_t seed = 2026;
	int seen = 0;
	int unseen = 0;

	gw_profile_national(&prof);
	for (int round = 0; round < 10000; round++) {
		struct gw_doc doc;
		size_t n = 1 + (size_t)(round % 40);

		random_doc(&doc, &prof, "", alpha, ARRAY_LEN(alpha), n, &seed, "");
		for (size_t i = 0; i < doc.n; i++) {
			struct gw_para *p = &doc.paras[i];
			bool want = text_ucs_chr(p->text.p, p->text.len, 0, 0x2026) >= 0;

			ASSERT_EQ((p->chars & GW_C_ELLIPSIS) != 0, want);
			ASSERT_EQ((gw_para_chars(p, false) & GW_C_ELLIPSIS) != 0, want);
			seen += want;
			unseen += !want;
		}
		gw_doc_free(&doc);
	}
	ASSERT(seen > 100);
	ASSERT(unseen > 100);
}

/* Random body paragraphs of alpha's characters (2 to n_max + 1 of them,
 * from seed), checked by gw_rules_extra: rule reported on a paragraph
 * exactly where pat matches it; returns the number of matches. */
static int extra_rule_exact(const uint32_t *alpha, size_t na, uint32_t seed, size_t n_max,
			    const char *pat, const char *rule)
{
	struct gw_profile prof;
	int seen = 0;

	gw_profile_national(&prof);
	for (int round = 0; round < 20000; round++) {
		struct gw_doc doc;
		struct gw_findings f;
		size_t n = 2 + (size_t)round % n_max;

		random_doc(&doc, &prof, "关于开展检查的通知\n各单位：\n现将有关事项通知如下", alpha,
			   na, n, &seed, "。\n");
		gw_findings_init(&f);
		gw_rules_extra(&doc, &f);
		for (size_t i = 0; i < doc.n; i++) {
			size_t s;
			size_t en;
			bool want;
			bool got = false;

			if (doc.paras[i].role != GW_ROLE_BODY)
				continue;
			want = gw_re(pat, &doc.paras[i], 0, &s, &en, NULL, 0);
			for (size_t k = 0; k < f.n; k++)
				got = got ||
				      (f.v[k].para == (long)i && strcmp(f.v[k].rule, rule) == 0);
			ASSERT_EQ(got, want);
			seen += want;
		}
		gw_findings_free(&f);
		gw_doc_free(&doc);
	}
	return seen;
}

/* GW-NUM-017 (unit symbols in the wrong case) reports exactly where its
 * pattern matches in a body paragraph: the K-after-digit scan before it
 * may not miss a match. */
TEST(gw_chars_unit_symbol_prefilter_misses_no_match)
{
	/* K k V W h m g 3 space U+3000 中 */
	static const uint32_t alpha[] = {'K', 'k', 'V', 'W',	'h',   'm',
					 'g', '3', ' ', 0x3000, 0x4E2D};

	ASSERT(extra_rule_exact(
		   alpha, ARRAY_LEN(alpha), 17, 8,
		   "(?<=[0-9])\\s?(?:KV|Kv|KM|Km|Kg|KG|KW|Kw|KWh|Kwh|kwh|KWH)(?![A-Za-z])",
		   "GW-NUM-017") > 100);
}

/* GW-NUM-013 (a grouped year) reports exactly where its pattern matches
 * in a body paragraph: the comma search before it, kept to the span of
 * the ASCII marks, may not miss a match. */
TEST(gw_chars_grouped_year_prefilter_misses_no_match)
{
	/* 1 2 , 年 中 . (the digits more often) */
	static const uint32_t alpha[] = {'1', '2', '1', '2', ',', 0x5E74, 0x4E2D, '.'};

	ASSERT(extra_rule_exact(alpha, ARRAY_LEN(alpha), 1998, 30, "(?<![0-9,])[12],[0-9]{3}年",
				"GW-NUM-013") > 50);
}

/* For a family of GW-PUNC-012 (outer open, outer close, inner open, inner
 * close): 1 when some fam[0] opens directly inside a fam[0], 0 when none
 * does, -1 when the family's marks do not balance. */
static int nested_same(const struct ustr *u, const uint32_t fam[4])
{
	uint32_t st[64];
	size_t depth = 0;
	int found = 0;

	for (size_t k = 0; k < u->len; k++) {
		uint32_t c = u->p[k];

		if (c == fam[0] || c == fam[2]) {
			if (depth == ARRAY_LEN(st))
				return -1;
			if (c == fam[0] && depth > 0 && st[depth - 1] == fam[0])
				found = 1;
			st[depth++] = c;
		} else if (c == fam[1] || c == fam[3]) {
			if (depth == 0 || st[depth - 1] != (c == fam[1] ? fam[0] : fam[2]))
				return -1;
			depth--;
		}
	}
	return depth == 0 ? found : -1;
}

/* GW-PUNC-012 (same-type nesting) reports only where gw_detect_roles noted
 * a 《 directly inside a 《 or a “ inside a “ (GW_C_NEST_*), on random texts
 * of the two families' marks; where a family balances, its bit is exactly
 * nested_same. */
TEST(gw_chars_nest_bits_cover_reports)
{
	/* 《 》 〈 〉 “ ” ‘ ’ 中 */
	static const uint32_t alpha[] = {0x300A, 0x300B, 0x3008, 0x3009, 0x201C,
					 0x201D, 0x2018, 0x2019, 0x4E2D};
	struct gw_profile prof;
	uint32_t seed = 1212;
	int seen = 0;

	gw_profile_national(&prof);
	for (int round = 0; round < 30000; round++) {
		struct ustr u;
		char *utf8;
		struct gw_doc doc;
		struct gw_findings f;
		struct err e = {0};
		size_t n = 4 + (size_t)(round % 13);
		uint32_t open[16];
		size_t depth = 0;

		/* marks nested properly (a stray one now and then), so that the
		 * rule, which wants each family balanced, has something to say */
		ustr_init(&u);
		ustr_add_cstr(&u, "关于开展检查的通知\n各单位：\n现将有关事项通知如下");
		for (size_t k = 0; k < n; k++) {
			unsigned r;

			seed = seed * 1103515245u + 12345u;
			r = (seed >> 16) % 16;
			if (r < 6 && depth < ARRAY_LEN(open)) {
				open[depth] = alpha[2 * (r % 4)];
				ustr_push(&u, open[depth++]);
			} else if (r < 11 && depth > 0) {
				ustr_push(&u, open[--depth] + 1);
			} else if (r == 11) {
				ustr_push(&u, alpha[(seed >> 8) % ARRAY_LEN(alpha)]);
			} else {
				ustr_push(&u, 0x4E2D);
			}
		}
		while (depth > 0)
			ustr_push(&u, open[--depth] + 1);
		ustr_add_cstr(&u, "。\n");
		utf8 = ustr_to_utf8(&u, 0, u.len);
		ASSERT_EQ(gw_doc_from_text("t.txt", utf8, strlen(utf8), &prof, &doc, &e), 0);
		for (size_t i = 0; i < doc.n; i++) {
			static const uint32_t books[4] = {0x300A, 0x300B, 0x3008, 0x3009};
			static const uint32_t quotes[4] = {0x201C, 0x201D, 0x2018, 0x2019};
			int b = nested_same(&doc.paras[i].text, books);
			int q = nested_same(&doc.paras[i].text, quotes);

			/* where a family balances, its bit is exact */
			if (b >= 0)
				ASSERT_EQ((doc.paras[i].chars & GW_C_NEST_BOOK) != 0, b == 1);
			if (q >= 0)
				ASSERT_EQ((doc.paras[i].chars & GW_C_NEST_QUOTE) != 0, q == 1);
		}
		gw_findings_init(&f);
		gw_rules_extra(&doc, &f);
		for (size_t k = 0; k < f.n; k++) {
			const struct gw_para *p;

			if (strcmp(f.v[k].rule, "GW-PUNC-012") != 0 || f.v[k].para < 0)
				continue;
			p = &doc.paras[f.v[k].para];
			ASSERT((p->chars & (GW_C_NEST_BOOK | GW_C_NEST_QUOTE)) != 0);
			seen++;
		}
		gw_findings_free(&f);
		gw_doc_free(&doc);
		free(utf8);
		ustr_free(&u);
	}
	ASSERT(seen > 100);
}

/* The half-width punctuation rule reads only the span of a paragraph's
 * GW_C_APUNCT characters (apunct_lo, apunct_hi): its findings and edits are
 * the same as when it reads the whole paragraph. */
TEST(gw_chars_apunct_span_same_as_whole_text)
{
	/* , . " ' ( ) : 中 1 space “ a */
	static const uint32_t alpha[] = {',',	 '.',	 '"', '\'', '(',    ')', ':',
					 0x4E2D, 0x4E2D, '1', ' ',  0x201C, 'a'};
	struct gw_profile prof;
	uint32_t seed = 404;
	int seen = 0;

	gw_profile_national(&prof);
	for (int round = 0; round < 10000; round++) {
		struct gw_doc doc;
		struct gw_findings f1;
		struct gw_findings f2;
		size_t n = 1 + (size_t)(round % 12);

		random_doc(&doc, &prof, "关于开展检查的通知\n", alpha, ARRAY_LEN(alpha), n, &seed,
			   "");
		gw_findings_init(&f1);
		gw_rules_punc(&doc, &f1);
		for (size_t i = 0; i < doc.n; i++) {
			doc.paras[i].apunct_lo = 0;
			doc.paras[i].apunct_hi = doc.paras[i].text.len;
		}
		gw_findings_init(&f2);
		gw_rules_punc(&doc, &f2);
		ASSERT_EQ(f1.n, f2.n);
		for (size_t k = 0; k < f1.n; k++) {
			ASSERT_STR_EQ(f1.v[k].rule, f2.v[k].rule);
			ASSERT_EQ(f1.v[k].para, f2.v[k].para);
			ASSERT_EQ(f1.v[k].nedits, f2.v[k].nedits);
			for (size_t j = 0; j < f1.v[k].nedits; j++) {
				const struct gw_edit *a = &f1.v[k].edits[j];
				const struct gw_edit *b = &f2.v[k].edits[j];

				ASSERT_EQ(a->start, b->start);
				ASSERT_EQ(a->end, b->end);
				ASSERT_EQ(a->nrep, b->nrep);
				ASSERT(a->nrep == 0 ||
				       memcmp(a->rep, b->rep, a->nrep * sizeof(uint32_t)) == 0);
			}
			seen += strcmp(f1.v[k].rule, "GW-PUNC-001") == 0;
		}
		gw_findings_free(&f1);
		gw_findings_free(&f2);
		gw_doc_free(&doc);
	}
	ASSERT(seen > 100);
}

/* GW-NUM-007 (fixed expressions written with an Arabic digit) reports
 * exactly where one of its patterns matches in prose: the Bloom filter
 * tests on every character of each pattern's literal, which decide whether
 * to look for the literal at all, may not miss a match. */
TEST(gw_chars_fixed_expr_prefilter_misses_no_match)
{
	/* 1 4 5 9 0 . 律 方 面 旦 致 统 唯 第 书 记 五 四 运 动 带 路 星 期 规 划 */
	static const uint32_t alpha[] = {'1',	 '4',	 '5',	 '9',	 '0',	 '.',	 0x5F8B,
					 0x65B9, 0x9762, 0x65E6, 0x81F4, 0x7EDF, 0x552F, 0x7B2C,
					 0x4E66, 0x8BB0, 0x4E94, 0x56DB, 0x8FD0, 0x52A8, 0x5E26,
					 0x8DEF, 0x661F, 0x671F, 0x89C4, 0x5212};
	static const char *const pats[] = {
	    "(?<![0-9.０-９])1律",
	    "(?<![0-9.０-９])1方面",
	    "(?<![0-9.０-９])1旦",
	    "(?<![0-9.０-９])1般(?![0-9])",
	    "(?<![0-9.０-９])1切",
	    "(?<![0-9.０-９])1致(?![0-9])",
	    "统1(?![0-9])",
	    "唯1(?![0-9])",
	    "第1书记",
	    "(?<![0-9.])14五(?=[”’\"]?(?:规划|时期|期间|以来|末))",
	    "(?<![0-9.])15五(?=[”’\"]?(?:规划|时期|期间|以来|末))",
	    "(?<![0-9.])5四运动",
	    "(?<![0-9.])9三学社",
	    "1带1路",
	    "星期\\K[1-6](?![0-9])",
	};
	struct gw_profile prof;
	uint32_t seed = 777;
	int seen = 0;

	gw_profile_national(&prof);
	for (int round = 0; round < 30000; round++) {
		struct gw_doc doc;
		struct gw_findings f;
		size_t n = 2 + (size_t)(round % 9);

		random_doc(&doc, &prof, "关于加强管理的通知\n各单位：\n各单位要", alpha,
			   ARRAY_LEN(alpha), n, &seed, "。");
		gw_findings_init(&f);
		gw_rules_extra(&doc, &f);
		for (size_t i = 0; i < doc.n; i++) {
			int r = doc.paras[i].role;
			bool want = false;
			bool got = false;

			if (r == GW_ROLE_BODY || (r >= GW_ROLE_H1 && r <= GW_ROLE_H4)) {
				for (size_t k = 0; k < ARRAY_LEN(pats) && !want; k++) {
					size_t s;
					size_t en;

					want = gw_re(pats[k], &doc.paras[i], 0, &s, &en, NULL, 0);
				}
			}
			for (size_t k = 0; k < f.n; k++)
				got = got || (f.v[k].para == (long)i &&
					      strcmp(f.v[k].rule, "GW-NUM-007") == 0);
			ASSERT_EQ(got, want);
			seen += want;
		}
		gw_findings_free(&f);
		gw_doc_free(&doc);
	}
	ASSERT(seen > 100);
}

/* GW-NUM-004 (a leading zero in a month or day) reports exactly where its
 * pattern matches: the tests that decide whether to run the pattern (a 0
 * and a 月 in the Bloom filter, "0[1-9]月" or "月0[1-9]日" found from the
 * 月s) may not miss a match. */
TEST(gw_chars_zero_pad_prefilter_misses_no_match)
{
	/* 0 1 5 月 日 年 中 */
	static const uint32_t alpha[] = {'0', '1', '5', 0x6708, 0x65E5, 0x5E74, 0x4E2D};
	static const char pat[] = "(?<=年)0(?=[1-9]月)|(?<![0-9])0(?=[1-9]月)|(?<=月)0(?=[1-9]日)";
	struct gw_profile prof;
	uint32_t seed = 2468;
	int seen = 0;
	int miss = 0;

	gw_profile_national(&prof);
	for (int round = 0; round < 20000; round++) {
		struct gw_doc doc;
		struct gw_findings f;
		size_t n = 2 + (size_t)(round % 8);

		random_doc(&doc, &prof, "", alpha, ARRAY_LEN(alpha), n, &seed, "");
		gw_findings_init(&f);
		gw_rules_num(&doc, &f);
		for (size_t i = 0; i < doc.n; i++) {
			size_t s;
			size_t en;
			bool want = doc.paras[i].role != GW_ROLE_BLANK &&
				    gw_re(pat, &doc.paras[i], 0, &s, &en, NULL, 0);
			bool got = false;

			for (size_t k = 0; k < f.n; k++)
				got = got || (f.v[k].para == (long)i &&
					      strcmp(f.v[k].rule, "GW-NUM-004") == 0);
			ASSERT_EQ(got, want);
			seen += want;
			miss += !want && (doc.paras[i].chars & GW_C_DIGIT);
		}
		gw_findings_free(&f);
		gw_doc_free(&doc);
	}
	ASSERT(seen > 100);
	ASSERT(miss > 100);
}

/* GW_C_NIAN_MIX and GW_C_NIAN_ZERO against the scan of every 年 that
 * GW-NUM-005 made before them, and GW-NUM-005 reported exactly where one
 * of its patterns matches outside a date line. */
TEST(gw_chars_nian_mix_matches_scan)
{
	/* 年 〇 零 二 五 十 O 0 ０ 2 月 newline */
	static const uint32_t alpha[] = {0x5E74, 0x3007, 0x96F6, '2',	 0x4E8C, 0x4E94,
					 0x5341, 'O',	 '0',	 0xFF10, 0x6708, '\n'};
	struct gw_profile prof;
	uint32_t seed = 55;
	int seen_mix = 0;
	int seen_zero = 0;
	int seen_find = 0;

	gw_profile_national(&prof);
	for (int round = 0; round < 40000; round++) {
		struct gw_doc doc;
		struct gw_findings f;
		size_t n = 4 + (size_t)(round % 24);

		random_doc(&doc, &prof, "", alpha, ARRAY_LEN(alpha), n, &seed, "");
		gw_findings_init(&f);
		gw_rules_num(&doc, &f);
		for (size_t i = 0; i < doc.n; i++) {
			const struct gw_para *p = &doc.paras[i];
			bool mix = false;
			bool zero = false;
			bool got = false;
			bool want;
			size_t s;
			size_t en;

			for (size_t k = 1; k < p->text.len; k++) {
				uint32_t b = p->text.p[k - 1];
				uint32_t a = k + 1 < p->text.len ? p->text.p[k + 1] : 0;
				bool cn_b = b == 0x3007 || b == 0x96F6 || gw_is_cn_digit19(b);

				if (p->text.p[k] != 0x5E74)
					continue;
				if ((cn_b && gw_is_digit09(a)) ||
				    (gw_is_digit09(b) && (gw_is_cn_digit19(a) || a == 0x5341)))
					mix = true;
				if (cn_b || b == 'O' || b == '0' || b == 0xFF10)
					zero = true;
			}
			ASSERT_EQ((p->chars & GW_C_NIAN_MIX) != 0, mix);
			ASSERT_EQ((p->chars & GW_C_NIAN_ZERO) != 0, zero);
			seen_mix += mix;
			seen_zero += zero;
			want = p->role != GW_ROLE_DATE && p->role != GW_ROLE_BLANK &&
			       (gw_re("[〇零一二三四五六七八九]{4}年[0-9]|[0-9]{4}年["
				      "一二三四五六七八九十]{1,2}月",
				      p, 0, &s, &en, NULL, 0) ||
				gw_re("二[O0０零][一二三四五六七八九〇零O0０]{2}年", p, 0, &s, &en,
				      NULL, 0));
			for (size_t k = 0; k < f.n; k++)
				got = got || (f.v[k].para == (long)i &&
					      strcmp(f.v[k].rule, "GW-NUM-005") == 0);
			ASSERT_EQ(got, want);
			seen_find += want;
		}
		gw_findings_free(&f);
		gw_doc_free(&doc);
	}
	ASSERT(seen_mix > 100);
	ASSERT(seen_zero > 100);
	ASSERT(seen_find > 10);
}
