/* doc/xmlfast: read-only XML trees without libxml2's parser. See xmlfast.h. */
#include "doc/xmlfast.h"

#include <libxml/parserInternals.h>
#include <stdalign.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define XF_AVX2 1
#endif

#include "base/base.h"
#include "doc/xml.h"
#include "text/text.h"

#define XF_MAX_DEPTH	  128
#define XF_MAX_NAME	  256
#define XF_MAX_ATTRS	  64
#define XF_MAX_SCOPE	  256
#define XF_MAX_TEXT	  (1u << 20)
#define XF_MAX_ATTR_VAL	  (64u << 10)
#define XF_MAX_INPUT	  ((size_t)1 << 30)
#define XF_CHUNK	  (64u << 10)
#define XF_ARENA_PER_BYTE 24
#define XF_QC		  512 /* scan_qname()'s cache: two ways of 256 sets */
#define XF_TMPL		  32  /* sets of start tags remembered (struct xf_tmpl) */
#define XF_TMPL_WAYS	  4   /* start tags per set (see struct xf_tmpl) */
#define XF_TMPL_ATTRS	  8
#define XF_SUB		  64 /* whole elements remembered (struct xf_sub) */
#define XF_XML_NS	  "http://www.w3.org/XML/1998/namespace"
#define XF_XMLNS_NS	  "http://www.w3.org/2000/xmlns/"

struct xf_chunk {
	struct xf_chunk *next;
	size_t used;
	size_t cap;
	alignas(max_align_t) unsigned char data[];
};

/* The arena; the xmlDoc is its first member so the doc pointer finds it. */
struct xf_arena {
	xmlDoc doc;
	struct xf_chunk *chunks;
	char *input;   /* doc_xmlfast_parse_owned()'s input: the text lives in it */
	size_t total;  /* bytes in chunks */
	size_t budget; /* past it the parse is declined (see doc_xmlfast_parse) */
};

static const char xf_magic[] = "doc_xmlfast";

struct xf_attr {
	const unsigned char *qn;
	size_t qlen;
	size_t colon; /* index of ':' in qn, or 0 when none */
	unsigned hash;
	int slot; /* scan_qname()'s cache slot and stamp */
	unsigned stamp;
	char *value; /* decoded, in the arena or in place */
	size_t vlen; /* its length */
	bool refs;   /* the raw value had a reference */
	bool xmlns;  /* "xmlns" or "xmlns:..." */
};

struct xf_scope {
	const unsigned char *prefix; /* NULL: default namespace */
	size_t plen;
	xmlNsPtr ns;
};

/* A start tag parsed in this parse (gen) whose bytes after the element's
 * name (src, len: up to and with its '>') a later tag repeats: the same
 * bytes in the same namespace scope give the same names, namespaces and
 * values (the tags made from it share them), and passed every test then.
 * Only tags without namespace declarations. A name keeps up to four (the
 * ways of its slot's set): w:rPr, for one, alternates between a paragraph
 * mark's and a run's, and w:rFonts takes a few fonts in turn. */
struct xf_tmpl {
	uint64_t gen; /* 0: unused */
	int slot;     /* the element name's scan_qname() slot and stamp */
	unsigned stamp;
	const unsigned char *src;
	size_t len;
	bool empty;
	const xmlChar *name;
	xmlNsPtr ns;
	size_t nattr;
	struct {
		const xmlChar *name;
		xmlNsPtr ns;
		const char *value; /* shared by the tags made from it */
	} at[XF_TMPL_ATTRS];
};

/* An element parsed in this parse (gen) with its end tag, whose bytes after
 * its name (src, len: up to and with its end tag's '>') a later element at
 * the same depth repeats: the same bytes in the same namespace scope give
 * the same subtree, and passed every test then. Its nodes are the arena
 * bytes [blk, blk + size) (the element first), copied and their links moved
 * (xf_clone()); the copy shares their names, namespaces and strings. Only
 * elements without namespace declarations inside, all of whose nodes were
 * made in one chunk. */
struct xf_sub {
	uint64_t gen; /* 0: unused */
	int slot;     /* the element name's scan_qname() slot and stamp */
	unsigned stamp;
	int depth;
	const unsigned char *src;
	size_t len;
	const unsigned char *blk;
	size_t size;
	unsigned fails; /* tries in a row that failed (see try_clone()) */
};

struct xf {
	const unsigned char *p;
	const unsigned char *end;
	const unsigned char *start;
	/* doc_xmlfast_parse_owned(): the input (writable), and where to put the
	 * NULs that end the text and attribute values left in it, written only
	 * once the whole input is accepted (a declined input stays as it was) */
	unsigned char *inplace;
	uint32_t *fix;
	size_t nfix;
	size_t fixcap;
	struct xf_arena *a;
	bool avx2; /* the CPU has AVX2 (skip_cjk3()) */
	xmlNsPtr xml_ns;
	struct xf_open {
		xmlNodePtr node;
		const unsigned char *qn;
		size_t qlen;
		size_t nscope; /* scope depth before this element's declarations */
		/* for struct xf_sub: the element name's slot and stamp, the arena's
		 * chunk and x->taint after its start tag */
		int slot;
		unsigned stamp;
		const struct xf_chunk *chunk;
		uint64_t taint;
	} stack[XF_MAX_DEPTH];
	int depth;
	struct xf_attr attrs[XF_MAX_ATTRS];
	struct xf_scope scope[XF_MAX_SCOPE];
	size_t nscope;
	/* last lookups, valid while the scope stack is unchanged (gen) */
	struct {
		unsigned char c0;
		size_t plen;
		const unsigned char *prefix;
		xmlNsPtr ns;
		uint64_t gen;
	} cache[8];
	uint64_t gen; /* never 0, never reused (see xf_gen) */
	/* qualified names seen: the local name string (shared by every node of
	 * that name) and its namespace while the scope is unchanged (gen);
	 * direct-mapped, a collision only costs a new lookup */
	struct {
		const unsigned char *qn; /* in the input */
		size_t qlen;
		bool attr;
		const char *local;
		xmlNsPtr ns;
		uint64_t gen;
	} names[256];
	uint64_t names_used[256 / 64]; /* entries set in this parse */
	struct xf_qent *qc;	       /* xf_qc */
	/* the slot (or -1) and its stamp of the name scan_qname() returned last */
	int last_slot;
	unsigned last_stamp;
	struct xf_tmpl tmpl[XF_TMPL][XF_TMPL_WAYS]; /* by the element name's slot */
	unsigned char tmpl_mru[XF_TMPL];	    /* the way of each set used last */
	unsigned char tmpl_next[XF_TMPL];	    /* each set's next way to replace */
	struct xf_sub sub[XF_SUB];		    /* by the element name's slot */
	/* counts what an element's nodes may not be copied with (namespace
	 * declarations) */
	uint64_t taint;
};

/* scan_qname()'s fast path: names of at most 16 bytes seen before,
 * two-way set-associative by the 8 bytes at their start (the name and
 * whatever follows it); m0/m1 mask the name's bytes in two 8-byte words.
 * The bytes, length, colon and hash only depend on the name, so the table
 * lives as long as the thread and serves every parse (a part's names are
 * mostly those of the parts before it); an unused slot matches nothing
 * (m0 = m1 = 0, w0 = w1 = ~0). */
struct xf_qent {
	uint64_t w0, w1, m0, m1;
	unsigned len;
	unsigned colon;
	unsigned hash;
	unsigned stamp; /* new for every name put in the slot */
	/* what qname() found for it as an element [0] / attribute [1] name in
	 * the current parse while its scope is unchanged (gen: the parse's
	 * generation then; older ones are never current again) */
	const xmlChar *local[2];
	xmlNsPtr ns[2];
	uint64_t gen[2];
};
static _Thread_local struct xf_qent xf_qc[XF_QC];
static _Thread_local bool xf_qc_ready;
static _Thread_local unsigned xf_stamp;
/* the next parse's first generation: generations grow across parses, so
 * what a slot says about an earlier parse's tree is never taken as current */
static _Thread_local uint64_t xf_gen = 1;
/* the parser's state, kept by the thread: what its lookups (cache, tmpl,
 * sub: see struct xf) remember is of a generation (gen) and only current
 * while it is the parse's, which no earlier parse's ever is; a parse never
 * starts another on its thread */
static _Thread_local struct xf xf_state;
/* doc_xmlfast_allow_avx2() */
static _Thread_local bool xf_no_avx2;

static void *xf_alloc_chunk(struct xf_arena *a, size_t n)
{
	size_t cap = n > XF_CHUNK ? n : XF_CHUNK;
	struct xf_chunk *c = xmalloc(sizeof(*c) + cap);

	a->total += cap;
	c->next = a->chunks;
	c->used = n;
	c->cap = cap;
	a->chunks = c;
	return c->data;
}

static inline void *xf_alloc(struct xf_arena *a, size_t n)
{
	struct xf_chunk *c = a->chunks;
	void *r;

	n = (n + alignof(max_align_t) - 1) & ~(alignof(max_align_t) - 1);
	if (c == NULL || c->cap - c->used < n)
		return xf_alloc_chunk(a, n);
	r = c->data + c->used;
	c->used += n;
	return r;
}

static void *xf_zalloc(struct xf_arena *a, size_t n)
{
	void *r = xf_alloc(a, n);

	memset(r, 0, n);
	return r;
}

/* Every field of a node set one by one: zeroing the struct first is a
 * `rep stos` (one instruction per word), these are a few wide stores. */
static inline void xf_node_init(xmlNodePtr n, xmlElementType type, const xmlChar *name,
				xmlDocPtr doc)
{
	n->_private = NULL;
	n->type = type;
	n->name = name;
	n->children = NULL;
	n->last = NULL;
	n->parent = NULL;
	n->next = NULL;
	n->prev = NULL;
	n->doc = doc;
	n->ns = NULL;
	n->content = NULL;
	n->properties = NULL;
	n->nsDef = NULL;
	n->psvi = NULL;
	n->line = 0;
	n->extra = 0;
}

/* An attribute of el (name and ns set by the caller), field by field as
 * xf_node_init(). */
static inline void xf_attr_init(xmlAttrPtr a, xmlNodePtr el, xmlDocPtr doc)
{
	a->_private = NULL;
	a->type = XML_ATTRIBUTE_NODE;
	a->children = NULL;
	a->last = NULL;
	a->parent = el;
	a->next = NULL;
	a->prev = NULL;
	a->doc = doc;
	a->atype = 0;
	a->psvi = NULL;
}

/* Give a its value as the text node tx and append a to el's attributes
 * after *last (NULL: a is the first). */
static inline void xf_attr_attach(xmlNodePtr el, xmlAttrPtr a, xmlNodePtr tx, const char *value,
				  xmlAttrPtr *last)
{
	xf_node_init(tx, XML_TEXT_NODE, xmlStringText, a->doc);
	tx->content = (xmlChar *)value;
	tx->parent = (xmlNodePtr)a;
	a->children = tx;
	a->last = tx;
	if (*last == NULL) {
		el->properties = a;
	} else {
		(*last)->next = a;
		a->prev = *last;
	}
	*last = a;
}

/* An element with no name, links or content yet. */
static xmlNodePtr xf_node(struct xf_arena *a)
{
	xmlNodePtr n = xf_alloc(a, sizeof(*n));

	xf_node_init(n, XML_ELEMENT_NODE, NULL, &a->doc);
	return n;
}

/* An attribute and its text node in one allocation. */
struct xf_attr_pair {
	xmlAttr a;
	xmlNode t;
};

static char *xf_strndup(struct xf_arena *a, const unsigned char *s, size_t n)
{
	char *r = xf_alloc(a, n + 1);

	memcpy(r, s, n);
	r[n] = '\0';
	return r;
}

static void xf_arena_free(struct xf_arena *a)
{
	struct xf_chunk *c = a->chunks;

	while (c != NULL) {
		struct xf_chunk *next = c->next;

		free(c);
		c = next;
	}
	free(a->input);
	free(a);
}

/* The string [s, s + n) of the input with a NUL after it: in place when
 * the input is ours and s + n is in it (the NUL is written at the end of
 * the parse), else copied into the arena. */
static char *xf_string_slow(struct xf *x, const unsigned char *s, size_t n)
    __attribute__((noinline));

static inline __attribute__((always_inline)) char *xf_string(struct xf *x, const unsigned char *s,
							     size_t n)
{
	if (x->inplace != NULL && x->nfix < x->fixcap && n < (size_t)(x->end - s)) {
		size_t at = (size_t)(s - x->start);

		x->fix[x->nfix++] = (uint32_t)(at + n);
		return (char *)(x->inplace + at);
	}
	return xf_string_slow(x, s, n);
}

/* xf_string() when the list of NULs is full, or the text is copied. */
static char *xf_string_slow(struct xf *x, const unsigned char *s, size_t n)
{
	if (x->inplace != NULL && n < (size_t)(x->end - s)) {
		x->fix = xgrow(x->fix, &x->fixcap, x->nfix + 1, sizeof(*x->fix));
		return xf_string(x, s, n);
	}
	return xf_strndup(x->a, s, n);
}

/* Byte classes: C_START ASCII letters and '_'; C_NAME those, digits, '-'
 * and '.'; C_TEXT bytes text scanning must look at (controls, '&', '<', ']',
 * non-ASCII); C_ATTR those of attribute values (controls, '&', '<', quotes,
 * non-ASCII); C_COLON ':'; C_SPACE the white space is_space() takes (space,
 * tab, line feed: a carriage return is handled where it may occur). */
enum { C_START = 1, C_NAME = 2, C_TEXT = 4, C_ATTR = 8, C_COLON = 16, C_SPACE = 32 };
static const unsigned char cls[256] = {
    12, 12, 12, 12, 12, 12, 12, 12, 12, 44, 44, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12,
    12, 12, 12, 12, 12, 12, 12, 12, 32, 0,  8,	0,  0,	0,  12, 8,  0,	0,  0,	0,  0,	2,  2,	0,
    2,	2,  2,	2,  2,	2,  2,	2,  2,	2,  16, 0,  12, 0,  0,	0,  0,	3,  3,	3,  3,	3,  3,	3,
    3,	3,  3,	3,  3,	3,  3,	3,  3,	3,  3,	3,  3,	3,  3,	3,  3,	3,  3,	0,  0,	4,  0,	3,
    0,	3,  3,	3,  3,	3,  3,	3,  3,	3,  3,	3,  3,	3,  3,	3,  3,	3,  3,	3,  3,	3,  3,	3,
    3,	3,  3,	0,  0,	0,  0,	0,  12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12,
    12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12,
    12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12,
    12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12,
    12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12,
    12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12,
};

static inline bool is_space(unsigned char c)
{
	return (cls[c] & C_SPACE) != 0;
}

static bool is_name_start(unsigned char c)
{
	return (cls[c] & C_START) != 0;
}

static bool is_name_char(unsigned char c)
{
	return (cls[c] & C_NAME) != 0;
}

/* ones + 16 - n: n bytes of 0xFF, then zeros (masks for 1 <= n <= 16) */
static const unsigned char ones[32] = {
    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
};

/* The n bytes at a and b (both in the input) are equal. */
static inline bool same_bytes(const struct xf *x, const unsigned char *a, const unsigned char *b,
			      size_t n)
{
	if (n >= 1 && n <= 16 && x->end - a >= 16 && x->end - b >= 16) {
		uint64_t a0, a1, b0, b1, m0, m1;

		memcpy(&a0, a, 8);
		memcpy(&a1, a + 8, 8);
		memcpy(&b0, b, 8);
		memcpy(&b1, b + 8, 8);
		memcpy(&m0, ones + 16 - n, 8);
		memcpy(&m1, ones + 24 - n, 8);
		return ((a0 ^ b0) & m0) == 0 && ((a1 ^ b1) & m1) == 0;
	}
	return memcmp(a, b, n) == 0;
}

/* A QName of ASCII NCNames; *colon = index of the ':' or 0, *hash a hash
 * of its bytes (for qname()). */
static bool scan_qname_slow(struct xf *x, const unsigned char **qn, size_t *qlen, size_t *colon,
			    unsigned *hash, uint64_t w0, uint64_t w1, unsigned slot)
    __attribute__((noinline));

/* The cache's slot holds the name at p (w0, w1: its first 16 bytes). */
static inline bool qc_match(const struct xf *x, unsigned slot, uint64_t w0, uint64_t w1,
			    const unsigned char *p)
{
	return (w0 & x->qc[slot].m0) == x->qc[slot].w0 && (w1 & x->qc[slot].m1) == x->qc[slot].w1 &&
	       (cls[p[x->qc[slot].len]] & (C_NAME | C_COLON)) == 0;
}

/* (always inlined: the cached case is a few instructions, the call was not) */
static inline __attribute__((always_inline)) bool
scan_qname(struct xf *x, const unsigned char **qn, size_t *qlen, size_t *colon, unsigned *hash)
{
	const unsigned char *s = x->p;
	const unsigned char *p = s;
	uint64_t w0 = 0, w1 = 0;
	unsigned slot = 0;

	if (x->end - p > 16) {
		/* a name seen before: the same bytes, then a byte that ends a name,
		 * is what the loop below would find (the bytes were checked then) */
		memcpy(&w0, p, 8);
		memcpy(&w1, p + 8, 8);
		slot = (unsigned)((w0 * UINT64_C(0x9E3779B97F4A7C15)) >> 56) * 2;
		if (!qc_match(x, slot, w0, w1, p) && !qc_match(x, ++slot, w0, w1, p)) {
			slot--;
		} else {
			*qn = s;
			*qlen = x->qc[slot].len;
			*colon = x->qc[slot].colon;
			*hash = x->qc[slot].hash;
			x->p = p + x->qc[slot].len;
			x->last_slot = (int)slot;
			x->last_stamp = x->qc[slot].stamp;
			return true;
		}
	}
	return scan_qname_slow(x, qn, qlen, colon, hash, w0, w1, slot);
}

/* scan_qname() without a cached name (w0, w1 as there, slot the set's
 * first way). */
static bool scan_qname_slow(struct xf *x, const unsigned char **qn, size_t *qlen, size_t *colon,
			    unsigned *hash, uint64_t w0, uint64_t w1, unsigned slot)
{
	const unsigned char *s = x->p;
	const unsigned char *p = s;
	unsigned h;

	*colon = 0;
	x->last_slot = -1;
	if (p >= x->end || !is_name_start(*p))
		return false;
	h = *p++;
	while (p < x->end && (cls[*p] & (C_NAME | C_COLON)) != 0) {
		if (*p == ':') {
			if (*colon != 0 || p + 1 >= x->end || !is_name_start(p[1]))
				return false;
			*colon = (size_t)(p - s);
		}
		h = h * 31u + *p++;
	}
	*hash = h;
	if ((size_t)(p - s) > XF_MAX_NAME)
		return false;
	*qn = s;
	*qlen = (size_t)(p - s);
	x->p = p;
	if (x->end - s > 16 && *qlen <= 16) {
		const unsigned char *m = ones + 16 - *qlen; /* *qlen bytes of 0xFF, then 0 */

		/* a free way, else the one filled first */
		if (x->qc[slot + 1].stamp < x->qc[slot].stamp)
			slot++;

		memcpy(&x->qc[slot].m0, m, 8);
		memcpy(&x->qc[slot].m1, m + 8, 8);
		x->qc[slot].w0 = w0 & x->qc[slot].m0;
		x->qc[slot].w1 = w1 & x->qc[slot].m1;
		x->qc[slot].len = (unsigned)*qlen;
		x->qc[slot].colon = (unsigned)*colon;
		x->qc[slot].hash = h;
		/* (0 is an unused slot's: a wrapped count only changes which way
		 * goes next) */
		if (++xf_stamp == 0)
			xf_stamp = 1;
		x->qc[slot].stamp = xf_stamp;
		x->qc[slot].gen[0] = 0;
		x->qc[slot].gen[1] = 0;
		x->last_slot = (int)slot;
		x->last_stamp = xf_stamp;
	}
	return true;
}

static void skip_space(struct xf *x)
{
	while (x->p < x->end && is_space(*x->p))
		x->p++;
}

static bool is_xml_char(uint32_t c)
{
	return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) ||
	       (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
}

/* One non-ASCII UTF-8 sequence at p: its length, or 0 when it is invalid
 * (overlong, surrogate, > U+10FFFF, truncated) or not an XML character. */
static size_t utf8_seq(const unsigned char *p, const unsigned char *end)
{
	size_t room = (size_t)(end - p);
	unsigned char c = p[0];

	if (c >= 0xE1 && c <= 0xEC && room >= 3) { /* most of CJK: the common case */
		if ((p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80)
			return 0;
		return 3;
	}
	if (c >= 0xC2 && c <= 0xDF)
		return room >= 2 && (p[1] & 0xC0) == 0x80 ? 2 : 0;
	if (c == 0xE0 || c == 0xED || c == 0xEE || c == 0xEF) {
		if (room < 3 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80)
			return 0;
		if (c == 0xE0 && p[1] < 0xA0)
			return 0; /* overlong */
		if (c == 0xED && p[1] >= 0xA0)
			return 0; /* surrogate */
		if (c == 0xEF && p[1] == 0xBF && (p[2] == 0xBE || p[2] == 0xBF))
			return 0; /* U+FFFE, U+FFFF */
		return 3;
	}
	if (c >= 0xF0 && c <= 0xF4) {
		if (room < 4 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 ||
		    (p[3] & 0xC0) != 0x80)
			return 0;
		if ((c == 0xF0 && p[1] < 0x90) || (c == 0xF4 && p[1] >= 0x90))
			return 0; /* overlong, > U+10FFFF */
		return 4;
	}
	return 0;
}

/* skip_cjk3() from where its SIMD step stops: two, then one character a
 * step (p itself when there is none). */
static inline __attribute__((always_inline)) const unsigned char *
skip_cjk3_tail(const unsigned char *p, const unsigned char *end)
{
	while (end - p >= 3) {
		unsigned char c = p[0];
		uint16_t t;
		uint64_t w;

		/* two E1..EC characters a step (one 8-byte load) */
		if (end - p >= 8) {
			memcpy(&w, p, 8);
			if ((w & UINT64_C(0x0000C0C000C0C000)) == UINT64_C(0x0000808000808000) &&
			    (unsigned char)((unsigned char)w - 0xE1) < 12 &&
			    (unsigned char)((unsigned char)(w >> 24) - 0xE1) < 12) {
				p += 6;
				continue;
			}
		}
		memcpy(&t, p + 1, 2);
		if ((t & 0xC0C0u) != 0x8080u ||
		    !((unsigned char)(c - 0xE1) < 12 || (c == 0xEF && p[1] <= 0xBE)))
			break;
		p += 3;
	}
	return p;
}

/* Past a run of characters at p for which utf8_seq(p, end) == 3 in its
 * common cases (most of CJK, full-width forms), without the call (p itself
 * when there is none). */
static inline const unsigned char *skip_cjk3_sse2(const unsigned char *p, const unsigned char *end)
{
#if defined(__SSE2__)
	/* five characters a step: lead bytes E1..EC, or EF not before BF, at
	 * 0, 3, 6, 9, 12, continuation bytes between (bit i: byte i) */
	while (end - p >= 16) {
		const __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
		const __m128i d = _mm_sub_epi8(v, _mm_set1_epi8((char)0xE1));
		const unsigned lead = (unsigned)_mm_movemask_epi8(
		    _mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8(11)), d));
		const unsigned ef =
		    (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8((char)0xEF)));
		const unsigned bf =
		    (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8((char)0xBF)));
		const unsigned cont = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
		    _mm_and_si128(v, _mm_set1_epi8((char)0xC0)), _mm_set1_epi8((char)0x80)));
		const unsigned good = ((lead | (ef & ~(bf >> 1))) & 0x1249u) | (cont & 0x6DB6u);
		const unsigned bad = ~good & 0x7FFFu;

		if (bad == 0) {
			p += 15;
			continue;
		}
		/* the characters before the first bad byte (n / 3 for n < 15) */
		return p + (((unsigned)__builtin_ctz(bad) * 11u) >> 5) * 3u;
	}
#endif
	return skip_cjk3_tail(p, end);
}

#if defined(XF_AVX2)
/* skip_cjk3_sse2() ten characters a step: the same tests on 32 bytes,
 * lead bytes at 0, 3, ..., 27. */
__attribute__((target("avx2"))) static const unsigned char *skip_cjk3_avx2(const unsigned char *p,
									   const unsigned char *end)
{
	while (end - p >= 32) {
		const __m256i v = _mm256_loadu_si256((const __m256i *)(const void *)p);
		const __m256i d = _mm256_sub_epi8(v, _mm256_set1_epi8((char)0xE1));
		const uint32_t lead = (uint32_t)_mm256_movemask_epi8(
		    _mm256_cmpeq_epi8(_mm256_min_epu8(d, _mm256_set1_epi8(11)), d));
		const uint32_t ef = (uint32_t)_mm256_movemask_epi8(
		    _mm256_cmpeq_epi8(v, _mm256_set1_epi8((char)0xEF)));
		const uint32_t bf = (uint32_t)_mm256_movemask_epi8(
		    _mm256_cmpeq_epi8(v, _mm256_set1_epi8((char)0xBF)));
		const uint32_t cont = (uint32_t)_mm256_movemask_epi8(
		    _mm256_cmpeq_epi8(_mm256_and_si256(v, _mm256_set1_epi8((char)0xC0)),
				      _mm256_set1_epi8((char)0x80)));
		const uint32_t good = ((lead | (ef & ~(bf >> 1))) & UINT32_C(0x09249249)) |
				      (cont & UINT32_C(0x36DB6DB6));
		const uint32_t bad = ~good & UINT32_C(0x3FFFFFFF);

		if (bad == 0) {
			p += 30;
			continue;
		}
		/* the characters before the first bad byte */
		return p + ((unsigned)__builtin_ctz(bad) / 3u) * 3u;
	}
	return skip_cjk3_sse2(p, end);
}
#endif

/* skip_cjk3_sse2(), or its AVX2 form when avx2 (the CPU has it). */
static inline const unsigned char *skip_cjk3(const unsigned char *p, const unsigned char *end,
					     bool avx2)
{
#if defined(XF_AVX2)
	if (avx2)
		return skip_cjk3_avx2(p, end);
#else
	(void)avx2;
#endif
	return skip_cjk3_sse2(p, end);
}

/* Past the bytes at p that the scalar loops `while (p < end && (cls[*p] &
 * C_TEXT) == 0)` (text: '&' '<' ']') or `... C_ATTR ...` (attribute values:
 * '&' '<' the quote c3; the other quote is plain there) would skip: 16
 * bytes a step with SSE2 (controls and non-ASCII are the bytes below 0x20
 * as signed), the tail byte by byte. May stop earlier than those loops
 * (at the other quote), never later. */
static inline const unsigned char *skip_plain(const unsigned char *p, const unsigned char *end,
					      unsigned char c3, unsigned char cls_bit)
{
#if defined(__SSE2__)
	const __m128i amp = _mm_set1_epi8('&');
	const __m128i lt = _mm_set1_epi8('<');
	const __m128i third = _mm_set1_epi8((char)c3);
	const __m128i space = _mm_set1_epi8(0x20);

	while (end - p >= 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
		__m128i m =
		    _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, amp), _mm_cmpeq_epi8(v, lt)),
				 _mm_or_si128(_mm_cmpeq_epi8(v, third), _mm_cmplt_epi8(v, space)));
		unsigned bits = (unsigned)_mm_movemask_epi8(m);

		if (bits != 0)
			return p + __builtin_ctz(bits);
		p += 16;
	}
#else
	(void)c3;
#endif
	/* (the tail stops at both quotes: the caller steps over the other one) */
	while (p < end && (cls[*p] & cls_bit) == 0)
		p++;
	return p;
}

/* A reference after '&' (at p): the five predefined entities, and, when
 * charref, &#N; / &#xN;. Writes the UTF-8 to out; returns bytes written, 0
 * to decline. *p advances past ';'. */
static size_t decode_ref(const unsigned char **pp, const unsigned char *end, bool charref,
			 char *out)
{
	static const struct {
		const char *name;
		size_t len;
		char c;
	} ents[] = {{"amp;", 4, '&'},
		    {"lt;", 3, '<'},
		    {"gt;", 3, '>'},
		    {"quot;", 5, '"'},
		    {"apos;", 5, '\''}};
	const unsigned char *p = *pp;
	uint32_t cp = 0;
	size_t digits = 0;

	for (size_t i = 0; i < sizeof(ents) / sizeof(ents[0]); i++) {
		if ((size_t)(end - p) >= ents[i].len && memcmp(p, ents[i].name, ents[i].len) == 0) {
			*pp = p + ents[i].len;
			out[0] = ents[i].c;
			return 1;
		}
	}
	if (!charref || p >= end || *p != '#')
		return 0;
	p++;
	if (p < end && *p == 'x') {
		p++;
		for (; p < end && *p != ';'; p++, digits++) {
			unsigned char c = *p;
			unsigned v;

			if (c >= '0' && c <= '9')
				v = c - '0';
			else if (c >= 'a' && c <= 'f')
				v = c - 'a' + 10;
			else if (c >= 'A' && c <= 'F')
				v = c - 'A' + 10;
			else
				return 0;
			if (digits >= 6)
				return 0;
			cp = cp * 16 + v;
		}
	} else {
		for (; p < end && *p != ';'; p++, digits++) {
			if (*p < '0' || *p > '9' || digits >= 7)
				return 0;
			cp = cp * 10 + (uint32_t)(*p - '0');
		}
	}
	if (p >= end || digits == 0 || !is_xml_char(cp))
		return 0;
	*pp = p + 1;
	return text_utf8_encode(cp, out);
}

/* Text content from x->p up to the next '<' (or the end): decoded into the
 * arena, *len bytes. Returns false to decline. */
static bool scan_text(struct xf *x, char **out, size_t *len)
{
	const unsigned char *s = x->p;
	const unsigned char *p = s;
	const unsigned char *end = x->end;
	bool refs = false;
	char *dst;
	size_t n = 0;

	for (;;) {
		unsigned char c;

		p = skip_plain(p, end, ']', C_TEXT);
		if (p >= end || *p == '<')
			break;
		c = *p;
		if (c >= 0x80) {
			const unsigned char *q = skip_cjk3(p, end, x->avx2);
			size_t k;

			if (q != p) {
				p = q;
				continue;
			}
			k = utf8_seq(p, end);

			if (k == 0)
				return false;
			p += k;
			continue;
		}
		if (c < 0x20 && c != '\t' && c != '\n')
			return false; /* controls; '\r' would need line-end normalisation */
		if (c == '&')
			refs = true;
		else if (c == ']' && end - p >= 3 && p[1] == ']' && p[2] == '>')
			return false;
		p++;
	}
	if ((size_t)(p - s) > XF_MAX_TEXT)
		return false;
	x->p = p;
	if (!refs) {
		*out = xf_string(x, s, (size_t)(p - s));
		*len = (size_t)(p - s);
		return true;
	}
	/* every reference is at least as long as its UTF-8 */
	dst = xf_alloc(x->a, (size_t)(p - s) + 1);
	for (const unsigned char *q = s; q < p;) {
		if (*q == '&') {
			size_t k;

			q++;
			k = decode_ref(&q, p, true, dst + n);
			if (k == 0)
				return false;
			n += k;
		} else {
			dst[n++] = (char)*q++;
		}
	}
	dst[n] = '\0';
	*out = dst;
	*len = n;
	return true;
}

/* An attribute value after its opening quote; x->p ends past the closing one.
 * *vlen: its decoded length. */
static bool scan_attr_value(struct xf *x, char **out, size_t *vlen, bool *had_refs)
{
	unsigned char q = x->p[-1];
	const unsigned char *s = x->p;
	const unsigned char *p = s;
	bool refs = false;
	char *dst;
	size_t n = 0;

	for (;;) {
		unsigned char c;

		p = skip_plain(p, x->end, q, C_ATTR);
		if (p >= x->end || *p == q)
			break;
		c = *p;
		if (c >= 0x80) {
			const unsigned char *r = skip_cjk3(p, x->end, x->avx2);
			size_t k;

			if (r != p) {
				p = r;
				continue;
			}
			k = utf8_seq(p, x->end);

			if (k == 0)
				return false;
			p += k;
			continue;
		}
		if (c < 0x20 || c == '<')
			return false; /* tab/LF/CR are normalised by XML: left to libxml2 */
		if (c == '&')
			refs = true;
		p++;
	}
	if (p >= x->end || (size_t)(p - s) > XF_MAX_ATTR_VAL)
		return false;
	x->p = p + 1;
	*had_refs = refs;
	if (!refs) {
		*out = xf_string(x, s, (size_t)(p - s));
		*vlen = (size_t)(p - s);
		return true;
	}
	dst = xf_alloc(x->a, (size_t)(p - s) + 1);
	for (const unsigned char *r = s; r < p;) {
		if (*r == '&') {
			size_t k;

			r++;
			k = decode_ref(&r, p, false, dst + n);
			if (k == 0)
				return false;
			n += k;
		} else {
			dst[n++] = (char)*r++;
		}
	}
	dst[n] = '\0';
	*out = dst;
	*vlen = n;
	return true;
}

static bool lit(struct xf *x, const char *s)
{
	size_t n = strlen(s);

	if ((size_t)(x->end - x->p) < n || memcmp(x->p, s, n) != 0)
		return false;
	x->p += n;
	return true;
}

/* S? '=' S? quote: leaves x->p after the quote. */
static bool scan_eq(struct xf *x)
{
	if (x->end - x->p >= 2 && x->p[0] == '=' && (x->p[1] == '"' || x->p[1] == '\'')) {
		x->p += 2; /* the common case */
		return true;
	}
	skip_space(x);
	if (!lit(x, "="))
		return false;
	skip_space(x);
	if (x->p >= x->end || (*x->p != '"' && *x->p != '\''))
		return false;
	x->p++;
	return true;
}

/* <?xml version="1.0" [encoding="EncName"] [standalone="yes|no"] S??> */
static bool scan_decl(struct xf *x, int *standalone)
{
	const unsigned char *v;

	*standalone = -1;
	if (!lit(x, "<?xml"))
		return true;
	*standalone = -2;
	if (x->p >= x->end || !is_space(*x->p))
		return false;
	skip_space(x);
	if (!lit(x, "version") || !scan_eq(x))
		return false;
	if (!lit(x, "1.0") || x->p >= x->end || *x->p != x->p[-4])
		return false;
	x->p++;
	v = x->p;
	skip_space(x);
	if (x->p > v && lit(x, "encoding")) {
		unsigned char q;

		if (!scan_eq(x))
			return false;
		q = x->p[-1];
		if (x->p >= x->end ||
		    !((*x->p >= 'a' && *x->p <= 'z') || (*x->p >= 'A' && *x->p <= 'Z')))
			return false;
		while (x->p < x->end && *x->p != q) {
			if (!is_name_char(*x->p))
				return false;
			x->p++;
		}
		if (x->p >= x->end)
			return false;
		x->p++;
		v = x->p;
		skip_space(x);
	}
	if (x->p > v && lit(x, "standalone")) {
		unsigned char q;

		if (!scan_eq(x))
			return false;
		q = x->p[-1];
		if (lit(x, "yes"))
			*standalone = 1;
		else if (lit(x, "no"))
			*standalone = 0;
		else
			return false;
		if (x->p >= x->end || *x->p != q)
			return false;
		x->p++;
		skip_space(x);
	}
	return lit(x, "?>");
}

/* Whitespace outside the root element (CR allowed: no node is made). */
static void skip_misc(struct xf *x)
{
	while (x->p < x->end && (is_space(*x->p) || *x->p == '\r'))
		x->p++;
}

static xmlNsPtr xml_ns(struct xf *x)
{
	if (x->xml_ns == NULL) {
		xmlNsPtr ns = xf_zalloc(x->a, sizeof(*ns));

		ns->type = XML_LOCAL_NAMESPACE;
		ns->href = (const xmlChar *)XF_XML_NS;
		ns->prefix = (const xmlChar *)"xml";
		x->xml_ns = ns;
		x->a->doc.oldNs = ns;
	}
	return x->xml_ns;
}

/* The namespace bound to prefix (NULL/0: the default one); NULL when none.
 * *ok is false for an unbound prefix. */
static xmlNsPtr resolve(struct xf *x, const unsigned char *prefix, size_t plen, bool *ok)
{
	unsigned slot = prefix == NULL ? 0 : (unsigned)(prefix[0] + plen) & 7u;

	*ok = true;
	if (prefix != NULL && plen == 3 && memcmp(prefix, "xml", 3) == 0)
		return xml_ns(x);
	if (x->cache[slot].gen == x->gen && x->cache[slot].plen == plen &&
	    (prefix == NULL ? x->cache[slot].prefix == NULL
			    : (x->cache[slot].prefix != NULL && x->cache[slot].c0 == prefix[0] &&
			       memcmp(x->cache[slot].prefix, prefix, plen) == 0)))
		return x->cache[slot].ns;
	for (size_t i = x->nscope; i-- > 0;) {
		const struct xf_scope *s = &x->scope[i];

		if (prefix == NULL ? s->prefix == NULL
				   : (s->prefix != NULL && s->plen == plen &&
				      memcmp(s->prefix, prefix, plen) == 0)) {
			x->cache[slot].gen = x->gen;
			x->cache[slot].plen = plen;
			x->cache[slot].prefix = prefix;
			x->cache[slot].c0 = prefix != NULL ? prefix[0] : 0;
			x->cache[slot].ns = s->ns;
			return s->ns;
		}
	}
	if (prefix != NULL)
		*ok = false;
	return NULL;
}

/* The URIs doc_xml_is() and friends are asked about most are kept as the
 * NS_* string constants (the same bytes), so that a caller passing NS_W
 * is usually answered by comparing pointers. */
static const char *known_uri(const char *uri, size_t len)
{
	static const struct {
		const char *s;
		size_t len;
	} known[] = {{NS_W, sizeof(NS_W) - 1},
		     {NS_R, sizeof(NS_R) - 1},
		     {NS_A, sizeof(NS_A) - 1},
		     {NS_PR, sizeof(NS_PR) - 1},
		     {NS_CT, sizeof(NS_CT) - 1}};

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		if (len == known[i].len && memcmp(uri, known[i].s, len) == 0)
			return known[i].s;
	}
	return uri;
}

/* The NUL-terminated s of length len is the literal lit. */
#define IS_LIT(s, len, lit) ((len) == sizeof(lit) - 1 && memcmp((s), (lit), (len)) == 0)

static void append_child(xmlNodePtr parent, xmlNodePtr n)
{
	n->parent = parent;
	if (parent->last == NULL) {
		parent->children = n;
	} else {
		parent->last->next = n;
		n->prev = parent->last;
	}
	parent->last = n;
}

static xmlNodePtr new_text(struct xf *x, char *content)
{
	xmlNodePtr t = xf_alloc(x->a, sizeof(*t));

	xf_node_init(t, XML_TEXT_NODE, xmlStringText, &x->a->doc);
	t->content = (xmlChar *)content;
	return t;
}

/* Local name and namespace of an element (attr false) or attribute name;
 * false for an unbound or reserved prefix. */
static bool qname_slow(struct xf *x, const unsigned char *qn, size_t qlen, size_t colon,
		       unsigned hash, bool attr, const xmlChar **name, xmlNsPtr *ns);

/* qname_slow() first asked through scan_qname()'s slot for the name (slot,
 * stamp: see struct xf_attr). */
static bool qname_cache(struct xf *x, const unsigned char *qn, size_t qlen, size_t colon,
			unsigned hash, bool attr, const xmlChar **name, xmlNsPtr *ns, int slot,
			unsigned stamp) __attribute__((noinline));

static inline __attribute__((always_inline)) bool qname(struct xf *x, const unsigned char *qn,
							size_t qlen, size_t colon, unsigned hash,
							bool attr, const xmlChar **name,
							xmlNsPtr *ns, int slot, unsigned stamp)
{
	if (slot >= 0 && x->qc[slot].stamp == stamp && x->qc[slot].gen[attr] == x->gen) {
		*name = x->qc[slot].local[attr];
		*ns = x->qc[slot].ns[attr];
		return true;
	}
	return qname_cache(x, qn, qlen, colon, hash, attr, name, ns, slot, stamp);
}

/* qname() when the slot does not answer: qname_slow(), then remember. */
static bool qname_cache(struct xf *x, const unsigned char *qn, size_t qlen, size_t colon,
			unsigned hash, bool attr, const xmlChar **name, xmlNsPtr *ns, int slot,
			unsigned stamp)
{
	if (!qname_slow(x, qn, qlen, colon, hash, attr, name, ns))
		return false;
	if (slot >= 0 && x->qc[slot].stamp == stamp) {
		x->qc[slot].local[attr] = *name;
		x->qc[slot].ns[attr] = *ns;
		x->qc[slot].gen[attr] = x->gen;
	}
	return true;
}

static bool qname_slow(struct xf *x, const unsigned char *qn, size_t qlen, size_t colon,
		       unsigned hash, bool attr, const xmlChar **name, xmlNsPtr *ns)
{
	unsigned h = (hash * 2u + attr) & 255u;
	bool ok = true;

	if ((x->names_used[h / 64] >> (h % 64) & 1u) != 0 && x->names[h].qlen == qlen &&
	    x->names[h].attr == attr && same_bytes(x, x->names[h].qn, qn, qlen)) {
		if (x->names[h].gen != x->gen) {
			x->names[h].ns = colon != 0 ? resolve(x, qn, colon, &ok)
					 : attr	    ? NULL
						    : resolve(x, NULL, 0, &ok);
			if (!ok)
				return false; /* the prefix went out of scope */
			x->names[h].gen = x->gen;
		}
		*name = (const xmlChar *)x->names[h].local;
		*ns = x->names[h].ns;
		return true;
	}
	if (colon == 5 && memcmp(qn, "xmlns", 5) == 0)
		return false;
	*ns = colon != 0 ? resolve(x, qn, colon, &ok) : attr ? NULL : resolve(x, NULL, 0, &ok);
	if (!ok)
		return false;
	*name = (const xmlChar *)xf_strndup(x->a, qn + (colon != 0 ? colon + 1 : 0),
					    qlen - (colon != 0 ? colon + 1 : 0));
	x->names_used[h / 64] |= (uint64_t)1 << (h % 64);
	x->names[h].qn = qn;
	x->names[h].qlen = qlen;
	x->names[h].attr = attr;
	x->names[h].local = (const char *)*name;
	x->names[h].ns = *ns;
	x->names[h].gen = x->gen;
	return true;
}

/* el, made, goes into the tree (and on the stack unless empty); slot and
 * stamp its name's (see struct xf_tmpl). */
static inline __attribute__((always_inline)) bool place_element(struct xf *x, xmlNodePtr el,
								bool empty, const unsigned char *qn,
								size_t qlen, size_t scope0,
								int slot, unsigned stamp)
{
	if (x->depth == 0) {
		if (x->a->doc.children != NULL)
			return false;
		el->parent = (xmlNodePtr)&x->a->doc;
		x->a->doc.children = el;
		x->a->doc.last = el;
	} else {
		append_child(x->stack[x->depth - 1].node, el);
	}
	if (empty) {
		if (x->nscope != scope0)
			x->gen++;
		x->nscope = scope0;
		return true;
	}
	x->stack[x->depth].node = el;
	x->stack[x->depth].qn = qn;
	x->stack[x->depth].qlen = qlen;
	x->stack[x->depth].nscope = scope0;
	x->stack[x->depth].slot = slot;
	x->stack[x->depth].stamp = stamp;
	x->stack[x->depth].chunk = x->a->chunks;
	x->stack[x->depth].taint = x->taint;
	x->depth++;
	return true;
}

/* A link of a node copied with its block to another node in it (moved by
 * d), or NULL. */
static inline void *mv_link(void *p, uintptr_t d)
{
	return p != NULL ? (void *)((uintptr_t)p + d) : NULL;
}

/* The links of a block's nodes copied d bytes on, root (its parent and
 * siblings left to the caller) first, in document order. Their names and
 * strings stay those of the nodes copied: never changed, equal, and where
 * in the input their NULs go (a copy's bytes in the input get none). */
static void xf_move_nodes(xmlNodePtr root, uintptr_t d)
{
	xmlNodePtr n = root;

	for (;;) {
		if (n->type == XML_ELEMENT_NODE) {
			xmlAttrPtr prev = NULL;

			n->children = mv_link(n->children, d);
			n->last = mv_link(n->last, d);
			n->properties = mv_link(n->properties, d);
			for (xmlAttrPtr a = n->properties; a != NULL; a = a->next) {
				xmlNodePtr t = mv_link(a->children, d);

				a->parent = n;
				a->prev = prev;
				a->next = mv_link(a->next, d);
				a->children = t;
				a->last = t;
				t->parent = (xmlNodePtr)a;
				prev = a;
			}
		}
		if (n->children != NULL) {
			xmlNodePtr c = n->children;

			c->parent = n;
			c->next = mv_link(c->next, d);
			n = c;
			continue;
		}
		while (n != root && n->next == NULL)
			n = n->parent;
		if (n == root)
			return;
		{
			xmlNodePtr nx = n->next;

			nx->parent = n->parent;
			nx->prev = n;
			nx->next = mv_link(nx->next, d);
			n = nx;
		}
	}
}

/* start_tag() for an element that repeats s from x->p on (after its name):
 * a copy of s's nodes, x->p past its end tag. */
static bool xf_clone(struct xf *x, const struct xf_sub *s) __attribute__((noinline));

static bool xf_clone(struct xf *x, const struct xf_sub *s)
{
	unsigned char *mem;
	xmlNodePtr el;

	if (x->a->total > x->a->budget)
		return false;
	mem = xf_alloc(x->a, s->size);
	memcpy(mem, s->blk, s->size);
	el = (xmlNodePtr)mem;
	xf_move_nodes(el, (uintptr_t)mem - (uintptr_t)s->blk);
	el->next = NULL;
	el->prev = NULL;
	append_child(x->stack[x->depth - 1].node, el);
	x->p += s->len;
	return true;
}

/* The element at x->p (after its name, of slot and stamp) repeats the
 * struct xf_sub of the slot. Elements of a name that failed to repeat the
 * one before them (runs with text: paragraphs) are only tried now and then
 * (the comparison costs as much as the bytes they share). */
static inline bool try_clone(struct xf *x, int slot, unsigned stamp)
{
	struct xf_sub *s = &x->sub[(unsigned)slot % XF_SUB];

	if (s->gen != x->gen || s->slot != slot || s->stamp != stamp || s->depth != x->depth)
		return false;
	/* (after 8 tries in a row that failed, only every 8th) */
	if (s->fails >= 8 && (++s->fails & 7u) != 0)
		return false;
	if (s->len <= (size_t)(x->end - x->p) && memcmp(x->p, s->src, s->len) == 0) {
		s->fails = 0;
		return true;
	}
	s->fails++;
	return false;
}

/* The element closed last (x->stack[x->depth], x->p after its end tag) as
 * the struct xf_sub of its name's slot when it may be copied. */
static inline void remember_sub(struct xf *x)
{
	const struct xf_open *e = &x->stack[x->depth];
	const struct xf_chunk *c = x->a->chunks;
	struct xf_sub *s;

	/* (the chunk the element's parts were made in last, and the element in
	 * it: a chunk may end between the element and its attributes) */
	if (e->slot < 0 || x->depth == 0 || e->taint != x->taint || e->chunk != c ||
	    (uintptr_t)e->node - (uintptr_t)c->data >= c->used)
		return;
	s = &x->sub[(unsigned)e->slot % XF_SUB];
	if (s->gen != x->gen || s->slot != e->slot || s->stamp != e->stamp) {
		s->fails = 0; /* another name's, or an earlier scope's */
	}
	s->gen = x->gen;
	s->slot = e->slot;
	s->stamp = e->stamp;
	s->depth = x->depth;
	s->src = e->qn + e->qlen;
	s->len = (size_t)(x->p - s->src);
	s->blk = (const unsigned char *)e->node;
	s->size = (size_t)(c->data + c->used - s->blk);
}

/* start_tag() for a tag that repeats template t from x->p on (after the
 * element's name qn): the nodes start_tag() would make. */
static bool start_tag_tmpl(struct xf *x, const struct xf_tmpl *t, const unsigned char *qn,
			   size_t qlen) __attribute__((noinline));

static bool start_tag_tmpl(struct xf *x, const struct xf_tmpl *t, const unsigned char *qn,
			   size_t qlen)
{
	const unsigned char *rest = x->p;
	/* the element and its attributes in one allocation (each part aligned
	 * as xf_alloc() would) */
	const size_t el_size =
	    (sizeof(xmlNode) + alignof(max_align_t) - 1) & ~(alignof(max_align_t) - 1);
	const size_t pair_size =
	    (sizeof(struct xf_attr_pair) + alignof(max_align_t) - 1) & ~(alignof(max_align_t) - 1);
	xmlAttrPtr lastprop = NULL;
	unsigned char *mem;
	xmlNodePtr el;

	if (x->depth >= XF_MAX_DEPTH || x->a->total > x->a->budget)
		return false;
	mem = xf_alloc(x->a, el_size + t->nattr * pair_size);
	el = (xmlNodePtr)mem;
	xf_node_init(el, XML_ELEMENT_NODE, t->name, &x->a->doc);
	el->ns = t->ns;
	for (size_t i = 0; i < t->nattr; i++) {
		struct xf_attr_pair *pair = (struct xf_attr_pair *)(mem + el_size + i * pair_size);
		xmlAttrPtr a = &pair->a;
		xmlNodePtr tx = &pair->t;

		xf_attr_init(a, el, &x->a->doc);
		a->name = t->at[i].name;
		a->ns = t->at[i].ns;
		xf_attr_attach(el, a, tx, t->at[i].value, &lastprop);
	}
	x->p = rest + t->len;
	return place_element(x, el, t->empty, qn, qlen, x->nscope, t->slot, t->stamp);
}

/* Keep the start tag just parsed (x->p after it) as the template of its
 * element name's slot when its values all lie in place. */
static void remember_tag(struct xf *x, int eslot, unsigned estamp, const unsigned char *rest,
			 const xmlNode *el, size_t nattr, bool empty)
{
	unsigned set = (unsigned)eslot % XF_TMPL;
	/* (the ways in turn, but never the one used last) */
	unsigned way = x->tmpl_next[set]++ % XF_TMPL_WAYS;
	struct xf_tmpl *t;
	size_t len = (size_t)(x->p - rest);

	if (way == x->tmpl_mru[set])
		way = x->tmpl_next[set]++ % XF_TMPL_WAYS;
	t = &x->tmpl[set][way];
	x->tmpl_mru[set] = (unsigned char)way;
	const xmlAttr *a = el->properties;

	for (size_t i = 0; i < nattr; i++, a = a->next) {
		t->at[i].name = a->name;
		t->at[i].ns = a->ns;
		t->at[i].value = (const char *)a->children->content;
	}
	t->gen = x->gen;
	t->slot = eslot;
	t->stamp = estamp;
	t->src = rest;
	t->len = len;
	t->empty = empty;
	t->name = el->name;
	t->ns = el->ns;
	t->nattr = nattr;
}

/* A start tag after '<'. Returns false to decline. */
static bool start_tag(struct xf *x)
{
	const unsigned char *qn;
	size_t qlen, colon, nattr = 0, scope0 = x->nscope;
	unsigned hash;
	xmlNodePtr el;
	xmlNsPtr lastdef = NULL;
	xmlAttrPtr lastprop = NULL;
	/* the namespace of the element's attributes so far when they share one
	 * (ns_one; NULL: none yet): the clash test below has nothing to find */
	xmlNsPtr ns_one = NULL;
	bool ns_mixed = false;
	bool any_xmlns = false;
	bool empty = false;
	uint64_t seen = 0; /* the attribute names' hashes (see below) */

	int eslot;
	unsigned estamp;
	const unsigned char *rest; /* after the element's name */

	if (!scan_qname(x, &qn, &qlen, &colon, &hash))
		return false;
	eslot = x->last_slot;
	estamp = x->last_stamp;
	rest = x->p;
	if (eslot >= 0) {
		unsigned set = (unsigned)eslot % XF_TMPL;

		if (try_clone(x, eslot, estamp))
			return xf_clone(x, &x->sub[(unsigned)eslot % XF_SUB]);
#pragma GCC unroll 4
		for (unsigned w = 0; w < XF_TMPL_WAYS; w++) {
			/* (the way used last first; unrolled: the loop's own
			 * instructions cost more than the ways it looks at) */
			unsigned way = x->tmpl_mru[set] ^ w;
			const struct xf_tmpl *t = &x->tmpl[set][way];

			if (t->gen == x->gen && t->slot == eslot && t->stamp == estamp &&
			    t->len <= (size_t)(x->end - rest) &&
			    same_bytes(x, rest, t->src, t->len)) {
				x->tmpl_mru[set] = (unsigned char)way;
				return start_tag_tmpl(x, t, qn, qlen);
			}
		}
	}
	for (;;) {
		struct xf_attr *at;
		const unsigned char *before = x->p;

		skip_space(x);
		if (x->p >= x->end)
			return false;
		if (*x->p == '>') {
			x->p++;
			break;
		}
		if (*x->p == '/') {
			if (x->end - x->p < 2 || x->p[1] != '>')
				return false;
			x->p += 2;
			empty = true;
			break;
		}
		if (x->p == before || nattr >= XF_MAX_ATTRS)
			return false; /* attributes need whitespace between them */
		at = &x->attrs[nattr];
		if (!scan_qname(x, &at->qn, &at->qlen, &at->colon, &at->hash))
			return false;
		at->slot = x->last_slot;
		at->stamp = x->last_stamp;
		at->xmlns = (at->qlen == 5 || at->colon == 5) && at->qn[0] == 'x' &&
			    at->qn[1] == 'm' && at->qn[2] == 'l' && at->qn[3] == 'n' &&
			    at->qn[4] == 's';
		any_xmlns |= at->xmlns;
		if (x->end - x->p >= 2 && x->p[0] == '=' && (x->p[1] == '"' || x->p[1] == '\'')) {
			x->p += 2; /* scan_eq()'s common case */
		} else if (!scan_eq(x)) {
			return false;
		}
		{
			size_t nfix = x->nfix, vlen;

			if (!scan_attr_value(x, &at->value, &vlen, &at->refs))
				return false;
			at->vlen = vlen;
			/* namespace URIs are compared while parsing: not in place */
			if (x->nfix != nfix && at->xmlns) {
				x->nfix = nfix;
				at->value =
				    xf_strndup(x->a, (const unsigned char *)at->value, vlen);
			}
		}
		/* (seen: a bit per hash's low 6 bits; no bit, no equal name before) */
		if ((seen >> (at->hash & 63u) & 1u) != 0) {
			for (size_t i = 0; i < nattr; i++) {
				if (x->attrs[i].hash == at->hash && x->attrs[i].qlen == at->qlen &&
				    same_bytes(x, x->attrs[i].qn, at->qn, at->qlen))
					return false;
			}
		}
		seen |= (uint64_t)1 << (at->hash & 63u);
		nattr++;
	}
	if (x->depth >= XF_MAX_DEPTH || x->a->total > x->a->budget)
		return false;
	el = xf_node(x->a);
	/* namespace declarations first: they apply to the element and its attributes */
	for (size_t i = 0; any_xmlns && i < nattr; i++) {
		struct xf_attr *at = &x->attrs[i];
		xmlNsPtr ns;
		bool dflt = at->xmlns && at->qlen == 5;

		if (!at->xmlns)
			continue;
		/* libxml2 keeps references in namespace URIs undecoded ("&#38;"),
		 * and doc_xml_parse refuses "<" in them (see xml.c) */
		if (at->vlen == 0 || at->refs || IS_LIT(at->value, at->vlen, XF_XML_NS) ||
		    IS_LIT(at->value, at->vlen, XF_XMLNS_NS) || x->nscope >= XF_MAX_SCOPE)
			return false;
		ns = xf_zalloc(x->a, sizeof(*ns));
		ns->type = XML_LOCAL_NAMESPACE;
		ns->href = (const xmlChar *)known_uri(at->value, at->vlen);
		if (!dflt) {
			size_t plen = at->qlen - 6;

			if ((plen == 3 && memcmp(at->qn + 6, "xml", 3) == 0) ||
			    (plen == 5 && memcmp(at->qn + 6, "xmlns", 5) == 0))
				return false;
			ns->prefix = (const xmlChar *)xf_strndup(x->a, at->qn + 6, plen);
		}
		/* a prefix (or the default) declared twice on one element is the
		 * same attribute name twice, which the duplicate attribute test
		 * above refused: no need to look through scope0..nscope */
		x->scope[x->nscope].prefix = dflt ? NULL : at->qn + 6;
		x->scope[x->nscope].plen = dflt ? 0 : at->qlen - 6;
		x->scope[x->nscope].ns = ns;
		x->nscope++;
		if (lastdef == NULL)
			el->nsDef = ns;
		else
			lastdef->next = ns;
		lastdef = ns;
	}
	if (x->nscope != scope0)
		x->gen++; /* the lookups cached before these declarations are stale */
	if (!qname(x, qn, qlen, colon, hash, false, &el->name, &el->ns, eslot, estamp))
		return false;
	for (size_t i = 0; i < nattr; i++) {
		struct xf_attr *at = &x->attrs[i];
		struct xf_attr_pair *pair;
		xmlAttrPtr a;

		if (at->xmlns)
			continue;
		/* the attribute and its text node (new_text()) */
		pair = xf_alloc(x->a, sizeof(*pair));
		a = &pair->a;
		xf_attr_init(a, el, &x->a->doc);
		if (!qname(x, at->qn, at->qlen, at->colon, at->hash, true, &a->name, &a->ns,
			   at->slot, at->stamp))
			return false;
		/* the same local name in the same namespace twice is an error; equal
		 * qualified names were refused above, so only two prefixes bound to
		 * one URI are left to catch */
		if (a->ns != NULL) {
			if (ns_one == NULL)
				ns_one = a->ns;
			else if (a->ns != ns_one)
				ns_mixed = true;
			/* (ns_mixed: an attribute before this one may be in another
			 * namespace; else they all are in a->ns or in none) */
			for (xmlAttrPtr o = el->properties; ns_mixed && o != NULL; o = o->next) {
				if (o->ns != NULL && o->ns != a->ns &&
				    strcmp((const char *)o->name, (const char *)a->name) == 0 &&
				    strcmp((const char *)o->ns->href, (const char *)a->ns->href) ==
					0)
					return false;
			}
		}
		xf_attr_attach(el, a, &pair->t, at->value, &lastprop);
	}
	if (eslot >= 0 && !any_xmlns && nattr <= XF_TMPL_ATTRS && x->depth > 0)
		remember_tag(x, eslot, estamp, rest, el, nattr, empty);
	if (!place_element(x, el, empty, qn, qlen, scope0, eslot, estamp))
		return false;
	/* (after place_element(): the element's own declarations count too) */
	if (any_xmlns)
		x->taint++;
	return true;
}

static bool end_tag(struct xf *x)
{
	const unsigned char *qn;
	size_t qlen, colon;
	unsigned hash;

	/* the open element's name (checked when its start tag was read) and
	 * '>' right after it: what the scan below finds, without the scan */
	if (x->depth > 0) {
		size_t n = x->stack[x->depth - 1].qlen;

		if ((size_t)(x->end - x->p) > n && x->p[n] == '>' &&
		    same_bytes(x, x->p, x->stack[x->depth - 1].qn, n)) {
			x->depth--;
			x->p += n + 1;
			if (x->nscope != x->stack[x->depth].nscope)
				x->gen++;
			x->nscope = x->stack[x->depth].nscope;
			remember_sub(x);
			return true;
		}
	}
	if (x->depth == 0 || !scan_qname(x, &qn, &qlen, &colon, &hash))
		return false;
	x->depth--;
	if (qlen != x->stack[x->depth].qlen || !same_bytes(x, qn, x->stack[x->depth].qn, qlen))
		return false;
	skip_space(x);
	if (x->p >= x->end || *x->p != '>')
		return false;
	x->p++;
	if (x->nscope != x->stack[x->depth].nscope)
		x->gen++;
	x->nscope = x->stack[x->depth].nscope;
	remember_sub(x);
	return true;
}

static bool parse(struct xf *x)
{
	int standalone;

	if (!scan_decl(x, &standalone))
		return false;
	x->a->doc.standalone = standalone;
	skip_misc(x);
	if (x->p >= x->end || *x->p != '<')
		return false;
	do {
		if (*x->p == '<') {
			x->p++;
			if (x->p >= x->end)
				return false;
			if (*x->p == '/') {
				x->p++;
				if (!end_tag(x))
					return false;
			} else if (!start_tag(x)) {
				return false; /* also "<!", "<?" */
			}
		} else {
			char *s;
			size_t n;

			if (!scan_text(x, &s, &n))
				return false;
			if (n > 0)
				append_child(x->stack[x->depth - 1].node, new_text(x, s));
		}
	} while (x->depth > 0 && x->p < x->end);
	if (x->depth > 0)
		return false;
	skip_misc(x);
	return x->p == x->end;
}

/* inplace: data itself, writable, or NULL (the text is copied). */
static int xf_parse(const char *data, size_t len, unsigned char *inplace, xmlDocPtr *out)
{
	struct xf *x;
	struct xf_arena *a;
	bool ok;

	*out = NULL;
	if (len == 0 || len > XF_MAX_INPUT)
		return DOC_XMLFAST_DECLINE;
	a = xcalloc(1, sizeof(*a));
	a->doc.type = XML_DOCUMENT_NODE;
	a->doc.doc = &a->doc;
	a->doc._private = (void *)xf_magic;
	a->doc.version = (const xmlChar *)"1.0";
	a->doc.encoding = (const xmlChar *)"UTF-8";
	a->doc.charset = XML_CHAR_ENCODING_UTF8;
	/* memory in proportion to the input, about what libxml2's DOM takes
	 * (OOXML parts take 8-15x); past it libxml2 decides */
	a->budget = len * XF_ARENA_PER_BYTE + ((size_t)1 << 20);
	x = &xf_state;
	__asm__("" : "+r"(x)); /* (code as for any struct xf) */
	x->p = (const unsigned char *)data;
	x->end = x->p + len;
	x->start = x->p;
	x->inplace = inplace;
	x->fix = NULL;
	x->nfix = 0;
	x->fixcap = 0;
	if (inplace != NULL) /* OOXML: about one string per 25 bytes */
		x->fix = xgrow(NULL, &x->fixcap, len / 16 + 16, sizeof(*x->fix));
	x->a = a;
#if defined(XF_AVX2)
	x->avx2 = !xf_no_avx2 && __builtin_cpu_supports("avx2");
#else
	x->avx2 = false;
#endif
	x->xml_ns = NULL;
	x->depth = 0;
	x->nscope = 0;
	memset(x->names_used, 0, sizeof(x->names_used));
	if (!xf_qc_ready) {
		for (size_t i = 0; i < XF_QC; i++) {
			xf_qc[i] = (struct xf_qent){0};
			xf_qc[i].w0 = ~(uint64_t)0;
			xf_qc[i].w1 = ~(uint64_t)0;
		}
		xf_qc_ready = true;
	}
	x->qc = xf_qc;
	x->last_slot = -1;
	x->last_stamp = 0;
	x->taint = 0;
	x->gen = xf_gen;
	ok = parse(x);
	xf_gen = x->gen + 1;
	if (ok) {
		for (size_t i = 0; i < x->nfix; i++)
			inplace[x->fix[i]] = '\0';
		a->input = (char *)inplace;
	}
	free(x->fix);
	x->fix = NULL;
	if (!ok) {
		xf_arena_free(a);
		return DOC_XMLFAST_DECLINE;
	}
	*out = &a->doc;
	return 0;
}

int doc_xmlfast_parse(const char *data, size_t len, xmlDocPtr *out)
{
	return xf_parse(data, len, NULL, out);
}

int doc_xmlfast_parse_owned(char *data, size_t len, xmlDocPtr *out)
{
	return xf_parse(data, len, (unsigned char *)data, out);
}

bool doc_xmlfast_allow_avx2(bool allow)
{
	bool was = !xf_no_avx2;

	xf_no_avx2 = !allow;
	return was;
}

bool doc_xmlfast_is(const xmlDoc *doc)
{
	return doc != NULL && doc->_private == (const void *)xf_magic;
}

void doc_xml_free_doc(xmlDocPtr doc)
{
	if (doc == NULL)
		return;
	if (doc_xmlfast_is(doc))
		xf_arena_free((struct xf_arena *)(void *)doc);
	else
		xmlFreeDoc(doc);
}

/* --- comparison (tests, fuzzing) ----------------------------------- */

static bool str_eq(const xmlChar *a, const xmlChar *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp((const char *)a, (const char *)b) == 0;
}

static bool ns_eq(const xmlNs *a, const xmlNs *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return str_eq(a->href, b->href) && str_eq(a->prefix, b->prefix);
}

static bool differ(char *why, size_t whylen, const xmlNode *n, const char *what)
{
	if (why != NULL && whylen > 0)
		snprintf(why, whylen, "%s at <%s>", what,
			 n != NULL && n->name != NULL ? (const char *)n->name : "?");
	return false;
}

static bool node_eq(const xmlNode *a, const xmlNode *b, char *why, size_t whylen)
{
	const xmlAttr *pa, *pb;
	const xmlNs *da, *db;

	if (a->type != b->type)
		return differ(why, whylen, a, "node type");
	if (a->type == XML_TEXT_NODE)
		return str_eq(a->content, b->content) ? true
						      : differ(why, whylen, a->parent, "text");
	if (a->type != XML_ELEMENT_NODE)
		return differ(why, whylen, a, "unexpected node type");
	if (!str_eq(a->name, b->name) || !ns_eq(a->ns, b->ns))
		return differ(why, whylen, a, "element name/namespace");
	for (da = a->nsDef, db = b->nsDef; da != NULL && db != NULL; da = da->next, db = db->next) {
		if (!ns_eq(da, db))
			return differ(why, whylen, a, "namespace declaration");
	}
	if (da != db)
		return differ(why, whylen, a, "namespace declaration count");
	for (pa = a->properties, pb = b->properties; pa != NULL && pb != NULL;
	     pa = pa->next, pb = pb->next) {
		const xmlNode *ca = pa->children, *cb = pb->children;

		if (!str_eq(pa->name, pb->name) || !ns_eq(pa->ns, pb->ns))
			return differ(why, whylen, a, "attribute name/namespace");
		for (; ca != NULL && cb != NULL; ca = ca->next, cb = cb->next) {
			if (ca->type != cb->type || !str_eq(ca->content, cb->content))
				return differ(why, whylen, a, "attribute value");
		}
		if (ca != cb)
			return differ(why, whylen, a, "attribute value nodes");
		if (pa->parent != a || pb->parent != b)
			return differ(why, whylen, a, "attribute parent");
	}
	if (pa != pb)
		return differ(why, whylen, a, "attribute count");
	return true;
}

bool doc_xml_tree_equal(const xmlDoc *da, const xmlDoc *db, char *why, size_t whylen)
{
	const xmlNode *a = da->children;
	const xmlNode *b = db->children;
	const xmlNode *ra = (const xmlNode *)da;
	const xmlNode *rb = (const xmlNode *)db;

	/* iterative pre-order walk of both trees in step */
	while (a != NULL && b != NULL) {
		if (!node_eq(a, b, why, whylen))
			return false;
		if ((a->prev == NULL) != (b->prev == NULL) || a->parent == NULL ||
		    b->parent == NULL || a->doc != da || b->doc != db)
			return differ(why, whylen, a, "links");
		if (a->type == XML_ELEMENT_NODE && (a->children != NULL || b->children != NULL)) {
			if (a->children == NULL || b->children == NULL)
				return differ(why, whylen, a, "children");
			a = a->children;
			b = b->children;
			continue;
		}
		while (a != ra && b != rb && a->next == NULL && b->next == NULL) {
			if (a->parent->last != a || b->parent->last != b)
				return differ(why, whylen, a, "last link");
			a = a->parent;
			b = b->parent;
		}
		if (a == ra || b == rb)
			return a == ra && b == rb ? true : differ(why, whylen, NULL, "tree shape");
		if ((a->next == NULL) != (b->next == NULL))
			return differ(why, whylen, a, "sibling count");
		a = a->next;
		b = b->next;
	}
	return a == b ? true : differ(why, whylen, NULL, "root");
}
