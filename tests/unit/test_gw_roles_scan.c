/*
 * The character summary of a paragraph (gw_para_chars: chars, dunhao,
 * apunct span, Bloom filter) taken eight characters at a time with AVX2
 * against the scan of one character at a time it replaces: random texts
 * of every length up to 40 (the short-text, first, middle and overlapping
 * last blocks) over an alphabet that makes repetitions, range edges, the
 * digits and stops the vector settles itself, and every mark other_char
 * reads. Where the CPU has no AVX2 both calls take the scalar scan.
 */
#include <stdint.h>

#include "gongwen/gongwen.h"
#include "test.h"

static void same_summary(const uint32_t *t, size_t n)
{
	struct gw_para a;
	struct gw_para b;
	unsigned ca;
	unsigned cb;

	memset(&a, 0x5A, sizeof(a));
	memset(&b, 0xA5, sizeof(b));
	a.text.p = b.text.p = (uint32_t *)(uintptr_t)t;
	a.text.len = b.text.len = n;
	ca = gw_para_chars(&a, false);
	cb = gw_para_chars(&b, true);
	if (ca != cb || a.dunhao != b.dunhao || a.apunct_lo != b.apunct_lo ||
	    a.apunct_hi != b.apunct_hi || memcmp(a.cps, b.cps, sizeof(a.cps)) != 0) {
		fprintf(stderr, "  text of %zu:", n);
		for (size_t i = 0; i < n; i++)
			fprintf(stderr, " U+%04X", (unsigned)t[i]);
		fprintf(stderr, "\n  chars %#x/%#x dunhao %#x/%#x apunct %zu-%zu/%zu-%zu\n", ca, cb,
			a.dunhao, b.dunhao, a.apunct_lo, a.apunct_hi, b.apunct_lo, b.apunct_hi);
		ASSERT(0);
	}
}

/* 的 中 一 十 第 首 先 其 次 等 年 (Han, some of them numerals), the edges
 * of the Han range U+4E00-9FFF and beyond it, 0 1 9 / : O ０ 〇 零, the
 * point marks ，。、；：！？, . , ( ) ' % and the paired marks, letters,
 * spaces, a character beyond the BMP and a value no code point takes */
static const uint32_t alphabet[] = {
    0x7684, 0x4E2D, 0x4E00, 0x5341, 0x7B2C, 0x9996, 0x5148,  0x5176,	 0x6B21, 0x7B49, 0x5E74,
    0x5E74, 0x4DFF, 0x4E00, 0x9FFF, 0xA000, '0',    '1',     '9',	 '/',	 ':',	 'O',
    0xFF10, 0x3007, 0x96F6, 0xFF0C, 0x3002, 0x3001, 0x3001,  0xFF1B,	 0xFF1A, 0xFF01, 0xFF1F,
    '.',    ',',    '(',    ')',    '\'',   '%',    0x201C,  0x201D,	 0x2018, 0x2019, 0x300A,
    0x300B, 0x3008, 0x3009, 0xFF08, 0xFF09, 0x3014, 0x3015,  0x3010,	 0x3011, 0x2014, 0x2026,
    0x00B7, 'a',    'Z',    ' ',    '\t',   0x3000, 0x20000, 0xFFFFFFFFu};

TEST(gw_para_chars_vector_matches_scalar)
{
	uint64_t st = 0x2545F4914F6CDD1Du;
	uint32_t t[40];
	unsigned seen = 0;

	for (int round = 0; round < 60000; round++) {
		size_t n = (size_t)(round % 41);
		/* a narrow alphabet now and then, so that words repeat */
		size_t na = round % 3 == 0 ? 6 : ARRAY_LEN(alphabet);
		size_t skip = (size_t)(round / 3) % (ARRAY_LEN(alphabet) - 5);
		struct gw_para p;

		for (size_t k = 0; k < n; k++) {
			st = st * 6364136223846793005u + 1442695040888963407u;
			t[k] =
			    na == 6 ? alphabet[skip + (st >> 33) % 6] : alphabet[(st >> 33) % na];
		}
		same_summary(t, n);
		p.text.p = t;
		p.text.len = n;
		seen |= gw_para_chars(&p, true);
	}
	/* the texts reached the repetition and mark bits */
	ASSERT(seen & GW_C_WORDREP);
	ASSERT(seen & GW_C_HANREP);
	ASSERT(seen & GW_C_DOTREP);
	ASSERT(seen & GW_C_PUNCPAIR);
	ASSERT(seen & GW_C_NEST_BOOK);
	ASSERT(seen & GW_C_NIAN_CN4);
	ASSERT(seen & GW_C_DIGIT);
}

/* Long Han texts with one mark or repetition placed at every position:
 * each block boundary of the vector scan. */
TEST(gw_para_chars_vector_matches_scalar_at_every_position)
{
	static const uint32_t marks[] = {0x3001, 0x5E74, '7', 0xFF0C, 0x201C, 0x7684, 'x'};
	uint32_t t[70];

	for (size_t n = 1; n <= ARRAY_LEN(t); n++) {
		for (size_t at = 0; at < n; at++) {
			for (size_t m = 0; m < ARRAY_LEN(marks); m++) {
				for (size_t k = 0; k < n; k++)
					t[k] = 0x4E00 + (uint32_t)(k * 7 % 50);
				t[at] = marks[m];
				if (at + 1 < n && m == 0)
					t[at + 1] = 0x5341; /* 、十 */
				if (at >= 1 && m == 5)
					t[at - 1] = 0x7684; /* 的的 */
				same_summary(t, n);
			}
		}
	}
}
