/* text: UTF-8, code-point strings and Chinese character classes. */
#include "text/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

bool text_utf8_valid(const char *s, size_t len, size_t *bad_at)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		unsigned c = u[i];
		size_t need;
		uint32_t cp;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF) {
			need = 1;
			cp = c & 0x1F;
		} else if (c >= 0xE0 && c <= 0xEF) {
			need = 2;
			cp = c & 0x0F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			need = 3;
			cp = c & 0x07;
		} else {
			goto bad;
		}
		if (len - i <= need)
			goto bad;
		for (size_t k = 1; k <= need; k++) {
			if ((u[i + k] & 0xC0) != 0x80)
				goto bad;
			cp = (cp << 6) | (u[i + k] & 0x3F);
		}
		if ((need == 2 && cp < 0x800) || (need == 3 && cp < 0x10000) || cp > 0x10FFFF ||
		    (cp >= 0xD800 && cp <= 0xDFFF))
			goto bad;
		i += need + 1;
	}
	return true;
bad:
	if (bad_at != NULL)
		*bad_at = i;
	return false;
}

size_t text_utf8_decode(const char *s, size_t len, uint32_t *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t need;
	uint32_t c;

	if (len == 0)
		return 0;
	if (u[0] < 0x80) {
		*cp = u[0];
		return 1;
	}
	if (u[0] >= 0xC2 && u[0] <= 0xDF) {
		need = 1;
		c = u[0] & 0x1F;
	} else if (u[0] >= 0xE0 && u[0] <= 0xEF) {
		need = 2;
		c = u[0] & 0x0F;
	} else if (u[0] >= 0xF0 && u[0] <= 0xF4) {
		need = 3;
		c = u[0] & 0x07;
	} else {
		goto bad;
	}
	if (len <= need)
		goto bad;
	for (size_t k = 1; k <= need; k++) {
		if ((u[k] & 0xC0) != 0x80)
			goto bad;
		c = (c << 6) | (u[k] & 0x3F);
	}
	if ((need == 2 && c < 0x800) || (need == 3 && c < 0x10000) || c > 0x10FFFF ||
	    (c >= 0xD800 && c <= 0xDFFF))
		goto bad;
	*cp = c;
	return need + 1;
bad:
	*cp = 0xFFFD;
	return 1;
}

size_t text_utf8_encode(uint32_t cp, char *out)
{
	unsigned char *o = (unsigned char *)out;

	if (cp < 0x80) {
		o[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (unsigned char)(0xC0 | (cp >> 6));
		o[1] = (unsigned char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp >= 0xD800 && cp <= 0xDFFF)
		cp = 0xFFFD;
	if (cp < 0x10000) {
		o[0] = (unsigned char)(0xE0 | (cp >> 12));
		o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (unsigned char)(0x80 | (cp & 0x3F));
		return 3;
	}
	if (cp > 0x10FFFF)
		return text_utf8_encode(0xFFFD, out);
	o[0] = (unsigned char)(0xF0 | (cp >> 18));
	o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
	o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
	o[3] = (unsigned char)(0x80 | (cp & 0x3F));
	return 4;
}

void ustr_init(struct ustr *u)
{
	u->p = NULL;
	u->len = 0;
	u->cap = 0;
}

void ustr_free(struct ustr *u)
{
	free(u->p);
	ustr_init(u);
}

void ustr_push(struct ustr *u, uint32_t cp)
{
	u->p = xgrow(u->p, &u->cap, u->len + 1, sizeof(uint32_t));
	u->p[u->len++] = cp;
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define UTF8_SSSE3 1

/* The lanes of a 16-byte block of four 3-byte sequences (bytes 0-11):
 * the form of each byte (lead 1110xxxx, continuation 10xxxxxx), the lead's
 * low nibble (0 and D excluded: E0 may be overlong, ED a surrogate; 0xFF
 * where there is no lead never matches), and where each sequence's bytes
 * go in its 32-bit lane (bytes 3i+2, 3i+1, 3i, zero). */
#define UTF8_FORM_MASK                                                                             \
	(char)0xF0, (char)0xC0, (char)0xC0, (char)0xF0, (char)0xC0, (char)0xC0, (char)0xF0,        \
	    (char)0xC0, (char)0xC0, (char)0xF0, (char)0xC0, (char)0xC0, 0, 0, 0, 0
#define UTF8_FORM_VAL                                                                              \
	(char)0xE0, (char)0x80, (char)0x80, (char)0xE0, (char)0x80, (char)0x80, (char)0xE0,        \
	    (char)0x80, (char)0x80, (char)0xE0, (char)0x80, (char)0x80, 0, 0, 0, 0
#define UTF8_NIB_MASK 0x0F, 0, 0, 0x0F, 0, 0, 0x0F, 0, 0, 0x0F, 0, 0, 0, 0, 0, 0
#define UTF8_NIB_E0   0, -1, -1, 0, -1, -1, 0, -1, -1, 0, -1, -1, -1, -1, -1, -1
#define UTF8_NIB_ED   0x0D, -1, -1, 0x0D, -1, -1, 0x0D, -1, -1, 0x0D, -1, -1, -1, -1, -1, -1
#define UTF8_GATHER   2, 1, 0, -1, 5, 4, 3, -1, 8, 7, 6, -1, 11, 10, 9, -1

/* One step of ustr_add_utf8's loop while 16 bytes remain, 16 bytes at a
 * time: at an ASCII byte the whole run of ASCII in the block (all 16
 * widened, the run's count kept); else as many whole 3-byte sequences (up
 * to four) as the inline case below accepts: lead E1-EC or EE-EF, both
 * continuations 10xxxxxx (all four lanes stored, the valid count kept: the
 * caller's buffer holds a code point per remaining byte, at least 16); else
 * one sequence through text_utf8_decode, as below. Returns where it
 * stopped. */
__attribute__((target("ssse3"), always_inline)) static inline const unsigned char *
utf8_step16(const unsigned char *b, const unsigned char *end, uint32_t **op)
{
	const __m128i zero = _mm_setzero_si128();
	__m128i v = _mm_loadu_si128((const __m128i *)(const void *)b);
	unsigned high = (unsigned)_mm_movemask_epi8(v);
	uint32_t *o = *op;

	if ((high & 1) == 0) {
		__m128i lo = _mm_unpacklo_epi8(v, zero);
		__m128i hi = _mm_unpackhi_epi8(v, zero);
		unsigned n = (unsigned)__builtin_ctz(high | 0x10000u);

		_mm_storeu_si128((__m128i *)(void *)o, _mm_unpacklo_epi16(lo, zero));
		_mm_storeu_si128((__m128i *)(void *)(o + 4), _mm_unpackhi_epi16(lo, zero));
		_mm_storeu_si128((__m128i *)(void *)(o + 8), _mm_unpacklo_epi16(hi, zero));
		_mm_storeu_si128((__m128i *)(void *)(o + 12), _mm_unpackhi_epi16(hi, zero));
		*op = o + n;
		return b + n;
	}
	{
		__m128i nib = _mm_and_si128(v, _mm_setr_epi8(UTF8_NIB_MASK));
		__m128i form = _mm_cmpeq_epi8(_mm_and_si128(v, _mm_setr_epi8(UTF8_FORM_MASK)),
					      _mm_setr_epi8(UTF8_FORM_VAL));
		__m128i bad = _mm_or_si128(_mm_cmpeq_epi8(nib, _mm_setr_epi8(UTF8_NIB_E0)),
					   _mm_cmpeq_epi8(nib, _mm_setr_epi8(UTF8_NIB_ED)));
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_andnot_si128(bad, form));
		unsigned k = 4;

		if (m != 0xFFFFu) {
			/* bit 3i: lane i's three bytes all fit; the first lane
			 * that does not ends the run */
			unsigned lanes = m & m >> 1 & m >> 2 & 0x249u;

			k = (unsigned)__builtin_ctz((~lanes & 0x249u) | 0x1000u) / 3;
		}
		if (k > 0) {
			__m128i x = _mm_shuffle_epi8(v, _mm_setr_epi8(UTF8_GATHER));
			__m128i r = _mm_or_si128(
			    _mm_and_si128(x, _mm_set1_epi32(0x3F)),
			    _mm_or_si128(
				_mm_srli_epi32(_mm_and_si128(x, _mm_set1_epi32(0x3F00)), 2),
				_mm_srli_epi32(_mm_and_si128(x, _mm_set1_epi32(0x0F0000)), 4)));

			_mm_storeu_si128((__m128i *)(void *)o, r);
			*op = o + k;
			return b + 3 * k;
		}
	}
	{
		uint32_t cp;

		b += text_utf8_decode((const char *)b, (size_t)(end - b), &cp);
		*o = cp;
		*op = o + 1;
		return b;
	}
}

/* utf8_step16 until fewer than 16 bytes remain. */
__attribute__((target("ssse3"))) static const unsigned char *
utf8_ssse3(const unsigned char *b, const unsigned char *end, uint32_t **op)
{
	while (end - b >= 16)
		b = utf8_step16(b, end, op);
	return b;
}

/* The same, first trying eight whole 3-byte sequences at once where a
 * block starts with a byte above ASCII and 28 bytes remain: bytes 0-11 and
 * 12-23 as two blocks of utf8_step16's four lanes (the two 128-bit halves,
 * read from b and b + 12); when any of the eight does not fit, utf8_step16
 * takes the block as before. The caller's buffer holds a code point per
 * remaining byte: at least 28. */
__attribute__((target("avx2"))) static const unsigned char *
utf8_avx2(const unsigned char *b, const unsigned char *end, uint32_t **op)
{
	const __m256i form_mask = _mm256_setr_epi8(UTF8_FORM_MASK, UTF8_FORM_MASK);
	const __m256i form_val = _mm256_setr_epi8(UTF8_FORM_VAL, UTF8_FORM_VAL);
	const __m256i nib_mask = _mm256_setr_epi8(UTF8_NIB_MASK, UTF8_NIB_MASK);
	const __m256i nib_e0 = _mm256_setr_epi8(UTF8_NIB_E0, UTF8_NIB_E0);
	const __m256i nib_ed = _mm256_setr_epi8(UTF8_NIB_ED, UTF8_NIB_ED);
	const __m256i gather = _mm256_setr_epi8(UTF8_GATHER, UTF8_GATHER);

	while (end - b >= 16) {
		if (end - b >= 28 && b[0] >= 0x80) {
			__m256i v = _mm256_loadu2_m128i((const __m128i *)(const void *)(b + 12),
							(const __m128i *)(const void *)b);
			__m256i nib = _mm256_and_si256(v, nib_mask);
			__m256i form = _mm256_cmpeq_epi8(_mm256_and_si256(v, form_mask), form_val);
			__m256i bad = _mm256_or_si256(_mm256_cmpeq_epi8(nib, nib_e0),
						      _mm256_cmpeq_epi8(nib, nib_ed));

			if ((unsigned)_mm256_movemask_epi8(_mm256_andnot_si256(bad, form)) ==
			    0xFFFFFFFFu) {
				__m256i x = _mm256_shuffle_epi8(v, gather);
				__m256i r = _mm256_or_si256(
				    _mm256_and_si256(x, _mm256_set1_epi32(0x3F)),
				    _mm256_or_si256(
					_mm256_srli_epi32(
					    _mm256_and_si256(x, _mm256_set1_epi32(0x3F00)), 2),
					_mm256_srli_epi32(
					    _mm256_and_si256(x, _mm256_set1_epi32(0x0F0000)), 4)));

				_mm256_storeu_si256((__m256i *)(void *)*op, r);
				*op += 8;
				b += 24;
				continue;
			}
		}
		b = utf8_step16(b, end, op);
	}
	return b;
}
#endif

void ustr_add_utf8(struct ustr *u, const char *s, size_t len)
{
	const unsigned char *b = (const unsigned char *)s;
	const unsigned char *end;
	uint32_t *o;

	if (len == 0) /* nothing to add (s and u->p may be NULL) */
		return;
	end = b + len;
	u->p = xgrow(u->p, &u->cap, u->len + len, sizeof(uint32_t));
	o = u->p + u->len;
#if defined(UTF8_SSSE3)
	if (len >= 16 && __builtin_cpu_supports("avx2"))
		b = utf8_avx2(b, end, &o);
	else if (len >= 16 && __builtin_cpu_supports("ssse3"))
		b = utf8_ssse3(b, end, &o);
#endif
	/* While three bytes remain: the bytes are read into locals before the
	 * store (a store through o may alias them), the 3-byte test is one
	 * range check of the lead and one of both continuation bytes. */
	while (end - b >= 3) {
		uint32_t c0;
		uint32_t c1;
		uint32_t c2;

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		/* Two 3-byte sequences in a row (most CJK text), read as one
		 * word: both leads 1110xxxx with continuations 10xxxxxx, and
		 * both lead nibbles in 1-C or E-F (not E0, which may be
		 * overlong, nor ED, which may be a surrogate: adding 0xF to a
		 * nibble carries into bit 4 unless it is 0, the same after an
		 * XOR with D unless it is D) — the inline case below, twice. */
		while (end - b >= 8) {
			uint64_t w;
			uint32_t x;

			memcpy(&w, b, sizeof(w));
			x = (uint32_t)w & 0x0F00000Fu;
			if ((w & 0x0000C0C0F0C0C0F0u) != 0x00008080E08080E0u ||
			    ((x + 0x0F00000Fu) & ((x ^ 0x0D00000Du) + 0x0F00000Fu) & 0x10000010u) !=
				0x10000010u)
				break;
			/* the second sequence moved up to bit 32, both decoded
			 * at once into two 32-bit lanes, stored as o[0], o[1] */
			w = (w & 0xFFFFFFu) | (w & 0xFFFFFF000000u) << 8;
			w = (w & 0x0000000F0000000Fu) << 12 | (w & 0x00003F0000003F00u) >> 2 |
			    (w & 0x003F0000003F0000u) >> 16;
			memcpy(o, &w, sizeof(w));
			o += 2;
			b += 6;
		}
		if (end - b < 3)
			break;
#endif
		c0 = b[0];
		if (c0 < 0x80) {
			*o++ = c0;
			b++;
			continue;
		}
		c1 = b[1];
		c2 = b[2];
		if (c0 - 0xE1u <= 0xEFu - 0xE1u && c0 != 0xED &&
		    ((c1 & 0xC0) | ((c2 & 0xC0) << 8)) == 0x8080u) {
			*o++ = (c0 & 0x0F) << 12 | (c1 & 0x3F) << 6 | (c2 & 0x3F);
			b += 3;
			continue;
		}
		{
			uint32_t cp;

			b += text_utf8_decode((const char *)b, (size_t)(end - b), &cp);
			*o++ = cp;
		}
	}
	while (b < end) {
		uint32_t cp;

		/* ASCII and the 3-byte sequences that cannot be overlong or
		 * surrogates (lead E1-EC, EE-EF: most CJK) inline; the rest, and
		 * every error, through text_utf8_decode */
		if (b[0] < 0x80) {
			*o++ = *b++;
			continue;
		}
		if (b[0] >= 0xE1 && b[0] != 0xED && b[0] <= 0xEF && end - b > 2 &&
		    (b[1] & 0xC0) == 0x80 && (b[2] & 0xC0) == 0x80) {
			*o++ = (uint32_t)(b[0] & 0x0F) << 12 | (uint32_t)(b[1] & 0x3F) << 6 |
			       (b[2] & 0x3F);
			b += 3;
			continue;
		}
		b += text_utf8_decode((const char *)b, (size_t)(end - b), &cp);
		*o++ = cp;
	}
	u->len = (size_t)(o - u->p);
}

void ustr_add_cstr(struct ustr *u, const char *s)
{
	ustr_add_utf8(u, s, strlen(s));
}

void ustr_add(struct ustr *u, const uint32_t *p, size_t n)
{
	u->p = xgrow(u->p, &u->cap, u->len + n, sizeof(uint32_t));
	if (n > 0)
		memcpy(u->p + u->len, p, n * sizeof(uint32_t));
	u->len += n;
}

void ustr_splice(struct ustr *u, size_t start, size_t end, const uint32_t *rep, size_t n)
{
	size_t tail;

	if (end > u->len)
		end = u->len;
	if (start > end)
		start = end;
	tail = u->len - end;
	u->p = xgrow(u->p, &u->cap, start + n + tail, sizeof(uint32_t));
	memmove(u->p + start + n, u->p + end, tail * sizeof(uint32_t));
	if (n > 0)
		memcpy(u->p + start, rep, n * sizeof(uint32_t));
	u->len = start + n + tail;
}

char *ustr_to_utf8(const struct ustr *u, size_t start, size_t end)
{
	struct buf b;

	buf_init(&b, (size_t)-1 / 2);
	if (end > u->len)
		end = u->len;
	if (start < end)
		text_buf_add_ucs(&b, u->p + start, end - start);
	return buf_detach(&b, NULL);
}

int text_buf_add_ucs(struct buf *b, const uint32_t *p, size_t n)
{
	char tmp[4];

	for (size_t i = 0; i < n; i++) {
		size_t k = text_utf8_encode(p[i], tmp);
		int rc = buf_add(b, tmp, k);

		if (rc != 0)
			return rc;
	}
	return 0;
}

/* Decode a short UTF-8 literal into a fixed array; returns its length. */
static size_t lit_decode(const char *utf8, uint32_t *out, size_t max)
{
	size_t len = strlen(utf8);
	size_t i = 0;
	size_t n = 0;

	while (i < len && n < max) {
		const unsigned char *b = (const unsigned char *)utf8 + i;
		uint32_t cp;

		/* ASCII and well-formed 3-byte sequences (E1-EC, EE-EF leads:
		 * never overlong nor surrogates) inline, as ustr_add_utf8 */
		if (b[0] < 0x80) {
			cp = b[0];
			i++;
		} else if (len - i >= 3 && b[0] >= 0xE1 && b[0] <= 0xEF && b[0] != 0xED &&
			   (b[1] & 0xC0) == 0x80 && (b[2] & 0xC0) == 0x80) {
			cp = (uint32_t)(b[0] & 0x0F) << 12 | (uint32_t)(b[1] & 0x3F) << 6 |
			     (b[2] & 0x3F);
			i += 3;
		} else {
			i += text_utf8_decode(utf8 + i, len - i, &cp);
		}
		out[n++] = cp;
	}
	return n;
}

size_t text_ucs_len(const char *utf8)
{
	size_t len = strlen(utf8);
	size_t i = 0;
	size_t n = 0;

	while (i < len) {
		uint32_t cp;

		i += text_utf8_decode(utf8 + i, len - i, &cp);
		n++;
	}
	return n;
}

bool text_ucs_eq(const uint32_t *p, size_t n, const char *utf8)
{
	uint32_t lit[128];
	size_t k = lit_decode(utf8, lit, ARRAY_LEN(lit));

	return k == n && (n == 0 || memcmp(p, lit, n * sizeof(uint32_t)) == 0);
}

bool text_ucs_has_prefix(const uint32_t *p, size_t n, const char *utf8)
{
	uint32_t lit[128];
	size_t k = lit_decode(utf8, lit, ARRAY_LEN(lit));

	return k <= n && memcmp(p, lit, k * sizeof(uint32_t)) == 0;
}

bool text_ucs_has_suffix(const uint32_t *p, size_t n, const char *utf8)
{
	uint32_t lit[128];
	size_t k = lit_decode(utf8, lit, ARRAY_LEN(lit));

	return k <= n && memcmp(p + n - k, lit, k * sizeof(uint32_t)) == 0;
}

/* wchar_t is a 32-bit int here (glibc): uint32_t text may be read as
 * wchar_t (signed and unsigned variants of one type may alias). */
_Static_assert(sizeof(wchar_t) == sizeof(uint32_t), "wchar_t holds a code point");

long text_ucs_chr(const uint32_t *p, size_t n, size_t from, uint32_t c)
{
	const wchar_t *h;

	if (from >= n || c > 0x7FFFFFFF)
		return -1;
	h = wmemchr((const wchar_t *)p + from, (wchar_t)c, n - from);
	return h != NULL ? (long)(h - (const wchar_t *)p) : -1;
}

/* text_ucs_find_ucs, inlined into text_ucs_find */
static inline long find_ucs(const uint32_t *p, size_t n, size_t from, const uint32_t *lit, size_t k)
{
	long i = (long)from;

	if (k == 0)
		return (long)from;
	if (n < k)
		return -1;
	while ((i = text_ucs_chr(p, n - k + 1, (size_t)i, lit[0])) >= 0) {
		if (memcmp(p + i, lit, k * sizeof(uint32_t)) == 0)
			return i;
		i++;
	}
	return -1;
}

long text_ucs_find_ucs(const uint32_t *p, size_t n, size_t from, const uint32_t *lit, size_t k)
{
	return find_ucs(p, n, from, lit, k);
}

long text_ucs_find(const uint32_t *p, size_t n, size_t from, const char *utf8)
{
	uint32_t lit[128];
	size_t k = lit_decode(utf8, lit, ARRAY_LEN(lit));

	return find_ucs(p, n, from, lit, k);
}

bool text_is_han(uint32_t c)
{
	return (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) ||
	       (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x3134F);
}

bool text_is_cjk_punct(uint32_t c)
{
	return (c >= 0x3000 && c <= 0x303F) || (c >= 0xFF01 && c <= 0xFF0F) ||
	       (c >= 0xFF1A && c <= 0xFF20) || (c >= 0xFF3B && c <= 0xFF40) ||
	       (c >= 0xFF5B && c <= 0xFF65) || c == 0x2018 || c == 0x2019 || c == 0x201C ||
	       c == 0x201D || c == 0x2014 || c == 0x2026 || c == 0x00B7;
}

bool text_is_cjk(uint32_t c)
{
	return text_is_han(c) || text_is_cjk_punct(c);
}

bool text_is_digit(uint32_t c)
{
	return c >= '0' && c <= '9';
}

bool text_is_fullwidth_digit(uint32_t c)
{
	return c >= 0xFF10 && c <= 0xFF19;
}

int text_cn_digit(uint32_t c)
{
	static const uint32_t digits[] = {0x4E00, 0x4E8C, 0x4E09, 0x56DB, 0x4E94,
					  0x516D, 0x4E03, 0x516B, 0x4E5D};

	for (size_t i = 0; i < ARRAY_LEN(digits); i++) {
		if (c == digits[i])
			return (int)i + 1;
	}
	if (c == 0x5341) /* 十 */
		return 10;
	if (c == 0x3007 || c == 0x96F6) /* 〇 零 */
		return 0;
	return -1;
}

int text_cn_number(const uint32_t *p, size_t n)
{
	int a;
	int b;

	if (n == 1) {
		a = text_cn_digit(p[0]);
		return a >= 1 ? a : -1;
	}
	if (n == 2 && p[0] == 0x5341) { /* 十X */
		b = text_cn_digit(p[1]);
		return (b >= 1 && b <= 9) ? 10 + b : -1;
	}
	if (n == 2 && p[1] == 0x5341) { /* X十 */
		a = text_cn_digit(p[0]);
		return (a >= 1 && a <= 9) ? a * 10 : -1;
	}
	if (n == 3 && p[1] == 0x5341) {
		a = text_cn_digit(p[0]);
		b = text_cn_digit(p[2]);
		return (a >= 1 && a <= 9 && b >= 1 && b <= 9) ? a * 10 + b : -1;
	}
	return -1;
}

int text_cn_integer(const uint32_t *p, size_t n)
{
	int total = 0;
	int num = -1;
	bool digits = n > 0;

	if (n == 0 || n > 12)
		return -1;
	for (size_t i = 0; i < n; i++)
		digits = digits && text_is_digit(text_halfwidth(p[i]));
	if (digits) {
		if (n > 4)
			return -1;
		for (size_t i = 0; i < n; i++)
			total = total * 10 + (int)(text_halfwidth(p[i]) - '0');
		return total;
	}
	for (size_t i = 0; i < n; i++) {
		int d = p[i] == 0x4E24 ? 2 : text_cn_digit(p[i]); /* 两 */
		int unit = p[i] == 0x5341 ? 10 : p[i] == 0x767E ? 100 : p[i] == 0x5343 ? 1000 : 0;

		if (unit > 0) {
			total += (num < 0 ? 1 : num) * unit;
			num = -1;
		} else if (d >= 0 && d <= 9) {
			if (num > 0)
				return -1; /* two digits in a row: 一二 */
			num = d;
		} else {
			return -1;
		}
	}
	if (num > 0)
		total += num;
	return total <= 9999 ? total : -1;
}

void text_cn_format(int v, char *out, size_t outsz)
{
	static const char *d[] = {"", "一", "二", "三", "四", "五", "六", "七", "八", "九"};

	if (v <= 0 || v > 99) {
		snprintf(out, outsz, "%d", v);
		return;
	}
	if (v < 10)
		snprintf(out, outsz, "%s", d[v]);
	else if (v < 20)
		snprintf(out, outsz, "十%s", d[v % 10]);
	else
		snprintf(out, outsz, "%s十%s", d[v / 10], d[v % 10]);
}

uint32_t text_halfwidth(uint32_t c)
{
	if (c >= 0xFF01 && c <= 0xFF5E)
		return c - 0xFEE0;
	return c;
}
