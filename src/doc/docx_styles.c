/* doc/docx_styles: styles parsed on first use. See docx_styles.h. */
#include "doc/docx_styles.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define STYLES_AVX2 1
#endif
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "doc/xmlfast.h"

#define NS_W	  "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define MAX_ATTRS 32

#if defined(STYLES_AVX2)
/* The starts c in [p, p + 32) whose needle's last two bytes (the 16-bit
 * word w) lie at c + n - 2, bit c - p. */
__attribute__((target("avx2"))) static inline uint32_t tail_hits(const char *p, size_t n, __m256i w)
{
	const char *q = p + n - 2;
	__m256i even = _mm256_cmpeq_epi16(_mm256_loadu_si256((const __m256i *)(const void *)q), w);
	__m256i odd =
	    _mm256_cmpeq_epi16(_mm256_loadu_si256((const __m256i *)(const void *)(q + 1)), w);

	/* a matching word sets both its bytes' bits: keep the first */
	return ((uint32_t)_mm256_movemask_epi8(even) & 0x55555555u) |
	       ((uint32_t)_mm256_movemask_epi8(odd) & 0x55555555u) << 1;
}

/* The first needle starting in [p, p + 128), else NULL (the block had a
 * hit of the last two bytes; kept out of the scan's loop). */
__attribute__((target("avx2"), noinline)) static const char *
block_match(const char *p, const char *needle, size_t n, __m256i w)
{
	for (size_t j = 0; j < 128; j += 32) {
		uint32_t bits = tail_hits(p + j, n, w);

		while (bits != 0) {
			const char *c = p + j + (size_t)__builtin_ctz(bits);

			if (memcmp(c, needle, n - 2) == 0)
				return c;
			bits &= bits - 1;
		}
	}
	return NULL;
}

/* doc_docx_find_end_tag() while 128 candidates and their last two bytes fit
 * before end; *p ends where the caller goes on. The last two bytes are
 * compared as one 16-bit word at the even and at the odd offsets (two
 * compares per 32 candidates, no byte pairing): a block costs about as
 * many instructions as a 64-byte step did with byte compares. */
__attribute__((target("avx2"))) static const char *find_end_avx2(const char **pp, const char *end,
								 const char *needle, size_t n)
{
	const __m256i w = _mm256_set1_epi16(
	    (short)((unsigned char)needle[n - 2] | (unsigned)(unsigned char)needle[n - 1] << 8));
	const char *p = *pp;
	const char *last; /* the last p of a whole block */

	/* candidates p .. p + 127 read [p + n - 2, p + n + 127) */
	if ((size_t)(end - p) < n + 127) {
		*pp = p;
		return NULL;
	}
	last = end - (n + 127);
	for (; p <= last; p += 128) {
		const char *q = p + n - 2;
		__m256i any = _mm256_or_si256(
		    _mm256_or_si256(
			_mm256_or_si256(
			    _mm256_cmpeq_epi16(_mm256_loadu_si256((const __m256i *)(const void *)q),
					       w),
			    _mm256_cmpeq_epi16(
				_mm256_loadu_si256((const __m256i *)(const void *)(q + 1)), w)),
			_mm256_or_si256(
			    _mm256_cmpeq_epi16(
				_mm256_loadu_si256((const __m256i *)(const void *)(q + 32)), w),
			    _mm256_cmpeq_epi16(
				_mm256_loadu_si256((const __m256i *)(const void *)(q + 33)), w))),
		    _mm256_or_si256(
			_mm256_or_si256(
			    _mm256_cmpeq_epi16(
				_mm256_loadu_si256((const __m256i *)(const void *)(q + 64)), w),
			    _mm256_cmpeq_epi16(
				_mm256_loadu_si256((const __m256i *)(const void *)(q + 65)), w)),
			_mm256_or_si256(
			    _mm256_cmpeq_epi16(
				_mm256_loadu_si256((const __m256i *)(const void *)(q + 96)), w),
			    _mm256_cmpeq_epi16(
				_mm256_loadu_si256((const __m256i *)(const void *)(q + 97)), w))));

		if (!_mm256_testz_si256(any, any)) {
			const char *c = block_match(p, needle, n, w);

			if (c != NULL) {
				*pp = p;
				return c;
			}
		}
	}
	*pp = p;
	return NULL;
}
#endif

const char *doc_docx_find_end_tag(const char *p, const char *end, const char *needle, size_t n)
{
	if (p >= end || n < 2)
		return NULL;
#if defined(STYLES_AVX2)
	if (__builtin_cpu_supports("avx2")) {
		const char *r = find_end_avx2(&p, end, needle, n);

		if (r != NULL)
			return r;
	}
#endif
	return doc_docx_find_by(p, end, needle, doc_docx_rare_at(needle));
}

/* Where one kept child element of the root lies in the text. */
struct styles_src {
	size_t at;
	size_t len;
	bool ready;
};

struct doc_styles_lazy {
	char *text;
	size_t head;	/* [0, head): declaration and root start tag */
	char tail[264]; /* "</root-qname>" */
	size_t tail_len;
	/* every style's id and type, NUL after each (d->styles[i].id and .type
	 * point here: one allocation instead of two per style) */
	char *strs;
	struct styles_src *src; /* one per d->styles[i] */
	xmlDocPtr *docs;	/* the trees parsed so far */
	size_t ndocs;
	size_t docs_cap;
};

/* The wordprocessingml prefix and the tags searched for with it. */
struct scan_ctx {
	const char *pfx;
	size_t plen;
	char open_style[48];  /* "<w:style" */
	char close_style[48]; /* "</w:style" */
	char close_dd[48];    /* "</w:docDefaults" */
	size_t k_open;
	size_t open_len;  /* strlen(open_style) */
	size_t close_len; /* strlen(close_style) */
};

struct tag_attr {
	const char *name; /* qualified name as written */
	size_t nlen;
	const char *val;
	size_t vlen;
};

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Byte classes: C_VSTOP the bytes an attribute value's scan stops at
 * (quotes, '<', '&', tab, LF, CR); C_NAME ASCII letters and digits, ':',
 * '_', '-', '.' and every non-ASCII byte. */
enum { C_VSTOP = 1, C_NAME = 2 };
static const unsigned char cls[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 2, 2, 0, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 0, 1, 0, 0, 0,
    0, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 0, 0, 0, 0, 2,
    0, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 0, 0, 0, 0, 0,
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2};

static inline bool is_name_char(unsigned char c)
{
	return (cls[c] & C_NAME) != 0;
}

/* Past the bytes of an attribute value at q that are not C_VSTOP: 16 a
 * step with SSE2 up to a quote, '<', '&', a control or a non-ASCII byte
 * (signed, below a space), then byte by byte from there. */
static inline const char *skip_value(const char *q, const char *end)
{
#if defined(__SSE2__)
	const __m128i dq = _mm_set1_epi8('"');
	const __m128i sq = _mm_set1_epi8('\'');
	const __m128i lt = _mm_set1_epi8('<');
	const __m128i amp = _mm_set1_epi8('&');
	const __m128i space = _mm_set1_epi8(0x20);

	while (end - q >= 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)q);
		__m128i m = _mm_or_si128(
		    _mm_or_si128(_mm_cmpeq_epi8(v, dq), _mm_cmpeq_epi8(v, sq)),
		    _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, lt), _mm_cmpeq_epi8(v, amp)),
				 _mm_cmplt_epi8(v, space)));
		unsigned bits = (unsigned)_mm_movemask_epi8(m);

		if (bits != 0) {
			q += __builtin_ctz(bits);
			break;
		}
		q += 16;
	}
#endif
	while (q < end && (cls[(unsigned char)*q] & C_VSTOP) == 0)
		q++;
	return q;
}

static const char *skip_ws(const char *p, const char *end)
{
	while (p < end && is_ws(*p))
		p++;
	return p;
}

/* A start tag from just after its name: attributes into a[] (at most
 * MAX_ATTRS, plain values only), *selfclose; returns the byte after '>' or
 * NULL for anything else. */
static const char *scan_attrs(const char *p, const char *end, struct tag_attr *a, size_t *na,
			      bool *selfclose)
{
	*na = 0;
	for (;;) {
		const char *ws = p;
		const char *q;
		char quote;

		p = skip_ws(p, end);
		if (p >= end)
			return NULL;
		if (*p == '>') {
			*selfclose = false;
			return p + 1;
		}
		if (*p == '/') {
			if (end - p < 2 || p[1] != '>')
				return NULL;
			*selfclose = true;
			return p + 2;
		}
		if (p == ws || *na >= MAX_ATTRS)
			return NULL; /* attributes are separated by white space */
		q = p;
		while (q < end && is_name_char((unsigned char)*q))
			q++;
		if (q == p)
			return NULL;
		a[*na].name = p;
		a[*na].nlen = (size_t)(q - p);
		p = skip_ws(q, end);
		if (p >= end || *p != '=')
			return NULL;
		p = skip_ws(p + 1, end);
		if (p >= end || (*p != '"' && *p != '\''))
			return NULL;
		quote = *p++;
		q = p;
		/* up to the quote; the other one is plain, the rest of C_VSTOP is
		 * not taken */
		for (;;) {
			q = skip_value(q, end);
			if (q >= end)
				return NULL;
			if (*q == quote)
				break;
			if (*q != '"' && *q != '\'')
				return NULL;
			q++;
		}
		a[*na].val = p;
		a[*na].vlen = (size_t)(q - p);
		(*na)++;
		p = q + 1;
	}
}

static bool bytes_eq(const char *a, size_t alen, const char *b)
{
	return alen == strlen(b) && memcmp(a, b, alen) == 0;
}

/* Does name start with the prefix pfx (plen bytes, usually one: compared
 * in place, not by a call)? */
static inline bool has_prefix(const char *name, const char *pfx, size_t plen)
{
	return plen == 1 ? name[0] == pfx[0] : memcmp(name, pfx, plen) == 0;
}

/* The local name of a when its prefix is pfx (else NULL). */
static const char *local_of(const struct tag_attr *a, const char *pfx, size_t plen, size_t *llen)
{
	if (a->nlen <= plen + 1 || a->name[plen] != ':' || !has_prefix(a->name, pfx, plen))
		return NULL;
	*llen = a->nlen - plen - 1;
	return a->name + plen + 1;
}

/* out = lead pfx ":" local (out has 48 bytes; plen < 32) */
static void tag(char *out, const char *lead, const char *pfx, size_t plen, const char *local)
{
	size_t n = strlen(lead);

	memcpy(out, lead, n);
	memcpy(out + n, pfx, plen);
	out[n + plen] = ':';
	memcpy(out + n + plen + 1, local, strlen(local) + 1);
}

/* Does [p, end) hold "<" pfx ":style" as the start of an element? */
static bool has_style_start(const char *p, const char *end, const struct scan_ctx *c)
{
	size_t olen = c->open_len;

	while (p < end) {
		const char *q = doc_docx_find_by(p, end, c->open_style, c->k_open);

		if (q == NULL)
			return false;
		if (q + olen >= end || is_ws(q[olen]) || q[olen] == '>' || q[olen] == '/')
			return true;
		p = q + 1;
	}
	return false;
}

/* Is there a '<' directly followed by c in [p, end)? (c is rare) */
static bool has_lt(const char *p, const char *end, char c)
{
	while (p < end) {
		const char *q = memchr(p, c, (size_t)(end - p));

		if (q == NULL)
			return false;
		if (q > p && q[-1] == '<')
			return true;
		p = q + 1;
	}
	return false;
}

struct pending {
	size_t at;
	size_t len;
	bool defaults; /* w:docDefaults, else a kept w:style */
	/* the values of w:styleId and w:type in the text, NULL when absent */
	const char *id;
	size_t idlen;
	const char *type;
	size_t typelen;
	bool is_default;
};

/* The root start tag: its qualified name and the prefix bound to NS_W
 * (exactly one binding, no default namespace). */
static const char *scan_root(const char *p, const char *end, const char **qn, size_t *qlen,
			     const char **pfx, size_t *plen)
{
	struct tag_attr a[MAX_ATTRS];
	size_t na;
	bool selfclose;
	const char *q = p;
	size_t nw = 0;

	while (q < end && is_name_char((unsigned char)*q))
		q++;
	if (q == p || (size_t)(q - p) > 250)
		return NULL;
	*qn = p;
	*qlen = (size_t)(q - p);
	q = scan_attrs(q, end, a, &na, &selfclose);
	if (q == NULL || selfclose)
		return NULL;
	for (size_t i = 0; i < na; i++) {
		if (bytes_eq(a[i].name, a[i].nlen, "xmlns"))
			return NULL;
		if (a[i].nlen > 6 && memcmp(a[i].name, "xmlns:", 6) == 0 &&
		    bytes_eq(a[i].val, a[i].vlen, NS_W)) {
			*pfx = a[i].name + 6;
			*plen = a[i].nlen - 6;
			nw++;
		}
	}
	return nw == 1 && *plen < 32 ? q : NULL;
}

/* After the end tag that closes the w:docDefaults whose content starts at
 * after, else NULL (not plain). */
static const char *close_defaults(const char *after, const char *end, const struct scan_ctx *c)
{
	size_t clen = strlen(c->close_dd);
	const char *from = after;
	const char *e;

	for (;;) {
		e = doc_docx_find_by(from, end, c->close_dd, 0);
		if (e == NULL)
			return NULL;
		from = skip_ws(e + clen, end);
		if (from < end && *from == '>')
			break;
		if (from < end && is_ws(e[clen]))
			return NULL; /* "</w:docDefaults x": not well-formed */
	}
	/* a w:style inside this element would end it early here */
	if (has_style_start(after, e, c))
		return NULL;
	return from + 1;
}

/* After the end tag that closes the w:style whose content starts at after,
 * else NULL (not plain): the first "</w:style" followed by '>' (white
 * space between), not "</w:styleLink>" and the like, with no w:style
 * starting before it ("<w:style" then white space, '>', '/' or the end
 * tag). One pass over the 'y' both tags hold. */
static const char *close_style(const char *after, const char *end, const struct scan_ctx *c)
{
	size_t olen = c->open_len;
	size_t clen = c->close_len;
	size_t ko = olen - 3; /* the 'y' of "style" */
	size_t kc = clen - 3;
	const char *q = after;

	for (;;) {
		const char *y = doc_docx_next_lt_y(after, q, end, ko, kc);
		const char *t;

		if (y == NULL)
			return NULL;
		q = y + 1;
		t = y - kc;
		if ((size_t)(y - after) >= kc && (size_t)(end - t) >= clen &&
		    memcmp(t, c->close_style, clen) == 0) {
			const char *from = skip_ws(t + clen, end);

			if (from < end && *from == '>') {
				/* "<w:style</w:style>" */
				if ((size_t)(t - after) >= olen &&
				    memcmp(t - olen, c->open_style, olen) == 0)
					return NULL;
				return from + 1;
			}
			if (from >= end || is_ws(t[clen]))
				return NULL; /* "</w:style x": not well-formed */
			q = t + clen;
			continue;
		}
		t = y - ko;
		if ((size_t)(y - after) >= ko && (size_t)(end - t) > olen &&
		    memcmp(t, c->open_style, olen) == 0 &&
		    (is_ws(t[olen]) || t[olen] == '>' || t[olen] == '/'))
			return NULL; /* a w:style inside: it would end this one early */
	}
}

/* One child of the root at p ('<'): its extent and, for a style, what its
 * start tag says (*kept: docDefaults, or a style of no type, paragraph or
 * character). Returns the byte after it or NULL (not plain). */
static const char *scan_child(const char *p, const char *end, const struct scan_ctx *c,
			      struct pending *out, bool *kept)
{
	const char *pfx = c->pfx;
	size_t plen = c->plen;
	struct tag_attr a[MAX_ATTRS];
	const struct tag_attr *val[3] = {NULL, NULL, NULL}; /* type, styleId, default */
	size_t na;
	bool selfclose;
	const char *q = p + 1;
	const char *after;
	size_t nl;
	bool defaults;

	while (q < end && is_name_char((unsigned char)*q))
		q++;
	nl = (size_t)(q - p - 1);
	if (nl <= plen || p[1 + plen] != ':' || !has_prefix(p + 1, pfx, plen))
		return NULL;
	if (bytes_eq(p + 2 + plen, nl - plen - 1, "docDefaults"))
		defaults = true;
	else if (bytes_eq(p + 2 + plen, nl - plen - 1, "style"))
		defaults = false;
	else
		return NULL;
	after = scan_attrs(q, end, a, &na, &selfclose);
	if (after == NULL)
		return NULL;
	for (size_t i = 0; i < na; i++) {
		size_t llen;
		const char *l = local_of(&a[i], pfx, plen, &llen);

		if (l == NULL)
			return NULL; /* xmlns, another prefix or none: parsed whole */
		for (size_t j = 0; j < i; j++) {
			if (a[j].nlen == a[i].nlen && memcmp(a[j].name, a[i].name, a[i].nlen) == 0)
				return NULL; /* twice: not well-formed */
		}
		if (bytes_eq(l, llen, "type"))
			val[0] = &a[i];
		else if (bytes_eq(l, llen, "styleId"))
			val[1] = &a[i];
		else if (bytes_eq(l, llen, "default"))
			val[2] = &a[i];
	}
	if (!selfclose) {
		after = defaults ? close_defaults(after, end, c) : close_style(after, end, c);
		if (after == NULL)
			return NULL;
	}
	out->len = (size_t)(after - p);
	out->defaults = defaults;
	out->id = NULL;
	out->idlen = 0;
	out->type = NULL;
	out->typelen = 0;
	out->is_default = false;
	*kept = defaults || val[0] == NULL || bytes_eq(val[0]->val, val[0]->vlen, "paragraph") ||
		bytes_eq(val[0]->val, val[0]->vlen, "character");
	if (defaults || !*kept)
		return after;
	if (val[0] != NULL) {
		out->type = val[0]->val;
		out->typelen = val[0]->vlen;
	}
	if (val[1] != NULL) {
		out->id = val[1]->val;
		out->idlen = val[1]->vlen;
	}
	out->is_default = val[2] != NULL && (bytes_eq(val[2]->val, val[2]->vlen, "1") ||
					     bytes_eq(val[2]->val, val[2]->vlen, "true") ||
					     bytes_eq(val[2]->val, val[2]->vlen, "on"));
	return after;
}

/* Parse child [at, at+len) inside the part's head and tail; its element, or
 * NULL (the tree, if any, is kept in l->docs). */
static xmlNodePtr parse_child(struct doc_styles_lazy *l, size_t at, size_t len, const char *local)
{
	struct buf b;
	xmlDocPtr doc = NULL;
	xmlNodePtr n;

	buf_init(&b, l->head + len + l->tail_len + 1);
	buf_add(&b, l->text, l->head);
	buf_add(&b, l->text + at, len);
	buf_add(&b, l->tail, l->tail_len);
	if (doc_xmlfast_parse(b.p, b.len, &doc) != 0 &&
	    doc_xml_parse_filtered(b.p, b.len, "styles", doc_docx_keep_style_parts, NULL, &doc,
				   NULL) != 0)
		doc = NULL;
	buf_free(&b);
	if (doc == NULL)
		return NULL;
	l->docs = xgrow(l->docs, &l->docs_cap, l->ndocs + 1, sizeof(*l->docs));
	l->docs[l->ndocs++] = doc;
	n = xmlDocGetRootElement(doc);
	return n ? doc_xml_child(n, NS_W, local) : NULL;
}

bool doc_docx_styles_index(struct doc_docx *d, char *text, size_t len)
{
	const char *end = text + len;
	const char *p = text;
	const char *qn;
	const char *pfx;
	size_t qlen;
	size_t plen;
	struct pending *v = NULL;
	size_t nv = 0;
	size_t vcap = 0;
	struct doc_styles_lazy *l;
	size_t nkept = 0;
	struct scan_ctx c;

	if (has_lt(text, end, '!'))
		return false;
	if (len >= 5 && memcmp(p, "<?xml", 5) == 0) {
		const char *q = memchr(p, '>', len);

		if (q == NULL || q[-1] != '?')
			return false;
		p = q + 1;
	}
	if (has_lt(p, end, '?'))
		return false;
	p = skip_ws(p, end);
	if (p >= end || *p != '<')
		return false;
	p = scan_root(p + 1, end, &qn, &qlen, &pfx, &plen);
	if (p == NULL)
		return false;
	c.pfx = pfx;
	c.plen = plen;
	tag(c.open_style, "<", pfx, plen, "style");
	tag(c.close_style, "</", pfx, plen, "style");
	tag(c.close_dd, "</", pfx, plen, "docDefaults");
	c.k_open = doc_docx_rare_at(c.open_style);
	c.open_len = strlen(c.open_style);
	c.close_len = strlen(c.close_style);
	l = xcalloc(1, sizeof(*l));
	l->head = (size_t)(p - text);
	memcpy(l->tail, "</", 2);
	memcpy(l->tail + 2, qn, qlen); /* qlen <= 250 */
	l->tail[qlen + 2] = '>';
	l->tail_len = qlen + 3;
	for (;;) {
		bool kept = false;
		const char *q;

		p = skip_ws(p, end);
		if (p >= end || *p != '<')
			goto decline;
		if (end - p >= 2 && p[1] == '/') {
			if ((size_t)(end - p) < qlen + 2 || memcmp(p + 2, qn, qlen) != 0)
				goto decline;
			p = skip_ws(p + 2 + qlen, end);
			if (p >= end || *p != '>' || skip_ws(p + 1, end) != end)
				goto decline;
			break;
		}
		v = xgrow(v, &vcap, nv + 1, sizeof(*v));
		q = scan_child(p, end, &c, &v[nv], &kept);
		if (q == NULL)
			goto decline;
		v[nv].at = (size_t)(p - text);
		if (kept) {
			nkept += !v[nv].defaults;
			nv++;
		}
		p = q;
	}
	/* plain: commit */
	l->text = text;
	l->src = xcalloc(nkept + 1, sizeof(*l->src));
	d->styles = xcalloc(nkept + 1, sizeof(*d->styles));
	d->nstyles = 0;
	d->styles_lazy = l;
	{
		/* ids and types in one allocation: the values (an absent id is "",
		 * an absent type "paragraph"), a NUL after each; both at most the
		 * text's length */
		size_t room = 1;
		char *s;

		for (size_t i = 0; i < nv; i++) {
			if (!v[i].defaults)
				room += (v[i].id ? v[i].idlen : 0) + 1 +
					(v[i].type ? v[i].typelen : sizeof("paragraph") - 1) + 1;
		}
		s = l->strs = xmalloc(room);
		for (size_t i = 0; i < nv; i++) {
			if (v[i].defaults)
				continue;
			if (v[i].id == NULL)
				v[i].idlen = 0;
			else
				memcpy(s, v[i].id, v[i].idlen);
			s[v[i].idlen] = '\0';
			v[i].id = s;
			s += v[i].idlen + 1;
			if (v[i].type == NULL) {
				v[i].type = "paragraph";
				v[i].typelen = sizeof("paragraph") - 1;
			}
			memcpy(s, v[i].type, v[i].typelen);
			s[v[i].typelen] = '\0';
			v[i].type = s;
			s += v[i].typelen + 1;
		}
	}
	for (size_t i = 0; i < nv; i++) {
		struct doc_style *st;

		if (v[i].defaults) {
			xmlNodePtr n = parse_child(l, v[i].at, v[i].len, "docDefaults");

			if (n != NULL)
				doc_docx_dd_fill(d, n);
			continue;
		}
		st = &d->styles[d->nstyles];
		l->src[d->nstyles].at = v[i].at;
		l->src[d->nstyles].len = v[i].len;
		d->nstyles++;
		st->id = (char *)v[i].id; /* in l->strs */
		st->type = (char *)v[i].type;
		st->is_default = v[i].is_default;
		if (st->is_default && strcmp(st->type, "paragraph") == 0)
			d->default_pstyle = st->id;
	}
	free(v);
	return true;
decline:
	free(v);
	free(l);
	return false;
}

void doc_docx_styles_ready(const struct doc_docx *d, size_t i)
{
	struct doc_styles_lazy *l = d->styles_lazy;
	xmlNodePtr n;

	if (l == NULL || i >= d->nstyles || l->src[i].ready)
		return;
	l->src[i].ready = true;
	n = parse_child(l, l->src[i].at, l->src[i].len, "style");
	if (n != NULL)
		doc_docx_style_fill(&d->styles[i], n);
}

void doc_docx_styles_free(struct doc_styles_lazy *l)
{
	if (l == NULL)
		return;
	for (size_t i = 0; i < l->ndocs; i++)
		doc_xml_free_doc(l->docs[i]);
	free(l->docs);
	free(l->src);
	free(l->strs);
	free(l->text);
	free(l);
}
