/*
 * kb/cite: the citation check on a streamed model answer. Markers "[n]" and
 * "【n】" (n of 1–3 digits) become "[n]" when 1 <= n <= max and are removed
 * otherwise; everything else passes through byte for byte. A marker split
 * across feeds (even inside the 3-byte 【) is recognised: its bytes are
 * held back until it is complete or cannot be one.
 */
#include <string.h>

#include "kb/kb.h"

enum { CITE_NO, CITE_PREFIX, CITE_DONE };

static const char open_fw[] = "\xe3\x80\x90";  /* 【 */
static const char close_fw[] = "\xe3\x80\x91"; /* 】 */

/* Whether h[0..n) is a marker, could still become one, or cannot; *num
 * gets n of a complete marker. */
static int cite_classify(const char *h, size_t n, long *num)
{
	size_t pos, d = 0;
	long v = 0;

	if (h[0] == '[') {
		pos = 1;
	} else if (n < 3) {
		return memcmp(h, open_fw, n) == 0 ? CITE_PREFIX : CITE_NO;
	} else if (memcmp(h, open_fw, 3) == 0) {
		pos = 3;
	} else {
		return CITE_NO;
	}
	while (pos + d < n && h[pos + d] >= '0' && h[pos + d] <= '9') {
		v = v * 10 + (h[pos + d] - '0');
		d++;
	}
	if (d > 3)
		return CITE_NO;
	if (pos + d == n)
		return CITE_PREFIX;
	if (d == 0)
		return CITE_NO;
	*num = v;
	if (h[pos + d] == ']')
		return pos + d + 1 == n ? CITE_DONE : CITE_NO;
	if (n - (pos + d) > 3 || memcmp(h + pos + d, close_fw, n - (pos + d)) != 0)
		return CITE_NO;
	return n - (pos + d) == 3 ? CITE_DONE : CITE_PREFIX;
}

void kb_cite_init(struct kb_cite *c, size_t max)
{
	memset(c, 0, sizeof(*c));
	c->max = max;
}

static void cite_byte(struct kb_cite *c, char ch, struct buf *out)
{
	char pend[sizeof(c->hold) + 1];
	size_t np = 0;
	long num = 0;

	if (c->nhold == 0 && ch != '[' && ch != open_fw[0]) {
		buf_addc(out, ch);
		return;
	}
	c->hold[c->nhold++] = ch;
	switch (cite_classify(c->hold, c->nhold, &num)) {
	case CITE_PREFIX:
		return;
	case CITE_DONE:
		if (num >= 1 && (size_t)num <= c->max) {
			buf_addf(out, "[%ld]", num);
			c->kept++;
		} else {
			c->dropped++;
		}
		c->nhold = 0;
		return;
	default:
		/* Not a marker: its first byte is text, the rest is looked at again. */
		buf_addc(out, c->hold[0]);
		np = c->nhold - 1;
		memcpy(pend, c->hold + 1, np);
		c->nhold = 0;
		for (size_t i = 0; i < np; i++)
			cite_byte(c, pend[i], out);
	}
}

void kb_cite_feed(struct kb_cite *c, const char *p, size_t n, struct buf *out)
{
	for (size_t i = 0; i < n; i++)
		cite_byte(c, p[i], out);
}

void kb_cite_finish(struct kb_cite *c, struct buf *out)
{
	buf_add(out, c->hold, c->nhold);
	c->nhold = 0;
}
