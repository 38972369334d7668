/* model/scan: the chunk scanner (see scan.h) — a validating recursive
 * descent over one JSON object that records the members the decoder reads
 * and gives up (false) on anything it does not fully understand. */
#include <stdint.h>
#include <string.h>

#include "model/scan.h"
#include "text/text.h"

/* Where a value sits, which decides what is recorded from it. */
enum sc_ctx {
	SC_SKIP,
	SC_ROOT_OPENAI,
	SC_CHOICES,
	SC_CHOICE,
	SC_DELTA,
	SC_MESSAGE,
	SC_USAGE,
	SC_DETAILS,
	SC_ROOT_OLLAMA
};

struct sc {
	const char *p, *end;
	struct model_scan *out;
	int64_t index;	 /* the choice's index */
	size_t nchoices; /* elements of choices */
	bool ok;
};

static bool sc_fail(struct sc *s)
{
	s->ok = false;
	return false;
}

static void sc_ws(struct sc *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
		s->p++;
}

static int sc_hex4(const char *p)
{
	int v = 0;

	for (int i = 0; i < 4; i++) {
		char c = p[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -1;
	}
	return v;
}

/* At '"': the string's raw bytes into sp (may be NULL), s->p after the
 * closing quote. Checks what jansson checks: UTF-8, control characters,
 * escapes, surrogate pairs; \u0000 is refused (jansson's default). */
/* The bytes of p[0..8) sc_string must look at (a '"', a '\\', a control
 * character, a byte of a multi-byte character) as their top bits, found
 * word-at-a-time: a byte is zero / below 0x20 where the subtraction borrows
 * into its top bit. A borrow can flag a byte above a flagged one too, never
 * the lowest flagged byte: that one is always a byte to look at. */
static uint64_t sc_special8(const char *p)
{
	const uint64_t ones = 0x0101010101010101u, high = 0x8080808080808080u;
	uint64_t v, q, b;

	memcpy(&v, p, 8);
	q = v ^ (ones * '"');
	b = v ^ (ones * '\\');
	return (((q - ones) & ~q) | ((b - ones) & ~b) | ((v - ones * 0x20) & ~v) | v) & high;
}

/* How many bytes from p on are plain ASCII inside a string (the last
 * fewer than eight are left to the byte loop). */
static size_t sc_plain_run(const char *p, const char *end)
{
	const char *q = p;

	while (end - q >= 8) {
		uint64_t m = sc_special8(q);

		if (m != 0) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
			q += __builtin_ctzll(m) / 8; /* the first byte in memory */
#endif
			break;
		}
		q += 8;
	}
	return (size_t)(q - p);
}

static bool sc_string(struct sc *s, struct model_span *sp)
{
	const char *start = ++s->p;
	bool esc = false;

	while (s->p < s->end) {
		unsigned char c;

		s->p += sc_plain_run(s->p, s->end);
		if (s->p >= s->end)
			break;
		c = (unsigned char)*s->p;

		if (c == '"') {
			if (sp != NULL) {
				sp->kind = MODEL_SPAN_STRING;
				sp->p = start;
				sp->n = (size_t)(s->p - start);
				sp->esc = esc;
			}
			s->p++;
			return true;
		}
		if (c < 0x20)
			return sc_fail(s);
		if (c == '\\') {
			int cp;

			esc = true;
			if (s->end - s->p < 2)
				return sc_fail(s);
			c = (unsigned char)s->p[1];
			if (c != 'u') {
				if (strchr("\"\\/bfnrt", c) == NULL || c == '\0')
					return sc_fail(s);
				s->p += 2;
				continue;
			}
			if (s->end - s->p < 6 || (cp = sc_hex4(s->p + 2)) < 0 || cp == 0)
				return sc_fail(s);
			s->p += 6;
			if (cp >= 0xDC00 && cp <= 0xDFFF)
				return sc_fail(s); /* a lone low surrogate */
			if (cp >= 0xD800 && cp <= 0xDBFF) {
				int lo;

				if (s->end - s->p < 6 || s->p[0] != '\\' || s->p[1] != 'u' ||
				    (lo = sc_hex4(s->p + 2)) < 0xDC00 || lo > 0xDFFF)
					return sc_fail(s);
				s->p += 6;
			}
			continue;
		}
		if (c < 0x80) {
			s->p++;
			continue;
		}
		{
			/* One UTF-8 character, checked by the text module. */
			size_t need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;

			if ((size_t)(s->end - s->p) < need || !text_utf8_valid(s->p, need, NULL))
				return sc_fail(s);
			s->p += need;
		}
	}
	return sc_fail(s);
}

/* A number; only integers of at most 18 digits are understood. */
static bool sc_number(struct sc *s, int64_t *v)
{
	bool neg = false;
	int64_t x = 0;
	int digits = 0;

	if (s->p < s->end && *s->p == '-') {
		neg = true;
		s->p++;
	}
	if (s->p >= s->end || *s->p < '0' || *s->p > '9')
		return sc_fail(s);
	if (*s->p == '0') {
		s->p++;
		digits = 1;
	} else {
		while (s->p < s->end && *s->p >= '0' && *s->p <= '9') {
			if (++digits > 18)
				return sc_fail(s);
			x = x * 10 + (*s->p - '0');
			s->p++;
		}
	}
	if (s->p < s->end &&
	    (*s->p == '.' || *s->p == 'e' || *s->p == 'E' || (*s->p >= '0' && *s->p <= '9')))
		return sc_fail(s); /* a real number, or a leading zero */
	*v = neg ? -x : x;
	return true;
}

static bool sc_lit(struct sc *s, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(s->end - s->p) < n || memcmp(s->p, word, n) != 0)
		return sc_fail(s);
	s->p += n;
	return true;
}

static bool sc_value(struct sc *s, enum sc_ctx ctx, int depth);

/* The context of the value of member key inside an object of context ctx;
 * *slot gets the bit of a tracked key (duplicates are refused). */
static enum sc_ctx sc_member(enum sc_ctx ctx, const char *k, size_t n, unsigned *slot)
{
	static const char *const msg_keys[MODEL_SCAN_FIELDS] = {"content", "reasoning_content",
								"reasoning", "thinking"};
	static const struct {
		enum sc_ctx in;
		const char *key;
		enum sc_ctx val;
	} map[] = {
	    {SC_ROOT_OPENAI, "choices", SC_CHOICES},
	    {SC_ROOT_OPENAI, "usage", SC_USAGE},
	    {SC_ROOT_OPENAI, "error", SC_SKIP},
	    {SC_CHOICE, "delta", SC_DELTA},
	    {SC_CHOICE, "message", SC_MESSAGE},
	    {SC_CHOICE, "index", SC_SKIP},
	    {SC_CHOICE, "finish_reason", SC_SKIP},
	    {SC_USAGE, "prompt_tokens", SC_SKIP},
	    {SC_USAGE, "completion_tokens", SC_SKIP},
	    {SC_USAGE, "prompt_cache_hit_tokens", SC_SKIP},
	    {SC_USAGE, "completion_tokens_details", SC_DETAILS},
	    {SC_DETAILS, "reasoning_tokens", SC_SKIP},
	    {SC_ROOT_OLLAMA, "message", SC_DELTA},
	    {SC_ROOT_OLLAMA, "done", SC_SKIP},
	    {SC_ROOT_OLLAMA, "done_reason", SC_SKIP},
	    {SC_ROOT_OLLAMA, "prompt_eval_count", SC_SKIP},
	    {SC_ROOT_OLLAMA, "eval_count", SC_SKIP},
	    {SC_ROOT_OLLAMA, "error", SC_SKIP},
	};
	unsigned bit = 1;

	*slot = 0;
	if (ctx == SC_DELTA || ctx == SC_MESSAGE) {
		for (size_t i = 0; i < MODEL_SCAN_FIELDS; i++)
			if (strlen(msg_keys[i]) == n && memcmp(msg_keys[i], k, n) == 0) {
				*slot = 1u << i;
				return SC_SKIP;
			}
		return SC_SKIP;
	}
	for (size_t i = 0; i < ARRAY_LEN(map); i++, bit <<= 1)
		if (map[i].in == ctx && strlen(map[i].key) == n && memcmp(map[i].key, k, n) == 0) {
			*slot = bit;
			return map[i].val;
		}
	return SC_SKIP;
}

/* An integer member the decoder reads: > 0 counts, anything else is 0. */
static bool sc_count(struct sc *s, int64_t *v)
{
	int64_t x = 0;

	*v = 0;
	if (*s->p == '-' || (*s->p >= '0' && *s->p <= '9')) {
		if (!sc_number(s, &x))
			return false;
		*v = x > 0 ? x : 0;
		return true;
	}
	return sc_value(s, SC_SKIP, 1);
}

/* The value of a tracked member whose key is k[0..n) inside ctx. */
static bool sc_tracked(struct sc *s, enum sc_ctx ctx, const char *k, size_t n, int depth)
{
	struct model_scan *o = s->out;

	if (ctx == SC_DELTA || ctx == SC_MESSAGE) {
		struct model_scan_msg *m = &o->msg[ctx == SC_DELTA ? 0 : 1];
		size_t i = n == 7    ? MODEL_SCAN_CONTENT
			   : n == 17 ? MODEL_SCAN_REASONING_CONTENT
			   : n == 9  ? MODEL_SCAN_REASONING
				     : MODEL_SCAN_THINKING;

		if (*s->p == '"')
			return sc_string(s, &m->f[i]);
		m->f[i].kind = MODEL_SPAN_OTHER;
		return sc_value(s, SC_SKIP, depth);
	}
	if ((ctx == SC_ROOT_OPENAI || ctx == SC_ROOT_OLLAMA) && n == 5 &&
	    memcmp(k, "error", 5) == 0)
		return sc_fail(s);	/* the decoder's error path: jansson */
	if (ctx == SC_CHOICE && n == 5) /* index */
		return *s->p == '-' || (*s->p >= '0' && *s->p <= '9') ? sc_number(s, &s->index)
								      : sc_fail(s);
	if ((ctx == SC_CHOICE && n == 13) || (ctx == SC_ROOT_OLLAMA && n == 11)) {
		/* finish_reason, done_reason */
		if (*s->p == '"')
			return sc_string(s, &o->finish);
		o->finish.kind = MODEL_SPAN_OTHER;
		return sc_value(s, SC_SKIP, depth);
	}
	if (ctx == SC_ROOT_OLLAMA && n == 4) { /* done */
		if (*s->p == 't' && s->end - s->p >= 4 && memcmp(s->p, "true", 4) == 0) {
			o->done = true;
			s->p += 4;
			return true;
		}
		return sc_value(s, SC_SKIP, depth);
	}
	if (ctx == SC_USAGE && n == 13)
		return sc_count(s, &o->u.prompt_tokens);
	if (ctx == SC_USAGE && n == 17)
		return sc_count(s, &o->u.completion_tokens);
	if (ctx == SC_USAGE && n == 23)
		return sc_count(s, &o->u.cache_hit_tokens);
	if (ctx == SC_DETAILS)
		return sc_count(s, &o->u.reasoning_tokens);
	if (ctx == SC_ROOT_OLLAMA && n == 17)
		return sc_count(s, &o->u.prompt_tokens);
	if (ctx == SC_ROOT_OLLAMA && n == 10)
		return sc_count(s, &o->u.completion_tokens);
	return sc_fail(s);
}

/* After a member or an element: 1 past a ',' (and white space), 0 past
 * close, -1 (failed) on anything else. */
static int sc_after(struct sc *s, char close)
{
	sc_ws(s);
	if (s->p < s->end && *s->p == ',') {
		s->p++;
		sc_ws(s);
		return 1;
	}
	if (s->p < s->end && *s->p == close) {
		s->p++;
		return 0;
	}
	sc_fail(s);
	return -1;
}

/* At '{'. Tracked members are recorded; the others validated and skipped. */
static bool sc_object(struct sc *s, enum sc_ctx ctx, int depth)
{
	unsigned seen = 0;

	s->p++;
	sc_ws(s);
	if (s->p < s->end && *s->p == '}') {
		s->p++;
		return true;
	}
	for (;;) {
		struct model_span key = {0};
		unsigned slot = 0;
		enum sc_ctx child = SC_SKIP;

		if (s->p >= s->end || *s->p != '"' || !sc_string(s, &key))
			return sc_fail(s);
		if (ctx != SC_SKIP) {
			if (key.esc)
				return sc_fail(s); /* "cont\u0065nt": leave it to jansson */
			child = sc_member(ctx, key.p, key.n, &slot);
			if (slot & seen)
				return sc_fail(s); /* a duplicate: jansson keeps the last */
			seen |= slot;
		}
		sc_ws(s);
		if (s->p >= s->end || *s->p != ':')
			return sc_fail(s);
		s->p++;
		sc_ws(s);
		if (s->p >= s->end)
			return sc_fail(s);
		if (slot != 0 && child == SC_SKIP) {
			if (!sc_tracked(s, ctx, key.p, key.n, depth + 1))
				return false;
		} else if (!sc_value(s, child, depth + 1)) {
			return false;
		}
		switch (sc_after(s, '}')) {
		case 1:
			continue;
		case 0:
			return true;
		default:
			return false;
		}
	}
}

/* At '['. */
static bool sc_array(struct sc *s, enum sc_ctx ctx, int depth)
{
	s->p++;
	sc_ws(s);
	if (s->p < s->end && *s->p == ']') {
		s->p++;
		return true;
	}
	for (;;) {
		if (s->p >= s->end)
			return sc_fail(s);
		if (ctx == SC_CHOICES) {
			/* One choice, an object: anything else goes to jansson. */
			if (++s->nchoices > 1 || *s->p != '{')
				return sc_fail(s);
			s->out->choice = true;
			if (!sc_object(s, SC_CHOICE, depth + 1))
				return false;
		} else if (!sc_value(s, SC_SKIP, depth + 1)) {
			return false;
		}
		switch (sc_after(s, ']')) {
		case 1:
			continue;
		case 0:
			return true;
		default:
			return false;
		}
	}
}

/* Any value at s->p (no leading white space). */
static bool sc_value(struct sc *s, enum sc_ctx ctx, int depth)
{
	int64_t v;

	if (depth > MODEL_SCAN_DEPTH || s->p >= s->end)
		return sc_fail(s);
	switch (*s->p) {
	case '{':
		if (ctx == SC_CHOICES)
			return sc_fail(s); /* choices not an array: the decoder's error */
		if (ctx == SC_DELTA || ctx == SC_MESSAGE)
			s->out->msg[ctx == SC_DELTA ? 0 : 1].present = true;
		if (ctx == SC_USAGE)
			s->out->usage = true;
		return sc_object(s, ctx == SC_CHOICE ? SC_SKIP : ctx, depth);
	case '[':
		return sc_array(s, ctx == SC_CHOICES ? SC_CHOICES : SC_SKIP, depth);
	default:
		break;
	}
	if (ctx == SC_CHOICES)
		return sc_fail(s);
	switch (*s->p) {
	case '"':
		return sc_string(s, NULL);
	case 't':
		return sc_lit(s, "true");
	case 'f':
		return sc_lit(s, "false");
	case 'n':
		return sc_lit(s, "null");
	default:
		return sc_number(s, &v);
	}
}

bool model_scan_chunk(enum model_kind kind, const char *s, size_t n, struct model_scan *out)
{
	struct sc sc = {s, s + n, out, 0, 0, true};

	memset(out, 0, sizeof(*out));
	sc_ws(&sc);
	if (sc.p >= sc.end || *sc.p != '{')
		return false;
	if (!sc_object(&sc, kind == MODEL_KIND_OLLAMA ? SC_ROOT_OLLAMA : SC_ROOT_OPENAI, 1))
		return false;
	sc_ws(&sc);
	if (sc.p != sc.end || !sc.ok)
		return false;
	if (out->choice && sc.index != 0)
		out->choice = false; /* only the first choice is shown */
	return true;
}

int model_scan_decode(const struct model_span *sp, struct buf *out)
{
	const char *p = sp->p, *end = sp->p + sp->n;

	if (!sp->esc)
		return buf_add(out, p, sp->n);
	while (p < end) {
		const char *bs = memchr(p, '\\', (size_t)(end - p));
		char u8[4];
		int cp;

		if (bs == NULL)
			return buf_add(out, p, (size_t)(end - p));
		if (buf_add(out, p, (size_t)(bs - p)) != 0)
			return BASE_E_LIMIT;
		switch (bs[1]) {
		case 'b':
			cp = '\b';
			break;
		case 'f':
			cp = '\f';
			break;
		case 'n':
			cp = '\n';
			break;
		case 'r':
			cp = '\r';
			break;
		case 't':
			cp = '\t';
			break;
		case 'u':
			cp = sc_hex4(bs + 2);
			if (cp >= 0xD800 && cp <= 0xDBFF) {
				cp = 0x10000 + ((cp - 0xD800) << 10) + (sc_hex4(bs + 8) - 0xDC00);
				bs += 6;
			}
			bs += 4;
			break;
		default:
			cp = bs[1]; /* " \ / */
			break;
		}
		if (buf_add(out, u8, text_utf8_encode((uint32_t)cp, u8)) != 0)
			return BASE_E_LIMIT;
		p = bs + 2;
	}
	return 0;
}
