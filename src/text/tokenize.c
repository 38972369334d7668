/* text/tokenize: CJK bigram + unigram tokenizer (see tokenize.h). */
#include "text/tokenize.h"

#include <string.h>

#include "text/text.h"

bool text_tok_is_cjk(uint32_t c)
{
	return text_is_han(c) || (c >= 0x3041 && c <= 0x30FF) || (c >= 0xAC00 && c <= 0xD7AF);
}

static bool tok_is_word(uint32_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* A decoded character with its byte span. */
struct tok_char {
	uint32_t c;
	size_t start;
	size_t end;
};

static void tok_next(const char *s, size_t len, size_t *pos, struct tok_char *out)
{
	uint32_t c;
	size_t n = text_utf8_decode(s + *pos, len - *pos, &c);

	if (n == 0)
		n = 1;
	out->start = *pos;
	out->end = *pos + n;
	out->c = text_halfwidth(c);
	*pos += n;
}

static size_t tok_put(char *dst, uint32_t c)
{
	return text_utf8_encode(c, dst);
}

/* Streaming state of the current CJK run. */
struct tok_run {
	struct tok_char prev;
	size_t count;
};

static int tok_emit2(text_tok_cb cb, void *arg, const struct tok_char *a, const struct tok_char *b)
{
	char t[16];
	size_t l = tok_put(t, a->c);

	l += tok_put(t + l, b->c);
	return cb(arg, t, l, a->start, b->end, false);
}

static int tok_emit1(text_tok_cb cb, void *arg, const struct tok_char *a, bool colocated)
{
	char t[8];
	size_t l = tok_put(t, a->c);

	return cb(arg, t, l, a->start, a->end, colocated);
}

/* Next CJK character of a run. */
static int tok_cjk_add(struct tok_run *r, const struct tok_char *ch, int mode, text_tok_cb cb,
		       void *arg)
{
	int rc = 0;

	if (r->count > 0) {
		rc = tok_emit2(cb, arg, &r->prev, ch);
		if (rc == 0 && mode == TEXT_TOK_DOCUMENT)
			rc = tok_emit1(cb, arg, &r->prev, true);
	}
	r->prev = *ch;
	r->count++;
	return rc;
}

static int tok_cjk_end(struct tok_run *r, int mode, text_tok_cb cb, void *arg)
{
	int rc = 0;

	if (r->count > 0 && (mode == TEXT_TOK_DOCUMENT || r->count == 1))
		rc = tok_emit1(cb, arg, &r->prev, false);
	r->count = 0;
	return rc;
}

int text_tokenize(const char *s, size_t len, int mode, text_tok_cb cb, void *arg)
{
	struct tok_run run = {{0, 0, 0}, 0};
	char word[TEXT_TOK_WORD_MAX];
	size_t wlen = 0;
	size_t wstart = 0;
	size_t wend = 0;
	size_t pos = 0;
	int rc = 0;

	while (pos < len) {
		struct tok_char ch;

		tok_next(s, len, &pos, &ch);
		if (text_tok_is_cjk(ch.c)) {
			if (wlen > 0) {
				rc = cb(arg, word, wlen, wstart, wend, false);
				wlen = 0;
				if (rc != 0)
					return rc;
			}
			rc = tok_cjk_add(&run, &ch, mode, cb, arg);
			if (rc != 0)
				return rc;
			continue;
		}
		rc = tok_cjk_end(&run, mode, cb, arg);
		if (rc != 0)
			return rc;
		if (tok_is_word(ch.c)) {
			if (wlen == 0)
				wstart = ch.start;
			if (wlen < sizeof(word))
				word[wlen++] =
				    (char)(ch.c >= 'A' && ch.c <= 'Z' ? ch.c + 32 : ch.c);
			wend = ch.end;
			continue;
		}
		if (wlen > 0) {
			rc = cb(arg, word, wlen, wstart, wend, false);
			wlen = 0;
			if (rc != 0)
				return rc;
		}
	}
	rc = tok_cjk_end(&run, mode, cb, arg);
	if (rc == 0 && wlen > 0)
		rc = cb(arg, word, wlen, wstart, wend, false);
	return rc;
}
