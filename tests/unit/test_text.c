#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "test.h"
#include "text/regex.h"
#include "text/text.h"

TEST(text_utf8_validation)
{
	size_t at = 0;

	ASSERT(text_utf8_valid("abc", 3, NULL));
	ASSERT(text_utf8_valid("公文", strlen("公文"), NULL));
	ASSERT(!text_utf8_valid("a\xC0\xAF", 3, &at)); /* overlong '/' */
	ASSERT_EQ(at, 1);
	ASSERT(!text_utf8_valid("\xED\xA0\x80", 3, NULL)); /* surrogate */
	ASSERT(!text_utf8_valid("\xE5\x85", 2, NULL));	   /* truncated */
	ASSERT(!text_utf8_valid("\xF5\x80\x80\x80", 4, NULL));
}

TEST(text_ustr_roundtrip_and_splice)
{
	struct ustr u;
	uint32_t rep[] = {0x3014};
	char *s;

	ustr_init(&u);
	ustr_add_cstr(&u, "示政发[2025]6号");
	ASSERT_EQ(u.len, 11);
	ustr_splice(&u, 3, 4, rep, 1);
	s = ustr_to_utf8(&u, 0, u.len);
	ASSERT_STR_EQ(s, "示政发〔2025]6号");
	free(s);
	ASSERT_EQ(text_ucs_find(u.p, u.len, 0, "]"), 8);
	ASSERT(text_ucs_has_suffix(u.p, u.len, "6号"));
	ASSERT(text_ucs_has_prefix(u.p, u.len, "示政"));
	ustr_free(&u);
}

TEST(text_chinese_numerals)
{
	struct ustr u;
	char out[32];

	ustr_init(&u);
	ustr_add_cstr(&u, "二十一");
	ASSERT_EQ(text_cn_number(u.p, u.len), 21);
	ustr_free(&u);
	ustr_add_cstr(&u, "十");
	ASSERT_EQ(text_cn_number(u.p, u.len), 10);
	ustr_free(&u);
	ustr_add_cstr(&u, "十三");
	ASSERT_EQ(text_cn_number(u.p, u.len), 13);
	ustr_free(&u);
	ustr_add_cstr(&u, "零");
	ASSERT_EQ(text_cn_number(u.p, u.len), -1);
	ustr_free(&u);
	text_cn_format(12, out, sizeof(out));
	ASSERT_STR_EQ(out, "十二");
	text_cn_format(30, out, sizeof(out));
	ASSERT_STR_EQ(out, "三十");
	ASSERT_EQ(text_halfwidth(0xFF15), '5');
	ASSERT(text_is_han(0x4E2D));
	ASSERT(!text_is_han('a'));
}

/* ustr_add_utf8(s) gives what text_utf8_decode gives code point by code point. */
static void same_as_decode(const char *s, size_t len)
{
	struct ustr u;
	size_t i = 0, n = 0;

	ustr_init(&u);
	ustr_add_utf8(&u, s, len);
	while (i < len) {
		uint32_t cp;

		i += text_utf8_decode(s + i, len - i, &cp);
		ASSERT(n < u.len);
		ASSERT_EQ(u.p[n], cp);
		n++;
	}
	ASSERT_EQ(u.len, n);
	ustr_free(&u);
}

/* ustr_add_utf8 decodes ASCII and common 3-byte sequences inline: on random
 * bytes (biased to UTF-8 leads and continuations) it must give what
 * text_utf8_decode gives code point by code point. */
TEST(text_ustr_add_utf8_same_as_decode)
{
	static const unsigned char pick[] = {0x00, 0x41, 0x7F, 0x80, 0xBF, 0xC0, 0xC2, 0xDF,
					     0xE0, 0xE1, 0xE4, 0xEC, 0xED, 0xEE, 0xEF, 0xF0,
					     0xF4, 0xF5, 0xFF, 0x9F, 0xA0, 0x8F, 0x90};
	uint32_t seed = 12345;

	for (int round = 0; round < 4000; round++) {
		char s[16];
		size_t len = (size_t)(round % 9);

		for (size_t k = 0; k < len; k++) {
			seed = seed * 1103515245u + 12345u;
			s[k] = (char)pick[(seed >> 16) % sizeof(pick)];
		}
		same_as_decode(s, len);
	}
}

/* The same on longer texts made of whole or damaged 3-byte sequences (every
 * lead E0-EF, continuations at both ends of their range, ASCII and stray
 * bytes between): ustr_add_utf8 reads two 3-byte sequences at once when
 * eight bytes remain, and must agree with text_utf8_decode there too. */
TEST(text_ustr_add_utf8_pairs_same_as_decode)
{
	static const unsigned char lead[] = {0xE0, 0xE1, 0xE4, 0xE9, 0xEC, 0xED, 0xEE, 0xEF};
	static const unsigned char cont[] = {0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xAB, 0xBF, 0xBF};
	static const unsigned char other[] = {0x41, 0x00, 0xC2, 0xC0, 0xF0, 0xFF, 0x7F, 0xE5};
	uint32_t seed = 987654321u;
	size_t fast = 0;

	for (int round = 0; round < 20000; round++) {
		char s[48];
		size_t len = 0;
		size_t want = 6 + (size_t)(round % 40);

		while (len + 3 <= want && len + 3 <= sizeof(s)) {
			unsigned r;

			seed = seed * 1103515245u + 12345u;
			r = seed >> 8;
			if (r % 8 < 6) {
				s[len++] = (char)lead[(r >> 3) % 8];
				/* mostly continuation bytes, now and then another */
				s[len++] = (char)((r >> 6) % 16 ? cont[(r >> 10) % 8]
								: other[(r >> 10) % 8]);
				s[len++] = (char)((r >> 13) % 16 ? cont[(r >> 17) % 8]
								 : other[(r >> 17) % 8]);
				fast++;
			} else {
				s[len++] = (char)other[(r >> 3) % 8];
			}
		}
		same_as_decode(s, len);
	}
	ASSERT(fast > 100000);
}

/* The same on texts of up to 300 bytes made of runs: ASCII runs, whole
 * 3-byte sequences (every lead E0-EF), 2- and 4-byte sequences, and now
 * and then a damaged sequence or stray byte. ustr_add_utf8 decodes 16
 * bytes at a time (ASCII runs, up to four 3-byte sequences) while 16 bytes
 * remain; every block boundary and damaged lane must agree with
 * text_utf8_decode. */
TEST(text_ustr_add_utf8_long_runs_same_as_decode)
{
	static const unsigned char lead[] = {0xE0, 0xE1, 0xE4, 0xE9, 0xEC, 0xED, 0xEE, 0xEF};
	static const unsigned char cont[] = {0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xAB, 0xBF, 0xB0};
	static const unsigned char other[] = {0x41, 0x00, 0xC2, 0xC0, 0xF0, 0xFF,
					      0x7F, 0xE5, 0x80, 0xBF, 0xF4, 0xDF};
	uint32_t seed = 24681357u;
	size_t han = 0;

	for (int round = 0; round < 6000; round++) {
		char s[320];
		size_t len = 0;
		size_t want = (size_t)(round % 300);

		while (len + 12 <= want) {
			unsigned r;
			unsigned run;

			seed = seed * 1103515245u + 12345u;
			r = seed >> 4;
			run = 1 + (r >> 8) % 12;
			switch (r % 8) {
			case 0: /* ASCII */
			case 1:
				for (unsigned i = 0; i < run; i++)
					s[len++] = (char)(0x20 + (r >> (i % 16)) % 0x5F);
				break;
			case 2: /* 2-byte, 4-byte */
				s[len++] = (char)0xC3;
				s[len++] = (char)0xA9;
				s[len++] = (char)0xF0;
				s[len++] = (char)0x9F;
				s[len++] = (char)0x98;
				s[len++] = (char)0x80;
				break;
			case 3: /* a stray byte */
				s[len++] = (char)other[(r >> 8) % sizeof(other)];
				break;
			default: /* 3-byte sequences, mostly whole */
				for (unsigned i = 0; i < run / 3 + 1; i++) {
					seed = seed * 1103515245u + 12345u;
					r = seed >> 4;
					s[len++] = (char)(r % 64 ? 0xE4 + (r >> 6) % 6
								 : lead[(r >> 6) % 8]);
					s[len++] = (char)((r >> 9) % 64 ? cont[(r >> 15) % 8]
									: other[(r >> 15) % 12]);
					s[len++] = (char)((r >> 18) % 64 ? cont[(r >> 21) % 8]
									 : other[(r >> 21) % 12]);
					han++;
				}
				break;
			}
		}
		same_as_decode(s, len);
	}
	ASSERT(han > 100000);
}

/* Long runs of 3-byte sequences (where ustr_add_utf8 decodes eight at a
 * time on AVX2: 24 bytes from a lead, 28 remaining), each damaged now and
 * then at any of its lanes (an E0 or ED lead, a 2- or 4-byte sequence, a
 * bad continuation, ASCII), at every offset from the text's start and end:
 * the same as text_utf8_decode. */
TEST(text_ustr_add_utf8_long_han_runs_same_as_decode)
{
	static const unsigned char damage[][3] = {
	    {0xE0, 0xA0, 0x80}, {0xED, 0x9F, 0xBF}, {0xED, 0xA0, 0x80}, {0xC3, 0xA9, 0x41},
	    {0xE4, 0x41, 0x80}, {0xE4, 0xB8, 0xC0}, {0x41, 0x42, 0x43}, {0xF0, 0x9F, 0x98},
	    {0xEF, 0xBF, 0xBF}, {0xE1, 0x80, 0x80}};
	uint32_t seed = 13572468u;
	size_t long_runs = 0;

	for (int round = 0; round < 4000; round++) {
		char s[400];
		size_t len = 0;
		size_t lead_in = (size_t)(round % 5);
		size_t run = 0;
		size_t want = 16 + (size_t)round % 370; /* texts of every length */

		for (size_t i = 0; i < lead_in; i++)
			s[len++] = 'a';
		while (len + 3 <= want) {
			unsigned r;

			seed = seed * 1103515245u + 12345u;
			r = seed >> 4;
			if (r % 23 == 0) {
				memcpy(s + len, damage[(r >> 8) % ARRAY_LEN(damage)], 3);
				run = 0;
			} else {
				/* 一 (E4 B8 80) .. 鿿, and the edges E1/EC/EE/EF */
				s[len] =
				    (char)(r % 7 == 0 ? 0xE1 + (r >> 5) % 15 : 0xE4 + (r >> 5) % 6);
				if ((unsigned char)s[len] == 0xED)
					s[len] = (char)0xEC;
				s[len + 1] = (char)(0x80 + (r >> 9) % 64);
				s[len + 2] = (char)(0x80 + (r >> 15) % 64);
				if (++run == 8)
					long_runs++;
			}
			len += 3;
		}
		for (size_t i = 0; i < (size_t)(round % 3); i++)
			s[len++] = 'z';
		same_as_decode(s, len);
	}
	ASSERT(long_runs > 5000);
}

/* base_tz_pin: TZ set to the same zone (local times unchanged), or kept. */
TEST(base_tz_pin_same_zone)
{
	const char *old = getenv("TZ");
	char *saved = old ? xstrdup(old) : NULL;
	time_t t = 1700000000;
	struct tm a, b;

	unsetenv("TZ");
	tzset();
	ASSERT(localtime_r(&t, &a) != NULL);
	base_tz_pin();
	ASSERT(getenv("TZ") != NULL);
	ASSERT_STR_EQ(getenv("TZ"), ":/etc/localtime");
	ASSERT(localtime_r(&t, &b) != NULL);
	ASSERT_EQ(a.tm_hour, b.tm_hour);
	ASSERT_EQ(a.tm_gmtoff, b.tm_gmtoff);
	setenv("TZ", "UTC", 1);
	base_tz_pin();
	ASSERT_STR_EQ(getenv("TZ"), "UTC");
	if (saved != NULL)
		setenv("TZ", saved, 1);
	else
		unsetenv("TZ");
	tzset();
	free(saved);
}

/* text_ucs_chr (wmemchr), text_ucs_find and text_ucs_find_ucs against a plain scan, on random
 * texts of a few code points (BMP, astral, 0, the largest) and every start. */
TEST(text_ucs_chr_find_same_as_scan)
{
	static const uint32_t pick[] = {0x7684, 0x5E74, 0x3001, 0, 0x10FFFF, 0x20000, 'a', 0x7685};
	uint32_t seed = 777;

	for (int round = 0; round < 2000; round++) {
		uint32_t t[24];
		size_t n = (size_t)(round % 24);
		uint32_t c;
		char lit[16];
		size_t ll;

		for (size_t k = 0; k < n; k++) {
			seed = seed * 1103515245u + 12345u;
			t[k] = pick[(seed >> 16) % 8];
		}
		seed = seed * 1103515245u + 12345u;
		c = pick[(seed >> 16) % 8];
		for (size_t from = 0; from <= n + 1; from++) {
			long want = -1;

			for (size_t k = from; k < n; k++) {
				if (t[k] == c) {
					want = (long)k;
					break;
				}
			}
			ASSERT_EQ(text_ucs_chr(t, n, from, c), want);
		}
		/* a two-character literal (no NUL: literals are C strings) */
		if (c == 0)
			continue;
		ll = text_utf8_encode(c, lit);
		ll += text_utf8_encode(0x7684, lit + ll);
		lit[ll] = '\0';
		for (size_t from = 0; from <= n; from++) {
			long want = -1;

			for (size_t k = from; k + 2 <= n; k++) {
				if (t[k] == c && t[k + 1] == 0x7684) {
					want = (long)k;
					break;
				}
			}
			ASSERT_EQ(text_ucs_find(t, n, from, lit), want);
			{
				const uint32_t ucs[2] = {c, 0x7684};

				ASSERT_EQ(text_ucs_find_ucs(t, n, from, ucs, 2), want);
				ASSERT_EQ(text_ucs_find_ucs(t, n, from, ucs, 0), (long)from);
			}
		}
	}
}

/* A cached pattern is interpreted at first and JIT-compiled once enough
 * text has gone through it: every search gives the same answer either
 * side of the switch (regex.c RE_JIT_AFTER). */
TEST(text_re_lazy_jit_same_matches)
{
	static const char pat[] = "([一二三四五六七八九十]+)、(\\S{1,6}?)[。；]";
	struct text_re *re = text_re_get(pat);
	struct ustr u;
	size_t s0 = 0, e0 = 0;
	long g0[4] = {0};
	bool was_jitted = text_re_jitted(re);
	bool switched = false;

	ustr_init(&u);
	ustr_add_cstr(&u, "根据有关规定，现通知如下：三、加强组织领导；四、其他。");
	ASSERT(!was_jitted);
	for (int i = 0; i < 64; i++) {
		size_t s, e;
		long g[4];

		ASSERT(text_re_search(re, u.p, u.len, 0, &s, &e, g, 2));
		if (i == 0) {
			s0 = s;
			e0 = e;
			memcpy(g0, g, sizeof(g));
		}
		ASSERT_EQ(s, s0);
		ASSERT_EQ(e, e0);
		ASSERT(memcmp(g, g0, sizeof(g)) == 0);
		ASSERT(!text_re_search(re, u.p, u.len, e0 + 4, &s, &e, g, 2));
		switched = switched || text_re_jitted(re);
	}
	ASSERT_EQ(s0, 13);
	ASSERT_EQ(g0[0], 13);
	ASSERT_EQ(g0[1], 14);
	ASSERT_EQ(g0[2], 15);
	ASSERT_EQ(g0[3], 21);
	ASSERT_EQ(e0, 22);
	/* where this machine has a JIT (x86-64 does), the switch happened */
	ASSERT(switched);
	ustr_free(&u);
}
